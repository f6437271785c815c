package ext4

import (
	"strings"

	"liblinux/abi"
	"liblinux/kernel/vfs"
)

// writeSuperLocked updates the superblock's counters and checksum and
// writes it. Preconditions: fs.sbMu is held.
func (fs *FS) writeSuperLocked() error {
	if fs.readOnly() {
		return nil
	}
	raw := fs.sbRaw
	fs.allocMu.Lock()
	fb, fi := fs.freeBlocks, fs.freeInodes
	fs.allocMu.Unlock()
	put32(raw, sbFreeBlocksLo, uint32(fb))
	if fs.g.hasIncompat(incompat64bit) {
		put32(raw, sbFreeBlocksHi, uint32(fb>>32))
	}
	put32(raw, sbFreeInodes, uint32(fi))
	if fs.g.metadataCsum() {
		put32(raw, sbChecksum, crc32c(^uint32(0), raw[:sbChecksum]))
	}
	return fs.dev.WriteAt(raw, sbSize)
}

// setTimeLocked stores a superblock time (low 32 bits and high 8 bits).
func setSuperTime(raw []byte, lo, hi int, t int64) {
	put32(raw, lo, uint32(t))
	raw[hi] = byte(t >> 32)
}

// mountRW prepares a read-write mount: orphans left by a crash are
// cleaned up and the superblock says "mounted, not clean".
func (fs *FS) mountRW(ctx vfs.Context) error {
	if fs.sbState()&stateValid == 0 {
		fs.logAt(logWarning, "warning: mounting unchecked fs, running e2fsck is recommended")
	}
	if err := fs.processOrphans(ctx); err != nil {
		return err
	}
	fs.sbMu.Lock()
	defer fs.sbMu.Unlock()
	raw := fs.sbRaw
	fs.mountState = le16(raw, sbState)
	put16(raw, sbState, fs.mountState&^stateValid)
	put16(raw, sbMntCount, le16(raw, sbMntCount)+1)
	setSuperTime(raw, sbMtime, sbMtimeHi, ctx.Now().Sec)
	if le32(raw, sbRevLevel) == 0 {
		// Linux upgrades a revision 0 superblock before writing features.
		fs.logAt(logWarning, "updating to rev 1 because of new feature flag")
	}
	return fs.writeSuperLocked()
}

func (fs *FS) sbState() uint16 {
	fs.sbMu.Lock()
	defer fs.sbMu.Unlock()
	return le16(fs.sbRaw, sbState)
}

// setFeature turns on a read-only-compatible feature (large_file when a
// file passes 2 GiB).
func (fs *FS) setRoCompat(f uint32) {
	fs.sbMu.Lock()
	defer fs.sbMu.Unlock()
	if v := le32(fs.sbRaw, sbFeatureRoCompat); v&f == 0 {
		put32(fs.sbRaw, sbFeatureRoCompat, v|f)
		fs.writeSuperLocked()
	}
}

// Sync writes everything to the disk (sync(2), syncfs(2)).
func (fs *FS) Sync() error {
	if fs.readOnly() {
		return nil
	}
	fs.sbMu.Lock()
	err := fs.writeSuperLocked()
	fs.sbMu.Unlock()
	if err2 := fs.dev.Sync(); err == nil {
		err = err2
	}
	return err
}

