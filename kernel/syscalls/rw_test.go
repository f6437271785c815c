package syscalls_test

import (
	"math"
	"testing"

	"liblinux/abi"
)

// iovecs returns an iovec array in user memory over the given buffers
// (address and length pairs).
func (e *env) iovecs(segs ...[2]uintptr) uintptr {
	b, p := e.buf(len(segs)*abi.SizeofIovec + 1)
	for i, s := range segs {
		v := abi.Iovec{Base: uint64(s[0]), Len: uint64(s[1])}
		v.MarshalTo(b[i*abi.SizeofIovec:])
	}
	return p
}

// contents reads a whole file by path.
func (e *env) contents(path string) string {
	e.t.Helper()
	fd := e.sys(abi.SYS_OPENAT, atFDCWD, e.str(path), abi.O_RDONLY)
	if fd < 0 {
		e.t.Fatalf("open %s = %d", path, fd)
	}
	defer e.sys(abi.SYS_CLOSE, uintptr(fd))
	b, p := e.buf(1 << 20)
	n := e.sys(abi.SYS_PREAD64, uintptr(fd), p, 1<<20, 0)
	if n < 0 {
		e.t.Fatalf("read %s = %d", path, n)
	}
	return string(b[:n])
}

func TestPreadvPwritev(t *testing.T) {
	e := newEnv(t, "")
	fd := e.fileWith("/f", "0123456789", abi.O_RDWR)
	b, p := e.buf(16)
	v := e.iovecs([2]uintptr{p, 3}, [2]uintptr{p + 10, 4})
	rw := func(name string, nr, fd, iov, cnt uintptr, off int64, flags uintptr, want int64) {
		t.Helper()
		e.want(name, e.sys(nr, fd, iov, cnt, uintptr(off), 0, flags), want)
	}
	pos := func(name string, fd uintptr, want int64) {
		t.Helper()
		e.want(name+": position", e.sys(abi.SYS_LSEEK, fd, 0, abi.SEEK_CUR), want)
	}
	rw("preadv", abi.SYS_PREADV, fd, v, 2, 0, 0, 7)
	if got := string(b[:3]) + "|" + string(b[10:14]); got != "012|3456" {
		t.Errorf("preadv read %q", got)
	}
	rw("preadv offset -1", abi.SYS_PREADV, fd, v, 2, -1, 0, errno(abi.EINVAL))
	rw("preadv2 at the position (10)", abi.SYS_PREADV2, fd, v, 2, -1, 0, 0)
	e.sys(abi.SYS_LSEEK, fd, 2, abi.SEEK_SET)
	rw("preadv2 at the position (2)", abi.SYS_PREADV2, fd, v, 2, -1, 0, 7)
	pos("preadv2 -1", fd, 9)
	rw("preadv2 offset -2", abi.SYS_PREADV2, fd, v, 2, -2, 0, errno(abi.EINVAL))
	rw("unknown flag", abi.SYS_PREADV2, fd, v, 2, 0, 0x80000000, errno(abi.EOPNOTSUPP))
	rw("RWF_NOAPPEND is not known to 6.6", abi.SYS_PWRITEV2, fd, v, 2, 0, 0x20, errno(abi.EOPNOTSUPP))
	rw("RWF_HIPRI", abi.SYS_PREADV2, fd, v, 2, 0, abi.RWF_HIPRI, 7)
	rw("RWF_NOWAIT on tmpfs", abi.SYS_PREADV2, fd, v, 2, 0, abi.RWF_NOWAIT, errno(abi.EOPNOTSUPP))
	rw("RWF_APPEND on a read", abi.SYS_PREADV2, fd, v, 2, 0, abi.RWF_APPEND, 7)
	rw("RWF_DSYNC|RWF_SYNC", abi.SYS_PREADV2, fd, v, 2, 0, abi.RWF_DSYNC|abi.RWF_SYNC, 7)
	rw("IOV_MAX+1", abi.SYS_PREADV2, fd, v, 1025, 0, 0, errno(abi.EINVAL))
	rw("no iovecs", abi.SYS_PREADV2, fd, v, 0, 0, 0, 0)
	rw("negative count", abi.SYS_PREADV2, fd, v, neg(-1), 0, 0, errno(abi.EINVAL))
	rw("NULL, 0", abi.SYS_PREADV, fd, 0, 0, 0, 0, 0)
	rw("NULL, 1", abi.SYS_PREADV, fd, 0, 1, 0, 0, errno(abi.EFAULT))
	rw("past EOF", abi.SYS_PREADV, fd, v, 2, 100, 0, 0)
	rw("negative length", abi.SYS_PREADV, fd, e.iovecs([2]uintptr{p, 3}, [2]uintptr{p, neg(-1)}), 2, 0, 0, errno(abi.EINVAL))
	rw("beyond the address space", abi.SYS_PREADV, fd, e.iovecs([2]uintptr{p, math.MaxInt64}, [2]uintptr{p, math.MaxInt64}), 2, 0, 0, errno(abi.EFAULT))
	rw("bad second buffer: short", abi.SYS_PREADV, fd, e.iovecs([2]uintptr{p, 3}, [2]uintptr{8, 4}), 2, 0, 0, 3)
	rw("range past the largest offset", abi.SYS_PWRITEV, fd, v, 2, math.MaxInt64-1, 0, errno(abi.EINVAL))
	rw("range past the largest offset, read", abi.SYS_PREADV2, fd, v, 1, math.MaxInt64, 0, errno(abi.EINVAL))

	// The order of the checks.
	ro := e.fileWith("/f", "", abi.O_RDONLY)
	rw("EBADF before everything", abi.SYS_PREADV2, 99, v, 1025, 0, 0x80000000, errno(abi.EBADF))
	rw("access mode before the iovecs", abi.SYS_PWRITEV2, ro, v, 1025, 0, 0x80000000, errno(abi.EBADF))
	rw("iovecs before the flags", abi.SYS_PWRITEV2, fd, v, 1025, 0, 0x80000000, errno(abi.EINVAL))
	rw("EFAULT before the flags", abi.SYS_PWRITEV2, fd, 8, 1, 0, 0x80000000, errno(abi.EFAULT))
	rw("offset before the descriptor", abi.SYS_PWRITEV2, 99, v, 1, -5, 0, errno(abi.EINVAL))
	d := uintptr(e.sys(abi.SYS_OPENAT, atFDCWD, e.str("/"), abi.O_RDONLY|abi.O_DIRECTORY))
	rw("directory", abi.SYS_PREADV2, d, v, 1, -1, 0, errno(abi.EISDIR))

	// Writes: RWF_APPEND and O_APPEND append whatever the offset; the
	// position moves only with offset -1.
	w := e.iovecs([2]uintptr{e.str("AB"), 2})
	e.sys(abi.SYS_LSEEK, fd, 9, abi.SEEK_SET)
	rw("RWF_APPEND at 0", abi.SYS_PWRITEV2, fd, w, 1, 0, abi.RWF_APPEND, 2)
	pos("RWF_APPEND at 0", fd, 9)
	rw("RWF_APPEND at -1", abi.SYS_PWRITEV2, fd, w, 1, -1, abi.RWF_APPEND, 2)
	pos("RWF_APPEND at -1", fd, 14)
	rw("pwritev2 at the position", abi.SYS_PWRITEV2, fd, w, 1, -1, 0, 2)
	pos("pwritev2 at the position", fd, 16)
	rw("pwritev2 at 0", abi.SYS_PWRITEV2, fd, w, 1, 0, abi.RWF_DSYNC, 2)
	if got := e.contents("/f"); got != "AB23456789ABABAB" {
		t.Errorf("file = %q", got)
	}
	ap := e.fileWith("/f", "", abi.O_RDWR|abi.O_APPEND)
	rw("pwritev with O_APPEND", abi.SYS_PWRITEV, ap, w, 1, 0, 0, 2)
	pos("pwritev with O_APPEND", ap, 0)
	if got := e.contents("/f"); got != "AB23456789ABABABAB" {
		t.Errorf("file = %q", got)
	}
}

