package ktime

import (
	"testing"

	"liblinux/hostops/fake"
)

func TestTimersFireInOrderOnTheHostClock(t *testing.T) {
	h := fake.NewVirtual(1_000_000)
	c, err := New(h)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if got := c.Now(); got != 0 {
		t.Fatalf("Now at boot = %d, want 0", got)
	}
	if got := c.Realtime(); got != 1_000_000 {
		t.Fatalf("Realtime at boot = %d, want 1000000", got)
	}
	var fired []int
	c.AfterFunc(300, func() { fired = append(fired, 3) })
	c.AfterFunc(100, func() { fired = append(fired, 1) })
	t2 := c.AfterFunc(200, func() { fired = append(fired, 2) })
	if got := h.NextTimer(); got != 1_000_100 {
		t.Fatalf("host timer armed for %d, want 1000100", got)
	}
	if !c.Stop(t2) {
		t.Fatal("Stop of a pending timer = false")
	}
	h.Advance(150)
	if len(fired) != 1 || fired[0] != 1 {
		t.Fatalf("after 150ns fired %v, want [1]", fired)
	}
	if got := h.NextTimer(); got != 1_000_300 {
		t.Fatalf("re-armed for %d, want 1000300", got)
	}
	h.Advance(1000)
	if len(fired) != 2 || fired[1] != 3 {
		t.Fatalf("fired %v, want [1 3]", fired)
	}
	if c.Stop(t2) {
		t.Fatal("Stop of a stopped timer = true")
	}
	if c.Pending() != 0 {
		t.Fatalf("Pending = %d", c.Pending())
	}
}

func TestSleepAndCancel(t *testing.T) {
	h := fake.NewVirtual(0)
	c, _ := New(h)
	defer c.Close()
	done := make(chan bool)
	go func() { done <- c.Sleep(1000, nil) }()
	for h.NextTimer() < 0 {
	}
	h.Advance(999)
	select {
	case <-done:
		t.Fatal("woke before the deadline")
	default:
	}
	h.Advance(1)
	if !<-done {
		t.Fatal("Sleep = false at the deadline")
	}
	cancel := make(chan struct{})
	go func() { done <- c.Sleep(5000, cancel) }()
	close(cancel)
	if <-done {
		t.Fatal("cancelled Sleep = true")
	}
	if c.Pending() != 0 {
		t.Fatalf("cancelled sleep left %d timers", c.Pending())
	}
}
