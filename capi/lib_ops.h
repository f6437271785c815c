/*
 * Internal declarations shared by the C helper library (capi/lib_*.c).
 * Nothing here is part of the public ABI.
 */
#ifndef LIBLINUX_CAPI_LIB_OPS_H
#define LIBLINUX_CAPI_LIB_OPS_H

struct lkl_host_operations;

/*
 * liblinux_ops returns the host operations passed to lkl_init, or NULL
 * before lkl_init (and after lkl_cleanup). Provided by capi.
 */
struct lkl_host_operations *liblinux_ops(void);

/* Text of a (negative or positive) Linux errno; generated elsewhere. */
const char *lkl_strerror(int err);

#endif
