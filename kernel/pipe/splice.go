package pipe

import (
	"sync"

	"liblinux/abi"
	"liblinux/kernel/mm"
	"liblinux/kernel/usermem"
	"liblinux/kernel/vfs"
	"liblinux/kernel/waiter"
)

// The splice primitives move data between a pipe's pages and a file, or
// between two pipes, without a copy through the caller. Like Linux's
// splice, which holds pipe_lock across the file I/O, they hold Pipe.mu
// while the file is read or written, so what the file does not take stays
// in the pipe. The file I/O runs under Pipe.mu: it must not lock a pipe.
//
// Lock order, for the two-pipe calls:
//
//	twoPipesMu
//	  Pipe.mu (the source)
//	    Pipe.mu (the destination)

// twoPipesMu serialises the calls that hold two pipes' locks at once, so
// that two splices in opposite directions cannot deadlock.
var twoPipesMu sync.Mutex

// LockKey implements locks.Keyer: both ends of a pipe share its locks, as
// they share Linux's pipefs inode.
func (e *End) LockKey() any { return e.P }

// segsLocked returns the ring bytes [from, from+n) as user-memory
// segments over the pipe's pages, allocating missing pages when alloc is
// set (it may then return fewer bytes than asked, or ENOMEM for none).
//
// Preconditions: p.mu is held; from is a ring offset.
func (p *Pipe) segsLocked(from, n int, alloc bool) ([]usermem.Seg, error) {
	var segs []usermem.Seg
	for n > 0 {
		slot, off := from/mm.PageSize, from%mm.PageSize
		if p.pages[slot] == nil {
			if !alloc {
				break
			}
			pg, err := p.mem.AllocPage()
			if err != nil {
				if len(segs) == 0 {
					return nil, err
				}
				break
			}
			p.pages[slot] = pg
		}
		c := min(mm.PageSize-off, n)
		segs = append(segs, usermem.Seg{Addr: usermem.AddrOf(p.pages[slot][off : off+c]), Len: c})
		from = (from + c) % p.capacity
		n -= c
	}
	return segs, nil
}

// consumeLocked drops n bytes from the head. Preconditions: p.mu is held.
func (p *Pipe) consumeLocked(n int) {
	p.head = (p.head + n) % p.capacity
	p.size -= n
	if p.size == 0 {
		p.head = 0
	}
}

// waitEvent releases p.mu and blocks on ch, the channel of a waiter that
// was registered on p's queue before the caller checked its condition.
//
// Preconditions: p.mu is held. Postconditions: p.mu is not held.
func (p *Pipe) waitEvent(ctx vfs.Context, ch chan struct{}) error {
	p.mu.Unlock()
	return ctx.Block(ch, 0)
}

// SpliceIn fills the pipe from a file (splice(2) and sendfile(2) into a
// pipe). It waits until the pipe has room (EAGAIN if nonblock, EPIPE once
// it has no readers), then calls read once with an IO over up to max free
// bytes of the ring and keeps what read put there.
func (p *Pipe) SpliceIn(ctx vfs.Context, max int, nonblock bool, read func(dst *usermem.IO) (int, error)) (int, error) {
	e, ch := waiter.NewChannelEntry(waiter.EventOut)
	p.queue.Register(e)
	defer p.queue.Unregister(e)
	for {
		p.mu.Lock()
		if p.readers == 0 {
			p.mu.Unlock()
			return 0, abi.EPIPE
		}
		if free := p.capacity - p.size; free > 0 {
			segs, err := p.segsLocked((p.head+p.size)%p.capacity, min(max, free), true)
			if err != nil {
				p.mu.Unlock()
				return 0, err
			}
			io, err := usermem.NewIOVec(segs)
			if err != nil {
				p.mu.Unlock()
				return 0, err
			}
			n, err := read(io)
			p.size += n
			p.mu.Unlock()
			if n > 0 {
				p.queue.Notify(waiter.EventIn)
			}
			return n, err
		}
		if nonblock {
			p.mu.Unlock()
			return 0, abi.EAGAIN
		}
		if err := p.waitEvent(ctx, ch); err != nil {
			return 0, err
		}
	}
}

