package ext4

import (
	"sort"

	"liblinux/abi"
)

// newDirent is an entry to write.
type newDirent struct {
	name  string
	ino   uint32
	ftype uint8
}

// putDirent writes an entry header and name at off with rec_len rl.
func (fs *FS) putDirent(b []byte, off, rl int, e newDirent) {
	put32(b, off, e.ino)
	fs.putRecLen(b, off, rl)
	if fs.g.hasIncompat(incompatFiletype) {
		b[off+6] = byte(len(e.name))
		b[off+7] = e.ftype
	} else {
		put16(b, off+6, uint16(len(e.name)))
	}
	n := copy(b[off+direntHeader:], e.name)
	clear(b[off+direntHeader+n : off+direntLen(len(e.name))])
}

// dataLen is the part of a directory block that holds entries.
func (fs *FS) dataLen() int {
	if fs.g.metadataCsum() {
		return fs.g.blockSize - direntTailSize
	}
	return fs.g.blockSize
}

// packDirents lays entries out in a fresh leaf block (the last one takes
// the rest of the space) and returns the whole block.
func (fs *FS) packDirents(es []newDirent) []byte {
	b := fs.newBuf()
	dl := fs.dataLen()
	off := 0
	if len(es) == 0 {
		fs.putRecLen(b, 0, dl)
	}
	for k, e := range es {
		rl := direntLen(len(e.name))
		if k == len(es)-1 {
			rl = dl - off
		}
		fs.putDirent(b, off, rl, e)
		off += rl
	}
	return b
}

// writeDirBlockLocked writes leaf block b (whole block) at logical block
// lblk, adding the checksum tail.
// Preconditions: i.mu is held for writing.
func (i *inode) writeDirBlockLocked(lblk uint32, b []byte) error {
	fs := i.fs
	if fs.g.metadataCsum() {
		t := len(b) - direntTailSize
		clear(b[t:])
		put16(b, t+4, direntTailSize)
		b[t+7] = direntTailType
		put32(b, len(b)-4, i.dirBlockCsum(b))
	}
	return i.writeRawDirBlockLocked(lblk, b)
}

// writeRawDirBlockLocked writes a directory block as is.
func (i *inode) writeRawDirBlockLocked(lblk uint32, b []byte) error {
	p, _, unwritten, err := i.bmapLocked(lblk)
	if err != nil {
		return err
	}
	if p == 0 || unwritten {
		return abi.EUCLEAN
	}
	return i.fs.writeBlock(p, b)
}

// appendDirBlockLocked adds block b at the end of directory i.
// Preconditions: i.mu is held for writing.
func (i *inode) appendDirBlockLocked(b []byte, leaf bool) (uint32, error) {
	fs := i.fs
	lblk := uint32(i.d.size >> fs.g.logBlockSize)
	if uint64(lblk)+1 >= maxDirBlocks {
		return 0, abi.ENOSPC
	}
	if !fs.g.hasIncompat(incompatLargedir) && (uint64(lblk)+1)<<fs.g.logBlockSize >= 1<<32 {
		return 0, abi.ENOSPC
	}
	if _, _, _, err := i.getBlocksLocked(lblk, 1, true); err != nil {
		return 0, err
	}
	i.d.size += uint64(fs.g.blockSize)
	if leaf {
		return lblk, i.writeDirBlockLocked(lblk, b)
	}
	return lblk, i.writeRawDirBlockLocked(lblk, b)
}

// readLeafLocked reads a leaf block whole (with its tail space).
func (i *inode) readLeafLocked(lblk uint32) ([]byte, error) {
	d, err := i.readDirBlockLocked(lblk)
	if err != nil || d == nil {
		return nil, err
	}
	return d[:i.fs.g.blockSize], nil
}

// insertInBlock puts e into free space of the entries area b.
func (fs *FS) insertInBlock(b []byte, e newDirent) (bool, error) {
	need := direntLen(len(e.name))
	done := false
	err := fs.parseDirents(b, func(d dirent) bool {
		used := 0
		if d.ino != 0 {
			used = direntLen(len(d.name))
		}
		if d.recLen-used < need {
			return true
		}
		if used == 0 {
			fs.putDirent(b, d.off, d.recLen, e)
		} else {
			fs.putRecLen(b, d.off, used)
			fs.putDirent(b, d.off+used, d.recLen-used, e)
		}
		done = true
		return false
	})
	return done, err
}

