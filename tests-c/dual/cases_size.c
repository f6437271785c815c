/* truncate, ftruncate, fallocate, fsync, fdatasync, sync, syncfs. */
#include "dual.h"

static int openf(const char *content)
{
	mkfile("f", content);
	return OK(sys_openat(AT_FDCWD, "f", O_RDWR, 0));
}

/* truncate, ftruncate */

CASE(ftruncate_shrink)
{
	int fd = openf("0123456789");

	EQ(sys_ftruncate(fd, 4), 0);
	EQ(size_of("f"), 4);
	EQ_STR(read_all("f"), "0123");
	EQ(sys_lseek(fd, 0, SEEK_CUR), 0);
}

CASE(ftruncate_extend_sparse)
{
	char buf[8];
	int fd = openf("ab");

	EQ(sys_ftruncate(fd, 100000), 0);
	struct stat st = fstat_of(fd);
	EQ(st.st_size, 100000);
	EQ(st.st_blocks, 8);
	EQ(sys_pread64(fd, buf, 4, 0), 4);
	EQ_MEM(buf, "ab\0\0", 4);
	EQ(sys_pread64(fd, buf, 8, 99996), 4);
	EQ_MEM(buf, "\0\0\0\0", 4);
}

CASE(ftruncate_shrink_then_extend_zeroes)
{
	char buf[4];
	int fd = openf("abcdef");

	EQ(sys_ftruncate(fd, 2), 0);
	EQ(sys_ftruncate(fd, 6), 0);
	EQ(sys_pread64(fd, buf, 4, 2), 4);
	EQ_MEM(buf, "\0\0\0\0", 4);
}

CASE(ftruncate_negative)
{
	int fd = openf("abc");

	ERR(sys_ftruncate(fd, -1), -EINVAL);
}

CASE(ftruncate_rdonly_einval)
{
	mkfile("f", "abc");
	EQ(sys_openat(AT_FDCWD, "f", O_RDONLY, 0), 3);
	ERR(sys_ftruncate(3, 0), -EINVAL);
	EQ(size_of("f"), 3);
}

CASE(ftruncate_pipe_einval)
{
	int p[2];

	OK(sys_pipe2(p, 0));
	ERR(sys_ftruncate(p[1], 0), -EINVAL);
}

CASE(ftruncate_ebadf)
{
	ERR(sys_ftruncate(99, 0), -EBADF);
}

CASE(ftruncate_o_path_ebadf)
{
	mkfile("f", "abc");
	EQ(sys_openat(AT_FDCWD, "f", O_PATH, 0), 3);
	ERR(sys_ftruncate(3, 0), -EBADF);
}

CASE(ftruncate_append_fd)
{
	mkfile("f", "abc");
	EQ(sys_openat(AT_FDCWD, "f", O_WRONLY | O_APPEND, 0), 3);
	EQ(sys_ftruncate(3, 1), 0);
	EQ(size_of("f"), 1);
}

CASE(truncate_path)
{
	mkfile("f", "0123456789");
	EQ(sys_truncate("f", 3), 0);
	EQ_STR(read_all("f"), "012");
	OK(sys_symlinkat("f", AT_FDCWD, "l"));
	EQ(sys_truncate("l", 1), 0);
	EQ(size_of("f"), 1);
}

CASE(truncate_dir_eisdir)
{
	mkdir_p("d");
	ERR(sys_truncate("d", 0), -EISDIR);
}

CASE(truncate_enoent)
{
	ERR(sys_truncate("missing", 0), -ENOENT);
}

CASE(truncate_enotdir)
{
	mkfile("f", "x");
	ERR(sys_truncate("f/x", 0), -ENOTDIR);
}

CASE(truncate_negative_einval)
{
	mkfile("f", "x");
	ERR(sys_truncate("f", -1), -EINVAL);
	EQ(size_of("f"), 1);
}

CASE(truncate_efault)
{
	ERR(sys_truncate(BADPTR, 0), -EFAULT);
}

