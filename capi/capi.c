/*
 * The C half of the boundary: lkl_init, lkl_start_kernel, lkl_syscall,
 * lkl_sys_halt, lkl_cleanup and lkl_is_running, the binding of host
 * threads to kernel tasks through the host's TLS ops, the kernel timer's
 * callback, and the fork guard.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <lkl.h>
#include <lkl_host.h>

#include "entry.h"
#include "_cgo_export.h"

struct lkl_host_operations *liblinux_host;
struct lkl_tls_key *liblinux_task_key;
volatile int liblinux_running;
volatile int liblinux_forked;

static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t state_lock = PTHREAD_MUTEX_INITIALIZER;

struct lkl_host_operations *liblinux_ops(void)
{
	return liblinux_host;
}

static void say(const char *msg)
{
	size_t len = strlen(msg);

	if (liblinux_host && liblinux_host->print)
		liblinux_host->print(msg, (int)len);
	else if (write(STDERR_FILENO, msg, len) < 0)
		return;
}

/* The Go runtime does not survive fork(): its other threads are gone and
 * their locks stay held. A child must not enter Go at all. */
static void on_fork_child(void)
{
	liblinux_forked = 1;
}

static void register_atfork(void)
{
	pthread_atfork(NULL, NULL, on_fork_child);
}

long liblinux_forked_fail(void)
{
	static volatile int told;

	if (!told) {
		told = 1;
		say("liblinux: this process is a fork() child of the one that "
		    "booted the kernel; liblinux cannot run here (call lkl_* only "
		    "in the parent, or exec first)\n");
	}
	return -LKL_EOWNERDEAD;
}

/* Names of the ops the kernel cannot run without. */
static int check_ops(struct lkl_host_operations *ops)
{
	char msg[160];
	int bad = 0;

#define REQUIRE(op)                                                          \
	do {                                                                 \
		if (!ops->op) {                                              \
			snprintf(msg, sizeof(msg), "liblinux: lkl_init: required "  \
				 "host operation '%s' is NULL\n", #op);       \
			say(msg);                                            \
			bad = 1;                                             \
		}                                                            \
	} while (0)
	REQUIRE(panic);
	REQUIRE(time);
	REQUIRE(timer_alloc);
	REQUIRE(timer_set_oneshot);
	REQUIRE(timer_free);
	REQUIRE(tls_alloc);
	REQUIRE(tls_free);
	REQUIRE(tls_set);
	REQUIRE(tls_get);
#undef REQUIRE
	if (!(ops->page_alloc && ops->page_free) && !(ops->mem_alloc && ops->mem_free)) {
		say("liblinux: lkl_init: required host operations 'page_alloc' "
		    "and 'page_free' (or 'mem_alloc' and 'mem_free') are NULL\n");
		bad = 1;
	}
	if (ops->version > LKL_HOST_OPS_VERSION) {
		snprintf(msg, sizeof(msg), "liblinux: lkl_init: host ops version "
			 "%lu is newer than this library's %d\n", ops->version,
			 LKL_HOST_OPS_VERSION);
		say(msg);
		bad = 1;
	}
	return bad ? -LKL_EINVAL : 0;
}

int lkl_init(struct lkl_host_operations *ops)
{
	int ret;

	if (liblinux_forked)
		return (int)liblinux_forked_fail();
	pthread_once(&atfork_once, register_atfork);
	if (!ops) {
		say("liblinux: lkl_init: ops is NULL\n");
		return -LKL_EINVAL;
	}
	pthread_mutex_lock(&state_lock);
	if (liblinux_running) {
		pthread_mutex_unlock(&state_lock);
		say("liblinux: lkl_init: a kernel is running; halt it first\n");
		return -LKL_EBUSY;
	}
	liblinux_host = ops;
	ret = check_ops(ops);
	if (ret < 0)
		liblinux_host = NULL;
	pthread_mutex_unlock(&state_lock);
	return ret;
}

static void task_dtor(void *h)
{
	if (h && !liblinux_forked)
		liblinux_go_release_task((long)h);
}

/* liblinux_attach creates the calling thread's task and binds it. */
long liblinux_attach(void)
{
	long tid = liblinux_host->gettid ? liblinux_host->gettid() : 0;
	long h = liblinux_go_new_task(tid);

	if (h <= 0)
		return h ? h : -LKL_ENOMEM;
	if (liblinux_host->tls_set(liblinux_task_key, (void *)h) != 0) {
		liblinux_go_release_task(h);
		return -LKL_ENOMEM;
	}
	return h;
}

void liblinux_timer_cb(void)
{
	if (!liblinux_forked)
		liblinux_go_timer_fire();
}

int lkl_start_kernel(const char *fmt, ...)
{
	static char cmdline[4096];
	va_list ap;
	size_t n = 0;
	long ret;

	if (liblinux_forked)
		return (int)liblinux_forked_fail();
	pthread_mutex_lock(&state_lock);
	if (!liblinux_host) {
		pthread_mutex_unlock(&state_lock);
		say("liblinux: lkl_start_kernel: call lkl_init first\n");
		return -LKL_EINVAL;
	}
	if (liblinux_running) {
		pthread_mutex_unlock(&state_lock);
		return -LKL_EBUSY;
	}
	cmdline[0] = 0;
	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(cmdline, sizeof(cmdline), fmt, ap);
		va_end(ap);
	}
	n = strlen(cmdline);
	if (liblinux_host->virtio_devices && n + 1 < sizeof(cmdline))
		snprintf(cmdline + n, sizeof(cmdline) - n, " %s", liblinux_host->virtio_devices);

	liblinux_task_key = liblinux_host->tls_alloc(task_dtor);
	if (!liblinux_task_key) {
		pthread_mutex_unlock(&state_lock);
		say("liblinux: lkl_start_kernel: tls_alloc failed\n");
		return -LKL_ENOMEM;
	}
	ret = liblinux_go_start(cmdline);
	if (ret < 0) {
		liblinux_host->tls_free(liblinux_task_key);
		liblinux_task_key = NULL;
	} else {
		liblinux_disks_booted();
		liblinux_running = 1;
	}
	pthread_mutex_unlock(&state_lock);
	return (int)ret;
}

int lkl_is_running(void)
{
	return liblinux_running && !liblinux_forked;
}

long lkl_syscall(long no, long *params)
{
	long zero[6] = { 0 };

	return liblinux_enter(no, params ? params : zero);
}

long lkl_sys_halt(void)
{
	long params[6] = { (long)LKL_LINUX_REBOOT_MAGIC1, (long)LKL_LINUX_REBOOT_MAGIC2,
			   (long)LKL_LINUX_REBOOT_CMD_RESTART, 0, 0, 0 };
	long ret;

	if (liblinux_forked)
		return liblinux_forked_fail();
	ret = liblinux_enter(__lkl__NR_reboot, params);
	if (ret < 0)
		return ret;
	pthread_mutex_lock(&state_lock);
	if (liblinux_running) {
		liblinux_running = 0;
		liblinux_go_halt();
		liblinux_host->tls_free(liblinux_task_key);
		liblinux_task_key = NULL;
	}
	pthread_mutex_unlock(&state_lock);
	return ret;
}

void lkl_cleanup(void)
{
	if (liblinux_forked)
		return;
	if (liblinux_running)
		lkl_sys_halt();
	pthread_mutex_lock(&state_lock);
	liblinux_host = NULL;
	pthread_mutex_unlock(&state_lock);
}
