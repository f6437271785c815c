/* ppoll, pselect6, timerfd_create, timerfd_settime, timerfd_gettime. */
#include "dual.h"

static long getfd(int fd) { return sys_fcntl(fd, F_GETFD, 0); }
static long getfl(int fd) { return sys_fcntl(fd, F_GETFL, 0); }
static long efd_write(int fd, uint64_t v) { return sys_write(fd, &v, sizeof(v)); }

static void *write_later(void *arg)
{
	long long deadline = dual_now_ms() + 50;

	while (dual_now_ms() < deadline)
		sys_sched_yield();
	return (void *)efd_write((int)(long)arg, 9);
}

/* ppoll */

CASE(ppoll_pipe)
{
	struct pollfd pfd[2];
	struct timespec zero = {0, 0};
	int p[2];

	OK(sys_pipe2(p, 0));
	pfd[0] = (struct pollfd){p[0], POLLIN, 0};
	pfd[1] = (struct pollfd){p[1], POLLOUT, 0};
	EQ(sys_ppoll(pfd, 2, &zero), 1);
	EQ(pfd[0].revents, 0);
	EQ(pfd[1].revents, POLLOUT);
	EQ(sys_write(p[1], "x", 1), 1);
	EQ(sys_ppoll(pfd, 2, &zero), 2);
	EQ(pfd[0].revents, POLLIN);
}

CASE(ppoll_pipe_pollout_needs_free_slot)
{
	static char buf[65536];
	struct pollfd pfd;
	struct timespec zero = {0, 0};
	int p[2];

	OK(sys_pipe2(p, O_NONBLOCK));
	for (int i = 0; i < 15; i++)
		EQ(sys_write(p[1], buf, 4096), 4096);
	pfd = (struct pollfd){p[1], POLLOUT, 0};
	EQ(sys_ppoll(&pfd, 1, &zero), 1);
	EQ(pfd.revents, POLLOUT);
	/* 4095 bytes of room left, but no free slot. */
	EQ(sys_write(p[1], "x", 1), 1);
	EQ(sys_ppoll(&pfd, 1, &zero), 0);
	EQ(pfd.revents, 0);
}

CASE(ppoll_negative_fd_ignored)
{
	struct pollfd pfd = {-1, POLLIN, 0x7f};
	struct timespec zero = {0, 0};

	EQ(sys_ppoll(&pfd, 1, &zero), 0);
	EQ(pfd.revents, 0);
}

CASE(ppoll_bad_fd_pollnval)
{
	struct pollfd pfd = {99, POLLIN, 0};
	struct timespec zero = {0, 0};

	EQ(sys_ppoll(&pfd, 1, &zero), 1);
	EQ(pfd.revents, POLLNVAL);
}

CASE(ppoll_hup)
{
	struct pollfd pfd;
	struct timespec zero = {0, 0};
	int p[2];

	OK(sys_pipe2(p, 0));
	EQ(sys_write(p[1], "x", 1), 1);
	EQ(sys_close(p[1]), 0);
	pfd = (struct pollfd){p[0], POLLIN, 0};
	EQ(sys_ppoll(&pfd, 1, &zero), 1);
	EQ(pfd.revents, POLLIN | POLLHUP);
}

CASE(ppoll_regular_file_ready)
{
	struct pollfd pfd;
	struct timespec zero = {0, 0};

	mkfile("f", "");
	EQ(sys_openat(AT_FDCWD, "f", O_RDWR, 0), 3);
	pfd = (struct pollfd){3, POLLIN | POLLOUT, 0};
	EQ(sys_ppoll(&pfd, 1, &zero), 1);
	EQ(pfd.revents, POLLIN | POLLOUT);
}

CASE(ppoll_nfds_over_limit)
{
	struct rlimit rl = {16, 16};
	struct pollfd pfd[17];
	struct timespec zero = {0, 0};

	for (int i = 0; i < 17; i++)
		pfd[i] = (struct pollfd){-1, 0, 0};
	OK(sys_setrlimit(RLIMIT_NOFILE, &rl));
	ERR(sys_ppoll(pfd, 17, &zero), -EINVAL);
	EQ(sys_ppoll(pfd, 16, &zero), 0);
}

