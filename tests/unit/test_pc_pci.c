// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of drivers/pc/pci_bus.c, PCI bus 0 and configuration
 * mechanism #1: CONFIG_ADDRESS (32-bit only, its read-only bits, the byte
 * and word accesses at 0xCF8-0xCFB and port 0xCF9 that are not the bus's);
 * CONFIG_DATA's byte lanes for every width and alignment; all ones from
 * absent functions, other buses and a disabled address; read-only and
 * write-1-to-clear bits; BAR sizing for I/O, 32- and 64-bit memory; the
 * command, BAR and write callbacks and the values they carry (decode
 * enables, base 0, sizing patterns); reset to the power-on state; and
 * random port traffic that must keep identities and BAR type bits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <pc/pci_bus.h>

/* A test function at 00:03.0: I/O BAR 0 (32 bytes), 32-bit memory BAR 1
 * (4 KiB), 64-bit prefetchable memory BAR 2-3 (8 GiB), and a scratch
 * dword at 0x40 with bits 0x00FF00F0 writable. */
#define DEV      3
#define FN       0
#define SCRATCH  0x40
#define SCR_MASK 0x00FF00F0u

static struct pci_bus bus;
static struct pci_function dev;
static struct pci_function other; /* 00:03.2, to show functions are separate */

/* What the callbacks saw. */
enum event_kind { EV_COMMAND, EV_BAR, EV_WRITE };

struct event {
    enum event_kind kind;
    uint16_t old_cmd, new_cmd;
    unsigned bar;
    struct pci_bar_window old_w, new_w;
    unsigned offset, size;
};

#define MAX_EVENTS 64
static struct event events[MAX_EVENTS];
static unsigned n_events;
static bool quiet;                   /* the random test: too many to keep */
static unsigned calls[EV_WRITE + 1]; /* per kind, kept or not */

static void record(const struct event *e)
{
    calls[e->kind]++;
    if (quiet)
        return;
    assert_true(n_events < MAX_EVENTS);
    events[n_events++] = *e;
}

static void on_command(struct pci_function *fn, uint16_t old, uint16_t now)
{
    assert_ptr_equal(fn->opaque, &bus);
    record(&(struct event){.kind = EV_COMMAND, .old_cmd = old, .new_cmd = now});
}

static void on_bar(struct pci_function *fn, unsigned bar, const struct pci_bar_window *old,
                   const struct pci_bar_window *now)
{
    assert_ptr_equal(fn->opaque, &bus);
    record(&(struct event){.kind = EV_BAR, .bar = bar, .old_w = *old, .new_w = *now});
}

static void on_write(struct pci_function *fn, unsigned offset, unsigned size)
{
    assert_ptr_equal(fn->opaque, &bus);
    record(&(struct event){.kind = EV_WRITE, .offset = offset, .size = size});
}

static const struct pci_function_ops ops = {
    .command_changed = on_command,
    .bar_changed = on_bar,
    .config_written = on_write,
};

static const struct pci_id test_id = {
    .vendor = 0x1234,
    .device = 0x5678,
    .revision = 0x9A,
    .class_code = 0x0C0320,
    .header_type = 0x00,
};

static int setup(void **state)
{
    static const struct pci_id other_id = {
        .vendor = 0x8086, .device = 0xABCD, .class_code = 0x088000};

    (void)state;
    pci_bus_init(&bus);
    pci_function_init(&dev, &test_id, &ops, &bus);
    pci_function_set_wmask(&dev, PCI_CFG_COMMAND, 2, PCI_CMD_IO | PCI_CMD_MEMORY | PCI_CMD_MASTER);
    pci_function_set_reg(&dev, PCI_CFG_STATUS, 2, PCI_STS_DEVSEL_MEDIUM);
    pci_function_set_reg(&dev, SCRATCH, 4, 0x11223344);
    pci_function_set_wmask(&dev, SCRATCH, 4, SCR_MASK);
    pci_function_set_reg(&dev, PCI_CFG_INTERRUPT_PIN, 1, 1);
    assert_int_equal(pci_function_set_bar(&dev, 0, PCI_BAR_IO, 32, false), 0);
    assert_int_equal(pci_function_set_bar(&dev, 1, PCI_BAR_MEM32, 4096, false), 0);
    assert_int_equal(pci_function_set_bar(&dev, 2, PCI_BAR_MEM64, 1ull << 33, true), 0);
    pci_function_commit(&dev);
    assert_int_equal(pci_bus_attach(&bus, DEV, FN, &dev), 0);

    pci_function_init(&other, &other_id, NULL, NULL);
    pci_function_set_wmask(&other, SCRATCH, 4, 0xFFFFFFFF);
    pci_function_commit(&other);
    assert_int_equal(pci_bus_attach(&bus, DEV, 2, &other), 0);
    n_events = 0;
    quiet = false;
    memset(calls, 0, sizeof(calls));
    return 0;
}

/* ---- port helpers --------------------------------------------------------------- */

static void outl(uint16_t port, uint32_t v)
{
    assert_true(pci_bus_io_write(&bus, port, 4, v));
}

static uint32_t inl(uint16_t port)
{
    uint32_t v = 0xDEADBEEF;

    assert_true(pci_bus_io_read(&bus, port, 4, &v));
    return v;
}

