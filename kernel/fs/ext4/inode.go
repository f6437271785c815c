package ext4

import (
	"runtime"
	"sync"
	"weak"

	"liblinux/abi"
	"liblinux/kernel/vfs"
)

// Inode field offsets (struct ext4_inode).
const (
	iMode        = 0x0
	iUID         = 0x2
	iSizeLo      = 0x4
	iAtime       = 0x8
	iCtime       = 0xC
	iMtime       = 0x10
	iDtime       = 0x14
	iGID         = 0x18
	iLinks       = 0x1A
	iBlocksLo    = 0x1C
	iFlags       = 0x20
	iVersion     = 0x24
	iBlock       = 0x28
	iGeneration  = 0x64
	iFileACLLo   = 0x68
	iSizeHi      = 0x6C
	iBlocksHi    = 0x74
	iFileACLHi   = 0x76
	iUIDHi       = 0x78
	iGIDHi       = 0x7A
	iChecksumLo  = 0x7C
	iExtraIsize  = 0x80
	iChecksumHi  = 0x82
	iCtimeExtra  = 0x84
	iMtimeExtra  = 0x88
	iAtimeExtra  = 0x8C
	iCrtime      = 0x90
	iCrtimeExtra = 0x94
	iVersionHi   = 0x98
	iProjid      = 0x9C

	iBlockLen = 60
)

// Inode flags (i_flags).
const (
	flSecrm       = 0x1
	flSync        = 0x8
	flImmutable   = 0x10
	flAppend      = 0x20
	flNodump      = 0x40
	flNoatime     = 0x80
	flEncrypt     = 0x800
	flIndex       = 0x1000
	flJournalData = 0x4000
	flDirsync     = 0x10000
	flTopdir      = 0x20000
	flHugeFile    = 0x40000
	flExtents     = 0x80000
	flVerity      = 0x100000
	flEAInode     = 0x200000
	flInlineData  = 0x10000000
	flProjinherit = 0x20000000
	flCasefold    = 0x40000000
)

// linkMax is the most links an inode may have (EXT4_LINK_MAX).
const linkMax = 65000

// diskInode is the decoded on-disk inode.
type diskInode struct {
	mode       uint16
	uid, gid   uint32
	size       uint64
	atime      vfs.Time
	ctime      vfs.Time
	mtime      vfs.Time
	crtime     vfs.Time
	dtime      uint32
	links      uint16
	blocks     uint64 // i_blocks as stored (48 bits)
	flags      uint32
	block      [iBlockLen]byte
	generation uint32
	fileACL    uint64
	extraIsize uint16
}

// inode is one in-memory inode of any type. The on-disk record is
// written back on every change (into the cache), so an inode that no
// dentry or open file uses can be dropped at any time; the cache holds it
// weakly.
type inode struct {
	fs  *FS
	ino uint32 // immutable

	mu    sync.RWMutex
	d     diskInode // protected by mu
	raw   []byte    // the on-disk record; protected by mu (and fs.itableMu for writes)
	opens int       // open files; protected by mu
	dead  bool      // freed on disk; protected by mu
	// orphan is set while the inode is on the orphan list.
	orphan bool // protected by mu
	// linkable marks an O_TMPFILE inode that Link may give a name.
	linkable bool // protected by mu

	// Directories: cached "is indexed" state and the parent for "..".
	seed uint32 // checksum seed of the inode (ino, generation); protected by mu
}

var _ vfs.Inode = (*inode)(nil)

func (i *inode) typ() uint32 { return uint32(i.d.mode) & abi.S_IFMT }

// inodeLoc returns the device offset of inode ino's record.
func (fs *FS) inodeLoc(ino uint32) (int64, error) {
	if ino == 0 || ino > fs.g.inodesCount {
		return 0, abi.EUCLEAN
	}
	grp := (ino - 1) / fs.g.inodesPerGroup
	idx := (ino - 1) % fs.g.inodesPerGroup
	if grp >= uint32(len(fs.inodeTables)) {
		return 0, abi.EUCLEAN
	}
	return int64(fs.inodeTables[grp])<<fs.g.logBlockSize + int64(idx)*int64(fs.g.inodeSize), nil
}