CASE(ppoll_efault)
{
	struct timespec zero = {0, 0};

	ERR(sys_ppoll(BADPTR, 1, &zero), -EFAULT);
	ERR(sys_ppoll(NULL, 1, &zero), -EFAULT);
}

CASE(ppoll_invalid_timeout)
{
	struct pollfd pfd = {-1, 0, 0};
	struct timespec bad = {0, 1000000000};

	ERR(sys_ppoll(&pfd, 1, &bad), -EINVAL);
	bad = (struct timespec){-1, 0};
	ERR(sys_ppoll(&pfd, 1, &bad), -EINVAL);
}

CASE(ppoll_timeout_elapses)
{
	struct pollfd pfd;
	struct timespec ts = {0, 30 * 1000000};
	long long start;
	int p[2];

	OK(sys_pipe2(p, 0));
	pfd = (struct pollfd){p[0], POLLIN, 0};
	start = dual_now_ms();
	EQ(sys_ppoll(&pfd, 1, &ts), 0);
	CHECK(dual_now_ms() - start >= 29);
}

CASE(ppoll_zero_fds)
{
	struct timespec ts = {0, 1000000};

	EQ(sys_ppoll(NULL, 0, &ts), 0);
}

CASE(ppoll_wakes_on_thread_write)
{
	struct pollfd pfd = {3, POLLIN, 0};
	struct timespec ts = {2, 0};
	pthread_t t;

	EQ(sys_eventfd2(0, 0), 3);
	t = dual_thread(write_later, (void *)3L);
	EQ(sys_ppoll(&pfd, 1, &ts), 1);
	EQ(pfd.revents, POLLIN);
	EQ((long)dual_join(t), 8);
}

/* pselect6 */

CASE(pselect_readable)
{
	fd_set r;
	struct timespec zero = {0, 0};
	int p[2];

	OK(sys_pipe2(p, 0));
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	EQ(sys_pselect6(p[0] + 1, &r, NULL, NULL, &zero), 0);
	EQ(FD_ISSET(p[0], &r), 0);
	EQ(sys_write(p[1], "x", 1), 1);
	FD_SET(p[0], &r);
	EQ(sys_pselect6(p[0] + 1, &r, NULL, NULL, &zero), 1);
	CHECK(FD_ISSET(p[0], &r));
}

CASE(pselect_writable)
{
	fd_set r, w;
	struct timespec zero = {0, 0};
	int p[2];

	OK(sys_pipe2(p, 0));
	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_SET(p[0], &r);
	FD_SET(p[1], &w);
	EQ(sys_pselect6(p[1] + 1, &r, &w, NULL, &zero), 1);
	EQ(FD_ISSET(p[0], &r), 0);
	CHECK(FD_ISSET(p[1], &w));
}

CASE(pselect_bad_fd)
{
	fd_set r;
	struct timespec zero = {0, 0};

	FD_ZERO(&r);
	FD_SET(50, &r);
	ERR(sys_pselect6(51, &r, NULL, NULL, &zero), -EBADF);
}

CASE(pselect_negative_nfds)
{
	struct timespec zero = {0, 0};

	ERR(sys_pselect6(-1, NULL, NULL, NULL, &zero), -EINVAL);
}

CASE(pselect_invalid_timeout)
{
	struct timespec bad = {0, 2000000000};

	ERR(sys_pselect6(0, NULL, NULL, NULL, &bad), -EINVAL);
}

CASE(pselect_efault)
{
	struct timespec zero = {0, 0};
	int p[2];

	OK(sys_pipe2(p, 0));
	ERR(sys_pselect6(p[0] + 1, BADPTR, NULL, NULL, &zero), -EFAULT);
}

CASE(pselect_timeout_elapses)
{
	fd_set r;
	struct timespec ts = {0, 30 * 1000000};
	long long start;
	int p[2];

	OK(sys_pipe2(p, 0));
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	start = dual_now_ms();
	EQ(sys_pselect6(p[0] + 1, &r, NULL, NULL, &ts), 0);
	CHECK(dual_now_ms() - start >= 29);
	EQ(ts.tv_sec, 0);
	EQ(ts.tv_nsec, 0);
}

/* timerfd */

