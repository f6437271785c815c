package syscalls

import (
	"math"

	"liblinux/abi"
	"liblinux/kernel"
	"liblinux/kernel/pipe"
	"liblinux/kernel/usermem"
	"liblinux/kernel/vfs"
)

func init() {
	register(abi.SYS_PREADV, Preadv)
	register(abi.SYS_PWRITEV, Pwritev)
	register(abi.SYS_PREADV2, Preadv2)
	register(abi.SYS_PWRITEV2, Pwritev2)
}

// rwfKnown are the RWF_* flags of preadv2/pwritev2 (those of Linux 6.6);
// others give EOPNOTSUPP.
const rwfKnown = abi.RWF_HIPRI | abi.RWF_DSYNC | abi.RWF_SYNC | abi.RWF_NOWAIT | abi.RWF_APPEND

// Preadv implements Linux syscall preadv(2). On a 64-bit ABI the whole
// offset is in pos_l; pos_h is ignored.
func Preadv(t *kernel.Task, a *Args) (uintptr, error) {
	return vectorIO(t, a.Int(0), a.Ptr(1), a[2], a.Int64(3), 0, false, false)
}

// Pwritev implements Linux syscall pwritev(2).
func Pwritev(t *kernel.Task, a *Args) (uintptr, error) {
	return vectorIO(t, a.Int(0), a.Ptr(1), a[2], a.Int64(3), 0, true, false)
}

// Preadv2 implements Linux syscall preadv2(2): offset -1 reads at the
// file position and advances it.
func Preadv2(t *kernel.Task, a *Args) (uintptr, error) {
	return vectorIO(t, a.Int(0), a.Ptr(1), a[2], a.Int64(3), a.Uint(5), false, true)
}

// Pwritev2 implements Linux syscall pwritev2(2): offset -1 writes at the
// file position and advances it.
func Pwritev2(t *kernel.Task, a *Args) (uintptr, error) {
	return vectorIO(t, a.Int(0), a.Ptr(1), a[2], a.Int64(3), a.Uint(5), true, true)
}

// vectorIO is preadv, pwritev, preadv2 and pwritev2, with Linux's checks
// in Linux's order: the offset (EINVAL), the descriptor (EBADF), an
// offset on a file without one (ESPIPE), the access mode (EBADF), the
// iovec array (EINVAL, EFAULT), the range (EINVAL), then the flags
// (EOPNOTSUPP). RWF_HIPRI, RWF_DSYNC and RWF_SYNC need nothing more of a
// memory-backed file; RWF_NOWAIT works on pipes and on files whose
// FileOps are noWaiters (EOPNOTSUPP elsewhere, as for Linux's tmpfs);
// RWF_APPEND and O_APPEND make a write append, moving the file position
// only for offset -1.
func vectorIO(t *kernel.Task, fd int32, iov usermem.Addr, cnt uintptr, off int64, flags uint32, write, v2 bool) (uintptr, error) {
	cur := v2 && off == -1
	if off < 0 && !cur {
		return 0, abi.EINVAL
	}
	f, err := getFile(t, fd)
	if err != nil {
		return 0, err
	}
	defer f.DecRef()
	var pe *pipe.End
	if p, ok := f.Ops().(interface{ PipeEnd() *pipe.End }); ok {
		pe = p.PipeEnd()
	}
	stream := isStream(f)
	if !cur && stream {
		return 0, abi.ESPIPE
	}
	if write && !f.Writable() || !write && !f.Readable() {
		return 0, abi.EBADF
	}
	io, err := importIovecs(iov, cnt)
	if err != nil {
		return 0, err
	}
	if !cur && off > math.MaxInt64-int64(io.Len()) {
		return 0, abi.EINVAL
	}
	nw, nowaitOK := f.Ops().(noWaiter)
	if flags&^rwfKnown != 0 || flags&abi.RWF_NOWAIT != 0 && pe == nil && !nowaitOK {
		return 0, abi.EOPNOTSUPP
	}
	if io.Len() == 0 {
		return 0, nil
	}
	if flags&abi.RWF_NOWAIT != 0 && nowaitOK {
		if err := nw.NoWait(write); err != nil {
			return 0, err
		}
	}
	if pe != nil && flags&abi.RWF_NOWAIT != 0 {
		if write {
			return xferResult(pe.P.Write(t, io, true, pe.Packet()))
		}
		return xferResult(pe.P.Read(t, io, true))
	}
	switch {
	case !write && cur:
		return xferResult(f.Read(t, io))
	case !write:
		return xferResult(f.Pread(t, io, off))
	case !stream && (flags&abi.RWF_APPEND != 0 || f.Flags()&abi.O_APPEND != 0):
		return xferResult(appendWrite(t, f, io, cur))
	case cur:
		return xferResult(f.Write(t, io))
	}
	return xferResult(f.Pwrite(t, io, off))
}

