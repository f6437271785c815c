package vfs

import "liblinux/abi"

// touchAtime updates p's access time after a read, as Linux's touch_atime:
// never for an inode with the noatime flag, on noatime mounts (or
// nodiratime ones, for directories) or read-only ones; on relatime mounts
// only when the access time is not after the modification or change time,
// or is a day old.
func touchAtime(ctx Context, p Path) {
	mf := p.Mnt.flags.Load()
	if mf&abi.MS_NOATIME != 0 || p.D.typ == abi.S_IFDIR && mf&abi.MS_NODIRATIME != 0 || p.Mnt.ReadOnly() {
		return
	}
	a := p.D.inode.Attr()
	now := ctx.Now()
	if mf&abi.MS_RELATIME != 0 && !relatimeNeedsUpdate(&a, now) {
		return
	}
	if a.Atime == now || inodeFlags(p.D.inode)&abi.FS_NOATIME_FL != 0 {
		return
	}
	p.D.inode.SetAttr(ctx, &SetAttr{Mask: SetAtime, Atime: now})
}

// relatimeNeedsUpdate is Linux's relatime_need_update.
func relatimeNeedsUpdate(a *Attr, now Time) bool {
	if !a.Mtime.Before(a.Atime) || !a.Ctime.Before(a.Atime) {
		return true
	}
	return now.Sec-a.Atime.Sec >= 24*60*60
}

// truncate sets the size of regular file p (permission checked by the
// caller). ftruncate(2) and O_TRUNC always update the modification and
// change times, truncate(2) only when the size changes; set-user-ID and
// set-group-ID go as for a write.
func truncate(ctx Context, p Path, size int64, always bool) error {
	c := ctx.Creds()
	a := p.D.inode.Attr()
	s := SetAttr{Mask: SetSize, Size: size}
	now := ctx.Now()
	if always || size != a.Size {
		s.Mask |= SetMtime | SetCtime
		s.Mtime, s.Ctime = now, now
	}
	if kill := killPriv(c, &a); kill != 0 {
		s.Mask |= SetMode | SetCtime
		s.Mode = a.Mode &^ kill & 07777
		s.Ctime = now
	}
	return p.D.inode.SetAttr(ctx, &s)
}

// Truncate implements truncate(2) on a resolved path.
func Truncate(ctx Context, p Path, size int64) error {
	switch p.D.typ {
	case abi.S_IFDIR:
		return abi.EISDIR
	case abi.S_IFREG:
	default:
		return abi.EINVAL
	}
	if err := p.Mnt.wantWrite(); err != nil {
		return err
	}
	if err := inodePermission(ctx.Creds(), p, MayWrite); err != nil {
		return err
	}
	if IsAppend(p.D.inode) {
		return abi.EPERM
	}
	return truncate(ctx, p, size, false)
}

// Chmod implements chmod(2) and friends on a resolved path: the owner or
// CAP_FOWNER may change the mode; set-group-ID is dropped for a caller
// outside the file's group without CAP_FSETID.
func Chmod(ctx Context, p Path, mode uint32) error {
	if err := p.Mnt.wantWrite(); err != nil {
		return err
	}
	if p.D.typ == abi.S_IFLNK {
		// The mode of a symlink means nothing and cannot change.
		return abi.EOPNOTSUPP
	}
	if immutableOrAppend(p.D.inode) {
		return abi.EPERM
	}
	c := ctx.Creds()
	a := p.D.inode.Attr()
	if !isOwnerOrCap(c, &a) {
		return abi.EPERM
	}
	mode &= 07777
	if mode&abi.S_ISGID != 0 && !inGroupOrCap(c, a.GID) {
		mode &^= abi.S_ISGID
	}
	return p.D.inode.SetAttr(ctx, &SetAttr{Mask: SetMode | SetCtime, Mode: mode, Ctime: ctx.Now()})
}

