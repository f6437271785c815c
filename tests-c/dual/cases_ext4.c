/*
 * ext4 itself: cases run only by run.sh --ext4, where the scratch
 * directory is on a fresh mkfs.ext4 image (64 MiB, mke2fs defaults, one
 * UUID and hash seed for the host's image and liblinux's). They check
 * what differs from tmpfs: block accounting, size limits, directory
 * sizes and hash order as directories grow into htrees, xattrs in the
 * inode and in a block, fallocate modes, statx attributes.
 */
#include "dual.h"

/* The block size of the image (1024 with mke2fs defaults at 64 MiB). */
static long bsize(void)
{
	struct statfs s;

	OK(sys_statfs(".", &s));
	return s.f_bsize;
}

static struct statfs fs_now(void)
{
	struct statfs s;

	OK(sys_statfs(".", &s));
	return s;
}

/* Largest file size of an extent-mapped file: 2^32 - 1 blocks. */
static long long max_bytes(void)
{
	return ((1LL << 32) - 1) * bsize();
}

/* FNV-1a over a string, to compare long listings in one value. */
static unsigned long long fnv(unsigned long long h, const void *p, size_t n)
{
	const unsigned char *c = p;

	for (size_t k = 0; k < n; k++)
		h = (h ^ c[k]) * 0x100000001b3ULL;
	return h;
}

CASE(ext4_statfs_geometry)
{
	struct statfs s = fs_now();

	EQ(s.f_type, 0xEF53);
	EQ(s.f_namelen, 255);
	EQ(s.f_frsize, s.f_bsize);
	EQ(s.f_files, 16384);
	EQ(s.f_blocks, s.f_bsize == 1024 ? 56037 : 14325);
	CHECK(s.f_bavail < s.f_bfree);
}

CASE(ext4_statfs_counts_files_and_blocks)
{
	struct statfs a = fs_now(), b, c;
	long bs = bsize();
	static char buf[65536];

	memset(buf, 'x', sizeof(buf));
	EQ(sys_openat(AT_FDCWD, "f", O_CREAT | O_RDWR, 0644), 3);
	EQ(sys_write(3, buf, 10 * bs), 10 * bs);
	EQ(sys_fsync(3), 0);
	b = fs_now();
	EQ(a.f_ffree - b.f_ffree, 1);
	EQ(a.f_bfree - b.f_bfree, 10);
	EQ(fstat_of(3).st_blocks, 10 * bs / 512);
	OK(sys_close(3));
	OK(sys_unlinkat(AT_FDCWD, "f", 0));
	OK(sys_sync());
	c = fs_now();
	EQ(c.f_ffree, a.f_ffree);
	EQ(c.f_bfree, a.f_bfree);
}

CASE(ext4_lost_found)
{
	struct stat st;

	/* The scratch directory is two levels below the image's root. */
	OK(sys_fstatat(AT_FDCWD, "../../lost+found", &st, AT_SYMLINK_NOFOLLOW));
	EQ(st.st_mode, S_IFDIR | 0700);
	EQ(st.st_nlink, 2);
	EQ(st.st_uid, 0);
	EQ(st.st_ino, 11);
	EQ(st.st_size, bsize() == 1024 ? 12288 : 16384);
	EQ(st.st_blocks, st.st_size / 512);
	OK(sys_fstatat(AT_FDCWD, "../..", &st, AT_SYMLINK_NOFOLLOW));
	EQ(st.st_ino, 2);
}

CASE(ext4_lseek_max_bytes)
{
	long long m = max_bytes();

	mkfile("f", "abc");
	EQ(sys_openat(AT_FDCWD, "f", O_RDWR, 0), 3);
	EQ(sys_lseek(3, m, SEEK_SET), m);
	ERR(sys_lseek(3, m + 1, SEEK_SET), -EINVAL);
	ERR(sys_lseek(3, 1, SEEK_CUR), -EINVAL);
	EQ(sys_lseek(3, 0, SEEK_CUR), m);
	EQ(sys_lseek(3, -m, SEEK_CUR), 0);
	EQ(sys_lseek(3, m - 3, SEEK_END), m);
	ERR(sys_lseek(3, m - 2, SEEK_END), -EINVAL);
	ERR(sys_lseek(3, LLONG_MAX, SEEK_SET), -EINVAL);
	ERR(sys_lseek(3, -1, SEEK_SET), -EINVAL);
	EQ(sys_lseek(3, 0, SEEK_CUR), m);
}

