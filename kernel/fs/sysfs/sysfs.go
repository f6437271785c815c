// Package sysfs is the sysfs filesystem (sysfs(5)): the kernel's devices,
// classes and subsystems as directories of small attribute files. The
// hierarchy is a Tree that subsystems publish into (AddFile, AddLink,
// Mkdir, Remove); every mount of "sysfs" shows that one tree, as Linux has
// one sysfs superblock. LKL's helpers mount it at /sysfs and read, for
// example, /sysfs/class/net/lo/mtu, or walk
// /sysfs/devices/.../virtio<N>/block/vd<X>/dev to find a disk's number.
//
// Attribute files are 4096 bytes long to stat(2), as in Linux; a read at
// offset 0 calls Show afresh, later reads continue in that text; each
// write(2) is one call of Store. Users cannot create or remove anything.
//
// Lock order:
//
//	Tree.mu
//	  node.mu
//	attrFile.mu (Show and Store run under it, with no tree lock held)
package sysfs

import (
	"sort"
	"sync"

	"liblinux/abi"
	"liblinux/kernel/usermem"
	"liblinux/kernel/vfs"
)

// Type is the "sysfs" filesystem type showing Tree.
type Type struct {
	Tree *Tree

	mu sync.Mutex
	sb *vfs.Superblock // protected by mu
}

// Name implements vfs.FilesystemType.
func (t *Type) Name() string { return "sysfs" }

// NoDev implements vfs.FilesystemType.
func (t *Type) NoDev() bool { return true }

// Mount implements vfs.FilesystemType: every mount shares one superblock.
func (t *Type) Mount(ctx vfs.Context, v *vfs.VFS, source string, flags uint64, data string) (*vfs.Superblock, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.sb == nil {
		t.sb = v.NewSuperblock(t, t.Tree.root, nil)
		t.sb.Source = source
		t.sb.FS = fsInfo{}
	}
	return t.sb, nil
}

// fsInfo is the superblock's FS: what statfs(2) reports.
type fsInfo struct{}

// Statfs reports sysfs's statfs(2) answer.
func (fsInfo) Statfs() abi.Statfs {
	return abi.Statfs{Type: abi.SYSFS_MAGIC, Bsize: 4096, Namelen: vfs.NameMax, Frsize: 4096}
}

// attrSize is what stat reports as an attribute file's size (a page).
const attrSize = 4096

var _ vfs.Inode = (*node)(nil)

// Attr implements vfs.Inode.
func (n *node) Attr() vfs.Attr {
	n.mu.Lock()
	a := vfs.Attr{Ino: n.ino, Mode: n.mode, Nlink: 1, UID: n.uid, GID: n.gid, Blksize: 4096,
		Atime: n.time, Mtime: n.time, Ctime: n.time}
	n.mu.Unlock()
	switch a.Type() {
	case abi.S_IFDIR:
		a.Nlink = 2
		n.t.mu.RLock()
		for _, c := range n.children {
			if c.children != nil {
				a.Nlink++
			}
		}
		n.t.mu.RUnlock()
	case abi.S_IFREG:
		a.Size = attrSize
	}
	return a
}

