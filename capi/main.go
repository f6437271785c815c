// Command capi is liblinux's C ABI: built with -buildmode=c-archive and
// linked by link/ into liblinux.so and liblinux.a. It is the only package
// with both cgo and kernel logic next to it: the exported entry points, the
// panic guard, task handles for host threads, and the hostops.Ops adapter
// over the C function pointers of struct lkl_host_operations.
//
// The C half (capi.c, entry.h, the generated z_*.c and the lib_*.c
// helpers) implements the lkl_* symbols; it enters Go only through the
// liblinux_go_* functions below. Nothing here runs at library load: the
// kernel starts in lkl_start_kernel.
//
// Lock order:
//
//	kernelMu (held across boot and halt only)
//	  tasks.mu (handle allocation)
//	    kernel locks (package kernel)
package main

/*
#cgo CFLAGS: -I${SRCDIR}/../include -Wall -Wextra -Werror -O2
#cgo LDFLAGS: -lpthread
*/
import "C"

import (
	// The ready POSIX host ops (lkl_host_ops) and default block ops.
	_ "liblinux/hostops/posix"
)

func main() {}
