package vfs

// MagicLink is implemented by symlink inodes that name an object rather
// than a path: procfs's /proc/<pid>/cwd, root and fd/N. Following one
// jumps straight to the object — the very dentry, even after it was
// renamed or unlinked, or a pipe that has no name at all — while its
// Readlink text is only what readlink(2) shows.
//
// The walker calls Follow wherever it would resolve a symlink's text (a
// trailing link that is followed, or a link in the middle of a path),
// after counting the link against MaxSymlinks and instead of Readlink;
// the Path it returns is where the walk stands, and the walk goes on from
// there with the remaining components, if any.
type MagicLink interface {
	// Follow returns the location the link names, or an error (ENOENT
	// when the object is gone, EACCES when the caller may not see it).
	Follow(ctx Context) (Path, error)
}

// InternalMount returns a mount of sb that is attached nowhere and not
// listed in the mount table (Linux's kern_mount): it gives Paths to
// objects with no place in the tree, such as pipes that are reopened
// through /proc/<pid>/fd.
func (v *VFS) InternalMount(sb *Superblock) *Mount {
	v.mountMu.Lock()
	defer v.mountMu.Unlock()
	return v.newMountLocked(sb, sb.root, 0)
}

// DetachedPath returns a Path under m for ino that is in no directory:
// its dentry has no parent, so ".." stays on it and PathString reports it
// unreachable. name is what the dentry is called.
func (m *Mount) DetachedPath(name string, ino Inode) Path {
	return Path{m, newDentryOf(m.sb, nil, name, ino)}
}

// OpenDeleted opens ino as a file named name that is in no directory and
// shows as deleted (" (deleted)" in its /proc/<pid>/fd link): memfd files
// and the like, on an internal mount m.
func OpenDeleted(ctx Context, m *Mount, name string, ino Inode, flags uint32) (*File, error) {
	d := newDentryOf(m.sb, nil, name, ino)
	d.dead.Store(true)
	ops, err := ino.Open(ctx, flags)
	if err != nil {
		return nil, err
	}
	return newOpenFile(ctx, Path{m, d}, ops, flags), nil
}
