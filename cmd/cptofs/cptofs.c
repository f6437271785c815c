/*
 * cptofs / cpfromfs: copy files into or out of a filesystem image without
 * root, through the liblinux kernel. One program; the name it runs under
 * picks the direction (cpfromfs is a link to cptofs), as with LKL's tools:
 *
 *   cptofs   -t FSTYPE -i IMAGE [-P PART] [-p] [-o UID] [-g GID] [-s CTX] SRC... DST
 *   cpfromfs -t FSTYPE -i IMAGE [-P PART] [-p] [-o UID] [-g GID] SRC... DST
 *
 * Like cp -r: the last argument is the destination. When it is an existing
 * directory every source is copied into it under its own name; with a
 * single source it may also be a new name. A source's last component may be
 * a glob, matched with fnmatch(3) in its directory (a leading dot is not
 * special, as in LKL); a source that is only dots and slashes ("." or "/"),
 * or ends in "/." , copies a directory's contents. Regular files (sparse
 * ones stay sparse), directories, symbolic links and hard links are copied
 * with their modes, times and extended attributes; other file types are
 * reported and skipped. Files are owned by the user that creates them
 * unless -o/-g name an owner.
 *
 * Exit status: 0 when everything was copied, 1 after any error (each is
 * reported on stderr with the path and the Linux error text), 64 for a
 * usage error.
 */
#define _GNU_SOURCE
#include <argp.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <libgen.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <lkl.h>
#include <lkl_host.h>

#include "fsops.h"

static struct {
	int printk;
	unsigned int part, mb;
	const char *fstype, *image, *selinux;
	long uid, gid; /* -1: not given */
	char **paths;
	int npaths;
} opt = { .uid = -1, .gid = -1, .mb = 100 };

static const char *prog;
static int cptofs;   /* 1: host to image; 0: image to host */
static char mnt[32]; /* where the image is mounted in the kernel */
static int errors, xattr_unsupported_warned;

/* Progress on a terminal, for copies that take more than a few seconds. */
static struct timespec started;
static long long copied_bytes, copied_files;
static int tty, progress_shown;
static double progress_last;

static double elapsed(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - started.tv_sec) + (now.tv_nsec - started.tv_nsec) / 1e9;
}

static void progress(int done)
{
	double t;

	if (!tty || (done && !progress_shown))
		return;
	t = elapsed();
	if (!done && (t < 2 || t - progress_last < 0.5))
		return;
	progress_last = t;
	progress_shown = 1;
	fprintf(stderr, "\r%s: %lld files, %.1f MiB, %.1f MiB/s ", prog, copied_files,
		copied_bytes / 1048576.0, copied_bytes / 1048576.0 / (t > 0 ? t : 1));
	if (done)
		fputc('\n', stderr);
}

/* Messages start on a line of their own when a progress line is showing. */
static void break_progress_line(void)
{
	if (progress_shown) {
		fputc('\n', stderr);
		progress_last = 0;
	}
}

/* shown is the path as the user knows it: paths in the image lose the
 * mount point prefix. */
static const char *shown(const struct fsops *ops, const char *p)
{
	size_t n = strlen(mnt);

	if (ops->is_lkl && n && !strncmp(p, mnt, n) && (p[n] == '/' || !p[n]))
		return p[n] ? p + n : "/";
	return p;
}

static void fail(const char *what, const struct fsops *ops, const char *path, long err)
{
	break_progress_line();
	fprintf(stderr, "%s: %s %s: %s\n", prog, what, shown(ops, path), lkl_strerror((int)err));
	errors++;
}

/* join writes dir/name to out, without doubling a slash. */
static int join(char *out, const char *dir, const char *name)
{
	size_t n = strlen(dir);
	int r;

	while (*name == '/')
		name++;
	r = snprintf(out, PATH_MAX, "%s%s%s", dir, n && dir[n - 1] == '/' ? "" : "/", name);
	return r >= PATH_MAX ? -ENAMETOOLONG : 0;
}

