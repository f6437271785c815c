/* pipe2, eventfd2. */
#include "dual.h"

static long getfd(int fd) { return sys_fcntl(fd, F_GETFD, 0); }
static long getfl(int fd) { return sys_fcntl(fd, F_GETFL, 0); }

static long efd_read(int fd, uint64_t *v) { return sys_read(fd, v, sizeof(*v)); }
static long efd_write(int fd, uint64_t v) { return sys_write(fd, &v, sizeof(v)); }

/* pipe2 */

CASE(pipe2_basic)
{
	int p[2] = {-1, -1};
	char buf[8] = {0};

	EQ(sys_pipe2(p, 0), 0);
	EQ(p[0], 3);
	EQ(p[1], 4);
	EQ(sys_write(p[1], "pipe", 4), 4);
	EQ(sys_read(p[0], buf, sizeof(buf)), 4);
	EQ_STR(buf, "pipe");
	EQ(getfd(3), 0);
	EQ(getfl(3), O_RDONLY);
	EQ(getfl(4), O_WRONLY);
}

CASE(pipe2_cloexec_nonblock)
{
	int p[2];

	EQ(sys_pipe2(p, O_CLOEXEC | O_NONBLOCK), 0);
	EQ(getfd(p[0]), FD_CLOEXEC);
	EQ(getfd(p[1]), FD_CLOEXEC);
	EQ(getfl(p[0]), O_RDONLY | O_NONBLOCK);
	EQ(getfl(p[1]), O_WRONLY | O_NONBLOCK);
}

CASE(pipe2_bad_flags)
{
	int p[2];

	ERR(sys_pipe2(p, O_APPEND), -EINVAL);
	ERR(sys_pipe2(p, O_RDWR), -EINVAL);
	ERR(getfd(3), -EBADF);
}

CASE(pipe2_efault)
{
	ERR(sys_pipe2(BADPTR, 0), -EFAULT);
	ERR(sys_pipe2(NULL, 0), -EFAULT);
	ERR(getfd(3), -EBADF);
}

CASE(pipe2_emfile)
{
	struct rlimit rl = {4, 4};
	int p[2];

	OK(sys_setrlimit(RLIMIT_NOFILE, &rl));
	ERR(sys_pipe2(p, 0), -EMFILE);
	ERR(getfd(3), -EBADF);
}

CASE(pipe_fstat)
{
	int p[2];

	OK(sys_pipe2(p, 0));
	struct stat st = fstat_of(p[0]);
	EQ(st.st_mode, S_IFIFO | 0600);
	EQ(st.st_nlink, 1);
	EQ(st.st_uid, 0);
	EQ(st.st_size, 0);
	EQ(fstat_of(p[1]).st_ino, st.st_ino);
}

CASE(pipe_st_dev_anonymous)
{
	int p[2], q[2];

	OK(sys_pipe2(p, 0));
	OK(sys_pipe2(q, 0));
	struct stat st = fstat_of(p[0]);
	/* pipefs: an anonymous device of its own, shared by all pipes. */
	EQ(major(st.st_dev), 0);
	EQ(fstat_of(q[1]).st_dev, st.st_dev);
	CHECK(fstat_of(q[1]).st_ino != st.st_ino);
	CHECK(stat_of(".").st_dev != st.st_dev);
	CHECK(stat_of("/").st_dev != st.st_dev);
}

CASE(pipe_wrong_end_ebadf)
{
	int p[2];
	char c;

	OK(sys_pipe2(p, 0));
	ERR(sys_write(p[0], "x", 1), -EBADF);
	ERR(sys_read(p[1], &c, 1), -EBADF);
}

CASE(pipe_direct_packets)
{
	int p[2];
	char buf[16] = {0};

	EQ(sys_pipe2(p, O_DIRECT | O_NONBLOCK), 0);
	EQ(sys_write(p[1], "one", 3), 3);
	EQ(sys_write(p[1], "two", 3), 3);
	EQ(sys_read(p[0], buf, sizeof(buf)), 3);
	EQ_STR(buf, "one");
	EQ(sys_read(p[0], buf, sizeof(buf)), 3);
	EQ_STR(buf, "two");
}

CASE(pipe_stream_merges_writes)
{
	int p[2];
	char buf[16] = {0};

	EQ(sys_pipe2(p, O_NONBLOCK), 0);
	EQ(sys_write(p[1], "one", 3), 3);
	EQ(sys_write(p[1], "two", 3), 3);
	EQ(sys_read(p[0], buf, sizeof(buf)), 6);
	EQ_STR(buf, "onetwo");
}

