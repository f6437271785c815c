// Package timerfd implements timerfd_create(2) timers: a one-shot or
// periodic timer on CLOCK_REALTIME, CLOCK_MONOTONIC or CLOCK_BOOTTIME
// whose expirations are counted and read as an 8-byte number.
//
// Every timer runs on the kernel clock (ktime.Clock.AfterFunc), so a host
// with a virtual clock drives timerfds. As in Linux's fs/timerfd.c, a
// periodic timer is not re-armed by its expiry: the expirations that
// passed since are counted when the timer is read (or its time asked for)
// and the timer is re-armed then. Timers on CLOCK_REALTIME keep their
// expiry in real time: setting the clock moves them (and cancels reads of
// timers armed with TFD_TIMER_ABSTIME|TFD_TIMER_CANCEL_ON_SET).
// CLOCK_BOOTTIME is CLOCK_MONOTONIC: the kernel never suspends.
//
// Lock order:
//
//	TimerFD.mu
//	  ktime.Clock locks (AfterFunc, Stop)
//	waiter.Queue.mu (notifications are sent after TimerFD.mu is released)
package timerfd

import (
	"encoding/binary"
	"math"
	"sync"

	"liblinux/abi"
	"liblinux/kernel/ktime"
	"liblinux/kernel/usermem"
	"liblinux/kernel/vfs"
	"liblinux/kernel/waiter"
)

// TimerFD is the FileOps of a timerfd file.
type TimerFD struct {
	vfs.AnonInode
	clock      *ktime.Clock // immutable
	clockID    int32        // immutable
	realtime   bool         // immutable: expiries are in CLOCK_REALTIME
	removeHook func()       // immutable; nil for non-realtime clocks

	mu       sync.Mutex
	armed    bool         // expires is set (the timer was given a value); protected by mu
	expires  int64        // next expiry on the timer's clock, ns; protected by mu
	interval int64        // period, 0 for one-shot; protected by mu
	ticks    uint64       // expirations not yet read; protected by mu
	expired  bool         // fired and not yet forwarded; protected by mu
	timer    *ktime.Timer // pending kernel timer, or nil; protected by mu
	gen      uint64       // invalidates callbacks of stopped timers; protected by mu
	released bool         // protected by mu

	// mightCancel is TFD_TIMER_CANCEL_ON_SET in force; canceled records
	// that CLOCK_REALTIME was set since (Linux's moffs == KTIME_MAX).
	// Protected by mu.
	mightCancel bool
	canceled    bool

	queue waiter.Queue
}

var (
	_ vfs.FileOps  = (*TimerFD)(nil)
	_ vfs.Waitable = (*TimerFD)(nil)
	_ vfs.Streamer = (*TimerFD)(nil)
	_ vfs.Attacher = (*TimerFD)(nil)
)

// IsRealtime reports whether clockID's timers follow CLOCK_REALTIME.
func IsRealtime(clockID int32) bool {
	return clockID == abi.CLOCK_REALTIME || clockID == abi.CLOCK_REALTIME_ALARM
}

// IsAlarm reports whether clockID is an alarm clock (CAP_WAKE_ALARM).
func IsAlarm(clockID int32) bool {
	return clockID == abi.CLOCK_REALTIME_ALARM || clockID == abi.CLOCK_BOOTTIME_ALARM
}

// New returns a disarmed timer on clockID, which the caller has checked is
// CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME or an alarm variant.
func New(clock *ktime.Clock, clockID int32) *TimerFD {
	t := &TimerFD{clock: clock, clockID: clockID, realtime: IsRealtime(clockID)}
	if t.realtime {
		t.removeHook = clock.OnSet(t.clockWasSet)
	}
	return t
}

// ClockID returns the clock the timer was created on.
func (t *TimerFD) ClockID() int32 { return t.clockID }

// AnonName is the name /proc/<pid>/fd shows: anon_inode:[timerfd].
func (t *TimerFD) AnonName() string { return "[timerfd]" }

// now reads the timer's clock.
func (t *TimerFD) now() int64 {
	if t.realtime {
		return t.clock.Realtime()
	}
	return t.clock.Now()
}

