package syscalls

import (
	"encoding/binary"

	"liblinux/abi"
	"liblinux/kernel"
	"liblinux/kernel/usermem"
)

func init() {
	register(abi.SYS_GETUID, Getuid)
	register(abi.SYS_GETEUID, Geteuid)
	register(abi.SYS_GETGID, Getgid)
	register(abi.SYS_GETEGID, Getegid)
	register(abi.SYS_SETUID, Setuid)
	register(abi.SYS_SETGID, Setgid)
	register(abi.SYS_SETREUID, Setreuid)
	register(abi.SYS_SETREGID, Setregid)
	register(abi.SYS_SETRESUID, Setresuid)
	register(abi.SYS_GETRESUID, Getresuid)
	register(abi.SYS_SETRESGID, Setresgid)
	register(abi.SYS_GETRESGID, Getresgid)
	register(abi.SYS_SETFSUID, Setfsuid)
	register(abi.SYS_SETFSGID, Setfsgid)
	register(abi.SYS_GETGROUPS, Getgroups)
	register(abi.SYS_SETGROUPS, Setgroups)
	register(abi.SYS_CAPGET, Capget)
	register(abi.SYS_CAPSET, Capset)
}

// Credentials are per process in liblinux (see kernel.ThreadGroup's
// UpdateCreds): a set*id call changes them for all the caller's threads,
// which is what glibc's set*id wrappers arrange on Linux.

// Getuid implements Linux syscall getuid(2).
func Getuid(t *kernel.Task, a *Args) (uintptr, error) { return uintptr(t.Creds().UID), nil }

// Geteuid implements Linux syscall geteuid(2).
func Geteuid(t *kernel.Task, a *Args) (uintptr, error) { return uintptr(t.Creds().EUID), nil }

// Getgid implements Linux syscall getgid(2).
func Getgid(t *kernel.Task, a *Args) (uintptr, error) { return uintptr(t.Creds().GID), nil }

// Getegid implements Linux syscall getegid(2).
func Getegid(t *kernel.Task, a *Args) (uintptr, error) { return uintptr(t.Creds().EGID), nil }

// Setuid implements Linux syscall setuid(2).
func Setuid(t *kernel.Task, a *Args) (uintptr, error) { return 0, t.Group().Setuid(a.Uint(0)) }

// Setgid implements Linux syscall setgid(2).
func Setgid(t *kernel.Task, a *Args) (uintptr, error) { return 0, t.Group().Setgid(a.Uint(0)) }

// Setreuid implements Linux syscall setreuid(2).
func Setreuid(t *kernel.Task, a *Args) (uintptr, error) {
	return 0, t.Group().Setreuid(a.Uint(0), a.Uint(1))
}

// Setregid implements Linux syscall setregid(2).
func Setregid(t *kernel.Task, a *Args) (uintptr, error) {
	return 0, t.Group().Setregid(a.Uint(0), a.Uint(1))
}

// Setresuid implements Linux syscall setresuid(2).
func Setresuid(t *kernel.Task, a *Args) (uintptr, error) {
	return 0, t.Group().Setresuid(a.Uint(0), a.Uint(1), a.Uint(2))
}

// Setresgid implements Linux syscall setresgid(2).
func Setresgid(t *kernel.Task, a *Args) (uintptr, error) {
	return 0, t.Group().Setresgid(a.Uint(0), a.Uint(1), a.Uint(2))
}

// putIDs stores three ids, one 32-bit word each, stopping at the first
// bad address (EFAULT), as the put_user sequence of getresuid(2).
func putIDs(a *Args, ids ...uint32) error {
	var b [4]byte
	for i, id := range ids {
		binary.NativeEndian.PutUint32(b[:], id)
		if err := usermem.CopyOut(a.Ptr(i), b[:]); err != nil {
			return err
		}
	}
	return nil
}

// Getresuid implements Linux syscall getresuid(2).
func Getresuid(t *kernel.Task, a *Args) (uintptr, error) {
	c := t.Creds()
	return 0, putIDs(a, c.UID, c.EUID, c.SUID)
}

// Getresgid implements Linux syscall getresgid(2).
func Getresgid(t *kernel.Task, a *Args) (uintptr, error) {
	c := t.Creds()
	return 0, putIDs(a, c.GID, c.EGID, c.SGID)
}

// Setfsuid implements Linux syscall setfsuid(2): it always returns the
// previous fsuid, and changes it only when allowed.
func Setfsuid(t *kernel.Task, a *Args) (uintptr, error) {
	return uintptr(t.Group().Setfsuid(a.Uint(0))), nil
}

// Setfsgid implements Linux syscall setfsgid(2).
func Setfsgid(t *kernel.Task, a *Args) (uintptr, error) {
	return uintptr(t.Group().Setfsgid(a.Uint(0))), nil
}

// Getgroups implements Linux syscall getgroups(2): with size 0 it returns
// the count; EINVAL for a negative size or one smaller than the count.
func Getgroups(t *kernel.Task, a *Args) (uintptr, error) {
	size := a.Int(0)
	if size < 0 {
		return 0, abi.EINVAL
	}
	groups := t.Creds().Groups
	if size == 0 {
		return uintptr(len(groups)), nil
	}
	if len(groups) > int(size) {
		return 0, abi.EINVAL
	}
	b := make([]byte, 4*len(groups))
	for i, g := range groups {
		binary.NativeEndian.PutUint32(b[4*i:], g)
	}
	if err := usermem.CopyOut(a.Ptr(1), b); err != nil {
		return 0, err
	}
	return uintptr(len(groups)), nil
}

