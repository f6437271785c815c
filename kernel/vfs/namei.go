package vfs

import "liblinux/abi"

// Mkdir implements mkdirat(2). Only the permission bits and the sticky bit
// of mode are used; set-group-ID comes from the parent.
func (w *Walker) Mkdir(path string, mode, umask uint32) error {
	return w.create(path, true, abi.S_IFDIR|(mode&^umask&01777), func(dir Path, name string, o CreateOpts) (Inode, error) {
		return dir.D.inode.Mkdir(w.Ctx, name, o)
	})
}

// Mknod implements mknodat(2) for regular files, FIFOs, sockets and device
// nodes; mode carries the type (checked by the caller) and rdev the
// device number. Device nodes other than the 0:0 whiteout need CAP_MKNOD.
func (w *Walker) Mknod(path string, mode, umask, rdev uint32) error {
	typ := mode & abi.S_IFMT
	return w.create(path, false, typ|(mode&^umask&07777), func(dir Path, name string, o CreateOpts) (Inode, error) {
		if (typ == abi.S_IFCHR || typ == abi.S_IFBLK) && !(typ == abi.S_IFCHR && rdev == 0) &&
			!w.Ctx.Creds().HasCap(abi.CAP_MKNOD) {
			return nil, abi.EPERM
		}
		o.Rdev = rdev
		return dir.D.inode.Create(w.Ctx, name, o)
	})
}

// Symlink implements symlinkat(2).
func (w *Walker) Symlink(target, path string) error {
	if target == "" {
		return abi.ENOENT
	}
	return w.create(path, false, abi.S_IFLNK|0777, func(dir Path, name string, o CreateOpts) (Inode, error) {
		return dir.D.inode.Symlink(w.Ctx, name, target, o)
	})
}

// create makes a new name with mk after the checks every creation shares,
// in Linux's order (filename_create, then may_create): the last component
// is an ordinary name (EEXIST), the name is free (EEXIST), a trailing
// slash only for directories (ENOENT), the mount is writable (EROFS), the
// caller may write the directory (EACCES).
func (w *Walker) create(path string, isDir bool, mode uint32, mk func(Path, string, CreateOpts) (Inode, error)) error {
	dir, last, kind, trailing, err := w.parent(path)
	if err != nil {
		return err
	}
	if kind != lastNorm {
		return abi.EEXIST
	}
	dir.D.mu.Lock()
	defer dir.D.mu.Unlock()
	if dir.D.IsDead() {
		return abi.ENOENT
	}
	if _, err := dir.D.childLocked(w.Ctx, last); err == nil {
		return abi.EEXIST
	} else if err != abi.ENOENT {
		return err
	}
	if trailing && !isDir {
		return abi.ENOENT
	}
	if err := dir.Mnt.wantWrite(); err != nil {
		return err
	}
	c := w.Ctx.Creds()
	if err := inodePermission(c, dir, MayWrite|MayExec); err != nil {
		return err
	}
	da := dir.D.inode.Attr()
	uid, gid, m := newOwner(c, &da, mode)
	ino, err := mk(dir, last, CreateOpts{Mode: m, UID: uid, GID: gid})
	if err != nil {
		return err
	}
	dir.D.addChildLocked(last, ino, mode&abi.S_IFMT)
	return nil
}

// Unlink implements unlinkat(2) without AT_REMOVEDIR.
func (w *Walker) Unlink(path string) error {
	dir, last, kind, trailing, err := w.parent(path)
	if err != nil {
		return err
	}
	if kind != lastNorm {
		return abi.EISDIR
	}
	if err := dir.Mnt.wantWrite(); err != nil {
		return err
	}
	dir.D.mu.Lock()
	defer dir.D.mu.Unlock()
	d, err := dir.D.childLocked(w.Ctx, last)
	if err != nil {
		return err
	}
	if trailing {
		if d.IsDir() {
			return abi.EISDIR
		}
		return abi.ENOTDIR
	}
	if err := mayDelete(w.Ctx.Creds(), dir, d, false); err != nil {
		return err
	}
	if d.mounts.Load() > 0 {
		return abi.EBUSY
	}
	if err := dir.D.inode.Unlink(w.Ctx, last); err != nil {
		return err
	}
	dir.D.removeChildLocked(last)
	return nil
}

// Rmdir implements unlinkat(2) with AT_REMOVEDIR.
func (w *Walker) Rmdir(path string) error {
	dir, last, kind, _, err := w.parent(path)
	if err != nil {
		return err
	}
	switch kind {
	case lastDotDot:
		return abi.ENOTEMPTY
	case lastDot:
		return abi.EINVAL
	case lastRoot:
		return abi.EBUSY
	}
	if err := dir.Mnt.wantWrite(); err != nil {
		return err
	}
	dir.D.mu.Lock()
	defer dir.D.mu.Unlock()
	d, err := dir.D.childLocked(w.Ctx, last)
	if err != nil {
		return err
	}
	if err := mayDelete(w.Ctx.Creds(), dir, d, true); err != nil {
		return err
	}
	if d.mounts.Load() > 0 {
		return abi.EBUSY
	}
	// Lock the victim so nothing is created in it while it goes.
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := dir.D.inode.Rmdir(w.Ctx, last); err != nil {
		return err
	}
	dir.D.removeChildLocked(last)
	return nil
}

// Stat resolves path and returns its attributes (newfstatat(2), statx(2)).
func (w *Walker) Stat(path string, flags int) (Attr, error) {
	var n nameidata
	if err := n.resolve(w, path, flags); err != nil {
		return Attr{}, err
	}
	return n.cur.D.Attr(), nil
}

// Link implements linkat(2): a new name newPath (through w) for old,
// which the caller resolved. Errors in Linux's order: the new name (as
// for any creation), EXDEV across mounts, then EACCES, EPERM for an
// immutable or append-only inode or a directory, ENOENT for a file with no links left (unless it is an
// O_TMPFILE file made to be linked).
func (w *Walker) Link(old Path, newPath string) error {
	dir, last, kind, trailing, err := w.parent(newPath)
	if err != nil {
		return err
	}
	if kind != lastNorm {
		return abi.EEXIST
	}
	dir.D.mu.Lock()
	defer dir.D.mu.Unlock()
	if dir.D.IsDead() {
		return abi.ENOENT
	}
	if _, err := dir.D.childLocked(w.Ctx, last); err == nil {
		return abi.EEXIST
	} else if err != abi.ENOENT {
		return err
	}
	if trailing {
		return abi.ENOENT
	}
	if err := dir.Mnt.wantWrite(); err != nil {
		return err
	}
	if old.Mnt != dir.Mnt {
		return abi.EXDEV
	}
	if err := inodePermission(w.Ctx.Creds(), dir, MayWrite|MayExec); err != nil {
		return err
	}
	if old.D.sb != dir.D.sb {
		return abi.EXDEV
	}
	if immutableOrAppend(old.D.inode) || old.D.IsDir() {
		return abi.EPERM
	}
	if old.D.IsDead() && !old.D.linkable.Load() {
		if a := old.D.inode.Attr(); a.Nlink == 0 {
			return abi.ENOENT
		}
	}
	if err := dir.D.inode.Link(w.Ctx, last, old.D.inode); err != nil {
		return err
	}
	old.D.linkable.Store(false)
	dir.D.addChildLocked(last, old.D.inode, old.D.typ)
	return nil
}
