package ext4

import (
	"sort"

	"liblinux/abi"
)

// extPath is one level of a walk from the root of an extent tree to a
// leaf: the node (the root is i_block itself) and the entry chosen.
type extPath struct {
	blk uint64 // 0 for the root
	buf []byte
	h   extHeader
	at  int // entry followed (index nodes) or found (leaves; -1 if none)
}

// extent tree changes run with i.mu held for writing and collect the
// blocks to free once the tree is consistent again.
type extOp struct {
	i          *inode
	privileged bool
	freed      []extent // data or tree blocks to free (pblk, len)
}

// findPath walks to the leaf that holds (or would hold) lblk.
func (op *extOp) findPath(lblk uint32) ([]extPath, error) {
	i := op.i
	root := i.d.block[:]
	h, ok := readExtHeader(root)
	if !ok {
		return nil, abi.EUCLEAN
	}
	path := []extPath{{buf: root, h: h}}
	for len(path) <= extMaxDepth+1 {
		p := &path[len(path)-1]
		if p.h.depth == 0 {
			p.at = sort.Search(p.h.entries, func(k int) bool { return getExtent(p.buf, k).lblk > lblk }) - 1
			return path, nil
		}
		if p.h.entries == 0 {
			return nil, abi.EUCLEAN
		}
		p.at = max(0, sort.Search(p.h.entries, func(k int) bool { return getIndex(p.buf, k).lblk > lblk })-1)
		blk := getIndex(p.buf, p.at).blk
		b, ch, err := i.readExtNode(blk, p.h.depth-1)
		if err != nil {
			return nil, err
		}
		path = append(path, extPath{blk: blk, buf: b, h: ch})
	}
	return nil, abi.EUCLEAN
}

// writeNode stores a node: tree blocks get their checksum tail; the root
// is part of the inode, written by the caller.
func (op *extOp) writeNode(p *extPath) error {
	writeExtHeader(p.buf, p.h)
	if p.blk == 0 {
		return nil
	}
	fs := op.i.fs
	if fs.g.metadataCsum() {
		put32(p.buf, extHeaderSize+p.h.max*extEntrySize, op.i.extCsum(p.buf, p.h.max))
	}
	return fs.writeBlock(p.blk, p.buf)
}

// newNode allocates a tree block near goal.
func (op *extOp) newNode(goal uint64, depth int) (*extPath, error) {
	i := op.i
	fs := i.fs
	blk, _, err := fs.allocBlocks(goal, 1, op.privileged, true)
	if err != nil {
		return nil, err
	}
	i.addSectorsLocked(fs.blockSectors())
	return &extPath{blk: blk, buf: fs.newBuf(), h: extHeader{max: fs.extBlockMax(), depth: depth}}, nil
}

// freeNode releases a tree block.
func (op *extOp) freeNode(blk uint64) {
	op.freed = append(op.freed, extent{pblk: blk, len: 1})
	op.i.addSectorsLocked(-op.i.fs.blockSectors())
}

func (op *extOp) goal(p *extPath) uint64 {
	if p.blk != 0 {
		return p.blk
	}
	return op.i.dataGoal()
}

func leafEntries(p *extPath) []extent {
	out := make([]extent, p.h.entries)
	for k := range out {
		out[k] = getExtent(p.buf, k)
	}
	return out
}

func indexEntries(p *extPath) []extIndex {
	out := make([]extIndex, p.h.entries)
	for k := range out {
		out[k] = getIndex(p.buf, k)
	}
	return out
}

func setLeafEntries(p *extPath, es []extent) {
	for k, e := range es {
		putExtent(p.buf, k, e)
	}
	p.h.entries = len(es)
}

func setIndexEntries(p *extPath, xs []extIndex) {
	for k, x := range xs {
		putIndex(p.buf, k, x)
	}
	p.h.entries = len(xs)
}

// firstKey returns the first logical block a node covers.
func firstKey(p *extPath) uint32 {
	if p.h.depth == 0 {
		return getExtent(p.buf, 0).lblk
	}
	return getIndex(p.buf, 0).lblk
}

// fixKeys makes the index entries above level agree with the first key
// of the node they point to (e2fsck requires it).
func (op *extOp) fixKeys(path []extPath, level int) error {
	for l := level; l > 0; l-- {
		p, parent := &path[l], &path[l-1]
		if p.h.entries == 0 {
			return nil
		}
		k := firstKey(p)
		x := getIndex(parent.buf, parent.at)
		if x.lblk == k {
			return nil
		}
		x.lblk = k
		putIndex(parent.buf, parent.at, x)
		if err := op.writeNode(parent); err != nil {
			return err
		}
		if parent.at != 0 {
			return nil
		}
	}
	return nil
}

