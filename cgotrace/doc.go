// Package cgotrace makes Go tracebacks name C frames.
//
// What: Install registers C functions with runtime.SetCgoTraceback. When
// Go prints the stack of a goroutine that was entered from C (debug.Stack()
// in a deferred recover, or a fatal error such as unlocking an unlocked
// mutex), the C callers appear with function, file and line, e.g.
//
//	lkl_sys_read
//		_cgo_export.c:312 pc=0x7f...
//	read_config
//		app.c:41 pc=0x7f...
//	main
//		app.c:88 pc=0x7f...
//
// File and line come from the DWARF of the loaded objects through gcc's
// own libbacktrace (linked statically from gcc's private library
// directory; the header is in gcc's private include directory). Where
// there is no debug information the symbol table is used, then dladdr, so
// at least the function or object name is shown.
//
// Why: liblinux runs inside someone else's C program. A Go panic at the
// ABI boundary is logged with debug.Stack() before the host's panic op
// is called, and without this package that stack ends at the cgo entry
// point, which says nothing about which C code made the call.
//
// Cost: the traceback and symbolizer functions run only while a stack is
// being printed, so Install(false) costs nothing per call. The C callers
// of a Go function, however, can only be recorded when C enters Go, by
// the context function that Install(true) also registers: it walks the C
// stack (glibc backtrace) on every C to Go call: BenchmarkCToGo measured
// about 750 ns per call with it against 40 ns without it. Use it for
// debugging, e.g. when an environment variable asks for it.
//
// Limits: C frames are shown for Go code entered from C (every liblinux
// entry point), not for a signal that arrives while C code runs (no
// unwinding from a signal context). An unrecovered panic does not show
// them either, because the runtime drops the record of the C caller while
// unwinding, before it prints; recover at the boundary and print
// debug.Stack() instead. In a c-shared library the context function
// applies from the C to Go call after the one that ran Install. A stripped
// build (-ldflags=-s -w or strip) has no line information, and the
// version script hides C function names from dladdr.
package cgotrace
