#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Command-line test of hvctl on the build machine: tests/hvctl/cli-test.sh HVCTL
#
# Runs the built hvctl with its state and runtime directories in a temporary
# directory and a fake worker (tests/hvctl/fake_vmwp.c, built here with
# ${CC:-gcc}) that keeps the worker's side of the contract without a VM.  It
# goes through create, list (table and --json), show, set, start, status,
# pause, resume, console, kvp, stop (the graceful one: shut down, no
# shutdown service, timeout, --force), stop --turn-off, delete, the disk
# commands (images in raw, VHD and VHDX; create --disk; attach and detach
# while off and, through the fake worker, while running), the virtual
# switches and NICs (switch create, list, delete; create --nic; nic add,
# remove, list; start making a missing bridge again), generation 1 VMs
# (create --generation 1 with --firmware and --ide, the options each
# generation refuses, ide set, remove, list, and disk attach and detach
# refusing IDE devices), and
# through the error paths; every error must be one line "hvctl: ..." on
# stderr with exit status 1 (2 for a malformed command line) and must leave
# the state (and runtime) directories, and the network, exactly as they were.
#
# The switch commands make real bridges: the whole test runs in a network
# namespace of its own (unshare -n as root, else unshare -rn), where they
# are checked with iproute2's ip and bridge and cannot touch the machine's
# network.  Without a namespace those tests are skipped ("# SKIP"); a kernel
# without bridge VLAN filtering skips the VLAN checks.  The fake worker
# is built with the worker's own protocol code (tools/vmwp/control.c and
# tools/lib/percent.c).
#
# Output: TAP on stdout ("ok N - ...", "not ok N - ..." with "# " lines
# saying why, the plan "1..N" at the end).  Exit status 0 when all passed.
# Takes about 20 s, 10 of them waiting for a worker that ignores "stop".

set -u

if [ $# -ne 1 ]; then
    echo "usage: $0 PATH/TO/hvctl" >&2
    exit 2
fi
HVCTL=$(realpath "$1") || exit 2
# Into a network namespace of our own, once: HVCTL_CLI_NETNS says we are in it.
if [ -z "${HVCTL_CLI_NETNS:-}" ]; then
    if [ "$(id -u)" -eq 0 ] && unshare -n true 2>/dev/null; then
        HVCTL_CLI_NETNS=1 exec unshare -n "$0" "$@"
    elif unshare -rn true 2>/dev/null; then
        HVCTL_CLI_NETNS=1 exec unshare -rn "$0" "$@"
    fi
    HVCTL_CLI_NETNS=0
fi
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d /tmp/hvctl-cli-test.XXXXXX) || exit 2
# Workers this test started (by pid file or by hand) are killed on the way out.
cleanup() {
    for f in "$tmp"/run/*/vmwp.pid; do
        [ -f "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null
    done
    [ -n "${bystander:-}" ] && kill "$bystander" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# Bridges are made only in our own namespace, and checked only with iproute2.
netns=0
if [ "$HVCTL_CLI_NETNS" = 1 ] && command -v ip >/dev/null && command -v bridge >/dev/null; then
    netns=1
fi

export HVCORE_STATE_DIR="$tmp/state"
export HVCORE_RUN_DIR="$tmp/run"
export HVCORE_VMWP="$tmp/bin/fake_vmwp"
unset FAKE_VMWP_MODE FAKE_VMWP_DELAY_MS FAKE_VMWP_HEARTBEAT FAKE_VMWP_KVP FAKE_VMWP_DISK
mkdir -p "$tmp/bin" "$tmp/boot" "$tmp/state"
state="$HVCORE_STATE_DIR"
run="$HVCORE_RUN_DIR"

n=0
failed=0

pass() {
    n=$((n + 1))
    echo "ok $n - $1"
}

# fail DESCRIPTION [DETAIL...]: each detail becomes a "# " line.
fail() {
    n=$((n + 1))
    failed=$((failed + 1))
    echo "not ok $n - $1"
    shift
    for line in "$@"; do
        printf '%s\n' "$line" | sed 's/^/#   /'
    done
}

# check DESCRIPTION COMMAND...: passes if the command succeeds.
check() {
    desc=$1
    shift
    if "$@"; then pass "$desc"; else fail "$desc" "failed: $*"; fi
}

# hv ARGS...: runs hvctl; its stdout in $out, stderr in $err, status in $rc.
hv() {
    "$HVCTL" "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    out=$(cat "$tmp/out")
    err=$(cat "$tmp/err")
}

# What an error must not change: names, types, modes, inodes and contents of
# everything under both directories (an identical rewrite changes the inode),
# except what is in the worker's logs: the worker writes them as it pleases.
# In our own network namespace, the interfaces, their masters, MTUs and
# addresses too.
snapshot() {
    (cd "$tmp" && find state run 2>/dev/null | LC_ALL=C sort | while read -r f; do
        if [ -f "$f" ] && [ "${f%.log}" = "$f" ]; then
            echo "$f $(stat -c '%F %a %i' "$f") $(cksum <"$f")"
        else
            echo "$f $(stat -c '%F %a %i' "$f")"
        fi
    done)
    if [ "$netns" = 1 ]; then
        ip -o link show | sed 's/^[0-9]*: //; s/ qdisc.*state [A-Z]*//'
        ip -o addr show | sed 's/^[0-9]*: //'
    fi
}

# expect_ok DESCRIPTION ARGS...: exit 0 and nothing on stderr (but the
# warning that a VM has more CPUs than this machine: it may have only one).
expect_ok() {
    desc=$1
    shift
    hv "$@"
    err=$(printf '%s\n' "$err" | grep -v "^hvctl: warning: .* virtual CPUs, more than the parent's")
    if [ "$rc" -eq 0 ] && [ -z "$err" ]; then
        pass "$desc"
    else
        fail "$desc" "hvctl $*" "exit status $rc, stderr:" "$err"
    fi
}

# expect_error DESCRIPTION STATUS PATTERN ARGS...: hvctl ARGS must exit with
# STATUS, print exactly one line on stderr, "hvctl: " then something
# matching the grep -E PATTERN, nothing on stdout, and change nothing.
expect_error() {
    desc=$1 want_rc=$2 pattern=$3
    shift 3
    before=$(snapshot)
    hv "$@"
    after=$(snapshot)
    lines=$(printf '%s\n' "$err" | wc -l)
    if [ "$rc" -ne "$want_rc" ]; then
        fail "$desc" "hvctl $*" "exit status $rc, expected $want_rc; stderr:" "$err"
    elif [ -z "$err" ] || [ "$lines" -ne 1 ]; then
        fail "$desc" "hvctl $*" "expected one line on stderr, got:" "$err"
    elif ! printf '%s\n' "$err" | grep -qE "^hvctl: $pattern"; then
        fail "$desc" "hvctl $*" "stderr does not match 'hvctl: $pattern':" "$err"
    elif [ -n "$out" ]; then
        fail "$desc" "hvctl $*" "unexpected stdout:" "$out"
    elif [ "$before" != "$after" ]; then
        fail "$desc" "hvctl $*" "it changed the state:" \
            "$(printf '%s\n' "$before" >"$tmp/before"; printf '%s\n' "$after" >"$tmp/after"
            diff "$tmp/before" "$tmp/after")"
    else
        pass "$desc"
    fi
}

# expect_out DESCRIPTION EXPECTED: $out (of the last hv) must be EXPECTED.
expect_out() {
    if [ "$out" = "$2" ]; then
        pass "$1"
    else
        fail "$1" "expected:" "$2" "got:" "$out"
    fi
}

# expect_match DESCRIPTION PATTERN TEXT: TEXT must contain a line matching grep -E PATTERN.
expect_match() {
    if printf '%s\n' "$3" | grep -qE "$2"; then
        pass "$1"
    else
        fail "$1" "no line matches '$2' in:" "$3"
    fi
}

# wait_gone PID: up to 5 s for the process to disappear (or be a zombie).
wait_gone() {
    i=0
    while [ $i -lt 100 ]; do
        if ! kill -0 "$1" 2>/dev/null; then return 0; fi
        case $(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null) in Z | X | "") return 0 ;; esac
        sleep 0.05
        i=$((i + 1))
    done
    return 1
}

# --- the fake worker and the boot files ---
if ! "${CC:-gcc}" -std=gnu11 -O1 -Wall -Wextra -Werror -I"$here/../../tools/lib" \
    -o "$tmp/bin/fake_vmwp" "$here/fake_vmwp.c" "$here/../../tools/vmwp/control.c" \
    "$here/../../tools/lib/percent.c" 2>"$tmp/cc.log"; then
    echo "Bail out! cannot build tests/hvctl/fake_vmwp.c: $(cat "$tmp/cc.log")"
    exit 1
fi
echo "not a kernel" >"$tmp/boot/vmlinuz"
echo "not an initrd" >"$tmp/boot/initrd.img"
mkdir "$tmp/boot/dir"
kernel="$tmp/boot/vmlinuz"
initrd="$tmp/boot/initrd.img"

# --- help and version ---
hv --version
expect_match "--version prints the version" '^hvctl \(hvcore\) [0-9]+\.[0-9]+$' "$out"
hv --help
if [ "$rc" -eq 0 ]; then
    missing=""
    for c in create set show delete start stop pause resume status list console kvp disk switch \
        nic ide; do
        printf '%s\n' "$out" | grep -qE "^  $c( |$)" || missing="$missing $c"
    done
    if [ -z "$missing" ]; then pass "--help lists every command"; else
        fail "--help lists every command" "missing:$missing"; fi
else
    fail "--help lists every command" "exit status $rc"
fi
expect_match "--help names the state directory and its variable" \
    'HVCORE_STATE_DIR.*/var/lib/hvcore' "$out"
# Every option of every command is in that command's --help.
for spec in "create --kernel --initrd --memory --cpus --cmdline --disk --nic vlan= mac= legacy \
    --generation --firmware --ide C:D=PATH readonly dvd .iso" \
    "set --memory --cpus --kernel --initrd --no-initrd --cmdline --firmware" \
    "stop --turn-off --timeout --force" "list --json HEARTBEAT" "console --log Ctrl-]" \
    "kvp --set KEY=VALUE" "show" "delete" "start" "pause" "resume" "status"; do
    set -- $spec
    cmd=$1
    shift
    hv "$cmd" --help
    missing=""
    for opt in "$@"; do
        printf '%s\n' "$out" | grep -qF -- "$opt" || missing="$missing $opt"
    done
    if [ "$rc" -eq 0 ] && [ -z "$err" ] && [ -n "$out" ] && [ -z "$missing" ]; then
        pass "$cmd --help documents ${*:-the command}"
    else
        fail "$cmd --help documents ${*:-the command}" "exit status $rc, missing:$missing" "$out"
    fi
done
hv help start
expect_match "help COMMAND is COMMAND --help" '^Usage: hvctl start NAME' "$out"
for spec in "create PATH --size --fixed --dynamic --parent --block-size" "info PATH" \
    "convert IN OUT --fixed --dynamic" "compact PATH" "expand PATH --size" \
    "attach NAME PATH --readonly --lun" "detach NAME --lun" "list NAME"; do
    set -- $spec
    cmd=$1
    shift
    hv disk "$cmd" --help
    missing=""
    for opt in "$@"; do
        printf '%s\n' "$out" | grep -qF -- "$opt" || missing="$missing $opt"
    done
    if [ "$rc" -eq 0 ] && [ -z "$err" ] && [ -z "$missing" ] &&
        printf '%s\n' "$out" | grep -q "^Usage: hvctl disk $cmd "; then
        pass "disk $cmd --help documents $*"
    else
        fail "disk $cmd --help documents $*" "exit status $rc, missing:$missing" "$out"
    fi
