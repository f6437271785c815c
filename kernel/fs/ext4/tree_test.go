package ext4

import (
	"bytes"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"liblinux/abi"
)

// The source tree for the read tests, made once per test binary.
var (
	treeOnce sync.Once
	treeDir  string
	treeErr  error
)

const (
	sparseSize = 5<<30 + 12345
	bigDirN    = 2500
)

// sourceTree returns a directory tree with every kind of file: thousands
// of files of many sizes, a directory of several thousand entries, a
// sparse file over 4 GiB, fast and slow symlinks, hard links, device
// nodes, FIFOs, sockets, extended attributes, odd modes and owners.
func sourceTree(t testing.TB) string {
	treeOnce.Do(func() {
		treeDir, treeErr = os.MkdirTemp("", "ext4tree")
		if treeErr == nil {
			treeErr = buildTree(treeDir)
		}
	})
	if treeErr != nil {
		t.Fatalf("building the source tree: %v", treeErr)
	}
	return treeDir
}

func TestMain(m *testing.M) {
	code := m.Run()
	if treeDir != "" {
		os.RemoveAll(treeDir)
	}
	os.Exit(code)
}

func buildTree(root string) error {
	r := rand.New(rand.NewSource(1))
	must := func(err error) {
		if err != nil {
			panic(err)
		}
	}
	defer func() {
		if e := recover(); e != nil {
			panic(e)
		}
	}()
	data := func(n int) []byte {
		b := make([]byte, n)
		r.Read(b)
		return b
	}
	// Files of many sizes in 20 directories.
	for d := 0; d < 15; d++ {
		dir := filepath.Join(root, "files", fmt.Sprintf("d%02d", d))
		must(os.MkdirAll(dir, 0o755))
		for f := 0; f < 40; f++ {
			var n int
			switch r.Intn(10) {
			case 0:
				n = 0
			case 1, 2, 3, 4:
				n = r.Intn(100)
			case 5, 6, 7:
				n = r.Intn(5000)
			case 8:
				n = r.Intn(70000)
			default:
				n = 1024*r.Intn(4) + 4096*r.Intn(3)
			}
			p := filepath.Join(dir, fmt.Sprintf("f%03d", f))
			must(os.WriteFile(p, data(n), 0o644))
			must(os.Chmod(p, os.FileMode(r.Intn(0o1000))))
			must(unix.Chmod(p, uint32(r.Intn(0o10000))))
			must(os.Lchown(p, r.Intn(1<<20), r.Intn(1<<20)))
		}
	}
	// A large directory (an htree of two levels with 1 KiB blocks).
	big := filepath.Join(root, "bigdir")
	must(os.Mkdir(big, 0o755))
	for k := 0; k < bigDirN; k++ {
		name := fmt.Sprintf("entry-%05d-%s", k, strings.Repeat("x", r.Intn(120)))
		must(os.WriteFile(filepath.Join(big, name), data(r.Intn(16)), 0o600))
	}
	// A sparse file over 4 GiB.
	f, err := os.Create(filepath.Join(root, "sparse"))
	must(err)
	must(f.Truncate(sparseSize))
	for _, off := range []int64{0, 1 << 20, 4<<30 + 4096*3 + 17, sparseSize - 100} {
		_, err := f.WriteAt(data(100), off)
		must(err)
	}
	must(f.Close())
	// Symlinks, hard links, special files.
	sp := filepath.Join(root, "special")
	must(os.Mkdir(sp, 0o755))
	must(os.Symlink("fast-target", filepath.Join(sp, "fast")))
	must(os.Symlink(strings.Repeat("slow/", 40), filepath.Join(sp, "slow")))
	must(os.Symlink(strings.Repeat("y", 59), filepath.Join(sp, "edge59")))
	must(os.Symlink(strings.Repeat("z", 60), filepath.Join(sp, "edge60")))
	must(os.Symlink(strings.Repeat("long/", 180), filepath.Join(sp, "long900")))
	must(os.WriteFile(filepath.Join(sp, "linked"), []byte("shared\n"), 0o644))
	must(os.Link(filepath.Join(sp, "linked"), filepath.Join(sp, "link2")))
	must(os.Link(filepath.Join(sp, "linked"), filepath.Join(root, "files", "link3")))
	must(unix.Mkfifo(filepath.Join(sp, "fifo"), 0o640))
	must(unix.Mknod(filepath.Join(sp, "null"), unix.S_IFCHR|0o666, int(unix.Mkdev(1, 3))))
	must(unix.Mknod(filepath.Join(sp, "bigdev"), unix.S_IFCHR|0o600, int(unix.Mkdev(300, 70000))))
	must(unix.Mknod(filepath.Join(sp, "blk"), unix.S_IFBLK|0o660, int(unix.Mkdev(8, 1))))
	sock, err := unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	must(err)
	must(unix.Bind(sock, &unix.SockaddrUnix{Name: filepath.Join(sp, "sock")}))
	unix.Close(sock)
	must(os.Mkdir(filepath.Join(sp, "sticky"), 0o755))
	must(os.Chmod(filepath.Join(sp, "sticky"), os.ModeSticky|os.ModeSetgid|0o777))
	// Extended attributes: small (in the inode) and large (in a block).
	xd := filepath.Join(root, "xattr")
	must(os.Mkdir(xd, 0o755))
	for k := 0; k < 30; k++ {
		p := filepath.Join(xd, fmt.Sprintf("x%02d", k))
		must(os.WriteFile(p, data(k), 0o644))
		must(unix.Setxattr(p, "user.small", []byte(fmt.Sprintf("v%d", k)), 0))
		if k%3 == 0 {
			must(unix.Setxattr(p, "user.large", data(600), 0))
		}
		if k%5 == 0 {
			must(unix.Setxattr(p, "trusted.t", []byte("trusted value"), 0))
			must(unix.Setxattr(p, "user.empty", nil, 0))
		}
	}
	must(unix.Setxattr(xd, "user.dirattr", []byte("on a directory"), 0))
	// Explicit times everywhere (children before their directory). The
	// access time is recent and after the modification time, so reads
	// (relatime) leave it alone.
	atime := time.Now().Add(-time.Hour).Unix()
	var paths []string
	filepath.Walk(root, func(p string, _ os.FileInfo, _ error) error {
		paths = append(paths, p)
		return nil
	})
	for k := len(paths) - 1; k >= 0; k-- {
		ts := []unix.Timespec{{Sec: atime + 2*86400}, {Sec: r.Int63n(atime), Nsec: 0}}
		must(unix.UtimesNanoAt(unix.AT_FDCWD, paths[k], ts, unix.AT_SYMLINK_NOFOLLOW))
	}
	return nil
}

