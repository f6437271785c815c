package usermem

import "liblinux/abi"

// MaxRWCount is the most one read or write transfers (Linux MAX_RW_COUNT).
const MaxRWCount = 0x7ffff000

// Seg is one contiguous user buffer.
type Seg struct {
	Addr Addr
	Len  int
}

// IO is a sequence of user buffers that a read fills or a write drains: one
// buffer for read(2)/write(2), several for readv(2)/writev(2). Filesystems
// copy file data straight between their pages and user memory through it,
// so data is copied once and a bad pointer in the middle gives a short
// count or EFAULT, never a crash.
type IO struct {
	segs []Seg
	n    int
	one  [1]Seg
}

// NewIO returns an IO over a single buffer.
func NewIO(a Addr, n int) (*IO, error) {
	io := &IO{}
	if err := io.Reset(a, n); err != nil {
		return nil, err
	}
	return io, nil
}

// Reset makes io describe the single buffer [a, a+n).
func (io *IO) Reset(a Addr, n int) error {
	if err := checkRange(a, n); err != nil {
		return err
	}
	io.one[0] = Seg{a, n}
	io.segs = io.one[:]
	io.n = n
	return nil
}

// ResetCount makes io describe the buffer of a read(2) or write(2) with
// a size_t count: the whole range must lie below TaskSize (EFAULT
// otherwise, as access_ok), and the transfer is limited to MaxRWCount.
// Like access_ok, it accepts a NULL or unmapped buffer: only a copy that
// reaches it faults, so a read or write that copies nothing (/dev/null,
// a zero count) succeeds whatever the pointer.
func (io *IO) ResetCount(a Addr, count uint64) error {
	if count > uint64(TaskSize) || a > TaskSize-Addr(count) {
		return abi.EFAULT
	}
	io.one[0] = Seg{a, int(min(count, MaxRWCount))}
	io.segs = io.one[:]
	io.n = io.one[0].Len
	return nil
}

// NewIOVec returns an IO over several buffers. A segment with a bad
// address is reported as EFAULT when it is reached, as Linux does.
func NewIOVec(segs []Seg) (*IO, error) {
	total := 0
	for _, s := range segs {
		if s.Len < 0 || total+s.Len < total || total+s.Len > MaxRWCount {
			return nil, abi.EINVAL
		}
		total += s.Len
	}
	return &IO{segs: segs, n: total}, nil
}

// Len is the total number of bytes io covers.
func (io *IO) Len() int { return io.n }

// Segs returns the buffers of io, which the caller must not change.
func (io *IO) Segs() []Seg { return io.segs }

// Aligned reports whether every buffer of io with bytes in it starts at
// an address and has a length that are multiples of mask+1 (a power of
// two), as Linux's iov_iter_is_aligned asks for direct I/O.
func (io *IO) Aligned(mask uintptr) bool {
	for _, s := range io.segs {
		if s.Len > 0 && (uintptr(s.Addr)|uintptr(s.Len))&mask != 0 {
			return false
		}
	}
	return true
}

// CopyOut copies src to io at logical offset off. It returns how many bytes
// were copied; err is EFAULT if a segment is bad.
func (io *IO) CopyOut(off int, src []byte) (int, error) {
	return io.xfer(off, src, true)
}

// CopyIn copies from io at logical offset off into dst.
func (io *IO) CopyIn(off int, dst []byte) (int, error) {
	return io.xfer(off, dst, false)
}

func (io *IO) xfer(off int, b []byte, out bool) (int, error) {
	done := 0
	for _, s := range io.segs {
		if len(b) == 0 {
			break
		}
		if off >= s.Len {
			off -= s.Len
			continue
		}
		n := min(s.Len-off, len(b))
		a := s.Addr + Addr(off)
		var err error
		if err = checkRange(a, n); err == nil {
			if out {
				err = copyOut(a, b[:n])
			} else {
				err = copyIn(b[:n], a)
			}
		}
		if err != nil {
			return done, err
		}
		done += n
		b = b[n:]
		off = 0
	}
	return done, nil
}
