/* epoll_create1, epoll_ctl, epoll_pwait. */
#include "dual.h"

static long getfd(int fd) { return sys_fcntl(fd, F_GETFD, 0); }
static long efd_write(int fd, uint64_t v) { return sys_write(fd, &v, sizeof(v)); }

static void *write_later(void *arg)
{
	long long deadline = dual_now_ms() + 50;

	while (dual_now_ms() < deadline)
		sys_sched_yield();
	return (void *)efd_write((int)(long)arg, 9);
}

/* epoll */

static struct epoll_event ev(uint32_t events, uint64_t data)
{
	struct epoll_event e;

	e.events = events;
	e.data.u64 = data;
	return e;
}

CASE(epoll_create1_flags)
{
	EQ(sys_epoll_create1(0), 3);
	EQ(getfd(3), 0);
	EQ(sys_epoll_create1(EPOLL_CLOEXEC), 4);
	EQ(getfd(4), FD_CLOEXEC);
	ERR(sys_epoll_create1(O_NONBLOCK), -EINVAL);
	ERR(sys_epoll_create1(1), -EINVAL);
}

CASE(epoll_level_triggered)
{
	struct epoll_event e = ev(EPOLLIN, 0x1122334455667788ULL), out[4];

	EQ(sys_epoll_create1(0), 3);
	EQ(sys_eventfd2(1, 0), 4);
	EQ(sys_epoll_ctl(3, EPOLL_CTL_ADD, 4, &e), 0);
	EQ(sys_epoll_pwait(3, out, 4, 0), 1);
	EQ(out[0].events, EPOLLIN);
	EQ(out[0].data.u64, 0x1122334455667788ULL);
	EQ(sys_epoll_pwait(3, out, 4, 0), 1);
}

CASE(epoll_nothing_ready)
{
	struct epoll_event e = ev(EPOLLIN, 1), out[4];

	EQ(sys_epoll_create1(0), 3);
	EQ(sys_eventfd2(0, 0), 4);
	EQ(sys_epoll_ctl(3, EPOLL_CTL_ADD, 4, &e), 0);
	EQ(sys_epoll_pwait(3, out, 4, 0), 0);
}

CASE(epoll_ctl_add_twice_eexist)
{
	struct epoll_event e = ev(EPOLLIN, 1);

	EQ(sys_epoll_create1(0), 3);
	EQ(sys_eventfd2(0, 0), 4);
	EQ(sys_epoll_ctl(3, EPOLL_CTL_ADD, 4, &e), 0);
	ERR(sys_epoll_ctl(3, EPOLL_CTL_ADD, 4, &e), -EEXIST);
}

CASE(epoll_ctl_missing_enoent)
{
	struct epoll_event e = ev(EPOLLIN, 1);

	EQ(sys_epoll_create1(0), 3);
	EQ(sys_eventfd2(0, 0), 4);
	ERR(sys_epoll_ctl(3, EPOLL_CTL_MOD, 4, &e), -ENOENT);
	ERR(sys_epoll_ctl(3, EPOLL_CTL_DEL, 4, &e), -ENOENT);
}

CASE(epoll_ctl_bad_op)
{
	struct epoll_event e = ev(EPOLLIN, 1);

	EQ(sys_epoll_create1(0), 3);
	EQ(sys_eventfd2(0, 0), 4);
	ERR(sys_epoll_ctl(3, 0, 4, &e), -EINVAL);
	ERR(sys_epoll_ctl(3, 4, 4, &e), -EINVAL);
}

CASE(epoll_ctl_self_einval)
{
	struct epoll_event e = ev(EPOLLIN, 1);

	EQ(sys_epoll_create1(0), 3);
	ERR(sys_epoll_ctl(3, EPOLL_CTL_ADD, 3, &e), -EINVAL);
}

CASE(epoll_ctl_regular_file_eperm)
{
	struct epoll_event e = ev(EPOLLIN, 1);

	mkfile("f", "");
	EQ(sys_epoll_create1(0), 3);
	EQ(sys_openat(AT_FDCWD, "f", O_RDONLY, 0), 4);
	ERR(sys_epoll_ctl(3, EPOLL_CTL_ADD, 4, &e), -EPERM);
}

