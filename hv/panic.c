/* SPDX-License-Identifier: GPL-2.0-only */
/* panic(), backtraces and the end of a run. */
#include <stdarg.h>
#include <stdint.h>

#include <arch/cpu.h>
#include <hv/console.h>
#include <hv/format.h>
#include <hv/hv.h>
#include <hv/panic.h>

#define MAX_FRAMES 24

void backtrace_print(uint64_t rbp, int first)
{
    printk("backtrace (addr2line -e hv.elf OFFSET):\n");
    for (int i = 0; i < MAX_FRAMES && rbp; i++) {
        /* Only follow frames inside the hypervisor's memory: a corrupt chain
         * must not fault inside the panic path. */
        if (rbp & 7 || rbp < hv_self.base || rbp + 16 > hv_self.base + hv_self.size) {
            printk("  (frame pointer 0x%llx outside the hypervisor)\n", (unsigned long long)rbp);
            return;
        }
        uint64_t ret = ((uint64_t *)rbp)[1];
        printk("  #%d 0x%016llx  hv.elf+0x%llx\n", first + i, (unsigned long long)ret,
               (unsigned long long)(ret - hv_self.base));
        rbp = ((uint64_t *)rbp)[0];
    }
}

void panic(const char *fmt, ...)
{
    char msg[200];
    va_list ap;

    __asm__ volatile("cli");
    va_start(ap, fmt);
    fmt_vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    printk("PANIC: %s\n", msg);
    backtrace_print((uint64_t)__builtin_frame_address(0), 0);
    hv_exit(1);
}

void hv_exit(int failed)
{
    if (hv_self.debug_exit_port) {
        printk("exit: %s\n", failed ? "failure" : "success");
        /* QEMU exits with (value << 1) | 1: 0x10 -> 33, 0x11 -> 35. */
        outl(hv_self.debug_exit_port, failed ? 0x11 : 0x10);
    }
    printk("halted\n");
    cpu_halt_forever();
}

/* Reached from code built with -fstack-protector when a canary was trampled. */
__attribute__((noreturn)) void __stack_chk_fail(void);
void __stack_chk_fail(void)
{
    panic("stack smashing detected");
}
