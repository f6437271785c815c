package kernel

import (
	"sync"

	"liblinux/kernel/vfs"
)

// FSContext is a process's root directory, working directory and umask
// (Linux's fs_struct).
type FSContext struct {
	mu    sync.RWMutex
	root  vfs.Path // protected by mu
	cwd   vfs.Path // protected by mu
	umask uint32   // protected by mu
}

func newFSContext(root vfs.Path) *FSContext {
	root.Mnt.Hold()
	root.Mnt.Hold()
	return &FSContext{root: root, cwd: root, umask: 022}
}

// Clone returns a copy (for a new process).
func (f *FSContext) Clone() *FSContext {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.root.Mnt.Hold()
	f.cwd.Mnt.Hold()
	return &FSContext{root: f.root, cwd: f.cwd, umask: f.umask}
}

// Release drops the mounts' use counts when the process goes.
func (f *FSContext) Release() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.root.Mnt.Release()
	f.cwd.Mnt.Release()
}

// Root and Cwd return the current root and working directory.
func (f *FSContext) Root() vfs.Path {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.root
}

func (f *FSContext) Cwd() vfs.Path {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.cwd
}

// RootCwd returns both under one lock.
func (f *FSContext) RootCwd() (root, cwd vfs.Path) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.root, f.cwd
}

// SetCwd changes the working directory (chdir, fchdir).
func (f *FSContext) SetCwd(p vfs.Path) {
	p.Mnt.Hold()
	f.mu.Lock()
	old := f.cwd
	f.cwd = p
	f.mu.Unlock()
	old.Mnt.Release()
}

// SetRoot changes the root directory (chroot).
func (f *FSContext) SetRoot(p vfs.Path) {
	p.Mnt.Hold()
	f.mu.Lock()
	old := f.root
	f.root = p
	f.mu.Unlock()
	old.Mnt.Release()
}

// Umask returns the file mode creation mask.
func (f *FSContext) Umask() uint32 {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.umask
}

// SwapUmask sets the mask and returns the old one (umask(2)).
func (f *FSContext) SwapUmask(m uint32) uint32 {
	f.mu.Lock()
	defer f.mu.Unlock()
	old := f.umask
	f.umask = m & 0777
	return old
}
