# Partitions side by side, and children that misbehave: two Linux children
# run at once on a 2-CPU parent; a test child (tests/guest, hvtest) reads
# and writes guest-physical addresses outside its RAM, among them the
# hypervisor's range and a page the parent keeps a sentinel in; another
# triple-faults; one child's worker is killed with SIGKILL.  Each time the
# others go on, and what the dead ones held comes back.
. /data/lib.sh

# answers NAME: the child's shell answers a command sent through hvctl console.
answers() {
    marker="alive-$1-$(date +%s%N)"
    echo "echo $marker" | hvctl console "$1" > /dev/null
    wait_for "/run/hvcore/$1/console.log" "^$marker" 120
}

linux_child() { # NAME MEMORY CPUS
    hvctl create "$1" --memory "$2" --cpus "$3" --kernel /data/vmlinuz --initrd /data/initrd.img \
        --cmdline "console=ttyS0" || fail "hvctl create $1 failed"
}

mem_available_kib() {
    sed -n 's/^MemAvailable: *\([0-9]*\) kB$/\1/p' /proc/meminfo
}

[ "$(grep -c '^processor' /proc/cpuinfo)" -eq 2 ] || fail "the parent does not have 2 CPUs"

# --- two Linux children at once ---
linux_child web 256M 2
linux_child db 128M 1
hvctl start web || fail "start web failed: $(cat /run/hvcore/web/vmwp.log)"
hvctl start db || fail "start db failed: $(cat /run/hvcore/db/vmwp.log)"
tail -f /run/hvcore/web/console.log | sed 's/^/web| /' &
tail -f /run/hvcore/db/console.log | sed 's/^/db| /' &
wait_for /run/hvcore/web/console.log '^child: ready' 900 || fail "web did not reach its shell"
wait_for /run/hvcore/db/console.log '^child: ready' 900 || fail "db did not reach its shell"
hvctl list
[ "$(hvctl list | grep -c ' running ')" -eq 2 ] || fail "hvctl list does not show both running"
pass "two children run at the same time on a 2-CPU parent"

# --- a child probing memory that is not its own ---
hv_range
vidctl sentinel > /tmp/sentinel.out &
sentinel_pid=$!
wait_for /tmp/sentinel.out '^vidctl: sentinel at ' 30 || fail "no sentinel: $(cat /tmp/sentinel.out)"
sentinel=$(sed -n 's/^vidctl: sentinel at //p' /tmp/sentinel.out)
# The sentinel, the hypervisor's first, middle and last words, and high
# addresses no RAM of the child reaches.
addrs=$(printf '%s,0x%x,0x%x,0x%x,0x%x,0x%x' "$sentinel" "$HV_BASE" \
    $((HV_BASE + HV_SIZE / 2)) $((HV_BASE + HV_SIZE - 8)) 0x100000000 0xfffffff000)
hvctl create probe --memory 64M --kernel /data/hvtest.bzimage \
    --cmdline "hvtest=probe probe=$addrs" || fail "create probe failed"
hvctl start probe || fail "start probe failed: $(cat /run/hvcore/probe/vmwp.log)"
wait_for /run/hvcore/probe/console.log '^hvtest: probe ' 300 ||
    fail "the probe child said nothing: $(cat /run/hvcore/probe/vmwp.log)"
sed 's/^/probe| /' /run/hvcore/probe/console.log
grep -q '^hvtest: probe PASS' /run/hvcore/probe/console.log ||
    fail "the probe child saw something: $(grep '^hvtest:' /run/hvcore/probe/console.log)"
wait_state probe off 60 || fail "the probe child did not power off"
kill -USR1 "$sentinel_pid"
wait "$sentinel_pid" || fail "the parent's sentinel changed: $(cat /tmp/sentinel.out)"
answers web || fail "web stopped answering after the probe"
answers db || fail "db stopped answering after the probe"
pass "a child reads all-ones outside its RAM (hypervisor and parent pages too), its writes are dropped, the parent's sentinel is intact, the others run on"

# --- a child that triple-faults ---
hvctl create crash --memory 64M --kernel /data/hvtest.bzimage --cmdline "hvtest=triple-fault" ||
    fail "create crash failed"
hvctl start crash || fail "start crash failed: $(cat /run/hvcore/crash/vmwp.log)"
wait_state crash crashed 120 || fail "crash is '$(hvctl status crash)', not crashed"
hvctl list
hvctl list | grep -q '^crash  *crashed ' || fail "hvctl list does not show crash as crashed"
hvctl show crash | grep -q '^state: *crashed (guest triple fault' ||
    fail "hvctl show does not give the reason: $(hvctl show crash | grep '^state')"
answers web || fail "web stopped answering after the triple fault"
answers db || fail "db stopped answering after the triple fault"
pass "a child that triple-faults is crashed in hvctl list; the others run on"

# --- stopping one leaves the other running ---
hvctl stop --turn-off web || fail "stop web failed"
hvctl list | grep -q '^web  *off ' || fail "web is not off"
hvctl list | grep -q '^db  *running ' || fail "db is not running after web stopped"
answers db || fail "db stopped answering when web stopped"
pass "stopping one child leaves the other running"

# --- SIGKILL of a worker ---
before=$(mem_available_kib)
pid=$(cat /run/hvcore/db/vmwp.pid)
kill -9 "$pid"
i=0
while [ -d "/proc/$pid" ] && [ $i -lt 100 ]; do usleep 100000; i=$((i + 1)); done
[ ! -d "/proc/$pid" ] || fail "db's worker survived SIGKILL"
hvctl list
hvctl list | grep -q '^db  *off ' || fail "hvctl list does not show db off after its worker died"
after=$(mem_available_kib)
# db pinned 128 MiB of guest RAM: it must come back (allow for noise).
[ $((after - before)) -ge $((100 * 1024)) ] ||
    fail "only $(((after - before) / 1024)) MiB came back after db's worker died"
# Every partition so far (web, db, probe, crash) is gone from the
# hypervisor: its table takes all 64 again.
vidctl fill-test || fail "the hypervisor still holds a partition"
hvctl start db || fail "db does not start again: $(cat /run/hvcore/db/vmwp.log)"
# console.log is appended to: the second "ready" is the new boot's.
i=0
while [ "$(grep -c '^child: ready' /run/hvcore/db/console.log)" -lt 2 ]; do
    [ $i -lt 9000 ] || fail "db did not boot again"
    usleep 100000
    i=$((i + 1))
done
answers db || fail "the new db does not answer"
hvctl stop --turn-off db
pass "SIGKILL of a worker frees its partition ($(((after - before) / 1024)) MiB back, hypervisor table empty), and a child starts after it"
