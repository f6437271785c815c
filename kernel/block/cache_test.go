package block

import (
	"bytes"
	"runtime"
	"sync"
	"testing"

	"liblinux/abi"
	"liblinux/hostops/fake"
	"liblinux/kernel/mm"
)

func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i/PageSize)
	}
	return b
}

// plainDisk hides MemDisk's vectored reads.
type plainDisk struct{ m *MemDisk }

func (p plainDisk) Size() int64                       { return p.m.Size() }
func (p plainDisk) ReadAt(b []byte, off int64) error  { return p.m.ReadAt(b, off) }
func (p plainDisk) WriteAt(b []byte, off int64) error { return p.m.WriteAt(b, off) }
func (p plainDisk) Flush() error                      { return p.m.Flush() }

// readSeq reads [from, to) in 64 KiB pieces and checks it against want.
func readSeq(t *testing.T, d *Device, want []byte, from, to int64) {
	t.Helper()
	for off := from; off < to; off += 64 << 10 {
		var got []byte
		n, err := d.ReadFunc(off, 64<<10, func(b []byte) (int, error) {
			got = append(got, b...)
			return len(b), nil
		})
		if err != nil || n != 64<<10 || !bytes.Equal(got, want[off:off+64<<10]) {
			t.Fatalf("read at %d: %d %v", off, n, err)
		}
	}
}

func TestSequentialReadRequests(t *testing.T) {
	const size = 2048 * PageSize
	img := pattern(size)
	for _, vector := range []bool{true, false} {
		disk := NewMemDisk(img)
		var dk Disk = disk
		if !vector {
			dk = plainDisk{disk}
		}
		d := NewDevice("vda", 254<<8, dk, 0, size, mm.New(fake.New(), 64<<20), false)
		readSeq(t, d, img, 0, size)
		d.Close() // waits for readahead
		// Windows of 32, 64, 128, then 256 pages up to the end.
		if disk.Reads != 11 {
			t.Fatalf("vector %v: %d read requests, want 11", vector, disk.Reads)
		}
	}
}

// TestDropBehind reads 8 MiB sequentially with memory to spare: the
// stream's pages are reused once consumed, so the cache keeps the pages
// before the window reached its largest and one window.
func TestDropBehind(t *testing.T) {
	const size = 2048 * PageSize
	img := pattern(size)
	disk := NewMemDisk(img)
	mem := mm.New(fake.New(), 64<<20)
	d := NewDevice("vda", 254<<8, disk, 0, size, mem, false)
	readSeq(t, d, img, 0, size)
	// 32+64+128 pages kept, then one window of 256 reused.
	if got := mem.Used(); got != 480*PageSize {
		t.Fatalf("cache holds %d pages, want 480", got/PageSize)
	}
	// The pages before the stream's largest window are still cached.
	disk.Reads = 0
	readSeq(t, d, img, 0, 224*PageSize)
	if disk.Reads != 0 {
		t.Fatalf("re-reading the start: %d requests", disk.Reads)
	}
	d.Close()
}

func TestReadaheadStreams(t *testing.T) {
	const size = 2048 * PageSize
	img := pattern(size)
	disk := NewMemDisk(img)
	d := NewDevice("vda", 254<<8, disk, 0, size, mm.New(fake.New(), 64<<20), false)
	// Two sequential readers in turn each keep their own window.
	for k := int64(0); k < 1024*PageSize; k += 64 << 10 {
		readSeq(t, d, img, k, k+64<<10)
		readSeq(t, d, img, 1024*PageSize+k, 1024*PageSize+k+64<<10)
	}
	d.Close()
	// From page 0: 32, 64, 128, 256, 256, 256, then 32 up to the
	// other stream's pages. From page 1024: 16, 32, 64, 128, 256,
	// 256, 256, 16.
	if disk.Reads != 15 {
		t.Fatalf("%d read requests, want 15", disk.Reads)
	}
}