CASE(epoll_ctl_ebadf)
{
	struct epoll_event e = ev(EPOLLIN, 1);

	EQ(sys_epoll_create1(0), 3);
	ERR(sys_epoll_ctl(3, EPOLL_CTL_ADD, 99, &e), -EBADF);
	ERR(sys_epoll_ctl(99, EPOLL_CTL_ADD, 3, &e), -EBADF);
}

CASE(epoll_ctl_not_epoll_einval)
{
	struct epoll_event e = ev(EPOLLIN, 1);
	int p[2];

	OK(sys_pipe2(p, 0));
	ERR(sys_epoll_ctl(p[0], EPOLL_CTL_ADD, p[1], &e), -EINVAL);
}

CASE(epoll_ctl_efault)
{
	EQ(sys_epoll_create1(0), 3);
	EQ(sys_eventfd2(0, 0), 4);
	ERR(sys_epoll_ctl(3, EPOLL_CTL_ADD, 4, BADPTR), -EFAULT);
}

CASE(epoll_wait_bad_maxevents)
{
	struct epoll_event out[2];

	EQ(sys_epoll_create1(0), 3);
	ERR(sys_epoll_pwait(3, out, 0, 0), -EINVAL);
	ERR(sys_epoll_pwait(3, out, -1, 0), -EINVAL);
}

CASE(epoll_wait_ebadf)
{
	struct epoll_event out[2];

	ERR(sys_epoll_pwait(99, out, 2, 0), -EBADF);
}

CASE(epoll_wait_not_epoll)
{
	struct epoll_event out[2];
	int p[2];

	OK(sys_pipe2(p, 0));
	ERR(sys_epoll_pwait(p[0], out, 2, 0), -EINVAL);
}

CASE(epoll_wait_efault)
{
	struct epoll_event e = ev(EPOLLIN, 1);

	EQ(sys_epoll_create1(0), 3);
	EQ(sys_eventfd2(1, 0), 4);
	EQ(sys_epoll_ctl(3, EPOLL_CTL_ADD, 4, &e), 0);
	ERR(sys_epoll_pwait(3, BADPTR, 2, 0), -EFAULT);
}

CASE(epoll_edge_triggered)
{
	struct epoll_event e = ev(EPOLLIN | EPOLLET, 7), out[2];
	int p[2];

	OK(sys_pipe2(p, O_NONBLOCK));
	EQ(sys_epoll_create1(0), 5);
	EQ(sys_epoll_ctl(5, EPOLL_CTL_ADD, p[0], &e), 0);
	EQ(sys_write(p[1], "a", 1), 1);
	EQ(sys_epoll_pwait(5, out, 2, 0), 1);
	EQ(out[0].data.u64, 7);
	EQ(sys_epoll_pwait(5, out, 2, 0), 0);
	EQ(sys_write(p[1], "b", 1), 1);
	EQ(sys_epoll_pwait(5, out, 2, 0), 1);
}

CASE(epoll_edge_triggered_pipe_writer_wakes_from_full)
{
	static char buf[4096];
	struct epoll_event e = ev(EPOLLOUT | EPOLLET, 7), out[2];
	int p[2];

	OK(sys_pipe2(p, O_NONBLOCK));
	EQ(sys_epoll_create1(0), 5);
	EQ(sys_epoll_ctl(5, EPOLL_CTL_ADD, p[1], &e), 0);
	EQ(sys_epoll_pwait(5, out, 2, 0), 1);
	EQ(out[0].events, EPOLLOUT);
	/* Freeing a slot of a pipe that was not full is no edge. */
	EQ(sys_write(p[1], "ab", 2), 2);
	EQ(sys_read(p[0], buf, 2), 2);
	EQ(sys_epoll_pwait(5, out, 2, 0), 0);
	for (int i = 0; i < 16; i++)
		EQ(sys_write(p[1], buf, 4096), 4096);
	EQ(sys_read(p[0], buf, 100), 100);
	EQ(sys_epoll_pwait(5, out, 2, 0), 0);
	EQ(sys_read(p[0], buf, 4096 - 100), 4096 - 100);
	EQ(sys_epoll_pwait(5, out, 2, 0), 1);
	EQ(out[0].events, EPOLLOUT);
	EQ(sys_read(p[0], buf, 4096), 4096);
	EQ(sys_epoll_pwait(5, out, 2, 0), 0);
}

