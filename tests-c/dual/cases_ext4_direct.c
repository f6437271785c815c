/* O_DIRECT on ext4 files (iomap direct I/O): positions, lengths and
 * buffers aligned to the disk's 512-byte logical block size, or EINVAL
 * where the I/O reaches the disk; holes and the end of the file are
 * answered without it. Buffer alignment is the disk's own (the host's
 * loop device takes any buffer, liblinux's virtio-like disks want 512
 * bytes, as LKL's), so only positions and lengths are compared here.
 * Runs only in the ext4 mode. */
#include "dual.h"

static char buf[16384] __attribute__((aligned(4096)));

CASE(ext4_direct_aligned_read_write)
{
	long fd;

	fd = OK(sys_openat(AT_FDCWD, "f", O_CREAT | O_RDWR | O_DIRECT, 0644));
	memset(buf, 'x', 4096);
	EQ(sys_pwrite64((int)fd, buf, 4096, 0), 4096);
	memset(buf, 0, 4096);
	EQ(sys_pread64((int)fd, buf, 512, 512), 512);
	EQ(buf[0], 'x');
	sys_close((int)fd);
}

CASE(ext4_direct_misaligned_write_einval)
{
	long fd;

	fd = OK(sys_openat(AT_FDCWD, "f", O_CREAT | O_RDWR | O_DIRECT, 0644));
	ERR(sys_pwrite64((int)fd, buf, 100, 0), -EINVAL);
	ERR(sys_pwrite64((int)fd, buf, 512, 100), -EINVAL);
	EQ(fstat_of((int)fd).st_size, 0);
	sys_close((int)fd);
}

CASE(ext4_direct_misaligned_read_of_data_einval)
{
	long fd;

	fd = OK(sys_openat(AT_FDCWD, "f", O_CREAT | O_RDWR | O_DIRECT, 0644));
	memset(buf, 'x', 4096);
	OK(sys_pwrite64((int)fd, buf, 4096, 0));
	ERR(sys_pread64((int)fd, buf, 100, 0), -EINVAL);
	ERR(sys_pread64((int)fd, buf, 512, 100), -EINVAL);
	sys_close((int)fd);
}

CASE(ext4_direct_read_past_end_zero)
{
	long fd;

	fd = OK(sys_openat(AT_FDCWD, "f", O_CREAT | O_RDWR | O_DIRECT, 0644));
	EQ(sys_pread64((int)fd, buf + 1, 100, 3), 0);
	sys_close((int)fd);
}

CASE(ext4_direct_misaligned_read_of_hole)
{
	long fd;

	fd = OK(sys_openat(AT_FDCWD, "f", O_CREAT | O_RDWR | O_DIRECT, 0644));
	OK(sys_ftruncate((int)fd, 65536));
	memset(buf, 'y', 200);
	EQ(sys_pread64((int)fd, buf + 1, 100, 3), 100);
	EQ(buf[1], 0);
	sys_close((int)fd);
}

/* A read that crosses from a hole into data with a misaligned length
 * fails whole: EINVAL, not the part of the hole before the data. */
CASE(ext4_direct_hole_then_misaligned_data_einval)
{
	long fd;

	fd = OK(sys_openat(AT_FDCWD, "f", O_CREAT | O_RDWR | O_DIRECT, 0644));
	memset(buf, 'x', 4096);
	EQ(sys_pwrite64((int)fd, buf, 4096, 8192), 4096);
	OK(sys_fsync((int)fd));
	ERR(sys_pread64((int)fd, buf, 8192 + 100, 0), -EINVAL);
	ERR(sys_pread64((int)fd, buf, 4096 + 100, 4096), -EINVAL);
	EQ(sys_pread64((int)fd, buf, 8192 + 512, 0), 8192 + 512);
	EQ(buf[0], 0);
	EQ(buf[8192], 'x');
	sys_close((int)fd);
}
