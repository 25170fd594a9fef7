// SPDX-License-Identifier: GPL-2.0-only
/*
 * The generation 1 PC's devices on the platform's buses (see pc_platform.h).
 * Every handler runs with the platform's lock held (the platform_* entry
 * points take it), and so do the models' callbacks: interrupt lines are
 * passed on at once, in the same critical section.
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "acpi_tables.h"
#include "ioapic.h"
#include "log.h"
#include "pc_platform.h"
#include "platform.h"

static bool pam_logged;

/* ---- interrupt lines ------------------------------------------------------ */

static void pic_intr(void *opaque, bool level)
{
    struct pc_platform *pc = opaque;

    if (pc->p->hooks.lint0)
        pc->p->hooks.lint0(pc->p->hooks.opaque, level);
}

static void pit_irq0(void *opaque, bool level)
{
    struct pc_platform *pc = opaque;

    platform_isa_irq(pc->p, 0, level);
}

static void ide_irq(void *opaque, unsigned channel, bool level)
{
    struct pc_platform *pc = opaque;

    platform_isa_irq(pc->p, channel ? IDE_SECONDARY_IRQ : IDE_PRIMARY_IRQ, level);
}

static void kbc_irq(void *opaque, unsigned irq, bool level)
{
    struct pc_platform *pc = opaque;

    platform_isa_irq(pc->p, irq, level);
}

static void kbc_a20(void *opaque, bool enabled)
{
    (void)opaque;
    (void)enabled; /* A20 is always on: no guest of ours needs the 1 MiB wrap */
}

static void kbc_reset(void *opaque)
{
    struct pc_platform *pc = opaque;

    vmwp_log("8042: reset line pulsed (the guest's reset through the keyboard controller)");
    platform_request(pc->p, PLATFORM_RESET);
}

static void drive_com2_line(struct pc_platform *pc)
{
    bool line = uart_irq_line(&pc->com2);

    if (line != pc->com2_line) {
        pc->com2_line = line;
        platform_isa_irq(pc->p, PC_COM2_IRQ, line);
    }
}

/* PIIX4: a PIRQ routed to an ISA IRQ reaches the 8259s; the I/O APIC has
 * the PCI lines on pins 16-19 of their own (the DSDT's _PRT). */
static void piix4_isa_irq(void *opaque, unsigned irq, bool level)
{
    struct pc_platform *pc = opaque;

    if (irq < 16)
        i8259_set_irq(&pc->pic, irq, level);
}

static void piix4_pirq_route(void *opaque, unsigned pirq, int irq)
{
    (void)opaque;
    (void)pirq;
    (void)irq; /* piix4.c re-drives the ISA lines itself */
}

static void piix4_ide_legacy(void *opaque, unsigned channel, bool decoded)
{
    (void)opaque;
    (void)channel;
    (void)decoded; /* looked up at each access (piix4_ide_decoded) */
}

static void piix4_window(void *opaque, const struct pci_bar_window *w)
{
    (void)opaque;
    (void)w; /* looked up at each access (piix4_ide_bmdma) */
}

static void piix4_pm_window(void *opaque, const struct piix4_io_window *w)
{
    (void)opaque;
    /* The ACPI PM block stays where the FADT put it (0x600, where SeaBIOS
     * moves PMBA as well when it loads our tables). */
    if (w->enabled && w->base != ACPI_CHILD_PM_BASE_DEFAULT)
        vmwp_log("PIIX4 PM base moved to 0x%x: the PM block stays at 0x%x", w->base,
                 ACPI_CHILD_PM_BASE_DEFAULT);
}

static void piix4_smbus_window(void *opaque, const struct piix4_io_window *w)
{
    (void)opaque;
    (void)w; /* no SMBus devices: its ports read all ones, as an empty bus's */
}

static void pam_changed(void *opaque, unsigned segment, uint32_t base, uint32_t size,
                        enum i440bx_pam_access access)
{
    (void)opaque;
    (void)segment;
    if (access != I440BX_PAM_RAM)
        vmwp_log_once(&pam_logged, "PAM: 0x%x+0x%x set to %d; the range stays RAM (logged once)",
                      base, size, (int)access);
}

