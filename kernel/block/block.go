// Package block is the kernel's block layer: block devices backed by the
// host's disk operations (hostops.BlockOps), their partitions, and the
// buffer cache that filesystems read and write through.
//
// A filesystem sees a *Device: a range of 512-byte sectors with cached,
// block-sized reads and writes, readahead for sequential reads, and
// writeback on Sync. The host's block ops are only ever called from this
// package, never while it holds a lock of its own other than Device.wbMu
// (which only writebacks take) and Device.ioMu (which removal takes).
// Misses are read in one host request per run of pages (straight into the
// cache pages when the disk takes vectored reads), with windows that grow
// for sequential streams (readahead.go); a long stream's pages are reused
// once consumed (Device.putUsed). Sectors that a write fills entirely are
// not read first (sectors.go), and writeback sends each run of
// consecutive dirty pages in one request.
//
// Lock order:
//
//	claims.mountMu (one mount(2) of the device at a time)
//	  whole disk's claims.mu, then a partition's claims.mu (claim.go)
//
//	Device.wbMu (one writeback at a time; held across its host writes)
//	  page.mu (one cached page's contents; writeback holds a run of
//	           them, in ascending page order)
//	    Device.mu (cache index, LRU list, dirty set, readahead state)
//	      mm.Allocator.mu
//
// Device.ioMu is held for reading across each host request only, and
// taken for writing by Close: nothing is locked under it.
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

// VectorReader is implemented by disks that can fill several buffers,
// consecutive on the disk, with one request (the host's scatter-gather
// I/O): the cache then reads straight into its pages. The rules of
// Disk.ReadAt apply to the whole request.
type VectorReader interface {
	ReadVAt(bufs [][]byte, off int64) error
}

// Mounter is implemented by filesystem types that live on a block device
// (ext4, vfat): mount(2) resolves the source to a block device and calls
// MountDevice instead of vfs.FilesystemType.Mount.
type Mounter interface {
	vfs.FilesystemType
	MountDevice(ctx vfs.Context, v *vfs.VFS, dev *Device, source string, flags uint64, data string) (*vfs.Superblock, error)
}
