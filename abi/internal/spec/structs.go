package spec

import (
	"strconv"
	"strings"
)

// Typedef is a C typedef in kernel spelling. Def is the type it names, either
// a C base type ("unsigned long", "char *"), another typedef, "struct X" or
// "fnptr:<C declarator with NAME>" for function pointer types.
type Typedef struct {
	Name string
	Def  string
}

// Typedefs lists the scalar typedefs the headers define, in dependency
// order, as include/uapi/asm-generic/posix_types.h, int-ll64.h and LKL's
// arch/lkl/include/uapi/asm/syscalls.h give them for a 64-bit target.
var Typedefs = []Typedef{
	{"__s8", "signed char"}, {"__u8", "unsigned char"},
	{"__s16", "short"}, {"__u16", "unsigned short"},
	{"__s32", "int"}, {"__u32", "unsigned int"},
	{"__s64", "long long"}, {"__u64", "unsigned long long"},
	{"__le16", "__u16"}, {"__be16", "__u16"},
	{"__le32", "__u32"}, {"__be32", "__u32"},
	{"__le64", "__u64"}, {"__be64", "__u64"},
	{"__poll_t", "unsigned int"},
	{"__kernel_long_t", "long"}, {"__kernel_ulong_t", "unsigned long"},
	{"__kernel_ino_t", "__kernel_ulong_t"},
	{"__kernel_mode_t", "unsigned int"},
	{"__kernel_pid_t", "int"}, {"__kernel_ipc_pid_t", "int"},
	{"__kernel_uid_t", "unsigned int"}, {"__kernel_gid_t", "unsigned int"},
	{"__kernel_suseconds_t", "__kernel_long_t"},
	{"__kernel_daddr_t", "int"},
	{"__kernel_uid32_t", "unsigned int"}, {"__kernel_gid32_t", "unsigned int"},
	{"__kernel_old_uid_t", "__kernel_uid_t"}, {"__kernel_old_gid_t", "__kernel_gid_t"},
	{"__kernel_old_dev_t", "unsigned int"},
	{"__kernel_size_t", "__kernel_ulong_t"}, {"__kernel_ssize_t", "__kernel_long_t"},
	{"__kernel_ptrdiff_t", "__kernel_long_t"},
	{"__kernel_off_t", "__kernel_long_t"}, {"__kernel_loff_t", "long long"},
	{"__kernel_old_time_t", "__kernel_long_t"}, {"__kernel_time_t", "__kernel_long_t"},
	{"__kernel_time64_t", "long long"}, {"__kernel_clock_t", "__kernel_long_t"},
	{"__kernel_timer_t", "int"}, {"__kernel_clockid_t", "int"},
	{"__kernel_caddr_t", "char *"},
	{"__kernel_uid16_t", "unsigned short"}, {"__kernel_gid16_t", "unsigned short"},
	{"__kernel_key_t", "int"}, {"__kernel_mqd_t", "int"},
	{"__kernel_sa_family_t", "unsigned short"},
	{"__kernel_rwf_t", "int"},
	{"__sighandler_t", "fnptr:void (*NAME)(int)"},
	{"qid_t", "__kernel_uid32_t"},
	{"mode_t", "__kernel_mode_t"}, {"umode_t", "unsigned short"},
	{"nlink_t", "__u32"}, {"off_t", "__kernel_off_t"}, {"pid_t", "__kernel_pid_t"},
	{"key_t", "__kernel_key_t"}, {"suseconds_t", "__kernel_suseconds_t"},
	{"timer_t", "__kernel_timer_t"}, {"clockid_t", "__kernel_clockid_t"},
	{"mqd_t", "__kernel_mqd_t"},
	{"uid_t", "__kernel_uid32_t"}, {"gid_t", "__kernel_gid32_t"},
	{"uid16_t", "__kernel_uid16_t"}, {"gid16_t", "__kernel_gid16_t"},
	{"uintptr_t", "unsigned long"},
	{"loff_t", "__kernel_loff_t"}, {"size_t", "__kernel_size_t"},
	{"ssize_t", "__kernel_ssize_t"}, {"time_t", "__kernel_time_t"},
	{"clock_t", "__kernel_clock_t"},
	{"u32", "__u32"}, {"s32", "__s32"}, {"u64", "__u64"}, {"s64", "__s64"},
	{"aio_context_t", "__kernel_ulong_t"}, {"rwf_t", "__kernel_rwf_t"},
	{"key_serial_t", "__u32"},
	{"siginfo_t", "struct siginfo"},
	{"fd_set", "__kernel_fd_set"},
	{"cap_user_header_t", "struct __user_cap_header_struct *"},
	{"cap_user_data_t", "struct __user_cap_data_struct *"},
}

