#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# mkinitramfs.sh OUT.cpio.gz KDIR
#
# Build the parent partition's initramfs: a static busybox with its applet
# links, /init (tools/parent/init), /usr/bin/hvinfo (tools/parent/hvinfo.c,
# built static here), e2fsck and blkid with their shared libraries, and the
# kernel modules named in tools/parent/modules with everything they depend
# on, taken from KDIR/modules/VERSION/ (as tools/build/fetch-kernel.sh
# unpacks a Debian kernel).  How busybox, libraries and modules are
# collected is shared with the child's initramfs: tools/build/modules.sh.
#
# No root needed: /dev/console, which the kernel opens for /init before
# anything is mounted, cannot be made as a file by a user, so it goes into a
# small cpio archive written here by hand, in front of the main one (the
# kernel unpacks concatenated archives in order).
#
# Our own out-of-tree module (drivers/vid) goes in as
# /lib/modules/VERSION/extra/vid.ko when VID_KO names it, with the static
# /usr/bin/vidctl that talks to it; /init loads it after the others.
#
# Environment: BUSYBOX (default /bin/busybox, must be static), CC (gcc),
# VID_KO (optional: the built vid.ko; its vermagic must name VERSION).
set -eu

[ $# -eq 2 ] || { echo "usage: mkinitramfs.sh OUT.cpio.gz KDIR" >&2; exit 2; }
# Absolute paths: the tree is assembled from inside it.
case $1 in /*) out=$1 ;; *) out=$(pwd)/$1 ;; esac
kdir=$(cd "$2" 2>/dev/null && pwd) || { echo "mkinitramfs: no kernel directory $2 (make kernels)" >&2; exit 1; }
here=$(cd "$(dirname "$0")/../.." && pwd)
case ${VID_KO:-} in '' | /*) ;; *) VID_KO=$(pwd)/$VID_KO ;; esac
parent=$here/tools/parent
BUSYBOX=${BUSYBOX:-/bin/busybox}
CC=${CC:-gcc}

die() {
    echo "mkinitramfs: $*" >&2
    exit 1
}
. "$here/tools/build/modules.sh"

# The one VERSION directory under KDIR/modules: mdir, kver.
modules_dir "$kdir"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root
mkdir -p "$root"
cd "$root"
mkdir -p bin sbin usr/bin usr/sbin lib lib64 dev proc sys run tmp root etc/hvcore \
    var/lib/hvcore scenario data "lib/modules/$kver"
chmod 1777 tmp

# --- busybox (static) and its applets ---
install_busybox "$BUSYBOX"

# --- dynamic tools from the host, with their libraries ---
# e2fsck (busybox has none) checks the data partition before it is mounted;
# blkid (busybox-static has none) finds partitions by label and type.
copy_with_libs "$(command -v e2fsck || echo /sbin/e2fsck)" sbin/e2fsck
copy_with_libs "$(command -v blkid || echo /sbin/blkid)" sbin/blkid
ln -s e2fsck sbin/fsck.ext4
# iproute2's ip and bridge (busybox's ip has no network namespaces and no
# bridge VLANs): to look at and test the virtual switches.
copy_with_libs "$(command -v ip || echo /sbin/ip)" sbin/ip
copy_with_libs "$(command -v bridge || echo /sbin/bridge)" sbin/bridge
# e2fsck looks in /etc/mtab to refuse a mounted filesystem.
ln -s /proc/mounts etc/mtab
# A server's clock may be wrong (flat CMOS battery): do not let that stop
# the boot-time check of the data partition.
printf '[options]\n\tbroken_system_clock = 1\n' > etc/e2fsck.conf

# --- hvinfo and vidctl: static, so they need nothing from the initramfs ---
$CC -static -s -O2 -Wall -Wextra -Werror -o usr/bin/hvinfo "$parent/hvinfo.c"
$CC -std=gnu11 -static -s -O2 -Wall -Wextra -Werror -I"$here/hv/include" \
    -o usr/bin/vidctl "$parent/vidctl.c"

# --- the partition manager and the worker (built by make: PARENT_TOOLS) ---
for t in ${PARENT_TOOLS:-}; do
    case $t in /*) ;; *) t=$here/$t ;; esac
    [ -x "$t" ] || die "no $t (make hvctl vmwp kvmrun)"
    cp "$t" "usr/bin/$(basename "$t")"
done

# --- firmware for generation 1 children: Debian's SeaBIOS (QEMU build) ---
SEABIOS=${SEABIOS:-/usr/share/seabios/bios-256k.bin}
[ -f "$SEABIOS" ] || die "no $SEABIOS (Debian package seabios)"
mkdir -p usr/share/seabios
cp "$SEABIOS" usr/share/seabios/bios-256k.bin

# --- /init ---
cp "$parent/init" init
chmod 755 init

# --- kernel modules ---
modules_init
want_list "$parent/modules"
# /init loads these in this order (dependencies first).
cp "$tmp/loaded" etc/hvcore/modules
# Modules that are there for modprobe, not loaded at boot (kvm_amd for the
# KVM side of make bench, in a parent booted without the hypervisor).
if [ -f "$parent/modules-on-demand" ]; then
    want_list "$parent/modules-on-demand"
fi
# --- our own module, where depmod and modprobe look for out-of-tree ones ---
if [ -n "${VID_KO:-}" ]; then
    [ -f "$VID_KO" ] || die "no module $VID_KO (make vid)"
    # A module for another kernel would only fail at boot: refuse it here.
    objcopy -O binary --only-section=.modinfo "$VID_KO" "$tmp/modinfo" ||
        die "$VID_KO: no .modinfo section"
    vermagic=$(tr '\0' '\n' < "$tmp/modinfo" | sed -n 's/^vermagic=\([^ ]*\).*/\1/p')
    [ "$vermagic" = "$kver" ] || die "$VID_KO is built for kernel '$vermagic', not $kver"
    mkdir -p "lib/modules/$kver/extra"
    # Without its debug information, as Debian ships its own modules.
    objcopy --strip-debug "$VID_KO" "lib/modules/$kver/extra/vid.ko"
fi
# modules.builtin, modules.dep and friends, so that modprobe works in the
# parent's shell.
modules_finish "$BUSYBOX"

echo "  initramfs: kernel $kver: $(wc -l < "$tmp/loaded") modules to load," \
    "$(wc -l < "$tmp/builtin") built in${VID_KO:+, and extra/vid.ko}"
if [ -s "$tmp/missing" ]; then
    echo "  initramfs: kernel $kver lacks (neither module nor built in):" \
        "$(tr '\n' ' ' < "$tmp/missing")"
fi

# --- the archives ---
# newc header for a file without data: NAME MODE RDEVMAJOR RDEVMINOR
newc() {
    namesize=$((${#1} + 1))
    printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X' \
        "$ino" "$2" 0 0 1 0 0 0 0 "$3" "$4" "$namesize" 0
    printf '%s\0' "$1"
    # header (110 bytes) + name, padded to a multiple of 4
    pad=$(((4 - (110 + namesize) % 4) % 4))
    [ $pad -eq 0 ] || head -c $pad /dev/zero
    ino=$((ino + 1))
}
ino=1
{
    newc dev $((0040755)) 0 0
    newc dev/console $((0020600)) 5 1
    newc TRAILER!!! 0 0 0
} > "$tmp/console.cpio"
# Pad to 512 bytes as cpio(1) does, so that cpio -i can read past it too.
size=$(stat -c %s "$tmp/console.cpio")
head -c $(((512 - size % 512) % 512)) /dev/zero >> "$tmp/console.cpio"

find . -mindepth 1 | LC_ALL=C sort |
    cpio --quiet -o -H newc -R 0:0 --reproducible > "$tmp/main.cpio"
cat "$tmp/console.cpio" "$tmp/main.cpio" | gzip -9 -n > "$out.new"
mv "$out.new" "$out"
echo "  built $out ($(($(stat -c %s "$out") / 1024)) KiB)"
