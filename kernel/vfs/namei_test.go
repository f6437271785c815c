package vfs_test

import (
	"testing"

	"liblinux/abi"
	"liblinux/kernel/vfs"
)

// nameTree: /a/b/c (dirs), /e (empty dir), /ne/x, /f and its link /fl,
// /sa -> a, /st (sticky 1777 owned by root) with /st/rootf, /ro (read-only
// tmpfs mount) with /ro/x made before it went read-only.
func nameTree(t *testing.T) *fixture {
	f := newFixture(t)
	f.mkdir("/a", 0755)
	f.mkdir("/a/b", 0755)
	f.mkdir("/a/b/c", 0755)
	f.mkdir("/e", 0755)
	f.mkdir("/ne", 0755)
	f.mkfile("/ne/x", 0644)
	f.mkfile("/f", 0644)
	if err := f.w().Link(f.resolve("/f"), "/fl"); err != nil {
		t.Fatal(err)
	}
	f.symlink("a", "/sa")
	f.mkdir("/st", 0777)
	vfs.Chmod(f.ctx, f.resolve("/st"), 01777)
	f.mkfile("/st/rootf", 0644)
	f.mkdir("/ro", 0755)
	m := f.mount("/ro", 0, "")
	f.mkfile("/ro/x", 0644)
	if err := f.v.SetMountFlags(m, abi.MS_RDONLY); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestCreateErrors(t *testing.T) {
	f := nameTree(t)
	w := f.w()
	mkdir := func(p string) error { return w.Mkdir(p, 0755, 0) }
	mknod := func(p string) error { return w.Mknod(p, abi.S_IFREG|0644, 0, 0) }
	symlink := func(p string) error { return w.Symlink("t", p) }
	tests := []struct {
		name string
		op   func(string) error
		path string
		err  abi.Errno
	}{
		{"mkdir exists", mkdir, "/e", abi.EEXIST},
		{"mkdir dot", mkdir, "/e/.", abi.EEXIST},
		{"mkdir root", mkdir, "/", abi.EEXIST},
		{"mkdir over dangling symlink", mkdir, "/sa", abi.EEXIST},
		{"mkdir trailing slash", mkdir, "/new/", 0},
		{"mkdir missing parent", mkdir, "/nope/x", abi.ENOENT},
		{"mkdir under file", mkdir, "/f/x", abi.ENOTDIR},
		{"mkdir read-only mount", mkdir, "/ro/d", abi.EROFS},
		{"mkdir read-only exists", mkdir, "/ro/x", abi.EEXIST},
		{"mknod trailing slash", mknod, "/newf/", abi.ENOENT},
		{"mknod exists trailing slash", mknod, "/f/", abi.EEXIST},
		{"symlink trailing slash", symlink, "/newl/", abi.ENOENT},
		{"symlink exists", symlink, "/f", abi.EEXIST},
	}
	for _, tc := range tests {
		if err := tc.op(tc.path); errOf(err) != tc.err {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.err)
		}
	}
	if err := w.Symlink("", "/x"); errOf(err) != abi.ENOENT {
		t.Errorf("empty symlink target: %v", err)
	}
	f.as(user(1000, 1000), func() {
		if err := w.Mkdir("/a/new", 0755, 0); errOf(err) != abi.EACCES {
			t.Errorf("mkdir without write permission: %v", err)
		}
		if err := w.Mkdir("/a/b", 0755, 0); errOf(err) != abi.EEXIST {
			t.Errorf("mkdir existing without write permission: %v", err)
		}
		if err := w.Mknod("/st/dev", abi.S_IFCHR|0600, 0, 0x101); errOf(err) != abi.EPERM {
			t.Errorf("mknod device without CAP_MKNOD: %v", err)
		}
		if err := w.Mknod("/st/wh", abi.S_IFCHR|0600, 0, 0); err != nil {
			t.Errorf("mknod whiteout without CAP_MKNOD: %v", err)
		}
		if err := w.Mknod("/a/dev", abi.S_IFCHR|0600, 0, 0x101); errOf(err) != abi.EACCES {
			t.Errorf("mknod device in unwritable dir: %v", err)
		}
	})
}

