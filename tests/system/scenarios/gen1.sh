# A generation 1 child (tests/system/cases/48-gen1.sh): the emulated
# 440BX/PIIX4 PC boots SeaBIOS, GRUB from the IDE disk and Debian's generic
# kernel, whose ata_piix mounts the root from /dev/sda1; a file written
# before a reboot through the keyboard controller is there after it; the
# CD-ROM on the secondary channel reads back its checksum; the legacy NIC
# (a DEC 21140) is tulip's and pings the parent over an internal switch.
. /data/lib.sh

log=/run/hvcore/old/console.log
mac=00:15:5d:0a:00:21
cp /data/disk.img /tmp/gen1.img || fail "cannot copy the disk image"
hvctl switch create lan --type internal --address 10.0.0.1/24 || fail "switch create lan"
hvctl create old --generation 1 --memory 512M --cpus 1 --ide 0:0=/tmp/gen1.img \
    --ide 1:0=/data/cdrom.iso --nic lan,legacy,mac=$mac || fail "hvctl create --generation 1 failed"
hvctl show old 2>/dev/null | sed 's/^/show: /'
vm_start_and_wait old
grep -q "SeaBIOS (version" $log || fail "the child's console has no SeaBIOS banner"
grep -q "GRUB" $log || fail "the child's console has no GRUB"
grep -q "^gen1: root /dev/sda1 ext4 rw" $log || fail "the root is not /dev/sda1"
grep -q "^gen1: sda driver ata_piix" $log || fail "sda is not ata_piix's"
pass "the child booted SeaBIOS, GRUB and Linux, root on /dev/sda1 through ata_piix"
# As on Hyper-V, a guest that has the Hyper-V drivers gets VMBus in the same child.
grep -q "hv_vmbus: Vmbus version:" $log || fail "the generic kernel's hv_vmbus found no VMBus"
grep -q "hv_utils: Heartbeat IC version" $log || fail "hv_utils did not bind the heartbeat"
pass "VMBus and the integration services work in the generation 1 child too"

# The legacy NIC: the interface with its MAC, bound by tulip, pings both ways.
vm_ask old nic "for i in /sys/class/net/*; do [ \"\$(cat \$i/address)\" = $mac ] && d=\${i##*/}; done; ip addr add 10.0.0.21/24 dev \$d && ip link set \$d up && echo vm-check: nic \$d \$(readlink /sys/class/net/\$d/device/driver | sed 's,.*/,,')"
case "$REPLY" in
*" tulip") ;;
*) fail "the legacy NIC is not tulip's: '$REPLY'" ;;
esac
nic=${REPLY% *}
vm_ask old ping "for t in 1 2 3 4 5 6 7 8 9 10; do ping -c 1 -W 2 10.0.0.1 > /dev/null 2>&1 && break; done; ping -c 3 -W 3 10.0.0.1 > /dev/null 2>&1 && echo vm-check: ping yes || echo vm-check: ping no"
[ "$REPLY" = yes ] || fail "the child does not reach the parent through its legacy NIC"
ping -c 3 -W 3 10.0.0.21 > /dev/null || fail "the parent does not reach the child's legacy NIC"
vm_ask old stats "echo vm-check: stats \$(cat /sys/class/net/$nic/statistics/rx_packets) \$(cat /sys/class/net/$nic/statistics/tx_packets)"
echo "tulip $nic: rx/tx packets $REPLY"
pass "the legacy NIC is tulip's ($nic) and pings the parent over an internal switch, both ways"

token="gen1-$(date +%s)"
vm_ask old write "echo $token > /root/persist && sync && echo vm-check: write \$(cat /root/persist)"
[ "$REPLY" = "$token" ] || fail "the child did not write the file ($REPLY)"
pid=$(cat /run/hvcore/old/vmwp.pid)
printf 'reboot\n' | timeout 30 hvctl console old > /dev/null
end=$(($(date +%s) + 600))
# The worker restarts in place: hvctl sees the VM running all along, and
# its asking does not take the new worker's sockets for a dead one's.
until [ "$(grep -c '^child: ready' $log)" -ge 2 ]; do
    [ "$(date +%s)" -lt $end ] || fail "the child did not come back after its reboot"
    state=$(hvctl status old)
    [ "$state" = running ] || fail "hvctl status says '$state' while the child reboots"
    usleep 200000
done
[ "$(cat /run/hvcore/old/vmwp.pid)" = "$pid" ] || fail "the worker's pid changed across the reboot"
grep -q "restarting after the guest's reset" /run/hvcore/old/vmwp.log ||
    fail "the worker did not restart in place"
grep -q "8042: reset" /run/hvcore/old/vmwp.log || fail "the reset did not come through the 8042"
vm_ask old persist 'echo vm-check: persist $(cat /root/persist)'
[ "$REPLY" = "$token" ] || fail "after the reboot the file holds '$REPLY', not '$token'"
pass "the file written before a reboot through the keyboard controller is still there"

vm_ask old cd 'mount -t iso9660 -o ro /dev/sr0 /mnt && (cd /mnt && md5sum -c data.md5) | sed "s/^/vm-check: cd /"'
[ "$REPLY" = "data.bin: OK" ] || fail "the CD-ROM's data does not check: '$REPLY'"
pass "the CD-ROM on the secondary channel reads back its checksum"
hvctl stop old --turn-off > /dev/null 2>&1
echo "scenario done"
