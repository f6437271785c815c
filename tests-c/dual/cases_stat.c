/* newfstatat, fstat, statx, getdents64, statfs, fstatfs. */
#include "dual.h"

/* newfstatat, fstat */

CASE(stat_regular_fields)
{
	struct stat st;

	mkfile("f", "hello");
	EQ(sys_fstatat(AT_FDCWD, "f", &st, 0), 0);
	EQ(st.st_mode, S_IFREG | 0644);
	EQ(st.st_nlink, 1);
	EQ(st.st_uid, 0);
	EQ(st.st_gid, 0);
	EQ(st.st_size, 5);
	EQ(st.st_blocks, 8);
	EQ(st.st_blksize, 4096);
	EQ(st.st_rdev, 0);
}

CASE(stat_fstat_matches_fstatat)
{
	struct stat a, b;

	mkfile("f", "hello");
	EQ(sys_openat(AT_FDCWD, "f", O_RDONLY, 0), 3);
	EQ(sys_fstat(3, &a), 0);
	EQ(sys_fstatat(AT_FDCWD, "f", &b, 0), 0);
	EQ(a.st_ino, b.st_ino);
	EQ(a.st_dev, b.st_dev);
	EQ(a.st_mode, b.st_mode);
	EQ(a.st_size, b.st_size);
	EQ(a.st_mtim.tv_sec, b.st_mtim.tv_sec);
	EQ(a.st_mtim.tv_nsec, b.st_mtim.tv_nsec);
}

CASE(stat_directory_nlink)
{
	mkdir_p("d");
	EQ(stat_of("d").st_nlink, 2);
	EQ(stat_of("d").st_mode, S_IFDIR | 0755);
	mkdir_p("d/a");
	mkdir_p("d/b");
	mkfile("d/f", "");
	EQ(stat_of("d").st_nlink, 4);
	OK(sys_unlinkat(AT_FDCWD, "d/a", AT_REMOVEDIR));
	EQ(stat_of("d").st_nlink, 3);
}

CASE(stat_symlink_nofollow)
{
	struct stat st;

	OK(sys_symlinkat("some/target", AT_FDCWD, "l"));
	EQ(sys_fstatat(AT_FDCWD, "l", &st, AT_SYMLINK_NOFOLLOW), 0);
	EQ(st.st_mode, S_IFLNK | 0777);
	EQ(st.st_size, 11);
	EQ(st.st_nlink, 1);
}

CASE(stat_symlink_follow)
{
	struct stat st;

	mkfile_mode("f", "abc", 0600);
	OK(sys_symlinkat("f", AT_FDCWD, "l"));
	EQ(sys_fstatat(AT_FDCWD, "l", &st, 0), 0);
	EQ(st.st_mode, S_IFREG | 0600);
	EQ(st.st_size, 3);
	EQ(st.st_ino, stat_of("f").st_ino);
}

CASE(stat_dangling_symlink_enoent)
{
	struct stat st;

	OK(sys_symlinkat("missing", AT_FDCWD, "l"));
	ERR(sys_fstatat(AT_FDCWD, "l", &st, 0), -ENOENT);
	EQ(sys_fstatat(AT_FDCWD, "l", &st, AT_SYMLINK_NOFOLLOW), 0);
}

CASE(stat_enoent)
{
	struct stat st;

	ERR(sys_fstatat(AT_FDCWD, "missing", &st, 0), -ENOENT);
	ERR(sys_fstatat(AT_FDCWD, "missing/x", &st, 0), -ENOENT);
}

CASE(stat_enotdir)
{
	struct stat st;

	mkfile("f", "");
	ERR(sys_fstatat(AT_FDCWD, "f/x", &st, 0), -ENOTDIR);
	ERR(sys_fstatat(AT_FDCWD, "f/", &st, 0), -ENOTDIR);
}

CASE(stat_trailing_slash_dir)
{
	struct stat st;

	mkdir_p("d");
	EQ(sys_fstatat(AT_FDCWD, "d/", &st, 0), 0);
	EQ(st.st_mode, S_IFDIR | 0755);
	EQ(sys_fstatat(AT_FDCWD, "d//.", &st, 0), 0);
}

