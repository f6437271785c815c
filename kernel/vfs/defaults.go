package vfs

import (
	"liblinux/abi"
	"liblinux/kernel/usermem"
)

// InodeDefaults answers every Inode method the way Linux does for an inode
// whose type lacks the operation. Embed it and override what the type has.
type InodeDefaults struct{}

// SetAttr: EPERM, as for an inode whose attributes cannot change.
func (InodeDefaults) SetAttr(Context, *SetAttr) error { return abi.EPERM }

// Lookup: ENOTDIR (not a directory).
func (InodeDefaults) Lookup(Context, string) (Inode, error) { return nil, abi.ENOTDIR }

// Create: ENOTDIR.
func (InodeDefaults) Create(Context, string, CreateOpts) (Inode, error) { return nil, abi.ENOTDIR }

// Mkdir: ENOTDIR.
func (InodeDefaults) Mkdir(Context, string, CreateOpts) (Inode, error) { return nil, abi.ENOTDIR }

// Symlink: ENOTDIR.
func (InodeDefaults) Symlink(Context, string, string, CreateOpts) (Inode, error) {
	return nil, abi.ENOTDIR
}

// Link: ENOTDIR.
func (InodeDefaults) Link(Context, string, Inode) error { return abi.ENOTDIR }

// Unlink: ENOTDIR.
func (InodeDefaults) Unlink(Context, string) error { return abi.ENOTDIR }

// Rmdir: ENOTDIR.
func (InodeDefaults) Rmdir(Context, string) error { return abi.ENOTDIR }

// Rename: ENOTDIR.
func (InodeDefaults) Rename(Context, string, Inode, string, uint32) error { return abi.ENOTDIR }

// ReadDir: ENOTDIR, as getdents64 on a non-directory.
func (InodeDefaults) ReadDir(Context, int64, func(Dirent) bool) error { return abi.ENOTDIR }

// Readlink: EINVAL, as readlink(2) on a non-symlink.
func (InodeDefaults) Readlink(Context) (string, error) { return "", abi.EINVAL }

// Open: ENXIO, as for a device with no driver.
func (InodeDefaults) Open(Context, uint32) (FileOps, error) { return nil, abi.ENXIO }

// DirFile is the FileOps of an open directory: reads give EISDIR and the
// listing comes from the inode's ReadDir.
type DirFile struct{}

// Read implements FileOps.Read: EISDIR.
func (DirFile) Read(Context, *usermem.IO, int64) (int, error) { return 0, abi.EISDIR }

// Write implements FileOps.Write (never reached: directories open read-only).
func (DirFile) Write(Context, *usermem.IO, int64) (int, error) { return 0, abi.EISDIR }

// Release implements FileOps.Release.
func (DirFile) Release() {}

// Fsync implements Syncer: directories have nothing to write back.
func (DirFile) Fsync(Context, bool) error { return nil }