static uint32_t in_sized(uint16_t port, unsigned size)
{
    uint32_t v = 0xDEADBEEF;

    assert_true(pci_bus_io_read(&bus, port, size, &v));
    return v;
}

static void out_sized(uint16_t port, unsigned size, uint32_t v)
{
    assert_true(pci_bus_io_write(&bus, port, size, v));
}

/* Configuration read/write of bus 0 the way firmware does it. */
static uint32_t cfg_read(unsigned d, unsigned f, unsigned reg, unsigned size)
{
    outl(0xCF8, PCI_CONFIG_ADDRESS(d, f, reg));
    return in_sized((uint16_t)(0xCFC + (reg & 3)), size);
}

static void cfg_write(unsigned d, unsigned f, unsigned reg, unsigned size, uint32_t v)
{
    outl(0xCF8, PCI_CONFIG_ADDRESS(d, f, reg));
    out_sized((uint16_t)(0xCFC + (reg & 3)), size, v);
}

static unsigned count(enum event_kind kind)
{
    unsigned n = 0;

    for (unsigned i = 0; i < n_events; i++)
        n += events[i].kind == kind;
    return n;
}

static const struct event *last_bar_event(unsigned bar)
{
    for (unsigned i = n_events; i-- > 0;)
        if (events[i].kind == EV_BAR && events[i].bar == bar)
            return &events[i];
    fail_msg("no event for BAR %u", bar);
    return NULL;
}

/* ---- CONFIG_ADDRESS ------------------------------------------------------------------ */

static void test_config_address(void **state)
{
    (void)state;
    assert_int_equal(inl(0xCF8), 0);
    /* Linux's pci_check_type1(): 0x80000000 reads back. */
    outl(0xCF8, 0x80000000);
    assert_int_equal(inl(0xCF8), 0x80000000);
    /* Reserved bits 30-24 and bits 1-0 read 0. */
    outl(0xCF8, 0xFFFFFFFF);
    assert_int_equal(inl(0xCF8), PCI_CONFIG_ADDRESS_MASK);
    outl(0xCF8, 0x7F000003);
    assert_int_equal(inl(0xCF8), 0);
    outl(0xCF8, PCI_CONFIG_ADDRESS(31, 7, 0xFC));
    assert_int_equal(inl(0xCF8), 0x8000FFFC);
    pci_bus_reset(&bus);
    assert_int_equal(inl(0xCF8), 0);
}

static void test_narrow_address_accesses_not_handled(void **state)
{
    uint32_t v = 0x12345678;

    (void)state;
    outl(0xCF8, 0x80001800);
    /* Bytes and words at 0xCF8-0xCFB are plain I/O cycles, not ours:
     * 0xCF9 is the PIIX4's reset control register. */
    for (uint16_t port = 0xCF8; port < 0xCFC; port++) {
        assert_false(pci_bus_io_write(&bus, port, 1, 0x06));
        assert_false(pci_bus_io_read(&bus, port, 1, &v));
        if (port < 0xCFB) {
            assert_false(pci_bus_io_write(&bus, port, 2, 0x0606));
            assert_false(pci_bus_io_read(&bus, port, 2, &v));
        }
        if (port != 0xCF8) {
            assert_false(pci_bus_io_write(&bus, port, 4, 0xFFFFFFFF));
            assert_false(pci_bus_io_read(&bus, port, 4, &v));
        }
    }
    assert_int_equal(v, 0x12345678); /* untouched */
    assert_int_equal(inl(0xCF8), 0x80001800);
    /* Odd sizes and neighbours. */
    assert_false(pci_bus_io_write(&bus, 0xCF8, 3, 0));
    assert_false(pci_bus_io_write(&bus, 0xCF8, 8, 0));
    assert_false(pci_bus_io_read(&bus, 0xCF7, 1, &v));
    assert_false(pci_bus_io_read(&bus, 0xD00, 1, &v));
    assert_false(pci_bus_io_read(&bus, 0xCFC, 3, &v));
    assert_false(pci_bus_io_read(&bus, 0xCFC, 8, &v));
    assert_int_equal(inl(0xCF8), 0x80001800);
    assert_int_equal(n_events, 0);
}

/* ---- CONFIG_DATA ------------------------------------------------------------------------ */

