package ext4

import "liblinux/abi"

// jbd2 on-disk format (big-endian).
const (
	jMagic = 0xC03B3998

	jDescriptor = 1
	jCommit     = 2
	jSuperV1    = 3
	jSuperV2    = 4
	jRevoke     = 5

	jsbBlocksize  = 0xC
	jsbMaxlen     = 0x10
	jsbFirst      = 0x14
	jsbSequence   = 0x18
	jsbStart      = 0x1C
	jsbErrno      = 0x20
	jsbCompat     = 0x24
	jsbIncompat   = 0x28
	jsbRoCompat   = 0x2C
	jsbUUID       = 0x30
	jsbNumFCBlks  = 0x54
	jsbChecksumTy = 0x50
	jsbChecksum   = 0xFC
	jsbSize       = 1024

	jCompatChecksum = 0x1

	jIncompatRevoke      = 0x1
	jIncompat64bit       = 0x2
	jIncompatAsyncCommit = 0x4
	jIncompatCsumV2      = 0x8
	jIncompatCsumV3      = 0x10
	jIncompatFastCommit  = 0x20
	jIncompatKnown       = 0x3F

	jFlagEscape   = 0x1
	jFlagSameUUID = 0x2
	jFlagDeleted  = 0x4
	jFlagLastTag  = 0x8

	jCommitCsumOff = 0x10
	jRevokeCount   = 0xC
	jRevokeHeader  = 0x10
)

// journal is the log being recovered.
type journal struct {
	fs       *FS
	ino      *inode
	bs       int
	first    uint32 // first log block
	last     uint32 // end of the log area (exclusive)
	incompat uint32
	seed     uint32
	csum     bool // v2 or v3 checksums
}

// tagBytes is the size of a descriptor tag (without its UUID).
func (j *journal) tagBytes() int {
	if j.incompat&jIncompatCsumV3 != 0 {
		return 16
	}
	n := 12
	if j.incompat&jIncompatCsumV2 != 0 {
		n += 2
	}
	if j.incompat&jIncompat64bit == 0 {
		n -= 4
	}
	return n
}

// readLog reads log block n (a block of the journal inode).
func (j *journal) readLog(n uint32, buf []byte) error {
	j.ino.mu.RLock()
	p, _, _, err := j.ino.bmapLocked(n)
	j.ino.mu.RUnlock()
	if err != nil {
		return err
	}
	if p == 0 {
		return abi.EIO
	}
	return j.fs.readBlock(p, buf)
}

// wrap turns a log position past the end into one from the start.
func (j *journal) wrap(n uint32) uint32 {
	if n >= j.last {
		n = n - j.last + j.first
	}
	return n
}

// blockCsumOK verifies a descriptor or revoke block's tail checksum.
func (j *journal) blockCsumOK(b []byte) bool {
	if !j.csum {
		return true
	}
	t := len(b) - 4
	want := be32(b, t)
	c := crc32c(j.seed, b[:t])
	c = crc32c(c, []byte{0, 0, 0, 0})
	return c == want
}

func (j *journal) commitCsumOK(b []byte) bool {
	if !j.csum {
		return true
	}
	want := be32(b, jCommitCsumOff)
	c := crc32c(j.seed, b[:jCommitCsumOff])
	c = crc32c(c, []byte{0, 0, 0, 0})
	c = crc32c(c, b[jCommitCsumOff+4:])
	return c == want
}

// jtag is one descriptor entry: a block to write home.
type jtag struct {
	blk   uint64
	flags uint32
	csum  uint32
}

// parseTags decodes a descriptor block's tags.
func (j *journal) parseTags(b []byte) []jtag {
	end := len(b)
	if j.csum {
		end -= 4
	}
	tb := j.tagBytes()
	var out []jtag
	for off := 12; off+tb <= end; {
		t := jtag{blk: uint64(be32(b, off))}
		if j.incompat&jIncompatCsumV3 != 0 {
			t.flags = be32(b, off+4)
			if j.incompat&jIncompat64bit != 0 {
				t.blk |= uint64(be32(b, off+8)) << 32
			}
			t.csum = be32(b, off+12)
		} else {
			t.csum = uint32(be16(b, off+4))
			t.flags = uint32(be16(b, off+6))
			if j.incompat&jIncompat64bit != 0 {
				t.blk |= uint64(be32(b, off+8)) << 32
			}
		}
		off += tb
		if t.flags&jFlagSameUUID == 0 {
			off += 16
		}
		out = append(out, t)
		if t.flags&jFlagLastTag != 0 {
			break
		}
	}
	return out
}

