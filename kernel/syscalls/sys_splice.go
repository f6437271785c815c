package syscalls

import (
	"math"

	"liblinux/abi"
	"liblinux/kernel"
	"liblinux/kernel/mm"
	"liblinux/kernel/pipe"
	"liblinux/kernel/usermem"
	"liblinux/kernel/vfs"
)

func init() {
	register(abi.SYS_SENDFILE, Sendfile)
	register(abi.SYS_SPLICE, Splice)
	register(abi.SYS_TEE, Tee)
	register(abi.SYS_VMSPLICE, Vmsplice)
	register(abi.SYS_COPY_FILE_RANGE, CopyFileRange)
}

// spliceFlags are the SPLICE_F_* flags splice, tee and vmsplice accept.
const spliceFlags = abi.SPLICE_F_MOVE | abi.SPLICE_F_NONBLOCK | abi.SPLICE_F_MORE | abi.SPLICE_F_GIFT

// bouncePages bounds the kernel buffer a file-to-file copy goes through.
const bouncePages = 16

// pipeOf returns the pipe behind f, if f is a pipe or FIFO end.
func pipeOf(f *vfs.File) *pipe.Pipe {
	if pe, ok := f.Ops().(interface{ PipeEnd() *pipe.End }); ok {
		return pe.PipeEnd().P
	}
	return nil
}

// spliceReadable reports whether file data can be spliced out of f, as a
// Linux file with a splice_read operation: files in the tree other than
// directories (pipes are handled on their own; eventfd, epoll and other
// anonymous files have none).
func spliceReadable(f *vfs.File) bool {
	if f.Path().D == nil {
		return false
	}
	attr, err := f.Attr()
	return err == nil && !attr.IsDir()
}

// fileShape lays out in pipe slots what a splice reads from in at pos: a
// file Linux keeps in the page cache gives each slot what is left of one
// page of it; others (and O_DIRECT opens) whole pages.
func fileShape(in *vfs.File, pos int64) pipe.Shape {
	if _, ok := in.Ops().(vfs.PageCacher); !ok || in.Flags()&abi.O_DIRECT != 0 || pos < 0 {
		return pipe.WholePages
	}
	return pipe.FilePages(pos)
}

// verifyArea applies Linux's rw_verify_area to an I/O of count bytes at
// pos: EINVAL for a negative position or count or a range past the
// largest offset.
func verifyArea(pos int64, count uint64) error {
	if pos < 0 || int64(count) < 0 || pos > math.MaxInt64-int64(count) {
		return abi.EINVAL
	}
	return nil
}

// copyInOffset and copyOutOffset read and write a loff_t argument.
func copyInOffset(addr usermem.Addr) (int64, error) {
	var b [8]byte
	if err := usermem.CopyIn(b[:], addr); err != nil {
		return 0, err
	}
	return int64(getUint64(b[:])), nil
}

func copyOutOffset(addr usermem.Addr, v int64) error {
	var b [8]byte
	putUint64(b[:], uint64(v))
	return usermem.CopyOut(addr, b[:])
}

// position returns f's file position (0 for files without one).
func position(t *kernel.Task, f *vfs.File) int64 {
	pos, err := f.Seek(t, 0, abi.SEEK_CUR)
	if err != nil {
		return 0
	}
	return pos
}

// readAt reads into dst from f at pos, or at the file's own place for a
// file without a position.
func readAt(t *kernel.Task, f *vfs.File, dst *usermem.IO, pos int64) (int, error) {
	if isStream(f) {
		return f.Read(t, dst)
	}
	return f.Pread(t, dst, pos)
}

// writeAt writes src to f at pos, or at the file's own place for a file
// without a position.
func writeAt(t *kernel.Task, f *vfs.File, src *usermem.IO, pos int64) (int, error) {
	if isStream(f) {
		return f.Write(t, src)
	}
	return f.Pwrite(t, src, pos)
}

// bounce is a bounded kernel buffer of pages from the page allocator.
type bounce struct {
	mem   *mm.Allocator
	pages [][]byte
}

// newBounce allocates enough pages for n bytes, at most bouncePages.
func newBounce(mem *mm.Allocator, n int) (*bounce, error) {
	b := &bounce{mem: mem}
	for i := 0; i < bouncePages && i*mm.PageSize < n; i++ {
		pg, err := mem.AllocPage()
		if err != nil {
			if i == 0 {
				return nil, err
			}
			break
		}
		b.pages = append(b.pages, pg)
	}
	return b, nil
}

