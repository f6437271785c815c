/*
 * Compiles the public headers together with the host's libc headers: no
 * name in include/ may clash with them. Build as C (also -std=c99
 * -pedantic) and as C++. When run on an x86-64 host it also compares
 * values that x86-64 shares with asm-generic against the host's headers,
 * and prints "N passed, N failed".
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <errno.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/epoll.h>

#include <lkl.h>
#include <lkl_host.h>

static int passed, failed;

static void check(const char *what, long long got, long long want)
{
	if (got == want) {
		passed++;
		return;
	}
	failed++;
	printf("FAIL %s: got %lld, want %lld\n", what, got, want);
}

#define SAME(lkl, host) check(#lkl, (long long)(lkl), (long long)(host))

/* Uses of the renamed types and members, so the compiler sees them. */
static long use_types(void)
{
	struct lkl_stat st;
	struct lkl_timespec ts;
	struct lkl_sockaddr_in sin;
	struct lkl_linux_dirent64 *de = NULL;
	struct lkl_host_operations ops;
	lkl_umode_t mode = LKL_S_IFREG | 0644;
	lkl_loff_t off = 0;
	__lkl__kernel_pid_t pid = 0;

	memset(&st, 0, sizeof(st));
	memset(&ops, 0, sizeof(ops));
	memset(&sin, 0, sizeof(sin));
	st.lkl_st_atime = 1;
	st.lkl_st_mtime = 2;
	st.lkl_st_ctime = 3;
	sin.sin_addr.lkl_s_addr = 0;
	ts.tv_sec = 0;
	ts.tv_nsec = 0;
	ops.version = LKL_HOST_OPS_VERSION;
	(void)de;
	return (long)mode + (long)off + pid + (long)ts.tv_sec + (long)st.lkl_st_atime +
	       (long)sin.sin_addr.lkl_s_addr + (long)ops.version + __lkl__NR_openat +
	       _LKL_NSIG + LKL_AT_FDCWD + LKL_O_RDWR + LKL_SEEK_CUR + LKL_ENOENT;
}

