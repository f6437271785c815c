// Package vfs is the virtual filesystem: mounts, dentries, the path walk,
// permission checks and open files. Filesystems implement Inode (and return
// FileOps from Open); the VFS does everything that is the same for every
// filesystem, once: it walks paths (symlinks, mount crossings, ".." at
// roots), checks access as Linux's generic_permission does, applies the
// umask and owner rules to new inodes, and keeps dentries and mounts.
//
// vfs imports abi, usermem and mm only; it never imports kernel or
// syscalls. The caller's identity and clock come in through Context.
//
// Lock order:
//
//	Superblock.renameMu
//	  Dentry.mu (a directory; two directories are locked in Dentry.id order)
//	    inode locks (the filesystem's own)
//	      VFS.mountMu
//
// Dentry.mu serialises lookups and changes to the names in one directory;
// lookups in different directories run in parallel. VFS.mountMu guards the
// mount table and is a leaf.
package vfs
