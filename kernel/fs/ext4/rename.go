package ext4

import (
	"errors"

	"liblinux/abi"
	"liblinux/kernel/vfs"
)

// Rename implements vfs.Inode: renameat2(2) with RENAME_NOREPLACE,
// RENAME_EXCHANGE and RENAME_WHITEOUT. The VFS has checked the flags,
// the types and that a replaced directory is empty.
func (od *inode) Rename(ctx vfs.Context, oldName string, newDir vfs.Inode, newName string, flags uint32) error {
	fs := od.fs
	nd, ok := newDir.(*inode)
	if !ok || nd.fs != fs {
		return abi.EXDEV
	}
	if fs.readOnly() {
		return abi.EROFS
	}
	if flags&^(abi.RENAME_NOREPLACE|abi.RENAME_EXCHANGE|abi.RENAME_WHITEOUT) != 0 {
		return abi.EINVAL
	}
	exchange := flags&abi.RENAME_EXCHANGE != 0
	if len(newName) > vfs.NameMax {
		return abi.ENAMETOOLONG
	}
	if od != nd {
		fs.renameMu.Lock()
		defer fs.renameMu.Unlock()
	}
	var wh *inode
	if flags&abi.RENAME_WHITEOUT != 0 {
		// The whiteout (a 0:0 character device) replaces the old name.
		var err error
		wh, err = od.newInode(ctx, vfs.CreateOpts{Mode: abi.S_IFCHR, UID: ctx.Creds().FSUID, GID: ctx.Creds().FSGID})
		if err != nil {
			return err
		}
	}
	src, dst, unlock, err := od.lockRename(oldName, nd, newName, wh)
	if err == nil {
		err = od.renameChecks(src, dst, flags)
		if err != nil {
			unlock()
		}
	}
	if err != nil {
		if wh != nil {
			wh.mu.Lock()
			wh.d.links = 0
			wh.evictLocked(ctx)
			wh.mu.Unlock()
		}
		if err == errSameInode {
			return nil
		}
		return err
	}
	defer unlock()
	err = od.renameLocked(ctx, oldName, nd, newName, src, dst, wh, exchange)
	if err != nil && wh != nil {
		wh.d.links = 0
		wh.evictLocked(ctx)
	}
	return err
}

// errSameInode says both names of a rename lead to one inode: Linux
// does nothing and succeeds.
var errSameInode = errors.New("same inode")

// lockRename finds the inodes of both names and locks every inode
// involved in inode order, checking under the locks that the names
// still lead to them.
func (od *inode) lockRename(oldName string, nd *inode, newName string, wh *inode) (*inode, *inode, func(), error) {
	for try := 0; ; try++ {
		src, err := od.child(oldName)
		if err != nil {
			return nil, nil, nil, err
		}
		dst, err := nd.child(newName)
		if err == abi.ENOENT {
			dst = nil
		} else if err != nil {
			return nil, nil, nil, err
		}
		unlock := lockInodes(od, nd, src, dst, wh)
		si, err1 := od.lookupLocked(oldName)
		di, err2 := nd.lookupLocked(newName)
		if err1 == nil && si == src.ino && (dst == nil && err2 == abi.ENOENT || dst != nil && err2 == nil && di == dst.ino) {
			return src, dst, unlock, nil
		}
		unlock()
		if try == 16 {
			return nil, nil, nil, abi.EAGAIN
		}
	}
}

// renameChecks applies the flag rules once the inodes are known.
func (od *inode) renameChecks(src, dst *inode, flags uint32) error {
	if dst == nil {
		if flags&abi.RENAME_EXCHANGE != 0 {
			return abi.ENOENT
		}
		return nil
	}
	if flags&abi.RENAME_NOREPLACE != 0 {
		return abi.EEXIST
	}
	if dst == src {
		return errSameInode
	}
	return nil
}

// renameLocked does the work of Rename with every inode involved locked.
func (od *inode) renameLocked(ctx vfs.Context, oldName string, nd *inode, newName string, src, dst, wh *inode, exchange bool) error {
	fs := od.fs
	if od.dead || nd.dead || nd.d.links == 0 {
		return abi.ENOENT
	}
	srcDir := src.typ() == abi.S_IFDIR
	dstDir := dst != nil && dst.typ() == abi.S_IFDIR
	now := ctx.Now()
	if !fs.g.hasRoCompat(roCompatDirNlink) && od != nd {
		if srcDir && !dstDir && nd.d.links >= linkMax || exchange && dstDir && !srcDir && od.d.links >= linkMax {
			return abi.EMLINK
		}
	}
	if exchange {
		if err := od.setEntryLocked(oldName, dst.ino, modeFileType(uint32(dst.d.mode))); err != nil {
			return err
		}
		if err := nd.setEntryLocked(newName, src.ino, modeFileType(uint32(src.d.mode))); err != nil {
			return err
		}
		if od != nd {
			if srcDir {
				if err := src.setDotdotLocked(nd.ino); err != nil {
					return err
				}
			}
			if dstDir {
				if err := dst.setDotdotLocked(od.ino); err != nil {
					return err
				}
			}
			if srcDir && !dstDir {
				od.decLinkLocked()
				nd.incLinkLocked()
			} else if dstDir && !srcDir {
				nd.decLinkLocked()
				od.incLinkLocked()
			}
		}
		src.d.ctime, dst.d.ctime = now, now
		od.d.mtime, od.d.ctime = now, now
		nd.d.mtime, nd.d.ctime = now, now
		for _, x := range []*inode{src, dst, od, nd} {
			if err := x.writeLocked(); err != nil {
				return err
			}
		}
		return nil
	}
	if dstDir {
		empty, err := dst.emptyDirLocked()
		if err != nil {
			return err
		}
		if !empty {
			return abi.ENOTEMPTY
		}
	}
	// The new name first: if the directory cannot take it, nothing has
	// changed yet.
	if dst != nil {
		if err := nd.setEntryLocked(newName, src.ino, modeFileType(uint32(src.d.mode))); err != nil {
			return err
		}
	} else if err := nd.addEntryLocked(newDirent{newName, src.ino, modeFileType(uint32(src.d.mode))}); err != nil {
		nd.writeLocked()
		return err
	}
	if wh != nil {
		wh.d.links = 1
		if err := wh.writeLocked(); err != nil {
			return err
		}
		if err := od.setEntryLocked(oldName, wh.ino, ftChr); err != nil {
			return err
		}
		fs.cacheNew(wh)
	} else if _, err := od.removeEntryLocked(oldName); err != nil {
		return err
	}
	if srcDir && od != nd {
		if err := src.setDotdotLocked(nd.ino); err != nil {
			return err
		}
		od.decLinkLocked()
		if !dstDir {
			nd.incLinkLocked()
		}
	}
	src.d.ctime = now
	od.d.mtime, od.d.ctime = now, now
	nd.d.mtime, nd.d.ctime = now, now
	for _, x := range []*inode{src, od, nd} {
		if err := x.writeLocked(); err != nil {
			return err
		}
	}
	if dst != nil {
		if dstDir {
			if od == nd {
				nd.decLinkLocked()
				if err := nd.writeLocked(); err != nil {
					return err
				}
			}
			dst.d.links = 0
			dst.d.ctime = now
			return dst.evictLocked(ctx)
		}
		return dst.dropLinkLocked(ctx)
	}
	return nil
}
