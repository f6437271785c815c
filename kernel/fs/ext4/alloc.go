package ext4

import (
	"math/bits"

	"liblinux/abi"
)

// Bitmap helpers: bit k of b.
func testBit(b []byte, k uint32) bool { return b[k>>3]&(1<<(k&7)) != 0 }
func setBit(b []byte, k uint32)       { b[k>>3] |= 1 << (k & 7) }
func clearBit(b []byte, k uint32)     { b[k>>3] &^= 1 << (k & 7) }

// blockBitmapCsum and inodeBitmapCsum compute bitmap checksums.
func (fs *FS) blockBitmapCsum(b []byte) uint32 {
	return crc32c(fs.g.csumSeed, b[:fs.g.clustersPerGroup/8])
}

func (fs *FS) inodeBitmapCsum(b []byte) uint32 {
	return crc32c(fs.g.csumSeed, b[:fs.g.inodesPerGroup/8])
}

// csumMatches compares a stored bitmap checksum with a computed one,
// using only the bits the descriptor stores.
func (fs *FS) csumMatches(stored, computed uint32, hiEnd int) bool {
	if fs.g.descSize < hiEnd {
		return stored&0xFFFF == computed&0xFFFF
	}
	return stored == computed
}

// markBitmapEnd sets the padding bits from n to the end of the block.
func markBitmapEnd(b []byte, n uint32) {
	for k := n; k < uint32(len(b))*8; k++ {
		setBit(b, k)
	}
}

// initBlockBitmap builds the block bitmap of a BLOCK_UNINIT group: the
// superblock backup and descriptor blocks, and every group's bitmaps and
// inode table that fall inside this group.
// Preconditions: fs.allocMu is held.
func (fs *FS) initBlockBitmapLocked(grp uint32, b []byte) error {
	clear(b)
	g := fs.g
	for k := uint64(0); k < g.metaOverhead(grp) && k < uint64(g.blocksPerGroup); k++ {
		setBit(b, uint32(k))
	}
	first := g.groupFirstBlock(grp)
	last := first + g.groupBlocks(grp)
	itBlocks := uint64(g.inodesPerGroup) * uint64(g.inodeSize) / uint64(g.blockSize)
	mark := func(blk, n uint64) {
		for k := blk; k < blk+n; k++ {
			if k >= first && k < last {
				setBit(b, uint32(k-first))
			}
		}
	}
	lo, hi := grp, grp
	if g.hasIncompat(incompatFlexBG) {
		lo, hi = 0, g.groups-1
	}
	for o := lo; o <= hi; o++ {
		d, err := fs.desc(o)
		if err != nil {
			return err
		}
		mark(d.blockBitmap, 1)
		mark(d.inodeBitmap, 1)
		mark(d.inodeTable, itBlocks)
	}
	markBitmapEnd(b[:g.blockSize], uint32(g.groupBlocks(grp)))
	return nil
}

// Bits of FS.bitmapsVerified: a bitmap whose checksum matched once is
// trusted from then on, since every later change of it comes from here
// (Linux's buffer_verified).
const (
	verifiedBlockBitmap = 1 << iota
	verifiedInodeBitmap
)

// verified reports whether group grp's bitmap (a verified* bit) has been
// checked. Preconditions: fs.allocMu is held.
func (fs *FS) verified(grp uint32, which uint8) bool {
	return int(grp) < len(fs.bitmapsVerified) && fs.bitmapsVerified[grp]&which != 0
}

// setVerified records a bitmap whose checksum matched.
// Preconditions: fs.allocMu is held.
func (fs *FS) setVerified(grp uint32, which uint8) {
	if fs.bitmapsVerified == nil {
		fs.bitmapsVerified = make([]uint8, fs.g.groups)
	}
	fs.bitmapsVerified[grp] |= which
}

// scratch returns the block-sized buffer *p, allocating it on first use:
// bitmaps are read, changed and written back under allocMu, so one buffer
// of each kind serves every allocation.
// Preconditions: fs.allocMu is held.
func (fs *FS) scratch(p *[]byte) []byte {
	if *p == nil {
		*p = fs.newBuf()
	}
	return *p
}

