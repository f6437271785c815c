package kernel

import "liblinux/abi"

// Block implements vfs.Context: it waits for ch, the monotonic deadline
// (0 = none) or the kernel's halt.
func (t *Task) Block(ch <-chan struct{}, deadline int64) error {
	return t.k.block(ch, deadline)
}

func (c *bootContext) Block(ch <-chan struct{}, deadline int64) error {
	return c.k.block(ch, deadline)
}

func (k *Kernel) block(ch <-chan struct{}, deadline int64) error {
	if deadline == 0 {
		select {
		case <-ch:
			return nil
		case <-k.halt:
			return abi.EINTR
		}
	}
	if k.Clock.Now() >= deadline {
		select {
		case <-ch:
			return nil
		default:
			return abi.ETIMEDOUT
		}
	}
	timeout := make(chan struct{})
	tm := k.Clock.AfterFunc(deadline, func() { close(timeout) })
	defer k.Clock.Stop(tm)
	select {
	case <-ch:
		return nil
	case <-timeout:
		return abi.ETIMEDOUT
	case <-k.halt:
		return abi.EINTR
	}
}

// Sleep blocks until the monotonic deadline; it returns EINTR if the
// kernel halts first.
func (t *Task) Sleep(deadline int64) error {
	if t.k.Clock.Sleep(deadline, t.k.halt) {
		return nil
	}
	return abi.EINTR
}
