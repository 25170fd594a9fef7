/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvtest: a freestanding test kernel for child partitions (README.md).
 * Identity-mapped, one CPU, interrupts off from start to end.
 */
#ifndef HVTEST_H
#define HVTEST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hv/format.h>

#define PAGE_SIZE 0x1000ULL
#define SZ_2M     0x200000ULL

/* ---- the platform vmwp emulates -------------------------------------------- */

#define COM1_PORT     0x3F8
#define UART_THR      0
#define UART_IER      1
#define UART_LCR      3
#define UART_LSR      5
#define UART_LSR_THRE 0x20
#define UART_LCR_8N1  0x03

/* ACPI PM block (tools/vmwp/boot.h BOOT_PM_BASE_PORT, acpi_tables.h):
 * PM1a_CNT at +4; SLP_TYP in bits 10-12, S5 is type 5; SLP_EN bit 13. */
#define PM1A_CNT_PORT  (0x600 + 4)
#define PM1_SLP_TYP_S5 (5u << 10)
#define PM1_SLP_EN     (1u << 13)

/* A port no vmwp device claims: OUT is dropped (the bench's no-op exit). */
#define NOOP_PORT 0x80

/* head.S's GDT. */
#define CODE_SEL 0x08
#define DATA_SEL 0x10
#define TSS_SEL  0x28 /* two entries; hyperv.c fills them in */

/* ---- port I/O and other instructions ----------------------------------------- */

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outw(uint16_t port, uint16_t v)
{
    __asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
    uint8_t v;

    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline void cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
    __asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(0));
}

/* RDTSC that does not start before earlier instructions have finished. */
static inline uint64_t rdtsc_ordered(void)
{
    uint32_t lo, hi;

    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
    return (uint64_t)hi << 32 | lo;
}

static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;

    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr) : "memory");
    return (uint64_t)hi << 32 | lo;
}

/* "memory": some MSRs make the hypervisor write a page of our RAM. */
static inline void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
}

static inline uint64_t read_cr4(void)
{
    uint64_t v;

    __asm__ volatile("mov %%cr4, %0" : "=r"(v));
    return v;
}

static inline void write_cr4(uint64_t v)
{
    __asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}

static inline uint64_t read_cr2(void)
{
    uint64_t v;

    __asm__ volatile("mov %%cr2, %0" : "=r"(v));
    return v;
}

_Noreturn static inline void halt_forever(void)
{
    for (;;)
        __asm__ volatile("cli; hlt");
}

/* ---- instructions that may fault ------------------------------------------------ */

/*
 * An instruction that is allowed to raise an exception is listed in
 * .extable with where to resume: main.c's handler records the exception in
 * last_fault and resumes there, registers as they were at the fault.  For
 * inline assembly: label the instruction and its fixup, then
 * EXTABLE_ENTRY("1b", "2b").
 */
#define EXTABLE_ENTRY(insn, fixup)                                                                 \
    ".pushsection .extable, \"a\"\n\t.balign 8\n\t.quad " insn ", " fixup "\n\t.popsection\n\t"

#define NO_FAULT (-1)

struct fault {
    int vector; /* NO_FAULT, or the vector of the last expected exception */
    uint64_t error, rip, cs;
};

extern volatile struct fault last_fault;

/* RDMSR: NO_FAULT (*@val is the value), or the vector it raised (*@val is 0). */
static inline int rdmsr_safe(uint32_t msr, uint64_t *val)
{
    uint32_t lo = 0, hi = 0;

    last_fault.vector = NO_FAULT;
    __asm__ volatile("1: rdmsr\n2:\n\t" EXTABLE_ENTRY("1b", "2b")
                     : "+a"(lo), "+d"(hi)
                     : "c"(msr)
                     : "memory");
    *val = (uint64_t)hi << 32 | lo;
    return last_fault.vector;
}

/* WRMSR: NO_FAULT, or the vector it raised. */
static inline int wrmsr_safe(uint32_t msr, uint64_t v)
{
    last_fault.vector = NO_FAULT;
    __asm__ volatile("1: wrmsr\n2:\n\t" EXTABLE_ENTRY("1b", "2b")
                     :
                     : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))
                     : "memory");
    return last_fault.vector;
}

/* VMMCALL here, with the TLFS registers (RCX control, RDX input, R8
 * output): NO_FAULT (*@rax is the status), or the vector it raised. */
