package sysfs

import (
	"strings"
	"sync"
	"sync/atomic"

	"liblinux/abi"
	"liblinux/kernel/vfs"
)

// Attribute is an attribute file: what reading and writing it do.
type Attribute struct {
	// Mode is the permission bits: 0444 read-only, 0644 read-write,
	// 0200 write-only, ...
	Mode uint32
	// Show returns the file's contents (at most a page is shown). nil for
	// a write-only attribute.
	Show func() string
	// Store takes one write(2) as it came, trailing newline included, and
	// returns an error to fail the write. nil for a read-only attribute.
	Store func(s string) error
}

// Tree is one kernel's sysfs hierarchy. Subsystems publish their objects
// in it by path ("devices/virtual/net/lo/mtu"); every mount of sysfs shows
// the tree as it is at the time of each lookup. Paths are relative to the
// sysfs root; a leading slash is ignored.
type Tree struct {
	now  func() vfs.Time
	inos atomic.Uint64

	mu   sync.RWMutex
	root *node
}

// NewTree returns a tree with sysfs's top-level directories: block, bus,
// class, dev, devices, firmware, fs, kernel, module, power. now stamps the
// files it creates.
func NewTree(now func() vfs.Time) *Tree {
	t := &Tree{now: now}
	t.root = t.newNode("", abi.S_IFDIR|0555)
	for _, d := range []string{"block", "bus", "class", "dev", "devices", "firmware", "fs", "kernel", "module", "power"} {
		t.Mkdir(d)
	}
	return t
}

func (t *Tree) newNode(name string, mode uint32) *node {
	n := &node{t: t, name: name, ino: t.inos.Add(1), mode: mode, time: t.now()}
	if mode&abi.S_IFMT == abi.S_IFDIR {
		n.children = make(map[string]*node)
	}
	return n
}

func split(path string) []string {
	var out []string
	for _, c := range strings.Split(path, "/") {
		if c != "" {
			out = append(out, c)
		}
	}
	return out
}

// dirLocked returns the directory at comps, creating missing ones when
// create is set. Preconditions: t.mu is held (for writing if create).
func (t *Tree) dirLocked(comps []string, create bool) (*node, error) {
	d := t.root
	for _, c := range comps {
		next, ok := d.children[c]
		if !ok {
			if !create {
				return nil, abi.ENOENT
			}
			next = t.newNode(c, abi.S_IFDIR|0755)
			d.addLocked(next)
		}
		if next.children == nil {
			return nil, abi.ENOTDIR
		}
		d = next
	}
	return d, nil
}

// add links n under the parent directories of path, creating them.
func (t *Tree) add(path string, mk func(name string) *node) error {
	comps := split(path)
	if len(comps) == 0 {
		return abi.EEXIST
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	d, err := t.dirLocked(comps[:len(comps)-1], true)
	if err != nil {
		return err
	}
	name := comps[len(comps)-1]
	if _, ok := d.children[name]; ok {
		return abi.EEXIST
	}
	d.addLocked(mk(name))
	return nil
}

// Mkdir creates the directory path and any missing parents (0755). It is
// not an error if it exists; ENOTDIR if something else is in the way.
func (t *Tree) Mkdir(path string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	_, err := t.dirLocked(split(path), true)
	return err
}

// AddFile publishes an attribute file at path, creating parents; EEXIST
// if the name is taken.
func (t *Tree) AddFile(path string, a Attribute) error {
	return t.add(path, func(name string) *node {
		n := t.newNode(name, abi.S_IFREG|a.Mode&07777)
		n.attr = a
		return n
	})
}

// AddLink publishes a symlink at path pointing to target (relative
// targets, such as "../../devices/virtual/net/lo", resolve from the
// link's directory).
func (t *Tree) AddLink(path, target string) error {
	return t.add(path, func(name string) *node {
		n := t.newNode(name, abi.S_IFLNK|0777)
		n.target = target
		return n
	})
}

// Remove deletes path and everything below it. Files already open keep
// working.
func (t *Tree) Remove(path string) error {
	comps := split(path)
	if len(comps) == 0 {
		return abi.EBUSY
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	d, err := t.dirLocked(comps[:len(comps)-1], false)
	if err != nil {
		return err
	}
	name := comps[len(comps)-1]
	if _, ok := d.children[name]; !ok {
		return abi.ENOENT
	}
	delete(d.children, name)
	return nil
}

// node is a directory, attribute file or symlink of the tree, and its
// inode.
type node struct {
	vfs.InodeDefaults
	t    *Tree
	name string // immutable
	ino  uint64 // immutable
	time vfs.Time

	mu       sync.Mutex // guards mode, uid, gid and time after creation
	mode     uint32
	uid, gid uint32

	parent   *node            // set once when linked in
	children map[string]*node // directories; protected by Tree.mu
	attr     Attribute        // files; immutable
	target   string           // symlinks; immutable
}

// addLocked links c under n. Preconditions: Tree.mu is held for writing.
func (n *node) addLocked(c *node) {
	c.parent = n
	n.children[c.name] = c
}
