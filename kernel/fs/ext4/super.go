package ext4

import "liblinux/abi"

// Superblock field offsets (struct ext4_super_block).
const (
	sbInodesCount      = 0x0
	sbBlocksCountLo    = 0x4
	sbRBlocksCountLo   = 0x8
	sbFreeBlocksLo     = 0xC
	sbFreeInodes       = 0x10
	sbFirstDataBlock   = 0x14
	sbLogBlockSize     = 0x18
	sbLogClusterSize   = 0x1C
	sbBlocksPerGroup   = 0x20
	sbClustersPerGroup = 0x24
	sbInodesPerGroup   = 0x28
	sbMtime            = 0x2C
	sbWtime            = 0x30
	sbMntCount         = 0x34
	sbMagic            = 0x38
	sbState            = 0x3A
	sbRevLevel         = 0x4C
	sbDefResuid        = 0x50
	sbDefResgid        = 0x52
	sbFirstIno         = 0x54
	sbInodeSize        = 0x58
	sbFeatureCompat    = 0x5C
	sbFeatureIncompat  = 0x60
	sbFeatureRoCompat  = 0x64
	sbUUID             = 0x68
	sbLastMounted      = 0x88
	sbReservedGdt      = 0xCE
	sbJournalUUID      = 0xD0
	sbJournalInum      = 0xE0
	sbJournalDev       = 0xE4
	sbLastOrphan       = 0xE8
	sbHashSeed         = 0xEC
	sbDefHashVersion   = 0xFC
	sbDescSize         = 0xFE
	sbFirstMetaBg      = 0x104
	sbJnlBlocks        = 0x10C
	sbBlocksCountHi    = 0x150
	sbRBlocksCountHi   = 0x154
	sbFreeBlocksHi     = 0x158
	sbMinExtraIsize    = 0x15C
	sbWantExtraIsize   = 0x15E
	sbFlags            = 0x160
	sbLogGroupsPerFlex = 0x174
	sbChecksumType     = 0x175
	sbKbytesWritten    = 0x178
	sbOverheadClusters = 0x248
	sbBackupBgs        = 0x24C
	sbChecksumSeed     = 0x270
	sbWtimeHi          = 0x274
	sbMtimeHi          = 0x275
	sbEncoding         = 0x27C
	sbOrphanFileInum   = 0x280
	sbChecksum         = 0x3FC

	sbSize      = 1024
	magicSB     = 0xEF53
	stateValid  = 0x1
	stateErrors = 0x2

	flagSignedHash   = 0x1
	flagUnsignedHash = 0x2
)

// Special inode numbers.
const (
	rootIno          = 2
	resizeIno        = 7
	journalIno       = 8
	goodOldFirstIno  = 11
	goodOldInodeSize = 128
)

// geometry is what the superblock says about the filesystem's layout.
// It never changes while mounted.
type geometry struct {
	blockSize        int
	logBlockSize     uint // log2(blockSize)
	clusterRatio     uint32
	blocksCount      uint64
	rBlocksCount     uint64
	firstDataBlock   uint64
	blocksPerGroup   uint32
	clustersPerGroup uint32
	inodesPerGroup   uint32
	inodesCount      uint32
	inodeSize        int
	firstIno         uint32
	descSize         int
	groups           uint32
	descPerBlock     uint32
	gdtBlocks        uint64 // blocks of the primary GDT (non-meta_bg part)
	reservedGdt      uint64
	firstMetaBg      uint32
	compat           uint32
	incompat         uint32
	roCompat         uint32
	uuid             [16]byte
	hashSeed         [4]uint32
	defHashVersion   uint8
	unsignedHash     bool
	wantExtraIsize   uint16
	logGroupsPerFlex uint
	backupBgs        [2]uint32
	journalInum      uint32
	orphanFileInum   uint32
	csumSeed         uint32 // metadata_csum seed
}

