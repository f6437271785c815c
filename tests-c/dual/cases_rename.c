/* renameat2, linkat, symlinkat, readlinkat. */
#include "dual.h"

/* A directory the unprivileged ids can write in. */
static void open_dir(const char *path, mode_t mode)
{
	mkdir_p(path);
	OK(sys_fchmodat(AT_FDCWD, path, mode));
}

/* renameat2 */

CASE(rename_file)
{
	mkfile("a", "A");
	ino_t ino = stat_of("a").st_ino;
	EQ(sys_renameat2(AT_FDCWD, "a", AT_FDCWD, "b", 0), 0);
	EQ(exists("a"), 0);
	EQ(stat_of("b").st_ino, ino);
	EQ_STR(read_all("b"), "A");
}

CASE(rename_replaces_file)
{
	mkfile("a", "A");
	mkfile("b", "B");
	ino_t ino = stat_of("a").st_ino;
	EQ(sys_renameat2(AT_FDCWD, "a", AT_FDCWD, "b", 0), 0);
	EQ(stat_of("b").st_ino, ino);
	EQ_STR(read_all("b"), "A");
	EQ(exists("a"), 0);
}

CASE(rename_hardlinks_same_inode_noop)
{
	mkfile("a", "A");
	OK(sys_linkat(AT_FDCWD, "a", AT_FDCWD, "b", 0));
	EQ(sys_renameat2(AT_FDCWD, "a", AT_FDCWD, "b", 0), 0);
	EQ(exists("a"), 1);
	EQ(exists("b"), 1);
	EQ(stat_of("a").st_nlink, 2);
}

CASE(rename_to_itself)
{
	mkfile("a", "A");
	EQ(sys_renameat2(AT_FDCWD, "a", AT_FDCWD, "a", 0), 0);
	EQ(exists("a"), 1);
}

CASE(rename_dir_over_empty_dir)
{
	mkdir_p("a");
	mkfile("a/inside", "");
	mkdir_p("b");
	EQ(sys_renameat2(AT_FDCWD, "a", AT_FDCWD, "b", 0), 0);
	EQ(exists("b/inside"), 1);
	EQ(exists("a"), 0);
}

CASE(rename_dir_over_nonempty_dir)
{
	mkdir_p("a");
	mkdir_p("b");
	mkfile("b/x", "");
	ERR(sys_renameat2(AT_FDCWD, "a", AT_FDCWD, "b", 0), -ENOTEMPTY);
}

CASE(rename_file_over_dir_eisdir)
{
	mkfile("a", "");
	mkdir_p("b");
	ERR(sys_renameat2(AT_FDCWD, "a", AT_FDCWD, "b", 0), -EISDIR);
}

CASE(rename_dir_over_file_enotdir)
{
	mkdir_p("a");
	mkfile("b", "");
	ERR(sys_renameat2(AT_FDCWD, "a", AT_FDCWD, "b", 0), -ENOTDIR);
}

CASE(rename_into_own_subdir_einval)
{
	mkdir_p("a");
	mkdir_p("a/b");
	ERR(sys_renameat2(AT_FDCWD, "a", AT_FDCWD, "a/b/c", 0), -EINVAL);
	ERR(sys_renameat2(AT_FDCWD, "a", AT_FDCWD, "a/c", 0), -EINVAL);
}

CASE(rename_ancestor_over_descendant_enotempty)
{
	mkdir_p("a");
	mkdir_p("a/b");
	ERR(sys_renameat2(AT_FDCWD, "a/b", AT_FDCWD, "a", 0), -ENOTEMPTY);
}

CASE(rename_source_enoent)
{
	ERR(sys_renameat2(AT_FDCWD, "missing", AT_FDCWD, "b", 0), -ENOENT);
	mkfile("a", "");
	ERR(sys_renameat2(AT_FDCWD, "a", AT_FDCWD, "nodir/b", 0), -ENOENT);
}

CASE(rename_dot_dotdot_ebusy)
{
	mkdir_p("d");
	ERR(sys_renameat2(AT_FDCWD, "d/.", AT_FDCWD, "x", 0), -EBUSY);
	ERR(sys_renameat2(AT_FDCWD, "d/..", AT_FDCWD, "x", 0), -EBUSY);
	mkfile("f", "");
	ERR(sys_renameat2(AT_FDCWD, "f", AT_FDCWD, "d/.", 0), -EBUSY);
}