func TestPreadvPwritevPipes(t *testing.T) {
	e := newEnv(t, "")
	r, w := e.pipe(0)
	b, p := e.buf(16)
	v := e.iovecs([2]uintptr{p, 3})
	wv := e.iovecs([2]uintptr{e.str("hello"), 5})
	rw := func(name string, nr, fd, iov, cnt uintptr, off int64, flags uintptr, want int64) {
		t.Helper()
		e.want(name, e.sys(nr, fd, iov, cnt, uintptr(off), 0, flags), want)
	}
	rw("preadv with an offset", abi.SYS_PREADV, r, v, 1, 0, 0, errno(abi.ESPIPE))
	rw("ESPIPE before the iovecs", abi.SYS_PWRITEV, w, v, 1025, 5, 0, errno(abi.ESPIPE))
	rw("EINVAL offset before ESPIPE", abi.SYS_PWRITEV, w, v, 1, -5, 0, errno(abi.EINVAL))
	rw("pwritev2 -1", abi.SYS_PWRITEV2, w, wv, 1, -1, 0, 5)
	rw("pwritev2 0", abi.SYS_PWRITEV2, w, wv, 1, 0, 0, errno(abi.ESPIPE))
	rw("preadv2 -1", abi.SYS_PREADV2, r, v, 1, -1, 0, 3)
	if string(b[:3]) != "hel" {
		t.Errorf("read %q", b[:3])
	}
	rw("RWF_NOWAIT with data", abi.SYS_PREADV2, r, v, 1, -1, abi.RWF_NOWAIT, 2)
	rw("RWF_NOWAIT empty", abi.SYS_PREADV2, r, v, 1, -1, abi.RWF_NOWAIT, errno(abi.EAGAIN))
	rw("write end read", abi.SYS_PREADV2, w, v, 1, -1, 0, errno(abi.EBADF))
	rw("read end write", abi.SYS_PWRITEV2, r, wv, 1, -1, 0, errno(abi.EBADF))
	e.want("F_SETPIPE_SZ", e.sys(abi.SYS_FCNTL, w, abi.F_SETPIPE_SZ, 4096), 4096)
	big, bp := e.buf(4096)
	_ = big
	rw("fill", abi.SYS_PWRITEV2, w, e.iovecs([2]uintptr{bp, 4096}), 1, -1, 0, 4096)
	rw("RWF_NOWAIT write to a full pipe", abi.SYS_PWRITEV2, w, wv, 1, -1, abi.RWF_NOWAIT, errno(abi.EAGAIN))
}
