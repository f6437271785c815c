/*
 * uid/gid family, setgroups/getgroups, capget/capset. Every case keeps a
 * way back to root (real or saved uid 0) and ends with dual_unbecome().
 */
#include "dual.h"

static void resuid(uid_t *r, uid_t *e, uid_t *s)
{
	OK(sys_getresuid(r, e, s));
}

static void resgid(gid_t *r, gid_t *e, gid_t *s)
{
	OK(sys_getresgid(r, e, s));
}

CASE(ids_root)
{
	uid_t r = 1, e = 1, s = 1;
	gid_t gr = 1, ge = 1, gs = 1;

	EQ(sys_getuid(), 0);
	EQ(sys_geteuid(), 0);
	EQ(sys_getgid(), 0);
	EQ(sys_getegid(), 0);
	EQ(sys_getresuid(&r, &e, &s), 0);
	EQ(r, 0);
	EQ(e, 0);
	EQ(s, 0);
	EQ(sys_getresgid(&gr, &ge, &gs), 0);
	EQ(gr + ge + gs, 0);
}

CASE(getresuid_efault)
{
	uid_t a, b;

	ERR(sys_getresuid(BADPTR, &a, &b), -EFAULT);
	ERR(sys_getresgid(&a, &b, BADPTR), -EFAULT);
}

CASE_ISOLATED(setresuid_each)
{
	uid_t r, e, s;

	EQ(sys_setresuid(1000, -1, -1), 0);
	resuid(&r, &e, &s);
	EQ(r, 1000);
	EQ(e, 0);
	EQ(s, 0);
	EQ(sys_getuid(), 1000);
	EQ(sys_geteuid(), 0);
	EQ(sys_setresuid(-1, 2000, 3000), 0);
	resuid(&r, &e, &s);
	EQ(r, 1000);
	EQ(e, 2000);
	EQ(s, 3000);
	EQ(sys_setresuid(-1, -1, -1), 0);
	EQ(sys_geteuid(), 2000);
	/* Unprivileged now: back to root is not allowed from 1000/2000/3000. */
	ERR(sys_setresuid(0, 0, 0), -EPERM);
	EQ(sys_setresuid(3000, 1000, 2000), 0);
	resuid(&r, &e, &s);
	EQ(r, 3000);
	EQ(e, 1000);
	EQ(s, 2000);
}

CASE(setresuid_unprivileged_limits)
{
	uid_t r, e, s;

	dual_become(1000, 1000);
	ERR(sys_setresuid(2000, -1, -1), -EPERM);
	ERR(sys_setresuid(-1, 2000, -1), -EPERM);
	EQ(sys_setresuid(-1, 0, -1), 0);
	resuid(&r, &e, &s);
	EQ(r, 1000);
	EQ(e, 0);
	EQ(s, 0);
	dual_unbecome();
}

CASE(setuid_unprivileged)
{
	uid_t r, e, s;

	dual_become(1000, 1000);
	ERR(sys_setuid(5), -EPERM);
	EQ(sys_setuid(0), 0);
	resuid(&r, &e, &s);
	EQ(r, 1000);
	EQ(e, 0);
	EQ(s, 0);
	dual_unbecome();
}

CASE(setreuid_saved_follows)
{
	uid_t r, e, s;

	EQ(sys_setreuid(-1, 1000), 0);
	resuid(&r, &e, &s);
	EQ(r, 0);
	EQ(e, 1000);
	EQ(s, 1000);
	/* The new euid equals the real uid: the saved uid stays. */
	EQ(sys_setreuid(-1, 0), 0);
	resuid(&r, &e, &s);
	EQ(r, 0);
	EQ(e, 0);
	EQ(s, 1000);
	dual_unbecome();
}

CASE(setreuid_unprivileged_swap)
{
	uid_t r, e, s;

	EQ(sys_setresuid(1000, 1000, 0), 0);
	ERR(sys_setreuid(2000, -1), -EPERM);
	EQ(sys_setreuid(-1, 0), 0);
	resuid(&r, &e, &s);
	EQ(r, 1000);
	EQ(e, 0);
	EQ(s, 0);
	dual_unbecome();
}

CASE(setresgid_root_and_user)
{
	gid_t r, e, s;

	EQ(sys_setresgid(10, 20, 30), 0);
	resgid(&r, &e, &s);
	EQ(r, 10);
	EQ(e, 20);
	EQ(s, 30);
	EQ(sys_getgid(), 10);
	EQ(sys_getegid(), 20);
	EQ(sys_setresuid(1000, 1000, 0), 0);
	ERR(sys_setresgid(40, -1, -1), -EPERM);
	EQ(sys_setresgid(30, 10, 20), 0);
	ERR(sys_setgid(40), -EPERM);
	EQ(sys_setgid(20), 0);
	EQ(sys_getegid(), 20);
	dual_unbecome();
}

