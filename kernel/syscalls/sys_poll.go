package syscalls

import (
	"encoding/binary"

	"liblinux/abi"
	"liblinux/kernel"
	"liblinux/kernel/usermem"
	"liblinux/kernel/vfs"
	"liblinux/kernel/waiter"
)

func init() {
	register(abi.SYS_PPOLL, Ppoll)
	register(abi.SYS_PSELECT6, Pselect6)
	register(abi.SYS_POLL, Poll)
	register(abi.SYS_SELECT, Select)
}

// The signal mask arguments of ppoll and pselect6 are checked (size and
// address) and otherwise have no effect: no signals are delivered to
// library tasks, so there is nothing to block or unblock during the wait.

// allEvents asks a file for every readiness bit it has.
const allEvents = 0xffff

// The readiness bits that make select(2) report a descriptor in each set
// (fs/select.c POLLIN_SET, POLLOUT_SET, POLLEX_SET). A descriptor that is
// closed while select runs reports POLLNVAL, which is in all three.
const (
	pollInSet  = abi.POLLRDNORM | abi.POLLRDBAND | abi.POLLIN | abi.POLLHUP | abi.POLLERR | abi.POLLNVAL
	pollOutSet = abi.POLLWRBAND | abi.POLLWRNORM | abi.POLLOUT | abi.POLLERR | abi.POLLNVAL
	pollExSet  = abi.POLLPRI | abi.POLLNVAL
)

// Deadline values of a poll: noWait for a zero timeout, forever for none;
// anything else is a CLOCK_MONOTONIC deadline.
const (
	noWait  = -1
	forever = 0
)

// pollFile returns the file at fd as poll and select see it: O_PATH
// descriptors do not count (Linux's fdget skips them).
func pollFile(files *kernel.FDTable, fd int32) *vfs.File {
	f, err := files.Get(fd)
	if err != nil {
		return nil
	}
	if f.Flags()&abi.O_PATH != 0 {
		f.DecRef()
		return nil
	}
	return f
}

// waitSet is the set of wait-queue registrations of one blocking poll: one
// entry on each distinct file, all firing the same event.
type waitSet struct {
	ev   *waiter.Event
	regs map[*vfs.File]*waiter.Entry
}

func newWaitSet() *waitSet {
	return &waitSet{ev: waiter.NewEvent(), regs: make(map[*vfs.File]*waiter.Entry)}
}

// add registers on f once; the set keeps a reference to f until release.
func (s *waitSet) add(f *vfs.File) {
	if s == nil {
		return
	}
	if _, ok := s.regs[f]; ok {
		return
	}
	w, ok := f.Waitable()
	if !ok {
		s.regs[f] = nil
		f.IncRef()
		return
	}
	ev := s.ev
	e := waiter.NewEntry(allEvents, func(uint32) { ev.Fire() })
	f.IncRef()
	w.EventRegister(e)
	s.regs[f] = e
}

// release drops every registration.
func (s *waitSet) release() {
	for f, e := range s.regs {
		if e != nil {
			w, _ := f.Waitable()
			w.EventUnregister(e)
		}
		f.DecRef()
	}
	s.regs = nil
}

// waitLoop runs pass until it finds something ready or the deadline
// passes. pass(ws) computes the results and, with ws not nil, registers
// for wake-ups on the files it looks at. After a timeout one last pass
// runs, as Linux's do_poll and do_select do. The error is EINTR when the
// wait is interrupted (the kernel halts).
func waitLoop(t *kernel.Task, deadline int64, pass func(ws *waitSet) int) (int, error) {
	n := pass(nil)
	if n != 0 || deadline == noWait {
		return n, nil
	}
	ws := newWaitSet()
	defer ws.release()
	for {
		if n = pass(ws); n != 0 {
			return n, nil
		}
		switch err := t.Block(ws.ev, deadline); err {
		case nil:
		case abi.ETIMEDOUT:
			return pass(nil), nil
		default:
			return 0, err
		}
	}
}

// pollTimeout reads a struct timespec timeout (NULL = forever) and returns
// the deadline: EFAULT for a bad pointer, EINVAL for an invalid value.
func pollTimeout(t *kernel.Task, tsp usermem.Addr) (int64, error) {
	if tsp == 0 {
		return forever, nil
	}
	ts, err := copyInTimespec(tsp)
	if err != nil {
		return 0, err
	}
	return timeoutDeadline(t, ts.Sec, ts.Nsec), nil
}

// timeoutDeadline turns a checked relative timeout into a deadline.
func timeoutDeadline(t *kernel.Task, sec, nsec int64) int64 {
	if sec == 0 && nsec == 0 {
		return noWait
	}
	d := nsec
	if sec > (1<<63-1-nsec)/1e9 {
		d = 1<<63 - 1
	} else {
		d += sec * 1e9
	}
	return max(satAdd(t.Kernel().Clock.Now(), d), 1)
}

// remaining is the time left to deadline, never negative.
func remaining(t *kernel.Task, deadline int64) int64 {
	return max(deadline-t.Kernel().Clock.Now(), 0)
}

