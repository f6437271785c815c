package pipe

import (
	"bytes"
	"fmt"
	"sync"
	"testing"

	"liblinux/abi"
	"liblinux/hostops/fake"
	"liblinux/kernel/mm"
	"liblinux/kernel/usermem"
	"liblinux/kernel/vfs"
	"liblinux/kernel/waiter"
)

// tpipe is a pipe with both ends attached and helpers that fail the test
// on unexpected results.
type tpipe struct {
	t   testing.TB
	p   *Pipe
	mem *mm.Allocator
	ctx *testCtx
}

func newTPipe(t testing.TB) *tpipe {
	t.Helper()
	m := mm.New(fake.New(), 4<<20)
	t.Cleanup(m.Close)
	return newTPipeMem(t, m)
}

// newTPipeMem returns a pipe on the allocator m (two pipes of one kernel
// share their allocator).
func newTPipeMem(t testing.TB, m *mm.Allocator) *tpipe {
	p := New(m)
	p.Open(true, true)
	return &tpipe{t: t, p: p, mem: m, ctx: &testCtx{halt: make(chan struct{})}}
}

// newTPipes returns two pipes on one allocator.
func newTPipes(t *testing.T) (*tpipe, *tpipe) {
	a := newTPipe(t)
	return a, newTPipeMem(t, a.mem)
}

// userBufs keeps the buffers tests pass as user memory reachable (and on
// the heap): an IO holds only their addresses.
var userBufs struct {
	sync.Mutex
	keep [][]byte
}

func ioOf(t testing.TB, b []byte) *usermem.IO {
	t.Helper()
	if len(b) == 0 {
		b = make([]byte, 1)[:0:1]
	}
	userBufs.Lock()
	userBufs.keep = append(userBufs.keep, b)
	userBufs.Unlock()
	io, err := usermem.NewIO(usermem.AddrOf(b[:cap(b)]), len(b))
	if err != nil {
		t.Fatal(err)
	}
	return io
}

// pattern returns n bytes of a repeating pattern starting at seed.
func pattern(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = seed + byte(i%26)
	}
	return b
}

func (tp *tpipe) write(b []byte, packet bool) (int, error) {
	return tp.p.Write(tp.ctx, ioOf(tp.t, b), true, packet)
}

func (tp *tpipe) wantWrite(what string, b []byte, packet bool, want int) {
	tp.t.Helper()
	if n, err := tp.write(b, packet); n != want || err != nil {
		tp.t.Fatalf("%s: write(%d) = %d, %v; want %d", what, len(b), n, err, want)
	}
}

func (tp *tpipe) wantWriteErr(what string, b []byte, packet bool, want error) {
	tp.t.Helper()
	if n, err := tp.write(b, packet); n != 0 || err != want {
		tp.t.Fatalf("%s: write(%d) = %d, %v; want %v", what, len(b), n, err, want)
	}
}

// read reads up to n bytes without blocking.
func (tp *tpipe) read(n int) ([]byte, error) {
	b := make([]byte, n)
	c, err := tp.p.Read(tp.ctx, ioOf(tp.t, b), true)
	return b[:c], err
}

func (tp *tpipe) wantRead(what string, n int, want []byte) {
	tp.t.Helper()
	got, err := tp.read(n)
	if err != nil || !bytes.Equal(got, want) {
		tp.t.Fatalf("%s: read(%d) = %d bytes %.20q, %v; want %d bytes %.20q", what, n, len(got), got, err, len(want), want)
	}
}

func (tp *tpipe) wantState(what string, bytes, slots int) {
	tp.t.Helper()
	tp.p.mu.Lock()
	used := tp.p.used
	tp.p.mu.Unlock()
	if got := tp.p.Buffered(); got != bytes || used != slots {
		tp.t.Fatalf("%s: %d bytes in %d slots; want %d in %d", what, got, used, bytes, slots)
	}
}

