/*
 * Exercises every member of the POSIX lkl_host_ops and lkl_dev_blk_ops
 * directly, without the kernel:
 *
 *   gcc -Wall -Wextra -Werror -Iinclude -pthread tests-c/hostops_test.c \
 *       hostops/posix/posix_host.c -o /tmp/hostops_test
 *
 * Prints one line per check and "N passed, N failed" last; exits 1 on any
 * failure.
 */
#define _GNU_SOURCE

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <lkl_host.h>

#define LOAD(x) __atomic_load_n(&(x), __ATOMIC_SEQ_CST)

static struct lkl_host_operations *ops = &lkl_host_ops;
static int passed, failed;

static void check(int ok, const char *what)
{
	if (ok) {
		passed++;
		printf("ok - %s\n", what);
	} else {
		failed++;
		printf("FAIL - %s\n", what);
	}
	fflush(stdout);
}

static long long mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* Polls *flag (atomically) for up to ms milliseconds. */
static int wait_flag(int *flag, int want, long ms)
{
	long waited;

	for (waited = 0; waited < ms; waited++) {
		if (__atomic_load_n(flag, __ATOMIC_SEQ_CST) == want)
			return 1;
		sleep_ms(1);
	}
	return __atomic_load_n(flag, __ATOMIC_SEQ_CST) == want;
}

