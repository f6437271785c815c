/* Inode attribute flags: FS_IOC_GETFLAGS and FS_IOC_SETFLAGS, and what the
 * immutable, append-only and noatime flags forbid (chattr +i, +a, +A). */
#include "dual.h"

/* setflags adds (or with clear, removes) flags on path; 0 or -errno. */
static long change(const char *path, int add, int remove)
{
	int flags = 0;
	long fd = sys_openat(AT_FDCWD, path, O_RDONLY | O_NONBLOCK, 0), r;

	if (fd < 0)
		return fd;
	r = sys_ioctl((int)fd, FS_IOC_GETFLAGS, (unsigned long)&flags);
	if (r == 0) {
		flags = (flags | add) & ~remove;
		r = sys_ioctl((int)fd, FS_IOC_SETFLAGS, (unsigned long)&flags);
	}
	sys_close((int)fd);
	return r;
}

#define USER_FLAGS (FS_IMMUTABLE_FL | FS_APPEND_FL | FS_NODUMP_FL | FS_NOATIME_FL)

CASE(fileattr_new_file_no_flags)
{
	mkfile("f", "");
	EQ(inode_flags("f") & USER_FLAGS, 0);
}

CASE(fileattr_nodump_round_trip)
{
	mkfile("f", "");
	EQ(change("f", FS_NODUMP_FL, 0), 0);
	EQ(inode_flags("f") & USER_FLAGS, FS_NODUMP_FL);
	EQ(change("f", 0, FS_NODUMP_FL), 0);
	EQ(inode_flags("f") & USER_FLAGS, 0);
}

CASE(fileattr_unknown_flag_eopnotsupp)
{
	mkfile("f", "");
	ERR(change("f", FS_NOCOW_FL, 0), -EOPNOTSUPP);
}

CASE(fileattr_getflags_bad_pointer)
{
	long fd;

	mkfile("f", "");
	fd = OK(sys_openat(AT_FDCWD, "f", O_RDONLY, 0));
	ERR(sys_ioctl((int)fd, FS_IOC_GETFLAGS, (unsigned long)BADPTR), -EFAULT);
	ERR(sys_ioctl((int)fd, FS_IOC_SETFLAGS, (unsigned long)BADPTR), -EFAULT);
	sys_close((int)fd);
}

CASE(fileattr_fifo_enotty)
{
	int flags;
	long fd;

	OK(sys_mknodat(AT_FDCWD, "p", S_IFIFO | 0644, 0));
	fd = OK(sys_openat(AT_FDCWD, "p", O_RDONLY | O_NONBLOCK, 0));
	ERR(sys_ioctl((int)fd, FS_IOC_GETFLAGS, (unsigned long)&flags), -ENOTTY);
	sys_close((int)fd);
}

CASE(fileattr_pipe_enotty)
{
	int fds[2], flags;

	OK(sys_pipe2(fds, 0));
	ERR(sys_ioctl(fds[0], FS_IOC_GETFLAGS, (unsigned long)&flags), -ENOTTY);
	sys_close(fds[0]);
	sys_close(fds[1]);
}

CASE(fileattr_statx_attributes)
{
	struct statx stx;

	mkfile("f", "");
	OK(change("f", FS_NODUMP_FL | FS_APPEND_FL, 0));
	EQ(sys_statx(AT_FDCWD, "f", 0, STATX_BASIC_STATS, &stx), 0);
	EQ(stx.stx_attributes & (STATX_ATTR_NODUMP | STATX_ATTR_APPEND | STATX_ATTR_IMMUTABLE),
	   STATX_ATTR_NODUMP | STATX_ATTR_APPEND);
	EQ(stx.stx_attributes_mask & (STATX_ATTR_NODUMP | STATX_ATTR_APPEND | STATX_ATTR_IMMUTABLE),
	   STATX_ATTR_NODUMP | STATX_ATTR_APPEND | STATX_ATTR_IMMUTABLE);
	OK(change("f", 0, FS_NODUMP_FL | FS_APPEND_FL));
}

CASE(fileattr_owner_sets_nodump)
{
	mkfile("f", "");
	OK(sys_fchownat(AT_FDCWD, "f", 1000, 1000, 0));
	dual_become(1000, 1000);
	EQ(change("f", FS_NODUMP_FL, 0), 0);
	dual_unbecome();
	EQ(inode_flags("f") & USER_FLAGS, FS_NODUMP_FL);
}

