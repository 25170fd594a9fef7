#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# mkimage.sh OUTPUT LOADER HV CFG [KERNEL [INITRD]]
#
# Build the bootable disk image a user writes to a USB stick: a GPT disk with
# one EFI system partition (FAT32) holding, in \EFI\BOOT\ (the path firmware
# boots from removable media):
#   BOOTX64.EFI  the loader        hv.elf   the hypervisor
#   hv.cfg       the configuration vmlinuz  the parent kernel (optional)
#   initrd.img   the parent initramfs (optional)
# No root, no loop devices: the partition is made as a file with mkfs.fat and
# mtools, then placed into the disk with dd.
set -eu

out=$1 loader=$2 hv=$3 cfg=$4 kernel=${5:-} initrd=${6:-}
ESP_MIB=${ESP_MIB:-256}
ESP_START_MIB=1

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

# 1 MiB for the primary GPT in front, 1 MiB for the backup GPT behind.
total_mib=$((ESP_START_MIB + ESP_MIB + 1))
rm -f "$out.new"
truncate -s "${total_mib}M" "$out.new"
sgdisk --clear \
    --new=1:${ESP_START_MIB}M:+${ESP_MIB}M --typecode=1:ef00 --change-name=1:"EFI system partition" \
    "$out.new" >/dev/null
dd if="$esp" of="$out.new" bs=1M seek=$ESP_START_MIB conv=notrunc,sparse status=none
mv "$out.new" "$out"
echo "  built $out (${total_mib} MiB: GPT, EFI system partition at ${ESP_START_MIB} MiB)"