// writeTimespecLeft stores the time left in the caller's timeout, as
// Linux's poll_select_finish() does for ppoll and pselect6. A zero timeout
// is left alone, and a failure to write is ignored (the timeout may live
// in read-only memory).
func writeTimespecLeft(t *kernel.Task, tsp usermem.Addr, deadline int64) {
	if tsp == 0 || deadline == noWait {
		return
	}
	ts := timespec(remaining(t, deadline))
	copyOut(tsp, &ts, abi.SizeofTimespec)
}

// checkSigmask validates a signal mask argument: with a mask, its size
// must be sizeof(sigset_t) (EINVAL) and the mask readable (EFAULT).
func checkSigmask(mask usermem.Addr, size uint64) error {
	if mask == 0 {
		return nil
	}
	if size != abi.SizeofSigset {
		return abi.EINVAL
	}
	var b [abi.SizeofSigset]byte
	return usermem.CopyIn(b[:], mask)
}

// Ppoll implements Linux syscall ppoll(2).
func Ppoll(t *kernel.Task, a *Args) (uintptr, error) {
	tsp := a.Ptr(2)
	deadline, err := pollTimeout(t, tsp)
	if err != nil {
		return 0, err
	}
	if err := checkSigmask(a.Ptr(3), uint64(a[4])); err != nil {
		return 0, err
	}
	n, err := doPoll(t, a.Ptr(0), a.Uint(1), deadline)
	writeTimespecLeft(t, tsp, deadline)
	return n, err
}

// Poll implements Linux syscall poll(2) (the legacy number; lkl_sys_poll
// goes through ppoll). A negative timeout waits forever.
func Poll(t *kernel.Task, a *Args) (uintptr, error) {
	ms := int64(a.Int(2))
	deadline := int64(forever)
	if ms >= 0 {
		deadline = timeoutDeadline(t, ms/1000, ms%1000*1e6)
	}
	return doPoll(t, a.Ptr(0), a.Uint(1), deadline)
}

// doPoll is the body of poll(2): EINVAL if nfds exceeds RLIMIT_NOFILE,
// EFAULT for an unreadable array or unwritable revents.
func doPoll(t *kernel.Task, ufds usermem.Addr, nfds uint32, deadline int64) (uintptr, error) {
	g := t.Group()
	if uint64(nfds) > g.Rlimit(abi.RLIMIT_NOFILE).Cur {
		return 0, abi.EINVAL
	}
	buf := make([]byte, int(nfds)*abi.SizeofPollfd)
	if err := usermem.CopyIn(buf, ufds); err != nil {
		return 0, err
	}
	fds := make([]abi.Pollfd, nfds)
	for i := range fds {
		fds[i].UnmarshalFrom(buf[i*abi.SizeofPollfd:])
	}
	files := g.Files()
	pass := func(ws *waitSet) int {
		count := 0
		for i := range fds {
			fds[i].Revents = int16(pollOne(files, &fds[i], ws))
			if fds[i].Revents != 0 {
				count++
			}
		}
		return count
	}
	n, err := waitLoop(t, deadline, pass)
	// revents are written even when the wait was interrupted, as Linux.
	var rb [2]byte
	for i := range fds {
		binary.NativeEndian.PutUint16(rb[:], uint16(fds[i].Revents))
		if cerr := usermem.CopyOut(ufds+usermem.Addr(i*abi.SizeofPollfd+6), rb[:]); cerr != nil {
			return 0, cerr
		}
	}
	return uintptr(n), err
}

// pollOne computes one pollfd's revents as Linux's do_pollfd(): 0 for a
// negative fd, POLLNVAL for a descriptor that is not open, else the ready
// events among those asked for plus POLLERR and POLLHUP.
func pollOne(files *kernel.FDTable, p *abi.Pollfd, ws *waitSet) uint32 {
	if p.Fd < 0 {
		return 0
	}
	f := pollFile(files, p.Fd)
	if f == nil {
		return abi.POLLNVAL
	}
	defer f.DecRef()
	ws.add(f)
	filter := uint32(uint16(p.Events)) | abi.POLLERR | abi.POLLHUP
	return f.Readiness(allEvents) & filter
}

// fdSet is a select(2) descriptor set as 64-bit words.
type fdSet []uint64

// readFDSet copies a set of n descriptors in (all zero for NULL).
func readFDSet(a usermem.Addr, words int) (fdSet, error) {
	s := make(fdSet, words)
	if a == 0 || words == 0 {
		return s, nil
	}
	b := make([]byte, words*8)
	if err := usermem.CopyIn(b, a); err != nil {
		return nil, err
	}
	for i := range s {
		s[i] = binary.NativeEndian.Uint64(b[i*8:])
	}
	return s, nil
}

// writeFDSet copies a result set out (nothing for NULL).
func writeFDSet(a usermem.Addr, s fdSet) error {
	if a == 0 || len(s) == 0 {
		return nil
	}
	b := make([]byte, len(s)*8)
	for i, w := range s {
		binary.NativeEndian.PutUint64(b[i*8:], w)
	}
	return usermem.CopyOut(a, b)
}

