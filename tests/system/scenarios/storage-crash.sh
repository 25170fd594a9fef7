# Crash consistency of a dynamic VHDX (tests/system/cases/44-storage-crash.sh):
# a test child (tests/guest, hvtest=storwrite) writes numbered 64 KiB
# blocks to its disk, each flushed (SYNCHRONIZE CACHE: the worker flushes
# the image) before it says so on its console; the worker is killed with
# SIGKILL at a random point; ROUNDS times, the child started again each
# round with round=K on its command line.  After each kill the image is
# copied aside with what the child had reported flushed, for the host to
# check with qemu-img.
. /data/lib.sh

rounds=$(cat /data/rounds)
work=/work
log=/run/hvcore/cr/console.log
cr=$(printf '\r')
mkdir -p $work
for d in /dev/vd?; do
    [ "$(blkid -o value -s LABEL "$d" 2>/dev/null)" = HVWORK ] && wdev=$d
done
[ -n "${wdev:-}" ] || fail "no work disk (label HVWORK)"
mount "$wdev" $work || fail "cannot mount the work disk $wdev"

# The child's last lines and the worker's state, for a round that went wrong.
round_dump() {
    tr -d '\r' < $log 2>/dev/null | tail -n 5 | sed 's/^/cr| /'
    vm_dump cr
}

hvctl disk create $work/crash.vhdx --size 64M || fail "disk create crash.vhdx"
hvctl create cr --memory 64M --cpus 1 --kernel /data/hvtest.bzimage \
    --cmdline "hvtest=storwrite round=1" --disk $work/crash.vhdx || fail "hvctl create cr"

k=1
while [ $k -le "$rounds" ]; do
    hvctl set cr --cmdline "hvtest=storwrite round=$k" || fail "round $k: hvctl set cr"
    # The worker appends: only this round's lines in the log.
    rm -f $log
    hvctl start cr || fail "round $k: hvctl start cr failed: $(cat /run/hvcore/cr/vmwp.log)"
    # Kill after 3 to 40 flushed writes, at a random moment within one.
    # The line must be whole (CR LF: a line the kill cut short could name
    # another write) and not anchored (nothing else is on the console,
    # but nothing need be).
    n=$((3 + $(od -An -N1 -tu1 /dev/urandom) % 38))
    end=$(($(date +%s) + 300))
    until grep -q "storwrite flushed $k $n$cr" $log 2>/dev/null; do
        if grep -q 'storwrite FAIL' $log 2>/dev/null; then
            round_dump
            fail "round $k: the child's request failed: $(grep 'storwrite FAIL' $log | tr -d '\r')"
        fi
        [ "$(date +%s)" -lt $end ] || { round_dump; fail "round $k: the child did not flush $n writes"; }
        usleep 20000
        progress
    done
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
    # The last whole line: the worker may have died with the next one half
    # written to the log, or with one that the child wrote still in its
    # buffer (a write reported flushed but not logged is then not checked).
    last=$(sed -n "s/.*storwrite flushed $k \([0-9][0-9]*\)$cr\$/\1/p" $log | tail -n 1)
    [ -n "$last" ] && [ "$last" -ge "$n" ] || fail "round $k: no flushed write $n in the log (last: '$last')"
    # The image opens again (our own check: a log replayed, the metadata valid)...
    hvctl disk info $work/crash.vhdx > /tmp/info 2>&1 || { cat /tmp/info; fail "round $k: the image does not open"; }
    cp $work/crash.vhdx $work/crash-$k.vhdx || fail "round $k: cannot copy the image"
    echo "$last" > $work/crash-$k.flushed
    echo "crash: round $k: killed after write $last was flushed"
    k=$((k + 1))
done
umount $work || fail "cannot unmount the work disk"
pass "the worker was killed $rounds times during the child's writes; each image opens again"
