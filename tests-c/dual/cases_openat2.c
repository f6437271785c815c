/* openat2. */
#include "dual.h"

static long fdflags(int fd) { return sys_fcntl(fd, F_GETFD, 0); }

/* openat2 */

CASE(openat2_basic)
{
	struct open_how how = {.flags = O_RDONLY};

	mkfile("f", "");
	EQ(sys_openat2(AT_FDCWD, "f", &how, sizeof(how)), 3);
}

CASE(openat2_creat_mode)
{
	struct open_how how = {.flags = O_CREAT | O_WRONLY, .mode = 0640};

	EQ(sys_openat2(AT_FDCWD, "f", &how, sizeof(how)), 3);
	EQ(mode_of("f"), S_IFREG | 0640);
}

CASE(openat2_size_too_small)
{
	struct open_how how = {.flags = O_RDONLY};

	mkfile("f", "");
	ERR(sys_openat2(AT_FDCWD, "f", &how, 16), -EINVAL);
	ERR(sys_openat2(AT_FDCWD, "f", &how, 0), -EINVAL);
}

CASE(openat2_size_larger_zero_tail)
{
	struct {
		struct open_how how;
		uint64_t extra;
	} big = {{.flags = O_RDONLY}, 0};

	mkfile("f", "");
	EQ(sys_openat2(AT_FDCWD, "f", &big.how, sizeof(big)), 3);
}

CASE(openat2_size_larger_nonzero_tail)
{
	struct {
		struct open_how how;
		uint64_t extra;
	} big = {{.flags = O_RDONLY}, 1};

	mkfile("f", "");
	ERR(sys_openat2(AT_FDCWD, "f", &big.how, sizeof(big)), -E2BIG);
}

CASE(openat2_mode_without_creat)
{
	struct open_how how = {.flags = O_RDONLY, .mode = 0644};

	mkfile("f", "");
	ERR(sys_openat2(AT_FDCWD, "f", &how, sizeof(how)), -EINVAL);
}

CASE(openat2_mode_high_bits)
{
	struct open_how how = {.flags = O_CREAT | O_WRONLY, .mode = 010644};

	ERR(sys_openat2(AT_FDCWD, "f", &how, sizeof(how)), -EINVAL);
}

CASE(openat2_unknown_flags)
{
	struct open_how how = {.flags = O_RDONLY | (1ULL << 40)};

	mkfile("f", "");
	ERR(sys_openat2(AT_FDCWD, "f", &how, sizeof(how)), -EINVAL);
}

CASE(openat2_unknown_resolve)
{
	struct open_how how = {.flags = O_RDONLY, .resolve = 0x1000};

	mkfile("f", "");
	ERR(sys_openat2(AT_FDCWD, "f", &how, sizeof(how)), -EINVAL);
}

CASE(openat2_efault)
{
	mkfile("f", "");
	ERR(sys_openat2(AT_FDCWD, "f", BADPTR, sizeof(struct open_how)), -EFAULT);
	ERR(sys_openat2(AT_FDCWD, "f", NULL, sizeof(struct open_how)), -EFAULT);
}

CASE(openat2_beneath_ok)
{
	struct open_how how = {.flags = O_RDONLY, .resolve = RESOLVE_BENEATH};

	mkdir_p("d");
	mkdir_p("d/e");
	mkfile("d/e/f", "");
	EQ(sys_openat(AT_FDCWD, "d", O_RDONLY | O_DIRECTORY, 0), 3);
	EQ(sys_openat2(3, "e/f", &how, sizeof(how)), 4);
	EQ(sys_openat2(3, "e/../e/f", &how, sizeof(how)), 5);
}

CASE(openat2_beneath_dotdot_exdev)
{
	struct open_how how = {.flags = O_RDONLY, .resolve = RESOLVE_BENEATH};

	mkdir_p("d");
	mkfile("f", "");
	EQ(sys_openat(AT_FDCWD, "d", O_RDONLY | O_DIRECTORY, 0), 3);
	ERR(sys_openat2(3, "../f", &how, sizeof(how)), -EXDEV);
}

