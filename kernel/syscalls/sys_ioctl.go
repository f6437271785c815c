package syscalls

import (
	"encoding/binary"

	"liblinux/abi"
	"liblinux/kernel"
	"liblinux/kernel/pipe"
	"liblinux/kernel/usermem"
	"liblinux/kernel/vfs"
)

func init() {
	register(abi.SYS_IOCTL, Ioctl)
}

// readInt reads the C int an ioctl argument points to.
func readInt(a usermem.Addr) (int32, error) {
	var b [4]byte
	if err := usermem.CopyIn(b[:], a); err != nil {
		return 0, err
	}
	return int32(binary.NativeEndian.Uint32(b[:])), nil
}

// writeInt stores a C int at an ioctl argument.
func writeInt(a usermem.Addr, v int32) error {
	var b [4]byte
	binary.NativeEndian.PutUint32(b[:], uint32(v))
	return usermem.CopyOut(a, b[:])
}

// Ioctl implements Linux syscall ioctl(2). The generic commands come
// first, as in Linux's do_vfs_ioctl():
//
//   - FIOCLEX, FIONCLEX: set or clear FD_CLOEXEC.
//   - FIONBIO: set or clear O_NONBLOCK from the int at arg.
//   - FIOASYNC: set or clear O_ASYNC, on files that support it (pipes and
//     vfs.Fasyncer files); ENOTTY on the others.
//   - FIOQSIZE: the bytes used by a regular file, directory or symlink, as
//     a 64-bit value.
//   - FIONREAD on a regular file: size minus file position (negative past
//     the end, as Linux).
//   - FS_IOC_GETFLAGS, FS_IOC_SETFLAGS: the inode's attribute flags (an
//     int), on inodes that have them (vfs.Flagger); FS_IOC_FSGETXATTR and
//     FS_IOC_FSSETXATTR the same as struct fsxattr.
//
// Then FIONREAD on a pipe or FIFO gives the bytes buffered, and any other
// command goes to the file's vfs.Ioctler; files without one answer ENOTTY.
// O_PATH descriptors give EBADF.
func Ioctl(t *kernel.Task, a *Args) (uintptr, error) {
	fd, cmd, arg := a.Int(0), a.Uint(1), a.Ptr(2)
	g := t.Group()
	f := pollFile(g.Files(), fd)
	if f == nil {
		return 0, abi.EBADF
	}
	defer f.DecRef()
	switch cmd {
	case abi.FIOCLEX, abi.FIONCLEX:
		return 0, g.Files().SetCloexec(fd, cmd == abi.FIOCLEX)
	case abi.FIONBIO:
		on, err := readInt(arg)
		if err != nil {
			return 0, err
		}
		setStatusFlag(f, abi.O_NONBLOCK, on != 0)
		return 0, nil
	case abi.FIOASYNC:
		return 0, fioasync(f, arg)
	case abi.FIOQSIZE:
		at, err := f.Attr()
		if err == nil && f.Path().D != nil {
			switch at.Type() {
			case abi.S_IFREG, abi.S_IFDIR, abi.S_IFLNK:
				var b [8]byte
				binary.NativeEndian.PutUint64(b[:], uint64(at.Blocks*512))
				return 0, usermem.CopyOut(arg, b[:])
			}
		}
	case abi.FIONREAD:
		at, err := f.Attr()
		if err == nil && f.Path().D != nil && at.Type() == abi.S_IFREG {
			pos, err := f.Seek(t, 0, abi.SEEK_CUR)
			if err != nil {
				pos = 0
			}
			return 0, writeInt(arg, int32(at.Size-pos))
		}
		if p, ok := f.Ops().(interface{ PipeEnd() *pipe.End }); ok {
			return 0, writeInt(arg, int32(p.PipeEnd().P.Buffered()))
		}
	case abi.FS_IOC_GETFLAGS:
		if fl, err := vfs.GetFlags(f); err != abi.ENOIOCTLCMD {
			if err != nil {
				return 0, err
			}
			return 0, writeInt(arg, int32(fl))
		}
	case abi.FS_IOC_SETFLAGS:
		// The argument is read first, whatever the file (ioctl_setflags).
		fl, err := readInt(arg)
		if err != nil {
			return 0, err
		}
		if err := vfs.SetFlags(t, f, uint32(fl)); err != abi.ENOIOCTLCMD {
			return 0, err
		}
	case abi.FS_IOC_FSGETXATTR:
		if fa, err := vfs.GetXflags(f); err != abi.ENOIOCTLCMD {
			if err != nil {
				return 0, err
			}
			return 0, copyOut(arg, &fa, abi.SizeofFsxattr)
		}
	case abi.FS_IOC_FSSETXATTR:
		var b [abi.SizeofFsxattr]byte
		if err := usermem.CopyIn(b[:], arg); err != nil {
			return 0, err
		}
		var fa abi.Fsxattr
		fa.UnmarshalFrom(b[:])
		if err := vfs.SetXflags(t, f, fa); err != abi.ENOIOCTLCMD {
			return 0, err
		}
	}
	if io, ok := f.Ops().(vfs.Ioctler); ok {
		r, err := io.Ioctl(t, f, cmd, uintptr(arg))
		if err == abi.ENOIOCTLCMD {
			err = abi.ENOTTY
		}
		return r, err
	}
	return 0, abi.ENOTTY
}

// setStatusFlag sets or clears one changeable status flag.
func setStatusFlag(f *vfs.File, flag uint32, on bool) {
	fl := f.Flags()
	if on {
		fl |= flag
	} else {
		fl &^= flag
	}
	f.SetFlags(fl)
}

// fioasync implements FIOASYNC as Linux's ioctl_fioasync(): only a change
// of O_ASYNC asks the file, and a file that cannot signal says ENOTTY.
func fioasync(f *vfs.File, arg usermem.Addr) error {
	on, err := readInt(arg)
	if err != nil {
		return err
	}
	want := on != 0
	if (f.Flags()&abi.O_ASYNC != 0) == want {
		return nil
	}
	switch ops := f.Ops().(type) {
	case vfs.Fasyncer:
		if err := ops.Fasync(f, want); err != nil {
			return err
		}
	case interface{ PipeEnd() *pipe.End }:
		// Pipes support O_ASYNC (pipe_fasync); no signal is sent.
	default:
		return abi.ENOTTY
	}
	setStatusFlag(f, abi.O_ASYNC, want)
	return nil
}
