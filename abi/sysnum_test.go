package abi

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// legacyNumbers transcribes the numbers that x/sys has for no 64-bit
// architecture: the legacy block of include/uapi/asm-generic/unistd.h
// (Linux v4.x, #ifdef __ARCH_WANT_SYSCALL_NO_AT, __ARCH_WANT_SYSCALL_NO_FLAGS
// and __ARCH_WANT_SYSCALL_DEPRECATED; 1046-1058 are 32-bit off_t calls only)
// and LKL's arch/lkl/include/uapi/asm/unistd.h
// (__NR_virtio_mmio_device_add = __NR_arch_specific_syscall + 0,
// __NR_new_thread_group_leader = __NR_arch_specific_syscall + 1).
var legacyNumbers = map[string]uintptr{
	"open": 1024, "link": 1025, "unlink": 1026, "mknod": 1027,
	"chmod": 1028, "chown": 1029, "mkdir": 1030, "rmdir": 1031,
	"lchown": 1032, "access": 1033, "rename": 1034, "readlink": 1035,
	"symlink": 1036, "utimes": 1037, "stat": 1038, "lstat": 1039,
	"pipe": 1040, "dup2": 1041, "epoll_create": 1042, "inotify_init": 1043,
	"eventfd": 1044, "signalfd": 1045,
	"alarm": 1059, "getpgrp": 1060, "pause": 1061, "time": 1062,
	"utime": 1063, "creat": 1064, "getdents": 1065, "futimesat": 1066,
	"select": 1067, "poll": 1068, "epoll_wait": 1069, "ustat": 1070,
	"vfork": 1071, "oldwait4": 1072, "recv": 1073, "send": 1074,
	"bdflush": 1075, "umount": 1076, "uselib": 1077, "_sysctl": 1078,
	"fork":                    1079,
	"virtio_mmio_device_add":  244,
	"new_thread_group_leader": 245,
}

func TestSyscallNumbers(t *testing.T) {
	if SYS_OPENAT != 56 || SYS_NEWFSTATAT != 79 || SYS_FSTAT != 80 || SYS_LSEEK != 62 {
		t.Error("core numbers differ from asm-generic")
	}
	if SYS_VIRTIO_MMIO_DEVICE_ADD != ArchSpecificSyscall || SYS_NEW_THREAD_GROUP_LEADER != ArchSpecificSyscall+1 {
		t.Error("LKL-specific numbers")
	}
	if SyscallMax != SYS_FORK+1 {
		t.Errorf("SyscallMax = %d", SyscallMax)
	}
	if SyscallName(SYS_OPENAT) != "openat" || SyscallName(SyscallMax) != "" || SyscallName(300) != "" || SyscallName(^uintptr(0)) != "" {
		t.Error("SyscallName")
	}
	if SyscallArgs(SYS_OPENAT) != 4 || SyscallArgs(SYS_GETPID) != 0 || SyscallArgs(300) != -1 {
		t.Error("SyscallArgs")
	}
}

// TestLegacyNumbers checks the numbers x/sys cannot vouch for, and that no
// two syscalls share a number or a name.
func TestLegacyNumbers(t *testing.T) {
	byName := map[string]uintptr{}
	for nr := uintptr(0); nr < SyscallMax; nr++ {
		n := SyscallName(nr)
		if n == "" {
			continue
		}
		if prev, dup := byName[n]; dup {
			t.Errorf("%s has numbers %d and %d", n, prev, nr)
		}
		byName[n] = nr
		if nr >= 1024 || nr == 244 || nr == 245 {
			if want, ok := legacyNumbers[n]; !ok || want != nr {
				t.Errorf("%s = %d is not in the transcribed table", n, nr)
			}
		}
	}
	for n, want := range legacyNumbers {
		if got, ok := byName[n]; !ok || got != want {
			t.Errorf("%s: got %d, want %d", n, got, want)
		}
	}
}

// TestMatchesXSys builds the compile-time cross-check against
// golang.org/x/sys/unix for linux/arm64 (asm-generic) and linux/amd64.
func TestMatchesXSys(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a package for two architectures")
	}
	for _, arch := range []string{"arm64", "amd64"} {
		cmd := exec.Command("go", "build", "-gcflags=-e", "-o", os.DevNull, "liblinux/abi/internal/xsyscheck")
		cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH="+arch, "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("abi differs from x/sys/unix on linux/%s:\n%s", arch, out)
		}
	}
}

// TestCoversXSysSyscalls checks the other direction: every syscall x/sys
// knows for linux/arm64 has an abi number.
func TestCoversXSysSyscalls(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "golang.org/x/sys").Output()
	if err != nil {
		t.Skipf("x/sys not found: %v", err)
	}
	f, err := os.Open(filepath.Join(strings.TrimSpace(string(out)), "unix", "zsysnum_linux_arm64.go"))
	if err != nil {
		t.Skipf("x/sys source not available: %v", err)
	}
	defer f.Close()
	ignore := map[string]bool{
		"arch_specific_syscall": true, // a base, not a call: ArchSpecificSyscall
		"rseq_slice_yield":      true, // newer than the spec
	}
	re := regexp.MustCompile(`^\s*SYS_([A-Z0-9_]+)\s*=\s*(\d+)`)
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		m := re.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		n++
		name := strings.ToLower(m[1])
		nr, _ := strconv.Atoi(m[2])
		if ignore[name] {
			continue
		}
		if got := SyscallName(uintptr(nr)); got != name {
			t.Errorf("x/sys has %s = %d; abi has %q there", name, nr, got)
		}
	}
	if n < 300 {
		t.Errorf("parsed only %d x/sys syscalls", n)
	}
}
