/* sendfile, copy_file_range, splice, tee. */
#include "dual.h"

/* "src" holds content (fd 3, O_RDONLY); "dst" is empty (fd 4, O_RDWR). */
static void src_dst(const char *content)
{
	mkfile("src", content);
	mkfile("dst", "");
	EQ(sys_openat(AT_FDCWD, "src", O_RDONLY, 0), 3);
	EQ(sys_openat(AT_FDCWD, "dst", O_RDWR, 0), 4);
}

/* sendfile */

CASE(sendfile_file_to_file)
{
	src_dst("0123456789");
	EQ(sys_sendfile(4, 3, NULL, 4), 4);
	EQ(sys_lseek(3, 0, SEEK_CUR), 4);
	EQ(sys_lseek(4, 0, SEEK_CUR), 4);
	EQ(sys_sendfile(4, 3, NULL, 100), 6);
	EQ_STR(read_all("dst"), "0123456789");
	EQ(sys_sendfile(4, 3, NULL, 100), 0);
}

CASE(sendfile_with_offset)
{
	off_t off = 2;

	src_dst("0123456789");
	EQ(sys_sendfile(4, 3, &off, 5), 5);
	EQ(off, 7);
	EQ(sys_lseek(3, 0, SEEK_CUR), 0);
	EQ_STR(read_all("dst"), "23456");
}

CASE(sendfile_to_pipe)
{
	char buf[8] = {0};
	int p[2];

	src_dst("abcdef");
	OK(sys_pipe2(p, O_NONBLOCK));
	EQ(sys_sendfile(p[1], 3, NULL, 6), 6);
	EQ(sys_read(p[0], buf, sizeof(buf)), 6);
	EQ_STR(buf, "abcdef");
}

CASE(sendfile_offset_past_eof)
{
	off_t off = 100;

	src_dst("abc");
	EQ(sys_sendfile(4, 3, &off, 10), 0);
	EQ(off, 100);
}

CASE(sendfile_ebadf)
{
	src_dst("abc");
	ERR(sys_sendfile(4, 99, NULL, 1), -EBADF);
	ERR(sys_sendfile(99, 3, NULL, 1), -EBADF);
}

CASE(sendfile_wrong_modes_ebadf)
{
	src_dst("abc");
	ERR(sys_sendfile(3, 4, NULL, 1), -EBADF);
	EQ(sys_openat(AT_FDCWD, "dst", O_WRONLY, 0), 5);
	ERR(sys_sendfile(4, 5, NULL, 1), -EBADF);
}

CASE(sendfile_out_append_einval)
{
	src_dst("abc");
	EQ(sys_openat(AT_FDCWD, "dst", O_WRONLY | O_APPEND, 0), 5);
	ERR(sys_sendfile(5, 3, NULL, 3), -EINVAL);
}

CASE(sendfile_negative_offset)
{
	off_t off = -1;

	src_dst("abc");
	ERR(sys_sendfile(4, 3, &off, 3), -EINVAL);
}

CASE(sendfile_efault_offset)
{
	src_dst("abc");
	ERR(sys_sendfile(4, 3, BADPTR, 3), -EFAULT);
}

CASE(sendfile_from_directory_einval)
{
	mkdir_p("d");
	mkfile("dst", "");
	EQ(sys_openat(AT_FDCWD, "d", O_RDONLY, 0), 3);
	EQ(sys_openat(AT_FDCWD, "dst", O_WRONLY, 0), 4);
	ERR(sys_sendfile(4, 3, NULL, 3), -EINVAL);
}

/* copy_file_range */

CASE(cfr_basic)
{
	src_dst("0123456789");
	EQ(sys_copy_file_range(3, NULL, 4, NULL, 4, 0), 4);
	EQ(sys_lseek(3, 0, SEEK_CUR), 4);
	EQ(sys_lseek(4, 0, SEEK_CUR), 4);
	EQ(sys_copy_file_range(3, NULL, 4, NULL, 100, 0), 6);
	EQ_STR(read_all("dst"), "0123456789");
	EQ(sys_copy_file_range(3, NULL, 4, NULL, 100, 0), 0);
}

CASE(cfr_with_offsets)
{
	off_t in = 5, out = 2;

	src_dst("0123456789");
	EQ(sys_copy_file_range(3, &in, 4, &out, 3, 0), 3);
	EQ(in, 8);
	EQ(out, 5);
	EQ(sys_lseek(3, 0, SEEK_CUR), 0);
	EQ(sys_lseek(4, 0, SEEK_CUR), 0);
	char buf[8];
	EQ(sys_pread64(4, buf, 8, 0), 5);
	EQ_MEM(buf, "\0\0" "567", 5);
}

