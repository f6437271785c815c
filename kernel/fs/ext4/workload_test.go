package ext4

import (
	"bytes"
	"fmt"
	"math/rand"
	"sort"
	"strings"
	"testing"

	"liblinux/abi"
	"liblinux/kernel/vfs"
)

// mnode is the model of one inode.
type mnode struct {
	typ    uint32
	mode   uint32
	uid    uint32
	gid    uint32
	data   []byte
	target string
	rdev   uint32
	xattrs map[string][]byte
	mtime  vfs.Time
	atime  vfs.Time
}

// model is what the filesystem should hold: path -> inode.
type model struct {
	paths map[string]*mnode
	keys  []string // sorted paths, refreshed at each step
}

func (md *model) refresh() {
	md.keys = md.keys[:0]
	for p := range md.paths {
		md.keys = append(md.keys, p)
	}
	sort.Strings(md.keys)
}

func (md *model) dirs() []string {
	var out []string
	for _, p := range md.keys {
		if n, ok := md.paths[p]; ok && n.typ == abi.S_IFDIR {
			out = append(out, p)
		}
	}
	return out
}

func (md *model) files(typ uint32) []string {
	var out []string
	for _, p := range md.keys {
		if n, ok := md.paths[p]; ok && (typ == 0 && n.typ != abi.S_IFDIR || n.typ == typ) {
			out = append(out, p)
		}
	}
	return out
}

func (md *model) children(dir string) []string {
	var out []string
	for p := range md.paths {
		if p != dir && parentOf(p) == dir {
			out = append(out, p)
		}
	}
	return out
}

func parentOf(p string) string {
	k := strings.LastIndex(p, "/")
	if k < 0 {
		return ""
	}
	return p[:k]
}

func baseOf(p string) string { return p[strings.LastIndex(p, "/")+1:] }

func join(dir, name string) string {
	if dir == "" {
		return name
	}
	return dir + "/" + name
}

// workload runs n random operations against the filesystem and the
// model.
type workload struct {
	t     *testing.T
	m     *mounted
	md    *model
	r     *rand.Rand
	open  []vfs.FileOps // unlinked but open
	openN []*mnode
	exts  bool
	seq   int
}

func (w *workload) lookup(p string) *inode {
	if p == "" {
		return w.m.root
	}
	return w.m.mustLookup(p)
}

func (w *workload) pickDir() string {
	ds := w.md.dirs()
	return ds[w.r.Intn(len(ds))]
}

func (w *workload) pickFile(typ uint32) (string, bool) {
	fs := w.md.files(typ)
	if len(fs) == 0 {
		return "", false
	}
	return fs[w.r.Intn(len(fs))], true
}

func (w *workload) newName() string {
	w.seq++
	if w.r.Intn(4) == 0 {
		return fmt.Sprintf("long-name-%d-%s", w.seq, strings.Repeat("n", w.r.Intn(200)))
	}
	return fmt.Sprintf("n%d", w.seq)
}

func (w *workload) data(n int) []byte {
	b := make([]byte, n)
	w.r.Read(b)
	return b
}

// touch forgets the expected times of the inodes at paths (their
// contents changed).
func (w *workload) touch(paths ...string) {
	for _, p := range paths {
		if n, ok := w.md.paths[p]; ok {
			n.mtime = vfs.Time{}
		}
	}
}

func (w *workload) write(n *mnode, f vfs.FileOps, off int64, data []byte) {
	n.mtime = vfs.Time{}
	writeAt(w.t, w.m, f, off, data)
	if end := off + int64(len(data)); end > int64(len(n.data)) {
		n.data = append(n.data, make([]byte, end-int64(len(n.data)))...)
	}
	copy(n.data[off:], data)
}

