// Package pipe implements pipes and FIFOs (pipe(7)): a bounded buffer
// with a read end and a write end. The buffer is a ring of page slots, as
// Linux's: the capacity is a power-of-two number of slots (F_SETPIPE_SZ),
// and a pipe is full when every slot holds data, however few bytes. Slot
// pages come from the kernel page allocator, so pipes count against mem=;
// a pipe keeps the pages its reads free (up to 16, no more than its
// slots) for its next writes, and gives them back when it closes.
//
// Semantics follow Linux's fs/pipe.c: a short write joins the newest slot
// when it fits there, otherwise takes a free slot, so writes of at most
// PIPE_BUF bytes are atomic; a read returns what is there (blocking only
// while the pipe is empty and has writers); writing with no readers fails
// with EPIPE. A writer in packet mode (O_DIRECT, pipe2(2)) makes each slot
// it fills a packet, and a read returns at most one packet, dropping what
// does not fit. A FIFO is the same buffer opened by name: OpenFIFO applies
// fifo(7)'s open rules, and an end's POLLHUP follows Linux's rule of the
// writers it has seen.
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

	mu      sync.Mutex
	ring    []slot  // capacity/PageSize slots; protected by mu
	spares  []*page // free pages kept for the next slots; protected by mu
	first   int     // ring index of the oldest occupied slot; protected by mu
	used    int     // occupied slots; protected by mu
	size    int     // bytes held; protected by mu
	readers int     // open read ends; protected by mu
	writers int     // open write ends; protected by mu
	rcount  uint64  // read ends ever opened (FIFO open rule); protected by mu
	wcount  uint64  // write ends ever opened (FIFO open and POLLHUP rules); protected by mu

	queue waiter.Queue
}

