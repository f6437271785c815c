package boot_test

import (
	"bytes"
	"encoding/binary"
	"sort"
	"strings"
	"sync"
	"testing"

	"liblinux/abi"
	"liblinux/hostops/fake"
	"liblinux/kernel"
	"liblinux/kernel/boot"
	"liblinux/kernel/syscalls"
	"liblinux/kernel/usermem"
)

// env is a kernel booted on the fake host, with one task.
type env struct {
	t    *testing.T
	host *fake.Host
	k    *kernel.Kernel
	task *kernel.Task

	mu   sync.Mutex
	keep [][]byte // buffers handed to the kernel, kept alive
}

func newEnv(t *testing.T) *env {
	t.Helper()
	h := fake.New()
	k, err := boot.Start(h, "mem=32M")
	if err != nil {
		t.Fatalf("boot: %v", err)
	}
	task, err := k.NewTask(1)
	if err != nil {
		t.Fatalf("NewTask: %v", err)
	}
	t.Cleanup(func() { k.Halt() })
	return &env{t: t, host: h, k: k, task: task}
}

// newTask returns another task (host thread) of pid 1.
func (e *env) newTask() *kernel.Task {
	e.t.Helper()
	t, err := e.k.NewTask(int64(100 + e.k.TaskCount()))
	if err != nil {
		e.t.Fatalf("NewTask: %v", err)
	}
	return t
}

const atFDCWD = uintptr(0xffffffffffffff9c)

func errno(e abi.Errno) int64 { return -int64(e) }

// str returns the address of a NUL-terminated copy of s, with slack after
// it for the kernel's chunked string reads.
func (e *env) str(s string) uintptr {
	b := make([]byte, len(s)+1+256)
	copy(b, s)
	return e.addr(b)
}

// addr returns the address of b and keeps b alive for the test.
func (e *env) addr(b []byte) uintptr {
	e.mu.Lock()
	e.keep = append(e.keep, b)
	e.mu.Unlock()
	return uintptr(usermem.AddrOf(b))
}

// on runs a system call on task t.
func on(t *kernel.Task, nr uintptr, args ...uintptr) int64 {
	var a syscalls.Args
	copy(a[:], args)
	return syscalls.Dispatch(t, nr, &a)
}

func (e *env) sys(nr uintptr, args ...uintptr) int64 { return on(e.task, nr, args...) }

func (e *env) want(name string, got, want int64) {
	e.t.Helper()
	if got != want {
		e.t.Errorf("%s = %d, want %d", name, got, want)
	}
}

// open opens path and fails the test on error.
func (e *env) open(path string, flags uintptr) uintptr {
	e.t.Helper()
	fd := e.sys(abi.SYS_OPENAT, atFDCWD, e.str(path), flags, 0)
	if fd < 0 {
		e.t.Fatalf("open %s = %d", path, fd)
	}
	return uintptr(fd)
}

// read reads up to n bytes from fd.
func (e *env) read(fd uintptr, n int) (string, int64) {
	b := make([]byte, n+1)
	r := e.sys(abi.SYS_READ, fd, e.addr(b), uintptr(n))
	if r < 0 {
		return "", r
	}
	return string(b[:r]), r
}

// cat returns the whole of path, read in small pieces.
func (e *env) cat(path string) string {
	e.t.Helper()
	fd := e.open(path, abi.O_RDONLY)
	defer e.sys(abi.SYS_CLOSE, fd)
	var out strings.Builder
	for {
		s, n := e.read(fd, 100)
		if n < 0 {
			e.t.Fatalf("read %s = %d", path, n)
		}
		if n == 0 {
			return out.String()
		}
		out.WriteString(s)
	}
}

// write writes s to fd.
func (e *env) write(fd uintptr, s string) int64 {
	b := []byte(s + "\x00")
	return e.sys(abi.SYS_WRITE, fd, e.addr(b), uintptr(len(s)))
}

