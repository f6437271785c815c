package devices

import (
	"fmt"
	"strings"
	"testing"

	"liblinux/abi"
	"liblinux/hostops/fake"
	"liblinux/kernel/mm"
	"liblinux/kernel/pipe"
	"liblinux/kernel/usermem"
	"liblinux/kernel/vfs"
	"liblinux/kernel/waiter"
)

type testCtx struct{}

func (testCtx) Creds() *vfs.Creds                { return vfs.RootCreds() }
func (testCtx) Now() vfs.Time                    { return vfs.Time{} }
func (testCtx) Block(*waiter.Event, int64) error { return abi.EINTR }

func TestMkdev(t *testing.T) {
	// Values of glibc's makedev() and the st_rdev Linux reports.
	for _, c := range []struct{ major, minor, dev uint32 }{
		{1, 3, 0x103}, {5, 1, 0x501}, {8, 17, 0x811}, {254, 16, 0xfe10}, {259, 300, 0x11032c}, {4095, 0xfffff, 0xffffffff},
	} {
		if got := Mkdev(c.major, c.minor); got != c.dev {
			t.Errorf("Mkdev(%d, %d) = %#x, want %#x", c.major, c.minor, got, c.dev)
		}
		if Major(c.dev) != c.major || Minor(c.dev) != c.minor {
			t.Errorf("%#x decodes as %d:%d", c.dev, Major(c.dev), Minor(c.dev))
		}
	}
}

func newRegistry(t *testing.T) *Registry {
	m := mm.New(fake.New(), 1<<20)
	t.Cleanup(m.Close)
	return New(m)
}

func TestRegistry(t *testing.T) {
	r := newRegistry(t)
	var events []string
	r.Watch(func(d *Device, added bool) { events = append(events, fmt.Sprintf("%v %s", added, d.Name)) })
	if err := RegisterStandard(r, nil); err != nil {
		t.Fatal(err)
	}
	if err := r.Register(&Device{Type: abi.S_IFCHR, Major: 1, Minor: 3, Name: "again"}); err != abi.EBUSY {
		t.Errorf("a taken number: %v", err)
	}
	if err := r.Register(&Device{Type: abi.S_IFIFO, Major: 9, Minor: 9}); err != abi.EINVAL {
		t.Errorf("not a device type: %v", err)
	}
	blk := &Device{Type: abi.S_IFBLK, Major: 1, Minor: 3, Name: "blk13"}
	if err := r.Register(blk); err != nil {
		t.Errorf("a block device may share a character device's number: %v", err)
	}
	var order []string
	for _, d := range r.Devices() {
		order = append(order, d.Name)
	}
	if got := strings.Join(order, " "); got != "null zero full random urandom tty console blk13" {
		t.Errorf("Devices() = %s", got)
	}
	if _, err := r.OpenDevice(testCtx{}, abi.S_IFBLK, Mkdev(1, 3), abi.O_RDONLY); err != abi.ENXIO {
		t.Errorf("open a device without Open: %v", err)
	}
	if _, err := r.OpenDevice(testCtx{}, abi.S_IFCHR, Mkdev(1, 4), abi.O_RDONLY); err != abi.ENXIO {
		t.Errorf("open an unknown number: %v", err)
	}
	if err := r.Unregister(abi.S_IFBLK, 1, 3); err != nil {
		t.Error(err)
	}
	if err := r.Unregister(abi.S_IFBLK, 1, 3); err != abi.ENODEV {
		t.Errorf("unregister twice: %v", err)
	}
	// A late watcher sees what exists.
	var late []string
	r.Watch(func(d *Device, added bool) { late = append(late, d.Name) })
	want := "true null,true zero,true full,true random,true urandom,true tty,true console,true blk13,false blk13"
	if got := strings.Join(events, ","); got != want {
		t.Errorf("events %s\nwant %s", got, want)
	}
	if len(late) != 7 {
		t.Errorf("late watcher saw %v", late)
	}
	if d, ok := r.Lookup(abi.S_IFCHR, Mkdev(5, 1)); !ok || d.Name != "console" || d.DevicePath() != "virtual/tty/console" {
		t.Errorf("Lookup(5:1) = %v", d)
	}
}

