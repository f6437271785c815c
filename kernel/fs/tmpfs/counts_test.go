package tmpfs

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"liblinux/abi"
	"liblinux/kernel/usermem"
	"liblinux/kernel/vfs"
	"liblinux/kernel/waiter"
)

// syncCtx is a ctx that goroutines may share.
type syncCtx struct{ now atomic.Int64 }

func (c *syncCtx) Creds() *vfs.Creds                { return vfs.RootCreds() }
func (c *syncCtx) Now() vfs.Time                    { return vfs.TimeFromNanos(c.now.Add(1000)) }
func (c *syncCtx) Block(*waiter.Event, int64) error { return abi.EINTR }

// TestCountsConcurrent creates and removes inodes and pages from several
// goroutines, each in its own directory, and checks that nr_inodes= and
// size= still hold exactly: the per-CPU spares never let more in, and
// statfs counts every unit once the goroutines are done.
func TestCountsConcurrent(t *testing.T) {
	const inodes, pages = 300, 40
	fs, root, _ := instance(t, fmt.Sprintf("nr_inodes=%d,size=%dk", inodes, pages*4))
	c := &syncCtx{}
	const workers = 4
	dirs := make([]*inode, workers)
	for w := range dirs {
		d, err := root.Mkdir(c, fmt.Sprintf("d%d", w), vfs.CreateOpts{Mode: abi.S_IFDIR | 0755})
		if err != nil {
			t.Fatal(err)
		}
		dirs[w] = d.(*inode)
	}
	page := make([]byte, 4096)
	// Churn: every inode and page taken is given back.
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d := dirs[w]
			for i := range 500 {
				name := fmt.Sprint("f", i%5)
				ino, err := d.Create(c, name, vfs.CreateOpts{Mode: abi.S_IFREG | 0644})
				if err != nil {
					t.Errorf("create: %v", err)
					return
				}
				ops, _ := ino.Open(c, abi.O_RDWR)
				io, _ := usermem.NewIO(usermem.AddrOf(page), len(page))
				if n, err := ops.Write(c, io, 0); n != len(page) || err != nil {
					t.Errorf("write: %d %v", n, err)
				}
				ops.Release()
				if err := d.Unlink(c, name); err != nil {
					t.Errorf("unlink: %v", err)
				}
			}
		}()
	}
	wg.Wait()
	st, _ := fs.StatFS(c)
	if st.Ffree != inodes-1-workers || st.Bfree != pages {
		t.Fatalf("after churn: %d inodes, %d pages free; want %d, %d", st.Ffree, st.Bfree, inodes-1-workers, pages)
	}
	// Fill: together the goroutines get exactly what is left.
	var made, filled atomic.Int64
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d := dirs[w]
			for i := 0; ; i++ {
				ino, err := d.Create(c, fmt.Sprint("g", i), vfs.CreateOpts{Mode: abi.S_IFREG | 0644})
				if err == abi.ENOSPC {
					return
				}
				if err != nil {
					t.Errorf("create: %v", err)
					return
				}
				made.Add(1)
				ops, _ := ino.Open(c, abi.O_RDWR)
				io, _ := usermem.NewIO(usermem.AddrOf(page), len(page))
				if n, _ := ops.Write(c, io, 0); n == len(page) {
					filled.Add(1)
				}
				ops.Release()
			}
		}()
	}
	wg.Wait()
	if got, want := made.Load(), int64(inodes-1-workers); got != want {
		t.Errorf("made %d files, want %d", got, want)
	}
	if got := filled.Load(); got != pages {
		t.Errorf("filled %d pages, want %d", got, pages)
	}
	st, _ = fs.StatFS(c)
	if st.Ffree != 0 || st.Bfree != 0 {
		t.Errorf("when full: %d inodes, %d pages free", st.Ffree, st.Bfree)
	}
	// Remount below what is in use fails; at it, it works.
	if err := fs.Remount(c, 0, fmt.Sprintf("nr_inodes=%d", inodes-1)); err != abi.EINVAL {
		t.Errorf("remount below use: %v", err)
	}
	if err := fs.Remount(c, 0, fmt.Sprintf("nr_inodes=%d,size=%dk", inodes, pages*4)); err != nil {
		t.Errorf("remount at use: %v", err)
	}
}

// TestPermAttr checks that the lock-free copy of the mode and owner
// follows chmod, chown and the set-user-ID drop of a write.
func TestPermAttr(t *testing.T) {
	_, root, c := instance(t, "")
	ino, err := root.Create(c, "f", vfs.CreateOpts{Mode: abi.S_IFREG | 06755, UID: 1, GID: 2})
	if err != nil {
		t.Fatal(err)
	}
	i := ino.(*inode)
	want := func(name string, mode, uid, gid uint32) {
		t.Helper()
		m, u, g := i.PermAttr()
		a := i.Attr()
		if m != mode || u != uid || g != gid || a.Mode != mode || a.UID != uid || a.GID != gid {
			t.Errorf("%s: PermAttr %#o %d %d, Attr %#o %d %d; want %#o %d %d", name, m, u, g, a.Mode, a.UID, a.GID, mode, uid, gid)
		}
	}
	want("create", abi.S_IFREG|06755, 1, 2)
	i.SetAttr(c, &vfs.SetAttr{Mask: vfs.SetMode, Mode: 04711})
	want("chmod", abi.S_IFREG|04711, 1, 2)
	i.SetAttr(c, &vfs.SetAttr{Mask: vfs.SetUID | vfs.SetGID, UID: 7, GID: 8})
	want("chown", abi.S_IFREG|04711, 7, 8)
	c.c = &vfs.Creds{FSUID: 7, FSGID: 8}
	ops, _ := i.Open(c, abi.O_RDWR)
	buf := []byte("x")
	io, _ := usermem.NewIO(usermem.AddrOf(buf), 1)
	if n, err := ops.Write(c, io, 0); n != 1 || err != nil {
		t.Fatalf("write: %d %v", n, err)
	}
	ops.Release()
	want("write", abi.S_IFREG|0711, 7, 8)
}
