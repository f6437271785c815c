package syscalls_test

import (
	"bytes"
	"math"
	"runtime"
	"testing"

	"liblinux/abi"
	"liblinux/kernel"
)

// off returns a loff_t in user memory.
func (e *env) off(v int64) ([]byte, uintptr) { return e.u64buf(uint64(v)) }

func offOf(b []byte) int64 { return int64(u64(b)) }

// drain reads what a pipe holds (up to 1 MiB).
func (e *env) drain(fd uintptr) string {
	e.t.Helper()
	b, p := e.buf(1 << 20)
	n := e.sys(abi.SYS_READ, fd, p, 1<<20)
	if n < 0 {
		e.t.Fatalf("read = %d", n)
	}
	return string(b[:n])
}

func TestSendfile(t *testing.T) {
	e := newEnv(t, "")
	in := e.fileWith("/in", "0123456789", abi.O_RDWR)
	out := e.fileWith("/out", "", abi.O_RDWR)
	sf := func(name string, out, in, off, n uintptr, want int64) {
		t.Helper()
		e.want(name, e.sys(abi.SYS_SENDFILE, out, in, off, n), want)
	}
	pos := func(name string, fd uintptr, want int64) {
		t.Helper()
		e.want(name+": position", e.sys(abi.SYS_LSEEK, fd, 0, abi.SEEK_CUR), want)
	}
	e.sys(abi.SYS_LSEEK, in, 2, abi.SEEK_SET)
	sf("at the position", out, in, 0, 3, 3)
	pos("input", in, 5)
	pos("output", out, 3)
	ob, op := e.off(5)
	sf("at an offset", out, in, op, 100, 5)
	if offOf(ob) != 10 {
		t.Errorf("offset = %d, want 10", offOf(ob))
	}
	pos("input after an offset", in, 5)
	pos("output after an offset", out, 8)
	if got := e.contents("/out"); got != "23456789" {
		t.Errorf("out = %q", got)
	}
	_, op = e.off(-1)
	sf("negative offset", out, in, op, 1, errno(abi.EINVAL))
	ob, op = e.off(100)
	sf("offset past EOF", out, in, op, 1, 0)
	if offOf(ob) != 100 {
		t.Errorf("offset moved to %d", offOf(ob))
	}
	sf("bad offset pointer", out, in, 8, 1, errno(abi.EFAULT))
	sf("EFAULT before EBADF", 99, 98, 8, 1, errno(abi.EFAULT))
	sf("count 0", out, in, 0, 0, 0)
	_, op = e.off(math.MaxInt64)
	sf("range past the largest offset", out, in, op, 2, errno(abi.EINVAL))
	_, op = e.off(0)
	sf("count over SSIZE_MAX", out, in, op, 1<<63, errno(abi.EINVAL))
	sf("bad output", 99, in, 0, 1, errno(abi.EBADF))
	sf("bad input", out, 99, 0, 1, errno(abi.EBADF))
	ro := e.fileWith("/out", "", abi.O_RDONLY)
	wo := e.fileWith("/in", "", abi.O_WRONLY)
	sf("read-only output", ro, in, 0, 1, errno(abi.EBADF))
	sf("write-only input", out, wo, 0, 1, errno(abi.EBADF))
	ap := e.fileWith("/out", "", abi.O_WRONLY|abi.O_APPEND)
	sf("O_APPEND output", ap, in, 0, 1, errno(abi.EINVAL))
	d := uintptr(e.sys(abi.SYS_OPENAT, atFDCWD, e.str("/"), abi.O_RDONLY|abi.O_DIRECTORY))
	sf("directory input", out, d, 0, 1, errno(abi.EINVAL))
	sf("directory input, count 0", out, d, 0, 0, 0)

	r, w := e.pipe(0)
	sf("into a pipe", w, in, 0, 2, 2)
	if got := e.drain(r); got != "56" {
		t.Errorf("pipe got %q", got)
	}
	sf("from a pipe", out, r, 0, 2, errno(abi.EINVAL))
	sf("from a pipe, count 0", out, r, 0, 0, errno(abi.EINVAL))
	_, op = e.off(0)
	sf("offset on a pipe input", out, r, op, 2, errno(abi.ESPIPE))

	// Through the bounded kernel buffer, across many chunks.
	data := bytes.Repeat([]byte("abcdefghijklmnopqrstuvwxyz"), 10000)
	big := e.fileWith("/big", string(data), abi.O_RDWR)
	copyFd := e.fileWith("/copy", "", abi.O_RDWR)
	_, op = e.off(0)
	sf("large copy", copyFd, big, op, 1<<30, int64(len(data)))
	if got := e.contents("/copy"); got != string(data) {
		t.Errorf("copy differs (%d bytes)", len(got))
	}

	// A pipe is filled once; a full pipe blocks, or gives EAGAIN.
	r2, w2 := e.pipe(0)
	_, op = e.off(0)
	sf("fills the pipe once", w2, big, op, 1<<20, 65536)
	e.want("O_NONBLOCK", e.sys(abi.SYS_FCNTL, w2, abi.F_SETFL, abi.O_NONBLOCK), 0)
	_, op = e.off(0)
	sf("full non-blocking pipe", w2, big, op, 1<<20, errno(abi.EAGAIN))
	e.want("blocking again", e.sys(abi.SYS_FCNTL, w2, abi.F_SETFL, 0), 0)
	_, op = e.off(0)
	done := async(e.newTask(), abi.SYS_SENDFILE, w2, big, op, 1<<20)
	if got := len(e.drain(r2)); got != 65536 {
		t.Fatalf("drained %d", got)
	}
	if got := <-done; got != 65536 {
		t.Fatalf("blocked sendfile = %d, want 65536", got)
	}
	e.want("close the read end", e.sys(abi.SYS_CLOSE, r2), 0)
	sf("no readers", w2, big, 0, 1, errno(abi.EPIPE))
}

