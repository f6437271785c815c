/*
 * Device nodes, FIFOs, procfs and sysfs as a program sees them through the
 * library: devtmpfs on /dev after boot, the mem devices and the console,
 * device nodes made anywhere, FIFO open rules across host threads,
 * /proc/self (status, fd links that reopen what they name, fdinfo,
 * sysctls) and LKL's /sysfs reads.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <unistd.h>

#include <lkl.h>
#include <lkl_host.h>

#include "test.h"

static char console[65536];
static size_t console_len;

static void capture(const char *str, int len)
{
	if (console_len + (size_t)len < sizeof(console)) {
		memcpy(console + console_len, str, len);
		console_len += len;
	}
}

/* slurp reads path into buf (NUL-terminated); the count or -errno. */
static long slurp(const char *path, char *buf, size_t size)
{
	long fd = lkl_sys_open(path, LKL_O_RDONLY, 0), n, total = 0;

	if (fd < 0)
		return fd;
	while ((n = lkl_sys_read(fd, buf + total, size - 1 - total)) > 0)
		total += n;
	lkl_sys_close(fd);
	buf[total] = 0;
	return n < 0 ? n : total;
}

static int has_entry(const char *dir, const char *name)
{
	int err = 0, found = 0;
	struct lkl_dir *d = lkl_opendir(dir, &err);
	struct lkl_linux_dirent64 *de;

	if (d == NULL)
		return 0;
	while ((de = lkl_readdir(d)) != NULL)
		found |= strcmp(de->d_name, name) == 0;
	lkl_closedir(d);
	return found;
}

static void test_dev(void)
{
	static const struct {
		const char *name;
		unsigned int mode;
		unsigned long rdev;
	} nodes[] = {
		{"null", LKL_S_IFCHR | 0666, 0x103}, {"zero", LKL_S_IFCHR | 0666, 0x105},
		{"full", LKL_S_IFCHR | 0666, 0x107}, {"random", LKL_S_IFCHR | 0666, 0x108},
		{"urandom", LKL_S_IFCHR | 0666, 0x109}, {"tty", LKL_S_IFCHR | 0666, 0x500},
		{"console", LKL_S_IFCHR | 0600, 0x501},
	};
	struct lkl_stat st;
	char buf[4096], path[64];
	unsigned int i;
	long fd, n;

	for (i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++) {
		snprintf(path, sizeof(path), "/dev/%s", nodes[i].name);
		CHECK(path, has_entry("/dev", nodes[i].name) && lkl_sys_stat(path, &st) == 0 &&
			      st.st_mode == nodes[i].mode && st.st_rdev == nodes[i].rdev && st.st_uid == 0,
		      "mode %o rdev %#lx", st.st_mode, st.st_rdev);
	}

	fd = lkl_sys_open("/dev/null", LKL_O_RDWR, 0);
	CHECK_EQ("read /dev/null", lkl_sys_read(fd, buf, sizeof(buf)), 0);
	CHECK_EQ("write /dev/null", lkl_sys_write(fd, buf, sizeof(buf)), sizeof(buf));
	lkl_sys_close(fd);

	fd = lkl_sys_open("/dev/zero", LKL_O_RDONLY, 0);
	memset(buf, 7, sizeof(buf));
	n = lkl_sys_read(fd, buf, sizeof(buf));
	CHECK("read /dev/zero", n == sizeof(buf) && buf[0] == 0 && buf[sizeof(buf) - 1] == 0, "%ld", n);
	CHECK_EQ("write /dev/zero opened read-only", lkl_sys_write(fd, buf, 1), -LKL_EBADF);
	lkl_sys_close(fd);

	fd = lkl_sys_open("/dev/full", LKL_O_RDWR, 0);
	CHECK_EQ("write /dev/full", lkl_sys_write(fd, buf, 1), -LKL_ENOSPC);
	CHECK_EQ("read /dev/full", lkl_sys_read(fd, buf, 16), 16);
	lkl_sys_close(fd);

	fd = lkl_sys_open("/dev/urandom", LKL_O_RDONLY, 0);
	CHECK_EQ("read /dev/urandom", lkl_sys_read(fd, buf, 256), 256);
	lkl_sys_close(fd);

	fd = lkl_sys_open("/dev/console", LKL_O_WRONLY, 0);
	CHECK_EQ("write /dev/console", lkl_sys_write(fd, "console line\n", 13), 13);
	console[console_len] = 0;
	CHECK("the host's print op got it", strstr(console, "console line\n") != NULL, "%s", console);
	lkl_sys_close(fd);
	fd = lkl_sys_open("/dev/console", LKL_O_RDONLY, 0);
	CHECK_EQ("read /dev/console", lkl_sys_read(fd, buf, 10), 0);
	lkl_sys_close(fd);
	CHECK_EQ("open /dev/tty", lkl_sys_open("/dev/tty", LKL_O_RDWR, 0), -LKL_ENXIO);

	CHECK_EQ("mknod c 1:3 on tmpfs", lkl_sys_mknod("/mynull", LKL_S_IFCHR | 0666, 0x103), 0);
	fd = lkl_sys_open("/mynull", LKL_O_WRONLY, 0);
	CHECK_EQ("write it", lkl_sys_write(fd, "abc", 3), 3);
	lkl_sys_close(fd);
	CHECK_EQ("mknod c 1:99", lkl_sys_mknod("/nodrv", LKL_S_IFCHR | 0666, 0x163), 0);
	CHECK_EQ("open a device without a driver", lkl_sys_open("/nodrv", LKL_O_RDONLY, 0), -LKL_ENXIO);
	CHECK_EQ("mknod b 8:0", lkl_sys_mknod("/sda", LKL_S_IFBLK | 0600, 0x800), 0);
	CHECK_EQ("open a block device", lkl_sys_open("/sda", LKL_O_RDONLY, 0), -LKL_ENXIO);
}