CASE(rename_noreplace_eexist)
{
	mkfile("a", "A");
	mkfile("b", "B");
	ERR(sys_renameat2(AT_FDCWD, "a", AT_FDCWD, "b", RENAME_NOREPLACE), -EEXIST);
	EQ_STR(read_all("b"), "B");
	EQ(exists("a"), 1);
}

CASE(rename_noreplace_ok)
{
	mkfile("a", "A");
	EQ(sys_renameat2(AT_FDCWD, "a", AT_FDCWD, "b", RENAME_NOREPLACE), 0);
	EQ_STR(read_all("b"), "A");
}

CASE(rename_noreplace_dangling_symlink_eexist)
{
	mkfile("a", "A");
	OK(sys_symlinkat("nowhere", AT_FDCWD, "b"));
	ERR(sys_renameat2(AT_FDCWD, "a", AT_FDCWD, "b", RENAME_NOREPLACE), -EEXIST);
}

CASE(rename_exchange_files)
{
	mkfile("a", "A");
	mkfile("b", "B");
	EQ(sys_renameat2(AT_FDCWD, "a", AT_FDCWD, "b", RENAME_EXCHANGE), 0);
	EQ_STR(read_all("a"), "B");
	EQ_STR(read_all("b"), "A");
}

CASE(rename_exchange_file_and_dir)
{
	mkfile("a", "A");
	mkdir_p("d");
	mkdir_p("p");
	EQ(stat_of(".").st_nlink, 4);
	EQ(sys_renameat2(AT_FDCWD, "a", AT_FDCWD, "p/d", RENAME_EXCHANGE), -ENOENT);
	EQ(sys_renameat2(AT_FDCWD, "a", AT_FDCWD, "d", RENAME_EXCHANGE), 0);
	EQ(mode_of("a"), S_IFDIR | 0755);
	EQ(mode_of("d"), S_IFREG | 0644);
}

CASE(rename_exchange_dirs_across_parents_nlink)
{
	mkdir_p("p");
	mkdir_p("q");
	mkdir_p("p/x");
	mkfile("q/y", "");
	EQ(stat_of("p").st_nlink, 3);
	EQ(stat_of("q").st_nlink, 2);
	EQ(sys_renameat2(AT_FDCWD, "p/x", AT_FDCWD, "q/y", RENAME_EXCHANGE), 0);
	EQ(stat_of("p").st_nlink, 2);
	EQ(stat_of("q").st_nlink, 3);
	EQ(mode_of("q/y"), S_IFDIR | 0755);
}

CASE(rename_exchange_missing_enoent)
{
	mkfile("a", "A");
	ERR(sys_renameat2(AT_FDCWD, "a", AT_FDCWD, "b", RENAME_EXCHANGE), -ENOENT);
	EQ(exists("a"), 1);
}

CASE(rename_exchange_with_noreplace_einval)
{
	mkfile("a", "A");
	mkfile("b", "B");
	ERR(sys_renameat2(AT_FDCWD, "a", AT_FDCWD, "b", RENAME_EXCHANGE | RENAME_NOREPLACE), -EINVAL);
}

CASE(rename_bad_flags_einval)
{
	mkfile("a", "A");
	ERR(sys_renameat2(AT_FDCWD, "a", AT_FDCWD, "b", 8), -EINVAL);
	ERR(sys_renameat2(AT_FDCWD, "a", AT_FDCWD, "b", 0x100), -EINVAL);
}

CASE(rename_dir_between_parents_nlink)
{
	mkdir_p("p");
	mkdir_p("q");
	mkdir_p("p/x");
	EQ(sys_renameat2(AT_FDCWD, "p/x", AT_FDCWD, "q/x", 0), 0);
	EQ(stat_of("p").st_nlink, 2);
	EQ(stat_of("q").st_nlink, 3);
	struct stat a, b;
	EQ(sys_fstatat(AT_FDCWD, "q/x/..", &a, 0), 0);
	EQ(sys_fstatat(AT_FDCWD, "q", &b, 0), 0);
	EQ(a.st_ino, b.st_ino);
}

