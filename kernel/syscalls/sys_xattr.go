package syscalls

import (
	"liblinux/abi"
	"liblinux/kernel"
	"liblinux/kernel/usermem"
	"liblinux/kernel/vfs"
)

func init() {
	register(abi.SYS_SETXATTR, Setxattr)
	register(abi.SYS_LSETXATTR, Lsetxattr)
	register(abi.SYS_FSETXATTR, Fsetxattr)
	register(abi.SYS_GETXATTR, Getxattr)
	register(abi.SYS_LGETXATTR, Lgetxattr)
	register(abi.SYS_FGETXATTR, Fgetxattr)
	register(abi.SYS_LISTXATTR, Listxattr)
	register(abi.SYS_LLISTXATTR, Llistxattr)
	register(abi.SYS_FLISTXATTR, Flistxattr)
	register(abi.SYS_REMOVEXATTR, Removexattr)
	register(abi.SYS_LREMOVEXATTR, Lremovexattr)
	register(abi.SYS_FREMOVEXATTR, Fremovexattr)
}

// Extended attribute limits (linux/limits.h).
const (
	xattrNameMax = 255
	xattrSizeMax = 65536
	xattrListMax = 65536
)

// xattrName reads an attribute name: ERANGE if empty or longer than 255
// bytes.
func xattrName(addr usermem.Addr) (string, error) {
	name, err := usermem.CopyInString(addr, xattrNameMax, abi.ERANGE)
	if err != nil {
		return "", err
	}
	if name == "" {
		return "", abi.ERANGE
	}
	return name, nil
}

// xattrPath resolves the path of a path-based xattr call.
func xattrPath(t *kernel.Task, addr usermem.Addr, follow bool) (vfs.XattrTarget, error) {
	w, path, err := pathWalker(t, abi.AT_FDCWD, addr)
	if err != nil {
		return vfs.XattrTarget{}, err
	}
	wf := 0
	if !follow {
		wf = vfs.WalkNoFollow
	}
	p, err := w.Resolve(path, wf)
	if err != nil {
		return vfs.XattrTarget{}, err
	}
	return vfs.XattrTarget{P: p}, nil
}

// setxattrArgs reads the flags, name and value of setxattr, in Linux's
// order (setxattr_copy).
func setxattrArgs(a *Args) (name string, value []byte, flags uint32, err error) {
	flags = a.Uint(4)
	if flags&^(abi.XATTR_CREATE|abi.XATTR_REPLACE) != 0 {
		return "", nil, 0, abi.EINVAL
	}
	if name, err = xattrName(a.Ptr(1)); err != nil {
		return "", nil, 0, err
	}
	size := uint64(a[3])
	if size > 0 {
		if size > xattrSizeMax {
			return "", nil, 0, abi.E2BIG
		}
		value = make([]byte, size)
		if err := usermem.CopyIn(value, a.Ptr(2)); err != nil {
			return "", nil, 0, err
		}
	}
	return name, value, flags, nil
}

func setxattr(t *kernel.Task, a *Args, follow bool) (uintptr, error) {
	name, value, flags, err := setxattrArgs(a)
	if err != nil {
		return 0, err
	}
	tg, err := xattrPath(t, a.Ptr(0), follow)
	if err != nil {
		return 0, err
	}
	return 0, vfs.SetXattr(t, tg, name, value, flags)
}

// Setxattr implements Linux syscall setxattr(2).
func Setxattr(t *kernel.Task, a *Args) (uintptr, error) { return setxattr(t, a, true) }

// Lsetxattr implements Linux syscall lsetxattr(2).
func Lsetxattr(t *kernel.Task, a *Args) (uintptr, error) { return setxattr(t, a, false) }

