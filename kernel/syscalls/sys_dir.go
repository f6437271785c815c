package syscalls

import (
	"liblinux/abi"
	"liblinux/kernel"
	"liblinux/kernel/usermem"
	"liblinux/kernel/vfs"
)

func init() {
	register(abi.SYS_MKDIRAT, Mkdirat)
	register(abi.SYS_MKNODAT, Mknodat)
	register(abi.SYS_UNLINKAT, Unlinkat)
	register(abi.SYS_SYMLINKAT, Symlinkat)
	register(abi.SYS_READLINKAT, Readlinkat)
	register(abi.SYS_GETDENTS64, Getdents64)
	register(abi.SYS_CHDIR, Chdir)
	register(abi.SYS_FCHDIR, Fchdir)
	register(abi.SYS_CHROOT, Chroot)
	register(abi.SYS_GETCWD, Getcwd)
	register(abi.SYS_UMASK, Umask)
}

// pathWalker reads a path argument and returns a walker for it.
func pathWalker(t *kernel.Task, dirfd int32, pathArg usermem.Addr) (*vfs.Walker, string, error) {
	path, err := copyInPath(pathArg)
	if err != nil {
		return nil, "", err
	}
	w, err := walker(t, dirfd, path)
	return w, path, err
}

// Mkdirat implements Linux syscall mkdirat(2).
func Mkdirat(t *kernel.Task, a *Args) (uintptr, error) {
	w, path, err := pathWalker(t, a.Int(0), a.Ptr(1))
	if err != nil {
		return 0, err
	}
	return 0, w.Mkdir(path, a.Uint(2), t.Group().FS().Umask())
}

// Mknodat implements Linux syscall mknodat(2): regular files, FIFOs,
// sockets, and (with CAP_MKNOD) character and block devices.
func Mknodat(t *kernel.Task, a *Args) (uintptr, error) {
	mode, dev := a.Uint(2), a.Uint(3)
	switch mode & abi.S_IFMT {
	case 0:
		mode |= abi.S_IFREG
	case abi.S_IFREG, abi.S_IFIFO, abi.S_IFSOCK:
	case abi.S_IFCHR, abi.S_IFBLK:
		if !t.Creds().HasCap(abi.CAP_MKNOD) {
			return 0, abi.EPERM
		}
	case abi.S_IFDIR:
		return 0, abi.EPERM
	default:
		return 0, abi.EINVAL
	}
	w, path, err := pathWalker(t, a.Int(0), a.Ptr(1))
	if err != nil {
		return 0, err
	}
	if mode&abi.S_IFMT != abi.S_IFCHR && mode&abi.S_IFMT != abi.S_IFBLK {
		dev = 0
	}
	return 0, w.Mknod(path, mode, t.Group().FS().Umask(), dev)
}

// Unlinkat implements Linux syscall unlinkat(2).
func Unlinkat(t *kernel.Task, a *Args) (uintptr, error) {
	flags := a.Int(2)
	if flags&^abi.AT_REMOVEDIR != 0 {
		return 0, abi.EINVAL
	}
	w, path, err := pathWalker(t, a.Int(0), a.Ptr(1))
	if err != nil {
		return 0, err
	}
	if flags&abi.AT_REMOVEDIR != 0 {
		return 0, w.Rmdir(path)
	}
	return 0, w.Unlink(path)
}

// Symlinkat implements Linux syscall symlinkat(2).
func Symlinkat(t *kernel.Task, a *Args) (uintptr, error) {
	target, err := copyInPath(a.Ptr(0))
	if err != nil {
		return 0, err
	}
	w, path, err := pathWalker(t, a.Int(1), a.Ptr(2))
	if err != nil {
		return 0, err
	}
	return 0, w.Symlink(target, path)
}

// Readlinkat implements Linux syscall readlinkat(2).
func Readlinkat(t *kernel.Task, a *Args) (uintptr, error) {
	size := a.Int64(3)
	if size <= 0 {
		return 0, abi.EINVAL
	}
	w, path, err := pathWalker(t, a.Int(0), a.Ptr(1))
	if err != nil {
		return 0, err
	}
	var p vfs.Path
	if path == "" {
		// An empty path names dirfd itself (AT_EMPTY_PATH is implied).
		p = w.Start
	} else if p, err = w.Resolve(path, vfs.WalkNoFollow); err != nil {
		return 0, err
	}
	target, err := p.D.Inode().Readlink(t)
	if err != nil {
		if path == "" && err == abi.EINVAL {
			return 0, abi.ENOENT
		}
		return 0, err
	}
	b := []byte(target)
	if int64(len(b)) > size {
		b = b[:size]
	}
	return uintptr(len(b)), usermem.CopyOut(a.Ptr(2), b)
}

