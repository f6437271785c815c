package ext4

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"liblinux/abi"
	"liblinux/hostops/fake"
	"liblinux/kernel/block"
	"liblinux/kernel/mm"
	"liblinux/kernel/usermem"
	"liblinux/kernel/vfs"
	"liblinux/kernel/waiter"
)

// tctx is a vfs.Context for tests: root credentials, the real clock.
type tctx struct {
	creds *vfs.Creds
	mu    sync.Mutex
	logs  []string
}

func newCtx() *tctx { return &tctx{creds: vfs.RootCreds()} }

func (c *tctx) Creds() *vfs.Creds { return c.creds }
func (c *tctx) Now() vfs.Time     { return vfs.TimeFromNanos(time.Now().UnixNano()) }
func (c *tctx) Block(ev *waiter.Event, deadline int64) error {
	<-ev.C()
	return nil
}
func (c *tctx) Logf(level int, format string, args ...any) {
	c.mu.Lock()
	c.logs = append(c.logs, fmt.Sprintf(format, args...))
	c.mu.Unlock()
}
func (c *tctx) logText() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return strings.Join(c.logs, "\n")
}

func needTools(t testing.TB) {
	t.Helper()
	for _, tool := range []string{"mkfs.ext4", "e2fsck", "debugfs"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed (e2fsprogs)", tool)
		}
	}
}

// mkfs makes an image of size (mkfs.ext4 size syntax) from src (may be
// "") with extra mkfs options, and returns its bytes.
func mkfs(t testing.TB, src, size string, opts ...string) []byte {
	t.Helper()
	img := filepath.Join(t.TempDir(), "img")
	args := []string{"-q", "-F", "-E", "nodiscard"}
	if src != "" {
		args = append(args, "-d", src)
	}
	args = append(args, opts...)
	args = append(args, img, size)
	cmd := exec.Command("mkfs.ext4", args...)
	cmd.Env = append(os.Environ(), "MKE2FS_CONFIG=/etc/mke2fs.conf")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("mkfs.ext4 %v: %v\n%s", args, err, out)
	}
	b, err := os.ReadFile(img)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// mounted is a filesystem mounted from an in-memory image.
type mounted struct {
	t    testing.TB
	ctx  *tctx
	fs   *FS
	sb   *vfs.Superblock
	root *inode
	disk *block.MemDisk
	dev  *block.Device
}

var testMem = mm.New(fake.New(), 1<<30)

func mountImage(t testing.TB, img []byte, typ string, flags uint64, data string) (*mounted, error) {
	t.Helper()
	disk := block.NewMemDisk(img)
	dev := block.NewDevice("vdb", 254<<8|16, disk, 0, disk.Size(), testMem, false)
	ctx := newCtx()
	sb, err := NewType(typ, nil).MountDevice(ctx, vfs.New(), dev, "/dev/vdb", flags, data)
	if err != nil {
		dev.Close()
		return &mounted{t: t, ctx: ctx, disk: disk, dev: dev}, err
	}
	fs := sb.FS.(*FS)
	return &mounted{t: t, ctx: ctx, fs: fs, sb: sb, root: sb.Root().Inode().(*inode), disk: disk, dev: dev}, nil
}

func mustMount(t testing.TB, img []byte, flags uint64, data string) *mounted {
	t.Helper()
	m, err := mountImage(t, img, "ext4", flags, data)
	if err != nil {
		t.Fatalf("mount: %v\n%s", err, m.ctx.logText())
	}
	return m
}

// unmount syncs and returns the image.
func (m *mounted) unmount() []byte {
	m.t.Helper()
	m.fs.release()
	if err := m.dev.Sync(); err != nil {
		m.t.Fatalf("sync: %v", err)
	}
	m.dev.Close()
	return m.disk.Bytes()
}

// lookup walks path from the root without following a final symlink.
func (m *mounted) lookup(path string) (*inode, error) {
	cur := m.root
	for _, c := range strings.Split(path, "/") {
		if c == "" {
			continue
		}
		n, err := cur.Lookup(m.ctx, c)
		if err != nil {
			return nil, err
		}
		cur = n.(*inode)
	}
	return cur, nil
}

func (m *mounted) mustLookup(path string) *inode {
	m.t.Helper()
	i, err := m.lookup(path)
	if err != nil {
		m.t.Fatalf("lookup %s: %v", path, err)
	}
	return i
}

// readAll reads a regular file through its FileOps.
func (m *mounted) readAll(i *inode) ([]byte, error) {
	f, err := i.Open(m.ctx, abi.O_RDONLY)
	if err != nil {
		return nil, err
	}
	defer f.Release()
	var out bytes.Buffer
	buf := userBuf(int(min(i.Attr().Size+1, 256<<10)))
	for off := int64(0); ; {
		io, err := usermem.NewIO(usermem.AddrOf(buf), len(buf))
		if err != nil {
			return nil, err
		}
		n, err := f.Read(m.ctx, io, off)
		if err != nil {
			return nil, err
		}
		if n == 0 {
			return out.Bytes(), nil
		}
		out.Write(buf[:n])
		off += int64(n)
	}
}

