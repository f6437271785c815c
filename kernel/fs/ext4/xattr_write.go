package ext4

import (
	"bytes"
	"errors"
	"sort"

	"liblinux/abi"
	"liblinux/kernel/vfs"
)

// Attribute hashes: each entry's hash mixes its name and value, the block
// header's hash mixes the entries' hashes.
func xattrEntryHash(x *xattr) uint32 {
	var h uint32
	for k := 0; k < len(x.name); k++ {
		h = h<<5 ^ h>>27 ^ uint32(x.name[k])
	}
	if x.valueInum == 0 && len(x.value) > 0 {
		v := x.value
		for k := 0; k < len(v); k += 4 {
			var w [4]byte
			copy(w[:], v[k:])
			h = h<<16 ^ h>>16 ^ le32(w[:], 0)
		}
	}
	return h
}

func xattrBlockHash(xs []xattr) uint32 {
	var h uint32
	for k := range xs {
		if xs[k].hash == 0 {
			return 0
		}
		h = h<<16 ^ h>>16 ^ xs[k].hash
	}
	return h
}

func xattrEntrySize(x *xattr) int { return (xattrEntryHeader + len(x.name) + 3) &^ 3 }
func xattrValueSize(x *xattr) int {
	if x.valueInum != 0 {
		return 0
	}
	return (len(x.value) + 3) &^ 3
}

// layoutXattrs writes xs into region r (entries from entOff, values
// packed from the end, offsets relative to valBase). It reports false
// if they do not fit.
func layoutXattrs(r []byte, entOff, valBase int, xs []xattr) bool {
	need := entOff + 4
	for k := range xs {
		need += xattrEntrySize(&xs[k]) + xattrValueSize(&xs[k])
	}
	if need > len(r) {
		return false
	}
	clear(r[entOff:])
	off, vend := entOff, len(r)
	for k := range xs {
		x := &xs[k]
		voff := 0
		if x.valueInum == 0 && len(x.value) > 0 {
			vend -= xattrValueSize(x)
			copy(r[vend:], x.value)
			voff = vend - valBase
		}
		r[off] = byte(len(x.name))
		r[off+1] = x.index
		put16(r, off+2, uint16(voff))
		put32(r, off+4, x.valueInum)
		put32(r, off+8, uint32(len(x.value)))
		if x.valueInum != 0 {
			put32(r, off+8, x.valueSize)
		}
		put32(r, off+12, x.hash)
		copy(r[off+xattrEntryHeader:], x.name)
		off += xattrEntrySize(x)
	}
	return true
}

// xattrLess orders block entries as Linux searches them: by index, name
// length, name.
func xattrLess(a, b *xattr) bool {
	if a.index != b.index {
		return a.index < b.index
	}
	if len(a.name) != len(b.name) {
		return len(a.name) < len(b.name)
	}
	return a.name < b.name
}

// ibodySpace is the in-inode attribute space after the magic (0 if the
// inode has none).
func (i *inode) ibodySpace() int {
	n := i.fs.g.inodeSize - goodOldInodeSize - int(i.d.extraIsize) - xattrIbodyHeader
	if i.fs.g.inodeSize <= goodOldInodeSize || n < 0 {
		return 0
	}
	return n
}

// xattrsSize is the space entries xs take with their values and the
// terminating zero word.
func xattrsSize(xs []xattr) int {
	n := 4
	for k := range xs {
		n += xattrEntrySize(&xs[k]) + xattrValueSize(&xs[k])
	}
	return n
}

