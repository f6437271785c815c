package block

import (
	"sync"

	"liblinux/abi"
	"liblinux/kernel/mm"
)

// PageSize is the unit of the buffer cache.
const PageSize = mm.PageSize

// pageSlab is how many page structures are allocated at a time.
const pageSlab = 64

// maxIOPages is the most one host request carries, in pages (1 MiB):
// readahead windows and writeback runs are cut at this size.
const maxIOPages = 256

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

	// wbMu serialises writebacks, so that a page written again while
	// its old contents are on the way to the disk is not overtaken by
	// them. It is held across the host's writes, and taken by nothing
	// else.
	wbMu sync.Mutex

	mu    sync.Mutex
	pages pageIndex // protected by mu
	lru   pageList  // clean, unpinned pages, to evict first at the front; protected by mu
	dirty []*page   // the pages with isDirty set, in no order; protected by mu
	ra    readahead // protected by mu
	spare []page    // page structures to hand out; protected by mu
	ioErr error     // first writeback error, reported by Sync; protected by mu

	claims claims // exclusive holders (claim.go)

	// ioMu is held for reading across each host request and for writing
	// by Close, which sets gone: once the disk is removed no request
	// reaches the host (its slot may already serve another disk).
	ioMu sync.RWMutex
	gone bool // protected by ioMu
}

// page is one cached PageSize block of the device.
type page struct {
	idx     int64
	data    []byte  // from mm
	valid   int     // bytes that exist on the device (short at the end)
	have    uint8   // sectors known (see sectors.go); protected by mu
	io      *pageIO // the read that fills data; set before the page is published
	pins    int     // protected by Device.mu
	prev    *page   // lru links; protected by Device.mu
	next    *page   // protected by Device.mu
	cached  bool    // in Device.pages; protected by Device.mu
	onLRU   bool    // protected by Device.mu
	isDirty bool    // protected by Device.mu
	stream  bool    // read ahead for a long sequential stream; protected by Device.mu
	used    bool    // stream and consumed (drop-behind); protected by Device.mu
	mu      sync.Mutex
}

// pageIO is one host read filling a run of pages: their users wait for
// done, then look at err.
type pageIO struct {
	done chan struct{}
	err  error // set before done is closed
}

// NewDevice makes a device over [start, start+size) of disk. Its clean
// cached pages are given back when the kernel runs out of memory.
func NewDevice(name string, dev uint32, disk Disk, start, size int64, mem *mm.Allocator, readOnly bool) *Device {
	d := &Device{Name: name, Dev: dev, disk: disk, start: start, size: size, mem: mem, ro: readOnly}
	mem.RegisterShrinker(d)
	return d
}

// Close drops the cache and stops taking part in memory reclaim. Dirty
// pages are lost: Sync first. It waits for host requests in flight; later
// I/O fails with EIO.
func (d *Device) Close() {
	d.ioMu.Lock()
	d.gone = true
	d.ioMu.Unlock()
	d.mem.UnregisterShrinker(d)
	d.Drop()
}

// hostReady takes d.ioMu for reading for one host request: EIO (and no
// lock) once the disk is gone. The caller unlocks d.ioMu after the request.
func (d *Device) hostReady() error {
	d.ioMu.RLock()
	if d.gone {
		d.ioMu.RUnlock()
		return abi.EIO
	}
	return nil
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
		p := d.lru.head
		if p == nil {
			break
		}
		d.evictLocked(p)
		d.mem.FreePage(p.data)
		p.data = nil
		freed++
	}
	return freed
}

// Size returns the device's size in bytes.
func (d *Device) Size() int64 { return d.size }

// ReadOnly reports whether the device refuses writes.
func (d *Device) ReadOnly() bool { return d.ro }

// validOf returns how many bytes of page idx exist on the device.
func (d *Device) validOf(idx int64) int { return int(min(PageSize, d.size-idx*PageSize)) }

// pinLocked takes a reference on a cached page. Preconditions: d.mu is held.
func (d *Device) pinLocked(p *page) {
	p.pins++
	if p.onLRU {
		d.lru.remove(p)
	}
}

// wait waits for a pinned page's read; on an error the pin is dropped.
func (d *Device) wait(p *page) (*page, error) {
	<-p.io.done
	if err := p.io.err; err != nil {
		d.put(p)
		return nil, err
	}
	return p, nil
}

// get returns page idx pinned and loaded.
func (d *Device) get(idx int64) (*page, error) {
	var one [1]*page
	ps, err := d.getRun(one[:0], idx, 1)
	if err != nil {
		return nil, err
	}
	return ps[0], nil
}

