package tmpfs

import (
	"sort"

	"liblinux/kernel/mm"
)

// A file's pages are kept in chunks of chunkPages consecutive page
// indexes: the first chunk inline (most files are small), the others in a
// map, so sparse files cost only what they hold.
const (
	chunkShift = 9
	chunkPages = 1 << chunkShift
)

type chunk struct {
	p [chunkPages][]byte
	n int // pages held
}

// pages is the data of a regular file: page index to page; a missing page
// is a hole. The owner's lock protects it.
type pages struct {
	first *chunk
	more  map[int64]*chunk // chunk index (>= 1) to chunk
	count int64            // pages held
	// unwritten are pages fallocate added that nothing has written yet:
	// zeros, and holes to SEEK_DATA and SEEK_HOLE, as Linux's
	// not-uptodate shmem folios.
	unwritten map[int64]struct{}
}

// written marks page idx as holding data.
func (ps *pages) written(idx int64) {
	if ps.unwritten != nil {
		delete(ps.unwritten, idx)
	}
}

// isData reports whether page idx holds data (present and written).
func (ps *pages) isData(idx int64) bool {
	if ps.get(idx) == nil {
		return false
	}
	_, u := ps.unwritten[idx]
	return !u
}

func (ps *pages) chunk(ci int64, create bool) *chunk {
	if ci == 0 {
		if ps.first == nil && create {
			ps.first = new(chunk)
		}
		return ps.first
	}
	c := ps.more[ci]
	if c == nil && create {
		if ps.more == nil {
			ps.more = make(map[int64]*chunk)
		}
		c = new(chunk)
		ps.more[ci] = c
	}
	return c
}

// get returns page idx, or nil for a hole.
func (ps *pages) get(idx int64) []byte {
	c := ps.chunk(idx>>chunkShift, false)
	if c == nil {
		return nil
	}
	return c.p[idx&(chunkPages-1)]
}

// set stores page p at idx (a hole).
func (ps *pages) set(idx int64, p []byte) {
	c := ps.chunk(idx>>chunkShift, true)
	c.p[idx&(chunkPages-1)] = p
	c.n++
	ps.count++
}

// chunkIndexes returns the indexes of the chunks held, in order.
func (ps *pages) chunkIndexes() []int64 {
	var out []int64
	if ps.first != nil {
		out = append(out, 0)
	}
	start := len(out)
	for ci := range ps.more {
		out = append(out, ci)
	}
	sort.Slice(out[start:], func(i, j int) bool { return out[start+i] < out[start+j] })
	return out
}

// freeRange returns the pages with indexes in [first, last] to fs.
func (ps *pages) freeRange(fs *FS, first, last int64) {
	if ps.count == 0 || last < first {
		return
	}
	for _, ci := range ps.chunkIndexes() {
		lo, hi := ci<<chunkShift, ci<<chunkShift+chunkPages-1
		if hi < first || lo > last {
			continue
		}
		c := ps.chunk(ci, false)
		for idx := max(lo, first); idx <= min(hi, last); idx++ {
			if p := c.p[idx-lo]; p != nil {
				fs.freePage(p)
				c.p[idx-lo] = nil
				c.n--
				ps.count--
				ps.written(idx)
			}
		}
		if c.n == 0 {
			if ci == 0 {
				ps.first = nil
			} else {
				delete(ps.more, ci)
			}
		}
	}
}

// freeFrom returns every page at index first or above.
func (ps *pages) freeFrom(fs *FS, first int64) {
	ps.freeRange(fs, first, 1<<62)
}

// seek returns the first index at or after idx that holds data or, with
// hole, does not. ok is false when no data is at or after idx.
func (ps *pages) seek(idx int64, hole bool) (int64, bool) {
	for _, ci := range ps.chunkIndexes() {
		lo := ci << chunkShift
		if lo+chunkPages <= idx {
			continue
		}
		if hole && lo > idx {
			// The chunks are not contiguous: idx is in a gap.
			return idx, true
		}
		for j := max(idx-lo, 0); j < chunkPages; j++ {
			if ps.isData(lo+j) != hole {
				return lo + j, true
			}
		}
		idx = lo + chunkPages
	}
	return idx, hole
}

var zeroPage [mm.PageSize]byte
