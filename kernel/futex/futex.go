// Package futex implements futex(2) waiting and waking: tasks sleep on a
// 32-bit word in the caller's memory until another task wakes that word.
//
// The futex word lives in host memory and is only ever read or changed
// through usermem (atomic loads and compare-and-swap); the kernel never
// keeps a Go pointer to it. A futex is identified by its address. In Linux
// a private futex is keyed by (mm, address) and a shared one by the page
// it maps; every task of a liblinux kernel shares the one host address
// space, so the address alone is both keys. The difference that remains
// visible is Linux's: a private wake only range-checks the address, a
// shared one needs it mapped (EFAULT otherwise).
//
// Waiters are queued FIFO in hash buckets. A waiter reads the word under
// its bucket's lock before queueing, and a waker takes the same lock after
// changing the word, so a wake between the check and the sleep is never
// lost.
//
// Lock order:
//
//	bucket.mu (two buckets: lower index first)
//	  waiter channels (non-blocking sends only)
package futex

import (
	"sync"
	"sync/atomic"

	"liblinux/abi"
	"liblinux/kernel/usermem"
	wq "liblinux/kernel/waiter"
)

// Blocker is what a waiting task provides: vfs.Context's Block, which
// returns nil when ev fires, ETIMEDOUT at the CLOCK_MONOTONIC deadline
// (0 = none) and EINTR when the wait is interrupted.
type Blocker interface {
	Block(ev *wq.Event, deadline int64) error
}

const bucketCount = 256

// Table is one kernel's futex hash table. The zero value is ready.
type Table struct {
	buckets [bucketCount]bucket
}

type bucket struct {
	mu         sync.Mutex
	head, tail *waiter // FIFO of waiters; protected by mu
}

// waiter is one task sleeping in Wait.
type waiter struct {
	addr   usermem.Addr // protected by the lock of the bucket it is queued on
	bitset uint32       // immutable
	ev     *wq.Event
	// b is the bucket the waiter is queued on, nil once it was woken or
	// left. It changes only with that bucket's lock held (both buckets'
	// for a requeue).
	b          atomic.Pointer[bucket]
	prev, next *waiter // protected by b.mu
}

// index hashes a futex address to a bucket number.
func index(addr usermem.Addr) int {
	return int(uint64(addr>>2) * 0x9e3779b97f4a7c15 >> (64 - 8))
}

func (t *Table) bucketOf(addr usermem.Addr) *bucket { return &t.buckets[index(addr)] }

// checkAddr validates a futex address as Linux's get_futex_key(): EINVAL
// if it is not 4-byte aligned, EFAULT if it is outside the user range or,
// for a shared futex, not mapped.
func checkAddr(addr usermem.Addr, shared bool) error {
	if addr%4 != 0 {
		return abi.EINVAL
	}
	if addr > usermem.TaskSize-4 {
		return abi.EFAULT
	}
	if shared {
		if _, err := usermem.LoadUint32(addr); err != nil {
			return err
		}
	}
	return nil
}

// pushLocked appends w to b. Preconditions: b.mu is held.
func (b *bucket) pushLocked(w *waiter) {
	w.prev, w.next = b.tail, nil
	if b.tail != nil {
		b.tail.next = w
	} else {
		b.head = w
	}
	b.tail = w
	w.b.Store(b)
}

// removeLocked unlinks w from b. Preconditions: b.mu is held and w is
// queued on b.
func (b *bucket) removeLocked(w *waiter) {
	if w.prev != nil {
		w.prev.next = w.next
	} else {
		b.head = w.next
	}
	if w.next != nil {
		w.next.prev = w.prev
	} else {
		b.tail = w.prev
	}
	w.prev, w.next = nil, nil
	w.b.Store(nil)
}

// wakeLocked dequeues w and wakes it. Preconditions: b.mu is held.
func (b *bucket) wakeLocked(w *waiter) {
	b.removeLocked(w)
	w.ev.Fire() // never blocks; a waiter is dequeued, so woken once
}

// unqueue removes w from whatever bucket holds it. It reports false if w
// had already been woken.
func unqueue(w *waiter) bool {
	for {
		b := w.b.Load()
		if b == nil {
			return false
		}
		b.mu.Lock()
		if w.b.Load() == b {
			b.removeLocked(w)
			b.mu.Unlock()
			return true
		}
		// Requeued to another bucket meanwhile: follow it.
		b.mu.Unlock()
	}
}