func TestSplice(t *testing.T) {
	e := newEnv(t, "")
	in := e.fileWith("/in", "0123456789", abi.O_RDWR)
	out := e.fileWith("/out", "", abi.O_RDWR)
	r, w := e.pipe(0)
	sp := func(name string, fdIn, offIn, fdOut, offOut, n, flags uintptr, want int64) {
		t.Helper()
		e.want(name, e.sys(abi.SYS_SPLICE, fdIn, offIn, fdOut, offOut, n, flags), want)
	}
	pos := func(name string, fd uintptr, want int64) {
		t.Helper()
		e.want(name+": position", e.sys(abi.SYS_LSEEK, fd, 0, abi.SEEK_CUR), want)
	}
	e.sys(abi.SYS_LSEEK, in, 2, abi.SEEK_SET)
	sp("file to pipe", in, 0, w, 0, 3, 0, 3)
	pos("file to pipe", in, 5)
	ob, op := e.off(7)
	sp("file at an offset to pipe", in, op, w, 0, 100, 0, 3)
	if offOf(ob) != 10 {
		t.Errorf("offset = %d, want 10", offOf(ob))
	}
	pos("file at an offset to pipe", in, 5)
	sp("pipe to file", r, 0, out, 0, 2, 0, 2)
	pos("pipe to file", out, 2)
	ob, op = e.off(5)
	sp("pipe to file at an offset", r, 0, out, op, 100, 0, 4)
	if offOf(ob) != 9 {
		t.Errorf("offset = %d, want 9", offOf(ob))
	}
	pos("pipe to file at an offset", out, 2)
	if got := e.contents("/out"); got != "23\x00\x00\x004789" {
		t.Errorf("out = %q", got)
	}

	_, op = e.off(0)
	sp("offset on the pipe input", r, op, out, 0, 1, 0, errno(abi.ESPIPE))
	sp("offset on the pipe output", in, 0, w, op, 1, 0, errno(abi.ESPIPE))
	sp("ESPIPE before EFAULT", in, 0, w, 8, 1, 0, errno(abi.ESPIPE))
	sp("no pipe", in, 0, out, 0, 1, 0, errno(abi.EINVAL))
	sp("same pipe", r, 0, w, 0, 1, 0, errno(abi.EINVAL))
	r2, w2 := e.pipe(0)
	sp("empty pipe, SPLICE_F_NONBLOCK", r, 0, w2, 0, 1, abi.SPLICE_F_NONBLOCK, errno(abi.EAGAIN))
	sp("bad flag", in, 0, w, 0, 1, 0x10, errno(abi.EINVAL))
	sp("all known flags", in, 0, w, 0, 1, 0xf, 1)
	sp("length 0 before anything", 99, 0, 98, 0, 0, 0x10, 0)
	sp("bad input", 99, 0, w, 0, 1, 0, errno(abi.EBADF))
	sp("bad output", in, 0, 99, 0, 1, 0, errno(abi.EBADF))
	_, op = e.off(-1)
	sp("negative offset", in, op, w, 0, 1, 0, errno(abi.EINVAL))
	_, op = e.off(math.MaxInt64)
	sp("offset past the largest", in, op, w, 0, 1, 0, errno(abi.EINVAL))
	sp("bad offset pointer", in, 8, w, 0, 1, 0, errno(abi.EFAULT))
	ro := e.fileWith("/out", "", abi.O_RDONLY)
	sp("EFAULT before EBADF", in, 8, ro, 0, 1, 0, errno(abi.EFAULT))
	ap := e.fileWith("/out", "", abi.O_WRONLY|abi.O_APPEND)
	sp("O_APPEND output", r, 0, ap, 0, 1, 0, errno(abi.EINVAL))
	sp("read-only output", r, 0, ro, 0, 1, 0, errno(abi.EBADF))
	sp("pipe write end as input", w, 0, out, 0, 1, 0, errno(abi.EBADF))
	sp("pipe read end as output", in, 0, r, 0, 1, 0, errno(abi.EBADF))
	d := uintptr(e.sys(abi.SYS_OPENAT, atFDCWD, e.str("/"), abi.O_RDONLY|abi.O_DIRECTORY))
	sp("directory input", d, 0, w, 0, 1, 0, errno(abi.EINVAL))
	sp("directory output", r, 0, d, 0, 1, 0, errno(abi.EBADF))
	sp("length over SSIZE_MAX", r, 0, out, 0, neg(-1), 0, errno(abi.EINVAL))
	sp("pipe to pipe", r, 0, w2, 0, 100, 0, 1)
	if got := e.drain(r2); got != "5" {
		t.Errorf("pipe to pipe moved %q", got)
	}

	// Blocking: pipe to file waits for data.
	reader := e.newTask()
	done := async(reader, abi.SYS_SPLICE, r, 0, out, 0, 100, 0)
	waitInSyscall(reader)
	e.want("write", e.sys(abi.SYS_WRITE, w, e.str("xyz"), 3), 3)
	if got := <-done; got != 3 {
		t.Fatalf("blocked splice = %d, want 3", got)
	}
	e.want("O_NONBLOCK on the pipe", e.sys(abi.SYS_FCNTL, r, abi.F_SETFL, abi.O_NONBLOCK), 0)
	sp("empty O_NONBLOCK pipe", r, 0, out, 0, 1, 0, errno(abi.EAGAIN))

	// A pipe fills once from a file.
	big := e.fileWith("/big", string(bytes.Repeat([]byte("z"), 70000)), abi.O_RDWR)
	r3, w3 := e.pipe(0)
	_, op = e.off(0)
	sp("fill", big, op, w3, 0, 100000, abi.SPLICE_F_NONBLOCK, 65536)
	sp("full", big, op, w3, 0, 100000, abi.SPLICE_F_NONBLOCK, errno(abi.EAGAIN))
	e.want("O_NONBLOCK", e.sys(abi.SYS_FCNTL, w3, abi.F_SETFL, abi.O_NONBLOCK), 0)
	sp("full O_NONBLOCK pipe", big, op, w3, 0, 100000, 0, errno(abi.EAGAIN))
	e.want("close read end", e.sys(abi.SYS_CLOSE, r3), 0)
	sp("no readers", big, op, w3, 0, 1, 0, errno(abi.EPIPE))
	e.want("write", e.sys(abi.SYS_WRITE, w, e.str("q"), 1), 1)
	sp("pipe to pipe without readers", r, 0, w3, 0, 1, 0, errno(abi.EPIPE))
	e.want("close write end", e.sys(abi.SYS_CLOSE, w), 0)
	sp("drain the last byte", r, 0, out, 0, 10, 0, 1)
	sp("end of file", r, 0, out, 0, 10, 0, 0)
}