func (g *geometry) hasCompat(f uint32) bool   { return g.compat&f != 0 }
func (g *geometry) hasIncompat(f uint32) bool { return g.incompat&f != 0 }
func (g *geometry) hasRoCompat(f uint32) bool { return g.roCompat&f != 0 }
func (g *geometry) metadataCsum() bool        { return g.roCompat&roCompatMetadataCsum != 0 }
func (g *geometry) gdtCsum() bool {
	return g.roCompat&(roCompatMetadataCsum|roCompatGdtCsum) != 0
}

// parseSuper validates the superblock in b and returns the geometry.
// logf receives the reason of a refusal. devBytes is the device size.
func parseSuper(b []byte, devBytes int64, logf func(string, ...any)) (*geometry, error) {
	if le16(b, sbMagic) != magicSB {
		logf("VFS: Can't find ext4 filesystem")
		return nil, abi.EINVAL
	}
	g := &geometry{}
	g.compat = le32(b, sbFeatureCompat)
	g.incompat = le32(b, sbFeatureIncompat)
	g.roCompat = le32(b, sbFeatureRoCompat)
	if le32(b, sbRevLevel) == 0 && (g.compat|g.incompat|g.roCompat) != 0 {
		logf("feature flags set on rev 0 fs, running e2fsck is recommended")
	}
	if g.metadataCsum() {
		if b[sbChecksumType] != 1 {
			logf("VFS: Found ext4 filesystem with unknown checksum algorithm.")
			return nil, abi.EINVAL
		}
		if crc32c(^uint32(0), b[:sbChecksum]) != le32(b, sbChecksum) {
			logf("VFS: Found ext4 filesystem with invalid superblock checksum.  Run e2fsck?")
			return nil, abi.EBADMSG
		}
	}
	lbs := le32(b, sbLogBlockSize)
	if lbs > 6 { // 64 KiB
		logf("Invalid log block size: %d", lbs)
		return nil, abi.EINVAL
	}
	g.logBlockSize = uint(10 + lbs)
	g.blockSize = 1 << g.logBlockSize
	lcs := le32(b, sbLogClusterSize)
	if g.hasRoCompat(roCompatBigalloc) {
		if lcs < lbs || lcs > lbs+16 {
			logf("Invalid log cluster size: %d", lcs)
			return nil, abi.EINVAL
		}
		g.clusterRatio = 1 << (lcs - lbs)
	} else {
		g.clusterRatio = 1
	}
	g.blocksCount = uint64(le32(b, sbBlocksCountLo))
	g.rBlocksCount = uint64(le32(b, sbRBlocksCountLo))
	if g.hasIncompat(incompat64bit) {
		g.blocksCount |= uint64(le32(b, sbBlocksCountHi)) << 32
		g.rBlocksCount |= uint64(le32(b, sbRBlocksCountHi)) << 32
	}
	g.firstDataBlock = uint64(le32(b, sbFirstDataBlock))
	g.blocksPerGroup = le32(b, sbBlocksPerGroup)
	g.clustersPerGroup = le32(b, sbClustersPerGroup)
	g.inodesPerGroup = le32(b, sbInodesPerGroup)
	g.inodesCount = le32(b, sbInodesCount)
	if le32(b, sbRevLevel) == 0 {
		g.inodeSize = goodOldInodeSize
		g.firstIno = goodOldFirstIno
	} else {
		g.inodeSize = int(le16(b, sbInodeSize))
		g.firstIno = le32(b, sbFirstIno)
	}
	if g.inodeSize < goodOldInodeSize || g.inodeSize > g.blockSize || g.inodeSize&(g.inodeSize-1) != 0 {
		logf("unsupported inode size: %d", g.inodeSize)
		return nil, abi.EINVAL
	}
	if g.firstIno < goodOldFirstIno {
		logf("invalid first ino: %d", g.firstIno)
		return nil, abi.EINVAL
	}
	if g.hasIncompat(incompat64bit) {
		g.descSize = int(le16(b, sbDescSize))
		if g.descSize < 64 || g.descSize > 1024 || g.descSize&(g.descSize-1) != 0 {
			logf("unsupported descriptor size %d", g.descSize)
			return nil, abi.EINVAL
		}
	} else {
		g.descSize = 32
	}
	if g.blockSize == 1024 && g.firstDataBlock != 1 || g.blockSize > 1024 && g.firstDataBlock != 0 {
		logf("bad geometry: first data block %d is invalid for block size %d", g.firstDataBlock, g.blockSize)
		return nil, abi.EINVAL
	}
	bitsPerBlock := uint32(g.blockSize * 8)
	if g.clustersPerGroup == 0 || g.clustersPerGroup > bitsPerBlock ||
		g.blocksPerGroup == 0 || uint64(g.blocksPerGroup) != uint64(g.clustersPerGroup)*uint64(g.clusterRatio) {
		logf("#blocks per group too big: %d", g.blocksPerGroup)
		return nil, abi.EINVAL
	}
	inodesPerBlock := uint32(g.blockSize / g.inodeSize)
	if g.inodesPerGroup < inodesPerBlock || g.inodesPerGroup > bitsPerBlock || g.inodesPerGroup%inodesPerBlock != 0 {
		logf("invalid inodes per group: %d", g.inodesPerGroup)
		return nil, abi.EINVAL
	}
	if g.blocksCount <= g.firstDataBlock {
		logf("bad geometry: first data block %d beyond end of filesystem (%d)", g.firstDataBlock, g.blocksCount)
		return nil, abi.EINVAL
	}
	groups := (g.blocksCount - g.firstDataBlock + uint64(g.blocksPerGroup) - 1) / uint64(g.blocksPerGroup)
	if groups > 1<<32-1 || groups*uint64(g.inodesPerGroup) != uint64(g.inodesCount) {
		logf("inodes count not valid: %d vs %d", g.inodesCount, groups*uint64(g.inodesPerGroup))
		return nil, abi.EINVAL
	}
	g.groups = uint32(groups)
	g.descPerBlock = uint32(g.blockSize / g.descSize)
	g.gdtBlocks = (groups + uint64(g.descPerBlock) - 1) / uint64(g.descPerBlock)
	g.firstMetaBg = le32(b, sbFirstMetaBg)
	if g.hasIncompat(incompatMetaBG) {
		if uint64(g.firstMetaBg) > g.gdtBlocks {
			logf("first meta block group too large: %d (group descriptor block count %d)", g.firstMetaBg, g.gdtBlocks)
			return nil, abi.EINVAL
		}
		g.gdtBlocks = uint64(g.firstMetaBg)
	}
	if g.hasCompat(compatResizeInode) {
		g.reservedGdt = uint64(le16(b, sbReservedGdt))
		if g.reservedGdt > uint64(g.blockSize/4) {
			logf("Number of reserved GDT blocks insanely large: %d", g.reservedGdt)
			return nil, abi.EINVAL
		}
	}
	// The descriptors of every group must be on the device (a truncated
	// image is allowed otherwise: its missing blocks read as EIO).
	devBlocks := uint64(devBytes) >> g.logBlockSize
	if g.firstDataBlock+1+g.gdtBlocks > devBlocks {
		logf("bad geometry: group descriptors beyond end of device")
		return nil, abi.EINVAL
	}
	copy(g.uuid[:], b[sbUUID:sbUUID+16])
	for i := range g.hashSeed {
		g.hashSeed[i] = le32(b, sbHashSeed+4*i)
	}
	g.defHashVersion = b[sbDefHashVersion]
	g.unsignedHash = le32(b, sbFlags)&flagUnsignedHash != 0
	g.wantExtraIsize = le16(b, sbWantExtraIsize)
	if g.inodeSize > goodOldInodeSize {
		if min := le16(b, sbMinExtraIsize); int(min) > g.inodeSize-goodOldInodeSize {
			g.wantExtraIsize = 32
		}
		if g.wantExtraIsize < 32 || int(g.wantExtraIsize) > g.inodeSize-goodOldInodeSize || g.wantExtraIsize&3 != 0 {
			g.wantExtraIsize = 32
		}
		if int(g.wantExtraIsize) > g.inodeSize-goodOldInodeSize {
			g.wantExtraIsize = uint16(g.inodeSize - goodOldInodeSize)
		}
	} else {
		g.wantExtraIsize = 0
	}
	if g.hasIncompat(incompatFlexBG) {
		g.logGroupsPerFlex = uint(b[sbLogGroupsPerFlex])
		if g.logGroupsPerFlex > 31 {
			g.logGroupsPerFlex = 0
		}
	}
	g.backupBgs[0] = le32(b, sbBackupBgs)
	g.backupBgs[1] = le32(b, sbBackupBgs+4)
	if g.hasCompat(compatHasJournal) {
		g.journalInum = le32(b, sbJournalInum)
	}
	if g.hasCompat(compatOrphanFile) {
		g.orphanFileInum = le32(b, sbOrphanFileInum)
	}
	if g.hasIncompat(incompatCsumSeed) {
		g.csumSeed = le32(b, sbChecksumSeed)
	} else {
		g.csumSeed = crc32c(^uint32(0), g.uuid[:])
	}
	return g, nil
}

