package block

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
)

// Partition is one partition of a disk, numbered as Linux numbers them:
// MBR primaries 1-4 by slot, logical partitions from 5, GPT entries by
// their index plus one.
type Partition struct {
	Number int
	Start  int64 // bytes from the start of the disk
	Size   int64 // bytes
}

// maxLogical bounds the chain of extended boot records a corrupt table
// could make endless.
const maxLogical = 128

// ReadPartitions reads the partition table of a disk: GPT (with a valid
// header and entry checksums) or MBR with extended partitions. A disk
// without a table has no partitions. Entries that reach past the end of
// the disk are dropped, as Linux drops them.
func ReadPartitions(d Disk) ([]Partition, error) {
	size := d.Size()
	if size < 2*SectorSize {
		return nil, nil
	}
	mbr := make([]byte, SectorSize)
	if err := d.ReadAt(mbr, 0); err != nil {
		return nil, err
	}
	if mbr[510] != 0x55 || mbr[511] != 0xAA {
		return nil, nil
	}
	for i := 0; i < 4; i++ {
		if mbr[446+16*i+4] == 0xEE {
			if parts, ok := readGPT(d, size); ok {
				return parts, nil
			}
		}
	}
	var parts []Partition
	for i := 0; i < 4; i++ {
		e := mbr[446+16*i : 446+16*i+16]
		typ := e[4]
		start := int64(binary.LittleEndian.Uint32(e[8:])) * SectorSize
		n := int64(binary.LittleEndian.Uint32(e[12:])) * SectorSize
		if typ == 0 || n == 0 || start+n > size {
			continue
		}
		parts = append(parts, Partition{Number: i + 1, Start: start, Size: n})
		if typ == 0x05 || typ == 0x0F || typ == 0x85 {
			// The extended partition itself shows as a 1 KiB device in
			// Linux; its logical partitions follow.
			parts[len(parts)-1].Size = min(n, 2*SectorSize)
			parts = append(parts, readLogical(d, start, n, size)...)
		}
	}
	return parts, nil
}

// readLogical follows the chain of extended boot records.
func readLogical(d Disk, extStart, extSize, size int64) []Partition {
	var parts []Partition
	ebr := make([]byte, SectorSize)
	cur := extStart
	for n := 5; n < 5+maxLogical; n++ {
		if cur < extStart || cur >= extStart+extSize || d.ReadAt(ebr, cur) != nil || ebr[510] != 0x55 || ebr[511] != 0xAA {
			break
		}
		e := ebr[446:462]
		start := cur + int64(binary.LittleEndian.Uint32(e[8:]))*SectorSize
		sz := int64(binary.LittleEndian.Uint32(e[12:])) * SectorSize
		if e[4] != 0 && sz > 0 && start+sz <= size {
			parts = append(parts, Partition{Number: n, Start: start, Size: sz})
		}
		next := ebr[462:478]
		if next[4] == 0 {
			break
		}
		cur = extStart + int64(binary.LittleEndian.Uint32(next[8:]))*SectorSize
	}
	return parts
}

// readGPT reads a GUID partition table: the primary header at LBA 1, or
// when that is damaged the backup header in the last sector, as Linux does.
func readGPT(d Disk, size int64) ([]Partition, bool) {
	if parts, ok := readGPTAt(d, size, SectorSize); ok {
		return parts, true
	}
	return readGPTAt(d, size, (size/SectorSize-1)*SectorSize)
}

func readGPTAt(d Disk, size, at int64) ([]Partition, bool) {
	h := make([]byte, SectorSize)
	if d.ReadAt(h, at) != nil || !bytes.Equal(h[:8], []byte("EFI PART")) {
		return nil, false
	}
	hsize := binary.LittleEndian.Uint32(h[12:])
	if hsize < 92 || hsize > SectorSize {
		return nil, false
	}
	crc := binary.LittleEndian.Uint32(h[16:])
	hc := append([]byte(nil), h[:hsize]...)
	binary.LittleEndian.PutUint32(hc[16:], 0)
	if crc32.ChecksumIEEE(hc) != crc {
		return nil, false
	}
	entLBA := int64(binary.LittleEndian.Uint64(h[72:]))
	count := binary.LittleEndian.Uint32(h[80:])
	esize := binary.LittleEndian.Uint32(h[84:])
	if esize < 128 || esize%8 != 0 || esize > 4096 || count > 1024 {
		return nil, false
	}
	ents := make([]byte, int64(count)*int64(esize))
	tableBytes := (int64(len(ents)) + SectorSize - 1) / SectorSize * SectorSize
	if entLBA*SectorSize+tableBytes > size {
		return nil, false
	}
	buf := make([]byte, tableBytes)
	if d.ReadAt(buf, entLBA*SectorSize) != nil {
		return nil, false
	}
	copy(ents, buf)
	if crc32.ChecksumIEEE(ents) != binary.LittleEndian.Uint32(h[88:]) {
		return nil, false
	}
	var parts []Partition
	zero := make([]byte, 16)
	for i := 0; i < int(count); i++ {
		e := ents[i*int(esize):]
		if bytes.Equal(e[:16], zero) {
			continue
		}
		first := int64(binary.LittleEndian.Uint64(e[32:]))
		last := int64(binary.LittleEndian.Uint64(e[40:]))
		if last < first || (last+1)*SectorSize > size {
			continue
		}
		parts = append(parts, Partition{Number: i + 1, Start: first * SectorSize, Size: (last - first + 1) * SectorSize})
	}
	return parts, true
}
