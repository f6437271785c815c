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

// segsLocked returns the first n bytes the pipe holds as user-memory
// segments over its slots' pages.
//
// Preconditions: p.mu is held; n <= p.size.
func (p *Pipe) segsLocked(n int) []usermem.Seg {
	var segs []usermem.Seg
	for i := 0; n > 0; i++ {
		s := p.slotLocked(i)
		c := min(s.len, n)
		segs = append(segs, usermem.Seg{Addr: usermem.AddrOf(s.data()[:c]), Len: c})
		n -= c
	}
	return segs
}

// waitEvent releases p.mu and blocks on ev, the event of a waiter that
// was registered on p's queue before the caller checked its condition.
//
// Preconditions: p.mu is held. Postconditions: p.mu is not held.
func (p *Pipe) waitEvent(ctx vfs.Context, ev *waiter.Event) error {
	p.mu.Unlock()
	return ctx.Block(ev, 0)
}

// A Shape lays spliced data out in pipe slots, as Linux's splice does:
// given how many bytes the slots before it took, it returns where in its
// page the next slot's data starts and how many bytes that slot takes at
// most.
type Shape func(done int) (off, n int)

// WholePages gives each slot a page from its start: data copied out of a
// file that has no page cache (Linux's copy_splice_read).
func WholePages(int) (int, int) { return 0, mm.PageSize }

// FilePages gives each slot what is left of one page of a file read from
// pos (>= 0) on: the pages of Linux's page cache (filemap_splice_read).
func FilePages(pos int64) Shape {
	return func(done int) (int, int) {
		o := int((pos + int64(done)) % mm.PageSize)
		return o, mm.PageSize - o
	}
}

// UserPages gives each slot what is left of one page of the caller's
// memory in segs, one segment at a time: the pages vmsplice(2) puts in
// the pipe (Linux's iter_to_pipe).
func UserPages(segs []usermem.Seg) Shape {
	i, base := 0, 0 // segment i starts at byte base of the data
	return func(done int) (int, int) {
		if done < base {
			i, base = 0, 0
		}
		for i < len(segs) && done >= base+segs[i].Len {
			base += segs[i].Len
			i++
		}
		if i == len(segs) {
			return 0, mm.PageSize
		}
		o := int((uintptr(segs[i].Addr) + uintptr(done-base)) % mm.PageSize)
		return o, min(mm.PageSize-o, base+segs[i].Len-done)
	}
}

// SpliceIn fills the pipe from a file or the caller's memory (splice(2),
// sendfile(2) and vmsplice(2) into a pipe). It waits until a slot is free
// (EAGAIN if nonblock, EPIPE once the pipe has no readers), then calls
// read once with an IO over fresh pages for up to max bytes, laid out by
// shape in as many slots as are free, and keeps what read put there: a
// slot per page, which later writes do not join.
func (p *Pipe) SpliceIn(ctx vfs.Context, max int, shape Shape, nonblock bool, read func(dst *usermem.IO) (int, error)) (int, error) {
	e, ch := waiter.NewEventEntry(waiter.EventOut)
	p.queue.Register(e)
	defer p.queue.Unregister(e)
	for {
		p.mu.Lock()
		if p.readers == 0 {
			p.mu.Unlock()
			return 0, abi.EPIPE
		}
		if !p.fullLocked() {
			n, err := p.spliceInLocked(max, shape, read)
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

// spliceInLocked does the work of SpliceIn once a slot is free: ENOMEM
// if no page can be had; with fewer pages than wanted it reads less.
//
// Preconditions: p.mu is held; the pipe is not full.
func (p *Pipe) spliceInLocked(max int, shape Shape, read func(dst *usermem.IO) (int, error)) (int, error) {
	free := p.slotsLocked() - p.used
	var fresh []slot // what each new slot can take
	var segs []usermem.Seg
	for got := 0; got < max && len(fresh) < free; {
		o, n := shape(got)
		n = min(n, max-got)
		pg, err := p.newPageLocked()
		if err != nil {
			if len(fresh) == 0 {
				return 0, err
			}
			break
		}
		fresh = append(fresh, slot{pg: pg, off: o, len: n})
		segs = append(segs, usermem.Seg{Addr: usermem.AddrOf(pg.b[o:]), Len: n})
		got += n
	}
	io, err := usermem.NewIOVec(segs)
	if err != nil {
		for _, s := range fresh {
			p.putPageLocked(s.pg)
		}
		return 0, err
	}
	n, err := read(io)
	left := n
	for _, s := range fresh {
		if left == 0 {
			p.putPageLocked(s.pg)
			continue
		}
		s.len = min(left, s.len)
		p.pushLocked(s)
		left -= s.len
	}
	return n, err
}

// SpliceOut drains the pipe into a file (splice(2) from a pipe). It waits
// until the pipe has data (0 at end of file: empty with no writers;
// EAGAIN if nonblock), then calls write once with an IO over up to max
// buffered bytes and consumes what write took.
func (p *Pipe) SpliceOut(ctx vfs.Context, max int, nonblock bool, write func(src *usermem.IO) (int, error)) (int, error) {
	e, ch := waiter.NewEventEntry(waiter.EventIn)
	p.queue.Register(e)
	defer p.queue.Unregister(e)
	for {
		p.mu.Lock()
		if p.used > 0 {
			io, err := usermem.NewIOVec(p.segsLocked(min(max, p.size)))
			if err != nil {
				p.mu.Unlock()
				return 0, err
			}
			n, err := write(io)
			used := p.used
			p.consumeLocked(n)
			freed := p.used < used
			p.mu.Unlock()
			if freed {
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
	ein, chIn := waiter.NewEventEntry(waiter.EventIn)
	in.queue.Register(ein)
	defer in.queue.Unregister(ein)
	eout, chOut := waiter.NewEventEntry(waiter.EventOut)
	out.queue.Register(eout)
	defer out.queue.Unregister(eout)
	for {
		twoPipesMu.Lock()
		in.mu.Lock()
		out.mu.Lock()
		var wait *waiter.Event
		switch {
		case in.used == 0 && in.writers > 0:
			wait = chIn
		case out.fullLocked() && out.readers > 0:
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

// moveLocked moves up to max bytes of in's oldest slots to out, while out
// has free slots: a slot that fits whole moves as it is; of one that does
// not, out gets a slot over the same page for the bytes that fit, which
// later writes do not join. With keep (tee) every slot given to out shares
// in's page and takes no merges, and in is left as it was. Packets stay
// packets.
//
// Preconditions: in.mu and out.mu are held.
func moveLocked(in, out *Pipe, max int, keep bool) (int, error) {
	if out.readers == 0 {
		return 0, abi.EPIPE
	}
	n := 0
	for i := 0; i < in.used && n < max && !out.fullLocked(); {
		s := in.slotLocked(i)
		if keep || s.len > max-n {
			c := min(s.len, max-n)
			s.pg.get()
			out.pushLocked(slot{pg: s.pg, off: s.off, len: c, flags: s.flags &^ slotMerge})
			n += c
			if keep {
				i++
			} else {
				s.off += c
				s.len -= c
				in.size -= c
			}
			continue
		}
		n += s.len
		out.pushLocked(in.shiftLocked())
	}
	return n, nil
}