CASE(setgid_root_sets_all)
{
	gid_t r, e, s;

	EQ(sys_setgid(55), 0);
	resgid(&r, &e, &s);
	EQ(r, 55);
	EQ(e, 55);
	EQ(s, 55);
	EQ(sys_setregid(-1, 66), 0);
	resgid(&r, &e, &s);
	EQ(r, 55);
	EQ(e, 66);
	EQ(s, 66);
	dual_unbecome();
}

CASE(setfsuid_controls_new_owner)
{
	EQ(sys_umask(0), 022);
	OK(sys_mkdirat(AT_FDCWD, "d", 0777));
	EQ(sys_setfsuid(1234), 0);
	EQ(sys_setfsgid(4321), 0);
	EQ(sys_openat(AT_FDCWD, "d/f", O_CREAT | O_WRONLY, 0644), 3);
	ERR(sys_openat(AT_FDCWD, "g", O_CREAT | O_WRONLY, 0644), -EACCES);
	EQ(sys_setfsuid(0), 1234);
	EQ(sys_setfsgid(0), 4321);
	EQ(stat_of("d/f").st_uid, 1234);
	EQ(stat_of("d/f").st_gid, 4321);
}

CASE(setfsuid_follows_euid)
{
	EQ(sys_setresuid(-1, 1000, 0), 0);
	EQ(sys_setfsuid(-1), 1000);
	EQ(sys_setresuid(-1, 0, -1), 0);
	EQ(sys_setfsuid(-1), 0);
	dual_unbecome();
}

CASE(setfsuid_unprivileged_ignored)
{
	dual_become(1000, 1000);
	EQ(sys_setfsuid(4242), 1000);
	EQ(sys_setfsuid(-1), 1000);
	dual_unbecome();
}

CASE(groups_set_get)
{
	gid_t set[3] = {5, 6, 7}, got[8] = {0};

	EQ(sys_setgroups(3, set), 0);
	EQ(sys_getgroups(0, NULL), 3);
	EQ(sys_getgroups(8, got), 3);
	EQ(got[0], 5);
	EQ(got[1], 6);
	EQ(got[2], 7);
	ERR(sys_getgroups(2, got), -EINVAL);
	ERR(sys_getgroups(-1, got), -EINVAL);
	EQ(sys_setgroups(0, NULL), 0);
	EQ(sys_getgroups(0, NULL), 0);
	dual_unbecome();
}

CASE(setgroups_unprivileged_eperm)
{
	gid_t set[1] = {5};

	dual_become(1000, 1000);
	ERR(sys_setgroups(1, set), -EPERM);
	ERR(sys_setgroups(0, NULL), -EPERM);
	dual_unbecome();
}

CASE(setgroups_too_many)
{
	gid_t set[1] = {5};

	ERR(sys_setgroups(NGROUPS_MAX + 1, set), -EINVAL);
	ERR(sys_setgroups(-1, set), -EINVAL);
}

CASE(groups_efault)
{
	gid_t set[1] = {5};

	ERR(sys_setgroups(2, BADPTR), -EFAULT);
	OK(sys_setgroups(1, set));
	ERR(sys_getgroups(4, BADPTR), -EFAULT);
	dual_unbecome();
}

CASE(groups_grant_access)
{
	gid_t set[1] = {777};

	mkfile_mode("f", "", 0040);
	OK(sys_fchownat(AT_FDCWD, "f", 0, 777, 0));
	dual_become(1000, 1000);
	ERR(sys_openat(AT_FDCWD, "f", O_RDONLY, 0), -EACCES);
	dual_unbecome();
	OK(sys_setgroups(1, set));
	OK(sys_setresgid(1000, 1000, 0));
	OK(sys_setresuid(1000, 1000, 0));
	EQ(sys_openat(AT_FDCWD, "f", O_RDONLY, 0), 3);
	dual_unbecome();
}

/* capget, capset */

static struct __user_cap_header_struct hdr3(void)
{
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};

	return h;
}

#define BIT(c) (1u << ((c) & 31))

CASE(capget_root)
{
	struct __user_cap_header_struct h = hdr3();
	struct __user_cap_data_struct d[2];

	memset(d, 0xff, sizeof(d));
	EQ(sys_capget(&h, d), 0);
	EQ(d[0].effective & (BIT(CAP_CHOWN) | BIT(CAP_DAC_OVERRIDE) | BIT(CAP_SYS_ADMIN) | BIT(CAP_SETUID)),
	   BIT(CAP_CHOWN) | BIT(CAP_DAC_OVERRIDE) | BIT(CAP_SYS_ADMIN) | BIT(CAP_SETUID));
	EQ(d[0].permitted & BIT(CAP_SYS_CHROOT), BIT(CAP_SYS_CHROOT));
	EQ(d[0].inheritable, 0);
	EQ(d[1].inheritable, 0);
}

