/*
 * dual.c: the runner of the dual-target suite (see dual.h). Linked into
 * every case binary, built once with -DDUAL_HOST and once with -DDUAL_LKL.
 *
 * Usage: <binary> [--list] [--from NAME] [NAME...]
 *   --list      print the case names in order, one a line
 *   --from NAME run the cases from NAME on (the runner resumes this way
 *               after a crash of the liblinux build)
 *   NAME...     run only these cases
 * Output: one line per case, "PASS name" or "FAIL name: detail".
 */
#include "dual.h"

#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <sys/wait.h>

#define CASE_TIMEOUT_S 3

#pragma GCC diagnostic ignored "-Wformat-truncation"

char *dual_fault_page;
char dual_scratch[PATH_MAX];
static char base[PATH_MAX];

static struct dual_case **cases;
static int ncases;

void dual_register(struct dual_case *c)
{
	cases = realloc(cases, (ncases + 1) * sizeof(*cases));
	if (cases == NULL)
		abort();
	cases[ncases++] = c;
}

static int by_line(const void *a, const void *b)
{
	return (*(struct dual_case *const *)a)->line - (*(struct dual_case *const *)b)->line;
}

/* Failures of the running case. */
static pthread_mutex_t fail_mu = PTHREAD_MUTEX_INITIALIZER;
static char detail[1200];
static int nfail;
static pthread_t main_thread;
static jmp_buf case_jmp;

static const char *const errnames[] = {
	[EPERM] = "EPERM", [ENOENT] = "ENOENT", [ESRCH] = "ESRCH", [EINTR] = "EINTR",
	[EIO] = "EIO", [ENXIO] = "ENXIO", [E2BIG] = "E2BIG", [ENOEXEC] = "ENOEXEC",
	[EBADF] = "EBADF", [ECHILD] = "ECHILD", [EAGAIN] = "EAGAIN", [ENOMEM] = "ENOMEM",
	[EACCES] = "EACCES", [EFAULT] = "EFAULT", [ENOTBLK] = "ENOTBLK", [EBUSY] = "EBUSY",
	[EEXIST] = "EEXIST", [EXDEV] = "EXDEV", [ENODEV] = "ENODEV", [ENOTDIR] = "ENOTDIR",
	[EISDIR] = "EISDIR", [EINVAL] = "EINVAL", [ENFILE] = "ENFILE", [EMFILE] = "EMFILE",
	[ENOTTY] = "ENOTTY", [ETXTBSY] = "ETXTBSY", [EFBIG] = "EFBIG", [ENOSPC] = "ENOSPC",
	[ESPIPE] = "ESPIPE", [EROFS] = "EROFS", [EMLINK] = "EMLINK", [EPIPE] = "EPIPE",
	[EDOM] = "EDOM", [ERANGE] = "ERANGE", [EDEADLK] = "EDEADLK",
	[ENAMETOOLONG] = "ENAMETOOLONG", [ENOLCK] = "ENOLCK", [ENOSYS] = "ENOSYS",
	[ENOTEMPTY] = "ENOTEMPTY", [ELOOP] = "ELOOP", [ENOMSG] = "ENOMSG", [ENODATA] = "ENODATA",
	[ETIME] = "ETIME", [EOVERFLOW] = "EOVERFLOW", [EBADFD] = "EBADFD",
	[ENOTSOCK] = "ENOTSOCK", [EOPNOTSUPP] = "EOPNOTSUPP", [ETIMEDOUT] = "ETIMEDOUT",
	[ESTALE] = "ESTALE", [EDQUOT] = "EDQUOT", [ENOMEDIUM] = "ENOMEDIUM",
	[ECANCELED] = "ECANCELED", [EOWNERDEAD] = "EOWNERDEAD", [ERESTART] = "ERESTART",
	[EUCLEAN] = "EUCLEAN",
};