func TestTee(t *testing.T) {
	e := newEnv(t, "")
	r, w := e.pipe(0)
	r2, w2 := e.pipe(0)
	fd := e.fileWith("/f", "", abi.O_RDWR)
	tee := func(name string, in, out, n, flags uintptr, want int64) {
		t.Helper()
		e.want(name, e.sys(abi.SYS_TEE, in, out, n, flags), want)
	}
	tee("empty, SPLICE_F_NONBLOCK", r, w2, 10, abi.SPLICE_F_NONBLOCK, errno(abi.EAGAIN))
	e.want("write", e.sys(abi.SYS_WRITE, w, e.str("hello"), 5), 5)
	tee("copy", r, w2, 100, 0, 5)
	tee("copy part", r, w2, 2, 0, 2)
	if got := e.drain(r2); got != "hellohe" {
		t.Errorf("copies %q", got)
	}
	if got := e.drain(r); got != "hello" {
		t.Errorf("source %q", got)
	}
	tee("same pipe", r, w, 1, 0, errno(abi.EINVAL))
	tee("bad flag", r, w2, 1, 0x10, errno(abi.EINVAL))
	tee("bad flag before length 0", 99, 98, 0, 0x10, errno(abi.EINVAL))
	tee("length 0", 99, 98, 0, 0, 0)
	tee("file input", fd, w2, 1, 0, errno(abi.EINVAL))
	tee("file output", r, fd, 1, 0, errno(abi.EINVAL))
	tee("write end as input", w2, w, 1, 0, errno(abi.EBADF))
	tee("bad descriptor", 99, w2, 1, 0, errno(abi.EBADF))
	e.want("O_NONBLOCK", e.sys(abi.SYS_FCNTL, w2, abi.F_SETFL, abi.O_NONBLOCK), 0)
	tee("empty, O_NONBLOCK output", r, w2, 1, 0, errno(abi.EAGAIN))
	e.want("close write end", e.sys(abi.SYS_CLOSE, w), 0)
	tee("end of file", r, w2, 1, 0, 0)
}

