/* read, write, pread64, pwrite64, readv, writev, preadv, pwritev, preadv2, pwritev2, lseek. */
#include "dual.h"

static int openf(const char *content)
{
	mkfile("f", content);
	return OK(sys_openat(AT_FDCWD, "f", O_RDWR, 0));
}

CASE(write_then_read)
{
	char buf[16] = {0};

	EQ(sys_openat(AT_FDCWD, "f", O_CREAT | O_RDWR, 0644), 3);
	EQ(sys_write(3, "hello", 5), 5);
	EQ(sys_lseek(3, 0, SEEK_CUR), 5);
	EQ(sys_lseek(3, 0, SEEK_SET), 0);
	EQ(sys_read(3, buf, sizeof(buf)), 5);
	EQ_STR(buf, "hello");
	EQ(sys_read(3, buf, sizeof(buf)), 0);
	struct stat st = fstat_of(3);
	EQ(st.st_size, 5);
	EQ(st.st_blocks, 8);
	EQ(st.st_blksize, 4096);
}

CASE(read_short_at_eof)
{
	char buf[10];
	int fd = openf("abc");

	EQ(sys_read(fd, buf, 10), 3);
	EQ(sys_lseek(fd, 0, SEEK_CUR), 3);
}

CASE(read_zero_count)
{
	int fd = openf("abc");

	EQ(sys_read(fd, NULL, 0), 0);
	EQ(sys_lseek(fd, 0, SEEK_CUR), 0);
}

CASE(write_zero_count)
{
	int fd = openf("abc");

	EQ(sys_write(fd, NULL, 0), 0);
	EQ(size_of("f"), 3);
}

CASE(read_ebadf)
{
	char c;

	ERR(sys_read(99, &c, 1), -EBADF);
	ERR(sys_read(-1, &c, 1), -EBADF);
}

CASE(write_ebadf)
{
	ERR(sys_write(99, "x", 1), -EBADF);
}

CASE(read_efault_null)
{
	int fd = openf("abc");

	ERR(sys_read(fd, NULL, 3), -EFAULT);
}

CASE(read_efault_unmapped)
{
	int fd = openf("abc");

	ERR(sys_read(fd, BADPTR, 3), -EFAULT);
	EQ(sys_lseek(fd, 0, SEEK_CUR), 0);
}

CASE(write_efault_unmapped)
{
	int fd = openf("");

	ERR(sys_write(fd, BADPTR, 3), -EFAULT);
	EQ(size_of("f"), 0);
}

CASE(write_efault_null)
{
	int fd = openf("ab");

	ERR(sys_write(fd, NULL, 3), -EFAULT);
	EQ(size_of("f"), 2);
	EQ(sys_lseek(fd, 0, SEEK_CUR), 0);
	/* Linux's write_end moves the end of file to where the copy
	 * faulted, even when it copied nothing. */
	ERR(sys_pwrite64(fd, NULL, 3, 5), -EFAULT);
	EQ(size_of("f"), 5);
}

CASE(read_null_past_eof_zero)
{
	int fd = openf("ab");

	EQ(sys_pread64(fd, NULL, 3, 2), 0);
	EQ(sys_pread64(fd, NULL, 3, 10), 0);
}

CASE(read_pipe_efault_null_keeps_data)
{
	int p[2];
	char buf[4] = "";

	OK(sys_pipe2(p, O_NONBLOCK));
	EQ(sys_write(p[1], "abc", 3), 3);
	ERR(sys_read(p[0], NULL, 3), -EFAULT);
	EQ(sys_read(p[0], buf, 3), 3);
	EQ_STR(buf, "abc");
}

CASE(write_pipe_efault_null)
{
	int p[2];

	OK(sys_pipe2(p, O_NONBLOCK));
	ERR(sys_write(p[1], NULL, 3), -EFAULT);
	ERR(sys_read(p[0], (char[4]){0}, 3), -EAGAIN);
}

