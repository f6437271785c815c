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
	register(abi.SYS_MKDIR, Mkdir)
	register(abi.SYS_RMDIR, Rmdir)
	register(abi.SYS_UNLINK, Unlink)
	register(abi.SYS_MKNOD, Mknod)
	register(abi.SYS_SYMLINK, Symlink)
	register(abi.SYS_READLINK, Readlink)
}

// pathWalker reads a path argument and returns a walker for it; an empty
// path is ENOENT.
func pathWalker(t *kernel.Task, dirfd int32, pathArg usermem.Addr) (vfs.Walker, string, error) {
	path, err := copyInPath(pathArg)
	if err != nil {
		return vfs.Walker{}, "", err
	}
	w, err := at(t, dirfd, path, false)
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
// sockets, and (with CAP_MKNOD, checked after the name and the directory's
// permission) character and block devices. The type is checked first:
// EPERM for a directory, EINVAL for an unknown type.
func Mknodat(t *kernel.Task, a *Args) (uintptr, error) {
	mode, dev := a.Uint(2), a.Uint(3)
	switch mode & abi.S_IFMT {
	case 0:
		mode |= abi.S_IFREG
	case abi.S_IFREG, abi.S_IFIFO, abi.S_IFSOCK, abi.S_IFCHR, abi.S_IFBLK:
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
	if target == "" {
		return 0, abi.ENOENT
	}
	w, path, err := pathWalker(t, a.Int(1), a.Ptr(2))
	if err != nil {
		return 0, err
	}
	return 0, w.Symlink(target, path)
}

// Readlinkat implements Linux syscall readlinkat(2). An empty path names
// dirfd itself; ENOENT then if it is not a symlink (EINVAL otherwise).
func Readlinkat(t *kernel.Task, a *Args) (uintptr, error) {
	size := a.Int(3)
	if size <= 0 {
		return 0, abi.EINVAL
	}
	path, err := copyInPath(a.Ptr(1))
	if err != nil {
		return 0, err
	}
	tg, err := resolveAt(t, a.Int(0), path, abi.AT_EMPTY_PATH, false)
	if err != nil {
		return 0, err
	}
	defer tg.release()
	if tg.p.D == nil || path == "" && tg.p.D.Type() != abi.S_IFLNK {
		return 0, abi.ENOENT
	}
	target, err := vfs.Readlink(t, tg.p)
	if err != nil {
		return 0, err
	}
	b := []byte(target)
	if len(b) > int(size) {
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

// checkDir checks that p is a searchable directory.
func checkDir(t *kernel.Task, p vfs.Path) error {
	if !p.D.IsDir() {
		return abi.ENOTDIR
	}
	return vfs.Access(t.Creds(), p, vfs.MayExec)
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

// Fchdir implements Linux syscall fchdir(2); O_PATH directories work.
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

// Chroot implements Linux syscall chroot(2): search permission, then
// CAP_SYS_CHROOT.
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

// Getcwd implements Linux syscall getcwd(2): ENOENT once the directory is
// removed, "(unreachable)" before a path outside the caller's root, ERANGE
// for a buffer too small.
func Getcwd(t *kernel.Task, a *Args) (uintptr, error) {
	root, cwd := t.Group().FS().RootCwd()
	if cwd.D.IsDead() {
		return 0, abi.ENOENT
	}
	s, ok := t.Kernel().VFS.PathString(root, cwd)
	if !ok {
		s = "(unreachable)" + s
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

// Mkdir implements Linux syscall mkdir(2) (the legacy number).
func Mkdir(t *kernel.Task, a *Args) (uintptr, error) {
	return Mkdirat(t, &Args{uintptr(atFDCWD), a[0], a[1]})
}

// Rmdir implements Linux syscall rmdir(2) (the legacy number).
func Rmdir(t *kernel.Task, a *Args) (uintptr, error) {
	return Unlinkat(t, &Args{uintptr(atFDCWD), a[0], abi.AT_REMOVEDIR})
}

// Unlink implements Linux syscall unlink(2) (the legacy number).
func Unlink(t *kernel.Task, a *Args) (uintptr, error) {
	return Unlinkat(t, &Args{uintptr(atFDCWD), a[0], 0})
}

// Mknod implements Linux syscall mknod(2) (the legacy number).
func Mknod(t *kernel.Task, a *Args) (uintptr, error) {
	return Mknodat(t, &Args{uintptr(atFDCWD), a[0], a[1], a[2]})
}

// Symlink implements Linux syscall symlink(2) (the legacy number).
func Symlink(t *kernel.Task, a *Args) (uintptr, error) {
	return Symlinkat(t, &Args{a[0], uintptr(atFDCWD), a[1]})
}

// Readlink implements Linux syscall readlink(2) (the legacy number).
func Readlink(t *kernel.Task, a *Args) (uintptr, error) {
	return Readlinkat(t, &Args{uintptr(atFDCWD), a[0], a[1], a[2]})
}