static long fionread(int fd)
{
	int n = -1;
	long r = sys_ioctl(fd, FIONREAD, (unsigned long)&n);

	return r < 0 ? r : n;
}

CASE(pipe_direct_flag_on_write_end_only)
{
	int p[2];

	EQ(sys_pipe2(p, O_DIRECT | O_NONBLOCK), 0);
	EQ(getfl(p[0]), O_RDONLY | O_NONBLOCK);
	EQ(getfl(p[1]), O_WRONLY | O_NONBLOCK | O_DIRECT);
}

CASE(pipe_direct_short_read_discards_rest)
{
	int p[2];
	char buf[16] = {0};

	EQ(sys_pipe2(p, O_DIRECT | O_NONBLOCK), 0);
	EQ(sys_write(p[1], "hello", 5), 5);
	EQ(sys_write(p[1], "world", 5), 5);
	EQ(fionread(p[0]), 10);
	EQ(sys_read(p[0], buf, 3), 3);
	EQ_STR(buf, "hel");
	EQ(fionread(p[0]), 5);
	EQ(sys_read(p[0], buf, sizeof(buf)), 5);
	EQ_STR(buf, "world");
	ERR(sys_read(p[0], buf, sizeof(buf)), -EAGAIN);
}

CASE(pipe_direct_zero_length_read)
{
	int p[2];
	char buf[4] = {0};

	EQ(sys_pipe2(p, O_DIRECT | O_NONBLOCK), 0);
	EQ(sys_write(p[1], "zz", 2), 2);
	EQ(sys_read(p[0], buf, 0), 0);
	EQ(fionread(p[0]), 2);
	EQ(sys_read(p[0], buf, sizeof(buf)), 2);
}

CASE(pipe_direct_splits_big_writes)
{
	static char big[10000], buf[16384];
	int p[2];

	for (int i = 0; i < (int)sizeof(big); i++)
		big[i] = 'a' + i % 26;
	EQ(sys_pipe2(p, O_DIRECT | O_NONBLOCK), 0);
	EQ(sys_write(p[1], big, sizeof(big)), 10000);
	EQ(sys_read(p[0], buf, sizeof(buf)), 4096);
	EQ_MEM(buf, big, 4096);
	EQ(sys_read(p[0], buf, sizeof(buf)), 4096);
	EQ_MEM(buf, big + 4096, 4096);
	EQ(sys_read(p[0], buf, sizeof(buf)), 1808);
	EQ_MEM(buf, big + 8192, 1808);
}

CASE(pipe_direct_packets_fill_slots)
{
	int p[2];

	EQ(sys_pipe2(p, O_DIRECT | O_NONBLOCK), 0);
	for (int i = 0; i < 16; i++)
		EQ(sys_write(p[1], "x", 1), 1);
	EQ(fionread(p[0]), 16);
	ERR(sys_write(p[1], "y", 1), -EAGAIN);
}

CASE(pipe_direct_setfl_toggles_packets)
{
	int p[2];
	char buf[16] = {0};

	EQ(sys_pipe2(p, O_NONBLOCK), 0);
	EQ(sys_fcntl(p[1], F_SETFL, O_DIRECT | O_NONBLOCK), 0);
	EQ(getfl(p[1]), O_WRONLY | O_NONBLOCK | O_DIRECT);
	EQ(sys_write(p[1], "ab", 2), 2);
	EQ(sys_write(p[1], "cd", 2), 2);
	EQ(sys_read(p[0], buf, sizeof(buf)), 2);
	EQ_STR(buf, "ab");
	EQ(sys_read(p[0], buf, sizeof(buf)), 2);
	EQ(sys_fcntl(p[1], F_SETFL, O_NONBLOCK), 0);
	EQ(sys_write(p[1], "ef", 2), 2);
	EQ(sys_write(p[1], "gh", 2), 2);
	EQ(sys_read(p[0], buf, sizeof(buf)), 4);
	EQ_STR(buf, "efgh");
}

CASE(pipe_direct_on_read_end_no_packets)
{
	int p[2];
	char buf[16] = {0};

	EQ(sys_pipe2(p, O_NONBLOCK), 0);
	EQ(sys_fcntl(p[0], F_SETFL, O_DIRECT | O_NONBLOCK), 0);
	EQ(sys_write(p[1], "ab", 2), 2);
	EQ(sys_write(p[1], "cd", 2), 2);
	EQ(sys_read(p[0], buf, sizeof(buf)), 4);
	EQ_STR(buf, "abcd");
}

