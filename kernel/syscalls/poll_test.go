package syscalls_test

import (
	"testing"

	"liblinux/abi"
)

// pollfds lays out struct pollfd entries; revents start as 0x7777 to show
// which ones the kernel writes.
func (e *env) pollfds(fds ...[2]int) ([]byte, uintptr) {
	b, p := e.buf(len(fds) * abi.SizeofPollfd)
	for i, f := range fds {
		pf := abi.Pollfd{Fd: int32(f[0]), Events: int16(f[1]), Revents: 0x7777}
		pf.MarshalTo(b[i*abi.SizeofPollfd:])
	}
	return b, p
}

func revents(b []byte, i int) uint16 { return u16(b[i*abi.SizeofPollfd+6:]) }

func TestPpollRevents(t *testing.T) {
	e := newEnv(t, "")
	r, w := e.pipe(0)
	f := e.open("/reg")
	ev := uintptr(e.sys(abi.SYS_EVENTFD2, 0, 0))
	r2, w2 := e.pipe(0)
	e.want("close w2", e.sys(abi.SYS_CLOSE, w2), 0)
	r3, w3 := e.pipe(0)
	e.want("close r3", e.sys(abi.SYS_CLOSE, r3), 0)
	all := abi.POLLIN | abi.POLLOUT | abi.POLLPRI | abi.POLLRDNORM | abi.POLLWRNORM | abi.POLLRDBAND | abi.POLLWRBAND | abi.POLLMSG | abi.POLLRDHUP
	b, p := e.pollfds(
		[2]int{-1, abi.POLLIN},          // 0: ignored
		[2]int{99, abi.POLLIN},          // 1: not open
		[2]int{int(r), abi.POLLIN},      // 2: empty pipe
		[2]int{int(w), abi.POLLOUT},     // 3: writable pipe
		[2]int{int(f), 0},               // 4: regular file, no events asked
		[2]int{int(f), all},             // 5: regular file: DEFAULT_POLLMASK
		[2]int{int(ev), all},            // 6: eventfd at 0
		[2]int{int(r2), 0},              // 7: hung-up pipe: POLLHUP always
		[2]int{int(w3), abi.POLLIN},     // 8: broken pipe: POLLERR always
		[2]int{int(r), abi.POLLOUT},     // 9: read end is never writable
		[2]int{-5, abi.POLLOUT},         // 10: ignored
		[2]int{int(w), abi.POLLRDNORM},  // 11: nothing
		[2]int{int(ev), abi.POLLRDNORM}, // 12: eventfd has no RDNORM
	)
	zero, zp := e.timespecBuf(0)
	e.want("ppoll", e.sys(abi.SYS_PPOLL, p, 13, zp, 0, 8), 6)
	want := []uint16{0, abi.POLLNVAL, 0, abi.POLLOUT, 0, abi.POLLIN | abi.POLLOUT | abi.POLLRDNORM | abi.POLLWRNORM,
		abi.POLLOUT, abi.POLLHUP, abi.POLLERR, 0, 0, 0, 0}
	for i, w := range want {
		if got := revents(b, i); got != w {
			t.Errorf("revents[%d] = %#x, want %#x", i, got, w)
		}
	}
	if fd := int32(u32(b[abi.SizeofPollfd:])); fd != 99 {
		t.Errorf("fd field rewritten: %d", fd)
	}
	if got := nanos(zero); got != 0 {
		t.Errorf("zero timeout rewritten to %d", got)
	}
	e.want("write", e.sys(abi.SYS_WRITE, w, e.str("x"), 1), 1)
	e.want("ppoll after write", e.sys(abi.SYS_PPOLL, p, 3, zp, 0, 8), 2)
	if got := revents(b, 2); got != abi.POLLIN {
		t.Errorf("readable pipe revents = %#x", got)
	}
	e.want("legacy poll", e.sys(abi.SYS_POLL, p, 4, 0), 3)
}

