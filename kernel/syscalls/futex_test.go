package syscalls_test

import (
	"runtime"
	"testing"

	"liblinux/abi"
	"liblinux/kernel/usermem"
)

const (
	anyBits           = uintptr(abi.FUTEX_BITSET_MATCH_ANY)
	waitBitsetPrivate = abi.FUTEX_WAIT_BITSET | abi.FUTEX_PRIVATE_FLAG
	wakeBitsetPrivate = abi.FUTEX_WAKE_BITSET | abi.FUTEX_PRIVATE_FLAG
)

// futexWord returns a 4-byte futex word holding v.
func (e *env) futexWord(v uint32) usermem.Addr {
	b, p := e.buf(8)
	put32(b, v)
	return usermem.Addr(p)
}

// waiters spins until n tasks wait on a.
func (e *env) waiters(a usermem.Addr, n int) {
	for e.k.Futexes().Waiters(a) != n {
		runtime.Gosched()
	}
}

func TestFutexErrors(t *testing.T) {
	e := newVirtualEnv(t)
	w := e.futexWord(5)
	a := uintptr(w)
	bad, bp := e.buf(abi.SizeofTimespec)
	(&abi.Timespec{Nsec: 1e9}).MarshalTo(bad)
	_, zp := e.timespecBuf(0)
	for _, c := range []struct {
		name string
		args []uintptr
		want int64
	}{
		{"value differs", []uintptr{a, abi.FUTEX_WAIT_PRIVATE, 4, 0}, errno(abi.EAGAIN)},
		{"misaligned wait", []uintptr{a + 1, abi.FUTEX_WAIT_PRIVATE, 5, 0}, errno(abi.EINVAL)},
		{"misaligned wake", []uintptr{a + 2, abi.FUTEX_WAKE_PRIVATE, 1}, errno(abi.EINVAL)},
		{"private wake of NULL", []uintptr{0, abi.FUTEX_WAKE_PRIVATE, 1}, 0},
		{"shared wake of NULL", []uintptr{0, abi.FUTEX_WAKE, 1}, errno(abi.EFAULT)},
		{"wait on NULL", []uintptr{0, abi.FUTEX_WAIT_PRIVATE, 5, 0}, errno(abi.EFAULT)},
		{"bad timespec", []uintptr{a, abi.FUTEX_WAIT_PRIVATE, 5, bp}, errno(abi.EINVAL)},
		{"bad timespec before EAGAIN", []uintptr{a, abi.FUTEX_WAIT_PRIVATE, 4, bp}, errno(abi.EINVAL)},
		{"unreadable timespec", []uintptr{a, abi.FUTEX_WAIT_PRIVATE, 5, 8}, errno(abi.EFAULT)},
		{"zero relative timeout", []uintptr{a, abi.FUTEX_WAIT_PRIVATE, 5, zp}, errno(abi.ETIMEDOUT)},
		{"absolute time in the past", []uintptr{a, waitBitsetPrivate, 5, zp, 0, anyBits}, errno(abi.ETIMEDOUT)},
		{"wait bitset 0", []uintptr{a, waitBitsetPrivate, 5, 0, 0, 0}, errno(abi.EINVAL)},
		{"wake bitset 0", []uintptr{a, wakeBitsetPrivate, 1, 0, 0, 0}, errno(abi.EINVAL)},
		{"CLOCK_REALTIME with FUTEX_WAIT", []uintptr{a, abi.FUTEX_WAIT_PRIVATE | abi.FUTEX_CLOCK_REALTIME, 5, zp}, errno(abi.ENOSYS)},
		{"CLOCK_REALTIME with FUTEX_WAKE", []uintptr{a, abi.FUTEX_WAKE | abi.FUTEX_CLOCK_REALTIME, 1}, errno(abi.ENOSYS)},
		{"FUTEX_FD", []uintptr{a, abi.FUTEX_FD, 1}, errno(abi.ENOSYS)},
		{"FUTEX_LOCK_PI", []uintptr{a, abi.FUTEX_LOCK_PI | abi.FUTEX_PRIVATE_FLAG, 0, 0}, errno(abi.ENOSYS)},
		{"unknown op", []uintptr{a, 14, 1}, errno(abi.ENOSYS)},
		{"unknown flag bit", []uintptr{a, 0x200 | abi.FUTEX_WAKE, 1}, errno(abi.ENOSYS)},
		{"requeue negative count", []uintptr{a, abi.FUTEX_REQUEUE | abi.FUTEX_PRIVATE_FLAG, 1, 1<<32 - 1, a + 4}, errno(abi.EINVAL)},
		{"cmp requeue stale", []uintptr{a, abi.FUTEX_CMP_REQUEUE | abi.FUTEX_PRIVATE_FLAG, 1, 1, a + 4, 4}, errno(abi.EAGAIN)},
		{"cmp requeue", []uintptr{a, abi.FUTEX_CMP_REQUEUE | abi.FUTEX_PRIVATE_FLAG, 1, 1, a + 4, 5}, 0},
		{"wake op on a bad word", []uintptr{a, abi.FUTEX_WAKE_OP | abi.FUTEX_PRIVATE_FLAG, 1, 1, 8, 0}, errno(abi.EFAULT)},
	} {
		e.want(c.name, e.sys(abi.SYS_FUTEX, c.args...), c.want)
	}
}

