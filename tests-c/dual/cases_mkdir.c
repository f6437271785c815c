/* mkdirat, mknodat, unlinkat. */
#include "dual.h"

static const char *longname(int n)
{
	static char buf[PATH_MAX + 16];

	memset(buf, 'n', n);
	buf[n] = 0;
	return buf;
}

/* A directory the unprivileged ids can write in. */
static void open_dir(const char *path, mode_t mode)
{
	mkdir_p(path);
	OK(sys_fchmodat(AT_FDCWD, path, mode));
}

/* mkdirat */

CASE(mkdirat_basic)
{
	mkdir_p("p");
	EQ(sys_mkdirat(AT_FDCWD, "p/d", 0755), 0);
	struct stat st = stat_of("p/d");
	EQ(st.st_mode, S_IFDIR | 0755);
	EQ(st.st_nlink, 2);
	EQ(st.st_uid, 0);
	EQ(stat_of("p").st_nlink, 3);
}

CASE(mkdirat_umask)
{
	EQ(sys_mkdirat(AT_FDCWD, "d", 0777), 0);
	EQ(mode_of("d"), S_IFDIR | 0755);
	EQ(sys_umask(0), 022);
	EQ(sys_mkdirat(AT_FDCWD, "e", 0777), 0);
	EQ(mode_of("e"), S_IFDIR | 0777);
}

CASE(mkdirat_sticky_kept)
{
	EQ(sys_mkdirat(AT_FDCWD, "d", 01777), 0);
	EQ(mode_of("d"), S_IFDIR | 01755);
}

CASE(mkdirat_exists)
{
	mkdir_p("d");
	mkfile("f", "");
	ERR(sys_mkdirat(AT_FDCWD, "d", 0755), -EEXIST);
	ERR(sys_mkdirat(AT_FDCWD, "f", 0755), -EEXIST);
	ERR(sys_mkdirat(AT_FDCWD, ".", 0755), -EEXIST);
	ERR(sys_mkdirat(AT_FDCWD, "..", 0755), -EEXIST);
}

CASE(mkdirat_dangling_symlink_eexist)
{
	OK(sys_symlinkat("target", AT_FDCWD, "l"));
	ERR(sys_mkdirat(AT_FDCWD, "l", 0755), -EEXIST);
	EQ(exists("target"), 0);
}

CASE(mkdirat_enoent)
{
	ERR(sys_mkdirat(AT_FDCWD, "missing/d", 0755), -ENOENT);
	ERR(sys_mkdirat(AT_FDCWD, "", 0755), -ENOENT);
}

CASE(mkdirat_enotdir)
{
	mkfile("f", "");
	ERR(sys_mkdirat(AT_FDCWD, "f/d", 0755), -ENOTDIR);
}

CASE(mkdirat_enametoolong)
{
	ERR(sys_mkdirat(AT_FDCWD, longname(256), 0755), -ENAMETOOLONG);
	EQ(sys_mkdirat(AT_FDCWD, longname(255), 0755), 0);
}

CASE(mkdirat_efault)
{
	ERR(sys_mkdirat(AT_FDCWD, BADPTR, 0755), -EFAULT);
	ERR(sys_mkdirat(AT_FDCWD, NULL, 0755), -EFAULT);
}

CASE(mkdirat_eacces)
{
	mkdir_p("d");
	dual_become(1000, 1000);
	ERR(sys_mkdirat(AT_FDCWD, "d/x", 0755), -EACCES);
	dual_unbecome();
}

CASE(mkdirat_as_user_owner)
{
	open_dir("d", 0777);
	dual_become(1000, 1002);
	EQ(sys_mkdirat(AT_FDCWD, "d/x", 0700), 0);
	dual_unbecome();
	struct stat st = stat_of("d/x");
	EQ(st.st_uid, 1000);
	EQ(st.st_gid, 1002);
	EQ(st.st_mode, S_IFDIR | 0700);
}

