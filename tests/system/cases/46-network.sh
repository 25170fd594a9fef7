#!/bin/sh
# Synthetic networking end to end (tests/system/scenarios/network.sh): hvctl's
# internal, private and external switches, VLANs and jumbo frames, with
# three stock Debian children on their own hv_netvsc.  The machine gets two
# NICs joined by a wire (--nic-pair) for the external switch.
. "$(dirname "$0")/../lib.sh"

data=$LOGDIR/$CASE.data
mkdir -p "$data"
cp "$HERE/scenarios/lib.sh" "$data/"
cp "$CHILD_KERNEL" "$data/vmlinuz"
cp "$CHILD_INITRD" "$data/initrd.img"
scenario network "$HERE/scenarios/network.sh" "$data" --smp 2 --mem 2G --nic-pair --timeout 2400
expect_status 0
expect_line '^scenario ok: hvctl switch created internal, private and external switches$'
expect_line '^scenario ok: every child NIC is an hv_netvsc interface with the MAC hvctl gave it$'
expect_line '^scenario ok: internal switch: each child pings the parent and the other'
expect_line '^scenario ok: internal switch: 1 MiB over TCP from a to b$'
expect_line '^scenario ok: internal switch: 64 MiB over TCP from a to b, checksums match'
expect_line '^scenario ok: private switch: the children reach each other, not the parent$'
expect_line '^scenario ok: VLANs: the VLAN 10 children reach each other, the VLAN 20 child reaches neither$'
expect_line '^scenario ok: MTU 9000: a 9014-byte frame goes from a to b and back unfragmented$'
expect_line '^scenario ok: external switch: a reaches the host on the other end of the physical NIC$'
expect_line '^scenario ok: hvctl switch delete removed the bridges and released the uplink$'
refute_line '^hv: PANIC'
refute_line 'netvsc.*(error|fail)'