CASE(read_directory_eisdir)
{
	char buf[8];

	mkdir_p("d");
	EQ(sys_openat(AT_FDCWD, "d", O_RDONLY | O_DIRECTORY, 0), 3);
	ERR(sys_read(3, buf, sizeof(buf)), -EISDIR);
}

CASE(write_past_eof_leaves_hole)
{
	char buf[16];
	int fd = openf("ab");

	EQ(sys_lseek(fd, 10, SEEK_SET), 10);
	EQ(sys_write(fd, "z", 1), 1);
	EQ(size_of("f"), 11);
	EQ(sys_pread64(fd, buf, 16, 0), 11);
	EQ_MEM(buf, "ab\0\0\0\0\0\0\0\0z", 11);
}

CASE(write_overwrites_middle)
{
	int fd = openf("abcdef");

	EQ(sys_lseek(fd, 2, SEEK_SET), 2);
	EQ(sys_write(fd, "XY", 2), 2);
	EQ_STR(read_all("f"), "abXYef");
	EQ(size_of("f"), 6);
}

CASE(write_large)
{
	static char big[1 << 20];
	static char back[1 << 20];

	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 7 + i / 4096);
	EQ(sys_openat(AT_FDCWD, "f", O_CREAT | O_RDWR, 0644), 3);
	EQ(sys_write(3, big, sizeof(big)), sizeof(big));
	EQ(fstat_of(3).st_size, 1 << 20);
	EQ(fstat_of(3).st_blocks, (1 << 20) / 512);
	EQ(sys_pread64(3, back, sizeof(back), 0), sizeof(back));
	EQ_MEM(back, big, sizeof(big));
}

CASE(write_pipe_no_reader_epipe)
{
	int p[2];

	OK(sys_pipe2(p, 0));
	EQ(sys_close(p[0]), 0);
	ERR(sys_write(p[1], "x", 1), -EPIPE);
}

CASE(read_pipe_empty_nonblock_eagain)
{
	int p[2];
	char c;

	OK(sys_pipe2(p, O_NONBLOCK));
	ERR(sys_read(p[0], &c, 1), -EAGAIN);
}

CASE(read_pipe_no_writer_eof)
{
	int p[2];
	char c;

	OK(sys_pipe2(p, 0));
	EQ(sys_write(p[1], "ab", 2), 2);
	EQ(sys_close(p[1]), 0);
	EQ(sys_read(p[0], &c, 1), 1);
	EQ(sys_read(p[0], &c, 1), 1);
	EQ(sys_read(p[0], &c, 1), 0);
}

CASE(write_pipe_full_nonblock_eagain)
{
	static char buf[4096];
	int p[2];
	long total = 0, r;

	OK(sys_pipe2(p, O_NONBLOCK));
	while ((r = sys_write(p[1], buf, sizeof(buf))) > 0)
		total += r;
	ERR(r, -EAGAIN);
	EQ(total, 65536);
	ERR(sys_write(p[1], buf, 1), -EAGAIN);
}

CASE(write_pipe_nonblock_no_free_slot)
{
	static char buf[65536];
	int p[2];

	OK(sys_pipe2(p, O_NONBLOCK));
	EQ(sys_write(p[1], buf, 65536 - 100), 65536 - 100);
	/* More than PIPE_BUF with no free page slot: nothing is written. */
	long r = sys_write(p[1], buf, 8192);
	ERR(r, -EAGAIN);
}

CASE(write_pipe_nonblock_merges_tail_into_last_slot)
{
	static char buf[65536];
	int p[2];

	OK(sys_pipe2(p, O_NONBLOCK));
	EQ(sys_write(p[1], buf, 65536 - 100), 65536 - 100);
	/* 8292 % 4096 == 100 bytes fit the last slot; no slot for the rest. */
	EQ(sys_write(p[1], buf, 8292), 100);
	ERR(sys_write(p[1], buf, 1), -EAGAIN);
}