// size is the buffer's capacity in bytes.
func (b *bounce) size() int { return len(b.pages) * mm.PageSize }

// io returns an IO over the first n bytes of the buffer.
func (b *bounce) io(n int) *usermem.IO {
	segs := make([]usermem.Seg, 0, len(b.pages))
	for _, pg := range b.pages {
		if n == 0 {
			break
		}
		c := min(n, len(pg))
		segs = append(segs, usermem.Seg{Addr: usermem.AddrOf(pg[:c]), Len: c})
		n -= c
	}
	io, _ := usermem.NewIOVec(segs)
	return io
}

func (b *bounce) free() {
	for _, pg := range b.pages {
		b.mem.FreePage(pg)
	}
}

// copyFileData copies up to count bytes from in at *pos to out at *opos
// (or at out's own place when out has no position) through a bounded
// kernel buffer, as Linux's do_splice_direct: it stops at end of file or
// at a short write, and advances *pos and *opos by what was written.
func copyFileData(t *kernel.Task, in *vfs.File, pos *int64, out *vfs.File, opos *int64, count int) (int, error) {
	buf, err := newBounce(t.Kernel().Mem, count)
	if err != nil {
		return 0, err
	}
	defer buf.free()
	done := 0
	for done < count {
		want := min(count-done, buf.size())
		r, rerr := readAt(t, in, buf.io(want), *pos)
		if r <= 0 {
			if done == 0 {
				return 0, rerr
			}
			break
		}
		w, werr := writeAt(t, out, buf.io(r), *opos)
		if w > 0 {
			done += w
			*pos += int64(w)
			*opos += int64(w)
		}
		if werr != nil || w < r {
			if done == 0 {
				return 0, werr
			}
			break
		}
		if r < want {
			break
		}
	}
	return done, nil
}

// Sendfile implements Linux syscall sendfile(2) (sendfile64). With a NULL
// offset it reads at in_fd's file position and advances it; otherwise it
// reads at *offset and stores the new offset there, leaving the position
// alone. A pipe as out_fd is filled once (after waiting for room, unless
// it is non-blocking); any other output is written until count bytes or
// the end of the input.
func Sendfile(t *kernel.Task, a *Args) (uintptr, error) {
	outFd, inFd, offAddr, count := a.Int(0), a.Int(1), a.Ptr(2), uint64(a[3])
	var pos int64
	if offAddr != 0 {
		var err error
		if pos, err = copyInOffset(offAddr); err != nil {
			return 0, err
		}
	}
	n, pos, err := sendfile(t, outFd, inFd, offAddr != 0, pos, count)
	if offAddr != 0 {
		if cerr := copyOutOffset(offAddr, pos); cerr != nil {
			return 0, cerr
		}
	}
	return uintptr(n), err
}

// sendfile does the work of Sendfile and returns the count and the new
// input offset.
func sendfile(t *kernel.Task, outFd, inFd int32, hasOff bool, pos int64, count uint64) (int, int64, error) {
	in, err := getFile(t, inFd)
	if err != nil {
		return 0, pos, err
	}
	defer in.DecRef()
	if !in.Readable() {
		return 0, pos, abi.EBADF
	}
	if hasOff {
		if isStream(in) {
			return 0, pos, abi.ESPIPE
		}
	} else {
		pos = position(t, in)
	}
	if err := verifyArea(pos, count); err != nil {
		return 0, pos, err
	}
	n := int(min(count, usermem.MaxRWCount))
	out, err := getFile(t, outFd)
	if err != nil {
		return 0, pos, err
	}
	defer out.DecRef()
	if !out.Writable() {
		return 0, pos, abi.EBADF
	}
	if pipeOf(in) != nil {
		return 0, pos, abi.EINVAL
	}
	start := pos
	var done int
	if op := pipeOf(out); op != nil {
		if n == 0 {
			return 0, pos, nil
		}
		if !spliceReadable(in) {
			return 0, pos, abi.EINVAL
		}
		done, err = op.SpliceIn(t, n, fileShape(in, pos), out.NonBlocking(), func(dst *usermem.IO) (int, error) {
			return readAt(t, in, dst, pos)
		})
		pos += int64(done)
	} else {
		opos := position(t, out)
		if err := verifyArea(opos, uint64(n)); err != nil {
			return 0, pos, err
		}
		if out.Flags()&abi.O_APPEND != 0 {
			return 0, pos, abi.EINVAL
		}
		if n == 0 {
			return 0, pos, nil
		}
		if !spliceReadable(in) {
			return 0, pos, abi.EINVAL
		}
		ostart := opos
		done, err = copyFileData(t, in, &pos, out, &opos, n)
		if done > 0 && !isStream(out) {
			out.Seek(t, ostart+int64(done), abi.SEEK_SET)
		}
	}
	if done > 0 && !hasOff && !isStream(in) {
		in.Seek(t, start+int64(done), abi.SEEK_SET)
	}
	if done > 0 {
		return done, pos, nil
	}
	return 0, pos, err
}

