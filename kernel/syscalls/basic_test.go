package syscalls_test

import (
	"bytes"
	"testing"

	"liblinux/abi"
)

func TestBootFlow(t *testing.T) {
	e := newEnv(t, "mem=32M")
	e.want("getpid", e.sys(abi.SYS_GETPID), 1)
	e.want("getppid", e.sys(abi.SYS_GETPPID), 0)
	e.want("gettid", e.sys(abi.SYS_GETTID), 1)
	e.want("umask", e.sys(abi.SYS_UMASK, 0777), 022)
	e.want("umask2", e.sys(abi.SYS_UMASK, 0), 0777)
	e.want("creat", e.sys(abi.SYS_OPENAT, atFDCWD, e.str("/file"), abi.O_CREAT|abi.O_WRONLY|abi.O_TRUNC, 0721), 0)
	e.want("close", e.sys(abi.SYS_CLOSE, 0), 0)
	e.want("failopen", e.sys(abi.SYS_OPENAT, atFDCWD, e.str("/file2"), 0, 0), errno(abi.ENOENT))
	e.want("open", e.sys(abi.SYS_OPENAT, atFDCWD, e.str("/file"), abi.O_RDWR, 0), 0)
	e.want("write", e.sys(abi.SYS_WRITE, 0, e.str("test"), 5), 5)
	e.want("lseek cur", e.sys(abi.SYS_LSEEK, 0, 0, abi.SEEK_CUR), 5)
	e.want("lseek end", e.sys(abi.SYS_LSEEK, 0, 0, abi.SEEK_END), 5)
	e.want("lseek set", e.sys(abi.SYS_LSEEK, 0, 0, abi.SEEK_SET), 0)
	b, p := e.buf(10)
	e.want("read", e.sys(abi.SYS_READ, 0, p, 10), 5)
	if !bytes.Equal(b[:5], []byte("test\x00")) {
		t.Errorf("read %q", b[:5])
	}
	sb, sp := e.buf(abi.SizeofStat)
	e.want("fstat", e.sys(abi.SYS_FSTAT, 0, sp), 0)
	var st abi.Stat
	st.UnmarshalFrom(sb)
	if st.Size != 5 || st.Mode != 0721|abi.S_IFREG || st.Nlink != 1 || st.Blocks != 8 {
		t.Errorf("fstat: %+v", st)
	}
	e.want("mkdir", e.sys(abi.SYS_MKDIRAT, atFDCWD, e.str("/mnt"), 0721), 0)
	e.want("stat", e.sys(abi.SYS_NEWFSTATAT, atFDCWD, e.str("/mnt"), sp, 0), 0)
	st.UnmarshalFrom(sb)
	if st.Mode != 0721|abi.S_IFDIR || st.Nlink != 2 {
		t.Errorf("stat /mnt: %+v", st)
	}
	e.want("mkdir again", e.sys(abi.SYS_MKDIRAT, atFDCWD, e.str("/mnt"), 0721), errno(abi.EEXIST))
	e.want("stat missing", e.sys(abi.SYS_NEWFSTATAT, atFDCWD, e.str("/nope/x"), sp, 0), errno(abi.ENOENT))
	e.want("stat through file", e.sys(abi.SYS_NEWFSTATAT, atFDCWD, e.str("/file/x"), sp, 0), errno(abi.ENOTDIR))
	e.want("unknown syscall", e.sys(9999), errno(abi.ENOSYS))
	e.want("bad fd", e.sys(abi.SYS_READ, 77, p, 1), errno(abi.EBADF))
	e.want("NULL buffer", e.sys(abi.SYS_PREAD64, 0, 0, 1, 0), errno(abi.EFAULT))
	// Nothing to copy at the end of the file: no fault, as Linux.
	e.want("NULL buffer at EOF", e.sys(abi.SYS_READ, 0, 0, 1), 0)
}

func TestGetdents(t *testing.T) {
	e := newEnv(t, "")
	for _, n := range []string{"/d", "/d/a", "/d/bb", "/d/ccc"} {
		e.want("mkdir "+n, e.sys(abi.SYS_MKDIRAT, atFDCWD, e.str(n), 0755), 0)
	}
	fd := e.sys(abi.SYS_OPENAT, atFDCWD, e.str("/d"), abi.O_RDONLY|abi.O_DIRECTORY, 0)
	if fd < 0 {
		t.Fatalf("open /d: %d", fd)
	}
	b, p := e.buf(4096)
	n := e.sys(abi.SYS_GETDENTS64, uintptr(fd), p, 4096)
	var names []string
	for off := 0; off < int(n); {
		var d abi.Dirent64
		d.UnmarshalFrom(b[off:])
		name := b[off+abi.Dirent64NameOff : off+int(d.Reclen)]
		names = append(names, string(bytes.TrimRight(name, "\x00")))
		if d.Type != abi.DT_DIR {
			t.Errorf("%s: type %d", name, d.Type)
		}
		off += int(d.Reclen)
	}
	want := []string{".", "..", "ccc", "bb", "a"} // tmpfs lists newest first, as Linux 6.x
	if len(names) != len(want) {
		t.Fatalf("names %q, want %q", names, want)
	}
	for i := range want {
		if names[i] != want[i] {
			t.Errorf("names %q, want %q", names, want)
		}
	}
	e.want("getdents at end", e.sys(abi.SYS_GETDENTS64, uintptr(fd), p, 4096), 0)
	e.want("getdents tiny buffer", e.sys(abi.SYS_LSEEK, uintptr(fd), 0, abi.SEEK_SET), 0)
	e.want("getdents tiny buffer", e.sys(abi.SYS_GETDENTS64, uintptr(fd), p, 10), errno(abi.EINVAL))
}
