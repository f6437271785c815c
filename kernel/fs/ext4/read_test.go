package ext4

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"liblinux/abi"
)

func TestMountBasic(t *testing.T) {
	needTools(t)
	src := t.TempDir()
	os.WriteFile(filepath.Join(src, "hello"), []byte("hello, world\n"), 0o644)
	os.Mkdir(filepath.Join(src, "sub"), 0o755)
	os.WriteFile(filepath.Join(src, "sub", "big"), make([]byte, 300000), 0o600)
	for _, opts := range [][]string{nil, {"-b", "4096"}, {"-O", "^has_journal,^metadata_csum,^64bit"}} {
		img := mkfs(t, src, "16M", opts...)
		m := mustMount(t, img, abi.MS_RDONLY, "")
		i := m.mustLookup("hello")
		b, err := m.readAll(i)
		if err != nil || string(b) != "hello, world\n" {
			t.Fatalf("%v: read %q %v", opts, b, err)
		}
		b, err = m.readAll(m.mustLookup("sub/big"))
		if err != nil || len(b) != 300000 {
			t.Fatalf("%v: read big %d %v", opts, len(b), err)
		}
		ents, err := m.listDir(m.root)
		if err != nil || len(ents) != 3 {
			t.Fatalf("%v: list %v %v", opts, ents, err)
		}
		m.unmount()
	}
}

// TestReadTree mounts images of the source tree made by mkfs.ext4 -d in
// several formats and compares everything with the source.
func TestReadTree(t *testing.T) {
	t.Parallel()
	needTools(t)
	src := sourceTree(t)
	cases := []struct {
		name string
		mkfs string
		opts []string
	}{
		{"ext4-1k", "mkfs.ext4", nil},
		{"ext4-4k-nocsum", "mkfs.ext4", []string{"-b", "4096", "-O", "^has_journal,^metadata_csum,^64bit"}},
		{"ext2", "mkfs.ext4", []string{"-t", "ext2"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			t0 := time.Now()
			img := mkfs(t, src, "40M", c.opts...)
			t1 := time.Now()
			m := mustMount(t, img, abi.MS_RDONLY, "")
			compareTree(t, m, src)
			t.Logf("mkfs %v, compare %v", t1.Sub(t0), time.Since(t1))
			m.fs.release()
			m.dev.Sync()
			m.dev.Close()
			if m.disk.Writes != 0 {
				t.Fatal("a read-only mount wrote to the disk")
			}
		})
	}
}
