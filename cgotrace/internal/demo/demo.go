// Package demo is the C program cgotrace's tests need: Go calls C
// (demo_outer -> demo_inner), C calls back into Go, and the Go callback
// panics and recovers. Tests cannot use cgo themselves, so the cgo part
// lives here.
package demo

// #cgo CFLAGS: -g -Wall -Wextra -Werror
// // cgo's generated wrappers for argument-less C functions leave their
// // parameter unused; this applies to them, not to demo.c.
// #pragma GCC diagnostic ignored "-Wunused-parameter"
// #include <stdint.h>
// void demo_outer(void);
// void demo_loop(int n);
// uintptr_t demo_inner_addr(void);
// uintptr_t demo_libc_addr(void);
import "C"

import "runtime/debug"

var stack []byte

//export cgotraceDemoPanic
func cgotraceDemoPanic() {
	defer func() {
		if r := recover(); r != nil {
			stack = debug.Stack()
		}
	}()
	var m map[string]int
	m["boom"]++
}

//export cgotraceDemoNop
func cgotraceDemoNop() {}

// PanicStack calls C, which calls a Go function that panics; it returns
// the debug.Stack() taken where the panic was recovered.
func PanicStack() string {
	stack = nil
	C.demo_outer()
	return string(stack)
}

// Calls makes n calls from C into an empty Go function.
func Calls(n int) {
	C.demo_loop(C.int(n))
}

// InnerPC is the entry address of the C function demo_inner.
func InnerPC() uintptr {
	return uintptr(C.demo_inner_addr())
}

// LibcPC is the entry address of libc's getpid (no DWARF for it).
func LibcPC() uintptr {
	return uintptr(C.demo_libc_addr())
}
