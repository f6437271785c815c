// Package tmpfs is the in-memory filesystem: the root filesystem of every
// liblinux kernel, mountable anywhere with `mount -t tmpfs`, and the home
// of memfd_create(2) files. File data lives in pages from the kernel's
// page allocator (mm), so it counts against mem=, and each instance may be
// limited with size= and nr_inodes=. Options, limits, /proc/mounts text,
// statfs figures, directory offsets and sizes follow Linux's shmem.
//
// Lock order:
//
//	vfs Dentry.mu of a directory (held by the VFS around directory calls)
//	  inode.mu of a directory
//	    inode.mu of a file in it (Link, Unlink, Rmdir, Rename)
//	      mm.Allocator locks (leaves)
//
// Rename, under the VFS's locks of both directories, takes the inode locks
// of the two directories in the order the VFS locked their dentries, and
// never holds a directory lock while taking a child's.
package tmpfs

import (
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"liblinux/abi"
	"liblinux/kernel/mm"
	"liblinux/kernel/percpu"
	"liblinux/kernel/vfs"
)

// Type is the "tmpfs" filesystem type.
type Type struct {
	Mem *mm.Allocator

	shmOnce sync.Once
	shm     *FS        // the internal instance of memfd files
	shmMnt  *vfs.Mount // immutable after shmOnce
}

// Name implements vfs.FilesystemType.
func (t *Type) Name() string { return "tmpfs" }

// NoDev implements vfs.FilesystemType.
func (t *Type) NoDev() bool { return true }

// FS is one tmpfs instance.
type FS struct {
	mem      *mm.Allocator
	defPages int64 // the default size and inode limit: half of mem=

	maxPages  atomic.Int64 // size= in pages; 0 means no limit
	maxInodes atomic.Int64 // nr_inodes=; 0 means no limit

	// Every create and unlink counts an inode, every page of data a
	// page, from any CPU: the counts are per-CPU, as are the batches of
	// inode numbers, so that threads working in different directories
	// share no cache line here.
	pages     percpu.Limited // data pages in use
	inodes    percpu.Limited // inodes (and extra hard links) in use
	nextIno   atomic.Uint64  // start of the next batch of inode numbers
	inoShards [percpu.Slots]inoShard

	// Shown in /proc/mounts; immutable after mount.
	mode     uint32
	uid, gid uint32
	extra    []string // huge=, mpol=, inode64, noswap as given
}

// options are parsed mount options.
type options struct {
	pages, inodes       int64
	seenSize, seenInode bool
	mode, uid, gid      uint32
	extra               []string
	noswap              bool
}

// parseOptions parses tmpfs(5) options. mode, uid and gid default to
// 01777 and the caller's fsuid and fsgid.
func (fs *FS) parseOptions(data string, c *vfs.Creds) (options, error) {
	o := options{mode: 01777, uid: c.FSUID, gid: c.FSGID}
	for _, opt := range strings.Split(data, ",") {
		if opt == "" {
			continue
		}
		k, val, hasVal := strings.Cut(opt, "=")
		switch k {
		case "size", "nr_blocks", "nr_inodes":
			if !hasVal {
				return o, abi.EINVAL
			}
			var n int64
			var err error
			if k == "size" {
				n, err = parseSize(val, fs.mem.Limit())
				n = (n + mm.PageSize - 1) / mm.PageSize
			} else {
				n, err = memparse(val)
			}
			if err != nil {
				return o, err
			}
			if k == "nr_inodes" {
				o.inodes, o.seenInode = n, true
			} else {
				o.pages, o.seenSize = n, true
			}
		case "mode":
			m, err := strconv.ParseUint(val, 8, 32)
			if !hasVal || err != nil {
				return o, abi.EINVAL
			}
			o.mode = uint32(m) & 07777
		case "uid", "gid":
			n, err := strconv.ParseUint(val, 10, 32)
			if !hasVal || err != nil || n == 1<<32-1 {
				return o, abi.EINVAL
			}
			if k == "uid" {
				o.uid = uint32(n)
			} else {
				o.gid = uint32(n)
			}
		case "huge":
			switch val {
			case "never", "always", "within_size", "advise", "deny", "force":
			default:
				return o, abi.EINVAL
			}
			if val != "never" {
				o.extra = append(o.extra, opt)
			}
		case "mpol":
			if !hasVal {
				return o, abi.EINVAL
			}
			o.extra = append(o.extra, opt)
		case "inode64", "inode32":
			if hasVal {
				return o, abi.EINVAL
			}
			o.extra = append(o.extra, opt)
		case "noswap":
			if hasVal {
				return o, abi.EINVAL
			}
			o.noswap = true
			o.extra = append(o.extra, opt)
		default:
			return o, abi.EINVAL
		}
	}
	return o, nil
}

