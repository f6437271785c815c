/*
 * The boot flow every LKL program goes through, checked value by value:
 * host ops, boot, the first syscalls of a fresh kernel (fd 0 first, umask
 * 022, pid 1), files, directories, nanosleep, pipes, epoll, procfs,
 * blocking calls from several host threads, short-lived threads and new
 * thread groups, halt.
 */
#define _GNU_SOURCE
#include <time.h>
#include <unistd.h>

#include <lkl.h>
#include <lkl_host.h>

#include "test.h"

static char console[65536];
static size_t console_len;

static void capture(const char *str, int len)
{
	if (console_len + (size_t)len < sizeof(console)) {
		memcpy(console + console_len, str, len);
		console_len += len;
	}
}

static void empty(void *arg) { (void)arg; }

static void test_host_ops(void)
{
	struct lkl_mutex *m = lkl_host_ops.mutex_alloc(0);
	struct lkl_sem *s;
	lkl_thread_t t;

	lkl_host_ops.mutex_lock(m);
	lkl_host_ops.mutex_unlock(m);
	lkl_host_ops.mutex_free(m);
	m = lkl_host_ops.mutex_alloc(1);
	lkl_host_ops.mutex_lock(m);
	lkl_host_ops.mutex_lock(m);
	lkl_host_ops.mutex_unlock(m);
	lkl_host_ops.mutex_unlock(m);
	lkl_host_ops.mutex_free(m);
	CHECK("mutex", 1, " ");
	s = lkl_host_ops.sem_alloc(1);
	lkl_host_ops.sem_down(s);
	lkl_host_ops.sem_up(s);
	lkl_host_ops.sem_free(s);
	CHECK("semaphore", 1, " ");
	t = lkl_host_ops.thread_create(empty, NULL);
	CHECK("thread_create", t != 0, "0");
	CHECK_EQ("thread_join", lkl_host_ops.thread_join(t), 0);
}

static int pipe_fds[2];

static void reader(void *arg)
{
	char buf[LKL_PIPE_BUF + 1];
	long total = 0, n;

	(void)arg;
	while (total < (long)sizeof(buf)) {
		n = lkl_sys_read(pipe_fds[0], buf, sizeof(buf) - total);
		if (n <= 0)
			break;
		total += n;
	}
}

static void getpid_thread(void *arg)
{
	long *out = arg;

	*out = lkl_sys_getpid();
}

struct tgid_result {
	long ret, pid, ppid;
};

static void tgid_thread(void *arg)
{
	struct tgid_result *r = arg;

	r->ret = lkl_sys_new_thread_group_leader();
	r->pid = lkl_sys_getpid();
	r->ppid = lkl_sys_getppid();
}

static long elapsed_ns(struct timespec *a, struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) * 1000000000L + (b->tv_nsec - a->tv_nsec);
}

