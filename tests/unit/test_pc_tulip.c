// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of drivers/pc/tulip*.c, the DEC 21140A Fast Ethernet
 * controller, against a fake guest RAM: PCI identity, BAR sizing and
 * moves; the serial ROM read bit by bit exactly as Linux's
 * tulip_read_eeprom() does (its size probe, the MAC, the media leaf
 * tulip_parse_eeprom() walks, the CRCs) and the PHY through
 * tulip_mdio_read()/tulip_mdio_write()'s own bit sequences; Linux's probe
 * and tulip_up() sequence end to end; transmit rings and chains (two
 * buffers, frames over several descriptors, padding, AC, end of ring,
 * descriptor skip); receive rings and chains (frames over several
 * descriptors, FCS and padding, a full ring, CSR8); setup frames (perfect,
 * hash as Linux builds it, inverse, hash only) and PR/PM/RA; CSR5's
 * write-1-to-clear bits, summaries and INTA#; the general-purpose timer and
 * transmit auto-polling; loopback; software and platform resets; and every
 * hostile case: descriptors and buffers outside RAM, descriptors that chain
 * to themselves or that the guest keeps handing back, zero and oversized
 * buffers, jabbering frames, setup frames of the wrong size, bus mastering
 * off, bad CSR accesses, and random CSR traffic over random memory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <pc/tulip.h>

#define DEV      5
#define RAM_SIZE (1u << 20)
#define RX_RING  0x1000u
#define TX_RING  0x2000u
#define SETUP    0x3000u
#define RX_BUF   0x10000u /* + 0x800 per descriptor */
#define TX_BUF   0x40000u
#define OUTSIDE  0x80000000u /* not guest RAM */
#define IO_BASE  0xC000u
#define MMIO     0xFEB00000u

/* Linux's values (tulip.h, tulip_core.c). */
#define VALID_INTRS 0x0001EBEFu
#define LINUX_CSR0  0x01A08000u
#define RX_TX       (TULIP_CSR6_SR | TULIP_CSR6_ST)
#define PKT_BUF_SZ  1540u

static const uint8_t mac[6] = {0x00, 0x15, 0x5D, 0x01, 0x02, 0x03};
static const uint8_t bcast[6] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};

static struct pci_bus bus;
static struct tulip t;
static uint8_t ram[RAM_SIZE];

/* ---- the owner ------------------------------------------------------------------ */

static bool irq;
static unsigned irq_changes;
static unsigned dma_reads, dma_writes;
static bool force_own; /* the guest hands every descriptor back at once */

#define MAX_SENT 16
static uint8_t sent[MAX_SENT][TULIP_MAX_FRAME];
static size_t sent_len[MAX_SENT];
static unsigned n_sent;

static struct pci_bar_window bars[2];
static unsigned bar_events;

static bool in_ram(uint64_t gpa, size_t len)
{
    return gpa <= RAM_SIZE && len <= RAM_SIZE - gpa;
}

static bool fake_dma_read(void *opaque, uint64_t gpa, void *buf, size_t len)
{
    assert_ptr_equal(opaque, &t);
    assert_true(len > 0);
    dma_reads++;
    if (!in_ram(gpa, len))
        return false;
    memcpy(buf, ram + gpa, len);
    if (force_own && len == TULIP_DESC_SIZE)
        ((uint8_t *)buf)[3] |= 0x80;
    return true;
}

static bool fake_dma_write(void *opaque, uint64_t gpa, const void *buf, size_t len)
{
    assert_ptr_equal(opaque, &t);
    assert_true(len > 0);
    dma_writes++;
    if (!in_ram(gpa, len))
        return false;
    memcpy(ram + gpa, buf, len);
    return true;
}

static void fake_transmit(void *opaque, const uint8_t *frame, size_t len)
{
    assert_ptr_equal(opaque, &t);
    assert_true(len >= 14 && len <= TULIP_MAX_FRAME);
    if (n_sent < MAX_SENT) {
        memcpy(sent[n_sent], frame, len);
        sent_len[n_sent] = len;
    }
    n_sent++;
}

static void fake_set_irq(void *opaque, bool level)
{
    assert_ptr_equal(opaque, &t);
    assert_true(level != irq); /* changes only */
    irq = level;
    irq_changes++;
}

static void fake_bar_changed(void *opaque, unsigned bar, const struct pci_bar_window *now)
{
    assert_ptr_equal(opaque, &t);
    assert_true(bar == TULIP_IO_BAR || bar == TULIP_MMIO_BAR);
    bars[bar] = *now;
    bar_events++;
}

static const struct tulip_ops ops = {
    .dma_read = fake_dma_read,
    .dma_write = fake_dma_write,
    .transmit = fake_transmit,
    .set_irq = fake_set_irq,
    .bar_changed = fake_bar_changed,
    .opaque = &t,
};

/* ---- guest memory and registers -------------------------------------------------- */

static uint32_t rd32(uint32_t gpa)
{
    return (uint32_t)ram[gpa] | (uint32_t)ram[gpa + 1] << 8 | (uint32_t)ram[gpa + 2] << 16 |
           (uint32_t)ram[gpa + 3] << 24;
}

static void wr32(uint32_t gpa, uint32_t v)
{
    ram[gpa] = (uint8_t)v;
    ram[gpa + 1] = (uint8_t)(v >> 8);
    ram[gpa + 2] = (uint8_t)(v >> 16);
    ram[gpa + 3] = (uint8_t)(v >> 24);
}

static void desc(uint32_t gpa, uint32_t status, uint32_t control, uint32_t b1, uint32_t b2)
{
    wr32(gpa, status);
    wr32(gpa + 4, control);
    wr32(gpa + 8, b1);
    wr32(gpa + 12, b2);
}

static void csr_w(unsigned n, uint32_t v)
{
    tulip_io_write(&t, TULIP_CSR(n), 4, v);
}

static uint32_t csr_r(unsigned n)
{
    return tulip_io_read(&t, TULIP_CSR(n), 4);
}

static uint32_t cfg_r(unsigned off, unsigned size)
{
    return pci_bus_config_read(&bus, 0, DEV, 0, off, size);
}

static void cfg_w(unsigned off, unsigned size, uint32_t v)
{
    pci_bus_config_write(&bus, 0, DEV, 0, off, size, v);
}

static unsigned rx_state(void)
{
    return (csr_r(5) & TULIP_CSR5_RS_MASK) >> TULIP_CSR5_RS_SHIFT;
}

static unsigned tx_state(void)
{
    return (csr_r(5) & TULIP_CSR5_TS_MASK) >> TULIP_CSR5_TS_SHIFT;
}

static int setup(void **state)
{
    (void)state;
    memset(ram, 0, sizeof(ram));
    irq = false;
    irq_changes = 0;
    dma_reads = dma_writes = 0;
    force_own = false;
    n_sent = 0;
    memset(bars, 0, sizeof(bars));
    bar_events = 0;
    pci_bus_init(&bus);
    assert_int_equal(tulip_init(&t, &bus, DEV, mac, &ops), 0);
    return 0;
}

static void enable_pci(void)
{
    cfg_w(PCI_CFG_BAR0, 4, IO_BASE);
    cfg_w(PCI_CFG_BAR0 + 4, 4, MMIO);
    cfg_w(PCI_CFG_COMMAND, 2, PCI_CMD_IO | PCI_CMD_MEMORY | PCI_CMD_MASTER);
}

/* ---- Linux's bit-banging, as drivers/net/ethernet/dec/tulip has it -------------- */

#define EE_SHIFT_CLK  0x02
#define EE_CS         0x01
#define EE_DATA_WRITE 0x04
#define EE_DATA_READ  0x08
#define EE_ENB        (0x4800 | EE_CS)
#define EE_READ_CMD   6

/* eeprom.c, tulip_read_eeprom(): returns extra bits for size detection. */
static unsigned linux_read_eeprom(int location, int addr_len)
{
    unsigned retval = 0;
    int read_cmd = location | (EE_READ_CMD << addr_len);

    if (location > (1 << addr_len) - 1)
        return 0;
    csr_w(9, EE_ENB & ~EE_CS);
    csr_w(9, EE_ENB);
    for (int i = 4 + addr_len; i >= 0; i--) {
        uint32_t dataval = (read_cmd & (1 << i)) ? EE_DATA_WRITE : 0;

        csr_w(9, EE_ENB | dataval);
        (void)csr_r(9);
        csr_w(9, EE_ENB | dataval | EE_SHIFT_CLK);
        (void)csr_r(9);
        retval = (retval << 1) | ((csr_r(9) & EE_DATA_READ) ? 1 : 0);
    }
    csr_w(9, EE_ENB);
    (void)csr_r(9);
    for (int i = 16; i > 0; i--) {
        csr_w(9, EE_ENB | EE_SHIFT_CLK);
        (void)csr_r(9);
        retval = (retval << 1) | ((csr_r(9) & EE_DATA_READ) ? 1 : 0);
        csr_w(9, EE_ENB);
        (void)csr_r(9);
    }
    csr_w(9, EE_ENB & ~EE_CS);
    return retval;
}

#define MDIO_SHIFT_CLK   0x10000
#define MDIO_DATA_WRITE1 0x20000
#define MDIO_ENB         0x00000
#define MDIO_ENB_IN      0x40000
#define MDIO_DATA_READ   0x80000

/* media.c, tulip_mdio_read(). */
/* All 19 bits sampled: float, turnaround, 16 data bits, float. */
static int mdio_raw;

static int linux_mdio_read_pre(int phy_id, int location, int preamble)
{
    int read_cmd = (0xf6 << 10) | ((phy_id & 0x1f) << 5) | location;
    int retval = 0;

    for (int i = preamble; i >= 0; i--) {
        csr_w(9, MDIO_ENB | MDIO_DATA_WRITE1);
        (void)csr_r(9);
        csr_w(9, MDIO_ENB | MDIO_DATA_WRITE1 | MDIO_SHIFT_CLK);
        (void)csr_r(9);
    }
    for (int i = 15; i >= 0; i--) {
        int dataval = (read_cmd & (1 << i)) ? MDIO_DATA_WRITE1 : 0;

        csr_w(9, MDIO_ENB | dataval);
        (void)csr_r(9);
        csr_w(9, MDIO_ENB | dataval | MDIO_SHIFT_CLK);
        (void)csr_r(9);
    }
    for (int i = 19; i > 0; i--) {
        csr_w(9, MDIO_ENB_IN);
        (void)csr_r(9);
        retval = (retval << 1) | ((csr_r(9) & MDIO_DATA_READ) ? 1 : 0);
        csr_w(9, MDIO_ENB_IN | MDIO_SHIFT_CLK);
        (void)csr_r(9);
    }
    mdio_raw = retval;
    return (retval >> 1) & 0xffff;
}

static int linux_mdio_read(int phy_id, int location)
{
    return linux_mdio_read_pre(phy_id, location, 32);
}

