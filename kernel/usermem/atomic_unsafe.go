package usermem

import (
	"runtime/debug"
	"sync/atomic"

	"liblinux/abi"
)

// word returns the aligned 32-bit user word at a, or EFAULT for an address
// outside the user range and EINVAL for a misaligned one.
func word(a Addr) (*uint32, error) {
	if a%4 != 0 {
		return nil, abi.EINVAL
	}
	if err := checkRange(a, 4); err != nil {
		return nil, err
	}
	return (*uint32)(ptr(a)), nil
}

// LoadUint32 atomically reads the aligned 32-bit word at a (a futex word
// that other threads change with atomic instructions): EINVAL if a is not
// 4-byte aligned, EFAULT for a bad address.
func LoadUint32(a Addr) (v uint32, err error) {
	p, err := word(a)
	if err != nil {
		return 0, err
	}
	old := debug.SetPanicOnFault(true)
	defer debug.SetPanicOnFault(old)
	defer faultGuard(&err)
	return atomic.LoadUint32(p), nil
}

// CompareAndSwapUint32 atomically replaces the aligned 32-bit word at a
// with new if it holds old, and reports whether it did. Errors are those of
// LoadUint32.
func CompareAndSwapUint32(a Addr, old, new uint32) (swapped bool, err error) {
	p, err := word(a)
	if err != nil {
		return false, err
	}
	prev := debug.SetPanicOnFault(true)
	defer debug.SetPanicOnFault(prev)
	defer faultGuard(&err)
	return atomic.CompareAndSwapUint32(p, old, new), nil
}
