#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# mkgen1iso.sh OUT.iso
#
# The CD-ROM of the generation 1 child's tests: an ISO 9660 image (with
# Rock Ridge and Joliet names, volume id GEN1TEST) holding
#   data.bin  512000 bytes of text: 25600 lines of 20 bytes, each its own
#             number and a pseudo-random one, so a sector read from the
#             wrong place shows (no two sectors are alike)
#   data.md5  md5sum's line for it ("HASH  data.bin")
# The test mounts /dev/sr0 and runs: cd /mnt && md5sum -c data.md5
# The same bytes every build: the data is computed, the files' and the
# directory's times are set, and xorriso takes the volume's times and ids
# from SOURCE_DATE_EPOCH.
set -eu

[ $# -eq 1 ] || { echo "usage: mkgen1iso.sh OUT.iso" >&2; exit 2; }
out=$1
command -v xorriso >/dev/null || { echo "mkgen1iso: no xorriso (make deps)" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/cd"
# A linear congruential generator (glibc's constants) kept below 2^31, so
# that any awk's double-precision arithmetic computes it exactly.
awk 'BEGIN {
    x = 1
    for (i = 0; i < 25600; i++) {
        x = (x * 1103515245 + 12345) % 2147483648
        printf "%08d %010d\n", i, x
    }
}' > "$tmp/cd/data.bin"
(cd "$tmp/cd" && md5sum data.bin > data.md5)
touch -d @1700000000 "$tmp/cd/data.bin" "$tmp/cd/data.md5" "$tmp/cd"

SOURCE_DATE_EPOCH=1700000000 xorriso -as mkisofs -quiet -R -J -V GEN1TEST \
    -o "$out.tmp" "$tmp/cd"
mv "$out.tmp" "$out"
echo "  built $out ($(($(wc -c < "$out") / 1024)) KiB): data.bin md5 $(cut -d' ' -f1 "$tmp/cd/data.md5")"
