package vfs

import "liblinux/abi"

// newOwner returns the owner of a new inode in dir: the caller's fsuid, and
// the directory's group when it is set-group-ID (the directory then passes
// the bit on to new subdirectories), else the caller's fsgid.
func newOwner(c *Creds, dir *Attr, mode uint32) (uid, gid, outMode uint32) {
	uid, gid = c.FSUID, c.FSGID
	if dir.Mode&abi.S_ISGID != 0 {
		gid = dir.GID
		if mode&abi.S_IFMT == abi.S_IFDIR {
			mode |= abi.S_ISGID
		}
	}
	return uid, gid, mode
}

// checkWritableMount returns EROFS for a read-only mount.
func checkWritableMount(p Path) error {
	if p.Mnt.ReadOnly() {
		return abi.EROFS
	}
	return nil
}

// OpenFlagsValid is the set of open(2) flags the kernel accepts; others are
// ignored, as Linux ignores unknown open flags.
const openAccess = abi.O_ACCMODE

// Open implements the VFS part of openat(2): lookup or creation, the
// checks Linux makes in do_open(), truncation, and the new File.
func (w *Walker) Open(path string, flags, mode, umask uint32) (*File, error) {
	if flags&abi.O_ACCMODE == abi.O_ACCMODE {
		return nil, abi.EINVAL
	}
	var p Path
	if flags&abi.O_CREAT == 0 {
		wf := 0
		if flags&abi.O_NOFOLLOW != 0 {
			wf |= WalkNoFollow
		}
		if flags&abi.O_DIRECTORY != 0 {
			wf |= WalkDirectory
		}
		var err error
		if p, err = w.Resolve(path, wf); err != nil {
			return nil, err
		}
	} else {
		var err error
		if p, err = w.openCreate(path, flags, mode, umask); err != nil {
			return nil, err
		}
	}
	return w.openPath(p, flags)
}

// openCreate finds or creates the file of an O_CREAT open.
func (w *Walker) openCreate(path string, flags, mode, umask uint32) (Path, error) {
	dir, last, trailing, err := w.ResolveParent(path)
	if err != nil {
		return Path{}, err
	}
	if last == "" || last == "." || last == ".." || trailing {
		return Path{}, abi.EISDIR
	}
	da := dir.D.inode.Attr()
	if err := Permission(w.Ctx.Creds(), &da, MayExec); err != nil {
		return Path{}, err
	}
	dir.D.mu.Lock()
	d, err := dir.D.childLocked(w.Ctx, last)
	if err == nil {
		dir.D.mu.Unlock()
		if flags&abi.O_EXCL != 0 {
			return Path{}, abi.EEXIST
		}
		p := w.V.crossMounts(Path{dir.Mnt, d})
		wf := 0
		if flags&abi.O_NOFOLLOW != 0 {
			wf = WalkNoFollow
		}
		return w.finish(p, dir, wf)
	}
	if err != abi.ENOENT {
		dir.D.mu.Unlock()
		return Path{}, err
	}
	defer dir.D.mu.Unlock()
	if dir.D.dead {
		return Path{}, abi.ENOENT
	}
	if err := Permission(w.Ctx.Creds(), &da, MayWrite|MayExec); err != nil {
		return Path{}, err
	}
	if err := checkWritableMount(dir); err != nil {
		return Path{}, err
	}
	uid, gid, m := newOwner(w.Ctx.Creds(), &da, abi.S_IFREG|(mode&^umask&07777))
	ino, err := dir.D.inode.Create(w.Ctx, last, CreateOpts{Mode: m, UID: uid, GID: gid})
	if err != nil {
		return Path{}, err
	}
	return Path{dir.Mnt, dir.D.addChildLocked(last, ino)}, nil
}

// openPath opens an already resolved path with open(2) flags.
func (w *Walker) openPath(p Path, flags uint32) (*File, error) {
	a := p.D.Attr()
	acc := flags & abi.O_ACCMODE
	switch a.Type() {
	case abi.S_IFLNK:
		return nil, abi.ELOOP
	case abi.S_IFDIR:
		if acc != abi.O_RDONLY || flags&abi.O_CREAT != 0 {
			return nil, abi.EISDIR
		}
	default:
		if flags&abi.O_DIRECTORY != 0 {
			return nil, abi.ENOTDIR
		}
	}
	mask := 0
	if acc == abi.O_RDONLY || acc == abi.O_RDWR {
		mask |= MayRead
	}
	if acc == abi.O_WRONLY || acc == abi.O_RDWR {
		mask |= MayWrite
	}
	if flags&abi.O_TRUNC != 0 {
		mask |= MayWrite
	}
	if err := Permission(w.Ctx.Creds(), &a, mask); err != nil {
		return nil, err
	}
	if mask&MayWrite != 0 && a.Type() == abi.S_IFREG {
		if err := checkWritableMount(p); err != nil {
			return nil, err
		}
	}
	if flags&abi.O_TRUNC != 0 && a.Type() == abi.S_IFREG && a.Size != 0 {
		now := w.Ctx.Now()
		if err := p.D.inode.SetAttr(w.Ctx, &SetAttr{Mask: SetSize | SetMtime | SetCtime, Mtime: now, Ctime: now}); err != nil {
			return nil, err
		}
	}
	var ops FileOps
	var err error
	switch t := a.Type(); {
	case (t == abi.S_IFCHR || t == abi.S_IFBLK) && w.V.special != nil:
		if p.Mnt.Flags()&abi.MS_NODEV != 0 {
			return nil, abi.EACCES
		}
		ops, err = w.V.special.OpenDevice(w.Ctx, t, a.Rdev, flags)
	case t == abi.S_IFIFO && w.V.special != nil:
		ops, err = w.V.special.OpenFIFO(w.Ctx, p.D.inode, flags)
	case t == abi.S_IFSOCK:
		err = abi.ENXIO
	default:
		ops, err = p.D.inode.Open(w.Ctx, flags)
	}
	if err != nil {
		return nil, err
	}
	return NewFile(p, ops, flags), nil
}

