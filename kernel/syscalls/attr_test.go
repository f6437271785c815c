package syscalls_test

import (
	"bytes"
	"encoding/binary"
	"testing"

	"liblinux/abi"
	"liblinux/kernel/vfs"
)

// as switches the env's process to an unprivileged user.
func (e *env) as(uid, gid uint32) {
	e.task.Group().SetCreds(&vfs.Creds{UID: uid, EUID: uid, SUID: uid, FSUID: uid, GID: gid, EGID: gid, SGID: gid, FSGID: gid})
}

func (e *env) asRoot() { e.task.Group().SetCreds(vfs.RootCreds()) }

func timespecs(e *env, a, an, m, mn int64) uintptr {
	b, p := e.buf(32)
	binary.LittleEndian.PutUint64(b[0:], uint64(a))
	binary.LittleEndian.PutUint64(b[8:], uint64(an))
	binary.LittleEndian.PutUint64(b[16:], uint64(m))
	binary.LittleEndian.PutUint64(b[24:], uint64(mn))
	return p
}

func TestAttrCalls(t *testing.T) {
	e := newEnv(t, "")
	e.mkfile("/f", "abc")
	e.sys(abi.SYS_SYMLINKAT, e.str("/f"), atFDCWD, e.str("/l"))
	e.sys(abi.SYS_MKDIRAT, atFDCWD, e.str("/d"), 0755)
	omit := timespecs(e, 0, abi.UTIME_OMIT, 0, abi.UTIME_OMIT)
	times := timespecs(e, 1, 2, 3, 4)
	bad := timespecs(e, 0, 1e9, 0, abi.UTIME_OMIT)
	e.run([]call{
		{"chmod", abi.SYS_FCHMODAT, []uintptr{atFDCWD, e.str("/f"), 04755}, 0},
		{"chown -1 -1 kills suid", abi.SYS_FCHOWNAT, []uintptr{atFDCWD, e.str("/f"), ^uintptr(0), ^uintptr(0), 0}, 0},
		{"fchownat bad flags", abi.SYS_FCHOWNAT, []uintptr{atFDCWD, e.str("/f"), 0, 0, 0x8000}, errno(abi.EINVAL)},
		{"fchmodat2 symlink nofollow", abi.SYS_FCHMODAT2, []uintptr{atFDCWD, e.str("/l"), 0600, abi.AT_SYMLINK_NOFOLLOW}, errno(abi.EOPNOTSUPP)},
		{"fchmodat2 bad flags", abi.SYS_FCHMODAT2, []uintptr{atFDCWD, e.str("/f"), 0600, 0x8000}, errno(abi.EINVAL)},
		{"utimensat omit missing", abi.SYS_UTIMENSAT, []uintptr{atFDCWD, e.str("/nope"), omit, 0}, 0},
		{"utimensat bad nsec", abi.SYS_UTIMENSAT, []uintptr{atFDCWD, e.str("/f"), bad, 0}, errno(abi.EINVAL)},
		{"utimensat NULL path AT_FDCWD", abi.SYS_UTIMENSAT, []uintptr{atFDCWD, 0, times, 0}, errno(abi.EFAULT)},
		{"utimensat", abi.SYS_UTIMENSAT, []uintptr{atFDCWD, e.str("/f"), times, 0}, 0},
		{"truncate negative", abi.SYS_TRUNCATE, []uintptr{e.str("/f"), ^uintptr(0)}, errno(abi.EINVAL)},
		{"truncate dir", abi.SYS_TRUNCATE, []uintptr{e.str("/d"), 0}, errno(abi.EISDIR)},
		{"truncate same size keeps mtime? no: it has a page", abi.SYS_TRUNCATE, []uintptr{e.str("/f"), 3}, 0},
		{"open ro", abi.SYS_OPENAT, []uintptr{atFDCWD, e.str("/f"), abi.O_RDONLY, 0}, 0},
		{"ftruncate read-only", abi.SYS_FTRUNCATE, []uintptr{0, 0}, errno(abi.EINVAL)},
		{"fallocate read-only", abi.SYS_FALLOCATE, []uintptr{0, 0x80, 0, 1}, errno(abi.EBADF)},
		{"access bad mode", abi.SYS_FACCESSAT, []uintptr{atFDCWD, e.str("/f"), 8}, errno(abi.EINVAL)},
		{"access x on 0755", abi.SYS_FACCESSAT, []uintptr{atFDCWD, e.str("/f"), 1}, 0},
		{"faccessat2 bad flags", abi.SYS_FACCESSAT2, []uintptr{atFDCWD, e.str("/f"), 0, 0x8000}, errno(abi.EINVAL)},
		{"faccessat2 empty path", abi.SYS_FACCESSAT2, []uintptr{0, e.str(""), 4, abi.AT_EMPTY_PATH}, 0},
	})
	st := e.stat("/f")
	if st.Mode != abi.S_IFREG|0755 || st.Atime != 1 || st.AtimeNsec != 2 || st.Mtime == 3 {
		t.Errorf("stat after calls: %+v", st)
	}
	e.sys(abi.SYS_FCHMODAT, atFDCWD, e.str("/f"), 0644)
	e.as(1000, 1000)
	e.run([]call{
		{"user chmod", abi.SYS_FCHMODAT, []uintptr{atFDCWD, e.str("/f"), 0600}, errno(abi.EPERM)},
		{"user utimensat explicit", abi.SYS_UTIMENSAT, []uintptr{atFDCWD, e.str("/f"), times, 0}, errno(abi.EPERM)},
		{"user utimensat now", abi.SYS_UTIMENSAT, []uintptr{atFDCWD, e.str("/f"), 0, 0}, errno(abi.EACCES)},
		{"user truncate", abi.SYS_TRUNCATE, []uintptr{e.str("/f"), 0}, errno(abi.EACCES)},
		{"user access w", abi.SYS_FACCESSAT, []uintptr{atFDCWD, e.str("/f"), 2}, errno(abi.EACCES)},
		{"user chown", abi.SYS_FCHOWNAT, []uintptr{atFDCWD, e.str("/f"), 1000, ^uintptr(0), 0}, errno(abi.EPERM)},
	})
	e.asRoot()
}

