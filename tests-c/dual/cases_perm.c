/* faccessat, faccessat2, fchmod, fchmodat, fchown, fchownat, utimensat. */
#include "dual.h"

static int openf(const char *content)
{
	mkfile("f", content);
	return OK(sys_openat(AT_FDCWD, "f", O_RDWR, 0));
}

/* faccessat, faccessat2 */

CASE(access_f_ok)
{
	mkfile("f", "");
	EQ(sys_faccessat(AT_FDCWD, "f", F_OK), 0);
}

CASE(access_enoent)
{
	ERR(sys_faccessat(AT_FDCWD, "missing", F_OK), -ENOENT);
}

CASE(access_enotdir)
{
	mkfile("f", "");
	ERR(sys_faccessat(AT_FDCWD, "f/x", F_OK), -ENOTDIR);
}

CASE(access_root_ignores_rw_bits)
{
	mkfile_mode("f", "", 0);
	EQ(sys_faccessat(AT_FDCWD, "f", R_OK | W_OK), 0);
	ERR(sys_faccessat(AT_FDCWD, "f", X_OK), -EACCES);
}

CASE(access_root_exec_needs_any_x)
{
	mkfile_mode("f", "", 0001);
	EQ(sys_faccessat(AT_FDCWD, "f", X_OK), 0);
	mkdir_p("d");
	OK(sys_fchmodat(AT_FDCWD, "d", 0));
	EQ(sys_faccessat(AT_FDCWD, "d", X_OK | R_OK | W_OK), 0);
}

CASE(access_user_owner_group_other)
{
	mkfile_mode("f", "", 0640);
	OK(sys_fchownat(AT_FDCWD, "f", 1000, 2000, 0));
	dual_become(1000, 1000);
	EQ(sys_faccessat(AT_FDCWD, "f", R_OK | W_OK), 0);
	ERR(sys_faccessat(AT_FDCWD, "f", X_OK), -EACCES);
	dual_unbecome();
	dual_become(1001, 2000);
	EQ(sys_faccessat(AT_FDCWD, "f", R_OK), 0);
	ERR(sys_faccessat(AT_FDCWD, "f", W_OK), -EACCES);
	dual_unbecome();
	dual_become(1001, 1001);
	ERR(sys_faccessat(AT_FDCWD, "f", R_OK), -EACCES);
	EQ(sys_faccessat(AT_FDCWD, "f", F_OK), 0);
	dual_unbecome();
}

CASE(access_owner_bits_win_over_group)
{
	mkfile_mode("f", "", 0070);
	OK(sys_fchownat(AT_FDCWD, "f", 1000, 1000, 0));
	dual_become(1000, 1000);
	ERR(sys_faccessat(AT_FDCWD, "f", R_OK), -EACCES);
	dual_unbecome();
}

CASE(access_supplementary_group)
{
	gid_t groups[1] = {3000};

	mkfile_mode("f", "", 0060);
	OK(sys_fchownat(AT_FDCWD, "f", 0, 3000, 0));
	OK(sys_setgroups(1, groups));
	OK(sys_setresgid(1000, 1000, 0));
	OK(sys_setresuid(1000, 1000, 0));
	EQ(sys_faccessat(AT_FDCWD, "f", R_OK | W_OK), 0);
	dual_unbecome();
}

CASE(access_bad_mode)
{
	mkfile("f", "");
	ERR(sys_faccessat(AT_FDCWD, "f", 8), -EINVAL);
	ERR(sys_faccessat2(AT_FDCWD, "f", 0x10, 0), -EINVAL);
}

CASE(access_uses_real_uid)
{
	mkfile_mode("f", "", 0600);
	OK(sys_setresuid(1000, 0, 0));
	ERR(sys_faccessat(AT_FDCWD, "f", R_OK), -EACCES);
	ERR(sys_faccessat2(AT_FDCWD, "f", R_OK, 0), -EACCES);
	EQ(sys_faccessat2(AT_FDCWD, "f", R_OK, AT_EACCESS), 0);
	dual_unbecome();
}

CASE(faccessat2_bad_flags)
{
	mkfile("f", "");
	ERR(sys_faccessat2(AT_FDCWD, "f", F_OK, 0x1), -EINVAL);
	ERR(sys_faccessat2(AT_FDCWD, "f", F_OK, AT_REMOVEDIR | AT_SYMLINK_FOLLOW), -EINVAL);
}