CASE(stat_trailing_slash_follows_symlink)
{
	struct stat st;

	mkdir_p("d");
	OK(sys_symlinkat("d", AT_FDCWD, "l"));
	EQ(sys_fstatat(AT_FDCWD, "l/", &st, AT_SYMLINK_NOFOLLOW), 0);
	EQ(st.st_mode, S_IFDIR | 0755);
}

CASE(stat_efault_path)
{
	struct stat st;

	ERR(sys_fstatat(AT_FDCWD, NULL, &st, 0), -EFAULT);
	ERR(sys_fstatat(AT_FDCWD, BADPTR, &st, 0), -EFAULT);
}

CASE(stat_efault_buf)
{
	mkfile("f", "");
	ERR(sys_fstatat(AT_FDCWD, "f", BADPTR, 0), -EFAULT);
	ERR(sys_fstatat(AT_FDCWD, "f", NULL, 0), -EFAULT);
	EQ(sys_openat(AT_FDCWD, "f", O_RDONLY, 0), 3);
	ERR(sys_fstat(3, BADPTR), -EFAULT);
}

CASE(stat_empty_path)
{
	struct stat st;

	mkfile("f", "abcd");
	EQ(sys_openat(AT_FDCWD, "f", O_RDONLY, 0), 3);
	ERR(sys_fstatat(3, "", &st, 0), -ENOENT);
	EQ(sys_fstatat(3, "", &st, AT_EMPTY_PATH), 0);
	EQ(st.st_size, 4);
}

CASE(stat_empty_path_cwd)
{
	struct stat st, d;

	EQ(sys_fstatat(AT_FDCWD, "", &st, AT_EMPTY_PATH), 0);
	EQ(sys_fstatat(AT_FDCWD, dual_scratch, &d, 0), 0);
	EQ(st.st_ino, d.st_ino);
	EQ(st.st_mode, S_IFDIR | 0755);
}

CASE(stat_bad_flags)
{
	struct stat st;

	mkfile("f", "");
	ERR(sys_fstatat(AT_FDCWD, "f", &st, 0x1), -EINVAL);
	ERR(sys_fstatat(AT_FDCWD, "f", &st, AT_REMOVEDIR), -EINVAL);
}

CASE(stat_ebadf)
{
	struct stat st;

	ERR(sys_fstatat(99, "f", &st, 0), -EBADF);
	ERR(sys_fstat(99, &st), -EBADF);
	ERR(sys_fstat(-1, &st), -EBADF);
}

CASE(stat_dirfd_not_dir)
{
	struct stat st;

	mkfile("f", "");
	EQ(sys_openat(AT_FDCWD, "f", O_RDONLY, 0), 3);
	ERR(sys_fstatat(3, "x", &st, 0), -ENOTDIR);
}

CASE(stat_hardlinks_share_inode)
{
	mkfile("f", "x");
	OK(sys_linkat(AT_FDCWD, "f", AT_FDCWD, "g", 0));
	EQ(stat_of("f").st_nlink, 2);
	EQ(stat_of("f").st_ino, stat_of("g").st_ino);
	mkfile("h", "x");
	CHECK(stat_of("h").st_ino != stat_of("f").st_ino);
	EQ(stat_of("h").st_dev, stat_of("f").st_dev);
}

CASE(stat_fifo)
{
	OK(sys_mknodat(AT_FDCWD, "p", S_IFIFO | 0640, 0));
	struct stat st = stat_of("p");
	EQ(st.st_mode, S_IFIFO | 0640);
	EQ(st.st_size, 0);
	EQ(st.st_rdev, 0);
}

CASE(stat_char_device_rdev)
{
	OK(sys_mknodat(AT_FDCWD, "c", S_IFCHR | 0600, makedev(1, 3)));
	struct stat st = stat_of("c");
	EQ(st.st_mode, S_IFCHR | 0600);
	EQ(st.st_rdev, makedev(1, 3));
	EQ(major(st.st_rdev), 1);
	EQ(minor(st.st_rdev), 3);
}

