package vfs

import (
	"strings"

	"liblinux/abi"
)

var errNoEnt error = abi.ENOENT

// Limits of a path walk, as Linux has them.
const (
	MaxSymlinks = 40
	NameMax     = 255
	PathMax     = 4096
)

// Walk flags.
const (
	// WalkNoFollow leaves a trailing symlink unfollowed.
	WalkNoFollow = 1 << iota
	// WalkDirectory requires the result to be a directory.
	WalkDirectory
)

// Walker resolves paths for one caller: its root (chroot) and the
// directory relative paths start from.
type Walker struct {
	V     *VFS
	Ctx   Context
	Root  Path
	Start Path
	links int
}

// Resolve walks the whole of path.
func (w *Walker) Resolve(path string, flags int) (Path, error) {
	parent, last, trailing, err := w.ResolveParent(path)
	if err != nil {
		return Path{}, err
	}
	if last == "" {
		return parent, nil
	}
	p, err := w.step(parent, last)
	if err != nil {
		return Path{}, err
	}
	if trailing {
		flags |= WalkDirectory
	}
	return w.finish(p, parent, flags)
}

// finish follows a trailing symlink (unless WalkNoFollow and no trailing
// slash) and checks WalkDirectory.
func (w *Walker) finish(p, parent Path, flags int) (Path, error) {
	for {
		a := p.D.inode.Attr()
		if a.Type() == abi.S_IFLNK && (flags&WalkNoFollow == 0 || flags&WalkDirectory != 0) {
			var err error
			if p, err = w.followLink(parent, p); err != nil {
				return Path{}, err
			}
			continue
		}
		if flags&WalkDirectory != 0 && !a.IsDir() {
			return Path{}, abi.ENOTDIR
		}
		return p, nil
	}
}

// followLink resolves symlink p found in directory parent to what it names.
func (w *Walker) followLink(parent, p Path) (Path, error) {
	w.links++
	if w.links > MaxSymlinks {
		return Path{}, abi.ELOOP
	}
	target, err := p.D.inode.Readlink(w.Ctx)
	if err != nil {
		return Path{}, err
	}
	if target == "" {
		return Path{}, abi.ENOENT
	}
	// Procfs-style links that name a path directly are not special here:
	// they are resolved as text, relative to the link's directory.
	sub := *w
	sub.Start = parent
	dir, last, trailing, err := sub.ResolveParent(target)
	w.links = sub.links
	if err != nil {
		return Path{}, err
	}
	if last == "" {
		return dir, nil
	}
	next, err := sub.step(dir, last)
	w.links = sub.links
	if err != nil {
		return Path{}, err
	}
	a := next.D.inode.Attr()
	if a.Type() == abi.S_IFLNK {
		r, err := w.followLink(dir, next)
		return r, err
	}
	if trailing && !a.IsDir() {
		return Path{}, abi.ENOTDIR
	}
	return next, nil
}

// ResolveParent walks all but the last component of path. It returns the
// directory, the last component ("" if the path names the start or root
// itself, e.g. "/" or "."), and whether the path ended in a slash.
// "." and ".." as the last component are returned as names: callers that
// create or remove treat them specially, Resolve steps into them.
func (w *Walker) ResolveParent(path string) (Path, string, bool, error) {
	if path == "" {
		return Path{}, "", false, abi.ENOENT
	}
	if len(path) >= PathMax {
		return Path{}, "", false, abi.ENAMETOOLONG
	}
	cur := w.Start
	if path[0] == '/' {
		cur = w.Root
	}
	trailing := strings.HasSuffix(path, "/")
	comps := strings.Split(path, "/")
	// Drop empty components (repeated and leading/trailing slashes).
	n := 0
	for _, c := range comps {
		if c != "" {
			comps[n] = c
			n++
		}
	}
	comps = comps[:n]
	if len(comps) == 0 {
		return cur, "", trailing, nil
	}
	for _, c := range comps {
		if len(c) > NameMax {
			return Path{}, "", false, abi.ENAMETOOLONG
		}
	}
	for _, c := range comps[:len(comps)-1] {
		next, err := w.step(cur, c)
		if err != nil {
			return Path{}, "", false, err
		}
		if next, err = w.finish(next, cur, WalkDirectory); err != nil {
			return Path{}, "", false, err
		}
		cur = next
	}
	a := cur.D.inode.Attr()
	if !a.IsDir() {
		return Path{}, "", false, abi.ENOTDIR
	}
	return cur, comps[len(comps)-1], trailing, nil
}

// step moves from directory cur to its child name, handling "." and "..",
// search permission and mount crossings. Symlinks are not followed.
func (w *Walker) step(cur Path, name string) (Path, error) {
	a := cur.D.inode.Attr()
	if !a.IsDir() {
		return Path{}, abi.ENOTDIR
	}
	if err := Permission(w.Ctx.Creds(), &a, MayExec); err != nil {
		return Path{}, err
	}
	switch name {
	case ".":
		return cur, nil
	case "..":
		return w.dotdot(cur), nil
	}
	d, err := cur.D.Child(w.Ctx, name)
	if err != nil {
		return Path{}, err
	}
	return w.V.crossMounts(Path{cur.Mnt, d}), nil
}

// dotdot returns the parent of cur, staying at the caller's root and
// climbing out of mounts.
func (w *Walker) dotdot(cur Path) Path {
	for {
		if cur == w.Root {
			return cur
		}
		if cur.D != cur.Mnt.root {
			cur.D.sb.renameMu.Lock()
			parent := cur.D.parent
			cur.D.sb.renameMu.Unlock()
			if parent == nil {
				return cur
			}
			return w.V.crossMounts(Path{cur.Mnt, parent})
		}
		w.V.mountMu.RLock()
		pm, pt := cur.Mnt.parent, cur.Mnt.point
		w.V.mountMu.RUnlock()
		if pm == nil {
			return cur
		}
		cur = Path{pm, pt}
	}
}

// crossMounts follows mounts stacked on p down to the topmost.
func (v *VFS) crossMounts(p Path) Path {
	for {
		m := v.mountedOn(p)
		if m == nil {
			return p
		}
		p = Path{m, m.root}
	}
}
