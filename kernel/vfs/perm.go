package vfs

import "liblinux/abi"

// Access masks for Permission (MAY_* in Linux).
const (
	MayExec  = 1
	MayWrite = 2
	MayRead  = 4
)

// Permission checks mask against an inode's mode and owner the way
// Linux's generic_permission() does: owner, then group (primary or
// supplementary), then other bits; CAP_DAC_OVERRIDE bypasses read and write
// always and execute when any execute bit is set or the inode is a
// directory; CAP_DAC_READ_SEARCH bypasses read, and search on directories.
func Permission(c *Creds, a *Attr, mask int) error {
	mode := a.Mode
	var bits uint32
	switch {
	case c.FSUID == a.UID:
		bits = (mode >> 6) & 7
	case c.InGroup(a.GID):
		bits = (mode >> 3) & 7
	default:
		bits = mode & 7
	}
	if uint32(mask)&^bits == 0 {
		return nil
	}
	isDir := a.IsDir()
	if c.HasCap(abi.CAP_DAC_OVERRIDE) {
		if mask&MayExec == 0 || isDir || mode&0111 != 0 {
			return nil
		}
	}
	if c.HasCap(abi.CAP_DAC_READ_SEARCH) {
		if mask == MayRead || (isDir && mask&MayWrite == 0) {
			return nil
		}
	}
	return abi.EACCES
}

// isOwnerOrCap reports whether c may change a's attributes as its owner
// (inode_owner_or_capable: fsuid matches, or CAP_FOWNER).
func isOwnerOrCap(c *Creds, a *Attr) bool {
	return c.FSUID == a.UID || c.HasCap(abi.CAP_FOWNER)
}

// mayDelete checks that c may remove victim from dir (sticky rules too).
func mayDelete(c *Creds, dir, victim *Attr) error {
	if err := Permission(c, dir, MayWrite|MayExec); err != nil {
		return err
	}
	if dir.Mode&abi.S_ISVTX != 0 && c.FSUID != victim.UID && c.FSUID != dir.UID && !c.HasCap(abi.CAP_FOWNER) {
		return abi.EPERM
	}
	return nil
}
