package kernel

import (
	"sync"
	"sync/atomic"

	"liblinux/abi"
	"liblinux/kernel/locks"
	"liblinux/kernel/vfs"
)

// fdChunk is 64 descriptors: their files and their FD_CLOEXEC flags (a
// bit each), as Linux's fd array and close_on_exec bitmap. A chunk never
// moves once made, so its slots are claimed and emptied without the
// table's lock.
type fdChunk struct {
	files   [64]atomic.Pointer[vfs.File]
	cloexec atomic.Uint64
}

// fdReserved fills a slot that an open has claimed and not yet filled
// (Linux's open_fds bit set with a NULL file): lookups see no file there,
// other opens pass it by, a fork leaves it out. It is never a real file.
var fdReserved = new(vfs.File)

// fdDir lists the chunks; a bigger one (sharing the chunks) replaces it.
type fdDir struct {
	chunks []*fdChunk
}

// slot returns fd's slot, or nil past the end.
func (d *fdDir) slot(fd int) *atomic.Pointer[vfs.File] {
	if fd < 0 || fd>>6 >= len(d.chunks) {
		return nil
	}
	return &d.chunks[fd>>6].files[fd&63]
}

// setCloexec sets or clears fd's flag. The caller owns the slot: it
// reserved it, or it holds FDTable.mu and the slot holds a file.
func (d *fdDir) setCloexec(fd int, on bool) {
	w, bit := &d.chunks[fd>>6].cloexec, uint64(1)<<(fd&63)
	switch old := w.Load(); {
	case on && old&bit == 0:
		w.Or(bit)
	case !on && old&bit != 0:
		w.And(^bit)
	}
}

func (d *fdDir) isCloexec(fd int) bool {
	return d.chunks[fd>>6].cloexec.Load()&(1<<(fd&63)) != 0
}

// FDTable is a process's file descriptor table. Lookups (every read and
// write) take no lock: they load the current directory of chunks and the
// slot atomically, as Linux's RCU fd table does. Opening and closing
// take no lock either: an open claims the lowest free slot it finds with
// a compare-and-swap (reserving it, then filling it), a close empties
// its slot, and both keep a hint of the lowest free slot; so threads of
// one process opening and closing files at once never wait for each
// other. mu serialises what replaces or rewrites slots wholesale:
// growing the table, dup2 onto a descriptor, FD_CLOEXEC changes, fork.
// A descriptor costs no allocation beyond its File.
//
// The table is two cache lines (the allocator gives it lines of its
// own): what every lookup reads (dir) and what every open and close
// writes (hint) are in different ones.
type FDTable struct {
	mu  sync.Mutex
	dir atomic.Pointer[fdDir] // replaced under mu

	// locks drops the process's POSIX record locks on an inode when it
	// closes a descriptor of it (Linux's filp_close); immutable.
	locks *locks.Table

	_ [40]byte

	// hint says that no slot below its low 32 bits is free. Its high 32
	// bits count the closes that lowered it: an open raises it only if
	// no close changed it since the open read it, so a slot closed
	// during an open is never left below the hint.
	hint atomic.Uint64

	_ [56]byte
}

func newFDTable(l *locks.Table) *FDTable {
	t := &FDTable{locks: l}
	t.dir.Store(&fdDir{chunks: []*fdChunk{new(fdChunk)}})
	return t
}

