/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The ACPI tables the worker process (vmwp) gives a child partition.  The
 * child's Linux kernel is started directly through the 64-bit boot protocol,
 * with no firmware, so nobody else builds them: the worker calls
 * child_acpi_build() on the host view of a range of guest memory and passes
 * the returned RSDP address in boot_params.acpi_rsdp_addr.
 *
 * What the child sees:
 *   RSDP (revision 2) -> XSDT (and an RSDT when everything is below 4 GiB)
 *     -> FADT "FACP" -> DSDT, FACS
 *     -> MADT "APIC"
 *
 * The FADT is a classic (not hardware-reduced) one: PM1a event and control
 * blocks and a PM timer at I/O ports the worker emulates, SCI on ISA IRQ 9,
 * no SMI command port (the platform is always in ACPI mode), no GPE blocks,
 * no fixed power or sleep buttons.  A stock distribution kernel then finds a
 * clocksource (acpi_pm) even before the TSC is trusted, and powers off by
 * writing SLP_TYP(S5) | SLP_EN to PM1a_CNT.
 *
 * The DSDT holds \_S0 and \_S5 and, in \_SB, one processor device per vCPU
 * (C000, C001, ...: _HID "ACPI0007", _UID = the vCPU index) and COM1
 * (PNP0501, I/O 0x3F8-0x3FF, IRQ 4) so that the serial console is found.
 *
 * With ACPI_CHILD_F_VMBUS it also holds VMBus, laid out as Hyper-V does,
 * because a stock Linux finds VMBus only through ACPI (hv_vmbus binds to
 * _HID "VMBus" and walks the _CRS of that device and of its ancestors for
 * the MMIO ranges it may give synthetic devices):
 *
 *   Device (\_SB.VMOD)             _HID "ACPI0004" (module device), _UID 0,
 *                                  _CRS: DWordMemory, the VMBus MMIO window
 *   Device (\_SB.VMOD.VMBS)        _HID "VMBus", _UID 0, _DDN "VMBUS", _STA 0xF,
 *                                  _CRS: IRQ (Edge, ActiveHigh, Exclusive) {5},
 *                                  _PS0 and _PS3 (no-ops)
 *
 * The window is [ACPI_CHILD_VMBUS_MMIO_BASE, ACPI_CHILD_IOAPIC_ADDR): in the
 * MMIO hole below the I/O APIC, where there is no RAM and no emulated device.
 * x86 Linux takes no interrupt from that IRQ (VMBus signals through the
 * SynIC, vector 0xF3); it is there because hv_vmbus requires a _CRS, and
 * ISA IRQ 5 is wired to nothing on this platform.
 *
 * The MADT lists one enabled local APIC per vCPU (APIC id = ACPI processor
 * UID = vCPU index), one I/O APIC, the PC's interrupt source overrides
 * (ISA IRQ 0 -> GSI 2; IRQ 9, the SCI, level-triggered active-high) and LINT1
 * as NMI on every CPU.
 *
 * The worker must report [base_gpa, base_gpa + used) to the child as ACPI
 * memory (E820 type 3) or reserved, and emulate the ports below.  The RSDT
 * is there only when the whole buffer lies below 4 GiB (its entries are 32
 * bits); the FADT's 32-bit FACS and DSDT fields likewise.
 */
#ifndef VMWP_ACPI_TABLES_H
#define VMWP_ACPI_TABLES_H

#include <stddef.h>
#include <stdint.h>

/* Local APIC entries carry an 8-bit APIC id and 0xFF is the broadcast id,
 * so ids 0..254: more vCPUs would need x2APIC entries, and x2APIC ids above
 * 254 need interrupt remapping in the guest. */
#define ACPI_CHILD_MAX_CPUS 255

/* Enough for every table with ACPI_CHILD_MAX_CPUS vCPUs (checked by the unit
 * tests); a caller that reserves this much never sees ACPI_CHILD_ENOSPC.
 * Today 767 bytes are used for 1 vCPU, 885 for 4, 10165 for 255; VMBus adds
 * 140 bytes. */
#define ACPI_CHILD_TABLES_SIZE 0x3000

/* Fixed platform addresses. */
#define ACPI_CHILD_LAPIC_ADDR  0xFEE00000U
#define ACPI_CHILD_IOAPIC_ADDR 0xFEC00000U
#define ACPI_CHILD_IOAPIC_ID   0  /* the id in the MADT; the IOAPIC's ID register must match */
#define ACPI_CHILD_IOAPIC_PINS 24 /* GSIs 0..23 (informative: the MADT has no pin count) */
#define ACPI_CHILD_SCI_IRQ     9  /* ISA IRQ = GSI 9, level-triggered, active-high */
#define ACPI_CHILD_COM1_PORT   0x3F8
#define ACPI_CHILD_COM1_IRQ    4