/* Hard links: the destination of the first copy of each multiply-linked
 * source file, by (device, inode). */
struct hardlink {
	unsigned long long dev, ino;
	struct hardlink *next;
	char dst[];
};
static struct hardlink *links[4096];

static struct hardlink **link_slot(unsigned long long dev, unsigned long long ino)
{
	return &links[(ino * 0x9e3779b97f4a7c15ull ^ dev) % (sizeof(links) / sizeof(links[0]))];
}

static const char *link_find(const struct xstat *st)
{
	struct hardlink *h;

	for (h = *link_slot(st->dev, st->ino); h; h = h->next)
		if (h->dev == st->dev && h->ino == st->ino)
			return h->dst;
	return NULL;
}

static void link_add(const struct xstat *st, const char *dst)
{
	struct hardlink **slot = link_slot(st->dev, st->ino);
	struct hardlink *h = malloc(sizeof(*h) + strlen(dst) + 1);

	if (!h)
		return;
	h->dev = st->dev;
	h->ino = st->ino;
	strcpy(h->dst, dst);
	h->next = *slot;
	*slot = h;
}

static char buf[1 << 20];

static int all_zero(const char *p, long n)
{
	return n > 0 && p[0] == 0 && !memcmp(p, p + 1, n - 1);
}

/* write_at writes p[0:n] at offset off of out, seeking past holes. */
static long write_at(const struct fsops *to, long out, long long *outpos, long long off,
		     const char *p, long n)
{
	long w;

	if (*outpos != off) {
		long r = to->lseek(out, off, SEEK_SET);

		if (r < 0)
			return r;
		*outpos = off;
	}
	while (n > 0) {
		w = to->write(out, p, n);
		if (w < 0)
			return w;
		if (w == 0)
			return -EIO;
		p += w;
		n -= w;
		*outpos += w;
	}
	return 0;
}

/* copy_data copies a regular file's bytes. A sparse source gives a sparse
 * copy: its holes (found with SEEK_DATA/SEEK_HOLE) and its blocks of zeros
 * are skipped and the size is set at the end. */
static int copy_data(const struct fsops *from, const char *src, long in, const struct fsops *to,
		     const char *dst, long out, const struct xstat *st)
{
	int sparse = st->blocks * 512 < st->size;
	long long pos = 0, outpos = 0, hole = sparse ? 0 : LLONG_MAX, d, end;
	long n, r, off, len;

	for (;;) {
		if (pos >= hole) {
			/* At a hole, or at the start of a sparse file: find
			 * the next data. */
			d = from->lseek(in, pos, SEEK_DATA);
			if (d == -ENXIO)
				break;
			hole = LLONG_MAX;
			if (d >= 0) {
				long long h = from->lseek(in, d, SEEK_HOLE);

				if (h > d)
					hole = h;
				pos = d;
			}
			/* Without SEEK_DATA (d < 0) every byte is read and
			 * blocks of zeros are still skipped. */
			r = from->lseek(in, pos, SEEK_SET);
			if (r < 0) {
				fail("cannot read", from, src, r);
				return -1;
			}
		}
		len = sizeof(buf);
		if (hole - pos < len)
			len = (long)(hole - pos);
		n = from->read(in, buf, len);
		if (n < 0) {
			fail("cannot read", from, src, n);
			return -1;
		}
		if (n == 0)
			break;
		for (off = 0; off < n;) {
			long chunk = n - off < 4096 ? n - off : 4096, run = 0;

			if (sparse && all_zero(buf + off, chunk)) {
				off += chunk;
				continue;
			}
			/* A run of blocks that are not all zeros. */
			while (off + run < n) {
				long c = n - off - run < 4096 ? n - off - run : 4096;

				if (sparse && run && all_zero(buf + off + run, c))
					break;
				run += c;
			}
			r = write_at(to, out, &outpos, pos + off, buf + off, run);
			if (r < 0) {
				fail("cannot write", to, dst, r);
				return -1;
			}
			off += run;
		}
		pos += n;
		copied_bytes += n;
		progress(0);
	}
	if (sparse) {
		end = from->lseek(in, 0, SEEK_END);
		if (end < 0)
			end = pos;
		if (outpos != end) {
			r = to->ftruncate(out, end);
			if (r < 0) {
				fail("cannot write", to, dst, r);
				return -1;
			}
		}
	}
	return 0;
}

