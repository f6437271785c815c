package vfs

import (
	"strconv"

	"liblinux/abi"
)

// Open implements the VFS part of openat(2) and openat2(2): lookup or
// creation, the checks Linux makes in do_open() and may_open(),
// truncation, and the new File. The caller has validated flags (openat2's
// rules, O_TMPFILE's, O_PATH's); umask is applied to mode for new files.
func (w *Walker) Open(path string, flags, mode, umask uint32) (*File, error) {
	switch {
	case flags&abi.O_TMPFILE == abi.O_TMPFILE:
		return w.openTmpfile(path, flags, mode, umask)
	case flags&abi.O_PATH != 0:
		return w.openOPath(path, flags)
	case flags&abi.O_CREAT == 0:
		wf := 0
		if flags&abi.O_NOFOLLOW != 0 {
			wf |= WalkNoFollow
		}
		if flags&abi.O_DIRECTORY != 0 {
			wf |= WalkDirectory
		}
		var n nameidata
		if err := n.resolve(w, path, wf); err != nil {
			return nil, err
		}
		return w.openPath(n.cur, flags, false)
	}
	p, created, err := w.openCreate(path, flags, mode, umask)
	if err != nil {
		return nil, err
	}
	return w.openPath(p, flags, created)
}

// openOPath opens an O_PATH file: a location, with no access checked on
// the file itself.
func (w *Walker) openOPath(path string, flags uint32) (*File, error) {
	wf := 0
	if flags&abi.O_NOFOLLOW != 0 {
		wf |= WalkNoFollow
	}
	if flags&abi.O_DIRECTORY != 0 {
		wf |= WalkDirectory
	}
	var n nameidata
	if err := n.resolve(w, path, wf); err != nil {
		return nil, err
	}
	f := NewFile(n.cur, pathOps{}, flags&(abi.O_PATH|abi.O_DIRECTORY|abi.O_NOFOLLOW|abi.O_ACCMODE))
	f.opath = true
	f.creds = w.Ctx.Creds()
	return f, nil
}

// openCreate finds or creates the file of an O_CREAT open, following a
// trailing symlink unless O_NOFOLLOW or O_EXCL (a dangling one makes its
// target), as Linux's open_last_lookups. created reports a new file.
func (w *Walker) openCreate(path string, flags, mode, umask uint32) (Path, bool, error) {
	var n nameidata
	if path == "" {
		return Path{}, false, abi.ENOENT
	}
	if err := n.init(w, path); err != nil {
		return Path{}, false, err
	}
	follow := flags&(abi.O_NOFOLLOW|abi.O_EXCL) == 0
	text := path
	for {
		if err := n.linkWalk(text); err != nil {
			return Path{}, false, err
		}
		if n.lastType != lastNorm {
			// "." or ".." or "/": an existing directory, which do_open
			// refuses.
			if _, err := n.walkComponent(false); err != nil {
				return Path{}, false, err
			}
			return n.cur, false, nil
		}
		if n.trailing {
			return Path{}, false, abi.EISDIR
		}
		dir := n.cur
		dir.D.mu.Lock()
		if dir.D.IsDead() {
			dir.D.mu.Unlock()
			return Path{}, false, abi.ENOENT
		}
		d, err := dir.D.childLocked(w.Ctx, n.last)
		if err == abi.ENOENT {
			p, err := w.createLocked(dir, n.last, mode, umask)
			dir.D.mu.Unlock()
			return p, err == nil, err
		}
		dir.D.mu.Unlock()
		if err != nil {
			return Path{}, false, err
		}
		if flags&abi.O_EXCL != 0 {
			return Path{}, false, abi.EEXIST
		}
		p, err := n.crossMounts(Path{dir.Mnt, d})
		if err != nil {
			return Path{}, false, err
		}
		if d.typ != abi.S_IFLNK || !follow {
			return p, false, nil
		}
		link, err := n.pickLink(p)
		if err != nil {
			return Path{}, false, err
		}
		if link == "" {
			return n.cur, false, nil
		}
		text = link
	}
}

// createLocked makes the regular file name in dir for open(O_CREAT).
//
// Preconditions: dir.D.mu is held for writing; name does not exist.
func (w *Walker) createLocked(dir Path, name string, mode, umask uint32) (Path, error) {
	if err := dir.Mnt.wantWrite(); err != nil {
		return Path{}, err
	}
	c := w.Ctx.Creds()
	if err := inodePermission(c, dir, MayWrite|MayExec); err != nil {
		return Path{}, err
	}
	da := dir.D.inode.Attr()
	uid, gid, m := newOwner(c, &da, abi.S_IFREG|(mode&^umask&07777))
	ino, err := dir.D.inode.Create(w.Ctx, name, CreateOpts{Mode: m, UID: uid, GID: gid})
	if err != nil {
		return Path{}, err
	}
	return Path{dir.Mnt, dir.D.addChildLocked(name, ino, abi.S_IFREG)}, nil
}

