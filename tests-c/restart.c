/*
 * A kernel can be halted and a fresh one booted in the same process, any
 * number of times, each with fresh state.
 */
#include <lkl.h>
#include <lkl_host.h>

#include "test.h"

static void quiet(const char *s, int n) { (void)s; (void)n; }

int main(void)
{
	struct lkl_stat st;
	int round;

	lkl_host_ops.print = quiet;
	for (round = 0; round < 3; round++) {
		char name[64];

		snprintf(name, sizeof(name), "round %d: init", round);
		CHECK_EQ(name, lkl_init(&lkl_host_ops), 0);
		snprintf(name, sizeof(name), "round %d: start", round);
		CHECK_EQ(name, lkl_start_kernel("mem=16M"), 0);
		snprintf(name, sizeof(name), "round %d: start twice", round);
		CHECK_EQ(name, lkl_start_kernel("mem=16M"), -LKL_EBUSY);
		snprintf(name, sizeof(name), "round %d: fresh tree", round);
		CHECK_EQ(name, lkl_sys_stat("/left-behind", &st), -LKL_ENOENT);
		snprintf(name, sizeof(name), "round %d: first fd is 0", round);
		CHECK_EQ(name, lkl_sys_open("/left-behind", LKL_O_CREAT | LKL_O_WRONLY, 0600), 0);
		snprintf(name, sizeof(name), "round %d: umask", round);
		CHECK_EQ(name, lkl_sys_umask(0), 022);
		snprintf(name, sizeof(name), "round %d: gettid", round);
		CHECK_EQ(name, lkl_sys_gettid(), 1);
		snprintf(name, sizeof(name), "round %d: halt", round);
		CHECK_EQ(name, lkl_sys_halt(), 0);
		lkl_cleanup();
	}
	CHECK_EQ("start without init", lkl_start_kernel("mem=16M"), -LKL_EINVAL);
	CHECK_EQ("syscall with no kernel", lkl_sys_getpid(), -LKL_ESHUTDOWN);
	return test_done();
}
