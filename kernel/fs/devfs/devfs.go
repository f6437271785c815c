// Package devfs is devtmpfs: the one tmpfs instance per kernel in which the
// kernel keeps a node for every named device of the device registry, and
// which is mounted on /dev at boot. Every mount of "devtmpfs" shows that
// same instance, as in Linux. It is an ordinary tmpfs otherwise: users may
// create, remove and rename files in it (lkl_mount_dev mknods its disk
// nodes there).
//
// Nodes follow the registry: a device registered after boot (a disk) gets
// its node at once, and the node of an unregistered device goes away if it
// is still that device's node.
//
// Lock order:
//
//	Type.mu
//	  devices.Registry.eventMu (node updates run under it)
//	    the VFS and tmpfs locks of the nodes' directories
package devfs

import (
	"strings"
	"sync"

	"liblinux/kernel/devices"
	"liblinux/kernel/fs/tmpfs"
	"liblinux/kernel/vfs"
)

// Type is the "devtmpfs" filesystem type of one kernel.
type Type struct {
	Tmpfs   *tmpfs.Type
	Devices *devices.Registry
	// Ctx is what the kernel's own node changes run as: root, with the
	// kernel's clock. It must stay usable for the kernel's lifetime.
	Ctx vfs.Context

	mu   sync.Mutex
	sb   *vfs.Superblock // the instance, once mounted; protected by mu
	root vfs.Path        // its root through an internal mount; protected by mu
	v    *vfs.VFS        // protected by mu
}

// Name implements vfs.FilesystemType.
func (t *Type) Name() string { return "devtmpfs" }

// NoDev implements vfs.FilesystemType.
func (t *Type) NoDev() bool { return true }

// Mount implements vfs.FilesystemType. The first mount makes the instance
// (a tmpfs with mode=755) and fills it; later mounts get the same one and
// their options are ignored, as Linux's devtmpfs ignores them.
func (t *Type) Mount(ctx vfs.Context, v *vfs.VFS, source string, flags uint64, data string) (*vfs.Superblock, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.sb != nil {
		return t.sb, nil
	}
	sb, err := t.Tmpfs.Mount(t.Ctx, v, source, 0, "mode=755")
	if err != nil {
		return nil, err
	}
	sb.Type = t
	m := v.InternalMount(sb)
	t.sb, t.v, t.root = sb, v, vfs.Path{Mnt: m, D: sb.Root()}
	t.Devices.Watch(t.update)
	return sb, nil
}

// update adds or removes the node of one device.
func (t *Type) update(d *devices.Device, added bool) {
	if d.Name == "" {
		return
	}
	w := &vfs.Walker{V: t.v, Ctx: t.Ctx, Root: t.root, Start: t.root}
	if !added {
		p, err := w.Resolve(d.Name, vfs.WalkNoFollow)
		if err != nil {
			return
		}
		if a := p.D.Attr(); a.Type() == d.Type && a.Rdev == d.Rdev() {
			w.Unlink(d.Name)
		}
		return
	}
	// Parent directories first ("net/tun" needs "net").
	if i := strings.LastIndexByte(d.Name, '/'); i > 0 {
		dir := ""
		for _, c := range strings.Split(d.Name[:i], "/") {
			dir += c
			w.Mkdir(dir, 0755, 0)
			dir += "/"
		}
	}
	if err := w.Mknod(d.Name, d.Type|d.Mode&07777, 0, d.Rdev()); err != nil {
		// Something of that name is there already: leave it, as
		// devtmpfs does.
		return
	}
	if d.UID != 0 || d.GID != 0 {
		if p, err := w.Resolve(d.Name, vfs.WalkNoFollow); err == nil {
			p.D.Inode().SetAttr(t.Ctx, &vfs.SetAttr{Mask: vfs.SetUID | vfs.SetGID, UID: d.UID, GID: d.GID})
		}
	}
}

var _ vfs.FilesystemType = (*Type)(nil)
