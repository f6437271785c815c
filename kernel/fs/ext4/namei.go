package ext4

import (
	"math/rand/v2"
	"runtime"
	"sort"
	"weak"

	"liblinux/abi"
	"liblinux/kernel/vfs"
)

// Flags a new inode inherits from its directory (EXT4_FL_INHERITED).
const flInherited = flSecrm | flSync | flNodump | flNoatime | flDirsync | flJournalData | flProjinherit | 0x2 | 0x4 | 0x400 | 0x8000 |
	flCasefold | flDax

// lockInodes locks distinct inodes in increasing inode number order and
// returns the unlock function.
func lockInodes(is ...*inode) func() {
	var l []*inode
	for _, i := range is {
		if i == nil {
			continue
		}
		dup := false
		for _, x := range l {
			dup = dup || x == i
		}
		if !dup {
			l = append(l, i)
		}
	}
	sort.Slice(l, func(a, b int) bool { return l[a].ino < l[b].ino })
	for _, i := range l {
		i.mu.Lock()
	}
	return func() {
		for k := len(l) - 1; k >= 0; k-- {
			l[k].mu.Unlock()
		}
	}
}

// newInode allocates and initialises an inode (not yet linked).
func (dir *inode) newInode(ctx vfs.Context, o vfs.CreateOpts) (*inode, error) {
	fs := dir.fs
	isDir := o.Mode&abi.S_IFMT == abi.S_IFDIR
	ino, err := fs.allocInode(dir.ino, isDir)
	if err != nil {
		return nil, err
	}
	i := &inode{fs: fs, ino: ino, raw: make([]byte, fs.g.inodeSize)}
	now := ctx.Now()
	i.d = diskInode{
		mode: uint16(o.Mode), uid: o.UID, gid: o.GID, links: 1,
		atime: now, ctime: now, mtime: now, crtime: now,
		generation: rand.Uint32(),
		flags:      maskFlags(o.Mode, dir.d.flags&flInherited),
	}
	if fs.g.inodeSize > goodOldInodeSize {
		i.d.extraIsize = fs.g.wantExtraIsize
	}
	i.seed = crc32cU32(crc32cU32(fs.g.csumSeed, ino), i.d.generation)
	switch o.Mode & abi.S_IFMT {
	case abi.S_IFREG, abi.S_IFDIR, abi.S_IFLNK:
		if fs.g.hasIncompat(incompatExtents) {
			i.initExtentRoot()
		}
	case abi.S_IFCHR, abi.S_IFBLK:
		i.setRdev(o.Rdev)
	}
	return i, nil
}

// cacheNew puts a new inode in the inode cache.
func (fs *FS) cacheNew(i *inode) {
	fs.icacheMu.Lock()
	fs.icache[i.ino] = weak.Make(i)
	fs.icacheMu.Unlock()
	runtime.AddCleanup(i, fs.dropCached, i.ino)
}

// dropNew undoes newInode after a later step failed.
func (i *inode) dropNew(ctx vfs.Context) {
	i.mu.Lock()
	i.d.links = 0
	i.evictLocked(ctx)
	i.mu.Unlock()
}

