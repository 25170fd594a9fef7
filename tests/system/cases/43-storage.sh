#!/bin/sh
# Synthetic storage end to end (tests/system/scenarios/storage.sh): hvctl's
# disk tools, storvsp and the disk formats under a stock Debian child's
# hv_storvsc, and qemu-img interoperability both ways: qemu-img makes some
# of the child's disks, and checks (qemu-img check) and reads (qemu-img
# convert) the ones the child wrote, which must hold, byte for byte, what
# the child saw on them (its checksum of each whole disk).
. "$(dirname "$0")/../lib.sh"

command -v qemu-img > /dev/null || fail "no qemu-img (make deps installs qemu-utils)"
command -v debugfs > /dev/null || fail "no debugfs (make deps installs e2fsprogs)"
data=$LOGDIR/$CASE.data
work=$LOGDIR/$CASE.work
rm -rf "$data" "$work"
mkdir -p "$data" "$work/root" "$work/out"
cp "$HERE/scenarios/lib.sh" "$data/"
cp "$CHILD_KERNEL" "$data/vmlinuz"
cp "$CHILD_INITRD" "$data/initrd.img"

# What qemu-img makes: VHDs dynamic and fixed and a VHDX, as it creates them
# by default; a fixed VHD with a 1 MiB pattern at 100 MiB (the parent of a
# differencing disk hvctl makes); a dynamic VHD with data, attached read-only.
md5() { md5sum | cut -d' ' -f1; }
qemu-img create -q -f vpc -o subformat=dynamic "$work/root/q-dyn.vhd" 32M || fail "qemu-img create"
qemu-img create -q -f vpc -o subformat=fixed "$work/root/q-fixed.vhd" 32M || fail "qemu-img create"
qemu-img create -q -f vhdx "$work/root/q.vhdx" 32M || fail "qemu-img create"
head -c 1M /dev/urandom > "$work/pattern"
md5 < "$work/pattern" > "$data/pattern.md5"
truncate -s 128M "$work/base.raw"
dd if="$work/pattern" of="$work/base.raw" bs=1M seek=100 conv=notrunc 2> /dev/null
qemu-img convert -f raw -O vpc -o subformat=fixed,force_size=on "$work/base.raw" \
    "$work/root/q-base.vhd" || fail "qemu-img convert"
head -c 1M /dev/urandom > "$work/ro.raw"
md5 < "$work/ro.raw" > "$data/ro.md5"
truncate -s 16M "$work/ro.raw"
qemu-img convert -f raw -O vpc -o subformat=dynamic "$work/ro.raw" "$work/root/q-ro.vhd" ||
    fail "qemu-img convert"
rm -f "$work/ro.raw" "$work/base.raw"
# The scratch space the parent keeps the images on, writable.
mkfs.ext4 -q -F -L HVWORK -d "$work/root" "$work/work.img" 2G || fail "mkfs.ext4 of the work disk"
rm -rf "$work/root"

scenario storage "$HERE/scenarios/storage.sh" "$data" --smp 2 --mem 2G --timeout 2400 \
    --work-disk "$work/work.img"
expect_status 0
expect_line '^scenario ok: hvctl disk created raw, VHD and VHDX disks \(fixed, dynamic, differencing\)$'
expect_line '^scenario ok: the child.s hv_storvsc sees the 11 disks as SCSI disks$'
expect_line '^scenario ok: the differencing VHD reads its parent.s data$'
expect_line '^scenario ok: the read-only disk reads its data and refuses writes$'
expect_line '^scenario ok: mkfs.ext4 and data written on every disk$'
expect_line '^scenario ok: hvctl disk attach: the running child.s kernel found the new disk'
expect_line '^scenario ok: hvctl disk detach: the child.s kernel removed the disk; I/O on LUN 0 went on throughout$'
expect_line '^scenario ok: after hvctl stop and start every disk holds the same data \(10 checksums match\)$'
expect_line '^scenario ok: the child.s disks are checksummed whole and the work disk is unmounted$'
refute_line '^hv: PANIC'

# qemu-img reads what the child wrote.  (qemu-img reads neither differencing
# VHD nor differencing VHDX: LUNs 1 and 6 are checked by the child only.)
for x in 0:dyn.vhdx:vhdx 2:raw.img:raw 3:dyn.vhd:vpc 4:fixed.vhd:vpc 5:fixed.vhdx:vhdx \
    7:q-dyn.vhd:vpc 8:q-fixed.vhd:vpc 9:q.vhdx:vhdx; do
    lun=${x%%:*} rest=${x#*:}
    file=${rest%%:*} fmt=${rest#*:}
    debugfs -R "dump /$file $work/out/$file" "$work/work.img" > /dev/null 2>&1 ||
        fail "cannot take $file off the work disk"
    if [ "$fmt" = vhdx ]; then
        qemu-img check -f vhdx "$work/out/$file" > "$work/out/$file.check" 2>&1 ||
            { cat "$work/out/$file.check"; fail "qemu-img check $file: not clean"; }
    fi
    qemu-img convert -f "$fmt" -O raw "$work/out/$file" "$work/out/$file.raw" ||
        fail "qemu-img cannot read $file"
    want=$(sed -n "s/^disk-md5: $lun //p" "$LOG")
    got=$(md5 < "$work/out/$file.raw")
    [ -n "$want" ] && [ "$want" = "$got" ] ||
        fail "qemu-img reads $file (LUN $lun) as $got, the child saw ${want:-nothing}"
    echo "  [$CASE] qemu-img reads $file as the child saw it ($got)"
    rm -f "$work/out/$file.raw"
done
rm -rf "$work"
