package vfs

import (
	"sync/atomic"

	"liblinux/kernel/percpu"
)

// sbFiles counts the files open on a superblock, which keep it (and what
// its release writes back) alive after its last mount goes. Files are
// opened and closed all the time by every CPU, so the count is per CPU
// (percpu.Ref) while the superblock has a mount: nobody needs to see it
// reach zero then. When the last mount goes, the count switches to one
// shared number, and the close that takes it to zero releases the
// superblock, unless a mount(2) of its device took it back before
// (holdForMount); the count then stays shared.
type sbFiles struct {
	ref      percpu.Ref
	released atomic.Bool // release ran (or is not needed)
}

// unmounted runs when the last mount of sb goes: sb is released now if
// no file holds it, else by the last close.
func (sb *Superblock) unmounted() {
	if sb.files.ref.SwitchToAtomic() {
		sb.releaseOnce()
	}
}

// Abandon releases a superblock that was never mounted (mount(2) failed
// after the filesystem was read).
func (sb *Superblock) Abandon() {
	if sb.refs.Load() == 0 {
		sb.unmounted()
	}
}

// holdForMount takes a mount reference on sb for a new mount of it. A
// superblock whose mounts are all gone but whose files are still open
// (a lazy unmount left it to them) is taken back, as Linux's sget finds
// a superblock that is still active: a hold on its open files keeps the
// last close from releasing it while the mount reference is taken. Its
// files stay counted in the one shared number. false once it is released
// or being released.
func (sb *Superblock) holdForMount() bool {
	for {
		r := sb.refs.Load()
		if r > 0 {
			if sb.refs.CompareAndSwap(r, r+1) {
				return true
			}
			continue
		}
		if !sb.files.ref.TryGet() {
			return false
		}
		taken := sb.refs.CompareAndSwap(0, 1)
		sb.fileClosed(percpu.Slot())
		if taken {
			return true
		}
	}
}

// fileClosed drops an open file's hold on sb; slot is from percpu.Slot.
func (sb *Superblock) fileClosed(slot int) {
	if sb.files.ref.PutAt(slot) && sb.refs.Load() == 0 {
		sb.releaseOnce()
	}
}

// releaseOnce releases the filesystem instance, once: the last mount and
// the last close may both see the other gone.
func (sb *Superblock) releaseOnce() {
	if sb.files.released.CompareAndSwap(false, true) && sb.release != nil {
		sb.release()
	}
}
