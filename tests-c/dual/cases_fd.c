/* dup, dup3, fcntl (descriptors, status flags, pipe size, locks), flock, ioctl. */
#include "dual.h"

static long getfd(int fd) { return sys_fcntl(fd, F_GETFD, 0); }
static long getfl(int fd) { return sys_fcntl(fd, F_GETFL, 0); }

static int openf(const char *content)
{
	mkfile("f", content);
	return OK(sys_openat(AT_FDCWD, "f", O_RDWR, 0));
}

/* dup, dup3 */

CASE(dup_lowest)
{
	int fd = openf("");

	EQ(sys_dup(fd), 4);
	EQ(sys_dup(fd), 5);
	EQ(sys_close(4), 0);
	EQ(sys_dup(5), 4);
}

CASE(dup_shares_offset_and_flags)
{
	int fd = openf("0123456789");

	EQ(sys_dup(fd), 4);
	EQ(sys_lseek(3, 6, SEEK_SET), 6);
	EQ(sys_lseek(4, 0, SEEK_CUR), 6);
	EQ(sys_fcntl(4, F_SETFL, O_APPEND), 0);
	EQ(getfl(3), O_RDWR | O_APPEND | KO_LARGEFILE);
	(void)fd;
}

CASE(dup_clears_cloexec)
{
	mkfile("f", "");
	EQ(sys_openat(AT_FDCWD, "f", O_RDONLY | O_CLOEXEC, 0), 3);
	EQ(sys_dup(3), 4);
	EQ(getfd(3), FD_CLOEXEC);
	EQ(getfd(4), 0);
}

CASE(dup_ebadf)
{
	ERR(sys_dup(99), -EBADF);
	ERR(sys_dup(-1), -EBADF);
}

CASE(dup_emfile)
{
	struct rlimit rl = {4, 4};

	openf("");
	OK(sys_setrlimit(RLIMIT_NOFILE, &rl));
	ERR(sys_dup(3), -EMFILE);
}

CASE(dup_o_path)
{
	mkfile("f", "");
	EQ(sys_openat(AT_FDCWD, "f", O_PATH, 0), 3);
	EQ(sys_dup(3), 4);
	EQ(getfl(4), O_PATH);
}

CASE(dup3_to_number)
{
	openf("");
	EQ(sys_dup3(3, 10, 0), 10);
	EQ(getfd(10), 0);
	EQ(sys_dup(3), 4);
}

CASE(dup3_replaces_open_fd)
{
	char c = 0;

	mkfile("a", "A");
	mkfile("b", "B");
	EQ(sys_openat(AT_FDCWD, "a", O_RDONLY, 0), 3);
	EQ(sys_openat(AT_FDCWD, "b", O_RDONLY, 0), 4);
	EQ(sys_dup3(3, 4, 0), 4);
	EQ(sys_read(4, &c, 1), 1);
	EQ(c, 'A');
}

CASE(dup3_same_fd_einval)
{
	openf("");
	ERR(sys_dup3(3, 3, 0), -EINVAL);
}

CASE(dup3_cloexec)
{
	openf("");
	EQ(sys_dup3(3, 7, O_CLOEXEC), 7);
	EQ(getfd(7), FD_CLOEXEC);
	EQ(getfd(3), 0);
}

CASE(dup3_bad_flags)
{
	openf("");
	ERR(sys_dup3(3, 7, O_NONBLOCK), -EINVAL);
	ERR(getfd(7), -EBADF);
}

CASE(dup3_ebadf_old)
{
	ERR(sys_dup3(99, 7, 0), -EBADF);
}

CASE(dup3_newfd_over_limit_ebadf)
{
	struct rlimit rl = {64, 64};

	openf("");
	OK(sys_setrlimit(RLIMIT_NOFILE, &rl));
	ERR(sys_dup3(3, 64, 0), -EBADF);
	EQ(sys_dup3(3, 63, 0), 63);
}

/* fcntl: descriptors and status flags */

CASE(fcntl_dupfd_min)
{
	openf("");
	EQ(sys_fcntl(3, F_DUPFD, 10), 10);
	EQ(sys_fcntl(3, F_DUPFD, 10), 11);
	EQ(sys_fcntl(3, F_DUPFD, 0), 4);
	EQ(getfd(10), 0);
}