static long reader_fd;

static void fifo_reader(void *arg)
{
	(void)arg;
	reader_fd = lkl_sys_open("/fifo", LKL_O_RDONLY, 0);
}

static void test_fifo(void)
{
	struct lkl_stat st, fst;
	lkl_thread_t t;
	char buf[16];
	long r, w;

	CHECK_EQ("mkfifo", lkl_sys_mknod("/fifo", LKL_S_IFIFO | 0644, 0), 0);
	CHECK_EQ("O_WRONLY|O_NONBLOCK without a reader", lkl_sys_open("/fifo", LKL_O_WRONLY | LKL_O_NONBLOCK, 0), -LKL_ENXIO);
	r = lkl_sys_open("/fifo", LKL_O_RDONLY | LKL_O_NONBLOCK, 0);
	CHECK("O_RDONLY|O_NONBLOCK", r >= 0, "%ld", r);
	CHECK_EQ("read with no writer", lkl_sys_read(r, buf, sizeof(buf)), 0);
	lkl_sys_close(r);

	/* Each side blocks until the other opens, whichever comes first. */
	t = lkl_host_ops.thread_create(fifo_reader, NULL);
	w = lkl_sys_open("/fifo", LKL_O_WRONLY, 0);
	CHECK_EQ("thread_join", lkl_host_ops.thread_join(t), 0);
	CHECK("blocking O_WRONLY", w >= 0, "%ld", w);
	CHECK("blocking O_RDONLY in another thread", reader_fd >= 0, "%ld", reader_fd);
	CHECK_EQ("write", lkl_sys_write(w, "fifo!", 5), 5);
	CHECK("read", lkl_sys_read(reader_fd, buf, sizeof(buf)) == 5 && memcmp(buf, "fifo!", 5) == 0, " ");
	CHECK("fstat is the FIFO", lkl_sys_fstat(w, &fst) == 0 && lkl_sys_stat("/fifo", &st) == 0 &&
		      fst.st_ino == st.st_ino && fst.st_mode == (LKL_S_IFIFO | 0644), "mode %o", fst.st_mode);
	lkl_sys_close(w);
	CHECK_EQ("end of file after the writer left", lkl_sys_read(reader_fd, buf, sizeof(buf)), 0);
	lkl_sys_close(reader_fd);
}

static void test_proc(void)
{
	char buf[8192], want[128], path[64];
	struct lkl_new_utsname uts;
	int fds[2];
	long fd, fd2, n;

	CHECK_EQ("mount_fs proc", lkl_mount_fs("proc"), 0);
	n = lkl_sys_readlink("/proc/self", buf, sizeof(buf));
	CHECK("readlink /proc/self", n == 1 && buf[0] == '1', "%ld", n);
	CHECK("status", slurp("/proc/self/status", buf, sizeof(buf)) > 0 &&
		      strncmp(buf, "Name:\thost1\nUmask:\t0022\nState:\tR (running)\nTgid:\t1\nNgid:\t0\nPid:\t1\nPPid:\t0\n", 66) == 0,
	      "%s", buf);
	CHECK("mounts", slurp("/proc/mounts", buf, sizeof(buf)) > 0 &&
		      strstr(buf, "devtmpfs /dev devtmpfs rw,relatime,mode=755 0 0\n") &&
		      strstr(buf, "none /proc proc rw"),
	      "%s", buf);
	CHECK("/proc lists pid 1", has_entry("/proc", "1") && has_entry("/proc", "self"), " ");

	/* An unlinked file is reopened through its fd link. */
	fd = lkl_sys_open("/tmpfile", LKL_O_CREAT | LKL_O_RDWR, 0600);
	lkl_sys_write(fd, "kept", 4);
	lkl_sys_unlink("/tmpfile");
	snprintf(path, sizeof(path), "/proc/self/fd/%ld", fd);
	n = lkl_sys_readlink(path, buf, sizeof(buf));
	CHECK("fd link of an unlinked file", n == 18 && memcmp(buf, "/tmpfile (deleted)", 18) == 0, "%ld", n);
	fd2 = lkl_sys_open(path, LKL_O_RDONLY, 0);
	CHECK("reopen it", fd2 >= 0 && lkl_sys_read(fd2, buf, 10) == 4 && memcmp(buf, "kept", 4) == 0, "%ld", fd2);
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%ld", fd2);
	CHECK("fdinfo", slurp(path, buf, sizeof(buf)) > 0 && strncmp(buf, "pos:\t4\nflags:\t0", 15) == 0, "%s", buf);
	lkl_sys_close(fd2);
	lkl_sys_close(fd);

	/* A pipe's fd link opens the same pipe. */
	lkl_sys_pipe(fds);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fds[1]);
	n = lkl_sys_readlink(path, buf, sizeof(buf));
	CHECK("pipe fd link", n > 6 && memcmp(buf, "pipe:[", 6) == 0, "%ld", n);
	fd = lkl_sys_open(path, LKL_O_RDONLY, 0);
	lkl_sys_write(fds[1], "via proc", 8);
	CHECK("read the pipe through its reopened end", lkl_sys_read(fd, buf, 16) == 8 && memcmp(buf, "via proc", 8) == 0, " ");
	lkl_sys_close(fd);
	lkl_sys_close(fds[0]);
	lkl_sys_close(fds[1]);

	fd = lkl_sys_open("/proc/sys/kernel/hostname", LKL_O_WRONLY, 0);
	CHECK_EQ("write /proc/sys/kernel/hostname", lkl_sys_write(fd, "lklhost\n", 8), 8);
	lkl_sys_close(fd);
	CHECK("uname sees it", lkl_sys_uname(&uts) == 0 && strcmp(uts.nodename, "lklhost") == 0, "%s", uts.nodename);
	snprintf(want, sizeof(want), "Linux\n");
	CHECK("ostype", slurp("/proc/sys/kernel/ostype", buf, sizeof(buf)) == 6 && strcmp(buf, want) == 0, "%s", buf);
	CHECK("meminfo", slurp("/proc/meminfo", buf, sizeof(buf)) > 0 && strncmp(buf, "MemTotal:          32768 kB\n", 28) == 0, "%s", buf);
}

