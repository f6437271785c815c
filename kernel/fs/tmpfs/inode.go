package tmpfs

import (
	"runtime"
	"sort"
	"sync"
	"sync/atomic"

	"liblinux/abi"
	"liblinux/kernel/mm"
	"liblinux/kernel/vfs"
)

// Directory sizes and offsets, as Linux's shmem and simple_offset give
// them: 20 bytes per entry on top of 40, entries numbered from 3 in the
// order they arrive, listed newest first.
const (
	bogoDirentSize = 20
	dirOffsetFirst = 2
	dirOffsetMin   = 3
	dirOffsetEOD   = 1<<31 - 1
	shortSymlink   = 128 // longer targets take a page
)

// inode is every kind of tmpfs file. What only one type has (a
// directory's entries, a symlink's target) hangs off a pointer, so that
// an inode, written by whichever CPU works on the file, is exactly four
// cache lines: the allocator then places it on a line boundary, and two
// inodes (two directories made one after the other, each then changed
// by its own CPU) never share a line. A test pins the size.
type inode struct {
	fs    *FS
	ino   uint64        // immutable
	typ   uint32        // S_IFMT bits; immutable
	flags atomic.Uint32 // FS_*_FL attribute flags (fileattr.go); changed under mu

	mu   sync.RWMutex
	attr vfs.Attr // protected by mu

	// perm is attr's mode and owner for PermAttr, which every path walk
	// calls at every directory: reading it takes no lock, so walks
	// through one directory from many CPUs write nothing shared.
	perm permCopy

	dir  *dirData  // directories only; the pointer is immutable
	link *linkData // symlinks only; the pointer is immutable
	data pages     // regular files; protected by mu

	opens  int32             // open regular files; protected by mu
	gone   bool              // its inode unit and pages were freed; protected by mu
	seals  uint8             // F_SEAL_* of a regular file; protected by mu
	xattrs map[string][]byte // protected by mu
}

// dirData is what a directory inode has; the inode's mu protects it.
type dirData struct {
	parent  *inode            // for ".."
	entries map[string]*entry // by name
	order   []*entry          // by offset, may hold removed ones
	nextOff int64             // offset of the next new entry
	live    int               // live entries in order
}

// linkData is what a symlink inode has.
type linkData struct {
	target   string // immutable
	linkPage []byte // the page a long target is charged; protected by the inode's mu
}

type entry struct {
	name    string
	ino     *inode
	off     int64
	removed bool
}

var (
	_ vfs.Inode      = (*inode)(nil)
	_ vfs.Tmpfiler   = (*inode)(nil)
	_ vfs.Xattrer    = (*inode)(nil)
	_ vfs.PermAttrer = (*inode)(nil)
)

// newInode makes an inode; the caller has reserved its inode unit.
func (fs *FS) newInode(ctx vfs.Context, o vfs.CreateOpts) *inode {
	now := ctx.Now()
	ino := &inode{fs: fs, typ: o.Mode & abi.S_IFMT, ino: fs.newIno(), seals: abi.F_SEAL_SEAL}
	ino.attr = vfs.Attr{
		Ino:     ino.ino,
		Mode:    o.Mode,
		Nlink:   1,
		UID:     o.UID,
		GID:     o.GID,
		Rdev:    o.Rdev,
		Blksize: mm.PageSize,
		Atime:   now, Mtime: now, Ctime: now, Btime: now,
	}
	ino.perm.store(o.Mode, o.UID, o.GID)
	switch ino.typ {
	case abi.S_IFDIR:
		ino.attr.Nlink = 2
		ino.attr.Size = 2 * bogoDirentSize
		ino.dir = &dirData{entries: make(map[string]*entry), nextOff: dirOffsetMin}
	case abi.S_IFLNK:
		ino.link = &linkData{}
	}
	return ino
}

// Attr implements vfs.Inode.
func (i *inode) Attr() vfs.Attr {
	i.mu.RLock()
	a := i.attr
	switch i.typ {
	case abi.S_IFREG:
		a.Blocks = i.data.count * (mm.PageSize / 512)
	case abi.S_IFLNK:
		if i.link.linkPage != nil {
			a.Blocks = mm.PageSize / 512
		}
	}
	i.mu.RUnlock()
	return a
}

// PermAttr implements vfs.PermAttrer.
func (i *inode) PermAttr() (mode, uid, gid uint32) { return i.perm.load() }

// permCopy is a copy of an inode's mode and owner that readers load
// without a lock, under a sequence count: a reader that saw a change in
// progress, or one that ended while it read, reads again.
type permCopy struct {
	seq            atomic.Uint32 // odd while a change is in progress
	mode, uid, gid atomic.Uint32
}

