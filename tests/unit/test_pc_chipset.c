// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of drivers/pc/i440bx.c and drivers/pc/piix4.c, the chipset's
 * PCI functions on bus 0 behind configuration mechanism #1: identities,
 * class codes and header types (PIIX4 function 0 multi-function, function
 * 2 absent); the PAM decode table, every segment in every mode, and
 * SeaBIOS's shadow RAM sequence; SMRAM with D_LCK; PIRQ routing, reserved
 * and disabled values, and the ISA IRQ levels routed PCI interrupts drive
 * (also while a route moves); IDE legacy decode and the bus-master BAR;
 * the PM and SMBus I/O blocks; resets; and random configuration traffic
 * that must keep read-only fields and leave the owner's view (what the
 * callbacks said) equal to the registers'.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <pc/i440bx.h>
#include <pc/piix4.h>

#define PIIX 1 /* the PIIX4's device number, as on QEMU's i440FX machine */

static struct pci_bus bus;
static struct i440bx hb;
static struct piix4 piix;

/* ---- the owner: what the callbacks said ------------------------------------------------ */

enum event_kind { EV_PAM, EV_SMRAM, EV_ROUTE, EV_IRQ, EV_IDE, EV_BMDMA, EV_PM, EV_SMBUS };

struct event {
    enum event_kind kind;
    unsigned index; /* segment, PIRQ, IRQ, channel */
    int value;      /* access, IRQ, level, decoded, enabled/mapped */
    uint64_t base;
    uint64_t size;
};

#define MAX_EVENTS 64
static struct event events[MAX_EVENTS];
static unsigned n_events;
static bool quiet;                   /* the random test: too many to keep */
static unsigned calls[EV_SMBUS + 1]; /* per kind, kept or not */

/* The owner's view, kept from the callbacks alone. */
static struct {
    enum i440bx_pam_access pam[I440BX_PAM_SEGMENTS];
    bool smram_ram;
    int route[PIIX4_PIRQS];
    uint16_t irq_levels;
    bool ide[PIIX4_IDE_CHANNELS];
    struct pci_bar_window bmdma;
    struct piix4_io_window pm, smbus;
} seen;

static void record(enum event_kind kind, unsigned index, int value, uint64_t base, uint64_t size)
{
    calls[kind]++;
    if (quiet)
        return;
    assert_true(n_events < MAX_EVENTS);
    events[n_events++] = (struct event){kind, index, value, base, size};
}

static void on_pam(void *opaque, unsigned segment, uint32_t base, uint32_t size,
                   enum i440bx_pam_access access)
{
    assert_ptr_equal(opaque, &hb);
    assert_true(segment < I440BX_PAM_SEGMENTS);
    assert_int_not_equal(seen.pam[segment], access); /* changes only */
    seen.pam[segment] = access;
    record(EV_PAM, segment, access, base, size);
}

static void on_smram(void *opaque, bool ram)
{
    assert_ptr_equal(opaque, &hb);
    assert_int_not_equal(seen.smram_ram, ram);
    seen.smram_ram = ram;
    record(EV_SMRAM, 0, ram, 0, 0);
}

static void on_route(void *opaque, unsigned pirq, int irq)
{
    assert_ptr_equal(opaque, &piix);
    assert_true(pirq < PIIX4_PIRQS);
    assert_int_not_equal(seen.route[pirq], irq);
    seen.route[pirq] = irq;
    record(EV_ROUTE, pirq, irq, 0, 0);
}

static void on_irq(void *opaque, unsigned irq, bool level)
{
    uint16_t bit = (uint16_t)(1u << irq);

    assert_ptr_equal(opaque, &piix);
    assert_true(irq < 16);
    assert_int_not_equal(!!(seen.irq_levels & bit), level);
    seen.irq_levels = level ? seen.irq_levels | bit : seen.irq_levels & (uint16_t)~bit;
    record(EV_IRQ, irq, level, 0, 0);
}

static void on_ide(void *opaque, unsigned channel, bool decoded)
{
    assert_ptr_equal(opaque, &piix);
    assert_true(channel < PIIX4_IDE_CHANNELS);
    assert_int_not_equal(seen.ide[channel], decoded);
    seen.ide[channel] = decoded;
    record(EV_IDE, channel, decoded, 0, 0);
}

static void on_bmdma(void *opaque, const struct pci_bar_window *w)
{
    assert_ptr_equal(opaque, &piix);
    seen.bmdma = *w;
    record(EV_BMDMA, 0, w->mapped, w->base, w->size);
}

static void on_pm(void *opaque, const struct piix4_io_window *w)
{
    assert_ptr_equal(opaque, &piix);
    seen.pm = *w;
    record(EV_PM, 0, w->enabled, w->base, 0);
}

static void on_smbus(void *opaque, const struct piix4_io_window *w)
{
    assert_ptr_equal(opaque, &piix);
    seen.smbus = *w;
    record(EV_SMBUS, 0, w->enabled, w->base, 0);
}

static const struct i440bx_ops hb_ops = {.pam = on_pam, .smram = on_smram};
static const struct piix4_ops piix_ops = {
    .pirq_route = on_route,
    .isa_irq = on_irq,
    .ide_legacy = on_ide,
    .ide_bmdma = on_bmdma,
    .pm_io = on_pm,
    .smbus_io = on_smbus,
};

static int setup(void **state)
{
    (void)state;
    memset(&seen, 0, sizeof(seen));
    for (unsigned i = 0; i < PIIX4_PIRQS; i++)
        seen.route[i] = PIIX4_NO_IRQ;
    n_events = 0;
    quiet = false;
    memset(calls, 0, sizeof(calls));
    pci_bus_init(&bus);
    assert_int_equal(i440bx_init(&hb, &bus, &hb_ops, &hb), 0);
    assert_int_equal(piix4_init(&piix, &bus, PIIX, &piix_ops, &piix), 0);
    assert_int_equal(n_events, 0); /* the reset state is not reported */
    return 0;
}

/* ---- mechanism #1, as firmware uses it -------------------------------------------------- */

static uint32_t cfg_read(unsigned dev, unsigned fn, unsigned reg, unsigned size)
{
    uint32_t v = 0xDEADBEEF;

    assert_true(pci_bus_io_write(&bus, 0xCF8, 4, PCI_CONFIG_ADDRESS(dev, fn, reg)));
    assert_true(pci_bus_io_read(&bus, (uint16_t)(0xCFC + (reg & 3)), size, &v));
    return v;
}

static void cfg_write(unsigned dev, unsigned fn, unsigned reg, unsigned size, uint32_t v)
{
    assert_true(pci_bus_io_write(&bus, 0xCF8, 4, PCI_CONFIG_ADDRESS(dev, fn, reg)));
    assert_true(pci_bus_io_write(&bus, (uint16_t)(0xCFC + (reg & 3)), size, v));
}