func TestWriteNeedsFreeSlot(t *testing.T) {
	tp := newTPipe(t)
	tp.wantWrite("fill all but 100 bytes", pattern(65436, 'a'), false, 65436)
	tp.wantState("after fill", 65436, 16)
	tp.wantWriteErr("8192 with no free slot", pattern(8192, 'a'), false, abi.EAGAIN)
	tp.wantWrite("100 merges into the last slot", pattern(100, 'a'), false, 100)
	tp.wantWriteErr("1 more", pattern(1, 'a'), false, abi.EAGAIN)
	tp.wantState("full", 65536, 16)
}

func TestWriteMergesTailThenStops(t *testing.T) {
	tp := newTPipe(t)
	tp.wantWrite("fill", pattern(65436, 'a'), false, 65436)
	// 8292 % 4096 == 100 bytes join the last slot; no slot for the rest.
	tp.wantWrite("8292", pattern(8292, 'a'), false, 100)
	tp.wantState("full", 65536, 16)
}

func TestWriteMergesOnlyWhatFits(t *testing.T) {
	tp := newTPipe(t)
	tp.wantWrite("1000", pattern(1000, 'a'), false, 1000)
	tp.wantWrite("5000", pattern(5000, 'k'), false, 5000)
	tp.wantState("904 bytes merged, one page in a new slot", 6000, 2)
	want := append(pattern(1000, 'a'), pattern(5000, 'k')...)
	tp.wantRead("all", 10000, want)
	tp.wantState("drained", 0, 0)

	tp.wantWrite("1000", pattern(1000, 'a'), false, 1000)
	tp.wantWrite("4000 does not fit the last slot", pattern(4000, 'a'), false, 4000)
	tp.wantState("two slots", 5000, 2)
	if _, err := tp.p.SetCapacity(4096, false); err != abi.EBUSY {
		t.Fatalf("shrink to one slot: %v", err)
	}
	if n, err := tp.p.SetCapacity(8192, false); n != 8192 || err != nil {
		t.Fatalf("shrink to two slots: %d, %v", n, err)
	}
	tp.wantState("after resize", 5000, 2)
	want = append(pattern(1000, 'a'), pattern(4000, 'a')...)
	tp.wantRead("after resize", 10000, want)
}

func TestSmallWritesShareASlot(t *testing.T) {
	tp := newTPipe(t)
	for i := 0; i < 20; i++ {
		tp.wantWrite("one byte", []byte{byte('a' + i)}, false, 1)
	}
	tp.wantState("20 one-byte writes", 20, 1)
	if got := tp.p.readiness(waiter.EventOut, false, true, 0); got != waiter.EventOut {
		t.Fatalf("POLLOUT with free slots: %#x", got)
	}
	tp.wantRead("all", 100, []byte("abcdefghijklmnopqrst"))
}

func TestSetCapacityCountsSlots(t *testing.T) {
	tp := newTPipe(t)
	tp.wantWrite("page", pattern(4096, 'a'), false, 4096)
	tp.wantWrite("byte", []byte("z"), false, 1)
	tp.wantRead("most of the page", 4095, pattern(4096, 'a')[:4095])
	tp.wantState("2 bytes in 2 slots", 2, 2)
	if _, err := tp.p.SetCapacity(4096, false); err != abi.EBUSY {
		t.Fatalf("shrink below the slots held: %v", err)
	}
	tp.wantRead("rest of the page", 1, pattern(4096, 'a')[4095:])
	if n, err := tp.p.SetCapacity(4096, false); n != 4096 || err != nil {
		t.Fatalf("shrink to the slot held: %d, %v", n, err)
	}
	if got := tp.p.Capacity(); got != 4096 {
		t.Fatalf("Capacity = %d", got)
	}
	tp.wantWriteErr("a page into the full pipe", pattern(4096, 'a'), false, abi.EAGAIN)
	tp.wantWrite("a byte merges", []byte("y"), false, 1)
	tp.wantRead("both", 10, []byte("zy"))
}

