#!/bin/sh
# Hyper-V enlightenments, VMBus and the integration services with a stock
# Debian cloud kernel in a child (tests/system/scenarios/vmbus.sh).
. "$(dirname "$0")/../lib.sh"

data=$LOGDIR/$CASE.data
mkdir -p "$data"
cp "$HERE/scenarios/lib.sh" "$data/"
cp "$CHILD_KERNEL" "$data/vmlinuz"
cp "$CHILD_INITRD" "$data/initrd.img"
cp "$GUEST_IMAGE" "$data/hvtest.bzimage"
scenario vmbus "$HERE/scenarios/vmbus.sh" "$data" --smp 2 --mem 2G --timeout 2400
expect_status 0
expect_line '^web\| \[ *[0-9.]+\] Hypervisor detected: Microsoft Hyper-V$'
expect_line '^scenario ok: hv_vmbus negotiated Vmbus version:5\.'
expect_line '^scenario ok: the shutdown, time sync, heartbeat and KVP channels are bound to hv_utils$'
expect_line '^scenario ok: clocksource hyperv_clocksource_tsc_page, clock event device Hyper-V clockevent$'
expect_line '^scenario ok: the child.s clock, started a day behind, reads the parent.s time'
expect_line '^scenario ok: hvctl list shows the heartbeat OK$'
expect_line '^scenario ok: hvctl kvp shows the hostname the child.s hv_kvp_daemon published$'
expect_line '^hc\| hvtest: hypercalls PASS'
expect_line '^scenario ok: a child.s hostile hypercalls get TLFS errors; the other child runs on$'
expect_line '^scenario ok: hvctl stop shut the child down through its shutdown service'
refute_line '^hv: PANIC'
