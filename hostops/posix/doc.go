// Package posix links the default POSIX host into the library.
//
// All of it is C, in posix_host.c, which defines three exported data
// symbols declared in include/lkl_host.h:
//
//   - struct lkl_host_operations lkl_host_ops: a ready host a C program
//     passes to lkl_init (or copies and overrides, typically .print).
//   - char lkl_virtio_devs[4096]: the buffer lkl_host_ops.virtio_devices
//     points at.
//   - struct lkl_dev_blk_ops lkl_dev_blk_ops: the default block device
//     ops over a host file descriptor (struct lkl_disk.fd).
//
// How each op is implemented:
//
//   - print writes to standard output (retrying short writes and EINTR);
//     panic aborts.
//   - Semaphores are POSIX semaphores, mutexes pthread mutexes (recursive
//     when asked), threads pthreads; tls uses pthread keys, so the
//     destructor given to tls_alloc runs when a host thread exits.
//   - time is CLOCK_REALTIME in nanoseconds. Each timer is one thread
//     waiting on a CLOCK_MONOTONIC condition variable, so it is immune to
//     wall-clock steps; timer_free waits until the callback is not running
//     (or, called from inside the callback, detaches the thread).
//   - page_alloc and mmap are anonymous mappings; shmem_init creates a
//     memfd that shmem_mmap maps shared at a fixed address.
//   - ioremap and iomem_access always fail: liblinux has no memory-mapped
//     I/O devices, so no I/O memory region is ever registered.
//   - pci_ops is NULL; version is LKL_HOST_OPS_VERSION.
//
// posix_host.c depends on nothing but libc and the headers in include/, so
// tests-c/hostops_test.c compiles it directly, without Go. Importing this
// package (for its side effect) is what puts the symbols into the shared
// library.
package posix

// #cgo CFLAGS: -I${SRCDIR}/../../include -Wall -Wextra -Werror
import "C"
