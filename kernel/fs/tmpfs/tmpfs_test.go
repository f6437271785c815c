package tmpfs

import (
	"testing"

	"liblinux/abi"
	"liblinux/hostops/fake"
	"liblinux/kernel/mm"
	"liblinux/kernel/usermem"
	"liblinux/kernel/vfs"
	"liblinux/kernel/waiter"
)

type ctx struct {
	c   *vfs.Creds
	now int64
}

func (c *ctx) Creds() *vfs.Creds { return c.c }
func (c *ctx) Now() vfs.Time {
	c.now += 1000
	return vfs.TimeFromNanos(c.now)
}
func (c *ctx) Block(*waiter.Event, int64) error { return abi.EINTR }

// instance mounts a tmpfs with options data on a 16 MiB allocator.
func instance(t *testing.T, data string) (*FS, *inode, *ctx) {
	t.Helper()
	mem := mm.New(fake.New(), 16<<20)
	t.Cleanup(mem.Close)
	c := &ctx{c: vfs.RootCreds(), now: 1e18}
	sb, err := (&Type{Mem: mem}).Mount(c, vfs.New(), "none", 0, data)
	if err != nil {
		t.Fatalf("mount %q: %v", data, err)
	}
	return sb.FS.(*FS), sb.Root().Inode().(*inode), c
}

func TestOptions(t *testing.T) {
	for _, tc := range []struct {
		data string
		opts string
		err  abi.Errno
	}{
		{"", "", 0},
		{"size=1m,mode=700,uid=5,gid=6", "size=1024k,mode=700,uid=5,gid=6", 0},
		{"size=1k", "size=4k", 0},
		{"size=4097", "size=8k", 0},
		{"size=50%", "", 0},
		{"size=0,nr_inodes=0", "size=0k,nr_inodes=0", 0},
		{"nr_inodes=1k,mode=1777,uid=0", "nr_inodes=1024", 0},
		{"mode=7", "mode=007", 0},
		{"size=1g,size=2m", "size=2048k", 0},
		{"huge=never,inode64,noswap", "inode64,noswap", 0},
		{"size=", "", abi.EINVAL},
		{"size", "", abi.EINVAL},
		{"size=abc", "", abi.EINVAL},
		{"size=1x", "", abi.EINVAL},
		{"mode=999", "", abi.EINVAL},
		{"uid=-1", "", abi.EINVAL},
		{"uid=4294967295", "", abi.EINVAL},
		{"huge=maybe", "", abi.EINVAL},
		{"bogus=1", "", abi.EINVAL},
	} {
		mem := mm.New(fake.New(), 16<<20)
		c := &ctx{c: vfs.RootCreds()}
		sb, err := (&Type{Mem: mem}).Mount(c, vfs.New(), "none", 0, tc.data)
		got, _ := abi.ErrnoOf(err)
		if got != tc.err {
			t.Errorf("mount %q: %v, want %v", tc.data, err, tc.err)
		} else if err == nil {
			if o := sb.FS.(*FS).MountOptions(); o != tc.opts {
				t.Errorf("mount %q: options %q, want %q", tc.data, o, tc.opts)
			}
		}
		mem.Close()
	}
}

