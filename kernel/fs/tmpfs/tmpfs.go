// Package tmpfs is the in-memory filesystem: the root filesystem of every
// liblinux kernel, and mountable anywhere with `mount -t tmpfs`. File data
// lives in pages from the kernel's page allocator (mm), so it counts
// against mem=, and each instance may be limited with size=.
//
// Lock order:
//
//	vfs Dentry.mu of a directory (held by the VFS around directory calls)
//	  inode.mu (one inode at a time, except Rename: see there)
//	    mm.Allocator.mu
package tmpfs

import (
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"

	"liblinux/abi"
	"liblinux/kernel/mm"
	"liblinux/kernel/vfs"
)

// Type is the "tmpfs" filesystem type.
type Type struct {
	Mem *mm.Allocator
}

// Name implements vfs.FilesystemType.
func (t *Type) Name() string { return "tmpfs" }

// NoDev implements vfs.FilesystemType.
func (t *Type) NoDev() bool { return true }

// FS is one tmpfs instance.
type FS struct {
	mem      *mm.Allocator
	maxPages int64 // size= in pages; immutable
	pages    atomic.Int64
	inodes   atomic.Int64
	nextIno  atomic.Uint64
}

// Mount implements vfs.FilesystemType: options size=N[kmg%], mode=,
// uid=, gid= as tmpfs(5) describes.
func (t *Type) Mount(ctx vfs.Context, v *vfs.VFS, source string, flags uint64, data string) (*vfs.Superblock, error) {
	fs := &FS{mem: t.Mem, maxPages: t.Mem.Limit() / 2 / mm.PageSize}
	mode := uint32(01777)
	c := ctx.Creds()
	uid, gid := c.FSUID, c.FSGID
	var opts []string
	for _, o := range strings.Split(data, ",") {
		if o == "" {
			continue
		}
		k, val, _ := strings.Cut(o, "=")
		switch k {
		case "size":
			n, err := parseSize(val, t.Mem.Limit())
			if err != nil {
				return nil, err
			}
			fs.maxPages = (n + mm.PageSize - 1) / mm.PageSize
		case "mode":
			m, err := strconv.ParseUint(val, 8, 32)
			if err != nil || m > 07777 {
				return nil, abi.EINVAL
			}
			mode = uint32(m)
		case "uid", "gid":
			n, err := strconv.ParseUint(val, 10, 32)
			if err != nil {
				return nil, abi.EINVAL
			}
			if k == "uid" {
				uid = uint32(n)
			} else {
				gid = uint32(n)
			}
		case "nr_inodes", "huge", "mpol", "inode64", "inode32", "noswap":
		default:
			return nil, abi.EINVAL
		}
		opts = append(opts, o)
	}
	root := fs.newInode(ctx, vfs.CreateOpts{Mode: abi.S_IFDIR | mode, UID: uid, GID: gid})
	root.attr.Nlink = 2
	root.parent = root
	sb := v.NewSuperblock(t, root, fs.release)
	sb.Source = source
	sb.FS = fs
	sb.Opts = strings.Join(append([]string{"rw"}, opts...), ",")
	if flags&abi.MS_RDONLY != 0 {
		sb.Opts = "ro" + sb.Opts[2:]
	}
	return sb, nil
}

// parseSize parses a tmpfs size: bytes with an optional k, m, g suffix,
// or a percentage of memory.
func parseSize(s string, mem int64) (int64, error) {
	if s == "" {
		return 0, abi.EINVAL
	}
	mult := int64(1)
	switch s[len(s)-1] {
	case 'k', 'K':
		mult = 1 << 10
	case 'm', 'M':
		mult = 1 << 20
	case 'g', 'G':
		mult = 1 << 30
	case '%':
		n, err := strconv.ParseInt(s[:len(s)-1], 10, 64)
		if err != nil || n < 0 {
			return 0, abi.EINVAL
		}
		return mem * n / 100, nil
	}
	if mult != 1 {
		s = s[:len(s)-1]
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, abi.EINVAL
	}
	return n * mult, nil
}

// release frees the memory of every file when the last mount goes. Files
// still open keep their pages until closed.
func (fs *FS) release() {}

// Statfs reports the instance's usage (statfs(2)).
func (fs *FS) Statfs() abi.Statfs {
	return abi.Statfs{
		Type:    abi.TMPFS_MAGIC,
		Bsize:   mm.PageSize,
		Blocks:  fs.maxPages,
		Bfree:   fs.maxPages - fs.pages.Load(),
		Bavail:  fs.maxPages - fs.pages.Load(),
		Files:   fs.maxPages,
		Ffree:   fs.maxPages - fs.inodes.Load(),
		Namelen: vfs.NameMax,
		Frsize:  mm.PageSize,
	}
}

// allocPage takes a page for file data, within size= and mem=.
func (fs *FS) allocPage() ([]byte, error) {
	if fs.pages.Add(1) > fs.maxPages {
		fs.pages.Add(-1)
		return nil, abi.ENOSPC
	}
	p, err := fs.mem.AllocPage()
	if err != nil {
		fs.pages.Add(-1)
		return nil, abi.ENOSPC
	}
	return p, nil
}

func (fs *FS) freePage(p []byte) {
	fs.mem.FreePage(p)
	fs.pages.Add(-1)
}

func (fs *FS) String() string {
	return fmt.Sprintf("tmpfs(%d/%d pages)", fs.pages.Load(), fs.maxPages)
}
