package boot_test

import (
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"liblinux/abi"
)

func newProcEnv(t *testing.T) *env {
	e := newEnv(t)
	e.mount("proc", "/proc")
	return e
}

func TestProcRoot(t *testing.T) {
	e := newProcEnv(t)
	ls := e.list("/proc")
	got := strings.Join(names(ls), " ")
	want := "sys stat mounts uptime cmdline loadavg meminfo version filesystems self thread-self 1"
	if got != want {
		t.Errorf("/proc lists %q, want %q", got, want)
	}
	for i := 1; i < len(ls); i++ {
		if ls[i].off <= ls[i-1].off {
			t.Errorf("offsets not increasing at %s", ls[i].name)
		}
	}
	if s, _ := e.readlink("/proc/self"); s != "1" {
		t.Errorf("/proc/self -> %q", s)
	}
	if s, _ := e.readlink("/proc/thread-self"); s != "1/task/1" {
		t.Errorf("/proc/thread-self -> %q", s)
	}
	if st := e.lstat("/proc/self"); st.Mode != abi.S_IFLNK|0777 || st.Ino != 0xF0000000 {
		t.Errorf("/proc/self: mode %o ino %#x", st.Mode, st.Ino)
	}
	if st := e.lstat("/proc/mounts"); st.Mode != abi.S_IFLNK|0777 || st.Size != 11 {
		t.Errorf("/proc/mounts: mode %o size %d", st.Mode, st.Size)
	}
	if s, _ := e.readlink("/proc/mounts"); s != "self/mounts" {
		t.Errorf("/proc/mounts -> %q", s)
	}
	if st := e.stat("/proc"); st.Mode != abi.S_IFDIR|0555 || st.Ino != 1 {
		t.Errorf("/proc: mode %o ino %d", st.Mode, st.Ino)
	}
	if st := e.stat("/proc/self"); st.Mode != abi.S_IFDIR|0555 || st.Nlink != 5 {
		t.Errorf("/proc/self/: mode %o nlink %d", st.Mode, st.Nlink)
	}
	a, b := e.stat("/proc/1/status"), e.stat("/proc/self/status")
	if a.Ino != b.Ino || a.Ino == e.stat("/proc/1/stat").Ino {
		t.Errorf("inode numbers not stable per file: %d %d", a.Ino, b.Ino)
	}
	for _, bad := range []string{"/proc/0001", "/proc/1/fd/01", "/proc/1/fd/999", "/proc/1/fd/x", "/proc/-1", "/proc/2"} {
		if _, r := e.statAt(bad, 0); r != errno(abi.ENOENT) {
			t.Errorf("stat %s = %d, want ENOENT", bad, r)
		}
	}
	e.want("create in /proc", e.sys(abi.SYS_OPENAT, atFDCWD, e.str("/proc/new"), abi.O_CREAT|abi.O_WRONLY, 0644), errno(abi.ENOENT))
	e.want("mkdir in /proc", e.sys(abi.SYS_MKDIRAT, atFDCWD, e.str("/proc/new"), 0755), errno(abi.ENOENT))
	e.want("unlink in /proc", e.sys(abi.SYS_UNLINKAT, atFDCWD, e.str("/proc/version"), 0), errno(abi.EPERM))
	fd := e.open("/proc/version", abi.O_WRONLY)
	e.want("write a read-only proc file", e.write(fd, "x"), errno(abi.EIO))
}

