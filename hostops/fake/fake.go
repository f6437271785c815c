// Package fake is a pure-Go host for tests: console into a buffer, memory
// from the Go heap with a byte budget, and either the real clock or a
// virtual one that only moves when the test says so.
//
// Lock order:
//
//	Host.mu (leaf; never held while a timer callback runs)
package fake

import (
	"bytes"
	"errors"
	"sync"
	"time"

	"liblinux/hostops"
)

// Host implements hostops.Ops in pure Go.
type Host struct {
	virtual bool
	start   time.Time

	mu       sync.Mutex
	now      int64 // virtual time; protected by mu
	console  bytes.Buffer
	panics   int
	timers   []*timer
	pages    int   // bytes handed out by PageAlloc; protected by mu
	MemLimit int   // if > 0, PageAlloc fails beyond it
	tidSeq   int64 // protected by mu
}

var _ hostops.Ops = (*Host)(nil)

// New returns a host on the real monotonic clock.
func New() *Host { return &Host{start: time.Now()} }

// NewVirtual returns a host whose clock starts at start nanoseconds and
// only moves on Advance.
func NewVirtual(start int64) *Host { return &Host{virtual: true, now: start} }

// Print appends to the console buffer.
func (h *Host) Print(msg []byte) {
	h.mu.Lock()
	h.console.Write(msg)
	h.mu.Unlock()
}

// Console returns everything printed so far.
func (h *Host) Console() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.console.String()
}

// Panic counts kernel panics.
func (h *Host) Panic() {
	h.mu.Lock()
	h.panics++
	h.mu.Unlock()
}

// Panics returns how often Panic was called.
func (h *Host) Panics() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.panics
}

// Time returns the host clock in nanoseconds.
func (h *Host) Time() int64 {
	if !h.virtual {
		return int64(time.Since(h.start)) + 1_700_000_000_000_000_000
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.now
}

// Advance moves a virtual clock forward by d nanoseconds and fires every
// timer that expires, in order, with no lock held.
func (h *Host) Advance(d int64) {
	h.mu.Lock()
	h.now += d
	now := h.now
	var due []*timer
	for _, t := range h.timers {
		if t.armed && t.when <= now {
			t.armed = false
			due = append(due, t)
		}
	}
	h.mu.Unlock()
	for _, t := range due {
		t.fire()
	}
}

// NextTimer returns the earliest armed virtual deadline, or -1.
func (h *Host) NextTimer() int64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	next := int64(-1)
	for _, t := range h.timers {
		if t.armed && (next < 0 || t.when < next) {
			next = t.when
		}
	}
	return next
}

type timer struct {
	h     *Host
	fire  func()
	when  int64       // virtual deadline; protected by h.mu
	armed bool        // protected by h.mu
	rt    *time.Timer // real-clock timer; protected by h.mu
	freed bool        // protected by h.mu
}

// NewTimer allocates a one-shot timer.
func (h *Host) NewTimer(fire func()) (hostops.Timer, error) {
	t := &timer{h: h, fire: fire}
	h.mu.Lock()
	h.timers = append(h.timers, t)
	h.mu.Unlock()
	return t, nil
}

func (t *timer) SetOneshot(delta int64) error {
	h := t.h
	h.mu.Lock()
	defer h.mu.Unlock()
	if t.freed {
		return errors.New("timer freed")
	}
	if h.virtual {
		t.when = h.now + delta
		t.armed = true
		return nil
	}
	if t.rt != nil {
		t.rt.Stop()
	}
	t.rt = time.AfterFunc(time.Duration(delta), func() {
		h.mu.Lock()
		freed := t.freed
		h.mu.Unlock()
		if !freed {
			t.fire()
		}
	})
	return nil
}

func (t *timer) Free() {
	h := t.h
	h.mu.Lock()
	t.freed = true
	t.armed = false
	if t.rt != nil {
		t.rt.Stop()
	}
	for i, x := range h.timers {
		if x == t {
			h.timers = append(h.timers[:i], h.timers[i+1:]...)
			break
		}
	}
	h.mu.Unlock()
}

// PageAlloc returns zeroed memory from the Go heap.
func (h *Host) PageAlloc(n int) []byte {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.MemLimit > 0 && h.pages+n > h.MemLimit {
		return nil
	}
	h.pages += n
	return make([]byte, n)
}

// PageFree releases memory from PageAlloc.
func (h *Host) PageFree(b []byte) {
	h.mu.Lock()
	h.pages -= len(b)
	h.mu.Unlock()
}

// PagesInUse returns the bytes currently allocated through PageAlloc.
func (h *Host) PagesInUse() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.pages
}

// Gettid returns a fresh id per call site; the fake has no threads.
func (h *Host) Gettid() int64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.tidSeq++
	return 1000 + h.tidSeq
}
