#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# mkchildinitramfs.sh OUT.cpio.gz
#
# The initramfs of the demo and test child partition: busybox (static) and
# tools/child/init, which reports what the child sees (CPUs, memory, the
# hypervisor's CPUID signature through /proc/cpuinfo's flags) on the serial
# console, then gives a shell there, or powers off when the kernel command
# line says child.poweroff=1.  No kernel modules: the child's devices are
# the serial port and the platform, which Debian's cloud kernel has built in.
set -eu

[ $# -eq 1 ] || { echo "usage: mkchildinitramfs.sh OUT.cpio.gz" >&2; exit 2; }
case $1 in /*) out=$1 ;; *) out=$(pwd)/$1 ;; esac
here=$(cd "$(dirname "$0")/../.." && pwd)
BUSYBOX=${BUSYBOX:-/bin/busybox}

[ -x "$BUSYBOX" ] || { echo "mkchildinitramfs: no busybox at $BUSYBOX (make deps)" >&2; exit 1; }
if ldd "$BUSYBOX" >/dev/null 2>&1; then
    echo "mkchildinitramfs: $BUSYBOX is dynamically linked; install busybox-static" >&2
    exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root
mkdir -p "$root"
cd "$root"
mkdir -p bin sbin usr/bin usr/sbin dev proc sys tmp root etc
chmod 1777 tmp
cp "$BUSYBOX" bin/busybox
"$BUSYBOX" --list-full | while read -r path; do
    case $path in linuxrc | sbin/init) continue ;; esac
    [ -e "$path" ] || ln -s /bin/busybox "$path"
done
cp "$here/tools/child/init" init
chmod 755 init
find . | LC_ALL=C sort | cpio -o -H newc --quiet | gzip -9 > "$out.tmp"
mv "$out.tmp" "$out"
echo "  built $out ($(($(wc -c < "$out") / 1024)) KiB)"
