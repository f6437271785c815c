package syscalls

import (
	"liblinux/abi"
	"liblinux/kernel"
)

func init() {
	register(abi.SYS_CLOSE_RANGE, CloseRange)
}

// CloseRange implements Linux syscall close_range(2): it closes, or with
// CLOSE_RANGE_CLOEXEC marks close-on-exec, every open descriptor from
// first to last. EINVAL for unknown flags or first > last.
//
// CLOSE_RANGE_UNSHARE is accepted and has no further effect: descriptor
// tables belong to processes (thread groups) in liblinux and a thread
// cannot take a private copy, so the range is closed in the table the
// process's threads share.
func CloseRange(t *kernel.Task, a *Args) (uintptr, error) {
	first, last, flags := a.Uint(0), a.Uint(1), a.Uint(2)
	if flags&^(abi.CLOSE_RANGE_UNSHARE|abi.CLOSE_RANGE_CLOEXEC) != 0 || first > last {
		return 0, abi.EINVAL
	}
	files := t.Group().Files()
	for _, fd := range files.Fds() {
		if uint32(fd) < first || uint32(fd) > last {
			continue
		}
		if flags&abi.CLOSE_RANGE_CLOEXEC != 0 {
			files.SetCloexec(fd, true)
		} else if f, err := files.Remove(fd); err == nil {
			f.DecRef()
		}
	}
	return 0, nil
}
