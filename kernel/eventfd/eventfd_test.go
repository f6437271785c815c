package eventfd

import (
	"encoding/binary"
	"math"
	"sync"
	"testing"

	"liblinux/abi"
	"liblinux/kernel/usermem"
	"liblinux/kernel/vfs"
	"liblinux/kernel/waiter"
)

// ctx is a vfs.Context whose Block reports that it blocks.
type ctx struct{ blocked chan struct{} }

func (c *ctx) Creds() *vfs.Creds { return vfs.RootCreds() }
func (c *ctx) Now() vfs.Time     { return vfs.Time{} }
func (c *ctx) Block(ev *waiter.Event, deadline int64) error {
	if c.blocked != nil {
		c.blocked <- struct{}{}
	}
	<-ev.C()
	return nil
}

func newFile(initval uint64, sem, nonblock bool) (*vfs.File, *EventFD) {
	e := New(initval, sem)
	flags := uint32(abi.O_RDWR)
	if nonblock {
		flags |= abi.O_NONBLOCK
	}
	return vfs.NewFile(vfs.Path{}, e, flags), e
}

type buf struct {
	b []byte
	a usermem.Addr
}

// keep holds every buffer handed to the kernel: the buffers must live on
// the heap, since a goroutine stack can move while a read blocks.
var (
	keepMu sync.Mutex
	keep   [][]byte
)

func newBuf(n int) *buf {
	b := make([]byte, n)
	keepMu.Lock()
	keep = append(keep, b)
	keepMu.Unlock()
	return &buf{b, usermem.AddrOf(b)}
}

func (b *buf) io(n int) *usermem.IO {
	io, err := usermem.NewIO(b.a, n)
	if err != nil {
		panic(err)
	}
	return io
}

func read(c vfs.Context, f *vfs.File, n int) (uint64, int, error) {
	b := newBuf(16)
	got, err := f.Read(c, b.io(n))
	return binary.NativeEndian.Uint64(b.b), got, err
}

func write(c vfs.Context, f *vfs.File, v uint64, n int) (int, error) {
	b := newBuf(16)
	binary.NativeEndian.PutUint64(b.b, v)
	return f.Write(c, b.io(n))
}

func TestCounterAndSemaphore(t *testing.T) {
	c := &ctx{}
	f, e := newFile(3, false, true)
	if v, n, err := read(c, f, 16); v != 3 || n != 8 || err != nil {
		t.Fatalf("read = (%d, %d, %v), want (3, 8, nil)", v, n, err)
	}
	if _, _, err := read(c, f, 8); err != abi.EAGAIN {
		t.Fatalf("read of 0 = %v, want EAGAIN", err)
	}
	if _, _, err := read(c, f, 7); err != abi.EINVAL {
		t.Fatalf("short read = %v, want EINVAL", err)
	}
	if _, err := write(c, f, 1, 7); err != abi.EINVAL {
		t.Fatalf("short write = %v, want EINVAL", err)
	}
	if _, err := write(c, f, math.MaxUint64, 8); err != abi.EINVAL {
		t.Fatalf("write of 2^64-1 = %v, want EINVAL", err)
	}
	for _, v := range []uint64{5, 0, 7} {
		if n, err := write(c, f, v, 8); n != 8 || err != nil {
			t.Fatalf("write %d = (%d, %v)", v, n, err)
		}
	}
	if e.Count() != 12 {
		t.Fatalf("count = %d, want 12", e.Count())
	}
	if n, err := f.Pread(c, newBuf(8).io(8), 0); n != 0 || err != abi.ESPIPE {
		t.Fatalf("pread = (%d, %v), want ESPIPE", n, err)
	}

	s, _ := newFile(2, true, true)
	for i := 0; i < 2; i++ {
		if v, _, err := read(c, s, 8); v != 1 || err != nil {
			t.Fatalf("semaphore read %d = (%d, %v), want 1", i, v, err)
		}
	}
	if _, _, err := read(c, s, 8); err != abi.EAGAIN {
		t.Fatalf("empty semaphore read = %v", err)
	}
}

func TestOverflowAndReadiness(t *testing.T) {
	c := &ctx{}
	f, e := newFile(0, false, true)
	all := uint32(0xffff)
	if r := e.Readiness(all); r != waiter.EventOut {
		t.Fatalf("empty readiness = %#x, want POLLOUT", r)
	}
	if _, err := write(c, f, math.MaxUint64-1, 8); err != nil {
		t.Fatal(err)
	}
	if r := e.Readiness(all); r != waiter.EventIn {
		t.Fatalf("full readiness = %#x, want POLLIN only", r)
	}
	if _, err := write(c, f, 1, 8); err != abi.EAGAIN {
		t.Fatalf("overflowing write = %v, want EAGAIN", err)
	}
	if n, err := write(c, f, 0, 8); n != 8 || err != nil {
		t.Fatalf("write 0 on a full counter = (%d, %v)", n, err)
	}
	if r := e.Readiness(waiter.EventOut); r != 0 {
		t.Fatalf("readiness masked to POLLOUT = %#x", r)
	}
	// A bad buffer: EFAULT, and the value is gone as in Linux.
	if _, err := f.Read(c, badIO()); err != abi.EFAULT {
		t.Fatalf("read into a bad buffer = %v", err)
	}
	if e.Count() != 0 {
		t.Fatalf("count after a faulting read = %d", e.Count())
	}
}

// badIO is an 8-byte IO whose only segment lies below the first page.
func badIO() *usermem.IO {
	io, err := usermem.NewIOVec([]usermem.Seg{{Addr: 16, Len: 8}})
	if err != nil {
		panic(err)
	}
	return io
}

func TestBlockingReadAndWrite(t *testing.T) {
	f, _ := newFile(0, false, false)
	c := &ctx{blocked: make(chan struct{}, 1)}
	done := make(chan uint64)
	go func() {
		v, n, err := read(c, f, 8)
		if err != nil || n != 8 {
			t.Error(n, err)
		}
		done <- v
	}()
	<-c.blocked
	if _, err := write(&ctx{}, f, 42, 8); err != nil {
		t.Fatal(err)
	}
	if v := <-done; v != 42 {
		t.Fatalf("blocked read got %d, want 42", v)
	}

	if _, err := write(&ctx{}, f, math.MaxUint64-1, 8); err != nil {
		t.Fatal(err)
	}
	wdone := make(chan error)
	go func() {
		_, err := write(c, f, 10, 8)
		wdone <- err
	}()
	<-c.blocked
	if v, _, err := read(&ctx{}, f, 8); v != math.MaxUint64-1 || err != nil {
		t.Fatalf("read = (%d, %v)", v, err)
	}
	if err := <-wdone; err != nil {
		t.Fatalf("blocked write = %v", err)
	}
	if v, _, _ := read(&ctx{}, f, 8); v != 10 {
		t.Fatalf("after the blocked write count = %d, want 10", v)
	}
}
