#!/bin/bash
# End-to-end tests of the image tools (build/cptofs, build/cpfromfs,
# build/fs2tar): a tree of every kind of file is copied into ext2/ext4 images
# of several layouts, checked with e2fsck and debugfs, copied back out and
# archived with fs2tar, and compared with the original. Each check prints
# "ok N - name" or "not ok N - name: detail"; the last line is
# "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-$PWD/build}
CPTOFS=$BIN/cptofs
CPFROMFS=$BIN/cpfromfs
FS2TAR=$BIN/fs2tar
export LC_ALL=C TZ=UTC
umask 022

T=$(mktemp -d /tmp/liblinux-tools.XXXXXX)
trap 'rm -rf "$T"' EXIT
passed=0
failed=0
n=0

pass() {
	n=$((n + 1))
	passed=$((passed + 1))
	echo "ok $n - $1"
}

flunk() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $1: $2"
}

# check NAME CMD...: passes when CMD exits 0.
check() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then
		pass "$name"
	else
		flunk "$name" "$(printf '%s' "$out" | tail -n 8 | tr '\n' '|')"
	fi
}

# eq NAME GOT WANT: passes when the two strings are equal.
eq() {
	if [ "$2" == "$3" ]; then
		pass "$1"
	else
		flunk "$1" "got '$2', want '$3'"
	fi
}

# has NAME FILE TEXT: passes when FILE contains the fixed string TEXT.
has() {
	if grep -qF -- "$3" "$2"; then
		pass "$1"
	else
		flunk "$1" "'$3' not in: $(head -c 600 "$2" | tr '\n' '|')"
	fi
}

# tool CMD...: runs a tool; its status is in $rc, its output in $T/out and
# $T/err.
tool() {
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
}

# debugfs_cmd IMAGE CMD: runs one debugfs request.
debugfs_cmd() {
	debugfs -R "$2" "$1" 2>/dev/null
}

# stat_field IMAGE PATH REGEX: the first match of REGEX in debugfs stat.
stat_field() {
	debugfs_cmd "$1" "stat \"$2\"" | grep -oE -m1 -- "$3"
}

# listing DIR: every entry below DIR with its type, mode, mtime and link
# target, leaving out lost+found and what the tools do not copy (FIFOs).
listing() {
	(cd "$1" && find . -mindepth 1 -path ./lost+found -prune -o ! -type p \
		-printf '%p %y %m %T@ %l\n' | sort)
}

# mtime_hex SEC NSEC: an inode's mtime as debugfs prints it (seconds, and
# the extra field holding the nanoseconds shifted left by two).
mtime_hex() {
	printf '0x%08x:%08x' "$1" $(($2 << 2))
}

# --- The source tree ---------------------------------------------------------
S=$T/src
mkdir -p "$S/dir/sub/deeper/deepest" "$S/emptydir" "$S/ro" "$S/glob"
head -c 4194304 /dev/urandom >"$S/big.bin"
head -c 12345 /dev/urandom >"$S/dir/mid.bin"
for i in $(seq 1 12); do
	head -c $((i * 977)) /dev/urandom >"$S/dir/sub/f$i.dat"