static inline int vmmcall_safe(uint64_t control, uint64_t input, uint64_t output, uint64_t *rax)
{
    register uint64_t r8 __asm__("r8") = output;
    uint64_t a = 0;

    last_fault.vector = NO_FAULT;
    __asm__ volatile("1: vmmcall\n2:\n\t" EXTABLE_ENTRY("1b", "2b")
                     : "+a"(a), "+c"(control), "+d"(input), "+r"(r8)
                     :
                     : "cc", "memory");
    *rax = a;
    return last_fault.vector;
}

/* ---- lib.c: console and strings ---------------------------------------------- */

void uart_init(void);
void uart_puts(const char *s);

/* Byte loops: the compiler is not to call a memcpy, memset or memcmp we
 * do not have.  Volatile stores: the host may be reading the memory. */
void copy_bytes(void *dst, const void *src, size_t n);
void fill_bytes(void *dst, uint8_t v, size_t n);
bool same_bytes(const void *a, const void *b, size_t n);

size_t str_len(const char *s);
/* Whether the @n bytes at @s are exactly the NUL-terminated @word. */
bool str_is(const char *s, size_t n, const char *word);
/* Parse @n bytes at @s as "0x" and hex digits / as decimal digits (no
 * overflow past 64 bits); 0 or -1. */
int parse_hex(const char *s, size_t n, uint64_t *out);
int parse_dec(const char *s, size_t n, uint64_t *out);

/* ---- paging.c: our own identity map ------------------------------------------ */

/* Build page tables that identity-map [0, @top) with write-back 2 MiB pages
 * and switch CR3 to them; 0, or -1 if the pool is too small.  @user: ring 3
 * may use every page (hyperv.c's VMMCALL from user mode). */
int paging_init(uint64_t top, bool user);
/* Identity-map the 4 KiB pages covering [@pa, @pa + @len) uncached (for
 * device memory); 0, or -1 if the page-table pool is exhausted. */
int paging_map_uc(uint64_t pa, uint64_t len);

/* ---- main.c ------------------------------------------------------------------- */

/* Print "hvtest: " + the formatted line as the one result line, power off. */
_Noreturn void finish(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print "hvtest: " + the formatted line, for a test that says more than
 * its result (hvtest=storwrite's progress). */
void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "#GP" and so on; "none" for NO_FAULT. */
const char *exception_name(int vector);

/* What the exception stubs in head.S push, lowest address first. */
struct exception_frame {
    uint64_t vector, error;
    uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};

/* ---- hyperv.c: the Hyper-V interface ------------------------------------------ */

#define HV_MSR_GUEST_OS_ID 0x40000000
#define HV_MSR_HYPERCALL   0x40000001

/* CPUID 0x40000000 says "Microsoft Hv". */
bool hyperv_present(void);
/* Set a guest OS id and enable the hypercall page (a page of .bss); its
 * address, or NULL if the enable bit did not stick. */
const void *hyperv_enable_hypercalls(void);
/* hvtest=hypercalls; @ram_top is the end of the highest e820 RAM entry. */
_Noreturn void test_hypercalls(uint64_t ram_top);

/* ---- storvsc.c: a hostile storvsc against the worker's storvsp ----------------- */

/* hvtest=storvsc; @ram_top as for test_hypercalls, @blocks the disk's size
 * in logical blocks that READ CAPACITY must report (0: any). */
_Noreturn void test_storvsc(uint64_t ram_top, uint64_t blocks);

/* ---- storwrite.c: writes and flushes until it is killed -------------------------- */

/* hvtest=storwrite; @round goes into every block written and line said. */
_Noreturn void test_storwrite(uint64_t round);

/* hvtest=netvsc's command-line values, each NULL if not given (netvsc.c). */
struct netvsc_args {
    const char *mac, *ip, *peer;
    size_t mac_len, ip_len, peer_len;
};

/* hvtest=netvsc; @ram_top as for test_hypercalls. */
_Noreturn void test_netvsc(uint64_t ram_top, const struct netvsc_args *args);

/* head.S */
extern const uint64_t exception_stubs[32];
extern char _image_start[], _image_end[];
extern uint64_t gdt[];
extern uint64_t user_return_rsp;
extern const char user_vmmcall_insn[], user_vmmcall_after[];
/* VMMCALL in ring 3 with RCX = @control; back through an exception only. */
void user_vmmcall(uint64_t control);

#endif
