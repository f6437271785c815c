/* Extra VFS/tmpfs cases (private to the VFS work; host-verified). */
#include "dual.h"
#include <sys/xattr.h>

static long sys_fchmodat2(int dfd, const char *p, int mode, int flags)
{
#ifdef DUAL_HOST
	return S(452, dfd, p, mode, flags);
#else
	long a[6] = {dfd, (long)p, mode, flags, 0, 0};
	return lkl_syscall(452, a);
#endif
}

static struct timespec T1[2] = {{1, 0}, {1, 0}};

static void settimes1(const char *p) { OK(sys_utimensat(AT_FDCWD, p, T1, AT_SYMLINK_NOFOLLOW)); }

CASE(x_chown_kills_suid_root)
{
	mkfile_mode("f", "", 06755);
	OK(sys_fchownat(AT_FDCWD, "f", -1, -1, 0));
	EQ(mode_of("f"), S_IFREG | 0755);
	OK(sys_fchmodat(AT_FDCWD, "f", 02745));
	OK(sys_fchownat(AT_FDCWD, "f", -1, -1, 0));
	EQ(mode_of("f"), S_IFREG | 02745);
	mkdir_p("d");
	OK(sys_fchmodat(AT_FDCWD, "d", 06755));
	OK(sys_fchownat(AT_FDCWD, "d", -1, -1, 0));
	EQ(mode_of("d"), S_IFDIR | 06755);
}

CASE(x_chown_user_kills_suid)
{
	mkfile_mode("f", "", 04755);
	OK(sys_fchownat(AT_FDCWD, "f", 1000, 1000, 0));
	OK(sys_fchmodat(AT_FDCWD, "f", 04755));
	dual_become(1000, 1000);
	EQ(sys_fchownat(AT_FDCWD, "f", 1000, -1, 0), 0);
	EQ(mode_of("f"), S_IFREG | 0755);
	ERR(sys_fchownat(AT_FDCWD, "f", 1001, -1, 0), -EPERM);
	ERR(sys_fchownat(AT_FDCWD, "f", -1, 4000, 0), -EPERM);
	dual_unbecome();
}

CASE(x_otrunc_empty_updates_mtime)
{
	mkfile("f", "");
	settimes1("f");
	EQ(sys_openat(AT_FDCWD, "f", O_WRONLY | O_TRUNC, 0), 3);
	CHECK(stat_of("f").st_mtime != 1);
	CHECK(stat_of("f").st_ctime != 1);
}

CASE(x_truncate_same_size_keeps_mtime)
{
	/* Same size: times change only if the file holds pages (shmem). */
	mkfile("e", "");
	settimes1("e");
	OK(sys_truncate("e", 0));
	EQ(stat_of("e").st_mtime, 1);
	mkfile("f", "abc");
	settimes1("f");
	OK(sys_truncate("f", 3));
	CHECK(stat_of("f").st_mtime != 1);
	settimes1("e");
	EQ(sys_openat(AT_FDCWD, "e", O_WRONLY, 0), 3);
	OK(sys_ftruncate(3, 0));
	CHECK(stat_of("e").st_mtime != 1);
}

CASE(x_chmod_keeps_mtime)
{
	mkfile("f", "abc");
	settimes1("f");
	OK(sys_fchmodat(AT_FDCWD, "f", 0600));
	EQ(stat_of("f").st_mtime, 1);
	EQ(stat_of("f").st_atime, 1);
	CHECK(stat_of("f").st_ctime != 1);
}

CASE(x_read_relatime)
{
	char c;
	dual_private_mounts();
	mkdir_p("m");
	OK(sys_mount("none", "m", "tmpfs", 0, NULL));
	OK(sys_chdir("m"));
	mkfile("f", "abc");
	struct timespec t[2] = {{1, 0}, {5, 0}};
	OK(sys_utimensat(AT_FDCWD, "f", t, 0));
	EQ(sys_openat(AT_FDCWD, "f", O_RDONLY, 0), 3);
	EQ(sys_read(3, &c, 1), 1);
	CHECK(stat_of("f").st_atime > 5);
	/* atime after mtime and ctime, and recent: no update */
	struct timespec now;
	sys_clock_gettime(CLOCK_REALTIME, &now);
	struct timespec t2[2] = {{now.tv_sec + 100, 0}, {5, 0}};
	OK(sys_utimensat(AT_FDCWD, "f", t2, 0));
	EQ(sys_pread64(3, &c, 1, 0), 1);
	EQ(stat_of("f").st_atime, now.tv_sec + 100);
	OK(sys_close(3));
	OK(sys_chdir(".."));
	OK(sys_umount2("m", 0));
}

CASE(x_setxattr_updates_ctime)
{
	mkfile("f", "");
	settimes1("f");
	struct stat a = stat_of("f");
	struct timespec ts = {0, 2000000};
	sys_nanosleep(&ts, NULL);
	OK(sys_setxattr("f", "user.a", "v", 1, 0));
	struct stat b = stat_of("f");
	CHECK(b.st_ctim.tv_sec != a.st_ctim.tv_sec || b.st_ctim.tv_nsec != a.st_ctim.tv_nsec);
	EQ(b.st_mtime, 1);
}