// setLeaf replaces the entries of the path's leaf, splitting it (and
// growing the tree) when they do not fit and removing it when empty.
func (op *extOp) setLeaf(path []extPath, es []extent, appending bool) error {
	leaf := &path[len(path)-1]
	if len(es) <= leaf.h.max {
		setLeafEntries(leaf, es)
		if err := op.writeNode(leaf); err != nil {
			return err
		}
		if len(es) == 0 && len(path) > 1 {
			return op.removeNode(path, len(path)-1)
		}
		return op.fixKeys(path, len(path)-1)
	}
	if len(path) == 1 {
		// The root leaf is full: move its entries one level down.
		n, err := op.newNode(op.goal(leaf), 0)
		if err != nil {
			return err
		}
		setLeafEntries(n, es)
		if err := op.writeNode(n); err != nil {
			return err
		}
		leaf.h.depth = 1
		setIndexEntries(leaf, []extIndex{{lblk: es[0].lblk, blk: n.blk}})
		return op.writeNode(leaf)
	}
	k := len(es) / 2
	if appending {
		k = leaf.h.max
	}
	n, err := op.newNode(op.goal(leaf), 0)
	if err != nil {
		return err
	}
	setLeafEntries(n, es[k:])
	if err := op.writeNode(n); err != nil {
		return err
	}
	setLeafEntries(leaf, es[:k])
	if err := op.writeNode(leaf); err != nil {
		return err
	}
	if err := op.fixKeys(path, len(path)-1); err != nil {
		return err
	}
	return op.insertIndex(path, len(path)-2, extIndex{lblk: es[k].lblk, blk: n.blk})
}

// insertIndex adds x after the followed entry of the index node at
// level, splitting nodes up to the root, which grows a level when full.
func (op *extOp) insertIndex(path []extPath, level int, x extIndex) error {
	p := &path[level]
	xs := indexEntries(p)
	pos := p.at + 1
	xs = append(xs[:pos], append([]extIndex{x}, xs[pos:]...)...)
	if len(xs) <= p.h.max {
		setIndexEntries(p, xs)
		return op.writeNode(p)
	}
	if level == 0 {
		if p.h.depth >= extMaxDepth {
			return abi.ENOSPC
		}
		n, err := op.newNode(op.goal(p), p.h.depth)
		if err != nil {
			return err
		}
		setIndexEntries(n, xs)
		if err := op.writeNode(n); err != nil {
			return err
		}
		p.h.depth++
		setIndexEntries(p, []extIndex{{lblk: xs[0].lblk, blk: n.blk}})
		return op.writeNode(p)
	}
	k := len(xs) / 2
	if pos == len(xs)-1 {
		k = p.h.max
	}
	n, err := op.newNode(op.goal(p), p.h.depth)
	if err != nil {
		return err
	}
	setIndexEntries(n, xs[k:])
	if err := op.writeNode(n); err != nil {
		return err
	}
	setIndexEntries(p, xs[:k])
	if err := op.writeNode(p); err != nil {
		return err
	}
	return op.insertIndex(path, level-1, extIndex{lblk: xs[k].lblk, blk: n.blk})
}

// removeNode frees the empty node at level and its entry in the parent,
// cascading up; an emptied root becomes an empty leaf.
func (op *extOp) removeNode(path []extPath, level int) error {
	for l := level; l > 0; l-- {
		op.freeNode(path[l].blk)
		parent := &path[l-1]
		xs := indexEntries(parent)
		xs = append(xs[:parent.at], xs[parent.at+1:]...)
		setIndexEntries(parent, xs)
		if len(xs) > 0 || l-1 == 0 {
			if len(xs) == 0 {
				parent.h.depth = 0
			}
			if err := op.writeNode(parent); err != nil {
				return err
			}
			if len(xs) > 0 && parent.at == 0 {
				return op.fixKeys(path, l-1)
			}
			return nil
		}
	}
	return nil
}

// collapse pulls the only child of the root into the root while it fits,
// keeping the tree as shallow as e2fsck expects.
func (op *extOp) collapse() error {
	i := op.i
	for n := 0; n < extMaxDepth; n++ {
		root := &extPath{buf: i.d.block[:]}
		h, _ := readExtHeader(root.buf)
		root.h = h
		if h.depth == 0 || h.entries != 1 {
			return nil
		}
		blk := getIndex(root.buf, 0).blk
		child, ch, err := i.readExtNode(blk, h.depth-1)
		if err != nil {
			return err
		}
		if ch.entries > rootMax {
			return nil
		}
		copy(root.buf[extHeaderSize:], child[extHeaderSize:extHeaderSize+ch.entries*extEntrySize])
		root.h = extHeader{entries: ch.entries, max: rootMax, depth: ch.depth}
		writeExtHeader(root.buf, root.h)
		op.freeNode(blk)
	}
	return nil
}

