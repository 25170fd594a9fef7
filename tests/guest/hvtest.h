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

/* ---- lib.c: console and strings ---------------------------------------------- */

void uart_init(void);
void uart_puts(const char *s);

size_t str_len(const char *s);
/* Whether the @n bytes at @s are exactly the NUL-terminated @word. */
bool str_is(const char *s, size_t n, const char *word);
/* Parse @n bytes at @s as "0x" and hex digits / as decimal digits (no
 * overflow past 64 bits); 0 or -1. */
int parse_hex(const char *s, size_t n, uint64_t *out);
int parse_dec(const char *s, size_t n, uint64_t *out);

/* ---- paging.c: our own identity map ------------------------------------------ */

/* Build page tables that identity-map [0, @top) with write-back 2 MiB pages
 * and switch CR3 to them; 0, or -1 if the pool is too small. */
int paging_init(uint64_t top);
/* Identity-map the 4 KiB pages covering [@pa, @pa + @len) uncached (for
 * device memory); 0, or -1 if the page-table pool is exhausted. */
int paging_map_uc(uint64_t pa, uint64_t len);

/* ---- main.c ------------------------------------------------------------------- */

/* Print "hvtest: " + the formatted line as the one result line, power off. */
_Noreturn void finish(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* What the exception stubs in head.S push, lowest address first. */
struct exception_frame {
    uint64_t vector, error;
    uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};

/* head.S */
extern const uint64_t exception_stubs[32];
extern char _image_start[], _image_end[];

#endif
