# 60 seconds of interrupts and IPIs on every CPU: one compressor per CPU,
# plus a process per CPU doing short sleeps (timer interrupts) and churn
# that makes the scheduler move work between CPUs (rescheduling IPIs) and
# unmap memory (TLB shootdowns).  The parent must not hang or warn.
. /data/lib.sh

n=$(nproc)
secs=${STRESS_SECONDS:-60}
end=$(($(date +%s) + secs))
i=0
while [ $i -lt "$n" ]; do
    (while [ "$(date +%s)" -lt $end ]; do
        dd if=/dev/urandom bs=64k count=16 2>/dev/null | gzip -9 | gzip -d > /dev/null
    done) &
    (while [ "$(date +%s)" -lt $end ]; do usleep 2000; done) &
    i=$((i + 1))
done
wait
pass "ran ${secs}s of load on $n CPUs"

if dmesg | grep -E 'soft lockup|hard LOCKUP|hung_task|rcu.*stall|BUG:|WARNING:'; then
    fail "the kernel complained under load"
fi
pass "no lockup, stall or warning in dmesg"

cat /proc/interrupts
for irq in LOC RES CAL; do
    line=$(grep "^ *$irq:" /proc/interrupts) || fail "no $irq line in /proc/interrupts"
    set -- $line
    shift
    c=0
    while [ $c -lt "$n" ]; do
        [ "$1" -gt 0 ] || fail "CPU$c took no $irq interrupts"
        shift
        c=$((c + 1))
    done
done
pass "timer (LOC), rescheduling (RES) and function-call (CAL) IPIs on every CPU"
