package main

// Hand-written C text placed into the generated headers and sources.

const hostOpsPreamble = `/* Host thread handle. */
typedef unsigned long lkl_thread_t;

/* Saved context for jmp_buf_set/jmp_buf_longjmp. */
struct lkl_jmp_buf {
	unsigned long buf[128];
};

/* Protection for the mmap and shmem_mmap host operations. */
enum lkl_prot {
	LKL_PROT_NONE = 0,
	LKL_PROT_READ = 1,
	LKL_PROT_WRITE = 2,
	LKL_PROT_EXEC = 4
};

/* Host-defined objects; the kernel only holds pointers to them. */
struct lkl_mutex;
struct lkl_sem;
struct lkl_tls_key;
struct lkl_pci_dev;

/**
 * struct lkl_dev_pci_ops - userspace PCI passthrough (LKL compatibility)
 *
 * @add - open the device called name, with kernel_ram the memory it may DMA to
 * @remove - release the device
 * @irq_init - route the device's interrupt to irq
 * @read - read size bytes of configuration space at where into val
 * @write - write size bytes of configuration space at where from val
 * @resource_alloc - map BAR resource_index of resource_size bytes
 * @map_page - DMA address of vaddr
 * @unmap_page - release a DMA mapping
 */
struct lkl_dev_pci_ops {
	struct lkl_pci_dev *(*add)(const char *name, void *kernel_ram, unsigned long ram_size);
	void (*remove)(struct lkl_pci_dev *dev);
	int (*irq_init)(struct lkl_pci_dev *dev, int irq);
	int (*read)(struct lkl_pci_dev *dev, int where, int size, void *val);
	int (*write)(struct lkl_pci_dev *dev, int where, int size, void *val);
	void *(*resource_alloc)(struct lkl_pci_dev *dev, unsigned long resource_size, int resource_index);
	unsigned long long (*map_page)(struct lkl_pci_dev *dev, void *vaddr, unsigned long size);
	void (*unmap_page)(struct lkl_pci_dev *dev, unsigned long long dma_handle, unsigned long size);
};

`

const hostOpsPost = `/**
 * lkl_init - store the host operations; call once before lkl_start_kernel
 * @ops - host operations; must stay valid until lkl_cleanup
 *
 * Returns 0, or a negative LKL errno.
 */
int lkl_init(struct lkl_host_operations *ops);

/**
 * lkl_start_kernel - boot the kernel
 * @fmt - printf-style kernel command line (mem=, loglevel=, ...)
 *
 * Returns 0 once the kernel accepts system calls, or a negative LKL errno.
 */
int lkl_start_kernel(const char *fmt, ...);

/* lkl_cleanup - release what lkl_init took; call after lkl_sys_halt. */
void lkl_cleanup(void);

/* lkl_is_running - 1 between a successful lkl_start_kernel and lkl_sys_halt. */
int lkl_is_running(void);

/* lkl_printf - format and print through the print host operation. */
int lkl_printf(const char *fmt, ...);

/* lkl_bug - print like lkl_printf, then call the panic host operation. */
void lkl_bug(const char *fmt, ...);

`

