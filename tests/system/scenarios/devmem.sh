# Read the hypervisor's memory through /dev/mem (the parent runs with
# iomem=relaxed): every byte must read as 0xFF, the hypervisor's marker must
# not show, a write must be dropped, and the parent must stay up.
. /data/lib.sh

hv_range
pages=$((HV_SIZE / 4096))
dd if=/dev/mem of=/tmp/hv.bin bs=4096 skip=$((HV_BASE / 4096)) count=$pages 2>/tmp/dd.err ||
    fail "reading /dev/mem failed: $(cat /tmp/dd.err)"
size=$(wc -c < /tmp/hv.bin)
[ "$size" -eq "$HV_SIZE" ] || fail "read $size bytes of $HV_SIZE"
! grep -q HVCORE-PRIVATE /tmp/hv.bin || fail "the hypervisor's marker is visible to the parent"
others=$(tr -d '\377' < /tmp/hv.bin | wc -c)
[ "$others" -eq 0 ] || fail "$others bytes of the hypervisor's range are not 0xFF"
pass "$((HV_SIZE >> 20)) MiB at $(printf '0x%x' "$HV_BASE") read as all ones, no marker"

# All ones is the strong check: any byte of the hypervisor's own data would
# break it, whether or not it is the marker.
printf 'x' | dd of=/dev/mem bs=1 seek=$((HV_BASE + 4096)) conv=notrunc 2>/tmp/dd.err ||
    fail "writing /dev/mem failed: $(cat /tmp/dd.err)"
dd if=/dev/mem bs=4096 skip=$((HV_BASE / 4096 + 1)) count=1 2>/dev/null | tr -d '\377' | wc -c |
    grep -qx 0 || fail "a write into the hypervisor's range changed what the parent reads"
pass "a write into the hypervisor's range was dropped"
uptime
