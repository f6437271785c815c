package syscalls

import (
	"strings"

	"liblinux/abi"
	"liblinux/kernel"
	"liblinux/kernel/block"
	"liblinux/kernel/usermem"
	"liblinux/kernel/vfs"
)

func init() {
	register(abi.SYS_MOUNT, Mount)
	register(abi.SYS_UMOUNT2, Umount2)
	register(abi.SYS_UMOUNT, Umount)
}

// Mount flag sets (include/uapi/linux/mount.h, fs/namespace.c).
const (
	sbFlags      = abi.MS_RDONLY | abi.MS_SYNCHRONOUS | abi.MS_MANDLOCK | abi.MS_DIRSYNC | abi.MS_LAZYTIME
	atimeFlags   = abi.MS_NOATIME | abi.MS_NODIRATIME | abi.MS_RELATIME | abi.MS_STRICTATIME
	mntAtimeMask = abi.MS_NOATIME | abi.MS_NODIRATIME | abi.MS_RELATIME
	propFlags    = abi.MS_SHARED | abi.MS_PRIVATE | abi.MS_SLAVE | abi.MS_UNBINDABLE
)

// copyMountString reads mount(2)'s type or source: NULL is "" and no
// string; at most a page.
func copyMountString(addr usermem.Addr) (string, bool, error) {
	if addr == 0 {
		return "", false, nil
	}
	s, err := usermem.CopyInString(addr, 4095, abi.EINVAL)
	return s, true, err
}

// copyMountData reads mount(2)'s options: a string, or the first page
// of a longer one, as Linux's copy_mount_options copies one page.
func copyMountData(addr usermem.Addr) (string, error) {
	s, err := usermem.CopyInString(addr, 4095, abi.E2BIG)
	if err != abi.E2BIG {
		return s, err
	}
	b := make([]byte, 4095)
	if err := usermem.CopyIn(b, addr); err != nil {
		return "", err
	}
	return string(b), nil
}

// mntFlagsOf computes the per-mount flags of a mount(2) call, as Linux's
// path_mount: relatime unless noatime or strictatime; a remount that names
// no atime flag keeps the old ones.
func mntFlagsOf(flags uint64, old *vfs.Mount) uint64 {
	m := flags & (abi.MS_RDONLY | abi.MS_NOSUID | abi.MS_NODEV | abi.MS_NOEXEC | abi.MS_NOATIME | abi.MS_NODIRATIME | abi.MS_NOSYMFOLLOW)
	if flags&abi.MS_NOATIME == 0 {
		m |= abi.MS_RELATIME
	}
	if flags&abi.MS_STRICTATIME != 0 {
		m &^= abi.MS_RELATIME | abi.MS_NOATIME
	}
	if flags&abi.MS_REMOUNT != 0 && flags&atimeFlags == 0 && old != nil {
		m = m&^mntAtimeMask | old.Flags()&mntAtimeMask
	}
	return m
}

// sbFlagOptions takes the generic superblock flags out of an options
// string ("ro", "sync", ...), as Linux's vfs_parse_sb_flag does before a
// filesystem sees its options.
func sbFlagOptions(data string, flags uint64) (string, uint64) {
	var rest []string
	for _, o := range strings.Split(data, ",") {
		switch o {
		case "ro":
			flags |= abi.MS_RDONLY
		case "rw":
			flags &^= abi.MS_RDONLY
		case "sync":
			flags |= abi.MS_SYNCHRONOUS
		case "async":
			flags &^= abi.MS_SYNCHRONOUS
		case "dirsync":
			flags |= abi.MS_DIRSYNC
		case "lazytime":
			flags |= abi.MS_LAZYTIME
		case "nolazytime":
			flags &^= abi.MS_LAZYTIME
		case "mand":
			flags |= abi.MS_MANDLOCK
		case "nomand":
			flags &^= abi.MS_MANDLOCK
		case "silent", "":
		default:
			rest = append(rest, o)
		}
	}
	return strings.Join(rest, ","), flags
}

