#!/bin/bash
# Builds and runs the benchmarks against build/liblinux.so. Not a test:
# it prints figures and ratios next to the host kernel, asserts nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p build/bench
CFLAGS="-O2 -Wall -Wextra -Werror -Iinclude -pthread"
LIBS="-Lbuild -llinux -Wl,-rpath,$PWD/build"
gcc $CFLAGS bench/bench.c -o build/bench/bench $LIBS
gcc $CFLAGS bench/fsbench.c -o build/bench/fsbench $LIBS
gcc $CFLAGS bench/diskbench.c -o build/bench/diskbench $LIBS
echo "== system call path"
build/bench/bench
echo
echo "== files and pipes (host on /dev/shm)"
build/bench/fsbench
echo
echo "== ext4 images in host files (scratch directory in /tmp, removed after)"
for tool in mkfs.ext4 debugfs e2fsck; do
	if ! command -v "$tool" >/dev/null; then
		echo "skipped: $tool (e2fsprogs) is not installed"
		exit 0
	fi
done
scratch=$(mktemp -d /tmp/liblinux-diskbench-XXXXXX)
trap 'rm -rf "$scratch"' EXIT
build/bench/diskbench "$scratch" "$PWD/build/cptofs"