// removeFromBlock removes name from the entries area b: the space joins
// the previous entry, or the entry is cleared if it is the first.
func (fs *FS) removeFromBlock(b []byte, name string) (uint32, bool, error) {
	prev := -1
	var ino uint32
	found := false
	err := fs.parseDirents(b, func(d dirent) bool {
		if d.ino != 0 && string(d.name) == name {
			ino, found = d.ino, true
			if prev >= 0 {
				fs.putRecLen(b, prev, fs.recLen(b, prev)+d.recLen)
			} else {
				put32(b, d.off, 0)
			}
			return false
		}
		prev = d.off
		return true
	})
	return ino, found, err
}

// setInBlock points the entry name at ino.
func (fs *FS) setInBlock(b []byte, name string, ino uint32, ft uint8) (bool, error) {
	found := false
	err := fs.parseDirents(b, func(d dirent) bool {
		if d.ino != 0 && string(d.name) == name {
			put32(b, d.off, ino)
			if fs.g.hasIncompat(incompatFiletype) {
				b[d.off+7] = ft
			}
			found = true
			return false
		}
		return true
	})
	return found, err
}

// leafFor returns the candidate leaf blocks that may hold name: through
// the index when the directory has one, else every block.
// Preconditions: i.mu is held.
func (i *inode) forEachLeafLocked(name string, fn func(lblk uint32, b []byte) (bool, error)) error {
	if i.isIndexed() {
		root, err := i.readDirBlockLocked(0)
		if err != nil {
			return err
		}
		if root != nil && len(root) >= dxRootEntries+8 {
			hash, _ := nameHash([]byte(name), i.hashVersion(root), i.fs.g.hashSeed)
			frames, _, err := i.dxProbeLocked(hash)
			if err == nil {
				for n := 0; n < maxDirBlocks; n++ {
					f := &frames[len(frames)-1]
					_, leaf := dxEntry(f.buf, f.off, f.at)
					b, err := i.readLeafLocked(leaf)
					if err != nil {
						return err
					}
					if b != nil {
						if stop, err := fn(leaf, b); stop || err != nil {
							return err
						}
					}
					more, err := i.dxNextLocked(frames, hash)
					if err != nil || !more {
						return err
					}
				}
				return nil
			}
			if err != errBadDx {
				return err
			}
		}
	}
	n := i.dirBlocks()
	for lblk, next := uint32(0), uint32(0); lblk < n; lblk = next {
		b, nx, err := i.nextDirBlockLocked(lblk)
		if err != nil {
			return err
		}
		next = nx
		if b == nil || (i.isIndexed() && lblk > 0 && i.fs.isDxNode(b)) || (i.isIndexed() && lblk == 0) {
			continue
		}
		if stop, err := fn(lblk, b[:i.fs.g.blockSize]); stop || err != nil {
			return err
		}
	}
	return nil
}

// removeEntryLocked removes name from directory i and returns its inode.
// Preconditions: i.mu is held for writing.
func (i *inode) removeEntryLocked(name string) (uint32, error) {
	if i.d.flags&flInlineData != 0 {
		if err := i.convertInlineLocked(); err != nil {
			return 0, err
		}
	}
	var ino uint32
	found := false
	err := i.forEachLeafLocked(name, func(lblk uint32, b []byte) (bool, error) {
		x, ok, err := i.fs.removeFromBlock(b[:i.fs.dataLen()], name)
		if err != nil || !ok {
			return false, err
		}
		ino, found = x, true
		return true, i.writeDirBlockLocked(lblk, b)
	})
	if err == nil && !found {
		err = abi.ENOENT
	}
	return ino, err
}

// setEntryLocked points name (which exists) at ino.
// Preconditions: i.mu is held for writing.
func (i *inode) setEntryLocked(name string, ino uint32, ft uint8) error {
	if i.d.flags&flInlineData != 0 {
		if err := i.convertInlineLocked(); err != nil {
			return err
		}
	}
	found := false
	err := i.forEachLeafLocked(name, func(lblk uint32, b []byte) (bool, error) {
		ok, err := i.fs.setInBlock(b[:i.fs.dataLen()], name, ino, ft)
		if err != nil || !ok {
			return false, err
		}
		found = true
		return true, i.writeDirBlockLocked(lblk, b)
	})
	if err == nil && !found {
		err = abi.ENOENT
	}
	return err
}

