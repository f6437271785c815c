/* The host and liblinux implementations of struct fsops. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <lkl.h>

#include "fsops.h"

/* Host side: libc, with errno folded into the result. */
static long neg(long r) { return r < 0 ? -errno : r; }

/* h_xstat fills x from a stat. */
static void h_xstat(const struct stat *s, struct xstat *x)
{
	x->mode = s->st_mode;
	x->uid = s->st_uid;
	x->gid = s->st_gid;
	x->nlink = s->st_nlink;
	x->dev = s->st_dev;
	x->ino = s->st_ino;
	x->size = s->st_size;
	x->blocks = s->st_blocks;
	x->atime_sec = s->st_atim.tv_sec;
	x->atime_nsec = s->st_atim.tv_nsec;
	x->mtime_sec = s->st_mtim.tv_sec;
	x->mtime_nsec = s->st_mtim.tv_nsec;
}

static long h_lstat(const char *p, struct xstat *x)
{
	struct stat st;

	if (lstat(p, &st) < 0)
		return -errno;
	h_xstat(&st, x);
	return 0;
}

static long h_fstat(long fd, struct xstat *x)
{
	struct stat st;

	if (fstat((int)fd, &st) < 0)
		return -errno;
	h_xstat(&st, x);
	return 0;
}

static long h_open(const char *p, int f, int m) { return neg(open(p, f | O_CLOEXEC, m)); }
static long h_read(long fd, void *b, long n) { return neg(read((int)fd, b, n)); }
static long h_write(long fd, const void *b, long n) { return neg(write((int)fd, b, n)); }
static long h_lseek(long fd, long long off, int wh) { return neg(lseek((int)fd, off, wh)); }
static long h_ftruncate(long fd, long long len) { return neg(ftruncate((int)fd, len)); }
static long h_close(long fd) { return neg(close((int)fd)); }
static long h_mkdir(const char *p, int m) { return neg(mkdir(p, m)); }
static long h_symlink(const char *t, const char *p) { return neg(symlink(t, p)); }
static long h_readlink(const char *p, char *b, long n) { return neg(readlink(p, b, n)); }
static long h_link(const char *o, const char *n) { return neg(link(o, n)); }
static long h_unlink(const char *p) { return neg(unlink(p)); }
static long h_lchown(const char *p, long u, long g) { return neg(lchown(p, (uid_t)u, (gid_t)g)); }
static long h_chmod(const char *p, int m) { return neg(chmod(p, m)); }

static long h_utimens(const char *p, const struct xstat *x)
{
	struct timespec ts[2] = { { x->atime_sec, x->atime_nsec }, { x->mtime_sec, x->mtime_nsec } };

	return neg(utimensat(AT_FDCWD, p, ts, AT_SYMLINK_NOFOLLOW));
}

static long h_fchown(long fd, long u, long g) { return neg(fchown((int)fd, (uid_t)u, (gid_t)g)); }
static long h_fchmod(long fd, int m) { return neg(fchmod((int)fd, m)); }

static long h_futimens(long fd, const struct xstat *x)
{
	struct timespec ts[2] = { { x->atime_sec, x->atime_nsec }, { x->mtime_sec, x->mtime_nsec } };

	return neg(futimens((int)fd, ts));
}

static long h_llistxattr(const char *p, char *l, long n) { return neg(llistxattr(p, l, n)); }
static long h_lgetxattr(const char *p, const char *name, void *v, long n)
{
	return neg(lgetxattr(p, name, v, n));
}
static long h_lsetxattr(const char *p, const char *name, const void *v, long n)
{
	return neg(lsetxattr(p, name, v, n, 0));
}

static void *h_opendir(const char *p, long *err)
{
	DIR *d = opendir(p);

	if (!d)
		*err = -errno;
	return d;
}

static const char *h_readdir(void *dir, long *err)
{
	struct dirent *e;

	errno = 0;
	e = readdir(dir);
	if (!e) {
		*err = -errno;
		return NULL;
	}
	return e->d_name;
}

static void h_closedir(void *dir) { closedir(dir); }

const struct fsops host_fsops = {
	.is_lkl = 0,
	.lstat = h_lstat,
	.fstat = h_fstat,
	.open = h_open,
	.read = h_read,
	.write = h_write,
	.lseek = h_lseek,
	.ftruncate = h_ftruncate,
	.close = h_close,
	.mkdir = h_mkdir,
	.symlink = h_symlink,
	.readlink = h_readlink,
	.link = h_link,
	.unlink = h_unlink,
	.lchown = h_lchown,
	.chmod = h_chmod,
	.utimens = h_utimens,
	.fchown = h_fchown,
	.fchmod = h_fchmod,
	.futimens = h_futimens,
	.llistxattr = h_llistxattr,
	.lgetxattr = h_lgetxattr,
	.lsetxattr = h_lsetxattr,
	.opendir = h_opendir,
	.readdir = h_readdir,
	.closedir = h_closedir,
};

/* liblinux side: the lkl_sys_* calls already return -errno. */
/* l_xstat fills x from a stat. */
static void l_xstat(const struct lkl_stat *s, struct xstat *x)
{
	x->mode = s->st_mode;
	x->uid = s->st_uid;
	x->gid = s->st_gid;
	x->nlink = s->st_nlink;
	x->dev = s->st_dev;
	x->ino = s->st_ino;
	x->size = s->st_size;
	x->blocks = s->st_blocks;
	x->atime_sec = s->lkl_st_atime;
	x->atime_nsec = (long long)s->st_atime_nsec;
	x->mtime_sec = s->lkl_st_mtime;
	x->mtime_nsec = (long long)s->st_mtime_nsec;
}

