/*
 * The default POSIX host: lkl_host_ops, lkl_virtio_devs and the
 * file-backed block device ops lkl_dev_blk_ops.
 *
 * This file depends only on libc and include/lkl_host.h, so a C test can
 * compile it on its own. Every operation is safe to call from any thread.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <semaphore.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <lkl_host.h>

/* Console and panic. */

static void posix_print(const char *str, int len)
{
	size_t left;

	if (str == NULL || len <= 0)
		return;
	left = (size_t)len;
	while (left > 0) {
		ssize_t n = write(STDOUT_FILENO, str, left);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		if (n == 0)
			return;
		str += n;
		left -= (size_t)n;
	}
}

static void posix_panic(void)
{
	abort();
}

/* Semaphores: POSIX unnamed semaphores; a wait interrupted by a signal resumes. */

struct lkl_sem {
	sem_t sem;
};

static struct lkl_sem *posix_sem_alloc(int count)
{
	struct lkl_sem *s;

	if (count < 0)
		return NULL;
	s = malloc(sizeof(*s));
	if (s == NULL)
		return NULL;
	if (sem_init(&s->sem, 0, (unsigned int)count) != 0) {
		free(s);
		return NULL;
	}
	return s;
}

static void posix_sem_free(struct lkl_sem *s)
{
	if (s == NULL)
		return;
	sem_destroy(&s->sem);
	free(s);
}

static void posix_sem_up(struct lkl_sem *s)
{
	sem_post(&s->sem);
}

static void posix_sem_down(struct lkl_sem *s)
{
	while (sem_wait(&s->sem) != 0 && errno == EINTR)
		;
}

/* Mutexes. */

struct lkl_mutex {
	pthread_mutex_t mu;
};

static struct lkl_mutex *posix_mutex_alloc(int recursive)
{
	pthread_mutexattr_t attr;
	struct lkl_mutex *m;
	int err;

	m = malloc(sizeof(*m));
	if (m == NULL)
		return NULL;
	if (pthread_mutexattr_init(&attr) != 0) {
		free(m);
		return NULL;
	}
	err = pthread_mutexattr_settype(&attr, recursive ?
					PTHREAD_MUTEX_RECURSIVE :
					PTHREAD_MUTEX_NORMAL);
	if (err == 0)
		err = pthread_mutex_init(&m->mu, &attr);
	pthread_mutexattr_destroy(&attr);
	if (err != 0) {
		free(m);
		return NULL;
	}
	return m;
}

static void posix_mutex_free(struct lkl_mutex *m)
{
	if (m == NULL)
		return;
	pthread_mutex_destroy(&m->mu);
	free(m);
}

static void posix_mutex_lock(struct lkl_mutex *m)
{
	pthread_mutex_lock(&m->mu);
}

static void posix_mutex_unlock(struct lkl_mutex *m)
{
	pthread_mutex_unlock(&m->mu);
}

/* Threads. lkl_thread_t holds a pthread_t; 0 means failure. */

_Static_assert(sizeof(pthread_t) <= sizeof(lkl_thread_t),
	       "pthread_t must fit in lkl_thread_t");

struct thread_start {
	void (*fn)(void *);
	void *arg;
};

static void *thread_main(void *p)
{
	struct thread_start start = *(struct thread_start *)p;

	free(p);
	start.fn(start.arg);
	return NULL;
}

static lkl_thread_t posix_thread_create(void (*fn)(void *), void *arg)
{
	struct thread_start *start;
	pthread_t th;

	if (fn == NULL)
		return 0;
	start = malloc(sizeof(*start));
	if (start == NULL)
		return 0;
	start->fn = fn;
	start->arg = arg;
	if (pthread_create(&th, NULL, thread_main, start) != 0) {
		free(start);
		return 0;
	}
	return (lkl_thread_t)th;
}

static void posix_thread_detach(void)
{
	pthread_detach(pthread_self());
}

static void posix_thread_exit(void)
{
	pthread_exit(NULL);
}

static int posix_thread_join(lkl_thread_t tid)
{
	return pthread_join((pthread_t)tid, NULL) == 0 ? 0 : -1;
}

static lkl_thread_t posix_thread_self(void)
{
	return (lkl_thread_t)pthread_self();
}