CASE(x_dir_size_and_nlink)
{
	mkdir_p("d");
	EQ(stat_of("d").st_size, 40);
	mkfile("d/a", "");
	mkdir_p("d/b");
	EQ(stat_of("d").st_size, 80);
	EQ(stat_of("d").st_nlink, 3);
	OK(sys_unlinkat(AT_FDCWD, "d/b", AT_REMOVEDIR));
	EQ(stat_of("d").st_size, 60);
	EQ(stat_of("d").st_nlink, 2);
}

CASE(x_blocks)
{
	char big[300];
	memset(big, 'b', 299);
	big[299] = 0;
	mkfile("f", "x");
	EQ(stat_of("f").st_blocks, 8);
	EQ(sys_openat(AT_FDCWD, "s", O_CREAT | O_WRONLY, 0644), 3);
	EQ(sys_pwrite64(3, "x", 1, 1 << 20), 1);
	EQ(stat_of("s").st_blocks, 8);
	EQ(stat_of("s").st_size, (1 << 20) + 1);
	OK(sys_symlinkat(big, AT_FDCWD, "long"));
	OK(sys_symlinkat("short", AT_FDCWD, "short"));
	EQ(stat_of("long").st_blocks, 8);
	EQ(stat_of("short").st_blocks, 0);
	EQ(stat_of("short").st_size, 5);
}

struct d64 {
	unsigned long ino;
	long off;
	unsigned short reclen;
	unsigned char type;
	char name[];
};

static int list(int fd, int size, char *out, long *offs)
{
	char buf[4096];
	long n = sys_getdents64(fd, buf, size);
	int k = 0;
	out[0] = 0;
	if (n < 0)
		return n;
	for (long o = 0; o < n; k++) {
		struct d64 *d = (void *)(buf + o);
		strcat(out, d->name);
		strcat(out, ",");
		offs[k] = d->off;
		o += d->reclen;
	}
	return k;
}

CASE(x_getdents_order_offsets)
{
	char names[512];
	long offs[16];
	mkdir_p("d");
	mkfile("d/a", "");
	mkfile("d/b", "");
	mkfile("d/c", "");
	EQ(sys_openat(AT_FDCWD, "d", O_RDONLY | O_DIRECTORY, 0), 3);
	EQ(list(3, 4096, names, offs), 5);
	EQ_STR(names, ".,..,c,b,a,");
	EQ(offs[0], 1);
	EQ(offs[1], 5);
	EQ(offs[2], 4);
	EQ(offs[3], 3);
	EQ(offs[4], 2147483647);
	EQ(sys_lseek(3, 0, SEEK_SET), 0);
	EQ(list(3, 72, names, offs), 3);
	EQ(sys_lseek(3, 0, SEEK_CUR), 4);
	OK(sys_unlinkat(AT_FDCWD, "d/b", 0));
	EQ(list(3, 4096, names, offs), 1);
	EQ_STR(names, "a,");
	EQ(sys_lseek(3, 2, SEEK_SET), 2);
	EQ(list(3, 4096, names, offs), 2);
	EQ_STR(names, "c,a,");
	EQ(sys_lseek(3, 1000, SEEK_SET), 1000);
	EQ(list(3, 4096, names, offs), 2);
	EQ_STR(names, "c,a,");
	EQ(sys_lseek(3, 2147483647, SEEK_SET), 2147483647);
	EQ(list(3, 4096, names, offs), 0);
	OK(sys_renameat2(AT_FDCWD, "d/a", AT_FDCWD, "d/z", 0));
	EQ(sys_lseek(3, 0, SEEK_SET), 0);
	EQ(list(3, 4096, names, offs), 4);
	EQ_STR(names, ".,..,z,c,");
	EQ(offs[1], 6);
	ERR(sys_lseek(3, 0, SEEK_END), -EINVAL);
	ERR(sys_lseek(3, -1, SEEK_SET), -EINVAL);
	ERR(sys_lseek(3, 0, SEEK_DATA), -EINVAL);
}

CASE(x_getdents_empty_dir_offsets)
{
	char names[512];
	long offs[16];
	mkdir_p("d");
	EQ(sys_openat(AT_FDCWD, "d", O_RDONLY | O_DIRECTORY, 0), 3);
	EQ(list(3, 4096, names, offs), 2);
	EQ(offs[1], 2147483647);
}

