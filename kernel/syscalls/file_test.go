package syscalls_test

import (
	"encoding/binary"
	"testing"

	"liblinux/abi"
)

// call is one row of a syscall table test.
type call struct {
	name string
	nr   uintptr
	args []uintptr
	want int64
}

func (e *env) run(calls []call) {
	e.t.Helper()
	for _, c := range calls {
		e.want(c.name, e.sys(c.nr, c.args...), c.want)
	}
}

// mkfile creates path with content and closes it.
func (e *env) mkfile(path, content string) {
	e.t.Helper()
	fd := e.sys(abi.SYS_OPENAT, atFDCWD, e.str(path), abi.O_CREAT|abi.O_WRONLY|abi.O_TRUNC, 0644)
	if fd < 0 {
		e.t.Fatalf("create %s: %d", path, fd)
	}
	if content != "" {
		e.sys(abi.SYS_WRITE, uintptr(fd), e.str(content), uintptr(len(content)))
	}
	e.sys(abi.SYS_CLOSE, uintptr(fd))
}

func (e *env) stat(path string) abi.Stat {
	e.t.Helper()
	b, p := e.buf(abi.SizeofStat)
	if r := e.sys(abi.SYS_NEWFSTATAT, atFDCWD, e.str(path), p, abi.AT_SYMLINK_NOFOLLOW); r != 0 {
		e.t.Fatalf("stat %s: %d", path, r)
	}
	var st abi.Stat
	st.UnmarshalFrom(b)
	return st
}

func openHowBuf(e *env, flags, mode, resolve uint64, size int, tail byte) uintptr {
	b, p := e.buf(size)
	binary.LittleEndian.PutUint64(b[0:], flags)
	binary.LittleEndian.PutUint64(b[8:], mode)
	binary.LittleEndian.PutUint64(b[16:], resolve)
	if size > 24 {
		b[size-1] = tail
	}
	return p
}