func TestStatfsLimits(t *testing.T) {
	fs, root, c := instance(t, "size=8k,nr_inodes=3")
	st, _ := fs.StatFS(c)
	if st.Blocks != 2 || st.Bfree != 2 || st.Files != 3 || st.Ffree != 2 || st.Namelen != 255 || st.Type != abi.TMPFS_MAGIC {
		t.Errorf("statfs %+v", st)
	}
	a, err := root.Create(c, "a", vfs.CreateOpts{Mode: abi.S_IFREG | 0644})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := root.Mkdir(c, "b", vfs.CreateOpts{Mode: abi.S_IFDIR | 0755}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.Mkdir(c, "c", vfs.CreateOpts{Mode: abi.S_IFDIR | 0755}); err != abi.ENOSPC {
		t.Errorf("third inode: %v", err)
	}
	ops, _ := a.Open(c, abi.O_RDWR)
	buf := make([]byte, 16384)
	io, _ := usermem.NewIO(usermem.AddrOf(buf), len(buf))
	if n, err := ops.Write(c, io, 0); n != 8192 || err != nil {
		t.Errorf("write into 8k: %d %v", n, err)
	}
	if n, err := ops.Write(c, io, 8192); n != 0 || err != abi.ENOSPC {
		t.Errorf("write when full: %d %v", n, err)
	}
	// The pages go when the last name and the last open file do.
	root.Unlink(c, "a")
	if fs.pages.InUse() != 2 {
		t.Errorf("pages freed while open: %d", fs.pages.InUse())
	}
	ops.Release()
	if fs.pages.InUse() != 0 || fs.inodes.InUse() != 2 {
		t.Errorf("after close: pages %d inodes %d", fs.pages.InUse(), fs.inodes.InUse())
	}
	// Remount: can't limit below use; can't limit an unlimited instance.
	if err := fs.Remount(c, 0, "nr_inodes=1"); err != abi.EINVAL {
		t.Errorf("nr_inodes below use: %v", err)
	}
	if err := fs.Remount(c, 0, "size=1m,nr_inodes=10"); err != nil {
		t.Errorf("remount: %v", err)
	}
	fs2, _, _ := instance(t, "size=0")
	if err := fs2.Remount(c, 0, "size=1m"); err != abi.EINVAL {
		t.Errorf("limit unlimited: %v", err)
	}
}

func TestPagesSeek(t *testing.T) {
	var ps pages
	fs, _, _ := instance(t, "")
	for _, idx := range []int64{1, 2, 700, 5000} {
		p, _ := fs.allocPage()
		ps.set(idx, p)
	}
	ps.unwritten = map[int64]struct{}{2: {}}
	for _, tc := range []struct {
		idx  int64
		hole bool
		want int64
		ok   bool
	}{
		{0, false, 1, true},
		{0, true, 0, true},
		{1, true, 2, true},
		{2, false, 700, true},
		{3, false, 700, true},
		{700, true, 701, true},
		{701, false, 5000, true},
		{5000, true, 5001, true},
		{5001, false, 5001, false},
		{600, true, 600, true},
	} {
		got, ok := ps.seek(tc.idx, tc.hole)
		if ok != tc.ok || ok && got != tc.want {
			t.Errorf("seek(%d, hole=%v) = %d %v, want %d %v", tc.idx, tc.hole, got, ok, tc.want, tc.ok)
		}
	}
	ps.freeRange(fs, 2, 700)
	if ps.count != 2 || ps.get(700) != nil || ps.get(1) == nil || len(ps.unwritten) != 0 {
		t.Errorf("after freeRange: count %d", ps.count)
	}
	ps.freeFrom(fs, 0)
	if ps.count != 0 || ps.first != nil || len(ps.more) != 0 || fs.pages.InUse() != 0 {
		t.Errorf("after freeFrom: count %d pages %d", ps.count, fs.pages.InUse())
	}
}

func TestReadDirOffsets(t *testing.T) {
	_, root, c := instance(t, "")
	for _, n := range []string{"a", "b", "c"} {
		root.Create(c, n, vfs.CreateOpts{Mode: abi.S_IFREG | 0644})
	}
	list := func(off int64) (names []string, next []int64) {
		root.ReadDir(c, off, func(d vfs.Dirent) bool {
			names = append(names, d.Name)
			next = append(next, d.Next)
			return true
		})
		return
	}
	names, next := list(0)
	want := []string{".", "..", "c", "b", "a"}
	wantNext := []int64{1, 5, 4, 3, dirOffsetEOD}
	for i := range want {
		if i >= len(names) || names[i] != want[i] || next[i] != wantNext[i] {
			t.Fatalf("list = %q %v, want %q %v", names, next, want, wantNext)
		}
	}
	root.Unlink(c, "b")
	if names, _ := list(4); len(names) != 1 || names[0] != "a" {
		t.Errorf("from a removed offset: %q", names)
	}
	if names, _ := list(99); len(names) != 2 || names[0] != "c" {
		t.Errorf("from past the newest: %q", names)
	}
	if names, _ := list(dirOffsetEOD); len(names) != 0 {
		t.Errorf("from EOD: %q", names)
	}
	if a := root.Attr(); a.Size != 80 || a.Nlink != 2 {
		t.Errorf("root size %d nlink %d", a.Size, a.Nlink)
	}
}

func TestXattrs(t *testing.T) {
	_, root, c := instance(t, "")
	for _, n := range []string{"user.a", "user.b", "user.ab", "user.B", "trusted.t"} {
		if err := root.SetXattr(c, n, []byte("v"), 0); err != nil {
			t.Fatal(err)
		}
	}
	if err := root.SetXattr(c, "user.a", nil, abi.XATTR_CREATE); err != abi.EEXIST {
		t.Errorf("XATTR_CREATE on existing: %v", err)
	}
	if err := root.SetXattr(c, "user.z", nil, abi.XATTR_REPLACE); err != abi.ENODATA {
		t.Errorf("XATTR_REPLACE on missing: %v", err)
	}
	names, _ := root.ListXattr(c)
	want := []string{"user.b", "user.ab", "user.a", "user.B", "trusted.t"}
	for i := range want {
		if i >= len(names) || names[i] != want[i] {
			t.Fatalf("list %q, want %q", names, want)
		}
	}
	if err := root.RemoveXattr(c, "user.a"); err != nil {
		t.Fatal(err)
	}
	if _, err := root.GetXattr(c, "user.a"); err != abi.ENODATA {
		t.Errorf("get removed: %v", err)
	}
}

func TestSealsAndMemfd(t *testing.T) {
	mem := mm.New(fake.New(), 16<<20)
	defer mem.Close()
	tt := &Type{Mem: mem}
	v := vfs.New()
	c := &ctx{c: vfs.RootCreds()}
	f, err := tt.NewMemfd(c, v, "x", MfdAllowSealing)
	if err != nil {
		t.Fatal(err)
	}
	defer f.DecRef()
	s := f.Ops().(vfs.Sealable)
	if s.Seals() != 0 {
		t.Errorf("memfd seals %#x", s.Seals())
	}
	if a, _ := f.Attr(); a.Mode != abi.S_IFREG|0777 || a.Nlink != 0 {
		t.Errorf("memfd attr %#o nlink %d", a.Mode, a.Nlink)
	}
	mroot := vfs.Path{Mnt: f.Path().Mnt, D: f.Path().Mnt.Root()}
	if str, ok := v.PathString(mroot, f.Path()); ok || str != "/memfd:x (deleted)" {
		t.Errorf("memfd path %q", str)
	}
	if err := s.AddSeals(f, 0x100); err != abi.EINVAL {
		t.Errorf("unknown seal: %v", err)
	}
	if err := s.AddSeals(f, abi.F_SEAL_GROW|abi.F_SEAL_SEAL); err != nil {
		t.Fatal(err)
	}
	if err := s.AddSeals(f, abi.F_SEAL_SHRINK); err != abi.EPERM {
		t.Errorf("seal after F_SEAL_SEAL: %v", err)
	}
	buf := []byte("hello")
	io, _ := usermem.NewIO(usermem.AddrOf(buf), len(buf))
	if n, err := f.Ops().Write(c, io, 0); n != 0 || err != abi.EPERM {
		t.Errorf("grow a F_SEAL_GROW file: %d %v", n, err)
	}
	if err := f.Path().D.Inode().SetAttr(c, &vfs.SetAttr{Mask: vfs.SetSize, Size: 1}); err != abi.EPERM {
		t.Errorf("truncate up a F_SEAL_GROW file: %v", err)
	}
	g, _ := tt.NewMemfd(c, v, "y", MfdNoexecSeal)
	defer g.DecRef()
	if a, _ := g.Attr(); a.Mode != abi.S_IFREG|0666 || g.Ops().(vfs.Sealable).Seals() != fSealExec {
		t.Errorf("noexec memfd %#o seals %#x", a.Mode, g.Ops().(vfs.Sealable).Seals())
	}
}
