/*
 * cptofs / cpfromfs: copy files into or out of a filesystem image without
 * root, through the liblinux kernel. One program; the name it is run under
 * picks the direction (cpfromfs is a link to cptofs), as with LKL's tools:
 *
 *   cptofs   -t FSTYPE -i IMAGE [-P PART] [-p] [-o UID] [-g GID] SRC... DST
 *   cpfromfs -t FSTYPE -i IMAGE [-P PART] [-p] SRC... DST
 *
 * Like cp -r: the last argument is the destination directory; a source's
 * last component may be a glob (matched with fnmatch in its directory); a
 * source of "." or "/" copies a directory's contents. Regular files,
 * directories and symbolic links are copied with their modes and times;
 * other file types are reported and skipped.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <lkl.h>
#include <lkl_host.h>

#include "fsops.h"

static int errors;
static long long owner_uid = -1, owner_gid = -1;

/* Progress on a terminal, for copies that take more than a few seconds. */
static struct timespec started;
static long long copied_bytes, copied_files;
static int tty, progress_shown;

static double elapsed(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - started.tv_sec) + (now.tv_nsec - started.tv_nsec) / 1e9;
}

static void progress(int done)
{
	static double last;
	double t = elapsed();

	if (!tty || (!done && (t < 3 || t - last < 0.5)) || (done && !progress_shown))
		return;
	last = t;
	progress_shown = 1;
	fprintf(stderr, "\r%lld files, %.1f MiB, %.1f MiB/s%s", copied_files,
		copied_bytes / 1048576.0, copied_bytes / 1048576.0 / (t > 0 ? t : 1), done ? "\n" : "");
}

static void fail(const char *path, long err)
{
	if (progress_shown)
		fputc('\n', stderr);
	fprintf(stderr, "%s: %s\n", path, strerror((int)-err));
	errors++;
}

static int copy_file(const struct fsops *from, const char *src, const struct fsops *to,
		     const char *dst, const struct xstat *st)
{
	static char buf[1 << 20];
	long in, out, n, w, off;
	int ret = 0;

	in = from->open(src, O_RDONLY, 0);
	if (in < 0) {
		fail(src, in);
		return -1;
	}
	out = to->open(dst, O_WRONLY | O_CREAT | O_TRUNC, st->mode & 07777);
	if (out < 0) {
		fail(dst, out);
		from->close(in);
		return -1;
	}
	while ((n = from->read(in, buf, sizeof(buf))) > 0) {
		for (off = 0; off < n; off += w) {
			w = to->write(out, buf + off, n - off);
			if (w <= 0) {
				fail(dst, w < 0 ? w : -EIO);
				ret = -1;
				goto out;
			}
		}
		copied_bytes += n;
		progress(0);
	}
	if (n < 0) {
		fail(src, n);
		ret = -1;
	}
out:
	from->close(in);
	n = to->close(out);
	if (n < 0 && ret == 0) {
		fail(dst, n);
		ret = -1;
	}
	return ret;
}

/* finish sets the owner, mode and times of a copied object. */
static void finish(const struct fsops *to, const char *dst, const struct xstat *st, int is_link)
{
	long uid = owner_uid >= 0 ? owner_uid : (to->is_lkl ? (long)st->uid : -1);
	long gid = owner_gid >= 0 ? owner_gid : (to->is_lkl ? (long)st->gid : -1);
	long err;

	if (uid >= 0 || gid >= 0) {
		err = to->lchown(dst, uid, gid);
		if (err < 0 && to->is_lkl)
			fail(dst, err);
	}
	if (!is_link) {
		err = to->chmod(dst, st->mode & 07777);
		if (err < 0)
			fail(dst, err);
	}
	err = to->utimens(dst, st, is_link);
	if (err < 0 && !is_link)
		fail(dst, err);
}

static void copy_one(const struct fsops *from, const char *src, const struct fsops *to, const char *dst);

