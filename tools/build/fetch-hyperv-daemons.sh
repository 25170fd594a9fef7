#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# fetch-hyperv-daemons.sh DESTDIR
#
# Fetch Debian's hyperv-daemons package (the guest side of the Hyper-V
# integration services: hv_kvp_daemon, hv_vss_daemon, hv_fcopy_daemon) with
# apt-get download, as fetch-kernel.sh fetches the kernels, and unpack what
# the child partition's initramfs uses into DESTDIR: usr/sbin/hv_kvp_daemon,
# usr/libexec/hypervkvpd/ (the scripts the daemon runs) and VERSION.
# Cached: nothing is downloaded when DESTDIR/VERSION exists, unless
# KERNEL_REFRESH=1 (the package is built from the kernel's sources).
set -eu

[ $# -eq 1 ] || { echo "usage: fetch-hyperv-daemons.sh DESTDIR" >&2; exit 2; }
dest=$1
pkg=hyperv-daemons

if [ -f "$dest/VERSION" ] && [ -x "$dest/usr/sbin/hv_kvp_daemon" ] &&
    [ "${KERNEL_REFRESH:-0}" != 1 ]; then
    echo "hyperv-daemons: using cached $(cat "$dest/VERSION")"
    exit 0
fi

candidate() {
    apt-cache policy "$pkg" 2>/dev/null | sed -n 's/^ *Candidate: //p' | grep -v '^(none)$' || true
}
version=$(candidate)
if [ -z "$version" ]; then
    echo "hyperv-daemons: refreshing the package lists to find $pkg"
    if [ "$(id -u)" -eq 0 ]; then apt-get update -q >/dev/null; else sudo apt-get update -q >/dev/null; fi
    version=$(candidate)
fi
[ -n "$version" ] || {
    echo "hyperv-daemons: apt knows no package $pkg (a Debian 12 system with main in its sources is needed)" >&2
    exit 1
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if ! (cd "$work" && apt-get download -q "$pkg" >/dev/null 2>&1) &&
    ! (cd "$work" && apt-get download "$pkg"); then
    echo "hyperv-daemons: cannot download $pkg $version (offline?); the child's initramfs needs its hv_kvp_daemon" >&2
    exit 1
fi
dpkg-deb -x "$work"/*.deb "$work/root"
[ -x "$work/root/usr/sbin/hv_kvp_daemon" ] || {
    echo "hyperv-daemons: $pkg $version has no /usr/sbin/hv_kvp_daemon" >&2
    exit 1
}

rm -rf "$dest.new"
mkdir -p "$dest.new/usr/sbin"
cp "$work/root/usr/sbin/hv_kvp_daemon" "$dest.new/usr/sbin/"
if [ -d "$work/root/usr/libexec/hypervkvpd" ]; then
    mkdir -p "$dest.new/usr/libexec"
    cp -a "$work/root/usr/libexec/hypervkvpd" "$dest.new/usr/libexec/"
fi
echo "$pkg $version" > "$dest.new/VERSION"
rm -rf "$dest"
mv "$dest.new" "$dest"
echo "hyperv-daemons: fetched $(cat "$dest/VERSION")"