static void test_data_byte_lanes(void **state)
{
    uint32_t v;

    (void)state;
    outl(0xCF8, PCI_CONFIG_ADDRESS(DEV, FN, 0));
    assert_int_equal(inl(0xCFC), 0x56781234);
    assert_int_equal(in_sized(0xCFC, 1), 0x34);
    assert_int_equal(in_sized(0xCFD, 1), 0x12);
    assert_int_equal(in_sized(0xCFE, 1), 0x78);
    assert_int_equal(in_sized(0xCFF, 1), 0x56);
    assert_int_equal(in_sized(0xCFC, 2), 0x1234);
    assert_int_equal(in_sized(0xCFE, 2), 0x5678);
    assert_int_equal(in_sized(0xCFD, 2), 0x7812); /* bytes 1-2 */
    /* Past 0xCFF is not ours: the owner splits it. */
    assert_false(pci_bus_io_read(&bus, 0xCFF, 2, &v));
    assert_false(pci_bus_io_read(&bus, 0xCFD, 4, &v));
    assert_false(pci_bus_io_read(&bus, 0xCFE, 4, &v));

    /* Class code dword: revision, prog-if, subclass, base class. */
    assert_int_equal(cfg_read(DEV, FN, 0x08, 4), 0x0C03209A);
    assert_int_equal(cfg_read(DEV, FN, 0x0B, 1), 0x0C);
    assert_int_equal(cfg_read(DEV, FN, 0x0A, 2), 0x0C03);

    /* Writes land in their lanes: the scratch dword, bits 0x00FF00F0 writable. */
    outl(0xCF8, PCI_CONFIG_ADDRESS(DEV, FN, SCRATCH));
    out_sized(0xCFE, 1, 0xAB);
    assert_int_equal(inl(0xCFC), 0x11AB3344);
    out_sized(0xCFC, 1, 0x0F);
    assert_int_equal(inl(0xCFC), 0x11AB3304);
    out_sized(0xCFD, 2, 0xFFFF); /* bytes 1-2: byte 1 read-only */
    assert_int_equal(inl(0xCFC), 0x11FF3304);
    out_sized(0xCFC, 4, 0);
    assert_int_equal(inl(0xCFC), 0x11003304);
    /* The hook heard each write with its offset and size. */
    assert_int_equal(count(EV_WRITE), 4);
    assert_int_equal(events[0].offset, SCRATCH + 2);
    assert_int_equal(events[0].size, 1);
    assert_int_equal(events[2].offset, SCRATCH + 1);
    assert_int_equal(events[2].size, 2);
    assert_int_equal(events[3].offset, SCRATCH);
    assert_int_equal(events[3].size, 4);
    /* The register bits of CONFIG_ADDRESS 1-0 do not shift the lanes. */
    outl(0xCF8, PCI_CONFIG_ADDRESS(DEV, FN, SCRATCH) | 3);
    assert_int_equal(in_sized(0xCFC, 1), 0x04);
}

static void test_absent_functions_read_all_ones(void **state)
{
    (void)state;
    /* Nobody at 00:04.0, nor at 00:03.1 (function 0 exists). */
    assert_int_equal(cfg_read(4, 0, 0, 4), 0xFFFFFFFF);
    assert_int_equal(cfg_read(4, 0, 0, 2), 0xFFFF);
    assert_int_equal(cfg_read(4, 0, 0x0E, 1), 0xFF);
    assert_int_equal(cfg_read(DEV, 1, 0, 4), 0xFFFFFFFF);
    assert_int_equal(cfg_read(DEV, 2, 0, 4), 0xABCD8086);
    /* Other buses: nothing behind a bridge, there is none. */
    outl(0xCF8, PCI_CONFIG_ENABLE | 1u << 16 | DEV << 11);
    assert_int_equal(inl(0xCFC), 0xFFFFFFFF);
    outl(0xCF8, PCI_CONFIG_ENABLE | 0xFFu << 16 | DEV << 11 | SCRATCH);
    outl(0xCFC, 0);
    assert_int_equal(cfg_read(DEV, FN, SCRATCH, 4), 0x11223344);
    /* Writes to absent functions go nowhere. */
    cfg_write(4, 0, SCRATCH, 4, 0);
    assert_int_equal(n_events, 0);
    /* The direct interface answers the same. */
    assert_int_equal(pci_bus_config_read(&bus, 0, 4, 0, 0, 4), 0xFFFFFFFF);
    assert_int_equal(pci_bus_config_read(&bus, 1, DEV, 0, 0, 2), 0xFFFF);
    assert_int_equal(pci_bus_config_read(&bus, 0, 32, 0, 0, 1), 0xFF);
    assert_int_equal(pci_bus_config_read(&bus, 0, DEV, 8, 0, 1), 0xFF);
    assert_int_equal(pci_bus_config_read(&bus, 0, DEV, 0, 0, 4), 0x56781234);
    assert_null(pci_bus_function(&bus, 4, 0));
    assert_ptr_equal(pci_bus_function(&bus, DEV, FN), &dev);
    assert_null(pci_bus_function(&bus, 99, 0));
}

static void test_disabled_address(void **state)
{
    (void)state;
    outl(0xCF8, (uint32_t)DEV << 11 | SCRATCH); /* bit 31 clear */
    assert_int_equal(inl(0xCFC), 0xFFFFFFFF);
    assert_int_equal(in_sized(0xCFE, 2), 0xFFFF);
    assert_int_equal(in_sized(0xCFD, 1), 0xFF);
    outl(0xCFC, 0);
    out_sized(0xCFD, 1, 0);
    assert_int_equal(n_events, 0);
    assert_int_equal(cfg_read(DEV, FN, SCRATCH, 4), 0x11223344);
}

/* ---- masks -------------------------------------------------------------------------------- */