// listDir returns a directory's entries (without "." and "..").
func (m *mounted) listDir(i *inode) (map[string]vfs.Dirent, error) {
	out := map[string]vfs.Dirent{}
	var off int64
	for {
		n := 0
		err := i.ReadDir(m.ctx, off, func(d vfs.Dirent) bool {
			if n == 100 {
				return false
			}
			n++
			if d.Name != "." && d.Name != ".." {
				if _, dup := out[d.Name]; dup {
					panic("duplicate entry " + d.Name)
				}
				out[d.Name] = d
			}
			off = d.Next
			return true
		})
		if err != nil {
			return nil, err
		}
		if n == 0 {
			return out, nil
		}
	}
}

func writeTemp(t testing.TB, img []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "out.img")
	if err := os.WriteFile(p, img, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// fsck runs e2fsck -fn on the image and fails the test on any problem.
func fsck(t testing.TB, img []byte) {
	t.Helper()
	p := writeTemp(t, img)
	out, err := exec.Command("e2fsck", "-fn", p).CombinedOutput()
	if err != nil {
		t.Fatalf("e2fsck -fn: %v\n%s", err, out)
	}
}

// debugfs runs one debugfs request on the image and returns stdout.
func debugfs(t testing.TB, img []byte, req string) string {
	t.Helper()
	p := writeTemp(t, img)
	cmd := exec.Command("debugfs", "-R", req, p)
	var out bytes.Buffer
	cmd.Stdout = &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("debugfs -R %q: %v", req, err)
	}
	return out.String()
}

// readAt reads n bytes at off through an open file.
func readAt(t testing.TB, m *mounted, f *regFile, off int64, n int) []byte {
	t.Helper()
	buf := userBuf(n)
	io, err := usermem.NewIO(usermem.AddrOf(buf), n)
	if err != nil {
		t.Fatal(err)
	}
	k, err := f.Read(m.ctx, io, off)
	if err != nil {
		t.Fatalf("read at %d: %v", off, err)
	}
	return buf[:k]
}

// sink keeps user buffers on the heap: usermem addresses must not move,
// and the compiler may put small variable-sized slices on the stack.
var sink [][]byte
var sinkMu sync.Mutex

// userBuf returns a heap buffer usable as user memory.
func userBuf(n int) []byte {
	b := make([]byte, max(n, 64))[:n]
	sinkMu.Lock()
	sink = append(sink[:0], b)
	sinkMu.Unlock()
	return b
}

// writeAt writes data at off through an open file.
func writeAt(t testing.TB, m *mounted, f vfs.FileOps, off int64, data []byte) {
	t.Helper()
	if len(data) == 0 {
		return
	}
	buf := userBuf(len(data))
	copy(buf, data)
	io, err := usermem.NewIO(usermem.AddrOf(buf), len(buf))
	if err != nil {
		t.Fatal(err)
	}
	n, err := f.Write(m.ctx, io, off)
	// The kernel holds only the buffer's address: keep it alive until the
	// write is done (the sink keeps just the latest buffer).
	runtime.KeepAlive(buf)
	if err != nil || n != len(data) {
		t.Fatalf("write %d bytes at %d: %d, %v", len(data), off, n, err)
	}
}

// create makes a regular file at path (parent must exist) and opens it.
func (m *mounted) create(path string, mode uint32) (*inode, vfs.FileOps) {
	m.t.Helper()
	dir, name := m.parent(path)
	c, err := dir.Create(m.ctx, name, vfs.CreateOpts{Mode: abi.S_IFREG | mode})
	if err != nil {
		m.t.Fatalf("create %s: %v", path, err)
	}
	f, err := c.Open(m.ctx, abi.O_RDWR)
	if err != nil {
		m.t.Fatal(err)
	}
	return c.(*inode), f
}

func (m *mounted) parent(path string) (*inode, string) {
	m.t.Helper()
	k := strings.LastIndex(path, "/")
	if k < 0 {
		return m.root, path
	}
	return m.mustLookup(path[:k]), path[k+1:]
}

func (m *mounted) mkdir(path string) *inode {
	m.t.Helper()
	dir, name := m.parent(path)
	c, err := dir.Mkdir(m.ctx, name, vfs.CreateOpts{Mode: abi.S_IFDIR | 0o755})
	if err != nil {
		m.t.Fatalf("mkdir %s: %v", path, err)
	}
	return c.(*inode)
}

// debugfsCat returns a file's contents as debugfs reads them.
func debugfsCat(t testing.TB, imgPath, path string) []byte {
	t.Helper()
	cmd := exec.Command("debugfs", "-R", "cat "+path, imgPath)
	var out bytes.Buffer
	cmd.Stdout = &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("debugfs cat %s: %v", path, err)
	}
	return out.Bytes()
}

// fsckPath runs e2fsck -fn on an image file.
func fsckPath(t testing.TB, p string) {
	t.Helper()
	out, err := exec.Command("e2fsck", "-fn", p).CombinedOutput()
	if err != nil {
		t.Fatalf("e2fsck -fn: %v\n%s", err, out)
	}
}

func setxattr(path, name string, value []byte) error {
	return unix.Setxattr(path, name, value, 0)
}

type blockDevice = block.Device

func newTestDevice(img []byte) *block.Device {
	disk := block.NewMemDisk(img)
	return block.NewDevice("vdf", 254<<8|32, disk, 0, disk.Size(), testMem, false)
}

// disk2bytes reads a whole device.
func disk2bytes(t testing.TB, d *block.Device) []byte {
	b := make([]byte, d.Size())
	if err := d.ReadAt(b, 0); err != nil {
		t.Fatal(err)
	}
	return b
}
