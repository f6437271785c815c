package ext4

import (
	"bytes"
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"liblinux/abi"
	"liblinux/kernel/usermem"
	"liblinux/kernel/vfs"
)

// TestBigDirectory grows one directory to thousands of entries: it
// becomes indexed, its leaves split and its index gains a level; then
// half the entries go. e2fsck must find the index sound.
func TestBigDirectory(t *testing.T) {
	t.Parallel()
	needTools(t)
	img := mkfs(t, "", "24M", "-N", "8000")
	m := mustMount(t, img, 0, "")
	d := m.mkdir("big")
	const n = 6000
	name := func(k int) string { return fmt.Sprintf("file-%05d-%s", k, strings.Repeat("q", k%50)) }
	for k := 0; k < n; k++ {
		if _, err := d.Create(m.ctx, name(k), vfs.CreateOpts{Mode: abi.S_IFREG | 0o644}); err != nil {
			t.Fatalf("create %d: %v", k, err)
		}
	}
	if !d.isIndexed() {
		t.Fatal("the directory is not indexed")
	}
	d.mu.RLock()
	root, _ := d.readDirBlockLocked(0)
	levels := root[dxRootInfo+6]
	d.mu.RUnlock()
	if levels != 1 {
		t.Fatalf("index levels %d, want 1 (two-level tree)", levels)
	}
	for k := 0; k < n; k += 2 {
		if err := d.Unlink(m.ctx, name(k)); err != nil {
			t.Fatalf("unlink %d: %v", k, err)
		}
	}
	for k := 0; k < n; k++ {
		_, err := d.Lookup(m.ctx, name(k))
		if (k%2 == 0) != (err == abi.ENOENT) {
			t.Fatalf("lookup %d: %v", k, err)
		}
	}
	ents, err := m.listDir(d)
	if err != nil || len(ents) != n/2 {
		t.Fatalf("listing: %d entries, %v", len(ents), err)
	}
	out := m.unmount()
	fsck(t, out)
	p := writeTemp(t, out)
	if o, _ := exec.Command("debugfs", "-R", "htree /big", p).CombinedOutput(); !bytes.Contains(o, []byte("Indirect levels: 1")) {
		t.Fatalf("debugfs htree: %.300s", o)
	}
}

// TestExtentTree makes a file of many small extents (a tree two levels
// deep), then cuts it down again.
func TestExtentTree(t *testing.T) {
	t.Parallel()
	needTools(t)
	img := mkfs(t, "", "24M")
	m := mustMount(t, img, 0, "")
	c, f := m.create("frag", 0o644)
	const n = 1500
	want := make([]byte, 2*n*1024)
	for k := 0; k < n; k++ {
		d := bytes.Repeat([]byte{byte(k)}, 1024)
		writeAt(t, m, f, int64(2*k*1024), d)
		copy(want[2*k*1024:], d)
	}
	want = want[:(2*n-1)*1024]
	if h, _ := readExtHeader(c.d.block[:]); h.depth < 2 {
		t.Fatalf("extent tree depth %d, want 2", h.depth)
	}
	got, err := m.readAll(c)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("read back: %v", err)
	}
	// Fill some holes (extents merge), punch others, then truncate.
	rf := f.(*regFile)
	for k := 0; k < 200; k++ {
		writeAt(t, m, f, int64((2*k+1)*1024), want[(2*k+1)*1024:(2*k+2)*1024])
	}
	if err := rf.Allocate(m.ctx, abi.FALLOC_FL_PUNCH_HOLE|abi.FALLOC_FL_KEEP_SIZE, 500*1024, 700*1024); err != nil {
		t.Fatal(err)
	}
	clear(want[500*1024 : 1200*1024])
	if got, _ := m.readAll(c); !bytes.Equal(got, want) {
		t.Fatal("after punching: contents differ")
	}
	f.Release()
	out := m.unmount()
	fsck(t, out)
	if got := debugfsCat(t, writeTemp(t, out), "/frag"); !bytes.Equal(got, want) {
		t.Fatal("debugfs reads other contents")
	}
	m = mustMount(t, out, 0, "")
	c = m.mustLookup("frag")
	if err := c.SetAttr(m.ctx, &vfs.SetAttr{Mask: vfs.SetSize, Size: 2 * 1024}); err != nil {
		t.Fatal(err)
	}
	if h, _ := readExtHeader(c.d.block[:]); h.depth != 0 {
		t.Fatalf("after truncating: depth %d, want 0", h.depth)
	}
	out = m.unmount()
	fsck(t, out)
}

