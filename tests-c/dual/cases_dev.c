/* The memory devices: /dev/null, /dev/zero, /dev/full, /dev/urandom. */
#include "dual.h"

static int opendev(const char *path)
{
	return OK(sys_openat(AT_FDCWD, path, O_RDWR, 0));
}

/* What null and zero swallow is never read: any buffer will do. */

CASE(dev_null_write_null_buffer)
{
	EQ(opendev("/dev/null"), 3);
	EQ(sys_write(3, NULL, 10), 10);
	EQ(sys_pwrite64(3, NULL, 10, 5), 10);
}

CASE(dev_null_write_bad_buffer)
{
	EQ(opendev("/dev/null"), 3);
	EQ(sys_write(3, BADPTR, 10), 10);
}

CASE(dev_null_writev_bad_buffers)
{
	struct iovec iov[2] = {{NULL, 10}, {BADPTR, 20}};

	EQ(opendev("/dev/null"), 3);
	EQ(sys_writev(3, iov, 2), 30);
}

CASE(dev_null_writev_bad_iovec_efault)
{
	EQ(opendev("/dev/null"), 3);
	ERR(sys_writev(3, BADPTR, 2), -EFAULT);
}

CASE(dev_null_write_capped_at_max_rw_count)
{
	EQ(opendev("/dev/null"), 3);
	EQ(sys_write(3, NULL, 0x7fffffff), 0x7ffff000);
	EQ(sys_write(3, NULL, 0x80000000UL), 0x7ffff000);
}

CASE(dev_null_read_null_buffer)
{
	EQ(opendev("/dev/null"), 3);
	EQ(sys_read(3, NULL, 10), 0);
	EQ(sys_read(3, BADPTR, 10), 0);
	EQ(sys_pread64(3, NULL, 10, 5), 0);
}

CASE(dev_zero_write_null_buffer)
{
	EQ(opendev("/dev/zero"), 3);
	EQ(sys_write(3, NULL, 10), 10);
	EQ(sys_write(3, BADPTR, 10), 10);
}

CASE(dev_zero_read_zero_length)
{
	EQ(opendev("/dev/zero"), 3);
	EQ(sys_read(3, NULL, 0), 0);
	EQ(sys_read(3, BADPTR, 0), 0);
}

CASE(dev_zero_read_null_efault)
{
	EQ(opendev("/dev/zero"), 3);
	ERR(sys_read(3, NULL, 10), -EFAULT);
	ERR(sys_read(3, BADPTR, 10), -EFAULT);
}

CASE(dev_zero_read_fills)
{
	char buf[16];

	memset(buf, 'x', sizeof(buf));
	EQ(opendev("/dev/zero"), 3);
	EQ(sys_read(3, buf, sizeof(buf)), 16);
	EQ_MEM(buf, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16);
}

CASE(dev_zero_readv_short_at_bad_buffer)
{
	char buf[8];
	struct iovec iov[2] = {{buf, 4}, {BADPTR, 20}};

	memset(buf, 'x', sizeof(buf));
	EQ(opendev("/dev/zero"), 3);
	EQ(sys_readv(3, iov, 2), 4);
	EQ_MEM(buf, "\0\0\0\0xxxx", 8);
}

CASE(dev_full_write_enospc)
{
	EQ(opendev("/dev/full"), 3);
	ERR(sys_write(3, "x", 1), -ENOSPC);
	ERR(sys_write(3, NULL, 0), -ENOSPC);
	ERR(sys_write(3, NULL, 10), -ENOSPC);
}

CASE(dev_full_read_null_efault)
{
	EQ(opendev("/dev/full"), 3);
	ERR(sys_read(3, NULL, 10), -EFAULT);
}

CASE(dev_urandom_null_buffer)
{
	EQ(opendev("/dev/urandom"), 3);
	EQ(sys_read(3, NULL, 0), 0);
	EQ(sys_write(3, NULL, 0), 0);
	ERR(sys_read(3, NULL, 10), -EFAULT);
	ERR(sys_write(3, NULL, 10), -EFAULT);
}

CASE(dev_mem_lseek_stays_at_zero)
{
	EQ(opendev("/dev/null"), 3);
	EQ(opendev("/dev/zero"), 4);
	EQ(opendev("/dev/full"), 5);
	EQ(opendev("/dev/urandom"), 6);
	EQ(sys_lseek(3, 5, SEEK_SET), 0);
	EQ(sys_lseek(4, 5, SEEK_CUR), 0);
	EQ(sys_lseek(5, 5, SEEK_END), 0);
	EQ(sys_lseek(6, 5, SEEK_SET), 0);
	ERR(sys_lseek(3, 0, 99), -EINVAL);
}
