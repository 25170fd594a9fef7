#!/bin/sh
# The parent partition on 2 and on 4 CPUs with 2 GiB: every CPU online, our
# CPUID signature, no SVM, and no usable RAM over the hypervisor.
. "$(dirname "$0")/../lib.sh"

data=$LOGDIR/$CASE.data
mkdir -p "$data"
cp "$HERE/scenarios/lib.sh" "$data/"
for smp in 2 4; do
    echo "$smp" > "$data/cpus"
    scenario smp$smp "$HERE/scenarios/parent-basics.sh" "$data" --smp $smp --mem 2G --timeout 400
    expect_status 0
    expect_line "^hv: $smp of $smp CPUs online with AMD-V"
    expect_line '^scenario ok: CPUID 0x40000000 signature hvcorehvcore$'
    expect_line '^scenario ok: e820: no usable RAM'
    expect_line '^scenario ok: MSRs: EFER without SVME, VM_CR disabled, HSAVE and SVME writes refused$'
    expect_line '^scenario ok: a hypercall from user space is refused with #UD$'
done
