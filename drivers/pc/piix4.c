// SPDX-License-Identifier: GPL-2.0-only
/*
 * The PIIX4's PCI functions (pc/piix4.h).
 *
 * Everything the owner is told (routes, IRQ levels, decoders, I/O blocks)
 * is a function of the registers and the PIRQ inputs; report() derives it
 * all, compares it with what was told last and reports the differences.
 * Every guest write to any of the three functions and every reset ends in
 * it, so no write width, order or register combination can leave the
 * owner's view stale.  The bus-master BAR is the exception that needs no
 * code here: pci_bus.c reports BARs itself, and its callback is forwarded.
 */
#include <stddef.h>

#include <pc/piix4.h>

#define ISA_IRQS 16

#define PMBA_BASE_MASK  0xFFC0u
#define SMBBA_BASE_MASK 0xFFF0u
#define IO_BASE_BIT     0x01u /* bit 0 of PMBA and SMBBA: I/O space, read-only 1 */

int piix4_pirq_irq(const struct piix4 *p, unsigned pirq)
{
    uint8_t reg;
    unsigned irq;

    if (pirq >= PIIX4_PIRQS)
        return PIIX4_NO_IRQ;
    reg = p->isa.config[PIIX4_PIRQRC + pirq];
    irq = reg & PIIX4_PIRQ_IRQ_MASK;
    if ((reg & PIIX4_PIRQ_DISABLE) || !(PIIX4_PIRQ_VALID_IRQS & (1u << irq)))
        return PIIX4_NO_IRQ;
    return (int)irq;
}

/* The ISA IRQ levels the PIRQ inputs drive through the routes now. */
static uint16_t isa_irq_levels(const struct piix4 *p)
{
    uint16_t levels = 0;

    for (unsigned pirq = 0; pirq < PIIX4_PIRQS; pirq++) {
        int irq = piix4_pirq_irq(p, pirq);

        if (irq != PIIX4_NO_IRQ && (p->pirq_levels & (1u << pirq)))
            levels |= (uint16_t)(1u << irq);
    }
    return levels;
}

static uint16_t reg16(const struct pci_function *fn, unsigned offset)
{
    return (uint16_t)pci_function_read(fn, offset, 2);
}

bool piix4_ide_decoded(const struct piix4 *p, unsigned channel)
{
    if (channel >= PIIX4_IDE_CHANNELS)
        return false;
    return (pci_function_command(&p->ide) & PCI_CMD_IO) &&
           (reg16(&p->ide, PIIX4_IDETIM + 2 * channel) & PIIX4_IDETIM_DECODE);
}

bool piix4_ide_bus_master(const struct piix4 *p)
{
    return pci_function_command(&p->ide) & PCI_CMD_MASTER;
}

struct pci_bar_window piix4_ide_bmdma(const struct piix4 *p)
{
    return pci_function_bar_window(&p->ide, PIIX4_IDE_BMIBA_BAR);
}

struct piix4_io_window piix4_pm_io(const struct piix4 *p)
{
    return (struct piix4_io_window){
        .enabled = p->pm.config[PIIX4_PMREGMISC] & PIIX4_PMREGMISC_PMIOSE,
        .base = reg16(&p->pm, PIIX4_PMBA) & PMBA_BASE_MASK,
    };
}

struct piix4_io_window piix4_smbus_io(const struct piix4 *p)
{
    return (struct piix4_io_window){
        .enabled = (pci_function_command(&p->pm) & PCI_CMD_IO) &&
                   (p->pm.config[PIIX4_SMBHSTCFG] & PIIX4_SMBHSTCFG_HST_EN),
        .base = reg16(&p->pm, PIIX4_SMBBA) & SMBBA_BASE_MASK,
    };
}

/* A disabled block has no address worth reporting: moving it is no change. */
static bool same_io_window(const struct piix4_io_window *a, const struct piix4_io_window *b)
{
    return a->enabled == b->enabled && (!a->enabled || a->base == b->base);
}