static void test_read_only_registers(void **state)
{
    (void)state;
    /* IDs, revision, class, header type, interrupt pin: read-only. */
    for (unsigned reg = 0; reg < 0x10; reg += 4)
        if (reg != PCI_CFG_COMMAND)
            cfg_write(DEV, FN, reg, 4, 0);
    cfg_write(DEV, FN, PCI_CFG_INTERRUPT_LINE, 4, 0);
    assert_int_equal(cfg_read(DEV, FN, 0, 4), 0x56781234);
    assert_int_equal(cfg_read(DEV, FN, 0x08, 4), 0x0C03209A);
    assert_int_equal(cfg_read(DEV, FN, PCI_CFG_HEADER_TYPE, 1), 0);
    assert_int_equal(cfg_read(DEV, FN, PCI_CFG_INTERRUPT_PIN, 1), 1);
    /* The interrupt line is software's scratch byte. */
    cfg_write(DEV, FN, PCI_CFG_INTERRUPT_LINE, 1, 11);
    assert_int_equal(cfg_read(DEV, FN, PCI_CFG_INTERRUPT_LINE, 4), 0x010B);
    /* Unimplemented registers read 0 and stay 0. */
    cfg_write(DEV, FN, 0x80, 4, 0xFFFFFFFF);
    assert_int_equal(cfg_read(DEV, FN, 0x80, 4), 0);
    cfg_write(DEV, FN, PCI_CFG_ROM_ADDRESS, 4, 0xFFFFFFFF);
    assert_int_equal(cfg_read(DEV, FN, PCI_CFG_ROM_ADDRESS, 4), 0);
    /* Only the implemented command bits. */
    cfg_write(DEV, FN, PCI_CFG_COMMAND, 2, 0xFFFF);
    assert_int_equal(cfg_read(DEV, FN, PCI_CFG_COMMAND, 2), 7);
    /* Functions keep their own registers. */
    cfg_write(DEV, 2, SCRATCH, 4, 0xCAFEF00D);
    assert_int_equal(cfg_read(DEV, 2, SCRATCH, 4), 0xCAFEF00D);
    assert_int_equal(cfg_read(DEV, FN, SCRATCH, 4), 0x11223344);
}

static void test_status_write_one_to_clear(void **state)
{
    (void)state;
    assert_int_equal(cfg_read(DEV, FN, PCI_CFG_STATUS, 2), PCI_STS_DEVSEL_MEDIUM);
    pci_function_set_status(&dev, PCI_STS_RCV_MASTER_ABORT | PCI_STS_SIG_SYSTEM_ERROR |
                                      PCI_STS_DETECTED_PARITY | PCI_STS_MASTER_PARITY);
    assert_int_equal(cfg_read(DEV, FN, PCI_CFG_STATUS, 2), 0xE300);
    /* Writing 0 leaves them. */
    cfg_write(DEV, FN, PCI_CFG_STATUS, 2, 0);
    assert_int_equal(cfg_read(DEV, FN, PCI_CFG_STATUS, 2), 0xE300);
    /* Writing 1 clears exactly those; DEVSEL timing is read-only. */
    cfg_write(DEV, FN, PCI_CFG_STATUS, 2, PCI_STS_RCV_MASTER_ABORT | PCI_STS_DEVSEL_MEDIUM);
    assert_int_equal(cfg_read(DEV, FN, PCI_CFG_STATUS, 2), 0xC300);
    /* A byte write to the upper half. */
    cfg_write(DEV, FN, PCI_CFG_STATUS + 1, 1, 0x80);
    assert_int_equal(cfg_read(DEV, FN, PCI_CFG_STATUS, 2), 0x4300);
    /* The usual read-modify-write of the command register as a dword
     * writes the status bits it read back: they clear. */
    {
        uint32_t v = cfg_read(DEV, FN, PCI_CFG_COMMAND, 4);

        cfg_write(DEV, FN, PCI_CFG_COMMAND, 4, v | PCI_CMD_MASTER);
    }
    assert_int_equal(cfg_read(DEV, FN, PCI_CFG_STATUS, 2), PCI_STS_DEVSEL_MEDIUM);
    assert_int_equal(cfg_read(DEV, FN, PCI_CFG_COMMAND, 2), PCI_CMD_MASTER);
    /* Setting status bits never reads as a write of 1 to the others. */
    pci_function_set_status(&dev, PCI_STS_SIG_TARGET_ABORT);
    cfg_write(DEV, FN, PCI_CFG_COMMAND, 2, PCI_CMD_MASTER);
    assert_int_equal(cfg_read(DEV, FN, PCI_CFG_STATUS, 2),
                     PCI_STS_DEVSEL_MEDIUM | PCI_STS_SIG_TARGET_ABORT);
}

/* ---- BARs ------------------------------------------------------------------------------------ */