/* media.c, tulip_mdio_write(). */
static void linux_mdio_write(int phy_id, int location, int val)
{
    uint32_t cmd = (0x5002u << 16) | ((uint32_t)(phy_id & 0x1f) << 23) |
                   ((uint32_t)location << 18) | ((uint32_t)val & 0xffff);

    for (int i = 32; i >= 0; i--) {
        csr_w(9, MDIO_ENB | MDIO_DATA_WRITE1);
        (void)csr_r(9);
        csr_w(9, MDIO_ENB | MDIO_DATA_WRITE1 | MDIO_SHIFT_CLK);
        (void)csr_r(9);
    }
    for (int i = 31; i >= 0; i--) {
        uint32_t dataval = (cmd & (1u << i)) ? MDIO_DATA_WRITE1 : 0;

        csr_w(9, MDIO_ENB | dataval);
        (void)csr_r(9);
        csr_w(9, MDIO_ENB | dataval | MDIO_SHIFT_CLK);
        (void)csr_r(9);
    }
    for (int i = 2; i > 0; i--) {
        csr_w(9, MDIO_ENB_IN);
        (void)csr_r(9);
        csr_w(9, MDIO_ENB_IN | MDIO_SHIFT_CLK);
        (void)csr_r(9);
    }
}

/* The whole SROM as tulip_init_one() reads it (all 64 words here). */
static void linux_read_srom(uint8_t ee[128])
{
    int ee_addr_size = linux_read_eeprom(0xff, 8) & 0x40000 ? 8 : 6;

    assert_int_equal(ee_addr_size, 6);
    for (int i = 0; i < 128; i += 2) {
        uint16_t data = (uint16_t)linux_read_eeprom(i / 2, ee_addr_size);

        ee[i] = data & 0xff;
        ee[i + 1] = data >> 8;
    }
}

/* tulip_init_ring(): @n receive descriptors in ring mode with Linux's
 * chained-looking buffer 2 (ignored: its size is 0), all owned. */
static void linux_rx_ring(unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        desc(RX_RING + 16 * i, TULIP_DES0_OWN, PKT_BUF_SZ | (i == n - 1 ? TULIP_DES1_ER : 0),
             RX_BUF + 0x800 * i, i == n - 1 ? RX_RING : RX_RING + 16 * (i + 1));
}

/* The setup frame of tulip_up(): broadcast everywhere, our address last. */
static void linux_setup_frame(uint32_t gpa)
{
    memset(ram + gpa, 0xFF, TULIP_SETUP_SIZE);
    for (unsigned w = 0; w < 3; w++) {
        uint16_t v = (uint16_t)(mac[2 * w] | mac[2 * w + 1] << 8);

        ram[gpa + 15 * 12 + 4 * w] = (uint8_t)v;
        ram[gpa + 15 * 12 + 4 * w + 1] = (uint8_t)(v >> 8);
        ram[gpa + 15 * 12 + 4 * w + 2] = (uint8_t)v;
        ram[gpa + 15 * 12 + 4 * w + 3] = (uint8_t)(v >> 8);
    }
}

/* tulip_up() with @rx descriptors, up to the receive poll demand. */
static void linux_up(unsigned rx)
{
    enable_pci();
    csr_w(6, 0x00040000);
    csr_w(0, 0x00000001);
    csr_w(0, LINUX_CSR0);
    csr_w(3, RX_RING);
    csr_w(4, TX_RING);
    linux_rx_ring(rx);
    for (unsigned i = 0; i < 32; i++)
        desc(TX_RING + 16 * i, 0, i == 31 ? TULIP_DES1_ER : 0, 0,
             i == 31 ? TX_RING : TX_RING + 16 * (i + 1));
    linux_setup_frame(SETUP);
    desc(TX_RING, TULIP_DES0_OWN, 0x08000000 | 192, SETUP, TX_RING + 16);
    /* tulip_select_media(): the MII leaf's CSR6. */
    csr_w(6, 0x020E0000 | 0x2000);
    csr_w(5, VALID_INTRS);
    csr_w(7, VALID_INTRS);
    csr_w(6, 0x020E0000 | RX_TX);
    (void)csr_r(6);
    csr_w(2, 0);
}

static void frame_to(uint8_t *f, size_t len, const uint8_t dst[6], uint16_t type, uint8_t seed)
{
    memcpy(f, dst, 6);
    memcpy(f + 6, "\x52\x54\x00\xAA\xBB\xCC", 6);
    f[12] = (uint8_t)(type >> 8);
    f[13] = (uint8_t)type;
    for (size_t i = 14; i < len; i++)
        f[i] = (uint8_t)(seed + i * 7);
}

static uint32_t crc32_std(const uint8_t *p, size_t len)
{
    uint32_t crc = 0xFFFFFFFFu;

    for (size_t i = 0; i < len; i++) {
        crc ^= p[i];
        for (int b = 0; b < 8; b++)
            crc = (crc >> 1) ^ ((crc & 1) ? 0xEDB88320u : 0);
    }
    return ~crc;
}

/* Linux's acceptance test of a receive descriptor (interrupt.c, tulip_rx()). */
static int linux_rx_len(uint32_t status)
{
    int pkt_len = (int)((status >> 16) & 0x7ff) - 4;

    if ((status & (0x38000010u | 0x0002 | 0x0040 | 0x0800 | 0x4000 | 0x0300)) != 0x0300 ||
        pkt_len > 1518)
        return -1;
    return pkt_len;
}

/* ---- PCI ---------------------------------------------------------------------------- */

static void test_pci_identity(void **state)
{
    (void)state;
    assert_int_equal(cfg_r(PCI_CFG_VENDOR_ID, 2), 0x1011);
    assert_int_equal(cfg_r(PCI_CFG_DEVICE_ID, 2), 0x0009);
    assert_int_equal(cfg_r(PCI_CFG_REVISION, 1), 0x20);
    assert_int_equal(cfg_r(PCI_CFG_CLASS_PROG, 1), 0x00);
    assert_int_equal(cfg_r(PCI_CFG_CLASS_PROG + 1, 2), 0x0200);
    assert_int_equal(cfg_r(PCI_CFG_HEADER_TYPE, 1), 0);
    assert_int_equal(cfg_r(PCI_CFG_SUBSYSTEM, 4), 0x21140A00u); /* SUBSYS_21140A00 */
    assert_int_equal(cfg_r(PCI_CFG_INTERRUPT_PIN, 1), 1);
    assert_int_equal(cfg_r(PCI_CFG_STATUS, 2), PCI_STS_DEVSEL_MEDIUM | PCI_STS_FAST_B2B);
    assert_int_equal(cfg_r(PCI_CFG_COMMAND, 2), 0);

    /* BAR sizing: 128 bytes of I/O, 128 bytes of memory. */
    cfg_w(PCI_CFG_BAR0, 4, 0xFFFFFFFFu);
    assert_int_equal(cfg_r(PCI_CFG_BAR0, 4), 0xFFFFFF81u);
    cfg_w(PCI_CFG_BAR0 + 4, 4, 0xFFFFFFFFu);
    assert_int_equal(cfg_r(PCI_CFG_BAR0 + 4, 4), 0xFFFFFF80u);
    for (unsigned bar = 2; bar < PCI_BARS; bar++) {
        cfg_w(PCI_CFG_BAR0 + 4 * bar, 4, 0xFFFFFFFFu);
        assert_int_equal(cfg_r(PCI_CFG_BAR0 + 4 * bar, 4), 0);
    }
    assert_false(tulip_io_bar(&t).mapped);
    assert_int_equal(bar_events, 0);

    enable_pci();
    assert_int_equal(bar_events, 2);
    assert_true(bars[TULIP_IO_BAR].mapped);
    assert_int_equal(bars[TULIP_IO_BAR].base, IO_BASE);
    assert_int_equal(bars[TULIP_IO_BAR].size, 128);
    assert_true(bars[TULIP_MMIO_BAR].mapped);
    assert_int_equal(bars[TULIP_MMIO_BAR].base, MMIO);
    assert_true(tulip_io_bar(&t).mapped);
    assert_int_equal(tulip_io_bar(&t).base, IO_BASE);
    assert_int_equal(tulip_mmio_bar(&t).base, MMIO);
    assert_int_equal(tulip_mmio_bar(&t).size, 128);
    assert_int_equal(cfg_r(PCI_CFG_COMMAND, 2), PCI_CMD_IO | PCI_CMD_MEMORY | PCI_CMD_MASTER);

    /* Moving the I/O BAR while decoded. */
    cfg_w(PCI_CFG_BAR0, 4, 0xD000);
    assert_int_equal(bars[TULIP_IO_BAR].base, 0xD000);
    cfg_w(PCI_CFG_COMMAND, 2, PCI_CMD_MEMORY | PCI_CMD_MASTER);
    assert_false(bars[TULIP_IO_BAR].mapped);
    assert_false(tulip_io_bar(&t).mapped);
    assert_int_equal(tulip_io_bar(&t).base, 0xD000);

    /* Writable: cache line size, latency timer, CFDD; not the identity. */
    cfg_w(PCI_CFG_CACHE_LINE_SIZE, 1, 0x08);
    cfg_w(PCI_CFG_LATENCY_TIMER, 1, 0x40);
    cfg_w(TULIP_CFDD, 4, 0x12345678);
    cfg_w(PCI_CFG_VENDOR_ID, 4, 0);
    cfg_w(PCI_CFG_SUBSYSTEM, 4, 0);
    assert_int_equal(cfg_r(PCI_CFG_CACHE_LINE_SIZE, 1), 0x08);
    assert_int_equal(cfg_r(PCI_CFG_LATENCY_TIMER, 1), 0x40);
    assert_int_equal(cfg_r(TULIP_CFDD, 4), 0x12345678);
    assert_int_equal(cfg_r(PCI_CFG_VENDOR_ID, 4), 0x00091011);
    assert_int_equal(cfg_r(PCI_CFG_SUBSYSTEM, 4), 0x21140A00u);
}

static void test_init_errors(void **state)
{
    struct tulip other;

    (void)state;
    assert_int_equal(tulip_init(&other, &bus, DEV, mac, &ops), -1);
    assert_int_equal(tulip_init(&other, &bus, PCI_DEVICES, mac, &ops), -1);
    assert_int_equal(tulip_init(&other, &bus, DEV + 1, mac, &ops), 0);
    assert_ptr_equal(pci_bus_function(&bus, DEV + 1, 0), &other.fn);
}

/* ---- the serial ROM -------------------------------------------------------------- */

/* The ID block CRC the other way round: bytes in the order the words send
 * them (1, 0, 3, 2, ..., 15, 14, 17), each from its top bit. */
static uint8_t id_crc(const uint8_t *ee)
{
    static const unsigned order[] = {1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10, 13, 12, 15, 14, 17};
    uint8_t crc = 0xFF;

    for (unsigned i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
        for (int b = 7; b >= 0; b--) {
            bool top = crc & 0x80;

            crc = (uint8_t)(crc << 1);
            if (top != (bool)((ee[order[i]] >> b) & 1))
                crc ^= 0x07;
        }
    }
    return crc;
}