// Get returns the file for fd with a reference the caller must drop.
func (t *FDTable) Get(fd int32) (*vfs.File, error) {
	s := t.dir.Load().slot(int(fd))
	if s == nil {
		return nil, abi.EBADF
	}
	for {
		f := s.Load()
		if f == nil || f == fdReserved {
			return nil, abi.EBADF
		}
		if f.TryIncRef() {
			if s.Load() == f {
				return f, nil
			}
			f.DecRef()
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
	return f, t.dir.Load().isCloexec(int(fd)), nil
}

// grow makes room for fd: the table doubles (from 64) until it does, as
// Size reports.
func (t *FDTable) grow(fd int) {
	t.mu.Lock()
	t.growLocked(fd)
	t.mu.Unlock()
}

// growLocked is grow. Preconditions: mu is held.
func (t *FDTable) growLocked(fd int) *fdDir {
	d := t.dir.Load()
	if fd>>6 < len(d.chunks) {
		return d
	}
	n := len(d.chunks)
	for n<<6 <= fd {
		n *= 2
	}
	next := &fdDir{chunks: make([]*fdChunk, n)}
	copy(next.chunks, d.chunks)
	for i := len(d.chunks); i < n; i++ {
		next.chunks[i] = new(fdChunk)
	}
	t.dir.Store(next)
	return next
}

// Install puts f at the lowest free descriptor >= min, below limit, and
// takes a reference to f. EMFILE when the table is full.
func (t *FDTable) Install(f *vfs.File, min int32, cloexec bool, limit uint64) (int32, error) {
	h := t.hint.Load()
	lowest := int(uint32(h))
	fd := max(int(min), lowest)
	for {
		if uint64(fd) >= limit {
			return -1, abi.EMFILE
		}
		d := t.dir.Load()
		s := d.slot(fd)
		if s == nil {
			t.grow(fd)
			continue
		}
		if s.Load() != nil || !s.CompareAndSwap(nil, fdReserved) {
			fd++
			continue
		}
		// The slot is ours: set its flag, then show the file.
		f.IncRef()
		d.setCloexec(fd, cloexec)
		s.Store(f)
		break
	}
	if int(min) <= lowest {
		// Every slot from lowest to fd is taken now, unless a close
		// changed the hint meanwhile (then it stays).
		t.hint.CompareAndSwap(h, h&^0xffffffff|uint64(fd+1))
	}
	return int32(fd), nil
}

// InstallAt puts f at fd, closing what was there (dup2, dup3). EBUSY
// while another thread's open is still filling fd, as Linux.
func (t *FDTable) InstallAt(fd int32, f *vfs.File, cloexec bool, limit uint64) error {
	if fd < 0 || uint64(fd) >= limit {
		return abi.EBADF
	}
	f.IncRef()
	t.mu.Lock()
	d := t.growLocked(int(fd))
	s := d.slot(int(fd))
	var old *vfs.File
	for {
		old = s.Load()
		if old == fdReserved {
			// Another thread's open has claimed the descriptor and not
			// yet put its file there: EBUSY, as Linux's do_dup2.
			t.mu.Unlock()
			f.DecRef()
			return abi.EBUSY
		}
		d.setCloexec(int(fd), cloexec)
		if s.CompareAndSwap(old, f) {
			break
		}
	}
	t.mu.Unlock()
	if old != nil {
		t.locks.Closed(t, old)
		old.DecRef()
	}
	return nil
}

// Remove closes fd and returns its file (with the table's reference,
// which the caller drops).
func (t *FDTable) Remove(fd int32) (*vfs.File, error) {
	s := t.dir.Load().slot(int(fd))
	if s == nil {
		return nil, abi.EBADF
	}
	var f *vfs.File
	for {
		f = s.Load()
		if f == nil || f == fdReserved {
			return nil, abi.EBADF
		}
		if s.CompareAndSwap(f, nil) {
			break
		}
	}
	for {
		h := t.hint.Load()
		lowest := min(uint64(fd), h&0xffffffff)
		if t.hint.CompareAndSwap(h, (h>>32+1)<<32|lowest) {
			break
		}
	}
	t.locks.Closed(t, f)
	return f, nil
}

// SetCloexec sets or clears FD_CLOEXEC.
func (t *FDTable) SetCloexec(fd int32, on bool) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	d := t.dir.Load()
	s := d.slot(int(fd))
	if s == nil {
		return abi.EBADF
	}
	if f := s.Load(); f == nil || f == fdReserved {
		return abi.EBADF
	}
	d.setCloexec(int(fd), on)
	return nil
}

// Fork returns a copy of the table sharing the open files. Slots that an
// open is still filling stay free in the copy.
func (t *FDTable) Fork() *FDTable {
	t.mu.Lock()
	defer t.mu.Unlock()
	d := t.dir.Load()
	n := &FDTable{locks: t.locks}
	nd := &fdDir{chunks: make([]*fdChunk, len(d.chunks))}
	lowest := -1 // the copy's first free slot
	for i, c := range d.chunks {
		nc := new(fdChunk)
		var cloexec uint64
		for j := range c.files {
			if f := c.files[j].Load(); f != nil && f != fdReserved {
				f.IncRef()
				nc.files[j].Store(f)
				// The flag is read after the file: an open sets it
				// before it shows the file.
				cloexec |= c.cloexec.Load() & (1 << j)
			} else if lowest < 0 {
				lowest = i<<6 | j
			}
		}
		nc.cloexec.Store(cloexec)
		nd.chunks[i] = nc
	}
	if lowest < 0 {
		lowest = len(nd.chunks) << 6
	}
	n.hint.Store(uint64(lowest))
	n.dir.Store(nd)
	return n
}

// Fds returns the open descriptors in order.
func (t *FDTable) Fds() []int32 {
	d := t.dir.Load()
	var out []int32
	for i, c := range d.chunks {
		for j := range c.files {
			if f := c.files[j].Load(); f != nil && f != fdReserved {
				out = append(out, int32(i<<6|j))
			}
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
