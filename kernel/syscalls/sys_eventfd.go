package syscalls

import (
	"liblinux/abi"
	"liblinux/kernel"
	"liblinux/kernel/eventfd"
	"liblinux/kernel/vfs"
)

func init() {
	register(abi.SYS_EVENTFD2, Eventfd2)
	register(abi.SYS_EVENTFD, Eventfd)
}

// Eventfd2 implements Linux syscall eventfd2(2).
func Eventfd2(t *kernel.Task, a *Args) (uintptr, error) {
	return newEventfd(t, a.Uint(0), a.Int(1))
}

// Eventfd implements Linux syscall eventfd(2) (the legacy number that
// lkl_sys_eventfd uses): eventfd2 with no flags.
func Eventfd(t *kernel.Task, a *Args) (uintptr, error) {
	return newEventfd(t, a.Uint(0), 0)
}

func newEventfd(t *kernel.Task, initval uint32, flags int32) (uintptr, error) {
	if flags&^(abi.EFD_CLOEXEC|abi.EFD_NONBLOCK|abi.EFD_SEMAPHORE) != 0 {
		return 0, abi.EINVAL
	}
	ops := eventfd.New(uint64(initval), flags&abi.EFD_SEMAPHORE != 0)
	f := vfs.NewFile(vfs.Path{}, ops, abi.O_RDWR|uint32(flags)&abi.O_NONBLOCK)
	return installFile(t, f, flags&abi.EFD_CLOEXEC != 0)
}
