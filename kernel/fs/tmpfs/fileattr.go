package tmpfs

import (
	"liblinux/abi"
	"liblinux/kernel/vfs"
)

// Attribute flags tmpfs keeps, as Linux's shmem: immutable, append-only,
// nodump and noatime (case folding needs an encoding, which liblinux's
// tmpfs never has). New inodes inherit nodump and noatime from their
// directory.
const (
	modifiableFlags = abi.FS_IMMUTABLE_FL | abi.FS_APPEND_FL | abi.FS_NODUMP_FL | abi.FS_NOATIME_FL
	inheritedFlags  = abi.FS_NODUMP_FL | abi.FS_NOATIME_FL
)

var _ vfs.Flagger = (*inode)(nil)

// inheritFlags gives a new inode in dir the flags it inherits.
func (i *inode) inheritFlags(dir *inode) { i.flags.Store(dir.flags.Load() & inheritedFlags) }

// InodeFlags implements vfs.Flagger: regular files and directories take
// the flag ioctls.
func (i *inode) InodeFlags() (uint32, bool) {
	return i.flags.Load(), i.typ == abi.S_IFREG || i.typ == abi.S_IFDIR
}

// SetInodeFlags implements vfs.Flagger, as Linux's shmem_fileattr_set:
// EOPNOTSUPP for a flag tmpfs does not keep; the change time moves.
func (i *inode) SetInodeFlags(ctx vfs.Context, flags uint32) error {
	if flags&^modifiableFlags != 0 {
		return abi.EOPNOTSUPP
	}
	now := ctx.Now()
	i.mu.Lock()
	defer i.mu.Unlock()
	i.flags.Store(flags)
	i.attr.Ctime = now
	return nil
}
