package percpu

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
)

func TestSlotInRange(t *testing.T) {
	for range 1000 {
		if s := Slot(); s < 0 || s >= Slots {
			t.Fatalf("Slot() = %d, want [0, %d)", s, Slots)
		}
	}
}

func TestCounterSum(t *testing.T) {
	var c Counter
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 10000 {
				c.Add(int64(g))
				if i%2 == 0 {
					runtime.Gosched()
				}
				c.Add(-1)
			}
		}()
	}
	wg.Wait()
	// sum of g*10000 for g in 0..7, minus 8*10000
	if got, want := c.Sum(), int64(28*10000-80000); got != want {
		t.Fatalf("Sum() = %d, want %d", got, want)
	}
}

// TestLimitedExactLimit has goroutines take units until Take fails: they
// must get exactly limit units between them, however the spares lie.
func TestLimitedExactLimit(t *testing.T) {
	for _, limit := range []int64{1, 31, 32, 33, 100, 1000} {
		var l Limited
		var wg sync.WaitGroup
		got := make([]int64, 8)
		for g := range got {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for l.Take(limit) {
					got[g]++
					runtime.Gosched()
				}
			}()
		}
		wg.Wait()
		var sum int64
		for _, n := range got {
			sum += n
		}
		if sum != limit {
			t.Errorf("limit %d: took %d units", limit, sum)
		}
		if n := l.InUse(); n != limit {
			t.Errorf("limit %d: InUse() = %d", limit, n)
		}
		if l.Take(limit) {
			t.Errorf("limit %d: Take succeeded at the limit", limit)
		}
	}
}

// TestLimitedTakePut churns units from many goroutines and checks the
// count and that a full limit is still reachable afterwards.
func TestLimitedTakePut(t *testing.T) {
	const limit = 500
	var l Limited
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 5000 {
				if l.Take(limit) {
					if i%3 == 0 {
						runtime.Gosched()
					}
					l.Put()
				}
			}
		}()
	}
	wg.Wait()
	if n := l.InUse(); n != 0 {
		t.Fatalf("InUse() after churn = %d, want 0", n)
	}
	for i := range limit {
		if !l.Take(limit) {
			t.Fatalf("Take %d of %d failed", i+1, limit)
		}
	}
	if l.Take(limit) {
		t.Fatal("Take past the limit succeeded")
	}
	if n := l.InUse(); n != limit {
		t.Fatalf("InUse() = %d, want %d", n, limit)
	}
}

func TestLimitedUnlimitedAndDrain(t *testing.T) {
	var l Limited
	for range 100 {
		if !l.Take(0) {
			t.Fatal("Take with no limit failed")
		}
	}
	l.Put()
	if n := l.InUse(); n != 99 {
		t.Fatalf("InUse() = %d, want 99", n)
	}
	l.Drain()
	if n := l.total.n.Load(); n != 99 {
		t.Fatalf("total after Drain = %d, want 99", n)
	}
	if n := l.InUse(); n != 99 {
		t.Fatalf("InUse() after Drain = %d, want 99", n)
	}
}

func BenchmarkCounterAdd(b *testing.B) {
	var c Counter
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			c.Add(1)
		}
	})
}

func BenchmarkLimitedTakePut(b *testing.B) {
	var l Limited
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			l.Take(1 << 20)
			l.Put()
		}
	})
}

