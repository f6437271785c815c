package syscalls_test

import (
	"testing"

	"liblinux/abi"
)

func TestFcntlDescriptors(t *testing.T) {
	e := newEnv(t, "")
	fd := e.fileWith("/f", "", abi.O_RDWR)
	fc := func(name string, fd, cmd, arg uintptr, want int64) {
		t.Helper()
		e.want(name, e.sys(abi.SYS_FCNTL, fd, cmd, arg), want)
	}
	fc("F_DUPFD at RLIMIT_NOFILE", fd, abi.F_DUPFD, 1024, errno(abi.EINVAL))
	fc("F_DUPFD negative", fd, abi.F_DUPFD, neg(-1), errno(abi.EINVAL))
	fc("F_DUPFD_CLOEXEC far", fd, abi.F_DUPFD_CLOEXEC, 3000000, errno(abi.EINVAL))
	fc("F_DUPFD the last slot", fd, abi.F_DUPFD, 1023, 1023)
	fc("F_DUPFD table full above", fd, abi.F_DUPFD, 1023, errno(abi.EMFILE))
	fc("F_DUPFD arg is an unsigned int", fd, abi.F_DUPFD, 1<<32|5, 5)
	fc("F_DUPFD_CLOEXEC", fd, abi.F_DUPFD_CLOEXEC, 10, 10)
	fc("F_GETFD cloexec", 10, abi.F_GETFD, 0, abi.FD_CLOEXEC)
	fc("F_GETFD", fd, abi.F_GETFD, 0, 0)
	fc("F_SETFD other bits", fd, abi.F_SETFD, 0xff, 0)
	fc("F_GETFD after", fd, abi.F_GETFD, 0, abi.FD_CLOEXEC)
	fc("F_SETFD 0", fd, abi.F_SETFD, 0, 0)
	fc("F_GETFD cleared", fd, abi.F_GETFD, 0, 0)
	other := e.fileWith("/g", "", abi.O_RDWR)
	fc("F_DUPFD_QUERY same", fd, abi.F_DUPFD_QUERY, 10, 1)
	fc("F_DUPFD_QUERY other", fd, abi.F_DUPFD_QUERY, other, 0)
	fc("F_DUPFD_QUERY bad", fd, abi.F_DUPFD_QUERY, 999, errno(abi.EBADF))
	fc("bad descriptor", 999, abi.F_GETFD, 0, errno(abi.EBADF))
	fc("unknown command", fd, 9999, 0, errno(abi.EINVAL))
	fc("F_GETOWNER_UIDS", fd, abi.F_GETOWNER_UIDS, 0, errno(abi.EINVAL))
	fc("F_CANCELLK", fd, abi.F_CANCELLK, 0, errno(abi.EINVAL))
}

