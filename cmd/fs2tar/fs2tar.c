/*
 * fs2tar: write the contents of a filesystem image to a tar archive,
 * through the liblinux kernel, without root:
 *
 *   fs2tar -t FSTYPE [-P PART] [-p] [-s CONTEXTS] IMAGE TAR
 *
 * The archive is POSIX pax: modes, owners, nanosecond times (pax
 * headers), symbolic links, hard links, device nodes, FIFOs, extended
 * attributes (SCHILY.xattr records, as GNU tar --xattrs reads them) and
 * sparse files (GNU sparse 1.0). Member names are relative to the root of
 * the image ("etc/passwd"), taken as UTF-8; the root directory itself is
 * not stored. With
 * -s, a "/path context" line for each security.selinux attribute is written
 * to CONTEXTS. Sockets cannot be stored in a tar archive and are reported
 * and skipped.
 *
 * Exit status: 0 on success, 1 after any error (reported on stderr with the
 * path and the Linux error text), 64 for a usage error.
 */
#define _GNU_SOURCE
#include <archive.h>
#include <archive_entry.h>
#include <argp.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lkl.h>
#include <lkl_host.h>

static struct {
	int printk;
	unsigned int part;
	const char *fstype, *image, *tar, *contexts;
} opt;

static int errors;
static struct archive *ar;
static FILE *contexts;
static struct archive_entry_linkresolver *links;
static char mnt[32];
static char buf[1 << 20];
static const char zeros[65536];

/* shown is a path in the image as the user knows it. */
static const char *shown(const char *p)
{
	size_t n = strlen(mnt);

	if (n && !strncmp(p, mnt, n) && (p[n] == '/' || !p[n]))
		return p[n] ? p + n : "/";
	return p;
}

static void fail(const char *what, const char *path, long err)
{
	fprintf(stderr, "fs2tar: %s %s: %s\n", what, shown(path), lkl_strerror((int)err));
	errors++;
}

static void archive_fail(const char *name)
{
	fprintf(stderr, "fs2tar: %s: %s\n", name, archive_error_string(ar));
	errors++;
}

static void add_xattrs(struct archive_entry *e, const char *path)
{
	static char names[65536], value[65536];
	long n = lkl_sys_llistxattr(path, names, sizeof(names)), off, v;

	if (n == -LKL_EOPNOTSUPP || n == 0)
		return;
	if (n < 0) {
		fail("cannot list extended attributes of", path, n);
		return;
	}
	for (off = 0; off < n; off += strlen(names + off) + 1) {
		v = lkl_sys_lgetxattr(path, names + off, value, sizeof(value));
		if (v == -LKL_ENODATA)
			continue;
		if (v < 0) {
			fprintf(stderr, "fs2tar: cannot read extended attribute %s of %s: %s\n",
				names + off, shown(path), lkl_strerror((int)v));
			errors++;
			continue;
		}
		archive_entry_xattr_add_entry(e, names + off, value, v);
		if (contexts && !strcmp(names + off, "security.selinux"))
			fprintf(contexts, "%s %.*s\n", shown(path), (int)(v && !value[v - 1] ? v - 1 : v), value);
	}
}

/* A data region of a sparse file. */
struct region {
	long long off, len;
};

/* find_regions lists the data of a sparse file with SEEK_DATA/SEEK_HOLE.
 * It returns the number of regions, or -1 when the file is to be stored
 * whole. */
static long find_regions(long fd, long long size, struct region **out)
{
	struct region *r = NULL, *nr;
	long n = 0;
	long long pos = 0, d, h;

	while (pos < size) {
		d = lkl_sys_lseek(fd, pos, LKL_SEEK_DATA);
		if (d == -LKL_ENXIO)
			break;
		if (d < 0)
			goto whole;
		h = lkl_sys_lseek(fd, d, LKL_SEEK_HOLE);
		if (h <= d)
			goto whole;
		if (h > size)
			h = size;
		nr = realloc(r, (n + 1) * sizeof(*r));
		if (!nr)
			goto whole;
		r = nr;
		r[n].off = d;
		r[n].len = h - d;
		n++;
		pos = h;
	}
	*out = r;
	return n;
whole:
	free(r);
	return -1;
}

/* feed gives the archive n bytes of the file from fd at its offset, or
 * zeros (a hole) when fd is negative. */
static int feed(const char *path, long fd, long long n)
{
	long m, w;

	while (n > 0) {
		if (fd < 0) {
			m = n < (long long)sizeof(zeros) ? (long)n : (long)sizeof(zeros);
			w = archive_write_data(ar, zeros, m);
		} else {
			m = n < (long long)sizeof(buf) ? (long)n : (long)sizeof(buf);
			m = lkl_sys_read(fd, buf, m);
			if (m < 0) {
				fail("cannot read", path, m);
				return -1;
			}
			if (m == 0) /* the file shrank: pad with zeros */
				return feed(path, -1, n);
			w = archive_write_data(ar, buf, m);
		}
		if (w != m) {
			archive_fail(shown(path));
			return -1;
		}
		n -= m;
	}
	return 0;
}