CASE(fileattr_owner_immutable_needs_cap)
{
	mkfile("f", "");
	OK(sys_fchownat(AT_FDCWD, "f", 1000, 1000, 0));
	dual_become(1000, 1000);
	ERR(change("f", FS_IMMUTABLE_FL, 0), -EPERM);
	dual_unbecome();
}

CASE(fileattr_other_user_eperm)
{
	mkfile("f", "");
	dual_become(1000, 1000);
	ERR(change("f", FS_NODUMP_FL, 0), -EPERM);
	dual_unbecome();
}

CASE(immutable_open_write_eperm)
{
	mkfile("f", "data");
	OK(change("f", FS_IMMUTABLE_FL, 0));
	ERR(sys_openat(AT_FDCWD, "f", O_WRONLY, 0), -EPERM);
	ERR(sys_openat(AT_FDCWD, "f", O_RDONLY | O_TRUNC, 0), -EPERM);
	OK(change("f", 0, FS_IMMUTABLE_FL));
}

CASE(immutable_read_ok)
{
	char buf[8] = {0};
	long fd;

	mkfile("f", "data");
	OK(change("f", FS_IMMUTABLE_FL, 0));
	fd = OK(sys_openat(AT_FDCWD, "f", O_RDONLY, 0));
	EQ(sys_read((int)fd, buf, sizeof(buf)), 4);
	EQ_STR(buf, "data");
	sys_close((int)fd);
	OK(change("f", 0, FS_IMMUTABLE_FL));
}

CASE(immutable_unlink_eperm)
{
	mkfile("f", "");
	OK(change("f", FS_IMMUTABLE_FL, 0));
	ERR(sys_unlinkat(AT_FDCWD, "f", 0), -EPERM);
	OK(change("f", 0, FS_IMMUTABLE_FL));
}

CASE(immutable_rename_eperm)
{
	mkfile("f", "");
	OK(change("f", FS_IMMUTABLE_FL, 0));
	ERR(sys_renameat2(AT_FDCWD, "f", AT_FDCWD, "g", 0), -EPERM);
	OK(change("f", 0, FS_IMMUTABLE_FL));
}

CASE(immutable_rename_over_eperm)
{
	mkfile("f", "");
	mkfile("g", "");
	OK(change("g", FS_IMMUTABLE_FL, 0));
	ERR(sys_renameat2(AT_FDCWD, "f", AT_FDCWD, "g", 0), -EPERM);
	OK(change("g", 0, FS_IMMUTABLE_FL));
}

CASE(immutable_link_eperm)
{
	mkfile("f", "");
	OK(change("f", FS_IMMUTABLE_FL, 0));
	ERR(sys_linkat(AT_FDCWD, "f", AT_FDCWD, "g", 0), -EPERM);
	OK(change("f", 0, FS_IMMUTABLE_FL));
}

CASE(immutable_chmod_eperm)
{
	mkfile("f", "");
	OK(change("f", FS_IMMUTABLE_FL, 0));
	ERR(sys_fchmodat(AT_FDCWD, "f", 0600), -EPERM);
	OK(change("f", 0, FS_IMMUTABLE_FL));
}

CASE(immutable_chown_eperm)
{
	mkfile("f", "");
	OK(change("f", FS_IMMUTABLE_FL, 0));
	ERR(sys_fchownat(AT_FDCWD, "f", 1, 1, 0), -EPERM);
	OK(change("f", 0, FS_IMMUTABLE_FL));
}

CASE(immutable_utimensat_now_eperm)
{
	mkfile("f", "");
	OK(change("f", FS_IMMUTABLE_FL, 0));
	ERR(sys_utimensat(AT_FDCWD, "f", NULL, 0), -EPERM);
	OK(change("f", 0, FS_IMMUTABLE_FL));
}

CASE(immutable_truncate_eperm)
{
	mkfile("f", "data");
	OK(change("f", FS_IMMUTABLE_FL, 0));
	ERR(sys_truncate("f", 0), -EPERM);
	OK(change("f", 0, FS_IMMUTABLE_FL));
	EQ(size_of("f"), 4);
}

CASE(immutable_setxattr_eperm)
{
	mkfile("f", "");
	OK(change("f", FS_IMMUTABLE_FL, 0));
	ERR(sys_setxattr("f", "user.k", "v", 1, 0), -EPERM);
	OK(change("f", 0, FS_IMMUTABLE_FL));
}