static void test_bar_sizing(void **state)
{
    (void)state;
    /* Type bits at reset, base 0. */
    assert_int_equal(cfg_read(DEV, FN, 0x10, 4), PCI_BAR_SPACE_IO);
    assert_int_equal(cfg_read(DEV, FN, 0x14, 4), 0);
    assert_int_equal(cfg_read(DEV, FN, 0x18, 4), PCI_BAR_MEM_TYPE_64 | PCI_BAR_MEM_PREFETCH);
    assert_int_equal(cfg_read(DEV, FN, 0x1C, 4), 0);
    /* All ones reads back ~(size - 1) with the type bits. */
    for (unsigned reg = 0x10; reg < 0x28; reg += 4)
        cfg_write(DEV, FN, reg, 4, 0xFFFFFFFF);
    assert_int_equal(cfg_read(DEV, FN, 0x10, 4), 0xFFFFFFE1); /* 32 bytes of I/O */
    assert_int_equal(cfg_read(DEV, FN, 0x14, 4), 0xFFFFF000); /* 4 KiB */
    assert_int_equal(cfg_read(DEV, FN, 0x18, 4), 0x0000000C); /* 8 GiB: low half all size */
    assert_int_equal(cfg_read(DEV, FN, 0x1C, 4), 0xFFFFFFFE);
    assert_int_equal(cfg_read(DEV, FN, 0x20, 4), 0); /* no BAR 4, 5 */
    assert_int_equal(cfg_read(DEV, FN, 0x24, 4), 0);
    /* SeaBIOS's size formula: ~(val & mask) + 1 over 32 bits. */
    assert_int_equal((~(cfg_read(DEV, FN, 0x10, 4) & ~3u) + 1), 32);
    assert_int_equal((~(cfg_read(DEV, FN, 0x14, 4) & ~15u) + 1), 4096);
    /* Programming: the address bits below the size stay 0. */
    cfg_write(DEV, FN, 0x10, 4, 0xC07F);
    assert_int_equal(cfg_read(DEV, FN, 0x10, 4), 0xC061);
    cfg_write(DEV, FN, 0x14, 4, 0xFEBF1FFF);
    assert_int_equal(cfg_read(DEV, FN, 0x14, 4), 0xFEBF1000);
    cfg_write(DEV, FN, 0x18, 4, 0x12345678);
    cfg_write(DEV, FN, 0x1C, 4, 0x00000003);
    assert_int_equal(cfg_read(DEV, FN, 0x18, 4), 0x0000000C);
    assert_int_equal(cfg_read(DEV, FN, 0x1C, 4), 0x00000002);
    /* Byte writes to a BAR. */
    cfg_write(DEV, FN, 0x11, 1, 0xE0);
    assert_int_equal(cfg_read(DEV, FN, 0x10, 4), 0xE061);
    cfg_write(DEV, FN, 0x10, 1, 0xFF);
    assert_int_equal(cfg_read(DEV, FN, 0x10, 4), 0xE0E1);
    {
        struct pci_bar_window w = pci_function_bar_window(&dev, 2);

        assert_int_equal(w.base, 0x200000000ull);
        assert_int_equal(w.size, 1ull << 33);
        assert_false(w.mapped); /* memory decode off */
    }
    /* No callbacks with decode off: nothing was mapped. */
    assert_int_equal(count(EV_BAR), 0);
}

static void test_bar_and_command_callbacks(void **state)
{
    const struct event *e;

    (void)state;
    cfg_write(DEV, FN, 0x10, 4, 0xC000);
    cfg_write(DEV, FN, 0x14, 4, 0xFEBF0000);
    assert_int_equal(count(EV_BAR), 0);
    /* I/O decode on: BAR 0 maps, and only it. */
    n_events = 0;
    cfg_write(DEV, FN, PCI_CFG_COMMAND, 2, PCI_CMD_IO);
    assert_int_equal(n_events, 3); /* command, BAR 0, write */
    assert_int_equal(events[0].kind, EV_COMMAND);
    assert_int_equal(events[0].old_cmd, 0);
    assert_int_equal(events[0].new_cmd, PCI_CMD_IO);
    assert_int_equal(events[1].kind, EV_BAR);
    assert_int_equal(events[1].bar, 0);
    assert_false(events[1].old_w.mapped);
    assert_true(events[1].new_w.mapped);
    assert_int_equal(events[1].new_w.base, 0xC000);
    assert_int_equal(events[1].new_w.size, 32);
    assert_int_equal(events[2].kind, EV_WRITE);
    assert_int_equal(events[2].offset, PCI_CFG_COMMAND);
    assert_int_equal(events[2].size, 2);
    /* Memory decode too: BAR 1 maps; BAR 2 (base 0) does not. */
    n_events = 0;
    cfg_write(DEV, FN, PCI_CFG_COMMAND, 2, PCI_CMD_IO | PCI_CMD_MEMORY);
    assert_int_equal(count(EV_BAR), 1);
    e = last_bar_event(1);
    assert_true(e->new_w.mapped);
    assert_int_equal(e->new_w.base, 0xFEBF0000);
    assert_int_equal(e->new_w.size, 4096);
    /* Rewriting the same values reports nothing but the write. */
    n_events = 0;
    cfg_write(DEV, FN, PCI_CFG_COMMAND, 2, PCI_CMD_IO | PCI_CMD_MEMORY);
    cfg_write(DEV, FN, 0x10, 4, 0xC000);
    assert_int_equal(n_events, 2);
    assert_int_equal(count(EV_WRITE), 2);
    /* Moving BAR 0 while decoding: one report, old and new. */
    n_events = 0;
    cfg_write(DEV, FN, 0x10, 4, 0xD020);
    assert_int_equal(count(EV_BAR), 1);
    e = last_bar_event(0);
    assert_true(e->old_w.mapped);
    assert_int_equal(e->old_w.base, 0xC000);
    assert_true(e->new_w.mapped);
    assert_int_equal(e->new_w.base, 0xD020);
    /* Moving it byte by byte: each step that changes the window reports. */
    n_events = 0;
    cfg_write(DEV, FN, 0x11, 1, 0xC0);
    cfg_write(DEV, FN, 0x10, 1, 0x00);
    assert_int_equal(count(EV_BAR), 2);
    assert_int_equal(events[0].new_w.base, 0xC020);
    assert_int_equal(last_bar_event(0)->new_w.base, 0xC000);
    /* Sizing while decoding: all ones is not an address (I/O above 0xFFFF,
     * memory over 0xFFFFFFFF), so the BARs unmap and map back. */
    n_events = 0;
    cfg_write(DEV, FN, 0x10, 4, 0xFFFFFFFF);
    cfg_write(DEV, FN, 0x14, 4, 0xFFFFFFFF);
    assert_int_equal(count(EV_BAR), 2);
    assert_false(last_bar_event(0)->new_w.mapped);
    assert_false(last_bar_event(1)->new_w.mapped);
    assert_int_equal(last_bar_event(1)->new_w.base, 0xFFFFF000);
    cfg_write(DEV, FN, 0x10, 4, 0xC000);
    cfg_write(DEV, FN, 0x14, 4, 0xFEBF0000);
    assert_true(last_bar_event(0)->new_w.mapped);
    assert_true(last_bar_event(1)->new_w.mapped);
    /* An I/O range must end below 0x10000. */
    n_events = 0;
    cfg_write(DEV, FN, 0x10, 4, 0xFFE0);
    assert_true(last_bar_event(0)->new_w.mapped);
    cfg_write(DEV, FN, 0x10, 4, 0x10000);
    assert_false(last_bar_event(0)->new_w.mapped);
    /* Base 0 is unassigned. */
    cfg_write(DEV, FN, 0x10, 4, 0xC000);
    cfg_write(DEV, FN, 0x10, 4, 0);
    assert_false(last_bar_event(0)->new_w.mapped);
    assert_int_equal(last_bar_event(0)->new_w.base, 0);
    /* The 64-bit BAR: each half moves it; over 4 GiB it decodes. */
    n_events = 0;
    cfg_write(DEV, FN, 0x1C, 4, 0x4);
    assert_int_equal(count(EV_BAR), 1);
    e = last_bar_event(2);
    assert_true(e->new_w.mapped);
    assert_int_equal(e->new_w.base, 0x400000000ull);
    assert_int_equal(e->new_w.size, 1ull << 33);
    cfg_write(DEV, FN, 0x1C, 4, 0xFFFFFFFF); /* sizing the upper half */
    assert_false(last_bar_event(2)->new_w.mapped);
    cfg_write(DEV, FN, 0x1C, 4, 0x4);
    assert_true(last_bar_event(2)->new_w.mapped);
    /* Decode off unmaps what was mapped, keeping the bases. */
    n_events = 0;
    cfg_write(DEV, FN, PCI_CFG_COMMAND, 2, 0);
    assert_int_equal(count(EV_COMMAND), 1);
    assert_int_equal(count(EV_BAR), 2); /* BAR 1 and 2; BAR 0 was at 0 */
    assert_false(last_bar_event(1)->new_w.mapped);
    assert_int_equal(last_bar_event(1)->new_w.base, 0xFEBF0000);
    assert_false(last_bar_event(2)->new_w.mapped);
    /* A 32-bit memory BAR ending at 0xFFFFFFFF is a sizing pattern. */
    cfg_write(DEV, FN, 0x14, 4, 0xFFFFF000);
    cfg_write(DEV, FN, PCI_CFG_COMMAND, 2, PCI_CMD_MEMORY);
    assert_false(pci_function_bar_window(&dev, 1).mapped);
    cfg_write(DEV, FN, 0x14, 4, 0xFFFFE000);
    assert_true(pci_function_bar_window(&dev, 1).mapped);
}

