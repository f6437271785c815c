package ext4

import (
	"liblinux/abi"
	"liblinux/kernel/vfs"
	"liblinux/kernel/waiter"
)

// The orphan list holds inodes that are unlinked but still open (and
// files being truncated): the superblock names the first, each inode's
// i_dtime the next. A crash leaves them there for the next mount to
// finish. This driver keeps the list in memory too, so removing an entry
// never needs the lock of the inode before it.

// orphanAddLocked puts i at the head of the orphan list.
// Preconditions: i.mu is held for writing.
func (fs *FS) orphanAddLocked(i *inode) error {
	fs.orphanMu.Lock()
	defer fs.orphanMu.Unlock()
	fs.sbMu.Lock()
	head := le32(fs.sbRaw, sbLastOrphan)
	fs.sbMu.Unlock()
	fs.itableMu.Lock()
	fs.orphanNext[i.ino] = head
	fs.itableMu.Unlock()
	i.orphan = true
	if err := i.writeLocked(); err != nil {
		return err
	}
	fs.sbMu.Lock()
	put32(fs.sbRaw, sbLastOrphan, i.ino)
	err := fs.writeSuperLocked()
	fs.sbMu.Unlock()
	fs.orphans = append([]uint32{i.ino}, fs.orphans...)
	return err
}

// orphanDelLocked takes i off the orphan list.
// Preconditions: i.mu is held for writing.
func (fs *FS) orphanDelLocked(i *inode) error {
	fs.orphanMu.Lock()
	defer fs.orphanMu.Unlock()
	k := -1
	for j, o := range fs.orphans {
		if o == i.ino {
			k = j
			break
		}
	}
	i.orphan = false
	if k < 0 {
		return nil
	}
	fs.itableMu.Lock()
	next := fs.orphanNext[i.ino]
	delete(fs.orphanNext, i.ino)
	var err error
	if k > 0 {
		prev := fs.orphans[k-1]
		fs.orphanNext[prev] = next
		err = fs.patchDtimeLocked(prev, next)
	}
	fs.itableMu.Unlock()
	if k == 0 {
		fs.sbMu.Lock()
		put32(fs.sbRaw, sbLastOrphan, next)
		err = fs.writeSuperLocked()
		fs.sbMu.Unlock()
	}
	fs.orphans = append(fs.orphans[:k], fs.orphans[k+1:]...)
	return err
}

// patchDtimeLocked rewrites the i_dtime of inode ino's record on disk
// (its in-memory copy takes the value from orphanNext when written).
// Preconditions: fs.itableMu is held.
func (fs *FS) patchDtimeLocked(ino, v uint32) error {
	off, err := fs.inodeLoc(ino)
	if err != nil {
		return err
	}
	raw := make([]byte, fs.g.inodeSize)
	if err := fs.readAt(raw, off); err != nil {
		return err
	}
	put32(raw, iDtime, v)
	fs.setRecordCsum(ino, raw)
	return fs.writeAt(raw, off)
}

// processOrphans finishes what a crash interrupted: inodes on the orphan
// list (and in the orphan file) with no links are freed, the others are
// truncated to their size.
func (fs *FS) processOrphans(ctx vfs.Context) error {
	fs.sbMu.Lock()
	ino := le32(fs.sbRaw, sbLastOrphan)
	fs.sbMu.Unlock()
	seen := map[uint32]bool{}
	for ino != 0 {
		if seen[ino] || ino > fs.g.inodesCount || len(seen) > int(fs.g.inodesCount) {
			fs.logf("ext4_orphan_cleanup: bad orphan inode %d", ino)
			break
		}
		seen[ino] = true
		i, err := fs.igetFlags(ino, true)
		if err != nil {
			fs.logf("ext4_orphan_cleanup: bad orphan inode %d: %v", ino, err)
			break
		}
		i.mu.Lock()
		next := i.d.dtime
		i.d.dtime = 0
		fs.cleanOrphanLocked(ctx, i)
		i.mu.Unlock()
		ino = next
	}
	fs.sbMu.Lock()
	put32(fs.sbRaw, sbLastOrphan, 0)
	fs.sbMu.Unlock()
	return fs.processOrphanFile(ctx)
}

// cleanOrphanLocked frees an orphan without links or cuts one with links
// back to its size.
// Preconditions: i.mu is held for writing.
func (fs *FS) cleanOrphanLocked(ctx vfs.Context, i *inode) {
	if i.d.links == 0 {
		fs.logAt(logInfo, "deleting unreferenced inode %d", i.ino)
		if err := i.evictLocked(ctx); err != nil {
			fs.logf("ext4_orphan_cleanup: inode %d: %v", i.ino, err)
		}
		return
	}
	if i.typ() == abi.S_IFREG {
		fs.logAt(logInfo, "truncating inode %d to %d bytes", i.ino, i.d.size)
		if err := i.truncateLocked(i.d.size); err != nil {
			fs.logf("ext4_orphan_cleanup: inode %d: %v", i.ino, err)
		}
	}
	i.writeLocked()
}

