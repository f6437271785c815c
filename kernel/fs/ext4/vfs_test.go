package ext4

import (
	"bytes"
	"testing"

	"liblinux/abi"
	"liblinux/kernel/usermem"
	"liblinux/kernel/vfs"
)

// TestThroughVFS drives the filesystem through the VFS: path walks,
// open with O_CREAT and O_APPEND, renameat2, xattrs, statfs, unmount.
func TestThroughVFS(t *testing.T) {
	needTools(t)
	img := mkfs(t, "", "16M")
	disk := newTestDevice(img)
	ctx := newCtx()
	v := vfs.New()
	tmp, err := NewType("ext4", nil).MountDevice(ctx, v, disk, "/dev/vdb", 0, "")
	if err != nil {
		t.Fatal(err)
	}
	root := v.SetRoot(tmp, 0)
	w := &vfs.Walker{V: v, Ctx: ctx, Root: root, Start: root}
	if err := w.Mkdir("/dir", 0o755, 0o022); err != nil {
		t.Fatal(err)
	}
	f, err := w.Open("/dir/file", abi.O_CREAT|abi.O_RDWR|abi.O_APPEND, 0o666, 0o022)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"hello ", "world"} {
		buf := userBuf(len(s))
		copy(buf, s)
		io, _ := usermem.NewIO(usermem.AddrOf(buf), len(buf))
		if n, err := f.Write(ctx, io); err != nil || n != len(s) {
			t.Fatalf("write: %d %v", n, err)
		}
	}
	f.DecRef()
	a, err := w.Stat("/dir/file", 0)
	if err != nil || a.Size != 11 || a.Mode != abi.S_IFREG|0o644 || a.Dev != uint64(disk.Dev) {
		t.Fatalf("stat: %+v %v", a, err)
	}
	if err := w.Symlink("file", "/dir/link"); err != nil {
		t.Fatal(err)
	}
	if err := vfs.Rename(ctx, w, "/dir/file", w, "/moved", 0); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Stat("/dir/link", 0); err != abi.ENOENT {
		t.Fatalf("dangling link: %v", err)
	}
	p, err := w.Resolve("/moved", 0)
	if err != nil {
		t.Fatal(err)
	}
	tgt := vfs.XattrTarget{P: p}
	if err := vfs.SetXattr(ctx, tgt, "user.k", []byte("v"), 0); err != nil {
		t.Fatal(err)
	}
	if got, err := vfs.GetXattr(ctx, tgt, "user.k"); err != nil || string(got) != "v" {
		t.Fatalf("getxattr: %q %v", got, err)
	}
	st, err := vfs.StatFS(ctx, p)
	if err != nil || st.Type != abi.EXT4_SUPER_MAGIC {
		t.Fatalf("statfs: %+v %v", st, err)
	}
	if err := w.Unlink("/dir/link"); err != nil {
		t.Fatal(err)
	}
	if err := w.Rmdir("/dir"); err != nil {
		t.Fatal(err)
	}
	fs := tmp.FS.(*FS)
	fs.release()
	disk.Sync()
	out := disk2bytes(t, disk)
	fsck(t, out)
	if got := debugfsCat(t, writeTemp(t, out), "/moved"); !bytes.Equal(got, []byte("hello world")) {
		t.Fatalf("debugfs: %q", got)
	}
}