CASE(fcntl_dupfd_cloexec)
{
	openf("");
	EQ(sys_fcntl(3, F_DUPFD_CLOEXEC, 5), 5);
	EQ(getfd(5), FD_CLOEXEC);
}

CASE(fcntl_dupfd_over_limit)
{
	struct rlimit rl = {32, 32};

	openf("");
	OK(sys_setrlimit(RLIMIT_NOFILE, &rl));
	ERR(sys_fcntl(3, F_DUPFD, 32), -EINVAL);
	EQ(sys_fcntl(3, F_DUPFD, 31), 31);
	ERR(sys_fcntl(3, F_DUPFD, 31), -EMFILE);
}

CASE(fcntl_dupfd_negative)
{
	openf("");
	ERR(sys_fcntl(3, F_DUPFD, (unsigned long)-1), -EINVAL);
}

CASE(fcntl_setfd_getfd)
{
	openf("");
	EQ(getfd(3), 0);
	EQ(sys_fcntl(3, F_SETFD, FD_CLOEXEC), 0);
	EQ(getfd(3), FD_CLOEXEC);
	EQ(sys_fcntl(3, F_SETFD, 0), 0);
	EQ(getfd(3), 0);
}

CASE(fcntl_setfd_only_cloexec_bit)
{
	openf("");
	EQ(sys_fcntl(3, F_SETFD, 0xff), 0);
	EQ(getfd(3), FD_CLOEXEC);
}

CASE(fcntl_setfl_append_nonblock)
{
	openf("");
	EQ(sys_fcntl(3, F_SETFL, O_APPEND | O_NONBLOCK), 0);
	EQ(getfl(3), O_RDWR | O_APPEND | O_NONBLOCK | KO_LARGEFILE);
	EQ(sys_fcntl(3, F_SETFL, 0), 0);
	EQ(getfl(3), O_RDWR | KO_LARGEFILE);
}

CASE(fcntl_setfl_ignores_access_and_creation)
{
	mkfile("f", "");
	EQ(sys_openat(AT_FDCWD, "f", O_RDONLY, 0), 3);
	EQ(sys_fcntl(3, F_SETFL, O_WRONLY | O_CREAT | O_TRUNC | O_EXCL), 0);
	EQ(getfl(3), O_RDONLY | KO_LARGEFILE);
	ERR(sys_write(3, "x", 1), -EBADF);
}

CASE(fcntl_setfl_shared_by_dup_getfd_not)
{
	openf("");
	EQ(sys_dup(3), 4);
	EQ(sys_fcntl(3, F_SETFL, O_NONBLOCK), 0);
	EQ(getfl(4), O_RDWR | O_NONBLOCK | KO_LARGEFILE);
	EQ(sys_fcntl(3, F_SETFD, FD_CLOEXEC), 0);
	EQ(getfd(4), 0);
}

CASE(fcntl_append_applies_to_writes)
{
	openf("abc");
	EQ(sys_fcntl(3, F_SETFL, O_APPEND), 0);
	EQ(sys_write(3, "Z", 1), 1);
	EQ_STR(read_all("f"), "abcZ");
}

CASE(fcntl_ebadf)
{
	ERR(sys_fcntl(99, F_GETFD, 0), -EBADF);
	ERR(sys_fcntl(99, F_GETFL, 0), -EBADF);
	ERR(sys_fcntl(99, F_DUPFD, 0), -EBADF);
}

CASE(fcntl_unknown_cmd)
{
	openf("");
	ERR(sys_fcntl(3, 9999, 0), -EINVAL);
}

CASE(fcntl_o_path_allowed_cmds)
{
	mkfile("f", "");
	EQ(sys_openat(AT_FDCWD, "f", O_PATH, 0), 3);
	EQ(sys_fcntl(3, F_SETFD, FD_CLOEXEC), 0);
	EQ(getfd(3), FD_CLOEXEC);
	EQ(sys_fcntl(3, F_DUPFD, 0), 4);
	ERR(sys_fcntl(3, F_SETFL, O_NONBLOCK), -EBADF);
}

/* fcntl: pipe size */