static int count_threads(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

/* ---- static members, print, panic ---- */

static void test_static_members(void)
{
	check(ops->virtio_devices == lkl_virtio_devs,
	      "virtio_devices points at lkl_virtio_devs");
	check(sizeof(lkl_virtio_devs) == 4096, "lkl_virtio_devs is 4096 bytes");
	check(ops->pci_ops == NULL, "pci_ops is NULL");
	check(ops->version == LKL_HOST_OPS_VERSION,
	      "version is LKL_HOST_OPS_VERSION");
	check(ops->ioremap(0x1000, 4) == NULL, "ioremap has no regions");
	{
		unsigned int v = 0;

		check(ops->iomem_access((void *)0x1000, &v, 4, 0) == -1,
		      "iomem_access fails");
	}
}

static void test_print(void)
{
	char msg[3000], got[4000];
	int fds[2], saved, i;
	ssize_t n, total = 0;

	for (i = 0; i < (int)sizeof(msg); i++)
		msg[i] = (char)('a' + i % 26);
	fflush(stdout);
	if (pipe(fds) != 0) {
		check(0, "print: pipe");
		return;
	}
	saved = dup(STDOUT_FILENO);
	dup2(fds[1], STDOUT_FILENO);
	ops->print(msg, (int)sizeof(msg));
	ops->print("x", 0);
	ops->print("tail", 4);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	close(fds[1]);
	while ((n = read(fds[0], got + total, sizeof(got) - (size_t)total)) > 0)
		total += n;
	close(fds[0]);
	check(total == (ssize_t)sizeof(msg) + 4 &&
	      memcmp(got, msg, sizeof(msg)) == 0 &&
	      memcmp(got + sizeof(msg), "tail", 4) == 0,
	      "print writes every byte to stdout");
}

static void test_panic(void)
{
	pid_t pid = fork();
	int status = 0;

	if (pid == 0) {
		/* No core file for an expected abort. */
		signal(SIGABRT, SIG_DFL);
		ops->panic();
		_exit(0);
	}
	waitpid(pid, &status, 0);
	check(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT,
	      "panic aborts the process");
}

/* ---- semaphores ---- */

static struct lkl_sem *sem_a;
static int sem_woken;

static void on_usr1(int sig)
{
	(void)sig;
}

static void *sem_waiter(void *p)
{
	(void)p;
	ops->sem_down(sem_a);
	__atomic_store_n(&sem_woken, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static void test_sem(void)
{
	struct sigaction sa;
	struct lkl_sem *s = ops->sem_alloc(2);
	pthread_t th;

	check(s != NULL, "sem_alloc");
	ops->sem_down(s);
	ops->sem_down(s);
	check(1, "sem_down twice on count 2 does not block");
	ops->sem_free(s);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;	/* no SA_RESTART: sem_wait sees EINTR */
	sigaction(SIGUSR1, &sa, NULL);

	sem_a = ops->sem_alloc(0);
	pthread_create(&th, NULL, sem_waiter, NULL);
	sleep_ms(30);
	pthread_kill(th, SIGUSR1);
	sleep_ms(30);
	check(LOAD(sem_woken) == 0,
	      "sem_down keeps waiting across a signal (EINTR)");
	ops->sem_up(sem_a);
	pthread_join(th, NULL);
	check(sem_woken == 1, "sem_up from another thread wakes sem_down");
	ops->sem_free(sem_a);
	signal(SIGUSR1, SIG_DFL);
}

/* ---- mutexes ---- */

static struct lkl_mutex *mu;
static int mu_got;
static long counter;

static void *mutex_grabber(void *p)
{
	(void)p;
	ops->mutex_lock(mu);
	__atomic_store_n(&mu_got, 1, __ATOMIC_SEQ_CST);
	ops->mutex_unlock(mu);
	return NULL;
}

static void *mutex_adder(void *p)
{
	int i;

	(void)p;
	for (i = 0; i < 100000; i++) {
		ops->mutex_lock(mu);
		counter++;
		ops->mutex_unlock(mu);
	}
	return NULL;
}

static void test_mutex(void)
{
	pthread_t th[4];
	int i;

	mu = ops->mutex_alloc(1);
	check(mu != NULL, "mutex_alloc(recursive)");
	ops->mutex_lock(mu);
	ops->mutex_lock(mu);
	ops->mutex_unlock(mu);
	pthread_create(&th[0], NULL, mutex_grabber, NULL);
	sleep_ms(50);
	check(LOAD(mu_got) == 0,
	      "recursive mutex still held after 2 locks and 1 unlock");
	ops->mutex_unlock(mu);
	pthread_join(th[0], NULL);
	check(mu_got == 1, "recursive mutex released after the last unlock");
	ops->mutex_free(mu);

	mu = ops->mutex_alloc(0);
	check(mu != NULL, "mutex_alloc(plain)");
	for (i = 0; i < 4; i++)
		pthread_create(&th[i], NULL, mutex_adder, NULL);
	for (i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	check(counter == 400000, "mutex excludes across 4 threads");
	ops->mutex_free(mu);
}

/* ---- threads ---- */

static lkl_thread_t seen_self;
static int after_exit, detached_done;
static struct lkl_sem *detach_sem;

static void thread_body(void *arg)
{
	seen_self = ops->thread_self();
	*(int *)arg = 42;
}

static void thread_exiting(void *arg)
{
	(void)arg;
	ops->thread_exit();
	after_exit = 1;
}

static void thread_detaching(void *arg)
{
	(void)arg;
	ops->thread_detach();
	detached_done = 1;
	ops->sem_up(detach_sem);
}

static void *stack_probe(unsigned long *size, char **local)
{
	char here = 0;
	void *base = ops->thread_stack(size);

	*local = &here;
	__asm__ volatile("" : : "r"(&here) : "memory");
	return base;
}

static void thread_stack_body(void *arg)
{
	int *ok = arg;
	unsigned long size = 0;
	char *local;
	char *base = stack_probe(&size, &local);

	*ok = base != NULL && size > 0 && local >= base && local < base + size;
}

static void test_threads(void)
{
	int value = 0, ok = 0;
	lkl_thread_t t;
	unsigned long size = 0;
	char *local;
	char *base;

	t = ops->thread_create(thread_body, &value);
	check(t != 0, "thread_create");
	check(ops->thread_join(t) == 0, "thread_join");
	check(value == 42, "thread ran its function with its argument");
	check(ops->thread_equal(seen_self, t), "thread_self equals created id");
	check(!ops->thread_equal(ops->thread_self(), t),
	      "thread_equal distinguishes threads");
	check(ops->thread_equal(ops->thread_self(), ops->thread_self()),
	      "thread_self is stable");

	t = ops->thread_create(thread_exiting, NULL);
	check(ops->thread_join(t) == 0 && after_exit == 0,
	      "thread_exit ends the thread");

	detach_sem = ops->sem_alloc(0);
	t = ops->thread_create(thread_detaching, NULL);
	ops->sem_down(detach_sem);
	check(t != 0 && detached_done, "thread_detach");
	ops->sem_free(detach_sem);

	base = stack_probe(&size, &local);
	check(base != NULL && size > 0 && local >= base && local < base + size,
	      "thread_stack (main thread) contains a local");
	t = ops->thread_create(thread_stack_body, &ok);
	ops->thread_join(t);
	check(ok, "thread_stack (new thread) contains a local");
}

/* ---- tls ---- */

static struct lkl_tls_key *key;
static void *destroyed_value;
static int destroyed_count;

static void tls_destructor(void *v)
{
	destroyed_value = v;
	destroyed_count++;
}

static void tls_body(void *arg)
{
	int *ok = arg;

	*ok = ops->tls_get(key) == NULL &&
	      ops->tls_set(key, (void *)0x1234) == 0 &&
	      ops->tls_get(key) == (void *)0x1234;
}

static void test_tls(void)
{
	int ok = 0;
	lkl_thread_t t;

	key = ops->tls_alloc(tls_destructor);
	check(key != NULL, "tls_alloc");
	check(ops->tls_get(key) == NULL, "tls_get is NULL before tls_set");
	check(ops->tls_set(key, &ok) == 0 && ops->tls_get(key) == &ok,
	      "tls_set/tls_get round trip");
	t = ops->thread_create(tls_body, &ok);
	ops->thread_join(t);
	check(ok, "tls value is per thread");
	check(destroyed_count == 1 && destroyed_value == (void *)0x1234,
	      "tls destructor runs at thread exit with the value");
	check(ops->tls_get(key) == &ok, "main thread's tls value untouched");
	ops->tls_set(key, NULL);
	ops->tls_free(key);
}

/* ---- memory ---- */

static void test_memory(void)
{
	long page = sysconf(_SC_PAGESIZE);
	char *p = ops->mem_alloc(100);
	char *pg;
	char src[64], dst[64];
	int i;

	check(p != NULL, "mem_alloc");
	memset(p, 1, 100);
	ops->mem_free(p);

	pg = ops->page_alloc(3 * (unsigned long)page);
	check(pg != NULL && ((uintptr_t)pg % (uintptr_t)page) == 0,
	      "page_alloc is page aligned");
	if (pg != NULL) {
		check(pg[0] == 0 && pg[3 * page - 1] == 0,
		      "page_alloc memory is zeroed");
		pg[3 * page - 1] = 7;
		ops->page_free(pg, 3 * (unsigned long)page);
	}
	check(ops->page_alloc(0) == NULL, "page_alloc(0) is NULL");

	for (i = 0; i < 64; i++)
		src[i] = (char)i;
	check(ops->memcpy(dst, src, 64) == dst && memcmp(dst, src, 64) == 0,
	      "memcpy");
	check(ops->memset(dst, 9, 10) == dst && dst[0] == 9 && dst[9] == 9 &&
	      dst[10] == 10, "memset");
	check(ops->memmove(src + 1, src, 10) == src + 1 && src[1] == 0 &&
	      src[10] == 9, "memmove with overlap");
}

static void test_mmap(void)
{
	unsigned long page = (unsigned long)sysconf(_SC_PAGESIZE);
	unsigned long len = 4 * page;
	char *addr, *p, *q;
	int fds_before, fds_after;

	/* Find a free range, then release it and map there. */
	addr = ops->page_alloc(len);
	ops->page_free(addr, len);
	p = ops->mmap(addr, len, LKL_PROT_READ | LKL_PROT_WRITE);
	check(p == addr, "mmap maps at exactly addr");
	if (p == addr) {
		p[0] = 1;
		p[len - 1] = 2;
		q = ops->mmap(addr, len, LKL_PROT_READ | LKL_PROT_WRITE);
		check(q == NULL && p[0] == 1,
		      "mmap over an existing mapping fails and keeps it");
		check(ops->munmap(p, len) == 0, "munmap");
	}

	fds_before = count_fds();
	ops->shmem_init(8 * page);
	ops->shmem_init(8 * page);
	fds_after = count_fds();
	check(fds_after == fds_before + 1, "shmem_init again does not leak");

	addr = ops->page_alloc(12 * page);
	ops->page_free(addr, 12 * page);
	p = ops->shmem_mmap(addr, 0, 8 * page,
			    LKL_PROT_READ | LKL_PROT_WRITE);
	check(p == addr, "shmem_mmap whole object");
	q = ops->shmem_mmap(addr + 9 * page, 2 * page, page,
			    LKL_PROT_READ | LKL_PROT_WRITE);
	check(q == addr + 9 * page, "shmem_mmap alias at byte offset");
	if (p == addr && q == addr + 9 * page) {
		p[2 * page + 5] = 'z';
		check(q[5] == 'z', "shmem mappings share pages");
		q[6] = 'y';
		check(p[2 * page + 6] == 'y', "shmem writes go both ways");
	}
	check(ops->shmem_mmap(addr + 10 * page, 8 * page, page,
			      LKL_PROT_READ) == NULL,
	      "shmem_mmap past the object is NULL");
	check(ops->shmem_mmap(addr, 0, page, LKL_PROT_READ) == NULL,
	      "shmem_mmap over an existing mapping is NULL");
	if (p == addr)
		ops->munmap(p, 8 * page);
	if (q == addr + 9 * page)
		ops->munmap(q, page);
}

/* ---- time ---- */

static void test_time(void)
{
	unsigned long long prev = ops->time(), now;
	int i, mono = 1;

	for (i = 0; i < 100000; i++) {
		now = ops->time();
		if (now < prev)
			mono = 0;
		prev = now;
	}
	check(mono, "time is non-decreasing");
	now = ops->time() / 1000000000ULL;
	check(now + 2 >= (unsigned long long)time(NULL) &&
	      now <= (unsigned long long)time(NULL) + 2,
	      "time is the wall clock in ns");
}

/* ---- timers ---- */

struct tstate {
	int fired;
	long long at;
	int sleep_ms;
	int in_fn;
	int rearm;
};

static struct tstate ts1, ts2, ts3, ts_self, ts_busy, ts_rearm;
static void *t_self, *t_rearm;
static int self_free_returned;

static void fire(struct tstate *s)
{
	__atomic_store_n(&s->at, mono_ns(), __ATOMIC_SEQ_CST);
	__atomic_add_fetch(&s->fired, 1, __ATOMIC_SEQ_CST);
}

static void fn1(void)
{
	fire(&ts1);
}

static void fn2(void)
{
	fire(&ts2);
}

static void fn3(void)
{
	fire(&ts3);
}

static void fn_self(void)
{
	ops->timer_free(t_self);
	__atomic_store_n(&self_free_returned, 1, __ATOMIC_SEQ_CST);
	fire(&ts_self);
}

static void fn_busy(void)
{
	__atomic_store_n(&ts_busy.in_fn, 1, __ATOMIC_SEQ_CST);
	sleep_ms(ts_busy.sleep_ms);
	fire(&ts_busy);
	__atomic_store_n(&ts_busy.in_fn, 0, __ATOMIC_SEQ_CST);
}

static void fn_rearm(void)
{
	fire(&ts_rearm);
	if (LOAD(ts_rearm.fired) < 3)
		ops->timer_set_oneshot(t_rearm, 1000000);
}

static void test_timers(void)
{
	void *t;
	long long start, late;
	int threads_before, i;

	/* Fires once, after about delta. */
	t = ops->timer_alloc(fn1);
	check(t != NULL, "timer_alloc");
	start = mono_ns();
	check(ops->timer_set_oneshot(t, 50000000) == 0, "timer_set_oneshot");
	sleep_ms(250);
	late = (LOAD(ts1.at) - start) / 1000000;
	check(LOAD(ts1.fired) == 1, "timer fires exactly once");
	check(late >= 50 && late < 200, "timer fires after about delta");
	printf("# 50 ms timer fired after %lld ms\n", late);

	/* delta 0 fires as soon as possible; the same timer can be reused. */
	start = mono_ns();
	ops->timer_set_oneshot(t, 0);
	check(wait_flag(&ts1.fired, 2, 1000), "delta 0 fires at once");
	printf("# 0 ms timer fired after %lld us\n",
	       (LOAD(ts1.at) - start) / 1000);
	ops->timer_free(t);

	/* Re-arming replaces the earlier expiry. */
	t = ops->timer_alloc(fn2);
	start = mono_ns();
	ops->timer_set_oneshot(t, 50000000);
	ops->timer_set_oneshot(t, 300000000);
	sleep_ms(150);
	check(LOAD(ts2.fired) == 0, "re-arm replaces an earlier expiry");
	check(wait_flag(&ts2.fired, 1, 1000) &&
	      (LOAD(ts2.at) - start) / 1000000 >= 300,
	      "re-armed timer fires at the new expiry");
	sleep_ms(100);
	check(LOAD(ts2.fired) == 1, "re-armed timer fires once");
	ops->timer_free(t);

	/* Freed while armed: never fires. */
	t = ops->timer_alloc(fn3);
	ops->timer_set_oneshot(t, 20000000);
	ops->timer_free(t);
	sleep_ms(100);
	check(LOAD(ts3.fired) == 0, "timer freed while armed never fires");

	/* timer_free waits for a running callback. */
	ts_busy.sleep_ms = 100;
	t = ops->timer_alloc(fn_busy);
	ops->timer_set_oneshot(t, 0);
	wait_flag(&ts_busy.in_fn, 1, 1000);
	ops->timer_free(t);
	check(LOAD(ts_busy.in_fn) == 0 && LOAD(ts_busy.fired) == 1,
	      "timer_free returns only after the callback finished");

	/* Re-arm from inside the callback. */
	t_rearm = ops->timer_alloc(fn_rearm);
	ops->timer_set_oneshot(t_rearm, 1000000);
	check(wait_flag(&ts_rearm.fired, 3, 1000),
	      "callback can re-arm its own timer");
	sleep_ms(30);
	check(LOAD(ts_rearm.fired) == 3, "self re-armed timer stops when not re-armed");
	ops->timer_free(t_rearm);

	/* timer_free from inside its own callback: no deadlock, no leak. */
	threads_before = count_threads();
	t_self = ops->timer_alloc(fn_self);
	ops->timer_set_oneshot(t_self, 1000000);
	check(wait_flag(&ts_self.fired, 1, 1000) && LOAD(self_free_returned),
	      "timer_free from inside the callback returns");
	for (i = 0; i < 1000 && count_threads() != threads_before; i++)
		sleep_ms(1);
	check(count_threads() == threads_before,
	      "self-freed timer thread exits");

	/* Many timers at once. */
	{
		void *many[32];

		__atomic_store_n(&ts1.fired, 0, __ATOMIC_SEQ_CST);
		for (i = 0; i < 32; i++) {
			many[i] = ops->timer_alloc(fn1);
			ops->timer_set_oneshot(many[i], 5000000);
		}
		wait_flag(&ts1.fired, 32, 2000);
		for (i = 0; i < 32; i++)
			ops->timer_free(many[i]);
		check(LOAD(ts1.fired) == 32, "32 timers each fire once");
	}
}

/* ---- gettid, jmp_buf ---- */

static long other_tid;

static void tid_body(void *arg)
{
	(void)arg;
	other_tid = ops->gettid();
}

static struct lkl_jmp_buf jb;
static int jmp_stage;

static void jump_back(void)
{
	jmp_stage = 1;
	ops->jmp_buf_longjmp(&jb, 7);
	jmp_stage = 2;
}

static void plain_return(void)
{
	jmp_stage = 10;
}

static void test_misc(void)
{
	lkl_thread_t t;

	check(ops->gettid() == syscall(SYS_gettid), "gettid is the host tid");
	t = ops->thread_create(tid_body, NULL);
	ops->thread_join(t);
	check(other_tid > 0 && other_tid != ops->gettid(),
	      "gettid differs per thread");

	ops->jmp_buf_set(&jb, jump_back);
	check(jmp_stage == 1, "jmp_buf_longjmp returns to jmp_buf_set");
	ops->jmp_buf_set(&jb, plain_return);
	check(jmp_stage == 10, "jmp_buf_set returns when f returns");
}

/* ---- block device ops ---- */

static struct lkl_blk_req blk_req(unsigned int type, unsigned long long sector,
				  struct iovec *iov, int count)
{
	struct lkl_blk_req r;

	memset(&r, 0, sizeof(r));
	r.type = type;
	r.sector = sector;
	r.buf = iov;
	r.count = count;
	return r;
}

static void test_blk(void)
{
	char path[] = "/tmp/hostops_test_XXXXXX";
	struct lkl_disk disk;
	struct lkl_blk_req r;
	struct iovec wv[3], rv[2], *many;
	unsigned long long cap = 0;
	char a[100], b[924], c[512], back[1536], ref[1536];
	char *big, *bigback;
	int fd, i, nmany = 1500;

	fd = mkstemp(path);
	unlink(path);
	check(fd >= 0 && ftruncate(fd, 16 * 512) == 0, "temp disk file");
	memset(&disk, 0, sizeof(disk));
	disk.fd = fd;

	check(lkl_dev_blk_ops.get_capacity(disk, &cap) == 0 && cap == 16 * 512,
	      "get_capacity is the file size");

	memset(a, 'a', sizeof(a));
	memset(b, 'b', sizeof(b));
	memset(c, 'c', sizeof(c));
	wv[0] = (struct iovec){ a, sizeof(a) };
	wv[1] = (struct iovec){ b, sizeof(b) };
	wv[2] = (struct iovec){ c, sizeof(c) };
	r = blk_req(LKL_DEV_BLK_TYPE_WRITE, 2, wv, 3);
	check(lkl_dev_blk_ops.request(disk, &r) == LKL_DEV_BLK_STATUS_OK,
	      "write 3 iovecs");
	memcpy(ref, a, sizeof(a));
	memcpy(ref + 100, b, sizeof(b));
	memcpy(ref + 1024, c, sizeof(c));
	check(pread(fd, back, sizeof(back), 1024) == (ssize_t)sizeof(back) &&
	      memcmp(back, ref, sizeof(ref)) == 0,
	      "write lands at sector * 512");

	memset(back, 0, sizeof(back));
	rv[0] = (struct iovec){ back, 700 };
	rv[1] = (struct iovec){ back + 700, 836 };
	r = blk_req(LKL_DEV_BLK_TYPE_READ, 2, rv, 2);
	check(lkl_dev_blk_ops.request(disk, &r) == LKL_DEV_BLK_STATUS_OK &&
	      memcmp(back, ref, sizeof(ref)) == 0,
	      "read back with a different iovec split");

	/* More iovecs than one preadv/pwritev call takes (IOV_MAX). */
	many = calloc((size_t)nmany, sizeof(*many));
	big = malloc((size_t)nmany * 512);
	bigback = calloc((size_t)nmany, 512);
	for (i = 0; i < nmany * 512; i++)
		big[i] = (char)(i * 7 + i / 512);
	for (i = 0; i < nmany; i++)
		many[i] = (struct iovec){ big + i * 512, 512 };
	r = blk_req(LKL_DEV_BLK_TYPE_WRITE, 16, many, nmany);
	check(lkl_dev_blk_ops.request(disk, &r) == LKL_DEV_BLK_STATUS_OK,
	      "write 1500 iovecs");
	for (i = 0; i < nmany; i++)
		many[i] = (struct iovec){ bigback + i * 512, 512 };
	r = blk_req(LKL_DEV_BLK_TYPE_READ, 16, many, nmany);
	check(lkl_dev_blk_ops.request(disk, &r) == LKL_DEV_BLK_STATUS_OK &&
	      memcmp(big, bigback, (size_t)nmany * 512) == 0,
	      "read 1500 iovecs");
	free(many);
	free(big);
	free(bigback);

	r = blk_req(LKL_DEV_BLK_TYPE_FLUSH, 0, NULL, 0);
	check(lkl_dev_blk_ops.request(disk, &r) == LKL_DEV_BLK_STATUS_OK,
	      "flush");
	r = blk_req(LKL_DEV_BLK_TYPE_FLUSH_OUT, 0, NULL, 0);
	check(lkl_dev_blk_ops.request(disk, &r) == LKL_DEV_BLK_STATUS_OK,
	      "flush_out");
	r = blk_req(99, 0, NULL, 0);
	check(lkl_dev_blk_ops.request(disk, &r) == LKL_DEV_BLK_STATUS_UNSUP,
	      "unknown request type is UNSUP");

	rv[0] = (struct iovec){ back, 512 };
	r = blk_req(LKL_DEV_BLK_TYPE_READ, 100000, rv, 1);
	check(lkl_dev_blk_ops.request(disk, &r) == LKL_DEV_BLK_STATUS_IOERR,
	      "read past the end is IOERR");
	close(fd);
	disk.fd = fd;
	r = blk_req(LKL_DEV_BLK_TYPE_READ, 0, rv, 1);
	check(lkl_dev_blk_ops.request(disk, &r) == LKL_DEV_BLK_STATUS_IOERR,
	      "read from a bad fd is IOERR");
	r = blk_req(LKL_DEV_BLK_TYPE_FLUSH, 0, NULL, 0);
	check(lkl_dev_blk_ops.request(disk, &r) == LKL_DEV_BLK_STATUS_IOERR,
	      "flush of a bad fd is IOERR");
	check(lkl_dev_blk_ops.get_capacity(disk, &cap) == -1,
	      "get_capacity of a bad fd fails");
}

int main(void)
{
	test_panic();
	test_static_members();
	test_print();
	test_sem();
	test_mutex();
	test_threads();
	test_tls();
	test_memory();
	test_mmap();
	test_time();
	test_timers();
	test_misc();
	test_blk();
	printf("%d passed, %d failed\n", passed, failed);
	return failed != 0;
}