func TestOpenFlags(t *testing.T) {
	e := newEnv(t, "")
	e.mkfile("/f", "abc")
	e.sys(abi.SYS_MKDIRAT, atFDCWD, e.str("/d"), 0755)
	e.sys(abi.SYS_SYMLINKAT, e.str("/f"), atFDCWD, e.str("/l"))
	const getfl = abi.F_GETFL
	e.run([]call{
		{"open O_CREAT|O_DIRECTORY", abi.SYS_OPENAT, []uintptr{atFDCWD, e.str("/new"), abi.O_CREAT | abi.O_DIRECTORY, 0644}, errno(abi.EINVAL)},
		{"open O_TMPFILE read-only", abi.SYS_OPENAT, []uintptr{atFDCWD, e.str("/d"), abi.O_TMPFILE, 0600}, errno(abi.EINVAL)},
		{"open O_TMPFILE|O_CREAT", abi.SYS_OPENAT, []uintptr{atFDCWD, e.str("/d"), abi.O_TMPFILE | abi.O_CREAT | abi.O_RDWR, 0600}, errno(abi.EINVAL)},
		{"open O_TMPFILE on a file", abi.SYS_OPENAT, []uintptr{atFDCWD, e.str("/f"), abi.O_TMPFILE | abi.O_RDWR, 0600}, errno(abi.ENOTDIR)},
		{"open empty path", abi.SYS_OPENAT, []uintptr{atFDCWD, e.str(""), abi.O_RDONLY, 0}, errno(abi.ENOENT)},
		{"open empty path bad dirfd", abi.SYS_OPENAT, []uintptr{77, e.str(""), abi.O_RDONLY, 0}, errno(abi.ENOENT)},
		{"open relative bad dirfd", abi.SYS_OPENAT, []uintptr{77, e.str("f"), abi.O_RDONLY, 0}, errno(abi.EBADF)},
		{"open accmode 3", abi.SYS_OPENAT, []uintptr{atFDCWD, e.str("/f"), 3, 0}, 0},
		{"read accmode 3", abi.SYS_READ, []uintptr{0, e.str("x"), 1}, errno(abi.EBADF)},
		{"open O_PATH", abi.SYS_OPENAT, []uintptr{atFDCWD, e.str("/l"), abi.O_PATH | abi.O_NOFOLLOW | abi.O_RDWR | abi.O_TRUNC, 0}, 1},
		{"F_GETFL O_PATH", abi.SYS_FCNTL, []uintptr{1, getfl}, abi.O_PATH | abi.O_NOFOLLOW},
		{"read O_PATH", abi.SYS_READ, []uintptr{1, e.str("x"), 1}, errno(abi.EBADF)},
		{"lseek O_PATH", abi.SYS_LSEEK, []uintptr{1, 0, 0}, errno(abi.EBADF)},
		{"fchmod O_PATH", abi.SYS_FCHMOD, []uintptr{1, 0600}, errno(abi.EBADF)},
		{"ftruncate O_PATH", abi.SYS_FTRUNCATE, []uintptr{1, 0}, errno(abi.EBADF)},
		{"fsync O_PATH", abi.SYS_FSYNC, []uintptr{1}, errno(abi.EBADF)},
		{"fgetxattr O_PATH", abi.SYS_FGETXATTR, []uintptr{1, e.str("user.a"), 0, 0}, errno(abi.EBADF)},
		{"readlinkat O_PATH link", abi.SYS_READLINKAT, []uintptr{1, e.str(""), e.str("........"), 8}, 2},
		{"open append", abi.SYS_OPENAT, []uintptr{atFDCWD, e.str("/f"), abi.O_RDWR | abi.O_APPEND, 0}, 2},
		{"F_GETFL largefile", abi.SYS_FCNTL, []uintptr{2, getfl}, abi.O_RDWR | abi.O_APPEND | abi.O_LARGEFILE},
		{"append write", abi.SYS_WRITE, []uintptr{2, e.str("de"), 2}, 2},
		{"append position", abi.SYS_LSEEK, []uintptr{2, 0, abi.SEEK_CUR}, 5},
		{"pwrite on O_APPEND appends", abi.SYS_PWRITE64, []uintptr{2, e.str("f"), 1, 0}, 1},
		{"size after pwrite", abi.SYS_LSEEK, []uintptr{2, 0, abi.SEEK_END}, 6},
		{"lseek bad whence", abi.SYS_LSEEK, []uintptr{2, 0, 5}, errno(abi.EINVAL)},
		{"lseek negative", abi.SYS_LSEEK, []uintptr{2, ^uintptr(0), abi.SEEK_SET}, errno(abi.EINVAL)},
		{"open dir", abi.SYS_OPENAT, []uintptr{atFDCWD, e.str("/d"), abi.O_RDONLY, 0}, 3},
		{"lseek dir SEEK_END", abi.SYS_LSEEK, []uintptr{3, 0, abi.SEEK_END}, errno(abi.EINVAL)},
		{"lseek dir SEEK_DATA", abi.SYS_LSEEK, []uintptr{3, 0, abi.SEEK_DATA}, errno(abi.EINVAL)},
		{"read dir", abi.SYS_READ, []uintptr{3, e.str("x"), 1}, errno(abi.EISDIR)},
		{"open O_NOATIME as owner", abi.SYS_OPENAT, []uintptr{atFDCWD, e.str("/f"), abi.O_RDONLY | abi.O_NOATIME, 0}, 4},
		{"O_TMPFILE", abi.SYS_OPENAT, []uintptr{atFDCWD, e.str("/d"), abi.O_TMPFILE | abi.O_WRONLY, 0600}, 5},
		{"linkat O_TMPFILE", abi.SYS_LINKAT, []uintptr{5, e.str(""), atFDCWD, e.str("/d/t"), abi.AT_EMPTY_PATH}, 0},
		{"linkat empty path without flag", abi.SYS_LINKAT, []uintptr{5, e.str(""), atFDCWD, e.str("/d/t2"), 0}, errno(abi.ENOENT)},
	})
	if st := e.stat("/d/t"); st.Nlink != 1 || st.Mode != abi.S_IFREG|0600 {
		t.Errorf("linked tmpfile: %+v", st)
	}
}

