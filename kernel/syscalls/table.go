// Package syscalls is the system call layer: the table from asm-generic
// numbers to handlers, argument decoding, and one sys_<family>.go file per
// family of calls. Handlers decode and check their arguments, call into
// the kernel, vfs and the subsystems, and return a value or an error; the
// dispatcher turns errors into negative errno values.
//
// Lock order: the package holds no locks of its own.
package syscalls

import (
	"liblinux/abi"
	"liblinux/kernel"
)

// Args are the six raw arguments of a system call. The C boundary fills
// the calling task's own copy (kernel.Task.Args), so entering a system
// call allocates nothing.
type Args = kernel.SyscallArgs

// Handler implements one system call.
type Handler func(t *kernel.Task, a *Args) (uintptr, error)

// Entry is a row of the table.
type Entry struct {
	Name string
	Fn   Handler
}

var table [abi.SyscallMax]Entry

// register adds handlers by number; the table is built once at init.
func register(nr uintptr, fn Handler) {
	table[nr] = Entry{Name: abi.SyscallName(nr), Fn: fn}
}

// Lookup returns the table entry for nr.
func Lookup(nr uintptr) (Entry, bool) {
	if nr >= uintptr(len(table)) || table[nr].Fn == nil {
		return Entry{}, false
	}
	return table[nr], true
}

// Implemented returns the numbers that have a handler.
func Implemented() []uintptr {
	var out []uintptr
	for nr, e := range table {
		if e.Fn != nil {
			out = append(out, uintptr(nr))
		}
	}
	return out
}

// Dispatch runs system call nr for t and returns the value C sees: the
// result, or a negative errno. Unknown numbers give -ENOSYS; calls after
// the kernel started to halt give -ESHUTDOWN.
func Dispatch(t *kernel.Task, nr uintptr, a *Args) int64 {
	if nr >= uintptr(len(table)) {
		return -int64(abi.ENOSYS)
	}
	fn := table[nr].Fn
	if fn == nil {
		return -int64(abi.ENOSYS)
	}
	if !t.Enter() {
		return -int64(abi.ESHUTDOWN)
	}
	defer t.Exit()
	r, err := fn(t, a)
	if err != nil {
		return -int64(errnoOf(t, err))
	}
	return int64(r)
}

// errnoOf converts a handler's error to the errno C sees.
func errnoOf(t *kernel.Task, err error) abi.Errno {
	e, ok := abi.ErrnoOf(err)
	if !ok {
		return t.Kernel().LogUnknownError(err)
	}
	switch e {
	case abi.ERESTARTSYS, abi.ERESTARTNOINTR, abi.ERESTARTNOHAND, abi.ERESTART_RESTARTBLOCK:
		// No signals are delivered to library callers, so a call that
		// would restart reports the interruption.
		return abi.EINTR
	case abi.ENOIOCTLCMD:
		return abi.ENOTTY
	}
	if e == 0 || e > 4095 {
		return t.Kernel().LogUnknownError(err)
	}
	return e
}
