package ext4

import (
	"liblinux/abi"
	"liblinux/kernel/vfs"
)

// Directory entry format (ext4_dir_entry_2) and the checksum tail.
const (
	direntHeader   = 8
	direntTailSize = 12
	direntTailType = 0xDE
	maxDirBlocks   = 1 << 22 // bound on directory walks (16 GiB at 4 KiB)
)

// File types stored in directory entries.
const (
	ftUnknown = 0
	ftReg     = 1
	ftDir     = 2
	ftChr     = 3
	ftBlk     = 4
	ftFifo    = 5
	ftSock    = 6
	ftSymlink = 7
)

// direntLen is the space an entry with a name of n bytes needs.
func direntLen(n int) int { return (direntHeader + n + 3) &^ 3 }

// recLen decodes a stored rec_len.
func (fs *FS) recLen(b []byte, off int) int {
	v := int(le16(b, off+4))
	if fs.g.blockSize < 65536 {
		return v
	}
	if v == 65535 || v == 0 {
		return fs.g.blockSize
	}
	return v&65532 | (v&3)<<16
}

func (fs *FS) putRecLen(b []byte, off, n int) {
	if n < 65536 {
		put16(b, off+4, uint16(n))
		return
	}
	if n == fs.g.blockSize {
		put16(b, off+4, 65535)
		return
	}
	put16(b, off+4, uint16(n&65532|(n>>16)&3))
}

// dirent is a decoded directory entry at byte off of its block.
type dirent struct {
	off    int
	ino    uint32
	recLen int
	name   []byte
	ftype  uint8
}

// nameLen returns the entry's name length field.
func (fs *FS) direntNameLen(b []byte, off int) (int, uint8) {
	if fs.g.hasIncompat(incompatFiletype) {
		return int(b[off+6]), b[off+7]
	}
	return int(le16(b, off+6)), ftUnknown
}

// parseDirents calls fn for each entry of the directory block (or inline
// area) b, stopping when fn returns false. Entries are validated as
// Linux's ext4_check_dir_entry does; a bad one is EUCLEAN.
func (fs *FS) parseDirents(b []byte, fn func(d dirent) bool) error {
	for off := 0; off < len(b); {
		if off+direntHeader > len(b) {
			return abi.EUCLEAN
		}
		rl := fs.recLen(b, off)
		nl, ft := fs.direntNameLen(b, off)
		ino := le32(b, off)
		if rl < direntLen(1) || rl%4 != 0 || rl < direntLen(nl) || off+rl > len(b) ||
			ino > fs.g.inodesCount {
			return abi.EUCLEAN
		}
		d := dirent{off: off, ino: ino, recLen: rl, name: b[off+direntHeader : off+direntHeader+nl], ftype: ft}
		if !fn(d) {
			return nil
		}
		off += rl
	}
	return nil
}

// hasDirentTail reports whether block b ends in a checksum tail.
func (fs *FS) hasDirentTail(b []byte) bool {
	t := len(b) - direntTailSize
	return le32(b, t) == 0 && le16(b, t+4) == direntTailSize && b[t+6] == 0 && b[t+7] == direntTailType
}

// dirBlockCsum computes a leaf block's checksum.
func (i *inode) dirBlockCsum(b []byte) uint32 {
	return crc32c(i.seed, b[:len(b)-direntTailSize])
}

// isDxNode reports whether a directory block (not the first) is an
// htree interior node: a single empty entry covering the block.
func (fs *FS) isDxNode(b []byte) bool {
	return le32(b, 0) == 0 && fs.recLen(b, 0) == len(b) && b[6] == 0
}

