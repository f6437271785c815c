package syscalls_test

import (
	"fmt"
	"runtime"
	"sync"
	"testing"

	"liblinux/abi"
	"liblinux/hostops/fake"
	"liblinux/kernel"
	"liblinux/kernel/boot"
)

// benchEnv boots a kernel for a benchmark (env's str, buf and sys work;
// its checks need a *testing.T and are not used).
func benchEnv(b *testing.B, cmdline string) *env {
	h := fake.New()
	k, err := boot.Start(h, cmdline)
	if err != nil {
		b.Fatalf("boot: %v", err)
	}
	task, err := k.NewTask(1)
	if err != nil {
		b.Fatalf("NewTask: %v", err)
	}
	b.Cleanup(k.Halt)
	return &env{host: h, k: k, task: task}
}

// BenchmarkSeqWrite writes 256 MiB in 64 KiB calls to a root tmpfs file.
func BenchmarkSeqWrite(b *testing.B) {
	e := benchEnv(b, "mem=1G")
	buf, p := e.buf(64 << 10)
	for i := range buf {
		buf[i] = 'x'
	}
	b.SetBytes(256 << 20)
	for i := 0; i < b.N; i++ {
		fd := e.sys(abi.SYS_OPENAT, atFDCWD, e.str("/seq"), abi.O_CREAT|abi.O_TRUNC|abi.O_RDWR, 0600)
		for done := 0; done < 256<<20; done += 64 << 10 {
			if n := e.sys(abi.SYS_WRITE, uintptr(fd), p, 64<<10); n != 64<<10 {
				b.Fatalf("write: %d", n)
			}
		}
		e.sys(abi.SYS_CLOSE, uintptr(fd))
		e.sys(abi.SYS_UNLINKAT, atFDCWD, e.str("/seq"), 0)
	}
}

// BenchmarkSeqRead reads a 256 MiB file in 64 KiB calls.
func BenchmarkSeqRead(b *testing.B) {
	e := benchEnv(b, "mem=1G")
	_, p := e.buf(64 << 10)
	fd := e.sys(abi.SYS_OPENAT, atFDCWD, e.str("/seq"), abi.O_CREAT|abi.O_TRUNC|abi.O_RDWR, 0600)
	for done := 0; done < 256<<20; done += 64 << 10 {
		e.sys(abi.SYS_WRITE, uintptr(fd), p, 64<<10)
	}
	b.SetBytes(256 << 20)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e.sys(abi.SYS_LSEEK, uintptr(fd), 0, abi.SEEK_SET)
		for done := 0; done < 256<<20; done += 64 << 10 {
			if n := e.sys(abi.SYS_READ, uintptr(fd), p, 64<<10); n != 64<<10 {
				b.Fatalf("read: %d", n)
			}
		}
	}
}

// BenchmarkCreateStatUnlink creates, stats and unlinks 10,000 files.
func BenchmarkCreateStatUnlink(b *testing.B) {
	e := benchEnv(b, "mem=256M")
	e.sys(abi.SYS_MKDIRAT, atFDCWD, e.str("/b"), 0755)
	const n = 10000
	paths := make([]uintptr, n)
	for i := range paths {
		paths[i] = e.str(fmt.Sprintf("/b/f%d", i))
	}
	_, st := e.buf(abi.SizeofStat)
	b.ResetTimer()
	for it := 0; it < b.N; it++ {
		for _, p := range paths {
			fd := e.sys(abi.SYS_OPENAT, atFDCWD, p, abi.O_CREAT|abi.O_WRONLY, 0600)
			e.sys(abi.SYS_CLOSE, uintptr(fd))
		}
		for _, p := range paths {
			if r := e.sys(abi.SYS_NEWFSTATAT, atFDCWD, p, st, 0); r != 0 {
				b.Fatalf("stat: %d", r)
			}
		}
		for _, p := range paths {
			e.sys(abi.SYS_UNLINKAT, atFDCWD, p, 0)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n*3), "ns/op-each")
	runtime.KeepAlive(e) // the paths are addresses of its buffers
}

// BenchmarkParallelDirs runs create+stat+unlink in two directories from
// two tasks at once.
func BenchmarkParallelDirs(b *testing.B) {
	for _, threads := range []int{1, 2} {
		b.Run(fmt.Sprint(threads), func(b *testing.B) {
			e := benchEnv(b, "mem=256M")
			const n = 5000
			type work struct {
				task  *kernel.Task
				paths []uintptr
				st    uintptr
			}
			ws := make([]work, threads)
			for w := range ws {
				task, err := e.k.NewTask(int64(100 + w))
				if err != nil {
					b.Fatal(err)
				}
				dir := fmt.Sprintf("/p%d", w)
				e.sys(abi.SYS_MKDIRAT, atFDCWD, e.str(dir), 0755)
				ws[w].task = task
				for i := 0; i < n; i++ {
					ws[w].paths = append(ws[w].paths, e.str(fmt.Sprintf("%s/f%d", dir, i)))
				}
				_, ws[w].st = e.buf(abi.SizeofStat)
			}
			b.ResetTimer()
			for it := 0; it < b.N; it++ {
				var wg sync.WaitGroup
				for w := range ws {
					wg.Add(1)
					go func(w work) {
						defer wg.Done()
						runtime.LockOSThread()
						defer runtime.UnlockOSThread()
						for _, p := range w.paths {
							fd := callOn(w.task, abi.SYS_OPENAT, [6]uintptr{atFDCWD, p, abi.O_CREAT | abi.O_WRONLY, 0600})
							callOn(w.task, abi.SYS_CLOSE, [6]uintptr{uintptr(fd)})
						}
						for _, p := range w.paths {
							callOn(w.task, abi.SYS_NEWFSTATAT, [6]uintptr{atFDCWD, p, w.st})
						}
						for _, p := range w.paths {
							callOn(w.task, abi.SYS_UNLINKAT, [6]uintptr{atFDCWD, p})
						}
					}(ws[w])
				}
				wg.Wait()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n*3*threads), "ns/op-each")
			runtime.KeepAlive(e) // the paths are addresses of its buffers
		})
	}
}
