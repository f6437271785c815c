// Package devices is the kernel's side of device nodes and FIFOs. A device
// node on any filesystem (devtmpfs, tmpfs, a disk) is only a device number;
// opening it reaches the driver registered under that number here, as
// Linux's chrdev and blkdev maps do. A FIFO inode is only a name; opening
// it reaches the one pipe the kernel keeps for that inode while it is open.
// Registry implements vfs.SpecialOpener.
//
// Drivers register a Device: its type (character or block), number, the
// name and mode of its /dev node, and an Open function. devtmpfs watches
// the registry (Watch) and keeps a node for every device that has a name,
// so a block layer that registers disks later gets /dev nodes the same way.
//
// Lock order:
//
//	Registry.eventMu (held while watchers run)
//	  Registry.mu (leaf)
//	Registry.fifoMu (leaf; never held while a FIFO open waits)
//
// A driver's Open runs with no registry lock held.
package devices

import (
	"path"
	"sort"
	"sync"

	"liblinux/abi"
	"liblinux/kernel/mm"
	"liblinux/kernel/pipe"
	"liblinux/kernel/vfs"
)

// Mkdev encodes a device number as Linux's new_encode_dev does: the form
// of st_rdev and of mknod(2)'s dev argument (glibc's makedev for numbers
// below 4096:2^20).
func Mkdev(major, minor uint32) uint32 {
	return minor&0xff | major<<8 | (minor&^0xff)<<12
}

// Major and Minor decode a device number made by Mkdev.
func Major(dev uint32) uint32 { return (dev & 0xfff00) >> 8 }
func Minor(dev uint32) uint32 { return dev&0xff | (dev>>12)&0xfff00 }

// Device is one registered device.
type Device struct {
	Type  uint32 // abi.S_IFCHR or abi.S_IFBLK
	Major uint32
	Minor uint32
	// Name is the node's path under /dev ("null", "net/tun"); empty for a
	// device without a node.
	Name string
	// Mode is the permission bits of the node; UID and GID its owner.
	Mode     uint32
	UID, GID uint32
	// Class is the device's class in sysfs ("mem", "tty", "block"); ""
	// for a device sysfs does not show. SysPath is its directory under
	// /sys/devices; empty means "virtual/<class>/<last element of Name>".
	// A disk's path ends in ".../block/<disk>", a partition's in
	// ".../block/<disk>/<partition>".
	Class   string
	SysPath string
	// Open returns the operations of a new open file of the device.
	// flags are open(2)'s; the VFS has checked access to the node.
	Open func(ctx vfs.Context, flags uint32) (vfs.FileOps, error)
}

// Rdev returns the device number in st_rdev form.
func (d *Device) Rdev() uint32 { return Mkdev(d.Major, d.Minor) }

// DevicePath returns the device's directory below /sys/devices, or "" if
// it has no class.
func (d *Device) DevicePath() string {
	if d.Class == "" {
		return ""
	}
	if d.SysPath != "" {
		return d.SysPath
	}
	return "virtual/" + d.Class + "/" + path.Base(d.Name)
}

type devKey struct {
	typ  uint32
	rdev uint32
}

// Registry is one kernel's device registry and FIFO table.
type Registry struct {
	mem *mm.Allocator

	eventMu  sync.Mutex
	watchers []func(d *Device, added bool) // protected by eventMu

	mu   sync.RWMutex
	devs map[devKey]*Device // protected by mu

	fifoMu sync.Mutex
	fifos  map[vfs.Inode]*fifo // protected by fifoMu
}

// fifo is the pipe behind a FIFO inode while anyone has it open (or is
// waiting to).
type fifo struct {
	p     *pipe.Pipe
	users int // protected by Registry.fifoMu
}

var _ vfs.SpecialOpener = (*Registry)(nil)

// New returns an empty registry whose FIFO buffers come from mem.
func New(mem *mm.Allocator) *Registry {
	return &Registry{mem: mem, devs: make(map[devKey]*Device), fifos: make(map[vfs.Inode]*fifo)}
}

