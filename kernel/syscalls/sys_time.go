package syscalls

import (
	"crypto/rand"

	"liblinux/abi"
	"liblinux/kernel"
	"liblinux/kernel/usermem"
	"liblinux/kernel/waiter"
)

func init() {
	register(abi.SYS_CLOCK_GETTIME, ClockGettime)
	register(abi.SYS_CLOCK_GETRES, ClockGetres)
	register(abi.SYS_CLOCK_SETTIME, ClockSettime)
	register(abi.SYS_GETTIMEOFDAY, Gettimeofday)
	register(abi.SYS_SETTIMEOFDAY, Settimeofday)
	register(abi.SYS_NANOSLEEP, Nanosleep)
	register(abi.SYS_CLOCK_NANOSLEEP, ClockNanosleep)
	register(abi.SYS_GETRANDOM, Getrandom)
}

// clockNow reads clock id in nanoseconds: EINVAL for an unknown clock.
func clockNow(t *kernel.Task, id int32) (int64, error) {
	c := t.Kernel().Clock
	switch id {
	case abi.CLOCK_REALTIME, abi.CLOCK_REALTIME_COARSE, abi.CLOCK_TAI:
		return c.Realtime(), nil
	case abi.CLOCK_MONOTONIC, abi.CLOCK_MONOTONIC_RAW, abi.CLOCK_MONOTONIC_COARSE, abi.CLOCK_BOOTTIME:
		return c.Now(), nil
	case abi.CLOCK_PROCESS_CPUTIME_ID, abi.CLOCK_THREAD_CPUTIME_ID:
		// Library tasks run on host threads whose CPU time the kernel
		// does not account; time since boot bounds it from above.
		return c.Now(), nil
	}
	return 0, abi.EINVAL
}

func timespec(ns int64) abi.Timespec { return abi.Timespec{Sec: ns / 1e9, Nsec: ns % 1e9} }

// copyInTimespec reads a struct timespec and checks it as Linux's
// timespec64_valid(): EINVAL for a negative or out-of-range field.
func copyInTimespec(a usermem.Addr) (abi.Timespec, error) {
	var b [abi.SizeofTimespec]byte
	if err := usermem.CopyIn(b[:], a); err != nil {
		return abi.Timespec{}, err
	}
	var ts abi.Timespec
	ts.UnmarshalFrom(b[:])
	if ts.Sec < 0 || ts.Nsec < 0 || ts.Nsec >= 1e9 {
		return ts, abi.EINVAL
	}
	return ts, nil
}