func TestPpollErrors(t *testing.T) {
	e := newEnv(t, "")
	_, p := e.pollfds([2]int{-1, abi.POLLIN})
	bad, bp := e.buf(abi.SizeofTimespec)
	(&abi.Timespec{Sec: 0, Nsec: 1e9}).MarshalTo(bad)
	_, zp := e.timespecBuf(0)
	_, mp := e.buf(8)
	e.want("invalid timespec", e.sys(abi.SYS_PPOLL, p, 1, bp, 0, 8), errno(abi.EINVAL))
	(&abi.Timespec{Sec: -1}).MarshalTo(bad)
	e.want("negative timespec", e.sys(abi.SYS_PPOLL, p, 1, bp, 0, 8), errno(abi.EINVAL))
	e.want("unreadable timespec", e.sys(abi.SYS_PPOLL, p, 1, 8, 0, 8), errno(abi.EFAULT))
	e.want("sigset size", e.sys(abi.SYS_PPOLL, p, 1, zp, mp, 4), errno(abi.EINVAL))
	e.want("unreadable sigset", e.sys(abi.SYS_PPOLL, p, 1, zp, 8, 8), errno(abi.EFAULT))
	e.want("no sigset, any size", e.sys(abi.SYS_PPOLL, p, 1, zp, 0, 4), 0)
	e.want("with sigset", e.sys(abi.SYS_PPOLL, p, 1, zp, mp, 8), 0)
	e.want("unreadable fds", e.sys(abi.SYS_PPOLL, 8, 1, zp, 0, 8), errno(abi.EFAULT))
	e.want("no fds", e.sys(abi.SYS_PPOLL, 8, 0, zp, 0, 8), 0)
	bigb, big := e.buf(1025 * abi.SizeofPollfd)
	for i := 0; i < 1025; i++ {
		put32(bigb[i*abi.SizeofPollfd:], ^uint32(0))
	}
	e.want("nfds = RLIMIT_NOFILE", e.sys(abi.SYS_PPOLL, big, 1024, zp, 0, 8), 0)
	e.want("nfds > RLIMIT_NOFILE", e.sys(abi.SYS_PPOLL, big, 1025, zp, 0, 8), errno(abi.EINVAL))
}

func TestPpollBlocksOnTheKernelClock(t *testing.T) {
	e := newVirtualEnv(t)
	r, w := e.pipe(0)
	b, p := e.pollfds([2]int{int(r), abi.POLLIN})
	ts, tp := e.timespecBuf(100 * msec)
	t2 := e.newTask()
	res := async(t2, abi.SYS_PPOLL, p, 1, tp, 0, 8)
	e.waitTimers(1)
	e.host.Advance(40 * msec)
	if !pending(res) {
		t.Fatalf("ppoll returned %d before its timeout", <-res)
	}
	e.want("write", e.sys(abi.SYS_WRITE, w, e.str("x"), 1), 1)
	e.want("woken ppoll", <-res, 1)
	if got := revents(b, 0); got != abi.POLLIN {
		t.Errorf("revents = %#x", got)
	}
	if got := nanos(ts); got != 60*msec {
		t.Errorf("time left = %d, want %d", got, 60*msec)
	}

	// A timeout: 0 and the timespec says 0 left.
	r2, _ := e.pipe(0)
	_, p2 := e.pollfds([2]int{int(r2), abi.POLLIN}, [2]int{-1, 0})
	ts2, tp2 := e.timespecBuf(30 * msec)
	res = async(t2, abi.SYS_PPOLL, p2, 2, tp2, 0, 8)
	e.waitTimers(1)
	e.host.Advance(30 * msec)
	e.want("timed out", <-res, 0)
	if got := nanos(ts2); got != 0 {
		t.Errorf("time left after timeout = %d", got)
	}
	if e.k.Clock.Pending() != 0 {
		t.Errorf("timers left: %d", e.k.Clock.Pending())
	}

	// Legacy poll with a millisecond timeout, and ppoll with no fds as a
	// sleep.
	res = async(t2, abi.SYS_POLL, p2, 1, 25)
	e.waitTimers(1)
	e.host.Advance(25 * msec)
	e.want("poll timeout", <-res, 0)
	_, tp3 := e.timespecBuf(5 * msec)
	res = async(t2, abi.SYS_PPOLL, 0, 0, tp3, 0, 8)
	e.waitTimers(1)
	e.host.Advance(5 * msec)
	e.want("ppoll as a sleep", <-res, 0)
}

