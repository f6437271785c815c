package kernel

import (
	"runtime"
	"sync"
	"sync/atomic"

	"liblinux/abi"
	"liblinux/kernel/usermem"
	"liblinux/kernel/vfs"
	"liblinux/kernel/waiter"
)

// ThreadGroup is a process: the tasks that share a pid. In liblinux every
// host thread is a task of pid 1 unless it asks to lead a group of its own
// (lkl_sys_new_thread_group_leader).
type ThreadGroup struct {
	k      *Kernel
	PID    int32        // immutable
	Parent *ThreadGroup // nil for pid 1; immutable

	creds atomic.Pointer[vfs.Creds] // copy-on-write: replaced, never modified
	fs    *FSContext                // immutable pointer
	files *FDTable                  // immutable pointer

	// mu serialises changes to the limits. Readers (every open checks
	// RLIMIT_NOFILE) load the pointer and take no lock, so the group's
	// hot fields above stay in a cache line no call writes.
	mu      sync.Mutex
	rlimits atomic.Pointer[rlimitSet] // copy-on-write: replaced under mu, never modified

	threads int // live tasks; protected by Kernel.tasksMu

	// The padding keeps the group, read on every call, in lines of its
	// own (two lines: the allocator aligns it), away from whatever object
	// the allocator would put next to it.
	_ [56]byte
}

// rlimitSet is one value of a group's resource limits.
type rlimitSet [abi.RLIM_NLIMITS]Rlimit

// Rlimit is one resource limit.
type Rlimit struct{ Cur, Max uint64 }

// defaultRlimits are the limits of init in a kernel with mem bytes of
// memory: Linux's INIT_RLIMITS, with RLIMIT_NPROC and RLIMIT_SIGPENDING
// set from max_threads as fork_init does (memory over 8 kernel stacks of
// LKL's THREAD_SIZE, one page, within [20, FUTEX_TID_MASK], halved).
func defaultRlimits(mem int64) *rlimitSet {
	r := new(rlimitSet)
	for i := range r {
		r[i] = Rlimit{abi.RLIM_INFINITY, abi.RLIM_INFINITY}
	}
	const threadSize = 4096
	maxThreads := min(max(uint64(mem)/(threadSize*8), 20), 0x3fffffff)
	r[abi.RLIMIT_NOFILE] = Rlimit{1024, 4096}
	r[abi.RLIMIT_STACK] = Rlimit{8 << 20, abi.RLIM_INFINITY}
	r[abi.RLIMIT_CORE] = Rlimit{0, abi.RLIM_INFINITY}
	r[abi.RLIMIT_MEMLOCK] = Rlimit{8 << 20, 8 << 20}
	r[abi.RLIMIT_MSGQUEUE] = Rlimit{819200, 819200}
	r[abi.RLIMIT_NPROC] = Rlimit{maxThreads / 2, maxThreads / 2}
	r[abi.RLIMIT_SIGPENDING] = Rlimit{maxThreads / 2, maxThreads / 2}
	r[abi.RLIMIT_NICE] = Rlimit{0, 0}
	r[abi.RLIMIT_RTPRIO] = Rlimit{0, 0}
	return r
}

// Rlimit returns a resource limit.
func (g *ThreadGroup) Rlimit(res int) Rlimit { return g.rlimits.Load()[res] }

// SetRlimit changes a resource limit.
func (g *ThreadGroup) SetRlimit(res int, r Rlimit) {
	g.mu.Lock()
	next := *g.rlimits.Load()
	next[res] = r
	g.rlimits.Store(&next)
	g.mu.Unlock()
}

// Creds returns the group's current credentials (never modified in place).
func (g *ThreadGroup) Creds() *vfs.Creds { return g.creds.Load() }

// SetCreds installs new credentials for every task of the group.
func (g *ThreadGroup) SetCreds(c *vfs.Creds) { g.creds.Store(c) }

// FS returns the group's root, cwd and umask.
func (g *ThreadGroup) FS() *FSContext { return g.fs }

// Files returns the group's descriptor table.
func (g *ThreadGroup) Files() *FDTable { return g.files }

// PPID returns the parent's pid (0 for pid 1).
func (g *ThreadGroup) PPID() int32 {
	if g.Parent == nil {
		return 0
	}
	return g.Parent.PID
}

// Task is a kernel thread bound to one host thread.
type Task struct {
	k       *Kernel
	TID     int32 // immutable
	HostTID int64 // immutable

	group atomic.Pointer[ThreadGroup]

	// inSyscall is set while the task runs a system call; Halt waits for
	// it to clear.
	inSyscall atomic.Bool

	// waiting is the event the task is blocked on, which halting fires.
	waiting atomic.Pointer[waiter.Event]

	// Args holds the arguments of the system call the task is running.
	// Only the task's own host thread touches it.
	Args SyscallArgs

	// Every call writes inSyscall and Args: the padding makes a Task
	// exactly two cache lines (the allocator then places it on a line
	// boundary), so tasks running on different CPUs share no line.
	_ [32]byte
}

// SyscallArgs are the six raw arguments of a system call.
type SyscallArgs [6]uintptr

// Int returns argument i as a C int.
func (a *SyscallArgs) Int(i int) int32 { return int32(a[i]) }

// Uint returns argument i as a C unsigned int.
func (a *SyscallArgs) Uint(i int) uint32 { return uint32(a[i]) }

