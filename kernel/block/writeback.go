package block

import (
	"cmp"
	"slices"

	"liblinux/abi"
)

// Sync writes every dirty page to the disk, then flushes the disk. It
// reports the first writeback error since the last Sync.
func (d *Device) Sync() error {
	if wrote, _ := d.writeback(); wrote {
		if err := d.hostReady(); err != nil {
			d.noteError()
		} else {
			err := d.disk.Flush()
			d.ioMu.RUnlock()
			if err != nil {
				d.noteError()
			}
		}
	}
	d.mu.Lock()
	err := d.ioErr
	d.ioErr = nil
	d.mu.Unlock()
	return err
}

// Writeback writes every dirty page to the disk without flushing it:
// it makes memory reclaimable, not data durable. An error is returned
// and also kept for the next Sync.
func (d *Device) Writeback() error {
	_, err := d.writeback()
	return err
}

// reclaim writes dirty pages back when the cache has run out of memory,
// so that they can be evicted; it reports whether there were any.
func (d *Device) reclaim() bool {
	wrote, _ := d.writeback()
	return wrote
}

func (d *Device) noteError() {
	d.mu.Lock()
	if d.ioErr == nil {
		d.ioErr = abi.EIO
	}
	d.mu.Unlock()
}

// writeback writes the dirty pages out in order, each run of consecutive
// pages (up to maxIOPages) in one host request, or one per stretch of
// known sectors when the run has unknown ones. Each page is copied out
// under its lock and marked clean at the same time, so a write that
// lands during the I/O marks it dirty again. It reports whether there
// was anything to write, and the first error (also kept for Sync).
func (d *Device) writeback() (bool, error) {
	d.wbMu.Lock()
	defer d.wbMu.Unlock()
	d.mu.Lock()
	list := d.dirty
	d.dirty = nil
	for _, p := range list {
		p.pins++
	}
	d.mu.Unlock()
	if len(list) == 0 {
		return false, nil
	}
	slices.SortFunc(list, func(a, b *page) int { return cmp.Compare(a.idx, b.idx) })
	buf := make([]byte, min(len(list), maxIOPages)*PageSize)
	var firstErr error
	var segs [][2]int // stretches of known sectors in buf
	for len(list) > 0 {
		run := 1
		for run < len(list) && run < maxIOPages && list[run].idx == list[0].idx+int64(run) {
			run++
		}
		segs = segs[:0]
		for i, p := range list[:run] {
			p.mu.Lock()
			base := i * PageSize
			copy(buf[base:], p.data[:p.valid])
			for k := 0; k < sectorsPerPage; k++ {
				if p.have&(1<<k) == 0 {
					continue
				}
				from, to := base+k*SectorSize, base+sectorEnd(k, p.valid)
				if n := len(segs); n > 0 && segs[n-1][1] == from {
					segs[n-1][1] = to
				} else {
					segs = append(segs, [2]int{from, to})
				}
			}
		}
		d.mu.Lock()
		for _, p := range list[:run] {
			p.isDirty = false
		}
		d.mu.Unlock()
		for _, p := range list[:run] {
			p.mu.Unlock()
		}
		at := d.start + list[0].idx*PageSize
		for _, sg := range segs {
			err := d.hostReady()
			if err == nil {
				err = d.disk.WriteAt(buf[sg[0]:sg[1]], at+int64(sg[0]))
				d.ioMu.RUnlock()
			}
			if err != nil && firstErr == nil {
				firstErr = abi.EIO
				d.noteError()
			}
		}
		d.putAll(list[:run])
		list = list[run:]
	}
	return true, firstErr
}