static void finish(const struct fsops *from, const char *src, const struct fsops *to,
		   const char *dst, long fd, const struct xstat *st, int mode_set);

/* copy_file copies a regular file and finishes it through its open
 * descriptor. A file this copy created keeps the mode it was created with
 * when that is already the source's (the image's umask is 0): no chmod. */
static int copy_file(const struct fsops *from, const char *src, const struct fsops *to,
		     const char *dst, const struct xstat *st)
{
	struct xstat got;
	long in, out, r;
	int ret, created = 1;

	in = from->open(src, O_RDONLY | O_NOFOLLOW, 0);
	if (in < 0) {
		fail("cannot open", from, src, in);
		return -1;
	}
	out = to->open(dst, O_WRONLY | O_CREAT | O_EXCL, st->mode & 0777);
	if (out == -EEXIST) {
		created = 0;
		out = to->open(dst, O_WRONLY | O_CREAT | O_TRUNC, st->mode & 0777);
	}
	if (out < 0) {
		fail("cannot create", to, dst, out);
		from->close(in);
		return -1;
	}
	ret = copy_data(from, src, in, to, dst, out, st);
	from->close(in);
	if (ret == 0)
		finish(from, src, to, dst, out, st,
		       created && to->fstat(out, &got) == 0 && (got.mode & 07777) == (st->mode & 07777));
	r = to->close(out);
	if (r < 0 && ret == 0) {
		fail("cannot write", to, dst, r);
		ret = -1;
	}
	return ret;
}

static void warn_xattr(const struct fsops *ops, const char *path, const char *name, long err)
{
	if (err == -EOPNOTSUPP) {
		if (xattr_unsupported_warned++)
			return;
		break_progress_line();
		fprintf(stderr, "%s: warning: %s: extended attributes are not supported there; "
			"they are not copied\n", prog, shown(ops, path));
		return;
	}
	break_progress_line();
	fprintf(stderr, "%s: cannot copy extended attribute %s of %s: %s\n", prog, name,
		shown(ops, path), lkl_strerror((int)err));
	errors++;
}

/* copy_xattrs copies every extended attribute of src to dst. */
static void copy_xattrs(const struct fsops *from, const char *src, const struct fsops *to,
			const char *dst)
{
	static char names[65536], value[65536];
	long n = from->llistxattr(src, names, sizeof(names)), off, v, r;

	if (n == -EOPNOTSUPP || n == 0)
		return;
	if (n < 0) {
		fail("cannot list extended attributes of", from, src, n);
		return;
	}
	for (off = 0; off < n; off += strlen(names + off) + 1) {
		const char *name = names + off;

		if (cptofs && opt.selinux && !strcmp(name, "security.selinux"))
			continue;
		v = from->lgetxattr(src, name, value, sizeof(value));
		if (v == -ENODATA)
			continue;
		if (v < 0) {
			warn_xattr(from, src, name, v);
			continue;
		}
		r = to->lsetxattr(dst, name, value, v);
		if (r < 0)
			warn_xattr(to, dst, name, r);
	}
}

/* finish gives a copy its owner, attributes, mode and times, in the order
 * that keeps each: chown clears set-id bits, so the mode comes after it.
 * It works on fd when the copy is open (fd >= 0), else on the path; with
 * mode_set the copy already has the source's mode. */