const char *errname(long long e)
{
	if (e < 0)
		e = -e;
	if (e < (long long)(sizeof(errnames) / sizeof(errnames[0])) && errnames[e])
		return errnames[e];
	return NULL;
}

/* Formats v as a number, or as "-ENAME" when it looks like an errno. */
static const char *fmtval(char *buf, size_t n, long long v)
{
	const char *name = v < 0 && v > -4096 ? errname(v) : NULL;

	if (name && v == -1)
		snprintf(buf, n, "-1 (-%s)", name);
	else if (name)
		snprintf(buf, n, "-%s", name);
	else if (v > 0xffff || v < -0xffff)
		snprintf(buf, n, "%lld (%#llx)", v, v);
	else
		snprintf(buf, n, "%lld", v);
	return buf;
}

static void add_detail(const char *file, int line, const char *msg)
{
	const char *f = strrchr(file, '/');
	size_t len;

	f = f ? f + 1 : file;
	pthread_mutex_lock(&fail_mu);
	nfail++;
	len = strlen(detail);
	if (nfail <= 4 && len < sizeof(detail) - 1)
		snprintf(detail + len, sizeof(detail) - len, "%s%s:%d: %s", len ? "; " : "", f, line, msg);
	else if (nfail == 5 && len < sizeof(detail) - 1)
		snprintf(detail + len, sizeof(detail) - len, "; ...");
	pthread_mutex_unlock(&fail_mu);
}

void dual_fail_eq(const char *file, int line, const char *expr, long long got, long long want)
{
	char msg[512], g[48], w[48];

	snprintf(msg, sizeof(msg), "%s: got %s, want %s", expr, fmtval(g, sizeof(g), got),
		 fmtval(w, sizeof(w), want));
	add_detail(file, line, msg);
}

void dual_fail_str(const char *file, int line, const char *expr, const char *got, const char *want)
{
	char msg[512];

	snprintf(msg, sizeof(msg), "%s: got \"%.120s\", want \"%.120s\"", expr, got ? got : "(null)", want);
	add_detail(file, line, msg);
}

void dual_fail_msg(const char *file, int line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	add_detail(file, line, msg);
}

void dual_abort(const char *file, int line, const char *expr, long long got)
{
	char msg[512], g[48];

	snprintf(msg, sizeof(msg), "setup %s: got %s", expr, fmtval(g, sizeof(g), got));
	add_detail(file, line, msg);
	if (!pthread_equal(pthread_self(), main_thread))
		pthread_exit(NULL);
	longjmp(case_jmp, 1);
}

/* Helpers for cases. */

int mkfile_mode(const char *path, const char *content, mode_t mode)
{
	long fd = OK(sys_openat(AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, mode));
	size_t n = strlen(content);

	if (n)
		EQ(OK(sys_write(fd, content, n)), n);
	/* The exact mode, also where the umask (022) would clear bits. */
	if (mode & 022)
		OK(sys_fchmod(fd, mode));
	OK(sys_close(fd));
	return 0;
}

int mkfile(const char *path, const char *content)
{
	return mkfile_mode(path, content, 0644);
}

void mkdir_p(const char *path)
{
	OK(sys_mkdirat(AT_FDCWD, path, 0755));
}

struct stat stat_of(const char *path)
{
	struct stat st;

	OK(sys_fstatat(AT_FDCWD, path, &st, AT_SYMLINK_NOFOLLOW));
	return st;
}

struct stat fstat_of(int fd)
{
	struct stat st;

	OK(sys_fstat(fd, &st));
	return st;
}

mode_t mode_of(const char *path)
{
	return stat_of(path).st_mode;
}

off_t size_of(const char *path)
{
	return stat_of(path).st_size;
}

char *read_all(const char *path)
{
	static char buf[65536];
	long fd = OK(sys_openat(AT_FDCWD, path, O_RDONLY, 0));
	long n, total = 0;

	while ((n = OK(sys_read(fd, buf + total, sizeof(buf) - 1 - total))) > 0)
		total += n;
	buf[total] = 0;
	OK(sys_close(fd));
	return buf;
}

