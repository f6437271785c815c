// Package ktime is the kernel clock. Every kernel time comes from one host
// time source (hostops.Ops.Time) and every kernel timeout runs off one host
// one-shot timer (hostops.Ops.NewTimer), as a clock-event device does in
// Linux: the package keeps all pending kernel timers in a heap and arms the
// host timer for the earliest. A host with a virtual clock therefore drives
// nanosleep, poll timeouts, timerfd and every other timeout in the kernel.
//
// Lock order:
//
//	Clock.armMu
//	  Clock.mu
//	Clock.setMu (leaf; set hooks run with no lock held)
//
// armMu is held across the host's SetOneshot (documented as non-blocking in
// hostops) so that concurrent re-arms reach the host in order. Timer
// callbacks run with no lock held.
package ktime

import (
	"container/heap"
	"sync"
	"sync/atomic"

	"liblinux/hostops"
)

// Clock multiplexes kernel timers onto the host's one-shot timer.
type Clock struct {
	ops  hostops.Ops
	boot int64 // host time at boot; immutable

	// realOff is added to the monotonic clock to give CLOCK_REALTIME.
	realOff atomic.Int64

	armMu sync.Mutex
	host  hostops.Timer // immutable after New; nil after Close

	setMu    sync.Mutex
	setHooks map[uint64]func() // run when CLOCK_REALTIME is set; protected by setMu
	setNext  uint64            // protected by setMu

	mu      sync.Mutex
	timers  timerHeap // protected by mu
	armed   int64     // deadline the host timer is armed for, 0 = none; protected by mu
	closed  bool      // protected by mu
	firings uint64    // protected by mu
}

// New starts a clock on the host's time source and allocates its host
// timer. The monotonic clock starts at zero; the real-time clock starts at
// the host time, as Linux reads its persistent clock at boot.
func New(ops hostops.Ops) (*Clock, error) {
	c := &Clock{ops: ops, boot: ops.Time()}
	t, err := ops.NewTimer(c.Fire)
	if err != nil {
		return nil, err
	}
	c.host = t
	c.realOff.Store(c.boot)
	return c, nil
}

// Now is CLOCK_MONOTONIC in nanoseconds: time since boot. The host's
// clock must not go backwards (hostops.Ops.Time); reading it takes no
// kernel lock and writes no shared memory, so every thread reads the
// clock in parallel.
func (c *Clock) Now() int64 { return c.ops.Time() - c.boot }

// Realtime is CLOCK_REALTIME in nanoseconds since the epoch.
func (c *Clock) Realtime() int64 { return c.Now() + c.realOff.Load() }

// SetRealtime sets CLOCK_REALTIME (clock_settime, settimeofday) and, if
// that changed it, runs the hooks registered with OnSet.
func (c *Clock) SetRealtime(ns int64) {
	off := ns - c.Now()
	if c.realOff.Swap(off) != off {
		c.runSetHooks()
	}
}

// Timer is a pending kernel timer.
type Timer struct {
	when  int64 // monotonic deadline; protected by Clock.mu
	fn    func()
	index int // position in the heap, -1 when not queued; protected by Clock.mu
}

// AfterFunc calls fn (with no lock held, on a host timer thread) once
// CLOCK_MONOTONIC reaches deadline.
func (c *Clock) AfterFunc(deadline int64, fn func()) *Timer {
	t := &Timer{when: deadline, fn: fn, index: -1}
	c.armMu.Lock()
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		c.armMu.Unlock()
		return t
	}
	heap.Push(&c.timers, t)
	c.rearmLocked()
	c.armMu.Unlock()
	return t
}

// Stop cancels t. It reports whether t was still pending.
func (c *Clock) Stop(t *Timer) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.index < 0 {
		return false
	}
	heap.Remove(&c.timers, t.index)
	return true
}

// rearmLocked arms the host timer for the earliest deadline if that is
// sooner than what it is armed for, then drops mu.
//
// Preconditions: armMu and mu are held. Postconditions: mu is released,
// armMu is still held.
func (c *Clock) rearmLocked() {
	if len(c.timers) == 0 {
		c.mu.Unlock()
		return
	}
	next := c.timers[0].when
	if c.armed != 0 && c.armed <= next {
		c.mu.Unlock()
		return
	}
	c.armed = next
	c.mu.Unlock()
	delta := next - c.Now()
	if delta < 0 {
		delta = 0
	}
	c.host.SetOneshot(delta)
}

// Fire runs every expired timer and re-arms the host timer for the next.
// The host timer calls it; calling it early is harmless.
func (c *Clock) Fire() {
	c.armMu.Lock()
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		c.armMu.Unlock()
		return
	}
	c.firings++
	c.armed = 0
	now := c.Now()
	var due []*Timer
	for len(c.timers) > 0 && c.timers[0].when <= now {
		due = append(due, heap.Pop(&c.timers).(*Timer))
	}
	c.rearmLocked()
	c.armMu.Unlock()
	for _, t := range due {
		t.fn()
	}
}

// Pending returns the number of queued timers. It waits for an arming of
// the host timer in progress, so that a timer it counts is one the host
// will fire on time (tests advance a virtual host clock once they see it).
func (c *Clock) Pending() int {
	c.armMu.Lock()
	defer c.armMu.Unlock()
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.timers)
}

// Close frees the host timer. Pending timers never fire.
func (c *Clock) Close() {
	c.armMu.Lock()
	c.mu.Lock()
	c.closed = true
	c.timers = nil
	c.mu.Unlock()
	h := c.host
	c.host = nil
	c.armMu.Unlock()
	if h != nil {
		h.Free()
	}
}

type timerHeap []*Timer

func (h timerHeap) Len() int           { return len(h) }
func (h timerHeap) Less(i, j int) bool { return h[i].when < h[j].when }
func (h timerHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index = i
	h[j].index = j
}
func (h *timerHeap) Push(x any) {
	t := x.(*Timer)
	t.index = len(*h)
	*h = append(*h, t)
}
func (h *timerHeap) Pop() any {
	old := *h
	t := old[len(old)-1]
	old[len(old)-1] = nil
	t.index = -1
	*h = old[:len(old)-1]
	return t
}
