package ext4

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"weak"

	"liblinux/abi"
	"liblinux/kernel/block"
	"liblinux/kernel/vfs"
)

// Kernel log levels used for messages (printk KERN_ERR, KERN_WARNING,
// KERN_INFO).
const (
	logErr     = 3
	logWarning = 4
	logInfo    = 6
)

// Logger is implemented by contexts that can write the kernel log. A
// mount uses Type.Logf if set, else the context's Logf if it has one.
type Logger interface {
	Logf(level int, format string, args ...any)
}

// Type is a filesystem type backed by this driver: "ext4", "ext3" or
// "ext2", which differ only in the features they accept.
type Type struct {
	name string
	// Logf, if set, receives kernel log messages (printk).
	Logf func(level int, format string, args ...any)
}

// NewType returns the filesystem type called name ("ext4", "ext3" or
// "ext2"), logging through logf (which may be nil).
func NewType(name string, logf func(level int, format string, args ...any)) *Type {
	return &Type{name: name, Logf: logf}
}

// Types returns the ext4, ext3 and ext2 types, for registration.
func Types(logf func(level int, format string, args ...any)) []*Type {
	return []*Type{NewType("ext4", logf), NewType("ext3", logf), NewType("ext2", logf)}
}

var _ block.Mounter = (*Type)(nil)

// Name implements vfs.FilesystemType.
func (t *Type) Name() string { return t.name }

// NoDev implements vfs.FilesystemType: ext4 needs a block device.
func (t *Type) NoDev() bool { return false }

// Mount implements vfs.FilesystemType: without a block device the answer
// is ENOTBLK, as Linux gives for a source that is not a block device.
func (t *Type) Mount(ctx vfs.Context, v *vfs.VFS, source string, flags uint64, data string) (*vfs.Superblock, error) {
	return nil, abi.ENOTBLK
}

// FS is one mounted ext2/3/4 filesystem.
type FS struct {
	dev    *block.Device
	g      *geometry
	ro     atomic.Bool // read-only: nothing is written (changes only by Remount)
	source string      // immutable
	typ    *Type
	logFn  func(level int, format string, args ...any) // immutable

	// overlay holds journal blocks replayed into memory by a read-only
	// mount (block number -> contents); immutable after mount.
	overlay map[uint64][]byte

	renameMu sync.Mutex

	remountMu sync.Mutex   // serialises Remount
	dirty     atomic.Int64 // file data written since the last writeback

	orphanMu sync.Mutex

	allocMu    sync.Mutex
	freeBlocks uint64   // protected by allocMu
	freeInodes uint64   // protected by allocMu
	dirsCount  uint64   // protected by allocMu
	lastGroup  uint32   // allocation rotor for directories; protected by allocMu
	badBitmaps []uint32 // groups whose bitmap failed its checksum; protected by allocMu
	// descs is the decoded group descriptor table (see desc); its
	// location fields never change after mount. Protected by allocMu.
	descs []groupDesc
	// bitmapsVerified holds each group's verified* bits.
	bitmapsVerified []uint8 // protected by allocMu
	// blockBitmapBuf and inodeBitmapBuf hold the bitmap being changed.
	blockBitmapBuf, inodeBitmapBuf []byte // protected by allocMu
	// inodeTables is each group's first inode table block, for lookups
	// that do not take allocMu; immutable after mount.
	inodeTables []uint64

	itableMu sync.Mutex

	// xattrMu serialises changes of attribute blocks (shared ones are
	// changed on behalf of several inodes) and guards the cache of
	// blocks by hash that new attribute sets may share.
	xattrMu       sync.Mutex
	xattrCache    map[uint32][]uint64 // protected by xattrMu
	xattrCacheLen int                 // protected by xattrMu

	sbMu  sync.Mutex
	sbRaw []byte // the primary superblock; protected by sbMu

	icacheMu sync.Mutex
	icache   map[uint32]weak.Pointer[inode] // protected by icacheMu

	noAtime    bool            // immutable
	noload     bool            // immutable
	now        func() vfs.Time // the clock of the mounting context; immutable
	acl        bool            // immutable
	overhead   uint64          // metadata blocks, for statfs; immutable
	resv       uint64          // blocks kept back for metadata (s_resv_clusters); immutable
	mountState uint16          // s_state at mount; protected by sbMu

	// orphans is the in-memory copy of the orphan list, head first.
	orphans []uint32 // protected by orphanMu
	// orphanNext is the next link (i_dtime) of each orphan inode.
	orphanNext map[uint32]uint32 // protected by itableMu
}

func (fs *FS) logf(format string, args ...any) {
	fs.logAt(logErr, format, args...)
}

func (fs *FS) logAt(level int, format string, args ...any) {
	if fs.logFn == nil {
		return
	}
	fs.logFn(level, "EXT4-fs (%s): %s", fs.source, fmt.Sprintf(format, args...))
}

// mountOpts are the options of mount(2)'s data string that ext4 knows.
type mountOpts struct {
	ro      bool
	noload  bool
	noatime bool
	acl     bool
	errors  string
}

