package ktime

// Sleep blocks until CLOCK_MONOTONIC reaches deadline or cancel is closed.
// It reports whether the deadline was reached.
func (c *Clock) Sleep(deadline int64, cancel <-chan struct{}) bool {
	if c.Now() >= deadline {
		return true
	}
	done := make(chan struct{})
	t := c.AfterFunc(deadline, func() { close(done) })
	select {
	case <-done:
		return true
	case <-cancel:
		if !c.Stop(t) {
			// The timer fired while we were being cancelled.
			select {
			case <-done:
				return true
			default:
			}
		}
		return false
	}
}
