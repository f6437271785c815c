package syscalls

import (
	"math"

	"liblinux/abi"
	"liblinux/kernel"
	"liblinux/kernel/locks"
	"liblinux/kernel/pipe"
	"liblinux/kernel/usermem"
	"liblinux/kernel/vfs"
)

func init() {
	register(abi.SYS_FCNTL, Fcntl)
}

// Fcntl implements Linux syscall fcntl(2).
//
// Leases and directory notifications are not supported: F_SETLEASE gives
// EINVAL as on a filesystem without lease support (F_GETLEASE reports
// F_UNLCK), and F_NOTIFY gives EINVAL as with the dir-notify-enable sysctl
// off. F_SETOWN and F_SETSIG are recorded and reported, but no signal is
// ever sent: liblinux delivers no signals.
func Fcntl(t *kernel.Task, a *Args) (uintptr, error) {
	fd, cmd := a.Int(0), a.Int(1)
	g := t.Group()
	f, cloexec, err := g.Files().GetFlags(fd)
	if err != nil {
		return 0, err
	}
	defer f.DecRef()
	if f.IsPath() {
		switch cmd {
		case abi.F_DUPFD, abi.F_DUPFD_CLOEXEC, abi.F_GETFD, abi.F_SETFD, abi.F_GETFL, abi.F_DUPFD_QUERY:
		default:
			return 0, abi.EBADF
		}
	}
	switch cmd {
	case abi.F_DUPFD, abi.F_DUPFD_CLOEXEC:
		min := a.Uint(2)
		limit := g.Rlimit(abi.RLIMIT_NOFILE).Cur
		if uint64(min) >= limit {
			return 0, abi.EINVAL
		}
		nfd, err := g.Files().Install(f, int32(min), cmd == abi.F_DUPFD_CLOEXEC, limit)
		return uintptr(nfd), err
	case abi.F_DUPFD_QUERY:
		f2, err := g.Files().Get(a.Int(2))
		if err != nil {
			return 0, err
		}
		f2.DecRef()
		if f2 == f {
			return 1, nil
		}
		return 0, nil
	case abi.F_GETFD:
		if cloexec {
			return abi.FD_CLOEXEC, nil
		}
		return 0, nil
	case abi.F_SETFD:
		return 0, g.Files().SetCloexec(fd, a.Int(2)&abi.FD_CLOEXEC != 0)
	case abi.F_GETFL:
		return uintptr(f.Flags()), nil
	case abi.F_SETFL:
		return 0, setfl(t, f, a.Uint(2))
	case abi.F_GETLK, abi.F_SETLK, abi.F_SETLKW, abi.F_OFD_GETLK, abi.F_OFD_SETLK, abi.F_OFD_SETLKW:
		return 0, fcntlLock(t, fd, f, cmd, a.Ptr(2))
	case abi.F_GETOWN:
		o := t.Kernel().Locks().Owner(f)
		id := liveOwner(t.Kernel(), o)
		if o.Type == abi.F_OWNER_PGRP {
			id = -id
		}
		return uintptr(id), nil
	case abi.F_SETOWN:
		return 0, setown(t, f, a.Int(2))
	case abi.F_GETOWN_EX:
		o := t.Kernel().Locks().Owner(f)
		ex := abi.FOwnerEx{Type: o.Type, Pid: liveOwner(t.Kernel(), o)}
		return 0, copyOut(a.Ptr(2), &ex, abi.SizeofFOwnerEx)
	case abi.F_SETOWN_EX:
		return 0, setownEx(t, f, a.Ptr(2))
	case abi.F_GETSIG:
		return uintptr(t.Kernel().Locks().Sig(f)), nil
	case abi.F_SETSIG:
		if uint64(a[2]) > abi.SIGRTMAX {
			return 0, abi.EINVAL
		}
		t.Kernel().Locks().SetSig(f, int32(a[2]))
		return 0, nil
	case abi.F_GETLEASE:
		return abi.F_UNLCK, nil
	case abi.F_SETLEASE:
		return 0, setlease(t, f, a.Int(2))
	case abi.F_NOTIFY:
		return 0, abi.EINVAL
	case abi.F_GETPIPE_SZ, abi.F_SETPIPE_SZ:
		return pipeSize(t, f, cmd, a.Uint(2))
	case abi.F_GET_SEALS:
		s, ok := f.Ops().(vfs.Sealable)
		if !ok {
			return 0, abi.EINVAL
		}
		return uintptr(s.Seals()), nil
	case abi.F_ADD_SEALS:
		if !f.Writable() {
			return 0, abi.EPERM
		}
		s, ok := f.Ops().(vfs.Sealable)
		if !ok {
			return 0, abi.EINVAL
		}
		return 0, s.AddSeals(f, a.Uint(2))
	case abi.F_GET_RW_HINT:
		var b [8]byte
		putUint64(b[:], t.Kernel().Locks().WriteHint(f))
		return 0, usermem.CopyOut(a.Ptr(2), b[:])
	case abi.F_SET_RW_HINT:
		return 0, setRWHint(t, f, a.Ptr(2))
	}
	return 0, abi.EINVAL
}