func TestRemoveErrors(t *testing.T) {
	f := nameTree(t)
	w := f.w()
	tests := []struct {
		rmdir bool
		path  string
		err   abi.Errno
	}{
		{false, "/e", abi.EISDIR},
		{false, "/.", abi.EISDIR},
		{false, "/f/", abi.ENOTDIR},
		{false, "/e/", abi.EISDIR},
		{false, "/nope/", abi.ENOENT},
		{false, "/sa/", abi.ENOTDIR},
		{false, "/ro/x", abi.EROFS},
		{false, "/ro/nope", abi.EROFS},
		{true, "/", abi.EBUSY},
		{true, "/a/.", abi.EINVAL},
		{true, "/a/..", abi.ENOTEMPTY},
		{true, "/ne", abi.ENOTEMPTY},
		{true, "/f", abi.ENOTDIR},
		{true, "/sa", abi.ENOTDIR},
		{true, "/sa/", abi.ENOTDIR},
		{true, "/ro", abi.EBUSY},
		{true, "/nope", abi.ENOENT},
	}
	for _, tc := range tests {
		var err error
		if tc.rmdir {
			err = w.Rmdir(tc.path)
		} else {
			err = w.Unlink(tc.path)
		}
		if errOf(err) != tc.err {
			t.Errorf("rmdir=%v %s: %v, want %v", tc.rmdir, tc.path, err, tc.err)
		}
	}
	f.as(user(1000, 1000), func() {
		if err := w.Unlink("/st/rootf"); errOf(err) != abi.EPERM {
			t.Errorf("sticky unlink of another's file: %v", err)
		}
		if err := w.Unlink("/ne/x"); errOf(err) != abi.EACCES {
			t.Errorf("unlink without write permission: %v", err)
		}
	})
	if err := w.Unlink("/fl"); err != nil {
		t.Fatal(err)
	}
	if a := f.attr("/f"); a.Nlink != 1 {
		t.Errorf("nlink after unlinking a link: %d", a.Nlink)
	}
	if err := w.Rmdir("/e"); err != nil {
		t.Fatal(err)
	}
	if a := f.attr("/"); a.Nlink != 6 {
		t.Errorf("root nlink %d", a.Nlink)
	}
}

func TestRename(t *testing.T) {
	f := nameTree(t)
	w := f.w()
	rename := func(o, n string, flags uint32) error { return vfs.Rename(f.ctx, w, o, w, n, flags) }
	tests := []struct {
		old, new string
		flags    uint32
		err      abi.Errno
	}{
		{"/a", "/a/b/c/d", 0, abi.EINVAL},
		{"/a/b", "/a", 0, abi.ENOTEMPTY},
		{"/a/b/c", "/a", 0, abi.ENOTEMPTY},
		{"/a", "/a/b", abi.RENAME_EXCHANGE, abi.EINVAL},
		{"/a/b", "/a", abi.RENAME_EXCHANGE, abi.EINVAL},
		{"/e", "/ne", 0, abi.ENOTEMPTY},
		{"/f", "/e", 0, abi.EISDIR},
		{"/e", "/f", 0, abi.ENOTDIR},
		{"/f", "/fl", 0, 0},
		{"/f", "/fl", abi.RENAME_NOREPLACE, abi.EEXIST},
		{"/f", "/nope", abi.RENAME_EXCHANGE, abi.ENOENT},
		{"/f/", "/x", 0, abi.ENOTDIR},
		{"/f", "/x/", 0, abi.ENOTDIR},
		{"/nope", "/y", 0, abi.ENOENT},
		{"/.", "/y", 0, abi.EBUSY},
		{"/e", "/..", 0, abi.EBUSY},
		{"/e", "/.", abi.RENAME_NOREPLACE, abi.EEXIST},
		{"/sa/", "/y", 0, abi.ENOTDIR},
		{"/f", "/ro/f", 0, abi.EXDEV},
		{"/ro/x", "/ro/y", 0, abi.EROFS},
		{"/ro", "/rox", 0, abi.EBUSY},
		{"/e", "/ro", 0, abi.EBUSY},
		{"/f", "/f", abi.RENAME_EXCHANGE, 0},
		{"/e", "/e2/", 0, 0},
	}
	for _, tc := range tests {
		if err := rename(tc.old, tc.new, tc.flags); errOf(err) != tc.err {
			t.Errorf("rename(%s, %s, %d): %v, want %v", tc.old, tc.new, tc.flags, err, tc.err)
		}
	}
	// Exchange a file and a directory in different parents: the parents'
	// link counts follow the directory.
	if err := rename("/f", "/a/b", abi.RENAME_EXCHANGE); err != nil {
		t.Fatal(err)
	}
	if a := f.attr("/f"); !a.IsDir() || a.Nlink != 3 {
		t.Errorf("/f after exchange: %#o nlink %d", a.Mode, a.Nlink)
	}
	if a := f.attr("/a"); a.Nlink != 2 {
		t.Errorf("/a nlink after exchange %d", a.Nlink)
	}
	if _, err := w.Resolve("/f/c", 0); err != nil {
		t.Errorf("/f/c after exchange: %v", err)
	}
	// Whiteout leaves a 0:0 character device.
	if err := rename("/fl", "/w", abi.RENAME_WHITEOUT); err != nil {
		t.Fatal(err)
	}
	if a := f.attr("/fl"); a.Mode != abi.S_IFCHR || a.Rdev != 0 {
		t.Errorf("whiteout %#o rdev %d", a.Mode, a.Rdev)
	}
	// Sticky directory rules apply to both names.
	f.as(user(1000, 1000), func() {
		if err := rename("/st/rootf", "/st/mine", 0); errOf(err) != abi.EPERM {
			t.Errorf("sticky rename of another's file: %v", err)
		}
	})
	// Moving a directory to another parent needs write permission on it.
	f.mkdir("/st/ud", 0755)
	f.mkdir("/st/dst", 0777)
	f.as(user(1000, 1000), func() {
		if err := rename("/st/ud", "/st/dst/ud", 0); errOf(err) != abi.EPERM {
			t.Errorf("sticky rename of another's dir: %v", err)
		}
	})
}