done
head -c 5000 /dev/urandom >"$S/dir/sub/deeper/deepest/leaf"
: >"$S/empty"
: >"$S/dir/empty2"
echo "a name with spaces" >"$S/space name.txt"
echo hidden >"$S/.hidden"
truncate -s 8M "$S/sparse"
printf 'middle' | dd of="$S/sparse" bs=1 seek=3000000 conv=notrunc status=none
printf 'end' | dd of="$S/sparse" bs=1 seek=$((8 * 1048576 - 3)) conv=notrunc status=none
ln -s big.bin "$S/fastlink"
slow_target=$(printf 'a-long-directory-name/%.0s' 1 2 3 4)target-of-a-slow-symlink
ln -s "$slow_target" "$S/slowlink"
ln -s ../../big.bin "$S/dir/sub/rel"
ln -s /nonexistent/absolute "$S/dangling"
ln "$S/dir/mid.bin" "$S/hardlink"
echo setuid >"$S/setuid"
echo "read only" >"$S/ro/file"
for f in a.c b.c c.h .d.c; do echo "$f" >"$S/glob/$f"; done
mkfifo "$S/dir/fifo"
echo unicode >"$S/ünïcødé ☃.txt"
echo long >"$S/$(printf 'n%.0s' $(seq 1 255))"
mkdir "$S/many"
for i in $(seq 1 300); do echo "$i" >"$S/many/entry-with-a-longer-name-$i"; done
python3 -c '
import os, sys
s = sys.argv[1]
os.setxattr(s + "/big.bin", "user.alpha", b"first value")
os.setxattr(s + "/big.bin", "user.beta", b"\x00\x01binary\xff")
os.setxattr(s + "/dir", "user.dirattr", b"on a directory")
' "$S"
chmod 0600 "$S/dir/mid.bin"
chmod 4755 "$S/setuid"
chmod 0444 "$S/ro/file"
chmod 0751 "$S/dir"
chmod 0555 "$S/ro"
chmod 0700 "$S/emptydir"
# Distinct times with nanoseconds, deepest entries first so that setting
# them does not move a directory's times again.
i=0
while IFS= read -r -d '' p; do
	i=$((i + 1))
	touch -h -d "@$((1600000000 + i * 86400)).$(printf '%09d' $((i * 123456789 % 1000000000)))" "$p"
done < <(find "$S" -mindepth 1 -depth -print0)
big_sec=$(stat -c %Y "$S/big.bin")
big_nsec=$(stat -c %y "$S/big.bin" | sed 's/.*\.\([0-9]*\) .*/\1/')
big_nsec=$((10#$big_nsec))
want_listing=$(listing "$S")

# --- Images of several layouts ------------------------------------------------
# Each form: name, fs type, partition, and how to make it.
mkimg() {
	local img=$1 kind=$2
	rm -f "$img"
	truncate -s 64M "$img"
	case $kind in
	ext4-4k) mkfs.ext4 -q -F -b 4096 "$img" ;;
	ext4-1k) mkfs.ext4 -q -F "$img" ;; # 1 KiB blocks below 512 MiB
	ext2) mkfs.ext2 -q -F "$img" ;;
	ext4-plain) mkfs.ext4 -q -F -O ^has_journal,^metadata_csum,^64bit "$img" ;;
	ext4-part)
		printf 'label: dos\nstart=2048, size=100352, type=83\n' | sfdisk -q "$img" &&
			mkfs.ext4 -q -F -E offset=1048576 "$img" 49M
		;;
	esac
}