done
hv help disk
expect_match "help disk lists the disk commands" '^  attach NAME PATH' "$out"
for spec in "switch create --type internal private external --address --nic --mtu" \
    "switch list STATE ADDRESS/NIC VMS" "switch delete NAME" "nic add NAME SWITCH vlan= mac= legacy" \
    "nic remove NAME INDEX" "nic list NAME" "ide set NAME C:D=PATH readonly dvd .iso" \
    "ide remove NAME C:D" "ide list NAME SLOT MEDIA"; do
    set -- $spec
    group=$1 cmd=$2
    shift 2
    hv "$group" "$cmd" --help
    missing=""
    for opt in "$@"; do
        printf '%s\n' "$out" | grep -qF -- "$opt" || missing="$missing $opt"
    done
    if [ "$rc" -eq 0 ] && [ -z "$err" ] && [ -z "$missing" ] &&
        printf '%s\n' "$out" | grep -q "^Usage: hvctl $group $cmd"; then
        pass "$group $cmd --help documents $*"
    else
        fail "$group $cmd --help documents $*" "exit status $rc, missing:$missing" "$out"
    fi
done
hv help switch
expect_match "help switch lists the switch commands" '^  delete NAME' "$out"
hv help nic
expect_match "help nic lists the nic commands" '^  add NAME SWITCH' "$out"
hv help ide
expect_match "help ide lists the ide commands" '^  set NAME C:D=PATH' "$out"
hv create --help
expect_match "create --help documents --disk" '^  --disk PATH\[,readonly\]$' "$out"

# --- usage errors: exit status 2 ---
expect_error "no command: usage error" 2 "no command given" 
expect_error "unknown command: usage error" 2 "unknown command 'frobnicate'" frobnicate
expect_error "unknown option: usage error" 2 "create: unknown option --colour" \
    create web --kernel "$kernel" --colour red
expect_error "create without --kernel: usage error" 2 "create: --kernel PATH is required" \
    create web
expect_error "option without its value: usage error" 2 "create: --memory needs a value" \
    create web --kernel "$kernel" --memory
expect_error "missing VM name: usage error" 2 "start: missing the VM name" start
expect_error "set with nothing to set: usage error" 2 "set: nothing to change" set web
expect_error "stop --turn-off with --timeout: usage error" 2 \
    "stop: --turn-off does not wait for the guest: --timeout goes without it" \
    stop --turn-off --timeout 5 web
expect_error "stop --turn-off with --force: usage error" 2 \
    "stop: --turn-off does not wait for the guest: --force goes without it" \
    stop web --force --turn-off
expect_error "stop --timeout without its value: usage error" 2 "stop: --timeout needs a value" \
    stop web --timeout
expect_error "kvp without a name: usage error" 2 "kvp: missing the VM name" kvp
expect_error "kvp --set without its value: usage error" 2 "kvp: --set needs a value" kvp web --set
expect_error "kvp with a stray argument: usage error" 2 "kvp: unexpected argument 'a=b'" \
    kvp web a=b

# --- an empty list ---
hv list
expect_out "list with no VMs prints the header" "NAME  STATE  CPUS  MEMORY  UPTIME  HEARTBEAT"
hv list --json
expect_out "list --json with no VMs prints []" "[]"

# --- create ---
expect_ok "create web with every option" create web --memory 1G --cpus 2 \
    --kernel "$kernel" --initrd "$initrd" --cmdline "console=ttyS0 root=/dev/vda a=b"
expected_conf="name=web
memory=1073741824
cpus=2
kernel=$kernel
initrd=$initrd
cmdline=console=ttyS0 root=/dev/vda a=b"
got_conf=$(grep -v '^#' "$state/vms/web/vm.conf" 2>&1)
if [ "$got_conf" = "$expected_conf" ]; then pass "vm.conf holds the contract's keys"; else
    fail "vm.conf holds the contract's keys" "expected:" "$expected_conf" "got:" "$got_conf"; fi
leftovers=$(ls -A "$state/vms/web")
if [ "$leftovers" = "vm.conf" ]; then pass "no temporary file is left next to vm.conf"; else
    fail "no temporary file is left next to vm.conf" "$leftovers"; fi

# Relative paths become absolute; the defaults are 512M, 1 CPU, console=ttyS0.
(cd "$tmp/boot" && "$HVCTL" create db --kernel vmlinuz >"$tmp/out" 2>"$tmp/err")
rc=$?
if [ $rc -eq 0 ] && [ "$(grep -v '^#' "$state/vms/db/vm.conf")" = "name=db
memory=536870912
cpus=1
kernel=$kernel
cmdline=console=ttyS0" ]; then
    pass "create with defaults and a relative kernel path"
else
    fail "create with defaults and a relative kernel path" "exit status $rc" "$(cat "$tmp/err")" \
        "$(cat "$state/vms/db/vm.conf")"
fi
hv create many --kernel "$kernel" --cpus 64
if [ "$rc" -eq 0 ] && [ "$(nproc)" -lt 64 ]; then
    expect_match "more CPUs than the parent has: allowed, with a warning" \
        '^hvctl: warning: many has 64 virtual CPUs, more than the parent' "$err"
else
    check "more CPUs than the parent has: allowed" [ "$rc" -eq 0 ]
fi
expect_ok "delete many" delete many

# --- create errors: each says what was wrong and changes nothing ---
expect_error "duplicate name" 1 "a VM named 'web' already exists" create web --kernel "$kernel"
expect_error "duplicate name, whatever the options" 1 "a VM named 'web' already exists" \
    create web --kernel "$tmp/boot/nope" --memory 1X
expect_error "name with a slash" 1 "invalid VM name 'a/b': contains '/'" create a/b --kernel "$kernel"
expect_error "name starting with a dot" 1 "invalid VM name '.web': must start with a letter or a digit" \
    create .web --kernel "$kernel"
expect_error "name of 64 characters" 1 "invalid VM name '.*': is 64 characters long" \
    create aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa --kernel "$kernel"
expect_error "size with an unknown suffix" 1 "--memory 12X is not a size" \
    create x --kernel "$kernel" --memory 12X
expect_error "size with a fraction" 1 "--memory 1.5G is not a size" \
    create x --kernel "$kernel" --memory 1.5G
expect_error "size without a suffix is bytes" 1 "--memory 512 is not a multiple of 1M \(sizes without a suffix are in bytes\)" \
    create x --kernel "$kernel" --memory 512
expect_error "size not a multiple of 1M" 1 "--memory 65537K is not a multiple of 1M" \
    create x --kernel "$kernel" --memory 65537K
expect_error "size below 64M" 1 "--memory 32M is less than the minimum, 64M" \
    create x --kernel "$kernel" --memory 32M
expect_error "size above the parent's RAM" 1 "--memory 64T is more than the parent's total RAM \([0-9.]+[KMGT]\)" \
    create x --kernel "$kernel" --memory 64T
expect_error "cpus 0" 1 "--cpus 0 is out of range \(1 to 64\)" create x --kernel "$kernel" --cpus 0
expect_error "cpus 65" 1 "--cpus 65 is out of range \(1 to 64\)" create x --kernel "$kernel" --cpus 65
expect_error "cpus not a number" 1 "--cpus two is not a whole number" create x --kernel "$kernel" --cpus two
expect_error "missing kernel" 1 "--kernel $tmp/boot/nope: No such file or directory" \
    create x --kernel "$tmp/boot/nope"
expect_error "kernel is a directory" 1 "--kernel $tmp/boot/dir: is a directory, not a file" \
    create x --kernel "$tmp/boot/dir"
expect_error "kernel is not a regular file" 1 "--kernel /dev/null: is not a regular file" \
    create x --kernel /dev/null
expect_error "missing initrd" 1 "--initrd nope.img: No such file or directory" \
    create x --kernel "$kernel" --initrd nope.img
expect_error "cmdline with a newline" 1 "--cmdline contains a control character" \
    create x --kernel "$kernel" --cmdline "a
b"
if [ "$(id -u)" -ne 0 ]; then
    cp "$kernel" "$tmp/boot/secret" && chmod 0 "$tmp/boot/secret"
    expect_error "unreadable kernel" 1 "--kernel $tmp/boot/secret: Permission denied" \
        create x --kernel "$tmp/boot/secret"
fi
HVCORE_STATE_DIR=relative/state expect_error "relative HVCORE_STATE_DIR" 1 \
    "HVCORE_STATE_DIR=relative/state is not an absolute path" list

# --- list, show ---
hv list
expect_out "list: a table sorted by name" "NAME  STATE  CPUS  MEMORY  UPTIME  HEARTBEAT
db    off    1     512M    -       -
web   off    2     1G      -       -"
hv list --json
expect_out "list --json: the contract's objects" '[
  {"name": "db", "state": "off", "cpus": 1, "memory_bytes": 536870912, "uptime_s": null, "heartbeat": null},
  {"name": "web", "state": "off", "cpus": 2, "memory_bytes": 1073741824, "uptime_s": null, "heartbeat": null}
]'
hv show web
expect_out "show prints the configuration" "name:       web
state:      off
generation: 2
memory:     1G (1073741824 bytes)
cpus:       2
kernel:     $kernel
initrd:     $initrd
cmdline:    console=ttyS0 root=/dev/vda a=b
config:     $state/vms/web/vm.conf"
expect_error "show of a VM that does not exist" 1 "no VM named 'nope'" show nope
expect_error "show of an invalid name" 1 "invalid VM name 'a b'" show "a b"