static void smram_changed(void *opaque, bool visible)
{
    (void)opaque;
    (void)visible; /* no SMM: 0xA0000-0xBFFFF is RAM whatever SMRAM says */
}

static void *dma_map(void *opaque, uint64_t gpa, size_t len, bool to_memory)
{
    struct pc_platform *pc = opaque;

    if (!pc->p->hooks.guest_map)
        return NULL;
    return pc->p->hooks.guest_map(pc->p->hooks.opaque, gpa, len, to_memory);
}

/* ---- legacy NICs ------------------------------------------------------------ */

static bool nic_dma_read(void *opaque, uint64_t gpa, void *buf, size_t len)
{
    struct pc_nic *n = opaque;
    const void *src = dma_map(n->pc, gpa, len, false);

    if (!src)
        return false;
    memcpy(buf, src, len);
    return true;
}

static bool nic_dma_write(void *opaque, uint64_t gpa, const void *buf, size_t len)
{
    struct pc_nic *n = opaque;
    void *dst = dma_map(n->pc, gpa, len, true);

    if (!dst)
        return false;
    memcpy(dst, buf, len);
    return true;
}

static void nic_transmit(void *opaque, const uint8_t *frame, size_t len)
{
    struct pc_nic *n = opaque;

    n->host.transmit(n->host.opaque, frame, len);
}

/* INTA#: the PIIX4's PIRQ input (to the 8259s as the BIOS routed it) and
 * the I/O APIC pin the _PRT names.  No other device shares the PIRQ.  The
 * I/O APIC sees the wire, which is active low (and which the guest
 * programs as such, ACPI's default for PCI interrupts). */
static void nic_set_irq(void *opaque, bool level)
{
    struct pc_nic *n = opaque;

    piix4_set_pirq(&n->pc->piix4, n->pirq, level);
    ioapic_set_irq(&n->pc->p->ioapic, ACPI_CHILD_PCI_GSI_BASE + n->pirq, !level);
}

static struct pc_nic *nic_at_port(struct pc_platform *pc, uint64_t port, unsigned *offset)
{
    for (unsigned i = 0; i < pc->nic_count; i++) {
        struct pci_bar_window w = tulip_io_bar(&pc->nics[i].tulip);

        if (w.mapped && port >= w.base && port - w.base < w.size) {
            *offset = (unsigned)(port - w.base);
            return &pc->nics[i];
        }
    }
    return NULL;
}

static struct pc_nic *nic_at_address(struct pc_platform *pc, uint64_t gpa, unsigned *offset)
{
    for (unsigned i = 0; i < pc->nic_count; i++) {
        struct pci_bar_window w = tulip_mmio_bar(&pc->nics[i].tulip);

        if (w.mapped && gpa >= w.base && gpa - w.base < w.size) {
            *offset = (unsigned)(gpa - w.base);
            return &pc->nics[i];
        }
    }
    return NULL;
}

static uint32_t nic_read(struct pc_nic *n, unsigned offset, unsigned size)
{
    tulip_advance(&n->tulip, platform_now_ns(n->pc->p));
    return tulip_io_read(&n->tulip, offset, size);
}

/* A write may start a process, hand over descriptors or arm CSR11. */
static void nic_write(struct pc_nic *n, unsigned offset, unsigned size, uint32_t value)
{
    tulip_advance(&n->tulip, platform_now_ns(n->pc->p));
    tulip_io_write(&n->tulip, offset, size, value);
    pc_platform_timers_changed(n->pc);
    if (n->host.rx_resume && tulip_rx_ready(&n->tulip))
        n->host.rx_resume(n->host.opaque);
}

int pc_platform_add_nic(struct pc_platform *pc, const uint8_t mac[6],
                        const struct pc_nic_host *host)
{
    unsigned i = pc->nic_count, dev = PC_NIC_FIRST_DEV + i;
    struct pc_nic *n = &pc->nics[i];

    if (i >= PC_NICS_MAX)
        return -1;
    const struct tulip_ops ops = {
        .dma_read = nic_dma_read,
        .dma_write = nic_dma_write,
        .transmit = nic_transmit,
        .set_irq = nic_set_irq,
        .opaque = n,
    };
    n->pc = pc;
    n->host = *host;
    /* INTA (pin 0) of the slot, swizzled as SeaBIOS and the _PRT do. */
    n->pirq = (dev - 1) & 3;
    if (tulip_init(&n->tulip, &pc->pci, dev, mac, &ops) != 0)
        return -1;
    tulip_advance(&n->tulip, platform_now_ns(pc->p));
    pc->nic_count++;
    return (int)i;
}