static void test_set_bar_validation(void **state)
{
    struct pci_function fn;
    static const struct pci_id id = {.vendor = 1};

    (void)state;
    pci_function_init(&fn, &id, NULL, NULL);
    assert_int_equal(pci_function_set_bar(&fn, 0, PCI_BAR_IO, 2, false), -1);
    assert_int_equal(pci_function_set_bar(&fn, 0, PCI_BAR_IO, 512, false), -1);
    assert_int_equal(pci_function_set_bar(&fn, 0, PCI_BAR_IO, 24, false), -1);
    assert_int_equal(pci_function_set_bar(&fn, 0, PCI_BAR_IO, 16, true), -1);
    assert_int_equal(pci_function_set_bar(&fn, 0, PCI_BAR_MEM32, 8, false), -1);
    assert_int_equal(pci_function_set_bar(&fn, 0, PCI_BAR_MEM32, 1ull << 32, false), -1);
    assert_int_equal(pci_function_set_bar(&fn, 0, PCI_BAR_NONE, 16, false), -1);
    assert_int_equal(pci_function_set_bar(&fn, 0, PCI_BAR_MEM64_UPPER, 16, false), -1);
    assert_int_equal(pci_function_set_bar(&fn, 5, PCI_BAR_MEM64, 16, false), -1);
    assert_int_equal(pci_function_set_bar(&fn, 6, PCI_BAR_IO, 16, false), -1);
    assert_int_equal(pci_function_set_bar(&fn, 0, PCI_BAR_MEM32, 0, false), -1);
    assert_int_equal(pci_function_set_bar(&fn, 4, PCI_BAR_MEM64, 1ull << 63, false), 0);
    assert_int_equal(pci_function_set_bar(&fn, 5, PCI_BAR_IO, 16, false), -1);    /* upper half */
    assert_int_equal(pci_function_set_bar(&fn, 4, PCI_BAR_IO, 16, false), -1);    /* taken */
    assert_int_equal(pci_function_set_bar(&fn, 3, PCI_BAR_MEM64, 16, false), -1); /* 4 taken */
    assert_int_equal(pci_function_set_bar(&fn, 0, PCI_BAR_MEM32, 1ull << 31, false), 0);
    assert_int_equal(pci_function_set_bar(&fn, 1, PCI_BAR_IO, 256, false), 0);
    /* Nothing was written where a BAR was refused. */
    assert_int_equal(pci_function_read(&fn, 0x1C, 4), 0);
    pci_function_write(&fn, 0x20, 4, 0xFFFFFFFF);
    pci_function_write(&fn, 0x24, 4, 0xFFFFFFFF);
    assert_int_equal(pci_function_read(&fn, 0x20, 4), 0x4);
    assert_int_equal(pci_function_read(&fn, 0x24, 4), 0x80000000);
    pci_function_write(&fn, 0x10, 4, 0xFFFFFFFF);
    assert_int_equal(pci_function_read(&fn, 0x10, 4), 0x80000000);
    pci_function_write(&fn, 0x14, 4, 0xFFFFFFFF);
    assert_int_equal(pci_function_read(&fn, 0x14, 4), 0xFFFFFF01);
    assert_false(pci_function_bar_window(&fn, 6).mapped);
    assert_int_equal(pci_function_bar_window(&fn, 5).size, 0);
}