// Wait implements FUTEX_WAIT and FUTEX_WAIT_BITSET: if the word at addr
// holds val, sleep until a wake whose bitset intersects bitset, or until
// the CLOCK_MONOTONIC deadline (0 = none).
//
//   - EINVAL: bitset is 0 or addr is misaligned.
//   - EFAULT: addr cannot be read.
//   - EAGAIN: the word does not hold val.
//   - ETIMEDOUT: the deadline passed first.
//   - EINTR: the wait was interrupted (the kernel halts).
func (t *Table) Wait(bl Blocker, addr usermem.Addr, val, bitset uint32, deadline int64) error {
	if bitset == 0 {
		return abi.EINVAL
	}
	if err := checkAddr(addr, false); err != nil {
		return err
	}
	w := &waiter{addr: addr, bitset: bitset, ev: wq.NewEvent()}
	b := t.bucketOf(addr)
	b.mu.Lock()
	cur, err := usermem.LoadUint32(addr)
	if err != nil {
		b.mu.Unlock()
		return err
	}
	if cur != val {
		b.mu.Unlock()
		return abi.EAGAIN
	}
	b.pushLocked(w)
	b.mu.Unlock()
	if err := bl.Block(w.ev, deadline); err != nil {
		if !unqueue(w) {
			// Woken while timing out: the wake counts, as in Linux.
			return nil
		}
		return err
	}
	return nil
}

// wakeInLocked wakes up to n waiters on addr whose bitset intersects bitset,
// and at least one if there is any (Linux's futex_wake counts this way, so
// a count of 0 wakes one). Preconditions: b.mu is held, b is addr's bucket.
func (b *bucket) wakeInLocked(addr usermem.Addr, n int32, bitset uint32) int {
	woken := 0
	for w := b.head; w != nil; {
		next := w.next
		if w.addr == addr && w.bitset&bitset != 0 {
			b.wakeLocked(w)
			woken++
			if int64(woken) >= int64(n) {
				break
			}
		}
		w = next
	}
	return woken
}

// Wake implements FUTEX_WAKE and FUTEX_WAKE_BITSET: it wakes up to n
// waiters on addr whose bitset intersects bitset and returns how many it
// woke. Errors: EINVAL (bitset 0, misaligned), EFAULT (see checkAddr).
func (t *Table) Wake(addr usermem.Addr, shared bool, n int32, bitset uint32) (int, error) {
	if bitset == 0 {
		return 0, abi.EINVAL
	}
	if err := checkAddr(addr, shared); err != nil {
		return 0, err
	}
	b := t.bucketOf(addr)
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.wakeInLocked(addr, n, bitset), nil
}

// lockPair locks the buckets of two addresses in a fixed order and
// returns them; unlock with unlockPair.
func (t *Table) lockPair(a1, a2 usermem.Addr) (*bucket, *bucket) {
	i1, i2 := index(a1), index(a2)
	b1, b2 := &t.buckets[i1], &t.buckets[i2]
	switch {
	case i1 == i2:
		b1.mu.Lock()
	case i1 < i2:
		b1.mu.Lock()
		b2.mu.Lock()
	default:
		b2.mu.Lock()
		b1.mu.Lock()
	}
	return b1, b2
}

func unlockPair(b1, b2 *bucket) {
	b1.mu.Unlock()
	if b2 != b1 {
		b2.mu.Unlock()
	}
}

// Requeue implements FUTEX_REQUEUE (cmp == nil) and FUTEX_CMP_REQUEUE:
// it wakes up to nrWake waiters on addr1 and moves up to nrRequeue more
// to addr2, returning the total. For CMP_REQUEUE the word at addr1 must
// hold *cmp (EAGAIN otherwise).
func (t *Table) Requeue(addr1, addr2 usermem.Addr, shared bool, nrWake, nrRequeue int32, cmp *uint32) (int, error) {
	if nrWake < 0 || nrRequeue < 0 {
		return 0, abi.EINVAL
	}
	if err := checkAddr(addr1, shared); err != nil {
		return 0, err
	}
	if err := checkAddr(addr2, shared); err != nil {
		return 0, err
	}
	b1, b2 := t.lockPair(addr1, addr2)
	defer unlockPair(b1, b2)
	if cmp != nil {
		cur, err := usermem.LoadUint32(addr1)
		if err != nil {
			return 0, err
		}
		if cur != *cmp {
			return 0, abi.EAGAIN
		}
	}
	count := 0
	for w := b1.head; w != nil; {
		next := w.next
		if count-int(nrWake) >= int(nrRequeue) {
			break
		}
		if w.addr == addr1 {
			count++
			if count <= int(nrWake) {
				b1.wakeLocked(w)
			} else if addr1 != addr2 {
				b1.removeLocked(w)
				w.addr = addr2
				b2.pushLocked(w)
			}
		}
		w = next
	}
	return count, nil
}