CASE(ext4_write_at_max_bytes)
{
	long long m = max_bytes();

	EQ(sys_openat(AT_FDCWD, "f", O_CREAT | O_RDWR, 0644), 3);
	ERR(sys_pwrite64(3, "x", 1, m), -EFBIG);
	EQ(sys_pwrite64(3, "xy", 2, m - 1), 1);
	EQ(fstat_of(3).st_size, m);
	EQ(fstat_of(3).st_blocks, bsize() / 512);
	ERR(sys_ftruncate(3, m + 1), -EFBIG);
	EQ(sys_ftruncate(3, 1), 0);
	EQ(fstat_of(3).st_blocks, 0);
}

CASE(ext4_symlink_length_limit)
{
	static char t[4096];
	char back[4096];
	long bs = bsize();

	memset(t, 'a', bs);
	t[bs] = 0;
	ERR(sys_symlinkat(t, AT_FDCWD, "l"), -ENAMETOOLONG);
	t[bs - 1] = 0;
	EQ(sys_symlinkat(t, AT_FDCWD, "l"), 0);
	EQ(sys_readlinkat(AT_FDCWD, "l", back, sizeof(back)), bs - 1);
	EQ_MEM(back, t, bs - 1);
	EQ(size_of("l"), bs - 1);
	EQ(stat_of("l").st_blocks, bs / 512);
	/* Targets up to 59 bytes live in the inode. */
	t[59] = 0;
	EQ(sys_symlinkat(t, AT_FDCWD, "fast"), 0);
	EQ(stat_of("fast").st_blocks, 0);
	t[59] = 'a';
	t[60] = 0;
	EQ(sys_symlinkat(t, AT_FDCWD, "slow"), 0);
	EQ(stat_of("slow").st_blocks, bs / 512);
}

CASE(ext4_dir_size_and_blocks)
{
	long bs = bsize();

	mkdir_p("d");
	EQ(size_of("d"), bs);
	EQ(stat_of("d").st_blocks, bs / 512);
	EQ(stat_of("d").st_nlink, 2);
	mkdir_p("d/s");
	EQ(stat_of("d").st_nlink, 3);
	mkfile("d/f", "");
	EQ(size_of("d"), bs);
	EQ(stat_of(".").st_nlink, 3);
}

/* Creates files dir/entry-<k>-xxx... with 40-character names (48-byte
 * records), for k from first to first + n - 1. */
static void many(const char *dir, int first, int n)
{
	char name[128];

	for (int k = first; k < first + n; k++) {
		snprintf(name, sizeof(name), "%s/entry-%06d-xxxxxxxxxxxxxxxxxxxxxxxxxxx", dir, k);
		EQ(sys_close(OK(sys_openat(AT_FDCWD, name, O_CREAT | O_WRONLY, 0644))), 0);
	}
}

/* Hash of the whole getdents64 stream of a directory: names, d_off,
 * d_type in order, with a small buffer so it takes many calls. */
static unsigned long long listing(const char *dir, int *count)
{
	static char buf[1024];
	unsigned long long h = 0xcbf29ce484222325ULL;
	long fd = OK(sys_openat(AT_FDCWD, dir, O_RDONLY | O_DIRECTORY, 0));
	long got;

	*count = 0;
	while ((got = OK(sys_getdents64(fd, buf, sizeof(buf)))) > 0) {
		for (long off = 0; off < got;) {
			struct dirent64_k *d = (struct dirent64_k *)(buf + off);

			h = fnv(h, d->d_name, strlen(d->d_name) + 1);
			h = fnv(h, &d->d_off, sizeof(d->d_off));
			h = fnv(h, &d->d_type, 1);
			(*count)++;
			off += d->d_reclen;
		}
	}
	OK(sys_close(fd));
	return h;
}

CASE(ext4_htree_grows)
{
	long bs = bsize();
	int n;
	unsigned long long h;

	mkdir_p("d");
	/* 48-byte records: a block holds (bs - 24) / 48 of them. */
	many("d", 0, (bs - 36) / 48);
	EQ(size_of("d"), bs);
	many("d", (bs - 36) / 48, 1);
	EQ(size_of("d"), 3 * bs);
	h = listing("d", &n);
	EQ(n, (bs - 24) / 48 + 3);
	(void)h;
}

