package vfs_test

import (
	"testing"

	"liblinux/abi"
	"liblinux/hostops/fake"
	"liblinux/kernel/fs/tmpfs"
	"liblinux/kernel/mm"
	"liblinux/kernel/vfs"
	"liblinux/kernel/waiter"
)

// ctx is a vfs.Context with settable credentials and a clock that ticks
// one microsecond per reading.
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

// user returns credentials of an unprivileged user.
func user(uid, gid uint32, groups ...uint32) *vfs.Creds {
	return &vfs.Creds{UID: uid, EUID: uid, SUID: uid, FSUID: uid, GID: gid, EGID: gid, SGID: gid, FSGID: gid, Groups: groups}
}

// fixture is a namespace with a tmpfs root.
type fixture struct {
	t    *testing.T
	v    *vfs.VFS
	ctx  *ctx
	root vfs.Path
	tmp  *tmpfs.Type
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	mem := mm.New(fake.New(), 64<<20)
	tt := &tmpfs.Type{Mem: mem}
	v := vfs.New()
	v.Register(tt)
	c := &ctx{c: vfs.RootCreds(), now: 1e18}
	sb, err := tt.Mount(c, v, "rootfs", 0, "")
	if err != nil {
		t.Fatal(err)
	}
	root := v.SetRoot(sb, 0)
	t.Cleanup(mem.Close)
	return &fixture{t: t, v: v, ctx: c, root: root, tmp: tt}
}

// w returns a walker at the root.
func (f *fixture) w() *vfs.Walker {
	return &vfs.Walker{V: f.v, Ctx: f.ctx, Root: f.root, Start: f.root}
}

// as runs fn with other credentials.
func (f *fixture) as(c *vfs.Creds, fn func()) {
	old := f.ctx.c
	f.ctx.c = c
	defer func() { f.ctx.c = old }()
	fn()
}

func (f *fixture) mkdir(p string, mode uint32) {
	f.t.Helper()
	if err := f.w().Mkdir(p, mode, 0); err != nil {
		f.t.Fatalf("mkdir %s: %v", p, err)
	}
}

func (f *fixture) mkfile(p string, mode uint32) {
	f.t.Helper()
	file, err := f.w().Open(p, abi.O_CREAT|abi.O_WRONLY, mode, 0)
	if err != nil {
		f.t.Fatalf("create %s: %v", p, err)
	}
	file.DecRef()
}

func (f *fixture) symlink(target, p string) {
	f.t.Helper()
	if err := f.w().Symlink(target, p); err != nil {
		f.t.Fatalf("symlink %s: %v", p, err)
	}
}

func (f *fixture) resolve(p string) vfs.Path {
	f.t.Helper()
	r, err := f.w().Resolve(p, 0)
	if err != nil {
		f.t.Fatalf("resolve %s: %v", p, err)
	}
	return r
}

func (f *fixture) attr(p string) vfs.Attr {
	f.t.Helper()
	a, err := f.w().Stat(p, vfs.WalkNoFollow)
	if err != nil {
		f.t.Fatalf("stat %s: %v", p, err)
	}
	return a
}

// mount mounts a fresh tmpfs on p.
func (f *fixture) mount(p string, flags uint64, data string) *vfs.Mount {
	f.t.Helper()
	at := f.resolve(p)
	sb, err := f.tmp.Mount(f.ctx, f.v, "none", flags, data)
	if err != nil {
		f.t.Fatalf("mount %s: %v", p, err)
	}
	return f.v.Attach(sb, sb.Root(), at, flags|abi.MS_RELATIME)
}

// errOf returns err as an Errno (0 for nil).
func errOf(err error) abi.Errno {
	if err == nil {
		return 0
	}
	e, ok := abi.ErrnoOf(err)
	if !ok {
		return abi.EIO
	}
	return e
}