// iget returns inode ino, from the cache or the disk. A deleted inode
// (no links) is ESTALE.
func (fs *FS) iget(ino uint32) (*inode, error) { return fs.igetFlags(ino, false) }

func (fs *FS) igetFlags(ino uint32, allowDeleted bool) (*inode, error) {
	if ino == 0 || ino > fs.g.inodesCount || (ino < fs.g.firstIno && ino != rootIno && !allowDeleted) {
		return nil, abi.EUCLEAN
	}
	fs.icacheMu.Lock()
	if wp, ok := fs.icache[ino]; ok {
		if i := wp.Value(); i != nil {
			fs.icacheMu.Unlock()
			i.mu.RLock()
			dead := i.dead || (i.d.links == 0 && !i.orphan && !allowDeleted)
			i.mu.RUnlock()
			if dead {
				return nil, abi.ESTALE
			}
			return i, nil
		}
	}
	fs.icacheMu.Unlock()
	i, err := fs.loadInode(ino, allowDeleted)
	if err != nil {
		return nil, err
	}
	fs.icacheMu.Lock()
	defer fs.icacheMu.Unlock()
	if wp, ok := fs.icache[ino]; ok {
		if old := wp.Value(); old != nil {
			return old, nil
		}
	}
	fs.icache[ino] = weak.Make(i)
	runtime.AddCleanup(i, fs.dropCached, ino)
	return i, nil
}

// dropCached forgets a collected inode.
func (fs *FS) dropCached(ino uint32) {
	fs.icacheMu.Lock()
	if wp, ok := fs.icache[ino]; ok && wp.Value() == nil {
		delete(fs.icache, ino)
	}
	fs.icacheMu.Unlock()
}

// loadInode reads and validates inode ino.
func (fs *FS) loadInode(ino uint32, allowDeleted bool) (*inode, error) {
	off, err := fs.inodeLoc(ino)
	if err != nil {
		return nil, err
	}
	raw := make([]byte, fs.g.inodeSize)
	if err := fs.readAt(raw, off); err != nil {
		return nil, err
	}
	i := &inode{fs: fs, ino: ino, raw: raw}
	if err := i.decode(); err != nil {
		return nil, err
	}
	if i.d.links == 0 && !allowDeleted {
		return nil, abi.ESTALE
	}
	return i, nil
}

