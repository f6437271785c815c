package vfs

import (
	"math/rand/v2"
	"sync/atomic"
)

// counter is a count that many threads change and few read: each change
// goes to one of several cache-line-sized shards, picked at random, so
// threads opening and closing files on one mount do not contend for one
// line. Only the sum means anything (a shard may go negative).
type counter struct {
	shards [8]struct {
		n atomic.Int64
		_ [56]byte
	}
}

func (c *counter) add(d int64) { c.shards[rand.Uint32()&7].n.Add(d) }

// load returns the sum. It is exact when no change runs concurrently.
func (c *counter) load() int64 {
	var n int64
	for i := range c.shards {
		n += c.shards[i].n.Load()
	}
	return n
}
