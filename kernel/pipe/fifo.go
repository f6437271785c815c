package pipe

import (
	"liblinux/abi"
	"liblinux/kernel/vfs"
	"liblinux/kernel/waiter"
)

// OpenFIFO attaches a new end to p with the rules open(2) has for a FIFO
// (fifo(7), Linux's fifo_open):
//
//   - O_RDONLY waits until a writer has opened (any writer: one that came
//     and went also counts); with O_NONBLOCK it succeeds at once.
//   - O_WRONLY waits until a reader has opened; with O_NONBLOCK and no
//     reader it fails with ENXIO.
//   - O_RDWR never waits.
//
// A waiting opener already counts as a reader or writer, so its partner
// does not wait for it. A wait ends early with the error of ctx.Block
// (EINTR when the kernel halts), and the end is detached again.
// onRelease, if not nil, runs when the returned end is released.
func OpenFIFO(ctx vfs.Context, p *Pipe, flags uint32, onRelease func()) (*End, error) {
	return open(ctx, p, flags, false, onRelease)
}

// Reopen attaches a new end to an anonymous pipe, as opening
// /proc/<pid>/fd/N of a pipe does: like OpenFIFO, but it never waits for
// a partner nor fails for the lack of one.
func Reopen(p *Pipe, flags uint32) (*End, error) {
	return open(nil, p, flags, true, nil)
}

func open(ctx vfs.Context, p *Pipe, flags uint32, anon bool, onRelease func()) (*End, error) {
	nonblock := flags&abi.O_NONBLOCK != 0
	e := &End{P: p, onRelease: onRelease}
	p.mu.Lock()
	var partner *uint64
	switch flags & abi.O_ACCMODE {
	case abi.O_RDONLY:
		e.read = true
		if p.writers == 0 && !anon {
			if nonblock {
				// No POLLHUP until a writer this end has not seen goes.
				e.wseen = p.wcount
			} else {
				partner = &p.wcount
			}
		}
	case abi.O_WRONLY:
		if p.readers == 0 && !anon {
			if nonblock {
				p.mu.Unlock()
				return nil, abi.ENXIO
			}
			partner = &p.rcount
		}
		e.write = true
	case abi.O_RDWR:
		e.read, e.write = true, true
	default:
		p.mu.Unlock()
		return nil, abi.EINVAL
	}
	p.openLocked(e.read, e.write)
	p.queue.Notify(waiter.EventIn | waiter.EventOut)
	if partner != nil {
		if err := p.waitCountLocked(ctx, partner); err != nil {
			p.mu.Unlock()
			p.close(e.read, e.write)
			return nil, err
		}
	}
	p.mu.Unlock()
	return e, nil
}

// waitCountLocked waits until *count changes: a partner opened.
//
// Preconditions: p.mu is held; it is released while waiting.
func (p *Pipe) waitCountLocked(ctx vfs.Context, count *uint64) error {
	start := *count
	w, ch := waiter.NewEventEntry(waiter.EventIn | waiter.EventOut)
	p.queue.Register(w)
	defer p.queue.Unregister(w)
	for *count == start {
		p.mu.Unlock()
		err := ctx.Block(ch, 0)
		p.mu.Lock()
		if err != nil {
			return err
		}
	}
	return nil
}
