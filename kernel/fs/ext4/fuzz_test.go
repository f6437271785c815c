package ext4

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"liblinux/abi"
	"liblinux/kernel/usermem"
	"liblinux/kernel/vfs"
)

// The structures a fuzz input corrupts: each fuzz base lists, for each,
// the byte ranges of the image that hold it, found at setup from the
// superblock and with debugfs.
const (
	regSuper   = iota // the primary superblock
	regDesc           // the group descriptor table
	regInode          // inode records of the files below
	regExtent         // extent trees: the roots in the inodes and the tree blocks
	regDir            // every block of every directory
	regXattr          // extended attribute blocks
	regJournal        // the journal's superblock and first blocks
	numRegions
)

var regionNames = [numRegions]string{"superblock", "group descriptors", "inodes", "extent trees", "directories", "xattr blocks", "journal"}

// fuzzBase is an image to corrupt and where its structures are.
type fuzzBase struct {
	name    string
	img     []byte
	regions [numRegions][]int // byte offsets of each structure
}

var (
	fuzzOnce  sync.Once
	fuzzBases []fuzzBase
	fuzzErr   error
)

func fuzzImages(t testing.TB) []fuzzBase {
	fuzzOnce.Do(func() { fuzzBases, fuzzErr = buildFuzzImages() })
	if fuzzErr != nil {
		t.Fatal(fuzzErr)
	}
	return fuzzBases
}

// fuzzPaths are the files whose structures are corrupted.
var fuzzPaths = []string{"/", "/d", "/d/sub", "/d/sub/file", "/small", "/frag", "/big", "/fast", "/slowlink", "/lost+found"}