CASE(cfr_bad_flags)
{
	src_dst("abc");
	ERR(sys_copy_file_range(3, NULL, 4, NULL, 3, 1), -EINVAL);
}

CASE(cfr_same_file_overlap_einval)
{
	off_t in = 0, out = 2;

	mkfile("f", "0123456789");
	EQ(sys_openat(AT_FDCWD, "f", O_RDWR, 0), 3);
	ERR(sys_copy_file_range(3, &in, 3, &out, 4, 0), -EINVAL);
}

CASE(cfr_same_file_disjoint)
{
	off_t in = 0, out = 6;

	mkfile("f", "0123456789");
	EQ(sys_openat(AT_FDCWD, "f", O_RDWR, 0), 3);
	EQ(sys_copy_file_range(3, &in, 3, &out, 3, 0), 3);
	EQ_STR(read_all("f"), "0123450129");
}

CASE(cfr_extends_destination)
{
	off_t out = 6;

	src_dst("abc");
	EQ(sys_copy_file_range(3, NULL, 4, &out, 3, 0), 3);
	EQ(size_of("dst"), 9);
}

CASE(cfr_zero_len)
{
	src_dst("abc");
	EQ(sys_copy_file_range(3, NULL, 4, NULL, 0, 0), 0);
}

CASE(cfr_ebadf)
{
	src_dst("abc");
	ERR(sys_copy_file_range(99, NULL, 4, NULL, 3, 0), -EBADF);
	ERR(sys_copy_file_range(3, NULL, 99, NULL, 3, 0), -EBADF);
	ERR(sys_copy_file_range(4, NULL, 3, NULL, 3, 0), -EBADF);
}

CASE(cfr_out_append_ebadf)
{
	src_dst("abc");
	EQ(sys_openat(AT_FDCWD, "dst", O_WRONLY | O_APPEND, 0), 5);
	ERR(sys_copy_file_range(3, NULL, 5, NULL, 3, 0), -EBADF);
}

CASE(cfr_directory_eisdir)
{
	mkdir_p("d");
	mkfile("dst", "");
	EQ(sys_openat(AT_FDCWD, "d", O_RDONLY, 0), 3);
	EQ(sys_openat(AT_FDCWD, "dst", O_WRONLY, 0), 4);
	ERR(sys_copy_file_range(3, NULL, 4, NULL, 3, 0), -EISDIR);
}

CASE(cfr_pipe_einval)
{
	int p[2];

	src_dst("abc");
	OK(sys_pipe2(p, 0));
	ERR(sys_copy_file_range(3, NULL, p[1], NULL, 3, 0), -EINVAL);
}

CASE(cfr_negative_offset_eoverflow)
{
	off_t in = -1;

	src_dst("abc");
	ERR(sys_copy_file_range(3, &in, 4, NULL, 3, 0), -EOVERFLOW);
}

/* splice */

CASE(splice_file_to_pipe)
{
	char buf[8] = {0};
	int p[2];

	src_dst("abcdef");
	OK(sys_pipe2(p, O_NONBLOCK));
	EQ(sys_splice(3, NULL, p[1], NULL, 4, 0), 4);
	EQ(sys_lseek(3, 0, SEEK_CUR), 4);
	EQ(sys_read(p[0], buf, sizeof(buf)), 4);
	EQ_STR(buf, "abcd");
}

CASE(splice_pipe_to_file)
{
	int p[2];

	src_dst("");
	OK(sys_pipe2(p, 0));
	EQ(sys_write(p[1], "piped", 5), 5);
	EQ(sys_splice(p[0], NULL, 4, NULL, 100, 0), 5);
	EQ_STR(read_all("dst"), "piped");
	EQ(sys_lseek(4, 0, SEEK_CUR), 5);
}

CASE(splice_file_offset)
{
	off_t off = 3;
	char buf[8] = {0};
	int p[2];

	src_dst("abcdef");
	OK(sys_pipe2(p, O_NONBLOCK));
	EQ(sys_splice(3, &off, p[1], NULL, 2, 0), 2);
	EQ(off, 5);
	EQ(sys_lseek(3, 0, SEEK_CUR), 0);
	EQ(sys_read(p[0], buf, sizeof(buf)), 2);
	EQ_STR(buf, "de");
}