// getRun appends to ps pages idx, idx+1, ... pinned and loaded: at least
// one and at most want, stopping early where the cache has a gap or a
// page failed to load. A miss reads up to want pages in one request,
// more when the misses form a sequential stream (readahead).
func (d *Device) getRun(ps []*page, idx int64, want int) ([]*page, error) {
	d.mu.Lock()
	if p := d.pages.get(idx); p != nil {
		first := len(ps)
		for i := idx; p != nil && len(ps)-first < want; {
			d.pinLocked(p)
			ps = append(ps, p)
			i++
			p = d.pages.get(i)
		}
		d.mu.Unlock()
		for k := first; k < len(ps); k++ {
			if _, err := d.wait(ps[k]); err != nil {
				d.putAll(ps[k+1:])
				if k == first {
					return ps[:first], err
				}
				return ps[:k], nil
			}
		}
		return ps, nil
	}
	last := (d.size - 1) / PageSize
	s, n := d.ra.miss(idx)
	n = min(max(n, int64(want)), maxIOPages, last-idx+1)
	batch, io, err := d.newBatchLocked(idx, n)
	if err != nil {
		d.mu.Unlock()
		return ps, err
	}
	s.next = idx + int64(len(batch))
	if s.window == maxIOPages {
		for _, p := range batch {
			p.stream = true
		}
	}
	keep := min(want, len(batch))
	d.mu.Unlock()

	// I/O with no lock held: one host request for the whole run.
	if err := d.load(batch, io); err != nil {
		d.putAll(batch)
		return ps, err
	}
	d.putAll(batch[keep:])
	return append(ps, batch[:keep]...), nil
}

// newBatchLocked adds up to n pages from idx to the cache, pinned, to be
// loaded by one read: it stops at a page that is cached already or when
// memory runs out (an error only if not even page idx could be added).
// Preconditions: d.mu is held.
func (d *Device) newBatchLocked(idx, n int64) ([]*page, *pageIO, error) {
	io := &pageIO{done: make(chan struct{})}
	batch := make([]*page, 0, n)
	for i := idx; i < idx+n && d.pages.get(i) == nil; i++ {
		p, err := d.newPageLocked(i, io)
		if err != nil {
			if i == idx {
				return nil, nil, err
			}
			break
		}
		batch = append(batch, p)
	}
	return batch, io, nil
}

// load reads a batch from newBatchLocked and wakes its waiters; pages
// that could not be read leave the cache. The batch stays pinned.
func (d *Device) load(batch []*page, io *pageIO) error {
	err := d.fill(batch)
	if err == nil {
		// Nobody looks at the pages before io is done.
		for _, p := range batch {
			p.have = fullMask(p.valid)
		}
	}
	io.err = err
	close(io.done)
	if err != nil {
		d.mu.Lock()
		for _, p := range batch {
			d.uncacheLocked(p)
		}
		d.mu.Unlock()
	}
	return err
}

// newPageLocked adds page idx to the cache, pinned, to be filled by io.
// Preconditions: d.mu is held; idx is not cached.
func (d *Device) newPageLocked(idx int64, io *pageIO) (*page, error) {
	p, err := d.allocLocked()
	if err != nil {
		return nil, err
	}
	p.idx, p.valid, p.io, p.pins, p.cached = idx, d.validOf(idx), io, 1, true
	d.pages.set(idx, p)
	return p, nil
}

// uncacheLocked takes p out of the index. Preconditions: d.mu is held.
func (d *Device) uncacheLocked(p *page) {
	if p.cached {
		d.pages.del(p.idx)
		p.cached = false
	}
}

// allocLocked returns an unpublished page with memory for its data (not
// zeroed: it is about to be filled). A page a sequential stream has
// consumed is taken over first (see putUsed); otherwise a new page, and
// when the kernel is out of memory, the oldest clean cached page.
// Preconditions: d.mu is held.
func (d *Device) allocLocked() (*page, error) {
	if p := d.lru.head; p != nil && p.stream && p.used {
		return d.takeOverLocked(p), nil
	}
	if b, err := d.mem.AllocPageNoZero(); err == nil {
		if len(d.spare) == 0 {
			d.spare = make([]page, pageSlab)
		}
		p := &d.spare[0]
		d.spare = d.spare[1:]
		p.data = b
		return p, nil
	}
	p := d.lru.head
	if p == nil {
		return nil, abi.ENOMEM
	}
	return d.takeOverLocked(p), nil
}

// takeOverLocked evicts an LRU page and returns it blank, with its
// memory. Nobody else refers to it: unpinned, it is only in the index
// and on the list, which it leaves.
// Preconditions: d.mu is held.
func (d *Device) takeOverLocked(p *page) *page {
	d.evictLocked(p)
	*p = page{data: p.data}
	return p
}