CASE(truncate_eacces_user)
{
	mkfile_mode("f", "abc", 0644);
	dual_become(1000, 1000);
	ERR(sys_truncate("f", 0), -EACCES);
	dual_unbecome();
	EQ(size_of("f"), 3);
}

CASE(truncate_fifo_einval)
{
	OK(sys_mknodat(AT_FDCWD, "p", S_IFIFO | 0644, 0));
	ERR(sys_truncate("p", 0), -EINVAL);
}

/* fallocate */

CASE(fallocate_extends)
{
	int fd = openf("");

	EQ(sys_fallocate(fd, 0, 0, 8192), 0);
	struct stat st = fstat_of(fd);
	EQ(st.st_size, 8192);
	EQ(st.st_blocks, 16);
}

CASE(fallocate_keep_size)
{
	int fd = openf("abc");

	EQ(sys_fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, 16384), 0);
	struct stat st = fstat_of(fd);
	EQ(st.st_size, 3);
	EQ(st.st_blocks, 32);
}

CASE(fallocate_inside_keeps_data)
{
	int fd = openf("hello");

	EQ(sys_fallocate(fd, 0, 1, 2), 0);
	EQ(size_of("f"), 5);
	EQ_STR(read_all("f"), "hello");
}

CASE(fallocate_punch_hole)
{
	static char page[12288];
	char buf[4];
	int fd = openf("");

	memset(page, 'p', sizeof(page));
	EQ(sys_write(fd, page, sizeof(page)), sizeof(page));
	EQ(fstat_of(fd).st_blocks, 24);
	EQ(sys_fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 4096, 4096), 0);
	EQ(fstat_of(fd).st_size, 12288);
	EQ(fstat_of(fd).st_blocks, 16);
	EQ(sys_pread64(fd, buf, 4, 4096), 4);
	EQ_MEM(buf, "\0\0\0\0", 4);
	EQ(sys_pread64(fd, buf, 1, 8192), 1);
	EQ(buf[0], 'p');
	EQ(sys_lseek(fd, 0, SEEK_HOLE), 4096);
	EQ(sys_lseek(fd, 4096, SEEK_DATA), 8192);
}

CASE(fallocate_punch_partial_page)
{
	char buf[8];
	int fd = openf("0123456789");

	EQ(sys_fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 2, 3), 0);
	EQ(sys_pread64(fd, buf, 8, 0), 8);
	EQ_MEM(buf, "01\0\0\0" "567", 8);
	EQ(size_of("f"), 10);
}

CASE(fallocate_punch_without_keep_size)
{
	int fd = openf("0123456789");

	ERR(sys_fallocate(fd, FALLOC_FL_PUNCH_HOLE, 0, 4), -EOPNOTSUPP);
}

CASE(fallocate_unsupported_modes)
{
	int fd = openf("0123456789");

	ERR(sys_fallocate(fd, FALLOC_FL_COLLAPSE_RANGE, 0, 4096), -EOPNOTSUPP);
	ERR(sys_fallocate(fd, FALLOC_FL_ZERO_RANGE, 0, 4), -EOPNOTSUPP);
}

CASE(fallocate_bad_len_offset)
{
	int fd = openf("");

	ERR(sys_fallocate(fd, 0, 0, 0), -EINVAL);
	ERR(sys_fallocate(fd, 0, -1, 10), -EINVAL);
	ERR(sys_fallocate(fd, 0, 0, -10), -EINVAL);
}

CASE(fallocate_unknown_mode_bits)
{
	int fd = openf("");

	ERR(sys_fallocate(fd, 0x1000, 0, 10), -EOPNOTSUPP);
}

CASE(fallocate_too_big_efbig)
{
	int fd = openf("");

	ERR(sys_fallocate(fd, 0, LLONG_MAX - 10, 100), -EFBIG);
}

CASE(fallocate_rdonly_ebadf)
{
	mkfile("f", "");
	EQ(sys_openat(AT_FDCWD, "f", O_RDONLY, 0), 3);
	ERR(sys_fallocate(3, 0, 0, 10), -EBADF);
}

