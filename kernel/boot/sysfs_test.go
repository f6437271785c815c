package boot_test

import (
	"strings"
	"testing"

	"liblinux/abi"
	"liblinux/kernel/boot"
	"liblinux/kernel/fs/sysfs"
)

func TestSysfs(t *testing.T) {
	e := newEnv(t)
	e.mount("sysfs", "/sysfs")
	if got := strings.Join(names(e.list("/sysfs")), " "); got != "block bus class dev devices firmware fs kernel module power" {
		t.Errorf("/sysfs lists %q", got)
	}
	if st := e.stat("/sysfs"); st.Mode != abi.S_IFDIR|0555 || st.Nlink != 12 {
		t.Errorf("/sysfs: mode %o nlink %d", st.Mode, st.Nlink)
	}
	// What LKL's hijack test dumps.
	if s := e.cat("/sysfs/class/net/lo/mtu"); s != "65536\n" {
		t.Errorf("mtu %q", s)
	}
	if s := e.cat("/sysfs/class/net/lo/dev_id"); s != "0x0\n" {
		t.Errorf("dev_id %q", s)
	}
	if s, _ := e.readlink("/sysfs/class/net/lo"); s != "../../devices/virtual/net/lo" {
		t.Errorf("class/net/lo -> %q", s)
	}
	st := e.stat("/sysfs/class/net/lo/mtu")
	if st.Mode != abi.S_IFREG|0644 || st.Size != 4096 || st.Nlink != 1 || st.UID != 0 {
		t.Errorf("mtu: mode %o size %d nlink %d", st.Mode, st.Size, st.Nlink)
	}
	if st := e.stat("/sysfs/class/net"); st.Mode != abi.S_IFDIR|0755 {
		t.Errorf("class/net mode %o", st.Mode)
	}
	fd := e.open("/sysfs/class/net/lo/mtu", abi.O_RDWR)
	e.want("write mtu", e.write(fd, "1500\n"), 5)
	b := make([]byte, 10)
	e.want("pread at 2", e.sys(abi.SYS_PREAD64, fd, e.addr(b), 10, 2), 3)
	if string(b[:3]) != "00\n" {
		t.Errorf("pread %q", b[:3])
	}
	e.want("write a bad mtu", e.write(fd, "abc"), errno(abi.EINVAL))
	e.want("lseek SEEK_END", e.sys(abi.SYS_LSEEK, fd, 0, abi.SEEK_END), errno(abi.EINVAL))
	e.want("open a read-only attribute for writing", e.sys(abi.SYS_OPENAT, atFDCWD, e.str("/sysfs/class/net/lo/dev_id"), abi.O_WRONLY, 0), errno(abi.EACCES))
	e.want("create", e.sys(abi.SYS_OPENAT, atFDCWD, e.str("/sysfs/x"), abi.O_CREAT|abi.O_WRONLY, 0644), errno(abi.EACCES))
	e.want("mkdir", e.sys(abi.SYS_MKDIRAT, atFDCWD, e.str("/sysfs/x"), 0755), errno(abi.EPERM))
	e.want("unlink", e.sys(abi.SYS_UNLINKAT, atFDCWD, e.str("/sysfs/class/net/lo/mtu"), 0), errno(abi.EPERM))
	e.want("rmdir", e.sys(abi.SYS_UNLINKAT, atFDCWD, e.str("/sysfs/kernel"), abi.AT_REMOVEDIR), errno(abi.EPERM))

	// Subsystems publish and withdraw entries at any time.
	tree := boot.Sysfs(e.k)
	if err := tree.AddFile("kernel/test/value", sysfs.Attribute{Mode: 0444, Show: func() string { return "42\n" }}); err != nil {
		t.Fatal(err)
	}
	if s := e.cat("/sysfs/kernel/test/value"); s != "42\n" {
		t.Errorf("published file reads %q", s)
	}
	if err := tree.AddFile("kernel/test/value", sysfs.Attribute{Mode: 0444}); err != abi.EEXIST {
		t.Errorf("publishing twice: %v", err)
	}
	if err := tree.Remove("kernel/test"); err != nil {
		t.Fatal(err)
	}
	if _, r := e.statAt("/sysfs/kernel/test/value", 0); r != errno(abi.ENOENT) {
		t.Errorf("removed file: %d", r)
	}
	// Every mount shows the same tree.
	e.mount("sysfs", "/sys")
	if a, b := e.stat("/sys/class/net/lo/mtu"), e.stat("/sysfs/class/net/lo/mtu"); a.Ino != b.Ino || a.Dev != b.Dev {
		t.Errorf("two sysfs mounts differ")
	}
	e.mount("proc", "/proc")
	if m := e.cat("/proc/mounts"); !strings.Contains(m, "\nnone /sysfs sysfs rw,relatime 0 0\n") {
		t.Errorf("/proc/mounts:\n%s", m)
	}
}
