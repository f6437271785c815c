/*
 * Disk benchmarks: ext4 images in host files, used through liblinux
 * (lkl_disk_add, mount, system calls) next to host tools doing the same
 * job in the same run:
 *
 *   - reading a 256 MiB file from an image, against reading the same
 *     amount of the image file itself on the host and against
 *     debugfs -R "dump";
 *   - writing 256 MiB into a fresh image (fsync and umount included),
 *     against writing a host file of the same size with fsync and
 *     against debugfs -w -R "write";
 *   - copying a tree of 10,000 small files in with cptofs, against
 *     mkfs.ext4 -d of the same tree.
 *
 * Host caches cannot be dropped (no privilege is assumed), so every input
 * is read once before it is measured: all figures are warm for the host
 * page cache, on both sides. liblinux's own cache starts cold (a fresh
 * mount; the kernel runs with mem=256M, as cptofs does). Each figure is
 * the best of several runs: five for the reads, two for the writes and
 * three for the tree copy. The images are made by mkfs.ext4 with its
 * defaults for their size (1 KiB blocks), and checked with e2fsck -fn
 * after liblinux wrote them.
 * Ratios are host time / liblinux time: higher is better for liblinux.
 * The load average is printed before and after: other work on the
 * machine moves the figures.
 *
 * usage: diskbench SCRATCH-DIR CPTOFS-PATH
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <lkl.h>
#include <lkl_host.h>

#define FILE_SIZE (256L << 20)
#define CHUNK (64 << 10)
#define TREE_DIRS 100
#define TREE_FILES 100 /* per directory: 10,000 in all */

static char chunk[CHUNK];
static const char *dir, *cptofs;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what, long err)
{
	fprintf(stderr, "diskbench: %s failed (%ld)\n", what, err);
	exit(1);
}

/* sh runs a shell command, quietly, and returns its time in seconds. */
static double sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static double sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	double t0;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(cmd, sizeof(cmd) - 16, fmt, ap);
	va_end(ap);
	if (n < 0 || n >= (int)sizeof(cmd) - 16)
		die("command too long", n);
	strcat(cmd, " >/dev/null 2>&1");
	t0 = now();
	if (system(cmd) != 0) {
		fprintf(stderr, "diskbench: %s\n", cmd);
		die("command", 0);
	}
	return now() - t0;
}

static void fill(char *buf, long n, long seed)
{
	long i;

	for (i = 0; i < n; i++)
		buf[i] = (char)('a' + (i * 7 + seed) % 26);
}

static void host_file(const char *path, long size)
{
	long fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644), done;

	if (fd < 0)
		die(path, errno);
	for (done = 0; done < size; done += CHUNK)
		if (write(fd, chunk, CHUNK) != CHUNK)
			die("write", errno);
	close(fd);
}

/* host_read reads the first n bytes of path in CHUNK reads. */
static double host_read(const char *path, long n)
{
	static char got[CHUNK];
	long fd = open(path, O_RDONLY), done;
	double t0 = now();

	if (fd < 0)
		die(path, errno);
	for (done = 0; done < n; done += CHUNK)
		if (read(fd, got, CHUNK) != CHUNK)
			die("host read", errno);
	t0 = now() - t0;
	close(fd);
	return t0;
}

/* host_write writes n bytes to a new file and fsyncs it. */
static double host_write(const char *path, long n)
{
	double t0 = now();
	long fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644), done;

	if (fd < 0)
		die(path, errno);
	for (done = 0; done < n; done += CHUNK)
		if (write(fd, chunk, CHUNK) != CHUNK)
			die("host write", errno);
	if (fsync(fd) != 0)
		die("fsync", errno);
	close(fd);
	t0 = now() - t0;
	unlink(path);
	return t0;
}

struct mounted {
	struct lkl_disk disk;
	int id;
	char mnt[32];
};

static void lkl_attach(struct mounted *m, const char *image, int ro)
{
	long ret;

	m->disk.fd = open(image, ro ? O_RDONLY : O_RDWR);
	if (m->disk.fd < 0)
		die(image, errno);
	m->disk.ops = NULL;
	m->id = lkl_disk_add(&m->disk);
	if (m->id < 0)
		die("lkl_disk_add", m->id);
	ret = lkl_mount_dev(m->id, 0, "ext4", ro ? LKL_MS_RDONLY : 0, NULL, m->mnt, sizeof(m->mnt));
	if (ret < 0)
		die("lkl_mount_dev", ret);
}