CASE(timerfd_create_errors)
{
	ERR(sys_timerfd_create(99, 0), -EINVAL);
	ERR(sys_timerfd_create(CLOCK_MONOTONIC, 1), -EINVAL);
	ERR(sys_timerfd_create(CLOCK_PROCESS_CPUTIME_ID, 0), -EINVAL);
}

CASE(timerfd_flags)
{
	EQ(sys_timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK), 3);
	EQ(getfd(3), FD_CLOEXEC);
	EQ(getfl(3), O_RDWR | O_NONBLOCK);
	EQ(sys_timerfd_create(CLOCK_REALTIME, 0), 4);
	EQ(getfl(4), O_RDWR);
	EQ(sys_timerfd_create(CLOCK_BOOTTIME, 0), 5);
}

CASE(timerfd_disarmed_gettime)
{
	struct itimerspec cur;

	memset(&cur, 0xff, sizeof(cur));
	EQ(sys_timerfd_create(CLOCK_MONOTONIC, 0), 3);
	EQ(sys_timerfd_gettime(3, &cur), 0);
	EQ(cur.it_value.tv_sec, 0);
	EQ(cur.it_value.tv_nsec, 0);
	EQ(cur.it_interval.tv_sec, 0);
	EQ(cur.it_interval.tv_nsec, 0);
}

CASE(timerfd_settime_gettime)
{
	struct itimerspec set = {{1, 500}, {10, 0}}, cur, old;

	EQ(sys_timerfd_create(CLOCK_MONOTONIC, 0), 3);
	EQ(sys_timerfd_settime(3, 0, &set, NULL), 0);
	EQ(sys_timerfd_gettime(3, &cur), 0);
	EQ(cur.it_interval.tv_sec, 1);
	EQ(cur.it_interval.tv_nsec, 500);
	CHECK(cur.it_value.tv_sec == 9 || (cur.it_value.tv_sec == 10 && cur.it_value.tv_nsec == 0));
	set = (struct itimerspec){{0, 0}, {0, 0}};
	EQ(sys_timerfd_settime(3, 0, &set, &old), 0);
	EQ(old.it_interval.tv_sec, 1);
	EQ(old.it_interval.tv_nsec, 500);
	EQ(sys_timerfd_gettime(3, &cur), 0);
	EQ(cur.it_value.tv_sec, 0);
	EQ(cur.it_value.tv_nsec, 0);
}

CASE(timerfd_unexpired_nonblock_eagain)
{
	struct itimerspec set = {{0, 0}, {10, 0}};
	uint64_t v;

	EQ(sys_timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK), 3);
	ERR(sys_read(3, &v, sizeof(v)), -EAGAIN);
	EQ(sys_timerfd_settime(3, 0, &set, NULL), 0);
	ERR(sys_read(3, &v, sizeof(v)), -EAGAIN);
}

CASE(timerfd_expires)
{
	struct itimerspec set = {{0, 0}, {0, 10 * 1000000}}, cur;
	uint64_t v = 0;

	EQ(sys_timerfd_create(CLOCK_MONOTONIC, 0), 3);
	EQ(sys_timerfd_settime(3, 0, &set, NULL), 0);
	EQ(sys_read(3, &v, sizeof(v)), 8);
	EQ(v, 1);
	EQ(sys_timerfd_gettime(3, &cur), 0);
	EQ(cur.it_value.tv_sec, 0);
	EQ(cur.it_value.tv_nsec, 0);
}

CASE(timerfd_abstime_past)
{
	struct itimerspec set = {{0, 0}, {0, 0}};
	uint64_t v = 0;

	struct pollfd pfd = {3, POLLIN, 0};
	struct timespec ts = {2, 0};
	long long start = dual_now_ms();

	/* Read before the call: already passed when it runs, on any uptime.
	 * The expiry is immediate but comes from the timer interrupt: poll
	 * for it rather than racing it. */
	OK(sys_clock_gettime(CLOCK_MONOTONIC, &set.it_value));
	EQ(sys_timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK), 3);
	EQ(sys_timerfd_settime(3, TFD_TIMER_ABSTIME, &set, NULL), 0);
	EQ(sys_ppoll(&pfd, 1, &ts), 1);
	EQ(sys_read(3, &v, sizeof(v)), 8);
	EQ(v, 1);
	CHECK(dual_now_ms() - start < 1000);
}

