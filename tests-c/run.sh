#!/bin/bash
# Builds and runs the C test programs against build/liblinux.so (and the
# static build/liblinux.a where that is the point), then the Python ctypes
# test. Prints each suite's result and, last, the total as
# "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
B=build/tests
mkdir -p "$B"
CFLAGS="-Wall -Wextra -Werror -O2 -g -Iinclude -pthread"
SO="-Lbuild -llinux -Wl,-rpath,$PWD/build"
passed=0
failed=0

# run NAME CMD...: runs a suite whose last line is "N passed, N failed".
run() {
	local name=$1
	shift
	local out
	out=$(timeout 300 "$@" 2>&1)
	local rc=$?
	local last
	last=$(printf '%s\n' "$out" | tail -n 1)
	if [[ $last =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
		passed=$((passed + BASH_REMATCH[1]))
		failed=$((failed + BASH_REMATCH[2]))
		if [ "$rc" -ne 0 ] && [ "${BASH_REMATCH[2]}" -eq 0 ]; then
			failed=$((failed + 1))
			last="$last (exit status $rc)"
		fi
	else
		failed=$((failed + 1))
		last="crashed or hung (exit status $rc)"
	fi
	printf '%-28s %s\n' "$name" "$last"
	if [ "$rc" -ne 0 ] || [[ $last != *" 0 failed"* ]]; then
		printf '%s\n' "$out" | grep -v '^ok ' | sed 's/^/    /' | tail -n 40
	fi
}

# check NAME CMD...: a single pass/fail check.
check() {
	local name=$1
	shift
	local out
	if out=$("$@" 2>&1); then
		passed=$((passed + 1))
		printf '%-28s ok\n' "$name"
	else
		failed=$((failed + 1))
		printf '%-28s FAILED\n' "$name"
		printf '%s\n' "$out" | sed 's/^/    /' | tail -n 40
	fi
}

check "exports (link/)" link/check-exports.sh build
check "header_check.c (C)" gcc -Wall -Wextra -Werror -Iinclude -c tests-c/header_check.c -o "$B/header_check.o"
check "header_check.c (C99)" gcc -std=c99 -Wall -Wextra -Werror -Iinclude -c tests-c/header_check.c -o "$B/header_check99.o"
check "header_check.c (C++)" g++ -x c++ -Wall -Wextra -Werror -Iinclude -c tests-c/header_check.c -o "$B/header_check_cxx.o"
check "pkg-config" bash -c 'export PKG_CONFIG_PATH=$PWD/build; gcc $(pkg-config --cflags liblinux) tests-c/restart.c -o build/tests/pc $(pkg-config --libs liblinux) -Wl,-rpath,$PWD/build'

gcc $CFLAGS tests-c/z_layout.c -o "$B/layout" && run "layout" "$B/layout" || { failed=$((failed + 1)); echo "layout: build failed"; }
gcc $CFLAGS tests-c/hostops_test.c hostops/posix/posix_host.c -o "$B/hostops" && run "hostops" "$B/hostops" || { failed=$((failed + 1)); echo "hostops: build failed"; }

for t in boot restart threads efault fork hostctl collide procdev; do
	if gcc $CFLAGS "tests-c/$t.c" -o "$B/$t" $SO; then
		run "$t" "$B/$t"
	else
		failed=$((failed + 1))
		echo "$t: build failed"
	fi
done
truncate -s 8M "$B/disk.img" && printf 'label: dos\nstart=2048, size=4096\nstart=6144, size=4096\n' | sfdisk -q "$B/disk.img"
rm -f "$B/disk-ext4.img" && truncate -s 16M "$B/disk-ext4.img" && mkfs.ext4 -q -F "$B/disk-ext4.img"
if gcc $CFLAGS tests-c/disk.c -o "$B/disk" $SO; then
	run "disk" "$B/disk" "$B/disk.img" "$B/disk-ext4.img"
else
	failed=$((failed + 1))
	echo "disk: build failed"
fi
if gcc $CFLAGS tests-c/collide.c -o "$B/collide_static" build/liblinux.a -ldl; then
	run "collide (static)" "$B/collide_static"
else
	failed=$((failed + 1))
	echo "collide (static): build failed"
fi
run "python ctypes" python3 tests-c/ctypes_test.py build/liblinux.so
run "tools (cptofs, fs2tar)" bash tests-c/tools.sh
run "dual (host vs liblinux)" tests-c/dual/run.sh
run "dual on ext4 (host vs liblinux)" tests-c/dual/run.sh --ext4
DUAL_MKFS_OPTS="-b 4096" run "dual on ext4 -b 4096 (host vs liblinux)" tests-c/dual/run.sh --ext4

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
