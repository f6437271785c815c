package waiter

import (
	"sync/atomic"
	"syscall"
	"unsafe"
)

// FUTEX_WAIT_PRIVATE and FUTEX_WAKE_PRIVATE of the host kernel.
const (
	futexWaitPrivate = 0 | 128
	futexWakePrivate = 1 | 128
)

// futexWait sleeps in the host kernel while *w holds val (a blocking
// system call, so the Go scheduler may give the thread's P away).
func futexWait(w *atomic.Uint32, val uint32) {
	syscall.Syscall6(syscall.SYS_FUTEX, uintptr(unsafe.Pointer(w)), futexWaitPrivate, uintptr(val), 0, 0, 0)
}

// futexWake wakes one thread sleeping on w.
func futexWake(w *atomic.Uint32) {
	syscall.RawSyscall6(syscall.SYS_FUTEX, uintptr(unsafe.Pointer(w)), futexWakePrivate, 1, 0, 0, 0)
}
