package vfs_test

import (
	"testing"

	"liblinux/abi"
	"liblinux/kernel/vfs"
)

func mountLines(f *fixture) map[string]string {
	out := map[string]string{}
	for _, m := range f.v.Mounts(f.root) {
		out[m.Point] = m.Type + " " + m.Opts
	}
	return out
}

func TestMountsAndDetach(t *testing.T) {
	f := newFixture(t)
	f.mkdir("/m", 0755)
	f.mkdir("/b", 0755)
	m := f.mount("/m", abi.MS_NOSUID|abi.MS_NODEV, "size=1m,mode=700")
	lines := mountLines(f)
	if lines["/"] != "tmpfs rw" || lines["/m"] != "tmpfs rw,nosuid,nodev,relatime,size=1024k,mode=700" {
		t.Errorf("mounts %q", lines)
	}
	f.mkdir("/m/sub", 0755)
	sub := f.mount("/m/sub", 0, "")
	if err := f.v.Detach(m, false); errOf(err) != abi.EBUSY {
		t.Errorf("detach with a submount: %v", err)
	}
	if err := f.v.Expire(m); errOf(err) != abi.EBUSY {
		t.Errorf("expire with a submount: %v", err)
	}
	// A recursive bind takes the submount along; a plain one does not.
	if err := f.v.Bind(f.resolve("/m"), f.resolve("/b"), false); err != nil {
		t.Fatal(err)
	}
	if p := f.resolve("/b/sub"); p.Mnt == sub {
		t.Errorf("plain bind shows the submount")
	}
	if err := f.v.Detach(f.resolve("/b").Mnt, false); err != nil {
		t.Fatal(err)
	}
	if err := f.v.Bind(f.resolve("/m"), f.resolve("/b"), true); err != nil {
		t.Fatal(err)
	}
	bs := f.resolve("/b/sub")
	if bs.Mnt == sub || bs.Mnt.Superblock() != sub.Superblock() {
		t.Errorf("recursive bind: /b/sub not a copy of the submount")
	}
	if err := f.v.Detach(f.resolve("/b").Mnt, true); err != nil {
		t.Fatalf("lazy detach: %v", err)
	}
	if _, ok := mountLines(f)["/b/sub"]; ok {
		t.Errorf("lazy detach left /b/sub")
	}
	// A busy mount: an open file, then MNT_EXPIRE's two steps.
	file, err := f.w().Open("/m/sub", abi.O_RDONLY, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.v.Detach(sub, false); errOf(err) != abi.EBUSY {
		t.Errorf("detach busy: %v", err)
	}
	file.DecRef()
	if err := f.v.Expire(sub); errOf(err) != abi.EAGAIN {
		t.Errorf("first expire: %v", err)
	}
	if err := f.v.Expire(sub); err != nil {
		t.Errorf("second expire: %v", err)
	}
	if err := f.v.Detach(f.root.Mnt, false); errOf(err) != abi.EBUSY {
		t.Errorf("detach root: %v", err)
	}
	if err := f.v.Detach(f.root.Mnt, true); errOf(err) != abi.EINVAL {
		t.Errorf("lazy detach root: %v", err)
	}
}

func TestMountFlagsAndWriters(t *testing.T) {
	f := newFixture(t)
	f.mkdir("/m", 0755)
	m := f.mount("/m", 0, "")
	file, err := f.w().Open("/m/f", abi.O_CREAT|abi.O_RDWR, 0644, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.v.SetMountFlags(m, abi.MS_RDONLY); errOf(err) != abi.EBUSY {
		t.Errorf("ro with a writer: %v", err)
	}
	if err := f.v.Remount(f.ctx, m, abi.MS_RDONLY, 0, ""); errOf(err) != abi.EBUSY {
		t.Errorf("sb ro with a writer: %v", err)
	}
	file.DecRef()
	if err := f.v.Remount(f.ctx, m, abi.MS_RDONLY, abi.MS_RELATIME, ""); err != nil {
		t.Fatal(err)
	}
	if mountLines(f)["/m"] != "tmpfs ro,relatime" {
		t.Errorf("after remount ro: %q", mountLines(f)["/m"])
	}
	st, err := vfs.StatFS(f.ctx, f.resolve("/m"))
	if err != nil || st.Flags != abi.ST_VALID|abi.ST_RDONLY|abi.ST_RELATIME || st.Type != abi.TMPFS_MAGIC {
		t.Errorf("statfs %+v %v", st, err)
	}
	for _, op := range []func() error{
		func() error { return f.w().Mkdir("/m/d", 0755, 0) },
		func() error { return f.w().Unlink("/m/f") },
		func() error { return vfs.Chmod(f.ctx, f.resolve("/m/f"), 0600) },
		func() error { return vfs.Truncate(f.ctx, f.resolve("/m/f"), 0) },
		func() error { _, err := f.w().Open("/m/f", abi.O_WRONLY, 0, 0); return err },
	} {
		if err := op(); errOf(err) != abi.EROFS {
			t.Errorf("write on ro filesystem: %v", err)
		}
	}
	if err := f.v.Remount(f.ctx, m, 0, abi.MS_RELATIME, "size=1m"); err != nil {
		t.Fatal(err)
	}
	if mountLines(f)["/m"] != "tmpfs rw,relatime,size=1024k" {
		t.Errorf("after remount rw,size=1m: %q", mountLines(f)["/m"])
	}
	f.mkdir("/u", 0755)
	u := f.mount("/u", 0, "size=0")
	if err := f.v.Remount(f.ctx, u, 0, abi.MS_RELATIME, "size=1m"); errOf(err) != abi.EINVAL {
		t.Errorf("limiting an unlimited size: %v", err)
	}
}

func TestMove(t *testing.T) {
	f := newFixture(t)
	f.mkdir("/m", 0755)
	f.mkdir("/n", 0755)
	f.mkfile("/file", 0644)
	m := f.mount("/m", 0, "")
	f.mkdir("/m/in", 0755)
	if err := f.v.Move(f.resolve("/m"), f.resolve("/m/in")); errOf(err) != abi.ELOOP {
		t.Errorf("move into itself: %v", err)
	}
	if err := f.v.Move(f.resolve("/m/in"), f.resolve("/n")); errOf(err) != abi.EINVAL {
		t.Errorf("move a non-root: %v", err)
	}
	if err := f.v.Move(f.resolve("/m"), f.resolve("/file")); errOf(err) != abi.ENOTDIR {
		t.Errorf("move onto a file: %v", err)
	}
	if err := f.v.Move(f.resolve("/m"), f.resolve("/n")); err != nil {
		t.Fatal(err)
	}
	if p := f.resolve("/n/in"); p.Mnt != m {
		t.Errorf("moved mount not at /n")
	}
	if p := f.resolve("/m"); p.Mnt != f.root.Mnt {
		t.Errorf("old point still covered")
	}
}
