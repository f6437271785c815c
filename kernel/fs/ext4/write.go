package ext4

import (
	"liblinux/abi"
	"liblinux/kernel/usermem"
	"liblinux/kernel/vfs"
)

// maxBytes is the largest size a file of this inode's mapping may have
// (Linux's s_maxbytes for extent-mapped files, s_bitmap_maxbytes for
// block-mapped ones).
func (i *inode) maxBytes() int64 {
	if i.d.flags&flExtents == 0 {
		return i.fs.bitmapMaxBytes()
	}
	return i.fs.maxBytes()
}

// maxBytes is the largest file size of the filesystem (Linux's
// s_maxbytes: that of an extent-mapped file).
func (fs *FS) maxBytes() int64 {
	bits := fs.g.logBlockSize
	blocks := uint64(maxFileBlocks - 1)
	if !fs.g.hasRoCompat(roCompatHugeFile) {
		// i_blocks counts 512-byte units in 32 bits.
		blocks = min(blocks, (1<<32-1)>>(bits-9))
	}
	return int64(blocks << bits)
}

// bitmapMaxBytes is the largest size of a block-mapped file: what the
// direct, indirect, double and triple indirect blocks address, unless
// i_blocks (data and indirect blocks, 32 bits of 512-byte units without
// huge_file, 48 bits of blocks with it) runs out first.
func (fs *FS) bitmapMaxBytes() int64 {
	bits := fs.g.logBlockSize
	per := uint64(fs.g.blockSize / 4)
	limit := uint64(1<<48 - 1)
	if !fs.g.hasRoCompat(roCompatHugeFile) {
		limit = (1<<32 - 1) >> (bits - 9)
	}
	tree := fs.indMaxBlocks()
	meta := 1 + (1 + per) + (1 + per + per*per)
	if tree+meta <= limit {
		return int64(min(tree<<bits, 1<<63-1))
	}
	// i_blocks is the limit: take off the indirect blocks that mapping
	// that many blocks needs.
	rest := limit - indDirect - per
	meta = 1
	if rest < per*per {
		meta += 1 + (rest+per-1)/per
	} else {
		meta += 1 + per
		rest -= per * per
		meta += 1 + (rest+per-1)/per + (rest+per*per-1)/(per*per)
	}
	return int64((limit - meta) << bits)
}

// getBlocksLocked maps logical blocks from lblk for writing, allocating
// holes and turning unwritten extents into written ones. It returns the
// first physical block, how many consecutive blocks (at most n) it
// covers, and whether they are new (their contents must be zeroed where
// not written).
// Preconditions: i.mu is held for writing.
func (i *inode) getBlocksLocked(lblk uint32, n uint32, privileged bool) (uint64, uint32, bool, error) {
	fs := i.fs
	if i.d.flags&flExtents == 0 {
		p, fresh, err := i.indGetBlockLocked(lblk, privileged)
		return p, 1, fresh, err
	}
	p, cnt, unwritten, err := i.extMapLocked(lblk)
	if err != nil {
		return 0, 0, false, err
	}
	op := &extOp{i: i, privileged: privileged}
	if p != 0 && !unwritten {
		return p, min(cnt, n), false, nil
	}
	if p != 0 {
		c := min(cnt, n)
		pieces, err := op.remove(uint64(lblk), uint64(lblk)+uint64(c), false)
		if err == nil {
			for _, e := range pieces {
				e.unwritten = false
				if err = op.insert(e); err != nil {
					break
				}
			}
		}
		if ferr := op.finish(); err == nil {
			err = ferr
		}
		return p, c, true, err
	}
	c := min(cnt, n, extInitMaxLen)
	goal := i.dataGoal()
	if lblk > 0 {
		if pp, _, _, err := i.extMapLocked(lblk - 1); err == nil && pp != 0 {
			goal = pp + 1
		}
	}
	blk, got, err := fs.allocBlocks(goal, c, privileged, false)
	if err != nil {
		return 0, 0, false, err
	}
	i.addSectorsLocked(int64(got) * fs.blockSectors())
	err = op.insert(extent{lblk: lblk, len: got, pblk: blk})
	if ferr := op.finish(); err == nil {
		err = ferr
	}
	if err != nil {
		// The tree could not take the extent: give the blocks back.
		i.addSectorsLocked(-int64(got) * fs.blockSectors())
		fs.freeBlocksRange(blk, uint64(got))
		return 0, 0, false, err
	}
	return blk, got, true, nil
}

