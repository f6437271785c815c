/*
 * A minimal test harness for liblinux's C tests: each check prints
 * "ok N - name" or "not ok N - name: detail", and test_done() prints the
 * closing "N passed, N failed" line and returns the exit status.
 */
#ifndef LIBLINUX_TEST_H
#define LIBLINUX_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int test_passed, test_failed, test_n;

#define CHECK(name, cond, ...)                                             \
	do {                                                               \
		test_n++;                                                  \
		if (cond) {                                                \
			test_passed++;                                     \
			printf("ok %d - %s\n", test_n, name);              \
		} else {                                                   \
			test_failed++;                                     \
			printf("not ok %d - %s: ", test_n, name);          \
			printf(__VA_ARGS__);                               \
			printf("\n");                                      \
		}                                                          \
		fflush(stdout);                                            \
	} while (0)

/* CHECK_EQ compares two integers and reports both on failure. */
#define CHECK_EQ(name, got, want)                                          \
	do {                                                               \
		long long g_ = (long long)(got), w_ = (long long)(want);   \
		CHECK(name, g_ == w_, "got %lld, want %lld", g_, w_);      \
	} while (0)

static inline int test_done(void)
{
	printf("%d passed, %d failed\n", test_passed, test_failed);
	return test_failed ? 1 : 0;
}

#endif
