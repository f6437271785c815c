package boot_test

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"

	"liblinux/abi"
	"liblinux/kernel/boot"
	"liblinux/kernel/devices"
	"liblinux/kernel/usermem"
	"liblinux/kernel/vfs"
)

func TestDevNodes(t *testing.T) {
	e := newEnv(t)
	got := sorted(names(e.list("/dev")))
	want := []string{"console", "full", "null", "random", "tty", "urandom", "zero"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("/dev = %v, want %v", got, want)
	}
	for _, c := range []struct {
		name string
		mode uint32
		rdev uint64
	}{
		{"null", abi.S_IFCHR | 0666, 0x103},
		{"zero", abi.S_IFCHR | 0666, 0x105},
		{"full", abi.S_IFCHR | 0666, 0x107},
		{"random", abi.S_IFCHR | 0666, 0x108},
		{"urandom", abi.S_IFCHR | 0666, 0x109},
		{"tty", abi.S_IFCHR | 0666, 0x500},
		{"console", abi.S_IFCHR | 0600, 0x501},
	} {
		st := e.lstat("/dev/" + c.name)
		if st.Mode != c.mode || st.Rdev != c.rdev || st.UID != 0 || st.GID != 0 || st.Nlink != 1 {
			t.Errorf("/dev/%s: mode %o rdev %#x uid %d gid %d nlink %d, want mode %o rdev %#x root", c.name, st.Mode, st.Rdev, st.UID, st.GID, st.Nlink, c.mode, c.rdev)
		}
	}
	if st := e.stat("/dev"); st.Mode != abi.S_IFDIR|0755 {
		t.Errorf("/dev mode %o, want 40755", st.Mode)
	}
	e.mount("proc", "/proc")
	if m := e.cat("/proc/mounts"); !strings.Contains(m, "\ndevtmpfs /dev devtmpfs rw,relatime,mode=755 0 0\n") {
		t.Errorf("/proc/mounts lacks devtmpfs on /dev:\n%s", m)
	}
}

func TestMemDevices(t *testing.T) {
	e := newEnv(t)
	buf := make([]byte, 100000)
	p := e.addr(buf)
	fill := func() {
		for i := range buf {
			buf[i] = 7
		}
	}
	allZero := func(b []byte) bool { return bytes.Count(b, []byte{0}) == len(b) }

	null := e.open("/dev/null", abi.O_RDWR)
	e.want("read /dev/null", e.sys(abi.SYS_READ, null, p, 10), 0)
	e.want("write /dev/null", e.sys(abi.SYS_WRITE, null, p, 100000), 100000)
	e.want("lseek /dev/null", e.sys(abi.SYS_LSEEK, null, 100, abi.SEEK_SET), 0)
	st := e.fstat(null)
	e.want("fstat /dev/null rdev", int64(st.Rdev), 0x103)

	zero := e.open("/dev/zero", abi.O_RDWR)
	fill()
	e.want("read /dev/zero", e.sys(abi.SYS_READ, zero, p, 100000), 100000)
	if !allZero(buf) {
		t.Errorf("/dev/zero read non-zero bytes")
	}
	fill()
	e.want("pread /dev/zero", e.sys(abi.SYS_PREAD64, zero, p, 4, 10), 4)
	if !allZero(buf[:4]) || buf[4] != 7 {
		t.Errorf("pread /dev/zero wrote %v", buf[:5])
	}
	e.want("write /dev/zero", e.sys(abi.SYS_WRITE, zero, p, 3), 3)
	e.want("read /dev/zero into a bad address", e.sys(abi.SYS_READ, zero, 0, 10), errno(abi.EFAULT))
	rdonly := e.open("/dev/zero", abi.O_RDONLY)
	e.want("write /dev/zero opened read-only", e.sys(abi.SYS_WRITE, rdonly, p, 1), errno(abi.EBADF))

	full := e.open("/dev/full", abi.O_RDWR)
	fill()
	e.want("read /dev/full", e.sys(abi.SYS_READ, full, p, 10), 10)
	if !allZero(buf[:10]) {
		t.Errorf("/dev/full read non-zero bytes")
	}
	e.want("write /dev/full", e.sys(abi.SYS_WRITE, full, p, 1), errno(abi.ENOSPC))
	e.want("write nothing to /dev/full", e.sys(abi.SYS_WRITE, full, p, 0), errno(abi.ENOSPC))
	e.want("pwrite /dev/full", e.sys(abi.SYS_PWRITE64, full, p, 1, 5), errno(abi.ENOSPC))
	e.want("lseek /dev/full", e.sys(abi.SYS_LSEEK, full, 0, abi.SEEK_END), 0)

	for _, name := range []string{"/dev/random", "/dev/urandom"} {
		fd := e.open(name, abi.O_RDWR)
		for i := range buf[:4096] {
			buf[i] = 0
		}
		e.want("read "+name, e.sys(abi.SYS_READ, fd, p, 4096), 4096)
		if bytes.Count(buf[:4096], []byte{0}) > 100 {
			t.Errorf("%s: %d zero bytes in 4096 random ones", name, bytes.Count(buf[:4096], []byte{0}))
		}
		e.want("write "+name, e.sys(abi.SYS_WRITE, fd, p, 300), 300)
		e.want("write "+name+" from a bad address", e.sys(abi.SYS_WRITE, fd, 0, 10), errno(abi.EFAULT))
		e.want("pread "+name, e.sys(abi.SYS_PREAD64, fd, p, 16, 1000), 16)
		e.want("lseek "+name, e.sys(abi.SYS_LSEEK, fd, 0, abi.SEEK_CUR), 0)
	}
}