// storeIbodyLocked makes xs the in-inode attributes, in their order. The
// inode record itself is written by the caller.
// Preconditions: i.mu is held for writing.
func (i *inode) storeIbodyLocked(xs []xattr) error {
	space := i.ibodySpace()
	if len(xs) > 0 && xattrsSize(xs) > space {
		return abi.ENOSPC
	}
	if space == 0 {
		return nil
	}
	r := i.raw[goodOldInodeSize+int(i.d.extraIsize) : i.fs.g.inodeSize]
	clear(r)
	if len(xs) == 0 {
		return nil
	}
	for k := range xs {
		if xs[k].valueInum == 0 {
			xs[k].valueSize = uint32(len(xs[k].value))
			xs[k].hash = 0
		}
	}
	put32(r, 0, xattrMagic)
	layoutXattrs(r[xattrIbodyHeader:], 0, 0, xs)
	return nil
}

// xattrCacheMax bounds the attribute block cache (Linux's mbcache of
// ext4 keeps about as many before it shrinks).
const xattrCacheMax = 16384

// xattrCacheAddLocked remembers attribute block blk under its hash, so
// that an inode with the same attributes can share it, as Linux's
// mbcache does. Blocks with hash 0 are never shared.
// Preconditions: fs.xattrMu is held.
func (fs *FS) xattrCacheAddLocked(hash uint32, blk uint64) {
	if hash == 0 {
		return
	}
	if fs.xattrCache == nil {
		fs.xattrCache = make(map[uint32][]uint64)
	}
	for _, b := range fs.xattrCache[hash] {
		if b == blk {
			return
		}
	}
	if fs.xattrCacheLen >= xattrCacheMax {
		for h := range fs.xattrCache {
			fs.xattrCacheLen -= len(fs.xattrCache[h])
			delete(fs.xattrCache, h)
			if fs.xattrCacheLen < xattrCacheMax/2 {
				break
			}
		}
	}
	fs.xattrCache[hash] = append(fs.xattrCache[hash], blk)
	fs.xattrCacheLen++
}

// xattrCacheDropLocked forgets block blk.
// Preconditions: fs.xattrMu is held.
func (fs *FS) xattrCacheDropLocked(hash uint32, blk uint64) {
	bs := fs.xattrCache[hash]
	for k, b := range bs {
		if b == blk {
			fs.xattrCache[hash] = append(bs[:k:k], bs[k+1:]...)
			fs.xattrCacheLen--
			if len(fs.xattrCache[hash]) == 0 {
				delete(fs.xattrCache, hash)
			}
			return
		}
	}
}

// xattrCacheNote remembers an attribute block read from the disk.
func (fs *FS) xattrCacheNote(blk uint64, b []byte) {
	fs.xattrMu.Lock()
	if le32(b, 4) < xattrMaxRefs {
		fs.xattrCacheAddLocked(le32(b, 12), blk)
	}
	fs.xattrMu.Unlock()
}

// xattrMaxRefs is the most inodes one attribute block is shared by.
const xattrMaxRefs = 1024

// sameXattrs reports whether two entry lists are identical as Linux
// compares attribute blocks: hashes, names, sizes and values.
func sameXattrs(a, b []xattr) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		x, y := &a[k], &b[k]
		if x.hash != y.hash || x.index != y.index || x.name != y.name || x.valueInum != y.valueInum ||
			x.valueSize != y.valueSize || x.valueInum == 0 && string(x.value) != string(y.value) {
			return false
		}
	}
	return true
}

// xattrCacheFindLocked returns a cached block other than skip holding
// exactly entries xs that can take one more reference, newest first.
// Preconditions: fs.xattrMu is held.
func (fs *FS) xattrCacheFindLocked(hash uint32, xs []xattr, skip uint64) (uint64, []byte) {
	if hash == 0 {
		return 0, nil
	}
	bs := fs.xattrCache[hash]
	for k := len(bs) - 1; k >= 0; k-- {
		blk := bs[k]
		if blk == skip {
			continue
		}
		b, err := fs.readXattrBlock(blk)
		if err != nil || le32(b, 12) != hash {
			fs.xattrCacheDropLocked(hash, blk)
			continue
		}
		if le32(b, 4) >= xattrMaxRefs {
			continue
		}
		ys, err := parseXattrs(b, xattrHeaderSize, 0)
		if err == nil && sameXattrs(xs, ys) {
			return blk, b
		}
	}
	return 0, nil
}

