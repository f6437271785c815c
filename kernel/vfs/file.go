package vfs

import (
	"sync"
	"sync/atomic"

	"liblinux/abi"
	"liblinux/kernel/percpu"
	"liblinux/kernel/usermem"
)

// Attacher is implemented by FileOps that need their File (to read its
// status flags, such as O_NONBLOCK, at each call).
type Attacher interface{ Attach(f *File) }

// File is an open file description: what an fd refers to. Several fds
// (dup, fork of the table) may share one File and its offset.
//
// Every open makes one, so it is kept small (88 bytes: the fields are
// ordered to leave no holes, and the rarely used release hooks hang off a
// pointer): the collector's work grows with the bytes allocated.
type File struct {
	refs atomic.Int64

	path   Path    // immutable; Path{} for anonymous files (pipes)
	ops    FileOps // immutable
	creds  *Creds  // immutable: the opener's credentials, or nil
	access uint32  // immutable: O_ACCMODE part of the open flags
	ftype  uint32  // immutable: S_IFMT of the inode, 0 if not in the tree

	flags atomic.Uint32 // status flags: O_APPEND, O_NONBLOCK, ...

	stream bool // immutable: no file position
	opath  bool // immutable: an O_PATH file
	writer bool // immutable: counted in the mount's writers

	posMu sync.Mutex
	pos   int64 // protected by posMu

	hooks atomic.Pointer[fileHooks] // made by the first OnRelease
}

// fileHooks are the functions to run when a file is released.
type fileHooks struct {
	mu  sync.Mutex
	fns []func() // protected by mu
}

// statusFlagsDropped are the open(2) flags a File does not keep.
const statusFlagsDropped = abi.O_ACCMODE | abi.O_CREAT | abi.O_EXCL | abi.O_NOCTTY | abi.O_TRUNC | abi.O_CLOEXEC

// OnRelease registers fn to run when the file is released (epoll drops
// its registrations of a file that is closed for good).
func (f *File) OnRelease(fn func()) {
	h := f.hooks.Load()
	if h == nil {
		f.hooks.CompareAndSwap(nil, new(fileHooks))
		h = f.hooks.Load()
	}
	h.mu.Lock()
	h.fns = append(h.fns, fn)
	h.mu.Unlock()
}

// NewFile wraps ops in a File with one reference. path may be the zero
// Path for files that are not in the tree.
func NewFile(path Path, ops FileOps, flags uint32) *File {
	return newFile(path, ops, flags, percpu.Slot())
}

// newFile is NewFile counting the file in the counters' shard slot.
func newFile(path Path, ops FileOps, flags uint32, slot int) *File {
	f := &File{path: path, ops: ops, access: flags & abi.O_ACCMODE}
	f.flags.Store(flags &^ statusFlagsDropped)
	if s, ok := ops.(Streamer); ok && s.Stream() {
		f.stream = true
	}
	if path.D != nil {
		f.ftype = path.D.typ
	}
	f.refs.Store(1)
	if a, ok := ops.(Attacher); ok {
		a.Attach(f)
	}
	if path.Mnt != nil {
		path.Mnt.busy.addAt(slot, 1)
		// An open file keeps its filesystem alive after a lazy unmount,
		// until it is closed.
		path.Mnt.sb.files.ref.GetAt(slot)
	}
	return f
}

// newOpenFile is NewFile for a file opened from the tree: it records the
// opener and counts a writer on the mount.
func newOpenFile(ctx Context, p Path, ops FileOps, flags uint32) *File {
	slot := percpu.Slot()
	f := newFile(p, ops, flags, slot)
	f.creds = ctx.Creds()
	if f.Writable() && !isSpecial(f.ftype) {
		f.writer = true
		p.Mnt.writers.addAt(slot, 1)
	}
	return f
}

// isSpecial reports whether a file type is a device, FIFO or socket,
// whose writes do not touch the filesystem (Linux's special_file).
func isSpecial(t uint32) bool {
	return t == abi.S_IFCHR || t == abi.S_IFBLK || t == abi.S_IFIFO || t == abi.S_IFSOCK
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
		if h := f.hooks.Load(); h != nil {
			h.mu.Lock()
			fns := h.fns
			h.fns = nil
			h.mu.Unlock()
			for _, fn := range fns {
				fn()
			}
		}
		f.ops.Release()
		if m := f.path.Mnt; m != nil {
			slot := percpu.Slot()
			if f.writer {
				m.writers.addAt(slot, -1)
			}
			m.busy.addAt(slot, -1)
			m.sb.fileClosed(slot)
		}
	}
}

