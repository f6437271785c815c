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

// hashedDirent is an entry with its hash and the space it holds in its
// block (rec_len, free space after it included), for splitting leaves.
type hashedDirent struct {
	newDirent
	hash   uint32
	recLen int
}

// hashEntries returns the live entries of a leaf, in block order, with
// their hashes.
func (i *inode) hashEntries(b []byte, version uint8) ([]hashedDirent, error) {
	var out []hashedDirent
	err := i.fs.parseDirents(b, func(d dirent) bool {
		if d.ino != 0 && len(d.name) > 0 {
			h, _ := nameHash(d.name, version, i.fs.g.hashSeed)
			out = append(out, hashedDirent{newDirent{string(d.name), d.ino, d.ftype}, h, d.recLen})
		}
		return true
	})
	return out, err
}

// splitLeaf divides a full leaf's entries (in block order) in two as
// Linux's do_split: sorted by hash, entries move from the top to the new
// leaf while less than half of the space each holds (its rec_len) would
// reach past the middle of a block; if that leaves one or none of them,
// half of them by count move.
// It returns the entries that stay (in block order), those that move (in
// hash order), and the new leaf's hash with the collision bit (its first
// hash continues the last one staying).
func (fs *FS) splitLeaf(es []hashedDirent) (stay, move []newDirent, hash2 uint32) {
	sorted := append([]hashedDirent(nil), es...)
	sort.SliceStable(sorted, func(a, b int) bool { return sorted[a].hash < sorted[b].hash })
	n := len(sorted)
	size, moved, k := 0, 0, n-1
	for ; k >= 0; k-- {
		sz := sorted[k].recLen
		if size+sz/2 > fs.g.blockSize/2 {
			break
		}
		size += sz
		moved++
	}
	split := n / 2
	if k > 0 {
		split = n - moved
	}
	split = max(split, 1)
	hash2 = sorted[split].hash
	if sorted[split-1].hash == hash2 {
		hash2 |= 1
	}
	moving := make(map[string]bool, n-split)
	for _, e := range sorted[split:] {
		move = append(move, e.newDirent)
		moving[e.name] = true
	}
	for _, e := range es {
		if !moving[e.name] {
			stay = append(stay, e.newDirent)
		}
	}
	return stay, move, hash2
}

// splitLeafLocked splits full leaf lblk (entries es, in block order) with
// new entry e of hash hash: the upper entries go to a new leaf at the end
// of the directory and e goes after the entries of its half. It returns
// the new leaf's index hash and block.
// Preconditions: i.mu is held for writing.
func (i *inode) splitLeafLocked(lblk uint32, es []hashedDirent, e newDirent, hash uint32) (uint32, uint32, error) {
	fs := i.fs
	if len(es) < 2 {
		return 0, 0, abi.ENOSPC
	}
	stay, move, hash2 := fs.splitLeaf(es)
	if hash >= hash2&^1 {
		move = append(move, e)
	} else {
		stay = append(stay, e)
	}
	nl, err := i.appendDirBlockLocked(fs.packDirents(move), true)
	if err != nil {
		return 0, 0, err
	}
	return hash2, nl, i.writeDirBlockLocked(lblk, fs.packDirents(stay))
}