static void finish(const struct fsops *from, const char *src, const struct fsops *to,
		   const char *dst, long fd, const struct xstat *st, int mode_set)
{
	long r;

	if (opt.uid != -1 || opt.gid != -1) {
		r = fd >= 0 ? to->fchown(fd, opt.uid, opt.gid) : to->lchown(dst, opt.uid, opt.gid);
		if (r < 0)
			fail("cannot change the owner of", to, dst, r);
	}
	copy_xattrs(from, src, to, dst);
	if (cptofs && opt.selinux) {
		r = to->lsetxattr(dst, "security.selinux", opt.selinux, (long)strlen(opt.selinux));
		if (r < 0)
			fail("cannot set the SELinux context of", to, dst, r);
	}
	if (!S_ISLNK(st->mode) && !(mode_set && (st->mode & 07000) == 0)) {
		r = fd >= 0 ? to->fchmod(fd, st->mode & 07777) : to->chmod(dst, st->mode & 07777);
		if (r < 0)
			fail("cannot change the mode of", to, dst, r);
	}
	r = fd >= 0 ? to->futimens(fd, st) : to->utimens(dst, st);
	if (r < 0)
		fail("cannot set the times of", to, dst, r);
}

static void copy_one(const struct fsops *from, const char *src, const struct fsops *to, const char *dst);

static void copy_dir_contents(const struct fsops *from, const char *src, const struct fsops *to,
			      const char *dst)
{
	char s[PATH_MAX], d[PATH_MAX];
	const char *name;
	long err = 0;
	void *dir = from->opendir(src, &err);

	if (!dir) {
		fail("cannot open directory", from, src, err);
		return;
	}
	while ((name = from->readdir(dir, &err)) != NULL) {
		if (!strcmp(name, ".") || !strcmp(name, ".."))
			continue;
		if (join(s, src, name) < 0 || join(d, dst, name) < 0) {
			fail("cannot copy", from, s, -ENAMETOOLONG);
			continue;
		}
		copy_one(from, s, to, d);
	}
	if (err < 0)
		fail("cannot read directory", from, src, err);
	from->closedir(dir);
}

/* replace runs create(dst) and, when dst exists and is not a directory,
 * removes it and tries once more, as cp does for links. */
static long replace(const struct fsops *to, const char *dst, long (*create)(const char *, const char *),
		    const char *arg)
{
	struct xstat st;
	long r = create(arg, dst);

	if (r == -EEXIST && to->lstat(dst, &st) == 0 && !S_ISDIR(st.mode) && to->unlink(dst) == 0)
		r = create(arg, dst);
	return r;
}

static void copy_one(const struct fsops *from, const char *src, const struct fsops *to, const char *dst)
{
	struct xstat st, dst_st;
	char target[PATH_MAX];
	const char *first;
	long r;

	r = from->lstat(src, &st);
	if (r < 0) {
		fail("cannot stat", from, src, r);
		return;
	}
	switch (st.mode & S_IFMT) {
	case S_IFDIR:
		/* Private until its contents are in; finish sets the mode. */
		r = to->mkdir(dst, 0700);
		if (r == -EEXIST && to->lstat(dst, &dst_st) == 0 && S_ISDIR(dst_st.mode))
			r = 0;
		if (r < 0) {
			fail("cannot create directory", to, dst, r);
			return;
		}
		copy_dir_contents(from, src, to, dst);
		finish(from, src, to, dst, -1, &st, 0);
		break;
	case S_IFREG:
		if (st.nlink > 1 && (first = link_find(&st)) != NULL) {
			r = replace(to, dst, to->link, first);
			if (r == 0)
				break;
			/* The destination cannot link (EXDEV, EPERM...): copy. */
		}
		if (copy_file(from, src, to, dst, &st) < 0)
			return;
		if (st.nlink > 1)
			link_add(&st, dst);
		break;
	case S_IFLNK:
		r = from->readlink(src, target, sizeof(target) - 1);
		if (r < 0) {
			fail("cannot read symbolic link", from, src, r);
			return;
		}
		target[r] = 0;
		r = replace(to, dst, to->symlink, target);
		if (r < 0) {
			fail("cannot create symbolic link", to, dst, r);
			return;
		}
		finish(from, src, to, dst, -1, &st, 0);
		break;
	default:
		break_progress_line();
		fprintf(stderr, "%s: skipping %s: %s not copied\n", prog, shown(from, src),
			S_ISFIFO(st.mode) ? "FIFO" : S_ISSOCK(st.mode) ? "socket" :
			S_ISCHR(st.mode) ? "character device" : S_ISBLK(st.mode) ? "block device" :
			"special file");
		return;
	}
	copied_files++;
	progress(0);
}

