package ext4

import "liblinux/abi"

// bmapLocked maps logical block lblk of a file or directory to a physical
// block: 0 in a hole; n is how many blocks the answer holds for.
// Preconditions: i.mu is held.
func (i *inode) bmapLocked(lblk uint32) (pblk uint64, n uint32, unwritten bool, err error) {
	if i.d.flags&flInlineData != 0 {
		return 0, 0, false, abi.EUCLEAN
	}
	if i.d.flags&flExtents != 0 {
		return i.extMapLocked(lblk)
	}
	p, n, err := i.indMapLocked(lblk)
	return p, n, false, err
}

// readLogical reads logical block lblk of i into buf; a hole reads as
// zeros and reports hole.
// Preconditions: i.mu is held.
func (i *inode) readLogicalLocked(lblk uint32, buf []byte) (hole bool, err error) {
	p, _, unwritten, err := i.bmapLocked(lblk)
	if err != nil {
		return false, err
	}
	if p == 0 || unwritten {
		clear(buf)
		return true, nil
	}
	return false, i.fs.readBlock(p, buf)
}

// blocksOf returns the number of whole blocks a size spans.
func (fs *FS) blocksOf(size uint64) uint64 {
	return (size + uint64(fs.g.blockSize) - 1) >> fs.g.logBlockSize
}
