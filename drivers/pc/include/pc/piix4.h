/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The PIIX4 south bridge's PCI functions, over pc/pci_bus.h: function 0
 * the PCI-to-ISA bridge with the PIRQ router, function 1 the IDE
 * controller's configuration (legacy decode, the bus-master BAR), function 3
 * power management (where the ACPI PM and SMBus I/O blocks live).  Function
 * 2 (USB) is absent.  Pure logic: the owner learns through callbacks where
 * the guest routes PCI interrupts and puts the I/O blocks; the devices
 * behind them (8259, IDE channels, the ACPI PM block) are other models.
 *
 * Identity: 8086:7110 (ISA), 8086:7111 (IDE), 8086:7113 (PM), revision 03
 * (PIIX4M numbering) on each.  SeaBIOS (41514a7a, src/fw/pciinit.c) treats
 * PIIX3 and PIIX4 alike for the ISA bridge (:339-342, both run
 * piix_isa_bridge_setup(), which routes PIRQA-D to IRQ 10, 10, 11, 11) and
 * IDE (:347-350, piix_ide_setup() sets both IDETIM decode bits), but knows
 * the power management function only as the PIIX4's 8086:7113 (:361,
 * piix4_pm_setup(); smm.c:251), so the whole south bridge is a PIIX4 rather
 * than QEMU's PIIX3 + PIIX4-PM mix.  Revision 03 is what QEMU's PM function
 * reports; Linux's acpi_processor_errata_piix4() applies its throttling
 * erratum only to revisions 0 and 1.
 *
 * Function 0, ISA bridge (class 0x060100, header type 0x80: multi-function):
 *   PCICMD 0x0007 (I/O, memory, bus master: always on), special cycle
 *   enable writable.  PIRQRC[A:D] at 0x60-0x63: bit 7 disables the route,
 *   bits 3-0 the ISA IRQ; reset 0x80.  IRQs 3-7, 9-12, 14 and 15 are
 *   routable; the reserved values (0-2, 8, 13) route nowhere.  Kept as
 *   written and otherwise without effect here: IORT 0x4C, XBCS 0x4E-0x4F,
 *   SERIRQC 0x64, TOM 0x69, MSTAT 0x6A-0x6B, MBIRQ0-1 0x70-0x71, MBDMA
 *   0x76-0x77, PCSC 0x78-0x79, APICBASE 0x80, DLC 0x82, PDMACFG 0x90-0x91,
 *   DDMABP 0x92-0x95, the SMI registers 0xA0-0xAF, GENCFG 0xB0-0xB3.
 *   (The ELCR, 0x4D0-0x4D1, is in pc/i8259.h.)
 *   The PIRQ inputs are PCI devices' INTx lines (piix4_set_pirq()); each
 *   routed ISA IRQ is driven with the OR of the PIRQs routed to it and
 *   reported to isa_irq() when that changes, also when the guest moves a
 *   route while its line is high (the old IRQ falls, the new one rises).
 *   Only the 8259 side is here: a board's I/O APIC wiring of PIRQs is the
 *   platform's (its ACPI tables say which), with pirq_route() to follow.
 *
 * Function 1, IDE (class 0x010180: compatibility mode only, bus master):
 *   PCICMD: I/O space enable and bus master enable writable, reset 0.
 *   BMIBA (BAR4, 0x20): 16 bytes of I/O, the bus-master registers; BARs 0-3
 *   are not implemented (read 0).  IDETIM 0x40-0x41 (primary) and
 *   0x42-0x43 (secondary): bit 15 enables the channel's legacy decode
 *   (0x1F0-0x1F7 and 0x3F6, 0x170-0x177 and 0x376), bits 11-10 reserved.
 *   SIDETIM 0x44, UDMACTL 0x48, UDMATIM 0x4A-0x4B: timings, kept as
 *   written.  A channel is decoded while PCICMD's I/O enable and its
 *   IDETIM bit 15 are both set (ide_legacy()); BMIBA decodes while I/O
 *   enable is set and it has a base (ide_bmdma(), the rules of
 *   pc/pci_bus.h); bus mastering is allowed while PCICMD bit 2 is set
 *   (piix4_ide_bus_master()).
 *
 * Function 3, power management (class 0x068000, interrupt pin A: the SCI,
 * which is IRQ 9 on this board and in the FADT):
 *   PMBA 0x40: bits 15-6 the base of 64 bytes of I/O (the ACPI PM block),
 *   bit 0 reads 1.  PMREGMISC 0x80 bit 0 enables that block (pm_io()).
 *   SMBBA 0x90: bits 15-4 the base of 16 bytes (the SMBus host), bit 0
 *   reads 1; SMBHSTCFG 0xD2 bits 3-0, bit 0 enabling the SMBus host, which
 *   decodes while that and PCICMD's I/O enable are set (smbus_io()).
 *   CNTA to DEVRESJ (0x44-0x7F), SMBSLVC and the shadow registers
 *   (0xD3-0xD5): kept as written.  DEVACTB (0x58) resets with bit 25,
 *   APMC_EN, set although nothing generates SMIs: that tells SeaBIOS SMM
 *   is already set up (smm.c:192-194), as QEMU's piix4_pm_reset() does
 *   without SMM; otherwise SeaBIOS raises an SMI through port 0xB2 and
 *   spins until a handler clears port 0xB3 (smm.c:173).
 *
 * Callbacks (may be NULL) report changes after each guest write or
 * piix4_set_pirq(): ide_bmdma() as soon as function 1's registers have
 * changed (pc/pci_bus.h reports BARs), then pirq_route(), isa_irq() (falls
 * before rises), ide_legacy(), pm_io(), smbus_io().  Nothing is reported
 * for the reset state, in which nothing is routed or decoded;
 * piix4_reset() reports what going back to it changes.
 */