func TestOpenat2(t *testing.T) {
	e := newEnv(t, "")
	e.mkfile("/f", "")
	e.sys(abi.SYS_MKDIRAT, atFDCWD, e.str("/d"), 0755)
	e.mkfile("/d/g", "")
	e.want("dirfd", e.sys(abi.SYS_OPENAT, atFDCWD, e.str("/d"), abi.O_PATH|abi.O_DIRECTORY, 0), 0)
	how := func(flags, mode, resolve uint64) uintptr { return openHowBuf(e, flags, mode, resolve, 24, 0) }
	e.run([]call{
		{"size 16", abi.SYS_OPENAT2, []uintptr{atFDCWD, e.str("/f"), how(0, 0, 0), 16}, errno(abi.EINVAL)},
		{"size 5000", abi.SYS_OPENAT2, []uintptr{atFDCWD, e.str("/f"), how(0, 0, 0), 5000}, errno(abi.E2BIG)},
		{"nonzero tail", abi.SYS_OPENAT2, []uintptr{atFDCWD, e.str("/f"), openHowBuf(e, 0, 0, 0, 32, 1), 32}, errno(abi.E2BIG)},
		{"zero tail", abi.SYS_OPENAT2, []uintptr{atFDCWD, e.str("/f"), openHowBuf(e, 0, 0, 0, 32, 0), 32}, 1},
		{"NULL how", abi.SYS_OPENAT2, []uintptr{atFDCWD, e.str("/f"), 0, 24}, errno(abi.EFAULT)},
		{"unknown flag", abi.SYS_OPENAT2, []uintptr{atFDCWD, e.str("/f"), how(1<<40, 0, 0), 24}, errno(abi.EINVAL)},
		{"unknown resolve", abi.SYS_OPENAT2, []uintptr{atFDCWD, e.str("/f"), how(0, 0, 0x1000), 24}, errno(abi.EINVAL)},
		{"mode without create", abi.SYS_OPENAT2, []uintptr{atFDCWD, e.str("/f"), how(0, 0644, 0), 24}, errno(abi.EINVAL)},
		{"mode high bits", abi.SYS_OPENAT2, []uintptr{atFDCWD, e.str("/n"), how(abi.O_CREAT|abi.O_WRONLY, 010644, 0), 24}, errno(abi.EINVAL)},
		{"O_PATH with O_RDWR", abi.SYS_OPENAT2, []uintptr{atFDCWD, e.str("/f"), how(abi.O_PATH|abi.O_RDWR, 0, 0), 24}, errno(abi.EINVAL)},
		{"beneath and in_root", abi.SYS_OPENAT2, []uintptr{0, e.str("g"), how(0, 0, abi.RESOLVE_BENEATH|abi.RESOLVE_IN_ROOT), 24}, errno(abi.EINVAL)},
		{"cached create", abi.SYS_OPENAT2, []uintptr{0, e.str("n"), how(abi.O_CREAT|abi.O_WRONLY, 0, abi.RESOLVE_CACHED), 24}, errno(abi.EAGAIN)},
		{"beneath ok", abi.SYS_OPENAT2, []uintptr{0, e.str("g"), how(0, 0, abi.RESOLVE_BENEATH), 24}, 2},
		{"beneath escape", abi.SYS_OPENAT2, []uintptr{0, e.str("../f"), how(0, 0, abi.RESOLVE_BENEATH), 24}, errno(abi.EXDEV)},
		{"beneath absolute", abi.SYS_OPENAT2, []uintptr{0, e.str("/f"), how(0, 0, abi.RESOLVE_BENEATH), 24}, errno(abi.EXDEV)},
		{"in_root absolute", abi.SYS_OPENAT2, []uintptr{0, e.str("/g"), how(0, 0, abi.RESOLVE_IN_ROOT), 24}, 3},
		{"cloexec", abi.SYS_OPENAT2, []uintptr{0, e.str("g"), how(abi.O_CLOEXEC, 0, 0), 24}, 4},
		{"cloexec set", abi.SYS_FCNTL, []uintptr{4, abi.F_GETFD}, abi.FD_CLOEXEC},
	})
}