func TestVmsplice(t *testing.T) {
	e := newEnv(t, "")
	r, w := e.pipe(0)
	fd := e.fileWith("/f", "", abi.O_RDONLY)
	b, p := e.buf(10)
	wv := e.iovecs([2]uintptr{e.str("abc"), 3}, [2]uintptr{e.str("de"), 2})
	rv := e.iovecs([2]uintptr{p, 10})
	vs := func(name string, fd, iov, n, flags uintptr, want int64) {
		t.Helper()
		e.want(name, e.sys(abi.SYS_VMSPLICE, fd, iov, n, flags), want)
	}
	vs("into a pipe", w, wv, 2, abi.SPLICE_F_GIFT, 5)
	vs("out of a pipe", r, rv, 1, 0, 5)
	if string(b[:5]) != "abcde" {
		t.Errorf("read %q", b[:5])
	}
	vs("empty, SPLICE_F_NONBLOCK", r, rv, 1, abi.SPLICE_F_NONBLOCK, errno(abi.EAGAIN))
	vs("not a pipe", fd, wv, 1, 0, errno(abi.EBADF))
	vs("bad flag", 99, wv, 1, 0x10, errno(abi.EINVAL))
	vs("bad descriptor", 99, wv, 1, 0, errno(abi.EBADF))
	vs("IOV_MAX+1", w, wv, 1025, 0, errno(abi.EINVAL))
	vs("no iovecs", w, wv, 0, 0, 0)
}

// TestVmspliceIgnoresONonblock checks that only SPLICE_F_NONBLOCK makes
// vmsplice nonblocking: on an empty pipe with O_NONBLOCK it waits for
// data, as Linux's does.
func TestVmspliceIgnoresONonblock(t *testing.T) {
	e := newEnv(t, "")
	r, w := e.pipe(abi.O_NONBLOCK)
	b, p := e.buf(4)
	rv := e.iovecs([2]uintptr{p, 4})
	reader, err := e.k.NewTask(2)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan int64, 1)
	go func() { done <- callOn(reader, abi.SYS_VMSPLICE, [6]uintptr{r, rv, 1, 0}) }()
	for !reader.InSyscall() {
		select {
		case got := <-done:
			t.Fatalf("vmsplice of an empty O_NONBLOCK pipe returned %d without waiting", got)
		default:
			runtime.Gosched()
		}
	}
	e.want("write", e.sys(abi.SYS_WRITE, w, e.str("xy"), 2), 2)
	if got := <-done; got != 2 || string(b[:2]) != "xy" {
		t.Fatalf("vmsplice = %d, %q; want 2, \"xy\"", got, b[:2])
	}
}