CASE(pipe_direct_write_joins_stream_slot)
{
	int p[2];
	char buf[16] = {0};

	EQ(sys_pipe2(p, O_NONBLOCK), 0);
	EQ(sys_write(p[1], "abc", 3), 3);
	EQ(sys_fcntl(p[1], F_SETFL, O_DIRECT | O_NONBLOCK), 0);
	EQ(sys_write(p[1], "def", 3), 3);
	EQ(sys_read(p[0], buf, sizeof(buf)), 6);
	EQ_STR(buf, "abcdef");
}

CASE(pipe_stream_write_after_packet)
{
	int p[2];
	char buf[16] = {0};

	EQ(sys_pipe2(p, O_DIRECT | O_NONBLOCK), 0);
	EQ(sys_write(p[1], "PK1", 3), 3);
	EQ(sys_fcntl(p[1], F_SETFL, O_NONBLOCK), 0);
	EQ(sys_write(p[1], "st1", 3), 3);
	EQ(sys_write(p[1], "st2", 3), 3);
	EQ(sys_read(p[0], buf, sizeof(buf)), 3);
	EQ_STR(buf, "PK1");
	EQ(sys_read(p[0], buf, sizeof(buf)), 6);
	EQ_STR(buf, "st1st2");
}

CASE(pipe_read_stops_after_packet)
{
	static char page[4096], buf[8192];
	int p[2];

	EQ(sys_pipe2(p, O_NONBLOCK), 0);
	EQ(sys_write(p[1], page, sizeof(page)), 4096);
	EQ(sys_fcntl(p[1], F_SETFL, O_DIRECT | O_NONBLOCK), 0);
	EQ(sys_write(p[1], "P1", 2), 2);
	EQ(sys_write(p[1], "P2", 2), 2);
	EQ(sys_read(p[0], buf, sizeof(buf)), 4098);
	EQ_MEM(buf + 4096, "P1", 2);
	EQ(sys_read(p[0], buf, sizeof(buf)), 2);
	EQ_MEM(buf, "P2", 2);
}

CASE(fifo_setfl_direct_packets)
{
	char buf[8] = {0};

	OK(sys_mknodat(AT_FDCWD, "ff", S_IFIFO | 0644, 0));
	EQ(sys_openat(AT_FDCWD, "ff", O_RDWR | O_NONBLOCK, 0), 3);
	EQ(sys_fcntl(3, F_SETFL, O_DIRECT | O_NONBLOCK), 0);
	EQ(sys_write(3, "ab", 2), 2);
	EQ(sys_write(3, "cd", 2), 2);
	EQ(sys_read(3, buf, sizeof(buf)), 2);
	EQ_STR(buf, "ab");
	EQ(sys_read(3, buf, sizeof(buf)), 2);
	EQ_STR(buf, "cd");
}

CASE(pipe_small_writes_share_slot)
{
	int p[2];
	struct pollfd pfd;
	struct timespec zero = {0, 0};

	EQ(sys_pipe2(p, O_NONBLOCK), 0);
	for (int i = 0; i < 20; i++)
		EQ(sys_write(p[1], "x", 1), 1);
	EQ(fionread(p[0]), 20);
	pfd = (struct pollfd){p[1], POLLOUT, 0};
	EQ(sys_ppoll(&pfd, 1, &zero), 1);
	EQ(pfd.revents, POLLOUT);
}

CASE(pipe_fionread_after_merge_and_partial_read)
{
	static char buf[8192];
	int p[2];

	EQ(sys_pipe2(p, O_NONBLOCK), 0);
	EQ(sys_write(p[1], buf, 1000), 1000);
	EQ(sys_write(p[1], buf, 5000), 5000);
	EQ(fionread(p[0]), 6000);
	EQ(sys_read(p[0], buf, 1500), 1500);
	EQ(fionread(p[0]), 4500);
	EQ(sys_write(p[1], buf, 10), 10);
	EQ(fionread(p[0]), 4510);
}

/* eventfd2 */

CASE(eventfd_initial_value)
{
	uint64_t v = 0;

	EQ(sys_eventfd2(5, EFD_NONBLOCK), 3);
	EQ(efd_read(3, &v), 8);
	EQ(v, 5);
	ERR(efd_read(3, &v), -EAGAIN);
}