// memparse parses a number with an optional k, m, g, t, p or e suffix
// (Linux's memparse); the whole value must be used.
func memparse(s string) (int64, error) {
	if s == "" {
		return 0, abi.EINVAL
	}
	shift := 0
	switch s[len(s)-1] {
	case 'k', 'K':
		shift = 10
	case 'm', 'M':
		shift = 20
	case 'g', 'G':
		shift = 30
	case 't', 'T':
		shift = 40
	case 'p', 'P':
		shift = 50
	case 'e', 'E':
		shift = 60
	}
	if shift != 0 {
		s = s[:len(s)-1]
	}
	n, err := strconv.ParseUint(s, 0, 64)
	if err != nil || n > 1<<63>>shift-1 {
		return 0, abi.EINVAL
	}
	return int64(n << shift), nil
}

// parseSize parses size=: bytes with an optional suffix, or a percentage
// of memory.
func parseSize(s string, mem int64) (int64, error) {
	if strings.HasSuffix(s, "%") {
		n, err := strconv.ParseUint(s[:len(s)-1], 10, 32)
		if err != nil {
			return 0, abi.EINVAL
		}
		return mem / mm.PageSize * int64(n) / 100 * mm.PageSize, nil
	}
	return memparse(s)
}

func (t *Type) newFS() *FS {
	fs := &FS{mem: t.Mem, defPages: t.Mem.Limit() / 2 / mm.PageSize}
	fs.maxPages.Store(fs.defPages)
	fs.maxInodes.Store(fs.defPages)
	return fs
}

// Mount implements vfs.FilesystemType: options size=N[kmgtpe%],
// nr_blocks=, nr_inodes=, mode=, uid=, gid= (and huge=, mpol=, inode64,
// inode32, noswap, accepted) as tmpfs(5) describes.
func (t *Type) Mount(ctx vfs.Context, v *vfs.VFS, source string, flags uint64, data string) (*vfs.Superblock, error) {
	fs := t.newFS()
	o, err := fs.parseOptions(data, ctx.Creds())
	if err != nil {
		return nil, err
	}
	if o.seenSize {
		fs.maxPages.Store(o.pages)
	}
	if o.seenInode {
		fs.maxInodes.Store(o.inodes)
	}
	fs.mode, fs.uid, fs.gid, fs.extra = o.mode, o.uid, o.gid, o.extra
	if err := fs.reserveInode(); err != nil {
		return nil, err
	}
	root := fs.newInode(ctx, vfs.CreateOpts{Mode: abi.S_IFDIR | o.mode, UID: o.uid, GID: o.gid})
	root.dir.parent = root
	sb := v.NewSuperblock(t, root, fs.release)
	sb.Source = source
	sb.FS = fs
	sb.Magic = abi.TMPFS_MAGIC
	sb.MgTime = true
	sb.AttrMask = abi.STATX_ATTR_APPEND | abi.STATX_ATTR_IMMUTABLE | abi.STATX_ATTR_NODUMP
	sb.SetFlags(flags)
	return sb, nil
}

// MountOptions implements vfs.Options, as Linux's shmem_show_options.
func (fs *FS) MountOptions() string {
	var opts []string
	if p := fs.maxPages.Load(); p != fs.defPages {
		opts = append(opts, "size="+strconv.FormatInt(p*(mm.PageSize/1024), 10)+"k")
	}
	if n := fs.maxInodes.Load(); n != fs.defPages {
		opts = append(opts, "nr_inodes="+strconv.FormatInt(n, 10))
	}
	if fs.mode != 01777 {
		opts = append(opts, "mode="+leftPad(strconv.FormatUint(uint64(fs.mode), 8), 3))
	}
	if fs.uid != 0 {
		opts = append(opts, "uid="+strconv.FormatUint(uint64(fs.uid), 10))
	}
	if fs.gid != 0 {
		opts = append(opts, "gid="+strconv.FormatUint(uint64(fs.gid), 10))
	}
	opts = append(opts, fs.extra...)
	return strings.Join(opts, ",")
}

