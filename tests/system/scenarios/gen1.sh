# A generation 1 child (tests/system/cases/48-gen1.sh): the emulated
# 440BX/PIIX4 PC boots SeaBIOS, GRUB from the IDE disk and Debian's generic
# kernel, whose ata_piix mounts the root from /dev/sda1; a file written
# before a reboot through the keyboard controller is there after it; the
# CD-ROM on the secondary channel reads back its checksum.
. /data/lib.sh

log=/run/hvcore/old/console.log
cp /data/disk.img /tmp/gen1.img || fail "cannot copy the disk image"
hvctl create old --generation 1 --memory 512M --cpus 1 --ide 0:0=/tmp/gen1.img \
    --ide 1:0=/data/cdrom.iso || fail "hvctl create --generation 1 failed"
hvctl show old 2>/dev/null | sed 's/^/show: /'
vm_start_and_wait old
grep -q "SeaBIOS (version" $log || fail "the child's console has no SeaBIOS banner"
grep -q "GRUB" $log || fail "the child's console has no GRUB"
grep -q "^gen1: root /dev/sda1 ext4 rw" $log || fail "the root is not /dev/sda1"
grep -q "^gen1: sda driver ata_piix" $log || fail "sda is not ata_piix's"
pass "the child booted SeaBIOS, GRUB and Linux, root on /dev/sda1 through ata_piix"

token="gen1-$(date +%s)"
vm_ask old write "echo $token > /root/persist && sync && echo vm-check: write \$(cat /root/persist)"
[ "$REPLY" = "$token" ] || fail "the child did not write the file ($REPLY)"
printf 'reboot\n' | timeout 30 hvctl console old > /dev/null
end=$(($(date +%s) + 600))
until [ "$(grep -c '^child: ready' $log)" -ge 2 ]; do
    [ "$(date +%s)" -lt $end ] || fail "the child did not come back after its reboot"
    sleep 1
done
grep -q "8042: reset" /run/hvcore/old/vmwp.log || fail "the reset did not come through the 8042"
vm_ask old persist 'echo vm-check: persist $(cat /root/persist)'
[ "$REPLY" = "$token" ] || fail "after the reboot the file holds '$REPLY', not '$token'"
pass "the file written before a reboot through the keyboard controller is still there"

vm_ask old cd 'mount -t iso9660 -o ro /dev/sr0 /mnt && (cd /mnt && md5sum -c data.md5) | sed "s/^/vm-check: cd /"'
[ "$REPLY" = "data.bin: OK" ] || fail "the CD-ROM's data does not check: '$REPLY'"
pass "the CD-ROM on the secondary channel reads back its checksum"
hvctl stop old --turn-off > /dev/null 2>&1
echo "scenario done"