CASE(eventfd_write_adds)
{
	uint64_t v = 0;

	EQ(sys_eventfd2(0, EFD_NONBLOCK), 3);
	EQ(efd_write(3, 3), 8);
	EQ(efd_write(3, 4), 8);
	EQ(efd_read(3, &v), 8);
	EQ(v, 7);
}

CASE(eventfd_semaphore)
{
	uint64_t v = 0;

	EQ(sys_eventfd2(2, EFD_SEMAPHORE | EFD_NONBLOCK), 3);
	EQ(efd_read(3, &v), 8);
	EQ(v, 1);
	EQ(efd_read(3, &v), 8);
	EQ(v, 1);
	ERR(efd_read(3, &v), -EAGAIN);
}

CASE(eventfd_short_buffers_einval)
{
	char buf[4];

	EQ(sys_eventfd2(1, 0), 3);
	ERR(sys_read(3, buf, 4), -EINVAL);
	ERR(sys_write(3, buf, 4), -EINVAL);
}

CASE(eventfd_write_max_einval)
{
	EQ(sys_eventfd2(0, 0), 3);
	ERR(efd_write(3, UINT64_MAX), -EINVAL);
	EQ(efd_write(3, UINT64_MAX - 1), 8);
}

CASE(eventfd_overflow_eagain)
{
	EQ(sys_eventfd2(0, EFD_NONBLOCK), 3);
	EQ(efd_write(3, UINT64_MAX - 1), 8);
	ERR(efd_write(3, 1), -EAGAIN);
}

CASE(eventfd_bad_flags)
{
	ERR(sys_eventfd2(0, O_APPEND), -EINVAL);
	ERR(sys_eventfd2(0, 0x10), -EINVAL);
}

CASE(eventfd_flags)
{
	EQ(sys_eventfd2(0, EFD_CLOEXEC | EFD_NONBLOCK), 3);
	EQ(getfd(3), FD_CLOEXEC);
	EQ(getfl(3), O_RDWR | O_NONBLOCK);
	EQ(sys_eventfd2(0, 0), 4);
	EQ(getfd(4), 0);
	EQ(getfl(4), O_RDWR);
}

CASE(eventfd_lseek_noop)
{
	uint64_t v = 0;

	EQ(sys_eventfd2(5, 0), 3);
	EQ(sys_lseek(3, 5, SEEK_SET), 0);
	EQ(sys_read(3, &v, sizeof(v)), 8);
	EQ(sys_lseek(3, 0, SEEK_CUR), 0);
	EQ(sys_lseek(3, -1, SEEK_CUR), 0);
	EQ(sys_lseek(3, 0, SEEK_END), 0);
	EQ(sys_lseek(3, 0, SEEK_DATA), 0);
	EQ(sys_lseek(3, 0, SEEK_HOLE), 0);
	ERR(sys_lseek(3, 0, 99), -EINVAL);
	ERR(sys_pread64(3, &v, sizeof(v), 0), -ESPIPE);
	ERR(sys_pwrite64(3, &v, sizeof(v), 0), -ESPIPE);
}

CASE(eventfd_poll_bits)
{
	struct pollfd pfd = {3, POLLIN | POLLOUT, 0};
	struct timespec zero = {0, 0};

	EQ(sys_eventfd2(0, 0), 3);
	EQ(sys_ppoll(&pfd, 1, &zero), 1);
	EQ(pfd.revents, POLLOUT);
	EQ(efd_write(3, 1), 8);
	EQ(sys_ppoll(&pfd, 1, &zero), 1);
	EQ(pfd.revents, POLLIN | POLLOUT);
}

CASE(eventfd_write_zero)
{
	struct pollfd pfd = {3, POLLIN, 0};
	struct timespec zero = {0, 0};

	EQ(sys_eventfd2(0, 0), 3);
	EQ(efd_write(3, 0), 8);
	EQ(sys_ppoll(&pfd, 1, &zero), 0);
}

static void *write_later(void *arg)
{
	long long deadline = dual_now_ms() + 50;

	while (dual_now_ms() < deadline)
		sys_sched_yield();
	return (void *)efd_write((int)(long)arg, 9);
}

CASE(eventfd_blocking_read)
{
	uint64_t v = 0;
	pthread_t t;

	EQ(sys_eventfd2(0, 0), 3);
	t = dual_thread(write_later, (void *)3L);
	EQ(efd_read(3, &v), 8);
	EQ(v, 9);
	EQ((long)dual_join(t), 8);
}
