package vfs

import (
	"liblinux/abi"
	"liblinux/kernel/usermem"
	"liblinux/kernel/waiter"
)

// Time is a timestamp in seconds and nanoseconds since the epoch.
type Time struct {
	Sec  int64
	Nsec int64
}

// TimeFromNanos converts nanoseconds since the epoch to a Time.
func TimeFromNanos(ns int64) Time {
	t := Time{ns / 1e9, ns % 1e9}
	if t.Nsec < 0 {
		t.Sec--
		t.Nsec += 1e9
	}
	return t
}

// Before reports whether t is earlier than u.
func (t Time) Before(u Time) bool {
	return t.Sec < u.Sec || t.Sec == u.Sec && t.Nsec < u.Nsec
}

// Creds are the credentials a filesystem operation runs with.
type Creds struct {
	UID, EUID, SUID, FSUID uint32
	GID, EGID, SGID, FSGID uint32
	Groups                 []uint32
	CapEffective           uint64
	CapPermitted           uint64
	CapInheritable         uint64
}

// RootCreds returns the credentials of the initial task: uid 0 with every
// capability.
func RootCreds() *Creds {
	const all = 1<<(abi.CAP_LAST_CAP+1) - 1
	return &Creds{CapEffective: all, CapPermitted: all}
}

// HasCap reports whether c has capability cap in its effective set.
func (c *Creds) HasCap(cap int) bool { return c.CapEffective&(1<<uint(cap)) != 0 }

// InGroup reports whether gid is c's filesystem gid or a supplementary group.
func (c *Creds) InGroup(gid uint32) bool {
	if c.FSGID == gid {
		return true
	}
	for _, g := range c.Groups {
		if g == gid {
			return true
		}
	}
	return false
}

// Context is what a filesystem operation needs from the calling task.
type Context interface {
	// Creds returns the caller's credentials. They must not be modified.
	Creds() *Creds
	// Now returns CLOCK_REALTIME, for timestamps.
	Now() Time
	// Block waits until ev fires, the CLOCK_MONOTONIC deadline passes
	// (ETIMEDOUT; 0 means no deadline) or the wait is interrupted (EINTR,
	// e.g. the kernel halts). It may return nil without a new firing:
	// callers check their condition again.
	Block(ev *waiter.Event, deadline int64) error
}

// Attr is an inode's attributes, as stat(2) and statx(2) report them.
type Attr struct {
	Ino     uint64
	Dev     uint64 // filled in by the VFS from the superblock
	Mode    uint32 // file type and permission bits
	Nlink   uint32
	UID     uint32
	GID     uint32
	Rdev    uint32 // device number (Linux's new_encode_dev form)
	Size    int64
	Blocks  int64 // 512-byte blocks allocated
	Blksize int32
	Atime   Time
	Mtime   Time
	Ctime   Time
	Btime   Time // zero when the filesystem does not record it
}

// Type returns the S_IFMT bits of the mode.
func (a *Attr) Type() uint32 { return a.Mode & abi.S_IFMT }

// IsDir reports whether the inode is a directory.
func (a *Attr) IsDir() bool { return a.Type() == abi.S_IFDIR }

// SetAttr says which attributes to change; the VFS has checked permission
// and computed every value, timestamps included: a filesystem changes
// exactly what the mask names and nothing else.
type SetAttr struct {
	Mask  uint32 // SetMode, SetUID, ...
	Mode  uint32 // permission bits only
	UID   uint32
	GID   uint32
	Size  int64
	Atime Time
	Mtime Time
	Ctime Time
}

// SetAttr mask bits.
const (
	SetMode uint32 = 1 << iota
	SetUID
	SetGID
	SetSize
	SetAtime
	SetMtime
	SetCtime
)

// CreateOpts describes a new inode: its full mode (type and permission bits
// after the umask), owner and, for device nodes, device number.
type CreateOpts struct {
	Mode uint32
	UID  uint32
	GID  uint32
	Rdev uint32
}

// Dirent is one directory entry as ReadDir emits it.
type Dirent struct {
	Name string
	Ino  uint64
	Type uint8 // DT_*
	Next int64 // offset of the entry after this one
}

// Inode is what a filesystem implements for each of its files. The VFS
// calls directory methods with the directory's Dentry.mu held for writing,
// so a filesystem never sees two changes to one directory at once, and it
// makes every permission, type and existence check before the call.
// Embed InodeDefaults for Linux's answer to every operation a type lacks.
type Inode interface {
	// Attr returns the current attributes.
	Attr() Attr
	// SetAttr changes attributes. SetSize is only asked of regular files.
	//  - EFBIG: the size is beyond what the filesystem stores.
	//  - EPERM: a seal forbids the change.
	SetAttr(ctx Context, s *SetAttr) error

	// Lookup finds name in a directory: ENOENT if absent.
	Lookup(ctx Context, name string) (Inode, error)
	// Create makes a regular file, FIFO, socket or device node.
	//  - ENOSPC: no room for another inode.
	Create(ctx Context, name string, o CreateOpts) (Inode, error)
	// Mkdir makes a directory.
	Mkdir(ctx Context, name string, o CreateOpts) (Inode, error)
	// Symlink makes a symbolic link to target.
	//  - ENAMETOOLONG: the target is longer than the filesystem keeps.
	Symlink(ctx Context, name, target string, o CreateOpts) (Inode, error)
	// Link adds a name for target (a non-directory of the same
	// filesystem).
	Link(ctx Context, name string, target Inode) error
	// Unlink removes a non-directory name.
	Unlink(ctx Context, name string) error
	// Rmdir removes a directory name.
	//  - ENOTEMPTY: the directory has entries.
	Rmdir(ctx Context, name string) error
	// Rename moves oldName to newDir/newName with the RENAME_* flags.
	// The VFS has checked the names exist (or not, for NOREPLACE), the
	// types match and permissions; the filesystem checks emptiness.
	//  - ENOTEMPTY: a directory being replaced has entries.
	//  - EINVAL: a flag the filesystem does not support.
	Rename(ctx Context, oldName string, newDir Inode, newName string, flags uint32) error
	// ReadDir emits entries from offset off (0 is the start; "." and ".."
	// are the filesystem's to emit) until emit returns false.
	ReadDir(ctx Context, off int64, emit func(Dirent) bool) error

	// Readlink returns a symlink's target.
	Readlink(ctx Context) (string, error)

	// Open returns the operations of a new open file. flags are the
	// open(2) flags; the VFS has checked access.
	Open(ctx Context, flags uint32) (FileOps, error)
}

// FileOps is one open file description's I/O.
type FileOps interface {
	// Read copies file data at off into dst. Stream files ignore off.
	Read(ctx Context, dst *usermem.IO, off int64) (int, error)
	// Write copies src into the file at off. Stream files ignore off;
	// off -1 asks a regular file to append.
	Write(ctx Context, src *usermem.IO, off int64) (int, error)
	// Release is called once, when the last reference to the file goes.
	Release()
}

// Streamer is implemented by FileOps without a file position (pipes,
// sockets, character devices that ignore it).
type Streamer interface{ Stream() bool }

// Seeker is implemented by FileOps that compute lseek themselves (procfs
// files, directories with cookies, SEEK_DATA/SEEK_HOLE).
type Seeker interface {
	Seek(ctx Context, cur, off int64, whence int) (int64, error)
}

// DirReader is implemented by FileOps of directories whose listing is not
// the inode's ReadDir (rare; most directories use the inode).
type DirReader interface {
	ReadDir(ctx Context, off int64, emit func(Dirent) bool) error
}