// create makes a new inode of any type in directory dir under name. The
// VFS has looked name up under its directory lock and found it absent, so,
// as in Linux, the directory is not searched again before the insert.
func (dir *inode) create(ctx vfs.Context, name string, o vfs.CreateOpts, target string) (*inode, error) {
	fs := dir.fs
	if fs.readOnly() {
		return nil, abi.EROFS
	}
	if dir.typ() != abi.S_IFDIR {
		return nil, abi.ENOTDIR
	}
	if len(name) > vfs.NameMax {
		return nil, abi.ENAMETOOLONG
	}
	isDir := o.Mode&abi.S_IFMT == abi.S_IFDIR
	isLink := o.Mode&abi.S_IFMT == abi.S_IFLNK
	if isLink && len(target)+1 > fs.g.blockSize {
		return nil, abi.ENAMETOOLONG
	}
	dir.mu.Lock()
	defer dir.mu.Unlock()
	if dir.dead || dir.d.links == 0 {
		return nil, abi.ENOENT
	}
	if isDir && dir.d.links >= linkMax && !fs.g.hasRoCompat(roCompatDirNlink) {
		return nil, abi.EMLINK
	}
	i, err := dir.newInode(ctx, o)
	if err != nil {
		return nil, err
	}
	i.mu.Lock()
	err = i.initContentsLocked(dir, target)
	if err == nil {
		err = i.writeLocked()
	}
	i.mu.Unlock()
	if err == nil {
		err = dir.addEntryLocked(newDirent{name, i.ino, modeFileType(o.Mode)})
	}
	if err != nil {
		i.dropNew(ctx)
		dir.writeLocked()
		return nil, err
	}
	if isDir {
		dir.incLinkLocked()
	}
	now := ctx.Now()
	dir.d.mtime, dir.d.ctime = now, now
	if err := dir.writeLocked(); err != nil {
		return nil, err
	}
	fs.cacheNew(i)
	return i, nil
}

// initContentsLocked gives a new directory its first block and a new
// symlink its target.
// Preconditions: i.mu is held for writing.
func (i *inode) initContentsLocked(dir *inode, target string) error {
	fs := i.fs
	switch i.typ() {
	case abi.S_IFDIR:
		i.d.links = 2
		if _, _, _, err := i.getBlocksLocked(0, 1, true); err != nil {
			return err
		}
		i.d.size = uint64(fs.g.blockSize)
		return i.writeDirBlockLocked(0, fs.packDirents([]newDirent{{".", i.ino, ftDir}, {"..", dir.ino, ftDir}}))
	case abi.S_IFLNK:
		i.d.size = uint64(len(target))
		if len(target) < iBlockLen {
			// A fast symlink: the target lives in i_block.
			i.d.flags &^= flExtents
			clear(i.d.block[:])
			copy(i.d.block[:], target)
			return nil
		}
		if _, _, _, err := i.getBlocksLocked(0, 1, true); err != nil {
			return err
		}
		b := fs.newBuf()
		copy(b, target)
		return i.writeRawDirBlockLocked(0, b)
	}
	return nil
}

// incLinkLocked counts a new subdirectory; past the limit a directory's
// count sticks at 1 (dir_nlink).
func (i *inode) incLinkLocked() {
	if i.d.links == 1 && i.fs.g.hasRoCompat(roCompatDirNlink) {
		return
	}
	i.d.links++
	if i.d.links >= linkMax && i.fs.g.hasRoCompat(roCompatDirNlink) {
		i.d.links = 1
	}
}

func (i *inode) decLinkLocked() {
	if i.typ() == abi.S_IFDIR && i.d.links == 1 && i.fs.g.hasRoCompat(roCompatDirNlink) {
		return
	}
	if i.d.links > 0 {
		i.d.links--
	}
}

