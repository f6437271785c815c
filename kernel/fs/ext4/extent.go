package ext4

import (
	"sort"

	"liblinux/abi"
)

// Extent tree on-disk format (ext4_extent_header, ext4_extent_idx,
// ext4_extent).
const (
	extMagic        = 0xF30A
	extHeaderSize   = 12
	extEntrySize    = 12
	extMaxDepth     = 5
	extInitMaxLen   = 32768 // longest initialized extent
	extUninitMaxLen = 32767
)

// extent is one leaf entry: blocks [lblk, lblk+len) at pblk.
type extent struct {
	lblk      uint32
	len       uint32
	pblk      uint64
	unwritten bool
}

func (e extent) end() uint64 { return uint64(e.lblk) + uint64(e.len) }

// extIndex is one interior entry: the subtree for blocks from lblk on.
type extIndex struct {
	lblk uint32
	blk  uint64
}

type extHeader struct {
	entries, max, depth int
}

func readExtHeader(b []byte) (extHeader, bool) {
	if len(b) < extHeaderSize || le16(b, 0) != extMagic {
		return extHeader{}, false
	}
	return extHeader{entries: int(le16(b, 2)), max: int(le16(b, 4)), depth: int(le16(b, 6))}, true
}

func writeExtHeader(b []byte, h extHeader) {
	put16(b, 0, extMagic)
	put16(b, 2, uint16(h.entries))
	put16(b, 4, uint16(h.max))
	put16(b, 6, uint16(h.depth))
}

func getExtent(b []byte, k int) extent {
	o := extHeaderSize + k*extEntrySize
	n := uint32(le16(b, o+4))
	e := extent{lblk: le32(b, o), pblk: uint64(le16(b, o+6))<<32 | uint64(le32(b, o+8))}
	if n > extInitMaxLen {
		e.unwritten = true
		n -= extInitMaxLen
	}
	e.len = n
	return e
}

func putExtent(b []byte, k int, e extent) {
	o := extHeaderSize + k*extEntrySize
	put32(b, o, e.lblk)
	n := e.len
	if e.unwritten {
		n += extInitMaxLen
	}
	put16(b, o+4, uint16(n))
	put16(b, o+6, uint16(e.pblk>>32))
	put32(b, o+8, uint32(e.pblk))
}

func getIndex(b []byte, k int) extIndex {
	o := extHeaderSize + k*extEntrySize
	return extIndex{lblk: le32(b, o), blk: uint64(le32(b, o+4)) | uint64(le16(b, o+8))<<32}
}

func putIndex(b []byte, k int, x extIndex) {
	o := extHeaderSize + k*extEntrySize
	put32(b, o, x.lblk)
	put32(b, o+4, uint32(x.blk))
	put16(b, o+8, uint16(x.blk>>32))
	put16(b, o+10, 0)
}

// extBlockMax is the entry capacity of a tree block.
func (fs *FS) extBlockMax() int { return (fs.g.blockSize - extHeaderSize) / extEntrySize }

// rootMax is the entry capacity of the root in i_block.
const rootMax = (iBlockLen - extHeaderSize) / extEntrySize

// checkExtentRoot validates the root header in i_block.
func (i *inode) checkExtentRoot() error {
	h, ok := readExtHeader(i.d.block[:])
	if !ok || h.max == 0 || h.max > rootMax || h.entries > h.max || h.depth > extMaxDepth {
		i.fs.logf("ext4_ext_check_inode: inode #%d: bad extent header", i.ino)
		return abi.EUCLEAN
	}
	return nil
}

// extCsum computes an extent block's checksum.
func (i *inode) extCsum(b []byte, max int) uint32 {
	return crc32c(i.seed, b[:extHeaderSize+max*extEntrySize])
}

// readExtNode reads tree block blk, expected at depth, and validates it.
func (i *inode) readExtNode(blk uint64, depth int) ([]byte, extHeader, error) {
	fs := i.fs
	if !fs.checkBlock(blk, 1) {
		fs.logf("inode #%d: extent tree block %d out of range", i.ino, blk)
		return nil, extHeader{}, abi.EUCLEAN
	}
	b := fs.newBuf()
	if err := fs.readBlock(blk, b); err != nil {
		return nil, extHeader{}, err
	}
	h, ok := readExtHeader(b)
	if !ok || h.max == 0 || h.max > fs.extBlockMax() || h.entries > h.max || h.depth != depth {
		fs.logf("inode #%d: bad extent block %d", i.ino, blk)
		return nil, extHeader{}, abi.EUCLEAN
	}
	if fs.g.metadataCsum() {
		tail := extHeaderSize + h.max*extEntrySize
		if tail+4 > len(b) || le32(b, tail) != i.extCsum(b, h.max) {
			fs.logf("inode #%d: extent tree block %d: checksum invalid", i.ino, blk)
			return nil, extHeader{}, abi.EBADMSG
		}
	}
	return b, h, nil
}

// extMapLocked maps logical block lblk. It returns the physical block (0
// in a hole), how many blocks from lblk the answer holds for (at least
// 1), and whether the blocks are unwritten (read as zeros).
// Preconditions: i.mu is held.
func (i *inode) extMapLocked(lblk uint32) (uint64, uint32, bool, error) {
	node := i.d.block[:]
	h, ok := readExtHeader(node)
	if !ok {
		return 0, 0, false, abi.EUCLEAN
	}
	next := uint64(1) << 32 // first mapped block after lblk, as known so far
	for level := 0; h.depth > 0; level++ {
		if level > extMaxDepth {
			return 0, 0, false, abi.EUCLEAN
		}
		if h.entries == 0 {
			return 0, uint32(min(next-uint64(lblk), 1<<32-1)), false, nil
		}
		k := sort.Search(h.entries, func(k int) bool { return getIndex(node, k).lblk > lblk }) - 1
		if k < 0 {
			// Before the first subtree: a hole up to it.
			next = min(next, uint64(getIndex(node, 0).lblk))
			return 0, uint32(next - uint64(lblk)), false, nil
		}
		if k+1 < h.entries {
			next = min(next, uint64(getIndex(node, k+1).lblk))
		}
		b, ch, err := i.readExtNode(getIndex(node, k).blk, h.depth-1)
		if err != nil {
			return 0, 0, false, err
		}
		node, h = b, ch
	}
	k := sort.Search(h.entries, func(k int) bool { return getExtent(node, k).lblk > lblk }) - 1
	if k+1 < h.entries {
		next = min(next, uint64(getExtent(node, k+1).lblk))
	}
	if k >= 0 {
		e := getExtent(node, k)
		if uint64(lblk) < e.end() {
			if e.len == 0 || !i.fs.checkBlock(e.pblk, uint64(e.len)) {
				i.fs.logf("inode #%d: extent (lblk %d, len %d, pblk %d) out of range", i.ino, e.lblk, e.len, e.pblk)
				return 0, 0, false, abi.EUCLEAN
			}
			off := lblk - e.lblk
			return e.pblk + uint64(off), e.len - off, e.unwritten, nil
		}
	}
	if next <= uint64(lblk) {
		// Overlapping or unsorted entries.
		return 0, 0, false, abi.EUCLEAN
	}
	return 0, uint32(min(next-uint64(lblk), 1<<32-1)), false, nil
}
