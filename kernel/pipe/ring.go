package pipe

import (
	"sync/atomic"

	"liblinux/kernel/mm"
)

// A pipe holds its data in a ring of slots, as Linux's pipe_buffer array:
// each slot is a run of bytes within one page. The capacity counts slots,
// not bytes: a pipe is full when every slot is taken, however little each
// holds. A write first appends to the last slot when that slot allows it
// (slotMerge) and the bytes that do not fill a whole page fit there; the
// rest goes to fresh slots of up to a page each.

// Slot flags.
const (
	// slotMerge lets a later write append to the slot (a plain write's
	// slot; Linux's PIPE_BUF_FLAG_CAN_MERGE).
	slotMerge uint8 = 1 << iota
	// slotPacket makes the slot one packet (a write in O_DIRECT mode): a
	// read ends after it and drops what it did not take.
	slotPacket
)

// page is a page of pipe data. tee(2) and a partial pipe-to-pipe
// splice(2) make slots of two pipes share a page; when the last slot
// drops it, it becomes a spare of the pipe that dropped it or goes back
// to its allocator. The bytes a slot covers never change once written
// (a merge appends past them), so sharing needs no lock beyond the count.
type page struct {
	b    []byte
	mem  *mm.Allocator
	refs atomic.Int32
}

// newPage takes a page from mem with one reference.
func newPage(mem *mm.Allocator) (*page, error) {
	b, err := mem.AllocPage()
	if err != nil {
		return nil, err
	}
	pg := &page{b: b, mem: mem}
	pg.refs.Store(1)
	return pg, nil
}

// get adds a reference.
func (pg *page) get() { pg.refs.Add(1) }

// free gives the page back to its allocator. Preconditions: no reference.
func (pg *page) free() {
	pg.mem.FreePage(pg.b)
	pg.b = nil
}

// maxSpares is how many free pages a pipe keeps for its next slots.
const maxSpares = DefaultSize / mm.PageSize

// newPageLocked returns a page with one reference for a new slot: one of
// the pipe's spare pages if it has one (its old bytes are never read: a
// slot covers only what was written to it), else a fresh one.
//
// Preconditions: mu is held.
func (p *Pipe) newPageLocked() (*page, error) {
	if n := len(p.spares); n > 0 {
		pg := p.spares[n-1]
		p.spares[n-1] = nil
		p.spares = p.spares[:n-1]
		pg.refs.Store(1)
		return pg, nil
	}
	return newPage(p.mem)
}

// putPageLocked drops a reference to pg. With the last one the page
// becomes a spare, while the pipe keeps fewer than it has slots (and
// maxSpares), so that a pipe written and read in turn does not go to the
// allocator for every page; else it is freed.
//
// Preconditions: mu is held.
func (p *Pipe) putPageLocked(pg *page) {
	if pg.refs.Add(-1) != 0 {
		return
	}
	if len(p.spares) < min(maxSpares, len(p.ring)) {
		p.spares = append(p.spares, pg)
		return
	}
	pg.free()
}

// trimSparesLocked frees the spare pages beyond n.
// Preconditions: mu is held.
func (p *Pipe) trimSparesLocked(n int) {
	for len(p.spares) > n {
		last := len(p.spares) - 1
		p.spares[last].free()
		p.spares[last] = nil
		p.spares = p.spares[:last]
	}
}

// slot is one entry of the ring: len bytes at off in pg.
type slot struct {
	pg    *page
	off   int
	len   int
	flags uint8
}

// data returns the bytes the slot holds.
func (s *slot) data() []byte { return s.pg.b[s.off : s.off+s.len] }

// slotsLocked is the number of slots, the capacity in pages.
// Preconditions: mu is held.
func (p *Pipe) slotsLocked() int { return len(p.ring) }

// fullLocked reports whether every slot is taken. Preconditions: mu is held.
func (p *Pipe) fullLocked() bool { return p.used == len(p.ring) }

// slotLocked returns the i-th occupied slot, 0 being the oldest.
// Preconditions: mu is held; i < used.
func (p *Pipe) slotLocked(i int) *slot {
	return &p.ring[(p.first+i)%len(p.ring)]
}

// lastLocked returns the newest slot, or nil if the pipe is empty.
// Preconditions: mu is held.
func (p *Pipe) lastLocked() *slot {
	if p.used == 0 {
		return nil
	}
	return p.slotLocked(p.used - 1)
}

// pushLocked appends s as the newest slot, taking over its page
// reference. Preconditions: mu is held; the pipe is not full.
func (p *Pipe) pushLocked(s slot) {
	p.ring[(p.first+p.used)%len(p.ring)] = s
	p.used++
	p.size += s.len
}

// shiftLocked removes the oldest slot and returns it with its page
// reference. Preconditions: mu is held; used > 0.
func (p *Pipe) shiftLocked() slot {
	s := p.ring[p.first]
	p.ring[p.first] = slot{}
	p.size -= s.len
	p.first = (p.first + 1) % len(p.ring)
	p.used--
	if p.used == 0 {
		p.first = 0
	}
	return s
}

// popLocked frees the oldest slot, whatever it still holds.
// Preconditions: mu is held; used > 0.
func (p *Pipe) popLocked() {
	s := p.shiftLocked()
	p.putPageLocked(s.pg)
}

// consumeLocked drops n bytes from the oldest slots, freeing the slots
// it empties. Preconditions: mu is held; n <= size.
func (p *Pipe) consumeLocked(n int) {
	for n > 0 {
		s := p.slotLocked(0)
		c := min(n, s.len)
		s.off += c
		s.len -= c
		p.size -= c
		n -= c
		if s.len == 0 {
			p.popLocked()
		}
	}
}

// releaseLocked frees every slot and the spare pages.
// Preconditions: mu is held.
func (p *Pipe) releaseLocked() {
	for p.used > 0 {
		p.popLocked()
	}
	p.trimSparesLocked(0)
}

// resizeLocked re-lays the occupied slots into a ring of n slots.
// Preconditions: mu is held; n >= used.
func (p *Pipe) resizeLocked(n int) {
	ring := make([]slot, n)
	for i := 0; i < p.used; i++ {
		ring[i] = *p.slotLocked(i)
	}
	p.ring, p.first = ring, 0
	p.trimSparesLocked(min(maxSpares, n))
}
