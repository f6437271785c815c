// Package pipe implements pipes and FIFOs (pipe(7)): a bounded byte
// buffer with a read end and a write end. Buffer pages come from the
// kernel page allocator, so pipes count against mem=.
//
// Semantics follow Linux's fs/pipe.c: writes of at most PIPE_BUF bytes are
// atomic; a read returns what is there (blocking only while the pipe is
// empty and has writers); writing with no readers fails with EPIPE; the
// capacity is a power-of-two number of pages (F_SETPIPE_SZ). A FIFO is the
// same buffer opened by name: OpenFIFO applies fifo(7)'s open rules, and
// an end's POLLHUP follows Linux's rule of the writers it has seen.
//
// Lock order:
//
//	Pipe.mu
//	  waiter.Queue.mu
//	    mm.Allocator.mu
package pipe

import (
	"sync"

	"liblinux/abi"
	"liblinux/kernel/mm"
	"liblinux/kernel/usermem"
	"liblinux/kernel/vfs"
	"liblinux/kernel/waiter"
)

// DefaultSize is a new pipe's capacity (16 pages, as Linux).
const DefaultSize = 16 * mm.PageSize

// MaxSize is the capacity an unprivileged F_SETPIPE_SZ may ask for
// (/proc/sys/fs/pipe-max-size).
const MaxSize = 1 << 20

// Pipe is the shared buffer of a pipe or FIFO.
type Pipe struct {
	mem *mm.Allocator

	mu       sync.Mutex
	pages    [][]byte // ring of capacity/PageSize slots; protected by mu
	head     int      // read position in bytes within the ring; protected by mu
	size     int      // bytes buffered; protected by mu
	capacity int      // protected by mu
	readers  int      // open read ends; protected by mu
	writers  int      // open write ends; protected by mu
	rcount   uint64   // read ends ever opened (FIFO open rule); protected by mu
	wcount   uint64   // write ends ever opened (FIFO open and POLLHUP rules); protected by mu

	queue waiter.Queue
}

// New returns an empty pipe with no ends attached.
func New(mem *mm.Allocator) *Pipe {
	return &Pipe{mem: mem, capacity: DefaultSize, pages: make([][]byte, DefaultSize/mm.PageSize)}
}

// Open attaches a read end, a write end or both.
func (p *Pipe) Open(read, write bool) {
	p.mu.Lock()
	p.openLocked(read, write)
	p.mu.Unlock()
	p.queue.Notify(waiter.EventIn | waiter.EventOut)
}

// openLocked counts a new end. Preconditions: mu is held.
func (p *Pipe) openLocked(read, write bool) {
	if read {
		p.readers++
		p.rcount++
	}
	if write {
		p.writers++
		p.wcount++
	}
}

// close detaches an end.
func (p *Pipe) close(read, write bool) {
	p.mu.Lock()
	if read {
		p.readers--
	}
	if write {
		p.writers--
	}
	free := p.readers == 0 && p.writers == 0
	if free {
		for i, pg := range p.pages {
			if pg != nil {
				p.mem.FreePage(pg)
				p.pages[i] = nil
			}
		}
		p.size, p.head = 0, 0
	}
	p.mu.Unlock()
	p.queue.Notify(waiter.EventIn | waiter.EventOut | waiter.EventHup | waiter.EventErr)
}

// Counts returns how many read and write ends are open.
func (p *Pipe) Counts() (readers, writers int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.readers, p.writers
}

// read copies up to dst.Len() bytes out. Preconditions: mu is held.
func (p *Pipe) readLocked(dst *usermem.IO) (int, error) {
	done := 0
	for done < dst.Len() && p.size > 0 {
		slot, off := p.head/mm.PageSize, p.head%mm.PageSize
		n := min(mm.PageSize-off, p.size, dst.Len()-done)
		c, err := dst.CopyOut(done, p.pages[slot][off:off+n])
		done += c
		p.head = (p.head + c) % p.capacity
		p.size -= c
		if err != nil {
			return done, err
		}
	}
	if p.size == 0 {
		p.head = 0
	}
	return done, nil
}

// writeLocked copies up to the free space in. Preconditions: mu is held.
func (p *Pipe) writeLocked(src *usermem.IO, from int) (int, error) {
	done := 0
	for from+done < src.Len() && p.size < p.capacity {
		tail := (p.head + p.size) % p.capacity
		slot, off := tail/mm.PageSize, tail%mm.PageSize
		if p.pages[slot] == nil {
			pg, err := p.mem.AllocPage()
			if err != nil {
				return done, err
			}
			p.pages[slot] = pg
		}
		n := min(mm.PageSize-off, p.capacity-p.size, src.Len()-from-done)
		c, err := src.CopyIn(from+done, p.pages[slot][off:off+n])
		done += c
		p.size += c
		if err != nil {
			return done, err
		}
	}
	return done, nil
}

// Read implements read(2) on the read end.
func (p *Pipe) Read(ctx vfs.Context, dst *usermem.IO, nonblock bool) (int, error) {
	if dst.Len() == 0 {
		return 0, nil
	}
	var e *waiter.Entry
	var ch chan struct{}
	for {
		p.mu.Lock()
		if p.size > 0 {
			n, err := p.readLocked(dst)
			p.mu.Unlock()
			if e != nil {
				p.queue.Unregister(e)
			}
			p.queue.Notify(waiter.EventOut)
			if n > 0 {
				return n, nil
			}
			return 0, err
		}
		if p.writers == 0 {
			p.mu.Unlock()
			if e != nil {
				p.queue.Unregister(e)
			}
			return 0, nil
		}
		if nonblock {
			p.mu.Unlock()
			return 0, abi.EAGAIN
		}
		if e == nil {
			e, ch = waiter.NewChannelEntry(waiter.EventIn)
			p.queue.Register(e)
			p.mu.Unlock()
			continue // re-check with the waiter in place
		}
		p.mu.Unlock()
		if err := ctx.Block(ch, 0); err != nil {
			p.queue.Unregister(e)
			return 0, err
		}
	}
}