func TestSetCapacityLimits(t *testing.T) {
	tp := newTPipe(t)
	for _, c := range []struct {
		n    int64
		priv bool
		want int
		err  error
	}{
		{1, false, 4096, nil},
		{5000, false, 8192, nil},
		{12289, false, 16384, nil},
		{MaxSize, false, MaxSize, nil},
		{MaxSize + 1, false, 0, abi.EPERM},
		{1 << 31, false, 0, abi.EPERM},
		{1<<31 + 1, true, 0, abi.EINVAL},
		{0, false, 0, abi.EINVAL},
		{2 * MaxSize, true, 2 * MaxSize, nil},
		// Not growing: no privilege needed, even above MaxSize.
		{2 * MaxSize, false, 2 * MaxSize, nil},
		{4 * MaxSize, false, 0, abi.EPERM},
		{MaxSize, false, MaxSize, nil},
	} {
		if n, err := tp.p.SetCapacity(c.n, c.priv); n != c.want || err != c.err {
			t.Errorf("SetCapacity(%d, %v) = %d, %v; want %d, %v", c.n, c.priv, n, err, c.want, c.err)
		}
	}
}

func TestReadinessFollowsSlots(t *testing.T) {
	tp := newTPipe(t)
	const both = waiter.EventIn | waiter.EventOut
	if got := tp.p.readiness(both, true, true, 0); got != waiter.EventOut {
		t.Fatalf("empty: %#x", got)
	}
	for i := 0; i < 15; i++ {
		tp.wantWrite("page", pattern(4096, 'a'), false, 4096)
	}
	if got := tp.p.readiness(both, true, true, 0); got != both {
		t.Fatalf("one slot free: %#x", got)
	}
	tp.wantWrite("1 byte", []byte("x"), false, 1)
	// 4095 bytes of room, but no free slot.
	if got := tp.p.readiness(both, true, true, 0); got != waiter.EventIn {
		t.Fatalf("no slot free: %#x", got)
	}
}

func TestPacketReads(t *testing.T) {
	tp := newTPipe(t)
	tp.wantWrite("hello", []byte("hello"), true, 5)
	tp.wantWrite("world", []byte("world"), true, 5)
	tp.wantState("two packets", 10, 2)
	tp.wantRead("short read drops the rest", 3, []byte("hel"))
	tp.wantState("one packet", 5, 1)
	tp.wantRead("next packet", 100, []byte("world"))
	if _, err := tp.read(100); err != abi.EAGAIN {
		t.Fatalf("empty: %v", err)
	}
	tp.wantWrite("zz", []byte("zz"), true, 2)
	tp.wantRead("zero-length read", 0, []byte{})
	tp.wantState("untouched", 2, 1)
}

func TestPacketSplitsBigWrites(t *testing.T) {
	tp := newTPipe(t)
	data := pattern(10000, 'a')
	tp.wantWrite("10000", data, true, 10000)
	tp.wantState("three packets", 10000, 3)
	tp.wantRead("first", 100000, data[:4096])
	tp.wantRead("second", 100000, data[4096:8192])
	tp.wantRead("third", 100000, data[8192:])

	for i := 0; i < 15; i++ {
		tp.wantWrite("one-byte packet", []byte("x"), true, 1)
	}
	tp.wantWrite("10000 into one free slot", data, true, 4096)
	tp.wantWriteErr("16 slots taken", []byte("y"), true, abi.EAGAIN)
}

func TestPacketAndStreamSlots(t *testing.T) {
	tp := newTPipe(t)
	// A packet write still joins a plain write's slot.
	tp.wantWrite("abc", []byte("abc"), false, 3)
	tp.wantWrite("def", []byte("def"), true, 3)
	tp.wantState("merged", 6, 1)
	tp.wantRead("one read", 100, []byte("abcdef"))
	// A plain write does not join a packet.
	tp.wantWrite("PK1", []byte("PK1"), true, 3)
	tp.wantWrite("st1", []byte("st1"), false, 3)
	tp.wantWrite("st2", []byte("st2"), false, 3)
	tp.wantRead("packet", 100, []byte("PK1"))
	tp.wantRead("stream", 100, []byte("st1st2"))
	// A read goes through plain slots and stops after a packet.
	tp.wantWrite("page", pattern(4096, 'a'), false, 4096)
	tp.wantWrite("P1", []byte("P1"), true, 2)
	tp.wantWrite("P2", []byte("P2"), true, 2)
	tp.wantRead("page and a packet", 100000, append(pattern(4096, 'a'), "P1"...))
	tp.wantRead("last packet", 100000, []byte("P2"))
}