bool pc_platform_nic_rx_ready(const struct pc_platform *pc, unsigned nic)
{
    return nic < pc->nic_count && tulip_rx_ready(&pc->nics[nic].tulip);
}

bool pc_platform_nic_rx_running(const struct pc_platform *pc, unsigned nic)
{
    return nic < pc->nic_count && (pc->nics[nic].tulip.csr6 & TULIP_CSR6_SR);
}

bool pc_platform_nic_receive(struct pc_platform *pc, unsigned nic, const uint8_t *frame, size_t len)
{
    if (nic >= pc->nic_count)
        return false;
    tulip_advance(&pc->nics[nic].tulip, platform_now_ns(pc->p));
    return tulip_receive(&pc->nics[nic].tulip, frame, len);
}

/* ---- port handlers -------------------------------------------------------- */

void pc_platform_timers_changed(struct pc_platform *pc)
{
    if (pc->timer_started)
        pthread_cond_signal(&pc->timer_cond);
}

static uint64_t pic_read(void *opaque, uint64_t off, unsigned size, enum i8259_io_range r)
{
    struct pc_platform *pc = opaque;

    return i8259_io_read(&pc->pic, r, off, size);
}

static uint64_t pic_master_read(void *o, uint64_t off, unsigned size)
{
    return pic_read(o, off, size, I8259_IO_MASTER);
}
static uint64_t pic_slave_read(void *o, uint64_t off, unsigned size)
{
    return pic_read(o, off, size, I8259_IO_SLAVE);
}
static uint64_t elcr_read(void *o, uint64_t off, unsigned size)
{
    return pic_read(o, off, size, I8259_IO_ELCR);
}
static void pic_master_write(void *o, uint64_t off, unsigned size, uint64_t v)
{
    i8259_io_write(&((struct pc_platform *)o)->pic, I8259_IO_MASTER, off, size, v);
}
static void pic_slave_write(void *o, uint64_t off, unsigned size, uint64_t v)
{
    i8259_io_write(&((struct pc_platform *)o)->pic, I8259_IO_SLAVE, off, size, v);
}
static void elcr_write(void *o, uint64_t off, unsigned size, uint64_t v)
{
    i8259_io_write(&((struct pc_platform *)o)->pic, I8259_IO_ELCR, off, size, v);
}

static uint64_t pit_read(void *opaque, uint64_t off, unsigned size)
{
    struct pc_platform *pc = opaque;

    return i8254_io_read(&pc->pit, off, size, platform_now_ns(pc->p));
}

static void pit_write(void *opaque, uint64_t off, unsigned size, uint64_t v)
{
    struct pc_platform *pc = opaque;

    i8254_io_write(&pc->pit, off, size, v, platform_now_ns(pc->p));
    pc_platform_timers_changed(pc);
}

/* Port 0x61: bit 0 gate of counter 2, bit 1 speaker data (kept), bit 4 the
 * refresh request toggle (every 15 us on a PC: firmware times short delays
 * with it), bit 5 counter 2's output. */
static uint64_t port_b_read(void *opaque, uint64_t off, unsigned size)
{
    struct pc_platform *pc = opaque;
    uint64_t now = platform_now_ns(pc->p);
    uint8_t v = pc->port_b & 0x03;

    (void)off;
    (void)size;
    if ((now / 15000) & 1)
        v |= 0x10;
    if (i8254_out(&pc->pit, 2, now))
        v |= 0x20;
    return v;
}

static void port_b_write(void *opaque, uint64_t off, unsigned size, uint64_t v)
{
    struct pc_platform *pc = opaque;

    (void)off;
    (void)size;
    pc->port_b = (uint8_t)(v & 0x03);
    i8254_set_gate(&pc->pit, 2, v & 1, platform_now_ns(pc->p));
    pc_platform_timers_changed(pc);
}

static uint64_t kbc_read(void *opaque, uint64_t off, unsigned size)
{
    const struct platform_port_ctx *c = opaque;

    (void)size;
    return i8042_read(&c->p->pc->kbc, (uint16_t)(c->port + off));
}