// Orphan file blocks: an array of inode numbers and a tail with a magic
// number and a checksum.
const orphanBlockMagic = 0x0B10CA04

// orphanBlockCsum computes an orphan file block's checksum.
func (fs *FS) orphanBlockCsum(of *inode, blk uint64, b []byte) uint32 {
	c := crc32cU64(of.seed, blk)
	return crc32c(c, b[:len(b)-8])
}

// processOrphanFile cleans up the inodes listed in the orphan file.
func (fs *FS) processOrphanFile(ctx vfs.Context) error {
	g := fs.g
	if !g.hasCompat(compatOrphanFile) || g.orphanFileInum == 0 {
		return nil
	}
	of, err := fs.igetFlags(g.orphanFileInum, true)
	if err != nil {
		fs.logf("orphan file inode %d: %v", g.orphanFileInum, err)
		return nil
	}
	of.mu.Lock()
	defer of.mu.Unlock()
	nblk := fs.blocksOf(of.d.size)
	buf := fs.newBuf()
	for lblk := uint64(0); lblk < nblk && lblk < 1<<16; lblk++ {
		p, _, _, err := of.bmapLocked(uint32(lblk))
		if err != nil || p == 0 {
			continue
		}
		if err := fs.readBlock(p, buf); err != nil {
			continue
		}
		if le32(buf, len(buf)-8) != orphanBlockMagic {
			continue
		}
		if g.metadataCsum() && le32(buf, len(buf)-4) != fs.orphanBlockCsum(of, p, buf) {
			fs.logf("orphan file block %d: checksum invalid", lblk)
			continue
		}
		changed := false
		for k := 0; k < (len(buf)-8)/4; k++ {
			ino := le32(buf, 4*k)
			if ino == 0 {
				continue
			}
			put32(buf, 4*k, 0)
			changed = true
			if ino == of.ino {
				continue
			}
			i, err := fs.igetFlags(ino, true)
			if err != nil {
				continue
			}
			i.mu.Lock()
			fs.cleanOrphanLocked(ctx, i)
			i.mu.Unlock()
		}
		if changed {
			if g.metadataCsum() {
				put32(buf, len(buf)-4, fs.orphanBlockCsum(of, p, buf))
			}
			if err := fs.writeBlock(p, buf); err != nil {
				return err
			}
		}
	}
	fs.sbMu.Lock()
	if v := le32(fs.sbRaw, sbFeatureRoCompat); v&roCompatOrphanPresent != 0 {
		put32(fs.sbRaw, sbFeatureRoCompat, v&^roCompatOrphanPresent)
	}
	fs.sbMu.Unlock()
	return nil
}

// evictLocked frees an inode with no links and no users: its blocks,
// attribute block and number. The record keeps its deletion time.
// Preconditions: i.mu is held for writing.
func (i *inode) evictLocked(ctx vfs.Context) error {
	fs := i.fs
	if i.dead {
		return nil
	}
	if i.orphan {
		fs.orphanDelLocked(i)
	}
	var err error
	if i.hasBlocks() {
		err = i.removeBlocksLocked(0, maxFileBlocks)
		if i.d.flags&flExtents != 0 {
			i.initExtentRoot()
		}
	}
	if i.d.fileACL != 0 {
		if e := i.releaseXattrBlockLocked(i.d.fileACL); e != nil && err == nil {
			err = e
		}
		i.d.fileACL = 0
	}
	isDir := i.typ() == abi.S_IFDIR
	i.d.links = 0
	i.d.size = 0
	i.d.dtime = uint32(ctx.Now().Sec)
	if e := i.writeLocked(); e != nil && err == nil {
		err = e
	}
	if e := fs.freeInode(i.ino, isDir); e != nil && err == nil {
		err = e
	}
	i.dead = true
	return err
}

// release is called when an open file of i goes: the last one frees an
// unlinked inode.
func (i *inode) release() {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.opens--
	if i.opens == 0 && i.d.links == 0 && !i.dead && !i.fs.readOnly() {
		i.linkable = false
		if err := i.evictLocked(releaseCtx{i.fs}); err != nil {
			i.fs.logf("inode #%d: freeing at last close: %v", i.ino, err)
		}
	}
}

// releaseCtx stands in for a context where none is passed (the last
// close): only the time is used, from the mounter's clock.
type releaseCtx struct{ fs *FS }

func (releaseCtx) Creds() *vfs.Creds                     { return vfs.RootCreds() }
func (c releaseCtx) Now() vfs.Time                       { return c.fs.now() }
func (releaseCtx) Block(ev *waiter.Event, d int64) error { ev.Wait(); return nil }
