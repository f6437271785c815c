package ext4

import (
	"errors"
	"sort"

	"liblinux/abi"
)

// htree layout: the root block holds "." and ".." then dx_root_info at
// 0x18 and the entries at 0x20; interior nodes hold an empty entry
// covering the block and the entries at 8. Entries are {hash, block}
// pairs; the first one's hash slot holds {limit, count}.
const (
	dxRootInfo    = 0x18
	dxRootEntries = 0x20
	dxNodeEntries = 8
	dxEntrySize   = 8
	dxTailSize    = 8
)

// errBadDx means the index is unusable and a linear search must be used
// (Linux's ERR_BAD_DX_DIR).
var errBadDx = errors.New("bad htree index")

// dxLimit is the capacity of an index block whose entries start at off.
func (fs *FS) dxLimit(off int) int {
	n := fs.g.blockSize - off
	if fs.g.metadataCsum() {
		n -= dxTailSize
	}
	return n / dxEntrySize
}

// dxCsum computes the checksum of an index block with entries at off.
func (i *inode) dxCsum(b []byte, off, count, limit int) uint32 {
	c := crc32c(i.seed, b[:off+count*dxEntrySize])
	t := off + limit*dxEntrySize
	c = crc32c(c, b[t:t+4])
	return crc32c(c, []byte{0, 0, 0, 0})
}

// checkDxCsum verifies an index block's checksum.
func (i *inode) checkDxCsum(b []byte, root bool) error {
	off := dxNodeEntries
	if root {
		if len(b) < dxRootEntries+8 || b[dxRootInfo+5] != 8 {
			return nil // not a usable root: the lookup falls back
		}
		off = dxRootInfo + int(b[dxRootInfo+5])
	}
	limit, count := int(le16(b, off)), int(le16(b, off+2))
	if limit != i.fs.dxLimit(off) || count > limit {
		// Linux: no space for the tail; treated as corrupt by lookup.
		return nil
	}
	t := off + limit*dxEntrySize
	if t+dxTailSize > len(b) {
		return nil
	}
	if le32(b, t+4) != i.dxCsum(b, off, count, limit) {
		i.fs.logf("inode #%d: dx block failed checksum", i.ino)
		return abi.EBADMSG
	}
	return nil
}

// dxFrame is one level of a walk down the index.
type dxFrame struct {
	lblk  uint32 // directory block of this index node
	buf   []byte
	off   int // entries offset
	count int
	limit int
	at    int // entry chosen
}

func dxEntry(b []byte, off, k int) (hash, blk uint32) {
	o := off + k*dxEntrySize
	if k == 0 {
		return 0, le32(b, o+4)
	}
	return le32(b, o), le32(b, o+4)
}

// hashVersion returns the hash used by directory i's index.
func (i *inode) hashVersion(root []byte) uint8 {
	v := root[dxRootInfo+4]
	if v <= hashTea && i.fs.g.unsignedHash {
		v += 3
	}
	return v
}

