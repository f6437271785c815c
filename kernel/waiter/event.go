package waiter

import "sync/atomic"

// Event states.
const (
	idle     = 0
	fired    = 1
	sleeping = 2 // a thread waits in FUTEX_WAIT
)

// Event is what one blocked system call waits for: a wakeup that objects
// (through an Entry), timers and the kernel's halt fire.
//
// A blocking call here runs on its caller's host thread, inside a cgo
// callback, so its goroutine is locked to that thread: parked in the Go
// scheduler, it could only be woken by handing a P to its thread, which
// costs several context switches (a pipe ping-pong spent most of its
// time there). Wait sleeps in the host kernel instead (FUTEX_WAIT on
// the state word) and Fire wakes it with FUTEX_WAKE: one wakeup, as a
// Linux task's.
//
// The 1-buffered channel carries each firing too: it is what Wait
// consumes (so the race detector sees Fire happen before the wakeup)
// and what contexts without a host thread of their own select on.
type Event struct {
	ch    chan struct{}
	state atomic.Uint32
}

// NewEvent returns an event that has not fired.
func NewEvent() *Event { return &Event{ch: make(chan struct{}, 1)} }

// NewEventEntry returns an entry that fires a new event when one of the
// events in mask happens.
func NewEventEntry(mask uint32) (*Entry, *Event) {
	ev := NewEvent()
	return NewEntry(mask, func(uint32) { ev.Fire() }), ev
}

// Fire wakes the waiter, or the next Wait. It never blocks.
func (e *Event) Fire() {
	select {
	case e.ch <- struct{}{}:
	default:
	}
	if e.state.Swap(fired) == sleeping {
		futexWake(&e.state)
	}
}

// Wait blocks the calling host thread until the event fires, and
// consumes the firing. The state word alone says whether the event has
// fired (Fire sends the token before it sets the word, so the token is
// there to take when the word says fired). It may return once without a
// new firing after a firing was taken through C: callers check their
// condition again.
func (e *Event) Wait() {
	for {
		switch e.state.Load() {
		case fired:
			if e.state.CompareAndSwap(fired, idle) {
				select {
				case <-e.ch:
				default:
				}
				return
			}
		case idle:
			if e.state.CompareAndSwap(idle, sleeping) {
				futexWait(&e.state, sleeping)
			}
		case sleeping:
			// Returns at once if the word is no longer sleeping;
			// EINTR and spurious wakeups just go round again.
			futexWait(&e.state, sleeping)
		}
	}
}

// TryWait consumes a firing if the event has fired, without blocking,
// and reports whether it had.
func (e *Event) TryWait() bool {
	if !e.state.CompareAndSwap(fired, idle) {
		return false
	}
	select {
	case <-e.ch:
	default:
	}
	return true
}

// C returns the channel that receives each firing, for waiting in a
// select (contexts without a host thread of their own, tests).
func (e *Event) C() <-chan struct{} { return e.ch }