#ifndef PC_PIIX4_H
#define PC_PIIX4_H

#include <stdbool.h>
#include <stdint.h>

#include <pc/pci_bus.h>

#define PIIX4_VENDOR_ID     0x8086
#define PIIX4_ISA_DEVICE_ID 0x7110
#define PIIX4_IDE_DEVICE_ID 0x7111
#define PIIX4_PM_DEVICE_ID  0x7113
#define PIIX4_REVISION      0x03
#define PIIX4_ISA_CLASS     0x060100
#define PIIX4_IDE_CLASS     0x010180
#define PIIX4_PM_CLASS      0x068000
#define PIIX4_ISA_FUNCTION  0
#define PIIX4_IDE_FUNCTION  1
#define PIIX4_PM_FUNCTION   3

/* Function 0 */
#define PIIX4_PIRQRC          0x60 /* PIRQA; B, C, D follow */
#define PIIX4_PIRQS           4
#define PIIX4_PIRQ_DISABLE    0x80
#define PIIX4_PIRQ_IRQ_MASK   0x0F
#define PIIX4_PIRQ_VALID_IRQS 0xDEF8u /* 3-7, 9-12, 14, 15 */

/* Function 1 */
#define PIIX4_IDE_BMIBA_BAR  4
#define PIIX4_IDE_BMIBA_SIZE 16
#define PIIX4_IDETIM         0x40 /* primary; secondary at 0x42 */
#define PIIX4_IDETIM_DECODE  0x8000
#define PIIX4_SIDETIM        0x44
#define PIIX4_UDMACTL        0x48
#define PIIX4_UDMATIM        0x4A
#define PIIX4_IDE_CHANNELS   2

/* Function 3 */
#define PIIX4_PMBA             0x40
#define PIIX4_PM_IO_SIZE       64
#define PIIX4_DEVACTB          0x58
#define PIIX4_DEVACTB_APMC_EN  (1u << 25)
#define PIIX4_PMREGMISC        0x80
#define PIIX4_PMREGMISC_PMIOSE 0x01
#define PIIX4_SMBBA            0x90
#define PIIX4_SMBUS_IO_SIZE    16
#define PIIX4_SMBHSTCFG        0xD2
#define PIIX4_SMBHSTCFG_HST_EN 0x01

#define PIIX4_NO_IRQ (-1)

/* An I/O block behind a base register and an enable. */
struct piix4_io_window {
    bool enabled;
    uint16_t base; /* as programmed, also while disabled */
};

struct piix4_ops {
    void (*pirq_route)(void *opaque, unsigned pirq, int irq); /* irq: PIIX4_NO_IRQ or 3..15 */
    void (*isa_irq)(void *opaque, unsigned irq, bool level);
    void (*ide_legacy)(void *opaque, unsigned channel, bool decoded);
    void (*ide_bmdma)(void *opaque, const struct pci_bar_window *window);
    void (*pm_io)(void *opaque, const struct piix4_io_window *window);
    void (*smbus_io)(void *opaque, const struct piix4_io_window *window);
};

struct piix4 {
    struct pci_function isa, ide, pm;
    uint8_t pirq_levels; /* PIRQ inputs, bit n for PIRQ n */
    /* As last reported. */
    int8_t route[PIIX4_PIRQS];
    uint16_t isa_irq_levels;
    bool ide_decoded[PIIX4_IDE_CHANNELS];
    struct piix4_io_window pm_io, smbus_io;
    const struct piix4_ops *ops;
    void *opaque;
};

/* The reset state (PIRQ inputs low), attached at @device (functions 0, 1
 * and 3) of @bus: -1 if @device is out of range or one of them is taken. */
int piix4_init(struct piix4 *p, struct pci_bus *bus, unsigned device, const struct piix4_ops *ops,
               void *opaque);

/* A platform reset: the registers go back to their reset values; PIRQ
 * inputs stay as the devices drive them. */
void piix4_reset(struct piix4 *p);

/* A PCI INTx line on PIRQ @pirq (0..3 for A..D; others ignored). */
void piix4_set_pirq(struct piix4 *p, unsigned pirq, bool level);

/* Where PIRQ @pirq goes now: 3..15, or PIIX4_NO_IRQ. */
int piix4_pirq_irq(const struct piix4 *p, unsigned pirq);

bool piix4_ide_decoded(const struct piix4 *p, unsigned channel);
bool piix4_ide_bus_master(const struct piix4 *p);
struct pci_bar_window piix4_ide_bmdma(const struct piix4 *p);
struct piix4_io_window piix4_pm_io(const struct piix4 *p);
struct piix4_io_window piix4_smbus_io(const struct piix4 *p);

#endif
