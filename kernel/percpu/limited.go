package percpu

import "sync"

// Batch is how many units a shard takes from a Limited's total at a time.
const Batch = 32

// Limited counts units in use (a filesystem's inodes, pages) against a
// limit. Each shard keeps spare units that were counted in the total but
// are not in use, so most Take and Put calls touch only the caller's own
// shard; the total changes Batch units at a time. Near the limit, Take
// gathers the spares of all shards before it gives up, so it fails only
// when the units in use really reach the limit (or other CPUs take the
// last ones at the same moment).
//
// Invariants: in use = total - the sum of the spares; total <= the limit
// whenever Take raised it. The zero value is a counter at 0.
//
// Units move between the shards and the total (Drain, Put giving a batch
// back) only under mu, and the exact count near the limit is made under
// it too: otherwise a unit on its way (out of a shard, not yet off the
// total) would make the total look full to a Take that then fails with
// units to spare.
type Limited struct {
	_      [cacheLine]byte
	shards [Slots]shard // spare units of each CPU
	total  shard        // units counted against the limit
	mu     sync.Mutex
}

// Take takes one unit if fewer than limit are in use (limit 0 means no
// limit) and reports whether it did.
func (l *Limited) Take(limit int64) bool {
	s := &l.shards[Slot()]
	// A shard never goes below zero, even for a moment: Drain would move
	// the -1 to the total while the unit came back to the shard after
	// it, leaving a spare that a Take near the limit does not see.
	for n := s.n.Load(); n > 0; n = s.n.Load() {
		if s.n.CompareAndSwap(n, n-1) {
			return true
		}
	}
	for {
		t := l.total.n.Load()
		if limit != 0 && t+Batch > limit {
			break
		}
		if l.total.n.CompareAndSwap(t, t+Batch) {
			s.n.Add(Batch - 1)
			return true
		}
	}
	// Near the limit: take back every spare, then count one unit exactly.
	l.mu.Lock()
	defer l.mu.Unlock()
	l.drainLocked()
	for {
		t := l.total.n.Load()
		if t+1 > limit {
			return false
		}
		if l.total.n.CompareAndSwap(t, t+1) {
			return true
		}
	}
}

// Put gives back one unit taken with Take.
func (l *Limited) Put() {
	s := &l.shards[Slot()]
	if n := s.n.Add(1); n > 2*Batch {
		l.mu.Lock()
		if s.n.CompareAndSwap(n, n-Batch) {
			l.total.n.Add(-Batch)
		}
		l.mu.Unlock()
	}
}

// Drain returns every shard's spare units to the limit, so that the total
// is what is in use (remount checks a new limit against it).
func (l *Limited) Drain() {
	l.mu.Lock()
	l.drainLocked()
	l.mu.Unlock()
}

// drainLocked is Drain. Preconditions: l.mu is held.
func (l *Limited) drainLocked() {
	for i := range l.shards {
		if x := l.shards[i].n.Swap(0); x != 0 {
			l.total.n.Add(-x)
		}
	}
}

// InUse returns the units in use. It is exact when no Take or Put runs
// concurrently.
func (l *Limited) InUse() int64 {
	n := l.total.n.Load()
	for i := range l.shards {
		n -= l.shards[i].n.Load()
	}
	return n
}