// ClockGettime implements Linux syscall clock_gettime(2).
func ClockGettime(t *kernel.Task, a *Args) (uintptr, error) {
	ns, err := clockNow(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	ts := timespec(ns)
	return 0, copyOut(a.Ptr(1), &ts, abi.SizeofTimespec)
}

// ClockGetres implements Linux syscall clock_getres(2): 1 ns for the
// high-resolution clocks, the tick (4 ms) for the coarse ones.
func ClockGetres(t *kernel.Task, a *Args) (uintptr, error) {
	id := a.Int(0)
	if _, err := clockNow(t, id); err != nil {
		return 0, err
	}
	if a.Ptr(1) == 0 {
		return 0, nil
	}
	res := timespec(1)
	if id == abi.CLOCK_REALTIME_COARSE || id == abi.CLOCK_MONOTONIC_COARSE {
		res = timespec(4_000_000)
	}
	return 0, copyOut(a.Ptr(1), &res, abi.SizeofTimespec)
}

// ClockSettime implements Linux syscall clock_settime(2): only
// CLOCK_REALTIME is settable, with CAP_SYS_TIME.
func ClockSettime(t *kernel.Task, a *Args) (uintptr, error) {
	id := a.Int(0)
	if _, err := clockNow(t, id); err != nil {
		return 0, err
	}
	ts, err := copyInTimespec(a.Ptr(1))
	if err != nil {
		return 0, err
	}
	if id != abi.CLOCK_REALTIME {
		return 0, abi.EINVAL
	}
	if !t.Creds().HasCap(abi.CAP_SYS_TIME) {
		return 0, abi.EPERM
	}
	t.Kernel().Clock.SetRealtime(ts.Sec*1e9 + ts.Nsec)
	return 0, nil
}

// Gettimeofday implements Linux syscall gettimeofday(2).
func Gettimeofday(t *kernel.Task, a *Args) (uintptr, error) {
	if a.Ptr(0) != 0 {
		ns := t.Kernel().Clock.Realtime()
		tv := abi.Timeval{Sec: ns / 1e9, Usec: ns % 1e9 / 1e3}
		if err := copyOut(a.Ptr(0), &tv, abi.SizeofTimeval); err != nil {
			return 0, err
		}
	}
	if a.Ptr(1) != 0 {
		var tz abi.Timezone
		if err := copyOut(a.Ptr(1), &tz, abi.SizeofTimezone); err != nil {
			return 0, err
		}
	}
	return 0, nil
}

// Settimeofday implements Linux syscall settimeofday(2).
func Settimeofday(t *kernel.Task, a *Args) (uintptr, error) {
	if a.Ptr(0) == 0 {
		return 0, nil
	}
	var b [abi.SizeofTimeval]byte
	if err := usermem.CopyIn(b[:], a.Ptr(0)); err != nil {
		return 0, err
	}
	var tv abi.Timeval
	tv.UnmarshalFrom(b[:])
	if tv.Usec < 0 || tv.Usec >= 1e6 || tv.Sec < 0 {
		return 0, abi.EINVAL
	}
	if !t.Creds().HasCap(abi.CAP_SYS_TIME) {
		return 0, abi.EPERM
	}
	t.Kernel().Clock.SetRealtime(tv.Sec*1e9 + tv.Usec*1e3)
	return 0, nil
}

// sleepUntil sleeps to the monotonic deadline; on interruption it writes
// the remaining time to rem (if not NULL) and returns EINTR.
func sleepUntil(t *kernel.Task, deadline int64, rem usermem.Addr) error {
	if err := t.Sleep(deadline); err != nil {
		if rem != 0 {
			left := deadline - t.Kernel().Clock.Now()
			if left < 0 {
				left = 0
			}
			ts := timespec(left)
			if cerr := copyOut(rem, &ts, abi.SizeofTimespec); cerr != nil {
				return cerr
			}
		}
		return err
	}
	return nil
}

// Nanosleep implements Linux syscall nanosleep(2) on CLOCK_MONOTONIC.
func Nanosleep(t *kernel.Task, a *Args) (uintptr, error) {
	ts, err := copyInTimespec(a.Ptr(0))
	if err != nil {
		return 0, err
	}
	d := ts.Sec*1e9 + ts.Nsec
	now := t.Kernel().Clock.Now()
	return 0, sleepUntil(t, satAdd(now, d), a.Ptr(1))
}

func satAdd(a, b int64) int64 {
	if s := a + b; s >= a {
		return s
	}
	return 1<<63 - 1
}

// ClockNanosleep implements Linux syscall clock_nanosleep(2). Clocks
// Linux cannot sleep on give EOPNOTSUPP before the time is read: the
// thread CPU clock, the raw and coarse clocks, and the alarm clocks
// (no RTC). The process CPU clock is not accounted here (library tasks'
// CPU time is the host's), so it cannot be slept on either.
func ClockNanosleep(t *kernel.Task, a *Args) (uintptr, error) {
	id, flags := a.Int(0), a.Int(1)
	switch id {
	case abi.CLOCK_REALTIME, abi.CLOCK_MONOTONIC, abi.CLOCK_BOOTTIME, abi.CLOCK_TAI:
	case abi.CLOCK_PROCESS_CPUTIME_ID, abi.CLOCK_THREAD_CPUTIME_ID, abi.CLOCK_MONOTONIC_RAW,
		abi.CLOCK_REALTIME_COARSE, abi.CLOCK_MONOTONIC_COARSE, abi.CLOCK_REALTIME_ALARM, abi.CLOCK_BOOTTIME_ALARM:
		return 0, abi.EOPNOTSUPP
	default:
		return 0, abi.EINVAL
	}
	ts, err := copyInTimespec(a.Ptr(2))
	if err != nil {
		return 0, err
	}
	d := ts.Sec*1e9 + ts.Nsec
	if flags&abi.TIMER_ABSTIME != 0 {
		// An absolute sleep is not restarted with a remaining time.
		return 0, sleepUntilClock(t, id, d)
	}
	return 0, sleepUntil(t, satAdd(t.Kernel().Clock.Now(), d), a.Ptr(3))
}

// sleepUntilClock sleeps until clock id reads at least abs: at once if it
// already does. A change of CLOCK_REALTIME (clock_settime) is noticed
// during the sleep, as Linux's absolute realtime timers are.
func sleepUntilClock(t *kernel.Task, id int32, abs int64) error {
	c := t.Kernel().Clock
	for {
		// The kernel clock is read first: if time moves between the two
		// reads the deadline comes early, never late, and the loop
		// sleeps the rest.
		mono := c.Now()
		now, _ := clockNow(t, id)
		if now >= abs {
			return nil
		}
		set := waiter.NewEvent()
		remove := c.OnSet(set.Fire)
		err := t.Block(set, satAdd(mono, abs-now))
		remove()
		if err != nil && err != abi.ETIMEDOUT {
			return err
		}
	}
}

// Getrandom implements Linux syscall getrandom(2). The kernel's pool is
// Go's cryptographic generator, which never blocks once seeded.
func Getrandom(t *kernel.Task, a *Args) (uintptr, error) {
	n, flags := a.Int64(1), a.Uint(2)
	if flags&^(abi.GRND_NONBLOCK|abi.GRND_RANDOM|abi.GRND_INSECURE) != 0 ||
		flags&(abi.GRND_RANDOM|abi.GRND_INSECURE) == abi.GRND_RANDOM|abi.GRND_INSECURE {
		return 0, abi.EINVAL
	}
	if n > usermem.MaxRWCount {
		n = usermem.MaxRWCount
	}
	if n > 32<<20 {
		n = 32 << 20
	}
	var buf [256]byte
	done := int64(0)
	for done < n {
		c := min(int64(len(buf)), n-done)
		rand.Read(buf[:c])
		if err := usermem.CopyOut(a.Ptr(0)+usermem.Addr(done), buf[:c]); err != nil {
			if done > 0 {
				return uintptr(done), nil
			}
			return 0, err
		}
		done += c
	}
	return uintptr(done), nil
}
