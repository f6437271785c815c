package ext4

import (
	"liblinux/abi"
	"liblinux/kernel/usermem"
	"liblinux/kernel/vfs"
)

// maxFileBlocks is the largest logical block number plus one that an
// extent-mapped file may use (2^32 blocks).
const maxFileBlocks = 1 << 32

var zeroPage [64 << 10]byte

// readDataLocked reads file data at off into p (internal users: EA
// inodes, symlinks). Bytes past the size read as zeros.
// Preconditions: i.mu is held.
func (i *inode) readDataLocked(p []byte, off int64) error {
	if i.d.flags&flInlineData != 0 {
		return i.readInlineLocked(p, off)
	}
	fs := i.fs
	bs := int64(fs.g.blockSize)
	buf := fs.newBuf()
	for len(p) > 0 {
		lblk := off / bs
		if lblk >= maxFileBlocks {
			clear(p)
			return nil
		}
		bo := off % bs
		if _, err := i.readLogicalLocked(uint32(lblk), buf); err != nil {
			return err
		}
		n := copy(p, buf[bo:])
		p = p[n:]
		off += int64(n)
	}
	return nil
}

// Readlink implements vfs.Inode.
func (i *inode) Readlink(ctx vfs.Context) (string, error) {
	if i.typ() != abi.S_IFLNK {
		return "", abi.EINVAL
	}
	i.mu.RLock()
	defer i.mu.RUnlock()
	size := i.d.size
	if size == 0 || size >= vfs.PathMax || size > uint64(i.fs.g.blockSize) && i.d.flags&flInlineData == 0 {
		i.fs.logf("inode #%d: bad symlink size %d", i.ino, size)
		return "", abi.EUCLEAN
	}
	if i.isFastSymlink() {
		return string(i.d.block[:size]), nil
	}
	buf := make([]byte, size)
	if err := i.readDataLocked(buf, 0); err != nil {
		return "", err
	}
	for k, c := range buf {
		if c == 0 {
			buf = buf[:k]
			break
		}
	}
	return string(buf), nil
}

// Open implements vfs.Inode.
func (i *inode) Open(ctx vfs.Context, flags uint32) (vfs.FileOps, error) {
	switch i.typ() {
	case abi.S_IFDIR:
		return dirFile{i: i}, nil
	case abi.S_IFREG:
		i.mu.Lock()
		defer i.mu.Unlock()
		if i.dead {
			return nil, abi.ENOENT
		}
		if flags&abi.O_ACCMODE != abi.O_RDONLY || flags&abi.O_TRUNC != 0 {
			if i.d.flags&flVerity != 0 {
				return nil, abi.EPERM
			}
		}
		i.opens++
		return &regFile{i: i}, nil
	}
	return nil, abi.ENXIO
}

// regFile is an open regular file.
type regFile struct {
	i     *inode
	flags func() uint32 // the open file's status flags (Attach)
}

var _ vfs.Seeker = (*regFile)(nil)

// DirectIO implements vfs.DirectIOer: regular files take O_DIRECT (their
// I/O still goes through the block cache).
func (f *regFile) DirectIO() {}

// PageCache implements vfs.PageCacher.
func (f *regFile) PageCache() {}

// Release implements vfs.FileOps: the last close of an unlinked file
// frees it.
func (f *regFile) Release() { f.i.release() }

// Read implements vfs.FileOps: data is copied from the block cache to
// the caller's memory; holes and unwritten extents read as zeros.
func (f *regFile) Read(ctx vfs.Context, dst *usermem.IO, off int64) (int, error) {
	i := f.i
	i.mu.RLock()
	if f.direct() {
		if err := i.directReadCheckLocked(dst, off); err != nil {
			i.mu.RUnlock()
			return 0, err
		}
	}
	n, err := i.readLocked(dst, off)
	i.mu.RUnlock()
	i.touchAtime(ctx)
	return n, err
}

var _ vfs.Syncer = (*regFile)(nil)

// Fsync implements vfs.Syncer: the file (and, as the cache is per
// device, everything else) goes to the disk: fsync(2), fdatasync(2).
func (f *regFile) Fsync(ctx vfs.Context, datasync bool) error { return f.i.fs.Sync() }

// needAtimeLocked is Linux's relatime rule: the access time is updated
// when it is not after the modification or change time, or is a day old.
// Preconditions: i.mu is held.
func (i *inode) needAtimeLocked(now vfs.Time) bool {
	if i.fs.noAtime || i.d.flags&flNoatime != 0 || i.dead {
		return false
	}
	a := i.d.atime
	before := func(x, y vfs.Time) bool { return x.Sec < y.Sec || x.Sec == y.Sec && x.Nsec <= y.Nsec }
	if a == now {
		return false
	}
	return before(a, i.d.mtime) || before(a, i.d.ctime) || now.Sec-a.Sec >= 24*3600
}

