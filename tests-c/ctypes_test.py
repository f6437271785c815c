"""liblinux from Python through ctypes: dlopen, lkl_init with the exported
lkl_host_ops, boot, a few system calls, halt.

Usage: python3 ctypes_test.py path/to/liblinux.so
Prints one line per check and "N passed, N failed" last.
"""
import ctypes
import os
import sys

passed = failed = 0


def check(name, got, want):
    global passed, failed
    if got == want:
        passed += 1
        print(f"ok - {name}")
    else:
        failed += 1
        print(f"not ok - {name}: got {got!r}, want {want!r}")


lib = ctypes.CDLL(os.path.abspath(sys.argv[1]))
for name in ("lkl_init", "lkl_start_kernel", "lkl_sys_halt", "lkl_cleanup",
             "lkl_sys_getpid", "lkl_sys_open", "lkl_sys_write", "lkl_sys_read",
             "lkl_sys_lseek", "lkl_sys_close", "lkl_is_running"):
    getattr(lib, name).restype = ctypes.c_long
lib.lkl_sys_open.argtypes = [ctypes.c_char_p, ctypes.c_int, ctypes.c_int]
lib.lkl_sys_write.argtypes = [ctypes.c_uint, ctypes.c_char_p, ctypes.c_size_t]
lib.lkl_sys_read.argtypes = [ctypes.c_uint, ctypes.c_char_p, ctypes.c_size_t]
lib.lkl_sys_lseek.argtypes = [ctypes.c_uint, ctypes.c_long, ctypes.c_uint]
lib.lkl_start_kernel.argtypes = [ctypes.c_char_p]

ops = ctypes.c_void_p.in_dll(lib, "lkl_host_ops")
check("lkl_init", lib.lkl_init(ctypes.byref(ops)), 0)
check("lkl_start_kernel", lib.lkl_start_kernel(b"mem=16M loglevel=0"), 0)
check("lkl_is_running", lib.lkl_is_running(), 1)
check("getpid", lib.lkl_sys_getpid(), 1)
O_RDWR, O_CREAT = 0o2, 0o100
fd = lib.lkl_sys_open(b"/hello", O_RDWR | O_CREAT, 0o644)
check("open", fd, 0)
check("write", lib.lkl_sys_write(fd, b"from python", 11), 11)
check("lseek", lib.lkl_sys_lseek(fd, 0, 0), 0)
buf = ctypes.create_string_buffer(32)
check("read", lib.lkl_sys_read(fd, buf, 32), 11)
check("data", buf.value, b"from python")
check("open missing", lib.lkl_sys_open(b"/nope", 0, 0), -2)
check("close", lib.lkl_sys_close(fd), 0)
check("halt", lib.lkl_sys_halt(), 0)
lib.lkl_cleanup()
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
