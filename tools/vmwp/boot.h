/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Starting the child's Linux kernel directly through the 64-bit boot
 * protocol, with no firmware: vmwp is the boot loader.
 *
 * Guest-physical layout (low memory is ours; Linux copies the zero page and
 * the command line before it reuses RAM, and reserves the first MiB):
 *
 *   0x0000_0000  page 0                         e820 reserved
 *   0x0000_1000  boot GDT (32 bytes)            RAM
 *   0x0000_7000  zero page (struct boot_params) RAM
 *   0x0000_9000  identity page tables, 0-4 GiB  RAM
 *   0x0002_0000  command line (up to 64 KiB)    RAM
 *   0x000A_0000  legacy VGA/BIOS hole           e820 reserved ...
 *   0x000E_0000  ACPI tables (12 KiB)           ... but ACPI here
 *   0x0010_0000  RAM; the kernel at its preferred address (else aligned, at
 *                or above 16 MiB), the initrd at the top of the low bank
 *                below initrd_addr_max; everything below 4 GiB, which the
 *                boot page tables cover
 *   0x1_0000_0000  the high bank, if any        RAM
 *
 * boot_setup() is pure: it works on the host view of guest memory and
 * leaves the initrd's bytes to the caller (they are read from the file
 * straight into guest memory at plan->initrd_gpa).
 */
#ifndef VMWP_BOOT_H
#define VMWP_BOOT_H

#include <stddef.h>
#include <stdint.h>

#include <hv/linux_boot.h>
#include <hv/vid_ioctl.h>

#include "guest_memory.h"

#define BOOT_GDT_GPA         0x1000ULL
#define BOOT_ZERO_PAGE_GPA   0x7000ULL
#define BOOT_PAGE_TABLES_GPA 0x9000ULL
#define BOOT_PAGE_TABLES_MAX 0x7000ULL /* up to 0x10000 */
#define BOOT_CMDLINE_GPA     0x20000ULL
#define BOOT_CMDLINE_MAX     0x10000ULL /* with the NUL */
#define BOOT_LEGACY_HOLE     0xA0000ULL
#define BOOT_ACPI_GPA        0xE0000ULL
#define BOOT_HIGH_MEMORY     0x100000ULL    /* 1 MiB */
#define BOOT_PAGE_TABLES_TOP 0x100000000ULL /* identity-mapped: [0, 4 GiB) */
#define BOOT_PM_BASE_PORT    0x600          /* ACPI_CHILD_PM_BASE_DEFAULT */
#define BOOT_RESET_PORT      0xCF9

#define E820_ACPI 3

/* e820 entries boot_build_e820() writes at most. */
#define BOOT_E820_MAX 8

/* The registers boot_vp0_registers() sets. */
#define BOOT_VP0_REGS 20

struct boot_inputs {
    const uint8_t *kernel; /* the bzImage file */
    size_t kernel_size;
    uint64_t initrd_size; /* 0: none */
    const char *cmdline;  /* NUL-terminated; "" for none */
    uint32_t cpus;
};

struct boot_plan {
    struct bzimage_info kernel;
    uint64_t kernel_gpa; /* load address */
    uint64_t initrd_gpa; /* 0 without an initrd */
    uint64_t rsdp_gpa;
    size_t acpi_used;
    struct e820_entry e820[BOOT_E820_MAX];
    size_t e820_count;
    struct linux_entry_state entry;
};

/*
 * The child's e820 map for @gm, with [acpi_gpa, acpi_gpa + acpi_size) (in
 * the legacy hole) as ACPI memory; see the layout above.  Returns the
 * number of entries.
 */
size_t boot_build_e820(const struct guest_memory *gm, uint64_t acpi_gpa, uint64_t acpi_size,
                       struct e820_entry *out);

/*
 * Check the kernel and place everything in @gm's memory (which must be
 * mapped and zeroed): the kernel, the command line, the ACPI tables, the
 * zero page, the boot GDT and page tables; and decide where the initrd goes
 * (its bytes are the caller's to copy).  Returns 0 with @plan filled, or -1
 * with a message in @err (a bad bzImage, a command line the kernel does not
 * take, not enough memory for the kernel and initrd).
 */
int boot_setup(const struct guest_memory *gm, const struct boot_inputs *in, struct boot_plan *plan,
               char *err, size_t errlen);

/* VP0's registers for the kernel's 64-bit entry (segments with flat
 * descriptors in the VMCB attribute packing, TR and LDTR as after reset) in
 * @regs (room for BOOT_VP0_REGS); returns how many. */
unsigned boot_vp0_registers(const struct linux_entry_state *st, struct vid_register *regs);

#endif