func TestRenameDentries(t *testing.T) {
	f := nameTree(t)
	w := f.w()
	file, err := w.Open("/a/b/c", abi.O_RDONLY|abi.O_DIRECTORY, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer file.DecRef()
	if err := vfs.Rename(f.ctx, w, "/a/b", w, "/e/moved", 0); err != nil {
		t.Fatal(err)
	}
	if s, ok := f.v.PathString(f.root, file.Path()); !ok || s != "/e/moved/c" {
		t.Errorf("path after rename %q %v", s, ok)
	}
	if err := w.Rmdir("/e/moved/c"); err != nil {
		t.Fatal(err)
	}
	if s, _ := f.v.PathString(f.root, file.Path()); s != "/e/moved/c (deleted)" {
		t.Errorf("path after rmdir %q", s)
	}
	if err := w.Mkdir("/e/moved/c/x", 0755, 0); errOf(err) != abi.ENOENT {
		t.Errorf("mkdir in removed dir %v", err)
	}
	// A walk through the open directory sees it empty and dead.
	w2 := f.w()
	w2.Start = file.Path()
	if err := w2.Mkdir("y", 0755, 0); errOf(err) != abi.ENOENT {
		t.Errorf("mkdir relative to removed dir %v", err)
	}
}

func TestLink(t *testing.T) {
	f := nameTree(t)
	w := f.w()
	for _, tc := range []struct {
		old, new string
		err      abi.Errno
	}{
		{"/f", "/f2", 0},
		{"/f", "/f2", abi.EEXIST},
		{"/f", "/f/", abi.EEXIST},
		{"/f", "/zz/", abi.ENOENT},
		{"/e", "/e2", abi.EPERM},
		{"/f", "/ro/f", abi.EROFS},
		{"/f", "/.", abi.EEXIST},
	} {
		if err := w.Link(f.resolve(tc.old), tc.new); errOf(err) != tc.err {
			t.Errorf("link(%s, %s): %v, want %v", tc.old, tc.new, err, tc.err)
		}
	}
	if a := f.attr("/f"); a.Nlink != 3 {
		t.Errorf("nlink %d", a.Nlink)
	}
	// A file whose last name went cannot get a new one.
	file, err := w.Open("/ne/x", abi.O_RDONLY, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer file.DecRef()
	w.Unlink("/ne/x")
	if err := w.Link(file.Path(), "/back"); errOf(err) != abi.ENOENT {
		t.Errorf("link of unlinked file: %v", err)
	}
	// An O_TMPFILE file can, once.
	tmp, err := w.Open("/e", abi.O_TMPFILE|abi.O_RDWR, 0600, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer tmp.DecRef()
	if a, _ := tmp.Attr(); a.Nlink != 0 {
		t.Errorf("tmpfile nlink %d", a.Nlink)
	}
	if s, _ := f.v.PathString(f.root, tmp.Path()); s[:4] != "/e/#" {
		t.Errorf("tmpfile path %q", s)
	}
	if err := w.Link(tmp.Path(), "/e/t1"); err != nil {
		t.Fatalf("link tmpfile: %v", err)
	}
	if err := w.Unlink("/e/t1"); err != nil {
		t.Fatal(err)
	}
	if err := w.Link(tmp.Path(), "/e/t2"); errOf(err) != abi.ENOENT {
		t.Errorf("second link of tmpfile: %v", err)
	}
}
