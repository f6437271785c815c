// Package eventfd implements eventfd(2): a 64-bit counter that write(2)
// adds to and read(2) takes (all of it, or 1 in semaphore mode), blocking
// while a read would find 0 or a write would overflow, and pollable with
// poll, select and epoll.
//
// Lock order:
//
//	EventFD.mu
//	waiter.Queue.mu (notifications are sent after EventFD.mu is released)
package eventfd

import (
	"encoding/binary"
	"math"
	"sync"

	"liblinux/abi"
	"liblinux/kernel/usermem"
	"liblinux/kernel/vfs"
	"liblinux/kernel/waiter"
)

// EventFD is the FileOps of an eventfd file.
type EventFD struct {
	vfs.AnonInode
	semaphore bool // immutable

	mu    sync.Mutex
	count uint64 // protected by mu

	queue waiter.Queue
}

var (
	_ vfs.FileOps  = (*EventFD)(nil)
	_ vfs.Waitable = (*EventFD)(nil)
	_ vfs.Streamer = (*EventFD)(nil)
	_ vfs.Attacher = (*EventFD)(nil)
)

// New returns an eventfd with counter initval; semaphore selects
// EFD_SEMAPHORE reads.
func New(initval uint64, semaphore bool) *EventFD {
	return &EventFD{count: initval, semaphore: semaphore}
}

// AnonName is the name /proc/<pid>/fd shows: anon_inode:[eventfd].
func (e *EventFD) AnonName() string { return "[eventfd]" }

// Count returns the counter (/proc/<pid>/fdinfo's eventfd-count).
func (e *EventFD) Count() uint64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.count
}

// Semaphore reports EFD_SEMAPHORE.
func (e *EventFD) Semaphore() bool { return e.semaphore }

// Read implements vfs.FileOps: it takes the counter (or 1 in semaphore
// mode) into an 8-byte value, waiting while it is 0.
//
//   - EINVAL: the buffer is shorter than 8 bytes.
//   - EAGAIN: the counter is 0 and the file is non-blocking.
//   - EFAULT: the buffer is bad (the value is consumed anyway, as Linux).
//   - EINTR: the wait was interrupted.
func (e *EventFD) Read(ctx vfs.Context, dst *usermem.IO, off int64) (int, error) {
	if dst.Len() < 8 {
		return 0, abi.EINVAL
	}
	var entry *waiter.Entry
	var ch *waiter.Event
	defer func() {
		if entry != nil {
			e.queue.Unregister(entry)
		}
	}()
	for {
		e.mu.Lock()
		if e.count > 0 {
			v := e.count
			if e.semaphore {
				v = 1
			}
			e.count -= v
			e.mu.Unlock()
			e.queue.Notify(waiter.EventOut)
			var b [8]byte
			binary.NativeEndian.PutUint64(b[:], v)
			if _, err := dst.CopyOut(0, b[:]); err != nil {
				return 0, err
			}
			return 8, nil
		}
		e.mu.Unlock()
		if e.NonBlock() {
			return 0, abi.EAGAIN
		}
		if entry == nil {
			// Register, then look again: a write in between is seen.
			entry, ch = waiter.NewEventEntry(waiter.EventIn)
			e.queue.Register(entry)
			continue
		}
		if err := ctx.Block(ch, 0); err != nil {
			return 0, err
		}
	}
}

// Write implements vfs.FileOps: it adds an 8-byte value to the counter,
// waiting while the sum would exceed 2^64-2.
//
//   - EINVAL: the buffer is shorter than 8 bytes, or the value is 2^64-1.
//   - EFAULT: the buffer is bad.
//   - EAGAIN: the add would overflow and the file is non-blocking.
//   - EINTR: the wait was interrupted.
func (e *EventFD) Write(ctx vfs.Context, src *usermem.IO, off int64) (int, error) {
	if src.Len() < 8 {
		return 0, abi.EINVAL
	}
	var b [8]byte
	if _, err := src.CopyIn(0, b[:]); err != nil {
		return 0, err
	}
	v := binary.NativeEndian.Uint64(b[:])
	if v == math.MaxUint64 {
		return 0, abi.EINVAL
	}
	var entry *waiter.Entry
	var ch *waiter.Event
	defer func() {
		if entry != nil {
			e.queue.Unregister(entry)
		}
	}()
	for {
		e.mu.Lock()
		if math.MaxUint64-e.count > v {
			e.count += v
			e.mu.Unlock()
			e.queue.Notify(waiter.EventIn)
			return 8, nil
		}
		e.mu.Unlock()
		if e.NonBlock() {
			return 0, abi.EAGAIN
		}
		if entry == nil {
			entry, ch = waiter.NewEventEntry(waiter.EventOut)
			e.queue.Register(entry)
			continue
		}
		if err := ctx.Block(ch, 0); err != nil {
			return 0, err
		}
	}
}

// Release implements vfs.FileOps.
func (e *EventFD) Release() {}

// Readiness implements vfs.Waitable as Linux's eventfd_poll(): POLLIN
// while the counter is not 0, POLLOUT while 1 can be added without
// reaching 2^64-1, POLLERR at 2^64-1 (unreachable through write(2)). No
// POLLRDNORM or POLLWRNORM, as in Linux.
func (e *EventFD) Readiness(mask uint32) uint32 {
	e.mu.Lock()
	c := e.count
	e.mu.Unlock()
	var r uint32
	if c > 0 {
		r |= waiter.EventIn
	}
	if c == math.MaxUint64 {
		r |= waiter.EventErr
	}
	if math.MaxUint64-1 > c {
		r |= waiter.EventOut
	}
	return r & (mask | waiter.EventErr | waiter.EventHup)
}

// EventRegister implements vfs.Waitable.
func (e *EventFD) EventRegister(w *waiter.Entry) { e.queue.Register(w) }

// EventUnregister implements vfs.Waitable.
func (e *EventFD) EventUnregister(w *waiter.Entry) { e.queue.Unregister(w) }