// loadBlockBitmapLocked returns group grp's block bitmap and descriptor,
// or EBADMSG/EUCLEAN when it cannot be trusted.
// Preconditions: fs.allocMu is held.
func (fs *FS) loadBlockBitmapLocked(grp uint32) ([]byte, groupDesc, error) {
	d, err := fs.desc(grp)
	if err != nil {
		return nil, d, err
	}
	b := fs.scratch(&fs.blockBitmapBuf)
	if d.flags&bgBlockUninit != 0 && fs.g.gdtCsum() {
		if err := fs.initBlockBitmapLocked(grp, b); err != nil {
			return nil, d, err
		}
		return b, d, nil
	}
	if !fs.checkBlock(d.blockBitmap, 1) {
		return nil, d, abi.EUCLEAN
	}
	if err := fs.readBlock(d.blockBitmap, b); err != nil {
		return nil, d, err
	}
	if fs.g.metadataCsum() && !fs.verified(grp, verifiedBlockBitmap) {
		if !fs.csumMatches(d.blockBitmapCsum, fs.blockBitmapCsum(b), gdBlockBitmapCsumHi+2) {
			fs.logf("ext4_validate_block_bitmap: bg %d: bad block bitmap checksum", grp)
			return nil, d, abi.EBADMSG
		}
		fs.setVerified(grp, verifiedBlockBitmap)
	}
	return b, d, nil
}

// storeBlockBitmapLocked writes a block bitmap and its descriptor.
// Preconditions: fs.allocMu is held.
func (fs *FS) storeBlockBitmapLocked(grp uint32, b []byte, d *groupDesc) error {
	if d.flags&bgBlockUninit != 0 {
		d.flags &^= bgBlockUninit
	}
	if fs.g.metadataCsum() {
		d.blockBitmapCsum = fs.blockBitmapCsum(b)
	}
	if err := fs.writeBlock(d.blockBitmap, b); err != nil {
		return err
	}
	return fs.writeDescLocked(grp, d)
}

func (fs *FS) isBad(grp uint32) bool {
	for _, g := range fs.badBitmaps {
		if g == grp {
			return true
		}
	}
	return false
}

// allocBlocks allocates up to want contiguous blocks, near goal when it
// can. It returns the first block and how many it got (at least 1), or
// ENOSPC. Blocks reserved for root are only given to privileged callers.
// Metadata may use the blocks kept back for it (fs.resv).
func (fs *FS) allocBlocks(goal uint64, want uint32, privileged, meta bool) (uint64, uint32, error) {
	if fs.readOnly() {
		return 0, 0, abi.EROFS
	}
	fs.allocMu.Lock()
	defer fs.allocMu.Unlock()
	g := fs.g
	keep := fs.resv
	if meta {
		keep = 0
	}
	if !privileged {
		keep += g.rBlocksCount
	}
	if fs.freeBlocks <= keep {
		return 0, 0, abi.ENOSPC
	}
	avail := fs.freeBlocks - keep
	want = uint32(min(uint64(want), avail))
	if goal < g.firstDataBlock || goal >= g.blocksCount {
		goal = g.firstDataBlock
	}
	startGrp, startIdx := g.blockGroup(goal)
	// Two passes: first a run of the full length, then any free block.
	for pass := 0; pass < 2; pass++ {
		for k := uint32(0); k < g.groups; k++ {
			if pass == 0 && k >= 16 {
				break
			}
			grp := (startGrp + k) % g.groups
			if fs.isBad(grp) {
				continue
			}
			d, err := fs.desc(grp)
			if err != nil || d.freeBlocks == 0 {
				continue
			}
			if pass == 0 && d.freeBlocks < want && k > 0 {
				continue
			}
			b, d, err := fs.loadBlockBitmapLocked(grp)
			if err != nil {
				fs.badBitmaps = append(fs.badBitmaps, grp)
				continue
			}
			from := uint32(0)
			if k == 0 {
				from = startIdx
			}
			n := uint32(g.groupBlocks(grp))
			start, got := findRun(b, from, n, want, pass == 0)
			if got == 0 && from > 0 {
				start, got = findRun(b, 0, n, want, pass == 0)
			}
			if got == 0 {
				continue
			}
			for j := start; j < start+got; j++ {
				setBit(b, j)
			}
			d.freeBlocks -= got
			if err := fs.storeBlockBitmapLocked(grp, b, &d); err != nil {
				return 0, 0, err
			}
			fs.freeBlocks -= uint64(got)
			return g.groupFirstBlock(grp) + uint64(start), got, nil
		}
	}
	return 0, 0, abi.ENOSPC
}

