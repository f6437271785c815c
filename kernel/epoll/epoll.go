// Package epoll implements epoll(7): an interest list of (file, fd) pairs,
// a ready list filled by wake-up callbacks from the watched files, and
// waits that collect events in level-triggered, edge-triggered and
// one-shot modes.
//
// Lock order:
//
//	nestMu (adding an epoll instance to another)
//	  Epoll.mu
//	    locks of watched files (their Readiness)
//	    watchMu (leaf)
//	waiter.Queue.mu of a watched file
//	  Epoll.readyMu (leaf; the wake-up callback takes only this)
//	    waiter.Queue.mu of the epoll itself
package epoll

import (
	"sync"

	"liblinux/abi"
	"liblinux/kernel/usermem"
	"liblinux/kernel/vfs"
	"liblinux/kernel/waiter"
)

type key struct {
	file *vfs.File
	fd   int32
}

type item struct {
	ep     *Epoll
	k      key
	events uint32 // requested events and flags; protected by ep.mu
	data   uint64 // protected by ep.mu
	entry  *waiter.Entry
	// ready and removed are protected by ep.readyMu.
	ready   bool
	removed bool
}

// Epoll is one epoll instance.
type Epoll struct {
	vfs.AnonInode

	mu    sync.Mutex
	items map[key]*item // protected by mu

	readyMu sync.Mutex
	ready   []*item // protected by readyMu

	queue waiter.Queue // waiters for events on this instance

	// watchers counts the registrations of this instance in other
	// instances, by watching instance; protected by watchMu.
	watchers map[*Epoll]int
}

var (
	// nestMu serialises EPOLL_CTL_ADD of an epoll instance, so that the
	// loop and depth check sees every other nesting being made.
	nestMu sync.Mutex
	// watchMu protects every Epoll.watchers.
	watchMu sync.Mutex
)

// maxNests is how many epoll instances may be stacked below the top one
// (Linux's EP_MAX_NESTS).
const maxNests = 4

var (
	_ vfs.FileOps  = (*Epoll)(nil)
	_ vfs.Waitable = (*Epoll)(nil)
)

// New returns an empty epoll instance.
func New() *Epoll { return &Epoll{items: make(map[key]*item)} }

// Read implements vfs.FileOps: EINVAL, as Linux.
func (ep *Epoll) Read(vfs.Context, *usermem.IO, int64) (int, error) { return 0, abi.EINVAL }

// Write implements vfs.FileOps: EINVAL.
func (ep *Epoll) Write(vfs.Context, *usermem.IO, int64) (int, error) { return 0, abi.EINVAL }

// AnonName is the name /proc/<pid>/fd shows for an epoll file.
func (ep *Epoll) AnonName() string { return "[eventpoll]" }

// Release implements vfs.FileOps: drop every registration.
func (ep *Epoll) Release() {
	ep.mu.Lock()
	items := ep.items
	ep.items = map[key]*item{}
	ep.mu.Unlock()
	for _, it := range items {
		ep.detach(it)
	}
}

// Readiness implements vfs.Waitable: readable while events are pending.
func (ep *Epoll) Readiness(mask uint32) uint32 {
	ep.readyMu.Lock()
	n := len(ep.ready)
	ep.readyMu.Unlock()
	if n > 0 {
		return mask & (waiter.EventIn | abi.POLLRDNORM)
	}
	return 0
}

// EventRegister implements vfs.Waitable.
func (ep *Epoll) EventRegister(e *waiter.Entry) { ep.queue.Register(e) }

// EventUnregister implements vfs.Waitable.
func (ep *Epoll) EventUnregister(e *waiter.Entry) { ep.queue.Unregister(e) }

// markReady queues it on the ready list and wakes waiters.
func (ep *Epoll) markReady(it *item) {
	ep.readyMu.Lock()
	if it.removed || it.ready {
		ep.readyMu.Unlock()
		return
	}
	it.ready = true
	ep.ready = append(ep.ready, it)
	ep.readyMu.Unlock()
	ep.queue.Notify(waiter.EventIn)
}

