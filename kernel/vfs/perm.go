package vfs

import "liblinux/abi"

// Access masks for Permission (MAY_* in Linux).
const (
	MayExec  = 1
	MayWrite = 2
	MayRead  = 4
)

// Permission checks mask against an inode's mode and owner the way
// Linux's generic_permission() does: the owner bits if the caller owns
// the inode, else the group bits if it is in the group (fsgid or a
// supplementary group), else the other bits. Then the capabilities: on a
// directory CAP_DAC_READ_SEARCH grants read and search and
// CAP_DAC_OVERRIDE everything; on other files CAP_DAC_READ_SEARCH grants
// read, and CAP_DAC_OVERRIDE read and write always and execute when some
// execute bit is set.
func Permission(c *Creds, a *Attr, mask int) error {
	return permission(c, a.Mode, a.UID, a.GID, mask)
}

func permission(c *Creds, mode, uid, gid uint32, mask int) error {
	var bits uint32
	switch {
	case c.FSUID == uid:
		bits = (mode >> 6) & 7
	case c.InGroup(gid):
		bits = (mode >> 3) & 7
	default:
		bits = mode & 7
	}
	if uint32(mask)&^bits == 0 {
		return nil
	}
	if mode&abi.S_IFMT == abi.S_IFDIR {
		if mask&MayWrite == 0 && c.HasCap(abi.CAP_DAC_READ_SEARCH) {
			return nil
		}
		if c.HasCap(abi.CAP_DAC_OVERRIDE) {
			return nil
		}
		return abi.EACCES
	}
	if mask == MayRead && c.HasCap(abi.CAP_DAC_READ_SEARCH) {
		return nil
	}
	if (mask&MayExec == 0 || mode&0111 != 0) && c.HasCap(abi.CAP_DAC_OVERRIDE) {
		return nil
	}
	return abi.EACCES
}

// inodePermission is Linux's inode_permission(): writing to a regular
// file, directory or symlink of a read-only filesystem gives EROFS, and
// writing to an immutable inode EPERM; then Permission decides.
func inodePermission(c *Creds, p Path, mask int) error {
	if mask&MayWrite != 0 {
		if p.D.sb.ReadOnly() {
			switch p.D.typ {
			case abi.S_IFREG, abi.S_IFDIR, abi.S_IFLNK:
				return abi.EROFS
			}
		}
		if IsImmutable(p.D.inode) {
			return abi.EPERM
		}
	}
	if pa, ok := p.D.inode.(PermAttrer); ok {
		mode, uid, gid := pa.PermAttr()
		return permission(c, mode, uid, gid, mask)
	}
	a := p.D.inode.Attr()
	return permission(c, a.Mode, a.UID, a.GID, mask)
}

// PermAttrer is implemented by inodes that can report the mode and owner
// more cheaply than Attr; the path walk checks them at every step.
type PermAttrer interface {
	PermAttr() (mode, uid, gid uint32)
}

// isOwnerOrCap reports whether c may change a's attributes as its owner
// (inode_owner_or_capable: fsuid matches, or CAP_FOWNER).
func isOwnerOrCap(c *Creds, a *Attr) bool {
	return c.FSUID == a.UID || c.HasCap(abi.CAP_FOWNER)
}

// inGroupOrCap is Linux's in_group_or_capable: the caller is in group gid
// or has CAP_FSETID.
func inGroupOrCap(c *Creds, gid uint32) bool {
	return c.InGroup(gid) || c.HasCap(abi.CAP_FSETID)
}

// mayDelete checks that c may remove victim (of type isDir) from dir, as
// Linux's may_delete: write and search permission on dir, an append-only
// dir, the sticky bit and an append-only or immutable victim (EPERM),
// then the victim's type.
func mayDelete(c *Creds, dir Path, victim *Dentry, isDir bool) error {
	if err := inodePermission(c, dir, MayWrite|MayExec); err != nil {
		return err
	}
	if IsAppend(dir.D.inode) {
		return abi.EPERM
	}
	if err := checkSticky(c, dir.D, victim); err != nil {
		return err
	}
	if immutableOrAppend(victim.inode) {
		return abi.EPERM
	}
	if isDir {
		if !victim.IsDir() {
			return abi.ENOTDIR
		}
		if victim == victim.sb.root {
			return abi.EBUSY
		}
	} else if victim.IsDir() {
		return abi.EISDIR
	}
	if dir.D.IsDead() {
		return abi.ENOENT
	}
	return nil
}

// checkSticky returns EPERM when dir is sticky and c owns neither dir nor
// victim and lacks CAP_FOWNER.
func checkSticky(c *Creds, dir, victim *Dentry) error {
	da := dir.inode.Attr()
	if da.Mode&abi.S_ISVTX == 0 {
		return nil
	}
	va := victim.inode.Attr()
	if c.FSUID != va.UID && c.FSUID != da.UID && !c.HasCap(abi.CAP_FOWNER) {
		return abi.EPERM
	}
	return nil
}

// mayCreate checks that c may add a name to dir (may_create without the
// existence check, which callers make under the directory lock).
func mayCreate(c *Creds, dir Path) error {
	if dir.D.IsDead() {
		return abi.ENOENT
	}
	return inodePermission(c, dir, MayWrite|MayExec)
}

// newOwner returns the owner and final mode of a new inode in dir, as
// Linux's inode_init_owner after vfs_prepare_mode: the caller's fsuid; the
// directory's group when it is set-group-ID (and then new directories
// inherit the bit), else the caller's fsgid. A new file that would be
// set-group-ID and group-executable in such a directory loses the bit
// unless the caller is in the group or has CAP_FSETID.
func newOwner(c *Creds, dir *Attr, mode uint32) (uid, gid, outMode uint32) {
	uid, gid = c.FSUID, c.FSGID
	if dir.Mode&abi.S_ISGID != 0 {
		gid = dir.GID
		if mode&abi.S_IFMT == abi.S_IFDIR {
			mode |= abi.S_ISGID
		} else if mode&(abi.S_ISGID|abi.S_IXGRP) == abi.S_ISGID|abi.S_IXGRP && !inGroupOrCap(c, dir.GID) {
			mode &^= abi.S_ISGID
		}
	}
	return uid, gid, mode
}

// killPriv returns the mode bits that writing to or truncating a file
// clears for c, as Linux's should_remove_suid: set-user-ID always, and
// set-group-ID when group-executable or when c is not in the file's
// group; nothing for callers with CAP_FSETID or non-regular files.
func killPriv(c *Creds, a *Attr) uint32 {
	if a.Type() != abi.S_IFREG || a.Mode&(abi.S_ISUID|abi.S_ISGID) == 0 || c.HasCap(abi.CAP_FSETID) {
		return 0
	}
	kill := a.Mode & abi.S_ISUID
	if a.Mode&abi.S_ISGID != 0 && (a.Mode&abi.S_IXGRP != 0 || !c.InGroup(a.GID)) {
		kill |= abi.S_ISGID
	}
	return kill
}