func TestWholePageWrites(t *testing.T) {
	const size = 64 * PageSize
	img := pattern(size)
	disk := NewMemDisk(img)
	d := NewDevice("vda", 254<<8, disk, 0, size, mm.New(fake.New(), 1<<20), false)
	data := bytes.Repeat([]byte("abcd"), 3*PageSize/4)
	if err := d.WriteAt(data, 4*PageSize); err != nil {
		t.Fatal(err)
	}
	if disk.Reads != 0 {
		t.Fatalf("whole-page writes read the disk %d times", disk.Reads)
	}
	// A partial page is read first.
	if err := d.WriteAt([]byte("xy"), 10*PageSize+5); err != nil {
		t.Fatal(err)
	}
	if disk.Reads != 1 {
		t.Fatalf("partial write: %d reads, want 1", disk.Reads)
	}
	if err := d.Sync(); err != nil {
		t.Fatal(err)
	}
	// Pages 4-6 in one request, page 10 in another.
	if disk.Writes != 2 || disk.Flushes != 1 {
		t.Fatalf("writes %d flushes %d, want 2 and 1", disk.Writes, disk.Flushes)
	}
	want := append([]byte(nil), img...)
	copy(want[4*PageSize:], data)
	copy(want[10*PageSize+5:], "xy")
	if !bytes.Equal(disk.Bytes(), want) {
		t.Fatal("disk contents differ")
	}
	// Sync with nothing dirty writes and flushes nothing.
	if err := d.Sync(); err != nil || disk.Writes != 2 || disk.Flushes != 1 {
		t.Fatalf("idle sync: %v, writes %d flushes %d", err, disk.Writes, disk.Flushes)
	}
	d.Close()
}

func TestWritebackRuns(t *testing.T) {
	const size = 600*PageSize + 1000 // a short last page
	img := pattern(size)
	disk := NewMemDisk(img)
	d := NewDevice("vda", 254<<8, disk, 0, size, mm.New(fake.New(), 8<<20), false)
	want := append([]byte(nil), img...)
	dirty := func(idx int64) {
		b := []byte{byte(idx), 0xee}
		if err := d.WriteAt(b, idx*PageSize+7); err != nil {
			t.Fatal(err)
		}
		copy(want[idx*PageSize+7:], b)
	}
	for _, idx := range []int64{9, 0, 1, 2, 5, 8, 7} {
		dirty(idx)
	}
	for idx := int64(20); idx < 320; idx++ { // 300 pages: two requests
		dirty(idx)
	}
	dirty(600)
	if err := d.Sync(); err != nil {
		t.Fatal(err)
	}
	// 0-2, 5, 7-9, 20-275, 276-319, 600.
	if disk.Writes != 6 {
		t.Fatalf("%d write requests, want 6", disk.Writes)
	}
	if !bytes.Equal(disk.Bytes(), want) {
		t.Fatal("disk contents differ")
	}
	d.Close()
}

// failDisk fails every read.
type failDisk struct{ *MemDisk }

func (failDisk) ReadAt(p []byte, off int64) error       { return abi.EIO }
func (failDisk) ReadVAt(bufs [][]byte, off int64) error { return abi.EIO }