const validEvents = abi.EPOLLIN | abi.EPOLLPRI | abi.EPOLLOUT | abi.EPOLLERR | abi.EPOLLHUP |
	abi.EPOLLRDNORM | abi.EPOLLRDBAND | abi.EPOLLWRNORM | abi.EPOLLWRBAND | abi.EPOLLMSG | abi.EPOLLRDHUP

// exclusiveOK are the only bits EPOLL_CTL_ADD accepts with EPOLLEXCLUSIVE.
const exclusiveOK = abi.EPOLLIN | abi.EPOLLOUT | abi.EPOLLERR | abi.EPOLLHUP | abi.EPOLLWAKEUP |
	abi.EPOLLET | abi.EPOLLEXCLUSIVE

// Ctl implements epoll_ctl(2) for file f at descriptor fd, once the caller
// has checked that f supports poll and is not ep itself. EINVAL for
// EPOLLEXCLUSIVE with EPOLL_CTL_MOD, with an epoll target, or with any
// event or flag outside exclusiveOK (EPOLLONESHOT, EPOLLPRI, ...), before
// the interest list is looked at; EINVAL for EPOLL_CTL_MOD of an item
// added with EPOLLEXCLUSIVE.
func (ep *Epoll) Ctl(op int, fd int32, f *vfs.File, events uint32, data uint64) error {
	w, ok := f.Waitable()
	if !ok {
		return abi.EPERM
	}
	if op != abi.EPOLL_CTL_DEL && events&abi.EPOLLEXCLUSIVE != 0 {
		if op == abi.EPOLL_CTL_MOD {
			return abi.EINVAL
		}
		if _, isEpoll := f.Ops().(*Epoll); op == abi.EPOLL_CTL_ADD && (isEpoll || events&^exclusiveOK != 0) {
			return abi.EINVAL
		}
	}
	child, isEpoll := f.Ops().(*Epoll)
	if op == abi.EPOLL_CTL_ADD && isEpoll {
		nestMu.Lock()
		defer nestMu.Unlock()
		if ep.wouldLoop(child) {
			return abi.ELOOP
		}
	}
	k := key{f, fd}
	ep.mu.Lock()
	defer ep.mu.Unlock()
	it := ep.items[k]
	switch op {
	case abi.EPOLL_CTL_ADD:
		if it != nil {
			return abi.EEXIST
		}
		it = &item{ep: ep, k: k, events: events, data: data}
		it.entry = waiter.NewEntry(events&validEvents, func(uint32) { ep.markReady(it) })
		ep.items[k] = it
		if isEpoll {
			watchMu.Lock()
			if child.watchers == nil {
				child.watchers = map[*Epoll]int{}
			}
			child.watchers[ep]++
			watchMu.Unlock()
		}
		w.EventRegister(it.entry)
		f.OnRelease(func() { ep.forget(k) })
		if f.Readiness(events&validEvents) != 0 {
			ep.markReady(it)
		}
	case abi.EPOLL_CTL_MOD:
		if it == nil {
			return abi.ENOENT
		}
		if it.events&abi.EPOLLEXCLUSIVE != 0 {
			return abi.EINVAL
		}
		it.events, it.data = events, data
		w.EventUnregister(it.entry)
		it.entry = waiter.NewEntry(events&validEvents, func(uint32) { ep.markReady(it) })
		w.EventRegister(it.entry)
		if f.Readiness(events&validEvents) != 0 {
			ep.markReady(it)
		}
	case abi.EPOLL_CTL_DEL:
		if it == nil {
			return abi.ENOENT
		}
		delete(ep.items, k)
		ep.detach(it)
	default:
		return abi.EINVAL
	}
	return nil
}

// wouldLoop reports whether adding child to ep makes a loop (ep is child
// or below it) or a stack of more than maxNests instances below the top
// one, counting those above ep and below child: Linux's ELOOP check.
// Preconditions: nestMu is held; ep.mu is not.
func (ep *Epoll) wouldLoop(child *Epoll) bool {
	down := child.depthBelow(ep, 0)
	return down > maxNests || down+1+ep.depthAbove(0) > maxNests
}

