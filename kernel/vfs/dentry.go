package vfs

import (
	"sync"
	"sync/atomic"
)

var dentryIDs atomic.Uint64

// Dentry is a name in the directory tree bound to an inode. The VFS keeps
// the dentries it has looked up; a filesystem never sees them.
type Dentry struct {
	id    uint64 // immutable; orders locking of two directories
	inode Inode  // immutable
	sb    *Superblock

	// name and parent change on rename; protected by sb.renameMu for
	// writers, read under the parent's mu or renameMu.
	name   string
	parent *Dentry

	mu       sync.Mutex
	children map[string]*Dentry // cached lookups; protected by mu
	dead     bool               // unlinked or removed; protected by mu

	mounts atomic.Int32 // number of mounts on this dentry
}

func newDentry(sb *Superblock, parent *Dentry, name string, inode Inode) *Dentry {
	return &Dentry{id: dentryIDs.Add(1), sb: sb, parent: parent, name: name, inode: inode}
}

// Dynamic is implemented by directory inodes whose entries change
// without the VFS knowing (procfs): their lookups are never cached.
type Dynamic interface{ DynamicDir() }

// Inode returns the dentry's inode.
func (d *Dentry) Inode() Inode { return d.inode }

// Superblock returns the filesystem the dentry belongs to.
func (d *Dentry) Superblock() *Superblock { return d.sb }

// Attr returns the inode's attributes with the device filled in.
func (d *Dentry) Attr() Attr {
	a := d.inode.Attr()
	a.Dev = d.sb.Dev
	return a
}

// IsDead reports whether the dentry was removed from the tree.
func (d *Dentry) IsDead() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.dead
}

// childLocked returns the cached or looked-up child name.
//
// Preconditions: d.mu is held; d is a directory.
func (d *Dentry) childLocked(ctx Context, name string) (*Dentry, error) {
	c, ok := d.children[name]
	if _, dynamic := d.inode.(Dynamic); dynamic {
		// Ask the filesystem every time; keep a cached dentry only while
		// something is mounted on it.
		if ok && c.mounts.Load() > 0 {
			return c, nil
		}
		ino, err := d.inode.Lookup(ctx, name)
		if err != nil {
			if ok {
				d.removeChildLocked(name)
			}
			return nil, err
		}
		return d.addChildLocked(name, ino), nil
	}
	if ok {
		return c, nil
	}
	if d.dead {
		return nil, errNoEnt
	}
	ino, err := d.inode.Lookup(ctx, name)
	if err != nil {
		return nil, err
	}
	return d.addChildLocked(name, ino), nil
}

// addChildLocked caches a new child. Preconditions: d.mu is held.
func (d *Dentry) addChildLocked(name string, ino Inode) *Dentry {
	c := newDentry(d.sb, d, name, ino)
	if d.children == nil {
		d.children = make(map[string]*Dentry)
	}
	d.children[name] = c
	return c
}

// removeChildLocked drops a child from the cache and marks it dead.
// Preconditions: d.mu is held.
func (d *Dentry) removeChildLocked(name string) {
	if c, ok := d.children[name]; ok {
		delete(d.children, name)
		c.mu.Lock()
		c.dead = true
		c.mu.Unlock()
	}
}

// Child looks up one name in the directory d without crossing mounts or
// following symlinks. Callers that walk paths use the VFS walk instead.
func (d *Dentry) Child(ctx Context, name string) (*Dentry, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.childLocked(ctx, name)
}

// lockTwo locks two distinct directories in a fixed order.
func lockTwo(a, b *Dentry) {
	if a == b {
		a.mu.Lock()
		return
	}
	if a.id > b.id {
		a, b = b, a
	}
	a.mu.Lock()
	b.mu.Lock()
}

func unlockTwo(a, b *Dentry) {
	a.mu.Unlock()
	if a != b {
		b.mu.Unlock()
	}
}

// isAncestor reports whether a is d or one of d's ancestors in the same
// filesystem. Preconditions: sb.renameMu is held.
func isAncestor(a, d *Dentry) bool {
	for ; d != nil; d = d.parent {
		if d == a {
			return true
		}
	}
	return false
}