for kind in ext4-4k ext4-1k ext2 ext4-plain ext4-part; do
	img=$T/$kind.img
	fstype=ext4
	part=()
	fsimg=$img
	case $kind in
	ext2) fstype=ext2 ;;
	ext4-part)
		part=(-P 1)
		fsimg="$img?offset=1048576"
		;;
	esac
	if ! mkimg "$img" "$kind" >"$T/mkfs.log" 2>&1; then
		flunk "$kind: make the image" "$(tr '\n' '|' <"$T/mkfs.log")"
		continue
	fi

	# Into the image: the whole tree under /tree, and a file by a new name.
	debugfs -w -R "mkdir /tree" "$fsimg" >/dev/null 2>&1
	tool "$CPTOFS" -t "$fstype" "${part[@]}" -i "$img" "$S/." /tree
	eq "$kind: cptofs exits 0" "$rc" 0
	has "$kind: cptofs reports the FIFO it skips" "$T/err" "skipping $S/dir/fifo: FIFO not copied"
	eq "$kind: cptofs prints nothing on stdout without -p" "$(cat "$T/out")" ""
	check "$kind: e2fsck -fn is clean after cptofs" e2fsck -fn "$fsimg"

	# What debugfs sees in the image.
	debugfs_cmd "$fsimg" "cat /tree/big.bin" >"$T/big.out"
	check "$kind: debugfs cat of the 4 MiB file matches" cmp "$T/big.out" "$S/big.bin"
	debugfs_cmd "$fsimg" "cat \"/tree/space name.txt\"" >"$T/space.out"
	check "$kind: debugfs cat of a name with spaces matches" cmp "$T/space.out" "$S/space name.txt"
	debugfs_cmd "$fsimg" "cat /tree/dir/sub/deeper/deepest/leaf" >"$T/leaf.out"
	check "$kind: debugfs cat of a nested file matches" cmp "$T/leaf.out" "$S/dir/sub/deeper/deepest/leaf"
	eq "$kind: mode of a 0600 file" "$(stat_field "$fsimg" /tree/dir/mid.bin 'Mode: +[0-7]+')" "Mode:  0600"
	eq "$kind: setuid mode kept" "$(stat_field "$fsimg" /tree/setuid 'Mode: +[0-7]+')" "Mode:  04755"
	eq "$kind: directory mode kept" "$(stat_field "$fsimg" /tree/dir 'Mode: +[0-7]+')" "Mode:  0751"
	eq "$kind: files are owned by root without -o/-g" \
		"$(stat_field "$fsimg" /tree/big.bin 'User: +[0-9]+ +Group: +[0-9]+' | tr -s ' ')" "User: 0 Group: 0"
	eq "$kind: size of the 4 MiB file" "$(stat_field "$fsimg" /tree/big.bin 'Size: [0-9]+')" "Size: 4194304"
	eq "$kind: nanosecond mtime kept" "$(stat_field "$fsimg" /tree/big.bin 'mtime: 0x[0-9a-f]+:[0-9a-f]+')" \
		"mtime: $(mtime_hex "$big_sec" "$big_nsec")"
	debugfs_cmd "$fsimg" "ea_list /tree/big.bin" >"$T/ea"
	has "$kind: user.alpha xattr in the image" "$T/ea" 'user.alpha (11) = "first value"'
	has "$kind: binary user.beta xattr in the image" "$T/ea" 'user.beta (9) = 00 01 62 69 6e 61 72 79 ff'
	debugfs_cmd "$fsimg" "ea_list /tree/dir" >"$T/ea"
	has "$kind: directory xattr in the image" "$T/ea" 'user.dirattr (14) = "on a directory"'
	eq "$kind: fast symlink target" "$(stat_field "$fsimg" /tree/fastlink 'Fast link dest: .*')" \
		"Fast link dest: \"big.bin\""
	eq "$kind: slow symlink size" "$(stat_field "$fsimg" /tree/slowlink 'Size: [0-9]+')" "Size: ${#slow_target}"
	debugfs_cmd "$fsimg" "dump /tree/slowlink $T/slow.out" >/dev/null
	eq "$kind: slow symlink target" "$(cat "$T/slow.out" 2>/dev/null)" "$slow_target"
	eq "$kind: hard link shares the inode" "$(stat_field "$fsimg" /tree/hardlink 'Inode: [0-9]+')" \
		"$(stat_field "$fsimg" /tree/dir/mid.bin 'Inode: [0-9]+')"
	eq "$kind: hard link count" "$(stat_field "$fsimg" /tree/hardlink 'Links: [0-9]+')" "Links: 2"
	blocks=$(stat_field "$fsimg" /tree/sparse 'Blockcount: [0-9]+' | grep -oE '[0-9]+')
	if [ -n "$blocks" ] && [ "$blocks" -lt 100 ]; then
		pass "$kind: sparse file stays sparse in the image"
	else
		flunk "$kind: sparse file stays sparse in the image" "Blockcount $blocks"
	fi
	eq "$kind: the FIFO is not in the image" "$(debugfs_cmd "$fsimg" "stat /tree/dir/fifo" | grep -c Inode)" 0

	# Back out, and compared with the original.
	O=$T/out-$kind
	mkdir "$O"
	tool "$CPFROMFS" -t "$fstype" "${part[@]}" -i "$img" /tree/. "$O"
	eq "$kind: cpfromfs exits 0" "$rc" 0
	eq "$kind: cpfromfs is silent" "$(cat "$T/out" "$T/err")" ""
	check "$kind: contents equal (diff -r)" diff -r --no-dereference -x fifo "$S" "$O"
	eq "$kind: types, modes, mtimes and link targets equal" "$(listing "$O")" "$want_listing"
	eq "$kind: xattrs come back out" \
		"$(python3 -c 'import os,sys; print(os.getxattr(sys.argv[1], "user.beta"))' "$O/big.bin")" \
		"b'\\x00\\x01binary\\xff'"
	eq "$kind: hard link comes back out" "$(stat -c %i "$O/hardlink")" "$(stat -c %i "$O/dir/mid.bin")"
	if [ "$(stat -c %b "$O/sparse")" -lt 100 ]; then
		pass "$kind: sparse file comes back out sparse"
	else
		flunk "$kind: sparse file comes back out sparse" "$(stat -c %b "$O/sparse") blocks"
	fi
	chmod -R u+w "$O"

	# The image as a tar archive.
	tool "$FS2TAR" -t "$fstype" "${part[@]}" "$img" "$T/$kind.tar"
	eq "$kind: fs2tar exits 0" "$rc" 0
	tar --full-time -tvf "$T/$kind.tar" 2>&1 | tr -s ' ' >"$T/tarlist"
	has "$kind: tar lists the file with mode, owner and ns mtime" "$T/tarlist" \
		"-rw-r--r-- 0/0 4194304 $(date -u -d "@$big_sec" '+%F %T').$(printf '%09d' "$big_nsec") tree/big.bin"
	# The first name met (in readdir order) holds the data.
	if grep -qE '^h.* (tree/hardlink link to tree/dir/mid.bin|tree/dir/mid.bin link to tree/hardlink)$' "$T/tarlist"; then
		pass "$kind: tar lists the hard link"
	else
		flunk "$kind: tar lists the hard link" "$(grep -E 'hardlink|mid.bin' "$T/tarlist" | tr '\n' '|')"
	fi
	if grep -q "Ignoring unknown" "$T/tarlist"; then
		flunk "$kind: tar reads every pax header" "$(grep "Ignoring unknown" "$T/tarlist" | head -2 | tr '\n' '|')"
	else
		pass "$kind: tar reads every pax header"
	fi
	has "$kind: tar lists the UTF-8 name" "$T/tarlist" 'tree/\303\274n\303\257c\303\270d\303\251 \342\230\203.txt'
	has "$kind: tar lists the slow symlink" "$T/tarlist" "tree/slowlink -> $slow_target"
	X=$T/x-$kind
	mkdir "$X"
	check "$kind: tar extracts" tar --xattrs --xattrs-include='*' -xpf "$T/$kind.tar" -C "$X"
	check "$kind: extracted contents equal (diff -r)" diff -r --no-dereference -x fifo "$S" "$X/tree"
	eq "$kind: extracted types, modes, mtimes and link targets equal" "$(listing "$X/tree")" "$want_listing"
	eq "$kind: extracted xattrs equal" \
		"$(python3 -c 'import os,sys; print(os.getxattr(sys.argv[1], "user.alpha"))' "$X/tree/big.bin")" \
		"b'first value'"
	tar_kib=$(($(stat -c %s "$T/$kind.tar") / 1024))
	if [ "$tar_kib" -lt 6144 ]; then
		pass "$kind: the sparse file is stored sparse in the tar"
	else
		flunk "$kind: the sparse file is stored sparse in the tar" "tar is $tar_kib KiB"
	fi
	chmod -R u+w "$X"
	rm -rf "$O" "$X" "$T/$kind.tar"

	# Copying the same tree over itself replaces links and keeps the rest.
	tool "$CPTOFS" -t "$fstype" "${part[@]}" -i "$img" "$S/." /tree
	eq "$kind: a second cptofs over the same tree exits 0" "$rc $(grep -vc skipping "$T/err")" "0 0"
	check "$kind: e2fsck -fn is clean after the second copy" e2fsck -fn "$fsimg"
	eq "$kind: hard link still shared after the second copy" \
		"$(stat_field "$fsimg" /tree/hardlink 'Links: [0-9]+')" "Links: 2"
