package syscalls

import (
	"liblinux/abi"
	"liblinux/kernel"
	"liblinux/kernel/timerfd"
	"liblinux/kernel/usermem"
	"liblinux/kernel/vfs"
)

func init() {
	register(abi.SYS_TIMERFD_CREATE, TimerfdCreate)
	register(abi.SYS_TIMERFD_SETTIME, TimerfdSettime)
	register(abi.SYS_TIMERFD_GETTIME, TimerfdGettime)
}

// TimerfdCreate implements Linux syscall timerfd_create(2). The alarm
// clocks need CAP_WAKE_ALARM and behave as their plain counterparts (the
// kernel never suspends).
func TimerfdCreate(t *kernel.Task, a *Args) (uintptr, error) {
	id, flags := a.Int(0), a.Int(1)
	if flags&^(abi.TFD_CLOEXEC|abi.TFD_NONBLOCK) != 0 {
		return 0, abi.EINVAL
	}
	switch id {
	case abi.CLOCK_REALTIME, abi.CLOCK_MONOTONIC, abi.CLOCK_BOOTTIME,
		abi.CLOCK_REALTIME_ALARM, abi.CLOCK_BOOTTIME_ALARM:
	default:
		return 0, abi.EINVAL
	}
	if timerfd.IsAlarm(id) && !t.Creds().HasCap(abi.CAP_WAKE_ALARM) {
		return 0, abi.EPERM
	}
	ops := timerfd.New(t.Kernel().Clock, id)
	f := vfs.NewFile(vfs.Path{}, ops, abi.O_RDWR|uint32(flags)&abi.O_NONBLOCK)
	return installFile(t, f, flags&abi.TFD_CLOEXEC != 0)
}

// timerfdOf returns the timer behind fd: EBADF if fd is not open, EINVAL
// if it is not a timerfd.
func timerfdOf(t *kernel.Task, fd int32) (*vfs.File, *timerfd.TimerFD, error) {
	f := pollFile(t.Group().Files(), fd)
	if f == nil {
		return nil, nil, abi.EBADF
	}
	tf, ok := f.Ops().(*timerfd.TimerFD)
	if !ok {
		f.DecRef()
		return nil, nil, abi.EINVAL
	}
	return f, tf, nil
}

// ktimeNanos converts a checked timespec to nanoseconds, saturating as
// Linux's timespec64_to_ktime() does.
func ktimeNanos(ts abi.Timespec) int64 {
	if ts.Sec >= (1<<63-1)/1_000_000_000 {
		return 1<<63 - 1
	}
	return ts.Sec*1e9 + ts.Nsec
}

func itimerspec(s timerfd.Spec) abi.Itimerspec {
	return abi.Itimerspec{Interval: timespec(s.Interval), Value: timespec(s.Value)}
}

// TimerfdSettime implements Linux syscall timerfd_settime(2). With
// TFD_TIMER_CANCEL_ON_SET on an absolute CLOCK_REALTIME timer, a read
// fails with ECANCELED after the clock is set.
func TimerfdSettime(t *kernel.Task, a *Args) (uintptr, error) {
	fd, flags, newp, oldp := a.Int(0), a.Int(1), a.Ptr(2), a.Ptr(3)
	var b [abi.SizeofItimerspec]byte
	if err := usermem.CopyIn(b[:], newp); err != nil {
		return 0, err
	}
	var its abi.Itimerspec
	its.UnmarshalFrom(b[:])
	valid := func(ts abi.Timespec) bool { return ts.Sec >= 0 && ts.Nsec >= 0 && ts.Nsec < 1e9 }
	if flags&^(abi.TFD_TIMER_ABSTIME|abi.TFD_TIMER_CANCEL_ON_SET) != 0 || !valid(its.Value) || !valid(its.Interval) {
		return 0, abi.EINVAL
	}
	f, tf, err := timerfdOf(t, fd)
	if err != nil {
		return 0, err
	}
	defer f.DecRef()
	if timerfd.IsAlarm(tf.ClockID()) && !t.Creds().HasCap(abi.CAP_WAKE_ALARM) {
		return 0, abi.EPERM
	}
	old := tf.Set(timerfd.Spec{Value: ktimeNanos(its.Value), Interval: ktimeNanos(its.Interval)},
		flags&abi.TFD_TIMER_ABSTIME != 0, flags&abi.TFD_TIMER_CANCEL_ON_SET != 0)
	if oldp != 0 {
		o := itimerspec(old)
		return 0, copyOut(oldp, &o, abi.SizeofItimerspec)
	}
	return 0, nil
}

// TimerfdGettime implements Linux syscall timerfd_gettime(2).
func TimerfdGettime(t *kernel.Task, a *Args) (uintptr, error) {
	f, tf, err := timerfdOf(t, a.Int(0))
	if err != nil {
		return 0, err
	}
	defer f.DecRef()
	cur := itimerspec(tf.Get())
	return 0, copyOut(a.Ptr(1), &cur, abi.SizeofItimerspec)
}
