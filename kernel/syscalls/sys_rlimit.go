package syscalls

import (
	"liblinux/abi"
	"liblinux/kernel"
	"liblinux/kernel/usermem"
)

func init() {
	register(abi.SYS_GETRLIMIT, Getrlimit)
	register(abi.SYS_SETRLIMIT, Setrlimit)
	register(abi.SYS_PRLIMIT64, Prlimit64)
}

func copyInRlimit(a usermem.Addr) (kernel.Rlimit, error) {
	var b [abi.SizeofRlimit]byte
	if err := usermem.CopyIn(b[:], a); err != nil {
		return kernel.Rlimit{}, err
	}
	var r abi.Rlimit
	r.UnmarshalFrom(b[:])
	return kernel.Rlimit{Cur: r.Cur, Max: r.Max}, nil
}

// prlimit gets and/or sets resource res of group g, with Linux's checks:
// EINVAL for an unknown resource or cur > max, EPERM for raising the hard
// limit without CAP_SYS_RESOURCE, EPERM for RLIMIT_NOFILE above nr_open.
func prlimit(t *kernel.Task, g *kernel.ThreadGroup, res uint32, newp, oldp usermem.Addr) error {
	if res >= abi.RLIM_NLIMITS {
		return abi.EINVAL
	}
	old := g.Rlimit(int(res))
	if newp != 0 {
		n, err := copyInRlimit(newp)
		if err != nil {
			return err
		}
		if n.Cur > n.Max {
			return abi.EINVAL
		}
		if n.Max > old.Max && !t.Creds().HasCap(abi.CAP_SYS_RESOURCE) {
			return abi.EPERM
		}
		if res == abi.RLIMIT_NOFILE && n.Max > nrOpen {
			return abi.EPERM
		}
		g.SetRlimit(int(res), n)
	}
	if oldp != 0 {
		r := abi.Rlimit{Cur: old.Cur, Max: old.Max}
		return copyOut(oldp, &r, abi.SizeofRlimit)
	}
	return nil
}

// nrOpen is /proc/sys/fs/nr_open.
const nrOpen = 1 << 20

// Getrlimit implements Linux syscall getrlimit(2).
func Getrlimit(t *kernel.Task, a *Args) (uintptr, error) {
	return 0, prlimit(t, t.Group(), a.Uint(0), 0, a.Ptr(1))
}

// Setrlimit implements Linux syscall setrlimit(2).
func Setrlimit(t *kernel.Task, a *Args) (uintptr, error) {
	return 0, prlimit(t, t.Group(), a.Uint(0), a.Ptr(1), 0)
}

// Prlimit64 implements Linux syscall prlimit64(2).
func Prlimit64(t *kernel.Task, a *Args) (uintptr, error) {
	g := t.Group()
	if pid := a.Int(0); pid != 0 && pid != g.PID {
		if g = t.Kernel().Group(pid); g == nil {
			return 0, abi.ESRCH
		}
	}
	return 0, prlimit(t, g, a.Uint(1), a.Ptr(2), a.Ptr(3))
}