/* VMBus (ACPI_CHILD_F_VMBUS): the MMIO window VMBus may hand out, ending just
 * below the I/O APIC (108 MiB, as Hyper-V's low MMIO gap), and the IRQ its
 * _CRS names. */
#define ACPI_CHILD_VMBUS_MMIO_BASE 0xF8000000U
#define ACPI_CHILD_VMBUS_MMIO_SIZE (ACPI_CHILD_IOAPIC_ADDR - ACPI_CHILD_VMBUS_MMIO_BASE)
#define ACPI_CHILD_VMBUS_IRQ       5

/*
 * The PM I/O block the worker emulates, at cfg->pm_base_port (a multiple of 4):
 *   +0  PM1a_STS  16 bits  status, write 1 to clear (bit 0 TMR_STS, bit 15 WAK_STS)
 *   +2  PM1a_EN   16 bits  enables for the status bits; must read back what was
 *                          written (ACPICA checks, e.g. for GBL_EN)
 *   +4  PM1a_CNT  16 bits  bit 0 SCI_EN (reads as 1: always ACPI mode),
 *                          bits 10-12 SLP_TYP, bit 13 SLP_EN (write-only)
 *   +8  PM_TMR    32 bits  read-only, free-running at 3.579545 MHz; all 32 bits
 *                          count (the FADT sets TMR_VAL_EXT)
 * A write to PM1a_CNT with SLP_EN set and SLP_TYP == ACPI_CHILD_SLP_TYP_S5 is
 * the child's power-off.
 */
#define ACPI_CHILD_PM1_STS        0
#define ACPI_CHILD_PM1_EN         2
#define ACPI_CHILD_PM1_CNT        4
#define ACPI_CHILD_PM_TMR         8
#define ACPI_CHILD_PM_IO_LEN      12
#define ACPI_CHILD_PM_TMR_HZ      3579545
#define ACPI_CHILD_PM1_SCI_EN     0x0001
#define ACPI_CHILD_PM1_SLP_TYP(v) (((v)&7U) << 10)
#define ACPI_CHILD_PM1_SLP_EN     0x2000
#define ACPI_CHILD_SLP_TYP_S0     0 /* the \_S0 package: working */
#define ACPI_CHILD_SLP_TYP_S5     5 /* the \_S5 package: soft off */

/* A conventional default for cfg->pm_base_port (the worker may choose another). */
#define ACPI_CHILD_PM_BASE_DEFAULT 0x600

/* The FADT's reset register, when cfg->reset_port is not 0: writing this
 * byte to that port resets the child (0xCF9 with 0x06 on a PC). */
#define ACPI_CHILD_RESET_VALUE 0x06

/* cfg->flags: the devices the worker offers, as the FADT, MADT and DSDT tell
 * the guest.  Without its flag the guest does not probe the device (and
 * without ACPI_CHILD_F_VMBUS the DSDT is the one of before VMBus). */
#define ACPI_CHILD_F_PIC   0x1 /* dual 8259 PICs: MADT flag PCAT_COMPAT */
#define ACPI_CHILD_F_RTC   0x2 /* CMOS RTC at 0x70 (else FADT "CMOS RTC not present") */
#define ACPI_CHILD_F_I8042 0x4 /* 8042 keyboard controller at 0x60/0x64 */
#define ACPI_CHILD_F_VMBUS 0x8 /* \_SB.VMOD.VMBS: the guest looks for VMBus (see above) */
#define ACPI_CHILD_F_ALL   0xf

/* Errors (negative returns). */
#define ACPI_CHILD_EINVAL -1 /* a bad configuration */
#define ACPI_CHILD_ENOSPC -2 /* the tables do not fit in the buffer */

struct child_acpi_config {
    uint32_t ncpus;        /* 1..ACPI_CHILD_MAX_CPUS */
    uint64_t base_gpa;     /* guest-physical address of buf: not 0, 16-byte aligned */
    uint16_t pm_base_port; /* the PM I/O block above: not 0, a multiple of 4 */
    uint16_t reset_port;   /* the FADT reset register's port, or 0 for none */
    uint32_t flags;        /* ACPI_CHILD_F_* */
};

/*
 * Build every table in @buf, the host's view of @buf_size bytes of guest
 * memory at cfg->base_gpa.  All pointers in the tables are guest-physical.
 * Returns 0 with the bytes used (from the start of @buf, the RSDP first) in
 * *@used and the RSDP's guest-physical address in *@rsdp_gpa; or a negative
 * error with a message in @err (always terminated when @errlen > 0).
 * Nothing outside [buf, buf + buf_size) is ever written; after an error the
 * buffer's contents are unspecified.
 */
int child_acpi_build(const struct child_acpi_config *cfg, void *buf, size_t buf_size, size_t *used,
                     uint64_t *rsdp_gpa, char *err, size_t errlen);

#endif
