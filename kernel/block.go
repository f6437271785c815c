package kernel

import (
	"sync/atomic"

	"liblinux/abi"
	"liblinux/kernel/waiter"
)

// Block implements vfs.Context: the task's host thread sleeps until ev
// fires, the monotonic deadline (0 = none) passes or the kernel halts.
// It sleeps in the host kernel (waiter.Event), so a wakeup costs what it
// costs Linux.
func (t *Task) Block(ev *waiter.Event, deadline int64) error {
	k := t.k
	var timedOut atomic.Bool
	if deadline != 0 {
		if k.Clock.Now() >= deadline {
			return pollEvent(ev)
		}
		tm := k.Clock.AfterFunc(deadline, func() {
			timedOut.Store(true)
			ev.Fire()
		})
		defer k.Clock.Stop(tm)
	}
	// Halting fires the events of the tasks it finds waiting (fireWaiting):
	// either it sees this one, or this task sees the state change.
	t.waiting.Store(ev)
	defer t.waiting.Store(nil)
	if k.state.Load() != stateRunning {
		return abi.EINTR
	}
	ev.Wait()
	switch {
	case k.state.Load() != stateRunning:
		return abi.EINTR
	case timedOut.Load():
		return abi.ETIMEDOUT
	}
	return nil
}

// pollEvent is a wait whose deadline has passed: nil if ev has fired,
// else ETIMEDOUT.
func pollEvent(ev *waiter.Event) error {
	if ev.TryWait() {
		return nil
	}
	return abi.ETIMEDOUT
}

// Block implements vfs.Context for the kernel's own work (boot, mounts
// at boot): no host thread of a task, so it waits in a select.
func (c *bootContext) Block(ev *waiter.Event, deadline int64) error {
	k := c.k
	if deadline == 0 {
		select {
		case <-ev.C():
			return nil
		case <-k.halt:
			return abi.EINTR
		}
	}
	if k.Clock.Now() >= deadline {
		return pollEvent(ev)
	}
	timeout := make(chan struct{})
	tm := k.Clock.AfterFunc(deadline, func() { close(timeout) })
	defer k.Clock.Stop(tm)
	select {
	case <-ev.C():
		return nil
	case <-timeout:
		return abi.ETIMEDOUT
	case <-k.halt:
		return abi.EINTR
	}
}

// fireWaiting wakes every task blocked in Block, once the kernel is no
// longer running.
func (k *Kernel) fireWaiting() {
	for _, t := range k.allTasks() {
		if ev := t.waiting.Load(); ev != nil {
			ev.Fire()
		}
	}
}

// Sleep blocks until the monotonic deadline; it returns EINTR if the
// kernel halts first.
func (t *Task) Sleep(deadline int64) error {
	if t.k.Clock.Now() >= deadline {
		return nil
	}
	if err := t.Block(waiter.NewEvent(), deadline); err != abi.ETIMEDOUT {
		return err
	}
	return nil
}