func TestXattrCalls(t *testing.T) {
	e := newEnv(t, "")
	e.mkfile("/f", "")
	e.sys(abi.SYS_SYMLINKAT, e.str("/f"), atFDCWD, e.str("/l"))
	big, bigp := e.buf(65537)
	_ = big
	long := string(bytes.Repeat([]byte("n"), 251))
	e.run([]call{
		{"set", abi.SYS_SETXATTR, []uintptr{e.str("/f"), e.str("user.a"), e.str("hello"), 5, 0}, 0},
		{"set bare prefix", abi.SYS_SETXATTR, []uintptr{e.str("/f"), e.str("user."), e.str("x"), 1, 0}, errno(abi.EINVAL)},
		{"set unknown namespace", abi.SYS_SETXATTR, []uintptr{e.str("/f"), e.str("foo"), e.str("x"), 1, 0}, errno(abi.EOPNOTSUPP)},
		{"set empty name", abi.SYS_SETXATTR, []uintptr{e.str("/f"), e.str(""), e.str("x"), 1, 0}, errno(abi.ERANGE)},
		{"set 256-byte name", abi.SYS_SETXATTR, []uintptr{e.str("/f"), e.str("user." + long), e.str("x"), 1, 0}, errno(abi.ERANGE)},
		{"set too big", abi.SYS_SETXATTR, []uintptr{e.str("/f"), e.str("user.b"), bigp, 65537, 0}, errno(abi.E2BIG)},
		{"set 64k", abi.SYS_SETXATTR, []uintptr{e.str("/f"), e.str("user.b"), bigp, 65536, 0}, 0},
		{"set bad flags", abi.SYS_SETXATTR, []uintptr{e.str("/f"), e.str("user.c"), e.str("x"), 1, 4}, errno(abi.EINVAL)},
		{"create existing", abi.SYS_SETXATTR, []uintptr{e.str("/f"), e.str("user.a"), e.str("x"), 1, abi.XATTR_CREATE}, errno(abi.EEXIST)},
		{"replace missing", abi.SYS_SETXATTR, []uintptr{e.str("/f"), e.str("user.c"), e.str("x"), 1, abi.XATTR_REPLACE}, errno(abi.ENODATA)},
		{"set NULL empty", abi.SYS_SETXATTR, []uintptr{e.str("/f"), e.str("user.n"), 0, 0, 0}, 0},
		{"set NULL nonempty", abi.SYS_SETXATTR, []uintptr{e.str("/f"), e.str("user.n"), 0, 1, 0}, errno(abi.EFAULT)},
		{"get size", abi.SYS_GETXATTR, []uintptr{e.str("/f"), e.str("user.a"), 0, 0}, 5},
		{"get small", abi.SYS_GETXATTR, []uintptr{e.str("/f"), e.str("user.a"), e.str("xx"), 2}, errno(abi.ERANGE)},
		{"get missing", abi.SYS_GETXATTR, []uintptr{e.str("/f"), e.str("user.z"), e.str("xx"), 2}, errno(abi.ENODATA)},
		{"lset user on symlink", abi.SYS_LSETXATTR, []uintptr{e.str("/l"), e.str("user.a"), e.str("x"), 1, 0}, errno(abi.EPERM)},
		{"lget user on symlink", abi.SYS_LGETXATTR, []uintptr{e.str("/l"), e.str("user.a"), e.str("xx"), 2}, errno(abi.ENODATA)},
		{"get through symlink", abi.SYS_GETXATTR, []uintptr{e.str("/l"), e.str("user.a"), 0, 0}, 5},
		{"list size", abi.SYS_LISTXATTR, []uintptr{e.str("/f"), 0, 0}, 21},
		{"list small", abi.SYS_LISTXATTR, []uintptr{e.str("/f"), e.str("x"), 1}, errno(abi.ERANGE)},
		{"remove", abi.SYS_REMOVEXATTR, []uintptr{e.str("/f"), e.str("user.b")}, 0},
		{"remove again", abi.SYS_REMOVEXATTR, []uintptr{e.str("/f"), e.str("user.b")}, errno(abi.ENODATA)},
		{"acl get", abi.SYS_GETXATTR, []uintptr{e.str("/f"), e.str("system.posix_acl_access"), 0, 0}, errno(abi.ENODATA)},
		{"fset bad fd", abi.SYS_FSETXATTR, []uintptr{77, e.str("user.a"), e.str("x"), 1, 0}, errno(abi.EBADF)},
	})
	lb, lp := e.buf(64)
	e.want("list", e.sys(abi.SYS_LISTXATTR, e.str("/f"), lp, 64), 14)
	if string(lb[:14]) != "user.n\x00user.a\x00" {
		t.Errorf("list %q", lb[:14])
	}
}

