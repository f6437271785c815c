package syscalls_test

import (
	"encoding/binary"
	"testing"

	"liblinux/abi"
)

func (e *env) epollCtl(ep, op, fd uintptr, events uint32, data uint64) int64 {
	b, p := e.buf(abi.SizeofEpollEvent)
	ev := abi.EpollEvent{Events: events, Data: data}
	ev.MarshalTo(b)
	return e.sys(abi.SYS_EPOLL_CTL, ep, op, fd, p)
}

// wait returns the events of one epoll_wait with timeout 0.
func (e *env) wait(ep uintptr, max int) []abi.EpollEvent {
	b, p := e.buf(max * abi.SizeofEpollEvent)
	n := e.sys(abi.SYS_EPOLL_PWAIT, ep, p, uintptr(max), 0, 0, 8)
	if n < 0 {
		e.t.Fatalf("epoll_pwait = %d", n)
	}
	out := make([]abi.EpollEvent, n)
	for i := range out {
		out[i].UnmarshalFrom(b[i*abi.SizeofEpollEvent:])
	}
	return out
}

func TestEpollModes(t *testing.T) {
	e := newEnv(t, "")
	ep := uintptr(e.sys(abi.SYS_EPOLL_CREATE1, 0))
	r1, w1 := e.pipe(abi.O_NONBLOCK)
	r2, w2 := e.pipe(abi.O_NONBLOCK)
	r3, w3 := e.pipe(abi.O_NONBLOCK)
	e.want("add level", e.epollCtl(ep, abi.EPOLL_CTL_ADD, r1, abi.EPOLLIN, 1), 0)
	e.want("add edge", e.epollCtl(ep, abi.EPOLL_CTL_ADD, r2, abi.EPOLLIN|abi.EPOLLET, 2), 0)
	e.want("add oneshot", e.epollCtl(ep, abi.EPOLL_CTL_ADD, r3, abi.EPOLLIN|abi.EPOLLONESHOT, 3), 0)
	e.want("add twice", e.epollCtl(ep, abi.EPOLL_CTL_ADD, r1, abi.EPOLLIN, 1), errno(abi.EEXIST))
	e.want("mod missing", e.epollCtl(ep, abi.EPOLL_CTL_MOD, w1, abi.EPOLLIN, 1), errno(abi.ENOENT))
	e.want("add self", e.epollCtl(ep, abi.EPOLL_CTL_ADD, ep, abi.EPOLLIN, 1), errno(abi.EINVAL))
	f := uintptr(e.sys(abi.SYS_OPENAT, atFDCWD, e.str("/reg"), abi.O_CREAT|abi.O_RDWR, 0600))
	e.want("add regular file", e.epollCtl(ep, abi.EPOLL_CTL_ADD, f, abi.EPOLLIN, 1), errno(abi.EPERM))
	e.want("ctl on non-epoll", e.epollCtl(f, abi.EPOLL_CTL_ADD, r1, abi.EPOLLIN, 1), errno(abi.EINVAL))
	if ev := e.wait(ep, 8); len(ev) != 0 {
		t.Fatalf("nothing written, got %v", ev)
	}
	for _, w := range []uintptr{w1, w2, w3} {
		e.want("write", e.sys(abi.SYS_WRITE, w, e.str("x"), 1), 1)
	}
	got := map[uint64]uint32{}
	for _, ev := range e.wait(ep, 8) {
		got[ev.Data] = ev.Events
	}
	if len(got) != 3 || got[1] != abi.EPOLLIN || got[2] != abi.EPOLLIN || got[3] != abi.EPOLLIN {
		t.Fatalf("first wait: %v", got)
	}
	ev := e.wait(ep, 8)
	if len(ev) != 1 || ev[0].Data != 1 {
		t.Fatalf("second wait: only the level-triggered pipe should report, got %v", ev)
	}
	e.want("rearm oneshot", e.epollCtl(ep, abi.EPOLL_CTL_MOD, r3, abi.EPOLLIN|abi.EPOLLONESHOT, 3), 0)
	e.want("more data on edge", e.sys(abi.SYS_WRITE, w2, e.str("y"), 1), 1)
	got = map[uint64]uint32{}
	for _, ev := range e.wait(ep, 8) {
		got[ev.Data] = ev.Events
	}
	if len(got) != 3 {
		t.Fatalf("third wait: %v", got)
	}
	e.want("del", e.epollCtl(ep, abi.EPOLL_CTL_DEL, r1, 0, 0), 0)
	e.want("close watched fd", e.sys(abi.SYS_CLOSE, r3), 0)
	ev = e.wait(ep, 8)
	if len(ev) != 0 {
		t.Fatalf("after del and close: %v", ev)
	}
	e.want("hangup", e.sys(abi.SYS_CLOSE, w2), 0)
	ev = e.wait(ep, 8)
	if len(ev) != 1 || ev[0].Events != abi.EPOLLIN|abi.EPOLLHUP {
		t.Fatalf("hangup: %v", ev)
	}
	_ = binary.LittleEndian
}
