// Package mm is the kernel's page allocator. Every page of file data the
// kernel keeps (tmpfs files, pipe buffers, later the page cache) comes from
// here, and here comes from the host: pages are carved out of chunks that
// hostops.Ops.PageAlloc returns, and the total is bounded by the mem= boot
// parameter. Exhaustion is ENOMEM (or ENOSPC where the filesystem says so),
// never a host crash. All chunks go back to the host when the kernel halts.
//
// Threads allocating and freeing pages at once (a pipe's writer and
// reader, files written in parallel) do not meet on one lock or counter:
// each CPU keeps a few free pages of its own (as Linux's per-CPU page
// lists) and its own part of the count of pages in use (percpu.Limited);
// the shared free list and its lock are used a batch of pages at a time.
//
// Lock order:
//
//	Allocator.shrinkMu (taken and released before calling shrinkers)
//	pageCache.mu
//	  Allocator.mu (PageAlloc is called under it: it only allocates)
//
// heap.mu (heap.go, the Go heap floor) is a leaf of its own.
//
// A page that is not handed out is always in the shared free list or a
// CPU's cache, never only in a local variable of a function that moves
// it between them (so the cache's lock is held while the free list is
// changed): an allocation that finds none after gathering every cache
// knows the quota is really used, not that a page was on its way.
package mm

import (
	"runtime"
	"sync"
	"sync/atomic"

	"liblinux/abi"
	"liblinux/hostops"
	"liblinux/kernel/percpu"
)

// PageSize is the kernel page size.
const PageSize = 4096

// chunkSize is how much is taken from the host at a time.
const chunkSize = 256 << 10

// cacheBatch is how many pages a CPU's cache takes from or gives back to
// the shared free list at a time; it holds at most twice as many.
const cacheBatch = 16

// pageCache is one CPU's free pages, alone in its cache lines.
type pageCache struct {
	mu    sync.Mutex
	pages [][]byte // protected by mu
	_     [percpu.Stride - 32]byte
}

// Allocator hands out PageSize pages of host memory within a limit.
type Allocator struct {
	ops    hostops.Ops
	limit  int64 // bytes; immutable
	npages int64 // limit in pages; immutable

	used   percpu.Limited // pages handed out
	closed atomic.Bool    // Close ran: no more pages

	caches [percpu.Slots]pageCache

	mu     sync.Mutex
	free   [][]byte // free pages; protected by mu
	chunks [][]byte // host chunks; protected by mu

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
	limit &^= PageSize - 1
	return &Allocator{ops: ops, limit: limit, npages: limit / PageSize}
}

// Limit is the total memory in bytes (mem=).
func (a *Allocator) Limit() int64 { return a.limit }

// Used is the number of bytes in pages currently handed out.
func (a *Allocator) Used() int64 { return a.used.InUse() * PageSize }

// AllocPage returns a zeroed page, or ENOMEM once the shrinkers have
// nothing left to give back.
func (a *Allocator) AllocPage() ([]byte, error) {
	p, err := a.AllocPageNoZero()
	if err == nil {
		clear(p)
	}
	return p, err
}

// AllocPageNoZero is AllocPage for a caller that fills the whole page
// before anything reads it (the block cache, reading it from a disk):
// the page keeps whatever it held.
func (a *Allocator) AllocPageNoZero() ([]byte, error) {
	for tries := 0; ; tries++ {
		p, err := a.allocPage()
		if err == nil || tries == 3 || !a.shrink(32) {
			return p, err
		}
	}
}

func (a *Allocator) allocPage() ([]byte, error) {
	if a.npages == 0 || !a.used.Take(a.npages) {
		return nil, abi.ENOMEM
	}
	if a.closed.Load() {
		a.used.Put()
		return nil, abi.ENOMEM
	}
	c := &a.caches[percpu.Slot()]
	// The quota taken says a page is free, in the shared list or some
	// CPU's cache; gather the caches and look again. Another allocation
	// may move pages into a cache this one already looked at, so it
	// looks a few times (yielding between) before ENOMEM.
	for try := 0; try < 8; try++ {
		if try > 0 {
			if try > 1 {
				runtime.Gosched()
			}
			a.drainCaches(false)
		}
		c.mu.Lock()
		if n := len(c.pages); n > 0 {
			p := c.pages[n-1]
			c.pages[n-1] = nil
			c.pages = c.pages[:n-1]
			c.mu.Unlock()
			return p, nil
		}
		var batch [cacheBatch][]byte
		if n := a.takeFree(batch[:]); n > 0 {
			c.pages = append(c.pages, batch[1:n]...)
			c.mu.Unlock()
			return batch[0], nil
		}
		c.mu.Unlock()
	}
	a.used.Put()
	return nil, abi.ENOMEM
}

// takeFree moves up to len(dst) pages from the shared free list to dst,
// first carving a new host chunk into the list if it is empty and the
// limit allows one. It returns how many it moved.
func (a *Allocator) takeFree(dst [][]byte) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed.Load() {
		return 0
	}
	if len(a.free) == 0 {
		size := int64(chunkSize)
		if rest := a.limit - int64(len(a.chunks))*chunkSize; rest < size {
			size = rest
		}
		var c []byte
		if size >= PageSize {
			c = a.ops.PageAlloc(int(size))
		}
		if c == nil {
			return 0
		}
		a.chunks = append(a.chunks, c)
		for off := 0; off+PageSize <= len(c); off += PageSize {
			a.free = append(a.free, c[off:off+PageSize:off+PageSize])
		}
	}
	n := copy(dst, a.free[max(0, len(a.free)-len(dst)):])
	clear(a.free[len(a.free)-n:])
	a.free = a.free[:len(a.free)-n]
	return n
}

// drainCaches moves every CPU's cached pages to the shared free list, or
// drops them when discard (the chunks are going back to the host).
func (a *Allocator) drainCaches(discard bool) {
	for i := range a.caches {
		c := &a.caches[i]
		c.mu.Lock()
		if len(c.pages) > 0 && !discard {
			a.mu.Lock()
			if !a.closed.Load() {
				a.free = append(a.free, c.pages...)
			}
			a.mu.Unlock()
		}
		c.pages = nil
		c.mu.Unlock()
	}
}

// FreePage returns a page from AllocPage.
func (a *Allocator) FreePage(p []byte) {
	c := &a.caches[percpu.Slot()]
	c.mu.Lock()
	if !a.closed.Load() {
		c.pages = append(c.pages, p)
		if l := len(c.pages); l > 2*cacheBatch {
			a.mu.Lock()
			if !a.closed.Load() {
				a.free = append(a.free, c.pages[l-cacheBatch:]...)
			}
			a.mu.Unlock()
			clear(c.pages[l-cacheBatch:])
			c.pages = c.pages[:l-cacheBatch]
		}
	}
	c.mu.Unlock()
	a.used.Put()
}

// Close returns every chunk to the host. No page may be used afterwards.
func (a *Allocator) Close() {
	a.closed.Store(true)
	a.drainCaches(true)
	a.mu.Lock()
	chunks := a.chunks
	a.chunks, a.free = nil, nil
	a.mu.Unlock()
	for _, c := range chunks {
		a.ops.PageFree(c)
	}
}
