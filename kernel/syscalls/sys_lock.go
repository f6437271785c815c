package syscalls

import (
	"math"

	"liblinux/abi"
	"liblinux/kernel"
	"liblinux/kernel/locks"
	"liblinux/kernel/usermem"
	"liblinux/kernel/vfs"
)

func init() {
	register(abi.SYS_FLOCK, Flock)
}

// Flock implements Linux syscall flock(2). LOCK_MAND is accepted and
// ignored (Linux dropped mandatory locks and returns 0 for it, before it
// looks at the descriptor).
func Flock(t *kernel.Task, a *Args) (uintptr, error) {
	fd, cmd := a.Int(0), a.Uint(1)
	if cmd&abi.LOCK_MAND != 0 {
		return 0, nil
	}
	var typ int16
	switch cmd &^ abi.LOCK_NB {
	case abi.LOCK_SH:
		typ = abi.F_RDLCK
	case abi.LOCK_EX:
		typ = abi.F_WRLCK
	case abi.LOCK_UN:
		typ = abi.F_UNLCK
	default:
		return 0, abi.EINVAL
	}
	f, err := getFileNoPath(t, fd)
	if err != nil {
		return 0, err
	}
	defer f.DecRef()
	return 0, t.Kernel().Locks().Flock(t, f, typ, cmd&abi.LOCK_NB == 0)
}

// fcntlLock implements fcntl(2)'s F_GETLK, F_SETLK and F_SETLKW (POSIX
// record locks, owned by the process) and F_OFD_GETLK, F_OFD_SETLK and
// F_OFD_SETLKW (owned by the open file description), with Linux's checks
// in Linux's order.
func fcntlLock(t *kernel.Task, fd int32, f *vfs.File, cmd int32, addr usermem.Addr) error {
	var b [abi.SizeofFlock]byte
	if err := usermem.CopyIn(b[:], addr); err != nil {
		return err
	}
	var fl abi.Flock
	fl.UnmarshalFrom(b[:])
	ofd := cmd == abi.F_OFD_GETLK || cmd == abi.F_OFD_SETLK || cmd == abi.F_OFD_SETLKW
	g := t.Group()
	var owner any = g.Files()
	if ofd {
		owner = f
	}
	table := t.Kernel().Locks()
	if cmd == abi.F_GETLK || cmd == abi.F_OFD_GETLK {
		if fl.Type != abi.F_RDLCK && fl.Type != abi.F_WRLCK {
			return abi.EINVAL
		}
		if ofd && fl.Pid != 0 {
			return abi.EINVAL
		}
		l, err := lockRange(t, f, &fl)
		if err != nil {
			return err
		}
		// Without a conflict only l_type changes.
		fl.Type = abi.F_UNLCK
		if c, ok := table.Test(f, owner, l); ok {
			fl = abi.Flock{Type: c.Type, Whence: abi.SEEK_SET, Start: c.Start, Pid: c.PID}
			if c.End != locks.EOF {
				fl.Len = c.End - c.Start + 1
			}
		}
		return copyOut(addr, &fl, abi.SizeofFlock)
	}
	switch fl.Type {
	case abi.F_RDLCK, abi.F_WRLCK, abi.F_UNLCK:
	default:
		return abi.EINVAL
	}
	l, err := lockRange(t, f, &fl)
	if err != nil {
		return err
	}
	if fl.Type == abi.F_RDLCK && !f.Readable() || fl.Type == abi.F_WRLCK && !f.Writable() {
		return abi.EBADF
	}
	if ofd && fl.Pid != 0 {
		return abi.EINVAL
	}
	l.PID = g.PID
	wait := cmd == abi.F_SETLKW || cmd == abi.F_OFD_SETLKW
	if err := table.Set(t, f, owner, ofd, l, wait); err != nil {
		return err
	}
	if !ofd && l.Type != abi.F_UNLCK {
		// A close of fd that raced with the lock has already dropped the
		// process's locks: drop this one too, as Linux's fcntl_setlk does.
		if f2, err := g.Files().Get(fd); err == nil {
			f2.DecRef()
			if f2 == f {
				return nil
			}
		}
		l.Type = abi.F_UNLCK
		table.Set(t, f, owner, false, l, false)
	}
	return nil
}

// lockRange turns struct flock's l_whence, l_start and l_len into a byte
// range: l_len 0 reaches to any end of file, a negative l_len ends the
// range before l_start. EINVAL for a bad l_whence or a range that starts
// before 0; EOVERFLOW for one that ends past the largest offset.
func lockRange(t *kernel.Task, f *vfs.File, fl *abi.Flock) (locks.Lock, error) {
	var base int64
	switch fl.Whence {
	case abi.SEEK_SET:
	case abi.SEEK_CUR:
		// Files without a position (pipes) are at 0.
		if pos, err := f.Seek(t, 0, abi.SEEK_CUR); err == nil {
			base = pos
		}
	case abi.SEEK_END:
		if attr, err := f.Attr(); err == nil {
			base = attr.Size
		}
	default:
		return locks.Lock{}, abi.EINVAL
	}
	if fl.Start > math.MaxInt64-base {
		return locks.Lock{}, abi.EOVERFLOW
	}
	l := locks.Lock{Type: fl.Type, Start: base + fl.Start, End: locks.EOF}
	if l.Start < 0 {
		return locks.Lock{}, abi.EINVAL
	}
	switch {
	case fl.Len > 0:
		if fl.Len-1 > math.MaxInt64-l.Start {
			return locks.Lock{}, abi.EOVERFLOW
		}
		l.End = l.Start + fl.Len - 1
	case fl.Len < 0:
		if l.Start+fl.Len < 0 {
			return locks.Lock{}, abi.EINVAL
		}
		l.End = l.Start - 1
		l.Start += fl.Len
	}
	return l, nil
}
