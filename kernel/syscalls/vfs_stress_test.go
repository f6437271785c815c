package syscalls_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"path"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"liblinux/abi"
	"liblinux/kernel"
	"liblinux/kernel/usermem"
)

// The stress test runs eight tasks at once on one tree. Each owns a
// directory (/s/wN) and the names starting with "wN-" in a shared
// directory (/s/shared), so its results do not depend on how the tasks
// interleave: every result is checked against the task's own model of
// its names, while the tasks contend for the shared directory, the
// dentry cache, the mount and the allocator.

// mnode is a file, directory or symlink of the model. Hard links share
// one mnode.
type mnode struct {
	typ    uint32
	data   []byte
	mode   uint32
	target string
}

type model struct {
	names map[string]*mnode // absolute path to node
}

func (m *model) children(dir string) []string {
	var out []string
	for p := range m.names {
		if path.Dir(p) == dir {
			out = append(out, path.Base(p))
		}
	}
	sort.Strings(out)
	return out
}

func (m *model) links(n *mnode) int {
	c := 0
	for _, x := range m.names {
		if x == n {
			c++
		}
	}
	return c
}

// parentErr returns the error of walking to p's parent: ENOENT for a
// missing directory (or a dangling symlink), ENOTDIR for a file.
func (m *model) parentErr(p string, roots []string) abi.Errno {
	dir := path.Dir(p)
	for _, r := range roots {
		if dir == r {
			return 0
		}
	}
	n, ok := m.names[dir]
	switch {
	case !ok:
		if e := m.parentErr(dir, roots); e != 0 {
			return e
		}
		return abi.ENOENT
	case n.typ == abi.S_IFLNK:
		return abi.ENOENT
	case n.typ != abi.S_IFDIR:
		if e := m.parentErr(dir, roots); e != 0 {
			return e
		}
		return abi.ENOTDIR
	}
	return m.parentErr(dir, roots)
}

type stressWorker struct {
	t     *testing.T
	id    int
	task  *kernel.Task
	rng   *rand.Rand
	m     model
	roots []string // the directories its names live in
	bufs  [][]byte
	fail  []string
	steps int
}

func (w *stressWorker) str(s string) uintptr {
	b := make([]byte, len(s)+1+256)
	copy(b, s)
	w.bufs = append(w.bufs, b)
	return uintptr(usermem.AddrOf(b))
}

func (w *stressWorker) buf(n int) ([]byte, uintptr) {
	b := make([]byte, n+1)
	w.bufs = append(w.bufs, b)
	return b[:n], uintptr(usermem.AddrOf(b))
}

func (w *stressWorker) sys(nr uintptr, args ...uintptr) int64 {
	var a [6]uintptr
	copy(a[:], args)
	return callOn(w.task, nr, a)
}

func (w *stressWorker) check(what string, got, want int64) {
	if got != want {
		w.fail = append(w.fail, fmt.Sprintf("worker %d: %s = %d, want %d", w.id, what, got, want))
	}
}

