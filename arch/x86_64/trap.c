/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Exceptions in the hypervisor itself.  Nothing in the hypervisor is
 * expected to fault, so each one is a bug: report everything that helps find
 * it and stop.  (Faults of guests arrive as VM exits, not here.)
 */
#include <arch/cpu.h>
#include <arch/trap.h>
#include <hv/console.h>
#include <hv/hv.h>
#include <hv/panic.h>

static const char *const exception_names[32] = {
    [0] = "#DE divide error",
    [1] = "#DB debug",
    [2] = "NMI",
    [3] = "#BP breakpoint",
    [4] = "#OF overflow",
    [5] = "#BR bound range",
    [6] = "#UD invalid opcode",
    [7] = "#NM device not available",
    [8] = "#DF double fault",
    [10] = "#TS invalid TSS",
    [11] = "#NP segment not present",
    [12] = "#SS stack fault",
    [13] = "#GP general protection",
    [14] = "#PF page fault",
    [16] = "#MF x87 error",
    [17] = "#AC alignment check",
    [18] = "#MC machine check",
    [19] = "#XM SIMD error",
    [20] = "#VE virtualization",
    [21] = "#CP control protection",
    [29] = "#VC VMM communication",
    [30] = "#SX security",
};

static void dump_registers(const struct trap_frame *f)
{
    printk("RIP %016llx (hv.elf+0x%llx)  CS %04llx  RFLAGS %016llx\n", (unsigned long long)f->rip,
           (unsigned long long)(f->rip - hv_self.base), (unsigned long long)f->cs,
           (unsigned long long)f->rflags);
    printk("RSP %016llx  SS %04llx  error code %llx\n", (unsigned long long)f->rsp,
           (unsigned long long)f->ss, (unsigned long long)f->error_code);
    printk("RAX %016llx RBX %016llx RCX %016llx RDX %016llx\n", (unsigned long long)f->rax,
           (unsigned long long)f->rbx, (unsigned long long)f->rcx, (unsigned long long)f->rdx);
    printk("RSI %016llx RDI %016llx RBP %016llx R8  %016llx\n", (unsigned long long)f->rsi,
           (unsigned long long)f->rdi, (unsigned long long)f->rbp, (unsigned long long)f->r8);
    printk("R9  %016llx R10 %016llx R11 %016llx R12 %016llx\n", (unsigned long long)f->r9,
           (unsigned long long)f->r10, (unsigned long long)f->r11, (unsigned long long)f->r12);
    printk("R13 %016llx R14 %016llx R15 %016llx\n", (unsigned long long)f->r13,
           (unsigned long long)f->r14, (unsigned long long)f->r15);
    printk("CR0 %016llx CR2 %016llx CR3 %016llx CR4 %016llx\n", (unsigned long long)read_cr0(),
           (unsigned long long)read_cr2(), (unsigned long long)read_cr3(),
           (unsigned long long)read_cr4());
}

struct fixup {
    uint64_t insn, resume;
};
extern const struct fixup fixup_table[], fixup_table_end[];

/* An instruction that may fault by design (msr_safe.S): resume at its fixup. */
static int try_fixup(struct trap_frame *f)
{
    if (f->vector != 13)
        return 0;
    for (const struct fixup *x = fixup_table; x < fixup_table_end; x++) {
        if (x->insn == f->rip) {
            f->rip = x->resume;
            return 1;
        }
    }
    return 0;
}

void trap_dispatch(struct trap_frame *f);
void trap_dispatch(struct trap_frame *f)
{
    if (try_fixup(f))
        return;
    const char *name = f->vector < 32 && exception_names[f->vector] ? exception_names[f->vector]
                                                                    : "reserved exception";

    printk("PANIC: CPU exception %s (vector %llu) in the hypervisor\n", name,
           (unsigned long long)f->vector);
    dump_registers(f);
    printk("  #0 0x%016llx  hv.elf+0x%llx (faulting instruction)\n", (unsigned long long)f->rip,
           (unsigned long long)(f->rip - hv_self.base));
    backtrace_print(f->rbp, 1);
    hv_exit(1);
}
