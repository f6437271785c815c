package abi

// SyscallName returns the Linux name of syscall nr ("openat"), or "" if nr
// is not a syscall number.
func SyscallName(nr uintptr) string {
	if nr >= SyscallMax {
		return ""
	}
	return syscallTable[nr].name
}

// SyscallArgs returns the number of arguments syscall nr takes, or -1 if
// nr is not a syscall number.
func SyscallArgs(nr uintptr) int {
	if SyscallName(nr) == "" {
		return -1
	}
	return int(syscallTable[nr].args)
}