static void kbc_write(void *opaque, uint64_t off, unsigned size, uint64_t v)
{
    const struct platform_port_ctx *c = opaque;

    (void)size;
    i8042_write(&c->p->pc->kbc, (uint16_t)(c->port + off), (uint8_t)v);
}

/* Port 0x92: bit 0 pulses a reset (the "fast reset"), bit 1 is A20. */
static uint64_t port_a_read(void *opaque, uint64_t off, unsigned size)
{
    struct pc_platform *pc = opaque;

    (void)off;
    (void)size;
    return (pc->port_a & ~1u) | 0x02; /* A20 on */
}

static void port_a_write(void *opaque, uint64_t off, unsigned size, uint64_t v)
{
    struct pc_platform *pc = opaque;

    (void)off;
    (void)size;
    if ((v & 1) && !(pc->port_a & 1))
        platform_request(pc->p, PLATFORM_RESET);
    pc->port_a = (uint8_t)(v & 0x03);
}

/* 0xCF8-0xCFF: configuration mechanism #1, but for the byte at 0xCF9. */
static uint64_t pci_read(void *opaque, uint64_t off, unsigned size)
{
    struct pc_platform *pc = opaque;
    uint16_t port = (uint16_t)(PCI_CONFIG_ADDRESS_PORT + off);
    uint32_t v;

    if (pci_bus_io_read(&pc->pci, port, size, &v))
        return v;
    if (port == RESET_PORT_CF9 && size == 1)
        return reset_ports_read(&pc->p->reset, port);
    return ~0ull;
}

static void pci_write(void *opaque, uint64_t off, unsigned size, uint64_t v)
{
    struct pc_platform *pc = opaque;
    uint16_t port = (uint16_t)(PCI_CONFIG_ADDRESS_PORT + off);

    if (pci_bus_io_write(&pc->pci, port, size, (uint32_t)v))
        return;
    if (port == RESET_PORT_CF9 && size == 1 && reset_ports_write(&pc->p->reset, port, (uint8_t)v))
        platform_request(pc->p, PLATFORM_RESET);
}

static uint64_t ide_cmd_read(void *opaque, uint64_t off, unsigned size)
{
    const struct platform_port_ctx *c = opaque;
    unsigned ch = c->port == IDE_SECONDARY_CMD_PORT;

    if (!piix4_ide_decoded(&c->p->pc->piix4, ch))
        return ~0ull;
    return ide_io_read(&c->p->pc->ide, ch, IDE_IO_COMMAND, off, size);
}

static void ide_cmd_write(void *opaque, uint64_t off, unsigned size, uint64_t v)
{
    const struct platform_port_ctx *c = opaque;
    unsigned ch = c->port == IDE_SECONDARY_CMD_PORT;

    if (piix4_ide_decoded(&c->p->pc->piix4, ch))
        ide_io_write(&c->p->pc->ide, ch, IDE_IO_COMMAND, off, size, v);
}

static uint64_t ide_ctl_read(void *opaque, uint64_t off, unsigned size)
{
    const struct platform_port_ctx *c = opaque;
    unsigned ch = c->port == IDE_SECONDARY_CTL_PORT;

    if (!piix4_ide_decoded(&c->p->pc->piix4, ch))
        return ~0ull;
    return ide_io_read(&c->p->pc->ide, ch, IDE_IO_CONTROL, off, size);
}

static void ide_ctl_write(void *opaque, uint64_t off, unsigned size, uint64_t v)
{
    const struct platform_port_ctx *c = opaque;
    unsigned ch = c->port == IDE_SECONDARY_CTL_PORT;

    if (piix4_ide_decoded(&c->p->pc->piix4, ch))
        ide_io_write(&c->p->pc->ide, ch, IDE_IO_CONTROL, off, size, v);
}

static uint64_t com2_read(void *opaque, uint64_t off, unsigned size)
{
    struct pc_platform *pc = opaque;
    uint8_t v;

    (void)size;
    v = uart_read(&pc->com2, (unsigned)off);
    drive_com2_line(pc);
    return v;
}