func maxExtLen(unwritten bool) uint32 {
	if unwritten {
		return extUninitMaxLen
	}
	return extInitMaxLen
}

// insert maps e (whose range is unmapped), merging it with neighbours.
func (op *extOp) insert(e extent) error {
	path, err := op.findPath(e.lblk)
	if err != nil {
		return err
	}
	leaf := &path[len(path)-1]
	es := leafEntries(leaf)
	pos := leaf.at + 1
	lim := maxExtLen(e.unwritten)
	if pos > 0 {
		prev := &es[pos-1]
		if prev.end() > uint64(e.lblk) {
			return abi.EUCLEAN
		}
		if prev.end() == uint64(e.lblk) && prev.pblk+uint64(prev.len) == e.pblk &&
			prev.unwritten == e.unwritten && prev.len+e.len <= lim {
			prev.len += e.len
			if pos < len(es) {
				next := es[pos]
				if prev.end() == uint64(next.lblk) && prev.pblk+uint64(prev.len) == next.pblk &&
					next.unwritten == prev.unwritten && prev.len+next.len <= lim {
					prev.len += next.len
					es = append(es[:pos], es[pos+1:]...)
				}
			}
			return op.setLeaf(path, es, false)
		}
	}
	if pos < len(es) {
		next := &es[pos]
		if e.end() > uint64(next.lblk) {
			return abi.EUCLEAN
		}
		if e.end() == uint64(next.lblk) && e.pblk+uint64(e.len) == next.pblk &&
			next.unwritten == e.unwritten && next.len+e.len <= lim {
			next.lblk, next.pblk, next.len = e.lblk, e.pblk, next.len+e.len
			return op.setLeaf(path, es, false)
		}
	}
	es = append(es[:pos], append([]extent{e}, es[pos:]...)...)
	return op.setLeaf(path, es, pos == len(es)-1 && len(path) > 1)
}

// nextLeafKey returns the first key of the leaf after the path's leaf.
func nextLeafKey(path []extPath) (uint32, bool) {
	for l := len(path) - 2; l >= 0; l-- {
		if path[l].at+1 < path[l].h.entries {
			return getIndex(path[l].buf, path[l].at+1).lblk, true
		}
	}
	return 0, false
}

// remove unmaps [from, to): the removed pieces are returned; with free
// their blocks are released.
func (op *extOp) remove(from, to uint64, free bool) ([]extent, error) {
	var removed []extent
	for n := 0; from < to; n++ {
		if n > 1<<20 {
			return nil, abi.EUCLEAN
		}
		path, err := op.findPath(uint32(min(from, 1<<32-1)))
		if err != nil {
			return nil, err
		}
		leaf := &path[len(path)-1]
		next, hasNext := nextLeafKey(path)
		es := leafEntries(leaf)
		var out []extent
		changed := false
		for _, e := range es {
			if e.end() <= from || uint64(e.lblk) >= to {
				out = append(out, e)
				continue
			}
			changed = true
			if uint64(e.lblk) < from {
				out = append(out, extent{lblk: e.lblk, len: uint32(from - uint64(e.lblk)), pblk: e.pblk, unwritten: e.unwritten})
			}
			lo, hi := max(uint64(e.lblk), from), min(e.end(), to)
			piece := extent{lblk: uint32(lo), len: uint32(hi - lo), pblk: e.pblk + (lo - uint64(e.lblk)), unwritten: e.unwritten}
			removed = append(removed, piece)
			if free {
				op.freed = append(op.freed, piece)
				op.i.addSectorsLocked(-int64(piece.len) * op.i.fs.blockSectors())
			}
			if e.end() > to {
				out = append(out, extent{lblk: uint32(to), len: uint32(e.end() - to), pblk: e.pblk + (to - uint64(e.lblk)), unwritten: e.unwritten})
			}
		}
		if changed {
			if err := op.setLeaf(path, out, false); err != nil {
				return nil, err
			}
		}
		if !hasNext || uint64(next) >= to || uint64(next) <= from && changed {
			break
		}
		from = max(from, uint64(next))
	}
	return removed, op.collapse()
}

// finish frees the collected blocks.
func (op *extOp) finish() error {
	var first error
	for _, e := range op.freed {
		if err := op.i.fs.freeBlocksRange(e.pblk, uint64(e.len)); err != nil && first == nil {
			first = err
		}
	}
	op.freed = nil
	return first
}

// dataGoal is where new blocks of the inode should go: its group.
func (i *inode) dataGoal() uint64 {
	grp := (i.ino - 1) / i.fs.g.inodesPerGroup
	return i.fs.g.groupFirstBlock(grp)
}

// initExtentRoot makes i_block an empty extent tree.
func (i *inode) initExtentRoot() {
	clear(i.d.block[:])
	writeExtHeader(i.d.block[:], extHeader{max: rootMax})
	i.d.flags |= flExtents
}
