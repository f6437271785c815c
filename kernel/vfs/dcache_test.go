package vfs_test

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"liblinux/abi"
	"liblinux/kernel/vfs"
	"liblinux/kernel/waiter"
)

// lookupMany resolves p n times and returns the last result.
func (f *fixture) lookupMany(p string, n int) vfs.Path {
	f.t.Helper()
	var r vfs.Path
	for range n {
		r = f.resolve(p)
	}
	return r
}

// TestDcacheSnapshot checks that a directory read far more than changed
// gets a lock-free copy of its names, and that every kind of change drops
// it so that no lookup sees a name that is gone.
func TestDcacheSnapshot(t *testing.T) {
	f := newFixture(t)
	f.mkdir("/d", 0755)
	for i := range 4 {
		f.mkfile(fmt.Sprintf("/d/f%d", i), 0644)
	}
	d := f.resolve("/d").D
	if vfs.HasSnapshot(d) {
		t.Fatal("snapshot right after the names were created")
	}
	a := f.lookupMany("/d/f0", 20).D
	if !vfs.HasSnapshot(d) {
		t.Fatal("no snapshot after 20 lookups of 4 names")
	}
	if got := f.resolve("/d/f0").D; got != a {
		t.Fatalf("lookup through the snapshot gave another dentry")
	}

	steps := []struct {
		name   string
		change func() error
		gone   []string
		there  []string
	}{
		{"unlink", func() error { return f.w().Unlink("/d/f0") }, []string{"/d/f0"}, []string{"/d/f1"}},
		{"create", func() error { f.mkfile("/d/f0", 0644); return nil }, nil, []string{"/d/f0"}},
		{"rename", func() error { return vfs.Rename(f.ctx, f.w(), "/d/f1", f.w(), "/d/g1", 0) }, []string{"/d/f1"}, []string{"/d/g1"}},
		{"rename over", func() error { return vfs.Rename(f.ctx, f.w(), "/d/g1", f.w(), "/d/f2", 0) }, []string{"/d/g1"}, []string{"/d/f2"}},
		{"mkdir", func() error { return f.w().Mkdir("/d/sub", 0755, 0) }, nil, []string{"/d/sub"}},
		{"rmdir", func() error { return f.w().Rmdir("/d/sub") }, []string{"/d/sub"}, nil},
		{"symlink", func() error { return f.w().Symlink("f0", "/d/l") }, nil, []string{"/d/l"}},
		{"link", func() error { return f.w().Link(f.resolve("/d/f3"), "/d/h3") }, nil, []string{"/d/h3"}},
	}
	for _, s := range steps {
		f.lookupMany("/d/f3", 40)
		if !vfs.HasSnapshot(d) {
			t.Fatalf("%s: no snapshot before the change", s.name)
		}
		if err := s.change(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if vfs.HasSnapshot(d) {
			t.Fatalf("%s: snapshot kept after the change", s.name)
		}
		for _, p := range s.gone {
			if _, err := f.w().Resolve(p, vfs.WalkNoFollow); errOf(err) != abi.ENOENT {
				t.Errorf("%s: resolve %s: %v, want ENOENT", s.name, p, err)
			}
		}
		for _, p := range s.there {
			f.lookupMany(p, 40)
			if !vfs.HasSnapshot(d) {
				t.Fatalf("%s: no snapshot after lookups of %s", s.name, p)
			}
			if _, err := f.w().Resolve(p, vfs.WalkNoFollow); err != nil {
				t.Errorf("%s: resolve %s through the snapshot: %v", s.name, p, err)
			}
		}
	}

	// An exchange swaps the two dentries' names.
	f0, f2 := f.resolve("/d/f0").D, f.resolve("/d/f2").D
	f.lookupMany("/d/f0", 40)
	if err := vfs.Rename(f.ctx, f.w(), "/d/f0", f.w(), "/d/f2", abi.RENAME_EXCHANGE); err != nil {
		t.Fatal(err)
	}
	if got := f.lookupMany("/d/f0", 40).D; got != f2 {
		t.Error("after exchange /d/f0 is not the old /d/f2")
	}
	if got := f.resolve("/d/f2").D; got != f0 {
		t.Error("after exchange /d/f2 is not the old /d/f0")
	}
}

// syncCtx is a vfs.Context that goroutines may share.
type syncCtx struct{ now atomic.Int64 }

func (c *syncCtx) Creds() *vfs.Creds                { return vfs.RootCreds() }
func (c *syncCtx) Now() vfs.Time                    { return vfs.TimeFromNanos(c.now.Add(1000)) }
func (c *syncCtx) Block(*waiter.Event, int64) error { return abi.EINTR }

// TestDcacheConcurrent walks one directory from several goroutines while
// another changes names in it: a name that is never changed must always
// be found, as the same dentry, and each change must be seen by the
// changer's next lookup (run with -race).
func TestDcacheConcurrent(t *testing.T) {
	f := newFixture(t)
	c := &syncCtx{}
	c.now.Store(1e18)
	w := &vfs.Walker{V: f.v, Ctx: c, Root: f.root, Start: f.root}
	if err := w.Mkdir("/d", 0755, 0); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"/d/keep", "/d/other"} {
		file, err := w.Open(n, abi.O_CREAT|abi.O_WRONLY, 0644, 0)
		if err != nil {
			t.Fatal(err)
		}
		file.DecRef()
	}
	keep, err := w.Resolve("/d/keep", 0)
	if err != nil {
		t.Fatal(err)
	}
	var stop atomic.Bool
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				p, err := w.Resolve("/d/keep", 0)
				if err != nil || p.D != keep.D {
					errs <- fmt.Errorf("resolve /d/keep: %v, same dentry %v", err, p.D == keep.D)
					return
				}
			}
		}()
	}
	for i := range 2000 {
		name := fmt.Sprintf("/d/n%d", i%7)
		file, err := w.Open(name, abi.O_CREAT|abi.O_EXCL|abi.O_WRONLY, 0644, 0)
		if err != nil {
			t.Fatalf("create %s: %v", name, err)
		}
		file.DecRef()
		for range 20 {
			if _, err := w.Resolve(name, 0); err != nil {
				t.Fatalf("resolve %s after create: %v", name, err)
			}
		}
		if err := w.Unlink(name); err != nil {
			t.Fatalf("unlink %s: %v", name, err)
		}
		if _, err := w.Resolve(name, 0); errOf(err) != abi.ENOENT {
			t.Fatalf("resolve %s after unlink: %v, want ENOENT", name, err)
		}
	}
	stop.Store(true)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
