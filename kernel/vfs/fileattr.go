package vfs

import "liblinux/abi"

// Flagger is implemented by inodes with attribute flags (FS_*_FL, Linux's
// fileattr: what lsattr shows and chattr sets). The VFS enforces the
// immutable and append-only flags where Linux does (see IsImmutable) and
// answers FS_IOC_GETFLAGS and FS_IOC_SETFLAGS with them; an inode without
// them has none, and those ioctls go to the file (ENOTTY).
type Flagger interface {
	// InodeFlags returns the flags a user may see (FS_FL_USER_VISIBLE
	// and the filesystem's own visible ones). ioctl is false for inodes
	// whose flags the ioctls do not reach (Linux gives fileattr
	// operations to regular files and directories only); the flags
	// still count.
	InodeFlags() (flags uint32, ioctl bool)
	// SetInodeFlags replaces them. The VFS has checked that the caller
	// owns the inode (or has CAP_FOWNER), that changes of the immutable
	// and append-only flags come with CAP_LINUX_IMMUTABLE, and that the
	// mount is writable.
	//   - EOPNOTSUPP: a flag the filesystem does not keep or cannot set
	//     on this type of inode.
	//   - EPERM: a change the filesystem refuses (other flags of a file
	//     that stays immutable, on ext4).
	SetInodeFlags(ctx Context, flags uint32) error
}

// inodeFlags returns ino's attribute flags, 0 without a Flagger.
func inodeFlags(ino Inode) uint32 {
	if f, ok := ino.(Flagger); ok {
		fl, _ := f.InodeFlags()
		return fl
	}
	return 0
}

// flaggerOf returns the Flagger the flag ioctls reach on f, if any.
func flaggerOf(f *File) (Flagger, uint32, bool) {
	if f.path.D == nil {
		return nil, 0, false
	}
	fl, ok := f.path.D.inode.(Flagger)
	if !ok {
		return nil, 0, false
	}
	flags, ioctl := fl.InodeFlags()
	return fl, flags, ioctl
}

// IsImmutable reports Linux's IS_IMMUTABLE: nobody may change, link or
// remove the inode, or write to it.
func IsImmutable(ino Inode) bool { return inodeFlags(ino)&abi.FS_IMMUTABLE_FL != 0 }

// IsAppend reports Linux's IS_APPEND: the inode may only grow by
// appending, and may not be removed, linked, truncated or have its
// attributes changed.
func IsAppend(ino Inode) bool { return inodeFlags(ino)&abi.FS_APPEND_FL != 0 }

// immutableOrAppend reports IS_IMMUTABLE(ino) || IS_APPEND(ino).
func immutableOrAppend(ino Inode) bool {
	return inodeFlags(ino)&(abi.FS_IMMUTABLE_FL|abi.FS_APPEND_FL) != 0
}

// statxFlags are the attribute flags statx(2) reports, each at the same
// bit as its STATX_ATTR_* (compressed, immutable, append, nodump,
// encrypted, verity).
const statxFlags = abi.FS_COMPR_FL | abi.FS_IMMUTABLE_FL | abi.FS_APPEND_FL | abi.FS_NODUMP_FL |
	abi.FS_ENCRYPT_FL | abi.FS_VERITY_FL

// StatxAttributes returns the stx_attributes bits of ino's flags.
func StatxAttributes(ino Inode) uint64 { return uint64(inodeFlags(ino) & statxFlags) }

// GetFlags implements FS_IOC_GETFLAGS on f: ENOTTY (from the file) when
// the inode has no flags, as Linux's ioctl_getflags falls through.
func GetFlags(f *File) (uint32, error) {
	_, flags, ok := flaggerOf(f)
	if !ok {
		return 0, abi.ENOIOCTLCMD
	}
	return flags, nil
}

// SetFlags implements FS_IOC_SETFLAGS on f, as Linux's ioctl_setflags and
// vfs_fileattr_set: EROFS on a read-only mount, EPERM unless the caller
// owns the inode or has CAP_FOWNER, and EPERM for a change of the
// immutable or append-only flag without CAP_LINUX_IMMUTABLE.
func SetFlags(ctx Context, f *File, flags uint32) error {
	fl, old, ok := flaggerOf(f)
	if !ok {
		return abi.ENOIOCTLCMD
	}
	if err := mayChangeFlags(ctx, f.path, old, flags); err != nil {
		return err
	}
	return fl.SetInodeFlags(ctx, flags)
}