CASE(epoll_edge_triggered_pipe_writer_wakes_on_resize)
{
	struct epoll_event e = ev(EPOLLOUT | EPOLLET, 7), out[2];
	int p[2];

	OK(sys_pipe2(p, O_NONBLOCK));
	EQ(sys_epoll_create1(0), 5);
	EQ(sys_epoll_ctl(5, EPOLL_CTL_ADD, p[1], &e), 0);
	EQ(sys_epoll_pwait(5, out, 2, 0), 1);
	EQ(sys_fcntl(p[1], F_SETPIPE_SZ, 32768), 32768);
	EQ(sys_epoll_pwait(5, out, 2, 0), 1);
	EQ(out[0].events, EPOLLOUT);
}

CASE(epoll_edge_triggered_pipe_reader_every_write)
{
	struct epoll_event e = ev(EPOLLIN | EPOLLET, 7), out[2];
	int p[2];

	OK(sys_pipe2(p, O_NONBLOCK));
	EQ(sys_epoll_create1(0), 5);
	EQ(sys_epoll_ctl(5, EPOLL_CTL_ADD, p[0], &e), 0);
	EQ(sys_write(p[1], "a", 1), 1);
	EQ(sys_epoll_pwait(5, out, 2, 0), 1);
	/* A write that joins the same slot is still an edge. */
	EQ(sys_write(p[1], "b", 1), 1);
	EQ(sys_epoll_pwait(5, out, 2, 0), 1);
	EQ(out[0].events, EPOLLIN);
	EQ(sys_fcntl(p[1], F_SETPIPE_SZ, 32768), 32768);
	EQ(sys_epoll_pwait(5, out, 2, 0), 0);
}

CASE(epoll_oneshot)
{
	struct epoll_event e = ev(EPOLLIN | EPOLLONESHOT, 7), out[2];

	EQ(sys_epoll_create1(0), 3);
	EQ(sys_eventfd2(1, 0), 4);
	EQ(sys_epoll_ctl(3, EPOLL_CTL_ADD, 4, &e), 0);
	EQ(sys_epoll_pwait(3, out, 2, 0), 1);
	EQ(sys_epoll_pwait(3, out, 2, 0), 0);
	ERR(sys_epoll_ctl(3, EPOLL_CTL_ADD, 4, &e), -EEXIST);
	EQ(sys_epoll_ctl(3, EPOLL_CTL_MOD, 4, &e), 0);
	EQ(sys_epoll_pwait(3, out, 2, 0), 1);
}

CASE(epoll_mod_changes_events)
{
	struct epoll_event e = ev(EPOLLIN, 1), out[2];

	EQ(sys_epoll_create1(0), 3);
	EQ(sys_eventfd2(0, 0), 4);
	EQ(sys_epoll_ctl(3, EPOLL_CTL_ADD, 4, &e), 0);
	EQ(sys_epoll_pwait(3, out, 2, 0), 0);
	e = ev(EPOLLOUT, 2);
	EQ(sys_epoll_ctl(3, EPOLL_CTL_MOD, 4, &e), 0);
	EQ(sys_epoll_pwait(3, out, 2, 0), 1);
	EQ(out[0].events, EPOLLOUT);
	EQ(out[0].data.u64, 2);
}

