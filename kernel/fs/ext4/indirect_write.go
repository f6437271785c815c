package ext4

import (
	"sort"

	"liblinux/abi"
)

// indirect map changes, for files without extents (ext2/ext3 images).

// indMaxBlocks is the number of logical blocks a block map can address.
func (fs *FS) indMaxBlocks() uint64 {
	per := uint64(fs.g.blockSize / 4)
	return indDirect + per + per*per + per*per*per
}

// indGetBlockLocked returns the physical block of lblk, allocating it
// (and the indirect blocks on the way) if it is a hole. fresh reports a
// new, unzeroed data block.
// Preconditions: i.mu is held for writing.
func (i *inode) indGetBlockLocked(lblk uint32, privileged bool) (uint64, bool, error) {
	fs := i.fs
	path, err := fs.indPath(lblk)
	if err != nil {
		return 0, false, err
	}
	goal := i.dataGoal()
	if lblk > 0 {
		if p, _, err := i.indMapLocked(lblk - 1); err == nil && p != 0 {
			goal = p + 1
		}
	}
	alloc := func() (uint64, error) {
		b, _, err := fs.allocBlocks(goal, 1, privileged, false)
		if err != nil {
			return 0, err
		}
		goal = b + 1
		i.addSectorsLocked(fs.blockSectors())
		return b, nil
	}
	// The slot in i_block.
	slot := 4 * path[0]
	blk := uint64(le32(i.d.block[:], slot))
	fresh := false
	if blk == 0 {
		if blk, err = alloc(); err != nil {
			return 0, false, err
		}
		if len(path) > 1 {
			if err := fs.zeroBlocks(blk, 1); err != nil {
				return 0, false, err
			}
		} else {
			fresh = true
		}
		put32(i.d.block[:], slot, uint32(blk))
	}
	buf := fs.newBuf()
	for level := 1; level < len(path); level++ {
		if !fs.checkBlock(blk, 1) {
			return 0, false, abi.EUCLEAN
		}
		if err := fs.readBlock(blk, buf); err != nil {
			return 0, false, err
		}
		next := uint64(le32(buf, 4*path[level]))
		if next == 0 {
			if next, err = alloc(); err != nil {
				return 0, false, err
			}
			if level < len(path)-1 {
				if err := fs.zeroBlocks(next, 1); err != nil {
					return 0, false, err
				}
			} else {
				fresh = true
			}
			put32(buf, 4*path[level], uint32(next))
			if err := fs.writeBlock(blk, buf); err != nil {
				return 0, false, err
			}
		}
		blk = next
	}
	return blk, fresh, nil
}

// indRemoveLocked frees the data blocks of [from, to) and the indirect
// blocks that only mapped blocks in that range.
// Preconditions: i.mu is held for writing.
func (i *inode) indRemoveLocked(from, to uint64) error {
	fs := i.fs
	per := uint64(fs.g.blockSize / 4)
	var freed []uint64
	// walk handles the subtree of indirect block blk at depth (1 =
	// single) covering [base, base+span); it returns whether the whole
	// subtree was freed.
	var walk func(blk uint64, depth int, base, span uint64) (bool, error)
	walk = func(blk uint64, depth int, base, span uint64) (bool, error) {
		if !fs.checkBlock(blk, 1) {
			return false, abi.EUCLEAN
		}
		buf := fs.newBuf()
		if err := fs.readBlock(blk, buf); err != nil {
			return false, err
		}
		child := span / per
		changed := false
		for k := uint64(0); k < per; k++ {
			cb := base + k*child
			if cb+child <= from || cb >= to {
				continue
			}
			p := uint64(le32(buf, int(4*k)))
			if p == 0 {
				continue
			}
			gone := true
			if depth > 1 {
				var err error
				if gone, err = walk(p, depth-1, cb, child); err != nil {
					return false, err
				}
			}
			if gone {
				freed = append(freed, p)
				put32(buf, int(4*k), 0)
				changed = true
			}
		}
		if from <= base && base+span <= to {
			return true, nil
		}
		if changed {
			return false, fs.writeBlock(blk, buf)
		}
		return false, nil
	}
	for k := 0; k < indDirect; k++ {
		if uint64(k) >= from && uint64(k) < to {
			if p := uint64(le32(i.d.block[:], 4*k)); p != 0 {
				freed = append(freed, p)
				put32(i.d.block[:], 4*k, 0)
			}
		}
	}
	base, span := uint64(indDirect), per
	for depth := 1; depth <= 3; depth++ {
		slot := 4 * (indSingle + depth - 1)
		if p := uint64(le32(i.d.block[:], slot)); p != 0 && base < to && base+span > from {
			gone, err := walk(p, depth, base, span)
			if err != nil {
				return err
			}
			if gone {
				freed = append(freed, p)
				put32(i.d.block[:], slot, 0)
			}
		}
		base += span
		span *= per
	}
	i.addSectorsLocked(-int64(len(freed)) * fs.blockSectors())
	return fs.freeList(freed)
}

// freeList frees single blocks, coalesced into runs.
func (fs *FS) freeList(blks []uint64) error {
	sort.Slice(blks, func(a, b int) bool { return blks[a] < blks[b] })
	var first error
	for k := 0; k < len(blks); {
		j := k + 1
		for j < len(blks) && blks[j] == blks[j-1]+1 {
			j++
		}
		if err := fs.freeBlocksRange(blks[k], uint64(j-k)); err != nil && first == nil {
			first = err
		}
		k = j
	}
	return first
}