CASE(stat_eacces_search)
{
	struct stat st;

	mkdir_p("d");
	mkfile("d/f", "");
	OK(sys_fchmodat(AT_FDCWD, "d", 0600));
	dual_become(1000, 1000);
	ERR(sys_fstatat(AT_FDCWD, "d/f", &st, 0), -EACCES);
	EQ(sys_fstatat(AT_FDCWD, "d", &st, 0), 0);
	dual_unbecome();
}

CASE(stat_o_path_fd)
{
	struct stat st;

	mkdir_p("d");
	EQ(sys_openat(AT_FDCWD, "d", O_PATH, 0), 3);
	EQ(sys_fstat(3, &st), 0);
	EQ(st.st_mode, S_IFDIR | 0755);
}

CASE(stat_mtime_ctime_change_on_write)
{
	struct timespec ts[2] = {{100, 0}, {200, 0}};

	mkfile("f", "");
	OK(sys_utimensat(AT_FDCWD, "f", ts, 0));
	EQ(stat_of("f").st_mtim.tv_sec, 200);
	EQ(stat_of("f").st_atim.tv_sec, 100);
	EQ(sys_openat(AT_FDCWD, "f", O_WRONLY, 0), 3);
	EQ(sys_write(3, "x", 1), 1);
	CHECK(stat_of("f").st_mtim.tv_sec > 200);
	EQ(stat_of("f").st_atim.tv_sec, 100);
}

CASE(stat_dir_mtime_changes_on_create)
{
	struct timespec ts[2] = {{100, 0}, {200, 0}};

	mkdir_p("d");
	OK(sys_utimensat(AT_FDCWD, "d", ts, 0));
	mkfile("d/f", "");
	CHECK(stat_of("d").st_mtim.tv_sec > 200);
	EQ(stat_of("d").st_atim.tv_sec, 100);
}

/* statx */

CASE(statx_basic)
{
	struct statx stx;
	struct stat st;

	mkfile_mode("f", "hello", 0640);
	memset(&stx, 0xff, sizeof(stx));
	EQ(sys_statx(AT_FDCWD, "f", 0, STATX_BASIC_STATS, &stx), 0);
	EQ(stx.stx_mask & STATX_BASIC_STATS, STATX_BASIC_STATS);
	EQ(stx.stx_mode, S_IFREG | 0640);
	EQ(stx.stx_nlink, 1);
	EQ(stx.stx_uid, 0);
	EQ(stx.stx_gid, 0);
	EQ(stx.stx_size, 5);
	EQ(stx.stx_blocks, 8);
	EQ(stx.stx_blksize, 4096);
	EQ(sys_fstatat(AT_FDCWD, "f", &st, 0), 0);
	EQ(stx.stx_ino, st.st_ino);
	EQ(makedev(stx.stx_dev_major, stx.stx_dev_minor), st.st_dev);
	EQ(stx.stx_mtime.tv_sec, st.st_mtim.tv_sec);
	EQ(stx.stx_mtime.tv_nsec, st.st_mtim.tv_nsec);
	EQ(stx.stx_rdev_major, 0);
	EQ(stx.stx_rdev_minor, 0);
}

CASE(statx_symlink_nofollow)
{
	struct statx stx;

	OK(sys_symlinkat("abc", AT_FDCWD, "l"));
	EQ(sys_statx(AT_FDCWD, "l", AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &stx), 0);
	EQ(stx.stx_mode, S_IFLNK | 0777);
	EQ(stx.stx_size, 3);
	ERR(sys_statx(AT_FDCWD, "l", 0, STATX_BASIC_STATS, &stx), -ENOENT);
}

CASE(statx_empty_path)
{
	struct statx stx;

	mkdir_p("d");
	EQ(sys_openat(AT_FDCWD, "d", O_RDONLY, 0), 3);
	EQ(sys_statx(3, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &stx), 0);
	EQ(stx.stx_mode, S_IFDIR | 0755);
	EQ(stx.stx_nlink, 2);
	ERR(sys_statx(3, "", 0, STATX_BASIC_STATS, &stx), -ENOENT);
}

