package ext4

import "liblinux/abi"

// readAt reads metadata bytes at byte offset off of the device, from the
// replayed journal blocks first on a read-only mount that recovered one.
func (fs *FS) readAt(p []byte, off int64) error {
	if fs.overlay == nil {
		return fs.dev.ReadAt(p, off)
	}
	bs := int64(fs.g.blockSize)
	for len(p) > 0 {
		blk := off / bs
		bo := off % bs
		n := int(min(int64(len(p)), bs-bo))
		if b, ok := fs.overlay[uint64(blk)]; ok {
			copy(p[:n], b[bo:])
		} else if err := fs.dev.ReadAt(p[:n], off); err != nil {
			return err
		}
		p = p[n:]
		off += int64(n)
	}
	return nil
}

// writeAt writes metadata bytes into the cache.
func (fs *FS) writeAt(p []byte, off int64) error {
	if fs.readOnly() {
		return abi.EROFS
	}
	return fs.dev.WriteAt(p, off)
}

// checkBlock validates a block number found in metadata: it must lie in
// the filesystem, past the superblock.
func (fs *FS) checkBlock(blk uint64, n uint64) bool {
	return blk > fs.g.firstDataBlock && blk+n <= fs.g.blocksCount && blk+n > blk
}

// readBlock reads block blk into p (len(p) == block size).
func (fs *FS) readBlock(blk uint64, p []byte) error {
	if blk >= fs.g.blocksCount {
		return abi.EUCLEAN
	}
	return fs.readAt(p, int64(blk)<<fs.g.logBlockSize)
}

// writeBlock writes p (one block) to block blk.
func (fs *FS) writeBlock(blk uint64, p []byte) error {
	if blk >= fs.g.blocksCount || blk == 0 {
		return abi.EUCLEAN
	}
	return fs.writeAt(p, int64(blk)<<fs.g.logBlockSize)
}

var zeroBuf = make([]byte, 64<<10)

// zeroBlocks writes zeros over n blocks from blk.
func (fs *FS) zeroBlocks(blk, n uint64) error {
	off := int64(blk) << fs.g.logBlockSize
	total := int64(n) << fs.g.logBlockSize
	for total > 0 {
		c := min(total, int64(len(zeroBuf)))
		if err := fs.writeAt(zeroBuf[:c], off); err != nil {
			return err
		}
		off += c
		total -= c
	}
	return nil
}

// newBuf returns a zeroed block-sized buffer.
func (fs *FS) newBuf() []byte { return make([]byte, fs.g.blockSize) }

// readOnly reports whether the filesystem refuses changes.
func (fs *FS) readOnly() bool { return fs.ro.Load() }
