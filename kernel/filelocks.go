package kernel

import "liblinux/kernel/locks"

// Locks returns the kernel's advisory file locks (fcntl(2) record locks,
// flock(2)) and the per-file state fcntl keeps with them.
func (k *Kernel) Locks() *locks.Table { return &k.locks }
