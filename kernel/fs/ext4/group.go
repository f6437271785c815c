package ext4

import "liblinux/abi"

// Group descriptor field offsets (struct ext4_group_desc).
const (
	gdBlockBitmapLo     = 0x0
	gdInodeBitmapLo     = 0x4
	gdInodeTableLo      = 0x8
	gdFreeBlocksLo      = 0xC
	gdFreeInodesLo      = 0xE
	gdUsedDirsLo        = 0x10
	gdFlags             = 0x12
	gdBlockBitmapCsumLo = 0x18
	gdInodeBitmapCsumLo = 0x1A
	gdItableUnusedLo    = 0x1C
	gdChecksum          = 0x1E
	gdBlockBitmapHi     = 0x20
	gdInodeBitmapHi     = 0x24
	gdInodeTableHi      = 0x28
	gdFreeBlocksHi      = 0x2C
	gdFreeInodesHi      = 0x2E
	gdUsedDirsHi        = 0x30
	gdItableUnusedHi    = 0x32
	gdBlockBitmapCsumHi = 0x38
	gdInodeBitmapCsumHi = 0x3A

	bgInodeUninit = 0x1
	bgBlockUninit = 0x2
	bgInodeZeroed = 0x4
)

// groupDesc is a decoded group descriptor.
type groupDesc struct {
	blockBitmap     uint64
	inodeBitmap     uint64
	inodeTable      uint64
	freeBlocks      uint32
	freeInodes      uint32
	usedDirs        uint32
	flags           uint16
	itableUnused    uint32
	blockBitmapCsum uint32
	inodeBitmapCsum uint32
	raw             []byte // the on-disk bytes, descSize long
}

// loadDesc reads and decodes group grp's descriptor from the device. It
// does not verify the checksum (checkDescs does at mount).
func (fs *FS) loadDesc(grp uint32) (*groupDesc, error) {
	if grp >= fs.g.groups {
		return nil, abi.EUCLEAN
	}
	raw := make([]byte, fs.g.descSize)
	if err := fs.readAt(raw, fs.g.descLocation(grp)); err != nil {
		return nil, err
	}
	return fs.decodeDesc(raw), nil
}

// desc returns a copy of group grp's descriptor from the table checkDescs
// loaded at mount; a change takes effect through writeDescLocked. Like
// Linux's s_group_desc buffers, the table is the descriptors' one
// in-memory copy, so allocation never decodes them again.
// Preconditions: fs.allocMu is held, or the filesystem is being mounted.
func (fs *FS) desc(grp uint32) (groupDesc, error) {
	if grp >= uint32(len(fs.descs)) {
		return groupDesc{}, abi.EUCLEAN
	}
	return fs.descs[grp], nil
}

func (fs *FS) decodeDesc(raw []byte) *groupDesc {
	d := &groupDesc{raw: raw}
	d.blockBitmap = uint64(le32(raw, gdBlockBitmapLo))
	d.inodeBitmap = uint64(le32(raw, gdInodeBitmapLo))
	d.inodeTable = uint64(le32(raw, gdInodeTableLo))
	d.freeBlocks = uint32(le16(raw, gdFreeBlocksLo))
	d.freeInodes = uint32(le16(raw, gdFreeInodesLo))
	d.usedDirs = uint32(le16(raw, gdUsedDirsLo))
	d.flags = le16(raw, gdFlags)
	d.itableUnused = uint32(le16(raw, gdItableUnusedLo))
	d.blockBitmapCsum = uint32(le16(raw, gdBlockBitmapCsumLo))
	d.inodeBitmapCsum = uint32(le16(raw, gdInodeBitmapCsumLo))
	if fs.g.descSize >= 64 {
		d.blockBitmap |= uint64(le32(raw, gdBlockBitmapHi)) << 32
		d.inodeBitmap |= uint64(le32(raw, gdInodeBitmapHi)) << 32
		d.inodeTable |= uint64(le32(raw, gdInodeTableHi)) << 32
		d.freeBlocks |= uint32(le16(raw, gdFreeBlocksHi)) << 16
		d.freeInodes |= uint32(le16(raw, gdFreeInodesHi)) << 16
		d.usedDirs |= uint32(le16(raw, gdUsedDirsHi)) << 16
		d.itableUnused |= uint32(le16(raw, gdItableUnusedHi)) << 16
		d.blockBitmapCsum |= uint32(le16(raw, gdBlockBitmapCsumHi)) << 16
		d.inodeBitmapCsum |= uint32(le16(raw, gdInodeBitmapCsumHi)) << 16
	}
	return d
}