func buildFuzzImages() ([]fuzzBase, error) {
	dir, err := os.MkdirTemp("", "ext4fuzz")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	src := filepath.Join(dir, "src")
	os.MkdirAll(filepath.Join(src, "d", "sub"), 0o755)
	for k := 0; k < 120; k++ {
		os.WriteFile(filepath.Join(src, "d", fmt.Sprintf("entry-%03d-%s", k, strings.Repeat("x", k%40))), []byte{byte(k)}, 0o644)
	}
	os.WriteFile(filepath.Join(src, "d", "sub", "file"), bytes.Repeat([]byte("abc"), 3000), 0o644)
	os.WriteFile(filepath.Join(src, "small"), []byte("tiny"), 0o644)
	os.WriteFile(filepath.Join(src, "big"), bytes.Repeat([]byte("0123456789abcdef"), 20000), 0o644)
	frag, _ := os.Create(filepath.Join(src, "frag"))
	for k := int64(0); k < 200; k++ {
		frag.WriteAt([]byte("y"), k*2*1024)
	}
	frag.Close()
	os.Symlink("small", filepath.Join(src, "fast"))
	os.Symlink(strings.Repeat("slow/", 30), filepath.Join(src, "slowlink"))
	setxattr(filepath.Join(src, "small"), "user.small", []byte("v"))
	setxattr(filepath.Join(src, "d"), "user.big", bytes.Repeat([]byte("big"), 150))
	var out []fuzzBase
	for _, c := range []struct {
		name string
		opts []string
	}{
		{"nocsum", []string{"-O", "^metadata_csum,^64bit", "-N", "256"}},
		{"csum", []string{"-N", "256"}},
		{"ext2", []string{"-t", "ext2", "-N", "256"}},
		{"inline", []string{"-O", "inline_data,^metadata_csum", "-I", "256", "-N", "256"}},
		{"4k", []string{"-b", "4096", "-N", "256"}},
	} {
		img := filepath.Join(dir, c.name)
		args := append([]string{"-q", "-F", "-d", src}, c.opts...)
		if o, err := exec.Command("mkfs.ext4", append(args, img, "3M")...).CombinedOutput(); err != nil {
			return nil, fmt.Errorf("mkfs: %v %s", err, o)
		}
		if c.name == "nocsum" {
			// A second image of this kind with transactions in its
			// journal, to corrupt the recovery's input.
			jimg := filepath.Join(dir, "journal")
			data := filepath.Join(dir, "jdata")
			os.WriteFile(data, bytes.Repeat([]byte("journal!"), 256), 0o644)
			exec.Command("cp", img, jimg).Run()
			cmds := filepath.Join(dir, "jcmds")
			os.WriteFile(cmds, []byte(fmt.Sprintf("jo\njw -b 100,101 %s\njw -r 101\njw -b 102 %s\njc\n", data, data)), 0o644)
			if o, err := exec.Command("debugfs", "-w", "-f", cmds, jimg).CombinedOutput(); err != nil {
				return nil, fmt.Errorf("debugfs: %v %s", err, o)
			}
			b, err := locateStructures("journal", jimg)
			if err != nil {
				return nil, err
			}
			out = append(out, b)
		}
		b, err := locateStructures(c.name, img)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}

// locateStructures reads an image and finds its structures: the
// superblock and the descriptor table from the superblock's fields, the
// rest with debugfs.
func locateStructures(name, path string) (fuzzBase, error) {
	img, err := os.ReadFile(path)
	if err != nil {
		return fuzzBase{}, err
	}
	b := fuzzBase{name: name, img: img}
	span := func(r, off, n int) {
		for k := off; k < off+n && k < len(img); k++ {
			b.regions[r] = append(b.regions[r], k)
		}
	}
	sb := img[1024:2048]
	bs := 1024 << binary.LittleEndian.Uint32(sb[24:])
	firstData := int(binary.LittleEndian.Uint32(sb[20:]))
	blocks := int(binary.LittleEndian.Uint32(sb[4:]))
	perGroup := int(binary.LittleEndian.Uint32(sb[32:]))
	inodeSize := int(binary.LittleEndian.Uint16(sb[88:]))
	descSize := 32
	if binary.LittleEndian.Uint32(sb[96:])&0x80 != 0 { // 64bit
		descSize = int(binary.LittleEndian.Uint16(sb[254:]))
	}
	groups := (blocks - firstData + perGroup - 1) / perGroup
	span(regSuper, 1024, 1024)
	span(regDesc, (firstData+1)*bs, groups*descSize)

	run := func(req string) string {
		o, _ := exec.Command("debugfs", "-R", req, path).Output()
		return string(o)
	}
	reImap := regexp.MustCompile(`located at block (\d+), offset (0x[0-9a-f]+)`)
	reETB := regexp.MustCompile(`\(ETB\d+\):(\d+)`)
	reACL := regexp.MustCompile(`File ACL: (\d+)`)
	for _, p := range fuzzPaths {
		st := run("stat " + p)
		if m := reImap.FindStringSubmatch(run("imap " + p)); m != nil {
			blk, _ := strconv.Atoi(m[1])
			off, _ := strconv.ParseInt(m[2], 0, 64)
			at := blk*bs + int(off)
			span(regInode, at, inodeSize)
			if strings.Contains(st, "EXTENTS:") || strings.Contains(st, "Flags: 0x80000") {
				span(regExtent, at+40, 60) // i_block: the tree's root
			}
		}
		for _, m := range reETB.FindAllStringSubmatch(st, -1) {
			blk, _ := strconv.Atoi(m[1])
			span(regExtent, blk*bs, bs)
		}
		if m := reACL.FindStringSubmatch(st); m != nil {
			if blk, _ := strconv.Atoi(m[1]); blk > 0 {
				span(regXattr, blk*bs, bs)
			}
		}
		if strings.Contains(st, "Type: directory") {
			for _, f := range strings.Fields(run("blocks " + p)) {
				if blk, err := strconv.Atoi(f); err == nil && blk > 0 {
					span(regDir, blk*bs, bs)
				}
			}
		}
	}
	for k := 0; k < 12; k++ {
		if blk, err := strconv.Atoi(strings.TrimSpace(run(fmt.Sprintf("bmap <8> %d", k)))); err == nil && blk > 0 {
			span(regJournal, blk*bs, bs)
		}
	}
	for r := range b.regions {
		if len(b.regions[r]) == 0 && r != regXattr && r != regJournal && r != regExtent {
			return b, fmt.Errorf("%s: no %s found", name, regionNames[r])
		}
	}
	return b, nil
}

// corrupt applies a fuzz input to a copy of one of the bases: data[0]
// picks the base, data[1] the structure, and each following triple is
// a 16-bit position in that structure and a byte to XOR there. When
// data[1] has its top bit set, the two bytes after it cut the image
// short: to that many KiB (modulo its size), at least 2.
func corrupt(bases []fuzzBase, data []byte) ([]byte, bool) {
	if len(data) < 2 {
		return nil, false
	}
	b := bases[int(data[0])%len(bases)]
	region := b.regions[int(data[1]&0x7f)%numRegions]
	if len(region) == 0 {
		region = b.regions[regSuper]
	}
	img := append([]byte(nil), b.img...)
	cut, data := data[1]&0x80 != 0, data[2:]
	if cut && len(data) >= 2 {
		kib := 2 + (int(data[0])<<8|int(data[1]))%(len(img)/1024-1)
		img, data = img[:kib*1024], data[2:]
	}
	for ; len(data) >= 3; data = data[3:] {
		if k := region[(int(data[0])<<8|int(data[1]))%len(region)]; k < len(img) {
			img[k] ^= data[2]
		}
	}
	return img, true
}

// errnoCheck collects errors that are not Linux errnos, and counts what
// an exercise did. One goroutine fills it; it is read once that is done.
type errnoCheck struct {
	bad    []string
	errs   int // errnos seen, but for ENODATA and ENXIO (no such attribute, no data or hole)
	dirs   int // directories listed
	files  int // files read to the end
	links  int // symbolic links read
	mounts int
}

func (c *errnoCheck) check(what string, err error) {
	if err == nil {
		return
	}
	if err != abi.ENODATA && err != abi.ENXIO {
		c.errs++
	}
	if e, ok := abi.ErrnoOf(err); ok && e > 0 && e <= abi.MaxErrno {
		return
	}
	c.bad = append(c.bad, fmt.Sprintf("%s: %v (%T) is not a Linux errno", what, err, err))
}

// exerciseTimeout bounds one exercise: a corrupt image must not make the
// filesystem loop.
const exerciseTimeout = 30 * time.Second

// exerciseChecked runs exercise with a deadline and fails t on a hang or
// on an error that is not an errno.
func exerciseChecked(t *testing.T, img []byte, rw bool) *errnoCheck {
	t.Helper()
	var c errnoCheck
	done := make(chan struct{})
	go func() {
		defer close(done)
		exercise(img, rw, &c)
	}()
	select {
	case <-done:
	case <-time.After(exerciseTimeout):
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		t.Fatalf("exercise (rw %v) did not finish in %v:\n%s", rw, exerciseTimeout, buf)
	}
	for _, s := range c.bad {
		t.Errorf("rw %v: %s", rw, s)
	}
	return &c
}

// exercise mounts a (possibly corrupt) image and uses all of it: every
// directory is listed, every file read to its end (up to 1 MiB), every
// link and attribute read; rw also changes each directory. Errors are
// expected and must be errnos (c); panics and hangs are failures. Every
// loop is bounded, so a consistent image always finishes.
func exercise(img []byte, rw bool, c *errnoCheck) {
	disk := newFuzzDisk(img)
	ctx := newCtx()
	flags := uint64(abi.MS_RDONLY)
	if rw {
		flags = 0
	}
	sb, err := NewType("ext4", nil).MountDevice(ctx, vfs.New(), disk, "fuzz", flags, "")
	c.check("mount", err)
	if err != nil {
		disk.Close()
		return
	}
	c.mounts++
	fs := sb.FS.(*FS)
	root := sb.Root().Inode().(*inode)
	buf := userBuf(1 << 16)
	visited := 0
	var walk func(d *inode, depth int)
	walk = func(d *inode, depth int) {
		if depth > 8 || visited > 2000 {
			return
		}
		var names []string
		var off int64
		for n := 0; n < 50; n++ {
			got := 0
			err := d.ReadDir(ctx, off, func(e vfs.Dirent) bool {
				got++
				names = append(names, e.Name)
				if e.Next <= off {
					return false
				}
				off = e.Next
				return got < 64
			})
			c.check("readdir", err)
			if err != nil {
				break
			}
			if got == 0 {
				c.dirs++
				break
			}
		}
		for _, name := range names {
			if name == "." || name == ".." {
				continue
			}
			visited++
			ci, err := d.Lookup(ctx, name)
			c.check("lookup "+name, err)
			if err != nil {
				continue
			}
			i := ci.(*inode)
			a := i.Attr()
			_, err = i.ListXattr(ctx)
			c.check("listxattr", err)
			for _, x := range []string{"user.big", "user.small", "system.posix_acl_access"} {
				_, err = i.GetXattr(ctx, x)
				c.check("getxattr "+x, err)
			}
			switch a.Type() {
			case abi.S_IFDIR:
				if i != d {
					walk(i, depth+1)
				}
			case abi.S_IFLNK:
				_, err = i.Readlink(ctx)
				c.check("readlink", err)
				if err == nil {
					c.links++
				}
			case abi.S_IFREG:
				f, err := i.Open(ctx, abi.O_RDONLY)
				c.check("open", err)
				if err != nil {
					continue
				}
				for off := int64(0); off < 1<<20; {
					io, _ := usermem.NewIO(usermem.AddrOf(buf), len(buf))
					n, err := f.Read(ctx, io, off)
					c.check("read", err)
					if err != nil {
						break
					}
					if n == 0 {
						c.files++
						break
					}
					off += int64(n)
				}
				for _, w := range []int{abi.SEEK_DATA, abi.SEEK_HOLE} {
					_, err := f.(*regFile).Seek(ctx, 0, 0, w)
					c.check("seek", err)
				}
				f.Release()
			}
		}
		if !rw {
			return
		}
		// Change things too.
		n, err := d.Create(ctx, "new-file", vfs.CreateOpts{Mode: abi.S_IFREG | 0o644})
		c.check("create", err)
		if err == nil {
			f, err := n.Open(ctx, abi.O_RDWR)
			c.check("open", err)
			if err == nil {
				io, _ := usermem.NewIO(usermem.AddrOf(buf), 5000)
				_, err = f.Write(ctx, io, 3000)
				c.check("write", err)
				f.Release()
			}
			c.check("setxattr", n.(*inode).SetXattr(ctx, "user.new", bytes.Repeat([]byte("z"), 300), 0))
		}
		_, err = d.Mkdir(ctx, "new-dir", vfs.CreateOpts{Mode: abi.S_IFDIR | 0o755})
		c.check("mkdir", err)
		for k, name := range names {
			if name == "." || name == ".." || name == "new-file" || name == "new-dir" {
				continue
			}
			switch k % 4 {
			case 0:
				c.check("unlink", d.Unlink(ctx, name))
			case 1:
				c.check("rename", d.Rename(ctx, name, root, name+".moved", 0))
			case 2:
				if n, err := d.Lookup(ctx, name); err == nil {
					c.check("truncate", n.SetAttr(ctx, &vfs.SetAttr{Mask: vfs.SetSize, Size: 100}))
				}
			case 3:
				c.check("rmdir", d.Rmdir(ctx, name))
			}
		}
	}
	walk(root, 0)
	fs.Statfs()
	c.check("sync", fs.Sync())
	fs.release()
	disk.Close()
}

func newFuzzDisk(img []byte) *blockDevice {
	return newTestDevice(img)
}

// FuzzImage mounts images made by mkfs.ext4 with bytes flipped in one of
// their structures (see corrupt), read-only and read-write, and uses
// everything on them: it must fail with errnos only, never panic or
// hang. The seeds flip bytes in each structure of each base.
func FuzzImage(f *testing.F) {
	needTools(f)
	bases := fuzzImages(f)
	for bi := range bases {
		for r := 0; r < numRegions; r++ {
			if len(bases[bi].regions[r]) == 0 {
				continue
			}
			f.Add([]byte{byte(bi), byte(r), 0, byte(7 * r), 0x55, 0, byte(40 + r), 0x01, 1, byte(r), 0x80})
		}
		// Cut short, clean and with a flipped directory byte.
		f.Add([]byte{byte(bi), 0x80 | regSuper, 0, byte(200 + bi)})
		f.Add([]byte{byte(bi), 0x80 | regDir, 0, 150, 0, 17, 0x04})
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		img, ok := corrupt(bases, data)
		if !ok {
			return
		}
		exerciseChecked(t, img, false)
		exerciseChecked(t, img, true)
	})
}