CASE(immutable_fallocate_eperm)
{
	long fd;

	mkfile("f", "");
	fd = OK(sys_openat(AT_FDCWD, "f", O_RDWR, 0));
	OK(change("f", FS_IMMUTABLE_FL, 0));
	ERR(sys_fallocate((int)fd, 0, 0, 4096), -EPERM);
	OK(change("f", 0, FS_IMMUTABLE_FL));
	sys_close((int)fd);
}

CASE(immutable_other_flags_change_on_tmpfs)
{
	/* While immutable, the other flags still change on tmpfs (ext4 only
	 * lets the immutable flag itself go: see cases_ext4.c). */
	mkfile("f", "");
	OK(change("f", FS_IMMUTABLE_FL, 0));
	EQ(change("f", FS_NODUMP_FL, 0), 0);
	OK(change("f", 0, FS_IMMUTABLE_FL | FS_NODUMP_FL));
}

CASE(immutable_dir_create_eperm)
{
	mkdir_p("d");
	OK(change("d", FS_IMMUTABLE_FL, 0));
	ERR(sys_openat(AT_FDCWD, "d/f", O_CREAT | O_WRONLY, 0644), -EPERM);
	ERR(sys_mkdirat(AT_FDCWD, "d/e", 0755), -EPERM);
	OK(change("d", 0, FS_IMMUTABLE_FL));
}

CASE(immutable_dir_unlink_eperm)
{
	mkdir_p("d");
	mkfile("d/f", "");
	OK(change("d", FS_IMMUTABLE_FL, 0));
	ERR(sys_unlinkat(AT_FDCWD, "d/f", 0), -EPERM);
	OK(change("d", 0, FS_IMMUTABLE_FL));
}

CASE(immutable_dir_rmdir_eperm)
{
	mkdir_p("d");
	OK(change("d", FS_IMMUTABLE_FL, 0));
	ERR(sys_unlinkat(AT_FDCWD, "d", AT_REMOVEDIR), -EPERM);
	OK(change("d", 0, FS_IMMUTABLE_FL));
}

CASE(append_open_write_needs_append)
{
	long fd;

	mkfile("f", "ab");
	OK(change("f", FS_APPEND_FL, 0));
	ERR(sys_openat(AT_FDCWD, "f", O_WRONLY, 0), -EPERM);
	ERR(sys_openat(AT_FDCWD, "f", O_WRONLY | O_APPEND | O_TRUNC, 0), -EPERM);
	fd = OK(sys_openat(AT_FDCWD, "f", O_WRONLY | O_APPEND, 0));
	EQ(sys_write((int)fd, "cd", 2), 2);
	sys_close((int)fd);
	OK(change("f", 0, FS_APPEND_FL));
	EQ_STR(read_all("f"), "abcd");
}

CASE(append_setfl_keeps_append)
{
	long fd;

	mkfile("f", "");
	OK(change("f", FS_APPEND_FL, 0));
	fd = OK(sys_openat(AT_FDCWD, "f", O_WRONLY | O_APPEND, 0));
	ERR(sys_fcntl((int)fd, F_SETFL, 0), -EPERM);
	EQ(sys_fcntl((int)fd, F_SETFL, O_APPEND | O_NONBLOCK), 0);
	sys_close((int)fd);
	OK(change("f", 0, FS_APPEND_FL));
}

CASE(append_ftruncate_eperm)
{
	long fd;

	mkfile("f", "data");
	OK(change("f", FS_APPEND_FL, 0));
	fd = OK(sys_openat(AT_FDCWD, "f", O_WRONLY | O_APPEND, 0));
	ERR(sys_ftruncate((int)fd, 0), -EPERM);
	sys_close((int)fd);
	ERR(sys_truncate("f", 0), -EPERM);
	OK(change("f", 0, FS_APPEND_FL));
}

CASE(append_unlink_eperm)
{
	mkfile("f", "");
	OK(change("f", FS_APPEND_FL, 0));
	ERR(sys_unlinkat(AT_FDCWD, "f", 0), -EPERM);
	ERR(sys_linkat(AT_FDCWD, "f", AT_FDCWD, "g", 0), -EPERM);
	OK(change("f", 0, FS_APPEND_FL));
}

CASE(append_chmod_eperm_touch_ok)
{
	struct timespec ts[2] = {{1, 0}, {2, 0}};

	mkfile("f", "");
	OK(change("f", FS_APPEND_FL, 0));
	ERR(sys_fchmodat(AT_FDCWD, "f", 0600), -EPERM);
	ERR(sys_utimensat(AT_FDCWD, "f", ts, 0), -EPERM);
	EQ(sys_utimensat(AT_FDCWD, "f", NULL, 0), 0);
	OK(change("f", 0, FS_APPEND_FL));
}

