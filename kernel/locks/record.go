package locks

import (
	"math"

	"liblinux/abi"
	"liblinux/kernel/vfs"
)

// EOF is the End of a lock that reaches past any end of file (l_len 0),
// Linux's OFFSET_MAX.
const EOF = math.MaxInt64

// Lock is a byte-range lock: Type is F_RDLCK, F_WRLCK or F_UNLCK, and the
// range is [Start, End], End inclusive (EOF for "to the end of file").
type Lock struct {
	Type  int16
	Start int64
	End   int64
	// PID is the process that set a POSIX lock, -1 for an OFD lock
	// (what F_GETLK reports as l_pid).
	PID int32
}

// record is a held POSIX or OFD lock.
type record struct {
	Lock
	owner any // the descriptor table (POSIX) or the *vfs.File (OFD)
	ofd   bool
}

func (r *record) overlaps(start, end int64) bool { return r.Start <= end && start <= r.End }

// conflicts reports whether two locks of different owners exclude each
// other: they overlap and one of them is a write lock.
func conflicts(a *record, owner any, l *Lock) bool {
	return a.owner != owner && a.overlaps(l.Start, l.End) && (a.Type == abi.F_WRLCK || l.Type == abi.F_WRLCK)
}

// maxDeadlockSteps bounds the walk of the waits-for chain, as Linux's
// MAX_DEADLK_ITERATIONS.
const maxDeadlockSteps = 10

// Test implements F_GETLK and F_OFD_GETLK: it returns the first lock that
// would keep owner from taking l, if any.
func (t *Table) Test(f *vfs.File, owner any, l Lock) (Lock, bool) {
	key := keyOf(f)
	t.mu.Lock()
	defer t.mu.Unlock()
	il := t.inodes[key]
	if il == nil {
		return Lock{}, false
	}
	if c := il.conflictLocked(owner, &l); c != nil {
		return c.Lock, true
	}
	return Lock{}, false
}

// Set implements F_SETLK, F_SETLKW, F_OFD_SETLK and F_OFD_SETLKW: it takes,
// changes or (F_UNLCK) releases owner's lock on l's range of f's inode.
// owner is the caller's descriptor table for a POSIX lock and f itself
// for an OFD lock. A conflicting lock of another owner gives EAGAIN, or
// with wait blocks until it goes (EINTR if the wait is interrupted); a
// POSIX wait that would close a cycle of waiting owners gives EDEADLK.
func (t *Table) Set(ctx vfs.Context, f *vfs.File, owner any, ofd bool, l Lock, wait bool) error {
	key := keyOf(f)
	if ofd {
		l.PID = -1
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	for {
		il := t.inodeLocked(key, l.Type != abi.F_UNLCK)
		if il == nil {
			return nil // nothing to unlock
		}
		if l.Type != abi.F_UNLCK {
			if c := il.conflictLocked(owner, &l); c != nil {
				if !wait {
					t.putLocked(key, il)
					return abi.EAGAIN
				}
				if !ofd {
					if t.deadlockLocked(owner, c.owner) {
						t.putLocked(key, il)
						return abi.EDEADLK
					}
					t.addWaitingLocked(owner, c.owner)
				}
				err := t.block(ctx, key, il)
				if !ofd {
					t.removeWaitingLocked(owner, c.owner)
				}
				if err != nil {
					return err
				}
				continue
			}
		}
		if ofd && l.Type != abi.F_UNLCK {
			t.fileLocked(f, key)
		}
		if il.applyLocked(owner, ofd, l) {
			wakeLocked(il)
		}
		t.putLocked(key, il)
		return nil
	}
}

// conflictLocked returns the first lock of another owner that conflicts
// with l.
//
// Preconditions: the table's mu is held.
func (il *inodeLocks) conflictLocked(owner any, l *Lock) *record {
	for _, r := range il.records {
		if conflicts(r, owner, l) {
			return r
		}
	}
	return nil
}

// applyLocked makes owner's locks cover l's range with l's type (or not
// at all for F_UNLCK), splitting what it had there and merging the result
// with owner's adjacent and overlapping locks of the same type. It
// reports whether another owner's waiter may now get its lock.
//
// Preconditions: the table's mu is held; no other owner's lock conflicts.
func (il *inodeLocks) applyLocked(owner any, ofd bool, l Lock) bool {
	released := false
	out := il.records[:0:0]
	nl := &record{Lock: l, owner: owner, ofd: ofd}
	for _, r := range il.records {
		if r.owner != owner {
			out = append(out, r)
			continue
		}
		if l.Type != abi.F_UNLCK && r.Type == l.Type && touches(r, &l) {
			// Same type, overlapping or adjacent: merge into the new lock.
			nl.Start = min(nl.Start, r.Start)
			nl.End = max(nl.End, r.End)
			continue
		}
		if !r.overlaps(l.Start, l.End) {
			out = append(out, r)
			continue
		}
		// The new range replaces this part of r: keep what lies outside.
		if r.Type == abi.F_WRLCK || l.Type == abi.F_UNLCK {
			released = true
		}
		if r.Start < l.Start {
			left := *r
			left.End = l.Start - 1
			out = append(out, &left)
		}
		if r.End > l.End {
			right := *r
			right.Start = l.End + 1
			out = append(out, &right)
		}
	}
	if l.Type != abi.F_UNLCK {
		out = append(out, nl)
	}
	sortRecords(out)
	il.records = out
	return released
}

// touches reports whether r overlaps l's range or ends right before or
// starts right after it.
func touches(r *record, l *Lock) bool {
	if r.overlaps(l.Start, l.End) {
		return true
	}
	return (r.End != EOF && r.End+1 == l.Start) || (l.End != EOF && l.End+1 == r.Start)
}

// sortRecords orders records by start (insertion sort: lists are short
// and nearly sorted).
func sortRecords(rs []*record) {
	for i := 1; i < len(rs); i++ {
		for j := i; j > 0 && rs[j].Start < rs[j-1].Start; j-- {
			rs[j], rs[j-1] = rs[j-1], rs[j]
		}
	}
}

// removeOwnerLocked drops every record of owner and reports whether there
// was one.
//
// Preconditions: the table's mu is held.
func (il *inodeLocks) removeOwnerLocked(owner any) bool {
	out := il.records[:0]
	for _, r := range il.records {
		if r.owner != owner {
			out = append(out, r)
		}
	}
	clear(il.records[len(out):])
	removed := len(out) != len(il.records)
	il.records = out
	return removed
}

// deadlockLocked reports whether owner waiting for blocker would close a
// cycle: blocker waits (through a chain of POSIX waiters) for owner.
//
// Preconditions: t.mu is held.
func (t *Table) deadlockLocked(owner, blocker any) bool {
	for i := 0; i < maxDeadlockSteps; i++ {
		if blocker == owner {
			return true
		}
		next := t.waiting[blocker]
		if len(next) == 0 {
			return false
		}
		blocker = next[0]
	}
	return false
}

// addWaitingLocked and removeWaitingLocked record that owner waits for
// blocker. Preconditions: t.mu is held.
func (t *Table) addWaitingLocked(owner, blocker any) {
	if t.waiting == nil {
		t.waiting = make(map[any][]any)
	}
	t.waiting[owner] = append(t.waiting[owner], blocker)
}

func (t *Table) removeWaitingLocked(owner, blocker any) {
	w := t.waiting[owner]
	for i, b := range w {
		if b == blocker {
			w = append(w[:i], w[i+1:]...)
			break
		}
	}
	if len(w) == 0 {
		delete(t.waiting, owner)
	} else {
		t.waiting[owner] = w
	}
}