// doSelect is the body of select(2) (Linux's core_sys_select): n is
// clamped to the descriptor table's size, bits at or above n are ignored
// and cleared in the results.
//
//   - EINVAL: n is negative.
//   - EFAULT: a set cannot be read or written.
//   - EBADF: a set names a descriptor that is not open.
func doSelect(t *kernel.Task, n int32, inp, outp, exp usermem.Addr, deadline int64) (uintptr, error) {
	if n < 0 {
		return 0, abi.EINVAL
	}
	files := t.Group().Files()
	if size := files.Size(); int(n) > size {
		n = int32(size)
	}
	words := (int(n) + 63) / 64
	in, err := readFDSet(inp, words)
	if err != nil {
		return 0, err
	}
	out, err := readFDSet(outp, words)
	if err != nil {
		return 0, err
	}
	ex, err := readFDSet(exp, words)
	if err != nil {
		return 0, err
	}
	if rem := n % 64; rem != 0 {
		keep := uint64(1)<<rem - 1
		in[words-1] &= keep
		out[words-1] &= keep
		ex[words-1] &= keep
	}
	// Every descriptor named must be open (O_PATH ones included).
	for w := 0; w < words; w++ {
		all := in[w] | out[w] | ex[w]
		for b := 0; all != 0; b++ {
			if all&1 != 0 {
				f, err := files.Get(int32(w*64 + b))
				if err != nil {
					return 0, abi.EBADF
				}
				f.DecRef()
			}
			all >>= 1
		}
	}
	rin, rout, rex := make(fdSet, words), make(fdSet, words), make(fdSet, words)
	pass := func(ws *waitSet) int {
		count := 0
		for w := 0; w < words; w++ {
			rin[w], rout[w], rex[w] = 0, 0, 0
			all := in[w] | out[w] | ex[w]
			for b := 0; all>>b != 0; b++ {
				bit := uint64(1) << b
				if all&bit == 0 {
					continue
				}
				mask := uint32(abi.POLLNVAL)
				if f := pollFile(files, int32(w*64+b)); f != nil {
					ws.add(f)
					mask = f.Readiness(allEvents)
					f.DecRef()
				}
				if in[w]&bit != 0 && mask&pollInSet != 0 {
					rin[w] |= bit
					count++
				}
				if out[w]&bit != 0 && mask&pollOutSet != 0 {
					rout[w] |= bit
					count++
				}
				if ex[w]&bit != 0 && mask&pollExSet != 0 {
					rex[w] |= bit
					count++
				}
			}
		}
		return count
	}
	count, err := waitLoop(t, deadline, pass)
	if err != nil {
		return 0, err
	}
	if err := writeFDSet(inp, rin); err != nil {
		return 0, err
	}
	if err := writeFDSet(outp, rout); err != nil {
		return 0, err
	}
	if err := writeFDSet(exp, rex); err != nil {
		return 0, err
	}
	return uintptr(count), nil
}

// Pselect6 implements Linux syscall pselect6(2). Its sixth argument points
// to a {const sigset_t *, size_t} pair.
func Pselect6(t *kernel.Task, a *Args) (uintptr, error) {
	var mask usermem.Addr
	var maskSize uint64
	if a.Ptr(5) != 0 {
		var b [16]byte
		if err := usermem.CopyIn(b[:], a.Ptr(5)); err != nil {
			return 0, err
		}
		mask = usermem.Addr(binary.NativeEndian.Uint64(b[:8]))
		maskSize = binary.NativeEndian.Uint64(b[8:])
	}
	tsp := a.Ptr(4)
	deadline, err := pollTimeout(t, tsp)
	if err != nil {
		return 0, err
	}
	if err := checkSigmask(mask, maskSize); err != nil {
		return 0, err
	}
	n, err := doSelect(t, a.Int(0), a.Ptr(1), a.Ptr(2), a.Ptr(3), deadline)
	writeTimespecLeft(t, tsp, deadline)
	return n, err
}

// Select implements Linux syscall select(2) (the legacy number;
// lkl_sys_select goes through pselect6) with its struct timeval timeout,
// which it updates with the time left.
func Select(t *kernel.Task, a *Args) (uintptr, error) {
	tvp := a.Ptr(4)
	deadline := int64(forever)
	if tvp != 0 {
		var b [abi.SizeofTimeval]byte
		if err := usermem.CopyIn(b[:], tvp); err != nil {
			return 0, err
		}
		var tv abi.Timeval
		tv.UnmarshalFrom(b[:])
		sec, nsec := tv.Sec+tv.Usec/1e6, tv.Usec%1e6*1e3
		if sec < 0 || nsec < 0 {
			return 0, abi.EINVAL
		}
		deadline = timeoutDeadline(t, sec, nsec)
	}
	n, err := doSelect(t, a.Int(0), a.Ptr(1), a.Ptr(2), a.Ptr(3), deadline)
	if tvp != 0 && deadline != noWait {
		left := remaining(t, deadline)
		tv := abi.Timeval{Sec: left / 1e9, Usec: left % 1e9 / 1e3}
		copyOut(tvp, &tv, abi.SizeofTimeval)
	}
	return n, err
}