static void copy_dir_contents(const struct fsops *from, const char *src, const struct fsops *to, const char *dst)
{
	void *dir;
	const char *name;
	char s[PATH_MAX], d[PATH_MAX];
	long err = 0;

	dir = from->opendir(src, &err);
	if (!dir) {
		fail(src, err);
		return;
	}
	while ((name = from->readdir(dir)) != NULL) {
		if (!strcmp(name, ".") || !strcmp(name, ".."))
			continue;
		if (snprintf(s, sizeof(s), "%s/%s", src, name) >= (int)sizeof(s) ||
		    snprintf(d, sizeof(d), "%s/%s", dst, name) >= (int)sizeof(d)) {
			fail(s, -ENAMETOOLONG);
			continue;
		}
		copy_one(from, s, to, d);
	}
	err = from->readdir_error(dir);
	if (err < 0)
		fail(src, err);
	from->closedir(dir);
}

static void copy_one(const struct fsops *from, const char *src, const struct fsops *to, const char *dst)
{
	struct xstat st;
	char target[PATH_MAX];
	long err = from->lstat(src, &st);

	if (err < 0) {
		fail(src, err);
		return;
	}
	switch (st.mode & S_IFMT) {
	case S_IFDIR:
		err = to->mkdir(dst, (st.mode & 07777) | 0700);
		if (err < 0 && err != -EEXIST) {
			fail(dst, err);
			return;
		}
		copy_dir_contents(from, src, to, dst);
		finish(to, dst, &st, 0);
		break;
	case S_IFREG:
		if (copy_file(from, src, to, dst, &st) == 0)
			finish(to, dst, &st, 0);
		break;
	case S_IFLNK:
		err = from->readlink(src, target, sizeof(target) - 1);
		if (err < 0) {
			fail(src, err);
			return;
		}
		target[err] = 0;
		err = to->symlink(target, dst);
		if (err < 0) {
			fail(dst, err);
			return;
		}
		finish(to, dst, &st, 1);
		break;
	default:
		fprintf(stderr, "%s: skipping special file (%s)\n", src,
			S_ISFIFO(st.mode) ? "fifo" : S_ISSOCK(st.mode) ? "socket" :
			S_ISCHR(st.mode) ? "character device" : "block device");
		return;
	}
	copied_files++;
	progress(0);
}

/* copy_source copies one command-line source, expanding a glob in its
 * last component, into the directory dst. */
static void copy_source(const struct fsops *from, const char *arg, const struct fsops *to, const char *dst)
{
	char buf1[PATH_MAX], buf2[PATH_MAX], s[PATH_MAX], d[PATH_MAX];
	const char *dir, *base, *name;
	void *dh;
	long err = 0;
	int matched = 0;

	if (!strcmp(arg, ".") || !strcmp(arg, "/")) {
		copy_dir_contents(from, arg, to, dst);
		return;
	}
	snprintf(buf1, sizeof(buf1), "%s", arg);
	snprintf(buf2, sizeof(buf2), "%s", arg);
	dir = dirname(buf1);
	base = basename(buf2);
	dh = from->opendir(dir, &err);
	if (!dh) {
		fail(dir, err);
		return;
	}
	while ((name = from->readdir(dh)) != NULL) {
		if (!strcmp(name, ".") || !strcmp(name, ".."))
			continue;
		if (fnmatch(base, name, FNM_PERIOD) != 0)
			continue;
		matched++;
		snprintf(s, sizeof(s), "%s/%s", dir, name);
		snprintf(d, sizeof(d), "%s/%s", dst, name);
		copy_one(from, s, to, d);
	}
	from->closedir(dh);
	if (!matched)
		fail(arg, -ENOENT);
}

static void usage(const char *prog, int cpfrom)
{
	fprintf(stderr,
		"usage: %s -t FSTYPE -i IMAGE [-P PART] [-p] %sSRC... DST\n"
		"  -t, --filesystem-type TYPE   filesystem type of the image (required)\n"
		"  -i, --filesystem-image FILE  the image (required)\n"
		"  -P, --partition N            partition number (default: the whole image)\n"
		"  -p, --enable-printk          show the kernel log\n"
		"%s",
		prog, cpfrom ? "" : "[-o UID] [-g GID] ", cpfrom ? "" :
		"  -o, --owner UID              owner of the created files\n"
		"  -g, --group GID              group of the created files\n");
	exit(2);
}