CASE(rename_symlink_itself)
{
	mkfile("f", "x");
	OK(sys_symlinkat("f", AT_FDCWD, "l"));
	EQ(sys_renameat2(AT_FDCWD, "l", AT_FDCWD, "m", 0), 0);
	EQ(mode_of("m"), S_IFLNK | 0777);
	EQ(exists("f"), 1);
}

CASE(rename_trailing_slash_file_enotdir)
{
	mkfile("a", "");
	ERR(sys_renameat2(AT_FDCWD, "a/", AT_FDCWD, "b", 0), -ENOTDIR);
	ERR(sys_renameat2(AT_FDCWD, "a", AT_FDCWD, "b/", 0), -ENOTDIR);
}

CASE(rename_dir_trailing_slash_ok)
{
	mkdir_p("a");
	EQ(sys_renameat2(AT_FDCWD, "a/", AT_FDCWD, "b/", 0), 0);
	EQ(mode_of("b"), S_IFDIR | 0755);
}

CASE(rename_sticky_other_owner_eperm)
{
	open_dir("d", 01777);
	mkfile("d/f", "");
	OK(sys_fchownat(AT_FDCWD, "d/f", 1001, 1001, 0));
	dual_become(1000, 1000);
	ERR(sys_renameat2(AT_FDCWD, "d/f", AT_FDCWD, "d/g", 0), -EPERM);
	dual_unbecome();
}

CASE(rename_eacces_target_dir)
{
	open_dir("src", 0777);
	mkdir_p("dst");
	mkfile("src/f", "");
	dual_become(1000, 1000);
	ERR(sys_renameat2(AT_FDCWD, "src/f", AT_FDCWD, "dst/f", 0), -EACCES);
	dual_unbecome();
}

CASE(rename_efault)
{
	mkfile("a", "");
	ERR(sys_renameat2(AT_FDCWD, BADPTR, AT_FDCWD, "b", 0), -EFAULT);
	ERR(sys_renameat2(AT_FDCWD, "a", AT_FDCWD, BADPTR, 0), -EFAULT);
}

CASE(rename_whiteout)
{
	mkfile("a", "A");
	EQ(sys_renameat2(AT_FDCWD, "a", AT_FDCWD, "b", RENAME_WHITEOUT), 0);
	struct stat st = stat_of("a");
	EQ(st.st_mode & S_IFMT, S_IFCHR);
	EQ(st.st_rdev, 0);
	EQ_STR(read_all("b"), "A");
}

CASE(rename_dirfds)
{
	mkdir_p("p");
	mkdir_p("q");
	mkfile("p/a", "A");
	EQ(sys_openat(AT_FDCWD, "p", O_RDONLY | O_DIRECTORY, 0), 3);
	EQ(sys_openat(AT_FDCWD, "q", O_RDONLY | O_DIRECTORY, 0), 4);
	EQ(sys_renameat2(3, "a", 4, "b", 0), 0);
	EQ_STR(read_all("q/b"), "A");
	ERR(sys_renameat2(99, "a", 4, "b", 0), -EBADF);
}

/* linkat */

CASE(linkat_basic)
{
	mkfile("f", "x");
	EQ(sys_linkat(AT_FDCWD, "f", AT_FDCWD, "g", 0), 0);
	EQ(stat_of("f").st_nlink, 2);
	EQ(stat_of("g").st_ino, stat_of("f").st_ino);
}

CASE(linkat_directory_eperm)
{
	mkdir_p("d");
	ERR(sys_linkat(AT_FDCWD, "d", AT_FDCWD, "e", 0), -EPERM);
}

CASE(linkat_exists)
{
	mkfile("f", "");
	mkfile("g", "");
	ERR(sys_linkat(AT_FDCWD, "f", AT_FDCWD, "g", 0), -EEXIST);
}

CASE(linkat_enoent)
{
	mkfile("f", "");
	ERR(sys_linkat(AT_FDCWD, "missing", AT_FDCWD, "g", 0), -ENOENT);
	ERR(sys_linkat(AT_FDCWD, "f", AT_FDCWD, "nodir/g", 0), -ENOENT);
}

