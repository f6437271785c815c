package pipe

import (
	"liblinux/abi"
	"liblinux/kernel/usermem"
	"liblinux/kernel/vfs"
	"liblinux/kernel/waiter"
)

// End is an open read or write end: the FileOps of a pipe fd.
type End struct {
	P           *Pipe
	read, write bool
	nonblock    func() bool
	flags       func() uint32 // the file's status flags, once attached
	// wseen is the pipe's write-open count this end has seen: a read end
	// reports POLLHUP only once a writer it has not seen came and went.
	wseen uint64
	// onRelease, if set, runs after the end is detached (FIFO bookkeeping).
	onRelease func()
}

var (
	_ vfs.FileOps  = (*End)(nil)
	_ vfs.Waitable = (*End)(nil)
	_ vfs.Streamer = (*End)(nil)
)

// NewEnd opens an end of p (pipe(2)): it never blocks.
func NewEnd(p *Pipe, read, write bool) *End {
	p.Open(read, write)
	return &End{P: p, read: read, write: write}
}

// Attach implements vfs.Attacher: the end reads its file's O_NONBLOCK
// and O_DIRECT.
func (e *End) Attach(f *vfs.File) { e.nonblock, e.flags = f.NonBlocking, f.Flags }

func (e *End) nb() bool { return e.nonblock != nil && e.nonblock() }

// Packet reports whether writes through the end make packets: its file
// has O_DIRECT (set by pipe2(2) or fcntl(2) F_SETFL).
func (e *End) Packet() bool { return e.flags != nil && e.flags()&abi.O_DIRECT != 0 }

// DirectIO implements vfs.DirectIOer: O_DIRECT puts a pipe in packet
// mode (F_SETFL takes it on pipes and on open FIFOs).
func (e *End) DirectIO() {}

// Read implements vfs.FileOps.
func (e *End) Read(ctx vfs.Context, dst *usermem.IO, off int64) (int, error) {
	return e.P.Read(ctx, dst, e.nb())
}

// Write implements vfs.FileOps.
func (e *End) Write(ctx vfs.Context, src *usermem.IO, off int64) (int, error) {
	return e.P.Write(ctx, src, e.nb(), e.Packet())
}

// Release implements vfs.FileOps.
func (e *End) Release() {
	e.P.close(e.read, e.write)
	if e.onRelease != nil {
		e.onRelease()
	}
}

// Stream implements vfs.Streamer.
func (e *End) Stream() bool { return true }

// Readiness implements vfs.Waitable.
func (e *End) Readiness(mask uint32) uint32 {
	return e.P.readiness(mask, e.read, e.write, e.wseen)
}

// EventRegister implements vfs.Waitable.
func (e *End) EventRegister(w *waiter.Entry) { e.P.EventRegister(w) }

// EventUnregister implements vfs.Waitable.
func (e *End) EventUnregister(w *waiter.Entry) { e.P.EventUnregister(w) }

// PipeEnd returns e itself: fcntl finds pipes through it.
func (e *End) PipeEnd() *End { return e }

// Readable and Writable report which sides of the pipe the end holds.
func (e *End) Readable() bool { return e.read }
func (e *End) Writable() bool { return e.write }
