/*
 * One set of file operations for each side of a copy: the host (libc) and
 * the liblinux kernel (lkl_sys_*). Both return Linux's convention: a
 * result, or a negative errno.
 */
#ifndef LIBLINUX_TOOLS_FSOPS_H
#define LIBLINUX_TOOLS_FSOPS_H

#include <stddef.h>

struct xstat {
	unsigned int mode, uid, gid;
	long long size;
	long long atime_sec, atime_nsec, mtime_sec, mtime_nsec;
	unsigned long long ino;
};

struct fsops {
	int is_lkl;
	long (*lstat)(const char *path, struct xstat *st);
	long (*open)(const char *path, int flags, int mode);
	long (*read)(long fd, void *buf, long n);
	long (*write)(long fd, const void *buf, long n);
	long (*close)(long fd);
	long (*mkdir)(const char *path, int mode);
	long (*symlink)(const char *target, const char *path);
	long (*readlink)(const char *path, char *buf, long n);
	long (*lchown)(const char *path, long uid, long gid);
	long (*chmod)(const char *path, int mode);
	long (*utimens)(const char *path, const struct xstat *st, int nofollow);
	void *(*opendir)(const char *path, long *err);
	const char *(*readdir)(void *dir);
	long (*readdir_error)(void *dir);
	void (*closedir)(void *dir);
};

extern const struct fsops host_fsops, lkl_fsops;

#endif
