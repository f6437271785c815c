/* prlimit64, getrlimit, setrlimit, sched_yield, getcpu, uname, sethostname, setdomainname, clock_gettime, clock_getres, nanosleep, clock_nanosleep. */
#include "dual.h"

/* rlimits */

CASE(rlimit_set_get)
{
	struct rlimit set = {100, 200}, got = {0, 0};

	EQ(sys_setrlimit(RLIMIT_NOFILE, &set), 0);
	EQ(sys_getrlimit(RLIMIT_NOFILE, &got), 0);
	EQ(got.rlim_cur, 100);
	EQ(got.rlim_max, 200);
}

CASE(rlimit_cur_above_max)
{
	struct rlimit set = {300, 200};

	ERR(sys_setrlimit(RLIMIT_NOFILE, &set), -EINVAL);
	ERR(sys_setrlimit(RLIMIT_CORE, &set), -EINVAL);
}

CASE(rlimit_bad_resource)
{
	struct rlimit r = {1, 1};

	ERR(sys_getrlimit(RLIM_NLIMITS, &r), -EINVAL);
	ERR(sys_setrlimit(RLIM_NLIMITS, &r), -EINVAL);
	ERR(sys_getrlimit(-1, &r), -EINVAL);
}

CASE(rlimit_efault)
{
	ERR(sys_getrlimit(RLIMIT_NOFILE, BADPTR), -EFAULT);
	ERR(sys_setrlimit(RLIMIT_NOFILE, BADPTR), -EFAULT);
}

CASE(rlimit_unprivileged_cannot_raise_hard)
{
	struct rlimit set = {100, 200}, got;

	EQ(sys_setrlimit(RLIMIT_NOFILE, &set), 0);
	dual_become(1000, 1000);
	set.rlim_max = 300;
	ERR(sys_setrlimit(RLIMIT_NOFILE, &set), -EPERM);
	set = (struct rlimit){50, 150};
	EQ(sys_setrlimit(RLIMIT_NOFILE, &set), 0);
	set = (struct rlimit){150, 150};
	EQ(sys_setrlimit(RLIMIT_NOFILE, &set), 0);
	set = (struct rlimit){150, 200};
	ERR(sys_setrlimit(RLIMIT_NOFILE, &set), -EPERM);
	EQ(sys_getrlimit(RLIMIT_NOFILE, &got), 0);
	EQ(got.rlim_cur, 150);
	EQ(got.rlim_max, 150);
	dual_unbecome();
}

CASE(rlimit_nofile_above_nr_open)
{
	struct rlimit set = {1 << 21, 1 << 21};

	ERR(sys_setrlimit(RLIMIT_NOFILE, &set), -EPERM);
}

CASE(rlimit_nofile_lowered_below_open_fds)
{
	struct rlimit set = {4, 4};

	mkfile("f", "");
	EQ(sys_openat(AT_FDCWD, "f", O_RDONLY, 0), 3);
	EQ(sys_openat(AT_FDCWD, "f", O_RDONLY, 0), 4);
	EQ(sys_openat(AT_FDCWD, "f", O_RDONLY, 0), 5);
	EQ(sys_setrlimit(RLIMIT_NOFILE, &set), 0);
	EQ(sys_fcntl(5, F_GETFD, 0), 0);
	char c;
	EQ(sys_read(5, &c, 1), 0);
	ERR(sys_openat(AT_FDCWD, "f", O_RDONLY, 0), -EMFILE);
	EQ(sys_close(3), 0);
	EQ(sys_openat(AT_FDCWD, "f", O_RDONLY, 0), 3);
}

CASE(rlimit_nofile_zero)
{
	struct rlimit set = {0, 0};

	EQ(sys_setrlimit(RLIMIT_NOFILE, &set), 0);
	ERR(sys_openat(AT_FDCWD, ".", O_RDONLY, 0), -EMFILE);
	ERR(sys_dup(1), -EMFILE);
	ERR(sys_eventfd2(0, 0), -EMFILE);
	ERR(sys_epoll_create1(0), -EMFILE);
}

