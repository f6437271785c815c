package locks

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"liblinux/abi"
	"liblinux/kernel/usermem"
	"liblinux/kernel/vfs"
	"liblinux/kernel/waiter"
)

// testCtx is a vfs.Context whose waits end with EINTR once stop closes.
type testCtx struct{ stop chan struct{} }

func newCtx() *testCtx               { return &testCtx{stop: make(chan struct{})} }
func (c *testCtx) Creds() *vfs.Creds { return vfs.RootCreds() }
func (c *testCtx) Now() vfs.Time     { return vfs.Time{} }
func (c *testCtx) Block(ev *waiter.Event, _ int64) error {
	select {
	case <-ev.C():
		return nil
	case <-c.stop:
		return abi.EINTR
	}
}

// fakeOps is an open file of the inode named by key.
type fakeOps struct{ key string }

func (fakeOps) Read(vfs.Context, *usermem.IO, int64) (int, error)  { return 0, nil }
func (fakeOps) Write(vfs.Context, *usermem.IO, int64) (int, error) { return 0, nil }
func (fakeOps) Release()                                           {}
func (o fakeOps) LockKey() any                                     { return o.key }

func open(key string) *vfs.File { return vfs.NewFile(vfs.Path{}, fakeOps{key}, abi.O_RDWR) }

// owner is a stand-in for a process's descriptor table.
type owner struct{ name string }

func lk(typ int16, start, end int64) Lock { return Lock{Type: typ, Start: start, End: end, PID: 7} }

// dump lists the inode's record locks as "owner:type[start,end]".
func dump(t *Table, f *vfs.File) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	il := t.inodes[keyOf(f)]
	if il == nil {
		return ""
	}
	var out []string
	for _, r := range il.records {
		name := "ofd"
		if o, ok := r.owner.(*owner); ok {
			name = o.name
		}
		end := fmt.Sprint(r.End)
		if r.End == EOF {
			end = "EOF"
		}
		out = append(out, fmt.Sprintf("%s:%s[%d,%s]", name, "RW"[r.Type:r.Type+1], r.Start, end))
	}
	return strings.Join(out, " ")
}

func TestSplitAndMerge(t *testing.T) {
	var tb Table
	ctx := newCtx()
	f := open("a")
	a := &owner{"a"}
	steps := []struct {
		l    Lock
		want string
	}{
		{lk(abi.F_WRLCK, 0, 9), "a:W[0,9]"},
		{lk(abi.F_WRLCK, 10, 19), "a:W[0,19]"},
		{lk(abi.F_RDLCK, 5, 5), "a:W[0,4] a:R[5,5] a:W[6,19]"},
		{lk(abi.F_RDLCK, 30, EOF), "a:W[0,4] a:R[5,5] a:W[6,19] a:R[30,EOF]"},
		{lk(abi.F_RDLCK, 6, 29), "a:W[0,4] a:R[5,EOF]"},
		{lk(abi.F_UNLCK, 2, 7), "a:W[0,1] a:R[8,EOF]"},
		{lk(abi.F_WRLCK, 0, EOF), "a:W[0,EOF]"},
		{lk(abi.F_UNLCK, 0, EOF), ""},
	}
	for i, s := range steps {
		if err := tb.Set(ctx, f, a, false, s.l, false); err != nil {
			t.Fatalf("step %d: Set = %v", i, err)
		}
		if got := dump(&tb, f); got != s.want {
			t.Fatalf("step %d: locks %q, want %q", i, got, s.want)
		}
	}
	if len(tb.inodes) != 0 {
		t.Errorf("inode state left after the last unlock: %d", len(tb.inodes))
	}
}