func TestStatxMask(t *testing.T) {
	e := newEnv(t, "")
	e.mkfile("/f", "")
	b, p := e.buf(abi.SizeofStatx)
	for _, tc := range []struct {
		mask, flags uint32
		want        uint32
		err         abi.Errno
	}{
		{0, 0, 0x173f, 0},
		{abi.STATX_BASIC_STATS, 0, 0x17ff, 0},
		{abi.STATX_ALL, 0, 0x1fff, 0},
		{abi.STATX_MNT_ID_UNIQUE, 0, 0x473f, 0},
		{abi.STATX__RESERVED, 0, 0, abi.EINVAL},
		{0, abi.AT_STATX_SYNC_TYPE, 0, abi.EINVAL},
		{0, 0x10000, 0, abi.EINVAL},
	} {
		r := e.sys(abi.SYS_STATX, atFDCWD, e.str("/f"), uintptr(tc.flags), uintptr(tc.mask), p)
		if tc.err != 0 {
			e.want("statx error", r, errno(tc.err))
			continue
		}
		var stx abi.Statx
		stx.UnmarshalFrom(b)
		if r != 0 || stx.Mask != tc.want || stx.AttributesMask != 0x203070 || stx.Mode != abi.S_IFREG|0644 {
			t.Errorf("statx mask %#x: %d, got mask %#x attrmask %#x mode %#o", tc.mask, r, stx.Mask, stx.AttributesMask, stx.Mode)
		}
	}
	e.want("statx root", e.sys(abi.SYS_STATX, atFDCWD, e.str("/"), 0, 0, p), 0)
	var stx abi.Statx
	stx.UnmarshalFrom(b)
	if stx.Attributes != abi.STATX_ATTR_MOUNT_ROOT {
		t.Errorf("root attributes %#x", stx.Attributes)
	}
	e.want("statx NULL path empty", e.sys(abi.SYS_STATX, atFDCWD, 0, abi.AT_EMPTY_PATH, 0, p), 0)
}