// addEntryLocked adds name -> ino to directory i.
// Preconditions: i.mu is held for writing.
func (i *inode) addEntryLocked(e newDirent) error {
	fs := i.fs
	if i.d.flags&flInlineData != 0 {
		if err := i.convertInlineLocked(); err != nil {
			return err
		}
	}
	if !fs.g.hasIncompat(incompatFiletype) {
		e.ftype = 0
	}
	if i.isIndexed() {
		err := i.dxAddLocked(e)
		if err != errBadDx {
			return err
		}
		// An unusable index: Linux clears the flag and goes on linearly.
		i.d.flags &^= flIndex
	}
	n := i.dirBlocks()
	for lblk, next := uint32(0), uint32(0); lblk < n; lblk = next {
		b, nx, err := i.nextDirBlockLocked(lblk)
		if err != nil {
			return err
		}
		next = nx
		if b == nil {
			continue
		}
		b = b[:fs.g.blockSize]
		ok, err := fs.insertInBlock(b[:fs.dataLen()], e)
		if err != nil {
			return err
		}
		if ok {
			return i.writeDirBlockLocked(lblk, b)
		}
	}
	if n == 1 && fs.g.hasCompat(compatDirIndex) {
		return i.makeIndexedLocked(e)
	}
	_, err := i.appendDirBlockLocked(fs.packDirents([]newDirent{e}), true)
	return err
}

// hashedDirent is an entry with its hash, for splitting leaves.
type hashedDirent struct {
	newDirent
	hash, minor uint32
}

// leafEntries returns the live entries of a leaf with their hashes.
func (i *inode) hashEntries(b []byte, version uint8) ([]hashedDirent, error) {
	var out []hashedDirent
	err := i.fs.parseDirents(b, func(d dirent) bool {
		if d.ino != 0 {
			h, m := nameHash(d.name, version, i.fs.g.hashSeed)
			out = append(out, hashedDirent{newDirent{string(d.name), d.ino, d.ftype}, h, m})
		}
		return true
	})
	return out, err
}

// splitPoint picks where sorted entries are split in two leaves: about
// half of the bytes go to each.
func splitPoint(es []hashedDirent) int {
	total := 0
	for _, e := range es {
		total += direntLen(len(e.name))
	}
	size, k := 0, len(es)
	for k > 1 {
		s := direntLen(len(es[k-1].name))
		if size+s/2 > total/2 {
			break
		}
		size += s
		k--
	}
	if k == len(es) {
		k = len(es) - 1
	}
	return max(k, 1)
}

