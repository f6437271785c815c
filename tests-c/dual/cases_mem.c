/* memfd_create (with seals) and futex (wait/wake, bitsets, private, requeue, with threads). */
#include "dual.h"

/* memfd_create */

CASE(memfd_basic)
{
	char buf[8] = {0};

	EQ(sys_memfd_create("dual", 0), 3);
	struct stat st = fstat_of(3);
	EQ(st.st_mode, S_IFREG | 0777);
	EQ(st.st_size, 0);
	EQ(st.st_nlink, 0);
	EQ(sys_write(3, "memfd", 5), 5);
	EQ(sys_pread64(3, buf, sizeof(buf), 0), 5);
	EQ_STR(buf, "memfd");
	EQ(sys_ftruncate(3, 4096), 0);
	EQ(fstat_of(3).st_size, 4096);
	EQ(sys_fcntl(3, F_GETFL, 0), O_RDWR | KO_LARGEFILE);
	EQ(sys_fcntl(3, F_GETFD, 0), 0);
}

CASE(memfd_cloexec)
{
	EQ(sys_memfd_create("x", MFD_CLOEXEC), 3);
	EQ(sys_fcntl(3, F_GETFD, 0), FD_CLOEXEC);
}

CASE(memfd_on_tmpfs)
{
	struct statfs s;

	EQ(sys_memfd_create("x", 0), 3);
	EQ(sys_fstatfs(3, &s), 0);
	EQ(s.f_type, TMPFS_MAGIC);
}

CASE(memfd_name_limits)
{
	char name[300];

	memset(name, 'm', sizeof(name));
	name[249] = 0;
	EQ(sys_memfd_create(name, 0), 3);
	name[249] = 'm';
	name[250] = 0;
	ERR(sys_memfd_create(name, 0), -EINVAL);
	EQ(sys_memfd_create("", 0), 4);
}

CASE(memfd_bad_flags)
{
	ERR(sys_memfd_create("x", 0x100), -EINVAL);
	ERR(sys_memfd_create("x", O_NONBLOCK), -EINVAL);
}

CASE(memfd_efault)
{
	ERR(sys_memfd_create(BADPTR, 0), -EFAULT);
	ERR(sys_memfd_create(NULL, 0), -EFAULT);
}

CASE(memfd_default_sealed)
{
	EQ(sys_memfd_create("x", 0), 3);
	EQ(sys_fcntl(3, F_GET_SEALS, 0), F_SEAL_SEAL);
	ERR(sys_fcntl(3, F_ADD_SEALS, F_SEAL_WRITE), -EPERM);
}

CASE(memfd_seal_write)
{
	EQ(sys_memfd_create("x", MFD_ALLOW_SEALING), 3);
	EQ(sys_fcntl(3, F_GET_SEALS, 0), 0);
	EQ(sys_write(3, "ab", 2), 2);
	EQ(sys_fcntl(3, F_ADD_SEALS, F_SEAL_WRITE), 0);
	EQ(sys_fcntl(3, F_GET_SEALS, 0), F_SEAL_WRITE);
	ERR(sys_write(3, "c", 1), -EPERM);
	ERR(sys_pwrite64(3, "c", 1, 0), -EPERM);
	EQ(sys_ftruncate(3, 100), 0);
}

CASE(memfd_seal_shrink)
{
	EQ(sys_memfd_create("x", MFD_ALLOW_SEALING), 3);
	EQ(sys_ftruncate(3, 100), 0);
	EQ(sys_fcntl(3, F_ADD_SEALS, F_SEAL_SHRINK), 0);
	ERR(sys_ftruncate(3, 50), -EPERM);
	EQ(sys_ftruncate(3, 200), 0);
	EQ(fstat_of(3).st_size, 200);
}