CASE(faccessat2_symlink_nofollow)
{
	OK(sys_symlinkat("missing", AT_FDCWD, "l"));
	ERR(sys_faccessat2(AT_FDCWD, "l", F_OK, 0), -ENOENT);
	EQ(sys_faccessat2(AT_FDCWD, "l", F_OK, AT_SYMLINK_NOFOLLOW), 0);
}

CASE(faccessat2_empty_path)
{
	mkfile_mode("f", "", 0600);
	EQ(sys_openat(AT_FDCWD, "f", O_RDONLY, 0), 3);
	ERR(sys_faccessat2(3, "", R_OK, 0), -ENOENT);
	EQ(sys_faccessat2(3, "", R_OK, AT_EMPTY_PATH), 0);
}

CASE(access_search_permission)
{
	mkdir_p("d");
	mkfile("d/f", "");
	OK(sys_fchmodat(AT_FDCWD, "d", 0644));
	dual_become(1000, 1000);
	ERR(sys_faccessat(AT_FDCWD, "d/f", F_OK), -EACCES);
	dual_unbecome();
}

CASE(access_efault)
{
	ERR(sys_faccessat(AT_FDCWD, BADPTR, F_OK), -EFAULT);
	ERR(sys_faccessat(AT_FDCWD, NULL, F_OK), -EFAULT);
}

/* fchmod, fchmodat */

CASE(fchmod_basic)
{
	int fd = openf("");

	EQ(sys_fchmod(fd, 0600), 0);
	EQ(mode_of("f"), S_IFREG | 0600);
	EQ(sys_fchmod(fd, 0), 0);
	EQ(mode_of("f"), S_IFREG);
}

CASE(fchmod_type_bits_ignored)
{
	int fd = openf("");

	EQ(sys_fchmod(fd, S_IFDIR | 0700), 0);
	EQ(mode_of("f"), S_IFREG | 0700);
}

CASE(fchmod_special_bits)
{
	int fd = openf("");

	EQ(sys_fchmod(fd, 07755), 0);
	EQ(mode_of("f"), S_IFREG | 07755);
}

CASE(fchmodat_basic_and_follow)
{
	mkfile("f", "");
	OK(sys_symlinkat("f", AT_FDCWD, "l"));
	EQ(sys_fchmodat(AT_FDCWD, "l", 0640), 0);
	EQ(mode_of("f"), S_IFREG | 0640);
	EQ(mode_of("l"), S_IFLNK | 0777);
}

CASE(fchmodat_directory)
{
	mkdir_p("d");
	EQ(sys_fchmodat(AT_FDCWD, "d", 01700), 0);
	EQ(mode_of("d"), S_IFDIR | 01700);
}

CASE(fchmod_ebadf)
{
	ERR(sys_fchmod(99, 0600), -EBADF);
}

CASE(fchmod_o_path_ebadf)
{
	mkfile("f", "");
	EQ(sys_openat(AT_FDCWD, "f", O_PATH, 0), 3);
	ERR(sys_fchmod(3, 0600), -EBADF);
}

CASE(fchmod_rdonly_fd_ok)
{
	mkfile("f", "");
	EQ(sys_openat(AT_FDCWD, "f", O_RDONLY, 0), 3);
	EQ(sys_fchmod(3, 0400), 0);
	EQ(mode_of("f"), S_IFREG | 0400);
}

CASE(fchmod_not_owner_eperm)
{
	mkfile_mode("f", "", 0666);
	dual_become(1000, 1000);
	ERR(sys_fchmodat(AT_FDCWD, "f", 0600), -EPERM);
	dual_unbecome();
	EQ(mode_of("f"), S_IFREG | 0666);
}

CASE(fchmod_owner_ok)
{
	mkfile("f", "");
	OK(sys_fchownat(AT_FDCWD, "f", 1000, 1000, 0));
	dual_become(1000, 1000);
	EQ(sys_fchmodat(AT_FDCWD, "f", 0604), 0);
	dual_unbecome();
	EQ(mode_of("f"), S_IFREG | 0604);
}

CASE(fchmod_sgid_cleared_outside_group)
{
	mkfile("f", "");
	OK(sys_fchownat(AT_FDCWD, "f", 1000, 2000, 0));
	dual_become(1000, 1000);
	EQ(sys_fchmodat(AT_FDCWD, "f", 02755), 0);
	dual_unbecome();
	EQ(mode_of("f"), S_IFREG | 0755);
}

