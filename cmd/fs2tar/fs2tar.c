/*
 * fs2tar: write the contents of a filesystem image to a tar archive,
 * through the liblinux kernel, without root:
 *
 *   fs2tar -t FSTYPE [-P PART] [-p] [-s CONTEXTS] IMAGE TAR
 *
 * The archive is POSIX pax (libarchive's "restricted pax": plain ustar
 * headers where they suffice) with modes, owners, nanosecond times,
 * symbolic links, hard links, device nodes, FIFOs and extended attributes.
 * With -s, "path context" lines for security.selinux are written to
 * CONTEXTS as well.
 */
#define _GNU_SOURCE
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lkl.h>
#include <lkl_host.h>

static int errors;
static struct archive *ar;
static FILE *contexts;
static struct archive_entry_linkresolver *links;

static void fail(const char *path, long err)
{
	fprintf(stderr, "%s: %s\n", path, lkl_strerror((int)err));
	errors++;
}

static void add_xattrs(struct archive_entry *e, const char *path, const char *name_in_tar)
{
	static char names[65536], value[65536];
	long n = lkl_sys_llistxattr(path, names, sizeof(names));
	long off;

	if (n < 0) {
		if (n != -LKL_EOPNOTSUPP && n != -LKL_ENOTSUP)
			fail(path, n);
		return;
	}
	for (off = 0; off < n; off += strlen(names + off) + 1) {
		long v = lkl_sys_lgetxattr(path, names + off, value, sizeof(value));

		if (v < 0) {
			fail(path, v);
			continue;
		}
		archive_entry_xattr_add_entry(e, names + off, value, v);
		if (contexts && !strcmp(names + off, "security.selinux"))
			fprintf(contexts, "%s %.*s\n", name_in_tar, (int)(v && !value[v - 1] ? v - 1 : v), value);
	}
}

static void write_data(const char *path)
{
	static char buf[1 << 20];
	long fd = lkl_sys_open(path, LKL_O_RDONLY, 0), n;

	if (fd < 0) {
		fail(path, fd);
		return;
	}
	while ((n = lkl_sys_read(fd, buf, sizeof(buf))) > 0) {
		if (archive_write_data(ar, buf, n) != n) {
			fprintf(stderr, "%s: %s\n", path, archive_error_string(ar));
			errors++;
			break;
		}
	}
	if (n < 0)
		fail(path, n);
	lkl_sys_close(fd);
}

static void add(const char *path, const char *name)
{
	struct lkl_stat st;
	struct archive_entry *e, *sparse = NULL;
	char target[PATH_MAX];
	long r = lkl_sys_lstat(path, &st);

	if (r < 0) {
		fail(path, r);
		return;
	}
	e = archive_entry_new();
	archive_entry_set_pathname(e, name);
	archive_entry_set_mode(e, st.st_mode);
	archive_entry_set_uid(e, st.st_uid);
	archive_entry_set_gid(e, st.st_gid);
	archive_entry_set_nlink(e, st.st_nlink);
	archive_entry_set_ino64(e, st.st_ino);
	archive_entry_set_dev(e, st.st_dev);
	archive_entry_set_atime(e, st.lkl_st_atime, st.st_atime_nsec);
	archive_entry_set_mtime(e, st.lkl_st_mtime, st.st_mtime_nsec);
	archive_entry_set_ctime(e, st.lkl_st_ctime, st.st_ctime_nsec);
	if (LKL_S_ISREG(st.st_mode))
		archive_entry_set_size(e, st.st_size);
	else
		archive_entry_set_size(e, 0);
	if (LKL_S_ISCHR(st.st_mode) || LKL_S_ISBLK(st.st_mode)) {
		archive_entry_set_rdevmajor(e, (st.st_rdev >> 8) & 0xfff);
		archive_entry_set_rdevminor(e, (st.st_rdev & 0xff) | ((st.st_rdev >> 12) & 0xfff00));
	}
	if (LKL_S_ISLNK(st.st_mode)) {
		r = lkl_sys_readlink(path, target, sizeof(target) - 1);
		if (r < 0) {
			fail(path, r);
			archive_entry_free(e);
			return;
		}
		target[r] = 0;
		archive_entry_set_symlink(e, target);
	}
	add_xattrs(e, path, name);
	/* Files with several links are stored once; the others become hard
	 * links to the first, as tar does. */
	archive_entry_linkify(links, &e, &sparse);
	if (e) {
		if (archive_write_header(ar, e) != ARCHIVE_OK) {
			fprintf(stderr, "%s: %s\n", name, archive_error_string(ar));
			errors++;
		} else if (LKL_S_ISREG(st.st_mode) && archive_entry_size(e) > 0) {
			write_data(path);
		}
		archive_entry_free(e);
	}
	if (LKL_S_ISDIR(st.st_mode)) {
		int err = 0;
		struct lkl_dir *dir = lkl_opendir(path, &err);
		struct lkl_linux_dirent64 *de;
		char p[PATH_MAX], n[PATH_MAX];

		if (!dir) {
			fail(path, err);
			return;
		}
		while ((de = lkl_readdir(dir)) != NULL) {
			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
				continue;
			snprintf(p, sizeof(p), "%s/%s", path, de->d_name);
			snprintf(n, sizeof(n), "%s%s%s", name, strcmp(name, "") ? "/" : "", de->d_name);
			add(p, n);
		}
		if (lkl_errdir(dir) < 0)
			fail(path, lkl_errdir(dir));
		lkl_closedir(dir);
	}
}

