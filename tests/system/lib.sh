# SPDX-License-Identifier: GPL-2.0-only
# Helpers for tests/system/cases/*.sh (sourced).  Each case is a shell script
# that exits 0 on success; it gets IMAGE, HV_ELF and LOGDIR from run-cases.
set -u

HERE=$(cd "$(dirname "$0")/.." && pwd)
CASE=$(basename "$0" .sh)

fail() {
    echo "FAIL [$CASE]: $*" >&2
    exit 1
}

# boot NAME [qemu-boot options...]: boot the image, console in $LOGDIR/$CASE-NAME.log
# (without escape sequences and CRs); sets $LOG and $STATUS (qemu-boot's exit code).
boot() {
    name=$1
    shift
    LOG=$LOGDIR/$CASE-$name.log
    "$HERE/qemu-boot" --image "$IMAGE" --quiet --log "$LOG.raw" "$@"
    STATUS=$?
    tr -d '\r' < "$LOG.raw" | sed 's/\x1b\[[0-9;=?]*[A-Za-z]//g' > "$LOG"
    rm -f "$LOG.raw"
    echo "  [$CASE] boot '$name' ($*): qemu-boot status $STATUS, console in $LOG"
}

# scenario NAME FILE DATADIR [run-scenario/qemu-boot options...]: run FILE
# inside the parent with DATADIR at /data; sets $LOG and $STATUS as boot does.
scenario() {
    name=$1 file=$2 data=$3
    shift 3
    LOG=$LOGDIR/$CASE-$name.log
    "$HERE/run-scenario" "$file" --data "$data" --image "$IMAGE" --quiet --log "$LOG.raw" "$@"
    STATUS=$?
    tr -d '\r' < "$LOG.raw" | sed 's/\x1b\[[0-9;=?]*[A-Za-z]//g' > "$LOG"
    rm -f "$LOG.raw"
    echo "  [$CASE] scenario '$name' ($*): status $STATUS, console in $LOG"
}

expect_status() {
    [ "$STATUS" -eq "$1" ] || fail "boot ended with status $STATUS, expected $1 (see $LOG)"
}

# expect_line REGEX: the console has a line matching REGEX (extended regex).
expect_line() {
    grep -qE -- "$1" "$LOG" || fail "console lacks /$1/ (see $LOG)"
}

refute_line() {
    ! grep -qE -- "$1" "$LOG" || fail "console unexpectedly has /$1/ (see $LOG)"
}

# Every line of the hypervisor's console comes after the loader's last one.
expect_order() {
    a=$(grep -nE -- "$1" "$LOG" | head -n1 | cut -d: -f1)
    b=$(grep -nE -- "$2" "$LOG" | head -n1 | cut -d: -f1)
    [ -n "$a" ] && [ -n "$b" ] && [ "$a" -lt "$b" ] || fail "/$1/ does not come before /$2/ in $LOG"
}