// recoverJournal replays the committed transactions of the journal onto
// their home blocks: into the cache for a read-write mount (the journal
// is then marked empty), into memory only for a read-only one.
func (fs *FS) recoverJournal() error {
	g := fs.g
	if g.journalInum == 0 {
		fs.logf("filesystem needs recovery but has no journal inode")
		return abi.EINVAL
	}
	ji, err := fs.igetFlags(g.journalInum, true)
	if err != nil {
		fs.logf("no journal found: %v", err)
		return abi.EINVAL
	}
	j := &journal{fs: fs, ino: ji, bs: g.blockSize}
	jsb := fs.newBuf()
	if err := j.readLog(0, jsb); err != nil {
		fs.logf("error loading journal")
		return err
	}
	if be32(jsb, 0) != jMagic || (be32(jsb, 4) != jSuperV1 && be32(jsb, 4) != jSuperV2) {
		fs.logf("JBD2: no valid journal superblock found")
		return abi.EINVAL
	}
	if int(be32(jsb, jsbBlocksize)) != g.blockSize {
		fs.logf("JBD2: journal block size mismatch")
		return abi.EINVAL
	}
	maxlen, first := be32(jsb, jsbMaxlen), be32(jsb, jsbFirst)
	ji.mu.RLock()
	jblocks := fs.blocksOf(ji.d.size)
	ji.mu.RUnlock()
	if maxlen > uint32(jblocks) || maxlen < 2 || first == 0 || first >= maxlen {
		fs.logf("JBD2: journal file too short")
		return abi.EINVAL
	}
	j.first, j.last = first, maxlen
	if be32(jsb, 4) == jSuperV2 {
		j.incompat = be32(jsb, jsbIncompat)
		if j.incompat&^jIncompatKnown != 0 {
			fs.logf("JBD2: Unrecognised features on journal")
			return abi.EINVAL
		}
		if j.incompat&(jIncompatCsumV2|jIncompatCsumV3) != 0 {
			j.csum = true
			want := be32(jsb, jsbChecksum)
			c := crc32c(^uint32(0), jsb[:jsbChecksum])
			c = crc32c(c, []byte{0, 0, 0, 0})
			c = crc32c(c, jsb[jsbChecksum+4:jsbSize])
			if c != want {
				fs.logf("JBD2: journal checksum error")
				return abi.EBADMSG
			}
			j.seed = crc32c(^uint32(0), jsb[jsbUUID:jsbUUID+16])
		}
		if j.incompat&jIncompatFastCommit != 0 {
			fc := be32(jsb, jsbNumFCBlks)
			if fc == 0 {
				fc = 256
			}
			if fc < maxlen-first {
				j.last = maxlen - fc
			}
			fs.logAt(logWarning, "fast commit blocks in the journal are not replayed")
		}
	}
	start, seq := be32(jsb, jsbStart), be32(jsb, jsbSequence)
	replayed := map[uint64][]byte{}
	var endSeq uint32
	if start != 0 {
		if start < first || start >= j.last {
			fs.logf("JBD2: bad journal start %d", start)
			return abi.EUCLEAN
		}
		endSeq, err = j.replay(start, seq, replayed)
		if err != nil {
			fs.logf("error loading journal")
			return err
		}
		fs.logAt(logInfo, "recovery complete")
	} else {
		endSeq = seq
	}
	if fs.readOnly() {
		if len(replayed) > 0 {
			fs.overlay = replayed
		}
		fs.logAt(logInfo, "INFO: recovery required on readonly filesystem; replayed in memory only")
		return nil
	}
	for blk, data := range replayed {
		if err := fs.writeBlock(blk, data); err != nil {
			return err
		}
	}
	// The journal is empty now.
	putBE32(jsb, jsbStart, 0)
	putBE32(jsb, jsbSequence, endSeq)
	if j.csum {
		putBE32(jsb, jsbChecksum, 0)
		putBE32(jsb, jsbChecksum, crc32c(^uint32(0), jsb[:jsbSize]))
	}
	ji.mu.RLock()
	p, _, _, err := ji.bmapLocked(0)
	ji.mu.RUnlock()
	if err != nil {
		return err
	}
	return fs.writeBlock(p, jsb)
}