static void test_srom_as_linux_reads_it(void **state)
{
    uint8_t ee[128];
    unsigned char *p;
    int sa_offset = 0;
    uint16_t media;

    (void)state;
    enable_pci();
    /* The size probe: the dummy 0 of a 6-bit part in bit 18. */
    assert_int_equal(linux_read_eeprom(0xff, 8) & 0x40000, 0);
    linux_read_srom(ee);

    /* tulip_init_one(): where the address is. */
    for (int i = 0; i < 8; i++)
        if (ee[i] != ee[16 + i])
            sa_offset = 20;
    assert_false(ee[0] == 0xff && ee[1] == 0xff && ee[2] == 0);
    assert_int_equal(sa_offset, 20);
    assert_memory_equal(ee + 20, mac, 6);
    assert_int_equal(ee[0] | ee[1] << 8, TULIP_SUBSYSTEM_VENDOR);
    assert_int_equal(ee[2] | ee[3] << 8, TULIP_SUBSYSTEM_ID);
    assert_int_equal(ee[18], 4);
    assert_int_equal(ee[19], 1);

    /* tulip_parse_eeprom() with CSR12_IN_SROM: one MII leaf. */
    assert_int_not_equal(ee[27], 0);
    p = ee + ee[27];
    media = (uint16_t)(p[0] | p[1] << 8);
    assert_int_equal(media, 0x0800); /* autosense */
    p += 2;
    assert_int_equal(*p++, 0x00); /* csr12dir */
    assert_int_equal(*p++, 1);    /* count */
    assert_true(p[0] & 0x80);     /* extended block */
    assert_int_equal(p[1], 1);    /* 21140 MII PHY: media 11 */
    {
        /* eeprom.c: the block's advertisement, after its sequences. */
        int gpr_len = p[3] * 2, reset_len = p[4 + gpr_len] * 2;

        assert_int_equal(p[7 + gpr_len + reset_len] | p[8 + gpr_len + reset_len] << 8, 0x01E0);
    }
    {
        /* media.c, tulip_select_media() type 1: PHY 0, then the misc words. */
        unsigned char *leaf = p + 2;
        int init_length = leaf[1];
        unsigned char *reset_sequence = leaf + 3 + init_length;
        int reset_length = leaf[2 + init_length];
        unsigned char *misc = reset_sequence + reset_length;

        assert_int_equal(leaf[0], 0);
        assert_int_equal(misc[0] | misc[1] << 8, 0x7800);
        assert_int_equal(misc[2] | misc[3] << 8, 0x01E0);
        assert_int_equal(misc[4] | misc[5] << 8, 0x5000);
        assert_int_equal(misc[6] | misc[7] << 8, 0x1800);
    }
    assert_int_equal(p[0] & 0x3f, 12); /* Linux steps over (p[0] & 0x3f) + 1 bytes */

    /* The CRCs other drivers check. */
    assert_int_equal(ee[126] | ee[127] << 8, crc32_std(ee, 126) & 0xFFFF);
    assert_int_equal(ee[16], id_crc(ee));
    for (unsigned w = 0; w < 64; w++)
        assert_int_equal(t.srom.words[w], ee[2 * w] | ee[2 * w + 1] << 8);
}

static void test_srom_protocol(void **state)
{
    uint32_t v;

    (void)state;
    /* Past the 6-bit range Linux's helper returns 0 itself. */
    assert_int_equal(linux_read_eeprom(64, 6), 0);

    /* Reading on past a word gives the next one (sequential read). */
    csr_w(9, EE_ENB);
    {
        int cmd = 9 | (EE_READ_CMD << 6);
        uint32_t data = 0;

        for (int i = 8; i >= 0; i--) {
            uint32_t d = (cmd & (1 << i)) ? EE_DATA_WRITE : 0;

            csr_w(9, EE_ENB | d);
            csr_w(9, EE_ENB | d | EE_SHIFT_CLK);
        }
        assert_int_equal(csr_r(9) & EE_DATA_READ, 0); /* the dummy 0 */
        for (int i = 0; i < 32; i++) {
            csr_w(9, EE_ENB);
            csr_w(9, EE_ENB | EE_SHIFT_CLK);
            data = data << 1 | !!(csr_r(9) & EE_DATA_READ);
        }
        assert_int_equal(data >> 16, 0x0104); /* version 4, one controller */
        assert_int_equal(data & 0xFFFF, mac[0] | mac[1] << 8);
    }
    /* Deselecting mid-word ends it: DO floats high. */
    csr_w(9, EE_ENB & ~EE_CS);
    assert_true(csr_r(9) & EE_DATA_READ);

    /* Write enable, erase all, write: all ignored. */
    for (int op = 0; op < 4; op++) {
        int cmd = (4 | op) << 6 | 0x3F; /* start bit, opcode, address */

        csr_w(9, EE_ENB);
        for (int i = 8; i >= 0; i--) {
            uint32_t d = (cmd & (1 << i)) ? EE_DATA_WRITE : 0;

            csr_w(9, EE_ENB | d);
            csr_w(9, EE_ENB | d | EE_SHIFT_CLK);
        }
        for (int i = 0; i < 16; i++) {
            csr_w(9, EE_ENB);
            csr_w(9, EE_ENB | EE_SHIFT_CLK); /* data 0 */
        }
        csr_w(9, EE_ENB & ~EE_CS);
    }
    v = linux_read_eeprom(10, 6) & 0xFFFF;
    assert_int_equal(v, mac[0] | mac[1] << 8);
    v = linux_read_eeprom(63, 6) & 0xFFFF;
    assert_int_equal(v, t.srom.words[63]);
    /* Without SR the ROM is not selected: DO does not show. */
    csr_w(9, EE_CS | EE_SHIFT_CLK);
    assert_int_equal(csr_r(9) & EE_DATA_READ, 0);
}

/* ---- the PHY ------------------------------------------------------------------------ */

static void test_mii_as_linux_reads_it(void **state)
{
    int found = -1, count = 0;

    (void)state;
    /* tulip_find_mii(): phyn 1..32, phy = phyn & 0x1f. */
    for (int phyn = 1; phyn <= 32; phyn++) {
        int phy = phyn & 0x1f;
        int mii_status = linux_mdio_read(phy, 1);

        if ((mii_status & 0x8301) == 0x8001 ||
            ((mii_status & 0x0200) == 0 && (mii_status & 0x7800) != 0)) {
            found = phy;
            count++;
        } else {
            assert_int_equal(mii_status, 0xFFFF);
        }
    }
    assert_int_equal(count, 1);
    assert_int_equal(found, TULIP_PHY_ADDR);

    assert_int_equal(linux_mdio_read(1, 0), 0x1000);
    assert_int_equal(linux_mdio_read(1, 1), 0x782D); /* link, AN complete */
    /* The PHY lets the first turnaround bit float, drives the second low,
     * and floats again after the data. */
    assert_int_equal(mdio_raw, 1 << 18 | 0x782D << 1 | 1);
    assert_int_equal(linux_mdio_read(1, 2), TULIP_PHY_ID1);
    assert_int_equal(mdio_raw, 1 << 18 | TULIP_PHY_ID1 << 1 | 1);
    (void)linux_mdio_read(7, 1);
    assert_int_equal(mdio_raw, 0x7FFFF); /* nobody: the pull-up */
    assert_int_equal(linux_mdio_read(1, 2), TULIP_PHY_ID1);
    assert_int_equal(linux_mdio_read(1, 3), TULIP_PHY_ID2);
    assert_int_equal(linux_mdio_read(1, 4), 0x01E1);
    assert_int_equal(linux_mdio_read(1, 5), 0x45E1);
    assert_int_equal(linux_mdio_read(1, 6), 0x0001);
    assert_int_equal(linux_mdio_read(1, 17), 0);

    /* tulip_check_duplex(): 100 Mbit/s, full duplex. */
    {
        int lpa = linux_mdio_read(1, 5), advertising = 0x01E1;
        int negotiated = lpa & advertising;

        assert_true(negotiated & 0x0380);                                      /* LPA_100 */
        assert_true((negotiated & 0x0100) || (negotiated & 0x01C0) == 0x0040); /* full */
    }

    /* Writes: ANAR, BMCR (restart self-clears, reset restores). */
    linux_mdio_write(1, 4, 0x0061);
    assert_int_equal(linux_mdio_read(1, 4), 0x0061);
    linux_mdio_write(1, 4, 0xFFFF);
    assert_int_equal(linux_mdio_read(1, 4), 0xBFFF);
    linux_mdio_write(1, 0, 0x1200);
    assert_int_equal(linux_mdio_read(1, 0), 0x1000);
    linux_mdio_write(1, 0, 0x3100);
    assert_int_equal(linux_mdio_read(1, 0), 0x3100);
    linux_mdio_write(1, 0, 0x8000);
    assert_int_equal(linux_mdio_read(1, 0), 0x1000);
    assert_int_equal(linux_mdio_read(1, 4), 0x01E1);
    /* Another address's writes do not reach it; read-only registers stay. */
    linux_mdio_write(2, 4, 0x0021);
    linux_mdio_write(1, 1, 0x0000);
    assert_int_equal(linux_mdio_read(1, 4), 0x01E1);
    assert_int_equal(linux_mdio_read(1, 1), 0x782D);

    /* Too short a preamble: no answer. */
    assert_int_equal(linux_mdio_read_pre(1, 1, 20), 0xFFFF);
    assert_int_equal(linux_mdio_read(1, 1), 0x782D);
}

/* ---- Linux's probe and open, end to end ------------------------------------------ */

