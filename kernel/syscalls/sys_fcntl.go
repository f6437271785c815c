package syscalls

import (
	"liblinux/abi"
	"liblinux/kernel"
	"liblinux/kernel/pipe"
)

func init() {
	register(abi.SYS_FCNTL, Fcntl)
}

// Fcntl implements Linux syscall fcntl(2).
func Fcntl(t *kernel.Task, a *Args) (uintptr, error) {
	fd, cmd := a.Int(0), a.Int(1)
	g := t.Group()
	f, cloexec, err := g.Files().GetFlags(fd)
	if err != nil {
		return 0, err
	}
	defer f.DecRef()
	switch cmd {
	case abi.F_DUPFD, abi.F_DUPFD_CLOEXEC:
		min := a.Int(2)
		limit := g.Rlimit(abi.RLIMIT_NOFILE).Cur
		if min < 0 || uint64(min) >= limit {
			return 0, abi.EINVAL
		}
		nfd, err := g.Files().Install(f, min, cmd == abi.F_DUPFD_CLOEXEC, limit)
		return uintptr(nfd), err
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
		f.SetFlags(a.Uint(2))
		return 0, nil
	case abi.F_GETPIPE_SZ, abi.F_SETPIPE_SZ:
		pe, ok := f.Ops().(interface{ PipeEnd() *pipe.End })
		if !ok {
			return 0, abi.EBADF
		}
		p := pe.PipeEnd().P
		if cmd == abi.F_GETPIPE_SZ {
			return uintptr(p.Capacity()), nil
		}
		n, err := p.SetCapacity(int64(a.Uint(2)), t.Creds().HasCap(abi.CAP_SYS_RESOURCE))
		return uintptr(n), err
	}
	return 0, abi.EINVAL
}
