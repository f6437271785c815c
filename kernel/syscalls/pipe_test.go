package syscalls_test

import (
	"runtime"
	"sync"
	"testing"

	"liblinux/abi"
	"liblinux/kernel/vfs"
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

func TestPipePacketMode(t *testing.T) {
	e := newEnv(t, "")
	r, w := e.pipe(abi.O_DIRECT | abi.O_NONBLOCK)
	e.want("F_GETFL read end", e.sys(abi.SYS_FCNTL, r, abi.F_GETFL), abi.O_RDONLY|abi.O_NONBLOCK)
	e.want("F_GETFL write end", e.sys(abi.SYS_FCNTL, w, abi.F_GETFL), abi.O_WRONLY|abi.O_NONBLOCK|abi.O_DIRECT)
	b, p := e.buf(16)
	e.want("write hello", e.sys(abi.SYS_WRITE, w, e.str("hello"), 5), 5)
	e.want("write world", e.sys(abi.SYS_WRITE, w, e.str("world"), 5), 5)
	nb, np := e.buf(4)
	fionread := func(want int64) {
		t.Helper()
		e.want("FIONREAD", e.sys(abi.SYS_IOCTL, r, abi.FIONREAD, np), 0)
		if got := int64(int32(uint32(nb[0]) | uint32(nb[1])<<8 | uint32(nb[2])<<16 | uint32(nb[3])<<24)); got != want {
			t.Errorf("FIONREAD = %d, want %d", got, want)
		}
	}
	fionread(10)
	e.want("short read", e.sys(abi.SYS_READ, r, p, 3), 3)
	fionread(5)
	e.want("next packet", e.sys(abi.SYS_READ, r, p, 16), 5)
	if string(b[:5]) != "world" {
		t.Errorf("read %q", b[:5])
	}
	// pwritev2 with RWF_NOWAIT makes packets too.
	v := e.iovecs([2]uintptr{e.str("ab"), 2})
	e.want("pwritev2 RWF_NOWAIT", e.sys(abi.SYS_PWRITEV2, w, v, 1, ^uintptr(0), 0, abi.RWF_NOWAIT), 2)
	e.want("pwritev2 RWF_NOWAIT", e.sys(abi.SYS_PWRITEV2, w, v, 1, ^uintptr(0), 0, abi.RWF_NOWAIT), 2)
	e.want("one packet", e.sys(abi.SYS_READ, r, p, 16), 2)
	// F_SETFL turns packet mode off on the write end.
	e.want("F_SETFL", e.sys(abi.SYS_FCNTL, w, abi.F_SETFL, abi.O_NONBLOCK), 0)
	e.want("write ab", e.sys(abi.SYS_WRITE, w, e.str("cd"), 2), 2)
	e.want("write cd", e.sys(abi.SYS_WRITE, w, e.str("ef"), 2), 2)
	e.want("packet then stream", e.sys(abi.SYS_READ, r, p, 16), 2)
	e.want("stream", e.sys(abi.SYS_READ, r, p, 16), 4)
	if string(b[:4]) != "cdef" {
		t.Errorf("read %q", b[:4])
	}
}

func TestPipeSlotsAndDevice(t *testing.T) {
	e := newEnv(t, "")
	r, w := e.pipe(abi.O_NONBLOCK)
	_, p := e.buf(65536)
	e.want("fill but 100 bytes", e.sys(abi.SYS_WRITE, w, p, 65436), 65436)
	e.want("no free slot", e.sys(abi.SYS_WRITE, w, p, 8192), errno(abi.EAGAIN))
	e.want("tail joins the last slot", e.sys(abi.SYS_WRITE, w, p, 8292), 100)
	e.want("drain", e.sys(abi.SYS_READ, r, p, 65536), 65536)
	e.want("page", e.sys(abi.SYS_WRITE, w, p, 4096), 4096)
	e.want("byte", e.sys(abi.SYS_WRITE, w, p, 1), 1)
	e.want("most of the page", e.sys(abi.SYS_READ, r, p, 4095), 4095)
	e.want("2 bytes in 2 slots", e.sys(abi.SYS_FCNTL, w, abi.F_SETPIPE_SZ, 4096), errno(abi.EBUSY))

	sb, sp := e.buf(abi.SizeofStat)
	var pst, rst abi.Stat
	e.want("fstat pipe", e.sys(abi.SYS_FSTAT, r, sp), 0)
	pst.UnmarshalFrom(sb)
	e.want("stat /", e.sys(abi.SYS_NEWFSTATAT, atFDCWD, e.str("/"), sp, 0), 0)
	rst.UnmarshalFrom(sb)
	if major, _ := vfs.DecodeDev(uint32(pst.Dev)); pst.Dev != e.k.PipeDev() || major != 0 || pst.Dev == rst.Dev {
		t.Errorf("pipe st_dev %#x, pipefs %#x, root %#x", pst.Dev, e.k.PipeDev(), rst.Dev)
	}
}
