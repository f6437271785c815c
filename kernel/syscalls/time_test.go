package syscalls_test

import (
	"testing"

	"liblinux/abi"
)

// TestClockNanosleepClocks checks which clocks clock_nanosleep accepts:
// EOPNOTSUPP, before the time is read, for the CPU, raw, coarse and alarm
// clocks; EINVAL for unknown ones.
func TestClockNanosleepClocks(t *testing.T) {
	e := newVirtualEnv(t)
	_, zero := e.timespecBuf(0)
	for _, id := range []uintptr{abi.CLOCK_PROCESS_CPUTIME_ID, abi.CLOCK_THREAD_CPUTIME_ID, abi.CLOCK_MONOTONIC_RAW,
		abi.CLOCK_REALTIME_COARSE, abi.CLOCK_MONOTONIC_COARSE, abi.CLOCK_REALTIME_ALARM, abi.CLOCK_BOOTTIME_ALARM} {
		e.want("unsupported clock", e.sys(abi.SYS_CLOCK_NANOSLEEP, id, 0, zero, 0), errno(abi.EOPNOTSUPP))
		e.want("unsupported clock, NULL time", e.sys(abi.SYS_CLOCK_NANOSLEEP, id, 0, 0, 0), errno(abi.EOPNOTSUPP))
	}
	for _, id := range []int64{10, 12, -1} {
		e.want("unknown clock", e.sys(abi.SYS_CLOCK_NANOSLEEP, uintptr(id), 0, zero, 0), errno(abi.EINVAL))
	}
	for _, id := range []uintptr{abi.CLOCK_REALTIME, abi.CLOCK_MONOTONIC, abi.CLOCK_BOOTTIME, abi.CLOCK_TAI} {
		e.want("zero sleep", e.sys(abi.SYS_CLOCK_NANOSLEEP, id, 0, zero, 0), 0)
		// An absolute time already passed returns at once, on the
		// virtual clock that never moves by itself.
		e.want("absolute 0", e.sys(abi.SYS_CLOCK_NANOSLEEP, id, abi.TIMER_ABSTIME, zero, 0), 0)
		_, np := e.buf(abi.SizeofTimespec)
		e.want("clock_gettime", e.sys(abi.SYS_CLOCK_GETTIME, id, np), 0)
		e.want("absolute now", e.sys(abi.SYS_CLOCK_NANOSLEEP, id, abi.TIMER_ABSTIME, np, 0), 0)
	}
	e.want("NULL time", e.sys(abi.SYS_CLOCK_NANOSLEEP, abi.CLOCK_MONOTONIC, 0, 0, 0), errno(abi.EFAULT))
}

// TestClockNanosleepAbsolute checks absolute sleeps: to the deadline on
// the monotonic clock, and on CLOCK_REALTIME following clock_settime
// (a jump past the deadline ends the sleep, one back makes it longer).
func TestClockNanosleepAbsolute(t *testing.T) {
	e := newVirtualEnv(t)
	sleeper := e.newTask()
	nb, np := e.buf(abi.SizeofTimespec)

	e.want("clock_gettime", e.sys(abi.SYS_CLOCK_GETTIME, abi.CLOCK_MONOTONIC, np), 0)
	_, dp := e.timespecBuf(nanos(nb) + 10*msec)
	done := async(sleeper, abi.SYS_CLOCK_NANOSLEEP, abi.CLOCK_MONOTONIC, abi.TIMER_ABSTIME, dp, 0)
	e.waitTimers(1)
	e.host.Advance(10*msec - 1)
	if !pending(done) {
		t.Fatalf("monotonic sleep ended before its deadline: %d", <-done)
	}
	e.host.Advance(1)
	if r := <-done; r != 0 {
		t.Fatalf("monotonic sleep = %d", r)
	}

	// Realtime: the clock jumps past the deadline.
	e.want("clock_gettime", e.sys(abi.SYS_CLOCK_GETTIME, abi.CLOCK_REALTIME, np), 0)
	rt := nanos(nb)
	_, dp = e.timespecBuf(rt + time10s)
	done = async(sleeper, abi.SYS_CLOCK_NANOSLEEP, abi.CLOCK_REALTIME, abi.TIMER_ABSTIME, dp, 0)
	e.waitTimers(1)
	_, setp := e.timespecBuf(rt + 2*time10s)
	e.want("clock_settime forward", e.sys(abi.SYS_CLOCK_SETTIME, abi.CLOCK_REALTIME, setp), 0)
	if r := <-done; r != 0 {
		t.Fatalf("realtime sleep after the clock passed its deadline = %d", r)
	}

	// Realtime: the clock goes back 5 s, so the sleep lasts 5 s more.
	e.want("clock_gettime", e.sys(abi.SYS_CLOCK_GETTIME, abi.CLOCK_REALTIME, np), 0)
	rt = nanos(nb)
	_, dp = e.timespecBuf(rt + time10s)
	done = async(sleeper, abi.SYS_CLOCK_NANOSLEEP, abi.CLOCK_REALTIME, abi.TIMER_ABSTIME, dp, 0)
	e.waitTimers(1)
	_, setp = e.timespecBuf(rt - time10s/2)
	e.want("clock_settime back", e.sys(abi.SYS_CLOCK_SETTIME, abi.CLOCK_REALTIME, setp), 0)
	e.waitTimers(1)
	e.host.Advance(time10s)
	e.waitTimers(1)
	if !pending(done) {
		t.Fatalf("realtime sleep ended 5 s early: %d", <-done)
	}
	e.host.Advance(time10s / 2)
	if r := <-done; r != 0 {
		t.Fatalf("realtime sleep = %d", r)
	}
}