func TestFutexWaitWakeAcrossTasks(t *testing.T) {
	e := newVirtualEnv(t)
	w := e.futexWord(0)
	a := uintptr(w)
	var res []chan int64
	for i := 0; i < 5; i++ {
		res = append(res, async(e.newTask(), abi.SYS_FUTEX, a, abi.FUTEX_WAIT_PRIVATE, 0, 0))
	}
	e.waiters(w, 5)
	e.want("wake 2", e.sys(abi.SYS_FUTEX, a, abi.FUTEX_WAKE_PRIVATE, 2), 2)
	e.waiters(w, 3)
	e.want("wake 0 wakes one", e.sys(abi.SYS_FUTEX, a, abi.FUTEX_WAKE_PRIVATE, 0), 1)
	e.want("shared wake of the rest", e.sys(abi.SYS_FUTEX, a, abi.FUTEX_WAKE, 1<<31-1), 2)
	for _, r := range res {
		e.want("woken", <-r, 0)
	}
	e.want("nobody left", e.sys(abi.SYS_FUTEX, a, abi.FUTEX_WAKE_PRIVATE, 1), 0)

	// Bitsets: only intersecting waiters wake.
	r1 := async(e.newTask(), abi.SYS_FUTEX, a, waitBitsetPrivate, 0, 0, 0, 1)
	r2 := async(e.newTask(), abi.SYS_FUTEX, a, waitBitsetPrivate, 0, 0, 0, 6)
	e.waiters(w, 2)
	e.want("wake bit 2", e.sys(abi.SYS_FUTEX, a, wakeBitsetPrivate, 10, 0, 0, 2), 1)
	e.want("bit 2 waiter", <-r2, 0)
	e.want("wake bit 1", e.sys(abi.SYS_FUTEX, a, wakeBitsetPrivate, 10, 0, 0, 1), 1)
	e.want("bit 1 waiter", <-r1, 0)

	// Requeue: wake one, move two to the second word.
	w2 := e.futexWord(0)
	for i := 0; i < 3; i++ {
		res[i] = async(e.newTask(), abi.SYS_FUTEX, a, abi.FUTEX_WAIT, 0, 0)
	}
	e.waiters(w, 3)
	e.want("cmp requeue", e.sys(abi.SYS_FUTEX, a, abi.FUTEX_CMP_REQUEUE, 1, 2, uintptr(w2), 0), 3)
	e.waiters(w2, 2)
	e.want("wake requeued", e.sys(abi.SYS_FUTEX, uintptr(w2), abi.FUTEX_WAKE, 5), 2)
	for i := 0; i < 3; i++ {
		e.want("requeued waiter", <-res[i], 0)
	}
}