CASE(fchmod_sgid_kept_in_group)
{
	mkfile("f", "");
	OK(sys_fchownat(AT_FDCWD, "f", 1000, 1000, 0));
	dual_become(1000, 1000);
	EQ(sys_fchmodat(AT_FDCWD, "f", 02755), 0);
	dual_unbecome();
	EQ(mode_of("f"), S_IFREG | 02755);
}

CASE(fchmodat_enoent)
{
	ERR(sys_fchmodat(AT_FDCWD, "missing", 0600), -ENOENT);
}

CASE(fchmodat_efault)
{
	ERR(sys_fchmodat(AT_FDCWD, BADPTR, 0600), -EFAULT);
}

CASE(fchmodat_ebadf)
{
	ERR(sys_fchmodat(99, "f", 0600), -EBADF);
}

CASE(write_by_user_clears_suid)
{
	mkdir_p("d");
	OK(sys_fchmodat(AT_FDCWD, "d", 0777));
	mkfile("d/f", "");
	OK(sys_fchownat(AT_FDCWD, "d/f", 1000, 1000, 0));
	OK(sys_fchmodat(AT_FDCWD, "d/f", 06755));
	dual_become(1000, 1000);
	EQ(sys_openat(AT_FDCWD, "d/f", O_WRONLY, 0), 3);
	EQ(sys_write(3, "x", 1), 1);
	dual_unbecome();
	EQ(mode_of("d/f"), S_IFREG | 0755);
}

CASE(write_by_root_keeps_suid)
{
	int fd = openf("");

	EQ(sys_fchmod(fd, 06755), 0);
	EQ(sys_write(fd, "x", 1), 1);
	EQ(mode_of("f"), S_IFREG | 06755);
}

/* fchown, fchownat */

CASE(fchown_root)
{
	int fd = openf("");

	EQ(sys_fchown(fd, 1000, 1001), 0);
	struct stat st = stat_of("f");
	EQ(st.st_uid, 1000);
	EQ(st.st_gid, 1001);
}

CASE(fchown_minus_one_keeps)
{
	int fd = openf("");

	EQ(sys_fchown(fd, 1000, 1001), 0);
	EQ(sys_fchown(fd, -1, 2002), 0);
	EQ(stat_of("f").st_uid, 1000);
	EQ(stat_of("f").st_gid, 2002);
	EQ(sys_fchown(fd, 3003, -1), 0);
	EQ(stat_of("f").st_uid, 3003);
	EQ(stat_of("f").st_gid, 2002);
}

CASE(fchownat_nofollow)
{
	mkfile("f", "");
	OK(sys_symlinkat("f", AT_FDCWD, "l"));
	EQ(sys_fchownat(AT_FDCWD, "l", 7, 8, AT_SYMLINK_NOFOLLOW), 0);
	EQ(stat_of("l").st_uid, 7);
	EQ(stat_of("f").st_uid, 0);
	EQ(sys_fchownat(AT_FDCWD, "l", 9, 10, 0), 0);
	EQ(stat_of("f").st_uid, 9);
	EQ(stat_of("f").st_gid, 10);
	EQ(stat_of("l").st_uid, 7);
}

CASE(fchown_user_to_other_eperm)
{
	mkfile("f", "");
	OK(sys_fchownat(AT_FDCWD, "f", 1000, 1000, 0));
	dual_become(1000, 1000);
	ERR(sys_fchownat(AT_FDCWD, "f", 1001, -1, 0), -EPERM);
	ERR(sys_fchownat(AT_FDCWD, "f", -1, 5000, 0), -EPERM);
	EQ(sys_fchownat(AT_FDCWD, "f", 1000, 1000, 0), 0);
	EQ(sys_fchownat(AT_FDCWD, "f", -1, -1, 0), 0);
	dual_unbecome();
}

CASE(fchown_user_group_to_member)
{
	gid_t groups[2] = {4000, 4001};

	mkfile("f", "");
	OK(sys_fchownat(AT_FDCWD, "f", 1000, 1000, 0));
	OK(sys_setgroups(2, groups));
	OK(sys_setresgid(1000, 1000, 0));
	OK(sys_setresuid(1000, 1000, 0));
	EQ(sys_fchownat(AT_FDCWD, "f", -1, 4001, 0), 0);
	ERR(sys_fchownat(AT_FDCWD, "f", -1, 4002, 0), -EPERM);
	dual_unbecome();
	EQ(stat_of("f").st_gid, 4001);
}

