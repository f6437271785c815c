package devices

import (
	"crypto/rand"

	"liblinux/abi"
	"liblinux/kernel/usermem"
	"liblinux/kernel/vfs"
	"liblinux/kernel/waiter"
)

// Device numbers of the standard devices (Documentation/admin-guide/devices.txt).
const (
	MemMajor     = 1 // mem(4): null, zero, full, random, urandom
	MinorNull    = 3
	MinorZero    = 5
	MinorFull    = 7
	MinorRandom  = 8
	MinorURandom = 9

	TTYAuxMajor  = 5 // /dev/tty, /dev/console
	MinorTTY     = 0
	MinorConsole = 1
)

// RegisterStandard registers the devices every kernel has, with the names
// and modes devtmpfs gives their nodes: null, zero, full, random, urandom
// (0666), tty (0666) and console (0600). console receives what is written
// to /dev/console.
func RegisterStandard(r *Registry, console func(b []byte)) error {
	mem := func(minor uint32, name string, kind memKind) *Device {
		return &Device{Type: abi.S_IFCHR, Major: MemMajor, Minor: minor, Name: name, Mode: 0666, Class: "mem",
			Open: func(vfs.Context, uint32) (vfs.FileOps, error) { return newMemFile(kind), nil }}
	}
	devs := []*Device{
		mem(MinorNull, "null", memNull),
		mem(MinorZero, "zero", memZero),
		mem(MinorFull, "full", memFull),
		mem(MinorRandom, "random", memRandom),
		mem(MinorURandom, "urandom", memURandom),
		{Type: abi.S_IFCHR, Major: TTYAuxMajor, Minor: MinorTTY, Name: "tty", Mode: 0666, Class: "tty",
			Open: func(vfs.Context, uint32) (vfs.FileOps, error) {
				// Nothing in liblinux has a controlling terminal.
				return nil, abi.ENXIO
			}},
		{Type: abi.S_IFCHR, Major: TTYAuxMajor, Minor: MinorConsole, Name: "console", Mode: 0600, Class: "tty",
			Open: func(vfs.Context, uint32) (vfs.FileOps, error) { return &consoleFile{print: console}, nil }},
	}
	for _, d := range devs {
		if err := r.Register(d); err != nil {
			return err
		}
	}
	return nil
}

type memKind int

const (
	memNull memKind = iota
	memZero
	memFull
	memRandom
	memURandom
)

// memFile is an open mem(4) device. Reads and writes ignore the offset,
// pread and pwrite work, and lseek always lands on 0, as Linux's
// null_lseek (and noop_llseek of the random devices, whose position
// never moves) do.
type memFile struct{ kind memKind }

func newMemFile(kind memKind) vfs.FileOps {
	switch kind {
	case memRandom:
		return &randomFile{randomFasync{memFile{kind}}}
	case memURandom:
		return &randomFasync{memFile{kind}}
	}
	return &memFile{kind}
}

var zeroPage [4096]byte

// Read implements vfs.FileOps: null is always at end of file; zero and
// full read as zeros; random and urandom as bytes from the host's CSPRNG
// (Go's crypto/rand), never blocking: the pool is always initialised.
func (f *memFile) Read(ctx vfs.Context, dst *usermem.IO, off int64) (int, error) {
	switch f.kind {
	case memNull:
		return 0, nil
	case memZero, memFull:
		return fill(dst, func(b []byte) []byte { return zeroPage[:len(b)] })
	default:
		return fill(dst, func(b []byte) []byte {
			rand.Read(b)
			return b
		})
	}
}

// fill copies chunks made by gen out to dst: the count copied, or EFAULT
// when nothing could be.
func fill(dst *usermem.IO, gen func(b []byte) []byte) (int, error) {
	var buf [len(zeroPage)]byte
	done := 0
	for done < dst.Len() {
		n := min(dst.Len()-done, len(buf))
		c, err := dst.CopyOut(done, gen(buf[:n]))
		done += c
		if err != nil {
			if done > 0 {
				return done, nil
			}
			return 0, err
		}
	}
	return done, nil
}

// Write implements vfs.FileOps: null and zero swallow everything without
// reading it; full is always out of space, even for zero bytes; random
// and urandom take the bytes in (Linux mixes them into the pool without
// crediting entropy; here they add nothing to the host's generator).
func (f *memFile) Write(ctx vfs.Context, src *usermem.IO, off int64) (int, error) {
	switch f.kind {
	case memNull, memZero:
		return src.Len(), nil
	case memFull:
		return 0, abi.ENOSPC
	}
	var buf [512]byte
	done := 0
	for done < src.Len() {
		c, err := src.CopyIn(done, buf[:min(src.Len()-done, len(buf))])
		done += c
		if err != nil {
			if done > 0 {
				return done, nil
			}
			return 0, err
		}
	}
	return done, nil
}

// Release implements vfs.FileOps.
func (f *memFile) Release() {}

// randomFasync marks random and urandom as files that F_SETFL may make
// O_ASYNC (Linux's random_fasync); null, zero and full are not.
type randomFasync struct{ memFile }

// Fasync marks the file (see randomFasync).
func (f *randomFasync) Fasync() {}

// Seek implements vfs.Seeker.
func (f *memFile) Seek(ctx vfs.Context, cur, off int64, whence int) (int64, error) {
	return 0, nil
}

// randomFile is /dev/random, which polls readable but not writable
// (Linux's random_poll once the pool is ready; urandom has no poll and is
// both).
type randomFile struct{ randomFasync }

// Readiness implements vfs.Waitable.
func (f *randomFile) Readiness(mask uint32) uint32 {
	return mask & (waiter.EventIn | abi.POLLRDNORM)
}

// EventRegister implements vfs.Waitable: readiness never changes.
func (f *randomFile) EventRegister(*waiter.Entry) {}

// EventUnregister implements vfs.Waitable.
func (f *randomFile) EventUnregister(*waiter.Entry) {}
