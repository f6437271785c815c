package kernel

// Size returns the number of descriptor slots the table has room for
// (Linux's fdtable max_fds): 64, doubled as descriptors beyond it are
// used. select(2) ignores descriptors at or above it.
func (t *FDTable) Size() int { return len(t.dir.Load().chunks) << 6 }