CASE(prlimit_get_set)
{
	struct rlimit set = {64, 128}, old = {0, 0}, got;

	EQ(sys_prlimit64(0, RLIMIT_NOFILE, &set, NULL), 0);
	set = (struct rlimit){32, 128};
	EQ(sys_prlimit64(0, RLIMIT_NOFILE, &set, &old), 0);
	EQ(old.rlim_cur, 64);
	EQ(old.rlim_max, 128);
	EQ(sys_prlimit64(0, RLIMIT_NOFILE, NULL, &got), 0);
	EQ(got.rlim_cur, 32);
	EQ(got.rlim_max, 128);
}

CASE(prlimit_self_pid)
{
	struct rlimit set = {77, 88}, got;

	EQ(sys_prlimit64(sys_getpid(), RLIMIT_NOFILE, &set, NULL), 0);
	EQ(sys_getrlimit(RLIMIT_NOFILE, &got), 0);
	EQ(got.rlim_cur, 77);
}

CASE(prlimit_missing_pid_esrch)
{
	struct rlimit got;

	ERR(sys_prlimit64(999999, RLIMIT_NOFILE, NULL, &got), -ESRCH);
}

CASE(prlimit_cur_above_max_einval)
{
	struct rlimit set = {2, 1};

	ERR(sys_prlimit64(0, RLIMIT_NOFILE, &set, NULL), -EINVAL);
}

CASE(prlimit_bad_resource_einval)
{
	struct rlimit got;

	ERR(sys_prlimit64(0, RLIM_NLIMITS, NULL, &got), -EINVAL);
}

CASE(prlimit_efault)
{
	ERR(sys_prlimit64(0, RLIMIT_NOFILE, NULL, BADPTR), -EFAULT);
	ERR(sys_prlimit64(0, RLIMIT_NOFILE, BADPTR, NULL), -EFAULT);
}

CASE(rlimit_infinity_roundtrip)
{
	struct rlimit set = {RLIM_INFINITY, RLIM_INFINITY}, got;

	EQ(sys_setrlimit(RLIMIT_CORE, &set), 0);
	EQ(sys_getrlimit(RLIMIT_CORE, &got), 0);
	EQ(got.rlim_cur, RLIM_INFINITY);
	EQ(got.rlim_max, RLIM_INFINITY);
	set = (struct rlimit){4096, RLIM_INFINITY};
	EQ(sys_setrlimit(RLIMIT_CORE, &set), 0);
	EQ(sys_prlimit64(0, RLIMIT_CORE, NULL, &got), 0);
	EQ(got.rlim_cur, 4096);
	EQ(got.rlim_max, RLIM_INFINITY);
}

/* sched_yield, getcpu */

CASE(sched_yield_ok)
{
	EQ(sys_sched_yield(), 0);
	EQ(sys_sched_yield(), 0);
}

CASE(getcpu_basic)
{
	unsigned int cpu = 12345, node = 12345;

	EQ(sys_getcpu(&cpu, &node), 0);
	CHECK(cpu < 4096);
	EQ(node, 0);
	EQ(sys_getcpu(NULL, NULL), 0);
	EQ(sys_getcpu(&cpu, NULL), 0);
}

CASE(getcpu_efault)
{
	unsigned int cpu;

	ERR(sys_getcpu(BADPTR, NULL), -EFAULT);
	ERR(sys_getcpu(&cpu, BADPTR), -EFAULT);
}

/* uname, sethostname, setdomainname (host: in a private UTS namespace) */

CASE(uname_basic)
{
	struct utsname u;

	memset(&u, 0xff, sizeof(u));
	EQ(sys_uname(&u), 0);
	EQ_STR(u.sysname, "Linux");
	CHECK(strlen(u.release) > 0 && strlen(u.release) < 65);
	CHECK(strlen(u.nodename) < 65);
	CHECK(strlen(u.machine) > 0 && strlen(u.machine) < 65);
}

CASE(uname_efault)
{
	ERR(sys_uname(BADPTR), -EFAULT);
	ERR(sys_uname(NULL), -EFAULT);
}

