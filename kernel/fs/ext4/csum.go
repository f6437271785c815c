package ext4

import (
	"encoding/binary"
	"hash/crc32"
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// crc32c continues a raw crc32c (no pre- or post-inversion), the form the
// ext4 and jbd2 checksums use: start from ^0 and store the result as is.
func crc32c(crc uint32, p []byte) uint32 {
	return ^crc32.Update(^crc, castagnoli, p)
}

// crc32cU32 continues crc over v's four little-endian bytes. Short inputs
// go byte by byte through the table: a slice handed to crc32.Update
// escapes (it dispatches through a function value), and these run for
// every inode and descriptor written.
func crc32cU32(crc, v uint32) uint32 { return crc32cBytes(crc, uint64(v), 4) }

// crc32cZeros continues crc over n zero bytes (n <= 8), the stand-in for
// a checksum field while the checksum is computed.
func crc32cZeros(crc uint32, n int) uint32 { return crc32cBytes(crc, 0, n) }

// crc32cBytes continues crc over the low n bytes of v, least significant
// first.
func crc32cBytes(crc uint32, v uint64, n int) uint32 {
	for range n {
		crc = castagnoli[byte(crc)^byte(v)] ^ crc>>8
		v >>= 8
	}
	return crc
}

func crc32cU64(crc uint32, v uint64) uint32 { return crc32cBytes(crc, v, 8) }

// crc16Table is the reflected table of the CRC-16 polynomial 0x8005, used
// by the group descriptor checksums of gdt_csum filesystems.
var crc16Table = func() [256]uint16 {
	var t [256]uint16
	for i := range t {
		c := uint16(i)
		for range 8 {
			if c&1 != 0 {
				c = c>>1 ^ 0xA001
			} else {
				c >>= 1
			}
		}
		t[i] = c
	}
	return t
}()

func crc16(crc uint16, p []byte) uint16 {
	for _, b := range p {
		crc = crc>>8 ^ crc16Table[byte(crc)^b]
	}
	return crc
}

// Little-endian field access.
func le16(b []byte, off int) uint16     { return binary.LittleEndian.Uint16(b[off:]) }
func le32(b []byte, off int) uint32     { return binary.LittleEndian.Uint32(b[off:]) }
func put16(b []byte, off int, v uint16) { binary.LittleEndian.PutUint16(b[off:], v) }
func put32(b []byte, off int, v uint32) { binary.LittleEndian.PutUint32(b[off:], v) }

// Big-endian access, for the journal.
func be16(b []byte, off int) uint16       { return binary.BigEndian.Uint16(b[off:]) }
func be32(b []byte, off int) uint32       { return binary.BigEndian.Uint32(b[off:]) }
func be64(b []byte, off int) uint64       { return binary.BigEndian.Uint64(b[off:]) }
func putBE32(b []byte, off int, v uint32) { binary.BigEndian.PutUint32(b[off:], v) }
