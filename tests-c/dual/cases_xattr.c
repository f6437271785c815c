/* setxattr, getxattr, listxattr, removexattr and their l* and f* forms (user.* and trusted.* on tmpfs). */
#include "dual.h"

/* Sorted, comma-joined list of the NUL-separated names in buf[0..n). */
static const char *names(const char *buf, long n)
{
	static char out[1024];
	const char *items[64];
	int count = 0;

	for (long off = 0; off < n && count < 64; off += strlen(buf + off) + 1)
		items[count++] = buf + off;
	for (int i = 1; i < count; i++)
		for (int j = i; j > 0 && strcmp(items[j - 1], items[j]) > 0; j--) {
			const char *t = items[j];

			items[j] = items[j - 1];
			items[j - 1] = t;
		}
	out[0] = 0;
	for (int i = 0; i < count; i++) {
		size_t len = strlen(out);

		snprintf(out + len, sizeof(out) - len, "%s%s", i ? "," : "", items[i]);
	}
	return out;
}

CASE(xattr_set_get)
{
	char buf[16] = {0};

	mkfile("f", "");
	EQ(sys_setxattr("f", "user.color", "blue", 4, 0), 0);
	EQ(sys_getxattr("f", "user.color", buf, sizeof(buf)), 4);
	EQ_STR(buf, "blue");
}

CASE(xattr_get_size_query)
{
	mkfile("f", "");
	OK(sys_setxattr("f", "user.k", "0123456789", 10, 0));
	EQ(sys_getxattr("f", "user.k", NULL, 0), 10);
}

CASE(xattr_get_erange)
{
	char buf[4];

	mkfile("f", "");
	OK(sys_setxattr("f", "user.k", "0123456789", 10, 0));
	ERR(sys_getxattr("f", "user.k", buf, sizeof(buf)), -ERANGE);
}

CASE(xattr_get_missing_enodata)
{
	char buf[4];

	mkfile("f", "");
	ERR(sys_getxattr("f", "user.none", buf, sizeof(buf)), -ENODATA);
}

CASE(xattr_overwrite)
{
	char buf[16] = {0};

	mkfile("f", "");
	OK(sys_setxattr("f", "user.k", "first", 5, 0));
	EQ(sys_setxattr("f", "user.k", "2nd", 3, 0), 0);
	EQ(sys_getxattr("f", "user.k", buf, sizeof(buf)), 3);
	EQ_STR(buf, "2nd");
}

CASE(xattr_create_flag)
{
	mkfile("f", "");
	EQ(sys_setxattr("f", "user.k", "a", 1, XATTR_CREATE), 0);
	ERR(sys_setxattr("f", "user.k", "b", 1, XATTR_CREATE), -EEXIST);
}

CASE(xattr_replace_flag)
{
	char buf[4] = {0};

	mkfile("f", "");
	ERR(sys_setxattr("f", "user.k", "a", 1, XATTR_REPLACE), -ENODATA);
	OK(sys_setxattr("f", "user.k", "a", 1, 0));
	EQ(sys_setxattr("f", "user.k", "b", 1, XATTR_REPLACE), 0);
	EQ(sys_getxattr("f", "user.k", buf, sizeof(buf)), 1);
	EQ_STR(buf, "b");
}

CASE(xattr_bad_flags)
{
	mkfile("f", "");
	ERR(sys_setxattr("f", "user.k", "a", 1, 4), -EINVAL);
	ERR(sys_setxattr("f", "user.k", "a", 1, XATTR_CREATE | XATTR_REPLACE | 8), -EINVAL);
}

CASE(xattr_empty_value)
{
	char buf[4];

	mkfile("f", "");
	EQ(sys_setxattr("f", "user.empty", "", 0, 0), 0);
	EQ(sys_getxattr("f", "user.empty", buf, sizeof(buf)), 0);
	EQ(sys_getxattr("f", "user.empty", NULL, 0), 0);
}