func TestProcProcesses(t *testing.T) {
	e := newProcEnv(t)
	thread := e.newTask() // a second thread of pid 1
	leader := e.newTask()
	if r := on(leader, abi.SYS_NEW_THREAD_GROUP_LEADER); r != 0 {
		t.Fatalf("new_thread_group_leader = %d", r)
	}
	pid := leader.TID
	ps := strconv.Itoa(int(pid))
	if got := names(e.list("/proc")); got[len(got)-2] != "1" || got[len(got)-1] != ps {
		t.Errorf("/proc lists %v, want pids 1 and %d last", got, pid)
	}
	b := make([]byte, 64)
	n := on(leader, abi.SYS_READLINKAT, atFDCWD, e.str("/proc/self"), e.addr(b), 64)
	if string(b[:max(n, 0)]) != ps {
		t.Errorf("/proc/self from pid %d -> %q", pid, b[:max(n, 0)])
	}
	if s := e.cat("/proc/" + ps + "/status"); !strings.Contains(s, fmt.Sprintf("\nTgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t1\n", pid, pid)) {
		t.Errorf("status of pid %d:\n%s", pid, s)
	}
	// A thread is found by its tid though not listed.
	ts := strconv.Itoa(int(thread.TID))
	if st := e.stat("/proc/" + ts); st.Mode != abi.S_IFDIR|0555 {
		t.Errorf("/proc/<tid>: mode %o", st.Mode)
	}
	if s := e.cat("/proc/" + ts + "/status"); !strings.Contains(s, fmt.Sprintf("\nTgid:\t1\nNgid:\t0\nPid:\t%d\n", thread.TID)) {
		t.Errorf("status of tid %d:\n%s", thread.TID, s)
	}
	if got := names(e.list("/proc/1/task")); strings.Join(got, " ") != "1 "+ts {
		t.Errorf("/proc/1/task = %v", got)
	}
	if s := e.cat("/proc/1/task/" + ts + "/stat"); !strings.HasPrefix(s, ts+" (host"+ts+") S 0 ") {
		t.Errorf("task stat %q", s)
	}
	if !strings.Contains(e.cat("/proc/1/status"), "\nThreads:\t2\n") {
		t.Errorf("pid 1 does not have 2 threads")
	}
	// The process goes: so does its directory.
	e.k.ReleaseTask(leader)
	if _, r := e.statAt("/proc/"+ps, 0); r != errno(abi.ENOENT) {
		t.Errorf("stat /proc/%d after exit = %d", pid, r)
	}
	if got := names(e.list("/proc")); got[len(got)-1] != "1" {
		t.Errorf("/proc lists %v after exit", got)
	}
}

// fieldNames returns the names of "Name:\tvalue" lines.
func fieldNames(s string) []string {
	var out []string
	for _, l := range strings.Split(strings.TrimSuffix(s, "\n"), "\n") {
		name, _, ok := strings.Cut(l, ":")
		if ok {
			out = append(out, name)
		}
	}
	return out
}

func TestProcStatus(t *testing.T) {
	e := newProcEnv(t)
	s := e.cat("/proc/self/status")
	head := "Name:\thost1\nUmask:\t0022\nState:\tR (running)\nTgid:\t1\nNgid:\t0\nPid:\t1\nPPid:\t0\nTracerPid:\t0\n" +
		"Uid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nFDSize:\t64\nGroups:\t \nNStgid:\t1\nNSpid:\t1\nNSpgid:\t0\nNSsid:\t0\nKthread:\t0\nThreads:\t1\n"
	if !strings.HasPrefix(s, head) {
		t.Errorf("status starts\n%q\nwant\n%q", s[:min(len(s), len(head))], head)
	}
	for _, l := range []string{"\nCapEff:\t000001ffffffffff\n", "\nCapBnd:\t000001ffffffffff\n", "\nSigBlk:\t0000000000000000\n", "\nCpus_allowed_list:\t0\n"} {
		if !strings.Contains(s, l) {
			t.Errorf("status lacks %q", l)
		}
	}
	// Linux's field names, in Linux's order: ours are the host's without
	// the address-space lines (our tasks have none, like kernel threads).
	if host, err := os.ReadFile("/proc/self/status"); err == nil {
		hn := fieldNames(string(host))
		i := 0
		for _, f := range fieldNames(s) {
			for i < len(hn) && hn[i] != f {
				i++
			}
			if i == len(hn) {
				t.Errorf("field %q is not in the host's status or out of its order %v", f, hn)
				break
			}
		}
		for _, f := range hn {
			if !strings.HasPrefix(f, "Vm") && !strings.HasPrefix(f, "Rss") && !strings.Contains(s, "\n"+f+":") && !strings.HasPrefix(s, f+":") {
				switch f {
				case "HugetlbPages", "CoreDumping", "THP_enabled", "untag_mask", "x86_Thread_features", "x86_Thread_features_locked":
					// Address-space and x86 lines.
				default:
					t.Errorf("status lacks the host's field %q", f)
				}
			}
		}
	}
	e.sys(abi.SYS_UMASK, 077)
	groups := []byte{10, 0, 0, 0, 20, 0, 0, 0}
	e.want("setgroups", e.sys(abi.SYS_SETGROUPS, 2, e.addr(groups)), 0)
	e.want("setresgid", e.sys(abi.SYS_SETRESGID, 5, 6, 7), 0)
	s = e.cat("/proc/1/status")
	for _, l := range []string{"\nUmask:\t0077\n", "\nGid:\t5\t6\t7\t6\n", "\nGroups:\t10 20 \n"} {
		if !strings.Contains(s, l) {
			t.Errorf("status lacks %q:\n%s", l, s)
		}
	}
}

