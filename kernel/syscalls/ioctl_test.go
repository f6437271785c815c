package syscalls_test

import (
	"testing"

	"liblinux/abi"
)

func TestIoctlGeneric(t *testing.T) {
	e := newEnv(t, "")
	f := e.open("/reg")
	e.want("write", e.sys(abi.SYS_WRITE, f, e.str("hello"), 5), 5)
	n, np := e.buf(8)
	one, onep := e.buf(4)
	put32(one, 1)
	_, zerop := e.buf(4)

	e.want("FIONREAD at the end", e.sys(abi.SYS_IOCTL, f, abi.FIONREAD, np), 0)
	e.want("bytes left", int64(int32(u32(n))), 0)
	e.want("lseek 2", e.sys(abi.SYS_LSEEK, f, 2, abi.SEEK_SET), 2)
	e.want("FIONREAD", e.sys(abi.SYS_IOCTL, f, abi.FIONREAD, np), 0)
	e.want("bytes left", int64(int32(u32(n))), 3)
	e.want("lseek past the end", e.sys(abi.SYS_LSEEK, f, 100, abi.SEEK_SET), 100)
	e.want("FIONREAD", e.sys(abi.SYS_IOCTL, f, abi.FIONREAD, np), 0)
	e.want("negative past the end", int64(int32(u32(n))), -95)
	e.want("FIONREAD EFAULT", e.sys(abi.SYS_IOCTL, f, abi.FIONREAD, 8), errno(abi.EFAULT))

	e.want("FIOQSIZE", e.sys(abi.SYS_IOCTL, f, abi.FIOQSIZE, np), 0)
	st, sp := e.buf(abi.SizeofStat)
	e.want("fstat", e.sys(abi.SYS_FSTAT, f, sp), 0)
	var s abi.Stat
	s.UnmarshalFrom(st)
	if got := int64(u64(n)); got != s.Blocks*512 {
		t.Errorf("FIOQSIZE = %d, want %d", got, s.Blocks*512)
	}

	e.want("FIONBIO on", e.sys(abi.SYS_IOCTL, f, abi.FIONBIO, onep), 0)
	e.want("O_NONBLOCK set", e.sys(abi.SYS_FCNTL, f, abi.F_GETFL)&abi.O_NONBLOCK, abi.O_NONBLOCK)
	e.want("FIONBIO off", e.sys(abi.SYS_IOCTL, f, abi.FIONBIO, zerop), 0)
	e.want("O_NONBLOCK clear", e.sys(abi.SYS_FCNTL, f, abi.F_GETFL)&abi.O_NONBLOCK, 0)
	e.want("FIONBIO EFAULT", e.sys(abi.SYS_IOCTL, f, abi.FIONBIO, 8), errno(abi.EFAULT))

	e.want("FIOCLEX", e.sys(abi.SYS_IOCTL, f, abi.FIOCLEX, 0), 0)
	e.want("FD_CLOEXEC set", e.sys(abi.SYS_FCNTL, f, abi.F_GETFD), abi.FD_CLOEXEC)
	e.want("FIONCLEX", e.sys(abi.SYS_IOCTL, f, abi.FIONCLEX, 0), 0)
	e.want("FD_CLOEXEC clear", e.sys(abi.SYS_FCNTL, f, abi.F_GETFD), 0)

	e.want("FIOASYNC on a regular file", e.sys(abi.SYS_IOCTL, f, abi.FIOASYNC, onep), errno(abi.ENOTTY))
	e.want("FIOASYNC off when off", e.sys(abi.SYS_IOCTL, f, abi.FIOASYNC, zerop), 0)
	e.want("TCGETS", e.sys(abi.SYS_IOCTL, f, abi.TCGETS, np), errno(abi.ENOTTY))
	e.want("unknown command", e.sys(abi.SYS_IOCTL, f, 0x1234, np), errno(abi.ENOTTY))
	e.want("bad fd", e.sys(abi.SYS_IOCTL, 99, abi.FIONREAD, np), errno(abi.EBADF))
	e.want("bad fd, unknown command", e.sys(abi.SYS_IOCTL, 99, 0x1234, np), errno(abi.EBADF))

	d := uintptr(e.sys(abi.SYS_OPENAT, atFDCWD, e.str("/"), abi.O_RDONLY|abi.O_DIRECTORY))
	e.want("FIONREAD on a directory", e.sys(abi.SYS_IOCTL, d, abi.FIONREAD, np), errno(abi.ENOTTY))
	e.want("FIOQSIZE on a directory", e.sys(abi.SYS_IOCTL, d, abi.FIOQSIZE, np), 0)

	r, w := e.pipe(0)
	e.want("pipe write", e.sys(abi.SYS_WRITE, w, e.str("abc"), 3), 3)
	for _, fd := range []uintptr{r, w} {
		e.want("pipe FIONREAD", e.sys(abi.SYS_IOCTL, fd, abi.FIONREAD, np), 0)
		e.want("buffered", int64(u32(n)), 3)
	}
	e.want("pipe FIOQSIZE", e.sys(abi.SYS_IOCTL, r, abi.FIOQSIZE, np), errno(abi.ENOTTY))
	e.want("pipe FIOASYNC", e.sys(abi.SYS_IOCTL, r, abi.FIOASYNC, onep), 0)
	e.want("O_ASYNC set", e.sys(abi.SYS_FCNTL, r, abi.F_GETFL)&abi.O_ASYNC, abi.O_ASYNC)
	e.want("pipe unknown command", e.sys(abi.SYS_IOCTL, r, 0x1234, np), errno(abi.ENOTTY))

	ev := uintptr(e.sys(abi.SYS_EVENTFD2, 0, 0))
	e.want("eventfd FIONREAD", e.sys(abi.SYS_IOCTL, ev, abi.FIONREAD, np), errno(abi.ENOTTY))
	e.want("eventfd FIOASYNC", e.sys(abi.SYS_IOCTL, ev, abi.FIOASYNC, onep), errno(abi.ENOTTY))
	e.want("eventfd FIONBIO", e.sys(abi.SYS_IOCTL, ev, abi.FIONBIO, onep), 0)
	_, vp := e.buf(8)
	e.want("eventfd now non-blocking", e.sys(abi.SYS_READ, ev, vp, 8), errno(abi.EAGAIN))
}
