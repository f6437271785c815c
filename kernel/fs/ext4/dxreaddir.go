package ext4

import (
	"sort"

	"liblinux/abi"
	"liblinux/kernel/vfs"
)

// Hash-ordered listings, as Linux's ext4_dx_readdir. On a filesystem with
// dir_index, a directory with an index, of a single block or with inline
// data is listed in hash order, so that a listing in progress neither
// repeats nor misses entries when the directory grows into an index or
// its leaves split under it. An entry's position (the d_off of the entry
// before it) is (major hash >> 1) << 32 | minor hash; the last entry's
// d_off is htreeEOF64. In an index "." has hash 0 and ".." hash 2; in a
// single block or inline directory they are hashed like any name.

// htreeEOF64 is the position after the last entry of a hash-ordered
// listing (64-bit positions).
const htreeEOF64 = 1<<63 - 1

// hashKey is the sort key of an entry in a hash-ordered listing.
type hashKey struct{ major, minor uint32 }

func (a hashKey) less(b hashKey) bool {
	return a.major < b.major || a.major == b.major && a.minor < b.minor
}

// pos is the listing position of the key.
func (a hashKey) pos() int64 { return int64(a.major>>1)<<32 | int64(a.minor) }

// keyAt is the smallest key listed from position pos on.
func keyAt(pos int64) hashKey { return hashKey{uint32(pos>>32) << 1, uint32(pos)} }

// keyedDirent is an entry of a hash-ordered listing.
type keyedDirent struct {
	key hashKey
	d   vfs.Dirent
}

func sortKeyed(es []keyedDirent) {
	sort.SliceStable(es, func(a, b int) bool { return es[a].key.less(es[b].key) })
}

// hashOrdered reports whether directory i is listed in hash order.
func (i *inode) hashOrdered() bool {
	fs := i.fs
	if !fs.g.hasCompat(compatDirIndex) {
		return false
	}
	return i.d.flags&(flIndex|flInlineData) != 0 || i.d.size>>fs.g.logBlockSize == 1
}

// defaultHashVersion is the hash of directories without an index (the
// superblock's default, unsigned variant if the superblock says so).
func (fs *FS) defaultHashVersion() uint8 {
	v := fs.g.defHashVersion
	if v <= hashTea && fs.g.unsignedHash {
		v += 3
	}
	return v
}

// hashReadDirLocked lists a hash-ordered directory from position off. It
// returns errBadDx when the index cannot be used.
// Preconditions: i.mu is held.
func (i *inode) hashReadDirLocked(off int64, emit func(vfs.Dirent) bool) error {
	if off == htreeEOF64 {
		return nil
	}
	start := keyAt(off)
	// Each entry is emitted once the next one is known: its d_off is the
	// next entry's position.
	var pending *keyedDirent
	stopped := false
	push := func(es []keyedDirent) bool {
		for k := range es {
			if pending != nil {
				pending.d.Next = es[k].key.pos()
				if !emit(pending.d) {
					stopped = true
					return false
				}
			}
			pending = &es[k]
		}
		return true
	}
	var err error
	switch {
	case i.d.flags&flInlineData != 0:
		err = i.inlineHashListLocked(start, push)
	case i.isIndexed():
		err = i.dxListLocked(start, push)
	default:
		err = i.blockHashListLocked(start, push)
	}
	if err != nil || stopped || pending == nil {
		return err
	}
	pending.d.Next = htreeEOF64
	emit(pending.d)
	return nil
}

// hashBlockEntries appends the live entries of the entries area b whose
// keys are at least start.
func (i *inode) hashBlockEntries(out []keyedDirent, b []byte, version uint8, start hashKey) ([]keyedDirent, error) {
	fs := i.fs
	err := fs.parseDirents(b, func(d dirent) bool {
		h, m := nameHash(d.name, version, fs.g.hashSeed)
		k := hashKey{h, m}
		if d.ino == 0 || k.less(start) {
			return true
		}
		out = append(out, keyedDirent{k, vfs.Dirent{Name: string(d.name), Ino: uint64(d.ino), Type: dtype(d.ftype)}})
		return true
	})
	return out, err
}

// blockHashListLocked lists a one-block directory in hash order.
// Preconditions: i.mu is held.
func (i *inode) blockHashListLocked(start hashKey, push func([]keyedDirent) bool) error {
	b, err := i.readDirBlockLocked(0)
	if err != nil || b == nil {
		return err
	}
	es, err := i.hashBlockEntries(nil, b, i.fs.defaultHashVersion(), start)
	if err != nil {
		return err
	}
	sortKeyed(es)
	push(es)
	return nil
}

// inlineHashListLocked lists an inline directory in hash order: "." and
// ".." (which inline directories do not store) are hashed like names.
// Preconditions: i.mu is held.
func (i *inode) inlineHashListLocked(start hashKey, push func([]keyedDirent) bool) error {
	fs := i.fs
	hv := fs.defaultHashVersion()
	var es []keyedDirent
	for _, d := range []struct {
		name string
		ino  uint32
	}{{".", i.ino}, {"..", le32(i.d.block[:], 0)}} {
		h, m := nameHash([]byte(d.name), hv, fs.g.hashSeed)
		if k := (hashKey{h, m}); !k.less(start) {
			es = append(es, keyedDirent{k, vfs.Dirent{Name: d.name, Ino: uint64(d.ino), Type: abi.DT_DIR}})
		}
	}
	head, extra, err := i.inlineDataLocked()
	if err != nil {
		return err
	}
	for _, r := range [][]byte{head[inlineDotdotSize:], extra} {
		if len(r) == 0 {
			continue
		}
		if es, err = i.hashBlockEntries(es, r, hv, start); err != nil {
			return err
		}
	}
	sortKeyed(es)
	push(es)
	return nil
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

// dxListLocked lists an indexed directory in hash order from start, a
// group of leaves at a time: a leaf and the leaves continuing its last
// hash are sorted as a whole.
// Preconditions: i.mu is held.
func (i *inode) dxListLocked(start hashKey, push func([]keyedDirent) bool) error {
	frames, root, err := i.dxProbeLocked(start.major)
	if err != nil {
		return err
	}
	hv := i.hashVersion(root)
	var group []keyedDirent
	if start == (hashKey{}) {
		group = append(group, keyedDirent{hashKey{}, vfs.Dirent{Name: ".", Ino: uint64(i.ino), Type: abi.DT_DIR}})
	}
	if dd := (hashKey{2, 0}); !dd.less(start) {
		group = append(group, keyedDirent{dd, vfs.Dirent{Name: "..", Ino: uint64(le32(root, 12)), Type: abi.DT_DIR}})
	}
	for n := 0; n < maxDirBlocks; n++ {
		for {
			f := &frames[len(frames)-1]
			_, leaf := dxEntry(f.buf, f.off, f.at)
			b, err := i.readDirBlockLocked(leaf)
			if err != nil {
				return err
			}
			if b != nil {
				if group, err = i.hashBlockEntries(group, b, hv, start); err != nil {
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
		sortKeyed(group)
		if !push(group) {
			return nil
		}
		group = nil
		if _, ok, err := i.dxAdvanceLocked(frames); err != nil || !ok {
			return err
		}
	}
	return nil
}