/* write_file stores a regular file: its header, then its data. */
static void write_file(struct archive_entry *e, const char *path, const struct lkl_stat *st)
{
	long fd = lkl_sys_open(path, LKL_O_RDONLY, 0), nreg = -1, i;
	struct region *reg = NULL;
	long long pos = 0;

	if (fd < 0) {
		fail("cannot open", path, fd);
		return;
	}
	if (archive_entry_size(e) > 0 && st->st_blocks * 512 < st->st_size) {
		nreg = find_regions(fd, st->st_size, &reg);
		for (i = 0; i < nreg; i++)
			archive_entry_sparse_add_entry(e, reg[i].off, reg[i].len);
		if (nreg == 0) /* all hole: one empty region at the end */
			archive_entry_sparse_add_entry(e, st->st_size, 0);
	}
	if (archive_write_header(ar, e) < ARCHIVE_WARN) {
		archive_fail(shown(path));
		goto out;
	}
	if (archive_entry_size(e) == 0)
		goto out;
	if (lkl_sys_lseek(fd, 0, LKL_SEEK_SET) < 0)
		goto out;
	if (nreg < 0) {
		feed(path, fd, st->st_size);
		goto out;
	}
	for (i = 0; i < nreg; i++) {
		if (feed(path, -1, reg[i].off - pos) < 0)
			goto out;
		if (lkl_sys_lseek(fd, reg[i].off, LKL_SEEK_SET) < 0 || feed(path, fd, reg[i].len) < 0)
			goto out;
		pos = reg[i].off + reg[i].len;
	}
	feed(path, -1, st->st_size - pos);
out:
	free(reg);
	lkl_sys_close(fd);
}

static void add_tree(const char *path, const char *name);

