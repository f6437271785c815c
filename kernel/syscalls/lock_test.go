package syscalls_test

import (
	"math"
	"runtime"
	"testing"

	"liblinux/abi"
	"liblinux/kernel"
)

// proc is a task with a helper to run system calls on it.
type proc struct {
	e    *env
	task *kernel.Task
}

func (p *proc) sys(nr uintptr, args ...uintptr) int64 {
	var a [6]uintptr
	copy(a[:], args)
	return callOn(p.task, nr, a)
}

// newProcess returns a task that leads a process of its own, with a copy
// of pid 1's descriptors (as a fork child).
func (e *env) newProcess() *proc {
	e.t.Helper()
	task := e.newTask()
	if r := callOn(task, abi.SYS_NEW_THREAD_GROUP_LEADER, [6]uintptr{}); r != 0 {
		e.t.Fatalf("new_thread_group_leader = %d", r)
	}
	return &proc{e: e, task: task}
}

// flock returns a struct flock in user memory.
func (e *env) flock(typ, whence int16, start, length int64, pid int32) ([]byte, uintptr) {
	b, p := e.buf(abi.SizeofFlock)
	fl := abi.Flock{Type: typ, Whence: whence, Start: start, Len: length, Pid: pid}
	fl.MarshalTo(b)
	return b, p
}

func flockOf(b []byte) abi.Flock {
	var fl abi.Flock
	fl.UnmarshalFrom(b)
	return fl
}

// wantFlock checks what F_GETLK left in a struct flock.
func (e *env) wantFlock(name string, b []byte, want abi.Flock) {
	e.t.Helper()
	if got := flockOf(b); got != want {
		e.t.Errorf("%s: flock %+v, want %+v", name, got, want)
	}
}

// waitLockWaiters waits until n tasks are blocked on the locks of fd's
// inode.
func (e *env) waitLockWaiters(fd uintptr, n int) {
	e.t.Helper()
	f, err := e.task.Group().Files().Get(int32(fd))
	if err != nil {
		e.t.Fatalf("get fd %d: %v", fd, err)
	}
	defer f.DecRef()
	for e.k.Locks().Waiters(f) != n {
		runtime.Gosched()
	}
}

// neg is a negative int as a register value.
func neg(v int64) uintptr { return uintptr(v) }

// fileWith creates path holding content and opens it with flags.
func (e *env) fileWith(path, content string, flags uintptr) uintptr {
	e.t.Helper()
	fd := e.open(path)
	if content != "" {
		e.want("write "+path, e.sys(abi.SYS_WRITE, fd, e.str(content), uintptr(len(content))), int64(len(content)))
	}
	if flags == abi.O_RDWR {
		return fd
	}
	e.sys(abi.SYS_CLOSE, fd)
	r := e.sys(abi.SYS_OPENAT, atFDCWD, e.str(path), flags)
	if r < 0 {
		e.t.Fatalf("open %s = %d", path, r)
	}
	return uintptr(r)
}