static void lkl_detach(struct mounted *m)
{
	long ret = lkl_umount_dev(m->id, 0, 0, 1000);

	if (ret < 0)
		die("lkl_umount_dev", ret);
	if (lkl_disk_remove(m->disk) < 0)
		die("lkl_disk_remove", 0);
	close(m->disk.fd);
}

/* lkl_read_file reads /big from image through liblinux (mount excluded);
 * verify checks every byte (an untimed warm-up run). */
static double lkl_read_file(const char *image, int verify)
{
	static char got[CHUNK];
	struct mounted m;
	char path[64];
	long fd, done, n;
	double t0;

	lkl_attach(&m, image, 1);
	snprintf(path, sizeof(path), "%s/big", m.mnt);
	t0 = now();
	fd = lkl_sys_open(path, LKL_O_RDONLY, 0);
	if (fd < 0)
		die("lkl open", fd);
	for (done = 0; done < FILE_SIZE; done += n) {
		n = lkl_sys_read(fd, got, CHUNK);
		if (n != CHUNK)
			die("lkl read", n);
		if (verify && memcmp(got, chunk, CHUNK) != 0)
			die("lkl read: wrong data", done);
	}
	lkl_sys_close(fd);
	t0 = now() - t0;
	lkl_detach(&m);
	return t0;
}

/* lkl_write_file writes /big into image: mount, write, fsync, umount. */
static double lkl_write_file(const char *image)
{
	struct mounted m;
	char path[64];
	long fd, done, n;
	double t0 = now();

	lkl_attach(&m, image, 0);
	snprintf(path, sizeof(path), "%s/big", m.mnt);
	fd = lkl_sys_open(path, LKL_O_CREAT | LKL_O_TRUNC | LKL_O_WRONLY, 0644);
	if (fd < 0)
		die("lkl create", fd);
	for (done = 0; done < FILE_SIZE; done += n) {
		n = lkl_sys_write(fd, chunk, CHUNK);
		if (n != CHUNK)
			die("lkl write", n);
	}
	n = lkl_sys_fsync(fd);
	if (n != 0)
		die("lkl fsync", n);
	lkl_sys_close(fd);
	lkl_detach(&m);
	return now() - t0;
}

static void make_tree(const char *root)
{
	static char buf[8192];
	char path[512];
	int d, f;

	fill(buf, sizeof(buf), 3);
	if (mkdir(root, 0755) != 0)
		die(root, errno);
	for (d = 0; d < TREE_DIRS; d++) {
		snprintf(path, sizeof(path), "%s/dir%03d", root, d);
		if (mkdir(path, 0755) != 0)
			die(path, errno);
		for (f = 0; f < TREE_FILES; f++) {
			long fd, size = 100 + (d * TREE_FILES + f) * 397 % 8000;

			snprintf(path, sizeof(path), "%s/dir%03d/file%03d", root, d, f);
			fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
			if (fd < 0 || write(fd, buf, size) != size)
				die(path, errno);
			close(fd);
		}
	}
}

static void row(const char *what, double host_s, double lkl_s, const char *unit, double amount)
{
	printf("%-46s %10.1f %-5s %10.1f %-5s %7.2fx\n", what, amount / lkl_s, unit, amount / host_s, unit,
	       host_s / lkl_s);
}

static void quiet(const char *s, int n) { (void)s; (void)n; }

static double min2(double a, double b) { return a < b ? a : b; }

static void load(const char *when)
{
	char buf[128] = "?";
	FILE *f = fopen("/proc/loadavg", "r");

	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			strcpy(buf, "?");
		fclose(f);
	}
	buf[strcspn(buf, "\n")] = 0;
	printf("load average %s: %s\n", when, buf);
}