func satAdd(a, b int64) int64 {
	if s := a + b; (b >= 0) == (s >= a) {
		return s
	}
	if b > 0 {
		return math.MaxInt64
	}
	return math.MinInt64
}

// stopLocked cancels the pending kernel timer. Preconditions: mu is held.
func (t *TimerFD) stopLocked() {
	if t.timer != nil {
		t.clock.Stop(t.timer)
		t.timer = nil
	}
	t.gen++
}

// startLocked programs the kernel timer for t.expires. An expiry that has
// already passed counts at once, as Linux's hrtimer fires before the
// caller can look. It reports whether the timer expired.
// Preconditions: mu is held, t.armed.
func (t *TimerFD) startLocked(now int64) bool {
	t.stopLocked()
	if t.expires <= now {
		t.expired = true
		t.ticks++
		return true
	}
	deadline := t.expires
	if t.realtime {
		deadline = satAdd(t.expires, t.clock.Now()-t.clock.Realtime())
	}
	gen := t.gen
	t.timer = t.clock.AfterFunc(deadline, func() { t.fire(gen) })
	return false
}

// fire runs on the kernel clock when the timer expires.
func (t *TimerFD) fire(gen uint64) {
	t.mu.Lock()
	if gen != t.gen || t.released {
		t.mu.Unlock()
		return
	}
	t.timer = nil
	fired := t.startLocked(t.now())
	t.mu.Unlock()
	if fired {
		t.queue.Notify(waiter.EventIn)
	}
}

// forwardLocked moves a periodic timer's expiry past now and returns how
// many periods that took, as Linux's hrtimer_forward_now().
// Preconditions: mu is held, t.interval > 0.
func (t *TimerFD) forwardLocked(now int64) uint64 {
	delta := now - t.expires
	if delta < 0 {
		return 0
	}
	n := delta/t.interval + 1
	if n > math.MaxInt64/t.interval {
		t.expires = math.MaxInt64
	} else {
		t.expires = satAdd(t.expires, n*t.interval)
	}
	return uint64(n)
}

// rearmLocked counts the periods of a fired periodic timer and programs
// it again (timerfd_read's and timerfd_gettime's re-arm). It reports
// whether the new expiry had also passed already.
// Preconditions: mu is held.
func (t *TimerFD) rearmLocked(now int64) bool {
	if !t.expired || t.interval == 0 {
		return false
	}
	t.expired = false
	if n := t.forwardLocked(now); n > 0 {
		t.ticks += n - 1
	}
	return t.startLocked(now)
}

// remainingLocked is the time to the next expiry, 0 if it passed or the
// timer is disarmed. Preconditions: mu is held.
func (t *TimerFD) remainingLocked(now int64) int64 {
	if !t.armed || t.expires <= now {
		return 0
	}
	return t.expires - now
}

// Spec is a timer setting in nanoseconds, as struct itimerspec.
type Spec struct {
	Value    int64 // time to (or, absolute, time of) the next expiry; 0 = disarmed
	Interval int64 // period; 0 = one-shot
}

// Set implements timerfd_settime(2) once the arguments are checked:
// abs makes Value an absolute time on the timer's clock, cancelOnSet is
// TFD_TIMER_CANCEL_ON_SET (effective only for absolute CLOCK_REALTIME
// timers). It returns the previous setting, as timerfd_gettime would.
func (t *TimerFD) Set(s Spec, abs, cancelOnSet bool) Spec {
	t.mu.Lock()
	now := t.now()
	t.mightCancel = t.realtime && abs && cancelOnSet
	if t.expired && t.interval > 0 {
		t.forwardLocked(now)
	}
	old := Spec{Value: t.remainingLocked(now), Interval: t.interval}
	t.stopLocked()
	t.expired = false
	t.ticks = 0
	t.interval = s.Interval
	t.armed = s.Value != 0
	t.expires = 0
	fired := false
	if t.armed {
		t.expires = s.Value
		if !abs {
			t.expires = satAdd(now, s.Value)
		}
		fired = t.startLocked(now)
	}
	t.mu.Unlock()
	if fired {
		t.queue.Notify(waiter.EventIn)
	}
	return old
}