// Splice implements Linux syscall splice(2): one end must be a pipe
// (EINVAL otherwise); an offset may be given only for the other end
// (ESPIPE). From a file into a pipe it fills the pipe once, after waiting
// for room; from a pipe into a file it writes what the pipe holds, after
// waiting for data; between two pipes it moves what fits. SPLICE_F_NONBLOCK,
// or O_NONBLOCK on the pipe end, turns the waits into EAGAIN.
func Splice(t *kernel.Task, a *Args) (uintptr, error) {
	inFd, offIn, outFd, offOut, n, flags := a.Int(0), a.Ptr(1), a.Int(2), a.Ptr(3), uint64(a[4]), a.Uint(5)
	if n == 0 {
		return 0, nil
	}
	if flags&^spliceFlags != 0 {
		return 0, abi.EINVAL
	}
	in, out, err := getFiles(t, inFd, outFd)
	if err != nil {
		return 0, err
	}
	defer in.DecRef()
	defer out.DecRef()
	ip, op := pipeOf(in), pipeOf(out)
	if ip != nil && offIn != 0 || op != nil && offOut != 0 {
		return 0, abi.ESPIPE
	}
	var posIn, posOut int64
	if offIn != 0 {
		if posIn, err = copyInOffset(offIn); err != nil {
			return 0, err
		}
	}
	if offOut != 0 {
		if posOut, err = copyInOffset(offOut); err != nil {
			return 0, err
		}
	}
	if !in.Readable() || !out.Writable() {
		return 0, abi.EBADF
	}
	nonblock := flags&abi.SPLICE_F_NONBLOCK != 0
	var done int
	switch {
	case ip != nil && op != nil:
		if ip == op {
			return 0, abi.EINVAL
		}
		done, err = ip.SpliceTo(t, op, int(min(n, math.MaxInt32)), nonblock || in.NonBlocking() || out.NonBlocking(), false)
		return xferResult(done, err)
	case op != nil:
		done, posIn, err = spliceToPipe(t, in, offIn != 0, posIn, op, n, nonblock || out.NonBlocking())
		if offIn != 0 && done > 0 {
			if cerr := copyOutOffset(offIn, posIn); cerr != nil {
				return 0, cerr
			}
		}
	case ip != nil:
		done, posOut, err = spliceFromPipe(t, ip, out, offOut != 0, posOut, n, nonblock || in.NonBlocking())
		if offOut != 0 && done > 0 {
			if cerr := copyOutOffset(offOut, posOut); cerr != nil {
				return 0, cerr
			}
		}
	default:
		return 0, abi.EINVAL
	}
	return xferResult(done, err)
}

// spliceToPipe moves up to n bytes of in, at pos (hasOff) or at its file
// position, into p. It returns the count and the new offset.
func spliceToPipe(t *kernel.Task, in *vfs.File, hasOff bool, pos int64, p *pipe.Pipe, n uint64, nonblock bool) (int, int64, error) {
	if hasOff {
		if isStream(in) {
			return 0, pos, abi.EINVAL
		}
	} else {
		pos = position(t, in)
	}
	start := pos
	done, err := p.SpliceIn(t, int(min(n, usermem.MaxRWCount)), fileShape(in, pos), nonblock, func(dst *usermem.IO) (int, error) {
		if err := verifyArea(pos, n); err != nil {
			return 0, err
		}
		if !spliceReadable(in) {
			return 0, abi.EINVAL
		}
		return readAt(t, in, dst, pos)
	})
	pos += int64(done)
	if done > 0 && !hasOff && !isStream(in) {
		in.Seek(t, start+int64(done), abi.SEEK_SET)
	}
	return done, pos, err
}