func TestShortFill(t *testing.T) {
	const size = 8 * PageSize
	img := pattern(size)
	disk := NewMemDisk(img)
	d := NewDevice("vda", 254<<8, disk, 0, size, mm.New(fake.New(), 1<<20), false)
	// fn fills 1000 bytes of a whole page it was offered, then fails:
	// the page was not read, so the rest of the sector the fill ended
	// in is read from the disk; the 1000 bytes are written.
	n, err := d.WriteFunc(PageSize, PageSize, func(b []byte) (int, error) {
		copy(b, bytes.Repeat([]byte{'z'}, 1000))
		return 1000, abi.EFAULT
	})
	if n != 1000 || err != abi.EFAULT {
		t.Fatalf("short fill: %d %v", n, err)
	}
	if disk.Reads != 1 {
		t.Fatalf("short fill read the disk %d times, want 1", disk.Reads)
	}
	want := append([]byte(nil), img...)
	copy(want[PageSize:], bytes.Repeat([]byte{'z'}, 1000))
	got := make([]byte, size)
	if err := d.ReadAt(got, 0); err != nil || !bytes.Equal(got, want) {
		t.Fatalf("cache contents differ: %v", err)
	}
	if err := d.Sync(); err != nil || !bytes.Equal(disk.Bytes(), want) {
		t.Fatalf("disk contents differ: %v", err)
	}
	d.Close()

	// On a disk that cannot be read: a fill that ends inside the first
	// sector writes nothing, one that ends in a later sector writes up
	// to it, and reading the page is EIO.
	bad := failDisk{NewMemDisk(img)}
	d = NewDevice("vdb", 254<<8|16, bad, 0, size, mm.New(fake.New(), 1<<20), false)
	n, err = d.WriteFunc(PageSize, PageSize, func(b []byte) (int, error) { return 10, abi.EFAULT })
	if n != 0 || err != abi.EFAULT {
		t.Fatalf("short fill on a failing disk: %d %v", n, err)
	}
	n, err = d.WriteFunc(4*PageSize, PageSize, func(b []byte) (int, error) { return 1000, abi.EFAULT })
	if n != SectorSize || err != abi.EFAULT {
		t.Fatalf("short fill into the second sector on a failing disk: %d %v", n, err)
	}
	if err := d.ReadAt(got[:10], PageSize); err != abi.EIO {
		t.Fatalf("read after a failed fill: %v", err)
	}
	// Writing whole sectors needs no read: it works.
	if n, err := d.WriteFunc(0, PageSize, func(b []byte) (int, error) { return len(b), nil }); n != PageSize || err != nil {
		t.Fatalf("full fill on a failing disk: %d %v", n, err)
	}
	if n, err := d.WriteFunc(2*PageSize+SectorSize, 2*SectorSize, func(b []byte) (int, error) { return len(b), nil }); n != 2*SectorSize || err != nil {
		t.Fatalf("sector fill on a failing disk: %d %v", n, err)
	}
	// A part of a sector needs the rest of it.
	if n, err := d.WriteFunc(3*PageSize+1, 10, func(b []byte) (int, error) { return len(b), nil }); n != 0 || err != abi.EIO {
		t.Fatalf("part of a sector on a failing disk: %d %v", n, err)
	}
	// Writeback writes the known sectors only: page 0, sectors 1-2 of
	// page 2 and sector 0 of page 4.
	if err := d.Sync(); err != nil || bad.Writes != 3 {
		t.Fatalf("sync: %v, %d writes", err, bad.Writes)
	}
	d.Close()
}

// TestSectorWrites writes 1 KiB blocks into pages that are not cached,
// as a filesystem of 1 KiB blocks does: no read, and the disk gets
// exactly what was written.
func TestSectorWrites(t *testing.T) {
	const size = 16 * PageSize
	img := pattern(size)
	disk := NewMemDisk(img)
	d := NewDevice("vda", 254<<8, disk, 0, size, mm.New(fake.New(), 1<<20), false)
	want := append([]byte(nil), img...)
	for _, blk := range []int64{1, 2, 5, 9, 10, 11, 12, 13, 30, 63} {
		data := bytes.Repeat([]byte{byte(blk)}, 1024)
		if err := d.WriteAt(data, blk*1024); err != nil {
			t.Fatal(err)
		}
		copy(want[blk*1024:], data)
	}
	if disk.Reads != 0 {
		t.Fatalf("writing whole sectors read the disk %d times", disk.Reads)
	}
	if err := d.Sync(); err != nil {
		t.Fatal(err)
	}
	// Blocks 1-2, 5, 9-13, 30, 63: five stretches of known sectors.
	if disk.Writes != 5 {
		t.Fatalf("%d write requests, want 5", disk.Writes)
	}
	if !bytes.Equal(disk.Bytes(), want) {
		t.Fatal("disk contents differ")
	}
	// Reading completes the pages from the disk.
	got := make([]byte, size)
	if err := d.ReadAt(got, 0); err != nil || !bytes.Equal(got, want) {
		t.Fatalf("read back: %v", err)
	}
	d.Close()
}