CASE(fchown_not_owner_eperm)
{
	mkfile("f", "");
	dual_become(1000, 1000);
	ERR(sys_fchownat(AT_FDCWD, "f", -1, 1000, 0), -EPERM);
	dual_unbecome();
}

CASE(fchown_clears_suid_sgid)
{
	int fd = openf("");

	EQ(sys_fchmod(fd, 06755), 0);
	EQ(sys_fchown(fd, 1000, 1000), 0);
	EQ(mode_of("f"), S_IFREG | 0755);
}

CASE(fchown_keeps_sgid_without_group_exec)
{
	int fd = openf("");

	EQ(sys_fchmod(fd, 02644), 0);
	EQ(sys_fchown(fd, 1000, 1000), 0);
	EQ(mode_of("f"), S_IFREG | 02644);
}

CASE(fchownat_bad_flags)
{
	mkfile("f", "");
	ERR(sys_fchownat(AT_FDCWD, "f", 1, 1, 0x1), -EINVAL);
	ERR(sys_fchownat(AT_FDCWD, "f", 1, 1, AT_REMOVEDIR), -EINVAL);
}

CASE(fchownat_empty_path)
{
	int fd = openf("");

	ERR(sys_fchownat(fd, "", 5, 5, 0), -ENOENT);
	EQ(sys_fchownat(fd, "", 5, 5, AT_EMPTY_PATH), 0);
	EQ(stat_of("f").st_uid, 5);
}

CASE(fchown_ebadf)
{
	ERR(sys_fchown(99, 1, 1), -EBADF);
}

CASE(fchownat_enoent)
{
	ERR(sys_fchownat(AT_FDCWD, "missing", 1, 1, 0), -ENOENT);
}

CASE(fchownat_efault)
{
	ERR(sys_fchownat(AT_FDCWD, BADPTR, 1, 1, 0), -EFAULT);
}

/* utimensat */

CASE(utimensat_set_both)
{
	struct timespec ts[2] = {{1000000000, 123456789}, {1100000000, 987654321}};

	mkfile("f", "");
	EQ(sys_utimensat(AT_FDCWD, "f", ts, 0), 0);
	struct stat st = stat_of("f");
	EQ(st.st_atim.tv_sec, 1000000000);
	EQ(st.st_atim.tv_nsec, 123456789);
	EQ(st.st_mtim.tv_sec, 1100000000);
	EQ(st.st_mtim.tv_nsec, 987654321);
}

CASE(utimensat_null_is_now)
{
	struct timespec old[2] = {{10, 0}, {20, 0}}, now;

	mkfile("f", "");
	OK(sys_utimensat(AT_FDCWD, "f", old, 0));
	EQ(sys_utimensat(AT_FDCWD, "f", NULL, 0), 0);
	OK(sys_clock_gettime(CLOCK_REALTIME, &now));
	struct stat st = stat_of("f");
	CHECK(st.st_mtim.tv_sec >= now.tv_sec - 5 && st.st_mtim.tv_sec <= now.tv_sec);
	EQ(st.st_atim.tv_sec, st.st_mtim.tv_sec);
	EQ(st.st_atim.tv_nsec, st.st_mtim.tv_nsec);
}

CASE(utimensat_omit_and_now)
{
	struct timespec ts[2] = {{10, 1}, {20, 2}}, now;

	mkfile("f", "");
	OK(sys_utimensat(AT_FDCWD, "f", ts, 0));
	ts[0].tv_nsec = UTIME_OMIT;
	ts[1].tv_sec = 30;
	ts[1].tv_nsec = 3;
	EQ(sys_utimensat(AT_FDCWD, "f", ts, 0), 0);
	EQ(stat_of("f").st_atim.tv_sec, 10);
	EQ(stat_of("f").st_atim.tv_nsec, 1);
	EQ(stat_of("f").st_mtim.tv_sec, 30);
	ts[0].tv_nsec = UTIME_NOW;
	ts[1].tv_nsec = UTIME_OMIT;
	EQ(sys_utimensat(AT_FDCWD, "f", ts, 0), 0);
	OK(sys_clock_gettime(CLOCK_REALTIME, &now));
	CHECK(stat_of("f").st_atim.tv_sec >= now.tv_sec - 5);
	EQ(stat_of("f").st_mtim.tv_sec, 30);
	EQ(stat_of("f").st_mtim.tv_nsec, 3);
}

