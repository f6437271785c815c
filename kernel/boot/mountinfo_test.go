package boot_test

import (
	"testing"

	"liblinux/abi"
)

// TestProcMountinfo checks /proc/<pid>/mountinfo line by line (proc(5)):
// IDs, parent IDs, device numbers, the root of bind mounts, per-mount
// and superblock options apart, escapes, stacked mounts.
func TestProcMountinfo(t *testing.T) {
	e := newProcEnv(t)
	base := "20 20 0:2 / / rw - tmpfs rootfs rw\n" +
		"22 20 0:3 / /dev rw,relatime - devtmpfs devtmpfs rw,mode=755\n" +
		"23 20 0:4 / /proc rw,relatime - proc none rw\n"
	if got := e.cat("/proc/self/mountinfo"); got != base {
		t.Fatalf("mountinfo at boot:\n%s\nwant:\n%s", got, base)
	}

	// A tmpfs with per-mount flags and a source that needs escapes.
	e.want("mkdir /mnt", e.sys(abi.SYS_MKDIRAT, atFDCWD, e.str("/mnt"), 0755), 0)
	e.want("mount tmpfs", e.sys(abi.SYS_MOUNT, e.str("my src"), e.str("/mnt"), e.str("tmpfs"),
		abi.MS_NOSUID|abi.MS_NODEV|abi.MS_NOEXEC, 0), 0)
	e.want("mkdir /mnt/sub", e.sys(abi.SYS_MKDIRAT, atFDCWD, e.str("/mnt/sub"), 0755), 0)
	e.want("mkdir /b", e.sys(abi.SYS_MKDIRAT, atFDCWD, e.str("/b"), 0755), 0)
	// A bind mount of a subtree shows the subtree as its root and the
	// source mount's source; a read-only bind is read-only per mount
	// only, and MS_REMOUNT|MS_BIND sets every per-mount flag but the
	// atime ones (nosuid, nodev, noexec go), as on Linux.
	e.want("bind", e.sys(abi.SYS_MOUNT, e.str("/mnt/sub"), e.str("/b"), 0, abi.MS_BIND, 0), 0)
	e.want("remount bind ro", e.sys(abi.SYS_MOUNT, 0, e.str("/b"), 0, abi.MS_REMOUNT|abi.MS_BIND|abi.MS_RDONLY, 0), 0)
	// A second proc on /proc stacks: a superblock of its own, on top of
	// the first mount.
	e.want("second proc", e.sys(abi.SYS_MOUNT, e.str("proc2"), e.str("/proc"), e.str("proc"), 0, 0), 0)
	want := base +
		"24 20 0:5 / /mnt rw,nosuid,nodev,noexec,relatime - tmpfs my\\040src rw\n" +
		"25 20 0:5 /sub /b ro,relatime - tmpfs my\\040src rw\n" +
		"26 23 0:6 / /proc rw,relatime - proc proc2 rw\n"
	if got := e.cat("/proc/self/mountinfo"); got != want {
		t.Errorf("mountinfo:\n%s\nwant:\n%s", got, want)
	}
	if got := e.cat("/proc/1/mountinfo"); got != want {
		t.Errorf("/proc/1/mountinfo:\n%s", got)
	}
	if st := e.stat("/proc/self/mountinfo"); st.Mode != abi.S_IFREG|0444 {
		t.Errorf("mountinfo mode %o", st.Mode)
	}
}

// TestMountSameSuperblockTwice checks Linux's do_add_mount rule: the
// filesystem that is already mounted on a mountpoint's root cannot be
// mounted there again (sysfs and devtmpfs have one superblock: EBUSY),
// while proc, a superblock per mount, stacks.
func TestMountSameSuperblockTwice(t *testing.T) {
	e := newEnv(t)
	e.mount("sysfs", "/sys")
	e.want("sysfs again", e.sys(abi.SYS_MOUNT, e.str("none"), e.str("/sys"), e.str("sysfs"), 0, 0), errno(abi.EBUSY))
	e.want("devtmpfs again on /dev", e.sys(abi.SYS_MOUNT, e.str("none"), e.str("/dev"), e.str("devtmpfs"), 0, 0), errno(abi.EBUSY))
	// Elsewhere, or on a directory inside it, the same superblock mounts.
	e.mount("sysfs", "/sys2")
	e.want("sysfs on a directory in sysfs", e.sys(abi.SYS_MOUNT, e.str("none"), e.str("/sys/kernel"), e.str("sysfs"), 0, 0), 0)
	e.want("devtmpfs on /dev2", e.sys(abi.SYS_MKDIRAT, atFDCWD, e.str("/dev2"), 0755), 0)
	e.want("devtmpfs elsewhere", e.sys(abi.SYS_MOUNT, e.str("dt"), e.str("/dev2"), e.str("devtmpfs"), 0, 0), 0)
	e.mount("proc", "/proc")
	dev := e.stat("/proc").Dev
	e.want("proc again", e.sys(abi.SYS_MOUNT, e.str("none"), e.str("/proc"), e.str("proc"), 0, 0), 0)
	if d := e.stat("/proc").Dev; d == dev {
		t.Errorf("second proc mount has the first one's st_dev %#x", d)
	}
	// Each mount of a shared superblock keeps its own source.
	want := "rootfs / tmpfs rw 0 0\n" +
		"devtmpfs /dev devtmpfs rw,relatime,mode=755 0 0\n" +
		"none /sys sysfs rw,relatime 0 0\n" +
		"none /sys2 sysfs rw,relatime 0 0\n" +
		"none /sys/kernel sysfs rw,relatime 0 0\n" +
		"dt /dev2 devtmpfs rw,relatime,mode=755 0 0\n" +
		"none /proc proc rw,relatime 0 0\n" +
		"none /proc proc rw,relatime 0 0\n"
	if got := e.cat("/proc/mounts"); got != want {
		t.Errorf("mounts:\n%s\nwant:\n%s", got, want)
	}
}