// findRun finds free bits in b[from:n): with whole, the first run of
// want free bits; without, the first free bit and the free run after it,
// up to want bits.
func findRun(b []byte, from, n, want uint32, whole bool) (uint32, uint32) {
	k := from
	for k < n {
		// Skip full bytes quickly.
		if k&7 == 0 && k+8 <= n && b[k>>3] == 0xFF {
			k += 8
			continue
		}
		if testBit(b, k) {
			k++
			continue
		}
		start := k
		for k < n && k-start < want && !testBit(b, k) {
			k++
		}
		if !whole || k-start == want {
			return start, k - start
		}
	}
	return 0, 0
}

// freeBlocksRange returns n blocks from blk to the free pool.
func (fs *FS) freeBlocksRange(blk, n uint64) error {
	if n == 0 {
		return nil
	}
	g := fs.g
	if blk <= g.firstDataBlock || blk+n > g.blocksCount || blk+n < blk {
		fs.logf("ext4_free_blocks: freeing blocks not in datazone - block = %d, count = %d", blk, n)
		return abi.EUCLEAN
	}
	fs.allocMu.Lock()
	defer fs.allocMu.Unlock()
	for n > 0 {
		grp, idx := g.blockGroup(blk)
		c := min(n, g.groupBlocks(grp)-uint64(idx))
		b, d, err := fs.loadBlockBitmapLocked(grp)
		if err != nil {
			return err
		}
		freed := uint32(0)
		for j := uint32(0); j < uint32(c); j++ {
			if testBit(b, idx+j) {
				clearBit(b, idx+j)
				freed++
			} else {
				fs.logf("ext4_free_blocks: bit already cleared for block %d", blk+uint64(j))
			}
		}
		d.freeBlocks += freed
		if err := fs.storeBlockBitmapLocked(grp, b, &d); err != nil {
			return err
		}
		fs.freeBlocks += uint64(freed)
		blk += c
		n -= c
	}
	return nil
}

// loadInodeBitmapLocked returns group grp's inode bitmap.
// Preconditions: fs.allocMu is held.
func (fs *FS) loadInodeBitmapLocked(grp uint32, d *groupDesc) ([]byte, error) {
	b := fs.scratch(&fs.inodeBitmapBuf)
	if d.flags&bgInodeUninit != 0 && fs.g.gdtCsum() {
		clear(b)
		markBitmapEnd(b, fs.g.inodesPerGroup)
		return b, nil
	}
	if !fs.checkBlock(d.inodeBitmap, 1) {
		return nil, abi.EUCLEAN
	}
	if err := fs.readBlock(d.inodeBitmap, b); err != nil {
		return nil, err
	}
	if fs.g.metadataCsum() && !fs.verified(grp, verifiedInodeBitmap) {
		if !fs.csumMatches(d.inodeBitmapCsum, fs.inodeBitmapCsum(b), gdInodeBitmapCsumHi+2) {
			fs.logf("ext4_validate_inode_bitmap: bg %d: bad inode bitmap checksum", grp)
			return nil, abi.EBADMSG
		}
		fs.setVerified(grp, verifiedInodeBitmap)
	}
	return b, nil
}