CASE(sethostname_uname)
{
	struct utsname u;

	dual_private_uts();
	EQ(sys_sethostname("dual-host", 9), 0);
	EQ(sys_uname(&u), 0);
	EQ_STR(u.nodename, "dual-host");
	EQ(sys_sethostname("abcdef", 3), 0);
	EQ(sys_uname(&u), 0);
	EQ_STR(u.nodename, "abc");
	EQ(sys_sethostname("", 0), 0);
	EQ(sys_uname(&u), 0);
	EQ_STR(u.nodename, "");
}

CASE(sethostname_64_chars)
{
	char name[65];
	struct utsname u;

	dual_private_uts();
	memset(name, 'h', 64);
	name[64] = 0;
	EQ(sys_sethostname(name, 64), 0);
	EQ(sys_uname(&u), 0);
	EQ_STR(u.nodename, name);
	ERR(sys_sethostname(name, 65), -EINVAL);
	ERR(sys_sethostname(name, -1), -EINVAL);
}

CASE(sethostname_efault)
{
	dual_private_uts();
	ERR(sys_sethostname(BADPTR, 4), -EFAULT);
}

CASE(sethostname_unprivileged_eperm)
{
	dual_private_uts();
	dual_become(1000, 1000);
	ERR(sys_sethostname("user", 4), -EPERM);
	ERR(sys_setdomainname("user", 4), -EPERM);
	dual_unbecome();
}

CASE(setdomainname_uname)
{
	struct utsname u;

	dual_private_uts();
	EQ(sys_setdomainname("example.org", 11), 0);
	EQ(sys_uname(&u), 0);
	EQ_STR(u.domainname, "example.org");
	ERR(sys_setdomainname("x", 65), -EINVAL);
}

/* clocks and sleeping */

CASE(clock_gettime_monotonic_nondecreasing)
{
	struct timespec a, b;

	EQ(sys_clock_gettime(CLOCK_MONOTONIC, &a), 0);
	EQ(sys_clock_gettime(CLOCK_MONOTONIC, &b), 0);
	CHECK(b.tv_sec > a.tv_sec || (b.tv_sec == a.tv_sec && b.tv_nsec >= a.tv_nsec));
	CHECK(a.tv_nsec >= 0 && a.tv_nsec < 1000000000);
}

CASE(clock_gettime_realtime_tracks_host)
{
	struct timespec k, h;

	EQ(sys_clock_gettime(CLOCK_REALTIME, &k), 0);
	clock_gettime(CLOCK_REALTIME, &h);
	CHECK(k.tv_sec >= h.tv_sec - 2 && k.tv_sec <= h.tv_sec + 2);
}

CASE(clock_gettime_boottime_not_behind_monotonic)
{
	struct timespec m, b;

	EQ(sys_clock_gettime(CLOCK_MONOTONIC, &m), 0);
	EQ(sys_clock_gettime(CLOCK_BOOTTIME, &b), 0);
	CHECK(b.tv_sec > m.tv_sec || (b.tv_sec == m.tv_sec && b.tv_nsec >= m.tv_nsec));
}

CASE(clock_gettime_bad_clock)
{
	struct timespec ts;

	ERR(sys_clock_gettime(99, &ts), -EINVAL);
	ERR(sys_clock_gettime(-100, &ts), -EINVAL);
}

CASE(clock_gettime_efault)
{
	ERR(sys_clock_gettime(CLOCK_MONOTONIC, BADPTR), -EFAULT);
	ERR(sys_clock_gettime(CLOCK_REALTIME, NULL), -EFAULT);
}

CASE(clock_getres_monotonic)
{
	struct timespec ts = {9, 9};

	EQ(sys_clock_getres(CLOCK_MONOTONIC, &ts), 0);
	EQ(ts.tv_sec, 0);
	EQ(ts.tv_nsec, 1);
	EQ(sys_clock_getres(CLOCK_REALTIME, &ts), 0);
	EQ(ts.tv_nsec, 1);
	EQ(sys_clock_getres(CLOCK_MONOTONIC, NULL), 0);
	ERR(sys_clock_getres(99, &ts), -EINVAL);
}

CASE(nanosleep_sleeps)
{
	struct timespec req = {0, 20 * 1000000}, rem = {7, 7};
	long long start = dual_now_ms();

	EQ(sys_nanosleep(&req, &rem), 0);
	CHECK(dual_now_ms() - start >= 19);
}

