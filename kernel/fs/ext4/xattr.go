package ext4

import (
	"strings"

	"liblinux/abi"
)

// Extended attribute on-disk format (ext4_xattr_header, _entry).
const (
	xattrMagic       = 0xEA020000
	xattrHeaderSize  = 32 // block header
	xattrEntryHeader = 16
	xattrIbodyHeader = 4 // magic only
	xattrMaxEntries  = 1024

	xiUser       = 1
	xiACLAccess  = 2
	xiACLDefault = 3
	xiTrusted    = 4
	xiSecurity   = 6
	xiSystem     = 7
	xiRichACL    = 8
)

// xattrPrefixes maps name indexes to their prefixes.
var xattrPrefixes = []struct {
	index  uint8
	prefix string
}{
	{xiUser, "user."},
	{xiACLAccess, "system.posix_acl_access"},
	{xiACLDefault, "system.posix_acl_default"},
	{xiTrusted, "trusted."},
	{xiSecurity, "security."},
	{xiRichACL, "system.richacl"},
	{xiSystem, "system."},
}

// splitXattrName turns a full name into an index and suffix; ok is false
// for an unsupported namespace.
func splitXattrName(name string) (uint8, string, bool) {
	for _, p := range xattrPrefixes {
		if p.index == xiACLAccess || p.index == xiACLDefault || p.index == xiRichACL {
			if name == p.prefix {
				return p.index, "", true
			}
			continue
		}
		if strings.HasPrefix(name, p.prefix) {
			return p.index, name[len(p.prefix):], true
		}
	}
	return 0, "", false
}

func fullXattrName(index uint8, suffix string) (string, bool) {
	for _, p := range xattrPrefixes {
		if p.index == index {
			return p.prefix + suffix, true
		}
	}
	return "", false
}

// xattr is one decoded attribute.
type xattr struct {
	index     uint8
	name      string
	value     []byte
	valueInum uint32 // value lives in this EA inode
	valueSize uint32
	hash      uint32
}

// parseXattrs decodes entries from region r, whose entries start at
// entOff and whose value offsets are relative to valBase. It validates
// every offset against the region.
func parseXattrs(r []byte, entOff, valBase int) ([]xattr, error) {
	var out []xattr
	off := entOff
	for n := 0; ; n++ {
		if n > xattrMaxEntries {
			return nil, abi.EUCLEAN
		}
		if off+4 > len(r) {
			return nil, abi.EUCLEAN
		}
		if le32(r, off) == 0 {
			return out, nil
		}
		if off+xattrEntryHeader > len(r) {
			return nil, abi.EUCLEAN
		}
		nl := int(r[off])
		if off+xattrEntryHeader+nl > len(r) {
			return nil, abi.EUCLEAN
		}
		x := xattr{
			index:     r[off+1],
			name:      string(r[off+xattrEntryHeader : off+xattrEntryHeader+nl]),
			valueInum: le32(r, off+4),
			valueSize: le32(r, off+8),
			hash:      le32(r, off+12),
		}
		voff := int(le16(r, off+2))
		if x.valueInum == 0 {
			if x.valueSize > uint32(len(r)) || valBase+voff+int(x.valueSize) > len(r) || valBase+voff < 0 {
				return nil, abi.EUCLEAN
			}
			x.value = append([]byte(nil), r[valBase+voff:valBase+voff+int(x.valueSize)]...)
		}
		out = append(out, x)
		off += (xattrEntryHeader + nl + 3) &^ 3
	}
}

// ibodyXattrRegion returns the in-inode attribute space (after the magic)
// or nil if the inode has none.
// Preconditions: i.mu is held.
func (i *inode) ibodyRegionLocked() []byte {
	start := goodOldInodeSize + int(i.d.extraIsize)
	if i.fs.g.inodeSize <= goodOldInodeSize || start+xattrIbodyHeader > i.fs.g.inodeSize {
		return nil
	}
	if le32(i.raw, start) != xattrMagic {
		return nil
	}
	return i.raw[start+xattrIbodyHeader:]
}

