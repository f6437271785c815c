package tmpfs

import (
	"liblinux/abi"
	"liblinux/kernel/vfs"
)

// Rename implements vfs.Inode, as Linux's shmem_rename2: RENAME_NOREPLACE,
// RENAME_EXCHANGE and RENAME_WHITEOUT (the old name becomes a 0:0
// character device). The moved name gets a new directory offset; an
// exchange keeps both offsets.
func (i *inode) Rename(ctx vfs.Context, oldName string, newDir vfs.Inode, newName string, flags uint32) error {
	nd, ok := newDir.(*inode)
	if !ok || nd.fs != i.fs {
		return abi.EXDEV
	}
	if flags&^vfs.RenameFlags != 0 {
		return abi.EINVAL
	}
	now := ctx.Now()
	var white *inode
	if flags&abi.RENAME_WHITEOUT != 0 {
		if err := i.fs.reserveInode(); err != nil {
			return err
		}
		c := ctx.Creds()
		o := vfs.CreateOpts{Mode: abi.S_IFCHR, UID: c.FSUID, GID: c.FSGID}
		i.mu.RLock()
		if i.attr.Mode&abi.S_ISGID != 0 {
			o.GID = i.attr.GID
		}
		i.mu.RUnlock()
		white = i.fs.newInode(ctx, o)
		white.inheritFlags(i)
	}
	lockDirs(i, nd)
	defer unlockDirs(i, nd)
	oe, ok := i.dir.entries[oldName]
	if !ok {
		if white != nil {
			white.evict()
		}
		return abi.ENOENT
	}
	src := oe.ino
	te := nd.dir.entries[newName]
	if flags&abi.RENAME_EXCHANGE != 0 {
		if te == nil {
			return abi.ENOENT
		}
		dst := te.ino
		oe.ino, te.ino = dst, src
		if i != nd && (src.typ == abi.S_IFDIR) != (dst.typ == abi.S_IFDIR) {
			if src.typ == abi.S_IFDIR {
				i.attr.Nlink--
				nd.attr.Nlink++
			} else {
				nd.attr.Nlink--
				i.attr.Nlink++
			}
		}
		src.moved(nd, now)
		dst.moved(i, now)
		i.attr.Mtime, i.attr.Ctime = now, now
		nd.attr.Mtime, nd.attr.Ctime = now, now
		return nil
	}
	var dst *inode
	if te != nil {
		dst = te.ino
		if dst.typ == abi.S_IFDIR {
			dst.mu.RLock()
			empty := dst.dir.live == 0
			dst.mu.RUnlock()
			if !empty {
				if white != nil {
					white.evict()
				}
				return abi.ENOTEMPTY
			}
		}
	}
	i.removeLocked(oldName, now)
	if dst != nil {
		nd.removeLocked(newName, now)
	}
	nd.addLocked(newName, src, now)
	if white != nil {
		i.addLocked(oldName, white, now)
	}
	if src.typ == abi.S_IFDIR {
		i.attr.Nlink--
		if dst == nil {
			nd.attr.Nlink++
		}
	}
	src.moved(nd, now)
	if dst != nil {
		if dst.typ == abi.S_IFDIR {
			dst.mu.Lock()
			dst.attr.Nlink = 0
			dst.attr.Ctime = now
			dst.maybeEvictLocked()
			dst.mu.Unlock()
		} else {
			dst.dropLink(now)
		}
	}
	return nil
}

// moved records that i now lives in dir: its ctime, and ".." for a
// directory.
//
// Preconditions: the locks of both directories of the rename are held.
func (i *inode) moved(dir *inode, now vfs.Time) {
	i.mu.Lock()
	i.attr.Ctime = now
	if i.typ == abi.S_IFDIR {
		i.dir.parent = dir
	}
	i.mu.Unlock()
}

// lockDirs locks the inodes of the two directories of a rename, in inode
// number order; the VFS's dentry locks keep every other change out.
func lockDirs(a, b *inode) {
	if a == b {
		a.mu.Lock()
		return
	}
	if a.ino > b.ino {
		a, b = b, a
	}
	a.mu.Lock()
	b.mu.Lock()
}

func unlockDirs(a, b *inode) {
	a.mu.Unlock()
	if a != b {
		b.mu.Unlock()
	}
}
