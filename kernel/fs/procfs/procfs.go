// Package procfs is the proc filesystem (proc(5)): process and kernel
// information generated when read. A read at offset 0 generates a file's
// text afresh and later reads continue in it, as Linux's seq files do;
// directories list what exists at the time of each call, and the VFS never
// caches their lookups (vfs.Dynamic), so /proc/<pid> disappears with its
// process.
//
// /proc/<pid>/cwd, root and fd/N are magic links (vfs.MagicLink):
// following one reaches the very file or directory, even renamed or
// unlinked, and a pipe's fd/N reopens that pipe.
//
// Every mount of proc shows one instance per kernel, as Linux has one
// per pid namespace.
//
// Lock order:
//
//	FS.mu (inode numbers, comm names, internal mounts)
//	  kernel.Kernel.tasksMu (pruning state of processes that are gone)
//	  vfs.VFS.mountMu (making pipefs's internal mount)
//
// Otherwise procfs reads kernel state through the kernel's accessors with
// no lock of its own held.
package procfs

import (
	"strconv"
	"sync"
	"sync/atomic"

	"liblinux/abi"
	"liblinux/kernel"
	"liblinux/kernel/usermem"
	"liblinux/kernel/vfs"
)

// Type is the "proc" filesystem type of kernel K.
type Type struct {
	K *kernel.Kernel

	mu sync.Mutex
	fs *FS // the state every mount shows, once mounted; protected by mu
}

// Name implements vfs.FilesystemType.
func (t *Type) Name() string { return "proc" }

// NoDev implements vfs.FilesystemType.
func (t *Type) NoDev() bool { return true }

// Mount implements vfs.FilesystemType. Options are those of proc(5)
// (hidepid=, gid=, subset=); they are accepted and have no effect. Every
// mount is a superblock of its own (a device number of its own), as
// since Linux 5.8, over the kernel's one proc state.
func (t *Type) Mount(ctx vfs.Context, v *vfs.VFS, source string, flags uint64, data string) (*vfs.Superblock, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.fs == nil {
		t.fs = newFS(t.K)
	}
	sb := v.NewSuperblock(t, t.fs.rootDir(), nil)
	sb.Source = source
	sb.FS = t.fs
	sb.Opts = "rw"
	return sb, nil
}

// FS is the proc instance of one kernel.
type FS struct {
	k      *kernel.Kernel
	boot   vfs.Time
	bootID string // /proc/sys/kernel/random/boot_id

	mu       sync.Mutex
	static   map[string]uint64                   // inode numbers of entries outside /proc/<pid>; protected by mu
	groups   map[*kernel.ThreadGroup]*groupState // protected by mu
	comms    map[*kernel.Task]string             // names set through comm; protected by mu
	nextIno  uint64                              // next /proc/<pid> inode number; protected by mu
	internal map[string]*vfs.Mount               // pipefs and anon_inodefs; protected by mu
}

// groupState is what procfs keeps about a live process.
type groupState struct {
	inos map[string]uint64 // inode numbers of its entries, by path below /proc/<pid>
}

// Inode numbers: the root is 1, other entries outside /proc/<pid> come
// from Linux's proc_inum range (self and thread-self first), and process
// entries from a counter, as Linux gives them.
const (
	rootIno   = 1
	staticIno = 0xF0000000
)

func newFS(k *kernel.Kernel) *FS {
	return &FS{
		k:        k,
		boot:     vfs.TimeFromNanos(k.BootTime),
		bootID:   newUUID(),
		static:   map[string]uint64{"self": staticIno, "thread-self": staticIno + 1},
		groups:   map[*kernel.ThreadGroup]*groupState{},
		comms:    map[*kernel.Task]string{},
		nextIno:  2,
		internal: map[string]*vfs.Mount{},
	}
}

// Statfs reports proc's statfs(2) answer.
func (fs *FS) Statfs() abi.Statfs {
	return abi.Statfs{Type: abi.PROC_SUPER_MAGIC, Bsize: 4096, Namelen: vfs.NameMax, Frsize: 4096}
}

// staticIno returns the inode number of an entry outside /proc/<pid>.
func (fs *FS) staticIno(path string) uint64 {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if n, ok := fs.static[path]; ok {
		return n
	}
	n := staticIno + uint64(len(fs.static))
	fs.static[path] = n
	return n
}

// groupIno returns the inode number of path below /proc/<pid> of g,
// stable while g lives.
func (fs *FS) groupIno(g *kernel.ThreadGroup, path string) uint64 {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	st := fs.groups[g]
	if st == nil {
		fs.pruneLocked()
		st = &groupState{inos: map[string]uint64{}}
		fs.groups[g] = st
	}
	if n, ok := st.inos[path]; ok {
		return n
	}
	n := fs.nextIno
	fs.nextIno++
	st.inos[path] = n
	return n
}