#define HB_READ(reg, size)      cfg_read(0, 0, reg, size)
#define HB_WRITE(reg, size, v)  cfg_write(0, 0, reg, size, v)
#define ISA_READ(reg, size)     cfg_read(PIIX, 0, reg, size)
#define ISA_WRITE(reg, size, v) cfg_write(PIIX, 0, reg, size, v)
#define IDE_READ(reg, size)     cfg_read(PIIX, 1, reg, size)
#define IDE_WRITE(reg, size, v) cfg_write(PIIX, 1, reg, size, v)
#define PM_READ(reg, size)      cfg_read(PIIX, 3, reg, size)
#define PM_WRITE(reg, size, v)  cfg_write(PIIX, 3, reg, size, v)

static const struct event *expect(unsigned i, enum event_kind kind, unsigned index, int value)
{
    assert_true(i < n_events);
    assert_int_equal(events[i].kind, kind);
    assert_int_equal(events[i].index, index);
    assert_int_equal(events[i].value, value);
    return &events[i];
}

/* ---- identities ---------------------------------------------------------------------------- */

static void test_host_bridge_identity(void **state)
{
    (void)state;
    assert_int_equal(HB_READ(0x00, 4), 0x12378086);
    assert_int_equal(HB_READ(0x08, 4), 0x06000002); /* host bridge, revision 02 */
    assert_int_equal(HB_READ(PCI_CFG_HEADER_TYPE, 1), 0x00);
    assert_int_equal(HB_READ(PCI_CFG_SUBSYSTEM, 4), 0x11001AF4); /* SeaBIOS's qemu_detect() */
    assert_int_equal(HB_READ(PCI_CFG_COMMAND, 2), PCI_CMD_MEMORY | PCI_CMD_MASTER);
    assert_int_equal(HB_READ(PCI_CFG_STATUS, 2), 0x0280);
    assert_int_equal(HB_READ(PCI_CFG_INTERRUPT_LINE, 4), 0);
    assert_int_equal(HB_READ(I440BX_PAM0 - 1, 4), 0); /* DRAMT, PAM0-2 */
    assert_int_equal(HB_READ(I440BX_PAM0 + 3, 4), 0); /* PAM3-6 */
    assert_int_equal(HB_READ(I440BX_SMRAM, 1), 0x02);
    /* SeaBIOS's pci_bios_init_device() sets I/O, memory and SERR#: only
     * SERR# exists to set; memory and bus master stay on. */
    HB_WRITE(PCI_CFG_COMMAND, 2, PCI_CMD_MEMORY | PCI_CMD_MASTER | PCI_CMD_IO | PCI_CMD_SERR);
    assert_int_equal(HB_READ(PCI_CFG_COMMAND, 2), PCI_CMD_MEMORY | PCI_CMD_MASTER | PCI_CMD_SERR);
    HB_WRITE(PCI_CFG_COMMAND, 2, 0);
    assert_int_equal(HB_READ(PCI_CFG_COMMAND, 2), PCI_CMD_MEMORY | PCI_CMD_MASTER);
    HB_WRITE(PCI_CFG_LATENCY_TIMER, 1, 0xFF);
    assert_int_equal(HB_READ(PCI_CFG_LATENCY_TIMER, 1), 0xF8);
    /* The identity is read-only. */
    for (unsigned reg = 0; reg < 0x40; reg += 4)
        if (reg != PCI_CFG_COMMAND)
            HB_WRITE(reg, 4, 0xFFFFFFFF);
    assert_int_equal(HB_READ(0x00, 4), 0x12378086);
    assert_int_equal(HB_READ(0x08, 4), 0x06000002);
    assert_int_equal(HB_READ(PCI_CFG_SUBSYSTEM, 4), 0x11001AF4);
    assert_int_equal(HB_READ(0x10, 4), 0); /* no BARs */
    assert_int_equal(HB_READ(PCI_CFG_INTERRUPT_LINE, 4), 0);
    assert_int_equal(n_events, 0);
}

static void test_piix4_identity(void **state)
{
    (void)state;
    /* Function 0: PCI-to-ISA bridge, multi-function. */
    assert_int_equal(ISA_READ(0x00, 4), 0x71108086);
    assert_int_equal(ISA_READ(0x08, 4), 0x06010003);
    assert_int_equal(ISA_READ(PCI_CFG_HEADER_TYPE, 1), PCI_HEADER_MULTI_FUNCTION);
    assert_int_equal(ISA_READ(PCI_CFG_COMMAND, 4), 0x02800007);
    /* Function 1: IDE, compatibility mode with bus master. */
    assert_int_equal(IDE_READ(0x00, 4), 0x71118086);
    assert_int_equal(IDE_READ(0x08, 4), 0x01018003);
    assert_int_equal(IDE_READ(PCI_CFG_HEADER_TYPE, 1), 0);
    assert_int_equal(IDE_READ(PCI_CFG_COMMAND, 4), 0x02800000);
    assert_int_equal(IDE_READ(PCI_CFG_INTERRUPT_PIN, 1), 0); /* legacy IRQ 14/15 */
    assert_int_equal(IDE_READ(0x20, 4), PCI_BAR_SPACE_IO);
    /* Function 2 (USB) is absent, and 4-7. */
    assert_int_equal(cfg_read(PIIX, 2, 0, 4), 0xFFFFFFFF);
    for (unsigned fn = 4; fn < 8; fn++)
        assert_int_equal(cfg_read(PIIX, fn, 0, 2), 0xFFFF);
    /* Function 3: power management, "other" bridge, interrupt pin A. */
    assert_int_equal(PM_READ(0x00, 4), 0x71138086);
    assert_int_equal(PM_READ(0x08, 4), 0x06800003);
    assert_int_equal(PM_READ(PCI_CFG_HEADER_TYPE, 1), 0);
    assert_int_equal(PM_READ(PCI_CFG_INTERRUPT_PIN, 1), 1);
    assert_int_equal(PM_READ(PIIX4_PMBA, 4), 1);
    assert_int_equal(PM_READ(PIIX4_SMBBA, 4), 1);
    assert_int_equal(PM_READ(PIIX4_PMREGMISC, 1), 0);
    /* SeaBIOS's piix4_apmc_smm_setup() reads DEVACTB and finds SMM done. */
    assert_true(PM_READ(PIIX4_DEVACTB, 4) & PIIX4_DEVACTB_APMC_EN);
    /* Nothing else answers on the bus: SeaBIOS's scan sees three devices. */
    for (unsigned dev = 2; dev < PCI_DEVICES; dev++)
        assert_int_equal(cfg_read(dev, 0, 0, 2), 0xFFFF);
    /* Read-only identities. */
    for (unsigned fn = 0; fn < 4; fn++)
        for (unsigned reg = 0; reg < 0x10; reg += 4)
            if (reg != PCI_CFG_COMMAND)
                cfg_write(PIIX, fn, reg, 4, 0);
    assert_int_equal(ISA_READ(0x00, 4), 0x71108086);
    assert_int_equal(ISA_READ(PCI_CFG_HEADER_TYPE, 1), PCI_HEADER_MULTI_FUNCTION);
    assert_int_equal(IDE_READ(0x08, 4), 0x01018003);
    assert_int_equal(PM_READ(0x08, 4), 0x06800003);
    /* Function 0's decoders are always on; only special cycles change. */
    ISA_WRITE(PCI_CFG_COMMAND, 2, 0);
    assert_int_equal(ISA_READ(PCI_CFG_COMMAND, 2), 0x0007);
    ISA_WRITE(PCI_CFG_COMMAND, 2, 0xFFFF);
    assert_int_equal(ISA_READ(PCI_CFG_COMMAND, 2), 0x000F);
    /* Scratch registers keep what is written and reset to their values. */
    assert_int_equal(ISA_READ(0x4C, 4), 0x0003004D);
    ISA_WRITE(0x4C, 4, 0x12345678);
    assert_int_equal(ISA_READ(0x4C, 4), 0x12340078); /* 0x4D is reserved */
    assert_int_equal(ISA_READ(0x68, 4), 0x00000200);
    assert_int_equal(ISA_READ(0x70, 2), 0x8080);
    assert_int_equal(ISA_READ(0x74, 4), 0x0C0C0000);
    assert_int_equal(ISA_READ(0x78, 4), 0x00000002);
    assert_int_equal(ISA_READ(0xA0, 1), 0x08);
    piix4_reset(&piix);
    assert_int_equal(ISA_READ(0x4C, 4), 0x0003004D);
    assert_int_equal(n_events, 0);
}