CASE(fcntl_getpipe_sz_default)
{
	int p[2];

	OK(sys_pipe2(p, 0));
	EQ(sys_fcntl(p[0], F_GETPIPE_SZ, 0), 65536);
	EQ(sys_fcntl(p[1], F_GETPIPE_SZ, 0), 65536);
}

CASE(fcntl_setpipe_sz)
{
	int p[2];

	OK(sys_pipe2(p, 0));
	EQ(sys_fcntl(p[1], F_SETPIPE_SZ, 8192), 8192);
	EQ(sys_fcntl(p[0], F_GETPIPE_SZ, 0), 8192);
	EQ(sys_fcntl(p[1], F_SETPIPE_SZ, 131072), 131072);
	EQ(sys_fcntl(p[0], F_GETPIPE_SZ, 0), 131072);
}

CASE(fcntl_setpipe_sz_rounds_up)
{
	int p[2];

	OK(sys_pipe2(p, 0));
	EQ(sys_fcntl(p[1], F_SETPIPE_SZ, 5000), 8192);
	EQ(sys_fcntl(p[1], F_SETPIPE_SZ, 1), 4096);
	EQ(sys_fcntl(p[1], F_SETPIPE_SZ, 12289), 16384);
}

CASE(fcntl_setpipe_sz_limits_capacity)
{
	static char buf[8192];
	int p[2];

	OK(sys_pipe2(p, O_NONBLOCK));
	EQ(sys_fcntl(p[1], F_SETPIPE_SZ, 4096), 4096);
	EQ(sys_write(p[1], buf, 4096), 4096);
	ERR(sys_write(p[1], buf, 1), -EAGAIN);
}

CASE(fcntl_setpipe_sz_below_content_ebusy)
{
	static char buf[12288];
	int p[2];

	OK(sys_pipe2(p, 0));
	EQ(sys_write(p[1], buf, sizeof(buf)), sizeof(buf));
	ERR(sys_fcntl(p[1], F_SETPIPE_SZ, 4096), -EBUSY);
	EQ(sys_fcntl(p[1], F_GETPIPE_SZ, 0), 65536);
}

CASE(fcntl_setpipe_sz_ebusy_counts_slots)
{
	static char buf[4096];
	int p[2];

	OK(sys_pipe2(p, O_NONBLOCK));
	EQ(sys_write(p[1], buf, 4096), 4096);
	EQ(sys_write(p[1], "z", 1), 1);
	EQ(sys_read(p[0], buf, 4095), 4095);
	/* 2 bytes, but in 2 slots. */
	ERR(sys_fcntl(p[1], F_SETPIPE_SZ, 4096), -EBUSY);
	EQ(sys_fcntl(p[1], F_GETPIPE_SZ, 0), 65536);
}

CASE(fcntl_setpipe_sz_to_slots_held)
{
	static char buf[4096];
	int p[2];

	OK(sys_pipe2(p, O_NONBLOCK));
	EQ(sys_write(p[1], buf, 4096), 4096);
	EQ(sys_write(p[1], "z", 1), 1);
	EQ(sys_read(p[0], buf, 4096), 4096);
	EQ(sys_fcntl(p[1], F_SETPIPE_SZ, 4096), 4096);
	EQ(sys_write(p[1], "y", 1), 1);
	EQ(sys_read(p[0], buf, sizeof(buf)), 2);
	EQ_MEM(buf, "zy", 2);
}

CASE(fcntl_setpipe_sz_after_partial_merge)
{
	static char buf[5000];
	int p[2];

	OK(sys_pipe2(p, O_NONBLOCK));
	EQ(sys_write(p[1], buf, 1000), 1000);
	/* 904 bytes join the first slot, 4096 take a second. */
	EQ(sys_write(p[1], buf, 5000), 5000);
	EQ(sys_fcntl(p[1], F_SETPIPE_SZ, 8192), 8192);
}

CASE(fcntl_setpipe_sz_write_too_big_to_merge)
{
	static char buf[4000];
	int p[2];

	OK(sys_pipe2(p, O_NONBLOCK));
	EQ(sys_write(p[1], buf, 1000), 1000);
	EQ(sys_write(p[1], buf, 4000), 4000);
	ERR(sys_fcntl(p[1], F_SETPIPE_SZ, 4096), -EBUSY);
}

