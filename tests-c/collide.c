/*
 * A program that defines functions named like the Go runtime's C glue
 * still links against liblinux (shared and static) and runs: none of
 * them is called, and the library's own copies stay private.
 */
#include <stdlib.h>
#include <unistd.h>

#include <lkl.h>
#include <lkl_host.h>

#include "test.h"

#define HIJACK(name)                                                         \
	void name(void);                                                     \
	void name(void)                                                      \
	{                                                                    \
		static const char msg[] = "HIJACKED " #name "\n";            \
		if (write(2, msg, sizeof(msg) - 1) < 0)                      \
			_exit(3);                                            \
		_exit(3);                                                    \
	}

HIJACK(crosscall2)
HIJACK(crosscall1)
HIJACK(x_cgo_init)
HIJACK(_cgo_panic)
HIJACK(x_cgo_thread_start)
HIJACK(_cgo_wait_runtime_init_done)
HIJACK(x_cgo_notify_runtime_init_done)
HIJACK(_cgo_sys_thread_start)
HIJACK(x_cgo_sys_thread_create)
HIJACK(_cgo_topofstack)
HIJACK(fatalf)
HIJACK(liblinux_go_syscall)
HIJACK(liblinux_attach)
HIJACK(backtrace_create_state)

static void quiet(const char *s, int n) { (void)s; (void)n; }

int main(void)
{
	lkl_host_ops.print = quiet;
	CHECK_EQ("init", lkl_init(&lkl_host_ops), 0);
	CHECK_EQ("start", lkl_start_kernel("mem=16M"), 0);
	CHECK_EQ("getpid", lkl_sys_getpid(), 1);
	CHECK_EQ("halt", lkl_sys_halt(), 0);
	lkl_cleanup();
	return test_done();
}