func TestProcPidFiles(t *testing.T) {
	e := newProcEnv(t)
	stat := e.cat("/proc/1/stat")
	if f := strings.Fields(stat); len(f) != 52 || !strings.HasPrefix(stat, "1 (host1) R 0 0 0 0 -1 ") || !strings.HasSuffix(stat, " 0\n") {
		t.Errorf("stat has %d fields: %q", len(f), stat)
	}
	lim := e.cat("/proc/self/limits")
	for _, l := range []string{
		"Limit                     Soft Limit           Hard Limit           Units     \n",
		"Max open files            1024                 4096                 files     \n",
		"Max cpu time              unlimited            unlimited            seconds   \n",
		fmt.Sprintf("%-25s %-20s %-20s \n", "Max nice priority", limit(e.k.Init().Rlimit(abi.RLIMIT_NICE).Cur), limit(e.k.Init().Rlimit(abi.RLIMIT_NICE).Max)),
	} {
		if !strings.Contains(lim, l) {
			t.Errorf("limits lack %q:\n%s", l, lim)
		}
	}
	if s := e.cat("/proc/self/comm"); s != "host1\n" {
		t.Errorf("comm %q", s)
	}
	fd := e.open("/proc/self/comm", abi.O_WRONLY)
	e.want("write comm", e.write(fd, "0123456789abcdefghij"), 20)
	if s := e.cat("/proc/self/comm"); s != "0123456789abcde\n" {
		t.Errorf("comm after write %q", s)
	}
	if !strings.HasPrefix(e.cat("/proc/1/status"), "Name:\t0123456789abcde\n") {
		t.Errorf("status Name does not follow comm")
	}
	if s := e.cat("/proc/self/cmdline") + e.cat("/proc/self/environ"); s != "" {
		t.Errorf("cmdline and environ %q", s)
	}
	if _, r := e.readlink("/proc/self/exe"); r != errno(abi.ENOENT) {
		t.Errorf("readlink exe = %d", r)
	}
	if m := e.cat("/proc/self/mounts"); m != "rootfs / tmpfs rw 0 0\ndevtmpfs /dev devtmpfs rw,relatime,mode=755 0 0\nnone /proc proc rw,relatime 0 0\n" {
		t.Errorf("mounts:\n%s", m)
	}
	if got := names(e.list("/proc/self")); strings.Join(got, " ") != "task fd fdinfo environ status limits comm cmdline stat cwd root exe mounts mountinfo" {
		t.Errorf("/proc/self lists %v", got)
	}
	st := e.stat("/proc/self/environ")
	if st.Mode != abi.S_IFREG|0400 || st.Size != 0 || st.Blksize != 1024 {
		t.Errorf("environ mode %o size %d blksize %d", st.Mode, st.Size, st.Blksize)
	}
}

