package ext4

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"liblinux/abi"
	"liblinux/kernel/usermem"
	"liblinux/kernel/vfs"
)

// The values these tests expect were measured with Linux 6.18 on images
// made the same way (mke2fs 1.47.0, 64 MiB, the UUID and hash seed
// below), loop-mounted.

var fixedSeed = []string{"-U", "6c6b6c00-6475-616c-2d65-787434000001",
	"-E", "nodiscard,hash_seed=6c6b6c00-6475-616c-2d65-787434000002"}

func mkfsSeeded(t *testing.T, opts ...string) []byte {
	return mkfs(t, "", "64M", append(append([]string(nil), fixedSeed...), opts...)...)
}

// longName is link k's name in TestIndexFull: 255 bytes, 3 to a 1 KiB
// leaf.
func longName(k int) string {
	return fmt.Sprintf("%07d-", k) + strings.Repeat("n", 255-8)
}

// TestIndexFull fills a directory's two-level index (no large_dir) with
// links of 255-byte names: Linux takes 21350 of them, then gives ENOSPC
// with a warning; the leaves and index nodes split exactly as Linux's,
// so the directory has Linux's size.
func TestIndexFull(t *testing.T) {
	t.Parallel()
	needTools(t)
	if testing.Short() {
		t.Skip("slow")
	}
	m := mustMount(t, mkfsSeeded(t), 0, "")
	d := m.mkdir("d")
	f, _ := m.create("f", 0o644)
	k := 0
	var err error
	for ; k < 30000; k++ {
		if err = d.Link(m.ctx, longName(k), f); err != nil {
			break
		}
	}
	if err != abi.ENOSPC || k != 21350 {
		t.Fatalf("links: %d, then %v; want 21350, then ENOSPC", k, err)
	}
	if !strings.Contains(m.ctx.logText(), "index full, reach max htree level :2") ||
		!strings.Contains(m.ctx.logText(), "Large directory feature is not enabled") {
		t.Fatalf("log: %q", m.ctx.logText())
	}
	if got := d.Attr().Size; got != 11068416 {
		t.Fatalf("directory size %d, want 11068416", got)
	}
	if _, err := d.Lookup(m.ctx, longName(12345)); err != nil {
		t.Fatal(err)
	}
	fsck(t, m.unmount())
}

// TestHashOrderPositions: on a dir_index filesystem a one-block
// directory is listed in hash order, "." and ".." hashed like names; an
// entry's d_off is the next one's position and the last one's is the
// 64-bit end. Positions stay valid while the directory grows into an
// index: a listing resumed there neither repeats nor misses names (but
// "." and "..", whose positions change with the index, may be missed or
// repeated, as in Linux).
func TestHashOrderPositions(t *testing.T) {
	t.Parallel()
	needTools(t)
	m := mustMount(t, mkfsSeeded(t), 0, "")
	d := m.mkdir("d")
	var offs []int64
	d.ReadDir(m.ctx, 0, func(e vfs.Dirent) bool { offs = append(offs, e.Next); return true })
	if len(offs) != 2 || offs[0] != 0x5313426ece8c3082 || offs[1] != htreeEOF64 {
		t.Fatalf("empty directory offsets %#x", offs)
	}
	for k := 0; k < 15; k++ {
		if _, err := d.Create(m.ctx, fmt.Sprintf("a%02d", k), vfs.CreateOpts{Mode: abi.S_IFREG | 0o644}); err != nil {
			t.Fatal(err)
		}
	}
	seen := map[string]int{}
	var pos int64
	n := 0
	d.ReadDir(m.ctx, 0, func(e vfs.Dirent) bool {
		if n == 8 {
			return false
		}
		seen[e.Name]++
		pos = e.Next
		n++
		return true
	})
	// Grow to several blocks: the directory gets an index.
	for k := 0; k < 200; k++ {
		if _, err := d.Create(m.ctx, fmt.Sprintf("b%03d-%s", k, strings.Repeat("x", 40)), vfs.CreateOpts{Mode: abi.S_IFREG | 0o644}); err != nil {
			t.Fatal(err)
		}
	}
	if !d.isIndexed() {
		t.Fatal("not indexed")
	}
	for {
		got := 0
		d.ReadDir(m.ctx, pos, func(e vfs.Dirent) bool {
			seen[e.Name]++
			pos = e.Next
			got++
			return got < 7
		})
		if got == 0 {
			break
		}
	}
	if pos != htreeEOF64 {
		t.Fatalf("end position %#x", pos)
	}
	for k := 0; k < 15; k++ {
		if c := seen[fmt.Sprintf("a%02d", k)]; c != 1 {
			t.Fatalf("a%02d listed %d times", k, c)
		}
	}
	fsck(t, m.unmount())
}

