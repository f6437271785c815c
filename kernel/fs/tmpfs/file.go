package tmpfs

import (
	"math"

	"liblinux/abi"
	"liblinux/kernel/mm"
	"liblinux/kernel/usermem"
	"liblinux/kernel/vfs"
)

// regFile is an open regular file. It is one pointer, which an interface
// holds without allocating: opening a file costs no FileOps object.
type regFile struct{ i *inode }

var (
	_ vfs.FileOps      = regFile{}
	_ vfs.Seeker       = regFile{}
	_ vfs.Allocator    = regFile{}
	_ vfs.Syncer       = regFile{}
	_ vfs.AppendWriter = regFile{}
	_ vfs.Sealable     = regFile{}
)

// allSeals are the F_SEAL_* bits Linux knows.
const allSeals = abi.F_SEAL_SEAL | abi.F_SEAL_SHRINK | abi.F_SEAL_GROW | abi.F_SEAL_WRITE |
	abi.F_SEAL_FUTURE_WRITE | fSealExec

const fSealExec = 0x20 // F_SEAL_EXEC

// Release implements vfs.FileOps.
func (f regFile) Release() {
	i := f.i
	i.mu.Lock()
	i.opens--
	i.maybeEvictLocked()
	i.mu.Unlock()
}

// DirectIO implements vfs.DirectIOer: tmpfs takes O_DIRECT (Linux 6.6
// and later), and its I/O is the same either way.
func (regFile) DirectIO() {}

// PageCache implements vfs.PageCacher.
func (regFile) PageCache() {}

// Fsync implements vfs.Syncer: memory has nothing to write back.
func (f regFile) Fsync(ctx vfs.Context, datasync bool) error { return nil }

// Read implements vfs.FileOps.
func (f regFile) Read(ctx vfs.Context, dst *usermem.IO, off int64) (int, error) {
	i := f.i
	i.mu.RLock()
	defer i.mu.RUnlock()
	done := 0
	for done < dst.Len() && off < i.attr.Size {
		idx, po := off/mm.PageSize, int(off%mm.PageSize)
		n := min(mm.PageSize-po, dst.Len()-done)
		if rest := i.attr.Size - off; int64(n) > rest {
			n = int(rest)
		}
		var src []byte
		if p := i.data.get(idx); p != nil {
			src = p[po : po+n]
		} else {
			src = zeroPage[:n]
		}
		c, err := dst.CopyOut(done, src)
		done += c
		off += int64(c)
		if err != nil {
			if done > 0 {
				return done, nil
			}
			return 0, err
		}
	}
	return done, nil
}

// Write implements vfs.FileOps; off -1 appends.
func (f regFile) Write(ctx vfs.Context, src *usermem.IO, off int64) (int, error) {
	n, _, err := f.write(ctx, src, off)
	return n, err
}

// WriteAppend implements vfs.AppendWriter.
func (f regFile) WriteAppend(ctx vfs.Context, src *usermem.IO) (int, int64, error) {
	return f.write(ctx, src, -1)
}

