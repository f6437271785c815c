package ext4

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"liblinux/abi"
	"liblinux/kernel/vfs"
)

// setSuperField patches a 32-bit superblock field and fixes the checksum.
func setSuperField(img []byte, off int, v uint32) {
	sb := img[sbSize : 2*sbSize]
	put32(sb, off, v)
	if le32(sb, sbFeatureRoCompat)&roCompatMetadataCsum != 0 {
		put32(sb, sbChecksum, crc32c(^uint32(0), sb[:sbChecksum]))
	}
}

func TestUnknownFeatures(t *testing.T) {
	t.Parallel()
	needTools(t)
	img := mkfs(t, "", "8M")
	bad := append([]byte(nil), img...)
	setSuperField(bad, sbFeatureIncompat, le32(bad, sbSize+sbFeatureIncompat)|0x80000)
	for _, flags := range []uint64{0, abi.MS_RDONLY} {
		m, err := mountImage(t, bad, "ext4", flags, "")
		if err != abi.EINVAL || !strings.Contains(m.ctx.logText(), "FEATURE_I19") {
			t.Fatalf("unknown incompat feature: %v, log %q", err, m.ctx.logText())
		}
	}
	ro := append([]byte(nil), img...)
	setSuperField(ro, sbFeatureRoCompat, le32(ro, sbSize+sbFeatureRoCompat)|0x100000)
	m, err := mountImage(t, ro, "ext4", 0, "")
	if err != abi.EINVAL || !strings.Contains(m.ctx.logText(), "FEATURE_R20") {
		t.Fatalf("rw mount with unknown ro_compat feature: %v, log %q", err, m.ctx.logText())
	}
	m = mustMount(t, ro, abi.MS_RDONLY, "")
	if _, err := m.root.Create(m.ctx, "x", vfs.CreateOpts{Mode: abi.S_IFREG | 0o644}); err != abi.EROFS {
		t.Fatalf("create on a read-only mount: %v", err)
	}
	m.unmount()
	// The type names ext2 and ext3 accept only their features.
	if _, err := mountImage(t, img, "ext2", 0, ""); err != abi.EINVAL {
		t.Fatalf("ext4 image mounted as ext2: %v", err)
	}
	if _, err := mountImage(t, img, "ext3", 0, ""); err != abi.EINVAL {
		t.Fatalf("ext4 image mounted as ext3: %v", err)
	}
	e3 := mkfs(t, "", "8M", "-t", "ext3")
	for _, typ := range []string{"ext3", "ext4"} {
		m, err := mountImage(t, e3, typ, 0, "")
		if err != nil {
			t.Fatalf("ext3 image as %s: %v", typ, err)
		}
		m.unmount()
	}
	if _, err := mountImage(t, []byte(strings.Repeat("x", 1<<20)), "ext4", 0, ""); err != abi.EINVAL {
		t.Fatalf("not an ext4 image: %v", err)
	}
	if _, err := mountImage(t, img, "ext4", 0, "bogus_option"); err != abi.EINVAL {
		t.Fatalf("unknown option: %v", err)
	}
	if _, err := NewType("ext4", nil).Mount(newCtx(), vfs.New(), "x", 0, ""); err != abi.ENOTBLK {
		t.Fatalf("Mount without a device: %v", err)
	}
}

// imap returns the byte offset of an inode's record (debugfs imap).
func imap(t *testing.T, imgPath, path string, bs int) int {
	t.Helper()
	out, _ := exec.Command("debugfs", "-R", "imap "+path, imgPath).Output()
	mm := regexp.MustCompile(`located at block (\d+), offset (0x[0-9a-f]+)`).FindStringSubmatch(string(out))
	if mm == nil {
		t.Fatalf("imap %s: %q", path, out)
	}
	blk, _ := strconv.Atoi(mm[1])
	off, _ := strconv.ParseInt(mm[2], 0, 64)
	return blk*bs + int(off)
}