CASE(openat2_beneath_absolute_exdev)
{
	struct open_how how = {.flags = O_RDONLY, .resolve = RESOLVE_BENEATH};

	mkdir_p("d");
	EQ(sys_openat(AT_FDCWD, "d", O_RDONLY | O_DIRECTORY, 0), 3);
	ERR(sys_openat2(3, "/", &how, sizeof(how)), -EXDEV);
}

CASE(openat2_beneath_symlink_escape_exdev)
{
	struct open_how how = {.flags = O_RDONLY, .resolve = RESOLVE_BENEATH};

	mkdir_p("d");
	mkfile("f", "");
	OK(sys_symlinkat("../f", AT_FDCWD, "d/up"));
	EQ(sys_openat(AT_FDCWD, "d", O_RDONLY | O_DIRECTORY, 0), 3);
	ERR(sys_openat2(3, "up", &how, sizeof(how)), -EXDEV);
}

CASE(openat2_no_symlinks)
{
	struct open_how how = {.flags = O_RDONLY, .resolve = RESOLVE_NO_SYMLINKS};

	mkfile("f", "");
	OK(sys_symlinkat("f", AT_FDCWD, "l"));
	ERR(sys_openat2(AT_FDCWD, "l", &how, sizeof(how)), -ELOOP);
	EQ(sys_openat2(AT_FDCWD, "f", &how, sizeof(how)), 3);
}

CASE(openat2_no_symlinks_middle)
{
	struct open_how how = {.flags = O_RDONLY, .resolve = RESOLVE_NO_SYMLINKS};

	mkdir_p("d");
	mkfile("d/f", "");
	OK(sys_symlinkat("d", AT_FDCWD, "l"));
	ERR(sys_openat2(AT_FDCWD, "l/f", &how, sizeof(how)), -ELOOP);
}

CASE(openat2_in_root_absolute)
{
	struct open_how how = {.flags = O_RDONLY, .resolve = RESOLVE_IN_ROOT};
	char buf[8] = {0};

	mkdir_p("d");
	mkfile("d/f", "inner");
	mkfile("f", "outer");
	EQ(sys_openat(AT_FDCWD, "d", O_RDONLY | O_DIRECTORY, 0), 3);
	EQ(sys_openat2(3, "/f", &how, sizeof(how)), 4);
	EQ(sys_read(4, buf, 7), 5);
	EQ_STR(buf, "inner");
}

CASE(openat2_in_root_dotdot_clamped)
{
	struct open_how how = {.flags = O_RDONLY, .resolve = RESOLVE_IN_ROOT};
	char buf[8] = {0};

	mkdir_p("d");
	mkfile("d/f", "inner");
	mkfile("f", "outer");
	EQ(sys_openat(AT_FDCWD, "d", O_RDONLY | O_DIRECTORY, 0), 3);
	EQ(sys_openat2(3, "../../f", &how, sizeof(how)), 4);
	EQ(sys_read(4, buf, 7), 5);
	EQ_STR(buf, "inner");
}

CASE(openat2_in_root_absolute_symlink)
{
	struct open_how how = {.flags = O_RDONLY, .resolve = RESOLVE_IN_ROOT};
	char buf[8] = {0};

	mkdir_p("d");
	mkfile("d/f", "inner");
	OK(sys_symlinkat("/f", AT_FDCWD, "d/abs"));
	EQ(sys_openat(AT_FDCWD, "d", O_RDONLY | O_DIRECTORY, 0), 3);
	EQ(sys_openat2(3, "abs", &how, sizeof(how)), 4);
	EQ(sys_read(4, buf, 7), 5);
	EQ_STR(buf, "inner");
}

CASE(openat2_beneath_and_in_root_einval)
{
	struct open_how how = {.flags = O_RDONLY, .resolve = RESOLVE_BENEATH | RESOLVE_IN_ROOT};

	mkfile("f", "");
	ERR(sys_openat2(AT_FDCWD, "f", &how, sizeof(how)), -EINVAL);
}

CASE(openat2_cloexec)
{
	struct open_how how = {.flags = O_RDONLY | O_CLOEXEC};

	mkfile("f", "");
	EQ(sys_openat2(AT_FDCWD, "f", &how, sizeof(how)), 3);
	EQ(fdflags(3), FD_CLOEXEC);
}