// write copies src into the file at off (at the end if off is -1) and
// returns the count and where the write ended.
func (f regFile) write(ctx vfs.Context, src *usermem.IO, off int64) (int, int64, error) {
	i := f.i
	i.mu.Lock()
	defer i.mu.Unlock()
	if off < 0 {
		off = i.attr.Size
	}
	if src.Len() == 0 {
		return 0, off, nil
	}
	total, err := vfs.WriteLimit(ctx, off, src.Len())
	if err != nil {
		return 0, off, err
	}
	if i.seals&(abi.F_SEAL_WRITE|abi.F_SEAL_FUTURE_WRITE) != 0 {
		return 0, off, abi.EPERM
	}
	if off > math.MaxInt64-int64(total) {
		// A write reaching the largest file size is short, as Linux's
		// generic_write_checks makes it.
		if off == math.MaxInt64 {
			return 0, off, abi.EFBIG
		}
		total = int(math.MaxInt64 - off)
	}
	done := 0
	var werr error
	for done < total {
		idx, po := off/mm.PageSize, int(off%mm.PageSize)
		n := min(mm.PageSize-po, total-done)
		if i.seals&abi.F_SEAL_GROW != 0 && off+int64(n) > i.attr.Size {
			werr = abi.EPERM
			break
		}
		p := i.data.get(idx)
		if p == nil {
			var err error
			if p, err = i.fs.allocPage(); err != nil {
				werr = err
				break
			}
			i.data.set(idx, p)
		} else {
			i.data.written(idx)
		}
		c, err := src.CopyIn(done, p[po:po+n])
		done += c
		off += int64(c)
		if err != nil {
			werr = err
			break
		}
	}
	if off > i.attr.Size {
		i.attr.Size = off
	}
	if done == 0 {
		return 0, off, werr
	}
	now := ctx.Now()
	i.attr.Mtime, i.attr.Ctime = now, now
	i.killPrivLocked(ctx.Creds())
	return done, off, nil
}

// killPrivLocked drops set-user-ID (and set-group-ID when
// group-executable or the writer is outside the group) after a write by
// a caller without CAP_FSETID, as Linux's file_remove_privs.
//
// Preconditions: i.mu is held for writing.
func (i *inode) killPrivLocked(c *vfs.Creds) {
	m := i.attr.Mode
	if m&(abi.S_ISUID|abi.S_ISGID) == 0 || c.HasCap(abi.CAP_FSETID) {
		return
	}
	m &^= abi.S_ISUID
	if m&abi.S_ISGID != 0 && (m&abi.S_IXGRP != 0 || !c.InGroup(i.attr.GID)) {
		m &^= abi.S_ISGID
	}
	i.attr.Mode = m
	i.permChangedLocked()
}

// truncateLocked sets the size, freeing pages past it and zeroing the tail
// of the last partial page. Preconditions: i.mu is held for writing.
func (i *inode) truncateLocked(size int64) {
	if size < i.attr.Size {
		i.data.freeFrom(i.fs, (size+mm.PageSize-1)/mm.PageSize)
		if off := size % mm.PageSize; off != 0 {
			if p := i.data.get(size / mm.PageSize); p != nil {
				clear(p[off:])
			}
		}
	}
	i.attr.Size = size
}

// checkSealsLocked refuses a size change that a seal forbids.
// Preconditions: i.mu is held.
func (i *inode) checkSealsLocked(size int64) error {
	if size < i.attr.Size && i.seals&abi.F_SEAL_SHRINK != 0 || size > i.attr.Size && i.seals&abi.F_SEAL_GROW != 0 {
		return abi.EPERM
	}
	return nil
}

// Seek implements vfs.Seeker: the usual whences, and SEEK_DATA and
// SEEK_HOLE by the pages the file holds.
func (f regFile) Seek(ctx vfs.Context, cur, off int64, whence int) (int64, error) {
	i := f.i
	var n int64
	switch whence {
	case abi.SEEK_SET:
		n = off
	case abi.SEEK_CUR:
		n = cur + off
	case abi.SEEK_END:
		i.mu.RLock()
		n = i.attr.Size + off
		i.mu.RUnlock()
	case abi.SEEK_DATA, abi.SEEK_HOLE:
		if off < 0 {
			return 0, abi.ENXIO
		}
		i.mu.RLock()
		defer i.mu.RUnlock()
		size := i.attr.Size
		if off >= size {
			return 0, abi.ENXIO
		}
		idx, ok := i.data.seek(off/mm.PageSize, whence == abi.SEEK_HOLE)
		if !ok {
			return 0, abi.ENXIO
		}
		if idx != off/mm.PageSize {
			off = idx * mm.PageSize
		}
		if off >= size {
			if whence == abi.SEEK_DATA {
				return 0, abi.ENXIO
			}
			off = size
		}
		return off, nil
	default:
		return 0, abi.EINVAL
	}
	if n < 0 {
		return 0, abi.EINVAL
	}
	return n, nil
}

