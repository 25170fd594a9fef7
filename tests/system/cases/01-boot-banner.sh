#!/bin/sh
# OVMF -> hvloader -> hv from a SATA disk: the loader hands over, the
# hypervisor prints its banner, its modules and a memory map that accounts for
# all of the RAM QEMU was given, and ends the run reporting success.
. "$(dirname "$0")/../lib.sh"

boot disk-512M --mem 512M --smp 2 --timeout 180 --hv-options "console=com1 frobnicate=1 stop=boot"
expect_status 0
expect_line '^hvloader: hvloader 0\.1$'
expect_line '^hv: hvcore 0\.1 starting \(loaded at 0x[0-9a-f]+\)$'
expect_order '^hvloader: starting the hypervisor' '^hv: hvcore'
expect_line '^hv: ignored unknown options: frobnicate=1$'
expect_line '^hv: loaded by hvloader 0\.1; ACPI RSDP at 0x[1-9a-f][0-9a-f]*;'
kib=$(( $(stat -c %s "$KERNEL") / 1024 ))
expect_line "^hv: module parent-kernel: vmlinuz, $kib KiB at 0x[0-9a-f]+, cmdline: console=ttyS0$"
expect_line '^hv: page tables: 0-4 GiB identity-mapped'
expect_line '^hv: boot complete; stop=boot'
expect_line '^hv: exit: success$'
"$HERE/check-memmap" "$LOG" 512 64 || fail "memory map does not match -m 512M"
