# Disk throughput, parent against child, in one boot (tests/bench/storage-throughput):
# diskbench (O_DIRECT) on the image file in the parent, then in a child on
# the SCSI disk that file backs (storvsp, raw format).
. /data/lib.sh

mkdir -p /work
for d in /dev/vd?; do
    [ "$(blkid -o value -s LABEL "$d" 2>/dev/null)" = HVWORK ] && wdev=$d
done
[ -n "${wdev:-}" ] || fail "no work disk (label HVWORK)"
mount "$wdev" /work || fail "cannot mount the work disk"
secs=$(cat /data/seconds)
for m in seqread seqwrite randread; do
    /data/diskbench $m /work/bench.img "$secs" | sed 's/^diskbench:/bench: parent/' ||
        fail "diskbench $m in the parent failed"
done
hvctl create sb --memory 256M --cpus 1 --kernel /data/vmlinuz --initrd /data/initrd.img \
    --cmdline "console=ttyS0 child.kvp=0" --disk /work/bench.img --disk /data/tools.img,readonly ||
    fail "hvctl create failed"
vm_start_and_wait sb
ASK_TIMEOUT=600 vm_ask sb db 'mkdir -p /t && mount -o ro /dev/$(ls /sys/bus/scsi/devices/*:0:0:1/block) /t && d=/dev/$(ls /sys/bus/scsi/devices/*:0:0:0/block) && for m in seqread seqwrite randread; do /t/diskbench $m $d '"$secs"' | sed "s/^diskbench:/vm-check: db/"; done'
echo "$REPLY" | sed 's/^/bench: child /'
[ "$(echo "$REPLY" | grep -c .)" -eq 3 ] || fail "diskbench in the child failed"
hvctl stop --turn-off sb
umount /work
pass "disk throughput measured"
