package ext4

import (
	"fmt"
	"os"
	"runtime"
	"testing"

	"liblinux/abi"
	"liblinux/kernel/usermem"
	"liblinux/kernel/vfs"
)

// Benchmarks of the data paths on an image in memory (block.MemDisk), for
// profiling with -cpuprofile: no host I/O, so the figures are the cost of
// ext4 and the block cache alone. They assert nothing about speed.

const benchFileSize = 64 << 20

// BenchmarkSeqRead reads a 64 MiB file made by mkfs.ext4 -d in 64 KiB
// reads, on a fresh mount each time (a cold cache).
func BenchmarkSeqRead(b *testing.B) {
	needTools(b)
	src := b.TempDir()
	big := make([]byte, benchFileSize)
	for i := range big {
		big[i] = byte(i * 7)
	}
	if err := os.WriteFile(src+"/big", big, 0o644); err != nil {
		b.Fatal(err)
	}
	img := mkfs(b, src, "96M")
	buf := userBuf(64 << 10)
	b.SetBytes(benchFileSize)
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		m := mustMount(b, img, abi.MS_RDONLY, "")
		f, err := m.mustLookup("big").Open(m.ctx, abi.O_RDONLY)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		for off := int64(0); off < benchFileSize; {
			io, _ := usermem.NewIO(usermem.AddrOf(buf), len(buf))
			n, err := f.Read(m.ctx, io, off)
			if err != nil || n == 0 {
				b.Fatalf("read at %d: %d %v", off, n, err)
			}
			off += int64(n)
		}
		b.StopTimer()
		f.Release()
		m.unmount()
		b.StartTimer()
	}
	runtime.KeepAlive(buf)
}

// BenchmarkSeqWrite writes a 64 MiB file in 64 KiB writes into an empty
// image and syncs it.
func BenchmarkSeqWrite(b *testing.B) {
	needTools(b)
	img := mkfs(b, "", "96M")
	buf := userBuf(64 << 10)
	b.SetBytes(benchFileSize)
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		m := mustMount(b, img, 0, "")
		_, f := m.create("big", 0o644)
		b.StartTimer()
		for off := int64(0); off < benchFileSize; {
			io, _ := usermem.NewIO(usermem.AddrOf(buf), len(buf))
			n, err := f.Write(m.ctx, io, off)
			if err != nil || n == 0 {
				b.Fatalf("write at %d: %d %v", off, n, err)
			}
			off += int64(n)
		}
		if err := m.fs.Sync(); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		f.Release()
		m.unmount()
		b.StartTimer()
	}
	runtime.KeepAlive(buf)
}

// BenchmarkSmallFiles creates 100 directories of 100 files of 100 to
// 8100 bytes each (what cptofs does with a tree of small files) and
// syncs.
func BenchmarkSmallFiles(b *testing.B) {
	needTools(b)
	img := mkfs(b, "", "256M")
	buf := userBuf(8192)
	for i := range buf {
		buf[i] = byte('a' + i%26)
	}
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		m := mustMount(b, img, 0, "")
		b.StartTimer()
		for d := 0; d < 100; d++ {
			dir, err := m.root.Mkdir(m.ctx, fmt.Sprintf("dir%03d", d), vfs.CreateOpts{Mode: abi.S_IFDIR | 0o755})
			if err != nil {
				b.Fatal(err)
			}
			for k := 0; k < 100; k++ {
				c, err := dir.Create(m.ctx, fmt.Sprintf("file%03d", k), vfs.CreateOpts{Mode: abi.S_IFREG | 0o644})
				if err != nil {
					b.Fatal(err)
				}
				f, err := c.Open(m.ctx, abi.O_WRONLY)
				if err != nil {
					b.Fatal(err)
				}
				size := 100 + (d*100+k)*397%8000
				io, _ := usermem.NewIO(usermem.AddrOf(buf), size)
				if n, err := f.Write(m.ctx, io, 0); err != nil || n != size {
					b.Fatalf("write: %d %v", n, err)
				}
				f.Release()
			}
		}
		if err := m.fs.Sync(); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		m.unmount()
		b.StartTimer()
	}
	runtime.KeepAlive(buf)
}
