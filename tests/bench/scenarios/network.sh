# TCP throughput, a child against a veth pair, in one boot
# (tests/bench/network-throughput): an iperf3 server on the internal
# switch's address in the parent; clients first in a network namespace
# whose veth end is a port of the switch's bridge, then in a child on its
# hv_netvsc NIC on that switch.  "up" is client to server (the issue's
# child-to-parent), "down" the other way (iperf3 -R).
. /data/lib.sh

secs=$(cat /data/seconds)
rate=/data/tools/iperf-rate

hvctl switch create bench --type internal --address 10.0.0.1/24 || fail "switch create bench"
# Bound to the bridge's address: both clients reach it through the bridge.
/data/tools/lib/ld-linux-x86-64.so.2 --library-path /data/tools/lib /data/tools/iperf3 \
    -s -B 10.0.0.1 > /tmp/iperf3-server.log 2>&1 &
server=$!

# --- the baseline: a veth pair, one end in a namespace, the other in the bridge ---
# iproute2's ip by its path: busybox sh runs its own applet for a bare "ip",
# and busybox ip cannot name a veth's peer.
unshare -n sleep 100000 &
ns=$!
sleep 0.5
/sbin/ip link add vb0 type veth peer name vb1 || fail "cannot make a veth pair"
/sbin/ip link set vb1 netns $ns || fail "cannot move vb1 into a namespace"
/sbin/ip link set vb0 master hvsw-bench || fail "cannot put vb0 into the switch's bridge"
/sbin/ip link set vb0 up
nsenter -t $ns -n /sbin/ip addr add 10.0.0.2/24 dev vb1
nsenter -t $ns -n /sbin/ip link set vb1 up
nsenter -t $ns -n /sbin/ip link set lo up
# The bridge port forwards once it is up; wait until the server answers.
i=0
until nsenter -t $ns -n ping -c 1 -W 1 10.0.0.1 > /dev/null 2>&1; do
    i=$((i + 1))
    [ $i -lt 30 ] || fail "the namespace does not reach 10.0.0.1 through the bridge"
    sleep 1
done
for dir in up down; do
    r=""
    [ $dir = down ] && r=-R
    v=$(nsenter -t $ns -n $rate -c 10.0.0.1 -t "$secs" $r) || fail "iperf3 $dir from the namespace failed"
    echo "bench: veth $dir $v"
    progress
done
# Out of the way before the child runs: only the child's traffic is measured.
kill $ns
/sbin/ip link del vb0 2> /dev/null

# --- the child ---
hvctl create nb --memory 256M --cpus 1 --kernel /data/vmlinuz --initrd /data/initrd.img \
    --cmdline "console=ttyS0 child.kvp=0" --nic bench,mac=00:15:5d:0a:00:01 \
    --disk /data/tools.img,readonly || fail "hvctl create failed"
vm_start_and_wait nb
# The NIC by its MAC, once hv_netvsc made it; the tools disk (LUN 0).
vm_ask nb setup 'for t in $(seq 60); do for i in /sys/class/net/*; do [ "$(cat $i/address)" = 00:15:5d:0a:00:01 ] && d=${i##*/}; done; [ -n "$d" ] && break; sleep 1; done; ip addr add 10.0.0.11/24 dev $d && ip link set $d up && mkdir -p /t && mount -o ro /dev/$(ls /sys/bus/scsi/devices/*:0:0:0/block) /t && echo "vm-check: setup $d $(readlink /sys/class/net/$d/device/driver | sed "s,.*/,,")"'
echo "bench: child nic $REPLY"
case $REPLY in *" hv_netvsc") ;; *) fail "the child has no hv_netvsc NIC with the tools disk mounted" ;; esac
vm_ask nb ping 'for t in $(seq 30); do ping -c 1 -W 1 10.0.0.1 > /dev/null 2>&1 && break; sleep 1; done; echo "vm-check: ping $t"'
for dir in up down; do
    r=""
    [ $dir = down ] && r=-R
    ASK_TIMEOUT=600 vm_ask nb $dir "echo \"vm-check: $dir \$(/t/iperf-rate -c 10.0.0.1 -t $secs $r)\""
    case $REPLY in [0-9]*) ;; *) fail "iperf3 $dir in the child failed" ;; esac
    echo "bench: child $dir $REPLY"
done
hvctl stop --turn-off nb
kill $server
pass "TCP throughput measured"