CASE(fcntl_setpipe_sz_over_2g_einval)
{
	int p[2];

	OK(sys_pipe2(p, 0));
	ERR(sys_fcntl(p[1], F_SETPIPE_SZ, (1UL << 31) + 1), -EINVAL);
}

CASE(fcntl_setpipe_sz_over_max_unprivileged_eperm)
{
	int p[2];

	OK(sys_pipe2(p, 0));
	dual_become(1000, 1000);
	ERR(sys_fcntl(p[1], F_SETPIPE_SZ, 2 << 20), -EPERM);
	EQ(sys_fcntl(p[1], F_SETPIPE_SZ, 1 << 20), 1 << 20);
	dual_unbecome();
}

CASE(fcntl_pipe_sz_on_file_ebadf)
{
	openf("");
	ERR(sys_fcntl(3, F_GETPIPE_SZ, 0), -EBADF);
	ERR(sys_fcntl(3, F_SETPIPE_SZ, 4096), -EBADF);
}

/* fcntl: record locks */

static struct flock lk(short type, off_t start, off_t len)
{
	struct flock f;

	memset(&f, 0, sizeof(f));
	f.l_type = type;
	f.l_whence = SEEK_SET;
	f.l_start = start;
	f.l_len = len;
	return f;
}

#define LOCK(fd, cmd, fl) sys_fcntl(fd, cmd, (unsigned long)(fl))

/* Two open file descriptions of the same file: 3 and 4, both O_RDWR. */
static void two_ofds(void)
{
	mkfile("f", "0123456789");
	EQ(sys_openat(AT_FDCWD, "f", O_RDWR, 0), 3);
	EQ(sys_openat(AT_FDCWD, "f", O_RDWR, 0), 4);
}

CASE(fcntl_getlk_unlocked)
{
	struct flock f = lk(F_WRLCK, 0, 0);

	two_ofds();
	EQ(LOCK(3, F_GETLK, &f), 0);
	EQ(f.l_type, F_UNLCK);
}

CASE(fcntl_getlk_own_lock_no_conflict)
{
	struct flock f = lk(F_WRLCK, 0, 10);

	two_ofds();
	EQ(LOCK(3, F_SETLK, &f), 0);
	f = lk(F_WRLCK, 0, 10);
	EQ(LOCK(4, F_GETLK, &f), 0);
	EQ(f.l_type, F_UNLCK);
}

CASE(fcntl_setlk_bad_type)
{
	struct flock f = lk(7, 0, 0);

	two_ofds();
	ERR(LOCK(3, F_SETLK, &f), -EINVAL);
}

CASE(fcntl_setlk_rdlck_needs_read)
{
	struct flock f = lk(F_RDLCK, 0, 0);

	mkfile("f", "");
	EQ(sys_openat(AT_FDCWD, "f", O_WRONLY, 0), 3);
	ERR(LOCK(3, F_SETLK, &f), -EBADF);
}

CASE(fcntl_setlk_wrlck_needs_write)
{
	struct flock f = lk(F_WRLCK, 0, 0);

	mkfile("f", "");
	EQ(sys_openat(AT_FDCWD, "f", O_RDONLY, 0), 3);
	ERR(LOCK(3, F_SETLK, &f), -EBADF);
}

CASE(fcntl_getlk_efault)
{
	two_ofds();
	ERR(LOCK(3, F_GETLK, BADPTR), -EFAULT);
	ERR(LOCK(3, F_SETLK, NULL), -EFAULT);
}

CASE(fcntl_setlk_negative_start)
{
	struct flock f = lk(F_WRLCK, -1, 5);

	two_ofds();
	ERR(LOCK(3, F_SETLK, &f), -EINVAL);
}

CASE(fcntl_ofd_conflict_eagain)
{
	struct flock f = lk(F_WRLCK, 0, 10);

	two_ofds();
	EQ(LOCK(3, F_OFD_SETLK, &f), 0);
	f = lk(F_WRLCK, 5, 1);
	ERR(LOCK(4, F_OFD_SETLK, &f), -EAGAIN);
	f = lk(F_RDLCK, 9, 3);
	ERR(LOCK(4, F_OFD_SETLK, &f), -EAGAIN);
	f = lk(F_WRLCK, 10, 5);
	EQ(LOCK(4, F_OFD_SETLK, &f), 0);
}

