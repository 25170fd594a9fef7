#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# mkgen1disk.sh OUT.img KDIR
#
# The boot disk of a generation 1 child (the emulated 440BX/PIIX4 PC with
# SeaBIOS and IDE): a raw, sparse 64 MiB image with an MBR partition table,
# GRUB for BIOS in the MBR and the gap behind it, and one ext4 partition
# (sectors 2048 to the end) holding a busybox system:
#   /boot/vmlinuz       Debian's generic kernel, from KDIR (fetch-kernel.sh)
#   /boot/initrd.img    busybox, tools/gen1/initrd-init as /init, and the
#                       modules that mount the root from /dev/sda1
#                       (tools/gen1/modules.initrd) and the others
#   /boot/grub/grub.cfg tools/gen1/grub.cfg
#   /sbin/init          busybox init: tools/gen1/inittab, tools/gen1/rcS
#   /lib/modules/VER    the same modules; rcS loads /etc/modules
#                       (tools/gen1/modules: NIC, CD-ROM, Hyper-V drivers)
#   /etc/udhcpc/default.script  tools/gen1/udhcpc.script: `udhcpc -i eth0 -q`
#                       configures the NIC from a DHCP lease
# All of it without a loop device or a mount, so that it builds anywhere as
# root (or not): mkfs.ext4 -d fills the file system at its offset in the
# image, grub-mkimage makes GRUB's core, and this script writes the MBR and
# places the core itself, as grub-bios-setup would (see install_grub).
#
# Environment: BUSYBOX (default /bin/busybox, must be static), GRUB_DIR
# (default /usr/lib/grub/i386-pc, Debian's grub-pc-bin).
set -eu

