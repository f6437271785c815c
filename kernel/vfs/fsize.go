package vfs

import "liblinux/abi"

// FileSizeLimiter is implemented by a Context whose caller has a file
// size limit: RLIMIT_FSIZE's soft value, abi.RLIM_INFINITY for none. A
// Context without it has no limit.
type FileSizeLimiter interface {
	FileSizeLimit() uint64
}

// fileSizeLimit returns the caller's limit, and false if it has none.
func fileSizeLimit(ctx Context) (int64, bool) {
	l, ok := ctx.(FileSizeLimiter)
	if !ok {
		return 0, false
	}
	v := l.FileSizeLimit()
	if v == abi.RLIM_INFINITY || v > 1<<63-1 {
		return 0, false
	}
	return int64(v), true
}

// WriteLimit applies the caller's RLIMIT_FSIZE to a write of n > 0 bytes
// at pos of a regular file, as Linux's generic_write_check_limits: EFBIG
// for a write that starts at or past the limit, a count cut at the limit
// for one that straddles it. Filesystems call it where the write's
// position is final (an append's is the size, under the inode's lock).
//
// Linux also sends SIGXFSZ, whose default action kills the process;
// liblinux delivers no signals, so a caller sees what a Linux process
// that ignores SIGXFSZ sees: EFBIG.
func WriteLimit(ctx Context, pos int64, n int) (int, error) {
	limit, ok := fileSizeLimit(ctx)
	if !ok {
		return n, nil
	}
	if pos >= limit {
		return 0, abi.EFBIG
	}
	return int(min(int64(n), limit-pos)), nil
}

// SizeLimit applies the caller's RLIMIT_FSIZE to a regular file growing
// from size old to size (truncate, fallocate), as Linux's
// inode_newsize_ok: EFBIG past the limit (reaching it is allowed);
// shrinking is never limited. The signal is as for WriteLimit.
func SizeLimit(ctx Context, size, old int64) error {
	if size <= old {
		return nil
	}
	if limit, ok := fileSizeLimit(ctx); ok && size > limit {
		return abi.EFBIG
	}
	return nil
}
