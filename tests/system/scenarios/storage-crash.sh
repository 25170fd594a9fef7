# Crash consistency of a dynamic VHDX (tests/system/cases/44-storage-crash.sh):
# a child writes numbered 64 KiB blocks to its disk, each flushed (dd
# conv=fsync: SYNCHRONIZE CACHE, fsync in the worker) before it says so on
# its console; the worker is killed with SIGKILL at a random point; ROUNDS
# times.  After each kill the image is copied aside with what the child
# had reported flushed, for the host to check with qemu-img.
. /data/lib.sh

rounds=$(cat /data/rounds)
work=/work
mkdir -p $work
for d in /dev/vd?; do
    [ "$(blkid -o value -s LABEL "$d" 2>/dev/null)" = HVWORK ] && wdev=$d
done
[ -n "${wdev:-}" ] || fail "no work disk (label HVWORK)"
mount "$wdev" $work || fail "cannot mount the work disk $wdev"

hvctl disk create $work/crash.vhdx --size 64M || fail "disk create crash.vhdx"
hvctl create cr --memory 256M --cpus 1 --kernel /data/vmlinuz --initrd /data/initrd.img \
    --cmdline "console=ttyS0 child.kvp=0" --disk $work/crash.vhdx || fail "hvctl create cr"

k=1
while [ $k -le "$rounds" ]; do
    vm_start_and_wait cr
    # Block i of the round holds "k i" over and over; 256 blocks (16 MiB)
    # round and round.
    vm_ask cr "loop$k" 'd=/dev/$(ls /sys/bus/scsi/devices/*:0:0:0/block); i=0; while :; do yes "'$k' $i" | head -c 65536 | dd of=$d bs=64k seek=$((i % 256)) oflag=direct conv=fsync 2>/dev/null && echo "vm-check: flushed'$k' $i"; i=$((i + 1)); done &'
    # Kill after 3 to 40 flushed writes, at a random moment within one.
    n=$((3 + $(od -An -N1 -tu1 /dev/urandom) % 38))
    # Not anchored: a background line may follow the shell's prompt (the
    # number tells it from the echo of the command).
    wait_for /run/hvcore/cr/console.log "vm-check: flushed$k $n[^0-9]*\$" 300 ||
        fail "round $k: the child did not write $n blocks"
    usleep $(($(od -An -N2 -tu2 /dev/urandom) * 3))
    pid=$(cat /run/hvcore/cr/vmwp.pid)
    kill -9 "$pid" || fail "round $k: cannot kill the worker"
    # Gone for good: no thread left (a zombie leader may still have threads
    # leaving the hypervisor, and they hold the image's lock until then).
    i=0
    while [ -d "/proc/$pid" ] && { [ "$(ls "/proc/$pid/task" 2>/dev/null | wc -l)" -gt 1 ] ||
        ! grep -q ') Z ' "/proc/$pid/stat" 2>/dev/null; }; do
        [ $i -lt 100 ] || fail "round $k: the killed worker does not go away"
        usleep 100000
        i=$((i + 1))
    done
    i=0
    until hvctl list | grep -q '^cr  *\(off\|crashed\)'; do
        [ $i -lt 100 ] || { hvctl list; fail "round $k: the killed VM does not show as off"; }
        usleep 100000
        i=$((i + 1))
    done
    last=$(tr -d '\r' < /run/hvcore/cr/console.log | sed -n "s/.*vm-check: flushed$k \([0-9][0-9]*\)$/\1/p" | tail -n 1)
    # The image opens again (our own check: a log replayed, the metadata valid)...
    hvctl disk info $work/crash.vhdx > /tmp/info 2>&1 || { cat /tmp/info; fail "round $k: the image does not open"; }
    cp $work/crash.vhdx $work/crash-$k.vhdx || fail "round $k: cannot copy the image"
    echo "$last" > $work/crash-$k.flushed
    echo "crash: round $k: killed after write $last was flushed"
    k=$((k + 1))
done
umount $work || fail "cannot unmount the work disk"
pass "the worker was killed $rounds times during the child's writes; each image opens again"
