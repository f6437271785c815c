package tmpfs

import (
	"sort"
	"sync"

	"liblinux/abi"
	"liblinux/kernel/mm"
	"liblinux/kernel/usermem"
	"liblinux/kernel/vfs"
)

// inode is every kind of tmpfs file. Which fields are used depends on the
// file type in attr.Mode.
type inode struct {
	fs *FS

	mu   sync.RWMutex
	attr vfs.Attr // protected by mu

	// Directories.
	parent  *inode            // protected by the VFS's locking of the directory
	entries map[string]*entry // protected by mu
	order   []*entry          // by cookie, may hold removed entries; protected by mu
	cookie  int64             // next cookie; protected by mu
	live    int               // live entries in order; protected by mu

	// Regular files: page index -> page; missing pages are holes.
	pages map[int64][]byte // protected by mu

	// Symlinks.
	target string // immutable

	typ   uint32 // S_IFMT bits; immutable
	opens int    // open regular files; protected by mu
}

type entry struct {
	name    string
	ino     *inode
	cookie  int64
	removed bool
}

var _ vfs.Inode = (*inode)(nil)

func (fs *FS) newInode(ctx vfs.Context, o vfs.CreateOpts) *inode {
	now := ctx.Now()
	ino := &inode{fs: fs, typ: o.Mode & abi.S_IFMT}
	ino.attr = vfs.Attr{
		Ino:     fs.nextIno.Add(1),
		Mode:    o.Mode,
		Nlink:   1,
		UID:     o.UID,
		GID:     o.GID,
		Rdev:    o.Rdev,
		Blksize: mm.PageSize,
		Atime:   now, Mtime: now, Ctime: now, Btime: now,
	}
	switch o.Mode & abi.S_IFMT {
	case abi.S_IFDIR:
		ino.attr.Nlink = 2
		ino.attr.Size = 0
		ino.entries = make(map[string]*entry)
		ino.cookie = 2
	case abi.S_IFREG:
		ino.pages = make(map[int64][]byte)
	}
	fs.inodes.Add(1)
	return ino
}

// Attr implements vfs.Inode.
func (i *inode) Attr() vfs.Attr {
	i.mu.RLock()
	defer i.mu.RUnlock()
	a := i.attr
	if a.Type() == abi.S_IFREG {
		a.Blocks = int64(len(i.pages)) * (mm.PageSize / 512)
	}
	return a
}