CASE(memfd_seal_grow)
{
	EQ(sys_memfd_create("x", MFD_ALLOW_SEALING), 3);
	EQ(sys_ftruncate(3, 4), 0);
	EQ(sys_fcntl(3, F_ADD_SEALS, F_SEAL_GROW), 0);
	ERR(sys_ftruncate(3, 10), -EPERM);
	EQ(sys_pwrite64(3, "abcd", 4, 0), 4);
	ERR(sys_pwrite64(3, "e", 1, 4), -EPERM);
	EQ(sys_ftruncate(3, 2), 0);
}

CASE(memfd_seal_seal)
{
	EQ(sys_memfd_create("x", MFD_ALLOW_SEALING), 3);
	EQ(sys_fcntl(3, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK), 0);
	ERR(sys_fcntl(3, F_ADD_SEALS, F_SEAL_GROW), -EPERM);
	EQ(sys_fcntl(3, F_GET_SEALS, 0), F_SEAL_SEAL | F_SEAL_SHRINK);
}

CASE(memfd_seals_bad_args)
{
	EQ(sys_memfd_create("x", MFD_ALLOW_SEALING), 3);
	ERR(sys_fcntl(3, F_ADD_SEALS, 0x8000), -EINVAL);
	int p[2];
	OK(sys_pipe2(p, 0));
	ERR(sys_fcntl(p[0], F_GET_SEALS, 0), -EINVAL);
	ERR(sys_fcntl(p[1], F_ADD_SEALS, F_SEAL_WRITE), -EINVAL);
}

/* A tmpfs file not made by memfd_create is sealed with F_SEAL_SEAL alone. */
CASE(tmpfs_file_seals)
{
	mkfile("f", "");
	EQ(sys_openat(AT_FDCWD, "f", O_RDWR, 0), 3);
	EQ(sys_fcntl(3, F_GET_SEALS, 0), F_SEAL_SEAL);
	ERR(sys_fcntl(3, F_ADD_SEALS, F_SEAL_WRITE), -EPERM);
}

CASE(memfd_seal_needs_writable_fd)
{
	EQ(sys_memfd_create("x", MFD_ALLOW_SEALING), 3);
	EQ(sys_dup(3), 4);
	EQ(sys_fcntl(4, F_ADD_SEALS, F_SEAL_GROW), 0);
	EQ(sys_fcntl(3, F_GET_SEALS, 0), F_SEAL_GROW);
}

/* futex */

static uint32_t word;

struct waiter {
	uint32_t *addr;
	int op;
	uint32_t val;
	uint32_t mask;
	long result;
};

static void *wait_thread(void *arg)
{
	struct waiter *w = arg;
	struct timespec ts = {2, 0};

	if ((w->op & 127) == FUTEX_WAIT_BITSET)
		w->result = sys_futex(w->addr, w->op, w->val, NULL, NULL, w->mask);
	else
		w->result = sys_futex(w->addr, w->op, w->val, &ts, NULL, 0);
	return NULL;
}

/* Wakes (op on addr, val3 mask) until n waiters have been woken or 2 s passed; returns the count. */
static long wake_until(uint32_t *addr, int op, int n, uint32_t mask)
{
	long long deadline = dual_now_ms() + 2000;
	long total = 0, r;

	while (total < n && dual_now_ms() < deadline) {
		r = sys_futex(addr, op, n - total, NULL, NULL, mask);
		if (r < 0)
			return r;
		total += r;
		if (total < n)
			sys_sched_yield();
	}
	return total;
}

CASE(futex_wait_value_mismatch)
{
	word = 1;
	ERR(sys_futex(&word, FUTEX_WAIT, 0, NULL, NULL, 0), -EAGAIN);
	ERR(sys_futex(&word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0), -EAGAIN);
}

CASE(futex_wait_timeout)
{
	struct timespec ts = {0, 20 * 1000000};
	long long start = dual_now_ms();

	word = 0;
	ERR(sys_futex(&word, FUTEX_WAIT, 0, &ts, NULL, 0), -ETIMEDOUT);
	CHECK(dual_now_ms() - start >= 19);
}