func TestConflicts(t *testing.T) {
	var tb Table
	ctx := newCtx()
	f := open("a")
	a, b := &owner{"a"}, &owner{"b"}
	if err := tb.Set(ctx, f, a, false, lk(abi.F_RDLCK, 0, 9), false); err != nil {
		t.Fatal(err)
	}
	if err := tb.Set(ctx, f, a, false, lk(abi.F_WRLCK, 20, 29), false); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		l    Lock
		want string // conflicting lock, "" for none
	}{
		{"read over read", lk(abi.F_RDLCK, 0, 100), "W[20,29]"},
		{"read beside", lk(abi.F_RDLCK, 0, 19), ""},
		{"write over read", lk(abi.F_WRLCK, 9, 9), "R[0,9]"},
		{"write in gap", lk(abi.F_WRLCK, 10, 19), ""},
		{"write to EOF", lk(abi.F_WRLCK, 15, EOF), "W[20,29]"},
	}
	for _, tc := range tests {
		got := ""
		if c, ok := tb.Test(f, b, tc.l); ok {
			got = fmt.Sprintf("%s[%d,%d]", "RW"[c.Type:c.Type+1], c.Start, c.End)
			if c.PID != 7 {
				t.Errorf("%s: pid %d, want 7", tc.name, c.PID)
			}
		}
		if got != tc.want {
			t.Errorf("%s: conflict %q, want %q", tc.name, got, tc.want)
		}
		if _, ok := tb.Test(f, a, tc.l); ok {
			t.Errorf("%s: the owner conflicts with itself", tc.name)
		}
	}
	if err := tb.Set(ctx, f, b, false, lk(abi.F_WRLCK, 5, 5), false); err != abi.EAGAIN {
		t.Errorf("conflicting Set = %v, want EAGAIN", err)
	}
	// An OFD lock has its own owner (the file) even for the same process.
	if err := tb.Set(ctx, f, f, true, lk(abi.F_WRLCK, 25, 25), false); err != abi.EAGAIN {
		t.Errorf("OFD over POSIX = %v, want EAGAIN", err)
	}
	if err := tb.Set(ctx, f, f, true, lk(abi.F_WRLCK, 40, 40), false); err != nil {
		t.Fatal(err)
	}
	if c, ok := tb.Test(f, a, lk(abi.F_RDLCK, 0, EOF)); !ok || c.PID != -1 || c.Start != 40 {
		t.Errorf("POSIX test against OFD lock = %+v %v, want [40,40] pid -1", c, ok)
	}
	// Closing any descriptor drops the process's POSIX locks only.
	tb.Closed(a, open("a"))
	if got := dump(&tb, f); got != "ofd:W[40,40]" {
		t.Errorf("after close: %q", got)
	}
	f.DecRef()
	if len(tb.inodes) != 0 || len(tb.files) != 0 {
		t.Errorf("state left after the file's release: %d inodes, %d files", len(tb.inodes), len(tb.files))
	}
}

// waitBlocked waits until n tasks wait on f's inode.
func waitBlocked(tb *Table, f *vfs.File, n int) {
	for tb.Waiters(f) != n {
		runtime.Gosched()
	}
}