static void test_linux_up_and_traffic(void **state)
{
    uint8_t f[1514], ee[128];
    uint32_t st;

    (void)state;
    enable_pci();
    /* tulip_init_one(): stop, clear CSR8, read the SROM, GP port, find the PHY. */
    assert_int_equal(csr_r(6) & RX_TX, 0);
    assert_int_equal(csr_r(8), 0);
    linux_read_srom(ee);
    csr_w(12, 0x100);
    assert_int_equal(linux_mdio_read(0, 0), 0xFFFF); /* select_media(2)'s BMCR poll at PHY 0 */
    assert_int_equal(linux_mdio_read(1, 1), 0x782D);

    linux_up(8);
    /* The setup frame went: status 0x7fffffff, perfect filter, TU. */
    assert_int_equal(rd32(TX_RING), TULIP_TDES0_SETUP);
    assert_int_equal(csr_r(6) & (TULIP_CSR6_HP | TULIP_CSR6_HO | TULIP_CSR6_IF), 0);
    assert_int_equal(tx_state(), TULIP_TS_SUSPENDED);
    assert_int_equal(rx_state(), TULIP_RS_WAIT);
    assert_true(tulip_rx_ready(&t));
    assert_int_equal(n_sent, 0);
    assert_false(irq);

    /* tulip_start_xmit(): one frame, no interrupt asked, a poll demand. */
    frame_to(f, 98, bcast, 0x0806, 1);
    memcpy(ram + TX_BUF, f, 98);
    wr32(TX_RING + 16 + 8, TX_BUF);
    wr32(TX_RING + 16 + 4, 98 | 0x60000000);
    wr32(TX_RING + 16, TULIP_DES0_OWN);
    csr_w(1, 0);
    assert_int_equal(n_sent, 1);
    assert_int_equal(sent_len[0], 98);
    assert_memory_equal(sent[0], f, 98);
    assert_int_equal(rd32(TX_RING + 16), 0);
    /* Suspended again: TU, which Linux reclaims its ring on. */
    assert_true(csr_r(5) & TULIP_CSR5_TU);
    assert_true(csr_r(5) & TULIP_CSR5_NIS);
    assert_true(irq);
    csr_w(5, csr_r(5) & 0x0001ffff);
    assert_false(irq);

    /* ARP reply from the host: 42 bytes, to us. */
    frame_to(f, 42, mac, 0x0806, 2);
    assert_true(tulip_receive(&t, f, 42));
    st = rd32(RX_RING);
    assert_int_equal(linux_rx_len(st), 60); /* padded, as on the wire */
    assert_false(st & TULIP_DES0_OWN);
    assert_true(st & TULIP_RDES0_FT);
    assert_false(st & TULIP_RDES0_MF);
    assert_memory_equal(ram + RX_BUF, f, 42);
    assert_int_equal(ram[RX_BUF + 42], 0);
    assert_int_equal(rd32(RX_BUF + 60), crc32_std(ram + RX_BUF, 60));
    assert_true(irq);
    assert_true(csr_r(5) & TULIP_CSR5_RI);

    /* A broadcast (ARP request) and a full-size IPv4 frame. */
    frame_to(f, 60, bcast, 0x0806, 3);
    assert_true(tulip_receive(&t, f, 60));
    st = rd32(RX_RING + 16);
    assert_int_equal(linux_rx_len(st), 60);
    assert_true(st & TULIP_RDES0_MF);
    frame_to(f, 1514, mac, 0x0800, 4);
    assert_true(tulip_receive(&t, f, 1514));
    st = rd32(RX_RING + 32);
    assert_int_equal(linux_rx_len(st), 1514);
    assert_memory_equal(ram + RX_BUF + 2 * 0x800, f, 1514);
    /* Someone else's unicast and multicast: filtered. */
    frame_to(f, 60, (const uint8_t *)"\x00\x15\x5D\x09\x09\x09", 0x0800, 5);
    assert_false(tulip_receive(&t, f, 60));
    frame_to(f, 60, (const uint8_t *)"\x01\x00\x5E\x00\x00\x01", 0x0800, 5);
    assert_false(tulip_receive(&t, f, 60));
    assert_int_equal(rd32(RX_RING + 48), TULIP_DES0_OWN);
    assert_int_equal(csr_r(8), 0); /* filtered frames are not missed */

    /* tulip_stop_rxtx(): both processes read stopped at once. */
    csr_w(6, csr_r(6) & ~RX_TX);
    assert_int_equal(csr_r(5) & (TULIP_CSR5_TS_MASK | TULIP_CSR5_RS_MASK), 0);
    assert_int_equal(csr_r(5) & (TULIP_CSR5_TPS | TULIP_CSR5_RPS), 0);
    assert_false(tulip_rx_ready(&t));
    frame_to(f, 60, mac, 0x0800, 6);
    assert_false(tulip_receive(&t, f, 60));
    /* Started again, the receiver goes on where it was. */
    csr_w(6, csr_r(6) | RX_TX);
    assert_true(tulip_receive(&t, f, 60));
    assert_false(rd32(RX_RING + 48) & TULIP_DES0_OWN);
}

/* ---- transmit -------------------------------------------------------------------- */

static void start_tx(uint32_t base)
{
    enable_pci();
    csr_w(4, base);
    csr_w(6, TULIP_CSR6_ST);
    assert_int_equal(tx_state(), TULIP_TS_SUSPENDED);
    csr_w(5, 0xFFFFFFFFu);
}

static void test_tx_ring(void **state)
{
    uint8_t f[1200];

    (void)state;
    csr_w(0, 2 << TULIP_CSR0_DSL_SHIFT); /* 8 bytes between descriptors */
    start_tx(TX_RING);
    /* Descriptor 0: a frame in buffer 1 and buffer 2. */
    frame_to(f, 1200, bcast, 0x0800, 9);
    memcpy(ram + TX_BUF, f, 700);
    memcpy(ram + TX_BUF + 0x1000, f + 700, 500);
    desc(TX_RING, TULIP_DES0_OWN,
         TULIP_TDES1_FS | TULIP_TDES1_LS | 700 | 500 << TULIP_DES1_SIZE2_SH, TX_BUF,
         TX_BUF + 0x1000);
    /* Descriptors 1-3 (24 bytes apart): one frame, 10 + 0 + 50 bytes, the
     * middle one with no buffers at all, interrupt asked at the end. */
    memcpy(ram + TX_BUF + 0x2000, f, 10);
    memcpy(ram + TX_BUF + 0x3000, f + 10, 50);
    desc(TX_RING + 24, TULIP_DES0_OWN, TULIP_TDES1_FS | 10, TX_BUF + 0x2000, 0);
    desc(TX_RING + 48, TULIP_DES0_OWN, 0, 0, 0);
    desc(TX_RING + 72, TULIP_DES0_OWN, TULIP_TDES1_LS | TULIP_TDES1_IC | TULIP_DES1_ER | 50,
         TX_BUF + 0x3000, 0);
    csr_w(7, VALID_INTRS);
    csr_w(1, 1);
    assert_int_equal(n_sent, 2);
    assert_int_equal(sent_len[0], 1200);
    assert_memory_equal(sent[0], f, 1200);
    assert_int_equal(sent_len[1], 60);
    assert_memory_equal(sent[1], f, 60);
    for (unsigned i = 0; i < 4; i++)
        assert_int_equal(rd32(TX_RING + 24 * i), 0);
    assert_true(csr_r(5) & TULIP_CSR5_TI);
    assert_true(irq);
    /* End of ring: back at the base, which is ours again no longer. */
    assert_int_equal(t.tx_desc, TX_RING);
    assert_int_equal(tx_state(), TULIP_TS_SUSPENDED);

    /* Wrap: descriptor 0 again, a short frame padded to 60, then one with
     * the guest's own FCS (AC) and one with padding disabled (DPD). */
    memcpy(ram + TX_BUF, f, 20);
    desc(TX_RING, TULIP_DES0_OWN, TULIP_TDES1_FS | TULIP_TDES1_LS | 20, TX_BUF, 0);
    memcpy(ram + TX_BUF + 0x100, f, 64);
    desc(TX_RING + 24, TULIP_DES0_OWN, TULIP_TDES1_FS | TULIP_TDES1_LS | TULIP_TDES1_AC | 64,
         TX_BUF + 0x100, 0);
    memcpy(ram + TX_BUF + 0x200, f, 20);
    desc(TX_RING + 48, TULIP_DES0_OWN, TULIP_TDES1_FS | TULIP_TDES1_LS | TULIP_TDES1_DPD | 20,
         TX_BUF + 0x200, 0);
    csr_w(1, 1);
    assert_int_equal(n_sent, 5);
    assert_int_equal(sent_len[2], 60);
    assert_memory_equal(sent[2], f, 20);
    for (unsigned i = 20; i < 60; i++)
        assert_int_equal(sent[2][i], 0);
    assert_int_equal(sent_len[3], 60);
    assert_memory_equal(sent[3], f, 60);
    assert_int_equal(sent_len[4], 20);
    assert_int_equal(t.tx_desc, TX_RING + 72);
}

static void test_tx_chained(void **state)
{
    uint8_t f[300];
    const uint32_t a = TX_RING, b = TX_RING + 0x400, c = TX_RING + 0x100;

    (void)state;
    start_tx(a);
    frame_to(f, 300, bcast, 0x86DD, 3);
    memcpy(ram + TX_BUF, f, 300);
    /* a -> b -> c -> a; buffer 2 is the link, its size field ignored. */
    desc(a, TULIP_DES0_OWN, TULIP_TDES1_FS | TULIP_DES1_CH | 100 | 2047u << TULIP_DES1_SIZE2_SH,
         TX_BUF, b);
    desc(b, TULIP_DES0_OWN, TULIP_DES1_CH | 100, TX_BUF + 100, c);
    desc(c, TULIP_DES0_OWN, TULIP_TDES1_LS | TULIP_DES1_CH | 100, TX_BUF + 200, a);
    csr_w(1, 1);
    assert_int_equal(n_sent, 1);
    assert_int_equal(sent_len[0], 300);
    assert_memory_equal(sent[0], f, 300);
    assert_int_equal(rd32(a), 0);
    assert_int_equal(rd32(b), 0);
    assert_int_equal(rd32(c), 0);
    assert_int_equal(t.tx_desc, a);
    assert_int_equal(csr_r(5) & TULIP_CSR5_TI, 0); /* no IC */
    assert_true(csr_r(5) & TULIP_CSR5_TU);
    /* End of ring beats the chain. */
    csr_w(6, 0);
    csr_w(4, b);
    desc(b, TULIP_DES0_OWN, TULIP_TDES1_FS | TULIP_TDES1_LS | TULIP_DES1_CH | TULIP_DES1_ER | 60,
         TX_BUF, c);
    csr_w(6, TULIP_CSR6_ST);
    assert_int_equal(n_sent, 2);
    assert_int_equal(t.tx_desc, b);
}

/* ---- receive --------------------------------------------------------------------- */

static void start_rx(void)
{
    enable_pci();
    csr_w(3, RX_RING);
    /* Perfect filter: our address. */
    linux_setup_frame(SETUP);
    csr_w(4, TX_RING);
    desc(TX_RING, TULIP_DES0_OWN, TULIP_TDES1_SET | 192, SETUP, 0);
    csr_w(6, RX_TX);
    csr_w(5, 0xFFFFFFFFu);
}

static void test_rx_ring(void **state)
{
    uint8_t f[1514];
    uint32_t st;

    (void)state;
    linux_rx_ring(3);
    start_rx();
    assert_int_equal(rx_state(), TULIP_RS_WAIT);
    csr_w(7, VALID_INTRS);
    for (unsigned i = 0; i < 3; i++) {
        frame_to(f, 100 + i, mac, 0x0800, (uint8_t)i);
        assert_true(tulip_receive(&t, f, 100 + i));
        st = rd32(RX_RING + 16 * i);
        assert_int_equal(linux_rx_len(st), 100 + i);
        assert_memory_equal(ram + RX_BUF + 0x800 * i, f, 100 + i);
        assert_int_equal(rd32(RX_BUF + 0x800 * i + 100 + i),
                         crc32_std(ram + RX_BUF + 0x800 * i, 100 + i));
    }
    assert_true(irq);
    /* The ring is full: RU, suspended, counted, not ready. */
    assert_false(tulip_rx_ready(&t));
    csr_w(5, 0xFFFFFFFFu);
    assert_false(tulip_receive(&t, f, 60));
    assert_false(tulip_receive(&t, f, 60));
    assert_true(csr_r(5) & TULIP_CSR5_RU);
    assert_true(csr_r(5) & TULIP_CSR5_AIS);
    assert_int_equal(rx_state(), TULIP_RS_SUSPENDED);
    assert_int_equal(csr_r(8), 2);
    assert_int_equal(csr_r(8), 0); /* read clears */
    /* tulip_refill_rx() hands descriptor 0 back (no CSR2 on a 21140). */
    wr32(RX_RING, TULIP_DES0_OWN);
    assert_true(tulip_rx_ready(&t));
    frame_to(f, 1514, mac, 0x0800, 7);
    assert_true(tulip_receive(&t, f, 1514));
    assert_int_equal(linux_rx_len(rd32(RX_RING)), 1514);
    assert_int_equal(rx_state(), TULIP_RS_WAIT);
    /* CSR2 with nothing there: back to suspended. */
    csr_w(2, 1);
    assert_int_equal(rx_state(), TULIP_RS_SUSPENDED);
    wr32(RX_RING + 16, TULIP_DES0_OWN);
    csr_w(2, 1);
    assert_int_equal(rx_state(), TULIP_RS_WAIT);
}

