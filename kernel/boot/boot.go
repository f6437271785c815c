// Package boot assembles a kernel: it registers the filesystems and the
// standard devices, mounts the root tmpfs and devtmpfs on /dev, and lays
// out the initial tree, as Linux's init does before the first user process
// runs. capi and tests boot through here.
//
// Subsystems that start later find the device registry and the sysfs
// tree through Devices and Sysfs.
//
// Lock order: none of its own.
package boot

import (
	"liblinux/abi"
	"liblinux/hostops"
	"liblinux/kernel"
	"liblinux/kernel/devices"
	"liblinux/kernel/fs/devfs"
	"liblinux/kernel/fs/ext4"
	"liblinux/kernel/fs/procfs"
	"liblinux/kernel/fs/sysfs"
	"liblinux/kernel/fs/tmpfs"
	"liblinux/kernel/vfs"
)

// Start boots a kernel on ops with the given command line.
func Start(ops hostops.Ops, cmdline string) (*kernel.Kernel, error) {
	return kernel.Boot(ops, cmdline, setup)
}

// Devices returns k's device registry (nil for a kernel not booted here).
func Devices(k *kernel.Kernel) *devices.Registry {
	if t, ok := k.VFS.FilesystemType("devtmpfs"); ok {
		if d, ok := t.(*devfs.Type); ok {
			return d.Devices
		}
	}
	return nil
}

// Sysfs returns k's sysfs tree (nil for a kernel not booted here).
func Sysfs(k *kernel.Kernel) *sysfs.Tree {
	if t, ok := k.VFS.FilesystemType("sysfs"); ok {
		if s, ok := t.(*sysfs.Type); ok {
			return s.Tree
		}
	}
	return nil
}

// setup registers filesystems and devices and builds the initial root:
// /dev with /dev/console, /root and an empty /init, as an LKL kernel has
// them, then devtmpfs mounted on /dev (the rootfs /dev/console stays
// under it, as in Linux).
func setup(k *kernel.Kernel, ctx vfs.Context) error {
	v := k.VFS
	devs := devices.New(k.Mem)
	if err := devices.RegisterStandard(devs, k.Ops.Print); err != nil {
		return err
	}
	v.SetSpecialOpener(devs)
	tree := sysfs.NewTree(ctx.Now)
	publishDevices(tree, devs)
	publishLoopback(tree)

	tmp := &tmpfs.Type{Mem: k.Mem}
	dev := &devfs.Type{Tmpfs: tmp, Devices: devs, Ctx: ctx}
	v.Register(tmp)
	v.Register(dev)
	v.Register(&procfs.Type{K: k})
	v.Register(&sysfs.Type{Tree: tree})
	for _, t := range ext4.Types(k.Log.Printf) {
		v.Register(t)
	}
	k.WatchDisks(func(d *kernel.Disk, added bool) { publishDisk(devs, d, added) })

	sb, err := tmp.Mount(ctx, v, "rootfs", 0, "")
	if err != nil {
		return err
	}
	root := v.SetRoot(sb, 0)
	w := &vfs.Walker{V: v, Ctx: ctx, Root: root, Start: root}
	if err := w.Mkdir("/dev", 0755, 0); err != nil {
		return err
	}
	if err := w.Mknod("/dev/console", abi.S_IFCHR|0600, 0, devices.Mkdev(devices.TTYAuxMajor, devices.MinorConsole)); err != nil {
		return err
	}
	if err := w.Mkdir("/root", 0700, 0); err != nil {
		return err
	}
	f, err := w.Open("/init", abi.O_CREAT|abi.O_WRONLY, 0700, 0)
	if err != nil {
		return err
	}
	f.DecRef()
	dsb, err := dev.Mount(ctx, v, "devtmpfs", 0, "")
	if err != nil {
		return err
	}
	at, err := w.Resolve("/dev", 0)
	if err != nil {
		return err
	}
	v.Attach(dsb, dsb.Root(), at, abi.MS_RELATIME)
	return nil
}
