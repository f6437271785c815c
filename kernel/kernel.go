package kernel

import (
	"fmt"
	"sync"
	"sync/atomic"

	"liblinux/abi"
	"liblinux/hostops"
	"liblinux/kernel/futex"
	"liblinux/kernel/ktime"
	"liblinux/kernel/locks"
	"liblinux/kernel/mm"
	"liblinux/kernel/vfs"
)

// Release is the kernel release uname(2) reports.
const Release = "6.6.0-liblinux"

// Version is uname's version field.
const Version = "#1 SMP PREEMPT liblinux"

// Machine is uname's machine field: the ABI is LKL's on x86-64.
const Machine = "x86_64"

// Kernel states.
const (
	stateRunning int32 = iota
	stateHalting
	stateHalted
)

// Kernel is one booted kernel.
type Kernel struct {
	Ops       hostops.Ops   // immutable
	Cmdline   Cmdline       // immutable
	Log       *Log          // immutable
	Clock     *ktime.Clock  // immutable
	Mem       *mm.Allocator // immutable
	heapFloor func()        // gives back this kernel's share of the Go heap floor (mm.HeapFloor)
	VFS       *vfs.VFS      // immutable

	// FSTypes are registered by the filesystems' setup (see Boot).
	BootTime int64 // CLOCK_REALTIME at boot, ns

	state  atomic.Int32
	halt   chan struct{} // closed when halting starts: wakes blocked tasks
	haltMu sync.Mutex    // serialises Halt

	tasksMu sync.Mutex
	tasks   map[int32]*Task        // protected by tasksMu
	groups  map[int32]*ThreadGroup // protected by tasksMu
	lastPID int32                  // protected by tasksMu
	init    *ThreadGroup           // pid 1; immutable after boot

	utsMu      sync.RWMutex
	hostname   string // protected by utsMu
	domainname string // protected by utsMu

	errLogged sync.Map // unknown errors already logged

	disks disks

	futexes futex.Table // futex(2) waiters; see Futexes
	locks   locks.Table // advisory file locks; see Locks

	pipeIno atomic.Uint64
	pipeDev uint64 // anonymous device of pipefs; immutable
}

// NextPipeIno returns an inode number for a new pipe.
func (k *Kernel) NextPipeIno() uint64 { return k.pipeIno.Add(1) }

// PipeDev returns the device number pipes report.
func (k *Kernel) PipeDev() uint64 { return k.pipeDev }

// Setup is called during boot, after the root filesystem is mounted and
// before the first task exists, to register filesystems and populate the
// tree. It lets packages that the kernel cannot import (the filesystems)
// take part in boot.
type Setup func(k *Kernel, ctx vfs.Context) error

// Boot starts a kernel on ops with the command line cmdline. It returns an
// error (an abi.Errno) when the host cannot provide what the kernel needs.
func Boot(ops hostops.Ops, cmdline string, setup Setup) (*Kernel, error) {
	k := &Kernel{
		Ops:        ops,
		Cmdline:    ParseCmdline(cmdline),
		halt:       make(chan struct{}),
		tasks:      make(map[int32]*Task),
		groups:     make(map[int32]*ThreadGroup),
		hostname:   "(none)",
		domainname: "(none)",
	}
	k.Log = &Log{k: k, level: k.Cmdline.LogLevel}
	clock, err := ktime.New(ops)
	if err != nil {
		return nil, abi.ENOMEM
	}
	k.Clock = clock
	k.BootTime = clock.Realtime()
	k.Log.Printf(LogNotice, "Linux version %s (liblinux) %s", Release, Version)
	k.Log.Printf(LogNotice, "Command line: %s", k.Cmdline.Raw)
	k.Mem = mm.New(ops, k.Cmdline.Mem)
	k.heapFloor = mm.HeapFloor(k.Cmdline.Mem)
	k.VFS = vfs.New()
	k.pipeDev = k.VFS.NewAnonDev()

	ctx := &bootContext{k: k, creds: vfs.RootCreds()}
	if setup != nil {
		if err := setup(k, ctx); err != nil {
			k.Log.Printf(LogErr, "boot failed: %v", err)
			k.release()
			return nil, err
		}
	}
	k.Log.Printf(LogInfo, "Memory: %dK/%dK available", k.Mem.Limit()>>10, k.Cmdline.Mem>>10)

	root := k.VFS.Root()
	k.init = &ThreadGroup{k: k, PID: 1, fs: newFSContext(root), files: newFDTable(&k.locks)}
	k.init.creds.Store(vfs.RootCreds())
	k.init.rlimits.Store(defaultRlimits(k.Mem.Limit()))
	k.groups[1] = k.init
	k.lastPID = 1
	k.Log.Printf(LogInfo, "liblinux: kernel running")
	return k, nil
}