CASE(xattr_list)
{
	char buf[256];
	long n;

	mkfile("f", "");
	EQ(sys_listxattr("f", buf, sizeof(buf)), 0);
	OK(sys_setxattr("f", "user.b", "1", 1, 0));
	OK(sys_setxattr("f", "user.a", "2", 1, 0));
	OK(sys_setxattr("f", "trusted.t", "3", 1, 0));
	n = sys_listxattr("f", buf, sizeof(buf));
	EQ(n, 7 + 7 + 10);
	EQ_STR(names(buf, n), "trusted.t,user.a,user.b");
	EQ(sys_listxattr("f", NULL, 0), 24);
}

CASE(xattr_list_erange)
{
	char buf[8];

	mkfile("f", "");
	OK(sys_setxattr("f", "user.long", "1", 1, 0));
	ERR(sys_listxattr("f", buf, 5), -ERANGE);
}

CASE(xattr_remove)
{
	char buf[8];

	mkfile("f", "");
	OK(sys_setxattr("f", "user.k", "v", 1, 0));
	EQ(sys_removexattr("f", "user.k"), 0);
	ERR(sys_getxattr("f", "user.k", buf, sizeof(buf)), -ENODATA);
	ERR(sys_removexattr("f", "user.k"), -ENODATA);
	EQ(sys_listxattr("f", buf, sizeof(buf)), 0);
}

CASE(xattr_unknown_namespace)
{
	char buf[8];

	mkfile("f", "");
	ERR(sys_setxattr("f", "foo.bar", "v", 1, 0), -EOPNOTSUPP);
	ERR(sys_getxattr("f", "foo.bar", buf, sizeof(buf)), -EOPNOTSUPP);
	ERR(sys_setxattr("f", "nodot", "v", 1, 0), -EOPNOTSUPP);
}

CASE(xattr_bad_names)
{
	char name[300] = "user.";

	mkfile("f", "");
	ERR(sys_setxattr("f", "", "v", 1, 0), -ERANGE);
	memset(name + 5, 'x', 251);
	name[256] = 0;
	ERR(sys_setxattr("f", name, "v", 1, 0), -ERANGE);
	name[255] = 0;
	EQ(sys_setxattr("f", name, "v", 1, 0), 0);
}

CASE(xattr_value_too_big)
{
	static char big[65537];

	mkfile("f", "");
	ERR(sys_setxattr("f", "user.big", big, sizeof(big), 0), -E2BIG);
}

CASE(xattr_on_directory)
{
	char buf[8] = {0};

	mkdir_p("d");
	EQ(sys_setxattr("d", "user.k", "dir", 3, 0), 0);
	EQ(sys_getxattr("d", "user.k", buf, sizeof(buf)), 3);
	EQ_STR(buf, "dir");
}

CASE(xattr_user_on_symlink_eperm)
{
	char buf[8];

	mkfile("f", "");
	OK(sys_symlinkat("f", AT_FDCWD, "l"));
	ERR(sys_lsetxattr("l", "user.k", "v", 1, 0), -EPERM);
	ERR(sys_lgetxattr("l", "user.k", buf, sizeof(buf)), -ENODATA);
	EQ(sys_setxattr("l", "user.k", "v", 1, 0), 0);
	EQ(sys_getxattr("f", "user.k", buf, sizeof(buf)), 1);
}

CASE(xattr_trusted_on_symlink)
{
	char buf[16] = {0};

	OK(sys_symlinkat("nowhere", AT_FDCWD, "l"));
	EQ(sys_lsetxattr("l", "trusted.k", "ln", 2, 0), 0);
	EQ(sys_lgetxattr("l", "trusted.k", buf, sizeof(buf)), 2);
	EQ_STR(buf, "ln");
	EQ(sys_llistxattr("l", buf, sizeof(buf)), 10);
	EQ(sys_lremovexattr("l", "trusted.k"), 0);
	EQ(sys_llistxattr("l", buf, sizeof(buf)), 0);
}

CASE(xattr_user_on_fifo_eperm)
{
	OK(sys_mknodat(AT_FDCWD, "p", S_IFIFO | 0644, 0));
	ERR(sys_setxattr("p", "user.k", "v", 1, 0), -EPERM);
}