func TestSeekDataHole(t *testing.T) {
	e := newEnv(t, "")
	fd := uintptr(e.sys(abi.SYS_OPENAT, atFDCWD, e.str("/f"), abi.O_CREAT|abi.O_RDWR, 0644))
	e.run([]call{
		{"write at 8192", abi.SYS_PWRITE64, []uintptr{fd, e.str("x"), 1, 8192}, 1},
		{"data from 0", abi.SYS_LSEEK, []uintptr{fd, 0, abi.SEEK_DATA}, 8192},
		{"hole from 0", abi.SYS_LSEEK, []uintptr{fd, 0, abi.SEEK_HOLE}, 0},
		{"hole from 8192", abi.SYS_LSEEK, []uintptr{fd, 8192, abi.SEEK_HOLE}, 8193},
		{"data at end", abi.SYS_LSEEK, []uintptr{fd, 8193, abi.SEEK_DATA}, errno(abi.ENXIO)},
		{"falloc keep size past end", abi.SYS_FALLOCATE, []uintptr{fd, abi.FALLOC_FL_KEEP_SIZE, 0, 4096}, 0},
		{"fallocated is a hole", abi.SYS_LSEEK, []uintptr{fd, 0, abi.SEEK_DATA}, 8192},
		{"fallocate twice makes data", abi.SYS_FALLOCATE, []uintptr{fd, 0, 0, 4096}, 0},
		{"now data at 0", abi.SYS_LSEEK, []uintptr{fd, 0, abi.SEEK_DATA}, 0},
		{"punch", abi.SYS_FALLOCATE, []uintptr{fd, abi.FALLOC_FL_PUNCH_HOLE | abi.FALLOC_FL_KEEP_SIZE, 0, 8192}, 0},
		{"after punch", abi.SYS_LSEEK, []uintptr{fd, 0, abi.SEEK_DATA}, 8192},
		{"punch without keep", abi.SYS_FALLOCATE, []uintptr{fd, abi.FALLOC_FL_PUNCH_HOLE, 0, 1}, errno(abi.EOPNOTSUPP)},
		{"zero range", abi.SYS_FALLOCATE, []uintptr{fd, abi.FALLOC_FL_ZERO_RANGE, 0, 1}, errno(abi.EOPNOTSUPP)},
		{"zero length", abi.SYS_FALLOCATE, []uintptr{fd, 0, 0, 0}, errno(abi.EINVAL)},
		{"wraps", abi.SYS_FALLOCATE, []uintptr{fd, 0, 1, 1<<63 - 1}, errno(abi.EFBIG)},
	})
	if st := e.stat("/f"); st.Size != 8193 || st.Blocks != 8 {
		t.Errorf("size %d blocks %d", st.Size, st.Blocks)
	}
}

func TestLegacyCalls(t *testing.T) {
	e := newEnv(t, "")
	tv, tvp := e.buf(32)
	tv[0] = 7
	tv[8] = 0x40
	tv[9] = 0x42
	tv[10] = 0x0f // 1000000 µs: out of range
	e.run([]call{
		{"mkdir", abi.SYS_MKDIR, []uintptr{e.str("/d"), 0755}, 0},
		{"creat", abi.SYS_CREAT, []uintptr{e.str("/d/f"), 0600}, 0},
		{"open", abi.SYS_OPEN, []uintptr{e.str("/d/f"), abi.O_RDONLY, 0}, 1},
		{"dup2 same", abi.SYS_DUP2, []uintptr{1, 1}, 1},
		{"dup2", abi.SYS_DUP2, []uintptr{1, 5}, 5},
		{"link", abi.SYS_LINK, []uintptr{e.str("/d/f"), e.str("/d/g")}, 0},
		{"rename", abi.SYS_RENAME, []uintptr{e.str("/d/g"), e.str("/d/h")}, 0},
		{"symlink", abi.SYS_SYMLINK, []uintptr{e.str("h"), e.str("/d/l")}, 0},
		{"readlink", abi.SYS_READLINK, []uintptr{e.str("/d/l"), e.str("...."), 4}, 1},
		{"chmod", abi.SYS_CHMOD, []uintptr{e.str("/d/f"), 0644}, 0},
		{"lchown", abi.SYS_LCHOWN, []uintptr{e.str("/d/l"), 5, 5}, 0},
		{"chown", abi.SYS_CHOWN, []uintptr{e.str("/d/l"), 6, 6}, 0},
		{"access", abi.SYS_ACCESS, []uintptr{e.str("/d/f"), 4}, 0},
		{"utimes bad usec", abi.SYS_UTIMES, []uintptr{e.str("/d/f"), tvp}, errno(abi.EINVAL)},
		{"utime NULL", abi.SYS_UTIME, []uintptr{e.str("/d/f"), 0}, 0},
		{"unlink", abi.SYS_UNLINK, []uintptr{e.str("/d/h")}, 0},
		{"mknod", abi.SYS_MKNOD, []uintptr{e.str("/d/p"), abi.S_IFIFO | 0644, 0}, 0},
		{"rmdir nonempty", abi.SYS_RMDIR, []uintptr{e.str("/d")}, errno(abi.ENOTEMPTY)},
	})
	if st := e.stat("/d/l"); st.UID != 5 {
		t.Errorf("lchown: uid %d", st.UID)
	}
	if st := e.stat("/d/f"); st.UID != 6 || st.Mode != abi.S_IFREG|0644 {
		t.Errorf("chown through link: %+v", st)
	}
}
