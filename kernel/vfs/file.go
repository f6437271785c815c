package vfs

import (
	"sync"
	"sync/atomic"

	"liblinux/abi"
	"liblinux/kernel/usermem"
)

// Attacher is implemented by FileOps that need their File (to read its
// status flags, such as O_NONBLOCK, at each call).
type Attacher interface{ Attach(f *File) }

// File is an open file description: what an fd refers to. Several fds
// (dup, fork of the table) may share one File and its offset.
type File struct {
	refs atomic.Int64

	path   Path    // immutable; Path{} for anonymous files (pipes)
	ops    FileOps // immutable
	stream bool    // immutable: no file position
	access uint32  // immutable: O_ACCMODE part of the open flags

	flags atomic.Uint32 // status flags: O_APPEND, O_NONBLOCK, ...

	posMu sync.Mutex
	pos   int64 // protected by posMu

	hookMu sync.Mutex
	hooks  []func() // run at release; protected by hookMu
}

// OnRelease registers fn to run when the file is released (epoll drops
// its registrations of a file that is closed for good).
func (f *File) OnRelease(fn func()) {
	f.hookMu.Lock()
	f.hooks = append(f.hooks, fn)
	f.hookMu.Unlock()
}

// NewFile wraps ops in a File with one reference. path may be the zero
// Path for files that are not in the tree.
func NewFile(path Path, ops FileOps, flags uint32) *File {
	f := &File{path: path, ops: ops, access: flags & abi.O_ACCMODE}
	f.flags.Store(flags &^ (abi.O_ACCMODE | abi.O_CREAT | abi.O_EXCL | abi.O_NOCTTY | abi.O_TRUNC | abi.O_CLOEXEC))
	if s, ok := ops.(Streamer); ok && s.Stream() {
		f.stream = true
	}
	f.refs.Store(1)
	if a, ok := ops.(Attacher); ok {
		a.Attach(f)
	}
	if path.Mnt != nil {
		path.Mnt.Hold()
	}
	return f
}

// IncRef adds a reference.
func (f *File) IncRef() { f.refs.Add(1) }

// TryIncRef adds a reference unless the file is already released.
func (f *File) TryIncRef() bool {
	for {
		r := f.refs.Load()
		if r <= 0 {
			return false
		}
		if f.refs.CompareAndSwap(r, r+1) {
			return true
		}
	}
}

// DecRef drops a reference; the last one releases the file.
func (f *File) DecRef() {
	if f.refs.Add(-1) == 0 {
		f.hookMu.Lock()
		hooks := f.hooks
		f.hooks = nil
		f.hookMu.Unlock()
		for _, h := range hooks {
			h()
		}
		f.ops.Release()
		if f.path.Mnt != nil {
			f.path.Mnt.Release()
		}
	}
}

// Ops returns the file's operations (for type assertions on optional
// interfaces such as pipes' or epoll's).
func (f *File) Ops() FileOps { return f.ops }

// Path returns where the file was opened, or the zero Path.
func (f *File) Path() Path { return f.path }

// Flags returns the status flags with the access mode, as F_GETFL does.
func (f *File) Flags() uint32 { return f.flags.Load() | f.access }

// SetFlags replaces the changeable status flags (F_SETFL).
func (f *File) SetFlags(flags uint32) {
	const changeable = abi.O_APPEND | abi.O_NONBLOCK | abi.O_ASYNC | abi.O_DIRECT | abi.O_NOATIME
	for {
		old := f.flags.Load()
		if f.flags.CompareAndSwap(old, old&^changeable|flags&changeable) {
			return
		}
	}
}

// Readable and Writable report the access mode.
func (f *File) Readable() bool { return f.access == abi.O_RDONLY || f.access == abi.O_RDWR }
func (f *File) Writable() bool { return f.access == abi.O_WRONLY || f.access == abi.O_RDWR }

// Attr returns the attributes of the file's inode.
func (f *File) Attr() (Attr, error) {
	if f.path.D == nil {
		if s, ok := f.ops.(interface{ Attr() Attr }); ok {
			return s.Attr(), nil
		}
		return Attr{}, abi.EBADF
	}
	return f.path.D.Attr(), nil
}