func TestFcntlStatusFlags(t *testing.T) {
	e := newEnv(t, "")
	fd := e.fileWith("/f", "", abi.O_RDWR)
	base := e.sys(abi.SYS_FCNTL, fd, abi.F_GETFL)
	if base&abi.O_ACCMODE != abi.O_RDWR {
		t.Fatalf("F_GETFL = %#x", base)
	}
	fc := func(name string, fd, cmd, arg uintptr, want int64) {
		t.Helper()
		e.want(name, e.sys(abi.SYS_FCNTL, fd, cmd, arg), want)
	}
	fc("F_SETFL ignores access mode and creation flags", fd, abi.F_SETFL,
		abi.O_RDONLY|abi.O_APPEND|abi.O_CREAT|abi.O_TRUNC|abi.O_EXCL|abi.O_SYNC|abi.O_DSYNC, 0)
	fc("F_GETFL", fd, abi.F_GETFL, 0, base|abi.O_APPEND)
	fc("O_DIRECT on a regular file", fd, abi.F_SETFL, abi.O_DIRECT, 0)
	fc("F_GETFL", fd, abi.F_GETFL, 0, base|abi.O_DIRECT)
	// A regular file cannot signal: F_SETFL leaves O_ASYNC alone.
	fc("O_NOATIME|O_ASYNC|O_NONBLOCK", fd, abi.F_SETFL, abi.O_NOATIME|abi.O_ASYNC|abi.O_NONBLOCK, 0)
	fc("F_GETFL", fd, abi.F_GETFL, 0, base|abi.O_NOATIME|abi.O_NONBLOCK)

	d := uintptr(e.sys(abi.SYS_OPENAT, atFDCWD, e.str("/"), abi.O_RDONLY|abi.O_DIRECTORY))
	dflags := e.sys(abi.SYS_FCNTL, d, abi.F_GETFL)
	fc("O_DIRECT on a directory", d, abi.F_SETFL, abi.O_NONBLOCK|abi.O_DIRECT, errno(abi.EINVAL))
	fc("directory flags unchanged", d, abi.F_GETFL, 0, dflags)
	r, _ := e.pipe(0)
	fc("O_DIRECT on a pipe", r, abi.F_SETFL, abi.O_DIRECT|abi.O_NONBLOCK, 0)
	fc("pipe F_GETFL", r, abi.F_GETFL, 0, abi.O_RDONLY|abi.O_DIRECT|abi.O_NONBLOCK)
	fc("O_ASYNC on a pipe", r, abi.F_SETFL, abi.O_ASYNC, 0)
	fc("pipe F_GETFL", r, abi.F_GETFL, 0, abi.O_RDONLY|abi.O_ASYNC)
	fc("O_ASYNC off", r, abi.F_SETFL, 0, 0)
	fc("pipe F_GETFL", r, abi.F_GETFL, 0, abi.O_RDONLY)

	// O_NOATIME needs the owner or CAP_FOWNER, and only when it is set
	// anew.
	e.want("chown", e.sys(abi.SYS_FCHOWN, fd, 1000, 1000), 0)
	mine := e.fileWith("/f", "", abi.O_RDWR)
	fc("clear", mine, abi.F_SETFL, 0, 0)
	fc("clear root's", d, abi.F_SETFL, 0, 0)
	q := e.newProcess()
	e.want("setresuid", q.sys(abi.SYS_SETRESUID, 1000, 1000, 0), 0)
	e.want("O_NOATIME, owner", q.sys(abi.SYS_FCNTL, mine, abi.F_SETFL, abi.O_NOATIME), 0)
	e.want("O_NOATIME, not the owner", q.sys(abi.SYS_FCNTL, d, abi.F_SETFL, abi.O_NOATIME), errno(abi.EPERM))
	e.want("O_NOATIME on a root pipe", q.sys(abi.SYS_FCNTL, r, abi.F_SETFL, abi.O_NOATIME), errno(abi.EPERM))
	fc("root sets O_NOATIME", d, abi.F_SETFL, abi.O_NOATIME, 0)
	e.want("already set", q.sys(abi.SYS_FCNTL, d, abi.F_SETFL, abi.O_NOATIME|abi.O_NONBLOCK), 0)
}

