# Synthetic storage in a stock Debian child (tests/system/cases/43-storage.sh):
# disks of every format (made by hvctl, and by qemu-img on the host) as SCSI
# disks through the child's own hv_storvsc: ext4 on each, data that
# survives a stop and a start, a read-only disk, hot add and remove while
# I/O runs on the others.  The images live on the writable work disk
# (label HVWORK); the host checks them with qemu-img afterwards, against
# the checksums of the whole disks the child reports here.
. /data/lib.sh

work=/work
mkdir -p $work
for d in /dev/vd?; do
    [ "$(blkid -o value -s LABEL "$d" 2>/dev/null)" = HVWORK ] && wdev=$d
done
[ -n "${wdev:-}" ] || fail "no work disk (label HVWORK)"
mount "$wdev" $work || fail "cannot mount the work disk $wdev"

# --- the disk tools --------------------------------------------------------------
hvctl disk create $work/dyn.vhdx --size 128M || fail "disk create dyn.vhdx"
hvctl disk create $work/diff.vhd --parent $work/q-base.vhd || fail "disk create diff.vhd"
hvctl disk create $work/raw.img --size 32M || fail "disk create raw.img"
hvctl disk create $work/dyn.vhd --size 32M || fail "disk create dyn.vhd"
hvctl disk create $work/fixed.vhd --size 32M --fixed || fail "disk create fixed.vhd"
hvctl disk create $work/fixed.vhdx --size 32M --fixed || fail "disk create fixed.vhdx"
hvctl disk create $work/basex.vhdx --size 32M || fail "disk create basex.vhdx"
hvctl disk create $work/diff.vhdx --parent $work/basex.vhdx || fail "disk create diff.vhdx"
hvctl disk create $work/hot.vhdx --size 32M || fail "disk create hot.vhdx"
hvctl disk info $work/diff.vhd | sed 's/^/info: /'
hvctl disk info $work/diff.vhd | grep -q "q-base.vhd" || fail "disk info does not show the parent"
pass "hvctl disk created raw, VHD and VHDX disks (fixed, dynamic, differencing)"

# LUN: image, MiB of data the child writes to it (64 MiB on the two
# 128 MiB disks, 4 MiB on the 32 MiB ones: a nested child under TCG is
# slow).  LUN 1 is the VHD
# differencing disk on the fixed VHD qemu-img made (with a pattern the
# child must read through it); 6-8 were made by qemu-img.
set -- 0 dyn.vhdx 64  1 diff.vhd 64  2 raw.img 4  3 dyn.vhd 4  4 fixed.vhd 4 \
    5 fixed.vhdx 4  6 diff.vhdx 4  7 q-dyn.vhd 4  8 q-fixed.vhd 4  9 q.vhdx 4