int main(int argc, char **argv)
{
	char src[256], rimg[256], wimg[256], hfile[300], tree[256], timg[256];
	double hr, dr, lr, hw, dw, lw, mk, cp;
	int i;

	if (argc != 3) {
		fprintf(stderr, "usage: diskbench SCRATCH-DIR CPTOFS\n");
		return 2;
	}
	dir = argv[1];
	cptofs = argv[2];
	load("before");
	fill(chunk, sizeof(chunk), 0);
	snprintf(src, sizeof(src), "%s/src", dir);
	snprintf(rimg, sizeof(rimg), "%s/read.img", dir);
	snprintf(wimg, sizeof(wimg), "%s/write.img", dir);
	snprintf(tree, sizeof(tree), "%s/tree", dir);
	snprintf(timg, sizeof(timg), "%s/tree.img", dir);

	/* Inputs: a 256 MiB file in an image, a tree of small files. */
	if (mkdir(src, 0755) != 0)
		die(src, errno);
	snprintf(hfile, sizeof(hfile), "%s/big", src);
	host_file(hfile, FILE_SIZE);
	sh("mkfs.ext4 -q -F -E nodiscard -d %s %s 320M", src, rimg);
	unlink(hfile);
	snprintf(hfile, sizeof(hfile), "%s/host-write", dir);
	make_tree(tree);

	lkl_host_ops.print = quiet;
	if (lkl_init(&lkl_host_ops) < 0 || lkl_start_kernel("mem=256M") < 0)
		die("boot", 0);

	/* Read: every input warm in the host page cache (read once
	 * before); liblinux's own cache cold (a fresh mount each time). */
	host_read(rimg, FILE_SIZE);
	hr = host_read(rimg, FILE_SIZE);
	for (i = 0; i < 4; i++)
		hr = min2(hr, host_read(rimg, FILE_SIZE));
	sh("debugfs -R 'dump /big /dev/null' %s", rimg);
	dr = sh("debugfs -R 'dump /big /dev/null' %s", rimg);
	dr = min2(dr, sh("debugfs -R 'dump /big /dev/null' %s", rimg));
	lkl_read_file(rimg, 1);
	lr = lkl_read_file(rimg, 0);
	for (i = 0; i < 4; i++)
		lr = min2(lr, lkl_read_file(rimg, 0));

	/* Write: a fresh image each time; fsync included on every side. */
	hw = min2(host_write(hfile, FILE_SIZE), host_write(hfile, FILE_SIZE));
	sh("mkfs.ext4 -q -F -E nodiscard %s 320M", wimg);
	snprintf(src, sizeof(src), "%s/src/big", dir);
	host_file(src, FILE_SIZE);
	dw = sh("debugfs -w -R 'write %s big' %s", src, wimg);
	unlink(src);
	lw = 1e9;
	for (i = 0; i < 2; i++) {
		sh("mkfs.ext4 -q -F -E nodiscard %s 320M", wimg);
		lw = min2(lw, lkl_write_file(wimg));
		sh("e2fsck -fn %s", wimg);
	}

	lkl_sys_halt();
	lkl_cleanup();

	/* Tree: the source is read once before either side is timed. */
	sh("cat %s/*/* >/dev/null", tree);
	mk = cp = 1e9;
	for (i = 0; i < 3; i++) {
		mk = min2(mk, sh("mkfs.ext4 -q -F -E nodiscard -d %s %s 256M", tree, timg));
		sh("mkfs.ext4 -q -F -E nodiscard %s 256M", timg);
		cp = min2(cp, sh("%s -t ext4 -i %s '%s/*' /", cptofs, timg, tree));
		sh("e2fsck -fn %s", timg);
	}

	printf("%-46s %16s %16s %8s\n", "benchmark (best of 5; writes 2, tree 3)", "liblinux", "host", "ratio");
	row("read 256 MiB file, 64 KiB calls / image read", hr, lr, "MB/s", FILE_SIZE / 1e6);
	row("read 256 MiB file / debugfs dump", dr, lr, "MB/s", FILE_SIZE / 1e6);
	row("write 256 MiB+fsync+umount / host file+fsync", hw, lw, "MB/s", FILE_SIZE / 1e6);
	row("write 256 MiB+fsync+umount / debugfs write", dw, lw, "MB/s", FILE_SIZE / 1e6);
	row("10,000 files: cptofs / mkfs.ext4 -d", mk, cp, "file/s", TREE_DIRS * TREE_FILES);
	load("after");
	return 0;
}
