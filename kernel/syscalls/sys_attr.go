package syscalls

import (
	"liblinux/abi"
	"liblinux/kernel"
	"liblinux/kernel/usermem"
	"liblinux/kernel/vfs"
)

func init() {
	register(abi.SYS_FCHMOD, Fchmod)
	register(abi.SYS_FCHMODAT, Fchmodat)
	register(abi.SYS_FCHMODAT2, Fchmodat2)
	register(abi.SYS_FCHOWN, Fchown)
	register(abi.SYS_FCHOWNAT, Fchownat)
	register(abi.SYS_UTIMENSAT, Utimensat)
	register(abi.SYS_TRUNCATE, Truncate)
	register(abi.SYS_FTRUNCATE, Ftruncate)
	register(abi.SYS_FALLOCATE, Fallocate)
	register(abi.SYS_FACCESSAT, Faccessat)
	register(abi.SYS_FACCESSAT2, Faccessat2)
	register(abi.SYS_CHMOD, Chmod)
	register(abi.SYS_CHOWN, Chown)
	register(abi.SYS_LCHOWN, Lchown)
	register(abi.SYS_ACCESS, Access)
	register(abi.SYS_UTIMES, Utimes)
	register(abi.SYS_FUTIMESAT, Futimesat)
	register(abi.SYS_UTIME, Utime)
}

// fileTarget returns the open file fd for the f* attribute calls: EBADF
// for a bad or O_PATH descriptor. The caller drops the reference.
func fileTarget(t *kernel.Task, fd int32) (target, error) {
	f, err := getFileNoPath(t, fd)
	if err != nil {
		return target{}, err
	}
	return target{p: f.Path(), f: f}, nil
}

// chmod applies a mode to what tg names; files outside the tree (pipes)
// have nothing to change.
func chmod(t *kernel.Task, tg target, mode uint32) error {
	if tg.p.D == nil {
		return nil
	}
	return vfs.Chmod(t, tg.p, mode)
}