CASE(statx_bad_flags)
{
	struct statx stx;

	mkfile("f", "");
	ERR(sys_statx(AT_FDCWD, "f", 0x1, STATX_BASIC_STATS, &stx), -EINVAL);
}

CASE(statx_reserved_mask)
{
	struct statx stx;

	mkfile("f", "");
	ERR(sys_statx(AT_FDCWD, "f", 0, STATX__RESERVED, &stx), -EINVAL);
}

CASE(statx_both_sync_flags)
{
	struct statx stx;

	mkfile("f", "");
	ERR(sys_statx(AT_FDCWD, "f", AT_STATX_FORCE_SYNC | AT_STATX_DONT_SYNC, STATX_BASIC_STATS, &stx), -EINVAL);
	EQ(sys_statx(AT_FDCWD, "f", AT_STATX_FORCE_SYNC, STATX_BASIC_STATS, &stx), 0);
	EQ(sys_statx(AT_FDCWD, "f", AT_STATX_DONT_SYNC, STATX_BASIC_STATS, &stx), 0);
}

CASE(statx_efault)
{
	mkfile("f", "");
	ERR(sys_statx(AT_FDCWD, "f", 0, STATX_BASIC_STATS, BADPTR), -EFAULT);
	ERR(sys_statx(AT_FDCWD, BADPTR, 0, STATX_BASIC_STATS, BADPTR), -EFAULT);
}

CASE(statx_enoent)
{
	struct statx stx;

	ERR(sys_statx(AT_FDCWD, "missing", 0, STATX_BASIC_STATS, &stx), -ENOENT);
}

CASE(statx_enotdir)
{
	struct statx stx;

	mkfile("f", "");
	ERR(sys_statx(AT_FDCWD, "f/x", 0, STATX_BASIC_STATS, &stx), -ENOTDIR);
}

CASE(statx_char_rdev)
{
	struct statx stx;

	OK(sys_mknodat(AT_FDCWD, "c", S_IFCHR | 0644, makedev(4, 70)));
	EQ(sys_statx(AT_FDCWD, "c", 0, STATX_BASIC_STATS, &stx), 0);
	EQ(stx.stx_mode, S_IFCHR | 0644);
	EQ(stx.stx_rdev_major, 4);
	EQ(stx.stx_rdev_minor, 70);
}

CASE(statx_btime)
{
	struct statx stx;

	mkfile("f", "");
	EQ(sys_statx(AT_FDCWD, "f", 0, STATX_BTIME, &stx), 0);
	EQ(stx.stx_mask & STATX_BTIME, STATX_BTIME);
	CHECK(stx.stx_btime.tv_sec > 0);
}

CASE(statx_ebadf)
{
	struct statx stx;

	ERR(sys_statx(99, "f", 0, STATX_BASIC_STATS, &stx), -EBADF);
	ERR(sys_statx(99, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &stx), -EBADF);
}

/* getdents64 */

/* Reads a directory fully; returns the entries as "name:type" sorted, joined by ','. */
static int listing(int fd, char *out, size_t size, size_t bufsize)
{
	static char buf[65536];
	static char items[512][300];
	char *ptrs[512];
	int n = 0;
	long got;

	while ((got = OK(sys_getdents64(fd, buf, bufsize))) > 0) {
		for (long off = 0; off < got;) {
			struct dirent64_k *d = (struct dirent64_k *)(buf + off);

			if (n < 512) {
				snprintf(items[n], sizeof(items[n]), "%s:%d", d->d_name, d->d_type);
				ptrs[n] = items[n];
				n++;
			}
			off += d->d_reclen;
		}
	}
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && strcmp(ptrs[j - 1], ptrs[j]) > 0; j--) {
			char *t = ptrs[j];

			ptrs[j] = ptrs[j - 1];
			ptrs[j - 1] = t;
		}
	out[0] = 0;
	for (int i = 0; i < n; i++) {
		size_t len = strlen(out);

		snprintf(out + len, size - len, "%s%s", i ? "," : "", ptrs[i]);
	}
	return n;
}