int exists(const char *path)
{
	struct stat st;
	long r = sys_fstatat(AT_FDCWD, path, &st, AT_SYMLINK_NOFOLLOW);

	if (r == -ENOENT)
		return 0;
	OK(r);
	return 1;
}

long inode_flags(const char *path)
{
	int flags = 0;
	long fd = sys_openat(AT_FDCWD, path, O_RDONLY | O_NONBLOCK, 0), r;

	if (fd < 0)
		return fd;
	r = sys_ioctl((int)fd, FS_IOC_GETFLAGS, (unsigned long)&flags);
	sys_close((int)fd);
	return r < 0 ? r : flags;
}

static int cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int dir_list(const char *path, char *out, size_t size)
{
	static char buf[16384];
	static char names[256][256];
	char *ptrs[256];
	long fd = OK(sys_openat(AT_FDCWD, path, O_RDONLY | O_DIRECTORY, 0));
	int n = 0, i;
	long got;

	while ((got = OK(sys_getdents64(fd, buf, sizeof(buf)))) > 0) {
		for (long off = 0; off < got;) {
			struct dirent64_k *d = (struct dirent64_k *)(buf + off);

			if (strcmp(d->d_name, ".") && strcmp(d->d_name, "..") && n < 256) {
				snprintf(names[n], sizeof(names[n]), "%s", d->d_name);
				ptrs[n] = names[n];
				n++;
			}
			off += d->d_reclen;
		}
	}
	OK(sys_close(fd));
	qsort(ptrs, n, sizeof(ptrs[0]), cmpstr);
	out[0] = 0;
	for (i = 0; i < n; i++) {
		size_t len = strlen(out);

		snprintf(out + len, size - len, "%s%s", i ? "," : "", ptrs[i]);
	}
	return n;
}

static gid_t root_groups[64];
static int root_ngroups;

void dual_become(uid_t uid, gid_t gid)
{
	OK(sys_setgroups(0, NULL));
	OK(sys_setresgid(gid, gid, 0));
	OK(sys_setresuid(uid, uid, 0));
}

void dual_unbecome(void)
{
	OK(sys_setresuid(0, 0, 0));
	OK(sys_setresgid(0, 0, 0));
	OK(sys_setgroups(root_ngroups, root_groups));
}

void dual_private_mounts(void)
{
#ifdef DUAL_HOST
	if (unshare(CLONE_NEWNS) != 0)
		dual_abort(__FILE__, __LINE__, "unshare(CLONE_NEWNS)", -errno);
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
		dual_abort(__FILE__, __LINE__, "mount(/, MS_REC|MS_PRIVATE)", -errno);
#endif
}

void dual_private_uts(void)
{
#ifdef DUAL_HOST
	if (unshare(CLONE_NEWUTS) != 0)
		dual_abort(__FILE__, __LINE__, "unshare(CLONE_NEWUTS)", -errno);
#endif
}

pthread_t dual_thread(void *(*fn)(void *), void *arg)
{
	pthread_t t;

	if (pthread_create(&t, NULL, fn, arg) != 0)
		dual_abort(__FILE__, __LINE__, "pthread_create", -EAGAIN);
	return t;
}

void *dual_join(pthread_t t)
{
	void *r = NULL;

	pthread_join(t, &r);
	return r;
}

long long dual_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Running one case. */

static void print_result(const char *name)
{
	if (nfail == 0)
		printf("PASS %s\n", name);
	else
		printf("FAIL %s: %s\n", name, detail);
	fflush(stdout);
}

#ifdef DUAL_LKL
/* A case of its own process: a host thread made a new thread group. */
static void *isolated_main(void *arg)
{
	struct dual_case *c = arg;
	long r = lkl_sys_new_thread_group_leader();

	if (r != 0)
		dual_abort(__FILE__, __LINE__, "lkl_sys_new_thread_group_leader()", r);
	c->fn();
	return NULL;
}
#endif