CASE(xattr_trusted_hidden_from_user)
{
	char buf[64];

	mkfile_mode("f", "", 0666);
	OK(sys_setxattr("f", "trusted.t", "x", 1, 0));
	OK(sys_setxattr("f", "user.u", "y", 1, 0));
	dual_become(1000, 1000);
	EQ(sys_listxattr("f", buf, sizeof(buf)), 7);
	EQ_STR(names(buf, 7), "user.u");
	ERR(sys_getxattr("f", "trusted.t", buf, sizeof(buf)), -ENODATA);
	ERR(sys_setxattr("f", "trusted.t", "z", 1, 0), -EPERM);
	dual_unbecome();
}

CASE(xattr_user_needs_write_permission)
{
	char buf[8];

	mkfile_mode("f", "", 0644);
	OK(sys_setxattr("f", "user.k", "v", 1, 0));
	dual_become(1000, 1000);
	ERR(sys_setxattr("f", "user.k", "w", 1, 0), -EACCES);
	ERR(sys_removexattr("f", "user.k"), -EACCES);
	EQ(sys_getxattr("f", "user.k", buf, sizeof(buf)), 1);
	dual_unbecome();
}

CASE(xattr_user_needs_read_permission)
{
	char buf[8];

	mkfile_mode("f", "", 0600);
	OK(sys_setxattr("f", "user.k", "v", 1, 0));
	dual_become(1000, 1000);
	ERR(sys_getxattr("f", "user.k", buf, sizeof(buf)), -EACCES);
	dual_unbecome();
}

CASE(xattr_fd_forms)
{
	char buf[16] = {0};

	mkfile("f", "");
	EQ(sys_openat(AT_FDCWD, "f", O_RDONLY, 0), 3);
	EQ(sys_fsetxattr(3, "user.fd", "via fd", 6, 0), 0);
	EQ(sys_fgetxattr(3, "user.fd", buf, sizeof(buf)), 6);
	EQ_STR(buf, "via fd");
	EQ(sys_flistxattr(3, buf, sizeof(buf)), 8);
	EQ(sys_fremovexattr(3, "user.fd"), 0);
	EQ(sys_flistxattr(3, buf, sizeof(buf)), 0);
}

CASE(xattr_fd_ebadf)
{
	char buf[8];

	ERR(sys_fsetxattr(99, "user.k", "v", 1, 0), -EBADF);
	ERR(sys_fgetxattr(99, "user.k", buf, sizeof(buf)), -EBADF);
	ERR(sys_flistxattr(99, buf, sizeof(buf)), -EBADF);
	ERR(sys_fremovexattr(99, "user.k"), -EBADF);
}

CASE(xattr_path_enoent)
{
	char buf[8];

	ERR(sys_getxattr("missing", "user.k", buf, sizeof(buf)), -ENOENT);
	ERR(sys_listxattr("missing", buf, sizeof(buf)), -ENOENT);
	ERR(sys_removexattr("missing", "user.k"), -ENOENT);
}

CASE(xattr_path_enotdir)
{
	mkfile("f", "");
	ERR(sys_setxattr("f/x", "user.k", "v", 1, 0), -ENOTDIR);
}

CASE(xattr_efault)
{
	char buf[8];

	mkfile("f", "");
	ERR(sys_setxattr("f", BADPTR, "v", 1, 0), -EFAULT);
	ERR(sys_setxattr("f", "user.k", BADPTR, 1, 0), -EFAULT);
	ERR(sys_setxattr(BADPTR, "user.k", "v", 1, 0), -EFAULT);
	OK(sys_setxattr("f", "user.k", "v", 1, 0));
	ERR(sys_getxattr("f", "user.k", BADPTR, sizeof(buf)), -EFAULT);
	ERR(sys_listxattr("f", BADPTR, 64), -EFAULT);
}

CASE(xattr_survive_rename_and_link)
{
	char buf[8] = {0};

	mkfile("f", "");
	OK(sys_setxattr("f", "user.k", "kept", 4, 0));
	OK(sys_renameat2(AT_FDCWD, "f", AT_FDCWD, "g", 0));
	OK(sys_linkat(AT_FDCWD, "g", AT_FDCWD, "h", 0));
	EQ(sys_getxattr("h", "user.k", buf, sizeof(buf)), 4);
	EQ_STR(buf, "kept");
}
