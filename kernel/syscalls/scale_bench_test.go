package syscalls_test

import (
	"fmt"
	"runtime"
	"runtime/metrics"
	"sync"
	"syscall"
	"testing"
	"time"

	"liblinux/abi"
	"liblinux/kernel"
	"liblinux/kernel/syscalls"
)

// The scaling benchmarks measure what bench/fsbench.c's "2 threads / 1
// thread, separate dirs" row measures, in Go: each worker is a task of
// pid 1 on its own locked OS thread, creating, stating and unlinking
// files in its own directory. Calls go through the task's own Args, as
// the C entry does, so the harness allocates nothing per call.
//
// Run them with -cpu 2 (GOMAXPROCS is the number of workers that can
// really run at once) and, to find contention, with -mutexprofile,
// -blockprofile and -cpuprofile.

// scaleWorker is one task working in its own directory.
type scaleWorker struct {
	task  *kernel.Task
	paths []uintptr
	st    uintptr
}

// newScaleWorkers makes n workers with files files each, in /s0, /s1, ...
func newScaleWorkers(b *testing.B, e *env, n, files int) []*scaleWorker {
	ws := make([]*scaleWorker, n)
	for w := range ws {
		task, err := e.k.NewTask(int64(100 + w))
		if err != nil {
			b.Fatal(err)
		}
		dir := fmt.Sprintf("/s%d", w)
		if r := e.sys(abi.SYS_MKDIRAT, atFDCWD, e.str(dir), 0755); r != 0 {
			b.Fatalf("mkdir %s: %d", dir, r)
		}
		sw := &scaleWorker{task: task}
		for i := 0; i < files; i++ {
			sw.paths = append(sw.paths, e.str(fmt.Sprintf("%s/f%d", dir, i)))
		}
		_, sw.st = e.buf(abi.SizeofStat)
		ws[w] = sw
	}
	return ws
}

// call runs a system call on the worker's task the way capi does.
func (w *scaleWorker) call(nr uintptr, a0, a1, a2, a3 uintptr) int64 {
	w.task.Args = syscalls.Args{a0, a1, a2, a3}
	return syscalls.Dispatch(w.task, nr, &w.task.Args)
}

// run creates, stats and unlinks every file once; it returns the first
// failure.
func (w *scaleWorker) run() error {
	for _, p := range w.paths {
		fd := w.call(abi.SYS_OPENAT, atFDCWD, p, abi.O_CREAT|abi.O_WRONLY, 0600)
		if fd < 0 {
			return fmt.Errorf("create: %d", fd)
		}
		if r := w.call(abi.SYS_CLOSE, uintptr(fd), 0, 0, 0); r != 0 {
			return fmt.Errorf("close: %d", r)
		}
	}
	for _, p := range w.paths {
		if r := w.call(abi.SYS_NEWFSTATAT, atFDCWD, p, w.st, 0); r != 0 {
			return fmt.Errorf("stat: %d", r)
		}
	}
	for _, p := range w.paths {
		if r := w.call(abi.SYS_UNLINKAT, atFDCWD, p, 0, 0); r != 0 {
			return fmt.Errorf("unlink: %d", r)
		}
	}
	return nil
}

// runAll runs ws at once, each on its own OS thread, and returns the
// wall time.
func runAll(b *testing.B, ws []*scaleWorker) time.Duration {
	errs := make([]error, len(ws))
	var wg sync.WaitGroup
	start := time.Now()
	for i, w := range ws {
		wg.Add(1)
		go func() {
			defer wg.Done()
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			errs[i] = w.run()
		}()
	}
	wg.Wait()
	d := time.Since(start)
	for _, err := range errs {
		if err != nil {
			b.Fatal(err)
		}
	}
	return d
}