static int posix_thread_equal(lkl_thread_t a, lkl_thread_t b)
{
	return pthread_equal((pthread_t)a, (pthread_t)b);
}

/* Lowest address of the calling thread's stack; *size gets its length. */
static void *posix_thread_stack(unsigned long *size)
{
	pthread_attr_t attr;
	void *base = NULL;
	size_t len = 0;

	if (pthread_getattr_np(pthread_self(), &attr) != 0)
		return NULL;
	if (pthread_attr_getstack(&attr, &base, &len) != 0) {
		base = NULL;
		len = 0;
	}
	pthread_attr_destroy(&attr);
	if (size != NULL)
		*size = len;
	return base;
}

/* Thread-local storage: pthread keys; the destructor runs at thread exit. */

struct lkl_tls_key {
	pthread_key_t key;
};

static struct lkl_tls_key *posix_tls_alloc(void (*destructor)(void *))
{
	struct lkl_tls_key *k = malloc(sizeof(*k));

	if (k == NULL)
		return NULL;
	if (pthread_key_create(&k->key, destructor) != 0) {
		free(k);
		return NULL;
	}
	return k;
}

static void posix_tls_free(struct lkl_tls_key *k)
{
	if (k == NULL)
		return;
	pthread_key_delete(k->key);
	free(k);
}

static int posix_tls_set(struct lkl_tls_key *k, void *data)
{
	return pthread_setspecific(k->key, data) == 0 ? 0 : -1;
}

static void *posix_tls_get(struct lkl_tls_key *k)
{
	return pthread_getspecific(k->key);
}

/* Memory. */

static void *posix_mem_alloc(unsigned long size)
{
	return malloc(size);
}

static void posix_mem_free(void *p)
{
	free(p);
}

#ifdef MAP_POPULATE
#define PAGE_ALLOC_POPULATE MAP_POPULATE
#else
#define PAGE_ALLOC_POPULATE 0
#endif

static void *posix_page_alloc(unsigned long size)
{
	void *p;

	if (size == 0)
		return NULL;
	/* Populate at once: one call faults in the chunk far cheaper than a
	 * page fault per page when the kernel first writes it. */
	p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | PAGE_ALLOC_POPULATE, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

static void posix_page_free(void *addr, unsigned long size)
{
	if (addr != NULL)
		munmap(addr, size);
}

/* Clock: wall time in nanoseconds since the epoch. */

/*
 * The kernel clock: CLOCK_MONOTONIC shifted so that it reads as the wall
 * clock did when it was first read. It never goes backwards (the kernel
 * relies on that) and still gives files real dates; later steps of the
 * host's wall clock are not followed, as a machine's kernel keeps its own.
 */
static long long time_offset;
static pthread_once_t time_once = PTHREAD_ONCE_INIT;

static void time_init(void)
{
	struct timespec real, mono;

	clock_gettime(CLOCK_REALTIME, &real);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	time_offset = ((long long)real.tv_sec - mono.tv_sec) * 1000000000LL +
		      (real.tv_nsec - mono.tv_nsec);
}

static unsigned long long posix_time(void)
{
	struct timespec ts;

	pthread_once(&time_once, time_init);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ULL +
	       (unsigned long long)ts.tv_nsec + (unsigned long long)time_offset;
}

/*
 * Timers. Each timer owns one thread that sleeps on a condition variable
 * bound to CLOCK_MONOTONIC, so that setting the wall clock does not move
 * expiries. fn runs on that thread with no lock held; it may re-arm or
 * free its own timer.
 *
 * timer_free from another thread stops and joins the thread: when it
 * returns fn is not running and will not run again. The caller must not
 * hold anything fn waits for. timer_free from inside fn only marks the
 * timer stopped and detaches; the thread frees the timer once fn returns.
 */

struct posix_timer {
	void (*fn)(void);
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cond;
	/* Protected by mu. */
	struct timespec due;
	int armed;
	int stopping;
	int self_freed;
};

static void monotonic_now(struct timespec *ts)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
}

static int timespec_before(const struct timespec *a, const struct timespec *b)
{
	if (a->tv_sec != b->tv_sec)
		return a->tv_sec < b->tv_sec;
	return a->tv_nsec < b->tv_nsec;
}

static void timer_destroy(struct posix_timer *t)
{
	pthread_cond_destroy(&t->cond);
	pthread_mutex_destroy(&t->mu);
	free(t);
}