// TestOpenUnlinked: an unlinked file stays readable while open; a crash
// (the image taken while it is open) leaves it on the orphan list and
// the next mount frees it.
func TestOpenUnlinked(t *testing.T) {
	t.Parallel()
	needTools(t)
	for _, opts := range [][]string{nil, {"-O", "orphan_file"}, {"-t", "ext2"}} {
		img := mkfs(t, "", "16M", opts...)
		m := mustMount(t, img, 0, "")
		before := m.fs.Statfs()
		c, f := m.create("gone", 0o644)
		writeAt(t, m, f, 0, bytes.Repeat([]byte("z"), 100000))
		if err := m.root.Unlink(m.ctx, "gone"); err != nil {
			t.Fatal(err)
		}
		writeAt(t, m, f, 100000, []byte("more"))
		if got, _ := m.readAll(c); len(got) != 100004 {
			t.Fatalf("unlinked open file reads %d bytes", len(got))
		}
		if err := m.fs.Sync(); err != nil {
			t.Fatal(err)
		}
		crashed := m.disk.Bytes()
		if le32(crashed, sbSize+sbLastOrphan) != c.ino {
			t.Fatalf("orphan list head %d, want %d", le32(crashed, sbSize+sbLastOrphan), c.ino)
		}
		f.Release()
		if after := m.fs.Statfs(); after.Bfree != before.Bfree || after.Ffree != before.Ffree {
			t.Fatalf("space not returned: %d/%d free, was %d/%d", after.Bfree, after.Ffree, before.Bfree, before.Ffree)
		}
		fsck(t, m.unmount())
		// The crashed image: the next read-write mount cleans up.
		m = mustMount(t, crashed, 0, "")
		if got := m.fs.Statfs(); got.Bfree != before.Bfree || got.Ffree != before.Ffree {
			t.Fatalf("orphan not freed at mount: %d/%d free, want %d/%d", got.Bfree, got.Ffree, before.Bfree, before.Ffree)
		}
		fsck(t, m.unmount())
	}
}

// TestRenameFlags covers renameat2's flags and directory moves.
func TestRenameFlags(t *testing.T) {
	needTools(t)
	img := mkfs(t, "", "8M")
	m := mustMount(t, img, 0, "")
	a := m.mkdir("a")
	b := m.mkdir("b")
	m.mkdir("a/sub")
	_, f := m.create("a/x", 0o644)
	writeAt(t, m, f, 0, []byte("x"))
	f.Release()
	_, f = m.create("b/y", 0o644)
	writeAt(t, m, f, 0, []byte("y"))
	f.Release()
	if err := a.Rename(m.ctx, "x", b, "y", abi.RENAME_NOREPLACE); err != abi.EEXIST {
		t.Fatalf("RENAME_NOREPLACE onto a file: %v", err)
	}
	if err := a.Rename(m.ctx, "x", b, "y", abi.RENAME_EXCHANGE); err != nil {
		t.Fatal(err)
	}
	if got, _ := m.readAll(m.mustLookup("a/x")); string(got) != "y" {
		t.Fatalf("after exchange a/x = %q", got)
	}
	// Exchange a directory with a file across directories.
	if err := a.Rename(m.ctx, "sub", b, "y", abi.RENAME_EXCHANGE); err != nil {
		t.Fatal(err)
	}
	if p, _ := m.mustLookup("b/y").Lookup(m.ctx, ".."); p.(*inode) != b {
		t.Fatal(".. of the exchanged directory is not b")
	}
	if a.Attr().Nlink != 2 || b.Attr().Nlink != 3 {
		t.Fatalf("link counts a %d b %d", a.Attr().Nlink, b.Attr().Nlink)
	}
	// A whiteout is left behind.
	if err := a.Rename(m.ctx, "x", b, "z", abi.RENAME_WHITEOUT); err != nil {
		t.Fatal(err)
	}
	wh := m.mustLookup("a/x").Attr()
	if wh.Mode != abi.S_IFCHR || wh.Rdev != 0 {
		t.Fatalf("whiteout mode %o rdev %d", wh.Mode, wh.Rdev)
	}
	// Replace an empty directory with a directory.
	m.mkdir("a/empty")
	if err := b.Rename(m.ctx, "y", a, "empty", 0); err != nil {
		t.Fatal(err)
	}
	fsck(t, m.unmount())
}