done

# --- Options, globs and errors (one ext4 image) ----------------------------
img=$T/misc.img
mkimg "$img" ext4-4k

tool "$CPTOFS" -t ext4 -i "$img" -o 1234 -g 567 "$S/dir" /
eq "-o/-g: cptofs exits 0" "$rc" 0
eq "-o/-g: file owner" "$(stat_field "$img" /dir/mid.bin 'User: +[0-9]+ +Group: +[0-9]+' | tr -s ' ')" \
	"User: 1234 Group: 567"
eq "-o/-g: directory owner" "$(stat_field "$img" /dir/sub 'User: +[0-9]+ +Group: +[0-9]+' | tr -s ' ')" \
	"User: 1234 Group: 567"
eq "-o/-g: symlink owner" "$(stat_field "$img" /dir/sub/rel 'User: +[0-9]+ +Group: +[0-9]+' | tr -s ' ')" \
	"User: 1234 Group: 567"
tool "$CPTOFS" -t ext4 -i "$img" -g 42 "$S/empty" /
eq "-g alone sets only the group" "$(stat_field "$img" /empty 'User: +[0-9]+ +Group: +[0-9]+' | tr -s ' ')" \
	"User: 0 Group: 42"
mkdir "$T/own"
tool "$CPFROMFS" -t ext4 -i "$img" -o 4321 -g 765 /dir/mid.bin "$T/own"
eq "-o/-g: cpfromfs owner on the host" "$rc $(stat -c %u:%g "$T/own/mid.bin")" "0 4321:765"

