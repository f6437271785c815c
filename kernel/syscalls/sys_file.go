package syscalls

import (
	"sync"

	"liblinux/abi"
	"liblinux/kernel"
	"liblinux/kernel/usermem"
	"liblinux/kernel/vfs"
)

func init() {
	register(abi.SYS_OPENAT, Openat)
	register(abi.SYS_OPENAT2, Openat2)
	register(abi.SYS_CLOSE, Close)
	register(abi.SYS_READ, Read)
	register(abi.SYS_WRITE, Write)
	register(abi.SYS_READV, Readv)
	register(abi.SYS_WRITEV, Writev)
	register(abi.SYS_PREAD64, Pread64)
	register(abi.SYS_PWRITE64, Pwrite64)
	register(abi.SYS_LSEEK, Lseek)
	register(abi.SYS_DUP, Dup)
	register(abi.SYS_DUP3, Dup3)
	register(abi.SYS_OPEN, Open)
	register(abi.SYS_CREAT, Creat)
	register(abi.SYS_DUP2, Dup2)
}

// Open flag sets (include/linux/fcntl.h).
const (
	// openFlagsKnown is VALID_OPEN_FLAGS: openat ignores other bits,
	// openat2 rejects them.
	openFlagsKnown = abi.O_ACCMODE | abi.O_CREAT | abi.O_EXCL | abi.O_NOCTTY | abi.O_TRUNC |
		abi.O_APPEND | abi.O_NONBLOCK | abi.O_DSYNC | abi.O_ASYNC | abi.O_DIRECT | abi.O_LARGEFILE |
		abi.O_DIRECTORY | abi.O_NOFOLLOW | abi.O_NOATIME | abi.O_CLOEXEC | abi.O_SYNC | abi.O_PATH | abi.O_TMPFILE
	// oPathFlags are the flags O_PATH allows.
	oPathFlags = abi.O_DIRECTORY | abi.O_NOFOLLOW | abi.O_PATH | abi.O_CLOEXEC
	// oTmpfileBit is __O_TMPFILE (O_TMPFILE without O_DIRECTORY).
	oTmpfileBit = abi.O_TMPFILE &^ abi.O_DIRECTORY
	// resolveKnown is VALID_RESOLVE_FLAGS.
	resolveKnown = abi.RESOLVE_NO_XDEV | abi.RESOLVE_NO_MAGICLINKS | abi.RESOLVE_NO_SYMLINKS |
		abi.RESOLVE_BENEATH | abi.RESOLVE_IN_ROOT | abi.RESOLVE_CACHED
)

// at returns a walker for path relative to dirfd, as Linux's path_init:
// an empty path is ENOENT unless empty is allowed (AT_EMPTY_PATH); an
// absolute path ignores dirfd; a relative one needs dirfd to be AT_FDCWD
// (EBADF otherwise) naming a directory (ENOTDIR).
//
// The walker is returned by value, so a system call's walk allocates
// nothing of its own.
func at(t *kernel.Task, dirfd int32, path string, empty bool) (vfs.Walker, error) {
	if path == "" && !empty {
		return vfs.Walker{}, abi.ENOENT
	}
	g := t.Group()
	root, cwd := g.FS().RootCwd()
	w := vfs.Walker{V: t.Kernel().VFS, Ctx: t, Root: root, Start: cwd}
	if dirfd == abi.AT_FDCWD || path != "" && path[0] == '/' {
		return w, nil
	}
	f, err := g.Files().Get(dirfd)
	if err != nil {
		return vfs.Walker{}, err
	}
	p := f.Path()
	f.DecRef()
	if p.D == nil || !p.D.IsDir() && path != "" {
		return vfs.Walker{}, abi.ENOTDIR
	}
	w.Start = p
	return w, nil
}

// Openat implements Linux syscall openat(2).
func Openat(t *kernel.Task, a *Args) (uintptr, error) {
	flags, mode := a.Uint(2)&openFlagsKnown, a.Uint(3)
	if flags&abi.O_PATH != 0 {
		flags &= oPathFlags
	} else {
		// 64-bit kernels open every file as large (force_o_largefile).
		flags |= abi.O_LARGEFILE
	}
	if flags&(abi.O_CREAT|oTmpfileBit) != 0 {
		mode &= 07777
	} else {
		mode = 0
	}
	return openHow(t, a.Int(0), a.Ptr(1), flags, mode, 0)
}