// storeBlockLocked makes xs (sorted) the attributes of the inode's
// block, as Linux's ext4_xattr_block_set: a block of its own is changed
// in place, a shared one is left to its other users; then a cached block
// with the same attributes is shared if there is one, else the changed
// block is kept or a new one allocated. No attributes, no block. The
// inode record itself is written by the caller.
// Preconditions: i.mu is held for writing.
func (i *inode) storeBlockLocked(xs []xattr, priv bool) error {
	fs := i.fs
	for k := range xs {
		if xs[k].valueInum == 0 {
			xs[k].valueSize = uint32(len(xs[k].value))
			xs[k].hash = xattrEntryHash(&xs[k])
		}
	}
	b := fs.newBuf()
	if len(xs) > 0 && !layoutXattrs(b, xattrHeaderSize, 0, xs) {
		return abi.ENOSPC
	}
	hash := xattrBlockHash(xs)
	fs.xattrMu.Lock()
	defer fs.xattrMu.Unlock()
	old := i.d.fileACL
	own := false // the old block is this inode's alone: change it in place
	if old != 0 {
		ob, err := fs.readXattrBlock(old)
		if err != nil {
			return err
		}
		if le32(ob, 4) == 1 {
			own = true
			fs.xattrCacheDropLocked(le32(ob, 12), old)
		}
	}
	var blk uint64
	if len(xs) > 0 {
		put32(b, 0, xattrMagic)
		put32(b, 4, 1)
		put32(b, 8, 1)
		put32(b, 12, hash)
		if sb, sbuf := fs.xattrCacheFindLocked(hash, xs, old); sb != 0 {
			// Share an identical block.
			put32(sbuf, 4, le32(sbuf, 4)+1)
			if fs.g.metadataCsum() {
				put32(sbuf, 16, fs.xattrBlockCsum(sb, sbuf))
			}
			if err := fs.writeBlock(sb, sbuf); err != nil {
				return err
			}
			blk = sb
			i.addSectorsLocked(fs.blockSectors())
		} else {
			blk = old
			if !own {
				nb, _, err := fs.allocBlocks(i.dataGoal(), 1, priv, true)
				if err != nil {
					return err
				}
				blk = nb
				i.addSectorsLocked(fs.blockSectors())
			}
			if fs.g.metadataCsum() {
				put32(b, 16, fs.xattrBlockCsum(blk, b))
			}
			if err := fs.writeBlock(blk, b); err != nil {
				return err
			}
			fs.xattrCacheAddLocked(hash, blk)
		}
	}
	i.d.fileACL = blk
	if old != 0 && old != blk {
		return i.releaseXattrBlockXLocked(old)
	}
	return nil
}

// releaseXattrBlockLocked drops the inode's reference to attribute block
// blk, freeing it when it was the last.
// Preconditions: i.mu is held for writing.
func (i *inode) releaseXattrBlockLocked(blk uint64) error {
	i.fs.xattrMu.Lock()
	defer i.fs.xattrMu.Unlock()
	return i.releaseXattrBlockXLocked(blk)
}

// releaseXattrBlockXLocked is releaseXattrBlockLocked with fs.xattrMu
// held.
// Preconditions: i.mu is held for writing; fs.xattrMu is held.
func (i *inode) releaseXattrBlockXLocked(blk uint64) error {
	fs := i.fs
	i.addSectorsLocked(-fs.blockSectors())
	b, err := fs.readXattrBlock(blk)
	if err != nil {
		return err
	}
	if ref := le32(b, 4); ref > 1 {
		put32(b, 4, ref-1)
		if fs.g.metadataCsum() {
			put32(b, 16, fs.xattrBlockCsum(blk, b))
		}
		if ref-1 < xattrMaxRefs {
			fs.xattrCacheAddLocked(le32(b, 12), blk)
		}
		return fs.writeBlock(blk, b)
	}
	fs.xattrCacheDropLocked(le32(b, 12), blk)
	return fs.freeBlocksRange(blk, 1)
}