func TestProcKernelFiles(t *testing.T) {
	e := newProcEnv(t)
	for path, want := range map[string]string{
		"/proc/version":                 "Linux version 6.6.0-liblinux (liblinux) #1 SMP PREEMPT liblinux\n",
		"/proc/cmdline":                 "mem=32M\n",
		"/proc/sys/kernel/ostype":       "Linux\n",
		"/proc/sys/kernel/osrelease":    "6.6.0-liblinux\n",
		"/proc/sys/kernel/version":      "#1 SMP PREEMPT liblinux\n",
		"/proc/sys/kernel/hostname":     "(none)\n",
		"/proc/sys/kernel/domainname":   "(none)\n",
		"/proc/sys/kernel/cap_last_cap": "40\n",
		"/proc/sys/fs/pipe-max-size":    "1048576\n",
		"/proc/sys/fs/nr_open":          "1048576\n",
		"/proc/sys/fs/file-max":         "8192\n",
	} {
		if got := e.cat(path); got != want {
			t.Errorf("%s = %q, want %q", path, got, want)
		}
	}
	mem := e.cat("/proc/meminfo")
	if !strings.HasPrefix(mem, "MemTotal:          32768 kB\nMemFree:        ") {
		t.Errorf("meminfo:\n%s", mem)
	}
	line := regexp.MustCompile(`^[A-Za-z_()]+: +[0-9]+ kB$`)
	for _, l := range strings.Split(strings.TrimSuffix(mem, "\n"), "\n") {
		if len(l) < 27 || !line.MatchString(l) || l[23:] != " kB" && len(l) == 26 {
			t.Errorf("meminfo line %q", l)
		}
	}
	fsl := e.cat("/proc/filesystems")
	for _, l := range []string{"nodev\ttmpfs\n", "nodev\tproc\n", "nodev\tsysfs\n", "nodev\tdevtmpfs\n"} {
		if !strings.Contains(fsl, l) {
			t.Errorf("filesystems lacks %q", l)
		}
	}
	if !regexp.MustCompile(`^[0-9]+\.[0-9]{2} [0-9]+\.[0-9]{2}\n$`).MatchString(e.cat("/proc/uptime")) {
		t.Errorf("uptime %q", e.cat("/proc/uptime"))
	}
	if !regexp.MustCompile(`^0\.00 0\.00 0\.00 1/1 1\n$`).MatchString(e.cat("/proc/loadavg")) {
		t.Errorf("loadavg %q", e.cat("/proc/loadavg"))
	}
	boot := e.cat("/proc/sys/kernel/random/boot_id")
	uuid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\n$`)
	if !uuid.MatchString(boot) || e.cat("/proc/sys/kernel/random/boot_id") != boot {
		t.Errorf("boot_id %q", boot)
	}
	if u := e.cat("/proc/sys/kernel/random/uuid"); !uuid.MatchString(u) || u == e.cat("/proc/sys/kernel/random/uuid") {
		t.Errorf("uuid %q", u)
	}
	if st := e.stat("/proc/sys/kernel"); st.Nlink != 1 || st.Mode != abi.S_IFDIR|0555 {
		t.Errorf("sysctl dir nlink %d mode %o", st.Nlink, st.Mode)
	}

	// Writing the host name, as root; read-only sysctls refuse writers.
	fd := e.open("/proc/sys/kernel/hostname", abi.O_WRONLY)
	e.want("write hostname", e.write(fd, "myhost\nignored"), 14)
	u := make([]byte, abi.SizeofUtsname)
	e.sys(abi.SYS_UNAME, e.addr(u))
	if got := strings.TrimRight(string(u[65:130]), "\x00"); got != "myhost" {
		t.Errorf("uname nodename %q", got)
	}
	if got := e.cat("/proc/sys/kernel/hostname"); got != "myhost\n" {
		t.Errorf("hostname %q", got)
	}
	e.want("open ostype for writing", e.sys(abi.SYS_OPENAT, atFDCWD, e.str("/proc/sys/kernel/ostype"), abi.O_WRONLY, 0), errno(abi.EACCES))
	// A non-root user cannot, even holding every capability.
	e.want("setresuid", e.sys(abi.SYS_SETRESUID, 1000, 1000, 1000), 0)
	e.want("capset would be needed; open as uid 1000", e.sys(abi.SYS_OPENAT, atFDCWD, e.str("/proc/sys/kernel/hostname"), abi.O_WRONLY, 0), errno(abi.EACCES))
	if got := e.cat("/proc/sys/kernel/hostname"); got != "myhost\n" {
		t.Errorf("hostname readable by anyone: %q", got)
	}
}

func limit(v uint64) string {
	if v == abi.RLIM_INFINITY {
		return "unlimited"
	}
	return strconv.FormatUint(v, 10)
}