CASE(ext4_htree_many_entries)
{
	long bs = bsize();
	int n;
	unsigned long long h;

	mkdir_p("d");
	many("d", 0, 3000);
	EQ(size_of("d"), bs == 1024 ? 209920 : 204800);
	h = listing("d", &n);
	EQ(n, 3002);
	EQ(h, 0x1673ad8ed6da1fc6ULL);
	EQ(exists("d/entry-001234-xxxxxxxxxxxxxxxxxxxxxxxxxxx"), 1);
	EQ(exists("d/entry-003000-xxxxxxxxxxxxxxxxxxxxxxxxxxx"), 0);
}

CASE(ext4_getdents_small_dir_hash_order)
{
	int n;
	unsigned long long h;

	mkdir_p("d");
	mkfile("d/a", "");
	mkfile("d/b", "");
	mkdir_p("d/c");
	h = listing("d", &n);
	EQ(n, 5);
	EQ(h, 0xab23f8c2bcdc1dd5ULL);
	h = listing(".", &n);
	EQ(n, 3);
	EQ(h, 0xe6f9fc5b39dd83aaULL);
}

CASE(ext4_getdents_empty_dir_offsets)
{
	static char buf[1024];
	long got;

	mkdir_p("d");
	EQ(sys_openat(AT_FDCWD, "d", O_RDONLY | O_DIRECTORY, 0), 3);
	got = OK(sys_getdents64(3, buf, sizeof(buf)));
	EQ(got, 48);
	EQ(((struct dirent64_k *)buf)->d_off, 0x5313426ece8c3082LL);
	EQ(((struct dirent64_k *)(buf + 24))->d_off, LLONG_MAX);
	EQ(sys_getdents64(3, buf, sizeof(buf)), 0);
	EQ(sys_lseek(3, 0, SEEK_CUR), LLONG_MAX);
	EQ(sys_lseek(3, 0, SEEK_END), LLONG_MAX);
	EQ(sys_lseek(3, 0, SEEK_SET), 0);
	EQ(sys_getdents64(3, buf, sizeof(buf)), 48);
}

CASE(ext4_xattr_inode_then_block)
{
	static char v[4096];
	char buf[256];
	long bs = bsize();

	memset(v, 'v', sizeof(v));
	mkfile("f", "");
	OK(sys_setxattr("f", "user.small", v, 10, 0));
	EQ(stat_of("f").st_blocks, 0);
	OK(sys_setxattr("f", "user.big", v, 200, 0));
	EQ(stat_of("f").st_blocks, bs / 512);
	OK(sys_setxattr("f", "trusted.t", v, 5, 0));
	EQ(sys_listxattr("f", buf, sizeof(buf)), 30);
	/* Into the inode while there is room, then the block. */
	EQ_MEM(buf, "user.small\0trusted.t\0user.big\0", 30);
	EQ(sys_getxattr("f", "user.big", buf, sizeof(buf)), 200);
	OK(sys_removexattr("f", "user.big"));
	EQ(stat_of("f").st_blocks, 0);
	EQ(sys_getxattr("f", "user.small", buf, sizeof(buf)), 10);
}

CASE(ext4_xattr_value_too_big)
{
	static char v[70000];
	long bs = bsize();

	mkfile("f", "");
	ERR(sys_setxattr("f", "user.v", v, bs, 0), -ENOSPC);
	ERR(sys_setxattr("f", "user.v", v, 65537, 0), -E2BIG);
	EQ(sys_setxattr("f", "user.v", v, bs - 64, 0), 0);
	EQ(stat_of("f").st_blocks, bs / 512);
}

CASE(ext4_xattr_fill_block)
{
	char name[32];
	int k;
	long r = 0;

	mkfile("f", "");
	for (k = 0; k < 1000; k++) {
		snprintf(name, sizeof(name), "user.n%04d", k);
		r = sys_setxattr("f", name, "0123456789", 10, 0);
		if (r != 0)
			break;
	}
	ERR(r, -ENOSPC);
	EQ(k, bsize() == 1024 ? 29 : 114);
	EQ(sys_listxattr("f", NULL, 0), 11 * k);
}