static void test_attach(void **state)
{
    (void)state;
    assert_int_equal(pci_bus_attach(&bus, DEV, FN, &other), -1); /* taken */
    assert_int_equal(pci_bus_attach(&bus, 32, 0, &other), -1);
    assert_int_equal(pci_bus_attach(&bus, 0, 8, &other), -1);
    assert_int_equal(pci_bus_attach(&bus, 0, 0, NULL), -1);
    assert_int_equal(pci_bus_attach(&bus, 31, 7, &other), 0);
    assert_int_equal(cfg_read(31, 7, 0, 4), 0xABCD8086);
}

static void test_function_access_edges(void **state)
{
    (void)state;
    /* Bytes past 0xFF read 0xFF and are not written; bad sizes do nothing. */
    pci_function_set_wmask(&dev, 0xFC, 4, 0xFFFFFFFF);
    pci_function_write(&dev, 0xFE, 4, 0xAABBCCDD);
    assert_int_equal(pci_function_read(&dev, 0xFC, 4), 0xCCDD0000);
    assert_int_equal(pci_function_read(&dev, 0xFE, 4), 0xFFFFCCDD);
    assert_int_equal(pci_function_read(&dev, 0x100, 1), 0xFF);
    assert_int_equal(pci_function_read(&dev, 0, 3), 0xFFFFFFFF);
    assert_int_equal(pci_function_read(&dev, 0, 0), 0xFFFFFFFF);
    n_events = 0;
    pci_function_write(&dev, 0x100, 4, 0);
    pci_function_write(&dev, SCRATCH, 3, 0);
    pci_function_write(&dev, SCRATCH, 8, 0);
    assert_int_equal(n_events, 0);
    assert_int_equal(pci_function_read(&dev, SCRATCH, 4), 0x11223344);
    /* The direct bus interface: bad sizes. */
    assert_int_equal(pci_bus_config_read(&bus, 0, DEV, FN, 0, 3), 0xFFFFFFFF);
    pci_bus_config_write(&bus, 0, DEV, FN, SCRATCH, 4, 0);
    assert_int_equal(pci_bus_config_read(&bus, 0, DEV, FN, SCRATCH, 4), 0x11003304);
    pci_bus_config_write(&bus, 1, DEV, FN, SCRATCH, 4, 0xFFFFFFFF);
    assert_int_equal(pci_bus_config_read(&bus, 0, DEV, FN, SCRATCH, 4), 0x11003304);
}

static void test_reset(void **state)
{
    (void)state;
    cfg_write(DEV, FN, 0x10, 4, 0xC000);
    cfg_write(DEV, FN, 0x14, 4, 0xFEBF0000);
    cfg_write(DEV, FN, PCI_CFG_COMMAND, 2, PCI_CMD_IO | PCI_CMD_MEMORY);
    cfg_write(DEV, FN, SCRATCH, 4, 0);
    cfg_write(DEV, FN, PCI_CFG_INTERRUPT_LINE, 1, 5);
    pci_function_set_wmask(&dev, SCRATCH, 4, 0); /* a model locked it */
    n_events = 0;
    pci_function_reset(&dev);
    assert_int_equal(count(EV_COMMAND), 1);
    assert_int_equal(events[0].old_cmd, PCI_CMD_IO | PCI_CMD_MEMORY);
    assert_int_equal(events[0].new_cmd, 0);
    assert_int_equal(count(EV_BAR), 2);
    assert_false(last_bar_event(0)->new_w.mapped);
    assert_false(last_bar_event(1)->new_w.mapped);
    assert_int_equal(count(EV_WRITE), 0);
    assert_int_equal(cfg_read(DEV, FN, 0x10, 4), PCI_BAR_SPACE_IO);
    assert_int_equal(cfg_read(DEV, FN, SCRATCH, 4), 0x11223344);
    assert_int_equal(cfg_read(DEV, FN, PCI_CFG_INTERRUPT_LINE, 1), 0);
    /* Masks are back too. */
    cfg_write(DEV, FN, SCRATCH, 4, 0);
    assert_int_equal(cfg_read(DEV, FN, SCRATCH, 4), 0x11003304);
    /* A reset with nothing changed reports nothing. */
    pci_function_reset(&dev);
    n_events = 0;
    pci_function_reset(&dev);
    assert_int_equal(n_events, 0);
}