// Field is one member of a struct.
type Field struct {
	Go    string // Go field name; "_" for padding that Go does not expose
	C     string // C member name (kernel spelling, before renaming)
	Type  string // C type (kernel spelling), without the array suffix
	Len   int    // array length; 0 for a scalar, -1 for a flexible array
	XName string // x/sys field path ("Atim.Sec"), "" when not checked
}

// Struct is one C struct with its Go counterpart.
type Struct struct {
	C       string // tag in kernel spelling ("stat"); "" for an anonymous typedef
	Typedef string // typedef name, if any ("stack_t", "__kernel_fsid_t")
	Go      string // Go type name; "" for C only
	Doc     string
	Packed  bool
	X       string // x/sys unix type name for the cross-check
	XArch   string // "arm64" (default) or "amd64"
	XNoSize bool   // x/sys type has a different total size (only offsets match)
	Fields  []Field
}

func st(c, typedef, goName, x, doc, fields string) Struct {
	s := Struct{C: c, Typedef: typedef, Go: goName, X: x, XArch: "arm64", Doc: doc}
	for _, line := range strings.Split(fields, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		fd := Field{Go: f[0], C: f[1]}
		rest := f[2:]
		if last := rest[len(rest)-1]; strings.HasPrefix(last, "=") {
			fd.XName = last[1:]
			if fd.XName == "-" {
				fd.XName = ""
			}
			rest = rest[:len(rest)-1]
		} else if x != "" && fd.Go != "_" {
			fd.XName = fd.Go
		}
		typ := strings.Join(rest, " ")
		if i := strings.IndexByte(typ, '['); i >= 0 {
			n := strings.TrimSuffix(typ[i+1:], "]")
			typ = strings.TrimSpace(typ[:i])
			if n == "" {
				fd.Len = -1
			} else {
				v, err := strconv.Atoi(n)
				if err != nil {
					panic("spec: bad array length in " + line)
				}
				fd.Len = v
			}
		}
		fd.Type = typ
		s.Fields = append(s.Fields, fd)
	}
	return s
}

