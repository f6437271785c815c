package boot_test

import (
	"runtime"
	"testing"

	"liblinux/abi"
	"liblinux/kernel"
	"liblinux/kernel/boot"
)

func (e *env) mkfifo(path string) {
	e.t.Helper()
	if r := e.sys(abi.SYS_MKNODAT, atFDCWD, e.str(path), abi.S_IFIFO|0666, 0); r != 0 {
		e.t.Fatalf("mkfifo %s = %d", path, r)
	}
}

// waitFIFOs waits until n FIFO inodes have a pipe: an opener has reached
// the FIFO (and, for a blocking open with no partner, is waiting).
func (e *env) waitFIFOs(n int) {
	reg := boot.Devices(e.k)
	for reg.OpenFIFOs() != n {
		runtime.Gosched()
	}
}

func TestFIFONonBlockingRules(t *testing.T) {
	e := newEnv(t)
	e.mkfifo("/f")
	st := e.stat("/f")
	if st.Mode != abi.S_IFIFO|0644 {
		t.Errorf("mode %o, want 10644", st.Mode)
	}
	e.want("O_WRONLY|O_NONBLOCK without a reader", e.sys(abi.SYS_OPENAT, atFDCWD, e.str("/f"), abi.O_WRONLY|abi.O_NONBLOCK, 0), errno(abi.ENXIO))
	r := e.open("/f", abi.O_RDONLY|abi.O_NONBLOCK)
	_, n := e.read(r, 10)
	e.want("read with no writer ever (end of file)", n, 0)
	e.want("poll a reader that has seen no writer", int64(e.poll(r, abi.POLLIN)), 0)
	w := e.open("/f", abi.O_WRONLY|abi.O_NONBLOCK)
	e.want("poll the writer", int64(e.poll(w, abi.POLLIN|abi.POLLOUT)), abi.POLLOUT)
	_, n = e.read(r, 10)
	e.want("read an empty FIFO with a writer", n, errno(abi.EAGAIN))
	e.want("write", e.write(w, "hey"), 3)
	e.want("F_GETPIPE_SZ", e.sys(abi.SYS_FCNTL, w, abi.F_GETPIPE_SZ), 65536)
	e.want("lseek", e.sys(abi.SYS_LSEEK, w, 0, abi.SEEK_SET), errno(abi.ESPIPE))
	e.want("close the writer", e.sys(abi.SYS_CLOSE, w), 0)
	e.want("poll after the writer left", int64(e.poll(r, abi.POLLIN)), abi.POLLIN|abi.POLLHUP)
	if s, _ := e.read(r, 10); s != "hey" {
		t.Errorf("read %q", s)
	}
	_, n = e.read(r, 10)
	e.want("end of file", n, 0)
	r2 := e.open("/f", abi.O_RDONLY|abi.O_NONBLOCK)
	e.want("a new reader is not hung up", int64(e.poll(r2, abi.POLLIN)), 0)
	e.want("the old one still is", int64(e.poll(r, abi.POLLIN)), abi.POLLHUP)
	e.want("fstat is the FIFO inode", int64(e.fstat(r2).Ino), int64(st.Ino))
	e.sys(abi.SYS_CLOSE, r)
	e.sys(abi.SYS_CLOSE, r2)
	e.waitFIFOs(0)

	// O_RDWR never waits; its data is there for a later reader.
	rw := e.open("/f", abi.O_RDWR)
	e.want("poll O_RDWR", int64(e.poll(rw, abi.POLLIN|abi.POLLOUT)), abi.POLLOUT)
	e.want("write abc", e.write(rw, "abc"), 3)
	r3 := e.open("/f", abi.O_RDONLY) // a writer is there: no wait
	if s, _ := e.read(r3, 10); s != "abc" {
		t.Errorf("read %q", s)
	}
	e.want("write xyz", e.write(rw, "xyz"), 3)
	e.sys(abi.SYS_CLOSE, r3)
	e.sys(abi.SYS_CLOSE, rw)
	// With every opener gone the buffer went with them.
	e.waitFIFOs(0)
	rw = e.open("/f", abi.O_RDWR|abi.O_NONBLOCK)
	_, n = e.read(rw, 10)
	e.want("data did not outlive the openers", n, errno(abi.EAGAIN))
	e.sys(abi.SYS_CLOSE, rw)

	// Writing with no reader left: EPIPE.
	r = e.open("/f", abi.O_RDONLY|abi.O_NONBLOCK)
	w = e.open("/f", abi.O_WRONLY)
	e.sys(abi.SYS_CLOSE, r)
	e.want("write without readers", e.write(w, "x"), errno(abi.EPIPE))
	e.want("poll a writer without readers", int64(e.poll(w, abi.POLLOUT)), abi.POLLOUT|abi.POLLERR)
}