CASE(timerfd_lseek_noop)
{
	struct itimerspec set = {{0, 0}, {0, 1}};
	uint64_t v = 0;
	struct pollfd pfd = {3, POLLIN, 0};
	struct timespec ts = {2, 0};

	EQ(sys_timerfd_create(CLOCK_MONOTONIC, 0), 3);
	EQ(sys_lseek(3, 5, SEEK_SET), 0);
	EQ(sys_timerfd_settime(3, 0, &set, NULL), 0);
	EQ(sys_ppoll(&pfd, 1, &ts), 1);
	EQ(sys_read(3, &v, sizeof(v)), 8);
	EQ(sys_lseek(3, 0, SEEK_CUR), 0);
	EQ(sys_lseek(3, 0, SEEK_END), 0);
	ERR(sys_lseek(3, 0, 99), -EINVAL);
	ERR(sys_pread64(3, &v, sizeof(v), 0), -ESPIPE);
}

CASE(timerfd_poll_after_expiry)
{
	struct itimerspec set = {{0, 0}, {0, 5 * 1000000}};
	struct pollfd pfd = {3, POLLIN, 0};
	struct timespec ts = {2, 0};

	EQ(sys_timerfd_create(CLOCK_MONOTONIC, 0), 3);
	EQ(sys_timerfd_settime(3, 0, &set, NULL), 0);
	EQ(sys_ppoll(&pfd, 1, &ts), 1);
	EQ(pfd.revents, POLLIN);
}

CASE(timerfd_settime_bad_time)
{
	struct itimerspec bad = {{0, 0}, {0, 1000000000}};

	EQ(sys_timerfd_create(CLOCK_MONOTONIC, 0), 3);
	ERR(sys_timerfd_settime(3, 0, &bad, NULL), -EINVAL);
	bad = (struct itimerspec){{0, -1}, {1, 0}};
	ERR(sys_timerfd_settime(3, 0, &bad, NULL), -EINVAL);
}

CASE(timerfd_settime_bad_flags)
{
	struct itimerspec ok = {{0, 0}, {1, 0}};

	EQ(sys_timerfd_create(CLOCK_MONOTONIC, 0), 3);
	ERR(sys_timerfd_settime(3, 0x10, &ok, NULL), -EINVAL);
}

CASE(timerfd_settime_efault)
{
	EQ(sys_timerfd_create(CLOCK_MONOTONIC, 0), 3);
	ERR(sys_timerfd_settime(3, 0, BADPTR, NULL), -EFAULT);
}

CASE(timerfd_ebadf)
{
	struct itimerspec cur, ok = {{0, 0}, {1, 0}};

	ERR(sys_timerfd_settime(99, 0, &ok, NULL), -EBADF);
	ERR(sys_timerfd_gettime(99, &cur), -EBADF);
}

CASE(timerfd_not_a_timerfd)
{
	struct itimerspec cur, ok = {{0, 0}, {1, 0}};

	EQ(sys_eventfd2(0, 0), 3);
	ERR(sys_timerfd_gettime(3, &cur), -EINVAL);
	ERR(sys_timerfd_settime(3, 0, &ok, NULL), -EINVAL);
}

CASE(timerfd_read_small_buffer)
{
	char buf[4];

	EQ(sys_timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK), 3);
	ERR(sys_read(3, buf, sizeof(buf)), -EINVAL);
}

CASE(timerfd_interval_rearms)
{
	struct itimerspec set = {{0, 10 * 1000000}, {0, 10 * 1000000}}, cur;
	uint64_t v = 0;

	EQ(sys_timerfd_create(CLOCK_MONOTONIC, 0), 3);
	EQ(sys_timerfd_settime(3, 0, &set, NULL), 0);
	EQ(sys_read(3, &v, sizeof(v)), 8);
	CHECK(v >= 1);
	EQ(sys_timerfd_gettime(3, &cur), 0);
	EQ(cur.it_interval.tv_sec, 0);
	EQ(cur.it_interval.tv_nsec, 10 * 1000000);
	EQ(cur.it_value.tv_sec, 0);
	CHECK(cur.it_value.tv_nsec > 0 && cur.it_value.tv_nsec <= 10 * 1000000);
}