// appendWrite writes io at the end of f, as a write with O_APPEND or
// RWF_APPEND does, whatever offset was asked; with moveCur the file
// position follows the write.
func appendWrite(t *kernel.Task, f *vfs.File, io *usermem.IO, moveCur bool) (int, error) {
	var n int
	var end int64
	var err error
	if aw, ok := f.Ops().(vfs.AppendWriter); ok {
		n, end, err = aw.WriteAppend(t, io)
	} else {
		n, err = f.Ops().Write(t, io, -1)
		if attr, aerr := f.Attr(); aerr == nil {
			end = attr.Size
		}
	}
	if moveCur && n > 0 {
		f.Seek(t, end, abi.SEEK_SET)
	}
	return n, err
}

// noWaiter is implemented by the FileOps of files that take RWF_NOWAIT
// (Linux's FMODE_NOWAIT): NoWait says whether a read or write may go
// ahead without blocking, or the error it gives instead.
type noWaiter interface{ NoWait(write bool) error }

// isStream reports whether f has no file position (pipes, sockets,
// stream devices): I/O at an offset gives ESPIPE.
func isStream(f *vfs.File) bool {
	s, ok := f.Ops().(vfs.Streamer)
	return ok && s.Stream()
}

// xferResult turns a transfer's (count, error) into a system call result:
// a partial transfer succeeds.
func xferResult(n int, err error) (uintptr, error) {
	if n > 0 {
		return uintptr(n), nil
	}
	return 0, err
}

// importIovecs reads an iovec array as Linux's import_iovec does: EINVAL
// for more than IOV_MAX entries or a length that is negative as ssize_t,
// EFAULT for an unreadable array or a buffer that reaches past the user
// address space; the total is cut to MAX_RW_COUNT. A bad pointer inside
// the address space is found during the copy, giving a short count.
func importIovecs(addr usermem.Addr, cnt uintptr) (*usermem.IO, error) {
	if cnt > abi.IOV_MAX {
		return nil, abi.EINVAL
	}
	if cnt == 0 {
		return usermem.NewIOVec(nil)
	}
	b := make([]byte, int(cnt)*abi.SizeofIovec)
	if err := usermem.CopyIn(b, addr); err != nil {
		return nil, err
	}
	vs := make([]abi.Iovec, cnt)
	for i := range vs {
		vs[i].UnmarshalFrom(b[i*abi.SizeofIovec:])
		if int64(vs[i].Len) < 0 {
			return nil, abi.EINVAL
		}
	}
	segs := make([]usermem.Seg, cnt)
	total := 0
	for i, v := range vs {
		if v.Base > uint64(usermem.TaskSize) || v.Len > uint64(usermem.TaskSize)-v.Base {
			return nil, abi.EFAULT
		}
		n := int(min(v.Len, uint64(usermem.MaxRWCount-total)))
		segs[i] = usermem.Seg{Addr: usermem.Addr(v.Base), Len: n}
		total += n
	}
	return usermem.NewIOVec(segs)
}
