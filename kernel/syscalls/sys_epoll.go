package syscalls

import (
	"liblinux/abi"
	"liblinux/kernel"
	"liblinux/kernel/epoll"
	"liblinux/kernel/usermem"
	"liblinux/kernel/vfs"
)

func init() {
	register(abi.SYS_EPOLL_CREATE1, EpollCreate1)
	register(abi.SYS_EPOLL_CTL, EpollCtl)
	register(abi.SYS_EPOLL_PWAIT, EpollPwait)
	register(abi.SYS_EPOLL_PWAIT2, EpollPwait2)
}

// EpollCreate1 implements Linux syscall epoll_create1(2).
func EpollCreate1(t *kernel.Task, a *Args) (uintptr, error) {
	flags := a.Uint(0)
	if flags&^abi.EPOLL_CLOEXEC != 0 {
		return 0, abi.EINVAL
	}
	f := vfs.NewFile(vfs.Path{}, epoll.New(), abi.O_RDWR)
	return installFile(t, f, flags&abi.EPOLL_CLOEXEC != 0)
}

// epollOf returns the epoll instance behind epfd: EINVAL if it is not one.
func epollOf(t *kernel.Task, epfd int32) (*vfs.File, *epoll.Epoll, error) {
	f, err := getFile(t, epfd)
	if err != nil {
		return nil, nil, err
	}
	ep, ok := f.Ops().(*epoll.Epoll)
	if !ok {
		f.DecRef()
		return nil, nil, abi.EINVAL
	}
	return f, ep, nil
}

// EpollCtl implements Linux syscall epoll_ctl(2), with Linux's checks in
// Linux's order: the event is read (EFAULT), both descriptors must be open
// (EBADF), the target must support poll (EPERM), then epfd must be an
// epoll instance other than the target (EINVAL); the rest is epoll.Ctl's.
func EpollCtl(t *kernel.Task, a *Args) (uintptr, error) {
	epfd, op, fd := a.Int(0), int(a.Int(1)), a.Int(2)
	var ev abi.EpollEvent
	if op != abi.EPOLL_CTL_DEL {
		var b [abi.SizeofEpollEvent]byte
		if err := usermem.CopyIn(b[:], a.Ptr(3)); err != nil {
			return 0, err
		}
		ev.UnmarshalFrom(b[:])
	}
	ef, err := getFile(t, epfd)
	if err != nil {
		return 0, err
	}
	defer ef.DecRef()
	tf, err := getFile(t, fd)
	if err != nil {
		return 0, err
	}
	defer tf.DecRef()
	if _, ok := tf.Waitable(); !ok {
		return 0, abi.EPERM
	}
	ep, ok := ef.Ops().(*epoll.Epoll)
	if !ok || tf == ef {
		return 0, abi.EINVAL
	}
	if op != abi.EPOLL_CTL_DEL && !t.Creds().HasCap(abi.CAP_BLOCK_SUSPEND) {
		// Linux drops EPOLLWAKEUP for callers that may not block suspend.
		ev.Events &^= abi.EPOLLWAKEUP
	}
	return 0, ep.Ctl(op, fd, tf, ev.Events, ev.Data)
}

// EpollPwait implements Linux syscall epoll_pwait(2) (lkl_sys_epoll_wait
// too): a timeout in milliseconds, negative for none. A signal mask is
// checked first (its size, and that it can be read), as Linux's
// set_user_sigmask; no signals reach a library caller, so it has no
// other effect.
func EpollPwait(t *kernel.Task, a *Args) (uintptr, error) {
	if err := checkSigmask(a.Ptr(4), uint64(a[5])); err != nil {
		return 0, err
	}
	deadline := int64(forever)
	switch timeout := a.Int(3); {
	case timeout == 0:
		deadline = noWait
	case timeout > 0:
		deadline = t.Kernel().Clock.Now() + int64(timeout)*1e6
	}
	return epollWait(t, a, deadline)
}

// EpollPwait2 implements Linux syscall epoll_pwait2(2): epoll_pwait with
// a struct timespec timeout (NULL for none), read before anything else.
func EpollPwait2(t *kernel.Task, a *Args) (uintptr, error) {
	deadline, err := pollTimeout(t, a.Ptr(3))
	if err != nil {
		return 0, err
	}
	if err := checkSigmask(a.Ptr(4), uint64(a[5])); err != nil {
		return 0, err
	}
	return epollWait(t, a, deadline)
}

// epollWait waits on the epoll instance a[0] for up to a[2] events until
// deadline (forever, noWait or a monotonic time) and stores them at a[1].
func epollWait(t *kernel.Task, a *Args, deadline int64) (uintptr, error) {
	max := int(a.Int(2))
	if max <= 0 || max > (1<<31-1)/abi.SizeofEpollEvent {
		return 0, abi.EINVAL
	}
	ef, ep, err := epollOf(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	defer ef.DecRef()
	evs, err := ep.Wait(t, max, deadline)
	if err != nil {
		return 0, err
	}
	b := make([]byte, len(evs)*abi.SizeofEpollEvent)
	for i, e := range evs {
		x := abi.EpollEvent{Events: e.Events, Data: e.Data}
		x.MarshalTo(b[i*abi.SizeofEpollEvent:])
	}
	if err := usermem.CopyOut(a.Ptr(1), b); err != nil {
		return 0, err
	}
	return uintptr(len(evs)), nil
}