// spliceFromPipe moves up to n bytes of p into out, at pos (hasOff) or at
// its file position. It returns the count and the new offset.
func spliceFromPipe(t *kernel.Task, p *pipe.Pipe, out *vfs.File, hasOff bool, pos int64, n uint64, nonblock bool) (int, int64, error) {
	if hasOff {
		if isStream(out) {
			return 0, pos, abi.EINVAL
		}
	} else {
		pos = position(t, out)
	}
	if out.Flags()&abi.O_APPEND != 0 {
		return 0, pos, abi.EINVAL
	}
	if err := verifyArea(pos, n); err != nil {
		return 0, pos, err
	}
	start := pos
	done, err := p.SpliceOut(t, int(min(n, usermem.MaxRWCount)), nonblock, func(src *usermem.IO) (int, error) {
		return writeAt(t, out, src, pos)
	})
	pos += int64(done)
	if done > 0 && !hasOff && !isStream(out) {
		out.Seek(t, start+int64(done), abi.SEEK_SET)
	}
	return done, pos, err
}

// Tee implements Linux syscall tee(2): it copies up to len bytes from one
// pipe to another without consuming them. Both must be pipes, and
// different ones (EINVAL).
func Tee(t *kernel.Task, a *Args) (uintptr, error) {
	inFd, outFd, n, flags := a.Int(0), a.Int(1), uint64(a[2]), a.Uint(3)
	if flags&^spliceFlags != 0 {
		return 0, abi.EINVAL
	}
	if n == 0 {
		return 0, nil
	}
	in, out, err := getFiles(t, inFd, outFd)
	if err != nil {
		return 0, err
	}
	defer in.DecRef()
	defer out.DecRef()
	if !in.Readable() || !out.Writable() {
		return 0, abi.EBADF
	}
	ip, op := pipeOf(in), pipeOf(out)
	if ip == nil || op == nil || ip == op {
		return 0, abi.EINVAL
	}
	nonblock := flags&abi.SPLICE_F_NONBLOCK != 0 || in.NonBlocking() || out.NonBlocking()
	return xferResult(ip.SpliceTo(t, op, int(min(n, math.MaxInt32)), nonblock, true))
}

// Vmsplice implements Linux syscall vmsplice(2) by copying: into a pipe's
// write end it adds what fits of the caller's buffers (after waiting for
// room), a slot per page of each buffer as Linux maps them; from a read
// end it fills them with what the pipe holds (after waiting for data).
// Only SPLICE_F_NONBLOCK turns the waits into EAGAIN: as in Linux, the
// pipe's O_NONBLOCK does not. SPLICE_F_GIFT is accepted and has no
// effect.
func Vmsplice(t *kernel.Task, a *Args) (uintptr, error) {
	fd, iov, cnt, flags := a.Int(0), a.Ptr(1), a[2], a.Uint(3)
	if flags&^spliceFlags != 0 {
		return 0, abi.EINVAL
	}
	f, err := getFile(t, fd)
	if err != nil {
		return 0, err
	}
	defer f.DecRef()
	if !f.Writable() && !f.Readable() {
		return 0, abi.EBADF
	}
	io, err := importIovecs(iov, cnt)
	if err != nil {
		return 0, err
	}
	if io.Len() == 0 {
		return 0, nil
	}
	p := pipeOf(f)
	if p == nil {
		return 0, abi.EBADF
	}
	nonblock := flags&abi.SPLICE_F_NONBLOCK != 0
	if f.Writable() {
		return xferResult(p.SpliceIn(t, io.Len(), pipe.UserPages(io.Segs()), nonblock, func(dst *usermem.IO) (int, error) {
			return copyIO(dst, io)
		}))
	}
	return xferResult(p.SpliceOut(t, io.Len(), nonblock, func(src *usermem.IO) (int, error) {
		return copyIO(io, src)
	}))
}

// copyIO copies min(dst.Len(), src.Len()) bytes from src to dst through a
// small buffer; a fault ends it early.
func copyIO(dst, src *usermem.IO) (int, error) {
	var buf [512]byte
	n := min(dst.Len(), src.Len())
	done := 0
	for done < n {
		c, err := src.CopyIn(done, buf[:min(len(buf), n-done)])
		if c > 0 {
			w, werr := dst.CopyOut(done, buf[:c])
			done += w
			if werr != nil {
				err = werr
			}
		}
		if err != nil {
			if done > 0 {
				return done, nil
			}
			return 0, err
		}
	}
	return done, nil
}