static void com2_write(void *opaque, uint64_t off, unsigned size, uint64_t v)
{
    struct pc_platform *pc = opaque;

    (void)size;
    uart_write(&pc->com2, (unsigned)off, (uint8_t)v);
    drive_com2_line(pc);
}

static void com2_tx(void *opaque, uint8_t byte)
{
    (void)opaque;
    (void)byte; /* nothing is connected to COM2 */
}

static uint64_t fw_cfg_read(void *opaque, uint64_t off, unsigned size)
{
    struct pc_platform *pc = opaque;

    return fw_cfg_io_read(&pc->fw_cfg, off, size);
}

static void fw_cfg_write(void *opaque, uint64_t off, unsigned size, uint64_t v)
{
    struct pc_platform *pc = opaque;

    fw_cfg_io_write(&pc->fw_cfg, off, size, v);
}

/* SeaBIOS's debug console: whole lines into the worker's log. */
static uint64_t debugcon_read(void *opaque, uint64_t off, unsigned size)
{
    (void)opaque;
    (void)off;
    (void)size;
    return 0xE9; /* "present", as QEMU's isa-debugcon answers */
}

static void debugcon_write(void *opaque, uint64_t off, unsigned size, uint64_t v)
{
    struct pc_platform *pc = opaque;
    char ch = (char)v;

    (void)off;
    (void)size;
    if (ch == '\n' || pc->debug_len == sizeof(pc->debug_line) - 1) {
        pc->debug_line[pc->debug_len] = '\0';
        vmwp_log("bios: %s", pc->debug_line);
        pc->debug_len = 0;
    }
    if (ch != '\n' && ch != '\r' && (unsigned char)ch >= 0x20)
        pc->debug_line[pc->debug_len++] = ch;
}

static uint64_t ignored_read(void *opaque, uint64_t off, unsigned size)
{
    (void)opaque;
    (void)off;
    (void)size;
    return ~0ull;
}

static void ignored_write(void *opaque, uint64_t off, unsigned size, uint64_t v)
{
    (void)opaque;
    (void)off;
    (void)size;
    (void)v;
}

/* ---- set-up ---------------------------------------------------------------- */

static const struct i440bx_ops host_bridge_ops = {.pam = pam_changed, .smram = smram_changed};
static const struct piix4_ops piix4_ops = {
    .pirq_route = piix4_pirq_route,
    .isa_irq = piix4_isa_irq,
    .ide_legacy = piix4_ide_legacy,
    .ide_bmdma = piix4_window,
    .pm_io = piix4_pm_window,
    .smbus_io = piix4_smbus_window,
};
static const struct i8042_callbacks kbc_callbacks = {
    .irq = kbc_irq, .a20 = kbc_a20, .reset = kbc_reset};

enum { CTX_KBC_DATA, CTX_KBC_CMD, CTX_IDE0, CTX_IDE1, CTX_IDE0_CTL, CTX_IDE1_CTL };