// errSameValue says an attribute already has the value being set:
// nothing changes, not even the change time.
var errSameValue = errors.New("same xattr value")

// setXattrLocked sets (value != nil) or removes attribute (index, name)
// as Linux's ext4_xattr_set_handle: a value goes in the inode if it fits
// there, else in the block (and leaves the other place); in the inode new
// names go last, in the block in sorted order.
// Preconditions: i.mu is held for writing.
func (i *inode) setXattrLocked(index uint8, name string, value []byte, flags int, priv bool) error {
	ib, err := i.ibodyXattrsLocked()
	if err != nil {
		return err
	}
	bl, err := i.blockXattrsLocked()
	if err != nil {
		return err
	}
	find := func(xs []xattr) int {
		for k := range xs {
			if xs[k].index == index && xs[k].name == name {
				return k
			}
		}
		return -1
	}
	fi, fb := find(ib), find(bl)
	if fi >= 0 && ib[fi].valueInum != 0 || fi < 0 && fb >= 0 && bl[fb].valueInum != 0 {
		// Values in EA inodes are read, not rewritten.
		return abi.EOPNOTSUPP
	}
	found := fi >= 0 || fb >= 0
	switch {
	case value == nil && !found:
		return abi.ENODATA
	case flags&abi.XATTR_CREATE != 0 && found:
		return abi.EEXIST
	case flags&abi.XATTR_REPLACE != 0 && !found:
		return abi.ENODATA
	}
	without := func(xs []xattr, k int) []xattr {
		return append(append([]xattr(nil), xs[:k]...), xs[k+1:]...)
	}
	if value == nil {
		if fi >= 0 {
			return i.storeIbodyLocked(without(ib, fi))
		}
		return i.storeBlockLocked(without(bl, fb), priv)
	}
	if fi >= 0 && bytes.Equal(ib[fi].value, value) || fi < 0 && fb >= 0 && bytes.Equal(bl[fb].value, value) {
		return errSameValue
	}
	x := xattr{index: index, name: name, value: value, valueSize: uint32(len(value))}
	// The inode first.
	nib := append([]xattr(nil), ib...)
	if fi >= 0 {
		nib[fi] = x
	} else {
		nib = append(nib, x)
	}
	if i.ibodySpace() > 0 && xattrsSize(nib) <= i.ibodySpace() {
		if err := i.storeIbodyLocked(nib); err != nil {
			return err
		}
		if fb >= 0 {
			return i.storeBlockLocked(without(bl, fb), priv)
		}
		return nil
	}
	if index == xiSystem && name == "data" {
		// Inline data stays in the inode.
		return abi.ENOSPC
	}
	// Then the block.
	nbl := append([]xattr(nil), bl...)
	if fb >= 0 {
		nbl[fb] = x
	} else {
		at := sort.Search(len(nbl), func(k int) bool { return !xattrLess(&nbl[k], &x) })
		nbl = append(nbl[:at], append([]xattr{x}, nbl[at:]...)...)
	}
	if xattrHeaderSize+xattrsSize(nbl) > i.fs.g.blockSize {
		return abi.ENOSPC
	}
	if err := i.storeBlockLocked(nbl, priv); err != nil {
		return err
	}
	if fi >= 0 {
		return i.storeIbodyLocked(without(ib, fi))
	}
	return nil
}