CASE(x_fallocate_modes)
{
	EQ(sys_openat(AT_FDCWD, "f", O_CREAT | O_RDWR, 0644), 3);
	ERR(sys_fallocate(3, FALLOC_FL_ZERO_RANGE, 0, 10), -EOPNOTSUPP);
	ERR(sys_fallocate(3, FALLOC_FL_COLLAPSE_RANGE | FALLOC_FL_KEEP_SIZE, 0, 10), -EOPNOTSUPP);
	ERR(sys_fallocate(3, FALLOC_FL_INSERT_RANGE, 0, 4096), -EOPNOTSUPP);
	ERR(sys_fallocate(3, FALLOC_FL_UNSHARE_RANGE, 0, 4096), -EOPNOTSUPP);
	ERR(sys_fallocate(3, 0x100, 0, 10), -EOPNOTSUPP);
	ERR(sys_fallocate(3, FALLOC_FL_NO_HIDE_STALE, 0, 10), -EOPNOTSUPP);
	EQ(sys_openat(AT_FDCWD, "f", O_RDONLY, 0), 4);
	ERR(sys_fallocate(4, 0x80, 0, 10), -EBADF);
	ERR(sys_fallocate(4, 0, 0, 0), -EINVAL);
	EQ(sys_openat(AT_FDCWD, "/dev/null", O_RDWR, 0), 5);
	ERR(sys_fallocate(5, 0, 0, 10), -ENODEV);
	ERR(sys_fsync(5), -EINVAL);
}

CASE(x_fallocate_times_seek)
{
	EQ(sys_openat(AT_FDCWD, "f", O_CREAT | O_RDWR, 0644), 3);
	settimes1("f");
	EQ(sys_fallocate(3, FALLOC_FL_KEEP_SIZE, 0, 4096), 0);
	CHECK(stat_of("f").st_mtime != 1);
	EQ(stat_of("f").st_size, 0);
	EQ(stat_of("f").st_blocks, 8);
	EQ(sys_fallocate(3, 0, 0, 8192), 0);
	EQ(sys_fallocate(3, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, 4096), 0);
	EQ(stat_of("f").st_blocks, 8);
	/* Fallocated pages are holes until written or fallocated again. */
	ERR(sys_lseek(3, 0, SEEK_DATA), -ENXIO);
	EQ(sys_lseek(3, 4096, SEEK_HOLE), 4096);
	EQ(sys_fallocate(3, 0, 4096, 4096), 0);
	EQ(sys_lseek(3, 0, SEEK_DATA), 4096);
	EQ(sys_lseek(3, 0, SEEK_HOLE), 0);
	EQ(sys_lseek(3, 5000, SEEK_DATA), 5000);
	ERR(sys_lseek(3, 8192, SEEK_DATA), -ENXIO);
	ERR(sys_lseek(3, -1, SEEK_DATA), -ENXIO);
	EQ(sys_lseek(3, 4096, SEEK_HOLE), 8192);
	EQ(sys_fallocate(3, FALLOC_FL_KEEP_SIZE, 8192, 8192), 0);
	EQ(sys_lseek(3, 4096, SEEK_HOLE), 8192);
	EQ(sys_pwrite64(3, "y", 1, 8192), 1);
	EQ(sys_lseek(3, 4096, SEEK_HOLE), 8193);
	EQ(sys_pwrite64(3, "x", 1, 100000), 1);
	EQ(sys_lseek(3, 8192, SEEK_DATA), 8192);
	EQ(sys_lseek(3, 8193, SEEK_DATA), 8193);
	EQ(sys_lseek(3, 12288, SEEK_DATA), 98304);
	EQ(sys_lseek(3, 98304, SEEK_HOLE), 100001);
	ERR(sys_fallocate(3, 0, 0, 1L << 50), -ENOSPC);
	EQ(stat_of("f").st_blocks, 32);
}

CASE(x_xattr_list_order_and_ns)
{
	char buf[256];
	mkfile("f", "");
	OK(sys_setxattr("f", "user.a", "1", 1, 0));
	OK(sys_setxattr("f", "user.b", "1", 1, 0));
	OK(sys_setxattr("f", "user.ab", "1", 1, 0));
	OK(sys_setxattr("f", "user.B", "1", 1, 0));
	OK(sys_setxattr("f", "trusted.t", "1", 1, 0));
	OK(sys_setxattr("f", "security.s", "1", 1, 0));
	EQ(sys_listxattr("f", buf, sizeof(buf)), 50);
	EQ_MEM(buf, "user.b\0user.ab\0user.a\0user.B\0trusted.t\0security.s\0", 50);
	ERR(sys_setxattr("f", "security.", "1", 1, 0), -EINVAL);
	ERR(sys_setxattr("f", "system.foo", "1", 1, 0), -EOPNOTSUPP);
	ERR(sys_getxattr("f", "system.posix_acl_access", buf, 10), -ENODATA);
	EQ(sys_removexattr("f", "system.posix_acl_access"), 0);
	ERR(sys_setxattr("f", "user.zz", "x", 1, XATTR_CREATE | XATTR_REPLACE), -ENODATA);
	EQ(sys_setxattr("f", "user.n", NULL, 0, 0), 0);
	ERR(sys_setxattr("f", "user.n", NULL, 1, 0), -EFAULT);
	OK(sys_fchownat(AT_FDCWD, "f", 1000, 1000, 0));
	dual_become(1001, 1001);
	ERR(sys_setxattr("f", "security.x", "x", 1, 0), -EPERM);
	EQ(sys_getxattr("f", "security.s", buf, 10), 1);
	ERR(sys_removexattr("f", "security.s"), -EPERM);
	ERR(sys_setxattr("f", "trusted.x", "x", 1, 0), -EPERM);
	ERR(sys_getxattr("f", "trusted.t", buf, 10), -ENODATA);
	ERR(sys_setxattr("f", "foo", "x", 1, 0), -EACCES);
	EQ(sys_listxattr("f", buf, sizeof(buf)), 47);
	dual_unbecome();
}

