/* openat, close, close_range. */
#include "dual.h"

static long fdflags(int fd) { return sys_fcntl(fd, F_GETFD, 0); }
static long flflags(int fd) { return sys_fcntl(fd, F_GETFL, 0); }

/* A name of n characters 'a'..., in a static buffer. */
static const char *longname(int n)
{
	static char buf[PATH_MAX + 16];

	memset(buf, 'a', n);
	buf[n] = 0;
	return buf;
}

CASE(openat_lowest_fd)
{
	EQ(sys_openat(AT_FDCWD, "f", O_CREAT | O_RDWR, 0644), 3);
	EQ(sys_openat(AT_FDCWD, "f", O_RDONLY, 0), 4);
	EQ(sys_openat(AT_FDCWD, "f", O_RDONLY, 0), 5);
	EQ(sys_close(4), 0);
	EQ(sys_openat(AT_FDCWD, "f", O_RDONLY, 0), 4);
	EQ(sys_openat(AT_FDCWD, "f", O_RDONLY, 0), 6);
}

CASE(openat_creat_mode_umask)
{
	EQ(sys_openat(AT_FDCWD, "f", O_CREAT | O_WRONLY, 0777), 3);
	EQ(mode_of("f"), S_IFREG | 0755);
	struct stat st = stat_of("f");
	EQ(st.st_size, 0);
	EQ(st.st_nlink, 1);
	EQ(st.st_uid, 0);
	EQ(st.st_gid, 0);
	EQ(st.st_blocks, 0);
}

CASE(openat_creat_umask_zero)
{
	EQ(sys_umask(0), 022);
	EQ(sys_umask(0), 0);
	EQ(sys_openat(AT_FDCWD, "f", O_CREAT | O_WRONLY, 0666), 3);
	EQ(mode_of("f"), S_IFREG | 0666);
}

CASE(openat_creat_umask_077)
{
	EQ(sys_umask(077), 022);
	EQ(sys_openat(AT_FDCWD, "f", O_CREAT | O_WRONLY, 0666), 3);
	EQ(mode_of("f"), S_IFREG | 0600);
}

CASE(openat_creat_existing_keeps_mode)
{
	mkfile_mode("f", "abc", 0600);
	EQ(sys_openat(AT_FDCWD, "f", O_CREAT | O_WRONLY, 0777), 3);
	EQ(mode_of("f"), S_IFREG | 0600);
	EQ(size_of("f"), 3);
}

CASE(openat_creat_excl_exists)
{
	mkfile("f", "");
	ERR(sys_openat(AT_FDCWD, "f", O_CREAT | O_EXCL | O_WRONLY, 0644), -EEXIST);
}

CASE(openat_creat_excl_dir_exists)
{
	mkdir_p("d");
	ERR(sys_openat(AT_FDCWD, "d", O_CREAT | O_EXCL | O_RDONLY, 0644), -EEXIST);
}

CASE(openat_creat_excl_dangling_symlink)
{
	OK(sys_symlinkat("target", AT_FDCWD, "link"));
	ERR(sys_openat(AT_FDCWD, "link", O_CREAT | O_EXCL | O_WRONLY, 0644), -EEXIST);
	EQ(exists("target"), 0);
}

CASE(openat_creat_through_dangling_symlink)
{
	OK(sys_symlinkat("target", AT_FDCWD, "link"));
	EQ(sys_openat(AT_FDCWD, "link", O_CREAT | O_WRONLY, 0600), 3);
	EQ(mode_of("target"), S_IFREG | 0600);
	EQ(mode_of("link"), S_IFLNK | 0777);
}

CASE(openat_enoent)
{
	ERR(sys_openat(AT_FDCWD, "missing", O_RDONLY, 0), -ENOENT);
}

CASE(openat_creat_missing_parent)
{
	ERR(sys_openat(AT_FDCWD, "nodir/f", O_CREAT | O_WRONLY, 0644), -ENOENT);
}

CASE(openat_file_as_component)
{
	mkfile("f", "");
	ERR(sys_openat(AT_FDCWD, "f/x", O_RDONLY, 0), -ENOTDIR);
	ERR(sys_openat(AT_FDCWD, "f/x", O_CREAT | O_WRONLY, 0644), -ENOTDIR);
}