// setfl implements F_SETFL: only O_APPEND, O_ASYNC, O_DIRECT, O_NOATIME
// and O_NONBLOCK change; the access mode and creation flags are ignored.
// O_APPEND stays on an append-only file (EPERM); setting O_NOATIME needs
// the caller to own the inode or CAP_FOWNER (EPERM); O_DIRECT needs a
// file that supports it (vfs.DirectIOer: EINVAL otherwise).
func setfl(t *kernel.Task, f *vfs.File, arg uint32) error {
	if (arg^f.Flags())&abi.O_APPEND != 0 && f.AppendOnly() {
		return abi.EPERM
	}
	attr, _ := f.Attr() // files without attributes are root's, as Linux's anonymous inode
	if arg&abi.O_NOATIME != 0 && f.Flags()&abi.O_NOATIME == 0 {
		c := t.Creds()
		if c.FSUID != attr.UID && !c.HasCap(abi.CAP_FOWNER) {
			return abi.EPERM
		}
	}
	if arg&abi.O_DIRECT != 0 && !vfs.CanDirectIO(f) {
		return abi.EINVAL
	}
	// O_ASYNC changes only on files that can signal (Linux's fasync
	// file operation: pipes, FIFOs, sockets, terminals, the random
	// devices); elsewhere F_SETFL leaves it as open(2) set it.
	_, isPipe := f.Ops().(interface{ PipeEnd() *pipe.End })
	_, fasync := f.Ops().(interface{ Fasync() })
	if typ := attr.Type(); !isPipe && !fasync && typ != abi.S_IFIFO && typ != abi.S_IFSOCK {
		arg = arg&^abi.O_ASYNC | f.Flags()&abi.O_ASYNC
	}
	f.SetFlags(arg)
	return nil
}

// pipeSize implements F_GETPIPE_SZ and F_SETPIPE_SZ: EBADF for a file
// that is not a pipe. The size is rounded up to a power of two pages (0
// gives one page); growing above the pipe-max-size limit needs
// CAP_SYS_RESOURCE (EPERM); EBUSY if the pipe holds data in more page
// slots than that.
func pipeSize(t *kernel.Task, f *vfs.File, cmd int32, arg uint32) (uintptr, error) {
	pe, ok := f.Ops().(interface{ PipeEnd() *pipe.End })
	if !ok {
		return 0, abi.EBADF
	}
	p := pe.PipeEnd().P
	if cmd == abi.F_GETPIPE_SZ {
		return uintptr(p.Capacity()), nil
	}
	n, err := p.SetCapacity(max(int64(arg), 1), t.Creds().HasCap(abi.CAP_SYS_RESOURCE))
	return uintptr(n), err
}

