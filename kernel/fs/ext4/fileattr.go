package ext4

import (
	"liblinux/abi"
	"liblinux/kernel/vfs"
)

// The i_flags users see and change (EXT4_FL_USER_VISIBLE and
// EXT4_FL_USER_MODIFIABLE), what lsattr and chattr work with.
const (
	flUserModifiable = flSecrm | 0x2 | 0x4 | flSync | flImmutable | flAppend | flNodump | flNoatime |
		flJournalData | 0x8000 | flDirsync | flTopdir | flExtents | 0x400000 | flDax | flProjinherit | flCasefold
	flUserVisible = flUserModifiable | 0x100 | 0x200 | 0x400 | flEncrypt | flIndex | flVerity | flInlineData

	flDax = 0x2000000
)

// maskFlags keeps the flags that mean something for an inode of mode
// (ext4_mask_flags): all on directories; on regular files all but the
// directory ones; on the rest only nodump and noatime.
func maskFlags(mode uint32, flags uint32) uint32 {
	switch mode & abi.S_IFMT {
	case abi.S_IFDIR:
		return flags
	case abi.S_IFREG:
		return flags &^ (flDirsync | flTopdir | flCasefold | flProjinherit)
	}
	return flags & (flNodump | flNoatime)
}

var _ vfs.Flagger = (*inode)(nil)

// InodeFlags implements vfs.Flagger: regular files and directories take
// the flag ioctls.
func (i *inode) InodeFlags() (uint32, bool) {
	i.mu.RLock()
	defer i.mu.RUnlock()
	t := i.typ()
	return i.d.flags & flUserVisible, t == abi.S_IFREG || t == abi.S_IFDIR
}

// SetInodeFlags implements vfs.Flagger (FS_IOC_SETFLAGS), as Linux's
// ext4_fileattr_set: a flag outside the visible set, or one that means
// nothing for the inode's type, is EOPNOTSUPP; visible flags that cannot
// be set are ignored (chattr passes back what lsattr read). A file that
// stays immutable may not change its other flags (EPERM); the journal-data
// flag needs CAP_SYS_RESOURCE (EPERM); DAX excludes journalled data,
// inline data, encryption and verity (EOPNOTSUPP). Switching a file
// between extents and block maps, and case folding, are not supported
// (EOPNOTSUPP).
func (i *inode) SetInodeFlags(ctx vfs.Context, flags uint32) error {
	if flags&^flUserVisible != 0 {
		return abi.EOPNOTSUPP
	}
	flags &= flUserModifiable
	if i.fs.readOnly() {
		return abi.EROFS
	}
	i.mu.Lock()
	defer i.mu.Unlock()
	if maskFlags(uint32(i.d.mode), flags) != flags {
		return abi.EOPNOTSUPP
	}
	if i.dead {
		return abi.ESTALE
	}
	old := i.d.flags
	if old&flImmutable != 0 && flags&flImmutable != 0 && old&^flImmutable != flags&^flImmutable {
		return abi.EPERM
	}
	if (flags^old)&flJournalData != 0 && !ctx.Creds().HasCap(abi.CAP_SYS_RESOURCE) {
		return abi.EPERM
	}
	if !daxCompatible(uint32(i.d.mode), old, flags) || (flags^old)&(flExtents|flCasefold) != 0 {
		return abi.EOPNOTSUPP
	}
	i.d.flags = old&^flUserModifiable | flags
	i.d.ctime = ctx.Now()
	return i.writeLocked()
}

// daxCompatible is Linux's dax_compatible: the DAX flag and the flags it
// excludes are never set together (inline data aside on directories).
func daxCompatible(mode, old, flags uint32) bool {
	const exclusive = flVerity | flEncrypt | flJournalData | flInlineData
	if mode&abi.S_IFMT == abi.S_IFDIR {
		old &^= flInlineData
		flags &^= flInlineData
	}
	if flags&flDax != 0 && old&exclusive != 0 {
		return false
	}
	return !(flags&exclusive != 0 && old&flDax != 0)
}

var _ vfs.FsxattrChecker = (*inode)(nil)

// CheckFsxattr implements vfs.FsxattrChecker as Linux's ext4_fileattr_set
// does: xflags without a flag twin and extent size hints mean nothing to
// ext4 and are ignored; a project id other than 0 needs the project
// feature, which liblinux does not implement (EOPNOTSUPP, as Linux gives
// without the feature).
func (i *inode) CheckFsxattr(fa abi.Fsxattr) error {
	if fa.Projid != 0 {
		return abi.EOPNOTSUPP
	}
	return nil
}
