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
 * Generation 1 (the emulated 440BX/PIIX4 PC that SeaBIOS boots) adds, each
 * behind its own flag so that the tables of generation 2 stay as they were:
 *
 *   ACPI_CHILD_F_COM2      Device (\_SB.COM2): PNP0501, _UID 2, I/O
 *                          0x2F8-0x2FF, IRQ 3.
 *   ACPI_CHILD_F_PC_LEGACY the PC's fixed ISA devices the other flags name,
 *                          as PNP devices, since Linux's i8042 and rtc-cmos
 *                          drivers and SeaBIOS (which skips its PS/2
 *                          keyboard set-up when the DSDT has no PNP0303)
 *                          look for them there:
 *                            with ACPI_CHILD_F_RTC: Device (\_SB.RTC_),
 *                            PNP0B00, I/O 0x70-0x71, IRQ 8; and the FADT's
 *                            CENTURY field names CMOS byte 0x32;
 *                            with ACPI_CHILD_F_I8042: Device (\_SB.KBD_),
 *                            PNP0303, I/O 0x60 and 0x64, IRQ 1, and Device
 *                            (\_SB.MOU_), PNP0F13, IRQ 12 (without it Linux
 *                            takes the controller's AUX port as absent).
 *                          (Under ACPI_CHILD_F_RTC alone the RTC device would
 *                          have changed generation 2's DSDT.)
 *   ACPI_CHILD_F_PCI       Device (\_SB.PCI0): the host bridge, _HID PNP0A03,
 *                          _ADR 0 (iasl warns about _HID with _ADR; QEMU's
 *                          i440fx DSDT has both, and Linux takes it), _UID 0,
 *                          _BBN 0 and
 *                            _CRS: bus numbers 0-255; the configuration ports
 *                            0xCF8-0xCFF (consumed); I/O windows 0x0000-0x0CF7
 *                            and 0x0D00-0xFFFF; memory windows 0xA0000-0xBFFFF
 *                            (the legacy VGA hole) and [cfg->pci_hole_start,
 *                            ACPI_CHILD_IOAPIC_ADDR): the 32-bit hole above
 *                            low RAM, where SeaBIOS places the BARs;
 *                            _PRT: for every slot 1..31 and pin INTA..INTD
 *                            (0..3) the GSI ACPI_CHILD_PCI_GSI(slot, pin) =
 *                            16 + ((slot - 1 + pin) & 3), with no link
 *                            device: PIRQA..D are wired straight to I/O APIC
 *                            pins 16..19 (level-triggered, active-low, as
 *                            Linux registers _PRT GSIs).  The same swizzle
 *                            is SeaBIOS's (src/fw/pciinit.c,
 *                            piix_pci_slot_get_irq: (pin - 1 + slot - 1) & 3
 *                            with 1-based pins), which routes PIRQA..D to the
 *                            8259s for the BIOS and non-APIC systems.
 *                          The VMBus window (if any) lies inside the 32-bit
 *                          hole: hv_vmbus allocates from it with
 *                          request_mem_region, so it steps around BARs.
 *
 * The DSDT's devices come in this order in \_SB: the processors, COM1,
 * COM2, RTC_, KBD_, MOU_, PCI0, VMOD: each name's objects precede any child
 * device, because SeaBIOS's DSDT reader (src/fw/dsdt_parser.c) loses track
 * of the enclosing device after a nested one.  The AML uses no QWord
 * integers, which that reader does not know either.
 *
 * The MADT lists one enabled local APIC per vCPU (APIC id = ACPI processor
 * UID = vCPU index), one I/O APIC, the PC's interrupt source overrides
 * (ISA IRQ 0 -> GSI 2; IRQ 9, the SCI, level-triggered active-high) and LINT1
 * as NMI on every CPU.
 *
 * In generation 1 SeaBIOS gets only the RSDP from the worker (seabios_cfg.h)
 * and leaves these tables where they are.
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

/* Enough for every table with ACPI_CHILD_MAX_CPUS vCPUs and every flag
 * (checked by the unit tests); a caller that reserves this much never sees
 * ACPI_CHILD_ENOSPC.  Today 767 bytes are used for 1 vCPU, 885 for 4, 10165
 * for 255; VMBus adds 140 bytes, PCI0 1715 (its _PRT most of them), COM2 46,
 * the RTC and PS/2 devices 117: 12183 for 255 vCPUs with every flag, which
 * leaves little room: a further device needs a bigger size here (and with
 * it a new layout for generation 2's reserved range, boot.c). */
#define ACPI_CHILD_TABLES_SIZE 0x3000

/* Fixed platform addresses. */
#define ACPI_CHILD_LAPIC_ADDR  0xFEE00000U
#define ACPI_CHILD_IOAPIC_ADDR 0xFEC00000U
#define ACPI_CHILD_IOAPIC_ID   0  /* the id in the MADT; the IOAPIC's ID register must match */
#define ACPI_CHILD_IOAPIC_PINS 24 /* GSIs 0..23 (informative: the MADT has no pin count) */
#define ACPI_CHILD_SCI_IRQ     9  /* ISA IRQ = GSI 9, level-triggered, active-high */
#define ACPI_CHILD_COM1_PORT   0x3F8
#define ACPI_CHILD_COM1_IRQ    4
#define ACPI_CHILD_COM2_PORT   0x2F8 /* ACPI_CHILD_F_COM2 */
#define ACPI_CHILD_COM2_IRQ    3

/* ACPI_CHILD_F_PC_LEGACY: the ISA devices' fixed ports and IRQs, and the
 * CMOS byte that holds the century (the FADT's CENTURY field). */
#define ACPI_CHILD_RTC_PORT     0x70 /* index, data */
#define ACPI_CHILD_RTC_IRQ      8
#define ACPI_CHILD_CMOS_CENTURY 0x32
#define ACPI_CHILD_KBD_DATA     0x60
#define ACPI_CHILD_KBD_CMD      0x64
#define ACPI_CHILD_KBD_IRQ      1
#define ACPI_CHILD_MOUSE_IRQ    12

/* ACPI_CHILD_F_PCI: configuration mechanism #1's ports, the slots _PRT
 * routes, and the GSI of @slot's interrupt pin @pin (0 = INTA .. 3 = INTD). */
#define ACPI_CHILD_PCI_CONFIG_PORT 0xCF8 /* 8 ports: address, data */
#define ACPI_CHILD_PCI_FIRST_SLOT  1     /* slot 0 is the host bridge, which has no INTx */
#define ACPI_CHILD_PCI_LAST_SLOT   31
#define ACPI_CHILD_PCI_GSI_BASE    16 /* PIRQA; PIRQB..D follow */
#define ACPI_CHILD_PCI_GSI(slot, pin)                                                              \
    (ACPI_CHILD_PCI_GSI_BASE + ((((unsigned)(slot)) - 1U + ((unsigned)(pin))) & 3U))

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
#define ACPI_CHILD_F_PIC   0x1  /* dual 8259 PICs: MADT flag PCAT_COMPAT */
#define ACPI_CHILD_F_RTC   0x2  /* CMOS RTC at 0x70 (else FADT "CMOS RTC not present") */
#define ACPI_CHILD_F_I8042 0x4  /* 8042 keyboard controller at 0x60/0x64 */
#define ACPI_CHILD_F_VMBUS 0x8  /* \_SB.VMOD.VMBS: the guest looks for VMBus (see above) */
#define ACPI_CHILD_F_PCI   0x10 /* \_SB.PCI0, its windows and _PRT; needs cfg->pci_hole_start */
#define ACPI_CHILD_F_COM2  0x20 /* \_SB.COM2 */
#define ACPI_CHILD_F_PC_LEGACY                                                                     \
    0x40 /* \_SB.RTC_ (with F_RTC), \_SB.KBD_ and MOU_ (with F_I8042), the FADT's CENTURY */
#define ACPI_CHILD_F_ALL 0x7f

/* Errors (negative returns). */
#define ACPI_CHILD_EINVAL -1 /* a bad configuration */
#define ACPI_CHILD_ENOSPC -2 /* the tables do not fit in the buffer */

struct child_acpi_config {
    uint32_t ncpus;        /* 1..ACPI_CHILD_MAX_CPUS */
    uint64_t base_gpa;     /* guest-physical address of buf: not 0, 16-byte aligned */
    uint16_t pm_base_port; /* the PM I/O block above: not 0, a multiple of 4 */
    uint16_t reset_port;   /* the FADT reset register's port, or 0 for none */
    uint32_t flags;        /* ACPI_CHILD_F_* */
    /* ACPI_CHILD_F_PCI: where the 32-bit PCI memory window starts, the top
     * of low RAM (1 MiB or more, below ACPI_CHILD_IOAPIC_ADDR); it ends at
     * ACPI_CHILD_IOAPIC_ADDR.  Ignored without the flag. */
    uint32_t pci_hole_start;
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