// Register adds a device: EBUSY if its number is taken, EINVAL for a type
// that is not a device. Watchers learn of it before Register returns.
func (r *Registry) Register(d *Device) error {
	if d.Type != abi.S_IFCHR && d.Type != abi.S_IFBLK {
		return abi.EINVAL
	}
	r.eventMu.Lock()
	defer r.eventMu.Unlock()
	k := devKey{d.Type, d.Rdev()}
	r.mu.Lock()
	if _, ok := r.devs[k]; ok {
		r.mu.Unlock()
		return abi.EBUSY
	}
	r.devs[k] = d
	r.mu.Unlock()
	for _, w := range r.watchers {
		w(d, true)
	}
	return nil
}

// Unregister removes a device (ENODEV if absent). Files already open on
// it keep working; new opens of its number fail with ENXIO.
func (r *Registry) Unregister(typ, major, minor uint32) error {
	r.eventMu.Lock()
	defer r.eventMu.Unlock()
	k := devKey{typ, Mkdev(major, minor)}
	r.mu.Lock()
	d, ok := r.devs[k]
	delete(r.devs, k)
	r.mu.Unlock()
	if !ok {
		return abi.ENODEV
	}
	for _, w := range r.watchers {
		w(d, false)
	}
	return nil
}

// Lookup returns the device registered as typ and rdev.
func (r *Registry) Lookup(typ, rdev uint32) (*Device, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	d, ok := r.devs[devKey{typ, rdev}]
	return d, ok
}

// Devices lists the registered devices: character before block, then by
// number.
func (r *Registry) Devices() []*Device {
	r.mu.RLock()
	out := make([]*Device, 0, len(r.devs))
	for _, d := range r.devs {
		out = append(out, d)
	}
	r.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Type != b.Type {
			return a.Type == abi.S_IFCHR
		}
		if a.Major != b.Major {
			return a.Major < b.Major
		}
		return a.Minor < b.Minor
	})
	return out
}

// Watch calls fn(d, true) for every device registered now and, from then
// on, fn(d, true) or fn(d, false) as devices come and go, one event at a
// time in order. fn must not call Register, Unregister or Watch.
func (r *Registry) Watch(fn func(d *Device, added bool)) {
	r.eventMu.Lock()
	defer r.eventMu.Unlock()
	for _, d := range r.Devices() {
		fn(d, true)
	}
	r.watchers = append(r.watchers, fn)
}

// OpenDevice implements vfs.SpecialOpener: the driver registered under
// the node's type and number opens it; ENXIO if there is none (as Linux
// for a number with no driver, and for every block device until a block
// layer registers disks).
func (r *Registry) OpenDevice(ctx vfs.Context, typ, rdev, flags uint32) (vfs.FileOps, error) {
	d, ok := r.Lookup(typ, rdev)
	if !ok || d.Open == nil {
		return nil, abi.ENXIO
	}
	return d.Open(ctx, flags)
}

// OpenFIFO implements vfs.SpecialOpener: every open of one FIFO inode
// shares one pipe, created at the first open and dropped (with any data
// left in it) when the last opener closes, as Linux does. An anonymous
// pipe reached through /proc/<pid>/fd/N (a *pipe.Inode) opens new ends of
// that pipe.
func (r *Registry) OpenFIFO(ctx vfs.Context, ino vfs.Inode, flags uint32) (vfs.FileOps, error) {
	if pi, ok := ino.(*pipe.Inode); ok {
		return pipe.Reopen(pi.P, flags)
	}
	r.fifoMu.Lock()
	f := r.fifos[ino]
	if f == nil {
		f = &fifo{p: pipe.New(r.mem)}
		r.fifos[ino] = f
	}
	f.users++
	r.fifoMu.Unlock()
	e, err := pipe.OpenFIFO(ctx, f.p, flags, func() { r.putFIFO(ino, f) })
	if err != nil {
		r.putFIFO(ino, f)
		return nil, err
	}
	return e, nil
}

// putFIFO drops one user of ino's pipe, and the pipe with the last one.
func (r *Registry) putFIFO(ino vfs.Inode, f *fifo) {
	r.fifoMu.Lock()
	defer r.fifoMu.Unlock()
	f.users--
	if f.users == 0 && r.fifos[ino] == f {
		delete(r.fifos, ino)
	}
}

// OpenFIFOs returns how many FIFO inodes have a pipe (for tests).
func (r *Registry) OpenFIFOs() int {
	r.fifoMu.Lock()
	defer r.fifoMu.Unlock()
	return len(r.fifos)
}
