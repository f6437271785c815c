package devfs

import (
	"testing"

	"liblinux/abi"
	"liblinux/hostops/fake"
	"liblinux/kernel/devices"
	"liblinux/kernel/fs/tmpfs"
	"liblinux/kernel/mm"
	"liblinux/kernel/vfs"
	"liblinux/kernel/waiter"
)

type testCtx struct{}

func (testCtx) Creds() *vfs.Creds                { return vfs.RootCreds() }
func (testCtx) Now() vfs.Time                    { return vfs.Time{Sec: 1} }
func (testCtx) Block(*waiter.Event, int64) error { return abi.EINTR }

func TestNodesFollowTheRegistry(t *testing.T) {
	m := mm.New(fake.New(), 4<<20)
	defer m.Close()
	reg := devices.New(m)
	if err := devices.RegisterStandard(reg, nil); err != nil {
		t.Fatal(err)
	}
	v := vfs.New()
	typ := &Type{Tmpfs: &tmpfs.Type{Mem: m}, Devices: reg, Ctx: testCtx{}}
	sb, err := typ.Mount(testCtx{}, v, "devtmpfs", 0, "size=1k")
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := typ.Mount(testCtx{}, v, "other", 0, ""); again != sb {
		t.Errorf("a second mount made a second instance")
	}
	if sb.Type.Name() != "devtmpfs" {
		t.Errorf("type %q", sb.Type.Name())
	}
	root := v.InternalMount(sb)
	w := &vfs.Walker{V: v, Ctx: testCtx{}, Root: vfs.Path{Mnt: root, D: sb.Root()}, Start: vfs.Path{Mnt: root, D: sb.Root()}}
	stat := func(path string) (vfs.Attr, error) { return w.Stat(path, vfs.WalkNoFollow) }
	if a, err := stat("/"); err != nil || a.Mode != abi.S_IFDIR|0755 {
		t.Errorf("root: %o %v", a.Mode, err)
	}
	if a, err := stat("null"); err != nil || a.Mode != abi.S_IFCHR|0666 || a.Rdev != 0x103 || a.UID != 0 {
		t.Errorf("null: %+v %v", a, err)
	}

	tun := &devices.Device{Type: abi.S_IFCHR, Major: 10, Minor: 200, Name: "net/tun", Mode: 0666, UID: 5, GID: 6}
	if err := reg.Register(tun); err != nil {
		t.Fatal(err)
	}
	if a, err := stat("net/tun"); err != nil || a.Mode != abi.S_IFCHR|0666 || a.Rdev != devices.Mkdev(10, 200) || a.UID != 5 || a.GID != 6 {
		t.Errorf("net/tun: %+v %v", a, err)
	}
	if a, err := stat("net"); err != nil || a.Mode != abi.S_IFDIR|0755 {
		t.Errorf("net: %o %v", a.Mode, err)
	}
	reg.Unregister(abi.S_IFCHR, 10, 200)
	if _, err := stat("net/tun"); err != abi.ENOENT {
		t.Errorf("net/tun after unregister: %v", err)
	}

	// A node someone replaced is not the device's any more: it stays.
	if err := w.Unlink("zero"); err != nil {
		t.Fatal(err)
	}
	if err := w.Mknod("zero", abi.S_IFCHR|0600, 0, devices.Mkdev(1, 3)); err != nil {
		t.Fatal(err)
	}
	reg.Unregister(abi.S_IFCHR, 1, 5)
	if a, err := stat("zero"); err != nil || a.Rdev != 0x103 {
		t.Errorf("replaced node: %+v %v", a, err)
	}
	// A name that is taken is left alone when a device comes.
	if err := reg.Register(&devices.Device{Type: abi.S_IFCHR, Major: 1, Minor: 5, Name: "zero", Mode: 0666}); err != nil {
		t.Fatal(err)
	}
	if a, _ := stat("zero"); a.Rdev != 0x103 || a.Mode != abi.S_IFCHR|0600 {
		t.Errorf("existing node overwritten: %+v", a)
	}
}
