package tmpfs

import (
	"liblinux/abi"
	"liblinux/kernel/vfs"
)

// Memfd flags (memfd_create(2)).
const (
	MfdCloexec      = abi.MFD_CLOEXEC
	MfdAllowSealing = abi.MFD_ALLOW_SEALING
	MfdNoexecSeal   = abi.MFD_NOEXEC_SEAL
)

// NewMemfd makes the file of memfd_create(2): a regular file with no
// links on an internal tmpfs instance, opened O_RDWR|O_LARGEFILE, mode
// 0777 (0666 with MFD_NOEXEC_SEAL), named "memfd:name". Without
// MFD_ALLOW_SEALING it carries F_SEAL_SEAL; MFD_NOEXEC_SEAL adds
// F_SEAL_EXEC and allows sealing. The caller has checked the flags and the
// name. Seals are then added and read through vfs.Sealable on the file's
// operations (F_ADD_SEALS, F_GET_SEALS).
func (t *Type) NewMemfd(ctx vfs.Context, v *vfs.VFS, name string, flags uint32) (*vfs.File, error) {
	t.shmOnce.Do(func() {
		fs := t.newFS()
		fs.mode = 01777
		fs.inodes.Take(0) // the root, past any limit
		root := fs.newInode(ctx, vfs.CreateOpts{Mode: abi.S_IFDIR | 01777})
		root.dir.parent = root
		sb := v.NewSuperblock(t, root, nil)
		sb.Source = "shm"
		sb.FS = fs
		sb.Magic = abi.TMPFS_MAGIC
		sb.MgTime = true
		sb.AttrMask = abi.STATX_ATTR_APPEND | abi.STATX_ATTR_IMMUTABLE | abi.STATX_ATTR_NODUMP
		t.shm, t.shmMnt = fs, v.InternalMount(sb)
	})
	fs := t.shm
	if err := fs.reserveInode(); err != nil {
		return nil, err
	}
	c := ctx.Creds()
	mode := uint32(abi.S_IFREG | 0777)
	if flags&MfdNoexecSeal != 0 {
		mode = abi.S_IFREG | 0666
	}
	ino := fs.newInode(ctx, vfs.CreateOpts{Mode: mode, UID: c.FSUID, GID: c.FSGID})
	ino.attr.Nlink = 0
	switch {
	case flags&MfdNoexecSeal != 0:
		ino.seals = fSealExec
	case flags&MfdAllowSealing != 0:
		ino.seals = 0
	}
	return vfs.OpenDeleted(ctx, t.shmMnt, "memfd:"+name, ino, abi.O_RDWR|abi.O_LARGEFILE)
}