// randPath picks a path in the worker's namespace: existing names are
// likely, and up to two levels deep.
func (w *stressWorker) randPath() string {
	if len(w.m.names) > 0 && w.rng.IntN(3) > 0 {
		keys := make([]string, 0, len(w.m.names))
		for k := range w.m.names {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		p := keys[w.rng.IntN(len(keys))]
		if w.rng.IntN(3) == 0 {
			p += "/" + string(rune('a'+w.rng.IntN(3)))
		}
		return p
	}
	root := w.roots[w.rng.IntN(len(w.roots))]
	name := string(rune('a' + w.rng.IntN(4)))
	if strings.HasSuffix(root, "shared") {
		name = fmt.Sprintf("w%d-%s", w.id, name)
	}
	return root + "/" + name
}

func e(errno abi.Errno) int64 { return -int64(errno) }

func (w *stressWorker) step() {
	m := &w.m
	p := w.randPath()
	n, exists := m.names[p]
	perr := m.parentErr(p, w.roots)
	switch w.rng.IntN(12) {
	case 0: // create
		want := int64(0)
		switch {
		case perr != 0:
			want = e(perr)
		case exists:
			want = e(abi.EEXIST)
		}
		fd := w.sys(abi.SYS_OPENAT, atFDCWD, w.str(p), abi.O_CREAT|abi.O_EXCL|abi.O_WRONLY, 0644)
		if fd >= 0 {
			w.sys(abi.SYS_CLOSE, uintptr(fd))
			fd = 0
		}
		w.check("create "+p, fd, want)
		if want == 0 {
			m.names[p] = &mnode{typ: abi.S_IFREG, mode: 0644}
		}
	case 1: // mkdir
		want := int64(0)
		switch {
		case perr != 0:
			want = e(perr)
		case exists:
			want = e(abi.EEXIST)
		}
		w.check("mkdir "+p, w.sys(abi.SYS_MKDIRAT, atFDCWD, w.str(p), 0755), want)
		if want == 0 {
			m.names[p] = &mnode{typ: abi.S_IFDIR, mode: 0755}
		}
	case 2, 3: // write at an offset, then read the whole file back
		data := bytes.Repeat([]byte{byte('A' + w.rng.IntN(26))}, 1+w.rng.IntN(9000))
		off := w.rng.IntN(12000)
		fd := w.sys(abi.SYS_OPENAT, atFDCWD, w.str(p), abi.O_RDWR, 0)
		switch {
		case perr != 0:
			w.check("open "+p, fd, e(perr))
		case !exists || n.typ == abi.S_IFLNK:
			w.check("open "+p, fd, e(abi.ENOENT))
		case n.typ == abi.S_IFDIR:
			w.check("open "+p, fd, e(abi.EISDIR))
		default:
			if fd < 0 {
				w.check("open "+p, fd, 0)
				return
			}
			_, bp := w.buf(len(data))
			copy(w.bufs[len(w.bufs)-1], data)
			w.check("pwrite "+p, w.sys(abi.SYS_PWRITE64, uintptr(fd), bp, uintptr(len(data)), uintptr(off)), int64(len(data)))
			if end := off + len(data); end > len(n.data) {
				n.data = append(n.data, make([]byte, end-len(n.data))...)
			}
			copy(n.data[off:], data)
			rb, rp := w.buf(len(n.data) + 100)
			got := w.sys(abi.SYS_PREAD64, uintptr(fd), rp, uintptr(len(rb)), 0)
			w.check("pread "+p, got, int64(len(n.data)))
			if got == int64(len(n.data)) && !bytes.Equal(rb[:got], n.data) {
				w.fail = append(w.fail, fmt.Sprintf("worker %d: %s: data differs", w.id, p))
			}
			w.sys(abi.SYS_CLOSE, uintptr(fd))
		}
	case 4: // truncate
		size := w.rng.IntN(10000)
		want := int64(0)
		switch {
		case perr != 0:
			want = e(perr)
		case !exists || n.typ == abi.S_IFLNK:
			want = e(abi.ENOENT)
		case n.typ == abi.S_IFDIR:
			want = e(abi.EISDIR)
		}
		w.check("truncate "+p, w.sys(abi.SYS_TRUNCATE, w.str(p), uintptr(size)), want)
		if want == 0 {
			if size < len(n.data) {
				n.data = n.data[:size]
			} else {
				n.data = append(n.data, make([]byte, size-len(n.data))...)
			}
		}
	case 5: // unlink
		want := int64(0)
		switch {
		case perr != 0:
			want = e(perr)
		case !exists:
			want = e(abi.ENOENT)
		case n.typ == abi.S_IFDIR:
			want = e(abi.EISDIR)
		}
		w.check("unlink "+p, w.sys(abi.SYS_UNLINKAT, atFDCWD, w.str(p), 0), want)
		if want == 0 {
			delete(m.names, p)
		}
	case 6: // rmdir
		want := int64(0)
		switch {
		case perr != 0:
			want = e(perr)
		case !exists:
			want = e(abi.ENOENT)
		case n.typ != abi.S_IFDIR:
			want = e(abi.ENOTDIR)
		case len(m.children(p)) > 0:
			want = e(abi.ENOTEMPTY)
		}
		w.check("rmdir "+p, w.sys(abi.SYS_UNLINKAT, atFDCWD, w.str(p), abi.AT_REMOVEDIR), want)
		if want == 0 {
			delete(m.names, p)
		}
	case 7, 8: // rename
		q := w.randPath()
		w.check("rename "+p+" "+q, w.sys(abi.SYS_RENAMEAT, atFDCWD, w.str(p), atFDCWD, w.str(q)), w.rename(p, q))
	case 9: // symlink (always dangling) and readlink
		want := int64(0)
		switch {
		case perr != 0:
			want = e(perr)
		case exists:
			want = e(abi.EEXIST)
		}
		w.check("symlink "+p, w.sys(abi.SYS_SYMLINKAT, w.str("/s/nowhere/"+p), atFDCWD, w.str(p)), want)
		if want == 0 {
			m.names[p] = &mnode{typ: abi.S_IFLNK, target: "/s/nowhere/" + p}
			n, exists = m.names[p], true
		}
		if exists && n.typ == abi.S_IFLNK {
			b, bp := w.buf(4096)
			got := w.sys(abi.SYS_READLINKAT, atFDCWD, w.str(p), bp, 4096)
			w.check("readlink "+p, got, int64(len(n.target)))
			if got > 0 && string(b[:got]) != n.target {
				w.fail = append(w.fail, fmt.Sprintf("worker %d: readlink %s = %q", w.id, p, b[:got]))
			}
		}
	case 10: // link
		q := w.randPath()
		qn, qexists := m.names[q]
		_ = qn
		qerr := m.parentErr(q, w.roots)
		want := int64(0)
		switch {
		case perr != 0:
			want = e(perr)
		case !exists:
			want = e(abi.ENOENT)
		case qerr != 0:
			want = e(qerr)
		case qexists:
			want = e(abi.EEXIST)
		case n.typ == abi.S_IFDIR:
			want = e(abi.EPERM)
		}
		w.check("link "+p+" "+q, w.sys(abi.SYS_LINKAT, atFDCWD, w.str(p), atFDCWD, w.str(q), 0), want)
		if want == 0 {
			m.names[q] = n
		}
	case 11: // stat and list
		sb, sp := w.buf(abi.SizeofStat)
		got := w.sys(abi.SYS_NEWFSTATAT, atFDCWD, w.str(p), sp, abi.AT_SYMLINK_NOFOLLOW)
		switch {
		case perr != 0:
			w.check("lstat "+p, got, e(perr))
		case !exists:
			w.check("lstat "+p, got, e(abi.ENOENT))
		default:
			w.check("lstat "+p, got, 0)
			var st abi.Stat
			st.UnmarshalFrom(sb)
			wantNlink := uint32(m.links(n))
			if n.typ == abi.S_IFDIR {
				wantNlink = 2
				for _, c := range m.children(p) {
					if m.names[p+"/"+c].typ == abi.S_IFDIR {
						wantNlink++
					}
				}
			}
			if st.Mode&abi.S_IFMT != n.typ || st.Nlink != wantNlink ||
				n.typ == abi.S_IFREG && st.Size != int64(len(n.data)) {
				w.fail = append(w.fail, fmt.Sprintf("worker %d: lstat %s: mode %#o nlink %d size %d, want type %#o nlink %d size %d",
					w.id, p, st.Mode, st.Nlink, st.Size, n.typ, wantNlink, len(n.data)))
			}
			if n.typ == abi.S_IFDIR {
				w.checkList(p)
			}
		}
	}
}

// rename applies rename(p, q) to the model and returns the expected result,
// in Linux's order of checks.
func (w *stressWorker) rename(p, q string) int64 {
	m := &w.m
	if err := m.parentErr(p, w.roots); err != 0 {
		return e(err)
	}
	if err := m.parentErr(q, w.roots); err != 0 {
		return e(err)
	}
	n, ok := m.names[p]
	if !ok {
		return e(abi.ENOENT)
	}
	t, tok := m.names[q]
	if n.typ == abi.S_IFDIR && strings.HasPrefix(q, p+"/") {
		return e(abi.EINVAL)
	}
	if tok && strings.HasPrefix(p, q+"/") {
		return e(abi.ENOTEMPTY)
	}
	if tok && t == n {
		return 0
	}
	if tok {
		switch {
		case n.typ == abi.S_IFDIR && t.typ != abi.S_IFDIR:
			return e(abi.ENOTDIR)
		case n.typ != abi.S_IFDIR && t.typ == abi.S_IFDIR:
			return e(abi.EISDIR)
		case t.typ == abi.S_IFDIR && len(m.children(q)) > 0:
			return e(abi.ENOTEMPTY)
		}
	}
	moved := map[string]*mnode{}
	for k, v := range m.names {
		if k == p || strings.HasPrefix(k, p+"/") {
			moved[q+k[len(p):]] = v
			delete(m.names, k)
		}
	}
	delete(m.names, q)
	for k, v := range moved {
		m.names[k] = v
	}
	return 0
}

// checkList compares a directory's listing with the model.
func (w *stressWorker) checkList(dir string) {
	fd := w.sys(abi.SYS_OPENAT, atFDCWD, w.str(dir), abi.O_RDONLY|abi.O_DIRECTORY, 0)
	if fd < 0 {
		w.check("open dir "+dir, fd, 0)
		return
	}
	defer w.sys(abi.SYS_CLOSE, uintptr(fd))
	var names []string
	b, bp := w.buf(8192)
	for {
		n := w.sys(abi.SYS_GETDENTS64, uintptr(fd), bp, 8192)
		if n <= 0 {
			w.check("getdents "+dir, n, 0)
			break
		}
		for off := 0; off < int(n); {
			var d abi.Dirent64
			d.UnmarshalFrom(b[off:])
			name := string(bytes.TrimRight(b[off+abi.Dirent64NameOff:off+int(d.Reclen)], "\x00"))
			if name != "." && name != ".." {
				names = append(names, name)
			}
			off += int(d.Reclen)
		}
	}
	sort.Strings(names)
	if want := w.m.children(dir); strings.Join(names, ",") != strings.Join(want, ",") {
		w.fail = append(w.fail, fmt.Sprintf("worker %d: list %s = %q, want %q", w.id, dir, names, want))
	}
}

func TestVFSStress(t *testing.T) {
	env := newEnv(t, "mem=256M")
	env.want("mkdir /s", env.sys(abi.SYS_MKDIRAT, atFDCWD, env.str("/s"), 0755), 0)
	env.want("mkdir /s/shared", env.sys(abi.SYS_MKDIRAT, atFDCWD, env.str("/s/shared"), 0777), 0)
	const workers = 8
	steps := 1500
	if testing.Short() {
		steps = 300
	}
	deadline := time.Now().Add(20 * time.Second)
	ws := make([]*stressWorker, workers)
	for i := range ws {
		task, err := env.k.NewTask(int64(1000 + i))
		if err != nil {
			t.Fatal(err)
		}
		dir := fmt.Sprintf("/s/w%d", i)
		env.want("mkdir "+dir, env.sys(abi.SYS_MKDIRAT, atFDCWD, env.str(dir), 0755), 0)
		ws[i] = &stressWorker{t: t, id: i, task: task, rng: rand.New(rand.NewPCG(42, uint64(i))),
			m: model{names: map[string]*mnode{}}, roots: []string{dir, "/s/shared"}}
	}
	var wg sync.WaitGroup
	for _, w := range ws {
		wg.Add(1)
		go func(w *stressWorker) {
			defer wg.Done()
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			for w.steps = 0; w.steps < steps && len(w.fail) == 0 && time.Now().Before(deadline); w.steps++ {
				w.step()
			}
			// The final tree must be the model's.
			w.checkList(w.roots[0])
			for p, n := range w.m.names {
				if n.typ == abi.S_IFDIR {
					w.checkList(p)
				}
			}
		}(w)
	}
	wg.Wait()
	for _, w := range ws {
		for _, f := range w.fail {
			t.Error(f)
		}
		t.Logf("worker %d: %d steps, %d names at the end", w.id, w.steps, len(w.m.names))
	}
}