// SetAttr implements vfs.Inode.
func (i *inode) SetAttr(ctx vfs.Context, s *vfs.SetAttr) error {
	i.mu.Lock()
	defer i.mu.Unlock()
	if s.Mask&vfs.SetSize != 0 {
		if i.typ != abi.S_IFREG {
			return abi.EINVAL
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
	if s.Mask&vfs.SetAtime != 0 {
		i.attr.Atime = s.Atime
	}
	if s.Mask&vfs.SetMtime != 0 {
		i.attr.Mtime = s.Mtime
	}
	if s.Mask&vfs.SetCtime != 0 {
		i.attr.Ctime = s.Ctime
	} else {
		i.attr.Ctime = ctx.Now()
	}
	return nil
}

// truncateLocked sets the size, freeing pages past it and zeroing the tail
// of the last partial page. Preconditions: i.mu is held for writing.
func (i *inode) truncateLocked(size int64) {
	if size < i.attr.Size {
		first := (size + mm.PageSize - 1) / mm.PageSize
		for idx, p := range i.pages {
			if idx >= first {
				i.fs.freePage(p)
				delete(i.pages, idx)
			}
		}
		if off := size % mm.PageSize; off != 0 {
			if p := i.pages[size/mm.PageSize]; p != nil {
				clear(p[off:])
			}
		}
	}
	i.attr.Size = size
}

// Lookup implements vfs.Inode.
func (i *inode) Lookup(ctx vfs.Context, name string) (vfs.Inode, error) {
	if i.entries == nil {
		return nil, abi.ENOTDIR
	}
	i.mu.RLock()
	defer i.mu.RUnlock()
	if e, ok := i.entries[name]; ok {
		return e.ino, nil
	}
	return nil, abi.ENOENT
}

// addLocked links child under name. Preconditions: i.mu is held.
func (i *inode) addLocked(ctx vfs.Context, name string, child *inode) {
	e := &entry{name: name, ino: child, cookie: i.cookie}
	i.cookie++
	i.entries[name] = e
	i.order = append(i.order, e)
	i.live++
	now := ctx.Now()
	i.attr.Mtime, i.attr.Ctime = now, now
}

// removeLocked unlinks name. Preconditions: i.mu is held.
func (i *inode) removeLocked(ctx vfs.Context, name string) *entry {
	e := i.entries[name]
	delete(i.entries, name)
	e.removed = true
	i.live--
	if len(i.order) > 64 && i.live < len(i.order)/2 {
		// Compact; open directory streams keep working because they
		// resume by cookie, not by index.
		kept := i.order[:0]
		for _, x := range i.order {
			if !x.removed {
				kept = append(kept, x)
			}
		}
		clear(i.order[len(kept):])
		i.order = kept
	}
	now := ctx.Now()
	i.attr.Mtime, i.attr.Ctime = now, now
	return e
}

func (i *inode) create(ctx vfs.Context, name string, o vfs.CreateOpts, target string) (*inode, error) {
	if i.entries == nil {
		return nil, abi.ENOTDIR
	}
	child := i.fs.newInode(ctx, o)
	child.target = target
	if o.Mode&abi.S_IFMT == abi.S_IFLNK {
		child.attr.Size = int64(len(target))
	}
	i.mu.Lock()
	defer i.mu.Unlock()
	if _, ok := i.entries[name]; ok {
		return nil, abi.EEXIST
	}
	if o.Mode&abi.S_IFMT == abi.S_IFDIR {
		child.parent = i
		i.attr.Nlink++
	}
	i.addLocked(ctx, name, child)
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

// Symlink implements vfs.Inode.
func (i *inode) Symlink(ctx vfs.Context, name, target string, o vfs.CreateOpts) (vfs.Inode, error) {
	if len(target) >= vfs.PathMax {
		return nil, abi.ENAMETOOLONG
	}
	return i.create(ctx, name, o, target)
}

// Link implements vfs.Inode.
func (i *inode) Link(ctx vfs.Context, name string, target vfs.Inode) error {
	t, ok := target.(*inode)
	if !ok || t.fs != i.fs {
		return abi.EXDEV
	}
	i.mu.Lock()
	defer i.mu.Unlock()
	t.mu.Lock()
	t.attr.Nlink++
	t.attr.Ctime = ctx.Now()
	t.mu.Unlock()
	i.addLocked(ctx, name, t)
	return nil
}

// Unlink implements vfs.Inode.
func (i *inode) Unlink(ctx vfs.Context, name string) error {
	i.mu.Lock()
	e := i.removeLocked(ctx, name)
	i.mu.Unlock()
	e.ino.dropLink(ctx)
	return nil
}

// dropLink decrements the link count; the data goes when the last link
// and the last open file are gone (the Go collector keeps the inode while
// files use it; pages are returned here when no file can reach them).
func (i *inode) dropLink(ctx vfs.Context) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.attr.Nlink--
	i.attr.Ctime = ctx.Now()
	if i.attr.Nlink == 0 {
		i.fs.inodes.Add(-1)
		i.maybeFreeLocked()
	}
}

// Rmdir implements vfs.Inode.
func (i *inode) Rmdir(ctx vfs.Context, name string) error {
	i.mu.Lock()
	defer i.mu.Unlock()
	e, ok := i.entries[name]
	if !ok {
		return abi.ENOENT
	}
	c := e.ino
	c.mu.Lock()
	if c.live > 0 {
		c.mu.Unlock()
		return abi.ENOTEMPTY
	}
	c.attr.Nlink = 0
	c.attr.Ctime = ctx.Now()
	c.mu.Unlock()
	i.removeLocked(ctx, name)
	i.attr.Nlink--
	i.fs.inodes.Add(-1)
	return nil
}

// Rename implements vfs.Inode. Full renameat2 support is added with the
// rest of the namespace calls.
func (i *inode) Rename(ctx vfs.Context, oldName string, newDir vfs.Inode, newName string, flags uint32) error {
	return abi.ENOSYS
}

// ReadDir implements vfs.Inode: ".", "..", then entries in creation
// order. Offsets are cookies, so a listing survives concurrent changes.
func (i *inode) ReadDir(ctx vfs.Context, off int64, emit func(vfs.Dirent) bool) error {
	if i.entries == nil {
		return abi.ENOTDIR
	}
	if off == 0 {
		if !emit(vfs.Dirent{Name: ".", Ino: i.Attr().Ino, Type: abi.DT_DIR, Next: 1}) {
			return nil
		}
		off = 1
	}
	if off == 1 {
		if !emit(vfs.Dirent{Name: "..", Ino: i.parent.Attr().Ino, Type: abi.DT_DIR, Next: 2}) {
			return nil
		}
		off = 2
	}
	i.mu.RLock()
	k := sort.Search(len(i.order), func(k int) bool { return i.order[k].cookie >= off })
	var batch []vfs.Dirent
	for ; k < len(i.order); k++ {
		e := i.order[k]
		if e.removed {
			continue
		}
		batch = append(batch, vfs.Dirent{Name: e.name, Ino: e.ino.ino(), Type: dtype(e.ino.typ), Next: e.cookie + 1})
	}
	i.mu.RUnlock()
	for _, d := range batch {
		if !emit(d) {
			break
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
	return i.target, nil
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
		return &regFile{i}, nil
	}
	return nil, abi.ENXIO
}

// regFile is an open regular file.
type regFile struct{ i *inode }

// Release implements vfs.FileOps.
func (f *regFile) Release() {
	i := f.i
	i.mu.Lock()
	i.opens--
	i.maybeFreeLocked()
	i.mu.Unlock()
}

// maybeFreeLocked returns a regular file's pages once it has neither links
// nor open files. Preconditions: i.mu is held for writing.
func (i *inode) maybeFreeLocked() {
	if i.typ != abi.S_IFREG || i.attr.Nlink != 0 || i.opens != 0 {
		return
	}
	for idx, p := range i.pages {
		i.fs.freePage(p)
		delete(i.pages, idx)
	}
}

// ino returns the inode number, which never changes.
func (i *inode) ino() uint64 {
	i.mu.RLock()
	defer i.mu.RUnlock()
	return i.attr.Ino
}

// Read implements vfs.FileOps.
func (f *regFile) Read(ctx vfs.Context, dst *usermem.IO, off int64) (int, error) {
	i := f.i
	i.mu.RLock()
	defer i.mu.RUnlock()
	done := 0
	for done < dst.Len() && off < i.attr.Size {
		idx, po := off/mm.PageSize, int(off%mm.PageSize)
		n := min(mm.PageSize-po, dst.Len()-done)
		if rest := i.attr.Size - off; int64(n) > rest {
			n = int(rest)
		}
		p := i.pages[idx]
		var src []byte
		if p != nil {
			src = p[po : po+n]
		} else {
			src = zeroPage[:n]
		}
		c, err := dst.CopyOut(done, src)
		done += c
		off += int64(c)
		if err != nil {
			if done > 0 {
				return done, nil
			}
			return 0, err
		}
	}
	return done, nil
}

var zeroPage [mm.PageSize]byte

// Write implements vfs.FileOps; off -1 appends.
func (f *regFile) Write(ctx vfs.Context, src *usermem.IO, off int64) (int, error) {
	i := f.i
	i.mu.Lock()
	defer i.mu.Unlock()
	if off < 0 {
		off = i.attr.Size
	}
	if src.Len() == 0 {
		return 0, nil
	}
	if off+int64(src.Len()) < off {
		return 0, abi.EFBIG
	}
	done := 0
	var werr error
	for done < src.Len() {
		idx, po := off/mm.PageSize, int(off%mm.PageSize)
		n := min(mm.PageSize-po, src.Len()-done)
		p := i.pages[idx]
		if p == nil {
			var err error
			if p, err = i.fs.allocPage(); err != nil {
				werr = err
				break
			}
			i.pages[idx] = p
		}
		c, err := src.CopyIn(done, p[po:po+n])
		done += c
		off += int64(c)
		if err != nil {
			werr = err
			break
		}
	}
	if off > i.attr.Size {
		i.attr.Size = off
	}
	if done > 0 {
		now := ctx.Now()
		i.attr.Mtime, i.attr.Ctime = now, now
		// Writing clears set-user-ID (and group-ID when group-executable),
		// as Linux's file_remove_privs does for unprivileged writers.
		if i.attr.Mode&(abi.S_ISUID|abi.S_ISGID) != 0 && !ctx.Creds().HasCap(abi.CAP_FSETID) {
			i.attr.Mode &^= abi.S_ISUID
			if i.attr.Mode&abi.S_IXGRP != 0 {
				i.attr.Mode &^= abi.S_ISGID
			}
		}
		return done, nil
	}
	return 0, werr
}
