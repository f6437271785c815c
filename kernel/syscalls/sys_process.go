package syscalls

import (
	"liblinux/abi"
	"liblinux/kernel"
	"liblinux/kernel/usermem"
)

func init() {
	register(abi.SYS_GETPID, Getpid)
	register(abi.SYS_GETPPID, Getppid)
	register(abi.SYS_GETTID, Gettid)
	register(abi.SYS_NEW_THREAD_GROUP_LEADER, NewThreadGroupLeader)
	register(abi.SYS_UNAME, Uname)
	register(abi.SYS_SETHOSTNAME, Sethostname)
	register(abi.SYS_SETDOMAINNAME, Setdomainname)
	register(abi.SYS_SYSINFO, Sysinfo)
	register(abi.SYS_REBOOT, Reboot)
}

// Getpid implements Linux syscall getpid(2).
func Getpid(t *kernel.Task, a *Args) (uintptr, error) { return uintptr(t.Group().PID), nil }

// Getppid implements Linux syscall getppid(2).
func Getppid(t *kernel.Task, a *Args) (uintptr, error) { return uintptr(t.Group().PPID()), nil }

// Gettid implements Linux syscall gettid(2).
func Gettid(t *kernel.Task, a *Args) (uintptr, error) { return uintptr(t.TID), nil }

// NewThreadGroupLeader implements LKL's new_thread_group_leader: the
// calling host thread becomes a process of its own.
func NewThreadGroupLeader(t *kernel.Task, a *Args) (uintptr, error) {
	return 0, t.Kernel().NewThreadGroupLeader(t)
}

func utsField(s string) [65]byte {
	var b [65]byte
	copy(b[:64], s)
	return b
}

// Uname implements Linux syscall uname(2) (struct new_utsname).
func Uname(t *kernel.Task, a *Args) (uintptr, error) {
	host, domain := t.Kernel().Hostname()
	u := abi.Utsname{
		Sysname:    utsField("Linux"),
		Nodename:   utsField(host),
		Release:    utsField(kernel.Release),
		Version:    utsField(kernel.Version),
		Machine:    utsField(kernel.Machine),
		Domainname: utsField(domain),
	}
	return 0, copyOut(a.Ptr(0), &u, abi.SizeofUtsname)
}

// setUTSName reads a name for sethostname/setdomainname: EINVAL if the
// length is out of range, EPERM without CAP_SYS_ADMIN.
func setUTSName(t *kernel.Task, a *Args, set func(string)) (uintptr, error) {
	n := a.Int64(1)
	if n < 0 || n > 64 {
		return 0, abi.EINVAL
	}
	if !t.Creds().HasCap(abi.CAP_SYS_ADMIN) {
		return 0, abi.EPERM
	}
	b := make([]byte, n)
	if err := usermem.CopyIn(b, a.Ptr(0)); err != nil {
		return 0, err
	}
	set(string(b))
	return 0, nil
}

// Sethostname implements Linux syscall sethostname(2).
func Sethostname(t *kernel.Task, a *Args) (uintptr, error) {
	return setUTSName(t, a, t.Kernel().SetHostname)
}

// Setdomainname implements Linux syscall setdomainname(2).
func Setdomainname(t *kernel.Task, a *Args) (uintptr, error) {
	return setUTSName(t, a, t.Kernel().SetDomainname)
}

// Sysinfo implements Linux syscall sysinfo(2).
func Sysinfo(t *kernel.Task, a *Args) (uintptr, error) {
	k := t.Kernel()
	total := uint64(k.Mem.Limit())
	used := uint64(k.Mem.Used())
	si := abi.Sysinfo{
		Uptime:   k.Uptime() / 1e9,
		Totalram: total,
		Freeram:  total - used,
		Procs:    uint16(k.TaskCount()),
		MemUnit:  1,
	}
	return 0, copyOut(a.Ptr(0), &si, abi.SizeofSysinfo)
}

// Reboot implements Linux syscall reboot(2). Halt, power-off and restart
// all stop this kernel (the library has nothing to restart into: a new
// kernel is booted with lkl_start_kernel); lkl_sys_halt uses RESTART as
// LKL does.
func Reboot(t *kernel.Task, a *Args) (uintptr, error) {
	magic1, magic2, cmd := a.Uint(0), a.Uint(1), a.Uint(2)
	if magic1 != abi.LINUX_REBOOT_MAGIC1 || (magic2 != abi.LINUX_REBOOT_MAGIC2 &&
		magic2 != abi.LINUX_REBOOT_MAGIC2A && magic2 != abi.LINUX_REBOOT_MAGIC2B && magic2 != abi.LINUX_REBOOT_MAGIC2C) {
		return 0, abi.EINVAL
	}
	if !t.Creds().HasCap(abi.CAP_SYS_BOOT) {
		return 0, abi.EPERM
	}
	switch cmd {
	case abi.LINUX_REBOOT_CMD_RESTART, abi.LINUX_REBOOT_CMD_HALT, abi.LINUX_REBOOT_CMD_POWER_OFF, abi.LINUX_REBOOT_CMD_RESTART2:
		t.Kernel().StartHalt()
		return 0, nil
	case abi.LINUX_REBOOT_CMD_CAD_ON, abi.LINUX_REBOOT_CMD_CAD_OFF:
		return 0, nil
	}
	return 0, abi.EINVAL
}
