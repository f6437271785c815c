package cgotrace

// #cgo CFLAGS: -Wall -Wextra -Werror
// #cgo LDFLAGS: -lbacktrace
// // cgo's generated wrappers for argument-less C functions leave their
// // parameter unused; this applies to them, not to cgotrace.c.
// #pragma GCC diagnostic ignored "-Wunused-parameter"
// void cgotrace_init(void);
// void cgotrace_context(void *arg);
// void cgotrace_traceback(void *arg);
// void cgotrace_symbolizer(void *arg);
import "C"

import (
	"runtime"
	"sync"
	"unsafe"
)

var once sync.Once

// Install registers the C traceback and symbolizer functions with the Go
// runtime and, if withContext is true, the context function that records
// the C callers on every C to Go call (see the package comment for the
// cost). Only the first call in a process has an effect: the runtime
// accepts one set of functions.
//
// Install must not be called from an init function of a c-shared library
// (it is not needed before the library's first entry from C).
func Install(withContext bool) {
	once.Do(func() {
		C.cgotrace_init()
		var context unsafe.Pointer
		if withContext {
			context = C.cgotrace_context
		}
		runtime.SetCgoTraceback(0, C.cgotrace_traceback, context, C.cgotrace_symbolizer)
	})
}
