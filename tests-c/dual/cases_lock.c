/* Record locks, fcntl's per-file state and data movement: what one process
 * can see (the cross-process cases are Go tests in kernel/syscalls). */
#include "dual.h"

#include <stdint.h>

/* Newer than the host's libc headers (linux/fcntl.h). */
#ifndef F_DUPFD_QUERY
#define F_DUPFD_QUERY 1027
#endif
#ifndef F_GET_RW_HINT
#define F_GET_RW_HINT 1035
#define F_SET_RW_HINT 1036
#endif

static struct flock lk(short type, short whence, off_t start, off_t len)
{
	struct flock fl;

	memset(&fl, 0, sizeof(fl));
	fl.l_type = type;
	fl.l_whence = whence;
	fl.l_start = start;
	fl.l_len = len;
	return fl;
}

/* "f" holds ten bytes; fd 3 is it O_RDWR. */
static void ten(void)
{
	mkfile("f", "0123456789");
	EQ(sys_openat(AT_FDCWD, "f", O_RDWR, 0), 3);
}

CASE(posix_lock_ranges)
{
	struct flock fl;

	ten();
	fl = lk(F_RDLCK, SEEK_SET, 3, -5);
	ERR(sys_fcntl(3, F_SETLK, (unsigned long)&fl), -EINVAL);
	fl = lk(F_RDLCK, SEEK_SET, 5, -5);
	EQ(sys_fcntl(3, F_SETLK, (unsigned long)&fl), 0);
	fl = lk(F_RDLCK, SEEK_SET, INT64_MAX, 2);
	ERR(sys_fcntl(3, F_SETLK, (unsigned long)&fl), -EOVERFLOW);
	fl = lk(F_RDLCK, SEEK_SET, INT64_MAX, 1);
	EQ(sys_fcntl(3, F_SETLK, (unsigned long)&fl), 0);
	fl = lk(F_RDLCK, SEEK_END, INT64_MAX, 0);
	ERR(sys_fcntl(3, F_SETLK, (unsigned long)&fl), -EOVERFLOW);
	fl = lk(F_RDLCK, SEEK_END, -11, 0);
	ERR(sys_fcntl(3, F_SETLK, (unsigned long)&fl), -EINVAL);
	fl = lk(F_RDLCK, SEEK_SET, 0, INT64_MIN);
	ERR(sys_fcntl(3, F_SETLK, (unsigned long)&fl), -EINVAL);
	EQ(sys_lseek(3, 4, SEEK_SET), 4);
	fl = lk(F_WRLCK, SEEK_CUR, -4, -1);
	ERR(sys_fcntl(3, F_SETLK, (unsigned long)&fl), -EINVAL);
}

CASE(posix_eoverflow_before_ebadf)
{
	struct flock fl;

	ten();
	EQ(sys_openat(AT_FDCWD, "f", O_RDONLY, 0), 4);
	fl = lk(F_WRLCK, SEEK_SET, INT64_MAX, 2);
	ERR(sys_fcntl(4, F_SETLK, (unsigned long)&fl), -EOVERFLOW);
	fl = lk(F_WRLCK, SEEK_SET, 0, 0);
	fl.l_pid = 1;
	ERR(sys_fcntl(4, F_OFD_SETLK, (unsigned long)&fl), -EBADF);
}

CASE(getlk_free_changes_only_type)
{
	struct flock fl;

	ten();
	fl = lk(F_WRLCK, SEEK_CUR, 3, 7);
	fl.l_pid = 42;
	EQ(sys_fcntl(3, F_GETLK, (unsigned long)&fl), 0);
	EQ(fl.l_type, F_UNLCK);
	EQ(fl.l_whence, SEEK_CUR);
	EQ(fl.l_start, 3);
	EQ(fl.l_len, 7);
	EQ(fl.l_pid, 42);
}

