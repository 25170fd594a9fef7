#!/bin/sh
# A mistyped key in hv.cfg: the loader names the line and the key, starts
# nothing, and returns to the firmware, which moves on to its next boot option.
. "$(dirname "$0")/../lib.sh"

cfg=$LOGDIR/$CASE.cfg
printf '# typo below\nhypervisor=hv.elf\nkernal=vmlinuz\n' > "$cfg"
boot typo --mem 512M --cfg "$cfg" --until 'BdsDxe: failed to start Boot' --timeout 180
expect_status 0
expect_line "^hvloader: hv\.cfg line 3: unknown key 'kernal'$"
expect_line '^hvloader: boot stopped \(Invalid Parameter\); returning to the firmware$'
expect_order 'returning to the firmware' 'BdsDxe: failed to start Boot'
refute_line '^hv: '
