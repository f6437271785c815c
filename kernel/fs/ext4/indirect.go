package ext4

import "liblinux/abi"

// Indirect block maps (ext2/ext3 files): i_block[0..11] map the first
// twelve blocks directly, i_block[12], [13] and [14] name a single,
// double and triple indirect block of 32-bit block numbers.
const (
	indDirect = 12
	indSingle = 12
	indDouble = 13
	indTriple = 14
)

// indPath turns logical block lblk into the chain of offsets through the
// map: the i_block slot, then one slot per indirect level.
func (fs *FS) indPath(lblk uint32) ([]int, error) {
	per := uint64(fs.g.blockSize / 4)
	l := uint64(lblk)
	if l < indDirect {
		return []int{int(l)}, nil
	}
	l -= indDirect
	if l < per {
		return []int{indSingle, int(l)}, nil
	}
	l -= per
	if l < per*per {
		return []int{indDouble, int(l / per), int(l % per)}, nil
	}
	l -= per * per
	if l < per*per*per {
		return []int{indTriple, int(l / (per * per)), int(l / per % per), int(l % per)}, nil
	}
	return nil, abi.EFBIG
}

// indSpan returns how many logical blocks one slot at level covers for a
// path of length n (level 0 is the i_block slot).
func (fs *FS) indSpan(n, level int) uint64 {
	per := uint64(fs.g.blockSize / 4)
	s := uint64(1)
	for k := level + 1; k < n; k++ {
		s *= per
	}
	return s
}

// indMapLocked maps lblk through the block map: the physical block (0 in
// a hole) and how many blocks from lblk the answer holds for.
// Preconditions: i.mu is held.
func (i *inode) indMapLocked(lblk uint32) (uint64, uint32, error) {
	fs := i.fs
	path, err := fs.indPath(lblk)
	if err != nil {
		return 0, 1, nil
	}
	blk := uint64(le32(i.d.block[:], 4*path[0]))
	buf := fs.newBuf()
	for level := 1; ; level++ {
		if blk == 0 {
			// A hole as large as what this slot covers, less what
			// precedes lblk in it.
			span := fs.indSpan(len(path), level-1)
			done := uint64(0)
			for k := level; k < len(path); k++ {
				done += uint64(path[k]) * fs.indSpan(len(path), k)
			}
			return 0, uint32(min(span-done, 1<<31)), nil
		}
		if !fs.checkBlock(blk, 1) {
			fs.logf("inode #%d: block map entry %d out of range", i.ino, blk)
			return 0, 0, abi.EUCLEAN
		}
		if level == len(path) {
			// Count how many following direct or same-block entries are
			// contiguous.
			n := uint32(1)
			if len(path) > 1 {
				for k := path[level-1] + 1; k < fs.g.blockSize/4; k++ {
					if uint64(le32(buf, 4*k)) != blk+uint64(n) {
						break
					}
					n++
				}
			} else {
				for k := path[0] + 1; k < indDirect; k++ {
					if uint64(le32(i.d.block[:], 4*k)) != blk+uint64(n) {
						break
					}
					n++
				}
			}
			return blk, n, nil
		}
		if err := fs.readBlock(blk, buf); err != nil {
			return 0, 0, err
		}
		blk = uint64(le32(buf, 4*path[level]))
	}
}