static void quiet(const char *s, int n) { (void)s; (void)n; }

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "filesystem-type", required_argument, NULL, 't' },
		{ "filesystem-image", required_argument, NULL, 'i' },
		{ "partition", required_argument, NULL, 'P' },
		{ "enable-printk", no_argument, NULL, 'p' },
		{ "owner", required_argument, NULL, 'o' },
		{ "group", required_argument, NULL, 'g' },
		{ NULL, 0, NULL, 0 },
	};
	const char *prog = basename(argv[0]);
	int cpfrom = strstr(prog, "cptofs") == NULL;
	const char *fstype = NULL, *image = NULL;
	unsigned int part = 0;
	int printk = 0, c, i, disk_id;
	struct lkl_disk disk;
	char mnt[32], dst[PATH_MAX];
	long ret;

	while ((c = getopt_long(argc, argv, "t:i:P:po:g:", longopts, NULL)) != -1) {
		switch (c) {
		case 't': fstype = optarg; break;
		case 'i': image = optarg; break;
		case 'P': part = (unsigned int)atoi(optarg); break;
		case 'p': printk = 1; break;
		case 'o': owner_uid = atoll(optarg); break;
		case 'g': owner_gid = atoll(optarg); break;
		default: usage(prog, cpfrom);
		}
	}
	if (!fstype || !image || argc - optind < 2)
		usage(prog, cpfrom);

	disk.fd = open(image, cpfrom ? O_RDONLY : O_RDWR);
	if (disk.fd < 0) {
		fprintf(stderr, "%s: %s\n", image, strerror(errno));
		return 1;
	}
	disk.ops = NULL;
	if (!printk)
		lkl_host_ops.print = quiet;
	if (lkl_init(&lkl_host_ops) < 0)
		return 1;
	disk_id = lkl_disk_add(&disk);
	if (disk_id < 0) {
		fprintf(stderr, "%s: cannot add disk: %s\n", image, lkl_strerror(disk_id));
		return 1;
	}
	ret = lkl_start_kernel("mem=256M");
	if (ret < 0) {
		fprintf(stderr, "cannot start the kernel: %s\n", lkl_strerror((int)ret));
		return 1;
	}
	ret = lkl_mount_dev(disk_id, part, fstype, cpfrom ? LKL_MS_RDONLY : 0, NULL, mnt, sizeof(mnt));
	if (ret < 0) {
		fprintf(stderr, "%s: cannot mount (%s): %s\n", image, fstype, lkl_strerror((int)ret));
		lkl_sys_halt();
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &started);
	tty = isatty(STDERR_FILENO);

	for (i = optind; i < argc - 1; i++) {
		if (cpfrom) {
			char src[PATH_MAX];

			snprintf(src, sizeof(src), "%s/%s", mnt, argv[i][0] == '/' ? argv[i] + 1 : argv[i]);
			if (!strcmp(argv[i], "/") || !strcmp(argv[i], "."))
				snprintf(src, sizeof(src), "%s", mnt);
			if (!strcmp(argv[i], "/") || !strcmp(argv[i], "."))
				copy_dir_contents(&lkl_fsops, src, &host_fsops, argv[argc - 1]);
			else
				copy_source(&lkl_fsops, src, &host_fsops, argv[argc - 1]);
		} else {
			const char *d = argv[argc - 1];

			snprintf(dst, sizeof(dst), "%s/%s", mnt, d[0] == '/' ? d + 1 : d);
			copy_source(&host_fsops, argv[i], &lkl_fsops, dst);
		}
	}
	progress(1);

	/* Remount read-only first so that the image's journal is clean. */
	if (!cpfrom) {
		char dev[32];

		snprintf(dev, sizeof(dev), "/dev/%s", mnt + 5);
		lkl_sys_sync();
		ret = lkl_sys_mount(dev, mnt, (char *)fstype, LKL_MS_REMOUNT | LKL_MS_RDONLY, NULL);
		if (ret < 0 && ret != -LKL_EBUSY)
			fail(mnt, ret);
	}
	ret = lkl_umount_dev(disk_id, part, 0, 1000);
	if (ret < 0)
		fail("umount", ret);
	lkl_sys_halt();
	lkl_cleanup();
	close(disk.fd);
	return errors ? 1 : 0;
}
