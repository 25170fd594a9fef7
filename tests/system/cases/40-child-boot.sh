#!/bin/sh
# Child partitions end to end: hvctl, the vmwp worker, /dev/vid and the
# hypervisor boot Debian's cloud kernel in a child with 2 VPs.
. "$(dirname "$0")/../lib.sh"

data=$LOGDIR/$CASE.data
mkdir -p "$data"
cp "$HERE/scenarios/lib.sh" "$data/"
cp "$CHILD_KERNEL" "$data/vmlinuz"
cp "$CHILD_INITRD" "$data/initrd.img"
scenario child "$HERE/scenarios/child.sh" "$data" --smp 2 --mem 2G --timeout 1500
expect_status 0
expect_line '^scenario ok: hvctl created and started child partition web$'
expect_line '^web\| child: Linux .* up: 2 CPUs online'
# Every MSR Linux reads at boot is answered (no #GP it has to survive).
refute_line '^web\| .*unchecked MSR access error'
expect_line '^scenario ok: the child booted Linux on 2 VPs and reached its shell$'
expect_line '^scenario ok: sleep 2 took [0-9.]+ s of the child.s own clock$'
expect_line '^scenario ok: hvctl list shows web running$'
expect_line '^scenario ok: pause and resume$'
expect_line '^scenario ok: the child.s shell answers through hvctl console$'
expect_line '^scenario ok: hard stop and delete$'
expect_line '^scenario ok: a child that powers itself off is off$'