CASE(mkdirat_dirfd)
{
	mkdir_p("d");
	EQ(sys_openat(AT_FDCWD, "d", O_RDONLY | O_DIRECTORY, 0), 3);
	EQ(sys_mkdirat(3, "sub", 0700), 0);
	EQ(mode_of("d/sub"), S_IFDIR | 0700);
	ERR(sys_mkdirat(99, "x", 0700), -EBADF);
}

CASE(mkdirat_trailing_slash)
{
	EQ(sys_mkdirat(AT_FDCWD, "d/", 0755), 0);
	EQ(mode_of("d"), S_IFDIR | 0755);
	EQ(sys_mkdirat(AT_FDCWD, "e//", 0755), 0);
}

CASE(mkdirat_in_removed_dir_enoent)
{
	mkdir_p("d");
	EQ(sys_openat(AT_FDCWD, "d", O_RDONLY | O_DIRECTORY, 0), 3);
	OK(sys_unlinkat(AT_FDCWD, "d", AT_REMOVEDIR));
	ERR(sys_mkdirat(3, "x", 0755), -ENOENT);
	ERR(sys_openat(3, "f", O_CREAT | O_WRONLY, 0644), -ENOENT);
}

/* mknodat */

CASE(mknodat_regular)
{
	EQ(sys_mknodat(AT_FDCWD, "f", S_IFREG | 0640, 0), 0);
	EQ(mode_of("f"), S_IFREG | 0640);
	EQ(size_of("f"), 0);
}

CASE(mknodat_type_zero_is_regular)
{
	EQ(sys_mknodat(AT_FDCWD, "f", 0600, 0), 0);
	EQ(mode_of("f"), S_IFREG | 0600);
}

CASE(mknodat_fifo_umask)
{
	EQ(sys_mknodat(AT_FDCWD, "p", S_IFIFO | 0666, 0), 0);
	EQ(mode_of("p"), S_IFIFO | 0644);
}

CASE(mknodat_char)
{
	EQ(sys_mknodat(AT_FDCWD, "c", S_IFCHR | 0660, makedev(136, 7)), 0);
	struct stat st = stat_of("c");
	EQ(st.st_mode, S_IFCHR | 0640);
	EQ(st.st_rdev, makedev(136, 7));
	EQ(st.st_size, 0);
}

CASE(mknodat_block)
{
	EQ(sys_mknodat(AT_FDCWD, "b", S_IFBLK | 0600, makedev(240, 300)), 0);
	struct stat st = stat_of("b");
	EQ(st.st_mode, S_IFBLK | 0600);
	EQ(major(st.st_rdev), 240);
	EQ(minor(st.st_rdev), 300);
}

CASE(mknodat_socket)
{
	EQ(sys_mknodat(AT_FDCWD, "s", S_IFSOCK | 0755, 0), 0);
	EQ(mode_of("s"), S_IFSOCK | 0755);
	ERR(sys_openat(AT_FDCWD, "s", O_RDONLY, 0), -ENXIO);
}

CASE(mknodat_dev_null_node)
{
	char buf[4] = "abc";

	EQ(sys_mknodat(AT_FDCWD, "null", S_IFCHR | 0666, makedev(1, 3)), 0);
	EQ(sys_openat(AT_FDCWD, "null", O_RDWR, 0), 3);
	EQ(sys_write(3, "hello", 5), 5);
	EQ(sys_read(3, buf, 3), 0);
	EQ_STR(buf, "abc");
}

CASE(mknodat_dev_zero_node)
{
	char buf[4] = "abc";

	EQ(sys_mknodat(AT_FDCWD, "zero", S_IFCHR | 0666, makedev(1, 5)), 0);
	EQ(sys_openat(AT_FDCWD, "zero", O_RDONLY, 0), 3);
	EQ(sys_read(3, buf, 3), 3);
	EQ_MEM(buf, "\0\0\0", 3);
}