CASE(fallocate_pipe_espipe)
{
	int p[2];

	OK(sys_pipe2(p, 0));
	ERR(sys_fallocate(p[1], 0, 0, 10), -ESPIPE);
}

CASE(fallocate_ebadf)
{
	ERR(sys_fallocate(99, 0, 0, 10), -EBADF);
}

/* fsync, fdatasync, sync, syncfs */

CASE(fsync_family)
{
	int fd = openf("data");

	EQ(sys_fsync(fd), 0);
	EQ(sys_fdatasync(fd), 0);
	EQ(sys_syncfs(fd), 0);
	EQ(sys_sync(), 0);
}

CASE(fsync_directory_and_rdonly)
{
	mkdir_p("d");
	mkfile("f", "");
	EQ(sys_openat(AT_FDCWD, "d", O_RDONLY | O_DIRECTORY, 0), 3);
	EQ(sys_fsync(3), 0);
	EQ(sys_openat(AT_FDCWD, "f", O_RDONLY, 0), 4);
	EQ(sys_fsync(4), 0);
	EQ(sys_fdatasync(4), 0);
}

CASE(fsync_pipe_einval)
{
	int p[2];

	OK(sys_pipe2(p, 0));
	ERR(sys_fsync(p[1]), -EINVAL);
	ERR(sys_fdatasync(p[0]), -EINVAL);
}

CASE(fsync_ebadf)
{
	ERR(sys_fsync(99), -EBADF);
	ERR(sys_fdatasync(99), -EBADF);
	ERR(sys_syncfs(99), -EBADF);
}

CASE(fsync_o_path_ebadf)
{
	mkfile("f", "");
	EQ(sys_openat(AT_FDCWD, "f", O_PATH, 0), 3);
	ERR(sys_fsync(3), -EBADF);
}

/*
 * RLIMIT_FSIZE. Linux also sends SIGXFSZ, which would kill the host's
 * process: it is ignored here, so both kernels answer EFBIG.
 */

static void fsize_limit(rlim_t n)
{
	struct rlimit r = {n, RLIM_INFINITY};

	signal(SIGXFSZ, SIG_IGN);
	OK(sys_setrlimit(RLIMIT_FSIZE, &r));
}

CASE(fsize_write_at_limit_efbig)
{
	int fd = openf("0123456789");

	fsize_limit(10);
	EQ(sys_lseek(fd, 10, SEEK_SET), 10);
	ERR(sys_write(fd, "x", 1), -EFBIG);
	EQ(sys_lseek(fd, 0, SEEK_CUR), 10);
	EQ(size_of("f"), 10);
}

CASE(fsize_write_straddling_is_short)
{
	int fd = openf("");

	fsize_limit(10);
	EQ(sys_write(fd, "0123456789abcdef", 16), 10);
	ERR(sys_write(fd, "x", 1), -EFBIG);
	EQ(size_of("f"), 10);
	EQ_STR(read_all("f"), "0123456789");
}

CASE(fsize_pwrite)
{
	int fd = openf("");

	fsize_limit(10);
	ERR(sys_pwrite64(fd, "x", 1, 10), -EFBIG);
	ERR(sys_pwrite64(fd, "x", 1, 20), -EFBIG);
	EQ(sys_pwrite64(fd, "abcde", 5, 9), 1);
	EQ(size_of("f"), 10);
}

CASE(fsize_append_is_short)
{
	mkfile("f", "01234567");
	EQ(sys_openat(AT_FDCWD, "f", O_WRONLY | O_APPEND, 0), 3);
	fsize_limit(10);
	EQ(sys_write(3, "abcde", 5), 2);
	ERR(sys_write(3, "x", 1), -EFBIG);
	EQ_STR(read_all("f"), "01234567ab");
}

CASE(fsize_zero_length_write_past_limit)
{
	int fd = openf("");

	fsize_limit(10);
	EQ(sys_lseek(fd, 20, SEEK_SET), 20);
	EQ(sys_write(fd, "x", 0), 0);
	EQ(sys_pwrite64(fd, "x", 0, 30), 0);
	EQ(size_of("f"), 0);
}