// dxProbeLocked walks the index from the root to the leaf for hash. It
// returns the frames (root first), or errBadDx for an unusable index.
// Preconditions: i.mu is held.
func (i *inode) dxProbeLocked(hash uint32) ([]dxFrame, []byte, error) {
	fs := i.fs
	root, err := i.readDirBlockLocked(0)
	if err != nil {
		return nil, nil, err
	}
	if root == nil || len(root) != fs.g.blockSize {
		return nil, nil, errBadDx
	}
	info := root[dxRootInfo:]
	levels := int(info[6])
	maxLevels := 2
	if fs.g.hasIncompat(incompatLargedir) {
		maxLevels = 3
	}
	if le32(info, 0) != 0 || info[5] != 8 || levels >= maxLevels {
		fs.logf("inode #%d: htree: bad root info", i.ino)
		return nil, nil, errBadDx
	}
	switch info[4] {
	case hashLegacy, hashHalfMD4, hashTea:
	default:
		fs.logf("inode #%d: htree: unrecognised hash code %d", i.ino, info[4])
		return nil, nil, errBadDx
	}
	frames := make([]dxFrame, 0, levels+1)
	buf, lblk, off := root, uint32(0), dxRootEntries
	nblocks := i.dirBlocks()
	for level := 0; ; level++ {
		f := dxFrame{lblk: lblk, buf: buf, off: off}
		f.limit, f.count = int(le16(buf, off)), int(le16(buf, off+2))
		if f.limit != fs.dxLimit(off) || f.count == 0 || f.count > f.limit {
			fs.logf("inode #%d: htree: dx entry: limit %d != %d or count %d", i.ino, f.limit, fs.dxLimit(off), f.count)
			return nil, nil, errBadDx
		}
		f.at = sort.Search(f.count-1, func(k int) bool {
			h, _ := dxEntry(buf, off, k+1)
			return h > hash
		})
		frames = append(frames, f)
		_, child := dxEntry(buf, off, f.at)
		if child >= nblocks || child == 0 {
			fs.logf("inode #%d: htree: block %d out of range", i.ino, child)
			return nil, nil, errBadDx
		}
		if level == levels {
			return frames, root, nil
		}
		b, err := i.readDirBlockLocked(child)
		if err != nil {
			return nil, nil, err
		}
		if b == nil || !fs.isDxNode(b) {
			return nil, nil, errBadDx
		}
		buf, lblk, off = b, child, dxNodeEntries
	}
}

// dxNextLocked advances frames to the next leaf when its hash continues
// hash (a collision run spanning leaves). It returns false at the end.
// Preconditions: i.mu is held.
func (i *inode) dxNextLocked(frames []dxFrame, hash uint32) (bool, error) {
	k := len(frames) - 1
	for ; k >= 0; k-- {
		if frames[k].at+1 < frames[k].count {
			break
		}
	}
	if k < 0 {
		return false, nil
	}
	frames[k].at++
	h, _ := dxEntry(frames[k].buf, frames[k].off, frames[k].at)
	if h&^1 != hash || h&1 == 0 {
		return false, nil
	}
	for k < len(frames)-1 {
		_, child := dxEntry(frames[k].buf, frames[k].off, frames[k].at)
		b, err := i.readDirBlockLocked(child)
		if err != nil {
			return false, err
		}
		if b == nil || !i.fs.isDxNode(b) {
			return false, abi.EUCLEAN
		}
		k++
		frames[k] = dxFrame{lblk: child, buf: b, off: dxNodeEntries, at: 0}
		frames[k].limit, frames[k].count = int(le16(b, dxNodeEntries)), int(le16(b, dxNodeEntries+2))
		if frames[k].count == 0 || frames[k].count > frames[k].limit {
			return false, abi.EUCLEAN
		}
	}
	return true, nil
}

// dxLookupLocked finds name through the index.
// Preconditions: i.mu is held.
func (i *inode) dxLookupLocked(name string) (uint32, error) {
	root, err := i.readDirBlockLocked(0)
	if err != nil {
		return 0, err
	}
	if root == nil || len(root) < dxRootEntries+8 {
		return 0, errBadDx
	}
	hash, _ := nameHash([]byte(name), i.hashVersion(root), i.fs.g.hashSeed)
	frames, _, err := i.dxProbeLocked(hash)
	if err != nil {
		return 0, err
	}
	for n := 0; n < maxDirBlocks; n++ {
		f := &frames[len(frames)-1]
		_, leaf := dxEntry(f.buf, f.off, f.at)
		b, err := i.readDirBlockLocked(leaf)
		if err != nil {
			return 0, err
		}
		if b != nil {
			if ino, ok, err := i.fs.findInBlock(b, name); err != nil || ok {
				return ino, err
			}
		}
		more, err := i.dxNextLocked(frames, hash)
		if err != nil || !more {
			if err == nil {
				err = abi.ENOENT
			}
			return 0, err
		}
	}
	return 0, abi.ENOENT
}
