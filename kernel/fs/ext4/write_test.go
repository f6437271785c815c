package ext4

import (
	"bytes"
	"fmt"
	"math/rand"
	"runtime"
	"testing"

	"liblinux/abi"
	"liblinux/kernel/usermem"
	"liblinux/kernel/vfs"
)

func TestWriteBasic(t *testing.T) {
	t.Parallel()
	needTools(t)
	for _, opts := range [][]string{nil, {"-b", "4096"}, {"-O", "^has_journal,^metadata_csum,^64bit"}, {"-t", "ext2"}} {
		t.Run(fmt.Sprint(opts), func(t *testing.T) {
			img := mkfs(t, "", "32M", opts...)
			m := mustMount(t, img, 0, "")
			r := rand.New(rand.NewSource(2))
			want := map[string][]byte{}
			m.mkdir("d")
			for k := 0; k < 25; k++ {
				p := fmt.Sprintf("d/f%d", k)
				_, f := m.create(p, 0o644)
				data := make([]byte, r.Intn(20000))
				r.Read(data)
				writeAt(t, m, f, 0, data)
				f.Release()
				want[p] = data
			}
			// Append and overwrite.
			i := m.mustLookup("d/f1")
			f, _ := i.Open(m.ctx, abi.O_RDWR)
			extra := bytes.Repeat([]byte("append"), 1000)
			writeAt(t, m, f, -1, extra)
			want["d/f1"] = append(want["d/f1"], extra...)
			writeAt(t, m, f, 5, []byte("OVERWRITE"))
			copy(want["d/f1"][5:], "OVERWRITE")
			f.Release()
			img = m.unmount()
			p := writeTemp(t, img)
			fsckPath(t, p)
			for path, data := range want {
				if got := debugfsCat(t, p, "/"+path); !bytes.Equal(got, data) {
					t.Fatalf("%s: debugfs reads %d bytes, want %d", path, len(got), len(data))
				}
			}
			m = mustMount(t, img, abi.MS_RDONLY, "")
			for path, data := range want {
				got, err := m.readAll(m.mustLookup(path))
				if err != nil || !bytes.Equal(got, data) {
					t.Fatalf("%s: reads %d bytes, want %d (%v)", path, len(got), len(data), err)
				}
			}
			m.unmount()
		})
	}
}

var _ = vfs.CreateOpts{}

// TestShortWrite: a write that faults half way writes what it could,
// keeps no stale data in the blocks it allocated and leaves a sound
// filesystem.
func TestShortWrite(t *testing.T) {
	needTools(t)
	img := mkfs(t, "", "8M")
	m := mustMount(t, img, 0, "")
	c, f := m.create("f", 0o644)
	writeAt(t, m, f, 100000, []byte("end"))
	good := userBuf(3000)
	for k := range good {
		good[k] = 'g'
	}
	io, err := usermem.NewIOVec([]usermem.Seg{{Addr: usermem.AddrOf(good), Len: 3000}, {Addr: 16, Len: 5000}})
	if err != nil {
		t.Fatal(err)
	}
	n, err := f.Write(m.ctx, io, 10000)
	runtime.KeepAlive(good)
	if n != 3000 || err != nil {
		t.Fatalf("short write: %d %v", n, err)
	}
	got, _ := m.readAll(c)
	want := make([]byte, 100003)
	copy(want[10000:], good)
	copy(want[100000:], "end")
	if !bytes.Equal(got, want) {
		t.Fatal("contents after a short write differ")
	}
	// Past the end: the size stops where the data did.
	n, _ = f.Write(m.ctx, io, 200000)
	if n != 3000 || c.Attr().Size != 203000 {
		t.Fatalf("short append: %d, size %d", n, c.Attr().Size)
	}
	f.Release()
	fsck(t, m.unmount())
}
