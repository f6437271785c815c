// Package block is the kernel's block layer: block devices backed by the
// host's disk operations (hostops.BlockOps), their partitions, and the
// buffer cache that filesystems read and write through.
//
// A filesystem sees a *Device: a range of 512-byte sectors with cached,
// block-sized reads and writes, readahead for sequential reads, and
// writeback on Sync. The host's block ops are only ever called from this
// package, never while a filesystem or VFS lock is held by this package.
//
// Lock order:
//
//	Device.mu (cache index)
//	  buffer.mu (one buffer's contents)
//	    mm.Allocator.mu
package block

import "liblinux/kernel/vfs"

// SectorSize is the unit of the host's block requests.
const SectorSize = 512

// Disk is what the host provides for one disk: its size and sector I/O.
// Implementations: hostops-backed disks (capi), files and memory (tests).
type Disk interface {
	// Size returns the capacity in bytes.
	Size() int64
	// ReadAt reads len(p) bytes at byte offset off (both sector aligned).
	ReadAt(p []byte, off int64) error
	// WriteAt writes len(p) bytes at byte offset off (sector aligned).
	WriteAt(p []byte, off int64) error
	// Flush makes written data durable (the host's FLUSH request).
	Flush() error
}

// Mounter is implemented by filesystem types that live on a block device
// (ext4, vfat): mount(2) resolves the source to a block device and calls
// MountDevice instead of vfs.FilesystemType.Mount.
type Mounter interface {
	vfs.FilesystemType
	MountDevice(ctx vfs.Context, v *vfs.VFS, dev *Device, source string, flags uint64, data string) (*vfs.Superblock, error)
}
