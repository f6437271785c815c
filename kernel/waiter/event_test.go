package waiter

import (
	"sync"
	"sync/atomic"
	"testing"
)

// A firing before Wait is kept: Wait returns at once, and consumes it.
func TestEventFireBeforeWait(t *testing.T) {
	ev := NewEvent()
	ev.Fire()
	ev.Fire() // two firings before a wait are one wakeup
	ev.Wait()
	select {
	case <-ev.C():
		t.Fatal("a second firing was left after Wait")
	default:
	}
	if s := ev.state.Load(); s != idle {
		t.Fatalf("state after Wait = %d, want idle", s)
	}
}

// Wait sleeps until another goroutine fires: the waker's write before
// Fire is seen after Wait (the race detector checks the edge).
func TestEventWakesSleeper(t *testing.T) {
	ev := NewEvent()
	var data int
	done := make(chan struct{})
	go func() {
		ev.Wait()
		if data != 42 {
			t.Errorf("data = %d after the wakeup, want 42", data)
		}
		close(done)
	}()
	data = 42
	ev.Fire()
	<-done
}

// A waiter and a firer take turns many times: no wakeup is lost (a lost
// one hangs the test) and every round's write is seen.
func TestEventPingPong(t *testing.T) {
	ping, pong := NewEvent(), NewEvent()
	const rounds = 20000
	var n atomic.Int64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range rounds {
			ping.Wait()
			n.Add(1)
			pong.Fire()
		}
	}()
	for i := range rounds {
		ping.Fire()
		pong.Wait()
		if got := n.Load(); got != int64(i+1) {
			t.Fatalf("round %d: the other side counted %d", i, got)
		}
	}
	wg.Wait()
}

// An entry fires its event for the events in its mask only.
func TestEventEntry(t *testing.T) {
	var q Queue
	e, ev := NewEventEntry(EventIn)
	q.Register(e)
	q.Notify(EventOut)
	select {
	case <-ev.C():
		t.Fatal("fired for an event outside the mask")
	default:
	}
	q.Notify(EventIn)
	ev.Wait()
	q.Unregister(e)
	if !q.Empty() {
		t.Fatal("queue not empty after Unregister")
	}
}

// TryWait takes a firing without blocking, once.
func TestEventTryWait(t *testing.T) {
	ev := NewEvent()
	if ev.TryWait() {
		t.Fatal("TryWait before any firing")
	}
	ev.Fire()
	if !ev.TryWait() {
		t.Fatal("TryWait missed a firing")
	}
	if ev.TryWait() {
		t.Fatal("one firing taken twice")
	}
}