/* POSIX locks merge: an OFD test through another open file sees one. */
CASE(posix_locks_merge)
{
	struct flock fl;

	ten();
	EQ(sys_openat(AT_FDCWD, "f", O_RDWR, 0), 4);
	fl = lk(F_WRLCK, SEEK_SET, 0, 10);
	EQ(sys_fcntl(3, F_SETLK, (unsigned long)&fl), 0);
	fl = lk(F_WRLCK, SEEK_SET, 10, 10);
	EQ(sys_fcntl(3, F_SETLK, (unsigned long)&fl), 0);
	fl = lk(F_RDLCK, SEEK_SET, 0, 0);
	EQ(sys_fcntl(4, F_OFD_GETLK, (unsigned long)&fl), 0);
	EQ(fl.l_type, F_WRLCK);
	EQ(fl.l_start, 0);
	EQ(fl.l_len, 20);
	EQ(fl.l_pid, sys_getpid());
}

CASE(posix_unlock_splits)
{
	struct flock fl;

	ten();
	EQ(sys_openat(AT_FDCWD, "f", O_RDWR, 0), 4);
	fl = lk(F_WRLCK, SEEK_SET, 0, 0);
	EQ(sys_fcntl(3, F_SETLK, (unsigned long)&fl), 0);
	fl = lk(F_UNLCK, SEEK_SET, 5, 5);
	EQ(sys_fcntl(3, F_SETLK, (unsigned long)&fl), 0);
	fl = lk(F_WRLCK, SEEK_SET, 5, 5);
	EQ(sys_fcntl(4, F_OFD_GETLK, (unsigned long)&fl), 0);
	EQ(fl.l_type, F_UNLCK);
	fl = lk(F_WRLCK, SEEK_SET, 6, 0);
	EQ(sys_fcntl(4, F_OFD_GETLK, (unsigned long)&fl), 0);
	EQ(fl.l_type, F_WRLCK);
	EQ(fl.l_start, 10);
	EQ(fl.l_len, 0);
}

/* Closing any descriptor of the file drops the process's POSIX locks. */
CASE(posix_close_other_fd_releases)
{
	struct flock fl;

	ten();
	EQ(sys_openat(AT_FDCWD, "f", O_RDWR, 0), 4);
	EQ(sys_openat(AT_FDCWD, "f", O_RDWR, 0), 5);
	fl = lk(F_WRLCK, SEEK_SET, 0, 0);
	EQ(sys_fcntl(3, F_SETLK, (unsigned long)&fl), 0);
	ERR(sys_fcntl(5, F_OFD_SETLK, (unsigned long)&fl), -EAGAIN);
	EQ(sys_close(4), 0);
	EQ(sys_fcntl(5, F_OFD_SETLK, (unsigned long)&fl), 0);
}

CASE(posix_getlk_sees_ofd_pid_minus1)
{
	struct flock fl;

	ten();
	EQ(sys_openat(AT_FDCWD, "f", O_RDWR, 0), 4);
	fl = lk(F_RDLCK, SEEK_SET, 5, 0);
	EQ(sys_fcntl(4, F_OFD_SETLK, (unsigned long)&fl), 0);
	fl = lk(F_WRLCK, SEEK_SET, 0, 0);
	EQ(sys_fcntl(3, F_GETLK, (unsigned long)&fl), 0);
	EQ(fl.l_type, F_RDLCK);
	EQ(fl.l_start, 5);
	EQ(fl.l_pid, -1);
}

CASE(flock_pipe_ends_share)
{
	int p[2];

	OK(sys_pipe2(p, 0));
	EQ(sys_flock(p[0], LOCK_EX), 0);
	ERR(sys_flock(p[1], LOCK_SH | LOCK_NB), -EAGAIN);
}

CASE(flock_failed_upgrade_drops_lock)
{
	mkfile("f", "");
	EQ(sys_openat(AT_FDCWD, "f", O_RDONLY, 0), 3);
	EQ(sys_openat(AT_FDCWD, "f", O_RDONLY, 0), 4);
	EQ(sys_flock(3, LOCK_SH), 0);
	EQ(sys_flock(4, LOCK_SH), 0);
	ERR(sys_flock(3, LOCK_EX | LOCK_NB), -EAGAIN);
	EQ(sys_flock(4, LOCK_EX | LOCK_NB), 0);
}

CASE(flock_mand_ignored)
{
	EQ(sys_flock(99, LOCK_MAND), 0);
	ERR(sys_flock(99, 0), -EINVAL);
	ERR(sys_flock(99, LOCK_UN), -EBADF);
}