CASE(x_xattr_pipe_and_big_list)
{
	int p[2];
	char buf[100];
	OK(sys_pipe2(p, 0));
	ERR(sys_fsetxattr(p[0], "user.x", "x", 1, 0), -EPERM);
	ERR(sys_fgetxattr(p[0], "user.x", buf, 10), -ENODATA);
	ERR(sys_fgetxattr(p[0], "trusted.x", buf, 10), -EOPNOTSUPP);
	ERR(sys_fremovexattr(p[0], "user.x"), -EPERM);
	EQ(sys_flistxattr(p[0], buf, 10), 0);
	mkdir_p("d");
	for (int i = 0; i < 300; i++) {
		char n[300];
		sprintf(n, "user.%0240d", i);
		OK(sys_setxattr("d", n, "", 0, 0));
	}
	EQ(sys_listxattr("d", NULL, 0), 73800);
	ERR(sys_listxattr("d", buf, 65536), -E2BIG);
	ERR(sys_listxattr("d", buf, 10), -ERANGE);
}

struct statx stx;

CASE(x_statx_masks)
{
	mkfile("f", "");
	EQ(sys_statx(AT_FDCWD, "f", 0, 0, &stx), 0);
	EQ(stx.stx_mask, 0x173f);
	EQ(stx.stx_mtime.tv_sec, 0);
	EQ(stx.stx_attributes_mask, 0x203070);
	EQ(sys_statx(AT_FDCWD, "f", 0, STATX_BASIC_STATS, &stx), 0);
	EQ(stx.stx_mask, 0x17ff);
	EQ(sys_statx(AT_FDCWD, "f", 0, STATX_ALL, &stx), 0);
	EQ(stx.stx_mask, 0x1fff);
	CHECK(stx.stx_btime.tv_sec > 0);
	EQ(sys_statx(AT_FDCWD, "f", 0, 0x4000, &stx), 0);
	EQ(stx.stx_mask, 0x473f);
	EQ(sys_statx(AT_FDCWD, "f", 0, STATX_MTIME, &stx), 0);
	EQ(stx.stx_mask, 0x17ff);
	EQ(sys_statx(AT_FDCWD, "f", AT_STATX_FORCE_SYNC, 0, &stx), 0);
	ERR(sys_statx(AT_FDCWD, "f", 0x10000, 0, &stx), -EINVAL);
	EQ(stx.stx_attributes & STATX_ATTR_MOUNT_ROOT, 0);
}

CASE(x_statx_mount_root)
{
	dual_private_mounts();
	mkdir_p("m");
	OK(sys_mount("none", "m", "tmpfs", 0, NULL));
	EQ(sys_statx(AT_FDCWD, "m", 0, 0, &stx), 0);
	EQ(stx.stx_attributes, STATX_ATTR_MOUNT_ROOT);
	EQ(stx.stx_mode, S_IFDIR | 01777);
	EQ(stx.stx_nlink, 2);
	EQ(stx.stx_size, 40);
	OK(sys_umount2("m", 0));
}

CASE(x_memfd)
{
	char n[300];
	struct stat st;
	memset(n, 'a', 299);
	n[249] = 0;
	EQ(sys_memfd_create(n, 0), 3);
	n[249] = 'a';
	n[250] = 0;
	ERR(sys_memfd_create(n, 0), -EINVAL);
	ERR(sys_memfd_create("x", 0x100), -EINVAL);
	ERR(sys_memfd_create("x", 0x18), -EINVAL);
	ERR(sys_memfd_create(NULL, 0), -EFAULT);
	EQ(sys_memfd_create("a/b", MFD_ALLOW_SEALING | MFD_CLOEXEC), 4);
	OK(sys_fstat(4, &st));
	EQ(st.st_mode, S_IFREG | 0777);
	EQ(st.st_nlink, 0);
	EQ(sys_fcntl(4, F_GETFL, 0), O_RDWR | KO_LARGEFILE);
	EQ(sys_fcntl(4, F_GETFD, 0), FD_CLOEXEC);
	EQ(sys_fcntl(4, F_GET_SEALS, 0), 0);
	EQ(sys_fcntl(3, F_GET_SEALS, 0), F_SEAL_SEAL);
	EQ(sys_write(4, "hello", 5), 5);
	EQ(sys_fcntl(4, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_SHRINK), 0);
	ERR(sys_write(4, "x", 1), -EPERM);
	ERR(sys_ftruncate(4, 1), -EPERM);
	EQ(sys_ftruncate(4, 10), 0);
	EQ(sys_memfd_create("x", 8), 5);
	OK(sys_fstat(5, &st));
	EQ(st.st_mode, S_IFREG | 0666);
	EQ(sys_fcntl(5, F_GET_SEALS, 0), 0x20);
	struct statfs sf;
	OK(sys_fstatfs(5, &sf));
	EQ(sf.f_type, TMPFS_MAGIC);
	mkfile("f", "");
	EQ(sys_openat(AT_FDCWD, "f", O_RDWR, 0), 6);
	EQ(sys_fcntl(6, F_GET_SEALS, 0), F_SEAL_SEAL);
	ERR(sys_fcntl(6, F_ADD_SEALS, F_SEAL_WRITE), -EPERM);
}