// pruneLocked forgets processes and tasks that are gone, once the maps
// have grown past twice what is alive. Preconditions: fs.mu is held.
func (fs *FS) pruneLocked() {
	live := fs.k.Groups()
	if len(fs.groups) < 2*len(live)+8 && len(fs.comms) < 64 {
		return
	}
	alive := make(map[*kernel.ThreadGroup]bool, len(live))
	for _, g := range live {
		alive[g] = true
	}
	for g := range fs.groups {
		if !alive[g] {
			delete(fs.groups, g)
		}
	}
	for t := range fs.comms {
		if fs.k.Task(t.TID) != t {
			delete(fs.comms, t)
		}
	}
}

// now is the time stamped on inodes made now.
func (fs *FS) now() vfs.Time { return vfs.TimeFromNanos(fs.k.Clock.Realtime()) }

// caller returns the calling task, if the context is one.
func caller(ctx vfs.Context) *kernel.Task {
	t, _ := ctx.(*kernel.Task)
	return t
}

// node is what every procfs inode shares.
type node struct {
	vfs.InodeDefaults
	ino      uint64
	mode     uint32 // type and permission bits
	uid, gid uint32
	nlink    uint32 // 0: 1 for files, 2 for directories
	size     int64
	time     vfs.Time
}

// Attr implements vfs.Inode.
func (n *node) Attr() vfs.Attr {
	nlink := n.nlink
	if nlink == 0 {
		nlink = 1
		if n.mode&abi.S_IFMT == abi.S_IFDIR {
			nlink = 2
		}
	}
	return vfs.Attr{Ino: n.ino, Mode: n.mode, Nlink: nlink, UID: n.uid, GID: n.gid, Size: n.size,
		Blksize: 1024, Atime: n.time, Mtime: n.time, Ctime: n.time}
}

// Creating anything in proc fails: the name is not found (Linux's proc
// lookups fail before any create), and removing fails with EPERM.
func (n *node) Create(vfs.Context, string, vfs.CreateOpts) (vfs.Inode, error) {
	return nil, n.notDir(abi.ENOENT)
}
func (n *node) Mkdir(vfs.Context, string, vfs.CreateOpts) (vfs.Inode, error) {
	return nil, n.notDir(abi.ENOENT)
}
func (n *node) Symlink(vfs.Context, string, string, vfs.CreateOpts) (vfs.Inode, error) {
	return nil, n.notDir(abi.ENOENT)
}
func (n *node) Link(vfs.Context, string, vfs.Inode) error { return n.notDir(abi.ENOENT) }
func (n *node) Unlink(vfs.Context, string) error          { return n.notDir(abi.EPERM) }
func (n *node) Rmdir(vfs.Context, string) error           { return n.notDir(abi.EPERM) }
func (n *node) Rename(vfs.Context, string, vfs.Inode, string, uint32) error {
	return n.notDir(abi.EPERM)
}

func (n *node) notDir(err error) error {
	if n.mode&abi.S_IFMT != abi.S_IFDIR {
		return abi.ENOTDIR
	}
	return err
}

// entry is a name in a procfs directory: its readdir position and type,
// and how to make its inode.
type entry struct {
	name string
	pos  int64 // readdir offset; entries are listed in pos order
	typ  uint8 // DT_*
	make func() vfs.Inode
}

// dir is a procfs directory whose listing is computed per call.
type dir struct {
	node
	list   func(ctx vfs.Context) []entry
	lookup func(ctx vfs.Context, name string) (vfs.Inode, error) // nil: search list
	parent uint64                                                // ".." inode number
}

// DynamicDir implements vfs.Dynamic.
func (d *dir) DynamicDir() {}

// Lookup implements vfs.Inode.
func (d *dir) Lookup(ctx vfs.Context, name string) (vfs.Inode, error) {
	if d.lookup != nil {
		return d.lookup(ctx, name)
	}
	for _, e := range d.list(ctx) {
		if e.name == name {
			return e.make(), nil
		}
	}
	return nil, abi.ENOENT
}

// ReadDir implements vfs.Inode: "." and ".." at offsets 0 and 1, then the
// entries whose position is at least off.
func (d *dir) ReadDir(ctx vfs.Context, off int64, emit func(vfs.Dirent) bool) error {
	if off <= 0 && !emit(vfs.Dirent{Name: ".", Ino: d.ino, Type: abi.DT_DIR, Next: 1}) {
		return nil
	}
	if off <= 1 && !emit(vfs.Dirent{Name: "..", Ino: d.parent, Type: abi.DT_DIR, Next: 2}) {
		return nil
	}
	for _, e := range d.list(ctx) {
		if e.pos < off {
			continue
		}
		a := e.make().Attr()
		if !emit(vfs.Dirent{Name: e.name, Ino: a.Ino, Type: e.typ, Next: e.pos + 1}) {
			break
		}
	}
	return nil
}

