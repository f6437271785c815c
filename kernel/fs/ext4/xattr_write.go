package ext4

import (
	"bytes"
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

// storeXattrsLocked rewrites the inode's attributes: as many as fit in
// the inode (system.data first: inline data must stay there), the rest
// in a block. The inode itself is written by the caller.
// Preconditions: i.mu is held for writing.
func (i *inode) storeXattrsLocked(xs []xattr, priv bool) error {
	fs := i.fs
	for k := range xs {
		if xs[k].valueInum == 0 {
			xs[k].valueSize = uint32(len(xs[k].value))
		}
	}
	var ibody, block []xattr
	space := i.ibodySpace()
	used := 4
	// system.data goes first, then the rest in order while they fit.
	sort.SliceStable(xs, func(a, b int) bool {
		return xs[a].index == xiSystem && xs[a].name == "data" && !(xs[b].index == xiSystem && xs[b].name == "data")
	})
	for k := range xs {
		x := xs[k]
		sz := xattrEntrySize(&x) + xattrValueSize(&x)
		if len(block) == 0 && used+sz <= space {
			if x.valueInum == 0 {
				x.hash = 0
			}
			ibody = append(ibody, x)
			used += sz
			continue
		}
		if x.index == xiSystem && x.name == "data" {
			return abi.ENOSPC
		}
		if x.valueInum == 0 {
			x.hash = xattrEntryHash(&x)
		}
		block = append(block, x)
	}
	// In-inode part.
	start := goodOldInodeSize + int(i.d.extraIsize)
	if space > 0 {
		r := i.raw[start:]
		clear(r)
		if len(ibody) > 0 {
			put32(r, 0, xattrMagic)
			layoutXattrs(r[xattrIbodyHeader:], 0, 0, ibody)
		}
	}
	// Block part.
	old := i.d.fileACL
	if len(block) == 0 {
		if old != 0 {
			i.d.fileACL = 0
			return i.releaseXattrBlockLocked(old)
		}
		return nil
	}
	sort.Slice(block, func(a, b int) bool { return xattrLess(&block[a], &block[b]) })
	b := fs.newBuf()
	if !layoutXattrs(b, xattrHeaderSize, 0, block) {
		return abi.ENOSPC
	}
	put32(b, 0, xattrMagic)
	put32(b, 4, 1)
	put32(b, 8, 1)
	put32(b, 12, xattrBlockHash(block))
	blk := old
	if old != 0 {
		ob, err := fs.readXattrBlock(old)
		if err != nil {
			return err
		}
		if le32(ob, 4) > 1 {
			// Shared with other inodes: leave it to them.
			if err := i.releaseXattrBlockLocked(old); err != nil {
				return err
			}
			blk = 0
		}
	}
	if blk == 0 {
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
	i.d.fileACL = blk
	return nil
}

// releaseXattrBlockLocked drops the inode's reference to attribute block
// blk, freeing it when it was the last.
// Preconditions: i.mu is held for writing.
func (i *inode) releaseXattrBlockLocked(blk uint64) error {
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
		return fs.writeBlock(blk, b)
	}
	return fs.freeBlocksRange(blk, 1)
}

// setXattrLocked sets (value != nil) or removes attribute (index, name).
// Preconditions: i.mu is held for writing.
func (i *inode) setXattrLocked(index uint8, name string, value []byte, flags int, priv bool) error {
	xs, err := i.allXattrsLocked()
	if err != nil {
		return err
	}
	found := -1
	for k := range xs {
		if xs[k].index == index && xs[k].name == name {
			found = k
		}
	}
	if found >= 0 && xs[found].valueInum != 0 {
		// Values in EA inodes are read, not rewritten.
		return abi.EOPNOTSUPP
	}
	switch {
	case value == nil && found < 0:
		return abi.ENODATA
	case flags&abi.XATTR_CREATE != 0 && found >= 0:
		return abi.EEXIST
	case flags&abi.XATTR_REPLACE != 0 && found < 0:
		return abi.ENODATA
	}
	if value == nil {
		xs = append(xs[:found], xs[found+1:]...)
	} else if found >= 0 {
		if bytes.Equal(xs[found].value, value) {
			return nil
		}
		xs[found].value = value
	} else {
		xs = append(xs, xattr{index: index, name: name, value: value})
	}
	return i.storeXattrsLocked(xs, priv)
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
	return i.setXattrLocked(xiACLAccess, "", aclToDisk(es), 0, true)
}