// stat returns stat(2) (flags 0) or lstat(2) (AT_SYMLINK_NOFOLLOW) of path.
func (e *env) statAt(path string, flags uintptr) (abi.Stat, int64) {
	b := make([]byte, abi.SizeofStat)
	r := e.sys(abi.SYS_NEWFSTATAT, atFDCWD, e.str(path), e.addr(b), flags)
	var st abi.Stat
	st.UnmarshalFrom(b)
	return st, r
}

func (e *env) stat(path string) abi.Stat {
	e.t.Helper()
	st, r := e.statAt(path, 0)
	if r != 0 {
		e.t.Fatalf("stat %s = %d", path, r)
	}
	return st
}

func (e *env) lstat(path string) abi.Stat {
	e.t.Helper()
	st, r := e.statAt(path, abi.AT_SYMLINK_NOFOLLOW)
	if r != 0 {
		e.t.Fatalf("lstat %s = %d", path, r)
	}
	return st
}

func (e *env) fstat(fd uintptr) abi.Stat {
	e.t.Helper()
	b := make([]byte, abi.SizeofStat)
	if r := e.sys(abi.SYS_FSTAT, fd, e.addr(b)); r != 0 {
		e.t.Fatalf("fstat %d = %d", fd, r)
	}
	var st abi.Stat
	st.UnmarshalFrom(b)
	return st
}

// readlink returns readlink(2) of path, or the negative errno as text.
func (e *env) readlink(path string) (string, int64) {
	b := make([]byte, 4096)
	r := e.sys(abi.SYS_READLINKAT, atFDCWD, e.str(path), e.addr(b), uintptr(len(b)))
	if r < 0 {
		return "", r
	}
	return string(b[:r]), r
}

// dirent is one getdents64 record.
type dirent struct {
	ino  uint64
	off  int64
	typ  uint8
	name string
}

// list returns the entries of directory path in getdents64 order, read
// with a small buffer so that listings resume at offsets.
func (e *env) list(path string) []dirent {
	e.t.Helper()
	fd := e.open(path, abi.O_RDONLY|abi.O_DIRECTORY)
	defer e.sys(abi.SYS_CLOSE, fd)
	var out []dirent
	b := make([]byte, 100)
	for {
		n := e.sys(abi.SYS_GETDENTS64, fd, e.addr(b), uintptr(len(b)))
		if n < 0 {
			e.t.Fatalf("getdents64 %s = %d", path, n)
		}
		if n == 0 {
			return out
		}
		for p := 0; p < int(n); {
			reclen := int(binary.LittleEndian.Uint16(b[p+16:]))
			name := b[p+19 : p+reclen]
			out = append(out, dirent{
				ino:  binary.LittleEndian.Uint64(b[p:]),
				off:  int64(binary.LittleEndian.Uint64(b[p+8:])),
				typ:  b[p+18],
				name: string(name[:bytes.IndexByte(name, 0)]),
			})
			p += reclen
		}
	}
}

// names returns the names of a listing, without "." and "..".
func names(ds []dirent) []string {
	var out []string
	for _, d := range ds {
		if d.name != "." && d.name != ".." {
			out = append(out, d.name)
		}
	}
	return out
}

func sorted(s []string) []string {
	s = append([]string(nil), s...)
	sort.Strings(s)
	return s
}

// mount mounts fstype on target, creating the directory.
func (e *env) mount(fstype, target string) {
	e.t.Helper()
	if r := e.sys(abi.SYS_MKDIRAT, atFDCWD, e.str(target), 0755); r != 0 && r != errno(abi.EEXIST) {
		e.t.Fatalf("mkdir %s = %d", target, r)
	}
	if r := e.sys(abi.SYS_MOUNT, e.str("none"), e.str(target), e.str(fstype), 0, 0); r != 0 {
		e.t.Fatalf("mount %s on %s = %d", fstype, target, r)
	}
}