CASE(x_utimensat_rules)
{
	struct timespec om[2] = {{0, UTIME_OMIT}, {0, UTIME_OMIT}};
	struct timespec bad[2] = {{0, 1000000000}, {0, UTIME_OMIT}};
	struct timespec nw[2] = {{0, UTIME_NOW}, {0, UTIME_OMIT}};
	struct timespec neg[2] = {{-5, 0}, {-1, 999999999}};
	EQ(sys_utimensat(AT_FDCWD, "missing", om, 0), 0);
	mkfile_mode("f", "", 0666);
	ERR(sys_utimensat(AT_FDCWD, "f", bad, 0), -EINVAL);
	ERR(sys_utimensat(AT_FDCWD, "f", T1, 0x8000), -EINVAL);
	EQ(sys_utimensat(AT_FDCWD, "f", neg, 0), 0);
	EQ(stat_of("f").st_atime, -5);
	EQ(stat_of("f").st_mtim.tv_nsec, 999999999);
	ERR(sys_utimensat(AT_FDCWD, NULL, T1, 0), -EFAULT);
	EQ(sys_openat(AT_FDCWD, "f", O_RDONLY, 0), 3);
	EQ(sys_utimensat(3, NULL, T1, 0), 0);
	ERR(sys_utimensat(3, NULL, T1, AT_SYMLINK_NOFOLLOW), -EINVAL);
	EQ(sys_openat(AT_FDCWD, "f", O_PATH, 0), 4);
	ERR(sys_utimensat(4, NULL, T1, 0), -EBADF);
	EQ(sys_utimensat(4, "", T1, AT_EMPTY_PATH), 0);
	OK(sys_fchownat(AT_FDCWD, "f", 1000, 1000, 0));
	mkdir_p("d");
	dual_become(1001, 1001);
	ERR(sys_utimensat(AT_FDCWD, "f", T1, 0), -EPERM);
	EQ(sys_utimensat(AT_FDCWD, "f", NULL, 0), 0);
	ERR(sys_utimensat(AT_FDCWD, "f", nw, 0), -EPERM);
	ERR(sys_utimensat(AT_FDCWD, "d", NULL, 0), -EACCES);
	dual_unbecome();
}

CASE(x_rename_errors)
{
	mkdir_p("a");
	mkdir_p("a/b");
	mkdir_p("a/b/c");
	mkdir_p("e");
	mkdir_p("ne");
	mkfile("ne/x", "");
	mkfile("f", "");
	OK(sys_linkat(AT_FDCWD, "f", AT_FDCWD, "fl", 0));
	OK(sys_symlinkat("a", AT_FDCWD, "sa"));
	ERR(sys_renameat2(AT_FDCWD, "a/b/c", AT_FDCWD, "a", 0), -ENOTEMPTY);
	ERR(sys_renameat2(AT_FDCWD, "a", AT_FDCWD, "a/b", RENAME_EXCHANGE), -EINVAL);
	ERR(sys_renameat2(AT_FDCWD, "a/b", AT_FDCWD, "a", RENAME_EXCHANGE), -EINVAL);
	ERR(sys_renameat2(AT_FDCWD, "e", AT_FDCWD, ".", RENAME_NOREPLACE), -EEXIST);
	ERR(sys_renameat2(AT_FDCWD, "e", AT_FDCWD, "..", 0), -EBUSY);
	ERR(sys_renameat2(AT_FDCWD, "a/b/..", AT_FDCWD, "y", 0), -EBUSY);
	ERR(sys_renameat2(AT_FDCWD, "sa/", AT_FDCWD, "y", 0), -ENOTDIR);
	ERR(sys_renameat2(AT_FDCWD, "f/", AT_FDCWD, "a", RENAME_EXCHANGE), -ENOTDIR);
	ERR(sys_renameat2(AT_FDCWD, "a", AT_FDCWD, "f/", RENAME_EXCHANGE), -ENOTDIR);
	EQ(sys_renameat2(AT_FDCWD, "f", AT_FDCWD, "f", RENAME_EXCHANGE), 0);
	ERR(sys_renameat2(AT_FDCWD, "f", AT_FDCWD, "f", RENAME_NOREPLACE), -EEXIST);
	EQ(sys_renameat2(AT_FDCWD, "f", AT_FDCWD, "a", RENAME_EXCHANGE), 0);
	EQ(mode_of("f") & S_IFMT, S_IFDIR);
	EQ(stat_of("a").st_nlink, 2);
	EQ(sys_renameat2(AT_FDCWD, "fl", AT_FDCWD, "w", RENAME_WHITEOUT | RENAME_NOREPLACE), 0);
	EQ(mode_of("fl"), S_IFCHR);
	EQ(stat_of("fl").st_rdev, 0);
	ERR(sys_renameat2(AT_FDCWD, "w", AT_FDCWD, "w2", RENAME_WHITEOUT | RENAME_EXCHANGE), -EINVAL);
}

