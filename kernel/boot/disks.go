package boot

import (
	"fmt"
	"maps"
	"slices"

	"liblinux/abi"
	"liblinux/kernel"
	"liblinux/kernel/block"
	"liblinux/kernel/devices"
)

// publishDisk registers a disk and its partitions as block devices, or
// unregisters them, so that devtmpfs shows /dev/vda and /dev/vda1 and
// sysfs shows them where LKL's virtio-mmio disks live: a disk given
// before boot as a command-line device, a hot-plugged one as an
// auto-numbered platform device (n counts the hot-plugged disks):
//
//	devices/virtio-mmio-cmdline/virtio-mmio.<id>/virtio<id>/block/vda
//	devices/virtio-mmio-cmdline/virtio-mmio.<id>/virtio<id>/block/vda/vda1
//	devices/platform/virtio-mmio.<n>.auto/virtio<id>/block/vdc
//
// Partitions are published before their disk goes away and after it
// comes, as Linux's add_disk and del_gendisk order them.
func publishDisk(devs *devices.Registry, d *kernel.Disk, added bool) {
	dir := fmt.Sprintf("virtio-mmio-cmdline/virtio-mmio.%d/virtio%d/block/%s", d.ID, d.ID, d.Whole.Name)
	if d.Hotplug >= 0 {
		dir = fmt.Sprintf("platform/virtio-mmio.%d.auto/virtio%d/block/%s", d.Hotplug, d.ID, d.Whole.Name)
	}
	list := []*devices.Device{blockDevice(d.Whole, dir)}
	for _, n := range slices.Sorted(maps.Keys(d.Parts)) {
		p := d.Parts[n]
		list = append(list, blockDevice(p, dir+"/"+p.Name))
	}
	if added {
		for _, dev := range list {
			// Only a number clash can fail, and disk numbers are the
			// kernel's own.
			_ = devs.Register(dev)
		}
		return
	}
	for i := len(list) - 1; i >= 0; i-- {
		devs.Unregister(abi.S_IFBLK, list[i].Major, list[i].Minor)
	}
}

// blockDevice describes b to the device registry: a node of mode 0600
// owned by root, as devtmpfs makes disk nodes, that opens the device
// through its page cache.
func blockDevice(b *block.Device, sysPath string) *devices.Device {
	return &devices.Device{
		Type:    abi.S_IFBLK,
		Major:   kernel.DevMajor(b.Dev),
		Minor:   kernel.DevMinor(b.Dev),
		Name:    b.Name,
		Mode:    0600,
		Class:   "block",
		SysPath: sysPath,
		Open:    b.Open,
	}
}
