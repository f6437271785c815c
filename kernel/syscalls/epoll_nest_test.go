package syscalls_test

import (
	"testing"

	"liblinux/abi"
)

// TestEpollExclusiveRules checks epoll_ctl's EPOLLEXCLUSIVE rules in
// Linux's order (man 2 epoll_ctl).
func TestEpollExclusiveRules(t *testing.T) {
	e := newEnv(t, "")
	ep := uintptr(e.sys(abi.SYS_EPOLL_CREATE1, 0))
	ep2 := uintptr(e.sys(abi.SYS_EPOLL_CREATE1, 0))
	efd := uintptr(e.sys(abi.SYS_EVENTFD2, 1, 0))
	file := e.open("/f")
	const x = abi.EPOLLEXCLUSIVE
	e.want("exclusive on an epoll", e.epollCtl(ep, abi.EPOLL_CTL_ADD, ep2, abi.EPOLLIN|x, 0), errno(abi.EINVAL))
	e.want("exclusive oneshot on a file without poll", e.epollCtl(ep, abi.EPOLL_CTL_ADD, file, abi.EPOLLIN|x|abi.EPOLLONESHOT, 0), errno(abi.EPERM))
	for _, bad := range []uint32{abi.EPOLLONESHOT, abi.EPOLLPRI, abi.EPOLLRDHUP, abi.EPOLLRDNORM, abi.EPOLLWRNORM, abi.EPOLLMSG, 1 << 20} {
		e.want("exclusive with a bit it refuses", e.epollCtl(ep, abi.EPOLL_CTL_ADD, efd, abi.EPOLLIN|x|bad, 0), errno(abi.EINVAL))
	}
	e.want("exclusive mod of nothing", e.epollCtl(ep, abi.EPOLL_CTL_MOD, efd, abi.EPOLLIN|x, 0), errno(abi.EINVAL))
	e.want("mod of nothing", e.epollCtl(ep, abi.EPOLL_CTL_MOD, efd, abi.EPOLLIN, 0), errno(abi.ENOENT))
	e.want("exclusive add", e.epollCtl(ep, abi.EPOLL_CTL_ADD, efd, abi.EPOLLIN|abi.EPOLLOUT|abi.EPOLLERR|abi.EPOLLHUP|abi.EPOLLET|abi.EPOLLWAKEUP|x, 7), 0)
	e.want("mod of an exclusive item", e.epollCtl(ep, abi.EPOLL_CTL_MOD, efd, abi.EPOLLIN, 0), errno(abi.EINVAL))
	e.want("exclusive add again", e.epollCtl(ep, abi.EPOLL_CTL_ADD, efd, abi.EPOLLIN|x, 0), errno(abi.EEXIST))
	if ev := e.wait(ep, 4); len(ev) != 1 || ev[0].Events != abi.EPOLLIN|abi.EPOLLOUT || ev[0].Data != 7 {
		t.Errorf("events %+v", ev)
	}
	e.want("del", e.epollCtl(ep, abi.EPOLL_CTL_DEL, efd, 0, 0), 0)
}

// TestEpollNesting checks Linux's ELOOP rule: no loop, and no stack of
// more than five instances, counting those above the watching instance
// and below the watched one. Removing a registration (DEL, close) frees
// its level.
func TestEpollNesting(t *testing.T) {
	e := newEnv(t, "")
	ep := make([]uintptr, 7)
	for i := range ep {
		ep[i] = uintptr(e.sys(abi.SYS_EPOLL_CREATE1, 0))
	}
	// Built from the top: ep0 watches ep1, which watches ep2, ...
	for i := 0; i < 4; i++ {
		e.want("nest", e.epollCtl(ep[i], abi.EPOLL_CTL_ADD, ep[i+1], abi.EPOLLIN, 0), 0)
	}
	e.want("sixth level from the top", e.epollCtl(ep[4], abi.EPOLL_CTL_ADD, ep[5], abi.EPOLLIN, 0), errno(abi.ELOOP))
	e.want("loop", e.epollCtl(ep[3], abi.EPOLL_CTL_ADD, ep[0], abi.EPOLLIN, 0), errno(abi.ELOOP))
	e.want("loop to itself through one", e.epollCtl(ep[1], abi.EPOLL_CTL_ADD, ep[0], abi.EPOLLIN, 0), errno(abi.ELOOP))
	// Built from the bottom: ep5 under the five-deep stack would be a sixth.
	e.want("sixth level from the bottom", e.epollCtl(ep[5], abi.EPOLL_CTL_ADD, ep[0], abi.EPOLLIN, 0), errno(abi.ELOOP))
	// A second parent of the same depth is fine.
	e.want("side watcher", e.epollCtl(ep[6], abi.EPOLL_CTL_ADD, ep[1], abi.EPOLLIN, 0), 0)
	// Removing ep0's watch of ep1 shortens the stack above ep4 by one.
	e.want("del", e.epollCtl(ep[0], abi.EPOLL_CTL_DEL, ep[1], 0, 0), 0)
	e.want("ep6 still sits above", e.epollCtl(ep[4], abi.EPOLL_CTL_ADD, ep[5], abi.EPOLLIN, 0), errno(abi.ELOOP))
	e.want("close ep6", e.sys(abi.SYS_CLOSE, ep[6]), 0)
	e.want("fifth level now", e.epollCtl(ep[4], abi.EPOLL_CTL_ADD, ep[5], abi.EPOLLIN, 0), 0)
	// Closing a watched instance drops it from the stack as well.
	e.want("close ep5", e.sys(abi.SYS_CLOSE, ep[5]), 0)
	ep5 := uintptr(e.sys(abi.SYS_EPOLL_CREATE1, 0))
	e.want("ep0 above ep1 again", e.epollCtl(ep[0], abi.EPOLL_CTL_ADD, ep[1], abi.EPOLLIN, 0), 0)
	e.want("too deep again", e.epollCtl(ep[4], abi.EPOLL_CTL_ADD, ep5, abi.EPOLLIN, 0), errno(abi.ELOOP))
}