int pc_platform_init(struct pc_platform *pc, struct platform *p)
{
    struct io_bus *b = &p->ports;
    uint64_t now = platform_now_ns(p);
    int rc = 0;

    memset(pc, 0, sizeof(*pc));
    pc->p = p;
    i8259_init(&pc->pic, pic_intr, pc);
    i8254_init(&pc->pit, pit_irq0, pc, now);
    pci_bus_init(&pc->pci);
    if (i440bx_init(&pc->host_bridge, &pc->pci, &host_bridge_ops, pc) ||
        piix4_init(&pc->piix4, &pc->pci, PC_PIIX4_DEVICE, &piix4_ops, pc))
        return -1;
    ide_init(&pc->ide, ide_irq, dma_map, pc);
    i8042_init(&pc->kbc, &kbc_callbacks, pc);
    fw_cfg_init(&pc->fw_cfg, dma_map, pc);
    uart_init(&pc->com2, com2_tx, pc);
    pc->port_a = 0x02;
    /* The PCI interrupt wires idle high (INTx# is active low); nothing
     * else drives these I/O APIC pins. */
    for (unsigned pirq = 0; pirq < 4; pirq++)
        ioapic_set_irq(&p->ioapic, ACPI_CHILD_PCI_GSI_BASE + pirq, true);

    pc->port_ctx[CTX_KBC_DATA] = (struct platform_port_ctx){p, I8042_PORT_DATA};
    pc->port_ctx[CTX_KBC_CMD] = (struct platform_port_ctx){p, I8042_PORT_CMD};
    pc->port_ctx[CTX_IDE0] = (struct platform_port_ctx){p, IDE_PRIMARY_CMD_PORT};
    pc->port_ctx[CTX_IDE1] = (struct platform_port_ctx){p, IDE_SECONDARY_CMD_PORT};
    pc->port_ctx[CTX_IDE0_CTL] = (struct platform_port_ctx){p, IDE_PRIMARY_CTL_PORT};
    pc->port_ctx[CTX_IDE1_CTL] = (struct platform_port_ctx){p, IDE_SECONDARY_CTL_PORT};

#define ADD(name, base, len, bytes, rd, wr, op)                                                    \
    rc |= io_bus_add(b, &(struct io_device){name, base, len, bytes, rd, wr, op})
    ADD("pic-master", I8259_MASTER_PORT, I8259_PORTS, true, pic_master_read, pic_master_write, pc);
    ADD("pic-slave", I8259_SLAVE_PORT, I8259_PORTS, true, pic_slave_read, pic_slave_write, pc);
    ADD("elcr", I8259_ELCR_PORT, I8259_PORTS, true, elcr_read, elcr_write, pc);
    ADD("pit", I8254_PORT_BASE, I8254_PORTS, true, pit_read, pit_write, pc);
    ADD("port-b", PC_PORT_B, 1, true, port_b_read, port_b_write, pc);
    ADD("i8042-data", I8042_PORT_DATA, 1, true, kbc_read, kbc_write, &pc->port_ctx[CTX_KBC_DATA]);
    ADD("i8042-cmd", I8042_PORT_CMD, 1, true, kbc_read, kbc_write, &pc->port_ctx[CTX_KBC_CMD]);
    ADD("port-a", PC_PORT_A, 1, true, port_a_read, port_a_write, pc);
    ADD("pci", PCI_CONFIG_ADDRESS_PORT, 8, false, pci_read, pci_write, pc);
    ADD("ide0", IDE_PRIMARY_CMD_PORT, IDE_CMD_PORTS, false, ide_cmd_read, ide_cmd_write,
        &pc->port_ctx[CTX_IDE0]);
    ADD("ide1", IDE_SECONDARY_CMD_PORT, IDE_CMD_PORTS, false, ide_cmd_read, ide_cmd_write,
        &pc->port_ctx[CTX_IDE1]);
    ADD("ide0-ctl", IDE_PRIMARY_CTL_PORT, IDE_CTL_PORTS, false, ide_ctl_read, ide_ctl_write,
        &pc->port_ctx[CTX_IDE0_CTL]);
    ADD("ide1-ctl", IDE_SECONDARY_CTL_PORT, IDE_CTL_PORTS, false, ide_ctl_read, ide_ctl_write,
        &pc->port_ctx[CTX_IDE1_CTL]);
    ADD("com2", PC_COM2_PORT, UART_REGS, true, com2_read, com2_write, pc);
    ADD("fw_cfg", PC_FW_CFG_PORT, PC_FW_CFG_PORTS, false, fw_cfg_read, fw_cfg_write, pc);
    ADD("debugcon", PC_DEBUGCON, 1, true, debugcon_read, debugcon_write, pc);
    ADD("post", PC_POST_PORT, 1, true, ignored_read, ignored_write, pc);
    /* The 8237 DMA controllers and their page registers: SeaBIOS sets them
     * up for a floppy there is not. */
    ADD("dma1", 0x00, 0x10, true, ignored_read, ignored_write, pc);
    ADD("dma-page", 0x81, 0x0F, true, ignored_read, ignored_write, pc);
    ADD("dma2", 0xC0, 0x20, true, ignored_read, ignored_write, pc);
#undef ADD
    return rc ? -1 : 0;
}

bool pc_platform_port_read(struct pc_platform *pc, uint16_t port, unsigned size, uint64_t *value)
{
    struct pci_bar_window bm = piix4_ide_bmdma(&pc->piix4);
    struct pc_nic *n;
    unsigned off;

    if (bm.mapped && port >= bm.base && port < bm.base + bm.size) {
        *value = ide_bm_read(&pc->ide, port - bm.base, size);
        return true;
    }
    n = nic_at_port(pc, port, &off);
    if (n) {
        *value = nic_read(n, off, size);
        return true;
    }
    return false;
}