CASE(fcntl_owner_and_signal)
{
	struct f_owner_ex ex;

	mkfile("f", "");
	EQ(sys_openat(AT_FDCWD, "f", O_RDWR, 0), 3);
	EQ(sys_fcntl(3, F_GETOWN, 0), 0);
	ERR(sys_fcntl(3, F_SETOWN, (unsigned long)INT32_MIN), -EINVAL);
	EQ(sys_fcntl(3, F_SETOWN, sys_getpid()), 0);
	EQ(sys_fcntl(3, F_GETOWN, 0), sys_getpid());
	EQ(sys_fcntl(3, F_GETOWN_EX, (unsigned long)&ex), 0);
	EQ(ex.type, F_OWNER_PID);
	EQ(ex.pid, sys_getpid());
	ex.type = 99;
	ERR(sys_fcntl(3, F_SETOWN_EX, (unsigned long)&ex), -EINVAL);
	ERR(sys_fcntl(3, F_SETOWN_EX, (unsigned long)BADPTR), -EFAULT);
	EQ(sys_fcntl(3, F_SETSIG, 64), 0);
	ERR(sys_fcntl(3, F_SETSIG, 65), -EINVAL);
	EQ(sys_fcntl(3, F_GETSIG, 0), 64);
}

CASE(fcntl_dupfd_query)
{
	mkfile("f", "");
	EQ(sys_openat(AT_FDCWD, "f", O_RDWR, 0), 3);
	EQ(sys_openat(AT_FDCWD, "f", O_RDWR, 0), 4);
	EQ(sys_dup(3), 5);
	EQ(sys_fcntl(3, F_DUPFD_QUERY, 5), 1);
	EQ(sys_fcntl(3, F_DUPFD_QUERY, 4), 0);
	ERR(sys_fcntl(3, F_DUPFD_QUERY, 99), -EBADF);
}

CASE(fcntl_o_direct)
{
	int p[2];

	mkfile("f", "");
	EQ(sys_openat(AT_FDCWD, "f", O_RDWR, 0), 3);
	EQ(sys_openat(AT_FDCWD, ".", O_RDONLY | O_DIRECTORY, 0), 4);
	EQ(sys_fcntl(3, F_SETFL, O_DIRECT), 0);
	EQ(sys_fcntl(3, F_GETFL, 0) & O_DIRECT, O_DIRECT);
	ERR(sys_fcntl(4, F_SETFL, O_DIRECT | O_NONBLOCK), -EINVAL);
	EQ(sys_fcntl(4, F_GETFL, 0) & O_NONBLOCK, 0);
	OK(sys_pipe2(p, 0));
	EQ(sys_fcntl(p[0], F_SETFL, O_DIRECT), 0);
	EQ(sys_fcntl(p[0], F_GETFL, 0), O_DIRECT);
}

CASE(fcntl_seals_on_tmpfs_file)
{
	int p[2];

	mkfile("f", "");
	EQ(sys_openat(AT_FDCWD, "f", O_RDWR, 0), 3);
	EQ(sys_openat(AT_FDCWD, "f", O_RDONLY, 0), 4);
	EQ(sys_fcntl(3, F_GET_SEALS, 0), F_SEAL_SEAL);
	ERR(sys_fcntl(3, F_ADD_SEALS, F_SEAL_WRITE), -EPERM);
	ERR(sys_fcntl(4, F_ADD_SEALS, 0x1000), -EPERM);
	OK(sys_pipe2(p, 0));
	ERR(sys_fcntl(p[0], F_GET_SEALS, 0), -EINVAL);
	ERR(sys_fcntl(p[1], F_ADD_SEALS, F_SEAL_WRITE), -EINVAL);
}

