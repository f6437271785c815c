package block

import (
	"bytes"
	"testing"

	"liblinux/hostops/fake"
	"liblinux/kernel/mm"
)

func TestCacheReadWriteSync(t *testing.T) {
	img := make([]byte, 1<<20+512) // not a whole number of pages
	for i := range img {
		img[i] = byte(i / 512)
	}
	disk := NewMemDisk(img)
	mem := mm.New(fake.New(), 64<<10) // 16 pages: forces eviction
	d := NewDevice("vda", 254<<8, disk, 0, int64(len(img)), mem, false)
	got := make([]byte, 3000)
	if err := d.ReadAt(got, 4000); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, img[4000:7000]) {
		t.Fatal("read mismatch")
	}
	all := make([]byte, len(img))
	if err := d.ReadAt(all, 0); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(all, img) {
		t.Fatal("full read mismatch")
	}
	if err := d.ReadAt(make([]byte, 1024), int64(len(img))-512); err == nil {
		t.Fatal("read past the end succeeded")
	}
	if err := d.WriteAt([]byte("hello"), 1<<20+10); err != nil {
		t.Fatal(err)
	}
	if disk.Writes != 0 {
		t.Fatal("write reached the disk before Sync")
	}
	if err := d.Sync(); err != nil {
		t.Fatal(err)
	}
	if disk.Writes != 1 || disk.Flushes != 1 {
		t.Fatalf("writes %d flushes %d, want 1 and 1", disk.Writes, disk.Flushes)
	}
	if b := disk.Bytes(); string(b[1<<20+10:1<<20+15]) != "hello" {
		t.Fatalf("disk has %q", b[1<<20+10:1<<20+15])
	}
	// Partition window.
	p := NewDevice("vda1", 254<<8|1, disk, 512, 4096, mem, false)
	if err := p.ReadAt(got[:512], 0); err != nil || !bytes.Equal(got[:512], img[512:1024]) {
		t.Fatalf("partition read: %v", err)
	}
	if err := p.ReadAt(got[:1], 4096); err == nil {
		t.Fatal("read past the partition succeeded")
	}
}