// store sets the copy. Preconditions: the inode's mu is held for
// writing (or the inode is not yet visible), so changes do not overlap.
func (p *permCopy) store(mode, uid, gid uint32) {
	p.seq.Add(1)
	p.mode.Store(mode)
	p.uid.Store(uid)
	p.gid.Store(gid)
	p.seq.Add(1)
}

// load returns mode, uid and gid as one change left them.
func (p *permCopy) load() (mode, uid, gid uint32) {
	for {
		s := p.seq.Load()
		if s&1 == 0 {
			mode, uid, gid = p.mode.Load(), p.uid.Load(), p.gid.Load()
			if p.seq.Load() == s {
				return mode, uid, gid
			}
		}
		// A change is in progress (a few stores under the inode's
		// lock); let its goroutine run if it was preempted.
		runtime.Gosched()
	}
}

// permChangedLocked copies attr's mode and owner to perm after a change.
//
// Preconditions: i.mu is held for writing.
func (i *inode) permChangedLocked() {
	i.perm.store(i.attr.Mode, i.attr.UID, i.attr.GID)
}

// SetAttr implements vfs.Inode.
func (i *inode) SetAttr(ctx vfs.Context, s *vfs.SetAttr) error {
	i.mu.Lock()
	defer i.mu.Unlock()
	if s.Mask&vfs.SetSize != 0 {
		if i.typ != abi.S_IFREG {
			return abi.EINVAL
		}
		if err := vfs.SizeLimit(ctx, s.Size, i.attr.Size); err != nil {
			return err
		}
		if err := i.checkSealsLocked(s.Size); err != nil {
			return err
		}
		if s.Mask&vfs.SetMtime == 0 && (s.Size != i.attr.Size || i.data.count > 0) {
			// A size change, or truncating a file that holds pages
			// (shmem_truncate_range), updates the times.
			now := ctx.Now()
			i.attr.Mtime, i.attr.Ctime = now, now
		}
		i.truncateLocked(s.Size)
	}
	if s.Mask&vfs.SetMode != 0 {
		i.attr.Mode = i.attr.Mode&abi.S_IFMT | s.Mode&07777
	}
	if s.Mask&vfs.SetUID != 0 {
		i.attr.UID = s.UID
	}
	if s.Mask&vfs.SetGID != 0 {
		i.attr.GID = s.GID
	}
	if s.Mask&(vfs.SetMode|vfs.SetUID|vfs.SetGID) != 0 {
		i.permChangedLocked()
	}
	if s.Mask&vfs.SetAtime != 0 {
		i.attr.Atime = s.Atime
	}
	if s.Mask&vfs.SetMtime != 0 {
		i.attr.Mtime = s.Mtime
	}
	if s.Mask&vfs.SetCtime != 0 {
		i.attr.Ctime = s.Ctime
	}
	return nil
}

// Lookup implements vfs.Inode.
func (i *inode) Lookup(ctx vfs.Context, name string) (vfs.Inode, error) {
	if i.typ != abi.S_IFDIR {
		return nil, abi.ENOTDIR
	}
	i.mu.RLock()
	e, ok := i.dir.entries[name]
	i.mu.RUnlock()
	if ok {
		return e.ino, nil
	}
	return nil, abi.ENOENT
}

// addLocked links child under name and updates the directory's size and
// times. Preconditions: i.mu is held for writing.
func (i *inode) addLocked(name string, child *inode, now vfs.Time) {
	e := &entry{name: name, ino: child, off: i.dir.nextOff}
	i.dir.nextOff++
	i.dir.entries[name] = e
	i.dir.order = append(i.dir.order, e)
	i.dir.live++
	i.attr.Size += bogoDirentSize
	i.attr.Mtime, i.attr.Ctime = now, now
}

// removeLocked unlinks name and returns its inode. Preconditions: i.mu is
// held for writing; name exists.
func (i *inode) removeLocked(name string, now vfs.Time) *inode {
	e := i.dir.entries[name]
	delete(i.dir.entries, name)
	e.removed = true
	i.dir.live--
	i.attr.Size -= bogoDirentSize
	if len(i.dir.order) > 64 && i.dir.live < len(i.dir.order)/2 {
		// Compact; listings resume by offset, not by index.
		kept := i.dir.order[:0]
		for _, x := range i.dir.order {
			if !x.removed {
				kept = append(kept, x)
			}
		}
		clear(i.dir.order[len(kept):])
		i.dir.order = kept
	}
	i.attr.Mtime, i.attr.Ctime = now, now
	return e.ino
}