CASE(write_pipe_nonblock_partial_by_slots)
{
	static char buf[8192];
	int p[2];

	OK(sys_pipe2(p, O_NONBLOCK));
	for (int i = 0; i < 15; i++)
		EQ(sys_write(p[1], buf, 4096), 4096);
	EQ(sys_write(p[1], buf, 8192), 4096);
	ERR(sys_write(p[1], buf, 1), -EAGAIN);
}

CASE(write_pipe_one_slot_takes_one_page)
{
	static char buf[8192];
	int p[2];

	OK(sys_pipe2(p, O_NONBLOCK));
	EQ(sys_fcntl(p[1], F_SETPIPE_SZ, 4096), 4096);
	EQ(sys_write(p[1], buf, 5000), 4096);
	EQ(sys_read(p[0], buf, sizeof(buf)), 4096);
	EQ(sys_write(p[1], buf, 100), 100);
	EQ(sys_write(p[1], buf, 3996), 3996);
	ERR(sys_write(p[1], buf, 1), -EAGAIN);
}

/* pread64, pwrite64 */

CASE(pread_keeps_offset)
{
	char buf[4] = {0};
	int fd = openf("abcdef");

	EQ(sys_pread64(fd, buf, 3, 2), 3);
	EQ_STR(buf, "cde");
	EQ(sys_lseek(fd, 0, SEEK_CUR), 0);
}

CASE(pwrite_keeps_offset)
{
	int fd = openf("abcdef");

	EQ(sys_lseek(fd, 1, SEEK_SET), 1);
	EQ(sys_pwrite64(fd, "XY", 2, 4), 2);
	EQ(sys_lseek(fd, 0, SEEK_CUR), 1);
	EQ_STR(read_all("f"), "abcdXY");
}

CASE(pread_beyond_eof)
{
	char buf[4];
	int fd = openf("abc");

	EQ(sys_pread64(fd, buf, 4, 3), 0);
	EQ(sys_pread64(fd, buf, 4, 1000), 0);
}

CASE(pread_negative_offset)
{
	char buf[4];
	int fd = openf("abc");

	ERR(sys_pread64(fd, buf, 1, -1), -EINVAL);
}

CASE(pwrite_negative_offset)
{
	int fd = openf("abc");

	ERR(sys_pwrite64(fd, "x", 1, -1), -EINVAL);
}

CASE(pread_pipe_espipe)
{
	int p[2];
	char c;

	OK(sys_pipe2(p, 0));
	ERR(sys_pread64(p[0], &c, 1, 0), -ESPIPE);
}

CASE(pwrite_pipe_espipe)
{
	int p[2];

	OK(sys_pipe2(p, 0));
	ERR(sys_pwrite64(p[1], "x", 1, 0), -ESPIPE);
}

CASE(pwrite_append_mode_appends)
{
	mkfile("f", "abc");
	EQ(sys_openat(AT_FDCWD, "f", O_WRONLY | O_APPEND, 0), 3);
	EQ(sys_pwrite64(3, "Z", 1, 0), 1);
	EQ_STR(read_all("f"), "abcZ");
}

CASE(pread_wronly_ebadf)
{
	char c;

	mkfile("f", "abc");
	EQ(sys_openat(AT_FDCWD, "f", O_WRONLY, 0), 3);
	ERR(sys_pread64(3, &c, 1, 0), -EBADF);
}

CASE(pread_directory_eisdir)
{
	char c;

	mkdir_p("d");
	EQ(sys_openat(AT_FDCWD, "d", O_RDONLY, 0), 3);
	ERR(sys_pread64(3, &c, 1, 0), -EISDIR);
}

/* readv, writev */

CASE(writev_gathers)
{
	struct iovec iov[3] = {{"ab", 2}, {"", 0}, {"cde", 3}};
	int fd = openf("");

	EQ(sys_writev(fd, iov, 3), 5);
	EQ(sys_lseek(fd, 0, SEEK_CUR), 5);
	EQ_STR(read_all("f"), "abcde");
}

CASE(readv_scatters)
{
	char a[2], b[10] = {0};
	struct iovec iov[2] = {{a, 2}, {b, 10}};
	int fd = openf("hello");

	EQ(sys_readv(fd, iov, 2), 5);
	EQ_MEM(a, "he", 2);
	EQ_STR(b, "llo");
}

