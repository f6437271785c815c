package syscalls_test

import (
	"testing"

	"liblinux/abi"
)

// TestAnonFilesLseek checks lseek on eventfd, timerfd and epoll files:
// it succeeds and stays at 0 (Linux's noop_llseek), while pread and
// pwrite fail with ESPIPE; an unknown whence is EINVAL.
func TestAnonFilesLseek(t *testing.T) {
	e := newEnv(t, "")
	efd := uintptr(e.sys(abi.SYS_EVENTFD2, 3, 0))
	tfd := uintptr(e.sys(abi.SYS_TIMERFD_CREATE, abi.CLOCK_MONOTONIC, 0))
	ep := uintptr(e.sys(abi.SYS_EPOLL_CREATE1, 0))
	_, p := e.buf(8)
	e.want("read eventfd", e.sys(abi.SYS_READ, efd, p, 8), 8)
	for _, fd := range []uintptr{efd, tfd, ep} {
		for whence := uintptr(abi.SEEK_SET); whence <= abi.SEEK_HOLE; whence++ {
			e.want("lseek", e.sys(abi.SYS_LSEEK, fd, 5, whence), 0)
		}
		e.want("lseek bad whence", e.sys(abi.SYS_LSEEK, fd, 0, 5), errno(abi.EINVAL))
		e.want("pread", e.sys(abi.SYS_PREAD64, fd, p, 8, 0), errno(abi.ESPIPE))
	}
	e.want("pwrite eventfd", e.sys(abi.SYS_PWRITE64, efd, p, 8, 0), errno(abi.ESPIPE))
	// Pipes keep ESPIPE.
	r, _ := e.pipe(0)
	e.want("lseek pipe", e.sys(abi.SYS_LSEEK, r, 0, abi.SEEK_CUR), errno(abi.ESPIPE))
}

// TestMemDevicesNullBuffer checks that /dev/null and /dev/zero, which
// copy nothing on write, take any buffer, as Linux (access_ok checks only
// the range), while a read that copies faults.
func TestMemDevicesNullBuffer(t *testing.T) {
	e := newEnv(t, "")
	null := uintptr(e.sys(abi.SYS_OPENAT, atFDCWD, e.str("/dev/null"), abi.O_RDWR, 0))
	zero := uintptr(e.sys(abi.SYS_OPENAT, atFDCWD, e.str("/dev/zero"), abi.O_RDWR, 0))
	e.want("write null NULL", e.sys(abi.SYS_WRITE, null, 0, 10), 10)
	e.want("write null NULL, capped", e.sys(abi.SYS_WRITE, null, 0, 1<<31), 0x7ffff000)
	e.want("write null past the address space", e.sys(abi.SYS_WRITE, null, 1<<47, 10), errno(abi.EFAULT))
	e.want("read null NULL", e.sys(abi.SYS_READ, null, 0, 10), 0)
	e.want("write zero NULL", e.sys(abi.SYS_WRITE, zero, 0, 10), 10)
	e.want("read zero NULL, nothing", e.sys(abi.SYS_READ, zero, 0, 0), 0)
	e.want("read zero NULL", e.sys(abi.SYS_READ, zero, 0, 10), errno(abi.EFAULT))
}