/* ---- random traffic ---------------------------------------------------------------------------
 */

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

/* xorshift64*: the same sequence on every run. */
static uint64_t rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1Dull;
}

/* What no guest write may change, and the owner's view matching the state. */
static void check_invariants(void)
{
    assert_int_equal(pci_function_read(&dev, 0, 4), 0x56781234);
    assert_int_equal(pci_function_read(&dev, 0x08, 4), 0x0C03209A);
    assert_int_equal(pci_function_read(&dev, PCI_CFG_HEADER_TYPE, 1), 0);
    assert_int_equal(pci_function_read(&dev, PCI_CFG_INTERRUPT_PIN, 1), 1);
    assert_int_equal(pci_function_read(&dev, 0x10, 4) & 0x1F, PCI_BAR_SPACE_IO);
    assert_int_equal(pci_function_read(&dev, 0x14, 4) & 0xFFF, 0);
    assert_int_equal(pci_function_read(&dev, 0x18, 4), 0x0C);
    assert_int_equal(pci_function_read(&dev, 0x1C, 4) & 1, 0);
    assert_int_equal(pci_function_read(&dev, 0x20, 4), 0);
    assert_int_equal(pci_function_read(&dev, SCRATCH, 4) & ~SCR_MASK, 0x11223344 & ~SCR_MASK);
    assert_int_equal(pci_function_read(&dev, PCI_CFG_COMMAND, 2) & ~7u, 0);
    assert_int_equal(pci_function_read(&dev, PCI_CFG_STATUS, 2) & 0x06FF, PCI_STS_DEVSEL_MEDIUM);
    assert_int_equal(pci_function_read(&other, 0, 4), 0xABCD8086);
    assert_int_equal(bus.config_address & ~PCI_CONFIG_ADDRESS_MASK, 0);
    assert_int_equal(dev.command, pci_function_command(&dev));
    for (unsigned n = 0; n < PCI_BARS; n++) {
        struct pci_bar_window w = pci_function_bar_window(&dev, n);

        assert_int_equal(dev.window[n].mapped, w.mapped);
        if (w.mapped)
            assert_int_equal(dev.window[n].base, w.base);
    }
}

static void test_random_port_traffic(void **state)
{
    static const uint16_t ports[] = {0xCF8, 0xCF9, 0xCFA, 0xCFB, 0xCFC, 0xCFD, 0xCFE, 0xCFF};
    static const uint8_t hot[] = {0x04, 0x04, 0x06, 0x10, 0x14, 0x18, 0x1C, 0x3C, 0x40};
    static const unsigned sizes[] = {1, 2, 4, 4, 4, 3, 8};

    (void)state;
    quiet = true;
    for (unsigned i = 0; i < 200000; i++) {
        uint64_t r = rnd();
        uint16_t port = ports[(r >> 8) % 8];
        unsigned size = sizes[(r >> 12) % 7];
        uint32_t v = (uint32_t)(r >> 32), out;

        if ((r & 7) == 0) {
            /* Mostly our device's registers, sometimes anything. */
            if ((r >> 4) % 8 != 0)
                v = PCI_CONFIG_ADDRESS(DEV, (r >> 16) % 8 ? FN : 2, hot[(r >> 20) % 9]);
            (void)pci_bus_io_write(&bus, 0xCF8, 4, v);
        } else if ((r & 7) < 4) {
            /* Sizing patterns, zeros, values with few bits, anything. */
            switch ((r >> 3) & 3) {
            case 0:
                v = 0xFFFFFFFF;
                break;
            case 1:
                v = 0;
                break;
            case 2:
                v &= (uint32_t)(r >> 16);
                break;
            }
            if ((r >> 5) % 4 != 0)
                port = (uint16_t)(0xCFC + (r >> 7) % 4);
            (void)pci_bus_io_write(&bus, port, size, v);
        } else {
            (void)pci_bus_io_read(&bus, port, size, &out);
        }
        if ((r >> 24) % 4096 == 0)
            pci_function_reset(&dev);
        if (i % 1000 == 0)
            check_invariants();
    }
    check_invariants();
    /* Decoders went on and off, BARs moved. */
    for (unsigned k = 0; k <= EV_WRITE; k++)
        assert_true(calls[k] > 100);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_config_address, setup),
        cmocka_unit_test_setup(test_narrow_address_accesses_not_handled, setup),
        cmocka_unit_test_setup(test_data_byte_lanes, setup),
        cmocka_unit_test_setup(test_absent_functions_read_all_ones, setup),
        cmocka_unit_test_setup(test_disabled_address, setup),
        cmocka_unit_test_setup(test_read_only_registers, setup),
        cmocka_unit_test_setup(test_status_write_one_to_clear, setup),
        cmocka_unit_test_setup(test_bar_sizing, setup),
        cmocka_unit_test_setup(test_bar_and_command_callbacks, setup),
        cmocka_unit_test_setup(test_set_bar_validation, setup),
        cmocka_unit_test_setup(test_attach, setup),
        cmocka_unit_test_setup(test_function_access_edges, setup),
        cmocka_unit_test_setup(test_reset, setup),
        cmocka_unit_test_setup(test_random_port_traffic, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