// pollfd returns the revents of one fd polled for events without waiting.
func (e *env) poll(fd uintptr, events uint16) uint16 {
	e.t.Helper()
	b := make([]byte, 8)
	binary.LittleEndian.PutUint32(b, uint32(fd))
	binary.LittleEndian.PutUint16(b[4:], events)
	ts := make([]byte, 16)
	if r := e.sys(abi.SYS_PPOLL, e.addr(b), 1, e.addr(ts), 0, 8); r < 0 {
		e.t.Fatalf("ppoll = %d", r)
	}
	return binary.LittleEndian.Uint16(b[6:])
}

func TestDevicePoll(t *testing.T) {
	e := newEnv(t)
	const in, out, pri = abi.POLLIN, abi.POLLOUT, abi.POLLPRI
	for _, c := range []struct {
		name string
		want uint16
	}{
		{"/dev/null", in | out}, {"/dev/zero", in | out}, {"/dev/full", in | out},
		{"/dev/urandom", in | out}, {"/dev/random", in}, {"/dev/console", in | out},
	} {
		fd := e.open(c.name, abi.O_RDWR)
		if got := e.poll(fd, in|out|pri); got != c.want {
			t.Errorf("poll %s = %#x, want %#x", c.name, got, c.want)
		}
	}
}

func TestConsole(t *testing.T) {
	e := newEnv(t)
	fd := e.open("/dev/console", abi.O_RDWR)
	e.want("write /dev/console", e.write(fd, "hello from the console\n"), 23)
	if !strings.Contains(e.host.Console(), "hello from the console\n") {
		t.Errorf("console output %q lacks the write", e.host.Console())
	}
	big := strings.Repeat("x", 5000) + "\n"
	e.want("big write", e.write(fd, big), int64(len(big)))
	if !strings.Contains(e.host.Console(), big) {
		t.Errorf("console output lacks the big write")
	}
	_, n := e.read(fd, 10)
	e.want("read /dev/console (no input: end of file)", n, 0)
	e.want("lseek /dev/console", e.sys(abi.SYS_LSEEK, fd, 0, abi.SEEK_SET), errno(abi.ESPIPE))
	e.want("open /dev/tty without a controlling terminal", e.sys(abi.SYS_OPENAT, atFDCWD, e.str("/dev/tty"), abi.O_RDWR, 0), errno(abi.ENXIO))
}