// TestXattrsAndACL: attributes in the inode and in a block, ACLs in the
// on-disk format, checked by debugfs and e2fsck.
func TestXattrsAndACL(t *testing.T) {
	needTools(t)
	img := mkfs(t, "", "8M")
	m := mustMount(t, img, 0, "")
	c, f := m.create("f", 0o644)
	f.Release()
	big := bytes.Repeat([]byte("B"), 700)
	for _, x := range []struct {
		name string
		v    []byte
	}{{"user.a", []byte("1")}, {"user.big", big}, {"trusted.t", []byte("t")}, {"security.s", []byte("s")}} {
		if err := c.SetXattr(m.ctx, x.name, x.v, 0); err != nil {
			t.Fatalf("setxattr %s: %v", x.name, err)
		}
	}
	if err := c.SetXattr(m.ctx, "user.a", []byte("2"), abi.XATTR_CREATE); err != abi.EEXIST {
		t.Fatalf("XATTR_CREATE on an existing name: %v", err)
	}
	if err := c.SetXattr(m.ctx, "user.none", []byte("2"), abi.XATTR_REPLACE); err != abi.ENODATA {
		t.Fatalf("XATTR_REPLACE on a missing name: %v", err)
	}
	if _, err := c.GetXattr(m.ctx, "foo.bar"); err != abi.EOPNOTSUPP {
		t.Fatalf("unknown namespace: %v", err)
	}
	// An ACL with a named user: stored, and the mode follows its mask.
	acl := aclToXattr([]aclEntry{{aclUserObj, 6, aclUndefinedID}, {aclUser, 4, 1000}, {aclGroupObj, 4, aclUndefinedID}, {aclMask, 5, aclUndefinedID}, {aclOther, 0, aclUndefinedID}})
	if err := c.SetXattr(m.ctx, "system.posix_acl_access", acl, 0); err != nil {
		t.Fatal(err)
	}
	if got, err := c.GetXattr(m.ctx, "system.posix_acl_access"); err != nil || !bytes.Equal(got, acl) {
		t.Fatalf("ACL read back %x %v", got, err)
	}
	if c.Attr().Mode&0777 != 0650 {
		t.Fatalf("mode %o after setting the ACL", c.Attr().Mode)
	}
	if err := c.SetAttr(m.ctx, &vfs.SetAttr{Mask: vfs.SetMode, Mode: 0o700}); err != nil {
		t.Fatal(err)
	}
	got, _ := c.GetXattr(m.ctx, "system.posix_acl_access")
	es, _ := aclFromXattr(got)
	if es[0].perm != 7 || es[3].perm != 0 || es[4].perm != 0 {
		t.Fatalf("chmod did not update the ACL: %+v", es)
	}
	if err := c.RemoveXattr(m.ctx, "user.big"); err != nil {
		t.Fatal(err)
	}
	out := m.unmount()
	fsck(t, out)
	p := writeTemp(t, out)
	o, _ := exec.Command("debugfs", "-R", "ea_list /f", p).CombinedOutput()
	for _, w := range []string{"user.a (1) = \"1\"", "trusted.t", "security.s", "system.posix_acl_access"} {
		if !bytes.Contains(o, []byte(w)) {
			t.Fatalf("debugfs ea_list lacks %q:\n%s", w, o)
		}
	}
	if bytes.Contains(o, []byte("user.big")) {
		t.Fatal("removed attribute still listed")
	}
}