CASE(x_tmpfile_link_user)
{
	mkdir_p("d");
	OK(sys_fchownat(AT_FDCWD, "d", 1000, 1000, 0));
	dual_become(1000, 1000);
	EQ(sys_openat(AT_FDCWD, "d", O_TMPFILE | O_RDWR, 0600), 3);
	EQ(sys_write(3, "x", 1), 1);
	EQ(fstat_of(3).st_nlink, 0);
	EQ(sys_linkat(3, "", AT_FDCWD, "d/named", AT_EMPTY_PATH), 0);
	EQ(stat_of("d/named").st_nlink, 1);
	EQ(stat_of("d/named").st_uid, 1000);
	EQ(sys_openat(AT_FDCWD, "d", O_TMPFILE | O_RDWR | O_EXCL, 0600), 4);
	ERR(sys_linkat(4, "", AT_FDCWD, "d/named2", AT_EMPTY_PATH), -ENOENT);
	dual_unbecome();
	EQ(sys_openat(AT_FDCWD, "d/named", O_RDONLY, 0), 5);
	dual_become(1000, 1000);
	ERR(sys_linkat(5, "", AT_FDCWD, "d/named3", AT_EMPTY_PATH), -ENOENT);
	dual_unbecome();
	ERR(sys_openat(AT_FDCWD, "d", O_TMPFILE | O_CREAT | O_RDWR, 0600), -EINVAL);
	ERR(sys_openat(AT_FDCWD, "d", O_TMPFILE | O_RDONLY, 0600), -EINVAL);
}

CASE(x_fchmodat2)
{
	mkfile("f", "");
	OK(sys_symlinkat("f", AT_FDCWD, "l"));
	ERR(sys_fchmodat2(AT_FDCWD, "l", 0600, AT_SYMLINK_NOFOLLOW), -EOPNOTSUPP);
	EQ(sys_fchmodat2(AT_FDCWD, "f", 0600, AT_SYMLINK_NOFOLLOW), 0);
	ERR(sys_fchmodat2(AT_FDCWD, "f", 0600, 0x8000), -EINVAL);
}

CASE(x_sgid_rules)
{
	mkdir_p("g");
	OK(sys_fchownat(AT_FDCWD, "g", 1000, 2000, 0));
	OK(sys_fchmodat(AT_FDCWD, "g", 02777));
	mkfile_mode("f", "", 0644);
	OK(sys_fchownat(AT_FDCWD, "f", 1000, 2000, 0));
	dual_become(1000, 1000);
	EQ(sys_fchmodat(AT_FDCWD, "f", 02755), 0);
	EQ(mode_of("f"), S_IFREG | 0755);
	EQ(sys_openat(AT_FDCWD, "g/new", O_CREAT | O_WRONLY, 02777), 3);
	EQ(mode_of("g/new"), S_IFREG | 0755);
	EQ(stat_of("g/new").st_gid, 2000);
	OK(sys_mkdirat(AT_FDCWD, "g/sub", 0777));
	EQ(mode_of("g/sub"), S_IFDIR | 02755);
	ERR(sys_mknodat(AT_FDCWD, "g/c", S_IFCHR | 0600, 0x101), -EPERM);
	EQ(sys_mknodat(AT_FDCWD, "g/w", S_IFCHR | 0600, 0), 0);
	dual_unbecome();
}

CASE(x_write_kills_suid)
{
	mkfile_mode("f", "", 06777);
	OK(sys_fchownat(AT_FDCWD, "f", 1000, 1000, 0));
	OK(sys_fchmodat(AT_FDCWD, "f", 06777));
	dual_become(1000, 1000);
	EQ(sys_openat(AT_FDCWD, "f", O_WRONLY, 0), 3);
	EQ(sys_write(3, "x", 1), 1);
	EQ(mode_of("f"), S_IFREG | 0777);
	dual_unbecome();
	OK(sys_fchmodat(AT_FDCWD, "f", 02767));
	dual_become(1000, 1000);
	EQ(sys_write(3, "x", 1), 1);
	EQ(mode_of("f"), S_IFREG | 02767);
	dual_unbecome();
}

