package ktime

import (
	"testing"

	"liblinux/hostops/fake"
)

func TestOnSetRunsWhenRealtimeChanges(t *testing.T) {
	h := fake.NewVirtual(5_000)
	c, err := New(h)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	calls := 0
	remove := c.OnSet(func() { calls++ })
	c.SetRealtime(9_000)
	if calls != 1 || c.Realtime() != 9_000 {
		t.Fatalf("after a set: %d calls, realtime %d", calls, c.Realtime())
	}
	c.SetRealtime(9_000)
	if calls != 1 {
		t.Fatalf("setting the same time ran the hook: %d calls", calls)
	}
	remove()
	c.SetRealtime(1_000)
	if calls != 1 {
		t.Fatalf("removed hook ran: %d calls", calls)
	}
}
