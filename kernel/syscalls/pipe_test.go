package syscalls_test

import (
	"runtime"
	"sync"
	"testing"

	"liblinux/abi"
)

func (e *env) pipe(flags uintptr) (r, w uintptr) {
	e.t.Helper()
	b, p := e.buf(8)
	if got := e.sys(abi.SYS_PIPE2, p, flags); got != 0 {
		e.t.Fatalf("pipe2 = %d", got)
	}
	return uintptr(int32(uint32(b[0]) | uint32(b[1])<<8)), uintptr(int32(uint32(b[4]) | uint32(b[5])<<8))
}

func TestPipeSemantics(t *testing.T) {
	e := newEnv(t, "")
	r, w := e.pipe(abi.O_NONBLOCK)
	_, p := e.buf(100000)
	e.want("empty nonblocking read", e.sys(abi.SYS_READ, r, p, 10), errno(abi.EAGAIN))
	e.want("write", e.sys(abi.SYS_WRITE, w, e.str("abc"), 3), 3)
	e.want("FIONREAD-like read", e.sys(abi.SYS_READ, r, p, 100), 3)
	e.want("fill", e.sys(abi.SYS_WRITE, w, p, 100000), 65536)
	e.want("full nonblocking write", e.sys(abi.SYS_WRITE, w, p, 1), errno(abi.EAGAIN))
	e.want("F_GETPIPE_SZ", e.sys(abi.SYS_FCNTL, r, abi.F_GETPIPE_SZ), 65536)
	e.want("F_SETPIPE_SZ too small for data", e.sys(abi.SYS_FCNTL, r, abi.F_SETPIPE_SZ, 4096), errno(abi.EBUSY))
	e.want("F_SETPIPE_SZ on a file", e.sys(abi.SYS_FCNTL, uintptr(e.sys(abi.SYS_OPENAT, atFDCWD, e.str("/f"), abi.O_CREAT|abi.O_RDWR, 0600)), abi.F_SETPIPE_SZ, 4096), errno(abi.EBADF))
	e.want("close write end", e.sys(abi.SYS_CLOSE, w), 0)
	e.want("drain", e.sys(abi.SYS_READ, r, p, 100000), 65536)
	e.want("EOF", e.sys(abi.SYS_READ, r, p, 10), 0)
	r2, w2 := e.pipe(0)
	e.want("close read end", e.sys(abi.SYS_CLOSE, r2), 0)
	e.want("EPIPE", e.sys(abi.SYS_WRITE, w2, p, 1), errno(abi.EPIPE))
	e.want("pipe2 bad flags", e.sys(abi.SYS_PIPE2, p, 1), errno(abi.EINVAL))
}

func TestPipeBlocksOnlyTheCaller(t *testing.T) {
	e := newEnv(t, "")
	r, w := e.pipe(0)
	reader, err := e.k.NewTask(2)
	if err != nil {
		t.Fatal(err)
	}
	_, p := e.buf(1 << 20)
	var got int64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var a [6]uintptr
		total := int64(0)
		for total < 1<<20 {
			a = [6]uintptr{r, p, 1 << 20}
			args := a
			n := callOn(reader, abi.SYS_READ, args)
			if n <= 0 {
				break
			}
			total += n
		}
		got = total
	}()
	e.want("big blocking write", e.sys(abi.SYS_WRITE, w, p, 1<<20), 1<<20)
	wg.Wait()
	if got != 1<<20 {
		t.Fatalf("reader got %d bytes", got)
	}
}

func TestHaltWakesBlockedTasks(t *testing.T) {
	e := newEnv(t, "")
	r, _ := e.pipe(0)
	reader, _ := e.k.NewTask(2)
	_, p := e.buf(8)
	done := make(chan int64)
	go func() { done <- callOn(reader, abi.SYS_READ, [6]uintptr{r, p, 8}) }()
	for !reader.InSyscall() {
		runtime.Gosched()
	}
	e.want("reboot", e.sys(abi.SYS_REBOOT, abi.LINUX_REBOOT_MAGIC1, abi.LINUX_REBOOT_MAGIC2, abi.LINUX_REBOOT_CMD_RESTART), 0)
	if got := <-done; got != errno(abi.EINTR) {
		t.Fatalf("blocked read = %d, want -EINTR", got)
	}
	e.want("after halt", e.sys(abi.SYS_GETPID), errno(abi.ESHUTDOWN))
}