int main(void)
{
	struct lkl_stat st;
	char buf[1024];
	long fd, dirfd, ret, i;
	struct __lkl__kernel_timespec req = { 0, 87654321 };
	struct timespec t0, t1;
	struct lkl_epoll_event ev;

	lkl_host_ops.print = capture;
	test_host_ops();
	CHECK_EQ("lkl_init", lkl_init(&lkl_host_ops), 0);
	CHECK_EQ("start_kernel", lkl_start_kernel("mem=32M loglevel=8"), 0);
	CHECK("boot log", strstr(console, "Linux version 6.6.0-liblinux") != NULL, "console: %.200s", console);
	CHECK("boot log mem", strstr(console, "Memory: 32768K/32768K available") != NULL, "console: %.300s", console);
	CHECK_EQ("is_running", lkl_is_running(), 1);
	CHECK_EQ("getpid", lkl_sys_getpid(), 1);
	CHECK_EQ("getppid", lkl_sys_getppid(), 0);
	CHECK_EQ("umask", lkl_sys_umask(0777), 022);
	CHECK_EQ("umask2", lkl_sys_umask(0), 0777);
	CHECK_EQ("creat", lkl_sys_creat("/file", 0721), 0);
	CHECK_EQ("close", lkl_sys_close(0), 0);
	CHECK_EQ("failopen", lkl_sys_open("/file2", 0, 0), -LKL_ENOENT);
	CHECK_EQ("open", lkl_sys_open("/file", LKL_O_RDWR, 0), 0);
	CHECK_EQ("write", lkl_sys_write(0, "test", 5), 5);
	CHECK_EQ("lseek_cur", lkl_sys_lseek(0, 0, LKL_SEEK_CUR), 5);
	CHECK_EQ("lseek_end", lkl_sys_lseek(0, 0, LKL_SEEK_END), 5);
	CHECK_EQ("lseek_set", lkl_sys_lseek(0, 0, LKL_SEEK_SET), 0);
	memset(buf, 0, sizeof(buf));
	CHECK_EQ("read", lkl_sys_read(0, buf, 10), 5);
	CHECK("read data", strcmp(buf, "test") == 0, "got %s", buf);
	CHECK_EQ("fstat", lkl_sys_fstat(0, &st), 0);
	CHECK_EQ("fstat size", st.st_size, 5);
	CHECK_EQ("fstat mode", st.st_mode, 0721 | LKL_S_IFREG);
	CHECK_EQ("fstat nlink", st.st_nlink, 1);
	CHECK_EQ("mkdir", lkl_sys_mkdir("/mnt", 0721), 0);
	CHECK_EQ("stat", lkl_sys_stat("/mnt", &st), 0);
	CHECK_EQ("stat mode", st.st_mode, 0721 | LKL_S_IFDIR);
	CHECK_EQ("stat nlink", st.st_nlink, 2);
	CHECK_EQ("mkdir exists", lkl_sys_mkdir("/mnt", 0700), -LKL_EEXIST);
	CHECK_EQ("stat /init", lkl_sys_stat("/init", &st), 0);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK_EQ("nanosleep", lkl_sys_nanosleep(&req, NULL), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	CHECK("nanosleep duration", elapsed_ns(&t0, &t1) >= 87654321L * 9 / 10, "slept %ld ns", elapsed_ns(&t0, &t1));

	CHECK_EQ("pipe2", lkl_sys_pipe2(pipe_fds, LKL_O_NONBLOCK), 0);
	CHECK_EQ("pipe fds", pipe_fds[0] * 10 + pipe_fds[1], 12);
	CHECK_EQ("pipe write", lkl_sys_write(pipe_fds[1], "Hello world!", 13), 13);
	memset(buf, 0, sizeof(buf));
	CHECK_EQ("pipe read", lkl_sys_read(pipe_fds[0], buf, 13), 13);
	CHECK("pipe data", strcmp(buf, "Hello world!") == 0, "got %s", buf);
	CHECK_EQ("pipe empty nonblock", lkl_sys_read(pipe_fds[0], buf, 13), -LKL_EAGAIN);

	fd = lkl_sys_epoll_create(1);
	CHECK("epoll_create", fd >= 0, "ret %ld", fd);
	ev.events = LKL_POLLIN | LKL_POLLOUT;
	ev.data = pipe_fds[0];
	CHECK_EQ("epoll_ctl", lkl_sys_epoll_ctl(fd, LKL_EPOLL_CTL_ADD, pipe_fds[0], &ev), 0);
	CHECK_EQ("epoll_wait empty", lkl_sys_epoll_wait(fd, &ev, 1, 0), 0);
	CHECK_EQ("pipe write 2", lkl_sys_write(pipe_fds[1], "x", 1), 1);
	CHECK_EQ("epoll_wait ready", lkl_sys_epoll_wait(fd, &ev, 1, 0), 1);
	CHECK_EQ("epoll event", ev.events, LKL_POLLIN);
	CHECK_EQ("epoll data", ev.data, pipe_fds[0]);
	CHECK_EQ("close epoll", lkl_sys_close(fd), 0);
	CHECK_EQ("close pipe r", lkl_sys_close(pipe_fds[0]), 0);
	CHECK_EQ("close pipe w", lkl_sys_close(pipe_fds[1]), 0);

	CHECK_EQ("mount_fs proc", lkl_mount_fs("proc"), 0);
	CHECK_EQ("chdir proc", lkl_sys_chdir("proc"), 0);
	dirfd = lkl_sys_open(".", LKL_O_RDONLY | LKL_O_DIRECTORY, 0);
	CHECK("open cwd", dirfd >= 0, "ret %ld", dirfd);
	ret = lkl_sys_getdents64(dirfd, (struct lkl_linux_dirent64 *)buf, sizeof(buf));
	CHECK("getdents64", ret > 0, "ret %ld", ret);
	{
		int seen_self = 0, seen_one = 0, seen_dot = 0;
		long off = 0;

		while (off < ret) {
			struct lkl_linux_dirent64 *d = (void *)(buf + off);

			seen_self |= strcmp(d->d_name, "self") == 0;
			seen_one |= strcmp(d->d_name, "1") == 0 && d->d_type == LKL_DT_DIR;
			seen_dot |= strcmp(d->d_name, ".") == 0;
			off += d->d_reclen;
		}
		CHECK("proc lists self, 1 and .", seen_self && seen_one && seen_dot, "%d %d %d", seen_self, seen_one, seen_dot);
	}
	CHECK_EQ("close dir", lkl_sys_close(dirfd), 0);
	memset(buf, 0, sizeof(buf));
	CHECK_EQ("readlink /proc/self", lkl_sys_readlink("/proc/self", buf, sizeof(buf)), 1);
	CHECK("readlink /proc/self value", strcmp(buf, "1") == 0, "got %s", buf);
	CHECK_EQ("chdir root", lkl_sys_chdir("/"), 0);
	CHECK_EQ("umount proc", lkl_umount_timeout("proc", 0, 1000), 0);

	CHECK_EQ("pipe2 blocking", lkl_sys_pipe2(pipe_fds, 0), 0);
	CHECK_EQ("F_SETPIPE_SZ", lkl_sys_fcntl(pipe_fds[0], LKL_F_SETPIPE_SZ, 1), 4096);
	{
		char big[LKL_PIPE_BUF + 1];
		lkl_thread_t t = lkl_host_ops.thread_create(reader, NULL);

		memset(big, 'a', sizeof(big));
		CHECK_EQ("blocking write completes", lkl_sys_write(pipe_fds[1], big, sizeof(big)), sizeof(big));
		CHECK_EQ("reader joined", lkl_host_ops.thread_join(t), 0);
	}
	lkl_sys_close(pipe_fds[0]);
	lkl_sys_close(pipe_fds[1]);

	for (i = 0; i < 64; i++) {
		long pid = -1;
		lkl_thread_t t = lkl_host_ops.thread_create(getpid_thread, &pid);

		if (lkl_host_ops.thread_join(t) != 0 || pid != 1)
			break;
	}
	CHECK_EQ("many syscall threads", i, 64);
	{
		struct lkl_sysinfo si;

		CHECK_EQ("sysinfo", lkl_sys_sysinfo(&si), 0);
		CHECK_EQ("no task leaked", si.procs, 1);
	}
	for (i = 0; i < 64; i++) {
		struct tgid_result r = { -1, -1, -1 };
		lkl_thread_t t = lkl_host_ops.thread_create(tgid_thread, &r);

		if (lkl_host_ops.thread_join(t) != 0 || r.ret != 0 || r.pid == 1 || r.ppid != 1)
			break;
	}
	CHECK_EQ("new thread group leaders", i, 64);

	CHECK_EQ("halt", lkl_sys_halt(), 0);
	CHECK_EQ("is_running after halt", lkl_is_running(), 0);
	CHECK_EQ("syscall after halt", lkl_sys_getpid(), -LKL_ESHUTDOWN);
	lkl_cleanup();
	return test_done();
}
