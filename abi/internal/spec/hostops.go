package spec

// HostOp is one member of struct lkl_host_operations. Every member is one
// pointer-sized word, except Reserved.
type HostOp struct {
	Name string
	// Decl is the C member declaration with NAME where the member name goes.
	Decl string
	Doc  string
	// Required: "yes", "no", or "mem" (either mem_alloc+mem_free or
	// page_alloc+page_free must be set).
	Required string
	Len      int // array length for the reserved tail, else 0
}

// HostOps is struct lkl_host_operations: LKL's newest member order, then
// liblinux's versioned tail.
var HostOps = []HostOp{
	{"virtio_devices", "const char *NAME", "string appended verbatim to the boot command line (virtio_mmio.device=... entries); may be NULL", "no", 0},
	{"print", "void (*NAME)(const char *str, int len)", "console output: the kernel log and printk text, len bytes, not NUL-terminated; NULL means silent", "no", 0},
	{"panic", "void (*NAME)(void)", "called once when the kernel panics; must not return", "yes", 0},
	{"sem_alloc", "struct lkl_sem *(*NAME)(int count)", "counting semaphore with initial value count; NULL on failure (LKL compatibility)", "no", 0},
	{"sem_free", "void (*NAME)(struct lkl_sem *sem)", "free a semaphore from sem_alloc (LKL compatibility)", "no", 0},
	{"sem_up", "void (*NAME)(struct lkl_sem *sem)", "V operation (LKL compatibility)", "no", 0},
	{"sem_down", "void (*NAME)(struct lkl_sem *sem)", "P operation; blocks (LKL compatibility)", "no", 0},
	{"mutex_alloc", "struct lkl_mutex *(*NAME)(int recursive)", "mutex, recursive if recursive is non-zero (LKL compatibility)", "no", 0},
	{"mutex_free", "void (*NAME)(struct lkl_mutex *mutex)", "free a mutex (LKL compatibility)", "no", 0},
	{"mutex_lock", "void (*NAME)(struct lkl_mutex *mutex)", "lock; blocks (LKL compatibility)", "no", 0},
	{"mutex_unlock", "void (*NAME)(struct lkl_mutex *mutex)", "unlock (LKL compatibility)", "no", 0},
	{"thread_create", "lkl_thread_t (*NAME)(void (*f)(void *), void *arg)", "new host thread running f(arg); 0 on failure (LKL compatibility)", "no", 0},
	{"thread_detach", "void (*NAME)(void)", "detach the calling thread (LKL compatibility)", "no", 0},
	{"thread_exit", "void (*NAME)(void)", "terminate the calling thread (LKL compatibility)", "no", 0},
	{"thread_join", "int (*NAME)(lkl_thread_t tid)", "wait for a thread; 0 on success, -1 on error (LKL compatibility)", "no", 0},
	{"thread_self", "lkl_thread_t (*NAME)(void)", "handle of the calling thread (LKL compatibility)", "no", 0},
	{"thread_equal", "int (*NAME)(lkl_thread_t a, lkl_thread_t b)", "non-zero if both handles name the same thread (LKL compatibility)", "no", 0},
	{"thread_stack", "void *(*NAME)(unsigned long *size)", "base and size of the calling thread's stack (LKL compatibility)", "no", 0},
	{"tls_alloc", "struct lkl_tls_key *(*NAME)(void (*destructor)(void *))", "thread-local key; destructor runs with the stored value when a host thread exits, which is how the kernel releases the task bound to that thread; NULL on failure", "yes", 0},
	{"tls_free", "void (*NAME)(struct lkl_tls_key *key)", "free a key from tls_alloc", "yes", 0},
	{"tls_set", "int (*NAME)(struct lkl_tls_key *key, void *data)", "store data for the calling thread; 0 on success", "yes", 0},
	{"tls_get", "void *(*NAME)(struct lkl_tls_key *key)", "value stored by the calling thread, NULL if none", "yes", 0},
	{"mem_alloc", "void *(*NAME)(unsigned long)", "general kernel memory, bounded by mem= on the command line (liblinux uses it when page_alloc is NULL); NULL on failure", "mem", 0},
	{"mem_free", "void (*NAME)(void *)", "free memory from mem_alloc", "mem", 0},
	{"page_alloc", "void *(*NAME)(unsigned long size)", "page-aligned kernel memory, preferred over mem_alloc when set; NULL on failure", "mem", 0},
	{"page_free", "void (*NAME)(void *addr, unsigned long size)", "free memory from page_alloc", "mem", 0},
	{"time", "unsigned long long (*NAME)(void)", "host clock in nanoseconds, never going backwards (the POSIX host: CLOCK_MONOTONIC shifted to read as the wall clock at its first use); CLOCK_REALTIME starts at it at boot, CLOCK_MONOTONIC and every timeout are measured on it", "yes", 0},
	{"timer_alloc", "void *(*NAME)(void (*fn)(void))", "one-shot host timer that calls fn from any host thread when it fires; the kernel's only clock-event source; NULL on failure", "yes", 0},
	{"timer_set_oneshot", "int (*NAME)(void *timer, unsigned long delta)", "arm the timer to fire once after delta nanoseconds; 0 on success", "yes", 0},
	{"timer_free", "void (*NAME)(void *timer)", "disarm and free a timer", "yes", 0},
	{"ioremap", "void *(*NAME)(long addr, int size)", "map an I/O memory region (LKL compatibility)", "no", 0},
	{"iomem_access", "int (*NAME)(const volatile void *addr, void *val, int size, int write)", "read or write I/O memory (LKL compatibility)", "no", 0},
	{"gettid", "long (*NAME)(void)", "host thread id, used in diagnostics only; may be NULL", "no", 0},
	{"jmp_buf_set", "void (*NAME)(struct lkl_jmp_buf *jmpb, void (*f)(void))", "save a context and call f (LKL compatibility)", "no", 0},
	{"jmp_buf_longjmp", "void (*NAME)(struct lkl_jmp_buf *jmpb, int val)", "jump back to a saved context (LKL compatibility)", "no", 0},
	{"memcpy", "void *(*NAME)(void *dest, const void *src, unsigned long count)", "optional host memcpy (LKL compatibility)", "no", 0},
	{"memset", "void *(*NAME)(void *s, int c, unsigned long count)", "optional host memset (LKL compatibility)", "no", 0},
	{"memmove", "void *(*NAME)(void *dest, const void *src, unsigned long count)", "optional host memmove (LKL compatibility)", "no", 0},
	{"mmap", "void *(*NAME)(void *addr, unsigned long size, enum lkl_prot prot)", "anonymous mapping at exactly addr (LKL compatibility)", "no", 0},
	{"munmap", "int (*NAME)(void *addr, unsigned long size)", "undo mmap (LKL compatibility)", "no", 0},
	{"shmem_init", "void (*NAME)(unsigned long size)", "create the backing object for physical memory (LKL MMU builds; compatibility)", "no", 0},
	{"shmem_mmap", "void *(*NAME)(void *addr, unsigned long pg_off, unsigned long size, enum lkl_prot prot)", "map physical memory at addr (LKL MMU builds; compatibility)", "no", 0},
	{"pci_ops", "struct lkl_dev_pci_ops *NAME", "PCI passthrough driver (LKL compatibility); may be NULL", "no", 0},
	{"version", "unsigned long NAME", "0 for an LKL-era struct, else LKL_HOST_OPS_VERSION; a version newer than the library's is rejected", "no", 0},
	{"reserved", "void *NAME[15]", "must be zero", "no", 15},
}