func TestPpollWakesOnEventfdAndHalt(t *testing.T) {
	e := newVirtualEnv(t)
	ev := uintptr(e.sys(abi.SYS_EVENTFD2, 0, abi.EFD_NONBLOCK))
	b, p := e.pollfds([2]int{int(ev), abi.POLLIN})
	t2 := e.newTask()
	res := async(t2, abi.SYS_PPOLL, p, 1, 0, 0, 8)
	waitInSyscall(t2)
	_, vp := e.u64buf(3)
	e.want("eventfd write", e.sys(abi.SYS_WRITE, ev, vp, 8), 8)
	e.want("ppoll woken by eventfd", <-res, 1)
	if got := revents(b, 0); got != abi.POLLIN {
		t.Errorf("revents = %#x", got)
	}
	r, _ := e.pipe(0)
	_, p2 := e.pollfds([2]int{int(r), abi.POLLIN})
	res = async(t2, abi.SYS_PPOLL, p2, 1, 0, 0, 8)
	waitInSyscall(t2)
	e.k.StartHalt()
	e.want("ppoll at halt", <-res, errno(abi.EINTR))
}

// fdset returns a select set with the given descriptors.
func (e *env) fdset(fds ...int) ([]byte, uintptr) {
	b, p := e.buf(abi.SizeofFdSet)
	for _, fd := range fds {
		b[fd/8] |= 1 << (fd % 8)
	}
	return b, p
}

func isset(b []byte, fd int) bool { return b[fd/8]&(1<<(fd%8)) != 0 }

func TestPselect6(t *testing.T) {
	e := newEnv(t, "")
	r, w := e.pipe(0)
	f := e.open("/reg")
	_, zp := e.timespecBuf(0)
	rs, rp := e.fdset(int(r), int(f))
	ws, wp := e.fdset(int(w), int(r), int(f))
	xs, xp := e.fdset(int(f))
	e.want("pselect6", e.sys(abi.SYS_PSELECT6, 10, rp, wp, xp, zp, 0), 3)
	if isset(rs, int(r)) || !isset(rs, int(f)) || !isset(ws, int(w)) || isset(ws, int(r)) || !isset(ws, int(f)) || isset(xs, int(f)) {
		t.Errorf("sets: read %x write %x except %x", rs[:2], ws[:2], xs[:2])
	}
	e.want("write", e.sys(abi.SYS_WRITE, w, e.str("x"), 1), 1)
	rs, rp = e.fdset(int(r))
	e.want("readable", e.sys(abi.SYS_PSELECT6, r+1, rp, 0, 0, zp, 0), 1)
	if !isset(rs, int(r)) {
		t.Errorf("read set %x", rs[:2])
	}

	_, bad := e.fdset(40)
	e.want("closed fd", e.sys(abi.SYS_PSELECT6, 41, bad, 0, 0, zp, 0), errno(abi.EBADF))
	e.want("bit at n ignored", e.sys(abi.SYS_PSELECT6, 40, bad, 0, 0, zp, 0), 0)
	// n is clamped to the table's size (64 slots here), as Linux's max_fds.
	_, bad99 := e.fdset(99)
	e.want("closed fd beyond the table", e.sys(abi.SYS_PSELECT6, 100, bad99, 0, 0, zp, 0), 0)
	far, farp := e.fdset(500)
	e.want("beyond the table", e.sys(abi.SYS_PSELECT6, 1024, farp, 0, 0, zp, 0), 0)
	if !isset(far, 500) {
		t.Errorf("bits beyond the table's size must be left alone")
	}
	e.want("negative n", e.sys(abi.SYS_PSELECT6, uintptr(1<<64-1), 0, 0, 0, zp, 0), errno(abi.EINVAL))
	e.want("unreadable set", e.sys(abi.SYS_PSELECT6, 1, 8, 0, 0, zp, 0), errno(abi.EFAULT))
	e.want("unreadable sig pack", e.sys(abi.SYS_PSELECT6, 1, 0, 0, 0, zp, 8), errno(abi.EFAULT))
	pack, pk := e.buf(16)
	_, mp := e.buf(8)
	put64(pack, uint64(mp))
	put64(pack[8:], 4)
	e.want("sigset size", e.sys(abi.SYS_PSELECT6, 1, 0, 0, 0, zp, pk), errno(abi.EINVAL))
	put64(pack[8:], 8)
	e.want("sigset", e.sys(abi.SYS_PSELECT6, 1, 0, 0, 0, zp, pk), 0)
	put64(pack, 8)
	e.want("unreadable sigset", e.sys(abi.SYS_PSELECT6, 1, 0, 0, 0, zp, pk), errno(abi.EFAULT))
	put64(pack, 0)
	e.want("no sigset", e.sys(abi.SYS_PSELECT6, 1, 0, 0, 0, zp, pk), 0)
}

