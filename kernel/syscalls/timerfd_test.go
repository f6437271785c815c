package syscalls_test

import (
	"testing"

	"liblinux/abi"
)

// itimer returns a struct itimerspec buffer.
func (e *env) itimer(value, interval int64) ([]byte, uintptr) {
	b, p := e.buf(abi.SizeofItimerspec)
	its := abi.Itimerspec{
		Interval: abi.Timespec{Sec: interval / 1e9, Nsec: interval % 1e9},
		Value:    abi.Timespec{Sec: value / 1e9, Nsec: value % 1e9},
	}
	its.MarshalTo(b)
	return b, p
}

func itimerOf(b []byte) (value, interval int64) {
	var its abi.Itimerspec
	its.UnmarshalFrom(b)
	return its.Value.Sec*1e9 + its.Value.Nsec, its.Interval.Sec*1e9 + its.Interval.Nsec
}

func TestTimerfdCreateAndErrors(t *testing.T) {
	e := newVirtualEnv(t)
	for _, c := range []struct {
		name  string
		clock int32
		flags uintptr
		want  int64
	}{
		{"CLOCK_PROCESS_CPUTIME_ID", abi.CLOCK_PROCESS_CPUTIME_ID, 0, errno(abi.EINVAL)},
		{"CLOCK_TAI", abi.CLOCK_TAI, 0, errno(abi.EINVAL)},
		{"bad flags", abi.CLOCK_MONOTONIC, 1, errno(abi.EINVAL)},
		{"negative clock", -1, 0, errno(abi.EINVAL)},
	} {
		e.want(c.name, e.sys(abi.SYS_TIMERFD_CREATE, uintptr(uint32(c.clock)), c.flags), c.want)
	}
	for _, id := range []int32{abi.CLOCK_REALTIME, abi.CLOCK_MONOTONIC, abi.CLOCK_BOOTTIME, abi.CLOCK_REALTIME_ALARM, abi.CLOCK_BOOTTIME_ALARM} {
		fd := e.sys(abi.SYS_TIMERFD_CREATE, uintptr(id), 0)
		if fd < 0 {
			t.Errorf("timerfd_create(%d) = %d", id, fd)
		}
	}
	fd := uintptr(e.sys(abi.SYS_TIMERFD_CREATE, abi.CLOCK_MONOTONIC, abi.TFD_NONBLOCK|abi.TFD_CLOEXEC))
	e.want("F_GETFL", e.sys(abi.SYS_FCNTL, fd, abi.F_GETFL), abi.O_RDWR|abi.O_NONBLOCK)
	e.want("F_GETFD", e.sys(abi.SYS_FCNTL, fd, abi.F_GETFD), abi.FD_CLOEXEC)
	cur, cp := e.buf(abi.SizeofItimerspec)
	e.want("gettime disarmed", e.sys(abi.SYS_TIMERFD_GETTIME, fd, cp), 0)
	if v, i := itimerOf(cur); v != 0 || i != 0 {
		t.Errorf("disarmed: %d %d", v, i)
	}
	badNs, bp := e.itimer(0, 0)
	(&abi.Itimerspec{Value: abi.Timespec{Nsec: 1e9}}).MarshalTo(badNs)
	_, ok := e.itimer(5*msec, 0)
	reg := e.open("/reg")
	for _, c := range []struct {
		name      string
		fd, flags uintptr
		newp, old uintptr
		want      int64
	}{
		{"unreadable new value", fd, 0, 8, 0, errno(abi.EFAULT)},
		{"nsec out of range", fd, 0, bp, 0, errno(abi.EINVAL)},
		{"bad flags", fd, 4, ok, 0, errno(abi.EINVAL)},
		{"not open", 99, 0, ok, 0, errno(abi.EBADF)},
		{"EINVAL before EBADF", 99, 0, bp, 0, errno(abi.EINVAL)},
		{"not a timerfd", reg, 0, ok, 0, errno(abi.EINVAL)},
		{"unwritable old value (the timer is set)", fd, 0, ok, 8, errno(abi.EFAULT)},
	} {
		e.want(c.name, e.sys(abi.SYS_TIMERFD_SETTIME, c.fd, c.flags, c.newp, c.old), c.want)
	}
	e.want("gettime after a failed copy-out", e.sys(abi.SYS_TIMERFD_GETTIME, fd, cp), 0)
	if v, _ := itimerOf(cur); v != 5*msec {
		t.Errorf("value %d, want 5ms", v)
	}
	e.want("gettime of a file", e.sys(abi.SYS_TIMERFD_GETTIME, reg, cp), errno(abi.EINVAL))
	e.want("gettime EFAULT", e.sys(abi.SYS_TIMERFD_GETTIME, fd, 8), errno(abi.EFAULT))
	_, rp := e.buf(8)
	e.want("short read", e.sys(abi.SYS_READ, fd, rp, 4), errno(abi.EINVAL))
	e.want("write", e.sys(abi.SYS_WRITE, fd, rp, 8), errno(abi.EINVAL))
	e.want("pread", e.sys(abi.SYS_PREAD64, fd, rp, 8, 0), errno(abi.ESPIPE))
	e.want("close_range", e.sys(abi.SYS_CLOSE_RANGE, 0, 1<<32-1, 0), 0)
	if e.k.Clock.Pending() != 0 {
		t.Errorf("closed timers still pending: %d", e.k.Clock.Pending())
	}
}