// Mount implements Linux syscall mount(2): new mounts (tmpfs and the other
// nodev types, and block-device filesystems from a device node), bind
// mounts (MS_BIND, with MS_REC), remounts (MS_REMOUNT, and MS_REMOUNT|
// MS_BIND for the per-mount flags), MS_MOVE and the propagation types,
// which change nothing in liblinux's single namespace.
func Mount(t *kernel.Task, a *Args) (uintptr, error) {
	flags := uint64(a[3])
	if flags&abi.MS_MGC_MSK == abi.MS_MGC_VAL {
		flags &^= abi.MS_MGC_MSK
	}
	fstype, hasType, err := copyMountString(a.Ptr(2))
	if err != nil {
		return 0, err
	}
	source, hasSource, err := copyMountString(a.Ptr(0))
	if err != nil {
		return 0, err
	}
	var data string
	if a.Ptr(4) != 0 {
		if data, err = copyMountData(a.Ptr(4)); err != nil {
			return 0, err
		}
	}
	w, target, err := pathWalker(t, abi.AT_FDCWD, a.Ptr(1))
	if err != nil {
		return 0, err
	}
	at, err := w.Resolve(target, 0)
	if err != nil {
		return 0, err
	}
	if flags&abi.MS_NOUSER != 0 {
		return 0, abi.EINVAL
	}
	if !t.Creds().HasCap(abi.CAP_SYS_ADMIN) {
		return 0, abi.EPERM
	}
	v := t.Kernel().VFS
	mflags := mntFlagsOf(flags, at.Mnt)
	switch {
	case flags&(abi.MS_REMOUNT|abi.MS_BIND) == abi.MS_REMOUNT|abi.MS_BIND:
		if at.D != at.Mnt.Root() {
			return 0, abi.EINVAL
		}
		return 0, v.SetMountFlags(at.Mnt, mflags)
	case flags&abi.MS_REMOUNT != 0:
		if at.D != at.Mnt.Root() {
			return 0, abi.EINVAL
		}
		rest, sf := sbFlagOptions(data, flags&sbFlags)
		return 0, v.Remount(t, at.Mnt, sf, mflags, rest)
	case flags&abi.MS_BIND != 0:
		if source == "" {
			return 0, abi.EINVAL
		}
		src, err := resolveSource(t, source)
		if err != nil {
			return 0, err
		}
		if at.D.IsDead() {
			return 0, abi.ENOENT
		}
		if src.D.IsDir() != at.D.IsDir() {
			return 0, abi.ENOTDIR
		}
		return 0, v.Bind(src, at, flags&abi.MS_REC != 0)
	case flags&propFlags != 0:
		if at.D != at.Mnt.Root() {
			return 0, abi.EINVAL
		}
		p := flags &^ (abi.MS_REC | abi.MS_SILENT)
		if p&^propFlags != 0 || p&(p-1) != 0 {
			return 0, abi.EINVAL
		}
		// One namespace, no peer groups: nothing to change.
		return 0, nil
	case flags&abi.MS_MOVE != 0:
		if source == "" {
			return 0, abi.EINVAL
		}
		src, err := resolveSource(t, source)
		if err != nil {
			return 0, err
		}
		if at.D.IsDead() {
			return 0, abi.ENOENT
		}
		return 0, v.Move(src, at)
	}
	if !hasType {
		return 0, abi.EINVAL
	}
	ft, ok := v.FilesystemType(fstype)
	if !ok {
		return 0, abi.ENODEV
	}
	rest, sf := sbFlagOptions(data, flags&sbFlags)
	if bm, ok := ft.(block.Mounter); ok {
		if !hasSource {
			return 0, abi.EINVAL
		}
		dev, err := mountDevice(t, source, sf)
		if err != nil {
			return 0, err
		}
		return 0, mountBlock(t, bm, dev, at, source, sf, mflags, rest)
	}
	sb, err := ft.Mount(t, v, source, sf, rest)
	if err != nil {
		return 0, err
	}
	if err := attachable(sb, at); err != nil {
		return 0, err
	}
	attachNew(v, sb, at, source, sf, mflags)
	return 0, nil
}

// attachable checks that sb's root may go on at: ENOENT if at was
// removed meanwhile, EBUSY for the same filesystem again on the root of
// its own mount (a second sysfs or devtmpfs on one mountpoint, as Linux's
// do_add_mount), ENOTDIR if one is a directory and the other not.
func attachable(sb *vfs.Superblock, at vfs.Path) error {
	if at.D.IsDead() {
		return abi.ENOENT
	}
	if at.Mnt.Superblock() == sb && at.D == at.Mnt.Root() {
		return abi.EBUSY
	}
	if at.D.IsDir() != sb.Root().IsDir() {
		return abi.ENOTDIR
	}
	return nil
}

// attachNew gives a new superblock its flags and mounts it on at.
func attachNew(v *vfs.VFS, sb *vfs.Superblock, at vfs.Path, source string, sf, mflags uint64) {
	if sf&abi.MS_RDONLY != 0 || strings.HasPrefix(sb.Opts, "ro") {
		sf |= abi.MS_RDONLY
	}
	sb.SetFlags(sb.Flags() | sf)
	v.AttachSource(sb, at, mflags, source)
}