// readDirBlockLocked reads logical block lblk of directory i and checks
// its checksum. It returns the data area (without the tail), or nil for
// a hole. Interior htree blocks are returned whole, checked as such.
// Preconditions: i.mu is held.
func (i *inode) readDirBlockLocked(lblk uint32) ([]byte, error) {
	fs := i.fs
	b := fs.newBuf()
	hole, err := i.readLogicalLocked(lblk, b)
	if err != nil {
		return nil, err
	}
	if hole {
		return nil, nil
	}
	if !fs.g.metadataCsum() {
		return b, nil
	}
	if i.isIndexed() && (lblk == 0 || fs.isDxNode(b)) {
		if err := i.checkDxCsum(b, lblk == 0); err != nil {
			return nil, err
		}
		return b, nil
	}
	if !fs.hasDirentTail(b) {
		fs.logf("inode #%d: lblock %d: No space for directory leaf checksum. Please run e2fsck -D.", i.ino, lblk)
		return nil, abi.EBADMSG
	}
	if le32(b, len(b)-4) != i.dirBlockCsum(b) {
		fs.logf("inode #%d: lblock %d: Directory block failed checksum", i.ino, lblk)
		return nil, abi.EBADMSG
	}
	return b[:len(b)-direntTailSize], nil
}

// nextDirBlockLocked reads directory block lblk, or skips the hole it is
// in: it returns the block (nil in a hole) and the next block number.
// Preconditions: i.mu is held.
func (i *inode) nextDirBlockLocked(lblk uint32) ([]byte, uint32, error) {
	p, n, unwritten, err := i.bmapLocked(lblk)
	if err != nil {
		return nil, 0, err
	}
	if p == 0 || unwritten {
		next := uint64(lblk) + uint64(max(n, 1))
		return nil, uint32(min(next, 1<<32-1)), nil
	}
	b, err := i.readDirBlockLocked(lblk)
	return b, lblk + 1, err
}

// isIndexed reports whether directory i uses an htree index.
func (i *inode) isIndexed() bool {
	return i.d.flags&flIndex != 0 && i.fs.g.hasCompat(compatDirIndex) && i.d.flags&flInlineData == 0
}

// dirBlocks returns the number of blocks of directory i.
func (i *inode) dirBlocks() uint32 {
	n := i.fs.blocksOf(i.d.size)
	if n > maxDirBlocks {
		n = maxDirBlocks
	}
	return uint32(n)
}

// lookupLocked finds name in directory i: its inode number, or ENOENT.
// Preconditions: i.mu is held.
func (i *inode) lookupLocked(name string) (uint32, error) {
	if i.d.flags&flInlineData != 0 {
		return i.inlineLookupLocked(name)
	}
	if i.isIndexed() {
		ino, err := i.dxLookupLocked(name)
		if err != errBadDx {
			return ino, err
		}
	}
	n := i.dirBlocks()
	for lblk, next := uint32(0), uint32(0); lblk < n; lblk = next {
		b, nx, err := i.nextDirBlockLocked(lblk)
		if err != nil {
			return 0, err
		}
		next = nx
		if b == nil || (i.isIndexed() && lblk > 0 && i.fs.isDxNode(b)) {
			continue
		}
		if ino, ok, err := i.fs.findInBlock(b, name); err != nil || ok {
			return ino, err
		}
	}
	return 0, abi.ENOENT
}

// findInBlock searches one block of entries for name.
func (fs *FS) findInBlock(b []byte, name string) (uint32, bool, error) {
	var ino uint32
	found := false
	err := fs.parseDirents(b, func(d dirent) bool {
		if d.ino != 0 && string(d.name) == name {
			ino, found = d.ino, true
			return false
		}
		return true
	})
	return ino, found, err
}

// dtype converts a stored file type to a DT_* value.
func dtype(ft uint8) uint8 {
	switch ft {
	case ftReg:
		return abi.DT_REG
	case ftDir:
		return abi.DT_DIR
	case ftChr:
		return abi.DT_CHR
	case ftBlk:
		return abi.DT_BLK
	case ftFifo:
		return abi.DT_FIFO
	case ftSock:
		return abi.DT_SOCK
	case ftSymlink:
		return abi.DT_LNK
	}
	return abi.DT_UNKNOWN
}

// modeFileType converts a mode to the stored file type.
func modeFileType(mode uint32) uint8 {
	switch mode & abi.S_IFMT {
	case abi.S_IFREG:
		return ftReg
	case abi.S_IFDIR:
		return ftDir
	case abi.S_IFCHR:
		return ftChr
	case abi.S_IFBLK:
		return ftBlk
	case abi.S_IFIFO:
		return ftFifo
	case abi.S_IFSOCK:
		return ftSock
	case abi.S_IFLNK:
		return ftSymlink
	}
	return ftUnknown
}

