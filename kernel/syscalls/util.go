package syscalls

import (
	"liblinux/abi"
	"liblinux/kernel"
	"liblinux/kernel/usermem"
	"liblinux/kernel/vfs"
)

// copyInPath reads a path argument: EFAULT for a bad pointer,
// ENAMETOOLONG past PATH_MAX.
func copyInPath(a usermem.Addr) (string, error) {
	return usermem.CopyInString(a, vfs.PathMax-1, abi.ENAMETOOLONG)
}

// walker returns a path walker for t starting at dirfd (AT_FDCWD or an
// open directory), as the *at calls resolve relative paths. path is
// needed because an absolute path ignores dirfd entirely.
func walker(t *kernel.Task, dirfd int32, path string) (*vfs.Walker, error) {
	g := t.Group()
	root, cwd := g.FS().RootCwd()
	w := &vfs.Walker{V: t.Kernel().VFS, Ctx: t, Root: root, Start: cwd}
	if dirfd == abi.AT_FDCWD || (path != "" && path[0] == '/') {
		return w, nil
	}
	f, err := g.Files().Get(dirfd)
	if err != nil {
		return nil, err
	}
	defer f.DecRef()
	p := f.Path()
	if p.D == nil {
		return nil, abi.ENOTDIR
	}
	if a := p.D.Attr(); !a.IsDir() {
		if path == "" {
			w.Start = p
			return w, nil
		}
		return nil, abi.ENOTDIR
	}
	w.Start = p
	return w, nil
}

// getFile returns the file for fd with a reference the caller drops.
func getFile(t *kernel.Task, fd int32) (*vfs.File, error) {
	return t.Group().Files().Get(fd)
}

// getFileNoPath is getFile for calls that need an open file, as Linux's
// fdget (getFile is fdget_raw): EBADF for an O_PATH descriptor too.
func getFileNoPath(t *kernel.Task, fd int32) (*vfs.File, error) {
	f, err := getFile(t, fd)
	if err == nil && f.IsPath() {
		f.DecRef()
		return nil, abi.EBADF
	}
	return f, err
}

// installFile puts f in the lowest free descriptor and drops the caller's
// reference to it.
func installFile(t *kernel.Task, f *vfs.File, cloexec bool) (uintptr, error) {
	g := t.Group()
	fd, err := g.Files().Install(f, 0, cloexec, g.Rlimit(abi.RLIMIT_NOFILE).Cur)
	f.DecRef()
	if err != nil {
		return 0, err
	}
	return uintptr(fd), nil
}

// copyOutStruct marshals v into a stack buffer and copies it out.
type marshaler interface{ MarshalTo(b []byte) }

func copyOut(a usermem.Addr, v marshaler, size int) error {
	var buf [512]byte
	var b []byte
	if size <= len(buf) {
		b = buf[:size]
	} else {
		b = make([]byte, size)
	}
	v.MarshalTo(b)
	return usermem.CopyOut(a, b)
}
