package syscalls

import (
	"liblinux/abi"
	"liblinux/kernel"
	"liblinux/kernel/pipe"
	"liblinux/kernel/usermem"
	"liblinux/kernel/vfs"
)

func init() {
	register(abi.SYS_PIPE2, Pipe2)
}

// oNotificationPipe is O_NOTIFICATION_PIPE (== O_EXCL), pipe2's flag for
// watch-queue pipes.
const oNotificationPipe = abi.O_EXCL

// pipeFile is a pipe end with the attributes fstat reports for it.
type pipeFile struct {
	*pipe.End
	attr vfs.Attr
}

func (p *pipeFile) Attr() vfs.Attr { return p.attr }

// Pipe2 implements Linux syscall pipe2(2).
func Pipe2(t *kernel.Task, a *Args) (uintptr, error) {
	flags := a.Uint(1)
	if flags&^(abi.O_CLOEXEC|abi.O_NONBLOCK|abi.O_DIRECT|oNotificationPipe) != 0 {
		return 0, abi.EINVAL
	}
	if flags&oNotificationPipe != 0 {
		// Watch queues are not built (CONFIG_WATCH_QUEUE=n).
		return 0, abi.ENOPKG
	}
	k := t.Kernel()
	p := pipe.New(k.Mem)
	c := t.Creds()
	now := t.Now()
	attr := vfs.Attr{Ino: k.NextPipeIno(), Dev: k.PipeDev(), Mode: abi.S_IFIFO | 0600, Nlink: 1, UID: c.FSUID, GID: c.FSGID, Blksize: 4096, Atime: now, Mtime: now, Ctime: now}
	// O_DIRECT (packet mode) goes to the write end only, as Linux's
	// create_pipe_files: it is the writer's flag that makes packets.
	nonblock := flags & abi.O_NONBLOCK
	r := vfs.NewFile(vfs.Path{}, &pipeFile{pipe.NewEnd(p, true, false), attr}, abi.O_RDONLY|nonblock)
	w := vfs.NewFile(vfs.Path{}, &pipeFile{pipe.NewEnd(p, false, true), attr}, abi.O_WRONLY|nonblock|flags&abi.O_DIRECT)
	g := t.Group()
	limit := g.Rlimit(abi.RLIMIT_NOFILE).Cur
	cloexec := flags&abi.O_CLOEXEC != 0
	rfd, err := g.Files().Install(r, 0, cloexec, limit)
	r.DecRef()
	if err != nil {
		w.DecRef()
		return 0, err
	}
	wfd, err := g.Files().Install(w, 0, cloexec, limit)
	w.DecRef()
	if err != nil {
		if f, rerr := g.Files().Remove(rfd); rerr == nil {
			f.DecRef()
		}
		return 0, err
	}
	var b [8]byte
	putInt32(b[0:], rfd)
	putInt32(b[4:], wfd)
	if err := usermem.CopyOut(a.Ptr(0), b[:]); err != nil {
		for _, fd := range []int32{rfd, wfd} {
			if f, rerr := g.Files().Remove(fd); rerr == nil {
				f.DecRef()
			}
		}
		return 0, err
	}
	return 0, nil
}

func putInt32(b []byte, v int32) {
	b[0], b[1], b[2], b[3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
}
