/*
 * sys.h: one function per system call the dual cases use, in Linux's own
 * return convention (the result, or -errno on error).
 *
 * Built with -DDUAL_HOST every function is a raw syscall(2) into the host
 * kernel (never a libc wrapper that could add its own checks or touch the
 * caller's memory first). Built with -DDUAL_LKL every function calls the
 * matching lkl_sys_* of include/lkl.h.
 *
 * Cases use the host's names (O_CREAT, struct stat, ...). Where LKL's
 * layout differs from the host's (struct stat, struct statfs) the LKL side
 * converts field by field; where it is the same (iovec, flock, statx,
 * epoll_event, pollfd, timespec, ...) a static check below proves it and
 * the pointer is passed through. Every constant the cases rely on is
 * checked to be equal in both headers.
 *
 * Pointers given to a converting call are passed through unconverted when
 * they are NULL or point into the fault page (dual_badptr()), so EFAULT
 * cases reach the kernel under test.
 */
#ifndef DUAL_SYS_H
#define DUAL_SYS_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/falloc.h>
#include <linux/fs.h>
#include <linux/futex.h>
#include <linux/openat2.h>

#if defined(DUAL_HOST) == defined(DUAL_LKL)
#error "build with exactly one of -DDUAL_HOST and -DDUAL_LKL"
#endif

#ifndef TMPFS_MAGIC
#define TMPFS_MAGIC 0x01021994
#endif
#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC 4
#endif
#ifndef CLOSE_RANGE_UNSHARE
#define CLOSE_RANGE_UNSHARE 2
#endif
/* glibc's O_LARGEFILE is 0 on x86-64; the kernel's (reported by F_GETFL) is this. */
#define KO_LARGEFILE 0100000

#ifndef AT_EACCESS
#define AT_EACCESS 0x200
#endif

/* The fault page: any access to it faults (set up by dual.c). */
extern char *dual_fault_page;

static inline int dual_badptr(const void *p)
{
	const char *c = (const char *)p;

	return c == NULL || (c >= dual_fault_page && c < dual_fault_page + 4096);
}