// Int64 returns argument i as a C long.
func (a *SyscallArgs) Int64(i int) int64 { return int64(a[i]) }

// Ptr returns argument i as a user address.
func (a *SyscallArgs) Ptr(i int) usermem.Addr { return usermem.Addr(a[i]) }

// Kernel returns the task's kernel.
func (t *Task) Kernel() *Kernel { return t.k }

// Group returns the task's thread group.
func (t *Task) Group() *ThreadGroup { return t.group.Load() }

// Creds implements vfs.Context.
func (t *Task) Creds() *vfs.Creds { return t.Group().Creds() }

// Now implements vfs.Context.
func (t *Task) Now() vfs.Time { return vfs.TimeFromNanos(t.k.Clock.Realtime()) }

// FileSizeLimit implements vfs.FileSizeLimiter: RLIMIT_FSIZE's soft value.
func (t *Task) FileSizeLimit() uint64 { return t.Group().Rlimit(abi.RLIMIT_FSIZE).Cur }

// allocPIDLocked returns an unused pid. Preconditions: tasksMu is held.
func (k *Kernel) allocPIDLocked() int32 {
	const pidMax = 4194304
	for {
		k.lastPID++
		if k.lastPID >= pidMax {
			k.lastPID = 2
		}
		if _, ok := k.tasks[k.lastPID]; ok {
			continue
		}
		if _, ok := k.groups[k.lastPID]; ok {
			continue
		}
		return k.lastPID
	}
}

// NewTask creates a task in pid 1 for a host thread. The first task takes
// tid 1, as the initial thread of the initial process.
func (k *Kernel) NewTask(hostTID int64) (*Task, error) {
	k.tasksMu.Lock()
	defer k.tasksMu.Unlock()
	if !k.Running() {
		return nil, abi.ESHUTDOWN
	}
	tid := int32(1)
	if _, used := k.tasks[1]; used || k.init.threads > 0 {
		tid = k.allocPIDLocked()
	}
	t := &Task{k: k, TID: tid, HostTID: hostTID}
	t.group.Store(k.init)
	k.init.threads++
	k.tasks[tid] = t
	return t, nil
}

// ReleaseTask ends a task whose host thread exited. A group whose last
// task goes closes its files.
func (k *Kernel) ReleaseTask(t *Task) {
	k.tasksMu.Lock()
	if k.tasks[t.TID] != t {
		k.tasksMu.Unlock()
		return
	}
	delete(k.tasks, t.TID)
	g := t.Group()
	g.threads--
	last := g.threads == 0 && g != k.init
	if last {
		delete(k.groups, g.PID)
	}
	k.tasksMu.Unlock()
	if last {
		g.files.CloseAll()
		g.fs.Release()
	}
}

// NewThreadGroupLeader makes t the leader of a new process whose pid is
// t's tid and whose parent is t's old process. The new process starts with
// a copy of the old one's descriptors, cwd, root, umask and credentials,
// as fork(2) gives a child.
func (k *Kernel) NewThreadGroupLeader(t *Task) error {
	k.tasksMu.Lock()
	defer k.tasksMu.Unlock()
	old := t.Group()
	if old.PID == t.TID {
		return abi.EPERM
	}
	g := &ThreadGroup{k: k, PID: t.TID, Parent: old, fs: old.fs.Clone(), files: old.files.Fork()}
	g.creds.Store(old.Creds())
	g.rlimits.Store(old.rlimits.Load()) // shared until either changes
	g.threads = 1
	old.threads--
	k.groups[g.PID] = g
	t.group.Store(g)
	return nil
}

// TaskCount returns the number of live tasks.
func (k *Kernel) TaskCount() int {
	k.tasksMu.Lock()
	defer k.tasksMu.Unlock()
	return len(k.tasks)
}

// Groups returns the live thread groups' pids in no particular order.
func (k *Kernel) Groups() []*ThreadGroup {
	k.tasksMu.Lock()
	defer k.tasksMu.Unlock()
	out := make([]*ThreadGroup, 0, len(k.groups))
	for _, g := range k.groups {
		out = append(out, g)
	}
	return out
}

// Group returns the thread group with the given pid.
func (k *Kernel) Group(pid int32) *ThreadGroup {
	k.tasksMu.Lock()
	defer k.tasksMu.Unlock()
	return k.groups[pid]
}

func (k *Kernel) allTasks() []*Task {
	k.tasksMu.Lock()
	defer k.tasksMu.Unlock()
	out := make([]*Task, 0, len(k.tasks))
	for _, t := range k.tasks {
		out = append(out, t)
	}
	return out
}

// Enter marks the start of a system call. It fails with ESHUTDOWN once the
// kernel is halting. Every successful Enter is paired with Exit.
func (t *Task) Enter() bool {
	t.inSyscall.Store(true)
	if t.k.state.Load() != stateRunning {
		t.inSyscall.Store(false)
		return false
	}
	return true
}

// InSyscall reports whether the task is inside a system call.
func (t *Task) InSyscall() bool { return t.inSyscall.Load() }

// Exit marks the end of a system call.
func (t *Task) Exit() { t.inSyscall.Store(false) }

// waitIdle waits until the task is not in a system call. Blocked calls
// have been woken by the closed halt channel and return promptly.
func (t *Task) waitIdle() {
	for t.inSyscall.Load() {
		runtime.Gosched()
	}
}