CASE(readv_zero_iovcnt)
{
	char a[2];
	struct iovec iov[1] = {{a, 2}};
	int fd = openf("hello");

	EQ(sys_readv(fd, iov, 0), 0);
	EQ(sys_lseek(fd, 0, SEEK_CUR), 0);
}

CASE(writev_negative_iovcnt)
{
	struct iovec iov[1] = {{"a", 1}};
	int fd = openf("");

	ERR(sys_writev(fd, iov, -1), -EINVAL);
}

CASE(writev_iovcnt_over_iov_max)
{
	static struct iovec iov[IOV_MAX + 1];
	int fd = openf("");

	for (int i = 0; i <= IOV_MAX; i++) {
		iov[i].iov_base = "x";
		iov[i].iov_len = 1;
	}
	ERR(sys_writev(fd, iov, IOV_MAX + 1), -EINVAL);
	EQ(sys_writev(fd, iov, IOV_MAX), IOV_MAX);
}

CASE(writev_negative_len)
{
	/* A length with the sign bit set is invalid; long totals are clamped. */
	struct iovec iov[2] = {{"a", 1}, {"b", (size_t)-1}};
	int fd = openf("");

	ERR(sys_writev(fd, iov, 2), -EINVAL);
}

CASE(readv_efault_iov_array)
{
	int fd = openf("hello");

	ERR(sys_readv(fd, BADPTR, 1), -EFAULT);
}

CASE(readv_efault_buffer)
{
	struct iovec iov[1] = {{BADPTR, 4}};
	int fd = openf("hello");

	ERR(sys_readv(fd, iov, 1), -EFAULT);
}

CASE(writev_efault_first_buffer)
{
	struct iovec iov[2] = {{BADPTR, 4}, {"ok", 2}};
	int fd = openf("");

	ERR(sys_writev(fd, iov, 2), -EFAULT);
	EQ(size_of("f"), 0);
}

CASE(readv_short)
{
	char a[3] = {0}, b[3] = {0};
	struct iovec iov[2] = {{a, 3}, {b, 3}};
	int fd = openf("hello");

	EQ(sys_readv(fd, iov, 2), 5);
	EQ_MEM(a, "hel", 3);
	EQ_MEM(b, "lo", 2);
	EQ(sys_readv(fd, iov, 2), 0);
}

CASE(readv_ebadf)
{
	char a[3];
	struct iovec iov[1] = {{a, 3}};

	ERR(sys_readv(99, iov, 1), -EBADF);
}

/* preadv, pwritev, preadv2, pwritev2 */

CASE(preadv_offset)
{
	char a[2], b[2];
	struct iovec iov[2] = {{a, 2}, {b, 2}};
	int fd = openf("0123456789");

	EQ(sys_preadv(fd, iov, 2, 3), 4);
	EQ_MEM(a, "34", 2);
	EQ_MEM(b, "56", 2);
	EQ(sys_lseek(fd, 0, SEEK_CUR), 0);
}

CASE(pwritev_offset)
{
	struct iovec iov[2] = {{"AB", 2}, {"CD", 2}};
	int fd = openf("0123456789");

	EQ(sys_pwritev(fd, iov, 2, 6), 4);
	EQ(sys_lseek(fd, 0, SEEK_CUR), 0);
	EQ_STR(read_all("f"), "012345ABCD");
}

CASE(preadv_negative_offset)
{
	char a[2];
	struct iovec iov[1] = {{a, 2}};
	int fd = openf("0123");

	ERR(sys_preadv(fd, iov, 1, -5), -EINVAL);
}

CASE(pwritev_pipe_espipe)
{
	struct iovec iov[1] = {{"a", 1}};
	int p[2];

	OK(sys_pipe2(p, 0));
	ERR(sys_pwritev(p[1], iov, 1, 0), -ESPIPE);
}