func TestEndPacketModeFollowsFileFlags(t *testing.T) {
	tp := newTPipe(t)
	w := NewEnd(tp.p, false, true)
	r := NewEnd(tp.p, true, false)
	wf := vfs.NewFile(vfs.Path{}, w, abi.O_WRONLY|abi.O_NONBLOCK|abi.O_DIRECT)
	rf := vfs.NewFile(vfs.Path{}, r, abi.O_RDONLY|abi.O_NONBLOCK)
	defer wf.DecRef()
	defer rf.DecRef()
	write := func(s string) {
		t.Helper()
		if n, err := wf.Write(tp.ctx, ioOf(t, []byte(s))); n != len(s) || err != nil {
			t.Fatalf("write %q: %d, %v", s, n, err)
		}
	}
	read := func(want string) {
		t.Helper()
		b := make([]byte, 100)
		if n, err := rf.Read(tp.ctx, ioOf(t, b)); string(b[:n]) != want || err != nil {
			t.Fatalf("read = %q, %v; want %q", b[:n], err, want)
		}
	}
	write("ab")
	write("cd")
	read("ab")
	read("cd")
	wf.SetFlags(abi.O_NONBLOCK)
	write("ef")
	write("gh")
	read("efgh")
	// O_DIRECT on the read end changes nothing.
	rf.SetFlags(abi.O_NONBLOCK | abi.O_DIRECT)
	write("ij")
	write("kl")
	read("ijkl")
}

func TestSpliceInSlotsDoNotMerge(t *testing.T) {
	tp := newTPipe(t)
	if n, err := tp.p.SetCapacity(4096, false); n != 4096 || err != nil {
		t.Fatal(n, err)
	}
	n, err := tp.p.SpliceIn(tp.ctx, 100, WholePages, true, func(dst *usermem.IO) (int, error) {
		if dst.Len() != 100 {
			t.Errorf("splice offered %d bytes", dst.Len())
		}
		return dst.CopyOut(0, []byte("abc"))
	})
	if n != 3 || err != nil {
		t.Fatalf("SpliceIn = %d, %v", n, err)
	}
	tp.wantWriteErr("write after a spliced slot", []byte("de"), false, abi.EAGAIN)
	if _, err := tp.p.SpliceIn(tp.ctx, 100, WholePages, true, nil); err != abi.EAGAIN {
		t.Fatalf("SpliceIn into a full pipe: %v", err)
	}
	tp.wantRead("spliced", 100, []byte("abc"))

	// Into 16 free slots, 65536 bytes at most, a slot per page.
	if n, err := tp.p.SetCapacity(65536, false); n != 65536 || err != nil {
		t.Fatal(n, err)
	}
	data := pattern(70000, 'a')
	n, err = tp.p.SpliceIn(tp.ctx, len(data), WholePages, true, func(dst *usermem.IO) (int, error) {
		return dst.CopyOut(0, data[:5000])
	})
	if n != 5000 || err != nil {
		t.Fatalf("SpliceIn = %d, %v", n, err)
	}
	tp.wantState("5000 spliced", 5000, 2)
	n, err = tp.p.SpliceIn(tp.ctx, len(data), WholePages, true, func(dst *usermem.IO) (int, error) {
		if dst.Len() != 14*4096 {
			t.Errorf("splice offered %d bytes for 14 free slots", dst.Len())
		}
		return dst.CopyOut(0, data[5000:])
	})
	if n != 14*4096 || err != nil {
		t.Fatalf("SpliceIn = %d, %v", n, err)
	}
	tp.wantState("full", 5000+14*4096, 16)
	if used := tp.mem.Used(); used != 16*4096 {
		t.Fatalf("pages in use: %d", used)
	}
	got := 0
	for got < 5000+14*4096 {
		b, err := tp.read(1 << 20)
		if err != nil || !bytes.Equal(b, data[got:got+len(b)]) {
			t.Fatalf("read at %d: %d bytes, %v", got, len(b), err)
		}
		got += len(b)
	}
	// The pages stay as the pipe's spares.
	if used := tp.mem.Used(); used != 16*4096 {
		t.Fatalf("pages in use after draining: %d", used)
	}
	tp.p.close(true, true)
	if used := tp.mem.Used(); used != 0 {
		t.Fatalf("pages in use after close: %d", used)
	}
}