const lklHBody = `/* File type tests, as linux/stat.h defines them. */
#define LKL_S_ISLNK(m) (((m) & LKL_S_IFMT) == LKL_S_IFLNK)
#define LKL_S_ISREG(m) (((m) & LKL_S_IFMT) == LKL_S_IFREG)
#define LKL_S_ISDIR(m) (((m) & LKL_S_IFMT) == LKL_S_IFDIR)
#define LKL_S_ISCHR(m) (((m) & LKL_S_IFMT) == LKL_S_IFCHR)
#define LKL_S_ISBLK(m) (((m) & LKL_S_IFMT) == LKL_S_IFBLK)
#define LKL_S_ISFIFO(m) (((m) & LKL_S_IFMT) == LKL_S_IFIFO)
#define LKL_S_ISSOCK(m) (((m) & LKL_S_IFMT) == LKL_S_IFSOCK)

/* lkl_sys_halt - stop the kernel; no system call may follow. */
long lkl_sys_halt(void);

/* lkl_strerror - message for a negative or positive LKL errno. */
const char *lkl_strerror(int err);

/* lkl_perror - print "msg: message for err" through lkl_printf. */
void lkl_perror(char *msg, int err);

/* Directory reading over getdents64. */
struct lkl_dir;
struct lkl_dir *lkl_opendir(const char *path, int *err);
struct lkl_dir *lkl_fdopendir(int fd, int *err);
void lkl_rewinddir(struct lkl_dir *dir);
int lkl_closedir(struct lkl_dir *dir);
struct lkl_linux_dirent64 *lkl_readdir(struct lkl_dir *dir);
int lkl_errdir(struct lkl_dir *dir);
int lkl_dirfd(struct lkl_dir *dir);

/* lkl_mount_fs - mount fstype at /fstype: 0 mounted, 1 already mounted, <0 error. */
int lkl_mount_fs(char *fstype);

/* lkl_umount_timeout - umount path, retrying while busy for up to timeout_ms. */
long lkl_umount_timeout(char *path, int flags, long timeout_ms);

/* lkl_set_fd_limit - set RLIMIT_NOFILE to fd_limit. */
int lkl_set_fd_limit(unsigned int fd_limit);

/* Block devices. */
struct lkl_dev_blk_ops;

/**
 * struct lkl_disk - a host block device
 *
 * @dev - filled in by lkl_disk_add
 * @fd - host file descriptor (POSIX)
 * @handle - host handle (other hosts)
 * @ops - block operations; NULL means the default file-backed lkl_dev_blk_ops
 */
struct lkl_disk {
	void *dev;
	__extension__ union {
		int fd;
		void *handle;
	};
	struct lkl_dev_blk_ops *ops;
};

int lkl_disk_add(struct lkl_disk *disk);
int lkl_disk_remove(struct lkl_disk disk);
int lkl_get_virtio_blkdev(int disk_id, unsigned int part, uint32_t *pdevid);
int lkl_encode_dev_from_sysfs(const char *sysfs_path, uint32_t *pdevid);
long lkl_mount_dev(unsigned int disk_id, unsigned int part, const char *fs_type,
		   int flags, const char *opts, char *mnt_str, unsigned int mnt_str_len);
long lkl_umount_dev(unsigned int disk_id, unsigned int part, int flags, long timeout_ms);
long lkl_mount_blkdev(unsigned int dev, const char *fs_type, int flags,
		      const char *opts, char *mnt_str, unsigned int mnt_str_len);
long lkl_umount_blkdev(unsigned int dev, int flags, long timeout_ms);

/*
 * Convenience wrappers with LKL's signatures, mapped onto the *at and other
 * current syscalls as LKL maps them. Each is an exported function.
 */
long lkl_sys_open(const char *file, int flags, int mode);
long lkl_sys_creat(const char *file, int mode);
long lkl_sys_stat(const char *path, struct lkl_stat *buf);
long lkl_sys_lstat(const char *path, struct lkl_stat *buf);
long lkl_sys_fstatat(int dirfd, const char *path, struct lkl_stat *buf, int flags);
long lkl_sys_mkdir(const char *path, lkl_mode_t mode);
long lkl_sys_rmdir(const char *path);
long lkl_sys_unlink(const char *path);
long lkl_sys_rename(const char *oldpath, const char *newpath);
long lkl_sys_link(const char *oldpath, const char *newpath);
long lkl_sys_symlink(const char *oldpath, const char *newpath);
long lkl_sys_readlink(const char *path, char *buf, lkl_size_t bufsize);
long lkl_sys_access(const char *file, int mode);
long lkl_sys_chmod(const char *path, lkl_mode_t mode);
long lkl_sys_chown(const char *path, lkl_uid_t uid, lkl_gid_t gid);
long lkl_sys_mknod(const char *path, lkl_mode_t mode, int dev);
long lkl_sys_umount(const char *path, int flags);
long lkl_sys_pipe(int fd[2]);
long lkl_sys_poll(struct lkl_pollfd *fds, int n, int timeout);
long lkl_sys_select(int n, lkl_fd_set *rfds, lkl_fd_set *wfds, lkl_fd_set *efds,
		    struct lkl_timeval *tv);
long lkl_sys_epoll_create(int size);
long lkl_sys_epoll_wait(int fd, struct lkl_epoll_event *ev, int cnt, int to);
long lkl_sys_send(int fd, void *buf, lkl_size_t len, int flags);
long lkl_sys_recv(int fd, void *buf, lkl_size_t len, int flags);
long lkl_sys_mmap(void *addr, lkl_size_t length, int prot, int flags, int fd, lkl_off_t offset);

`

