package locks

import (
	"liblinux/abi"
	"liblinux/kernel/vfs"
)

// flockLock is a flock(2) lock: a whole-file lock of one open file.
type flockLock struct {
	file *vfs.File
	typ  int16 // F_RDLCK (LOCK_SH) or F_WRLCK (LOCK_EX)
}

// Flock implements flock(2) for f: typ is F_RDLCK (LOCK_SH), F_WRLCK
// (LOCK_EX) or F_UNLCK (LOCK_UN). A lock of the other type that f already
// holds is dropped before the new one is tried, so a conversion that has
// to wait (or fails with EAGAIN, when wait is false) leaves f without a
// lock, as in Linux. Waiting ends with EINTR if it is interrupted.
func (t *Table) Flock(ctx vfs.Context, f *vfs.File, typ int16, wait bool) error {
	key := keyOf(f)
	t.mu.Lock()
	defer t.mu.Unlock()
	for {
		il := t.inodeLocked(key, typ != abi.F_UNLCK)
		if il == nil {
			return nil
		}
		for i, fl := range il.flocks {
			if fl.file != f {
				continue
			}
			if fl.typ == typ {
				return nil
			}
			il.flocks = append(il.flocks[:i], il.flocks[i+1:]...)
			wakeLocked(il)
			break
		}
		if typ == abi.F_UNLCK {
			t.putLocked(key, il)
			return nil
		}
		if flockConflictLocked(il, f, typ) {
			if !wait {
				t.putLocked(key, il)
				return abi.EAGAIN
			}
			if err := t.block(ctx, key, il); err != nil {
				return err
			}
			continue
		}
		t.fileLocked(f, key)
		il.flocks = append(il.flocks, &flockLock{file: f, typ: typ})
		return nil
	}
}

// flockConflictLocked reports whether another open file holds a flock
// lock that excludes typ. Preconditions: the table's mu is held.
func flockConflictLocked(il *inodeLocks, f *vfs.File, typ int16) bool {
	for _, fl := range il.flocks {
		if fl.file != f && (fl.typ == abi.F_WRLCK || typ == abi.F_WRLCK) {
			return true
		}
	}
	return false
}
