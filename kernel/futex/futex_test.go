package futex

import (
	"runtime"
	"sync"
	"testing"

	"liblinux/abi"
	"liblinux/kernel/usermem"
	wq "liblinux/kernel/waiter"
)

// blocker waits for the wake channel; a deadline (any non-zero value)
// times out when the test closes timeout.
type blocker struct{ timeout chan struct{} }

func newBlocker() *blocker { return &blocker{timeout: make(chan struct{})} }

func (b *blocker) Block(ev *wq.Event, deadline int64) error {
	if deadline == 0 {
		<-ev.C()
		return nil
	}
	select {
	case <-ev.C():
		return nil
	case <-b.timeout:
		return abi.ETIMEDOUT
	}
}

// words returns n futex words in Go memory and the address of the first.
func words(t *testing.T, n int) usermem.Addr {
	b := make([]byte, 4*n)
	t.Cleanup(func() { runtime.KeepAlive(b) })
	return usermem.AddrOf(b)
}

func store(t *testing.T, a usermem.Addr, v uint32) {
	t.Helper()
	for {
		old, err := usermem.LoadUint32(a)
		if err != nil {
			t.Fatal(err)
		}
		if ok, _ := usermem.CompareAndSwapUint32(a, old, v); ok {
			return
		}
	}
}

func load(t *testing.T, a usermem.Addr) uint32 {
	t.Helper()
	v, err := usermem.LoadUint32(a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// waitFor spins until n tasks wait on a.
func waitFor(tab *Table, a usermem.Addr, n int) {
	for tab.Waiters(a) != n {
		runtime.Gosched()
	}
}

// sleepers starts n goroutines waiting on a for value val with bitset,
// and returns a channel of their results.
func sleepers(tab *Table, b Blocker, a usermem.Addr, val, bitset uint32, n int) chan error {
	out := make(chan error, n)
	before := tab.Waiters(a)
	for i := 0; i < n; i++ {
		go func() { out <- tab.Wait(b, a, val, bitset, 0) }()
	}
	waitFor(tab, a, before+n)
	return out
}

func TestWaitChecksValueAndArguments(t *testing.T) {
	var tab Table
	a := words(t, 2)
	store(t, a, 5)
	b := newBlocker()
	tests := []struct {
		name   string
		addr   usermem.Addr
		val    uint32
		bitset uint32
		want   error
	}{
		{"value differs", a, 4, ^uint32(0), abi.EAGAIN},
		{"bitset 0", a, 5, 0, abi.EINVAL},
		{"misaligned", a + 1, 5, ^uint32(0), abi.EINVAL},
		{"null", 0, 5, ^uint32(0), abi.EFAULT},
		{"low address", 8, 5, ^uint32(0), abi.EFAULT},
		{"beyond user range", usermem.TaskSize, 5, ^uint32(0), abi.EFAULT},
	}
	for _, tc := range tests {
		if err := tab.Wait(b, tc.addr, tc.val, tc.bitset, 0); err != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, err, tc.want)
		}
	}
	if tab.Waiters(a) != 0 {
		t.Fatalf("failed waits left waiters")
	}
}

func TestWakeAddressChecks(t *testing.T) {
	var tab Table
	a := words(t, 1)
	tests := []struct {
		name   string
		addr   usermem.Addr
		shared bool
		bitset uint32
		want   error
	}{
		{"private null only range-checked", 0, false, ^uint32(0), nil},
		{"shared null", 0, true, ^uint32(0), abi.EFAULT},
		{"misaligned", a + 2, false, ^uint32(0), abi.EINVAL},
		{"bitset 0", a, false, 0, abi.EINVAL},
		{"past the user range", usermem.TaskSize, false, ^uint32(0), abi.EFAULT},
		{"mapped shared", a, true, ^uint32(0), nil},
	}
	for _, tc := range tests {
		n, err := tab.Wake(tc.addr, tc.shared, 1, tc.bitset)
		if err != tc.want || n != 0 {
			t.Errorf("%s: got (%d, %v), want (0, %v)", tc.name, n, err, tc.want)
		}
	}
}

