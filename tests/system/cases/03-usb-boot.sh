#!/bin/sh
# Boot the image the way users do: as a USB mass-storage stick on xHCI.
. "$(dirname "$0")/../lib.sh"

boot usb-1G --usb --mem 1G --smp 2 --timeout 180 --hv-options "console=com1 stop=boot"
expect_status 0
expect_line '^BdsDxe: starting Boot[0-9A-F]+ ".*USB.*" from .*USB'
expect_line '^hv: hvcore 0\.1 starting'
expect_line '^hv: boot complete; stop=boot'
"$HERE/check-memmap" "$LOG" 1024 64 || fail "memory map does not match -m 1G"