// makeIndexedLocked turns a full one-block directory into an indexed one
// with the new entry, as Linux's make_indexed_dir: the entries after
// ".." move to a new block 1, which is split by hash with a new block 2;
// block 0 becomes the index root.
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
	var recLens []int
	first := 0 // where the entries after ".." start
	k := 0
	err = fs.parseDirents(b[:fs.dataLen()], func(d dirent) bool {
		switch {
		case k == 0 && string(d.name) == ".":
			dot = d.ino
		case k == 1 && string(d.name) == "..":
			dotdot = d.ino
			first = d.off + d.recLen
		case d.ino != 0:
			rest = append(rest, newDirent{string(d.name), d.ino, d.ftype})
			recLens = append(recLens, d.recLen)
		}
		k++
		return true
	})
	if err != nil {
		return err
	}
	if dot == 0 || dotdot == 0 || len(rest) < 2 {
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
	// As in Linux, the entries move to block 1 as they lie, the last one
	// taking the space up to the end of the block.
	recLens[len(recLens)-1] += first
	es := make([]hashedDirent, len(rest))
	for k, r := range rest {
		h, _ := nameHash([]byte(r.name), hv, fs.g.hashSeed)
		es[k] = hashedDirent{r, h, recLens[k]}
	}
	hash, _ := nameHash([]byte(e.name), hv, fs.g.hashSeed)
	stay, move, hash2 := fs.splitLeaf(es)
	if hash >= hash2&^1 {
		move = append(move, e)
	} else {
		stay = append(stay, e)
	}
	// Leaves first, so a failure leaves the directory as it was.
	size := i.d.size
	l1, err := i.appendDirBlockLocked(fs.packDirents(stay), true)
	if err != nil {
		return err
	}
	l2, err := i.appendDirBlockLocked(fs.packDirents(move), true)
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

// newDxNode returns an empty interior index block.
func (fs *FS) newDxNode() ([]byte, int) {
	node := fs.newBuf()
	fs.putRecLen(node, 0, fs.g.blockSize)
	limit := fs.dxLimit(dxNodeEntries)
	put16(node, dxNodeEntries, uint16(limit))
	return node, limit
}

// dxAddLocked adds an entry through the index as Linux's
// ext4_dx_add_entry: into its leaf if there is room; else, when the
// leaf's index node is full, the lowest full node below one with room is
// split in half (or, all of them being full, the root's entries move
// down into a new level), and the walk starts over; then the leaf is
// split. New index blocks come before the new leaf at the end of the
// directory.
// Preconditions: i.mu is held for writing.
func (i *inode) dxAddLocked(e newDirent) error {
	fs := i.fs
	maxLevels := 2
	if fs.g.hasIncompat(incompatLargedir) {
		maxLevels = 3
	}
	for try := 0; try < 2*maxLevels+2; try++ {
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
		if f.count == f.limit {
			restart, err := i.dxGrowIndexLocked(frames, maxLevels)
			if err != nil {
				return err
			}
			if restart {
				continue
			}
			f = &frames[len(frames)-1]
		}
		es, err := i.hashEntries(b[:fs.dataLen()], hv)
		if err != nil {
			return err
		}
		hash2, nl, err := i.splitLeafLocked(leaf, es, e, hash)
		if err != nil {
			return err
		}
		count := int(le16(f.buf, f.off+2))
		dxInsertAt(f.buf, f.off, f.at+1, count, hash2, nl)
		return i.writeDxLocked(f.lblk, f.buf, f.off)
	}
	return abi.EUCLEAN
}

// dxGrowIndexLocked makes room in the full index node at the bottom of
// frames. It reports whether the walk must start over (the index changed
// above the leaf's node); if not, the bottom frame is the half of the
// split node that leads to the leaf, with room for one more entry.
// Preconditions: i.mu is held for writing.
func (i *inode) dxGrowIndexLocked(frames []dxFrame, maxLevels int) (bool, error) {
	fs := i.fs
	k := len(frames) - 1
	levels := k + 1
	restart := false
	for k > 0 && frames[k-1].count == frames[k-1].limit {
		k--
		restart = true
	}
	addLevel := k == 0
	if addLevel && levels >= maxLevels {
		fs.logAt(logWarning, "Directory (ino: %d) index full, reach max htree level :%d", i.ino, levels)
		if maxLevels < 3 {
			fs.logAt(logWarning, "Large directory feature is not enabled on this filesystem")
		}
		return false, abi.ENOSPC
	}
	f := &frames[k]
	node, nlimit := fs.newDxNode()
	nl, err := i.appendDirBlockLocked(node, false)
	if err != nil {
		return false, err
	}
	if addLevel {
		// The root's entries move to the new node; the root points
		// to it alone.
		copy(node[dxNodeEntries+4:], f.buf[f.off+4:f.off+f.count*dxEntrySize])
		put16(node, dxNodeEntries+2, uint16(f.count))
		put16(f.buf, f.off+2, 1)
		put32(f.buf, f.off+4, nl)
		f.buf[dxRootInfo+6]++
		if err := i.writeDxLocked(nl, node, dxNodeEntries); err != nil {
			return false, err
		}
		return true, i.writeDxLocked(0, f.buf, f.off)
	}
	// Split the node: its upper half moves to the new node, which the
	// parent gets an entry for.
	c1 := f.count / 2
	c2 := f.count - c1
	hash2 := le32(f.buf, f.off+c1*dxEntrySize)
	copy(node[dxNodeEntries:], f.buf[f.off+c1*dxEntrySize:f.off+f.count*dxEntrySize])
	put16(node, dxNodeEntries, uint16(nlimit))
	put16(node, dxNodeEntries+2, uint16(c2))
	put16(f.buf, f.off+2, uint16(c1))
	p := &frames[k-1]
	dxInsertAt(p.buf, p.off, p.at+1, p.count, hash2, nl)
	p.count++
	if err := i.writeDxLocked(p.lblk, p.buf, p.off); err != nil {
		return false, err
	}
	if err := i.writeDxLocked(nl, node, dxNodeEntries); err != nil {
		return false, err
	}
	if err := i.writeDxLocked(f.lblk, f.buf, f.off); err != nil {
		return false, err
	}
	if restart {
		return true, nil
	}
	// The leaf's node is the half holding the followed entry.
	f.count = c1
	if f.at >= c1 {
		*f = dxFrame{lblk: nl, buf: node, off: dxNodeEntries, limit: nlimit, count: c2, at: f.at - c1}
	}
	return false, nil
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
