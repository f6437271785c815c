package syscalls

import (
	"runtime"

	"liblinux/abi"
	"liblinux/kernel"
	"liblinux/kernel/usermem"
)

func init() {
	register(abi.SYS_SCHED_YIELD, SchedYield)
	register(abi.SYS_GETCPU, Getcpu)
	register(abi.SYS_SCHED_GETAFFINITY, SchedGetaffinity)
	register(abi.SYS_SCHED_SETAFFINITY, SchedSetaffinity)
}

// The kernel presents one CPU, as an LKL kernel (built without SMP) does:
// tasks run on host threads that the host schedules, so the kernel has no
// CPUs of its own to report. getcpu(2) says CPU 0 on node 0 and the
// affinity mask is {0}.

// cpumaskSize is the size of the kernel's cpumask (cpumask_size()): one
// unsigned long.
const cpumaskSize = 8

// SchedYield implements Linux syscall sched_yield(2): it lets the Go
// scheduler run other goroutines; the host schedules the thread.
func SchedYield(t *kernel.Task, a *Args) (uintptr, error) {
	runtime.Gosched()
	return 0, nil
}

// Getcpu implements Linux syscall getcpu(2): CPU 0, node 0. The third
// argument (tcache) is ignored, as in Linux.
func Getcpu(t *kernel.Task, a *Args) (uintptr, error) {
	var zero [4]byte
	var err error
	for _, p := range []usermem.Addr{a.Ptr(0), a.Ptr(1)} {
		if p != 0 {
			if e := usermem.CopyOut(p, zero[:]); e != nil {
				err = abi.EFAULT
			}
		}
	}
	return 0, err
}

// affinityTarget checks the pid argument of sched_{get,set}affinity: 0 or
// a live task (ESRCH otherwise).
func affinityTarget(t *kernel.Task, pid int32) (*kernel.Task, error) {
	if pid == 0 {
		return t, nil
	}
	if pid < 0 {
		return nil, abi.ESRCH
	}
	if target := t.Kernel().Task(pid); target != nil {
		return target, nil
	}
	return nil, abi.ESRCH
}

// SchedGetaffinity implements Linux syscall sched_getaffinity(2): the mask
// {0}, cpumaskSize bytes of it. EINVAL if len is too small for the CPUs
// or not a multiple of sizeof(long).
func SchedGetaffinity(t *kernel.Task, a *Args) (uintptr, error) {
	n := a.Uint(1)
	if n*8 < 1 || n%8 != 0 {
		return 0, abi.EINVAL
	}
	if _, err := affinityTarget(t, a.Int(0)); err != nil {
		return 0, err
	}
	ret := min(n, cpumaskSize)
	b := make([]byte, ret)
	b[0] = 1
	if err := usermem.CopyOut(a.Ptr(2), b); err != nil {
		return 0, err
	}
	return uintptr(ret), nil
}

// SchedSetaffinity implements Linux syscall sched_setaffinity(2): the mask
// must contain CPU 0 (EINVAL otherwise); a shorter mask is zero-extended
// and a longer one truncated, as in Linux. Changing another process's
// affinity needs a matching euid or CAP_SYS_NICE (EPERM).
func SchedSetaffinity(t *kernel.Task, a *Args) (uintptr, error) {
	n := min(a.Uint(1), cpumaskSize)
	b := make([]byte, n)
	if err := usermem.CopyIn(b, a.Ptr(2)); err != nil {
		return 0, err
	}
	target, err := affinityTarget(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	c, tc := t.Creds(), target.Creds()
	if c.EUID != tc.EUID && c.EUID != tc.UID && !c.HasCap(abi.CAP_SYS_NICE) {
		return 0, abi.EPERM
	}
	if n == 0 || b[0]&1 == 0 {
		return 0, abi.EINVAL
	}
	return 0, nil
}
