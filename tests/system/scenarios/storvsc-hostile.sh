# A hostile storvsc against the worker's storvsp (tests/system/cases/
# 45-storvsc-hostile.sh): a test child (tests/guest, hvtest=storvsc) speaks
# VMBus and the vstor protocol itself and sends what a broken or malicious
# guest would, checking each answer; then the parent and the worker must be
# fine: the child powered itself off, its worker exited cleanly, hvctl
# answers, and the disk still opens.
. /data/lib.sh

log=/run/hvcore/st/console.log
# 4 MiB of 512-byte blocks: the test checks READ CAPACITY against blocks=.
hvctl disk create /tmp/hostile.img --size 4M || fail "hvctl disk create failed"
hvctl create st --memory 64M --cpus 1 --kernel /data/hvtest.bzimage \
    --cmdline "hvtest=storvsc blocks=8192" --disk /tmp/hostile.img || fail "hvctl create failed"
hvctl start st || fail "hvctl start failed: $(cat /run/hvcore/st/vmwp.log)"
if ! wait_for "$log" '^hvtest: storvsc ' 300; then
    vm_dump st
    fail "the storvsc child said nothing"
fi
sed 's/^/st| /' "$log"
if ! grep -q '^hvtest: storvsc PASS' "$log"; then
    sed 's/^/vmwp| /' /run/hvcore/st/vmwp.log
    fail "the hostile storvsc got a wrong answer: $(grep '^hvtest:' "$log" | tr -d '\r')"
fi
pass "a hostile storvsc child gets the answers storvsp is written to give"

# The child powered itself off after its result line; its worker saw that,
# and nothing else, and exited with status 0.
wait_state st off 60 || { hvctl list; fail "the child did not reach off"; }
# The worker's last line comes after the state changed.
wait_for /run/hvcore/st/vmwp.log 'exiting with status' 60
sed 's/^/vmwp| /' /run/hvcore/st/vmwp.log
grep -q 'guest powered off' /run/hvcore/st/vmwp.log || fail "the worker did not see a power-off"
grep -q 'exiting with status 0$' /run/hvcore/st/vmwp.log || fail "the worker did not exit cleanly"
hvctl list || fail "hvctl list failed"
hvctl list | grep -q '^st  *off ' || fail "hvctl list does not show st off"
hvctl disk info /tmp/hostile.img > /tmp/hostile.info 2>&1 ||
    { cat /tmp/hostile.info; fail "the disk does not open after the test"; }
pass "the child powered off, its worker exited cleanly, hvctl list works and the disk opens"