// decode fills i.d from i.raw, validating what Linux validates on iget.
func (i *inode) decode() error {
	fs, raw := i.fs, i.raw
	d := &i.d
	d.mode = le16(raw, iMode)
	d.uid = uint32(le16(raw, iUID)) | uint32(le16(raw, iUIDHi))<<16
	d.gid = uint32(le16(raw, iGID)) | uint32(le16(raw, iGIDHi))<<16
	d.size = uint64(le32(raw, iSizeLo)) | uint64(le32(raw, iSizeHi))<<32
	d.dtime = le32(raw, iDtime)
	d.links = le16(raw, iLinks)
	d.blocks = uint64(le32(raw, iBlocksLo))
	if fs.g.hasRoCompat(roCompatHugeFile) {
		d.blocks |= uint64(le16(raw, iBlocksHi)) << 32
	}
	d.flags = le32(raw, iFlags)
	copy(d.block[:], raw[iBlock:iBlock+iBlockLen])
	d.generation = le32(raw, iGeneration)
	d.fileACL = uint64(le32(raw, iFileACLLo)) | uint64(le16(raw, iFileACLHi))<<32
	if fs.g.inodeSize > goodOldInodeSize {
		d.extraIsize = le16(raw, iExtraIsize)
		if goodOldInodeSize+int(d.extraIsize) > fs.g.inodeSize || d.extraIsize&3 != 0 {
			fs.logf("ext4_iget: inode #%d: bad extra_isize %d (inode size %d)", i.ino, d.extraIsize, fs.g.inodeSize)
			return abi.EUCLEAN
		}
	}
	i.seed = crc32cU32(crc32cU32(fs.g.csumSeed, i.ino), d.generation)
	if fs.g.metadataCsum() {
		want := i.csum()
		got := uint32(le16(raw, iChecksumLo))
		if i.hasField(iChecksumHi, 2) {
			got |= uint32(le16(raw, iChecksumHi)) << 16
		} else {
			want &= 0xFFFF
		}
		if got != want && !allZero(raw) {
			fs.logf("ext4_iget: inode #%d: checksum invalid", i.ino)
			return abi.EBADMSG
		}
	}
	d.atime = i.getTime(iAtime, iAtimeExtra)
	d.ctime = i.getTime(iCtime, iCtimeExtra)
	d.mtime = i.getTime(iMtime, iMtimeExtra)
	if i.hasField(iCrtime, 4) {
		d.crtime = i.getTime(iCrtime, iCrtimeExtra)
	}
	if d.links == 0 {
		return nil // deleted or orphan: the caller decides
	}
	switch uint32(d.mode) & abi.S_IFMT {
	case abi.S_IFREG, abi.S_IFDIR, abi.S_IFLNK, abi.S_IFCHR, abi.S_IFBLK, abi.S_IFIFO, abi.S_IFSOCK:
	default:
		fs.logf("ext4_iget: inode #%d: bogus i_mode (%o)", i.ino, d.mode)
		return abi.EUCLEAN
	}
	if int64(d.size) < 0 {
		fs.logf("ext4_iget: inode #%d: bad i_size value: %d", i.ino, int64(d.size))
		return abi.EUCLEAN
	}
	if d.flags&flInlineData != 0 && !fs.g.hasIncompat(incompatInlineData) {
		fs.logf("ext4_iget: inode #%d: inline data flag without the feature", i.ino)
		return abi.EUCLEAN
	}
	if d.flags&flEncrypt != 0 || d.flags&flCasefold != 0 {
		// Never seen with the features refused at mount; refuse the inode.
		return abi.EOPNOTSUPP
	}
	if d.fileACL != 0 && !fs.checkBlock(d.fileACL, 1) {
		fs.logf("ext4_iget: inode #%d: bad extended attribute block %d", i.ino, d.fileACL)
		return abi.EUCLEAN
	}
	if d.flags&flExtents != 0 && d.flags&flInlineData == 0 && i.hasBlocks() {
		if err := i.checkExtentRoot(); err != nil {
			return err
		}
	}
	if i.typ() == abi.S_IFLNK && i.isFastSymlink() && d.size >= iBlockLen {
		fs.logf("ext4_iget: inode #%d: fast symlink too long", i.ino)
		return abi.EUCLEAN
	}
	return nil
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// hasField reports whether the large-inode field at off (n bytes) is
// inside the inode's extra space.
func (i *inode) hasField(off, n int) bool {
	return i.fs.g.inodeSize > goodOldInodeSize && off+n <= goodOldInodeSize+int(i.d.extraIsize)
}

// hasBlocks reports whether i_block holds a block map or extent tree
// (not a device number, inline data or a fast symlink).
func (i *inode) hasBlocks() bool {
	switch i.typ() {
	case abi.S_IFREG, abi.S_IFDIR:
		return i.d.flags&flInlineData == 0
	case abi.S_IFLNK:
		return !i.isFastSymlink() && i.d.flags&flInlineData == 0
	}
	return false
}

// isFastSymlink reports whether a symlink's target is in i_block.
func (i *inode) isFastSymlink() bool {
	if i.d.flags&flInlineData != 0 {
		return false
	}
	if i.d.flags&flExtents != 0 {
		// An extent-mapped symlink has the extent magic in i_block.
		return le16(i.d.block[:], 0) != extMagic
	}
	// Without extents, a symlink with no data blocks (besides an xattr
	// block) is fast.
	eaBlocks := uint64(0)
	if i.d.fileACL != 0 {
		eaBlocks = uint64(i.fs.g.blockSize >> 9)
	}
	return i.d.blocks-eaBlocks == 0 && i.d.size < iBlockLen
}

// getTime decodes a timestamp and its extra word (epoch bits and
// nanoseconds) when the inode has room for it.
func (i *inode) getTime(off, extraOff int) vfs.Time {
	t := vfs.Time{Sec: int64(int32(le32(i.raw, off)))}
	if i.hasField(extraOff, 4) {
		extra := le32(i.raw, extraOff)
		t.Sec += int64(extra&3) << 32
		t.Nsec = int64(extra >> 2)
		if t.Nsec >= 1e9 {
			t.Nsec = 999999999
		}
	}
	return t
}

func (i *inode) putTime(off, extraOff int, t vfs.Time) {
	if !i.hasField(extraOff, 4) {
		s := t.Sec
		if s > 1<<31-1 {
			s = 1<<31 - 1
		} else if s < -1<<31 {
			s = -1 << 31
		}
		put32(i.raw, off, uint32(s))
		return
	}
	s := t.Sec
	if s < -1<<31 {
		s = -1 << 31
	} else if s > 1<<31-1+3<<32 {
		s = 1<<31 - 1 + 3<<32
	}
	put32(i.raw, off, uint32(s))
	epoch := uint32((s-int64(int32(s)))>>32) & 3
	put32(i.raw, extraOff, epoch|uint32(t.Nsec)<<2)
}

// csum computes the inode checksum of i.raw.
func (i *inode) csum() uint32 { return i.fs.recordCsum(i.ino, i.raw) }

// recordCsum computes the checksum of inode record raw: over the record
// with the checksum fields taken as zero, seeded with the inode number
// and generation.
func (fs *FS) recordCsum(ino uint32, raw []byte) uint32 {
	c := crc32cU32(crc32cU32(fs.g.csumSeed, ino), le32(raw, iGeneration))
	c = crc32c(c, raw[:iChecksumLo])
	c = crc32cZeros(c, 2)
	c = crc32c(c, raw[iChecksumLo+2:goodOldInodeSize])
	if fs.g.inodeSize > goodOldInodeSize {
		c = crc32c(c, raw[goodOldInodeSize:iChecksumHi])
		if fs.recordHasCsumHi(raw) {
			c = crc32cZeros(c, 2)
			c = crc32c(c, raw[iChecksumHi+2:])
		} else {
			c = crc32c(c, raw[iChecksumHi:])
		}
	}
	return c
}

func (fs *FS) recordHasCsumHi(raw []byte) bool {
	return fs.g.inodeSize > goodOldInodeSize && iChecksumHi+2 <= goodOldInodeSize+int(le16(raw, iExtraIsize))
}

// setRecordCsum stores the checksum of inode record raw.
func (fs *FS) setRecordCsum(ino uint32, raw []byte) {
	if !fs.g.metadataCsum() {
		return
	}
	c := fs.recordCsum(ino, raw)
	put16(raw, iChecksumLo, uint16(c))
	if fs.recordHasCsumHi(raw) {
		put16(raw, iChecksumHi, uint16(c>>16))
	}
}

// encodeLocked writes i.d into i.raw and sets the checksum. An orphan's
// i_dtime is its orphan list link.
// Preconditions: i.mu is held for writing; fs.itableMu is held.
func (i *inode) encodeLocked() {
	raw, d := i.raw, &i.d
	put16(raw, iMode, d.mode)
	put16(raw, iUID, uint16(d.uid))
	put16(raw, iUIDHi, uint16(d.uid>>16))
	put16(raw, iGID, uint16(d.gid))
	put16(raw, iGIDHi, uint16(d.gid>>16))
	put32(raw, iSizeLo, uint32(d.size))
	put32(raw, iSizeHi, uint32(d.size>>32))
	dtime := d.dtime
	if next, ok := i.fs.orphanNext[i.ino]; ok && i.orphan {
		dtime = next
	}
	put32(raw, iDtime, dtime)
	put16(raw, iLinks, d.links)
	put32(raw, iBlocksLo, uint32(d.blocks))
	if i.fs.g.hasRoCompat(roCompatHugeFile) {
		put16(raw, iBlocksHi, uint16(d.blocks>>32))
	}
	put32(raw, iFlags, d.flags)
	copy(raw[iBlock:iBlock+iBlockLen], d.block[:])
	put32(raw, iGeneration, d.generation)
	put32(raw, iFileACLLo, uint32(d.fileACL))
	put16(raw, iFileACLHi, uint16(d.fileACL>>32))
	if i.fs.g.inodeSize > goodOldInodeSize {
		put16(raw, iExtraIsize, d.extraIsize)
	}
	i.putTime(iAtime, iAtimeExtra, d.atime)
	i.putTime(iCtime, iCtimeExtra, d.ctime)
	i.putTime(iMtime, iMtimeExtra, d.mtime)
	if i.hasField(iCrtime, 4) {
		i.putTime(iCrtime, iCrtimeExtra, d.crtime)
	}
	i.fs.setRecordCsum(i.ino, raw)
}

// writeLocked writes the inode record back into the cache.
// Preconditions: i.mu is held for writing.
func (i *inode) writeLocked() error {
	if i.fs.readOnly() {
		return abi.EROFS
	}
	off, err := i.fs.inodeLoc(i.ino)
	if err != nil {
		return err
	}
	i.fs.itableMu.Lock()
	defer i.fs.itableMu.Unlock()
	i.encodeLocked()
	return i.fs.writeAt(i.raw, off)
}

// sectors returns the inode's i_blocks in 512-byte units.
func (i *inode) sectors() uint64 {
	if i.d.flags&flHugeFile != 0 && i.fs.g.hasRoCompat(roCompatHugeFile) {
		return i.d.blocks << (i.fs.g.logBlockSize - 9)
	}
	return i.d.blocks
}

// addSectorsLocked adjusts i_blocks by delta 512-byte units.
// Preconditions: i.mu is held for writing.
func (i *inode) addSectorsLocked(delta int64) {
	s := int64(i.sectors()) + delta
	if s < 0 {
		s = 0
	}
	u := uint64(s)
	if u < 1<<32 || i.fs.g.hasRoCompat(roCompatHugeFile) && u < 1<<48 {
		i.d.blocks = u
		i.d.flags &^= flHugeFile
		return
	}
	i.d.blocks = u >> (i.fs.g.logBlockSize - 9)
	i.d.flags |= flHugeFile
}

// blockSectors is the number of 512-byte units in one block.
func (fs *FS) blockSectors() int64 { return int64(fs.g.blockSize >> 9) }

// rdev decodes a device node's number into Linux's new_encode_dev form.
func (i *inode) rdev() uint32 {
	old := le32(i.d.block[:], 0)
	if old != 0 {
		major := (old >> 8) & 0xff
		minor := old & 0xff
		return minor&0xff | major<<8 | (minor&^0xff)<<12
	}
	return le32(i.d.block[:], 4)
}

// setRdev stores a device number the way Linux does: the old 16-bit form
// when it fits, else the new form.
func (i *inode) setRdev(dev uint32) {
	major := (dev & 0xfff00) >> 8
	minor := (dev & 0xff) | ((dev >> 12) & 0xfff00)
	clear(i.d.block[:])
	if major < 256 && minor < 256 {
		put32(i.d.block[:], 0, major<<8|minor)
	} else {
		put32(i.d.block[:], 4, dev)
	}
}

// Attr implements vfs.Inode.
func (i *inode) Attr() vfs.Attr {
	i.mu.RLock()
	defer i.mu.RUnlock()
	return i.attrLocked()
}

func (i *inode) attrLocked() vfs.Attr {
	d := &i.d
	a := vfs.Attr{
		Ino:     uint64(i.ino),
		Mode:    uint32(d.mode),
		Nlink:   uint32(d.links),
		UID:     d.uid,
		GID:     d.gid,
		Size:    int64(d.size),
		Blocks:  int64(i.sectors()),
		Blksize: int32(i.fs.g.blockSize),
		Atime:   d.atime,
		Mtime:   d.mtime,
		Ctime:   d.ctime,
		Btime:   d.crtime,
	}
	switch i.typ() {
	case abi.S_IFCHR, abi.S_IFBLK:
		a.Rdev = i.rdev()
	case abi.S_IFDIR:
		if d.links == 1 && i.fs.g.hasRoCompat(roCompatDirNlink) {
			a.Nlink = 1
		}
	}
	return a
}