func signExtend12(v uint32) int32 { return int32(v<<20) >> 20 }

// atomicOp applies the operation encoded in enc to the word at addr
// atomically and evaluates its comparison on the old value, as Linux's
// futex_atomic_op_inuser(): ENOSYS for an unknown operation (the word is
// untouched) or comparison (the word was already changed).
func atomicOp(addr usermem.Addr, enc uint32) (bool, error) {
	op := (enc >> 28) & 7
	cmp := (enc >> 24) & 15
	oparg := signExtend12((enc >> 12) & 0xfff)
	cmparg := signExtend12(enc & 0xfff)
	if enc>>28&abi.FUTEX_OP_OPARG_SHIFT != 0 {
		oparg = 1 << (uint32(oparg) & 31)
	}
	if op > abi.FUTEX_OP_XOR {
		return false, abi.ENOSYS
	}
	var old uint32
	for {
		var err error
		if old, err = usermem.LoadUint32(addr); err != nil {
			return false, err
		}
		arg := uint32(oparg)
		var nv uint32
		switch op {
		case abi.FUTEX_OP_SET:
			nv = arg
		case abi.FUTEX_OP_ADD:
			nv = old + arg
		case abi.FUTEX_OP_OR:
			nv = old | arg
		case abi.FUTEX_OP_ANDN:
			nv = old &^ arg
		case abi.FUTEX_OP_XOR:
			nv = old ^ arg
		}
		ok, err := usermem.CompareAndSwapUint32(addr, old, nv)
		if err != nil {
			return false, err
		}
		if ok {
			break
		}
	}
	o, c := int32(old), cmparg
	switch cmp {
	case abi.FUTEX_OP_CMP_EQ:
		return o == c, nil
	case abi.FUTEX_OP_CMP_NE:
		return o != c, nil
	case abi.FUTEX_OP_CMP_LT:
		return o < c, nil
	case abi.FUTEX_OP_CMP_GE:
		return o >= c, nil
	case abi.FUTEX_OP_CMP_LE:
		return o <= c, nil
	case abi.FUTEX_OP_CMP_GT:
		return o > c, nil
	}
	return false, abi.ENOSYS
}

// WakeOp implements FUTEX_WAKE_OP: atomically apply op to the word at
// addr2, wake up to nr1 waiters on addr1 and, if op's comparison of the
// old value holds, up to nr2 waiters on addr2. It returns the total woken.
func (t *Table) WakeOp(addr1, addr2 usermem.Addr, shared bool, nr1, nr2 int32, op uint32) (int, error) {
	if err := checkAddr(addr1, shared); err != nil {
		return 0, err
	}
	if err := checkAddr(addr2, shared); err != nil {
		return 0, err
	}
	b1, b2 := t.lockPair(addr1, addr2)
	defer unlockPair(b1, b2)
	cond, err := atomicOp(addr2, op)
	if err != nil {
		return 0, err
	}
	woken := 0
	for w := b1.head; w != nil; {
		next := w.next
		if w.addr == addr1 {
			b1.wakeLocked(w)
			woken++
			if int64(woken) >= int64(nr1) {
				break
			}
		}
		w = next
	}
	if cond {
		n := 0
		for w := b2.head; w != nil; {
			next := w.next
			if w.addr == addr2 {
				b2.wakeLocked(w)
				n++
				if int64(n) >= int64(nr2) {
					break
				}
			}
			w = next
		}
		woken += n
	}
	return woken, nil
}

// Waiters returns how many tasks wait on addr (for tests and /proc).
func (t *Table) Waiters(addr usermem.Addr) int {
	b := t.bucketOf(addr)
	b.mu.Lock()
	defer b.mu.Unlock()
	n := 0
	for w := b.head; w != nil; w = w.next {
		if w.addr == addr {
			n++
		}
	}
	return n
}