func TestCopyFileRange(t *testing.T) {
	e := newEnv(t, "")
	in := e.fileWith("/in", "0123456789", abi.O_RDWR)
	out := e.fileWith("/out", "", abi.O_RDWR)
	cfr := func(name string, fdIn, offIn, fdOut, offOut, n, flags uintptr, want int64) {
		t.Helper()
		e.want(name, e.sys(abi.SYS_COPY_FILE_RANGE, fdIn, offIn, fdOut, offOut, n, flags), want)
	}
	pos := func(name string, fd uintptr, want int64) {
		t.Helper()
		e.want(name+": position", e.sys(abi.SYS_LSEEK, fd, 0, abi.SEEK_CUR), want)
	}
	e.sys(abi.SYS_LSEEK, in, 2, abi.SEEK_SET)
	cfr("at the positions", in, 0, out, 0, 3, 0, 3)
	pos("input", in, 5)
	pos("output", out, 3)
	ib, ip := e.off(5)
	ob, op := e.off(1)
	cfr("at offsets", in, ip, out, op, 100, 0, 5)
	if offOf(ib) != 10 || offOf(ob) != 6 {
		t.Errorf("offsets %d, %d; want 10, 6", offOf(ib), offOf(ob))
	}
	pos("input after offsets", in, 5)
	pos("output after offsets", out, 3)
	if got := e.contents("/out"); got != "256789" {
		t.Errorf("out = %q", got)
	}

	cfr("flags", in, 0, out, 0, 3, 1, errno(abi.EINVAL))
	cfr("flags, length 0", in, 0, out, 0, 0, 1, errno(abi.EINVAL))
	cfr("EBADF before flags", 99, 0, out, 0, 0, 1, errno(abi.EBADF))
	cfr("EFAULT before flags", in, 8, out, 0, 0, 1, errno(abi.EFAULT))
	cfr("length 0", in, 0, out, 0, 0, 0, 0)
	r, w := e.pipe(0)
	cfr("pipe output", in, 0, w, 0, 3, 0, errno(abi.EINVAL))
	cfr("pipe input", r, 0, out, 0, 3, 0, errno(abi.EINVAL))
	wo := e.fileWith("/in", "", abi.O_WRONLY)
	ro := e.fileWith("/out", "", abi.O_RDONLY)
	ap := e.fileWith("/out", "", abi.O_WRONLY|abi.O_APPEND)
	cfr("write-only input", wo, 0, out, 0, 3, 0, errno(abi.EBADF))
	cfr("read-only output", in, 0, ro, 0, 3, 0, errno(abi.EBADF))
	cfr("O_APPEND output", in, 0, ap, 0, 3, 0, errno(abi.EBADF))
	cfr("O_APPEND output, length 0", in, 0, ap, 0, 0, 0, errno(abi.EBADF))
	d := uintptr(e.sys(abi.SYS_OPENAT, atFDCWD, e.str("/"), abi.O_RDONLY|abi.O_DIRECTORY))
	cfr("directory input", d, 0, out, 0, 1, 0, errno(abi.EISDIR))
	cfr("directory output", in, 0, d, 0, 1, 0, errno(abi.EISDIR))
	cfr("directory output, length 0", in, 0, d, 0, 0, 0, errno(abi.EISDIR))
	cfr("EFAULT before EISDIR", d, 8, out, 0, 0, 0, errno(abi.EFAULT))

	// Ranges within one file must not overlap (after the cut at EOF).
	at := func(name string, i, o int64, n uintptr, want int64) {
		t.Helper()
		_, ip := e.off(i)
		_, op := e.off(o)
		cfr(name, in, ip, in, op, n, 0, want)
	}
	to := func(name string, i, o int64, n uintptr, want int64) {
		t.Helper()
		_, ip := e.off(i)
		_, op := e.off(o)
		cfr(name, in, ip, out, op, n, 0, want)
	}
	at("overlap", 0, 2, 5, errno(abi.EINVAL))
	at("adjacent", 0, 5, 5, 5)
	at("overlap past EOF is cut", 5, 0, 6, 5)
	at("cut at EOF", 8, 0, 100, 2)
	at("same range", 0, 0, 1, errno(abi.EINVAL))
	at("negative input offset", -1, 20, 1, errno(abi.EOVERFLOW))
	at("negative input offset, length 0", -1, 20, 0, errno(abi.EINVAL))
	at("negative output offset, length 0", 0, -1, 0, errno(abi.EINVAL))
	at("input past EOF", 100, 20, 1, 0)
	at("input at the largest offset", math.MaxInt64, 20, 1, 0)
	at("output at the largest offset", 0, math.MaxInt64, 0, errno(abi.EFBIG))
	at("EFBIG before EINVAL", -1, math.MaxInt64, 0, errno(abi.EFBIG))
	to("output cut at the largest offset", 0, math.MaxInt64-1, 2, 1)
	to("huge length", 0, 0, neg(-1), 10)
	to("huge length wraps the output offset", 0, 20, neg(-1), errno(abi.EOVERFLOW))
	cfr("same file at the positions", in, 0, in, 0, 1, 0, errno(abi.EINVAL))

	// Across filesystems: EXDEV.
	e.want("mkdir", e.sys(abi.SYS_MKDIRAT, atFDCWD, e.str("/mnt"), 0755), 0)
	e.want("mount", e.sys(abi.SYS_MOUNT, e.str("none"), e.str("/mnt"), e.str("tmpfs"), 0, 0), 0)
	other := e.fileWith("/mnt/f", "", abi.O_RDWR)
	cfr("across filesystems", in, 0, other, 0, 3, 0, errno(abi.EXDEV))
	_, ip = e.off(-1)
	cfr("EXDEV before the range", in, ip, other, 0, 0, 0, errno(abi.EXDEV))
}

