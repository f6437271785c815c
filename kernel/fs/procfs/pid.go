package procfs

import (
	"fmt"
	"strconv"
	"strings"

	"liblinux/abi"
	"liblinux/kernel"
	"liblinux/kernel/vfs"
)

// proc is what a /proc/<pid> or task directory shows: process g, seen
// through its thread t (nil when that thread is gone, for a process whose
// leader exited) with thread id tid.
type proc struct {
	g     *kernel.ThreadGroup
	t     *kernel.Task
	tid   int32
	key   string // path of the directory below /proc/<pid>, "" for /proc/<pid>
	group bool   // a process directory (with task/), not a thread's
}

// commLen is TASK_COMM_LEN less the NUL: the longest comm.
const commLen = 15

// comm returns the name of thread t (tid): what comm was set to, or
// "host<tid>", as liblinux names the task of a host thread.
func (fs *FS) comm(t *kernel.Task, tid int32) string {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if c, ok := fs.comms[t]; ok && t != nil {
		return c
	}
	return "host" + strconv.Itoa(int(tid))
}

// owner returns who owns a process's entries: its effective ids.
func owner(g *kernel.ThreadGroup) (uint32, uint32) {
	c := g.Creds()
	return c.EUID, c.EGID
}

// pidDir is /proc/<pid> of g when t is nil, or /proc/<tid> of a thread
// that leads no process.
func (fs *FS) pidDir(g *kernel.ThreadGroup, t *kernel.Task) *dir {
	if t == nil {
		return fs.procDir(proc{g: g, t: fs.k.Task(g.PID), tid: g.PID, group: true})
	}
	return fs.procDir(proc{g: g, t: t, tid: t.TID, key: "tid/" + strconv.Itoa(int(t.TID)), group: true})
}

// procDir is a process or thread directory.
func (fs *FS) procDir(p proc) *dir {
	uid, gid := owner(p.g)
	now := fs.now()
	sub := func(name string) string {
		if p.key == "" {
			return name
		}
		return p.key + "/" + name
	}
	mk := func(name string, mode uint32) node {
		return node{ino: fs.groupIno(p.g, sub(name)), mode: mode, uid: uid, gid: gid, time: now}
	}
	reg := func(name string, perm uint32, gen func(vfs.Context) (string, error), write func(vfs.Context, string) error) entry {
		return entry{name: name, typ: abi.DT_REG, make: func() vfs.Inode {
			return &file{node: mk(name, abi.S_IFREG|perm), gen: gen, write: write}
		}}
	}
	magic := func(name string, target func(vfs.Context) (string, error), follow func(vfs.Context) (vfs.Path, error)) entry {
		return entry{name: name, typ: abi.DT_LNK, make: func() vfs.Inode {
			return &magicLink{link: link{node: mk(name, abi.S_IFLNK|0777), target: target}, follow: follow}
		}}
	}
	var ents []entry
	if p.group {
		ents = append(ents, entry{name: "task", typ: abi.DT_DIR, make: func() vfs.Inode { return fs.taskDir(p, mk("task", abi.S_IFDIR|0555)) }})
	}
	ents = append(ents,
		entry{name: "fd", typ: abi.DT_DIR, make: func() vfs.Inode { return fs.fdDir(p, sub("fd"), mk("fd", abi.S_IFDIR|0500)) }},
		entry{name: "fdinfo", typ: abi.DT_DIR, make: func() vfs.Inode {
			return fs.fdinfoDir(p, sub("fdinfo"), mk("fdinfo", abi.S_IFDIR|0555))
		}},
		reg("environ", 0400, text(func() string { return "" }), nil),
		reg("status", 0444, func(ctx vfs.Context) (string, error) { return fs.status(ctx, p), nil }, nil),
		reg("limits", 0444, text(func() string { return limits(p.g) }), nil),
		reg("comm", 0644, text(func() string { return fs.comm(p.t, p.tid) + "\n" }), func(ctx vfs.Context, s string) error {
			if t := caller(ctx); t == nil || t.Group() != p.g || p.t == nil {
				return abi.EINVAL
			}
			if len(s) > commLen {
				s = s[:commLen]
			}
			fs.mu.Lock()
			fs.comms[p.t] = s
			fs.mu.Unlock()
			return nil
		}),
		reg("cmdline", 0444, text(func() string { return "" }), nil),
		reg("stat", 0444, func(ctx vfs.Context) (string, error) { return fs.statLine(ctx, p), nil }, nil),
		magic("cwd", func(ctx vfs.Context) (string, error) {
			return fs.fsLinkText(ctx, p.g, p.g.FS().Cwd())
		}, func(ctx vfs.Context) (vfs.Path, error) { return fs.fsLinkPath(ctx, p.g, p.g.FS().Cwd()) }),
		magic("root", func(ctx vfs.Context) (string, error) {
			return fs.fsLinkText(ctx, p.g, p.g.FS().Root())
		}, func(ctx vfs.Context) (vfs.Path, error) { return fs.fsLinkPath(ctx, p.g, p.g.FS().Root()) }),
		// No task runs a program: exe names nothing, as for a kernel
		// thread.
		magic("exe", func(vfs.Context) (string, error) { return "", abi.ENOENT },
			func(vfs.Context) (vfs.Path, error) { return vfs.Path{}, abi.ENOENT }),
		reg("mounts", 0444, text(func() string { return fs.mounts(p.g) }), nil),
		reg("mountinfo", 0444, text(func() string { return fs.mountinfo(p.g) }), nil),
	)
	for i := range ents {
		ents[i].pos = int64(2 + i)
	}
	d := &dir{node: mk("", abi.S_IFDIR|0555), list: func(vfs.Context) []entry { return ents }, parent: rootIno}
	d.nlink = 2 + subdirs(ents)
	return d
}