func TestSpliceOutConsumesSlots(t *testing.T) {
	tp := newTPipe(t)
	tp.wantWrite("page", pattern(4096, 'a'), false, 4096)
	tp.wantWrite("P", []byte("PKT"), true, 3)
	var out []byte
	n, err := tp.p.SpliceOut(tp.ctx, 4098, true, func(src *usermem.IO) (int, error) {
		b := make([]byte, src.Len())
		c, err := src.CopyIn(0, b)
		out = b[:c]
		return c, err
	})
	// Packets do not bound a splice.
	if n != 4098 || err != nil || !bytes.Equal(out, append(pattern(4096, 'a'), "PK"...)) {
		t.Fatalf("SpliceOut = %d, %v", n, err)
	}
	tp.wantState("rest of the packet", 1, 1)
	tp.wantRead("rest", 100, []byte("T"))
}

func TestTeeSharesSlots(t *testing.T) {
	in, out := newTPipes(t)
	in.wantWrite("one", []byte("one"), true, 3)
	in.wantWrite("two", []byte("two"), true, 3)
	in.wantWrite("three", []byte("three"), true, 5)
	if n, err := in.p.SpliceTo(in.ctx, out.p, 100, true, true); n != 11 || err != nil {
		t.Fatalf("tee = %d, %v", n, err)
	}
	in.wantState("source kept", 11, 3)
	out.wantState("copied", 11, 3)
	if used := in.mem.Used(); used != 3*4096 {
		t.Fatalf("tee copied pages: %d in use", used)
	}
	out.wantRead("packet", 100, []byte("one"))
	out.wantRead("packet", 100, []byte("two"))
	out.wantRead("packet", 100, []byte("three"))
	if n, err := in.p.SpliceTo(in.ctx, out.p, 4, true, true); n != 4 || err != nil {
		t.Fatalf("tee 4 = %d, %v", n, err)
	}
	out.wantRead("packet", 100, []byte("one"))
	out.wantRead("cut packet", 100, []byte("t"))
	in.wantRead("source", 100, []byte("one"))
	in.wantRead("source", 100, []byte("two"))
	in.wantRead("source", 100, []byte("three"))
	// The pages stay as the source's spares.
	if used := in.mem.Used(); used != 3*4096 {
		t.Fatalf("pages in use after both drained: %d", used)
	}
	// A teed slot takes no merges.
	if n, err := out.p.SetCapacity(4096, false); n != 4096 || err != nil {
		t.Fatal(n, err)
	}
	in.wantWrite("abcdef", []byte("abcdef"), false, 6)
	if n, err := in.p.SpliceTo(in.ctx, out.p, 100, true, true); n != 6 || err != nil {
		t.Fatalf("tee = %d, %v", n, err)
	}
	out.wantWriteErr("write after a teed slot", []byte("de"), false, abi.EAGAIN)
	// The source slot still does, past what the copy covers.
	in.wantWrite("gh", []byte("gh"), false, 2)
	in.wantState("merged", 8, 1)
	out.wantRead("teed", 100, []byte("abcdef"))
	in.wantRead("source", 100, []byte("abcdefgh"))
}

