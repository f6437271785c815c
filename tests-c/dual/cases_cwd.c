/* chdir, fchdir, getcwd, chroot, mount, umount2. */
#include "dual.h"

/* dual_scratch/rel; four calls can be live at once. */
static const char *sub(const char *rel)
{
	static char bufs[4][PATH_MAX];
	static int next;
	char *buf = bufs[next++ % 4];

	snprintf(buf, PATH_MAX, "%s%s%s", dual_scratch, *rel ? "/" : "", rel);
	return buf;
}

/* chdir, fchdir, getcwd */

CASE(getcwd_scratch)
{
	char buf[PATH_MAX];

	EQ(sys_getcwd(buf, sizeof(buf)), strlen(dual_scratch) + 1);
	EQ_STR(buf, dual_scratch);
}

CASE(chdir_relative_and_dotdot)
{
	char buf[PATH_MAX];

	mkdir_p("d");
	mkdir_p("d/e");
	EQ(sys_chdir("d/e"), 0);
	OK(sys_getcwd(buf, sizeof(buf)));
	EQ_STR(buf, sub("d/e"));
	EQ(sys_chdir(".."), 0);
	OK(sys_getcwd(buf, sizeof(buf)));
	EQ_STR(buf, sub("d"));
	EQ(exists("e"), 1);
}

CASE(chdir_absolute)
{
	char buf[PATH_MAX];

	EQ(sys_chdir("/"), 0);
	EQ(sys_getcwd(buf, sizeof(buf)), 2);
	EQ_STR(buf, "/");
	EQ(sys_chdir(dual_scratch), 0);
}

CASE(chdir_enoent)
{
	ERR(sys_chdir("missing"), -ENOENT);
	ERR(sys_chdir(""), -ENOENT);
}

CASE(chdir_enotdir)
{
	mkfile("f", "");
	ERR(sys_chdir("f"), -ENOTDIR);
}

CASE(chdir_efault)
{
	ERR(sys_chdir(BADPTR), -EFAULT);
	ERR(sys_chdir(NULL), -EFAULT);
}

CASE(chdir_eacces_user)
{
	mkdir_p("d");
	OK(sys_fchmodat(AT_FDCWD, "d", 0600));
	dual_become(1000, 1000);
	ERR(sys_chdir("d"), -EACCES);
	dual_unbecome();
}

CASE(chdir_through_symlink)
{
	char buf[PATH_MAX];

	mkdir_p("real");
	OK(sys_symlinkat("real", AT_FDCWD, "l"));
	EQ(sys_chdir("l"), 0);
	OK(sys_getcwd(buf, sizeof(buf)));
	EQ_STR(buf, sub("real"));
}

CASE(fchdir_basic)
{
	char buf[PATH_MAX];

	mkdir_p("d");
	EQ(sys_openat(AT_FDCWD, "d", O_RDONLY | O_DIRECTORY, 0), 3);
	EQ(sys_fchdir(3), 0);
	OK(sys_getcwd(buf, sizeof(buf)));
	EQ_STR(buf, sub("d"));
}

CASE(fchdir_o_path)
{
	char buf[PATH_MAX];

	mkdir_p("d");
	EQ(sys_openat(AT_FDCWD, "d", O_PATH | O_DIRECTORY, 0), 3);
	EQ(sys_fchdir(3), 0);
	OK(sys_getcwd(buf, sizeof(buf)));
	EQ_STR(buf, sub("d"));
}

CASE(fchdir_enotdir)
{
	mkfile("f", "");
	EQ(sys_openat(AT_FDCWD, "f", O_RDONLY, 0), 3);
	ERR(sys_fchdir(3), -ENOTDIR);
}

CASE(fchdir_ebadf)
{
	ERR(sys_fchdir(99), -EBADF);
}

CASE(fchdir_eacces_user)
{
	mkdir_p("d");
	OK(sys_fchmodat(AT_FDCWD, "d", 0700));
	EQ(sys_openat(AT_FDCWD, "d", O_RDONLY | O_DIRECTORY, 0), 3);
	dual_become(1000, 1000);
	ERR(sys_fchdir(3), -EACCES);
	dual_unbecome();
}

CASE(getcwd_erange)
{
	char buf[PATH_MAX];
	size_t n = strlen(dual_scratch) + 1;

	ERR(sys_getcwd(buf, n - 1), -ERANGE);
	ERR(sys_getcwd(buf, 0), -ERANGE);
	EQ(sys_getcwd(buf, n), n);
}

CASE(getcwd_efault)
{
	ERR(sys_getcwd(BADPTR, 4096), -EFAULT);
}

