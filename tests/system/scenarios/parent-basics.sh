# The parent partition sees every CPU, our hypervisor (not SVM), and no
# usable RAM where the hypervisor lives.  /data/cpus holds the expected count.
. /data/lib.sh

want=$(cat /data/cpus)
have=$(nproc)
[ "$have" = "$want" ] || fail "nproc says $have CPUs, QEMU has $want"
pass "$have CPUs online"

grep -c ^processor /proc/cpuinfo | grep -qx "$want" || fail "/proc/cpuinfo lists $(grep -c ^processor /proc/cpuinfo) CPUs"
grep -qw hypervisor /proc/cpuinfo || fail "no 'hypervisor' flag in /proc/cpuinfo"
! grep -qw svm /proc/cpuinfo || fail "svm is visible in /proc/cpuinfo"
! grep -qw vmx /proc/cpuinfo || fail "vmx is visible in /proc/cpuinfo"
pass "cpuinfo: hypervisor flag, no svm/vmx"

hvinfo | tee /tmp/hvinfo
grep -q 'vendor "hvcorehvcore"' /tmp/hvinfo || fail "CPUID 0x40000000 does not carry our signature"
grep -q 'SVM: not visible' /tmp/hvinfo || fail "CPUID shows SVM"
pass "CPUID 0x40000000 signature hvcorehvcore"

grep -q 'hvcore.partition=parent' /proc/cmdline || fail "no hvcore.partition=parent"
hv_range
# Every usable e820 entry the kernel was given must miss [HV_BASE, HV_END).
HV_END=$((HV_BASE + HV_SIZE))
dmesg | sed -n 's/.*BIOS-e820: \[mem 0x\([0-9a-f]*\)-0x\([0-9a-f]*\)\] \(.*\)$/\1 \2 \3/p' > /tmp/e820
[ -s /tmp/e820 ] || fail "no BIOS-e820 lines in dmesg"
while read -r lo hi type; do
    [ "$type" = usable ] || continue
    lo=$(printf '%d' "0x$lo") hi=$(printf '%d' "0x$hi")
    if [ "$lo" -lt "$HV_END" ] && [ "$hi" -ge "$HV_BASE" ]; then
        fail "usable e820 range $lo-$hi overlaps the hypervisor at $HV_BASE-$HV_END"
    fi
done < /tmp/e820
grep -q "$(printf '%016x' "$HV_BASE")" /tmp/e820 || fail "no e820 entry starts at the hypervisor"
pass "e820: no usable RAM in the hypervisor's $((HV_SIZE >> 20)) MiB at $(printf '0x%x' "$HV_BASE")"

# Virtualization control stays the hypervisor's: the parent's EFER has no
# SVME, VM_CR says "disabled by the firmware", and the host save area and
# EFER.SVME cannot be written.
efer=$(hvinfo rdmsr 0 0xC0000080 | sed -n 's/.* = //p')
[ -n "$efer" ] || fail "cannot read EFER"
[ $((efer & 0x1000)) -eq 0 ] || fail "EFER.SVME is visible: $efer"
hvinfo rdmsr 0 0xC0010114 | grep -q '= 0x18$' || fail "VM_CR does not read as locked and disabled"
! hvinfo wrmsr 0 0xC0010117 0x1000 || fail "the parent could write VM_HSAVE_PA"
! hvinfo wrmsr 0 0xC0000080 $((efer | 0x1000)) || fail "the parent could set EFER.SVME"
hvinfo wrmsr 0 0xC0000080 "$efer" || fail "writing EFER back unchanged was refused"
pass "MSRs: EFER without SVME, VM_CR disabled, HSAVE and SVME writes refused"

# Hypercalls are for the parent's kernel: from user space VMMCALL is #UD.
hvinfo vmmcall
status=$?
[ "$status" -eq 132 ] || fail "vmmcall from user space ended with status $status, not SIGILL (132)"
pass "a hypercall from user space is refused with #UD"
