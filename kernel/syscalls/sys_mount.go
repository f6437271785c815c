package syscalls

import (
	"liblinux/abi"
	"liblinux/kernel"
	"liblinux/kernel/usermem"
	"liblinux/kernel/vfs"
)

func init() {
	register(abi.SYS_MOUNT, Mount)
	register(abi.SYS_UMOUNT2, Umount2)
}

// Mount implements Linux syscall mount(2): new mounts, bind mounts and
// remounts (MS_RDONLY).
func Mount(t *kernel.Task, a *Args) (uintptr, error) {
	if !t.Creds().HasCap(abi.CAP_SYS_ADMIN) {
		return 0, abi.EPERM
	}
	flags := uint64(a[3])
	target, err := copyInPath(a.Ptr(1))
	if err != nil {
		return 0, err
	}
	var source, fstype, data string
	if a.Ptr(0) != 0 {
		if source, err = copyInPath(a.Ptr(0)); err != nil {
			return 0, err
		}
	}
	if a.Ptr(2) != 0 && flags&(abi.MS_REMOUNT|abi.MS_BIND) == 0 {
		if fstype, err = usermem.CopyInString(a.Ptr(2), 255, abi.ENODEV); err != nil {
			return 0, err
		}
	}
	if a.Ptr(4) != 0 {
		if data, err = usermem.CopyInString(a.Ptr(4), 4095, abi.EINVAL); err != nil {
			return 0, err
		}
	}
	w, err := walker(t, abi.AT_FDCWD, target)
	if err != nil {
		return 0, err
	}
	at, err := w.Resolve(target, 0)
	if err != nil {
		return 0, err
	}
	v := t.Kernel().VFS
	const perMount = abi.MS_RDONLY | abi.MS_NOSUID | abi.MS_NODEV | abi.MS_NOEXEC | abi.MS_NOATIME | abi.MS_NODIRATIME | abi.MS_RELATIME
	switch {
	case flags&abi.MS_REMOUNT != 0:
		if at.D != at.Mnt.Root() {
			return 0, abi.EINVAL
		}
		return 0, v.Remount(at.Mnt, flags&perMount)
	case flags&abi.MS_BIND != 0:
		sw, err := walker(t, abi.AT_FDCWD, source)
		if err != nil {
			return 0, err
		}
		src, err := sw.Resolve(source, 0)
		if err != nil {
			return 0, err
		}
		sa, ta := src.D.Attr(), at.D.Attr()
		if sa.IsDir() != ta.IsDir() {
			return 0, abi.ENOTDIR
		}
		v.Attach(src.Mnt.Superblock(), src.D, at, flags&perMount)
		return 0, nil
	case flags&(abi.MS_MOVE|abi.MS_SHARED|abi.MS_PRIVATE|abi.MS_SLAVE|abi.MS_UNBINDABLE) != 0:
		if flags&abi.MS_MOVE != 0 {
			return 0, abi.EINVAL
		}
		// Propagation types change nothing here: there is one namespace
		// and no peer groups.
		return 0, nil
	}
	ft, ok := v.FilesystemType(fstype)
	if !ok {
		return 0, abi.ENODEV
	}
	if ta := at.D.Attr(); !ta.IsDir() {
		return 0, abi.ENOTDIR
	}
	sb, err := ft.Mount(t, v, source, flags, data)
	if err != nil {
		return 0, err
	}
	v.Attach(sb, sb.Root(), at, flags&perMount)
	return 0, nil
}

// Umount2 implements Linux syscall umount2(2).
func Umount2(t *kernel.Task, a *Args) (uintptr, error) {
	flags := a.Int(1)
	if flags&^(abi.MNT_FORCE|abi.MNT_DETACH|abi.MNT_EXPIRE|abi.UMOUNT_NOFOLLOW) != 0 {
		return 0, abi.EINVAL
	}
	if flags&abi.MNT_EXPIRE != 0 && flags&(abi.MNT_FORCE|abi.MNT_DETACH) != 0 {
		return 0, abi.EINVAL
	}
	if !t.Creds().HasCap(abi.CAP_SYS_ADMIN) {
		return 0, abi.EPERM
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
	if p.D != p.Mnt.Root() {
		return 0, abi.EINVAL
	}
	if flags&abi.MNT_EXPIRE != 0 {
		return 0, abi.EAGAIN
	}
	return 0, t.Kernel().VFS.Detach(p.Mnt, flags&abi.MNT_DETACH != 0)
}
