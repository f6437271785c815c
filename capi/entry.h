/*
 * The syscall entry shared by lkl_syscall and every lkl_sys_* wrapper:
 * find the calling host thread's task through the host's TLS op (creating
 * the task on first use) and enter the Go kernel once.
 */
#ifndef LIBLINUX_CAPI_ENTRY_H
#define LIBLINUX_CAPI_ENTRY_H

#include <lkl_host.h>

/* State of the library, read on every call without a lock. */
extern struct lkl_host_operations *liblinux_host;	/* ops given to lkl_init */
extern struct lkl_tls_key *liblinux_task_key;	/* task binding of this boot */
extern volatile int liblinux_running;	/* a kernel accepts calls */
extern volatile int liblinux_forked;	/* we are a fork()ed child */

long liblinux_forked_fail(void);
long liblinux_attach(void);
void liblinux_disks_booted(void);	/* disk.c: count the disks booted with */
long liblinux_go_syscall(long handle, long no, long *params);

static inline long liblinux_enter(long no, long *params)
{
	long h;

	if (__builtin_expect(liblinux_forked, 0))
		return liblinux_forked_fail();
	if (__builtin_expect(!liblinux_running, 0))
		return -LKL_ESHUTDOWN;
	h = (long)liblinux_host->tls_get(liblinux_task_key);
	if (__builtin_expect(h == 0, 0)) {
		h = liblinux_attach();
		if (h < 0)
			return h;
	}
	return liblinux_go_syscall(h, no, params);
}

#endif