CASE(ext4_fallocate_blocks)
{
	long bs = bsize();

	EQ(sys_openat(AT_FDCWD, "f", O_CREAT | O_RDWR, 0644), 3);
	EQ(sys_fallocate(3, FALLOC_FL_KEEP_SIZE, 0, 16 * bs), 0);
	EQ(fstat_of(3).st_size, 0);
	EQ(fstat_of(3).st_blocks, 16 * bs / 512);
	EQ(sys_fallocate(3, 0, 0, 8 * bs), 0);
	EQ(fstat_of(3).st_size, 8 * bs);
	EQ(sys_fallocate(3, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 2 * bs, 4 * bs), 0);
	EQ(fstat_of(3).st_blocks, 12 * bs / 512);
	EQ(sys_fallocate(3, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 100, 10), 0);
	EQ(fstat_of(3).st_blocks, 12 * bs / 512);
	ERR(sys_fallocate(3, FALLOC_FL_PUNCH_HOLE, 0, bs), -EOPNOTSUPP);
	EQ(sys_fallocate(3, FALLOC_FL_ZERO_RANGE, 20 * bs, bs), 0);
	EQ(fstat_of(3).st_size, 21 * bs);
	EQ(fstat_of(3).st_blocks, 13 * bs / 512);
}

CASE(ext4_fallocate_punch_reads_zeros)
{
	static char buf[8192], z[8192];
	long bs = bsize();

	memset(buf, 'x', sizeof(buf));
	EQ(sys_openat(AT_FDCWD, "f", O_CREAT | O_RDWR, 0644), 3);
	EQ(sys_write(3, buf, 8192), 8192);
	EQ(sys_fallocate(3, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 100, 5000), 0);
	EQ(sys_pread64(3, buf, 8192, 0), 8192);
	EQ(buf[99], 'x');
	EQ_MEM(buf + 100, z, 5000);
	EQ(buf[5100], 'x');
	EQ(fstat_of(3).st_blocks, (8192 - (5100 / bs - (100 + bs - 1) / bs) * bs) / 512);
	/* Whole blocks of the range are freed, zeros are written around. */
	EQ(sys_lseek(3, 0, SEEK_HOLE), bs == 1024 ? 1024 : 8192);
}

CASE(ext4_fallocate_collapse_insert)
{
	static char buf[16384];
	long bs = bsize();

	for (int k = 0; k < 16; k++)
		memset(buf + k * 1024, 'a' + k, 1024);
	EQ(sys_openat(AT_FDCWD, "f", O_CREAT | O_RDWR, 0644), 3);
	EQ(sys_write(3, buf, 16384), 16384);
	ERR(sys_fallocate(3, FALLOC_FL_COLLAPSE_RANGE, 1, bs), -EINVAL);
	ERR(sys_fallocate(3, FALLOC_FL_COLLAPSE_RANGE, 0, 16384), -EINVAL);
	ERR(sys_fallocate(3, FALLOC_FL_COLLAPSE_RANGE | FALLOC_FL_KEEP_SIZE, 0, bs), -EOPNOTSUPP);
	EQ(sys_fallocate(3, FALLOC_FL_COLLAPSE_RANGE, 4096, 4096), 0);
	EQ(fstat_of(3).st_size, 12288);
	EQ(sys_pread64(3, buf, 16384, 0), 12288);
	EQ(buf[4095], 'd');
	EQ(buf[4096], 'i');
	EQ(buf[12287], 'p');
	EQ(sys_fallocate(3, FALLOC_FL_INSERT_RANGE, 4096, 8192), 0);
	EQ(fstat_of(3).st_size, 20480);
	EQ(sys_pread64(3, buf, 16384, 4096), 16384);
	EQ(buf[0], 0);
	EQ(buf[8191], 0);
	EQ(buf[8192], 'i');
	ERR(sys_fallocate(3, FALLOC_FL_INSERT_RANGE, 20480, 4096), -EINVAL);
	EQ(sys_lseek(3, 0, SEEK_HOLE), 4096);
	EQ(sys_lseek(3, 4096, SEEK_DATA), 12288);
}