static void *timer_main(void *p)
{
	struct posix_timer *t = p;
	struct timespec now;
	int self_freed;

	pthread_mutex_lock(&t->mu);
	while (!t->stopping) {
		if (!t->armed) {
			pthread_cond_wait(&t->cond, &t->mu);
			continue;
		}
		monotonic_now(&now);
		if (timespec_before(&now, &t->due)) {
			pthread_cond_timedwait(&t->cond, &t->mu, &t->due);
			continue;
		}
		t->armed = 0;
		pthread_mutex_unlock(&t->mu);
		t->fn();
		pthread_mutex_lock(&t->mu);
	}
	self_freed = t->self_freed;
	pthread_mutex_unlock(&t->mu);
	if (self_freed)
		timer_destroy(t);
	return NULL;
}

static void *posix_timer_alloc(void (*fn)(void))
{
	pthread_condattr_t cattr;
	struct posix_timer *t;
	int err;

	if (fn == NULL)
		return NULL;
	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return NULL;
	t->fn = fn;
	if (pthread_mutex_init(&t->mu, NULL) != 0) {
		free(t);
		return NULL;
	}
	if (pthread_condattr_init(&cattr) != 0)
		goto fail_mutex;
	err = pthread_condattr_setclock(&cattr, CLOCK_MONOTONIC);
	if (err == 0)
		err = pthread_cond_init(&t->cond, &cattr);
	pthread_condattr_destroy(&cattr);
	if (err != 0)
		goto fail_mutex;
	if (pthread_create(&t->thread, NULL, timer_main, t) != 0) {
		pthread_cond_destroy(&t->cond);
		goto fail_mutex;
	}
	return t;

fail_mutex:
	pthread_mutex_destroy(&t->mu);
	free(t);
	return NULL;
}

static int posix_timer_set_oneshot(void *timer, unsigned long delta)
{
	struct posix_timer *t = timer;
	struct timespec due;

	monotonic_now(&due);
	due.tv_sec += (time_t)(delta / 1000000000UL);
	due.tv_nsec += (long)(delta % 1000000000UL);
	if (due.tv_nsec >= 1000000000L) {
		due.tv_sec++;
		due.tv_nsec -= 1000000000L;
	}

	pthread_mutex_lock(&t->mu);
	t->due = due;
	t->armed = 1;
	pthread_cond_signal(&t->cond);
	pthread_mutex_unlock(&t->mu);
	return 0;
}

static void posix_timer_free(void *timer)
{
	struct posix_timer *t = timer;

	if (t == NULL)
		return;
	pthread_mutex_lock(&t->mu);
	t->stopping = 1;
	t->armed = 0;
	if (pthread_equal(pthread_self(), t->thread)) {
		t->self_freed = 1;
		pthread_mutex_unlock(&t->mu);
		pthread_detach(t->thread);
		return;
	}
	pthread_cond_signal(&t->cond);
	pthread_mutex_unlock(&t->mu);
	pthread_join(t->thread, NULL);
	timer_destroy(t);
}

/*
 * I/O memory. liblinux has no memory-mapped I/O devices (virtio devices are
 * driven through the block and net ops, not emulated registers), so no
 * region is ever registered: every mapping and access fails.
 */

static void *posix_ioremap(long addr, int size)
{
	(void)addr;
	(void)size;
	return NULL;
}

static int posix_iomem_access(const volatile void *addr, void *val, int size,
			      int is_write)
{
	(void)addr;
	(void)val;
	(void)size;
	(void)is_write;
	return -1;
}

static long posix_gettid(void)
{
	return syscall(SYS_gettid);
}

/* Non-local jumps: a jmp_buf kept inside the caller's lkl_jmp_buf. */

_Static_assert(sizeof(jmp_buf) <= sizeof(((struct lkl_jmp_buf *)0)->buf),
	       "jmp_buf must fit in struct lkl_jmp_buf");
_Static_assert(_Alignof(jmp_buf) <= _Alignof(struct lkl_jmp_buf),
	       "struct lkl_jmp_buf is not aligned enough for jmp_buf");

static void posix_jmp_buf_set(struct lkl_jmp_buf *jmpb, void (*f)(void))
{
	jmp_buf *jb = (jmp_buf *)(void *)jmpb->buf;

	if (setjmp(*jb) == 0)
		f();
}