func TestFcntlLockArguments(t *testing.T) {
	e := newEnv(t, "")
	fd := e.fileWith("/f", "0123456789", abi.O_RDWR)
	ro := e.fileWith("/f", "", abi.O_RDONLY)
	wo := e.fileWith("/f", "", abi.O_WRONLY)
	const max = math.MaxInt64
	tests := []struct {
		name          string
		fd, cmd       uintptr
		typ, whence   int16
		start, length int64
		pid           int32
		want          int64
	}{
		{"GETLK F_UNLCK", fd, abi.F_GETLK, abi.F_UNLCK, 0, 0, 0, 0, errno(abi.EINVAL)},
		{"GETLK bad type", fd, abi.F_GETLK, 5, 0, 0, 0, 0, errno(abi.EINVAL)},
		{"SETLK bad type", fd, abi.F_SETLK, 5, 0, 0, 0, 0, errno(abi.EINVAL)},
		{"bad whence", fd, abi.F_SETLK, abi.F_RDLCK, 3, 0, 0, 0, errno(abi.EINVAL)},
		{"GETLK bad whence", fd, abi.F_GETLK, abi.F_RDLCK, 3, 0, 0, 0, errno(abi.EINVAL)},
		{"negative start", fd, abi.F_SETLK, abi.F_RDLCK, 0, -1, 0, 0, errno(abi.EINVAL)},
		{"negative length before 0", fd, abi.F_SETLK, abi.F_RDLCK, 0, 3, -5, 0, errno(abi.EINVAL)},
		{"negative length to 0", fd, abi.F_SETLK, abi.F_RDLCK, 0, 5, -5, 0, 0},
		{"past the largest offset", fd, abi.F_SETLK, abi.F_RDLCK, 0, max, 2, 0, errno(abi.EOVERFLOW)},
		{"the last byte", fd, abi.F_SETLK, abi.F_RDLCK, 0, max, 1, 0, 0},
		{"from the last byte to EOF", fd, abi.F_SETLK, abi.F_RDLCK, 0, max, 0, 0, 0},
		{"SEEK_END overflow", fd, abi.F_SETLK, abi.F_RDLCK, 2, max, 0, 0, errno(abi.EOVERFLOW)},
		{"SEEK_END before 0", fd, abi.F_SETLK, abi.F_RDLCK, 2, -11, 0, 0, errno(abi.EINVAL)},
		{"SEEK_END to 0", fd, abi.F_SETLK, abi.F_RDLCK, 2, -10, 0, 0, 0},
		{"most negative length", fd, abi.F_SETLK, abi.F_RDLCK, 0, 0, math.MinInt64, 0, errno(abi.EINVAL)},
		{"OFD SETLK with l_pid", fd, abi.F_OFD_SETLK, abi.F_WRLCK, 0, 0, 0, 5, errno(abi.EINVAL)},
		{"OFD GETLK with l_pid", fd, abi.F_OFD_GETLK, abi.F_WRLCK, 0, 0, 0, 5, errno(abi.EINVAL)},
		{"write lock, read-only", ro, abi.F_SETLK, abi.F_WRLCK, 0, 0, 0, 0, errno(abi.EBADF)},
		{"read lock, write-only", wo, abi.F_SETLK, abi.F_RDLCK, 0, 0, 0, 0, errno(abi.EBADF)},
		{"unlock, read-only", ro, abi.F_SETLK, abi.F_UNLCK, 0, 0, 0, 0, 0},
		{"EOVERFLOW before EBADF", ro, abi.F_SETLK, abi.F_WRLCK, 0, max, 2, 0, errno(abi.EOVERFLOW)},
		{"EBADF before l_pid", ro, abi.F_OFD_SETLK, abi.F_WRLCK, 0, 0, 0, 1, errno(abi.EBADF)},
		{"OFD write lock, read-only", ro, abi.F_OFD_SETLK, abi.F_WRLCK, 0, 0, 0, 0, errno(abi.EBADF)},
		{"test a write lock, read-only", ro, abi.F_GETLK, abi.F_WRLCK, 0, 0, 0, 0, 0},
		{"bad descriptor", 99, abi.F_GETLK, abi.F_WRLCK, 0, 0, 0, 0, errno(abi.EBADF)},
	}
	for _, tc := range tests {
		_, p := e.flock(tc.typ, tc.whence, tc.start, tc.length, tc.pid)
		e.want(tc.name, e.sys(abi.SYS_FCNTL, tc.fd, tc.cmd, p), tc.want)
	}
	e.want("bad pointer", e.sys(abi.SYS_FCNTL, fd, abi.F_SETLK, 8), errno(abi.EFAULT))
	e.want("GETLK bad pointer", e.sys(abi.SYS_FCNTL, fd, abi.F_GETLK, 8), errno(abi.EFAULT))

	// SEEK_CUR counts from the file position: 4 - 4 = 0, minus 1 byte.
	e.want("lseek", e.sys(abi.SYS_LSEEK, fd, 4, abi.SEEK_SET), 4)
	_, p := e.flock(abi.F_WRLCK, abi.SEEK_CUR, -4, -1, 0)
	e.want("SEEK_CUR before 0", e.sys(abi.SYS_FCNTL, fd, abi.F_SETLK, p), errno(abi.EINVAL))

	// A free range changes only l_type.
	_, p = e.flock(abi.F_UNLCK, abi.SEEK_SET, 0, 0, 0)
	e.want("unlock all", e.sys(abi.SYS_FCNTL, fd, abi.F_SETLK, p), 0)
	b, p := e.flock(abi.F_WRLCK, abi.SEEK_CUR, 3, 7, 42)
	q := e.newProcess()
	e.want("GETLK free", q.sys(abi.SYS_FCNTL, fd, abi.F_GETLK, p), 0)
	e.wantFlock("GETLK free", b, abi.Flock{Type: abi.F_UNLCK, Whence: abi.SEEK_CUR, Start: 3, Len: 7, Pid: 42})
}

