/* The host and liblinux implementations of struct fsops. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lkl.h>

#include "fsops.h"

/* Host side. */
static long neg(long r) { return r < 0 ? -errno : r; }

static long h_lstat(const char *p, struct xstat *x)
{
	struct stat st;

	if (lstat(p, &st) < 0)
		return -errno;
	x->mode = st.st_mode;
	x->uid = st.st_uid;
	x->gid = st.st_gid;
	x->size = st.st_size;
	x->ino = st.st_ino;
	x->atime_sec = st.st_atim.tv_sec;
	x->atime_nsec = st.st_atim.tv_nsec;
	x->mtime_sec = st.st_mtim.tv_sec;
	x->mtime_nsec = st.st_mtim.tv_nsec;
	return 0;
}
static long h_open(const char *p, int f, int m) { return neg(open(p, f, m)); }
static long h_read(long fd, void *b, long n) { return neg(read((int)fd, b, n)); }
static long h_write(long fd, const void *b, long n) { return neg(write((int)fd, b, n)); }
static long h_close(long fd) { return neg(close((int)fd)); }
static long h_mkdir(const char *p, int m) { return neg(mkdir(p, m)); }
static long h_symlink(const char *t, const char *p) { return neg(symlink(t, p)); }
static long h_readlink(const char *p, char *b, long n) { return neg(readlink(p, b, n)); }
static long h_lchown(const char *p, long u, long g) { return neg(lchown(p, (uid_t)u, (gid_t)g)); }
static long h_chmod(const char *p, int m) { return neg(chmod(p, m)); }

static long h_utimens(const char *p, const struct xstat *x, int nofollow)
{
	struct timespec ts[2] = { { x->atime_sec, x->atime_nsec }, { x->mtime_sec, x->mtime_nsec } };

	return neg(utimensat(AT_FDCWD, p, ts, nofollow ? AT_SYMLINK_NOFOLLOW : 0));
}

struct hdir {
	DIR *d;
	int err;
};

static void *h_opendir(const char *p, long *err)
{
	struct hdir *h = malloc(sizeof(*h));

	if (!h) {
		*err = -ENOMEM;
		return NULL;
	}
	h->d = opendir(p);
	h->err = 0;
	if (!h->d) {
		*err = -errno;
		free(h);
		return NULL;
	}
	return h;
}

static const char *h_readdir(void *dir)
{
	struct hdir *h = dir;
	struct dirent *e;

	errno = 0;
	e = readdir(h->d);
	if (!e && errno)
		h->err = -errno;
	return e ? e->d_name : NULL;
}

static long h_readdir_error(void *dir) { return ((struct hdir *)dir)->err; }

static void h_closedir(void *dir)
{
	closedir(((struct hdir *)dir)->d);
	free(dir);
}

const struct fsops host_fsops = {
	0, h_lstat, h_open, h_read, h_write, h_close, h_mkdir, h_symlink, h_readlink,
	h_lchown, h_chmod, h_utimens, h_opendir, h_readdir, h_readdir_error, h_closedir,
};

/* liblinux side. */
static long l_lstat(const char *p, struct xstat *x)
{
	struct lkl_stat st;
	long r = lkl_sys_lstat(p, &st);

	if (r < 0)
		return r;
	x->mode = st.st_mode;
	x->uid = st.st_uid;
	x->gid = st.st_gid;
	x->size = st.st_size;
	x->ino = st.st_ino;
	x->atime_sec = st.lkl_st_atime;
	x->atime_nsec = st.st_atime_nsec;
	x->mtime_sec = st.lkl_st_mtime;
	x->mtime_nsec = st.st_mtime_nsec;
	return 0;
}
static long l_open(const char *p, int f, int m) { return lkl_sys_open(p, f, m); }
static long l_read(long fd, void *b, long n) { return lkl_sys_read(fd, b, n); }
static long l_write(long fd, const void *b, long n) { return lkl_sys_write(fd, b, n); }
static long l_close(long fd) { return lkl_sys_close(fd); }
static long l_mkdir(const char *p, int m) { return lkl_sys_mkdir(p, m); }
static long l_symlink(const char *t, const char *p) { return lkl_sys_symlink(t, p); }
static long l_readlink(const char *p, char *b, long n) { return lkl_sys_readlink(p, b, n); }
static long l_lchown(const char *p, long u, long g)
{
	return lkl_sys_fchownat(LKL_AT_FDCWD, p, u, g, LKL_AT_SYMLINK_NOFOLLOW);
}
static long l_chmod(const char *p, int m) { return lkl_sys_chmod(p, m); }

static long l_utimens(const char *p, const struct xstat *x, int nofollow)
{
	struct __lkl__kernel_timespec ts[2] = { { x->atime_sec, x->atime_nsec }, { x->mtime_sec, x->mtime_nsec } };

	return lkl_sys_utimensat(LKL_AT_FDCWD, p, ts, nofollow ? LKL_AT_SYMLINK_NOFOLLOW : 0);
}

struct ldir {
	struct lkl_dir *d;
};

static void *l_opendir(const char *p, long *err)
{
	int e = 0;
	struct lkl_dir *d = lkl_opendir(p, &e);

	if (!d)
		*err = e ? e : -LKL_ENOMEM;
	return d;
}

static const char *l_readdir(void *dir)
{
	struct lkl_linux_dirent64 *e = lkl_readdir(dir);

	return e ? e->d_name : NULL;
}

static long l_readdir_error(void *dir) { return lkl_errdir(dir); }
static void l_closedir(void *dir) { lkl_closedir(dir); }

const struct fsops lkl_fsops = {
	1, l_lstat, l_open, l_read, l_write, l_close, l_mkdir, l_symlink, l_readlink,
	l_lchown, l_chmod, l_utimens, l_opendir, l_readdir, l_readdir_error, l_closedir,
};
