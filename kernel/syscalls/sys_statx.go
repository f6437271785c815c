package syscalls

import (
	"liblinux/abi"
	"liblinux/kernel"
	"liblinux/kernel/usermem"
	"liblinux/kernel/vfs"
)

func init() {
	register(abi.SYS_STATX, Statx)
}

// statxAttrMaskVFS are the stx_attributes_mask bits every filesystem
// reports (Linux's vfs_getattr_nosec and vfs_statx).
const statxAttrMaskVFS = abi.STATX_ATTR_AUTOMOUNT | abi.STATX_ATTR_MOUNT_ROOT | abi.STATX_ATTR_DAX

// Statx implements Linux syscall statx(2). The result mask has the basic
// fields, STATX_BTIME when asked for and recorded, the mount id
// (STATX_MNT_ID, or STATX_MNT_ID_UNIQUE when asked for); on filesystems
// with multigrain timestamps the modification and change times only when
// one of them is asked for. AT_STATX_* sync modes change nothing: every
// attribute is current.
func Statx(t *kernel.Task, a *Args) (uintptr, error) {
	dirfd, flags, mask := a.Int(0), a.Int(2), a.Uint(3)
	if mask&abi.STATX__RESERVED != 0 {
		return 0, abi.EINVAL
	}
	if flags&abi.AT_STATX_SYNC_TYPE == abi.AT_STATX_SYNC_TYPE {
		return 0, abi.EINVAL
	}
	tg, at, err := statAt(t, dirfd, a.Ptr(1), flags)
	if err != nil {
		return 0, err
	}
	defer tg.release()
	stx := statxOf(&at, tg.p, mask)
	var b [abi.SizeofStatx]byte
	stx.MarshalTo(b[:])
	return 0, usermem.CopyOut(a.Ptr(4), b[:])
}

// statxOf fills struct statx for attributes at of p (p.D nil for files
// outside the tree) and the request mask.
func statxOf(at *vfs.Attr, p vfs.Path, mask uint32) abi.Statx {
	res := uint32(abi.STATX_BASIC_STATS)
	stx := abi.Statx{
		Blksize: uint32(at.Blksize),
		Nlink:   at.Nlink,
		UID:     at.UID,
		GID:     at.GID,
		Mode:    uint16(at.Mode),
		Ino:     at.Ino,
		Size:    uint64(at.Size),
		Blocks:  uint64(at.Blocks),
		Atime:   abi.StatxTimestamp{Sec: at.Atime.Sec, Nsec: uint32(at.Atime.Nsec)},
		Mtime:   abi.StatxTimestamp{Sec: at.Mtime.Sec, Nsec: uint32(at.Mtime.Nsec)},
		Ctime:   abi.StatxTimestamp{Sec: at.Ctime.Sec, Nsec: uint32(at.Ctime.Nsec)},
	}
	stx.RdevMajor, stx.RdevMinor = vfs.DecodeDev(at.Rdev)
	stx.DevMajor, stx.DevMinor = vfs.DecodeDev(uint32(at.Dev))
	stx.AttributesMask = statxAttrMaskVFS
	if p.D != nil {
		sb := p.D.Superblock()
		stx.AttributesMask |= sb.AttrMask
		stx.Attributes |= vfs.StatxAttributes(p.D.Inode()) & sb.AttrMask
		if sb.MgTime && mask&(abi.STATX_MTIME|abi.STATX_CTIME) == 0 {
			res &^= abi.STATX_MTIME | abi.STATX_CTIME
			stx.Mtime, stx.Ctime = abi.StatxTimestamp{}, abi.StatxTimestamp{}
		}
		if p.D == p.Mnt.Root() {
			stx.Attributes |= abi.STATX_ATTR_MOUNT_ROOT
		}
		if mask&abi.STATX_MNT_ID_UNIQUE != 0 {
			stx.MntID = p.Mnt.UniqueID
			res |= abi.STATX_MNT_ID_UNIQUE
		} else {
			stx.MntID = uint64(p.Mnt.ID)
			res |= abi.STATX_MNT_ID
		}
	}
	if mask&abi.STATX_BTIME != 0 && at.Btime != (vfs.Time{}) {
		res |= abi.STATX_BTIME
		stx.Btime = abi.StatxTimestamp{Sec: at.Btime.Sec, Nsec: uint32(at.Btime.Nsec)}
	}
	stx.Mask = res
	return stx
}
