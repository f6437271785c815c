package procfs

import (
	"crypto/rand"
	"fmt"
	"sort"
	"strings"

	"liblinux/abi"
	"liblinux/kernel"
	"liblinux/kernel/pipe"
	"liblinux/kernel/vfs"
)

// sysctl is a /proc/sys entry: a directory of entries, or a value.
type sysctl struct {
	name     string
	mode     uint32 // permission bits of a value
	children []sysctl
	read     func() string
	write    func(s string) error // nil for a read-only value
}

// utsLen is __NEW_UTS_LEN: the longest host or domain name.
const utsLen = 64

// utsString parses a write to a uts string as proc_dostring does: up to
// the first newline or NUL, at most utsLen bytes.
func utsString(s string) string {
	if i := strings.IndexAny(s, "\n\x00"); i >= 0 {
		s = s[:i]
	}
	if len(s) > utsLen {
		s = s[:utsLen]
	}
	return s
}

// newUUID returns a random (version 4) UUID as /proc/sys/kernel/random
// shows it.
func newUUID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// sysTree is what /proc/sys holds.
func (fs *FS) sysTree() []sysctl {
	k := fs.k
	ro := func(name string, f func() string) sysctl { return sysctl{name: name, mode: 0444, read: f} }
	line := func(v any) func() string { return func() string { return fmt.Sprintln(v) } }
	fileMax := max(k.Mem.Limit()>>10/10, 8192)
	return []sysctl{
		{name: "fs", children: []sysctl{
			ro("file-max", line(fileMax)),
			ro("file-nr", func() string {
				open := 0
				for _, g := range k.Groups() {
					open += len(g.Files().Fds())
				}
				return fmt.Sprintf("%d\t0\t%d\n", open, fileMax)
			}),
			ro("nr_open", line(1<<20)),
			ro("pipe-max-size", line(pipe.MaxSize)),
		}},
		{name: "kernel", children: []sysctl{
			ro("cap_last_cap", line(abi.CAP_LAST_CAP)),
			{name: "domainname", mode: 0644,
				read:  func() string { _, d := k.Hostname(); return d + "\n" },
				write: func(s string) error { k.SetDomainname(utsString(s)); return nil }},
			{name: "hostname", mode: 0644,
				read:  func() string { h, _ := k.Hostname(); return h + "\n" },
				write: func(s string) error { k.SetHostname(utsString(s)); return nil }},
			ro("ngroups_max", line(65536)),
			ro("osrelease", line(kernel.Release)),
			ro("ostype", line("Linux")),
			ro("pid_max", line(4194304)),
			{name: "random", children: []sysctl{
				ro("boot_id", line(fs.bootID)),
				ro("uuid", func() string { return newUUID() + "\n" }),
			}},
			ro("version", line(kernel.Version)),
		}},
	}
}

// sysDir is /proc/sys.
func (fs *FS) sysDir() *dir { return fs.sysctlDir("sys", fs.sysTree(), rootIno) }

// sysctlDir makes the directory path holding ents. Sysctl directories
// have one link, as in Linux.
func (fs *FS) sysctlDir(path string, ents []sysctl, parent uint64) *dir {
	sort.Slice(ents, func(i, j int) bool { return ents[i].name < ents[j].name })
	ino := fs.staticIno(path)
	var list []entry
	for i, s := range ents {
		p := path + "/" + s.name
		e := entry{name: s.name, pos: int64(2 + i)}
		if s.children != nil {
			e.typ = abi.DT_DIR
			e.make = func() vfs.Inode { return fs.sysctlDir(p, s.children, ino) }
		} else {
			e.typ = abi.DT_REG
			e.make = func() vfs.Inode { return fs.sysctlFile(p, s) }
		}
		list = append(list, e)
	}
	return &dir{node: node{ino: ino, mode: abi.S_IFDIR | 0555, nlink: 1, time: fs.boot},
		list: func(vfs.Context) []entry { return list }, parent: parent}
}

// sysctlFile is one value. Opening it checks access as sysctl does, by
// the effective ids alone (uid 0 gets the owner bits, gid 0 the group
// bits), so capabilities do not let a non-root user write.
func (fs *FS) sysctlFile(path string, s sysctl) *file {
	f := &file{node: node{ino: fs.staticIno(path), mode: abi.S_IFREG | s.mode, time: fs.now()},
		gen: text(s.read)}
	if s.write != nil {
		f.write = func(_ vfs.Context, v string) error { return s.write(v) }
	}
	f.open = func(ctx vfs.Context, flags uint32) error {
		c := ctx.Creds()
		mode := s.mode
		switch {
		case c.EUID == 0:
			mode >>= 6
		case c.EGID == 0 || c.InGroup(0):
			mode >>= 3
		}
		want := uint32(0)
		if acc := flags & abi.O_ACCMODE; acc != abi.O_WRONLY {
			want |= 4
		}
		if acc := flags & abi.O_ACCMODE; acc != abi.O_RDONLY || flags&abi.O_TRUNC != 0 {
			want |= 2
		}
		if want&^mode&7 != 0 {
			return abi.EACCES
		}
		return nil
	}
	return f
}