// Lookup implements vfs.Inode.
func (i *inode) Lookup(ctx vfs.Context, name string) (vfs.Inode, error) {
	if i.typ() != abi.S_IFDIR {
		return nil, abi.ENOTDIR
	}
	if len(name) > vfs.NameMax {
		return nil, abi.ENAMETOOLONG
	}
	i.mu.RLock()
	ino, err := i.lookupLocked(name)
	i.mu.RUnlock()
	if err != nil {
		return nil, err
	}
	c, err := i.fs.iget(ino)
	if err == abi.ESTALE {
		i.fs.logf("ext4_lookup: inode #%d: deleted inode referenced: %d", i.ino, ino)
		return nil, abi.EUCLEAN
	}
	return c, err
}

// ReadDir implements vfs.Inode. Offsets are hash positions where the
// directory is listed in hash order (see hashReadDirLocked), else byte
// positions in the directory (inline directories: see inlineReadDir).
func (i *inode) ReadDir(ctx vfs.Context, off int64, emit func(vfs.Dirent) bool) error {
	if i.typ() != abi.S_IFDIR {
		return abi.ENOTDIR
	}
	i.mu.RLock()
	if i.dead {
		i.mu.RUnlock()
		return abi.ENOENT
	}
	err := i.ReadDirLocked(off, emit)
	i.mu.RUnlock()
	i.touchAtime(ctx)
	return err
}

// ReadDirLocked implements ReadDir. Preconditions: i.mu is held.
func (i *inode) ReadDirLocked(off int64, emit func(vfs.Dirent) bool) error {
	if off < 0 {
		return abi.EINVAL
	}
	if i.hashOrdered() {
		if err := i.hashReadDirLocked(off, emit); err != errBadDx {
			return err
		}
	}
	if i.d.flags&flInlineData != 0 {
		return i.inlineReadDirLocked(off, emit)
	}
	bs := int64(i.fs.g.blockSize)
	n := i.dirBlocks()
	for lblk, next := uint32(min(off/bs, 1<<32-1)), uint32(0); lblk < n; lblk = next {
		b, nx, err := i.nextDirBlockLocked(lblk)
		if err != nil {
			return err
		}
		next = nx
		if b == nil || (i.isIndexed() && lblk > 0 && i.fs.isDxNode(b)) {
			continue
		}
		base := int64(lblk) * bs
		stop := false
		err = i.fs.parseDirents(b, func(d dirent) bool {
			pos := base + int64(d.off)
			if pos < off || d.ino == 0 {
				return true
			}
			next := pos + int64(d.recLen)
			if d.off+d.recLen == len(b) {
				next = base + bs // skip the checksum tail
			}
			if !emit(vfs.Dirent{Name: string(d.name), Ino: uint64(d.ino), Type: dtype(d.ftype), Next: next}) {
				stop = true
				return false
			}
			return true
		})
		if err != nil {
			return err
		}
		if stop {
			return nil
		}
	}
	return nil
}

// dirFile is an open directory: the VFS lists it through the inode; its
// positions are ext4's.
type dirFile struct {
	vfs.DirFile
	i *inode
}

var _ vfs.Seeker = dirFile{}

// Fsync implements vfs.Syncer: the directory's blocks (with everything
// else in the device's cache) go to the disk.
func (f dirFile) Fsync(ctx vfs.Context, datasync bool) error { return f.i.fs.Sync() }

// Seek implements vfs.Seeker as Linux's ext4_dir_llseek: a hash-ordered
// directory's positions run up to htreeEOF64, which is also its end;
// other directories seek as regular files do, their end being i_size.
func (f dirFile) Seek(ctx vfs.Context, cur, off int64, whence int) (int64, error) {
	i := f.i
	i.mu.RLock()
	defer i.mu.RUnlock()
	end, limit := int64(htreeEOF64), int64(htreeEOF64)
	if !i.hashOrdered() {
		end, limit = int64(i.d.size), i.maxBytes()
		if whence == abi.SEEK_DATA || whence == abi.SEEK_HOLE {
			return i.seekDataLocked(off, whence == abi.SEEK_HOLE)
		}
	}
	return vfs.SeekSize(cur, off, whence, end, limit)
}