tool "$CPTOFS" -t ext4 -i "$img" -s system_u:object_r:etc_t:s0 "$S/setuid" /
debugfs_cmd "$img" "ea_list /setuid" >"$T/ea"
has "-s sets security.selinux" "$T/ea" 'security.selinux (26) = "system_u:object_r:etc_t:s0"'

tool "$CPTOFS" -t ext4 -i "$img" "$S/glob/*.c" /
eq "glob in a host path: cptofs exits 0" "$rc" 0
eq "glob in a host path copies the matches (a leading dot is not special)" \
	"$(debugfs_cmd "$img" "ls /" | tr -s ' ' '\n' | grep -E '^\.?[a-z]\.[ch]$' | sort | tr '\n' ' ')" ".d.c a.c b.c "
mkdir "$T/globout"
tool "$CPFROMFS" -t ext4 -i "$img" '/dir/sub/f1*.dat' "$T/globout"
eq "glob in the image path: cpfromfs exits 0" "$rc" 0
eq "glob in the image path copies the matches" "$(ls "$T/globout" | tr '\n' ' ')" "f1.dat f10.dat f11.dat f12.dat "
tool "$CPFROMFS" -t ext4 -i "$img" '/dir/nomatch*' "$T/globout"
eq "a glob without matches fails" "$rc" 1
has "a glob without matches is reported" "$T/err" "/dir/nomatch*: No such file or directory"

tool "$CPTOFS" -t ext4 -i "$img" "$S/big.bin" /renamed.bin
eq "a single source may take a new name" "$rc" 0
debugfs_cmd "$img" "cat /renamed.bin" >"$T/ren"
check "the renamed copy matches" cmp "$T/ren" "$S/big.bin"
tool "$CPFROMFS" -t ext4 -i "$img" /dir/mid.bin "$T/single.bin"
check "cpfromfs of one file to a new name" cmp "$T/single.bin" "$S/dir/mid.bin"
tool "$CPTOFS" -t ext4 -i "$img" "$S/empty" "$S/setuid" /renamed.bin
eq "several sources into a file fail" "$rc" 1
has "several sources into a file: Not a directory" "$T/err" "/renamed.bin: Not a directory"