// openTmpfile implements O_TMPFILE: an unnamed regular file in the
// directory path names. Without O_EXCL linkat(2) may give it a name.
func (w *Walker) openTmpfile(path string, flags, mode, umask uint32) (*File, error) {
	var n nameidata
	if err := n.resolve(w, path, WalkDirectory); err != nil {
		return nil, err
	}
	dir := n.cur
	if err := dir.Mnt.wantWrite(); err != nil {
		return nil, err
	}
	c := w.Ctx.Creds()
	if err := inodePermission(c, dir, MayWrite|MayExec); err != nil {
		return nil, err
	}
	t, ok := dir.D.inode.(Tmpfiler)
	if !ok {
		return nil, abi.EOPNOTSUPP
	}
	da := dir.D.inode.Attr()
	uid, gid, m := newOwner(c, &da, abi.S_IFREG|(mode&^umask&07777))
	ino, err := t.Tmpfile(w.Ctx, CreateOpts{Mode: m, UID: uid, GID: gid})
	if err != nil {
		return nil, err
	}
	a := ino.Attr()
	d := newDentry(dir.D.sb, dir.D, "#"+strconv.FormatUint(a.Ino, 10), ino, abi.S_IFREG)
	d.dead.Store(true)
	d.linkable.Store(flags&abi.O_EXCL == 0)
	ops, err := ino.Open(w.Ctx, flags)
	if err != nil {
		return nil, err
	}
	if err := checkDirect(ops, abi.S_IFREG, flags); err != nil {
		return nil, err
	}
	return newOpenFile(w.Ctx, Path{dir.Mnt, d}, ops, flags), nil
}

// accMode returns the MAY_* bits an open needs: read and/or write by the
// access mode (both for mode 3), write for O_TRUNC.
func accMode(flags uint32) int {
	var m int
	switch flags & abi.O_ACCMODE {
	case abi.O_RDONLY:
		m = MayRead
	case abi.O_WRONLY:
		m = MayWrite
	default:
		m = MayRead | MayWrite
	}
	if flags&abi.O_TRUNC != 0 {
		m |= MayWrite
	}
	return m
}

// openPath opens a resolved path with open(2) flags (do_open, may_open,
// vfs_open and the O_TRUNC truncation).
func (w *Walker) openPath(p Path, flags uint32, created bool) (*File, error) {
	typ := p.D.typ
	if flags&abi.O_CREAT != 0 && typ == abi.S_IFDIR {
		return nil, abi.EISDIR
	}
	if flags&abi.O_DIRECTORY != 0 && typ != abi.S_IFDIR {
		return nil, abi.ENOTDIR
	}
	acc := accMode(flags)
	doTrunc := false
	if created {
		acc = 0
	} else if typ == abi.S_IFREG && flags&abi.O_TRUNC != 0 {
		if err := p.Mnt.wantWrite(); err != nil {
			return nil, err
		}
		doTrunc = true
	}
	c := w.Ctx.Creds()
	switch typ {
	case abi.S_IFLNK:
		return nil, abi.ELOOP
	case abi.S_IFDIR:
		if acc&MayWrite != 0 {
			return nil, abi.EISDIR
		}
	case abi.S_IFCHR, abi.S_IFBLK:
		if p.Mnt.flags.Load()&abi.MS_NODEV != 0 {
			return nil, abi.EACCES
		}
	}
	if acc != 0 {
		if err := inodePermission(c, p, acc); err != nil {
			return nil, err
		}
	}
	// An append-only file is written only in append mode, and never
	// truncated.
	if (flags&abi.O_ACCMODE != abi.O_RDONLY && flags&abi.O_APPEND == 0 || flags&abi.O_TRUNC != 0) && IsAppend(p.D.inode) {
		return nil, abi.EPERM
	}
	if flags&abi.O_NOATIME != 0 {
		a := p.D.inode.Attr()
		if !isOwnerOrCap(c, &a) {
			return nil, abi.EPERM
		}
	}
	writable := flags&abi.O_ACCMODE == abi.O_WRONLY || flags&abi.O_ACCMODE == abi.O_RDWR
	if writable && !isSpecial(typ) {
		if err := p.Mnt.wantWrite(); err != nil {
			return nil, err
		}
	}
	var ops FileOps
	var err error
	switch {
	case (typ == abi.S_IFCHR || typ == abi.S_IFBLK) && w.V.special != nil:
		a := p.D.inode.Attr()
		ops, err = w.V.special.OpenDevice(w.Ctx, typ, a.Rdev, flags)
	case typ == abi.S_IFIFO && w.V.special != nil:
		ops, err = w.V.special.OpenFIFO(w.Ctx, p.D.inode, flags)
	case typ == abi.S_IFSOCK:
		err = abi.ENXIO
	default:
		ops, err = p.D.inode.Open(w.Ctx, flags)
	}
	if err != nil {
		return nil, err
	}
	if err := checkDirect(ops, typ, flags); err != nil {
		ops.Release()
		return nil, err
	}
	f := newOpenFile(w.Ctx, p, ops, flags)
	if doTrunc {
		if err := truncate(w.Ctx, p, 0, true); err != nil {
			f.DecRef()
			return nil, err
		}
	}
	return f, nil
}