// bootContext is the vfs.Context of boot-time setup: root, no task.
type bootContext struct {
	k     *Kernel
	creds *vfs.Creds
}

func (c *bootContext) Creds() *vfs.Creds { return c.creds }
func (c *bootContext) Now() vfs.Time     { return vfs.TimeFromNanos(c.k.Clock.Realtime()) }

// Running reports whether the kernel accepts system calls.
func (k *Kernel) Running() bool { return k.state.Load() == stateRunning }

// Halting is closed when the kernel starts to halt. Blocking operations
// select on it so that halt wakes them.
func (k *Kernel) Halting() <-chan struct{} { return k.halt }

// Uptime returns the time since boot in nanoseconds.
func (k *Kernel) Uptime() int64 { return k.Clock.Now() }

// Init returns the initial thread group (pid 1).
func (k *Kernel) Init() *ThreadGroup { return k.init }

// Hostname returns the UTS node name and domain name.
func (k *Kernel) Hostname() (string, string) {
	k.utsMu.RLock()
	defer k.utsMu.RUnlock()
	return k.hostname, k.domainname
}

// SetHostname sets the UTS node name (sethostname(2)).
func (k *Kernel) SetHostname(name string) {
	k.utsMu.Lock()
	k.hostname = name
	k.utsMu.Unlock()
}

// SetDomainname sets the NIS domain name (setdomainname(2)).
func (k *Kernel) SetDomainname(name string) {
	k.utsMu.Lock()
	k.domainname = name
	k.utsMu.Unlock()
}

// StartHalt begins shutdown (the reboot(2) path): new system calls are
// refused and blocked ones are woken. It reports whether this call started
// it.
func (k *Kernel) StartHalt() bool {
	if !k.state.CompareAndSwap(stateRunning, stateHalting) {
		return false
	}
	k.Log.Printf(LogNotice, "reboot: System halted")
	close(k.halt)
	k.fireWaiting()
	return true
}

// Halt shuts the kernel down: it starts the halt if reboot(2) did not,
// waits for every system call in progress to return, then gives all host
// resources back (timer, memory). The caller must not be inside a system
// call of this kernel.
func (k *Kernel) Halt() {
	k.haltMu.Lock()
	defer k.haltMu.Unlock()
	if k.state.Load() == stateHalted {
		return
	}
	k.StartHalt()
	for _, t := range k.allTasks() {
		t.waitIdle()
	}
	k.state.Store(stateHalted)
	k.unmountAll()
	k.release()
}

// unmountAll closes every descriptor and unmounts every filesystem, then
// writes back every disk, so that nothing written before the halt is
// lost and a disk image is left clean.
func (k *Kernel) unmountAll() {
	for _, g := range k.Groups() {
		g.files.CloseAll()
	}
	k.VFS.Shutdown(&bootContext{k: k, creds: vfs.RootCreds()})
	if err := k.SyncDisks(); err != nil {
		k.Log.Printf(LogErr, "halt: writing back the disks failed: %v", err)
	}
}

func (k *Kernel) release() {
	k.Clock.Close()
	k.Mem.Close()
	k.heapFloor()
}

// LogUnknownError logs an error that has no errno once, and returns EIO.
func (k *Kernel) LogUnknownError(err error) abi.Errno {
	key := fmt.Sprintf("%T:%v", err, err)
	if _, loaded := k.errLogged.LoadOrStore(key, true); !loaded {
		k.Log.Printf(LogErr, "liblinux: unexpected error %v, returning EIO", err)
	}
	return abi.EIO
}
