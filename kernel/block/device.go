package block

import (
	"container/list"
	"sync"

	"liblinux/abi"
	"liblinux/kernel/mm"
)

// PageSize is the unit of the buffer cache.
const PageSize = mm.PageSize

// readahead is how many pages a sequential miss reads at once.
const readahead = 32

// Device is a block device (a whole disk or a partition) with its buffer
// cache. Offsets are relative to the device's start.
type Device struct {
	Name string // "vda", "vda1"; immutable
	Dev  uint32 // device number (new_encode_dev form); immutable

	disk  Disk
	start int64 // byte offset of the device on the disk; immutable
	size  int64 // bytes; immutable
	mem   *mm.Allocator
	ro    bool // the host opened the disk read-only; immutable

	mu       sync.Mutex
	pages    map[int64]*page // protected by mu
	lru      list.List       // clean, unpinned pages, oldest first; protected by mu
	dirty    map[int64]*page // protected by mu
	lastMiss int64           // protected by mu
	ioErr    error           // first writeback error, reported by Sync; protected by mu
}

// page is one cached PageSize block of the device.
type page struct {
	idx     int64
	data    []byte        // from mm
	valid   int           // bytes that exist on the device (short at the end)
	ready   chan struct{} // closed when data is loaded
	err     error         // load error; set before ready is closed
	pins    int           // protected by Device.mu
	elem    *list.Element // in lru when clean and unpinned; protected by Device.mu
	isDirty bool          // protected by Device.mu
	mu      sync.Mutex    // serialises changes to data
}

// NewDevice makes a device over [start, start+size) of disk. Its clean
// cached pages are given back when the kernel runs out of memory.
func NewDevice(name string, dev uint32, disk Disk, start, size int64, mem *mm.Allocator, readOnly bool) *Device {
	d := &Device{Name: name, Dev: dev, disk: disk, start: start, size: size, mem: mem, ro: readOnly,
		pages: map[int64]*page{}, dirty: map[int64]*page{}, lastMiss: -2}
	mem.RegisterShrinker(d)
	return d
}

// Close drops the cache and stops taking part in memory reclaim. Dirty
// pages are lost: Sync first.
func (d *Device) Close() {
	d.mem.UnregisterShrinker(d)
	d.Drop()
}

// Shrink implements mm.Shrinker: it drops up to n clean, unused pages.
// It never waits for the device lock (the allocating thread may hold it).
func (d *Device) Shrink(n int) int {
	if !d.mu.TryLock() {
		return 0
	}
	defer d.mu.Unlock()
	freed := 0
	for freed < n {
		e := d.lru.Front()
		if e == nil {
			break
		}
		d.evictLocked(e.Value.(*page))
		freed++
	}
	return freed
}

// Size returns the device's size in bytes.
func (d *Device) Size() int64 { return d.size }

// ReadOnly reports whether the device refuses writes.
func (d *Device) ReadOnly() bool { return d.ro }

// get returns page idx pinned and loaded.
func (d *Device) get(idx int64) (*page, error) {
	d.mu.Lock()
	if p, ok := d.pages[idx]; ok {
		p.pins++
		if p.elem != nil {
			d.lru.Remove(p.elem)
			p.elem = nil
		}
		d.mu.Unlock()
		<-p.ready
		if p.err != nil {
			d.put(p)
			return nil, p.err
		}
		return p, nil
	}
	// A miss: load this page, and on a sequential pattern the next ones.
	n := int64(1)
	if idx == d.lastMiss+1 || idx == 0 {
		n = readahead
	}
	d.lastMiss = idx
	last := (d.size - 1) / PageSize
	var batch []*page
	for i := idx; i < idx+n && i <= last; i++ {
		if _, ok := d.pages[i]; ok {
			break
		}
		data, err := d.allocLocked()
		if err != nil {
			if i == idx {
				d.mu.Unlock()
				return nil, err
			}
			break
		}
		p := &page{idx: i, data: data, ready: make(chan struct{})}
		p.valid = int(min(PageSize, d.size-i*PageSize))
		d.pages[i] = p
		batch = append(batch, p)
	}
	batch[0].pins++
	for _, p := range batch[1:] {
		p.pins++ // held by the loader until ready
	}
	d.mu.Unlock()

	// I/O with no lock held: one host request for the whole run.
	total := 0
	for _, p := range batch {
		total += p.valid
	}
	var err error
	if len(batch) == 1 {
		err = d.diskRead(batch[0].data[:batch[0].valid], idx*PageSize)
	} else {
		buf := make([]byte, total)
		if err = d.diskRead(buf, idx*PageSize); err == nil {
			off := 0
			for _, p := range batch {
				copy(p.data, buf[off:off+p.valid])
				off += p.valid
			}
		}
	}
	for i, p := range batch {
		p.err = err
		close(p.ready)
		if i > 0 {
			d.put(p)
		}
	}
	if err != nil {
		d.mu.Lock()
		for _, p := range batch {
			if d.pages[p.idx] == p {
				delete(d.pages, p.idx)
			}
		}
		d.mu.Unlock()
		d.put(batch[0])
		return nil, err
	}
	return batch[0], nil
}