CASE(linkat_symlink_not_followed)
{
	mkfile("f", "");
	OK(sys_symlinkat("f", AT_FDCWD, "l"));
	EQ(sys_linkat(AT_FDCWD, "l", AT_FDCWD, "m", 0), 0);
	EQ(mode_of("m"), S_IFLNK | 0777);
	EQ(stat_of("l").st_nlink, 2);
	EQ(stat_of("f").st_nlink, 1);
}

CASE(linkat_symlink_follow)
{
	mkfile("f", "");
	OK(sys_symlinkat("f", AT_FDCWD, "l"));
	EQ(sys_linkat(AT_FDCWD, "l", AT_FDCWD, "m", AT_SYMLINK_FOLLOW), 0);
	EQ(mode_of("m"), S_IFREG | 0644);
	EQ(stat_of("f").st_nlink, 2);
}

CASE(linkat_bad_flags)
{
	mkfile("f", "");
	ERR(sys_linkat(AT_FDCWD, "f", AT_FDCWD, "g", AT_SYMLINK_NOFOLLOW), -EINVAL);
	ERR(sys_linkat(AT_FDCWD, "f", AT_FDCWD, "g", 1), -EINVAL);
}

CASE(linkat_empty_path)
{
	mkfile("f", "x");
	EQ(sys_openat(AT_FDCWD, "f", O_RDONLY, 0), 3);
	ERR(sys_linkat(3, "", AT_FDCWD, "g", 0), -ENOENT);
	EQ(sys_linkat(3, "", AT_FDCWD, "g", AT_EMPTY_PATH), 0);
	EQ(stat_of("f").st_nlink, 2);
}

CASE(linkat_unlinked_file_enoent)
{
	mkfile("f", "x");
	EQ(sys_openat(AT_FDCWD, "f", O_RDONLY, 0), 3);
	OK(sys_unlinkat(AT_FDCWD, "f", 0));
	ERR(sys_linkat(3, "", AT_FDCWD, "g", AT_EMPTY_PATH), -ENOENT);
}

CASE(linkat_efault)
{
	mkfile("f", "");
	ERR(sys_linkat(AT_FDCWD, BADPTR, AT_FDCWD, "g", 0), -EFAULT);
	ERR(sys_linkat(AT_FDCWD, "f", AT_FDCWD, BADPTR, 0), -EFAULT);
}

CASE(linkat_trailing_slash_enotdir)
{
	mkfile("f", "");
	ERR(sys_linkat(AT_FDCWD, "f/", AT_FDCWD, "g", 0), -ENOTDIR);
}

/* symlinkat */

CASE(symlinkat_basic)
{
	char buf[64] = {0};

	EQ(sys_umask(077), 022);
	EQ(sys_symlinkat("../some/where", AT_FDCWD, "l"), 0);
	struct stat st = stat_of("l");
	EQ(st.st_mode, S_IFLNK | 0777);
	EQ(st.st_size, 13);
	EQ(sys_readlinkat(AT_FDCWD, "l", buf, sizeof(buf)), 13);
	EQ_STR(buf, "../some/where");
}

CASE(symlinkat_exists)
{
	mkfile("f", "");
	ERR(sys_symlinkat("x", AT_FDCWD, "f"), -EEXIST);
	OK(sys_symlinkat("x", AT_FDCWD, "l"));
	ERR(sys_symlinkat("y", AT_FDCWD, "l"), -EEXIST);
}

CASE(symlinkat_empty_target_enoent)
{
	ERR(sys_symlinkat("", AT_FDCWD, "l"), -ENOENT);
}

CASE(symlinkat_missing_parent)
{
	ERR(sys_symlinkat("x", AT_FDCWD, "nodir/l"), -ENOENT);
}

CASE(symlinkat_long_target)
{
	static char target[4200];
	static char back[4200];

	memset(target, 'x', 4095);
	target[4095] = 0;
	EQ(sys_symlinkat(target, AT_FDCWD, "l"), 0);
	EQ(sys_readlinkat(AT_FDCWD, "l", back, sizeof(back)), 4095);
	EQ(size_of("l"), 4095);
	target[4095] = 'x';
	target[4096] = 0;
	ERR(sys_symlinkat(target, AT_FDCWD, "m"), -ENAMETOOLONG);
}

