package timerfd

import (
	"encoding/binary"
	"sync"
	"testing"

	"liblinux/abi"
	"liblinux/hostops/fake"
	"liblinux/kernel/ktime"
	"liblinux/kernel/usermem"
	"liblinux/kernel/vfs"
	"liblinux/kernel/waiter"
)

const ms = int64(1e6)

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

var (
	keepMu sync.Mutex
	keep   [][]byte // buffers given to the kernel stay on the heap
)

func newClock(t *testing.T) (*fake.Host, *ktime.Clock) {
	h := fake.NewVirtual(1_000_000 * ms)
	c, err := ktime.New(h)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return h, c
}

func newFile(c *ktime.Clock, id int32, nonblock bool) (*vfs.File, *TimerFD) {
	tf := New(c, id)
	flags := uint32(abi.O_RDWR)
	if nonblock {
		flags |= abi.O_NONBLOCK
	}
	return vfs.NewFile(vfs.Path{}, tf, flags), tf
}

// read reads the expiration count.
func read(c vfs.Context, f *vfs.File) (uint64, error) {
	b := make([]byte, 8)
	keepMu.Lock()
	keep = append(keep, b)
	keepMu.Unlock()
	io, _ := usermem.NewIO(usermem.AddrOf(b), 8)
	n, err := f.Read(c, io)
	if err != nil {
		return 0, err
	}
	if n != 8 {
		panic("short read")
	}
	return binary.NativeEndian.Uint64(b), nil
}

func wantSpec(t *testing.T, name string, got, want Spec) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %+v, want %+v", name, got, want)
	}
}

func TestOneShot(t *testing.T) {
	h, c := newClock(t)
	f, tf := newFile(c, abi.CLOCK_MONOTONIC, true)
	defer f.DecRef()
	wantSpec(t, "disarmed", tf.Get(), Spec{})
	wantSpec(t, "first set's old value", tf.Set(Spec{Value: 100 * ms}, false, false), Spec{})
	h.Advance(40 * ms)
	wantSpec(t, "after 40ms", tf.Get(), Spec{Value: 60 * ms})
	if _, err := read(&ctx{}, f); err != abi.EAGAIN {
		t.Fatalf("read before expiry = %v, want EAGAIN", err)
	}
	if r := tf.Readiness(0xffff); r != 0 {
		t.Fatalf("readiness before expiry = %#x", r)
	}
	h.Advance(60 * ms)
	if r := tf.Readiness(0xffff); r != abi.POLLIN {
		t.Fatalf("readiness after expiry = %#x, want POLLIN", r)
	}
	if n, err := read(&ctx{}, f); n != 1 || err != nil {
		t.Fatalf("read = (%d, %v), want 1", n, err)
	}
	wantSpec(t, "expired one-shot", tf.Get(), Spec{})
	h.Advance(1000 * ms)
	if _, err := read(&ctx{}, f); err != abi.EAGAIN {
		t.Fatalf("one-shot fired again: %v", err)
	}
}

func TestPeriodicCountsMissedExpirations(t *testing.T) {
	h, c := newClock(t)
	f, tf := newFile(c, abi.CLOCK_MONOTONIC, true)
	defer f.DecRef()
	tf.Set(Spec{Value: 10 * ms, Interval: 10 * ms}, false, false)
	h.Advance(35 * ms)
	// Expirations at 10, 20 and 30 ms; the next is at 40.
	if n, err := read(&ctx{}, f); n != 3 || err != nil {
		t.Fatalf("read = (%d, %v), want 3", n, err)
	}
	wantSpec(t, "re-armed", tf.Get(), Spec{Value: 5 * ms, Interval: 10 * ms})
	h.Advance(5 * ms)
	h.Advance(12 * ms)
	// gettime brings the count up to date: 40 and 50 passed.
	wantSpec(t, "gettime after 52ms", tf.Get(), Spec{Value: 8 * ms, Interval: 10 * ms})
	if n, _ := read(&ctx{}, f); n != 2 {
		t.Fatalf("read after gettime = %d, want 2", n)
	}
	// settime reports the old timer's time to its next expiry.
	h.Advance(25 * ms)
	old := tf.Set(Spec{Value: 0, Interval: 7 * ms}, false, false)
	wantSpec(t, "old value of an expired periodic timer", old, Spec{Value: 3 * ms, Interval: 10 * ms})
	wantSpec(t, "disarmed with an interval", tf.Get(), Spec{Interval: 7 * ms})
	if _, err := read(&ctx{}, f); err != abi.EAGAIN {
		t.Fatalf("settime did not reset the count: %v", err)
	}
	if c.Pending() != 0 {
		t.Fatalf("a disarmed timer left %d kernel timers", c.Pending())
	}
}

