# A child partition from the parent's command line: hvctl creates it, the
# worker boots Debian's cloud kernel in it, and the child's own console
# says what it sees; then pause, resume, console input, hard stop, delete,
# and a child that powers itself off.
. /data/lib.sh

log=/run/hvcore/web/console.log
hvctl create web --memory 256M --cpus 2 --kernel /data/vmlinuz --initrd /data/initrd.img \
    --cmdline "console=ttyS0" || fail "hvctl create failed"
hvctl show web
hvctl start web || fail "hvctl start failed: $(cat /run/hvcore/web/vmwp.log)"
pass "hvctl created and started child partition web"
# The child's console, as it comes, on ours.
tail -f "$log" | sed 's/^/web| /' &
if ! wait_for "$log" '^child: ready' 600; then
    sed 's/^/vmwp| /' /run/hvcore/web/vmwp.log
    fail "the child did not reach its shell"
fi
grep -q '^child: Linux .* up: 2 CPUs online' "$log" || fail "the child does not see 2 CPUs"
pass "the child booted Linux on 2 VPs and reached its shell"
took=$(sed -n 's/^child: sleep 2 took \([0-9.]*\) s.*/\1/p' "$log")
[ -n "$took" ] && awk "BEGIN { exit !($took >= 1.95 && $took <= 3.0) }" ||
    fail "sleep 2 took '$took' s of the child's clock"
pass "sleep 2 took $took s of the child's own clock"
hvctl list
hvctl list | grep -q '^web  *running  *2 ' || fail "hvctl list does not show web running"
hvctl list --json | grep -q '"name": *"web"' || fail "hvctl list --json does not show web"
pass "hvctl list shows web running"

hvctl pause web || fail "pause failed"
hvctl list | grep -q '^web  *paused' || fail "web is not paused"
hvctl resume web || fail "resume failed"
hvctl list | grep -q '^web  *running' || fail "web is not running after resume"
pass "pause and resume"

echo 'echo console-marker-$((6 * 7))' | hvctl console web > /tmp/console.out
wait_for "$log" 'console-marker-42' 120 || fail "the child did not answer on its console"
pass "the child's shell answers through hvctl console"

hvctl stop --turn-off web || fail "stop --turn-off failed"
hvctl list | grep -q '^web  *off' || fail "web is not off after a hard stop"
hvctl delete web || fail "delete failed"
hvctl list | grep -q '^web ' && fail "web is still listed after delete"
pass "hard stop and delete"

hvctl create brief --memory 128M --kernel /data/vmlinuz --initrd /data/initrd.img \
    --cmdline "console=ttyS0 child.poweroff=1" || fail "create brief failed"
hvctl start brief || fail "start brief failed"
i=0
while hvctl list | grep -q '^brief  *running' && [ $i -lt 600 ]; do sleep 1; i=$((i + 1)); done
hvctl list | grep -q '^brief  *off' || fail "the child that powered off is not off"
grep -q '^child: powering off' /run/hvcore/brief/console.log || fail "brief did not power off"
pass "a child that powers itself off is off"