static void report_io_window(struct piix4 *p, struct piix4_io_window *told,
                             struct piix4_io_window now,
                             void (*fn)(void *opaque, const struct piix4_io_window *window))
{
    if (same_io_window(told, &now))
        return;
    *told = now;
    if (fn)
        fn(p->opaque, &now);
}

static void report(struct piix4 *p)
{
    const struct piix4_ops *ops = p->ops;
    uint16_t levels, changed;

    for (unsigned pirq = 0; pirq < PIIX4_PIRQS; pirq++) {
        int irq = piix4_pirq_irq(p, pirq);

        if (irq == p->route[pirq])
            continue;
        p->route[pirq] = (int8_t)irq;
        if (ops && ops->pirq_route)
            ops->pirq_route(p->opaque, pirq, irq);
    }
    /* Falls before rises: an IRQ a moved route leaves is released first. */
    levels = isa_irq_levels(p);
    changed = levels ^ p->isa_irq_levels;
    p->isa_irq_levels = levels;
    for (int rising = 0; rising < 2; rising++) {
        for (unsigned irq = 0; irq < ISA_IRQS; irq++) {
            uint16_t bit = (uint16_t)(1u << irq);

            if ((changed & bit) && !!(levels & bit) == rising && ops && ops->isa_irq)
                ops->isa_irq(p->opaque, irq, rising);
        }
    }
    for (unsigned ch = 0; ch < PIIX4_IDE_CHANNELS; ch++) {
        bool decoded = piix4_ide_decoded(p, ch);

        if (decoded == p->ide_decoded[ch])
            continue;
        p->ide_decoded[ch] = decoded;
        if (ops && ops->ide_legacy)
            ops->ide_legacy(p->opaque, ch, decoded);
    }
    report_io_window(p, &p->pm_io, piix4_pm_io(p), ops ? ops->pm_io : NULL);
    report_io_window(p, &p->smbus_io, piix4_smbus_io(p), ops ? ops->smbus_io : NULL);
}

static void config_written(struct pci_function *fn, unsigned offset, unsigned size)
{
    (void)offset;
    (void)size;
    report(fn->opaque);
}

static void bar_changed(struct pci_function *fn, unsigned bar, const struct pci_bar_window *old,
                        const struct pci_bar_window *now)
{
    struct piix4 *p = fn->opaque;

    (void)old;
    if (fn == &p->ide && bar == PIIX4_IDE_BMIBA_BAR && p->ops && p->ops->ide_bmdma)
        p->ops->ide_bmdma(p->opaque, now);
}

static const struct pci_function_ops piix4_function_ops = {
    .bar_changed = bar_changed,
    .config_written = config_written,
};

/* Registers firmware programs and reads back, with no effect here. */
struct scratch {
    uint8_t offset, size;
    uint32_t reset;
};

static void add_scratch(struct pci_function *fn, const struct scratch *regs, unsigned count)
{
    for (unsigned i = 0; i < count; i++) {
        pci_function_set_reg(fn, regs[i].offset, regs[i].size, regs[i].reset);
        pci_function_set_wmask(fn, regs[i].offset, regs[i].size, 0xFFFFFFFFu);
    }
}

