#!/bin/sh
# Persistent state through the hypervisor, booted from a USB stick as users
# do: what the parent writes to /var/lib/hvcore is there after a reboot of
# the same stick.
. "$(dirname "$0")/../lib.sh"

work=$LOGDIR/$CASE.work
rm -rf "$work"
mkdir -p "$work/data"
cp "$HERE/scenarios/lib.sh" "$work/data/"
token=$$-$(date +%s)
echo "$token" > "$work/data/token"

cat > "$work/write.sh" <<'SCRIPT'
. /data/lib.sh
grep -q ' /var/lib/hvcore ext4 rw' /proc/mounts || fail "no ext4 state directory"
cp /data/token /var/lib/hvcore/vms/token && sync || fail "cannot write the state directory"
pass "state written"
SCRIPT
cat > "$work/read.sh" <<'SCRIPT'
. /data/lib.sh
cmp /data/token /var/lib/hvcore/vms/token || fail "the state did not survive the reboot"
pass "state survived the reboot: $(cat /var/lib/hvcore/vms/token)"
SCRIPT

scenario write "$work/write.sh" "$work/data" --usb --disk-copy "$work/stick.img" --timeout 300
expect_status 0
expect_line '^parent: state directory /var/lib/hvcore on /dev/sd[a-z]2 \(ext4\)$'
expect_line '^scenario ok: state written$'
scenario read "$work/read.sh" "$work/data" --usb --disk-copy "$work/stick.img" --timeout 300
expect_status 0
expect_line "^scenario ok: state survived the reboot: $token\$"
rm -rf "$work"
