package vfs

import (
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"liblinux/abi"
)

// FilesystemType is a kind of filesystem that can be mounted.
type FilesystemType interface {
	// Name is the type as mount(2) and /proc/filesystems spell it.
	Name() string
	// NoDev reports whether it needs no block device ("nodev" in
	// /proc/filesystems).
	NoDev() bool
	// Mount makes a new instance. source is mount(2)'s first argument
	// and data its options string.
	Mount(ctx Context, v *VFS, source string, flags uint64, data string) (*Superblock, error)
}

// Superblock is one mounted filesystem instance.
type Superblock struct {
	Dev    uint64         // st_dev of every inode; set by NewSuperblock
	Type   FilesystemType // immutable
	Source string         // what mount(2) was given as the source
	Opts   string         // options as /proc/mounts shows them
	FS     any            // the filesystem's own state

	root     *Dentry
	renameMu sync.Mutex
	refs     atomic.Int32 // mounts of this superblock
	release  func()
}

// NewSuperblock makes a superblock with root as its root inode and an
// anonymous device number (major 0, as Linux gives nodev filesystems).
// release, if not nil, is called when the last mount of it goes.
func (v *VFS) NewSuperblock(t FilesystemType, root Inode, release func()) *Superblock {
	sb := &Superblock{Type: t, release: release}
	sb.Dev = uint64(v.anonDev.Add(1))
	sb.root = newDentry(sb, nil, "/", root)
	return sb
}

// Root returns the root dentry.
func (sb *Superblock) Root() *Dentry { return sb.root }

// Mount is one place a superblock is attached to the tree.
type Mount struct {
	ID     int
	sb     *Superblock
	root   *Dentry // root of the mounted subtree (differs for bind mounts)
	parent *Mount  // nil for the root mount; protected by VFS.mountMu
	point  *Dentry // where in parent it is attached; protected by VFS.mountMu
	flags  atomic.Uint64
	busy   atomic.Int64 // open files and working directories in it
}

// Superblock returns the mounted filesystem.
func (m *Mount) Superblock() *Superblock { return m.sb }

// Root returns the mount's root dentry.
func (m *Mount) Root() *Dentry { return m.root }

// Flags returns the per-mount flags (MS_RDONLY, MS_NOSUID, ...).
func (m *Mount) Flags() uint64 { return m.flags.Load() }

// ReadOnly reports whether writes through this mount are refused.
func (m *Mount) ReadOnly() bool { return m.flags.Load()&abi.MS_RDONLY != 0 }

// Hold and Release count users (open files, cwd) that make umount EBUSY.
func (m *Mount) Hold()    { m.busy.Add(1) }
func (m *Mount) Release() { m.busy.Add(-1) }

type mountKey struct {
	parent *Mount
	point  *Dentry
}

// Path is a location in the tree: a dentry as seen through a mount.
type Path struct {
	Mnt *Mount
	D   *Dentry
}

// VFS is one kernel's filesystem namespace: the filesystem types, the
// mount tree and the root.
type VFS struct {
	anonDev atomic.Uint32

	typesMu sync.RWMutex
	types   map[string]FilesystemType // protected by typesMu

	special SpecialOpener // immutable after SetSpecialOpener at boot

	mountMu sync.RWMutex
	mounts  map[mountKey]*Mount // protected by mountMu
	all     []*Mount            // in mount order; protected by mountMu
	root    *Mount              // protected by mountMu
	nextID  int                 // protected by mountMu
}

// New returns an empty namespace.
func New() *VFS {
	return &VFS{types: make(map[string]FilesystemType), mounts: make(map[mountKey]*Mount), nextID: 20}
}

// SpecialOpener opens the inodes whose files belong to the kernel rather
// than to the filesystem holding them: character and block device nodes
// (by device number) and FIFOs (one pipe per inode).
type SpecialOpener interface {
	OpenDevice(ctx Context, typ uint32, rdev uint32, flags uint32) (FileOps, error)
	OpenFIFO(ctx Context, ino Inode, flags uint32) (FileOps, error)
}

// SetSpecialOpener installs the kernel's device and FIFO opener. It is
// called once during boot, before the first open.
func (v *VFS) SetSpecialOpener(o SpecialOpener) { v.special = o }

// Register adds a filesystem type.
func (v *VFS) Register(t FilesystemType) {
	v.typesMu.Lock()
	v.types[t.Name()] = t
	v.typesMu.Unlock()
}

// Lookup returns a registered filesystem type.
func (v *VFS) FilesystemType(name string) (FilesystemType, bool) {
	v.typesMu.RLock()
	defer v.typesMu.RUnlock()
	t, ok := v.types[name]
	return t, ok
}

// FilesystemTypes lists registered types in name order.
func (v *VFS) FilesystemTypes() []FilesystemType {
	v.typesMu.RLock()
	defer v.typesMu.RUnlock()
	out := make([]FilesystemType, 0, len(v.types))
	for _, t := range v.types {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name() < out[j].Name() })
	return out
}