static void test_rx_multi_descriptor(void **state)
{
    uint8_t f[1514];
    uint32_t st;

    (void)state;
    /* Ring of 256-byte buffers, both buffers used: 1514 + 4 bytes need
     * 3 descriptors of 2 x 256 bytes. */
    for (unsigned i = 0; i < 4; i++)
        desc(RX_RING + 16 * i, TULIP_DES0_OWN,
             256 | 256u << TULIP_DES1_SIZE2_SH | (i == 3 ? TULIP_DES1_ER : 0), RX_BUF + 0x1000 * i,
             RX_BUF + 0x1000 * i + 0x800);
    start_rx();
    frame_to(f, 1514, mac, 0x0800, 11);
    assert_true(tulip_receive(&t, f, 1514));
    st = rd32(RX_RING);
    assert_int_equal(st, TULIP_RDES0_FS);
    assert_int_equal(rd32(RX_RING + 16), 0);
    st = rd32(RX_RING + 32);
    assert_true(st & TULIP_RDES0_LS);
    assert_false(st & (TULIP_RDES0_FS | TULIP_DES0_ES | TULIP_DES0_OWN));
    assert_int_equal((st & TULIP_RDES0_FL_MASK) >> TULIP_RDES0_FL_SHIFT, 1518);
    for (unsigned i = 0; i < 3; i++) {
        size_t off = 512 * i, n1 = 1514 - off < 256 ? 1514 - off : 256;

        assert_memory_equal(ram + RX_BUF + 0x1000 * i, f + off, n1);
        if (off + 256 < 1514)
            assert_memory_equal(ram + RX_BUF + 0x1000 * i + 0x800, f + off + 256,
                                1514 - off - 256 < 256 ? 1514 - off - 256 : 256);
    }
    assert_int_equal(rd32(RX_RING + 48), TULIP_DES0_OWN);
    assert_int_equal(t.rx_desc, RX_RING + 48);

    /* Only one descriptor left for the next big frame: truncated there. */
    assert_false(tulip_receive(&t, f, 1514));
    st = rd32(RX_RING + 48);
    assert_int_equal(st & (TULIP_RDES0_FS | TULIP_RDES0_LS | TULIP_DES0_ES | TULIP_RDES0_DE),
                     TULIP_RDES0_FS | TULIP_RDES0_LS | TULIP_DES0_ES | TULIP_RDES0_DE);
    assert_int_equal(linux_rx_len(st), -1);
    assert_true(csr_r(5) & TULIP_CSR5_RU);
    assert_true(csr_r(5) & TULIP_CSR5_RI);
    assert_int_equal(t.rx_desc, RX_RING); /* end of ring */
}

static void test_rx_chained(void **state)
{
    uint8_t f[600];
    const uint32_t a = RX_RING, b = RX_RING + 0x200;

    (void)state;
    desc(a, TULIP_DES0_OWN, TULIP_DES1_CH | 400 | 2000u << TULIP_DES1_SIZE2_SH, RX_BUF, b);
    desc(b, TULIP_DES0_OWN, TULIP_DES1_CH | 400, RX_BUF + 0x800, a);
    start_rx();
    frame_to(f, 600, mac, 0x0800, 12);
    assert_true(tulip_receive(&t, f, 600));
    assert_int_equal(rd32(a), TULIP_RDES0_FS);
    assert_int_equal(linux_rx_len(rd32(b) | TULIP_RDES0_FS), 600);
    assert_memory_equal(ram + RX_BUF, f, 400);
    assert_memory_equal(ram + RX_BUF + 0x800, f + 400, 200);
    /* Buffer 2 of a chained descriptor is the link, never data. */
    assert_int_equal(rd32(b + 12), a);
    assert_int_equal(t.rx_desc, a);
}

/* ---- filters ----------------------------------------------------------------------- */

static void send_setup(uint32_t control, uint32_t gpa)
{
    uint32_t d = t.tx_desc;

    desc(d, TULIP_DES0_OWN, control, gpa, 0);
    csr_w(1, 1);
    assert_false(rd32(d) & TULIP_DES0_OWN);
}

static bool passes(const uint8_t dst[6])
{
    uint8_t f[60];

    frame_to(f, 60, dst, 0x0800, 0);
    wr32(t.rx_desc, TULIP_DES0_OWN);
    return tulip_receive(&t, f, 60);
}

static void put_entry(uint32_t gpa, unsigned n, const uint8_t a[6])
{
    for (unsigned w = 0; w < 3; w++) {
        ram[gpa + 12 * n + 4 * w] = a[2 * w];
        ram[gpa + 12 * n + 4 * w + 1] = a[2 * w + 1];
        ram[gpa + 12 * n + 4 * w + 2] = 0x5A; /* the high half is ignored */
        ram[gpa + 12 * n + 4 * w + 3] = 0xA5;
    }
}

static uint32_t ether_crc_le(const uint8_t *a)
{
    return ~crc32_std(a, 6);
}

static void test_filter_perfect(void **state)
{
    uint8_t a[16][6];

    (void)state;
    desc(RX_RING, TULIP_DES0_OWN, TULIP_DES1_CH | 1536, RX_BUF, RX_RING);
    enable_pci();
    csr_w(3, RX_RING);
    csr_w(4, TX_RING);
    csr_w(6, RX_TX);
    /* Nothing passes before the first setup frame. */
    assert_false(passes(mac));
    assert_false(passes(bcast));
    for (unsigned n = 0; n < 16; n++) {
        memcpy(a[n], "\x02\x00\x00\x00\x00\x00", 6);
        a[n][5] = (uint8_t)n;
        a[n][0] = (uint8_t)(n & 1); /* half of them multicast */
        put_entry(SETUP, n, a[n]);
    }
    send_setup(TULIP_TDES1_SET | 192, SETUP);
    assert_int_equal(csr_r(6) & (TULIP_CSR6_HP | TULIP_CSR6_HO | TULIP_CSR6_IF), 0);
    for (unsigned n = 0; n < 16; n++)
        assert_true(passes(a[n]));
    assert_false(passes(bcast)); /* "21140 bug: you must add the broadcast address" */
    assert_false(passes(mac));
    assert_false(passes((const uint8_t *)"\x02\x00\x00\x00\x00\x10"));

    /* Inverse: everything but the table. */
    send_setup(TULIP_TDES1_SET | TULIP_TDES1_FT1 | 192, SETUP);
    assert_int_equal(csr_r(6) & (TULIP_CSR6_HP | TULIP_CSR6_HO | TULIP_CSR6_IF), TULIP_CSR6_IF);
    assert_false(passes(a[3]));
    assert_true(passes(bcast));
    assert_true(passes(mac));

    /* PR, PM, RA. */
    send_setup(TULIP_TDES1_SET | 192, SETUP);
    csr_w(6, RX_TX | TULIP_CSR6_PM);
    assert_true(passes(bcast));
    assert_true(passes((const uint8_t *)"\x33\x33\x00\x00\x00\x01"));
    assert_false(passes(mac));
    csr_w(6, RX_TX | TULIP_CSR6_PR);
    assert_true(passes(mac));
    assert_false(rd32(RX_RING) & TULIP_RDES0_FF);
    csr_w(6, RX_TX | TULIP_CSR6_RA);
    assert_true(passes(mac));
    assert_true(rd32(RX_RING) & TULIP_RDES0_FF);
    assert_true(passes(a[2]));
    assert_false(rd32(RX_RING) & TULIP_RDES0_FF);
    /* CSR6's filter bits are read-only. */
    csr_w(6, RX_TX | TULIP_CSR6_HP | TULIP_CSR6_HO | TULIP_CSR6_IF);
    assert_int_equal(csr_r(6) & (TULIP_CSR6_HP | TULIP_CSR6_HO | TULIP_CSR6_IF), 0);
}

static void test_filter_hash(void **state)
{
    static const uint8_t groups[3][6] = {{0x01, 0x00, 0x5E, 0x00, 0x00, 0x01},
                                         {0x01, 0x00, 0x5E, 0x7F, 0xFF, 0xFA},
                                         {0x33, 0x33, 0xFF, 0x01, 0x02, 0x03}};
    const uint8_t other_group[6] = {0x01, 0x00, 0x5E, 0x00, 0x00, 0xFB};
    uint16_t hash_table[32];

    (void)state;
    desc(RX_RING, TULIP_DES0_OWN, TULIP_DES1_CH | 1536, RX_BUF, RX_RING);
    enable_pci();
    csr_w(3, RX_RING);
    csr_w(4, TX_RING);
    csr_w(6, RX_TX);

    /* build_setup_frame_hash(). */
    memset(hash_table, 0, sizeof(hash_table));
    hash_table[255 / 16] |= 1u << (255 % 16); /* broadcast */
    assert_int_equal(ether_crc_le(bcast) & 0x1ff, 255);
    for (unsigned g = 0; g < 3; g++) {
        unsigned index = ether_crc_le(groups[g]) & 0x1ff;

        hash_table[index / 16] |= (uint16_t)(1u << (index % 16));
    }
    assert_false(hash_table[(ether_crc_le(other_group) & 0x1ff) / 16] &
                 (1u << ((ether_crc_le(other_group) & 0x1ff) % 16)));
    memset(ram + SETUP, 0, 192);
    for (unsigned i = 0; i < 32; i++) {
        ram[SETUP + 4 * i] = (uint8_t)hash_table[i];
        ram[SETUP + 4 * i + 1] = (uint8_t)(hash_table[i] >> 8);
        ram[SETUP + 4 * i + 2] = (uint8_t)hash_table[i];
        ram[SETUP + 4 * i + 3] = (uint8_t)(hash_table[i] >> 8);
    }
    put_entry(SETUP, 13, mac);
    send_setup(0x08400000 | 192, SETUP);
    assert_int_equal(csr_r(6) & (TULIP_CSR6_HP | TULIP_CSR6_HO | TULIP_CSR6_IF), TULIP_CSR6_HP);
    assert_true(passes(mac));
    assert_true(passes(bcast));
    for (unsigned g = 0; g < 3; g++)
        assert_true(passes(groups[g]));
    assert_false(passes(other_group));
    assert_false(passes((const uint8_t *)"\x00\x15\x5D\x01\x02\x04"));

    /* Hash only: unicast through the table too. */
    {
        unsigned index = ether_crc_le(mac) & 0x1ff;

        ram[SETUP + 4 * (index / 16) + (index % 16) / 8] &= (uint8_t) ~(1u << (index % 8));
        send_setup(TULIP_TDES1_SET | TULIP_TDES1_FT1 | TULIP_TDES1_FT0 | 192, SETUP);
        assert_int_equal(csr_r(6) & (TULIP_CSR6_HP | TULIP_CSR6_HO), TULIP_CSR6_HP | TULIP_CSR6_HO);
        assert_false(passes(mac));
        ram[SETUP + 4 * (index / 16) + (index % 16) / 8] |= (uint8_t)(1u << (index % 8));
        send_setup(TULIP_TDES1_SET | TULIP_TDES1_FT1 | TULIP_TDES1_FT0 | 192, SETUP);
        assert_true(passes(mac));
        assert_true(passes(groups[1]));
    }
}