func TestFresh(t *testing.T) {
	const size = 16 * PageSize
	img := pattern(size)
	disk := NewMemDisk(img)
	d := NewDevice("vda", 254<<8, disk, 0, size, mm.New(fake.New(), 1<<20), false)
	// Page 3 is cached already and keeps what it holds.
	if err := d.WriteAt([]byte("old"), 3*PageSize); err != nil {
		t.Fatal(err)
	}
	disk.Reads = 0
	// Sectors 1-7 of page 1 and pages 2 and 3 are covered; the start
	// of page 4 covers no whole sector.
	d.Fresh(PageSize+10, 3*PageSize)
	if disk.Reads != 0 {
		t.Fatalf("Fresh read the disk %d times", disk.Reads)
	}
	if err := d.WriteAt([]byte("new"), 2*PageSize+100); err != nil {
		t.Fatal(err)
	}
	if err := d.WriteAt([]byte("abc"), PageSize+600); err != nil {
		t.Fatal(err)
	}
	if disk.Reads != 0 {
		t.Fatalf("writes to fresh sectors read the disk %d times", disk.Reads)
	}
	if err := d.Sync(); err != nil {
		t.Fatal(err)
	}
	want := append([]byte(nil), img...)
	clear(want[PageSize+SectorSize : 3*PageSize])
	copy(want[2*PageSize+100:], "new")
	copy(want[PageSize+600:], "abc")
	copy(want[3*PageSize:], "old")
	if !bytes.Equal(disk.Bytes(), want) {
		t.Fatal("disk contents differ")
	}
	// A read-only device ignores the hint.
	ro := NewDevice("vdb", 254<<8|16, disk, 0, size, mm.New(fake.New(), 1<<20), true)
	ro.Fresh(0, size)
	got := make([]byte, PageSize)
	if err := ro.ReadAt(got, 5*PageSize); err != nil || !bytes.Equal(got, img[5*PageSize:6*PageSize]) {
		t.Fatalf("read-only device after Fresh: %v", err)
	}
	d.Close()
	ro.Close()
}

// TestConcurrentCache runs readers, writers (of the bytes the disk
// already holds), Sync and memory pressure together: every read must see
// the disk's pattern, whatever page it lands in and however the page
// entered the cache.
func TestConcurrentCache(t *testing.T) {
	const size = 512*PageSize + 512
	img := pattern(size)
	disk := NewMemDisk(img)
	mem := mm.New(fake.New(), 48*PageSize)
	d := NewDevice("vda", 254<<8, disk, 0, size, mem, false)
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	report := func(s string) {
		select {
		case errs <- s:
		default:
		}
	}
	for r := 0; r < 3; r++ {
		wg.Add(1)
		go func(r int) {
			defer wg.Done()
			buf := make([]byte, 3*PageSize+100)
			for k := 0; k < 200; k++ {
				off := int64((k*7919 + r*104729) % (size - len(buf)))
				if r == 0 {
					off = int64(k*(len(buf)-50)) % (size - int64(len(buf)))
				}
				if err := d.ReadAt(buf, off); err != nil && err != abi.ENOMEM {
					report("read: " + err.Error())
					return
				} else if err == nil && !bytes.Equal(buf, img[off:off+int64(len(buf))]) {
					report("read saw bytes the disk never held")
					return
				}
			}
		}(r)
	}
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for k := 0; k < 200; k++ {
				idx := int64((k*31 + w*17) % 512)
				off, n := idx*PageSize, PageSize*(1+k%3)
				switch k % 4 {
				case 1:
					off, n = off+123, 777 // part of a page, parts of sectors
				case 2:
					off, n = off+1024, 1536 // whole sectors of a page
				}
				if off+int64(n) > size {
					continue
				}
				if err := d.WriteAt(img[off:off+int64(n)], off); err != nil && err != abi.ENOMEM {
					report("write: " + err.Error())
					return
				}
				if k%25 == 0 {
					if err := d.Sync(); err != nil {
						report("sync: " + err.Error())
						return
					}
				}
			}
		}(w)
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		// Memory pressure: take pages (the device gives clean
		// ones back), then return them.
		for k := 0; k < 100; k++ {
			var held [][]byte
			for j := 0; j < 16; j++ {
				if p, err := mem.AllocPage(); err == nil {
					held = append(held, p)
				}
			}
			d.Shrink(8)
			for _, p := range held {
				mem.FreePage(p)
			}
		}
	}()
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatal(e)
	}
	if err := d.Sync(); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(disk.Bytes(), img) {
		t.Fatal("disk contents changed")
	}
	d.Close()
}

