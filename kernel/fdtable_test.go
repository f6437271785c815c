package kernel

import (
	"sync"
	"testing"

	"liblinux/abi"
	"liblinux/kernel/vfs"
)

func newTestFile() *vfs.File { return vfs.NewFile(vfs.Path{}, vfs.DirFile{}, abi.O_RDONLY) }

// TestFDTableCloexec checks FD_CLOEXEC through install, dup2, fcntl,
// growth past the first array and fork.
func TestFDTableCloexec(t *testing.T) {
	ft := newFDTable(nil)
	f := newTestFile()
	defer f.DecRef()
	want := map[int32]bool{}
	for i := range 70 {
		fd, err := ft.Install(f, 0, i%3 == 0, 1024)
		if err != nil || fd != int32(i) {
			t.Fatalf("Install %d = %d, %v", i, fd, err)
		}
		want[fd] = i%3 == 0
	}
	if err := ft.SetCloexec(5, true); err != nil {
		t.Fatal(err)
	}
	want[5] = true
	if err := ft.SetCloexec(6, false); err != nil {
		t.Fatal(err)
	}
	want[6] = false
	if err := ft.InstallAt(200, f, true, 1024); err != nil {
		t.Fatal(err)
	}
	want[200] = true
	if err := ft.InstallAt(3, f, false, 1024); err != nil { // replaces a cloexec fd
		t.Fatal(err)
	}
	want[3] = false
	if got := ft.Size(); got != 256 {
		t.Errorf("Size() = %d, want 256", got)
	}
	check := func(name string, ft *FDTable) {
		t.Helper()
		for fd, w := range want {
			g, on, err := ft.GetFlags(fd)
			if err != nil || g != f || on != w {
				t.Errorf("%s: GetFlags(%d) = %v, %v, want cloexec %v", name, fd, on, err, w)
				continue
			}
			g.DecRef()
		}
	}
	check("table", ft)
	check("fork", ft.Fork())

	// A closed descriptor reused without FD_CLOEXEC loses the old flag.
	if g, err := ft.Remove(0); err != nil || g != f {
		t.Fatalf("Remove(0) = %v", err)
	} else {
		g.DecRef()
	}
	if fd, err := ft.Install(f, 0, false, 1024); err != nil || fd != 0 {
		t.Fatalf("Install = %d, %v, want 0", fd, err)
	}
	want[0] = false
	check("reused", ft)
	if err := ft.SetCloexec(100, true); err != abi.EBADF {
		t.Errorf("SetCloexec on a free fd: %v, want EBADF", err)
	}
	if _, _, err := ft.GetFlags(100); err != abi.EBADF {
		t.Errorf("GetFlags on a free fd: %v, want EBADF", err)
	}
}

// TestFDTableConcurrent installs, looks up and removes descriptors from
// several goroutines (run with -race): each sees its own descriptors, and
// the table ends empty with every reference dropped.
func TestFDTableConcurrent(t *testing.T) {
	ft := newFDTable(nil)
	f := newTestFile()
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 2000 {
				cloexec := (i+g)%2 == 0
				fd, err := ft.Install(f, 0, cloexec, 1<<20)
				if err != nil {
					t.Error(err)
					return
				}
				got, on, err := ft.GetFlags(fd)
				if err != nil || got != f || on != cloexec {
					t.Errorf("GetFlags(%d) = %v, %v; want cloexec %v", fd, on, err, cloexec)
					return
				}
				got.DecRef()
				r, err := ft.Remove(fd)
				if err != nil {
					t.Error(err)
					return
				}
				r.DecRef()
			}
		}()
	}
	wg.Wait()
	if fds := ft.Fds(); len(fds) != 0 {
		t.Errorf("Fds() = %v, want none", fds)
	}
	if !f.TryIncRef() {
		t.Fatal("file released while the test holds it")
	}
	f.DecRef()
	f.DecRef()
	if f.TryIncRef() {
		t.Error("file still referenced after the last DecRef")
	}
}

