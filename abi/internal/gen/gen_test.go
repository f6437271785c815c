package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func root(t *testing.T) string {
	t.Helper()
	r, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestUpToDate generates the tree into a temporary directory and compares
// it with the checked-in files.
func TestUpToDate(t *testing.T) {
	tmp := t.TempDir()
	files := Generate()
	for name, data := range files {
		p := filepath.Join(tmp, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r := root(t)
	for name := range files {
		want, _ := os.ReadFile(filepath.Join(tmp, filepath.FromSlash(name)))
		got, err := os.ReadFile(filepath.Join(r, filepath.FromSlash(name)))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s is stale: run go run ./abi/internal/gen", name)
		}
	}
	// No stray generated files: every z_ file in the generated directories
	// must come from the generator.
	for _, dir := range []string{"abi", "abi/internal/xsyscheck"} {
		ents, err := os.ReadDir(filepath.Join(r, dir))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range ents {
			name := dir + "/" + e.Name()
			if strings.HasPrefix(e.Name(), "z_") && files[name] == nil {
				t.Errorf("%s is not generated any more: delete it", name)
			}
		}
	}
}

func TestRenaming(t *testing.T) {
	for in, want := range map[string]string{
		"O_RDWR":          "LKL_O_RDWR",
		"EINVAL":          "LKL_EINVAL",
		"__NR_read":       "__lkl__NR_read",
		"__BITS_PER_LONG": "__LKL__BITS_PER_LONG",
		"_NSIG":           "_LKL_NSIG",
		"__kernel_loff_t": "__lkl__kernel_loff_t",
		"umode_t":         "lkl_umode_t",
		"s_addr":          "lkl_s_addr",
		"stat":            "lkl_stat",
		"st_atime":        "lkl_st_atime",
	} {
		if got := lklName(in); got != want {
			t.Errorf("lklName(%q) = %q, want %q", in, got, want)
		}
	}
	m := newModel()
	if got := m.cDecl("const struct __kernel_timespec *", "ts"); got != "const struct __lkl__kernel_timespec *ts" {
		t.Errorf("cDecl: %q", got)
	}
}

func cc(t *testing.T, name string, args ...string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Skipf("%s not installed", name)
	}
	cmd := exec.Command(name, args...)
	cmd.Dir = root(t)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

func run(t *testing.T, bin string) {
	t.Helper()
	out, err := exec.Command(bin).CombinedOutput()
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if err != nil || !strings.HasSuffix(lines[len(lines)-1], " 0 failed") {
		t.Fatalf("%s: %v\n%s", bin, err, out)
	}
}

// TestLayoutC compiles and runs tests-c/z_layout.c: the C compiler's view
// of the headers must match the generator's layout and values.
func TestLayoutC(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "z_layout")
	cc(t, "gcc", "-Wall", "-Wextra", "-Werror", "-Iinclude", "tests-c/z_layout.c", "-o", bin)
	run(t, bin)
}

// TestHeadersCompile builds tests-c/header_check.c as C99, C11 and C++ with
// the host's libc headers, and the generated C sources.
func TestHeadersCompile(t *testing.T) {
	dir := t.TempDir()
	for i, flags := range [][]string{
		{"gcc", "-Wall", "-Wextra", "-Werror"},
		{"gcc", "-std=c99", "-pedantic", "-Wall", "-Wextra", "-Werror"},
		{"gcc", "-std=c11", "-pedantic", "-Wall", "-Wextra", "-Werror"},
		{"g++", "-x", "c++", "-std=c++11", "-pedantic", "-Wall", "-Wextra", "-Werror"},
	} {
		bin := filepath.Join(dir, "hc"+string(rune('0'+i)))
		cc(t, flags[0], append(flags[1:], "-Iinclude", "tests-c/header_check.c", "-o", bin)...)
		run(t, bin)
	}
	cc(t, "gcc", "-Wall", "-Wextra", "-Werror", "-Iinclude", "-c", "capi/z_strerror.c", "-o", filepath.Join(dir, "s.o"))
	if _, err := os.Stat(filepath.Join(root(t), "capi", "entry.h")); err == nil {
		cc(t, "gcc", "-Wall", "-Wextra", "-Werror", "-Iinclude", "-Icapi", "-c", "capi/z_syscalls.c", "-o", filepath.Join(dir, "c.o"))
	}
}

const stubEntryH = `#include <lkl_host.h>
extern long last_no, last_p[6];
static inline long liblinux_enter(long no, long *params)
{
	int i;

	last_no = no;
	for (i = 0; i < 6; i++)
		last_p[i] = params[i];
	return 0;
}
`

const wrapperDriverC = `#include <stdio.h>
#include <lkl.h>
long last_no, last_p[6];
static int failed, passed;
static void expect(const char *what, long nr, long a0, long a1, long a2, long a3, long a4, long a5)
{
	long want[6];
	int i;

	want[0] = a0; want[1] = a1; want[2] = a2; want[3] = a3; want[4] = a4; want[5] = a5;
	if (last_no != nr) {
		printf("FAIL %s: nr %ld, want %ld\n", what, last_no, nr);
		failed++;
		return;
	}
	for (i = 0; i < 6; i++) {
		if (want[i] != -999 && last_p[i] != want[i]) {
			printf("FAIL %s: arg %d = %ld, want %ld\n", what, i, last_p[i], want[i]);
			failed++;
			return;
		}
	}
	passed++;
}
#define ANY (-999)
int main(void)
{
	struct lkl_stat st;
	struct lkl_timeval tv;
	struct lkl_pollfd pfd;
	int fds[2];

	lkl_sys_openat(3, "f", LKL_O_RDWR, 0644);
	expect("openat", 56, 3, ANY, 2, 0644, 0, 0);
	lkl_sys_open("f", LKL_O_RDONLY, 0);
	expect("open", 56, -100, ANY, 0, 0, 0, 0);
	lkl_sys_creat("f", 0600);
	expect("creat", 56, -100, ANY, 01101, 0600, 0, 0);
	lkl_sys_stat("f", &st);
	expect("stat", 79, -100, ANY, (long)&st, 0, 0, 0);
	lkl_sys_lstat("f", &st);
	expect("lstat", 79, -100, ANY, (long)&st, 0x100, 0, 0);
	lkl_sys_fstat(4, &st);
	expect("fstat", 80, 4, (long)&st, 0, 0, 0, 0);
	lkl_sys_rmdir("d");
	expect("rmdir", 35, -100, ANY, 0x200, 0, 0, 0);
	lkl_sys_pipe(fds);
	expect("pipe", 59, (long)fds, 0, 0, 0, 0, 0);
	lkl_sys_poll(&pfd, 1, -1);
	expect("poll -1", 73, (long)&pfd, 1, 0, 0, 8, 0);
	lkl_sys_poll(&pfd, 1, 1500);
	expect("poll 1500", 73, (long)&pfd, 1, ANY, 0, 8, 0);
	tv.tv_sec = -1;
	tv.tv_usec = 0;
	if (lkl_sys_select(1, 0, 0, 0, &tv) != -LKL_EINVAL) {
		printf("FAIL select negative\n");
		failed++;
	}
	if (lkl_sys_epoll_create(0) != -LKL_EINVAL) {
		printf("FAIL epoll_create(0)\n");
		failed++;
	}
	lkl_sys_epoll_create(1);
	expect("epoll_create", 20, 0, 0, 0, 0, 0, 0);
	lkl_sys_epoll_wait(5, 0, 4, 10);
	expect("epoll_wait", 22, 5, 0, 4, 10, 0, 8);
	lkl_sys_send(6, 0, 3, 0);
	expect("send", 206, 6, 0, 3, 0, 0, 0);
	lkl_sys_umount("/mnt", 2);
	expect("umount", 39, ANY, 2, 0, 0, 0, 0);
	lkl_sys_mmap(0, 4096, 3, 0x22, -1, 8192);
	expect("mmap", 222, 0, 4096, 3, 0x22, -1, 8192);
	lkl_sys_new_thread_group_leader();
	expect("new_thread_group_leader", 245, 0, 0, 0, 0, 0, 0);
	lkl_sys_oldumount("/mnt");
	expect("oldumount", 1076, ANY, 0, 0, 0, 0, 0);
	printf("%d passed, %d failed\n", passed, failed);
	return failed != 0;
}
`

// TestWrappersC runs capi/z_syscalls.c against a recording liblinux_enter
// and checks the numbers and arguments the wrappers pass.
func TestWrappersC(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "entry.h"), []byte(stubEntryH), 0o644); err != nil {
		t.Fatal(err)
	}
	drv := filepath.Join(dir, "drv.c")
	if err := os.WriteFile(drv, []byte(wrapperDriverC), 0o644); err != nil {
		t.Fatal(err)
	}
	// A copy, so that #include "entry.h" finds the stub next to it.
	src, err := os.ReadFile(filepath.Join(root(t), "capi", "z_syscalls.c"))
	if err != nil {
		t.Fatal(err)
	}
	wrappers := filepath.Join(dir, "z_syscalls.c")
	if err := os.WriteFile(wrappers, src, 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "wrappers")
	cc(t, "gcc", "-Wall", "-Werror", "-Iinclude", drv, wrappers, "-o", bin)
	run(t, bin)
}
