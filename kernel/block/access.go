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
	done := 0
	for done < n {
		pg, err := d.get(off / PageSize)
		if err != nil {
			return done, err
		}
		po := int(off % PageSize)
		end := min(pg.valid, po+n-done)
		pg.mu.Lock()
		c, err := fn(pg.data[po:end])
		pg.mu.Unlock()
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

// WriteFunc lets fn fill the cached bytes of [off, off+n), one piece per
// cache page and in order, and marks what it filled dirty (Sync writes it
// out). fn returns how many bytes of its piece it filled; a short count
// or an error stops the walk. The rules of ReadFunc apply.
func (d *Device) WriteFunc(off int64, n int, fn func(b []byte) (int, error)) (int, error) {
	if d.ro {
		return 0, abi.EROFS
	}
	if off < 0 || n < 0 || off+int64(n) > d.size {
		return 0, abi.EIO
	}
	done := 0
	for done < n {
		pg, err := d.get(off / PageSize)
		if err != nil {
			return done, err
		}
		po := int(off % PageSize)
		end := min(pg.valid, po+n-done)
		pg.mu.Lock()
		c, err := fn(pg.data[po:end])
		pg.mu.Unlock()
		if c > 0 {
			d.mu.Lock()
			if !pg.isDirty {
				pg.isDirty = true
				d.dirty[pg.idx] = pg
			}
			d.mu.Unlock()
		}
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
