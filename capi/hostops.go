package main

/*
#include <stdlib.h>
#include <lkl_host.h>

extern struct lkl_host_operations *liblinux_host;
void liblinux_timer_cb(void);

static void h_print(struct lkl_host_operations *o, const char *s, int n) { if (o->print) o->print(s, n); }
static void h_panic(struct lkl_host_operations *o) { o->panic(); }
static unsigned long long h_time(struct lkl_host_operations *o) { return o->time(); }
static void *h_timer_alloc(struct lkl_host_operations *o) { return o->timer_alloc(liblinux_timer_cb); }
static int h_timer_set(struct lkl_host_operations *o, void *t, unsigned long d) { return o->timer_set_oneshot(t, d); }
static void h_timer_free(struct lkl_host_operations *o, void *t) { o->timer_free(t); }
static void *h_page_alloc(struct lkl_host_operations *o, unsigned long n) {
	return o->page_alloc ? o->page_alloc(n) : o->mem_alloc(n);
}
static void h_page_free(struct lkl_host_operations *o, void *p, unsigned long n) {
	if (o->page_alloc) o->page_free(p, n); else o->mem_free(p);
}
static long h_gettid(struct lkl_host_operations *o) { return o->gettid ? o->gettid() : 0; }
static int h_use_malloc(struct lkl_host_operations *o) { return !o->page_alloc; }
*/
import "C"

import (
	"sync"
	"unsafe"

	"liblinux/abi"
	"liblinux/hostops"
)

// cHost implements hostops.Ops over the ops a C program passed to
// lkl_init. The pointer is the program's and stays valid until
// lkl_cleanup.
type cHost struct {
	ops *C.struct_lkl_host_operations

	mu    sync.Mutex
	pages map[uintptr]bool // page_alloc'd chunks, for PageFree; protected by mu
}

var _ hostops.Ops = (*cHost)(nil)

func newCHost() *cHost {
	return &cHost{ops: C.liblinux_host, pages: map[uintptr]bool{}}
}

func (h *cHost) Print(msg []byte) {
	if len(msg) == 0 {
		return
	}
	C.h_print(h.ops, (*C.char)(unsafe.Pointer(&msg[0])), C.int(len(msg)))
}

func (h *cHost) Panic() { C.h_panic(h.ops) }

func (h *cHost) Time() int64 { return int64(C.h_time(h.ops)) }

// The kernel has one clock-event timer; its C callback takes no argument
// (LKL's newest timer_alloc), so the callback finds the kernel's timer
// through fireFn.
var (
	fireMu sync.Mutex
	fireFn func()
)

type cTimer struct {
	h *cHost
	t unsafe.Pointer
}

func (h *cHost) NewTimer(fire func()) (hostops.Timer, error) {
	fireMu.Lock()
	fireFn = fire
	fireMu.Unlock()
	t := C.h_timer_alloc(h.ops)
	if t == nil {
		return nil, abi.ENOMEM
	}
	return &cTimer{h, t}, nil
}

func (t *cTimer) SetOneshot(delta int64) error {
	if delta < 0 {
		delta = 0
	}
	if C.h_timer_set(t.h.ops, t.t, C.ulong(delta)) != 0 {
		return abi.EIO
	}
	return nil
}

func (t *cTimer) Free() {
	C.h_timer_free(t.h.ops, t.t)
	fireMu.Lock()
	fireFn = nil
	fireMu.Unlock()
}

func (h *cHost) PageAlloc(n int) []byte {
	p := C.h_page_alloc(h.ops, C.ulong(n))
	if p == nil {
		return nil
	}
	b := unsafe.Slice((*byte)(p), n)
	if C.h_use_malloc(h.ops) != 0 {
		clear(b)
	}
	return b
}

func (h *cHost) PageFree(b []byte) {
	C.h_page_free(h.ops, unsafe.Pointer(unsafe.SliceData(b)), C.ulong(len(b)))
}

func (h *cHost) Gettid() int64 { return int64(C.h_gettid(h.ops)) }
