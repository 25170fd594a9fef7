/* SPDX-License-Identifier: GPL-2.0-only */
/* See fdt_guard.h for why this exists. */
#include <efi.h>
#include <efilib.h>

#include "fdt_guard.h"

#define MSR_FS_BASE 0xC0000100u

/* %fs:0x28 is where glibc-ABI code keeps its stack canary. */
static struct {
    UINT64 unused[5];
    UINT64 canary;
} __attribute__((aligned(64))) canary_block;

_Static_assert(__builtin_offsetof(__typeof__(canary_block), canary) == 0x28, "canary offset");

static UINT64 rdmsr(UINT32 msr)
{
    UINT32 lo, hi;

    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((UINT64)hi << 32) | lo;
}

static void wrmsr(UINT32 msr, UINT64 v)
{
    __asm__ volatile("wrmsr" : : "c"(msr), "a"((UINT32)v), "d"((UINT32)(v >> 32)));
}

void fdt_guard_enter(struct fdt_guard *g, BOOLEAN boot_services)
{
    g->raised_tpl = boot_services;
    if (boot_services)
        g->old_tpl = BS->RaiseTPL(TPL_HIGH_LEVEL);
    if (!canary_block.canary) {
        UINT32 lo, hi;

        __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
        /* A zero low byte also stops string overflows from copying it. */
        canary_block.canary = (((UINT64)hi << 32 | lo) * 0x9E3779B97F4A7C15ULL) & ~0xFFULL;
    }
    g->old_fs_base = rdmsr(MSR_FS_BASE);
    wrmsr(MSR_FS_BASE, (UINT64)(UINTN)&canary_block);
}

void fdt_guard_leave(struct fdt_guard *g)
{
    wrmsr(MSR_FS_BASE, g->old_fs_base);
    if (g->raised_tpl)
        BS->RestoreTPL(g->old_tpl);
}

/* libfdt's check failed: the stack is not to be trusted, stop here. */
void __stack_chk_fail(void) __attribute__((noreturn));
void __stack_chk_fail(void)
{
    for (;;)
        __asm__ volatile("cli; hlt");
}
