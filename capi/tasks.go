package main

import (
	"sync"
	"sync/atomic"

	"liblinux/abi"
	"liblinux/kernel"
)

// taskTable maps the handles stored in host threads' TLS to tasks. A
// handle is a small positive integer; lookups take no lock (two atomic
// loads), so the syscall path stays short.
type taskTable struct {
	chunks [1024]atomic.Pointer[[1024]atomic.Pointer[kernel.Task]]

	mu   sync.Mutex
	k    *kernel.Kernel // protected by mu
	free []int64        // released handles; protected by mu
	next int64          // protected by mu
}

var tasks taskTable

const maxHandles = 1024 * 1024

func (tt *taskTable) slot(h int64) *atomic.Pointer[kernel.Task] {
	if h <= 0 || h >= maxHandles {
		return nil
	}
	c := tt.chunks[h>>10].Load()
	if c == nil {
		return nil
	}
	return &c[h&1023]
}

// get returns the task of handle h, or nil.
func (tt *taskTable) get(h int64) *kernel.Task {
	if s := tt.slot(h); s != nil {
		return s.Load()
	}
	return nil
}

// reset empties the table for a new kernel (nil after halt).
func (tt *taskTable) reset(k *kernel.Kernel) {
	tt.mu.Lock()
	defer tt.mu.Unlock()
	for i := range tt.chunks {
		tt.chunks[i].Store(nil)
	}
	tt.k, tt.free, tt.next = k, nil, 1
}

// attach creates a task for the calling host thread.
func (tt *taskTable) attach(hostTID int64) (int64, error) {
	tt.mu.Lock()
	defer tt.mu.Unlock()
	if tt.k == nil {
		return 0, abi.ESHUTDOWN
	}
	var h int64
	if n := len(tt.free); n > 0 {
		h, tt.free = tt.free[n-1], tt.free[:n-1]
	} else {
		if tt.next >= maxHandles {
			return 0, abi.EAGAIN
		}
		h = tt.next
		tt.next++
	}
	if tt.chunks[h>>10].Load() == nil {
		tt.chunks[h>>10].Store(new([1024]atomic.Pointer[kernel.Task]))
	}
	t, err := tt.k.NewTask(hostTID)
	if err != nil {
		tt.free = append(tt.free, h)
		return 0, err
	}
	tt.slot(h).Store(t)
	return h, nil
}

// release ends the task of a host thread that exited.
func (tt *taskTable) release(h int64) {
	tt.mu.Lock()
	s := tt.slot(h)
	if s == nil || tt.k == nil {
		tt.mu.Unlock()
		return
	}
	t := s.Swap(nil)
	if t == nil {
		tt.mu.Unlock()
		return
	}
	k := tt.k
	tt.free = append(tt.free, h)
	tt.mu.Unlock()
	k.ReleaseTask(t)
}