func bmap(t *testing.T, imgPath, path string, lblk int) int {
	t.Helper()
	out, _ := exec.Command("debugfs", "-R", fmt.Sprintf("bmap %s %d", path, lblk), imgPath).Output()
	b, err := strconv.Atoi(strings.TrimSpace(string(out)))
	if err != nil {
		t.Fatalf("bmap %s: %q", path, out)
	}
	return b
}

// TestChecksums corrupts one object at a time: the access to it fails
// with EBADMSG and everything else still works.
func TestChecksums(t *testing.T) {
	t.Parallel()
	needTools(t)
	src := t.TempDir()
	os.Mkdir(filepath.Join(src, "dir"), 0o755)
	for k := 0; k < 50; k++ {
		os.WriteFile(filepath.Join(src, "dir", fmt.Sprintf("file%02d", k)), []byte("data"), 0o644)
	}
	os.WriteFile(filepath.Join(src, "victim"), []byte("victim"), 0o644)
	os.WriteFile(filepath.Join(src, "other"), []byte("other"), 0o644)
	// A fragmented file has an extent tree below the inode.
	frag, _ := os.Create(filepath.Join(src, "frag"))
	for k := int64(0); k < 400; k++ {
		frag.WriteAt([]byte("x"), k*2*1024)
	}
	frag.Close()
	xa := filepath.Join(src, "xattr")
	os.WriteFile(xa, nil, 0o644)
	exec.Command("setfattr").Run()
	if err := setxattr(xa, "user.big", bytes.Repeat([]byte("v"), 500)); err != nil {
		t.Skip("no user xattrs on the temporary directory")
	}
	img := mkfs(t, src, "8M")
	p := writeTemp(t, img)
	bs := 1024
	corrupt := func(off int) []byte {
		b := append([]byte(nil), img...)
		b[off] ^= 0x40
		return b
	}
	// Superblock.
	if _, err := mountImage(t, corrupt(sbSize+0x78), "ext4", abi.MS_RDONLY, ""); err != abi.EBADMSG {
		t.Fatalf("bad superblock checksum: %v", err)
	}
	// An inode.
	m := mustMount(t, corrupt(imap(t, p, "/victim", bs)+0x10), abi.MS_RDONLY, "")
	if _, err := m.lookup("victim"); err != abi.EBADMSG {
		t.Fatalf("bad inode checksum: %v", err)
	}
	if b, err := m.readAll(m.mustLookup("other")); err != nil || string(b) != "other" {
		t.Fatalf("other file: %q %v", b, err)
	}
	m.unmount()
	// A directory block.
	m = mustMount(t, corrupt(bmap(t, p, "/dir", 0)*bs+40), abi.MS_RDONLY, "")
	if _, err := m.listDir(m.mustLookup("dir")); err != abi.EBADMSG {
		t.Fatalf("bad directory block: %v", err)
	}
	m.unmount()
	// An extent tree block.
	out, _ := exec.Command("debugfs", "-R", "ex /frag", p).Output()
	mm := regexp.MustCompile(`(?m)^\s*0/\s*\d+\s+1/\s*\d+\s+\d+\s*-\s*\d+\s+(\d+)`).FindStringSubmatch(string(out))
	if mm == nil {
		t.Fatalf("no index node in %s", out)
	}
	idx, _ := strconv.Atoi(mm[1])
	m = mustMount(t, corrupt(idx*bs+20), abi.MS_RDONLY, "")
	if _, err := m.readAll(m.mustLookup("frag")); err != abi.EBADMSG {
		t.Fatalf("bad extent block: %v", err)
	}
	m.unmount()
	// An attribute block.
	out, _ = exec.Command("debugfs", "-R", "stat /xattr", p).Output()
	mm = regexp.MustCompile(`File ACL: (\d+)`).FindStringSubmatch(string(out))
	acl, _ := strconv.Atoi(mm[1])
	if acl == 0 {
		t.Fatal("the xattr is not in a block")
	}
	m = mustMount(t, corrupt(acl*bs+100), abi.MS_RDONLY, "")
	if _, err := m.mustLookup("xattr").GetXattr(m.ctx, "user.big"); err != abi.EBADMSG {
		t.Fatalf("bad xattr block: %v", err)
	}
	m.unmount()
	// A group descriptor: read-only mounts go on, read-write ones fail.
	gd := corrupt(2*bs + 4)
	if _, err := mountImage(t, gd, "ext4", 0, ""); err != abi.EUCLEAN {
		t.Fatalf("rw mount with a bad group descriptor: %v", err)
	}
	mustMount(t, gd, abi.MS_RDONLY, "").unmount()
}

