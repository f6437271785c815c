package ext4

import (
	"testing"

	"liblinux/abi"
)

// TestOrphanFileChecksum checks the orphan file blocks mkfs wrote
// against our checksum.
func TestOrphanFileChecksum(t *testing.T) {
	needTools(t)
	for _, opts := range [][]string{{"-O", "orphan_file"}, {"-O", "orphan_file", "-b", "4096"}} {
		img := mkfs(t, "", "16M", opts...)
		m := mustMount(t, img, abi.MS_RDONLY, "")
		of, err := m.fs.igetFlags(m.fs.g.orphanFileInum, true)
		if err != nil {
			t.Fatal(err)
		}
		of.mu.RLock()
		n := m.fs.blocksOf(of.d.size)
		for lblk := uint64(0); lblk < n; lblk++ {
			p, _, _, err := of.bmapLocked(uint32(lblk))
			if err != nil || p == 0 {
				t.Fatalf("orphan file block %d: %v", lblk, err)
			}
			b := m.fs.newBuf()
			m.fs.readBlock(p, b)
			if le32(b, len(b)-8) != orphanBlockMagic {
				t.Fatalf("block %d: magic %#x", lblk, le32(b, len(b)-8))
			}
			if got, want := m.fs.orphanBlockCsum(of, p, b), le32(b, len(b)-4); got != want {
				t.Fatalf("block %d: checksum %#x, stored %#x", lblk, got, want)
			}
		}
		of.mu.RUnlock()
		m.unmount()
	}
}

// TestOrphanFileRecovery: an inode listed in the orphan file (as Linux
// leaves it after a crash) is freed by the next read-write mount.
func TestOrphanFileRecovery(t *testing.T) {
	needTools(t)
	img := mkfs(t, "", "16M", "-O", "orphan_file")
	m := mustMount(t, img, 0, "")
	before := m.fs.Statfs()
	c, f := m.create("gone", 0o644)
	writeAt(t, m, f, 0, make([]byte, 50000))
	m.root.Unlink(m.ctx, "gone")
	m.fs.Sync()
	crashed := m.disk.Bytes()
	ino := c.ino
	f.Release()
	m.unmount()

	// Move the orphan from the list to the orphan file.
	r := mustMount(t, crashed, abi.MS_RDONLY, "")
	fs := r.fs
	off, _ := fs.inodeLoc(ino)
	raw := crashed[off : off+int64(fs.g.inodeSize)]
	put32(raw, iDtime, 0)
	fs.setRecordCsum(ino, raw)
	of, _ := fs.igetFlags(fs.g.orphanFileInum, true)
	of.mu.RLock()
	p, _, _, _ := of.bmapLocked(0)
	of.mu.RUnlock()
	blk := crashed[int(p)*fs.g.blockSize : int(p+1)*fs.g.blockSize]
	put32(blk, 8, ino)
	put32(blk, len(blk)-4, fs.orphanBlockCsum(of, p, blk))
	r.unmount()
	setSuperField(crashed, sbLastOrphan, 0)
	setSuperField(crashed, sbFeatureRoCompat, le32(crashed, sbSize+sbFeatureRoCompat)|roCompatOrphanPresent)

	m = mustMount(t, crashed, 0, "")
	if got := m.fs.Statfs(); got.Bfree != before.Bfree || got.Ffree != before.Ffree {
		t.Fatalf("orphan not freed: %d/%d free, want %d/%d", got.Bfree, got.Ffree, before.Bfree, before.Ffree)
	}
	out := m.unmount()
	if le32(out, sbSize+sbFeatureRoCompat)&roCompatOrphanPresent != 0 {
		t.Fatal("orphan_present still set")
	}
	fsck(t, out)
}