// ibodyXattrsLocked decodes the in-inode attributes.
// Preconditions: i.mu is held.
func (i *inode) ibodyXattrsLocked() ([]xattr, error) {
	r := i.ibodyRegionLocked()
	if r == nil {
		return nil, nil
	}
	xs, err := parseXattrs(r, 0, 0)
	if err != nil {
		i.fs.logf("inode #%d: corrupted in-inode xattr", i.ino)
	}
	return xs, err
}

// xattrBlockCsum computes an attribute block's checksum.
func (fs *FS) xattrBlockCsum(blk uint64, b []byte) uint32 {
	c := crc32cU64(fs.g.csumSeed, blk)
	c = crc32c(c, b[:16])
	c = crc32c(c, []byte{0, 0, 0, 0})
	return crc32c(c, b[20:])
}

// readXattrBlock reads and validates attribute block blk.
func (fs *FS) readXattrBlock(blk uint64) ([]byte, error) {
	if !fs.checkBlock(blk, 1) {
		return nil, abi.EUCLEAN
	}
	b := fs.newBuf()
	if err := fs.readBlock(blk, b); err != nil {
		return nil, err
	}
	if le32(b, 0) != xattrMagic || le32(b, 8) != 1 {
		fs.logf("bad extended attribute block %d", blk)
		return nil, abi.EUCLEAN
	}
	if fs.g.metadataCsum() && le32(b, 16) != fs.xattrBlockCsum(blk, b) {
		fs.logf("extended attribute block %d: checksum invalid", blk)
		return nil, abi.EBADMSG
	}
	return b, nil
}

// blockXattrsLocked decodes the attributes in the inode's block.
// Preconditions: i.mu is held.
func (i *inode) blockXattrsLocked() ([]xattr, error) {
	if i.d.fileACL == 0 {
		return nil, nil
	}
	b, err := i.fs.readXattrBlock(i.d.fileACL)
	if err != nil {
		return nil, err
	}
	xs, err := parseXattrs(b, xattrHeaderSize, 0)
	if err != nil {
		i.fs.logf("inode #%d: bad extended attribute block %d", i.ino, i.d.fileACL)
		return nil, err
	}
	i.fs.xattrCacheNote(i.d.fileACL, b)
	return xs, nil
}

// findXattrLocked returns the value of attribute (index, name), or
// ENODATA.
// Preconditions: i.mu is held.
func (i *inode) findXattrLocked(index uint8, name string) ([]byte, error) {
	for pass := 0; pass < 2; pass++ {
		var xs []xattr
		var err error
		if pass == 0 {
			xs, err = i.ibodyXattrsLocked()
		} else {
			xs, err = i.blockXattrsLocked()
		}
		if err != nil {
			return nil, err
		}
		for _, x := range xs {
			if x.index == index && x.name == name {
				return i.xattrValueLocked(x)
			}
		}
	}
	return nil, abi.ENODATA
}

// xattrValueLocked returns an attribute's value, reading it from its EA
// inode when it lives in one.
func (i *inode) xattrValueLocked(x xattr) ([]byte, error) {
	if x.valueInum == 0 {
		return x.value, nil
	}
	if !i.fs.g.hasIncompat(incompatEAInode) || x.valueSize > 1<<16 {
		return nil, abi.EUCLEAN
	}
	ea, err := i.fs.iget(x.valueInum)
	if err != nil {
		return nil, err
	}
	if ea == i {
		return nil, abi.EUCLEAN
	}
	ea.mu.RLock()
	defer ea.mu.RUnlock()
	if ea.d.flags&flEAInode == 0 || ea.typ() != abi.S_IFREG || ea.d.size != uint64(x.valueSize) {
		return nil, abi.EUCLEAN
	}
	buf := make([]byte, x.valueSize)
	if err := ea.readDataLocked(buf, 0); err != nil {
		return nil, err
	}
	return buf, nil
}

// allXattrsLocked returns every attribute, in-inode ones first.
// Preconditions: i.mu is held.
func (i *inode) allXattrsLocked() ([]xattr, error) {
	a, err := i.ibodyXattrsLocked()
	if err != nil {
		return nil, err
	}
	b, err := i.blockXattrsLocked()
	if err != nil {
		return nil, err
	}
	return append(a, b...), nil
}