CASE(fcntl_ofd_getlk_reports_holder)
{
	struct flock f = lk(F_WRLCK, 2, 6);

	two_ofds();
	EQ(LOCK(3, F_OFD_SETLK, &f), 0);
	f = lk(F_RDLCK, 0, 0);
	EQ(LOCK(4, F_OFD_GETLK, &f), 0);
	EQ(f.l_type, F_WRLCK);
	EQ(f.l_whence, SEEK_SET);
	EQ(f.l_start, 2);
	EQ(f.l_len, 6);
	EQ(f.l_pid, -1);
}

CASE(fcntl_ofd_requires_pid_zero)
{
	struct flock f = lk(F_WRLCK, 0, 0);

	two_ofds();
	f.l_pid = 1;
	ERR(LOCK(3, F_OFD_SETLK, &f), -EINVAL);
	ERR(LOCK(3, F_OFD_GETLK, &f), -EINVAL);
}

CASE(fcntl_ofd_unlock)
{
	struct flock f = lk(F_WRLCK, 0, 0);

	two_ofds();
	EQ(LOCK(3, F_OFD_SETLK, &f), 0);
	f = lk(F_UNLCK, 0, 0);
	EQ(LOCK(3, F_OFD_SETLK, &f), 0);
	f = lk(F_WRLCK, 0, 0);
	EQ(LOCK(4, F_OFD_SETLK, &f), 0);
}

CASE(fcntl_ofd_close_releases)
{
	struct flock f = lk(F_WRLCK, 0, 0);

	two_ofds();
	EQ(LOCK(3, F_OFD_SETLK, &f), 0);
	EQ(sys_close(3), 0);
	EQ(LOCK(4, F_OFD_SETLK, &f), 0);
}

CASE(fcntl_ofd_dup_keeps_lock)
{
	struct flock f = lk(F_WRLCK, 0, 0);

	two_ofds();
	EQ(LOCK(3, F_OFD_SETLK, &f), 0);
	EQ(sys_dup(3), 5);
	EQ(sys_close(3), 0);
	ERR(LOCK(4, F_OFD_SETLK, &f), -EAGAIN);
	EQ(sys_close(5), 0);
	EQ(LOCK(4, F_OFD_SETLK, &f), 0);
}

CASE(fcntl_ofd_read_locks_share)
{
	struct flock f = lk(F_RDLCK, 0, 0);

	two_ofds();
	EQ(LOCK(3, F_OFD_SETLK, &f), 0);
	EQ(LOCK(4, F_OFD_SETLK, &f), 0);
	f = lk(F_WRLCK, 0, 1);
	ERR(LOCK(4, F_OFD_SETLK, &f), -EAGAIN);
}

CASE(fcntl_ofd_conflicts_with_posix)
{
	struct flock f = lk(F_WRLCK, 0, 4);

	two_ofds();
	EQ(LOCK(3, F_SETLK, &f), 0);
	ERR(LOCK(4, F_OFD_SETLK, &f), -EAGAIN);
	f = lk(F_RDLCK, 0, 0);
	EQ(LOCK(4, F_OFD_GETLK, &f), 0);
	EQ(f.l_type, F_WRLCK);
	EQ(f.l_start, 0);
	EQ(f.l_len, 4);
	EQ(f.l_pid, sys_getpid());
}

CASE(fcntl_ofd_split_range)
{
	struct flock f = lk(F_WRLCK, 0, 10);

	two_ofds();
	EQ(LOCK(3, F_OFD_SETLK, &f), 0);
	f = lk(F_UNLCK, 3, 2);
	EQ(LOCK(3, F_OFD_SETLK, &f), 0);
	f = lk(F_WRLCK, 3, 2);
	EQ(LOCK(4, F_OFD_GETLK, &f), 0);
	EQ(f.l_type, F_UNLCK);
	f = lk(F_WRLCK, 4, 10);
	EQ(LOCK(4, F_OFD_GETLK, &f), 0);
	EQ(f.l_type, F_WRLCK);
	EQ(f.l_start, 5);
	EQ(f.l_len, 5);
}