CASE(symlinkat_efault)
{
	ERR(sys_symlinkat(BADPTR, AT_FDCWD, "l"), -EFAULT);
	ERR(sys_symlinkat("x", AT_FDCWD, BADPTR), -EFAULT);
}

CASE(symlinkat_dirfd)
{
	char buf[8] = {0};

	mkdir_p("d");
	EQ(sys_openat(AT_FDCWD, "d", O_RDONLY | O_DIRECTORY, 0), 3);
	EQ(sys_symlinkat("t", 3, "l"), 0);
	EQ(sys_readlinkat(3, "l", buf, sizeof(buf)), 1);
	EQ_STR(buf, "t");
	ERR(sys_symlinkat("t", 99, "l"), -EBADF);
}

CASE(symlinkat_relative_resolution)
{
	mkdir_p("d");
	mkfile("d/f", "in d");
	OK(sys_symlinkat("f", AT_FDCWD, "d/l"));
	EQ_STR(read_all("d/l"), "in d");
	OK(sys_symlinkat("d/f", AT_FDCWD, "top"));
	EQ_STR(read_all("top"), "in d");
}

/* readlinkat */

CASE(readlink_truncates_no_nul)
{
	char buf[8];

	memset(buf, '#', sizeof(buf));
	OK(sys_symlinkat("abcdef", AT_FDCWD, "l"));
	EQ(sys_readlinkat(AT_FDCWD, "l", buf, 3), 3);
	EQ_MEM(buf, "abc#", 4);
	EQ(sys_readlinkat(AT_FDCWD, "l", buf, 6), 6);
	EQ_MEM(buf, "abcdef#", 7);
}

CASE(readlink_not_symlink_einval)
{
	char buf[8];

	mkfile("f", "");
	mkdir_p("d");
	ERR(sys_readlinkat(AT_FDCWD, "f", buf, sizeof(buf)), -EINVAL);
	ERR(sys_readlinkat(AT_FDCWD, "d", buf, sizeof(buf)), -EINVAL);
}

CASE(readlink_bufsiz_invalid)
{
	char buf[8];

	OK(sys_symlinkat("abc", AT_FDCWD, "l"));
	ERR(sys_readlinkat(AT_FDCWD, "l", buf, 0), -EINVAL);
	ERR(sys_readlinkat(AT_FDCWD, "l", buf, -1), -EINVAL);
}

CASE(readlink_enoent)
{
	char buf[8];

	ERR(sys_readlinkat(AT_FDCWD, "missing", buf, sizeof(buf)), -ENOENT);
}

CASE(readlink_final_symlink_not_followed)
{
	char buf[8] = {0};

	OK(sys_symlinkat("m", AT_FDCWD, "l"));
	OK(sys_symlinkat("x", AT_FDCWD, "m"));
	EQ(sys_readlinkat(AT_FDCWD, "l", buf, sizeof(buf)), 1);
	EQ_STR(buf, "m");
}

CASE(readlink_empty_path_fd)
{
	char buf[16] = {0};

	OK(sys_symlinkat("target", AT_FDCWD, "l"));
	EQ(sys_openat(AT_FDCWD, "l", O_PATH | O_NOFOLLOW, 0), 3);
	EQ(sys_readlinkat(3, "", buf, sizeof(buf)), 6);
	EQ_STR(buf, "target");
}

CASE(readlink_empty_path_not_link)
{
	char buf[16];

	mkfile("f", "");
	EQ(sys_openat(AT_FDCWD, "f", O_RDONLY, 0), 3);
	ERR(sys_readlinkat(3, "", buf, sizeof(buf)), -ENOENT);
	ERR(sys_readlinkat(AT_FDCWD, "", buf, sizeof(buf)), -ENOENT);
}

CASE(readlink_efault)
{
	OK(sys_symlinkat("abc", AT_FDCWD, "l"));
	ERR(sys_readlinkat(AT_FDCWD, "l", BADPTR, 8), -EFAULT);
	ERR(sys_readlinkat(AT_FDCWD, BADPTR, BADPTR, 8), -EFAULT);
}