// Open implements vfs.Inode.
func (d *dir) Open(ctx vfs.Context, flags uint32) (vfs.FileOps, error) { return vfs.DirFile{}, nil }

// subdirs counts the directories among entries, for a directory's link
// count.
func subdirs(ents []entry) uint32 {
	n := uint32(0)
	for _, e := range ents {
		if e.typ == abi.DT_DIR {
			n++
		}
	}
	return n
}

// number parses a /proc name that stands for a pid or fd: decimal digits
// with no leading zero, as Linux's name_to_int accepts.
func number(name string) (int32, bool) {
	if name == "" || (name[0] == '0' && len(name) > 1) {
		return 0, false
	}
	for i := 0; i < len(name); i++ {
		if name[i] < '0' || name[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(name, 10, 32)
	if err != nil {
		return 0, false
	}
	return int32(n), true
}

// file is a procfs file with generated contents.
type file struct {
	node
	gen   func(ctx vfs.Context) (string, error)
	write func(ctx vfs.Context, s string) error // nil: writes fail with EIO
	// open, if set, checks an open first (sysctl permissions).
	open func(ctx vfs.Context, flags uint32) error
}

// Open implements vfs.Inode.
func (f *file) Open(ctx vfs.Context, flags uint32) (vfs.FileOps, error) {
	if f.open != nil {
		if err := f.open(ctx, flags); err != nil {
			return nil, err
		}
	}
	return &seqFile{f: f}, nil
}

// seqFile is an open procfs file.
type seqFile struct {
	f *file

	// reading is 1 + the offset of a read in progress, 0 if none: the
	// file's position while its own Read holds it (fdinfo of itself).
	reading atomic.Int64

	mu   sync.Mutex
	data []byte // the text of the last read from offset 0; protected by mu
	done bool   // data was generated; protected by mu
}

// Read implements vfs.FileOps.
func (s *seqFile) Read(ctx vfs.Context, dst *usermem.IO, off int64) (int, error) {
	s.reading.Store(off + 1)
	defer s.reading.Store(0)
	s.mu.Lock()
	defer s.mu.Unlock()
	if off == 0 || !s.done {
		text, err := s.f.gen(ctx)
		if err != nil {
			return 0, err
		}
		s.data, s.done = []byte(text), true
	}
	if off >= int64(len(s.data)) {
		return 0, nil
	}
	return dst.CopyOut(0, s.data[off:])
}

// Write implements vfs.FileOps: one write(2) is one change, of at most a
// page; a file that cannot be written fails with EIO, as Linux's proc
// files without a write method.
func (s *seqFile) Write(ctx vfs.Context, src *usermem.IO, off int64) (int, error) {
	if s.f.write == nil {
		return 0, abi.EIO
	}
	b := make([]byte, min(src.Len(), 4096))
	n, err := src.CopyIn(0, b)
	if err != nil {
		return 0, err
	}
	if err := s.f.write(ctx, string(b[:n])); err != nil {
		return 0, err
	}
	return n, nil
}

// Seek implements vfs.Seeker as seq_lseek: SEEK_SET and SEEK_CUR to a
// non-negative offset.
func (s *seqFile) Seek(ctx vfs.Context, cur, off int64, whence int) (int64, error) {
	return vfs.SeqSeek(cur, off, whence)
}

// Release implements vfs.FileOps.
func (s *seqFile) Release() {}

// link is a procfs symlink whose target is computed per call.
type link struct {
	node
	target func(ctx vfs.Context) (string, error)
}

// Readlink implements vfs.Inode.
func (l *link) Readlink(ctx vfs.Context) (string, error) { return l.target(ctx) }

// magicLink is a link that names an object (vfs.MagicLink).
type magicLink struct {
	link
	follow func(ctx vfs.Context) (vfs.Path, error)
}

// Follow implements vfs.MagicLink.
func (l *magicLink) Follow(ctx vfs.Context) (vfs.Path, error) { return l.follow(ctx) }

var (
	_ vfs.Inode     = (*dir)(nil)
	_ vfs.Dynamic   = (*dir)(nil)
	_ vfs.Inode     = (*file)(nil)
	_ vfs.Seeker    = (*seqFile)(nil)
	_ vfs.MagicLink = (*magicLink)(nil)
)
