package vfs

import (
	"liblinux/abi"
)

// Limits of a path walk, as Linux has them.
const (
	MaxSymlinks = 40
	NameMax     = 255
	PathMax     = 4096
)

// Walk flags for Resolve.
const (
	// WalkNoFollow leaves a trailing symlink unfollowed.
	WalkNoFollow = 1 << iota
	// WalkDirectory requires the result to be a directory.
	WalkDirectory
	// WalkEmptyPath lets an empty path name Start itself (AT_EMPTY_PATH).
	WalkEmptyPath
)

// Walker resolves paths for one caller: its root (chroot) and the
// directory relative paths start from. Restrict holds openat2's RESOLVE_*
// flags.
type Walker struct {
	V        *VFS
	Ctx      Context
	Root     Path
	Start    Path
	Restrict uint64
}

// Kinds of the last component of a path.
const (
	lastNorm = iota
	lastRoot
	lastDot
	lastDotDot
)

// nameidata is the state of one walk, as Linux's struct nameidata: where
// the walk stands, the text of the symlinks being followed, and the last
// component once the walk reaches it. It lives on the caller's stack.
type nameidata struct {
	w        Walker // a copy: a walk keeps no pointer to its Walker
	root     Path   // the walk's root: w.Root, or w.Start for scoped walks
	cur      Path
	stack    [MaxSymlinks]string // unwalked rest of each outer path text
	depth    int
	links    int
	last     string
	lastType int
	trailing bool // the last component was followed by a slash
	mustDir  bool // the result must be a directory
}

func (n *nameidata) init(w *Walker, path string) error {
	n.w = *w
	n.root = w.Root
	if w.Restrict&(abi.RESOLVE_BENEATH|abi.RESOLVE_IN_ROOT) != 0 {
		n.root = w.Start
	}
	if len(path) >= PathMax {
		return abi.ENAMETOOLONG
	}
	if path != "" && path[0] == '/' {
		if w.Restrict&abi.RESOLVE_BENEATH != 0 {
			return abi.EXDEV
		}
		n.cur = n.root
	} else {
		n.cur = w.Start
	}
	return nil
}

// mayLookup checks search permission on the directory the walk is in.
func (n *nameidata) mayLookup() error {
	return inodePermission(n.w.Ctx.Creds(), n.cur, MayExec)
}

// linkWalk walks every component of name but the last of the whole path,
// following symlinks in the middle, as Linux's link_path_walk. The last
// component is left in n.last (with its kind in n.lastType).
func (n *nameidata) linkWalk(name string) error {
	n.lastType = lastRoot
	n.last = ""
	n.trailing = false
	for len(name) > 0 && name[0] == '/' {
		name = name[1:]
	}
	if name == "" {
		return nil
	}
	for {
		if err := n.mayLookup(); err != nil {
			return err
		}
		i := 0
		for i < len(name) && name[i] != '/' {
			i++
		}
		comp, rest := name[:i], name[i:]
		if len(comp) > NameMax {
			return abi.ENAMETOOLONG
		}
		n.last = comp
		switch comp {
		case ".":
			n.lastType = lastDot
		case "..":
			n.lastType = lastDotDot
		default:
			n.lastType = lastNorm
		}
		slash := len(rest) > 0
		for len(rest) > 0 && rest[0] == '/' {
			rest = rest[1:]
		}
		var link string
		var err error
		if rest == "" {
			if n.depth == 0 {
				n.trailing = slash
				return nil
			}
			// The last component of a symlink in the middle of a path.
			n.depth--
			name = n.stack[n.depth]
			link, err = n.walkComponent(true)
		} else {
			name = rest
			link, err = n.walkComponent(true)
		}
		if err != nil {
			return err
		}
		if link != "" {
			if n.depth == len(n.stack) {
				return abi.ELOOP
			}
			n.stack[n.depth] = name
			n.depth++
			name = link
			continue
		}
		if !n.cur.D.IsDir() {
			return abi.ENOTDIR
		}
	}
}

// walkComponent steps from n.cur into n.last. If that is a symlink to
// follow, it returns the link's text (n.cur stays in the link's
// directory, or moves to the root for an absolute link).
func (n *nameidata) walkComponent(follow bool) (string, error) {
	switch n.lastType {
	case lastRoot, lastDot:
		return "", nil
	case lastDotDot:
		return "", n.dotdot()
	}
	d, err := n.cur.D.lookup(n.w.Ctx, n.last)
	if err != nil {
		return "", err
	}
	p, err := n.crossMounts(Path{n.cur.Mnt, d})
	if err != nil {
		return "", err
	}
	if d.typ != abi.S_IFLNK || !follow {
		n.cur = p
		return "", nil
	}
	return n.pickLink(p)
}

