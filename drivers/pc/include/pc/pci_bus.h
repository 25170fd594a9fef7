/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * PCI bus 0 of the emulated PC and its configuration space, reached through
 * configuration mechanism #1, as on the 440BX/PIIX4: CONFIG_ADDRESS at port
 * 0xCF8 and CONFIG_DATA at 0xCFC-0xCFF.  Pure logic: the owner passes the
 * guest's port accesses; the functions on the bus (struct pci_function,
 * filled in by their models: pc/i440bx.h, pc/piix4.h) tell their owners
 * through callbacks when the guest moves or switches their decoders.
 *
 * CONFIG_ADDRESS: bit 31 enables configuration cycles, 23-16 bus, 15-11
 * device, 10-8 function, 7-2 dword register; bits 1-0 read 0 and bits 30-24
 * (reserved) read 0.  Only a 32-bit access at 0xCF8 is CONFIG_ADDRESS: a
 * byte or word access at 0xCF8-0xCFB, or a dword at 0xCF9-0xCFB, is an
 * ordinary I/O cycle that the host bridge passes on (port 0xCF9 is the
 * PIIX4's reset control register, the platform's: tools/vmwp/reset.c), so
 * pci_bus_io_read()/_write() return false for them and the owner sends
 * the access wherever else it decodes.
 *
 * CONFIG_DATA: an access of 1, 2 or 4 bytes anywhere in 0xCFC-0xCFF reaches
 * the addressed dword's bytes at the same lanes: port 0xCFC + n is byte n of
 * the register (a word at 0xCFE is bytes 2-3, a word at 0xCFD bytes 1-2).
 * An access that would run past 0xCFF is not the bus's (the owner splits
 * it).  With bit 31 clear, or for a bus other than 0 (there are no
 * PCI-to-PCI bridges), or a device/function nobody attached, the cycle
 * ends in a master abort: reads return all ones, writes are dropped.
 *
 * Each function has 256 bytes of configuration space with, per byte, a
 * write mask (the bits the guest may change; the rest are read-only) and a
 * write-1-to-clear mask (status bits: writing 1 clears, 0 leaves).  After
 * pci_function_init(): everything is read-only except the interrupt line
 * (0x3C, a scratch byte for software) and the status register's error
 * bits, which are write-1-to-clear; the model then opens what its device
 * implements with pci_function_set_wmask().
 *
 * BARs: pci_function_set_bar() declares base address register n as I/O or
 * 32/64-bit memory of a power-of-two size; its address bits below the size
 * and its type bits are read-only, so that writing all ones reads back
 * ~(size - 1) | type bits, how software sizes it.  I/O BARs implement all
 * 32 address bits, as QEMU's do: SeaBIOS sizes an I/O BAR as
 * ~(value & ~3) + 1 over 32 bits (src/fw/pciinit.c, pci_bios_get_bar()),
 * which a BAR with its upper 16 bits hardwired to 0 makes 0xFFFF0010 bytes.
 * A BAR decodes ("is mapped") while its command register bit is set (I/O
 * space, bit 0; memory space, bit 1), its base is not 0 (what an unassigned
 * BAR holds) and its range is not a sizing pattern: an I/O range must lie
 * below 0x10000 (the x86 port space), a memory range must not contain
 * 0xFFFFFFFF (the firmware's flash and the reset vector are there) nor
 * reach the top of the 64-bit space.  The owner still checks that a memory
 * range fits its guest's physical address space.
 *
 * Callbacks (struct pci_function_ops, each may be NULL), after a guest
 * write, in this order:
 *   command_changed  the command register changed (its old and new value);
 *   bar_changed      a BAR's window changed: it was mapped or unmapped, or
 *                    moved while mapped (its old and new window), once per
 *                    BAR that changed; programming an unmapped BAR is no
 *                    change;
 *   config_written   any write, with the offset and size it had, whether it
 *                    changed anything or not: the function's model reacts
 *                    to its own registers there.
 * A model that changes its registers itself calls pci_function_sync() to
 * report the command register and BARs the same way.
 *
 * Reset: the registers as a model leaves them before pci_function_commit()
 * are the function's power-on state; pci_function_reset() returns to it
 * (masks included) and reports what that changes.  Nothing is reported for
 * the power-on state itself: every BAR starts unmapped.
 */
#ifndef PC_PCI_BUS_H
#define PC_PCI_BUS_H

#include <stdbool.h>
#include <stdint.h>

#define PCI_CONFIG_ADDRESS_PORT 0xCF8
#define PCI_CONFIG_DATA_PORT    0xCFC
#define PCI_CONFIG_DATA_PORTS   4
#define PCI_CONFIG_ENABLE       0x80000000u
#define PCI_CONFIG_ADDRESS_MASK 0x80FFFFFCu /* the bits CONFIG_ADDRESS keeps */

#define PCI_DEVICES     32
#define PCI_FUNCTIONS   8
#define PCI_CONFIG_SIZE 256
#define PCI_BARS        6

/* CONFIG_ADDRESS for bus 0's @dev, @fn, register @reg (enable bit set). */
#define PCI_CONFIG_ADDRESS(dev, fn, reg)                                                           \
    (PCI_CONFIG_ENABLE | (uint32_t)(dev) << 11 | (uint32_t)(fn) << 8 | (0xFCu & (uint32_t)(reg)))

/* Type 0 header registers. */
#define PCI_CFG_VENDOR_ID       0x00
#define PCI_CFG_DEVICE_ID       0x02
#define PCI_CFG_COMMAND         0x04
#define PCI_CFG_STATUS          0x06
#define PCI_CFG_REVISION        0x08
#define PCI_CFG_CLASS_PROG      0x09 /* programming interface, subclass, base class */
#define PCI_CFG_CACHE_LINE_SIZE 0x0C
#define PCI_CFG_LATENCY_TIMER   0x0D
#define PCI_CFG_HEADER_TYPE     0x0E
#define PCI_CFG_BAR0            0x10
#define PCI_CFG_SUBSYSTEM       0x2C
#define PCI_CFG_ROM_ADDRESS     0x30
#define PCI_CFG_INTERRUPT_LINE  0x3C
#define PCI_CFG_INTERRUPT_PIN   0x3D

#define PCI_CMD_IO       0x0001
#define PCI_CMD_MEMORY   0x0002
#define PCI_CMD_MASTER   0x0004
#define PCI_CMD_SPECIAL  0x0008
#define PCI_CMD_PARITY   0x0040
#define PCI_CMD_SERR     0x0100
#define PCI_CMD_INTX_OFF 0x0400

#define PCI_STS_FAST_B2B         0x0080
#define PCI_STS_MASTER_PARITY    0x0100
#define PCI_STS_DEVSEL_MEDIUM    0x0200
#define PCI_STS_SIG_TARGET_ABORT 0x0800
#define PCI_STS_RCV_TARGET_ABORT 0x1000
#define PCI_STS_RCV_MASTER_ABORT 0x2000
#define PCI_STS_SIG_SYSTEM_ERROR 0x4000
#define PCI_STS_DETECTED_PARITY  0x8000
#define PCI_STS_ERRORS           0xF900 /* the write-1-to-clear bits */

#define PCI_HEADER_MULTI_FUNCTION 0x80

/* Low bits of a BAR. */
#define PCI_BAR_SPACE_IO     0x1
#define PCI_BAR_MEM_TYPE_64  0x4
#define PCI_BAR_MEM_PREFETCH 0x8

enum pci_bar_type {
    PCI_BAR_NONE,
    PCI_BAR_IO,          /* size 4..256 */
    PCI_BAR_MEM32,       /* size 16..2^31 */
    PCI_BAR_MEM64,       /* size 16..2^63; takes this BAR and the next */
    PCI_BAR_MEM64_UPPER, /* the upper half of the BAR before it */
};

struct pci_bar {
    enum pci_bar_type type;
    bool prefetchable;
    uint64_t size;
};

/* Where a BAR decodes. */
struct pci_bar_window {
    bool mapped;
    uint64_t base; /* as programmed, also while not mapped */
    uint64_t size;
};

struct pci_function;

struct pci_function_ops {
    void (*command_changed)(struct pci_function *fn, uint16_t old, uint16_t now);
    void (*bar_changed)(struct pci_function *fn, unsigned bar, const struct pci_bar_window *old,
                        const struct pci_bar_window *now);
    void (*config_written)(struct pci_function *fn, unsigned offset, unsigned size);
};

/* A function's identity: the read-only registers every header has. */
struct pci_id {
    uint16_t vendor;
    uint16_t device;
    uint8_t revision;
    uint32_t class_code; /* base class << 16 | subclass << 8 | programming interface */
    uint8_t header_type;
};

struct pci_function {
    uint8_t config[PCI_CONFIG_SIZE];
    uint8_t wmask[PCI_CONFIG_SIZE];
    uint8_t w1c[PCI_CONFIG_SIZE];
    struct pci_bar bar[PCI_BARS];
    /* The power-on state (pci_function_commit()). */
    uint8_t reset_config[PCI_CONFIG_SIZE];
    uint8_t reset_wmask[PCI_CONFIG_SIZE];
    /* As last reported through the callbacks. */
    uint16_t command;
    struct pci_bar_window window[PCI_BARS];
    const struct pci_function_ops *ops;
    void *opaque; /* the model's */
};

struct pci_bus {
    uint32_t config_address;
    struct pci_function *slot[PCI_DEVICES][PCI_FUNCTIONS];
};

/* ---- functions, for their models ------------------------------------------ */

/* Clear @fn and give it @id (see above for the masks it starts with). */
void pci_function_init(struct pci_function *fn, const struct pci_id *id,
                       const struct pci_function_ops *ops, void *opaque);

/* Set @size (1, 2 or 4) bytes of registers at @offset, little-endian, as the
 * hardware has them: no masks, no callbacks.  Out-of-range bytes: ignored. */
void pci_function_set_reg(struct pci_function *fn, unsigned offset, unsigned size, uint32_t value);
void pci_function_set_wmask(struct pci_function *fn, unsigned offset, unsigned size, uint32_t mask);
void pci_function_set_w1c(struct pci_function *fn, unsigned offset, unsigned size, uint32_t mask);

/* Declare BAR @n (0..5; a 64-bit BAR also takes n + 1, so n <= 4): its type
 * bits, its size and its masks; the base reads 0.  -1 if the type, size or
 * index is invalid, or the slot is taken. */
int pci_function_set_bar(struct pci_function *fn, unsigned n, enum pci_bar_type type, uint64_t size,
                         bool prefetchable);

/* The registers as they are now are the power-on state; the command
 * register and BAR windows are taken as known to the owner. */
void pci_function_commit(struct pci_function *fn);

/* Back to the power-on state, reporting what changes (pci_function_sync()). */
void pci_function_reset(struct pci_function *fn);

/* Report a changed command register or BAR window through the callbacks. */
void pci_function_sync(struct pci_function *fn);

/* The device sets status bits (a master abort it received, ...). */
void pci_function_set_status(struct pci_function *fn, uint16_t bits);

/* Configuration accesses of 1..4 bytes at @offset, little-endian, with the
 * guest's semantics (masks, callbacks).  Bytes past 0xFF read 0xFF and are
 * not written; other sizes read all ones and write nothing. */
uint32_t pci_function_read(const struct pci_function *fn, unsigned offset, unsigned size);
void pci_function_write(struct pci_function *fn, unsigned offset, unsigned size, uint32_t value);

/* BAR @n's window as the registers say now, mapped or not. */
struct pci_bar_window pci_function_bar_window(const struct pci_function *fn, unsigned n);

uint16_t pci_function_command(const struct pci_function *fn);

/* ---- the bus ---------------------------------------------------------------- */

void pci_bus_init(struct pci_bus *bus);

/* CONFIG_ADDRESS back to 0 (the functions reset with their models). */
void pci_bus_reset(struct pci_bus *bus);

/* Put @fn at @device (0..31), @function (0..7) of bus 0: -1 if out of range
 * or taken. */
int pci_bus_attach(struct pci_bus *bus, unsigned device, unsigned function,
                   struct pci_function *fn);

/* The function there, or NULL. */
struct pci_function *pci_bus_function(const struct pci_bus *bus, unsigned device,
                                      unsigned function);

/* A guest port access at @port (0xCF8-0xCFF) of @size bytes: false when it
 * is not the bus's (see above), and then *value is untouched. */
bool pci_bus_io_read(struct pci_bus *bus, uint16_t port, unsigned size, uint32_t *value);
bool pci_bus_io_write(struct pci_bus *bus, uint16_t port, unsigned size, uint32_t value);

/* A configuration access by bus number, device, function (what a
 * configuration cycle does: all ones from nobody). */
uint32_t pci_bus_config_read(const struct pci_bus *bus, unsigned bus_nr, unsigned device,
                             unsigned function, unsigned offset, unsigned size);
void pci_bus_config_write(struct pci_bus *bus, unsigned bus_nr, unsigned device, unsigned function,
                          unsigned offset, unsigned size, uint32_t value);

#endif