static void usage(void)
{
	fprintf(stderr,
		"usage: fs2tar -t FSTYPE [-P PART] [-p] [-s CONTEXTS] IMAGE TAR\n"
		"  -t, --filesystem-type TYPE     filesystem type of the image (required)\n"
		"  -P, --partition N              partition number (default: the whole image)\n"
		"  -p, --enable-printk            show the kernel log\n"
		"  -s, --selinux-contexts FILE    write \"path context\" lines to FILE\n");
	exit(2);
}

static void quiet(const char *s, int n) { (void)s; (void)n; }

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "filesystem-type", required_argument, NULL, 't' },
		{ "partition", required_argument, NULL, 'P' },
		{ "enable-printk", no_argument, NULL, 'p' },
		{ "selinux-contexts", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	const char *fstype = NULL;
	unsigned int part = 0;
	int printk = 0, c, disk_id;
	struct lkl_disk disk;
	struct archive_entry *e = NULL, *sparse = NULL;
	char mnt[32];
	long ret;

	while ((c = getopt_long(argc, argv, "t:P:ps:", longopts, NULL)) != -1) {
		switch (c) {
		case 't': fstype = optarg; break;
		case 'P': part = (unsigned int)atoi(optarg); break;
		case 'p': printk = 1; break;
		case 's':
			contexts = fopen(optarg, "w");
			if (!contexts) {
				fprintf(stderr, "%s: %s\n", optarg, strerror(errno));
				return 1;
			}
			break;
		default: usage();
		}
	}
	if (!fstype || argc - optind != 2)
		usage();
	disk.fd = open(argv[optind], O_RDONLY);
	if (disk.fd < 0) {
		fprintf(stderr, "%s: %s\n", argv[optind], strerror(errno));
		return 1;
	}
	disk.ops = NULL;
	if (!printk)
		lkl_host_ops.print = quiet;
	if (lkl_init(&lkl_host_ops) < 0 || (disk_id = lkl_disk_add(&disk)) < 0)
		return 1;
	ret = lkl_start_kernel("mem=256M");
	if (ret < 0) {
		fprintf(stderr, "cannot start the kernel: %s\n", lkl_strerror((int)ret));
		return 1;
	}
	ret = lkl_mount_dev(disk_id, part, fstype, LKL_MS_RDONLY, NULL, mnt, sizeof(mnt));
	if (ret < 0) {
		fprintf(stderr, "%s: cannot mount (%s): %s\n", argv[optind], fstype, lkl_strerror((int)ret));
		lkl_sys_halt();
		return 1;
	}
	ar = archive_write_new();
	archive_write_set_format_pax_restricted(ar);
	links = archive_entry_linkresolver_new();
	archive_entry_linkresolver_set_strategy(links, ARCHIVE_FORMAT_TAR_PAX_RESTRICTED);
	if (archive_write_open_filename(ar, argv[optind + 1]) != ARCHIVE_OK) {
		fprintf(stderr, "%s: %s\n", argv[optind + 1], archive_error_string(ar));
		return 1;
	}
	/* The root directory itself is "."; everything else is relative. */
	{
		struct lkl_stat st;

		if (lkl_sys_lstat(mnt, &st) == 0) {
			int err = 0;
			struct lkl_dir *dir = lkl_opendir(mnt, &err);
			struct lkl_linux_dirent64 *de;
			char p[PATH_MAX];

			while (dir && (de = lkl_readdir(dir)) != NULL) {
				if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
					continue;
				snprintf(p, sizeof(p), "%s/%s", mnt, de->d_name);
				add(p, de->d_name);
			}
			if (dir)
				lkl_closedir(dir);
			else
				fail(mnt, err);
		}
	}
	archive_entry_linkify(links, &e, &sparse);
	archive_entry_linkresolver_free(links);
	if (archive_write_close(ar) != ARCHIVE_OK) {
		fprintf(stderr, "%s: %s\n", argv[optind + 1], archive_error_string(ar));
		errors++;
	}
	archive_write_free(ar);
	if (contexts)
		fclose(contexts);
	ret = lkl_umount_dev(disk_id, part, 0, 1000);
	if (ret < 0)
		fail("umount", ret);
	lkl_sys_halt();
	lkl_cleanup();
	return errors ? 1 : 0;
}