CASE(fcntl_ofd_whence_end)
{
	struct flock f = lk(F_WRLCK, -4, 2);

	two_ofds();
	f.l_whence = SEEK_END;
	EQ(LOCK(3, F_OFD_SETLK, &f), 0);
	f = lk(F_WRLCK, 0, 0);
	EQ(LOCK(4, F_OFD_GETLK, &f), 0);
	EQ(f.l_type, F_WRLCK);
	EQ(f.l_start, 6);
	EQ(f.l_len, 2);
}

static void *ofd_setlkw(void *arg)
{
	struct flock f = lk(F_WRLCK, 0, 0);

	return (void *)LOCK((int)(long)arg, F_OFD_SETLKW, &f);
}

CASE(fcntl_ofd_setlkw_waits)
{
	struct flock f = lk(F_WRLCK, 0, 0), q;
	pthread_t t;
	long long deadline;

	two_ofds();
	EQ(LOCK(3, F_OFD_SETLK, &f), 0);
	t = dual_thread(ofd_setlkw, (void *)4L);
	/* Release once the waiter is blocked (or soon anyway): the result is the same. */
	deadline = dual_now_ms() + 200;
	while (dual_now_ms() < deadline)
		sys_sched_yield();
	f = lk(F_UNLCK, 0, 0);
	EQ(LOCK(3, F_OFD_SETLK, &f), 0);
	EQ((long)dual_join(t), 0);
	q = lk(F_WRLCK, 0, 0);
	ERR(LOCK(3, F_OFD_SETLK, &q), -EAGAIN);
}

/* flock */

CASE(flock_ex_conflict)
{
	two_ofds();
	EQ(sys_flock(3, LOCK_EX), 0);
	ERR(sys_flock(4, LOCK_EX | LOCK_NB), -EWOULDBLOCK);
	ERR(sys_flock(4, LOCK_SH | LOCK_NB), -EWOULDBLOCK);
}

CASE(flock_shared)
{
	two_ofds();
	EQ(sys_flock(3, LOCK_SH), 0);
	EQ(sys_flock(4, LOCK_SH | LOCK_NB), 0);
	ERR(sys_flock(4, LOCK_EX | LOCK_NB), -EWOULDBLOCK);
}

CASE(flock_unlock)
{
	two_ofds();
	EQ(sys_flock(3, LOCK_EX), 0);
	EQ(sys_flock(3, LOCK_UN), 0);
	EQ(sys_flock(4, LOCK_EX | LOCK_NB), 0);
}

CASE(flock_unlock_without_lock)
{
	two_ofds();
	EQ(sys_flock(3, LOCK_UN), 0);
}

CASE(flock_dup_shares)
{
	two_ofds();
	EQ(sys_flock(3, LOCK_EX), 0);
	EQ(sys_dup(3), 5);
	EQ(sys_flock(5, LOCK_EX | LOCK_NB), 0);
	EQ(sys_close(3), 0);
	ERR(sys_flock(4, LOCK_EX | LOCK_NB), -EWOULDBLOCK);
	EQ(sys_close(5), 0);
	EQ(sys_flock(4, LOCK_EX | LOCK_NB), 0);
}

CASE(flock_upgrade_downgrade)
{
	two_ofds();
	EQ(sys_flock(3, LOCK_SH), 0);
	EQ(sys_flock(3, LOCK_EX | LOCK_NB), 0);
	ERR(sys_flock(4, LOCK_SH | LOCK_NB), -EWOULDBLOCK);
	EQ(sys_flock(3, LOCK_SH), 0);
	EQ(sys_flock(4, LOCK_SH | LOCK_NB), 0);
}

CASE(flock_bad_op)
{
	two_ofds();
	ERR(sys_flock(3, 0), -EINVAL);
	ERR(sys_flock(3, LOCK_NB), -EINVAL);
	ERR(sys_flock(3, 16), -EINVAL);
}

CASE(flock_ebadf)
{
	ERR(sys_flock(99, LOCK_EX), -EBADF);
}

CASE(flock_rdonly_ex_ok)
{
	mkfile("f", "");
	EQ(sys_openat(AT_FDCWD, "f", O_RDONLY, 0), 3);
	EQ(sys_flock(3, LOCK_EX), 0);
}

CASE(flock_o_path_ebadf)
{
	mkfile("f", "");
	EQ(sys_openat(AT_FDCWD, "f", O_PATH, 0), 3);
	ERR(sys_flock(3, LOCK_EX), -EBADF);
}

