package ext4

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"liblinux/abi"
)

// journalImage makes an image whose journal holds transactions written
// by debugfs: new contents for the blocks of /target, one of them
// revoked by a later transaction. It returns the image, the target's
// blocks and the contents the journal carries for them.
func journalImage(t *testing.T, jopts string, mkfsOpts ...string) ([]byte, []uint64, []byte) {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	os.Mkdir(src, 0o755)
	old := bytes.Repeat([]byte("old contents "), 4096*3/13+1)[:4096*3]
	os.WriteFile(filepath.Join(src, "target"), old, 0o644)
	img := filepath.Join(dir, "img")
	args := append([]string{"-q", "-F", "-b", "4096", "-d", src}, mkfsOpts...)
	if out, err := exec.Command("mkfs.ext4", append(args, img, "16M")...).CombinedOutput(); err != nil {
		t.Fatalf("mkfs: %v %s", err, out)
	}
	var blks []uint64
	for k := 0; k < 3; k++ {
		out, _ := exec.Command("debugfs", "-R", fmt.Sprintf("bmap /target %d", k), img).Output()
		b, err := strconv.ParseUint(strings.TrimSpace(string(out)), 10, 64)
		if err != nil {
			t.Fatalf("bmap: %q", out)
		}
		blks = append(blks, b)
	}
	data := bytes.Repeat([]byte("NEW journal data "), 8192/17+1)[:8192]
	copy(data, "\xc0\x3b\x39\x98") // the jbd2 magic: the block must be escaped
	data2 := bytes.Repeat([]byte("third block "), 4096/12+1)[:4096]
	f1, f2 := filepath.Join(dir, "d1"), filepath.Join(dir, "d2")
	os.WriteFile(f1, data, 0o644)
	os.WriteFile(f2, data2, 0o644)
	cmds := fmt.Sprintf("jo %s\njw -b %d,%d %s\njw -r %d\njw -b %d %s\njc\n", jopts, blks[0], blks[1], f1, blks[1], blks[2], f2)
	os.WriteFile(filepath.Join(dir, "cmds"), []byte(cmds), 0o644)
	if out, err := exec.Command("debugfs", "-w", "-f", filepath.Join(dir, "cmds"), img).CombinedOutput(); err != nil {
		t.Fatalf("debugfs: %v %s", err, out)
	}
	b, _ := os.ReadFile(img)
	want := append(append(append([]byte(nil), data[:4096]...), old[4096:8192]...), data2...)
	return b, blks, want
}

func needsRecovery(img []byte) bool {
	return le32(img, sbSize+sbFeatureIncompat)&incompatRecover != 0
}

func TestJournalReplay(t *testing.T) {
	t.Parallel()
	needTools(t)
	for _, c := range []struct {
		name, jopts string
		mkfs        []string
	}{
		{"csum-v3", "-c", nil},
		{"csum-v2", "-c -v 2", nil},
		{"no-csum", "", nil},
		{"32bit", "-c", []string{"-O", "^64bit"}},
		{"ext3", "", []string{"-t", "ext3"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			img, blks, want := journalImage(t, c.jopts, c.mkfs...)
			if !needsRecovery(img) {
				t.Fatal("debugfs left no journal to recover")
			}
			// e2fsck's replay is the reference.
			ref := writeTemp(t, img)
			exec.Command("e2fsck", "-fy", ref).Run()
			refImg, _ := os.ReadFile(ref)

			// A read-only mount replays in memory and writes nothing.
			m := mustMount(t, img, abi.MS_RDONLY, "")
			got, err := m.readAll(m.mustLookup("target"))
			if err != nil || !bytes.Equal(got, want) {
				t.Fatalf("ro: target reads %q... (%v)", got[:min(len(got), 40)], err)
			}
			m.unmount()
			if m.disk.Writes != 0 {
				t.Fatal("read-only recovery wrote to the disk")
			}

			// A read-write mount replays for good and leaves a clean journal.
			m = mustMount(t, img, 0, "")
			got, _ = m.readAll(m.mustLookup("target"))
			if !bytes.Equal(got, want) {
				t.Fatal("rw: target contents differ")
			}
			out := m.unmount()
			if needsRecovery(out) {
				t.Fatal("needs_recovery still set after unmount")
			}
			fsck(t, out)
			for _, b := range blks {
				o := int(b) * 4096
				if !bytes.Equal(out[o:o+4096], refImg[o:o+4096]) {
					t.Fatalf("block %d differs from e2fsck's replay", b)
				}
			}
			// The journal is empty: e2fsck has nothing to replay.
			p := writeTemp(t, out)
			if o, err := exec.Command("e2fsck", "-fn", p).CombinedOutput(); err != nil || bytes.Contains(o, []byte("recover")) {
				t.Fatalf("e2fsck after replay: %v %s", err, o)
			}
		})
	}
}

func TestJournalNoload(t *testing.T) {
	needTools(t)
	img, _, want := journalImage(t, "-c")
	m := mustMount(t, img, abi.MS_RDONLY, "noload")
	got, _ := m.readAll(m.mustLookup("target"))
	if bytes.Equal(got, want) {
		t.Fatal("noload replayed the journal")
	}
	m.unmount()
	if _, err := mountImage(t, img, "ext4", 0, "noload"); err != abi.EINVAL {
		t.Fatalf("rw noload mount of a dirty journal: %v, want EINVAL", err)
	}
}

// TestJournalBadCommit: a transaction whose commit block fails its
// checksum is not replayed, as e2fsck and Linux decide; a data block
// that fails its checksum fails the mount with EIO.
func TestJournalBadCommit(t *testing.T) {
	needTools(t)
	img, blks, want := journalImage(t, "-c")
	p := writeTemp(t, img)
	var commit3, data3 int
	for k := 0; k < 16; k++ {
		out, _ := exec.Command("debugfs", "-R", fmt.Sprintf("bmap <8> %d", k), p).Output()
		b, err := strconv.Atoi(strings.TrimSpace(string(out)))
		if err != nil {
			continue
		}
		blk := img[b*4096 : b*4096+4096]
		if be32(blk, 0) == jMagic && be32(blk, 8) == 3 {
			switch be32(blk, 4) {
			case jCommit:
				commit3 = b
			case jDescriptor:
				data3 = b + 1 // the journal is contiguous: its data block follows
			}
		}
	}
	if commit3 == 0 || data3 == 0 {
		t.Fatal("transaction 3 not found in the journal")
	}
	bad := append([]byte(nil), img...)
	bad[commit3*4096+0x40] ^= 1
	ref := writeTemp(t, bad)
	exec.Command("e2fsck", "-fy", ref).Run()
	refImg, _ := os.ReadFile(ref)
	m := mustMount(t, bad, 0, "")
	got, _ := m.readAll(m.mustLookup("target"))
	if !bytes.Equal(got[:4096], want[:4096]) || bytes.Equal(got[8192:], want[8192:]) {
		t.Fatal("the transaction with a bad commit block was replayed, or an earlier one was not")
	}
	out := m.unmount()
	o := int(blks[2]) * 4096
	if !bytes.Equal(out[o:o+4096], refImg[o:o+4096]) {
		t.Fatal("differs from e2fsck's replay")
	}
	fsck(t, out)
	// A bad data block (the one after transaction 3's descriptor).
	bad = append([]byte(nil), img...)
	bad[data3*4096+100] ^= 1
	if _, err := mountImage(t, bad, "ext4", 0, ""); err != abi.EIO {
		t.Fatalf("bad journal data block: %v, want EIO", err)
	}
}
