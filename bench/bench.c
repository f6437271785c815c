/*
 * liblinux micro-benchmarks, each next to the host doing the same work in
 * the same run: the null system call (lkl_sys_getppid against the host's
 * getppid and a plain C call), boot+halt, and the first call from a new
 * host thread. Figures are medians of several rounds.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <lkl.h>
#include <lkl_host.h>

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp);
	return v[n / 2];
}

static long __attribute__((noinline)) plain(long x) { return x + 1; }
static long (*volatile plain_fn)(long) = plain;

#define ROUNDS 7

static double per_op(int which, long iters)
{
	double t0 = now_ns();
	long i, acc = 0;

	for (i = 0; i < iters; i++) {
		switch (which) {
		case 0: acc += lkl_sys_getppid(); break;
		case 1: acc += syscall(SYS_getppid); break;
		default: acc += plain_fn(i); break;
		}
	}
	if (acc == 42)
		puts("");
	return (now_ns() - t0) / iters;
}

static double first_call, second_call;

static void *fresh(void *arg)
{
	double t0 = now_ns(), t1;

	(void)arg;
	lkl_sys_getppid();
	t1 = now_ns();
	lkl_sys_getppid();
	first_call = t1 - t0;
	second_call = now_ns() - t1;
	return NULL;
}

static void quiet(const char *s, int n) { (void)s; (void)n; }

int main(int argc, char **argv)
{
	long iters = argc > 1 ? atol(argv[1]) : 5000000;
	double lkl[ROUNDS], host[ROUNDS], cc[ROUNDS], boot[ROUNDS];
	double first[101], second[101];
	int r, i;

	lkl_host_ops.print = quiet;
	for (r = 0; r < ROUNDS; r++) {
		double t0 = now_ns();

		for (i = 0; i < 20; i++) {
			lkl_init(&lkl_host_ops);
			if (lkl_start_kernel("mem=64M") != 0) {
				fprintf(stderr, "boot failed\n");
				return 1;
			}
			lkl_sys_halt();
			lkl_cleanup();
		}
		boot[r] = (now_ns() - t0) / 20;
	}

	lkl_init(&lkl_host_ops);
	lkl_start_kernel("mem=64M");
	lkl_sys_getppid();
	for (r = 0; r < ROUNDS; r++) {
		lkl[r] = per_op(0, iters);
		host[r] = per_op(1, iters / 5);
		cc[r] = per_op(2, iters);
	}
	for (i = 0; i < 101; i++) {
		pthread_t t;

		pthread_create(&t, NULL, fresh, NULL);
		pthread_join(t, NULL);
		first[i] = first_call;
		second[i] = second_call;
	}
	lkl_sys_halt();
	lkl_cleanup();

	double l = median(lkl, ROUNDS), h = median(host, ROUNDS), c = median(cc, ROUNDS);
	printf("%-44s %12s %12s %8s\n", "benchmark", "liblinux", "host", "ratio");
	printf("%-44s %9.1f ns %9.1f ns %7.2fx\n", "null syscall: getppid (liblinux/host)", l, h, l / h);
	printf("%-44s %9.1f ns %9.1f ns %7.2fx\n", "null syscall vs plain C call", l, c, l / c);
	printf("%-44s %9.1f us %12s %8s\n", "boot+halt (mem=64M)", median(boot, ROUNDS) / 1e3, "-", "-");
	printf("%-44s %9.1f us %9.1f us %7.2fx\n", "first syscall on a new thread / second", median(first, 101) / 1e3,
	       median(second, 101) / 1e3, median(first, 101) / median(second, 101));
	return 0;
}