// TestCorruptImages runs the fuzz body over seeded random corruptions of
// each structure.
func TestCorruptImages(t *testing.T) {
	t.Parallel()
	needTools(t)
	bases := fuzzImages(t)
	r := rand.New(rand.NewSource(7))
	var total errnoCheck
	n := 120
	if testing.Short() {
		n = 40
	}
	for k := 0; k < n; k++ {
		data := []byte{byte(k), byte(k / len(bases))}
		if k%7 == 3 {
			data[1] |= 0x80
			data = append(data, byte(r.Intn(256)), byte(r.Intn(256)))
		}
		flips := 1 + r.Intn(6)
		if k%10 == 0 {
			flips = 20 // many bytes of one structure
		}
		for j := 0; j < flips; j++ {
			data = append(data, byte(r.Intn(256)), byte(r.Intn(256)), byte(1+r.Intn(255)))
		}
		img, _ := corrupt(bases, data)
		c := exerciseChecked(t, img, k%2 == 0)
		total.mounts += c.mounts
		total.files += c.files
		total.dirs += c.dirs
		total.errs += c.errs
	}
	t.Logf("%d mounts, %d dirs listed, %d files read, %d errors", total.mounts, total.dirs, total.files, total.errs)
}

// TestFuzzBasesClean exercises the uncorrupted bases: no error at all,
// and the walk reaches every directory, file and link.
func TestFuzzBasesClean(t *testing.T) {
	needTools(t)
	for _, b := range fuzzImages(t) {
		for _, rw := range []bool{false, true} {
			var c errnoCheck
			exercise(b.img, rw, &c)
			// Read-only: /, d, d/sub, lost+found; 120 entries of d,
			// d/sub/file, small, big, frag; fast and slowlink. The
			// read-write walk sees what it renames as it goes.
			if !rw && (c.mounts != 1 || c.errs != 0 || c.dirs != 4 || c.files != 124 || c.links != 2) {
				t.Errorf("%s ro: %d mounts, %d errors, %d dirs, %d files, %d links", b.name, c.mounts, c.errs, c.dirs, c.files, c.links)
			}
			if rw && (c.mounts != 1 || c.dirs < 4 || c.files < 100) {
				t.Errorf("%s rw: %d mounts, %d errors, %d dirs, %d files, %d links", b.name, c.mounts, c.errs, c.dirs, c.files, c.links)
			}
			for _, s := range c.bad {
				t.Errorf("%s: %s", b.name, s)
			}
		}
	}
}

