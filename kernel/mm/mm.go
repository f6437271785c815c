// Package mm is the kernel's page allocator. Every page of file data the
// kernel keeps (tmpfs files, pipe buffers, later the page cache) comes from
// here, and here comes from the host: pages are carved out of chunks that
// hostops.Ops.PageAlloc returns, and the total is bounded by the mem= boot
// parameter. Exhaustion is ENOMEM (or ENOSPC where the filesystem says so),
// never a host crash. All chunks go back to the host when the kernel halts.
//
// Lock order:
//
//	Allocator.shrinkMu (taken and released before calling shrinkers)
//	Allocator.mu (leaf; PageAlloc is called under it: it only allocates)
package mm

import (
	"sync"
	"sync/atomic"

	"liblinux/abi"
	"liblinux/hostops"
)

// PageSize is the kernel page size.
const PageSize = 4096

// chunkSize is how much is taken from the host at a time.
const chunkSize = 256 << 10

// Allocator hands out PageSize pages of host memory within a limit.
type Allocator struct {
	ops   hostops.Ops
	limit int64 // bytes; immutable

	used atomic.Int64 // bytes in pages handed out

	mu     sync.Mutex
	free   [][]byte // free pages; protected by mu
	chunks [][]byte // host chunks; protected by mu
	closed bool     // protected by mu

	shrinkMu  sync.Mutex
	shrinkers []Shrinker // protected by shrinkMu
}

// Shrinker gives memory back under pressure (a cache dropping clean
// pages). Shrink frees up to n pages and returns how many it freed. It is
// called with no allocator lock held, possibly while the caller holds its
// own locks, so it must not block on them (use TryLock).
type Shrinker interface {
	Shrink(n int) int
}

// RegisterShrinker adds s to the shrinkers AllocPage calls when the
// kernel is out of memory.
func (a *Allocator) RegisterShrinker(s Shrinker) {
	a.shrinkMu.Lock()
	a.shrinkers = append(a.shrinkers, s)
	a.shrinkMu.Unlock()
}

// UnregisterShrinker removes s.
func (a *Allocator) UnregisterShrinker(s Shrinker) {
	a.shrinkMu.Lock()
	defer a.shrinkMu.Unlock()
	for i, x := range a.shrinkers {
		if x == s {
			a.shrinkers = append(a.shrinkers[:i], a.shrinkers[i+1:]...)
			return
		}
	}
}

// shrink asks the shrinkers for n pages; it reports whether any came back.
func (a *Allocator) shrink(n int) bool {
	a.shrinkMu.Lock()
	list := append([]Shrinker(nil), a.shrinkers...)
	a.shrinkMu.Unlock()
	freed := 0
	for _, s := range list {
		if freed += s.Shrink(n - freed); freed >= n {
			break
		}
	}
	return freed > 0
}

// New returns an allocator of at most limit bytes of host memory.
func New(ops hostops.Ops, limit int64) *Allocator {
	return &Allocator{ops: ops, limit: limit &^ (PageSize - 1)}
}

// Limit is the total memory in bytes (mem=).
func (a *Allocator) Limit() int64 { return a.limit }

// Used is the number of bytes in pages currently handed out.
func (a *Allocator) Used() int64 { return a.used.Load() }

// AllocPage returns a zeroed page, or ENOMEM once the shrinkers have
// nothing left to give back.
func (a *Allocator) AllocPage() ([]byte, error) {
	for tries := 0; ; tries++ {
		p, err := a.allocPage()
		if err == nil || tries == 3 || !a.shrink(32) {
			return p, err
		}
	}
}

func (a *Allocator) allocPage() ([]byte, error) {
	if a.used.Add(PageSize) > a.limit {
		a.used.Add(-PageSize)
		return nil, abi.ENOMEM
	}
	a.mu.Lock()
	if a.closed {
		a.mu.Unlock()
		a.used.Add(-PageSize)
		return nil, abi.ENOMEM
	}
	if len(a.free) == 0 {
		n := int64(chunkSize)
		if rest := a.limit - int64(len(a.chunks))*chunkSize; rest < n {
			n = rest
		}
		var c []byte
		if n >= PageSize {
			c = a.ops.PageAlloc(int(n))
		}
		if c == nil {
			a.mu.Unlock()
			a.used.Add(-PageSize)
			return nil, abi.ENOMEM
		}
		a.chunks = append(a.chunks, c)
		for off := 0; off+PageSize <= len(c); off += PageSize {
			a.free = append(a.free, c[off:off+PageSize:off+PageSize])
		}
	}
	p := a.free[len(a.free)-1]
	a.free = a.free[:len(a.free)-1]
	a.mu.Unlock()
	clear(p)
	return p, nil
}

// FreePage returns a page from AllocPage.
func (a *Allocator) FreePage(p []byte) {
	a.mu.Lock()
	if !a.closed {
		a.free = append(a.free, p)
	}
	a.mu.Unlock()
	a.used.Add(-PageSize)
}

// Close returns every chunk to the host. No page may be used afterwards.
func (a *Allocator) Close() {
	a.mu.Lock()
	chunks := a.chunks
	a.chunks, a.free, a.closed = nil, nil, true
	a.mu.Unlock()
	for _, c := range chunks {
		a.ops.PageFree(c)
	}
}
