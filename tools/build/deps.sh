#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Install the Debian packages the build and the tests need, only those missing.
# Safe to run again and again: with everything present it changes nothing.
set -eu

# iperf3 is for make bench: tests/bench/network-throughput copies it, with
# its libraries, into the parent and a child.
PKGS="build-essential gnu-efi libfdt-dev libcmocka-dev
      qemu-system-x86 qemu-utils ovmf mtools dosfstools gdisk e2fsprogs
      busybox-static cpio xz-utils zstd acpica-tools clang-format iproute2 iperf3
      grub-pc-bin xorriso seabios"

missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "deps: installing:$missing"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "deps: need root (or sudo) to install:$missing" >&2; exit 1; }
    SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing
