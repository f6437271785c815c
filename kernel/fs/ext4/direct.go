package ext4

import (
	"liblinux/abi"
	"liblinux/kernel/usermem"
	"liblinux/kernel/vfs"
)

// Direct I/O. Data still goes through the block cache, but what Linux's
// iomap direct I/O refuses is refused: a transfer that reaches the disk
// must start, end and sit in memory on the disk's 512-byte logical
// blocks (EINVAL). Reads of holes, of unwritten extents and past the end
// never reach the disk, so any alignment does for them; files with
// inline data fall back to buffered I/O, as ext4's do.

// dioAlign is the logical block size (and DMA alignment) of the disks.
const dioAlign = 512

var _ vfs.Attacher = (*regFile)(nil)

// Attach implements vfs.Attacher: reads and writes look at O_DIRECT.
func (f *regFile) Attach(file *vfs.File) { f.flags = file.Flags }

// direct reports whether the file is open for direct I/O.
func (f *regFile) direct() bool { return f.flags != nil && f.flags()&abi.O_DIRECT != 0 }

// directWriteCheckLocked checks a direct write of src at off (off < 0:
// at the end of the file). Preconditions: i.mu is held.
func (i *inode) directWriteCheckLocked(src *usermem.IO, off int64) error {
	if i.d.flags&flInlineData != 0 || src.Len() == 0 {
		return nil
	}
	if off < 0 {
		off = int64(i.d.size)
	}
	if (off|int64(src.Len()))&(dioAlign-1) != 0 || !src.Aligned(dioAlign-1) {
		return abi.EINVAL
	}
	return nil
}

// directReadCheckLocked checks a direct read of dst at off: each part of
// it that maps written blocks must start and end on a logical block,
// and then the buffers must be aligned. Preconditions: i.mu is held.
func (i *inode) directReadCheckLocked(dst *usermem.IO, off int64) error {
	size := int64(i.d.size)
	if i.d.flags&flInlineData != 0 || off < 0 || off >= size || dst.Len() == 0 {
		return nil
	}
	end := min(off+int64(dst.Len()), size)
	if (off|end)&(dioAlign-1) == 0 && dst.Aligned(dioAlign-1) {
		return nil
	}
	bs := int64(i.fs.g.blockSize)
	for pos := off; pos < end; {
		lblk := pos >> i.fs.g.logBlockSize
		if lblk >= maxFileBlocks {
			return nil
		}
		pblk, cnt, unwritten, err := i.bmapLocked(uint32(lblk))
		if err != nil {
			return nil // the read reports it
		}
		next := min((lblk+int64(cnt))*bs, end)
		if pblk != 0 && !unwritten {
			if (pos|next)&(dioAlign-1) != 0 || !dst.Aligned(dioAlign-1) {
				return abi.EINVAL
			}
		}
		pos = next
	}
	return nil
}