// zeroRange writes zeros over [off, off+n) of the device.
func (fs *FS) zeroRange(off int64, n int) error {
	for n > 0 {
		c := min(n, len(zeroBuf))
		if err := fs.writeAt(zeroBuf[:c], off); err != nil {
			return err
		}
		off += int64(c)
		n -= c
	}
	return nil
}

func privileged(ctx vfs.Context) bool { return ctx.Creds().HasCap(abi.CAP_SYS_RESOURCE) }

// Write implements vfs.FileOps: data is copied from the caller's memory
// straight into the block cache; off -1 appends.
func (f *regFile) Write(ctx vfs.Context, src *usermem.IO, off int64) (int, error) {
	n, _, err := f.write(ctx, src, off)
	return n, err
}

// NoWait makes regular files take RWF_NOWAIT (Linux's ext4 opens them
// with FMODE_NOWAIT): reads go ahead (the data comes from the block
// cache), buffered writes give EOPNOTSUPP, as in Linux.
func (f *regFile) NoWait(write bool) error {
	if write {
		return abi.EOPNOTSUPP
	}
	return nil
}

var _ vfs.AppendWriter = (*regFile)(nil)

// WriteAppend implements vfs.AppendWriter: an atomic append that reports
// where the file ends after it.
func (f *regFile) WriteAppend(ctx vfs.Context, src *usermem.IO) (int, int64, error) {
	return f.write(ctx, src, -1)
}

func (f *regFile) write(ctx vfs.Context, src *usermem.IO, off int64) (int, int64, error) {
	i := f.i
	i.mu.Lock()
	if f.direct() {
		if err := i.directWriteCheckLocked(src, off); err != nil {
			i.mu.Unlock()
			return 0, int64(i.d.size), err
		}
	}
	n, err := i.writeDataLocked(ctx, src, off)
	end := int64(i.d.size)
	i.mu.Unlock()
	i.fs.wroteBack(n)
	return n, end, err
}

// writebackBytes is how much file data may be written between syncs: the
// block cache keeps dirty pages in memory until Sync writes them, so
// large writes are pushed out as they go.
const writebackBytes = 32 << 20

// wroteBack counts written bytes and syncs the device when they add up.
func (fs *FS) wroteBack(n int) {
	if fs.dirty.Add(int64(n)) < writebackBytes {
		return
	}
	fs.dirty.Store(0)
	if err := fs.dev.Writeback(); err != nil {
		fs.logf("writeback: %v", err)
	}
}

// writeDataLocked implements write (off -1 appends). Preconditions: i.mu is held for writing.
func (i *inode) writeDataLocked(ctx vfs.Context, src *usermem.IO, off int64) (int, error) {
	fs := i.fs
	if fs.readOnly() {
		return 0, abi.EROFS
	}
	if i.d.flags&flImmutable != 0 {
		// Made immutable after the file was opened (ext4_write_checks).
		return 0, abi.EPERM
	}
	if off < 0 {
		off = int64(i.d.size)
	}
	n := int64(src.Len())
	if n == 0 {
		return 0, nil
	}
	k, err := vfs.WriteLimit(ctx, off, int(n))
	if err != nil {
		return 0, err
	}
	n = int64(k)
	maxb := i.maxBytes()
	if off >= maxb {
		return 0, abi.EFBIG
	}
	n = min(n, maxb-off)
	// The times change and the set-ID bits go before any data is copied
	// (Linux's file_modified), whatever happens to the copy.
	now := ctx.Now()
	i.d.mtime, i.d.ctime = now, now
	i.clearPrivsLocked(ctx)
	if i.d.flags&flInlineData != 0 {
		if err := i.convertInlineLocked(); err != nil {
			i.writeLocked()
			return 0, err
		}
	}
	bs := int64(fs.g.blockSize)
	priv := privileged(ctx)
	done := int64(0)
	var werr error
	for done < n {
		pos := off + done
		lblk := uint32(pos >> fs.g.logBlockSize)
		bo := pos & (bs - 1)
		nb := uint32(min((bo+n-done+bs-1)/bs, 1<<20))
		pblk, cnt, fresh, err := i.getBlocksLocked(lblk, nb, priv)
		if err != nil {
			werr = err
			break
		}
		chunk := min(int64(cnt)*bs-bo, n-done)
		base := int64(pblk) << fs.g.logBlockSize
		if fresh {
			if bo > 0 {
				fs.dev.Fresh(base, bs)
				if err := fs.zeroRange(base, int(bo)); err != nil {
					werr = err
					break
				}
			}
			if end := bo + chunk; end < int64(cnt)*bs {
				fs.dev.Fresh(base+end&^(bs-1), bs)
				if err := fs.zeroRange(base+end, int(int64(cnt)*bs-end)); err != nil {
					werr = err
					break
				}
			}
		}
		at := int(done)
		c, err := fs.dev.WriteFunc(base+bo, int(chunk), func(b []byte) (int, error) {
			k, err := src.CopyIn(at, b)
			at += k
			return k, err
		})
		done += int64(c)
		if err != nil {
			if fresh {
				// New blocks must not show what they held before.
				fs.zeroRange(base+bo+int64(c), int(int64(cnt)*bs-bo-int64(c)))
			}
			werr = err
			break
		}
	}
	// A fault in the copy still moves the end of file to where it
	// happened, as Linux's write_end does.
	if done > 0 || werr == abi.EFAULT {
		if end := uint64(off + done); end > i.d.size {
			i.d.size = end
			if end > 1<<31-1 && !fs.g.hasRoCompat(roCompatLargeFile) {
				fs.setRoCompat(roCompatLargeFile)
			}
		}
	}
	if done < n && uint64(off+n) > i.d.size {
		// A short write: drop blocks allocated past the new end.
		i.removeBlocksLocked(fs.blocksOf(i.d.size), fs.blocksOf(uint64(off+n)))
	}
	if err := i.writeLocked(); err != nil && werr == nil {
		werr = err
	}
	if done > 0 {
		return int(done), nil
	}
	return 0, werr
}