func TestMemfdAndSync(t *testing.T) {
	e := newEnv(t, "")
	long := string(bytes.Repeat([]byte("a"), 250))
	pipe, pp := e.buf(8)
	e.want("pipe", e.sys(abi.SYS_PIPE2, pp, 0), 0)
	pr := uintptr(binary.LittleEndian.Uint32(pipe))
	e.run([]call{
		{"memfd", abi.SYS_MEMFD_CREATE, []uintptr{e.str("x"), abi.MFD_CLOEXEC}, 2},
		{"memfd long name", abi.SYS_MEMFD_CREATE, []uintptr{e.str(long), 0}, errno(abi.EINVAL)},
		{"memfd 249", abi.SYS_MEMFD_CREATE, []uintptr{e.str(long[:249]), 0}, 3},
		{"memfd flags", abi.SYS_MEMFD_CREATE, []uintptr{e.str("x"), 0x100}, errno(abi.EINVAL)},
		{"memfd exec and noexec", abi.SYS_MEMFD_CREATE, []uintptr{e.str("x"), abi.MFD_EXEC | abi.MFD_NOEXEC_SEAL}, errno(abi.EINVAL)},
		{"memfd NULL", abi.SYS_MEMFD_CREATE, []uintptr{0, 0}, errno(abi.EFAULT)},
		{"memfd write", abi.SYS_WRITE, []uintptr{2, e.str("abc"), 3}, 3},
		{"memfd fsync", abi.SYS_FSYNC, []uintptr{2}, 0},
		{"syncfs", abi.SYS_SYNCFS, []uintptr{2}, 0},
		{"sync", abi.SYS_SYNC, nil, 0},
		{"fsync pipe", abi.SYS_FSYNC, []uintptr{pr}, errno(abi.EINVAL)},
		{"syncfs pipe", abi.SYS_SYNCFS, []uintptr{pr}, 0},
		{"sync_file_range pipe", abi.SYS_SYNC_FILE_RANGE, []uintptr{pr, 0, 0, 0}, errno(abi.ESPIPE)},
		{"sync_file_range flags", abi.SYS_SYNC_FILE_RANGE, []uintptr{2, 0, 0, 8}, errno(abi.EINVAL)},
		{"fsync bad fd", abi.SYS_FSYNC, []uintptr{77}, errno(abi.EBADF)},
	})
	if st := e.stat("/"); st.Nlink < 2 {
		t.Errorf("root %+v", st)
	}
	b, p := e.buf(abi.SizeofStat)
	e.want("fstat memfd", e.sys(abi.SYS_FSTAT, 2, p), 0)
	var st abi.Stat
	st.UnmarshalFrom(b)
	if st.Mode != abi.S_IFREG|0777 || st.Nlink != 0 || st.Size != 3 {
		t.Errorf("memfd stat %+v", st)
	}
}

