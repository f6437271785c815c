package block

// indexBits is the log2 of the pages one index chunk covers (2 MiB).
const indexBits = 9

// pageIndex finds cached pages by page number: a map of chunks of
// 1<<indexBits slots, with the last chunk used remembered, so that
// sequential access seldom looks in the map and the map stays small.
type pageIndex struct {
	chunks  map[int64]*indexChunk
	last    *indexChunk
	lastKey int64
}

type indexChunk struct {
	slots [1 << indexBits]*page
	used  int
}

func (x *pageIndex) chunk(idx int64, create bool) *indexChunk {
	key := idx >> indexBits
	if x.last != nil && x.lastKey == key {
		return x.last
	}
	c := x.chunks[key]
	if c == nil {
		if !create {
			return nil
		}
		if x.chunks == nil {
			x.chunks = map[int64]*indexChunk{}
		}
		c = &indexChunk{}
		x.chunks[key] = c
	}
	x.last, x.lastKey = c, key
	return c
}

// get returns page idx, or nil.
func (x *pageIndex) get(idx int64) *page {
	if c := x.chunk(idx, false); c != nil {
		return c.slots[idx&(1<<indexBits-1)]
	}
	return nil
}

// set records p as page idx, which has no page.
func (x *pageIndex) set(idx int64, p *page) {
	c := x.chunk(idx, true)
	c.slots[idx&(1<<indexBits-1)] = p
	c.used++
}

// del forgets page idx, which has a page.
func (x *pageIndex) del(idx int64) {
	c := x.chunk(idx, false)
	c.slots[idx&(1<<indexBits-1)] = nil
	if c.used--; c.used == 0 {
		delete(x.chunks, idx>>indexBits)
		x.last = nil
	}
}
