package syscalls

import (
	"liblinux/abi"
	"liblinux/kernel"
	"liblinux/kernel/usermem"
	"liblinux/kernel/vfs"
)

func init() {
	register(abi.SYS_FSTAT, Fstat)
	register(abi.SYS_NEWFSTATAT, Newfstatat)
	register(abi.SYS_STAT, Stat)
	register(abi.SYS_LSTAT, Lstat)
}

// target is what a call with a dirfd, a path and AT_* flags names: a
// location, or (with AT_EMPTY_PATH) an open file that may have none,
// such as a pipe. The caller drops f's reference.
type target struct {
	p vfs.Path
	f *vfs.File
}

func (t *target) release() {
	if t.f != nil {
		t.f.DecRef()
	}
}

// attr returns the attributes of what t names.
func (t *target) attr() (vfs.Attr, error) {
	if t.p.D != nil {
		return t.p.D.Attr(), nil
	}
	return t.f.Attr()
}

// resolveAt resolves path relative to dirfd as the *at calls do: a
// trailing symlink is followed unless AT_SYMLINK_NOFOLLOW is in flags
// (follow inverts that for calls that take AT_SYMLINK_FOLLOW); with
// AT_EMPTY_PATH an empty path names dirfd itself.
func resolveAt(t *kernel.Task, dirfd int32, path string, flags int32, follow bool) (target, error) {
	empty := flags&abi.AT_EMPTY_PATH != 0
	if path == "" && empty {
		if dirfd == abi.AT_FDCWD {
			return target{p: t.Group().FS().Cwd()}, nil
		}
		f, err := getFile(t, dirfd)
		if err != nil {
			return target{}, err
		}
		if f.Path().D != nil {
			tg := target{p: f.Path(), f: f}
			return tg, nil
		}
		return target{f: f}, nil
	}
	w, err := at(t, dirfd, path, false)
	if err != nil {
		return target{}, err
	}
	wf := 0
	if !follow {
		wf = vfs.WalkNoFollow
	}
	p, err := w.Resolve(path, wf)
	if err != nil {
		return target{}, err
	}
	return target{p: p}, nil
}

// copyInPathEmpty reads a path that may be NULL when AT_EMPTY_PATH is set
// (statx and fstatat allow that, as Linux's vfs_empty_path).
func copyInPathEmpty(addr usermem.Addr, flags int32) (string, error) {
	if addr == 0 && flags&abi.AT_EMPTY_PATH != 0 {
		return "", nil
	}
	return copyInPath(addr)
}

// copyOutStat writes attributes as struct stat, without allocating.
func copyOutStat(addr usermem.Addr, at *vfs.Attr) error {
	var b [abi.SizeofStat]byte
	st := statOf(at)
	st.MarshalTo(b[:])
	return usermem.CopyOut(addr, b[:])
}

// statOf converts VFS attributes to struct stat.
func statOf(at *vfs.Attr) abi.Stat {
	return abi.Stat{
		Dev:       at.Dev,
		Ino:       at.Ino,
		Mode:      at.Mode,
		Nlink:     at.Nlink,
		UID:       at.UID,
		GID:       at.GID,
		Rdev:      uint64(at.Rdev),
		Size:      at.Size,
		Blksize:   at.Blksize,
		Blocks:    at.Blocks,
		Atime:     at.Atime.Sec,
		AtimeNsec: uint64(at.Atime.Nsec),
		Mtime:     at.Mtime.Sec,
		MtimeNsec: uint64(at.Mtime.Nsec),
		Ctime:     at.Ctime.Sec,
		CtimeNsec: uint64(at.Ctime.Nsec),
	}
}

// Fstat implements Linux syscall fstat(2) (newfstat). O_PATH files work.
func Fstat(t *kernel.Task, a *Args) (uintptr, error) {
	f, err := getFile(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	defer f.DecRef()
	at, err := f.Attr()
	if err != nil {
		return 0, err
	}
	return 0, copyOutStat(a.Ptr(1), &at)
}

// statAt resolves the path at pathAddr for newfstatat and statx (flags
// AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH, AT_NO_AUTOMOUNT and the
// AT_STATX_SYNC_* modes; EINVAL for others) and reads its attributes. The
// caller releases the target.
func statAt(t *kernel.Task, dirfd int32, pathAddr usermem.Addr, flags int32) (target, vfs.Attr, error) {
	path, err := copyInPathEmpty(pathAddr, flags)
	if err != nil {
		return target{}, vfs.Attr{}, err
	}
	if flags&^(abi.AT_SYMLINK_NOFOLLOW|abi.AT_EMPTY_PATH|abi.AT_NO_AUTOMOUNT|abi.AT_STATX_SYNC_TYPE) != 0 {
		return target{}, vfs.Attr{}, abi.EINVAL
	}
	tg, err := resolveAt(t, dirfd, path, flags, flags&abi.AT_SYMLINK_NOFOLLOW == 0)
	if err != nil {
		return target{}, vfs.Attr{}, err
	}
	at, err := tg.attr()
	if err != nil {
		tg.release()
		return target{}, vfs.Attr{}, err
	}
	return tg, at, nil
}

// Newfstatat implements Linux syscall newfstatat(2).
func Newfstatat(t *kernel.Task, a *Args) (uintptr, error) {
	dirfd, flags := a.Int(0), a.Int(3)
	tg, at, err := statAt(t, dirfd, a.Ptr(1), flags)
	if err != nil {
		return 0, err
	}
	defer tg.release()
	return 0, copyOutStat(a.Ptr(2), &at)
}

// Stat implements Linux syscall stat(2) (the legacy number).
func Stat(t *kernel.Task, a *Args) (uintptr, error) {
	return Newfstatat(t, &Args{uintptr(atFDCWD), a[0], a[1], 0})
}

// Lstat implements Linux syscall lstat(2) (the legacy number).
func Lstat(t *kernel.Task, a *Args) (uintptr, error) {
	return Newfstatat(t, &Args{uintptr(atFDCWD), a[0], a[1], abi.AT_SYMLINK_NOFOLLOW})
}