CASE(fsize_zero_limit)
{
	int fd = openf("");

	fsize_limit(0);
	ERR(sys_write(fd, "x", 1), -EFBIG);
	ERR(sys_ftruncate(fd, 1), -EFBIG);
	EQ(sys_ftruncate(fd, 0), 0);
	EQ(size_of("f"), 0);
}

CASE(fsize_ftruncate)
{
	int fd = openf("");

	fsize_limit(10);
	EQ(sys_ftruncate(fd, 10), 0);
	ERR(sys_ftruncate(fd, 11), -EFBIG);
	ERR(sys_truncate("f", 11), -EFBIG);
	EQ(size_of("f"), 10);
}

CASE(fsize_shrinking_past_limit_allowed)
{
	int fd = openf("01234567890123456789");

	fsize_limit(10);
	EQ(sys_ftruncate(fd, 15), 0);
	EQ(sys_truncate("f", 12), 0);
	ERR(sys_ftruncate(fd, 13), -EFBIG);
	EQ(size_of("f"), 12);
	/* Writing inside the file past the limit is refused too. */
	ERR(sys_pwrite64(fd, "x", 1, 11), -EFBIG);
	EQ(sys_pwrite64(fd, "xy", 2, 9), 1);
}

CASE(fsize_fallocate)
{
	int fd = openf("");

	fsize_limit(4096);
	ERR(sys_fallocate(fd, 0, 0, 8192), -EFBIG);
	ERR(sys_fallocate(fd, FALLOC_FL_KEEP_SIZE, 4096, 1), -EFBIG);
	EQ(sys_fallocate(fd, 0, 0, 4096), 0);
	EQ(size_of("f"), 4096);
}

CASE(fsize_fallocate_inside_file)
{
	int fd = openf("");

	EQ(sys_ftruncate(fd, 8192), 0);
	fsize_limit(4096);
	EQ(sys_fallocate(fd, 0, 0, 8192), 0);
	EQ(sys_fallocate(fd, FALLOC_FL_KEEP_SIZE, 4096, 4096), 0);
	ERR(sys_fallocate(fd, FALLOC_FL_KEEP_SIZE, 4096, 4097), -EFBIG);
	EQ(size_of("f"), 8192);
}

CASE(fsize_not_for_pipes_and_devices)
{
	char buf[100];
	int p[2];

	memset(buf, 'x', sizeof(buf));
	fsize_limit(10);
	OK(sys_pipe2(p, O_NONBLOCK));
	EQ(sys_write(p[1], buf, sizeof(buf)), 100);
	EQ(sys_openat(AT_FDCWD, "/dev/null", O_WRONLY, 0), 5);
	EQ(sys_write(5, buf, sizeof(buf)), 100);
}

CASE(fsize_copy_file_range_is_short)
{
	loff_t in = 0, out = 0;

	mkfile("src", "0123456789abcdef");
	EQ(sys_openat(AT_FDCWD, "src", O_RDONLY, 0), 3);
	EQ(sys_openat(AT_FDCWD, "dst", O_CREAT | O_WRONLY, 0644), 4);
	fsize_limit(10);
	EQ(sys_copy_file_range(3, &in, 4, &out, 16, 0), 10);
	ERR(sys_copy_file_range(3, &in, 4, &out, 6, 0), -EFBIG);
	EQ(size_of("dst"), 10);
}

CASE(fsize_efbig_before_seal_eperm)
{
	EQ(sys_memfd_create("m", MFD_ALLOW_SEALING), 3);
	EQ(sys_write(3, "0123", 4), 4);
	EQ(sys_fcntl(3, F_ADD_SEALS, F_SEAL_WRITE), 0);
	fsize_limit(2);
	ERR(sys_pwrite64(3, "x", 1, 4), -EFBIG);
	ERR(sys_pwrite64(3, "x", 1, 0), -EPERM);
}
