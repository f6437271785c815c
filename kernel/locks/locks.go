// Package locks keeps the advisory file locks of one kernel: POSIX record
// locks and open file description (OFD) locks (fcntl(2) F_SETLK and
// friends), and BSD flock(2) locks, with Linux's semantics:
//
//   - Locks belong to an inode, keyed by its identity (the vfs.Inode value
//     and its superblock), so every open file of the inode sees them.
//   - A POSIX lock is owned by a process (its descriptor table) and goes
//     when that process closes any descriptor of the inode (Closed). An
//     OFD lock is owned by an open file description and goes with its last
//     reference, as does a flock lock (both through vfs.File.OnRelease).
//   - POSIX and OFD locks live in one list and conflict with each other
//     unless they have the same owner; flock locks are independent of both.
//   - A blocked F_SETLKW detects deadlocks between POSIX owners (EDEADLK);
//     OFD and flock waiters are not checked, as in Linux.
//
// The Table also keeps the rest of the per-file and per-inode state that
// fcntl(2) sets and liblinux has no other place for: the F_SETOWN owner
// and F_SETSIG signal of an open file and the F_SET_RW_HINT write hint of
// an inode.
//
// Lock order:
//
//	Table.mu
//	  vfs.File's release-hook lock (OnRelease)
//
// Table.mu is taken under FDTable.mu when a close drops POSIX locks. The
// release hooks run after the File dropped its own lock, so they may take
// Table.mu.
package locks

import (
	"reflect"
	"sync"
	"sync/atomic"

	"liblinux/kernel/vfs"
	"liblinux/kernel/waiter"
)

// Keyer is implemented by the FileOps of files that are not in the tree
// but share one inode among several open files (the two ends of a pipe):
// their locks are kept under LockKey, which must be comparable. Other
// files outside the tree share one key, as Linux's anonymous inode is
// shared by every eventfd, epoll and timerfd file.
type Keyer interface {
	LockKey() any
}

// inodeKey identifies an inode in the tree.
type inodeKey struct {
	sb  *vfs.Superblock
	ino vfs.Inode
}

// anonKey is the key of files outside the tree without a Keyer.
type anonKey struct{}

// keyOf returns the key under which f's inode keeps its locks.
func keyOf(f *vfs.File) any {
	if p := f.Path(); p.D != nil {
		ino := p.D.Inode()
		if reflect.TypeOf(ino).Comparable() {
			return inodeKey{p.D.Superblock(), ino}
		}
		return p.D
	}
	if k, ok := f.Ops().(Keyer); ok {
		return k.LockKey()
	}
	return anonKey{}
}

// inodeLocks is the lock state of one inode (Linux's file_lock_context).
type inodeLocks struct {
	records []*record    // POSIX and OFD locks, ordered by start
	flocks  []*flockLock // one per open file that holds one
	// waiters counts tasks blocked on this inode; wake holds their
	// events, fired (and cleared) to make them look again after a lock
	// went or changed.
	waiters int
	wake    []*waiter.Event
	hint    uint64 // F_SET_RW_HINT
}

func (il *inodeLocks) empty() bool {
	return len(il.records) == 0 && len(il.flocks) == 0 && il.waiters == 0 && il.hint == 0
}

// Table holds every lock of one kernel. The zero value is ready to use.
type Table struct {
	// inUse counts the inodes with lock state, so that a close on a
	// kernel without locks (the common case) takes no lock.
	inUse atomic.Int64

	mu     sync.Mutex
	inodes map[any]*inodeLocks // protected by mu
	// files are the open files with a release hook registered: those
	// that hold OFD or flock locks or have fcntl state. Protected by mu.
	files map[*vfs.File]*fileState
	// waiting maps a POSIX owner to the owners it is blocked on, for
	// deadlock detection (Linux's blocked_hash). Protected by mu.
	waiting map[any][]any
}

// fileState is what the table keeps for one open file description.
type fileState struct {
	key   any   // the inode key
	owner Owner // F_SETOWN
	sig   int32 // F_SETSIG
}

