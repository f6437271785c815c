package procfs

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"liblinux/abi"
	"liblinux/kernel"
	"liblinux/kernel/vfs"
)

// pidPos is the readdir offset of /proc/<pid> less the pid: processes are
// listed after the fixed entries, in pid order, and a listing resumes at
// the next pid even when processes came and went in between.
const pidPos = 256

// staticFile makes a read-only file outside /proc/<pid>.
func (fs *FS) staticFile(path string, gen func(ctx vfs.Context) (string, error)) *file {
	return &file{node: node{ino: fs.staticIno(path), mode: abi.S_IFREG | 0444, time: fs.boot}, gen: gen}
}

// text adapts a generator that cannot fail.
func text(f func() string) func(vfs.Context) (string, error) {
	return func(vfs.Context) (string, error) { return f(), nil }
}

// rootDir is /proc.
func (fs *FS) rootDir() *dir {
	k := fs.k
	fixed := []entry{
		{name: "sys", typ: abi.DT_DIR, make: func() vfs.Inode { return fs.sysDir() }},
		{name: "stat", typ: abi.DT_REG, make: func() vfs.Inode { return fs.staticFile("stat", text(fs.stat)) }},
		{name: "mounts", typ: abi.DT_LNK, make: func() vfs.Inode {
			return &link{node: node{ino: fs.staticIno("mounts"), mode: abi.S_IFLNK | 0777, size: int64(len("self/mounts")), time: fs.boot},
				target: func(vfs.Context) (string, error) { return "self/mounts", nil }}
		}},
		{name: "uptime", typ: abi.DT_REG, make: func() vfs.Inode { return fs.staticFile("uptime", text(fs.uptime)) }},
		{name: "cmdline", typ: abi.DT_REG, make: func() vfs.Inode {
			return fs.staticFile("cmdline", text(func() string { return k.Cmdline.Raw + "\n" }))
		}},
		{name: "loadavg", typ: abi.DT_REG, make: func() vfs.Inode { return fs.staticFile("loadavg", text(fs.loadavg)) }},
		{name: "meminfo", typ: abi.DT_REG, make: func() vfs.Inode { return fs.staticFile("meminfo", text(fs.meminfo)) }},
		{name: "version", typ: abi.DT_REG, make: func() vfs.Inode {
			return fs.staticFile("version", text(func() string {
				return fmt.Sprintf("Linux version %s (liblinux) %s\n", kernel.Release, kernel.Version)
			}))
		}},
		{name: "filesystems", typ: abi.DT_REG, make: func() vfs.Inode { return fs.staticFile("filesystems", text(fs.filesystems)) }},
		{name: "self", typ: abi.DT_LNK, make: func() vfs.Inode {
			return &link{node: node{ino: fs.staticIno("self"), mode: abi.S_IFLNK | 0777, time: fs.boot},
				target: func(ctx vfs.Context) (string, error) {
					if t := caller(ctx); t != nil {
						return strconv.Itoa(int(t.Group().PID)), nil
					}
					return "", abi.ENOENT
				}}
		}},
		{name: "thread-self", typ: abi.DT_LNK, make: func() vfs.Inode {
			return &link{node: node{ino: fs.staticIno("thread-self"), mode: abi.S_IFLNK | 0777, time: fs.boot},
				target: func(ctx vfs.Context) (string, error) {
					if t := caller(ctx); t != nil {
						return fmt.Sprintf("%d/task/%d", t.Group().PID, t.TID), nil
					}
					return "", abi.ENOENT
				}}
		}},
	}
	for i := range fixed {
		fixed[i].pos = int64(2 + i)
	}
	d := &dir{node: node{ino: rootIno, mode: abi.S_IFDIR | 0555, time: fs.boot}, parent: rootIno}
	d.list = func(vfs.Context) []entry {
		groups := k.Groups()
		sort.Slice(groups, func(i, j int) bool { return groups[i].PID < groups[j].PID })
		ents := append([]entry(nil), fixed...)
		for _, g := range groups {
			ents = append(ents, entry{name: strconv.Itoa(int(g.PID)), pos: pidPos + int64(g.PID), typ: abi.DT_DIR,
				make: func() vfs.Inode { return fs.pidDir(g, nil) }})
		}
		return ents
	}
	d.lookup = func(ctx vfs.Context, name string) (vfs.Inode, error) {
		if n, ok := number(name); ok {
			if g := k.Group(n); g != nil {
				return fs.pidDir(g, nil), nil
			}
			// A thread that leads no process is found by its tid,
			// though not listed (as in Linux).
			if t := k.Task(n); t != nil {
				return fs.pidDir(t.Group(), t), nil
			}
			return nil, abi.ENOENT
		}
		for _, e := range fixed {
			if e.name == name {
				return e.make(), nil
			}
		}
		return nil, abi.ENOENT
	}
	d.nlink = 2 + subdirs(fixed)
	return d
}

