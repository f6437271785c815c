package percpu

import (
	"runtime"
	"sync/atomic"
)

// Ref is a reference count that many CPUs take and drop, kept per CPU
// while nobody needs to see it reach zero, as Linux's percpu_ref: once
// SwitchToAtomic has run (when the owner's other references are gone),
// every change goes to one shared count, which reports the drop to zero.
// The zero value is a count at 0 in per-CPU mode.
//
// The switch waits out changes in progress: a per-CPU change marks its
// shard active before it checks the mode and unmarks it after, and the
// switch, having set the mode, waits for every shard to be inactive
// before it adds the shards up; changes that start later see the mode.
// While the switch runs, the shared count carries a bias, so that the
// changes already made there cannot take it through zero before the
// shards are added in.
type Ref struct {
	_      [cacheLine]byte
	shards [Slots]refShard
	atomic atomic.Bool  // SwitchToAtomic ran
	total  atomic.Int64 // the count in atomic mode
}

type refShard struct {
	n      atomic.Int64
	active atomic.Int32 // per-CPU changes in progress
	_      [Stride - 12]byte
}

// Get adds a reference.
func (r *Ref) Get() { r.add(Slot(), 1) }

// Put drops a reference. It reports whether that was the last one, which
// it can tell only in atomic mode (in per-CPU mode it reports false).
func (r *Ref) Put() bool { return r.add(Slot(), -1) }

// GetAt and PutAt are Get and Put in shard slot, from Slot.
func (r *Ref) GetAt(slot int)      { r.add(slot, 1) }
func (r *Ref) PutAt(slot int) bool { return r.add(slot, -1) }

func (r *Ref) add(slot int, d int64) bool {
	s := &r.shards[slot&(Slots-1)]
	s.active.Add(1)
	if !r.atomic.Load() {
		s.n.Add(d)
		s.active.Add(-1)
		return false
	}
	s.active.Add(-1)
	return r.total.Add(d) == 0
}

// TryGet adds a reference unless the count is zero, and reports whether
// it did. Only atomic mode knows a zero: in per-CPU mode it adds nothing
// and reports false. A switch in progress counts as not zero (the switch
// then finds the reference TryGet added).
func (r *Ref) TryGet() bool {
	if !r.atomic.Load() {
		return false
	}
	for {
		n := r.total.Load()
		if n <= 0 {
			return false
		}
		if r.total.CompareAndSwap(n, n+1) {
			return true
		}
	}
}

// SwitchToAtomic moves the count to atomic mode (if it is not there yet)
// and reports whether it is zero. Callers that may run it at the same
// time as a Put that reaches zero must make sure they act on the zero
// once (both may report it).
func (r *Ref) SwitchToAtomic() bool {
	r.total.Add(refBias)
	r.atomic.Store(true)
	var sum int64
	for i := range r.shards {
		s := &r.shards[i]
		for s.active.Load() != 0 {
			runtime.Gosched()
		}
		sum += s.n.Swap(0)
	}
	return r.total.Add(sum-refBias) == 0
}

// refBias is far from any real count.
const refBias = 1 << 62

// Atomic reports whether the count is in atomic mode.
func (r *Ref) Atomic() bool { return r.atomic.Load() }

// Count returns the count (exact in atomic mode, or with no change in
// progress).
func (r *Ref) Count() int64 {
	n := r.total.Load()
	for i := range r.shards {
		n += r.shards[i].n.Load()
	}
	return n
}