tool "$CPTOFS" -t ext4 -i "$img" "$S/does-not-exist" /
eq "missing source: exit 1" "$rc" 1
has "missing source: path and error text" "$T/err" "$S/does-not-exist: No such file or directory"
tool "$CPTOFS" -t ext4 -i "$img" "$S/does-not-exist" "$S/empty" /
eq "missing source among others: exit 1" "$rc" 1
eq "missing source among others: the rest is copied" "$(stat_field "$img" /empty 'Size: [0-9]+')" "Size: 0"
tool "$CPFROMFS" -t ext4 -i "$img" /no/such/file "$T"
eq "missing image path: exit 1" "$rc" 1
has "missing image path: path and error text" "$T/err" "/no/such/file: No such file or directory"
tool "$CPTOFS" -t ext4 -i "$img" "$S/empty" /no/such/dir/
eq "missing destination directory: exit 1" "$rc" 1
has "missing destination directory: path and error text" "$T/err" "/no/such/dir/: No such file or directory"
check "e2fsck -fn is clean after the option and error cases" e2fsck -fn "$img"

tool "$CPTOFS" -p -t ext4 -i "$img" "$S/empty" /
has "-p prints the kernel log" "$T/out" "Linux version"
has "-p shows the disk" "$T/out" "[vda]"

# Special files: skipped by cptofs with a message; in an image (made with
# debugfs) skipped by cpfromfs and stored by fs2tar.
mkdir "$T/special"
mkfifo "$T/special/fifo"
mknod "$T/special/null" c 1 3
python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$T/special/sock"
echo regular >"$T/special/regular"
tool "$CPTOFS" -t ext4 -i "$img" "$T/special" /
eq "special files: cptofs exits 0" "$rc" 0
has "special files: FIFO reported" "$T/err" "skipping $T/special/fifo: FIFO not copied"
has "special files: socket reported" "$T/err" "skipping $T/special/sock: socket not copied"
has "special files: device reported" "$T/err" "skipping $T/special/null: character device not copied"
eq "special files: only the regular file is copied" \
	"$(debugfs_cmd "$img" "ls /special" | tr -s ' ' '\n' | grep -E '^[a-z]+$' | sort | tr '\n' ' ')" "regular "
printf 'cd /special\nmknod fifo p\nmknod null c 1 3\nmknod disk b 254 16\n' >"$T/mknod.cmds"
debugfs -w -f "$T/mknod.cmds" "$img" >/dev/null 2>&1
mkdir "$T/specout"
tool "$CPFROMFS" -t ext4 -i "$img" /special "$T/specout"
eq "special files in the image: cpfromfs exits 0" "$rc" 0
has "special files in the image: FIFO reported" "$T/err" "skipping /special/fifo: FIFO not copied"
has "special files in the image: block device reported" "$T/err" "skipping /special/disk: block device not copied"
eq "special files in the image: only the regular file is copied" "$(ls "$T/specout/special" | tr '\n' ' ')" "regular "
tool "$FS2TAR" -p -t ext4 -s "$T/contexts" "$img" "$T/special.tar"
eq "fs2tar with special files exits 0" "$rc" 0
has "fs2tar -p prints the kernel log" "$T/out" "Linux version"
tar --full-time -tvf "$T/special.tar" 2>&1 | tr -s ' ' >"$T/tarlist"
has "fs2tar stores a FIFO" "$T/tarlist" "p--------- 0/0 0 "
has "fs2tar stores a character device" "$T/tarlist" " 1,3 "
has "fs2tar stores a block device" "$T/tarlist" " 254,16 "
has "fs2tar -s writes the SELinux contexts" "$T/contexts" "/setuid system_u:object_r:etc_t:s0"