// Get implements timerfd_gettime(2): the time to the next expiry and the
// period. A fired periodic timer is brought up to date first.
func (t *TimerFD) Get() Spec {
	t.mu.Lock()
	now := t.now()
	fired := t.rearmLocked(now)
	s := Spec{Value: t.remainingLocked(now), Interval: t.interval}
	t.mu.Unlock()
	if fired {
		t.queue.Notify(waiter.EventIn)
	}
	return s
}

// clockWasSet runs when CLOCK_REALTIME is set: a timer waiting for a
// real time is moved with the clock, and a TFD_TIMER_CANCEL_ON_SET timer
// becomes readable to report ECANCELED.
func (t *TimerFD) clockWasSet() {
	t.mu.Lock()
	if t.released {
		t.mu.Unlock()
		return
	}
	notify := false
	if t.mightCancel {
		t.canceled = true
		t.ticks++
		notify = true
	}
	if t.timer != nil && t.startLocked(t.now()) {
		notify = true
	}
	t.mu.Unlock()
	if notify {
		t.queue.Notify(waiter.EventIn)
	}
}

// Read implements vfs.FileOps: it returns the number of expirations since
// the last read as an 8-byte value, waiting for one if there is none.
//
//   - EINVAL: the buffer is shorter than 8 bytes.
//   - EAGAIN: no expiration yet and the file is non-blocking.
//   - ECANCELED: CLOCK_REALTIME was set under a TFD_TIMER_CANCEL_ON_SET
//     timer.
//   - EFAULT: the buffer is bad (the count is consumed anyway, as Linux).
//   - EINTR: the wait was interrupted.
func (t *TimerFD) Read(ctx vfs.Context, dst *usermem.IO, off int64) (int, error) {
	if dst.Len() < 8 {
		return 0, abi.EINVAL
	}
	var entry *waiter.Entry
	var ch *waiter.Event
	defer func() {
		if entry != nil {
			t.queue.Unregister(entry)
		}
	}()
	for {
		t.mu.Lock()
		if t.ticks == 0 && !t.NonBlock() {
			t.mu.Unlock()
			if entry == nil {
				entry, ch = waiter.NewEventEntry(waiter.EventIn)
				t.queue.Register(entry)
				continue
			}
			if err := ctx.Block(ch, 0); err != nil {
				return 0, err
			}
			continue
		}
		if t.mightCancel && t.canceled {
			t.canceled = false
			t.ticks = 0
			t.expired = false
			t.mu.Unlock()
			return 0, abi.ECANCELED
		}
		if t.ticks == 0 {
			t.mu.Unlock()
			return 0, abi.EAGAIN
		}
		n := t.ticks
		if t.expired && t.interval > 0 {
			// The forwarded expiry lies after now: restarting the
			// timer cannot expire it at once.
			now := t.now()
			if f := t.forwardLocked(now); f > 0 {
				n += f - 1
			}
			t.startLocked(now)
		}
		t.expired = false
		t.ticks = 0
		t.mu.Unlock()
		var b [8]byte
		binary.NativeEndian.PutUint64(b[:], n)
		if _, err := dst.CopyOut(0, b[:]); err != nil {
			return 0, err
		}
		return 8, nil
	}
}

// Write implements vfs.FileOps: timerfds are not writable (EINVAL).
func (t *TimerFD) Write(vfs.Context, *usermem.IO, int64) (int, error) { return 0, abi.EINVAL }

// Release implements vfs.FileOps: the timer stops.
func (t *TimerFD) Release() {
	t.mu.Lock()
	t.released = true
	t.stopLocked()
	t.mu.Unlock()
	if t.removeHook != nil {
		t.removeHook()
	}
}

// Readiness implements vfs.Waitable: POLLIN while expirations are unread.
func (t *TimerFD) Readiness(mask uint32) uint32 {
	t.mu.Lock()
	ticks := t.ticks
	t.mu.Unlock()
	if ticks > 0 {
		return mask & waiter.EventIn
	}
	return 0
}

// EventRegister implements vfs.Waitable.
func (t *TimerFD) EventRegister(w *waiter.Entry) { t.queue.Register(w) }

// EventUnregister implements vfs.Waitable.
func (t *TimerFD) EventUnregister(w *waiter.Entry) { t.queue.Unregister(w) }