// TestMaxBytes: the largest file size and lseek limit of block-mapped
// and extent-mapped files, with and without huge_file.
func TestMaxBytes(t *testing.T) {
	t.Parallel()
	needTools(t)
	for _, c := range []struct {
		typ  string
		opts []string
		want int64
	}{
		{"ext3", []string{"-t", "ext3", "-b", "4096"}, 2196873666560},
		{"ext3", []string{"-t", "ext3", "-b", "1024"}, 17247252480},
		{"ext4", []string{"-O", "^huge_file", "-b", "1024"}, 2199023254528},
		{"ext4", []string{"-O", "^huge_file", "-b", "4096"}, 2199023251456},
		{"ext4", []string{"-b", "1024"}, 4398046510080},
		{"ext4", []string{"-b", "4096"}, 17592186040320},
	} {
		m, err := mountImage(t, mkfs(t, "", "64M", c.opts...), c.typ, 0, "")
		if err != nil {
			t.Fatalf("%v: %v", c.opts, err)
		}
		i, f := m.create("f", 0o644)
		if got := i.maxBytes(); got != c.want {
			t.Errorf("%v: max bytes %d, want %d", c.opts, got, c.want)
		}
		s := f.(vfs.Seeker)
		if n, err := s.Seek(m.ctx, 0, c.want, abi.SEEK_SET); n != c.want || err != nil {
			t.Errorf("%v: seek to the limit: %d %v", c.opts, n, err)
		}
		if _, err := s.Seek(m.ctx, 0, c.want+1, abi.SEEK_SET); err != abi.EINVAL {
			t.Errorf("%v: seek past the limit: %v", c.opts, err)
		}
		if _, err := s.Seek(m.ctx, c.want, 1, abi.SEEK_CUR); err != abi.EINVAL {
			t.Errorf("%v: seek past the limit from the current position: %v", c.opts, err)
		}
		f.Release()
		m.unmount()
	}
}

