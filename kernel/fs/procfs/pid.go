package procfs

import (
	"fmt"
	"strconv"
	"strings"

	"liblinux/abi"
	"liblinux/kernel"
	"liblinux/kernel/vfs"
)

// pidDir is /proc/<pid>.
func (fs *FS) pidDir(g *kernel.ThreadGroup) *dir {
	base := strconv.Itoa(int(g.PID))
	k := fs.k
	pathOf := func(p vfs.Path) string {
		s, _ := k.VFS.PathString(k.VFS.Root(), p)
		return s
	}
	return fs.newDir(base, func(vfs.Context) []entry {
		return []entry{
			{"status", func() vfs.Inode {
				return fs.newFile(base+"/status", 0444, func(vfs.Context) string { return status(g) }, nil)
			}},
			{"mounts", func() vfs.Inode {
				return fs.newFile(base+"/mounts", 0444, func(vfs.Context) string { return mounts(k, g) }, nil)
			}},
			{"cwd", func() vfs.Inode {
				return fs.newLink(base+"/cwd", func(vfs.Context) (string, error) { return pathOf(g.FS().Cwd()), nil })
			}},
			{"root", func() vfs.Inode {
				return fs.newLink(base+"/root", func(vfs.Context) (string, error) { return pathOf(g.FS().Root()), nil })
			}},
			{"fd", func() vfs.Inode { return fs.fdDir(g, base+"/fd") }},
		}
	})
}

func status(g *kernel.ThreadGroup) string {
	c := g.Creds()
	var b strings.Builder
	fmt.Fprintf(&b, "Name:\thost%d\nUmask:\t%04o\nState:\tS (sleeping)\nTgid:\t%d\nPid:\t%d\nPPid:\t%d\n",
		g.PID, g.FS().Umask(), g.PID, g.PID, g.PPID())
	fmt.Fprintf(&b, "Uid:\t%d\t%d\t%d\t%d\nGid:\t%d\t%d\t%d\t%d\n", c.UID, c.EUID, c.SUID, c.FSUID, c.GID, c.EGID, c.SGID, c.FSGID)
	fmt.Fprintf(&b, "FDSize:\t%d\nGroups:\t", max(64, len(g.Files().Fds())))
	for i, gr := range c.Groups {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprint(&b, gr)
	}
	fmt.Fprintf(&b, "\nCapInh:\t%016x\nCapPrm:\t%016x\nCapEff:\t%016x\n", c.CapInheritable, c.CapPermitted, c.CapEffective)
	return b.String()
}

func mounts(k *kernel.Kernel, g *kernel.ThreadGroup) string {
	var b strings.Builder
	for _, m := range k.VFS.Mounts(g.FS().Root()) {
		opts := m.Opts
		if opts == "" {
			opts = "rw"
		}
		if m.Flags&abi.MS_RDONLY != 0 && strings.HasPrefix(opts, "rw") {
			opts = "ro" + opts[2:]
		}
		fmt.Fprintf(&b, "%s %s %s %s 0 0\n", m.Source, escape(m.Point), m.Type, opts)
	}
	return b.String()
}

// escape writes space, tab, newline and backslash as octal escapes, as
// /proc/mounts does.
func escape(s string) string {
	r := strings.NewReplacer(" ", `\040`, "\t", `\011`, "\n", `\012`, `\`, `\134`)
	return r.Replace(s)
}

// fdDir is /proc/<pid>/fd: one symlink per open descriptor.
func (fs *FS) fdDir(g *kernel.ThreadGroup, path string) *dir {
	k := fs.k
	d := fs.newDir(path, func(vfs.Context) []entry {
		var ents []entry
		for _, fd := range g.Files().Fds() {
			fd := fd
			name := strconv.Itoa(int(fd))
			ents = append(ents, entry{name, func() vfs.Inode {
				return fs.newLink(path+"/"+name, func(vfs.Context) (string, error) {
					f, err := g.Files().Get(fd)
					if err != nil {
						return "", abi.ENOENT
					}
					defer f.DecRef()
					p := f.Path()
					if p.D == nil {
						a, _ := f.Attr()
						if a.Type() == abi.S_IFIFO {
							return fmt.Sprintf("pipe:[%d]", a.Ino), nil
						}
						return "anon_inode:" + anonName(f), nil
					}
					s, _ := k.VFS.PathString(k.VFS.Root(), p)
					return s, nil
				})
			}})
		}
		return ents
	})
	d.mode = abi.S_IFDIR | 0500
	return d
}

func anonName(f *vfs.File) string {
	if n, ok := f.Ops().(interface{ AnonName() string }); ok {
		return n.AnonName()
	}
	return "[file]"
}
