/*
 * F_GETFL of every kind of descriptor (what open keeps of its flags;
 * O_LARGEFILE, which a 64-bit kernel forces on every open of a path and
 * on nothing else) and F_SETFL's O_ASYNC.
 */
#include "dual.h"

static long getfl(int fd) { return sys_fcntl(fd, F_GETFL, 0); }

CASE(getfl_open_keeps_status_flags)
{
	mkfile("f", "");
	EQ(sys_openat(AT_FDCWD, "f", O_RDWR | O_NONBLOCK | O_SYNC | O_NOATIME | O_NOFOLLOW, 0), 3);
	EQ(getfl(3), O_RDWR | O_NONBLOCK | O_SYNC | O_NOATIME | O_NOFOLLOW | KO_LARGEFILE);
	EQ(sys_openat(AT_FDCWD, "f", O_WRONLY | O_DSYNC | O_ASYNC | O_APPEND, 0), 4);
	EQ(getfl(4), O_WRONLY | O_DSYNC | O_ASYNC | O_APPEND | KO_LARGEFILE);
	EQ(sys_openat(AT_FDCWD, "f", O_RDONLY | KO_LARGEFILE, 0), 5);
	EQ(getfl(5), O_RDONLY | KO_LARGEFILE);
}

CASE(getfl_open_direct)
{
	mkfile("f", "");
	EQ(sys_openat(AT_FDCWD, "f", O_RDWR | O_DIRECT, 0), 3);
	EQ(getfl(3), O_RDWR | O_DIRECT | KO_LARGEFILE);
}

CASE(getfl_directory)
{
	mkdir_p("d");
	EQ(sys_openat(AT_FDCWD, "d", O_RDONLY | O_DIRECTORY, 0), 3);
	EQ(getfl(3), O_RDONLY | O_DIRECTORY | KO_LARGEFILE);
	EQ(sys_openat(AT_FDCWD, "d", O_RDONLY | O_NONBLOCK, 0), 4);
	EQ(getfl(4), O_RDONLY | O_NONBLOCK | KO_LARGEFILE);
}

CASE(getfl_tmpfile)
{
	mkdir_p("d");
	EQ(sys_openat(AT_FDCWD, "d", O_TMPFILE | O_RDWR, 0600), 3);
	EQ(getfl(3), O_TMPFILE | O_RDWR | KO_LARGEFILE);
}

CASE(getfl_o_path_keeps_only_path_flags)
{
	mkfile("f", "");
	mkdir_p("d");
	EQ(sys_symlinkat("f", AT_FDCWD, "l"), 0);
	EQ(sys_openat(AT_FDCWD, "f", O_PATH | O_RDWR | O_NONBLOCK | O_APPEND | O_SYNC, 0), 3);
	EQ(getfl(3), O_PATH);
	EQ(sys_openat(AT_FDCWD, "d", O_PATH | O_DIRECTORY, 0), 4);
	EQ(getfl(4), O_PATH | O_DIRECTORY);
	EQ(sys_openat(AT_FDCWD, "l", O_PATH | O_NOFOLLOW, 0), 5);
	EQ(getfl(5), O_PATH | O_NOFOLLOW);
}

CASE(getfl_openat2)
{
	struct open_how how = {.flags = O_RDWR | O_APPEND};

	mkfile("f", "");
	EQ(sys_openat2(AT_FDCWD, "f", &how, sizeof(how)), 3);
	EQ(getfl(3), O_RDWR | O_APPEND | KO_LARGEFILE);
	how.flags = O_PATH;
	EQ(sys_openat2(AT_FDCWD, "f", &how, sizeof(how)), 4);
	EQ(getfl(4), O_PATH);
}

CASE(getfl_devices_and_fifos)
{
	EQ(sys_openat(AT_FDCWD, "/dev/null", O_RDWR, 0), 3);
	EQ(getfl(3), O_RDWR | KO_LARGEFILE);
	EQ(sys_mknodat(AT_FDCWD, "fifo", S_IFIFO | 0644, 0), 0);
	EQ(sys_openat(AT_FDCWD, "fifo", O_RDONLY | O_NONBLOCK, 0), 4);
	EQ(getfl(4), O_RDONLY | O_NONBLOCK | KO_LARGEFILE);
	EQ(sys_openat(AT_FDCWD, "fifo", O_RDWR, 0), 5);
	EQ(getfl(5), O_RDWR | KO_LARGEFILE);
}

CASE(getfl_anonymous_files_not_largefile)
{
	int p[2];

	EQ(sys_epoll_create1(EPOLL_CLOEXEC), 3);
	EQ(getfl(3), O_RDWR);
	EQ(sys_eventfd2(0, EFD_SEMAPHORE), 4);
	EQ(getfl(4), O_RDWR);
	EQ(sys_timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK), 5);
	EQ(getfl(5), O_RDWR | O_NONBLOCK);
	OK(sys_pipe2(p, O_DIRECT));
	EQ(getfl(p[0]), O_RDONLY);
	EQ(getfl(p[1]), O_WRONLY | O_DIRECT);
	/* memfd is a file on an internal tmpfs: opened large. */
	EQ(sys_memfd_create("m", 0), 8);
	EQ(getfl(8), O_RDWR | KO_LARGEFILE);
}