// allocLocked takes a page of memory, evicting clean cached pages when
// the kernel is out of memory. Preconditions: d.mu is held.
func (d *Device) allocLocked() ([]byte, error) {
	for {
		b, err := d.mem.AllocPage()
		if err == nil {
			return b, nil
		}
		e := d.lru.Front()
		if e == nil {
			return nil, abi.ENOMEM
		}
		d.evictLocked(e.Value.(*page))
	}
}

func (d *Device) evictLocked(p *page) {
	d.lru.Remove(p.elem)
	p.elem = nil
	delete(d.pages, p.idx)
	d.mem.FreePage(p.data)
	p.data = nil
}

// put unpins p.
func (d *Device) put(p *page) {
	d.mu.Lock()
	p.pins--
	if p.pins == 0 && !p.isDirty && d.pages[p.idx] == p && p.err == nil {
		p.elem = d.lru.PushBack(p)
	} else if p.pins == 0 && p.err != nil && p.data != nil && d.pages[p.idx] != p {
		d.mem.FreePage(p.data)
		p.data = nil
	}
	d.mu.Unlock()
}

func (d *Device) diskRead(p []byte, off int64) error {
	if err := d.disk.ReadAt(p, d.start+off); err != nil {
		return abi.EIO
	}
	return nil
}

// ReadAt copies len(p) bytes at off out of the cache. Reading past the end
// of the device is EIO for the missing part.
func (d *Device) ReadAt(p []byte, off int64) error {
	if off < 0 || off+int64(len(p)) > d.size {
		return abi.EIO
	}
	for len(p) > 0 {
		pg, err := d.get(off / PageSize)
		if err != nil {
			return err
		}
		po := int(off % PageSize)
		pg.mu.Lock()
		n := copy(p, pg.data[po:pg.valid])
		pg.mu.Unlock()
		d.put(pg)
		p = p[n:]
		off += int64(n)
	}
	return nil
}

// WriteAt copies p into the cache at off and marks the pages dirty; Sync
// writes them to the disk.
func (d *Device) WriteAt(p []byte, off int64) error {
	if d.ro {
		return abi.EROFS
	}
	if off < 0 || off+int64(len(p)) > d.size {
		return abi.EIO
	}
	for len(p) > 0 {
		pg, err := d.get(off / PageSize)
		if err != nil {
			return err
		}
		po := int(off % PageSize)
		pg.mu.Lock()
		n := copy(pg.data[po:pg.valid], p)
		pg.mu.Unlock()
		d.mu.Lock()
		if !pg.isDirty {
			pg.isDirty = true
			d.dirty[pg.idx] = pg
		}
		d.mu.Unlock()
		d.put(pg)
		p = p[n:]
		off += int64(n)
	}
	return nil
}

// Sync writes every dirty page to the disk, then flushes the disk.
func (d *Device) Sync() error {
	d.mu.Lock()
	var list []*page
	for _, p := range d.dirty {
		p.pins++
		list = append(list, p)
	}
	d.mu.Unlock()
	sortPages(list)
	var firstErr error
	for _, p := range list {
		p.mu.Lock()
		buf := append([]byte(nil), p.data[:p.valid]...)
		// Clear dirty before writing: a write that lands during the
		// I/O marks it dirty again.
		d.mu.Lock()
		p.isDirty = false
		delete(d.dirty, p.idx)
		d.mu.Unlock()
		p.mu.Unlock()
		if err := d.disk.WriteAt(buf, d.start+p.idx*PageSize); err != nil && firstErr == nil {
			firstErr = abi.EIO
		}
		d.put(p)
	}
	if len(list) > 0 {
		if err := d.disk.Flush(); err != nil && firstErr == nil {
			firstErr = abi.EIO
		}
	}
	d.mu.Lock()
	if firstErr == nil {
		firstErr, d.ioErr = d.ioErr, nil
	}
	d.mu.Unlock()
	return firstErr
}

// Drop empties the cache of clean pages (after unmount).
func (d *Device) Drop() {
	d.mu.Lock()
	defer d.mu.Unlock()
	for e := d.lru.Front(); e != nil; {
		next := e.Next()
		d.evictLocked(e.Value.(*page))
		e = next
	}
}

func sortPages(ps []*page) {
	// Insertion sort is enough for typical batches; large ones are rare.
	for i := 1; i < len(ps); i++ {
		for j := i; j > 0 && ps[j].idx < ps[j-1].idx; j-- {
			ps[j], ps[j-1] = ps[j-1], ps[j]
		}
	}
}
