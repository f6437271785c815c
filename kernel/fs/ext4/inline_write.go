package ext4

import "liblinux/abi"

// convertInlineLocked moves inline data into a block: files keep their
// contents, directories get "." and ".." and their entries in a normal
// first block. The inode is written by the caller.
// Preconditions: i.mu is held for writing.
func (i *inode) convertInlineLocked() error {
	fs := i.fs
	if i.d.flags&flInlineData == 0 {
		return nil
	}
	head, extra, err := i.inlineDataLocked()
	if err != nil {
		return err
	}
	var block []byte
	switch i.typ() {
	case abi.S_IFDIR:
		parent := le32(head, 0)
		es := []newDirent{{".", i.ino, ftDir}, {"..", parent, ftDir}}
		for _, r := range [][]byte{head[inlineDotdotSize:], extra} {
			if len(r) == 0 {
				continue
			}
			err := fs.parseDirents(r, func(d dirent) bool {
				if d.ino != 0 {
					es = append(es, newDirent{string(d.name), d.ino, d.ftype})
				}
				return true
			})
			if err != nil {
				return err
			}
		}
		need := 0
		for _, e := range es {
			need += direntLen(len(e.name))
		}
		if need > fs.dataLen() {
			return abi.EUCLEAN
		}
		block = fs.packDirents(es)
	default:
		data := append(append([]byte(nil), head...), extra...)
		if i.d.size > uint64(len(data)) {
			return abi.EUCLEAN
		}
		block = fs.newBuf()
		copy(block, data[:i.d.size])
	}
	if err := i.setXattrLocked(xiSystem, "data", nil, 0, true); err != nil && err != abi.ENODATA {
		return err
	}
	i.d.flags &^= flInlineData
	clear(i.d.block[:])
	if fs.g.hasIncompat(incompatExtents) {
		i.initExtentRoot()
	}
	if i.typ() != abi.S_IFDIR && i.d.size == 0 {
		return nil
	}
	if _, _, _, err := i.getBlocksLocked(0, 1, true); err != nil {
		return err
	}
	if i.typ() == abi.S_IFDIR {
		i.d.size = uint64(fs.g.blockSize)
		return i.writeDirBlockLocked(0, block)
	}
	return i.writeRawDirBlockLocked(0, block)
}
