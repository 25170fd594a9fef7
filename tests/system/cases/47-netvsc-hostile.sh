#!/bin/sh
# A hostile netvsc (tests/guest hvtest=netvsc) against the worker's netvsp,
# in a test child with a NIC on an internal switch; then the parent and the
# worker are still fine (tests/system/scenarios/netvsc-hostile.sh).
. "$(dirname "$0")/../lib.sh"

data=$LOGDIR/$CASE.data
rm -rf "$data"
mkdir -p "$data"
cp "$HERE/scenarios/lib.sh" "$data/"
cp "$GUEST_IMAGE" "$data/hvtest.bzimage"
scenario netvsc "$HERE/scenarios/netvsc-hostile.sh" "$data" --smp 2 --mem 1G --timeout 600
expect_status 0
expect_line '^nt\| hvtest: netvsc PASS: [0-9]+ checks, [0-9]+ frames sent$'
expect_line '^scenario ok: a hostile netvsc child gets the answers netvsp is written to give$'
expect_line '^scenario ok: the child powered off, its worker exited cleanly and counted the [0-9]+ frames it sent$'
expect_line '^scenario ok: hvctl list works; the child and its switch are deleted$'
refute_line '^hv: PANIC'
