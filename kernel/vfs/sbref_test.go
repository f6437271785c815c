package vfs_test

import (
	"sync"
	"sync/atomic"
	"testing"

	"liblinux/abi"
	"liblinux/kernel/vfs"
)

// sbWithRelease mounts, on /m, a superblock that counts its releases.
func (f *fixture) sbWithRelease(released *atomic.Int32) *vfs.Mount {
	f.t.Helper()
	inner, err := f.tmp.Mount(f.ctx, f.v, "none", 0, "")
	if err != nil {
		f.t.Fatal(err)
	}
	sb := f.v.NewSuperblock(f.tmp, inner.Root().Inode(), func() { released.Add(1) })
	return f.v.Attach(sb, sb.Root(), f.resolve("/m"), 0)
}

// TestSuperblockLifetime checks that an open file keeps a lazily
// unmounted filesystem until it is closed, and that the release runs
// once.
func TestSuperblockLifetime(t *testing.T) {
	f := newFixture(t)
	f.mkdir("/m", 0755)
	var released atomic.Int32

	// Nothing open: the unmount releases.
	m := f.sbWithRelease(&released)
	if err := f.v.Detach(m, false); err != nil {
		t.Fatal(err)
	}
	if n := released.Load(); n != 1 {
		t.Fatalf("releases after umount = %d, want 1", n)
	}

	// Files open: the last close releases.
	released.Store(0)
	f.sbWithRelease(&released)
	var files []*vfs.File
	for range 3 {
		file, err := f.w().Open("/m", abi.O_RDONLY|abi.O_DIRECTORY, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, file)
	}
	m = f.resolve("/m").Mnt
	if err := f.v.Detach(m, false); err != abi.EBUSY {
		t.Fatalf("umount while open: %v, want EBUSY", err)
	}
	if err := f.v.Detach(m, true); err != nil {
		t.Fatal(err)
	}
	for i, file := range files {
		if n := released.Load(); n != 0 {
			t.Fatalf("released with %d files open", len(files)-i)
		}
		file.DecRef()
	}
	if n := released.Load(); n != 1 {
		t.Fatalf("releases after the last close = %d, want 1", n)
	}
}

// TestSuperblockLifetimeConcurrent closes files on other goroutines while
// the filesystem is lazily unmounted: it is released exactly once, after
// every file is closed (run with -race).
func TestSuperblockLifetimeConcurrent(t *testing.T) {
	f := newFixture(t)
	f.mkdir("/m", 0755)
	for range 20 {
		var released atomic.Int32
		f.sbWithRelease(&released)
		var files []*vfs.File
		for range 8 {
			file, err := f.w().Open("/m", abi.O_RDONLY|abi.O_DIRECTORY, 0, 0)
			if err != nil {
				t.Fatal(err)
			}
			files = append(files, file)
		}
		m := f.resolve("/m").Mnt
		var wg sync.WaitGroup
		var closing atomic.Int32 // closes started
		for _, file := range files {
			wg.Add(1)
			go func() {
				defer wg.Done()
				closing.Add(1)
				file.DecRef()
			}()
		}
		if err := f.v.Detach(m, true); err != nil {
			t.Fatal(err)
		}
		if released.Load() == 1 && closing.Load() != int32(len(files)) {
			t.Fatal("released while files were open")
		}
		wg.Wait()
		if n := released.Load(); n != 1 {
			t.Fatalf("releases = %d, want 1", n)
		}
	}
}

// TestSuperblockMountedAgain checks that a superblock a lazy unmount left
// to its open files can be mounted again (the same instance, as Linux's
// sget), that it is then released only after the new mount and the old
// files are gone, and that a released one cannot be mounted: EBUSY.
func TestSuperblockMountedAgain(t *testing.T) {
	f := newFixture(t)
	f.mkdir("/m", 0755)
	f.mkdir("/m2", 0755)
	var released atomic.Int32
	m := f.sbWithRelease(&released)
	sb := m.Superblock()
	file, err := f.w().Open("/m", abi.O_RDONLY|abi.O_DIRECTORY, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.v.Detach(m, true); err != nil {
		t.Fatal(err)
	}
	m2, err := f.v.AttachAgain(sb, f.resolve("/m2"), 0, "none")
	if err != nil {
		t.Fatalf("mount again after a lazy unmount: %v", err)
	}
	if got := f.resolve("/m2"); got.Mnt != m2 || got.D.Inode() != file.Path().D.Inode() {
		t.Fatal("the new mount does not show the same filesystem")
	}
	file.DecRef()
	if n := released.Load(); n != 0 {
		t.Fatalf("released while mounted again (%d)", n)
	}
	if err := f.v.Detach(m2, false); err != nil {
		t.Fatal(err)
	}
	if n := released.Load(); n != 1 {
		t.Fatalf("releases after the last unmount = %d, want 1", n)
	}
	if _, err := f.v.AttachAgain(sb, f.resolve("/m2"), 0, "none"); err != abi.EBUSY {
		t.Fatalf("mount of a released superblock: %v, want EBUSY", err)
	}
}

// TestSuperblockMountedAgainRace mounts a lazily unmounted superblock
// again while its last files close on other goroutines: either the mount
// wins (and nothing is released until it goes) or the release does (and
// the mount gives EBUSY); the release runs once (run with -race).
func TestSuperblockMountedAgainRace(t *testing.T) {
	f := newFixture(t)
	f.mkdir("/m", 0755)
	f.mkdir("/m2", 0755)
	for round := range 50 {
		var released atomic.Int32
		m := f.sbWithRelease(&released)
		sb := m.Superblock()
		var files []*vfs.File
		for range 4 {
			file, err := f.w().Open("/m", abi.O_RDONLY|abi.O_DIRECTORY, 0, 0)
			if err != nil {
				t.Fatal(err)
			}
			files = append(files, file)
		}
		if err := f.v.Detach(m, true); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for _, file := range files {
			wg.Add(1)
			go func() {
				defer wg.Done()
				file.DecRef()
			}()
		}
		m2, err := f.v.AttachAgain(sb, f.resolve("/m2"), 0, "none")
		wg.Wait()
		switch err {
		case nil:
			if n := released.Load(); n != 0 {
				t.Fatalf("round %d: released while mounted again", round)
			}
			if err := f.v.Detach(m2, false); err != nil {
				t.Fatal(err)
			}
		case abi.EBUSY:
		default:
			t.Fatalf("round %d: mount again: %v", round, err)
		}
		if n := released.Load(); n != 1 {
			t.Fatalf("round %d: releases = %d, want 1", round, n)
		}
	}
}