CASE(flock_independent_of_fcntl_locks)
{
	struct flock f = lk(F_WRLCK, 0, 0);

	two_ofds();
	EQ(sys_flock(3, LOCK_EX), 0);
	EQ(LOCK(4, F_OFD_SETLK, &f), 0);
}

static void *flock_wait(void *arg)
{
	return (void *)sys_flock((int)(long)arg, LOCK_EX);
}

CASE(flock_blocking_waits)
{
	pthread_t t;
	long long deadline;

	two_ofds();
	EQ(sys_flock(3, LOCK_EX), 0);
	t = dual_thread(flock_wait, (void *)4L);
	deadline = dual_now_ms() + 200;
	while (dual_now_ms() < deadline)
		sys_sched_yield();
	EQ(sys_flock(3, LOCK_UN), 0);
	EQ((long)dual_join(t), 0);
	ERR(sys_flock(3, LOCK_EX | LOCK_NB), -EWOULDBLOCK);
}

/* ioctl */

CASE(ioctl_fionread_pipe)
{
	int p[2], n = -1;

	OK(sys_pipe2(p, 0));
	EQ(sys_ioctl(p[0], FIONREAD, (unsigned long)&n), 0);
	EQ(n, 0);
	EQ(sys_write(p[1], "hello", 5), 5);
	EQ(sys_ioctl(p[0], FIONREAD, (unsigned long)&n), 0);
	EQ(n, 5);
}

CASE(ioctl_fionread_file)
{
	int n = -1;

	openf("0123456789");
	EQ(sys_lseek(3, 3, SEEK_SET), 3);
	EQ(sys_ioctl(3, FIONREAD, (unsigned long)&n), 0);
	EQ(n, 7);
}

CASE(ioctl_fionread_efault)
{
	int p[2];

	OK(sys_pipe2(p, 0));
	ERR(sys_ioctl(p[0], FIONREAD, (unsigned long)BADPTR), -EFAULT);
}

CASE(ioctl_fionbio)
{
	int on = 1, off = 0;

	openf("");
	EQ(sys_ioctl(3, FIONBIO, (unsigned long)&on), 0);
	EQ(getfl(3), O_RDWR | O_NONBLOCK | KO_LARGEFILE);
	EQ(sys_ioctl(3, FIONBIO, (unsigned long)&off), 0);
	EQ(getfl(3), O_RDWR | KO_LARGEFILE);
}

CASE(ioctl_fionbio_makes_pipe_nonblocking)
{
	int p[2], on = 1;
	char c;

	OK(sys_pipe2(p, 0));
	EQ(sys_ioctl(p[0], FIONBIO, (unsigned long)&on), 0);
	ERR(sys_read(p[0], &c, 1), -EAGAIN);
}

CASE(ioctl_fioclex_fionclex)
{
	openf("");
	EQ(sys_ioctl(3, FIOCLEX, 0), 0);
	EQ(getfd(3), FD_CLOEXEC);
	EQ(sys_ioctl(3, FIONCLEX, 0), 0);
	EQ(getfd(3), 0);
}

CASE(ioctl_enotty_file)
{
	char buf[64];

	openf("");
	ERR(sys_ioctl(3, TCGETS, (unsigned long)buf), -ENOTTY);
}

CASE(ioctl_enotty_pipe)
{
	char buf[64];
	int p[2];

	OK(sys_pipe2(p, 0));
	ERR(sys_ioctl(p[0], TCGETS, (unsigned long)buf), -ENOTTY);
}

CASE(ioctl_enotty_unknown_on_dir)
{
	mkdir_p("d");
	EQ(sys_openat(AT_FDCWD, "d", O_RDONLY, 0), 3);
	ERR(sys_ioctl(3, 0x12345678, 0), -ENOTTY);
}

CASE(ioctl_ebadf)
{
	int n;

	ERR(sys_ioctl(99, FIONREAD, (unsigned long)&n), -EBADF);
	ERR(sys_ioctl(99, FIOCLEX, 0), -EBADF);
}

CASE(ioctl_o_path_ebadf)
{
	mkfile("f", "");
	EQ(sys_openat(AT_FDCWD, "f", O_PATH, 0), 3);
	ERR(sys_ioctl(3, FIOCLEX, 0), -EBADF);
}