CASE(epoll_exclusive)
{
	struct epoll_event e = ev(EPOLLIN | EPOLLEXCLUSIVE, 3), out[2];

	EQ(sys_epoll_create1(0), 3);
	EQ(sys_eventfd2(1, 0), 4);
	EQ(sys_epoll_ctl(3, EPOLL_CTL_ADD, 4, &e), 0);
	EQ(sys_epoll_pwait(3, out, 2, 0), 1);
	EQ(out[0].events, EPOLLIN);
	ERR(sys_epoll_ctl(3, EPOLL_CTL_MOD, 4, &e), -EINVAL);
	e = ev(EPOLLIN, 3);
	ERR(sys_epoll_ctl(3, EPOLL_CTL_MOD, 4, &e), -EINVAL);
	EQ(sys_epoll_ctl(3, EPOLL_CTL_DEL, 4, &e), 0);
}

CASE(epoll_exclusive_invalid_combinations)
{
	struct epoll_event e = ev(EPOLLIN | EPOLLEXCLUSIVE | EPOLLONESHOT, 3);

	EQ(sys_epoll_create1(0), 3);
	EQ(sys_eventfd2(1, 0), 4);
	EQ(sys_epoll_create1(0), 5);
	ERR(sys_epoll_ctl(3, EPOLL_CTL_ADD, 4, &e), -EINVAL);
	e = ev(EPOLLIN | EPOLLEXCLUSIVE, 3);
	ERR(sys_epoll_ctl(3, EPOLL_CTL_ADD, 5, &e), -EINVAL);
}

CASE(epoll_exclusive_epoll_target_any_events)
{
	struct epoll_event e = ev(EPOLLEXCLUSIVE, 3);

	EQ(sys_epoll_create1(0), 3);
	EQ(sys_epoll_create1(0), 4);
	ERR(sys_epoll_ctl(3, EPOLL_CTL_ADD, 4, &e), -EINVAL);
	e = ev(EPOLLIN, 3);
	EQ(sys_epoll_ctl(3, EPOLL_CTL_ADD, 4, &e), 0);
}

CASE(epoll_exclusive_event_bits)
{
	static const uint32_t bad[] = {EPOLLPRI, EPOLLRDHUP, EPOLLRDNORM, EPOLLRDBAND, EPOLLWRNORM,
				       EPOLLWRBAND, EPOLLMSG, EPOLLONESHOT, 1u << 20};
	struct epoll_event e;
	unsigned int i;

	EQ(sys_epoll_create1(0), 3);
	EQ(sys_eventfd2(1, 0), 4);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		e = ev(EPOLLIN | EPOLLEXCLUSIVE | bad[i], 3);
		ERR(sys_epoll_ctl(3, EPOLL_CTL_ADD, 4, &e), -EINVAL);
	}
	e = ev(EPOLLIN | EPOLLOUT | EPOLLERR | EPOLLHUP | EPOLLET | EPOLLEXCLUSIVE, 3);
	EQ(sys_epoll_ctl(3, EPOLL_CTL_ADD, 4, &e), 0);
}

CASE(epoll_exclusive_wakeup_allowed)
{
	struct epoll_event e = ev(EPOLLIN | EPOLLEXCLUSIVE | EPOLLWAKEUP, 3), out[2];

	EQ(sys_epoll_create1(0), 3);
	EQ(sys_eventfd2(1, 0), 4);
	EQ(sys_epoll_ctl(3, EPOLL_CTL_ADD, 4, &e), 0);
	EQ(sys_epoll_pwait(3, out, 2, 0), 1);
	EQ(out[0].events, EPOLLIN);
}

CASE(epoll_exclusive_before_eexist)
{
	struct epoll_event e = ev(EPOLLIN, 3);

	EQ(sys_epoll_create1(0), 3);
	EQ(sys_eventfd2(1, 0), 4);
	EQ(sys_epoll_ctl(3, EPOLL_CTL_ADD, 4, &e), 0);
	e = ev(EPOLLIN | EPOLLEXCLUSIVE | EPOLLONESHOT, 3);
	ERR(sys_epoll_ctl(3, EPOLL_CTL_ADD, 4, &e), -EINVAL);
	e = ev(EPOLLIN | EPOLLEXCLUSIVE, 3);
	ERR(sys_epoll_ctl(3, EPOLL_CTL_ADD, 4, &e), -EEXIST);
}