func TestAbsoluteTimes(t *testing.T) {
	h, c := newClock(t)
	f, tf := newFile(c, abi.CLOCK_MONOTONIC, true)
	defer f.DecRef()
	// An absolute time already past expires at once.
	h.Advance(10 * ms)
	tf.Set(Spec{Value: 1}, true, false)
	if n, err := read(&ctx{}, f); n != 1 || err != nil {
		t.Fatalf("past absolute time: (%d, %v)", n, err)
	}
	now := c.Now()
	tf.Set(Spec{Value: now + 30*ms, Interval: 20 * ms}, true, false)
	wantSpec(t, "absolute", tf.Get(), Spec{Value: 30 * ms, Interval: 20 * ms})
	h.Advance(30 * ms)
	if n, _ := read(&ctx{}, f); n != 1 {
		t.Fatalf("read = %d, want 1", n)
	}
}

func TestRealtimeClockSet(t *testing.T) {
	h, c := newClock(t)
	f, tf := newFile(c, abi.CLOCK_REALTIME, true)
	defer f.DecRef()
	rt := c.Realtime()
	tf.Set(Spec{Value: rt + 100*ms}, true, true)
	// The clock jumps 30ms forward: the wake-up comes 30ms sooner, and
	// reads report ECANCELED once.
	c.SetRealtime(c.Realtime() + 30*ms)
	if r := tf.Readiness(0xffff); r != abi.POLLIN {
		t.Fatalf("readiness after clock set = %#x", r)
	}
	if _, err := read(&ctx{}, f); err != abi.ECANCELED {
		t.Fatalf("read after clock set = %v, want ECANCELED", err)
	}
	if _, err := read(&ctx{}, f); err != abi.EAGAIN {
		t.Fatalf("second read = %v, want EAGAIN", err)
	}
	wantSpec(t, "moved with the clock", tf.Get(), Spec{Value: 70 * ms})
	h.Advance(70 * ms)
	if n, err := read(&ctx{}, f); n != 1 || err != nil {
		t.Fatalf("read at the real time = (%d, %v)", n, err)
	}

	// Without CANCEL_ON_SET (or relative), setting the clock back only
	// delays the expiry.
	tf.Set(Spec{Value: 50 * ms}, false, true)
	c.SetRealtime(c.Realtime() - 20*ms)
	wantSpec(t, "clock set back", tf.Get(), Spec{Value: 70 * ms})
	if _, err := read(&ctx{}, f); err != abi.EAGAIN {
		t.Fatalf("relative timer canceled: %v", err)
	}
	h.Advance(50 * ms)
	if _, err := read(&ctx{}, f); err != abi.EAGAIN {
		t.Fatalf("fired on the monotonic deadline: %v", err)
	}
	h.Advance(20 * ms)
	if n, _ := read(&ctx{}, f); n != 1 {
		t.Fatalf("read = %d, want 1", n)
	}

	// A monotonic timer ignores the real-time clock.
	mf, mt := newFile(c, abi.CLOCK_MONOTONIC, true)
	defer mf.DecRef()
	mt.Set(Spec{Value: c.Now() + 10*ms}, true, true)
	c.SetRealtime(c.Realtime() + 1000*ms)
	wantSpec(t, "monotonic", mt.Get(), Spec{Value: 10 * ms})
}

func TestBlockingReadWakesOnExpiry(t *testing.T) {
	h, c := newClock(t)
	f, tf := newFile(c, abi.CLOCK_BOOTTIME, false)
	tf.Set(Spec{Value: 5 * ms, Interval: 5 * ms}, false, false)
	cx := &ctx{blocked: make(chan struct{}, 1)}
	done := make(chan uint64)
	go func() {
		n, err := read(cx, f)
		if err != nil {
			t.Error(err)
		}
		done <- n
	}()
	<-cx.blocked
	h.Advance(12 * ms)
	if n := <-done; n != 2 {
		t.Fatalf("blocked read = %d, want 2", n)
	}
	f.DecRef()
	if c.Pending() != 0 {
		t.Fatalf("release left %d kernel timers", c.Pending())
	}
	h.Advance(100 * ms)
}