// Mkdir implements mkdirat(2).
func (w *Walker) Mkdir(path string, mode, umask uint32) error {
	dir, last, _, err := w.ResolveParent(path)
	if err != nil {
		return err
	}
	if last == "" || last == "." || last == ".." {
		return abi.EEXIST
	}
	return w.createIn(dir, last, func(o CreateOpts) (Inode, error) {
		return dir.D.inode.Mkdir(w.Ctx, last, o)
	}, abi.S_IFDIR|(mode&^umask&01777))
}

// Mknod implements mknodat(2) for regular files, FIFOs, sockets and device
// nodes; mode carries the type.
func (w *Walker) Mknod(path string, mode, umask, rdev uint32) error {
	dir, last, trailing, err := w.ResolveParent(path)
	if err != nil {
		return err
	}
	if last == "" || last == "." || last == ".." {
		return abi.EEXIST
	}
	if trailing {
		return abi.ENOENT
	}
	return w.createIn(dir, last, func(o CreateOpts) (Inode, error) {
		o.Rdev = rdev
		return dir.D.inode.Create(w.Ctx, last, o)
	}, mode&abi.S_IFMT|(mode&^umask&07777))
}

// Symlink implements symlinkat(2).
func (w *Walker) Symlink(target, path string) error {
	if target == "" {
		return abi.ENOENT
	}
	dir, last, trailing, err := w.ResolveParent(path)
	if err != nil {
		return err
	}
	if last == "" || last == "." || last == ".." {
		return abi.EEXIST
	}
	if trailing {
		return abi.ENOENT
	}
	return w.createIn(dir, last, func(o CreateOpts) (Inode, error) {
		return dir.D.inode.Symlink(w.Ctx, last, target, o)
	}, abi.S_IFLNK|0777)
}

// createIn creates name in dir with make after the checks every creation
// shares: the name is free, the caller may write the directory, the mount
// is writable.
func (w *Walker) createIn(dir Path, name string, make func(CreateOpts) (Inode, error), mode uint32) error {
	da := dir.D.inode.Attr()
	dir.D.mu.Lock()
	defer dir.D.mu.Unlock()
	if dir.D.dead {
		return abi.ENOENT
	}
	if _, err := dir.D.childLocked(w.Ctx, name); err == nil {
		return abi.EEXIST
	} else if err != abi.ENOENT {
		return err
	}
	if err := Permission(w.Ctx.Creds(), &da, MayWrite|MayExec); err != nil {
		return err
	}
	if err := checkWritableMount(dir); err != nil {
		return err
	}
	uid, gid, m := newOwner(w.Ctx.Creds(), &da, mode)
	ino, err := make(CreateOpts{Mode: m, UID: uid, GID: gid})
	if err != nil {
		return err
	}
	dir.D.addChildLocked(name, ino)
	return nil
}

// Unlink implements unlinkat(2) without AT_REMOVEDIR.
func (w *Walker) Unlink(path string) error { return w.remove(path, false) }

// Rmdir implements unlinkat(2) with AT_REMOVEDIR.
func (w *Walker) Rmdir(path string) error { return w.remove(path, true) }

func (w *Walker) remove(path string, isDir bool) error {
	dir, last, trailing, err := w.ResolveParent(path)
	if err != nil {
		return err
	}
	switch {
	case isDir && last == "":
		return abi.EBUSY
	case isDir && last == ".":
		return abi.EINVAL
	case isDir && last == "..":
		return abi.ENOTEMPTY
	case !isDir && (last == "" || last == "." || last == ".."):
		return abi.EISDIR
	}
	da := dir.D.inode.Attr()
	dir.D.mu.Lock()
	defer dir.D.mu.Unlock()
	d, err := dir.D.childLocked(w.Ctx, last)
	if err != nil {
		return err
	}
	va := d.inode.Attr()
	if err := mayDelete(w.Ctx.Creds(), &da, &va); err != nil {
		return err
	}
	if isDir != va.IsDir() {
		if isDir {
			return abi.ENOTDIR
		}
		if trailing && va.Type() != abi.S_IFLNK {
			return abi.ENOTDIR
		}
		return abi.EISDIR
	}
	if !isDir && trailing {
		return abi.ENOTDIR
	}
	if d.mounts.Load() > 0 {
		return abi.EBUSY
	}
	if err := checkWritableMount(dir); err != nil {
		return err
	}
	if isDir {
		err = dir.D.inode.Rmdir(w.Ctx, last)
	} else {
		err = dir.D.inode.Unlink(w.Ctx, last)
	}
	if err != nil {
		return err
	}
	dir.D.removeChildLocked(last)
	return nil
}

// Stat resolves path and returns its attributes (newfstatat(2), statx(2)).
func (w *Walker) Stat(path string, flags int) (Attr, error) {
	p, err := w.Resolve(path, flags)
	if err != nil {
		return Attr{}, err
	}
	return p.D.Attr(), nil
}