static void test_init_conflicts(void **state)
{
    struct pci_bus b;
    struct i440bx h;
    struct piix4 p;
    struct pci_function f;
    static const struct pci_id id = {.vendor = 0x1234};

    (void)state;
    pci_bus_init(&b);
    pci_function_init(&f, &id, NULL, NULL);
    assert_int_equal(pci_bus_attach(&b, 0, 0, &f), 0);
    assert_int_equal(i440bx_init(&h, &b, NULL, NULL), -1);
    assert_int_equal(piix4_init(&p, &b, 32, NULL, NULL), -1);
    /* A taken function 3 refuses the whole PIIX4, leaving 0 and 1 free. */
    assert_int_equal(pci_bus_attach(&b, 7, 3, &f), 0);
    assert_int_equal(piix4_init(&p, &b, 7, NULL, NULL), -1);
    assert_null(pci_bus_function(&b, 7, 0));
    assert_null(pci_bus_function(&b, 7, 1));
    assert_int_equal(piix4_init(&p, &b, 1, NULL, NULL), 0);
    /* No callbacks: changes still happen, silently. */
    pci_bus_config_write(&b, 0, 1, 0, PIIX4_PIRQRC, 1, 10);
    piix4_set_pirq(&p, 0, true);
    assert_int_equal(piix4_pirq_irq(&p, 0), 10);
    pci_bus_config_write(&b, 0, 1, 1, PCI_CFG_COMMAND, 2, PCI_CMD_IO);
    pci_bus_config_write(&b, 0, 1, 1, 0x20, 4, 0xC000);
    assert_true(piix4_ide_bmdma(&p).mapped);
    piix4_reset(&p);
    assert_int_equal(piix4_pirq_irq(&p, 0), PIIX4_NO_IRQ);
}

/* ---- the 440BX ------------------------------------------------------------------------------ */

static void test_pam_segments(void **state)
{
    (void)state;
    for (unsigned s = 0; s < 12; s++) {
        assert_int_equal(i440bx_pam_base(s), 0xC0000 + s * 0x4000);
        assert_int_equal(i440bx_pam_size(s), 0x4000);
    }
    assert_int_equal(i440bx_pam_base(12), 0xF0000);
    assert_int_equal(i440bx_pam_size(12), 0x10000);
    assert_int_equal(i440bx_pam_base(13), 0);
    assert_int_equal(i440bx_pam_size(13), 0);
    assert_int_equal(i440bx_pam_access(&hb, 13), I440BX_PAM_ROM);
    for (unsigned s = 0; s < I440BX_PAM_SEGMENTS; s++)
        assert_int_equal(i440bx_pam_access(&hb, s), I440BX_PAM_ROM);
}

/* Every segment in every mode, through the register and field that hold it. */
static void test_pam_decode_table(void **state)
{
    static const struct {
        unsigned reg, shift;
    } field[I440BX_PAM_SEGMENTS] = {
        {0x5A, 0}, {0x5A, 4}, {0x5B, 0}, {0x5B, 4}, {0x5C, 0}, {0x5C, 4}, {0x5D, 0},
        {0x5D, 4}, {0x5E, 0}, {0x5E, 4}, {0x5F, 0}, {0x5F, 4}, {0x59, 4},
    };

    (void)state;
    for (unsigned s = 0; s < I440BX_PAM_SEGMENTS; s++) {
        for (unsigned a = 0; a < 4; a++) {
            uint8_t old = (uint8_t)HB_READ(field[s].reg, 1);
            uint8_t v = (uint8_t)((old & ~(3u << field[s].shift)) | a << field[s].shift);
            enum i440bx_pam_access before = i440bx_pam_access(&hb, s);

            n_events = 0;
            HB_WRITE(field[s].reg, 1, v);
            assert_int_equal(HB_READ(field[s].reg, 1), v);
            assert_int_equal(i440bx_pam_access(&hb, s), a);
            if (before == a) {
                assert_int_equal(n_events, 0);
            } else {
                const struct event *e = expect(0, EV_PAM, s, (int)a);

                assert_int_equal(n_events, 1);
                assert_int_equal(e->base, i440bx_pam_base(s));
                assert_int_equal(e->size, i440bx_pam_size(s));
            }
            /* The other segments did not move. */
            for (unsigned o = 0; o < I440BX_PAM_SEGMENTS; o++)
                if (o != s)
                    assert_int_equal(i440bx_pam_access(&hb, o), o < s ? 3 : 0);
        }
    }
    /* Reserved bits read 0: PAM0's low field and bits 7-6, 3-2. */
    for (unsigned reg = I440BX_PAM0; reg < I440BX_PAM0 + I440BX_PAMS; reg++) {
        HB_WRITE(reg, 1, 0xCC);
        assert_int_equal(HB_READ(reg, 1), 0);
        HB_WRITE(reg, 1, 0xFF);
        assert_int_equal(HB_READ(reg, 1), reg == I440BX_PAM0 ? 0x30 : 0x33);
    }
    assert_int_equal(HB_READ(0x58, 1), 0);
    assert_int_equal(HB_READ(0x60, 1), 0);
}