// TestFuzzRegions checks that every base has its structures located.
func TestFuzzRegions(t *testing.T) {
	needTools(t)
	for _, b := range fuzzImages(t) {
		for r := 0; r < numRegions; r++ {
			// ext2 has neither extents nor a journal; a 3 MiB
			// filesystem of 4 KiB blocks is too small for a journal.
			if len(b.regions[r]) == 0 && !(b.name == "ext2" && r == regExtent) && !((b.name == "ext2" || b.name == "4k") && r == regJournal) {
				t.Errorf("%s: no %s", b.name, regionNames[r])
			}
		}
	}
}

// TestTruncatedImageFiles cuts images short: reading a file with a block
// past the end fails with EIO, every other file reads in full, and the
// directories list as before.
func TestTruncatedImageFiles(t *testing.T) {
	needTools(t)
	src := t.TempDir()
	files := map[string][]byte{}
	for k := 0; k < 12; k++ {
		name := fmt.Sprintf("f%02d", k)
		if k%3 == 0 {
			name = "dir/" + name
		}
		files[name] = bytes.Repeat([]byte{byte('a' + k)}, 3000+k*7000)
	}
	os.Mkdir(filepath.Join(src, "dir"), 0o755)
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(src, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		name string
		opts []string
	}{
		{"4k", []string{"-b", "4096"}},
		{"1k", []string{"-b", "1024"}}, // the cut is inside a cache page
	} {
		t.Run(c.name, func(t *testing.T) {
			full := mkfs(t, src, "2M", c.opts...)
			path := writeTemp(t, full)
			bs := 1024 << binary.LittleEndian.Uint32(full[1024+24:])
			// The last block of each file, data or extent tree.
			last := map[string]int{}
			var ends []int
			for name := range files {
				last[name] = slices.Max(debugfsBlocks(t, path, "/"+name))
				ends = append(ends, last[name])
			}
			// Cut in the middle of the files' blocks, past the
			// directories, off a page boundary when blocks are
			// smaller than pages.
			dirEnd := max(slices.Max(debugfsBlocks(t, path, "/")), slices.Max(debugfsBlocks(t, path, "/dir")))
			slices.Sort(ends)
			k := len(ends) / 2
			for k < len(ends)-1 && ends[k] <= dirEnd {
				k++
			}
			cut := ends[k]
			if bs < 4096 && cut*bs%4096 == 0 {
				cut--
			}
			img := full[:cut*bs]
			m := mustMount(t, img, abi.MS_RDONLY, "")
			defer m.unmount()
			entries, err := m.listDir(m.mustLookup("dir"))
			if err != nil || len(entries) != 4 {
				t.Fatalf("listing dir: %d entries, %v", len(entries), err)
			}
			bad, good := 0, 0
			for name, data := range files {
				got, err := m.readAll(m.mustLookup(name))
				if last[name] >= cut {
					bad++
					if err != abi.EIO {
						t.Errorf("%s (last block %d, cut at %d): %v, want EIO", name, last[name], cut, err)
					}
					continue
				}
				good++
				if err != nil || !bytes.Equal(got, data) {
					t.Errorf("%s (last block %d, cut at %d): %d bytes, %v", name, last[name], cut, len(got), err)
				}
			}
			if bad == 0 || good == 0 {
				t.Fatalf("cut at %d: %d files past it, %d before: the test proves nothing", cut, bad, good)
			}
		})
	}
}

// debugfsBlocks lists the blocks a file uses: data and extent tree.
func debugfsBlocks(t *testing.T, img, path string) []int {
	t.Helper()
	var out []int
	for _, f := range strings.Fields(debugfsPath(t, img, "blocks "+path)) {
		if b, err := strconv.Atoi(f); err == nil {
			out = append(out, b)
		}
	}
	for _, m := range regexp.MustCompile(`\(ETB\d+\):(\d+)`).FindAllStringSubmatch(debugfsPath(t, img, "stat "+path), -1) {
		b, _ := strconv.Atoi(m[1])
		out = append(out, b)
	}
	return out
}

func debugfsPath(t *testing.T, img, req string) string {
	t.Helper()
	o, err := exec.Command("debugfs", "-R", req, img).Output()
	if err != nil {
		t.Fatalf("debugfs -R %q: %v", req, err)
	}
	return string(o)
}
