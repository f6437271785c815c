/*
 * One set of file operations for each side of a copy: the host (libc) and
 * the liblinux kernel (lkl_sys_*). Every operation returns Linux's
 * convention: a result, or a negative errno.
 */
#ifndef LIBLINUX_TOOLS_FSOPS_H
#define LIBLINUX_TOOLS_FSOPS_H

#include <stddef.h>

/* xstat is the part of a stat that a copy needs, from either side. */
struct xstat {
	unsigned int mode, uid, gid, nlink;
	unsigned long long dev, ino;
	long long size, blocks; /* blocks in 512-byte units */
	long long atime_sec, atime_nsec, mtime_sec, mtime_nsec;
};

struct fsops {
	int is_lkl;
	long (*lstat)(const char *path, struct xstat *st);
	long (*fstat)(long fd, struct xstat *st);
	long (*open)(const char *path, int flags, int mode);
	long (*read)(long fd, void *buf, long n);
	long (*write)(long fd, const void *buf, long n);
	long (*lseek)(long fd, long long off, int whence);
	long (*ftruncate)(long fd, long long len);
	long (*close)(long fd);
	long (*mkdir)(const char *path, int mode);
	long (*symlink)(const char *target, const char *path);
	long (*readlink)(const char *path, char *buf, long n);
	long (*link)(const char *oldpath, const char *newpath);
	long (*unlink)(const char *path);
	long (*lchown)(const char *path, long uid, long gid);
	long (*chmod)(const char *path, int mode);
	long (*utimens)(const char *path, const struct xstat *st);
	/* The same three on an open file: no second path walk. */
	long (*fchown)(long fd, long uid, long gid);
	long (*fchmod)(long fd, int mode);
	long (*futimens)(long fd, const struct xstat *st);
	long (*llistxattr)(const char *path, char *list, long n);
	long (*lgetxattr)(const char *path, const char *name, void *val, long n);
	long (*lsetxattr)(const char *path, const char *name, const void *val, long n);
	void *(*opendir)(const char *path, long *err);
	/* readdir returns the next name, or NULL at the end or on an error
	 * (then *err is set to the negative errno). */
	const char *(*readdir)(void *dir, long *err);
	void (*closedir)(void *dir);
};

extern const struct fsops host_fsops, lkl_fsops;

#endif
