# make bench, our side: the test guest (tests/guest, hvtest=bench) in a
# child partition; its result line and the parent's TSC rate on the console.
. /data/lib.sh
hvctl create bench --memory 64M --kernel /data/hvtest.bzimage \
    --cmdline "hvtest=bench iterations=$(cat /data/iterations)" || fail "create failed"
hvctl start bench || fail "start failed: $(cat /run/hvcore/bench/vmwp.log)"
i=0
while [ "$(hvctl status bench)" = running ] && [ $i -lt 3000 ]; do usleep 100000; i=$((i + 1)); done
grep '^hvtest: ' /run/hvcore/bench/console.log
grep -q '^hvtest: bench PASS' /run/hvcore/bench/console.log || fail "no bench result"
echo "bench: tsc MHz $(dmesg | sed -n 's/.*tsc: Detected \([0-9.]*\) MHz processor.*/\1/p' | tail -n 1)"
pass "bench ran in a child partition"
