package kernel

import (
	"sync"
	"sync/atomic"

	"liblinux/abi"
	"liblinux/kernel/locks"
	"liblinux/kernel/vfs"
)

// fdEntry is one descriptor: a file and its close-on-exec flag.
type fdEntry struct {
	file    *vfs.File
	cloexec bool
}

// fdArray is an immutable-size array of slots; a bigger one replaces it.
type fdArray struct {
	slots []atomic.Pointer[fdEntry]
}

// FDTable is a process's file descriptor table. Lookups (every read and
// write) take no lock: they load the current array and the slot
// atomically, as Linux's RCU fd table does. Changes take mu.
type FDTable struct {
	mu     sync.Mutex
	arr    atomic.Pointer[fdArray]
	used   int // open descriptors; protected by mu
	lowest int // no free slot below this; protected by mu

	// locks drops the process's POSIX record locks on an inode when it
	// closes a descriptor of it (Linux's filp_close); immutable.
	locks *locks.Table
}

func newFDTable(l *locks.Table) *FDTable {
	t := &FDTable{locks: l}
	t.arr.Store(&fdArray{slots: make([]atomic.Pointer[fdEntry], 64)})
	return t
}

// Get returns the file for fd with a reference the caller must drop.
func (t *FDTable) Get(fd int32) (*vfs.File, error) {
	for {
		arr := t.arr.Load()
		if fd < 0 || int(fd) >= len(arr.slots) {
			return nil, abi.EBADF
		}
		e := arr.slots[fd].Load()
		if e == nil {
			return nil, abi.EBADF
		}
		if e.file.TryIncRef() {
			if arr.slots[fd].Load() == e {
				return e.file, nil
			}
			e.file.DecRef()
		}
		// Raced with close or dup2 on this fd: look again.
	}
}

// GetFlags returns the file and its FD_CLOEXEC flag.
func (t *FDTable) GetFlags(fd int32) (*vfs.File, bool, error) {
	f, err := t.Get(fd)
	if err != nil {
		return nil, false, err
	}
	e := t.arr.Load().slots[fd].Load()
	return f, e != nil && e.cloexec, nil
}

// growLocked makes room for fd. Preconditions: mu is held.
func (t *FDTable) growLocked(fd int) {
	arr := t.arr.Load()
	if fd < len(arr.slots) {
		return
	}
	n := len(arr.slots)
	for n <= fd {
		n *= 2
	}
	next := &fdArray{slots: make([]atomic.Pointer[fdEntry], n)}
	for i := range arr.slots {
		next.slots[i].Store(arr.slots[i].Load())
	}
	t.arr.Store(next)
}

// Install puts f at the lowest free descriptor >= min, below limit, and
// takes a reference to f. EMFILE when the table is full.
func (t *FDTable) Install(f *vfs.File, min int32, cloexec bool, limit uint64) (int32, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	start := int(min)
	if start < t.lowest {
		start = t.lowest
	}
	fd := start
	arr := t.arr.Load()
	for fd < len(arr.slots) && arr.slots[fd].Load() != nil {
		fd++
	}
	if uint64(fd) >= limit {
		return -1, abi.EMFILE
	}
	t.growLocked(fd)
	f.IncRef()
	t.arr.Load().slots[fd].Store(&fdEntry{file: f, cloexec: cloexec})
	t.used++
	if int(min) <= t.lowest {
		t.lowest = fd + 1
	}
	return int32(fd), nil
}

// InstallAt puts f at fd, closing what was there (dup2, dup3).
func (t *FDTable) InstallAt(fd int32, f *vfs.File, cloexec bool, limit uint64) error {
	if fd < 0 || uint64(fd) >= limit {
		return abi.EBADF
	}
	t.mu.Lock()
	t.growLocked(int(fd))
	f.IncRef()
	old := t.arr.Load().slots[fd].Swap(&fdEntry{file: f, cloexec: cloexec})
	if old == nil {
		t.used++
	}
	t.mu.Unlock()
	if old != nil {
		t.locks.Closed(t, old.file)
		old.file.DecRef()
	}
	return nil
}

// Remove closes fd and returns its file (with the table's reference,
// which the caller drops).
func (t *FDTable) Remove(fd int32) (*vfs.File, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	arr := t.arr.Load()
	if fd < 0 || int(fd) >= len(arr.slots) {
		return nil, abi.EBADF
	}
	e := arr.slots[fd].Swap(nil)
	if e == nil {
		return nil, abi.EBADF
	}
	t.used--
	if int(fd) < t.lowest {
		t.lowest = int(fd)
	}
	t.locks.Closed(t, e.file)
	return e.file, nil
}

// SetCloexec sets or clears FD_CLOEXEC.
func (t *FDTable) SetCloexec(fd int32, on bool) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	arr := t.arr.Load()
	if fd < 0 || int(fd) >= len(arr.slots) {
		return abi.EBADF
	}
	e := arr.slots[fd].Load()
	if e == nil {
		return abi.EBADF
	}
	arr.slots[fd].Store(&fdEntry{file: e.file, cloexec: on})
	return nil
}

// Fork returns a copy of the table sharing the open files.
func (t *FDTable) Fork() *FDTable {
	t.mu.Lock()
	defer t.mu.Unlock()
	arr := t.arr.Load()
	n := &FDTable{used: t.used, lowest: t.lowest, locks: t.locks}
	na := &fdArray{slots: make([]atomic.Pointer[fdEntry], len(arr.slots))}
	for i := range arr.slots {
		if e := arr.slots[i].Load(); e != nil {
			e.file.IncRef()
			na.slots[i].Store(&fdEntry{file: e.file, cloexec: e.cloexec})
		}
	}
	n.arr.Store(na)
	return n
}

// Fds returns the open descriptors in order.
func (t *FDTable) Fds() []int32 {
	arr := t.arr.Load()
	var out []int32
	for i := range arr.slots {
		if arr.slots[i].Load() != nil {
			out = append(out, int32(i))
		}
	}
	return out
}

// CloseAll closes every descriptor.
func (t *FDTable) CloseAll() {
	for _, fd := range t.Fds() {
		if f, err := t.Remove(fd); err == nil {
			f.DecRef()
		}
	}
}