CASE(futex_wake_nobody)
{
	word = 0;
	EQ(sys_futex(&word, FUTEX_WAKE, 1, NULL, NULL, 0), 0);
	EQ(sys_futex(&word, FUTEX_WAKE_PRIVATE, 10, NULL, NULL, 0), 0);
}

CASE(futex_wait_wake_thread)
{
	struct waiter w = {&word, FUTEX_WAIT, 0, 0, -1};
	pthread_t t;

	word = 0;
	t = dual_thread(wait_thread, &w);
	EQ(wake_until(&word, FUTEX_WAKE, 1, 0), 1);
	dual_join(t);
	EQ(w.result, 0);
}

CASE(futex_private_wait_wake)
{
	struct waiter w = {&word, FUTEX_WAIT_PRIVATE, 0, 0, -1};
	pthread_t t;

	word = 0;
	t = dual_thread(wait_thread, &w);
	EQ(wake_until(&word, FUTEX_WAKE_PRIVATE, 1, 0), 1);
	dual_join(t);
	EQ(w.result, 0);
}

CASE(futex_wake_count)
{
	struct waiter w[3];
	pthread_t t[3];

	word = 0;
	for (int i = 0; i < 3; i++) {
		w[i] = (struct waiter){&word, FUTEX_WAIT_PRIVATE, 0, 0, -1};
		t[i] = dual_thread(wait_thread, &w[i]);
	}
	EQ(wake_until(&word, FUTEX_WAKE_PRIVATE, 3, 0), 3);
	for (int i = 0; i < 3; i++) {
		dual_join(t[i]);
		EQ(w[i].result, 0);
	}
	EQ(sys_futex(&word, FUTEX_WAKE_PRIVATE, 3, NULL, NULL, 0), 0);
}

CASE(futex_bitset)
{
	struct waiter w = {&word, FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, 0, 0x1, -1};
	long long deadline;
	pthread_t t;

	word = 0;
	t = dual_thread(wait_thread, &w);
	/* A wake with a disjoint mask wakes nobody, however long we try. */
	deadline = dual_now_ms() + 100;
	while (dual_now_ms() < deadline)
		EQ(sys_futex(&word, FUTEX_WAKE_BITSET | FUTEX_PRIVATE_FLAG, 1, NULL, NULL, 0x2), 0);
	EQ(wake_until(&word, FUTEX_WAKE_BITSET | FUTEX_PRIVATE_FLAG, 1, 0x3), 1);
	dual_join(t);
	EQ(w.result, 0);
}

CASE(futex_bitset_zero_einval)
{
	word = 0;
	ERR(sys_futex(&word, FUTEX_WAIT_BITSET, 0, NULL, NULL, 0), -EINVAL);
	ERR(sys_futex(&word, FUTEX_WAKE_BITSET, 1, NULL, NULL, 0), -EINVAL);
}

CASE(futex_bitset_absolute_timeout)
{
	struct timespec now;

	/* Deadlines read from the clock before the call have passed when it
	 * runs, however long the system has been up. */
	word = 0;
	OK(sys_clock_gettime(CLOCK_MONOTONIC, &now));
	ERR(sys_futex(&word, FUTEX_WAIT_BITSET, 0, &now, NULL, FUTEX_BITSET_MATCH_ANY), -ETIMEDOUT);
	OK(sys_clock_gettime(CLOCK_REALTIME, &now));
	ERR(sys_futex(&word, FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME, 0, &now, NULL, FUTEX_BITSET_MATCH_ANY),
	    -ETIMEDOUT);
}

CASE(futex_bitset_absolute_timeout_zero)
{
	struct timespec zero = {0, 0};

	word = 0;
	ERR(sys_futex(&word, FUTEX_WAIT_BITSET, 0, &zero, NULL, FUTEX_BITSET_MATCH_ANY), -ETIMEDOUT);
	ERR(sys_futex(&word, FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME, 0, &zero, NULL, FUTEX_BITSET_MATCH_ANY),
	    -ETIMEDOUT);
}