CASE(openat_trailing_slash_on_file)
{
	mkfile("f", "");
	ERR(sys_openat(AT_FDCWD, "f/", O_RDONLY, 0), -ENOTDIR);
}

CASE(openat_trailing_slash_creat)
{
	ERR(sys_openat(AT_FDCWD, "new/", O_CREAT | O_WRONLY, 0644), -EISDIR);
	EQ(exists("new"), 0);
}

CASE(openat_o_directory_on_file)
{
	mkfile("f", "");
	ERR(sys_openat(AT_FDCWD, "f", O_RDONLY | O_DIRECTORY, 0), -ENOTDIR);
}

CASE(openat_o_directory_on_dir)
{
	mkdir_p("d");
	EQ(sys_openat(AT_FDCWD, "d", O_RDONLY | O_DIRECTORY, 0), 3);
	EQ(fstat_of(3).st_mode, S_IFDIR | 0755);
}

CASE(openat_dir_wronly)
{
	mkdir_p("d");
	ERR(sys_openat(AT_FDCWD, "d", O_WRONLY, 0), -EISDIR);
}

CASE(openat_dir_rdwr)
{
	mkdir_p("d");
	ERR(sys_openat(AT_FDCWD, "d", O_RDWR, 0), -EISDIR);
}

CASE(openat_dir_creat)
{
	mkdir_p("d");
	ERR(sys_openat(AT_FDCWD, "d", O_CREAT | O_RDONLY, 0644), -EISDIR);
}

CASE(openat_creat_o_directory)
{
	ERR(sys_openat(AT_FDCWD, "n", O_CREAT | O_DIRECTORY | O_RDONLY, 0644), -EINVAL);
	EQ(exists("n"), 0);
}

CASE(openat_trunc)
{
	mkfile("f", "hello");
	EQ(sys_openat(AT_FDCWD, "f", O_WRONLY | O_TRUNC, 0), 3);
	EQ(size_of("f"), 0);
}

CASE(openat_trunc_rdonly)
{
	mkfile("f", "hello");
	EQ(sys_openat(AT_FDCWD, "f", O_RDONLY | O_TRUNC, 0), 3);
	EQ(size_of("f"), 0);
}

CASE(openat_append_writes_at_end)
{
	mkfile("f", "abc");
	EQ(sys_openat(AT_FDCWD, "f", O_WRONLY | O_APPEND, 0), 3);
	EQ(sys_lseek(3, 0, SEEK_SET), 0);
	EQ(sys_write(3, "de", 2), 2);
	EQ(sys_lseek(3, 0, SEEK_CUR), 5);
	EQ_STR(read_all("f"), "abcde");
}

CASE(openat_nofollow_symlink)
{
	mkfile("f", "");
	OK(sys_symlinkat("f", AT_FDCWD, "l"));
	ERR(sys_openat(AT_FDCWD, "l", O_RDONLY | O_NOFOLLOW, 0), -ELOOP);
}

CASE(openat_nofollow_middle_component_followed)
{
	mkdir_p("d");
	mkfile("d/f", "x");
	OK(sys_symlinkat("d", AT_FDCWD, "l"));
	EQ(sys_openat(AT_FDCWD, "l/f", O_RDONLY | O_NOFOLLOW, 0), 3);
}

CASE(openat_path_nofollow_opens_link)
{
	OK(sys_symlinkat("nowhere", AT_FDCWD, "l"));
	EQ(sys_openat(AT_FDCWD, "l", O_PATH | O_NOFOLLOW, 0), 3);
	EQ(fstat_of(3).st_mode, S_IFLNK | 0777);
	EQ(fstat_of(3).st_size, 7);
}

CASE(openat_symlink_loop)
{
	OK(sys_symlinkat("b", AT_FDCWD, "a"));
	OK(sys_symlinkat("a", AT_FDCWD, "b"));
	ERR(sys_openat(AT_FDCWD, "a", O_RDONLY, 0), -ELOOP);
}

CASE(openat_symlink_self_loop)
{
	OK(sys_symlinkat("s", AT_FDCWD, "s"));
	ERR(sys_openat(AT_FDCWD, "s", O_RDONLY, 0), -ELOOP);
	ERR(sys_openat(AT_FDCWD, "s/x", O_RDONLY, 0), -ELOOP);
}