func TestSpliceMovesSlots(t *testing.T) {
	in, out := newTPipes(t)
	in.wantWrite("one", []byte("one"), true, 3)
	in.wantWrite("two", []byte("two"), true, 3)
	in.wantWrite("three", []byte("three"), true, 5)
	if n, err := in.p.SpliceTo(in.ctx, out.p, 4, true, false); n != 4 || err != nil {
		t.Fatalf("splice 4 = %d, %v", n, err)
	}
	in.wantState("source", 7, 2)
	out.wantState("dest", 4, 2)
	out.wantRead("moved packet", 100, []byte("one"))
	out.wantRead("cut packet", 100, []byte("t"))
	in.wantRead("rest of the packet", 100, []byte("wo"))
	in.wantRead("last", 100, []byte("three"))
	// The moved page is the destination's spare, the others the source's.
	if used := in.mem.Used(); used != 3*4096 {
		t.Fatalf("pages in use: %d", used)
	}

	// A whole slot keeps taking merges; a cut one does not.
	if n, err := out.p.SetCapacity(4096, false); n != 4096 || err != nil {
		t.Fatal(n, err)
	}
	in.wantWrite("abc", []byte("abc"), false, 3)
	if n, err := in.p.SpliceTo(in.ctx, out.p, 100, true, false); n != 3 || err != nil {
		t.Fatalf("splice = %d, %v", n, err)
	}
	out.wantWrite("merges", []byte("de"), false, 2)
	out.wantRead("moved slot", 100, []byte("abcde"))
	in.wantWrite("abcdef", []byte("abcdef"), false, 6)
	if n, err := in.p.SpliceTo(in.ctx, out.p, 2, true, false); n != 2 || err != nil {
		t.Fatalf("splice 2 = %d, %v", n, err)
	}
	out.wantWriteErr("write after a cut slot", []byte("de"), false, abi.EAGAIN)
	if _, err := in.p.SpliceTo(in.ctx, out.p, 2, true, false); err != abi.EAGAIN {
		t.Fatalf("splice into a full pipe: %v", err)
	}
	out.wantRead("cut", 100, []byte("ab"))
	in.wantRead("rest", 100, []byte("cdef"))
}

func TestCloseFreesPages(t *testing.T) {
	tp := newTPipe(t)
	tp.wantWrite("data", pattern(10000, 'a'), false, 10000)
	if used := tp.mem.Used(); used != 3*4096 {
		t.Fatalf("pages in use: %d", used)
	}
	tp.p.close(true, true)
	if used := tp.mem.Used(); used != 0 {
		t.Fatalf("pages in use after close: %d", used)
	}
}

func TestSparePages(t *testing.T) {
	tp := newTPipe(t)
	used := func(what string, want int64) {
		t.Helper()
		if got := tp.mem.Used(); got != want {
			t.Fatalf("%s: %d bytes of pages in use, want %d", what, got, want)
		}
	}
	tp.wantWrite("page", pattern(4096, 'a'), false, 4096)
	tp.wantRead("page", 4096, pattern(4096, 'a'))
	used("spare kept", 4096)
	tp.wantWrite("page again", pattern(4096, 'b'), false, 4096)
	used("spare reused", 4096)
	tp.wantWrite("second page", pattern(100, 'c'), false, 100)
	used("two slots", 8192)
	tp.wantRead("both", 8192, append(pattern(4096, 'b'), pattern(100, 'c')...))
	used("two spares", 8192)
	tp.wantWrite("fill", pattern(65536, 'd'), false, 65536)
	used("full", 65536)
	tp.wantRead("drain", 65536, pattern(65536, 'd'))
	used("a spare per slot", 65536)
	if n, err := tp.p.SetCapacity(8192, false); n != 8192 || err != nil {
		t.Fatal(n, err)
	}
	used("no more spares than slots", 8192)
	tp.p.close(true, true)
	used("closed", 0)
}

