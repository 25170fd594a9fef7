#!/bin/sh
# A hostile storvsc (tests/guest hvtest=storvsc) against the worker's
# storvsp, in a test child with a small raw disk; then the parent and the
# worker are still fine (tests/system/scenarios/storvsc-hostile.sh).
. "$(dirname "$0")/../lib.sh"

data=$LOGDIR/$CASE.data
rm -rf "$data"
mkdir -p "$data"
cp "$HERE/scenarios/lib.sh" "$data/"
cp "$GUEST_IMAGE" "$data/hvtest.bzimage"
scenario storvsc "$HERE/scenarios/storvsc-hostile.sh" "$data" --smp 2 --mem 1G --timeout 600
expect_status 0
expect_line '^st\| hvtest: storvsc PASS: [0-9]+ checks$'
expect_line '^scenario ok: a hostile storvsc child gets the answers storvsp is written to give$'
expect_line '^scenario ok: the child powered off, its worker exited cleanly, hvctl list works and the disk opens$'
refute_line '^hv: PANIC'