CASE(futex_unknown_op)
{
	word = 0;
	ERR(sys_futex(&word, 99, 0, NULL, NULL, 0), -ENOSYS);
}

CASE(futex_unaligned_einval)
{
	static uint32_t pair[2];

	ERR(sys_futex((uint32_t *)((char *)pair + 1), FUTEX_WAKE, 1, NULL, NULL, 0), -EINVAL);
	ERR(sys_futex((uint32_t *)((char *)pair + 2), FUTEX_WAIT, 0, NULL, NULL, 0), -EINVAL);
}

CASE(futex_efault)
{
	ERR(sys_futex(BADPTR, FUTEX_WAIT, 0, NULL, NULL, 0), -EFAULT);
	ERR(sys_futex(NULL, FUTEX_WAIT, 0, NULL, NULL, 0), -EFAULT);
}

CASE(futex_bad_timeout_einval)
{
	struct timespec bad = {0, 1000000000};

	word = 0;
	ERR(sys_futex(&word, FUTEX_WAIT, 0, &bad, NULL, 0), -EINVAL);
	bad = (struct timespec){-1, 0};
	ERR(sys_futex(&word, FUTEX_WAIT, 0, &bad, NULL, 0), -EINVAL);
}

CASE(futex_timeout_efault)
{
	word = 0;
	ERR(sys_futex(&word, FUTEX_WAIT, 0, BADPTR, NULL, 0), -EFAULT);
}

static uint32_t word2;

CASE(futex_cmp_requeue)
{
	struct waiter w[2];
	pthread_t t[2];
	long long deadline;
	long moved = 0, r;

	word = 0;
	word2 = 0;
	for (int i = 0; i < 2; i++) {
		w[i] = (struct waiter){&word, FUTEX_WAIT_PRIVATE, 0, 0, -1};
		t[i] = dual_thread(wait_thread, &w[i]);
	}
	/*
	 * Let both reach the kernel first: a requeue racing with a waiter on
	 * its way in can leave that waiter behind on recent host kernels.
	 */
	deadline = dual_now_ms() + 50;
	while (dual_now_ms() < deadline)
		sys_sched_yield();
	/* Wake none, requeue both to word2 (once both are waiting). */
	deadline = dual_now_ms() + 2000;
	while (moved < 2 && dual_now_ms() < deadline) {
		r = sys_futex_n(&word, FUTEX_CMP_REQUEUE_PRIVATE, 0, 2 - moved, &word2, 0);
		if (r < 0) {
			ERR(r, 0);
			break;
		}
		moved += r;
		if (moved < 2)
			sys_sched_yield();
	}
	EQ(moved, 2);
	EQ(sys_futex(&word, FUTEX_WAKE_PRIVATE, 2, NULL, NULL, 0), 0);
	EQ(wake_until(&word2, FUTEX_WAKE_PRIVATE, 2, 0), 2);
	for (int i = 0; i < 2; i++) {
		dual_join(t[i]);
		EQ(w[i].result, 0);
	}
}

CASE(futex_cmp_requeue_mismatch)
{
	word = 5;
	ERR(sys_futex_n(&word, FUTEX_CMP_REQUEUE, 1, 1, &word2, 4), -EAGAIN);
	EQ(sys_futex_n(&word, FUTEX_CMP_REQUEUE, 1, 1, &word2, 5), 0);
}

CASE(futex_wake_op)
{
	word = 0;
	word2 = 10;
	/* FUTEX_OP_SET 7 on word2, wake word1 and, if old word2 == 10, word2. */
	EQ(sys_futex_n(&word, FUTEX_WAKE_OP_PRIVATE, 1, 1, &word2, (0 << 28) | (0 << 24) | (7 << 12) | 10), 0);
	EQ(word2, 7);
}