# Without root on the host: read-only directories and files come out, and
# files in the image are still owned by root.
mkdir "$T/nobody"
cp "$img" "$T/nobody/img"
chown -R 65534:65534 "$T/nobody"
chmod 0755 "$T"
echo nobody >"$T/nobody-src"
chmod 0644 "$T/nobody-src"
tool setpriv --reuid=65534 --regid=65534 --clear-groups "$CPTOFS" -t ext4 -i "$T/nobody/img" "$T/nobody-src" /
eq "cptofs without root exits 0" "$rc" 0
eq "cptofs without root: files in the image belong to root" \
	"$(stat_field "$T/nobody/img" /nobody-src 'User: +[0-9]+ +Group: +[0-9]+' | tr -s ' ')" "User: 0 Group: 0"
tool setpriv --reuid=65534 --regid=65534 --clear-groups "$CPFROMFS" -t ext4 -i "$T/nobody/img" /dir "$T/nobody"
eq "cpfromfs without root exits 0" "$rc $(cat "$T/err")" "0 "
eq "cpfromfs without root: a 0600 file comes out with its mode" "$(stat -c '%a %U' "$T/nobody/dir/mid.bin")" "600 nobody"
check "cpfromfs without root: contents equal" diff -r --no-dereference -x fifo "$S/dir" "$T/nobody/dir"
check "e2fsck -fn is clean after the copy without root" e2fsck -fn "$T/nobody/img"

head -c 4194304 /dev/zero >"$T/zero.img"
tool "$CPTOFS" -t ext4 -i "$T/zero.img" "$S/empty" /
eq "not a filesystem: exit 1" "$rc" 1
has "not a filesystem: mount error" "$T/err" "cannot mount $T/zero.img as ext4: Invalid argument"
tool "$FS2TAR" -t ext4 "$T/zero.img" "$T/z.tar"
eq "fs2tar of not a filesystem: exit 1" "$rc" 1
has "fs2tar of not a filesystem: mount error" "$T/err" "cannot mount $T/zero.img as ext4: Invalid argument"
tool "$CPFROMFS" -t nosuchfs -i "$img" / "$T"
eq "unknown filesystem type: exit 1" "$rc" 1
has "unknown filesystem type: No such device" "$T/err" "as nosuchfs: No such device"
tool "$CPFROMFS" -t ext2 -i "$img" / "$T"
eq "ext4 features mounted as ext2: exit 1" "$rc" 1
has "ext4 features mounted as ext2: Invalid argument" "$T/err" "as ext2: Invalid argument"
tool "$CPTOFS" -t ext4 -i "$T/no-such.img" "$S/empty" /
eq "missing image: exit 1" "$rc" 1
has "missing image: path and error text" "$T/err" "cannot open image $T/no-such.img: No such file or directory"
tool "$CPTOFS" -t ext4 -P 3 -i "$img" "$S/empty" /
eq "missing partition: exit 1" "$rc" 1
has "missing partition: named in the error" "$T/err" "partition 3 as ext4"
tool "$CPTOFS" -i "$img" "$S/empty" /
eq "no -t: usage error (64)" "$rc" 64
has "no -t: says so" "$T/err" "the filesystem type (-t) is required"
tool "$CPTOFS" -t ext4 -i "$img" -P x "$S/empty" /
eq "a partition that is not a number: usage error (64)" "$rc" 64
tool "$CPTOFS" -t ext4 -i "$img" -m 32 "$S/empty" /mem-32
eq "-m sets the kernel's memory" "$rc $(grep -oE 'Command line: .*' "$T/out")" "0 "
tool "$CPTOFS" -p -t ext4 -i "$img" -m 48 "$S/empty" /mem-48
has "-m 48 reaches the kernel command line" "$T/out" "mem=48M"
tool "$CPFROMFS" --help
eq "--help exits 0" "$rc" 0
has "--help shows the usage" "$T/out" "Usage: cpfromfs [OPTION...]"
tool "$FS2TAR" -t ext4 "$img"
eq "fs2tar without a tar path: usage error (64)" "$rc" 64
tool "$FS2TAR" -t ext4 "$img" "$T/no/such/dir/x.tar"
eq "fs2tar to an unwritable path: exit 1" "$rc" 1
check "e2fsck -fn is clean at the end" e2fsck -fn "$img"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
