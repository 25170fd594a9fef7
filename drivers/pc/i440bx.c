// SPDX-License-Identifier: GPL-2.0-only
/*
 * The 440BX host bridge's configuration function (pc/i440bx.h).
 *
 * The PAM and SMRAM registers are plain masked bytes in the function's
 * configuration space; what the owner is told is derived from them after
 * every write and compared with what it was told last, so any write width
 * (SeaBIOS rewrites PAM0-PAM6 as two dwords at 0x58 and 0x5C) gives one
 * report per segment that changed.
 */
#include <pc/i440bx.h>

#define SEGMENT_16K    0x4000u
#define C_SEGMENTS     12 /* 0xC0000-0xEFFFF */
#define C_SEGMENT_BASE 0xC0000u
#define F_SEGMENT_BASE 0xF0000u
#define F_SEGMENT_SIZE 0x10000u

#define PAM_LOW_FIELD  0x03
#define PAM_HIGH_FIELD 0x30

#define SMRAM_WRITABLE                                                                             \
    (I440BX_SMRAM_G_SMRAME | I440BX_SMRAM_D_LCK | I440BX_SMRAM_D_CLS | I440BX_SMRAM_D_OPEN)

uint32_t i440bx_pam_base(unsigned segment)
{
    if (segment < C_SEGMENTS)
        return C_SEGMENT_BASE + segment * SEGMENT_16K;
    return segment == C_SEGMENTS ? F_SEGMENT_BASE : 0;
}

uint32_t i440bx_pam_size(unsigned segment)
{
    if (segment < C_SEGMENTS)
        return SEGMENT_16K;
    return segment == C_SEGMENTS ? F_SEGMENT_SIZE : 0;
}

enum i440bx_pam_access i440bx_pam_access(const struct i440bx *hb, unsigned segment)
{
    uint8_t reg;

    if (segment < C_SEGMENTS) {
        /* PAM1 holds 0xC0000 (low field) and 0xC4000 (high), PAM2 the next two, ... */
        reg = hb->fn.config[I440BX_PAM0 + 1 + segment / 2];
        return (enum i440bx_pam_access)(segment & 1 ? reg >> 4 & 3 : reg & 3);
    }
    if (segment == C_SEGMENTS)
        return (enum i440bx_pam_access)(hb->fn.config[I440BX_PAM0] >> 4 & 3);
    return I440BX_PAM_ROM;
}

bool i440bx_smram_ram_visible(const struct i440bx *hb)
{
    uint8_t smram = hb->fn.config[I440BX_SMRAM];

    return (smram & I440BX_SMRAM_G_SMRAME) && (smram & I440BX_SMRAM_D_OPEN);
}

/* D_LCK closes the window and freezes everything but D_CLS until reset. */
static void apply_smram_lock(struct i440bx *hb)
{
    if (!(hb->fn.config[I440BX_SMRAM] & I440BX_SMRAM_D_LCK))
        return;
    hb->fn.config[I440BX_SMRAM] &= (uint8_t)~I440BX_SMRAM_D_OPEN;
    hb->fn.wmask[I440BX_SMRAM] = I440BX_SMRAM_D_CLS;
}

static void report(struct i440bx *hb)
{
    bool smram_ram;

    for (unsigned s = 0; s < I440BX_PAM_SEGMENTS; s++) {
        enum i440bx_pam_access access = i440bx_pam_access(hb, s);

        if (access == hb->pam[s])
            continue;
        hb->pam[s] = (uint8_t)access;
        if (hb->ops && hb->ops->pam)
            hb->ops->pam(hb->opaque, s, i440bx_pam_base(s), i440bx_pam_size(s), access);
    }
    smram_ram = i440bx_smram_ram_visible(hb);
    if (smram_ram != hb->smram_ram) {
        hb->smram_ram = smram_ram;
        if (hb->ops && hb->ops->smram)
            hb->ops->smram(hb->opaque, smram_ram);
    }
}

static void config_written(struct pci_function *fn, unsigned offset, unsigned size)
{
    struct i440bx *hb = fn->opaque;

    (void)offset;
    (void)size;
    apply_smram_lock(hb);
    report(hb);
}

static const struct pci_function_ops i440bx_function_ops = {
    .config_written = config_written,
};

int i440bx_init(struct i440bx *hb, struct pci_bus *bus, const struct i440bx_ops *ops, void *opaque)
{
    static const struct pci_id id = {
        .vendor = I440BX_VENDOR_ID,
        .device = I440BX_DEVICE_ID,
        .revision = I440BX_REVISION,
        .class_code = I440BX_CLASS,
        .header_type = 0,
    };
    struct pci_function *fn = &hb->fn;

    pci_function_init(fn, &id, &i440bx_function_ops, hb);
    pci_function_set_reg(fn, PCI_CFG_COMMAND, 2, PCI_CMD_MEMORY | PCI_CMD_MASTER);
    pci_function_set_wmask(fn, PCI_CFG_COMMAND, 2, PCI_CMD_SERR | PCI_CMD_PARITY);
    pci_function_set_reg(fn, PCI_CFG_STATUS, 2, PCI_STS_DEVSEL_MEDIUM | PCI_STS_FAST_B2B);
    pci_function_set_wmask(fn, PCI_CFG_LATENCY_TIMER, 1, 0xF8);
    pci_function_set_reg(fn, PCI_CFG_SUBSYSTEM, 2, I440BX_SUBSYSTEM_VENDOR_ID);
    pci_function_set_reg(fn, PCI_CFG_SUBSYSTEM + 2, 2, I440BX_SUBSYSTEM_ID);
    /* The host bridge routes no interrupt of its own. */
    pci_function_set_wmask(fn, PCI_CFG_INTERRUPT_LINE, 1, 0);
    pci_function_set_wmask(fn, I440BX_PAM0, 1, PAM_HIGH_FIELD);
    for (unsigned i = 1; i < I440BX_PAMS; i++)
        pci_function_set_wmask(fn, I440BX_PAM0 + i, 1, PAM_HIGH_FIELD | PAM_LOW_FIELD);
    pci_function_set_reg(fn, I440BX_SMRAM, 1, I440BX_SMRAM_BASE_SEG);
    pci_function_set_wmask(fn, I440BX_SMRAM, 1, SMRAM_WRITABLE);
    pci_function_commit(fn);

    for (unsigned s = 0; s < I440BX_PAM_SEGMENTS; s++)
        hb->pam[s] = I440BX_PAM_ROM;
    hb->smram_ram = false;
    hb->ops = ops;
    hb->opaque = opaque;
    return pci_bus_attach(bus, I440BX_PCI_DEVICE, 0, fn);
}

void i440bx_reset(struct i440bx *hb)
{
    pci_function_reset(&hb->fn);
    report(hb);
}