func TestBlockingAndDeadlock(t *testing.T) {
	var tb Table
	f := open("a")
	a, b, c := &owner{"a"}, &owner{"b"}, &owner{"c"}
	ctxA, ctxB, ctxC := newCtx(), newCtx(), newCtx()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(tb.Set(ctxA, f, a, false, lk(abi.F_WRLCK, 0, 0), false))
	must(tb.Set(ctxB, f, b, false, lk(abi.F_WRLCK, 1, 1), false))
	must(tb.Set(ctxC, f, c, false, lk(abi.F_WRLCK, 2, 2), false))
	// b waits for a, c waits for b; a asking for c's byte closes the cycle.
	bDone := make(chan error)
	go func() { bDone <- tb.Set(ctxB, f, b, false, lk(abi.F_WRLCK, 0, 0), true) }()
	waitBlocked(&tb, f, 1)
	cDone := make(chan error)
	go func() { cDone <- tb.Set(ctxC, f, c, false, lk(abi.F_WRLCK, 1, 1), true) }()
	waitBlocked(&tb, f, 2)
	if err := tb.Set(ctxA, f, a, false, lk(abi.F_WRLCK, 2, 2), true); err != abi.EDEADLK {
		t.Fatalf("cycle: Set = %v, want EDEADLK", err)
	}
	// An OFD waiter is never a deadlock: interrupt it instead.
	ofdDone := make(chan error)
	ctxO := newCtx()
	go func() { ofdDone <- tb.Set(ctxO, f, f, true, lk(abi.F_RDLCK, 2, 2), true) }()
	waitBlocked(&tb, f, 3)
	close(ctxO.stop)
	if err := <-ofdDone; err != abi.EINTR {
		t.Fatalf("interrupted OFD wait = %v, want EINTR", err)
	}
	// a unlocks: b gets byte 0, then b's old byte 1 is still b's, so c
	// keeps waiting until b closes.
	must(tb.Set(ctxA, f, a, false, lk(abi.F_UNLCK, 0, EOF), false))
	if err := <-bDone; err != nil {
		t.Fatalf("b woken: %v", err)
	}
	waitBlocked(&tb, f, 1)
	tb.Closed(b, f)
	if err := <-cDone; err != nil {
		t.Fatalf("c woken: %v", err)
	}
	if got := dump(&tb, f); got != "c:W[1,2]" {
		t.Errorf("final locks %q", got)
	}
}

func TestFlock(t *testing.T) {
	var tb Table
	ctx := newCtx()
	f1, f2 := open("a"), open("a")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(tb.Flock(ctx, f1, abi.F_RDLCK, false))
	must(tb.Flock(ctx, f2, abi.F_RDLCK, false))
	// A failed upgrade leaves f1 without its shared lock.
	if err := tb.Flock(ctx, f1, abi.F_WRLCK, false); err != abi.EAGAIN {
		t.Fatalf("upgrade = %v, want EAGAIN", err)
	}
	must(tb.Flock(ctx, f2, abi.F_WRLCK, false))
	// Record locks do not see flock locks.
	if _, ok := tb.Test(f1, f1, lk(abi.F_WRLCK, 0, EOF)); ok {
		t.Error("flock lock conflicts with a record lock")
	}
	done := make(chan error)
	go func() { done <- tb.Flock(ctx, f1, abi.F_RDLCK, true) }()
	waitBlocked(&tb, f1, 1)
	f2.DecRef() // the last reference: its lock goes
	if err := <-done; err != nil {
		t.Fatalf("woken flock = %v", err)
	}
	must(tb.Flock(ctx, f1, abi.F_UNLCK, false))
	must(tb.Flock(ctx, f1, abi.F_UNLCK, false))
	if len(tb.inodes) != 0 {
		t.Errorf("inode state left: %d", len(tb.inodes))
	}
	// Different inodes do not interact.
	g := open("b")
	must(tb.Flock(ctx, g, abi.F_WRLCK, false))
	must(tb.Flock(ctx, f1, abi.F_WRLCK, false))
}

func TestOwnerAndHint(t *testing.T) {
	var tb Table
	f, g := open("a"), open("a")
	tb.SetOwner(f, Owner{Type: abi.F_OWNER_PID, ID: 5})
	tb.SetSig(f, 10)
	tb.SetWriteHint(f, 3)
	if o := tb.Owner(f); o != (Owner{abi.F_OWNER_PID, 5}) {
		t.Errorf("owner %+v", o)
	}
	if tb.Owner(g) != (Owner{}) || tb.Sig(g) != 0 {
		t.Error("owner or signal shared between open files")
	}
	if tb.Sig(f) != 10 || tb.WriteHint(g) != 3 {
		t.Errorf("sig %d hint %d", tb.Sig(f), tb.WriteHint(g))
	}
	f.DecRef()
	if len(tb.files) != 0 {
		t.Error("file state left after release")
	}
	tb.SetWriteHint(g, 0)
	if len(tb.inodes) != 0 {
		t.Error("inode state left after the hint was cleared")
	}
}