// TestRefSwitch takes and drops references from several goroutines while
// the count switches to atomic mode: exactly one Put sees zero, the last.
func TestRefSwitch(t *testing.T) {
	for round := range 50 {
		var r Ref
		r.Get() // the owner's base reference, dropped after the switch
		const workers, each = 4, 300
		var wg sync.WaitGroup
		var zeros atomic.Int32
		for range workers {
			r.Get()
		}
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range each {
					r.Get()
					if i%7 == round%7 {
						runtime.Gosched()
					}
					if r.Put() {
						zeros.Add(1)
					}
				}
				if r.Put() { // this worker's reference
					zeros.Add(1)
				}
			}()
		}
		if round%2 == 0 {
			runtime.Gosched()
		}
		if r.SwitchToAtomic() {
			zeros.Add(1)
		}
		if !r.Atomic() {
			t.Fatal("not atomic after the switch")
		}
		wg.Wait()
		if r.Put() { // the base reference
			zeros.Add(1)
		}
		if z := zeros.Load(); z != 1 {
			t.Fatalf("round %d: zero seen %d times, want once", round, z)
		}
		if n := r.Count(); n != 0 {
			t.Fatalf("round %d: Count() = %d", round, n)
		}
	}
}

func TestRefPerCPU(t *testing.T) {
	var r Ref
	for range 10 {
		r.Get()
	}
	for range 9 {
		if r.Put() {
			t.Fatal("Put reported zero in per-CPU mode")
		}
	}
	if n := r.Count(); n != 1 {
		t.Fatalf("Count() = %d, want 1", n)
	}
	if r.SwitchToAtomic() {
		t.Fatal("switch reported zero with a reference left")
	}
	if !r.Put() {
		t.Fatal("last Put in atomic mode did not report zero")
	}
	var z Ref
	if !z.SwitchToAtomic() {
		t.Fatal("switch of an unused Ref did not report zero")
	}
}

// TestRefTryGet checks TryGet in both modes, at zero, and a second switch
// of a count already in atomic mode (a superblock mounted again after a
// lazy unmount, then unmounted).
func TestRefTryGet(t *testing.T) {
	var r Ref
	r.Get()
	if r.TryGet() {
		t.Fatal("TryGet in per-CPU mode added a reference")
	}
	if r.SwitchToAtomic() {
		t.Fatal("switch reported zero with a reference left")
	}
	if !r.TryGet() {
		t.Fatal("TryGet with one reference failed")
	}
	if n := r.Count(); n != 2 {
		t.Fatalf("Count() = %d, want 2", n)
	}
	if r.Put() {
		t.Fatal("Put reported zero with a reference left")
	}
	if r.SwitchToAtomic() {
		t.Fatal("second switch reported zero with a reference left")
	}
	if !r.Put() {
		t.Fatal("last Put did not report zero")
	}
	if r.TryGet() {
		t.Fatal("TryGet at zero added a reference")
	}
	if !r.SwitchToAtomic() {
		t.Fatal("second switch at zero did not report zero")
	}
	if n := r.Count(); n != 0 {
		t.Fatalf("Count() = %d, want 0", n)
	}
}

// TestRefTryGetDuringSwitch races TryGet with the switch of a count whose
// last other reference goes at the same time: either TryGet wins (and the
// count is not zero until its reference goes) or the zero is seen, once.
func TestRefTryGetDuringSwitch(t *testing.T) {
	for round := range 200 {
		var r Ref
		r.Get()
		var zeros atomic.Int32
		var got atomic.Bool
		var wg sync.WaitGroup
		wg.Add(2)
		go func() {
			defer wg.Done()
			if r.SwitchToAtomic() {
				zeros.Add(1)
			}
		}()
		go func() {
			defer wg.Done()
			if round%3 == 0 {
				runtime.Gosched()
			}
			got.Store(r.TryGet())
		}()
		if r.Put() {
			zeros.Add(1)
		}
		wg.Wait()
		if got.Load() {
			if zeros.Load() != 0 {
				t.Fatalf("round %d: zero seen while TryGet's reference is held", round)
			}
			if !r.Put() {
				t.Fatalf("round %d: dropping TryGet's reference did not reach zero", round)
			}
		} else if zeros.Load() == 0 {
			t.Fatalf("round %d: no zero seen and no reference taken", round)
		}
		if n := r.Count(); n != 0 {
			t.Fatalf("round %d: Count() = %d", round, n)
		}
	}
}