// Setgroups implements Linux syscall setgroups(2): EPERM without
// CAP_SETGID, EINVAL for a size above NGROUPS_MAX or an invalid gid,
// EFAULT for a bad list.
func Setgroups(t *kernel.Task, a *Args) (uintptr, error) {
	size := a.Int(0)
	if !t.Creds().HasCap(abi.CAP_SETGID) {
		return 0, abi.EPERM
	}
	if uint32(size) > abi.NGROUPS_MAX {
		return 0, abi.EINVAL
	}
	b := make([]byte, 4*int(size))
	if err := usermem.CopyIn(b, a.Ptr(1)); err != nil {
		return 0, err
	}
	groups := make([]uint32, size)
	for i := range groups {
		groups[i] = binary.NativeEndian.Uint32(b[4*i:])
	}
	return 0, t.Group().Setgroups(groups)
}

// capVersion checks a capability header's version as Linux's
// cap_validate_magic(): it returns how many 32-bit data structs the
// version uses, or EINVAL after writing the preferred version
// (_LINUX_CAPABILITY_VERSION_3) into the header.
func capVersion(hdr usermem.Addr) (int, error) {
	var b [4]byte
	if err := usermem.CopyIn(b[:], hdr); err != nil {
		return 0, err
	}
	switch binary.NativeEndian.Uint32(b[:]) {
	case abi.LINUX_CAPABILITY_VERSION_1:
		return abi.LINUX_CAPABILITY_U32S_1, nil
	case abi.LINUX_CAPABILITY_VERSION_2, abi.LINUX_CAPABILITY_VERSION_3:
		return abi.LINUX_CAPABILITY_U32S_3, nil
	}
	binary.NativeEndian.PutUint32(b[:], abi.LINUX_CAPABILITY_VERSION_3)
	if err := usermem.CopyOut(hdr, b[:]); err != nil {
		return 0, err
	}
	return 0, abi.EINVAL
}

// capPid reads the header's pid field.
func capPid(hdr usermem.Addr) (int32, error) {
	var b [4]byte
	if err := usermem.CopyIn(b[:], hdr+4); err != nil {
		return 0, err
	}
	return int32(binary.NativeEndian.Uint32(b[:])), nil
}

// Capget implements Linux syscall capget(2). pid 0 or the caller's tid
// reads the caller's sets, another live tid that task's (ESRCH if none,
// EINVAL if negative). A NULL data pointer only probes the version: it
// returns 0 even for an unknown version, which is still written back.
func Capget(t *kernel.Task, a *Args) (uintptr, error) {
	hdr, data := a.Ptr(0), a.Ptr(1)
	words, err := capVersion(hdr)
	if data == 0 {
		if err == abi.EINVAL {
			return 0, nil
		}
		return 0, err
	}
	if err != nil {
		return 0, err
	}
	pid, err := capPid(hdr)
	if err != nil {
		return 0, err
	}
	if pid < 0 {
		return 0, abi.EINVAL
	}
	c := t.Creds()
	if pid != 0 && pid != t.TID {
		target := t.Kernel().Task(pid)
		if target == nil {
			return 0, abi.ESRCH
		}
		c = target.Creds()
	}
	b := make([]byte, words*abi.SizeofCapUserData)
	for i := 0; i < words; i++ {
		d := abi.CapUserData{
			Effective:   uint32(c.CapEffective >> (32 * i)),
			Permitted:   uint32(c.CapPermitted >> (32 * i)),
			Inheritable: uint32(c.CapInheritable >> (32 * i)),
		}
		d.MarshalTo(b[i*abi.SizeofCapUserData:])
	}
	return 0, usermem.CopyOut(data, b)
}

// Capset implements Linux syscall capset(2): only the caller's own sets
// (pid 0 or its tid; EPERM otherwise) under the rules of
// kernel.ThreadGroup.Capset. A version 1 header sets only the low 32
// capabilities and clears the others.
func Capset(t *kernel.Task, a *Args) (uintptr, error) {
	hdr, data := a.Ptr(0), a.Ptr(1)
	words, err := capVersion(hdr)
	if err != nil {
		return 0, err
	}
	pid, err := capPid(hdr)
	if err != nil {
		return 0, err
	}
	if pid != 0 && pid != t.TID {
		return 0, abi.EPERM
	}
	b := make([]byte, words*abi.SizeofCapUserData)
	if err := usermem.CopyIn(b, data); err != nil {
		return 0, err
	}
	var eff, perm, inh uint64
	for i := 0; i < words; i++ {
		var d abi.CapUserData
		d.UnmarshalFrom(b[i*abi.SizeofCapUserData:])
		eff |= uint64(d.Effective) << (32 * i)
		perm |= uint64(d.Permitted) << (32 * i)
		inh |= uint64(d.Inheritable) << (32 * i)
	}
	return 0, t.Group().Capset(eff&capValid, perm&capValid, inh&capValid)
}

// capValid masks the capabilities the kernel knows (CAP_VALID_MASK).
const capValid = uint64(1)<<(abi.CAP_LAST_CAP+1) - 1