// Structs lists every struct, in an order where each struct only uses
// structs listed before it. Layouts are asm-generic on a 64-bit target.
var Structs = []Struct{
	st("timespec", "", "Timespec", "Timespec", "struct timespec (linux/time.h).", `
Sec tv_sec __kernel_old_time_t
Nsec tv_nsec long`),
	st("__kernel_timespec", "", "", "", "struct __kernel_timespec (linux/time_types.h).", `
Sec tv_sec __kernel_time64_t
Nsec tv_nsec long long`),
	st("timeval", "", "Timeval", "Timeval", "struct timeval (linux/time.h).", `
Sec tv_sec __kernel_old_time_t
Usec tv_usec __kernel_suseconds_t`),
	st("__kernel_old_timeval", "", "", "", "struct __kernel_old_timeval (linux/time_types.h).", `
Sec tv_sec __kernel_long_t
Usec tv_usec __kernel_long_t`),
	st("timezone", "", "Timezone", "", "struct timezone (linux/time.h).", `
Minuteswest tz_minuteswest int
Dsttime tz_dsttime int`),
	st("itimerspec", "", "Itimerspec", "ItimerSpec", "struct itimerspec (linux/time.h).", `
Interval it_interval struct timespec
Value it_value struct timespec`),
	st("__kernel_itimerspec", "", "", "", "struct __kernel_itimerspec (linux/time_types.h).", `
Interval it_interval struct __kernel_timespec
Value it_value struct __kernel_timespec`),
	st("itimerval", "", "Itimerval", "Itimerval", "struct itimerval (linux/time.h).", `
Interval it_interval struct timeval
Value it_value struct timeval`),
	st("__kernel_old_itimerval", "", "", "", "struct __kernel_old_itimerval (linux/time_types.h).", `
Interval it_interval struct __kernel_old_timeval
Value it_value struct __kernel_old_timeval`),
	st("utimbuf", "", "Utimbuf", "Utimbuf", "struct utimbuf (linux/utime.h).", `
Actime actime __kernel_old_time_t
Modtime modtime __kernel_old_time_t`),
	st("stat", "", "Stat", "Stat_t", "struct stat (asm-generic/stat.h), 128 bytes.", `
Dev st_dev unsigned long
Ino st_ino unsigned long
Mode st_mode unsigned int
Nlink st_nlink unsigned int
UID st_uid unsigned int =Uid
GID st_gid unsigned int =Gid
Rdev st_rdev unsigned long
_ __pad1 unsigned long
Size st_size long
Blksize st_blksize int
_ __pad2 int
Blocks st_blocks long
Atime st_atime long =Atim.Sec
AtimeNsec st_atime_nsec unsigned long =Atim.Nsec
Mtime st_mtime long =Mtim.Sec
MtimeNsec st_mtime_nsec unsigned long =Mtim.Nsec
Ctime st_ctime long =Ctim.Sec
CtimeNsec st_ctime_nsec unsigned long =Ctim.Nsec
_ __unused4 unsigned int
_ __unused5 unsigned int`),
	st("fsxattr", "", "Fsxattr", "", "struct fsxattr (linux/fs.h): FS_IOC_FSGETXATTR and FS_IOC_FSSETXATTR, 28 bytes.", `
Xflags fsx_xflags __u32
Extsize fsx_extsize __u32
Nextents fsx_nextents __u32
Projid fsx_projid __u32
Cowextsize fsx_cowextsize __u32
_ fsx_pad unsigned char[8]`),
	st("statx_timestamp", "", "StatxTimestamp", "StatxTimestamp", "struct statx_timestamp (linux/stat.h).", `
Sec tv_sec __s64
Nsec tv_nsec __u32
_ __reserved __s32`),
	st("statx", "", "Statx", "Statx_t", "struct statx (linux/stat.h), 256 bytes.", `
Mask stx_mask __u32
Blksize stx_blksize __u32
Attributes stx_attributes __u64
Nlink stx_nlink __u32
UID stx_uid __u32 =Uid
GID stx_gid __u32 =Gid
Mode stx_mode __u16
_ __spare0 __u16[1]
Ino stx_ino __u64
Size stx_size __u64
Blocks stx_blocks __u64
AttributesMask stx_attributes_mask __u64 =Attributes_mask
Atime stx_atime struct statx_timestamp
Btime stx_btime struct statx_timestamp
Ctime stx_ctime struct statx_timestamp
Mtime stx_mtime struct statx_timestamp
RdevMajor stx_rdev_major __u32 =Rdev_major
RdevMinor stx_rdev_minor __u32 =Rdev_minor
DevMajor stx_dev_major __u32 =Dev_major
DevMinor stx_dev_minor __u32 =Dev_minor
MntID stx_mnt_id __u64 =Mnt_id
DioMemAlign stx_dio_mem_align __u32 =Dio_mem_align
DioOffsetAlign stx_dio_offset_align __u32 =Dio_offset_align
Subvol stx_subvol __u64
AtomicWriteUnitMin stx_atomic_write_unit_min __u32 =Atomic_write_unit_min
AtomicWriteUnitMax stx_atomic_write_unit_max __u32 =Atomic_write_unit_max
AtomicWriteSegmentsMax stx_atomic_write_segments_max __u32 =Atomic_write_segments_max
DioReadOffsetAlign stx_dio_read_offset_align __u32 =Dio_read_offset_align
AtomicWriteUnitMaxOpt stx_atomic_write_unit_max_opt __u32 =Atomic_write_unit_max_opt
_ __spare2 __u32[1]
_ __spare3 __u64[8]`),
	st("", "__kernel_fsid_t", "Fsid", "Fsid", "__kernel_fsid_t (asm-generic/posix_types.h).", `
Val val int[2]`),
	st("statfs", "", "Statfs", "Statfs_t", "struct statfs (asm-generic/statfs.h, 64-bit), 120 bytes.", `
Type f_type __kernel_long_t
Bsize f_bsize __kernel_long_t
Blocks f_blocks __kernel_long_t
Bfree f_bfree __kernel_long_t
Bavail f_bavail __kernel_long_t
Files f_files __kernel_long_t
Ffree f_ffree __kernel_long_t
Fsid f_fsid __kernel_fsid_t
Namelen f_namelen __kernel_long_t
Frsize f_frsize __kernel_long_t
Flags f_flags __kernel_long_t
Spare f_spare __kernel_long_t[4]`),
	st("new_utsname", "", "Utsname", "Utsname", "struct new_utsname (linux/utsname.h).", `
Sysname sysname char[65]
Nodename nodename char[65]
Release release char[65]
Version version char[65]
Machine machine char[65]
Domainname domainname char[65]`),
	st("sysinfo", "", "Sysinfo", "Sysinfo_t", "struct sysinfo (linux/sysinfo.h), 112 bytes on 64-bit (the _f filler is empty there and omitted).", `
Uptime uptime __kernel_long_t
Loads loads __kernel_ulong_t[3]
Totalram totalram __kernel_ulong_t
Freeram freeram __kernel_ulong_t
Sharedram sharedram __kernel_ulong_t
Bufferram bufferram __kernel_ulong_t
Totalswap totalswap __kernel_ulong_t
Freeswap freeswap __kernel_ulong_t
Procs procs __u16
Pad pad __u16
Totalhigh totalhigh __kernel_ulong_t
Freehigh freehigh __kernel_ulong_t
MemUnit mem_unit __u32 =Unit`),
	st("linux_dirent64", "", "Dirent64", "Dirent", "struct linux_dirent64 as getdents64(2) writes it; the name starts at Dirent64NameOff.", `
Ino d_ino u64
Off d_off s64
Reclen d_reclen unsigned short
Type d_type unsigned char
_ d_name char[] =-`),
	st("linux_dirent", "", "", "", "struct linux_dirent as LKL declares it (legacy getdents(2)).", `
Ino d_ino unsigned long
Off d_off unsigned long
Reclen d_reclen unsigned short
Name d_name char[1]`),
	st("iovec", "", "Iovec", "Iovec", "struct iovec (linux/uio.h).", `
Base iov_base void *
Len iov_len __kernel_size_t`),
	st("pollfd", "", "Pollfd", "PollFd", "struct pollfd (asm-generic/poll.h).", `
Fd fd int
Events events short
Revents revents short`),
	st("epoll_event", "", "EpollEvent", "EpollEvent", "struct epoll_event, packed as on x86-64 (12 bytes), as LKL declares it.", `
Events events __poll_t
Data data __u64 =Fd`),
	st("rlimit", "", "Rlimit", "Rlimit", "struct rlimit (linux/resource.h).", `
Cur rlim_cur __kernel_ulong_t
Max rlim_max __kernel_ulong_t`),
	st("rlimit64", "", "Rlimit64", "Rlimit", "struct rlimit64 (linux/resource.h).", `
Cur rlim_cur __u64
Max rlim_max __u64`),
	st("rusage", "", "Rusage", "Rusage", "struct rusage (linux/resource.h).", `
Utime ru_utime struct timeval
Stime ru_stime struct timeval
Maxrss ru_maxrss __kernel_long_t
Ixrss ru_ixrss __kernel_long_t
Idrss ru_idrss __kernel_long_t
Isrss ru_isrss __kernel_long_t
Minflt ru_minflt __kernel_long_t
Majflt ru_majflt __kernel_long_t
Nswap ru_nswap __kernel_long_t
Inblock ru_inblock __kernel_long_t
Oublock ru_oublock __kernel_long_t
Msgsnd ru_msgsnd __kernel_long_t
Msgrcv ru_msgrcv __kernel_long_t
Nsignals ru_nsignals __kernel_long_t
Nvcsw ru_nvcsw __kernel_long_t
Nivcsw ru_nivcsw __kernel_long_t`),
	st("tms", "", "Tms", "Tms", "struct tms (linux/times.h).", `
Utime tms_utime __kernel_clock_t
Stime tms_stime __kernel_clock_t
Cutime tms_cutime __kernel_clock_t
Cstime tms_cstime __kernel_clock_t`),
	st("flock", "", "Flock", "Flock_t", "struct flock (asm-generic/fcntl.h), 32 bytes.", `
Type l_type short
Whence l_whence short
Start l_start __kernel_off_t
Len l_len __kernel_off_t
Pid l_pid __kernel_pid_t`),
	st("f_owner_ex", "", "FOwnerEx", "", "struct f_owner_ex (asm-generic/fcntl.h).", `
Type type int
Pid pid __kernel_pid_t`),
	st("open_how", "", "OpenHow", "OpenHow", "struct open_how (linux/openat2.h).", `
Flags flags __u64
Mode mode __u64
Resolve resolve __u64`),
	st("__user_cap_header_struct", "", "CapUserHeader", "CapUserHeader", "struct __user_cap_header_struct (linux/capability.h).", `
Version version __u32
Pid pid int`),
	st("__user_cap_data_struct", "", "CapUserData", "CapUserData", "struct __user_cap_data_struct (linux/capability.h).", `
Effective effective __u32
Permitted permitted __u32
Inheritable inheritable __u32`),
	st("", "sigset_t", "Sigset", "", "sigset_t as the kernel sees it: _NSIG (64) bits.", `
Sig sig unsigned long[1]`),
	st("sigaction", "", "Sigaction", "", "struct sigaction (asm-generic/signal.h, no sa_restorer).", `
Handler sa_handler __sighandler_t
Flags sa_flags unsigned long
Mask sa_mask sigset_t`),
	st("sigaltstack", "stack_t", "Sigaltstack", "", "stack_t (asm-generic/signal.h).", `
Sp ss_sp void *
Flags ss_flags int
Size ss_size __kernel_size_t`),
	st("", "__kernel_fd_set", "FdSet", "FdSet", "__kernel_fd_set (linux/posix_types.h): 1024 bits.", `
Bits fds_bits unsigned long[16]`),
	st("sockaddr", "", "Sockaddr", "RawSockaddr", "struct sockaddr as LKL declares it.", `
Family sa_family unsigned short
Data sa_data char[14]`),
	st("in_addr", "", "InAddr", "", "struct in_addr (linux/in.h).", `
Addr s_addr __be32`),
	st("sockaddr_in", "", "SockaddrIn", "RawSockaddrInet4", "struct sockaddr_in (linux/in.h).", `
Family sin_family __kernel_sa_family_t
Port sin_port __be16
Addr sin_addr struct in_addr
Zero __pad unsigned char[8]`),
	st("sockaddr_un", "", "SockaddrUn", "RawSockaddrUnix", "struct sockaddr_un (linux/un.h).", `
Family sun_family __kernel_sa_family_t
Path sun_path char[108]`),
	st("ucred", "", "Ucred", "Ucred", "struct ucred (linux/socket.h).", `
Pid pid __u32
UID uid __u32 =Uid
GID gid __u32 =Gid`),
	st("user_msghdr", "", "Msghdr", "Msghdr", "struct user_msghdr as LKL declares it.", `
Name msg_name void *
Namelen msg_namelen int
Iov msg_iov struct iovec *
Iovlen msg_iovlen __kernel_size_t
Control msg_control void *
Controllen msg_controllen __kernel_size_t
Flags msg_flags unsigned int`),
	st("mmsghdr", "", "Mmsghdr", "Mmsghdr", "struct mmsghdr as LKL declares it.", `
Hdr msg_hdr struct user_msghdr
Len msg_len unsigned int`),
	st("ustat", "", "Ustat", "Ustat_t", "struct ustat as LKL declares it.", `
Tfree f_tfree __kernel_daddr_t
Tinode f_tinode __kernel_ino_t
Fname f_fname char[6]
Fpack f_fpack char[6]`),
	st("inotify_event", "", "InotifyEvent", "InotifyEvent", "struct inotify_event (linux/inotify.h); the name follows the 16-byte header.", `
Wd wd __s32
Mask mask __u32
Cookie cookie __u32
Len len __u32
_ name char[] =-`),
	st("mount_attr", "", "MountAttr", "MountAttr", "struct mount_attr (linux/mount.h).", `
AttrSet attr_set __u64 =Attr_set
AttrClr attr_clr __u64 =Attr_clr
Propagation propagation __u64
UsernsFd userns_fd __u64 =Userns_fd`),
}

func init() {
	for i := range Structs {
		s := &Structs[i]
		switch s.C {
		case "epoll_event":
			s.Packed = true
			s.XArch = "amd64"
		case "linux_dirent64":
			s.XNoSize = true
		}
	}
}

// MemberRenames are the member names LKL renames because its syscalls.h
// defines them as self-referential macros (#define st_atime st_atime).
var MemberRenames = []string{"sa_handler", "st_atime", "st_mtime", "st_ctime", "s_addr"}
