/*
 * Host threads and tasks: every thread gets its own task (own tid, pid 1),
 * tasks go away with their threads, and system calls from different host
 * threads run at the same time (a thread blocked in the kernel does not
 * stop the others).
 */
#include <pthread.h>
#include <unistd.h>

#include <lkl.h>
#include <lkl_host.h>

#include "test.h"

static void quiet(const char *s, int n) { (void)s; (void)n; }

#define NTHREADS 8
static long tids[NTHREADS], pids[NTHREADS];

static void *ids(void *arg)
{
	long i = (long)arg;

	pids[i] = lkl_sys_getpid();
	tids[i] = lkl_sys_gettid();
	return NULL;
}

static int block_pipe[2];
static volatile long blocked_read = -1;

static void *blocker(void *arg)
{
	char c;

	(void)arg;
	blocked_read = lkl_sys_read(block_pipe[0], &c, 1);
	return NULL;
}

static void *hammer(void *arg)
{
	long i, fd = (long)arg, bad = 0;
	char buf[64];

	for (i = 0; i < 20000; i++) {
		if (lkl_sys_pwrite64(fd, "0123456789", 10, (i % 100) * 10) != 10)
			bad++;
		if (lkl_sys_pread64(fd, buf, 10, (i % 100) * 10) != 10)
			bad++;
	}
	return (void *)bad;
}

static long procs(void)
{
	struct lkl_sysinfo si;

	if (lkl_sys_sysinfo(&si) < 0)
		return -1;
	return si.procs;
}

int main(void)
{
	pthread_t th[NTHREADS], b;
	int i, distinct = 1;
	long base;

	lkl_host_ops.print = quiet;
	CHECK_EQ("init", lkl_init(&lkl_host_ops), 0);
	CHECK_EQ("start", lkl_start_kernel("mem=32M"), 0);
	CHECK_EQ("main tid", lkl_sys_gettid(), 1);
	base = procs();
	CHECK_EQ("one task", base, 1);

	for (i = 0; i < NTHREADS; i++)
		pthread_create(&th[i], NULL, ids, (void *)(long)i);
	for (i = 0; i < NTHREADS; i++)
		pthread_join(th[i], NULL);
	for (i = 0; i < NTHREADS; i++) {
		int j;

		if (pids[i] != 1 || tids[i] <= 1)
			distinct = 0;
		for (j = 0; j < i; j++)
			if (tids[j] == tids[i])
				distinct = 0;
	}
	CHECK("own tid per thread, pid 1 for all", distinct, "pids/tids wrong");
	CHECK_EQ("tasks released with their threads", procs(), 1);

	for (i = 0; i < 200; i++) {
		pthread_create(&b, NULL, ids, (void *)0L);
		pthread_join(b, NULL);
	}
	CHECK_EQ("200 short-lived threads leak no task", procs(), 1);

	/* A thread blocked in read does not stop others. */
	CHECK_EQ("pipe", lkl_sys_pipe(block_pipe), 0);
	pthread_create(&b, NULL, blocker, NULL);
	{
		long fds[2], bad = 0;
		pthread_t h[2];

		fds[0] = lkl_sys_open("/a", LKL_O_CREAT | LKL_O_RDWR, 0600);
		fds[1] = lkl_sys_open("/b", LKL_O_CREAT | LKL_O_RDWR, 0600);
		pthread_create(&h[0], NULL, hammer, (void *)fds[0]);
		pthread_create(&h[1], NULL, hammer, (void *)fds[1]);
		for (i = 0; i < 2; i++) {
			void *r;

			pthread_join(h[i], &r);
			bad += (long)r;
		}
		CHECK_EQ("parallel I/O while a thread blocks", bad, 0);
	}
	CHECK_EQ("blocked reader still blocked", blocked_read, -1);
	CHECK_EQ("tasks: main + blocked reader", procs(), 2);
	CHECK_EQ("wake the reader", lkl_sys_write(block_pipe[1], "x", 1), 1);
	pthread_join(b, NULL);
	CHECK_EQ("reader got the byte", blocked_read, 1);

	/* Halt wakes a thread blocked in the kernel. */
	pthread_create(&b, NULL, blocker, NULL);
	while (procs() < 2)
		usleep(1000);
	CHECK_EQ("halt with a blocked reader", lkl_sys_halt(), 0);
	pthread_join(b, NULL);
	CHECK_EQ("blocked read interrupted by halt", blocked_read, -LKL_EINTR);
	lkl_cleanup();
	return test_done();
}