bool pc_platform_port_write(struct pc_platform *pc, uint16_t port, unsigned size, uint64_t value)
{
    struct pci_bar_window bm = piix4_ide_bmdma(&pc->piix4);
    struct pc_nic *n;
    unsigned off;

    if (bm.mapped && port >= bm.base && port < bm.base + bm.size) {
        ide_bm_write(&pc->ide, port - bm.base, size, value);
        return true;
    }
    n = nic_at_port(pc, port, &off);
    if (n) {
        nic_write(n, off, size, (uint32_t)value);
        return true;
    }
    return false;
}

bool pc_platform_port_decoded(struct pc_platform *pc, uint16_t port)
{
    struct pci_bar_window bm = piix4_ide_bmdma(&pc->piix4);
    unsigned off;

    return (bm.mapped && port >= bm.base && port < bm.base + bm.size) ||
           nic_at_port(pc, port, &off) != NULL;
}

bool pc_platform_mmio_decoded(struct pc_platform *pc, uint64_t gpa)
{
    unsigned off;

    return nic_at_address(pc, gpa, &off) != NULL;
}

bool pc_platform_mmio_read(struct pc_platform *pc, uint64_t gpa, unsigned size, uint64_t *value)
{
    unsigned off;
    struct pc_nic *n = nic_at_address(pc, gpa, &off);

    if (!n)
        return false;
    *value = nic_read(n, off, size);
    return true;
}

bool pc_platform_mmio_write(struct pc_platform *pc, uint64_t gpa, unsigned size, uint64_t value)
{
    unsigned off;
    struct pc_nic *n = nic_at_address(pc, gpa, &off);

    if (!n)
        return false;
    nic_write(n, off, size, (uint32_t)value);
    return true;
}

/* ---- the timer thread: PIT, RTC, NICs ---------------------------------------- */

static void *timer_main(void *arg)
{
    struct pc_platform *pc = arg;
    struct platform *p = pc->p;

    pthread_mutex_lock(&p->lock);
    while (!pc->timer_stop) {
        uint64_t now = platform_now_ns(p), due, rtc_due;

        i8254_advance(&pc->pit, now);
        due = i8254_irq0_deadline(&pc->pit);
        rtc_due = platform_rtc_update(p);
        if (rtc_due < due)
            due = rtc_due;
        for (unsigned i = 0; i < pc->nic_count; i++) {
            uint64_t nic_due;

            tulip_advance(&pc->nics[i].tulip, now);
            nic_due = tulip_deadline(&pc->nics[i].tulip);
            if (nic_due < due)
                due = nic_due;
        }
        if (due == UINT64_MAX) { /* neither I8254_NO_DEADLINE nor an RTC event */
            pthread_cond_wait(&pc->timer_cond, &p->lock);
        } else if (due > now) {
            struct timespec ts = {.tv_sec = (time_t)(due / 1000000000u),
                                  .tv_nsec = (long)(due % 1000000000u)};

            pthread_cond_timedwait(&pc->timer_cond, &p->lock, &ts);
        }
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

int pc_platform_start(struct pc_platform *pc)
{
    pthread_condattr_t attr;
    int rc;

    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    rc = pthread_cond_init(&pc->timer_cond, &attr);
    pthread_condattr_destroy(&attr);
    if (rc)
        return rc;
    pthread_mutex_lock(&pc->p->lock);
    pc->timer_started = true;
    pthread_mutex_unlock(&pc->p->lock);
    rc = pthread_create(&pc->timer, NULL, timer_main, pc);
    if (rc) {
        pc->timer_started = false;
        pthread_cond_destroy(&pc->timer_cond);
    }
    return rc;
}

void pc_platform_stop(struct pc_platform *pc)
{
    if (!pc->timer_started)
        return;
    pthread_mutex_lock(&pc->p->lock);
    pc->timer_stop = true;
    pthread_cond_signal(&pc->timer_cond);
    pthread_mutex_unlock(&pc->p->lock);
    pthread_join(pc->timer, NULL);
    pc->timer_started = false;
    pthread_cond_destroy(&pc->timer_cond);
}
