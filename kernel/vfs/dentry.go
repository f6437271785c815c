package vfs

import (
	"strings"
	"sync"
	"sync/atomic"

	"liblinux/abi"
)

// Dentry is a name in the directory tree bound to an inode. The VFS keeps
// the dentries it has looked up; a filesystem never sees them.
type Dentry struct {
	id      uint64 // orders locking of two unrelated directories; set lazily under sb.renameMu
	inode   Inode  // immutable
	sb      *Superblock
	typ     uint32 // S_IFMT bits of the inode; immutable
	dynamic bool   // the inode is Dynamic; immutable

	// parent changes on rename (written under sb.renameMu and the old and
	// new parents' mu); nil for a root or a detached dentry.
	parent atomic.Pointer[Dentry]
	// name changes on rename; written under sb.renameMu and both parents'
	// mu, read under the parent's mu or sb.renameMu.
	name string

	mu       sync.RWMutex
	children map[string]*Dentry // cached lookups; protected by mu

	// snap is a read-only copy of children that lookups read with no
	// lock at all, or nil. Every change of children (under mu, for
	// writing) clears it first thing after the change, so a snapshot
	// that is there is the current set of names. slowReads counts the
	// lookups that found a name under mu since the last change; once
	// they outnumber the names, one of them copies the map (the copy
	// costs about what those lookups did), so directories that are
	// read far more than changed, such as / in every absolute path,
	// are walked by all CPUs without writing to a shared cache line.
	snap      atomic.Pointer[map[string]*Dentry]
	slowReads atomic.Int32

	dead     atomic.Bool  // removed from the tree; set under the parent's mu
	linkable atomic.Bool  // an O_TMPFILE file that linkat may name
	mounts   atomic.Int32 // number of mounts on this dentry

	// The padding makes a Dentry exactly two cache lines, which the
	// allocator places on a line boundary: the locks of two directories
	// made one after the other (each CPU working in its own) never
	// share a line.
	_ [8]byte
}

func newDentry(sb *Superblock, parent *Dentry, name string, inode Inode, typ uint32) *Dentry {
	d := &Dentry{sb: sb, name: name, inode: inode, typ: typ}
	d.parent.Store(parent)
	_, d.dynamic = inode.(Dynamic)
	return d
}