func (fs *FS) storeInodeBitmapLocked(grp uint32, b []byte, d *groupDesc) error {
	d.flags &^= bgInodeUninit
	if fs.g.metadataCsum() {
		d.inodeBitmapCsum = fs.inodeBitmapCsum(b)
	}
	if err := fs.writeBlock(d.inodeBitmap, b); err != nil {
		return err
	}
	return fs.writeDescLocked(grp, d)
}

// allocInode takes a free inode number: directories go to a group with
// more free inodes and blocks than average (spreading the tree), other
// files to their parent's group when it has room.
func (fs *FS) allocInode(parent uint32, isDir bool) (uint32, error) {
	if fs.readOnly() {
		return 0, abi.EROFS
	}
	fs.allocMu.Lock()
	defer fs.allocMu.Unlock()
	g := fs.g
	if fs.freeInodes == 0 {
		return 0, abi.ENOSPC
	}
	start := (parent - 1) / g.inodesPerGroup
	if isDir && parent == rootIno && g.groups > 1 {
		start = fs.lastGroup % g.groups
		fs.lastGroup++
	}
	avgFree := fs.freeInodes / uint64(g.groups)
	for pass := 0; pass < 2; pass++ {
		for k := uint32(0); k < g.groups; k++ {
			grp := (start + k) % g.groups
			d, err := fs.desc(grp)
			if err != nil || d.freeInodes == 0 {
				continue
			}
			if pass == 0 && isDir && parent == rootIno && uint64(d.freeInodes) < avgFree {
				continue
			}
			b, err := fs.loadInodeBitmapLocked(grp, &d)
			if err != nil {
				continue
			}
			idx, ok := firstZero(b, g.inodesPerGroup)
			if !ok {
				continue
			}
			ino := grp*g.inodesPerGroup + idx + 1
			if ino < g.firstIno {
				// Reserved inodes are marked in use by mkfs; a bitmap
				// that says otherwise is damaged.
				fs.logf("reserved inode %d found free in the bitmap", ino)
				continue
			}
			if d.flags&bgBlockUninit != 0 && g.gdtCsum() {
				bb, bd, err := fs.loadBlockBitmapLocked(grp)
				if err != nil {
					continue
				}
				if err := fs.storeBlockBitmapLocked(grp, bb, &bd); err != nil {
					return 0, err
				}
				d, _ = fs.desc(grp)
			}
			setBit(b, idx)
			d.freeInodes--
			if isDir {
				d.usedDirs++
				fs.dirsCount++
			}
			if g.gdtCsum() && idx+1 > g.inodesPerGroup-d.itableUnused {
				d.itableUnused = g.inodesPerGroup - idx - 1
			}
			if err := fs.storeInodeBitmapLocked(grp, b, &d); err != nil {
				return 0, err
			}
			fs.freeInodes--
			return ino, nil
		}
	}
	return 0, abi.ENOSPC
}

func firstZero(b []byte, n uint32) (uint32, bool) {
	for k := uint32(0); k < n; k += 8 {
		if v := b[k>>3]; v != 0xFF {
			j := k + uint32(bits.TrailingZeros8(^v))
			if j < n {
				return j, true
			}
			return 0, false
		}
	}
	return 0, false
}

// freeInode returns inode ino to the free pool.
func (fs *FS) freeInode(ino uint32, isDir bool) error {
	fs.allocMu.Lock()
	defer fs.allocMu.Unlock()
	g := fs.g
	grp := (ino - 1) / g.inodesPerGroup
	idx := (ino - 1) % g.inodesPerGroup
	d, err := fs.desc(grp)
	if err != nil {
		return err
	}
	b, err := fs.loadInodeBitmapLocked(grp, &d)
	if err != nil {
		return err
	}
	if !testBit(b, idx) {
		fs.logf("ext4_free_inode: bit already cleared for inode %d", ino)
		return nil
	}
	clearBit(b, idx)
	d.freeInodes++
	fs.freeInodes++
	if isDir && d.usedDirs > 0 {
		d.usedDirs--
		fs.dirsCount--
	}
	return fs.storeInodeBitmapLocked(grp, b, &d)
}
