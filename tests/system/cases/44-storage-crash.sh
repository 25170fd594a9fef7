#!/bin/sh
# Crash consistency (tests/system/scenarios/storage-crash.sh): the worker
# of a test child (tests/guest, hvtest=storwrite) writing to a dynamic VHDX
# is killed with SIGKILL, ROUNDS times (STORAGE_CRASH_ROUNDS, 20 by
# default; the test child starts in about a second, so the 20 rounds take
# about two and a half minutes in all).  Here, after the run: qemu-img
# check of the image as each kill left it is clean, and every block the
# child had reported flushed holds what it wrote (the block being written
# at the kill may hold the old or the new data).
. "$(dirname "$0")/../lib.sh"

command -v qemu-img > /dev/null || fail "no qemu-img (make deps installs qemu-utils)"
rounds=${STORAGE_CRASH_ROUNDS:-20}
data=$LOGDIR/$CASE.data
work=$LOGDIR/$CASE.work
rm -rf "$data" "$work"
mkdir -p "$data" "$work/root"
cp "$HERE/scenarios/lib.sh" "$data/"
cp "$GUEST_IMAGE" "$data/hvtest.bzimage"
echo "$rounds" > "$data/rounds"
mkfs.ext4 -q -F -L HVWORK -d "$work/root" "$work/work.img" 3G || fail "mkfs.ext4 of the work disk"

scenario crash "$HERE/scenarios/storage-crash.sh" "$data" --smp 2 --mem 1G --timeout 1200 \
    --work-disk "$work/work.img"
expect_status 0
expect_line "^scenario ok: the worker was killed $rounds times during the child.s writes; each image opens again$"
refute_line '^hv: PANIC'

# block FILE N: block N (64 KiB) of the raw image FILE.
block() { dd if="$1" bs=64k skip="$2" count=1 2> /dev/null; }
k=1
while [ "$k" -le "$rounds" ]; do
    img=$work/crash-$k.vhdx
    debugfs -R "dump /crash-$k.vhdx $img" "$work/work.img" > /dev/null 2>&1 &&
        debugfs -R "dump /crash-$k.flushed $img.flushed" "$work/work.img" > /dev/null 2>&1 ||
        fail "round $k: no image on the work disk"
    qemu-img check -f vhdx "$img" > "$img.check" 2>&1 ||
        { cat "$img.check"; fail "round $k: qemu-img check is not clean"; }
    qemu-img convert -f vhdx -O raw "$img" "$img.raw" || fail "round $k: qemu-img cannot read it"
    last=$(cat "$img.flushed")
    # Each of the 256 blocks holds the last write of this round to it that
    # was flushed; the one after the last flushed write may have landed.
    b=0
    while [ $b -lt 256 ] && [ $b -le "$last" ]; do
        i=$((last - (last - b) % 256))
        if ! block "$img.raw" $b | cmp -s - "$(yes "$k $i" | head -c 65536 > "$work/want"; echo "$work/want")"; then
            j=$((last + 1))
            [ $((j % 256)) -eq $b ] && block "$img.raw" $b | cmp -s - "$(yes "$k $j" | head -c 65536 > "$work/want"; echo "$work/want")" ||
                fail "round $k: block $b does not hold write $i, which the child had flushed"
        fi
        b=$((b + 1))
    done
    echo "  [$CASE] round $k: qemu-img check clean; writes 0..$last present"
    rm -f "$img" "$img.raw"
    k=$((k + 1))
done
rm -rf "$work"
