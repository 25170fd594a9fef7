#!/bin/sh
# The parent partition's initramfs, booted directly (run-scenario --direct:
# the image's kernel, initrd and kernel_options under QEMU, without OVMF and
# the hypervisor), with the image attached as an NVMe disk (23-parent-state
# covers SATA and USB through the hypervisor):
#  - /init's banner names the kernel and as many CPUs as -smp gave;
#  - /data is the --data directory, read-only;
#  - the data partition is checked and mounted at /var/lib/hvcore, and what a
#    scenario writes there is still there on the next boot of the same disk;
#  - the scenario's exit status is run-scenario's;
#  - a damaged data partition, or none, leaves a tmpfs there and says so.
. "$(dirname "$0")/../lib.sh"

work=$LOGDIR/$CASE.work
rm -rf "$work"
mkdir -p "$work/data/sub"
kver=$(basename "$(dirname "$KERNEL")"/modules/*)
token=$$-$(date +%s)

# direct NAME SCRIPT [run-scenario options...]: run SCRIPT with --direct;
# sets $LOG and $STATUS (like lib.sh's scenario, which boots the hypervisor).
direct() {
    name=$1 script=$2
    shift 2
    LOG=$LOGDIR/$CASE-$name.log
    start=$(date +%s)
    "$HERE/run-scenario" "$script" --direct --image "$IMAGE" --quiet --log "$LOG.raw" \
        --timeout 120 "$@"
    STATUS=$?
    tr -d '\r' < "$LOG.raw" | sed 's/\x1b\[[0-9;=?]*[A-Za-z]//g' > "$LOG"
    rm -f "$LOG.raw"
    echo "  [$CASE] direct '$name' ($*): status $STATUS in $(($(date +%s) - start)) s, console in $LOG"
}

# --- first boot: banner, CPUs, /data, the data partition; write a token ---
echo "hello from the host" > "$work/data/hello.txt"
echo nested > "$work/data/sub/file"
cat > "$work/first.sh" <<EOF
echo "check: nproc \$(nproc)"
echo "check: data \$(cat /data/hello.txt) / \$(cat /data/sub/file)"
if echo x > /data/probe 2>/dev/null; then echo "check: /data writable"; else echo "check: /data read-only"; fi
grep ' /var/lib/hvcore ' /proc/mounts | sed 's/^/check: mount /'
echo $token > /var/lib/hvcore/token && sync && echo "check: token written"
hvinfo
echo "check: hvinfo status \$?"
EOF
direct first "$work/first.sh" --data "$work/data" --bus nvme --smp 2 --disk-copy "$work/disk.img"
expect_status 0
expect_line "^parent: hvcore parent partition ready \\(kernel $kver, 2 CPUs\\)$"
expect_line '^check: nproc 2$'
expect_line '^check: data hello from the host / nested$'
expect_line '^check: /data read-only$'
expect_line '^parent: state directory /var/lib/hvcore on /dev/nvme0n1p2 \(ext4\)$'
expect_line '^check: mount /dev/nvme0n1p2 /var/lib/hvcore ext4 rw'
expect_line '^check: token written$'
expect_line '^hvinfo: CPUID\.1:ECX\[31\] hypervisor present: (yes|no)$'
expect_line '^hvinfo: CPUID 0x80000001:ECX\[2\] SVM: (visible|not visible)$'
# exit 0 goes with a signature line, 1 with none
if grep -q '^check: hvinfo status 0$' "$LOG"; then
    expect_line '^hvinfo: CPUID 0x40000000: max leaf 0x4[0-9a-f]{7}, vendor ".+"$'
else
    expect_line '^check: hvinfo status 1$'
fi
expect_line '^parent: scenario exit status 0$'
expect_order '^parent: hvcore parent partition ready' '^parent: state directory'
expect_order '^parent: scenario exit status 0$' '^parent: powering off$'

# --- second boot of the same disk: the token survived; exit 3 is ours ---
cat > "$work/second.sh" <<'EOF'
echo "check: nproc $(nproc)"
echo "check: token $(cat /var/lib/hvcore/token)"
exit 3
EOF
direct second "$work/second.sh" --bus nvme --smp 4 --disk-copy "$work/disk.img"
expect_status 3
expect_line "^parent: hvcore parent partition ready \\(kernel $kver, 4 CPUs\\)$"
expect_line '^check: nproc 4$'
expect_line "^check: token $token$"
expect_line '^parent: scenario exit status 3$'

# --- a damaged data partition: e2fsck -p gives up, a tmpfs takes its place ---
# Clear the root inode and flag the filesystem as having errors (so that
# e2fsck -p checks it rather than trusting the clean flag).
cp --sparse=always "$IMAGE" "$work/damaged.img"
first=$(sgdisk -i 2 "$work/damaged.img" | sed -n 's/^First sector: \([0-9]*\) .*/\1/p')
[ -n "$first" ] || fail "the image has no second (data) partition"
printf 'clri <2>\nssv state 2\n' > "$work/damage.cmd"
debugfs -w -f "$work/damage.cmd" "$work/damaged.img?offset=$((first * 512))" > /dev/null 2>&1 ||
    fail "debugfs could not damage the data partition"
cat > "$work/third.sh" <<'EOF'
grep ' /var/lib/hvcore ' /proc/mounts | sed 's/^/check: mount /'
echo "check: data entries $(ls -A /data | wc -l)"
EOF
direct damaged "$work/third.sh" --bus nvme --disk-copy "$work/damaged.img"
expect_status 0
expect_line '^parent: e2fsck: .*UNEXPECTED INCONSISTENCY'
expect_line '^parent: damaged persistent data partition /dev/nvme0n1p2 \(label HVDATA, e2fsck status 4\): state is kept in memory only$'
expect_line '^check: mount tmpfs /var/lib/hvcore tmpfs '
expect_line '^check: data entries 0$'

# --- no data partition at all (its superblock wiped) ---
cp --sparse=always "$IMAGE" "$work/blank.img"
dd if=/dev/zero of="$work/blank.img" bs=512 seek="$first" count=8 conv=notrunc status=none
direct none "$work/third.sh" --bus nvme --disk-copy "$work/blank.img"
expect_status 0
expect_line '^parent: no persistent data partition \(label HVDATA\): state is kept in memory only$'
expect_line '^check: mount tmpfs /var/lib/hvcore tmpfs '

rm -rf "$work"
