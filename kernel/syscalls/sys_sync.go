package syscalls

import (
	"liblinux/abi"
	"liblinux/kernel"
	"liblinux/kernel/vfs"
)

func init() {
	register(abi.SYS_SYNC, Sync)
	register(abi.SYS_SYNCFS, Syncfs)
	register(abi.SYS_FSYNC, Fsync)
	register(abi.SYS_FDATASYNC, Fdatasync)
	register(abi.SYS_SYNC_FILE_RANGE, SyncFileRange)
}

// Sync implements Linux syscall sync(2): every filesystem, then every
// disk, is written back. It never fails.
func Sync(t *kernel.Task, a *Args) (uintptr, error) {
	k := t.Kernel()
	k.VFS.SyncAll(t)
	k.SyncDisks()
	return 0, nil
}

// Syncfs implements Linux syscall syncfs(2): the filesystem of fd (any
// file but an O_PATH one: pipes sync their internal filesystem, which
// has nothing to do).
func Syncfs(t *kernel.Task, a *Args) (uintptr, error) {
	f, err := getFileNoPath(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	defer f.DecRef()
	if p := f.Path(); p.D != nil {
		return 0, vfs.SyncFS(t, p.D.Superblock())
	}
	return 0, nil
}

func fsync(t *kernel.Task, a *Args, datasync bool) (uintptr, error) {
	f, err := getFile(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	defer f.DecRef()
	return 0, f.Fsync(t, datasync)
}

// Fsync implements Linux syscall fsync(2): EINVAL for files that cannot
// be synced (pipes, sockets, most devices).
func Fsync(t *kernel.Task, a *Args) (uintptr, error) { return fsync(t, a, false) }

// Fdatasync implements Linux syscall fdatasync(2).
func Fdatasync(t *kernel.Task, a *Args) (uintptr, error) { return fsync(t, a, true) }

// sync_file_range(2) flags (linux/fs.h).
const (
	syncFileRangeWaitBefore = 1
	syncFileRangeWrite      = 2
	syncFileRangeWaitAfter  = 4
)

// SyncFileRange implements Linux syscall sync_file_range(2), as Linux's
// ksys_sync_file_range: EINVAL for unknown flags or a bad range, ESPIPE
// for pipes, sockets and FIFOs; other files write back as fdatasync.
func SyncFileRange(t *kernel.Task, a *Args) (uintptr, error) {
	off, n, flags := a.Int64(1), a.Int64(2), a.Uint(3)
	f, err := getFileNoPath(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	defer f.DecRef()
	if flags&^(syncFileRangeWaitBefore|syncFileRangeWrite|syncFileRangeWaitAfter) != 0 {
		return 0, abi.EINVAL
	}
	if off < 0 || n < 0 || off+n < 0 {
		return 0, abi.EINVAL
	}
	at, err := f.Attr()
	if err != nil || !(at.Type() == abi.S_IFREG || at.Type() == abi.S_IFDIR || at.Type() == abi.S_IFBLK || at.Type() == abi.S_IFLNK) {
		return 0, abi.ESPIPE
	}
	if flags == 0 {
		return 0, nil
	}
	if s, ok := f.Ops().(vfs.Syncer); ok {
		return 0, s.Fsync(t, true)
	}
	return 0, nil
}
