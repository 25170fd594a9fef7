#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# mkimage.sh OUTPUT LOADER HV CFG [KERNEL [INITRD]]
#
# Build the bootable disk image a user writes to a USB stick: a GPT disk with
#  1. an EFI system partition (FAT32, at 1 MiB, ESP_MIB big, default 256)
#     holding, in \EFI\BOOT\ (the path firmware boots from removable media):
#       BOOTX64.EFI  the loader        hv.elf   the hypervisor
#       hv.cfg       the configuration vmlinuz  the parent kernel (optional)
#       initrd.img   the parent initramfs (optional)
#  2. the parent partition's persistent data partition right behind it:
#     ext4 labelled HVDATA, GPT name "hvcore data", DATA_MIB big (default
#     256; 0 leaves it out), seeded with vms/, disks/ and a README.  The
#     parent's /init mounts it at /var/lib/hvcore.
# No root, no loop devices: each partition is made as a file (mkfs.fat and
# mtools, mkfs.ext4 -d), then placed into the disk with dd.
set -eu

out=$1 loader=$2 hv=$3 cfg=$4 kernel=${5:-} initrd=${6:-}
ESP_MIB=${ESP_MIB:-256}
ESP_START_MIB=1 # tests/system/qemu-boot relies on this offset
DATA_MIB=${DATA_MIB:-256}
DATA_START_MIB=$((ESP_START_MIB + ESP_MIB))
case $DATA_MIB in
'' | *[!0-9]*) echo "mkimage: DATA_MIB=$DATA_MIB is not a number of MiB" >&2; exit 2 ;;
esac
if [ "$DATA_MIB" -ne 0 ] && [ "$DATA_MIB" -lt 8 ]; then
    echo "mkimage: DATA_MIB=$DATA_MIB is too small for ext4 with a journal (8 at least)" >&2
    exit 2
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

esp="$tmp/esp.img"
truncate -s "${ESP_MIB}M" "$esp"
mkfs.fat -F 32 -n HVBOOT "$esp" >/dev/null
mmd -i "$esp" ::/EFI ::/EFI/BOOT
mcopy -i "$esp" "$loader" ::/EFI/BOOT/BOOTX64.EFI
mcopy -i "$esp" "$hv" ::/EFI/BOOT/hv.elf
mcopy -i "$esp" "$cfg" ::/EFI/BOOT/hv.cfg
[ -z "$kernel" ] || mcopy -i "$esp" "$kernel" ::/EFI/BOOT/vmlinuz
[ -z "$initrd" ] || mcopy -i "$esp" "$initrd" ::/EFI/BOOT/initrd.img

data="$tmp/data.img"
if [ "$DATA_MIB" -ne 0 ]; then
    seed="$tmp/data"
    mkdir -p "$seed/vms" "$seed/disks"
    cat > "$seed/README" <<'EOT'
hvcore data partition (label HVDATA)

The hvcore parent partition mounts this filesystem at /var/lib/hvcore and
keeps what must survive a reboot here:
  vms/    child partition definitions
  disks/  child partition disk images
It is checked with e2fsck -p at every boot.  If it is missing or damaged the
parent says so on the console and keeps its state in memory only.
EOT
    truncate -s "${DATA_MIB}M" "$data"
    # 4 KiB blocks (mke2fs would pick 1 KiB for a filesystem this small, a
    # poor fit for disk images); lazy_*_init=0: the kernel must not start
    # zeroing inode tables in the background on the first boot from the stick.
    mkfs.ext4 -q -F -L HVDATA -b 4096 -i 16384 \
        -E lazy_itable_init=0,lazy_journal_init=0,root_owner=0:0 \
        -d "$seed" "$data"
    # -d copies the builder's user and group; the parent runs as root.
    for f in vms disks README; do
        printf 'set_inode_field /%s uid 0\nset_inode_field /%s gid 0\n' "$f" "$f"
    done > "$tmp/owners"
    debugfs -w -f "$tmp/owners" "$data" >/dev/null 2>&1
fi

# 1 MiB for the primary GPT in front, 1 MiB for the backup GPT behind.
total_mib=$((ESP_START_MIB + ESP_MIB + DATA_MIB + 1))
rm -f "$out.new"
truncate -s "${total_mib}M" "$out.new"
sgdisk --clear \
    --new=1:${ESP_START_MIB}M:+${ESP_MIB}M --typecode=1:ef00 --change-name=1:"EFI system partition" \
    "$out.new" >/dev/null
dd if="$esp" of="$out.new" bs=1M seek=$ESP_START_MIB conv=notrunc,sparse status=none
layout="EFI system partition at ${ESP_START_MIB} MiB"
if [ "$DATA_MIB" -ne 0 ]; then
    sgdisk --new=2:${DATA_START_MIB}M:+${DATA_MIB}M --typecode=2:8300 --change-name=2:"hvcore data" \
        "$out.new" >/dev/null
    dd if="$data" of="$out.new" bs=1M seek=$DATA_START_MIB conv=notrunc,sparse status=none
    layout="$layout, data partition HVDATA (ext4, $DATA_MIB MiB) at $DATA_START_MIB MiB"
fi
mv "$out.new" "$out"
echo "  built $out (${total_mib} MiB: GPT, $layout)"
