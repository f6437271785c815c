// Package vfs is the virtual filesystem: mounts, dentries, the path walk,
// permission checks and open files. Filesystems implement Inode (and return
// FileOps from Open); the VFS does everything that is the same for every
// filesystem, once: it walks paths (symlinks, magic links, mount
// crossings, ".." at roots, openat2's RESOLVE_* restrictions), checks
// access as Linux's generic_permission does, applies the umask and owner
// rules to new inodes, makes the namespace checks of mkdir, unlink,
// rename and link in Linux's order, and keeps dentries and mounts. Rare
// features are optional interfaces (optional.go) found by type assertion.
//
// vfs imports abi and usermem only; it never imports kernel or syscalls.
// The caller's identity and clock come in through Context.
//
// Lock order:
//
//	Superblock.renameMu
//	  Dentry.mu of a directory (an ancestor before its descendants; the
//	  two unrelated directories of a rename in Dentry.id order, which
//	  only a rename, holding renameMu, ever does)
//	    inode locks (the filesystem's own)
//	      VFS.mountMu
//
// Dentry.mu serialises changes to the names in one directory; lookups of
// cached names take it for reading, or no lock at all in a directory that
// is read far more than changed (it publishes a read-only copy of its
// names, which every change drops), so walks through one directory, / in
// every absolute path above all, run in parallel without writing to a
// shared cache line, and lookups in different directories never meet.
// The path walk holds no lock between components. VFS.mountMu guards the
// mount table and is a leaf; whether a dentry has a mount is an atomic
// count, so the walk takes mountMu only at mount points.
//
// What every open and close changes on a mount or a superblock (the
// mount's use and writer counts, the superblock's open files) is counted
// per CPU (package percpu), so threads opening files on one filesystem do
// not contend for a counter.
package vfs