// depthBelow returns depth plus how many levels of epoll instances are
// registered below ep, or more than maxNests if target is among them or
// the walk goes deeper than that. ep's lock is taken alone, to list its
// epoll items.
func (ep *Epoll) depthBelow(target *Epoll, depth int) int {
	if depth > maxNests {
		return depth
	}
	ep.mu.Lock()
	var children []*Epoll
	for k := range ep.items {
		if c, ok := k.file.Ops().(*Epoll); ok {
			children = append(children, c)
		}
	}
	ep.mu.Unlock()
	deepest := depth
	for _, c := range children {
		if c == target {
			return maxNests + 1
		}
		if d := c.depthBelow(target, depth+1); d > deepest {
			deepest = d
			if d > maxNests {
				break
			}
		}
	}
	return deepest
}

// depthAbove returns depth plus how many levels of epoll instances watch
// ep, stopping past maxNests.
func (ep *Epoll) depthAbove(depth int) int {
	if depth > maxNests {
		return depth
	}
	watchMu.Lock()
	parents := make([]*Epoll, 0, len(ep.watchers))
	for p := range ep.watchers {
		parents = append(parents, p)
	}
	watchMu.Unlock()
	highest := depth
	for _, p := range parents {
		highest = max(highest, p.depthAbove(depth+1))
	}
	return highest
}

// forget drops the registration of a file that was closed for good.
func (ep *Epoll) forget(k key) {
	ep.mu.Lock()
	it := ep.items[k]
	delete(ep.items, k)
	ep.mu.Unlock()
	if it != nil {
		ep.detach(it)
	}
}

func (ep *Epoll) detach(it *item) {
	if w, ok := it.k.file.Waitable(); ok {
		w.EventUnregister(it.entry)
	}
	if child, ok := it.k.file.Ops().(*Epoll); ok {
		watchMu.Lock()
		if child.watchers[ep]--; child.watchers[ep] <= 0 {
			delete(child.watchers, ep)
		}
		watchMu.Unlock()
	}
	ep.readyMu.Lock()
	it.removed = true
	ep.readyMu.Unlock()
}

// Event is one result of a wait.
type Event struct {
	Events uint32
	Data   uint64
}

// collect takes up to max ready events. Level-triggered items stay ready.
func (ep *Epoll) collect(max int) []Event {
	ep.mu.Lock()
	defer ep.mu.Unlock()
	ep.readyMu.Lock()
	list := ep.ready
	ep.ready = nil
	for _, it := range list {
		it.ready = false
	}
	ep.readyMu.Unlock()
	var out []Event
	var again []*item
	for i, it := range list {
		if len(out) == max {
			again = append(again, list[i:]...)
			break
		}
		if it.removed || it.events&validEvents == 0 {
			continue
		}
		r := it.k.file.Readiness(it.events & validEvents)
		if r == 0 {
			continue
		}
		out = append(out, Event{Events: r, Data: it.data})
		switch {
		case it.events&abi.EPOLLONESHOT != 0:
			it.events &= ^uint32(validEvents)
		case it.events&abi.EPOLLET == 0:
			again = append(again, it)
		}
	}
	for _, it := range again {
		ep.markReady(it)
	}
	return out
}

// Wait implements epoll_wait(2): up to max events, waiting until the
// monotonic deadline (0 = forever, -1 = do not wait).
func (ep *Epoll) Wait(ctx vfs.Context, max int, deadline int64) ([]Event, error) {
	if ev := ep.collect(max); len(ev) > 0 || deadline < 0 {
		return ev, nil
	}
	e, ch := waiter.NewEventEntry(waiter.EventIn)
	ep.queue.Register(e)
	defer ep.queue.Unregister(e)
	for {
		if ev := ep.collect(max); len(ev) > 0 {
			return ev, nil
		}
		if err := ctx.Block(ch, deadline); err != nil {
			if err == abi.ETIMEDOUT {
				return nil, nil
			}
			return nil, err
		}
	}
}