// touchAtime updates the access time after a read (relatime).
func (i *inode) touchAtime(ctx vfs.Context) {
	if i.fs.readOnly() || i.fs.noAtime {
		return
	}
	now := ctx.Now()
	i.mu.RLock()
	need := i.needAtimeLocked(now)
	i.mu.RUnlock()
	if !need {
		return
	}
	i.mu.Lock()
	if i.needAtimeLocked(now) {
		i.d.atime = now
		i.writeLocked()
	}
	i.mu.Unlock()
}

// readLocked implements Read. Preconditions: i.mu is held.
func (i *inode) readLocked(dst *usermem.IO, off int64) (int, error) {
	fs := i.fs
	if off < 0 {
		return 0, abi.EINVAL
	}
	size := int64(i.d.size)
	if off >= size || dst.Len() == 0 {
		return 0, nil
	}
	total := int(min(int64(dst.Len()), size-off))
	if i.d.flags&flInlineData != 0 {
		buf := make([]byte, total)
		if err := i.readInlineLocked(buf, off); err != nil {
			return 0, err
		}
		n, err := dst.CopyOut(0, buf)
		if n > 0 {
			return n, nil
		}
		return 0, err
	}
	bs := int64(fs.g.blockSize)
	done := 0
	var ioErr error
	for done < total {
		pos := off + int64(done)
		lblk := pos >> fs.g.logBlockSize
		bo := pos & (bs - 1)
		if lblk >= maxFileBlocks {
			break
		}
		pblk, cnt, unwritten, err := i.bmapLocked(uint32(lblk))
		if err != nil {
			ioErr = err
			break
		}
		chunk := int(min(int64(cnt)*bs-bo, int64(total-done)))
		if pblk == 0 || unwritten {
			for k := 0; k < chunk; {
				c, err := dst.CopyOut(done+k, zeroPage[:min(chunk-k, len(zeroPage))])
				k += c
				if err != nil {
					done += k
					ioErr = err
					goto out
				}
			}
			done += chunk
			continue
		}
		if fs.overlay != nil {
			// A recovered read-only mount: one block at a time, so
			// replayed blocks are seen.
			chunk = int(min(int64(chunk), bs-bo))
			buf := fs.newBuf()
			if err := fs.readBlock(pblk, buf); err != nil {
				ioErr = err
				break
			}
			c, err := dst.CopyOut(done, buf[bo:bo+int64(chunk)])
			done += c
			if err != nil {
				ioErr = err
				break
			}
			continue
		}
		base := done
		c, err := fs.dev.ReadFunc(int64(pblk)<<fs.g.logBlockSize+bo, chunk, func(b []byte) (int, error) {
			n, err := dst.CopyOut(base, b)
			base += n
			return n, err
		})
		done += c
		if err != nil {
			ioErr = err
			break
		}
	}
out:
	if done > 0 {
		return done, nil
	}
	return 0, ioErr
}

// Seek implements vfs.Seeker: SEEK_DATA and SEEK_HOLE use the block map.
// Positions past the largest file size of the inode's mapping, or below
// zero (also by overflow), give EINVAL, as Linux's ext4_llseek.
func (f *regFile) Seek(ctx vfs.Context, cur, off int64, whence int) (int64, error) {
	i := f.i
	var base int64
	switch whence {
	case abi.SEEK_SET:
	case abi.SEEK_CUR:
		if off == 0 {
			return cur, nil
		}
		base = cur
	case abi.SEEK_END:
		i.mu.RLock()
		base = int64(i.d.size)
		i.mu.RUnlock()
	case abi.SEEK_DATA, abi.SEEK_HOLE:
		i.mu.RLock()
		defer i.mu.RUnlock()
		return i.seekDataLocked(off, whence == abi.SEEK_HOLE)
	default:
		return 0, abi.EINVAL
	}
	n := base + off
	if n < 0 || n > i.maxBytes() {
		return 0, abi.EINVAL
	}
	return n, nil
}

// seekDataLocked finds the next data (or hole) at or after off. Unwritten
// extents count as holes, as in Linux.
// Preconditions: i.mu is held.
func (i *inode) seekDataLocked(off int64, hole bool) (int64, error) {
	size := int64(i.d.size)
	if off < 0 || off >= size {
		return 0, abi.ENXIO
	}
	if i.d.flags&flInlineData != 0 {
		if hole {
			return size, nil
		}
		return off, nil
	}
	fs := i.fs
	bs := int64(fs.g.blockSize)
	pos := off
	for pos < size {
		lblk := pos >> fs.g.logBlockSize
		if lblk >= maxFileBlocks {
			break
		}
		pblk, cnt, unwritten, err := i.bmapLocked(uint32(lblk))
		if err != nil {
			return 0, err
		}
		isData := pblk != 0 && !unwritten
		if isData != hole {
			return max(pos, off), nil
		}
		pos = (lblk + int64(cnt)) * bs
	}
	if hole {
		return size, nil
	}
	return 0, abi.ENXIO
}