// SetRoot makes sb the root filesystem.
func (v *VFS) SetRoot(sb *Superblock, flags uint64) Path {
	v.mountMu.Lock()
	defer v.mountMu.Unlock()
	m := v.newMountLocked(sb, sb.root, flags)
	v.root = m
	return Path{m, sb.root}
}

// Root returns the root of the namespace.
func (v *VFS) Root() Path {
	v.mountMu.RLock()
	defer v.mountMu.RUnlock()
	return Path{v.root, v.root.root}
}

func (v *VFS) newMountLocked(sb *Superblock, root *Dentry, flags uint64) *Mount {
	m := &Mount{ID: v.nextID, sb: sb, root: root}
	v.nextID++
	m.flags.Store(flags)
	sb.refs.Add(1)
	v.all = append(v.all, m)
	return m
}

// Attach mounts sb (or, for a bind mount, the subtree at root) on at.
func (v *VFS) Attach(sb *Superblock, root *Dentry, at Path, flags uint64) *Mount {
	v.mountMu.Lock()
	defer v.mountMu.Unlock()
	m := v.newMountLocked(sb, root, flags)
	m.parent, m.point = at.Mnt, at.D
	v.mounts[mountKey{at.Mnt, at.D}] = m
	at.D.mounts.Add(1)
	return m
}

// mountedOn returns the mount attached at p, if any (the most recent one).
func (v *VFS) mountedOn(p Path) *Mount {
	if p.D.mounts.Load() == 0 {
		return nil
	}
	v.mountMu.RLock()
	defer v.mountMu.RUnlock()
	return v.mounts[mountKey{p.Mnt, p.D}]
}

// Detach unmounts m. Unless lazy, it fails with EBUSY while m is in use or
// has mounts below it.
func (v *VFS) Detach(m *Mount, lazy bool) error {
	v.mountMu.Lock()
	if m.parent == nil {
		v.mountMu.Unlock()
		return abi.EINVAL
	}
	var children []*Mount
	for _, c := range v.all {
		if c.parent == m {
			children = append(children, c)
		}
	}
	if !lazy && (len(children) > 0 || m.busy.Load() > 0) {
		v.mountMu.Unlock()
		return abi.EBUSY
	}
	detached := []*Mount{m}
	for i := 0; i < len(detached); i++ {
		for _, c := range v.all {
			if c.parent == detached[i] {
				detached = append(detached, c)
			}
		}
	}
	for _, d := range detached {
		key := mountKey{d.parent, d.point}
		if v.mounts[key] == d {
			delete(v.mounts, key)
		}
		d.point.mounts.Add(-1)
		for i, c := range v.all {
			if c == d {
				v.all = append(v.all[:i], v.all[i+1:]...)
				break
			}
		}
	}
	v.mountMu.Unlock()
	for _, d := range detached {
		if d.sb.refs.Add(-1) == 0 && d.sb.release != nil {
			d.sb.release()
		}
	}
	return nil
}

// MountInfo is one line of /proc/mounts.
type MountInfo struct {
	Source, Point, Type, Opts string
	Flags                     uint64
}

// Mounts lists the mounts visible from root, in mount order.
func (v *VFS) Mounts(root Path) []MountInfo {
	v.mountMu.RLock()
	all := append([]*Mount(nil), v.all...)
	v.mountMu.RUnlock()
	var out []MountInfo
	for _, m := range all {
		p, ok := v.PathString(root, Path{m, m.root})
		if !ok {
			continue
		}
		src := m.sb.Source
		if src == "" {
			src = "none"
		}
		out = append(out, MountInfo{Source: src, Point: p, Type: m.sb.Type.Name(), Opts: m.sb.Opts, Flags: m.flags.Load()})
	}
	return out
}

// PathString returns the absolute path of p as seen from root, and whether
// p is reachable from root at all (getcwd gives "(unreachable)" otherwise).
func (v *VFS) PathString(root, p Path) (string, bool) {
	var parts []string
	for {
		if p == root {
			break
		}
		if p.D == p.Mnt.root {
			v.mountMu.RLock()
			parent, point := p.Mnt.parent, p.Mnt.point
			v.mountMu.RUnlock()
			if parent == nil {
				return "/" + strings.Join(reverse(parts), "/"), false
			}
			p = Path{parent, point}
			continue
		}
		p.D.sb.renameMu.Lock()
		name, parent := p.D.name, p.D.parent
		p.D.sb.renameMu.Unlock()
		if parent == nil {
			return "/" + strings.Join(reverse(parts), "/"), false
		}
		parts = append(parts, name)
		p.D = parent
	}
	return "/" + strings.Join(reverse(parts), "/"), true
}

func reverse(s []string) []string {
	for i, j := 0, len(s)-1; i < j; i, j = i+1, j-1 {
		s[i], s[j] = s[j], s[i]
	}
	return s
}

// Remount changes the per-mount flags of m (mount(2) with MS_REMOUNT).
func (v *VFS) Remount(m *Mount, flags uint64) error {
	m.flags.Store(flags)
	return nil
}
