package syscalls_test

import (
	"math"
	"testing"

	"liblinux/abi"
)

func TestEventfd2(t *testing.T) {
	e := newEnv(t, "")
	e.want("bad flags", e.sys(abi.SYS_EVENTFD2, 0, 4), errno(abi.EINVAL))
	fd := uintptr(e.sys(abi.SYS_EVENTFD2, 3, abi.EFD_NONBLOCK|abi.EFD_CLOEXEC))
	e.want("F_GETFL", e.sys(abi.SYS_FCNTL, fd, abi.F_GETFL), abi.O_RDWR|abi.O_NONBLOCK)
	e.want("F_GETFD", e.sys(abi.SYS_FCNTL, fd, abi.F_GETFD), abi.FD_CLOEXEC)
	b, p := e.buf(16)
	e.want("short read", e.sys(abi.SYS_READ, fd, p, 7), errno(abi.EINVAL))
	e.want("read", e.sys(abi.SYS_READ, fd, p, 16), 8)
	if u64(b) != 3 {
		t.Fatalf("read value %d, want 3", u64(b))
	}
	e.want("empty read", e.sys(abi.SYS_READ, fd, p, 8), errno(abi.EAGAIN))
	put64(b, math.MaxUint64)
	e.want("write 2^64-1", e.sys(abi.SYS_WRITE, fd, p, 8), errno(abi.EINVAL))
	e.want("short write", e.sys(abi.SYS_WRITE, fd, p, 4), errno(abi.EINVAL))
	e.want("unreadable write", e.sys(abi.SYS_WRITE, fd, 8, 8), errno(abi.EFAULT))
	put64(b, math.MaxUint64-1)
	e.want("write max", e.sys(abi.SYS_WRITE, fd, p, 8), 8)
	put64(b, 1)
	e.want("overflow", e.sys(abi.SYS_WRITE, fd, p, 8), errno(abi.EAGAIN))
	e.want("pread", e.sys(abi.SYS_PREAD64, fd, p, 8, 0), errno(abi.ESPIPE))

	st, sp := e.buf(abi.SizeofStat)
	e.want("fstat", e.sys(abi.SYS_FSTAT, fd, sp), 0)
	var s abi.Stat
	s.UnmarshalFrom(st)
	if s.Mode != 0600 || s.Nlink != 1 || s.Blksize != 4096 {
		t.Errorf("fstat: mode %o nlink %d blksize %d", s.Mode, s.Nlink, s.Blksize)
	}

	sem := uintptr(e.sys(abi.SYS_EVENTFD2, 2, abi.EFD_SEMAPHORE))
	e.want("F_GETFL blocking", e.sys(abi.SYS_FCNTL, sem, abi.F_GETFL), abi.O_RDWR)
	e.want("F_GETFD", e.sys(abi.SYS_FCNTL, sem, abi.F_GETFD), 0)
	for i := 0; i < 2; i++ {
		e.want("semaphore read", e.sys(abi.SYS_READ, sem, p, 8), 8)
		if u64(b) != 1 {
			t.Fatalf("semaphore read %d", u64(b))
		}
	}
	legacy := uintptr(e.sys(abi.SYS_EVENTFD, 9))
	e.want("legacy eventfd read", e.sys(abi.SYS_READ, legacy, p, 8), 8)
	if u64(b) != 9 {
		t.Fatalf("legacy eventfd value %d", u64(b))
	}
}

func TestEventfdBlockingReadAcrossTasks(t *testing.T) {
	e := newEnv(t, "")
	fd := uintptr(e.sys(abi.SYS_EVENTFD2, 0, abi.EFD_SEMAPHORE))
	const readers = 4
	bufs := make([]uintptr, readers)
	for i := range bufs {
		_, bufs[i] = e.buf(8)
	}
	var results []chan int64
	for i := 0; i < readers; i++ {
		results = append(results, async(e.newTask(), abi.SYS_READ, fd, bufs[i], 8))
	}
	_, vp := e.u64buf(readers)
	e.want("write", e.sys(abi.SYS_WRITE, fd, vp, 8), 8)
	for _, r := range results {
		e.want("blocked semaphore read", <-r, 8)
	}
	_, np := e.buf(8)
	e.want("F_SETFL nonblock", e.sys(abi.SYS_FCNTL, fd, abi.F_SETFL, abi.O_NONBLOCK), 0)
	e.want("all taken", e.sys(abi.SYS_READ, fd, np, 8), errno(abi.EAGAIN))
}

func TestEventfdInProc(t *testing.T) {
	e := newEnv(t, "")
	e.want("mkdir /proc", e.sys(abi.SYS_MKDIRAT, atFDCWD, e.str("/proc"), 0555), 0)
	if r := e.sys(abi.SYS_MOUNT, e.str("proc"), e.str("/proc"), e.str("proc"), 0, 0); r != 0 {
		t.Skipf("mount proc = %d", r)
	}
	ev := e.sys(abi.SYS_EVENTFD2, 0, 0)
	tf := e.sys(abi.SYS_TIMERFD_CREATE, abi.CLOCK_MONOTONIC, 0)
	for _, c := range []struct {
		fd   int64
		want string
	}{{ev, "anon_inode:[eventfd]"}, {tf, "anon_inode:[timerfd]"}} {
		b, p := e.buf(64)
		path := "/proc/self/fd/" + itoa(c.fd)
		n := e.sys(abi.SYS_READLINKAT, atFDCWD, e.str(path), p, 64)
		if n < 0 || string(b[:n]) != c.want {
			t.Errorf("readlink %s = %d %q, want %q", path, n, b[:max(n, 0)], c.want)
		}
	}
}

func itoa(v int64) string {
	if v == 0 {
		return "0"
	}
	var b []byte
	for ; v > 0; v /= 10 {
		b = append([]byte{byte('0' + v%10)}, b...)
	}
	return string(b)
}
