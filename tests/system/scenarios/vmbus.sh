# Hyper-V enlightenments, VMBus and the integration services in a stock
# Debian child: what the child itself reports (dmesg, /sys, its clock),
# what hvctl shows (heartbeat, KVP), a graceful stop through the shutdown
# service, and a test child's hostile hypercalls.
. /data/lib.sh

log=/run/hvcore/web/console.log
# The child starts a day behind and the time-sync service must correct it.
hvctl create web --memory 256M --cpus 2 --kernel /data/vmlinuz --initrd /data/initrd.img \
    --cmdline "console=ttyS0 child.clock_offset=-86400 child.hostname=webhost" ||
    fail "hvctl create failed"
hvctl start web || fail "hvctl start failed: $(cat /run/hvcore/web/vmwp.log)"
tail -f "$log" | sed 's/^/web| /' &
if ! wait_for "$log" '^child: ready' 600; then
    sed 's/^/vmwp| /' /run/hvcore/web/vmwp.log
    fail "the child did not reach its shell"
fi
pass "the child booted"

# ask NAME COMMAND: run COMMAND in the child's shell; its output lines that
# start with "vm-check: NAME" are waited for (the command prints an end
# marker).  Sets REPLY to those lines, without the prefix (and without the
# CR the child's serial console ends lines with).
ask() {
    echo "$2; echo vm-check: $1-end" | hvctl console web > /dev/null
    wait_for "$log" "^vm-check: $1-end" 120 || fail "the child did not answer '$1'"
    REPLY=$(sed -n "s/^vm-check: $1 //p" "$log" | tr -d '\r')
}

ask version 'dmesg | grep -o "Vmbus version:[0-9.]*" | sed "s/^/vm-check: version /"'
echo "$REPLY" | grep -q '^Vmbus version:5\.[0-9]' || fail "no VMBus 5.x version in dmesg: '$REPLY'"
pass "hv_vmbus negotiated $REPLY"

# The four integration-service channels, bound to hv_utils.
ask dev 'for d in /sys/bus/vmbus/devices/*; do echo "vm-check: dev $(cat $d/class_id) $(basename $(readlink $d/driver))"; done'
echo "$REPLY" | sed 's/^/devices: /'
for g in 0e0b6031-5213-4934-818b-38d90ced39db 9527e630-d0ae-497b-adce-e80ab0175caf \
    57164f39-9115-4e78-ab55-382f3bd5422d a9a0f4e7-5a45-4d96-b827-8a841e8c03e6; do
    echo "$REPLY" | grep -q "{$g} hv_utils$" || fail "no VMBus device $g bound to hv_utils"
done
pass "the shutdown, time sync, heartbeat and KVP channels are bound to hv_utils"

ask clock 'echo "vm-check: clock $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource) / $(cat /sys/devices/system/clockevents/clockevent0/current_device)"'
[ "$REPLY" = "hyperv_clocksource_tsc_page / Hyper-V clockevent" ] ||
    fail "clocksource / clock event device: '$REPLY'"
pass "clocksource hyperv_clocksource_tsc_page, clock event device Hyper-V clockevent"

grep -q '^child: clock set to' "$log" || fail "the child did not start with a wrong clock"
before=$(date +%s)
ask time 'echo "vm-check: time $(date +%s)"'
after=$(date +%s)
[ "$REPLY" -ge $((before - 2)) ] && [ "$REPLY" -le $((after + 2)) ] ||
    fail "the child's clock reads $REPLY, the parent's $before..$after"
pass "the child's clock, started a day behind, reads the parent's time ($REPLY in $before..$after)"

i=0
until hvctl list | grep -q '^web .* OK'; do
    [ $i -lt 60 ] || { hvctl list; fail "the heartbeat is not OK"; }
    sleep 1
    i=$((i + 1))
done
hvctl list
pass "hvctl list shows the heartbeat OK"

i=0
until hvctl kvp web 2>/dev/null | grep -q 'FullyQualifiedDomainName *webhost'; do
    [ $i -lt 120 ] || { hvctl kvp web; fail "hvctl kvp does not show the child's hostname"; }
    sleep 1
    i=$((i + 1))
done
hvctl kvp web | sed 's/^/kvp: /'
pass "hvctl kvp shows the hostname the child's hv_kvp_daemon published"

# A child issuing hostile hypercalls gets TLFS errors; the rest runs on.
hvctl create hc --memory 64M --kernel /data/hvtest.bzimage --cmdline "hvtest=hypercalls" ||
    fail "create hc failed"
hvctl start hc || fail "start hc failed"
wait_for /run/hvcore/hc/console.log '^hvtest: hypercalls ' 300 || fail "no result from hc"
sed 's/^/hc| /' /run/hvcore/hc/console.log
grep -q '^hvtest: hypercalls PASS' /run/hvcore/hc/console.log || fail "hostile hypercalls"
hvctl list | grep -q '^web  *running' || fail "web stopped running"
ask alive 'echo "vm-check: alive yes"'
pass "a child's hostile hypercalls get TLFS errors; the other child runs on"

start=$(date +%s)
# stderr is the parent's serial console, a terminal: hvctl would draw its
# progress line there, and the next output line would not start a line.
hvctl stop web 2> /tmp/stop.err || fail "graceful stop failed: $(cat /tmp/stop.err)"
took=$(($(date +%s) - start))
hvctl list | grep -q '^web  *off' || fail "web is not off after hvctl stop"
grep -q 'reboot: Power down' "$log" || fail "the child did not run its own power-off"
pass "hvctl stop shut the child down through its shutdown service in $took s"
