#!/bin/sh
# drivers/vid, the parent's kernel module: through the hypervisor /init
# loads it, /dev/vid is a root-only misc device and VID_GET_VERSION reports
# the module's and the hypervisor's versions; booted directly (no
# hypervisor) the same module refuses to load and the kernel log says why.
. "$(dirname "$0")/../lib.sh"

data=$LOGDIR/$CASE.data
mkdir -p "$data"
cp "$HERE/scenarios/lib.sh" "$data/"

echo parent > "$data/mode"
scenario parent "$HERE/scenarios/vid.sh" "$data" --smp 2 --mem 1G --timeout 300
expect_status 0
expect_line '^parent: /dev/vid ready \(hvcore [0-9]+\.[0-9]+\)$'
expect_order '^parent: /dev/vid ready' '^parent: hvcore parent partition ready'
expect_line '^scenario ok: /dev/vid: character device, mode 0600, owner root$'
expect_line '^scenario ok: /dev/vid is a misc device'
expect_line '^vidctl: module vid interface 0\.3$'
expect_line '^vidctl: hypervisor hvcorehvcore [0-9]+\.[0-9]+ \(max leaf 0x40000001, role parent\)$'
expect_line '^scenario ok: VID_GET_VERSION: module 0\.3, hypervisor hvcore [0-9]+\.[0-9]+$'
expect_line '^scenario ok: an unknown ioctl is refused with ENOTTY$'
expect_line '^vidctl: ok: map the same pages into B: Permission denied$'
expect_line '^vidctl: ok: map them into A a second time: Device or resource busy$'
expect_line '^vidctl: partition test passed$'
expect_line '^scenario ok: partitions: one child per page, bad arguments refused, pages given back on close$'
expect_line '^vidctl: ok: write to port 0xE9 at rip 0x1002: 0x42$'
expect_line '^vidctl: ok: read of port 0xE9 at rip 0x1004$'
expect_line '^vidctl: ok: write to port 0xE9 at rip 0x1006: 0x77$'
expect_line '^vidctl: ok: unmapped GPA 0x20000 read, instruction bytes a0 00 00$'
expect_line '^vidctl: ok: write to port 0xE9 at rip 0x1010: 0x99$'
expect_line '^vidctl: ok: write to port 0xE9 at rip 0x101c: 0x48$'
expect_line '^vidctl: ok: triple fault reported$'
expect_line '^vidctl: vp test passed$'
expect_line '^scenario ok: a child VP runs and every intercept of the test program reaches the worker$'
expect_line '^scenario ok: a SIGKILLed holder.s partition is gone: 64 fit again$'
expect_line '^scenario ok: a user other than root cannot open /dev/vid$'
expect_line '^scenario ok: vid unloads and loads again$'
refute_line 'vid: not loaded'

echo direct > "$data/mode"
scenario direct "$HERE/scenarios/vid.sh" "$data" --direct --timeout 120
expect_status 0
expect_line '^parent: /dev/vid not available: not loaded: '
expect_line '^scenario ok: no hypervisor: vid not loaded, no /dev/vid$'
expect_line '^scenario ok: insmod vid.ko fails without the hypervisor \(ENODEV\)$'
expect_line '^scenario ok: dmesg explains why vid did not load$'
expect_line 'vid: not loaded: (no hypervisor|the hypervisor is ".*", not hvcore)'
refute_line '^parent: /dev/vid ready'