func TestSelectTimeouts(t *testing.T) {
	e := newVirtualEnv(t)
	r, w := e.pipe(0)
	t2 := e.newTask()
	rs, rp := e.fdset(int(r))
	ts, tp := e.timespecBuf(1000 * msec)
	res := async(t2, abi.SYS_PSELECT6, r+1, rp, 0, 0, tp, 0)
	e.waitTimers(1)
	e.host.Advance(250 * msec)
	e.want("write", e.sys(abi.SYS_WRITE, w, e.str("x"), 1), 1)
	e.want("pselect6 woken", <-res, 1)
	if !isset(rs, int(r)) || nanos(ts) != 750*msec {
		t.Errorf("set %x, time left %d", rs[0], nanos(ts))
	}

	// Legacy select with a struct timeval, updated with the time left.
	r2, _ := e.pipe(0)
	rs2, rp2 := e.fdset(int(r2))
	tv, tvp := e.buf(abi.SizeofTimeval)
	(&abi.Timeval{Sec: 0, Usec: 1500000}).MarshalTo(tv) // 1.5 s: usec may exceed a second
	res = async(t2, abi.SYS_SELECT, r2+1, rp2, 0, 0, tvp)
	e.waitTimers(1)
	e.host.Advance(1000 * msec)
	if !pending(res) {
		t.Fatalf("select returned early: %d", <-res)
	}
	e.host.Advance(500 * msec)
	e.want("select timeout", <-res, 0)
	var left abi.Timeval
	left.UnmarshalFrom(tv)
	if left != (abi.Timeval{}) || isset(rs2, int(r2)) {
		t.Errorf("time left %+v, set %x", left, rs2[0])
	}
	(&abi.Timeval{Sec: 0, Usec: -1}).MarshalTo(tv)
	e.want("negative usec", e.sys(abi.SYS_SELECT, 0, 0, 0, 0, tvp), errno(abi.EINVAL))
}

func TestPollWithTimerfdAndEpoll(t *testing.T) {
	e := newVirtualEnv(t)
	tfd := uintptr(e.sys(abi.SYS_TIMERFD_CREATE, abi.CLOCK_MONOTONIC, abi.TFD_NONBLOCK))
	ev := uintptr(e.sys(abi.SYS_EVENTFD2, 0, abi.EFD_NONBLOCK))
	ep := uintptr(e.sys(abi.SYS_EPOLL_CREATE1, 0))
	e.want("add timerfd", e.epollCtl(ep, abi.EPOLL_CTL_ADD, tfd, abi.EPOLLIN, 1), 0)
	e.want("add eventfd", e.epollCtl(ep, abi.EPOLL_CTL_ADD, ev, abi.EPOLLIN|abi.EPOLLOUT, 2), 0)
	got := e.wait(ep, 4)
	if len(got) != 1 || got[0].Data != 2 || got[0].Events != abi.EPOLLOUT {
		t.Fatalf("idle events %+v", got)
	}
	its, ip := e.buf(abi.SizeofItimerspec)
	(&abi.Itimerspec{Value: abi.Timespec{Nsec: 10 * msec}}).MarshalTo(its)
	e.want("settime", e.sys(abi.SYS_TIMERFD_SETTIME, tfd, 0, ip, 0), 0)
	// An epoll_wait blocked with a 1 s timeout wakes at the timer's expiry.
	t2 := e.newTask()
	_, evp := e.buf(4 * abi.SizeofEpollEvent)
	e.want("mod eventfd", e.epollCtl(ep, abi.EPOLL_CTL_MOD, ev, abi.EPOLLIN, 2), 0)
	res := async(t2, abi.SYS_EPOLL_PWAIT, ep, evp, 4, 1000, 0, 8)
	e.waitTimers(2)
	e.host.Advance(10 * msec)
	e.want("epoll woken by timerfd", <-res, 1)
	got = e.wait(ep, 4)
	if len(got) != 1 || got[0].Data != 1 || got[0].Events != abi.EPOLLIN {
		t.Fatalf("timer events %+v", got)
	}
	_, vp := e.buf(8)
	e.want("read timerfd", e.sys(abi.SYS_READ, tfd, vp, 8), 8)
	if got := e.wait(ep, 4); len(got) != 0 {
		t.Fatalf("after read: %+v", got)
	}
}