disks=$*
opts=""
while [ $# -gt 0 ]; do
    opts="$opts --disk $work/$2"
    shift 3
done
# shellcheck disable=SC2086
hvctl create st --memory 512M --cpus 2 --kernel /data/vmlinuz --initrd /data/initrd.img \
    --cmdline "console=ttyS0 child.kvp=0" $opts --disk $work/q-ro.vhd,readonly ||
    fail "hvctl create with disks failed"
vm_start_and_wait st

# The device of LUN $1 (target 0 of the storvsc host), a shell function in the child.
vm_ask st fn 'lun_dev() { ls /sys/bus/scsi/devices/*:0:0:$1/block 2>/dev/null; }'
vm_ask st luns 'for l in 0 1 2 3 4 5 6 7 8 9 10; do echo "vm-check: luns $l $(lun_dev $l)"; done'
echo "$REPLY" | sed 's/^/luns: /'
for l in 0 1 2 3 4 5 6 7 8 9 10; do
    echo "$REPLY" | grep -q "^$l sd[a-z]*$" || fail "the child has no disk at LUN $l"
done
vm_ask st storvsc 'dmesg | grep -c "Attached SCSI disk" | sed "s/^/vm-check: storvsc /"'
[ "$REPLY" -ge 11 ] || fail "the child's kernel attached $REPLY SCSI disks, not 11"
pass "the child's hv_storvsc sees the 11 disks as SCSI disks"

# What the VHD differencing disk shows of its parent before anything is
# written: the pattern the host put into the parent at 100 MiB.
vm_ask st parent 'echo "vm-check: parent $(dd if=/dev/$(lun_dev 1) bs=1M skip=100 count=1 2>/dev/null | md5sum | cut -d" " -f1)"'
[ "$REPLY" = "$(cat /data/pattern.md5)" ] ||
    fail "the differencing disk reads $REPLY at 100 MiB, its parent holds $(cat /data/pattern.md5)"
pass "the differencing VHD reads its parent's data"

# The read-only disk: its data reads, a write fails.
vm_ask st ro 'd=$(lun_dev 10); echo "vm-check: ro $(dd if=/dev/$d bs=1M count=1 2>/dev/null | md5sum | cut -d" " -f1) ro=$(cat /sys/block/$d/ro) $(dd if=/dev/zero of=/dev/$d bs=4k count=1 oflag=direct 2>/dev/null && echo written || echo refused)"'
[ "$REPLY" = "$(cat /data/ro.md5) ro=1 refused" ] || fail "the read-only disk: '$REPLY'"
pass "the read-only disk reads its data and refuses writes"

# ext4 and data on every disk.
vm_ask st rand 'head -c 67108864 /dev/urandom > /tmp/rand && echo "vm-check: rand $(md5sum < /tmp/rand | cut -d" " -f1)"'
[ -n "$REPLY" ] || fail "the child could not make 64 MiB of random data"
ASK_TIMEOUT=900 vm_ask st write 'for x in '"$(echo "$disks" | awk '{for (i = 1; i <= NF; i += 3) printf "%s:%s ", $i, $(i + 2)}')"'; do l=${x%:*} mib=${x#*:}; d=$(lun_dev $l); mkfs.ext4 -q -F /dev/$d && mkdir -p /mnt/$l && mount /dev/$d /mnt/$l && head -c $((mib * 1048576)) /tmp/rand > /mnt/$l/data && sync && echo "vm-check: write $l $(md5sum < /mnt/$l/data | cut -d" " -f1)" || echo "vm-check: write $l FAILED"; done'
echo "$REPLY" | sed 's/^/written: /'
echo "$REPLY" | grep -q FAILED && fail "mkfs, mount or the write failed on a disk"
[ "$(echo "$REPLY" | wc -l)" -eq 10 ] || fail "not every disk was written"
sums1=$REPLY
pass "mkfs.ext4 and data written on every disk"

# --- hot add and remove, with I/O running on another disk ---------------------------
# The writes on LUN 0 go on until told to stop, after the hot remove; each
# one counted in /tmp/bgcount, so that the scenario can see them go on.
vm_ask st bg '(i=0; while [ ! -e /tmp/bgstop ]; do dd if=/tmp/rand of=/mnt/0/bg bs=1M count=1 conv=fsync 2>/dev/null || echo "vm-check: bgerr $i"; i=$((i + 1)); echo $i > /tmp/bgcount; done; echo vm-check: bgdone $i $(md5sum < /mnt/0/bg | cut -d" " -f1) $(head -c 1048576 /tmp/rand | md5sum | cut -d" " -f1)) &'
# bg_count: how many background writes are done.
bg_count() {
    vm_ask st "$1" 'echo "vm-check: '"$1"' $(cat /tmp/bgcount 2>/dev/null || echo 0)"'
}
bg_count bgcount0
count0=$REPLY
hvctl disk attach st $work/hot.vhdx || fail "hvctl disk attach failed"
hvctl disk list st | sed 's/^/list: /'
hvctl disk list st | grep -q "hot.vhdx" || fail "hvctl disk list does not show the new disk"
i=0
until grep -q "^vm-check: hot yes" /run/hvcore/st/console.log; do
    [ $i -lt 60 ] || fail "the child did not see the hot-added disk"
    vm_ask st "hot$i" '[ -n "$(lun_dev 11)" ] && echo "vm-check: hot yes"'
    i=$((i + 1))
    sleep 1
done
vm_ask st hotio 'd=$(lun_dev 11); dd if=/tmp/rand of=/dev/$d bs=1M count=4 oflag=direct 2>/dev/null; echo "vm-check: hotio $d $(dd if=/dev/$d bs=1M count=4 iflag=direct 2>/dev/null | md5sum | cut -d" " -f1) $(head -c 4194304 /tmp/rand | md5sum | cut -d" " -f1)"'
set -- $REPLY
[ $# -eq 3 ] && [ "$2" = "$3" ] || fail "I/O on the hot-added disk: '$REPLY'"
hotdev=$1
vm_ask st hotmsg "dmesg | grep \"\\[$hotdev\\]\" | tail -n 3 | sed 's/^/vm-check: hotmsg /'"
echo "$REPLY" | sed 's/^/dmesg: /'
pass "hvctl disk attach: the running child's kernel found the new disk ($hotdev) and uses it"

hvctl disk detach st $work/hot.vhdx || fail "hvctl disk detach failed"
i=0
until grep -q "^vm-check: gone yes" /run/hvcore/st/console.log; do
    [ $i -lt 60 ] || fail "the child still has the detached disk"
    vm_ask st "gone$i" '[ -z "$(lun_dev 11)" ] && [ ! -e /sys/block/'"$hotdev"' ] && echo "vm-check: gone yes"'
    i=$((i + 1))
    sleep 1
done
hvctl disk list st | grep -q "hot.vhdx" && fail "hvctl disk list still shows the detached disk"
# The writes went on through the hot add and remove, and go on after it.
bg_count bgcount1
count1=$REPLY
i=0
while :; do
    sleep 2
    bg_count "bgcount2$i"
    [ "$REPLY" -gt "$count1" ] && break
    i=$((i + 1))
    [ $i -lt 30 ] || { vm_dump st; vm_vmbus_state st; fail "the writes on LUN 0 stopped after the hot remove (at $count1)"; }
done
echo "hot: background writes: $count0 before the hot add, $count1 after the remove, $REPLY a little later"
[ "$count1" -gt "$count0" ] || fail "no write on LUN 0 was done during the hot add and remove"
vm_ask st bgstop 'touch /tmp/bgstop'
# Not anchored: the background job's lines may follow a prompt of the
# child's shell on the same console line (the checksums tell them from the
# echo of the command itself).
if ! wait_for /run/hvcore/st/console.log 'vm-check: bgdone [0-9]* [0-9a-f]\{32\} ' 300; then
    vm_dump st
    vm_vmbus_state st
    fail "the background writes did not end"
fi
grep -q 'vm-check: bgerr [0-9]' /run/hvcore/st/console.log && fail "a write on LUN 0 failed during hot add/remove"
set -- $(sed -n 's/.*vm-check: bgdone [0-9]* \([0-9a-f]\{32\} \)/\1/p' /run/hvcore/st/console.log | tr -d '\r')
[ $# -eq 2 ] && [ "$1" = "$2" ] || fail "the file LUN 0's background writes made is not what they wrote"
pass "hvctl disk detach: the child's kernel removed the disk; I/O on LUN 0 went on throughout"

# --- stop, start, the same data ------------------------------------------------------
hvctl stop st 2> /tmp/stop.err || fail "hvctl stop st failed: $(cat /tmp/stop.err)"
vm_start_and_wait st
vm_ask st fn2 'lun_dev() { ls /sys/bus/scsi/devices/*:0:0:$1/block 2>/dev/null; }'
ASK_TIMEOUT=900 vm_ask st read 'for l in 0 1 2 3 4 5 6 7 8 9; do d=$(lun_dev $l); mkdir -p /mnt/$l && mount /dev/$d /mnt/$l && echo "vm-check: read $l $(md5sum < /mnt/$l/data | cut -d" " -f1)" || echo "vm-check: read $l FAILED"; done'
[ "$REPLY" = "$sums1" ] || { echo "$REPLY" | sed 's/^/read: /'; fail "the data read after a restart differs"; }
pass "after hvctl stop and start every disk holds the same data (10 checksums match)"

# The whole of each disk as the guest sees it, for the host's qemu-img
# (which reads no differencing image: LUNs 1 and 6 are left out).
ASK_TIMEOUT=900 vm_ask st whole 'for l in 0 1 2 3 4 5 6 7 8 9; do umount /mnt/$l; [ $l = 1 ] || [ $l = 6 ] || echo "vm-check: whole $l $(md5sum < /dev/$(lun_dev $l) | cut -d" " -f1)"; done'
echo "$REPLY" | sed 's/^/disk-md5: /'
hvctl stop st 2> /tmp/stop.err || fail "hvctl stop st failed: $(cat /tmp/stop.err)"
hvctl disk list st | sed 's/^/list: /'
umount $work || fail "cannot unmount the work disk"
pass "the child's disks are checksummed whole and the work disk is unmounted"
