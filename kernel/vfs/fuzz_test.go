package vfs_test

import (
	"testing"

	"liblinux/abi"
	"liblinux/kernel/vfs"
)

// walkErrnos are the errors a path operation on the walk tree may give.
var walkErrnos = map[abi.Errno]bool{
	abi.ENOENT: true, abi.ENOTDIR: true, abi.ELOOP: true, abi.ENAMETOOLONG: true, abi.EACCES: true,
	abi.EISDIR: true, abi.EXDEV: true, abi.EEXIST: true, abi.ENOTEMPTY: true, abi.EINVAL: true,
	abi.EBUSY: true, abi.EPERM: true, abi.ENXIO: true, abi.EROFS: true,
}

// FuzzPathWalk walks random paths over a prepared tree (symlinks of every
// kind, loops, a mount) with random flags and restrictions, and makes
// random namespace changes with them: no panic, only Linux errnos, and a
// successful walk ends where its flags say.
func FuzzPathWalk(f *testing.F) {
	for _, s := range []struct {
		p, q      string
		op, flags uint8
		restrict  uint8
	}{
		{"/d/f", "", 0, 0, 0},
		{"/d/rel/../..", "/x", 1, 1, 0},
		{"/chain0/x", "", 0, 0, 0},
		{"d/dirl/", "/m/x", 2, 2, 8},
		{"/d/up/m/../d/abs", "/d/new", 5, 0, 16},
		{"/m/y/../../d", "/d/sub/zz", 6, 3, 1},
		{"/d/loop", "/d/dang", 7, 0, 4},
		{"/d/sub", "/m/y", 8, 0, 0},
		{"////", "..", 3, 4, 2},
	} {
		f.Add(s.p, s.q, s.op, s.flags, s.restrict)
	}
	f.Fuzz(func(t *testing.T, p, q string, op, flags, restrict uint8) {
		fx := walkTree(t)
		w := fx.w()
		w.Start = fx.resolve("/d")
		w.Restrict = uint64(restrict) & (abi.RESOLVE_NO_XDEV | abi.RESOLVE_NO_MAGICLINKS | abi.RESOLVE_NO_SYMLINKS | abi.RESOLVE_BENEATH | abi.RESOLVE_IN_ROOT)
		if w.Restrict&abi.RESOLVE_BENEATH != 0 {
			w.Restrict &^= abi.RESOLVE_IN_ROOT
		}
		if flags&8 != 0 {
			fx.ctx.c = user(1000, 1000)
		}
		var err error
		switch op % 9 {
		case 0:
			var r vfs.Path
			wf := int(flags) & (vfs.WalkNoFollow | vfs.WalkDirectory | vfs.WalkEmptyPath)
			r, err = w.Resolve(p, wf)
			if err == nil && (r.D == nil || r.Mnt == nil || wf&vfs.WalkDirectory != 0 && !r.D.IsDir()) {
				t.Errorf("Resolve(%q, %d) = %+v", p, wf, r)
			}
		case 1:
			_, _, _, err = w.ResolveParent(p)
		case 2:
			var file *vfs.File
			oflags := []uint32{abi.O_RDONLY, abi.O_CREAT | abi.O_WRONLY, abi.O_CREAT | abi.O_EXCL | abi.O_RDWR,
				abi.O_DIRECTORY, abi.O_NOFOLLOW | abi.O_PATH, abi.O_TMPFILE | abi.O_RDWR, abi.O_TRUNC | abi.O_WRONLY, abi.O_NOFOLLOW}[flags%8]
			file, err = w.Open(p, oflags, 0644, 022)
			if file != nil {
				file.DecRef()
			}
		case 3:
			err = w.Mkdir(p, 0755, 0)
		case 4:
			err = w.Unlink(p)
		case 5:
			err = w.Rmdir(p)
		case 6:
			err = vfs.Rename(fx.ctx, w, p, w, q, uint32(flags)%8&^(abi.RENAME_EXCHANGE|abi.RENAME_NOREPLACE)|uint32(flags>>4)%2*abi.RENAME_NOREPLACE)
		case 7:
			err = w.Symlink(q, p)
		case 8:
			var old vfs.Path
			if old, err = w.Resolve(q, 0); err == nil {
				err = w.Link(old, p)
			}
		}
		if err != nil {
			e, ok := abi.ErrnoOf(err)
			if !ok || !walkErrnos[e] {
				t.Errorf("op %d %q %q: %v is not a path error", op%9, p, q, err)
			}
		}
		// Whatever happened, the tree still walks.
		if _, err := fx.w().Resolve("/", vfs.WalkDirectory); err != nil {
			t.Errorf("root: %v", err)
		}
	})
}