CASE(getfl_setfl_keeps_largefile_and_access)
{
	mkfile("f", "");
	EQ(sys_openat(AT_FDCWD, "f", O_WRONLY, 0), 3);
	EQ(sys_fcntl(3, F_SETFL, O_NONBLOCK | O_APPEND | O_NOATIME | O_DIRECT), 0);
	EQ(getfl(3), O_WRONLY | O_NONBLOCK | O_APPEND | O_NOATIME | O_DIRECT | KO_LARGEFILE);
	EQ(sys_fcntl(3, F_SETFL, 0), 0);
	EQ(getfl(3), O_WRONLY | KO_LARGEFILE);
	EQ(sys_eventfd2(0, 0), 4);
	EQ(sys_fcntl(4, F_SETFL, O_NONBLOCK | KO_LARGEFILE), 0);
	EQ(getfl(4), O_RDWR | O_NONBLOCK);
}

/* F_SETFL changes O_ASYNC only on files that can signal (Linux's fasync). */

CASE(setfl_async_regular_file_unchanged)
{
	mkfile("f", "");
	EQ(sys_openat(AT_FDCWD, "f", O_RDWR, 0), 3);
	EQ(sys_fcntl(3, F_SETFL, O_ASYNC), 0);
	EQ(getfl(3), O_RDWR | KO_LARGEFILE);
	EQ(sys_openat(AT_FDCWD, "f", O_RDWR | O_ASYNC, 0), 4);
	EQ(sys_fcntl(4, F_SETFL, 0), 0);
	EQ(getfl(4), O_RDWR | O_ASYNC | KO_LARGEFILE);
}

CASE(setfl_async_anonymous_and_null_unchanged)
{
	EQ(sys_eventfd2(0, 0), 3);
	EQ(sys_fcntl(3, F_SETFL, O_ASYNC), 0);
	EQ(getfl(3), O_RDWR);
	EQ(sys_epoll_create1(0), 4);
	EQ(sys_fcntl(4, F_SETFL, O_ASYNC), 0);
	EQ(getfl(4), O_RDWR);
	EQ(sys_openat(AT_FDCWD, "/dev/null", O_RDWR, 0), 5);
	EQ(sys_fcntl(5, F_SETFL, O_ASYNC), 0);
	EQ(getfl(5), O_RDWR | KO_LARGEFILE);
}

CASE(setfl_async_pipe_fifo_urandom)
{
	int p[2];

	OK(sys_pipe2(p, 0));
	EQ(sys_fcntl(p[0], F_SETFL, O_ASYNC), 0);
	EQ(getfl(p[0]), O_RDONLY | O_ASYNC);
	EQ(sys_fcntl(p[0], F_SETFL, 0), 0);
	EQ(getfl(p[0]), O_RDONLY);
	EQ(sys_mknodat(AT_FDCWD, "fifo", S_IFIFO | 0644, 0), 0);
	EQ(sys_openat(AT_FDCWD, "fifo", O_RDWR, 0), 5);
	EQ(sys_fcntl(5, F_SETFL, O_ASYNC), 0);
	EQ(getfl(5), O_RDWR | O_ASYNC | KO_LARGEFILE);
	EQ(sys_openat(AT_FDCWD, "/dev/urandom", O_RDONLY, 0), 6);
	EQ(sys_fcntl(6, F_SETFL, O_ASYNC), 0);
	EQ(getfl(6), O_RDONLY | O_ASYNC | KO_LARGEFILE);
}

/* O_DIRECT is taken only by files whose filesystem or driver can do
 * direct I/O: regular files (tmpfs, ext4), pipes, block devices. open(2)
 * checks after the open; F_SETFL checks too, but takes it on an open FIFO,
 * which is a pipe by then. */
CASE(open_direct_refused_where_unsupported)
{
	mkdir_p("d");
	EQ(sys_mknodat(AT_FDCWD, "p", S_IFIFO | 0600, 0), 0);
	ERR(sys_openat(AT_FDCWD, "d", O_RDONLY | O_DIRECT, 0), -EINVAL);
	ERR(sys_openat(AT_FDCWD, "/dev/null", O_WRONLY | O_DIRECT, 0), -EINVAL);
	ERR(sys_openat(AT_FDCWD, "p", O_RDONLY | O_NONBLOCK | O_DIRECT, 0), -EINVAL);
	/* A FIFO with no reader refuses a non-blocking writer first. */
	ERR(sys_openat(AT_FDCWD, "p", O_WRONLY | O_NONBLOCK | O_DIRECT, 0), -ENXIO);
	/* O_PATH ignores it. */
	EQ(sys_openat(AT_FDCWD, "d", O_PATH | O_DIRECT, 0), 3);
	EQ(getfl(3), O_PATH);
}

CASE(setfl_direct_refused_where_unsupported)
{
	mkdir_p("d");
	EQ(sys_mknodat(AT_FDCWD, "p", S_IFIFO | 0600, 0), 0);
	EQ(sys_openat(AT_FDCWD, "d", O_RDONLY, 0), 3);
	ERR(sys_fcntl(3, F_SETFL, O_DIRECT), -EINVAL);
	EQ(getfl(3), O_RDONLY | KO_LARGEFILE);
	EQ(sys_openat(AT_FDCWD, "/dev/null", O_RDONLY, 0), 4);
	ERR(sys_fcntl(4, F_SETFL, O_DIRECT), -EINVAL);
	EQ(sys_openat(AT_FDCWD, "p", O_RDONLY | O_NONBLOCK, 0), 5);
	EQ(sys_fcntl(5, F_SETFL, O_DIRECT | O_NONBLOCK), 0);
	EQ(getfl(5), O_RDONLY | O_NONBLOCK | O_DIRECT | KO_LARGEFILE);
}