// New returns an empty pipe with no ends attached.
func New(mem *mm.Allocator) *Pipe {
	return &Pipe{mem: mem, ring: make([]slot, DefaultSize/mm.PageSize)}
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

// close detaches an end. The data goes with the last end.
func (p *Pipe) close(read, write bool) {
	p.mu.Lock()
	if read {
		p.readers--
	}
	if write {
		p.writers--
	}
	if p.readers == 0 && p.writers == 0 {
		p.releaseLocked()
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

// readLocked copies up to dst.Len() bytes out of the oldest slots and
// consumes them. It stops after a packet slot, whose bytes beyond what
// fit are dropped. A fault leaves the slot it hit as it was. It reports
// whether a slot was freed.
//
// Preconditions: mu is held.
func (p *Pipe) readLocked(dst *usermem.IO) (n int, freed bool, err error) {
	for p.used > 0 && n < dst.Len() {
		s := p.slotLocked(0)
		c := min(s.len, dst.Len()-n)
		w, err := dst.CopyOut(n, s.data()[:c])
		if w < c {
			if err == nil {
				err = abi.EFAULT
			}
			return n, freed, err
		}
		n += c
		s.off += c
		s.len -= c
		p.size -= c
		packet := s.flags&slotPacket != 0
		if packet || s.len == 0 {
			p.popLocked()
			freed = true
		}
		if packet {
			break
		}
	}
	return n, freed, nil
}

// mergeLocked appends the first total%PageSize bytes of src to the newest
// slot if it takes merges and they fit there, as Linux does before taking
// fresh slots (so a short write joins the data before it). It returns the
// bytes appended, 0 if the write does not merge, or EFAULT.
//
// Preconditions: mu is held.
func (p *Pipe) mergeLocked(src *usermem.IO) (int, error) {
	chars := src.Len() % mm.PageSize
	last := p.lastLocked()
	if chars == 0 || last == nil || last.flags&slotMerge == 0 || last.off+last.len+chars > mm.PageSize {
		return 0, nil
	}
	end := last.off + last.len
	if c, err := src.CopyIn(0, last.pg.b[end:end+chars]); c < chars {
		if err == nil {
			err = abi.EFAULT
		}
		return 0, err
	}
	last.len += chars
	p.size += chars
	return chars, nil
}

// writeLocked fills free slots with the bytes of src from offset from,
// a page per slot, marked as packets or as open to merges.
//
// Preconditions: mu is held.
func (p *Pipe) writeLocked(src *usermem.IO, from int, packet bool) (int, error) {
	flags := slotMerge
	if packet {
		flags = slotPacket
	}
	done := 0
	for from+done < src.Len() && !p.fullLocked() {
		pg, err := p.newPageLocked()
		if err != nil {
			return done, err
		}
		n := min(mm.PageSize, src.Len()-from-done)
		if c, err := src.CopyIn(from+done, pg.b[:n]); c < n {
			p.putPageLocked(pg)
			if err == nil {
				err = abi.EFAULT
			}
			return done, err
		}
		p.pushLocked(slot{pg: pg, len: n, flags: flags})
		done += n
	}
	return done, nil
}

// Read implements read(2) on the read end: it returns what the pipe
// holds, up to one packet, blocking only while the pipe is empty and has
// writers.
func (p *Pipe) Read(ctx vfs.Context, dst *usermem.IO, nonblock bool) (int, error) {
	if dst.Len() == 0 {
		return 0, nil
	}
	var e *waiter.Entry
	var ev *waiter.Event
	defer func() {
		if e != nil {
			p.queue.Unregister(e)
		}
	}()
	for {
		p.mu.Lock()
		if p.used > 0 {
			full := p.fullLocked()
			n, freed, err := p.readLocked(dst)
			p.mu.Unlock()
			// Writers hear of a read only when it ends a full pipe, as
			// on Linux (an edge-triggered epoll on the write end sees it).
			if full && freed {
				p.queue.Notify(waiter.EventOut)
			}
			if n > 0 {
				return n, nil
			}
			return 0, err
		}
		if p.writers == 0 {
			p.mu.Unlock()
			return 0, nil
		}
		if nonblock {
			p.mu.Unlock()
			return 0, abi.EAGAIN
		}
		if e == nil {
			e, ev = waiter.NewEventEntry(waiter.EventIn)
			p.queue.Register(e)
			p.mu.Unlock()
			continue // re-check with the waiter in place
		}
		p.mu.Unlock()
		if err := ctx.Block(ev, 0); err != nil {
			return 0, err
		}
	}
}

// Write implements write(2) on the write end; packet is the writer's
// O_DIRECT. The bytes short of a whole page may join the newest slot;
// the rest take a free slot per page, waiting for one while the pipe is
// full. So a write of at most PIPE_BUF bytes happens all at once or not
// at all; a larger one may be split. In packet mode each slot written is
// a packet.
func (p *Pipe) Write(ctx vfs.Context, src *usermem.IO, nonblock, packet bool) (int, error) {
	total := src.Len()
	if total == 0 {
		return 0, nil
	}
	done := 0
	merged := false
	var e *waiter.Entry
	var ev *waiter.Event
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
		var n int
		var err error
		if !merged {
			merged = true
			n, err = p.mergeLocked(src)
		}
		if err == nil && !p.fullLocked() {
			var c int
			c, err = p.writeLocked(src, done+n, packet)
			n += c
		}
		if n > 0 || err != nil || done+n == total {
			done += n
			p.mu.Unlock()
			if n > 0 {
				p.queue.Notify(waiter.EventIn)
			}
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
			e, ev = waiter.NewEventEntry(waiter.EventOut)
			p.queue.Register(e)
			p.mu.Unlock()
			continue
		}
		p.mu.Unlock()
		if err := ctx.Block(ev, 0); err != nil {
			if done > 0 {
				return done, nil
			}
			return 0, err
		}
	}
}

// readiness returns the poll events of an end: POLLIN while a slot holds
// data, POLLOUT while a slot is free. A read end reports POLLHUP when no
// writer is attached, unless the last writer it knows of (wseen, the
// write-open count it saw) is still the last one: a FIFO reader opened
// with O_NONBLOCK before any writer is not hung up.
func (p *Pipe) readiness(mask uint32, read, write bool, wseen uint64) uint32 {
	p.mu.Lock()
	defer p.mu.Unlock()
	var r uint32
	if read {
		if p.used > 0 {
			r |= waiter.EventIn | abi.POLLRDNORM
		}
		if p.writers == 0 && p.wcount != wseen {
			r |= waiter.EventHup
		}
	}
	if write {
		if !p.fullLocked() {
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

// Capacity returns the buffer size (F_GETPIPE_SZ): its slots times the
// page size.
func (p *Pipe) Capacity() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.slotsLocked() * mm.PageSize
}

// SetCapacity implements F_SETPIPE_SZ: the size is rounded up to a power
// of two number of pages (EINVAL above 2 GiB); growing beyond MaxSize
// needs CAP_SYS_RESOURCE (EPERM); EBUSY if fewer slots than the pipe
// holds data in. It returns the new size.
func (p *Pipe) SetCapacity(n int64, privileged bool) (int, error) {
	if n <= 0 || n > 1<<31 {
		return 0, abi.EINVAL
	}
	size := mm.PageSize
	for int64(size) < n {
		size <<= 1
	}
	slots := size / mm.PageSize
	p.mu.Lock()
	if slots > p.slotsLocked() && size > MaxSize && !privileged {
		p.mu.Unlock()
		return 0, abi.EPERM
	}
	if slots < p.used {
		p.mu.Unlock()
		return 0, abi.EBUSY
	}
	p.resizeLocked(slots)
	p.mu.Unlock()
	// Writers are woken by any resize, as on Linux.
	p.queue.Notify(waiter.EventOut)
	return size, nil
}

// EventRegister and EventUnregister implement vfs.Waitable for both ends.
func (p *Pipe) EventRegister(e *waiter.Entry)   { p.queue.Register(e) }
func (p *Pipe) EventUnregister(e *waiter.Entry) { p.queue.Unregister(e) }