// CopyFileRange implements Linux syscall copy_file_range(2) between two
// regular files of one filesystem instance (EXDEV otherwise, as for a
// filesystem without its own copy_file_range), with Linux's checks in
// Linux's order. Offsets given by pointer are read and stored back; a
// NULL one means the file position, which moves.
func CopyFileRange(t *kernel.Task, a *Args) (uintptr, error) {
	inFd, offIn, outFd, offOut, n, flags := a.Int(0), a.Ptr(1), a.Int(2), a.Ptr(3), uint64(a[4]), a.Uint(5)
	in, out, err := getFiles(t, inFd, outFd)
	if err != nil {
		return 0, err
	}
	defer in.DecRef()
	defer out.DecRef()
	var pos, opos int64
	if offIn != 0 {
		if pos, err = copyInOffset(offIn); err != nil {
			return 0, err
		}
	} else {
		pos = position(t, in)
	}
	if offOut != 0 {
		if opos, err = copyInOffset(offOut); err != nil {
			return 0, err
		}
	} else {
		opos = position(t, out)
	}
	if flags != 0 {
		return 0, abi.EINVAL
	}
	count, err := copyRangeChecks(in, pos, out, opos, n)
	if err != nil || count == 0 {
		return 0, err
	}
	start, ostart := pos, opos
	done, err := copyFileData(t, in, &pos, out, &opos, count)
	if done == 0 {
		return 0, err
	}
	if offIn != 0 {
		if err := copyOutOffset(offIn, pos); err != nil {
			return 0, err
		}
	} else {
		in.Seek(t, start+int64(done), abi.SEEK_SET)
	}
	if offOut != 0 {
		if err := copyOutOffset(offOut, opos); err != nil {
			return 0, err
		}
	} else {
		out.Seek(t, ostart+int64(done), abi.SEEK_SET)
	}
	return uintptr(done), nil
}

// copyRangeChecks makes copy_file_range's checks on the files and the
// range and returns how many bytes to copy: the request cut at the end of
// the input, at the largest file size and at MAX_RW_COUNT.
func copyRangeChecks(in *vfs.File, pos int64, out *vfs.File, opos int64, n uint64) (int, error) {
	ia, ierr := in.Attr()
	oa, oerr := out.Attr()
	if ierr != nil || oerr != nil || in.Path().D == nil || out.Path().D == nil {
		return 0, abi.EINVAL
	}
	if ia.IsDir() || oa.IsDir() {
		return 0, abi.EISDIR
	}
	if ia.Type() != abi.S_IFREG || oa.Type() != abi.S_IFREG {
		return 0, abi.EINVAL
	}
	if !in.Readable() || !out.Writable() || out.Flags()&abi.O_APPEND != 0 {
		return 0, abi.EBADF
	}
	id, od := in.Path().D, out.Path().D
	if id.Superblock() != od.Superblock() {
		return 0, abi.EXDEV
	}
	if uint64(pos)+n < uint64(pos) || uint64(opos)+n < uint64(opos) {
		return 0, abi.EOVERFLOW
	}
	count := n
	if pos >= ia.Size {
		count = 0
	} else {
		count = min(count, uint64(ia.Size-pos))
	}
	if opos == math.MaxInt64 {
		return 0, abi.EFBIG
	}
	if opos >= 0 {
		count = min(count, uint64(math.MaxInt64-opos))
	}
	if id.Inode() == od.Inode() && opos < pos+int64(count) && pos < opos+int64(count) {
		return 0, abi.EINVAL
	}
	if pos < 0 || opos < 0 {
		return 0, abi.EINVAL
	}
	return int(min(count, usermem.MaxRWCount)), nil
}

// getFiles returns the files of two descriptors, in's first (its EBADF
// wins); the caller drops both references.
func getFiles(t *kernel.Task, inFd, outFd int32) (in, out *vfs.File, err error) {
	if in, err = getFile(t, inFd); err != nil {
		return nil, nil, err
	}
	if out, err = getFile(t, outFd); err != nil {
		in.DecRef()
		return nil, nil, err
	}
	return in, out, nil
}
