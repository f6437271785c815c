package vfs_test

import (
	"fmt"
	"strings"
	"testing"

	"liblinux/abi"
	"liblinux/kernel/vfs"
)

// walkTree builds the tree the walk tests share:
//
//	/d/f            file
//	/d/sub/g        file
//	/d/rel -> sub/g   /d/abs -> /d/f   /d/dirl -> sub   /d/dang -> nowhere
//	/d/slash -> f/    /d/loop -> loop  /d/up -> ..      /d/root -> /
//	/d/empty? (none: symlink(2) refuses empty targets)
//	/chain0 -> chain1 -> ... -> chain40 -> /d/f
//	/m (a tmpfs mount) with /m/x
func walkTree(t *testing.T) *fixture {
	f := newFixture(t)
	f.mkdir("/d", 0755)
	f.mkfile("/d/f", 0644)
	f.mkdir("/d/sub", 0755)
	f.mkfile("/d/sub/g", 0644)
	f.symlink("sub/g", "/d/rel")
	f.symlink("/d/f", "/d/abs")
	f.symlink("sub", "/d/dirl")
	f.symlink("nowhere", "/d/dang")
	f.symlink("f/", "/d/slash")
	f.symlink("loop", "/d/loop")
	f.symlink("..", "/d/up")
	f.symlink("/", "/d/root")
	for i := 0; i < 40; i++ {
		f.symlink(fmt.Sprintf("chain%d", i+1), fmt.Sprintf("/chain%d", i))
	}
	f.symlink("/d/f", "/chain40")
	f.mkdir("/m", 0755)
	f.mount("/m", 0, "")
	f.mkfile("/m/x", 0644)
	f.mkdir("/m/y", 0755)
	return f
}

