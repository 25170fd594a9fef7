#!/bin/sh
# A generation 1 child: SeaBIOS, GRUB and Debian's generic kernel from an
# IDE disk, a reboot through the 8042, a CD-ROM, a legacy NIC
# (tests/system/scenarios/gen1.sh).
. "$(dirname "$0")/../lib.sh"

data=$LOGDIR/$CASE.data
rm -rf "$data"
mkdir -p "$data"
cp "$HERE/scenarios/lib.sh" "$data/"
cp --sparse=always "$GEN1_DISK" "$data/disk.img"
cp "$GEN1_ISO" "$data/cdrom.iso"
scenario gen1 "$HERE/scenarios/gen1.sh" "$data" --smp 2 --mem 2G --timeout 2400
expect_status 0
expect_line '^old\| .*SeaBIOS \(version'
expect_line '^scenario ok: the child booted SeaBIOS, GRUB and Linux, root on /dev/sda1 through ata_piix$'
expect_line '^scenario ok: VMBus and the integration services work in the generation 1 child too$'
expect_line '^scenario ok: the file written before a reboot through the keyboard controller is still there$'
expect_line '^scenario ok: the CD-ROM on the secondary channel reads back its checksum$'
expect_line '^scenario ok: the legacy NIC is tulip.s \(eth[0-9]\) and pings the parent over an internal switch, both ways$'
refute_line '^hv: PANIC'
refute_line 'nobody cared'
refute_line 'soft lockup'
