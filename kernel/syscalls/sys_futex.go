package syscalls

import (
	"liblinux/abi"
	"liblinux/kernel"
)

func init() {
	register(abi.SYS_FUTEX, Futex)
}

// futexHasTimeout reports whether cmd reads its fourth argument as a
// timeout (Linux's futex_cmd_has_timeout()); the others read a count.
func futexHasTimeout(cmd int32) bool {
	switch cmd {
	case abi.FUTEX_WAIT, abi.FUTEX_LOCK_PI, abi.FUTEX_LOCK_PI2, abi.FUTEX_WAIT_BITSET, abi.FUTEX_WAIT_REQUEUE_PI:
		return true
	}
	return false
}

// Futex implements Linux syscall futex(2): FUTEX_WAIT, FUTEX_WAKE,
// FUTEX_WAIT_BITSET, FUTEX_WAKE_BITSET, FUTEX_REQUEUE, FUTEX_CMP_REQUEUE
// and FUTEX_WAKE_OP, private or shared, with FUTEX_CLOCK_REALTIME for
// FUTEX_WAIT_BITSET. The priority-inheritance operations fail with ENOSYS,
// as in a kernel built without CONFIG_FUTEX_PI, and so do unknown
// operations.
//
// FUTEX_WAIT's timeout is relative on CLOCK_MONOTONIC; FUTEX_WAIT_BITSET's
// is absolute, on CLOCK_MONOTONIC or CLOCK_REALTIME. An absolute
// CLOCK_REALTIME timeout is turned into a CLOCK_MONOTONIC deadline when
// the wait starts: setting the clock during the wait does not move it.
func Futex(t *kernel.Task, a *Args) (uintptr, error) {
	addr, op, val, utime, addr2, val3 := a.Ptr(0), a.Int(1), a.Uint(2), a.Ptr(3), a.Ptr(4), a.Uint(5)
	cmd := op &^ (abi.FUTEX_PRIVATE_FLAG | abi.FUTEX_CLOCK_REALTIME)
	shared := op&abi.FUTEX_PRIVATE_FLAG == 0
	realtime := op&abi.FUTEX_CLOCK_REALTIME != 0
	clock := t.Kernel().Clock
	deadline := int64(0)
	if utime != 0 && futexHasTimeout(cmd) {
		ts, err := copyInTimespec(utime)
		if err != nil {
			return 0, err
		}
		d := ktimeNanos(ts)
		switch {
		case cmd == abi.FUTEX_WAIT:
			deadline = satAdd(clock.Now(), d)
		case realtime || cmd == abi.FUTEX_LOCK_PI:
			deadline = d - clock.Realtime() + clock.Now()
		default:
			deadline = d
		}
		// 0 means "no deadline" to Block; any time already past is -1,
		// which times out at once.
		if deadline <= clock.Now() {
			deadline = -1
		}
	}
	if realtime && cmd != abi.FUTEX_WAIT_BITSET && cmd != abi.FUTEX_WAIT_REQUEUE_PI && cmd != abi.FUTEX_LOCK_PI2 {
		return 0, abi.ENOSYS
	}
	ft := t.Kernel().Futexes()
	switch cmd {
	case abi.FUTEX_WAIT:
		return 0, ft.Wait(t, addr, val, abi.FUTEX_BITSET_MATCH_ANY, deadline)
	case abi.FUTEX_WAIT_BITSET:
		return 0, ft.Wait(t, addr, val, val3, deadline)
	case abi.FUTEX_WAKE:
		n, err := ft.Wake(addr, shared, int32(val), abi.FUTEX_BITSET_MATCH_ANY)
		return uintptr(n), err
	case abi.FUTEX_WAKE_BITSET:
		n, err := ft.Wake(addr, shared, int32(val), val3)
		return uintptr(n), err
	case abi.FUTEX_REQUEUE:
		n, err := ft.Requeue(addr, addr2, shared, int32(val), int32(uint32(utime)), nil)
		return uintptr(n), err
	case abi.FUTEX_CMP_REQUEUE:
		n, err := ft.Requeue(addr, addr2, shared, int32(val), int32(uint32(utime)), &val3)
		return uintptr(n), err
	case abi.FUTEX_WAKE_OP:
		n, err := ft.WakeOp(addr, addr2, shared, int32(val), int32(uint32(utime)), val3)
		return uintptr(n), err
	}
	return 0, abi.ENOSYS
}
