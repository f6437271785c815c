/*
 * The liblinux demo: boot a kernel inside this process, make a few system
 * calls, print what they return, halt.
 */
#include <stdio.h>
#include <string.h>

#include <lkl.h>
#include <lkl_host.h>

int main(void)
{
	struct lkl_new_utsname u;
	struct __lkl__kernel_timespec ts;
	char buf[64];
	long fd, ret;

	if (lkl_init(&lkl_host_ops) < 0)
		return 1;
	ret = lkl_start_kernel("mem=64M loglevel=4");
	if (ret < 0) {
		fprintf(stderr, "lkl_start_kernel: %s\n", lkl_strerror(ret));
		return 1;
	}
	lkl_sys_newuname(&u);
	printf("uname: %s %s %s %s\n", u.sysname, u.nodename, u.release, u.machine);
	printf("getpid() = %ld, gettid() = %ld\n", lkl_sys_getpid(), lkl_sys_gettid());

	fd = lkl_sys_open("/hello.txt", LKL_O_CREAT | LKL_O_RDWR, 0644);
	printf("open(\"/hello.txt\") = %ld\n", fd);
	printf("write() = %ld\n", lkl_sys_write(fd, "hello, kernel\n", 14));
	lkl_sys_lseek(fd, 0, LKL_SEEK_SET);
	memset(buf, 0, sizeof(buf));
	printf("read() = %ld: %s", lkl_sys_read(fd, buf, sizeof(buf) - 1), buf);
	lkl_sys_close(fd);
	ret = lkl_sys_open("/missing", LKL_O_RDONLY, 0);
	printf("open(\"/missing\") = %ld (%s)\n", ret, lkl_strerror(ret));
	lkl_sys_clock_gettime(LKL_CLOCK_MONOTONIC, &ts);
	printf("uptime: %lld.%09lld s\n", (long long)ts.tv_sec, (long long)ts.tv_nsec);

	printf("halt: %ld\n", lkl_sys_halt());
	lkl_cleanup();
	return 0;
}
