package ext4

import (
	"liblinux/abi"
	"liblinux/kernel/vfs"
)

// POSIX ACL formats: the on-disk ext4 form (version 1, short entries
// for the owner/group/mask/other tags) and the xattr form that
// getxattr(2) returns (version 2, every entry 8 bytes).
const (
	aclUserObj  = 0x01
	aclUser     = 0x02
	aclGroupObj = 0x04
	aclGroup    = 0x08
	aclMask     = 0x10
	aclOther    = 0x20

	ext4ACLVersion  = 1
	xattrACLVersion = 2
	aclUndefinedID  = 0xFFFFFFFF
)

// aclEntry is one decoded ACL entry.
type aclEntry struct {
	tag  uint16
	perm uint16
	id   uint32
}

// aclFromDisk decodes the ext4 on-disk ACL format.
func aclFromDisk(b []byte) ([]aclEntry, error) {
	if len(b) < 4 || le32(b, 0) != ext4ACLVersion {
		return nil, abi.EINVAL
	}
	var out []aclEntry
	for off := 4; off < len(b); {
		if off+4 > len(b) {
			return nil, abi.EINVAL
		}
		e := aclEntry{tag: le16(b, off), perm: le16(b, off+2), id: aclUndefinedID}
		switch e.tag {
		case aclUserObj, aclGroupObj, aclMask, aclOther:
			off += 4
		case aclUser, aclGroup:
			if off+8 > len(b) {
				return nil, abi.EINVAL
			}
			e.id = le32(b, off+4)
			off += 8
		default:
			return nil, abi.EINVAL
		}
		out = append(out, e)
	}
	return out, nil
}

func aclToDisk(es []aclEntry) []byte {
	b := make([]byte, 4, 4+8*len(es))
	put32(b, 0, ext4ACLVersion)
	for _, e := range es {
		var x [8]byte
		put16(x[:], 0, e.tag)
		put16(x[:], 2, e.perm)
		if e.tag == aclUser || e.tag == aclGroup {
			put32(x[:], 4, e.id)
			b = append(b, x[:]...)
		} else {
			b = append(b, x[:4]...)
		}
	}
	return b
}

// aclFromXattr decodes the getxattr/setxattr ACL form.
func aclFromXattr(b []byte) ([]aclEntry, error) {
	if len(b) < 4 || le32(b, 0) != xattrACLVersion || (len(b)-4)%8 != 0 {
		return nil, abi.EINVAL
	}
	var out []aclEntry
	for off := 4; off < len(b); off += 8 {
		e := aclEntry{tag: le16(b, off), perm: le16(b, off+2), id: le32(b, off+4)}
		switch e.tag {
		case aclUserObj, aclGroupObj, aclMask, aclOther:
			e.id = aclUndefinedID
		case aclUser, aclGroup:
		default:
			return nil, abi.EINVAL
		}
		if e.perm&^7 != 0 {
			return nil, abi.EINVAL
		}
		out = append(out, e)
	}
	return out, nil
}

func aclToXattr(es []aclEntry) []byte {
	b := make([]byte, 4+8*len(es))
	put32(b, 0, xattrACLVersion)
	for k, e := range es {
		o := 4 + 8*k
		put16(b, o, e.tag)
		put16(b, o+2, e.perm)
		put32(b, o+4, e.id)
	}
	return b
}

// xattrName checks a name for get/set/remove and splits it.
func (fs *FS) xattrName(name string) (uint8, string, error) {
	if name == "" || len(name) > 255 {
		return 0, "", abi.ERANGE
	}
	idx, suffix, ok := splitXattrName(name)
	if !ok || idx == xiSystem || idx == xiRichACL {
		return 0, "", abi.EOPNOTSUPP
	}
	if (idx == xiACLAccess || idx == xiACLDefault) && !fs.acl {
		return 0, "", abi.EOPNOTSUPP
	}
	if idx != xiACLAccess && idx != xiACLDefault && suffix == "" {
		return 0, "", abi.EINVAL
	}
	return idx, suffix, nil
}

var _ vfs.Xattrer = (*inode)(nil)

// GetXattr implements vfs.Xattrer (getxattr(2)): ENODATA if absent,
// EOPNOTSUPP for a namespace ext4 does not keep. POSIX ACLs come back in
// the xattr form.
func (i *inode) GetXattr(ctx vfs.Context, name string) ([]byte, error) {
	idx, suffix, err := i.fs.xattrName(name)
	if err != nil {
		return nil, err
	}
	i.mu.RLock()
	v, err := i.findXattrLocked(idx, suffix)
	i.mu.RUnlock()
	if err != nil {
		return nil, err
	}
	if idx == xiACLAccess || idx == xiACLDefault {
		es, err := aclFromDisk(v)
		if err != nil {
			return nil, abi.EUCLEAN
		}
		return aclToXattr(es), nil
	}
	return v, nil
}

// ListXattr implements vfs.Xattrer (listxattr(2)): names in on-disk
// order, trusted.* ones only for CAP_SYS_ADMIN.
func (i *inode) ListXattr(ctx vfs.Context) ([]string, error) {
	i.mu.RLock()
	xs, err := i.allXattrsLocked()
	i.mu.RUnlock()
	if err != nil {
		return nil, err
	}
	admin := ctx.Creds().HasCap(abi.CAP_SYS_ADMIN)
	var out []string
	for _, x := range xs {
		switch x.index {
		case xiSystem, xiRichACL:
			continue
		case xiTrusted:
			if !admin {
				continue
			}
		case xiACLAccess, xiACLDefault:
			if !i.fs.acl {
				continue
			}
		}
		if n, ok := fullXattrName(x.index, x.name); ok {
			out = append(out, n)
		}
	}
	return out, nil
}
