/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Powering on a generation 1 child: its firmware (SeaBIOS) in the ROM
 * range below 4 GiB and in shadow RAM, the ACPI tables at the top of low
 * RAM, the machine's description in fw_cfg, and its IDE drives.  VP 0
 * starts at the reset vector, as the hypervisor creates it: no registers
 * to set.
 *
 * Guest-physical layout:
 *   [0, acpi)                  RAM (SeaBIOS reserves its own areas in it)
 *   [acpi, low top)            the ACPI tables (PC_ACPI_SIZE), e820 ACPI
 *   [4 GiB - rom, 4 GiB)       the firmware image, mapped read-only
 *   [4 GiB, ...)               the high bank, if any
 */
#ifndef VMWP_PC_BOOT_H
#define VMWP_PC_BOOT_H

#include <stddef.h>
#include <stdint.h>

#include <disk/disk.h>

#include "config.h"
#include "guest_memory.h"
#include "pc_platform.h"

#define PC_ACPI_SIZE 0x10000u /* at the top of the low bank */
#define PC_ROM_MIN   (64u << 10)

struct seabios_cfg;

struct pc_boot {
    void *rom; /* the firmware's host pages (mapped into the child) */
    size_t rom_size;
    uint64_t rom_gpa;
    struct disk *drives[4]; /* per ide= slot (channel * 2 + device) */
    struct ide_backend backends[4];
    struct seabios_cfg *fw; /* what fw_cfg points into */
    uint64_t rsdp_gpa;
};

/*
 * Load the firmware into @gm and the ROM range of @partition_fd, build the
 * ACPI tables and fw_cfg contents, and attach the IDE drives of @cfg to
 * pc->ide.  Before the VPs run; @gm mapped.  0, or -1 with a message in
 * @err (a firmware file of the wrong size, a disk that does not open).
 */
int pc_boot_setup(struct pc_boot *b, struct pc_platform *pc, const struct vmwp_config *cfg,
                  struct guest_memory *gm, int partition_fd, char *err, size_t errlen);

/* Close the drives (flushing them) and free the ROM; after the VPs stopped. */
void pc_boot_teardown(struct pc_boot *b);

#endif
