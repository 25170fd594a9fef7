# Synthetic networking with stock Debian children (tests/system/cases/
# 46-network.sh): hvctl's virtual switches (internal, private, external)
# and NICs, netvsp under the children's own hv_netvsc.  Three children:
#   a: lan (internal), dmz (private), vl (MTU 9000, VLAN 10), up (external)
#   b: lan, dmz, vl (VLAN 10)
#   c: vl (VLAN 20), its MAC from the host's pool
# The machine has two NICs joined by a wire (qemu-boot --nic-pair): one is
# the external switch's uplink, the other sits in a network namespace as
# "the outside host".
. /data/lib.sh

md5() { md5sum | cut -d' ' -f1; }

# The parent's two wired NICs, by the MACs qemu-boot gives them.
ifname_by_mac() {
    for i in /sys/class/net/*; do
        [ "$(cat "$i/address")" = "$1" ] && echo "${i##*/}"
    done
}
uplink=$(ifname_by_mac 52:54:00:00:0e:01)
outside=$(ifname_by_mac 52:54:00:00:0e:02)
[ -n "$uplink" ] && [ -n "$outside" ] || fail "no wired NIC pair (qemu-boot --nic-pair)"

# --- switches -----------------------------------------------------------------------
hvctl switch create lan --type internal --address 10.0.0.1/24 || fail "switch create lan"
hvctl switch create dmz --type private || fail "switch create dmz"
hvctl switch create vl --type private --mtu 9000 || fail "switch create vl"
hvctl switch create up --type external --nic "$uplink" || fail "switch create up"
hvctl switch list | sed 's/^/switch: /'
pass "hvctl switch created internal, private and external switches"

# "The outside host": the other end of the wire, in its own namespace.
unshare -n sleep 100000 &
ns=$!
sleep 0.5
ip link set "$outside" netns $ns || fail "cannot move $outside into a namespace"
nsenter -t $ns -n ip addr add 10.0.2.1/24 dev "$outside"
nsenter -t $ns -n ip link set "$outside" up
nsenter -t $ns -n ip link set lo up

# --- children -----------------------------------------------------------------------
common="--kernel /data/vmlinuz --initrd /data/initrd.img --cmdline console=ttyS0"
# shellcheck disable=SC2086
hvctl create a --memory 256M --cpus 1 $common --nic lan,mac=00:15:5d:0a:00:01 \
    --nic dmz,mac=00:15:5d:0a:00:02 --nic vl,vlan=10,mac=00:15:5d:0a:00:03 \
    --nic up,mac=00:15:5d:0a:00:04 || fail "hvctl create a"
# shellcheck disable=SC2086
hvctl create b --memory 256M --cpus 1 $common --nic lan,mac=00:15:5d:0b:00:01 \
    --nic dmz,mac=00:15:5d:0b:00:02 --nic vl,vlan=10,mac=00:15:5d:0b:00:03 || fail "hvctl create b"
# shellcheck disable=SC2086
hvctl create c --memory 128M --cpus 1 $common --nic vl,vlan=20 || fail "hvctl create c"
if hvctl create d --memory 128M $common --nic lan,mac=00:15:5d:0a:00:01 2> /tmp/dup.err; then
    fail "a second NIC with a's MAC was accepted"
fi
grep -q "00:15:5d:0a:00:01" /tmp/dup.err || fail "the duplicate MAC error does not name it: $(cat /tmp/dup.err)"
cmac=$(hvctl nic list c | awk 'NR > 1 { print $3 }')
case $cmac in
00:15:5d:* | 00:15:5D:*) ;;
*) hvctl nic list c; fail "c's MAC '$cmac' is not from the 00:15:5D pool" ;;
esac
cmac=$(echo "$cmac" | tr 'A-F' 'a-f')
pass "hvctl create gave the children their NICs; c's MAC $cmac is from the pool; a duplicate MAC is refused"

for vm in a b c; do
    rm -f "/run/hvcore/$vm/console.log"
    hvctl start $vm || fail "hvctl start $vm: $(cat /run/hvcore/$vm/vmwp.log)"
    tail -f "/run/hvcore/$vm/console.log" 2> /dev/null | sed "s/^/$vm| /" &