/* ---- interrupts and CSR5 --------------------------------------------------------- */

static void test_interrupts_and_w1c(void **state)
{
    (void)state;
    linux_rx_ring(1);
    wr32(RX_RING, 0); /* not ours: RU at start */
    enable_pci();
    csr_w(3, RX_RING);
    csr_w(4, TX_RING);
    csr_w(6, RX_TX);
    assert_int_equal(csr_r(5) & 0x1FFFF, TULIP_CSR5_RU | TULIP_CSR5_TU);
    assert_false(irq); /* nothing enabled: no summaries either */

    csr_w(7, TULIP_CSR5_TU);
    assert_true(csr_r(5) & TULIP_CSR5_NIS);
    assert_false(irq); /* NIE off */
    csr_w(7, TULIP_CSR5_TU | TULIP_CSR5_NIS);
    assert_true(irq);
    csr_w(7, TULIP_CSR5_RU | TULIP_CSR5_AIS);
    assert_false(csr_r(5) & TULIP_CSR5_NIS);
    assert_true(csr_r(5) & TULIP_CSR5_AIS);
    assert_true(irq);
    assert_int_equal(csr_r(7), TULIP_CSR5_RU | TULIP_CSR5_AIS);
    csr_w(7, 0xFFFFFFFFu);
    assert_int_equal(csr_r(7), VALID_INTRS);

    /* Write 1 to clear; 0s, summaries, states and EB are not cleared. */
    csr_w(5, TULIP_CSR5_TU);
    assert_true(csr_r(5) & TULIP_CSR5_RU);
    assert_false(csr_r(5) & TULIP_CSR5_TU);
    assert_true(irq);
    csr_w(5, TULIP_CSR5_NIS | TULIP_CSR5_AIS | TULIP_CSR5_RS_MASK | TULIP_CSR5_TS_MASK);
    assert_true(csr_r(5) & TULIP_CSR5_RU);
    assert_int_equal(rx_state(), TULIP_RS_SUSPENDED);
    assert_int_equal(tx_state(), TULIP_TS_SUSPENDED);
    csr_w(5, 0x0800f7ba); /* interrupt.c: "Clear all error sources" */
    assert_int_equal(csr_r(5) & 0x1FFFF, 0);
    assert_false(irq);
    /* Byte and misaligned writes do nothing. */
    wr32(RX_RING, TULIP_DES0_OWN);
    csr_w(2, 0);
    wr32(RX_RING, 0);
    csr_w(2, 0);
    assert_true(csr_r(5) & TULIP_CSR5_RU);
    tulip_io_write(&t, TULIP_CSR(5), 1, 0xFF);
    tulip_io_write(&t, TULIP_CSR(5) + 4, 4, 0xFFFFFFFFu);
    tulip_io_write(&t, TULIP_CSR(5) + 1, 4, 0xFFFFFFFFu);
    assert_true(csr_r(5) & TULIP_CSR5_RU);
    assert_true(irq);
}

/* ---- timers ------------------------------------------------------------------------ */

static void test_gp_timer(void **state)
{
    uint64_t unit = TULIP_GPT_UNIT_100_NS;

    (void)state;
    enable_pci();
    tulip_advance(&t, 1000);
    csr_w(6, TULIP_CSR6_PS); /* MII port at 100 Mbit/s */
    csr_w(7, VALID_INTRS);
    assert_int_equal(tulip_deadline(&t), TULIP_NO_DEADLINE);
    /* Linux's "too much work" path: mask all but AIS and GTE, 0x12 units. */
    csr_w(7, TULIP_CSR5_AIS | TULIP_CSR5_GTE);
    csr_w(11, 0x0012);
    assert_int_equal(tulip_deadline(&t), 1000 + 18 * unit);
    assert_int_equal(csr_r(11), 0x12);
    tulip_advance(&t, 1000 + 9 * unit);
    assert_int_equal(csr_r(11), 9);
    assert_false(irq);
    tulip_advance(&t, 1000 + 18 * unit - 1);
    assert_false(irq);
    tulip_advance(&t, 1000 + 18 * unit);
    assert_true(csr_r(5) & TULIP_CSR5_GTE);
    assert_true(csr_r(5) & TULIP_CSR5_AIS);
    assert_true(irq);
    assert_int_equal(csr_r(11) & 0xFFFF, 0); /* idle, as Linux checks */
    assert_int_equal(tulip_deadline(&t), TULIP_NO_DEADLINE);
    csr_w(5, TULIP_CSR5_GTE);
    assert_false(irq);

    /* Continuous: reloads; a long gap fires once, keeps the phase. */
    csr_w(11, TULIP_CSR11_CON | 2);
    uint64_t start = t.now;
    tulip_advance(&t, start + 2 * unit);
    assert_true(irq);
    assert_int_equal(tulip_deadline(&t), start + 4 * unit);
    csr_w(5, TULIP_CSR5_GTE);
    tulip_advance(&t, start + 1000 * unit + 1);
    assert_true(irq);
    assert_int_equal(tulip_deadline(&t), start + 1002 * unit);
    assert_int_equal(csr_r(11), TULIP_CSR11_CON | 2);
    /* Writing 0 stops it. */
    csr_w(11, 0);
    assert_int_equal(tulip_deadline(&t), TULIP_NO_DEADLINE);
    /* At 10 Mbit/s (TTM) the unit is 204.8 us; time never goes back. */
    csr_w(6, TULIP_CSR6_PS | TULIP_CSR6_TTM);
    csr_w(11, 1);
    assert_int_equal(tulip_deadline(&t), t.now + TULIP_GPT_UNIT_10_NS);
    tulip_advance(&t, 5);
    assert_int_equal(t.now, start + 1000 * unit + 1);
}

static void test_tx_auto_poll(void **state)
{
    uint8_t f[60];

    (void)state;
    csr_w(0, 1u << TULIP_CSR0_TAP_SHIFT); /* every 200 us */
    tulip_advance(&t, 5000);
    start_tx(TX_RING);
    assert_int_equal(tulip_deadline(&t), 5000 + 200000);
    /* Nothing there: no TU again, re-armed. */
    tulip_advance(&t, 5000 + 200000);
    assert_false(csr_r(5) & TULIP_CSR5_TU);
    assert_int_equal(tulip_deadline(&t), 5000 + 400000);
    frame_to(f, 60, bcast, 0x0800, 1);
    memcpy(ram + TX_BUF, f, 60);
    desc(TX_RING, TULIP_DES0_OWN, TULIP_TDES1_FS | TULIP_TDES1_LS | 60, TX_BUF, 0);
    tulip_advance(&t, 5000 + 400000);
    assert_int_equal(n_sent, 1);
    assert_true(csr_r(5) & TULIP_CSR5_TU);
    /* Stopped: no polling. */
    csr_w(6, 0);
    assert_int_equal(tulip_deadline(&t), TULIP_NO_DEADLINE);
}

/* ---- resets and loopback --------------------------------------------------------- */

static void test_software_reset(void **state)
{
    (void)state;
    linux_up(4);
    linux_mdio_write(1, 4, 0x0021);
    csr_w(7, VALID_INTRS);
    csr_w(11, 5);
    csr_w(5, 0); /* nothing */
    desc(TX_RING + 16, TULIP_DES0_OWN, 0, 0, 0);
    csr_w(1, 0); /* TU */
    assert_true(irq);
    csr_w(0, TULIP_CSR0_SWR);
    assert_false(irq);
    assert_int_equal(csr_r(0), 0);
    assert_int_equal(csr_r(5), 0);
    assert_int_equal(csr_r(6), TULIP_CSR6_PS); /* port select survives */
    assert_int_equal(csr_r(7), 0);
    assert_int_equal(csr_r(3), 0);
    assert_int_equal(tulip_deadline(&t), TULIP_NO_DEADLINE);
    assert_int_equal(linux_mdio_read(1, 4), 0x0021); /* the PHY is outside */
    /* The filter is gone: our own unicast no longer passes. */
    csr_w(3, RX_RING);
    csr_w(6, RX_TX);
    assert_false(passes(mac));

    /* A platform reset: PCI too, and the PHY. */
    tulip_reset(&t);
    assert_false(bars[TULIP_IO_BAR].mapped);
    assert_int_equal(cfg_r(PCI_CFG_COMMAND, 2), 0);
    assert_int_equal(csr_r(6), 0);
    assert_int_equal(linux_mdio_read(1, 4), 0x01E1);
    assert_false(irq);
}

static void test_loopback(void **state)
{
    uint8_t f[100];
    uint32_t st;

    (void)state;
    linux_rx_ring(2);
    start_rx();
    csr_w(6, RX_TX | TULIP_CSR6_OM_INT);
    frame_to(f, 100, mac, 0x0800, 42);
    memcpy(ram + TX_BUF, f, 100);
    desc(TX_RING + 16, TULIP_DES0_OWN, TULIP_TDES1_FS | TULIP_TDES1_LS | 100, TX_BUF, 0);
    csr_w(1, 0);
    assert_int_equal(n_sent, 0);
    st = rd32(RX_RING);
    assert_int_equal((st >> 12) & 3, 1); /* DT: internal loopback */
    assert_int_equal((st & TULIP_RDES0_FL_MASK) >> TULIP_RDES0_FL_SHIFT, 104);
    assert_memory_equal(ram + RX_BUF, f, 100);
}

/* ---- hostile guests ----------------------------------------------------------------- */

static void assert_bus_error(void)
{
    uint32_t csr5 = csr_r(5);

    assert_true(csr5 & TULIP_CSR5_FBE);
    assert_int_equal(csr5 & TULIP_CSR5_EB_MASK, TULIP_CSR5_EB_MABT);
    assert_true(cfg_r(PCI_CFG_STATUS, 2) & PCI_STS_RCV_MASTER_ABORT);
    assert_false(csr5 & (TULIP_CSR5_TPS | TULIP_CSR5_RPS));
}