CASE(getdents_empty_dir)
{
	char out[256];

	mkdir_p("d");
	EQ(sys_openat(AT_FDCWD, "d", O_RDONLY | O_DIRECTORY, 0), 3);
	EQ(listing(3, out, sizeof(out), 4096), 2);
	EQ_STR(out, "..:4,.:4");
}

CASE(getdents_types)
{
	char out[512];

	mkdir_p("d");
	mkfile("d/file", "");
	mkdir_p("d/dir");
	OK(sys_symlinkat("x", AT_FDCWD, "d/link"));
	OK(sys_mknodat(AT_FDCWD, "d/fifo", S_IFIFO | 0644, 0));
	OK(sys_mknodat(AT_FDCWD, "d/chr", S_IFCHR | 0644, makedev(1, 3)));
	OK(sys_mknodat(AT_FDCWD, "d/blk", S_IFBLK | 0644, makedev(7, 0)));
	EQ(sys_openat(AT_FDCWD, "d", O_RDONLY | O_DIRECTORY, 0), 3);
	EQ(listing(3, out, sizeof(out), 4096), 8);
	EQ_STR(out, "..:4,.:4,blk:6,chr:2,dir:4,fifo:1,file:8,link:10");
}

CASE(getdents_small_buffer_einval)
{
	char buf[16];

	mkdir_p("d");
	EQ(sys_openat(AT_FDCWD, "d", O_RDONLY | O_DIRECTORY, 0), 3);
	ERR(sys_getdents64(3, buf, sizeof(buf)), -EINVAL);
	ERR(sys_getdents64(3, buf, 0), -EINVAL);
}

CASE(getdents_ebadf)
{
	char buf[256];

	ERR(sys_getdents64(99, buf, sizeof(buf)), -EBADF);
}

CASE(getdents_on_file_enotdir)
{
	char buf[256];

	mkfile("f", "");
	EQ(sys_openat(AT_FDCWD, "f", O_RDONLY, 0), 3);
	ERR(sys_getdents64(3, buf, sizeof(buf)), -ENOTDIR);
}

CASE(getdents_efault)
{
	mkdir_p("d");
	EQ(sys_openat(AT_FDCWD, "d", O_RDONLY | O_DIRECTORY, 0), 3);
	ERR(sys_getdents64(3, BADPTR, 4096), -EFAULT);
}

CASE(getdents_many_small_buffer)
{
	char name[32], out[8192], want[8192] = "";
	char *names[100];
	static char store[100][8];

	mkdir_p("d");
	for (int i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "d/n%03d", i);
		mkfile(name, "");
		snprintf(store[i], sizeof(store[i]), "n%03d", i);
		names[i] = store[i];
	}
	(void)names;
	EQ(sys_openat(AT_FDCWD, "d", O_RDONLY | O_DIRECTORY, 0), 3);
	EQ(listing(3, out, sizeof(out), 64), 102);
	snprintf(want, sizeof(want), "..:4,.:4");
	for (int i = 0; i < 100; i++) {
		size_t len = strlen(want);

		snprintf(want + len, sizeof(want) - len, ",n%03d:8", i);
	}
	EQ_STR(out, want);
}

CASE(getdents_record_layout)
{
	char buf[4096];
	long n;

	mkdir_p("d");
	mkfile("d/abcdefgh", "");
	EQ(sys_openat(AT_FDCWD, "d", O_RDONLY | O_DIRECTORY, 0), 3);
	n = sys_getdents64(3, buf, sizeof(buf));
	EQ(n, 24 + 24 + 32);
	for (long off = 0; off < n;) {
		struct dirent64_k *d = (struct dirent64_k *)(buf + off);

		EQ(d->d_reclen % 8, 0);
		EQ(d->d_reclen, (19 + strlen(d->d_name) + 1 + 7) / 8 * 8);
		if (!strcmp(d->d_name, "abcdefgh"))
			EQ(d->d_ino, stat_of("d/abcdefgh").st_ino);
		if (!strcmp(d->d_name, "."))
			EQ(d->d_ino, stat_of("d").st_ino);
		off += d->d_reclen;
	}
	EQ(sys_getdents64(3, buf, sizeof(buf)), 0);
}