/* SeaBIOS's make_bios_writable() and make_bios_readonly() (src/fw/shadow.c):
 * PAM0-PAM6 read and written back as the dwords at 0x58 and 0x5C. */
static void test_pam_seabios_shadow(void **state)
{
    uint32_t lo, hi;
    uint8_t pam[8];

    (void)state;
    lo = HB_READ(0x58, 4);
    hi = HB_READ(0x5C, 4);
    assert_false((lo >> 8) & 0x10); /* no RAM behind the BIOS yet: copy it */
    memcpy(pam, &lo, 4);
    memcpy(pam + 4, &hi, 4);
    for (unsigned i = 0; i < 6; i++)
        pam[2 + i] = 0x33;
    pam[1] = 0x30;
    memcpy(&lo, pam, 4);
    memcpy(&hi, pam + 4, 4);
    HB_WRITE(0x58, 4, lo);
    /* 0xC0000-0xCFFFF and 0xF0000, in address order. */
    assert_int_equal(n_events, 5);
    for (unsigned s = 0; s < 4; s++)
        expect(s, EV_PAM, s, I440BX_PAM_RAM);
    expect(4, EV_PAM, 12, I440BX_PAM_RAM);
    HB_WRITE(0x5C, 4, hi);
    assert_int_equal(n_events, I440BX_PAM_SEGMENTS);
    for (unsigned s = 0; s < I440BX_PAM_SEGMENTS; s++)
        assert_int_equal(seen.pam[s], I440BX_PAM_RAM);
    assert_int_equal(HB_READ(0x58, 4), 0x33333000);
    assert_int_equal(HB_READ(0x5C, 4), 0x33333333);

    /* Read-only: option ROMs up to 0xCBFFF, the rest of C-E writable, F read-only. */
    n_events = 0;
    pam[2] = 0x11;
    pam[3] = 0x31;
    pam[1] = 0x10;
    memcpy(&lo, pam, 4);
    HB_WRITE(0x58, 4, lo);
    assert_int_equal(n_events, 4);
    assert_int_equal(seen.pam[0], I440BX_PAM_READ_RAM);
    assert_int_equal(seen.pam[1], I440BX_PAM_READ_RAM);
    assert_int_equal(seen.pam[2], I440BX_PAM_READ_RAM);
    assert_int_equal(seen.pam[3], I440BX_PAM_RAM);
    assert_int_equal(seen.pam[12], I440BX_PAM_READ_RAM);
    assert_int_equal(HB_READ(0x58, 4), 0x31111000);
}

static void test_smram(void **state)
{
    (void)state;
    assert_false(i440bx_smram_ram_visible(&hb));
    /* C_BASE_SEG is read-only. */
    HB_WRITE(I440BX_SMRAM, 1, 0x07);
    assert_int_equal(HB_READ(I440BX_SMRAM, 1), 0x02);
    /* D_OPEN alone opens nothing: there is no SMRAM without G_SMRAME. */
    HB_WRITE(I440BX_SMRAM, 1, 0x42);
    assert_int_equal(HB_READ(I440BX_SMRAM, 1), 0x42);
    assert_false(i440bx_smram_ram_visible(&hb));
    assert_int_equal(n_events, 0);
    /* SeaBIOS's piix4_apmc_smm_setup(): open (0x4A), then close (0x0A). */
    HB_WRITE(I440BX_SMRAM, 1, 0x02 | 0x48);
    assert_true(i440bx_smram_ram_visible(&hb));
    expect(0, EV_SMRAM, 0, 1);
    HB_WRITE(I440BX_SMRAM, 1, 0x02 | 0x08);
    assert_false(i440bx_smram_ram_visible(&hb));
    expect(1, EV_SMRAM, 0, 0);
    /* D_CLS changes nothing visible. */
    HB_WRITE(I440BX_SMRAM, 1, 0x6A);
    assert_int_equal(HB_READ(I440BX_SMRAM, 1), 0x6A);
    assert_int_equal(n_events, 3);
    /* D_LCK: D_OPEN clears and only D_CLS stays writable. */
    HB_WRITE(I440BX_SMRAM, 1, 0x7A);
    assert_int_equal(HB_READ(I440BX_SMRAM, 1), 0x3A);
    expect(3, EV_SMRAM, 0, 0);
    HB_WRITE(I440BX_SMRAM, 1, 0x42);
    assert_int_equal(HB_READ(I440BX_SMRAM, 1), 0x1A);
    HB_WRITE(I440BX_SMRAM, 1, 0xFF);
    assert_int_equal(HB_READ(I440BX_SMRAM, 1), 0x3A);
    assert_false(i440bx_smram_ram_visible(&hb));
    assert_int_equal(n_events, 4);
    /* Reset unlocks. */
    i440bx_reset(&hb);
    assert_int_equal(HB_READ(I440BX_SMRAM, 1), 0x02);
    HB_WRITE(I440BX_SMRAM, 1, 0x4A);
    assert_true(i440bx_smram_ram_visible(&hb));
}

static void test_i440bx_reset(void **state)
{
    (void)state;
    HB_WRITE(0x58, 4, 0x33333000);
    HB_WRITE(0x5C, 4, 0x33333333);
    HB_WRITE(I440BX_SMRAM, 1, 0x4A);
    HB_WRITE(PCI_CFG_COMMAND, 2, PCI_CMD_SERR);
    n_events = 0;
    i440bx_reset(&hb);
    assert_int_equal(n_events, I440BX_PAM_SEGMENTS + 1);
    for (unsigned s = 0; s < I440BX_PAM_SEGMENTS; s++)
        expect(s, EV_PAM, s, I440BX_PAM_ROM);
    expect(I440BX_PAM_SEGMENTS, EV_SMRAM, 0, 0);
    assert_int_equal(HB_READ(0x58, 4), 0);
    assert_int_equal(HB_READ(0x5C, 4), 0);
    assert_int_equal(HB_READ(PCI_CFG_COMMAND, 2), PCI_CMD_MEMORY | PCI_CMD_MASTER);
    n_events = 0;
    i440bx_reset(&hb);
    assert_int_equal(n_events, 0);
}

/* ---- PIIX4 function 0: PIRQ routing -------------------------------------------------------------
 */