// liveOwner returns the id an F_SETOWN owner is reported with: 0 once no
// task, process or process group has it (liblinux has no process groups).
func liveOwner(k *kernel.Kernel, o locks.Owner) int32 {
	switch o.Type {
	case abi.F_OWNER_TID:
		if o.ID > 0 && k.Task(o.ID) != nil {
			return o.ID
		}
	case abi.F_OWNER_PID:
		if o.ID > 0 && k.Group(o.ID) != nil {
			return o.ID
		}
	}
	return 0
}

// pidInUse reports whether id names a task or a process (Linux's
// find_vpid), as F_SETOWN requires of a nonzero owner.
func pidInUse(k *kernel.Kernel, id int32) bool {
	return id > 0 && (k.Task(id) != nil || k.Group(id) != nil)
}

// setown implements F_SETOWN: a positive id names a process, a negative
// one a process group, 0 none; ESRCH if nothing has the id.
func setown(t *kernel.Task, f *vfs.File, who int32) error {
	o := locks.Owner{Type: abi.F_OWNER_PID, ID: who}
	if who < 0 {
		if who == math.MinInt32 {
			return abi.EINVAL
		}
		o = locks.Owner{Type: abi.F_OWNER_PGRP, ID: -who}
	}
	if o.ID != 0 && !pidInUse(t.Kernel(), o.ID) {
		return abi.ESRCH
	}
	t.Kernel().Locks().SetOwner(f, o)
	return nil
}

// setownEx implements F_SETOWN_EX.
func setownEx(t *kernel.Task, f *vfs.File, addr usermem.Addr) error {
	var b [abi.SizeofFOwnerEx]byte
	if err := usermem.CopyIn(b[:], addr); err != nil {
		return err
	}
	var ex abi.FOwnerEx
	ex.UnmarshalFrom(b[:])
	switch ex.Type {
	case abi.F_OWNER_TID, abi.F_OWNER_PID, abi.F_OWNER_PGRP:
	default:
		return abi.EINVAL
	}
	if ex.Pid != 0 && !pidInUse(t.Kernel(), ex.Pid) {
		return abi.ESRCH
	}
	t.Kernel().Locks().SetOwner(f, locks.Owner{Type: ex.Type, ID: ex.Pid})
	return nil
}

// setlease implements F_SETLEASE: after Linux's checks of the lease type
// (EINVAL) and of the caller (EACCES unless it owns the file or has
// CAP_LEASE), EINVAL, as on a filesystem without leases.
func setlease(t *kernel.Task, f *vfs.File, typ int32) error {
	switch typ {
	case abi.F_RDLCK, abi.F_WRLCK, abi.F_UNLCK:
	default:
		return abi.EINVAL
	}
	attr, _ := f.Attr()
	if c := t.Creds(); c.FSUID != attr.UID && !c.HasCap(abi.CAP_LEASE) {
		return abi.EACCES
	}
	return abi.EINVAL
}

// setRWHint implements F_SET_RW_HINT: the caller must own the inode or
// have CAP_FOWNER (EPERM); the hint is one of RWH_WRITE_LIFE_* (EINVAL).
func setRWHint(t *kernel.Task, f *vfs.File, addr usermem.Addr) error {
	attr, _ := f.Attr()
	if c := t.Creds(); c.FSUID != attr.UID && !c.HasCap(abi.CAP_FOWNER) {
		return abi.EPERM
	}
	var b [8]byte
	if err := usermem.CopyIn(b[:], addr); err != nil {
		return err
	}
	h := getUint64(b[:])
	if h > abi.RWH_WRITE_LIFE_EXTREME {
		return abi.EINVAL
	}
	t.Kernel().Locks().SetWriteHint(f, h)
	return nil
}

// putUint64 and getUint64 encode a C u64 (little-endian, as LKL's x86-64
// ABI).
func putUint64(b []byte, v uint64) {
	for i := range 8 {
		b[i] = byte(v >> (8 * i))
	}
}

func getUint64(b []byte) uint64 {
	var v uint64
	for i := range 8 {
		v |= uint64(b[i]) << (8 * i)
	}
	return v
}
