package pipe

import (
	"runtime"
	"testing"

	"liblinux/abi"
	"liblinux/hostops/fake"
	"liblinux/kernel/mm"
	"liblinux/kernel/vfs"
	"liblinux/kernel/waiter"
)

// testCtx is a vfs.Context whose waits end when halt is closed.
type testCtx struct{ halt chan struct{} }

func (c *testCtx) Creds() *vfs.Creds { return vfs.RootCreds() }
func (c *testCtx) Now() vfs.Time     { return vfs.Time{} }
func (c *testCtx) Block(ev *waiter.Event, deadline int64) error {
	select {
	case <-ev.C():
		return nil
	case <-c.halt:
		return abi.EINTR
	}
}

func newTestPipe(t *testing.T) *Pipe {
	m := mm.New(fake.New(), 1<<20)
	t.Cleanup(m.Close)
	return New(m)
}

// openAsync runs OpenFIFO in a goroutine.
func openAsync(ctx vfs.Context, p *Pipe, flags uint32) <-chan error {
	ch := make(chan error, 1)
	go func() {
		_, err := OpenFIFO(ctx, p, flags, nil)
		ch <- err
	}()
	return ch
}

// waitCounts waits until the pipe has r readers and w writers attached.
func waitCounts(p *Pipe, r, w int) {
	for {
		if gr, gw := p.Counts(); gr == r && gw == w {
			return
		}
		runtime.Gosched()
	}
}

func TestOpenFIFORules(t *testing.T) {
	ctx := &testCtx{halt: make(chan struct{})}
	p := newTestPipe(t)
	if _, err := OpenFIFO(ctx, p, abi.O_WRONLY|abi.O_NONBLOCK, nil); err != abi.ENXIO {
		t.Fatalf("O_WRONLY|O_NONBLOCK alone: %v", err)
	}
	if r, w := p.Counts(); r != 0 || w != 0 {
		t.Fatalf("a refused open left ends: %d %d", r, w)
	}
	r, err := OpenFIFO(ctx, p, abi.O_RDONLY|abi.O_NONBLOCK, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Readiness(waiter.EventIn); got != 0 {
		t.Errorf("reader with no writer seen: %#x", got)
	}
	released := 0
	w, err := OpenFIFO(ctx, p, abi.O_WRONLY|abi.O_NONBLOCK, func() { released++ })
	if err != nil {
		t.Fatal(err)
	}
	w.Release()
	if released != 1 {
		t.Errorf("release hook ran %d times", released)
	}
	if got := r.Readiness(waiter.EventIn); got != waiter.EventHup {
		t.Errorf("reader after a writer left: %#x", got)
	}
	rw, err := OpenFIFO(ctx, p, abi.O_RDWR, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := rw.Readiness(waiter.EventIn | waiter.EventOut); got != waiter.EventOut {
		t.Errorf("O_RDWR readiness %#x", got)
	}
	r.Release()
	rw.Release()
	if _, err := OpenFIFO(ctx, p, abi.O_ACCMODE, nil); err != abi.EINVAL {
		t.Errorf("bad access mode: %v", err)
	}
}

func TestOpenFIFOWaits(t *testing.T) {
	ctx := &testCtx{halt: make(chan struct{})}
	p := newTestPipe(t)
	rd := openAsync(ctx, p, abi.O_RDONLY)
	waitCounts(p, 1, 0)
	select {
	case err := <-rd:
		t.Fatalf("O_RDONLY returned %v with no writer", err)
	default:
	}
	w, err := OpenFIFO(ctx, p, abi.O_WRONLY, nil) // a reader is there: no wait
	if err != nil {
		t.Fatal(err)
	}
	if err := <-rd; err != nil {
		t.Fatalf("O_RDONLY: %v", err)
	}
	w.Release()

	p2 := newTestPipe(t)
	wr := openAsync(ctx, p2, abi.O_WRONLY)
	waitCounts(p2, 0, 1)
	r, err := OpenFIFO(ctx, p2, abi.O_RDONLY|abi.O_NONBLOCK, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := <-wr; err != nil {
		t.Fatalf("O_WRONLY: %v", err)
	}
	r.Release()

	// An interrupted wait detaches its end.
	p3 := newTestPipe(t)
	wr = openAsync(ctx, p3, abi.O_WRONLY)
	waitCounts(p3, 0, 1)
	close(ctx.halt)
	if err := <-wr; err != abi.EINTR {
		t.Errorf("interrupted open: %v", err)
	}
	if r, w := p3.Counts(); r != 0 || w != 0 {
		t.Errorf("interrupted open left ends: %d %d", r, w)
	}
}

func TestReopenNeverWaits(t *testing.T) {
	ctx := &testCtx{halt: make(chan struct{})}
	p := newTestPipe(t)
	w := NewEnd(p, false, true)
	r := NewEnd(p, true, false)
	r.Release()
	// A write end with no reader, blocking: no wait, no ENXIO.
	w2, err := Reopen(p, abi.O_WRONLY|abi.O_NONBLOCK)
	if err != nil {
		t.Fatalf("reopen for writing: %v", err)
	}
	w.Release()
	w2.Release()
	// A read end with no writer: no wait, and hung up at once.
	r2, err := Reopen(p, abi.O_RDONLY)
	if err != nil {
		t.Fatalf("reopen for reading: %v", err)
	}
	if got := r2.Readiness(waiter.EventIn); got != waiter.EventHup {
		t.Errorf("reopened reader of a pipe without writers: %#x", got)
	}
	_ = ctx
}
