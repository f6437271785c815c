package boot

import (
	"fmt"
	"path"
	"strconv"
	"strings"
	"sync/atomic"

	"liblinux/abi"
	"liblinux/kernel/devices"
	"liblinux/kernel/fs/sysfs"
)

// publishDevices keeps sysfs in step with the device registry: every
// device with a class gets, as in Linux,
//
//	devices/<path>/{dev,uevent}
//	class/<class>/<name>      -> ../../devices/<path>
//	dev/{char,block}/<M>:<m>  -> ../../devices/<path>
//	block/<disk>              -> ../devices/<path>   (whole disks only)
func publishDevices(tree *sysfs.Tree, devs *devices.Registry) {
	devs.Watch(func(d *devices.Device, added bool) {
		p := d.DevicePath()
		if p == "" {
			return
		}
		dir := "devices/" + p
		name := path.Base(p)
		kind := "char"
		if d.Type == abi.S_IFBLK {
			kind = "block"
		}
		links := []string{
			"class/" + d.Class + "/" + name,
			"dev/" + kind + "/" + fmt.Sprintf("%d:%d", d.Major, d.Minor),
		}
		if d.Type == abi.S_IFBLK && path.Base(path.Dir(p)) == "block" {
			links = append(links, "block/"+name)
		}
		if !added {
			for _, l := range links {
				tree.Remove(l)
			}
			tree.Remove(dir + "/dev")
			tree.Remove(dir + "/uevent")
			return
		}
		number := fmt.Sprintf("%d:%d\n", d.Major, d.Minor)
		tree.AddFile(dir+"/dev", sysfs.Attribute{Mode: 0444, Show: func() string { return number }})
		uevent := fmt.Sprintf("MAJOR=%d\nMINOR=%d\nDEVNAME=%s\n", d.Major, d.Minor, d.Name)
		if d.Mode != 0600 {
			uevent += fmt.Sprintf("DEVMODE=%04o\n", d.Mode)
		}
		tree.AddFile(dir+"/uevent", sysfs.Attribute{Mode: 0644, Show: func() string { return uevent },
			Store: func(string) error { return nil }})
		for _, l := range links {
			tree.AddLink(l, relative(l, dir))
		}
	})
}

// relative returns the target of a link at from that names to, both
// relative to the sysfs root.
func relative(from, to string) string {
	return strings.Repeat("../", strings.Count(from, "/")) + to
}

// publishLoopback publishes the loopback interface, which every kernel
// has (LKL's tests read /sysfs/class/net/lo/mtu and dev_id). Its MTU may
// be written.
func publishLoopback(tree *sysfs.Tree) {
	const dir = "devices/virtual/net/lo"
	var mtu atomic.Int64
	mtu.Store(65536)
	ro := func(v string) sysfs.Attribute {
		return sysfs.Attribute{Mode: 0444, Show: func() string { return v + "\n" }}
	}
	tree.AddFile(dir+"/addr_len", ro("6"))
	tree.AddFile(dir+"/address", ro("00:00:00:00:00:00"))
	tree.AddFile(dir+"/broadcast", ro("00:00:00:00:00:00"))
	tree.AddFile(dir+"/dev_id", ro("0x0"))
	tree.AddFile(dir+"/dev_port", ro("0"))
	tree.AddFile(dir+"/ifindex", ro("1"))
	tree.AddFile(dir+"/iflink", ro("1"))
	tree.AddFile(dir+"/type", ro("772"))
	tree.AddFile(dir+"/tx_queue_len", ro("1000"))
	tree.AddFile(dir+"/mtu", sysfs.Attribute{Mode: 0644,
		Show: func() string { return strconv.FormatInt(mtu.Load(), 10) + "\n" },
		Store: func(s string) error {
			n, err := strconv.ParseInt(strings.TrimSpace(s), 0, 32)
			if err != nil || n < 0 {
				return abi.EINVAL
			}
			mtu.Store(n)
			return nil
		}})
	tree.AddLink("class/net/lo", relative("class/net/lo", dir))
}
