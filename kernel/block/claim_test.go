package block

import (
	"sync"
	"testing"

	"liblinux/abi"
	"liblinux/hostops/fake"
	"liblinux/kernel/mm"
)

// claimDisk makes a whole disk with two partitions.
func claimDisk() (whole, p1, p2 *Device) {
	disk := NewMemDisk(make([]byte, 8*PageSize))
	mem := mm.New(fake.New(), 1<<20)
	whole = NewDevice("vda", 254<<8, disk, 0, 8*PageSize, mem, false)
	p1 = NewDevice("vda1", 254<<8|1, disk, PageSize, 2*PageSize, mem, false)
	p2 = NewDevice("vda2", 254<<8|2, disk, 4*PageSize, 2*PageSize, mem, false)
	p1.SetWhole(whole)
	p2.SetWhole(whole)
	return whole, p1, p2
}

func TestClaimRules(t *testing.T) {
	whole, p1, p2 := claimDisk()
	a, b := new(int), new(int)
	if err := p1.Claim(a); err != nil {
		t.Fatalf("claim a free partition: %v", err)
	}
	if err := p1.Claim(b); err != abi.EBUSY {
		t.Fatalf("second holder of a partition: %v, want EBUSY", err)
	}
	if err := p1.Claim(a); err != nil {
		t.Fatalf("the same holder again: %v", err)
	}
	if err := whole.Claim(b); err != abi.EBUSY {
		t.Fatalf("whole disk under a held partition: %v, want EBUSY", err)
	}
	if h := whole.Holder(); h != nil {
		t.Fatalf("whole disk's holder: %v, want none of its own", h)
	}
	if err := p2.Claim(b); err != nil {
		t.Fatalf("the other partition: %v", err)
	}
	p2.Release(b)
	p1.Release(a)
	if err := whole.Claim(b); err != abi.EBUSY {
		t.Fatalf("whole disk with one claim of a partition left: %v, want EBUSY", err)
	}
	p1.Release(a)
	if p1.Holder() != nil {
		t.Fatal("partition still held after its last release")
	}
	if err := whole.Claim(b); err != nil {
		t.Fatalf("whole disk once free: %v", err)
	}
	if err := p1.Claim(a); err != abi.EBUSY {
		t.Fatalf("partition of a held disk: %v, want EBUSY", err)
	}
	whole.Reclaim(b, a)
	if whole.Holder() != a {
		t.Fatal("Reclaim did not pass the claim on")
	}
	whole.Release(b) // not the holder: no effect
	if whole.Holder() != a {
		t.Fatal("a release by another holder dropped the claim")
	}
	whole.Release(a)
	if whole.Holder() != nil {
		t.Fatal("whole disk still held")
	}
}

// TestClaimRace has many holders race for one partition and its disk:
// at any time at most one of them holds each.
func TestClaimRace(t *testing.T) {
	whole, p1, _ := claimDisk()
	var mu sync.Mutex
	held := map[*Device]int{}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d := p1
			if g%2 == 0 {
				d = whole
			}
			h := new(int)
			for range 2000 {
				if d.Claim(h) != nil {
					continue
				}
				mu.Lock()
				held[d]++
				bad := held[whole] > 0 && held[p1] > 0 || held[d] > 1
				mu.Unlock()
				if bad {
					t.Error("two holders at once")
				}
				mu.Lock()
				held[d]--
				mu.Unlock()
				d.Release(h)
			}
		}()
	}
	wg.Wait()
}

func TestRetire(t *testing.T) {
	whole, p1, p2 := claimDisk()
	h := new(int)
	if err := p2.Claim(h); err != nil {
		t.Fatal(err)
	}
	if err := Retire(whole, []*Device{p1, p2}); err != abi.EBUSY {
		t.Fatalf("retire with a held partition: %v, want EBUSY", err)
	}
	if p1.Holder() != nil || whole.Holder() != nil {
		t.Fatal("a failed retire left a claim")
	}
	p2.Release(h)
	if err := Retire(whole, []*Device{p1, p2}); err != nil {
		t.Fatalf("retire a free disk: %v", err)
	}
	if err := p1.Claim(h); err != abi.EBUSY {
		t.Fatalf("claim of a retired partition: %v, want EBUSY", err)
	}
	if err := whole.Claim(h); err != abi.EBUSY {
		t.Fatalf("claim of a retired disk: %v, want EBUSY", err)
	}
}

// TestClosedDeviceIO checks that a removed disk's device reaches the host
// no more: reads and syncs give EIO.
func TestClosedDeviceIO(t *testing.T) {
	whole, _, _ := claimDisk()
	buf := make([]byte, 512)
	if err := whole.WriteAt(buf, 0); err != nil {
		t.Fatal(err)
	}
	whole.Close()
	if err := whole.ReadAt(buf, 4*PageSize); err != abi.EIO {
		t.Fatalf("read after close: %v, want EIO", err)
	}
	if err := whole.Sync(); err != abi.EIO {
		t.Fatalf("sync of a dirty page after close: %v, want EIO", err)
	}
}