/* l0 -> l1 -> ... -> lN-1 -> f */
static void chain(int n)
{
	char name[16], target[16];

	mkfile("f", "end");
	for (int i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "l%d", i);
		if (i == n - 1)
			snprintf(target, sizeof(target), "f");
		else
			snprintf(target, sizeof(target), "l%d", i + 1);
		OK(sys_symlinkat(target, AT_FDCWD, name));
	}
}

CASE(openat_symlink_chain_40_ok)
{
	chain(40);
	EQ(sys_openat(AT_FDCWD, "l0", O_RDONLY, 0), 3);
}

CASE(openat_symlink_chain_41_eloop)
{
	chain(41);
	ERR(sys_openat(AT_FDCWD, "l0", O_RDONLY, 0), -ELOOP);
	EQ(sys_openat(AT_FDCWD, "l1", O_RDONLY, 0), 3);
}

CASE(openat_name_255_ok)
{
	EQ(sys_openat(AT_FDCWD, longname(255), O_CREAT | O_WRONLY, 0644), 3);
	EQ(exists(longname(255)), 1);
}

CASE(openat_name_256_enametoolong)
{
	ERR(sys_openat(AT_FDCWD, longname(256), O_CREAT | O_WRONLY, 0644), -ENAMETOOLONG);
	ERR(sys_openat(AT_FDCWD, longname(256), O_RDONLY, 0), -ENAMETOOLONG);
}

CASE(openat_path_4096_enametoolong)
{
	static char path[4200];

	/* "./././..." of 4096 bytes plus NUL does not fit PATH_MAX. */
	for (int i = 0; i < 4096; i += 2)
		memcpy(path + i, "./", 2);
	path[4095] = 'f';
	path[4096] = 0;
	ERR(sys_openat(AT_FDCWD, path, O_RDONLY, 0), -ENAMETOOLONG);
	path[4094] = 0; /* 4094 bytes: fits, resolves to "." */
	EQ(sys_openat(AT_FDCWD, path, O_RDONLY, 0), 3);
}

CASE(openat_efault_null)
{
	ERR(sys_openat(AT_FDCWD, NULL, O_RDONLY, 0), -EFAULT);
}

CASE(openat_efault_unmapped)
{
	ERR(sys_openat(AT_FDCWD, BADPTR, O_RDONLY, 0), -EFAULT);
	ERR(sys_openat(AT_FDCWD, BADPTR, O_CREAT | O_WRONLY, 0644), -EFAULT);
}

CASE(openat_empty_path)
{
	ERR(sys_openat(AT_FDCWD, "", O_RDONLY, 0), -ENOENT);
}

CASE(openat_bad_dirfd)
{
	ERR(sys_openat(99, "f", O_RDONLY, 0), -EBADF);
	ERR(sys_openat(-5, "f", O_RDONLY, 0), -EBADF);
}

CASE(openat_dirfd_is_file)
{
	mkfile("f", "");
	EQ(sys_openat(AT_FDCWD, "f", O_RDONLY, 0), 3);
	ERR(sys_openat(3, "x", O_RDONLY, 0), -ENOTDIR);
}

CASE(openat_absolute_ignores_dirfd)
{
	char path[PATH_MAX];

	mkfile("f", "");
	snprintf(path, sizeof(path), "%s/f", dual_scratch);
	EQ(sys_openat(99, path, O_RDONLY, 0), 3);
}

CASE(openat_relative_to_dirfd)
{
	mkdir_p("d");
	mkfile("d/f", "in d");
	EQ(sys_openat(AT_FDCWD, "d", O_RDONLY | O_DIRECTORY, 0), 3);
	EQ(sys_openat(3, "f", O_RDONLY, 0), 4);
	char buf[8] = {0};
	EQ(sys_read(4, buf, sizeof(buf)), 4);
	EQ_STR(buf, "in d");
	EQ(sys_openat(3, "g", O_CREAT | O_WRONLY, 0600), 5);
	EQ(mode_of("d/g"), S_IFREG | 0600);
}

CASE(openat_dirfd_o_path_dir)
{
	mkdir_p("d");
	mkfile("d/f", "");
	EQ(sys_openat(AT_FDCWD, "d", O_PATH, 0), 3);
	EQ(sys_openat(3, "f", O_RDONLY, 0), 4);
}

