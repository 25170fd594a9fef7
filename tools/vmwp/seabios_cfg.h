/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What a generation 1 child's SeaBIOS (Debian's bios-256k.bin, the QEMU
 * build) reads from fw_cfg (pc/fw_cfg.h), filled in one call.  Pure: the
 * bytes go into a struct seabios_cfg the caller keeps alive as long as the
 * struct fw_cfg (which points into it), next to it in the platform.
 *
 * Items (SeaBIOS 1.16.2, src/fw/paravirt.c unless said otherwise):
 *   FW_CFG_NB_CPUS      le16  vCPUs present: after its broadcast INIT-SIPI
 *                             SeaBIOS spins until that many CPUs checked in
 *                             (src/fw/smp.c), the larger of this and CMOS
 *                             0x5F + 1
 *   FW_CFG_MAX_CPUS     le16  "etc/max-cpus"; at most 255 lets SeaBIOS build
 *                             its $PIR and MP tables for non-ACPI systems
 *   FW_CFG_RAM_SIZE     le64  QEMU's; SeaBIOS does not read it
 *   FW_CFG_NOGRAPHIC    le16  1 with a serial console, 0 without: nonzero
 *                             with no etc/sercon-port would make SeaBIOS
 *                             pick COM1 itself
 *   FW_CFG_BOOT_MENU    le16  "etc/show-boot-menu": 0, no "Press ESC" pause
 *   FW_CFG_IRQ0_OVERRIDE le32 1: the MP table routes ISA IRQ 0 to I/O APIC
 *                             pin 2, as the MADT's override and the platform
 *   etc/e820                  the memory map (below)
 *   etc/acpi/rsdp             the 36-byte RSDP of the worker's tables
 *   etc/table-loader          one ALLOCATE command: copy etc/acpi/rsdp into
 *                             the F segment (zone FSEG, 16-byte aligned),
 *                             where the guest's OS looks for it
 *                             (src/fw/romfile_loader.c)
 *   etc/sercon-port     le16  the serial console's port: SeaBIOS's own
 *                             output and every int 10h call (the boot
 *                             loader's) go there; there is no VGA
 *   etc/boot-fail-wait  le32  ms to wait before rebooting when nothing
 *                             boots, or SEABIOS_BOOT_FAIL_WAIT_FOREVER (QEMU's
 *                             default) to print "No bootable device." and
 *                             wait (src/boot.c)
 *   bootorder                 optional: device paths one per line, the first
 *                             boots first, NUL-terminated, "HALT" last for a
 *                             strict order (only these boot), as QEMU writes
 *                             it (src/boot.c, loadBootOrder)
 *
 * The ACPI tables: the worker builds them itself (child_acpi_build()) in
 * guest memory reserved for them; SeaBIOS only needs the RSDP, already
 * pointing at them with correct checksums, so the loader needs no
 * ADD_POINTER or ADD_CHECKSUM.  SeaBIOS then finds the RSDP in the F
 * segment (find_acpi_rsdp), does not build tables of its own (acpi_setup
 * runs only without it), and reads the DSDT: without a PNP0303 device there
 * it skips its PS/2 keyboard (src/hw/ps2port.c), so the tables need
 * ACPI_CHILD_F_PC_LEGACY | ACPI_CHILD_F_I8042.  The presence of
 * etc/table-loader also moves SeaBIOS's idea of the PIIX4 PM base to 0x600
 * (qemu_cfg_init): it programs PMBA = 0x601, the SMBus base 0x701, and runs
 * its timer on the PM timer at 0x608 (src/fw/pciinit.c, piix4_pm_setup).
 *
 * The memory map: SeaBIOS takes only RAM (1) and reserved (2) entries from
 * etc/e820 (qemu_early_e820) and adds them in order, a later entry winning
 * where two overlap.  So every other type (ACPI, NVS, unusable) is passed
 * as reserved, which keeps the worker's ACPI tables from the OS's RAM, and
 * the RAM entries go first.  Give RAM as QEMU does: [0, top of low RAM)
 * whole (SeaBIOS removes 640 KiB-1 MiB itself and reserves the BIOS, and
 * its own high tables at the top of the highest RAM below 4 GiB) and
 * [4 GiB, ...); then the reserved ranges, e.g. the ACPI tables.
 */
#ifndef VMWP_SEABIOS_CFG_H
#define VMWP_SEABIOS_CFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <pc/fw_cfg.h>

#define SEABIOS_CFG_MAX_E820      32
#define SEABIOS_CFG_MAX_BOOT      16
#define SEABIOS_CFG_BOOTORDER_MAX 1024 /* the whole file, NUL included */
#define SEABIOS_CFG_PATH_MAX      256  /* SeaBIOS builds its paths in 256 bytes */
#define SEABIOS_CFG_RSDP_SIZE     36
#define SEABIOS_CFG_FILES         6 /* fw_cfg files seabios_cfg_build() may add */

#define SEABIOS_CFG_RSDP_FILE   "etc/acpi/rsdp"
#define SEABIOS_CFG_LOADER_FILE "etc/table-loader"

/* etc/table-loader's command layout (SeaBIOS src/fw/romfile_loader.h,
 * QEMU's BiosLinkerLoaderEntry): 128 bytes, little-endian. */
#define SEABIOS_LOADER_ENTRY_SIZE 128
#define SEABIOS_LOADER_ALLOCATE   1
#define SEABIOS_LOADER_FILE_OFF   4  /* char[56], NUL-padded */
#define SEABIOS_LOADER_ALIGN_OFF  60 /* le32, a power of 2 */
#define SEABIOS_LOADER_ZONE_OFF   64 /* u8 */
#define SEABIOS_LOADER_ZONE_HIGH  1
#define SEABIOS_LOADER_ZONE_FSEG  2

#define SEABIOS_BOOT_FAIL_WAIT_FOREVER 0xFFFFFFFFu
#define SEABIOS_SERCON_COM1            0x3F8

struct seabios_cfg_params {
    uint32_t cpus;     /* vCPUs present: 1..UINT16_MAX */
    uint32_t max_cpus; /* 0 for cpus; else cpus..UINT16_MAX */
    uint64_t ram_size; /* all guest RAM, bytes (FW_CFG_RAM_SIZE) */
    /* The memory map: 1..SEABIOS_CFG_MAX_E820 entries, at least one RAM. */
    const struct fw_cfg_e820_entry *e820;
    size_t e820_count;
    /* The RSDP child_acpi_build() made, its 36 bytes (copied). */
    const void *rsdp;
    /* Optional boot order: device paths (seabios_cfg_ata_path() and
     * seabios_cfg_pci_path() make them), the first tried first; with
     * boot_strict nothing else boots. */
    const char *const *boot_order;
    size_t boot_count; /* 0..SEABIOS_CFG_MAX_BOOT */
    bool boot_strict;
    bool boot_menu;             /* let the user pick with ESC (a pause at boot) */
    uint32_t boot_fail_wait_ms; /* or SEABIOS_BOOT_FAIL_WAIT_FOREVER */
    uint16_t sercon_port;       /* SEABIOS_SERCON_COM1; 0 for no serial console */
};

/* The bytes fw_cfg refers to.  Opaque to the caller but for its lifetime. */
struct seabios_cfg {
    uint8_t e820[SEABIOS_CFG_MAX_E820 * FW_CFG_E820_ENTRY_SIZE];
    uint8_t rsdp[SEABIOS_CFG_RSDP_SIZE];
    uint8_t table_loader[SEABIOS_LOADER_ENTRY_SIZE];
    uint8_t sercon_port[2];
    uint8_t boot_fail_wait[4];
    char bootorder[SEABIOS_CFG_BOOTORDER_MAX];
};

/*
 * Check @p, fill @sc and add every item above to @fw (set up by
 * fw_cfg_init(), with room for SEABIOS_CFG_FILES more files and none of
 * these names).  0, or a negative errno with a message in @err (always
 * terminated when @errlen > 0): -EINVAL for bad parameters (nothing
 * added), -EEXIST or -ENOSPC from @fw (checked first: nothing added).
 * @sc must then live, unchanged, as long as @fw is in use.
 */
int seabios_cfg_build(struct seabios_cfg *sc, struct fw_cfg *fw, const struct seabios_cfg_params *p,
                      char *err, size_t errlen);

/* The path SeaBIOS matches an IDE/ATAPI drive against: the controller at
 * PCI device @dev function @fn of bus 0, @channel (0 primary, 1
 * secondary), @device (0 master, 1 slave); e.g. (7, 1, 0, 0):
 * "/pci@i0cf8/ide@7,1/drive@0/disk@0" (src/boot.c, build_ata_path: hex,
 * ",fn" only when not 0).  The length, or -1 if it did not fit in @len. */
int seabios_cfg_ata_path(char *buf, size_t len, unsigned dev, unsigned fn, unsigned channel,
                         unsigned device);

/* A PCI device's path, e.g. a NIC's option ROM ("ethernet", 0xA, 0):
 * "/pci@i0cf8/ethernet@a".  The length, or -1. */
int seabios_cfg_pci_path(char *buf, size_t len, const char *name, unsigned dev, unsigned fn);

#endif
