package main

/*
#include <stdlib.h>
#include <sys/uio.h>
#include <lkl_host.h>

int liblinux_disk_used(int id);
int liblinux_disk_capacity(int id, unsigned long long *res);
int liblinux_disk_rw(int id, unsigned int type, unsigned long long sector, void *buf, unsigned long len);
int liblinux_disk_rwv(int id, unsigned int type, unsigned long long sector, struct iovec *iov, int n);
*/
import "C"

import (
	"runtime"
	"unsafe"

	"liblinux/abi"
	"liblinux/kernel"
)

// maxDisks matches the C table in disk.c.
const maxDisks = 256

// cDisk is a host disk: the struct lkl_disk and block ops a program gave
// lkl_disk_add. The block layer calls it with no kernel lock held.
type cDisk struct{ id C.int }

func (d cDisk) Size() int64 {
	var n C.ulonglong
	if C.liblinux_disk_capacity(d.id, &n) < 0 {
		return -1
	}
	return int64(n)
}

func (d cDisk) rw(typ C.uint, p []byte, off int64) error {
	var buf unsafe.Pointer
	if len(p) > 0 {
		buf = unsafe.Pointer(unsafe.SliceData(p))
	}
	if C.liblinux_disk_rw(d.id, typ, C.ulonglong(off/512), buf, C.ulong(len(p))) != C.LKL_DEV_BLK_STATUS_OK {
		return abi.EIO
	}
	return nil
}

// ReadVAt implements block.VectorReader: one request with a buffer per
// cache page, as virtio-blk hands LKL's host a request of several
// segments.
func (d cDisk) ReadVAt(bufs [][]byte, off int64) error {
	iov := make([]C.struct_iovec, len(bufs))
	var pin runtime.Pinner
	defer pin.Unpin()
	for i, b := range bufs {
		if len(b) == 0 {
			continue
		}
		p := unsafe.SliceData(b)
		pin.Pin(p) // the page cache's memory comes from the host: usually a no-op
		iov[i].iov_base = unsafe.Pointer(p)
		iov[i].iov_len = C.size_t(len(b))
	}
	if C.liblinux_disk_rwv(d.id, C.LKL_DEV_BLK_TYPE_READ, C.ulonglong(off/512), unsafe.SliceData(iov), C.int(len(iov))) != C.LKL_DEV_BLK_STATUS_OK {
		return abi.EIO
	}
	return nil
}

func (d cDisk) ReadAt(p []byte, off int64) error  { return d.rw(C.LKL_DEV_BLK_TYPE_READ, p, off) }
func (d cDisk) WriteAt(p []byte, off int64) error { return d.rw(C.LKL_DEV_BLK_TYPE_WRITE, p, off) }
func (d cDisk) Flush() error                      { return d.rw(C.LKL_DEV_BLK_TYPE_FLUSH, nil, 0) }

// addDisks registers every disk added before boot.
func addDisks(k *kernel.Kernel) error {
	for id := 0; id < maxDisks; id++ {
		if C.liblinux_disk_used(C.int(id)) != 0 {
			if _, err := k.AddDisk(id, cDisk{C.int(id)}, false); err != nil {
				return err
			}
		}
	}
	return nil
}

func errnoResult(err error) C.long {
	if err == nil {
		return 0
	}
	e, ok := abi.ErrnoOf(err)
	if !ok {
		e = abi.EIO
	}
	return -C.long(e)
}

//export liblinux_go_disk_add
func liblinux_go_disk_add(id C.int) (ret C.long) {
	defer guard(&ret)
	kernelMu.Lock()
	defer kernelMu.Unlock()
	if current == nil {
		return -C.long(abi.ENODEV)
	}
	_, err := current.AddDisk(int(id), cDisk{id}, false)
	return errnoResult(err)
}

//export liblinux_go_disk_remove
func liblinux_go_disk_remove(id C.long) (ret C.long) {
	defer guard(&ret)
	kernelMu.Lock()
	defer kernelMu.Unlock()
	if current == nil {
		return 0
	}
	return errnoResult(current.RemoveDisk(int(id)))
}