func leftPad(s string, n int) string {
	for len(s) < n {
		s = "0" + s
	}
	return s
}

// Remount implements vfs.Remounter, as Linux's shmem_reconfigure: size=
// and nr_inodes= change (EINVAL to limit an unlimited instance or to go
// below what is in use); other options are accepted and ignored.
func (fs *FS) Remount(ctx vfs.Context, flags uint64, data string) error {
	o, err := fs.parseOptions(data, ctx.Creds())
	if err != nil {
		return err
	}
	// The spare units each CPU holds go back first, so that they cannot
	// be used past a lower limit.
	fs.pages.Drain()
	fs.inodes.Drain()
	if o.seenSize && o.pages != 0 {
		if fs.maxPages.Load() == 0 || fs.pages.InUse() > o.pages {
			return abi.EINVAL
		}
	}
	if o.seenInode && o.inodes != 0 {
		if fs.maxInodes.Load() == 0 || fs.inodes.InUse() > o.inodes {
			return abi.EINVAL
		}
	}
	if o.seenSize {
		fs.maxPages.Store(o.pages)
	}
	if o.seenInode {
		fs.maxInodes.Store(o.inodes)
	}
	return nil
}

// release runs when the last mount goes. Files still open keep their
// pages until closed; the rest are garbage with the inodes.
func (fs *FS) release() {}

// StatFS implements vfs.StatFSer.
func (fs *FS) StatFS(ctx vfs.Context) (abi.Statfs, error) {
	st := abi.Statfs{Type: abi.TMPFS_MAGIC, Bsize: mm.PageSize, Namelen: vfs.NameMax, Frsize: mm.PageSize}
	if lim := fs.maxPages.Load(); lim != 0 {
		st.Blocks = lim
		st.Bfree = max(0, lim-fs.pages.InUse())
		st.Bavail = st.Bfree
	}
	if lim := fs.maxInodes.Load(); lim != 0 {
		st.Files = lim
		st.Ffree = max(0, lim-fs.inodes.InUse())
	}
	return st, nil
}

// SyncFS implements vfs.FSSyncer: memory has nothing to write back.
func (fs *FS) SyncFS(ctx vfs.Context) error { return nil }

// inoBatch is how many inode numbers a shard takes at a time, as Linux's
// per-CPU SHMEM_INO_BATCH.
const inoBatch = 1024

// inoShard hands out inode numbers from a batch, so creating files in
// parallel does not contend for one counter. Each CPU uses its own shard
// (its lock is then uncontended and its line stays in that CPU's cache).
type inoShard struct {
	mu        sync.Mutex
	next, end uint64 // protected by mu
	_         [percpu.Stride - 24]byte
}

// newIno returns an unused inode number; the first is 1 (the root).
func (fs *FS) newIno() uint64 {
	s := &fs.inoShards[percpu.Slot()]
	s.mu.Lock()
	if s.next == s.end {
		base := fs.nextIno.Add(inoBatch) - inoBatch
		s.next, s.end = base+1, base+inoBatch+1
	}
	ino := s.next
	s.next++
	s.mu.Unlock()
	return ino
}

// reserveInode takes one unit of nr_inodes: ENOSPC when none is left.
func (fs *FS) reserveInode() error {
	if !fs.inodes.Take(fs.maxInodes.Load()) {
		return abi.ENOSPC
	}
	return nil
}

func (fs *FS) freeInode() { fs.inodes.Put() }

// allocPage takes a page for file data, within size= and mem=.
func (fs *FS) allocPage() ([]byte, error) {
	if !fs.pages.Take(fs.maxPages.Load()) {
		return nil, abi.ENOSPC
	}
	p, err := fs.mem.AllocPage()
	if err != nil {
		fs.pages.Put()
		return nil, abi.ENOSPC
	}
	return p, nil
}

func (fs *FS) freePage(p []byte) {
	fs.mem.FreePage(p)
	fs.pages.Put()
}
