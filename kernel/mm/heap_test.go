package mm

import (
	"runtime"
	"runtime/debug"
	"testing"
)

func TestFloorPercent(t *testing.T) {
	for _, c := range []struct {
		live, floor int64
		want        int
	}{
		{0, 128 << 20, 100},            // no collection yet: Go's default
		{64 << 20, 128 << 20, 100},     // the floor is already twice the live heap
		{100 << 20, 128 << 20, 100},    // above the floor: Go's default
		{32 << 20, 128 << 20, 300},     // 32 MiB may grow by 96 MiB
		{20 << 20, 128 << 20, 540},     // 20 MiB by 108 MiB
		{1 << 20, 128 << 20, 1000},     // capped
		{10 << 20, 0, 100},             // no kernel running
		{-1, 128 << 20, 100},           // a metric the runtime did not give
		{12 << 20, 128 << 20, 966},     // (128-12)*100/12, rounded down
		{128 << 20, HeapFloorMax, 100}, // twice is the default
	} {
		if got := floorPercent(c.live, c.floor); got != c.want {
			t.Errorf("floorPercent(%d, %d) = %d, want %d", c.live, c.floor, got, c.want)
		}
	}
}

// TestHeapFloor checks that a running kernel raises the GC percentage,
// that the policy looks again after every collection, and that halting
// the last kernel gives Go's default back.
func TestHeapFloor(t *testing.T) {
	saved := userGOGC
	userGOGC = false
	defer func() { userGOGC = saved }()
	runtime.GC() // the live heap is known from here on
	gcs := make(chan struct{}, 16)
	heap.mu.Lock()
	heap.onGC = func() {
		select {
		case gcs <- struct{}{}:
		default:
		}
	}
	heap.mu.Unlock()
	defer func() {
		heap.mu.Lock()
		heap.onGC = nil
		heap.mu.Unlock()
	}()

	release := HeapFloor(1 << 30) // mem=1G: a 128 MiB floor
	heap.mu.Lock()
	p, floor, armed := heap.percent, heap.floor, heap.armed
	heap.mu.Unlock()
	// The test binary's live heap is a few MiB at most: the cap.
	if p != maxPercent || floor != 128<<20 || !armed {
		t.Fatalf("after boot: percent %d floor %d armed %v, want %d %d true", p, floor, armed, maxPercent, 128<<20)
	}
	if old := debug.SetGCPercent(p); old != maxPercent {
		t.Fatalf("runtime GC percent %d, want %d", old, maxPercent)
	}
	runtime.GC()
	<-gcs // the cleanup ran after the collection and re-armed
	heap.mu.Lock()
	p, armed = heap.percent, heap.armed
	heap.mu.Unlock()
	if p != maxPercent || !armed {
		t.Fatalf("after a collection: percent %d armed %v", p, armed)
	}

	release()
	release() // a second call is harmless
	heap.mu.Lock()
	p, floor = heap.percent, heap.floor
	heap.mu.Unlock()
	if p != 100 || floor != 0 {
		t.Fatalf("after halt: percent %d floor %d, want 100 0", p, floor)
	}
	if old := debug.SetGCPercent(100); old != 100 {
		t.Fatalf("runtime GC percent %d after halt, want 100", old)
	}
}

// TestHeapFloorUserGOGC checks that a GOGC in the environment turns the
// policy off.
func TestHeapFloorUserGOGC(t *testing.T) {
	saved := userGOGC
	userGOGC = true
	defer func() { userGOGC = saved }()
	release := HeapFloor(1 << 30)
	defer release()
	heap.mu.Lock()
	floor := heap.floor
	heap.mu.Unlock()
	if floor != 0 {
		t.Fatalf("floor %d with GOGC set, want 0", floor)
	}
}
