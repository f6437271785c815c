//go:build linux && (arm64 || amd64)

package xsyscheck

import (
	"golang.org/x/sys/unix"

	"liblinux/abi"
)

// Constants x/sys has under other names than Linux's headers.
func _() {
	_ = [1]struct{}{}[int64(abi.POSIX_FADV_NORMAL)-int64(unix.FADV_NORMAL)]
	_ = [1]struct{}{}[int64(abi.POSIX_FADV_RANDOM)-int64(unix.FADV_RANDOM)]
	_ = [1]struct{}{}[int64(abi.POSIX_FADV_SEQUENTIAL)-int64(unix.FADV_SEQUENTIAL)]
	_ = [1]struct{}{}[int64(abi.POSIX_FADV_WILLNEED)-int64(unix.FADV_WILLNEED)]
	_ = [1]struct{}{}[int64(abi.POSIX_FADV_DONTNEED)-int64(unix.FADV_DONTNEED)]
	_ = [1]struct{}{}[int64(abi.POSIX_FADV_NOREUSE)-int64(unix.FADV_NOREUSE)]
}
