package mm

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// The Go heap holds the kernel's own objects: inodes, dentries, open
// files (what Linux keeps in its slab caches). Linux reclaims
// those only under memory pressure; Go's collector, left at its default
// (GOGC=100), runs whenever the heap doubles, so a kernel whose objects
// fill a few MiB collects every few MiB of allocation. With two threads
// busy, each collection takes a core from them (create+stat+unlink in
// two threads spent a tenth of its time in the collector).
//
// So the heap may grow to a floor before the collector runs: an eighth of
// the memory each running kernel was given (mem=), at most HeapFloorMax
// in all. Above the floor the collector runs as Go's default does. The
// policy sets the runtime's GC percentage after each collection from the
// heap that survived it; a GOGC set in the environment turns it off, as
// the user has chosen.

// HeapFloorMax bounds the floor, whatever the kernels' memory: it is what
// the policy can add to the host process's footprint.
const HeapFloorMax = 256 << 20

// maxPercent bounds the GC percentage the floor asks for: between a
// collection and the policy's next look at the heap, the heap may grow
// at most this much over the live data.
const maxPercent = 1000

// heap is the floor's state; one per process, as the Go runtime is.
var heap struct {
	mu      sync.Mutex
	floor   int64 // bytes; sum of the running kernels' shares
	percent int   // what the policy last set
	armed   bool  // a sentinel is waiting for the next collection
	sample  []metrics.Sample
	onGC    func() // tests: called by afterGC, under mu
}

// userGOGC is true when the environment sets GOGC: the policy stays off.
var userGOGC = os.Getenv("GOGC") != ""

// HeapFloor adds a booting kernel's share to the heap floor, an eighth of
// its memory mem, and returns the function that takes it away again (at
// halt).
func HeapFloor(mem int64) (release func()) {
	share := mem / 8
	addFloor(share)
	var once sync.Once
	return func() { once.Do(func() { addFloor(-share) }) }
}

func addFloor(d int64) {
	if userGOGC {
		return
	}
	heap.mu.Lock()
	defer heap.mu.Unlock()
	heap.floor += d
	retuneLocked()
	if !heap.armed && heap.floor > 0 {
		armLocked()
	}
}

// sentinel is an object nothing refers to: its cleanup runs after the
// collection that finds it, which is when the live heap is known. It is
// big enough not to share a tiny-allocator block with other objects.
type sentinel struct{ _ [4]uint64 }

func armLocked() {
	heap.armed = true
	runtime.AddCleanup(new(sentinel), func(struct{}) { afterGC() }, struct{}{})
}

// afterGC retunes for the heap that survived the collection and waits
// for the next one while any kernel runs.
func afterGC() {
	heap.mu.Lock()
	defer heap.mu.Unlock()
	heap.armed = false
	retuneLocked()
	if heap.floor > 0 {
		armLocked()
	}
	if heap.onGC != nil {
		heap.onGC()
	}
}

func retuneLocked() {
	if heap.sample == nil {
		heap.sample = []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	}
	metrics.Read(heap.sample)
	live := int64(0)
	if heap.sample[0].Value.Kind() == metrics.KindUint64 {
		live = int64(heap.sample[0].Value.Uint64())
	}
	p := floorPercent(live, min(heap.floor, HeapFloorMax))
	if p != heap.percent {
		heap.percent = p
		debug.SetGCPercent(p)
	}
}

// floorPercent is the GC percentage that lets a heap of live bytes grow
// to floor before the next collection: never below Go's default 100, at
// most maxPercent.
func floorPercent(live, floor int64) int {
	if live <= 0 || floor <= 2*live {
		return 100
	}
	return int(min((floor-live)*100/live, maxPercent))
}