func TestMountCalls(t *testing.T) {
	e := newEnv(t, "")
	e.sys(abi.SYS_MKDIRAT, atFDCWD, e.str("/m"), 0755)
	e.sys(abi.SYS_MKDIRAT, atFDCWD, e.str("/b"), 0755)
	e.mkfile("/f", "")
	sb, sp := e.buf(abi.SizeofStatfs)
	e.run([]call{
		{"missing target", abi.SYS_MOUNT, []uintptr{e.str("none"), e.str("/nope"), e.str("tmpfs"), 0, 0}, errno(abi.ENOENT)},
		{"unknown type", abi.SYS_MOUNT, []uintptr{e.str("none"), e.str("/m"), e.str("nofs"), 0, 0}, errno(abi.ENODEV)},
		{"no type", abi.SYS_MOUNT, []uintptr{e.str("none"), e.str("/m"), 0, 0, 0}, errno(abi.EINVAL)},
		{"on a file", abi.SYS_MOUNT, []uintptr{e.str("none"), e.str("/f"), e.str("tmpfs"), 0, 0}, errno(abi.ENOTDIR)},
		{"bad option", abi.SYS_MOUNT, []uintptr{e.str("none"), e.str("/m"), e.str("tmpfs"), 0, e.str("size=")}, errno(abi.EINVAL)},
		{"mount", abi.SYS_MOUNT, []uintptr{e.str("none"), e.str("/m"), e.str("tmpfs"), abi.MS_NOSUID, e.str("size=8k,ro")}, 0},
		{"statfs", abi.SYS_STATFS, []uintptr{e.str("/m"), sp}, 0},
		{"write ro", abi.SYS_MKDIRAT, []uintptr{atFDCWD, e.str("/m/x"), 0755}, errno(abi.EROFS)},
		{"remount rw", abi.SYS_MOUNT, []uintptr{0, e.str("/m"), 0, abi.MS_REMOUNT, 0}, 0},
		{"write rw", abi.SYS_MKDIRAT, []uintptr{atFDCWD, e.str("/m/x"), 0755}, 0},
		{"remount not root", abi.SYS_MOUNT, []uintptr{0, e.str("/m/x"), 0, abi.MS_REMOUNT, 0}, errno(abi.EINVAL)},
		{"bind empty source", abi.SYS_MOUNT, []uintptr{e.str(""), e.str("/b"), 0, abi.MS_BIND, 0}, errno(abi.EINVAL)},
		{"bind", abi.SYS_MOUNT, []uintptr{e.str("/m"), e.str("/b"), 0, abi.MS_BIND, 0}, 0},
		{"bind file on dir", abi.SYS_MOUNT, []uintptr{e.str("/f"), e.str("/b"), 0, abi.MS_BIND, 0}, errno(abi.ENOTDIR)},
		{"two propagation flags", abi.SYS_MOUNT, []uintptr{0, e.str("/m"), 0, abi.MS_PRIVATE | abi.MS_SHARED, 0}, errno(abi.EINVAL)},
		{"private", abi.SYS_MOUNT, []uintptr{0, e.str("/m"), 0, abi.MS_PRIVATE, 0}, 0},
		{"rename across mounts", abi.SYS_RENAMEAT, []uintptr{atFDCWD, e.str("/f"), atFDCWD, e.str("/m/f")}, errno(abi.EXDEV)},
		{"rmdir mount point", abi.SYS_UNLINKAT, []uintptr{atFDCWD, e.str("/m"), abi.AT_REMOVEDIR}, errno(abi.EBUSY)},
		{"umount not a mount", abi.SYS_UMOUNT2, []uintptr{e.str("/m/x"), 0}, errno(abi.EINVAL)},
		{"umount bad flags", abi.SYS_UMOUNT2, []uintptr{e.str("/m"), 0x10}, errno(abi.EINVAL)},
		{"umount expire and detach", abi.SYS_UMOUNT2, []uintptr{e.str("/b"), abi.MNT_EXPIRE | abi.MNT_DETACH}, errno(abi.EINVAL)},
		{"umount bind", abi.SYS_UMOUNT2, []uintptr{e.str("/b"), 0}, 0},
		{"chdir in", abi.SYS_CHDIR, []uintptr{e.str("/m/x")}, 0},
		{"umount busy", abi.SYS_UMOUNT2, []uintptr{e.str("/m"), 0}, errno(abi.EBUSY)},
		{"chdir out", abi.SYS_CHDIR, []uintptr{e.str("/")}, 0},
		{"umount", abi.SYS_UMOUNT2, []uintptr{e.str("/m"), 0}, 0},
		{"umount root", abi.SYS_UMOUNT2, []uintptr{e.str("/"), 0}, errno(abi.EBUSY)},
	})
	var st abi.Statfs
	st.UnmarshalFrom(sb)
	if st.Type != abi.TMPFS_MAGIC || st.Blocks != 2 || st.Flags != abi.ST_VALID|abi.ST_RDONLY|abi.ST_NOSUID|abi.ST_RELATIME || st.Namelen != 255 {
		t.Errorf("statfs %+v", st)
	}
	e.as(1000, 1000)
	e.want("user mount", e.sys(abi.SYS_MOUNT, e.str("none"), e.str("/m"), e.str("tmpfs"), 0, 0), errno(abi.EPERM))
	e.want("user mount missing target", e.sys(abi.SYS_MOUNT, e.str("none"), e.str("/nope"), e.str("tmpfs"), 0, 0), errno(abi.ENOENT))
	e.asRoot()
}

