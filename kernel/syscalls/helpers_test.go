package syscalls_test

import (
	"testing"

	"liblinux/abi"
	"liblinux/hostops/fake"
	"liblinux/kernel"
	"liblinux/kernel/boot"
	"liblinux/kernel/syscalls"
	"liblinux/kernel/usermem"
)

// env is a booted kernel on the fake host with one task.
type env struct {
	t    *testing.T
	host *fake.Host
	k    *kernel.Kernel
	task *kernel.Task
	keep [][]byte // buffers passed to the kernel, kept alive
}

func newEnv(t *testing.T, cmdline string) *env {
	t.Helper()
	h := fake.New()
	k, err := boot.Start(h, cmdline)
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

// str returns the address of a NUL-terminated copy of s. The buffer has
// slack after the NUL: the kernel reads strings in chunks, which the race
// detector's pointer checks require to stay inside one Go allocation.
func (e *env) str(s string) uintptr {
	b := make([]byte, len(s)+1+256)
	copy(b, s)
	e.keep = append(e.keep, b)
	return uintptr(usermem.AddrOf(b))
}

// buf returns a zeroed buffer and its address.
func (e *env) buf(n int) ([]byte, uintptr) {
	b := make([]byte, n)
	e.keep = append(e.keep, b)
	return b, uintptr(usermem.AddrOf(b))
}

// sys runs a system call on the env's task.
func (e *env) sys(nr uintptr, args ...uintptr) int64 {
	var a syscalls.Args
	copy(a[:], args)
	return syscalls.Dispatch(e.task, nr, &a)
}

// want checks one call's result.
func (e *env) want(name string, got, want int64) {
	e.t.Helper()
	if got != want {
		e.t.Errorf("%s = %d, want %d", name, got, want)
	}
}

func errno(e abi.Errno) int64 { return -int64(e) }

const atFDCWD = uintptr(0xffffffffffffff9c) // AT_FDCWD (-100) as a register value

// callOn runs a system call on another task.
func callOn(t *kernel.Task, nr uintptr, args [6]uintptr) int64 {
	a := syscalls.Args(args)
	return syscalls.Dispatch(t, nr, &a)
}