func TestMknodDevices(t *testing.T) {
	e := newEnv(t)
	mknod := func(path string, mode, dev uint32) {
		t.Helper()
		if r := e.sys(abi.SYS_MKNODAT, atFDCWD, e.str(path), uintptr(mode), uintptr(dev)); r != 0 {
			t.Fatalf("mknod %s = %d", path, r)
		}
	}
	// A node anywhere reaches the driver by number.
	mknod("/mynull", abi.S_IFCHR|0644, devices.Mkdev(1, 3))
	fd := e.open("/mynull", abi.O_WRONLY)
	e.want("write through a tmpfs node of 1:3", e.write(fd, "abc"), 3)
	st := e.fstat(fd)
	if st.Mode != abi.S_IFCHR|0644 || st.Rdev != 0x103 {
		t.Errorf("fstat of the node: mode %o rdev %#x", st.Mode, st.Rdev)
	}
	mknod("/nodrv", abi.S_IFCHR|0644, devices.Mkdev(1, 99))
	e.want("open a number without a driver", e.sys(abi.SYS_OPENAT, atFDCWD, e.str("/nodrv"), abi.O_RDONLY, 0), errno(abi.ENXIO))
	mknod("/blk", abi.S_IFBLK|0600, devices.Mkdev(8, 0))
	e.want("open a block device", e.sys(abi.SYS_OPENAT, atFDCWD, e.str("/blk"), abi.O_RDONLY, 0), errno(abi.ENXIO))
	// A large minor survives the encoding.
	mknod("/big", abi.S_IFCHR|0600, devices.Mkdev(259, 70000))
	if st := e.stat("/big"); st.Rdev != uint64(devices.Mkdev(259, 70000)) || devices.Major(uint32(st.Rdev)) != 259 || devices.Minor(uint32(st.Rdev)) != 70000 {
		t.Errorf("rdev %#x", st.Rdev)
	}
	// Nodes can be made in devtmpfs too, and removed.
	mknod("/dev/00000801", abi.S_IFBLK|0600, devices.Mkdev(8, 1))
	e.want("unlink it", e.sys(abi.SYS_UNLINKAT, atFDCWD, e.str("/dev/00000801"), 0), 0)
}

func TestDevtmpfsIsOneInstance(t *testing.T) {
	e := newEnv(t)
	e.mount("devtmpfs", "/mnt")
	if r := e.sys(abi.SYS_MKDIRAT, atFDCWD, e.str("/dev/shm"), 01777); r != 0 {
		t.Fatalf("mkdir /dev/shm = %d", r)
	}
	if st := e.stat("/mnt/shm"); st.Mode != abi.S_IFDIR|01755 { // umask 022
		t.Errorf("/mnt/shm mode %o", st.Mode)
	}
	if a, b := e.stat("/mnt/null"), e.stat("/dev/null"); a.Ino != b.Ino || a.Dev != b.Dev {
		t.Errorf("/mnt/null is not /dev/null: %d/%d vs %d/%d", a.Dev, a.Ino, b.Dev, b.Ino)
	}
}

// testDev is a character device of the tests: reads give its name.
type testDev struct{ name string }

func (d *testDev) Read(ctx vfs.Context, dst *usermem.IO, off int64) (int, error) {
	return dst.CopyOut(0, []byte(d.name))
}
func (d *testDev) Write(ctx vfs.Context, src *usermem.IO, off int64) (int, error) {
	return src.Len(), nil
}
func (d *testDev) Release() {}