// SetXattr implements vfs.Xattrer (setxattr(2)) with flags XATTR_CREATE
// or XATTR_REPLACE. POSIX ACLs are converted to the on-disk form; an
// access ACL equivalent to the mode only sets the mode.
func (i *inode) SetXattr(ctx vfs.Context, name string, value []byte, flags uint32) error {
	fs := i.fs
	if fs.readOnly() {
		return abi.EROFS
	}
	if flags&^(abi.XATTR_CREATE|abi.XATTR_REPLACE) != 0 {
		return abi.EINVAL
	}
	idx, suffix, err := fs.xattrName(name)
	if err != nil {
		return err
	}
	if len(value) > 65536 {
		return abi.E2BIG
	}
	if value == nil {
		value = []byte{}
	}
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.dead {
		return abi.ENOENT
	}
	if idx == xiACLAccess || idx == xiACLDefault {
		es, err := aclFromXattr(value)
		if err != nil {
			return err
		}
		if idx == xiACLDefault && i.typ() != abi.S_IFDIR {
			return abi.EACCES
		}
		if idx == xiACLAccess {
			mode, equiv := aclMode(es)
			i.d.mode = i.d.mode&^0777 | uint16(mode)
			if equiv {
				if err := i.setXattrLocked(idx, "", nil, 0, true); err != nil && err != abi.ENODATA {
					return err
				}
				i.d.ctime = ctx.Now()
				return i.writeLocked()
			}
		}
		value = aclToDisk(es)
	}
	if err := i.setXattrLocked(idx, suffix, value, int(flags), privileged(ctx)); err != nil {
		if err == errSameValue {
			return nil
		}
		return err
	}
	i.d.ctime = ctx.Now()
	return i.writeLocked()
}

// RemoveXattr implements vfs.Xattrer (removexattr(2)).
func (i *inode) RemoveXattr(ctx vfs.Context, name string) error {
	fs := i.fs
	if fs.readOnly() {
		return abi.EROFS
	}
	idx, suffix, err := fs.xattrName(name)
	if err != nil {
		return err
	}
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.dead {
		return abi.ENOENT
	}
	if err := i.setXattrLocked(idx, suffix, nil, 0, true); err != nil {
		return err
	}
	i.d.ctime = ctx.Now()
	return i.writeLocked()
}

// aclMode returns the permission bits an access ACL implies and whether
// the ACL says nothing more than they do.
func aclMode(es []aclEntry) (uint32, bool) {
	var mode uint32
	var group, mask uint16
	hasMask, equiv := false, true
	for _, e := range es {
		switch e.tag {
		case aclUserObj:
			mode |= uint32(e.perm&7) << 6
		case aclGroupObj:
			group = e.perm & 7
		case aclOther:
			mode |= uint32(e.perm & 7)
		case aclMask:
			mask, hasMask = e.perm&7, true
			equiv = false
		default:
			equiv = false
		}
	}
	if hasMask {
		mode |= uint32(mask) << 3
	} else {
		mode |= uint32(group) << 3
	}
	return mode, equiv
}

// aclChmodLocked keeps an access ACL in step with a new mode, as
// chmod(2) does: the owner, other and mask (or group) entries take the
// mode's bits.
// Preconditions: i.mu is held for writing.
func (i *inode) aclChmodLocked() error {
	if !i.fs.acl {
		return nil
	}
	v, err := i.findXattrLocked(xiACLAccess, "")
	if err == abi.ENODATA {
		return nil
	}
	if err != nil {
		return err
	}
	es, err := aclFromDisk(v)
	if err != nil {
		return nil
	}
	hasMask := false
	for _, e := range es {
		hasMask = hasMask || e.tag == aclMask
	}
	mode := uint16(i.d.mode)
	for k := range es {
		switch es[k].tag {
		case aclUserObj:
			es[k].perm = mode >> 6 & 7
		case aclOther:
			es[k].perm = mode & 7
		case aclMask:
			es[k].perm = mode >> 3 & 7
		case aclGroupObj:
			if !hasMask {
				es[k].perm = mode >> 3 & 7
			}
		}
	}
	if err := i.setXattrLocked(xiACLAccess, "", aclToDisk(es), 0, true); err != errSameValue {
		return err
	}
	return nil
}
