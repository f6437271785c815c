package syscalls_test

import (
	"testing"

	"liblinux/abi"
)

func TestFlockArguments(t *testing.T) {
	e := newEnv(t, "")
	fd := e.fileWith("/f", "x", abi.O_RDWR)
	tests := []struct {
		name string
		fd   uintptr
		op   uintptr
		want int64
	}{
		{"SH|EX", fd, abi.LOCK_SH | abi.LOCK_EX, errno(abi.EINVAL)},
		{"NB alone", fd, abi.LOCK_NB, errno(abi.EINVAL)},
		{"zero", fd, 0, errno(abi.EINVAL)},
		{"unknown bit", fd, 16, errno(abi.EINVAL)},
		{"SH with unknown bit", fd, abi.LOCK_SH | 16, errno(abi.EINVAL)},
		{"SH|UN", fd, abi.LOCK_SH | abi.LOCK_UN, errno(abi.EINVAL)},
		{"UN|NB", fd, abi.LOCK_UN | abi.LOCK_NB, 0},
		{"LOCK_MAND is ignored", fd, abi.LOCK_MAND | abi.LOCK_READ, 0},
		{"LOCK_MAND before the descriptor", 99, abi.LOCK_MAND, 0},
		{"EINVAL before EBADF", 99, 0, errno(abi.EINVAL)},
		{"bad descriptor", 99, abi.LOCK_UN, errno(abi.EBADF)},
		{"negative descriptor", neg(-1), abi.LOCK_SH, errno(abi.EBADF)},
	}
	for _, tc := range tests {
		e.want(tc.name, e.sys(abi.SYS_FLOCK, tc.fd, tc.op), tc.want)
	}
	// Any kind of file can be locked.
	r, w := e.pipe(0)
	e.want("pipe read end", e.sys(abi.SYS_FLOCK, r, abi.LOCK_EX|abi.LOCK_NB), 0)
	e.want("pipe write end", e.sys(abi.SYS_FLOCK, w, abi.LOCK_SH|abi.LOCK_NB), errno(abi.EAGAIN))
	d := e.sys(abi.SYS_OPENAT, atFDCWD, e.str("/"), abi.O_RDONLY|abi.O_DIRECTORY)
	e.want("directory", e.sys(abi.SYS_FLOCK, uintptr(d), abi.LOCK_EX), 0)
}

func TestFlockSemantics(t *testing.T) {
	e := newEnv(t, "")
	a := e.fileWith("/f", "x", abi.O_RDONLY)
	b := e.fileWith("/f", "", abi.O_RDONLY)
	fl := func(name string, fd, op uintptr, want int64) {
		t.Helper()
		e.want(name, e.sys(abi.SYS_FLOCK, fd, op), want)
	}
	fl("a shared", a, abi.LOCK_SH, 0)
	fl("b shared", b, abi.LOCK_SH, 0)
	fl("a shared again", a, abi.LOCK_SH|abi.LOCK_NB, 0)
	// A failed conversion has already dropped a's shared lock.
	fl("a upgrade", a, abi.LOCK_EX|abi.LOCK_NB, errno(abi.EAGAIN))
	fl("b upgrade", b, abi.LOCK_EX|abi.LOCK_NB, 0)
	fl("b unlock", b, abi.LOCK_UN, 0)
	fl("a exclusive", a, abi.LOCK_EX|abi.LOCK_NB, 0)
	// The lock belongs to the open file: a dup holds it until both close.
	a2 := uintptr(e.sys(abi.SYS_DUP, a))
	e.want("close a", e.sys(abi.SYS_CLOSE, a), 0)
	fl("b while the dup holds it", b, abi.LOCK_SH|abi.LOCK_NB, errno(abi.EAGAIN))
	e.want("close the dup", e.sys(abi.SYS_CLOSE, a2), 0)
	fl("b after the last close", b, abi.LOCK_SH|abi.LOCK_NB, 0)

	// flock and POSIX record locks do not see each other.
	fd := e.fileWith("/f", "", abi.O_RDWR)
	_, p := e.flock(abi.F_WRLCK, abi.SEEK_SET, 0, 0, 0)
	q := e.newProcess()
	e.want("child record lock", q.sys(abi.SYS_FCNTL, fd, abi.F_SETLK, p), 0)
	fl("b exclusive", b, abi.LOCK_EX|abi.LOCK_NB, 0)
	// The child shares b's open file, so it shares (and can drop) its lock.
	e.want("child locks b again", q.sys(abi.SYS_FLOCK, b, abi.LOCK_EX|abi.LOCK_NB), 0)
	e.want("child fd conflicts", q.sys(abi.SYS_FLOCK, fd, abi.LOCK_SH|abi.LOCK_NB), errno(abi.EAGAIN))
	e.want("child unlocks b", q.sys(abi.SYS_FLOCK, b, abi.LOCK_UN), 0)
	fl("fd exclusive", fd, abi.LOCK_EX|abi.LOCK_NB, 0)

	// A blocking flock waits for the holder to let go.
	done := async(q.task, abi.SYS_FLOCK, b, abi.LOCK_SH)
	e.waitLockWaiters(b, 1)
	if !pending(done) {
		t.Fatal("blocking flock returned while the lock was held")
	}
	fl("fd unlock", fd, abi.LOCK_UN, 0)
	if got := <-done; got != 0 {
		t.Fatalf("woken flock = %d, want 0", got)
	}
	fl("fd shared", fd, abi.LOCK_SH|abi.LOCK_NB, 0)
	fl("fd exclusive against b", fd, abi.LOCK_EX|abi.LOCK_NB, errno(abi.EAGAIN))
}

func TestLockWaitsEndAtHalt(t *testing.T) {
	e := newEnv(t, "")
	fd := e.fileWith("/f", "x", abi.O_RDWR)
	other := e.fileWith("/f", "", abi.O_RDWR)
	e.want("flock", e.sys(abi.SYS_FLOCK, fd, abi.LOCK_EX), 0)
	_, p := e.flock(abi.F_WRLCK, abi.SEEK_SET, 0, 0, 0)
	e.want("OFD lock", e.sys(abi.SYS_FCNTL, fd, abi.F_OFD_SETLK, p), 0)
	t1, t2 := e.newTask(), e.newTask()
	flockDone := async(t1, abi.SYS_FLOCK, other, abi.LOCK_SH)
	setlkDone := async(t2, abi.SYS_FCNTL, other, abi.F_OFD_SETLKW, p)
	e.waitLockWaiters(fd, 2)
	e.want("reboot", e.sys(abi.SYS_REBOOT, abi.LINUX_REBOOT_MAGIC1, abi.LINUX_REBOOT_MAGIC2, abi.LINUX_REBOOT_CMD_RESTART), 0)
	if got := <-flockDone; got != errno(abi.EINTR) {
		t.Errorf("flock at halt = %d, want -EINTR", got)
	}
	if got := <-setlkDone; got != errno(abi.EINTR) {
		t.Errorf("F_OFD_SETLKW at halt = %d, want -EINTR", got)
	}
}
