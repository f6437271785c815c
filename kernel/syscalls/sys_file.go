package syscalls

import (
	"liblinux/abi"
	"liblinux/kernel"
	"liblinux/kernel/usermem"
	"liblinux/kernel/vfs"
)

func init() {
	register(abi.SYS_OPENAT, Openat)
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
}

// openFlagsKnown are the open(2) flags Linux knows; openat ignores any
// others, openat2 rejects them.
const openFlagsKnown = abi.O_ACCMODE | abi.O_CREAT | abi.O_EXCL | abi.O_NOCTTY | abi.O_TRUNC |
	abi.O_APPEND | abi.O_NONBLOCK | abi.O_DSYNC | abi.O_ASYNC | abi.O_DIRECT | abi.O_LARGEFILE |
	abi.O_DIRECTORY | abi.O_NOFOLLOW | abi.O_NOATIME | abi.O_CLOEXEC | abi.O_SYNC | abi.O_PATH | abi.O_TMPFILE

// Openat implements Linux syscall openat(2).
func Openat(t *kernel.Task, a *Args) (uintptr, error) {
	dirfd, flags, mode := a.Int(0), a.Uint(2)&openFlagsKnown, a.Uint(3)
	path, err := copyInPath(a.Ptr(1))
	if err != nil {
		return 0, err
	}
	if flags&abi.O_TMPFILE == abi.O_TMPFILE || flags&abi.O_PATH != 0 {
		// Not yet supported by the VFS.
		return 0, abi.EOPNOTSUPP
	}
	w, err := walker(t, dirfd, path)
	if err != nil {
		return 0, err
	}
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

// Read implements Linux syscall read(2).
func Read(t *kernel.Task, a *Args) (uintptr, error) {
	f, err := getFile(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	defer f.DecRef()
	io, err := userBuf(f, false, a)
	if err != nil {
		return 0, err
	}
	return ioResult(f.Read(t, io))
}

// Write implements Linux syscall write(2).
func Write(t *kernel.Task, a *Args) (uintptr, error) {
	f, err := getFile(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	defer f.DecRef()
	io, err := userBuf(f, true, a)
	if err != nil {
		return 0, err
	}
	return ioResult(f.Write(t, io))
}

// userBuf checks the access mode, then the buffer, in Linux's order
// (vfs_read: EBADF before EFAULT).
func userBuf(f *vfs.File, write bool, a *Args) (*usermem.IO, error) {
	if write && !f.Writable() || !write && !f.Readable() {
		return nil, abi.EBADF
	}
	io := new(usermem.IO)
	if err := io.ResetCount(a.Ptr(1), uint64(a[2])); err != nil {
		return nil, err
	}
	return io, nil
}

// Pread64 implements Linux syscall pread64(2).
func Pread64(t *kernel.Task, a *Args) (uintptr, error) {
	f, err := getFile(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	defer f.DecRef()
	io, err := userBuf(f, false, a)
	if err != nil {
		return 0, err
	}
	return ioResult(f.Pread(t, io, a.Int64(3)))
}

// Pwrite64 implements Linux syscall pwrite64(2).
func Pwrite64(t *kernel.Task, a *Args) (uintptr, error) {
	f, err := getFile(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	defer f.DecRef()
	io, err := userBuf(f, true, a)
	if err != nil {
		return 0, err
	}
	return ioResult(f.Pwrite(t, io, a.Int64(3)))
}

// copyInIovecs reads an iovec array: EINVAL for a negative or too large
// count (IOV_MAX) or a total over SSIZE_MAX.
func copyInIovecs(addr usermem.Addr, cnt int64) (*usermem.IO, error) {
	if cnt < 0 || cnt > abi.IOV_MAX {
		return nil, abi.EINVAL
	}
	b := make([]byte, cnt*abi.SizeofIovec)
	if err := usermem.CopyIn(b, addr); err != nil {
		return nil, err
	}
	segs := make([]usermem.Seg, cnt)
	for i := range segs {
		var v abi.Iovec
		v.UnmarshalFrom(b[i*abi.SizeofIovec:])
		if int64(v.Len) < 0 {
			return nil, abi.EINVAL
		}
		segs[i] = usermem.Seg{Addr: usermem.Addr(v.Base), Len: int(v.Len)}
	}
	return usermem.NewIOVec(segs)
}

// Readv implements Linux syscall readv(2).
func Readv(t *kernel.Task, a *Args) (uintptr, error) {
	f, err := getFile(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	defer f.DecRef()
	io, err := copyInIovecs(a.Ptr(1), a.Int64(2))
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
	io, err := copyInIovecs(a.Ptr(1), a.Int64(2))
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
	n, err := f.Seek(t, a.Int64(1), int(a.Int(2)))
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