CASE(splice_pipe_to_pipe)
{
	char buf[8] = {0};
	int a[2], b[2];

	OK(sys_pipe2(a, O_NONBLOCK));
	OK(sys_pipe2(b, O_NONBLOCK));
	EQ(sys_write(a[1], "xyz", 3), 3);
	EQ(sys_splice(a[0], NULL, b[1], NULL, 2, 0), 2);
	EQ(sys_read(b[0], buf, sizeof(buf)), 2);
	EQ_STR(buf, "xy");
	EQ(sys_read(a[0], buf, sizeof(buf)), 1);
}

CASE(splice_pipe_to_pipe_cuts_packet)
{
	char buf[8] = {0};
	int a[2], b[2];

	OK(sys_pipe2(a, O_DIRECT | O_NONBLOCK));
	OK(sys_pipe2(b, O_NONBLOCK));
	EQ(sys_write(a[1], "one", 3), 3);
	EQ(sys_write(a[1], "two", 3), 3);
	EQ(sys_splice(a[0], NULL, b[1], NULL, 4, 0), 4);
	EQ(sys_read(b[0], buf, sizeof(buf)), 3);
	EQ_STR(buf, "one");
	memset(buf, 0, sizeof(buf));
	EQ(sys_read(b[0], buf, sizeof(buf)), 1);
	EQ_STR(buf, "t");
	memset(buf, 0, sizeof(buf));
	EQ(sys_read(a[0], buf, sizeof(buf)), 2);
	EQ_STR(buf, "wo");
}

CASE(splice_pipe_to_pipe_whole_slot_merges)
{
	char buf[8] = {0};
	int a[2], b[2];

	OK(sys_pipe2(a, O_NONBLOCK));
	OK(sys_pipe2(b, O_NONBLOCK));
	EQ(sys_fcntl(b[1], F_SETPIPE_SZ, 4096), 4096);
	EQ(sys_write(a[1], "abc", 3), 3);
	EQ(sys_splice(a[0], NULL, b[1], NULL, 100, 0), 3);
	EQ(sys_write(b[1], "de", 2), 2);
	EQ(sys_read(b[0], buf, sizeof(buf)), 5);
	EQ_STR(buf, "abcde");
}

CASE(splice_pipe_to_pipe_cut_slot_takes_no_merge)
{
	int a[2], b[2];

	OK(sys_pipe2(a, O_NONBLOCK));
	OK(sys_pipe2(b, O_NONBLOCK));
	EQ(sys_fcntl(b[1], F_SETPIPE_SZ, 4096), 4096);
	EQ(sys_write(a[1], "abcdef", 6), 6);
	EQ(sys_splice(a[0], NULL, b[1], NULL, 2, 0), 2);
	ERR(sys_write(b[1], "de", 2), -EAGAIN);
}

CASE(splice_file_to_pipe_slot_takes_no_merge)
{
	char buf[8] = {0};
	int p[2];

	src_dst("abc");
	OK(sys_pipe2(p, O_NONBLOCK));
	EQ(sys_fcntl(p[1], F_SETPIPE_SZ, 4096), 4096);
	EQ(sys_splice(3, NULL, p[1], NULL, 100, 0), 3);
	ERR(sys_write(p[1], "de", 2), -EAGAIN);
	EQ(sys_read(p[0], buf, sizeof(buf)), 3);
	EQ_STR(buf, "abc");
}

CASE(splice_file_to_pipe_fills_free_slots)
{
	static char big[20000];
	int p[2];

	mkfile("src", "");
	EQ(sys_openat(AT_FDCWD, "src", O_RDWR, 0), 3);
	EQ(sys_write(3, big, sizeof(big)), sizeof(big));
	OK(sys_pipe2(p, O_NONBLOCK));
	EQ(sys_fcntl(p[1], F_SETPIPE_SZ, 16384), 16384);
	EQ(sys_write(p[1], "x", 1), 1);
	off_t off = 0;
	EQ(sys_splice(3, &off, p[1], NULL, sizeof(big), 0), 3 * 4096);
	EQ(off, 3 * 4096);
}

/* A file of n bytes, byte i being i % 251, open as fd 3. */
static void patterned(char *buf, int n)
{
	for (int i = 0; i < n; i++)
		buf[i] = (char)(i % 251);
	mkfile("src", "");
	EQ(sys_openat(AT_FDCWD, "src", O_RDWR, 0), 3);
	EQ(sys_write(3, buf, n), n);
}

