/*
 * The kernel really uses the host: it refuses ops without the required
 * members (naming them), prints only below loglevel=, takes its memory
 * from page_alloc within mem=, and runs every timeout off the host's
 * clock, so a host with a virtual clock controls time.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include <lkl.h>
#include <lkl_host.h>

#include "test.h"

static char console[16384];
static size_t console_len;

static void capture(const char *str, int len)
{
	if (console_len + (size_t)len < sizeof(console)) {
		memcpy(console + console_len, str, len);
		console_len += len;
		console[console_len] = 0;
	}
}

/* Page accounting. */
static long pages_out, pages_peak;
static pthread_mutex_t pages_lock = PTHREAD_MUTEX_INITIALIZER;

static void *count_page_alloc(unsigned long size)
{
	void *p = lkl_host_ops.page_alloc(size);

	pthread_mutex_lock(&pages_lock);
	if (p) {
		pages_out += size;
		if (pages_out > pages_peak)
			pages_peak = pages_out;
	}
	pthread_mutex_unlock(&pages_lock);
	return p;
}

static void count_page_free(void *addr, unsigned long size)
{
	pthread_mutex_lock(&pages_lock);
	pages_out -= size;
	pthread_mutex_unlock(&pages_lock);
	lkl_host_ops.page_free(addr, size);
}

/* A virtual clock: time moves only when the test says so. */
static unsigned long long vnow = 1000000000ULL;
static unsigned long long vdeadline;
static int varmed;
static void (*vfn)(void);
static pthread_mutex_t vlock = PTHREAD_MUTEX_INITIALIZER;

static unsigned long long vtime(void)
{
	unsigned long long t;

	pthread_mutex_lock(&vlock);
	t = vnow;
	pthread_mutex_unlock(&vlock);
	return t;
}

static void *vtimer_alloc(void (*fn)(void))
{
	vfn = fn;
	return &vfn;
}

static int vtimer_set(void *timer, unsigned long delta)
{
	(void)timer;
	pthread_mutex_lock(&vlock);
	vdeadline = vnow + delta;
	varmed = 1;
	pthread_mutex_unlock(&vlock);
	return 0;
}

static void vtimer_free(void *timer)
{
	(void)timer;
	pthread_mutex_lock(&vlock);
	varmed = 0;
	pthread_mutex_unlock(&vlock);
}

/* Advance the virtual clock by d ns, firing the timer if it expires. */
static void vadvance(unsigned long long d)
{
	int fire = 0;

	pthread_mutex_lock(&vlock);
	vnow += d;
	if (varmed && vdeadline <= vnow) {
		varmed = 0;
		fire = 1;
	}
	pthread_mutex_unlock(&vlock);
	if (fire)
		vfn();
}

static volatile long sleep_ret = 1;

static void *sleeper(void *arg)
{
	struct __lkl__kernel_timespec ts = { 3600, 0 };

	(void)arg;
	sleep_ret = lkl_sys_nanosleep(&ts, NULL);
	return NULL;
}

