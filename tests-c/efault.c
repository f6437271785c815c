/*
 * Bad pointers give -EFAULT and never take the process down: NULL, a
 * pointer into the first page, an unmapped page, a range that wraps.
 */
#define _GNU_SOURCE
#include <sys/mman.h>

#include <lkl.h>
#include <lkl_host.h>

#include "test.h"

static void quiet(const char *s, int n) { (void)s; (void)n; }

int main(void)
{
	char *hole;
	long fd;
	struct __lkl__kernel_timespec ts;

	/* An address where any access faults: a PROT_NONE page, kept mapped
	 * so nothing else can be placed there. */
	hole = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	lkl_host_ops.print = quiet;
	CHECK_EQ("init", lkl_init(&lkl_host_ops), 0);
	CHECK_EQ("start", lkl_start_kernel("mem=16M"), 0);
	fd = lkl_sys_open("/f", LKL_O_CREAT | LKL_O_RDWR, 0600);
	CHECK_EQ("open", fd, 0);
	CHECK_EQ("write data", lkl_sys_write(fd, "hello", 5), 5);
	CHECK_EQ("lseek", lkl_sys_lseek(fd, 0, LKL_SEEK_SET), 0);

	CHECK_EQ("open NULL path", lkl_sys_open(NULL, LKL_O_RDONLY, 0), -LKL_EFAULT);
	CHECK_EQ("open unmapped path", lkl_sys_open(hole, LKL_O_RDONLY, 0), -LKL_EFAULT);
	CHECK_EQ("read into NULL", lkl_sys_read(fd, NULL, 5), -LKL_EFAULT);
	CHECK_EQ("read into page 0", lkl_sys_read(fd, (void *)16, 5), -LKL_EFAULT);
	CHECK_EQ("read into unmapped", lkl_sys_read(fd, hole, 5), -LKL_EFAULT);
	CHECK_EQ("write from unmapped", lkl_sys_write(fd, hole, 5), -LKL_EFAULT);
	CHECK_EQ("write wrapping range", lkl_sys_write(fd, (void *)-16L, 64), -LKL_EFAULT);
	CHECK_EQ("fstat to NULL", lkl_sys_fstat(fd, NULL), -LKL_EFAULT);
	CHECK_EQ("fstat to unmapped", lkl_sys_fstat(fd, (void *)hole), -LKL_EFAULT);
	CHECK_EQ("stat NULL path", lkl_sys_stat(NULL, NULL), -LKL_EFAULT);
	CHECK_EQ("uname to unmapped", lkl_sys_newuname((void *)hole), -LKL_EFAULT);
	CHECK_EQ("clock_gettime to NULL", lkl_sys_clock_gettime(LKL_CLOCK_MONOTONIC, NULL), -LKL_EFAULT);
	CHECK_EQ("nanosleep from unmapped", lkl_sys_nanosleep((void *)hole, NULL), -LKL_EFAULT);
	CHECK_EQ("getdents64 to unmapped", lkl_sys_getdents64(lkl_sys_open("/", LKL_O_RDONLY | LKL_O_DIRECTORY, 0), (void *)hole, 4096), -LKL_EFAULT);
	CHECK_EQ("pipe2 to NULL", lkl_sys_pipe2(NULL, 0), -LKL_EFAULT);
	CHECK_EQ("lkl_syscall with NULL params", lkl_syscall(__lkl__NR_getpid, NULL), 1);
	CHECK_EQ("read bad fd", lkl_sys_read(1234, hole, 5), -LKL_EBADF);
	CHECK_EQ("unknown syscall", lkl_syscall(999, NULL), -LKL_ENOSYS);
	CHECK_EQ("unknown syscall (negative)", lkl_syscall(-1, NULL), -LKL_ENOSYS);
	CHECK_EQ("still alive", lkl_sys_clock_gettime(LKL_CLOCK_MONOTONIC, &ts), 0);
	CHECK_EQ("halt", lkl_sys_halt(), 0);
	lkl_cleanup();
	return test_done();
}