[ $# -eq 2 ] || { echo "usage: mkgen1disk.sh OUT.img KDIR" >&2; exit 2; }
case $1 in /*) out=$1 ;; *) out=$(pwd)/$1 ;; esac
kdir=$(cd "$2" 2>/dev/null && pwd) || { echo "mkgen1disk: no kernel directory $2 (make kernels)" >&2; exit 1; }
here=$(cd "$(dirname "$0")/../.." && pwd)
gen1=$here/tools/gen1
BUSYBOX=${BUSYBOX:-/bin/busybox}
GRUB_DIR=${GRUB_DIR:-/usr/lib/grub/i386-pc}

# The disk: 64 MiB; the partition starts at 1 MiB, as partitioning tools
# align it, which leaves sectors 1-2047 (almost 1 MiB) for GRUB's core.
DISK_MIB=64
PART_START=2048
DISK_SECTORS=$((DISK_MIB * 2048))
PART_SECTORS=$((DISK_SECTORS - PART_START))
# Fixed identities, so that every build names the same disk: the MBR's disk
# signature ("GEN1"; Linux's PARTUUID=47454e31-01) and the file system's UUID.
DISK_SIG=0x314e4547
FS_UUID=6e1c0a5e-9e41-4c3b-8f0d-6765d31d15c5

die() {
    echo "mkgen1disk: $*" >&2
    exit 1
}
. "$here/tools/build/modules.sh"

for tool in mkfs.ext4 grub-mkimage cpio gzip; do
    command -v "$tool" >/dev/null || die "no $tool (make deps)"
done
[ -f "$GRUB_DIR/boot.img" ] || die "no $GRUB_DIR/boot.img (make deps installs grub-pc-bin)"
[ -f "$kdir/vmlinuz" ] || die "no $kdir/vmlinuz (make kernels)"
modules_dir "$kdir"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# --- the modules, with what they depend on, once for both trees ---
mkdir "$tmp/mods"
cd "$tmp/mods"
modules_init
want_list "$gen1/modules.initrd"
want_list "$gen1/modules"
modules_finish "$BUSYBOX"
[ ! -s "$tmp/missing" ] || die "kernel $kver lacks (neither module nor built in):" \
    "$(tr '\n' ' ' < "$tmp/missing")"
echo "  gen1 disk: kernel $kver: $(wc -l < "$tmp/loaded") modules:" \
    "$(sort "$tmp/loaded" | tr '\n' ' ')"

# --- the initramfs: busybox, /init, the modules, /conf/modules (what /init
# loads, as in Debian's initramfs-tools) ---
mkdir "$tmp/initrd"
cd "$tmp/initrd"
mkdir -p bin sbin usr/bin usr/sbin dev proc sys root conf
install_busybox "$BUSYBOX"
cp "$gen1/initrd-init" init
chmod 755 init
cp "$gen1/modules.initrd" conf/modules
cp -R "$tmp/mods/lib" .

# --- the root file system ---
root=$tmp/root
mkdir "$root"
cd "$root"
mkdir -p bin sbin usr/bin usr/sbin lib etc/init.d dev proc sys run tmp root mnt \
    boot/grub etc/udhcpc
chmod 1777 tmp
chmod 700 root
install_busybox "$BUSYBOX"
ln -s /bin/busybox sbin/init
cp -R "$tmp/mods/lib/modules" lib/
cp "$gen1/inittab" "$gen1/profile" etc/
cp "$gen1/modules" etc/modules
cp "$gen1/rcS" etc/init.d/rcS
cp "$gen1/udhcpc.script" etc/udhcpc/default.script
chmod 755 etc/init.d/rcS etc/udhcpc/default.script
printf 'root:x:0:0:root:/root:/bin/sh\n' > etc/passwd
printf 'root:x:0:\n' > etc/group
cp "$kdir/vmlinuz" boot/vmlinuz
cp "$gen1/grub.cfg" boot/grub/grub.cfg
(cd "$tmp/initrd" && find . -mindepth 1 | LC_ALL=C sort |
    cpio --quiet -o -H newc -R 0:0 --reproducible | gzip -9 -n) > boot/initrd.img
echo "  gen1 disk: initramfs $(($(wc -c < boot/initrd.img) / 1024)) KiB"

# --- the image: a sparse file, the file system written at the partition's
# offset (mke2fs -E offset=), no discard (a new sparse file has nothing to
# discard; the MBR and GRUB are written afterwards).  4 KiB blocks and
# an inode every 16 KiB, as for a larger disk: the defaults for one this
# small (1 KiB blocks, an inode every 4 KiB) are a rarer case for GRUB and
# Linux, and only spend space.
img=$out.tmp
rm -f "$img"
: > "$img"
dd if=/dev/zero of="$img" bs=512 count=0 seek="$DISK_SECTORS" 2>/dev/null
mkfs.ext4 -q -F -b 4096 -i 16384 -L gen1root -U "$FS_UUID" \
    -E "offset=$((PART_START * 512)),nodiscard,root_owner=0:0" \
    -d "$root" "$img" $((PART_SECTORS / 8)) || die "mkfs.ext4 failed"

# le VALUE BYTES: VALUE as BYTES bytes, little-endian, on stdout.
le() {
    v=$1 n=$2
    while [ "$n" -gt 0 ]; do
        # shellcheck disable=SC2059 # an octal escape is the point
        printf "\\$(printf '%03o' $((v & 255)))"
        v=$((v >> 8))
        n=$((n - 1))
    done
}
# poke OFFSET: stdin into the image at byte OFFSET.
poke() {
    dd of="$img" bs=1 seek="$1" conv=notrunc 2>/dev/null
}
# chs LBA: the 3-byte CHS address of sector LBA in a partition entry
# (head, sector | cylinder bits 9-8 << 6, cylinder bits 7-0), in the
# 255-head, 63-sector geometry BIOSes report for LBA disks; beyond
# cylinder 1023, 1023/254/63 as fdisk writes.  SeaBIOS, GRUB and Linux go
# by the LBA fields; some old code reads these.
chs() {
    c=$(($1 / (255 * 63)))
    h=$((($1 / 63) % 255))
    s=$(($1 % 63 + 1))
    [ $c -le 1023 ] || { c=1023 h=254 s=63; }
    le $h 1
    le $(((s & 63) | ((c >> 2) & 192))) 1
    le $((c & 255)) 1
}

# --- the MBR's partition table: the disk signature at 0x1B8, the one
# entry at 0x1BE (active, type 0x83 Linux, CHS start, CHS end, LBA start,
# sector count), the other three empty, and the boot signature 0x55AA at
# 0x1FE.
{
    le $DISK_SIG 4
    le 0 2
    le 0x80 1
    chs $PART_START
    le 0x83 1
    chs $((DISK_SECTORS - 1))
    le $PART_START 4
    le $PART_SECTORS 4
    le 0 48
    le 0xaa55 2
} | poke 440

# --- GRUB ---
# core.img: diskboot.img (its first sector, which reads the rest) and the
# LZMA-packed kernel with the modules it needs to read its configuration
# from (hd0,msdos1)/boot/grub and boot Linux without loading any more
# modules: the prefix names the partition, so no search is needed and
# /boot/grub needs no i386-pc/ module directory.
grub-mkimage -O i386-pc -d "$GRUB_DIR" -o "$tmp/core.img" -p '(hd0,msdos1)/boot/grub' \
    biosdisk part_msdos ext2 normal configfile linux serial terminal echo test ||
    die "grub-mkimage failed"

# install_grub: what grub-bios-setup (GRUB 2.06 util/setup.c, with
# --no-rs-codes) does to a disk with an MBR partition table.  It cannot do
# it here: it insists on finding the disk that holds its -d directory
# among its devices, which an image file's never is.
#  1. The MBR is boot.img except bytes 0x03-0x59 (a DOS BPB: the disk's
#     own are kept, here zeros) and 0x1B8-0x1FD (disk signature and
#     partition table: the disk's own).
#  2. In it: 0x5C, 8 bytes: kernel_sector, the LBA of core.img's first
#     sector (1, right after the MBR); 0x64: boot_drive 0xFF (use the drive
#     the BIOS passes in DL); 0x66: the 2-byte "jmp" that skips the check
#     of DL for a hard disk's 0x80-0x8F becomes two NOPs (0x90), which
#     grub-bios-setup does for every disk that is not a floppy, for BIOSes
#     that pass a wrong DL.
#  3. core.img, padded to whole sectors, at sectors 1 to N (in the gap
#     before the partition).
#  4. In core.img's first sector (diskboot.img), the block list that ends
#     at its byte 0x1FF and grows downwards, 12 bytes an entry (8: LBA,
#     2: sectors, 2: real-mode segment to load at): one entry at 0x1F4
#     for the rest of the core {LBA 2, N - 1 sectors, segment 0x820
#     (0x8000, where diskboot.img loaded the first, + 512)}, then an
#     all-zero terminator at 0x1E8.  No Reed-Solomon codes (the kernel's
#     redundancy field stays 0): they only repair a damaged gap.
install_grub() {
    core_sectors=$((($(wc -c < "$tmp/core.img") + 511) / 512))
    [ $((1 + core_sectors)) -le $PART_START ] ||
        die "core.img ($core_sectors sectors) does not fit before sector $PART_START"
    boot=$GRUB_DIR/boot.img
    # 1.
    dd if="$boot" bs=1 count=3 2>/dev/null | poke 0
    dd if="$boot" bs=1 skip=$((0x5a)) count=$((0x1b8 - 0x5a)) 2>/dev/null | poke $((0x5a))
    # 2.
    { le 1 8; le 0xff 1; } | poke $((0x5c))
    le 0x9090 2 | poke $((0x66))
    # 3.
    dd if="$tmp/core.img" of="$img" bs=512 seek=1 conv=notrunc,sync 2>/dev/null
    # 4.
    { le 0 12; le 2 8; le $((core_sectors - 1)) 2; le 0x820 2; } | poke $((512 + 0x1e8))
    echo "  gen1 disk: GRUB core.img: sectors 1-$core_sectors"
}
install_grub

mv "$img" "$out"
echo "  built $out ($DISK_MIB MiB, $(du -k "$out" | cut -f1) KiB used):" \
    "partition 1 ext4 at sector $PART_START"