// taskDir is /proc/<pid>/task: a directory per thread.
func (fs *FS) taskDir(p proc, n node) *dir {
	k := fs.k
	thread := func(t *kernel.Task) vfs.Inode {
		return fs.procDir(proc{g: p.g, t: t, tid: t.TID, key: "task/" + strconv.Itoa(int(t.TID))})
	}
	d := &dir{node: n, parent: fs.groupIno(p.g, p.key)}
	d.list = func(vfs.Context) []entry {
		var ents []entry
		for _, t := range p.g.Tasks() {
			ents = append(ents, entry{name: strconv.Itoa(int(t.TID)), pos: pidPos + int64(t.TID), typ: abi.DT_DIR,
				make: func() vfs.Inode { return thread(t) }})
		}
		return ents
	}
	d.lookup = func(ctx vfs.Context, name string) (vfs.Inode, error) {
		if n, ok := number(name); ok {
			if t := k.Task(n); t != nil && t.Group() == p.g {
				return thread(t), nil
			}
		}
		return nil, abi.ENOENT
	}
	d.nlink = 2 + uint32(len(p.g.Tasks()))
	return d
}

// mayTrace is Linux's ptrace_may_access with PTRACE_MODE_READ_FSCREDS:
// whether the caller may follow or read a process's magic links. Its own
// process always; another with the same ids as the caller's fsuid and
// fsgid; any with CAP_SYS_PTRACE.
func mayTrace(ctx vfs.Context, g *kernel.ThreadGroup) error {
	if t := caller(ctx); t != nil && t.Group() == g {
		return nil
	}
	c, tc := ctx.Creds(), g.Creds()
	if c.FSUID == tc.UID && c.FSUID == tc.EUID && c.FSUID == tc.SUID &&
		c.FSGID == tc.GID && c.FSGID == tc.EGID && c.FSGID == tc.SGID {
		return nil
	}
	if c.HasCap(abi.CAP_SYS_PTRACE) {
		return nil
	}
	return abi.EACCES
}

// pathText is how /proc shows a location: its path from the caller's
// root (ending in " (deleted)" once it was unlinked).
func (fs *FS) pathText(ctx vfs.Context, p vfs.Path) string {
	root := fs.k.VFS.Root()
	if t := caller(ctx); t != nil {
		root = t.Group().FS().Root()
	}
	s, _ := fs.k.VFS.PathString(root, p)
	return s
}

