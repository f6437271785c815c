package procfs

import (
	"fmt"
	"strconv"
	"strings"

	"liblinux/abi"
	"liblinux/kernel/pipe"
	"liblinux/kernel/vfs"
)

// fdDir is /proc/<pid>/fd: a magic link per open descriptor, named by
// number and listed in descriptor order. Its size is the number of open
// descriptors, as in Linux.
func (fs *FS) fdDir(p proc, key string, n node) *dir {
	files := p.g.Files()
	n.size = int64(len(files.Fds()))
	d := &dir{node: n, parent: fs.groupIno(p.g, p.key)}
	d.list = func(vfs.Context) []entry {
		var ents []entry
		for _, fd := range files.Fds() {
			ents = append(ents, entry{name: strconv.Itoa(int(fd)), pos: 2 + int64(fd), typ: abi.DT_LNK,
				make: func() vfs.Inode { return fs.fdLink(p, key, fd) }})
		}
		return ents
	}
	d.lookup = func(ctx vfs.Context, name string) (vfs.Inode, error) {
		fd, ok := number(name)
		if !ok {
			return nil, abi.ENOENT
		}
		f, err := files.Get(fd)
		if err != nil {
			return nil, abi.ENOENT
		}
		f.DecRef()
		return fs.fdLink(p, key, fd), nil
	}
	return d
}

// fdLink is /proc/<pid>/fd/N. Its permission bits say how the file is
// open: r-x for reading, -wx for writing, rwx for both.
func (fs *FS) fdLink(p proc, key string, fd int32) vfs.Inode {
	uid, gid := owner(p.g)
	name := key + "/" + strconv.Itoa(int(fd))
	mode := uint32(abi.S_IFLNK)
	if f, err := p.g.Files().Get(fd); err == nil {
		if f.Readable() {
			mode |= 0500
		}
		if f.Writable() {
			mode |= 0300
		}
		f.DecRef()
	}
	l := &magicLink{link: link{node: node{ino: fs.groupIno(p.g, name), mode: mode, uid: uid, gid: gid, size: 64, time: fs.now()}}}
	l.target = func(ctx vfs.Context) (string, error) {
		f, err := fs.fdFile(ctx, p, fd)
		if err != nil {
			return "", err
		}
		defer f.DecRef()
		return fs.fileName(ctx, f), nil
	}
	l.follow = func(ctx vfs.Context) (vfs.Path, error) {
		f, err := fs.fdFile(ctx, p, fd)
		if err != nil {
			return vfs.Path{}, err
		}
		defer f.DecRef()
		return fs.filePath(f), nil
	}
	return l
}

// fdFile returns the file open as fd in p, if the caller may see it.
func (fs *FS) fdFile(ctx vfs.Context, p proc, fd int32) (*vfs.File, error) {
	if err := mayTrace(ctx, p.g); err != nil {
		return nil, err
	}
	f, err := p.g.Files().Get(fd)
	if err != nil {
		return nil, abi.ENOENT
	}
	return f, nil
}

// pipeOf returns the pipe behind f, if f is a pipe end.
func pipeOf(f *vfs.File) (*pipe.Pipe, bool) {
	if pe, ok := f.Ops().(interface{ PipeEnd() *pipe.End }); ok {
		return pe.PipeEnd().P, true
	}
	return nil, false
}

// fileName is the text of an fd link: the path, "pipe:[ino]" for a pipe
// (one reopened through /proc too), "anon_inode:[name]" for other files
// that are not in the tree.
func (fs *FS) fileName(ctx vfs.Context, f *vfs.File) string {
	p := f.Path()
	if p.D != nil {
		if _, ok := p.D.Inode().(*pipe.Inode); ok {
			a := p.D.Attr()
			return fmt.Sprintf("pipe:[%d]", a.Ino)
		}
		return fs.pathText(ctx, p)
	}
	a, _ := f.Attr()
	if _, ok := pipeOf(f); ok {
		return fmt.Sprintf("pipe:[%d]", a.Ino)
	}
	name := "[unknown]"
	if n, ok := f.Ops().(interface{ AnonName() string }); ok {
		name = n.AnonName()
	}
	return "anon_inode:" + name
}

// filePath is where following an fd link lands: the file's own dentry,
// or for a file with none a detached one: a pipe's, which opens the same
// pipe again, or an anonymous inode's, which cannot be opened (ENXIO).
func (fs *FS) filePath(f *vfs.File) vfs.Path {
	if p := f.Path(); p.D != nil {
		return p
	}
	a, err := f.Attr()
	if err != nil {
		a = vfs.Attr{Mode: 0600, Nlink: 1}
	}
	if pp, ok := pipeOf(f); ok {
		return fs.internalMount("pipefs").DetachedPath(fmt.Sprintf("pipe:[%d]", a.Ino), &pipe.Inode{P: pp, A: a})
	}
	return fs.internalMount("anon_inodefs").DetachedPath(fs.fileName(nil, f), &anonInode{node: node{ino: a.Ino, mode: a.Mode, uid: a.UID, gid: a.GID, time: a.Mtime}})
}