// makeIndexedLocked turns a full one-block directory into an indexed one
// with the new entry: block 0 becomes the index root, its entries are
// split by hash between blocks 1 and 2.
// Preconditions: i.mu is held for writing.
func (i *inode) makeIndexedLocked(e newDirent) error {
	fs := i.fs
	b, err := i.readLeafLocked(0)
	if err != nil {
		return err
	}
	if b == nil {
		_, err := i.appendDirBlockLocked(fs.packDirents([]newDirent{e}), true)
		return err
	}
	var dot, dotdot uint32
	var rest []newDirent
	k := 0
	err = fs.parseDirents(b[:fs.dataLen()], func(d dirent) bool {
		switch {
		case k == 0 && string(d.name) == ".":
			dot = d.ino
		case k == 1 && string(d.name) == "..":
			dotdot = d.ino
		case d.ino != 0:
			rest = append(rest, newDirent{string(d.name), d.ino, d.ftype})
		}
		k++
		return true
	})
	if err != nil {
		return err
	}
	if dot == 0 || dotdot == 0 {
		// Not the usual first block: grow linearly instead.
		_, err := i.appendDirBlockLocked(fs.packDirents([]newDirent{e}), true)
		return err
	}
	version := fs.g.defHashVersion
	if version > hashTea {
		version = hashHalfMD4
	}
	hv := version
	if fs.g.unsignedHash {
		hv += 3
	}
	var es []hashedDirent
	for _, r := range append(rest, e) {
		h, m := nameHash([]byte(r.name), hv, fs.g.hashSeed)
		es = append(es, hashedDirent{r, h, m})
	}
	sort.SliceStable(es, func(a, b int) bool { return es[a].hash < es[b].hash })
	split := splitPoint(es)
	hash2 := es[split].hash
	if hash2 == es[split-1].hash {
		hash2 |= 1
	}
	pack := func(hs []hashedDirent) []byte {
		var ns []newDirent
		for _, h := range hs {
			ns = append(ns, h.newDirent)
		}
		return fs.packDirents(ns)
	}
	// Leaves first, so a failure leaves the directory as it was.
	size := i.d.size
	l1, err := i.appendDirBlockLocked(pack(es[:split]), true)
	if err != nil {
		return err
	}
	l2, err := i.appendDirBlockLocked(pack(es[split:]), true)
	if err != nil {
		i.removeBlocksLocked(uint64(l1), uint64(l1)+1)
		i.d.size = size
		return err
	}
	root := fs.newBuf()
	fs.putDirent(root, 0, 12, newDirent{".", dot, ftDir})
	fs.putDirent(root, 12, fs.g.blockSize-12, newDirent{"..", dotdot, ftDir})
	info := root[dxRootInfo:]
	info[4] = version
	info[5] = 8
	limit := fs.dxLimit(dxRootEntries)
	put16(root, dxRootEntries, uint16(limit))
	put16(root, dxRootEntries+2, 2)
	put32(root, dxRootEntries+4, l1)
	put32(root, dxRootEntries+8, hash2)
	put32(root, dxRootEntries+12, l2)
	i.d.flags |= flIndex
	return i.writeDxLocked(0, root, dxRootEntries)
}

// writeDxLocked writes an index block with its checksum tail.
// Preconditions: i.mu is held for writing.
func (i *inode) writeDxLocked(lblk uint32, b []byte, off int) error {
	fs := i.fs
	if fs.g.metadataCsum() {
		limit, count := int(le16(b, off)), int(le16(b, off+2))
		t := off + limit*dxEntrySize
		put32(b, t, 0)
		put32(b, t+4, i.dxCsum(b, off, count, limit))
	}
	return i.writeRawDirBlockLocked(lblk, b)
}

// dxAddLocked adds an entry through the index, splitting the leaf (and
// index nodes) when it is full.
// Preconditions: i.mu is held for writing.
func (i *inode) dxAddLocked(e newDirent) error {
	fs := i.fs
	root, err := i.readDirBlockLocked(0)
	if err != nil {
		return err
	}
	if root == nil || len(root) != fs.g.blockSize {
		return errBadDx
	}
	hv := i.hashVersion(root)
	hash, _ := nameHash([]byte(e.name), hv, fs.g.hashSeed)
	frames, _, err := i.dxProbeLocked(hash)
	if err != nil {
		return err
	}
	f := &frames[len(frames)-1]
	_, leaf := dxEntry(f.buf, f.off, f.at)
	b, err := i.readLeafLocked(leaf)
	if err != nil {
		return err
	}
	if b == nil {
		return abi.EUCLEAN
	}
	ok, err := fs.insertInBlock(b[:fs.dataLen()], e)
	if err != nil {
		return err
	}
	if ok {
		return i.writeDirBlockLocked(leaf, b)
	}
	// Split the leaf by hash.
	es, err := i.hashEntries(b[:fs.dataLen()], hv)
	if err != nil {
		return err
	}
	if len(es) < 2 {
		return abi.ENOSPC
	}
	sort.SliceStable(es, func(a, b int) bool { return es[a].hash < es[b].hash })
	split := splitPoint(es)
	hash2 := es[split].hash
	cont := uint32(0)
	if hash2 == es[split-1].hash {
		cont = 1
	}
	var lo, hi []newDirent
	for _, h := range es[:split] {
		lo = append(lo, h.newDirent)
	}
	for _, h := range es[split:] {
		hi = append(hi, h.newDirent)
	}
	if hash >= hash2 && !(hash == hash2&^1 && cont == 1) {
		hi = append(hi, e)
	} else {
		lo = append(lo, e)
	}
	// The new leaf goes at the end; index blocks the insertion needs come
	// after it.
	size := i.d.size
	newLblk, err := i.appendDirBlockLocked(fs.packDirents(hi), true)
	if err != nil {
		return err
	}
	if err := i.dxInsertLocked(frames, len(frames)-1, hash2|cont, newLblk); err != nil {
		i.removeBlocksLocked(uint64(newLblk), uint64(newLblk)+1)
		i.d.size = size
		return err
	}
	return i.writeDirBlockLocked(leaf, fs.packDirents(lo))
}

