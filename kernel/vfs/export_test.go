package vfs

// HasSnapshot reports whether directory d's lookups currently read a
// published copy of its names (no lock).
func HasSnapshot(d *Dentry) bool { return d.snap.Load() != nil }