static void test_pirq_routing(void **state)
{
    (void)state;
    assert_int_equal(ISA_READ(PIIX4_PIRQRC, 4), 0x80808080);
    for (unsigned i = 0; i < PIIX4_PIRQS; i++)
        assert_int_equal(piix4_pirq_irq(&piix, i), PIIX4_NO_IRQ);
    assert_int_equal(piix4_pirq_irq(&piix, 4), PIIX4_NO_IRQ);
    /* SeaBIOS's piix_isa_bridge_setup(): A, B to 10, C, D to 11, byte by byte. */
    for (unsigned i = 0; i < PIIX4_PIRQS; i++)
        ISA_WRITE(PIIX4_PIRQRC + i, 1, i < 2 ? 10 : 11);
    assert_int_equal(n_events, 4);
    expect(0, EV_ROUTE, 0, 10);
    expect(1, EV_ROUTE, 1, 10);
    expect(2, EV_ROUTE, 2, 11);
    expect(3, EV_ROUTE, 3, 11);
    assert_int_equal(ISA_READ(PIIX4_PIRQRC, 4), 0x0B0B0A0A);
    /* Every IRQ value, enabled: only 3-7, 9-12, 14, 15 route. */
    for (unsigned irq = 0; irq < 16; irq++) {
        bool valid = irq >= 3 && irq != 8 && irq != 13;

        ISA_WRITE(PIIX4_PIRQRC + 2, 1, irq);
        assert_int_equal(ISA_READ(PIIX4_PIRQRC + 2, 1), irq);
        assert_int_equal(piix4_pirq_irq(&piix, 2), valid ? (int)irq : PIIX4_NO_IRQ);
        assert_int_equal(seen.route[2], piix4_pirq_irq(&piix, 2));
    }
    /* Bit 7 disables whatever bits 3-0 say; bits 6-4 are reserved. */
    n_events = 0;
    ISA_WRITE(PIIX4_PIRQRC + 3, 1, 0xFB);
    assert_int_equal(ISA_READ(PIIX4_PIRQRC + 3, 1), 0x8B);
    assert_int_equal(piix4_pirq_irq(&piix, 3), PIIX4_NO_IRQ);
    expect(0, EV_ROUTE, 3, PIIX4_NO_IRQ);
    ISA_WRITE(PIIX4_PIRQRC + 3, 1, 0x7B);
    assert_int_equal(ISA_READ(PIIX4_PIRQRC + 3, 1), 0x0B);
    expect(1, EV_ROUTE, 3, 11);
    /* One dword write moves all four. */
    n_events = 0;
    ISA_WRITE(PIIX4_PIRQRC, 4, 0x0F0E0C09);
    assert_int_equal(n_events, 4);
    assert_int_equal(seen.route[0], 9);
    assert_int_equal(seen.route[1], 12);
    assert_int_equal(seen.route[2], 14);
    assert_int_equal(seen.route[3], 15);
    /* The same values again: nothing. */
    n_events = 0;
    ISA_WRITE(PIIX4_PIRQRC, 4, 0x0F0E0C09);
    assert_int_equal(n_events, 0);
}

static void test_pirq_levels(void **state)
{
    (void)state;
    ISA_WRITE(PIIX4_PIRQRC, 4, 0x80000A0A); /* A, B: 10; C: IRQ 0 (reserved); D off */
    n_events = 0;
    /* Unrouted lines drive nothing. */
    piix4_set_pirq(&piix, 2, true);
    piix4_set_pirq(&piix, 3, true);
    assert_int_equal(n_events, 0);
    /* Shared IRQ 10: the OR of A and B. */
    piix4_set_pirq(&piix, 0, true);
    expect(0, EV_IRQ, 10, 1);
    piix4_set_pirq(&piix, 1, true);
    piix4_set_pirq(&piix, 0, false);
    piix4_set_pirq(&piix, 0, false);
    assert_int_equal(n_events, 1);
    piix4_set_pirq(&piix, 1, false);
    expect(1, EV_IRQ, 10, 0);
    /* Routing a high line raises its IRQ. */
    n_events = 0;
    ISA_WRITE(PIIX4_PIRQRC + 2, 1, 11);
    expect(0, EV_ROUTE, 2, 11);
    expect(1, EV_IRQ, 11, 1);
    /* Moving it: the old IRQ falls before the new one rises. */
    n_events = 0;
    ISA_WRITE(PIIX4_PIRQRC + 2, 1, 5);
    assert_int_equal(n_events, 3);
    expect(0, EV_ROUTE, 2, 5);
    expect(1, EV_IRQ, 11, 0);
    expect(2, EV_IRQ, 5, 1);
    /* Onto an IRQ another high PIRQ already drives: no new edge. */
    n_events = 0;
    ISA_WRITE(PIIX4_PIRQRC + 3, 1, 5);
    assert_int_equal(n_events, 1);
    expect(0, EV_ROUTE, 3, 5);
    ISA_WRITE(PIIX4_PIRQRC + 2, 1, 0x85);
    assert_int_equal(n_events, 2);
    ISA_WRITE(PIIX4_PIRQRC + 3, 1, 13); /* reserved: routes nowhere */
    expect(2, EV_ROUTE, 3, PIIX4_NO_IRQ);
    expect(3, EV_IRQ, 5, 0);
    assert_int_equal(seen.irq_levels, 0);
    /* Out-of-range PIRQs are ignored. */
    piix4_set_pirq(&piix, 4, true);
    piix4_set_pirq(&piix, 0xFFFFFFFF, true);
    assert_int_equal(n_events, 4);
    assert_int_equal(piix.pirq_levels, 0x0C);
}

/* ---- PIIX4 function 1: IDE
 * ---------------------------------------------------------------------------- */