// mountBlock mounts a filesystem from block device dev, as Linux's
// get_tree_bdev. A device that a filesystem of the same type is mounted
// from already gives that filesystem again (EBUSY if the read-only state
// would differ); one held by another filesystem type or by an O_EXCL open
// gives EBUSY. A new filesystem holds the device until it is released.
func mountBlock(t *kernel.Task, bm block.Mounter, dev *block.Device, at vfs.Path, source string, sf, mflags uint64, data string) error {
	v := t.Kernel().VFS
	unlock := dev.LockMount()
	defer unlock()
	if sb, ok := dev.Holder().(*vfs.Superblock); ok {
		if sb.Type != vfs.FilesystemType(bm) || (sf&abi.MS_RDONLY != 0) != sb.ReadOnly() {
			return abi.EBUSY
		}
		if err := attachable(sb, at); err != nil {
			return err
		}
		_, err := v.AttachAgain(sb, at, mflags, source)
		return err
	}
	// Claim the device before reading it, so that an O_EXCL open cannot
	// take it while the filesystem mounts; the claim passes to the
	// superblock.
	mounting := new(struct{})
	if err := dev.Claim(mounting); err != nil {
		return err
	}
	sb, err := bm.MountDevice(t, v, dev, source, sf, data)
	if err != nil {
		dev.Release(mounting)
		return err
	}
	dev.Reclaim(mounting, sb)
	sb.OnRelease(func() { dev.Release(sb) })
	if err := attachable(sb, at); err != nil {
		sb.Abandon()
		return err
	}
	attachNew(v, sb, at, source, sf, mflags)
	return nil
}

// resolveSource resolves the source path of a bind mount or a move.
func resolveSource(t *kernel.Task, source string) (vfs.Path, error) {
	w, err := at(t, abi.AT_FDCWD, source, false)
	if err != nil {
		return vfs.Path{}, err
	}
	return w.Resolve(source, 0)
}

// mountDevice finds the block device a mount's source names, as Linux's
// lookup_bdev: ENOTBLK if it is not a block device node, EACCES on a nodev
// mount, ENXIO if no such device exists.
func mountDevice(t *kernel.Task, source string, flags uint64) (*block.Device, error) {
	p, err := resolveSource(t, source)
	if err != nil {
		return nil, err
	}
	if p.D.Type() != abi.S_IFBLK {
		return nil, abi.ENOTBLK
	}
	if p.Mnt.Flags()&abi.MS_NODEV != 0 {
		return nil, abi.EACCES
	}
	a := p.D.Attr()
	dev, ok := t.Kernel().BlockDevice(a.Rdev)
	if !ok {
		return nil, abi.ENXIO
	}
	return dev, nil
}

// Umount2 implements Linux syscall umount2(2): EINVAL for a path that is
// not a mount's root, EBUSY while the mount is in use (open files, working
// directories, mounts below it) unless MNT_DETACH; MNT_EXPIRE marks an
// unused mount (EAGAIN) and unmounts it on the second call.
func Umount2(t *kernel.Task, a *Args) (uintptr, error) {
	flags := a.Int(1)
	if flags&^(abi.MNT_FORCE|abi.MNT_DETACH|abi.MNT_EXPIRE|abi.UMOUNT_NOFOLLOW) != 0 {
		return 0, abi.EINVAL
	}
	w, path, err := pathWalker(t, abi.AT_FDCWD, a.Ptr(0))
	if err != nil {
		return 0, err
	}
	wf := 0
	if flags&abi.UMOUNT_NOFOLLOW != 0 {
		wf = vfs.WalkNoFollow
	}
	p, err := w.Resolve(path, wf)
	if err != nil {
		return 0, err
	}
	if !t.Creds().HasCap(abi.CAP_SYS_ADMIN) {
		return 0, abi.EPERM
	}
	if p.D != p.Mnt.Root() {
		return 0, abi.EINVAL
	}
	v := t.Kernel().VFS
	if flags&abi.MNT_EXPIRE != 0 {
		if flags&(abi.MNT_FORCE|abi.MNT_DETACH) != 0 || p.Mnt == t.Group().FS().Root().Mnt {
			return 0, abi.EINVAL
		}
		return 0, v.Expire(p.Mnt)
	}
	return 0, v.Detach(p.Mnt, flags&abi.MNT_DETACH != 0)
}

// Umount implements Linux syscall umount(2) (the legacy number, with
// umount2's flags).
func Umount(t *kernel.Task, a *Args) (uintptr, error) { return Umount2(t, a) }
