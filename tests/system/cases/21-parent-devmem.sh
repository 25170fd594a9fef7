#!/bin/sh
# The parent reads and writes the hypervisor's range through /dev/mem:
# all ones, no marker, writes dropped, and everything stays up.
. "$(dirname "$0")/../lib.sh"

data=$LOGDIR/$CASE.data
mkdir -p "$data"
cp "$HERE/scenarios/lib.sh" "$data/"
cfg=$LOGDIR/$CASE.cfg
sed 's/^kernel_options=\(.*\)$/kernel_options=\1 iomem=relaxed/' "$HERE/../../tools/build/hv.cfg" > "$cfg"
scenario devmem "$HERE/scenarios/devmem.sh" "$data" --cfg "$cfg" --mem 1G --timeout 300
expect_status 0
expect_line '^scenario ok: 64 MiB at 0x[0-9a-f]+ read as all ones, no marker$'
expect_line '^scenario ok: a write into the hypervisor.s range was dropped$'
expect_line '^hv: parent VP[0-9]+: write to hypervisor memory at 0x[0-9a-f]+ dropped$'