static void test_ide_decode(void **state)
{
    (void)state;
    assert_false(piix4_ide_decoded(&piix, 0));
    assert_false(piix4_ide_decoded(&piix, 2));
    /* SeaBIOS's piix_ide_setup(): IDETIM decode bits, with I/O still off. */
    IDE_WRITE(PIIX4_IDETIM, 2, 0x8000);
    IDE_WRITE(PIIX4_IDETIM + 2, 2, 0x8000);
    assert_int_equal(n_events, 0);
    /* pci_bios_init_device() then sets I/O, memory and SERR#. */
    IDE_WRITE(PCI_CFG_COMMAND, 2, PCI_CMD_IO | PCI_CMD_MEMORY | PCI_CMD_SERR);
    assert_int_equal(IDE_READ(PCI_CFG_COMMAND, 2), PCI_CMD_IO);
    assert_int_equal(n_events, 2);
    expect(0, EV_IDE, 0, 1);
    expect(1, EV_IDE, 1, 1);
    assert_true(piix4_ide_decoded(&piix, 0));
    assert_true(piix4_ide_decoded(&piix, 1));
    /* Each channel's own bit; bits 11-10 reserved. */
    n_events = 0;
    IDE_WRITE(PIIX4_IDETIM + 2, 2, 0x7FFF);
    assert_int_equal(IDE_READ(PIIX4_IDETIM, 4), 0x73FF8000);
    expect(0, EV_IDE, 1, 0);
    IDE_WRITE(PIIX4_IDETIM + 3, 1, 0x80); /* the high byte alone */
    expect(1, EV_IDE, 1, 1);
    /* I/O decode off: both go. */
    n_events = 0;
    IDE_WRITE(PCI_CFG_COMMAND, 2, 0);
    assert_int_equal(n_events, 2);
    expect(0, EV_IDE, 0, 0);
    expect(1, EV_IDE, 1, 0);
    /* Timing registers keep what is written, within their bits. */
    IDE_WRITE(PIIX4_SIDETIM, 1, 0xFF);
    IDE_WRITE(PIIX4_UDMACTL, 1, 0xFF);
    IDE_WRITE(PIIX4_UDMATIM, 2, 0xFFFF);
    assert_int_equal(IDE_READ(PIIX4_SIDETIM, 4), 0xFF);
    assert_int_equal(IDE_READ(PIIX4_UDMACTL, 4), 0x3333000F);
    IDE_WRITE(PCI_CFG_LATENCY_TIMER, 1, 0xFF);
    assert_int_equal(IDE_READ(PCI_CFG_LATENCY_TIMER, 1), 0xF0);
}

static void test_ide_bmdma_bar(void **state)
{
    uint32_t size;

    (void)state;
    /* Sizing: 16 bytes of I/O, all 32 address bits implemented. */
    IDE_WRITE(0x20, 4, 0xFFFFFFFF);
    assert_int_equal(IDE_READ(0x20, 4), 0xFFFFFFF1);
    size = ~(IDE_READ(0x20, 4) & ~3u) + 1; /* SeaBIOS's pci_bios_get_bar() */
    assert_int_equal(size, 16);
    /* BARs 0-3 do not exist in compatibility mode. */
    for (unsigned reg = 0x10; reg < 0x20; reg += 4) {
        IDE_WRITE(reg, 4, 0xFFFFFFFF);
        assert_int_equal(IDE_READ(reg, 4), 0);
    }
    IDE_WRITE(0x24, 4, 0xFFFFFFFF);
    assert_int_equal(IDE_READ(0x24, 4), 0);
    assert_int_equal(n_events, 0);
    /* Assigned, then decoded with I/O enable. */
    IDE_WRITE(0x20, 4, 0xC00F);
    assert_int_equal(IDE_READ(0x20, 4), 0xC001);
    assert_false(piix4_ide_bmdma(&piix).mapped);
    assert_int_equal(n_events, 0);
    IDE_WRITE(PCI_CFG_COMMAND, 2, PCI_CMD_IO);
    assert_int_equal(n_events, 1);
    expect(0, EV_BMDMA, 0, 1);
    assert_int_equal(events[0].base, 0xC000);
    assert_int_equal(events[0].size, 16);
    assert_true(piix4_ide_bmdma(&piix).mapped);
    /* Moving it. */
    IDE_WRITE(0x20, 2, 0xD010);
    expect(1, EV_BMDMA, 0, 1);
    assert_int_equal(events[1].base, 0xD010);
    /* Bus master enable is the DMA switch, not a decoder. */
    assert_false(piix4_ide_bus_master(&piix));
    IDE_WRITE(PCI_CFG_COMMAND, 2, PCI_CMD_IO | PCI_CMD_MASTER);
    assert_true(piix4_ide_bus_master(&piix));
    assert_int_equal(n_events, 2);
    IDE_WRITE(PCI_CFG_COMMAND, 2, PCI_CMD_MASTER);
    expect(2, EV_BMDMA, 0, 0);
    assert_int_equal(events[2].base, 0xD010);
    assert_true(piix4_ide_bus_master(&piix));
}

/* ---- PIIX4 function 3: PM and SMBus
 * ---------------------------------------------------------------------- */

static void test_pm_and_smbus_io(void **state)
{
    struct piix4_io_window w;

    (void)state;
    /* SeaBIOS's piix4_pm_config_setup() with pm_base 0x600, in its order. */
    PM_WRITE(PCI_CFG_INTERRUPT_LINE, 1, 9);
    PM_WRITE(PIIX4_PMBA, 4, 0x600 | 1);
    assert_int_equal(PM_READ(PIIX4_PMBA, 4), 0x601);
    assert_int_equal(n_events, 0); /* not enabled yet */
    PM_WRITE(PIIX4_PMREGMISC, 1, 0x01);
    assert_int_equal(n_events, 1);
    expect(0, EV_PM, 0, 1);
    assert_int_equal(events[0].base, 0x600);
    PM_WRITE(PIIX4_SMBBA, 4, 0x700 | 1);
    PM_WRITE(PIIX4_SMBHSTCFG, 1, 0x09);
    assert_int_equal(n_events, 1); /* SMBus waits for PCICMD's I/O enable */
    PM_WRITE(PCI_CFG_COMMAND, 2, PCI_CMD_IO | PCI_CMD_MEMORY | PCI_CMD_SERR);
    assert_int_equal(PM_READ(PCI_CFG_COMMAND, 2), PCI_CMD_IO);
    expect(1, EV_SMBUS, 0, 1);
    assert_int_equal(events[1].base, 0x700);
    w = piix4_smbus_io(&piix);
    assert_true(w.enabled);
    assert_int_equal(w.base, 0x700);
    assert_int_equal(PM_READ(PCI_CFG_INTERRUPT_LINE, 1), 9);
    /* The PM block moves while enabled (SeaBIOS's old 0xB000). */
    n_events = 0;
    PM_WRITE(PIIX4_PMBA + 1, 1, 0xB0);
    expect(0, EV_PM, 0, 1);
    assert_int_equal(events[0].base, 0xB000);
    /* Base bits: PMBA 15-6 (64 bytes), SMBBA 15-4 (16 bytes), bit 0 reads 1. */
    n_events = 0;
    PM_WRITE(PIIX4_PMBA, 4, 0xFFFFFFFE);
    assert_int_equal(PM_READ(PIIX4_PMBA, 4), 0x0000FFC1);
    PM_WRITE(PIIX4_SMBBA, 4, 0);
    assert_int_equal(PM_READ(PIIX4_SMBBA, 4), 1);
    PM_WRITE(PIIX4_SMBBA, 4, 0xFFFFFFFF);
    assert_int_equal(PM_READ(PIIX4_SMBBA, 4), 0x0000FFF1);
    expect(0, EV_PM, 0, 1);
    assert_int_equal(events[0].base, 0xFFC0);
    expect(1, EV_SMBUS, 0, 1);
    assert_int_equal(events[1].base, 0);
    expect(2, EV_SMBUS, 0, 1);
    assert_int_equal(events[2].base, 0xFFF0);
    /* PMREGMISC has one bit; SMBHSTCFG four. */
    PM_WRITE(PIIX4_PMREGMISC, 1, 0xFE);
    assert_int_equal(PM_READ(PIIX4_PMREGMISC, 1), 0);
    expect(3, EV_PM, 0, 0);
    PM_WRITE(PIIX4_SMBHSTCFG, 1, 0xF0);
    assert_int_equal(PM_READ(PIIX4_SMBHSTCFG, 1), 0);
    expect(4, EV_SMBUS, 0, 0);
    /* Moving a disabled block is no news. */
    n_events = 0;
    PM_WRITE(PIIX4_PMBA, 4, 0x1001);
    assert_int_equal(n_events, 0);
    assert_int_equal(piix4_pm_io(&piix).base, 0x1000);
    PM_WRITE(PIIX4_PMREGMISC, 1, 1);
    expect(0, EV_PM, 0, 1);
    assert_int_equal(events[0].base, 0x1000);
    /* The device registers keep what is written; DEVACTB's APMC_EN too. */
    PM_WRITE(0x44, 4, 0xDEADBEEF);
    assert_int_equal(PM_READ(0x44, 4), 0xDEADBEEF);
    PM_WRITE(PIIX4_DEVACTB, 4, 0);
    assert_int_equal(PM_READ(PIIX4_DEVACTB, 4), 0);
    PM_WRITE(PIIX4_SMBHSTCFG + 1, 1, 0x5A);
    assert_int_equal(PM_READ(0xD0, 4), 0x5A000000);
    assert_int_equal(PM_READ(0xD6, 1), 0); /* SMBREV */
}

