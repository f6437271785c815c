// Package percpu has counters that many CPUs change at once without
// sharing a cache line, as Linux's percpu_counter: each change goes to the
// shard of the CPU it runs on (a Go P), and only readers of the total
// visit every shard.
//
// Slot finds the running CPU's shard with a sync.Pool, whose Get and Put
// stay on the calling P: the pool holds one token per P, each carrying a
// shard number, so calls from one P keep using one shard while no
// garbage collection drops the tokens (after one, a P takes a new token
// and shard). Which shard a change lands in never matters for
// correctness, only for speed.
//
// Lock order: the package has no locks; everything is atomic.
package percpu

import (
	"sync"
	"sync/atomic"
)

// Slots is the number of shards of every counter (a power of two). With
// more CPUs than shards, some share one, which is still correct.
const Slots = 8

// cacheLine is the size of a cache line.
const cacheLine = 64

// Stride is the distance between two CPUs' shards: two lines, so that
// whatever the alignment of the array (Go aligns objects only to 8
// bytes), the hot words of two shards never fall in one line, nor in
// the pair of lines that x86 processors fetch together.
const Stride = 2 * cacheLine

type token struct{ slot int }

var (
	nextSlot atomic.Uint32
	tokens   = sync.Pool{New: func() any { return &token{slot: int(nextSlot.Add(1) & (Slots - 1))} }}
)

// Slot returns the shard of the CPU the caller runs on, in [0, Slots).
func Slot() int {
	t := tokens.Get().(*token)
	s := t.slot
	tokens.Put(t)
	return s
}

// shard is one CPU's part of a counter, alone in its cache line.
type shard struct {
	n atomic.Int64
	_ [Stride - 8]byte
}

// Counter is a count that many CPUs change and few read (a mount's open
// files). Only the sum means anything: a shard may go negative. The zero
// value is a counter at 0.
type Counter struct {
	_      [cacheLine]byte // off the line of the fields before it
	shards [Slots]shard
}

// Add adds d.
func (c *Counter) Add(d int64) { c.shards[Slot()].n.Add(d) }

// AddAt adds d in shard slot, from Slot: a caller changing several
// counters at once finds its shard once.
func (c *Counter) AddAt(slot int, d int64) { c.shards[slot&(Slots-1)].n.Add(d) }

// Sum returns the total. It is exact when no Add runs concurrently.
func (c *Counter) Sum() int64 {
	var n int64
	for i := range c.shards {
		n += c.shards[i].n.Load()
	}
	return n
}
