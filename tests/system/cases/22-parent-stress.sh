#!/bin/sh
# 60 seconds of interrupt- and IPI-heavy load in the parent on every CPU.
. "$(dirname "$0")/../lib.sh"

data=$LOGDIR/$CASE.data
mkdir -p "$data"
cp "$HERE/scenarios/lib.sh" "$data/"
scenario stress "$HERE/scenarios/stress.sh" "$data" --smp 2 --mem 1G --timeout 400
expect_status 0
expect_line '^scenario ok: no lockup, stall or warning in dmesg$'
expect_line '^scenario ok: timer \(LOC\), rescheduling \(RES\) and function-call \(CAL\) IPIs on every CPU$'
