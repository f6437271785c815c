package kernel

import (
	"sync"
	"sync/atomic"
	"testing"

	"liblinux/abi"
	"liblinux/hostops/fake"
	"liblinux/kernel/fs/tmpfs"
	"liblinux/kernel/mm"
	"liblinux/kernel/vfs"
	"liblinux/kernel/waiter"
)

type testCtx struct{}

func (testCtx) Creds() *vfs.Creds                { return vfs.RootCreds() }
func (testCtx) Now() vfs.Time                    { return vfs.TimeFromNanos(1e18) }
func (testCtx) Block(*waiter.Event, int64) error { return abi.EINTR }

// newTestVFS returns a namespace with a tmpfs root, a directory /d and a
// second tmpfs mounted on /m.
func newTestVFS(t *testing.T) (v *vfs.VFS, root, d, m vfs.Path) {
	mem := mm.New(fake.New(), 16<<20)
	t.Cleanup(mem.Close)
	tt := &tmpfs.Type{Mem: mem}
	v = vfs.New()
	sb, err := tt.Mount(testCtx{}, v, "rootfs", 0, "")
	if err != nil {
		t.Fatal(err)
	}
	root = v.SetRoot(sb, 0)
	w := &vfs.Walker{V: v, Ctx: testCtx{}, Root: root, Start: root}
	for _, p := range []string{"/d", "/m"} {
		if err := w.Mkdir(p, 0755, 0); err != nil {
			t.Fatal(err)
		}
	}
	msb, err := tt.Mount(testCtx{}, v, "none", 0, "")
	if err != nil {
		t.Fatal(err)
	}
	at, _ := w.Resolve("/m", 0)
	v.Attach(msb, msb.Root(), at, 0)
	if d, err = w.Resolve("/d", 0); err != nil {
		t.Fatal(err)
	}
	if m, err = w.Resolve("/m", 0); err != nil {
		t.Fatal(err)
	}
	return v, root, d, m
}

// TestFSContextMountUse checks that the working directory and root hold
// their mounts busy exactly while they are in them.
func TestFSContextMountUse(t *testing.T) {
	v, root, d, m := newTestVFS(t)
	fs := newFSContext(root)
	fs.SetCwd(m)
	if err := v.Detach(m.Mnt, false); err != abi.EBUSY {
		t.Fatalf("umount of the cwd's mount: %v, want EBUSY", err)
	}
	clone := fs.Clone()
	fs.SetCwd(d)
	if err := v.Detach(m.Mnt, false); err != abi.EBUSY {
		t.Fatalf("umount of the clone's cwd mount: %v, want EBUSY", err)
	}
	clone.SetRoot(m)
	clone.SetCwd(root)
	if err := v.Detach(m.Mnt, false); err != abi.EBUSY {
		t.Fatalf("umount of the clone's root mount: %v, want EBUSY", err)
	}
	if r, c := clone.RootCwd(); r != m || c != root {
		t.Fatalf("clone RootCwd = %v, %v", r, c)
	}
	clone.Release()
	if err := v.Detach(m.Mnt, false); err != nil {
		t.Fatalf("umount after the last user left: %v", err)
	}
	if got := fs.Umask(); got != 022 {
		t.Errorf("Umask() = %#o, want 022", got)
	}
	if old := fs.SwapUmask(0777 | 07000); old != 022 || fs.Umask() != 0777 {
		t.Errorf("SwapUmask: old %#o, now %#o", old, fs.Umask())
	}
}

// TestFSContextConcurrent reads the root and working directory while
// another goroutine changes them (run with -race): every read is a pair
// that was set together.
func TestFSContextConcurrent(t *testing.T) {
	_, root, d, m := newTestVFS(t)
	fs := newFSContext(root)
	var stop atomic.Bool
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				r, c := fs.RootCwd()
				// The states in turn: (/, /), (/, d), (d, d), (d, m), (/, m).
				if !(r == root && (c == root || c == d || c == m) || r == d && (c == d || c == m)) {
					t.Errorf("RootCwd = %v, %v: never set together", r, c)
					return
				}
			}
		}()
	}
	for range 5000 {
		fs.SetCwd(d)
		fs.SetRoot(d)
		fs.SetCwd(m)
		fs.SetRoot(root)
		fs.SetCwd(root)
	}
	stop.Store(true)
	wg.Wait()
}