// readFile returns a file's contents through a new open file.
func readFile(t *testing.T, m *mounted, i *inode) []byte {
	t.Helper()
	b, err := m.readAll(i)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestCollapseInsertRange shifts the extents of a fragmented file (an
// extent tree below the inode) down and up, and checks the contents
// through the filesystem and through debugfs, and the image with e2fsck.
func TestCollapseInsertRange(t *testing.T) {
	t.Parallel()
	needTools(t)
	m := mustMount(t, mkfs(t, "", "16M", "-b", "1024"), 0, "")
	i, f := m.create("f", 0o644)
	_, gf := m.create("g", 0o644)
	const nb = 600
	var want []byte
	for k := 0; k < nb; k++ {
		blk := bytes.Repeat([]byte{byte(k), byte(k >> 8)}, 512)
		writeAt(t, m, f, int64(k)*1024, blk)
		// Another file's blocks in between: one extent per block.
		writeAt(t, m, gf, int64(k)*1024, blk)
		want = append(want, blk...)
	}
	a := f.(vfs.Allocator)
	if err := a.Allocate(m.ctx, abi.FALLOC_FL_COLLAPSE_RANGE, 1000, 1024); err != abi.EINVAL {
		t.Fatalf("unaligned collapse: %v", err)
	}
	if err := a.Allocate(m.ctx, abi.FALLOC_FL_COLLAPSE_RANGE, 1024, int64(nb-1)*1024); err != abi.EINVAL {
		t.Fatalf("collapse reaching the end: %v", err)
	}
	if err := a.Allocate(m.ctx, abi.FALLOC_FL_COLLAPSE_RANGE, 100*1024, 50*1024); err != nil {
		t.Fatal(err)
	}
	want = append(want[:100*1024:100*1024], want[150*1024:]...)
	if err := a.Allocate(m.ctx, abi.FALLOC_FL_INSERT_RANGE, 20*1024, 30*1024); err != nil {
		t.Fatal(err)
	}
	want = append(append(append([]byte(nil), want[:20*1024]...), make([]byte, 30*1024)...), want[20*1024:]...)
	if err := a.Allocate(m.ctx, abi.FALLOC_FL_INSERT_RANGE, int64(len(want)), 1024); err != abi.EINVAL {
		t.Fatalf("insert at the end: %v", err)
	}
	if got := readFile(t, m, i); !bytes.Equal(got, want) {
		t.Fatalf("contents differ after collapse and insert (%d bytes, want %d)", len(got), len(want))
	}
	if got := i.Attr().Blocks; got != int64(nb-50)*2+i.treeBlocks()*2 {
		t.Fatalf("blocks %d", got)
	}
	f.Release()
	gf.Release()
	out := m.unmount()
	fsck(t, out)
	if got := debugfsCat(t, writeTemp(t, out), "/f"); !bytes.Equal(got, want) {
		t.Fatal("debugfs reads other contents")
	}
}

// treeBlocks counts the extent tree blocks below the inode.
func (i *inode) treeBlocks() int64 {
	i.mu.RLock()
	defer i.mu.RUnlock()
	h, _ := readExtHeader(i.d.block[:])
	if h.depth == 0 {
		return 0
	}
	var n int64
	var walk func(b []byte, depth int)
	walk = func(b []byte, depth int) {
		hh, _ := readExtHeader(b)
		for k := 0; k < hh.entries; k++ {
			x := getIndex(b, k)
			n++
			if depth > 1 {
				c := i.fs.newBuf()
				i.fs.readBlock(x.blk, c)
				walk(c, depth-1)
			}
		}
	}
	walk(i.d.block[:], h.depth)
	return n
}

// setX sets a user attribute on an inode.
func setX(t *testing.T, m *mounted, i *inode, name string, v []byte) {
	t.Helper()
	if err := i.SetXattr(m.ctx, name, v, 0); err != nil {
		t.Fatalf("setxattr %s: %v", name, err)
	}
}

func listX(t *testing.T, m *mounted, i *inode) string {
	t.Helper()
	names, err := i.ListXattr(m.ctx)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(names, ",")
}

// TestXattrPlacement: values go in the inode while they fit, else in the
// block, in Linux's orders (the inode's in the order set, the block's
// sorted); identical blocks are shared and copied on change.
func TestXattrPlacement(t *testing.T) {
	t.Parallel()
	needTools(t)
	m := mustMount(t, mkfs(t, "", "16M", "-b", "1024"), 0, "")
	f, _ := m.create("f", 0o644)
	v := bytes.Repeat([]byte("v"), 300)
	setX(t, m, f, "user.small", v[:10])
	setX(t, m, f, "user.big", v[:200])
	setX(t, m, f, "trusted.t", v[:5])
	if got := listX(t, m, f); got != "user.small,trusted.t,user.big" {
		t.Fatalf("list %q", got)
	}
	for k := 11; k >= 0; k-- {
		setX(t, m, f, fmt.Sprintf("user.n%02d", k), []byte("0123456789"))
	}
	if got := listX(t, m, f); got != "user.small,trusted.t,user.big,user.n00,user.n01,user.n02,user.n03,user.n04,user.n05,user.n06,user.n07,user.n08,user.n09,user.n10,user.n11" {
		t.Fatalf("list %q", got)
	}
	// Two inodes with the same block share it.
	g, _ := m.create("g", 0o644)
	h, _ := m.create("h", 0o644)
	setX(t, m, g, "user.x", v)
	free := m.fs.Statfs().Bfree
	setX(t, m, h, "user.x", v)
	if g.d.fileACL == 0 || h.d.fileACL != g.d.fileACL || m.fs.Statfs().Bfree != free {
		t.Fatalf("not shared: %d %d", g.d.fileACL, h.d.fileACL)
	}
	b, _ := m.fs.readXattrBlock(g.d.fileACL)
	if le32(b, 4) != 2 {
		t.Fatalf("refcount %d", le32(b, 4))
	}
	setX(t, m, h, "user.x", v[:299])
	if h.d.fileACL == g.d.fileACL || m.fs.Statfs().Bfree != free-1 {
		t.Fatal("a shared block changed in place")
	}
	if got, _ := g.GetXattr(m.ctx, "user.x"); !bytes.Equal(got, v) {
		t.Fatal("the other inode's value changed")
	}
	// Same value: nothing changes, not even the change time.
	ct := h.Attr().Ctime
	setX(t, m, h, "user.x", v[:299])
	if h.Attr().Ctime != ct {
		t.Fatal("ctime changed")
	}
	if err := h.RemoveXattr(m.ctx, "user.x"); err != nil || h.d.fileACL != 0 || h.Attr().Blocks != 0 {
		t.Fatalf("remove: %v, block %d", err, h.d.fileACL)
	}
	fsck(t, m.unmount())
}

// TestReadOnlyNeverWrites mounts read-only an image that has a journal
// to recover and an orphan, uses it every way a reader can and tries
// every change: not a byte of the device changes.
func TestReadOnlyNeverWrites(t *testing.T) {
	t.Parallel()
	needTools(t)
	img, _, _ := journalImage(t, "-c")
	if !needsRecovery(img) {
		t.Fatal("no journal to recover")
	}
	// An orphan too: a file unlinked while open, synced, not closed.
	w := mustMount(t, mkfs(t, "", "16M"), 0, "")
	w.mkdir("d")
	for k := 0; k < 50; k++ {
		w.create(fmt.Sprintf("d/f%02d", k), 0o644)
	}
	o, of := w.create("gone", 0o644)
	writeAt(t, w, of, 0, make([]byte, 5000))
	setX(t, w, o, "user.a", []byte("x"))
	w.root.Symlink(w.ctx, "link", "d/f01", vfs.CreateOpts{Mode: abi.S_IFLNK | 0o777})
	w.root.Unlink(w.ctx, "gone")
	w.fs.Sync()
	orphaned := append([]byte(nil), w.disk.Bytes()...)
	for _, src := range [][]byte{img, orphaned} {
		before := append([]byte(nil), src...)
		m := mustMount(t, src, abi.MS_RDONLY, "")
		walkAll(t, m, m.root)
		m.fs.Sync()
		m.fs.Statfs()
		if _, err := m.root.Create(m.ctx, "x", vfs.CreateOpts{Mode: abi.S_IFREG | 0o644}); err != abi.EROFS {
			t.Fatalf("create: %v", err)
		}
		if err := m.root.SetAttr(m.ctx, &vfs.SetAttr{Mask: vfs.SetMode, Mode: 0o700}); err != abi.EROFS {
			t.Fatalf("setattr: %v", err)
		}
		if err := m.root.SetXattr(m.ctx, "user.x", []byte("1"), 0); err != abi.EROFS {
			t.Fatalf("setxattr: %v", err)
		}
		if err := m.fs.Remount(m.ctx, abi.MS_RDONLY, ""); err != nil {
			t.Fatal(err)
		}
		out := m.unmount()
		if !bytes.Equal(out, before) {
			for k := range out {
				if out[k] != before[k] {
					t.Fatalf("read-only mount wrote byte %d", k)
				}
			}
		}
	}
}

// walkAll reads everything below dir: listings, contents, links,
// attributes.
func walkAll(t *testing.T, m *mounted, dir *inode) {
	t.Helper()
	ents, err := m.listDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for name := range ents {
		c, err := dir.Lookup(m.ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		i := c.(*inode)
		i.ListXattr(m.ctx)
		i.GetXattr(m.ctx, "user.a")
		switch i.typ() {
		case abi.S_IFDIR:
			walkAll(t, m, i)
		case abi.S_IFREG:
			m.readAll(i)
			if f, err := i.Open(m.ctx, abi.O_RDONLY); err == nil {
				buf := userBuf(10)
				io, _ := usermem.NewIO(usermem.AddrOf(buf), 10)
				f.Read(m.ctx, io, 0)
				f.(vfs.Seeker).Seek(m.ctx, 0, 0, abi.SEEK_DATA)
				f.Release()
			}
		case abi.S_IFLNK:
			i.Readlink(m.ctx)
		}
	}
}

// TestXattrSharingConcurrent: inodes setting and removing the same
// attributes at once share and unshare blocks without losing a
// reference.
func TestXattrSharingConcurrent(t *testing.T) {
	t.Parallel()
	needTools(t)
	m := mustMount(t, mkfs(t, "", "16M", "-b", "1024"), 0, "")
	const n = 8
	var files []*inode
	for k := 0; k < n; k++ {
		i, f := m.create(fmt.Sprintf("f%d", k), 0o644)
		f.Release()
		files = append(files, i)
	}
	v := bytes.Repeat([]byte("s"), 300)
	done := make(chan error, n)
	for k := 0; k < n; k++ {
		go func(i *inode, k int) {
			for r := 0; r < 50; r++ {
				if err := i.SetXattr(m.ctx, "user.x", v[:300-r%3], 0); err != nil {
					done <- err
					return
				}
				if r%4 == k%4 {
					if err := i.RemoveXattr(m.ctx, "user.x"); err != nil {
						done <- err
						return
					}
				}
			}
			done <- nil
		}(files[k], k)
	}
	for k := 0; k < n; k++ {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	fsck(t, m.unmount())
}