// Read reads at the file position (read(2), readv(2)).
func (f *File) Read(ctx Context, dst *usermem.IO) (int, error) {
	if !f.Readable() {
		return 0, abi.EBADF
	}
	if f.stream {
		return f.ops.Read(ctx, dst, -1)
	}
	f.posMu.Lock()
	defer f.posMu.Unlock()
	n, err := f.ops.Read(ctx, dst, f.pos)
	f.pos += int64(n)
	return n, err
}

// Write writes at the file position, or at the end with O_APPEND.
func (f *File) Write(ctx Context, src *usermem.IO) (int, error) {
	if !f.Writable() {
		return 0, abi.EBADF
	}
	if f.stream {
		return f.ops.Write(ctx, src, -1)
	}
	f.posMu.Lock()
	defer f.posMu.Unlock()
	off := f.pos
	if f.flags.Load()&abi.O_APPEND != 0 {
		off = -1 // the filesystem appends atomically under its own lock
	}
	n, err := f.ops.Write(ctx, src, off)
	if off == -1 {
		// The filesystem reports the new end through the position.
		a, aerr := f.Attr()
		if aerr == nil {
			f.pos = a.Size
		}
	} else {
		f.pos += int64(n)
	}
	return n, err
}

// Pread and Pwrite do I/O at an explicit offset without moving the
// position (pread64(2), pwrite64(2)).
func (f *File) Pread(ctx Context, dst *usermem.IO, off int64) (int, error) {
	if !f.Readable() {
		return 0, abi.EBADF
	}
	if f.stream {
		return 0, abi.ESPIPE
	}
	if off < 0 {
		return 0, abi.EINVAL
	}
	return f.ops.Read(ctx, dst, off)
}

func (f *File) Pwrite(ctx Context, src *usermem.IO, off int64) (int, error) {
	if !f.Writable() {
		return 0, abi.EBADF
	}
	if f.stream {
		return 0, abi.ESPIPE
	}
	if off < 0 {
		return 0, abi.EINVAL
	}
	return f.ops.Write(ctx, src, off)
}

// Seek implements lseek(2).
func (f *File) Seek(ctx Context, off int64, whence int) (int64, error) {
	if f.stream {
		return 0, abi.ESPIPE
	}
	f.posMu.Lock()
	defer f.posMu.Unlock()
	if s, ok := f.ops.(Seeker); ok {
		n, err := s.Seek(ctx, f.pos, off, whence)
		if err == nil {
			f.pos = n
		}
		return n, err
	}
	var base int64
	switch whence {
	case abi.SEEK_SET:
	case abi.SEEK_CUR:
		base = f.pos
	case abi.SEEK_END:
		a, err := f.Attr()
		if err != nil {
			return 0, err
		}
		base = a.Size
	case abi.SEEK_DATA, abi.SEEK_HOLE:
		a, err := f.Attr()
		if err != nil {
			return 0, err
		}
		// Without hole information the whole file is data.
		if off < 0 || off >= a.Size {
			return 0, abi.ENXIO
		}
		if whence == abi.SEEK_HOLE {
			off = a.Size
		}
	default:
		return 0, abi.EINVAL
	}
	n := base + off
	if (off > 0 && n < base) || n < 0 {
		if off > 0 {
			return 0, abi.EOVERFLOW
		}
		return 0, abi.EINVAL
	}
	f.pos = n
	return n, nil
}

// ReadDir emits directory entries from the file position on, advancing it
// past every entry emit accepts (getdents64(2)).
func (f *File) ReadDir(ctx Context, emit func(Dirent) bool) error {
	if f.path.D == nil {
		return abi.ENOTDIR
	}
	f.posMu.Lock()
	defer f.posMu.Unlock()
	accept := func(d Dirent) bool {
		if !emit(d) {
			return false
		}
		f.pos = d.Next
		return true
	}
	if r, ok := f.ops.(DirReader); ok {
		return r.ReadDir(ctx, f.pos, accept)
	}
	if f.path.D.IsDead() {
		return abi.ENOENT
	}
	return f.path.D.inode.ReadDir(ctx, f.pos, accept)
}