static void test_sysfs(void)
{
	char buf[256];
	uint32_t dev = 0;

	CHECK_EQ("mount_fs sysfs", lkl_mount_fs("sysfs"), 0);
	CHECK("/sysfs/class/net/lo/mtu", slurp("/sysfs/class/net/lo/mtu", buf, sizeof(buf)) == 6 && strcmp(buf, "65536\n") == 0, "%s", buf);
	CHECK("/sysfs/class/net/lo/dev_id", slurp("/sysfs/class/net/lo/dev_id", buf, sizeof(buf)) == 4 && strcmp(buf, "0x0\n") == 0, "%s", buf);
	CHECK("/sysfs/class/mem/null/dev", slurp("/sysfs/class/mem/null/dev", buf, sizeof(buf)) == 4 && strcmp(buf, "1:3\n") == 0, "%s", buf);
	CHECK_EQ("lkl_encode_dev_from_sysfs", lkl_encode_dev_from_sysfs("/sysfs/dev/char/5:1/dev", &dev), 0);
	CHECK_EQ("  is 5:1", dev, 0x501);
}

/*
 * lkl_mount_fs reports "already mounted" (1) when the mount fails with
 * EBUSY: a second sysfs or devtmpfs on its own mountpoint. proc is a
 * filesystem per mount on Linux (since 5.8): a second one stacks (0).
 */
static void test_mount_fs(void)
{
	struct lkl_stat st;

	CHECK_EQ("mount_fs sysfs again", lkl_mount_fs("sysfs"), 1);
	CHECK_EQ("mount_fs devtmpfs", lkl_mount_fs("devtmpfs"), 0);
	CHECK_EQ("mount_fs devtmpfs again", lkl_mount_fs("devtmpfs"), 1);
	CHECK_EQ("mount_fs proc again stacks", lkl_mount_fs("proc"), 0);
	CHECK_EQ("umount the second proc", lkl_sys_umount("/proc", 0), 0);
	CHECK_EQ("mount_fs unknown type", lkl_mount_fs("nosuchfs"), -LKL_ENODEV);
	CHECK_EQ("  its directory is removed", lkl_sys_stat("/nosuchfs", &st), -LKL_ENOENT);
	CHECK_EQ("mount_fs tmpfs", lkl_mount_fs("tmpfs"), 0);
	CHECK_EQ("umount /tmpfs", lkl_sys_umount("/tmpfs", 0), 0);
	CHECK_EQ("stat /tmpfs", lkl_sys_stat("/tmpfs", &st), 0);
	CHECK_EQ("  made with mode 0377 less the umask", st.st_mode, LKL_S_IFDIR | 0355);
}

int main(void)
{
	lkl_host_ops.print = capture;
	CHECK_EQ("lkl_init", lkl_init(&lkl_host_ops), 0);
	CHECK_EQ("start_kernel", lkl_start_kernel("mem=32M loglevel=4"), 0);
	test_dev();
	test_fifo();
	test_proc();
	test_sysfs();
	test_mount_fs();
	CHECK_EQ("halt", lkl_sys_halt(), 0);
	lkl_cleanup();
	return test_done();
}