// evictLocked takes a clean unpinned page out of the cache; the caller
// owns its data. Preconditions: d.mu is held.
func (d *Device) evictLocked(p *page) {
	d.lru.remove(p)
	d.uncacheLocked(p)
}

// put unpins p.
func (d *Device) put(p *page) {
	d.mu.Lock()
	d.putLocked(p)
	d.mu.Unlock()
}

func (d *Device) putAll(ps []*page) {
	if len(ps) == 0 {
		return
	}
	d.mu.Lock()
	for _, p := range ps {
		d.putLocked(p)
	}
	d.mu.Unlock()
}

// putUsed unpins pages whose contents the caller has consumed. Those a
// long sequential stream read ahead are used once: they go to the front
// of the LRU list, to be reused first and while still in the processor's
// caches, rather than fill memory with a copy of what the host already
// caches (drop-behind). The stream's footprint stays a few windows.
func (d *Device) putUsed(ps []*page) {
	d.mu.Lock()
	for _, p := range ps {
		if p.stream {
			p.used = true
		}
		d.putLocked(p)
	}
	d.mu.Unlock()
}

// putLocked unpins p: an unused clean page goes on the LRU list (at the
// front when used once, see putUsed), an unused page that failed to load
// gives its memory back.
// Preconditions: d.mu is held.
func (d *Device) putLocked(p *page) {
	p.pins--
	if p.pins > 0 {
		return
	}
	if p.cached {
		if !p.isDirty && p.io.err == nil {
			if p.used {
				d.lru.pushFront(p)
			} else {
				d.lru.pushBack(p)
			}
		}
	} else if p.data != nil {
		d.mem.FreePage(p.data)
		p.data = nil
	}
}

// fill reads the consecutive pages of batch from the disk.
func (d *Device) fill(batch []*page) error {
	off := batch[0].idx * PageSize
	if len(batch) == 1 {
		return d.diskRead(batch[0].data[:batch[0].valid], off)
	}
	if v, ok := d.disk.(VectorReader); ok {
		bufs := make([][]byte, len(batch))
		for i, p := range batch {
			bufs[i] = p.data[:p.valid]
		}
		if err := d.hostReady(); err != nil {
			return err
		}
		err := v.ReadVAt(bufs, d.start+off)
		d.ioMu.RUnlock()
		if err != nil {
			return abi.EIO
		}
		return nil
	}
	total := 0
	for _, p := range batch {
		total += p.valid
	}
	buf := make([]byte, total)
	if err := d.diskRead(buf, off); err != nil {
		return err
	}
	for _, p := range batch {
		buf = buf[copy(p.data[:p.valid], buf):]
	}
	return nil
}

func (d *Device) diskRead(p []byte, off int64) error {
	if err := d.hostReady(); err != nil {
		return err
	}
	err := d.disk.ReadAt(p, d.start+off)
	d.ioMu.RUnlock()
	if err != nil {
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
	_, err := d.ReadFunc(off, len(p), func(b []byte) (int, error) {
		n := copy(p, b)
		p = p[n:]
		return n, nil
	})
	return err
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
	_, err := d.WriteFunc(off, len(p), func(b []byte) (int, error) {
		n := copy(b, p)
		p = p[n:]
		return n, nil
	})
	return err
}

// Drop empties the cache of clean pages (after unmount).
func (d *Device) Drop() {
	d.mu.Lock()
	defer d.mu.Unlock()
	for p := d.lru.head; p != nil; p = d.lru.head {
		d.evictLocked(p)
		d.mem.FreePage(p.data)
		p.data = nil
	}
}

// pageList is a doubly linked list of pages through their prev and next
// links (the LRU list).
type pageList struct{ head, tail *page }

func (l *pageList) pushBack(p *page) {
	p.prev, p.next, p.onLRU = l.tail, nil, true
	if l.tail != nil {
		l.tail.next = p
	} else {
		l.head = p
	}
	l.tail = p
}

func (l *pageList) pushFront(p *page) {
	p.prev, p.next, p.onLRU = nil, l.head, true
	if l.head != nil {
		l.head.prev = p
	} else {
		l.tail = p
	}
	l.head = p
}

func (l *pageList) remove(p *page) {
	if p.prev != nil {
		p.prev.next = p.next
	} else {
		l.head = p.next
	}
	if p.next != nil {
		p.next.prev = p.prev
	} else {
		l.tail = p.prev
	}
	p.prev, p.next, p.onLRU = nil, nil, false
}
