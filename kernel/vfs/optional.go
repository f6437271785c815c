package vfs

import (
	"liblinux/abi"
	"liblinux/kernel/usermem"
)

// The interfaces in this file are features only some filesystems have.
// The VFS finds them by type assertion; without one it answers as Linux
// does for a filesystem that lacks the operation.

// Tmpfiler is implemented by directory inodes that can make unnamed files
// (open(2) with O_TMPFILE). Without it O_TMPFILE gives EOPNOTSUPP.
type Tmpfiler interface {
	// Tmpfile returns a new regular file with no name and a link count of
	// zero; a later Link gives it one.
	Tmpfile(ctx Context, o CreateOpts) (Inode, error)
}

// Xattrer is implemented by inodes that keep extended attributes. The VFS
// has checked the name's namespace and the caller's permission; names are
// full ("user.foo"). Without it every name gives EOPNOTSUPP and the list
// is empty.
type Xattrer interface {
	// GetXattr returns the value: ENODATA if the name is not set.
	GetXattr(ctx Context, name string) ([]byte, error)
	// SetXattr sets a value. flags are XATTR_CREATE (EEXIST if set) and
	// XATTR_REPLACE (ENODATA if not set); ENOSPC if out of room.
	SetXattr(ctx Context, name string, value []byte, flags uint32) error
	// ListXattr returns every name, in the order listxattr(2) shows them.
	ListXattr(ctx Context) ([]string, error)
	// RemoveXattr removes a name: ENODATA if it is not set.
	RemoveXattr(ctx Context, name string) error
}

// Allocator is implemented by FileOps of files that support fallocate(2).
// The VFS has checked the mode bits every filesystem shares, the access
// mode and the range.
type Allocator interface {
	// Allocate applies mode (0, FALLOC_FL_KEEP_SIZE, PUNCH_HOLE|KEEP_SIZE
	// and whatever else the filesystem supports: EOPNOTSUPP otherwise) to
	// [off, off+length).
	Allocate(ctx Context, mode uint32, off, length int64) error
}

// DirectIOer is implemented by FileOps of files that accept O_DIRECT
// (Linux's FMODE_CAN_ODIRECT): regular files of tmpfs and ext4, block
// devices and pipes. open(2) with O_DIRECT of anything else, FIFOs
// included, gives EINVAL, and so does F_SETFL (FIFOs excepted: once open
// they are pipes). liblinux's direct I/O goes through the same cache as
// buffered I/O; it does not require aligned buffers.
type DirectIOer interface{ DirectIO() }

// PageCacher is implemented by FileOps of files whose data Linux keeps in
// the page cache: regular files of tmpfs and ext4, and block devices.
// splice(2) and sendfile(2) from such a file into a pipe (unless it is
// open O_DIRECT) fill each pipe slot with what is left of one page of the
// file, from the offset's place in it; from other files each slot takes
// a whole page.
type PageCacher interface{ PageCache() }

// checkDirect refuses O_DIRECT for a file of type typ opened as ops,
// releasing ops, as Linux's do_dentry_open does after the open.
func checkDirect(ops FileOps, typ, flags uint32) error {
	if flags&abi.O_DIRECT == 0 {
		return nil
	}
	if _, ok := ops.(DirectIOer); ok && typ != abi.S_IFIFO {
		return nil
	}
	ops.Release()
	return abi.EINVAL
}

// CanDirectIO reports whether F_SETFL may set O_DIRECT on f.
func CanDirectIO(f *File) bool {
	_, ok := f.ops.(DirectIOer)
	return ok
}

// Syncer is implemented by FileOps of files that fsync(2) accepts. Without
// it fsync and fdatasync give EINVAL, as for Linux files whose
// file_operations have no fsync.
type Syncer interface {
	Fsync(ctx Context, datasync bool) error
}

// AppendWriter is implemented by FileOps that append atomically and report
// where the write ended, for O_APPEND's file position.
type AppendWriter interface {
	WriteAppend(ctx Context, src *usermem.IO) (n int, end int64, err error)
}

// Sealable is implemented by FileOps of files that support F_ADD_SEALS and
// F_GET_SEALS (tmpfs files; only memfd files start unsealed). Without it
// both commands give EINVAL.
type Sealable interface {
	// Seals returns the current F_SEAL_* set.
	Seals() uint32
	// AddSeals adds seals through f:
	//  - EPERM: F_SEAL_SEAL is set, or f is not open for writing.
	//  - EINVAL: unknown seal bits.
	//  - EBUSY: F_SEAL_WRITE while the file has writable mappings.
	AddSeals(f *File, seals uint32) error
}

// StatFSer is implemented by a Superblock's FS to report its usage for
// statfs(2). The VFS fills in f_flags, and f_fsid, f_namelen and f_frsize
// when they are zero. Without it statfs reports only the magic number
// (Superblock.Magic), f_bsize 4096 and f_namelen 255, as Linux's
// simple_statfs.
type StatFSer interface {
	StatFS(ctx Context) (abi.Statfs, error)
}

// Remounter is implemented by a Superblock's FS that takes new options on
// mount(2) with MS_REMOUNT. flags are the new superblock flags (MS_RDONLY
// and friends); data is the options string. Without it a remount changes
// only the flags.
type Remounter interface {
	Remount(ctx Context, flags uint64, data string) error
}

// FSSyncer is implemented by a Superblock's FS that writes back on sync(2)
// and syncfs(2).
type FSSyncer interface {
	SyncFS(ctx Context) error
}

// Options is implemented by a Superblock's FS whose /proc/mounts options
// change after mount (remount): it returns them without the leading
// rw/ro and the per-mount flags, e.g. "size=1024k,mode=755". Without it
// Superblock.Opts is shown.
type Options interface {
	MountOptions() string
}