CASE(epoll_exclusive_mod_before_enoent)
{
	struct epoll_event e = ev(EPOLLIN | EPOLLEXCLUSIVE, 3);

	EQ(sys_epoll_create1(0), 3);
	EQ(sys_eventfd2(1, 0), 4);
	ERR(sys_epoll_ctl(3, EPOLL_CTL_MOD, 4, &e), -EINVAL);
	e = ev(EPOLLIN, 3);
	ERR(sys_epoll_ctl(3, EPOLL_CTL_MOD, 4, &e), -ENOENT);
}

CASE(epoll_exclusive_mod_of_plain_item)
{
	struct epoll_event e = ev(EPOLLIN, 3);

	EQ(sys_epoll_create1(0), 3);
	EQ(sys_eventfd2(1, 0), 4);
	EQ(sys_epoll_ctl(3, EPOLL_CTL_ADD, 4, &e), 0);
	e = ev(EPOLLIN | EPOLLEXCLUSIVE, 3);
	ERR(sys_epoll_ctl(3, EPOLL_CTL_MOD, 4, &e), -EINVAL);
	e = ev(EPOLLIN | EPOLLONESHOT, 3);
	EQ(sys_epoll_ctl(3, EPOLL_CTL_MOD, 4, &e), 0);
}

CASE(epoll_exclusive_not_pollable_eperm_first)
{
	struct epoll_event e = ev(EPOLLIN | EPOLLEXCLUSIVE | EPOLLONESHOT, 3);

	mkfile("f", "");
	EQ(sys_epoll_create1(0), 3);
	EQ(sys_openat(AT_FDCWD, "f", O_RDONLY, 0), 4);
	ERR(sys_epoll_ctl(3, EPOLL_CTL_ADD, 4, &e), -EPERM);
}

CASE(epoll_exclusive_bad_op_einval)
{
	struct epoll_event e = ev(EPOLLIN | EPOLLEXCLUSIVE, 3);

	EQ(sys_epoll_create1(0), 3);
	EQ(sys_eventfd2(1, 0), 4);
	ERR(sys_epoll_ctl(3, 7, 4, &e), -EINVAL);
}

CASE(epoll_ctl_not_epoll_unpollable_target_eperm)
{
	struct epoll_event e = ev(EPOLLIN, 3);

	mkfile("f", "");
	EQ(sys_openat(AT_FDCWD, "f", O_RDONLY, 0), 3);
	EQ(sys_openat(AT_FDCWD, "f", O_RDONLY, 0), 4);
	ERR(sys_epoll_ctl(3, EPOLL_CTL_ADD, 4, &e), -EPERM);
	EQ(sys_eventfd2(0, 0), 5);
	ERR(sys_epoll_ctl(3, EPOLL_CTL_ADD, 5, &e), -EINVAL);
}

CASE(epoll_ctl_loop_eloop)
{
	struct epoll_event e = ev(EPOLLIN, 3);

	EQ(sys_epoll_create1(0), 3);
	EQ(sys_epoll_create1(0), 4);
	EQ(sys_epoll_ctl(3, EPOLL_CTL_ADD, 4, &e), 0);
	ERR(sys_epoll_ctl(4, EPOLL_CTL_ADD, 3, &e), -ELOOP);
}

CASE(epoll_lseek_noop)
{
	EQ(sys_epoll_create1(0), 3);
	EQ(sys_lseek(3, 5, SEEK_SET), 0);
	EQ(sys_lseek(3, -1, SEEK_CUR), 0);
	EQ(sys_lseek(3, 0, SEEK_END), 0);
	ERR(sys_lseek(3, 0, 99), -EINVAL);
}

