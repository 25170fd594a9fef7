/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The 440BX host bridge's PCI function (bus 0, device 0, function 0): the
 * registers of it that decide where the guest's accesses go, over
 * pc/pci_bus.h.  Pure logic: the owner learns through callbacks how the
 * PAM registers map 0xC0000-0xFFFFF (BIOS ROM or RAM) and whether the SMRAM
 * window (0xA0000-0xBFFFF) shows RAM.
 *
 * Identity.  The function reports itself as the i440FX's 82441 PMC,
 * 8086:1237 revision 02, with subsystem 1AF4:1100 (QEMU's), not as the
 * 82443BX's 8086:7190.  The firmware is Debian's SeaBIOS, its QEMU build,
 * and SeaBIOS knows only two host bridges, 8086:1237 and Q35's 8086:29C0
 * (SeaBIOS 41514a7a, src/fw/):
 *   - shadow.c:118-146 (make_bios_writable()) unlocks shadow RAM through
 *     the PAM registers at I440FX_PAM0 only for a host bridge 8086:1237
 *     (or Q35); otherwise "Unable to unlock ram - bridge not found", and
 *     the BIOS's own variables in the F segment stay read-only;
 *   - pciinit.c:514 runs i440fx_mem_addr_setup() for 8086:1237 only, which
 *     sets the PCI memory window and, pciinit.c:477, the slot-to-PIRQ
 *     swizzle: without it every interrupt line is written 0xFF ("unknown
 *     routing");
 *   - smm.c:252 pairs 8086:1237 with the PIIX4 PM function for SMM setup
 *     (skipped here: pc/piix4.h presets the APMC_EN bit that says it was
 *     done);
 *   - paravirt.c:197-209 (qemu_detect()) counts the machine as QEMU, and so
 *     opens the fw_cfg interface (paravirt.c:693), only if 00:00.0 has
 *     subsystem 1AF4:1100 (Red Hat, "QEMU virtual machine").
 * The registers modelled are the same on both chips (offsets and bits of
 * PAM0-PAM6 and SMRAM are identical in the 82441FX and 82443BX datasheets),
 * so the choice changes what is reported, not what is emulated.  A guest
 * sees an i440FX host bridge.  Linux treats the two alike (both get its
 * "Natoma" quirk, which limits PCI-to-PCI DMA, for capture cards); with
 * 8086:1237 its 440BX EDAC driver, which would read DRAM error registers
 * that are not modelled, does not bind.  An owner who
 * wants another identity sets the registers with pci_function_set_reg()
 * and calls pci_function_commit() again.
 *
 * Registers (everything else reads 0 and ignores writes):
 *   0x04 PCICMD   0x0006 (memory access, bus master: always on); SERR# and
 *                 parity error enables (bits 8, 6) read back.
 *   0x06 PCISTS   0x0280; bits 15-11 and 8 write-1-to-clear (never set).
 *   0x0D MLT      latency timer, bits 7-3.
 *   0x59-0x5F PAM0-PAM6: two fields per register, bits 1-0 (low) and 5-4
 *                 (high): bit 0/4 RE, reads go to RAM; bit 1/5 WE, writes
 *                 go to RAM; otherwise to PCI, where the BIOS ROM answers
 *                 reads and drops writes.  PAM0's low field is reserved;
 *                 its high field is 0xF0000-0xFFFFF (64 KiB).  PAM1-PAM6
 *                 cover 0xC0000-0xEFFFF in 16 KiB segments, low field
 *                 first.  Reset: 0 (everything to the ROM).
 *   0x72 SMRAM    bits 2-0 C_BASE_SEG read 010 (0xA0000); bit 3 G_SMRAME,
 *                 bit 4 D_LCK, bit 5 D_CLS, bit 6 D_OPEN.  Once D_LCK is
 *                 set, D_OPEN reads 0 and only D_CLS can change until
 *                 reset.  There is no SMM here, so the window matters only
 *                 for non-SMM accesses: RAM when G_SMRAME and D_OPEN are
 *                 both set, the PCI bus (VGA) otherwise.  Reset: 0x02.
 *
 * Callbacks (may be NULL) after a guest write changed something: pam() for
 * each segment whose access changed, then smram() if the window changed.
 * i440bx_reset() reports what going back to the reset state changes.
 */
#ifndef PC_I440BX_H
#define PC_I440BX_H

#include <stdbool.h>
#include <stdint.h>

#include <pc/pci_bus.h>

#define I440BX_VENDOR_ID           0x8086
#define I440BX_DEVICE_ID           0x1237 /* the 82441FX's: see above */
#define I440BX_DEVICE_ID_82443BX   0x7190 /* the chip's own, not reported */
#define I440BX_REVISION            0x02
#define I440BX_CLASS               0x060000 /* host bridge */
#define I440BX_SUBSYSTEM_VENDOR_ID 0x1AF4
#define I440BX_SUBSYSTEM_ID        0x1100
#define I440BX_PCI_DEVICE          0 /* 00:00.0 */

#define I440BX_PAM0  0x59
#define I440BX_PAMS  7
#define I440BX_SMRAM 0x72

#define I440BX_PAM_RE       0x1 /* per field */
#define I440BX_PAM_WE       0x2
#define I440BX_PAM_SEGMENTS 13 /* 12 of 16 KiB from 0xC0000, then 0xF0000 */

#define I440BX_SMRAM_BASE_SEG 0x02 /* C_BASE_SEG = 010: 0xA0000 */
#define I440BX_SMRAM_G_SMRAME 0x08
#define I440BX_SMRAM_D_LCK    0x10
#define I440BX_SMRAM_D_CLS    0x20
#define I440BX_SMRAM_D_OPEN   0x40
#define I440BX_SMRAM_WINDOW   0xA0000
#define I440BX_SMRAM_SIZE     0x20000

/* Where a segment's reads and writes go: RE and WE as in the register. */
enum i440bx_pam_access {
    I440BX_PAM_ROM = 0,       /* both to PCI: the BIOS ROM */
    I440BX_PAM_READ_RAM = 1,  /* reads RAM, writes to PCI (dropped by the ROM) */
    I440BX_PAM_WRITE_RAM = 2, /* reads the ROM, writes RAM: how the BIOS copies itself */
    I440BX_PAM_RAM = 3,       /* both RAM */
};

struct i440bx_ops {
    void (*pam)(void *opaque, unsigned segment, uint32_t base, uint32_t size,
                enum i440bx_pam_access access);
    void (*smram)(void *opaque, bool ram_visible);
};

struct i440bx {
    struct pci_function fn;
    /* As last reported. */
    uint8_t pam[I440BX_PAM_SEGMENTS];
    bool smram_ram;
    const struct i440bx_ops *ops;
    void *opaque;
};

/* The reset state, attached at 00:00.0 of @bus: -1 if that is taken.
 * Nothing is reported: every segment starts as I440BX_PAM_ROM and the
 * SMRAM window shows the PCI bus. */
int i440bx_init(struct i440bx *hb, struct pci_bus *bus, const struct i440bx_ops *ops, void *opaque);

/* A platform reset: the registers go back to their reset values. */
void i440bx_reset(struct i440bx *hb);

/* Segment @segment (0 .. I440BX_PAM_SEGMENTS - 1): where it is and how it
 * is mapped now.  Out of range: base and size 0, I440BX_PAM_ROM. */
uint32_t i440bx_pam_base(unsigned segment);
uint32_t i440bx_pam_size(unsigned segment);
enum i440bx_pam_access i440bx_pam_access(const struct i440bx *hb, unsigned segment);

/* Non-SMM accesses to 0xA0000-0xBFFFF reach RAM (else the PCI bus). */
bool i440bx_smram_ram_visible(const struct i440bx *hb);

#endif