// fsLinkText and fsLinkPath are cwd's and root's readlink and follow.
func (fs *FS) fsLinkText(ctx vfs.Context, g *kernel.ThreadGroup, p vfs.Path) (string, error) {
	if err := mayTrace(ctx, g); err != nil {
		return "", err
	}
	return fs.pathText(ctx, p), nil
}

func (fs *FS) fsLinkPath(ctx vfs.Context, g *kernel.ThreadGroup, p vfs.Path) (vfs.Path, error) {
	if err := mayTrace(ctx, g); err != nil {
		return vfs.Path{}, err
	}
	return p, nil
}

// fdTableSize is what FDSize: shows: the size the descriptor table has
// grown to (64 slots, doubled as needed).
func fdTableSize(g *kernel.ThreadGroup) int {
	n := 64
	fds := g.Files().Fds()
	if len(fds) > 0 {
		for int(fds[len(fds)-1]) >= n {
			n *= 2
		}
	}
	return n
}

// capMask is every capability: the bounding set.
const capMask = 1<<(abi.CAP_LAST_CAP+1) - 1

// status is /proc/<pid>/status, with Linux's fields in Linux's order.
// Tasks have no address space of their own, so the Vm* lines are absent,
// as for a kernel thread.
func (fs *FS) status(ctx vfs.Context, p proc) string {
	g := p.g
	c := g.Creds()
	state := "S (sleeping)"
	if t := caller(ctx); t != nil && t == p.t {
		state = "R (running)"
	}
	name := strings.NewReplacer("\\", `\\`, "\n", `\n`).Replace(fs.comm(p.t, p.tid))
	var b strings.Builder
	fmt.Fprintf(&b, "Name:\t%s\nUmask:\t%04o\nState:\t%s\n", name, g.FS().Umask(), state)
	fmt.Fprintf(&b, "Tgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\nTracerPid:\t0\n", g.PID, p.tid, g.PPID())
	fmt.Fprintf(&b, "Uid:\t%d\t%d\t%d\t%d\nGid:\t%d\t%d\t%d\t%d\n", c.UID, c.EUID, c.SUID, c.FSUID, c.GID, c.EGID, c.SGID, c.FSGID)
	fmt.Fprintf(&b, "FDSize:\t%d\nGroups:\t", fdTableSize(g))
	for i, gr := range c.Groups {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprint(&b, gr)
	}
	// Linux leaves a space after the groups.
	b.WriteString(" \n")
	fmt.Fprintf(&b, "NStgid:\t%d\nNSpid:\t%d\nNSpgid:\t0\nNSsid:\t0\nKthread:\t0\n", g.PID, p.tid)
	fmt.Fprintf(&b, "Threads:\t%d\n", len(g.Tasks()))
	fmt.Fprintf(&b, "SigQ:\t0/%d\n", g.Rlimit(abi.RLIMIT_SIGPENDING).Cur)
	for _, s := range []string{"SigPnd", "ShdPnd", "SigBlk", "SigIgn", "SigCgt"} {
		fmt.Fprintf(&b, "%s:\t%016x\n", s, 0)
	}
	fmt.Fprintf(&b, "CapInh:\t%016x\nCapPrm:\t%016x\nCapEff:\t%016x\nCapBnd:\t%016x\nCapAmb:\t%016x\n",
		c.CapInheritable, c.CapPermitted, c.CapEffective, uint64(capMask), 0)
	b.WriteString("NoNewPrivs:\t0\nSeccomp:\t0\nSeccomp_filters:\t0\n")
	b.WriteString("Speculation_Store_Bypass:\tunknown\nSpeculationIndirectBranch:\tunknown\n")
	b.WriteString("Cpus_allowed:\t1\nCpus_allowed_list:\t0\nMems_allowed:\t1\nMems_allowed_list:\t0\n")
	b.WriteString("voluntary_ctxt_switches:\t0\nnonvoluntary_ctxt_switches:\t0\n")
	return b.String()
}