// clearPrivsLocked drops set-user-ID (and set-group-ID when group
// executable) on a write by a caller without CAP_FSETID.
// Preconditions: i.mu is held for writing.
func (i *inode) clearPrivsLocked(ctx vfs.Context) {
	if i.d.mode&(abi.S_ISUID|abi.S_ISGID) == 0 || ctx.Creds().HasCap(abi.CAP_FSETID) {
		return
	}
	i.d.mode &^= abi.S_ISUID
	if i.d.mode&abi.S_IXGRP != 0 {
		i.d.mode &^= abi.S_ISGID
	}
}

// removeBlocksLocked unmaps and frees logical blocks [from, to).
// Preconditions: i.mu is held for writing.
func (i *inode) removeBlocksLocked(from, to uint64) error {
	if from >= to {
		return nil
	}
	if i.d.flags&flExtents == 0 {
		return i.indRemoveLocked(from, to)
	}
	op := &extOp{i: i, privileged: true}
	_, err := op.remove(from, to, true)
	if ferr := op.finish(); err == nil {
		err = ferr
	}
	return err
}

// truncateLocked sets the size of a regular file, freeing the blocks
// past a smaller end and zeroing the rest of its last block.
// Preconditions: i.mu is held for writing.
func (i *inode) truncateLocked(size uint64) error {
	fs := i.fs
	if int64(size) > i.maxBytes() || int64(size) < 0 {
		return abi.EFBIG
	}
	if i.d.flags&flInlineData != 0 {
		if err := i.convertInlineLocked(); err != nil {
			return err
		}
	}
	if size < i.d.size {
		if bo := size & uint64(fs.g.blockSize-1); bo != 0 {
			p, _, unwritten, err := i.bmapLocked(uint32(size >> fs.g.logBlockSize))
			if err != nil {
				return err
			}
			if p != 0 && !unwritten {
				if err := fs.zeroRange(int64(p)<<fs.g.logBlockSize+int64(bo), fs.g.blockSize-int(bo)); err != nil {
					return err
				}
			}
		}
	}
	// Blocks past the new end go, including unwritten ones that
	// fallocate kept beyond the old end.
	if err := i.removeBlocksLocked(fs.blocksOf(size), maxFileBlocks); err != nil {
		return err
	}
	i.d.size = size
	if size > 1<<31-1 && !fs.g.hasRoCompat(roCompatLargeFile) {
		fs.setRoCompat(roCompatLargeFile)
	}
	return nil
}