int main(void)
{
	if (use_types() == 0)
		return 2;
	/* Host-device structs keep LKL's 64-bit layout. */
	SAME(offsetof(struct lkl_disk, fd), 8);
	SAME(offsetof(struct lkl_disk, handle), 8);
	SAME(offsetof(struct lkl_disk, ops), 16);
	SAME(sizeof(struct lkl_disk), 24);
	SAME(offsetof(struct lkl_blk_req, sector), 8);
	SAME(offsetof(struct lkl_blk_req, buf), 16);
	SAME(offsetof(struct lkl_blk_req, count), 24);
	SAME(sizeof(struct lkl_blk_req), 32);
	SAME(offsetof(struct lkl_netdev, id), 8);
	SAME(sizeof(struct lkl_netdev), 16);
	SAME(sizeof(struct lkl_jmp_buf), 128 * sizeof(long));
	SAME(offsetof(struct lkl_host_operations, pci_ops), 42 * sizeof(void *));
	SAME(offsetof(struct lkl_host_operations, version), 43 * sizeof(void *));
#if defined(__x86_64__)
	SAME(LKL_O_RDONLY, O_RDONLY);
	SAME(LKL_O_WRONLY, O_WRONLY);
	SAME(LKL_O_RDWR, O_RDWR);
	SAME(LKL_O_CREAT, O_CREAT);
	SAME(LKL_O_EXCL, O_EXCL);
	SAME(LKL_O_NOCTTY, O_NOCTTY);
	SAME(LKL_O_TRUNC, O_TRUNC);
	SAME(LKL_O_APPEND, O_APPEND);
	SAME(LKL_O_NONBLOCK, O_NONBLOCK);
	SAME(LKL_O_DSYNC, O_DSYNC);
	SAME(LKL_O_SYNC, O_SYNC);
	SAME(LKL_O_CLOEXEC, O_CLOEXEC);
	SAME(LKL_O_DIRECTORY, O_DIRECTORY);
	SAME(LKL_O_NOFOLLOW, O_NOFOLLOW);
	SAME(LKL_F_GETFD, F_GETFD);
	SAME(LKL_F_SETFL, F_SETFL);
	SAME(LKL_F_GETLK, F_GETLK);
	SAME(LKL_F_DUPFD_CLOEXEC, F_DUPFD_CLOEXEC);
	SAME(LKL_FD_CLOEXEC, FD_CLOEXEC);
	SAME(LKL_AT_FDCWD, AT_FDCWD);
	SAME(LKL_AT_SYMLINK_NOFOLLOW, AT_SYMLINK_NOFOLLOW);
	SAME(LKL_AT_REMOVEDIR, AT_REMOVEDIR);
	SAME(LKL_AT_EMPTY_PATH, AT_EMPTY_PATH);
	SAME(LKL_S_IFMT, S_IFMT);
	SAME(LKL_S_IFDIR, S_IFDIR);
	SAME(LKL_S_IFREG, S_IFREG);
	SAME(LKL_S_IFLNK, S_IFLNK);
	SAME(LKL_S_ISVTX, S_ISVTX);
	SAME(LKL_SEEK_SET, SEEK_SET);
	SAME(LKL_SEEK_CUR, SEEK_CUR);
	SAME(LKL_SEEK_END, SEEK_END);
	SAME(LKL_EPERM, EPERM);
	SAME(LKL_ENOENT, ENOENT);
	SAME(LKL_EAGAIN, EAGAIN);
	SAME(LKL_EWOULDBLOCK, EWOULDBLOCK);
	SAME(LKL_EINVAL, EINVAL);
	SAME(LKL_ENOSYS, ENOSYS);
	SAME(LKL_ELOOP, ELOOP);
	SAME(LKL_EDEADLOCK, EDEADLOCK);
	SAME(LKL_ENOTSUP, ENOTSUP);
	SAME(LKL_EOPNOTSUPP, EOPNOTSUPP);
	SAME(LKL_ETIMEDOUT, ETIMEDOUT);
	SAME(LKL_EHWPOISON, EHWPOISON);
	SAME(LKL_POLLIN, POLLIN);
	SAME(LKL_POLLOUT, POLLOUT);
	SAME(LKL_POLLHUP, POLLHUP);
	SAME(LKL_POLLNVAL, POLLNVAL);
	SAME(LKL_EPOLLIN, EPOLLIN);
	SAME(LKL_EPOLLET, EPOLLET);
	SAME(LKL_EPOLLONESHOT, EPOLLONESHOT);
	SAME(LKL_EPOLL_CTL_ADD, EPOLL_CTL_ADD);
	SAME(LKL_EPOLL_CLOEXEC, EPOLL_CLOEXEC);
	SAME(LKL_AF_INET, AF_INET);
	SAME(LKL_AF_UNIX, AF_UNIX);
	SAME(LKL_SOCK_STREAM, SOCK_STREAM);
	SAME(LKL_SOCK_CLOEXEC, SOCK_CLOEXEC);
	SAME(LKL_SOL_SOCKET, SOL_SOCKET);
	SAME(LKL_SO_REUSEADDR, SO_REUSEADDR);
	SAME(LKL_MSG_NOSIGNAL, MSG_NOSIGNAL);
	SAME(LKL_IPPROTO_TCP, IPPROTO_TCP);
	SAME(sizeof(struct lkl_epoll_event), sizeof(struct epoll_event));
	SAME(sizeof(struct lkl_pollfd), sizeof(struct pollfd));
	SAME(sizeof(struct lkl_sockaddr_in), sizeof(struct sockaddr_in));
	SAME(sizeof(struct lkl_timespec), sizeof(struct timespec));
#endif
	printf("%d passed, %d failed\n", passed, failed);
	return failed != 0;
}
