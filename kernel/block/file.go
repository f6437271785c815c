package block

import (
	"encoding/binary"

	"liblinux/abi"
	"liblinux/kernel/usermem"
	"liblinux/kernel/vfs"
)

// File is an open block device node (/dev/vda, /dev/vda1): reads and
// writes go through the device's page cache, as Linux's buffered block
// device I/O does, so they see what a mounted filesystem wrote and the
// filesystem sees them.
type File struct {
	d     *Device
	excl  bool          // opened with O_EXCL: holds the device's claim
	flags func() uint32 // the open file's status flags (Attach)
}

// Open returns the operations of a new open file of the device. A
// read-only device refuses writers with EACCES, as Linux's
// bdev_permission does. O_EXCL claims the device for the file: EBUSY
// while a filesystem is mounted from it (or from a partition of it) or
// another O_EXCL open has it, as open(2) says.
func (d *Device) Open(ctx vfs.Context, flags uint32) (vfs.FileOps, error) {
	if d.ro && flags&abi.O_ACCMODE != abi.O_RDONLY {
		return nil, abi.EACCES
	}
	f := &File{d: d}
	if flags&abi.O_EXCL != 0 {
		if err := d.Claim(f); err != nil {
			return nil, err
		}
		f.excl = true
	}
	return f, nil
}

var (
	_ vfs.Attacher = (*File)(nil)
	_ vfs.Seeker   = (*File)(nil)
	_ vfs.Syncer   = (*File)(nil)
	_ vfs.Ioctler  = (*File)(nil)
)

// Attach implements vfs.Attacher: reads and writes check O_DIRECT.
func (f *File) Attach(file *vfs.File) { f.flags = file.Flags }

// directInvalid is Linux's blkdev_dio_invalid for an O_DIRECT transfer of
// n bytes at off through io: the position, the length and every buffer
// must be aligned to the logical block size (512 bytes, which is also the
// virtio disks' DMA alignment); EINVAL otherwise.
func (f *File) directInvalid(io *usermem.IO, off int64, n int) bool {
	if f.flags == nil || f.flags()&abi.O_DIRECT == 0 {
		return false
	}
	return (off|int64(n))&(SectorSize-1) != 0 || !io.Aligned(SectorSize-1)
}

// Read implements vfs.FileOps: reads stop at the end of the device.
func (f *File) Read(ctx vfs.Context, dst *usermem.IO, off int64) (int, error) {
	if off < 0 {
		return 0, abi.EINVAL
	}
	size := f.d.Size()
	if off >= size || dst.Len() == 0 {
		return 0, nil
	}
	n := int(min(int64(dst.Len()), size-off))
	if f.directInvalid(dst, off, n) {
		return 0, abi.EINVAL
	}
	done := 0
	got, err := f.d.ReadFunc(off, n, func(b []byte) (int, error) {
		c, err := dst.CopyOut(done, b)
		done += c
		return c, err
	})
	if got > 0 {
		return got, nil
	}
	return 0, err
}

// Write implements vfs.FileOps: a write that starts at or past the end
// of the device gives ENOSPC and one that crosses it is short, as Linux's
// blkdev_write_iter.
func (f *File) Write(ctx vfs.Context, src *usermem.IO, off int64) (int, error) {
	if f.d.ro {
		return 0, abi.EPERM
	}
	if off < 0 {
		return 0, abi.EINVAL
	}
	if src.Len() == 0 {
		return 0, nil
	}
	size := f.d.Size()
	if off >= size {
		return 0, abi.ENOSPC
	}
	n := int(min(int64(src.Len()), size-off))
	if f.directInvalid(src, off, src.Len()) {
		return 0, abi.EINVAL
	}
	done := 0
	got, err := f.d.WriteFunc(off, n, func(b []byte) (int, error) {
		c, err := src.CopyIn(done, b)
		done += c
		return c, err
	})
	if got > 0 {
		return got, nil
	}
	return 0, err
}

// DirectIO implements vfs.DirectIOer: block devices take O_DIRECT.
func (f *File) DirectIO() {}

// PageCache implements vfs.PageCacher.
func (f *File) PageCache() {}

// Release implements vfs.FileOps: an O_EXCL open gives up its claim.
// Closing a block device does not write its cache back: fsync, sync and
// unmount do.
func (f *File) Release() {
	if f.excl {
		f.d.Release(f)
	}
}

// Seek implements vfs.Seeker with the device's size as the end, as
// Linux's fixed_size_llseek: no position beyond the end, and the whole
// device is data.
func (f *File) Seek(ctx vfs.Context, cur, off int64, whence int) (int64, error) {
	return vfs.SeekSize(cur, off, whence, f.d.Size(), f.d.Size())
}

// Fsync implements vfs.Syncer: the device's dirty pages go to the host
// and the host is asked to flush.
func (f *File) Fsync(ctx vfs.Context, datasync bool) error { return f.d.Sync() }

// Ioctl implements vfs.Ioctler for the block ioctls programs use to learn
// a device's geometry (BLKGETSIZE64, BLKGETSIZE, BLKSSZGET, BLKPBSZGET,
// BLKBSZGET, BLKROGET) and BLKFLSBUF, which writes the cache back and
// drops it.
func (f *File) Ioctl(ctx vfs.Context, file *vfs.File, cmd uint32, arg uintptr) (uintptr, error) {
	put := func(v uint64, size int) (uintptr, error) {
		b := make([]byte, size)
		if size == 8 {
			binary.LittleEndian.PutUint64(b, v)
		} else {
			binary.LittleEndian.PutUint32(b, uint32(v))
		}
		return 0, usermem.CopyOut(usermem.Addr(arg), b)
	}
	switch cmd {
	case abi.BLKGETSIZE64:
		return put(uint64(f.d.Size()), 8)
	case abi.BLKGETSIZE:
		// unsigned long: 8 bytes on the 64-bit ABI liblinux serves.
		return put(uint64(f.d.Size()/SectorSize), 8)
	case abi.BLKSSZGET, blkPBSZGET:
		return put(SectorSize, 4)
	case abi.BLKBSZGET:
		return put(uint64(initBlockSize(f.d.Size())), 4)
	case abi.BLKROGET:
		ro := uint64(0)
		if f.d.ro {
			ro = 1
		}
		return put(ro, 4)
	case abi.BLKFLSBUF:
		if err := f.d.Sync(); err != nil {
			return 0, err
		}
		f.d.Drop()
		return 0, nil
	}
	return 0, abi.ENOTTY
}

// initBlockSize is the soft block size Linux gives a device when it is
// opened (set_init_blocksize): the largest power of two from the sector
// size up to the page size that divides the device's size.
func initBlockSize(size int64) int64 {
	bs := int64(SectorSize)
	for bs < PageSize && size&bs == 0 {
		bs <<= 1
	}
	return bs
}

// blkPBSZGET is BLKPBSZGET, _IO(0x12, 123): the physical block size.
const blkPBSZGET = 0x127b