// compareTree checks that the mounted filesystem holds exactly the tree
// at src: names, types, modes, owners, sizes, times (seconds; mkfs
// stores no nanoseconds), link counts, contents, symlink targets, device
// numbers and extended attributes.
func compareTree(t *testing.T, m *mounted, src string) {
	t.Helper()
	count := 0
	var walk func(rel string, dir *inode)
	walk = func(rel string, dir *inode) {
		ents, err := m.listDir(dir)
		if err != nil {
			t.Fatalf("readdir %s: %v", rel, err)
		}
		srcEnts, err := os.ReadDir(filepath.Join(src, rel))
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for _, e := range srcEnts {
			want = append(want, e.Name())
		}
		var got []string
		for n := range ents {
			if rel == "" && n == "lost+found" {
				continue
			}
			got = append(got, n)
		}
		sort.Strings(got)
		sort.Strings(want)
		if strings.Join(got, "/") != strings.Join(want, "/") {
			t.Fatalf("%s: entries differ: got %d, want %d", rel, len(got), len(want))
		}
		for _, name := range want {
			p := filepath.Join(rel, name)
			count++
			child, err := dir.Lookup(m.ctx, name)
			if err != nil {
				t.Fatalf("lookup %s: %v", p, err)
			}
			ci := child.(*inode)
			if uint64(ci.ino) != ents[name].Ino {
				t.Fatalf("%s: readdir ino %d, lookup ino %d", p, ents[name].Ino, ci.ino)
			}
			compareFile(t, m, filepath.Join(src, p), p, ci, ents[name].Type)
			if ci.typ() == abi.S_IFDIR {
				walk(p, ci)
			}
		}
	}
	walk("", m.root)
	if count < 3000 {
		t.Fatalf("only %d files compared", count)
	}
}