CASE(getcwd_removed_dir_enoent)
{
	char buf[PATH_MAX];

	mkdir_p("d");
	EQ(sys_chdir("d"), 0);
	EQ(sys_unlinkat(AT_FDCWD, sub("d"), AT_REMOVEDIR), 0);
	ERR(sys_getcwd(buf, sizeof(buf)), -ENOENT);
	ERR(sys_openat(AT_FDCWD, "new", O_CREAT | O_WRONLY, 0644), -ENOENT);
	EQ(sys_chdir(".."), 0);
	OK(sys_getcwd(buf, sizeof(buf)));
	EQ_STR(buf, dual_scratch);
}

CASE(getcwd_follows_rename)
{
	char buf[PATH_MAX];

	mkdir_p("a");
	mkdir_p("a/b");
	EQ(sys_chdir("a/b"), 0);
	EQ(sys_renameat2(AT_FDCWD, sub("a"), AT_FDCWD, sub("z"), 0), 0);
	OK(sys_getcwd(buf, sizeof(buf)));
	EQ_STR(buf, sub("z/b"));
}

/* chroot (liblinux: the real root comes back through a descriptor kept open) */

static int enter_root(const char *dir)
{
	int fd = OK(sys_openat(AT_FDCWD, "/", O_RDONLY | O_DIRECTORY, 0));

	OK(sys_chroot(dir));
	return fd;
}

static void leave_root(int fd)
{
	EQ(sys_fchdir(fd), 0);
	EQ(sys_chroot("."), 0);
	EQ(sys_chdir(dual_scratch), 0);
}

CASE(chroot_basic)
{
	char buf[PATH_MAX];
	struct stat st;

	mkdir_p("jail");
	mkfile("jail/inner", "in jail");
	int fd = enter_root("jail");
	EQ(sys_chdir("/"), 0);
	EQ(sys_getcwd(buf, sizeof(buf)), 2);
	EQ_STR(buf, "/");
	EQ(sys_fstatat(AT_FDCWD, "/inner", &st, 0), 0);
	EQ(st.st_size, 7);
	ERR(sys_fstatat(AT_FDCWD, "/jail", &st, 0), -ENOENT);
	leave_root(fd);
}

CASE(chroot_dotdot_clamped)
{
	struct stat a, b;

	mkdir_p("jail");
	int fd = enter_root("jail");
	EQ(sys_chdir("/"), 0);
	EQ(sys_fstatat(AT_FDCWD, "/../../..", &a, 0), 0);
	EQ(sys_fstatat(AT_FDCWD, "/", &b, 0), 0);
	EQ(a.st_ino, b.st_ino);
	leave_root(fd);
	EQ(b.st_ino, stat_of("jail").st_ino);
}

CASE(chroot_absolute_symlink_resolves_inside)
{
	mkdir_p("jail");
	mkfile("jail/target", "inside");
	OK(sys_symlinkat("/target", AT_FDCWD, "jail/abs"));
	int fd = enter_root("jail");
	EQ(sys_chdir("/"), 0);
	long r = sys_openat(AT_FDCWD, "/abs", O_RDONLY, 0);
	EQ(r, 4);
	leave_root(fd);
}

CASE(chroot_enoent)
{
	ERR(sys_chroot("missing"), -ENOENT);
}

CASE(chroot_enotdir)
{
	mkfile("f", "");
	ERR(sys_chroot("f"), -ENOTDIR);
}

CASE(chroot_efault)
{
	ERR(sys_chroot(BADPTR), -EFAULT);
}

CASE(chroot_user_eperm)
{
	mkdir_p("jail");
	dual_become(1000, 1000);
	ERR(sys_chroot("jail"), -EPERM);
	dual_unbecome();
}

/* mount, umount2 (host: in a private mount namespace of the case's child) */

CASE(mount_tmpfs_basic)
{
	struct statfs s;

	dual_private_mounts();
	mkdir_p("m");
	EQ(sys_mount("none", "m", "tmpfs", 0, NULL), 0);
	EQ(sys_statfs("m", &s), 0);
	EQ(s.f_type, TMPFS_MAGIC);
	EQ(mode_of("m"), S_IFDIR | 01777);
	mkfile("m/f", "on mount");
	CHECK(stat_of("m/f").st_dev != stat_of(".").st_dev);
	EQ(sys_umount2("m", 0), 0);
	EQ(exists("m/f"), 0);
}