// Write implements write(2) on the write end. Writes of at most PIPE_BUF
// bytes happen all at once or not at all; larger ones may be split.
func (p *Pipe) Write(ctx vfs.Context, src *usermem.IO, nonblock bool) (int, error) {
	total := src.Len()
	if total == 0 {
		return 0, nil
	}
	done := 0
	var e *waiter.Entry
	var ch chan struct{}
	defer func() {
		if e != nil {
			p.queue.Unregister(e)
		}
	}()
	for {
		p.mu.Lock()
		if p.readers == 0 {
			p.mu.Unlock()
			if done > 0 {
				return done, nil
			}
			return 0, abi.EPIPE
		}
		free := p.capacity - p.size
		if free > 0 && (total-done > abi.PIPE_BUF || free >= total-done) {
			n, err := p.writeLocked(src, done)
			done += n
			p.mu.Unlock()
			p.queue.Notify(waiter.EventIn)
			if err != nil {
				if done > 0 {
					return done, nil
				}
				return 0, err
			}
			if done == total {
				return done, nil
			}
			continue
		}
		if nonblock {
			p.mu.Unlock()
			if done > 0 {
				return done, nil
			}
			return 0, abi.EAGAIN
		}
		if e == nil {
			e, ch = waiter.NewChannelEntry(waiter.EventOut)
			p.queue.Register(e)
			p.mu.Unlock()
			continue
		}
		p.mu.Unlock()
		if err := ctx.Block(ch, 0); err != nil {
			if done > 0 {
				return done, nil
			}
			return 0, err
		}
	}
}

// readiness returns the poll events of an end. A read end reports
// POLLHUP when no writer is attached, unless the last writer it knows of
// (wseen, the write-open count it saw) is still the last one: a FIFO
// reader opened with O_NONBLOCK before any writer is not hung up.
func (p *Pipe) readiness(mask uint32, read, write bool, wseen uint64) uint32 {
	p.mu.Lock()
	defer p.mu.Unlock()
	var r uint32
	if read {
		if p.size > 0 {
			r |= waiter.EventIn | abi.POLLRDNORM
		}
		if p.writers == 0 && p.wcount != wseen {
			r |= waiter.EventHup
		}
	}
	if write {
		if p.capacity-p.size >= abi.PIPE_BUF || (p.capacity < abi.PIPE_BUF && p.size == 0) {
			r |= waiter.EventOut | abi.POLLWRNORM
		}
		if p.readers == 0 {
			r |= waiter.EventErr
		}
	}
	return r & (mask | waiter.EventHup | waiter.EventErr)
}

// Buffered returns the bytes waiting to be read (FIONREAD).
func (p *Pipe) Buffered() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.size
}

// Capacity returns the buffer size (F_GETPIPE_SZ).
func (p *Pipe) Capacity() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.capacity
}

// SetCapacity implements F_SETPIPE_SZ: the size is rounded up to a power
// of two number of pages; EBUSY if the data would not fit, EPERM above
// MaxSize without CAP_SYS_RESOURCE.
func (p *Pipe) SetCapacity(n int64, privileged bool) (int, error) {
	if n <= 0 || n > 1<<31 {
		return 0, abi.EINVAL
	}
	size := mm.PageSize
	for int64(size) < n {
		size <<= 1
	}
	if size > MaxSize && !privileged {
		return 0, abi.EPERM
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if size < p.size {
		return 0, abi.EBUSY
	}
	pages := make([][]byte, size/mm.PageSize)
	// Take every page the buffered bytes need before moving any, so
	// that running out of memory leaves the pipe as it was.
	for i := 0; i < (p.size+mm.PageSize-1)/mm.PageSize; i++ {
		pg, err := p.mem.AllocPage()
		if err != nil {
			for _, pg := range pages[:i] {
				p.mem.FreePage(pg)
			}
			return 0, abi.ENOMEM
		}
		pages[i] = pg
	}
	// Re-lay the buffered bytes from the start of the new ring.
	out := 0
	for p.size > 0 {
		slot, off := p.head/mm.PageSize, p.head%mm.PageSize
		n := min(mm.PageSize-off, p.size)
		for n > 0 {
			ds, doff := out/mm.PageSize, out%mm.PageSize
			c := copy(pages[ds][doff:], p.pages[slot][off:off+n])
			out += c
			off += c
			n -= c
			p.head = (p.head + c) % p.capacity
			p.size -= c
		}
	}
	for _, pg := range p.pages {
		if pg != nil {
			p.mem.FreePage(pg)
		}
	}
	p.pages, p.head, p.size, p.capacity = pages, 0, out, size
	return size, nil
}

// EventRegister and EventUnregister implement vfs.Waitable for both ends.
func (p *Pipe) EventRegister(e *waiter.Entry)   { p.queue.Register(e) }
func (p *Pipe) EventUnregister(e *waiter.Entry) { p.queue.Unregister(e) }