func TestFcntlOwnerAndSignal(t *testing.T) {
	e := newEnv(t, "")
	fd := e.fileWith("/f", "", abi.O_RDWR)
	fc := func(name string, cmd, arg uintptr, want int64) {
		t.Helper()
		e.want(name, e.sys(abi.SYS_FCNTL, fd, cmd, arg), want)
	}
	ownerEx := func(name string, wantType, wantPid int32) {
		t.Helper()
		b, p := e.buf(abi.SizeofFOwnerEx)
		fc(name, abi.F_GETOWN_EX, p, 0)
		var ex abi.FOwnerEx
		ex.UnmarshalFrom(b)
		if ex.Type != wantType || ex.Pid != wantPid {
			t.Errorf("%s: F_GETOWN_EX = {%d, %d}, want {%d, %d}", name, ex.Type, ex.Pid, wantType, wantPid)
		}
	}
	setEx := func(name string, typ, pid int32, want int64) {
		t.Helper()
		b, p := e.buf(abi.SizeofFOwnerEx)
		ex := abi.FOwnerEx{Type: typ, Pid: pid}
		ex.MarshalTo(b)
		fc(name, abi.F_SETOWN_EX, p, want)
	}
	fc("F_GETOWN unset", abi.F_GETOWN, 0, 0)
	ownerEx("F_GETOWN_EX unset", abi.F_OWNER_TID, 0)
	fc("F_SETOWN unknown pid", abi.F_SETOWN, 99999, errno(abi.ESRCH))
	fc("F_SETOWN INT_MIN", abi.F_SETOWN, neg(-1<<31), errno(abi.EINVAL))
	fc("F_SETOWN pid 1", abi.F_SETOWN, 1, 0)
	fc("F_GETOWN", abi.F_GETOWN, 0, 1)
	ownerEx("F_GETOWN_EX", abi.F_OWNER_PID, 1)
	fc("F_SETOWN group 1", abi.F_SETOWN, neg(-1), 0)
	fc("F_GETOWN of a group nobody is in", abi.F_GETOWN, 0, 0)
	ownerEx("F_GETOWN_EX group", abi.F_OWNER_PGRP, 0)
	fc("F_SETOWN unknown group", abi.F_SETOWN, neg(-99999), errno(abi.ESRCH))
	fc("F_SETOWN 0", abi.F_SETOWN, 0, 0)
	ownerEx("F_GETOWN_EX none", abi.F_OWNER_PID, 0)
	setEx("F_SETOWN_EX bad type", 99, 1, errno(abi.EINVAL))
	setEx("F_SETOWN_EX negative pid", abi.F_OWNER_PID, -5, errno(abi.ESRCH))
	setEx("F_SETOWN_EX unknown pid", abi.F_OWNER_PID, 99999, errno(abi.ESRCH))
	fc("F_SETOWN_EX bad pointer", abi.F_SETOWN_EX, 8, errno(abi.EFAULT))
	fc("F_GETOWN_EX bad pointer", abi.F_GETOWN_EX, 8, errno(abi.EFAULT))
	other := e.newTask()
	setEx("F_SETOWN_EX thread", abi.F_OWNER_TID, other.TID, 0)
	fc("F_GETOWN thread", abi.F_GETOWN, 0, int64(other.TID))
	ownerEx("F_GETOWN_EX thread", abi.F_OWNER_TID, other.TID)
	// The owner is reported only while it lives.
	e.k.ReleaseTask(other)
	fc("F_GETOWN after the thread exited", abi.F_GETOWN, 0, 0)
	ownerEx("F_GETOWN_EX after the thread exited", abi.F_OWNER_TID, 0)

	fc("F_GETSIG", abi.F_GETSIG, 0, 0)
	fc("F_SETSIG 64", abi.F_SETSIG, 64, 0)
	fc("F_SETSIG 65", abi.F_SETSIG, 65, errno(abi.EINVAL))
	fc("F_SETSIG -1", abi.F_SETSIG, neg(-1), errno(abi.EINVAL))
	fc("F_GETSIG", abi.F_GETSIG, 0, 64)
	dup := uintptr(e.sys(abi.SYS_DUP, fd))
	e.want("F_GETSIG through a dup", e.sys(abi.SYS_FCNTL, dup, abi.F_GETSIG), 64)
	again := e.fileWith("/f", "", abi.O_RDWR)
	e.want("F_GETSIG of another open", e.sys(abi.SYS_FCNTL, again, abi.F_GETSIG), 0)
}

