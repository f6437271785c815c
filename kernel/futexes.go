package kernel

import "liblinux/kernel/futex"

// Futexes returns the kernel's futex table.
func (k *Kernel) Futexes() *futex.Table { return &k.futexes }
