#!/bin/sh
# The memory map follows QEMU's -m and hv.cfg's hv_memory: boot with 512 MiB
# and 1 GiB and a 32 MiB hypervisor; each map must account for all RAM, and
# the usable total must grow by the 512 MiB added.
. "$(dirname "$0")/../lib.sh"

cfg=$LOGDIR/$CASE.cfg
sed -e 's/^hv_memory=.*/hv_memory=32M/' -e 's/^hv_options=.*/hv_options=console=com1 stop=boot/' "$HERE/../../tools/build/hv.cfg" > "$cfg"

boot 512M --mem 512M --cfg "$cfg" --timeout 180
expect_status 0
small=$("$HERE/check-memmap" "$LOG" 512 32) || fail "512M map: $small"
echo "  $small"

boot 1G --mem 1G --cfg "$cfg" --timeout 180
expect_status 0
big=$("$HERE/check-memmap" "$LOG" 1024 32) || fail "1G map: $big"
echo "  $big"

u_small=$(echo "$small" | sed -n 's/.*usable=\([0-9]*\).*/\1/p')
u_big=$(echo "$big" | sed -n 's/.*usable=\([0-9]*\).*/\1/p')
grow=$((u_big - u_small))
# The firmware's own data grows a little with RAM (page tables, HOBs).
[ $grow -ge $((512 * 1024 - 4096)) ] && [ $grow -le $((512 * 1024)) ] ||
    fail "usable grew by $grow KiB from 512M to 1G, expected about 524288"
