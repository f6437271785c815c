// Package abi is the Linux ABI that liblinux implements, as data: syscall
// numbers (asm-generic, as LKL numbers them), errno values, flag constants
// and struct layouts with explicit little-endian marshaling. Values are
// Linux's for a 64-bit target and never the host's. Everything except this
// file and syscall.go is generated from abi/internal/spec by
// go run ./abi/internal/gen.
//
// abi imports nothing of liblinux's.
package abi

import (
	"errors"
	"io/fs"
	"strconv"
)

// Errno is a Linux error number. It is the one error type that crosses the
// C ABI, as the negative of its value.
type Errno uintptr

func (e Errno) info() (errnoInfo, bool) {
	switch {
	case e < Errno(len(errnoTable)) && errnoTable[e].name != "":
		return errnoTable[e], true
	case e >= ERESTARTSYS && e-ERESTARTSYS < Errno(len(errnoInternal)):
		return errnoInternal[e-ERESTARTSYS], true
	}
	return errnoInfo{}, false
}

// Error returns Linux's message text, e.g. "No such file or directory".
func (e Errno) Error() string {
	if in, ok := e.info(); ok {
		return in.msg
	}
	if e == 0 {
		return "Success"
	}
	return "Unknown error " + strconv.FormatUint(uint64(e), 10)
}

// Name returns the symbolic name, e.g. "ENOENT", or "" for an unknown value.
func (e Errno) Name() string {
	in, _ := e.info()
	return in.name
}

// Is makes errors.Is(err, fs.ErrNotExist) and friends work, as for
// syscall.Errno.
func (e Errno) Is(target error) bool {
	switch target {
	case fs.ErrPermission:
		return e == EACCES || e == EPERM
	case fs.ErrExist:
		return e == EEXIST || e == ENOTEMPTY
	case fs.ErrNotExist:
		return e == ENOENT
	case errors.ErrUnsupported:
		return e == ENOSYS || e == ENOTSUP || e == EOPNOTSUPP
	}
	return false
}

// Internal reports whether e is a kernel-internal code that must never be
// returned to C (ERESTARTSYS and the like).
func (e Errno) Internal() bool { return e > MaxErrno }

// ErrnoOf finds the Errno in err's chain. A nil err gives 0, true; an err
// without an Errno gives 0, false.
func ErrnoOf(err error) (Errno, bool) {
	if err == nil {
		return 0, true
	}
	var e Errno
	if errors.As(err, &e) {
		return e, true
	}
	return 0, false
}
