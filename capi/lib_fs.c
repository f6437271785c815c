/*
 * File system helpers of LKL's C API: a readdir-style directory stream over
 * getdents64, lkl_mount_fs, lkl_set_fd_limit and lkl_umount_timeout.
 * They use only the exported lkl_sys_* calls, so they behave exactly like a
 * program making the same system calls. All return negative Linux errnos.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <lkl.h>
#include <lkl_host.h>

#include "lib_ops.h"

/*
 * A directory stream. buf holds the last getdents64 result: len bytes of
 * records, pos the next one to return. len < 0 is the error that ended the
 * stream; len == 0 with pos == NULL means "refill on the next read".
 */
struct lkl_dir {
	int fd;
	int len;
	char *pos;
	_Alignas(struct lkl_linux_dirent64) char buf[1024];
};

static struct lkl_dir *dir_new(int fd)
{
	struct lkl_dir *dir = malloc(sizeof(*dir));

	if (dir == NULL)
		return NULL;
	dir->fd = fd;
	dir->len = 0;
	dir->pos = NULL;
	return dir;
}

struct lkl_dir *lkl_opendir(const char *path, int *err)
{
	struct lkl_dir *dir;
	long fd;

	fd = lkl_sys_openat(LKL_AT_FDCWD, path, LKL_O_RDONLY | LKL_O_DIRECTORY,
			    0);
	if (fd < 0) {
		if (err != NULL)
			*err = (int)fd;
		return NULL;
	}
	dir = dir_new((int)fd);
	if (dir == NULL) {
		lkl_sys_close((unsigned int)fd);
		if (err != NULL)
			*err = -LKL_ENOMEM;
		return NULL;
	}
	return dir;
}

struct lkl_dir *lkl_fdopendir(int fd, int *err)
{
	struct lkl_dir *dir;

	if (fd < 0) {
		if (err != NULL)
			*err = -LKL_EBADF;
		return NULL;
	}
	dir = dir_new(fd);
	if (dir == NULL && err != NULL)
		*err = -LKL_ENOMEM;
	return dir;
}

void lkl_rewinddir(struct lkl_dir *dir)
{
	if (dir == NULL)
		return;
	lkl_sys_lseek((unsigned int)dir->fd, 0, LKL_SEEK_SET);
	dir->len = 0;
	dir->pos = NULL;
}

int lkl_closedir(struct lkl_dir *dir)
{
	long ret;

	if (dir == NULL)
		return -LKL_EINVAL;
	ret = lkl_sys_close((unsigned int)dir->fd);
	free(dir);
	return (int)ret;
}

struct lkl_linux_dirent64 *lkl_readdir(struct lkl_dir *dir)
{
	const size_t head = offsetof(struct lkl_linux_dirent64, d_name);
	struct lkl_linux_dirent64 *de;
	size_t left;

	if (dir == NULL || dir->len < 0)
		return NULL;
	if (dir->pos == NULL || dir->pos >= dir->buf + dir->len) {
		long n = lkl_sys_getdents64((unsigned int)dir->fd,
					    (struct lkl_linux_dirent64 *)dir->buf,
					    sizeof(dir->buf));

		if (n > (long)sizeof(dir->buf))
			n = -LKL_EIO;
		dir->pos = NULL;
		dir->len = (int)n;
		if (dir->len <= 0)
			return NULL;
		dir->pos = dir->buf;
	}

	/* Never walk off the buffer on a malformed record. */
	de = (struct lkl_linux_dirent64 *)dir->pos;
	left = (size_t)(dir->buf + dir->len - dir->pos);
	if (left < head || de->d_reclen <= head || de->d_reclen > left) {
		dir->pos = NULL;
		dir->len = -LKL_EIO;
		return NULL;
	}
	dir->pos += de->d_reclen;
	return de;
}

int lkl_errdir(struct lkl_dir *dir)
{
	if (dir == NULL)
		return -LKL_EINVAL;
	return dir->len < 0 ? dir->len : 0;
}

int lkl_dirfd(struct lkl_dir *dir)
{
	if (dir == NULL)
		return -LKL_EINVAL;
	return dir->fd;
}

/*
 * lkl_mount_fs mounts a pseudo file system (proc, sysfs, ...) of type
 * fstype on /<fstype>, creating the directory if needed (mode 0377 less
 * the umask, as LKL's). Returns 0 when mounted, 1 when the mount fails
 * with EBUSY, which is how it is "already mounted": the kernel refuses
 * the same filesystem again on the root of its own mount (sysfs,
 * devtmpfs), while proc, a filesystem per mount, stacks and gives 0, as
 * on Linux. Otherwise a negative errno; a directory it created is
 * removed again if the mount fails.
 */
int lkl_mount_fs(char *fstype)
{
	char dir[1 + 255 + 1];
	char none[] = "none";
	size_t len;
	long ret;
	int created;

	if (fstype == NULL || fstype[0] == '\0')
		return -LKL_EINVAL;
	len = strlen(fstype);
	if (len > sizeof(dir) - 2)
		return -LKL_ENAMETOOLONG;
	dir[0] = '/';
	memcpy(dir + 1, fstype, len + 1);

	ret = lkl_sys_mkdirat(LKL_AT_FDCWD, dir, 0377);
	if (ret != 0 && ret != -LKL_EEXIST) {
		lkl_perror("mount_fs mkdir", (int)ret);
		return (int)ret;
	}
	created = ret == 0;

	ret = lkl_sys_mount(none, dir, fstype, 0, NULL);
	if (ret == -LKL_EBUSY)
		return 1;
	if (ret != 0) {
		if (created)
			lkl_sys_unlinkat(LKL_AT_FDCWD, dir, LKL_AT_REMOVEDIR);
		return (int)ret;
	}
	return 0;
}

int lkl_set_fd_limit(unsigned int fd_limit)
{
	struct lkl_rlimit rlim;

	rlim.rlim_cur = fd_limit;
	rlim.rlim_max = fd_limit;
	return (int)lkl_sys_setrlimit(LKL_RLIMIT_NOFILE, &rlim);
}

/*
 * lkl_umount_timeout unmounts path, retrying every 10 ms while the file
 * system is busy, until about timeout_ms have passed. It returns the last
 * umount result (-EBUSY on timeout); it does not remove the mount point.
 */
long lkl_umount_timeout(char *path, int flags, long timeout_ms)
{
	const long step_ms = 10;

	for (;;) {
		struct __lkl__kernel_timespec ts;
		long err = lkl_sys_umount(path, flags);

		if (err != -LKL_EBUSY || timeout_ms <= 0)
			return err;
		ts.tv_sec = 0;
		ts.tv_nsec = step_ms * 1000000L;
		lkl_sys_nanosleep(&ts, NULL);
		timeout_ms -= step_ms;
	}
}
