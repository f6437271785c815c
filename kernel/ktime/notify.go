package ktime

// OnSet registers fn to run after every change of CLOCK_REALTIME, as
// Linux's clock_was_set() notifies realtime timers and timerfds that asked
// for TFD_TIMER_CANCEL_ON_SET. fn runs in the caller of SetRealtime with
// no clock lock held. The returned function removes the hook.
func (c *Clock) OnSet(fn func()) (remove func()) {
	c.setMu.Lock()
	if c.setHooks == nil {
		c.setHooks = make(map[uint64]func())
	}
	id := c.setNext
	c.setNext++
	c.setHooks[id] = fn
	c.setMu.Unlock()
	return func() {
		c.setMu.Lock()
		delete(c.setHooks, id)
		c.setMu.Unlock()
	}
}

// runSetHooks calls every OnSet hook.
func (c *Clock) runSetHooks() {
	c.setMu.Lock()
	hooks := make([]func(), 0, len(c.setHooks))
	for _, fn := range c.setHooks {
		hooks = append(hooks, fn)
	}
	c.setMu.Unlock()
	for _, fn := range hooks {
		fn()
	}
}