CASE(mount_hides_underlying)
{
	dual_private_mounts();
	mkdir_p("m");
	mkfile("m/under", "");
	EQ(sys_mount("none", "m", "tmpfs", 0, "mode=0750"), 0);
	EQ(exists("m/under"), 0);
	EQ(mode_of("m"), S_IFDIR | 0750);
	EQ(sys_umount2("m", 0), 0);
	EQ(exists("m/under"), 1);
}

CASE(mount_size_option)
{
	struct statfs s;

	dual_private_mounts();
	mkdir_p("m");
	EQ(sys_mount("none", "m", "tmpfs", 0, "size=1m,nr_inodes=100"), 0);
	EQ(sys_statfs("m", &s), 0);
	EQ(s.f_blocks, 256);
	EQ(s.f_bsize, 4096);
	EQ(s.f_files, 100);
	EQ(sys_umount2("m", 0), 0);
}

CASE(mount_full_tmpfs_enospc)
{
	static char page[4096];
	long r;
	int i;

	dual_private_mounts();
	mkdir_p("m");
	EQ(sys_mount("none", "m", "tmpfs", 0, "size=64k"), 0);
	EQ(sys_openat(AT_FDCWD, "m/f", O_CREAT | O_WRONLY, 0644), 3);
	for (i = 0; i < 32; i++)
		if ((r = sys_write(3, page, sizeof(page))) != 4096)
			break;
	EQ(i, 16);
	ERR(r, -ENOSPC);
	EQ(sys_close(3), 0);
	EQ(sys_umount2("m", 0), 0);
}

CASE(mount_readonly_erofs)
{
	struct statfs s;

	dual_private_mounts();
	mkdir_p("m");
	EQ(sys_mount("none", "m", "tmpfs", MS_RDONLY, NULL), 0);
	ERR(sys_openat(AT_FDCWD, "m/f", O_CREAT | O_WRONLY, 0644), -EROFS);
	ERR(sys_mkdirat(AT_FDCWD, "m/d", 0755), -EROFS);
	ERR(sys_faccessat(AT_FDCWD, "m", W_OK), -EROFS);
	EQ(sys_statfs("m", &s), 0);
	EQ(s.f_flags & ST_RDONLY, ST_RDONLY);
	EQ(sys_umount2("m", 0), 0);
}

CASE(mount_remount_readonly)
{
	dual_private_mounts();
	mkdir_p("m");
	EQ(sys_mount("none", "m", "tmpfs", 0, NULL), 0);
	mkfile("m/f", "x");
	EQ(sys_mount(NULL, "m", NULL, MS_REMOUNT | MS_RDONLY, NULL), 0);
	ERR(sys_openat(AT_FDCWD, "m/f", O_WRONLY, 0), -EROFS);
	ERR(sys_unlinkat(AT_FDCWD, "m/f", 0), -EROFS);
	EQ_STR(read_all("m/f"), "x");
	EQ(sys_mount(NULL, "m", NULL, MS_REMOUNT, NULL), 0);
	EQ(sys_unlinkat(AT_FDCWD, "m/f", 0), 0);
	EQ(sys_umount2("m", 0), 0);
}

CASE(mount_nosuid_nodev_flags)
{
	struct statfs s;

	dual_private_mounts();
	mkdir_p("m");
	EQ(sys_mount("none", "m", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL), 0);
	EQ(sys_statfs("m", &s), 0);
	EQ(s.f_flags & (ST_NOSUID | ST_NODEV | ST_NOEXEC | ST_RDONLY), ST_NOSUID | ST_NODEV | ST_NOEXEC);
	EQ(sys_umount2("m", 0), 0);
}

CASE(mount_bind_dir)
{
	dual_private_mounts();
	mkdir_p("d");
	mkdir_p("m");
	mkfile("d/f", "bound");
	EQ(sys_mount("d", "m", NULL, MS_BIND, NULL), 0);
	EQ_STR(read_all("m/f"), "bound");
	mkfile("m/g", "");
	EQ(exists("d/g"), 1);
	EQ(stat_of("m/f").st_ino, stat_of("d/f").st_ino);
	EQ(sys_umount2("m", 0), 0);
	EQ(exists("m/f"), 0);
}

CASE(mount_bind_file)
{
	dual_private_mounts();
	mkfile("src", "source");
	mkfile("dst", "target");
	EQ(sys_mount("src", "dst", NULL, MS_BIND, NULL), 0);
	EQ_STR(read_all("dst"), "source");
	EQ(sys_umount2("dst", 0), 0);
	EQ_STR(read_all("dst"), "target");
}

CASE(mount_target_enoent)
{
	dual_private_mounts();
	ERR(sys_mount("none", "missing", "tmpfs", 0, NULL), -ENOENT);
}

