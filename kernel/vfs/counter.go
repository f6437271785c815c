package vfs

import "liblinux/kernel/percpu"

// counter is a count that many threads change and few read (a mount's
// open files and writers): each change goes to the shard of the CPU it
// runs on, so threads opening and closing files on one mount do not
// contend for one cache line. Only the sum means anything.
type counter struct{ c percpu.Counter }

func (c *counter) add(d int64) { c.c.Add(d) }

// addAt adds d in shard slot (from percpu.Slot).
func (c *counter) addAt(slot int, d int64) { c.c.AddAt(slot, d) }

// load returns the sum. It is exact when no change runs concurrently.
func (c *counter) load() int64 { return c.c.Sum() }