// groupFirstBlock returns the first block of group grp.
func (g *geometry) groupFirstBlock(grp uint32) uint64 {
	return g.firstDataBlock + uint64(grp)*uint64(g.blocksPerGroup)
}

// groupBlocks returns how many blocks group grp has (the last is short).
func (g *geometry) groupBlocks(grp uint32) uint64 {
	if grp == g.groups-1 {
		return g.blocksCount - g.groupFirstBlock(grp)
	}
	return uint64(g.blocksPerGroup)
}

// blockGroup returns the group holding block blk and its index there.
func (g *geometry) blockGroup(blk uint64) (uint32, uint32) {
	blk -= g.firstDataBlock
	return uint32(blk / uint64(g.blocksPerGroup)), uint32(blk % uint64(g.blocksPerGroup))
}

// hasSuper reports whether group grp holds a superblock backup.
func (g *geometry) hasSuper(grp uint32) bool {
	if grp == 0 {
		return true
	}
	if g.hasCompat(compatSparseSuper2) {
		return grp == g.backupBgs[0] || grp == g.backupBgs[1]
	}
	if grp <= 1 || !g.hasRoCompat(roCompatSparseSuper) {
		return true
	}
	if grp&1 == 0 {
		return false
	}
	return isPower(grp, 3) || isPower(grp, 5) || isPower(grp, 7)
}