int main(void)
{
	struct lkl_host_operations ops = lkl_host_ops;
	struct __lkl__kernel_timespec ts;
	char buf[65536];
	long fd, n, total;
	pthread_t th;
	int i;

	/* Missing required ops are refused by name. */
	ops.print = capture;
	ops.timer_alloc = NULL;
	ops.tls_get = NULL;
	CHECK_EQ("missing ops refused", lkl_init(&ops), -LKL_EINVAL);
	CHECK("names timer_alloc", strstr(console, "'timer_alloc'") != NULL, "console: %s", console);
	CHECK("names tls_get", strstr(console, "'tls_get'") != NULL, "console: %s", console);

	/* loglevel=0 prints nothing; the default prints the banner. */
	ops = lkl_host_ops;
	ops.print = capture;
	console_len = 0;
	console[0] = 0;
	CHECK_EQ("init", lkl_init(&ops), 0);
	CHECK_EQ("start loglevel=0", lkl_start_kernel("mem=16M loglevel=0"), 0);
	CHECK_EQ("nothing printed", (long)console_len, 0);
	CHECK_EQ("halt", lkl_sys_halt(), 0);
	lkl_cleanup();
	CHECK_EQ("init", lkl_init(&ops), 0);
	CHECK_EQ("start default loglevel", lkl_start_kernel("mem=16M"), 0);
	CHECK("banner printed", strstr(console, "Linux version") != NULL, "console: %s", console);
	CHECK_EQ("halt", lkl_sys_halt(), 0);
	lkl_cleanup();

	/* Memory comes from page_alloc, bounded by mem=, all returned. */
	ops = lkl_host_ops;
	ops.print = NULL;
	ops.page_alloc = count_page_alloc;
	ops.page_free = count_page_free;
	CHECK_EQ("init", lkl_init(&ops), 0);
	CHECK_EQ("start mem=8M", lkl_start_kernel("mem=8M"), 0);
	fd = lkl_sys_open("/big", LKL_O_CREAT | LKL_O_WRONLY, 0600);
	memset(buf, 'z', sizeof(buf));
	total = 0;
	for (i = 0; i < 1024; i++) {
		n = lkl_sys_write(fd, buf, sizeof(buf));
		if (n < 0)
			break;
		total += n;
	}
	CHECK_EQ("tmpfs full", n, -LKL_ENOSPC);
	CHECK("some data fit", total >= 2 << 20, "total %ld", total);
	CHECK("page_alloc within mem=", pages_peak <= 8 << 20 && pages_peak > 0, "peak %ld", pages_peak);
	lkl_sys_close(fd);
	CHECK_EQ("unlink", lkl_sys_unlink("/big"), 0);
	fd = lkl_sys_open("/big2", LKL_O_CREAT | LKL_O_WRONLY, 0600);
	CHECK_EQ("space back after unlink", lkl_sys_write(fd, buf, sizeof(buf)), sizeof(buf));
	CHECK_EQ("halt", lkl_sys_halt(), 0);
	lkl_cleanup();
	CHECK_EQ("all pages returned", pages_out, 0);

	/* A virtual clock drives timeouts and clock_gettime. */
	ops = lkl_host_ops;
	ops.print = NULL;
	ops.time = vtime;
	ops.timer_alloc = vtimer_alloc;
	ops.timer_set_oneshot = vtimer_set;
	ops.timer_free = vtimer_free;
	CHECK_EQ("init", lkl_init(&ops), 0);
	CHECK_EQ("start on a virtual clock", lkl_start_kernel("mem=16M"), 0);
	CHECK_EQ("clock_gettime", lkl_sys_clock_gettime(LKL_CLOCK_MONOTONIC, &ts), 0);
	CHECK_EQ("monotonic starts at 0", ts.tv_sec * 1000000000L + ts.tv_nsec, 0);
	vadvance(5000000000ULL);
	lkl_sys_clock_gettime(LKL_CLOCK_MONOTONIC, &ts);
	CHECK_EQ("monotonic follows the host", ts.tv_sec, 5);
	pthread_create(&th, NULL, sleeper, NULL);
	for (i = 0; i < 100 && !varmed; i++)
		usleep(1000);
	CHECK_EQ("sleep armed the host timer", varmed, 1);
	CHECK_EQ("timer armed for the sleep's end", (long long)(vdeadline - vnow), 3600000000000LL);
	vadvance(1800000000000ULL);
	usleep(20000);
	CHECK_EQ("still asleep at half time", sleep_ret, 1);
	vadvance(1800000000000ULL);
	pthread_join(th, NULL);
	CHECK_EQ("an hour of virtual time passed", sleep_ret, 0);
	CHECK_EQ("halt", lkl_sys_halt(), 0);
	lkl_cleanup();
	return test_done();
}