// Getdents64 implements Linux syscall getdents64(2).
func Getdents64(t *kernel.Task, a *Args) (uintptr, error) {
	f, err := getFile(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	defer f.DecRef()
	count := int(min(a.Uint(2), 1<<20))
	buf := make([]byte, 0, min(count, 64<<10))
	tooSmall := false
	err = f.ReadDir(t, func(d vfs.Dirent) bool {
		reclen := (abi.Dirent64NameOff + len(d.Name) + 1 + 7) &^ 7
		if len(buf)+reclen > count {
			if len(buf) == 0 {
				tooSmall = true
			}
			return false
		}
		off := len(buf)
		buf = append(buf, make([]byte, reclen)...)
		h := abi.Dirent64{Ino: d.Ino, Off: d.Next, Reclen: uint16(reclen), Type: d.Type}
		h.MarshalTo(buf[off:])
		copy(buf[off+abi.Dirent64NameOff:], d.Name)
		return true
	})
	if err != nil {
		return 0, err
	}
	if tooSmall {
		return 0, abi.EINVAL
	}
	if err := usermem.CopyOut(a.Ptr(1), buf); err != nil {
		return 0, err
	}
	return uintptr(len(buf)), nil
}

// chdirTo checks that p is a searchable directory.
func checkDir(t *kernel.Task, p vfs.Path) error {
	at := p.D.Attr()
	if !at.IsDir() {
		return abi.ENOTDIR
	}
	return vfs.Permission(t.Creds(), &at, vfs.MayExec)
}

// Chdir implements Linux syscall chdir(2).
func Chdir(t *kernel.Task, a *Args) (uintptr, error) {
	w, path, err := pathWalker(t, abi.AT_FDCWD, a.Ptr(0))
	if err != nil {
		return 0, err
	}
	p, err := w.Resolve(path, vfs.WalkDirectory)
	if err != nil {
		return 0, err
	}
	if err := checkDir(t, p); err != nil {
		return 0, err
	}
	t.Group().FS().SetCwd(p)
	return 0, nil
}

// Fchdir implements Linux syscall fchdir(2).
func Fchdir(t *kernel.Task, a *Args) (uintptr, error) {
	f, err := getFile(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	defer f.DecRef()
	p := f.Path()
	if p.D == nil {
		return 0, abi.ENOTDIR
	}
	if err := checkDir(t, p); err != nil {
		return 0, err
	}
	t.Group().FS().SetCwd(p)
	return 0, nil
}

// Chroot implements Linux syscall chroot(2).
func Chroot(t *kernel.Task, a *Args) (uintptr, error) {
	w, path, err := pathWalker(t, abi.AT_FDCWD, a.Ptr(0))
	if err != nil {
		return 0, err
	}
	p, err := w.Resolve(path, vfs.WalkDirectory)
	if err != nil {
		return 0, err
	}
	if err := checkDir(t, p); err != nil {
		return 0, err
	}
	if !t.Creds().HasCap(abi.CAP_SYS_CHROOT) {
		return 0, abi.EPERM
	}
	t.Group().FS().SetRoot(p)
	return 0, nil
}

// Getcwd implements Linux syscall getcwd(2).
func Getcwd(t *kernel.Task, a *Args) (uintptr, error) {
	root, cwd := t.Group().FS().RootCwd()
	s, ok := t.Kernel().VFS.PathString(root, cwd)
	if !ok {
		s = "(unreachable)" + s
	} else if cwd.D.IsDead() {
		return 0, abi.ENOENT
	}
	b := append([]byte(s), 0)
	if uint64(len(b)) > uint64(a[1]) {
		return 0, abi.ERANGE
	}
	if err := usermem.CopyOut(a.Ptr(0), b); err != nil {
		return 0, err
	}
	return uintptr(len(b)), nil
}

// Umask implements Linux syscall umask(2).
func Umask(t *kernel.Task, a *Args) (uintptr, error) {
	return uintptr(t.Group().FS().SwapUmask(a.Uint(0))), nil
}