CASE(fcntl_rw_hint)
{
	uint64_t h = 99;

	mkfile("f", "");
	EQ(sys_openat(AT_FDCWD, "f", O_RDWR, 0), 3);
	EQ(sys_openat(AT_FDCWD, "f", O_RDONLY, 0), 4);
	EQ(sys_fcntl(3, F_GET_RW_HINT, (unsigned long)&h), 0);
	EQ(h, 0);
	h = 2;
	EQ(sys_fcntl(3, F_SET_RW_HINT, (unsigned long)&h), 0);
	h = 99;
	EQ(sys_fcntl(4, F_GET_RW_HINT, (unsigned long)&h), 0);
	EQ(h, 2);
	h = 6;
	ERR(sys_fcntl(3, F_SET_RW_HINT, (unsigned long)&h), -EINVAL);
	ERR(sys_fcntl(3, F_SET_RW_HINT, (unsigned long)BADPTR), -EFAULT);
}

CASE(fcntl_setpipe_sz_zero_is_a_page)
{
	int p[2];

	OK(sys_pipe2(p, 0));
	EQ(sys_fcntl(p[0], F_SETPIPE_SZ, 0), 4096);
	EQ(sys_fcntl(p[0], F_SETPIPE_SZ, (1UL << 32) + 8192), 8192);
}

CASE(pwritev2_append_at_position_moves_it)
{
	struct iovec v = {(void *)"AB", 2};

	ten();
	EQ(sys_lseek(3, 2, SEEK_SET), 2);
	EQ(sys_pwritev2(3, &v, 1, -1, RWF_APPEND), 2);
	EQ(sys_lseek(3, 0, SEEK_CUR), 12);
	EQ(sys_pwritev2(3, &v, 1, 0, RWF_APPEND), 2);
	EQ(sys_lseek(3, 0, SEEK_CUR), 12);
	EQ_STR(read_all("f"), "0123456789ABAB");
}

CASE(preadv2_nowait_tmpfs_eopnotsupp)
{
	char buf[4];
	struct iovec v = {buf, sizeof(buf)};

	ten();
	ERR(sys_preadv2(3, &v, 1, 0, RWF_NOWAIT), -EOPNOTSUPP);
}

CASE(pwritev_order_of_checks)
{
	struct iovec v = {(void *)"AB", 2};

	ten();
	EQ(sys_openat(AT_FDCWD, "f", O_RDONLY, 0), 4);
	ERR(sys_pwritev2(99, &v, 1025, 0, 0x80000000), -EBADF);
	ERR(sys_pwritev2(4, &v, 1025, 0, 0x80000000), -EBADF);
	ERR(sys_pwritev2(3, &v, 1025, 0, 0x80000000), -EINVAL);
	ERR(sys_pwritev2(3, BADPTR, 1, 0, 0x80000000), -EFAULT);
	ERR(sys_pwritev2(99, &v, 1, -5, 0), -EINVAL);
	ERR(sys_pwritev2(3, &v, 1, INT64_MAX - 1, 0), -EINVAL);
}

CASE(sendfile_count_zero_order)
{
	int p[2];

	ten();
	EQ(sys_openat(AT_FDCWD, ".", O_RDONLY | O_DIRECTORY, 0), 4);
	OK(sys_pipe2(p, 0));
	EQ(sys_sendfile(3, 4, NULL, 0), 0);
	ERR(sys_sendfile(3, 4, NULL, 1), -EINVAL);
	ERR(sys_sendfile(3, p[0], NULL, 0), -EINVAL);
	ERR(sys_sendfile(99, 98, BADPTR, 1), -EFAULT);
}

CASE(splice_len_zero_first)
{
	EQ(sys_splice(99, NULL, 98, NULL, 0, 0x10), 0);
	ERR(sys_tee(99, 98, 0, 0x10), -EINVAL);
}

CASE(copy_file_range_order_of_checks)
{
	loff_t o = -1, o2 = INT64_MAX;

	ten();
	ERR(sys_copy_file_range(99, NULL, 3, NULL, 0, 1), -EBADF);
	ERR(sys_copy_file_range(3, BADPTR, 3, NULL, 0, 1), -EFAULT);
	ERR(sys_copy_file_range(3, &o, 3, &o2, 0, 0), -EFBIG);
	o2 = 20;
	ERR(sys_copy_file_range(3, &o, 3, &o2, 1, 0), -EOVERFLOW);
	ERR(sys_copy_file_range(3, &o, 3, &o2, 0, 0), -EINVAL);
}
