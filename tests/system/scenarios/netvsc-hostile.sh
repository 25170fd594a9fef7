# A hostile netvsc against the worker's netvsp (tests/system/cases/
# 47-netvsc-hostile.sh): a test child (tests/guest, hvtest=netvsc) with a
# NIC on an internal switch speaks VMBus, NVSP and RNDIS itself, sends what
# a broken or malicious guest would and checks each answer; its ARP
# requests (some with the RNDIS header across a page boundary) must reach
# the parent through the switch and be answered.  Then the worker and the
# parent must be fine: the child powered itself off, its worker exited with
# status 0 and counted every frame the child says it sent, hvctl answers,
# and the child and the switch go away.
. /data/lib.sh

log=/run/hvcore/nt/console.log
vlog=/run/hvcore/nt/vmwp.log
mac=00:15:5d:47:00:01
hvctl switch create hostile --type internal --address 10.0.47.1/24 ||
    fail "hvctl switch create failed"
hvctl create nt --memory 64M --cpus 1 --kernel /data/hvtest.bzimage \
    --cmdline "hvtest=netvsc mac=$mac ip=10.0.47.2 peer=10.0.47.1" --nic "hostile,mac=$mac" ||
    fail "hvctl create failed"
hvctl start nt || fail "hvctl start failed: $(cat "$vlog")"
# The result line ("netvsc PASS" or "netvsc FAIL"), after any "netvsc:
# check N ... failed" lines.
if ! wait_for "$log" '^hvtest: netvsc [A-Z]' 400; then
    sed 's/^/nt| /' "$log"
    vm_dump nt
    fail "the netvsc child did not finish"
fi
sed 's/^/nt| /' "$log"
if ! grep -q '^hvtest: netvsc PASS' "$log"; then
    sed 's/^/vmwp| /' "$vlog"
    fail "the hostile netvsc got wrong answers: $(grep '^hvtest: netvsc FAIL' "$log" | tr -d '\r')"
fi
pass "a hostile netvsc child gets the answers netvsp is written to give"

# The child powered itself off after its result line; its worker saw that,
# and nothing else, and exited with status 0, logging the NIC's counters.
wait_state nt off 60 || { hvctl list; fail "the child did not reach off"; }
wait_for "$vlog" 'exiting with status' 60
sed 's/^/vmwp| /' "$vlog"
grep -q 'guest powered off' "$vlog" || fail "the worker did not see a power-off"
grep -q 'exiting with status 0$' "$vlog" || fail "the worker did not exit cleanly"
sent=$(sed -n 's/^hvtest: netvsc PASS: [0-9]* checks, \([0-9]*\) frames sent.*/\1/p' "$log")
grep -q "network: NIC 0: sent $sent frames" "$vlog" ||
    fail "the worker does not count the $sent frames the child sent"
pass "the child powered off, its worker exited cleanly and counted the $sent frames it sent"

hvctl list || fail "hvctl list failed"
hvctl list | grep -q '^nt  *off ' || fail "hvctl list does not show nt off"
hvctl delete nt || fail "hvctl delete failed"
hvctl switch delete hostile || fail "hvctl switch delete failed"
! ip link show hvsw-hostile > /dev/null 2>&1 || fail "the switch's bridge is still there"
pass "hvctl list works; the child and its switch are deleted"