func TestTimerfdExpirations(t *testing.T) {
	e := newVirtualEnv(t)
	fd := uintptr(e.sys(abi.SYS_TIMERFD_CREATE, abi.CLOCK_MONOTONIC, 0))
	_, np := e.itimer(100*msec, 50*msec)
	old, op := e.buf(abi.SizeofItimerspec)
	e.want("settime", e.sys(abi.SYS_TIMERFD_SETTIME, fd, 0, np, op), 0)
	if v, i := itimerOf(old); v != 0 || i != 0 {
		t.Errorf("old value of a new timer: %d %d", v, i)
	}
	vb, vp := e.buf(8)
	t2 := e.newTask()
	res := async(t2, abi.SYS_READ, fd, vp, 8)
	waitInSyscall(t2)
	e.host.Advance(99 * msec)
	if !pending(res) {
		t.Fatalf("read returned before the expiry: %d", <-res)
	}
	e.host.Advance(1 * msec)
	e.want("blocked read", <-res, 8)
	if u64(vb) != 1 {
		t.Fatalf("expirations %d, want 1", u64(vb))
	}
	e.host.Advance(175 * msec) // expirations at 150, 200 and 250 ms
	e.want("read", e.sys(abi.SYS_READ, fd, vp, 8), 8)
	if u64(vb) != 3 {
		t.Fatalf("expirations %d, want 3", u64(vb))
	}
	cur, cp := e.buf(abi.SizeofItimerspec)
	e.want("gettime", e.sys(abi.SYS_TIMERFD_GETTIME, fd, cp), 0)
	if v, i := itimerOf(cur); v != 25*msec || i != 50*msec {
		t.Errorf("gettime %d %d, want 25ms 50ms", v, i)
	}
	// Absolute on CLOCK_MONOTONIC: the kernel's monotonic clock.
	now := e.k.Clock.Now()
	_, ap := e.itimer(now+10*msec, 0)
	e.want("settime abs", e.sys(abi.SYS_TIMERFD_SETTIME, fd, abi.TFD_TIMER_ABSTIME, ap, op), 0)
	if v, i := itimerOf(old); v != 25*msec || i != 50*msec {
		t.Errorf("old %d %d", v, i)
	}
	e.host.Advance(10 * msec)
	e.want("read abs", e.sys(abi.SYS_READ, fd, vp, 8), 8)
	if u64(vb) != 1 {
		t.Fatalf("abs expirations %d", u64(vb))
	}
}

func TestTimerfdCancelOnSet(t *testing.T) {
	e := newVirtualEnv(t)
	fd := uintptr(e.sys(abi.SYS_TIMERFD_CREATE, abi.CLOCK_REALTIME, abi.TFD_NONBLOCK))
	tsb, tsp := e.buf(abi.SizeofTimespec)
	e.want("clock_gettime", e.sys(abi.SYS_CLOCK_GETTIME, abi.CLOCK_REALTIME, tsp), 0)
	rt := nanos(tsb)
	_, np := e.itimer(rt+time10s, 0)
	e.want("settime", e.sys(abi.SYS_TIMERFD_SETTIME, fd, abi.TFD_TIMER_ABSTIME|abi.TFD_TIMER_CANCEL_ON_SET, np, 0), 0)
	_, vp := e.buf(8)
	e.want("nothing yet", e.sys(abi.SYS_READ, fd, vp, 8), errno(abi.EAGAIN))
	_, setp := e.timespecBuf(rt + 4*time10s/10)
	e.want("clock_settime", e.sys(abi.SYS_CLOCK_SETTIME, abi.CLOCK_REALTIME, setp), 0)
	e.want("canceled", e.sys(abi.SYS_READ, fd, vp, 8), errno(abi.ECANCELED))
	e.want("once", e.sys(abi.SYS_READ, fd, vp, 8), errno(abi.EAGAIN))
	cur, cp := e.buf(abi.SizeofItimerspec)
	e.want("gettime", e.sys(abi.SYS_TIMERFD_GETTIME, fd, cp), 0)
	if v, _ := itimerOf(cur); v != 6*time10s/10 {
		t.Errorf("time left after the clock jumped 4s: %d", v)
	}
	e.host.Advance(6 * time10s / 10)
	e.want("expired", e.sys(abi.SYS_READ, fd, vp, 8), 8)
}

const time10s = int64(10e9)