// Ops returns the file's operations (for type assertions on optional
// interfaces such as pipes' or epoll's).
func (f *File) Ops() FileOps { return f.ops }

// Path returns where the file was opened, or the zero Path.
func (f *File) Path() Path { return f.path }

// IsPath reports whether this is an O_PATH file: it names a location and
// allows only close, dup, fcntl's F_GETFD/F_SETFD/F_GETFL/F_DUPFD*,
// fstat, fstatfs, fchdir and use as a dirfd; every other call on it gives
// EBADF.
func (f *File) IsPath() bool { return f.opath }

// Opener returns the credentials the file was opened with (nil for files
// not opened from the tree).
func (f *File) Opener() *Creds { return f.creds }

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

// Readable and Writable report the access mode (neither for O_PATH files
// and for access mode 3).
func (f *File) Readable() bool {
	return !f.opath && (f.access == abi.O_RDONLY || f.access == abi.O_RDWR)
}

func (f *File) Writable() bool {
	return !f.opath && (f.access == abi.O_WRONLY || f.access == abi.O_RDWR)
}

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

// accessed updates the access time after a read, as Linux's
// file_accessed: not with O_NOATIME.
func (f *File) accessed(ctx Context) {
	if f.flags.Load()&abi.O_NOATIME == 0 && f.path.D != nil {
		touchAtime(ctx, f.path)
	}
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
	n, err := f.ops.Read(ctx, dst, f.pos)
	f.pos += int64(n)
	f.posMu.Unlock()
	if f.ftype == abi.S_IFREG && dst.Len() > 0 {
		f.accessed(ctx)
	}
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
	if f.flags.Load()&abi.O_APPEND != 0 && f.ftype == abi.S_IFREG {
		if aw, ok := f.ops.(AppendWriter); ok {
			n, end, err := aw.WriteAppend(ctx, src)
			if n > 0 {
				f.pos = end
			}
			return n, err
		}
		n, err := f.ops.Write(ctx, src, -1)
		if a, aerr := f.Attr(); aerr == nil && n > 0 {
			f.pos = a.Size
		}
		return n, err
	}
	n, err := f.ops.Write(ctx, src, f.pos)
	f.pos += int64(n)
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
	n, err := f.ops.Read(ctx, dst, off)
	if f.ftype == abi.S_IFREG && dst.Len() > 0 {
		f.accessed(ctx)
	}
	return n, err
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
	if f.flags.Load()&abi.O_APPEND != 0 && f.ftype == abi.S_IFREG {
		// pwrite(2) on an O_APPEND file appends (a documented Linux bug).
		off = -1
	}
	return f.ops.Write(ctx, src, off)
}

// Seek implements lseek(2).
func (f *File) Seek(ctx Context, off int64, whence int) (int64, error) {
	if f.opath {
		return 0, abi.EBADF
	}
	// A stream file that is a Seeker accepts lseek without having a
	// position (Linux's noop_llseek of eventfd, timerfd, epoll).
	if s, ok := f.ops.(Seeker); ok {
		f.posMu.Lock()
		defer f.posMu.Unlock()
		n, err := s.Seek(ctx, f.pos, off, whence)
		if err == nil && !f.stream {
			f.pos = n
		}
		return n, err
	}
	if f.stream {
		return 0, abi.ESPIPE
	}
	f.posMu.Lock()
	defer f.posMu.Unlock()
	var n int64
	switch whence {
	case abi.SEEK_SET:
		n = off
	case abi.SEEK_CUR:
		n = f.pos + off
	case abi.SEEK_END, abi.SEEK_DATA, abi.SEEK_HOLE:
		if f.ftype == abi.S_IFDIR {
			// Directory offsets are cookies: no end, no holes.
			return 0, abi.EINVAL
		}
		a, err := f.Attr()
		if err != nil {
			return 0, err
		}
		switch whence {
		case abi.SEEK_END:
			n = a.Size + off
		case abi.SEEK_DATA:
			// Without hole information the whole file is data.
			if off < 0 || off >= a.Size {
				return 0, abi.ENXIO
			}
			n = off
		default:
			if off < 0 || off >= a.Size {
				return 0, abi.ENXIO
			}
			n = a.Size
		}
	default:
		return 0, abi.EINVAL
	}
	if n < 0 {
		return 0, abi.EINVAL
	}
	f.pos = n
	return n, nil
}