// uptime is /proc/uptime: seconds since boot and idle seconds (the one
// CPU's idle time is not measured: it reads as 0).
func (fs *FS) uptime() string {
	up := fs.k.Uptime()
	return fmt.Sprintf("%d.%02d 0.00\n", up/1e9, up%1e9/1e7)
}

// loadavg is /proc/loadavg: no run-queue averages are kept (0.00), the
// running and total task counts, and the last pid handed out.
func (fs *FS) loadavg() string {
	last := int32(0)
	for _, g := range fs.k.Groups() {
		last = max(last, g.PID)
	}
	return fmt.Sprintf("0.00 0.00 0.00 1/%d %d\n", fs.k.TaskCount(), last)
}

// stat is /proc/stat for one CPU whose time is not accounted.
func (fs *FS) stat() string {
	var b strings.Builder
	cpu := " 0 0 0 0 0 0 0 0 0 0\n"
	b.WriteString("cpu " + cpu + "cpu0" + cpu)
	b.WriteString("intr 0\nctxt 0\n")
	fmt.Fprintf(&b, "btime %d\n", fs.boot.Sec)
	fmt.Fprintf(&b, "processes %d\nprocs_running 1\nprocs_blocked 0\n", len(fs.k.Groups()))
	b.WriteString("softirq 0 0 0 0 0 0 0 0 0 0 0\n")
	return b.String()
}

// meminfo is /proc/meminfo: the memory the kernel may use (mem=) and what
// its page allocator has handed out, which is file data (tmpfs, pipes).
func (fs *FS) meminfo() string {
	total, used := fs.k.Mem.Limit()>>10, fs.k.Mem.Used()>>10
	free := total - used
	var b strings.Builder
	kb := func(name string, v int64) { fmt.Fprintf(&b, "%-16s%8d kB\n", name+":", v) }
	kb("MemTotal", total)
	kb("MemFree", free)
	kb("MemAvailable", free)
	kb("Buffers", 0)
	kb("Cached", used)
	kb("SwapCached", 0)
	kb("Active", 0)
	kb("Inactive", 0)
	kb("Active(anon)", 0)
	kb("Inactive(anon)", 0)
	kb("Active(file)", 0)
	kb("Inactive(file)", 0)
	kb("Unevictable", 0)
	kb("Mlocked", 0)
	kb("SwapTotal", 0)
	kb("SwapFree", 0)
	kb("Dirty", 0)
	kb("Writeback", 0)
	kb("AnonPages", 0)
	kb("Mapped", 0)
	kb("Shmem", used)
	kb("KReclaimable", 0)
	kb("Slab", 0)
	kb("SReclaimable", 0)
	kb("SUnreclaim", 0)
	kb("KernelStack", 0)
	kb("PageTables", 0)
	kb("NFS_Unstable", 0)
	kb("Bounce", 0)
	kb("WritebackTmp", 0)
	kb("CommitLimit", total/2)
	kb("Committed_AS", used)
	kb("VmallocTotal", 0)
	kb("VmallocUsed", 0)
	kb("VmallocChunk", 0)
	kb("Percpu", 0)
	return b.String()
}

// filesystems is /proc/filesystems: "nodev" for types that need no block
// device, a tab, the name.
func (fs *FS) filesystems() string {
	var b strings.Builder
	for _, t := range fs.k.VFS.FilesystemTypes() {
		if t.NoDev() {
			b.WriteString("nodev")
		}
		fmt.Fprintf(&b, "\t%s\n", t.Name())
	}
	return b.String()
}