static void clear_errors(void)
{
    cfg_w(PCI_CFG_STATUS, 2, PCI_STS_ERRORS);
    csr_w(5, 0xFFFFFFFFu);
    assert_false(cfg_r(PCI_CFG_STATUS, 2) & PCI_STS_RCV_MASTER_ABORT);
    assert_false(csr_r(5) & TULIP_CSR5_FBE);
}

static void test_tx_outside_ram(void **state)
{
    uint8_t f[60];

    (void)state;
    linux_rx_ring(2);
    start_rx();
    csr_w(7, VALID_INTRS);
    /* A descriptor list outside RAM. */
    csr_w(6, TULIP_CSR6_SR);
    csr_w(4, OUTSIDE);
    csr_w(6, RX_TX);
    assert_bus_error();
    assert_int_equal(tx_state(), TULIP_TS_STOPPED);
    assert_int_equal(rx_state(), TULIP_RS_WAIT); /* the receiver goes on */
    assert_true(irq);
    frame_to(f, 60, mac, 0x0800, 1);
    assert_true(tulip_receive(&t, f, 60));
    csr_w(1, 0); /* a stopped transmitter ignores polls */
    assert_int_equal(tx_state(), TULIP_TS_STOPPED);
    /* PCI status and CSR5 clear by writing 1s; a restart works. */
    cfg_w(PCI_CFG_STATUS, 2, PCI_STS_RCV_MASTER_ABORT);
    assert_false(cfg_r(PCI_CFG_STATUS, 2) & PCI_STS_RCV_MASTER_ABORT);
    clear_errors();
    csr_w(6, TULIP_CSR6_SR);
    csr_w(4, TX_RING + 0x100);
    /* A buffer outside RAM, and one straddling its end. */
    desc(TX_RING + 0x100, TULIP_DES0_OWN, TULIP_TDES1_FS | TULIP_TDES1_LS | 100, OUTSIDE, 0);
    csr_w(6, RX_TX);
    assert_bus_error();
    assert_int_equal(rd32(TX_RING + 0x100), TULIP_DES0_OWN); /* not closed */
    assert_int_equal(n_sent, 0);
    clear_errors();
    csr_w(6, TULIP_CSR6_SR);
    desc(TX_RING + 0x100, TULIP_DES0_OWN, TULIP_TDES1_FS | TULIP_TDES1_LS | 100, RAM_SIZE - 50, 0);
    csr_w(6, RX_TX);
    assert_bus_error();
    /* A setup frame outside RAM; a descriptor whose closing write fails
     * (the list's last 4 bytes... of RAM: the chained link outside). */
    clear_errors();
    csr_w(6, TULIP_CSR6_SR);
    desc(TX_RING + 0x100, TULIP_DES0_OWN, TULIP_TDES1_SET | 192, RAM_SIZE - 100, 0);
    csr_w(6, RX_TX);
    assert_bus_error();
    clear_errors();
    csr_w(6, TULIP_CSR6_SR);
    desc(TX_RING + 0x100, TULIP_DES0_OWN, TULIP_DES1_CH, 0, OUTSIDE);
    csr_w(6, RX_TX);
    assert_bus_error();
    assert_int_equal(rd32(TX_RING + 0x100), 0); /* this one closed, the next unreadable */
}

static void test_rx_outside_ram(void **state)
{
    uint8_t f[60];

    (void)state;
    enable_pci();
    frame_to(f, 60, mac, 0x0800, 1);
    /* The list outside RAM: not ready (no side effect), then a bus error. */
    csr_w(3, OUTSIDE);
    csr_w(6, TULIP_CSR6_PR);
    csr_w(6, TULIP_CSR6_PR | TULIP_CSR6_SR);
    assert_bus_error();
    assert_int_equal(rx_state(), TULIP_RS_STOPPED);
    assert_false(tulip_rx_ready(&t));
    assert_false(tulip_receive(&t, f, 60));
    clear_errors();
    csr_w(6, TULIP_CSR6_PR);
    /* A buffer outside RAM. */
    csr_w(3, RX_RING);
    desc(RX_RING, TULIP_DES0_OWN, TULIP_DES1_CH | 1536, OUTSIDE, RX_RING);
    csr_w(6, TULIP_CSR6_PR | TULIP_CSR6_SR);
    assert_true(tulip_rx_ready(&t));
    assert_false(tulip_receive(&t, f, 60));
    assert_bus_error();
    assert_int_equal(rx_state(), TULIP_RS_STOPPED);
    assert_int_equal(rd32(RX_RING), TULIP_DES0_OWN);
    /* The next descriptor unreadable in the middle of a frame. */
    clear_errors();
    csr_w(6, TULIP_CSR6_PR);
    desc(RX_RING, TULIP_DES0_OWN, TULIP_DES1_CH | 32, RX_BUF, OUTSIDE);
    csr_w(6, TULIP_CSR6_PR | TULIP_CSR6_SR);
    assert_false(tulip_receive(&t, f, 60));
    assert_bus_error();
    /* Between a stop and a bus error the CSR3 pointer stays put. */
    assert_int_equal(t.rx_desc, RX_RING);
}

static void test_self_chained_rings(void **state)
{
    uint8_t f[100];
    unsigned reads;

    (void)state;
    linux_rx_ring(1);
    start_rx();
    /* TX: a descriptor chained to itself with nothing in it. */
    desc(TX_RING + 0x200, TULIP_DES0_OWN, TULIP_DES1_CH, 0, TX_RING + 0x200);
    csr_w(6, TULIP_CSR6_SR);
    csr_w(4, TX_RING + 0x200);
    csr_w(6, RX_TX);
    assert_int_equal(tx_state(), TULIP_TS_SUSPENDED);
    assert_int_equal(rd32(TX_RING + 0x200), 0);
    /* ... and a guest that hands it back as soon as it is closed. */
    force_own = true;
    reads = dma_reads;
    csr_w(1, 0);
    assert_int_equal(dma_reads - reads, TULIP_WALK_MAX);
    assert_int_equal(tx_state(), TULIP_TS_RUNNING);
    assert_int_equal(n_sent, 0);
    /* A frame that never ends, its descriptor forever handed back. */
    frame_to(f, 100, bcast, 0x0800, 2);
    memcpy(ram + TX_BUF, f, 100);
    desc(TX_RING + 0x200, TULIP_DES0_OWN, TULIP_DES1_CH | 100, TX_BUF, TX_RING + 0x200);
    reads = dma_reads;
    csr_w(1, 0);
    assert_true(dma_reads - reads <= 2 * TULIP_WALK_MAX);
    assert_true(csr_r(5) & TULIP_CSR5_TJT); /* the gathered frame grew too long */
    force_own = false;

    /* RX: a ring of one descriptor with no buffer space, chained to itself. */
    csr_w(6, TULIP_CSR6_ST);
    desc(RX_RING, TULIP_DES0_OWN, TULIP_DES1_CH, 0, RX_RING);
    csr_w(3, RX_RING);
    csr_w(6, RX_TX);
    frame_to(f, 100, mac, 0x0800, 3);
    assert_false(tulip_receive(&t, f, 100));
    assert_true(rd32(RX_RING) & TULIP_RDES0_DE);
    assert_int_equal(rx_state(), TULIP_RS_SUSPENDED);
    /* The same, handed back forever: at most TULIP_WALK_MAX descriptors. */
    force_own = true;
    csr_w(5, 0xFFFFFFFFu);
    reads = dma_reads;
    assert_false(tulip_receive(&t, f, 100));
    assert_true(dma_reads - reads <= TULIP_WALK_MAX + 1);
    assert_true(rd32(RX_RING) & TULIP_RDES0_DE);
    /* Cut short by the budget, not by a missing descriptor: no RU. */
    assert_int_equal(csr_r(5) & (TULIP_CSR5_RI | TULIP_CSR5_RU), TULIP_CSR5_RI);
    assert_int_equal(rx_state(), TULIP_RS_WAIT);
    force_own = false;
}

static void test_tx_jabber_and_sizes(void **state)
{
    uint8_t f[TULIP_MAX_FRAME + 4];

    (void)state;
    start_tx(TX_RING);
    csr_w(7, VALID_INTRS);
    frame_to(f, sizeof(f), bcast, 0x8100, 5);
    memcpy(ram + TX_BUF, f, sizeof(f));
    /* Exactly the limit passes, over two buffers. */
    desc(TX_RING, TULIP_DES0_OWN,
         TULIP_TDES1_FS | TULIP_TDES1_LS | 1000 | (TULIP_MAX_FRAME - 1000) << TULIP_DES1_SIZE2_SH,
         TX_BUF, TX_BUF + 1000);
    /* With AC the limit counts the guest's FCS. */
    desc(TX_RING + 16, TULIP_DES0_OWN,
         TULIP_TDES1_FS | TULIP_TDES1_LS | TULIP_TDES1_AC | (TULIP_MAX_FRAME + 4), TX_BUF, 0);
    /* One byte more jabbers: across descriptors, 2047 + 2047 bytes. */
    desc(TX_RING + 32, TULIP_DES0_OWN, TULIP_TDES1_FS | 2047 | 2047u << TULIP_DES1_SIZE2_SH, TX_BUF,
         TX_BUF);
    desc(TX_RING + 48, TULIP_DES0_OWN, TULIP_TDES1_LS | 10, TX_BUF, 0);
    csr_w(1, 0);
    assert_int_equal(n_sent, 2);
    assert_int_equal(sent_len[0], TULIP_MAX_FRAME);
    assert_int_equal(sent_len[1], TULIP_MAX_FRAME);
    assert_int_equal(rd32(TX_RING + 32), TULIP_DES0_ES | TULIP_TDES0_TO);
    assert_true(csr_r(5) & TULIP_CSR5_TJT);
    assert_true(csr_r(5) & TULIP_CSR5_TPS);
    assert_int_equal(tx_state(), TULIP_TS_STOPPED);
    assert_true(irq);
    /* Linux restarts: the next descriptor has no FS, sent on its own
     * (10 bytes, padded); the chip does not look back. */
    csr_w(5, 0xFFFFFFFFu);
    csr_w(6, 0);
    csr_w(6, TULIP_CSR6_ST);
    assert_int_equal(n_sent, 3);
    assert_int_equal(sent_len[2], 60);

    /* Setup frames of the wrong size: ES, the filter untouched. */
    for (unsigned i = 0; i < 4; i++) {
        static const uint32_t sizes[4] = {0, 191, 193, 2047};

        desc(t.tx_desc, TULIP_DES0_OWN, TULIP_TDES1_SET | sizes[i], SETUP, 0);
        csr_w(1, 0);
    }
    assert_int_equal(rd32(TX_RING + 16 * 4), TULIP_DES0_ES);
    assert_int_equal(rd32(TX_RING + 16 * 7), TULIP_DES0_ES);
    assert_int_equal(t.filter.mode, TULIP_FILTER_NONE);
    /* 96 + 96 over both buffers is a setup frame. */
    linux_setup_frame(SETUP);
    desc(t.tx_desc, TULIP_DES0_OWN, TULIP_TDES1_SET | 96 | 96u << TULIP_DES1_SIZE2_SH, SETUP,
         SETUP + 96);
    csr_w(1, 0);
    assert_int_equal(t.filter.mode, TULIP_FILTER_PERFECT);
    assert_memory_equal(t.filter.addr[15], mac, 6);
    assert_memory_equal(t.filter.addr[0], bcast, 6);
}