static void posix_jmp_buf_longjmp(struct lkl_jmp_buf *jmpb, int val)
{
	jmp_buf *jb = (jmp_buf *)(void *)jmpb->buf;

	longjmp(*jb, val);
}

static void *posix_memcpy(void *dest, const void *src, unsigned long count)
{
	return memcpy(dest, src, count);
}

static void *posix_memset(void *s, int c, unsigned long count)
{
	return memset(s, c, count);
}

static void *posix_memmove(void *dest, const void *src, unsigned long count)
{
	return memmove(dest, src, count);
}

/* Fixed-address mappings. */

static int host_prot(enum lkl_prot prot)
{
	int p = PROT_NONE;

	if (prot & LKL_PROT_READ)
		p |= PROT_READ;
	if (prot & LKL_PROT_WRITE)
		p |= PROT_WRITE;
	if (prot & LKL_PROT_EXEC)
		p |= PROT_EXEC;
	return p;
}

/* Maps exactly at addr or not at all (kernels before 4.17 treat
 * MAP_FIXED_NOREPLACE as a hint, hence the address check). */
static void *map_exactly(void *addr, unsigned long size, int prot, int flags,
			 int fd, off_t off)
{
	void *p;

	if (size == 0)
		return NULL;
	p = mmap(addr, size, prot, flags | MAP_FIXED_NOREPLACE, fd, off);
	if (p == MAP_FAILED)
		return NULL;
	if (p != addr) {
		munmap(p, size);
		return NULL;
	}
	return p;
}