CASE(mount_unknown_fstype_enodev)
{
	dual_private_mounts();
	mkdir_p("m");
	ERR(sys_mount("none", "m", "nosuchfs", 0, NULL), -ENODEV);
}

CASE(mount_efault)
{
	dual_private_mounts();
	ERR(sys_mount("none", BADPTR, "tmpfs", 0, NULL), -EFAULT);
}

CASE(mount_bind_source_enoent)
{
	dual_private_mounts();
	mkdir_p("m");
	ERR(sys_mount("missing", "m", NULL, MS_BIND, NULL), -ENOENT);
}

CASE(mount_user_eperm)
{
	dual_private_mounts();
	mkdir_p("m");
	dual_become(1000, 1000);
	ERR(sys_mount("none", "m", "tmpfs", 0, NULL), -EPERM);
	ERR(sys_umount2("m", 0), -EPERM);
	dual_unbecome();
}

CASE(umount_not_mounted_einval)
{
	dual_private_mounts();
	mkdir_p("m");
	ERR(sys_umount2("m", 0), -EINVAL);
}

CASE(umount_enoent)
{
	dual_private_mounts();
	ERR(sys_umount2("missing", 0), -ENOENT);
}

CASE(umount_busy)
{
	dual_private_mounts();
	mkdir_p("m");
	EQ(sys_mount("none", "m", "tmpfs", 0, NULL), 0);
	EQ(sys_openat(AT_FDCWD, "m/f", O_CREAT | O_WRONLY, 0644), 3);
	ERR(sys_umount2("m", 0), -EBUSY);
	EQ(sys_close(3), 0);
	EQ(sys_umount2("m", 0), 0);
}

CASE(umount_busy_cwd)
{
	dual_private_mounts();
	mkdir_p("m");
	EQ(sys_mount("none", "m", "tmpfs", 0, NULL), 0);
	EQ(sys_chdir("m"), 0);
	ERR(sys_umount2(sub("m"), 0), -EBUSY);
	EQ(sys_chdir(dual_scratch), 0);
	EQ(sys_umount2("m", 0), 0);
}

CASE(umount_detach_busy)
{
	char buf[8] = {0};

	dual_private_mounts();
	mkdir_p("m");
	EQ(sys_mount("none", "m", "tmpfs", 0, NULL), 0);
	mkfile("m/f", "kept");
	EQ(sys_openat(AT_FDCWD, "m/f", O_RDONLY, 0), 3);
	EQ(sys_umount2("m", MNT_DETACH), 0);
	EQ(exists("m/f"), 0);
	EQ(sys_read(3, buf, sizeof(buf)), 4);
	EQ_STR(buf, "kept");
}

CASE(umount_bad_flags)
{
	dual_private_mounts();
	mkdir_p("m");
	EQ(sys_mount("none", "m", "tmpfs", 0, NULL), 0);
	ERR(sys_umount2("m", 0x100), -EINVAL);
	ERR(sys_umount2("m", MNT_EXPIRE | MNT_DETACH), -EINVAL);
	EQ(sys_umount2("m", 0), 0);
}

CASE(umount_nofollow_symlink)
{
	dual_private_mounts();
	mkdir_p("m");
	OK(sys_symlinkat("m", AT_FDCWD, "l"));
	EQ(sys_mount("none", "m", "tmpfs", 0, NULL), 0);
	ERR(sys_umount2("l", UMOUNT_NOFOLLOW), -EINVAL);
	EQ(sys_umount2("l", 0), 0);
}

CASE(rmdir_mountpoint_ebusy)
{
	dual_private_mounts();
	mkdir_p("m");
	EQ(sys_mount("none", "m", "tmpfs", 0, NULL), 0);
	ERR(sys_unlinkat(AT_FDCWD, "m", AT_REMOVEDIR), -EBUSY);
	ERR(sys_renameat2(AT_FDCWD, "m", AT_FDCWD, "n", 0), -EBUSY);
	EQ(sys_umount2("m", 0), 0);
}

CASE(cross_mount_exdev)
{
	dual_private_mounts();
	mkdir_p("m");
	mkfile("f", "");
	EQ(sys_mount("none", "m", "tmpfs", 0, NULL), 0);
	ERR(sys_renameat2(AT_FDCWD, "f", AT_FDCWD, "m/f", 0), -EXDEV);
	ERR(sys_linkat(AT_FDCWD, "f", AT_FDCWD, "m/f", 0), -EXDEV);
	EQ(sys_umount2("m", 0), 0);
}

