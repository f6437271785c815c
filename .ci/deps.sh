#!/bin/bash
# Installs what the build and tests need on a fresh Debian machine: the C
# toolchain, e2fsprogs/dosfstools for image tests, python3 for the ctypes
# test, and the Go modules of go.mod.
set -euo pipefail
need=()
for pair in gcc:gcc make:make nm:binutils objcopy:binutils python3:python3 \
	mkfs.ext4:e2fsprogs mkfs.vfat:dosfstools pkg-config:pkg-config sfdisk:fdisk; do
	cmd=${pair%%:*} pkg=${pair#*:}
	command -v "$cmd" >/dev/null 2>&1 || need+=("$pkg")
done
[ -f "$(gcc -print-file-name=libbacktrace.a 2>/dev/null)" ] || need+=(libgcc-12-dev)
[ -f /usr/include/archive.h ] || need+=(libarchive-dev)
if [ ${#need[@]} -gt 0 ]; then
	echo "installing: ${need[*]}"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
go mod download