/* only_dots_and_slashes reports a source that names a directory whose
 * contents are copied: ".", "/", "./", but not "..". */
static int only_dots_and_slashes(const char *s)
{
	const char *c;

	for (c = s; *c; c++) {
		if (*c != '.' && *c != '/')
			return 0;
		if (*c == '.' && c > s && c[-1] == '.')
			return 0;
	}
	return 1;
}

static int has_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/* source_path is where argument arg is: on the host as given, in the image
 * under the mount point. */
static int source_path(char *out, const char *arg)
{
	if (cptofs) {
		if (snprintf(out, PATH_MAX, "%s", arg) >= PATH_MAX)
			return -ENAMETOOLONG;
		return 0;
	}
	return join(out, mnt, arg);
}

/* split puts the directory and last component of path in dir and base. */
static void split(const char *path, char *dir, char *base)
{
	char a[PATH_MAX], b[PATH_MAX];

	strcpy(a, path);
	strcpy(b, path);
	strcpy(dir, dirname(a));
	strcpy(base, basename(b));
}

/* copy_arg copies one command-line source to dst: into it when into is
 * set, else as it. */
static void copy_arg(const char *arg, const char *dst, int into)
{
	const struct fsops *from = cptofs ? &host_fsops : &lkl_fsops;
	const struct fsops *to = cptofs ? &lkl_fsops : &host_fsops;
	char src[PATH_MAX], dir[PATH_MAX], base[PATH_MAX], s[PATH_MAX], d[PATH_MAX];
	const char *name;
	void *dh;
	long err = 0;
	int matched = 0;

	if (!*arg) {
		fail("cannot stat", from, "''", -ENOENT);
		return;
	}
	if (source_path(src, arg) < 0) {
		fail("cannot stat", from, arg, -ENAMETOOLONG);
		return;
	}
	split(src, dir, base);
	if (!strcmp(base, "."))
		strcpy(src, dir); /* "d/." is d */
	if (only_dots_and_slashes(arg) || !strcmp(base, ".") || !strcmp(base, "..")) {
		if (into)
			copy_dir_contents(from, src, to, dst);
		else
			copy_one(from, src, to, dst);
		return;
	}
	if (!into) {
		copy_one(from, src, to, dst);
		return;
	}
	if (!has_glob(base)) {
		if (join(d, dst, base) < 0)
			fail("cannot create", to, dst, -ENAMETOOLONG);
		else
			copy_one(from, src, to, d);
		return;
	}
	dh = from->opendir(dir, &err);
	if (!dh) {
		fail("cannot open directory", from, dir, err);
		return;
	}
	while ((name = from->readdir(dh, &err)) != NULL) {
		if (!strcmp(name, ".") || !strcmp(name, "..") || fnmatch(base, name, 0) != 0)
			continue;
		matched++;
		if (join(s, dir, name) < 0 || join(d, dst, name) < 0) {
			fail("cannot copy", from, name, -ENAMETOOLONG);
			continue;
		}
		copy_one(from, s, to, d);
	}
	if (err < 0)
		fail("cannot read directory", from, dir, err);
	from->closedir(dh);
	if (!matched)
		fail("cannot stat", from, src, -ENOENT);
}