/* ---- resets
 * -------------------------------------------------------------------------------------------------
 */

static void test_piix4_reset(void **state)
{
    (void)state;
    ISA_WRITE(PIIX4_PIRQRC, 4, 0x0B0B0A0A);
    piix4_set_pirq(&piix, 0, true);
    piix4_set_pirq(&piix, 2, true);
    IDE_WRITE(PIIX4_IDETIM, 4, 0x80008000);
    IDE_WRITE(0x20, 4, 0xC000);
    IDE_WRITE(PCI_CFG_COMMAND, 2, PCI_CMD_IO | PCI_CMD_MASTER);
    PM_WRITE(PIIX4_PMBA, 4, 0x601);
    PM_WRITE(PIIX4_PMREGMISC, 1, 1);
    PM_WRITE(PIIX4_SMBBA, 4, 0x701);
    PM_WRITE(PIIX4_SMBHSTCFG, 1, 1);
    PM_WRITE(PCI_CFG_COMMAND, 2, PCI_CMD_IO);
    PM_WRITE(PIIX4_DEVACTB, 4, 0);
    assert_int_equal(seen.irq_levels, 1u << 10 | 1u << 11);
    assert_true(seen.bmdma.mapped);

    n_events = 0;
    piix4_reset(&piix);
    /* The BAR is reported by the bus as the IDE function resets, then the rest. */
    expect(0, EV_BMDMA, 0, 0);
    for (unsigned i = 0; i < PIIX4_PIRQS; i++)
        expect(1 + i, EV_ROUTE, i, PIIX4_NO_IRQ);
    expect(5, EV_IRQ, 10, 0);
    expect(6, EV_IRQ, 11, 0);
    expect(7, EV_IDE, 0, 0);
    expect(8, EV_IDE, 1, 0);
    expect(9, EV_PM, 0, 0);
    expect(10, EV_SMBUS, 0, 0);
    assert_int_equal(n_events, 11);
    assert_false(piix4_ide_bus_master(&piix));
    assert_int_equal(ISA_READ(PIIX4_PIRQRC, 4), 0x80808080);
    assert_int_equal(IDE_READ(0x20, 4), 1);
    assert_int_equal(PM_READ(PIIX4_PMBA, 4), 1);
    assert_true(PM_READ(PIIX4_DEVACTB, 4) & PIIX4_DEVACTB_APMC_EN);
    /* The devices still drive their lines: routing them again raises the IRQ. */
    n_events = 0;
    ISA_WRITE(PIIX4_PIRQRC, 1, 10);
    expect(1, EV_IRQ, 10, 1);
    n_events = 0;
    pci_bus_reset(&bus);
    piix4_reset(&piix);
    i440bx_reset(&hb);
    expect(1, EV_IRQ, 10, 0);
    assert_int_equal(n_events, 2);
}

/* ---- random traffic
 * -------------------------------------------------------------------------------------------- */

static uint64_t rng_state = 0x243F6A8885A308D3ull;

/* xorshift64*: the same sequence on every run. */
static uint64_t rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1Dull;
}

