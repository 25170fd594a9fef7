#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# fetch-kernel.sh FLAVOR DESTDIR
#
# Fetch Debian's current kernel of FLAVOR ("cloud-amd64" for the parent and
# enlightened children, "amd64" for legacy guests) with apt-get download and
# unpack it into DESTDIR: vmlinuz, modules/ (lib/modules/VERSION), VERSION.
# Cached: nothing is downloaded when DESTDIR/VERSION exists, unless
# KERNEL_REFRESH=1.  The version used is printed every time.
set -eu

flavor=$1
dest=$2
meta="linux-image-$flavor"

if [ -f "$dest/VERSION" ] && [ "${KERNEL_REFRESH:-0}" != 1 ]; then
    echo "kernel: $flavor: using cached $(cat "$dest/VERSION")"
    exit 0
fi

# The metapackage depends on the current ABI's image package.
resolve() {
    apt-cache depends "$meta" 2>/dev/null | sed -n "s/^ *Depends: \(linux-image-[0-9].*-$flavor\)$/\1/p" | head -n1
}
pkg=$(resolve)
if [ -z "$pkg" ]; then
    echo "kernel: refreshing the package lists to find $meta"
    if [ "$(id -u)" -eq 0 ]; then apt-get update -q >/dev/null; else sudo apt-get update -q >/dev/null; fi
    pkg=$(resolve)
fi
[ -n "$pkg" ] || { echo "kernel: cannot resolve $meta to a kernel package" >&2; exit 1; }
version=$(apt-cache policy "$pkg" | sed -n 's/^ *Candidate: //p')

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download -q "$pkg" >/dev/null 2>&1) ||
    (cd "$work" && apt-get download "$pkg")
dpkg-deb -x "$work"/*.deb "$work/root"

kver=${pkg#linux-image-}
rm -rf "$dest.new"
mkdir -p "$dest.new"
cp "$work/root/boot/vmlinuz-$kver" "$dest.new/vmlinuz"
if [ -d "$work/root/lib/modules/$kver" ]; then
    mkdir -p "$dest.new/modules"
    cp -a "$work/root/lib/modules/$kver" "$dest.new/modules/"
fi
echo "$pkg $version" > "$dest.new/VERSION"
rm -rf "$dest"
mv "$dest.new" "$dest"
echo "kernel: $flavor: fetched $(cat "$dest/VERSION")"
