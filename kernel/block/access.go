package block

import "liblinux/abi"

// ReadFunc passes the cached bytes of [off, off+n) to fn, one piece per
// cache page and in order, so a filesystem can copy file data straight
// from the cache to the caller's memory. fn returns how many bytes of its
// piece it consumed; a short count or an error stops the walk. ReadFunc
// returns the total consumed. Each piece is valid only during its call:
// fn must not keep it. The page's lock is held during the call, so fn
// must not call back into the device.
func (d *Device) ReadFunc(off int64, n int, fn func(b []byte) (int, error)) (int, error) {
	if off < 0 || n < 0 || off+int64(n) > d.size {
		return 0, abi.EIO
	}
	var arr [16]*page
	done := 0
	for done < n {
		idx := off / PageSize
		po := int(off % PageSize)
		want := (po + n - done + PageSize - 1) / PageSize
		ps, err := d.getRun(arr[:0], idx, want)
		if err == abi.ENOMEM && d.reclaim() {
			ps, err = d.getRun(arr[:0], idx, want)
		}
		if err != nil {
			return done, err
		}
		for k, pg := range ps {
			end := min(pg.valid, po+n-done)
			pg.mu.Lock()
			if touchMask(po, end, pg.valid)&^pg.have != 0 {
				pg.mu.Unlock()
				if err := d.complete(pg); err != nil {
					d.putUsed(ps[:k])
					d.putAll(ps[k:])
					return done, err
				}
				pg.mu.Lock()
			}
			c, err := fn(pg.data[po:end])
			pg.mu.Unlock()
			done += c
			off += int64(c)
			if err != nil || c < end-po {
				d.putUsed(ps[:k])
				d.putAll(ps[k:])
				return done, err
			}
			po = 0
		}
		d.putUsed(ps)
	}
	return done, nil
}

// WriteFunc lets fn fill the cached bytes of [off, off+n), one piece per
// cache page and in order, and marks what it filled dirty (Sync writes it
// out). fn returns how many bytes of its piece it filled; a short count
// or an error stops the walk. The rules of ReadFunc apply. Nothing is
// read from the disk for the sectors fn fills entirely (see page.have),
// only for a sector it fills in part.
func (d *Device) WriteFunc(off int64, n int, fn func(b []byte) (int, error)) (int, error) {
	if d.ro {
		return 0, abi.EROFS
	}
	if off < 0 || n < 0 || off+int64(n) > d.size {
		return 0, abi.EIO
	}
	done := 0
	for done < n {
		idx := off / PageSize
		po := int(off % PageSize)
		end := min(d.validOf(idx), po+n-done)
		pg, err := d.getForWrite(idx)
		if err == abi.ENOMEM && d.reclaim() {
			pg, err = d.getForWrite(idx)
		}
		if err != nil {
			return done, err
		}
		c, err := d.fillPage(pg, po, end, fn)
		d.put(pg)
		done += c
		off += int64(c)
		if err != nil {
			return done, err
		}
		if c < end-po {
			break
		}
	}
	return done, nil
}

// getForWrite returns page idx pinned, loaded if it was cached, or new
// and empty (no sector known, nothing read).
func (d *Device) getForWrite(idx int64) (*page, error) {
	d.mu.Lock()
	if p := d.pages.get(idx); p != nil {
		d.pinLocked(p)
		d.mu.Unlock()
		return d.wait(p)
	}
	p, err := d.allocLocked()
	if err != nil {
		d.mu.Unlock()
		return nil, err
	}
	p.idx, p.valid, p.io, p.pins, p.cached = idx, d.validOf(idx), loadedIO, 1, true
	d.pages.set(idx, p)
	d.mu.Unlock()
	return p, nil
}

// fillPage lets fn fill [po, end) of a pinned page and marks what it
// filled dirty. A sector the range covers only in part is completed from
// the disk first when unknown.
func (d *Device) fillPage(pg *page, po, end int, fn func(b []byte) (int, error)) (int, error) {
	edges := touchMask(po, end, pg.valid) &^ coverMask(po, end, pg.valid)
	pg.mu.Lock()
	missing := edges &^ pg.have
	pg.mu.Unlock()
	if missing != 0 {
		if err := d.complete(pg); err != nil {
			return 0, err
		}
	}
	pg.mu.Lock()
	c, err := fn(pg.data[po:end])
	part := touchMask(po, po+c, pg.valid) &^ coverMask(po, po+c, pg.valid) &^ pg.have
	if part == 0 {
		pg.have |= coverMask(po, po+c, pg.valid)
		pg.mu.Unlock()
		if c > 0 {
			d.markDirty(pg)
		}
		return c, err
	}
	// A short piece ends inside a sector whose other bytes are not
	// known (the first sector was completed above): keep the bytes
	// written in it, complete the page from the disk, put them back.
	from := lastSector(part) * SectorSize
	saved := append([]byte(nil), pg.data[from:po+c]...)
	pg.have |= coverMask(po, from, pg.valid)
	pg.mu.Unlock()
	if from > po {
		d.markDirty(pg)
	}
	if cerr := d.complete(pg); cerr != nil {
		return from - po, err // the write stops at that sector
	}
	pg.mu.Lock()
	copy(pg.data[from:], saved)
	pg.mu.Unlock()
	d.markDirty(pg)
	return c, err
}

func (d *Device) markDirty(p *page) {
	d.mu.Lock()
	d.markDirtyLocked(p)
	d.mu.Unlock()
}

// loadedIO is the read of pages that entered the cache by a write: done
// from the start (their sectors are known as they are written).
var loadedIO = func() *pageIO {
	io := &pageIO{done: make(chan struct{})}
	close(io.done)
	return io
}()

// markDirtyLocked queues p for writeback. Preconditions: d.mu is held.
func (d *Device) markDirtyLocked(p *page) {
	if !p.isDirty {
		p.isDirty = true
		d.dirty = append(d.dirty, p)
	}
}

// Fresh tells the cache that [off, off+n) was just allocated and that
// what it held on the disk does not matter: its sectors that are not
// cached enter the cache zeroed and dirty, without a read, so that
// partial writes to them (a small file's data and the zeros after it)
// do not read the disk first. It is a hint: nothing happens on a
// read-only device, outside the device or when memory is short.
func (d *Device) Fresh(off, n int64) {
	if d.ro || off < 0 || n < 0 || off+n > d.size {
		return
	}
	for end := off + n; off < end; {
		idx := off / PageSize
		po := int(off % PageSize)
		pe := int(min(end-idx*PageSize, int64(d.validOf(idx))))
		pg, err := d.getForWrite(idx)
		if err != nil {
			return
		}
		pg.mu.Lock()
		fresh := coverMask(po, pe, pg.valid) &^ pg.have
		for k := 0; k < sectorsPerPage; k++ {
			if fresh&(1<<k) != 0 {
				clear(pg.data[k*SectorSize : sectorEnd(k, pg.valid)])
			}
		}
		pg.have |= fresh
		pg.mu.Unlock()
		if fresh != 0 {
			d.markDirty(pg)
		}
		d.put(pg)
		off = (idx + 1) * PageSize
	}
}
