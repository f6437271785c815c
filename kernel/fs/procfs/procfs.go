// Package procfs is the proc filesystem (proc(5)): process and kernel
// information generated when read. Files are snapshots taken at open, as
// Linux's seq_file files are per read; directories list what exists at
// the time of the call.
//
// Lock order: procfs holds its own FS.mu only around the inode-number map
// (a leaf); it reads kernel state through the kernel's accessors.
package procfs

import (
	"fmt"
	"strconv"
	"strings"
	"sync"

	"liblinux/abi"
	"liblinux/kernel"
	"liblinux/kernel/usermem"
	"liblinux/kernel/vfs"
)

// Type is the "proc" filesystem type of kernel K.
type Type struct{ K *kernel.Kernel }

// Name implements vfs.FilesystemType.
func (t *Type) Name() string { return "proc" }

// NoDev implements vfs.FilesystemType.
func (t *Type) NoDev() bool { return true }

// FS is one proc instance.
type FS struct {
	k    *kernel.Kernel
	boot vfs.Time

	mu   sync.Mutex
	inos map[string]uint64 // path -> inode number; protected by mu
}

// Mount implements vfs.FilesystemType.
func (t *Type) Mount(ctx vfs.Context, v *vfs.VFS, source string, flags uint64, data string) (*vfs.Superblock, error) {
	fs := &FS{k: t.K, inos: map[string]uint64{"": 1}, boot: vfs.TimeFromNanos(t.K.BootTime)}
	sb := v.NewSuperblock(t, fs.rootDir(), nil)
	sb.Source = source
	sb.FS = fs
	sb.Opts = "rw,nosuid,nodev,noexec,relatime"
	return sb, nil
}

func (fs *FS) ino(path string) uint64 {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if n, ok := fs.inos[path]; ok {
		return n
	}
	n := uint64(len(fs.inos) + 1)
	fs.inos[path] = n
	return n
}

// node is what every procfs inode shares.
type node struct {
	vfs.InodeDefaults
	fs   *FS
	path string
	mode uint32
}

func (n *node) Attr() vfs.Attr {
	nlink := uint32(1)
	if n.mode&abi.S_IFMT == abi.S_IFDIR {
		nlink = 2
	}
	t := n.fs.boot
	return vfs.Attr{Ino: n.fs.ino(n.path), Mode: n.mode, Nlink: nlink, Blksize: 1024, Atime: t, Mtime: t, Ctime: t}
}

// entry is a name in a procfs directory and how to make its inode.
type entry struct {
	name string
	make func() vfs.Inode
}

// dir is a procfs directory whose listing is computed per call.
type dir struct {
	node
	list func(ctx vfs.Context) []entry
}

func (fs *FS) newDir(path string, list func(vfs.Context) []entry) *dir {
	return &dir{node: node{fs: fs, path: path, mode: abi.S_IFDIR | 0555}, list: list}
}

// DynamicDir implements vfs.Dynamic: listings change without the VFS.
func (d *dir) DynamicDir() {}

func (d *dir) Lookup(ctx vfs.Context, name string) (vfs.Inode, error) {
	for _, e := range d.list(ctx) {
		if e.name == name {
			return e.make(), nil
		}
	}
	return nil, abi.ENOENT
}

func (d *dir) ReadDir(ctx vfs.Context, off int64, emit func(vfs.Dirent) bool) error {
	a := d.Attr()
	ents := []vfs.Dirent{{Name: ".", Ino: a.Ino, Type: abi.DT_DIR}, {Name: "..", Ino: a.Ino, Type: abi.DT_DIR}}
	for _, e := range d.list(ctx) {
		ia := e.make().Attr()
		ents = append(ents, vfs.Dirent{Name: e.name, Ino: ia.Ino, Type: uint8(ia.Mode & abi.S_IFMT >> 12)})
	}
	for i := int(off); i < len(ents); i++ {
		ents[i].Next = int64(i + 1)
		if !emit(ents[i]) {
			break
		}
	}
	return nil
}

func (d *dir) Open(ctx vfs.Context, flags uint32) (vfs.FileOps, error) { return vfs.DirFile{}, nil }

// file is a procfs file with generated contents.
type file struct {
	node
	gen   func(ctx vfs.Context) string
	write func(ctx vfs.Context, s string) error
}

func (fs *FS) newFile(path string, mode uint32, gen func(vfs.Context) string, write func(vfs.Context, string) error) *file {
	return &file{node: node{fs: fs, path: path, mode: abi.S_IFREG | mode}, gen: gen, write: write}
}

func (f *file) Open(ctx vfs.Context, flags uint32) (vfs.FileOps, error) {
	return &snapshot{f: f, data: []byte(f.gen(ctx))}, nil
}

// snapshot is an open procfs file: the contents as of open.
type snapshot struct {
	f    *file
	data []byte
}