CASE(ext4_fallocate_unwritten_seek)
{
	long bs = bsize();

	EQ(sys_openat(AT_FDCWD, "f", O_CREAT | O_RDWR, 0644), 3);
	EQ(sys_fallocate(3, 0, 0, 4 * bs), 0);
	ERR(sys_lseek(3, 0, SEEK_DATA), -ENXIO);
	EQ(sys_lseek(3, 0, SEEK_HOLE), 0);
	EQ(sys_pwrite64(3, "x", 1, bs), 1);
	EQ(sys_lseek(3, 0, SEEK_DATA), bs);
	EQ(sys_lseek(3, bs, SEEK_HOLE), 2 * bs);
	EQ(fstat_of(3).st_blocks, 4 * bs / 512);
}

CASE(ext4_statx_attributes)
{
	struct statx stx;

	mkfile("f", "");
	EQ(sys_statx(AT_FDCWD, "f", 0, 0, &stx), 0);
	EQ(stx.stx_mask, 0x173f);
	EQ(stx.stx_attributes_mask, 0x303874);
	EQ(stx.stx_attributes, 0);
	EQ(sys_statx(AT_FDCWD, "f", 0, STATX_ALL, &stx), 0);
	EQ(stx.stx_mask, 0x1fff);
	EQ(stx.stx_blksize, bsize());
}

static void settimes1(const char *p)
{
	struct timespec ts[2] = {{1, 0}, {1, 0}};

	OK(sys_utimensat(AT_FDCWD, p, ts, 0));
}

CASE(ext4_truncate_same_size_times)
{
	mkfile("e", "");
	settimes1("e");
	OK(sys_truncate("e", 0));
	CHECK(stat_of("e").st_mtime != 1);
	CHECK(stat_of("e").st_ctime != 1);
}

CASE(ext4_rwf_nowait)
{
	char buf[4];
	struct iovec v = {buf, sizeof(buf)};

	mkfile("f", "0123456789");
	EQ(sys_openat(AT_FDCWD, "f", O_RDWR, 0), 3);
	EQ(sys_preadv2(3, &v, 1, 0, RWF_NOWAIT), 4);
	ERR(sys_pwritev2(3, &v, 1, 0, RWF_NOWAIT), -EOPNOTSUPP);
}

CASE(ext4_open_unlinked_keeps_blocks)
{
	static char buf[65536];
	struct statfs a, b, c;
	long bs = bsize();

	a = fs_now();
	EQ(sys_openat(AT_FDCWD, "f", O_CREAT | O_RDWR, 0644), 3);
	EQ(sys_write(3, buf, 32 * bs), 32 * bs);
	OK(sys_unlinkat(AT_FDCWD, "f", 0));
	EQ(fstat_of(3).st_nlink, 0);
	EQ(fstat_of(3).st_blocks, 32 * bs / 512);
	EQ(sys_pwrite64(3, "y", 1, 0), 1);
	EQ(sys_pread64(3, buf, 1, 0), 1);
	EQ(buf[0], 'y');
	OK(sys_fsync(3));
	b = fs_now();
	EQ(a.f_bfree - b.f_bfree, 32);
	EQ(a.f_ffree - b.f_ffree, 1);
	OK(sys_close(3));
	OK(sys_sync());
	c = fs_now();
	EQ(c.f_bfree, a.f_bfree);
	EQ(c.f_ffree, a.f_ffree);
}

CASE(ext4_tmpfile_link)
{
	EQ(sys_openat(AT_FDCWD, ".", O_TMPFILE | O_RDWR, 0600), 3);
	EQ(sys_write(3, "hi", 2), 2);
	EQ(fstat_of(3).st_nlink, 0);
	EQ(sys_linkat(3, "", AT_FDCWD, "t", AT_EMPTY_PATH), 0);
	EQ(stat_of("t").st_nlink, 1);
	EQ_STR(read_all("t"), "hi");
}

CASE(ext4_whiteout)
{
	struct stat st;

	mkfile("a", "x");
	EQ(sys_renameat2(AT_FDCWD, "a", AT_FDCWD, "b", RENAME_WHITEOUT), 0);
	st = stat_of("a");
	EQ(st.st_mode, S_IFCHR | 0);
	EQ(st.st_rdev, 0);
	EQ(st.st_blocks, 0);
	EQ(st.st_nlink, 1);
	EQ_STR(read_all("b"), "x");
}