CASE(x_mount_more)
{
	struct statfs sf;
	dual_private_mounts();
	mkdir_p("m");
	mkdir_p("m2");
	mkfile("f", "");
	ERR(sys_mount("none", "m", "tmpfs", 0, "size="), -EINVAL);
	ERR(sys_mount("none", "m", "tmpfs", 0, "mode=999"), -EINVAL);
	ERR(sys_mount("none", "m", NULL, 0, NULL), -EINVAL);
	ERR(sys_mount("none", "f", "tmpfs", 0, NULL), -ENOTDIR);
	OK(sys_mount("none", "m", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME, "ro"));
	OK(sys_statfs("m", &sf));
	EQ(sf.f_flags, 0x42f);
	ERR(sys_mkdirat(AT_FDCWD, "m/x", 0755), -EROFS);
	OK(sys_umount2("m", 0));
	OK(sys_mount("none", "m", "tmpfs", MS_STRICTATIME | MS_NODIRATIME, "size=0,nr_inodes=0"));
	OK(sys_statfs("m", &sf));
	EQ(sf.f_flags, 0x820);
	EQ(sf.f_blocks, 0);
	EQ(sf.f_files, 0);
	EQ(sys_openat(AT_FDCWD, "m/file", O_CREAT | O_RDWR, 0644), 3);
	ERR(sys_mount(NULL, "m", NULL, MS_REMOUNT | MS_RDONLY, NULL), -EBUSY);
	ERR(sys_mount(NULL, "m", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL), -EBUSY);
	ERR(sys_mount(NULL, "m", NULL, MS_REMOUNT, "size=2m"), -EINVAL);
	OK(sys_close(3));
	OK(sys_mount(NULL, "m", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL));
	ERR(sys_openat(AT_FDCWD, "m/file", O_RDWR, 0), -EROFS);
	ERR(sys_faccessat(AT_FDCWD, "m/file", W_OK), -EROFS);
	OK(sys_mount(NULL, "m", NULL, MS_REMOUNT | MS_BIND, NULL));
	EQ(sys_openat(AT_FDCWD, "m/file", O_RDWR, 0), 3);
	OK(sys_close(3));
	mkdir_p("m/sub");
	OK(sys_mount("none", "m/sub", "tmpfs", 0, NULL));
	ERR(sys_umount2("m", 0), -EBUSY);
	ERR(sys_umount2("m", MNT_EXPIRE), -EBUSY);
	ERR(sys_umount2("m/sub", MNT_EXPIRE), -EAGAIN);
	EQ(sys_umount2("m/sub", MNT_EXPIRE), 0);
	OK(sys_mount("none", "m/sub", "tmpfs", 0, NULL));
	OK(sys_mount("m", "m2", NULL, MS_BIND, NULL));
	CHECK(stat_of("m/sub").st_dev != stat_of("m2/sub").st_dev);
	OK(sys_umount2("m2", 0));
	OK(sys_mount("m", "m2", NULL, MS_BIND | MS_REC, NULL));
	EQ(stat_of("m/sub").st_dev, stat_of("m2/sub").st_dev);
	ERR(sys_umount2("m2", 0), -EBUSY);
	OK(sys_umount2("m2", MNT_DETACH));
	OK(sys_mount("m/sub", "m2", NULL, MS_MOVE, NULL));
	ERR(sys_mount(NULL, "m", NULL, MS_PRIVATE | MS_SHARED, NULL), -EINVAL);
	OK(sys_mount(NULL, "m2", NULL, MS_PRIVATE, NULL));
	ERR(sys_mount(NULL, "m/sub", NULL, MS_PRIVATE, NULL), -EINVAL);
	ERR(sys_umount2("m", MNT_EXPIRE | MNT_DETACH), -EINVAL);
	OK(sys_umount2("m2", 0));
	OK(sys_umount2("m", 0));
}

CASE(x_mount_limits)
{
	struct statfs sf;
	char buf[16384] = {0};
	char big[300];
	memset(big, 'b', 299);
	big[299] = 0;
	dual_private_mounts();
	mkdir_p("m");
	OK(sys_mount("none", "m", "tmpfs", 0, "size=8k"));
	EQ(sys_openat(AT_FDCWD, "m/a", O_CREAT | O_RDWR, 0644), 3);
	EQ(sys_write(3, buf, 16384), 8192);
	ERR(sys_write(3, buf, 16384), -ENOSPC);
	OK(sys_statfs("m", &sf));
	EQ(sf.f_blocks, 2);
	EQ(sf.f_bfree, 0);
	EQ(sys_mkdirat(AT_FDCWD, "m/d", 0755), 0);
	EQ(sys_symlinkat("x", AT_FDCWD, "m/s"), 0);
	ERR(sys_symlinkat(big, AT_FDCWD, "m/s2"), -ENOSPC);
	OK(sys_close(3));
	OK(sys_umount2("m", 0));
	OK(sys_mount("none", "m", "tmpfs", 0, "nr_inodes=3"));
	EQ(sys_mkdirat(AT_FDCWD, "m/a", 0755), 0);
	EQ(sys_mkdirat(AT_FDCWD, "m/b", 0755), 0);
	ERR(sys_mkdirat(AT_FDCWD, "m/c", 0755), -ENOSPC);
	OK(sys_statfs("m", &sf));
	EQ(sf.f_files, 3);
	EQ(sf.f_ffree, 0);
	OK(sys_umount2("m", 0));
	OK(sys_mount("none", "m", "tmpfs", 0, "size=4097,nr_inodes=1k"));
	OK(sys_statfs("m", &sf));
	EQ(sf.f_blocks, 2);
	EQ(sf.f_files, 1024);
	EQ(sf.f_ffree, 1023);
	EQ(sf.f_bsize, 4096);
	EQ(sf.f_namelen, 255);
	OK(sys_umount2("m", 0));
}

