package syscalls_test

import (
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"liblinux/abi"
	"liblinux/hostops/fake"
	"liblinux/kernel/boot"
	"liblinux/kernel/syscalls"
	"liblinux/kernel/usermem"
)

// fuzzStrings are placed in the fuzz buffer so that pointer arguments
// often name something real.
var fuzzStrings = []string{"/", "/f", "/d", "/d/g", "/d/l", "a", "..", ".", "", "/nope/x", "tmpfs", "/m",
	"user.a", "trusted.b", "security.c", "x", "/proc", "/d/../f", "l"}

const (
	fuzzBufSize  = 64 << 10
	fuzzStrStart = fuzzBufSize - 2048
)

// fuzzBuffer maps the fuzz buffer with a guard page after it, so a call
// that writes past it faults (EFAULT) instead of touching Go memory.
func fuzzBuffer(t testing.TB) []byte {
	m, err := syscall.Mmap(-1, 0, fuzzBufSize+4096, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE|syscall.MAP_ANON)
	if err != nil {
		t.Skip("mmap:", err)
	}
	if err := syscall.Mprotect(m[fuzzBufSize:], syscall.PROT_NONE); err != nil {
		t.Skip("mprotect:", err)
	}
	t.Cleanup(func() { syscall.Munmap(m) })
	return m[:fuzzBufSize]
}

// fuzzArgs decodes one call from in: a syscall number from the
// implemented set and six arguments, each a small number, a 32-bit value,
// a pointer into buf (often at a string), NULL, or a bad pointer.
func fuzzArgs(in []byte, impl []uintptr, buf []byte) (uintptr, [6]uintptr, []byte) {
	next := func() byte {
		if len(in) == 0 {
			return 0
		}
		b := in[0]
		in = in[1:]
		return b
	}
	nr := impl[int(next())%len(impl)]
	var a [6]uintptr
	base := uintptr(usermem.AddrOf(buf))
	for i := range a {
		switch next() % 7 {
		case 0:
			a[i] = uintptr(int64(int8(next())))
		case 1:
			a[i] = uintptr(next()) | uintptr(next())<<8 | uintptr(next())<<16 | uintptr(next())<<24
		case 2, 3:
			a[i] = base + fuzzStrStart + uintptr(int(next())%len(fuzzStrings))*64
		case 4:
			a[i] = base + uintptr(next())<<8
		case 5:
			a[i] = 0
		case 6:
			a[i] = []uintptr{8, 1 << 47, base + fuzzBufSize - 1, ^uintptr(0) - 8}[next()%4]
		}
	}
	return nr, a, in
}

// checkResult fails unless r is a result or the negative of a Linux errno.
func checkResult(t *testing.T, nr uintptr, a [6]uintptr, r int64) {
	if r >= 0 {
		return
	}
	e := abi.Errno(-r)
	if e.Name() == "" || e.Internal() {
		t.Errorf("%s%x = %d: not a Linux errno", abi.SyscallName(nr), a, r)
	}
}

// fuzzRun boots a kernel, prepares a small tree and runs the calls in
// prog; a call that blocks is ended by halting the kernel.
func fuzzRun(t *testing.T, prog []byte, buf []byte) {
	h := fake.New()
	k, err := boot.Start(h, "mem=32M")
	if err != nil {
		t.Fatal(err)
	}
	task, err := k.NewTask(1)
	if err != nil {
		t.Fatal(err)
	}
	clear(buf)
	copy(buf, prog)
	for i, s := range fuzzStrings {
		copy(buf[fuzzStrStart+i*64:], s+"\x00")
	}
	str := func(i int) uintptr { return uintptr(usermem.AddrOf(buf)) + fuzzStrStart + uintptr(i)*64 }
	run := func(nr uintptr, args ...uintptr) {
		var a syscalls.Args
		copy(a[:], args)
		syscalls.Dispatch(task, nr, &a)
	}
	run(abi.SYS_MKDIRAT, atFDCWD, str(2), 0755)
	run(abi.SYS_MKDIRAT, atFDCWD, str(15), 0755)
	run(abi.SYS_MKDIRAT, atFDCWD, str(11), 0755)
	run(abi.SYS_SYMLINKAT, str(1), atFDCWD, str(4))
	if fd := syscalls.Dispatch(task, abi.SYS_OPENAT, &syscalls.Args{atFDCWD, str(1), abi.O_CREAT | abi.O_RDWR, 0644}); fd >= 0 {
		run(abi.SYS_WRITE, uintptr(fd), uintptr(usermem.AddrOf(buf)), 100)
	}
	var impl []uintptr
	for _, nr := range syscalls.Implemented() {
		if nr != abi.SYS_REBOOT {
			impl = append(impl, nr)
		}
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		in := prog
		for n := 0; n < 8 && len(in) > 0; n++ {
			var nr uintptr
			var a [6]uintptr
			nr, a, in = fuzzArgs(in, impl, buf)
			sa := syscalls.Args(a)
			checkResult(t, nr, a, syscalls.Dispatch(task, nr, &sa))
		}
	}()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		k.StartHalt()
		<-done
	}
	k.Halt()
	if c := h.Console(); strings.Contains(c, "unexpected error") {
		t.Errorf("kernel log: %s", c)
	}
}

// FuzzSyscalls runs short random sequences of system calls with random
// arguments: no panic, and every result a value or a Linux errno.
func FuzzSyscalls(f *testing.F) {
	seeds := [][]byte{
		{0, 2, 1, 0, 3, 0, 0, 0, 0, 0, 0},
		{40, 2, 3, 2, 2, 0, 5, 2, 4, 5, 0, 5, 0},
		{100, 0, 0, 2, 6, 4, 10, 0, 8, 0, 9, 0, 1},
		{7, 6, 1, 6, 2, 6, 3, 6, 0, 6, 1, 6, 2, 9, 9, 9},
		{33, 2, 1, 4, 17, 2, 12, 1, 1, 2, 3, 4, 0, 3},
		{61, 0, 3, 4, 1, 1, 255, 255, 0, 0, 5, 5, 5, 5},
		{200, 2, 0, 2, 13, 2, 14, 0, 200, 0, 1, 0, 0, 150, 2, 0, 2, 11, 2, 10},
	}
	for _, s := range seeds {
		f.Add(s)
	}
	buf := fuzzBuffer(f)
	f.Fuzz(func(t *testing.T, prog []byte) {
		fuzzRun(t, prog, buf)
	})
}