CASE(mknodat_char_no_driver_enxio)
{
	EQ(sys_mknodat(AT_FDCWD, "c", S_IFCHR | 0600, makedev(240, 0)), 0);
	ERR(sys_openat(AT_FDCWD, "c", O_RDONLY, 0), -ENXIO);
}

CASE(mknodat_block_no_driver_enxio)
{
	EQ(sys_mknodat(AT_FDCWD, "b", S_IFBLK | 0600, makedev(240, 0)), 0);
	ERR(sys_openat(AT_FDCWD, "b", O_RDONLY, 0), -ENXIO);
}

CASE(mknodat_directory_type_eperm)
{
	ERR(sys_mknodat(AT_FDCWD, "d", S_IFDIR | 0755, 0), -EPERM);
	EQ(exists("d"), 0);
}

CASE(mknodat_bad_type_einval)
{
	ERR(sys_mknodat(AT_FDCWD, "x", 0170000 | 0644, 0), -EINVAL);
	ERR(sys_mknodat(AT_FDCWD, "x", 0030000 | 0644, 0), -EINVAL);
}

CASE(mknodat_exists)
{
	mkfile("f", "");
	ERR(sys_mknodat(AT_FDCWD, "f", S_IFIFO | 0644, 0), -EEXIST);
}

CASE(mknodat_device_as_user_eperm)
{
	open_dir("d", 0777);
	dual_become(1000, 1000);
	ERR(sys_mknodat(AT_FDCWD, "d/c", S_IFCHR | 0600, makedev(1, 3)), -EPERM);
	ERR(sys_mknodat(AT_FDCWD, "d/b", S_IFBLK | 0600, makedev(7, 0)), -EPERM);
	EQ(sys_mknodat(AT_FDCWD, "d/p", S_IFIFO | 0600, 0), 0);
	dual_unbecome();
	EQ(stat_of("d/p").st_uid, 1000);
}

CASE(mknodat_enoent)
{
	ERR(sys_mknodat(AT_FDCWD, "missing/p", S_IFIFO | 0600, 0), -ENOENT);
}

/* unlinkat */

CASE(unlinkat_file)
{
	mkfile("f", "");
	EQ(sys_unlinkat(AT_FDCWD, "f", 0), 0);
	EQ(exists("f"), 0);
	ERR(sys_unlinkat(AT_FDCWD, "f", 0), -ENOENT);
}

CASE(unlinkat_dir_without_flag_eisdir)
{
	mkdir_p("d");
	ERR(sys_unlinkat(AT_FDCWD, "d", 0), -EISDIR);
	EQ(exists("d"), 1);
}

CASE(unlinkat_removedir_on_file_enotdir)
{
	mkfile("f", "");
	ERR(sys_unlinkat(AT_FDCWD, "f", AT_REMOVEDIR), -ENOTDIR);
}

CASE(unlinkat_removedir_nonempty)
{
	mkdir_p("d");
	mkfile("d/f", "");
	ERR(sys_unlinkat(AT_FDCWD, "d", AT_REMOVEDIR), -ENOTEMPTY);
}

CASE(unlinkat_removedir_empty)
{
	mkdir_p("d");
	mkdir_p("d/e");
	EQ(stat_of("d").st_nlink, 3);
	EQ(sys_unlinkat(AT_FDCWD, "d/e", AT_REMOVEDIR), 0);
	EQ(stat_of("d").st_nlink, 2);
	EQ(sys_unlinkat(AT_FDCWD, "d/", AT_REMOVEDIR), 0);
	EQ(exists("d"), 0);
}

CASE(unlinkat_bad_flags)
{
	mkfile("f", "");
	ERR(sys_unlinkat(AT_FDCWD, "f", 1), -EINVAL);
	ERR(sys_unlinkat(AT_FDCWD, "f", AT_SYMLINK_NOFOLLOW), -EINVAL);
}