// Splices in opposite directions between two pipes run at once without
// deadlocking, and every byte ends up somewhere.
func TestSpliceBothWays(t *testing.T) {
	e := newEnv(t, "")
	ra, wa := e.pipe(abi.O_NONBLOCK)
	rb, wb := e.pipe(abi.O_NONBLOCK)
	e.want("fill a", e.sys(abi.SYS_WRITE, wa, e.str("aaaa"), 4), 4)
	e.want("fill b", e.sys(abi.SYS_WRITE, wb, e.str("bbbb"), 4), 4)
	t1, t2 := e.newTask(), e.newTask()
	run := func(task *kernel.Task, in, out uintptr, done chan<- struct{}) {
		for i := 0; i < 2000; i++ {
			r := callOn(task, abi.SYS_SPLICE, [6]uintptr{in, 0, out, 0, 3, 0})
			if r < 0 && r != errno(abi.EAGAIN) {
				t.Errorf("splice = %d", r)
				break
			}
			callOn(task, abi.SYS_TEE, [6]uintptr{in, out, 1, 0})
		}
		done <- struct{}{}
	}
	d1, d2 := make(chan struct{}), make(chan struct{})
	go run(t1, ra, wb, d1)
	go run(t2, rb, wa, d2)
	<-d1
	<-d2
	total := 0
	for _, fd := range []uintptr{ra, rb} {
		_, p := e.buf(1 << 20)
		if n := e.sys(abi.SYS_READ, fd, p, 1<<20); n > 0 {
			total += int(n)
		}
	}
	if total < 8 {
		t.Errorf("%d bytes left, want at least the 8 written", total)
	}
}

func TestSpliceWaitEndsAtHalt(t *testing.T) {
	e := newEnv(t, "")
	r, _ := e.pipe(0)
	out := e.fileWith("/out", "", abi.O_RDWR)
	task := e.newTask()
	done := async(task, abi.SYS_SPLICE, r, 0, out, 0, 10, 0)
	waitInSyscall(task)
	e.want("reboot", e.sys(abi.SYS_REBOOT, abi.LINUX_REBOOT_MAGIC1, abi.LINUX_REBOOT_MAGIC2, abi.LINUX_REBOOT_CMD_RESTART), 0)
	if got := <-done; got != errno(abi.EINTR) {
		t.Fatalf("splice at halt = %d, want -EINTR", got)
	}
}