// dxInsertLocked adds {hash, blk} after the followed entry of the index
// node at level, splitting nodes or adding a level at the root as
// needed; new index blocks are appended to the directory.
// Preconditions: i.mu is held for writing.
func (i *inode) dxInsertLocked(frames []dxFrame, level int, hash, blk uint32) error {
	fs := i.fs
	f := &frames[level]
	count := int(le16(f.buf, f.off+2))
	if count < f.limit {
		dxInsertAt(f.buf, f.off, f.at+1, count, hash, blk)
		return i.writeDxLocked(f.lblk, f.buf, f.off)
	}
	maxLevels := 2
	if fs.g.hasIncompat(incompatLargedir) {
		maxLevels = 3
	}
	if level == 0 {
		levels := int(f.buf[dxRootInfo+6])
		if levels+1 >= maxLevels {
			fs.logf("inode #%d: Directory index full!", i.ino)
			return abi.ENOSPC
		}
		// Move the root's entries into a new node; the root points to it.
		node := fs.newBuf()
		fs.putRecLen(node, 0, fs.g.blockSize)
		nlimit := fs.dxLimit(dxNodeEntries)
		copy(node[dxNodeEntries:], f.buf[f.off:f.off+count*dxEntrySize])
		put16(node, dxNodeEntries, uint16(nlimit))
		put16(node, dxNodeEntries+2, uint16(count))
		nl, err := i.appendDirBlockLocked(node, false)
		if err != nil {
			return err
		}
		put16(f.buf, f.off+2, 1)
		put32(f.buf, f.off+4, nl)
		f.buf[dxRootInfo+6]++
		if err := i.writeDxLocked(0, f.buf, f.off); err != nil {
			return err
		}
		child := dxFrame{lblk: nl, buf: node, off: dxNodeEntries, limit: nlimit, at: f.at}
		f.at = 0
		frames = append(frames[:level+1], append([]dxFrame{child}, frames[level+1:]...)...)
		return i.dxInsertLocked(frames, level+1, hash, blk)
	}
	// Split this node: the upper half moves to a new node.
	half := count / 2
	node := fs.newBuf()
	fs.putRecLen(node, 0, fs.g.blockSize)
	moved := count - half
	copy(node[dxNodeEntries:], f.buf[f.off+half*dxEntrySize:f.off+count*dxEntrySize])
	put16(node, dxNodeEntries, uint16(f.limit))
	put16(node, dxNodeEntries+2, uint16(moved))
	hashMid := le32(f.buf, f.off+half*dxEntrySize)
	put16(f.buf, f.off+2, uint16(half))
	nl, err := i.appendDirBlockLocked(node, false)
	if err != nil {
		return err
	}
	if err := i.dxInsertLocked(frames, level-1, hashMid, nl); err != nil {
		return err
	}
	if f.at >= half {
		if err := i.writeDxLocked(f.lblk, f.buf, f.off); err != nil {
			return err
		}
		nf := dxFrame{lblk: nl, buf: node, off: dxNodeEntries, limit: f.limit, at: f.at - half}
		dxInsertAt(node, nf.off, nf.at+1, moved, hash, blk)
		return i.writeDxLocked(nl, node, dxNodeEntries)
	}
	dxInsertAt(f.buf, f.off, f.at+1, half, hash, blk)
	if err := i.writeDxLocked(f.lblk, f.buf, f.off); err != nil {
		return err
	}
	return i.writeDxLocked(nl, node, dxNodeEntries)
}

// dxInsertAt inserts {hash, blk} at position pos of an index with count
// entries.
func dxInsertAt(b []byte, off, pos, count int, hash, blk uint32) {
	o := off + pos*dxEntrySize
	copy(b[o+dxEntrySize:off+(count+1)*dxEntrySize], b[o:off+count*dxEntrySize])
	put32(b, o, hash)
	put32(b, o+4, blk)
	put16(b, off+2, uint16(count+1))
}