func TestWriteOutOfMemory(t *testing.T) {
	m := mm.New(fake.New(), 2*4096)
	t.Cleanup(m.Close)
	tp := &tpipe{t: t, p: New(m), mem: m, ctx: &testCtx{halt: make(chan struct{})}}
	tp.p.Open(true, true)
	tp.wantWrite("first page", pattern(4096, 'a'), false, 4096)
	tp.wantWrite("second page", pattern(5, 'a'), false, 5)
	tp.wantWrite("a merge needs no page", pattern(10, 'a'), false, 10)
	tp.wantWrite("a packet merges into a plain slot too", pattern(10, 'a'), true, 10)
	tp.wantWriteErr("no page left", pattern(4096, 'a'), false, abi.ENOMEM)
	tp.wantRead("free a page", 4096, pattern(4096, 'a'))
	tp.wantWrite("a page again", pattern(4096, 'a'), false, 4096)
}

// TestConcurrentPackets runs blocking writers of packets of many sizes
// against a blocking reader: every read is one whole packet, and each
// writer's packets arrive in order.
func TestConcurrentPackets(t *testing.T) {
	tp := newTPipe(t)
	const writers, per = 4, 200
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < per; i++ {
				msg := []byte(fmt.Sprintf("%d:%d:", w, i))
				msg = append(msg, bytes.Repeat([]byte{'x'}, (i*37)%(abi.PIPE_BUF-len(msg)))...)
				if n, err := tp.p.Write(tp.ctx, ioOf(t, msg), false, true); n != len(msg) || err != nil {
					t.Errorf("write: %d, %v", n, err)
					return
				}
			}
		}()
	}
	// Once the writers are done, the reader sees the end of the pipe.
	go func() {
		wg.Wait()
		tp.p.close(false, true)
	}()
	next := make([]int, writers)
	buf := make([]byte, abi.PIPE_BUF)
	for got := 0; got < writers*per; got++ {
		n, err := tp.p.Read(tp.ctx, ioOf(t, buf), false)
		if err != nil || n == 0 {
			t.Fatalf("packet %d: %d, %v", got, n, err)
		}
		var w, i int
		if _, err := fmt.Sscanf(string(buf[:n]), "%d:%d:", &w, &i); err != nil {
			t.Fatalf("packet %q: %v", buf[:min(n, 20)], err)
		}
		hdr := len(fmt.Sprintf("%d:%d:", w, i))
		if i != next[w] || n != hdr+(i*37)%(abi.PIPE_BUF-hdr) {
			t.Fatalf("writer %d: packet %d of %d bytes, want packet %d", w, i, n, next[w])
		}
		next[w]++
	}
	if n, err := tp.p.Read(tp.ctx, ioOf(t, buf), false); n != 0 || err != nil {
		t.Fatalf("after the last packet: %d, %v", n, err)
	}
}

// TestConcurrentAtomicWrites checks that blocking writes of at most
// PIPE_BUF bytes are never split or interleaved in stream mode.
func TestConcurrentAtomicWrites(t *testing.T) {
	tp := newTPipe(t)
	const writers, per, size = 3, 300, 1000
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			msg := bytes.Repeat([]byte{byte('a' + w)}, size)
			for i := 0; i < per; i++ {
				if n, err := tp.p.Write(tp.ctx, ioOf(t, msg), false, false); n != size || err != nil {
					t.Errorf("write: %d, %v", n, err)
					return
				}
			}
		}()
	}
	go func() {
		wg.Wait()
		tp.p.close(false, true)
	}()
	var all []byte
	buf := make([]byte, 3000)
	for len(all) < writers*per*size {
		n, err := tp.p.Read(tp.ctx, ioOf(t, buf), false)
		if err != nil || n == 0 {
			t.Fatalf("after %d bytes: %d, %v", len(all), n, err)
		}
		all = append(all, buf[:n]...)
	}
	for off := 0; off < len(all); off += size {
		if c := bytes.Count(all[off:off+size], all[off:off+1]); c != size {
			t.Fatalf("write at %d interleaved", off)
		}
	}
}