// mayChangeFlags makes SetFlags' checks for a change of p's flags from
// old to flags.
func mayChangeFlags(ctx Context, p Path, old, flags uint32) error {
	if err := p.Mnt.wantWrite(); err != nil {
		return err
	}
	c := ctx.Creds()
	a := p.D.inode.Attr()
	if !isOwnerOrCap(c, &a) {
		return abi.EPERM
	}
	if (flags^old)&(abi.FS_APPEND_FL|abi.FS_IMMUTABLE_FL) != 0 && !c.HasCap(abi.CAP_LINUX_IMMUTABLE) {
		return abi.EPERM
	}
	return nil
}

// flagXflags pairs each flag that struct fsxattr also carries with its
// xflag (Linux's FS_COMMON_FL and FS_XFLAG_COMMON).
var flagXflags = [...][2]uint32{
	{abi.FS_SYNC_FL, abi.FS_XFLAG_SYNC},
	{abi.FS_IMMUTABLE_FL, abi.FS_XFLAG_IMMUTABLE},
	{abi.FS_APPEND_FL, abi.FS_XFLAG_APPEND},
	{abi.FS_NODUMP_FL, abi.FS_XFLAG_NODUMP},
	{abi.FS_NOATIME_FL, abi.FS_XFLAG_NOATIME},
	{abi.FS_DAX_FL, abi.FS_XFLAG_DAX},
	{abi.FS_PROJINHERIT_FL, abi.FS_XFLAG_PROJINHERIT},
}

// commonFlags are the flags with an xflag twin (FS_COMMON_FL).
const commonFlags = abi.FS_SYNC_FL | abi.FS_IMMUTABLE_FL | abi.FS_APPEND_FL | abi.FS_NODUMP_FL |
	abi.FS_NOATIME_FL | abi.FS_DAX_FL | abi.FS_PROJINHERIT_FL

// xflagsOf maps flags to their xflags (fileattr_fill_flags).
func xflagsOf(flags uint32) uint32 {
	var x uint32
	for _, p := range flagXflags {
		if flags&p[0] != 0 {
			x |= p[1]
		}
	}
	return x
}

// flagsOfX maps xflags to their flags (fileattr_fill_xflags).
func flagsOfX(x uint32) (flags, rest uint32) {
	rest = x
	for _, p := range flagXflags {
		if x&p[1] != 0 {
			flags |= p[0]
			rest &^= p[1]
		}
	}
	return flags, rest
}

// GetXflags implements FS_IOC_FSGETXATTR on f: the flags as xflags. No
// filesystem here keeps extent size hints or project ids (ext4's project
// feature aside, which liblinux does not implement), so those are 0.
func GetXflags(f *File) (abi.Fsxattr, error) {
	_, flags, ok := flaggerOf(f)
	if !ok {
		return abi.Fsxattr{}, abi.ENOIOCTLCMD
	}
	return abi.Fsxattr{Xflags: xflagsOf(flags)}, nil
}

// SetXflags implements FS_IOC_FSSETXATTR on f, as Linux's
// ioctl_fssetxattr: the xflags with a flag twin replace those flags, the
// other flags stay; then SetFlags' checks, then the filesystem's say on
// the other fields (FsxattrChecker).
func SetXflags(ctx Context, f *File, fa abi.Fsxattr) error {
	fl, old, ok := flaggerOf(f)
	if !ok {
		return abi.ENOIOCTLCMD
	}
	flags, rest := flagsOfX(fa.Xflags)
	flags |= old &^ commonFlags
	if err := mayChangeFlags(ctx, f.path, old, flags); err != nil {
		return err
	}
	if c, ok := fl.(FsxattrChecker); ok {
		if err := c.CheckFsxattr(fa); err != nil {
			return err
		}
	} else if rest != 0 || fa.Extsize != 0 || fa.Cowextsize != 0 || fa.Projid != 0 {
		return abi.EOPNOTSUPP
	}
	return fl.SetInodeFlags(ctx, flags)
}

// FsxattrChecker is implemented by Flaggers whose filesystem takes
// FS_IOC_FSSETXATTR's fields beyond the flags (xflags without a flag
// twin, extent size hints, the project id) and decides what they mean;
// it returns the error for those it refuses. Without it any of them set
// is EOPNOTSUPP, as for tmpfs (shmem's fileattr_has_fsx).
type FsxattrChecker interface {
	CheckFsxattr(fa abi.Fsxattr) error
}