// descCsum computes the checksum of a group descriptor.
func (fs *FS) descCsum(grp uint32, raw []byte) uint16 {
	if fs.g.metadataCsum() {
		c := crc32cU32(fs.g.csumSeed, grp)
		c = crc32c(c, raw[:gdChecksum])
		c = crc32cZeros(c, 2)
		if len(raw) > gdChecksum+2 {
			c = crc32c(c, raw[gdChecksum+2:])
		}
		return uint16(c)
	}
	c := crc16(0xFFFF, fs.g.uuid[:])
	var gb [4]byte
	put32(gb[:], 0, grp)
	c = crc16(c, gb[:])
	c = crc16(c, raw[:gdChecksum])
	if len(raw) > gdChecksum+2 {
		c = crc16(c, raw[gdChecksum+2:])
	}
	return c
}

// writeDesc encodes d into its raw bytes, updates the checksum and writes
// it. Preconditions: fs.allocMu is held.
func (fs *FS) writeDescLocked(grp uint32, d *groupDesc) error {
	raw := d.raw // shared with fs.descs[grp]: allocMu serialises its writers
	put16(raw, gdFreeBlocksLo, uint16(d.freeBlocks))
	put16(raw, gdFreeInodesLo, uint16(d.freeInodes))
	put16(raw, gdUsedDirsLo, uint16(d.usedDirs))
	put16(raw, gdFlags, d.flags)
	put16(raw, gdItableUnusedLo, uint16(d.itableUnused))
	put16(raw, gdBlockBitmapCsumLo, uint16(d.blockBitmapCsum))
	put16(raw, gdInodeBitmapCsumLo, uint16(d.inodeBitmapCsum))
	if fs.g.descSize >= 64 {
		put16(raw, gdFreeBlocksHi, uint16(d.freeBlocks>>16))
		put16(raw, gdFreeInodesHi, uint16(d.freeInodes>>16))
		put16(raw, gdUsedDirsHi, uint16(d.usedDirs>>16))
		put16(raw, gdItableUnusedHi, uint16(d.itableUnused>>16))
		put16(raw, gdBlockBitmapCsumHi, uint16(d.blockBitmapCsum>>16))
		put16(raw, gdInodeBitmapCsumHi, uint16(d.inodeBitmapCsum>>16))
	}
	if fs.g.gdtCsum() {
		put16(raw, gdChecksum, fs.descCsum(grp, raw))
	}
	if err := fs.writeAt(raw, fs.g.descLocation(grp)); err != nil {
		return err
	}
	fs.descs[grp] = *d
	return nil
}

// checkDescs validates every group descriptor at mount, as Linux's
// ext4_check_descriptors does: bitmaps and inode tables inside the
// filesystem, and checksums (a bad checksum refuses read-write mounts
// only). It loads the descriptor table (fs.descs) and the inode table
// locations.
func (fs *FS) checkDescs(readOnly bool) error {
	g := fs.g
	itBlocks := uint64(g.inodesPerGroup) * uint64(g.inodeSize) / uint64(g.blockSize)
	descs := make([]groupDesc, g.groups)
	itables := make([]uint64, g.groups)
	for grp := uint32(0); grp < g.groups; grp++ {
		d, err := fs.loadDesc(grp)
		if err != nil {
			fs.logf("ext4_check_descriptors: can't read group descriptor %d", grp)
			return err
		}
		first := g.firstDataBlock
		last := g.blocksCount - 1
		if !g.hasIncompat(incompatFlexBG) {
			first = g.groupFirstBlock(grp)
			last = first + g.groupBlocks(grp) - 1
		}
		if d.blockBitmap < first || d.blockBitmap > last {
			fs.logf("ext4_check_descriptors: Block bitmap for group %d not in group (block %d)!", grp, d.blockBitmap)
			return abi.EUCLEAN
		}
		if d.inodeBitmap < first || d.inodeBitmap > last {
			fs.logf("ext4_check_descriptors: Inode bitmap for group %d not in group (block %d)!", grp, d.inodeBitmap)
			return abi.EUCLEAN
		}
		if d.inodeTable < first || d.inodeTable+itBlocks-1 > last || d.inodeTable+itBlocks < d.inodeTable {
			fs.logf("ext4_check_descriptors: Inode table for group %d not in group (block %d)!", grp, d.inodeTable)
			return abi.EUCLEAN
		}
		if g.gdtCsum() && le16(d.raw, gdChecksum) != fs.descCsum(grp, d.raw) {
			fs.logf("ext4_check_descriptors: Checksum for group %d failed (%d!=%d)", grp, fs.descCsum(grp, d.raw), le16(d.raw, gdChecksum))
			if !readOnly {
				return abi.EUCLEAN
			}
		}
		descs[grp] = *d
		itables[grp] = d.inodeTable
	}
	fs.descs, fs.inodeTables = descs, itables
	return nil
}
