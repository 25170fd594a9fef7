#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# fetch-headers.sh KDIR DESTDIR
#
# Fetch the Debian kernel headers that match the kernel tools/build/
# fetch-kernel.sh unpacked into KDIR (KDIR/VERSION: "PACKAGE VERSION", e.g.
# "linux-image-6.1.0-56-amd64 6.1.192-2"), so that out-of-tree modules
# (drivers/vid) build against exactly the parent's kernel:
#
#   make -C DESTDIR/build M=/abs/module/dir modules
#
# The packages are linux-headers-RELEASE, its linux-headers-ABI-common and
# the linux-kbuild-X.Y that linux-headers-RELEASE depends on, all at the
# kernel's own version.  They are not installed: apt-get download (no root)
# and dpkg-deb -x into DESTDIR, so the host's /usr/src and /usr/lib stay
# untouched and the headers can never drift from the kernel in KDIR.  The
# packages' symlinks between themselves are relative already; the one
# absolute path is the include of the -common Makefile in the flavour's
# Makefile, which is rewritten to be relative to wherever DESTDIR lives.
#
# Cached: nothing is downloaded when DESTDIR/VERSION equals KDIR/VERSION (a
# new kernel, `make kernels KERNEL_REFRESH=1`, fetches new headers).  The
# version used is printed every time.
set -eu

[ $# -eq 2 ] || { echo "usage: fetch-headers.sh KDIR DESTDIR" >&2; exit 2; }
kdir=$1
dest=$2

[ -f "$kdir/VERSION" ] || { echo "headers: no $kdir/VERSION (make kernels)" >&2; exit 1; }
read -r image version < "$kdir/VERSION"
kver=${image#linux-image-}
[ -n "$version" ] && [ "$kver" != "$image" ] ||
    { echo "headers: cannot read $kdir/VERSION: '$image $version'" >&2; exit 1; }

if [ -f "$dest/VERSION" ] && cmp -s "$kdir/VERSION" "$dest/VERSION"; then
    # Newer than the kernel and this script, so make sees it up to date.
    touch "$dest/VERSION"
    echo "headers: using cached linux-headers-$kver $version"
    exit 0
fi

hdr=linux-headers-$kver
# linux-headers-RELEASE: Depends: linux-headers-ABI-common (= V),
# linux-kbuild-X.Y (>= V), linux-compiler-gcc-NN-x86.  The kbuild package is
# taken at V too: its scripts and host tools (modpost, fixdep) belong to the
# kernel they came with.
deps() {
    apt-cache show "$hdr=$version" 2>/dev/null | sed -n 's/^Depends: //p' | head -n1 | tr ',' '\n'
}
if [ -z "$(deps)" ]; then
    echo "headers: refreshing the package lists to find $hdr $version"
    if [ "$(id -u)" -eq 0 ]; then apt-get update -q >/dev/null; else sudo apt-get update -q >/dev/null; fi
fi
pkgs=$(deps | sed -n 's/^ *\(linux-headers-[^ ]*-common\|linux-kbuild-[0-9.]*\) .*/\1/p')
common=$(echo "$pkgs" | grep -- '-common$' || true)
[ "$(echo "$pkgs" | wc -w)" -eq 2 ] && [ -n "$common" ] || {
    echo "headers: $hdr $version is not in the package lists (Debian keeps only the" \
        "current kernel): take the current kernel with make kernels KERNEL_REFRESH=1" >&2
    exit 1
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
set -- "$hdr=$version"
for p in $pkgs; do
    set -- "$@" "$p=$version"
done
(cd "$work" && apt-get download -q "$@" >/dev/null 2>&1) ||
    (cd "$work" && apt-get download "$@")

rm -rf "$dest.new"
mkdir -p "$dest.new"
for deb in "$work"/*.deb; do
    dpkg-deb -x "$deb" "$dest.new"
done
src=$dest.new/usr/src
[ -f "$src/$hdr/Makefile" ] || { echo "headers: $hdr has no usr/src/$hdr/Makefile" >&2; exit 1; }
# lib/modules/RELEASE/{build,source} point to /usr/src: useless here.
rm -rf "$dest.new/lib"
# "include /usr/src/linux-headers-RELEASE-common/Makefile": make reads it
# relative to the directory of the Makefile including it (make -C sets the
# current directory to that), not to the host's /usr/src.
sed -i '1s|^include /usr/src/\([^/]*\)/Makefile$|include $(dir $(lastword $(MAKEFILE_LIST)))../\1/Makefile|' \
    "$src/$hdr/Makefile"
if grep -rqs '/usr/src/\|/usr/lib/linux-kbuild' "$src/$hdr/Makefile" "$src/$common/Makefile"; then
    echo "headers: absolute paths left in the headers' Makefiles" >&2
    exit 1
fi
# Other architectures' headers are never read for x86 (a fifth of the size).
[ -d "$src/$common/arch/x86" ] || { echo "headers: $common has no arch/x86" >&2; exit 1; }
for a in "$src/$common/arch"/*; do
    [ "${a##*/}" = x86 ] || rm -rf "$a"
done
uts=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' "$src/$hdr/include/generated/utsrelease.h")
[ "$uts" = "$kver" ] || { echo "headers: $hdr is for kernel '$uts', not $kver" >&2; exit 1; }
ln -s "usr/src/$hdr" "$dest.new/build"
echo "$kver" > "$dest.new/RELEASE"
cp "$kdir/VERSION" "$dest.new/VERSION"
rm -rf "$dest"
mv "$dest.new" "$dest"
echo "headers: fetched $hdr $version ($(echo "$pkgs" | tr '\n' ' ' | sed 's/ $//'))"