CASE(capget_version_probe)
{
	struct __user_cap_header_struct h = {0, 0};

	EQ(sys_capget(&h, NULL), 0);
	EQ(h.version, _LINUX_CAPABILITY_VERSION_3);
}

CASE(capget_bad_version)
{
	struct __user_cap_header_struct h = {0x12345678, 0};
	struct __user_cap_data_struct d[2];

	ERR(sys_capget(&h, d), -EINVAL);
	EQ(h.version, _LINUX_CAPABILITY_VERSION_3);
}

CASE(capget_v1_single_struct)
{
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_1, 0};
	struct __user_cap_data_struct d[2];

	memset(d, 0xab, sizeof(d));
	EQ(sys_capget(&h, d), 0);
	EQ(d[0].effective & BIT(CAP_CHOWN), BIT(CAP_CHOWN));
	EQ(d[1].effective, 0xabababab);
}

CASE(capget_self_pid)
{
	struct __user_cap_header_struct h = hdr3();
	struct __user_cap_data_struct d[2];

	h.pid = sys_getpid();
	EQ(sys_capget(&h, d), 0);
	EQ(d[0].effective & BIT(CAP_CHOWN), BIT(CAP_CHOWN));
}

CASE(capget_missing_pid_esrch)
{
	struct __user_cap_header_struct h = hdr3();
	struct __user_cap_data_struct d[2];

	h.pid = 999999;
	ERR(sys_capget(&h, d), -ESRCH);
}

CASE(capget_negative_pid_einval)
{
	struct __user_cap_header_struct h = hdr3();
	struct __user_cap_data_struct d[2];

	h.pid = -5;
	ERR(sys_capget(&h, d), -EINVAL);
}

CASE(capget_efault)
{
	struct __user_cap_header_struct h = hdr3();

	ERR(sys_capget(BADPTR, NULL), -EFAULT);
	ERR(sys_capget(&h, BADPTR), -EFAULT);
}

CASE(caps_follow_euid)
{
	struct __user_cap_header_struct h = hdr3();
	struct __user_cap_data_struct d[2], before[2];

	EQ(sys_capget(&h, before), 0);
	EQ(sys_setresuid(1000, 1000, 0), 0);
	EQ(sys_capget(&h, d), 0);
	EQ(d[0].effective, 0);
	EQ(d[1].effective, 0);
	EQ(d[0].permitted, before[0].permitted);
	EQ(sys_setresuid(0, 0, 0), 0);
	EQ(sys_capget(&h, d), 0);
	EQ(d[0].effective, before[0].permitted);
	EQ(d[1].effective, before[1].permitted);
}

CASE_ISOLATED(caps_lost_with_all_uids)
{
	struct __user_cap_header_struct h = hdr3();
	struct __user_cap_data_struct d[2];

	EQ(sys_setresuid(1000, 1000, 1000), 0);
	EQ(sys_capget(&h, d), 0);
	EQ(d[0].permitted, 0);
	EQ(d[1].permitted, 0);
	EQ(d[0].effective, 0);
}

CASE(capset_drop_effective)
{
	struct __user_cap_header_struct h = hdr3();
	struct __user_cap_data_struct d[2], saved[2];

	mkfile("f", "");
	EQ(sys_capget(&h, saved), 0);
	memcpy(d, saved, sizeof(d));
	d[0].effective &= ~BIT(CAP_CHOWN);
	EQ(sys_capset(&h, d), 0);
	ERR(sys_fchownat(AT_FDCWD, "f", 1000, -1, 0), -EPERM);
	EQ(sys_capset(&h, saved), 0);
	EQ(sys_fchownat(AT_FDCWD, "f", 1000, -1, 0), 0);
}

CASE(capset_effective_beyond_permitted)
{
	struct __user_cap_header_struct h = hdr3();
	struct __user_cap_data_struct d[2], saved[2];

	EQ(sys_capget(&h, saved), 0);
	EQ(sys_setresuid(1000, 1000, 0), 0);
	memcpy(d, saved, sizeof(d));
	EQ(sys_capget(&h, d), 0);
	EQ(d[0].effective, 0);
	d[0].effective = BIT(CAP_CHOWN);
	d[0].permitted = 0;
	d[1].permitted = 0;
	ERR(sys_capset(&h, d), -EPERM);
	EQ(sys_setresuid(0, 0, 0), 0);
	dual_unbecome();
}

CASE(capset_other_pid_eperm)
{
	struct __user_cap_header_struct h = hdr3();
	struct __user_cap_data_struct d[2];

	EQ(sys_capget(&h, d), 0);
	h.pid = 999999;
	ERR(sys_capset(&h, d), -EPERM);
}

CASE(capset_bad_version)
{
	struct __user_cap_header_struct h = {0x1, 0};
	struct __user_cap_data_struct d[2] = {{0, 0, 0}, {0, 0, 0}};

	ERR(sys_capset(&h, d), -EINVAL);
	EQ(h.version, _LINUX_CAPABILITY_VERSION_3);
}