// Create implements vfs.Inode: regular files, FIFOs, sockets and device
// nodes.
func (i *inode) Create(ctx vfs.Context, name string, o vfs.CreateOpts) (vfs.Inode, error) {
	switch o.Mode & abi.S_IFMT {
	case abi.S_IFREG, abi.S_IFIFO, abi.S_IFSOCK, abi.S_IFCHR, abi.S_IFBLK:
	case 0:
		o.Mode |= abi.S_IFREG
	default:
		return nil, abi.EINVAL
	}
	c, err := i.create(ctx, name, o, "")
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Mkdir implements vfs.Inode.
func (i *inode) Mkdir(ctx vfs.Context, name string, o vfs.CreateOpts) (vfs.Inode, error) {
	o.Mode = o.Mode&^abi.S_IFMT | abi.S_IFDIR
	c, err := i.create(ctx, name, o, "")
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Symlink implements vfs.Inode: targets shorter than 60 bytes live in
// the inode, longer ones (up to a block) in a block.
func (i *inode) Symlink(ctx vfs.Context, name, target string, o vfs.CreateOpts) (vfs.Inode, error) {
	if target == "" {
		return nil, abi.ENOENT
	}
	o.Mode = abi.S_IFLNK | 0777
	c, err := i.create(ctx, name, o, target)
	if err != nil {
		return nil, err
	}
	return c, nil
}

var _ vfs.Tmpfiler = (*inode)(nil)

// Tmpfile implements vfs.Tmpfiler (open(2) with O_TMPFILE): a regular
// file with no name, on the orphan list until Link names it or its last
// close frees it.
func (dir *inode) Tmpfile(ctx vfs.Context, o vfs.CreateOpts) (vfs.Inode, error) {
	fs := dir.fs
	if fs.readOnly() {
		return nil, abi.EROFS
	}
	if dir.typ() != abi.S_IFDIR {
		return nil, abi.ENOTDIR
	}
	o.Mode = o.Mode&^abi.S_IFMT | abi.S_IFREG
	dir.mu.RLock()
	dead := dir.dead || dir.d.links == 0
	dir.mu.RUnlock()
	if dead {
		return nil, abi.ENOENT
	}
	i, err := dir.newInode(ctx, o)
	if err != nil {
		return nil, err
	}
	i.mu.Lock()
	defer i.mu.Unlock()
	i.d.links = 0
	i.linkable = true
	if err := fs.orphanAddLocked(i); err != nil {
		i.evictLocked(ctx)
		return nil, err
	}
	fs.cacheNew(i)
	return i, nil
}

// Link implements vfs.Inode.
func (dir *inode) Link(ctx vfs.Context, name string, target vfs.Inode) error {
	fs := dir.fs
	t, ok := target.(*inode)
	if !ok || t.fs != fs {
		return abi.EXDEV
	}
	if fs.readOnly() {
		return abi.EROFS
	}
	if t.typ() == abi.S_IFDIR {
		return abi.EPERM
	}
	if len(name) > vfs.NameMax {
		return abi.ENAMETOOLONG
	}
	unlock := lockInodes(dir, t)
	defer unlock()
	if dir.dead || dir.d.links == 0 {
		return abi.ENOENT
	}
	if t.dead || t.d.links == 0 && !t.linkable {
		return abi.ENOENT
	}
	if t.d.links >= linkMax {
		return abi.EMLINK
	}
	if _, err := dir.lookupLocked(name); err == nil {
		return abi.EEXIST
	}
	if err := dir.addEntryLocked(newDirent{name, t.ino, modeFileType(uint32(t.d.mode))}); err != nil {
		dir.writeLocked()
		return err
	}
	now := ctx.Now()
	if t.d.links == 0 {
		// An O_TMPFILE file gets its first name.
		fs.orphanDelLocked(t)
		t.linkable = false
	}
	t.d.links++
	t.d.ctime = now
	dir.d.mtime, dir.d.ctime = now, now
	if err := t.writeLocked(); err != nil {
		return err
	}
	return dir.writeLocked()
}

// child finds name in dir and returns its inode (dir not locked).
func (dir *inode) child(name string) (*inode, error) {
	dir.mu.RLock()
	ino, err := dir.lookupLocked(name)
	dir.mu.RUnlock()
	if err != nil {
		return nil, err
	}
	c, err := dir.fs.iget(ino)
	if err == abi.ESTALE {
		return nil, abi.EUCLEAN
	}
	return c, err
}

// lockChild finds name in dir and locks both inodes (in inode order),
// checking under the locks that the name still leads to the same inode.
func (dir *inode) lockChild(name string) (*inode, func(), error) {
	for try := 0; ; try++ {
		c, err := dir.child(name)
		if err != nil {
			return nil, nil, err
		}
		unlock := lockInodes(dir, c)
		ino, err := dir.lookupLocked(name)
		if err == nil && ino == c.ino {
			return c, unlock, nil
		}
		unlock()
		if err != nil {
			return nil, nil, err
		}
		if try == 16 {
			return nil, nil, abi.EAGAIN
		}
	}
}

// dropLinkLocked counts a removed name of c and frees c (or puts it on
// the orphan list while it is open) when none is left.
// Preconditions: c.mu is held for writing.
func (c *inode) dropLinkLocked(ctx vfs.Context) error {
	c.decLinkLocked()
	c.d.ctime = ctx.Now()
	if c.d.links > 0 {
		return c.writeLocked()
	}
	if c.opens > 0 {
		return c.fs.orphanAddLocked(c)
	}
	return c.evictLocked(ctx)
}

// Unlink implements vfs.Inode.
func (dir *inode) Unlink(ctx vfs.Context, name string) error {
	fs := dir.fs
	if fs.readOnly() {
		return abi.EROFS
	}
	c, unlock, err := dir.lockChild(name)
	if err != nil {
		return err
	}
	defer unlock()
	if c.typ() == abi.S_IFDIR {
		return abi.EISDIR
	}
	ino, err := dir.removeEntryLocked(name)
	if err != nil {
		dir.writeLocked()
		return err
	}
	if ino != c.ino {
		return abi.EUCLEAN
	}
	now := ctx.Now()
	dir.d.mtime, dir.d.ctime = now, now
	if err := dir.writeLocked(); err != nil {
		return err
	}
	return c.dropLinkLocked(ctx)
}

// emptyDirLocked reports whether directory i has only "." and "..".
// Preconditions: i.mu is held.
func (i *inode) emptyDirLocked() (bool, error) {
	empty := true
	err := i.ReadDirLocked(0, func(d vfs.Dirent) bool {
		if d.Name != "." && d.Name != ".." {
			empty = false
			return false
		}
		return true
	})
	return empty, err
}

// Rmdir implements vfs.Inode.
func (dir *inode) Rmdir(ctx vfs.Context, name string) error {
	fs := dir.fs
	if fs.readOnly() {
		return abi.EROFS
	}
	c, unlock, err := dir.lockChild(name)
	if err != nil {
		return err
	}
	defer unlock()
	if c.typ() != abi.S_IFDIR {
		return abi.ENOTDIR
	}
	empty, err := c.emptyDirLocked()
	if err != nil {
		return err
	}
	if !empty {
		return abi.ENOTEMPTY
	}
	if _, err := dir.removeEntryLocked(name); err != nil {
		dir.writeLocked()
		return err
	}
	now := ctx.Now()
	dir.decLinkLocked()
	dir.d.mtime, dir.d.ctime = now, now
	if err := dir.writeLocked(); err != nil {
		return err
	}
	c.d.links = 0
	c.d.ctime = now
	return c.evictLocked(ctx)
}

// setDotdotLocked points directory c's ".." at parent.
// Preconditions: c.mu is held for writing.
func (c *inode) setDotdotLocked(parent uint32) error {
	if c.d.flags&flInlineData != 0 {
		put32(c.d.block[:], 0, parent)
		return nil
	}
	b, err := c.readLeafLocked(0)
	if err != nil {
		return err
	}
	if b == nil {
		return abi.EUCLEAN
	}
	fs := c.fs
	// ".." is the second entry of the first block (also in an index root).
	rl := fs.recLen(b, 0)
	if rl < 12 || rl+12 > len(b) {
		return abi.EUCLEAN
	}
	if nl, _ := fs.direntNameLen(b, rl); nl != 2 || string(b[rl+8:rl+10]) != ".." {
		return abi.EUCLEAN
	}
	put32(b, rl, parent)
	if c.isIndexed() {
		return c.writeDxLocked(0, b, dxRootInfo+int(b[dxRootInfo+5]))
	}
	return c.writeDirBlockLocked(0, b)
}