CASE(openat_cloexec)
{
	mkfile("f", "");
	EQ(sys_openat(AT_FDCWD, "f", O_RDONLY | O_CLOEXEC, 0), 3);
	EQ(fdflags(3), FD_CLOEXEC);
	EQ(sys_openat(AT_FDCWD, "f", O_RDONLY, 0), 4);
	EQ(fdflags(4), 0);
}

CASE(openat_getfl_status_flags)
{
	mkfile("f", "");
	EQ(sys_openat(AT_FDCWD, "f", O_RDWR | O_APPEND | O_NONBLOCK, 0), 3);
	EQ(flflags(3), O_RDWR | O_APPEND | O_NONBLOCK | KO_LARGEFILE);
}

CASE(openat_getfl_drops_creation_flags)
{
	EQ(sys_openat(AT_FDCWD, "f", O_CREAT | O_EXCL | O_TRUNC | O_WRONLY | O_CLOEXEC | O_NOCTTY, 0644), 3);
	EQ(flflags(3), O_WRONLY | KO_LARGEFILE);
}

CASE(openat_getfl_rdonly)
{
	mkfile("f", "");
	EQ(sys_openat(AT_FDCWD, "f", O_RDONLY, 0), 3);
	EQ(flflags(3), O_RDONLY | KO_LARGEFILE);
}

CASE(openat_path_getfl)
{
	mkfile("f", "");
	EQ(sys_openat(AT_FDCWD, "f", O_PATH, 0), 3);
	EQ(flflags(3), O_PATH);
}

CASE(openat_path_read_write_ebadf)
{
	char c;

	mkfile("f", "x");
	EQ(sys_openat(AT_FDCWD, "f", O_PATH, 0), 3);
	ERR(sys_read(3, &c, 1), -EBADF);
	ERR(sys_write(3, "x", 1), -EBADF);
}

CASE(openat_path_fstat)
{
	mkfile("f", "12345");
	EQ(sys_openat(AT_FDCWD, "f", O_PATH, 0), 3);
	EQ(fstat_of(3).st_size, 5);
	EQ(fstat_of(3).st_mode, S_IFREG | 0644);
}

CASE(openat_path_ignores_permission)
{
	mkfile_mode("f", "", 0);
	dual_become(1000, 1000);
	EQ(sys_openat(AT_FDCWD, "f", O_PATH, 0), 3);
	ERR(sys_openat(AT_FDCWD, "f", O_RDONLY, 0), -EACCES);
	dual_unbecome();
}

CASE(openat_rdonly_write_ebadf)
{
	mkfile("f", "x");
	EQ(sys_openat(AT_FDCWD, "f", O_RDONLY, 0), 3);
	ERR(sys_write(3, "y", 1), -EBADF);
}

CASE(openat_wronly_read_ebadf)
{
	char c;

	mkfile("f", "x");
	EQ(sys_openat(AT_FDCWD, "f", O_WRONLY, 0), 3);
	ERR(sys_read(3, &c, 1), -EBADF);
}

CASE(openat_tmpfile)
{
	char list[256];

	EQ(sys_openat(AT_FDCWD, ".", O_TMPFILE | O_RDWR, 0600), 3);
	struct stat st = fstat_of(3);
	EQ(st.st_nlink, 0);
	EQ(st.st_mode, S_IFREG | 0600);
	EQ(sys_write(3, "tmp", 3), 3);
	EQ(dir_list(".", list, sizeof(list)), 0);
}

CASE(openat_tmpfile_linkat)
{
	EQ(sys_openat(AT_FDCWD, ".", O_TMPFILE | O_WRONLY, 0640), 3);
	EQ(sys_write(3, "abc", 3), 3);
	EQ(sys_linkat(3, "", AT_FDCWD, "named", AT_EMPTY_PATH), 0);
	EQ(fstat_of(3).st_nlink, 1);
	EQ_STR(read_all("named"), "abc");
	EQ(mode_of("named"), S_IFREG | 0640);
}

CASE(openat_tmpfile_rdonly_einval)
{
	ERR(sys_openat(AT_FDCWD, ".", O_TMPFILE | O_RDONLY, 0600), -EINVAL);
}

CASE(openat_tmpfile_on_file_enotdir)
{
	mkfile("f", "");
	ERR(sys_openat(AT_FDCWD, "f", O_TMPFILE | O_RDWR, 0600), -ENOTDIR);
}

