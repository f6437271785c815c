package block

import "math/bits"

// A cached page knows which of its sectors hold the disk's contents (or
// newer ones): page.have, one bit per 512-byte sector. A page read from
// the disk knows them all. A page that entered the cache by a write
// knows only what was written, so that writing whole sectors never reads
// the disk (a filesystem of 1 KiB blocks writes parts of pages), and
// writeback writes only known sectors. Reading an unknown sector first
// completes the page from the disk.

const sectorsPerPage = PageSize / SectorSize

// sectorEnd is where sector k of a page of valid bytes ends.
func sectorEnd(k, valid int) int { return min((k+1)*SectorSize, valid) }

// coverMask returns the sectors that [from, to) covers entirely, in a
// page of valid bytes.
func coverMask(from, to, valid int) uint8 {
	var m uint8
	for k := from / SectorSize; k < sectorsPerPage && k*SectorSize < to; k++ {
		if k*SectorSize >= from && sectorEnd(k, valid) <= to {
			m |= 1 << k
		}
	}
	return m
}

// touchMask returns the sectors that [from, to) touches.
func touchMask(from, to, valid int) uint8 {
	var m uint8
	for k := from / SectorSize; k < sectorsPerPage && k*SectorSize < to && from < to; k++ {
		if k*SectorSize < valid {
			m |= 1 << k
		}
	}
	return m
}

// fullMask returns every sector of a page of valid bytes.
func fullMask(valid int) uint8 { return coverMask(0, valid, valid) }

// lastSector returns the highest sector in m (not 0).
func lastSector(m uint8) int { return bits.Len8(m) - 1 }

// complete reads the sectors of a pinned page that it does not know
// from the disk. The read happens with no lock held; sectors written
// meanwhile are kept.
func (d *Device) complete(p *page) error {
	full := fullMask(p.valid)
	p.mu.Lock()
	known := p.have
	p.mu.Unlock()
	if known == full {
		return nil
	}
	buf := make([]byte, p.valid)
	if err := d.diskRead(buf, p.idx*PageSize); err != nil {
		return err
	}
	p.mu.Lock()
	for k := 0; k < sectorsPerPage; k++ {
		if (full&^p.have)&(1<<k) != 0 {
			copy(p.data[k*SectorSize:sectorEnd(k, p.valid)], buf[k*SectorSize:])
		}
	}
	p.have = full
	p.mu.Unlock()
	return nil
}