// TestFDTableLowestAfterRaces closes and opens descriptors from several
// goroutines at once; afterwards every open must again get the lowest
// free descriptor, in the table and in a fork of it: no close was lost
// behind the lowest-free hint.
func TestFDTableLowestAfterRaces(t *testing.T) {
	ft := newFDTable(nil)
	f := newTestFile()
	const n = 200
	for i := range n {
		if fd, err := ft.Install(f, 0, false, 1024); err != nil || fd != int32(i) {
			t.Fatalf("Install = %d, %v", fd, err)
		}
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := g; i < n; i += 4 {
				if i%3 == 0 {
					continue // stays open
				}
				r, err := ft.Remove(int32(i))
				if err != nil {
					t.Error(err)
					return
				}
				r.DecRef()
				if i%5 == 0 {
					// Reopen: some lowest free descriptor.
					if _, err := ft.Install(f, 0, false, 1024); err != nil {
						t.Error(err)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	open := map[int32]bool{}
	for _, fd := range ft.Fds() {
		open[fd] = true
	}
	fork := ft.Fork()
	for _, tab := range []*FDTable{ft, fork} {
		want := int32(0)
		for k := 0; k < 50; k++ {
			for open[want] {
				want++
			}
			fd, err := tab.Install(f, 0, false, 1024)
			if err != nil || fd != want {
				t.Fatalf("Install = %d, %v; want lowest free %d", fd, err, want)
			}
			want++
		}
		for _, fd := range tab.Fds() {
			if r, err := tab.Remove(fd); err == nil {
				r.DecRef()
			}
		}
		if fd, err := tab.Install(f, 0, false, 1024); err != nil || fd != 0 {
			t.Fatalf("Install on an empty table = %d, %v", fd, err)
		}
	}
}

// TestFDTableDup2Races runs dup2 onto descriptors that other goroutines
// open and close at the same time (run with -race): every file's
// references balance, whatever the interleaving, and each descriptor
// ends holding one file with the flag its last writer gave it.
func TestFDTableDup2Races(t *testing.T) {
	ft := newFDTable(nil)
	a, b := newTestFile(), newTestFile()
	var wg sync.WaitGroup
	for g := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 3000 {
				fd, err := ft.Install(a, 0, i%2 == 0, 1<<20)
				if err != nil {
					t.Error(err)
					return
				}
				if g == 0 && i%4 == 0 {
					if f, err := ft.Remove(fd); err == nil {
						f.DecRef()
					}
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range 3000 {
			// EBUSY: another goroutine's Install has claimed the slot
			// and not filled it yet (do_dup2's answer).
			if err := ft.InstallAt(int32(i%100), b, true, 1<<20); err != nil && err != abi.EBUSY {
				t.Error(err)
				return
			}
			if i%7 == 0 {
				ft.SetCloexec(int32(i%100), false)
			}
		}
	}()
	wg.Wait()
	// Every descriptor holds a or b; closing all leaves only the test's
	// own references.
	for _, fd := range ft.Fds() {
		f, _, err := ft.GetFlags(fd)
		if err != nil || (f != a && f != b) {
			t.Fatalf("fd %d: %v, %v", fd, f, err)
		}
		f.DecRef()
	}
	fork := ft.Fork()
	if got, want := len(fork.Fds()), len(ft.Fds()); got != want {
		t.Fatalf("fork has %d descriptors, want %d", got, want)
	}
	fork.CloseAll()
	ft.CloseAll()
	for _, f := range []*vfs.File{a, b} {
		f.DecRef()
		if f.TryIncRef() {
			t.Error("a file is still referenced after every descriptor closed")
		}
	}
}

// TestFDTableDup2OntoReserved checks that dup2 onto a descriptor another
// thread's open has claimed but not filled gives EBUSY and leaves the
// claim alone, and that lookups and close see no file there.
func TestFDTableDup2OntoReserved(t *testing.T) {
	ft := newFDTable(nil)
	f := newTestFile()
	defer f.DecRef()
	ft.dir.Load().slot(3).Store(fdReserved)
	if err := ft.InstallAt(3, f, false, 1024); err != abi.EBUSY {
		t.Fatalf("dup2 onto a reserved slot = %v, want EBUSY", err)
	}
	if got := ft.dir.Load().slot(3).Load(); got != fdReserved {
		t.Fatalf("slot 3 = %p, want still reserved", got)
	}
	if _, err := ft.Get(3); err != abi.EBADF {
		t.Errorf("Get(3) = %v, want EBADF", err)
	}
	if _, err := ft.Remove(3); err != abi.EBADF {
		t.Errorf("Remove(3) = %v, want EBADF", err)
	}
	if fd, err := ft.Install(f, 0, false, 1024); fd != 0 || err != nil {
		t.Errorf("Install = %d, %v; want 0", fd, err)
	}
	if fd, err := ft.Install(f, 3, false, 1024); fd != 4 || err != nil {
		t.Errorf("Install from 3 = %d, %v; want 4 (3 is claimed)", fd, err)
	}
	ft.dir.Load().slot(3).Store(nil)
	ft.CloseAll()
}