CASE(openat_eacces_read)
{
	mkfile_mode("f", "", 0222);
	dual_become(1000, 1000);
	ERR(sys_openat(AT_FDCWD, "f", O_RDONLY, 0), -EACCES);
	EQ(sys_openat(AT_FDCWD, "f", O_WRONLY, 0), 3);
	dual_unbecome();
}

CASE(openat_eacces_write)
{
	mkfile_mode("f", "", 0444);
	dual_become(1000, 1000);
	ERR(sys_openat(AT_FDCWD, "f", O_WRONLY, 0), -EACCES);
	ERR(sys_openat(AT_FDCWD, "f", O_RDWR, 0), -EACCES);
	EQ(sys_openat(AT_FDCWD, "f", O_RDONLY, 0), 3);
	dual_unbecome();
}

CASE(openat_eacces_search)
{
	mkdir_p("d");
	mkfile("d/f", "");
	OK(sys_fchmodat(AT_FDCWD, "d", 0644));
	dual_become(1000, 1000);
	ERR(sys_openat(AT_FDCWD, "d/f", O_RDONLY, 0), -EACCES);
	dual_unbecome();
}

CASE(openat_eacces_creat_in_readonly_dir)
{
	mkdir_p("d");
	dual_become(1000, 1000);
	ERR(sys_openat(AT_FDCWD, "d/f", O_CREAT | O_WRONLY, 0644), -EACCES);
	dual_unbecome();
	EQ(exists("d/f"), 0);
}

CASE(openat_creat_as_user_owner)
{
	mkdir_p("d");
	OK(sys_fchmodat(AT_FDCWD, "d", 0777));
	dual_become(1000, 1001);
	EQ(sys_openat(AT_FDCWD, "d/f", O_CREAT | O_WRONLY, 0644), 3);
	dual_unbecome();
	struct stat st = stat_of("d/f");
	EQ(st.st_uid, 1000);
	EQ(st.st_gid, 1001);
}

CASE(openat_creat_setgid_dir_inherits_gid)
{
	mkdir_p("d");
	OK(sys_fchownat(AT_FDCWD, "d", 0, 55, 0));
	OK(sys_fchmodat(AT_FDCWD, "d", 02777));
	EQ(sys_openat(AT_FDCWD, "d/f", O_CREAT | O_WRONLY, 0644), 3);
	EQ(stat_of("d/f").st_gid, 55);
	OK(sys_mkdirat(AT_FDCWD, "d/sub", 0755));
	EQ(stat_of("d/sub").st_gid, 55);
	EQ(stat_of("d/sub").st_mode, S_IFDIR | 02755);
}

CASE(openat_root_ignores_mode)
{
	mkfile_mode("f", "x", 0);
	EQ(sys_openat(AT_FDCWD, "f", O_RDWR, 0), 3);
}

CASE(openat_fifo_nonblock_writer_enxio)
{
	OK(sys_mknodat(AT_FDCWD, "p", S_IFIFO | 0644, 0));
	ERR(sys_openat(AT_FDCWD, "p", O_WRONLY | O_NONBLOCK, 0), -ENXIO);
}

CASE(openat_fifo_nonblock_reader_then_writer)
{
	OK(sys_mknodat(AT_FDCWD, "p", S_IFIFO | 0644, 0));
	EQ(sys_openat(AT_FDCWD, "p", O_RDONLY | O_NONBLOCK, 0), 3);
	EQ(sys_openat(AT_FDCWD, "p", O_WRONLY | O_NONBLOCK, 0), 4);
	EQ(sys_write(4, "hi", 2), 2);
	char buf[4] = {0};
	EQ(sys_read(3, buf, sizeof(buf)), 2);
	EQ_STR(buf, "hi");
}

CASE(openat_fifo_rdwr)
{
	OK(sys_mknodat(AT_FDCWD, "p", S_IFIFO | 0600, 0));
	EQ(sys_openat(AT_FDCWD, "p", O_RDWR, 0), 3);
	EQ(sys_write(3, "x", 1), 1);
	char c = 0;
	EQ(sys_read(3, &c, 1), 1);
	EQ(c, 'x');
}

CASE(openat_dotdot_of_root)
{
	struct stat a, b;

	EQ(sys_fstatat(AT_FDCWD, "/", &a, 0), 0);
	EQ(sys_fstatat(AT_FDCWD, "/../..", &b, 0), 0);
	EQ(a.st_ino, b.st_ino);
	EQ(a.st_dev, b.st_dev);
}