// SetAttr implements vfs.Inode. Nothing but the access time of an
// immutable inode changes (ext4_setattr: EPERM; a file made immutable
// after it was opened cannot be truncated through it either).
func (i *inode) SetAttr(ctx vfs.Context, s *vfs.SetAttr) error {
	if i.fs.readOnly() {
		return abi.EROFS
	}
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.dead {
		return abi.ENOENT
	}
	if i.d.flags&flImmutable != 0 && s.Mask&^vfs.SetAtime != 0 {
		return abi.EPERM
	}
	if s.Mask&vfs.SetSize != 0 {
		if i.typ() != abi.S_IFREG {
			return abi.EINVAL
		}
		if s.Size < 0 {
			return abi.EINVAL
		}
		if err := vfs.SizeLimit(ctx, s.Size, int64(i.d.size)); err != nil {
			return err
		}
		if err := i.truncateLocked(uint64(s.Size)); err != nil {
			return err
		}
		// Linux's ext4 updates both times on every truncate, also to
		// the same size (truncate(2) asks for them only on a change).
		if s.Mask&vfs.SetMtime == 0 {
			now := ctx.Now()
			i.d.mtime, i.d.ctime = now, now
		}
	}
	if s.Mask&vfs.SetMode != 0 {
		i.d.mode = i.d.mode&abi.S_IFMT | uint16(s.Mode&07777)
		if err := i.aclChmodLocked(); err != nil {
			return err
		}
	}
	if s.Mask&vfs.SetUID != 0 {
		i.d.uid = s.UID
	}
	if s.Mask&vfs.SetGID != 0 {
		i.d.gid = s.GID
	}
	if s.Mask&vfs.SetAtime != 0 {
		i.d.atime = s.Atime
	}
	if s.Mask&vfs.SetMtime != 0 {
		i.d.mtime = s.Mtime
	}
	if s.Mask&vfs.SetCtime != 0 {
		i.d.ctime = s.Ctime
	}
	return i.writeLocked()
}

var _ vfs.Allocator = (*regFile)(nil)

// Allocate implements vfs.Allocator (fallocate(2)) for regular files:
// allocation (unwritten extents, with or without FALLOC_FL_KEEP_SIZE),
// punching holes and zeroing ranges. Files without extents support only
// punching, as Linux's ext4 does.
func (f *regFile) Allocate(ctx vfs.Context, mode uint32, off, length int64) error {
	i := f.i
	fs := i.fs
	if fs.readOnly() {
		return abi.EROFS
	}
	if off < 0 || length <= 0 {
		return abi.EINVAL
	}
	const supported = abi.FALLOC_FL_KEEP_SIZE | abi.FALLOC_FL_PUNCH_HOLE | abi.FALLOC_FL_ZERO_RANGE |
		abi.FALLOC_FL_COLLAPSE_RANGE | abi.FALLOC_FL_INSERT_RANGE
	if mode&^supported != 0 {
		return abi.EOPNOTSUPP
	}
	punch := mode&abi.FALLOC_FL_PUNCH_HOLE != 0
	zero := mode&abi.FALLOC_FL_ZERO_RANGE != 0
	keep := mode&abi.FALLOC_FL_KEEP_SIZE != 0
	if punch && (!keep || zero) {
		return abi.EOPNOTSUPP
	}
	i.mu.Lock()
	defer i.mu.Unlock()
	if off+length < off || off+length > fs.maxBytes() {
		return abi.EFBIG
	}
	if i.d.flags&flInlineData != 0 {
		if err := i.convertInlineLocked(); err != nil {
			return err
		}
	}
	if mode&(abi.FALLOC_FL_COLLAPSE_RANGE|abi.FALLOC_FL_INSERT_RANGE) != 0 {
		return i.shiftRangeLocked(ctx, off, length, mode&abi.FALLOC_FL_INSERT_RANGE != 0)
	}
	if i.d.flags&flExtents == 0 && !punch {
		return abi.EOPNOTSUPP
	}
	end := off + length
	if !punch && !keep {
		// RLIMIT_FSIZE, for a size that grows only (Linux's ext4 leaves
		// FALLOC_FL_KEEP_SIZE unchecked).
		if err := vfs.SizeLimit(ctx, end, int64(i.d.size)); err != nil {
			return err
		}
	}
	var err error
	if punch || zero {
		err = i.punchLocked(off, end)
	}
	if err == nil && !punch {
		err = i.preallocLocked(ctx, off, end)
	}
	if err == nil && !keep && uint64(end) > i.d.size {
		i.d.size = uint64(end)
	}
	now := ctx.Now()
	i.d.ctime = now
	if punch || zero || !keep && uint64(end) > i.d.size {
		i.d.mtime = now
	}
	if werr := i.writeLocked(); err == nil {
		err = werr
	}
	return err
}

