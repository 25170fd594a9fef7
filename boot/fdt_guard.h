/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Calling Debian's libfdt.a from a UEFI application.
 *
 * The archive is built for user space: its functions read a stack canary at
 * %fs:0x28 and may use the 128-byte red zone below %rsp.  Under UEFI, FS has
 * no defined base and firmware interrupt handlers run on our stack, which
 * would overwrite a red zone.  Inside a guard, FS points at a canary block of
 * ours and, while boot services are up, the TPL is TPL_HIGH_LEVEL so no
 * firmware interrupt runs; after ExitBootServices interrupts are already off.
 * Keep guarded sections short: they hold off the firmware's timers.
 */
#ifndef BOOT_FDT_GUARD_H
#define BOOT_FDT_GUARD_H

#include <efi.h>

struct fdt_guard {
    EFI_TPL old_tpl;
    UINT64 old_fs_base;
    BOOLEAN raised_tpl;
};

/* @boot_services: TRUE before ExitBootServices (raise the TPL), FALSE after. */
void fdt_guard_enter(struct fdt_guard *g, BOOLEAN boot_services);
void fdt_guard_leave(struct fdt_guard *g);

#endif
