#!/bin/bash
# The dual-target syscall suite: every tests-c/dual/cases_*.c is built twice,
# against the host kernel (-DDUAL_HOST, raw syscalls) and against liblinux
# (-DDUAL_LKL, lkl_sys_*). The host binary runs first; a case counts only if
# it passes there. Then the liblinux binary runs (resumed after the case that
# crashed it, if one does).
#
# Output: one line per counted case that fails on liblinux ("FAIL file/name:
# detail"), one per case that fails on the host ("HOST file/name: detail"),
# then "dual: N counted, N passed, N failed, N host-disagreed" and last
# "N passed, N failed" over the counted cases.
#
# Every case's result is also written to build/tests/dual/results.txt.
#
# Usage: tests-c/dual/run.sh [-v] [cases_file.c...]
#   -v  also list passing cases
set -uo pipefail
cd "$(dirname "$0")/../.."
B=build/tests/dual
mkdir -p "$B"
CFLAGS="-Wall -Wextra -Werror -O1 -g -pthread -Iinclude -Itests-c/dual"
verbose=0
if [ "${1:-}" = "-v" ]; then
	verbose=1
	shift
fi
if [ $# -gt 0 ]; then
	files=("$@")
else
	files=(tests-c/dual/cases_*.c)
fi

# Build all binaries, two compilers at a time.
build_one() {
	local src=$1 name
	name=$(basename "$src" .c)
	gcc $CFLAGS -DDUAL_HOST tests-c/dual/dual.c "$src" -o "$B/host_$name" >"$B/host_$name.log" 2>&1 &&
		gcc $CFLAGS -DDUAL_LKL tests-c/dual/dual.c "$src" -o "$B/lkl_$name" \
			-Lbuild -llinux -Wl,-rpath,"$PWD/build" >"$B/lkl_$name.log" 2>&1
}
jobs_running=0
for f in "${files[@]}"; do
	build_one "$f" &
	jobs_running=$((jobs_running + 1))
	if [ $jobs_running -ge 2 ]; then
		wait -n
		jobs_running=$((jobs_running - 1))
	fi
done
wait

# Every result line also goes to $B/results.txt (the whole list, untruncated).
exec 3>"$B/results.txt"
counted=0
passed=0
failed=0
disagreed=0
broken=0
known=0
declare -A knownfail
while read -r k; do
	[ -n "$k" ] && [ "${k#\#}" = "$k" ] && knownfail[$k]=1
done < "$(dirname "$0")/known-failures.txt"

for f in "${files[@]}"; do
	name=$(basename "$f" .c)
	short=${name#cases_}
	if [ ! -x "$B/host_$name" ] || [ ! -x "$B/lkl_$name" ]; then
		echo "BUILD $short: failed"
		sed 's/^/    /' "$B/host_$name.log" "$B/lkl_$name.log" 2>/dev/null | head -20
		broken=$((broken + 1))
		continue
	fi
	mapfile -t order < <("$B/host_$name" --list)
	declare -A host=() lkl=()
	while IFS= read -r line; do
		case $line in
		"PASS "*) host[${line#PASS }]=PASS ;;
		"FAIL "*)
			rest=${line#FAIL }
			host[${rest%%:*}]="FAIL${rest#*:}"
			;;
		esac
	done < <(timeout 120 "$B/host_$name" </dev/null 2>&1)

	# liblinux: run, and after a crash resume after the case that was running.
	from=()
	while :; do
		out=$(timeout 120 "$B/lkl_$name" "${from[@]}" </dev/null 2>&1)
		rc=$?
		while IFS= read -r line; do
			case $line in
			"PASS "*) lkl[${line#PASS }]=PASS ;;
			"FAIL "*)
				rest=${line#FAIL }
				lkl[${rest%%:*}]="FAIL${rest#*:}"
				;;
			esac
		done <<<"$out"
		next=""
		missing=""
		for c in "${order[@]}"; do
			if [ -z "${lkl[$c]+x}" ]; then
				if [ -z "$missing" ]; then
					missing=$c
				elif [ -z "$next" ]; then
					next=$c
					break
				fi
			fi
		done
		[ -z "$missing" ] && break
		last=$(printf '%s\n' "$out" | grep '^PASS \|^FAIL ' | tail -n 1)
		if [[ $last == *": timeout ("* ]]; then
			# The watchdog ended the run after a hung case: go on from the next.
			from=(--from "$missing")
			continue
		fi
		detail=$(printf '%s\n' "$out" | grep -v '^PASS \|^FAIL ' | tail -n 3 | tr '\n' ' ')
		lkl[$missing]="FAIL crashed the liblinux build (exit status $rc) ${detail}"
		[ -z "$next" ] && break
		from=(--from "$next")
	done

	for c in "${order[@]}"; do
		h=${host[$c]:-"FAIL no result on the host"}
		if [ "$h" != PASS ]; then
			disagreed=$((disagreed + 1))
			line="HOST $short/$c:${h#FAIL}"
			echo "$line"
			echo "$line" >&3
			continue
		fi
		counted=$((counted + 1))
		l=${lkl[$c]:-"FAIL no result"}
		if [ "$l" = PASS ]; then
			passed=$((passed + 1))
			echo "ok $short/$c" >&3
			[ $verbose = 1 ] && echo "ok $short/$c"
		elif [ -n "${knownfail[$short/$c]:-}" ]; then
			counted=$((counted - 1))
			known=$((known + 1))
			line="KNOWN $short/$c:${l#FAIL}"
			echo "$line"
			echo "$line" >&3
		else
			failed=$((failed + 1))
			line="FAIL $short/$c:${l#FAIL}"
			echo "$line"
			echo "$line" >&3
		fi
	done
	unset host lkl
done

echo "dual: $counted counted, $passed passed, $failed failed, $disagreed host-disagreed, $known known failures (known-failures.txt)"
failed=$((failed + broken))
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