func (s *snapshot) Read(ctx vfs.Context, dst *usermem.IO, off int64) (int, error) {
	if off >= int64(len(s.data)) {
		return 0, nil
	}
	return dst.CopyOut(0, s.data[off:])
}

func (s *snapshot) Write(ctx vfs.Context, src *usermem.IO, off int64) (int, error) {
	if s.f.write == nil {
		return 0, abi.EINVAL
	}
	b := make([]byte, min(src.Len(), 4096))
	n, err := src.CopyIn(0, b)
	if err != nil {
		return 0, err
	}
	if err := s.f.write(ctx, strings.TrimSuffix(string(b[:n]), "\n")); err != nil {
		return 0, err
	}
	return n, nil
}

func (s *snapshot) Release() {}

// link is a procfs symlink whose target is computed per call.
type link struct {
	node
	target func(ctx vfs.Context) (string, error)
}

func (fs *FS) newLink(path string, target func(vfs.Context) (string, error)) *link {
	return &link{node: node{fs: fs, path: path, mode: abi.S_IFLNK | 0777}, target: target}
}

func (l *link) Readlink(ctx vfs.Context) (string, error) { return l.target(ctx) }

// caller returns the calling task, if the context is one.
func caller(ctx vfs.Context) *kernel.Task {
	t, _ := ctx.(*kernel.Task)
	return t
}

func (fs *FS) rootDir() *dir {
	k := fs.k
	static := func(name string, gen func(vfs.Context) string) entry {
		return entry{name, func() vfs.Inode { return fs.newFile(name, 0444, gen, nil) }}
	}
	return fs.newDir("", func(ctx vfs.Context) []entry {
		var ents []entry
		for _, g := range k.Groups() {
			g := g
			name := strconv.Itoa(int(g.PID))
			ents = append(ents, entry{name, func() vfs.Inode { return fs.pidDir(g) }})
		}
		ents = append(ents,
			entry{"self", func() vfs.Inode {
				return fs.newLink("self", func(ctx vfs.Context) (string, error) {
					if t := caller(ctx); t != nil {
						return strconv.Itoa(int(t.Group().PID)), nil
					}
					return "", abi.ENOENT
				})
			}},
			entry{"mounts", func() vfs.Inode {
				return fs.newLink("mounts", func(vfs.Context) (string, error) { return "self/mounts", nil })
			}},
			static("version", func(vfs.Context) string {
				return fmt.Sprintf("Linux version %s (liblinux) %s\n", kernel.Release, kernel.Version)
			}),
			static("cmdline", func(vfs.Context) string { return k.Cmdline.Raw + "\n" }),
			static("uptime", func(vfs.Context) string {
				up := k.Uptime()
				return fmt.Sprintf("%d.%02d 0.00\n", up/1e9, up%1e9/1e7)
			}),
			static("meminfo", func(vfs.Context) string {
				total, used := k.Mem.Limit()>>10, k.Mem.Used()>>10
				return fmt.Sprintf("MemTotal:       %8d kB\nMemFree:        %8d kB\nMemAvailable:   %8d kB\nShmem:          %8d kB\n",
					total, total-used, total-used, used)
			}),
			static("filesystems", func(vfs.Context) string {
				var b strings.Builder
				for _, t := range k.VFS.FilesystemTypes() {
					if t.NoDev() {
						b.WriteString("nodev")
					}
					fmt.Fprintf(&b, "\t%s\n", t.Name())
				}
				return b.String()
			}),
			entry{"sys", func() vfs.Inode { return fs.sysDir() }},
		)
		return ents
	})
}

func (fs *FS) sysDir() *dir {
	k := fs.k
	return fs.newDir("sys", func(vfs.Context) []entry {
		return []entry{{"kernel", func() vfs.Inode {
			return fs.newDir("sys/kernel", func(vfs.Context) []entry {
				return []entry{
					{"hostname", func() vfs.Inode {
						return fs.newFile("sys/kernel/hostname", 0644,
							func(vfs.Context) string { h, _ := k.Hostname(); return h + "\n" },
							func(ctx vfs.Context, s string) error {
								if !ctx.Creds().HasCap(abi.CAP_SYS_ADMIN) {
									return abi.EPERM
								}
								if len(s) > 64 {
									return abi.EINVAL
								}
								k.SetHostname(s)
								return nil
							})
					}},
					{"ostype", func() vfs.Inode {
						return fs.newFile("sys/kernel/ostype", 0444, func(vfs.Context) string { return "Linux\n" }, nil)
					}},
					{"osrelease", func() vfs.Inode {
						return fs.newFile("sys/kernel/osrelease", 0444, func(vfs.Context) string { return kernel.Release + "\n" }, nil)
					}},
				}
			})
		}}}
	})
}
