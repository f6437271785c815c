#!/bin/sh
# Fails if liblinux.so or liblinux.a defines a global symbol other than
# lkl_* (and, for the .so, the ELF housekeeping symbols).
#
#   link/check-exports.sh BUILDDIR
set -eu
dir=$1
status=0
extra=$(nm -D --defined-only "$dir/liblinux.so" | awk '{print $NF}' |
	grep -v '^lkl_' | grep -vE '^(_init|_fini|_edata|_end|__bss_start)$' || true)
if [ -n "$extra" ]; then
	echo "liblinux.so exports symbols outside lkl_*:" >&2
	echo "$extra" >&2
	status=1
fi
n=$(nm -D --defined-only "$dir/liblinux.so" | awk '{print $NF}' | grep -c '^lkl_' || true)
if [ "$n" -lt 100 ]; then
	echo "liblinux.so exports only $n lkl_* symbols" >&2
	status=1
fi
extra=$(nm -g --defined-only "$dir/liblinux.a" 2>/dev/null | awk 'NF == 3 {print $3}' | grep -v '^lkl_' || true)
if [ -n "$extra" ]; then
	echo "liblinux.a has global symbols outside lkl_*:" >&2
	echo "$extra" | head -20 >&2
	status=1
fi
exit $status
