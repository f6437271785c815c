/*
 * fork() without exec: the Go runtime cannot run in the child, so every
 * call there fails at once (no hang) and the parent's kernel is intact.
 */
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <lkl.h>
#include <lkl_host.h>

#include "test.h"

static void quiet(const char *s, int n) { (void)s; (void)n; }

int main(void)
{
	int round, ok = 1, status;

	lkl_host_ops.print = quiet;
	CHECK_EQ("init", lkl_init(&lkl_host_ops), 0);
	CHECK_EQ("start", lkl_start_kernel("mem=16M"), 0);
	CHECK_EQ("open", lkl_sys_open("/f", LKL_O_CREAT | LKL_O_RDWR, 0600), 0);
	for (round = 0; round < 20; round++) {
		pid_t pid = fork();

		if (pid == 0) {
			alarm(5);
			if (lkl_sys_getpid() != -LKL_EOWNERDEAD)
				_exit(1);
			if (lkl_sys_write(0, "x", 1) != -LKL_EOWNERDEAD)
				_exit(2);
			if (lkl_is_running() != 0)
				_exit(3);
			if (lkl_sys_halt() != -LKL_EOWNERDEAD)
				_exit(4);
			_exit(0);
		}
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			printf("# child %d: status %#x\n", round, status);
			ok = 0;
		}
	}
	CHECK("20 forked children fail fast", ok, "see above");
	CHECK_EQ("parent still works", lkl_sys_write(0, "abc", 3), 3);
	CHECK_EQ("halt", lkl_sys_halt(), 0);
	lkl_cleanup();
	return test_done();
}