func TestResolve(t *testing.T) {
	f := walkTree(t)
	df, g, sub := f.resolve("/d/f"), f.resolve("/d/sub/g"), f.resolve("/d/sub")
	link := func(p string) vfs.Path {
		r, err := f.w().Resolve(p, vfs.WalkNoFollow)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	tests := []struct {
		path  string
		flags int
		want  vfs.Path
		err   abi.Errno
	}{
		{"/d/f", 0, df, 0},
		{"//d///f", 0, df, 0},
		{"/d/./sub/../f", 0, df, 0},
		{"/../../d/f", 0, df, 0},
		{"/d/rel", 0, g, 0},
		{"/d/abs", 0, df, 0},
		{"/d/dirl/g", 0, g, 0},
		{"/d/dirl/", 0, sub, 0},
		{"/d/dirl", vfs.WalkNoFollow, link("/d/dirl"), 0},
		{"/d/dirl/", vfs.WalkNoFollow, sub, 0},
		{"/d/up/d/f", 0, df, 0},
		{"/d/root/d/f", 0, df, 0},
		{"/d/dang", 0, vfs.Path{}, abi.ENOENT},
		{"/d/dang", vfs.WalkNoFollow, link("/d/dang"), 0},
		{"/d/slash", 0, vfs.Path{}, abi.ENOTDIR},
		{"/d/loop", 0, vfs.Path{}, abi.ELOOP},
		{"/d/loop/x", 0, vfs.Path{}, abi.ELOOP},
		{"/d/f/", 0, vfs.Path{}, abi.ENOTDIR},
		{"/d/f/x", 0, vfs.Path{}, abi.ENOTDIR},
		{"/d/f/..", 0, vfs.Path{}, abi.ENOTDIR},
		{"/d/nope", 0, vfs.Path{}, abi.ENOENT},
		{"/d/nope/x", 0, vfs.Path{}, abi.ENOENT},
		{"/d/f", vfs.WalkDirectory, vfs.Path{}, abi.ENOTDIR},
		{"/chain1", 0, df, 0},
		{"/chain0", 0, vfs.Path{}, abi.ELOOP},
		{"/chain0", vfs.WalkNoFollow, link("/chain0"), 0},
		{"", 0, vfs.Path{}, abi.ENOENT},
		{"", vfs.WalkEmptyPath, f.root, 0},
		{"/" + strings.Repeat("a", 256), 0, vfs.Path{}, abi.ENAMETOOLONG},
		{"/" + strings.Repeat("a", 255), 0, vfs.Path{}, abi.ENOENT},
		{strings.Repeat("/", 4096), 0, vfs.Path{}, abi.ENAMETOOLONG},
	}
	for _, tc := range tests {
		got, err := f.w().Resolve(tc.path, tc.flags)
		if errOf(err) != tc.err || err == nil && got != tc.want {
			t.Errorf("Resolve(%.40q, %d) = %v, %v; want %v, %v", tc.path, tc.flags, got, err, tc.want, tc.err)
		}
	}
}

func TestResolveMounts(t *testing.T) {
	f := walkTree(t)
	m := f.resolve("/m")
	if m.D != m.Mnt.Root() || m.Mnt == f.root.Mnt {
		t.Fatalf("/m did not cross into the mount")
	}
	if up := f.resolve("/m/.."); up != f.root {
		t.Errorf("/m/.. = %v, want the root", up)
	}
	if y := f.resolve("/m/y/../.."); y != f.root {
		t.Errorf("/m/y/../.. = %v", y)
	}
	// A walk started below a mount climbs out of it.
	w := f.w()
	w.Start = f.resolve("/m")
	if p, err := w.Resolve("../d/f", 0); err != nil || p != f.resolve("/d/f") {
		t.Errorf("../d/f from /m = %v, %v", p, err)
	}
	// RESOLVE_NO_XDEV refuses the crossing both ways.
	w = f.w()
	w.Restrict = abi.RESOLVE_NO_XDEV
	if _, err := w.Resolve("/m/x", 0); errOf(err) != abi.EXDEV {
		t.Errorf("NO_XDEV into mount: %v", err)
	}
	w.Start = f.resolve("/m")
	if _, err := w.Resolve("..", 0); errOf(err) != abi.EXDEV {
		t.Errorf("NO_XDEV out of mount: %v", err)
	}
	if _, err := w.Resolve("x", 0); err != nil {
		t.Errorf("NO_XDEV within mount: %v", err)
	}
}

func TestResolveChroot(t *testing.T) {
	f := walkTree(t)
	d := f.resolve("/d")
	w := &vfs.Walker{V: f.v, Ctx: f.ctx, Root: d, Start: d}
	for _, tc := range []struct {
		path string
		want string
		err  abi.Errno
	}{
		{"/f", "/d/f", 0},
		{"../../f", "/d/f", 0},
		{"/sub/../../f", "/d/f", 0},
		{"abs", "", abi.ENOENT}, // /d/f seen from /d is /d/d/f
		{"root/f", "/d/f", 0},
		{"up/f", "/d/f", 0},
	} {
		p, err := w.Resolve(tc.path, 0)
		if errOf(err) != tc.err {
			t.Errorf("chroot Resolve(%q): %v, want %v", tc.path, err, tc.err)
			continue
		}
		if err == nil && p != f.resolve(tc.want) {
			t.Errorf("chroot Resolve(%q) = %v, want %s", tc.path, p, tc.want)
		}
	}
	// Paths outside the root are unreachable.
	if s, ok := f.v.PathString(d, f.resolve("/m/x")); ok || s != "/m/x" {
		t.Errorf("PathString outside root = %q, %v", s, ok)
	}
	if s, ok := f.v.PathString(d, f.resolve("/d/sub/g")); !ok || s != "/sub/g" {
		t.Errorf("PathString inside root = %q, %v", s, ok)
	}
}

func TestResolveRestrict(t *testing.T) {
	f := walkTree(t)
	d := f.resolve("/d")
	for _, tc := range []struct {
		restrict uint64
		path     string
		want     string
		err      abi.Errno
	}{
		{abi.RESOLVE_BENEATH, "f", "/d/f", 0},
		{abi.RESOLVE_BENEATH, "sub/../f", "/d/f", 0},
		{abi.RESOLVE_BENEATH, "../d/f", "", abi.EXDEV},
		{abi.RESOLVE_BENEATH, "/d/f", "", abi.EXDEV},
		{abi.RESOLVE_BENEATH, "abs", "", abi.EXDEV},
		{abi.RESOLVE_BENEATH, "rel", "/d/sub/g", 0},
		{abi.RESOLVE_BENEATH, "up", "", abi.EXDEV},
		{abi.RESOLVE_IN_ROOT, "/f", "/d/f", 0},
		{abi.RESOLVE_IN_ROOT, "../../f", "/d/f", 0},
		{abi.RESOLVE_IN_ROOT, "root/f", "/d/f", 0},
		{abi.RESOLVE_NO_SYMLINKS, "rel", "", abi.ELOOP},
		{abi.RESOLVE_NO_SYMLINKS, "dirl/g", "", abi.ELOOP},
		{abi.RESOLVE_NO_SYMLINKS, "sub/g", "/d/sub/g", 0},
		{abi.RESOLVE_NO_MAGICLINKS, "rel", "/d/sub/g", 0},
	} {
		w := &vfs.Walker{V: f.v, Ctx: f.ctx, Root: f.root, Start: d, Restrict: tc.restrict}
		p, err := w.Resolve(tc.path, 0)
		if errOf(err) != tc.err {
			t.Errorf("restrict %#x Resolve(%q): %v, want %v", tc.restrict, tc.path, err, tc.err)
			continue
		}
		if err == nil && p != f.resolve(tc.want) {
			t.Errorf("restrict %#x Resolve(%q) = %v, want %s", tc.restrict, tc.path, p, tc.want)
		}
	}
}

func TestResolveParent(t *testing.T) {
	f := walkTree(t)
	for _, tc := range []struct {
		path     string
		dir      string
		last     string
		trailing bool
		err      abi.Errno
	}{
		{"/d/f", "/d", "f", false, 0},
		{"/d/new/", "/d", "new", true, 0},
		{"/d/dirl/x", "/d/sub", "x", false, 0},
		{"/d/.", "/d", ".", false, 0},
		{"/d/..", "/d", "..", false, 0},
		{"/", "/", "", false, 0},
		{"/d/f/x", "", "", false, abi.ENOTDIR},
		{"/d/dang/x", "", "", false, abi.ENOENT},
		{"/d/rel/x", "", "", false, abi.ENOTDIR},
	} {
		dir, last, trailing, err := f.w().ResolveParent(tc.path)
		if errOf(err) != tc.err {
			t.Errorf("ResolveParent(%q): %v, want %v", tc.path, err, tc.err)
			continue
		}
		if err == nil && (dir != f.resolve(tc.dir) || last != tc.last || trailing != tc.trailing) {
			t.Errorf("ResolveParent(%q) = %v %q %v", tc.path, dir, last, trailing)
		}
	}
}

func TestOpenCreateThroughSymlinks(t *testing.T) {
	f := walkTree(t)
	w := f.w()
	// A dangling symlink with O_CREAT creates its target.
	file, err := w.Open("/d/dang", abi.O_CREAT|abi.O_WRONLY, 0600, 0)
	if err != nil {
		t.Fatalf("O_CREAT through dangling link: %v", err)
	}
	file.DecRef()
	if a := f.attr("/d/nowhere"); a.Mode != abi.S_IFREG|0600 {
		t.Errorf("created target mode %#o", a.Mode)
	}
	for _, tc := range []struct {
		path  string
		flags uint32
		err   abi.Errno
	}{
		{"/d/abs", abi.O_CREAT | abi.O_EXCL | abi.O_WRONLY, abi.EEXIST},
		{"/d/loop", abi.O_CREAT | abi.O_WRONLY, abi.ELOOP},
		{"/d/abs", abi.O_CREAT | abi.O_NOFOLLOW | abi.O_WRONLY, abi.ELOOP},
		{"/d/abs", abi.O_NOFOLLOW | abi.O_RDONLY, abi.ELOOP},
		{"/d/new/", abi.O_CREAT | abi.O_WRONLY, abi.EISDIR},
		{"/d/f/", abi.O_CREAT | abi.O_WRONLY, abi.EISDIR},
		{"/d", abi.O_CREAT | abi.O_RDONLY, abi.EISDIR},
		{"/d/.", abi.O_CREAT | abi.O_RDONLY, abi.EISDIR},
		{"/d", abi.O_WRONLY, abi.EISDIR},
		{"/d/f", abi.O_DIRECTORY | abi.O_RDONLY, abi.ENOTDIR},
		{"/d/nope/x", abi.O_CREAT | abi.O_WRONLY, abi.ENOENT},
	} {
		file, err := w.Open(tc.path, tc.flags, 0644, 0)
		if errOf(err) != tc.err {
			t.Errorf("Open(%q, %#o) = %v, want %v", tc.path, tc.flags, err, tc.err)
		}
		if file != nil {
			file.DecRef()
		}
	}
}

func TestOpenPath(t *testing.T) {
	f := walkTree(t)
	file, err := f.w().Open("/d/abs", abi.O_PATH|abi.O_NOFOLLOW, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer file.DecRef()
	if !file.IsPath() || file.Readable() || file.Writable() || file.Flags() != abi.O_PATH|abi.O_NOFOLLOW {
		t.Errorf("O_PATH file: path %v r %v w %v flags %#o", file.IsPath(), file.Readable(), file.Writable(), file.Flags())
	}
	if p := file.Path(); p.D.Type() != abi.S_IFLNK {
		t.Errorf("O_PATH|O_NOFOLLOW opened %#o, want the link", p.D.Type())
	}
	if _, err := file.Seek(f.ctx, 0, abi.SEEK_SET); errOf(err) != abi.EBADF {
		t.Errorf("lseek on O_PATH: %v", err)
	}
	if err := file.Fsync(f.ctx, false); errOf(err) != abi.EBADF {
		t.Errorf("fsync on O_PATH: %v", err)
	}
}
