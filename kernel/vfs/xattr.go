package vfs

import (
	"strings"

	"liblinux/abi"
)

// XattrTarget is what an xattr call acts on: a path, or an open file
// (which may have no path: pipes).
type XattrTarget struct {
	P Path
	F *File
}

// TargetOf returns the target of an fd-based xattr call.
func TargetOf(f *File) XattrTarget { return XattrTarget{P: f.path, F: f} }

func (t XattrTarget) attr() Attr {
	if t.P.D != nil {
		return t.P.D.Attr()
	}
	a, _ := t.F.Attr()
	return a
}

func (t XattrTarget) xattrer() (Xattrer, bool) {
	if t.P.D == nil {
		return nil, false
	}
	x, ok := t.P.D.inode.(Xattrer)
	return x, ok
}

// wantWrite is mnt_want_write for an xattr change.
func (t XattrTarget) wantWrite() error {
	if t.P.Mnt == nil {
		return nil
	}
	return t.P.Mnt.wantWrite()
}

const (
	posixACLAccess  = "system.posix_acl_access"
	posixACLDefault = "system.posix_acl_default"
)

// xattrPermission is Linux's xattr_permission: no attribute of an
// immutable or append-only inode may change (EPERM); security.* and
// system.* names pass; trusted.* needs CAP_SYS_ADMIN (EPERM to write, ENODATA to
// read); user.* exists only on regular files and directories (EPERM to
// write, ENODATA to read) and, on a sticky directory, only its owner may
// write them; then the ordinary permission check.
func xattrPermission(c *Creds, t XattrTarget, a *Attr, name string, mask int) error {
	denied := abi.ENODATA
	if mask&MayWrite != 0 {
		denied = abi.EPERM
		if t.P.D != nil && immutableOrAppend(t.P.D.inode) {
			return abi.EPERM
		}
	}
	switch {
	case strings.HasPrefix(name, "security."), strings.HasPrefix(name, "system."):
		return nil
	case strings.HasPrefix(name, "trusted."):
		if !c.HasCap(abi.CAP_SYS_ADMIN) {
			return denied
		}
		return nil
	case strings.HasPrefix(name, "user."):
		switch a.Type() {
		case abi.S_IFREG, abi.S_IFDIR:
		default:
			return denied
		}
		if a.Type() == abi.S_IFDIR && a.Mode&abi.S_ISVTX != 0 && mask&MayWrite != 0 && !isOwnerOrCap(c, a) {
			return abi.EPERM
		}
	}
	if t.P.D != nil {
		return inodePermission(c, t.P, mask)
	}
	return Permission(c, a, mask)
}

// xattrResolve finds the namespace a name belongs to, as Linux's
// xattr_resolve_name over tmpfs's handlers: a bare prefix is EINVAL, an
// unknown namespace EOPNOTSUPP.
func xattrResolve(name string) error {
	for _, p := range []string{"user.", "trusted.", "security."} {
		if strings.HasPrefix(name, p) {
			if len(name) == len(p) {
				return abi.EINVAL
			}
			return nil
		}
	}
	if name == posixACLAccess || name == posixACLDefault {
		return nil
	}
	return abi.EOPNOTSUPP
}

// GetXattr implements getxattr(2) and friends after the name was read.
func GetXattr(ctx Context, t XattrTarget, name string) ([]byte, error) {
	c := ctx.Creds()
	a := t.attr()
	if err := xattrPermission(c, t, &a, name, MayRead); err != nil {
		return nil, err
	}
	x, ok := t.xattrer()
	if !ok {
		return nil, abi.EOPNOTSUPP
	}
	if err := xattrResolve(name); err != nil {
		return nil, err
	}
	if name == posixACLAccess || name == posixACLDefault {
		// Access control lists are not kept: there never is one.
		return nil, abi.ENODATA
	}
	return x.GetXattr(ctx, name)
}

// xattrForWrite makes the checks setxattr and removexattr share, in
// Linux's order: a writable mount, permission for the name's namespace,
// CAP_SYS_ADMIN for security.*, a filesystem that keeps attributes, a
// name the filesystem knows.
func xattrForWrite(ctx Context, t XattrTarget, name string) (Xattrer, error) {
	if err := t.wantWrite(); err != nil {
		return nil, err
	}
	c := ctx.Creds()
	a := t.attr()
	if err := xattrPermission(c, t, &a, name, MayWrite); err != nil {
		return nil, err
	}
	if strings.HasPrefix(name, "security.") && !c.HasCap(abi.CAP_SYS_ADMIN) {
		return nil, abi.EPERM
	}
	x, ok := t.xattrer()
	if !ok {
		return nil, abi.EOPNOTSUPP
	}
	if err := xattrResolve(name); err != nil {
		return nil, err
	}
	return x, nil
}

// SetXattr implements setxattr(2) and friends after the name and value
// were read and the flags checked.
func SetXattr(ctx Context, t XattrTarget, name string, value []byte, flags uint32) error {
	x, err := xattrForWrite(ctx, t, name)
	if err != nil {
		return err
	}
	if name == posixACLAccess || name == posixACLDefault {
		if len(value) == 0 {
			// An empty value removes the list, which is not there.
			return nil
		}
		return abi.EOPNOTSUPP
	}
	return x.SetXattr(ctx, name, value, flags)
}

// RemoveXattr implements removexattr(2) and friends.
func RemoveXattr(ctx Context, t XattrTarget, name string) error {
	x, err := xattrForWrite(ctx, t, name)
	if err != nil {
		return err
	}
	if name == posixACLAccess || name == posixACLDefault {
		return nil
	}
	return x.RemoveXattr(ctx, name)
}

// ListXattr implements listxattr(2) and friends: the names, without the
// trusted.* ones for callers without CAP_SYS_ADMIN.
func ListXattr(ctx Context, t XattrTarget) ([]string, error) {
	x, ok := t.xattrer()
	if !ok {
		return nil, nil
	}
	names, err := x.ListXattr(ctx)
	if err != nil || ctx.Creds().HasCap(abi.CAP_SYS_ADMIN) {
		return names, err
	}
	out := names[:0:0]
	for _, n := range names {
		if !strings.HasPrefix(n, "trusted.") {
			out = append(out, n)
		}
	}
	return out, nil
}