static void add(const char *path, const char *name)
{
	struct lkl_stat st;
	struct archive_entry *e, *spare = NULL;
	char target[PATH_MAX];
	long r = lkl_sys_lstat(path, &st);

	if (r < 0) {
		fail("cannot stat", path, r);
		return;
	}
	if (LKL_S_ISSOCK(st.st_mode)) {
		fprintf(stderr, "fs2tar: skipping %s: a socket cannot be stored in a tar archive\n", shown(path));
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
	archive_entry_set_atime(e, st.lkl_st_atime, (long)st.st_atime_nsec);
	archive_entry_set_mtime(e, st.lkl_st_mtime, (long)st.st_mtime_nsec);
	archive_entry_set_ctime(e, st.lkl_st_ctime, (long)st.st_ctime_nsec);
	archive_entry_set_size(e, LKL_S_ISREG(st.st_mode) ? st.st_size : 0);
	if (LKL_S_ISCHR(st.st_mode) || LKL_S_ISBLK(st.st_mode)) {
		archive_entry_set_rdevmajor(e, (st.st_rdev >> 8) & 0xfff);
		archive_entry_set_rdevminor(e, (st.st_rdev & 0xff) | ((st.st_rdev >> 12) & 0xfff00));
	}
	if (LKL_S_ISLNK(st.st_mode)) {
		r = lkl_sys_readlink(path, target, sizeof(target) - 1);
		if (r < 0) {
			fail("cannot read symbolic link", path, r);
			archive_entry_free(e);
			return;
		}
		target[r] = 0;
		archive_entry_set_symlink(e, target);
	}
	add_xattrs(e, path);
	/* A file with several links is stored once; its other names become
	 * hard links to the first (size 0). */
	archive_entry_linkify(links, &e, &spare);
	if (e) {
		if (LKL_S_ISREG(st.st_mode))
			write_file(e, path, &st);
		else if (archive_write_header(ar, e) < ARCHIVE_WARN)
			archive_fail(name);
		archive_entry_free(e);
	}
	if (spare)
		archive_entry_free(spare);
	if (LKL_S_ISDIR(st.st_mode))
		add_tree(path, name);
}

/* add_tree stores the contents of directory path under name ("" for the
 * root). */
static void add_tree(const char *path, const char *name)
{
	int err = 0;
	struct lkl_dir *dir = lkl_opendir(path, &err);
	struct lkl_linux_dirent64 *de;
	char p[PATH_MAX], n[PATH_MAX];

	if (!dir) {
		fail("cannot open directory", path, err);
		return;
	}
	while ((de = lkl_readdir(dir)) != NULL) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (snprintf(p, sizeof(p), "%s/%s", path, de->d_name) >= (int)sizeof(p) ||
		    snprintf(n, sizeof(n), "%s%s%s", name, *name ? "/" : "", de->d_name) >= (int)sizeof(n)) {
			fail("cannot store", path, -LKL_ENAMETOOLONG);
			continue;
		}
		add(p, n);
	}
	if (lkl_errdir(dir) < 0)
		fail("cannot read directory", path, lkl_errdir(dir));
	lkl_closedir(dir);
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	char *end;
	long v;

	switch (key) {
	case 'p': opt.printk = 1; break;
	case 't': opt.fstype = arg; break;
	case 's': opt.contexts = arg; break;
	case 'P':
		errno = 0;
		v = strtol(arg, &end, 10);
		if (errno || end == arg || *end || v < 0 || v > INT32_MAX)
			argp_error(state, "invalid partition: %s", arg);
		opt.part = (unsigned int)v;
		break;
	case ARGP_KEY_ARG:
		if (!opt.image)
			opt.image = arg;
		else if (!opt.tar)
			opt.tar = arg;
		else
			argp_error(state, "too many arguments");
		break;
	case ARGP_KEY_END:
		if (!opt.fstype)
			argp_error(state, "the filesystem type (-t) is required");
		if (!opt.tar)
			argp_error(state, "needs an image and a tar file");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static struct argp_option options[] = {
	{ "enable-printk", 'p', 0, 0, "show the kernel's log", 0 },
	{ "filesystem-type", 't', "TYPE", 0, "filesystem type - mandatory", 0 },
	{ "partition", 'P', "N", 0, "partition number (default: the whole image)", 0 },
	{ "selinux-contexts", 's', "FILE", 0, "write the SELinux contexts to FILE", 0 },
	{ 0 },
};

int main(int argc, char **argv)
{
	struct argp argp = { options, parse_opt, "IMAGE TAR",
			     "Write the contents of a filesystem image to a tar archive.", NULL, NULL, NULL };
	struct archive_entry *e = NULL, *spare = NULL;
	struct lkl_disk disk;
	int disk_id;
	long r;

	if (argp_parse(&argp, argc, argv, 0, NULL, NULL) != 0)
		return 64;
	/* Names in the image are taken as UTF-8, which pax headers use; a
	 * name that is not valid UTF-8 is stored as raw bytes. */
	if (!setlocale(LC_CTYPE, "C.UTF-8"))
		setlocale(LC_CTYPE, "");
	disk.fd = open(opt.image, O_RDONLY);
	if (disk.fd < 0) {
		fprintf(stderr, "fs2tar: cannot open image %s: %s\n", opt.image, strerror(errno));
		return 1;
	}
	disk.ops = NULL;
	if (!opt.printk)
		lkl_host_ops.print = NULL;
	r = lkl_init(&lkl_host_ops);
	if (r < 0) {
		fprintf(stderr, "fs2tar: cannot initialise the kernel: %s\n", lkl_strerror((int)r));
		return 1;
	}
	disk_id = lkl_disk_add(&disk);
	if (disk_id < 0) {
		fprintf(stderr, "fs2tar: cannot add disk %s: %s\n", opt.image, lkl_strerror(disk_id));
		return 1;
	}
	r = lkl_start_kernel("mem=100M");
	if (r < 0) {
		fprintf(stderr, "fs2tar: cannot start the kernel: %s\n", lkl_strerror((int)r));
		return 1;
	}
	r = lkl_mount_dev(disk_id, opt.part, opt.fstype, LKL_MS_RDONLY, NULL, mnt, sizeof(mnt));
	if (r < 0) {
		if (opt.part)
			fprintf(stderr, "fs2tar: cannot mount %s partition %u as %s: %s\n", opt.image,
				opt.part, opt.fstype, lkl_strerror((int)r));
		else
			fprintf(stderr, "fs2tar: cannot mount %s as %s: %s\n", opt.image, opt.fstype,
				lkl_strerror((int)r));
		lkl_sys_halt();
		lkl_cleanup();
		return 1;
	}
	if (opt.contexts) {
		contexts = fopen(opt.contexts, "w");
		if (!contexts) {
			fprintf(stderr, "fs2tar: cannot create %s: %s\n", opt.contexts, strerror(errno));
			errors++;
			goto out;
		}
	}
	ar = archive_write_new();
	archive_write_set_format_pax(ar);
	archive_write_set_format_option(ar, "pax", "xattrheader", "SCHILY");
	links = archive_entry_linkresolver_new();
	archive_entry_linkresolver_set_strategy(links, ARCHIVE_FORMAT_TAR_PAX_INTERCHANGE);
	if (archive_write_open_filename(ar, opt.tar) != ARCHIVE_OK) {
		archive_fail(opt.tar);
	} else {
		add_tree(mnt, "");
		/* Entries the resolver still holds (none for tar formats). */
		for (;;) {
			archive_entry_linkify(links, &e, &spare);
			if (!e)
				break;
			archive_entry_free(e);
			e = NULL;
		}
		if (archive_write_close(ar) != ARCHIVE_OK)
			archive_fail(opt.tar);
	}
	archive_entry_linkresolver_free(links);
	archive_write_free(ar);
	if (contexts && fclose(contexts) != 0) {
		fprintf(stderr, "fs2tar: %s: %s\n", opt.contexts, strerror(errno));
		errors++;
	}
out:
	r = lkl_umount_dev(disk_id, opt.part, 0, 1000);
	if (r < 0)
		fail("cannot unmount", mnt, r);
	lkl_sys_halt();
	lkl_cleanup();
	close(disk.fd);
	return errors ? 1 : 0;
}