// shiftRangeLocked implements FALLOC_FL_COLLAPSE_RANGE (the blocks of
// [off, off+length) go and what follows moves down) and
// FALLOC_FL_INSERT_RANGE (what follows off moves up, leaving a hole), as
// Linux's ext4: extent-mapped files only, whole blocks only, strictly
// inside the file.
// Preconditions: i.mu is held for writing.
func (i *inode) shiftRangeLocked(ctx vfs.Context, off, length int64, insert bool) error {
	fs := i.fs
	if i.d.flags&flExtents == 0 {
		return abi.EOPNOTSUPP
	}
	bs := int64(fs.g.blockSize)
	if (off|length)&(bs-1) != 0 {
		return abi.EINVAL
	}
	size := int64(i.d.size)
	if insert && off >= size || !insert && off+length >= size {
		return abi.EINVAL
	}
	if insert && length > fs.maxBytes()-size {
		return abi.EFBIG
	}
	lb, n := uint64(off/bs), uint64(length/bs)
	if !insert {
		if err := i.removeBlocksLocked(lb, lb+n); err != nil {
			return err
		}
	}
	op := &extOp{i: i, privileged: privileged(ctx)}
	from := lb + n
	if insert {
		from = lb
	}
	pieces, err := op.remove(from, maxFileBlocks, false)
	if err == nil {
		for _, e := range pieces {
			if insert {
				if uint64(e.lblk)+uint64(e.len)+n > maxFileBlocks-1 {
					err = abi.EINVAL
					break
				}
				e.lblk += uint32(n)
			} else {
				e.lblk -= uint32(n)
			}
			if err = op.insert(e); err != nil {
				break
			}
		}
	}
	if ferr := op.finish(); err == nil {
		err = ferr
	}
	if err == nil {
		if insert {
			i.d.size += uint64(length)
		} else {
			i.d.size -= uint64(length)
		}
		now := ctx.Now()
		i.d.mtime, i.d.ctime = now, now
	}
	if werr := i.writeLocked(); err == nil {
		err = werr
	}
	return err
}

// punchLocked makes [off, end) read as zeros: partial blocks at the
// edges are zeroed, whole blocks inside are freed.
// Preconditions: i.mu is held for writing.
func (i *inode) punchLocked(off, end int64) error {
	fs := i.fs
	bs := int64(fs.g.blockSize)
	size := int64(i.d.size)
	if off >= size {
		// Linux punches beyond the end too (blocks kept by KEEP_SIZE).
		size = end
	}
	zeroPart := func(from, to int64) error {
		if from >= to {
			return nil
		}
		p, _, unwritten, err := i.bmapLocked(uint32(from / bs))
		if err != nil || p == 0 || unwritten {
			return err
		}
		return fs.zeroRange(int64(p)*bs+from%bs, int(to-from))
	}
	first := (off + bs - 1) / bs
	last := end / bs // exclusive
	if first > last {
		// Inside one block.
		return zeroPart(off, end)
	}
	if err := zeroPart(off, first*bs); err != nil {
		return err
	}
	if err := zeroPart(last*bs, end); err != nil {
		return err
	}
	return i.removeBlocksLocked(uint64(first), uint64(last))
}

// preallocLocked allocates unwritten extents over the holes of
// [off, end).
// Preconditions: i.mu is held for writing; the file has extents.
func (i *inode) preallocLocked(ctx vfs.Context, off, end int64) error {
	fs := i.fs
	bs := int64(fs.g.blockSize)
	lblk := uint64(off / bs)
	last := uint64((end + bs - 1) / bs)
	priv := privileged(ctx)
	for lblk < last {
		p, cnt, _, err := i.extMapLocked(uint32(lblk))
		if err != nil {
			return err
		}
		if p != 0 {
			lblk += uint64(cnt)
			continue
		}
		want := uint32(min(uint64(cnt), last-lblk, extUninitMaxLen))
		goal := i.dataGoal()
		if lblk > 0 {
			if pp, _, _, err := i.extMapLocked(uint32(lblk - 1)); err == nil && pp != 0 {
				goal = pp + 1
			}
		}
		blk, got, err := fs.allocBlocks(goal, want, priv, false)
		if err != nil {
			return err
		}
		i.addSectorsLocked(int64(got) * fs.blockSectors())
		op := &extOp{i: i, privileged: priv}
		err = op.insert(extent{lblk: uint32(lblk), len: got, pblk: blk, unwritten: true})
		if ferr := op.finish(); err == nil {
			err = ferr
		}
		if err != nil {
			i.addSectorsLocked(-int64(got) * fs.blockSectors())
			fs.freeBlocksRange(blk, uint64(got))
			return err
		}
		lblk += uint64(got)
	}
	return nil
}
