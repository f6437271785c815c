package vfs

import "liblinux/abi"

// SeekSize computes lseek(2)'s new position for a file whose data ends
// at size and whose positions may not pass limit, as Linux's
// generic_file_llseek_size: SEEK_CUR by 0 returns the current position
// unchecked, the whole of [0, size) is data (SEEK_DATA and SEEK_HOLE give
// ENXIO at or past size, and for negative offsets), and a result below 0
// or above limit is EINVAL. Files with holes or cookies compute their own.
func SeekSize(cur, off int64, whence int, size, limit int64) (int64, error) {
	var n int64
	switch whence {
	case abi.SEEK_SET:
		n = off
	case abi.SEEK_CUR:
		if off == 0 {
			return cur, nil
		}
		n = cur + off
	case abi.SEEK_END:
		n = size + off
	case abi.SEEK_DATA:
		if uint64(off) >= uint64(size) {
			return 0, abi.ENXIO
		}
		n = off
	case abi.SEEK_HOLE:
		if uint64(off) >= uint64(size) {
			return 0, abi.ENXIO
		}
		n = size
	default:
		return 0, abi.EINVAL
	}
	if n < 0 || n > limit {
		return 0, abi.EINVAL
	}
	return n, nil
}

// SeqSeek computes lseek(2)'s new position for a generated file, as
// Linux's seq_lseek: SEEK_SET and SEEK_CUR to a position that is not
// negative; any other whence is EINVAL.
func SeqSeek(cur, off int64, whence int) (int64, error) {
	switch whence {
	case abi.SEEK_SET:
	case abi.SEEK_CUR:
		off += cur
	default:
		return 0, abi.EINVAL
	}
	if off < 0 {
		return 0, abi.EINVAL
	}
	return off, nil
}