CASE(append_setxattr_eperm)
{
	mkfile("f", "");
	OK(change("f", FS_APPEND_FL, 0));
	ERR(sys_setxattr("f", "user.k", "v", 1, 0), -EPERM);
	OK(change("f", 0, FS_APPEND_FL));
}

CASE(append_fallocate_allocates_only)
{
	long fd;

	mkfile("f", "");
	OK(change("f", FS_APPEND_FL, 0));
	fd = OK(sys_openat(AT_FDCWD, "f", O_WRONLY | O_APPEND, 0));
	ERR(sys_fallocate((int)fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, 4096), -EPERM);
	EQ(sys_fallocate((int)fd, FALLOC_FL_KEEP_SIZE, 0, 4096), 0);
	EQ(sys_fallocate((int)fd, 0, 0, 4096), 0);
	sys_close((int)fd);
	OK(change("f", 0, FS_APPEND_FL));
}

CASE(append_dir_add_ok_remove_eperm)
{
	mkdir_p("d");
	mkfile("d/old", "");
	OK(change("d", FS_APPEND_FL, 0));
	EQ(mkfile("d/new", ""), 0);
	ERR(sys_unlinkat(AT_FDCWD, "d/old", 0), -EPERM);
	ERR(sys_renameat2(AT_FDCWD, "d/old", AT_FDCWD, "moved", 0), -EPERM);
	OK(change("d", 0, FS_APPEND_FL));
}

CASE(nodump_inherited)
{
	mkdir_p("d");
	OK(change("d", FS_NODUMP_FL | FS_NOATIME_FL, 0));
	mkfile("d/f", "");
	mkdir_p("d/e");
	EQ(inode_flags("d/f") & USER_FLAGS, FS_NODUMP_FL | FS_NOATIME_FL);
	EQ(inode_flags("d/e") & USER_FLAGS, FS_NODUMP_FL | FS_NOATIME_FL);
}

CASE(noatime_flag_keeps_atime)
{
	struct timespec old[2] = {{1000, 0}, {UTIME_OMIT, UTIME_OMIT}};
	char buf[4];
	long fd;

	mkfile("f", "data");
	OK(sys_utimensat(AT_FDCWD, "f", old, 0));
	OK(change("f", FS_NOATIME_FL, 0));
	fd = OK(sys_openat(AT_FDCWD, "f", O_RDONLY, 0));
	EQ(sys_read((int)fd, buf, sizeof(buf)), 4);
	sys_close((int)fd);
	EQ(stat_of("f").st_atime, 1000);
	OK(change("f", 0, FS_NOATIME_FL));
	fd = OK(sys_openat(AT_FDCWD, "f", O_RDONLY, 0));
	EQ(sys_read((int)fd, buf, sizeof(buf)), 4);
	sys_close((int)fd);
	CHECK(stat_of("f").st_atime > 1000);
}

CASE(fileattr_sync_flag_tmpfs_eopnotsupp)
{
	mkfile("f", "");
	ERR(change("f", FS_SYNC_FL, 0), -EOPNOTSUPP);
}

CASE(immutable_old_fd_still_writes_on_tmpfs)
{
	long fd;

	mkfile("f", "");
	fd = OK(sys_openat(AT_FDCWD, "f", O_RDWR, 0));
	OK(change("f", FS_IMMUTABLE_FL, 0));
	EQ(sys_write((int)fd, "ab", 2), 2);
	EQ(sys_ftruncate((int)fd, 1), 0);
	OK(change("f", 0, FS_IMMUTABLE_FL));
	sys_close((int)fd);
	EQ_STR(read_all("f"), "a");
}

/* fsxattr returns path's struct fsxattr through FS_IOC_FSGETXATTR. */
static long fsxattr_of(const char *path, struct fsxattr *fa)
{
	long fd = sys_openat(AT_FDCWD, path, O_RDONLY | O_NONBLOCK, 0), r;

	if (fd < 0)
		return fd;
	memset(fa, 0xff, sizeof(*fa));
	r = sys_ioctl((int)fd, FS_IOC_FSGETXATTR, (unsigned long)fa);
	sys_close((int)fd);
	return r;
}

