# Sourced by scenario scripts (they run in the parent partition's busybox).
# The scenario disk carries this file next to the script as data/lib.sh.
fail() {
    echo "scenario FAIL: $*"
    exit 1
}

pass() {
    echo "scenario ok: $*"
    progress
}

# The stall watchdog (below) dumps the parent's processes when the
# scenario has not called progress for SCENARIO_STALL seconds (default
# 300): pass, vm_ask and each wait_for second do.  A scenario that hangs
# then says where, instead of going silent until run-scenario's timeout.
PROGRESS_FILE=/tmp/scenario.progress
progress() {
    : > "$PROGRESS_FILE"
}

stall_dump() {
    echo "scenario-stall: no progress for ${SCENARIO_STALL:-300} s; the parent's processes:"
    for d in /proc/[0-9]*; do
        [ -s "$d/cmdline" ] || continue # kernel threads
        pid=${d#/proc/}
        [ "$pid" != "$$" ] || continue
        echo "scenario-stall: $pid $(cut -d' ' -f3 "$d/stat" 2>/dev/null) wchan=$(cat "$d/wchan" 2>/dev/null) $(tr '\0' ' ' < "$d/cmdline" | cut -c1-100)"
        for t in "$d"/task/*; do
            sed "s/^/scenario-stall:   ${t##*/} /" "$t/stack" 2>/dev/null
        done
    done
    echo w > /proc/sysrq-trigger 2>/dev/null
}

stall_watchdog() {
    progress
    while sleep 30; do
        last=$(stat -c %Y "$PROGRESS_FILE" 2>/dev/null) || continue
        if [ $(($(date +%s) - last)) -ge "${SCENARIO_STALL:-300}" ]; then
            stall_dump
            progress
        fi
    done
}
# In a subshell: not a job of the scenario's shell, whose "wait" must not wait for it.
(stall_watchdog < /dev/null &)

# wait_for FILE PATTERN SECONDS: until FILE has a line matching PATTERN
# (grep), polling every 0.1 s; status 1 if SECONDS pass first (by the
# clock: under TCG each poll takes far longer than its 0.1 s sleep).
wait_for() {
    i=0
    end=$(($(date +%s) + $3))
    while ! grep -q "$2" "$1" 2>/dev/null; do
        [ "$(date +%s)" -lt $end ] || return 1
        usleep 100000
        i=$((i + 1))
        [ $((i % 10)) -ne 0 ] || progress
    done
}

# The hypervisor's reserved range from the parent's command line:
# hvcore.reserved=BASE,SIZE (hex).  Sets HV_BASE and HV_SIZE (decimal).
hv_range() {
    r=$(tr ' ' '\n' < /proc/cmdline | sed -n 's/^hvcore\.reserved=//p')
    [ -n "$r" ] || fail "no hvcore.reserved= on the kernel command line"
    HV_BASE=$(printf '%d' "${r%,*}")
    HV_SIZE=$(printf '%d' "${r#*,}")
}

# vm_ask VM NAME COMMAND: run COMMAND in the shell on child VM's serial
# console and wait (up to ASK_TIMEOUT s, default 300) for the end marker it
# prints after COMMAND.  Sets REPLY to the lines COMMAND printed that start
# with "vm-check: NAME " (without that prefix and without CRs).  NAME must
# be unique within the run: the whole console log is searched.
vm_ask() {
    # Two lines: COMMAND may end in '&'.
    printf '%s\necho vm-check: %s-end\n' "$3" "$2" | timeout 60 hvctl console "$1" > /dev/null ||
        { vm_dump "$1"; fail "hvctl console $1 did not take '$2'"; }
    wait_for "/run/hvcore/$1/console.log" "^vm-check: $2-end" "${ASK_TIMEOUT:-300}" ||
        { vm_dump "$1"; fail "the child $1 did not answer '$2'"; }
    REPLY=$(sed -n "s/^vm-check: $2 //p" "/run/hvcore/$1/console.log" | tr -d '\r')
    progress
}

# wait_state VM STATE SECONDS: until `hvctl status VM` says STATE; status
# 1 if SECONDS pass first.
wait_state() {
    end=$(($(date +%s) + $3))
    while [ "$(hvctl status "$1")" != "$2" ]; do
        [ "$(date +%s)" -lt $end ] || return 1
        usleep 100000
    done
}

# vm_dump VM: what the worker's threads are doing, and its log with the
# state of its VMBus rings and devices (SIGUSR1), for a child that stopped
# answering.
vm_dump() {
    pid=$(cat "/run/hvcore/$1/vmwp.pid" 2>/dev/null)
    if [ -n "$pid" ] && kill -USR1 "$pid" 2>/dev/null; then
        i=0
        until grep -q 'state dump ends' "/run/hvcore/$1/vmwp.log" 2>/dev/null || [ $i -ge 20 ]; do
            sleep 0.5
            i=$((i + 1))
        done
    fi
    for t in /proc/$pid/task/*; do
        echo "vmwp-thread: $(cut -d' ' -f2,3 "$t/stat" 2>/dev/null) wchan=$(cat "$t/wchan" 2>/dev/null) syscall=$(cut -d' ' -f1 "$t/syscall" 2>/dev/null)"
    done
    tail -n 30 "/run/hvcore/$1/vmwp.log" 2>/dev/null | sed 's/^/vmwp| /'
}

# vm_vmbus_state VM: the child's own view of its VMBus channels (Linux's
# sysfs: ring indices, masks, interrupt counts), its blocked tasks and
# recent messages, for a child whose I/O stopped; best effort.
vm_vmbus_state() {
    printf '%s\n' 'for c in /sys/bus/vmbus/devices/*/channels/*; do echo "vm-state: $c $(cd $c && for f in *; do printf "%s=%s " $f "$(cat $f 2>/dev/null)"; done)"; done; for d in /sys/bus/vmbus/devices/*; do echo "vm-state: $d $(cat $d/class_id) in=$(cat $d/in_read_index 2>/dev/null)/$(cat $d/in_write_index 2>/dev/null) mask=$(cat $d/in_intr_mask 2>/dev/null) out=$(cat $d/out_read_index 2>/dev/null)/$(cat $d/out_write_index 2>/dev/null) mask=$(cat $d/out_intr_mask 2>/dev/null)"; done; grep -i hyper /proc/interrupts | sed "s/^/vm-state: /"; echo w > /proc/sysrq-trigger' |
        timeout 30 hvctl console "$1" > /dev/null 2>&1
    sleep 10
    grep -E '^vm-state: |blocked|task:| \[<?[0-9a-f]|^ *[a-z_]+\+0x' "/run/hvcore/$1/console.log" | tail -n 200 | sed "s/^/$1-state| /"
}

# vm_start_and_wait VM: start VM, stream its console with a "VM| " prefix,
# and wait until its init says it is ready.  The console log of an earlier
# run (the worker appends) is removed first, so that only this run's
# lines are waited for.
vm_start_and_wait() {
    rm -f "/run/hvcore/$1/console.log"
    hvctl start "$1" || fail "hvctl start $1 failed: $(cat "/run/hvcore/$1/vmwp.log" 2>/dev/null)"
    tail -f "/run/hvcore/$1/console.log" 2>/dev/null | sed "s/^/$1| /" &
    if ! wait_for "/run/hvcore/$1/console.log" '^child: ready' 600; then
        sed "s/^/vmwp| /" "/run/hvcore/$1/vmwp.log"
        fail "the child $1 did not reach its shell"
    fi
}
