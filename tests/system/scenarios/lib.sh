# Sourced by scenario scripts (they run in the parent partition's busybox).
# The scenario disk carries this file next to the script as data/lib.sh.
fail() {
    echo "scenario FAIL: $*"
    exit 1
}

pass() {
    echo "scenario ok: $*"
}

# wait_for FILE PATTERN SECONDS: until FILE has a line matching PATTERN
# (grep), polling every 0.1 s; status 1 if SECONDS pass first.
wait_for() {
    i=0
    while ! grep -q "$2" "$1" 2>/dev/null; do
        [ $i -lt $(($3 * 10)) ] || return 1
        usleep 100000
        i=$((i + 1))
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
