// Package hostops is the kernel's view of the host: the Go side of
// struct lkl_host_operations (include/lkl_host.h) and of the device ops.
//
// The kernel never calls C directly. It holds an Ops value; capi implements
// Ops over the C function pointers a program passed to lkl_init, and the
// package fake implements it in pure Go so that kernel packages are tested
// with plain `go test`.
//
// Host ops may block (a virtual clock's timer, a slow console). Callers must
// not hold a kernel lock across a call that the contract below marks as
// possibly blocking.
package hostops

// Ops is the set of host services the kernel uses.
//
// Thread binding (tls_* and gettid) is not here: it happens at the C
// boundary in capi, before the kernel is entered, and the kernel only sees
// the resulting task.
type Ops interface {
	// Print writes kernel console output. It may block.
	Print(msg []byte)

	// Panic is called once when the kernel hits an unrecoverable error.
	// A C host's panic op usually aborts the process; it may return.
	Panic()

	// Time returns the host clock in nanoseconds. The kernel clock
	// (CLOCK_MONOTONIC, CLOCK_REALTIME, every timeout) is derived from it:
	// CLOCK_REALTIME starts at Time() at boot, as Linux reads its
	// persistent clock, so a host clock counting from the epoch gives real
	// dates. It must never go backwards. Non-blocking.
	Time() int64

	// NewTimer allocates the one-shot timer that is the kernel's clock
	// event source. fire is called on some host thread when the timer
	// expires; it must not be called while SetOneshot holds host locks.
	NewTimer(fire func()) (Timer, error)

	// PageAlloc returns n bytes of zeroed, page-aligned host memory, or
	// nil when the host has none. n is a multiple of the page size.
	PageAlloc(n int) []byte

	// PageFree returns memory obtained from PageAlloc.
	PageFree(b []byte)

	// Gettid returns the host's id of the calling thread (diagnostics).
	Gettid() int64
}

// Timer is a host one-shot timer.
type Timer interface {
	// SetOneshot arms the timer to fire once, delta nanoseconds from now.
	// Re-arming replaces the previous expiry.
	SetOneshot(delta int64) error
	// Free disarms and releases the timer. After Free returns, fire is
	// not called again.
	Free()
}