static void init_isa(struct piix4 *p)
{
    static const struct pci_id id = {
        .vendor = PIIX4_VENDOR_ID,
        .device = PIIX4_ISA_DEVICE_ID,
        .revision = PIIX4_REVISION,
        .class_code = PIIX4_ISA_CLASS,
        .header_type = PCI_HEADER_MULTI_FUNCTION,
    };
    /* Reset values as the PIIX4 datasheet (and QEMU's piix_reset()) give them. */
    static const struct scratch regs[] = {
        {0x4C, 1, 0x4D},       /* IORT */
        {0x4E, 2, 0x0003},     /* XBCS: RTC and keyboard controller decode */
        {0x64, 1, 0x10},       /* SERIRQC */
        {0x69, 1, 0x02},       /* TOM */
        {0x6A, 2, 0x0000},     /* MSTAT */
        {0x70, 2, 0x8080},     /* MBIRQ0-1: disabled */
        {0x76, 2, 0x0C0C},     /* MBDMA */
        {0x78, 2, 0x0002},     /* PCSC */
        {0x80, 1, 0x00},       /* APICBASE */
        {0x82, 1, 0x00},       /* DLC */
        {0x90, 2, 0x0000},     /* PDMACFG */
        {0x92, 4, 0x00000000}, /* DDMABP */
        {0xA0, 4, 0x00000008}, /* SMICNTL, SMIEN */
        {0xA4, 4, 0x00000000}, /* SEE */
        {0xA8, 4, 0x0000000F}, /* FTMR, SMIREQ */
        {0xAC, 4, 0x00000000}, /* CTLTMR, CTHTMR */
        {0xB0, 4, 0x00000000}, /* GENCFG */
    };
    struct pci_function *fn = &p->isa;

    pci_function_init(fn, &id, &piix4_function_ops, p);
    pci_function_set_reg(fn, PCI_CFG_COMMAND, 2, PCI_CMD_IO | PCI_CMD_MEMORY | PCI_CMD_MASTER);
    pci_function_set_wmask(fn, PCI_CFG_COMMAND, 2, PCI_CMD_SPECIAL);
    pci_function_set_reg(fn, PCI_CFG_STATUS, 2, PCI_STS_DEVSEL_MEDIUM | PCI_STS_FAST_B2B);
    add_scratch(fn, regs, sizeof(regs) / sizeof(regs[0]));
    for (unsigned pirq = 0; pirq < PIIX4_PIRQS; pirq++) {
        pci_function_set_reg(fn, PIIX4_PIRQRC + pirq, 1, PIIX4_PIRQ_DISABLE);
        pci_function_set_wmask(fn, PIIX4_PIRQRC + pirq, 1,
                               PIIX4_PIRQ_DISABLE | PIIX4_PIRQ_IRQ_MASK);
    }
    pci_function_commit(fn);
}

static void init_ide(struct piix4 *p)
{
    static const struct pci_id id = {
        .vendor = PIIX4_VENDOR_ID,
        .device = PIIX4_IDE_DEVICE_ID,
        .revision = PIIX4_REVISION,
        .class_code = PIIX4_IDE_CLASS,
        .header_type = 0,
    };
    struct pci_function *fn = &p->ide;

    pci_function_init(fn, &id, &piix4_function_ops, p);
    pci_function_set_wmask(fn, PCI_CFG_COMMAND, 2, PCI_CMD_IO | PCI_CMD_MASTER);
    pci_function_set_reg(fn, PCI_CFG_STATUS, 2, PCI_STS_DEVSEL_MEDIUM | PCI_STS_FAST_B2B);
    pci_function_set_wmask(fn, PCI_CFG_LATENCY_TIMER, 1, 0xF0);
    (void)pci_function_set_bar(fn, PIIX4_IDE_BMIBA_BAR, PCI_BAR_IO, PIIX4_IDE_BMIBA_SIZE, false);
    for (unsigned ch = 0; ch < PIIX4_IDE_CHANNELS; ch++)
        pci_function_set_wmask(fn, PIIX4_IDETIM + 2 * ch, 2, 0xF3FF);
    pci_function_set_wmask(fn, PIIX4_SIDETIM, 1, 0xFF);
    pci_function_set_wmask(fn, PIIX4_UDMACTL, 1, 0x0F);
    pci_function_set_wmask(fn, PIIX4_UDMATIM, 2, 0x3333);
    pci_function_commit(fn);
}