func (w *workload) step() {
	t, m, md, r := w.t, w.m, w.md, w.r
	bs := int64(m.fs.g.blockSize)
	md.refresh()
	op := r.Intn(20)
	defer func() {
		// Any operation may have changed a directory's or file's mtime.
		if op != 14 && op != 15 {
			for _, n := range md.paths {
				if n.typ == abi.S_IFDIR || op == 4 || op == 5 || op == 3 {
					n.mtime = vfs.Time{}
				}
			}
		}
	}()
	switch op {
	case 0, 1, 2: // create and write
		dir := w.pickDir()
		p := join(dir, w.newName())
		c, f := m.create(p, 0o640)
		n := &mnode{typ: abi.S_IFREG, mode: abi.S_IFREG | 0o640, xattrs: map[string][]byte{}}
		md.paths[p] = n
		switch r.Intn(4) {
		case 0:
		case 1:
			w.write(n, f, 0, w.data(r.Intn(3000)))
		case 2:
			w.write(n, f, 0, w.data(r.Intn(200000)))
		case 3: // sparse
			w.write(n, f, int64(r.Intn(1<<22)), w.data(r.Intn(10000)+1))
		}
		f.Release()
		_ = c
	case 3: // append / overwrite
		p, ok := w.pickFile(abi.S_IFREG)
		if !ok {
			return
		}
		n := md.paths[p]
		f, err := w.lookup(p).Open(m.ctx, abi.O_RDWR)
		if err != nil {
			t.Fatal(err)
		}
		if r.Intn(2) == 0 {
			d := w.data(r.Intn(50000))
			writeAt(t, m, f, -1, d)
			n.data = append(n.data, d...)
		} else {
			off := int64(r.Intn(len(n.data) + 1))
			w.write(n, f, off, w.data(r.Intn(20000)))
		}
		f.Release()
	case 4: // truncate
		p, ok := w.pickFile(abi.S_IFREG)
		if !ok {
			return
		}
		n := md.paths[p]
		size := int64(r.Intn(len(n.data)*2 + 10))
		if err := w.lookup(p).SetAttr(m.ctx, &vfs.SetAttr{Mask: vfs.SetSize, Size: size}); err != nil {
			t.Fatalf("truncate %s: %v", p, err)
		}
		if size < int64(len(n.data)) {
			n.data = n.data[:size]
		} else {
			n.data = append(n.data, make([]byte, size-int64(len(n.data)))...)
		}
	case 5: // fallocate, punch, zero range
		if !w.exts {
			return
		}
		p, ok := w.pickFile(abi.S_IFREG)
		if !ok {
			return
		}
		n := md.paths[p]
		f, _ := w.lookup(p).Open(m.ctx, abi.O_RDWR)
		rf := f.(*regFile)
		off := int64(r.Intn(len(n.data) + int(bs)*4))
		length := int64(r.Intn(int(bs)*20) + 1)
		var mode uint32
		switch r.Intn(4) {
		case 0:
			mode = 0
		case 1:
			mode = abi.FALLOC_FL_KEEP_SIZE
		case 2:
			mode = abi.FALLOC_FL_PUNCH_HOLE | abi.FALLOC_FL_KEEP_SIZE
		case 3:
			mode = abi.FALLOC_FL_ZERO_RANGE
		}
		if err := rf.Allocate(m.ctx, mode, off, length); err != nil {
			t.Fatalf("fallocate %s mode %#x %d+%d: %v", p, mode, off, length, err)
		}
		end := off + length
		if mode&(abi.FALLOC_FL_PUNCH_HOLE|abi.FALLOC_FL_ZERO_RANGE) != 0 {
			for k := off; k < end && k < int64(len(n.data)); k++ {
				n.data[k] = 0
			}
		}
		if mode&abi.FALLOC_FL_KEEP_SIZE == 0 && end > int64(len(n.data)) {
			n.data = append(n.data, make([]byte, end-int64(len(n.data)))...)
		}
		f.Release()
	case 6: // unlink, sometimes while open
		p, ok := w.pickFile(0)
		if !ok {
			return
		}
		dir, name := w.lookup(parentOf(p)), baseOf(p)
		if md.paths[p].typ == abi.S_IFREG && r.Intn(3) == 0 {
			f, err := w.lookup(p).Open(m.ctx, abi.O_RDWR)
			if err != nil {
				t.Fatal(err)
			}
			w.open = append(w.open, f)
			w.openN = append(w.openN, md.paths[p])
		}
		if err := dir.Unlink(m.ctx, name); err != nil {
			t.Fatalf("unlink %s: %v", p, err)
		}
		delete(md.paths, p)
		if len(w.open) > 0 && r.Intn(2) == 0 {
			// Write to an unlinked file, then maybe close it.
			w.write(w.openN[0], w.open[0], 0, w.data(5000))
			w.open[0].Release()
			w.open, w.openN = w.open[1:], w.openN[1:]
		}
	case 7, 8: // rename
		p, ok := w.pickFile(0)
		if r.Intn(3) == 0 {
			ds := w.md.dirs()
			if len(ds) > 1 {
				p, ok = ds[1+r.Intn(len(ds)-1)], true
			}
		}
		if !ok {
			return
		}
		dst := w.pickDir()
		if strings.HasPrefix(dst+"/", p+"/") {
			return
		}
		var np string
		var flags uint32
		if others := md.files(0); r.Intn(3) == 0 && len(others) > 0 && md.paths[p].typ != abi.S_IFDIR {
			np = others[r.Intn(len(others))]
			if r.Intn(2) == 0 {
				flags = abi.RENAME_EXCHANGE
			}
		} else {
			np = join(dst, w.newName())
			if r.Intn(4) == 0 {
				flags = abi.RENAME_NOREPLACE
			}
		}
		if np == p {
			return
		}
		if err := w.lookup(parentOf(p)).Rename(m.ctx, baseOf(p), w.lookup(parentOf(np)), baseOf(np), flags); err != nil {
			t.Fatalf("rename %s -> %s (%#x): %v", p, np, flags, err)
		}
		src := md.paths[p]
		if flags == abi.RENAME_EXCHANGE {
			md.paths[p], md.paths[np] = md.paths[np], src
			return
		}
		// Move the subtree.
		moved := map[string]*mnode{}
		for q, n := range md.paths {
			if q == p || strings.HasPrefix(q, p+"/") {
				moved[np+q[len(p):]] = n
				delete(md.paths, q)
			}
		}
		for q, n := range moved {
			md.paths[q] = n
		}
	case 9: // mkdir
		p := join(w.pickDir(), w.newName())
		m.mkdir(p)
		md.paths[p] = &mnode{typ: abi.S_IFDIR, mode: abi.S_IFDIR | 0o755, xattrs: map[string][]byte{}}
	case 10: // rmdir an empty directory
		for _, d := range md.dirs() {
			if d != "" && len(md.children(d)) == 0 {
				if err := w.lookup(parentOf(d)).Rmdir(m.ctx, baseOf(d)); err != nil {
					t.Fatalf("rmdir %s: %v", d, err)
				}
				delete(md.paths, d)
				return
			}
		}
	case 11: // link
		p, ok := w.pickFile(abi.S_IFREG)
		if !ok {
			return
		}
		np := join(w.pickDir(), w.newName())
		if err := w.lookup(parentOf(np)).Link(m.ctx, baseOf(np), w.lookup(p)); err != nil {
			t.Fatalf("link %s %s: %v", p, np, err)
		}
		md.paths[np] = md.paths[p]
	case 12: // symlink
		np := join(w.pickDir(), w.newName())
		target := strings.Repeat("t", 1+r.Intn(59))
		if r.Intn(2) == 0 {
			target = strings.Repeat("long/", 1+r.Intn(int(bs-1)/5))
		}
		if _, err := w.lookup(parentOf(np)).Symlink(m.ctx, baseOf(np), target, vfs.CreateOpts{}); err != nil {
			t.Fatalf("symlink %s: %v", np, err)
		}
		md.paths[np] = &mnode{typ: abi.S_IFLNK, mode: abi.S_IFLNK | 0o777, target: target, xattrs: map[string][]byte{}}
	case 13: // mknod
		np := join(w.pickDir(), w.newName())
		n := &mnode{typ: abi.S_IFIFO, mode: abi.S_IFIFO | 0o600, xattrs: map[string][]byte{}}
		if r.Intn(2) == 0 {
			n.typ, n.mode = abi.S_IFCHR, abi.S_IFCHR|0o600
			n.rdev = uint32(r.Intn(1 << 20))
		}
		if _, err := w.lookup(parentOf(np)).Create(m.ctx, baseOf(np), vfs.CreateOpts{Mode: n.mode, Rdev: n.rdev}); err != nil {
			t.Fatalf("mknod %s: %v", np, err)
		}
		md.paths[np] = n
	case 14, 15: // chmod, chown, utimens
		all := append(md.files(0), md.dirs()...)
		p := all[r.Intn(len(all))]
		n := md.paths[p]
		s := &vfs.SetAttr{}
		if n.typ != abi.S_IFLNK {
			s.Mask |= vfs.SetMode
			s.Mode = uint32(r.Intn(0o10000))
			n.mode = n.typ | s.Mode
		}
		s.Mask |= vfs.SetUID | vfs.SetGID | vfs.SetMtime | vfs.SetAtime
		s.UID, s.GID = uint32(r.Intn(1<<24)), uint32(r.Intn(1<<24))
		n.uid, n.gid = s.UID, s.GID
		s.Mtime = vfs.Time{Sec: r.Int63n(1<<33) - 1<<31, Nsec: r.Int63n(1e9)}
		s.Atime = vfs.Time{Sec: r.Int63n(1 << 32), Nsec: r.Int63n(1e9)}
		n.mtime, n.atime = s.Mtime, s.Atime
		if err := w.lookup(p).SetAttr(m.ctx, s); err != nil {
			t.Fatalf("setattr %s: %v", p, err)
		}
	case 16, 17: // setxattr
		all := append(md.files(abi.S_IFREG), md.dirs()...)
		p := all[r.Intn(len(all))]
		n := md.paths[p]
		name := fmt.Sprintf("user.a%d", r.Intn(6))
		if r.Intn(4) == 0 {
			name = "trusted.t" + strings.Repeat("x", r.Intn(50))
		}
		v := w.data(r.Intn(int(bs) / 3))
		if err := w.lookup(p).SetXattr(m.ctx, name, v, 0); err != nil {
			t.Fatalf("setxattr %s %s (%d bytes): %v", p, name, len(v), err)
		}
		n.xattrs[name] = v
	case 18: // removexattr
		all := append(md.files(abi.S_IFREG), md.dirs()...)
		p := all[r.Intn(len(all))]
		n := md.paths[p]
		for name := range n.xattrs {
			if err := w.lookup(p).RemoveXattr(m.ctx, name); err != nil {
				t.Fatalf("removexattr %s %s: %v", p, name, err)
			}
			delete(n.xattrs, name)
			return
		}
		if err := w.lookup(p).RemoveXattr(m.ctx, "user.none"); err != abi.ENODATA {
			t.Fatalf("removexattr of a missing name: %v", err)
		}
	case 19: // many entries in one directory
		dir := w.pickDir()
		for k := 0; k < 50; k++ {
			p := join(dir, w.newName())
			_, f := m.create(p, 0o600)
			f.Release()
			md.paths[p] = &mnode{typ: abi.S_IFREG, mode: abi.S_IFREG | 0o600, xattrs: map[string][]byte{}}
		}
	}
}