static long set_fsxattr(const char *path, const struct fsxattr *fa)
{
	long fd = sys_openat(AT_FDCWD, path, O_RDONLY | O_NONBLOCK, 0), r;

	if (fd < 0)
		return fd;
	r = sys_ioctl((int)fd, FS_IOC_FSSETXATTR, (unsigned long)fa);
	sys_close((int)fd);
	return r;
}

CASE(fsxattr_get_flags_as_xflags)
{
	struct fsxattr fa;

	mkfile("f", "");
	OK(change("f", FS_NODUMP_FL | FS_NOATIME_FL, 0));
	EQ(fsxattr_of("f", &fa), 0);
	EQ(fa.fsx_xflags, FS_XFLAG_NODUMP | FS_XFLAG_NOATIME);
	EQ(fa.fsx_extsize, 0);
	EQ(fa.fsx_projid, 0);
	EQ(fa.fsx_cowextsize, 0);
}

CASE(fsxattr_set_sets_flags)
{
	struct fsxattr fa;

	mkfile("f", "");
	OK(fsxattr_of("f", &fa));
	fa.fsx_xflags |= FS_XFLAG_NODUMP | FS_XFLAG_APPEND;
	EQ(set_fsxattr("f", &fa), 0);
	EQ(inode_flags("f") & USER_FLAGS, FS_NODUMP_FL | FS_APPEND_FL);
	fa.fsx_xflags &= ~(FS_XFLAG_NODUMP | FS_XFLAG_APPEND);
	EQ(set_fsxattr("f", &fa), 0);
	EQ(inode_flags("f") & USER_FLAGS, 0);
}

CASE(fsxattr_projid_eopnotsupp)
{
	struct fsxattr fa;

	mkfile("f", "");
	OK(fsxattr_of("f", &fa));
	fa.fsx_projid = 7;
	ERR(set_fsxattr("f", &fa), -EOPNOTSUPP);
}

CASE(fsxattr_immutable_needs_cap)
{
	struct fsxattr fa;

	mkfile("f", "");
	OK(sys_fchownat(AT_FDCWD, "f", 1000, 1000, 0));
	OK(fsxattr_of("f", &fa));
	fa.fsx_xflags |= FS_XFLAG_IMMUTABLE;
	dual_become(1000, 1000);
	ERR(set_fsxattr("f", &fa), -EPERM);
	dual_unbecome();
}

CASE(fsxattr_bad_pointer)
{
	long fd;

	mkfile("f", "");
	fd = OK(sys_openat(AT_FDCWD, "f", O_RDONLY, 0));
	ERR(sys_ioctl((int)fd, FS_IOC_FSGETXATTR, (unsigned long)BADPTR), -EFAULT);
	ERR(sys_ioctl((int)fd, FS_IOC_FSSETXATTR, (unsigned long)BADPTR), -EFAULT);
	sys_close((int)fd);
}

CASE(fsxattr_extsize_tmpfs_eopnotsupp)
{
	struct fsxattr fa;

	mkfile("f", "");
	OK(fsxattr_of("f", &fa));
	fa.fsx_extsize = 4096;
	ERR(set_fsxattr("f", &fa), -EOPNOTSUPP);
}

CASE(fsxattr_other_xflag_tmpfs_eopnotsupp)
{
	struct fsxattr fa;

	mkfile("f", "");
	OK(fsxattr_of("f", &fa));
	fa.fsx_xflags |= FS_XFLAG_NODEFRAG;
	ERR(set_fsxattr("f", &fa), -EOPNOTSUPP);
}

CASE(fileattr_set_on_pipe_reads_argument_first)
{
	struct fsxattr fa = {0};
	int fds[2], flags = 0;

	OK(sys_pipe2(fds, 0));
	ERR(sys_ioctl(fds[0], FS_IOC_SETFLAGS, (unsigned long)BADPTR), -EFAULT);
	ERR(sys_ioctl(fds[0], FS_IOC_SETFLAGS, (unsigned long)&flags), -ENOTTY);
	ERR(sys_ioctl(fds[0], FS_IOC_FSSETXATTR, (unsigned long)BADPTR), -EFAULT);
	ERR(sys_ioctl(fds[0], FS_IOC_FSSETXATTR, (unsigned long)&fa), -ENOTTY);
	ERR(sys_ioctl(fds[0], FS_IOC_GETFLAGS, (unsigned long)BADPTR), -ENOTTY);
	sys_close(fds[0]);
	sys_close(fds[1]);
}