/* copy_all resolves the destination and copies every source. */
static void copy_all(void)
{
	const struct fsops *to = cptofs ? &lkl_fsops : &host_fsops;
	const char *last = opt.paths[opt.npaths - 1];
	char dst[PATH_MAX], src[PATH_MAX], dir[PATH_MAX], base[PATH_MAX];
	struct xstat st;
	int i, into, single = 0;
	long r;

	if (cptofs ? join(dst, mnt, last) < 0 : snprintf(dst, sizeof(dst), "%s", last) >= (int)sizeof(dst)) {
		fail("cannot copy to", to, last, -ENAMETOOLONG);
		return;
	}
	/* A single source that is not a glob may be copied as dst. */
	if (opt.npaths == 2 && source_path(src, opt.paths[0]) == 0) {
		split(src, dir, base);
		single = !has_glob(base) || only_dots_and_slashes(opt.paths[0]);
	}
	r = to->lstat(dst, &st);
	if (r == 0 && cptofs && S_ISLNK(st.mode)) {
		/* A symbolic link in the image names a directory only if
		 * it resolves to one. */
		struct lkl_stat ls;

		if (lkl_sys_stat(dst, &ls) == 0 && LKL_S_ISDIR(ls.st_mode))
			st.mode = S_IFDIR;
	} else if (r == 0 && !cptofs && S_ISLNK(st.mode)) {
		struct stat hs;

		if (stat(dst, &hs) == 0 && S_ISDIR(hs.st_mode))
			st.mode = S_IFDIR;
	}
	if (r == 0 && S_ISDIR(st.mode)) {
		into = 1;
	} else if ((r == 0 || r == -ENOENT) && single) {
		into = 0;
	} else {
		fail("cannot copy to", to, dst, r == 0 ? -ENOTDIR : r);
		return;
	}
	for (i = 0; i < opt.npaths - 1; i++)
		copy_arg(opt.paths[i], dst, into);
}

static long parse_number(const char *s, struct argp_state *state, const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0 || v > UINT32_MAX - 1)
		argp_error(state, "invalid %s: %s", what, s);
	return v;
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'p': opt.printk = 1; break;
	case 'P': opt.part = (unsigned int)parse_number(arg, state, "partition"); break;
	case 't': opt.fstype = arg; break;
	case 'i': opt.image = arg; break;
	case 'o': opt.uid = parse_number(arg, state, "owner"); break;
	case 'g': opt.gid = parse_number(arg, state, "group"); break;
	case 's': opt.selinux = arg; break;
	case 'm':
		opt.mb = (unsigned int)parse_number(arg, state, "memory size");
		if (opt.mb < 16)
			argp_error(state, "-m needs at least 16 MiB");
		break;
	case ARGP_KEY_ARG:
		opt.paths = realloc(opt.paths, (opt.npaths + 1) * sizeof(*opt.paths));
		if (!opt.paths)
			argp_failure(state, 1, ENOMEM, "arguments");
		opt.paths[opt.npaths++] = arg;
		break;
	case ARGP_KEY_END:
		if (!opt.fstype)
			argp_error(state, "the filesystem type (-t) is required");
		if (!opt.image)
			argp_error(state, "the filesystem image (-i) is required");
		if (opt.npaths < 2)
			argp_error(state, "needs a source and a destination");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static struct argp_option options[] = {
	{ "enable-printk", 'p', 0, 0, "show the kernel's log", 0 },
	{ "partition", 'P', "N", 0, "partition number (default: the whole image)", 0 },
	{ "filesystem-type", 't', "TYPE", 0, "filesystem type - mandatory", 0 },
	{ "filesystem-image", 'i', "FILE", 0, "path to the filesystem image - mandatory", 0 },
	{ "owner", 'o', "UID", 0, "owner of the copied files", 0 },
	{ "group", 'g', "GID", 0, "group of the copied files", 0 },
	{ "selinux", 's', "CONTEXT", 0, "SELinux context (security.selinux) of the copied files (cptofs)", 0 },
	{ "mb", 'm', "MB", 0, "memory for the kernel in MiB (default: 100)", 0 },
	{ 0 },
};