// TestTruncatedImage: blocks past the end of the device read as EIO,
// the rest works.
func TestTruncatedImage(t *testing.T) {
	needTools(t)
	src := t.TempDir()
	for k := 0; k < 6; k++ {
		os.WriteFile(filepath.Join(src, fmt.Sprintf("f%d", k)), bytes.Repeat([]byte{byte(k)}, 1<<20), 0o644)
	}
	img := mkfs(t, src, "16M", "-b", "4096", "-O", "^flex_bg")
	p := writeTemp(t, img)
	first := bmap(t, p, "/f0", 0)
	last := bmap(t, p, "/f5", 0)
	cut := (first + last) / 2 * 4096
	m := mustMount(t, img[:cut], abi.MS_RDONLY, "")
	if b, err := m.readAll(m.mustLookup("f0")); err != nil || len(b) != 1<<20 {
		t.Fatalf("f0: %d %v", len(b), err)
	}
	if _, err := m.readAll(m.mustLookup("f5")); err != abi.EIO {
		t.Fatalf("f5 past the end: %v, want EIO", err)
	}
	m.unmount()
}

func TestInlineData(t *testing.T) {
	needTools(t)
	src := t.TempDir()
	want := map[string][]byte{}
	for _, n := range []int{0, 1, 30, 59, 60, 61, 100, 150, 500} {
		name := fmt.Sprintf("f%d", n)
		data := bytes.Repeat([]byte{byte('a' + n%26)}, n)
		os.WriteFile(filepath.Join(src, name), data, 0o644)
		want[name] = data
	}
	os.Mkdir(filepath.Join(src, "small"), 0o755)
	os.WriteFile(filepath.Join(src, "small", "a"), []byte("in a small dir"), 0o644)
	os.Mkdir(filepath.Join(src, "medium"), 0o755)
	for k := 0; k < 6; k++ {
		os.WriteFile(filepath.Join(src, "medium", fmt.Sprintf("entry%d", k)), nil, 0o644)
	}
	os.Symlink(strings.Repeat("s", 80), filepath.Join(src, "link"))
	img := mkfs(t, src, "8M", "-O", "inline_data", "-I", "256")
	m := mustMount(t, img, 0, "")
	for name, data := range want {
		i := m.mustLookup(name)
		got, err := m.readAll(i)
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("%s: %q %v", name, got, err)
		}
	}
	if i := m.mustLookup("f30"); i.d.flags&flInlineData == 0 {
		t.Fatal("mkfs did not make f30 inline: the test does not test inline data")
	}
	if s, err := m.mustLookup("link").Readlink(m.ctx); err != nil || s != strings.Repeat("s", 80) {
		t.Fatalf("readlink: %q %v", s, err)
	}
	ents, err := m.listDir(m.mustLookup("medium"))
	if err != nil || len(ents) != 6 {
		t.Fatalf("inline dir: %v %v", ents, err)
	}
	if b, err := m.readAll(m.mustLookup("small/a")); err != nil || string(b) != "in a small dir" {
		t.Fatalf("small/a: %q %v", b, err)
	}
	if sd := m.mustLookup("small"); sd.d.flags&flInlineData == 0 {
		t.Fatal("small is not an inline directory")
	}
	// Writes convert inline files and directories to blocks.
	f, _ := m.mustLookup("f30").Open(m.ctx, abi.O_RDWR)
	writeAt(t, m, f, 30, []byte("+more"))
	f.Release()
	if _, err := m.mustLookup("medium").Create(m.ctx, strings.Repeat("long", 40), vfs.CreateOpts{Mode: abi.S_IFREG | 0o600}); err != nil {
		t.Fatal(err)
	}
	if err := m.mustLookup("small").Unlink(m.ctx, "a"); err != nil {
		t.Fatal(err)
	}
	out := m.unmount()
	fsck(t, out)
	po := writeTemp(t, out)
	if got := debugfsCat(t, po, "/f30"); string(got) != string(want["f30"])+"+more" {
		t.Fatalf("debugfs f30: %q", got)
	}
}

