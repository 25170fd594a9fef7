#!/bin/sh
# Partitions side by side on a 2-CPU parent: two Linux children at once,
# a test child probing memory outside its RAM, a child that triple-faults,
# a worker killed with SIGKILL (tests/system/scenarios/partitions.sh).
. "$(dirname "$0")/../lib.sh"

data=$LOGDIR/$CASE.data
mkdir -p "$data"
cp "$HERE/scenarios/lib.sh" "$data/"
cp "$CHILD_KERNEL" "$data/vmlinuz"
cp "$CHILD_INITRD" "$data/initrd.img"
cp "$GUEST_IMAGE" "$data/hvtest.bzimage"
scenario partitions "$HERE/scenarios/partitions.sh" "$data" --smp 2 --mem 2G --timeout 2400
expect_status 0
expect_line '^scenario ok: two children run at the same time on a 2-CPU parent$'
expect_line '^probe\| hvtest: probe PASS'
expect_line '^scenario ok: a child reads all-ones outside its RAM'
expect_line '^scenario ok: a child that triple-faults is crashed in hvctl list; the others run on$'
expect_line '^scenario ok: stopping one child leaves the other running$'
expect_line '^scenario ok: SIGKILL of a worker frees its partition'
refute_line '^hv: PANIC'
