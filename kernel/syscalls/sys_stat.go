package syscalls

import (
	"liblinux/abi"
	"liblinux/kernel"
	"liblinux/kernel/vfs"
)

func init() {
	register(abi.SYS_FSTAT, Fstat)
	register(abi.SYS_NEWFSTATAT, Newfstatat)
}

// statOf converts VFS attributes to struct stat.
func statOf(at vfs.Attr) abi.Stat {
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

// Fstat implements Linux syscall fstat(2) (newfstat).
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
	st := statOf(at)
	return 0, copyOut(a.Ptr(1), &st, abi.SizeofStat)
}

// Newfstatat implements Linux syscall newfstatat(2).
func Newfstatat(t *kernel.Task, a *Args) (uintptr, error) {
	dirfd, flags := a.Int(0), a.Int(3)
	if flags&^(abi.AT_SYMLINK_NOFOLLOW|abi.AT_EMPTY_PATH|abi.AT_NO_AUTOMOUNT) != 0 {
		return 0, abi.EINVAL
	}
	path, err := copyInPath(a.Ptr(1))
	if err != nil {
		return 0, err
	}
	var at vfs.Attr
	if path == "" && flags&abi.AT_EMPTY_PATH != 0 {
		if dirfd == abi.AT_FDCWD {
			at = t.Group().FS().Cwd().D.Attr()
		} else {
			f, err := getFile(t, dirfd)
			if err != nil {
				return 0, err
			}
			at, err = f.Attr()
			f.DecRef()
			if err != nil {
				return 0, err
			}
		}
	} else {
		w, err := walker(t, dirfd, path)
		if err != nil {
			return 0, err
		}
		wf := 0
		if flags&abi.AT_SYMLINK_NOFOLLOW != 0 {
			wf = vfs.WalkNoFollow
		}
		if at, err = w.Stat(path, wf); err != nil {
			return 0, err
		}
	}
	st := statOf(at)
	return 0, copyOut(a.Ptr(2), &st, abi.SizeofStat)
}