done
for vm in a b c; do
    wait_for "/run/hvcore/$vm/console.log" '^child: ready' 600 || {
        vm_dump $vm
        fail "the child $vm did not reach its shell"
    }
done

# vm_ask's commands: the interface with a MAC, once hv_netvsc made it.
for vm in a b c; do
    vm_ask $vm fn 'nic() { for t in $(seq 60); do for i in /sys/class/net/*; do [ "$(cat $i/address)" = "$1" ] && { echo ${i##*/}; return; }; done; sleep 1; done; }'
    vm_ask $vm fn2 'up() { d=$(nic $1) && ip link set $d mtu ${3:-1500} && ip addr add $2 dev $d && ip link set $d up && echo "vm-check: $4 $d $(readlink /sys/class/net/$d/device/driver | sed "s,.*/,,")"; }'
done
vm_ask a up 'up 00:15:5d:0a:00:01 10.0.0.11/24 1500 up; up 00:15:5d:0a:00:02 10.0.1.11/24 1500 up; up 00:15:5d:0a:00:03 10.0.3.11/24 9000 up; up 00:15:5d:0a:00:04 10.0.2.11/24 1500 up'
echo "$REPLY" | sed 's/^/a-nics: /'
[ "$(echo "$REPLY" | grep -c ' hv_netvsc$')" = 4 ] || fail "a's four NICs are not all hv_netvsc interfaces"
vm_ask b up 'up 00:15:5d:0b:00:01 10.0.0.12/24 1500 up; up 00:15:5d:0b:00:02 10.0.1.12/24 1500 up; up 00:15:5d:0b:00:03 10.0.3.12/24 9000 up'
[ "$(echo "$REPLY" | grep -c ' hv_netvsc$')" = 3 ] || fail "b's three NICs are not all hv_netvsc interfaces"
vm_ask c up "up $cmac 10.0.3.13/24 1500 up"
[ "$(echo "$REPLY" | grep -c ' hv_netvsc$')" = 1 ] || fail "c's NIC is not an hv_netvsc interface"
pass "every child NIC is an hv_netvsc interface with the MAC hvctl gave it"

# ping_ok VM NAME ADDRESS: whether VM reaches ADDRESS.
ping_ok() {
    vm_ask "$1" "$2" "ping -c 2 -W 3 $3 > /dev/null 2>&1 && echo 'vm-check: $2 yes' || echo 'vm-check: $2 no'"
    [ "$REPLY" = yes ]
}

# --- internal: children and the parent ---------------------------------------------
ping_ok a p1 10.0.0.1 || fail "a does not reach the parent on the internal switch"
ping_ok b p2 10.0.0.1 || fail "b does not reach the parent on the internal switch"
ping_ok a p3 10.0.0.12 || fail "a does not reach b on the internal switch"
ping -c 2 -W 3 10.0.0.11 > /dev/null || fail "the parent does not reach a on the internal switch"
pass "internal switch: each child pings the parent and the other; the parent pings them"

# net_dump: what the switch and the workers saw, for a transfer that failed.
net_dump() {
    ip -s link | sed 's/^/parent-link: /'
    for vm in a b; do
        hvctl stop --turn-off $vm
        sed "s/^/$vm-vmwp| /" /run/hvcore/$vm/vmwp.log
    done
}