// check compares the mounted filesystem with the model.
func (w *workload) check(m *mounted) {
	t := w.t
	seen := map[string]bool{}
	var walk func(dir string, di *inode)
	walk = func(dir string, di *inode) {
		ents, err := m.listDir(di)
		if err != nil {
			t.Fatalf("readdir %q: %v", dir, err)
		}
		for name, e := range ents {
			p := join(dir, name)
			if dir == "" && name == "lost+found" {
				continue
			}
			n, ok := w.md.paths[p]
			if !ok {
				t.Fatalf("%s exists but should not", p)
			}
			seen[p] = true
			c, err := di.Lookup(m.ctx, name)
			if err != nil {
				t.Fatalf("lookup %s: %v", p, err)
			}
			ci := c.(*inode)
			a := ci.Attr()
			if uint64(ci.ino) != e.Ino || a.Type() != n.typ || a.Mode&^abi.S_IFMT != n.mode&^abi.S_IFMT && n.mode != 0 {
				t.Fatalf("%s: mode %o ino %d/%d, want %o", p, a.Mode, ci.ino, e.Ino, n.mode)
			}
			if n.uid != 0 || n.gid != 0 {
				if a.UID != n.uid || a.GID != n.gid {
					t.Fatalf("%s: owner %d:%d, want %d:%d", p, a.UID, a.GID, n.uid, n.gid)
				}
			}
			if n.mtime != (vfs.Time{}) && (a.Mtime != n.mtime || a.Atime != n.atime) {
				t.Fatalf("%s: times %v %v, want %v %v", p, a.Mtime, a.Atime, n.mtime, n.atime)
			}
			switch n.typ {
			case abi.S_IFREG:
				got, err := m.readAll(ci)
				if err != nil || !bytes.Equal(got, n.data) {
					k := 0
					for k < len(got) && k < len(n.data) && got[k] == n.data[k] {
						k++
					}
					t.Fatalf("%s: %d bytes (%v), want %d; first difference at %d", p, len(got), err, len(n.data), k)
				}
			case abi.S_IFLNK:
				if s, err := ci.Readlink(m.ctx); err != nil || s != n.target {
					t.Fatalf("%s: readlink %q %v, want %q", p, s, err, n.target)
				}
			case abi.S_IFCHR:
				if a.Rdev != n.rdev {
					t.Fatalf("%s: rdev %#x, want %#x", p, a.Rdev, n.rdev)
				}
			case abi.S_IFDIR:
				walk(p, ci)
			}
			if n.typ == abi.S_IFREG || n.typ == abi.S_IFDIR {
				names, err := ci.ListXattr(m.ctx)
				if err != nil || len(names) != len(n.xattrs) {
					t.Fatalf("%s: xattrs %v (%v), want %d", p, names, err, len(n.xattrs))
				}
				for name, v := range n.xattrs {
					g, err := ci.GetXattr(m.ctx, name)
					if err != nil || !bytes.Equal(g, v) {
						t.Fatalf("%s: xattr %s: %v", p, name, err)
					}
				}
			}
		}
	}
	walk("", m.root)
	for p := range w.md.paths {
		if p != "" && !seen[p] {
			t.Fatalf("%s is missing", p)
		}
	}
}

