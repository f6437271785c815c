package vfs

import (
	"math/rand/v2"
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

// Superblock flags kept by the VFS (the MS_* bits that belong to a
// filesystem instance rather than to one mount of it).
const sbFlagMask = abi.MS_RDONLY | abi.MS_SYNCHRONOUS | abi.MS_MANDLOCK | abi.MS_DIRSYNC | abi.MS_LAZYTIME

// Per-mount flags, as mount(2) spells them.
const mntFlagMask = abi.MS_RDONLY | abi.MS_NOSUID | abi.MS_NODEV | abi.MS_NOEXEC | abi.MS_NOATIME |
	abi.MS_NODIRATIME | abi.MS_RELATIME | abi.MS_NOSYMFOLLOW

// Superblock is one mounted filesystem instance.
type Superblock struct {
	Dev    uint64         // st_dev of every inode; set by NewSuperblock
	Type   FilesystemType // immutable
	Source string         // what mount(2) was given as the source
	Opts   string         // options as /proc/mounts shows them ("rw,...")
	FS     any            // the filesystem's own state
	Magic  int64          // f_type for statfs(2) without a StatFSer
	// MgTime says the filesystem keeps multigrain timestamps: statx(2)
	// reports the modification and change times only when asked for
	// one of them, as Linux's fill_mg_cmtime.
	MgTime bool
	// AttrMask is the filesystem's part of stx_attributes_mask.
	AttrMask uint64

	root     *Dentry
	renameMu sync.Mutex
	nextID   uint64        // last Dentry.id given; protected by renameMu
	flags    atomic.Uint64 // sbFlagMask bits
	refs     atomic.Int32  // mounts of this superblock
	files    sbFiles       // files open on it (sbref.go)
	fsid     [2]int32      // immutable
	release  func()
}

// NewSuperblock makes a superblock with root as its root inode and an
// anonymous device number (major 0, as Linux gives nodev filesystems).
// release, if not nil, is called when the last mount of it goes.
func (v *VFS) NewSuperblock(t FilesystemType, root Inode, release func()) *Superblock {
	sb := &Superblock{Type: t, release: release}
	sb.Dev = v.NewAnonDev()
	sb.root = newDentryOf(sb, nil, "/", root)
	r := rand.Uint64()
	sb.fsid = [2]int32{int32(r), int32(r >> 32)}
	return sb
}

// NewAnonDev returns an unused anonymous device number (major 0), as
// Linux's get_anon_bdev: the st_dev of a filesystem without a disk, such
// as a superblock from NewSuperblock or the kernel's internal pipefs.
func (v *VFS) NewAnonDev() uint64 { return uint64(EncodeDev(0, v.anonDev.Add(1))) }

// OnRelease adds f to what runs when sb is released, after the release
// function it was made with. It is called before sb is mounted.
func (sb *Superblock) OnRelease(f func()) {
	prev := sb.release
	sb.release = func() {
		if prev != nil {
			prev()
		}
		f()
	}
}

// Root returns the root dentry.
func (sb *Superblock) Root() *Dentry { return sb.root }

// EncodeDev encodes a device number as Linux's new_encode_dev (the form of
// st_dev and st_rdev).
func EncodeDev(major, minor uint32) uint32 {
	return minor&0xff | major<<8 | (minor&^0xff)<<12
}

// DecodeDev splits a new_encode_dev number.
func DecodeDev(dev uint32) (major, minor uint32) {
	return (dev & 0xfff00) >> 8, dev&0xff | (dev>>12)&0xfff00
}

// Flags returns the superblock flags (MS_RDONLY, MS_SYNCHRONOUS, ...).
func (sb *Superblock) Flags() uint64 { return sb.flags.Load() }

// SetFlags replaces the superblock flags (at mount time).
func (sb *Superblock) SetFlags(f uint64) { sb.flags.Store(f & sbFlagMask) }

// ReadOnly reports whether the whole filesystem is read-only.
func (sb *Superblock) ReadOnly() bool { return sb.flags.Load()&abi.MS_RDONLY != 0 }

// Fsid returns f_fsid for statfs(2).
func (sb *Superblock) Fsid() [2]int32 { return sb.fsid }

// Mount is one place a superblock is attached to the tree.
type Mount struct {
	ID       int
	UniqueID uint64 // STATX_MNT_ID_UNIQUE; immutable
	sb       *Superblock
	root     *Dentry // root of the mounted subtree (differs for bind mounts)
	source   string  // mount(2)'s source, as /proc/mounts shows it; immutable
	parent   *Mount  // nil for the root mount; protected by VFS.mountMu
	point    *Dentry // where in parent it is attached; protected by VFS.mountMu
	attached bool    // in the mount table; protected by VFS.mountMu
	expiry   bool    // MNT_EXPIRE mark; protected by VFS.mountMu
	flags    atomic.Uint64
	busy     counter // open files and working directories in it
	writers  counter // files open for writing through it
}

// Superblock returns the mounted filesystem.
func (m *Mount) Superblock() *Superblock { return m.sb }

// Root returns the mount's root dentry.
func (m *Mount) Root() *Dentry { return m.root }

// Flags returns the per-mount flags (MS_RDONLY, MS_NOSUID, ...).
func (m *Mount) Flags() uint64 { return m.flags.Load() }

// ReadOnly reports whether writes through this mount are refused: the
// mount or its superblock is read-only (Linux's __mnt_is_readonly).
func (m *Mount) ReadOnly() bool { return m.flags.Load()&abi.MS_RDONLY != 0 || m.sb.ReadOnly() }

// Hold and Release count users (open files, cwd) that make umount EBUSY.
func (m *Mount) Hold()    { m.busy.add(1) }
func (m *Mount) Release() { m.busy.add(-1) }

// wantWrite checks that writes through m are allowed (mnt_want_write).
func (m *Mount) wantWrite() error {
	if m.ReadOnly() {
		return abi.EROFS
	}
	return nil
}

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
	mounts  map[mountKey]*Mount // topmost mount at each point; protected by mountMu
	all     []*Mount            // attached mounts in mount order; protected by mountMu
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

// FilesystemType returns a registered filesystem type.
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

// SetRoot makes sb the root filesystem, with the per-mount flags given
// (0, as Linux's rootfs has, means strictatime).
func (v *VFS) SetRoot(sb *Superblock, flags uint64) Path {
	v.mountMu.Lock()
	defer v.mountMu.Unlock()
	m := v.newMountLocked(sb, sb.root, flags)
	m.attached = true
	v.all = append(v.all, m)
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
	m := &Mount{ID: v.nextID, UniqueID: 1<<31 + uint64(v.nextID), sb: sb, root: root, source: sb.Source}
	v.nextID++
	m.flags.Store(flags & mntFlagMask)
	sb.refs.Add(1)
	return m
}

// Attach mounts sb (or, for a bind mount, the subtree at root) on at with
// the per-mount flags.
func (v *VFS) Attach(sb *Superblock, root *Dentry, at Path, flags uint64) *Mount {
	v.mountMu.Lock()
	defer v.mountMu.Unlock()
	m := v.newMountLocked(sb, root, flags)
	v.attachLocked(m, at)
	return m
}

// AttachSource is Attach of sb's root for mount(2), with source as the
// new mount's own source: a filesystem that several mounts share (sysfs,
// devtmpfs) shows each mount's, as Linux keeps it per mount.
func (v *VFS) AttachSource(sb *Superblock, at Path, flags uint64, source string) *Mount {
	v.mountMu.Lock()
	defer v.mountMu.Unlock()
	m := v.newMountLocked(sb, sb.root, flags)
	m.source = source
	v.attachLocked(m, at)
	return m
}

// AttachAgain is AttachSource for a superblock that is already mounted
// elsewhere, or was until a lazy unmount left it to its open files: a
// second mount(2) of a device gets the filesystem instance the first one
// made, as Linux's sget. EBUSY once the superblock is released or being
// released.
func (v *VFS) AttachAgain(sb *Superblock, at Path, flags uint64, source string) (*Mount, error) {
	if !sb.holdForMount() {
		return nil, abi.EBUSY
	}
	m := v.AttachSource(sb, at, flags, source)
	sb.decRef() // AttachSource took the mount's own reference
	return m, nil
}

// attachLocked puts m on top of at. Preconditions: v.mountMu is held.
func (v *VFS) attachLocked(m *Mount, at Path) {
	m.parent, m.point, m.attached = at.Mnt, at.D, true
	v.mounts[mountKey{at.Mnt, at.D}] = m
	at.D.mounts.Add(1)
	v.all = append(v.all, m)
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

// childrenLocked returns the mounts attached directly inside m.
// Preconditions: v.mountMu is held.
func (v *VFS) childrenLocked(m *Mount) []*Mount {
	var out []*Mount
	for _, c := range v.all {
		if c.parent == m {
			out = append(out, c)
		}
	}
	return out
}

// detachLocked removes m and everything mounted below it from the tree
// and returns them. Preconditions: v.mountMu is held.
func (v *VFS) detachLocked(m *Mount) []*Mount {
	gone := []*Mount{m}
	for i := 0; i < len(gone); i++ {
		gone = append(gone, v.childrenLocked(gone[i])...)
	}
	for _, d := range gone {
		key := mountKey{d.parent, d.point}
		if v.mounts[key] == d {
			delete(v.mounts, key)
			// A mount hidden under d at the same point shows again.
			for j := len(v.all) - 1; j >= 0; j-- {
				c := v.all[j]
				if c != d && c.parent == d.parent && c.point == d.point && !contains(gone, c) {
					v.mounts[key] = c
					break
				}
			}
		}
		d.point.mounts.Add(-1)
		d.attached = false
		for i, c := range v.all {
			if c == d {
				v.all = append(v.all[:i], v.all[i+1:]...)
				break
			}
		}
	}
	return gone
}

func contains(l []*Mount, m *Mount) bool {
	for _, x := range l {
		if x == m {
			return true
		}
	}
	return false
}

// releaseMounts drops the superblock references of detached mounts.
func releaseMounts(gone []*Mount) {
	for _, d := range gone {
		d.sb.decRef()
	}
}

// decRef drops a mount's reference; after the last one, the last open
// file releases the filesystem instance (sbref.go).
func (sb *Superblock) decRef() {
	if sb.refs.Add(-1) == 0 {
		sb.unmounted()
	}
}

// Shutdown unmounts everything, the root included, as the kernel halts.
// Every filesystem is written back first; one that no open file holds
// is then released (ext4 marks itself clean). The caller closes every
// descriptor table before, so that only files the kernel itself still
// holds can keep a filesystem from its release.
func (v *VFS) Shutdown(ctx Context) {
	v.SyncAll(ctx)
	v.mountMu.Lock()
	gone := v.all
	v.all = nil
	clear(v.mounts)
	for _, m := range gone {
		m.attached = false
		if m.point != nil {
			m.point.mounts.Add(-1)
		}
	}
	v.mountMu.Unlock()
	releaseMounts(gone)
}

// Detach unmounts m (umount2(2)). Unless lazy, it fails with EBUSY while m
// is in use or has mounts below it. The namespace root cannot go: EBUSY,
// or EINVAL when lazy.
func (v *VFS) Detach(m *Mount, lazy bool) error {
	v.mountMu.Lock()
	if !m.attached {
		v.mountMu.Unlock()
		return abi.EINVAL
	}
	if m.parent == nil {
		v.mountMu.Unlock()
		if lazy {
			return abi.EINVAL
		}
		return abi.EBUSY
	}
	if !lazy && (len(v.childrenLocked(m)) > 0 || m.busy.load() > 0) {
		v.mountMu.Unlock()
		return abi.EBUSY
	}
	gone := v.detachLocked(m)
	v.mountMu.Unlock()
	releaseMounts(gone)
	return nil
}

// Expire implements umount2(2) with MNT_EXPIRE: the first call marks an
// unused mount (EAGAIN), a second call with the mark still set unmounts it.
// Any use in between clears the mark.
func (v *VFS) Expire(m *Mount) error {
	v.mountMu.Lock()
	if !m.attached || m.parent == nil {
		v.mountMu.Unlock()
		return abi.EINVAL
	}
	if len(v.childrenLocked(m)) > 0 || m.busy.load() > 0 {
		m.expiry = false
		v.mountMu.Unlock()
		return abi.EBUSY
	}
	if !m.expiry {
		m.expiry = true
		v.mountMu.Unlock()
		return abi.EAGAIN
	}
	gone := v.detachLocked(m)
	v.mountMu.Unlock()
	releaseMounts(gone)
	return nil
}

// Bind attaches the subtree at src on at (mount(2) with MS_BIND), with
// the source mount's flags. With recursive, the mounts below src inside
// the subtree come along (MS_REC).
func (v *VFS) Bind(src, at Path, recursive bool) error {
	v.mountMu.Lock()
	defer v.mountMu.Unlock()
	if !src.Mnt.attached && src.Mnt != v.root {
		return abi.EINVAL
	}
	top := v.newMountLocked(src.Mnt.sb, src.D, src.Mnt.flags.Load())
	top.source = src.Mnt.source
	if recursive {
		var copyBelow func(orig, clone *Mount, under *Dentry)
		copyBelow = func(orig, clone *Mount, under *Dentry) {
			for _, c := range v.childrenLocked(orig) {
				if under != nil && !isSubdirLocked(c.point, under) {
					continue
				}
				nc := v.newMountLocked(c.sb, c.root, c.flags.Load())
				nc.source = c.source
				nc.parent, nc.point, nc.attached = clone, c.point, true
				v.mounts[mountKey{clone, c.point}] = nc
				c.point.mounts.Add(1)
				v.all = append(v.all, nc)
				copyBelow(c, nc, nil)
			}
		}
		// Children are added after top so /proc/mounts lists them after it.
		v.attachLocked(top, at)
		copyBelow(src.Mnt, top, src.D)
		return nil
	}
	v.attachLocked(top, at)
	return nil
}

// isSubdirLocked reports whether d is under (or is) a; it takes renameMu.
func isSubdirLocked(d, a *Dentry) bool {
	if d.sb != a.sb {
		return false
	}
	d.sb.renameMu.Lock()
	defer d.sb.renameMu.Unlock()
	return isAncestor(a, d)
}

// Move moves the mount whose root is src to at (MS_MOVE).
//   - EINVAL: src is not a mount root, or is the namespace root.
//   - ELOOP: at is inside the moved tree.
//   - ENOTDIR: a directory would cover a non-directory or the reverse.
func (v *VFS) Move(src, at Path) error {
	v.mountMu.Lock()
	defer v.mountMu.Unlock()
	m := src.Mnt
	if src.D != m.root || m.parent == nil || !m.attached {
		return abi.EINVAL
	}
	for p := at.Mnt; p != nil; p = p.parent {
		if p == m {
			return abi.ELOOP
		}
	}
	if at.D.IsDir() != m.root.IsDir() {
		return abi.ENOTDIR
	}
	key := mountKey{m.parent, m.point}
	if v.mounts[key] == m {
		delete(v.mounts, key)
		for j := len(v.all) - 1; j >= 0; j-- {
			c := v.all[j]
			if c != m && c.parent == m.parent && c.point == m.point {
				v.mounts[key] = c
				break
			}
		}
	}
	m.point.mounts.Add(-1)
	m.parent, m.point = at.Mnt, at.D
	v.mounts[mountKey{at.Mnt, at.D}] = m
	at.D.mounts.Add(1)
	return nil
}

// SetMountFlags changes the per-mount flags of m (MS_REMOUNT|MS_BIND):
// EBUSY when making it read-only while files are open for writing
// through it.
func (v *VFS) SetMountFlags(m *Mount, flags uint64) error {
	v.mountMu.Lock()
	defer v.mountMu.Unlock()
	if flags&abi.MS_RDONLY != 0 && m.flags.Load()&abi.MS_RDONLY == 0 && m.writers.load() > 0 {
		return abi.EBUSY
	}
	m.flags.Store(flags & mntFlagMask)
	return nil
}

// Remount changes a superblock's flags and options and then m's flags
// (MS_REMOUNT without MS_BIND). Making the filesystem read-only fails with
// EBUSY while any file on it is open for writing.
func (v *VFS) Remount(ctx Context, m *Mount, sbFlags, mntFlags uint64, data string) error {
	sb := m.sb
	if sbFlags&abi.MS_RDONLY != 0 && !sb.ReadOnly() && v.sbWriters(sb) > 0 {
		return abi.EBUSY
	}
	if r, ok := sb.FS.(Remounter); ok {
		if err := r.Remount(ctx, sbFlags, data); err != nil {
			return err
		}
	}
	sb.SetFlags(sbFlags)
	v.mountMu.Lock()
	m.flags.Store(mntFlags & mntFlagMask)
	v.mountMu.Unlock()
	return nil
}

// sbWriters counts the files open for writing on sb, through any mount.
func (v *VFS) sbWriters(sb *Superblock) int64 {
	v.mountMu.RLock()
	defer v.mountMu.RUnlock()
	var n int64
	for _, m := range v.all {
		if m.sb == sb {
			n += m.writers.load()
		}
	}
	return n
}

// MountInfo is one line of /proc/mounts, with what /proc/<pid>/mountinfo
// adds.
type MountInfo struct {
	Source, Point, Type string
	// Opts is the whole options field: "rw" or "ro", the superblock and
	// per-mount flags, then the filesystem's options.
	Opts  string
	Flags uint64 // per-mount flags, with MS_RDONLY if the superblock is
	ID    int

	ParentID int    // the mount it is attached to (its own ID for the namespace root)
	Dev      uint32 // the superblock's device number (new_encode_dev form)
	// Root is the path of the mount's root inside its filesystem ("/"
	// but for bind mounts of a subtree).
	Root string
	// MntOpts are the per-mount options ("rw" or "ro", then nosuid,
	// nodev, ...); SuperOpts the superblock's ("rw" or "ro", its flags,
	// then the filesystem's options).
	MntOpts, SuperOpts string
}

// Mounts lists the mounts visible from root, in mount order.
func (v *VFS) Mounts(root Path) []MountInfo {
	v.mountMu.RLock()
	all := append([]*Mount(nil), v.all...)
	v.mountMu.RUnlock()
	var out []MountInfo
	for _, m := range all {
		p, ok := v.pathString(root, Path{m, m.root}, false)
		if !ok {
			continue
		}
		src := m.source
		if src == "" {
			src = "none"
		}
		flags := m.flags.Load()
		if m.sb.ReadOnly() {
			flags |= abi.MS_RDONLY
		}
		v.mountMu.RLock()
		parent := m.parent
		v.mountMu.RUnlock()
		pid := m.ID
		if parent != nil {
			pid = parent.ID
		}
		out = append(out, MountInfo{Source: src, Point: p, Type: m.sb.Type.Name(), Opts: mountOpts(m), Flags: flags, ID: m.ID,
			ParentID: pid, Dev: uint32(m.sb.Dev), Root: dentryPath(m.root), MntOpts: mntOpts(m), SuperOpts: superOpts(m)})
	}
	return out
}

// dentryPath returns the path of d from its filesystem's root, as Linux's
// dentry_path: a removed dentry's is "//deleted" after its last name.
func dentryPath(d *Dentry) string {
	sb := d.sb
	sb.renameMu.Lock()
	var parts []string
	dead := d.IsDead()
	for p := d.parent.Load(); p != nil; p = d.parent.Load() {
		parts = append(parts, d.name)
		d = p
	}
	sb.renameMu.Unlock()
	for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
		parts[i], parts[j] = parts[j], parts[i]
	}
	path := "/" + strings.Join(parts, "/")
	if dead {
		path += "//deleted"
	}
	return path
}

// mntOpts builds mountinfo's per-mount options as Linux's show_mountinfo:
// "ro" only for a read-only mount, whatever its superblock.
func mntOpts(m *Mount) string {
	mf := m.flags.Load()
	var b strings.Builder
	if mf&abi.MS_RDONLY != 0 {
		b.WriteString("ro")
	} else {
		b.WriteString("rw")
	}
	writeMntFlags(&b, mf)
	return b.String()
}

// superOpts builds mountinfo's superblock options: "ro" or "rw" by the
// superblock alone, its flags, then the filesystem's options.
func superOpts(m *Mount) string {
	var b strings.Builder
	if m.sb.ReadOnly() {
		b.WriteString("ro")
	} else {
		b.WriteString("rw")
	}
	writeSbFlags(&b, m.sb.Flags())
	if o := fsOpts(m.sb); o != "" {
		b.WriteByte(',')
		b.WriteString(o)
	}
	return b.String()
}

// mountOpts builds the options field of /proc/mounts as Linux's
// show_vfsmnt does.
func mountOpts(m *Mount) string {
	var b strings.Builder
	if m.ReadOnly() {
		b.WriteString("ro")
	} else {
		b.WriteString("rw")
	}
	writeSbFlags(&b, m.sb.Flags())
	writeMntFlags(&b, m.flags.Load())
	if o := fsOpts(m.sb); o != "" {
		b.WriteByte(',')
		b.WriteString(o)
	}
	return b.String()
}

// writeSbFlags writes the superblock flags options (show_sb_opts).
func writeSbFlags(b *strings.Builder, sf uint64) {
	for _, o := range []struct {
		bit  uint64
		name string
	}{{abi.MS_SYNCHRONOUS, ",sync"}, {abi.MS_DIRSYNC, ",dirsync"}, {abi.MS_MANDLOCK, ",mand"}, {abi.MS_LAZYTIME, ",lazytime"}} {
		if sf&o.bit != 0 {
			b.WriteString(o.name)
		}
	}
}

// writeMntFlags writes the per-mount flags options (show_mnt_opts).
func writeMntFlags(b *strings.Builder, mf uint64) {
	for _, o := range []struct {
		bit  uint64
		name string
	}{{abi.MS_NOSUID, ",nosuid"}, {abi.MS_NODEV, ",nodev"}, {abi.MS_NOEXEC, ",noexec"}, {abi.MS_NOATIME, ",noatime"},
		{abi.MS_NODIRATIME, ",nodiratime"}, {abi.MS_RELATIME, ",relatime"}, {abi.MS_NOSYMFOLLOW, ",nosymfollow"}} {
		if mf&o.bit != 0 {
			b.WriteString(o.name)
		}
	}
}

// fsOpts returns the filesystem's own options, without rw or ro.
func fsOpts(sb *Superblock) string {
	if o, ok := sb.FS.(Options); ok {
		return o.MountOptions()
	}
	fsOpts := sb.Opts
	// Filesystems that set Opts themselves start it with rw or ro.
	for _, p := range []string{"rw", "ro"} {
		if fsOpts == p {
			fsOpts = ""
		} else if strings.HasPrefix(fsOpts, p+",") {
			fsOpts = fsOpts[3:]
		}
	}
	return fsOpts
}

// PathString returns the absolute path of p as seen from root, and whether
// p is reachable from root at all (getcwd gives "(unreachable)" otherwise).
// A removed file's path ends in " (deleted)", as Linux's d_path writes it.
func (v *VFS) PathString(root, p Path) (string, bool) {
	return v.pathString(root, p, true)
}

func (v *VFS) pathString(root, p Path, deleted bool) (string, bool) {
	var parts []string
	suffix := ""
	if deleted && p.D != nil && p.D.IsDead() {
		suffix = " (deleted)"
	}
	reachable := true
	for p != root {
		if p.D == p.Mnt.root {
			v.mountMu.RLock()
			parent, point := p.Mnt.parent, p.Mnt.point
			v.mountMu.RUnlock()
			if parent == nil {
				reachable = false
				break
			}
			p = Path{parent, point}
			continue
		}
		p.D.sb.renameMu.Lock()
		name, parent := p.D.name, p.D.parent.Load()
		p.D.sb.renameMu.Unlock()
		if parent == nil {
			// A detached dentry (memfd, pipe reopened through procfs)
			// shows its own name at the root.
			parts = append(parts, name)
			reachable = false
			break
		}
		parts = append(parts, name)
		p.D = parent
	}
	for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
		parts[i], parts[j] = parts[j], parts[i]
	}
	return "/" + strings.Join(parts, "/") + suffix, reachable
}