# --- set ---
expect_ok "set memory, cpus and cmdline" set web --memory 2G --cpus 1 --cmdline "quiet"
got_conf=$(grep -E '^(memory|cpus|cmdline|initrd)=' "$state/vms/web/vm.conf")
if [ "$got_conf" = "memory=2147483648
cpus=1
initrd=$initrd
cmdline=quiet" ]; then pass "set changes what is given and keeps the rest"; else
    fail "set changes what is given and keeps the rest" "$got_conf"; fi
expect_ok "set --no-initrd" set web --no-initrd
check "set --no-initrd removes the initrd line" sh -c "! grep -q '^initrd=' '$state/vms/web/vm.conf'"
expect_ok "set --initrd puts it back" set web --initrd "$initrd"
check "set --initrd writes the path" grep -qx "initrd=$initrd" "$state/vms/web/vm.conf"
expect_error "set with a bad size" 1 "--memory 3X is not a size" set web --memory 3X
expect_error "set with a good and a bad value changes neither" 1 "--kernel .*: No such file" \
    set web --cpus 4 --kernel "$tmp/boot/nope"
expect_error "set of a VM that does not exist" 1 "no VM named 'nope'" set nope --cpus 2
expect_error "set --initrd with --no-initrd" 2 "set: --initrd and --no-initrd contradict" \
    set web --initrd "$initrd" --no-initrd

# --- power operations on an off VM ---
expect_error "stop of an off VM" 1 "web is not running" stop web
expect_error "stop of a VM that does not exist" 1 "no VM named 'nope'" stop nope
expect_error "kvp of an off VM" 1 "web is not running" kvp web
expect_error "kvp --set on an off VM" 1 "web is not running" kvp web --set a=b
expect_error "kvp of a VM that does not exist" 1 "no VM named 'nope'" kvp nope
expect_error "stop --turn-off of an off VM" 1 "web is not running" stop --turn-off web
expect_error "pause of an off VM" 1 "web is not running" pause web
expect_error "resume of an off VM" 1 "web is not running" resume web
expect_error "console of an off VM" 1 "web is not running" console web
expect_error "console --log before any start" 1 "web has no console log" console web --log
expect_error "start of a VM that does not exist" 1 "no VM named 'nope'" start nope
hv status web
expect_out "status of an off VM" "off"

# --- start ---
expect_ok "start web" start web
pid=$(cat "$run/web/vmwp.pid" 2>/dev/null)
check "the worker runs and wrote its pid file" kill -0 "${pid:-0}"
log=$(cat "$run/web/vmwp.log" 2>/dev/null)
expect_match "the worker is a session leader" '^fake vmwp: pid [0-9]+, session leader$' "$log"
expect_match "the worker's stdin is /dev/null" '^fake vmwp: stdin is /dev/null$' "$log"
expect_match "the worker gets --config and --run-dir" \
    "^fake vmwp: 4 arguments: --config $state/vms/web/vm.conf --run-dir $run/web\$" "$log"
hv status web
expect_out "status of a running VM" "running"
hv list
expect_match "list shows it running with its uptime and heartbeat" \
    '^web +running +1 +2G +[0-9]+s +OK$' "$out"
hv list --json
expect_match "list --json gives its uptime_s and heartbeat" \
    '"name": "web", "state": "running", "cpus": 1, "memory_bytes": 2147483648, "uptime_s": [0-9]+, "heartbeat": "ok"\}' "$out"
hv show web
expect_match "show gives the state and uptime" '^state: +running \(up [0-9]+s\)$' "$out"

expect_error "start of a running VM" 1 "web is already running" start web
expect_error "delete of a running VM" 1 "web is running: turn it off first" delete web
expect_error "set of a running VM" 1 "web is running: turn it off first" set web --cpus 2

# --- pause, resume ---
expect_ok "pause" pause web
hv status web
expect_out "status after pause" "paused"
hv list
expect_match "list shows it paused" '^web +paused ' "$out"
expect_error "pause of a paused VM" 1 "web is paused already" pause web
expect_error "start of a paused VM" 1 "web is already running \(paused" start web
expect_ok "resume" resume web
hv status web
expect_out "status after resume" "running"
expect_error "resume of a running VM" 1 "web is not paused" resume web

# --- console ---
expect_ok "console with nothing to send ends by itself" console web </dev/null
printf 'hello guest\n' | "$HVCTL" console web >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc -eq 0 ] && grep -qx 'hello guest' "$tmp/out" && [ ! -s "$tmp/err" ]; then
    pass "console relays stdin to the guest and back, and ends at the end of stdin"
else
    fail "console relays stdin to the guest and back" "exit status $rc" "$(cat "$tmp/out" "$tmp/err")"
fi
# On a terminal (a pty from script(1)): raw mode, the detach hint, Ctrl-]
# detaches, and the terminal's settings are as before.
if command -v script >/dev/null 2>&1; then
    (sleep 0.5; printf 'typed on a tty\r'; sleep 0.5; printf '\035') |
        script -qec "stty -g; '$HVCTL' console web; echo status=\$?; stty -g" /dev/null \
            >"$tmp/tty.out" 2>&1
    tty_out=$(tr -d '\r' <"$tmp/tty.out")
    expect_match "console on a terminal says how to detach" \
        "^Connected to web's console. Detach with Ctrl-\]" "$tty_out"
    # Raw mode: the terminal does not echo, so the line comes back once, from the guest.
    if [ "$(printf '%s\n' "$tty_out" | grep -c 'typed on a tty')" -eq 1 ]; then
        pass "console on a terminal is in raw mode: keys go to the guest, unechoed"
    else
        fail "console on a terminal is in raw mode" "$tty_out"
    fi
    expect_match "Ctrl-] detaches, exit status 0" "^Detached from web's console.\$" "$tty_out"
    expect_match "... with exit status 0" '^status=0$' "$tty_out"
    settings=$(printf '%s\n' "$tty_out" | grep -E '^[0-9a-f]+(:[0-9a-f]+){10,}$')
    if [ "$(printf '%s\n' "$settings" | wc -l)" -eq 2 ] &&
        [ "$(printf '%s\n' "$settings" | sort -u | wc -l)" -eq 1 ]; then
        pass "the terminal's settings are restored after detaching"
    else
        fail "the terminal's settings are restored after detaching" "$tty_out"
    fi
else
    for what in "says how to detach" "is in raw mode" "Ctrl-] detaches" "exit status 0" \
        "settings are restored"; do
        pass "console on a terminal $what # SKIP script(1) is not installed"
    done
fi
hv console web --log
expect_match "console --log prints the guest's output" '^fake guest: booting with 1 CPUs' "$out"
expect_match "console --log has what was typed" '^hello guest$' "$out"