static int mount_image(int *disk_id, struct lkl_disk *disk)
{
	long r;

	disk->fd = open(opt.image, cptofs ? O_RDWR : O_RDONLY);
	if (disk->fd < 0) {
		fprintf(stderr, "%s: cannot open image %s: %s\n", prog, opt.image, strerror(errno));
		return -1;
	}
	disk->ops = NULL;
	if (!opt.printk)
		lkl_host_ops.print = NULL;
	r = lkl_init(&lkl_host_ops);
	if (r < 0) {
		fprintf(stderr, "%s: cannot initialise the kernel: %s\n", prog, lkl_strerror((int)r));
		return -1;
	}
	*disk_id = lkl_disk_add(disk);
	if (*disk_id < 0) {
		fprintf(stderr, "%s: cannot add disk %s: %s\n", prog, opt.image, lkl_strerror(*disk_id));
		lkl_cleanup();
		return -1;
	}
	r = lkl_start_kernel("mem=%uM", opt.mb);
	if (r < 0) {
		fprintf(stderr, "%s: cannot start the kernel: %s\n", prog, lkl_strerror((int)r));
		lkl_cleanup();
		return -1;
	}
	r = lkl_mount_dev(*disk_id, opt.part, opt.fstype, cptofs ? 0 : LKL_MS_RDONLY, NULL, mnt, sizeof(mnt));
	if (r < 0) {
		if (opt.part)
			fprintf(stderr, "%s: cannot mount %s partition %u as %s: %s\n", prog, opt.image,
				opt.part, opt.fstype, lkl_strerror((int)r));
		else
			fprintf(stderr, "%s: cannot mount %s as %s: %s\n", prog, opt.image, opt.fstype,
				lkl_strerror((int)r));
		mnt[0] = 0;
		lkl_sys_halt();
		lkl_cleanup();
		return -1;
	}
	return 0;
}

/* unmount_image leaves the image clean: read-only first, so the journal is
 * empty, then unmounted, then the kernel halts and writes everything back. */
static void unmount_image(int disk_id)
{
	char dev[32];
	long r;
	int tries;

	if (cptofs) {
		lkl_sys_sync();
		snprintf(dev, sizeof(dev), "/dev/%s", mnt + strlen("/mnt/"));
		for (tries = 0; tries < 50; tries++) {
			struct __lkl__kernel_timespec ts = { 0, 20 * 1000 * 1000 };

			r = lkl_sys_mount(dev, mnt, (char *)opt.fstype, LKL_MS_REMOUNT | LKL_MS_RDONLY, NULL);
			if (r != -LKL_EBUSY)
				break;
			lkl_sys_nanosleep(&ts, NULL);
		}
		if (r < 0)
			fail("cannot remount read-only", &lkl_fsops, mnt, r);
	}
	r = lkl_umount_dev(disk_id, opt.part, 0, 1000);
	if (r < 0)
		fail("cannot unmount", &lkl_fsops, mnt, r);
	r = lkl_sys_halt();
	if (r < 0) {
		fprintf(stderr, "%s: halt: %s\n", prog, lkl_strerror((int)r));
		errors++;
	}
	lkl_cleanup();
}

int main(int argc, char **argv)
{
	struct argp argp = { options, parse_opt, NULL, NULL, NULL, NULL, NULL };
	struct lkl_disk disk;
	int disk_id;

	prog = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	cptofs = strstr(prog, "cptofs") != NULL;
	argp.args_doc = cptofs ? "SRC... DST" : "IMAGE_PATH... DST";
	argp.doc = cptofs ? "Copy files into a filesystem image." : "Copy files out of a filesystem image.";
	if (argp_parse(&argp, argc, argv, 0, NULL, NULL) != 0)
		return 64;

	if (mount_image(&disk_id, &disk) < 0)
		return 1;
	if (cptofs)
		lkl_sys_umask(0);
	clock_gettime(CLOCK_MONOTONIC, &started);
	tty = isatty(STDERR_FILENO);
	copy_all();
	progress(1);
	unmount_image(disk_id);
	if (close(disk.fd) < 0) {
		fprintf(stderr, "%s: %s: %s\n", prog, opt.image, strerror(errno));
		errors++;
	}
	return errors ? 1 : 0;
}