static void init_pm(struct piix4 *p)
{
    static const struct pci_id id = {
        .vendor = PIIX4_VENDOR_ID,
        .device = PIIX4_PM_DEVICE_ID,
        .revision = PIIX4_REVISION,
        .class_code = PIIX4_PM_CLASS,
        .header_type = 0,
    };
    struct pci_function *fn = &p->pm;

    pci_function_init(fn, &id, &piix4_function_ops, p);
    pci_function_set_wmask(fn, PCI_CFG_COMMAND, 2, PCI_CMD_IO);
    pci_function_set_reg(fn, PCI_CFG_STATUS, 2, PCI_STS_DEVSEL_MEDIUM | PCI_STS_FAST_B2B);
    pci_function_set_reg(fn, PCI_CFG_INTERRUPT_PIN, 1, 1);
    pci_function_set_reg(fn, PIIX4_PMBA, 4, IO_BASE_BIT);
    pci_function_set_wmask(fn, PIIX4_PMBA, 4, PMBA_BASE_MASK);
    /* CNTA .. DEVRESJ */
    for (unsigned reg = 0x44; reg < 0x80; reg += 4)
        pci_function_set_wmask(fn, reg, 4, 0xFFFFFFFFu);
    pci_function_set_reg(fn, PIIX4_DEVACTB, 4, PIIX4_DEVACTB_APMC_EN);
    pci_function_set_wmask(fn, PIIX4_PMREGMISC, 1, PIIX4_PMREGMISC_PMIOSE);
    pci_function_set_reg(fn, PIIX4_SMBBA, 4, IO_BASE_BIT);
    pci_function_set_wmask(fn, PIIX4_SMBBA, 4, SMBBA_BASE_MASK);
    pci_function_set_wmask(fn, PIIX4_SMBHSTCFG, 1, 0x0F);
    pci_function_set_wmask(fn, PIIX4_SMBHSTCFG + 1, 3, 0xFFFFFF); /* SMBSLVC, SMBSHDW1-2 */
    pci_function_commit(fn);
}

int piix4_init(struct piix4 *p, struct pci_bus *bus, unsigned device, const struct piix4_ops *ops,
               void *opaque)
{
    init_isa(p);
    init_ide(p);
    init_pm(p);
    p->pirq_levels = 0;
    for (unsigned pirq = 0; pirq < PIIX4_PIRQS; pirq++)
        p->route[pirq] = PIIX4_NO_IRQ;
    p->isa_irq_levels = 0;
    for (unsigned ch = 0; ch < PIIX4_IDE_CHANNELS; ch++)
        p->ide_decoded[ch] = false;
    p->pm_io = piix4_pm_io(p);
    p->smbus_io = piix4_smbus_io(p);
    p->ops = ops;
    p->opaque = opaque;

    if (device >= PCI_DEVICES || pci_bus_function(bus, device, PIIX4_ISA_FUNCTION) ||
        pci_bus_function(bus, device, PIIX4_IDE_FUNCTION) ||
        pci_bus_function(bus, device, PIIX4_PM_FUNCTION))
        return -1;
    (void)pci_bus_attach(bus, device, PIIX4_ISA_FUNCTION, &p->isa);
    (void)pci_bus_attach(bus, device, PIIX4_IDE_FUNCTION, &p->ide);
    (void)pci_bus_attach(bus, device, PIIX4_PM_FUNCTION, &p->pm);
    return 0;
}

void piix4_reset(struct piix4 *p)
{
    pci_function_reset(&p->isa);
    pci_function_reset(&p->ide);
    pci_function_reset(&p->pm);
    report(p);
}

void piix4_set_pirq(struct piix4 *p, unsigned pirq, bool level)
{
    if (pirq >= PIIX4_PIRQS)
        return;
    if (level)
        p->pirq_levels |= (uint8_t)(1u << pirq);
    else
        p->pirq_levels &= (uint8_t) ~(1u << pirq);
    report(p);
}