// Openat2 implements Linux syscall openat2(2): struct open_how of at
// least 24 bytes (EINVAL), at most a page (E2BIG), any bytes past the
// known fields zero (E2BIG); unknown flags, resolve bits or mode bits are
// EINVAL.
func Openat2(t *kernel.Task, a *Args) (uintptr, error) {
	size := uint64(a[3])
	if size < abi.SizeofOpenHow {
		return 0, abi.EINVAL
	}
	if size > 4096 {
		return 0, abi.E2BIG
	}
	b := make([]byte, size)
	if err := usermem.CopyIn(b, a.Ptr(2)); err != nil {
		return 0, err
	}
	for _, c := range b[abi.SizeofOpenHow:] {
		if c != 0 {
			return 0, abi.E2BIG
		}
	}
	var how abi.OpenHow
	how.UnmarshalFrom(b)
	flags := how.Flags &^ abi.O_CLOEXEC
	if flags&^openFlagsKnown != 0 || how.Resolve&^resolveKnown != 0 {
		return 0, abi.EINVAL
	}
	if how.Resolve&abi.RESOLVE_BENEATH != 0 && how.Resolve&abi.RESOLVE_IN_ROOT != 0 {
		return 0, abi.EINVAL
	}
	if flags&(abi.O_CREAT|oTmpfileBit) != 0 {
		if how.Mode&^07777 != 0 {
			return 0, abi.EINVAL
		}
	} else if how.Mode != 0 {
		return 0, abi.EINVAL
	}
	if flags&abi.O_PATH != 0 {
		if flags&^oPathFlags != 0 {
			return 0, abi.EINVAL
		}
	} else {
		how.Flags |= abi.O_LARGEFILE
	}
	if how.Resolve&abi.RESOLVE_CACHED != 0 && flags&(abi.O_TRUNC|abi.O_CREAT|oTmpfileBit) != 0 {
		return 0, abi.EAGAIN
	}
	return openHow(t, a.Int(0), a.Ptr(1), uint32(how.Flags), uint32(how.Mode), how.Resolve)
}

// openHow is the common part of openat and openat2 (build_open_flags'
// remaining checks, then the open).
func openHow(t *kernel.Task, dirfd int32, pathAddr usermem.Addr, flags, mode uint32, resolve uint64) (uintptr, error) {
	if flags&(abi.O_DIRECTORY|abi.O_CREAT) == abi.O_DIRECTORY|abi.O_CREAT {
		return 0, abi.EINVAL
	}
	if flags&oTmpfileBit != 0 {
		if flags&abi.O_DIRECTORY == 0 || flags&abi.O_ACCMODE == abi.O_RDONLY {
			return 0, abi.EINVAL
		}
	}
	path, err := copyInPath(pathAddr)
	if err != nil {
		return 0, err
	}
	var w vfs.Walker
	if path != "" && resolve&(abi.RESOLVE_BENEATH|abi.RESOLVE_IN_ROOT) != 0 {
		// A scoped walk starts at dirfd even for an absolute path.
		w, err = at(t, dirfd, ".", false)
	} else {
		w, err = at(t, dirfd, path, false)
	}
	if err != nil {
		return 0, err
	}
	w.Restrict = resolve
	f, err := w.Open(path, flags, mode, t.Group().FS().Umask())
	if err != nil {
		return 0, err
	}
	return installFile(t, f, flags&abi.O_CLOEXEC != 0)
}

// Close implements Linux syscall close(2).
func Close(t *kernel.Task, a *Args) (uintptr, error) {
	f, err := t.Group().Files().Remove(a.Int(0))
	if err != nil {
		return 0, err
	}
	f.DecRef()
	return 0, nil
}

// ioResult turns a transfer's (count, error) into a syscall result: a
// partial transfer succeeds.
func ioResult(n int, err error) (uintptr, error) {
	if n > 0 {
		return uintptr(n), nil
	}
	return 0, err
}

// ioPool recycles the IO of read(2) and write(2), so a transfer allocates
// nothing.
var ioPool = sync.Pool{New: func() any { return new(usermem.IO) }}