static void check_chipset(void)
{
    const struct pci_function *isa = &piix.isa, *ide = &piix.ide, *pm = &piix.pm;
    uint16_t levels = 0;

    /* Read-only fields. */
    assert_int_equal(pci_function_read(&hb.fn, 0, 4), 0x12378086);
    assert_int_equal(pci_function_read(&hb.fn, 0x08, 4), 0x06000002);
    assert_int_equal(pci_function_read(&hb.fn, 0x0E, 1), 0);
    assert_int_equal(pci_function_read(&hb.fn, 0x2C, 4), 0x11001AF4);
    assert_int_equal(pci_function_read(&hb.fn, 0x04, 2) & 0x06, 0x06);
    assert_int_equal(pci_function_read(&hb.fn, I440BX_PAM0, 1) & 0xCF, 0);
    for (unsigned i = 1; i < I440BX_PAMS; i++)
        assert_int_equal(pci_function_read(&hb.fn, I440BX_PAM0 + i, 1) & 0xCC, 0);
    assert_int_equal(pci_function_read(&hb.fn, I440BX_SMRAM, 1) & 0x87, 0x02);
    assert_int_equal(pci_function_read(isa, 0, 4), 0x71108086);
    assert_int_equal(pci_function_read(isa, 0x08, 4), 0x06010003);
    assert_int_equal(pci_function_read(isa, 0x0E, 1), 0x80);
    assert_int_equal(pci_function_read(isa, 0x04, 2) & ~0x8u, 0x07);
    for (unsigned i = 0; i < PIIX4_PIRQS; i++)
        assert_int_equal(pci_function_read(isa, PIIX4_PIRQRC + i, 1) & 0x70, 0);
    assert_int_equal(pci_function_read(ide, 0, 4), 0x71118086);
    assert_int_equal(pci_function_read(ide, 0x08, 4), 0x01018003);
    assert_int_equal(pci_function_read(ide, 0x0E, 1), 0);
    assert_int_equal(pci_function_read(ide, 0x3D, 1), 0);
    for (unsigned reg = 0x10; reg < 0x20; reg += 4)
        assert_int_equal(pci_function_read(ide, reg, 4), 0);
    assert_int_equal(pci_function_read(ide, 0x20, 4) & 0xF, 1);
    assert_int_equal(pci_function_read(ide, PIIX4_IDETIM, 4) & 0x0C000C00, 0);
    assert_int_equal(pci_function_read(pm, 0, 4), 0x71138086);
    assert_int_equal(pci_function_read(pm, 0x08, 4), 0x06800003);
    assert_int_equal(pci_function_read(pm, 0x0E, 1), 0);
    assert_int_equal(pci_function_read(pm, 0x3D, 1), 1);
    assert_int_equal(pci_function_read(pm, PIIX4_PMBA, 4) & 0xFFFF003F, 1);
    assert_int_equal(pci_function_read(pm, PIIX4_SMBBA, 4) & 0xFFFF000F, 1);
    assert_int_equal(pci_function_read(pm, PIIX4_PMREGMISC, 1) & 0xFE, 0);
    assert_int_equal(cfg_read(PIIX, 2, 0, 4), 0xFFFFFFFF);
    assert_int_equal(cfg_read(2, 0, 0, 4), 0xFFFFFFFF);

    /* The owner's view, from the callbacks, is the registers'. */
    for (unsigned s = 0; s < I440BX_PAM_SEGMENTS; s++)
        assert_int_equal(seen.pam[s], i440bx_pam_access(&hb, s));
    assert_int_equal(seen.smram_ram, i440bx_smram_ram_visible(&hb));
    for (unsigned i = 0; i < PIIX4_PIRQS; i++) {
        int irq = piix4_pirq_irq(&piix, i);

        assert_int_equal(seen.route[i], irq);
        if (irq != PIIX4_NO_IRQ && (piix.pirq_levels & (1u << i)))
            levels |= (uint16_t)(1u << irq);
    }
    assert_int_equal(seen.irq_levels, levels);
    for (unsigned ch = 0; ch < PIIX4_IDE_CHANNELS; ch++)
        assert_int_equal(seen.ide[ch], piix4_ide_decoded(&piix, ch));
    assert_int_equal(seen.bmdma.mapped, piix4_ide_bmdma(&piix).mapped);
    if (seen.bmdma.mapped)
        assert_int_equal(seen.bmdma.base, piix4_ide_bmdma(&piix).base);
    assert_int_equal(seen.pm.enabled, piix4_pm_io(&piix).enabled);
    if (seen.pm.enabled)
        assert_int_equal(seen.pm.base, piix4_pm_io(&piix).base);
    assert_int_equal(seen.smbus.enabled, piix4_smbus_io(&piix).enabled);
    if (seen.smbus.enabled)
        assert_int_equal(seen.smbus.base, piix4_smbus_io(&piix).base);
}

static void test_random_config_traffic(void **state)
{
    /* Where the chipset's registers are, to hit them more often than chance. */
    static const uint8_t hot[] = {0x04, 0x06, 0x20, 0x3C, 0x40, 0x42, 0x58, 0x59, 0x5A,
                                  0x5C, 0x5F, 0x60, 0x62, 0x72, 0x80, 0x90, 0xD2};
    static const unsigned sizes[] = {1, 2, 4};

    (void)state;
    quiet = true;
    for (unsigned i = 0; i < 300000; i++) {
        uint64_t r = rnd();
        unsigned dev = (r >> 8) % 3, fn = dev ? (r >> 10) % 8 : (r >> 10) % 2;
        unsigned size = sizes[(r >> 13) % 3];
        unsigned reg = (r >> 16) & 1 ? hot[(r >> 17) % sizeof(hot)] : (r >> 17) & 0xFF;
        uint32_t v = (r >> 25) % 4 == 0 ? 0xFFFFFFFF : (uint32_t)(r >> 32);
        uint32_t out;

        dev = dev == 2 ? PIIX : dev;
        reg = reg & ~(size - 1) & 0xFF;
        switch (r % 16) {
        case 0:
            piix4_set_pirq(&piix, (r >> 4) % 5, (r >> 7) & 1);
            break;
        case 1:
            /* Anything at the address port, other buses included. */
            (void)pci_bus_io_write(&bus, 0xCF8, 4, (uint32_t)(r >> 32));
            (void)pci_bus_io_read(&bus, (uint16_t)(0xCFC + ((r >> 4) & 3)), 1, &out);
            (void)pci_bus_io_write(&bus, (uint16_t)(0xCFC + ((r >> 4) & 3)), 1, v);
            break;
        case 2:
            (void)cfg_read(dev, fn, reg, size);
            break;
        case 3:
            if ((r >> 40) % 64 == 0) {
                if ((r >> 46) & 1)
                    piix4_reset(&piix);
                else
                    i440bx_reset(&hb);
            }
            break;
        default:
            cfg_write(dev, fn, reg + (size == 1 ? (r >> 46) & 3 : 0) % 4, size, v);
            break;
        }
        if (i % 500 == 0)
            check_chipset();
    }
    check_chipset();
    /* The traffic reached every kind of change, many times. */
    for (unsigned k = 0; k <= EV_SMBUS; k++)
        assert_true(calls[k] > 20);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_host_bridge_identity, setup),
        cmocka_unit_test_setup(test_piix4_identity, setup),
        cmocka_unit_test_setup(test_init_conflicts, setup),
        cmocka_unit_test_setup(test_pam_segments, setup),
        cmocka_unit_test_setup(test_pam_decode_table, setup),
        cmocka_unit_test_setup(test_pam_seabios_shadow, setup),
        cmocka_unit_test_setup(test_smram, setup),
        cmocka_unit_test_setup(test_i440bx_reset, setup),
        cmocka_unit_test_setup(test_pirq_routing, setup),
        cmocka_unit_test_setup(test_pirq_levels, setup),
        cmocka_unit_test_setup(test_ide_decode, setup),
        cmocka_unit_test_setup(test_ide_bmdma_bar, setup),
        cmocka_unit_test_setup(test_pm_and_smbus_io, setup),
        cmocka_unit_test_setup(test_piix4_reset, setup),
        cmocka_unit_test_setup(test_random_config_traffic, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