// pickLink follows symlink p: a magic link moves the walk to its object,
// an ordinary link returns its text.
func (n *nameidata) pickLink(p Path) (string, error) {
	w := &n.w
	if w.Restrict&abi.RESOLVE_NO_SYMLINKS != 0 {
		return "", abi.ELOOP
	}
	n.links++
	if n.links > MaxSymlinks {
		return "", abi.ELOOP
	}
	touchAtime(w.Ctx, p)
	if ml, ok := p.D.inode.(MagicLink); ok {
		if w.Restrict&abi.RESOLVE_NO_MAGICLINKS != 0 {
			return "", abi.ELOOP
		}
		if w.Restrict&(abi.RESOLVE_BENEATH|abi.RESOLVE_IN_ROOT) != 0 {
			return "", abi.EXDEV
		}
		target, err := ml.Follow(w.Ctx)
		if err != nil {
			return "", err
		}
		if w.Restrict&abi.RESOLVE_NO_XDEV != 0 && target.Mnt != n.cur.Mnt {
			return "", abi.EXDEV
		}
		n.cur = target
		return "", nil
	}
	body, err := p.D.inode.Readlink(w.Ctx)
	if err != nil {
		return "", err
	}
	if body == "" {
		return "", abi.ENOENT
	}
	if body[0] == '/' {
		if w.Restrict&abi.RESOLVE_BENEATH != 0 {
			return "", abi.EXDEV
		}
		if w.Restrict&abi.RESOLVE_NO_XDEV != 0 && n.cur.Mnt != n.root.Mnt {
			return "", abi.EXDEV
		}
		n.cur = n.root
		for len(body) > 0 && body[0] == '/' {
			body = body[1:]
		}
	}
	return body, nil
}

// crossMounts follows mounts stacked on p down to the topmost.
func (n *nameidata) crossMounts(p Path) (Path, error) {
	if p.D.mounts.Load() == 0 {
		return p, nil
	}
	q := n.w.V.crossMounts(p)
	if q != p && n.w.Restrict&abi.RESOLVE_NO_XDEV != 0 {
		return Path{}, abi.EXDEV
	}
	return q, nil
}

// dotdot moves to the parent of n.cur, staying at the walk's root and
// climbing out of mounts, as Linux's follow_dotdot.
func (n *nameidata) dotdot() error {
	for {
		if n.cur == n.root {
			if n.w.Restrict&abi.RESOLVE_BENEATH != 0 {
				return abi.EXDEV
			}
			return nil
		}
		if n.cur.D != n.cur.Mnt.root {
			parent := n.cur.D.parent.Load()
			if parent == nil {
				return nil
			}
			p, err := n.crossMounts(Path{n.cur.Mnt, parent})
			if err != nil {
				return err
			}
			n.cur = p
			return nil
		}
		v := n.w.V
		v.mountMu.RLock()
		pm, pt := n.cur.Mnt.parent, n.cur.Mnt.point
		v.mountMu.RUnlock()
		if pm == nil {
			return nil
		}
		if n.w.Restrict&abi.RESOLVE_NO_XDEV != 0 {
			return abi.EXDEV
		}
		n.cur = Path{pm, pt}
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

// resolve walks the whole of path into n: n.cur is the result.
func (n *nameidata) resolve(w *Walker, path string, flags int) error {
	if path == "" {
		if flags&WalkEmptyPath == 0 {
			return abi.ENOENT
		}
		n.w, n.cur = *w, w.Start
		if flags&WalkDirectory != 0 && !n.cur.D.IsDir() {
			return abi.ENOTDIR
		}
		return nil
	}
	if err := n.init(w, path); err != nil {
		return err
	}
	n.mustDir = flags&WalkDirectory != 0
	follow := flags&WalkNoFollow == 0
	text := path
	for {
		if err := n.linkWalk(text); err != nil {
			return err
		}
		if n.trailing && n.lastType == lastNorm {
			// A trailing slash asks for a directory, through a
			// trailing symlink (Linux's lookup_last).
			n.mustDir, follow = true, true
		}
		link, err := n.walkComponent(follow)
		if err != nil {
			return err
		}
		if link == "" {
			break
		}
		text = link
	}
	if n.mustDir && !n.cur.D.IsDir() {
		return abi.ENOTDIR
	}
	return nil
}

// Resolve walks the whole of path (flags are Walk*).
func (w *Walker) Resolve(path string, flags int) (Path, error) {
	var n nameidata
	if err := n.resolve(w, path, flags); err != nil {
		return Path{}, err
	}
	return n.cur, nil
}

// ResolveParent walks all but the last component of path. It returns the
// directory, the last component ("" if the path names the start or root
// itself, e.g. "/"), and whether the path ended in a slash. "." and ".."
// as the last component are returned as names: callers that create or
// remove treat them specially, Resolve steps into them.
func (w *Walker) ResolveParent(path string) (Path, string, bool, error) {
	if path == "" {
		return Path{}, "", false, abi.ENOENT
	}
	var n nameidata
	if err := n.init(w, path); err != nil {
		return Path{}, "", false, err
	}
	if err := n.linkWalk(path); err != nil {
		return Path{}, "", false, err
	}
	return n.cur, n.last, n.trailing, nil
}

// parent is ResolveParent for the namespace operations: it also returns
// the kind of the last component.
func (w *Walker) parent(path string) (dir Path, last string, kind int, trailing bool, err error) {
	if path == "" {
		return Path{}, "", 0, false, abi.ENOENT
	}
	var n nameidata
	if err := n.init(w, path); err != nil {
		return Path{}, "", 0, false, err
	}
	if err := n.linkWalk(path); err != nil {
		return Path{}, "", 0, false, err
	}
	return n.cur, n.last, n.lastType, n.trailing, nil
}