func TestDeviceHotplug(t *testing.T) {
	e := newEnv(t)
	e.mount("sysfs", "/sysfs")
	reg := boot.Devices(e.k)
	disk := &devices.Device{Type: abi.S_IFBLK, Major: 254, Minor: 16, Name: "vdb", Mode: 0660, GID: 6, Class: "block",
		SysPath: "virtio-mmio-cmdline/virtio-mmio.1/virtio1/block/vdb"}
	part := &devices.Device{Type: abi.S_IFBLK, Major: 254, Minor: 17, Name: "vdb1", Mode: 0660, Class: "block",
		SysPath: "virtio-mmio-cmdline/virtio-mmio.1/virtio1/block/vdb/vdb1"}
	char := &devices.Device{Type: abi.S_IFCHR, Major: 10, Minor: 200, Name: "net/tun", Mode: 0666, Class: "misc",
		Open: func(vfs.Context, uint32) (vfs.FileOps, error) { return &testDev{"tun"}, nil }}
	for _, d := range []*devices.Device{disk, part, char} {
		if err := reg.Register(d); err != nil {
			t.Fatalf("Register %s: %v", d.Name, err)
		}
	}
	e.want("register a taken number", int64(errOf(reg.Register(&devices.Device{Type: abi.S_IFCHR, Major: 1, Minor: 3}))), int64(abi.EBUSY))
	st := e.lstat("/dev/vdb")
	if st.Mode != abi.S_IFBLK|0660 || st.Rdev != 0xfe10 || st.GID != 6 {
		t.Errorf("/dev/vdb mode %o rdev %#x gid %d", st.Mode, st.Rdev, st.GID)
	}
	fd := e.open("/dev/net/tun", abi.O_RDWR)
	if s, _ := e.read(fd, 10); s != "tun" {
		t.Errorf("read /dev/net/tun = %q", s)
	}
	// What lkl_get_virtio_blkdev and lkl_encode_dev_from_sysfs read.
	for path, want := range map[string]string{
		"/sysfs/devices/virtio-mmio-cmdline/virtio-mmio.1/virtio1/block/vdb/dev":      "254:16\n",
		"/sysfs/devices/virtio-mmio-cmdline/virtio-mmio.1/virtio1/block/vdb/vdb1/dev": "254:17\n",
		"/sysfs/block/vdb/dev":                   "254:16\n",
		"/sysfs/block/vdb/vdb1/dev":              "254:17\n",
		"/sysfs/class/block/vdb1/dev":            "254:17\n",
		"/sysfs/dev/block/254:16/dev":            "254:16\n",
		"/sysfs/class/misc/tun/dev":              "10:200\n",
		"/sysfs/devices/virtual/mem/null/uevent": "MAJOR=1\nMINOR=3\nDEVNAME=null\nDEVMODE=0666\n",
		"/sysfs/class/tty/console/uevent":        "MAJOR=5\nMINOR=1\nDEVNAME=console\n",
	} {
		if got := e.cat(path); got != want {
			t.Errorf("%s = %q, want %q", path, got, want)
		}
	}
	if l, _ := e.readlink("/sysfs/block/vdb"); l != "../devices/virtio-mmio-cmdline/virtio-mmio.1/virtio1/block/vdb" {
		t.Errorf("/sysfs/block/vdb -> %q", l)
	}
	if _, r := e.statAt("/sysfs/block/vdb1", 0); r != errno(abi.ENOENT) {
		t.Errorf("a partition is in /sys/block: %d", r)
	}
	for _, d := range []*devices.Device{part, disk} {
		if err := reg.Unregister(d.Type, d.Major, d.Minor); err != nil {
			t.Fatalf("Unregister: %v", err)
		}
	}
	for _, path := range []string{"/dev/vdb", "/dev/vdb1", "/sysfs/block/vdb", "/sysfs/dev/block/254:16", "/sysfs/class/block/vdb1"} {
		if _, r := e.statAt(path, abi.AT_SYMLINK_NOFOLLOW); r != errno(abi.ENOENT) {
			t.Errorf("%s after unregister: %d", path, r)
		}
	}
	e.want("read the open device after unregister", func() int64 { _, n := e.read(fd, 10); return n }(), 3)
}

func errOf(err error) abi.Errno {
	e, _ := abi.ErrnoOf(err)
	return e
}