// ReadDir emits directory entries from the file position on, advancing it
// past every entry emit accepts (getdents64(2)).
func (f *File) ReadDir(ctx Context, emit func(Dirent) bool) error {
	if f.opath {
		return abi.EBADF
	}
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
	if f.path.D.typ != abi.S_IFDIR {
		return abi.ENOTDIR
	}
	if f.path.D.IsDead() {
		return abi.ENOENT
	}
	err := f.path.D.inode.ReadDir(ctx, f.pos, accept)
	if err == nil && f.flags.Load()&abi.O_NOATIME == 0 {
		touchAtime(ctx, f.path)
	}
	return err
}

// Fsync implements fsync(2) and fdatasync(2).
func (f *File) Fsync(ctx Context, datasync bool) error {
	if f.opath {
		return abi.EBADF
	}
	if s, ok := f.ops.(Syncer); ok {
		return s.Fsync(ctx, datasync)
	}
	return abi.EINVAL
}

// AppendOnly reports whether f's inode has the append-only flag.
func (f *File) AppendOnly() bool { return f.path.D != nil && IsAppend(f.path.D.inode) }

// Truncate implements ftruncate(2) (the length is checked by the caller).
func (f *File) Truncate(ctx Context, size int64) error {
	if f.opath {
		return abi.EBADF
	}
	if f.ftype != abi.S_IFREG || !f.Writable() {
		return abi.EINVAL
	}
	if IsAppend(f.path.D.inode) {
		return abi.EPERM
	}
	return truncate(ctx, f.path, size, true)
}

// Allocate implements fallocate(2), with Linux's checks in Linux's order.
func (f *File) Allocate(ctx Context, mode uint32, off, length int64) error {
	if f.opath {
		return abi.EBADF
	}
	if off < 0 || length <= 0 {
		return abi.EINVAL
	}
	const known = abi.FALLOC_FL_KEEP_SIZE | abi.FALLOC_FL_PUNCH_HOLE | abi.FALLOC_FL_COLLAPSE_RANGE |
		abi.FALLOC_FL_ZERO_RANGE | abi.FALLOC_FL_INSERT_RANGE | abi.FALLOC_FL_UNSHARE_RANGE |
		abi.FALLOC_FL_WRITE_ZEROES
	if mode&^known != 0 {
		return abi.EOPNOTSUPP
	}
	switch mode &^ abi.FALLOC_FL_KEEP_SIZE {
	case 0, abi.FALLOC_FL_UNSHARE_RANGE, abi.FALLOC_FL_ZERO_RANGE:
	case abi.FALLOC_FL_PUNCH_HOLE:
		if mode&abi.FALLOC_FL_KEEP_SIZE == 0 {
			return abi.EOPNOTSUPP
		}
	case abi.FALLOC_FL_COLLAPSE_RANGE, abi.FALLOC_FL_INSERT_RANGE, abi.FALLOC_FL_WRITE_ZEROES:
		if mode&abi.FALLOC_FL_KEEP_SIZE != 0 {
			return abi.EOPNOTSUPP
		}
	default:
		return abi.EOPNOTSUPP
	}
	if !f.Writable() {
		return abi.EBADF
	}
	// An append-only file may only have space preallocated; an
	// immutable one nothing.
	if ino := f.path.D; ino != nil {
		if mode&^abi.FALLOC_FL_KEEP_SIZE != 0 && IsAppend(ino.inode) || IsImmutable(ino.inode) {
			return abi.EPERM
		}
	}
	t := f.ftype
	if t == 0 {
		a, err := f.Attr()
		if err != nil {
			return abi.ENODEV
		}
		t = a.Type()
	}
	switch {
	case t == abi.S_IFIFO:
		return abi.ESPIPE
	case t == abi.S_IFDIR:
		return abi.EISDIR
	case t != abi.S_IFREG && t != abi.S_IFBLK:
		return abi.ENODEV
	}
	if off+length < 0 {
		return abi.EFBIG
	}
	a, ok := f.ops.(Allocator)
	if !ok {
		return abi.EOPNOTSUPP
	}
	return a.Allocate(ctx, mode, off, length)
}

// pathOps are the operations of an O_PATH file: none.
type pathOps struct{}

func (pathOps) Read(Context, *usermem.IO, int64) (int, error)  { return 0, abi.EBADF }
func (pathOps) Write(Context, *usermem.IO, int64) (int, error) { return 0, abi.EBADF }
func (pathOps) Release()                                       {}
