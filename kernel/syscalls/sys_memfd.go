package syscalls

import (
	"liblinux/abi"
	"liblinux/kernel"
	"liblinux/kernel/fs/tmpfs"
	"liblinux/kernel/usermem"
)

func init() {
	register(abi.SYS_MEMFD_CREATE, MemfdCreate)
}

// memfdNameMax is MFD_NAME_MAX_LEN: NAME_MAX minus the "memfd:" prefix.
const memfdNameMax = 249

// MemfdCreate implements Linux syscall memfd_create(2). The file lives on
// an internal tmpfs instance; F_ADD_SEALS and F_GET_SEALS reach it through
// vfs.Sealable. MFD_HUGETLB needs hugetlbfs, which liblinux does not have
// (ENOSYS, as Linux without CONFIG_HUGETLBFS).
func MemfdCreate(t *kernel.Task, a *Args) (uintptr, error) {
	flags := a.Uint(1)
	const known = abi.MFD_CLOEXEC | abi.MFD_ALLOW_SEALING | abi.MFD_HUGETLB | abi.MFD_NOEXEC_SEAL | abi.MFD_EXEC
	if flags&abi.MFD_HUGETLB == 0 {
		if flags&^known != 0 {
			return 0, abi.EINVAL
		}
	} else if flags&^(known|0x3f<<26) != 0 {
		// MFD_HUGE_* page size bits are allowed with MFD_HUGETLB.
		return 0, abi.EINVAL
	}
	if flags&abi.MFD_EXEC != 0 && flags&abi.MFD_NOEXEC_SEAL != 0 {
		return 0, abi.EINVAL
	}
	name, err := usermem.CopyInString(a.Ptr(0), memfdNameMax, abi.EINVAL)
	if err != nil {
		return 0, err
	}
	if flags&abi.MFD_HUGETLB != 0 {
		return 0, abi.ENOSYS
	}
	ft, ok := t.Kernel().VFS.FilesystemType("tmpfs")
	tt, isTmpfs := ft.(*tmpfs.Type)
	if !ok || !isTmpfs {
		return 0, abi.ENOSYS
	}
	f, err := tt.NewMemfd(t, t.Kernel().VFS, name, flags)
	if err != nil {
		return 0, err
	}
	return installFile(t, f, flags&abi.MFD_CLOEXEC != 0)
}