func TestFcntlLeasesNotifySealsHints(t *testing.T) {
	e := newEnv(t, "")
	fd := e.fileWith("/f", "", abi.O_RDWR)
	ro := e.fileWith("/f", "", abi.O_RDONLY)
	r, w := e.pipe(0)
	d := uintptr(e.sys(abi.SYS_OPENAT, atFDCWD, e.str("/"), abi.O_RDONLY|abi.O_DIRECTORY))
	fc := func(name string, fd, cmd, arg uintptr, want int64) {
		t.Helper()
		e.want(name, e.sys(abi.SYS_FCNTL, fd, cmd, arg), want)
	}
	fc("F_GETLEASE", fd, abi.F_GETLEASE, 0, abi.F_UNLCK)
	fc("F_GETLEASE pipe", r, abi.F_GETLEASE, 0, abi.F_UNLCK)
	fc("F_SETLEASE bad type", fd, abi.F_SETLEASE, 7, errno(abi.EINVAL))
	fc("F_SETLEASE unsupported", ro, abi.F_SETLEASE, abi.F_RDLCK, errno(abi.EINVAL))
	fc("F_NOTIFY", d, abi.F_NOTIFY, abi.DN_MODIFY, errno(abi.EINVAL))

	fc("F_GET_SEALS tmpfs file", fd, abi.F_GET_SEALS, 0, abi.F_SEAL_SEAL)
	fc("F_ADD_SEALS sealed", fd, abi.F_ADD_SEALS, abi.F_SEAL_WRITE, errno(abi.EPERM))
	fc("F_ADD_SEALS read-only", ro, abi.F_ADD_SEALS, 0x1000, errno(abi.EPERM))
	fc("F_GET_SEALS pipe", r, abi.F_GET_SEALS, 0, errno(abi.EINVAL))
	fc("F_ADD_SEALS pipe write end", w, abi.F_ADD_SEALS, abi.F_SEAL_WRITE, errno(abi.EINVAL))
	fc("F_ADD_SEALS pipe read end", r, abi.F_ADD_SEALS, abi.F_SEAL_WRITE, errno(abi.EPERM))
	fc("F_GET_SEALS directory", d, abi.F_GET_SEALS, 0, errno(abi.EINVAL))

	fc("F_GETPIPE_SZ on a file", fd, abi.F_GETPIPE_SZ, 0, errno(abi.EBADF))
	fc("F_SETPIPE_SZ 0", r, abi.F_SETPIPE_SZ, 0, 4096)
	fc("F_SETPIPE_SZ rounds up", w, abi.F_SETPIPE_SZ, 5000, 8192)
	fc("F_GETPIPE_SZ", r, abi.F_GETPIPE_SZ, 0, 8192)
	fc("F_SETPIPE_SZ too large", r, abi.F_SETPIPE_SZ, 1<<31+1, errno(abi.EINVAL))
	fc("F_SETPIPE_SZ arg is an unsigned int", r, abi.F_SETPIPE_SZ, 1<<32+4096, 4096)

	hint, hp := e.u64buf(99)
	fc("F_GET_RW_HINT unset", fd, abi.F_GET_RW_HINT, hp, 0)
	if u64(hint) != 0 {
		t.Errorf("hint = %d, want 0", u64(hint))
	}
	_, set := e.u64buf(abi.RWH_WRITE_LIFE_SHORT)
	fc("F_SET_RW_HINT", fd, abi.F_SET_RW_HINT, set, 0)
	fc("F_GET_RW_HINT through another open", ro, abi.F_GET_RW_HINT, hp, 0)
	if u64(hint) != abi.RWH_WRITE_LIFE_SHORT {
		t.Errorf("hint = %d, want %d", u64(hint), abi.RWH_WRITE_LIFE_SHORT)
	}
	_, bad := e.u64buf(6)
	fc("F_SET_RW_HINT invalid", fd, abi.F_SET_RW_HINT, bad, errno(abi.EINVAL))
	fc("F_SET_RW_HINT bad pointer", fd, abi.F_SET_RW_HINT, 8, errno(abi.EFAULT))
	fc("F_GET_RW_HINT bad pointer", fd, abi.F_GET_RW_HINT, 8, errno(abi.EFAULT))
	fc("F_SET_FILE_RW_HINT (removed)", fd, abi.F_SET_FILE_RW_HINT, set, errno(abi.EINVAL))
	q := e.newProcess()
	e.want("setresuid", q.sys(abi.SYS_SETRESUID, 1000, 1000, 0), 0)
	e.want("F_SET_RW_HINT not the owner", q.sys(abi.SYS_FCNTL, fd, abi.F_SET_RW_HINT, set), errno(abi.EPERM))
	e.want("F_SETLEASE not the owner", q.sys(abi.SYS_FCNTL, ro, abi.F_SETLEASE, abi.F_RDLCK), errno(abi.EACCES))
	_, zero := e.u64buf(0)
	fc("F_SET_RW_HINT clear", fd, abi.F_SET_RW_HINT, zero, 0)
}