CASE(openat2_no_xdev)
{
	struct open_how how = {.flags = O_RDONLY, .resolve = RESOLVE_NO_XDEV};

	dual_private_mounts();
	mkdir_p("m");
	EQ(sys_mount("none", "m", "tmpfs", 0, NULL), 0);
	mkfile("m/f", "");
	mkfile("g", "");
	ERR(sys_openat2(AT_FDCWD, "m/f", &how, sizeof(how)), -EXDEV);
	EQ(sys_openat2(AT_FDCWD, "g", &how, sizeof(how)), 3);
	EQ(sys_close(3), 0);
	EQ(sys_umount2("m", 0), 0);
}

CASE(mount_dotdot_crosses_back)
{
	struct stat a;

	dual_private_mounts();
	mkdir_p("m");
	EQ(sys_mount("none", "m", "tmpfs", 0, NULL), 0);
	EQ(sys_fstatat(AT_FDCWD, "m/..", &a, 0), 0);
	EQ(a.st_ino, stat_of(".").st_ino);
	EQ(a.st_dev, stat_of(".").st_dev);
	EQ(sys_umount2("m", 0), 0);
}

/* /proc/<pid>/mountinfo: the lines of mounts this case makes. */

struct minfo {
	int id, parent;
	unsigned int major, minor;
	char root[256], point[512], opts[256], rest[512];
};

/*
 * Finds the last mountinfo line whose mount point is dual_scratch/rel
 * (rel not NULL) or whose ID is id.
 */
static int find_minfo(const char *text, const char *rel, int id, struct minfo *out)
{
	char want[512], line[2048];
	const char *p = text;
	int found = 0;

	if (rel)
		snprintf(want, sizeof(want), "%s/%s", dual_scratch, rel);
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		struct minfo m;
		int used = 0;

		if (n >= sizeof(line))
			n = sizeof(line) - 1;
		memcpy(line, p, n);
		line[n] = '\0';
		if (sscanf(line, "%d %d %u:%u %255s %511s %255s%n", &m.id, &m.parent, &m.major, &m.minor, m.root,
			   m.point, m.opts, &used) == 7 &&
		    (rel ? strcmp(m.point, want) == 0 : m.id == id)) {
			snprintf(m.rest, sizeof(m.rest), "%s", line + used);
			*out = m;
			found = 1;
		}
		p += n + (nl != NULL);
	}
	return found;
}

CASE(mountinfo_lines)
{
	struct minfo m, b, p1, p2;
	char *text;

	dual_private_mounts();
	mkdir_p("m");
	mkdir_p("b");
	mkdir_p("p");
	EQ(sys_mount("my src", "m", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL), 0);
	mkdir_p("m/sub");
	EQ(sys_mount("m/sub", "b", NULL, MS_BIND, NULL), 0);
	EQ(sys_mount(NULL, "b", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL), 0);
	EQ(sys_mount("none", "p", "proc", 0, NULL), 0);
	EQ(sys_mount("proc2", "p", "proc", 0, NULL), 0);
	text = read_all("p/self/mountinfo");
	/* Unmounted now: cleanup must not walk into proc. */
	EQ(sys_umount2("p", 0), 0);
	EQ(sys_umount2("p", 0), 0);
	if (!find_minfo(text, "m", 0, &m) || !find_minfo(text, "b", 0, &b) || !find_minfo(text, "p", 0, &p2)) {
		dual_fail_msg(__FILE__, __LINE__, "mountinfo lacks the case's mounts:\n%s", text);
		return;
	}
	EQ_STR(m.root, "/");
	EQ_STR(m.opts, "rw,nosuid,nodev,noexec,relatime");
	EQ_STR(m.rest, " - tmpfs my\\040src rw");
	EQ(m.major, 0);
	/* The bind mount: same filesystem, its subtree, options of its own
	 * (MS_REMOUNT|MS_BIND drops nosuid, nodev, noexec). */
	EQ_STR(b.root, "/sub");
	EQ_STR(b.opts, "ro,relatime");
	EQ_STR(b.rest, " - tmpfs my\\040src rw");
	EQ(b.major, m.major);
	EQ(b.minor, m.minor);
	EQ(b.parent, m.parent);
	CHECK(b.id != m.id);
	/* Two proc mounts stacked: the second on the first, each a
	 * superblock of its own. */
	EQ_STR(p2.rest, " - proc proc2 rw");
	EQ_STR(p2.opts, "rw,relatime");
	CHECK(find_minfo(text, NULL, p2.parent, &p1));
	EQ_STR(p1.point, p2.point);
	EQ_STR(p1.rest, " - proc none rw");
	EQ(p1.parent, m.parent);
	CHECK(p1.minor != p2.minor);
}
