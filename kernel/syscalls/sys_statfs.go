package syscalls

import (
	"liblinux/abi"
	"liblinux/kernel"
	"liblinux/kernel/vfs"
)

func init() {
	register(abi.SYS_STATFS, Statfs)
	register(abi.SYS_FSTATFS, Fstatfs)
}

// Statfs implements Linux syscall statfs(2).
func Statfs(t *kernel.Task, a *Args) (uintptr, error) {
	w, path, err := pathWalker(t, abi.AT_FDCWD, a.Ptr(0))
	if err != nil {
		return 0, err
	}
	p, err := w.Resolve(path, 0)
	if err != nil {
		return 0, err
	}
	st, err := vfs.StatFS(t, p)
	if err != nil {
		return 0, err
	}
	return 0, copyOut(a.Ptr(1), &st, abi.SizeofStatfs)
}

// Fstatfs implements Linux syscall fstatfs(2); O_PATH files work. Files
// outside the tree (pipes) report their kind's magic number.
func Fstatfs(t *kernel.Task, a *Args) (uintptr, error) {
	f, err := getFile(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	defer f.DecRef()
	var st abi.Statfs
	if p := f.Path(); p.D != nil {
		if st, err = vfs.StatFS(t, p); err != nil {
			return 0, err
		}
	} else {
		st = anonStatfs(f)
	}
	return 0, copyOut(a.Ptr(1), &st, abi.SizeofStatfs)
}

// anonStatfs is what fstatfs reports for a file of an internal
// filesystem: pipefs for pipes and FIFOs' pipes, anon_inodefs for the
// rest (epoll, eventfd, timerfd), as Linux's simple_statfs.
func anonStatfs(f *vfs.File) abi.Statfs {
	st := abi.Statfs{Bsize: 4096, Namelen: vfs.NameMax, Frsize: 4096, Flags: abi.ST_VALID}
	st.Type = abi.ANON_INODE_FS_MAGIC
	if a, err := f.Attr(); err == nil && a.Type() == abi.S_IFIFO {
		st.Type = abi.PIPEFS_MAGIC
	}
	return st
}