# tcp_transfer NAME MIB PORT SECONDS: a sends MIB MiB of random data to b
# over TCP; b's copy must have the same checksum.  b's listener writes a
# file (its end: when a's nc closed the connection), which is then read.
tcp_transfer() {
    bytes=$(($2 * 1048576))
    vm_ask b "$1-listen" "(sleep 1800 | nc -l -p $3 > /tmp/$1) &"
    ASK_TIMEOUT=$4 vm_ask a "$1-send" "dd if=/dev/urandom of=/tmp/$1 bs=1M count=$2 2> /dev/null; echo \"vm-check: $1-send \$(md5sum < /tmp/$1 | cut -d' ' -f1)\"; nc 10.0.0.12 $3 < /tmp/$1; rm /tmp/$1"
    sent=$REPLY
    ASK_TIMEOUT=$4 vm_ask b "$1-got" "for i in \$(seq $4); do [ \$(wc -c < /tmp/$1) -ge $bytes ] && break; sleep 1; done; echo \"vm-check: $1-got \$(wc -c < /tmp/$1) \$(md5sum < /tmp/$1 | cut -d' ' -f1)\"; rm /tmp/$1"
    got=$REPLY
    if [ "$got" != "$bytes $sent" ]; then
        net_dump
        fail "b received '$got' (bytes, md5), a sent $bytes bytes with md5 $sent"
    fi
}

tcp_transfer t1 1 5000 180
pass "internal switch: 1 MiB over TCP from a to b"
tcp_transfer t64 64 5001 900
pass "internal switch: 64 MiB over TCP from a to b, checksums match ($sent)"

# --- private: children only -----------------------------------------------------------
ping_ok a p4 10.0.1.12 || fail "a does not reach b on the private switch"
ip addr add 10.0.1.1/24 dev hvsw-dmz 2> /dev/null
ping -c 2 -W 3 10.0.1.11 > /dev/null 2>&1 && fail "the parent reaches a child on the private switch"
ping_ok a p5 10.0.1.1 && fail "a child reaches the parent on the private switch"
pass "private switch: the children reach each other, not the parent"

# --- VLANs and jumbo frames on vl -----------------------------------------------------
ping_ok a p6 10.0.3.12 || fail "a does not reach b on VLAN 10"
ping_ok c p7 10.0.3.11 && fail "c (VLAN 20) reaches a (VLAN 10)"
ping_ok c p8 10.0.3.12 && fail "c (VLAN 20) reaches b (VLAN 10)"
pass "VLANs: the VLAN 10 children reach each other, the VLAN 20 child reaches neither"

# 8972 bytes of ICMP payload: a 9000-byte IP packet, a 9014-byte frame.  It
# must arrive whole: b reassembles no fragments.
vm_ask b fn3 'reasm() { awk "/^Ip: [A-Z]/ { for (i = 1; i <= NF; i++) if (\$i == \"ReasmReqds\") c = i } /^Ip: [0-9]/ { print \$c }" /proc/net/snmp; }'
vm_ask b reasm1 'echo "vm-check: reasm1 $(reasm)"'
before=$REPLY
[ -n "$before" ] || fail "b's /proc/net/snmp has no ReasmReqds"
ping_ok a p9 "-s 8972 10.0.3.12" || fail "a's 9000-byte ping to b got no answer"
vm_ask b reasm2 'echo "vm-check: reasm2 $(reasm)"'
[ "$REPLY" = "$before" ] || fail "the 9000-byte packets were fragmented (ReasmReqds $before -> $REPLY)"
pass "MTU 9000: a 9014-byte frame goes from a to b and back unfragmented"

# --- external: through the wire to the outside host ---------------------------------------
ping_ok a p10 10.0.2.1 || fail "a does not reach the outside host through the external switch"
pass "external switch: a reaches the host on the other end of the physical NIC"

# --- deleting switches ---------------------------------------------------------------
hvctl switch delete lan 2> /tmp/del.err && fail "deleting a switch that VMs use worked"
grep -qw "a" /tmp/del.err || fail "the refusal does not name the VM: $(cat /tmp/del.err)"
for vm in a b c; do
    hvctl stop --turn-off $vm 2> /dev/null || fail "hvctl stop --turn-off $vm"
    hvctl delete $vm || fail "hvctl delete $vm"
done
for sw in lan dmz vl up; do
    hvctl switch delete $sw || fail "hvctl switch delete $sw"
done
[ -e /sys/class/net/hvsw-lan ] && fail "the bridge of lan is still there"
[ -e "/sys/class/net/$uplink/master" ] && fail "$uplink is still in a bridge"
kill $ns
pass "hvctl switch delete removed the bridges and released the uplink"