static void run_body(struct dual_case *c)
{
	long r;

	nfail = 0;
	detail[0] = 0;
	snprintf(dual_scratch, sizeof(dual_scratch), "%s/%s", base, c->name);
	sys_umask(022);
	r = sys_mkdirat(AT_FDCWD, dual_scratch, 0755);
	if (r == 0)
		r = sys_chdir(dual_scratch);
	if (r != 0) {
		dual_fail_eq(__FILE__, __LINE__, "scratch directory (mkdirat, chdir)", r, 0);
		return;
	}
#ifdef DUAL_LKL
	if (c->isolated) {
		pthread_t t;

		pthread_create(&t, NULL, isolated_main, c);
		pthread_join(t, NULL);
		return;
	}
#endif
	if (setjmp(case_jmp) == 0)
		c->fn();
}

#ifdef DUAL_HOST

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

static void run_case(struct dual_case *c)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		alarm(CASE_TIMEOUT_S);
		sys_close_range(3, ~0U, 0);
		run_body(c);
		print_result(c->name);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid) {
		printf("FAIL %s: fork/wait failed\n", c->name);
	} else if (WIFSIGNALED(status)) {
		printf("FAIL %s: killed by signal %d%s\n", c->name, WTERMSIG(status),
		       WTERMSIG(status) == SIGALRM ? " (timeout)" : "");
	} else if (WEXITSTATUS(status) != 0) {
		printf("FAIL %s: exit status %d\n", c->name, WEXITSTATUS(status));
	}
	fflush(stdout);
}