func TestWakeCountsExactly(t *testing.T) {
	var tab Table
	a := words(t, 1)
	b := newBlocker()
	res := sleepers(&tab, b, a, 0, ^uint32(0), 5)
	if n, err := tab.Wake(a, false, 2, ^uint32(0)); n != 2 || err != nil {
		t.Fatalf("wake 2: (%d, %v)", n, err)
	}
	for i := 0; i < 2; i++ {
		if err := <-res; err != nil {
			t.Fatalf("woken wait = %v", err)
		}
	}
	if got := tab.Waiters(a); got != 3 {
		t.Fatalf("waiters after waking 2 = %d, want 3", got)
	}
	// Linux's futex_wake stops after the first waiter when asked for 0.
	if n, _ := tab.Wake(a, false, 0, ^uint32(0)); n != 1 {
		t.Fatalf("wake 0 woke %d, want 1", n)
	}
	<-res
	if n, _ := tab.Wake(a, false, 1<<30, ^uint32(0)); n != 2 {
		t.Fatalf("wake all woke %d, want 2", n)
	}
	<-res
	<-res
	if n, _ := tab.Wake(a, false, 1, ^uint32(0)); n != 0 {
		t.Fatalf("wake with no waiters = %d", n)
	}
}

func TestBitsetSelectsWaiters(t *testing.T) {
	var tab Table
	a := words(t, 1)
	b := newBlocker()
	r1 := sleepers(&tab, b, a, 0, 1, 1)
	r2 := sleepers(&tab, b, a, 0, 2, 2)
	if n, _ := tab.Wake(a, false, 10, 2); n != 2 {
		t.Fatalf("wake bitset 2 woke %d, want 2", n)
	}
	<-r2
	<-r2
	if got := tab.Waiters(a); got != 1 {
		t.Fatalf("bitset 1 waiter gone: waiters = %d", got)
	}
	if n, _ := tab.Wake(a, false, 10, 4); n != 0 {
		t.Fatalf("wake bitset 4 woke %d", n)
	}
	if n, _ := tab.Wake(a, false, 10, 3); n != 1 {
		t.Fatalf("wake bitset 3 woke %d", n)
	}
	<-r1
}

func TestTimeoutAndWakeRace(t *testing.T) {
	var tab Table
	a := words(t, 1)
	b := newBlocker()
	res := sleepers(&tab, b, a, 0, ^uint32(0), 1)
	// A waiter with a deadline that times out leaves the queue.
	b2 := newBlocker()
	done := make(chan error)
	go func() { done <- tab.Wait(b2, a, 0, ^uint32(0), 1) }()
	waitFor(&tab, a, 2)
	close(b2.timeout)
	if err := <-done; err != abi.ETIMEDOUT {
		t.Fatalf("timed-out wait = %v", err)
	}
	waitFor(&tab, a, 1)
	tab.Wake(a, false, 1, ^uint32(0))
	if err := <-res; err != nil {
		t.Fatalf("woken wait = %v", err)
	}
	// Wake and timeout at once: every wait returns exactly once and no
	// waiter is left behind, whichever wins.
	for i := 0; i < 50; i++ {
		b3 := newBlocker()
		done := make(chan error, 1)
		go func() { done <- tab.Wait(b3, a, 0, ^uint32(0), 1) }()
		waitFor(&tab, a, 1)
		var wg sync.WaitGroup
		wg.Add(1)
		go func() { defer wg.Done(); close(b3.timeout) }()
		n, _ := tab.Wake(a, false, 1, ^uint32(0))
		wg.Wait()
		err := <-done
		if (n == 1) != (err == nil) {
			t.Fatalf("wake woke %d but the wait returned %v", n, err)
		}
		if tab.Waiters(a) != 0 {
			t.Fatal("waiter left queued")
		}
	}
}

func TestRequeue(t *testing.T) {
	var tab Table
	w := words(t, 2)
	a, a2 := w, w+4
	store(t, a, 7)
	b := newBlocker()
	res := sleepers(&tab, b, a, 7, ^uint32(0), 4)
	if _, err := tab.Requeue(a, a2, false, -1, 1, nil); err != abi.EINVAL {
		t.Fatalf("negative nr_wake: %v", err)
	}
	if _, err := tab.Requeue(a, a2+1, false, 1, 1, nil); err != abi.EINVAL {
		t.Fatalf("misaligned target: %v", err)
	}
	cmp := uint32(6)
	if _, err := tab.Requeue(a, a2, false, 1, 1, &cmp); err != abi.EAGAIN {
		t.Fatalf("cmp requeue with a stale value: %v", err)
	}
	cmp = 7
	n, err := tab.Requeue(a, a2, false, 1, 2, &cmp)
	if n != 3 || err != nil {
		t.Fatalf("cmp requeue: (%d, %v), want (3, nil)", n, err)
	}
	<-res
	if tab.Waiters(a) != 1 || tab.Waiters(a2) != 2 {
		t.Fatalf("after requeue: %d on a, %d on a2", tab.Waiters(a), tab.Waiters(a2))
	}
	if n, _ := tab.Wake(a2, false, 5, ^uint32(0)); n != 2 {
		t.Fatalf("wake requeued = %d", n)
	}
	<-res
	<-res
	// Plain requeue of the last one with no wake.
	if n, _ := tab.Requeue(a, a2, false, 0, 5, nil); n != 1 {
		t.Fatalf("requeue = %d", n)
	}
	if n, _ := tab.Wake(a2, false, 5, ^uint32(0)); n != 1 {
		t.Fatalf("wake = %d", n)
	}
	<-res
}