// TestRelatime: reads update the access time when it is not after the
// modification time (relatime), unless mounted noatime.
func TestRelatime(t *testing.T) {
	needTools(t)
	img := mkfs(t, "", "8M")
	for _, opt := range []string{"", "noatime"} {
		m := mustMount(t, img, 0, opt)
		c, f := m.create("f"+opt, 0o644)
		writeAt(t, m, f, 0, []byte("data"))
		old := vfs.Time{Sec: 1000}
		c.SetAttr(m.ctx, &vfs.SetAttr{Mask: vfs.SetAtime | vfs.SetMtime, Atime: old, Mtime: vfs.Time{Sec: 2000}})
		readAt(t, m, f.(*regFile), 0, 4)
		a := c.Attr().Atime
		if (opt == "") == (a == old) {
			t.Fatalf("option %q: atime %v after a read", opt, a)
		}
		f.Release()
		m.unmount()
	}
}

// TestTmpfile: an O_TMPFILE file lives on the orphan list until it is
// linked, or freed at its last close.
func TestTmpfile(t *testing.T) {
	needTools(t)
	img := mkfs(t, "", "8M")
	m := mustMount(t, img, 0, "")
	before := m.fs.Statfs()
	for _, link := range []bool{true, false} {
		c, err := m.root.Tmpfile(m.ctx, vfs.CreateOpts{Mode: 0o600})
		if err != nil {
			t.Fatal(err)
		}
		f, _ := c.Open(m.ctx, abi.O_RDWR)
		writeAt(t, m, f, 0, []byte("tmp data"))
		if link {
			if err := m.root.Link(m.ctx, "named", c); err != nil {
				t.Fatal(err)
			}
		}
		f.Release()
	}
	if b, _ := m.readAll(m.mustLookup("named")); string(b) != "tmp data" {
		t.Fatalf("named: %q", b)
	}
	if st := m.fs.Statfs(); st.Ffree != before.Ffree-1 {
		t.Fatalf("free inodes %d, want %d", st.Ffree, before.Ffree-1)
	}
	fsck(t, m.unmount())
}

// TestLargeFile writes past 4 GiB (extents, and the triple indirect
// block of an ext2 file), and past the largest size (EFBIG).
func TestLargeFile(t *testing.T) {
	t.Parallel()
	needTools(t)
	for _, opts := range [][]string{{"-b", "4096"}, {"-t", "ext2", "-O", "^large_file"}} {
		img := mkfs(t, "", "16M", opts...)
		m := mustMount(t, img, 0, "")
		c, f := m.create("huge", 0o644)
		off := int64(5<<30 + 12345)
		data := bytes.Repeat([]byte("far away "), 1000)
		writeAt(t, m, f, off, data)
		if got := readAt(t, m, f.(*regFile), off-10, len(data)+20); !bytes.Equal(got[10:], data) || !bytes.Equal(got[:10], make([]byte, 10)) {
			t.Fatalf("%v: read back differs", opts)
		}
		if a := c.Attr(); a.Size != off+int64(len(data)) || a.Blocks > 64 {
			t.Fatalf("%v: size %d blocks %d", opts, a.Size, a.Blocks)
		}
		buf := userBuf(10)
		io, _ := usermem.NewIO(usermem.AddrOf(buf), 10)
		if _, err := f.Write(m.ctx, io, c.maxBytes()); err != abi.EFBIG {
			t.Fatalf("%v: write past the largest size: %v", opts, err)
		}
		f.Release()
		out := m.unmount()
		if le32(out, sbSize+sbFeatureRoCompat)&roCompatLargeFile == 0 {
			t.Fatalf("%v: large_file not set", opts)
		}
		fsck(t, out)
	}
}
