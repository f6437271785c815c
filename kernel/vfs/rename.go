package vfs

import (
	"strings"

	"liblinux/abi"
)

// RenameFlags are the flags renameat2(2) knows.
const RenameFlags = abi.RENAME_NOREPLACE | abi.RENAME_EXCHANGE | abi.RENAME_WHITEOUT

// Rename implements renameat2(2): oldPath through w to newPath through nw.
// The caller has checked the flags. Errors come in Linux's order
// (do_renameat2, then vfs_rename).
func Rename(ctx Context, w *Walker, oldPath string, nw *Walker, newPath string, flags uint32) error {
	odir, olast, okind, otrail, err := w.parent(oldPath)
	if err != nil {
		return err
	}
	ndir, nlast, nkind, ntrail, err := nw.parent(newPath)
	if err != nil {
		return err
	}
	if odir.Mnt != ndir.Mnt {
		return abi.EXDEV
	}
	if okind != lastNorm {
		return abi.EBUSY
	}
	if nkind != lastNorm {
		if flags&abi.RENAME_NOREPLACE != 0 {
			return abi.EEXIST
		}
		return abi.EBUSY
	}
	if err := odir.Mnt.wantWrite(); err != nil {
		return err
	}
	sb := odir.D.sb
	sb.renameMu.Lock()
	defer sb.renameMu.Unlock()
	lockTwo(ndir.D, odir.D)
	defer unlockTwo(ndir.D, odir.D)

	// trap is the child of one directory that is an ancestor of the other.
	var trap *Dentry
	if odir.D != ndir.D {
		if isAncestor(ndir.D, odir.D) {
			trap = childOn(ndir.D, odir.D)
		} else if isAncestor(odir.D, ndir.D) {
			trap = childOn(odir.D, ndir.D)
		}
	}
	if odir.D.IsDead() {
		return abi.ENOENT
	}
	old, err := odir.D.childLocked(ctx, olast)
	if err != nil {
		return err
	}
	var target *Dentry
	if !ndir.D.IsDead() {
		target, err = ndir.D.childLocked(ctx, nlast)
		if err != nil && err != abi.ENOENT {
			return err
		}
	}
	exchange := flags&abi.RENAME_EXCHANGE != 0
	if flags&abi.RENAME_NOREPLACE != 0 && target != nil {
		return abi.EEXIST
	}
	if exchange {
		if target == nil {
			return abi.ENOENT
		}
		if !target.IsDir() && ntrail {
			return abi.ENOTDIR
		}
	}
	if !old.IsDir() {
		if otrail || !exchange && ntrail {
			return abi.ENOTDIR
		}
	}
	if old == trap {
		return abi.EINVAL
	}
	if target != nil && target == trap {
		if exchange {
			return abi.EINVAL
		}
		return abi.ENOTEMPTY
	}
	if target != nil && old.inode == target.inode {
		return nil
	}

	c := ctx.Creds()
	isDir := old.IsDir()
	if err := mayDelete(c, odir, old, isDir); err != nil {
		return err
	}
	if target == nil {
		if err := mayCreate(c, ndir); err != nil {
			return err
		}
	} else {
		victimDir := isDir
		if exchange {
			victimDir = target.IsDir()
		}
		if err := mayDelete(c, ndir, target, victimDir); err != nil {
			return err
		}
	}
	if odir.D != ndir.D {
		// A directory that changes parent has its ".." rewritten.
		if isDir {
			if err := inodePermission(c, Path{odir.Mnt, old}, MayWrite); err != nil {
				return err
			}
		}
		if exchange && target.IsDir() {
			if err := inodePermission(c, Path{ndir.Mnt, target}, MayWrite); err != nil {
				return err
			}
		}
	}
	if old.mounts.Load() > 0 || target != nil && target.mounts.Load() > 0 {
		return abi.EBUSY
	}
	if target != nil && target.IsDir() && !exchange {
		// Nothing may be created in a directory while it is replaced.
		target.mu.Lock()
		defer target.mu.Unlock()
	}
	if err := odir.D.inode.Rename(ctx, olast, ndir.D.inode, nlast, flags); err != nil {
		return err
	}

	// The filesystem changed; make the dentries say the same.
	if exchange {
		old.name, target.name = target.name, old.name
		odir.D.setChildLocked(target.name, target)
		ndir.D.setChildLocked(old.name, old)
		op, tp := old.parent.Load(), target.parent.Load()
		old.parent.Store(tp)
		target.parent.Store(op)
		return nil
	}
	odir.D.deleteChildLocked(olast)
	if target != nil {
		ndir.D.removeChildLocked(nlast)
	}
	old.name = strings.Clone(nlast)
	old.parent.Store(ndir.D)
	ndir.D.setChildLocked(old.name, old)
	return nil
}