// inodeLocked returns the lock state of key, creating it if create is set.
//
// Preconditions: t.mu is held.
func (t *Table) inodeLocked(key any, create bool) *inodeLocks {
	il := t.inodes[key]
	if il == nil && create {
		if t.inodes == nil {
			t.inodes = make(map[any]*inodeLocks)
		}
		il = &inodeLocks{}
		t.inodes[key] = il
		t.inUse.Add(1)
	}
	return il
}

// putLocked forgets the state of key once nothing is left in it.
//
// Preconditions: t.mu is held.
func (t *Table) putLocked(key any, il *inodeLocks) {
	if il.empty() && t.inodes[key] == il {
		delete(t.inodes, key)
		t.inUse.Add(-1)
	}
}

// wakeLocked makes the waiters of il look again.
//
// Preconditions: t.mu is held.
func wakeLocked(il *inodeLocks) {
	for _, ev := range il.wake {
		ev.Fire()
	}
	il.wake = nil
}

// waitLocked returns the event a waiter on il blocks on and counts it.
// The caller drops t.mu, blocks, takes t.mu again and calls doneWaiting.
//
// Preconditions: t.mu is held.
func waitLocked(il *inodeLocks) *waiter.Event {
	ev := waiter.NewEvent()
	il.wake = append(il.wake, ev)
	il.waiters++
	return ev
}

// block waits for a change of il's locks. It returns with t.mu held.
//
// Preconditions: t.mu is held.
func (t *Table) block(ctx vfs.Context, key any, il *inodeLocks) error {
	ev := waitLocked(il)
	t.mu.Unlock()
	err := ctx.Block(ev, 0)
	t.mu.Lock()
	il.waiters--
	if err != nil {
		t.putLocked(key, il)
	}
	return err
}

// fileLocked returns the table's state for f, registering the hook that
// drops it (and f's OFD and flock locks) when f is released.
//
// Preconditions: t.mu is held.
func (t *Table) fileLocked(f *vfs.File, key any) *fileState {
	if fs := t.files[f]; fs != nil {
		return fs
	}
	if t.files == nil {
		t.files = make(map[*vfs.File]*fileState)
	}
	fs := &fileState{key: key}
	t.files[f] = fs
	f.OnRelease(func() { t.released(f) })
	return fs
}

// released drops what f held: its OFD locks, its flock lock and its fcntl
// state (Linux's locks_remove_file).
func (t *Table) released(f *vfs.File) {
	t.mu.Lock()
	defer t.mu.Unlock()
	fs := t.files[f]
	if fs == nil {
		return
	}
	delete(t.files, f)
	il := t.inodes[fs.key]
	if il == nil {
		return
	}
	changed := il.removeOwnerLocked(f)
	for i, fl := range il.flocks {
		if fl.file == f {
			il.flocks = append(il.flocks[:i], il.flocks[i+1:]...)
			changed = true
			break
		}
	}
	if changed {
		wakeLocked(il)
	}
	t.putLocked(fs.key, il)
}

// Closed drops the POSIX locks that owner (a process's descriptor table)
// holds on f's inode: Linux releases them when the process closes any
// descriptor of the inode, whichever file the locks were set through.
func (t *Table) Closed(owner any, f *vfs.File) {
	if t == nil || t.inUse.Load() == 0 {
		return
	}
	key := keyOf(f)
	t.mu.Lock()
	defer t.mu.Unlock()
	il := t.inodes[key]
	if il == nil {
		return
	}
	if il.removeOwnerLocked(owner) {
		wakeLocked(il)
	}
	t.putLocked(key, il)
}

// Waiters returns how many tasks are blocked in F_SETLKW, F_OFD_SETLKW or
// flock(2) on f's inode.
func (t *Table) Waiters(f *vfs.File) int {
	key := keyOf(f)
	t.mu.Lock()
	defer t.mu.Unlock()
	if il := t.inodes[key]; il != nil {
		return il.waiters
	}
	return 0
}
