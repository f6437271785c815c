// Package kernel is the core of liblinux: the Kernel (boot, halt, command
// line, console log), tasks and thread groups, file descriptor tables and
// credentials. It is pure Go: the host is reached only through
// hostops.Ops, so everything here is tested with hostops/fake.
//
// One Kernel value is one booted kernel. Nothing is global, so a process
// can halt a kernel and boot a fresh one, and tests run several at once.
//
// Syscalls from different host threads run in parallel: there is no big
// kernel lock. Each object has its own lock, and the global order is:
//
//	Kernel.tasksMu
//	  ThreadGroup.mu
//	    FSContext.mu
//	      FDTable.mu
//	        locks.Table.mu (file locks: a close drops POSIX locks)
//	          vfs locks (see package vfs)
//	            Log.mu
//	              ktime.Clock locks, mm.Allocator locks (leaves)
//
// Disks: Kernel.disks.mu, then block.Device claim locks (RemoveDisk
// retires a disk's devices under it); disks.watchMu alone.
//
// Most calls take none of these: descriptor lookups, opens and closes,
// the root and working directory, credentials and resource limits are
// read or changed with atomics (copy-on-write snapshots, per-CPU counts),
// so threads of one process meet only on the locks of what they share.
//
// Host ops that may block (print, timers' SetOneshot aside) are never
// called with a kernel lock held; Log collects messages under Log.mu and
// prints them after releasing it.
package kernel