// TestWriteMoreThanMemory writes four times the kernel's memory through
// the cache: dirty pages are written back when no clean page is left.
func TestWriteMoreThanMemory(t *testing.T) {
	const size = 64 * PageSize
	img := pattern(size)
	disk := NewMemDisk(make([]byte, size))
	d := NewDevice("vda", 254<<8, disk, 0, size, mm.New(fake.New(), 16*PageSize), false)
	// Whole pages, then bytes across page boundaries.
	if err := d.WriteAt(img[:size/2], 0); err != nil {
		t.Fatal(err)
	}
	for off := int64(size / 2); off < size; off += 3000 {
		end := min(off+3000, size)
		if err := d.WriteAt(img[off:end], off); err != nil {
			t.Fatalf("write at %d: %v", off, err)
		}
	}
	if err := d.Sync(); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(disk.Bytes(), img) {
		t.Fatal("disk contents differ")
	}
	d.Close()
}

// badWrites fails every write.
type badWrites struct{ *MemDisk }

func (badWrites) WriteAt(p []byte, off int64) error { return abi.EIO }

func TestWritebackErrorReportedBySync(t *testing.T) {
	disk := badWrites{NewMemDisk(make([]byte, 8*PageSize))}
	d := NewDevice("vda", 254<<8, disk, 0, 8*PageSize, mm.New(fake.New(), 1<<20), false)
	if err := d.WriteAt([]byte("x"), 5); err != nil {
		t.Fatal(err)
	}
	if err := d.Writeback(); err != abi.EIO {
		t.Fatalf("Writeback: %v, want EIO", err)
	}
	if disk.Flushes != 0 {
		t.Fatalf("Writeback flushed the disk %d times", disk.Flushes)
	}
	// The error waits for the next Sync, once.
	if err := d.Sync(); err != abi.EIO {
		t.Fatalf("Sync after a failed writeback: %v, want EIO", err)
	}
	if err := d.Sync(); err != nil {
		t.Fatalf("second Sync: %v", err)
	}
	d.Close()
}

// slowWrites lets other threads run while a write is on its way.
type slowWrites struct{ *MemDisk }

func (s slowWrites) WriteAt(p []byte, off int64) error {
	b := append([]byte(nil), p...)
	for k := 0; k < 20; k++ {
		runtime.Gosched()
	}
	return s.MemDisk.WriteAt(b, off)
}

// TestConcurrentSyncs writes new versions of a page while other threads
// sync: after a last Sync the disk holds the last version, never an
// older one that a slower writeback carried.
func TestConcurrentSyncs(t *testing.T) {
	disk := slowWrites{NewMemDisk(make([]byte, 4*PageSize))}
	d := NewDevice("vda", 254<<8, disk, 0, 4*PageSize, mm.New(fake.New(), 1<<20), false)
	const versions = 250
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for s := 0; s < 2; s++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				if err := d.Sync(); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	for v := 1; v <= versions; v++ {
		b := bytes.Repeat([]byte{byte(v)}, PageSize)
		if err := d.WriteAt(b, PageSize); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	if err := d.Sync(); err != nil {
		t.Fatal(err)
	}
	if got := disk.Bytes()[PageSize : 2*PageSize]; !bytes.Equal(got, bytes.Repeat([]byte{byte(versions)}, PageSize)) {
		t.Fatalf("disk holds version %d, want %d", got[0], byte(versions))
	}
	d.Close()
}
