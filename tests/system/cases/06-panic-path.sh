#!/bin/sh
# The hypervisor's panic path: a CPU exception (ud2) and a C panic() both
# print the registers and a backtrace whose offsets addr2line resolves to the
# right source, and end the run as a failure.
. "$(dirname "$0")/../lib.sh"

# resolve OFFSET: the source file addr2line finds for hv.elf+OFFSET.
resolve() {
    addr2line -e "$HV_ELF" "$1" | sed 's/:.*//; s|.*/||'
}

boot exception --mem 512M --hv-options "selftest=ud" --timeout 180
expect_status 1
expect_line '^hv: PANIC: CPU exception #UD invalid opcode \(vector 6\) in the hypervisor$'
expect_line '^hv: RIP [0-9a-f]{16} \(hv\.elf\+0x[0-9a-f]+\)  CS 0008'
expect_line '^hv: CR0 [0-9a-f]{16} CR2'
expect_line '^hv: exit: failure$'
off=$(sed -n 's/^hv:   #0 0x[0-9a-f]* *hv\.elf+\(0x[0-9a-f]*\) (faulting instruction)$/\1/p' "$LOG")
[ -n "$off" ] || fail "no faulting-instruction frame in $LOG"
[ "$(resolve "$off")" = main.c ] || fail "#0 $off resolves to $(resolve "$off"), not main.c"
caller=$(sed -n 's/^hv:   #1 0x[0-9a-f]* *hv\.elf+\(0x[0-9a-f]*\)$/\1/p' "$LOG")
[ -n "$caller" ] || fail "no caller frame in the backtrace"
[ "$(resolve "$caller")" = entry.S ] || [ "$(resolve "$caller")" = main.c ] ||
    fail "#1 $caller resolves to $(resolve "$caller")"

boot panic --mem 512M --hv-options "selftest=panic" --timeout 180
expect_status 1
expect_line '^hv: PANIC: selftest=panic requested$'
expect_line '^hv: backtrace'
off=$(sed -n 's/^hv:   #0 0x[0-9a-f]* *hv\.elf+\(0x[0-9a-f]*\)$/\1/p' "$LOG")
[ -n "$off" ] || fail "no backtrace frame in $LOG"
[ "$(resolve "$off")" = main.c ] || fail "#0 $off resolves to $(resolve "$off"), not main.c"