const lklHostHBody = `/* The ready POSIX host operations the library exports. */
extern struct lkl_host_operations lkl_host_ops;

/* Buffer behind lkl_host_ops.virtio_devices. */
extern char lkl_virtio_devs[4096];

/**
 * struct lkl_blk_req - one block request
 *
 * @type - LKL_DEV_BLK_TYPE_*
 * @prio - I/O priority
 * @sector - first sector, in 512-byte units
 * @buf - data buffers
 * @count - number of buffers
 */
struct lkl_blk_req {
	unsigned int type;
	unsigned int prio;
	unsigned long long sector;
	struct iovec *buf;
	int count;
};

/**
 * struct lkl_dev_blk_ops - host block device operations
 *
 * @get_capacity - store the device size in bytes in *res; 0 or negative errno
 * @request - perform req synchronously; returns LKL_DEV_BLK_STATUS_*
 */
struct lkl_dev_blk_ops {
	int (*get_capacity)(struct lkl_disk disk, unsigned long long *res);
	int (*request)(struct lkl_disk disk, struct lkl_blk_req *req);
};

/* Default file-backed block operations. */
extern struct lkl_dev_blk_ops lkl_dev_blk_ops;

struct lkl_netdev;

/**
 * struct lkl_dev_net_ops - host network device operations
 *
 * @tx - send one whole frame from iov; bytes sent or negative
 * @rx - receive one frame into iov; bytes received or negative
 * @poll - block until the device can send or receive; LKL_DEV_NET_POLL_* mask
 * @poll_hup - make a blocked poll return LKL_DEV_NET_POLL_HUP
 * @free - release everything, including nd
 */
struct lkl_dev_net_ops {
	int (*tx)(struct lkl_netdev *nd, struct iovec *iov, int cnt);
	int (*rx)(struct lkl_netdev *nd, struct iovec *iov, int cnt);
	int (*poll)(struct lkl_netdev *nd);
	void (*poll_hup)(struct lkl_netdev *nd);
	void (*free)(struct lkl_netdev *nd);
};

/* A host network device. */
struct lkl_netdev {
	struct lkl_dev_net_ops *ops;
	int id;
	__extension__ uint8_t has_vnet_hdr : 1;
};

/* Optional arguments for adding a network device. */
struct lkl_netdev_args {
	void *mac;
	unsigned int offload;
};

`

// wrapperNames are table names whose lkl_sys_ function is a convenience
// wrapper (declared in lkl.h) instead of a direct call of that number.
var wrapperNames = map[string]bool{
	"open": true, "creat": true, "stat": true, "lstat": true,
	"mkdir": true, "rmdir": true, "unlink": true, "rename": true,
	"link": true, "symlink": true, "readlink": true, "access": true,
	"chmod": true, "chown": true, "mknod": true, "pipe": true,
	"poll": true, "select": true, "epoll_create": true, "epoll_wait": true,
	"send": true, "recv": true, "mmap": true,
}