static int setup(const char *prog)
{
	struct statfs sf;
	const char *dir = "/dev/shm";

	(void)prog;
	/* Descriptors 0-2 are taken, so a case's first new descriptor is 3. */
	for (int fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", O_RDWR) != fd)
			return -1;
	/* tmpfs, like the library kernel's root; DUAL_BASE names another
	 * directory (the ext4 mode's loop-mounted image). */
	if (getenv("DUAL_BASE"))
		dir = getenv("DUAL_BASE");
	else if (statfs(dir, &sf) != 0 || sf.f_type != TMPFS_MAGIC)
		dir = "/tmp";
	snprintf(base, sizeof(base), "%s/dual.XXXXXX", dir);
	if (mkdtemp(base) == NULL || chmod(base, 0755) != 0) {
		perror("mkdtemp");
		return -1;
	}
	root_ngroups = getgroups(64, root_groups);
	if (root_ngroups < 0)
		root_ngroups = 0;
	return 0;
}

static void teardown(void)
{
	if (chdir("/") == 0)
		nftw(base, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

#else /* DUAL_LKL */

static volatile long long case_start_ms;
static const char *volatile case_name;
static struct rlimit root_limits[RLIM_NLIMITS];

static void *watchdog(void *arg)
{
	(void)arg;
	for (;;) {
		usleep(50000);
		if (case_name && dual_now_ms() - case_start_ms > CASE_TIMEOUT_S * 1000) {
			printf("FAIL %s: timeout (%ds)\n", case_name, CASE_TIMEOUT_S);
			fflush(stdout);
			_exit(3);
		}
	}
	return NULL;
}

/* Whether path is on another filesystem than its parent directory. */
static int on_other_fs(const char *path)
{
	char parent[PATH_MAX];
	const char *slash = strrchr(path, '/');
	struct stat a, b;

	if (slash)
		snprintf(parent, sizeof(parent), "%.*s", (int)(slash - path), path);
	else
		snprintf(parent, sizeof(parent), ".");
	return sys_fstatat(AT_FDCWD, path, &a, AT_SYMLINK_NOFOLLOW) == 0 &&
	       sys_fstatat(AT_FDCWD, parent, &b, AT_SYMLINK_NOFOLLOW) == 0 && a.st_dev != b.st_dev;
}

/* unpin clears the immutable and append-only flags a failed case may have
 * left on path, which would keep it (or its entries) from going. */
static void unpin(const char *path)
{
	long fd = sys_openat(AT_FDCWD, path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW, 0);
	int flags;

	if (fd < 0)
		return;
	if (sys_ioctl((int)fd, FS_IOC_GETFLAGS, (unsigned long)&flags) == 0 &&
	    flags & (FS_IMMUTABLE_FL | FS_APPEND_FL)) {
		flags &= ~(FS_IMMUTABLE_FL | FS_APPEND_FL);
		sys_ioctl((int)fd, FS_IOC_SETFLAGS, (unsigned long)&flags);
	}
	sys_close((int)fd);
}

/* Removes a tree through the library kernel, unmounting what is mounted in it. */
static void remove_tree(const char *path, int depth)
{
	char buf[4096], sub[PATH_MAX];
	long fd, n, r;
	int passes = 0;

	r = sys_unlinkat(AT_FDCWD, path, 0);
	if (r == -EPERM) {
		unpin(path);
		r = sys_unlinkat(AT_FDCWD, path, 0);
	}
	if (r == 0 || r == -ENOENT || depth > 16)
		return;
	unpin(path);
	/* Unmount what is mounted here first: walking into another
	 * filesystem (proc) may never end. */
	for (int i = 0; i < 16 && on_other_fs(path); i++)
		if (sys_umount2(path, MNT_DETACH) != 0)
			break;
	fd = sys_openat(AT_FDCWD, path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW, 0);
	if (fd >= 0) {
		/* Whole passes over the directory until one finds nothing
		 * (removing entries may make a listing skip some). */
		while (passes++ < 64) {
			int removed = 0;

			sys_lseek(fd, 0, SEEK_SET);
			while ((n = sys_getdents64(fd, buf, sizeof(buf))) > 0) {
				for (long off = 0; off < n;) {
					struct dirent64_k *d = (struct dirent64_k *)(buf + off);

					if (strcmp(d->d_name, ".") && strcmp(d->d_name, "..")) {
						snprintf(sub, sizeof(sub), "%s/%s", path, d->d_name);
						remove_tree(sub, depth + 1);
						removed++;
					}
					off += d->d_reclen;
				}
			}
			if (!removed)
				break;
		}
		sys_close(fd);
	}
	if (sys_unlinkat(AT_FDCWD, path, AT_REMOVEDIR) == -EBUSY) {
		sys_umount2(path, MNT_DETACH);
		sys_unlinkat(AT_FDCWD, path, AT_REMOVEDIR);
	}
}

static void cleanup(struct dual_case *c)
{
	long r;
	int fd;

	sys_setresuid(0, 0, 0);
	sys_setresgid(0, 0, 0);
	sys_setgroups(root_ngroups, root_groups);
	r = sys_close_range(3, ~0U, 0);
	if (r != 0)
		for (fd = 3; fd < 1024; fd++)
			sys_close(fd);
	for (int res = 0; res < RLIM_NLIMITS; res++)
		sys_setrlimit(res, &root_limits[res]);
	sys_umask(022);
	if (sys_chdir(base) == 0)
		remove_tree(c->name, 0);
}

static void run_case(struct dual_case *c)
{
	case_start_ms = dual_now_ms();
	case_name = c->name;
	run_body(c);
	case_name = NULL;
	print_result(c->name);
	cleanup(c);
}

static char console[1 << 16];
static size_t console_len;

static void capture(const char *s, int n)
{
	if (getenv("DUAL_CONSOLE")) {
		fwrite(s, 1, n, stderr);
		return;
	}
	if (console_len + n < sizeof(console)) {
		memcpy(console + console_len, s, n);
		console_len += n;
	}
}

/*
 * DUAL_EXT4=IMAGE: the scratch directories are on an ext4 image, added as
 * the first disk (/dev/vda) before boot and mounted on /dual; the base is
 * a fresh directory there named after the binary.
 */
static struct lkl_disk ext4_disk;

static int setup(const char *prog)
{
	const char *image = getenv("DUAL_EXT4");
	long fd, r;
	pthread_t t;

	lkl_host_ops.print = capture;
	if (lkl_init(&lkl_host_ops) != 0) {
		fprintf(stderr, "lkl_init failed\n");
		return -1;
	}
	if (image) {
		ext4_disk.fd = open(image, O_RDWR);
		ext4_disk.ops = NULL;
		if (ext4_disk.fd < 0 || lkl_disk_add(&ext4_disk) != 0) {
			fprintf(stderr, "cannot add %s as a disk\n", image);
			return -1;
		}
	}
	if (lkl_start_kernel("mem=128M loglevel=4") != 0) {
		fprintf(stderr, "liblinux boot failed:\n%.*s\n", (int)console_len, console);
		return -1;
	}
	/* Descriptors 0-2 are taken, as in a process. */
	do {
		fd = sys_openat(AT_FDCWD, "/", O_RDONLY | O_DIRECTORY, 0);
	} while (fd >= 0 && fd < 2);
	snprintf(base, sizeof(base), "/dual");
	r = sys_mkdirat(AT_FDCWD, base, 0755);
	if (r != 0) {
		fprintf(stderr, "mkdir /dual: %ld\n", r);
		return -1;
	}
	if (image) {
		const char *name = strrchr(prog, '/');

		r = sys_mount("/dev/vda", base, "ext4", 0, NULL);
		if (r != 0) {
			fprintf(stderr, "mount /dev/vda on /dual: %ld\n%.*s\n", r, (int)console_len, console);
			return -1;
		}
		snprintf(base, sizeof(base), "/dual/%s.%d", name ? name + 1 : prog, (int)getpid());
		r = sys_mkdirat(AT_FDCWD, base, 0755);
		if (r != 0) {
			fprintf(stderr, "mkdir %s: %ld\n", base, r);
			return -1;
		}
	}
	for (int res = 0; res < RLIM_NLIMITS; res++)
		sys_getrlimit(res, &root_limits[res]);
	r = sys_getgroups(64, root_groups);
	root_ngroups = r > 0 ? (int)r : 0;
	pthread_create(&t, NULL, watchdog, NULL);
	return 0;
}

static void teardown(void)
{
	if (getenv("DUAL_EXT4") && sys_chdir("/dual") == 0) {
		remove_tree(base + strlen("/dual/"), 0);
		sys_chdir("/");
	}
	lkl_sys_halt();
	lkl_cleanup();
	if (getenv("DUAL_EXT4"))
		close(ext4_disk.fd);
}

#endif

int main(int argc, char **argv)
{
	const char *from = NULL;
	int i, j, list = 0, nsel = 0, started;
	char **sel = NULL;

	qsort(cases, ncases, sizeof(cases[0]), by_line);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--list"))
			list = 1;
		else if (!strcmp(argv[i], "--from") && i + 1 < argc)
			from = argv[++i];
		else {
			sel = &argv[i];
			nsel = argc - i;
			break;
		}
	}
	if (list) {
		for (i = 0; i < ncases; i++)
			printf("%s\n", cases[i]->name);
		return 0;
	}
	main_thread = pthread_self();
	signal(SIGPIPE, SIG_IGN);
	dual_fault_page = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (dual_fault_page == MAP_FAILED)
		return 2;
	if (setup(argv[0]) != 0)
		return 2;
	started = from == NULL;
	for (i = 0; i < ncases; i++) {
		if (!started && !strcmp(cases[i]->name, from))
			started = 1;
		if (!started)
			continue;
		if (nsel) {
			for (j = 0; j < nsel && strcmp(sel[j], cases[i]->name); j++)
				;
			if (j == nsel)
				continue;
		}
		run_case(cases[i]);
	}
	teardown();
	return 0;
}