func parseOpts(data string, flags uint64) (mountOpts, string, error) {
	o := mountOpts{ro: flags&abi.MS_RDONLY != 0, acl: true}
	for _, opt := range strings.Split(data, ",") {
		if opt == "" {
			continue
		}
		k, v, hasVal := strings.Cut(opt, "=")
		switch k {
		case "ro":
			o.ro = true
		case "rw":
			o.ro = false
		case "noload", "norecovery":
			o.noload = true
		case "noatime":
			o.noatime = true
		case "acl":
			o.acl = true
		case "noacl":
			o.acl = false
		case "errors":
			if v != "continue" && v != "remount-ro" && v != "panic" {
				return o, opt, abi.EINVAL
			}
			o.errors = v
		case "data":
			if v != "ordered" && v != "writeback" && v != "journal" {
				return o, opt, abi.EINVAL
			}
		case "commit", "stripe", "max_batch_time", "min_batch_time", "journal_ioprio",
			"inode_readahead_blks", "init_itable", "resuid", "resgid", "sb":
			if !hasVal {
				return o, opt, abi.EINVAL
			}
			if _, err := strconv.ParseUint(v, 0, 64); err != nil {
				return o, opt, abi.EINVAL
			}
		case "atime", "relatime", "strictatime", "lazytime", "nolazytime", "user_xattr",
			"nouser_xattr", "barrier", "nobarrier", "delalloc", "nodelalloc", "discard",
			"nodiscard", "journal_checksum", "nojournal_checksum", "journal_async_commit",
			"auto_da_alloc", "noauto_da_alloc", "block_validity", "noblock_validity",
			"dioread_lock", "dioread_nolock", "noinit_itable", "i_version", "nombcache",
			"bsdgroups", "grpid", "nogrpid", "sysvgroups", "oldalloc", "orlov", "debug",
			"quiet", "nouid32", "minixdf", "bsddf", "prjquota", "usrquota", "grpquota",
			"quota", "noquota", "dax", "test_dummy_encryption", "inlinecrypt", "nodiscard_ok":
		default:
			return o, opt, abi.EINVAL
		}
	}
	return o, "", nil
}

// MountDevice implements block.Mounter.
func (t *Type) MountDevice(ctx vfs.Context, v *vfs.VFS, dev *block.Device, source string, flags uint64, data string) (*vfs.Superblock, error) {
	fs := &FS{dev: dev, source: dev.Name, typ: t, icache: make(map[uint32]weak.Pointer[inode]),
		orphanNext: make(map[uint32]uint32)}
	if fs.source == "" {
		fs.source = source
	}
	fs.logFn = t.Logf
	if fs.logFn == nil {
		if l, ok := ctx.(Logger); ok {
			fs.logFn = l.Logf
		}
	}
	opts, bad, err := parseOpts(data, flags)
	if err != nil {
		fs.logf("Unrecognized mount option \"%s\" or missing value", bad)
		return nil, err
	}
	fs.ro.Store(opts.ro || dev.ReadOnly())
	fs.noAtime = opts.noatime
	fs.noload = opts.noload
	fs.now = ctx.Now
	fs.acl = opts.acl
	if err := fs.load(ctx, opts); err != nil {
		return nil, err
	}
	root, err := fs.iget(rootIno)
	if err != nil {
		fs.logf("get root inode failed")
		return nil, err
	}
	if root.typ() != abi.S_IFDIR || root.d.links == 0 {
		fs.logf("corrupt root inode, run e2fsck")
		return nil, abi.EUCLEAN
	}
	if !fs.readOnly() {
		if err := fs.mountRW(ctx); err != nil {
			return nil, err
		}
	}
	sb := v.NewSuperblock(t, root, fs.unmount)
	sb.Dev = uint64(dev.Dev)
	sb.Source = source
	sb.FS = fs
	sb.Magic = abi.EXT4_SUPER_MAGIC
	// Linux's ext4 keeps multigrain timestamps and reports these inode
	// flags as statx attributes.
	sb.MgTime = true
	sb.AttrMask = abi.STATX_ATTR_COMPRESSED | abi.STATX_ATTR_IMMUTABLE | abi.STATX_ATTR_APPEND |
		abi.STATX_ATTR_NODUMP | abi.STATX_ATTR_ENCRYPTED | abi.STATX_ATTR_VERITY
	mode := "rw"
	if fs.readOnly() {
		mode = "ro"
	}
	sb.Opts = mode
	if o := fs.MountOptions(); o != "" {
		sb.Opts += "," + o
	}
	fs.logMounted()
	return sb, nil
}

// logMounted writes the line Linux's ext4 logs for every mount: the UUID,
// ro or r/w, the journalling mode and the quota mode (liblinux has no
// quotas).
func (fs *FS) logMounted() {
	rw := "r/w"
	if fs.readOnly() {
		rw = "ro"
	}
	journal := " ordered data mode"
	if !fs.g.hasCompat(compatHasJournal) || fs.noload {
		journal = "out journal"
	}
	u := fs.g.uuid
	fs.logAt(logInfo, "mounted filesystem %x-%x-%x-%x-%x %s with%s. Quota mode: none.",
		u[0:4], u[4:6], u[6:8], u[8:10], u[10:16], rw, journal)
}