func TestCwdCalls(t *testing.T) {
	e := newEnv(t, "")
	e.sys(abi.SYS_MKDIRAT, atFDCWD, e.str("/a"), 0755)
	e.sys(abi.SYS_MKDIRAT, atFDCWD, e.str("/a/b"), 0755)
	b, p := e.buf(64)
	e.run([]call{
		{"chdir", abi.SYS_CHDIR, []uintptr{e.str("/a/b")}, 0},
		{"getcwd", abi.SYS_GETCWD, []uintptr{p, 64}, 5},
		{"getcwd exact", abi.SYS_GETCWD, []uintptr{p, 5}, 5},
		{"getcwd small", abi.SYS_GETCWD, []uintptr{p, 4}, errno(abi.ERANGE)},
		{"chroot", abi.SYS_CHROOT, []uintptr{e.str("/a")}, 0},
		{"getcwd in chroot", abi.SYS_GETCWD, []uintptr{p, 64}, 3},
	})
	if string(b[:3]) != "/b\x00" {
		t.Errorf("getcwd in chroot %q", b[:3])
	}
	e.run([]call{
		{"chdir outside", abi.SYS_CHDIR, []uintptr{e.str("/..")}, 0},
		{"rmdir cwd", abi.SYS_UNLINKAT, []uintptr{atFDCWD, e.str("/b"), abi.AT_REMOVEDIR}, 0},
		{"chdir b", abi.SYS_MKDIRAT, []uintptr{atFDCWD, e.str("/c"), 0755}, 0},
		{"cd c", abi.SYS_CHDIR, []uintptr{e.str("/c")}, 0},
		{"rmdir c", abi.SYS_UNLINKAT, []uintptr{atFDCWD, e.str("/c"), abi.AT_REMOVEDIR}, 0},
		{"getcwd removed", abi.SYS_GETCWD, []uintptr{p, 64}, errno(abi.ENOENT)},
		{"create in removed cwd", abi.SYS_OPENAT, []uintptr{atFDCWD, e.str("x"), abi.O_CREAT | abi.O_WRONLY, 0644}, errno(abi.ENOENT)},
	})
	// A working directory outside the root shows as unreachable.
	g := e.task.Group()
	root, _ := g.FS().RootCwd()
	g.FS().SetCwd(e.k.VFS.Root())
	e.want("getcwd unreachable", e.sys(abi.SYS_GETCWD, p, 64), 15)
	if string(b[:15]) != "(unreachable)/\x00" {
		t.Errorf("getcwd %q", b[:15])
	}
	_ = root
}
