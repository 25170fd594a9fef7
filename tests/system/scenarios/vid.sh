# /dev/vid in the parent partition.  /data/mode says where this runs:
# "parent" (through the hypervisor: /init loaded vid, the device answers)
# or "direct" (no hypervisor: the module must have refused to load).
. /data/lib.sh

ko=/lib/modules/$(uname -r)/extra/vid.ko
[ -f "$ko" ] || fail "no $ko in the initramfs"

case $(cat /data/mode) in
parent)
    grep -q '^vid ' /proc/modules || fail "vid is not loaded"
    [ -c /dev/vid ] || fail "/dev/vid is not a character device"
    mode=$(stat -c '%a %u' /dev/vid)
    [ "$mode" = "600 0" ] || fail "/dev/vid has mode/owner uid '$mode', expected '600 0'"
    pass "/dev/vid: character device, mode 0600, owner root"
    # The misc class: a dynamic minor under major 10.
    major=$(stat -c '%t' /dev/vid)
    [ "$major" = a ] || fail "/dev/vid has major 0x$major, expected 10 (misc)"
    grep -q ' vid$' /proc/misc || fail "/proc/misc has no vid"
    pass "/dev/vid is a misc device (minor $(printf '%d' "0x$(stat -c '%T' /dev/vid)"))"
    vidctl version | tee /tmp/vidctl || fail "vidctl version failed"
    grep -q '^vidctl: module vid interface 0\.3$' /tmp/vidctl || fail "unexpected module version"
    grep -q '^vidctl: hypervisor hvcorehvcore [0-9]*\.[0-9]* (max leaf 0x40000001, role parent)$' \
        /tmp/vidctl || fail "unexpected hypervisor version"
    pass "VID_GET_VERSION: module 0.3, hypervisor hvcore $(vidctl hv-version)"
    vidctl bad-ioctl || fail "an unknown ioctl was not refused with ENOTTY"
    pass "an unknown ioctl is refused with ENOTTY"
    # Child partitions through the hypercalls: what must be refused is.
    vidctl partition-test || fail "the partition test failed"
    pass "partitions: one child per page, bad arguments refused, pages given back on close"
    # A child VP: intercepts, completions, registers, triple fault.
    vidctl vp-test || fail "the VP test failed"
    pass "a child VP runs and every intercept of the test program reaches the worker"
    # A worker killed with SIGKILL leaves nothing behind in the hypervisor.
    vidctl hold > /tmp/hold &
    holder=$!
    i=0
    while ! grep -q holding /tmp/hold && [ $i -lt 50 ]; do usleep 100000; i=$((i + 1)); done
    grep -q holding /tmp/hold || fail "vidctl hold did not start"
    kill -9 $holder
    wait $holder 2>/dev/null
    vidctl fill-test || fail "the hypervisor's partition table leaked"
    pass "a SIGKILLed holder's partition is gone: 64 fit again"
    # Only root may open it: a user gets EACCES.  The initramfs has no user
    # database; busybox su (no PAM, no password asked of root) needs one.
    [ -f /etc/passwd ] || printf 'root:x:0:0::/root:/bin/sh\nnobody:x:65534:65534::/:/bin/sh\n' > /etc/passwd
    [ -f /etc/group ] || printf 'root:x:0:\nnogroup:x:65534:\n' > /etc/group
    if su -s /bin/sh nobody -c 'vidctl version' 2>/tmp/nobody; then
        fail "nobody could open /dev/vid"
    fi
    grep -q 'Permission denied' /tmp/nobody || fail "nobody: $(cat /tmp/nobody)"
    pass "a user other than root cannot open /dev/vid"
    rmmod vid || fail "rmmod vid failed"
    [ ! -e /dev/vid ] || fail "/dev/vid is still there after rmmod"
    modprobe vid || fail "modprobe vid failed the second time"
    vidctl version > /dev/null || fail "vidctl after reloading failed"
    pass "vid unloads and loads again"
    ;;
direct)
    ! grep -q '^vid ' /proc/modules || fail "vid is loaded without the hypervisor"
    [ ! -e /dev/vid ] || fail "/dev/vid exists without the hypervisor"
    pass "no hypervisor: vid not loaded, no /dev/vid"
    # /init's modprobe has explained it already (busybox tries each load
    # twice, finit_module then init_module, hence no exact counts).
    before=$(dmesg | grep -c 'vid: not loaded: ')
    [ "$before" -ge 1 ] || fail "dmesg does not say why vid did not load at boot"
    if insmod "$ko" 2>/tmp/insmod; then
        fail "insmod vid.ko succeeded without the hypervisor"
    fi
    echo "insmod: $(cat /tmp/insmod)"
    grep -q 'No such device' /tmp/insmod || fail "insmod failed, but not with ENODEV"
    pass "insmod vid.ko fails without the hypervisor (ENODEV)"
    dmesg | grep 'vid: not loaded: ' | tail -n1 | sed 's/^\[[ 0-9.]*\] /dmesg: /'
    [ "$(dmesg | grep -c 'vid: not loaded: ')" -gt "$before" ] ||
        fail "dmesg does not say why insmod failed"
    pass "dmesg explains why vid did not load"
    ;;
*) fail "/data/mode is '$(cat /data/mode)'" ;;
esac