func TestMemFiles(t *testing.T) {
	r := newRegistry(t)
	var printed []string
	RegisterStandard(r, func(b []byte) { printed = append(printed, string(b)) })
	buf := make([]byte, 10)
	io, _ := usermem.NewIO(usermem.AddrOf(buf), len(buf))
	open := func(minor uint32) vfs.FileOps {
		f, err := r.OpenDevice(testCtx{}, abi.S_IFCHR, Mkdev(MemMajor, minor), abi.O_RDWR)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	for i := range buf {
		buf[i] = 1
	}
	if n, err := open(MinorZero).Read(testCtx{}, io, 0); n != 10 || err != nil || buf[0] != 0 || buf[9] != 0 {
		t.Errorf("zero: %d %v %v", n, err, buf)
	}
	if n, err := open(MinorNull).Read(testCtx{}, io, 0); n != 0 || err != nil {
		t.Errorf("null: %d %v", n, err)
	}
	if n, err := open(MinorFull).Write(testCtx{}, io, 0); n != 0 || err != abi.ENOSPC {
		t.Errorf("full: %d %v", n, err)
	}
	if s, ok := open(MinorNull).(vfs.Seeker); !ok {
		t.Errorf("null has no lseek")
	} else if n, err := s.Seek(testCtx{}, 5, 100, abi.SEEK_END); n != 0 || err != nil {
		t.Errorf("null lseek: %d %v", n, err)
	}
	con, err := r.OpenDevice(testCtx{}, abi.S_IFCHR, Mkdev(TTYAuxMajor, MinorConsole), abi.O_WRONLY)
	if err != nil {
		t.Fatal(err)
	}
	copy(buf, "console!\n")
	io.Reset(usermem.AddrOf(buf), 9)
	if n, err := con.Write(testCtx{}, io, 0); n != 9 || err != nil || strings.Join(printed, "") != "console!\n" {
		t.Errorf("console write: %d %v %q", n, err, printed)
	}
	if _, err := r.OpenDevice(testCtx{}, abi.S_IFCHR, Mkdev(TTYAuxMajor, MinorTTY), abi.O_RDWR); err != abi.ENXIO {
		t.Errorf("tty: %v", err)
	}
}

// inode is a FIFO inode of the tests.
type inode struct {
	vfs.InodeDefaults
	id int // distinct inodes have distinct addresses
}

func (*inode) Attr() vfs.Attr { return vfs.Attr{Mode: abi.S_IFIFO | 0644} }

func TestFIFOs(t *testing.T) {
	r := newRegistry(t)
	a, b := &inode{id: 1}, &inode{id: 2}
	ra, err := r.OpenFIFO(testCtx{}, a, abi.O_RDONLY|abi.O_NONBLOCK)
	if err != nil {
		t.Fatal(err)
	}
	wa, err := r.OpenFIFO(testCtx{}, a, abi.O_WRONLY|abi.O_NONBLOCK)
	if err != nil {
		t.Fatal(err)
	}
	if ra.(*pipe.End).P != wa.(*pipe.End).P {
		t.Errorf("two opens of one FIFO have different pipes")
	}
	if _, err := r.OpenFIFO(testCtx{}, b, abi.O_WRONLY|abi.O_NONBLOCK); err != abi.ENXIO {
		t.Errorf("another FIFO has a reader: %v", err)
	}
	if r.OpenFIFOs() != 1 {
		t.Errorf("%d FIFOs open after a refused open", r.OpenFIFOs())
	}
	// A blocking open that is interrupted leaves nothing behind.
	if _, err := r.OpenFIFO(testCtx{}, b, abi.O_RDONLY); err != abi.EINTR {
		t.Errorf("interrupted open: %v", err)
	}
	ra.Release()
	if r.OpenFIFOs() != 1 {
		t.Errorf("FIFO dropped while a writer has it")
	}
	wa.Release()
	if r.OpenFIFOs() != 0 {
		t.Errorf("%d FIFOs open after every close", r.OpenFIFOs())
	}
	// An anonymous pipe's inode opens that pipe, outside the table.
	p := pipe.New(r.mem)
	w := pipe.NewEnd(p, false, true)
	e, err := r.OpenFIFO(testCtx{}, &pipe.Inode{P: p}, abi.O_RDONLY)
	if err != nil || e.(*pipe.End).P != p || r.OpenFIFOs() != 0 {
		t.Errorf("reopen of a pipe: %v", err)
	}
	e.Release()
	w.Release()
}