CASE(preadv2_minus1_uses_position)
{
	char a[3] = {0};
	struct iovec iov[1] = {{a, 2}};
	int fd = openf("0123456789");

	EQ(sys_lseek(fd, 4, SEEK_SET), 4);
	EQ(sys_preadv2(fd, iov, 1, -1, 0), 2);
	EQ_STR(a, "45");
	EQ(sys_lseek(fd, 0, SEEK_CUR), 6);
}

CASE(pwritev2_minus1_uses_position)
{
	struct iovec iov[1] = {{"XY", 2}};
	int fd = openf("0123456789");

	EQ(sys_lseek(fd, 1, SEEK_SET), 1);
	EQ(sys_pwritev2(fd, iov, 1, -1, 0), 2);
	EQ(sys_lseek(fd, 0, SEEK_CUR), 3);
	EQ_STR(read_all("f"), "0XY3456789");
}

CASE(preadv2_offset_keeps_position)
{
	char a[3] = {0};
	struct iovec iov[1] = {{a, 2}};
	int fd = openf("0123456789");

	EQ(sys_preadv2(fd, iov, 1, 7, 0), 2);
	EQ_STR(a, "78");
	EQ(sys_lseek(fd, 0, SEEK_CUR), 0);
}

CASE(preadv2_unknown_flag)
{
	char a[2];
	struct iovec iov[1] = {{a, 2}};
	int fd = openf("0123");

	ERR(sys_preadv2(fd, iov, 1, 0, 0x100000), -EOPNOTSUPP);
}

CASE(pwritev2_rwf_append)
{
	struct iovec iov[1] = {{"END", 3}};
	int fd = openf("abc");

	EQ(sys_pwritev2(fd, iov, 1, 0, RWF_APPEND), 3);
	EQ_STR(read_all("f"), "abcEND");
}

CASE(pwritev2_dsync_sync_hipri)
{
	struct iovec iov[1] = {{"Q", 1}};
	int fd = openf("abc");

	EQ(sys_pwritev2(fd, iov, 1, 0, RWF_DSYNC), 1);
	EQ(sys_pwritev2(fd, iov, 1, 1, RWF_SYNC), 1);
	EQ(sys_pwritev2(fd, iov, 1, 2, RWF_HIPRI), 1);
	EQ_STR(read_all("f"), "QQQ");
}

CASE(preadv2_pipe_minus1)
{
	char a[4] = {0};
	struct iovec iov[1] = {{a, 3}};
	int p[2];

	OK(sys_pipe2(p, 0));
	EQ(sys_write(p[1], "abc", 3), 3);
	EQ(sys_preadv2(p[0], iov, 1, -1, 0), 3);
	EQ_STR(a, "abc");
	ERR(sys_preadv2(p[0], iov, 1, 0, 0), -ESPIPE);
}

CASE(preadv2_nowait_pipe_empty)
{
	char a[4];
	struct iovec iov[1] = {{a, 3}};
	int p[2];

	OK(sys_pipe2(p, 0));
	ERR(sys_preadv2(p[0], iov, 1, -1, RWF_NOWAIT), -EAGAIN);
}

/* lseek */

CASE(lseek_set_cur_end)
{
	int fd = openf("0123456789");

	EQ(sys_lseek(fd, 3, SEEK_SET), 3);
	EQ(sys_lseek(fd, 2, SEEK_CUR), 5);
	EQ(sys_lseek(fd, -1, SEEK_CUR), 4);
	EQ(sys_lseek(fd, 0, SEEK_END), 10);
	EQ(sys_lseek(fd, -3, SEEK_END), 7);
	char c;
	EQ(sys_read(fd, &c, 1), 1);
	EQ(c, '7');
}

CASE(lseek_negative_result)
{
	int fd = openf("0123");

	EQ(sys_lseek(fd, 2, SEEK_SET), 2);
	ERR(sys_lseek(fd, -1, SEEK_SET), -EINVAL);
	ERR(sys_lseek(fd, -3, SEEK_CUR), -EINVAL);
	ERR(sys_lseek(fd, -5, SEEK_END), -EINVAL);
	EQ(sys_lseek(fd, 0, SEEK_CUR), 2);
}