CASE(getdents_rewind)
{
	char a[256], b[256];

	mkdir_p("d");
	mkfile("d/x", "");
	mkfile("d/y", "");
	EQ(sys_openat(AT_FDCWD, "d", O_RDONLY | O_DIRECTORY, 0), 3);
	EQ(listing(3, a, sizeof(a), 4096), 4);
	EQ(sys_lseek(3, 0, SEEK_SET), 0);
	EQ(listing(3, b, sizeof(b), 4096), 4);
	EQ_STR(b, a);
}

CASE(getdents_after_unlink)
{
	char out[256];

	mkdir_p("d");
	mkfile("d/x", "");
	mkfile("d/y", "");
	OK(sys_unlinkat(AT_FDCWD, "d/x", 0));
	EQ(sys_openat(AT_FDCWD, "d", O_RDONLY | O_DIRECTORY, 0), 3);
	EQ(listing(3, out, sizeof(out), 4096), 3);
	EQ_STR(out, "..:4,.:4,y:8");
}

CASE(getdents_removed_dir_enoent)
{
	char buf[256];

	mkdir_p("d");
	EQ(sys_openat(AT_FDCWD, "d", O_RDONLY | O_DIRECTORY, 0), 3);
	OK(sys_unlinkat(AT_FDCWD, "d", AT_REMOVEDIR));
	ERR(sys_getdents64(3, buf, sizeof(buf)), -ENOENT);
}

CASE(getdents_o_path_ebadf)
{
	char buf[256];

	mkdir_p("d");
	EQ(sys_openat(AT_FDCWD, "d", O_PATH, 0), 3);
	ERR(sys_getdents64(3, buf, sizeof(buf)), -EBADF);
}

/* statfs, fstatfs (the scratch directory is on tmpfs in both builds) */

CASE(statfs_tmpfs)
{
	struct statfs s;

	EQ(sys_statfs(".", &s), 0);
	EQ(s.f_type, TMPFS_MAGIC);
	EQ(s.f_bsize, 4096);
	EQ(s.f_frsize, 4096);
	EQ(s.f_namelen, 255);
	EQ(s.f_flags & (ST_RDONLY | 0x20 /* ST_VALID */), 0x20);
}

CASE(fstatfs_matches_statfs)
{
	struct statfs a, b;

	mkfile("f", "");
	EQ(sys_openat(AT_FDCWD, "f", O_RDONLY, 0), 3);
	EQ(sys_fstatfs(3, &a), 0);
	EQ(sys_statfs("f", &b), 0);
	EQ(a.f_type, b.f_type);
	EQ(a.f_bsize, b.f_bsize);
	EQ(a.f_blocks, b.f_blocks);
	EQ(a.f_files, b.f_files);
	EQ(a.f_namelen, b.f_namelen);
}

CASE(fstatfs_o_path)
{
	struct statfs s;

	EQ(sys_openat(AT_FDCWD, ".", O_PATH, 0), 3);
	EQ(sys_fstatfs(3, &s), 0);
	EQ(s.f_type, TMPFS_MAGIC);
}

CASE(fstatfs_pipe)
{
	struct statfs s;
	int p[2];

	OK(sys_pipe2(p, 0));
	EQ(sys_fstatfs(p[0], &s), 0);
	EQ(s.f_type, 0x50495045);
}

CASE(statfs_enoent)
{
	struct statfs s;

	ERR(sys_statfs("missing", &s), -ENOENT);
}

CASE(statfs_enotdir)
{
	struct statfs s;

	mkfile("f", "");
	ERR(sys_statfs("f/x", &s), -ENOTDIR);
}

CASE(statfs_efault)
{
	struct statfs s;

	ERR(sys_statfs(BADPTR, &s), -EFAULT);
	ERR(sys_statfs(".", BADPTR), -EFAULT);
}

CASE(fstatfs_ebadf)
{
	struct statfs s;

	ERR(sys_fstatfs(99, &s), -EBADF);
}
