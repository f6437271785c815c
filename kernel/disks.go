package kernel

import (
	"fmt"
	"slices"
	"sync"

	"liblinux/abi"
	"liblinux/kernel/block"
)

// Block device numbers, as Linux gives virtio-blk disks: a major for the
// driver and 16 minors per disk (the disk and 15 partitions); further
// partitions get numbers from the extended major.
const (
	VirtblkMajor  = 254
	BlkextMajor   = 259
	minorsPerDisk = 16
)

// MakeDev encodes a device number as Linux's new_encode_dev does (the
// form in st_rdev and in mknod's argument).
func MakeDev(major, minor uint32) uint32 {
	return minor&0xff | major<<8 | (minor&^0xff)<<12
}

// DevMajor and DevMinor decode a new_encode_dev number.
func DevMajor(dev uint32) uint32 { return (dev & 0xfff00) >> 8 }
func DevMinor(dev uint32) uint32 { return dev&0xff | (dev>>12)&0xfff00 }

// Disk is a host disk added to the kernel, with its partitions.
type Disk struct {
	ID    int
	Whole *block.Device
	Parts map[int]*block.Device // by partition number
	// Hotplug is -1 for a disk given before boot (LKL's command-line
	// virtio-mmio devices, numbered by ID), else its number among the
	// hot-plugged ones (LKL's auto-numbered platform devices: ID less
	// the disks given before boot).
	Hotplug int
}

// disks is the kernel's registry of block devices.
type disks struct {
	mu      sync.Mutex
	byID    map[int]*Disk            // protected by mu
	byDev   map[uint32]*block.Device // protected by mu
	nextExt uint32                   // next blkext minor; protected by mu
	booted  bool                     // BootDisksDone ran; protected by mu
	nboot   int                      // disks given before boot; protected by mu

	watchMu  sync.Mutex
	watchers []func(d *Disk, added bool) // protected by watchMu
}

// WatchDisks calls fn for every disk added or removed from now on, with
// no kernel lock held (boot publishes disks as device nodes and in sysfs
// through it). A removal is reported before the disk's cache is written
// back, so that nothing opens it any more.
func (k *Kernel) WatchDisks(fn func(d *Disk, added bool)) {
	k.disks.watchMu.Lock()
	k.disks.watchers = append(k.disks.watchers, fn)
	k.disks.watchMu.Unlock()
}

func (k *Kernel) notifyDisk(d *Disk, added bool) {
	k.disks.watchMu.Lock()
	ws := slices.Clone(k.disks.watchers)
	k.disks.watchMu.Unlock()
	for _, fn := range ws {
		fn(d, added)
	}
}

// diskName returns Linux's name for virtio disk n: vda..vdz, vdaa, ...
func diskName(n int) string {
	name := ""
	for n++; n > 0; n = (n - 1) / 26 {
		name = string(rune('a'+(n-1)%26)) + name
	}
	return "vd" + name
}

// AddDisk registers a host disk under id, reads its partition table and
// makes a block device for the disk and for each partition.
func (k *Kernel) AddDisk(id int, d block.Disk, readOnly bool) (*Disk, error) {
	disk, err := k.addDisk(id, d, readOnly)
	if err != nil {
		return nil, err
	}
	k.notifyDisk(disk, true)
	return disk, nil
}

