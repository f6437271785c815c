package ext4

import (
	"sort"

	"liblinux/abi"
	"liblinux/kernel/vfs"
)

// Indexed directories are listed in hash order, as Linux does, so that a
// listing in progress neither repeats nor misses entries when leaves
// split under it: an entry's offset is its position in hash order,
// (major hash >> 1) << 32 | (minor hash >> 1). "." and ".." come first
// at offsets 0 and 1.

func hashPos(major, minor uint32) int64 {
	return max(int64(major>>1)<<32|int64(minor>>1), 2)
}

// dxAdvanceLocked moves frames to the next leaf in index order and
// returns its index hash; false at the end.
// Preconditions: i.mu is held.
func (i *inode) dxAdvanceLocked(frames []dxFrame) (uint32, bool, error) {
	k := len(frames) - 1
	for ; k >= 0; k-- {
		if frames[k].at+1 < frames[k].count {
			break
		}
	}
	if k < 0 {
		return 0, false, nil
	}
	frames[k].at++
	h, _ := dxEntry(frames[k].buf, frames[k].off, frames[k].at)
	for k < len(frames)-1 {
		_, child := dxEntry(frames[k].buf, frames[k].off, frames[k].at)
		b, err := i.readDirBlockLocked(child)
		if err != nil {
			return 0, false, err
		}
		if b == nil || !i.fs.isDxNode(b) {
			return 0, false, abi.EUCLEAN
		}
		k++
		frames[k] = dxFrame{lblk: child, buf: b, off: dxNodeEntries, at: 0}
		frames[k].limit, frames[k].count = int(le16(b, dxNodeEntries)), int(le16(b, dxNodeEntries+2))
		if frames[k].count == 0 || frames[k].count > frames[k].limit {
			return 0, false, abi.EUCLEAN
		}
	}
	return h, true, nil
}

type posDirent struct {
	pos int64
	d   vfs.Dirent
}

// dxReadDirLocked lists an indexed directory from hash position off.
// It returns errBadDx when the index cannot be used.
// Preconditions: i.mu is held.
func (i *inode) dxReadDirLocked(off int64, emit func(vfs.Dirent) bool) error {
	fs := i.fs
	root, err := i.readDirBlockLocked(0)
	if err != nil {
		return err
	}
	if root == nil || len(root) < dxRootEntries+8 {
		return errBadDx
	}
	hv := i.hashVersion(root)
	start := max(off, 2)
	frames, _, err := i.dxProbeLocked(uint32(start>>32) << 1)
	if err != nil {
		return err
	}
	if off == 0 {
		if !emit(vfs.Dirent{Name: ".", Ino: uint64(i.ino), Type: abi.DT_DIR, Next: 1}) {
			return nil
		}
		off = 1
	}
	if off == 1 {
		parent := le32(root, 12)
		if !emit(vfs.Dirent{Name: "..", Ino: uint64(parent), Type: abi.DT_DIR, Next: 2}) {
			return nil
		}
	}
	for n := 0; n < maxDirBlocks; n++ {
		// A leaf and the leaves continuing its last hash form a group
		// that is sorted as a whole.
		var group []posDirent
		for {
			f := &frames[len(frames)-1]
			_, leaf := dxEntry(f.buf, f.off, f.at)
			b, err := i.readDirBlockLocked(leaf)
			if err != nil {
				return err
			}
			if b != nil {
				err = fs.parseDirents(b, func(d dirent) bool {
					if d.ino == 0 {
						return true
					}
					h, m := nameHash(d.name, hv, fs.g.hashSeed)
					if p := hashPos(h, m); p >= start {
						group = append(group, posDirent{p, vfs.Dirent{Name: string(d.name), Ino: uint64(d.ino), Type: dtype(d.ftype), Next: p + 1}})
					}
					return true
				})
				if err != nil {
					return err
				}
			}
			// Peek at the next leaf: does it continue a hash?
			k := len(frames) - 1
			for ; k >= 0 && frames[k].at+1 >= frames[k].count; k-- {
			}
			if k < 0 {
				break
			}
			h, _ := dxEntry(frames[k].buf, frames[k].off, frames[k].at+1)
			if h&1 == 0 {
				break
			}
			if _, ok, err := i.dxAdvanceLocked(frames); err != nil || !ok {
				return err
			}
		}
		sort.SliceStable(group, func(a, b int) bool { return group[a].pos < group[b].pos })
		for _, e := range group {
			if !emit(e.d) {
				return nil
			}
		}
		if _, ok, err := i.dxAdvanceLocked(frames); err != nil || !ok {
			return err
		}
	}
	return nil
}
