#!/bin/sh
# hv.cfg names a kernel that is not on the stick: the loader says which file
# and which key, releases what it loaded, and returns to the firmware.
. "$(dirname "$0")/../lib.sh"

boot missing-kernel --mem 512M --rm-file vmlinuz --until 'BdsDxe: failed to start Boot' \
    --timeout 180
expect_status 0
expect_line '^hvloader: hypervisor hv\.elf at 0x'
expect_line '^hvloader: cannot open \\EFI\\BOOT\\vmlinuz \(kernel= in hv\.cfg\): Not Found$'
expect_line 'returning to the firmware$'
refute_line '^hvloader: starting the hypervisor'
refute_line '^hv: '