CASE(utimensat_both_omit_is_noop)
{
	struct timespec ts[2] = {{10, 0}, {20, 0}};

	mkfile("f", "");
	OK(sys_utimensat(AT_FDCWD, "f", ts, 0));
	ts[0].tv_nsec = UTIME_OMIT;
	ts[1].tv_nsec = UTIME_OMIT;
	EQ(sys_utimensat(AT_FDCWD, "f", ts, 0), 0);
	EQ(stat_of("f").st_atim.tv_sec, 10);
	EQ(stat_of("f").st_mtim.tv_sec, 20);
}

CASE(utimensat_bad_nsec)
{
	struct timespec ts[2] = {{10, 1000000000}, {20, 0}};

	mkfile("f", "");
	ERR(sys_utimensat(AT_FDCWD, "f", ts, 0), -EINVAL);
	ts[0].tv_nsec = -1;
	ERR(sys_utimensat(AT_FDCWD, "f", ts, 0), -EINVAL);
}

CASE(utimensat_bad_flags)
{
	mkfile("f", "");
	ERR(sys_utimensat(AT_FDCWD, "f", NULL, 0x1), -EINVAL);
	ERR(sys_utimensat(AT_FDCWD, "f", NULL, AT_REMOVEDIR), -EINVAL);
}

CASE(utimensat_nofollow_symlink)
{
	struct timespec ts[2] = {{111, 0}, {222, 0}};

	mkfile("f", "");
	OK(sys_symlinkat("f", AT_FDCWD, "l"));
	EQ(sys_utimensat(AT_FDCWD, "l", ts, AT_SYMLINK_NOFOLLOW), 0);
	EQ(stat_of("l").st_mtim.tv_sec, 222);
	CHECK(stat_of("f").st_mtim.tv_sec != 222);
}

CASE(utimensat_fd_null_path)
{
	struct timespec ts[2] = {{111, 0}, {333, 0}};
	int fd = openf("");

	EQ(sys_utimensat(fd, NULL, ts, 0), 0);
	EQ(stat_of("f").st_mtim.tv_sec, 333);
	ERR(sys_utimensat(AT_FDCWD, NULL, ts, 0), -EFAULT);
}

CASE(utimensat_empty_path)
{
	struct timespec ts[2] = {{111, 0}, {444, 0}};
	int fd = openf("");

	ERR(sys_utimensat(fd, "", ts, 0), -ENOENT);
	EQ(sys_utimensat(fd, "", ts, AT_EMPTY_PATH), 0);
	EQ(stat_of("f").st_mtim.tv_sec, 444);
}

CASE(utimensat_not_owner_explicit_eperm)
{
	struct timespec ts[2] = {{1, 0}, {2, 0}};

	mkfile_mode("f", "", 0666);
	dual_become(1000, 1000);
	ERR(sys_utimensat(AT_FDCWD, "f", ts, 0), -EPERM);
	EQ(sys_utimensat(AT_FDCWD, "f", NULL, 0), 0);
	dual_unbecome();
}

CASE(utimensat_not_owner_not_writable_eacces)
{
	mkfile_mode("f", "", 0644);
	dual_become(1000, 1000);
	ERR(sys_utimensat(AT_FDCWD, "f", NULL, 0), -EACCES);
	dual_unbecome();
}

CASE(utimensat_enoent)
{
	struct timespec ts[2] = {{1, 0}, {2, 0}};

	ERR(sys_utimensat(AT_FDCWD, "missing", ts, 0), -ENOENT);
}

CASE(utimensat_efault_times)
{
	mkfile("f", "");
	ERR(sys_utimensat(AT_FDCWD, "f", BADPTR, 0), -EFAULT);
}

CASE(utimensat_ebadf)
{
	struct timespec ts[2] = {{1, 0}, {2, 0}};

	ERR(sys_utimensat(99, "f", ts, 0), -EBADF);
}

CASE(utimensat_negative_time)
{
	struct timespec ts[2] = {{-1, 0}, {-100, 5}};

	mkfile("f", "");
	EQ(sys_utimensat(AT_FDCWD, "f", ts, 0), 0);
	EQ(stat_of("f").st_atim.tv_sec, -1);
	EQ(stat_of("f").st_mtim.tv_sec, -100);
	EQ(stat_of("f").st_mtim.tv_nsec, 5);
}