// SetAttr implements vfs.Inode: mode, owner and times may change (sysfs
// keeps them in memory); the size may not.
func (n *node) SetAttr(ctx vfs.Context, s *vfs.SetAttr) error {
	if s.Mask&vfs.SetSize != 0 {
		if n.mode&abi.S_IFMT == abi.S_IFREG {
			// truncate(2) of an attribute: accepted and ignored, as
			// kernfs does for O_TRUNC.
			s = &vfs.SetAttr{Mask: s.Mask &^ vfs.SetSize, Mode: s.Mode, UID: s.UID, GID: s.GID, Atime: s.Atime, Mtime: s.Mtime, Ctime: s.Ctime}
		} else {
			return abi.EINVAL
		}
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if s.Mask&vfs.SetMode != 0 {
		n.mode = n.mode&abi.S_IFMT | s.Mode&07777
	}
	if s.Mask&vfs.SetUID != 0 {
		n.uid = s.UID
	}
	if s.Mask&vfs.SetGID != 0 {
		n.gid = s.GID
	}
	if s.Mask&vfs.SetMtime != 0 {
		n.time = s.Mtime
	}
	return nil
}

// DynamicDir implements vfs.Dynamic: the tree changes behind the VFS.
func (n *node) DynamicDir() {}

// Lookup implements vfs.Inode.
func (n *node) Lookup(ctx vfs.Context, name string) (vfs.Inode, error) {
	n.t.mu.RLock()
	defer n.t.mu.RUnlock()
	if n.children == nil {
		return nil, abi.ENOTDIR
	}
	if c, ok := n.children[name]; ok {
		return c, nil
	}
	return nil, abi.ENOENT
}

// ReadDir implements vfs.Inode: ".", "..", then the entries by name. The
// offset of an entry is its place in that order.
func (n *node) ReadDir(ctx vfs.Context, off int64, emit func(vfs.Dirent) bool) error {
	n.t.mu.RLock()
	if n.children == nil {
		n.t.mu.RUnlock()
		return abi.ENOTDIR
	}
	up := n.ino
	if n.parent != nil {
		up = n.parent.ino
	}
	ents := []vfs.Dirent{{Name: ".", Ino: n.ino, Type: abi.DT_DIR}, {Name: "..", Ino: up, Type: abi.DT_DIR}}
	names := make([]string, 0, len(n.children))
	for name := range n.children {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		c := n.children[name]
		ents = append(ents, vfs.Dirent{Name: name, Ino: c.ino, Type: uint8(c.mode & abi.S_IFMT >> 12)})
	}
	n.t.mu.RUnlock()
	for i := off; i < int64(len(ents)); i++ {
		ents[i].Next = i + 1
		if !emit(ents[i]) {
			break
		}
	}
	return nil
}

// Readlink implements vfs.Inode.
func (n *node) Readlink(ctx vfs.Context) (string, error) {
	if n.mode&abi.S_IFMT != abi.S_IFLNK {
		return "", abi.EINVAL
	}
	return n.target, nil
}

// Create implements vfs.Inode: sysfs has no create (open(2) with O_CREAT
// of a new name fails with EACCES, as in Linux).
func (n *node) Create(vfs.Context, string, vfs.CreateOpts) (vfs.Inode, error) {
	return nil, abi.EACCES
}

// Mkdir, Symlink, Link, Unlink, Rmdir and Rename fail with EPERM.
func (n *node) Mkdir(vfs.Context, string, vfs.CreateOpts) (vfs.Inode, error) {
	return nil, abi.EPERM
}
func (n *node) Symlink(vfs.Context, string, string, vfs.CreateOpts) (vfs.Inode, error) {
	return nil, abi.EPERM
}
func (n *node) Link(vfs.Context, string, vfs.Inode) error                   { return abi.EPERM }
func (n *node) Unlink(vfs.Context, string) error                            { return abi.EPERM }
func (n *node) Rmdir(vfs.Context, string) error                             { return abi.EPERM }
func (n *node) Rename(vfs.Context, string, vfs.Inode, string, uint32) error { return abi.EPERM }

// Open implements vfs.Inode. Opening an attribute for reading without a
// Show, or for writing without a Store, fails with EACCES whatever the
// mode bits say, as kernfs does.
func (n *node) Open(ctx vfs.Context, flags uint32) (vfs.FileOps, error) {
	switch n.mode & abi.S_IFMT {
	case abi.S_IFDIR:
		return vfs.DirFile{}, nil
	case abi.S_IFREG:
	default:
		return nil, abi.ENXIO
	}
	acc := flags & abi.O_ACCMODE
	if (acc != abi.O_WRONLY && n.attr.Show == nil) || (acc != abi.O_RDONLY && n.attr.Store == nil) {
		return nil, abi.EACCES
	}
	return &attrFile{n: n}, nil
}

// attrFile is an open attribute file.
type attrFile struct {
	n *node

	mu   sync.Mutex
	data []byte // the last Show; protected by mu
}

// Read implements vfs.FileOps.
func (f *attrFile) Read(ctx vfs.Context, dst *usermem.IO, off int64) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if off == 0 || f.data == nil {
		s := f.n.attr.Show()
		if len(s) > attrSize {
			s = s[:attrSize]
		}
		f.data = []byte(s)
	}
	if off >= int64(len(f.data)) {
		return 0, nil
	}
	return dst.CopyOut(0, f.data[off:])
}

// Write implements vfs.FileOps: at most a page goes to Store at once.
func (f *attrFile) Write(ctx vfs.Context, src *usermem.IO, off int64) (int, error) {
	b := make([]byte, min(src.Len(), attrSize))
	if len(b) == 0 {
		return 0, nil
	}
	n, err := src.CopyIn(0, b)
	if err != nil {
		return 0, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.n.attr.Store(string(b[:n])); err != nil {
		return 0, err
	}
	return n, nil
}

// Seek implements vfs.Seeker as seq files do: SEEK_SET and SEEK_CUR to a
// non-negative offset, nothing else.
func (f *attrFile) Seek(ctx vfs.Context, cur, off int64, whence int) (int64, error) {
	return vfs.SeqSeek(cur, off, whence)
}

// Release implements vfs.FileOps.
func (f *attrFile) Release() {}