func TestRecordLocksBetweenProcesses(t *testing.T) {
	e := newEnv(t, "")
	fd := e.fileWith("/f", "0123456789", abi.O_RDWR)
	set := func(name string, fd, cmd uintptr, typ int16, start, length int64, want int64) {
		t.Helper()
		_, p := e.flock(typ, abi.SEEK_SET, start, length, 0)
		e.want(name, e.sys(abi.SYS_FCNTL, fd, cmd, p), want)
	}
	set("write 0-9", fd, abi.F_SETLK, abi.F_WRLCK, 0, 10, 0)
	set("write 10-19 (merges)", fd, abi.F_SETLK, abi.F_WRLCK, 10, 10, 0)
	set("read 20-29", fd, abi.F_SETLK, abi.F_RDLCK, 20, 10, 0)
	set("read 30-39 (merges)", fd, abi.F_SETLK, abi.F_RDLCK, 30, 10, 0)

	q := e.newProcess()
	qpid := int32(q.task.TID)
	getlk := func(name string, typ int16, start, length int64, want abi.Flock) {
		t.Helper()
		b, p := e.flock(typ, abi.SEEK_SET, start, length, 0)
		e.want(name, q.sys(abi.SYS_FCNTL, fd, abi.F_GETLK, p), 0)
		e.wantFlock(name, b, want)
	}
	getlk("read over the write locks", abi.F_RDLCK, 0, 0, abi.Flock{Type: abi.F_WRLCK, Start: 0, Len: 20, Pid: 1})
	getlk("read over the read locks", abi.F_RDLCK, 20, 0, abi.Flock{Type: abi.F_UNLCK, Start: 20})
	getlk("write over a read lock", abi.F_WRLCK, 25, 1, abi.Flock{Type: abi.F_RDLCK, Start: 20, Len: 20, Pid: 1})
	getlk("write after the locks", abi.F_WRLCK, 45, 1, abi.Flock{Type: abi.F_UNLCK, Start: 45, Len: 1})
	getlk("negative length", abi.F_WRLCK, 45, -10, abi.Flock{Type: abi.F_RDLCK, Start: 20, Len: 20, Pid: 1})

	_, p := e.flock(abi.F_WRLCK, abi.SEEK_SET, 100, 0, 0)
	e.want("q locks 100-", q.sys(abi.SYS_FCNTL, fd, abi.F_SETLK, p), 0)
	// q blocks on byte 5 (held by pid 1); pid 1 asking for q's range
	// would deadlock.
	_, p5 := e.flock(abi.F_WRLCK, abi.SEEK_SET, 5, 1, 0)
	done := async(q.task, abi.SYS_FCNTL, fd, abi.F_SETLKW, p5)
	e.waitLockWaiters(fd, 1)
	set("deadlock", fd, abi.F_SETLKW, abi.F_WRLCK, 100, 1, errno(abi.EDEADLK))
	set("conflict", fd, abi.F_SETLK, abi.F_WRLCK, 100, 1, errno(abi.EAGAIN))
	fd2 := e.fileWith("/f", "", abi.O_RDWR)
	set("OFD lock against q", fd2, abi.F_OFD_SETLK, abi.F_WRLCK, 200, 1, errno(abi.EAGAIN))
	if !pending(done) {
		t.Fatal("q's F_SETLKW returned before pid 1 let go")
	}
	// Closing any descriptor of the file drops all of pid 1's locks on it.
	e.want("close other fd", e.sys(abi.SYS_CLOSE, fd2), 0)
	if got := <-done; got != 0 {
		t.Fatalf("q's F_SETLKW = %d, want 0", got)
	}
	b, p := e.flock(abi.F_WRLCK, abi.SEEK_SET, 0, 0, 0)
	e.want("GETLK q's lock", e.sys(abi.SYS_FCNTL, fd, abi.F_GETLK, p), 0)
	e.wantFlock("GETLK q's lock", b, abi.Flock{Type: abi.F_WRLCK, Start: 5, Len: 1, Pid: qpid})

	// q's locks go with q's last task.
	e.k.ReleaseTask(q.task)
	b, p = e.flock(abi.F_WRLCK, abi.SEEK_SET, 0, 0, 0)
	e.want("GETLK after exit", e.sys(abi.SYS_FCNTL, fd, abi.F_GETLK, p), 0)
	e.wantFlock("GETLK after exit", b, abi.Flock{Type: abi.F_UNLCK})
}