# --- kvp: the guest's pairs, decoded and escaped ---
hv kvp web
expect_out "kvp prints the guest's pairs, one per line, escaped" 'auto FullyQualifiedDomainName web.example.org
auto OSName Debian GNU/Linux 12 (bookworm)
auto NetworkAddressIPv4 10.0.0.2;10.0.0.3
guest key\x20with\x20spaces a=b 100% \tx\ny
guest escape \x1b[2Jcleared?
guest grüß € 5'
check "kvp exits 0 and says nothing on stderr" [ "$rc" -eq 0 -a -z "$err" ]
expect_ok "kvp --set" kvp web --set "HostName=web host"
expect_match "the worker got the pair" '^fake vmwp: kvp-set key=\[HostName\] value=\[web host\]$' \
    "$(cat "$run/web/vmwp.log")"
expect_ok "kvp --set with '=', '%', ':', a tab and UTF-8" kvp web --set "a:b=c=d%	é"
expect_match "the worker got them decoded" \
    '^fake vmwp: kvp-set key=\[a:b\] value=\[c=d%\\x09\\xc3\\xa9\]$' "$(cat "$run/web/vmwp.log")"
expect_ok "kvp --set with an empty value" kvp web --set "Empty="
long_value=$(printf '%01023d' 0)
expect_ok "kvp --set with a 1023-character value" kvp web --set "Long=$long_value"
expect_match "the worker got all of it" "^fake vmwp: kvp-set key=\[Long\] value=\[$long_value\]\$" \
    "$(cat "$run/web/vmwp.log")"
expect_error "kvp --set without '='" 1 "--set HostName: not KEY=VALUE" kvp web --set HostName
expect_error "kvp --set with an empty key" 1 "--set: the key is empty" kvp web --set =v
expect_error "kvp --set with a 1024-character value" 1 \
    "--set: the value is longer than 1023 characters" kvp web --set "Long=${long_value}0"
expect_error "kvp --set with a 256-character key" 1 "--set: the key is longer than 255 characters" \
    kvp web --set "$(printf '%0256d' 0)=v"
expect_error "kvp --set with a key of 513 bytes of UTF-8" 1 \
    "--set: the key is longer than 511 bytes in UTF-8" kvp web --set "$(printf '€%.0s' $(seq 171))=v"
expect_error "kvp --set that is not UTF-8" 1 "--set: the value is not valid UTF-8" \
    kvp web --set "$(printf 'k=\377')"

# --- a graceful stop: the guest shuts down ---
pid=$(cat "$run/web/vmwp.pid" 2>/dev/null)
expect_ok "stop: the guest shuts down" stop web
check "the worker is gone after stop" wait_gone "${pid:-0}"
expect_match "the worker got shutdown" '^fake vmwp: control: shutdown$' "$(cat "$run/web/vmwp.log")"
check "its pid file and sockets are removed after stop" \
    sh -c "! ls '$run/web/vmwp.pid' '$run/web/control.sock' '$run/web/console.sock' 2>/dev/null"
hv status web
expect_out "status after a graceful stop" "off"
expect_error "stop of a VM that has stopped" 1 "web is not running" stop web

# --- the heartbeat as the worker reports it ---
FAKE_VMWP_HEARTBEAT=lost expect_ok "start with a lost heartbeat" start web
hv list
expect_match "list shows a lost heartbeat" '^web +running +1 +2G +[0-9]+s +lost$' "$out"
expect_ok "stop it" stop web
FAKE_VMWP_HEARTBEAT=none expect_ok "start with no heartbeat yet" start web
hv list
expect_match "list shows no contact" '^web +running +1 +2G +[0-9]+s +no contact$' "$out"
hv list --json
expect_match "list --json shows none" '"heartbeat": "none"\}' "$out"

# --- a paused VM cannot shut down ---
expect_ok "pause it" pause web
expect_error "stop of a paused VM says to resume it or turn it off" 1 \
    "cannot shut web down: it is paused, so its guest cannot shut down \(hvctl resume continues it\); nothing done: hvctl stop --turn-off web powers it off at once" \
    stop web
expect_ok "resume it" resume web
expect_error "stop --timeout 0" 1 "--timeout 0 is not a number of seconds from 1 to 86400" \
    stop --timeout 0 web
expect_error "stop --timeout that is not a number" 1 \
    "--timeout 1m is not a number of seconds from 1 to 86400" stop --timeout 1m web
expect_error "stop --timeout past a day" 1 \
    "--timeout 86401 is not a number of seconds from 1 to 86400" stop --timeout 86401 web
expect_ok "stop it again" stop web

# --- a guest without a shutdown service ---
FAKE_VMWP_MODE=no-shutdown expect_ok "start a guest without a shutdown service" start web
pid=$(cat "$run/web/vmwp.pid" 2>/dev/null)
expect_error "stop says there is no shutdown service and what to do" 1 \
    "cannot shut web down: its guest has no shutdown service \(is hv_utils loaded\?\); nothing done: hvctl stop --turn-off web powers it off at once\$" \
    stop web
hv status web
expect_out "it still runs" "running"
hv stop --force web
if [ "$rc" -eq 0 ] && [ "$err" = "hvctl: warning: cannot shut web down: its guest has no shutdown service (is hv_utils loaded?): turning it off (--force)" ]; then
    pass "stop --force turns it off, with a warning"
else
    fail "stop --force turns it off, with a warning" "exit status $rc" "$err"
fi
check "the worker is gone after stop --force" wait_gone "${pid:-0}"
expect_match "it was turned off with stop" '^fake vmwp: control: stop$' "$(cat "$run/web/vmwp.log")"
hv status web
expect_out "off after stop --force" "off"

# --- a guest that takes the request but does not go down ---
FAKE_VMWP_MODE=ignore-shutdown expect_ok "start a guest that does not shut down" start web
pid=$(cat "$run/web/vmwp.pid" 2>/dev/null)
expect_error "stop --timeout 1: it did not shut down in time" 1 \
    "web did not shut down within 1 s \(its guest may still be shutting down\): hvctl stop --turn-off web powers it off at once\$" \
    stop --timeout 1 web
hv status web
expect_out "it still runs after the timeout" "running"
# On a terminal, and only there, the wait shows a count.
if command -v script >/dev/null 2>&1; then
    script -qec "'$HVCTL' stop --timeout 2 web" /dev/null >"$tmp/tty.out" 2>&1
    expect_match "on a terminal, stop shows that it waits" "Waiting for web to shut down: [0-9]s of 2s" \
        "$(tr '\r' '\n' <"$tmp/tty.out")"
else
    pass "on a terminal, stop shows that it waits # SKIP script(1) is not installed"
fi
hv stop --timeout 1 --force web
if [ "$rc" -eq 0 ] && [ "$err" = "hvctl: warning: web did not shut down within 1 s: turning it off (--force)" ]; then
    pass "stop --timeout 1 --force turns it off after the timeout, with a warning"
else
    fail "stop --timeout 1 --force turns it off after the timeout" "exit status $rc" "$err"
fi
check "the worker is gone after the forced stop" wait_gone "${pid:-0}"
check "its files are removed after the forced stop" \
    sh -c "! ls '$run/web/vmwp.pid' '$run/web/control.sock' '$run/web/console.sock' 2>/dev/null"

# --- a guest that crashes on its way down ---
FAKE_VMWP_MODE=shutdown-crash expect_ok "start a guest that crashes when it shuts down" start web
hv stop web
if [ "$rc" -eq 0 ] && [ "$err" = "hvctl: warning: web crashed while shutting down: guest triple fault (vp 0, rip 0x1234)" ]; then
    pass "stop of a guest that crashes going down: done, with a warning"
else
    fail "stop of a guest that crashes going down: done, with a warning" "exit status $rc" "$err"
fi
hv status web
expect_out "and it is crashed" "crashed"

# --- kvp: none, more than a reply holds, refused ---
FAKE_VMWP_KVP=none expect_ok "start a guest without pairs" start web
hv kvp web
check "kvp of a guest without pairs prints nothing" [ "$rc" -eq 0 -a -z "$out" -a -z "$err" ]
expect_ok "stop it" stop web
FAKE_VMWP_KVP=many expect_ok "start a guest with many pairs" start web
hv kvp web
lines=$(printf '%s\n' "$out" | wc -l)
if [ "$rc" -eq 0 ] && [ "$lines" -gt 10 ] && [ "$lines" -lt 200 ] &&
    [ "$err" = "hvctl: warning: web has 200 pairs: only the first $lines fit in the worker's reply" ] &&
    [ "$(printf '%s\n' "$out" | head -n 1 | cut -c1-20)" = "guest key000 vvvvvvv" ]; then
    pass "kvp of more pairs than a reply holds: the first ones, with a warning"
else
    fail "kvp of more pairs than a reply holds" "exit status $rc, $lines lines" "$err"
fi
expect_ok "stop it" stop web
FAKE_VMWP_KVP=full expect_ok "start a guest whose host pairs are full" start web
expect_error "kvp --set refused by the worker" 1 \
    "cannot give web the pair: the guest has as many host-to-guest KVP pairs as it can take" \
    kvp web --set a=b
expect_ok "stop it" stop web

# --- stop --turn-off ---
expect_ok "start web again" start web
pid=$(cat "$run/web/vmwp.pid" 2>/dev/null)
expect_ok "stop --turn-off" stop --turn-off web
check "the worker is gone" wait_gone "$pid"
check "its pid file and sockets are removed" \
    sh -c "! ls '$run/web/vmwp.pid' '$run/web/control.sock' '$run/web/console.sock' 2>/dev/null"
check "its logs stay" test -s "$run/web/vmwp.log" -a -s "$run/web/console.log"
hv status web
expect_out "status after stop" "off"
hv list
expect_match "list shows it off, no uptime, no heartbeat" '^web +off +1 +2G +- +-$' "$out"
hv console web --log
expect_match "console --log still works once it is off" '^hello guest$' "$out"

# --- a worker that does not start ---
FAKE_VMWP_MODE=fail expect_error "a worker that fails: its last line is the error" 1 \
    "web did not start: fake vmwp: /dev/vid: No such file or directory$" start web
hv status web
expect_out "after a failed start the VM is off" "off"
FAKE_VMWP_MODE=fail-lines hv start web
first=$(printf '%s\n' "$err" | head -n 1)
if [ "$rc" -eq 1 ] && printf '%s\n' "$first" | grep -qE \
    "^hvctl: web did not start: the worker exited with status 3; the end of $run/web/vmwp.log:$" &&
    [ "$(printf '%s\n' "$err" | tail -n +2)" = "$(seq 5 14 | sed 's/^/  fake vmwp: failure line /')" ]; then
    pass "a worker that fails with a long log: the last 10 lines"
else
    fail "a worker that fails with a long log: the last 10 lines" "exit status $rc" "$err"
fi
HVCORE_VMWP="$tmp/boot/vmlinuz" expect_error "HVCORE_VMWP not executable" 1 \
    "HVCORE_VMWP=$tmp/boot/vmlinuz: not an executable file" start web
mv "$kernel" "$kernel.moved"
expect_error "start when the kernel has gone" 1 "cannot start web: kernel $kernel: No such file" \
    start web
mv "$kernel.moved" "$kernel"

# --- a slow worker: start waits for the pid file ---
FAKE_VMWP_DELAY_MS=700 hv start web
check "start waits for a slow worker's pid file" [ "$rc" -eq 0 -a -s "$run/web/vmwp.pid" ]
hv status web
expect_out "the slow worker is running" "running"

# --- a worker that dies by itself: stale files mean off ---
pid=$(cat "$run/web/vmwp.pid")
kill -9 "$pid"
wait_gone "$pid"
hv status web
expect_out "a dead worker's VM is off" "off"
check "the dead worker's pid file and sockets are cleaned" \
    sh -c "! ls '$run/web/vmwp.pid' '$run/web/control.sock' '$run/web/console.sock' 2>/dev/null"

# --- a worker that stopped on a guest fault left a crash record ---
echo "guest triple fault (vp 0, rip 0x1234)" >"$run/web/crashed"
hv status web
expect_out "a crash record means crashed" "crashed"
hv list
expect_match "list shows a crashed VM as crashed" '^web +crashed ' "$out"
hv list --json
expect_match "list --json shows it too" '"name": "web", "state": "crashed"' "$out"
hv show web
expect_match "show gives the crash's reason" \
    '^state: +crashed \(guest triple fault \(vp 0, rip 0x1234\)\)$' "$out"
expect_error "pause of a crashed VM" 1 "web is not running \(it crashed\)" pause web
expect_error "stop --turn-off of a crashed VM" 1 "web is not running" stop --turn-off web
expect_ok "a crashed VM starts again" start web
hv status web
expect_out "and runs" "running"
check "starting it removed the crash record" [ ! -e "$run/web/crashed" ]
expect_ok "stop --turn-off after the restart" stop --turn-off web

# A guest that crashes before hvctl sees the pid file: started, then crashed.
FAKE_VMWP_MODE=crash hv start web
if [ "$rc" -eq 0 ] && [ "$err" = \
    "hvctl: warning: web crashed right after it started: guest triple fault (vp 0, rip 0x1234)" ]; then
    pass "a guest that crashes at once: start succeeds, with a warning"
else
    fail "a guest that crashes at once: start succeeds, with a warning" "exit status $rc" "$err"
fi
hv status web
expect_out "and it is crashed" "crashed"
expect_ok "it starts again" start web
expect_ok "and turns off" stop --turn-off web

# A pid file naming a live process that is not a worker: off, and it is not killed.
sleep 60 &
bystander=$!
echo "$bystander" >"$run/web/vmwp.pid"
hv list
expect_match "a pid file naming another process means off" '^web +off ' "$out"
expect_error "stop --turn-off does not kill a stranger" 1 "web is not running" stop --turn-off web
check "the stranger is still alive" kill -0 "$bystander"
kill "$bystander"
bystander=""

# --- a worker that ignores stop is killed after 10 s ---
FAKE_VMWP_MODE=ignore-stop hv start web
pid=$(cat "$run/web/vmwp.pid" 2>/dev/null)
hv stop --turn-off web
if [ "$rc" -eq 0 ] && printf '%s\n' "$err" | grep -qE \
    "^hvctl: warning: web's worker \(pid $pid\) did not exit within 10 s of stop: killing it$"; then
    pass "a worker that ignores stop is killed, with a warning"
else
    fail "a worker that ignores stop is killed, with a warning" "exit status $rc" "$err"
fi
check "the stubborn worker is gone" wait_gone "${pid:-0}"

# --- the worker found next to hvctl ---
mkdir "$tmp/bin2"
cp "$HVCTL" "$tmp/bin2/hvctl"
cp "$tmp/bin/fake_vmwp" "$tmp/bin2/vmwp"
(unset HVCORE_VMWP; PATH=/usr/bin:/bin "$tmp/bin2/hvctl" start web >"$tmp/out" 2>"$tmp/err")
rc=$?
if [ $rc -eq 0 ] && grep -q "pid $(cat "$run/web/vmwp.pid" 2>/dev/null)," "$run/web/vmwp.log"; then
    pass "without HVCORE_VMWP, the vmwp next to hvctl is used"
else
    fail "without HVCORE_VMWP, the vmwp next to hvctl is used" "exit status $rc" "$(cat "$tmp/err")"
fi
expect_ok "stop --turn-off it" stop --turn-off web
# A copy of hvctl alone in its directory: the build directory may hold a real vmwp.
mkdir "$tmp/bin3"
cp "$HVCTL" "$tmp/bin3/hvctl"
(unset HVCORE_VMWP; cd /; PATH=/nonexistent "$tmp/bin3/hvctl" start web >"$tmp/out" 2>"$tmp/err")
if [ $? -eq 1 ] && grep -qE '^hvctl: cannot find the worker program vmwp' "$tmp/err"; then
    pass "no worker anywhere: said so"
else
    fail "no worker anywhere: said so" "$(cat "$tmp/err")"
fi

# --- disks: images (hvctl disk create, info, convert, expand, compact) ---
mkdir "$tmp/disks"
dd=$(realpath "$tmp/disks")
expect_ok "disk create: raw" disk create "$dd/raw.img" --size 8M
check "a raw image has the disk's size" test "$(stat -c %s "$dd/raw.img")" -eq 8388608
expect_ok "disk create: .vhd, dynamic by default" disk create "$dd/web.vhd" --size 16M
expect_ok "disk create: .vhd --fixed" disk create "$dd/fixed.vhd" --size 4M --fixed
expect_ok "disk create: .vhdx" disk create "$dd/web.vhdx" --size 20G
expect_ok "disk create: .vhdx --fixed --block-size" disk create "$dd/small.vhdx" --size 8M \
    --block-size 1M --fixed
expect_ok "disk create: a differencing .vhd on a parent" disk create "$dd/child.vhd" \
    --parent "$dd/web.vhd"
expect_ok "disk create: a differencing .vhdx on a parent" disk create "$dd/child.vhdx" \
    --parent "$dd/web.vhdx"
hv disk info "$dd/web.vhdx"
if [ "$rc" -eq 0 ] && [ -z "$err" ] && printf '%s\n' "$out" | grep -qx "path: *$dd/web.vhdx" &&
    printf '%s\n' "$out" | grep -qx 'format: *VHDX' &&
    printf '%s\n' "$out" | grep -qx 'type: *dynamic' &&
    printf '%s\n' "$out" | grep -qx 'virtual size: *20G (21474836480 bytes)' &&
    printf '%s\n' "$out" | grep -qE '^file size: +[0-9.]+[KMG]? \([0-9]+ bytes\), [0-9.]+[KMGB]+ allocated$' &&
    printf '%s\n' "$out" | grep -qx 'block size: *32M' &&
    printf '%s\n' "$out" | grep -qE '^sector size: +512 logical, (512|4096) physical$'; then
    pass "disk info: format, type, sizes, block and sector sizes"
else
    fail "disk info: format, type, sizes, block and sector sizes" "exit status $rc" "$out" "$err"
fi
hv disk info "$dd/web.vhd"
expect_match "disk info of a dynamic VHD" '^format: +VHD$' "$out"
expect_match "... with VHD's block size" '^block size: +2M$' "$out"
hv disk info "$dd/raw.img"
expect_match "disk info of a raw image: fixed" '^type: +fixed$' "$out"
expect_match "... without a block size" '^block size: +-$' "$out"
hv disk info "$dd/small.vhdx"
expect_match "disk info of a fixed VHDX" '^type: +fixed$' "$out"
hv disk info "$dd/child.vhd"
if [ "$rc" -eq 0 ] && printf '%s\n' "$out" | grep -qx 'type: *differencing' &&
    printf '%s\n' "$out" | grep -qx "parent: *$dd/web.vhd" &&
    printf '%s\n' "$out" | grep -qx "parent 1: *$dd/web.vhd" &&
    [ "$(printf '%s\n' "$out" | grep -c '^format: *VHD$')" -eq 2 ]; then
    pass "disk info of a differencing image: each level of its chain"
else
    fail "disk info of a differencing image: each level of its chain" "exit status $rc" "$out" "$err"
fi
hv disk info "$dd/child.vhdx"
expect_match "disk info of a differencing VHDX names its parent" "^parent 1: *$dd/web.vhdx\$" "$out"

expect_ok "disk convert: VHD to VHDX, no progress bar when stderr is not a terminal" \
    disk convert "$dd/child.vhd" "$dd/flat.vhdx"
hv disk info "$dd/flat.vhdx"
expect_match "the converted image is a dynamic VHDX" '^type: +dynamic$' "$out"
expect_match "... without a parent, of the source's size" '^virtual size: +16M ' "$out"
expect_ok "disk convert: raw to a fixed VHD" disk convert "$dd/raw.img" "$dd/raw-fixed.vhd" --fixed
hv disk info "$dd/raw-fixed.vhd"
expect_match "the converted VHD is fixed" '^type: +fixed$' "$out"
expect_ok "disk convert: VHDX to raw" disk convert "$dd/web.vhdx" "$dd/web-raw.img"
check "the raw copy has the VHDX's size" test "$(stat -c %s "$dd/web-raw.img")" -eq 21474836480
if command -v script >/dev/null 2>&1; then
    script -qec "'$HVCTL' disk convert '$dd/web.vhd' '$dd/tty.vhdx'" /dev/null >"$tmp/tty.out" 2>&1
    expect_match "on a terminal, convert shows a progress bar" 'Converting \[#* *\] +[0-9]+%' \
        "$(tr '\r' '\n' <"$tmp/tty.out")"
else
    pass "on a terminal, convert shows a progress bar # SKIP script(1) is not installed"
fi
expect_ok "disk expand" disk expand "$dd/web.vhd" --size 32M
hv disk info "$dd/web.vhd"
expect_match "the expanded disk is larger" '^virtual size: +32M \(33554432 bytes\)$' "$out"
expect_ok "disk expand of a VHDX" disk expand "$dd/web.vhdx" --size 40G
hv disk compact "$dd/flat.vhdx"
expect_match "disk compact says the file's size before and after" \
    "^$dd/flat.vhdx: file size [0-9.]+[KMG]? -> [0-9.]+[KMG]?\$" "$out"

expect_error "disk info of a missing file" 1 "$dd/nope.vhd: No such file or directory" \
    disk info "$dd/nope.vhd"
expect_error "disk create over an existing file" 1 "$dd/web.vhd already exists" \
    disk create "$dd/web.vhd" --size 1M
expect_error "disk convert to an existing file" 1 "$dd/web.vhdx already exists" \
    disk convert "$dd/web.vhd" "$dd/web.vhdx"
expect_error "disk convert of a missing file" 1 "$dd/nope.vhd: No such file" \
    disk convert "$dd/nope.vhd" "$dd/new.vhdx"
expect_error "disk create with a bad size" 1 "--size 12X is not a size" \
    disk create "$dd/new.vhd" --size 12X
expect_error "disk create with a size of bytes" 1 \
    "--size 1000 is not a multiple of 1M \(sizes without a suffix are in bytes\)" \
    disk create "$dd/new.vhd" --size 1000
expect_error "disk create on a missing parent" 1 ".*nope.vhd" \
    disk create "$dd/new.vhd" --parent "$dd/nope.vhd"
expect_error "disk expand with a bad size" 1 "--size 1.5G is not a size" \
    disk expand "$dd/web.vhd" --size 1.5G
expect_error "disk expand to a smaller size" 1 "cannot expand: " disk expand "$dd/web.vhd" --size 16M
expect_error "disk expand of a missing file" 1 "$dd/nope.vhd: No such file" \
    disk expand "$dd/nope.vhd" --size 1G
expect_error "disk create with an unknown option" 2 "disk create: unknown option --colour" \
    disk create "$dd/new.vhd" --size 1G --colour red
expect_error "disk create without --size" 2 "disk create: --size SIZE is required" \
    disk create "$dd/new.vhd"
expect_error "disk create --fixed --dynamic" 2 "disk create: --fixed and --dynamic contradict" \
    disk create "$dd/new.vhd" --size 1G --fixed --dynamic
expect_error "disk without a command" 2 "disk: missing the disk command" disk
expect_error "an unknown disk command" 2 "unknown disk command 'shrink'" disk shrink "$dd/web.vhd"
if command -v flock >/dev/null 2>&1; then
    # What a running VM does to its writable disk: an exclusive lock (held by this
    # shell on descriptor 9; hvctl's own open of the image is another).
    exec 9<"$dd/web.vhd"
    flock -x 9
    expect_error "disk compact of an image in use" 1 "cannot compact: .*in use" \
        disk compact "$dd/web.vhd"
    expect_error "disk expand of an image in use" 1 "cannot expand: .*in use" \
        disk expand "$dd/web.vhd" --size 64M
    expect_error "create --disk with an image in use" 1 "--disk $dd/web.vhd: .*in use" \
        create locked --kernel "$kernel" --disk "$dd/web.vhd"
    # A reader (a running VM's read-only disk, or a parent): not to be written elsewhere.
    flock -s 9
    expect_error "create --disk of an image a running VM reads" 1 \
        "--disk $dd/web.vhd: $dd/web.vhd is in use \(read-only" \
        create locked --kernel "$kernel" --disk "$dd/web.vhd"
    expect_ok "create --disk ...,readonly of an image a running VM reads" \
        create reader --kernel "$kernel" --disk "$dd/web.vhd,readonly"
    expect_ok "delete it" delete reader
    flock -u 9
    exec 9<&-
else
    for what in "disk compact" "disk expand" "create --disk" "create --disk (read)" \
        "create --disk ,readonly" "delete"; do
        pass "$what of an image in use # SKIP flock(1) is not installed"
    done
fi

# --- disks: create --disk, attach, detach, list while off ---
expect_ok "create with two --disk, one read-only" create store --kernel "$kernel" \
    --disk "$dd/web.vhdx" --disk "$dd/raw.img,readonly"
got=$(grep '^disk=' "$state/vms/store/vm.conf")
if [ "$got" = "disk=0,rw,$dd/web.vhdx
disk=1,ro,$dd/raw.img" ]; then pass "vm.conf has disk=LUN,MODE,PATH lines, LUNs in --disk order"; else
    fail "vm.conf has disk=LUN,MODE,PATH lines, LUNs in --disk order" "$got"; fi
(cd "$dd" && "$HVCTL" create rel --kernel "$kernel" --disk ./web.vhd --disk ../disks/small.vhdx \
    >"$tmp/out" 2>"$tmp/err")
got=$(grep '^disk=' "$state/vms/rel/vm.conf" 2>&1)
if [ "$got" = "disk=0,rw,$dd/web.vhd
disk=1,rw,$dd/small.vhdx" ]; then pass "create --disk makes relative paths absolute and canonical"; else
    fail "create --disk makes relative paths absolute and canonical" "$got" "$(cat "$tmp/err")"; fi
expect_ok "delete it" delete rel
expect_error "create --disk with a missing file" 1 "--disk $dd/nope.vhd: No such file or directory" \
    create x --kernel "$kernel" --disk "$dd/nope.vhd"
expect_error "create --disk with a bad suffix" 1 "--disk $dd/web.vhd,ro: unknown disk option 'ro'" \
    create x --kernel "$kernel" --disk "$dd/web.vhd,ro"
expect_error "create --disk with the same disk twice" 1 \
    "--disk $dd/web.vhd,readonly: x has $dd/web.vhd already \(LUN 0\)" \
    create x --kernel "$kernel" --disk "$dd/web.vhd" --disk "$dd/web.vhd,readonly"
expect_error "create --disk without a value" 2 "create: --disk needs a value" \
    create x --kernel "$kernel" --disk
hv show store
expect_match "show lists the disks" "^disk: +LUN 1, ro, $dd/raw.img\$" "$out"
hv disk list store
expect_out "disk list: LUN, mode, format, size, path" "LUN  MODE  FORMAT  SIZE    PATH
0    rw    VHDX    40G     $dd/web.vhdx
1    ro    raw     8M      $dd/raw.img"
hv disk attach store "$dd/web.vhd"
if [ "$rc" -eq 0 ] && [ -z "$err" ] && [ "$out" = "attached $dd/web.vhd to store at LUN 2" ] &&
    grep -qx "disk=2,rw,$dd/web.vhd" "$state/vms/store/vm.conf"; then
    pass "disk attach while off: the lowest free LUN, in vm.conf"
else
    fail "disk attach while off: the lowest free LUN, in vm.conf" "exit status $rc" "$out" "$err"
fi
expect_ok "disk attach --lun --readonly" disk attach store "$dd/small.vhdx" --lun 10 --readonly
check "vm.conf has it at LUN 10, read-only" grep -qx "disk=10,ro,$dd/small.vhdx" \
    "$state/vms/store/vm.conf"
expect_error "disk attach of a disk it has" 1 \
    "cannot attach $dd/web.vhd: store has $dd/web.vhd already \(LUN 2\)" \
    disk attach store "$dd/web.vhd"
expect_error "disk attach of a disk it has, by another path" 1 "cannot attach $dd/web.vhd: store has $dd/web.vhd already" \
    disk attach store "$dd/../disks/web.vhd" --readonly
expect_error "disk attach at a taken LUN" 1 "cannot attach $dd/fixed.vhd: store's LUN 10 is taken by $dd/small.vhdx" \
    disk attach store "$dd/fixed.vhd" --lun 10
expect_error "disk attach --lun 64" 1 "--lun 64 is out of range \(0 to 63\)" \
    disk attach store "$dd/fixed.vhd" --lun 64
expect_error "disk attach of a missing file" 1 "$dd/nope.vhdx: No such file or directory" \
    disk attach store "$dd/nope.vhdx"
expect_error "disk attach to a VM that does not exist" 1 "no VM named 'nope'" \
    disk attach nope "$dd/fixed.vhd"
expect_error "disk detach of a disk it does not have" 1 "store has no disk $dd/fixed.vhd" \
    disk detach store "$dd/fixed.vhd"
expect_error "disk detach of an empty LUN" 1 "store has no disk at LUN 33" \
    disk detach store --lun 33
expect_error "disk detach without PATH or --lun" 2 "disk detach: give the disk's PATH or --lun N" \
    disk detach store
expect_ok "disk detach while off, by path" disk detach store "$dd/web.vhd"
check "it is gone from vm.conf" sh -c "! grep -q ',$dd/web.vhd\$' '$state/vms/store/vm.conf'"
expect_ok "disk detach while off, by LUN" disk detach store --lun 10
check "vm.conf has the first two disks again" test "$(grep -c '^disk=' "$state/vms/store/vm.conf")" -eq 2

# --- disks: hot add and remove through the (fake) worker ---
expect_ok "start store" start store
expect_match "the worker got the disks of vm.conf" '^fake vmwp: disks at start: 0 1$' \
    "$(cat "$run/store/vmwp.log")"
hv disk attach store "$dd/fixed.vhd"
if [ "$rc" -eq 0 ] && [ "$out" = "attached $dd/fixed.vhd to store at LUN 2" ] &&
    grep -qx "disk=2,rw,$dd/fixed.vhd" "$state/vms/store/vm.conf"; then
    pass "disk attach while running: done and kept in vm.conf"
else
    fail "disk attach while running: done and kept in vm.conf" "exit status $rc" "$out" "$err"
fi
expect_match "the worker got disk-attach" \
    "^fake vmwp: disk-attach lun=2 mode=rw path=\[$dd/fixed.vhd\]\$" "$(cat "$run/store/vmwp.log")"
expect_ok "create an image whose name has a space" disk create "$dd/my disk.vhd" --size 1M
expect_ok "disk attach while running, read-only, a path with a space" \
    disk attach store "$dd/my disk.vhd" --readonly --lun 7
# The fake worker's decoder refuses a raw space: this path came percent-encoded.
expect_match "the worker got the path decoded, read-only" \
    "^fake vmwp: disk-attach lun=7 mode=ro path=\[$dd/my disk.vhd\]\$" "$(cat "$run/store/vmwp.log")"
expect_error "disk attach of a disk it has, while running" 1 "cannot attach $dd/fixed.vhd: store has $dd/fixed.vhd already \(LUN 2\)" \
    disk attach store "$dd/fixed.vhd"
hv disk list store
expect_match "disk list while running" "^7 +ro +VHD +1M +$dd/my disk.vhd\$" "$out"
expect_ok "disk detach while running" disk detach store --lun 2
expect_match "the worker got disk-detach" '^fake vmwp: disk-detach lun=2$' \
    "$(cat "$run/store/vmwp.log")"
check "it is gone from vm.conf" sh -c "! grep -q '^disk=2,' '$state/vms/store/vm.conf'"
expect_ok "disk detach by path while running" disk detach store "$dd/my disk.vhd"
expect_match "the worker got that disk-detach" '^fake vmwp: disk-detach lun=7$' \
    "$(cat "$run/store/vmwp.log")"
expect_ok "stop store" stop --turn-off store
FAKE_VMWP_DISK=refuse expect_ok "start store with a worker that refuses disk changes" start store
expect_error "disk attach refused by the worker: its message, vm.conf unchanged" 1 \
    "cannot attach $dd/fixed.vhd to store: the guest's SCSI controller did not take the change\$" \
    disk attach store "$dd/fixed.vhd"
expect_error "disk detach refused by the worker: its message, vm.conf unchanged" 1 \
    "cannot detach $dd/raw.img from store: the guest's SCSI controller did not take the change\$" \
    disk detach store "$dd/raw.img"
expect_ok "stop it" stop --turn-off store
expect_ok "delete store" delete store
check "the disk images stay" test -f "$dd/web.vhdx" -a -f "$dd/raw.img"

# --- generation 1 VMs: firmware, IDE devices, what each generation refuses ---
fw="$tmp/boot/bios.bin"
echo "not a BIOS" >"$fw"
head -c 1048576 /dev/zero >"$dd/install.iso"
head -c 1048576 /dev/zero >"$dd/other.iso"
expect_ok "create a generation 1 VM: firmware, an IDE disk and DVD, a SCSI disk" create old \
    --generation 1 --memory 512M --firmware "$fw" --ide "0:0=$dd/raw.img" \
    --ide "1:0=$dd/install.iso" --disk "$dd/small.vhdx"
expected_conf="name=old
generation=1
memory=536870912
cpus=1
firmware=$fw
ide=0:0,rw,$dd/raw.img
ide=1:0,dvd,$dd/install.iso
disk=0,rw,$dd/small.vhdx"
got_conf=$(grep -v '^#' "$state/vms/old/vm.conf" 2>&1)
if [ "$got_conf" = "$expected_conf" ]; then
    pass "vm.conf: generation=1, firmware=, ide= lines (.iso: a DVD), no kernel"
else
    fail "vm.conf: generation=1, firmware=, ide= lines (.iso: a DVD), no kernel" "expected:" \
        "$expected_conf" "got:" "$got_conf"
fi
hv show old
expect_out "show prints the generation, the firmware and the IDE devices" "name:       old
state:      off
generation: 1
memory:     512M (536870912 bytes)
cpus:       1
firmware:   $fw
ide:        0:0, rw, $dd/raw.img
ide:        1:0, dvd, $dd/install.iso
disk:       LUN 0, rw, $dd/small.vhdx
config:     $state/vms/old/vm.conf"
hv ide list old
expect_out "ide list: slot, media, format, size, path" "SLOT  MEDIA  FORMAT  SIZE    PATH
0:0   rw     raw     8M      $dd/raw.img
1:0   dvd    raw     1M      $dd/install.iso"
if [ -r /usr/share/seabios/bios-256k.bin ]; then
    expect_ok "create --generation 1 without --firmware" create dflt --generation 1
    check "its firmware is SeaBIOS where Debian puts it" \
        grep -qx "firmware=/usr/share/seabios/bios-256k.bin" "$state/vms/dflt/vm.conf"
    expect_ok "delete it" delete dflt
else
    expect_error "create --generation 1 without --firmware, and no SeaBIOS installed" 1 \
        "the default firmware /usr/share/seabios/bios-256k.bin: No such file or directory \(install Debian's seabios, or give --firmware PATH\)" \
        create dflt --generation 1
    pass "its firmware is SeaBIOS # SKIP /usr/share/seabios/bios-256k.bin is not installed"
    pass "delete it # SKIP /usr/share/seabios/bios-256k.bin is not installed"
fi

expect_error "create --generation 1 --kernel: usage error" 2 \
    "create: --kernel is for generation 2 VMs \(a generation 1 VM boots its firmware from its disks, --ide or --disk\)" \
    create x --generation 1 --kernel "$kernel"
expect_error "create --generation 1 --cmdline: usage error" 2 \
    "create: --cmdline is for generation 2 VMs" create x --generation 1 --cmdline quiet
expect_error "create --ide without --generation 1: usage error" 2 \
    "create: --ide is for generation 1 VMs \(add --generation 1; a generation 2 VM boots --kernel directly\)" \
    create x --kernel "$kernel" --ide "0:0=$dd/raw.img"
expect_error "create --firmware of a generation 2 VM: usage error" 2 \
    "create: --firmware is for generation 1 VMs" \
    create x --generation 2 --kernel "$kernel" --firmware "$fw"
expect_error "create --generation 2 without --kernel: usage error" 2 \
    "create: --kernel PATH is required \(or --generation 1" create x --generation 2
expect_error "create with five --ide: usage error" 2 "create: --ide given more than 4 times" \
    create x --generation 1 --ide 0:0=/a --ide 0:1=/b --ide 1:0=/c --ide 1:1=/d --ide 0:0=/e
expect_error "create --generation 3" 1 "--generation 3 is neither 1 nor 2" \
    create x --generation 3
expect_error "create --ide at a slot that is none" 1 \
    "--ide 2:0=$dd/raw.img: IDE slot '2:0' is not C:D \(channel C 0 or 1, device D 0 or 1" \
    create x --generation 1 --firmware "$fw" --ide "2:0=$dd/raw.img"
expect_error "create --ide without a slot" 1 "--ide $dd/raw.img: not C:D=PATH" \
    create x --generation 1 --firmware "$fw" --ide "$dd/raw.img"
expect_error "create --ide with an unknown option" 1 \
    "--ide 0:0=$dd/raw.img,cdrom: unknown IDE option 'cdrom'" \
    create x --generation 1 --firmware "$fw" --ide "0:0=$dd/raw.img,cdrom"
expect_error "create --ide of a missing image" 1 "--ide $dd/nope.img: No such file or directory" \
    create x --generation 1 --firmware "$fw" --ide "0:0=$dd/nope.img"
expect_error "create --ide with a slot twice" 1 \
    "--ide 0:0=$dd/web.vhd: x's IDE 0:0 is taken by $dd/raw.img" \
    create x --generation 1 --firmware "$fw" --ide "0:0=$dd/raw.img" --ide "0:0=$dd/web.vhd"
expect_error "create --ide with an image twice" 1 \
    "--ide 0:1=$dd/raw.img,readonly: x has $dd/raw.img already \(IDE 0:0\)" \
    create x --generation 1 --firmware "$fw" --ide "0:0=$dd/raw.img" --ide "0:1=$dd/raw.img,readonly"
expect_error "create with one image as IDE and SCSI disk" 1 \
    "--disk $dd/raw.img: x has $dd/raw.img already \(IDE 0:0\)" \
    create x --generation 1 --firmware "$fw" --ide "0:0=$dd/raw.img" --disk "$dd/raw.img"
expect_error "create --firmware that is missing" 1 \
    "--firmware $tmp/boot/nope.bin: No such file or directory" \
    create x --generation 1 --firmware "$tmp/boot/nope.bin"
expect_error "create --firmware that is a directory" 1 \
    "--firmware $tmp/boot/dir: is a directory, not a file" \
    create x --generation 1 --firmware "$tmp/boot/dir"

# set keeps the generation's rules; a VM keeps its generation.
expect_ok "create a generation 2 VM next to it" create g2 --kernel "$kernel"
expect_error "set --cmdline of a generation 1 VM" 1 \
    "--cmdline is for generation 2 VMs: old is a generation 1 VM, which boots its firmware from its disks" \
    set old --cmdline quiet
expect_error "set --kernel of a generation 1 VM" 1 "--kernel is for generation 2 VMs: old is" \
    set old --kernel "$kernel"
expect_error "set --firmware of a generation 2 VM" 1 \
    "--firmware is for generation 1 VMs: g2 is a generation 2 VM, which boots its kernel directly" \
    set g2 --firmware "$fw"
expect_error "set --generation: usage error" 2 "set: unknown option --generation" \
    set old --generation 2
cp "$fw" "$tmp/boot/bios2.bin"
expect_ok "set --firmware and --memory of a generation 1 VM" set old --firmware "$tmp/boot/bios2.bin" \
    --memory 1G
check "vm.conf has the new firmware" grep -qx "firmware=$tmp/boot/bios2.bin" "$state/vms/old/vm.conf"

# The SCSI controller is there in both generations; the IDE devices have no hot plug.
expect_error "disk attach of an image that is an IDE device" 1 \
    "cannot attach $dd/raw.img: old has $dd/raw.img already \(IDE 0:0\)" disk attach old "$dd/raw.img"
expect_error "disk detach of an IDE device" 1 \
    "$dd/install.iso is old's IDE 1:0, not a SCSI disk: IDE devices have no hot plug \(hvctl ide remove old 1:0, while it is off\)" \
    disk detach old "$dd/install.iso"
expect_error "disk attach --lun of an IDE slot" 1 "--lun 0:1 is an IDE slot, not a LUN" \
    disk attach old "$dd/web.vhd" --lun 0:1
expect_ok "disk attach of a SCSI disk to a generation 1 VM" disk attach old "$dd/web.vhd"
check "vm.conf has it at LUN 1" grep -qx "disk=1,rw,$dd/web.vhd" "$state/vms/old/vm.conf"
expect_ok "disk detach it" disk detach old --lun 1

# ide set, remove: while off only.
hv ide set old "1:0=$dd/other.iso"
if [ "$rc" -eq 0 ] && [ -z "$err" ] &&
    [ "$out" = "old IDE 1:0: DVD drive $dd/other.iso (was: DVD drive $dd/install.iso)" ] &&
    grep -qx "ide=1:0,dvd,$dd/other.iso" "$state/vms/old/vm.conf"; then
    pass "ide set: another disc in the DVD drive, in vm.conf"
else
    fail "ide set: another disc in the DVD drive, in vm.conf" "exit status $rc" "$out" "$err"
fi
expect_ok "ide set: a read-only disk at 0:1" ide set old "0:1=$dd/fixed.vhd,readonly"
got=$(grep '^ide=' "$state/vms/old/vm.conf")
if [ "$got" = "ide=0:0,rw,$dd/raw.img
ide=0:1,ro,$dd/fixed.vhd
ide=1:0,dvd,$dd/other.iso" ]; then pass "vm.conf has the ide= lines sorted by slot"; else
    fail "vm.conf has the ide= lines sorted by slot" "$got"; fi
expect_error "ide set of an image another slot has" 1 \
    "cannot set IDE 1:1 of old: old has $dd/raw.img already \(IDE 0:0\)" ide set old "1:1=$dd/raw.img"
expect_error "ide set of an image that is a SCSI disk" 1 \
    "cannot set IDE 1:1 of old: old has $dd/small.vhdx already \(SCSI disk, LUN 0\)" \
    ide set old "1:1=$dd/small.vhdx"
expect_error "ide set on a generation 2 VM" 1 \
    "g2 is a generation 2 VM: IDE devices are for generation 1 VMs" ide set g2 "0:0=$dd/web.vhd"
expect_error "ide set without a slot" 1 "ide set $dd/web.vhd: not C:D=PATH" ide set old "$dd/web.vhd"
expect_error "ide set of a missing image" 1 "$dd/nope.iso: No such file or directory" \
    ide set old "1:1=$dd/nope.iso"
expect_error "ide set on a VM that does not exist" 1 "no VM named 'nope'" \
    ide set nope "0:0=$dd/web.vhd"
expect_error "ide set without the device: usage error" 2 "ide set: missing the device C:D=PATH" \
    ide set old
expect_error "ide remove of an empty slot" 1 "old has no IDE device at 1:1 \(hvctl ide list old\)" \
    ide remove old 1:1
expect_error "ide remove of a slot that is none" 1 "IDE slot '2:0' is not C:D" ide remove old 2:0
hv ide remove old 0:1
if [ "$rc" -eq 0 ] && [ "$out" = "removed IDE 0:1 (read-only hard disk $dd/fixed.vhd) from old" ] &&
    ! grep -q '^ide=0:1,' "$state/vms/old/vm.conf"; then
    pass "ide remove: gone from vm.conf"
else
    fail "ide remove: gone from vm.conf" "exit status $rc" "$out" "$err"
fi
expect_ok "start a generation 1 VM (the fake worker takes any)" start old
expect_error "ide set while it runs" 1 \
    "old is running: IDE devices can be changed only while it is off, as IDE has no hot plug" \
    ide set old "1:0=$dd/install.iso"
expect_error "ide remove while it runs" 1 "old is running: IDE devices can be removed only while" \
    ide remove old 1:0
expect_error "disk detach of an IDE device while it runs" 1 "$dd/raw.img is old's IDE 0:0, not a SCSI disk" \
    disk detach old "$dd/raw.img"
expect_ok "stop it" stop --turn-off old
mv "$tmp/boot/bios2.bin" "$tmp/boot/bios2.moved"
expect_error "start when the firmware has gone" 1 \
    "cannot start old: firmware $tmp/boot/bios2.bin: No such file or directory" start old
mv "$tmp/boot/bios2.moved" "$tmp/boot/bios2.bin"

# A vm.conf that breaks the generation's rules names the line.
mkdir "$state/vms/bad1"
printf 'name=bad1\ngeneration=1\nmemory=536870912\ncpus=1\nfirmware=%s\nkernel=%s\n' "$fw" \
    "$kernel" >"$state/vms/bad1/vm.conf"
expect_error "show of a generation 1 vm.conf with a kernel names the line" 1 \
    "$state/vms/bad1/vm.conf: line 6: kernel= is for generation 2 VMs" show bad1
printf 'name=bad1\nmemory=536870912\ncpus=1\nkernel=%s\nide=0:0,rw,%s\n' "$kernel" \
    "$dd/raw.img" >"$state/vms/bad1/vm.conf"
expect_error "start of a generation 2 vm.conf with an IDE device" 1 \
    "cannot start bad1: .*line 5: ide= is for generation 1 VMs" start bad1
expect_ok "delete it" delete bad1
expect_ok "delete g2" delete g2
expect_ok "delete old" delete old
check "the images of its IDE devices stay" test -f "$dd/raw.img" -a -f "$dd/other.iso"

# --- a damaged configuration ---
printf 'name=bad\nmemory=536870912\ncpus=1\nkernel=%s\ncolour=blue\n' "$kernel" >"$tmp/bad.conf"
mkdir "$state/vms/bad"
cp "$tmp/bad.conf" "$state/vms/bad/vm.conf"
expect_error "show of a damaged vm.conf names the file and the line" 1 \
    "$state/vms/bad/vm.conf: line 5: unknown key 'colour'" show bad
expect_error "start of a damaged vm.conf" 1 "cannot start bad: .*line 5: unknown key 'colour'" start bad
hv list
if [ "$rc" -eq 1 ] && printf '%s\n' "$err" | grep -q "warning: left out of the list: .*line 5" &&
    printf '%s\n' "$out" | grep -q '^web ' && ! printf '%s\n' "$out" | grep -q '^bad '; then
    pass "list leaves a damaged VM out with a warning, lists the others, exits 1"
else
    fail "list leaves a damaged VM out with a warning" "exit status $rc" "$out" "$err"
fi
expect_ok "delete of a damaged VM" delete bad
cp -r "$state/vms/db" "$state/vms/copy"
expect_error "a vm.conf whose name is not its directory's" 1 \
    "cannot start copy: $state/vms/copy/vm.conf: name=db, but the VM's directory is copy" start copy
expect_ok "delete of the copy" delete copy

# --- delete ---
touch "$state/vms/db/notes.txt"
expect_error "delete refuses a directory holding someone else's file" 1 \
    "cannot delete db: .*/notes.txt is not hvctl's" delete db
rm "$state/vms/db/notes.txt"
expect_ok "delete web" delete web
check "its configuration directory is gone" test ! -e "$state/vms/web"
check "its runtime directory is gone" test ! -e "$run/web"
expect_error "delete of a deleted VM" 1 "no VM named 'web'" delete web
expect_ok "delete db" delete db
hv list
expect_out "list is empty again" "NAME  STATE  CPUS  MEMORY  UPTIME  HEARTBEAT"
check "nothing is left in the vms directory" test -z "$(ls -A "$state/vms")"

# --- virtual switches and NICs: what is wrong before any bridge is made ---
expect_error "switch create without --type: usage error" 2 \
    "switch create: --type internal\|private\|external is required" switch create lan
expect_error "switch create of a bad name" 1 "invalid switch name 'l@n': contains '@'" \
    switch create l@n --type private
expect_error "switch create of an unknown type" 1 "--type bus is not a switch type: internal" \
    switch create lan --type bus
expect_error "switch create with an MTU too large" 1 "--mtu 9001 is not a whole number from 68 to 9000" \
    switch create lan --type internal --mtu 9001
expect_error "switch create: an address without its prefix length" 1 \
    "--address 10.0.0.1 has no prefix length" switch create lan --type internal --address 10.0.0.1
expect_error "switch create: the subnet's own address" 1 \
    "--address 10.0.0.0/24 is the subnet's own address" \
    switch create lan --type internal --address 10.0.0.0/24
expect_error "switch create: an address on a private switch" 1 \
    "--address is the parent's address on an internal switch: a private switch has none" \
    switch create dmz --type private --address 10.0.0.1/24
expect_error "switch create: an external switch needs --nic" 1 \
    "an external switch needs --nic DEV" switch create up --type external
expect_error "switch create: --nic on an internal switch" 1 \
    "--nic DEV is for an external switch: an internal switch has no physical network adapter" \
    switch create lan --type internal --nic eth0
expect_error "switch create: --nic that is no interface name" 1 "--nic eth0:1 contains" \
    switch create up --type external --nic eth0:1
expect_error "switch create: a NIC that does not exist" 1 \
    "cannot create switch up: no network interface hvcli-nope \(ip link lists them\)" \
    switch create up --type external --nic hvcli-nope
expect_error "switch delete of a switch that does not exist" 1 \
    "no switch named 'nope' \(hvctl switch list shows them\)" switch delete nope
expect_error "create --nic on a switch that does not exist" 1 \
    "--nic lan: there is no switch lan \(hvctl switch list shows them" \
    create netvm --kernel "$kernel" --nic lan
expect_error "create --nic with VLAN 0" 1 "--nic lan,vlan=0: VLAN 0 is not a VLAN \(1 to 4094\)" \
    create netvm --kernel "$kernel" --nic lan,vlan=0
expect_error "create --nic with a multicast MAC" 1 \
    "--nic lan,mac=01:00:5e:00:00:01: MAC 01:00:5e:00:00:01 is a multicast address" \
    create netvm --kernel "$kernel" --nic lan,mac=01:00:5e:00:00:01
expect_error "create --nic with an unknown option" 1 "--nic lan,speed=10G: unknown NIC option 'speed=10G'" \
    create netvm --kernel "$kernel" --nic lan,speed=10G
expect_error "create with 9 --nic: usage error" 2 "create: --nic given more than 8 times" \
    create netvm --kernel "$kernel" --nic a --nic a --nic a --nic a --nic a --nic a --nic a \
    --nic a --nic a
hv switch list
expect_out "switch list with no switch: the header" "NAME  TYPE  MTU  BRIDGE  STATE  ADDRESS/NIC  VMS"

# --- virtual switches: real bridges, in our network namespace ---
# switch_ok DESCRIPTION ARGS...: as expect_ok, but a kernel without bridge VLAN filtering may
# say so (and an external switch's NIC with an address is told it stops working).
switch_ok() {
    desc=$1
    shift
    hv "$@"
    err=$(printf '%s\n' "$err" | grep -v "^hvctl: warning: this kernel cannot filter VLANs" |
        grep -v "^hvctl: warning: hvcli-eth0 keeps its IPv4 address")
    if [ "$rc" -eq 0 ] && [ -z "$err" ]; then pass "$desc"; else
        fail "$desc" "hvctl $*" "exit status $rc, stderr:" "$err"; fi
}
# link NAME: what ip says of it, with the details.
link() {
    ip -d link show "$1" 2>&1
}
if [ "$netns" = 1 ]; then
    vlan_filtering=0
    if ip link add hvcli-probe type bridge vlan_filtering 1 2>/dev/null; then
        vlan_filtering=1
        ip link del hvcli-probe
    fi
    echo "# in a network namespace of our own; bridge VLAN filtering: $vlan_filtering"

    switch_ok "switch create: internal, with an address and jumbo frames" \
        switch create lan --type internal --address 10.0.0.1/24 --mtu 9000
    check "host.conf has the host's MAC pool" \
        grep -qE '^mac_pool=00:15:5d:[0-9a-f]{2}:00:00-00:15:5d:[0-9a-f]{2}:ff:ff$' "$state/host.conf"
    pool=$(sed -n 's/^mac_pool=\(00:15:5d:..\):00:00-.*/\1/p' "$state/host.conf")
    expect_out_file() { # DESCRIPTION FILE EXPECTED
        if [ "$(grep -v '^#' "$2")" = "$3" ]; then pass "$1"; else
            fail "$1" "expected:" "$3" "got:" "$(cat "$2")"; fi
    }
    expect_out_file "switches/lan.conf" "$state/switches/lan.conf" "name=lan
type=internal
mtu=9000
mac=$pool:00:00
address=10.0.0.1/24"
    expect_match "the bridge hvsw-lan is there, up, with the switch's MTU" \
        '^[0-9]+: hvsw-lan: <.*,UP.*> mtu 9000 ' "$(link hvsw-lan)"
    expect_match "it is a bridge" '^ *bridge ' "$(link hvsw-lan)"
    expect_match "it has the switch's MAC from the pool" "link/ether $pool:00:00 " "$(link hvsw-lan)"
    expect_match "it has the parent's address" '^ *inet 10\.0\.0\.1/24 brd 10\.0\.0\.255 ' \
        "$(ip -4 addr show dev hvsw-lan)"
    if [ "$vlan_filtering" = 1 ]; then
        expect_match "it filters VLANs" 'vlan_filtering 1' "$(link hvsw-lan)"
        expect_match "the parent is in its default VLAN 1" '^hvsw-lan +1 PVID Egress Untagged' \
            "$(bridge vlan show dev hvsw-lan)"
    else
        pass "it filters VLANs # SKIP the kernel has no bridge VLAN filtering"
    fi

    switch_ok "switch create: private" switch create dmz --type private
    expect_match "the bridge hvsw-dmz is up" '^[0-9]+: hvsw-dmz: <.*,UP.*> mtu 1500 ' "$(link hvsw-dmz)"
    check "the parent has no IPv4 address on it" [ -z "$(ip -4 addr show dev hvsw-dmz)" ]
    check "IPv6 is off on it" [ "$(cat /proc/sys/net/ipv6/conf/hvsw-dmz/disable_ipv6 2>/dev/null || echo 1)" = 1 ]
    check "the parent has no IPv6 address on it" [ -z "$(ip -6 addr show dev hvsw-dmz)" ]
    if [ "$vlan_filtering" = 1 ]; then
        check "the bridge itself is in no VLAN: the parent takes no part" \
            sh -c "! bridge vlan show dev hvsw-dmz | grep -q '^hvsw-dmz'"
    else
        pass "the bridge itself is in no VLAN # SKIP the kernel has no bridge VLAN filtering"
    fi

    # An external switch's NIC: one end of a veth pair, with an address of its own.
    ip link add hvcli-eth0 type veth peer name hvcli-eth1
    ip addr add 192.168.77.5/24 dev hvcli-eth0
    nic_mac=$(cat /sys/class/net/hvcli-eth0/address 2>/dev/null ||
        ip link show hvcli-eth0 | sed -n 's/.*link\/ether \([^ ]*\).*/\1/p')
    nic_mac=$(ip link show hvcli-eth0 | sed -n 's/.*link\/ether \([^ ]*\).*/\1/p')
    hv switch create uplink --type external --nic hvcli-eth0 --mtu 9000
    if [ "$rc" -eq 0 ] && printf '%s\n' "$err" | grep -q "^hvctl: warning: hvcli-eth0 keeps its IPv4 address 192.168.77.5/24, but as a port of hvsw-uplink it no longer takes part in IP"; then
        pass "switch create: external, with a warning that the NIC's address stops working"
    else
        fail "switch create: external" "exit status $rc, stderr:" "$err"
    fi
    expect_match "the NIC is the bridge's port, with the switch's MTU" \
        'mtu 9000 .*master hvsw-uplink ' "$(ip link show hvcli-eth0)"
    expect_match "the bridge has the NIC's MAC" "link/ether $nic_mac " "$(link hvsw-uplink)"
    if [ "$vlan_filtering" = 1 ]; then
        expect_match "the NIC carries the VLANs up to 4094" '4094' "$(bridge vlan show dev hvcli-eth0)"
    fi
    expect_error "switch create: a NIC that is another switch's" 1 \
        "cannot create switch up2: hvcli-eth0 is the NIC of switch uplink already" \
        switch create up2 --type external --nic hvcli-eth0
    expect_error "switch create: a NIC that is a bridge" 1 \
        "cannot create switch up2: hvsw-lan is a bridge itself, not a network adapter" \
        switch create up2 --type external --nic hvsw-lan
    expect_error "switch create: the loopback interface" 1 \
        "cannot create switch up2: lo is the loopback interface" \
        switch create up2 --type external --nic lo
    expect_error "switch create of a name that is taken" 1 "a switch named 'lan' already exists" \
        switch create lan --type private
    ip link add hvsw-taken type veth peer name hvcli-peer
    expect_error "switch create: an interface has the bridge's name already" 1 \
        "cannot create switch taken: there is a network interface hvsw-taken already, which hvctl did not make" \
        switch create taken --type private
    ip link del hvsw-taken
    switch_ok "switch create: a long name" switch create production-a --type private
    expect_match "its bridge: the name's start and a hash" '^[0-9]+: hvsw-produc662a: ' \
        "$(link hvsw-produc662a)"
    expect_error "switch create: a name whose bridge would be another switch's" 1 \
        "cannot create switch produc662a: its bridge would be hvsw-produc662a, which is switch production-a's" \
        switch create produc662a --type private

    # --- NICs ---
    expect_ok "create with three NICs" create netvm --kernel "$kernel" --nic lan \
        --nic dmz,vlan=20,mac=00:15:5d:00:00:10 --nic uplink
    expect_match "vm.conf: NIC 0 on lan, the next free MAC of the pool" \
        "^nic=0,lan,hvsw-lan,$pool:00:03\$" "$(cat "$state/vms/netvm/vm.conf")"
    expect_match "vm.conf: NIC 1 with its VLAN and MAC" \
        '^nic=1,dmz,hvsw-dmz,00:15:5d:00:00:10,vlan=20$' "$(cat "$state/vms/netvm/vm.conf")"
    expect_match "vm.conf: NIC 2" "^nic=2,uplink,hvsw-uplink,$pool:00:04\$" \
        "$(cat "$state/vms/netvm/vm.conf")"
    hv nic list netvm
    expect_out "nic list" "NIC  SWITCH  MAC                VLAN  TYPE
0    lan     $pool:00:03  -     synthetic
1    dmz     00:15:5d:00:00:10  20    synthetic
2    uplink  $pool:00:04  -     synthetic"
    hv show netvm
    expect_match "show lists the NICs" \
        '^nic: +1, switch dmz \(bridge hvsw-dmz\), MAC 00:15:5d:00:00:10, VLAN 20$' "$out"
    expect_error "create with a MAC another VM has" 1 \
        "--nic lan,mac=00-15-5D-00-00-10: MAC 00:15:5d:00:00:10 is in use by VM netvm \(its NIC 1\)" \
        create other --kernel "$kernel" --nic lan,mac=00-15-5D-00-00-10
    expect_error "create with the MAC of a switch" 1 ".* is in use by switch lan \(its bridge\)" \
        create other --kernel "$kernel" --nic dmz,mac=$pool:00:00
    expect_error "create with one good and one bad NIC: nothing made" 1 \
        "--nic nope: there is no switch nope" create other --kernel "$kernel" --nic lan --nic nope
    hv switch list
    expect_out "switch list" "NAME          TYPE      MTU   BRIDGE           STATE  ADDRESS/NIC  VMS
dmz           private   1500  hvsw-dmz         up     -            netvm
lan           internal  9000  hvsw-lan         up     10.0.0.1/24  netvm
production-a  private   1500  hvsw-produc662a  up     -            -
uplink        external  9000  hvsw-uplink      up     hvcli-eth0   netvm"
    expect_error "switch delete of a switch a VM uses" 1 \
        "cannot delete switch lan: VM netvm has NICs on it \(hvctl nic remove, or delete it\)" \
        switch delete lan

    hv nic add netvm lan,vlan=5
    expect_out "nic add: the lowest free index and MAC" \
        "added NIC 3 to netvm: switch lan, MAC $pool:00:05, VLAN 5"
    expect_error "nic add on a switch that does not exist" 1 \
        "cannot add a NIC to netvm: --nic nope: there is no switch nope" nic add netvm nope
    expect_error "nic remove of a NIC it does not have" 1 "netvm has no NIC 7 \(hvctl nic list netvm\)" \
        nic remove netvm 7
    expect_error "nic remove of an index that is not one" 1 "NIC index '9' is not a whole number from 0 to 7" \
        nic remove netvm 9
    hv nic remove netvm 3
    expect_out "nic remove" "removed NIC 3 (switch lan, MAC $pool:00:05) from netvm"
    check "the NIC is gone from vm.conf" sh -c "! grep -q '^nic=3,' '$state/vms/netvm/vm.conf'"

    # legacy, an emulated NIC, is generation 1's, as on Hyper-V: the issue's command line.
    expect_error "create: a legacy NIC on a generation 2 VM" 1 \
        "--nic lan,legacy: legacy \(an emulated NIC\) is for generation 1 VMs: other is a generation 2 VM, whose NICs are synthetic" \
        create other --kernel "$kernel" --nic lan,legacy
    expect_error "nic add: a legacy NIC on a generation 2 VM" 1 \
        "cannot add a NIC to netvm: --nic dmz,legacy: legacy \(an emulated NIC\) is for generation 1 VMs" \
        nic add netvm dmz,legacy
    expect_ok "create a generation 1 VM with IDE devices and a legacy NIC" create old2 --generation 1 \
        --memory 512M --firmware "$fw" --ide "0:0=$dd/raw.img" --ide "1:0=$dd/install.iso" \
        --nic lan,legacy
    expect_match "vm.conf: its legacy NIC" "^nic=0,lan,hvsw-lan,$pool:00:05,legacy\$" \
        "$(cat "$state/vms/old2/vm.conf")"
    hv nic add old2 dmz,legacy
    expect_out "nic add of a legacy NIC to a generation 1 VM" \
        "added NIC 1 to old2: switch dmz, MAC $pool:00:06, legacy"
    hv nic list old2
    expect_match "nic list: a legacy NIC" "^1 +dmz +$pool:00:06 +- +legacy\$" "$out"
    expect_ok "delete it" delete old2

    # After a reboot of the parent the bridges are gone: start makes them again.
    ip link del hvsw-lan
    hv switch list
    expect_match "switch list: a missing bridge" '^lan +internal +9000 +hvsw-lan +missing ' "$out"
    expect_ok "start of a VM whose switch's bridge is missing" start netvm
    expect_match "start made the bridge again, with its MTU and MAC" \
        "mtu 9000 .*link/ether $pool:00:00 " "$(ip -o link show hvsw-lan)"
    expect_match "and the parent's address" '^ *inet 10\.0\.0\.1/24 ' "$(ip -4 addr show dev hvsw-lan)"
    expect_error "nic add while the VM runs" 1 \
        "netvm is running: NICs can be added only while it is off" nic add netvm lan
    expect_ok "stop it" stop --turn-off netvm
    expect_ok "delete it" delete netvm

    expect_ok "switch delete: internal" switch delete lan
    check "its bridge is gone" sh -c "! ip link show hvsw-lan >/dev/null 2>&1"
    check "its configuration is gone" test ! -e "$state/switches/lan.conf"
    expect_ok "switch delete: external" switch delete uplink
    check "its bridge is gone" sh -c "! ip link show hvsw-uplink >/dev/null 2>&1"
    check "its NIC is released" sh -c "! ip link show hvcli-eth0 | grep -q master"
    check "its NIC keeps its address" sh -c "ip -4 addr show dev hvcli-eth0 | grep -q 192.168.77.5/24"
    expect_ok "switch delete: private" switch delete dmz
    expect_ok "switch delete: the long name" switch delete production-a
    check "no bridge is left" sh -c "! ip -o link show | grep -q hvsw-"
    hv switch list
    expect_out "switch list is empty again" "NAME  TYPE  MTU  BRIDGE  STATE  ADDRESS/NIC  VMS"
    check "the host's MAC pool stays" test -s "$state/host.conf"
    ip link del hvcli-eth0
else
    pass "virtual switches with real bridges # SKIP no network namespace of our own (unshare -n) or no iproute2"
fi

echo "1..$n"
[ "$failed" -eq 0 ]
