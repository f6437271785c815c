package block

import (
	"bytes"
	"testing"

	"liblinux/abi"
	"liblinux/hostops/fake"
	"liblinux/kernel/mm"
)

func TestReadWriteFunc(t *testing.T) {
	img := make([]byte, 3*PageSize+1000)
	for i := range img {
		img[i] = byte(i * 7)
	}
	disk := NewMemDisk(img)
	mem := mm.New(fake.New(), 1<<20)
	d := NewDevice("vda", 254<<8, disk, 0, int64(len(img)), mem, false)
	// A read across three page boundaries arrives in four pieces.
	var got []byte
	pieces := 0
	n, err := d.ReadFunc(PageSize-100, 2*PageSize+200, func(b []byte) (int, error) {
		pieces++
		got = append(got, b...)
		return len(b), nil
	})
	if err != nil || n != 2*PageSize+200 || pieces != 4 || !bytes.Equal(got, img[PageSize-100:3*PageSize+100]) {
		t.Fatalf("ReadFunc: n %d pieces %d err %v", n, pieces, err)
	}
	// A short piece stops the walk.
	n, _ = d.ReadFunc(0, 2*PageSize, func(b []byte) (int, error) { return 10, nil })
	if n != 10 {
		t.Fatalf("short ReadFunc: %d", n)
	}
	// Writes land in the cache, then on the disk at Sync.
	data := bytes.Repeat([]byte("w"), PageSize+50)
	n, err = d.WriteFunc(2*PageSize-25, len(data), func(b []byte) (int, error) {
		return copy(b, data), nil
	})
	if err != nil || n != len(data) {
		t.Fatalf("WriteFunc: %d %v", n, err)
	}
	if err := d.Sync(); err != nil {
		t.Fatal(err)
	}
	if b := disk.Bytes(); !bytes.Equal(b[2*PageSize-25:3*PageSize+25], data) {
		t.Fatal("written data not on the disk")
	}
	if _, err := d.ReadFunc(int64(len(img))-10, 20, func(b []byte) (int, error) { return len(b), nil }); err != abi.EIO {
		t.Fatalf("read past the end: %v", err)
	}
	ro := NewDevice("vdb", 254<<8|16, disk, 0, int64(len(img)), mem, true)
	if _, err := ro.WriteFunc(0, 10, func(b []byte) (int, error) { return len(b), nil }); err != abi.EROFS {
		t.Fatalf("write to a read-only device: %v", err)
	}
	d.Close()
	ro.Close()
}