CASE(x_open_directory_nofollow_link)
{
	mkdir_p("d");
	OK(sys_symlinkat("d", AT_FDCWD, "l"));
	ERR(sys_openat(AT_FDCWD, "l", O_RDONLY | O_DIRECTORY | O_NOFOLLOW, 0), -ENOTDIR);
	EQ(sys_openat(AT_FDCWD, "l/", O_RDONLY | O_DIRECTORY | O_NOFOLLOW, 0), 3);
	EQ(sys_openat(AT_FDCWD, "l", O_PATH | O_DIRECTORY | O_NOFOLLOW, 0) < 0, 1);
	ERR(sys_openat(AT_FDCWD, "l", O_RDONLY | O_NOFOLLOW, 0), -ELOOP);
}

CASE(x_walk_dotdot_through_symlink)
{
	char buf[256];
	mkdir_p("a");
	mkdir_p("a/b");
	mkdir_p("c");
	mkfile("a/f", "A");
	mkfile("c/f", "C");
	OK(sys_symlinkat("../a/b", AT_FDCWD, "c/l"));
	EQ(sys_openat(AT_FDCWD, "c/l/../f", O_RDONLY, 0), 3);
	EQ(sys_read(3, buf, 10), 1);
	EQ(buf[0], 'A');
	OK(sys_symlinkat("a/", AT_FDCWD, "sl"));
	EQ(sys_openat(AT_FDCWD, "sl/f", O_RDONLY, 0), 4);
	OK(sys_symlinkat("a/f/", AT_FDCWD, "sf"));
	ERR(sys_openat(AT_FDCWD, "sf", O_RDONLY, 0), -ENOTDIR);
	ERR(sys_openat(AT_FDCWD, "sf", O_RDONLY | O_NOFOLLOW, 0), -ELOOP);
	/* 40 links in the middle of a path are fine, 41 are not. */
	OK(sys_symlinkat("a", AT_FDCWD, "m40"));
	for (int i = 39; i >= 0; i--) {
		char n[16], t[16];
		sprintf(n, "m%d", i);
		sprintf(t, "m%d", i + 1);
		OK(sys_symlinkat(t, AT_FDCWD, n));
	}
	EQ(sys_openat(AT_FDCWD, "m1/f", O_RDONLY, 0), 5);
	ERR(sys_openat(AT_FDCWD, "m0/f", O_RDONLY, 0), -ELOOP);
	ERR(sys_openat(AT_FDCWD, "m0/", O_RDONLY, 0), -ELOOP);
	EQ(sys_readlinkat(AT_FDCWD, "m0", buf, sizeof(buf)), 2);
}

CASE(x_chroot_unreachable_cwd)
{
	char buf[256];
	mkdir_p("r");
	mkdir_p("r/in");
	mkdir_p("out");
	OK(sys_symlinkat("/in", AT_FDCWD, "r/abs"));
	int fd = OK(sys_openat(AT_FDCWD, "/", O_RDONLY | O_DIRECTORY, 0));
	OK(sys_chdir("out"));
	OK(sys_chroot("../r"));
	long n = sys_getcwd(buf, sizeof(buf));
	CHECK(n > 14);
	CHECK(strncmp(buf, "(unreachable)/", 14) == 0);
	CHECK(strcmp(buf + strlen(buf) - 4, "/out") == 0);
	OK(sys_chdir("/abs"));
	EQ(sys_getcwd(buf, sizeof(buf)), 4);
	EQ_STR(buf, "/in");
	OK(sys_chdir("/../../.."));
	EQ(sys_getcwd(buf, sizeof(buf)), 2);
	EQ_STR(buf, "/");
	OK(sys_fchdir(fd));
	OK(sys_chroot("."));
	OK(sys_chdir(dual_scratch));
}

CASE(x_rename_cwd_and_unlinked_open)
{
	char buf[256];
	struct statfs a, b;
	mkdir_p("a");
	mkdir_p("a/b");
	OK(sys_chdir("a/b"));
	OK(sys_renameat2(AT_FDCWD, "../../a", AT_FDCWD, "../../z", 0));
	long n = sys_getcwd(buf, sizeof(buf));
	CHECK(n > 4);
	CHECK(strcmp(buf + strlen(buf) - 4, "/z/b") == 0);
	OK(sys_chdir("../.."));
	dual_private_mounts();
	mkdir_p("m");
	OK(sys_mount("none", "m", "tmpfs", 0, "size=1m"));
	EQ(sys_openat(AT_FDCWD, "m/f", O_CREAT | O_RDWR, 0644), 3);
	static char big[65536];
	EQ(sys_write(3, big, sizeof(big)), 65536);
	OK(sys_unlinkat(AT_FDCWD, "m/f", 0));
	OK(sys_statfs("m", &a));
	EQ(a.f_bfree, 256 - 16);
	EQ(sys_pread64(3, buf, 10, 100), 10);
	EQ(fstat_of(3).st_nlink, 0);
	OK(sys_close(3));
	OK(sys_statfs("m", &b));
	EQ(b.f_bfree, 256);
	OK(sys_umount2("m", 0));
}