func runWorkload(t *testing.T, img []byte, steps int, seed int64) []byte {
	m := mustMount(t, img, 0, "noatime")
	w := &workload{t: t, m: m, md: &model{paths: map[string]*mnode{"": {typ: abi.S_IFDIR, xattrs: map[string][]byte{}}}}, r: rand.New(rand.NewSource(seed))}
	w.exts = m.fs.g.hasIncompat(incompatExtents)
	for k := 0; k < steps; k++ {
		w.step()
	}
	w.check(m)
	for _, f := range w.open {
		f.Release()
	}
	out := m.unmount()
	fsck(t, out)
	m2 := mustMount(t, out, abi.MS_RDONLY, "")
	w.check(m2)
	m2.unmount()
	return out
}

func TestWorkload(t *testing.T) {
	t.Parallel()
	needTools(t)
	cases := []struct {
		name string
		opts []string
	}{
		{"ext4-1k", nil},
		{"ext4-4k-nocsum", []string{"-b", "4096", "-O", "^has_journal,^metadata_csum,^64bit"}},
		{"ext4-inline", []string{"-O", "inline_data,metadata_csum_seed", "-I", "256"}},
		{"ext2", []string{"-t", "ext2"}},
		{"ext3-4k", []string{"-t", "ext3", "-b", "4096"}},
	}
	steps := 400
	if testing.Short() {
		steps = 100
	}
	for k, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			img := mkfs(t, "", "32M", append([]string{"-N", "16000"}, c.opts...)...)
			runWorkload(t, img, steps, int64(k+1))
		})
	}
}
