package vfs

import (
	"liblinux/abi"
	"liblinux/kernel/waiter"
)

// Waitable is implemented by FileOps that can be polled (poll, select,
// epoll) and waited on by blocking calls.
type Waitable interface {
	// Readiness returns which of the events in mask are ready now.
	Readiness(mask uint32) uint32
	// EventRegister and EventUnregister add and remove a waiter.
	EventRegister(e *waiter.Entry)
	EventUnregister(e *waiter.Entry)
}

// Readiness returns f's ready events among mask. Files that cannot be
// polled are always readable and writable, as Linux's DEFAULT_POLLMASK.
func (f *File) Readiness(mask uint32) uint32 {
	if w, ok := f.ops.(Waitable); ok {
		return w.Readiness(mask)
	}
	return mask & (waiter.EventIn | waiter.EventOut | abi.POLLRDNORM | abi.POLLWRNORM)
}

// Waitable returns f's Waitable, if it has one.
func (f *File) Waitable() (Waitable, bool) {
	w, ok := f.ops.(Waitable)
	return w, ok
}

// NonBlocking reports whether O_NONBLOCK is set.
func (f *File) NonBlocking() bool { return f.flags.Load()&abi.O_NONBLOCK != 0 }
