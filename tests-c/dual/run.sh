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
# Usage: tests-c/dual/run.sh [-v] [--ext4] [cases_file.c...]
#   -v      also list passing cases
#   --ext4  the scratch directories are on ext4: on liblinux a fresh
#           mkfs.ext4 image (64 MiB, mke2fs defaults plus $DUAL_MKFS_OPTS)
#           added as /dev/vda and mounted on /dual; on the host a twin image
#           loop-mounted (without loop devices: a directory of the host on
#           ext4, else the host's tmpfs, as the run says). cases_ext4*.c
#           run only here. Cases listed in not-on-ext4.txt are not run;
#           known-failures-ext4.txt adds known failures; after each file
#           the image must pass e2fsck -fn (each check counts as one
#           result).
set -uo pipefail
cd "$(dirname "$0")/../.."
B=build/tests/dual
mkdir -p "$B"
CFLAGS="-Wall -Wextra -Werror -O1 -g -pthread -Iinclude -Itests-c/dual"
verbose=0
ext4=0
while [ $# -gt 0 ]; do
	case $1 in
	-v) verbose=1 ;;
	--ext4) ext4=1 ;;
	*) break ;;
	esac
	shift
done
if [ $# -gt 0 ]; then
	files=("$@")
else
	files=()
	# cases_ext4*.c need the scratch directory on ext4.
	for f in tests-c/dual/cases_*.c; do
		[ $ext4 = 1 ] || [ "${f#tests-c/dual/cases_ext4}" = "$f" ] && files+=("$f")
	done
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

counted=0
passed=0
failed=0
disagreed=0
broken=0
known=0
fsck_ok=0
declare -A knownfail skip
while read -r k; do
	[ -n "$k" ] && [ "${k#\#}" = "$k" ] && knownfail[$k]=1
done < "$(dirname "$0")/known-failures.txt"

# Every result line also goes to $B/results.txt (the whole list,
# untruncated); in the ext4 mode to $B/results-ext4-<block size>.txt.
results=$B/results.txt
host_env=()
lkl_env=()
if [ $ext4 = 1 ]; then
	# Lists of "file/case reason": the first word is the case.
	while read -r k _; do
		[ -n "$k" ] && [ "${k#\#}" = "$k" ] && knownfail[$k]=1
	done < "$(dirname "$0")/known-failures-ext4.txt"
	# Names of this run's own, so that runs at the same time do not meet.
	img=$B/ext4-$$.img
	hostimg=$B/ext4-host-$$.img
	hostmnt=$PWD/$B/ext4-host-$$.mnt
	mounted=0
	cleanup() {
		[ $mounted = 1 ] && umount "$hostmnt"
		rmdir "$hostmnt" 2>/dev/null
		rm -f "$hostimg"
		# The liblinux image stays for a look when e2fsck found problems.
		[ -f "$img" ] && [ "$broken" = 0 ] && rm -f "$img"
	}
	trap cleanup EXIT
	truncate -s 64M "$img" "$hostimg"
	# Twins: one UUID and directory hash seed, so hash order is the same.
	mkfs=(mkfs.ext4 -q -F -U 6c6b6c00-6475-616c-2d65-787434000001 -E hash_seed=6c6b6c00-6475-616c-2d65-787434000002)
	# shellcheck disable=SC2086
	if ! "${mkfs[@]}" ${DUAL_MKFS_OPTS:-} "$img" >"$B/mkfs-$$.log" 2>&1 ||
		! "${mkfs[@]}" ${DUAL_MKFS_OPTS:-} "$hostimg" >>"$B/mkfs-$$.log" 2>&1; then
		echo "mkfs.ext4 failed:"
		sed 's/^/    /' "$B/mkfs-$$.log"
		rm -f "$B/mkfs-$$.log"
		echo "0 passed, 1 failed"
		exit 1
	fi
	rm -f "$B/mkfs-$$.log"
	lkl_env=(env DUAL_EXT4="$img")
	bs=$(dumpe2fs -h "$img" 2>/dev/null | awk '/^Block size:/ {print $3}')
	results=$B/results-ext4-$bs.txt
	while read -r k q _; do
		[ -n "$k" ] && [ "${k#\#}" = "$k" ] || continue
		[ "${q#bs=}" != "$q" ] && [ "${q#bs=}" != "$bs" ] && continue
		skip[$k]=1
	done < "$(dirname "$0")/not-on-ext4.txt"
	mkdir -p "$hostmnt"
	if mount -o loop "$hostimg" "$hostmnt" 2>/dev/null; then
		mounted=1
		host_env=(env DUAL_BASE="$hostmnt")
	elif [ "$(stat -f -c %T "$B")" = ext2/ext3 ]; then
		echo "note: no loop mount here; the host runs on $B (ext4 of the host)"
		host_env=(env DUAL_BASE="$PWD/$B")
	else
		echo "note: no loop mount and no host ext4: the host runs on its tmpfs"
	fi
fi
exec 3>"$results"

for f in "${files[@]}"; do
	name=$(basename "$f" .c)
	short=${name#cases_}
	if [ ! -x "$B/host_$name" ] || [ ! -x "$B/lkl_$name" ]; then
		echo "BUILD $short: failed"
		sed 's/^/    /' "$B/host_$name.log" "$B/lkl_$name.log" 2>/dev/null | head -20
		broken=$((broken + 1))
		continue
	fi
	mapfile -t all < <("$B/host_$name" --list)
	order=()
	for c in "${all[@]}"; do
		[ -z "${skip[$short/$c]:-}" ] && order+=("$c")
	done
	[ ${#order[@]} -eq 0 ] && continue
	sel=()
	[ ${#order[@]} -ne ${#all[@]} ] && sel=("${order[@]}")
	declare -A host=() lkl=()
	while IFS= read -r line; do
		case $line in
		"PASS "*) host[${line#PASS }]=PASS ;;
		"FAIL "*)
			rest=${line#FAIL }
			host[${rest%%:*}]="FAIL${rest#*:}"
			;;
		esac
	done < <(timeout 120 "${host_env[@]}" "$B/host_$name" "${sel[@]}" </dev/null 2>&1)

	# liblinux: run, and after a crash resume after the case that was running.
	from=()
	while :; do
		out=$(timeout 120 "${lkl_env[@]}" "$B/lkl_$name" "${from[@]}" "${sel[@]}" </dev/null 2>&1)
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
	if [ $ext4 = 1 ]; then
		if out=$(e2fsck -fn "$img" 2>&1); then
			fsck_ok=$((fsck_ok + 1))
		else
			line="FSCK after $short: e2fsck -fn $img found problems"
			echo "$line"
			echo "$line" >&3
			printf '%s\n' "$out" | sed 's/^/    /' | tail -n 20
			broken=$((broken + 1))
		fi
	fi
done

if [ $ext4 = 1 ]; then
	echo "dual on ext4: $counted counted, $passed passed, $failed failed, $disagreed host-disagreed, $known known failures, $fsck_ok clean e2fsck -fn checks"
	passed=$((passed + fsck_ok))
else
	echo "dual: $counted counted, $passed passed, $failed failed, $disagreed host-disagreed, $known known failures (known-failures.txt)"
fi
failed=$((failed + broken))
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
