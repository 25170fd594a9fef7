# make bench, KVM's side: the parent kernel booted without our hypervisor
# loads kvm_amd (QEMU emulates SVM) and runs the same test guest under KVM
# with tools/kvmrun; its result line and the TSC rate on the console.
. /data/lib.sh
modprobe kvm_amd || fail "cannot load kvm_amd"
kvmrun --memory 64M --cmdline "hvtest=bench iterations=$(cat /data/iterations)" \
    /data/hvtest.bzimage > /tmp/kvm.out 2>&1
rc=$?
grep '^hvtest: ' /tmp/kvm.out
[ $rc -eq 0 ] || fail "kvmrun exited $rc: $(tail -n 3 /tmp/kvm.out)"
grep -q '^hvtest: bench PASS' /tmp/kvm.out || fail "no bench result"
echo "bench: tsc MHz $(dmesg | sed -n 's/.*tsc: Detected \([0-9.]*\) MHz processor.*/\1/p' | tail -n 1)"
pass "bench ran under KVM"