CASE(ext4_rename_dirs_nlink)
{
	mkdir_p("p");
	mkdir_p("q");
	mkdir_p("p/d");
	mkdir_p("q/e");
	EQ(sys_renameat2(AT_FDCWD, "p/d", AT_FDCWD, "q/e", 0), 0);
	EQ(stat_of("p").st_nlink, 2);
	EQ(stat_of("q").st_nlink, 3);
	mkfile("p/f", "");
	EQ(sys_renameat2(AT_FDCWD, "p/f", AT_FDCWD, "q/e", RENAME_EXCHANGE), 0);
	EQ(stat_of("p").st_nlink, 3);
	EQ(stat_of("q").st_nlink, 2);
	EQ(stat_of("p/f").st_mode & S_IFMT, S_IFDIR);
	EQ(stat_of("p/f/..").st_ino, stat_of("p").st_ino);
}

CASE(ext4_write_fault_moves_eof_and_times)
{
	mkfile("f", "ab");
	settimes1("f");
	EQ(sys_openat(AT_FDCWD, "f", O_RDWR, 0), 3);
	/* The end of file moves to where the copy faulted; the times
	 * change before the copy. */
	ERR(sys_pwrite64(3, NULL, 3, 5), -EFAULT);
	EQ(size_of("f"), 5);
	CHECK(stat_of("f").st_mtime != 1);
	EQ_STR(read_all("f"), "ab");
	settimes1("f");
	ERR(sys_pwrite64(3, NULL, 3, 1), -EFAULT);
	EQ(size_of("f"), 5);
	CHECK(stat_of("f").st_mtime != 1);
	ERR(sys_pwrite64(3, NULL, 3, 5000), -EFAULT);
	EQ(size_of("f"), 5000);
	EQ(stat_of("f").st_blocks, 2 * bsize() / 512);
}

/* Name k of 255 characters: the largest records, 3 to a 1 KiB leaf. */
static const char *long_name(int k)
{
	static char name[300];

	memset(name, 'n', 255);
	snprintf(name, 16, "%07d", k);
	name[7] = '-';
	name[255] = 0;
	return name;
}

CASE(ext4_htree_two_levels)
{
	char path[320];
	int k, n;
	unsigned long long h;

	mkdir_p("d");
	mkfile("f", "");
	/* Links, not files, to spare inodes: at 1 KiB the root's 123
	 * entries run out and a second level of index nodes starts. */
	for (k = 0; k < 6000; k++) {
		snprintf(path, sizeof(path), "d/%s", long_name(k));
		if (sys_linkat(AT_FDCWD, "f", AT_FDCWD, path, 0) != 0)
			break;
	}
	EQ(k, 6000);
	EQ(size_of("d"), bsize() == 1024 ? 3098624 : 2322432);
	h = listing("d", &n);
	EQ(n, 6002);
	EQ(h, 0xfcd6fe68faae542dULL);
	EQ(stat_of("f").st_nlink, 6001);
}

CASE(ext4_htree_delete_reinsert)
{
	char path[300];
	int k, n;
	unsigned long long h;

	mkdir_p("d");
	many("d", 0, 600);
	for (k = 0; k < 600; k += 2) {
		snprintf(path, sizeof(path), "d/entry-%06d-xxxxxxxxxxxxxxxxxxxxxxxxxxx", k);
		OK(sys_unlinkat(AT_FDCWD, path, 0));
	}
	/* Shorter names fill the holes the removed ones left. */
	for (k = 0; k < 500; k++) {
		snprintf(path, sizeof(path), "d/s%d", k);
		EQ(sys_close(OK(sys_openat(AT_FDCWD, path, O_CREAT | O_WRONLY, 0644))), 0);
	}
	for (k = 1; k < 100; k += 2) {
		snprintf(path, sizeof(path), "d/entry-%06d-xxxxxxxxxxxxxxxxxxxxxxxxxxx", k);
		snprintf(path + 200, 90, "d/r%d", k);
		OK(sys_renameat2(AT_FDCWD, path, AT_FDCWD, path + 200, 0));
	}
	EQ(size_of("d"), 45056);
	h = listing("d", &n);
	EQ(n, 802);
	EQ(h, 0x8fd6c6028f3f284dULL);
	EQ(exists("d/r51"), 1);
	EQ(exists("d/entry-000051-xxxxxxxxxxxxxxxxxxxxxxxxxxx"), 0);
	EQ(exists("d/entry-000151-xxxxxxxxxxxxxxxxxxxxxxxxxxx"), 1);
}