// Chown implements chown(2) and friends on a resolved path; -1 leaves an
// id unchanged. Changing the owner needs CAP_CHOWN (unless it stays the
// same and the caller owns the file); the owner may change the group to
// one of its groups. A non-directory loses set-user-ID, and set-group-ID
// when group-executable or the caller is outside the group without
// CAP_FSETID, as Linux's chown_common.
func Chown(ctx Context, p Path, uid, gid int64) error {
	if err := p.Mnt.wantWrite(); err != nil {
		return err
	}
	if (uid != -1 || gid != -1) && immutableOrAppend(p.D.inode) {
		return abi.EPERM
	}
	c := ctx.Creds()
	a := p.D.inode.Attr()
	now := ctx.Now()
	s := SetAttr{Mask: SetCtime, Ctime: now}
	if uid != -1 {
		if !(c.FSUID == a.UID && uint32(uid) == a.UID) && !c.HasCap(abi.CAP_CHOWN) {
			return abi.EPERM
		}
		s.Mask |= SetUID
		s.UID = uint32(uid)
	}
	if gid != -1 {
		if !(c.FSUID == a.UID && (uint32(gid) == a.GID || c.InGroup(uint32(gid)))) && !c.HasCap(abi.CAP_CHOWN) {
			return abi.EPERM
		}
		s.Mask |= SetGID
		s.GID = uint32(gid)
	}
	if a.Type() != abi.S_IFDIR {
		kill := a.Mode & abi.S_ISUID
		if a.Mode&abi.S_ISGID != 0 && (a.Mode&abi.S_IXGRP != 0 || !inGroupOrCap(c, a.GID)) {
			kill |= abi.S_ISGID
		}
		if kill != 0 {
			s.Mask |= SetMode
			s.Mode = a.Mode &^ kill & 07777
		}
	}
	return p.D.inode.SetAttr(ctx, &s)
}

// TimeSpec is one time of utimensat(2): a value, or now, or unchanged.
type TimeSpec struct {
	Time
	Now  bool // UTIME_NOW
	Omit bool // UTIME_OMIT
}

// SetTimes implements utimensat(2) on a resolved path. ts nil (or both
// UTIME_NOW) sets both times to now, which the owner or anyone who may
// write the file may do (EACCES otherwise); any other change needs the
// owner or CAP_FOWNER (EPERM).
func SetTimes(ctx Context, p Path, ts *[2]TimeSpec) error {
	if err := p.Mnt.wantWrite(); err != nil {
		return err
	}
	if ts != nil && ts[0].Now && ts[1].Now {
		ts = nil
	}
	// Explicit times may not change on an immutable or append-only
	// inode, "now" not on an immutable one (notify_change).
	if ts != nil && immutableOrAppend(p.D.inode) || ts == nil && IsImmutable(p.D.inode) {
		return abi.EPERM
	}
	c := ctx.Creds()
	a := p.D.inode.Attr()
	if !isOwnerOrCap(c, &a) {
		if ts != nil {
			return abi.EPERM
		}
		if err := inodePermission(c, p, MayWrite); err != nil {
			return err
		}
	}
	now := ctx.Now()
	s := SetAttr{Mask: SetCtime | SetAtime | SetMtime, Atime: now, Mtime: now, Ctime: now}
	if ts != nil {
		if ts[0].Omit {
			s.Mask &^= SetAtime
		} else if !ts[0].Now {
			s.Atime = ts[0].Time
		}
		if ts[1].Omit {
			s.Mask &^= SetMtime
		} else if !ts[1].Now {
			s.Mtime = ts[1].Time
		}
	}
	return p.D.inode.SetAttr(ctx, &s)
}

// Access implements faccessat(2)'s check on a resolved path with the
// credentials it computed: permission for mask (MAY_* bits), and EROFS for
// a write to anything but a device, FIFO or socket on a read-only mount.
func Access(c *Creds, p Path, mask int) error {
	if mask&MayExec != 0 && p.D.typ == abi.S_IFREG && p.Mnt.flags.Load()&abi.MS_NOEXEC != 0 {
		return abi.EACCES
	}
	if err := inodePermission(c, p, mask); err != nil {
		return err
	}
	if mask&MayWrite != 0 && !isSpecial(p.D.typ) && p.Mnt.ReadOnly() {
		return abi.EROFS
	}
	return nil
}

// Readlink implements readlinkat(2) on a resolved path: EINVAL if it is
// not a symlink. The access time is updated.
func Readlink(ctx Context, p Path) (string, error) {
	if p.D.typ != abi.S_IFLNK {
		return "", abi.EINVAL
	}
	s, err := p.D.inode.Readlink(ctx)
	if err == nil {
		touchAtime(ctx, p)
	}
	return s, err
}