func TestFutexTimeouts(t *testing.T) {
	e := newVirtualEnv(t)
	w := e.futexWord(7)
	a := uintptr(w)
	t2 := e.newTask()

	// FUTEX_WAIT: relative.
	_, rel := e.timespecBuf(50 * msec)
	r := async(t2, abi.SYS_FUTEX, a, abi.FUTEX_WAIT_PRIVATE, 7, rel)
	e.waitTimers(1)
	e.host.Advance(49 * msec)
	if !pending(r) {
		t.Fatalf("wait returned early: %d", <-r)
	}
	e.host.Advance(1 * msec)
	e.want("relative timeout", <-r, errno(abi.ETIMEDOUT))
	e.want("no waiter left", int64(e.k.Futexes().Waiters(w)), 0)

	// FUTEX_WAIT_BITSET: absolute CLOCK_MONOTONIC.
	_, abs := e.timespecBuf(e.k.Clock.Now() + 30*msec)
	r = async(t2, abi.SYS_FUTEX, a, waitBitsetPrivate, 7, abs, 0, anyBits)
	e.waitTimers(1)
	e.host.Advance(30 * msec)
	e.want("absolute monotonic timeout", <-r, errno(abi.ETIMEDOUT))

	// FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME: absolute CLOCK_REALTIME.
	_, absrt := e.timespecBuf(e.k.Clock.Realtime() + 20*msec)
	r = async(t2, abi.SYS_FUTEX, a, waitBitsetPrivate|abi.FUTEX_CLOCK_REALTIME, 7, absrt, 0, anyBits)
	e.waitTimers(1)
	e.host.Advance(19 * msec)
	if !pending(r) {
		t.Fatalf("realtime wait returned early: %d", <-r)
	}
	e.host.Advance(1 * msec)
	e.want("absolute realtime timeout", <-r, errno(abi.ETIMEDOUT))

	// A wake before the timeout.
	r = async(t2, abi.SYS_FUTEX, a, abi.FUTEX_WAIT_PRIVATE, 7, rel)
	e.waiters(w, 1)
	e.want("wake", e.sys(abi.SYS_FUTEX, a, abi.FUTEX_WAKE_PRIVATE, 1), 1)
	e.want("woken before the timeout", <-r, 0)

	// Halt interrupts a wait.
	r = async(t2, abi.SYS_FUTEX, a, abi.FUTEX_WAIT_PRIVATE, 7, 0)
	e.waiters(w, 1)
	e.k.StartHalt()
	e.want("halt", <-r, errno(abi.EINTR))
}

func TestFutexWakeOp(t *testing.T) {
	e := newEnv(t, "")
	w1, w2 := e.futexWord(0), e.futexWord(9)
	op := uintptr(abi.FUTEX_OP_ADD<<28 | abi.FUTEX_OP_CMP_EQ<<24 | 3<<12 | 9)
	r1 := async(e.newTask(), abi.SYS_FUTEX, uintptr(w1), abi.FUTEX_WAIT, 0, 0)
	r2 := async(e.newTask(), abi.SYS_FUTEX, uintptr(w2), abi.FUTEX_WAIT, 9, 0)
	e.waiters(w1, 1)
	e.waiters(w2, 1)
	e.want("wake op", e.sys(abi.SYS_FUTEX, uintptr(w1), abi.FUTEX_WAKE_OP, 1, 1, uintptr(w2), op), 2)
	<-r1
	<-r2
	if v, _ := usermem.LoadUint32(w2); v != 12 {
		t.Fatalf("word after FUTEX_OP_ADD = %d", v)
	}
	badCmp := uintptr(abi.FUTEX_OP_ADD<<28 | 7<<24 | 1<<12)
	e.want("bad comparison", e.sys(abi.SYS_FUTEX, uintptr(w1), abi.FUTEX_WAKE_OP, 1, 1, uintptr(w2), badCmp), errno(abi.ENOSYS))
	if v, _ := usermem.LoadUint32(w2); v != 13 {
		t.Fatalf("the operation runs before the comparison fails: %d", v)
	}
}
