package ext4

import (
	"liblinux/abi"
	"liblinux/kernel/vfs"
)

// Inline data: the first 60 bytes of a small file or directory live in
// i_block, the rest in the in-inode attribute "system.data". An inline
// directory starts with the parent's inode number (4 bytes) instead of
// "." and "..".
const inlineDotdotSize = 4

// inlineDataLocked returns the inline contents: i_block part and the
// attribute part.
// Preconditions: i.mu is held.
func (i *inode) inlineDataLocked() ([]byte, []byte, error) {
	extra, err := i.findXattrLocked(xiSystem, "data")
	if err == abi.ENODATA {
		extra, err = nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	return i.d.block[:], extra, nil
}

// readInlineLocked copies inline file data at off into p.
// Preconditions: i.mu is held.
func (i *inode) readInlineLocked(p []byte, off int64) error {
	head, extra, err := i.inlineDataLocked()
	if err != nil {
		return err
	}
	all := append(append([]byte(nil), head...), extra...)
	if i.d.size > uint64(len(all)) {
		i.fs.logf("inode #%d: inline data size %d beyond its space", i.ino, i.d.size)
		return abi.EUCLEAN
	}
	all = all[:i.d.size]
	clear(p)
	if off < int64(len(all)) {
		copy(p, all[off:])
	}
	return nil
}

// inlineLookupLocked finds name in an inline directory.
// Preconditions: i.mu is held.
func (i *inode) inlineLookupLocked(name string) (uint32, error) {
	if name == ".." {
		return le32(i.d.block[:], 0), nil
	}
	if name == "." {
		return i.ino, nil
	}
	head, extra, err := i.inlineDataLocked()
	if err != nil {
		return 0, err
	}
	for _, r := range [][]byte{head[inlineDotdotSize:], extra} {
		if len(r) == 0 {
			continue
		}
		if ino, ok, err := i.fs.findInBlock(r, name); err != nil || ok {
			return ino, err
		}
	}
	return 0, abi.ENOENT
}

// inlineReadDirLocked lists an inline directory. Offsets: 0 is ".", 1 is
// "..", and an entry's offset is its byte position in i_block, or 60
// plus its position in the attribute.
// Preconditions: i.mu is held.
func (i *inode) inlineReadDirLocked(off int64, emit func(vfs.Dirent) bool) error {
	if off == 0 {
		if !emit(vfs.Dirent{Name: ".", Ino: uint64(i.ino), Type: abi.DT_DIR, Next: 1}) {
			return nil
		}
		off = 1
	}
	if off == 1 {
		if !emit(vfs.Dirent{Name: "..", Ino: uint64(le32(i.d.block[:], 0)), Type: abi.DT_DIR, Next: inlineDotdotSize}) {
			return nil
		}
		off = inlineDotdotSize
	}
	head, extra, err := i.inlineDataLocked()
	if err != nil {
		return err
	}
	regions := []struct {
		b    []byte
		base int64
	}{{head[inlineDotdotSize:], inlineDotdotSize}, {extra, iBlockLen}}
	for _, r := range regions {
		stop := false
		err := i.fs.parseDirents(r.b, func(d dirent) bool {
			pos := r.base + int64(d.off)
			if pos < off || d.ino == 0 {
				return true
			}
			if !emit(vfs.Dirent{Name: string(d.name), Ino: uint64(d.ino), Type: dtype(d.ftype), Next: pos + int64(d.recLen)}) {
				stop = true
				return false
			}
			return true
		})
		if err != nil || stop {
			return err
		}
	}
	return nil
}
