/*
 * dual.h: the case framework of the dual-target suite.
 *
 *   CASE(name) { ... }        registers a case; names are unique per suite
 *   EQ(got, want)             integers must be equal
 *   ERR(call, -EXXX)          the call must fail with exactly that errno
 *   EQ_STR(got, want)         strings must be equal
 *   EQ_MEM(got, want, n)      n bytes must be equal
 *   CHECK(cond)               a condition that has no single "want" value
 *   OK(call)                  setup step: the result if >= 0, else the case
 *                             fails and stops here (its value is the result)
 *
 * Each case runs in a fresh scratch directory that is its working
 * directory, so paths are relative: on the host a directory under a
 * mkdtemp() base on tmpfs (/dev/shm), on liblinux a directory under /dual
 * in the library kernel's root tmpfs (in the ext4 mode both are on ext4
 * images: see README.md). File descriptors 0-2 are open and
 * nothing else, so the first new descriptor is 3; the umask is 022.
 *
 * On the host every case runs in a forked child (so uid changes, chroot,
 * rlimits and mount namespaces end with it); on liblinux the framework
 * undoes what a case may leave behind (descriptors, credentials, rlimits,
 * working directory, mounts under the scratch directory).
 */
#ifndef DUAL_H
#define DUAL_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "sys.h"

struct dual_case {
	const char *name;
	void (*fn)(void);
	int line;
	int isolated;
};

void dual_register(struct dual_case *c);

#define DUAL_CASE(name, iso)                                                       \
	static void dual_case_##name(void);                                        \
	static struct dual_case dual_reg_##name = {#name, dual_case_##name, __LINE__, iso}; \
	__attribute__((constructor)) static void dual_ctor_##name(void)            \
	{                                                                          \
		dual_register(&dual_reg_##name);                                   \
	}                                                                          \
	static void dual_case_##name(void)

#define CASE(name) DUAL_CASE(name, 0)

/*
 * CASE_ISOLATED: a case that changes its process for good (drops root
 * irrevocably, ...). On the host every case is a process of its own anyway;
 * on liblinux this one runs on a new host thread made a process of its own
 * with lkl_sys_new_thread_group_leader() (copies of the creds, descriptors,
 * working directory and rlimits). It must not start threads.
 */
#define CASE_ISOLATED(name) DUAL_CASE(name, 1)

void dual_fail_eq(const char *file, int line, const char *expr, long long got, long long want);
void dual_fail_str(const char *file, int line, const char *expr, const char *got, const char *want);
void dual_fail_msg(const char *file, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void dual_abort(const char *file, int line, const char *expr, long long got) __attribute__((noreturn));

#define DUAL_EQ(got, want, text)                                                   \
	do {                                                                       \
		long long g_ = (long long)(got), w_ = (long long)(want);           \
		if (g_ != w_)                                                      \
			dual_fail_eq(__FILE__, __LINE__, text, g_, w_);            \
	} while (0)

#define EQ(got, want) DUAL_EQ(got, want, #got)
#define ERR(call, err) DUAL_EQ(call, err, #call)

#define EQ_STR(got, want)                                                          \
	do {                                                                       \
		const char *gs_ = (got), *ws_ = (want);                            \
		if (gs_ == NULL || strcmp(gs_, ws_) != 0)                          \
			dual_fail_str(__FILE__, __LINE__, #got, gs_, ws_);         \
	} while (0)

#define EQ_MEM(got, want, n)                                                       \
	do {                                                                       \
		if (memcmp((got), (want), (n)) != 0)                               \
			dual_fail_msg(__FILE__, __LINE__, "%s: bytes differ from %s", #got, #want); \
	} while (0)

#define CHECK(cond)                                                                \
	do {                                                                       \
		if (!(cond))                                                       \
			dual_fail_msg(__FILE__, __LINE__, "%s is false", #cond);   \
	} while (0)

#define OK(call)                                                                   \
	({                                                                         \
		long r_ = (long)(call);                                            \
		if (r_ < 0)                                                        \
			dual_abort(__FILE__, __LINE__, #call, r_);                 \
		r_;                                                                \
	})

/* The fault page (PROT_NONE) for EFAULT cases. */
#define BADPTR ((void *)dual_fault_page)

/* Absolute path of the current case's scratch directory. */
extern char dual_scratch[];

/* Helpers (dual.c). All abort the case on failure. */
int mkfile(const char *path, const char *content);         /* creates, 0644, closed */
int mkfile_mode(const char *path, const char *content, mode_t mode); /* exactly mode */
void mkdir_p(const char *path);                            /* 0755 */
struct stat stat_of(const char *path);                     /* fstatat, no follow */
struct stat fstat_of(int fd);
mode_t mode_of(const char *path);                           /* st_mode, no follow */
off_t size_of(const char *path);
char *read_all(const char *path);                           /* static buffer, NUL-terminated */
int exists(const char *path);                               /* 1, 0 (ENOENT) */
int dir_list(const char *path, char *out, size_t size);     /* sorted "a,b,c" without . and .., count */
const char *errname(long long e);                           /* "EINVAL" for -22 or 22 */
long inode_flags(const char *path);                         /* FS_IOC_GETFLAGS, or -errno */

/* Unprivileged caller: groups cleared, real/effective ids set, saved ids 0. */
void dual_become(uid_t uid, gid_t gid);
/* Back to root (the saved id 0 allows it). */
void dual_unbecome(void);

/* Host: enter a private mount namespace (this case's child only); liblinux: nothing. */
void dual_private_mounts(void);

/* Host: a private hostname (this case's child only); liblinux: nothing. */
void dual_private_uts(void);

/* Threads: start fn(arg) on a new host thread; join returns its result. */
pthread_t dual_thread(void *(*fn)(void *), void *arg);
void *dual_join(pthread_t t);

/* Monotonic host time in ms (for bounded waits, never for results). */
long long dual_now_ms(void);

/* 1 in the liblinux build, 0 on the host: only for setup that must differ. */
#ifdef DUAL_LKL
#define DUAL_IS_LKL 1
#else
#define DUAL_IS_LKL 0
#endif

#endif /* DUAL_H */