static void *posix_mmap(void *addr, unsigned long size, enum lkl_prot prot)
{
	return map_exactly(addr, size, host_prot(prot),
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
}

static int posix_munmap(void *addr, unsigned long size)
{
	return munmap(addr, size) == 0 ? 0 : -1;
}

/*
 * Shared memory: the kernel's "physical" memory, a memfd that shmem_mmap
 * maps (possibly several times) at fixed addresses. pg_off is the byte
 * offset into it, as LKL's kernel passes it; it must be page aligned.
 * A second shmem_init replaces (and closes) the previous object; existing
 * mappings keep their pages.
 */

static pthread_mutex_t shmem_mu = PTHREAD_MUTEX_INITIALIZER;
static int shmem_fd = -1;		/* protected by shmem_mu */
static unsigned long shmem_size;	/* protected by shmem_mu */

static void posix_shmem_init(unsigned long size)
{
	int fd;

	fd = memfd_create("liblinux-memory", MFD_CLOEXEC);
	if (fd >= 0 && ftruncate(fd, (off_t)size) != 0) {
		close(fd);
		fd = -1;
	}
	pthread_mutex_lock(&shmem_mu);
	if (shmem_fd >= 0)
		close(shmem_fd);
	shmem_fd = fd;
	shmem_size = fd >= 0 ? size : 0;
	pthread_mutex_unlock(&shmem_mu);
}

static void *posix_shmem_mmap(void *addr, unsigned long pg_off,
			      unsigned long size, enum lkl_prot prot)
{
	void *p = NULL;

	pthread_mutex_lock(&shmem_mu);
	if (shmem_fd >= 0 && pg_off <= shmem_size &&
	    size <= shmem_size - pg_off)
		p = map_exactly(addr, size, host_prot(prot), MAP_SHARED,
				shmem_fd, (off_t)pg_off);
	pthread_mutex_unlock(&shmem_mu);
	return p;
}

char lkl_virtio_devs[4096];

struct lkl_host_operations lkl_host_ops = {
	.virtio_devices = lkl_virtio_devs,
	.print = posix_print,
	.panic = posix_panic,
	.sem_alloc = posix_sem_alloc,
	.sem_free = posix_sem_free,
	.sem_up = posix_sem_up,
	.sem_down = posix_sem_down,
	.mutex_alloc = posix_mutex_alloc,
	.mutex_free = posix_mutex_free,
	.mutex_lock = posix_mutex_lock,
	.mutex_unlock = posix_mutex_unlock,
	.thread_create = posix_thread_create,
	.thread_detach = posix_thread_detach,
	.thread_exit = posix_thread_exit,
	.thread_join = posix_thread_join,
	.thread_self = posix_thread_self,
	.thread_equal = posix_thread_equal,
	.thread_stack = posix_thread_stack,
	.tls_alloc = posix_tls_alloc,
	.tls_free = posix_tls_free,
	.tls_set = posix_tls_set,
	.tls_get = posix_tls_get,
	.mem_alloc = posix_mem_alloc,
	.mem_free = posix_mem_free,
	.page_alloc = posix_page_alloc,
	.page_free = posix_page_free,
	.time = posix_time,
	.timer_alloc = posix_timer_alloc,
	.timer_set_oneshot = posix_timer_set_oneshot,
	.timer_free = posix_timer_free,
	.ioremap = posix_ioremap,
	.iomem_access = posix_iomem_access,
	.gettid = posix_gettid,
	.jmp_buf_set = posix_jmp_buf_set,
	.jmp_buf_longjmp = posix_jmp_buf_longjmp,
	.memcpy = posix_memcpy,
	.memset = posix_memset,
	.memmove = posix_memmove,
	.mmap = posix_mmap,
	.munmap = posix_munmap,
	.shmem_init = posix_shmem_init,
	.shmem_mmap = posix_shmem_mmap,
	.pci_ops = NULL,
	.version = LKL_HOST_OPS_VERSION,
};

/*
 * Block devices backed by a host file or device: disk.fd. Requests are
 * synchronous; sector is in 512-byte units.
 */

static int blk_get_capacity(struct lkl_disk disk, unsigned long long *res)
{
	off_t off = lseek(disk.fd, 0, SEEK_END);

	if (off < 0)
		return -1;
	*res = (unsigned long long)off;
	return 0;
}

/*
 * Transfers every byte of iov[0..count) at off. A short transfer resumes
 * where it stopped: a partly done iovec is finished on its own, then the
 * remaining whole iovecs go in one vectored call. Reading past the end of
 * the file is an error (the kernel asked for sectors that do not exist).
 */
static int blk_rw(int fd, const struct iovec *iov, int count, off_t off,
		  int is_write)
{
	size_t done = 0;	/* bytes already moved in iov[i] */
	int i = 0;

	while (i < count) {
		ssize_t n;

		if (done == iov[i].iov_len) {
			i++;
			done = 0;
			continue;
		}
		if (done > 0) {
			char *base = (char *)iov[i].iov_base + done;
			size_t len = iov[i].iov_len - done;

			n = is_write ? pwrite(fd, base, len, off) :
				    pread(fd, base, len, off);
		} else {
			int n_iov = count - i;

			if (n_iov > IOV_MAX)
				n_iov = IOV_MAX;
			n = is_write ? pwritev(fd, &iov[i], n_iov, off) :
				    preadv(fd, &iov[i], n_iov, off);
		}
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			return -1;
		off += n;
		while (n > 0 && i < count) {
			size_t step = iov[i].iov_len - done;

			if ((size_t)n < step) {
				done += (size_t)n;
				break;
			}
			n -= (ssize_t)step;
			i++;
			done = 0;
		}
	}
	return 0;
}

static int blk_flush(int fd)
{
	while (fdatasync(fd) != 0) {
		if (errno != EINTR)
			return -1;
	}
	return 0;
}

static int blk_request(struct lkl_disk disk, struct lkl_blk_req *req)
{
	int err;

	switch (req->type) {
	case LKL_DEV_BLK_TYPE_READ:
	case LKL_DEV_BLK_TYPE_WRITE:
		if (req->count < 0 || (req->count > 0 && req->buf == NULL) ||
		    req->sector > (unsigned long long)INT64_MAX / 512)
			return LKL_DEV_BLK_STATUS_IOERR;
		err = blk_rw(disk.fd, req->buf, req->count,
			     (off_t)(req->sector * 512),
			     req->type == LKL_DEV_BLK_TYPE_WRITE);
		break;
	case LKL_DEV_BLK_TYPE_FLUSH:
	case LKL_DEV_BLK_TYPE_FLUSH_OUT:
		err = blk_flush(disk.fd);
		break;
	default:
		return LKL_DEV_BLK_STATUS_UNSUP;
	}
	return err == 0 ? LKL_DEV_BLK_STATUS_OK : LKL_DEV_BLK_STATUS_IOERR;
}

struct lkl_dev_blk_ops lkl_dev_blk_ops = {
	.get_capacity = blk_get_capacity,
	.request = blk_request,
};