// statLine is /proc/<pid>/stat: the 52 fields of proc(5), for a task with
// no address space whose times are not accounted.
func (fs *FS) statLine(ctx vfs.Context, p proc) string {
	state := "S"
	if t := caller(ctx); t != nil && t == p.t {
		state = "R"
	}
	itoa := func(n int) string { return strconv.Itoa(n) }
	f := []string{
		itoa(int(p.tid)), "(" + fs.comm(p.t, p.tid) + ")", state, itoa(int(p.g.PPID())),
		"0", "0", "0", "-1", "0", // pgrp session tty_nr tpgid flags
		"0", "0", "0", "0", // minflt cminflt majflt cmajflt
		"0", "0", "0", "0", // utime stime cutime cstime
		"20", "0", itoa(len(p.g.Tasks())), "0", "0", // priority nice num_threads itrealvalue starttime
		"0", "0", strconv.FormatUint(p.g.Rlimit(abi.RLIMIT_RSS).Cur, 10), // vsize rss rsslim
		"0", "0", "0", "0", "0", // startcode endcode startstack kstkesp kstkeip
		"0", "0", "0", "0", // signal blocked sigignore sigcatch
		"0", "0", "0", // wchan nswap cnswap
		"17", "0", "0", "0", "0", "0", "0", // exit_signal processor rt_priority policy delayacct_blkio_ticks guest_time cguest_time
		"0", "0", "0", "0", "0", "0", "0", // start_data end_data start_brk arg_start arg_end env_start env_end
		"0", // exit_code
	}
	return strings.Join(f, " ") + "\n"
}

// limits is /proc/<pid>/limits.
func limits(g *kernel.ThreadGroup) string {
	names := [abi.RLIM_NLIMITS][2]string{
		{"Max cpu time", "seconds"}, {"Max file size", "bytes"}, {"Max data size", "bytes"},
		{"Max stack size", "bytes"}, {"Max core file size", "bytes"}, {"Max resident set", "bytes"},
		{"Max processes", "processes"}, {"Max open files", "files"}, {"Max locked memory", "bytes"},
		{"Max address space", "bytes"}, {"Max file locks", "locks"}, {"Max pending signals", "signals"},
		{"Max msgqueue size", "bytes"}, {"Max nice priority", ""}, {"Max realtime priority", ""},
		{"Max realtime timeout", "us"},
	}
	val := func(v uint64) string {
		if v == abi.RLIM_INFINITY {
			return "unlimited"
		}
		return strconv.FormatUint(v, 10)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%-25s %-20s %-20s %-10s\n", "Limit", "Soft Limit", "Hard Limit", "Units")
	for i, n := range names {
		r := g.Rlimit(i)
		fmt.Fprintf(&b, "%-25s %-20s %-20s ", n[0], val(r.Cur), val(r.Max))
		if n[1] != "" {
			fmt.Fprintf(&b, "%-10s\n", n[1])
		} else {
			b.WriteString("\n")
		}
	}
	return b.String()
}

// mounts is /proc/<pid>/mounts: the mounts visible from g's root, as
// "source point type options 0 0".
func (fs *FS) mounts(g *kernel.ThreadGroup) string {
	var b strings.Builder
	for _, m := range fs.k.VFS.Mounts(g.FS().Root()) {
		fmt.Fprintf(&b, "%s %s %s %s 0 0\n", escape(m.Source), escape(m.Point), m.Type, m.Opts)
	}
	return b.String()
}

// mountinfo is /proc/<pid>/mountinfo (proc(5)): mount ID, parent ID,
// major:minor, root, mount point, per-mount options, no optional fields
// (liblinux's one namespace has no peer groups: every mount is private),
// the separator, type, source and superblock options.
func (fs *FS) mountinfo(g *kernel.ThreadGroup) string {
	var b strings.Builder
	for _, m := range fs.k.VFS.Mounts(g.FS().Root()) {
		major, minor := vfs.DecodeDev(m.Dev)
		fmt.Fprintf(&b, "%d %d %d:%d %s %s %s - %s %s %s\n", m.ID, m.ParentID, major, minor,
			escape(m.Root), escape(m.Point), m.MntOpts, escape(m.Type), escape(m.Source), m.SuperOpts)
	}
	return b.String()
}

// escape writes space, tab, newline and backslash as octal escapes, as
// /proc/mounts does.
func escape(s string) string {
	return strings.NewReplacer(" ", `\040`, "\t", `\011`, "\n", `\012`, `\`, `\134`).Replace(s)
}
