package mm

import (
	"sync"
	"testing"

	"liblinux/abi"
	"liblinux/hostops/fake"
)

func TestLimitAndReturn(t *testing.T) {
	h := fake.New()
	a := New(h, 1<<20)
	var pages [][]byte
	for {
		p, err := a.AllocPage()
		if err != nil {
			if err != abi.ENOMEM {
				t.Fatalf("err = %v, want ENOMEM", err)
			}
			break
		}
		if len(p) != PageSize {
			t.Fatalf("page of %d bytes", len(p))
		}
		p[0] = 1
		pages = append(pages, p)
	}
	if len(pages) != 256 {
		t.Fatalf("got %d pages within 1 MiB, want 256", len(pages))
	}
	if h.PagesInUse() > 1<<20 {
		t.Fatalf("host gave %d bytes, over the limit", h.PagesInUse())
	}
	a.FreePage(pages[0])
	p, err := a.AllocPage()
	if err != nil || p[0] != 0 {
		t.Fatalf("reused page: err %v, not zeroed: %v", err, p[0])
	}
	a.Close()
	if h.PagesInUse() != 0 {
		t.Fatalf("after Close the host still lends %d bytes", h.PagesInUse())
	}
}

// TestConcurrentExactLimit allocates from several goroutines until the
// allocator is out of memory: between them they get exactly the limit,
// and once everything is freed one goroutine can take it all again
// (pages cached by other CPUs are gathered).
func TestConcurrentExactLimit(t *testing.T) {
	h := fake.New()
	const limit = 2 << 20
	a := New(h, limit)
	var mu sync.Mutex
	var all [][]byte
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine [][]byte
			for i := 1; ; i++ {
				p, err := a.AllocPageNoZero()
				if err != nil {
					break
				}
				mine = append(mine, p)
				if i%3 == 0 {
					// Give one back now and then: it goes to this CPU's
					// cache, and someone takes it again.
					a.FreePage(mine[len(mine)-1])
					mine = mine[:len(mine)-1]
				}
			}
			mu.Lock()
			all = append(all, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	if len(all) != limit/PageSize {
		t.Fatalf("got %d pages, want %d", len(all), limit/PageSize)
	}
	if u := a.Used(); u != limit {
		t.Fatalf("Used() = %d, want %d", u, limit)
	}
	seen := map[*byte]bool{}
	for _, p := range all {
		if seen[&p[0]] {
			t.Fatal("one page handed out twice")
		}
		seen[&p[0]] = true
	}
	for i := range all {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a.FreePage(all[i])
		}()
	}
	wg.Wait()
	if u := a.Used(); u != 0 {
		t.Fatalf("Used() after freeing all = %d", u)
	}
	for i := range limit / PageSize {
		if _, err := a.AllocPage(); err != nil {
			t.Fatalf("page %d after freeing all: %v", i, err)
		}
	}
	if _, err := a.AllocPage(); err != abi.ENOMEM {
		t.Fatalf("past the limit: %v, want ENOMEM", err)
	}
	a.Close()
	if h.PagesInUse() != 0 {
		t.Fatalf("after Close the host still lends %d bytes", h.PagesInUse())
	}
	if _, err := a.AllocPage(); err != abi.ENOMEM {
		t.Fatalf("after Close: %v, want ENOMEM", err)
	}
}

func BenchmarkAllocFree(b *testing.B) {
	a := New(fake.New(), 64<<20)
	defer a.Close()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			p, err := a.AllocPageNoZero()
			if err != nil {
				b.Fatal(err)
			}
			a.FreePage(p)
		}
	})
}