// replay runs the three passes of recovery over the log from start:
// find the committed transactions, collect revocations, and copy the
// blocks that were not revoked (later transactions win). It returns the
// sequence number after the last committed transaction.
func (j *journal) replay(start, seq uint32, out map[uint64][]byte) (uint32, error) {
	fs := j.fs
	buf := fs.newBuf()
	// Pass 1: scan for the end of the log.
	end := seq
	pos := start
	for n := uint32(0); n < j.last; {
		if err := j.readLog(pos, buf); err != nil {
			return 0, err
		}
		if be32(buf, 0) != jMagic || be32(buf, 8) != end {
			break
		}
		typ := be32(buf, 4)
		advance := uint32(1)
		switch typ {
		case jDescriptor:
			if !j.blockCsumOK(buf) {
				fs.logAt(logWarning, "JBD2: invalid checksum of descriptor block %d: end of log", pos)
				n = j.last
				continue
			}
			advance += uint32(len(j.parseTags(buf)))
		case jCommit:
			if !j.commitCsumOK(buf) {
				fs.logAt(logWarning, "JBD2: invalid commit block checksum at %d: transaction %d dropped", pos, end)
				n = j.last
				continue
			}
			end++
		case jRevoke:
			if !j.blockCsumOK(buf) {
				n = j.last
				continue
			}
		default:
			n = j.last
			continue
		}
		n += advance
		pos = j.wrap(pos + advance)
	}
	if end == seq {
		return end, nil
	}
	// Pass 2: revocations of the committed transactions.
	revoked := map[uint64]uint32{}
	err := j.walk(start, seq, end, buf, func(typ uint32, s uint32, b []byte, pos uint32) error {
		if typ != jRevoke {
			return nil
		}
		count := int(be32(b, jRevokeCount))
		limit := len(b)
		if j.csum {
			limit -= 4
		}
		if count > limit {
			return abi.EUCLEAN
		}
		rs := 4
		if j.incompat&jIncompat64bit != 0 {
			rs = 8
		}
		for off := jRevokeHeader; off+rs <= count; off += rs {
			var blk uint64
			if rs == 8 {
				blk = be64(b, off)
			} else {
				blk = uint64(be32(b, off))
			}
			if old, ok := revoked[blk]; !ok || int32(s-old) > 0 {
				revoked[blk] = s
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	// Pass 3: replay.
	data := fs.newBuf()
	var bad bool
	err = j.walk(start, seq, end, buf, func(typ uint32, s uint32, b []byte, pos uint32) error {
		if typ != jDescriptor {
			return nil
		}
		for k, t := range j.parseTags(b) {
			at := j.wrap(pos + 1 + uint32(k))
			if r, ok := revoked[t.blk]; ok && int32(s-r) <= 0 {
				continue
			}
			if err := j.readLog(at, data); err != nil {
				return err
			}
			if j.csum {
				c := crc32c(j.seed, []byte{byte(s >> 24), byte(s >> 16), byte(s >> 8), byte(s)})
				c = crc32c(c, data)
				if j.incompat&jIncompatCsumV3 == 0 {
					c &= 0xFFFF
				}
				if c != t.csum {
					fs.logf("JBD2: Invalid checksum recovering data block %d in journal block %d", t.blk, at)
					bad = true
					continue
				}
			}
			if t.blk >= fs.g.blocksCount || t.blk == 0 {
				fs.logf("JBD2: block %d in the journal is outside the filesystem", t.blk)
				bad = true
				continue
			}
			blk := append([]byte(nil), data...)
			if t.flags&jFlagEscape != 0 {
				putBE32(blk, 0, jMagic)
			}
			out[t.blk] = blk
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	if bad {
		return 0, abi.EIO
	}
	return end, nil
}

// walk visits the blocks of the transactions [seq, end) in log order.
func (j *journal) walk(start, seq, end uint32, buf []byte, fn func(typ, seq uint32, b []byte, pos uint32) error) error {
	pos, s := start, seq
	for n := uint32(0); n < j.last && s != end; {
		if err := j.readLog(pos, buf); err != nil {
			return err
		}
		if be32(buf, 0) != jMagic || be32(buf, 8) != s {
			return abi.EUCLEAN
		}
		typ := be32(buf, 4)
		if err := fn(typ, s, buf, pos); err != nil {
			return err
		}
		advance := uint32(1)
		switch typ {
		case jDescriptor:
			advance += uint32(len(j.parseTags(buf)))
		case jCommit:
			s++
		}
		n += advance
		pos = j.wrap(pos + advance)
	}
	return nil
}
