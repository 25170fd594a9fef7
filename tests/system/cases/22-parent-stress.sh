#!/bin/sh
# 60 seconds of interrupt- and IPI-heavy load in the parent on every CPU.
. "$(dirname "$0")/../lib.sh"

data=$LOGDIR/$CASE.data
mkdir -p "$data"
cp "$HERE/scenarios/lib.sh" "$data/"
scenario stress "$HERE/scenarios/stress.sh" "$data" --smp 2 --mem 1G --timeout 400
# Known open bug (issue 3): about one run in five, a #VMEXIT taken while the
# parent is in user mode leaves the hypervisor at CPL 3 and the VMSAVE right
# after VMRUN faults, after the parent wrote to the hypervisor's page-table
# root.  That exact signature is reported as a TODO, not a pass; anything
# else still fails.
if [ "$STATUS" -ne 0 ] &&
    grep -q '^hv: PANIC: CPU exception #GP general protection (vector 13)' "$LOG" &&
    off=$(sed -n 's/^hv:   #0 0x[0-9a-f]* *hv\.elf+\(0x[0-9a-f]*\) (faulting instruction)$/\1/p' "$LOG") &&
    [ -n "$off" ] && addr2line -f -e "$HV_ELF" "$off" | grep -qx svm_run; then
    echo "KNOWN BUG [$CASE]: #GP in svm_run after a #VMEXIT from parent user mode (issue 3, open)"
    exit 77
fi
expect_status 0
expect_line '^scenario ok: no lockup, stall or warning in dmesg$'
expect_line '^scenario ok: timer \(LOC\), rescheduling \(RES\) and function-call \(CAL\) IPIs on every CPU$'