// newDentryOf is newDentry for an inode whose type the caller does not know.
func newDentryOf(sb *Superblock, parent *Dentry, name string, inode Inode) *Dentry {
	a := inode.Attr()
	return newDentry(sb, parent, name, inode, a.Type())
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

// Type returns the S_IFMT bits of the inode's mode.
func (d *Dentry) Type() uint32 { return d.typ }

// IsDir reports whether the dentry is a directory.
func (d *Dentry) IsDir() bool { return d.typ == abi.S_IFDIR }

// IsDead reports whether the dentry was removed from the tree.
func (d *Dentry) IsDead() bool { return d.dead.Load() }

// lookup returns the child name of directory d from the cache or the
// filesystem; ENOENT if there is none.
func (d *Dentry) lookup(ctx Context, name string) (*Dentry, error) {
	if !d.dynamic {
		if m := d.snap.Load(); m != nil {
			if c := (*m)[name]; c != nil {
				return c, nil
			}
		} else {
			d.mu.RLock()
			c := d.children[name]
			if c != nil && d.slowReads.Add(1) == snapAfter(len(d.children)) {
				d.publishSnapLocked()
			}
			d.mu.RUnlock()
			if c != nil {
				return c, nil
			}
		}
	}
	d.mu.Lock()
	c, err := d.childLocked(ctx, name)
	d.mu.Unlock()
	return c, err
}

// snapAfter is how many lookups under the lock a directory of n cached
// names takes before it publishes a snapshot.
func snapAfter(n int) int32 { return int32(min(n, 1<<30)) + 8 }

// publishSnapLocked copies children into snap.
//
// Preconditions: d.mu is held (for reading is enough: changes, which
// clear snap, are excluded).
func (d *Dentry) publishSnapLocked() {
	m := make(map[string]*Dentry, len(d.children))
	for k, v := range d.children {
		m[k] = v
	}
	d.snap.Store(&m)
}

// changedLocked records a change of d's cached names: the snapshot goes.
//
// Preconditions: d.mu is held for writing.
func (d *Dentry) changedLocked() {
	if d.snap.Load() != nil {
		d.snap.Store(nil)
	}
	if d.slowReads.Load() != 0 {
		d.slowReads.Store(0)
	}
}

// setChildLocked caches c as the child name.
//
// Preconditions: d.mu is held for writing.
func (d *Dentry) setChildLocked(name string, c *Dentry) {
	if d.children == nil {
		d.children = make(map[string]*Dentry)
	}
	d.children[name] = c
	d.changedLocked()
}

// deleteChildLocked drops the cached child name without marking it dead
// (it moves elsewhere).
//
// Preconditions: d.mu is held for writing.
func (d *Dentry) deleteChildLocked(name string) {
	delete(d.children, name)
	d.changedLocked()
}

// childLocked returns the cached or looked-up child name.
//
// Preconditions: d.mu is held for writing; d is a directory.
func (d *Dentry) childLocked(ctx Context, name string) (*Dentry, error) {
	c, ok := d.children[name]
	if d.dynamic {
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
		if ok && c.inode == ino {
			return c, nil
		}
		return d.addChildLocked(name, ino, 0), nil
	}
	if ok {
		return c, nil
	}
	if d.dead.Load() {
		return nil, abi.ENOENT
	}
	ino, err := d.inode.Lookup(ctx, name)
	if err != nil {
		return nil, err
	}
	return d.addChildLocked(name, ino, 0), nil
}

// addChildLocked caches a new child; typ is its S_IFMT bits, or 0 to ask
// the inode. Preconditions: d.mu is held for writing.
func (d *Dentry) addChildLocked(name string, ino Inode, typ uint32) *Dentry {
	name = strings.Clone(name) // do not pin the caller's path string
	var c *Dentry
	if typ == 0 {
		c = newDentryOf(d.sb, d, name, ino)
	} else {
		c = newDentry(d.sb, d, name, ino, typ)
	}
	d.setChildLocked(name, c)
	return c
}

// removeChildLocked drops a child from the cache and marks it dead.
// Preconditions: d.mu is held for writing.
func (d *Dentry) removeChildLocked(name string) {
	if c, ok := d.children[name]; ok {
		d.deleteChildLocked(name)
		c.dead.Store(true)
	}
}

// Child looks up one name in the directory d without crossing mounts or
// following symlinks. Callers that walk paths use the VFS walk instead.
func (d *Dentry) Child(ctx Context, name string) (*Dentry, error) {
	if d.typ != abi.S_IFDIR {
		return nil, abi.ENOTDIR
	}
	return d.lookup(ctx, name)
}

// lockTwo locks two directories for a rename: an ancestor before its
// descendant, unrelated directories in id order.
//
// Preconditions: sb.renameMu is held (the tree's shape cannot change).
func lockTwo(a, b *Dentry) {
	if a == b {
		a.mu.Lock()
		return
	}
	switch {
	case isAncestor(a, b):
	case isAncestor(b, a):
		a, b = b, a
	default:
		for _, d := range []*Dentry{a, b} {
			if d.id == 0 {
				d.sb.nextID++
				d.id = d.sb.nextID
			}
		}
		if a.id > b.id {
			a, b = b, a
		}
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
	for ; d != nil; d = d.parent.Load() {
		if d == a {
			return true
		}
	}
	return false
}

// childOn returns the child of a on the way down to d (a proper ancestor
// of d), or nil. Preconditions: sb.renameMu is held.
func childOn(a, d *Dentry) *Dentry {
	for d != nil {
		p := d.parent.Load()
		if p == a {
			return d
		}
		d = p
	}
	return nil
}