func (k *Kernel) addDisk(id int, d block.Disk, readOnly bool) (*Disk, error) {
	k.disks.mu.Lock()
	defer k.disks.mu.Unlock()
	if k.disks.byID == nil {
		k.disks.byID = map[int]*Disk{}
		k.disks.byDev = map[uint32]*block.Device{}
	}
	if _, ok := k.disks.byID[id]; ok {
		return nil, abi.EEXIST
	}
	if id < 0 || id >= 1<<16 {
		return nil, abi.EINVAL
	}
	size := d.Size()
	if size < 0 {
		return nil, abi.EIO
	}
	name := diskName(id)
	whole := block.NewDevice(name, MakeDev(VirtblkMajor, uint32(id*minorsPerDisk)), d, 0, size&^(block.SectorSize-1), k.Mem, readOnly)
	disk := &Disk{ID: id, Whole: whole, Parts: map[int]*block.Device{}, Hotplug: -1}
	if !k.disks.booted {
		k.disks.nboot++
	} else if id >= k.disks.nboot {
		disk.Hotplug = id - k.disks.nboot
	}
	parts, err := block.ReadPartitions(d)
	if err != nil {
		k.Log.Printf(LogWarning, "%s: cannot read the partition table: %v", name, err)
	}
	var names []string
	for _, p := range parts {
		var dev uint32
		if p.Number < minorsPerDisk {
			dev = MakeDev(VirtblkMajor, uint32(id*minorsPerDisk+p.Number))
		} else {
			dev = MakeDev(BlkextMajor, k.disks.nextExt)
			k.disks.nextExt++
		}
		pname := fmt.Sprintf("%s%d", name, p.Number)
		disk.Parts[p.Number] = block.NewDevice(pname, dev, d, p.Start, p.Size, k.Mem, readOnly)
		disk.Parts[p.Number].SetWhole(whole)
		k.disks.byDev[dev] = disk.Parts[p.Number]
		names = append(names, pname)
	}
	k.disks.byID[id] = disk
	k.disks.byDev[whole.Dev] = whole
	k.Log.Printf(LogNotice, "virtio_blk virtio%d: [%s] %d 512-byte logical blocks (%d MB/%d MiB)",
		id, name, size/512, size/1000000, size>>20)
	if len(names) > 0 {
		k.Log.Printf(LogInfo, " %s: %v", name, names)
	}
	return disk, nil
}

// BootDisksDone ends the disks given before boot: those added later are
// hot-plugged ones.
func (k *Kernel) BootDisksDone() {
	k.disks.mu.Lock()
	k.disks.booted = true
	k.disks.mu.Unlock()
}

// RemoveDisk removes a disk after writing back its cache. It fails with
// EBUSY while a filesystem is mounted from the disk or one of its
// partitions, or an O_EXCL open holds one; files opened otherwise stay
// open and get EIO.
func (k *Kernel) RemoveDisk(id int) error {
	k.disks.mu.Lock()
	disk, ok := k.disks.byID[id]
	if ok {
		parts := make([]*block.Device, 0, len(disk.Parts))
		for _, p := range disk.Parts {
			parts = append(parts, p)
		}
		if err := block.Retire(disk.Whole, parts); err != nil {
			k.disks.mu.Unlock()
			return err
		}
		delete(k.disks.byID, id)
		delete(k.disks.byDev, disk.Whole.Dev)
		for _, p := range disk.Parts {
			delete(k.disks.byDev, p.Dev)
		}
	}
	k.disks.mu.Unlock()
	if !ok {
		return abi.ENOENT
	}
	k.notifyDisk(disk, false)
	err := disk.Whole.Sync()
	disk.Whole.Close()
	for _, p := range disk.Parts {
		if perr := p.Sync(); err == nil {
			err = perr
		}
		p.Close()
	}
	return err
}

// DiskByID returns a registered disk.
func (k *Kernel) DiskByID(id int) (*Disk, bool) {
	k.disks.mu.Lock()
	defer k.disks.mu.Unlock()
	d, ok := k.disks.byID[id]
	return d, ok
}

// BlockDevice returns the block device with device number dev.
func (k *Kernel) BlockDevice(dev uint32) (*block.Device, bool) {
	k.disks.mu.Lock()
	defer k.disks.mu.Unlock()
	d, ok := k.disks.byDev[dev]
	return d, ok
}

// SyncDisks writes back every block device's cache (sync(2), halt).
func (k *Kernel) SyncDisks() error {
	k.disks.mu.Lock()
	var devs []*block.Device
	for _, d := range k.disks.byDev {
		devs = append(devs, d)
	}
	k.disks.mu.Unlock()
	var first error
	for _, d := range devs {
		if err := d.Sync(); err != nil && first == nil {
			first = err
		}
	}
	return first
}
