/* ext4's own rules for inode attribute flags (FS_IOC_SETFLAGS): which
 * flags it keeps for each type of inode, what an immutable file still
 * allows, and the flags new files get. Runs only in the ext4 mode. */
#include "dual.h"

static long setflags(const char *path, int flags)
{
	long fd = sys_openat(AT_FDCWD, path, O_RDONLY | O_NONBLOCK, 0), r;

	if (fd < 0)
		return fd;
	r = sys_ioctl((int)fd, FS_IOC_SETFLAGS, (unsigned long)&flags);
	sys_close((int)fd);
	return r;
}

CASE(ext4_fileattr_new_file_extents)
{
	mkfile("f", "");
	mkdir_p("d");
	EQ(inode_flags("f"), FS_EXTENT_FL);
	EQ(inode_flags("d"), FS_EXTENT_FL);
}

CASE(ext4_fileattr_sync_and_type_masks)
{
	mkfile("f", "");
	EQ(setflags("f", FS_EXTENT_FL | FS_SYNC_FL), 0);
	EQ(inode_flags("f"), FS_EXTENT_FL | FS_SYNC_FL);
	ERR(setflags("f", FS_EXTENT_FL | FS_DIRSYNC_FL), -EOPNOTSUPP);
	ERR(setflags("f", FS_EXTENT_FL | FS_NOCOW_FL), -EOPNOTSUPP);
	/* Visible flags that cannot be set are dropped, not refused. */
	EQ(setflags("f", FS_EXTENT_FL | FS_INDEX_FL), 0);
	EQ(inode_flags("f"), FS_EXTENT_FL);
}

CASE(ext4_fileattr_dir_flags)
{
	mkdir_p("d");
	EQ(setflags("d", FS_EXTENT_FL | FS_DIRSYNC_FL | FS_TOPDIR_FL), 0);
	EQ(inode_flags("d"), FS_EXTENT_FL | FS_DIRSYNC_FL | FS_TOPDIR_FL);
	mkdir_p("d/e");
	mkfile("d/f", "");
	EQ(inode_flags("d/e"), FS_EXTENT_FL | FS_DIRSYNC_FL);
	EQ(inode_flags("d/f"), FS_EXTENT_FL);
}

CASE(ext4_fileattr_immutable_fixes_others)
{
	mkfile("f", "");
	OK(setflags("f", FS_EXTENT_FL | FS_IMMUTABLE_FL));
	ERR(setflags("f", FS_EXTENT_FL | FS_IMMUTABLE_FL | FS_NODUMP_FL), -EPERM);
	EQ(setflags("f", FS_EXTENT_FL | FS_NODUMP_FL), 0);
	EQ(inode_flags("f"), FS_EXTENT_FL | FS_NODUMP_FL);
}

CASE(ext4_fileattr_immutable_old_fd)
{
	long fd;

	mkfile("f", "data");
	fd = OK(sys_openat(AT_FDCWD, "f", O_RDWR, 0));
	OK(setflags("f", FS_EXTENT_FL | FS_IMMUTABLE_FL));
	ERR(sys_write((int)fd, "ab", 2), -EPERM);
	ERR(sys_ftruncate((int)fd, 1), -EPERM);
	OK(setflags("f", FS_EXTENT_FL));
	sys_close((int)fd);
	EQ_STR(read_all("f"), "data");
}

CASE(ext4_fsxattr_ignores_extsize)
{
	struct fsxattr fa;
	long fd;

	mkfile("f", "");
	fd = OK(sys_openat(AT_FDCWD, "f", O_RDONLY, 0));
	OK(sys_ioctl((int)fd, FS_IOC_FSGETXATTR, (unsigned long)&fa));
	fa.fsx_extsize = 4096;
	fa.fsx_xflags |= FS_XFLAG_NODEFRAG | FS_XFLAG_NODUMP;
	EQ(sys_ioctl((int)fd, FS_IOC_FSSETXATTR, (unsigned long)&fa), 0);
	OK(sys_ioctl((int)fd, FS_IOC_FSGETXATTR, (unsigned long)&fa));
	EQ(fa.fsx_xflags, FS_XFLAG_NODUMP);
	EQ(fa.fsx_extsize, 0);
	sys_close((int)fd);
}