CASE(ext4_htree_rmdir_frees_blocks)
{
	struct statfs a, b;
	char path[300];

	OK(sys_sync());
	a = fs_now();
	mkdir_p("d");
	many("d", 0, 400);
	for (int k = 0; k < 400; k++) {
		snprintf(path, sizeof(path), "d/entry-%06d-xxxxxxxxxxxxxxxxxxxxxxxxxxx", k);
		OK(sys_unlinkat(AT_FDCWD, path, 0));
	}
	/* Directories do not shrink. */
	EQ(size_of("d"), bsize() == 1024 ? 29696 : 36864);
	EQ(sys_unlinkat(AT_FDCWD, "d", AT_REMOVEDIR), 0);
	OK(sys_sync());
	b = fs_now();
	EQ(b.f_bfree, a.f_bfree);
	EQ(b.f_ffree, a.f_ffree);
}

CASE(ext4_xattr_block_shared)
{
	static char v[300];
	struct statfs a, b, c;
	long bs = bsize();

	memset(v, 'v', sizeof(v));
	mkfile("f", "");
	mkfile("g", "");
	OK(sys_sync());
	a = fs_now();
	OK(sys_setxattr("f", "user.big", v, sizeof(v), 0));
	OK(sys_setxattr("g", "user.big", v, sizeof(v), 0));
	OK(sys_sync());
	b = fs_now();
	/* Identical attribute blocks are shared. */
	EQ(a.f_bfree - b.f_bfree, 1);
	EQ(stat_of("f").st_blocks, bs / 512);
	EQ(stat_of("g").st_blocks, bs / 512);
	v[0] = 'w';
	OK(sys_setxattr("g", "user.big", v, sizeof(v), 0));
	OK(sys_sync());
	c = fs_now();
	EQ(a.f_bfree - c.f_bfree, 2);
	OK(sys_removexattr("f", "user.big"));
	OK(sys_removexattr("g", "user.big"));
	OK(sys_sync());
	c = fs_now();
	EQ(c.f_bfree, a.f_bfree);
	EQ(stat_of("f").st_blocks, 0);
}

CASE(ext4_xattr_same_value_keeps_ctime)
{
	struct timespec ts[2] = {{1, 0}, {1, 0}};

	mkfile("f", "");
	OK(sys_setxattr("f", "user.a", "1", 1, 0));
	OK(sys_utimensat(AT_FDCWD, "f", ts, 0));
	struct stat st = stat_of("f");
	OK(sys_setxattr("f", "user.a", "1", 1, 0));
	EQ(stat_of("f").st_ctime, st.st_ctime);
	EQ(stat_of("f").st_ctim.tv_nsec, st.st_ctim.tv_nsec);
	OK(sys_setxattr("f", "user.a", "2", 1, 0));
	CHECK(stat_of("f").st_ctim.tv_nsec != st.st_ctim.tv_nsec || stat_of("f").st_ctime != st.st_ctime);
}

CASE(ext4_xattr_moves_between_inode_and_block)
{
	static char v[400];
	char buf[256];

	memset(v, 'v', sizeof(v));
	mkfile("f", "");
	/* 92 bytes in a 256-byte inode: a header word, two 40-byte items. */
	OK(sys_setxattr("f", "user.a", v, 20, 0));
	OK(sys_setxattr("f", "user.b", v, 20, 0));
	EQ(stat_of("f").st_blocks, 0);
	/* Too big for the inode now: user.a goes to the block. */
	OK(sys_setxattr("f", "user.a", v, 200, 0));
	EQ(sys_listxattr("f", buf, sizeof(buf)), 14);
	EQ_MEM(buf, "user.b\0user.a\0", 14);
	EQ(stat_of("f").st_blocks, bsize() / 512);
	/* Small again: back into the inode, after user.b. */
	OK(sys_setxattr("f", "user.a", v, 10, 0));
	EQ(sys_listxattr("f", buf, sizeof(buf)), 14);
	EQ_MEM(buf, "user.b\0user.a\0", 14);
	EQ(stat_of("f").st_blocks, 0);
	EQ(sys_getxattr("f", "user.a", buf, sizeof(buf)), 10);
}

