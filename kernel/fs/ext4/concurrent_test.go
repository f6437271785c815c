package ext4

import (
	"bytes"
	"fmt"
	"math/rand"
	"sync"
	"testing"

	"liblinux/abi"
	"liblinux/kernel/vfs"
)

// TestConcurrent runs creators, writers, renamers and readers at the
// same time in a shared directory and in private ones, with a reader
// and a writer on one shared file, under the race detector.
func TestConcurrent(t *testing.T) {
	t.Parallel()
	needTools(t)
	img := mkfs(t, "", "32M", "-N", "8000")
	m := mustMount(t, img, 0, "")
	shared := m.mkdir("shared")
	// Index the directory first: a listing that spans the change from a
	// linear directory to an indexed one may repeat entries (as in Linux).
	for k := 0; k < 100; k++ {
		if _, err := shared.Create(m.ctx, fmt.Sprintf("pre-%03d", k), vfs.CreateOpts{Mode: abi.S_IFREG | 0o644}); err != nil {
			t.Fatal(err)
		}
	}
	if !shared.isIndexed() {
		t.Fatal("shared is not indexed")
	}
	_, hot := m.create("hot", 0o644)
	writeAt(t, m, hot, 0, make([]byte, 64<<10))
	const workers = 4
	const rounds = 150
	var wg sync.WaitGroup
	results := make([]map[string][]byte, workers)
	errs := make(chan error, workers+2)
	for w := 0; w < workers; w++ {
		w := w
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewSource(int64(w)))
			mine := map[string][]byte{}
			priv, err := m.root.Mkdir(m.ctx, fmt.Sprintf("priv%d", w), vfs.CreateOpts{Mode: abi.S_IFDIR | 0o755})
			if err != nil {
				errs <- err
				return
			}
			for k := 0; k < rounds; k++ {
				name := fmt.Sprintf("w%d-f%d", w, k)
				c, err := shared.Create(m.ctx, name, vfs.CreateOpts{Mode: abi.S_IFREG | 0o644})
				if err != nil {
					errs <- fmt.Errorf("create %s: %v", name, err)
					return
				}
				f, _ := c.Open(m.ctx, abi.O_RDWR)
				data := make([]byte, r.Intn(9000))
				r.Read(data)
				writeAt(t, m, f, 0, data)
				if got := readAt(t, m, f.(*regFile), 0, len(data)+1); !bytes.Equal(got, data) {
					errs <- fmt.Errorf("%s reads back wrong", name)
					return
				}
				f.Release()
				mine["shared/"+name] = data
				switch r.Intn(5) {
				case 0:
					if err := shared.Unlink(m.ctx, name); err != nil {
						errs <- fmt.Errorf("unlink %s: %v", name, err)
						return
					}
					delete(mine, "shared/"+name)
				case 1:
					if err := shared.Rename(m.ctx, name, priv, name, 0); err != nil {
						errs <- fmt.Errorf("rename %s: %v", name, err)
						return
					}
					mine[fmt.Sprintf("priv%d/%s", w, name)] = data
					delete(mine, "shared/"+name)
				case 2:
					if err := c.(*inode).SetXattr(m.ctx, "user.w", []byte(name), 0); err != nil {
						errs <- err
						return
					}
				case 3:
					d, err := priv.Mkdir(m.ctx, "d"+name, vfs.CreateOpts{Mode: abi.S_IFDIR | 0o700})
					if err == nil {
						_ = d
						err = priv.Rmdir(m.ctx, "d"+name)
					}
					if err != nil {
						errs <- fmt.Errorf("mkdir/rmdir: %v", err)
						return
					}
				}
			}
			results[w] = mine
		}()
	}
	stop := make(chan struct{})
	var bg sync.WaitGroup
	bg.Add(2)
	go func() { // lister, statfs, sync
		defer bg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := m.listDir(shared); err != nil {
				errs <- fmt.Errorf("readdir: %v", err)
				return
			}
			m.fs.Statfs()
			m.fs.Sync()
		}
	}()
	go func() { // writer and reader of one file
		defer bg.Done()
		buf := bytes.Repeat([]byte{7}, 4096)
		for k := 0; ; k++ {
			select {
			case <-stop:
				return
			default:
			}
			writeAt(t, m, hot, int64(k%16)*4096, buf)
			readAt(t, m, hot.(*regFile), int64((k+5)%16)*4096, 4096)
		}
	}()
	wg.Wait()
	close(stop)
	bg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	hot.Release()
	out := m.unmount()
	fsck(t, out)
	m = mustMount(t, out, abi.MS_RDONLY, "")
	for _, mine := range results {
		for p, data := range mine {
			got, err := m.readAll(m.mustLookup(p))
			if err != nil || !bytes.Equal(got, data) {
				t.Fatalf("%s: %v", p, err)
			}
		}
	}
	m.unmount()
}
