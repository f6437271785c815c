package kernel

import (
	"sync"
	"sync/atomic"

	"liblinux/kernel/vfs"
)

// FSContext is a process's root directory, working directory and umask
// (Linux's fs_struct).
//
// Every path walk reads the root and the working directory, from every
// thread of the process at once, so reads take no lock and write nothing:
// they load an immutable snapshot of the two, which chdir and chroot
// replace (copy-on-write, as Linux's path walk reads fs_struct under a
// seqcount instead of its lock). The umask is a word of its own. mu only
// serialises the changes, so that each one starts from the latest
// snapshot and moves the mount references (Mount.Hold) exactly once.
type FSContext struct {
	paths atomic.Pointer[fsPaths] // replaced under mu, never modified
	umask atomic.Uint32

	mu sync.Mutex
}

// fsPaths is one value of the root and the working directory.
type fsPaths struct {
	root, cwd vfs.Path
}

func newFSContext(root vfs.Path) *FSContext {
	root.Mnt.Hold()
	root.Mnt.Hold()
	f := &FSContext{}
	f.paths.Store(&fsPaths{root: root, cwd: root})
	f.umask.Store(022)
	return f
}

// Clone returns a copy (for a new process).
func (f *FSContext) Clone() *FSContext {
	f.mu.Lock()
	defer f.mu.Unlock()
	p := f.paths.Load()
	p.root.Mnt.Hold()
	p.cwd.Mnt.Hold()
	n := &FSContext{}
	n.paths.Store(&fsPaths{root: p.root, cwd: p.cwd})
	n.umask.Store(f.umask.Load())
	return n
}

// Release drops the mounts' use counts when the process goes.
func (f *FSContext) Release() {
	f.mu.Lock()
	defer f.mu.Unlock()
	p := f.paths.Load()
	p.root.Mnt.Release()
	p.cwd.Mnt.Release()
}

// Root and Cwd return the current root and working directory.
func (f *FSContext) Root() vfs.Path { return f.paths.Load().root }

func (f *FSContext) Cwd() vfs.Path { return f.paths.Load().cwd }

// RootCwd returns both, as they were at one moment.
func (f *FSContext) RootCwd() (root, cwd vfs.Path) {
	p := f.paths.Load()
	return p.root, p.cwd
}

// SetCwd changes the working directory (chdir, fchdir).
func (f *FSContext) SetCwd(p vfs.Path) {
	p.Mnt.Hold()
	f.mu.Lock()
	old := f.paths.Load()
	f.paths.Store(&fsPaths{root: old.root, cwd: p})
	f.mu.Unlock()
	old.cwd.Mnt.Release()
}

// SetRoot changes the root directory (chroot).
func (f *FSContext) SetRoot(p vfs.Path) {
	p.Mnt.Hold()
	f.mu.Lock()
	old := f.paths.Load()
	f.paths.Store(&fsPaths{root: p, cwd: old.cwd})
	f.mu.Unlock()
	old.root.Mnt.Release()
}

// Umask returns the file mode creation mask.
func (f *FSContext) Umask() uint32 { return f.umask.Load() }

// SwapUmask sets the mask and returns the old one (umask(2)).
func (f *FSContext) SwapUmask(m uint32) uint32 { return f.umask.Swap(m & 0777) }
