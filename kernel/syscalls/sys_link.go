package syscalls

import (
	"liblinux/abi"
	"liblinux/kernel"
	"liblinux/kernel/vfs"
)

func init() {
	register(abi.SYS_LINKAT, Linkat)
	register(abi.SYS_RENAMEAT, Renameat)
	register(abi.SYS_RENAMEAT2, Renameat2)
	register(abi.SYS_LINK, Link)
	register(abi.SYS_RENAME, Rename)
}

// Linkat implements Linux syscall linkat(2). AT_SYMLINK_FOLLOW follows a
// trailing symlink of the old path; AT_EMPTY_PATH links the file olddirfd
// refers to, which needs CAP_DAC_READ_SEARCH unless the caller opened it
// with its current credentials (ENOENT otherwise), as Linux 6.10 and
// later allow.
func Linkat(t *kernel.Task, a *Args) (uintptr, error) {
	flags := a.Int(4)
	if flags&^(abi.AT_SYMLINK_FOLLOW|abi.AT_EMPTY_PATH) != 0 {
		return 0, abi.EINVAL
	}
	oldPath, err := copyInPath(a.Ptr(1))
	if err != nil {
		return 0, err
	}
	newPath, err := copyInPath(a.Ptr(3))
	if err != nil {
		return 0, err
	}
	olddirfd := a.Int(0)
	if oldPath == "" && flags&abi.AT_EMPTY_PATH != 0 && olddirfd != abi.AT_FDCWD {
		f, err := getFile(t, olddirfd)
		if err != nil {
			return 0, err
		}
		opener := f.Opener()
		f.DecRef()
		if opener != t.Creds() && !t.Creds().HasCap(abi.CAP_DAC_READ_SEARCH) {
			return 0, abi.ENOENT
		}
	}
	old, err := resolveAt(t, olddirfd, oldPath, flags&abi.AT_EMPTY_PATH, flags&abi.AT_SYMLINK_FOLLOW != 0)
	if err != nil {
		return 0, err
	}
	defer old.release()
	w, err := at(t, a.Int(2), newPath, false)
	if err != nil {
		return 0, err
	}
	return 0, w.Link(old.p, newPath)
}

// Renameat implements Linux syscall renameat(2).
func Renameat(t *kernel.Task, a *Args) (uintptr, error) {
	return rename(t, a, 0)
}

// Renameat2 implements Linux syscall renameat2(2): RENAME_NOREPLACE,
// RENAME_EXCHANGE (not with the others: EINVAL) and RENAME_WHITEOUT.
func Renameat2(t *kernel.Task, a *Args) (uintptr, error) {
	flags := a.Uint(4)
	if flags&^vfs.RenameFlags != 0 {
		return 0, abi.EINVAL
	}
	if flags&(abi.RENAME_NOREPLACE|abi.RENAME_WHITEOUT) != 0 && flags&abi.RENAME_EXCHANGE != 0 {
		return 0, abi.EINVAL
	}
	return rename(t, a, flags)
}

func rename(t *kernel.Task, a *Args, flags uint32) (uintptr, error) {
	oldPath, err := copyInPath(a.Ptr(1))
	if err != nil {
		return 0, err
	}
	newPath, err := copyInPath(a.Ptr(3))
	if err != nil {
		return 0, err
	}
	ow, err := at(t, a.Int(0), oldPath, false)
	if err != nil {
		return 0, err
	}
	nw, err := at(t, a.Int(2), newPath, false)
	if err != nil {
		return 0, err
	}
	return 0, vfs.Rename(t, &ow, oldPath, &nw, newPath, flags)
}

// Link implements Linux syscall link(2) (the legacy number).
func Link(t *kernel.Task, a *Args) (uintptr, error) {
	return Linkat(t, &Args{uintptr(atFDCWD), a[0], uintptr(atFDCWD), a[1], 0})
}

// Rename implements Linux syscall rename(2) (the legacy number).
func Rename(t *kernel.Task, a *Args) (uintptr, error) {
	return Renameat(t, &Args{uintptr(atFDCWD), a[0], uintptr(atFDCWD), a[1]})
}