static long l_lstat(const char *p, struct xstat *x)
{
	struct lkl_stat st;
	long r = lkl_sys_lstat(p, &st);

	if (r == 0)
		l_xstat(&st, x);
	return r;
}

static long l_fstat(long fd, struct xstat *x)
{
	struct lkl_stat st;
	long r = lkl_sys_fstat(fd, &st);

	if (r == 0)
		l_xstat(&st, x);
	return r;
}

/* l_open takes the host's O_* flags and passes Linux's generic values. */
static long l_open(const char *p, int f, int m)
{
	int lf = (f & O_ACCMODE) == O_WRONLY ? LKL_O_WRONLY :
		 (f & O_ACCMODE) == O_RDWR ? LKL_O_RDWR : LKL_O_RDONLY;

	if (f & O_CREAT)
		lf |= LKL_O_CREAT;
	if (f & O_TRUNC)
		lf |= LKL_O_TRUNC;
	if (f & O_EXCL)
		lf |= LKL_O_EXCL;
	if (f & O_NOFOLLOW)
		lf |= LKL_O_NOFOLLOW;
	if (f & O_DIRECTORY)
		lf |= LKL_O_DIRECTORY;
	return lkl_sys_open(p, lf, m);
}
static long l_read(long fd, void *b, long n) { return lkl_sys_read(fd, b, n); }
static long l_write(long fd, const void *b, long n) { return lkl_sys_write(fd, b, n); }
static long l_lseek(long fd, long long off, int wh) { return lkl_sys_lseek(fd, off, wh); }
static long l_ftruncate(long fd, long long len) { return lkl_sys_ftruncate(fd, len); }
static long l_close(long fd) { return lkl_sys_close(fd); }
static long l_mkdir(const char *p, int m) { return lkl_sys_mkdir(p, m); }
static long l_symlink(const char *t, const char *p) { return lkl_sys_symlink(t, p); }
static long l_readlink(const char *p, char *b, long n) { return lkl_sys_readlink(p, b, n); }
static long l_link(const char *o, const char *n) { return lkl_sys_link(o, n); }
static long l_unlink(const char *p) { return lkl_sys_unlink(p); }
static long l_lchown(const char *p, long u, long g)
{
	return lkl_sys_fchownat(LKL_AT_FDCWD, p, u, g, LKL_AT_SYMLINK_NOFOLLOW);
}
static long l_chmod(const char *p, int m) { return lkl_sys_chmod(p, m); }

static long l_utimens(const char *p, const struct xstat *x)
{
	struct __lkl__kernel_timespec ts[2] = { { x->atime_sec, x->atime_nsec }, { x->mtime_sec, x->mtime_nsec } };

	return lkl_sys_utimensat(LKL_AT_FDCWD, p, ts, LKL_AT_SYMLINK_NOFOLLOW);
}

static long l_fchown(long fd, long u, long g) { return lkl_sys_fchown(fd, u, g); }
static long l_fchmod(long fd, int m) { return lkl_sys_fchmod(fd, m); }

static long l_futimens(long fd, const struct xstat *x)
{
	struct __lkl__kernel_timespec ts[2] = { { x->atime_sec, x->atime_nsec }, { x->mtime_sec, x->mtime_nsec } };

	return lkl_sys_utimensat(fd, NULL, ts, 0);
}

static long l_llistxattr(const char *p, char *l, long n) { return lkl_sys_llistxattr(p, l, n); }
static long l_lgetxattr(const char *p, const char *name, void *v, long n)
{
	return lkl_sys_lgetxattr(p, name, v, n);
}
static long l_lsetxattr(const char *p, const char *name, const void *v, long n)
{
	return lkl_sys_lsetxattr(p, name, v, n, 0);
}

static void *l_opendir(const char *p, long *err)
{
	int e = 0;
	struct lkl_dir *d = lkl_opendir(p, &e);

	if (!d)
		*err = e ? e : -LKL_ENOMEM;
	return d;
}

static const char *l_readdir(void *dir, long *err)
{
	struct lkl_linux_dirent64 *e = lkl_readdir(dir);

	if (!e) {
		*err = lkl_errdir(dir);
		return NULL;
	}
	return e->d_name;
}

static void l_closedir(void *dir) { lkl_closedir(dir); }

const struct fsops lkl_fsops = {
	.is_lkl = 1,
	.lstat = l_lstat,
	.fstat = l_fstat,
	.open = l_open,
	.read = l_read,
	.write = l_write,
	.lseek = l_lseek,
	.ftruncate = l_ftruncate,
	.close = l_close,
	.mkdir = l_mkdir,
	.symlink = l_symlink,
	.readlink = l_readlink,
	.link = l_link,
	.unlink = l_unlink,
	.lchown = l_lchown,
	.chmod = l_chmod,
	.utimens = l_utimens,
	.fchown = l_fchown,
	.fchmod = l_fchmod,
	.futimens = l_futimens,
	.llistxattr = l_llistxattr,
	.lgetxattr = l_lgetxattr,
	.lsetxattr = l_lsetxattr,
	.opendir = l_opendir,
	.readdir = l_readdir,
	.closedir = l_closedir,
};