CASE(lseek_bad_whence)
{
	int fd = openf("0123");

	ERR(sys_lseek(fd, 0, 5), -EINVAL);
	ERR(sys_lseek(fd, 0, -1), -EINVAL);
}

CASE(lseek_beyond_eof)
{
	int fd = openf("0123");

	EQ(sys_lseek(fd, 100, SEEK_SET), 100);
	EQ(size_of("f"), 4);
	char c;
	EQ(sys_read(fd, &c, 1), 0);
}

CASE(lseek_pipe_espipe)
{
	int p[2];

	OK(sys_pipe2(p, 0));
	ERR(sys_lseek(p[0], 0, SEEK_CUR), -ESPIPE);
	ERR(sys_lseek(p[1], 0, SEEK_SET), -ESPIPE);
}

CASE(lseek_ebadf)
{
	ERR(sys_lseek(99, 0, SEEK_SET), -EBADF);
}

CASE(lseek_o_path_ebadf)
{
	mkfile("f", "abc");
	EQ(sys_openat(AT_FDCWD, "f", O_PATH, 0), 3);
	ERR(sys_lseek(3, 0, SEEK_SET), -EBADF);
}

CASE(lseek_directory)
{
	mkdir_p("d");
	EQ(sys_openat(AT_FDCWD, "d", O_RDONLY | O_DIRECTORY, 0), 3);
	EQ(sys_lseek(3, 0, SEEK_SET), 0);
}

CASE(lseek_cur_overflow)
{
	int fd = openf("0123");

	EQ(sys_lseek(fd, LLONG_MAX, SEEK_SET), LLONG_MAX);
	ERR(sys_lseek(fd, 1, SEEK_CUR), -EINVAL);
	EQ(sys_lseek(fd, 0, SEEK_CUR), LLONG_MAX);
}

/* A sparse file: data in [0,4096) and [65536,69632), size 1 MiB. */
static int sparse(void)
{
	static char page[4096];

	memset(page, 'd', sizeof(page));
	EQ(sys_openat(AT_FDCWD, "s", O_CREAT | O_RDWR, 0644), 3);
	EQ(sys_pwrite64(3, page, 4096, 0), 4096);
	EQ(sys_pwrite64(3, page, 4096, 65536), 4096);
	EQ(sys_ftruncate(3, 1 << 20), 0);
	return 3;
}

CASE(lseek_data_hole_sparse)
{
	int fd = sparse();

	EQ(sys_lseek(fd, 0, SEEK_DATA), 0);
	EQ(sys_lseek(fd, 0, SEEK_HOLE), 4096);
	EQ(sys_lseek(fd, 100, SEEK_HOLE), 4096);
	EQ(sys_lseek(fd, 4096, SEEK_DATA), 65536);
	EQ(sys_lseek(fd, 5000, SEEK_DATA), 65536);
	EQ(sys_lseek(fd, 65536, SEEK_HOLE), 69632);
	EQ(sys_lseek(fd, 70000, SEEK_HOLE), 70000);
	EQ(sys_lseek(fd, 0, SEEK_CUR), 70000);
	EQ(fstat_of(fd).st_blocks, 16);
}

CASE(lseek_data_after_last_data_enxio)
{
	int fd = sparse();

	ERR(sys_lseek(fd, 69632, SEEK_DATA), -ENXIO);
	ERR(sys_lseek(fd, (1 << 20) - 1, SEEK_DATA), -ENXIO);
}

CASE(lseek_data_hole_at_or_past_eof_enxio)
{
	int fd = sparse();

	ERR(sys_lseek(fd, 1 << 20, SEEK_DATA), -ENXIO);
	ERR(sys_lseek(fd, 1 << 20, SEEK_HOLE), -ENXIO);
	ERR(sys_lseek(fd, 2 << 20, SEEK_HOLE), -ENXIO);
}