/* A nonblocking pipe of size bytes. */
static void sized_pipe(int p[2], int size)
{
	OK(sys_pipe2(p, O_NONBLOCK));
	EQ(sys_fcntl(p[1], F_SETPIPE_SZ, size), size);
}

/* The pipe holds n bytes: those of want. */
static void drains(int fd, const char *want, long n)
{
	static char got[65536];

	EQ(sys_read(fd, got, sizeof(got)), n);
	EQ(memcmp(got, want, n), 0);
}

/* Each slot holds what is left of one page of the file. */
CASE(splice_file_to_pipe_unaligned_offset)
{
	static char big[20000];
	off_t off = 100;
	int p[2];

	patterned(big, sizeof(big));
	sized_pipe(p, 16384);
	EQ(sys_splice(3, &off, p[1], NULL, sizeof(big), 0), 4096 - 100 + 3 * 4096);
	EQ(off, 4 * 4096);
	ERR(sys_write(p[1], "x", 1), -EAGAIN);
	drains(p[0], big + 100, 4 * 4096 - 100);
}

CASE(splice_file_to_pipe_unaligned_file_position)
{
	static char big[20000];
	int p[2];

	patterned(big, sizeof(big));
	EQ(sys_lseek(3, 5000, SEEK_SET), 5000);
	sized_pipe(p, 8192);
	EQ(sys_splice(3, NULL, p[1], NULL, sizeof(big), 0), 8192 - 5000 % 4096);
	EQ(sys_lseek(3, 0, SEEK_CUR), 3 * 4096);
	drains(p[0], big + 5000, 8192 - 5000 % 4096);
}

CASE(splice_file_to_pipe_unaligned_to_eof)
{
	static char big[6000];
	off_t off = 4000;
	int p[2];

	patterned(big, sizeof(big));
	OK(sys_pipe2(p, O_NONBLOCK));
	EQ(sys_splice(3, &off, p[1], NULL, 65536, 0), 2000);
	EQ(off, 6000);
	drains(p[0], big + 4000, 2000);
}

/* A file open O_DIRECT is read into whole pages, not page-cache pages
 * (Linux's copy_splice_read). */
CASE(splice_direct_file_to_pipe_whole_pages)
{
	static char big[20000];
	off_t off = 100;
	int p[2];

	patterned(big, sizeof(big));
	EQ(sys_openat(AT_FDCWD, "src", O_RDONLY | O_DIRECT, 0), 4);
	sized_pipe(p, 16384);
	EQ(sys_splice(4, &off, p[1], NULL, sizeof(big), 0), 16384);
	EQ(off, 100 + 16384);
	drains(p[0], big + 100, 16384);
}

CASE(sendfile_to_pipe_unaligned_offset)
{
	static char big[20000];
	off_t off = 4095;
	int p[2];

	patterned(big, sizeof(big));
	sized_pipe(p, 8192);
	EQ(sys_sendfile(p[1], 3, &off, sizeof(big)), 1 + 4096);
	EQ(off, 2 * 4096);
	drains(p[0], big + 4095, 1 + 4096);
}

CASE(splice_no_pipe_einval)
{
	src_dst("abc");
	ERR(sys_splice(3, NULL, 4, NULL, 3, 0), -EINVAL);
}

CASE(splice_offset_on_pipe_espipe)
{
	off_t off = 0;
	int p[2];

	src_dst("abc");
	OK(sys_pipe2(p, 0));
	EQ(sys_write(p[1], "x", 1), 1);
	ERR(sys_splice(p[0], &off, 4, NULL, 1, 0), -ESPIPE);
	ERR(sys_splice(3, NULL, p[1], &off, 1, 0), -ESPIPE);
}

CASE(splice_empty_pipe_nonblock)
{
	int p[2];

	src_dst("");
	OK(sys_pipe2(p, 0));
	ERR(sys_splice(p[0], NULL, 4, NULL, 10, SPLICE_F_NONBLOCK), -EAGAIN);
	EQ(sys_close(p[1]), 0);
	EQ(sys_splice(p[0], NULL, 4, NULL, 10, 0), 0);
}