// create makes and links a new inode of o's type.
func (i *inode) create(ctx vfs.Context, name string, o vfs.CreateOpts, target string) (*inode, error) {
	if i.typ != abi.S_IFDIR {
		return nil, abi.ENOTDIR
	}
	fs := i.fs
	if err := fs.reserveInode(); err != nil {
		return nil, err
	}
	child := fs.newInode(ctx, o)
	child.inheritFlags(i)
	if child.typ == abi.S_IFLNK {
		child.link.target = target
		child.attr.Size = int64(len(target))
		if len(target) > shortSymlink {
			p, err := fs.allocPage()
			if err != nil {
				fs.freeInode()
				return nil, err
			}
			child.link.linkPage = p
		}
	}
	now := child.attr.Ctime
	i.mu.Lock()
	defer i.mu.Unlock()
	if _, ok := i.dir.entries[name]; ok {
		child.evict()
		return nil, abi.EEXIST
	}
	if child.typ == abi.S_IFDIR {
		child.dir.parent = i
		i.attr.Nlink++
	}
	i.addLocked(name, child, now)
	return child, nil
}

// Create implements vfs.Inode.
func (i *inode) Create(ctx vfs.Context, name string, o vfs.CreateOpts) (vfs.Inode, error) {
	return i.create(ctx, name, o, "")
}

// Mkdir implements vfs.Inode.
func (i *inode) Mkdir(ctx vfs.Context, name string, o vfs.CreateOpts) (vfs.Inode, error) {
	return i.create(ctx, name, o, "")
}

// Symlink implements vfs.Inode: targets up to a page, as Linux's tmpfs.
func (i *inode) Symlink(ctx vfs.Context, name, target string, o vfs.CreateOpts) (vfs.Inode, error) {
	if len(target)+1 > mm.PageSize {
		return nil, abi.ENAMETOOLONG
	}
	return i.create(ctx, name, o, target)
}

// Tmpfile implements vfs.Tmpfiler: a file with no name and no links.
func (i *inode) Tmpfile(ctx vfs.Context, o vfs.CreateOpts) (vfs.Inode, error) {
	if err := i.fs.reserveInode(); err != nil {
		return nil, err
	}
	child := i.fs.newInode(ctx, o)
	child.inheritFlags(i)
	child.attr.Nlink = 0
	return child, nil
}

// Link implements vfs.Inode. Each extra link takes an inode unit, as in
// Linux's shmem_link.
func (i *inode) Link(ctx vfs.Context, name string, target vfs.Inode) error {
	t, ok := target.(*inode)
	if !ok || t.fs != i.fs {
		return abi.EXDEV
	}
	t.mu.RLock()
	linked := t.attr.Nlink > 0
	t.mu.RUnlock()
	if linked {
		if err := i.fs.reserveInode(); err != nil {
			return err
		}
	}
	now := ctx.Now()
	i.mu.Lock()
	t.mu.Lock()
	t.attr.Nlink++
	t.attr.Ctime = now
	t.mu.Unlock()
	i.addLocked(name, t, now)
	i.mu.Unlock()
	return nil
}

// Unlink implements vfs.Inode.
func (i *inode) Unlink(ctx vfs.Context, name string) error {
	now := ctx.Now()
	i.mu.Lock()
	if _, ok := i.dir.entries[name]; !ok {
		i.mu.Unlock()
		return abi.ENOENT
	}
	c := i.removeLocked(name, now)
	i.mu.Unlock()
	c.dropLink(now)
	return nil
}

// dropLink takes one link away: an extra link's inode unit goes at once,
// the inode itself when it has neither links nor open files.
func (i *inode) dropLink(now vfs.Time) {
	i.mu.Lock()
	if i.attr.Nlink > 1 {
		i.fs.freeInode()
	}
	i.attr.Nlink--
	i.attr.Ctime = now
	i.maybeEvictLocked()
	i.mu.Unlock()
}

// maybeEvictLocked frees the inode's unit and pages once it has no links
// and no open files. Preconditions: i.mu is held for writing.
func (i *inode) maybeEvictLocked() {
	if i.attr.Nlink != 0 || i.opens != 0 || i.gone {
		return
	}
	i.gone = true
	i.data.freeFrom(i.fs, 0)
	if i.link != nil && i.link.linkPage != nil {
		i.fs.freePage(i.link.linkPage)
		i.link.linkPage = nil
	}
	i.xattrs = nil
	i.fs.freeInode()
}

// evict frees an inode that was never linked.
func (i *inode) evict() {
	i.mu.Lock()
	i.attr.Nlink = 0
	i.maybeEvictLocked()
	i.mu.Unlock()
}

// Rmdir implements vfs.Inode.
func (i *inode) Rmdir(ctx vfs.Context, name string) error {
	now := ctx.Now()
	i.mu.Lock()
	defer i.mu.Unlock()
	e, ok := i.dir.entries[name]
	if !ok {
		return abi.ENOENT
	}
	c := e.ino
	if c.typ != abi.S_IFDIR {
		return abi.ENOTDIR
	}
	c.mu.Lock()
	if c.dir.live > 0 {
		c.mu.Unlock()
		return abi.ENOTEMPTY
	}
	c.attr.Nlink = 0
	c.attr.Ctime = now
	c.maybeEvictLocked()
	c.mu.Unlock()
	i.removeLocked(name, now)
	i.attr.Nlink--
	return nil
}

