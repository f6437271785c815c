package sysfs

import (
	"testing"

	"liblinux/abi"
	"liblinux/kernel/vfs"
	"liblinux/kernel/waiter"
)

type testCtx struct{}

func (testCtx) Creds() *vfs.Creds                { return vfs.RootCreds() }
func (testCtx) Now() vfs.Time                    { return vfs.Time{Sec: 1} }
func (testCtx) Block(*waiter.Event, int64) error { return abi.EINTR }

func lookup(t *testing.T, tr *Tree, path string) (vfs.Inode, error) {
	t.Helper()
	var ino vfs.Inode = tr.root
	for _, c := range split(path) {
		next, err := ino.Lookup(testCtx{}, c)
		if err != nil {
			return nil, err
		}
		ino = next
	}
	return ino, nil
}

func TestTree(t *testing.T) {
	tr := NewTree(func() vfs.Time { return vfs.Time{Sec: 7} })
	ro := Attribute{Mode: 0444, Show: func() string { return "1\n" }}
	if err := tr.AddFile("/devices/a/b/file", ro); err != nil {
		t.Fatal(err)
	}
	if err := tr.AddFile("devices/a/b/file", ro); err != abi.EEXIST {
		t.Errorf("add twice: %v", err)
	}
	if err := tr.AddFile("devices/a/b/file/x", ro); err != abi.ENOTDIR {
		t.Errorf("add below a file: %v", err)
	}
	if err := tr.Mkdir("devices/a/b"); err != nil {
		t.Errorf("mkdir of an existing directory: %v", err)
	}
	if err := tr.Mkdir("devices/a/b/file"); err != abi.ENOTDIR {
		t.Errorf("mkdir over a file: %v", err)
	}
	if err := tr.AddLink("class/x/b", "../../devices/a/b"); err != nil {
		t.Fatal(err)
	}
	if err := tr.Remove("devices/nothing"); err != abi.ENOENT {
		t.Errorf("remove a missing name: %v", err)
	}
	ino, err := lookup(t, tr, "devices/a/b/file")
	if err != nil {
		t.Fatal(err)
	}
	a := ino.Attr()
	if a.Mode != abi.S_IFREG|0444 || a.Size != 4096 || a.Mtime.Sec != 7 || a.Nlink != 1 {
		t.Errorf("file attr %+v", a)
	}
	if d, _ := lookup(t, tr, "devices/a"); d.Attr().Nlink != 3 {
		t.Errorf("devices/a nlink %d", d.Attr().Nlink)
	}
	l, _ := lookup(t, tr, "class/x/b")
	if s, err := l.Readlink(testCtx{}); s != "../../devices/a/b" || err != nil {
		t.Errorf("link %q %v", s, err)
	}
	if _, err := ino.Open(testCtx{}, abi.O_WRONLY); err != abi.EACCES {
		t.Errorf("open a read-only attribute for writing: %v", err)
	}
	f, err := ino.Open(testCtx{}, abi.O_RDONLY)
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Remove("devices/a"); err != nil {
		t.Fatal(err)
	}
	if _, err := lookup(t, tr, "devices/a/b/file"); err != abi.ENOENT {
		t.Errorf("lookup after remove: %v", err)
	}
	// An open attribute outlives its removal.
	if _, ok := f.(*attrFile); !ok {
		t.Errorf("open attribute is %T", f)
	}
	var got []string
	tr.root.ReadDir(testCtx{}, 0, func(d vfs.Dirent) bool { got = append(got, d.Name); return true })
	if len(got) != 12 || got[0] != "." || got[2] != "block" || got[11] != "power" {
		t.Errorf("root lists %v", got)
	}
	got = nil
	tr.root.ReadDir(testCtx{}, 11, func(d vfs.Dirent) bool { got = append(got, d.Name); return true })
	if len(got) != 1 || got[0] != "power" {
		t.Errorf("listing from offset 11: %v", got)
	}
}