CASE(splice_full_pipe_nonblock)
{
	static char buf[65536];
	int p[2];

	src_dst("abc");
	OK(sys_pipe2(p, O_NONBLOCK));
	EQ(sys_write(p[1], buf, sizeof(buf)), sizeof(buf));
	ERR(sys_splice(3, NULL, p[1], NULL, 3, SPLICE_F_NONBLOCK), -EAGAIN);
}

CASE(splice_bad_flags)
{
	int p[2];

	src_dst("abc");
	OK(sys_pipe2(p, 0));
	ERR(sys_splice(3, NULL, p[1], NULL, 3, 0x100), -EINVAL);
}

CASE(splice_ebadf)
{
	int p[2];

	OK(sys_pipe2(p, 0));
	ERR(sys_splice(99, NULL, p[1], NULL, 3, 0), -EBADF);
	ERR(sys_splice(p[0], NULL, 99, NULL, 3, 0), -EBADF);
}

CASE(splice_wrong_direction_ebadf)
{
	int p[2];

	src_dst("abc");
	OK(sys_pipe2(p, 0));
	EQ(sys_write(p[1], "x", 1), 1);
	ERR(sys_splice(p[0], NULL, 3, NULL, 1, 0), -EBADF);
	ERR(sys_splice(p[1], NULL, 4, NULL, 1, 0), -EBADF);
}

CASE(splice_out_append_einval)
{
	int p[2];

	src_dst("");
	EQ(sys_openat(AT_FDCWD, "dst", O_WRONLY | O_APPEND, 0), 5);
	OK(sys_pipe2(p, 0));
	EQ(sys_write(p[1], "x", 1), 1);
	ERR(sys_splice(p[0], NULL, 5, NULL, 1, 0), -EINVAL);
}

CASE(splice_zero_len)
{
	int p[2];

	src_dst("abc");
	OK(sys_pipe2(p, 0));
	EQ(sys_splice(3, NULL, p[1], NULL, 0, 0), 0);
}

/* tee */

/* vmsplice puts the caller's pages in the pipe: a slot holds what is
 * left of one page of one buffer. */
CASE(vmsplice_unaligned_buffer)
{
	static char mem[3 * 4096] __attribute__((aligned(4096)));
	struct iovec iov = { mem + 100, 8192 };
	int p[2];

	for (int i = 0; i < (int)sizeof(mem); i++)
		mem[i] = (char)(i % 251);
	sized_pipe(p, 8192);
	EQ(sys_vmsplice(p[1], &iov, 1, 0), 4096 - 100 + 4096);
	ERR(sys_write(p[1], "x", 1), -EAGAIN);
	drains(p[0], mem + 100, 8192 - 100);
}

CASE(vmsplice_slot_per_buffer)
{
	static char mem[4096] __attribute__((aligned(4096)));
	char got[16] = {0};
	struct iovec iov[3] = { { mem, 3 }, { mem + 8, 3 }, { mem + 16, 3 } };
	int p[2];

	memcpy(mem, "abc.....def.....ghi", 19);
	sized_pipe(p, 8192);
	EQ(sys_vmsplice(p[1], iov, 3, 0), 6);
	/* Only the flag makes vmsplice nonblocking, not O_NONBLOCK. */
	ERR(sys_vmsplice(p[1], iov, 1, SPLICE_F_NONBLOCK), -EAGAIN);
	EQ(sys_read(p[0], got, sizeof(got)), 6);
	EQ_STR(got, "abcdef");
}

static void *pipe_write_later(void *arg)
{
	long long deadline = dual_now_ms() + 50;

	while (dual_now_ms() < deadline)
		sys_sched_yield();
	return (void *)sys_write((int)(long)arg, "xy", 2);
}

/* The pipe's O_NONBLOCK does not make vmsplice nonblocking: reading an
 * empty pipe, it waits for the writer. */
CASE(vmsplice_waits_despite_o_nonblock)
{
	char got[4] = {0};
	struct iovec iov = { got, sizeof(got) };
	pthread_t t;
	int p[2];

	OK(sys_pipe2(p, O_NONBLOCK));
	t = dual_thread(pipe_write_later, (void *)(long)p[1]);
	EQ(sys_vmsplice(p[0], &iov, 1, 0), 2);
	EQ_STR(got, "xy");
	EQ((long)dual_join(t), 2);
}

