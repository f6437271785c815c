// Package boot assembles a kernel: it registers the filesystems, mounts
// the root tmpfs and lays out the initial tree, as Linux's init does
// before the first user process runs. capi and tests boot through here.
//
// Lock order: none of its own.
package boot

import (
	"liblinux/abi"
	"liblinux/hostops"
	"liblinux/kernel"
	"liblinux/kernel/fs/procfs"
	"liblinux/kernel/fs/tmpfs"
	"liblinux/kernel/vfs"
)

// Start boots a kernel on ops with the given command line.
func Start(ops hostops.Ops, cmdline string) (*kernel.Kernel, error) {
	return kernel.Boot(ops, cmdline, setup)
}

// setup registers filesystems and builds the initial root: /dev with
// /dev/console, /root, and an empty /init, as an LKL kernel has them.
func setup(k *kernel.Kernel, ctx vfs.Context) error {
	v := k.VFS
	tmp := &tmpfs.Type{Mem: k.Mem}
	v.Register(tmp)
	v.Register(&procfs.Type{K: k})
	sb, err := tmp.Mount(ctx, v, "rootfs", 0, "")
	if err != nil {
		return err
	}
	root := v.SetRoot(sb, 0)
	w := &vfs.Walker{V: v, Ctx: ctx, Root: root, Start: root}
	if err := w.Mkdir("/dev", 0755, 0); err != nil {
		return err
	}
	if err := w.Mknod("/dev/console", abi.S_IFCHR|0600, 0, 5<<8|1); err != nil {
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
	return nil
}
