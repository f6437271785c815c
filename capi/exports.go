package main

/*
#include <stdlib.h>
*/
import "C"

import (
	"fmt"
	"os"
	"runtime/debug"
	"sync"
	"unsafe"

	"liblinux/abi"
	"liblinux/cgotrace"
	"liblinux/kernel"
	"liblinux/kernel/boot"
	"liblinux/kernel/syscalls"
)

var (
	kernelMu sync.Mutex
	current  *kernel.Kernel // protected by kernelMu for writes; read via tasks
	host     *cHost
	traceOn  sync.Once
)

// guard recovers a Go panic on an exported path: it is reported through
// the host's print op with the stack (C frames included, see cgotrace),
// and the call returns -EIO. A panic must never unwind into C. Paths with
// no result (timer, task release, halt) pass nil.
func guard[T ~int64](ret *T) {
	r := recover()
	if r == nil {
		return
	}
	report(fmt.Sprintf("liblinux: recovered kernel panic: %v\n%s", r, debug.Stack()))
	if ret != nil {
		*ret = -T(abi.EIO)
	}
}

// report prints a message through the host's print op, or to stderr when
// no kernel is up.
var report = func(msg string) {
	if h := host; h != nil {
		h.Print([]byte(msg))
	} else {
		os.Stderr.WriteString(msg)
	}
}

//export liblinux_go_start
func liblinux_go_start(cmdline *C.char) (ret C.long) {
	defer guard(&ret)
	traceOn.Do(func() { cgotrace.Install(os.Getenv("LIBLINUX_CTRACE") == "1") })
	kernelMu.Lock()
	defer kernelMu.Unlock()
	h := newCHost()
	k, err := boot.Start(h, C.GoString(cmdline))
	if err != nil {
		e, ok := abi.ErrnoOf(err)
		if !ok {
			e = abi.EINVAL
		}
		return -C.long(e)
	}
	if err := addDisks(k); err != nil {
		k.Halt()
		return errnoResult(err)
	}
	k.BootDisksDone()
	host, current = h, k
	tasks.reset(k)
	return 0
}

//export liblinux_go_halt
func liblinux_go_halt() {
	defer guard[C.long](nil)
	kernelMu.Lock()
	defer kernelMu.Unlock()
	if current != nil {
		current.Halt()
		tasks.reset(nil)
		current = nil
	}
}

//export liblinux_go_new_task
func liblinux_go_new_task(hostTID C.long) (ret C.long) {
	defer guard(&ret)
	h, err := tasks.attach(int64(hostTID))
	if err != nil {
		e, _ := abi.ErrnoOf(err)
		return -C.long(e)
	}
	return C.long(h)
}

//export liblinux_go_release_task
func liblinux_go_release_task(h C.long) {
	defer guard[C.long](nil)
	tasks.release(int64(h))
}

//export liblinux_go_syscall
func liblinux_go_syscall(h C.long, no C.long, params *C.long) (ret C.long) {
	defer guard(&ret)
	t := tasks.get(int64(h))
	if t == nil {
		return -C.long(abi.ESHUTDOWN)
	}
	p := (*[6]C.long)(unsafe.Pointer(params))
	t.Args = syscalls.Args{uintptr(p[0]), uintptr(p[1]), uintptr(p[2]), uintptr(p[3]), uintptr(p[4]), uintptr(p[5])}
	return C.long(syscalls.Dispatch(t, uintptr(no), &t.Args))
}

//export liblinux_go_timer_fire
func liblinux_go_timer_fire() {
	defer guard[C.long](nil)
	fireMu.Lock()
	fn := fireFn
	fireMu.Unlock()
	if fn != nil {
		fn()
	}
}