// rw runs one read(2) or write(2) through a pooled IO. The access mode is
// checked before the buffer, in Linux's order (vfs_read: EBADF before
// EFAULT).
func rw(t *kernel.Task, a *Args, write bool, pos bool) (uintptr, error) {
	f, err := getFile(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	defer f.DecRef()
	if write && !f.Writable() || !write && !f.Readable() {
		return 0, abi.EBADF
	}
	io := ioPool.Get().(*usermem.IO)
	defer ioPool.Put(io)
	if err := io.ResetCount(a.Ptr(1), uint64(a[2])); err != nil {
		return 0, err
	}
	switch {
	case write && pos:
		return ioResult(f.Pwrite(t, io, a.Int64(3)))
	case write:
		return ioResult(f.Write(t, io))
	case pos:
		return ioResult(f.Pread(t, io, a.Int64(3)))
	default:
		return ioResult(f.Read(t, io))
	}
}

// Read implements Linux syscall read(2).
func Read(t *kernel.Task, a *Args) (uintptr, error) { return rw(t, a, false, false) }

// Write implements Linux syscall write(2).
func Write(t *kernel.Task, a *Args) (uintptr, error) { return rw(t, a, true, false) }

// Pread64 implements Linux syscall pread64(2).
func Pread64(t *kernel.Task, a *Args) (uintptr, error) { return rw(t, a, false, true) }

// Pwrite64 implements Linux syscall pwrite64(2).
func Pwrite64(t *kernel.Task, a *Args) (uintptr, error) { return rw(t, a, true, true) }

// Readv implements Linux syscall readv(2).
func Readv(t *kernel.Task, a *Args) (uintptr, error) {
	f, err := getFile(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	defer f.DecRef()
	if !f.Readable() {
		return 0, abi.EBADF
	}
	io, err := importIovecs(a.Ptr(1), a[2])
	if err != nil {
		return 0, err
	}
	return ioResult(f.Read(t, io))
}

// Writev implements Linux syscall writev(2).
func Writev(t *kernel.Task, a *Args) (uintptr, error) {
	f, err := getFile(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	defer f.DecRef()
	if !f.Writable() {
		return 0, abi.EBADF
	}
	io, err := importIovecs(a.Ptr(1), a[2])
	if err != nil {
		return 0, err
	}
	return ioResult(f.Write(t, io))
}

// Lseek implements Linux syscall lseek(2).
func Lseek(t *kernel.Task, a *Args) (uintptr, error) {
	f, err := getFile(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	defer f.DecRef()
	whence := a.Uint(2)
	if whence > abi.SEEK_HOLE {
		if f.IsPath() {
			return 0, abi.EBADF
		}
		return 0, abi.EINVAL
	}
	n, err := f.Seek(t, a.Int64(1), int(whence))
	return uintptr(n), err
}

// Dup implements Linux syscall dup(2).
func Dup(t *kernel.Task, a *Args) (uintptr, error) {
	f, err := getFile(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	return installFile(t, f, false)
}

// Dup3 implements Linux syscall dup3(2).
func Dup3(t *kernel.Task, a *Args) (uintptr, error) {
	oldfd, newfd, flags := a.Int(0), a.Int(1), a.Uint(2)
	if flags&^abi.O_CLOEXEC != 0 || oldfd == newfd {
		return 0, abi.EINVAL
	}
	f, err := getFile(t, oldfd)
	if err != nil {
		return 0, err
	}
	defer f.DecRef()
	g := t.Group()
	if err := g.Files().InstallAt(newfd, f, flags&abi.O_CLOEXEC != 0, g.Rlimit(abi.RLIMIT_NOFILE).Cur); err != nil {
		return 0, err
	}
	return uintptr(newfd), nil
}

// The calls below are the legacy ones LKL builds (asm-generic with
// __ARCH_WANT_SYSCALL_NO_AT, _NO_FLAGS and _DEPRECATED): each is its *at
// form with AT_FDCWD.

// Open implements Linux syscall open(2).
func Open(t *kernel.Task, a *Args) (uintptr, error) {
	return Openat(t, &Args{uintptr(atFDCWD), a[0], a[1], a[2]})
}

// Creat implements Linux syscall creat(2).
func Creat(t *kernel.Task, a *Args) (uintptr, error) {
	return Openat(t, &Args{uintptr(atFDCWD), a[0], abi.O_CREAT | abi.O_WRONLY | abi.O_TRUNC, a[1]})
}

// Dup2 implements Linux syscall dup2(2): like dup3 without flags, but the
// same descriptor twice is checked and returned.
func Dup2(t *kernel.Task, a *Args) (uintptr, error) {
	if a.Int(0) == a.Int(1) {
		f, err := getFile(t, a.Int(0))
		if err != nil {
			return 0, err
		}
		f.DecRef()
		return uintptr(a.Int(1)), nil
	}
	return Dup3(t, &Args{a[0], a[1], 0})
}

// atFDCWD is AT_FDCWD as a register value.
const atFDCWD = uint32(0xffffff9c)
