#!/bin/bash
# Builds and runs the benchmarks against build/liblinux.so. Not a test:
# it prints figures and ratios, it asserts nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p build/bench
gcc -O2 -Wall -Wextra -Werror -Iinclude -pthread bench/bench.c -o build/bench/bench -Lbuild -llinux -Wl,-rpath,"$PWD/build"
build/bench/bench "$@"