CASE(unlinkat_dot_einval)
{
	mkdir_p("d");
	ERR(sys_unlinkat(AT_FDCWD, "d/.", AT_REMOVEDIR), -EINVAL);
	ERR(sys_unlinkat(AT_FDCWD, ".", AT_REMOVEDIR), -EINVAL);
}

CASE(unlinkat_dotdot_enotempty)
{
	mkdir_p("d");
	ERR(sys_unlinkat(AT_FDCWD, "d/..", AT_REMOVEDIR), -ENOTEMPTY);
}

CASE(unlinkat_symlink_not_target)
{
	mkfile("f", "x");
	OK(sys_symlinkat("f", AT_FDCWD, "l"));
	EQ(sys_unlinkat(AT_FDCWD, "l", 0), 0);
	EQ(exists("l"), 0);
	EQ(exists("f"), 1);
}

CASE(unlinkat_symlink_to_dir_removedir_enotdir)
{
	mkdir_p("d");
	OK(sys_symlinkat("d", AT_FDCWD, "l"));
	ERR(sys_unlinkat(AT_FDCWD, "l", AT_REMOVEDIR), -ENOTDIR);
}

CASE(unlinkat_open_file_survives)
{
	char buf[8] = {0};

	mkfile("f", "still");
	EQ(sys_openat(AT_FDCWD, "f", O_RDWR, 0), 3);
	EQ(sys_unlinkat(AT_FDCWD, "f", 0), 0);
	EQ(fstat_of(3).st_nlink, 0);
	EQ(sys_read(3, buf, sizeof(buf)), 5);
	EQ_STR(buf, "still");
	EQ(sys_write(3, "!", 1), 1);
	EQ(fstat_of(3).st_size, 6);
}

CASE(unlinkat_hardlink_count)
{
	mkfile("f", "");
	OK(sys_linkat(AT_FDCWD, "f", AT_FDCWD, "g", 0));
	EQ(sys_unlinkat(AT_FDCWD, "f", 0), 0);
	EQ(stat_of("g").st_nlink, 1);
}

CASE(unlinkat_sticky_other_owner_eperm)
{
	open_dir("d", 01777);
	mkfile("d/f", "");
	OK(sys_fchownat(AT_FDCWD, "d/f", 1001, 1001, 0));
	dual_become(1000, 1000);
	ERR(sys_unlinkat(AT_FDCWD, "d/f", 0), -EPERM);
	dual_unbecome();
	EQ(exists("d/f"), 1);
}

CASE(unlinkat_sticky_own_file_ok)
{
	open_dir("d", 01777);
	mkfile("d/f", "");
	OK(sys_fchownat(AT_FDCWD, "d/f", 1000, 1000, 0));
	dual_become(1000, 1000);
	EQ(sys_unlinkat(AT_FDCWD, "d/f", 0), 0);
	dual_unbecome();
}

CASE(unlinkat_eacces_parent_not_writable)
{
	mkdir_p("d");
	mkfile("d/f", "");
	OK(sys_fchmodat(AT_FDCWD, "d/f", 0777));
	dual_become(1000, 1000);
	ERR(sys_unlinkat(AT_FDCWD, "d/f", 0), -EACCES);
	dual_unbecome();
}

CASE(unlinkat_efault)
{
	ERR(sys_unlinkat(AT_FDCWD, BADPTR, 0), -EFAULT);
}

CASE(unlinkat_trailing_slash_on_file)
{
	mkfile("f", "");
	ERR(sys_unlinkat(AT_FDCWD, "f/", 0), -ENOTDIR);
	EQ(exists("f"), 1);
}

CASE(unlinkat_dirfd)
{
	mkdir_p("d");
	mkfile("d/f", "");
	EQ(sys_openat(AT_FDCWD, "d", O_RDONLY | O_DIRECTORY, 0), 3);
	EQ(sys_unlinkat(3, "f", 0), 0);
	EQ(exists("d/f"), 0);
	ERR(sys_unlinkat(99, "f", 0), -EBADF);
}