/* The directory entry getdents64 fills in (the same on every 64-bit). */
struct dirent64_k {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

#ifdef DUAL_HOST

static inline long dual_ret(long r)
{
	return r == -1 ? -errno : r;
}

#define S0(nr) dual_ret(syscall(nr))
#define S(nr, ...) dual_ret(syscall(nr, __VA_ARGS__))

#define SHIM(name, nr, ...) S(nr, __VA_ARGS__)
#define CALL(hostexpr, lklexpr) (hostexpr)

#else /* DUAL_LKL */

#include <lkl.h>
#include <lkl_host.h>

#define CALL(hostexpr, lklexpr) (lklexpr)

/* Same value in the host's headers and LKL's. */
#define SAME_CONST(name) _Static_assert((long long)(name) == (long long)(LKL_##name), #name " differs between host and LKL headers")
#define SAME_SIZE(host, lkl) _Static_assert(sizeof(host) == sizeof(lkl), "size of " #host " differs")
#define SAME_FIELD(host, lkl, hf, lf) _Static_assert(offsetof(host, hf) == offsetof(lkl, lf) && sizeof(((host *)0)->hf) == sizeof(((lkl *)0)->lf), #host "." #hf " differs")

/* open flags and fcntl. */
SAME_CONST(O_ACCMODE); SAME_CONST(O_RDONLY); SAME_CONST(O_WRONLY); SAME_CONST(O_RDWR);
SAME_CONST(O_CREAT); SAME_CONST(O_EXCL); SAME_CONST(O_NOCTTY); SAME_CONST(O_TRUNC);
SAME_CONST(O_APPEND); SAME_CONST(O_NONBLOCK); SAME_CONST(O_DSYNC); SAME_CONST(O_DIRECT);
SAME_CONST(O_DIRECTORY); SAME_CONST(O_NOFOLLOW); SAME_CONST(O_NOATIME); SAME_CONST(O_ASYNC);
SAME_CONST(O_CLOEXEC); SAME_CONST(O_SYNC); SAME_CONST(O_PATH); SAME_CONST(O_TMPFILE);
SAME_CONST(F_DUPFD); SAME_CONST(F_GETFD); SAME_CONST(F_SETFD); SAME_CONST(F_GETFL);
SAME_CONST(F_SETFL); SAME_CONST(F_GETLK); SAME_CONST(F_SETLK); SAME_CONST(F_SETLKW);
SAME_CONST(F_OFD_GETLK); SAME_CONST(F_OFD_SETLK); SAME_CONST(F_OFD_SETLKW);
SAME_CONST(F_DUPFD_CLOEXEC); SAME_CONST(F_SETPIPE_SZ); SAME_CONST(F_GETPIPE_SZ);
SAME_CONST(F_ADD_SEALS); SAME_CONST(F_GET_SEALS); SAME_CONST(F_SEAL_SEAL);
SAME_CONST(F_SEAL_SHRINK); SAME_CONST(F_SEAL_GROW); SAME_CONST(F_SEAL_WRITE);
SAME_CONST(FD_CLOEXEC); SAME_CONST(F_RDLCK); SAME_CONST(F_WRLCK); SAME_CONST(F_UNLCK);
SAME_CONST(LOCK_SH); SAME_CONST(LOCK_EX); SAME_CONST(LOCK_NB); SAME_CONST(LOCK_UN);
SAME_CONST(AT_FDCWD); SAME_CONST(AT_SYMLINK_NOFOLLOW); SAME_CONST(AT_REMOVEDIR);
SAME_CONST(AT_SYMLINK_FOLLOW); SAME_CONST(AT_EMPTY_PATH); SAME_CONST(AT_EACCESS);
SAME_CONST(RENAME_NOREPLACE); SAME_CONST(RENAME_EXCHANGE); SAME_CONST(RENAME_WHITEOUT);
SAME_CONST(RESOLVE_NO_XDEV); SAME_CONST(RESOLVE_NO_MAGICLINKS); SAME_CONST(RESOLVE_NO_SYMLINKS);
SAME_CONST(RESOLVE_BENEATH); SAME_CONST(RESOLVE_IN_ROOT);
SAME_CONST(CLOSE_RANGE_CLOEXEC); SAME_CONST(CLOSE_RANGE_UNSHARE);
SAME_CONST(SEEK_SET); SAME_CONST(SEEK_CUR); SAME_CONST(SEEK_END); SAME_CONST(SEEK_DATA);
SAME_CONST(SEEK_HOLE);
SAME_CONST(AT_STATX_FORCE_SYNC); SAME_CONST(AT_STATX_DONT_SYNC);
_Static_assert(LKL_ST_VALID == 0x20, "ST_VALID");
/* File types, modes, statx. */
SAME_CONST(S_IFMT); SAME_CONST(S_IFSOCK); SAME_CONST(S_IFLNK); SAME_CONST(S_IFREG);
SAME_CONST(S_IFBLK); SAME_CONST(S_IFDIR); SAME_CONST(S_IFCHR); SAME_CONST(S_IFIFO);
SAME_CONST(S_ISUID); SAME_CONST(S_ISGID); SAME_CONST(S_ISVTX);
SAME_CONST(STATX_TYPE); SAME_CONST(STATX_MODE); SAME_CONST(STATX_NLINK); SAME_CONST(STATX_UID);
SAME_CONST(STATX_GID); SAME_CONST(STATX_ATIME); SAME_CONST(STATX_MTIME); SAME_CONST(STATX_CTIME);
SAME_CONST(STATX_INO); SAME_CONST(STATX_SIZE); SAME_CONST(STATX_BLOCKS);
SAME_CONST(STATX_BASIC_STATS); SAME_CONST(STATX_BTIME); SAME_CONST(STATX__RESERVED);
SAME_CONST(UTIME_NOW); SAME_CONST(UTIME_OMIT);
SAME_CONST(DT_UNKNOWN); SAME_CONST(DT_FIFO); SAME_CONST(DT_CHR); SAME_CONST(DT_DIR);
SAME_CONST(DT_BLK); SAME_CONST(DT_REG); SAME_CONST(DT_LNK); SAME_CONST(DT_SOCK);
/* xattr, fallocate, splice, preadv2. */
SAME_CONST(XATTR_CREATE); SAME_CONST(XATTR_REPLACE);
SAME_CONST(FALLOC_FL_KEEP_SIZE); SAME_CONST(FALLOC_FL_PUNCH_HOLE);
SAME_CONST(FALLOC_FL_ZERO_RANGE); SAME_CONST(FALLOC_FL_COLLAPSE_RANGE);
SAME_CONST(FALLOC_FL_INSERT_RANGE);
SAME_CONST(FS_IOC_GETFLAGS); SAME_CONST(FS_IOC_SETFLAGS); SAME_CONST(FS_IMMUTABLE_FL);
SAME_CONST(FS_APPEND_FL); SAME_CONST(FS_NODUMP_FL); SAME_CONST(FS_NOATIME_FL); SAME_CONST(FS_NOCOW_FL);
SAME_CONST(FS_SYNC_FL); SAME_CONST(FS_IOC_FSGETXATTR); SAME_CONST(FS_IOC_FSSETXATTR);
SAME_CONST(FS_XFLAG_IMMUTABLE); SAME_CONST(FS_XFLAG_APPEND); SAME_CONST(FS_XFLAG_NODUMP);
SAME_CONST(FS_XFLAG_NOATIME); SAME_CONST(FS_XFLAG_SYNC); SAME_CONST(FS_XFLAG_EXTSIZE);
SAME_SIZE(struct fsxattr, struct lkl_fsxattr); SAME_FIELD(struct fsxattr, struct lkl_fsxattr, fsx_projid, fsx_projid);
SAME_CONST(SPLICE_F_MOVE); SAME_CONST(SPLICE_F_NONBLOCK); SAME_CONST(SPLICE_F_MORE);
SAME_CONST(RWF_HIPRI); SAME_CONST(RWF_DSYNC); SAME_CONST(RWF_SYNC); SAME_CONST(RWF_NOWAIT);
SAME_CONST(RWF_APPEND);
/* mount. */
SAME_CONST(MS_RDONLY); SAME_CONST(MS_NOSUID); SAME_CONST(MS_NODEV); SAME_CONST(MS_NOEXEC);
SAME_CONST(MS_REMOUNT); SAME_CONST(MS_BIND); SAME_CONST(MS_MOVE); SAME_CONST(MS_REC);
SAME_CONST(MS_PRIVATE); SAME_CONST(MS_NOATIME);
SAME_CONST(MNT_FORCE); SAME_CONST(MNT_DETACH); SAME_CONST(MNT_EXPIRE); SAME_CONST(UMOUNT_NOFOLLOW);
SAME_CONST(ST_RDONLY); SAME_CONST(ST_NOSUID); SAME_CONST(ST_NODEV); SAME_CONST(ST_NOEXEC);
SAME_CONST(TMPFS_MAGIC);
/* ioctl. */
SAME_CONST(FIONREAD); SAME_CONST(FIONBIO); SAME_CONST(FIOCLEX); SAME_CONST(FIONCLEX);
SAME_CONST(TCGETS);
/* Clocks, timerfd. */
SAME_CONST(CLOCK_REALTIME); SAME_CONST(CLOCK_MONOTONIC); SAME_CONST(CLOCK_BOOTTIME);
SAME_CONST(CLOCK_MONOTONIC_COARSE); SAME_CONST(CLOCK_REALTIME_COARSE); SAME_CONST(CLOCK_TAI);
SAME_CONST(CLOCK_PROCESS_CPUTIME_ID); SAME_CONST(CLOCK_THREAD_CPUTIME_ID);
SAME_CONST(TIMER_ABSTIME); SAME_CONST(TFD_TIMER_ABSTIME); SAME_CONST(TFD_CLOEXEC);
SAME_CONST(TFD_NONBLOCK);
/* eventfd, memfd, epoll, poll. */
SAME_CONST(EFD_CLOEXEC); SAME_CONST(EFD_NONBLOCK);
SAME_CONST(EFD_SEMAPHORE);
SAME_CONST(MFD_CLOEXEC); SAME_CONST(MFD_ALLOW_SEALING);
SAME_CONST(EPOLL_CLOEXEC); SAME_CONST(EPOLLIN); SAME_CONST(EPOLLOUT); SAME_CONST(EPOLLERR);
SAME_CONST(EPOLLHUP); SAME_CONST(EPOLLPRI); SAME_CONST(EPOLLRDHUP); SAME_CONST(EPOLLET);
SAME_CONST(EPOLLONESHOT); SAME_CONST(EPOLLEXCLUSIVE); SAME_CONST(EPOLLWAKEUP);
SAME_CONST(EPOLLRDNORM); SAME_CONST(EPOLLRDBAND); SAME_CONST(EPOLLWRNORM); SAME_CONST(EPOLLWRBAND);
SAME_CONST(EPOLLMSG);
SAME_CONST(POLLIN); SAME_CONST(POLLPRI); SAME_CONST(POLLOUT); SAME_CONST(POLLERR);
SAME_CONST(POLLHUP); SAME_CONST(POLLNVAL); SAME_CONST(POLLRDNORM); SAME_CONST(POLLWRNORM);
SAME_CONST(POLLRDHUP);
/* futex. */
SAME_CONST(FUTEX_WAIT); SAME_CONST(FUTEX_WAKE); SAME_CONST(FUTEX_REQUEUE);
SAME_CONST(FUTEX_CMP_REQUEUE); SAME_CONST(FUTEX_WAKE_OP); SAME_CONST(FUTEX_WAIT_BITSET);
SAME_CONST(FUTEX_WAKE_BITSET); SAME_CONST(FUTEX_PRIVATE_FLAG); SAME_CONST(FUTEX_CLOCK_REALTIME);
SAME_CONST(FUTEX_BITSET_MATCH_ANY); SAME_CONST(FUTEX_WAIT_PRIVATE); SAME_CONST(FUTEX_WAKE_PRIVATE);
SAME_CONST(EPOLL_CTL_ADD); SAME_CONST(EPOLL_CTL_DEL); SAME_CONST(EPOLL_CTL_MOD);
/* rlimits, capabilities, misc. */
SAME_CONST(RLIMIT_NOFILE); SAME_CONST(RLIMIT_FSIZE); SAME_CONST(RLIMIT_STACK);
SAME_CONST(RLIMIT_CORE); SAME_CONST(RLIMIT_NPROC); SAME_CONST(RLIMIT_AS); SAME_CONST(RLIM_NLIMITS);
_Static_assert(RLIM_INFINITY == LKL_RLIM_INFINITY, "RLIM_INFINITY");
_Static_assert(_LINUX_CAPABILITY_VERSION_1 == _LKL_LINUX_CAPABILITY_VERSION_1 &&
	       _LINUX_CAPABILITY_VERSION_2 == _LKL_LINUX_CAPABILITY_VERSION_2 &&
	       _LINUX_CAPABILITY_VERSION_3 == _LKL_LINUX_CAPABILITY_VERSION_3, "capability versions");
SAME_CONST(CAP_CHOWN); SAME_CONST(CAP_DAC_OVERRIDE); SAME_CONST(CAP_DAC_READ_SEARCH);
SAME_CONST(CAP_FOWNER); SAME_CONST(CAP_SETGID); SAME_CONST(CAP_SETUID); SAME_CONST(CAP_SYS_ADMIN);
SAME_CONST(CAP_SYS_CHROOT); SAME_CONST(CAP_MKNOD); SAME_CONST(CAP_KILL); SAME_CONST(CAP_SETPCAP);
SAME_CONST(NAME_MAX); SAME_CONST(PATH_MAX); SAME_CONST(PIPE_BUF); SAME_CONST(IOV_MAX);
SAME_CONST(NGROUPS_MAX);
SAME_CONST(SIGPIPE);
/* errno values. */
SAME_CONST(EPERM); SAME_CONST(ENOENT); SAME_CONST(ESRCH); SAME_CONST(EINTR); SAME_CONST(EIO);
SAME_CONST(ENXIO); SAME_CONST(E2BIG); SAME_CONST(EBADF); SAME_CONST(ECHILD); SAME_CONST(EAGAIN);
SAME_CONST(ENOMEM); SAME_CONST(EACCES); SAME_CONST(EFAULT); SAME_CONST(EBUSY); SAME_CONST(EEXIST);
SAME_CONST(EXDEV); SAME_CONST(ENODEV); SAME_CONST(ENOTDIR); SAME_CONST(EISDIR); SAME_CONST(EINVAL);
SAME_CONST(ENFILE); SAME_CONST(EMFILE); SAME_CONST(ENOTTY); SAME_CONST(ETXTBSY); SAME_CONST(EFBIG);
SAME_CONST(ENOSPC); SAME_CONST(ESPIPE); SAME_CONST(EROFS); SAME_CONST(EMLINK); SAME_CONST(EPIPE);
SAME_CONST(ERANGE); SAME_CONST(EDEADLK); SAME_CONST(ENAMETOOLONG); SAME_CONST(ENOLCK);
SAME_CONST(ENOSYS); SAME_CONST(ENOTEMPTY); SAME_CONST(ELOOP); SAME_CONST(ENODATA);
SAME_CONST(EOPNOTSUPP); SAME_CONST(ETIMEDOUT); SAME_CONST(EOVERFLOW); SAME_CONST(ENOTSUP);
SAME_CONST(ENOTBLK); SAME_CONST(ENOTSOCK); SAME_CONST(EWOULDBLOCK); SAME_CONST(ESTALE);

_Static_assert(KO_LARGEFILE == LKL_O_LARGEFILE, "O_LARGEFILE");

/* Structs passed through unconverted. */
SAME_SIZE(struct iovec, struct lkl_iovec);
SAME_FIELD(struct iovec, struct lkl_iovec, iov_base, iov_base);
SAME_FIELD(struct iovec, struct lkl_iovec, iov_len, iov_len);
SAME_SIZE(struct flock, struct lkl_flock);
SAME_FIELD(struct flock, struct lkl_flock, l_type, l_type);
SAME_FIELD(struct flock, struct lkl_flock, l_whence, l_whence);
SAME_FIELD(struct flock, struct lkl_flock, l_start, l_start);
SAME_FIELD(struct flock, struct lkl_flock, l_len, l_len);
SAME_FIELD(struct flock, struct lkl_flock, l_pid, l_pid);
SAME_SIZE(struct statx, struct lkl_statx);
SAME_FIELD(struct statx, struct lkl_statx, stx_mask, stx_mask);
SAME_FIELD(struct statx, struct lkl_statx, stx_mode, stx_mode);
SAME_FIELD(struct statx, struct lkl_statx, stx_size, stx_size);
SAME_FIELD(struct statx, struct lkl_statx, stx_mtime, stx_mtime);
SAME_FIELD(struct statx, struct lkl_statx, stx_rdev_major, stx_rdev_major);
SAME_FIELD(struct statx, struct lkl_statx, stx_dev_minor, stx_dev_minor);
SAME_SIZE(struct epoll_event, struct lkl_epoll_event);
SAME_FIELD(struct epoll_event, struct lkl_epoll_event, events, events);
SAME_FIELD(struct epoll_event, struct lkl_epoll_event, data, data);
SAME_SIZE(struct pollfd, struct lkl_pollfd);
SAME_FIELD(struct pollfd, struct lkl_pollfd, fd, fd);
SAME_FIELD(struct pollfd, struct lkl_pollfd, events, events);
SAME_FIELD(struct pollfd, struct lkl_pollfd, revents, revents);
SAME_SIZE(struct timespec, struct __lkl__kernel_timespec);
SAME_FIELD(struct timespec, struct __lkl__kernel_timespec, tv_sec, tv_sec);
SAME_FIELD(struct timespec, struct __lkl__kernel_timespec, tv_nsec, tv_nsec);
SAME_SIZE(struct itimerspec, struct __lkl__kernel_itimerspec);
SAME_FIELD(struct itimerspec, struct __lkl__kernel_itimerspec, it_interval, it_interval);
SAME_FIELD(struct itimerspec, struct __lkl__kernel_itimerspec, it_value, it_value);
SAME_SIZE(struct rlimit, struct lkl_rlimit64);
SAME_FIELD(struct rlimit, struct lkl_rlimit64, rlim_cur, rlim_cur);
SAME_FIELD(struct rlimit, struct lkl_rlimit64, rlim_max, rlim_max);
SAME_SIZE(struct rlimit, struct lkl_rlimit);
SAME_SIZE(struct open_how, struct lkl_open_how);
SAME_FIELD(struct open_how, struct lkl_open_how, flags, flags);
SAME_FIELD(struct open_how, struct lkl_open_how, mode, mode);
SAME_FIELD(struct open_how, struct lkl_open_how, resolve, resolve);
SAME_SIZE(struct __user_cap_header_struct, struct __lkl__user_cap_header_struct);
SAME_SIZE(struct __user_cap_data_struct, struct __lkl__user_cap_data_struct);
SAME_SIZE(fd_set, lkl_fd_set);
SAME_SIZE(struct dirent64_k, struct lkl_linux_dirent64);
SAME_FIELD(struct dirent64_k, struct lkl_linux_dirent64, d_ino, d_ino);
SAME_FIELD(struct dirent64_k, struct lkl_linux_dirent64, d_off, d_off);
SAME_FIELD(struct dirent64_k, struct lkl_linux_dirent64, d_reclen, d_reclen);
SAME_FIELD(struct dirent64_k, struct lkl_linux_dirent64, d_type, d_type);
_Static_assert(offsetof(struct dirent64_k, d_name) == offsetof(struct lkl_linux_dirent64, d_name), "d_name");
SAME_SIZE(struct utsname, struct lkl_new_utsname);
SAME_FIELD(struct utsname, struct lkl_new_utsname, nodename, nodename);
SAME_FIELD(struct utsname, struct lkl_new_utsname, machine, machine);
SAME_FIELD(struct utsname, struct lkl_new_utsname, domainname, domainname);

static inline void dual_stat_from_lkl(struct stat *st, const struct lkl_stat *k)
{
	memset(st, 0, sizeof(*st));
	st->st_dev = k->st_dev;
	st->st_ino = k->st_ino;
	st->st_mode = k->st_mode;
	st->st_nlink = k->st_nlink;
	st->st_uid = k->st_uid;
	st->st_gid = k->st_gid;
	st->st_rdev = k->st_rdev;
	st->st_size = k->st_size;
	st->st_blksize = k->st_blksize;
	st->st_blocks = k->st_blocks;
	st->st_atim.tv_sec = k->lkl_st_atime;
	st->st_atim.tv_nsec = (long)k->st_atime_nsec;
	st->st_mtim.tv_sec = k->lkl_st_mtime;
	st->st_mtim.tv_nsec = (long)k->st_mtime_nsec;
	st->st_ctim.tv_sec = k->lkl_st_ctime;
	st->st_ctim.tv_nsec = (long)k->st_ctime_nsec;
}

static inline void dual_statfs_from_lkl(struct statfs *s, const struct lkl_statfs *k)
{
	memset(s, 0, sizeof(*s));
	s->f_type = k->f_type;
	s->f_bsize = k->f_bsize;
	s->f_blocks = k->f_blocks;
	s->f_bfree = k->f_bfree;
	s->f_bavail = k->f_bavail;
	s->f_files = k->f_files;
	s->f_ffree = k->f_ffree;
	memcpy(&s->f_fsid, &k->f_fsid, sizeof(s->f_fsid));
	s->f_namelen = k->f_namelen;
	s->f_frsize = k->f_frsize;
	s->f_flags = k->f_flags;
}

#endif /* DUAL_LKL */

/*
 * The shim. CALL(host, lkl) picks the expression for the build. Casts to
 * LKL's pointer types are sound because of the layout checks above.
 */
#define LP(type, p) ((type)(void *)(p))

static inline long sys_openat(int dirfd, const char *path, int flags, mode_t mode)
{
	return CALL(S(SYS_openat, dirfd, path, flags, mode), lkl_sys_openat(dirfd, path, flags, mode));
}
static inline long sys_openat2(int dirfd, const char *path, struct open_how *how, size_t size)
{
	return CALL(S(SYS_openat2, dirfd, path, how, size),
		    lkl_sys_openat2(dirfd, path, LP(struct lkl_open_how *, how), size));
}
static inline long sys_close(int fd) { return CALL(S(SYS_close, fd), lkl_sys_close(fd)); }
static inline long sys_close_range(unsigned int lo, unsigned int hi, unsigned int flags)
{
	return CALL(S(SYS_close_range, lo, hi, flags), lkl_sys_close_range(lo, hi, flags));
}
static inline long sys_read(int fd, void *buf, size_t n) { return CALL(S(SYS_read, fd, buf, n), lkl_sys_read(fd, buf, n)); }
static inline long sys_write(int fd, const void *buf, size_t n) { return CALL(S(SYS_write, fd, buf, n), lkl_sys_write(fd, buf, n)); }
static inline long sys_pread64(int fd, void *buf, size_t n, off_t off)
{
	return CALL(S(SYS_pread64, fd, buf, n, off), lkl_sys_pread64(fd, buf, n, off));
}
static inline long sys_pwrite64(int fd, const void *buf, size_t n, off_t off)
{
	return CALL(S(SYS_pwrite64, fd, buf, n, off), lkl_sys_pwrite64(fd, buf, n, off));
}
static inline long sys_readv(int fd, const struct iovec *iov, int cnt)
{
	return CALL(S(SYS_readv, fd, iov, cnt), lkl_sys_readv(fd, LP(const struct lkl_iovec *, iov), cnt));
}
static inline long sys_writev(int fd, const struct iovec *iov, int cnt)
{
	return CALL(S(SYS_writev, fd, iov, cnt), lkl_sys_writev(fd, LP(const struct lkl_iovec *, iov), cnt));
}
/* The p*v calls take the offset split in two longs; on 64-bit all of it is in the low one. */
static inline long sys_preadv(int fd, const struct iovec *iov, int cnt, off_t off)
{
	return CALL(S(SYS_preadv, fd, iov, cnt, off, 0L),
		    lkl_sys_preadv(fd, LP(const struct lkl_iovec *, iov), cnt, off, 0));
}
static inline long sys_pwritev(int fd, const struct iovec *iov, int cnt, off_t off)
{
	return CALL(S(SYS_pwritev, fd, iov, cnt, off, 0L),
		    lkl_sys_pwritev(fd, LP(const struct lkl_iovec *, iov), cnt, off, 0));
}
static inline long sys_preadv2(int fd, const struct iovec *iov, int cnt, off_t off, int flags)
{
	return CALL(S(SYS_preadv2, fd, iov, cnt, off, 0L, flags),
		    lkl_sys_preadv2(fd, LP(const struct lkl_iovec *, iov), cnt, off, 0, flags));
}
static inline long sys_pwritev2(int fd, const struct iovec *iov, int cnt, off_t off, int flags)
{
	return CALL(S(SYS_pwritev2, fd, iov, cnt, off, 0L, flags),
		    lkl_sys_pwritev2(fd, LP(const struct lkl_iovec *, iov), cnt, off, 0, flags));
}
static inline long sys_lseek(int fd, off_t off, int whence)
{
	return CALL(S(SYS_lseek, fd, off, whence), lkl_sys_lseek(fd, off, whence));
}
static inline long sys_dup(int fd) { return CALL(S(SYS_dup, fd), lkl_sys_dup(fd)); }
static inline long sys_dup3(int oldfd, int newfd, int flags)
{
	return CALL(S(SYS_dup3, oldfd, newfd, flags), lkl_sys_dup3(oldfd, newfd, flags));
}
static inline long sys_fcntl(int fd, int cmd, unsigned long arg)
{
	return CALL(S(SYS_fcntl, fd, cmd, arg), lkl_sys_fcntl(fd, cmd, arg));
}
static inline long sys_flock(int fd, int op) { return CALL(S(SYS_flock, fd, op), lkl_sys_flock(fd, op)); }
static inline long sys_ioctl(int fd, unsigned long cmd, unsigned long arg)
{
	return CALL(S(SYS_ioctl, fd, cmd, arg), lkl_sys_ioctl(fd, cmd, arg));
}

/* stat: the host's struct stat is the x86-64 kernel's; LKL's is asm-generic. */
static inline long sys_fstatat(int dirfd, const char *path, struct stat *st, int flags)
{
#ifdef DUAL_HOST
	return S(SYS_newfstatat, dirfd, path, st, flags);
#else
	struct lkl_stat k;
	long r;

	if (dual_badptr(st))
		return lkl_sys_newfstatat(dirfd, path, (struct lkl_stat *)st, flags);
	r = lkl_sys_newfstatat(dirfd, path, &k, flags);
	if (r == 0)
		dual_stat_from_lkl(st, &k);
	return r;
#endif
}
static inline long sys_fstat(int fd, struct stat *st)
{
#ifdef DUAL_HOST
	return S(SYS_fstat, fd, st);
#else
	struct lkl_stat k;
	long r;

	if (dual_badptr(st))
		return lkl_sys_fstat(fd, (struct lkl_stat *)st);
	r = lkl_sys_fstat(fd, &k);
	if (r == 0)
		dual_stat_from_lkl(st, &k);
	return r;
#endif
}
static inline long sys_statx(int dirfd, const char *path, int flags, unsigned int mask, struct statx *stx)
{
	return CALL(S(SYS_statx, dirfd, path, flags, mask, stx),
		    lkl_sys_statx(dirfd, path, flags, mask, LP(struct lkl_statx *, stx)));
}
static inline long sys_statfs(const char *path, struct statfs *s)
{
#ifdef DUAL_HOST
	return S(SYS_statfs, path, s);
#else
	struct lkl_statfs k;
	long r;

	if (dual_badptr(s))
		return lkl_sys_statfs(path, (struct lkl_statfs *)s);
	r = lkl_sys_statfs(path, &k);
	if (r == 0)
		dual_statfs_from_lkl(s, &k);
	return r;
#endif
}
static inline long sys_fstatfs(int fd, struct statfs *s)
{
#ifdef DUAL_HOST
	return S(SYS_fstatfs, fd, s);
#else
	struct lkl_statfs k;
	long r;

	if (dual_badptr(s))
		return lkl_sys_fstatfs(fd, (struct lkl_statfs *)s);
	r = lkl_sys_fstatfs(fd, &k);
	if (r == 0)
		dual_statfs_from_lkl(s, &k);
	return r;
#endif
}
static inline long sys_getdents64(int fd, void *buf, size_t n)
{
	return CALL(S(SYS_getdents64, fd, buf, n), lkl_sys_getdents64(fd, LP(struct lkl_linux_dirent64 *, buf), n));
}

/* Names. */
static inline long sys_mkdirat(int dirfd, const char *path, mode_t mode)
{
	return CALL(S(SYS_mkdirat, dirfd, path, mode), lkl_sys_mkdirat(dirfd, path, mode));
}
static inline long sys_mknodat(int dirfd, const char *path, mode_t mode, dev_t dev)
{
	return CALL(S(SYS_mknodat, dirfd, path, mode, (unsigned int)dev),
		    lkl_sys_mknodat(dirfd, path, mode, (unsigned int)dev));
}
static inline long sys_unlinkat(int dirfd, const char *path, int flags)
{
	return CALL(S(SYS_unlinkat, dirfd, path, flags), lkl_sys_unlinkat(dirfd, path, flags));
}
static inline long sys_renameat2(int od, const char *op, int nd, const char *np, unsigned int flags)
{
	return CALL(S(SYS_renameat2, od, op, nd, np, flags), lkl_sys_renameat2(od, op, nd, np, flags));
}
static inline long sys_linkat(int od, const char *op, int nd, const char *np, int flags)
{
	return CALL(S(SYS_linkat, od, op, nd, np, flags), lkl_sys_linkat(od, op, nd, np, flags));
}
static inline long sys_symlinkat(const char *target, int dirfd, const char *path)
{
	return CALL(S(SYS_symlinkat, target, dirfd, path), lkl_sys_symlinkat(target, dirfd, path));
}
static inline long sys_readlinkat(int dirfd, const char *path, char *buf, int size)
{
	return CALL(S(SYS_readlinkat, dirfd, path, buf, size), lkl_sys_readlinkat(dirfd, path, buf, size));
}

/* Attributes. */
static inline long sys_faccessat(int dirfd, const char *path, int mode)
{
	return CALL(S(SYS_faccessat, dirfd, path, mode), lkl_sys_faccessat(dirfd, path, mode));
}
static inline long sys_faccessat2(int dirfd, const char *path, int mode, int flags)
{
	return CALL(S(SYS_faccessat2, dirfd, path, mode, flags), lkl_sys_faccessat2(dirfd, path, mode, flags));
}
static inline long sys_fchmod(int fd, mode_t mode) { return CALL(S(SYS_fchmod, fd, mode), lkl_sys_fchmod(fd, mode)); }
static inline long sys_fchmodat(int dirfd, const char *path, mode_t mode)
{
	return CALL(S(SYS_fchmodat, dirfd, path, mode), lkl_sys_fchmodat(dirfd, path, mode));
}
static inline long sys_fchown(int fd, uid_t uid, gid_t gid)
{
	return CALL(S(SYS_fchown, fd, uid, gid), lkl_sys_fchown(fd, uid, gid));
}
static inline long sys_fchownat(int dirfd, const char *path, uid_t uid, gid_t gid, int flags)
{
	return CALL(S(SYS_fchownat, dirfd, path, uid, gid, flags), lkl_sys_fchownat(dirfd, path, uid, gid, flags));
}
static inline long sys_utimensat(int dirfd, const char *path, const struct timespec *ts, int flags)
{
	return CALL(S(SYS_utimensat, dirfd, path, ts, flags),
		    lkl_sys_utimensat(dirfd, path, LP(struct __lkl__kernel_timespec *, ts), flags));
}
static inline long sys_truncate(const char *path, off_t len) { return CALL(S(SYS_truncate, path, len), lkl_sys_truncate(path, len)); }
static inline long sys_ftruncate(int fd, off_t len) { return CALL(S(SYS_ftruncate, fd, len), lkl_sys_ftruncate(fd, len)); }
static inline long sys_fallocate(int fd, int mode, off_t off, off_t len)
{
	return CALL(S(SYS_fallocate, fd, mode, off, len), lkl_sys_fallocate(fd, mode, off, len));
}
static inline long sys_fsync(int fd) { return CALL(S(SYS_fsync, fd), lkl_sys_fsync(fd)); }
static inline long sys_fdatasync(int fd) { return CALL(S(SYS_fdatasync, fd), lkl_sys_fdatasync(fd)); }
static inline long sys_sync(void) { return CALL(S0(SYS_sync), lkl_sys_sync()); }
static inline long sys_syncfs(int fd) { return CALL(S(SYS_syncfs, fd), lkl_sys_syncfs(fd)); }
static inline long sys_umask(mode_t m) { return CALL(S(SYS_umask, m), lkl_sys_umask(m)); }

/* Data transfer between files. */
static inline long sys_sendfile(int out, int in, off_t *off, size_t n)
{
	return CALL(S(SYS_sendfile, out, in, off, n), lkl_sys_sendfile(out, in, LP(lkl_loff_t *, off), n));
}
static inline long sys_copy_file_range(int in, off_t *inoff, int out, off_t *outoff, size_t n, unsigned int flags)
{
	return CALL(S(SYS_copy_file_range, in, inoff, out, outoff, n, flags),
		    lkl_sys_copy_file_range(in, LP(lkl_loff_t *, inoff), out, LP(lkl_loff_t *, outoff), n, flags));
}
static inline long sys_splice(int in, off_t *inoff, int out, off_t *outoff, size_t n, unsigned int flags)
{
	return CALL(S(SYS_splice, in, inoff, out, outoff, n, flags),
		    lkl_sys_splice(in, LP(lkl_loff_t *, inoff), out, LP(lkl_loff_t *, outoff), n, flags));
}
static inline long sys_fadvise64(int fd, long long off, long long len, int advice)
{
	return CALL(S(SYS_fadvise64, fd, off, len, advice), lkl_sys_fadvise64(fd, off, (lkl_size_t)len, advice));
}
static inline long sys_readahead(int fd, long long off, long long count)
{
	return CALL(S(SYS_readahead, fd, off, count), lkl_sys_readahead(fd, off, (lkl_size_t)count));
}
static inline long sys_vmsplice(int fd, const struct iovec *iov, unsigned long cnt, unsigned int flags)
{
	return CALL(S(SYS_vmsplice, fd, iov, cnt, flags),
		    lkl_sys_vmsplice(fd, LP(const struct lkl_iovec *, iov), cnt, flags));
}
static inline long sys_tee(int in, int out, size_t n, unsigned int flags)
{
	return CALL(S(SYS_tee, in, out, n, flags), lkl_sys_tee(in, out, n, flags));
}

/* Extended attributes. */
static inline long sys_setxattr(const char *p, const char *n, const void *v, size_t s, int f)
{
	return CALL(S(SYS_setxattr, p, n, v, s, f), lkl_sys_setxattr(p, n, v, s, f));
}
static inline long sys_lsetxattr(const char *p, const char *n, const void *v, size_t s, int f)
{
	return CALL(S(SYS_lsetxattr, p, n, v, s, f), lkl_sys_lsetxattr(p, n, v, s, f));
}
static inline long sys_fsetxattr(int fd, const char *n, const void *v, size_t s, int f)
{
	return CALL(S(SYS_fsetxattr, fd, n, v, s, f), lkl_sys_fsetxattr(fd, n, v, s, f));
}
static inline long sys_getxattr(const char *p, const char *n, void *v, size_t s)
{
	return CALL(S(SYS_getxattr, p, n, v, s), lkl_sys_getxattr(p, n, v, s));
}
static inline long sys_lgetxattr(const char *p, const char *n, void *v, size_t s)
{
	return CALL(S(SYS_lgetxattr, p, n, v, s), lkl_sys_lgetxattr(p, n, v, s));
}
static inline long sys_fgetxattr(int fd, const char *n, void *v, size_t s)
{
	return CALL(S(SYS_fgetxattr, fd, n, v, s), lkl_sys_fgetxattr(fd, n, v, s));
}
static inline long sys_listxattr(const char *p, char *l, size_t s)
{
	return CALL(S(SYS_listxattr, p, l, s), lkl_sys_listxattr(p, l, s));
}
static inline long sys_llistxattr(const char *p, char *l, size_t s)
{
	return CALL(S(SYS_llistxattr, p, l, s), lkl_sys_llistxattr(p, l, s));
}
static inline long sys_flistxattr(int fd, char *l, size_t s)
{
	return CALL(S(SYS_flistxattr, fd, l, s), lkl_sys_flistxattr(fd, l, s));
}
static inline long sys_removexattr(const char *p, const char *n)
{
	return CALL(S(SYS_removexattr, p, n), lkl_sys_removexattr(p, n));
}
static inline long sys_lremovexattr(const char *p, const char *n)
{
	return CALL(S(SYS_lremovexattr, p, n), lkl_sys_lremovexattr(p, n));
}
static inline long sys_fremovexattr(int fd, const char *n)
{
	return CALL(S(SYS_fremovexattr, fd, n), lkl_sys_fremovexattr(fd, n));
}

/* Working directory, root, mounts. */
static inline long sys_chdir(const char *p) { return CALL(S(SYS_chdir, p), lkl_sys_chdir(p)); }
static inline long sys_fchdir(int fd) { return CALL(S(SYS_fchdir, fd), lkl_sys_fchdir(fd)); }
static inline long sys_getcwd(char *buf, size_t n) { return CALL(S(SYS_getcwd, buf, n), lkl_sys_getcwd(buf, n)); }
static inline long sys_chroot(const char *p) { return CALL(S(SYS_chroot, p), lkl_sys_chroot(p)); }
static inline long sys_mount(const char *src, const char *dst, const char *type, unsigned long flags, const void *data)
{
	return CALL(S(SYS_mount, src, dst, type, flags, data),
		    lkl_sys_mount((char *)src, (char *)dst, (char *)type, flags, (void *)data));
}
static inline long sys_umount2(const char *p, int flags)
{
	return CALL(S(SYS_umount2, p, flags), lkl_sys_umount2((char *)p, flags));
}

/* Pipes, events, polling, timers. */
static inline long sys_pipe2(int fds[2], int flags) { return CALL(S(SYS_pipe2, fds, flags), lkl_sys_pipe2(fds, flags)); }
static inline long sys_eventfd2(unsigned int count, int flags)
{
	return CALL(S(SYS_eventfd2, count, flags), lkl_sys_eventfd2(count, flags));
}
static inline long sys_epoll_create1(int flags) { return CALL(S(SYS_epoll_create1, flags), lkl_sys_epoll_create1(flags)); }
static inline long sys_epoll_ctl(int epfd, int op, int fd, struct epoll_event *ev)
{
	return CALL(S(SYS_epoll_ctl, epfd, op, fd, ev), lkl_sys_epoll_ctl(epfd, op, fd, LP(struct lkl_epoll_event *, ev)));
}
static inline long sys_epoll_pwait(int epfd, struct epoll_event *ev, int max, int timeout)
{
	return CALL(S(SYS_epoll_pwait, epfd, ev, max, timeout, NULL, 8),
		    lkl_sys_epoll_pwait(epfd, LP(struct lkl_epoll_event *, ev), max, timeout, NULL, 8));
}
static inline long sys_epoll_pwait_mask(int epfd, struct epoll_event *ev, int max, int timeout, const void *mask,
					size_t size)
{
	return CALL(S(SYS_epoll_pwait, epfd, ev, max, timeout, mask, size),
		    lkl_sys_epoll_pwait(epfd, LP(struct lkl_epoll_event *, ev), max, timeout,
					LP(const lkl_sigset_t *, mask), size));
}
static inline long sys_epoll_pwait2(int epfd, struct epoll_event *ev, int max, const struct timespec *ts,
				    const void *mask, size_t size)
{
	return CALL(S(SYS_epoll_pwait2, epfd, ev, max, ts, mask, size),
		    lkl_sys_epoll_pwait2(epfd, LP(struct lkl_epoll_event *, ev), max,
					 LP(const struct __lkl__kernel_timespec *, ts), LP(const lkl_sigset_t *, mask),
					 size));
}
static inline long sys_ppoll(struct pollfd *fds, unsigned int n, const struct timespec *ts)
{
	return CALL(S(SYS_ppoll, fds, n, ts, NULL, 8),
		    lkl_sys_ppoll(LP(struct lkl_pollfd *, fds), n, LP(struct __lkl__kernel_timespec *, ts), NULL, 8));
}
static inline long sys_pselect6(int n, fd_set *r, fd_set *w, fd_set *e, struct timespec *ts)
{
	return CALL(S(SYS_pselect6, n, r, w, e, ts, NULL),
		    lkl_sys_pselect6(n, LP(lkl_fd_set *, r), LP(lkl_fd_set *, w), LP(lkl_fd_set *, e),
				     LP(struct __lkl__kernel_timespec *, ts), NULL));
}
static inline long sys_timerfd_create(int clk, int flags)
{
	return CALL(S(SYS_timerfd_create, clk, flags), lkl_sys_timerfd_create(clk, flags));
}
static inline long sys_timerfd_settime(int fd, int flags, const struct itimerspec *n, struct itimerspec *o)
{
	return CALL(S(SYS_timerfd_settime, fd, flags, n, o),
		    lkl_sys_timerfd_settime(fd, flags, LP(const struct __lkl__kernel_itimerspec *, n),
					    LP(struct __lkl__kernel_itimerspec *, o)));
}
static inline long sys_timerfd_gettime(int fd, struct itimerspec *o)
{
	return CALL(S(SYS_timerfd_gettime, fd, o), lkl_sys_timerfd_gettime(fd, LP(struct __lkl__kernel_itimerspec *, o)));
}
static inline long sys_memfd_create(const char *name, unsigned int flags)
{
	return CALL(S(SYS_memfd_create, name, flags), lkl_sys_memfd_create(name, flags));
}
static inline long sys_futex(uint32_t *uaddr, int op, uint32_t val, const struct timespec *ts, uint32_t *uaddr2, uint32_t val3)
{
	return CALL(S(SYS_futex, uaddr, op, val, ts, uaddr2, val3),
		    lkl_sys_futex(uaddr, op, val, LP(const struct __lkl__kernel_timespec *, ts), uaddr2, val3));
}
/* futex with the timeout argument used as a number (FUTEX_REQUEUE's val2). */
static inline long sys_futex_n(uint32_t *uaddr, int op, uint32_t val, unsigned long val2, uint32_t *uaddr2, uint32_t val3)
{
	return CALL(S(SYS_futex, uaddr, op, val, val2, uaddr2, val3),
		    lkl_sys_futex(uaddr, op, val, (const struct __lkl__kernel_timespec *)val2, uaddr2, val3));
}

/* Credentials. */
static inline long sys_getuid(void) { return CALL(S0(SYS_getuid), lkl_sys_getuid()); }
static inline long sys_geteuid(void) { return CALL(S0(SYS_geteuid), lkl_sys_geteuid()); }
static inline long sys_getgid(void) { return CALL(S0(SYS_getgid), lkl_sys_getgid()); }
static inline long sys_getegid(void) { return CALL(S0(SYS_getegid), lkl_sys_getegid()); }
static inline long sys_setuid(uid_t u) { return CALL(S(SYS_setuid, u), lkl_sys_setuid(u)); }
static inline long sys_setgid(gid_t g) { return CALL(S(SYS_setgid, g), lkl_sys_setgid(g)); }
static inline long sys_setreuid(uid_t r, uid_t e) { return CALL(S(SYS_setreuid, r, e), lkl_sys_setreuid(r, e)); }
static inline long sys_setregid(gid_t r, gid_t e) { return CALL(S(SYS_setregid, r, e), lkl_sys_setregid(r, e)); }
static inline long sys_setresuid(uid_t r, uid_t e, uid_t s) { return CALL(S(SYS_setresuid, r, e, s), lkl_sys_setresuid(r, e, s)); }
static inline long sys_setresgid(gid_t r, gid_t e, gid_t s) { return CALL(S(SYS_setresgid, r, e, s), lkl_sys_setresgid(r, e, s)); }
static inline long sys_getresuid(uid_t *r, uid_t *e, uid_t *s) { return CALL(S(SYS_getresuid, r, e, s), lkl_sys_getresuid(r, e, s)); }
static inline long sys_getresgid(gid_t *r, gid_t *e, gid_t *s) { return CALL(S(SYS_getresgid, r, e, s), lkl_sys_getresgid(r, e, s)); }
static inline long sys_setfsuid(uid_t u) { return CALL(S(SYS_setfsuid, u), lkl_sys_setfsuid(u)); }
static inline long sys_setfsgid(gid_t g) { return CALL(S(SYS_setfsgid, g), lkl_sys_setfsgid(g)); }
static inline long sys_getgroups(int n, gid_t *l) { return CALL(S(SYS_getgroups, n, l), lkl_sys_getgroups(n, l)); }
static inline long sys_setgroups(int n, const gid_t *l)
{
	return CALL(S(SYS_setgroups, n, l), lkl_sys_setgroups(n, (lkl_gid_t *)l));
}
static inline long sys_capget(struct __user_cap_header_struct *h, struct __user_cap_data_struct *d)
{
	return CALL(S(SYS_capget, h, d), lkl_sys_capget((lkl_cap_user_header_t)(void *)h, (lkl_cap_user_data_t)(void *)d));
}
static inline long sys_capset(struct __user_cap_header_struct *h, const struct __user_cap_data_struct *d)
{
	return CALL(S(SYS_capset, h, d), lkl_sys_capset((lkl_cap_user_header_t)(void *)h, (lkl_cap_user_data_t)(void *)d));
}

/* Limits, scheduling, identity, time. */
static inline long sys_prlimit64(pid_t pid, int res, const struct rlimit *n, struct rlimit *o)
{
	return CALL(S(SYS_prlimit64, pid, res, n, o),
		    lkl_sys_prlimit64(pid, res, LP(const struct lkl_rlimit64 *, n), LP(struct lkl_rlimit64 *, o)));
}
static inline long sys_getrlimit(int res, struct rlimit *r)
{
	return CALL(S(SYS_getrlimit, res, r), lkl_sys_getrlimit(res, LP(struct lkl_rlimit *, r)));
}
static inline long sys_setrlimit(int res, const struct rlimit *r)
{
	return CALL(S(SYS_setrlimit, res, r), lkl_sys_setrlimit(res, LP(struct lkl_rlimit *, r)));
}
static inline long sys_sched_yield(void) { return CALL(S0(SYS_sched_yield), lkl_sys_sched_yield()); }
static inline long sys_getcpu(unsigned int *cpu, unsigned int *node)
{
	return CALL(S(SYS_getcpu, cpu, node, NULL), lkl_sys_getcpu(cpu, node, NULL));
}
static inline long sys_uname(struct utsname *u)
{
	return CALL(S(SYS_uname, u), lkl_sys_newuname(LP(struct lkl_new_utsname *, u)));
}
static inline long sys_sethostname(const char *n, size_t len)
{
	return CALL(S(SYS_sethostname, n, len), lkl_sys_sethostname((char *)n, len));
}
static inline long sys_setdomainname(const char *n, size_t len)
{
	return CALL(S(SYS_setdomainname, n, len), lkl_sys_setdomainname((char *)n, len));
}
static inline long sys_clock_gettime(clockid_t c, struct timespec *ts)
{
	return CALL(S(SYS_clock_gettime, c, ts), lkl_sys_clock_gettime(c, LP(struct __lkl__kernel_timespec *, ts)));
}
static inline long sys_clock_settime(clockid_t c, const struct timespec *ts)
{
	return CALL(S(SYS_clock_settime, c, ts), lkl_sys_clock_settime(c, LP(const struct __lkl__kernel_timespec *, ts)));
}
static inline long sys_clock_getres(clockid_t c, struct timespec *ts)
{
	return CALL(S(SYS_clock_getres, c, ts), lkl_sys_clock_getres(c, LP(struct __lkl__kernel_timespec *, ts)));
}
static inline long sys_nanosleep(const struct timespec *req, struct timespec *rem)
{
	return CALL(S(SYS_nanosleep, req, rem),
		    lkl_sys_nanosleep(LP(struct __lkl__kernel_timespec *, req), LP(struct __lkl__kernel_timespec *, rem)));
}
static inline long sys_clock_nanosleep(clockid_t c, int flags, const struct timespec *req, struct timespec *rem)
{
	return CALL(S(SYS_clock_nanosleep, c, flags, req, rem),
		    lkl_sys_clock_nanosleep(c, flags, LP(const struct __lkl__kernel_timespec *, req),
					    LP(struct __lkl__kernel_timespec *, rem)));
}
static inline long sys_getpid(void) { return CALL(S0(SYS_getpid), lkl_sys_getpid()); }
static inline long sys_gettid(void) { return CALL(S0(SYS_gettid), lkl_sys_gettid()); }

#endif /* DUAL_SYS_H */