// Fchmod implements Linux syscall fchmod(2).
func Fchmod(t *kernel.Task, a *Args) (uintptr, error) {
	tg, err := fileTarget(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	defer tg.release()
	return 0, chmod(t, tg, a.Uint(1))
}

// Fchmodat implements Linux syscall fchmodat(2) (it has no flags).
func Fchmodat(t *kernel.Task, a *Args) (uintptr, error) {
	return fchmodat(t, a.Int(0), a.Ptr(1), a.Uint(2), 0)
}

// Fchmodat2 implements Linux syscall fchmodat2(2): AT_SYMLINK_NOFOLLOW
// (EOPNOTSUPP on a symlink) and AT_EMPTY_PATH.
func Fchmodat2(t *kernel.Task, a *Args) (uintptr, error) {
	flags := a.Int(3)
	if flags&^(abi.AT_SYMLINK_NOFOLLOW|abi.AT_EMPTY_PATH) != 0 {
		return 0, abi.EINVAL
	}
	return fchmodat(t, a.Int(0), a.Ptr(1), a.Uint(2), flags)
}

func fchmodat(t *kernel.Task, dirfd int32, pathAddr usermem.Addr, mode uint32, flags int32) (uintptr, error) {
	path, err := copyInPath(pathAddr)
	if err != nil {
		return 0, err
	}
	tg, err := resolveAt(t, dirfd, path, flags, flags&abi.AT_SYMLINK_NOFOLLOW == 0)
	if err != nil {
		return 0, err
	}
	defer tg.release()
	return 0, chmod(t, tg, mode)
}

// idArg decodes a uid or gid argument: -1 leaves it unchanged.
func idArg(v uint32) int64 {
	if v == 1<<32-1 {
		return -1
	}
	return int64(v)
}

// Fchown implements Linux syscall fchown(2).
func Fchown(t *kernel.Task, a *Args) (uintptr, error) {
	tg, err := fileTarget(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	defer tg.release()
	if tg.p.D == nil {
		return 0, nil
	}
	return 0, vfs.Chown(t, tg.p, idArg(a.Uint(1)), idArg(a.Uint(2)))
}

// Fchownat implements Linux syscall fchownat(2).
func Fchownat(t *kernel.Task, a *Args) (uintptr, error) {
	flags := a.Int(4)
	if flags&^(abi.AT_SYMLINK_NOFOLLOW|abi.AT_EMPTY_PATH) != 0 {
		return 0, abi.EINVAL
	}
	path, err := copyInPath(a.Ptr(1))
	if err != nil {
		return 0, err
	}
	tg, err := resolveAt(t, a.Int(0), path, flags, flags&abi.AT_SYMLINK_NOFOLLOW == 0)
	if err != nil {
		return 0, err
	}
	defer tg.release()
	if tg.p.D == nil {
		return 0, nil
	}
	return 0, vfs.Chown(t, tg.p, idArg(a.Uint(2)), idArg(a.Uint(3)))
}

// Utimensat implements Linux syscall utimensat(2): both times UTIME_OMIT
// succeeds at once, without looking at the path; a NULL path with a real
// dirfd changes the file dirfd refers to (flags must then be 0).
func Utimensat(t *kernel.Task, a *Args) (uintptr, error) {
	var ts *[2]vfs.TimeSpec
	if a.Ptr(2) != 0 {
		var b [2 * abi.SizeofTimespec]byte
		if err := usermem.CopyIn(b[:], a.Ptr(2)); err != nil {
			return 0, err
		}
		ts = new([2]vfs.TimeSpec)
		for i := range ts {
			var s abi.Timespec
			s.UnmarshalFrom(b[i*abi.SizeofTimespec:])
			switch s.Nsec {
			case abi.UTIME_OMIT:
				ts[i].Omit = true
			case abi.UTIME_NOW:
				ts[i].Now = true
			default:
				ts[i].Time = vfs.Time{Sec: s.Sec, Nsec: s.Nsec}
			}
		}
		if ts[0].Omit && ts[1].Omit {
			return 0, nil
		}
	}
	return utimes(t, a.Int(0), a.Ptr(1), ts, a.Int(3))
}

// utimes is do_utimes: the times are checked, then the file changed.
func utimes(t *kernel.Task, dirfd int32, pathAddr usermem.Addr, ts *[2]vfs.TimeSpec, flags int32) (uintptr, error) {
	if ts != nil {
		for i := range ts {
			if !ts[i].Omit && !ts[i].Now && (ts[i].Nsec < 0 || ts[i].Nsec > 999999999) {
				return 0, abi.EINVAL
			}
		}
	}
	if pathAddr == 0 && dirfd != abi.AT_FDCWD {
		if flags != 0 {
			return 0, abi.EINVAL
		}
		tg, err := fileTarget(t, dirfd)
		if err != nil {
			return 0, err
		}
		defer tg.release()
		if tg.p.D == nil {
			return 0, nil
		}
		return 0, vfs.SetTimes(t, tg.p, ts)
	}
	if flags&^(abi.AT_SYMLINK_NOFOLLOW|abi.AT_EMPTY_PATH) != 0 {
		return 0, abi.EINVAL
	}
	path, err := copyInPath(pathAddr)
	if err != nil {
		return 0, err
	}
	tg, err := resolveAt(t, dirfd, path, flags, flags&abi.AT_SYMLINK_NOFOLLOW == 0)
	if err != nil {
		return 0, err
	}
	defer tg.release()
	if tg.p.D == nil {
		return 0, nil
	}
	return 0, vfs.SetTimes(t, tg.p, ts)
}

// Truncate implements Linux syscall truncate(2).
func Truncate(t *kernel.Task, a *Args) (uintptr, error) {
	size := a.Int64(1)
	if size < 0 {
		return 0, abi.EINVAL
	}
	w, path, err := pathWalker(t, abi.AT_FDCWD, a.Ptr(0))
	if err != nil {
		return 0, err
	}
	p, err := w.Resolve(path, 0)
	if err != nil {
		return 0, err
	}
	return 0, vfs.Truncate(t, p, size)
}

// Ftruncate implements Linux syscall ftruncate(2): EINVAL for a negative
// length, a file that is not regular or not open for writing.
func Ftruncate(t *kernel.Task, a *Args) (uintptr, error) {
	size := a.Int64(1)
	if size < 0 {
		return 0, abi.EINVAL
	}
	f, err := getFile(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	defer f.DecRef()
	return 0, f.Truncate(t, size)
}

// Fallocate implements Linux syscall fallocate(2).
func Fallocate(t *kernel.Task, a *Args) (uintptr, error) {
	f, err := getFile(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	defer f.DecRef()
	return 0, f.Allocate(t, a.Uint(1), a.Int64(2), a.Int64(3))
}

// Faccessat implements Linux syscall faccessat(2) (it has no flags).
func Faccessat(t *kernel.Task, a *Args) (uintptr, error) {
	return access(t, a.Int(0), a.Ptr(1), a.Uint(2), 0)
}

// Faccessat2 implements Linux syscall faccessat2(2).
func Faccessat2(t *kernel.Task, a *Args) (uintptr, error) {
	return access(t, a.Int(0), a.Ptr(1), a.Uint(2), a.Int(3))
}

// credsCtx is a task with other credentials, for faccessat's check with
// the real ids.
type credsCtx struct {
	*kernel.Task
	c *vfs.Creds
}

func (c *credsCtx) Creds() *vfs.Creds { return c.c }

// accessCreds returns the credentials faccessat checks with (Linux's
// access_override_creds): the real uid and gid as filesystem ids, and
// the permitted capabilities for root, none for anyone else.
func accessCreds(c *vfs.Creds) *vfs.Creds {
	n := *c
	n.FSUID, n.FSGID = c.UID, c.GID
	if c.UID != 0 {
		n.CapEffective = 0
	} else {
		n.CapEffective = c.CapPermitted
	}
	return &n
}

func access(t *kernel.Task, dirfd int32, pathAddr usermem.Addr, mode uint32, flags int32) (uintptr, error) {
	if mode&^7 != 0 {
		return 0, abi.EINVAL
	}
	if flags&^(abi.AT_EACCESS|abi.AT_SYMLINK_NOFOLLOW|abi.AT_EMPTY_PATH) != 0 {
		return 0, abi.EINVAL
	}
	c := t.Creds()
	var ctx vfs.Context = t
	if flags&abi.AT_EACCESS == 0 {
		c = accessCreds(c)
		ctx = &credsCtx{t, c}
	}
	path, err := copyInPath(pathAddr)
	if err != nil {
		return 0, err
	}
	var tg target
	if path == "" && flags&abi.AT_EMPTY_PATH != 0 {
		if tg, err = resolveAt(t, dirfd, path, flags, true); err != nil {
			return 0, err
		}
	} else {
		w, err := at(t, dirfd, path, false)
		if err != nil {
			return 0, err
		}
		w.Ctx = ctx
		wf := 0
		if flags&abi.AT_SYMLINK_NOFOLLOW != 0 {
			wf = vfs.WalkNoFollow
		}
		if tg.p, err = w.Resolve(path, wf); err != nil {
			return 0, err
		}
	}
	defer tg.release()
	if tg.p.D == nil {
		at, err := tg.attr()
		if err != nil {
			return 0, err
		}
		return 0, vfs.Permission(c, &at, int(mode))
	}
	return 0, vfs.Access(c, tg.p, int(mode))
}

// Chmod implements Linux syscall chmod(2) (the legacy number).
func Chmod(t *kernel.Task, a *Args) (uintptr, error) {
	return Fchmodat(t, &Args{uintptr(atFDCWD), a[0], a[1]})
}

// Chown implements Linux syscall chown(2) (the legacy number).
func Chown(t *kernel.Task, a *Args) (uintptr, error) {
	return Fchownat(t, &Args{uintptr(atFDCWD), a[0], a[1], a[2], 0})
}

// Lchown implements Linux syscall lchown(2) (the legacy number).
func Lchown(t *kernel.Task, a *Args) (uintptr, error) {
	return Fchownat(t, &Args{uintptr(atFDCWD), a[0], a[1], a[2], abi.AT_SYMLINK_NOFOLLOW})
}

// Access implements Linux syscall access(2) (the legacy number).
func Access(t *kernel.Task, a *Args) (uintptr, error) {
	return Faccessat(t, &Args{uintptr(atFDCWD), a[0], a[1]})
}

// Utimes implements Linux syscall utimes(2) (the legacy number).
func Utimes(t *kernel.Task, a *Args) (uintptr, error) {
	return Futimesat(t, &Args{uintptr(atFDCWD), a[0], a[1]})
}

// Futimesat implements Linux syscall futimesat(2): utimensat with two
// struct timeval (EINVAL for microseconds out of range).
func Futimesat(t *kernel.Task, a *Args) (uintptr, error) {
	var ts *[2]vfs.TimeSpec
	if a.Ptr(2) != 0 {
		var b [2 * abi.SizeofTimeval]byte
		if err := usermem.CopyIn(b[:], a.Ptr(2)); err != nil {
			return 0, err
		}
		ts = new([2]vfs.TimeSpec)
		for i := range ts {
			var tv abi.Timeval
			tv.UnmarshalFrom(b[i*abi.SizeofTimeval:])
			if tv.Usec < 0 || tv.Usec >= 1000000 {
				return 0, abi.EINVAL
			}
			ts[i].Time = vfs.Time{Sec: tv.Sec, Nsec: tv.Usec * 1000}
		}
	}
	return utimes(t, a.Int(0), a.Ptr(1), ts, 0)
}

// Utime implements Linux syscall utime(2): struct utimbuf, whole seconds.
func Utime(t *kernel.Task, a *Args) (uintptr, error) {
	var ts *[2]vfs.TimeSpec
	if a.Ptr(1) != 0 {
		var b [abi.SizeofUtimbuf]byte
		if err := usermem.CopyIn(b[:], a.Ptr(1)); err != nil {
			return 0, err
		}
		var u abi.Utimbuf
		u.UnmarshalFrom(b[:])
		ts = &[2]vfs.TimeSpec{{Time: vfs.Time{Sec: u.Actime}}, {Time: vfs.Time{Sec: u.Modtime}}}
	}
	return utimes(t, abi.AT_FDCWD, a.Ptr(0), ts, 0)
}