// Allocate implements vfs.Allocator: allocation (keeping the size or not)
// and punching holes, as Linux's shmem_fallocate.
func (f regFile) Allocate(ctx vfs.Context, mode uint32, off, length int64) error {
	i := f.i
	switch mode {
	case 0, abi.FALLOC_FL_KEEP_SIZE, abi.FALLOC_FL_PUNCH_HOLE | abi.FALLOC_FL_KEEP_SIZE:
	default:
		return abi.EOPNOTSUPP
	}
	now := ctx.Now()
	i.mu.Lock()
	defer i.mu.Unlock()
	end := off + length
	if mode&abi.FALLOC_FL_PUNCH_HOLE != 0 {
		if i.seals&(abi.F_SEAL_WRITE|abi.F_SEAL_FUTURE_WRITE) != 0 {
			return abi.EPERM
		}
		first, last := (off+mm.PageSize-1)/mm.PageSize, end/mm.PageSize-1
		i.data.freeRange(i.fs, first, last)
		for _, r := range [][2]int64{{off, min(end, first*mm.PageSize)}, {max(off, (last+1)*mm.PageSize), end}} {
			if r[0] < r[1] {
				if p := i.data.get(r[0] / mm.PageSize); p != nil {
					clear(p[r[0]%mm.PageSize : r[0]%mm.PageSize+(r[1]-r[0])])
				}
			}
		}
	} else {
		// RLIMIT_FSIZE applies even with FALLOC_FL_KEEP_SIZE, as in
		// shmem_fallocate.
		if err := vfs.SizeLimit(ctx, end, i.attr.Size); err != nil {
			return err
		}
		if mode&abi.FALLOC_FL_KEEP_SIZE == 0 && end > i.attr.Size && i.seals&abi.F_SEAL_GROW != 0 {
			return abi.EPERM
		}
		first, last := off/mm.PageSize, (end-1)/mm.PageSize
		if lim := i.fs.maxPages.Load(); lim != 0 && last-first+1 > lim {
			return abi.ENOSPC
		}
		var added []int64
		for idx := first; idx <= last; idx++ {
			if i.data.get(idx) != nil {
				// A second fallocate makes a page data, as Linux's
				// SGP_FALLOC clears and marks it uptodate.
				i.data.written(idx)
				continue
			}
			p, err := i.fs.allocPage()
			if err != nil {
				for _, a := range added {
					i.data.freeRange(i.fs, a, a)
				}
				return err
			}
			i.data.set(idx, p)
			if i.data.unwritten == nil {
				i.data.unwritten = make(map[int64]struct{})
			}
			i.data.unwritten[idx] = struct{}{}
			added = append(added, idx)
		}
		if mode&abi.FALLOC_FL_KEEP_SIZE == 0 && end > i.attr.Size {
			i.attr.Size = end
		}
	}
	i.attr.Mtime, i.attr.Ctime = now, now
	i.killPrivLocked(ctx.Creds())
	return nil
}

// Seals implements vfs.Sealable.
func (f regFile) Seals() uint32 {
	f.i.mu.RLock()
	defer f.i.mu.RUnlock()
	return uint32(f.i.seals)
}

// AddSeals implements vfs.Sealable, as Linux's memfd_add_seals.
func (f regFile) AddSeals(file *vfs.File, seals uint32) error {
	if !file.Writable() {
		return abi.EPERM
	}
	if seals&^allSeals != 0 {
		return abi.EINVAL
	}
	i := f.i
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.seals&abi.F_SEAL_SEAL != 0 {
		return abi.EPERM
	}
	if seals&fSealExec != 0 && i.attr.Mode&0111 != 0 {
		seals |= abi.F_SEAL_SHRINK | abi.F_SEAL_GROW | abi.F_SEAL_WRITE | abi.F_SEAL_FUTURE_WRITE
	}
	i.seals |= uint8(seals)
	return nil
}