// BenchmarkScaleDirs runs the workload with 1 and with 2 workers; the
// ns/op-each metrics of the two give the scaling (equal means 2x).
func BenchmarkScaleDirs(b *testing.B) {
	for _, threads := range []int{1, 2} {
		b.Run(fmt.Sprint(threads), func(b *testing.B) {
			e := benchEnv(b, "mem=256M")
			const files = 5000
			ws := newScaleWorkers(b, e, threads, files)
			runAll(b, ws) // warm up: maps and caches at their working size
			b.ReportAllocs()
			b.ResetTimer()
			for it := 0; it < b.N; it++ {
				runAll(b, ws)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*files*3*threads), "ns/op-each")
			runtime.KeepAlive(e) // the paths are addresses of its buffers
		})
	}
}

// spin is CPU work that shares nothing, the machine's own scaling.
func spin(n int) uint64 {
	x := uint64(1)
	for i := 0; i < n; i++ {
		x = x*6364136223846793005 + 1442695040888963407
	}
	return x
}

var spinSink uint64

// spinTime runs spin(n) on threads goroutines at once.
func spinTime(threads, n int) time.Duration {
	var wg sync.WaitGroup
	var mu sync.Mutex
	start := time.Now()
	for range threads {
		wg.Add(1)
		go func() {
			defer wg.Done()
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			x := spin(n)
			mu.Lock()
			spinSink += x
			mu.Unlock()
		}()
	}
	wg.Wait()
	return time.Since(start)
}

// processCPU returns the CPU time the process has used, user and system.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// gcCPU returns the CPU time the garbage collector has used.
func gcCPU() time.Duration {
	s := []metrics.Sample{{Name: "/cpu/classes/gc/total:cpu-seconds"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindFloat64 {
		return 0
	}
	return time.Duration(s[0].Value.Float64() * 1e9)
}

// BenchmarkScaleRatio alternates one-worker and two-worker rounds in one
// kernel and reports the speedup as fsbench does (2 * t1 / t2) as
// "x-speedup", next to "x-cpu": the same ratio for CPU work that shares
// nothing, measured in the same rounds, which is what the (possibly
// shared) machine can give at best. "cpu-ns/op-1" and "cpu-ns/op-2" are
// the process's CPU time per system call (garbage collection included)
// with one and two workers: their ratio, "x-cpu-eff", is 1 when running
// in parallel costs nothing extra (no contended cache lines, no extra
// collector work), whatever else runs on the machine. "gc-%" is the
// collector's share of that CPU time (an estimate the runtime makes).
func BenchmarkScaleRatio(b *testing.B) {
	if runtime.GOMAXPROCS(0) < 2 {
		b.Skip("needs GOMAXPROCS >= 2")
	}
	e := benchEnv(b, "mem=256M")
	const files = 5000
	ws := newScaleWorkers(b, e, 2, files)
	runAll(b, ws)
	spinN := 20_000_000
	var t1, t2, c1, c2, u1, u2, gc time.Duration
	b.ResetTimer()
	for it := 0; it < b.N; it++ {
		u, g := processCPU(b), gcCPU()
		t1 += runAll(b, ws[:1])
		v := processCPU(b)
		t2 += runAll(b, ws)
		u1 += v - u
		u2 += processCPU(b) - v
		gc += gcCPU() - g
		c1 += spinTime(1, spinN)
		c2 += spinTime(2, spinN)
	}
	ops := float64(b.N * files * 3)
	b.ReportMetric(2*t1.Seconds()/t2.Seconds(), "x-speedup")
	b.ReportMetric(2*c1.Seconds()/c2.Seconds(), "x-cpu")
	b.ReportMetric(float64(t1.Nanoseconds())/ops, "ns/op-1")
	b.ReportMetric(float64(u1.Nanoseconds())/ops, "cpu-ns/op-1")
	b.ReportMetric(float64(u2.Nanoseconds())/(2*ops), "cpu-ns/op-2")
	b.ReportMetric(2*u1.Seconds()/u2.Seconds(), "x-cpu-eff")
	b.ReportMetric(100*gc.Seconds()/(u1+u2).Seconds(), "gc-%")
	runtime.KeepAlive(e)
}