CASE(ext4_fsize_fallocate_keep_size)
{
	struct rlimit r = {4096, RLIM_INFINITY};

	EQ(sys_openat(AT_FDCWD, "f", O_CREAT | O_RDWR, 0644), 3);
	signal(SIGXFSZ, SIG_IGN);
	OK(sys_setrlimit(RLIMIT_FSIZE, &r));
	/* RLIMIT_FSIZE limits what would grow the size only. */
	ERR(sys_fallocate(3, 0, 0, 8192), -EFBIG);
	EQ(sys_fallocate(3, FALLOC_FL_KEEP_SIZE, 4096, 8192), 0);
	EQ(fstat_of(3).st_size, 0);
	ERR(sys_fallocate(3, FALLOC_FL_ZERO_RANGE, 0, 8192), -EFBIG);
	EQ(sys_fallocate(3, FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE, 0, 8192), 0);
	EQ(sys_fallocate(3, 0, 0, 4096), 0);
	EQ(fstat_of(3).st_size, 4096);
	ERR(sys_pwrite64(3, "x", 1, 4096), -EFBIG);
	ERR(sys_ftruncate(3, 4097), -EFBIG);
}

CASE(ext4_rename_whiteout_dir)
{
	struct stat st;

	mkdir_p("p");
	mkdir_p("q");
	mkdir_p("p/d");
	mkfile("p/d/f", "x");
	EQ(sys_renameat2(AT_FDCWD, "p/d", AT_FDCWD, "q/d", RENAME_WHITEOUT), 0);
	st = stat_of("p/d");
	EQ(st.st_mode, S_IFCHR);
	EQ(st.st_rdev, 0);
	EQ(stat_of("p").st_nlink, 2);
	EQ(stat_of("q").st_nlink, 3);
	EQ(stat_of("q/d/..").st_ino, stat_of("q").st_ino);
	EQ_STR(read_all("q/d/f"), "x");
	/* A directory does not replace the whiteout, a character device. */
	ERR(sys_renameat2(AT_FDCWD, "q/d", AT_FDCWD, "p/d", 0), -ENOTDIR);
	OK(sys_unlinkat(AT_FDCWD, "p/d", 0));
	EQ(sys_renameat2(AT_FDCWD, "q/d", AT_FDCWD, "p/d", 0), 0);
	EQ(stat_of("p").st_nlink, 3);
	EQ(stat_of("q").st_nlink, 2);
}

CASE(ext4_rename_exchange_dirs)
{
	mkdir_p("p");
	mkdir_p("q");
	mkdir_p("p/a");
	mkdir_p("p/a/x");
	mkdir_p("q/b");
	EQ(sys_renameat2(AT_FDCWD, "p/a", AT_FDCWD, "q/b", RENAME_EXCHANGE), 0);
	EQ(stat_of("p/a/..").st_ino, stat_of("p").st_ino);
	EQ(stat_of("q/b/..").st_ino, stat_of("q").st_ino);
	EQ(stat_of("q/b").st_nlink, 3);
	EQ(stat_of("p/a").st_nlink, 2);
	EQ(exists("q/b/x"), 1);
	EQ(stat_of("p").st_nlink, 3);
	EQ(stat_of("q").st_nlink, 3);
	ERR(sys_renameat2(AT_FDCWD, "q/b", AT_FDCWD, "p/a", RENAME_NOREPLACE), -EEXIST);
	ERR(sys_renameat2(AT_FDCWD, "q/b", AT_FDCWD, "q/b/x/y", 0), -EINVAL);
}

CASE(ext4_rename_over_open_file)
{
	struct statfs a, b;
	static char buf[8192];
	long bs = bsize();

	OK(sys_sync());
	a = fs_now();
	mkfile("new", "new");
	EQ(sys_openat(AT_FDCWD, "old", O_CREAT | O_RDWR, 0644), 3);
	EQ(sys_write(3, buf, 8 * bs), 8 * bs);
	EQ(sys_renameat2(AT_FDCWD, "new", AT_FDCWD, "old", 0), 0);
	EQ(fstat_of(3).st_nlink, 0);
	EQ(sys_pread64(3, buf, 10, 0), 10);
	OK(sys_fsync(3));
	b = fs_now();
	EQ(a.f_ffree - b.f_ffree, 2);
	EQ(a.f_bfree - b.f_bfree, 9);
	OK(sys_close(3));
	OK(sys_sync());
	b = fs_now();
	EQ(a.f_ffree - b.f_ffree, 1);
	EQ(a.f_bfree - b.f_bfree, 1);
	EQ_STR(read_all("old"), "new");
}