const wrappersC = `
#define LIBLINUX_CALL(nr, a, b, c, d, e, f) do { \
		long p_[6] = {(long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f)}; \
		return liblinux_enter(nr, p_); \
	} while (0)

long lkl_sys_open(const char *file, int flags, int mode)
{
	LIBLINUX_CALL(__lkl__NR_openat, LKL_AT_FDCWD, file, flags, mode, 0, 0);
}

long lkl_sys_creat(const char *file, int mode)
{
	LIBLINUX_CALL(__lkl__NR_openat, LKL_AT_FDCWD, file,
		      LKL_O_CREAT | LKL_O_WRONLY | LKL_O_TRUNC, mode, 0, 0);
}

long lkl_sys_stat(const char *path, struct lkl_stat *buf)
{
	LIBLINUX_CALL(__lkl__NR_newfstatat, LKL_AT_FDCWD, path, buf, 0, 0, 0);
}

long lkl_sys_lstat(const char *path, struct lkl_stat *buf)
{
	LIBLINUX_CALL(__lkl__NR_newfstatat, LKL_AT_FDCWD, path, buf,
		      LKL_AT_SYMLINK_NOFOLLOW, 0, 0);
}

long lkl_sys_fstatat(int dirfd, const char *path, struct lkl_stat *buf, int flags)
{
	LIBLINUX_CALL(__lkl__NR_newfstatat, dirfd, path, buf, flags, 0, 0);
}

long lkl_sys_mkdir(const char *path, lkl_mode_t mode)
{
	LIBLINUX_CALL(__lkl__NR_mkdirat, LKL_AT_FDCWD, path, mode, 0, 0, 0);
}

long lkl_sys_rmdir(const char *path)
{
	LIBLINUX_CALL(__lkl__NR_unlinkat, LKL_AT_FDCWD, path, LKL_AT_REMOVEDIR, 0, 0, 0);
}

long lkl_sys_unlink(const char *path)
{
	LIBLINUX_CALL(__lkl__NR_unlinkat, LKL_AT_FDCWD, path, 0, 0, 0, 0);
}

long lkl_sys_rename(const char *oldpath, const char *newpath)
{
	LIBLINUX_CALL(__lkl__NR_renameat, LKL_AT_FDCWD, oldpath, LKL_AT_FDCWD, newpath, 0, 0);
}

long lkl_sys_link(const char *oldpath, const char *newpath)
{
	LIBLINUX_CALL(__lkl__NR_linkat, LKL_AT_FDCWD, oldpath, LKL_AT_FDCWD, newpath, 0, 0);
}

long lkl_sys_symlink(const char *oldpath, const char *newpath)
{
	LIBLINUX_CALL(__lkl__NR_symlinkat, oldpath, LKL_AT_FDCWD, newpath, 0, 0, 0);
}

long lkl_sys_readlink(const char *path, char *buf, lkl_size_t bufsize)
{
	LIBLINUX_CALL(__lkl__NR_readlinkat, LKL_AT_FDCWD, path, buf, bufsize, 0, 0);
}

long lkl_sys_access(const char *file, int mode)
{
	LIBLINUX_CALL(__lkl__NR_faccessat, LKL_AT_FDCWD, file, mode, 0, 0, 0);
}

long lkl_sys_chmod(const char *path, lkl_mode_t mode)
{
	LIBLINUX_CALL(__lkl__NR_fchmodat, LKL_AT_FDCWD, path, mode, 0, 0, 0);
}

long lkl_sys_chown(const char *path, lkl_uid_t uid, lkl_gid_t gid)
{
	LIBLINUX_CALL(__lkl__NR_fchownat, LKL_AT_FDCWD, path, uid, gid, 0, 0);
}

long lkl_sys_mknod(const char *path, lkl_mode_t mode, int dev)
{
	LIBLINUX_CALL(__lkl__NR_mknodat, LKL_AT_FDCWD, path, mode, (unsigned int)dev, 0, 0);
}

long lkl_sys_umount(const char *path, int flags)
{
	LIBLINUX_CALL(__lkl__NR_umount2, path, flags, 0, 0, 0, 0);
}

long lkl_sys_pipe(int fd[2])
{
	LIBLINUX_CALL(__lkl__NR_pipe2, fd, 0, 0, 0, 0, 0);
}

long lkl_sys_poll(struct lkl_pollfd *fds, int n, int timeout)
{
	struct __lkl__kernel_timespec ts;

	ts.tv_sec = timeout / 1000;
	ts.tv_nsec = (long long)(timeout % 1000) * 1000000;
	LIBLINUX_CALL(__lkl__NR_ppoll, fds, n, timeout >= 0 ? &ts : 0, 0, _LKL_NSIG / 8, 0);
}

long lkl_sys_select(int n, lkl_fd_set *rfds, lkl_fd_set *wfds, lkl_fd_set *efds,
		    struct lkl_timeval *tv)
{
	/* pselect6's last argument: {sigset pointer, sigset size}. */
	long sig[2] = {0, _LKL_NSIG / 8};
	struct __lkl__kernel_timespec ts;
	long p[6];
	long ret;

	if (tv) {
		if (tv->tv_sec < 0 || tv->tv_usec < 0)
			return -LKL_EINVAL;
		ts.tv_sec = tv->tv_sec + tv->tv_usec / 1000000;
		if (ts.tv_sec < tv->tv_sec)
			ts.tv_sec = 0x7fffffffffffffffLL;
		ts.tv_nsec = (long long)(tv->tv_usec % 1000000) * 1000;
	}
	p[0] = n;
	p[1] = (long)rfds;
	p[2] = (long)wfds;
	p[3] = (long)efds;
	p[4] = tv ? (long)&ts : 0;
	p[5] = (long)sig;
	ret = liblinux_enter(__lkl__NR_pselect6, p);
	if (tv) {
		/* select(2) reports the time left, as Linux does. */
		tv->tv_sec = ts.tv_sec;
		tv->tv_usec = ts.tv_nsec / 1000;
	}
	return ret;
}

long lkl_sys_epoll_create(int size)
{
	if (size <= 0)
		return -LKL_EINVAL;
	LIBLINUX_CALL(__lkl__NR_epoll_create1, 0, 0, 0, 0, 0, 0);
}

long lkl_sys_epoll_wait(int fd, struct lkl_epoll_event *ev, int cnt, int to)
{
	LIBLINUX_CALL(__lkl__NR_epoll_pwait, fd, ev, cnt, to, 0, _LKL_NSIG / 8);
}

long lkl_sys_send(int fd, void *buf, lkl_size_t len, int flags)
{
	LIBLINUX_CALL(__lkl__NR_sendto, fd, buf, len, flags, 0, 0);
}

long lkl_sys_recv(int fd, void *buf, lkl_size_t len, int flags)
{
	LIBLINUX_CALL(__lkl__NR_recvfrom, fd, buf, len, flags, 0, 0);
}

long lkl_sys_mmap(void *addr, lkl_size_t length, int prot, int flags, int fd, lkl_off_t offset)
{
	LIBLINUX_CALL(__lkl__NR_mmap, addr, length, prot, flags, fd, offset);
}
`