// SpliceOut drains the pipe into a file (splice(2) from a pipe). It waits
// until the pipe has data (0 at end of file: empty with no writers;
// EAGAIN if nonblock), then calls write once with an IO over up to max
// buffered bytes and consumes what write took.
func (p *Pipe) SpliceOut(ctx vfs.Context, max int, nonblock bool, write func(src *usermem.IO) (int, error)) (int, error) {
	e, ch := waiter.NewChannelEntry(waiter.EventIn)
	p.queue.Register(e)
	defer p.queue.Unregister(e)
	for {
		p.mu.Lock()
		if p.size > 0 {
			segs, _ := p.segsLocked(p.head, min(max, p.size), false)
			io, err := usermem.NewIOVec(segs)
			if err != nil {
				p.mu.Unlock()
				return 0, err
			}
			n, err := write(io)
			p.consumeLocked(n)
			p.mu.Unlock()
			if n > 0 {
				p.queue.Notify(waiter.EventOut)
			}
			return n, err
		}
		if p.writers == 0 {
			p.mu.Unlock()
			return 0, nil
		}
		if nonblock {
			p.mu.Unlock()
			return 0, abi.EAGAIN
		}
		if err := p.waitEvent(ctx, ch); err != nil {
			return 0, err
		}
	}
}

// SpliceTo moves up to max bytes from p to out (splice(2) between pipes),
// or with keep copies them and leaves p as it was (tee(2)). It waits for
// data in p (0 when p is empty and has no writers) and then for room in
// out, in that order, as Linux does; EPIPE once out has no readers,
// EAGAIN instead of waiting if nonblock. p and out must differ.
func (p *Pipe) SpliceTo(ctx vfs.Context, out *Pipe, max int, nonblock, keep bool) (int, error) {
	in := p
	ein, chIn := waiter.NewChannelEntry(waiter.EventIn)
	in.queue.Register(ein)
	defer in.queue.Unregister(ein)
	eout, chOut := waiter.NewChannelEntry(waiter.EventOut)
	out.queue.Register(eout)
	defer out.queue.Unregister(eout)
	for {
		twoPipesMu.Lock()
		in.mu.Lock()
		out.mu.Lock()
		var wait chan struct{}
		switch {
		case in.size == 0 && in.writers > 0:
			wait = chIn
		case out.size == out.capacity && out.readers > 0:
			wait = chOut
		}
		if wait != nil {
			out.mu.Unlock()
			in.mu.Unlock()
			twoPipesMu.Unlock()
			if nonblock {
				return 0, abi.EAGAIN
			}
			if err := ctx.Block(wait, 0); err != nil {
				return 0, err
			}
			continue
		}
		n, err := moveLocked(in, out, max, keep)
		out.mu.Unlock()
		in.mu.Unlock()
		twoPipesMu.Unlock()
		if n > 0 {
			out.queue.Notify(waiter.EventIn)
			if !keep {
				in.queue.Notify(waiter.EventOut)
			}
		}
		return n, err
	}
}

// moveLocked copies min(max, buffered, free) bytes from in to out and,
// unless keep, consumes them from in.
//
// Preconditions: in.mu and out.mu are held.
func moveLocked(in, out *Pipe, max int, keep bool) (int, error) {
	if out.readers == 0 {
		return 0, abi.EPIPE
	}
	n := min(max, in.size, out.capacity-out.size)
	if n == 0 {
		return 0, nil
	}
	segs, _ := in.segsLocked(in.head, n, false)
	src, err := usermem.NewIOVec(segs)
	if err != nil {
		return 0, err
	}
	c, err := out.writeLocked(src, 0)
	if !keep {
		in.consumeLocked(c)
	}
	if c > 0 {
		return c, nil
	}
	return 0, err
}
