package syscalls_test

import (
	"testing"

	"liblinux/abi"
)

func TestCloseRange(t *testing.T) {
	e := newEnv(t, "")
	var fds []uintptr
	for i := 0; i < 8; i++ {
		fds = append(fds, uintptr(e.sys(abi.SYS_EVENTFD2, 0, 0)))
	}
	if fds[0] != 0 || fds[7] != 7 {
		t.Fatalf("fds %v", fds)
	}
	e.want("unknown flag", e.sys(abi.SYS_CLOSE_RANGE, 0, 10, 1), errno(abi.EINVAL))
	e.want("first > last", e.sys(abi.SYS_CLOSE_RANGE, 5, 4, 0), errno(abi.EINVAL))
	e.want("cloexec 1..2", e.sys(abi.SYS_CLOSE_RANGE, 1, 2, abi.CLOSE_RANGE_CLOEXEC), 0)
	for fd, want := range []int64{0, abi.FD_CLOEXEC, abi.FD_CLOEXEC, 0} {
		e.want("F_GETFD", e.sys(abi.SYS_FCNTL, uintptr(fd), abi.F_GETFD), want)
	}
	e.want("close 3..5", e.sys(abi.SYS_CLOSE_RANGE, 3, 5, 0), 0)
	for fd := uintptr(0); fd < 8; fd++ {
		want := int64(0)
		if fd >= 3 && fd <= 5 {
			want = errno(abi.EBADF)
		}
		if got := e.sys(abi.SYS_FCNTL, fd, abi.F_GETFD); (got < 0) != (want < 0) {
			t.Errorf("fd %d after close_range: F_GETFD = %d", fd, got)
		}
	}
	e.want("nothing open in range", e.sys(abi.SYS_CLOSE_RANGE, 3, 5, 0), 0)
	e.want("unshare and close the rest", e.sys(abi.SYS_CLOSE_RANGE, 6, 1<<32-1, abi.CLOSE_RANGE_UNSHARE), 0)
	e.want("fd 7 closed", e.sys(abi.SYS_CLOSE, 7), errno(abi.EBADF))
	e.want("lowest free is 3", e.sys(abi.SYS_EVENTFD2, 0, 0), 3)
}

func TestSchedCalls(t *testing.T) {
	e := newEnv(t, "")
	e.want("sched_yield", e.sys(abi.SYS_SCHED_YIELD), 0)
	b, p := e.buf(8)
	put32(b, 77)
	put32(b[4:], 77)
	e.want("getcpu", e.sys(abi.SYS_GETCPU, p, p+4, 0), 0)
	if u32(b) != 0 || u32(b[4:]) != 0 {
		t.Errorf("getcpu wrote %v", b)
	}
	e.want("getcpu NULLs", e.sys(abi.SYS_GETCPU, 0, 0, 0), 0)
	e.want("getcpu EFAULT", e.sys(abi.SYS_GETCPU, 8, p, 0), errno(abi.EFAULT))

	m, mp := e.buf(128)
	for i := range m {
		m[i] = 0xff
	}
	e.want("getaffinity", e.sys(abi.SYS_SCHED_GETAFFINITY, 0, 128, mp), 8)
	if u64(m) != 1 || m[8] != 0xff {
		t.Errorf("mask %x", m[:9])
	}
	e.want("getaffinity len 0", e.sys(abi.SYS_SCHED_GETAFFINITY, 0, 0, mp), errno(abi.EINVAL))
	e.want("getaffinity len 4", e.sys(abi.SYS_SCHED_GETAFFINITY, 0, 4, mp), errno(abi.EINVAL))
	e.want("getaffinity own tid", e.sys(abi.SYS_SCHED_GETAFFINITY, uintptr(e.task.TID), 8, mp), 8)
	e.want("getaffinity no such task", e.sys(abi.SYS_SCHED_GETAFFINITY, 4000, 8, mp), errno(abi.ESRCH))
	e.want("getaffinity EFAULT", e.sys(abi.SYS_SCHED_GETAFFINITY, 0, 8, 8), errno(abi.EFAULT))
	e.want("setaffinity {0}", e.sys(abi.SYS_SCHED_SETAFFINITY, 0, 128, mp), 0)
	put64(m, 2)
	e.want("setaffinity without cpu 0", e.sys(abi.SYS_SCHED_SETAFFINITY, 0, 8, mp), errno(abi.EINVAL))
	e.want("setaffinity EFAULT", e.sys(abi.SYS_SCHED_SETAFFINITY, 0, 8, 8), errno(abi.EFAULT))
	e.want("setaffinity no such task", e.sys(abi.SYS_SCHED_SETAFFINITY, 4000, 8, mp), errno(abi.ESRCH))
}