// Fsetxattr implements Linux syscall fsetxattr(2).
func Fsetxattr(t *kernel.Task, a *Args) (uintptr, error) {
	f, err := getFileNoPath(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	defer f.DecRef()
	name, value, flags, err := setxattrArgs(a)
	if err != nil {
		return 0, err
	}
	return 0, vfs.SetXattr(t, vfs.TargetOf(f), name, value, flags)
}

// getxattrOut copies a value out as getxattr(2) does: size 0 asks for the
// length, a smaller buffer is ERANGE.
func getxattrOut(a *Args, value []byte, err error) (uintptr, error) {
	if err != nil {
		return 0, err
	}
	size := uint64(a[3])
	if size == 0 {
		return uintptr(len(value)), nil
	}
	if uint64(len(value)) > min(size, xattrSizeMax) {
		if size >= xattrSizeMax {
			return 0, abi.E2BIG
		}
		return 0, abi.ERANGE
	}
	return uintptr(len(value)), usermem.CopyOut(a.Ptr(2), value)
}

func getxattr(t *kernel.Task, a *Args, follow bool) (uintptr, error) {
	name, err := xattrName(a.Ptr(1))
	if err != nil {
		return 0, err
	}
	tg, err := xattrPath(t, a.Ptr(0), follow)
	if err != nil {
		return 0, err
	}
	v, err := vfs.GetXattr(t, tg, name)
	return getxattrOut(a, v, err)
}

// Getxattr implements Linux syscall getxattr(2).
func Getxattr(t *kernel.Task, a *Args) (uintptr, error) { return getxattr(t, a, true) }

// Lgetxattr implements Linux syscall lgetxattr(2).
func Lgetxattr(t *kernel.Task, a *Args) (uintptr, error) { return getxattr(t, a, false) }

// Fgetxattr implements Linux syscall fgetxattr(2).
func Fgetxattr(t *kernel.Task, a *Args) (uintptr, error) {
	f, err := getFileNoPath(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	defer f.DecRef()
	name, err := xattrName(a.Ptr(1))
	if err != nil {
		return 0, err
	}
	v, err := vfs.GetXattr(t, vfs.TargetOf(f), name)
	return getxattrOut(a, v, err)
}

// listxattrOut copies the names out, each NUL-terminated: size 0 asks for
// the length, a smaller buffer is ERANGE (E2BIG past 64 KiB).
func listxattrOut(a *Args, names []string, err error) (uintptr, error) {
	if err != nil {
		return 0, err
	}
	n := 0
	for _, s := range names {
		n += len(s) + 1
	}
	size := uint64(a[2])
	if size == 0 {
		return uintptr(n), nil
	}
	if uint64(n) > min(size, xattrListMax) {
		if size >= xattrListMax {
			return 0, abi.E2BIG
		}
		return 0, abi.ERANGE
	}
	b := make([]byte, 0, n)
	for _, s := range names {
		b = append(append(b, s...), 0)
	}
	return uintptr(n), usermem.CopyOut(a.Ptr(1), b)
}

func listxattr(t *kernel.Task, a *Args, follow bool) (uintptr, error) {
	tg, err := xattrPath(t, a.Ptr(0), follow)
	if err != nil {
		return 0, err
	}
	names, err := vfs.ListXattr(t, tg)
	return listxattrOut(a, names, err)
}

// Listxattr implements Linux syscall listxattr(2).
func Listxattr(t *kernel.Task, a *Args) (uintptr, error) { return listxattr(t, a, true) }

// Llistxattr implements Linux syscall llistxattr(2).
func Llistxattr(t *kernel.Task, a *Args) (uintptr, error) { return listxattr(t, a, false) }

// Flistxattr implements Linux syscall flistxattr(2).
func Flistxattr(t *kernel.Task, a *Args) (uintptr, error) {
	f, err := getFileNoPath(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	defer f.DecRef()
	names, err := vfs.ListXattr(t, vfs.TargetOf(f))
	return listxattrOut(a, names, err)
}

func removexattr(t *kernel.Task, a *Args, follow bool) (uintptr, error) {
	name, err := xattrName(a.Ptr(1))
	if err != nil {
		return 0, err
	}
	tg, err := xattrPath(t, a.Ptr(0), follow)
	if err != nil {
		return 0, err
	}
	return 0, vfs.RemoveXattr(t, tg, name)
}

// Removexattr implements Linux syscall removexattr(2).
func Removexattr(t *kernel.Task, a *Args) (uintptr, error) { return removexattr(t, a, true) }

// Lremovexattr implements Linux syscall lremovexattr(2).
func Lremovexattr(t *kernel.Task, a *Args) (uintptr, error) { return removexattr(t, a, false) }

// Fremovexattr implements Linux syscall fremovexattr(2).
func Fremovexattr(t *kernel.Task, a *Args) (uintptr, error) {
	f, err := getFileNoPath(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	defer f.DecRef()
	name, err := xattrName(a.Ptr(1))
	if err != nil {
		return 0, err
	}
	return 0, vfs.RemoveXattr(t, vfs.TargetOf(f), name)
}