// load reads and validates the superblock and group descriptors and
// recovers the journal.
func (fs *FS) load(ctx vfs.Context, opts mountOpts) error {
	raw := make([]byte, sbSize)
	if fs.dev.Size() < 2*sbSize {
		fs.logf("VFS: Can't find ext4 filesystem")
		return abi.EINVAL
	}
	if err := fs.dev.ReadAt(raw, sbSize); err != nil {
		fs.logf("unable to read superblock")
		return err
	}
	g, err := parseSuper(raw, fs.dev.Size(), fs.logf)
	if err != nil {
		return err
	}
	if err := fs.checkFeatures(g, raw, opts); err != nil {
		return err
	}
	fs.g = g
	fs.sbRaw = raw
	if err := fs.checkDescs(fs.readOnly()); err != nil {
		fs.logf("group descriptors corrupted!")
		return err
	}
	if g.hasIncompat(incompatRecover) {
		if opts.noload {
			fs.logAt(logInfo, "INFO: recovery required but journal loading disabled (noload)")
		} else {
			if err := fs.recoverJournal(); err != nil {
				return err
			}
			// The journal may have held the superblock: read it again.
			if err := fs.readAt(raw, sbSize); err != nil {
				return err
			}
			g2, err := parseSuper(raw, fs.dev.Size(), fs.logf)
			if err != nil {
				return err
			}
			if err := fs.checkFeatures(g2, raw, opts); err != nil {
				return err
			}
			if !fs.readOnly() {
				g2.incompat &^= incompatRecover
				put32(raw, sbFeatureIncompat, le32(raw, sbFeatureIncompat)&^incompatRecover)
			}
			fs.g = g2
			fs.sbRaw = raw
			if err := fs.checkDescs(fs.readOnly()); err != nil {
				fs.logf("group descriptors corrupted!")
				return err
			}
		}
	}
	if err := fs.countFree(); err != nil {
		return err
	}
	if fs.g.hasIncompat(incompatExtents) {
		fs.resv = min(fs.g.blocksCount/50, 4096)
	}
	return fs.computeOverhead()
}

// checkFeatures applies the feature rules: unknown incompatible features
// refuse the mount, unknown read-only-compatible ones allow read-only
// mounts only, and ext2/ext3 mounts accept only their own features.
func (fs *FS) checkFeatures(g *geometry, raw []byte, opts mountOpts) error {
	switch fs.typ.name {
	case "ext2":
		if g.incompat&^ext2IncompatSupp != 0 ||
			!fs.readOnly() && g.roCompat&^ext2RoCompatSupp != 0 {
			fs.logf("couldn't mount as ext2 due to feature incompatibilities")
			return abi.EINVAL
		}
	case "ext3":
		if g.incompat&^ext3IncompatSupp != 0 || !g.hasCompat(compatHasJournal) ||
			!fs.readOnly() && g.roCompat&^ext3RoCompatSupp != 0 {
			fs.logf("couldn't mount as ext3 due to feature incompatibilities")
			return abi.EINVAL
		}
	}
	if unk := g.incompat &^ incompatSupported; unk != 0 {
		fs.logf("Couldn't mount because of unsupported optional features (%x): %s", unk,
			featureList(unk, incompatNames, "I"))
		return abi.EINVAL
	}
	if g.hasIncompat(incompatJournalDev) {
		fs.logf("external journal devices are not supported")
		return abi.EINVAL
	}
	if fs.readOnly() {
		return nil
	}
	if g.hasRoCompat(roCompatReadonly) {
		fs.logAt(logInfo, "filesystem is read-only")
		fs.ro.Store(true)
		return nil
	}
	if unk := g.roCompat &^ roCompatSupported; unk != 0 {
		fs.logf("couldn't mount RDWR because of unsupported optional features (%x): %s", unk,
			featureList(unk, roCompatNames, "R"))
		return abi.EINVAL
	}
	if g.hasIncompat(incompatRecover) && opts.noload {
		fs.logf("can't mount with noload, fs needs recovery; use ro")
		return abi.EINVAL
	}
	return nil
}

// countFree sums the free counts of the groups (the superblock's are only
// a hint, as in Linux).
func (fs *FS) countFree() error {
	var fb, fi, dirs uint64
	for grp := uint32(0); grp < fs.g.groups; grp++ {
		d, err := fs.desc(grp)
		if err != nil {
			return err
		}
		fb += uint64(d.freeBlocks)
		fi += uint64(d.freeInodes)
		dirs += uint64(d.usedDirs)
	}
	fs.freeBlocks = fb * uint64(fs.g.clusterRatio)
	fs.freeInodes = fi
	fs.dirsCount = dirs
	return nil
}
