#!/bin/sh
# Stage two of the build: link the Go c-archive (stage one) into
# liblinux.so and liblinux.a so that only lkl_* symbols are global.
#
#   link/link.sh GO_ARCHIVE OUTDIR
#
# liblinux.so: gcc -shared with the version script. -z nodelete keeps the
# Go runtime mapped after dlclose (its threads keep running); without it a
# dlopen/dlclose cycle crashes the process.
#
# liblinux.a: every object of the archive merged into one (ld -r -d, which
# also allocates common symbols so they can be localised), then objcopy
# makes every global but lkl_* local. A program may then define its own
# crosscall2, x_cgo_init or _cgo_panic and still link statically.
set -eu
archive=$1
out=$2
here=$(cd "$(dirname "$0")" && pwd)
backtrace=$(gcc -print-file-name=libbacktrace.a)

gcc -shared -o "$out/liblinux.so" \
	-Wl,--whole-archive "$archive" -Wl,--no-whole-archive \
	-Wl,--version-script="$here/liblinux.map" \
	-Wl,-z,nodelete -Wl,-z,relro -Wl,-z,now \
	-Wl,--compress-debug-sections=zlib \
	-Wl,-soname,liblinux.so \
	"$backtrace" -lpthread -ldl

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && ar x "$archive")
ld -r -d -o "$tmp/liblinux.o" "$tmp"/*.o "$backtrace"
nm --defined-only -g "$tmp/liblinux.o" | awk '$3 ~ /^lkl_/ {print $3}' > "$tmp/keep"
objcopy --keep-global-symbols="$tmp/keep" "$tmp/liblinux.o"
rm -f "$out/liblinux.a"
ar rcs "$out/liblinux.a" "$tmp/liblinux.o"
