// Package usermem is the one place where the kernel touches memory that a
// caller of a system call passed in: the C program's buffers, structs and
// strings. liblinux has no MMU of its own, so "user memory" is simply host
// memory at the address the caller gave; this package copies to and from it
// and turns a bad address into EFAULT instead of a crash.
//
// A NULL or near-NULL pointer (below MinAddr) and a range that wraps around
// are rejected before any access. A wild pointer into unmapped memory is
// caught by the runtime (debug.SetPanicOnFault) while the copy runs, and the
// copy returns EFAULT. Callers never hold raw pointers: they get copies, or
// they copy through an IO, so no kernel lock is ever held across a fault.
//
// Lock order: none (the package holds no locks).
package usermem

import "liblinux/abi"

// Addr is an address in the caller's (host) memory.
type Addr uintptr

// MinAddr is the lowest address ever accessed: the first page is never
// mapped by a Linux process, so any pointer below it is a NULL pointer.
const MinAddr Addr = 4096

// TaskSize is the top of a Linux x86-64 process's address space: no user
// range reaches past it (access_ok).
const TaskSize Addr = 1<<47 - 4096

// checkRange reports whether [a, a+n) is a plausible user range.
func checkRange(a Addr, n int) error {
	if n == 0 {
		return nil
	}
	if n < 0 || a < MinAddr || a+Addr(n) < a || a+Addr(n) > TaskSize {
		return abi.EFAULT
	}
	return nil
}

// CopyOut copies src to user memory at dst.
func CopyOut(dst Addr, src []byte) error {
	if err := checkRange(dst, len(src)); err != nil {
		return err
	}
	if len(src) == 0 {
		return nil
	}
	return copyOut(dst, src)
}

// CopyIn copies len(dst) bytes of user memory at src into dst.
func CopyIn(dst []byte, src Addr) error {
	if err := checkRange(src, len(dst)); err != nil {
		return err
	}
	if len(dst) == 0 {
		return nil
	}
	return copyIn(dst, src)
}

// CopyInString reads a NUL-terminated string of at most max bytes (not
// counting the NUL) at src. A string without a NUL within max+1 bytes gives
// tooLong (ENAMETOOLONG for paths, as Linux's getname does).
func CopyInString(src Addr, max int, tooLong error) (string, error) {
	if src < MinAddr {
		return "", abi.EFAULT
	}
	var buf [256]byte
	var out []byte
	for off := 0; off <= max; {
		n := len(buf)
		// Never read across a page boundary in one step: the next page
		// may be unmapped even though the string ends before it.
		if rem := pageSize - int((uintptr(src)+uintptr(off))%pageSize); rem < n {
			n = rem
		}
		chunk := buf[:n]
		if err := copyIn(chunk, src+Addr(off)); err != nil {
			return "", err
		}
		for i, c := range chunk {
			if c == 0 {
				if off+i > max {
					return "", tooLong
				}
				if out == nil {
					return string(chunk[:i]), nil
				}
				return string(append(out, chunk[:i]...)), nil
			}
		}
		out = append(out, chunk...)
		off += n
	}
	return "", tooLong
}

const pageSize = 4096