// unmount is called when the last mount (or file) goes: it logs the
// unmount, as Linux does, and releases the filesystem.
func (fs *FS) unmount() {
	u := fs.g.uuid
	fs.logAt(logInfo, "unmounting filesystem %x-%x-%x-%x-%x.", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
	fs.release()
}

// release marks the superblock clean and writes everything out (at
// unmount, and when a remount makes the filesystem read-only).
func (fs *FS) release() {
	if fs.readOnly() {
		return
	}
	fs.sbMu.Lock()
	raw := fs.sbRaw
	put16(raw, sbState, fs.mountState|le16(raw, sbState)&stateErrors)
	setSuperTime(raw, sbWtime, sbWtimeHi, fs.now().Sec)
	fs.writeSuperLocked()
	fs.sbMu.Unlock()
	if err := fs.dev.Sync(); err != nil {
		fs.logf("error syncing the device at unmount: %v", err)
	}
}

// Remount changes the filesystem between read-only and read-write
// (mount(2) with MS_REMOUNT): going read-only writes everything out and
// marks the filesystem clean; going read-write does what a read-write
// mount does. Other options are accepted as at mount.
func (fs *FS) Remount(ctx vfs.Context, flags uint64, data string) error {
	opts, bad, err := parseOpts(data, flags)
	if err != nil {
		fs.logf("Unrecognized mount option \"%s\" or missing value", bad)
		return err
	}
	fs.remountMu.Lock()
	defer fs.remountMu.Unlock()
	switch {
	case opts.ro && !fs.readOnly():
		fs.release()
		fs.ro.Store(true)
	case !opts.ro && fs.readOnly():
		if fs.dev.ReadOnly() {
			return abi.EROFS
		}
		if fs.overlay != nil || fs.g.hasIncompat(incompatRecover) {
			// The journal was replayed in memory only (or not at all).
			fs.logf("can't remount read-write: the journal needs recovery")
			return abi.EINVAL
		}
		if fs.g.roCompat&^roCompatSupported != 0 || fs.g.hasRoCompat(roCompatReadonly) {
			fs.logf("couldn't remount RDWR because of unsupported optional features (%x)", fs.g.roCompat&^roCompatSupported)
			return abi.EROFS
		}
		fs.ro.Store(false)
		if err := fs.mountRW(ctx); err != nil {
			fs.ro.Store(true)
			return err
		}
	}
	return nil
}

var (
	_ vfs.StatFSer  = (*FS)(nil)
	_ vfs.FSSyncer  = (*FS)(nil)
	_ vfs.Remounter = (*FS)(nil)
	_ vfs.Options   = (*FS)(nil)
)

// StatFS implements vfs.StatFSer.
func (fs *FS) StatFS(ctx vfs.Context) (abi.Statfs, error) { return fs.Statfs(), nil }

// SyncFS implements vfs.FSSyncer (sync(2), syncfs(2)).
func (fs *FS) SyncFS(ctx vfs.Context) error { return fs.Sync() }

// MountOptions implements vfs.Options: the options /proc/mounts shows
// after "rw" or "ro".
func (fs *FS) MountOptions() string {
	var o []string
	if fs.noAtime {
		o = append(o, "noatime")
	}
	if fs.noload {
		o = append(o, "norecovery")
	}
	return strings.Join(o, ",")
}

// Statfs reports usage (statfs(2)) as Linux's ext4 does: the total
// excludes the metadata overhead, and the reserved blocks are not
// available to ordinary users.
func (fs *FS) Statfs() abi.Statfs {
	g := fs.g
	fs.allocMu.Lock()
	fb, fi := fs.freeBlocks, fs.freeInodes
	fs.allocMu.Unlock()
	avail := int64(fb) - int64(g.rBlocksCount) - int64(fs.resv)
	if avail < 0 {
		avail = 0
	}
	u := g.uuid
	fsid0 := le32(u[:], 0) ^ le32(u[:], 8)
	fsid1 := le32(u[:], 4) ^ le32(u[:], 12)
	st := abi.Statfs{
		Type:    abi.EXT4_SUPER_MAGIC,
		Bsize:   int64(g.blockSize),
		Blocks:  int64(g.blocksCount - fs.overhead),
		Bfree:   int64(fb),
		Bavail:  avail,
		Files:   int64(g.inodesCount),
		Ffree:   int64(fi),
		Namelen: 255,
		Frsize:  int64(g.blockSize),
	}
	st.Fsid.Val[0] = int32(fsid0)
	st.Fsid.Val[1] = int32(fsid1)
	if fs.readOnly() {
		st.Flags |= abi.ST_RDONLY
	}
	return st
}

// computeOverhead counts the blocks that hold metadata rather than data:
// what statfs leaves out of the total.
func (fs *FS) computeOverhead() error {
	g := fs.g
	if v := le32(fs.sbRaw, sbOverheadClusters); v != 0 && uint64(v) < g.blocksCount {
		fs.overhead = uint64(v)
		return nil
	}
	fs.overhead = fs.countOverhead()
	return nil
}

// countOverhead adds up the metadata blocks: superblock and descriptor
// copies, bitmaps, inode tables and the journal.
func (fs *FS) countOverhead() uint64 {
	g := fs.g
	itBlocks := uint64(g.inodesPerGroup) * uint64(g.inodeSize) / uint64(g.blockSize)
	oh := g.firstDataBlock
	for grp := uint32(0); grp < g.groups; grp++ {
		oh += g.metaOverhead(grp) + 2 + itBlocks
	}
	if g.journalInum != 0 {
		// The journal counts by its length, as its superblock says.
		if j, err := fs.igetFlags(g.journalInum, true); err == nil {
			jr := &journal{fs: fs, ino: j}
			jsb := fs.newBuf()
			if jr.readLog(0, jsb) == nil && be32(jsb, 0) == jMagic {
				oh += uint64(be32(jsb, jsbMaxlen))
			}
		}
	}
	if oh >= g.blocksCount {
		oh = 0
	}
	return oh
}