// openAsync opens path on task t in a goroutine; the result arrives on
// the channel.
func (e *env) openAsync(t *kernel.Task, path string, flags uintptr) <-chan int64 {
	p := e.str(path)
	ch := make(chan int64, 1)
	go func() { ch <- on(t, abi.SYS_OPENAT, atFDCWD, p, flags, 0) }()
	return ch
}

func notYet(t *testing.T, ch <-chan int64, what string) {
	t.Helper()
	select {
	case r := <-ch:
		t.Fatalf("%s returned %d before its partner opened", what, r)
	default:
	}
}

func TestFIFOBlockingOpens(t *testing.T) {
	e := newEnv(t)
	e.mkfifo("/f")
	other := e.newTask()

	// A reader waits for a writer.
	rd := e.openAsync(other, "/f", abi.O_RDONLY)
	e.waitFIFOs(1)
	notYet(t, rd, "O_RDONLY")
	w := e.open("/f", abi.O_WRONLY|abi.O_NONBLOCK) // the waiting reader counts
	r := <-rd
	if r < 0 {
		t.Fatalf("blocked O_RDONLY = %d", r)
	}
	e.want("write", e.write(w, "ping"), 4)
	b := make([]byte, 10)
	e.want("the reader task reads", on(other, abi.SYS_READ, uintptr(r), e.addr(b), 10), 4)
	on(other, abi.SYS_CLOSE, uintptr(r))
	e.sys(abi.SYS_CLOSE, w)
	e.waitFIFOs(0)

	// A writer waits for a reader.
	wr := e.openAsync(other, "/f", abi.O_WRONLY)
	e.waitFIFOs(1)
	notYet(t, wr, "O_WRONLY")
	rfd := e.open("/f", abi.O_RDONLY|abi.O_NONBLOCK)
	wfd := <-wr
	if wfd < 0 {
		t.Fatalf("blocked O_WRONLY = %d", wfd)
	}
	e.want("the writer task writes", on(other, abi.SYS_WRITE, uintptr(wfd), e.str("pong"), 4), 4)
	if s, _ := e.read(rfd, 10); s != "pong" {
		t.Errorf("read %q", s)
	}
	on(other, abi.SYS_CLOSE, uintptr(wfd))
	e.sys(abi.SYS_CLOSE, rfd)
	e.waitFIFOs(0)

	// A writer that came and went still releases a waiting reader, who
	// then finds end of file.
	rd = e.openAsync(other, "/f", abi.O_RDONLY)
	e.waitFIFOs(1)
	w = e.open("/f", abi.O_WRONLY)
	e.sys(abi.SYS_CLOSE, w)
	r = <-rd
	if r < 0 {
		t.Fatalf("O_RDONLY after a writer came and went = %d", r)
	}
	e.want("end of file", on(other, abi.SYS_READ, uintptr(r), e.addr(b), 10), 0)
	on(other, abi.SYS_CLOSE, uintptr(r))
}

func TestFIFOOpenWakesOnHalt(t *testing.T) {
	e := newEnv(t)
	e.mkfifo("/f")
	other := e.newTask()
	rd := e.openAsync(other, "/f", abi.O_RDONLY)
	wr := e.openAsync(e.task, "/g", abi.O_WRONLY) // no such file: returns at once
	if r := <-wr; r != errno(abi.ENOENT) {
		t.Fatalf("open /g = %d", r)
	}
	e.waitFIFOs(1)
	notYet(t, rd, "O_RDONLY")
	e.k.StartHalt()
	if r := <-rd; r != errno(abi.EINTR) {
		t.Errorf("blocked open at halt = %d, want EINTR", r)
	}
	e.waitFIFOs(0)
}

func TestFIFOSharedBuffer(t *testing.T) {
	e := newEnv(t)
	e.mkfifo("/f")
	r := e.open("/f", abi.O_RDONLY|abi.O_NONBLOCK)
	w1 := e.open("/f", abi.O_WRONLY)
	w2 := e.open("/f", abi.O_WRONLY)
	e.write(w1, "one ")
	e.write(w2, "two")
	if s, _ := e.read(r, 100); s != "one two" {
		t.Errorf("read %q", s)
	}
	e.sys(abi.SYS_CLOSE, w1)
	e.want("still a writer: not hung up", int64(e.poll(r, abi.POLLIN)), 0)
	e.sys(abi.SYS_CLOSE, w2)
	e.want("hung up", int64(e.poll(r, abi.POLLIN)), abi.POLLHUP)
	// Two FIFOs are two pipes.
	e.mkfifo("/f2")
	r2 := e.open("/f2", abi.O_RDWR)
	e.write(r2, "x")
	e.waitFIFOs(2)
	_, n := e.read(r, 10)
	e.want("the other FIFO's data stays there", n, 0)
}