// anonInode is a file that has no name and cannot be opened by one
// (eventpoll, eventfd, ...), as /proc/<pid>/fd/N reaches it.
type anonInode struct{ node }

// Open implements vfs.Inode: ENXIO, as Linux's anonymous inodes.
func (a *anonInode) Open(vfs.Context, uint32) (vfs.FileOps, error) { return nil, abi.ENXIO }

// internalType is the type of procfs's internal superblocks.
type internalType string

func (t internalType) Name() string { return string(t) }
func (t internalType) NoDev() bool  { return true }
func (t internalType) Mount(vfs.Context, *vfs.VFS, string, uint64, string) (*vfs.Superblock, error) {
	return nil, abi.ENODEV
}

// internalMount returns the unattached mount of pipefs or anon_inodefs
// that detached paths of such files live on. Pipes keep the device number
// fstat(2) reports for them.
func (fs *FS) internalMount(name string) *vfs.Mount {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if m, ok := fs.internal[name]; ok {
		return m
	}
	sb := fs.k.VFS.NewSuperblock(internalType(name), &anonInode{node: node{ino: 1, mode: abi.S_IFDIR | 0700, time: fs.boot}}, nil)
	if name == "pipefs" {
		sb.Dev = fs.k.PipeDev()
	}
	m := fs.k.VFS.InternalMount(sb)
	fs.internal[name] = m
	return m
}

// fdinfoDir is /proc/<pid>/fdinfo: a file per open descriptor.
func (fs *FS) fdinfoDir(p proc, key string, n node) *dir {
	files := p.g.Files()
	uid, gid := owner(p.g)
	info := func(fd int32) vfs.Inode {
		return &file{
			node: node{ino: fs.groupIno(p.g, key+"/"+strconv.Itoa(int(fd))), mode: abi.S_IFREG | 0444, uid: uid, gid: gid, time: fs.now()},
			gen:  func(ctx vfs.Context) (string, error) { return fs.fdinfo(ctx, p, fd) },
			open: func(ctx vfs.Context, flags uint32) error { return mayTrace(ctx, p.g) },
		}
	}
	d := &dir{node: n, parent: fs.groupIno(p.g, p.key)}
	d.list = func(vfs.Context) []entry {
		var ents []entry
		for _, fd := range files.Fds() {
			ents = append(ents, entry{name: strconv.Itoa(int(fd)), pos: 2 + int64(fd), typ: abi.DT_REG,
				make: func() vfs.Inode { return info(fd) }})
		}
		return ents
	}
	d.lookup = func(ctx vfs.Context, name string) (vfs.Inode, error) {
		fd, ok := number(name)
		if !ok {
			return nil, abi.ENOENT
		}
		f, err := files.Get(fd)
		if err != nil {
			return nil, abi.ENOENT
		}
		f.DecRef()
		return info(fd), nil
	}
	return d
}

// fdinfo is /proc/<pid>/fdinfo/N: the position, the status flags in octal
// with O_CLOEXEC for a close-on-exec descriptor, the mount id and inode
// number, then what the file adds (an FDInfo() string method: epoll's
// tfd lines, eventfd's count, ...).
func (fs *FS) fdinfo(ctx vfs.Context, p proc, fd int32) (string, error) {
	f, cloexec, err := p.g.Files().GetFlags(fd)
	if err != nil {
		return "", abi.ENOENT
	}
	defer f.DecRef()
	pos := int64(-1)
	if sf, ok := f.Ops().(*seqFile); ok {
		// A procfs file being read has its position held by that read
		// (this very read, for fdinfo of its own descriptor).
		pos = sf.reading.Load() - 1
	}
	if pos < 0 {
		if pos, err = f.Seek(ctx, 0, abi.SEEK_CUR); err != nil {
			pos = 0
		}
	}
	flags := f.Flags()
	if cloexec {
		flags |= abi.O_CLOEXEC
	}
	a, _ := f.Attr()
	var b strings.Builder
	fmt.Fprintf(&b, "pos:\t%d\nflags:\t0%o\nmnt_id:\t%d\nino:\t%d\n", pos, flags, fs.filePath(f).Mnt.ID, a.Ino)
	if x, ok := f.Ops().(interface{ FDInfo() string }); ok {
		b.WriteString(x.FDInfo())
	}
	return b.String(), nil
}