static void test_receive_bounds(void **state)
{
    uint8_t f[TULIP_MAX_FRAME + 2];
    unsigned reads, writes;

    (void)state;
    /* Receive buffers of 2047 + 2047 bytes take the biggest frame. */
    desc(RX_RING, TULIP_DES0_OWN, TULIP_DES1_ER | 2047 | 2047u << TULIP_DES1_SIZE2_SH, RX_BUF,
         RX_BUF + 0x1000);
    start_rx();
    frame_to(f, sizeof(f), mac, 0x8100, 1);
    reads = dma_reads;
    writes = dma_writes;
    assert_false(tulip_receive(&t, f, TULIP_MAX_FRAME + 1));
    assert_false(tulip_receive(&t, f, 13));
    assert_false(tulip_receive(&t, NULL, 60));
    assert_int_equal(dma_reads, reads);
    assert_int_equal(dma_writes, writes);
    assert_true(tulip_receive(&t, f, TULIP_MAX_FRAME));
    assert_int_equal(linux_rx_len(rd32(RX_RING)), TULIP_MAX_FRAME);
    assert_int_equal(rd32(RX_BUF + 2047), 0); /* all in buffer 1 */

    /* Bus mastering off: nothing is touched, frames are counted missed. */
    cfg_w(PCI_CFG_COMMAND, 2, PCI_CMD_IO);
    wr32(RX_RING, TULIP_DES0_OWN);
    reads = dma_reads;
    assert_false(tulip_rx_ready(&t));
    assert_false(tulip_receive(&t, f, 60));
    csr_w(1, 0);
    csr_w(2, 0);
    assert_int_equal(dma_reads, reads);
    assert_int_equal(csr_r(8), 1);
    /* CSR8 saturates with its overflow bit. */
    for (unsigned i = 0; i < 0x10001; i++)
        (void)tulip_receive(&t, f, 60);
    assert_int_equal(csr_r(8), TULIP_CSR8_MFO | 0xFFFF);
}

static void test_bad_csr_accesses(void **state)
{
    (void)state;
    csr_w(7, 0x12345678);
    /* Byte and word reads give the lanes; holes and the end read 0 or 1s. */
    assert_int_equal(tulip_io_read(&t, TULIP_CSR(7), 1), 0x78 & VALID_INTRS);
    assert_int_equal(tulip_io_read(&t, TULIP_CSR(7) + 1, 2), (0x12345678 & VALID_INTRS) >> 8);
    assert_int_equal(tulip_io_read(&t, TULIP_CSR(7) + 2, 4), (0x12345678 & VALID_INTRS) >> 16);
    assert_int_equal(tulip_io_read(&t, TULIP_CSR(7) + 4, 4), 0);
    assert_int_equal(tulip_io_read(&t, TULIP_CSR(10), 4), 0);
    assert_int_equal(tulip_io_read(&t, TULIP_CSR(13), 4), 0);
    assert_int_equal(tulip_io_read(&t, 128, 4), 0xFFFFFFFFu);
    assert_int_equal(tulip_io_read(&t, 0, 3), 0xFFFFFFFFu);
    assert_int_equal(tulip_io_read(&t, 127, 4), 0); /* past the end reads 0 */
    tulip_io_write(&t, 128, 4, 0xFFFFFFFFu);
    tulip_io_write(&t, TULIP_CSR(0), 2, TULIP_CSR0_SWR);
    tulip_io_write(&t, TULIP_CSR(7), 8, 0);
    assert_int_equal(csr_r(7), 0x12345678 & VALID_INTRS);
    /* CSR12: directions and outputs; CSR15's bits. */
    csr_w(12, 0x100 | 0x0F);
    csr_w(12, 0xFF);
    assert_int_equal(csr_r(12), 0x0F);
    csr_w(15, 0xFFFFFFFFu);
    assert_int_equal(csr_r(15), 0x37);
    /* CSR8 is read-only. */
    csr_w(8, 0xFFFF);
    assert_int_equal(csr_r(8), 0);
}

/* Random CSR traffic over random descriptors: nothing may crash or touch
 * memory outside what the model is given, every call is bounded, INTA#
 * follows the model, and frames do flow both ways. */
#define RND_DESCS 256u
#define RND_SPAN  0x10000u

static uint32_t rnd_state = 12345;

static uint32_t rnd(void)
{
    rnd_state = rnd_state * 1103515245u + 12345u;
    return rnd_state >> 8 ^ rnd_state << 13;
}

/* Mostly an address in the random span, now and then anywhere. */
static uint32_t rnd_addr(void)
{
    uint32_t r = rnd();

    return (r & 0xF000) ? rnd() % RND_SPAN : rnd();
}

static void rnd_desc(void)
{
    uint32_t slot = rnd() % RND_DESCS, r = rnd();
    uint32_t control = rnd() & 0xFFC00000u;

    control |= (r & 1) ? rnd() % 1600 : rnd() & TULIP_DES1_SIZE_MASK;
    if (r & 2)
        control |= (rnd() % 600) << TULIP_DES1_SIZE2_SH;
    if ((r & 0x30) == 0)
        control |= TULIP_TDES1_SET | 192;
    if (r & 0x40)
        control &= ~TULIP_DES1_CH;
    desc(slot * 16, (r & 0x700) ? TULIP_DES0_OWN : rnd(), control, rnd_addr(),
         (r & 0x800) ? 16 * (rnd() % RND_DESCS) : rnd_addr());
}

static void test_random_traffic(void **state)
{
    uint8_t f[TULIP_MAX_FRAME];
    unsigned received = 0;

    (void)state;
    enable_pci();
    for (unsigned i = 0; i < RND_SPAN; i++)
        ram[i] = (uint8_t)(i * 2654435761u >> 13);
    for (unsigned i = 0; i < RND_DESCS; i++)
        rnd_desc();
    for (unsigned i = 0; i < sizeof(f); i++)
        f[i] = (uint8_t)(i * 31);
    for (unsigned round = 0; round < 500000; round++) {
        uint32_t r = rnd(), v = rnd();
        unsigned reads = dma_reads, writes = dma_writes;

        switch (r % 16) {
        case 0:
            csr_w(v % 16, rnd());
            break;
        case 1:
            (void)tulip_io_read(&t, v % 132, 1u << (r >> 8) % 3);
            break;
        case 2:
        case 3:
            csr_w(1, v);
            break;
        case 4:
            if (v & 0x80000000u)
                csr_w(6, 0); /* a restart, as Linux's tulip_restart_rxtx() */
            csr_w(6, (v & (TULIP_CSR6_PR | TULIP_CSR6_PM | TULIP_CSR6_RA | TULIP_CSR6_OM_MASK |
                           TULIP_CSR6_PS | TULIP_CSR6_TTM)) |
                         ((v & 0x7000000) ? RX_TX | TULIP_CSR6_PR : 0));
            break;
        case 5:
        case 6:
        case 7:
            memcpy(f, (v & 1) ? mac : bcast, 6);
            if (tulip_receive(&t, f, 14 + rnd() % (TULIP_MAX_FRAME - 13)))
                received++;
            break;
        case 8:
            (void)tulip_rx_ready(&t);
            break;
        case 9:
            rnd_desc();
            break;
        case 10:
            /* A driver handing its current descriptors back. */
            for (unsigned k = 0; k < 2; k++) {
                uint32_t at = k ? t.tx_desc : t.rx_desc;

                if (at <= RND_SPAN - 16)
                    desc(at, TULIP_DES0_OWN,
                         (rd32(at + 4) & (TULIP_DES1_CH | TULIP_DES1_ER)) |
                             (k ? TULIP_TDES1_FS | TULIP_TDES1_LS : 0) | (60 + rnd() % 1500),
                         rnd() % (RND_SPAN - 2048), rd32(at + 12));
            }
            break;
        case 11:
            tulip_advance(&t, t.now + v % 1000000);
            break;
        case 12:
            csr_w(3, (v & 7) ? 16 * (rnd() % RND_DESCS) : rnd());
            csr_w(4, (v & 0x70) ? 16 * (rnd() % RND_DESCS) : rnd());
            break;
        case 13:
            csr_w(0, v & ~TULIP_CSR0_SWR);
            break;
        case 14:
            csr_w(9, v);
            break;
        default:
            if (v % 64 == 0)
                csr_w(0, TULIP_CSR0_SWR);
            else if (v % 64 == 1)
                cfg_w(PCI_CFG_COMMAND, 2, (v >> 6) & 3 ? 0x7 : 0x3);
            else
                csr_w(2, v);
            break;
        }
        /* Per call: at most a walk of descriptors and their buffers. */
        assert_true(dma_reads - reads <= 3 * TULIP_WALK_MAX + 1);
        assert_true(dma_writes - writes <= 3 * TULIP_WALK_MAX);
        assert_int_equal(irq, t.irq_level);
    }
    /* The traffic was not all refused. */
    assert_true(received > 2000);
    assert_true(n_sent > 1000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_pci_identity, setup),
        cmocka_unit_test_setup(test_init_errors, setup),
        cmocka_unit_test_setup(test_srom_as_linux_reads_it, setup),
        cmocka_unit_test_setup(test_srom_protocol, setup),
        cmocka_unit_test_setup(test_mii_as_linux_reads_it, setup),
        cmocka_unit_test_setup(test_linux_up_and_traffic, setup),
        cmocka_unit_test_setup(test_tx_ring, setup),
        cmocka_unit_test_setup(test_tx_chained, setup),
        cmocka_unit_test_setup(test_rx_ring, setup),
        cmocka_unit_test_setup(test_rx_multi_descriptor, setup),
        cmocka_unit_test_setup(test_rx_chained, setup),
        cmocka_unit_test_setup(test_filter_perfect, setup),
        cmocka_unit_test_setup(test_filter_hash, setup),
        cmocka_unit_test_setup(test_interrupts_and_w1c, setup),
        cmocka_unit_test_setup(test_gp_timer, setup),
        cmocka_unit_test_setup(test_tx_auto_poll, setup),
        cmocka_unit_test_setup(test_software_reset, setup),
        cmocka_unit_test_setup(test_loopback, setup),
        cmocka_unit_test_setup(test_tx_outside_ram, setup),
        cmocka_unit_test_setup(test_rx_outside_ram, setup),
        cmocka_unit_test_setup(test_self_chained_rings, setup),
        cmocka_unit_test_setup(test_tx_jabber_and_sizes, setup),
        cmocka_unit_test_setup(test_receive_bounds, setup),
        cmocka_unit_test_setup(test_bad_csr_accesses, setup),
        cmocka_unit_test_setup(test_random_traffic, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