CASE(epoll_pipe_hup)
{
	struct epoll_event e = ev(EPOLLIN, 1), out[2];
	int p[2];

	OK(sys_pipe2(p, 0));
	EQ(sys_epoll_create1(0), 5);
	EQ(sys_epoll_ctl(5, EPOLL_CTL_ADD, p[0], &e), 0);
	EQ(sys_close(p[1]), 0);
	EQ(sys_epoll_pwait(5, out, 2, 0), 1);
	EQ(out[0].events, EPOLLHUP);
}

CASE(epoll_pipe_err_on_writer)
{
	struct epoll_event e = ev(EPOLLOUT, 1), out[2];
	int p[2];

	OK(sys_pipe2(p, 0));
	EQ(sys_epoll_create1(0), 5);
	EQ(sys_epoll_ctl(5, EPOLL_CTL_ADD, p[1], &e), 0);
	EQ(sys_epoll_pwait(5, out, 2, 0), 1);
	EQ(out[0].events, EPOLLOUT);
	EQ(sys_close(p[0]), 0);
	EQ(sys_epoll_pwait(5, out, 2, 0), 1);
	EQ(out[0].events, EPOLLOUT | EPOLLERR);
}

CASE(epoll_del_stops_events)
{
	struct epoll_event e = ev(EPOLLIN, 1), out[2];

	EQ(sys_epoll_create1(0), 3);
	EQ(sys_eventfd2(1, 0), 4);
	EQ(sys_epoll_ctl(3, EPOLL_CTL_ADD, 4, &e), 0);
	EQ(sys_epoll_ctl(3, EPOLL_CTL_DEL, 4, NULL), 0);
	EQ(sys_epoll_pwait(3, out, 2, 0), 0);
}

CASE(epoll_close_removes)
{
	struct epoll_event e = ev(EPOLLIN, 1), out[2];

	EQ(sys_epoll_create1(0), 3);
	EQ(sys_eventfd2(1, 0), 4);
	EQ(sys_epoll_ctl(3, EPOLL_CTL_ADD, 4, &e), 0);
	EQ(sys_close(4), 0);
	EQ(sys_epoll_pwait(3, out, 2, 0), 0);
}

CASE(epoll_dup_keeps_registration)
{
	struct epoll_event e = ev(EPOLLIN, 1), out[2];

	EQ(sys_epoll_create1(0), 3);
	EQ(sys_eventfd2(1, 0), 4);
	EQ(sys_epoll_ctl(3, EPOLL_CTL_ADD, 4, &e), 0);
	EQ(sys_dup(4), 5);
	EQ(sys_close(4), 0);
	EQ(sys_epoll_pwait(3, out, 2, 0), 1);
}

CASE(epoll_maxevents_limits)
{
	struct epoll_event e, out[4];

	EQ(sys_epoll_create1(0), 3);
	for (int i = 0; i < 3; i++) {
		EQ(sys_eventfd2(1, 0), 4 + i);
		e = ev(EPOLLIN, i);
		EQ(sys_epoll_ctl(3, EPOLL_CTL_ADD, 4 + i, &e), 0);
	}
	EQ(sys_epoll_pwait(3, out, 2, 0), 2);
	EQ(sys_epoll_pwait(3, out, 4, 0), 3);
}

CASE(epoll_nested)
{
	struct epoll_event e = ev(EPOLLIN, 1), out[2];

	EQ(sys_epoll_create1(0), 3);
	EQ(sys_epoll_create1(0), 4);
	EQ(sys_eventfd2(0, 0), 5);
	EQ(sys_epoll_ctl(4, EPOLL_CTL_ADD, 5, &e), 0);
	e = ev(EPOLLIN, 2);
	EQ(sys_epoll_ctl(3, EPOLL_CTL_ADD, 4, &e), 0);
	EQ(sys_epoll_pwait(3, out, 2, 0), 0);
	EQ(efd_write(5, 1), 8);
	EQ(sys_epoll_pwait(3, out, 2, 0), 1);
	EQ(out[0].data.u64, 2);
}

