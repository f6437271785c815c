// Package waiter is how kernel objects tell waiters that they became
// readable, writable or hung up: a Queue of Entries, each with a mask of
// the events it cares about and a callback. Blocking system calls wait
// for an Event (NewEventEntry: the host thread sleeps in the host
// kernel); epoll uses callbacks.
//
// Lock order:
//
//	object locks (pipe, socket, ...)
//	  Queue.mu (leaf: callbacks must not take object locks)
package waiter

import "sync"

// Event masks, the same bits as poll(2)'s.
const (
	EventIn    uint32 = 0x1
	EventPri   uint32 = 0x2
	EventOut   uint32 = 0x4
	EventErr   uint32 = 0x8
	EventHup   uint32 = 0x10
	EventRdHup uint32 = 0x2000
)

// Entry is a registration on a Queue.
type Entry struct {
	mask   uint32
	notify func(mask uint32)
	q      *Queue
	next   *Entry
	prev   *Entry
}

// NewEntry returns an entry that calls notify with the events that
// happened, for events in mask (EventErr and EventHup always).
func NewEntry(mask uint32, notify func(mask uint32)) *Entry {
	return &Entry{mask: mask | EventErr | EventHup, notify: notify}
}

// Queue is a list of waiters on one object.
type Queue struct {
	mu   sync.Mutex
	head *Entry // protected by mu
}

// Register adds e to q.
func (q *Queue) Register(e *Entry) {
	q.mu.Lock()
	e.q = q
	e.next = q.head
	e.prev = nil
	if q.head != nil {
		q.head.prev = e
	}
	q.head = e
	q.mu.Unlock()
}

// Unregister removes e from q; it is harmless if e is not registered.
func (q *Queue) Unregister(e *Entry) {
	q.mu.Lock()
	if e.q == q {
		if e.prev != nil {
			e.prev.next = e.next
		} else {
			q.head = e.next
		}
		if e.next != nil {
			e.next.prev = e.prev
		}
		e.q, e.next, e.prev = nil, nil, nil
	}
	q.mu.Unlock()
}

// Notify calls every entry interested in the events in mask.
func (q *Queue) Notify(mask uint32) {
	q.mu.Lock()
	for e := q.head; e != nil; e = e.next {
		if m := e.mask & mask; m != 0 {
			e.notify(m)
		}
	}
	q.mu.Unlock()
}

// Empty reports whether nobody waits.
func (q *Queue) Empty() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.head == nil
}
