// Package ext4 is the ext2/ext3/ext4 filesystem, written from the on-disk
// format description: superblock and group descriptors (flex_bg, meta_bg,
// 64bit, sparse_super), inodes (extents and indirect block maps, inline
// data, large inodes with nanosecond timestamps and epoch bits),
// directories (linear and hashed trees), extended attributes (in the
// inode and in a block, POSIX ACLs), metadata checksums (crc32c, and
// crc16 group descriptor checksums), orphan lists and orphan files, and
// jbd2 journal recovery.
//
// Where Linux's choices are visible, they are Linux's: directories on
// dir_index filesystems are listed in hash order with Linux's positions,
// and grow into indexes whose leaves and nodes split where Linux splits
// them (so directory sizes and listings match); attribute values go in
// the inode while they fit, else in a block shared by inodes with the
// same attributes.
//
// All I/O goes through the block device's cache. File data is copied
// straight between the cache and the caller's memory (block.Device's
// ReadFunc and WriteFunc).
//
// Crash consistency: metadata is written in place into the cache, and
// the cache reaches the disk only on Sync (sync(2), syncfs(2), fsync(2),
// every 32 MiB of file data written, and unmount). The journal is
// replayed at mount but not written to. While mounted read-write the
// superblock says "not clean" (as ext2 does), so a crash between syncs
// leaves an image that e2fsck checks in full; after a clean unmount the
// image is consistent and its journal empty. Inodes unlinked while open
// are on the orphan list, which the next read-write mount cleans up.
//
// A read-only mount never writes to the device: a journal that needs
// recovery is replayed into memory only, and the replayed blocks are
// read from there; orphans are left for a read-write mount.
//
// Lock order:
//
//	vfs Dentry.mu of a directory (held by the VFS around directory calls)
//	  FS.remountMu
//	  FS.renameMu (renames between two directories)
//	    inode.mu (several at once in increasing inode number order)
//	      FS.xattrMu
//	      FS.orphanMu
//	        FS.itableMu (writes of inode records, orphan list links)
//	        FS.sbMu (the superblock buffer)
//	          FS.allocMu (bitmaps, group descriptors, free counts)
//	            FS.icacheMu
//	              block.Device locks
package ext4