CASE(epoll_wait_wakes_on_thread_write)
{
	struct epoll_event e = ev(EPOLLIN, 5), out[2];
	pthread_t t;

	EQ(sys_epoll_create1(0), 3);
	EQ(sys_eventfd2(0, 0), 4);
	EQ(sys_epoll_ctl(3, EPOLL_CTL_ADD, 4, &e), 0);
	t = dual_thread(write_later, (void *)4L);
	EQ(sys_epoll_pwait(3, out, 2, 2000), 1);
	EQ(out[0].data.u64, 5);
	EQ((long)dual_join(t), 8);
}

CASE(epoll_wait_timeout)
{
	struct epoll_event e = ev(EPOLLIN, 5), out[2];
	long long start;

	EQ(sys_epoll_create1(0), 3);
	EQ(sys_eventfd2(0, 0), 4);
	EQ(sys_epoll_ctl(3, EPOLL_CTL_ADD, 4, &e), 0);
	start = dual_now_ms();
	EQ(sys_epoll_pwait(3, out, 2, 50), 0);
	CHECK(dual_now_ms() - start >= 49);
}

/* epoll, eventfd and timerfd files live on the one anonymous inode:
 * fstat shows mode 0600 with no file type, one link, owned by root. */
CASE(fstat_anon_inode_files)
{
	struct stat st;
	int fd;

	EQ(sys_epoll_create1(0), 3);
	EQ(sys_eventfd2(0, 0), 4);
	EQ(sys_timerfd_create(CLOCK_MONOTONIC, 0), 5);
	for (fd = 3; fd <= 5; fd++) {
		EQ(sys_fstat(fd, &st), 0);
		EQ(st.st_mode, 0600);
		EQ(st.st_nlink, 1);
		EQ(st.st_uid, 0);
		EQ(st.st_size, 0);
	}
}

/* epoll_pwait checks its signal mask before anything else; epoll_pwait2
 * reads its timeout first. */
CASE(epoll_pwait_sigmask_checked_first)
{
	uint64_t mask = 0;
	struct epoll_event out[4];

	ERR(sys_epoll_pwait_mask(99, out, 4, 0, &mask, 4), -EINVAL);
	ERR(sys_epoll_pwait_mask(99, out, 4, 0, BADPTR, 8), -EFAULT);
	ERR(sys_epoll_pwait_mask(99, out, 4, 0, &mask, 8), -EBADF);
	EQ(sys_epoll_create1(0), 3);
	EQ(sys_epoll_pwait_mask(3, out, 4, 0, &mask, 8), 0);
	EQ(sys_epoll_pwait_mask(3, out, 4, 0, NULL, 4), 0);
}

CASE(epoll_pwait2_timespec)
{
	struct epoll_event e = ev(EPOLLIN, 7), out[4];
	struct timespec zero = { 0, 0 }, ms = { 0, 1000000 }, bad = { 0, 1000000000 }, neg = { -1, 0 };

	EQ(sys_epoll_create1(0), 3);
	EQ(sys_eventfd2(0, 0), 4);
	EQ(sys_epoll_ctl(3, EPOLL_CTL_ADD, 4, &e), 0);
	EQ(sys_epoll_pwait2(3, out, 4, &zero, NULL, 8), 0);
	EQ(sys_epoll_pwait2(3, out, 4, &ms, NULL, 8), 0);
	ERR(sys_epoll_pwait2(99, out, 4, &bad, NULL, 8), -EINVAL);
	ERR(sys_epoll_pwait2(99, out, 4, &neg, NULL, 8), -EINVAL);
	ERR(sys_epoll_pwait2(99, out, 4, BADPTR, NULL, 8), -EFAULT);
	ERR(sys_epoll_pwait2(3, out, 4, &zero, &e, 4), -EINVAL);
	ERR(sys_epoll_pwait2(3, out, 0, &zero, NULL, 8), -EINVAL);
	EQ(efd_write(4, 1), 8);
	EQ(sys_epoll_pwait2(3, out, 4, NULL, NULL, 8), 1);
	EQ(out[0].events, EPOLLIN);
	EQ(out[0].data.u64, 7);
}