// encode builds a FUTEX_WAKE_OP operation word (the FUTEX_OP macro).
func encode(op, oparg, cmp, cmparg uint32) uint32 {
	return (op&0xf)<<28 | (cmp&0xf)<<24 | (oparg&0xfff)<<12 | cmparg&0xfff
}

func TestWakeOp(t *testing.T) {
	var tab Table
	w := words(t, 2)
	a1, a2 := w, w+4
	tests := []struct {
		name    string
		old     uint32
		op      uint32
		wantNew uint32
		cond    bool
		err     error
	}{
		{"set", 9, encode(abi.FUTEX_OP_SET, 3, abi.FUTEX_OP_CMP_EQ, 9), 3, true, nil},
		{"add", 9, encode(abi.FUTEX_OP_ADD, 3, abi.FUTEX_OP_CMP_NE, 9), 12, false, nil},
		{"or", 8, encode(abi.FUTEX_OP_OR, 3, abi.FUTEX_OP_CMP_LT, 9), 11, true, nil},
		{"andn", 7, encode(abi.FUTEX_OP_ANDN, 3, abi.FUTEX_OP_CMP_GE, 8), 4, false, nil},
		{"xor", 5, encode(abi.FUTEX_OP_XOR, 1, abi.FUTEX_OP_CMP_LE, 5), 4, true, nil},
		{"shifted arg", 0, encode(abi.FUTEX_OP_SET|abi.FUTEX_OP_OPARG_SHIFT, 4, abi.FUTEX_OP_CMP_GT, 0), 16, false, nil},
		{"negative args", 2, encode(abi.FUTEX_OP_ADD, 0xfff, abi.FUTEX_OP_CMP_GT, 0xfff), 1, true, nil},
		{"bad op leaves the word", 9, encode(7, 3, abi.FUTEX_OP_CMP_EQ, 9), 9, false, abi.ENOSYS},
		{"bad cmp changes the word", 9, encode(abi.FUTEX_OP_ADD, 3, 7, 9), 12, false, abi.ENOSYS},
	}
	for _, tc := range tests {
		store(t, a2, tc.old)
		b := newBlocker()
		r1 := sleepers(&tab, b, a1, 0, ^uint32(0), 1)
		r2 := sleepers(&tab, b, a2, tc.old, ^uint32(0), 1)
		n, err := tab.WakeOp(a1, a2, false, 1, 1, tc.op)
		want := 1
		if tc.cond {
			want = 2
		}
		if tc.err != nil {
			want = 0
		}
		if n != want || err != tc.err {
			t.Errorf("%s: got (%d, %v), want (%d, %v)", tc.name, n, err, want, tc.err)
		}
		if got := load(t, a2); got != tc.wantNew {
			t.Errorf("%s: word = %d, want %d", tc.name, got, tc.wantNew)
		}
		tab.Wake(a1, false, 1, ^uint32(0))
		tab.Wake(a2, false, 1, ^uint32(0))
		<-r1
		<-r2
	}
	if _, err := tab.WakeOp(a1, 8, false, 1, 1, encode(abi.FUTEX_OP_ADD, 1, 0, 0)); err != abi.EFAULT {
		t.Fatalf("unmapped second word: %v", err)
	}
}

// TestMutexUnderContention builds a lock on one futex word, as a C
// library does, and checks mutual exclusion with many goroutines.
func TestMutexUnderContention(t *testing.T) {
	var tab Table
	a := words(t, 1)
	b := newBlocker()
	xchg := func(v uint32) uint32 {
		for {
			old := load(t, a)
			if ok, _ := usermem.CompareAndSwapUint32(a, old, v); ok {
				return old
			}
		}
	}
	// Drepper's mutex: 0 free, 1 locked, 2 locked with waiters.
	lock := func() {
		if ok, _ := usermem.CompareAndSwapUint32(a, 0, 1); ok {
			return
		}
		for xchg(2) != 0 {
			tab.Wait(b, a, 2, ^uint32(0), 0)
		}
	}
	unlock := func() {
		if xchg(0) == 2 {
			tab.Wake(a, false, 1, ^uint32(0))
		}
	}
	counter := 0
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				lock()
				counter++
				unlock()
			}
		}()
	}
	wg.Wait()
	if counter != 1600 {
		t.Fatalf("counter = %d, want 1600", counter)
	}
}