CASE(tee_duplicates)
{
	char buf[8] = {0};
	int a[2], b[2];

	OK(sys_pipe2(a, O_NONBLOCK));
	OK(sys_pipe2(b, O_NONBLOCK));
	EQ(sys_write(a[1], "hello", 5), 5);
	EQ(sys_tee(a[0], b[1], 3, 0), 3);
	EQ(sys_read(b[0], buf, sizeof(buf)), 3);
	EQ_STR(buf, "hel");
	memset(buf, 0, sizeof(buf));
	EQ(sys_read(a[0], buf, sizeof(buf)), 5);
	EQ_STR(buf, "hello");
}

CASE(tee_keeps_packets)
{
	char buf[8] = {0};
	int a[2], b[2];

	OK(sys_pipe2(a, O_DIRECT | O_NONBLOCK));
	OK(sys_pipe2(b, O_NONBLOCK));
	EQ(sys_write(a[1], "one", 3), 3);
	EQ(sys_write(a[1], "two", 3), 3);
	EQ(sys_tee(a[0], b[1], 100, 0), 6);
	EQ(sys_read(b[0], buf, sizeof(buf)), 3);
	EQ_STR(buf, "one");
	EQ(sys_read(b[0], buf, sizeof(buf)), 3);
	EQ_STR(buf, "two");
	EQ(sys_read(a[0], buf, sizeof(buf)), 3);
	EQ_STR(buf, "one");
}

CASE(tee_cuts_packet)
{
	char buf[8] = {0};
	int a[2], b[2];

	OK(sys_pipe2(a, O_DIRECT | O_NONBLOCK));
	OK(sys_pipe2(b, O_NONBLOCK));
	EQ(sys_write(a[1], "one", 3), 3);
	EQ(sys_write(a[1], "two", 3), 3);
	EQ(sys_tee(a[0], b[1], 4, 0), 4);
	EQ(sys_read(b[0], buf, sizeof(buf)), 3);
	memset(buf, 0, sizeof(buf));
	EQ(sys_read(b[0], buf, sizeof(buf)), 1);
	EQ_STR(buf, "t");
	ERR(sys_read(b[0], buf, sizeof(buf)), -EAGAIN);
}

CASE(tee_slot_takes_no_merge)
{
	char buf[8] = {0};
	int a[2], b[2];

	OK(sys_pipe2(a, O_NONBLOCK));
	OK(sys_pipe2(b, O_NONBLOCK));
	EQ(sys_fcntl(b[1], F_SETPIPE_SZ, 4096), 4096);
	EQ(sys_write(a[1], "abc", 3), 3);
	EQ(sys_tee(a[0], b[1], 100, 0), 3);
	ERR(sys_write(b[1], "de", 2), -EAGAIN);
	/* The source slot still takes them. */
	EQ(sys_write(a[1], "de", 2), 2);
	EQ(sys_read(a[0], buf, sizeof(buf)), 5);
	EQ_STR(buf, "abcde");
}

CASE(tee_full_pipe_nonblock)
{
	static char buf[65536];
	int a[2], b[2];

	OK(sys_pipe2(a, O_NONBLOCK));
	OK(sys_pipe2(b, O_NONBLOCK));
	EQ(sys_write(a[1], "x", 1), 1);
	for (int i = 0; i < 16; i++)
		EQ(sys_write(b[1], buf, 4096), 4096);
	ERR(sys_tee(a[0], b[1], 1, 0), -EAGAIN);
}

CASE(tee_not_pipe_einval)
{
	int p[2];

	src_dst("abc");
	OK(sys_pipe2(p, 0));
	ERR(sys_tee(3, p[1], 3, 0), -EINVAL);
	ERR(sys_tee(p[0], 4, 3, 0), -EINVAL);
}

CASE(tee_same_pipe_einval)
{
	int p[2];

	OK(sys_pipe2(p, 0));
	EQ(sys_write(p[1], "x", 1), 1);
	ERR(sys_tee(p[0], p[1], 1, 0), -EINVAL);
}

CASE(tee_empty)
{
	int a[2], b[2];

	OK(sys_pipe2(a, 0));
	OK(sys_pipe2(b, 0));
	ERR(sys_tee(a[0], b[1], 10, SPLICE_F_NONBLOCK), -EAGAIN);
	EQ(sys_close(a[1]), 0);
	EQ(sys_tee(a[0], b[1], 10, 0), 0);
}

CASE(tee_ebadf)
{
	int p[2];

	OK(sys_pipe2(p, 0));
	ERR(sys_tee(99, p[1], 1, 0), -EBADF);
	ERR(sys_tee(p[0], 99, 1, 0), -EBADF);
}
