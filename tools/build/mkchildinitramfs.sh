#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# mkchildinitramfs.sh OUT.cpio.gz KDIR DAEMONS
#
# The initramfs of the demo and test child partition: busybox (static) and
# tools/child/init, which reports what the child sees (CPUs, memory, the
# hypervisor's CPUID signature through /proc/cpuinfo's flags) on the serial
# console, then gives a shell there, or powers off when the kernel command
# line says child.poweroff=1.
#
# The Hyper-V guest drivers named in tools/child/modules (VMBus, the
# integration services, storage, network, balloon, sockets) go in with the
# modules they depend on, taken from KDIR/modules/VERSION/ (Debian's cloud
# kernel, as tools/build/fetch-kernel.sh unpacks it), and busybox depmod's
# modules.dep and modules.alias: /init loads them as udev would, by the
# modaliases of the devices it finds, not from a list.  From DAEMONS (Debian's
# hyperv-daemons, as tools/build/fetch-hyperv-daemons.sh unpacks it):
# hv_kvp_daemon with its shared libraries and the scripts it runs.  And
# e2fsprogs' mke2fs, for ext4 on the child's disks.
# Shared with the parent's initramfs: tools/build/modules.sh.
#
# Environment: BUSYBOX (default /bin/busybox, must be static).
set -eu

[ $# -eq 3 ] || { echo "usage: mkchildinitramfs.sh OUT.cpio.gz KDIR DAEMONS" >&2; exit 2; }
case $1 in /*) out=$1 ;; *) out=$(pwd)/$1 ;; esac
kdir=$(cd "$2" 2>/dev/null && pwd) || { echo "mkchildinitramfs: no kernel directory $2 (make child)" >&2; exit 1; }
daemons=$(cd "$3" 2>/dev/null && pwd) || { echo "mkchildinitramfs: no directory $3 (tools/build/fetch-hyperv-daemons.sh)" >&2; exit 1; }
here=$(cd "$(dirname "$0")/../.." && pwd)
child=$here/tools/child
BUSYBOX=${BUSYBOX:-/bin/busybox}

die() {
    echo "mkchildinitramfs: $*" >&2
    exit 1
}
. "$here/tools/build/modules.sh"

modules_dir "$kdir"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root
mkdir -p "$root"
cd "$root"
mkdir -p bin sbin usr/bin usr/sbin dev proc sys run tmp root etc var/lib/hyperv
chmod 1777 tmp
install_busybox "$BUSYBOX"
cp "$child/init" init
chmod 755 init

# --- the Hyper-V guest drivers, for modprobe (none is built in) ---
modules_init
want_list "$child/modules"
modules_finish "$BUSYBOX"
[ -s "lib/modules/$kver/modules.alias" ] || die "depmod wrote no modules.alias"
echo "  child initramfs: kernel $kver: $(wc -l < "$tmp/loaded") modules:" \
    "$(sort "$tmp/loaded" | tr '\n' ' ')"
[ ! -s "$tmp/builtin" ] ||
    echo "  child initramfs: built into $kver: $(tr '\n' ' ' < "$tmp/builtin")"
[ ! -s "$tmp/missing" ] || die "kernel $kver lacks (neither module nor built in):" \
    "$(tr '\n' ' ' < "$tmp/missing")"

# --- mkfs.ext4 (Debian's e2fsprogs: busybox makes only ext2) ---
copy_with_libs /sbin/mke2fs sbin/mke2fs
ln -s mke2fs sbin/mkfs.ext4
[ ! -f /etc/mke2fs.conf ] || cp /etc/mke2fs.conf etc/mke2fs.conf

# --- hv_kvp_daemon (Debian's hyperv-daemons) ---
copy_with_libs "$daemons/usr/sbin/hv_kvp_daemon" usr/sbin/hv_kvp_daemon
# The scripts it runs to report a NIC's DNS servers and DHCP state are
# written for bash, with nothing busybox's sh lacks: run them with that.
if [ -d "$daemons/usr/libexec/hypervkvpd" ]; then
    mkdir -p usr/libexec/hypervkvpd
    for s in "$daemons"/usr/libexec/hypervkvpd/*; do
        sed '1s|^#!/bin/bash$|#!/bin/sh|' "$s" > "usr/libexec/hypervkvpd/${s##*/}"
        chmod 755 "usr/libexec/hypervkvpd/${s##*/}"
    done
fi
# What the daemon reports as OSName and OSMajorVersion.
cat > etc/os-release <<'EOF'
NAME="hvcore test child"
ID=hvcore-child
VERSION_ID=1
PRETTY_NAME="hvcore test child"
EOF
# Its FullyQualifiedDomainName is getaddrinfo's canonical name of the host
# name: /init writes /etc/hosts; no DNS (no network to ask).
echo 'hosts: files' > etc/nsswitch.conf

# /init ends in busybox init: a shell on the console, and poweroff and
# reboot (which signal PID 1) carried out.
cat > etc/inittab <<'EOF'
::respawn:/bin/cttyhack /bin/sh -l
::shutdown:/bin/echo child: shutting down
EOF

find . -mindepth 1 | LC_ALL=C sort |
    cpio --quiet -o -H newc -R 0:0 --reproducible | gzip -9 -n > "$out.tmp"
mv "$out.tmp" "$out"
echo "  built $out ($(($(wc -c < "$out") / 1024)) KiB)"