func TestOFDAndPOSIXLocks(t *testing.T) {
	e := newEnv(t, "")
	fd := e.fileWith("/f", "0123456789", abi.O_RDWR)
	wo := e.fileWith("/f", "", abi.O_WRONLY)
	lock := func(name string, fd, cmd uintptr, typ int16, start, length int64, want int64) {
		t.Helper()
		_, p := e.flock(typ, abi.SEEK_SET, start, length, 0)
		e.want(name, e.sys(abi.SYS_FCNTL, fd, cmd, p), want)
	}
	getlk := func(name string, fd, cmd uintptr, want abi.Flock) {
		t.Helper()
		b, p := e.flock(abi.F_WRLCK, abi.SEEK_SET, 0, 0, 0)
		e.want(name, e.sys(abi.SYS_FCNTL, fd, cmd, p), 0)
		e.wantFlock(name, b, want)
	}
	lock("POSIX 0-4", fd, abi.F_SETLK, abi.F_WRLCK, 0, 5, 0)
	getlk("OFD test sees the process's lock", wo, abi.F_OFD_GETLK, abi.Flock{Type: abi.F_WRLCK, Len: 5, Pid: 1})
	lock("OFD over it", wo, abi.F_OFD_SETLK, abi.F_WRLCK, 3, 0, errno(abi.EAGAIN))
	lock("OFD after it", wo, abi.F_OFD_SETLK, abi.F_WRLCK, 5, 0, 0)
	getlk("POSIX test sees the OFD lock", fd, abi.F_GETLK, abi.Flock{Type: abi.F_WRLCK, Start: 5, Pid: -1})
	getlk("OFD test through the other file", fd, abi.F_OFD_GETLK, abi.Flock{Type: abi.F_WRLCK, Len: 5, Pid: 1})
	lock("POSIX over the OFD lock", fd, abi.F_SETLK, abi.F_WRLCK, 6, 0, errno(abi.EAGAIN))

	// A child shares the open file, so it owns the same OFD locks; its
	// POSIX locks are its own.
	q := e.newProcess()
	_, p := e.flock(abi.F_WRLCK, abi.SEEK_SET, 7, 0, 0)
	e.want("child OFD lock on the shared file", q.sys(abi.SYS_FCNTL, wo, abi.F_OFD_SETLK, p), 0)
	_, p = e.flock(abi.F_WRLCK, abi.SEEK_SET, 0, 1, 0)
	e.want("child POSIX lock", q.sys(abi.SYS_FCNTL, fd, abi.F_SETLK, p), errno(abi.EAGAIN))

	// The OFD lock goes with the last descriptor of its open file, not
	// with the first close.
	e.want("close in parent", e.sys(abi.SYS_CLOSE, wo), 0)
	lock("still held", fd, abi.F_SETLK, abi.F_WRLCK, 6, 0, errno(abi.EAGAIN))
	e.want("close in child", q.sys(abi.SYS_CLOSE, wo), 0)
	lock("released", fd, abi.F_SETLK, abi.F_WRLCK, 6, 0, 0)

	// dup3 over a descriptor closes it: pid 1's POSIX locks go.
	e.want("dup3 over fd", e.sys(abi.SYS_DUP3, e.fileWith("/g", "", abi.O_RDWR), fd, 0), int64(fd))
	b, p := e.flock(abi.F_WRLCK, abi.SEEK_SET, 0, 0, 0)
	e.want("child GETLK after dup3", q.sys(abi.SYS_FCNTL, fd, abi.F_GETLK, p), 0)
	e.wantFlock("child GETLK after dup3", b, abi.Flock{Type: abi.F_UNLCK})
}