func compareFile(t *testing.T, m *mounted, srcPath, p string, i *inode, dt uint8) {
	var st unix.Stat_t
	if err := unix.Lstat(srcPath, &st); err != nil {
		t.Fatal(err)
	}
	a := i.Attr()
	if a.Mode != st.Mode || a.UID != st.Uid || a.GID != st.Gid {
		t.Fatalf("%s: mode %o uid %d gid %d, want %o %d %d", p, a.Mode, a.UID, a.GID, st.Mode, st.Uid, st.Gid)
	}
	if dt != uint8(st.Mode>>12) {
		t.Fatalf("%s: dirent type %d, mode %o", p, dt, st.Mode)
	}
	if a.Nlink != uint32(st.Nlink) {
		t.Fatalf("%s: nlink %d, want %d", p, a.Nlink, st.Nlink)
	}
	if a.Mtime.Sec != st.Mtim.Sec || a.Mtime.Nsec != 0 || (a.Atime.Sec != st.Atim.Sec && !a.IsDir()) {
		t.Fatalf("%s: times %v %v, want %v %v", p, a.Mtime, a.Atime, st.Mtim, st.Atim)
	}
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFREG:
		if a.Size != st.Size {
			t.Fatalf("%s: size %d, want %d", p, a.Size, st.Size)
		}
		if st.Size > 1<<30 {
			compareSparse(t, m, srcPath, p, i)
			break
		}
		want, _ := os.ReadFile(srcPath)
		got, err := m.readAll(i)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("%s: contents differ (%d bytes, want %d): %v\n%x\n%x", p, len(got), len(want), err, got[:min(len(got), 64)], want[:min(len(want), 64)])
		}
	case unix.S_IFLNK:
		want, _ := os.Readlink(srcPath)
		got, err := i.Readlink(m.ctx)
		if err != nil || got != want || a.Size != int64(len(want)) {
			t.Fatalf("%s: readlink %q %v, want %q", p, got, err, want)
		}
	case unix.S_IFCHR, unix.S_IFBLK:
		maj, min := unix.Major(st.Rdev), unix.Minor(st.Rdev)
		want := min&0xff | maj<<8 | (min&^0xff)<<12
		if a.Rdev != want {
			t.Fatalf("%s: rdev %#x, want %#x", p, a.Rdev, want)
		}
	}
	compareXattrs(t, m, srcPath, p, i)
}

func compareXattrs(t *testing.T, m *mounted, srcPath, p string, i *inode) {
	sz, err := unix.Llistxattr(srcPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, sz)
	unix.Llistxattr(srcPath, buf)
	var want []string
	for _, n := range strings.Split(string(buf), "\x00") {
		if n != "" && !strings.HasPrefix(n, "security.selinux") {
			want = append(want, n)
		}
	}
	got, err := i.ListXattr(m.ctx)
	if err != nil {
		t.Fatalf("%s: listxattr: %v", p, err)
	}
	sort.Strings(want)
	sort.Strings(got)
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("%s: xattrs %v, want %v", p, got, want)
	}
	for _, n := range want {
		v := make([]byte, 65536)
		k, err := unix.Lgetxattr(srcPath, n, v)
		if err != nil {
			t.Fatal(err)
		}
		g, err := i.GetXattr(m.ctx, n)
		if err != nil || !bytes.Equal(g, v[:k]) {
			t.Fatalf("%s: xattr %s = %q %v, want %q", p, n, g, err, v[:k])
		}
	}
}

// compareSparse checks a large sparse file: its data regions, zeros in
// between (sampled), and SEEK_DATA/SEEK_HOLE.
func compareSparse(t *testing.T, m *mounted, srcPath, p string, i *inode) {
	sf, err := os.Open(srcPath)
	if err != nil {
		t.Fatal(err)
	}
	defer sf.Close()
	fo, err := i.Open(m.ctx, abi.O_RDONLY)
	if err != nil {
		t.Fatal(err)
	}
	defer fo.Release()
	rf := fo.(*regFile)
	for _, off := range []int64{0, 1 << 20, 4<<30 + 4096*3, sparseSize - 200, 2 << 30, 3<<30 + 5} {
		want := make([]byte, 8192)
		n, _ := sf.ReadAt(want, off)
		got := readAt(t, m, rf, off, 8192)
		if !bytes.Equal(got, want[:n]) {
			t.Fatalf("%s: data at %d differs", p, off)
		}
	}
	// The data regions agree with the host's SEEK_DATA/SEEK_HOLE as far
	// as block granularity goes: data at 0, a hole after the first
	// block, data again at 1 MiB.
	d, err := rf.Seek(m.ctx, 0, 100, abi.SEEK_DATA)
	if err != nil || d != 100 {
		t.Fatalf("SEEK_DATA 100: %d %v", d, err)
	}
	h, err := rf.Seek(m.ctx, 0, 0, abi.SEEK_HOLE)
	if err != nil || h != int64(m.fs.g.blockSize) {
		t.Fatalf("SEEK_HOLE 0: %d %v", h, err)
	}
	d, err = rf.Seek(m.ctx, 0, h, abi.SEEK_DATA)
	if err != nil || d != 1<<20 {
		t.Fatalf("SEEK_DATA %d: %d %v", h, d, err)
	}
	if _, err := rf.Seek(m.ctx, 0, sparseSize, abi.SEEK_DATA); err != abi.ENXIO {
		t.Fatalf("SEEK_DATA at EOF: %v", err)
	}
	h, err = rf.Seek(m.ctx, 0, sparseSize-1, abi.SEEK_HOLE)
	if err != nil || h != sparseSize {
		t.Fatalf("SEEK_HOLE at end: %d %v", h, err)
	}
}
