package vfs

// Ioctler is implemented by FileOps that have ioctl(2) commands of their
// own (Linux's file_operations::unlocked_ioctl): devices, terminals,
// filesystems' FS_IOC_* commands. ioctl(2) handles the generic commands
// (FIOCLEX, FIONCLEX, FIONBIO, FIOASYNC, FIOQSIZE, FIONREAD on regular
// files) before it asks the file, and answers ENOTTY for files without an
// Ioctler, as Linux does when unlocked_ioctl is NULL.
type Ioctler interface {
	// Ioctl runs command cmd with argument arg (a number or a user
	// address, depending on cmd) and returns the syscall's result.
	//
	//   - ENOTTY (or ENOIOCTLCMD): cmd is not one of the file's commands.
	//   - EFAULT: arg is a bad user address.
	//   - EINVAL: a bad argument for a known command.
	Ioctl(ctx Context, f *File, cmd uint32, arg uintptr) (uintptr, error)
}

// Fasyncer is implemented by FileOps that support O_ASYNC (Linux's
// file_operations::fasync): pipes, sockets, terminals. ioctl(FIOASYNC)
// changes O_ASYNC only on such files and fails with ENOTTY on others.
// Signals are not delivered to library callers, so the flag is only
// recorded.
type Fasyncer interface {
	// Fasync is called when O_ASYNC is turned on or off.
	Fasync(f *File, on bool) error
}