CASE(openat_dot_and_dotdot)
{
	mkdir_p("d");
	mkfile("f", "top");
	EQ(sys_openat(AT_FDCWD, "d/../f", O_RDONLY, 0), 3);
	EQ(sys_openat(AT_FDCWD, "./d/./../f", O_RDONLY, 0), 4);
}

CASE(openat_dotdot_through_file_enotdir)
{
	mkfile("f", "");
	ERR(sys_openat(AT_FDCWD, "f/..", O_RDONLY, 0), -ENOTDIR);
}

CASE(openat_accmode3)
{
	char c;

	mkfile("f", "x");
	EQ(sys_openat(AT_FDCWD, "f", 3, 0), 3);
	ERR(sys_read(3, &c, 1), -EBADF);
	ERR(sys_write(3, "y", 1), -EBADF);
}

CASE(openat_emfile)
{
	struct rlimit rl = {5, 5};

	mkfile("f", "");
	OK(sys_setrlimit(RLIMIT_NOFILE, &rl));
	EQ(sys_openat(AT_FDCWD, "f", O_RDONLY, 0), 3);
	EQ(sys_openat(AT_FDCWD, "f", O_RDONLY, 0), 4);
	ERR(sys_openat(AT_FDCWD, "f", O_RDONLY, 0), -EMFILE);
	EQ(sys_close(3), 0);
	EQ(sys_openat(AT_FDCWD, "f", O_RDONLY, 0), 3);
}

/* close */

CASE(close_ebadf)
{
	ERR(sys_close(99), -EBADF);
	ERR(sys_close(-1), -EBADF);
	ERR(sys_close(1 << 20), -EBADF);
}

CASE(close_twice)
{
	mkfile("f", "");
	EQ(sys_openat(AT_FDCWD, "f", O_RDONLY, 0), 3);
	EQ(sys_close(3), 0);
	ERR(sys_close(3), -EBADF);
	ERR(sys_fcntl(3, F_GETFD, 0), -EBADF);
}

CASE(close_keeps_other_dup)
{
	char c = 0;

	mkfile("f", "z");
	EQ(sys_openat(AT_FDCWD, "f", O_RDONLY, 0), 3);
	EQ(sys_dup(3), 4);
	EQ(sys_close(3), 0);
	EQ(sys_read(4, &c, 1), 1);
	EQ(c, 'z');
}

/* close_range */

static void open_n(int n)
{
	mkfile("f", "");
	for (int i = 0; i < n; i++)
		EQ(sys_openat(AT_FDCWD, "f", O_RDONLY, 0), 3 + i);
}

CASE(close_range_middle)
{
	open_n(4); /* 3..6 */
	EQ(sys_close_range(4, 5, 0), 0);
	EQ(fdflags(3), 0);
	ERR(fdflags(4), -EBADF);
	ERR(fdflags(5), -EBADF);
	EQ(fdflags(6), 0);
	EQ(sys_openat(AT_FDCWD, "f", O_RDONLY, 0), 4);
}

CASE(close_range_single)
{
	open_n(2);
	EQ(sys_close_range(4, 4, 0), 0);
	EQ(fdflags(3), 0);
	ERR(fdflags(4), -EBADF);
}

CASE(close_range_to_max)
{
	open_n(3);
	EQ(sys_close_range(3, ~0U, 0), 0);
	ERR(fdflags(3), -EBADF);
	ERR(fdflags(5), -EBADF);
	EQ(fdflags(1), 0);
}

CASE(close_range_empty_range)
{
	EQ(sys_close_range(100, 200, 0), 0);
}

CASE(close_range_lo_gt_hi)
{
	open_n(1);
	ERR(sys_close_range(5, 4, 0), -EINVAL);
	EQ(fdflags(3), 0);
}

CASE(close_range_bad_flags)
{
	open_n(1);
	ERR(sys_close_range(3, 3, 1), -EINVAL);
	ERR(sys_close_range(3, 3, 0x80), -EINVAL);
	EQ(fdflags(3), 0);
}

CASE(close_range_cloexec)
{
	open_n(3);
	EQ(sys_close_range(4, 10, CLOSE_RANGE_CLOEXEC), 0);
	EQ(fdflags(3), 0);
	EQ(fdflags(4), FD_CLOEXEC);
	EQ(fdflags(5), FD_CLOEXEC);
}
