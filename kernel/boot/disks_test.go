package boot_test

import (
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"liblinux/abi"
	"liblinux/kernel/block"
)

// ext4Image returns a fresh mkfs.ext4 image of size bytes.
func ext4Image(t *testing.T, size string) []byte {
	t.Helper()
	p := filepath.Join(t.TempDir(), "img")
	out, err := exec.Command("mkfs.ext4", "-q", "-F", "-E", "nodiscard", p, size).CombinedOutput()
	if err != nil {
		t.Fatalf("mkfs.ext4: %v\n%s", err, out)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// fsckImage runs e2fsck -fn on img and returns its output and whether it
// found nothing to fix.
func fsckImage(t *testing.T, img []byte) (string, bool) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "check")
	if err := os.WriteFile(p, img, 0600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("e2fsck", "-fn", p).CombinedOutput()
	return string(out), err == nil
}

// debugfsCat returns a file's contents as debugfs reads them from img.
func debugfsCat(t *testing.T, img []byte, path string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "read")
	if err := os.WriteFile(p, img, 0600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("debugfs", "-R", "cat "+path, p).Output()
	if err != nil {
		t.Fatalf("debugfs cat %s: %v", path, err)
	}
	return string(out)
}

func TestDiskNodesAndSysfs(t *testing.T) {
	e := newEnv(t)
	img := ext4Image(t, "8M")
	disk := block.NewMemDisk(img)
	if _, err := e.k.AddDisk(0, disk, false); err != nil {
		t.Fatalf("AddDisk: %v", err)
	}
	st := e.stat("/dev/vda")
	if st.Mode != abi.S_IFBLK|0600 || st.Rdev != 254<<8 || st.UID != 0 || st.GID != 0 {
		t.Errorf("/dev/vda: mode %o rdev %#x owner %d:%d, want %o 0xfe00 0:0", st.Mode, st.Rdev, st.UID, st.GID, abi.S_IFBLK|0600)
	}
	e.mount("sysfs", "/sysfs")
	if got := e.cat("/sysfs/block/vda/dev"); got != "254:0\n" {
		t.Errorf("/sysfs/block/vda/dev = %q", got)
	}
	if got, _ := e.readlink("/sysfs/block/vda"); got != "../devices/virtio-mmio-cmdline/virtio-mmio.0/virtio0/block/vda" {
		t.Errorf("/sysfs/block/vda -> %q", got)
	}
	if got := e.cat("/sysfs/dev/block/254:0/uevent"); got != "MAJOR=254\nMINOR=0\nDEVNAME=vda\n" {
		t.Errorf("uevent = %q", got)
	}
	// A disk added after boot is an auto-numbered platform device, as
	// LKL hot-plugs it.
	e.k.BootDisksDone()
	if _, err := e.k.AddDisk(1, block.NewMemDisk(make([]byte, 1<<20)), false); err != nil {
		t.Fatalf("AddDisk after boot: %v", err)
	}
	if got, _ := e.readlink("/sysfs/block/vdb"); got != "../devices/platform/virtio-mmio.0.auto/virtio1/block/vdb" {
		t.Errorf("/sysfs/block/vdb -> %q", got)
	}
	if err := e.k.RemoveDisk(1); err != nil {
		t.Fatalf("RemoveDisk: %v", err)
	}

	// The node reads the image through the page cache.
	fd := e.open("/dev/vda", abi.O_RDONLY)
	magic := make([]byte, 2)
	e.want("pread magic", e.sys(abi.SYS_PREAD64, fd, e.addr(magic), 2, 1080), 2)
	if binary.LittleEndian.Uint16(magic) != 0xef53 {
		t.Errorf("magic = %#x", magic)
	}
	size := make([]byte, 8)
	e.want("BLKGETSIZE64", e.sys(abi.SYS_IOCTL, fd, abi.BLKGETSIZE64, e.addr(size)), 0)
	if got := binary.LittleEndian.Uint64(size); got != 8<<20 {
		t.Errorf("BLKGETSIZE64 = %d", got)
	}
	e.want("lseek end", e.sys(abi.SYS_LSEEK, fd, 0, abi.SEEK_END), 8<<20)
	e.want("lseek past end", e.sys(abi.SYS_LSEEK, fd, 1, abi.SEEK_END), errno(abi.EINVAL))
	e.want("read at end", e.sys(abi.SYS_READ, fd, e.addr(magic), 2), 0)
	e.want("write read-only fd", e.sys(abi.SYS_WRITE, fd, e.addr(magic), 2), errno(abi.EBADF))
	e.want("close", e.sys(abi.SYS_CLOSE, fd), 0)

	// Removing the disk removes its node and its sysfs entries.
	if err := e.k.RemoveDisk(0); err != nil {
		t.Fatalf("RemoveDisk: %v", err)
	}
	if _, r := e.statAt("/dev/vda", 0); r != errno(abi.ENOENT) {
		t.Errorf("stat /dev/vda after removal = %d", r)
	}
	if _, r := e.statAt("/sysfs/block/vda", abi.AT_SYMLINK_NOFOLLOW); r != errno(abi.ENOENT) {
		t.Errorf("stat /sysfs/block/vda after removal = %d", r)
	}
}

func TestPartitionNodes(t *testing.T) {
	e := newEnv(t)
	p := filepath.Join(t.TempDir(), "parted")
	if err := os.WriteFile(p, make([]byte, 8<<20), 0600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("sfdisk", "-q", p)
	cmd.Stdin = strings.NewReader("label: dos\nstart=2048, size=4096\nstart=6144, size=4096\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("sfdisk: %v\n%s", err, out)
	}
	img, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.k.AddDisk(1, block.NewMemDisk(img), false); err != nil {
		t.Fatalf("AddDisk: %v", err)
	}
	for _, c := range []struct {
		path string
		rdev uint64
	}{{"/dev/vdb", 254<<8 | 16}, {"/dev/vdb1", 254<<8 | 17}, {"/dev/vdb2", 254<<8 | 18}} {
		if st := e.stat(c.path); st.Mode != abi.S_IFBLK|0600 || st.Rdev != c.rdev {
			t.Errorf("%s: mode %o rdev %#x, want rdev %#x", c.path, st.Mode, st.Rdev, c.rdev)
		}
	}
	fd := e.open("/dev/vdb2", abi.O_RDONLY)
	e.want("vdb2 size", e.sys(abi.SYS_LSEEK, fd, 0, abi.SEEK_END), 4096*512)
	e.sys(abi.SYS_CLOSE, fd)
	e.mount("sysfs", "/sysfs")
	if got := e.cat("/sysfs/block/vdb/vdb1/dev"); got != "254:17\n" {
		t.Errorf("/sysfs/block/vdb/vdb1/dev = %q", got)
	}
}

// A file still open and a filesystem still mounted at halt are written
// back and the image is left clean.
func TestHaltLeavesExt4Clean(t *testing.T) {
	e := newEnv(t)
	img := ext4Image(t, "16M")
	disk := block.NewMemDisk(img)
	if _, err := e.k.AddDisk(0, disk, false); err != nil {
		t.Fatalf("AddDisk: %v", err)
	}
	e.want("mkdir", e.sys(abi.SYS_MKDIRAT, atFDCWD, e.str("/mnt"), 0755), 0)
	e.want("mount", e.sys(abi.SYS_MOUNT, e.str("/dev/vda"), e.str("/mnt"), e.str("ext4"), 0, 0), 0)
	fd := e.open("/mnt/kept-open", abi.O_CREAT|abi.O_WRONLY)
	e.want("write", e.write(fd, "written before halt\n"), 20)
	gone := e.open("/mnt/unlinked", abi.O_CREAT|abi.O_WRONLY)
	e.want("write unlinked", e.write(gone, "nobody sees this\n"), 17)
	e.want("unlink", e.sys(abi.SYS_UNLINKAT, atFDCWD, e.str("/mnt/unlinked"), 0), 0)

	e.k.Halt()
	out, clean := fsckImage(t, disk.Bytes())
	if !clean {
		t.Fatalf("e2fsck -fn after halt:\n%s", out)
	}
	if got := debugfsCat(t, disk.Bytes(), "/kept-open"); got != "written before halt\n" {
		t.Errorf("debugfs cat /kept-open = %q", got)
	}
}
