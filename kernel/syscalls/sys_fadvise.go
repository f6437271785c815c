package syscalls

import (
	"liblinux/abi"
	"liblinux/kernel"
	"liblinux/kernel/vfs"
)

func init() {
	register(abi.SYS_FADVISE64, Fadvise64)
	register(abi.SYS_READAHEAD, Readahead)
}

// Advice about the page cache is checked as Linux checks it and then has
// no effect: liblinux's caches (tmpfs's pages, the block cache under
// ext4) keep and drop pages by their own rules, as Linux does for a
// filesystem without a backing device (generic_fadvise with
// noop_backing_dev_info).

// Fadvise64 implements Linux syscall fadvise64(2) (posix_fadvise): EBADF
// for a bad or O_PATH descriptor, ESPIPE for a pipe or FIFO, EINVAL for a
// negative length or an unknown advice.
func Fadvise64(t *kernel.Task, a *Args) (uintptr, error) {
	f, err := getFileNoPath(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	defer f.DecRef()
	return 0, fadvise(f, int64(a[2]), a.Int(3))
}

// fadvise checks advice for length n of f, as Linux's generic_fadvise.
func fadvise(f *vfs.File, n int64, advice int32) error {
	if pipeOf(f) != nil {
		return abi.ESPIPE
	}
	if n < 0 {
		return abi.EINVAL
	}
	switch advice {
	case abi.POSIX_FADV_NORMAL, abi.POSIX_FADV_RANDOM, abi.POSIX_FADV_SEQUENTIAL,
		abi.POSIX_FADV_WILLNEED, abi.POSIX_FADV_DONTNEED, abi.POSIX_FADV_NOREUSE:
		return nil
	}
	return abi.EINVAL
}

// Readahead implements Linux syscall readahead(2): EBADF unless fd is
// open for reading, EINVAL unless it is a regular file or a block
// device; then POSIX_FADV_WILLNEED for count bytes.
func Readahead(t *kernel.Task, a *Args) (uintptr, error) {
	f, err := getFileNoPath(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	defer f.DecRef()
	if !f.Readable() {
		return 0, abi.EBADF
	}
	attr, err := f.Attr()
	if err != nil || attr.Type() != abi.S_IFREG && attr.Type() != abi.S_IFBLK {
		return 0, abi.EINVAL
	}
	return 0, fadvise(f, int64(a[2]), abi.POSIX_FADV_WILLNEED)
}
