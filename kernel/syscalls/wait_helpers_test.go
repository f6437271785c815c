package syscalls_test

import (
	"encoding/binary"
	"runtime"
	"testing"

	"liblinux/abi"
	"liblinux/hostops/fake"
	"liblinux/kernel"
	"liblinux/kernel/boot"
)

const msec = int64(1e6)

// newVirtualEnv boots a kernel on a fake host whose clock moves only with
// e.host.Advance, so timeouts are exact and tests never sleep.
func newVirtualEnv(t *testing.T) *env {
	t.Helper()
	h := fake.NewVirtual(1_700_000_000 * 1e9)
	k, err := boot.Start(h, "")
	if err != nil {
		t.Fatalf("boot: %v", err)
	}
	task, err := k.NewTask(1)
	if err != nil {
		t.Fatalf("NewTask: %v", err)
	}
	e := &env{t: t, host: h, k: k, task: task}
	t.Cleanup(func() { k.Halt() })
	return e
}

// newTask returns another task (host thread) of pid 1.
func (e *env) newTask() *kernel.Task {
	e.t.Helper()
	task, err := e.k.NewTask(int64(100 + e.k.TaskCount()))
	if err != nil {
		e.t.Fatalf("NewTask: %v", err)
	}
	return task
}

// async runs a system call on task in a goroutine and returns its result
// channel.
func async(task *kernel.Task, nr uintptr, args ...uintptr) chan int64 {
	var a [6]uintptr
	copy(a[:], args)
	out := make(chan int64, 1)
	go func() { out <- callOn(task, nr, a) }()
	return out
}

// waitTimers waits until n kernel timers are pending: a task blocked with
// a timeout has armed its timer.
func (e *env) waitTimers(n int) {
	for e.k.Clock.Pending() != n {
		runtime.Gosched()
	}
}

// waitInSyscall waits until task has entered a system call.
func waitInSyscall(task *kernel.Task) {
	for !task.InSyscall() {
		runtime.Gosched()
	}
}

// pending reports whether a result has arrived.
func pending(ch chan int64) bool {
	select {
	case v := <-ch:
		ch <- v
		return false
	default:
		return true
	}
}

func u16(b []byte) uint16      { return binary.NativeEndian.Uint16(b) }
func u32(b []byte) uint32      { return binary.NativeEndian.Uint32(b) }
func u64(b []byte) uint64      { return binary.NativeEndian.Uint64(b) }
func put32(b []byte, v uint32) { binary.NativeEndian.PutUint32(b, v) }
func put64(b []byte, v uint64) { binary.NativeEndian.PutUint64(b, v) }

// u64buf returns an 8-byte buffer holding v.
func (e *env) u64buf(v uint64) ([]byte, uintptr) {
	b, p := e.buf(8)
	put64(b, v)
	return b, p
}

// timespecBuf returns a struct timespec of d nanoseconds.
func (e *env) timespecBuf(d int64) ([]byte, uintptr) {
	b, p := e.buf(abi.SizeofTimespec)
	ts := abi.Timespec{Sec: d / 1e9, Nsec: d % 1e9}
	ts.MarshalTo(b)
	return b, p
}

func nanos(b []byte) int64 {
	var ts abi.Timespec
	ts.UnmarshalFrom(b)
	return ts.Sec*1e9 + ts.Nsec
}

// open creates and opens a regular file.
func (e *env) open(path string) uintptr {
	e.t.Helper()
	fd := e.sys(abi.SYS_OPENAT, atFDCWD, e.str(path), abi.O_CREAT|abi.O_RDWR, 0600)
	if fd < 0 {
		e.t.Fatalf("open %s = %d", path, fd)
	}
	return uintptr(fd)
}