// ReadDir implements vfs.Inode: ".", "..", then the entries newest first.
// An offset is where the next listing starts: the entry with that offset,
// or the next older one, or (when there is none) the newest, as Linux's
// simple_offset directories.
func (i *inode) ReadDir(ctx vfs.Context, off int64, emit func(vfs.Dirent) bool) error {
	if i.typ != abi.S_IFDIR {
		return abi.ENOTDIR
	}
	i.mu.RLock()
	defer i.mu.RUnlock()
	if off == 0 {
		if !emit(vfs.Dirent{Name: ".", Ino: i.ino, Type: abi.DT_DIR, Next: 1}) {
			return nil
		}
		off = 1
	}
	k := len(i.dir.order) - 1 // the entry to list next
	if off >= dirOffsetMin {
		if off == dirOffsetEOD {
			return nil
		}
		// The last entry with an offset at most off; the newest if none.
		if j := sort.Search(len(i.dir.order), func(j int) bool { return i.dir.order[j].off > off }) - 1; j >= 0 {
			k = j
		}
	}
	for k >= 0 && i.dir.order[k].removed {
		k--
	}
	next := func(k int) int64 {
		if k < 0 {
			return dirOffsetEOD
		}
		return i.dir.order[k].off
	}
	if off == 1 {
		if !emit(vfs.Dirent{Name: "..", Ino: i.dir.parent.ino, Type: abi.DT_DIR, Next: next(k)}) {
			return nil
		}
	}
	for k >= 0 {
		e := i.dir.order[k]
		k--
		for k >= 0 && i.dir.order[k].removed {
			k--
		}
		if !emit(vfs.Dirent{Name: e.name, Ino: e.ino.ino, Type: dtype(e.ino.typ), Next: next(k)}) {
			return nil
		}
	}
	return nil
}

// dtype converts a mode to a DT_* value.
func dtype(mode uint32) uint8 { return uint8((mode & abi.S_IFMT) >> 12) }

// Readlink implements vfs.Inode.
func (i *inode) Readlink(ctx vfs.Context) (string, error) {
	if i.typ != abi.S_IFLNK {
		return "", abi.EINVAL
	}
	return i.link.target, nil
}

// Open implements vfs.Inode.
func (i *inode) Open(ctx vfs.Context, flags uint32) (vfs.FileOps, error) {
	switch i.typ {
	case abi.S_IFDIR:
		return vfs.DirFile{}, nil
	case abi.S_IFREG:
		i.mu.Lock()
		i.opens++
		i.mu.Unlock()
		return regFile{i: i}, nil
	}
	return nil, abi.ENXIO
}

// GetXattr implements vfs.Xattrer.
func (i *inode) GetXattr(ctx vfs.Context, name string) ([]byte, error) {
	i.mu.RLock()
	defer i.mu.RUnlock()
	v, ok := i.xattrs[name]
	if !ok {
		return nil, abi.ENODATA
	}
	return v, nil
}

// SetXattr implements vfs.Xattrer.
func (i *inode) SetXattr(ctx vfs.Context, name string, value []byte, flags uint32) error {
	now := ctx.Now()
	i.mu.Lock()
	defer i.mu.Unlock()
	_, ok := i.xattrs[name]
	if ok && flags&abi.XATTR_CREATE != 0 {
		return abi.EEXIST
	}
	if !ok && flags&abi.XATTR_REPLACE != 0 {
		return abi.ENODATA
	}
	if i.xattrs == nil {
		i.xattrs = make(map[string][]byte)
	}
	i.xattrs[name] = append([]byte(nil), value...)
	i.attr.Ctime = now
	return nil
}

// ListXattr implements vfs.Xattrer: names in descending byte order, as
// Linux's simple_xattr_list walks its tree.
func (i *inode) ListXattr(ctx vfs.Context) ([]string, error) {
	i.mu.RLock()
	names := make([]string, 0, len(i.xattrs))
	for n := range i.xattrs {
		names = append(names, n)
	}
	i.mu.RUnlock()
	sort.Sort(sort.Reverse(sort.StringSlice(names)))
	return names, nil
}

// RemoveXattr implements vfs.Xattrer.
func (i *inode) RemoveXattr(ctx vfs.Context, name string) error {
	now := ctx.Now()
	i.mu.Lock()
	defer i.mu.Unlock()
	if _, ok := i.xattrs[name]; !ok {
		return abi.ENODATA
	}
	delete(i.xattrs, name)
	i.attr.Ctime = now
	return nil
}