CASE(nanosleep_zero)
{
	struct timespec req = {0, 0};

	EQ(sys_nanosleep(&req, NULL), 0);
}

CASE(nanosleep_invalid)
{
	struct timespec req = {0, 1000000000};

	ERR(sys_nanosleep(&req, NULL), -EINVAL);
	req = (struct timespec){-1, 0};
	ERR(sys_nanosleep(&req, NULL), -EINVAL);
	req = (struct timespec){0, -1};
	ERR(sys_nanosleep(&req, NULL), -EINVAL);
}

CASE(nanosleep_efault)
{
	ERR(sys_nanosleep(BADPTR, NULL), -EFAULT);
	ERR(sys_nanosleep(NULL, NULL), -EFAULT);
}

CASE(clock_nanosleep_abstime_past)
{
	struct timespec t;
	long long start = dual_now_ms();

	/* Read before the call: already passed when it runs, on any uptime. */
	OK(sys_clock_gettime(CLOCK_MONOTONIC, &t));
	EQ(sys_clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL), 0);
	OK(sys_clock_gettime(CLOCK_REALTIME, &t));
	EQ(sys_clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &t, NULL), 0);
	CHECK(dual_now_ms() - start < 1000);
}

CASE(clock_nanosleep_abstime_zero)
{
	struct timespec t = {0, 0};
	long long start = dual_now_ms();

	EQ(sys_clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL), 0);
	EQ(sys_clock_nanosleep(CLOCK_BOOTTIME, TIMER_ABSTIME, &t, NULL), 0);
	EQ(sys_clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &t, NULL), 0);
	CHECK(dual_now_ms() - start < 1000);
}

CASE(clock_nanosleep_abstime_future)
{
	struct timespec t, now;

	OK(sys_clock_gettime(CLOCK_MONOTONIC, &t));
	t.tv_nsec += 20 * 1000000;
	if (t.tv_nsec >= 1000000000) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000;
	}
	EQ(sys_clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL), 0);
	OK(sys_clock_gettime(CLOCK_MONOTONIC, &now));
	CHECK(now.tv_sec > t.tv_sec || (now.tv_sec == t.tv_sec && now.tv_nsec >= t.tv_nsec));
}

CASE(clock_nanosleep_bad_clock)
{
	struct timespec t = {0, 1000};

	ERR(sys_clock_nanosleep(99, 0, &t, NULL), -EINVAL);
}

CASE(clock_nanosleep_thread_cputime)
{
	struct timespec t = {0, 1000};

	ERR(sys_clock_nanosleep(CLOCK_THREAD_CPUTIME_ID, 0, &t, NULL), -EOPNOTSUPP);
}

CASE(clock_nanosleep_bad_time)
{
	struct timespec t = {0, 1000000000};

	ERR(sys_clock_nanosleep(CLOCK_MONOTONIC, 0, &t, NULL), -EINVAL);
}

CASE(clock_nanosleep_efault)
{
	ERR(sys_clock_nanosleep(CLOCK_MONOTONIC, 0, BADPTR, NULL), -EFAULT);
}

/* Never sets the host's clock: every call here fails. */
/* Never sets the host's clock: every call here fails. */
CASE(clock_settime_einval)
{
	struct timespec t;

	OK(sys_clock_gettime(CLOCK_MONOTONIC, &t));
	ERR(sys_clock_settime(CLOCK_MONOTONIC, &t), -EINVAL);
	ERR(sys_clock_settime(99, &t), -EINVAL);
	OK(sys_clock_gettime(CLOCK_REALTIME, &t));
	t.tv_nsec = 1000000000;
	ERR(sys_clock_settime(CLOCK_REALTIME, &t), -EINVAL);
}

CASE(clock_settime_unprivileged_eperm)
{
	struct timespec t;

	OK(sys_clock_gettime(CLOCK_REALTIME, &t));
	dual_become(1000, 1000);
	ERR(sys_clock_settime(CLOCK_REALTIME, &t), -EPERM);
	dual_unbecome();
}