// TestTimestamps checks nanoseconds and the epoch bits against debugfs.
func TestTimestamps(t *testing.T) {
	needTools(t)
	img := mkfs(t, "", "8M")
	m := mustMount(t, img, 0, "")
	c, f := m.create("t", 0o644)
	f.Release()
	times := []vfs.Time{{Sec: 1<<32 + 5, Nsec: 123456789}, {Sec: -5, Nsec: 999999999}, {Sec: 1<<33 + 1<<31 - 1, Nsec: 1}}
	if err := c.SetAttr(m.ctx, &vfs.SetAttr{Mask: vfs.SetMtime | vfs.SetAtime | vfs.SetCtime, Mtime: times[0], Atime: times[1], Ctime: times[2]}); err != nil {
		t.Fatal(err)
	}
	out := m.unmount()
	p := writeTemp(t, out)
	st, _ := exec.Command("debugfs", "-R", "stat /t", p).Output()
	for _, w := range []string{"mtime: 0x00000005:1d6f3455", "atime: 0xfffffffb:ee6b27fc", "ctime: 0x7fffffff:00000006"} {
		if !strings.Contains(string(st), w) {
			t.Fatalf("debugfs stat lacks %q:\n%s", w, st)
		}
	}
	m = mustMount(t, out, abi.MS_RDONLY, "")
	a := m.mustLookup("t").Attr()
	if a.Mtime != times[0] || a.Atime != times[1] || a.Ctime != times[2] {
		t.Fatalf("times %v %v %v, want %v", a.Mtime, a.Atime, a.Ctime, times)
	}
	m.unmount()
}

func TestStatfs(t *testing.T) {
	needTools(t)
	img := mkfs(t, "", "32M", "-b", "4096")
	m := mustMount(t, img, 0, "")
	st := m.fs.Statfs()
	out, _ := exec.Command("dumpe2fs", "-h", writeTemp(t, img)).Output()
	field := func(name string) int64 {
		mm := regexp.MustCompile(`(?m)^` + name + `:\s+(\d+)`).FindSubmatch(out)
		n, _ := strconv.ParseInt(string(mm[1]), 10, 64)
		return n
	}
	if st.Type != abi.EXT4_SUPER_MAGIC || st.Bsize != 4096 || st.Bfree != field("Free blocks") ||
		st.Ffree != field("Free inodes") || st.Files != field("Inode count") || st.Namelen != 255 {
		t.Fatalf("statfs %+v", st)
	}
	if st.Blocks != field("Block count")-field("Overhead clusters") || st.Bavail != st.Bfree-field("Reserved block count")-int64(m.fs.resv) {
		t.Fatalf("statfs blocks %d avail %d", st.Blocks, st.Bavail)
	}
	if oh := m.fs.countOverhead(); int64(oh) != field("Overhead clusters") {
		t.Fatalf("counted overhead %d, mkfs says %d", oh, field("Overhead clusters"))
	}
	_, f := m.create("big", 0o644)
	writeAt(t, m, f, 0, make([]byte, 1<<20))
	f.Release()
	if st2 := m.fs.Statfs(); st2.Bfree != st.Bfree-256 || st2.Ffree != st.Ffree-1 {
		t.Fatalf("after a 1 MiB file: free %d (was %d), inodes %d (was %d)", st2.Bfree, st.Bfree, st2.Ffree, st.Ffree)
	}
	if err := m.fs.Sync(); err != nil {
		t.Fatal(err)
	}
	m.unmount()
}