CASE(lseek_hole_in_dense_file_is_eof)
{
	int fd = openf("0123456789");

	EQ(sys_lseek(fd, 3, SEEK_DATA), 3);
	EQ(sys_lseek(fd, 3, SEEK_HOLE), 10);
}

CASE(lseek_data_empty_file_enxio)
{
	int fd = openf("");

	ERR(sys_lseek(fd, 0, SEEK_DATA), -ENXIO);
	ERR(sys_lseek(fd, 0, SEEK_HOLE), -ENXIO);
}

CASE(lseek_data_negative_offset)
{
	int fd = sparse();

	ERR(sys_lseek(fd, -1, SEEK_DATA), -ENXIO);
	ERR(sys_lseek(fd, -1, SEEK_HOLE), -ENXIO);
}

/* posix_fadvise and readahead: advice is checked, then has no visible
 * effect. */
CASE(fadvise_each_advice)
{
	EQ(openf("data"), 3);
	for (int adv = POSIX_FADV_NORMAL; adv <= POSIX_FADV_NOREUSE; adv++)
		EQ(sys_fadvise64(3, 0, 4, adv), 0);
	EQ(sys_fadvise64(3, 0, 0, POSIX_FADV_WILLNEED), 0);
	EQ(sys_fadvise64(3, -1, 10, POSIX_FADV_DONTNEED), 0);
	EQ(sys_fadvise64(3, 1LL << 62, 1LL << 62, POSIX_FADV_SEQUENTIAL), 0);
}

CASE(fadvise_errors)
{
	int p[2];

	EQ(openf("data"), 3);
	ERR(sys_fadvise64(3, 0, 4, 6), -EINVAL);
	ERR(sys_fadvise64(3, 0, 4, -1), -EINVAL);
	ERR(sys_fadvise64(3, 0, -1, POSIX_FADV_NORMAL), -EINVAL);
	ERR(sys_fadvise64(99, 0, 4, 6), -EBADF);
	OK(sys_pipe2(p, 0));
	ERR(sys_fadvise64(p[0], 0, -1, 6), -ESPIPE);
	ERR(sys_fadvise64(p[1], 0, 4, POSIX_FADV_NORMAL), -ESPIPE);
}

CASE(fadvise_other_files)
{
	EQ(sys_mkdirat(AT_FDCWD, "d", 0755), 0);
	EQ(sys_openat(AT_FDCWD, "d", O_RDONLY | O_DIRECTORY, 0), 3);
	EQ(sys_fadvise64(3, 0, 0, POSIX_FADV_DONTNEED), 0);
	EQ(sys_openat(AT_FDCWD, "d", O_PATH, 0), 4);
	ERR(sys_fadvise64(4, 0, 0, POSIX_FADV_NORMAL), -EBADF);
	EQ(sys_eventfd2(0, 0), 5);
	EQ(sys_fadvise64(5, 0, 0, POSIX_FADV_NORMAL), 0);
	ERR(sys_fadvise64(5, 0, 0, 9), -EINVAL);
}

CASE(readahead_files)
{
	int p[2];

	EQ(openf("data"), 3);
	EQ(sys_readahead(3, 0, 4096), 0);
	EQ(sys_readahead(3, 1 << 20, 0), 0);
	ERR(sys_readahead(3, 0, -1), -EINVAL);
	EQ(sys_openat(AT_FDCWD, "f", O_WRONLY, 0), 4);
	ERR(sys_readahead(4, 0, 10), -EBADF);
	ERR(sys_readahead(99, 0, 10), -EBADF);
	EQ(sys_mkdirat(AT_FDCWD, "d", 0755), 0);
	EQ(sys_openat(AT_FDCWD, "d", O_RDONLY | O_DIRECTORY, 0), 5);
	ERR(sys_readahead(5, 0, 10), -EINVAL);
	OK(sys_pipe2(p, 0));
	ERR(sys_readahead(p[0], 0, 10), -EINVAL);
	ERR(sys_readahead(p[1], 0, 10), -EBADF);
}