func isPower(n, base uint32) bool {
	p := uint64(base)
	for p < uint64(n) {
		p *= uint64(base)
	}
	return p == uint64(n)
}

// descLocation returns the byte offset on the device of group grp's
// descriptor.
func (g *geometry) descLocation(grp uint32) int64 {
	bs := int64(g.blockSize)
	mb := grp / g.descPerBlock
	idx := int64(grp % g.descPerBlock)
	if !g.hasIncompat(incompatMetaBG) || mb < g.firstMetaBg {
		return (int64(g.firstDataBlock)+1+int64(mb))*bs + idx*int64(g.descSize)
	}
	first := mb * g.descPerBlock
	blk := g.groupFirstBlock(first)
	if g.hasSuper(first) {
		blk++
	}
	return int64(blk)*bs + idx*int64(g.descSize)
}

// metaOverhead returns how many blocks at the start of group grp hold
// the superblock backup and group descriptor blocks.
func (g *geometry) metaOverhead(grp uint32) uint64 {
	var n uint64
	has := g.hasSuper(grp)
	if has {
		n = 1
	}
	if !g.hasIncompat(incompatMetaBG) {
		if has {
			n += g.gdtBlocks + g.reservedGdt
		}
		return n
	}
	mb := grp / g.descPerBlock
	if mb < g.firstMetaBg {
		if has {
			n += g.gdtBlocks + g.reservedGdt
		}
		return n
	}
	i := grp % g.descPerBlock
	if i == 0 || i == 1 || i == g.descPerBlock-1 {
		n++
	}
	return n
}
