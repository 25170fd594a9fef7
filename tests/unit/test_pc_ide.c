// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of drivers/pc/ide.c and ide_bmdma.c, the PIIX4 IDE controller
 * with ATA disks: IDENTIFY DEVICE's fields and checksum; PIO reads and
 * writes through an in-memory backend (16- and 32-bit data accesses, DRQ
 * blocks and their interrupts); LBA28, LBA48 and its HOB registers, CHS;
 * sector count 0; READ/WRITE MULTIPLE; bus-master DMA with multi-entry PRD
 * tables (an entry crossing a page, the command before or after the start
 * bit, a table longer than the transfer); hostile DMA (entries and tables
 * outside RAM or straddling its end, tables that never end or end early,
 * the wrong direction) and oversized or out-of-range requests; backend
 * errors; FLUSH CACHE and the write cache; SET FEATURES; the power and
 * diagnostic commands; absent devices; soft reset and its signatures; nIEN
 * and the bus master's interrupt bit; and random port traffic.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <pc/ide.h>

#define RAM_SIZE      (1u << 20)
#define DISK_SECTORS  8192u
#define DISK_BYTES    (DISK_SECTORS * IDE_SECTOR_SIZE)
#define PRD_TABLE     0x1000u
#define STATUS_READY  (IDE_STATUS_DRDY | IDE_STATUS_DSC)
#define STATUS_DRQ    (STATUS_READY | IDE_STATUS_DRQ)
#define STATUS_FAILED (STATUS_READY | IDE_STATUS_ERR)

static struct ide ide;
static uint8_t ram[RAM_SIZE];
static unsigned map_calls;

/* ---- the in-memory backend ---------------------------------------------------- */

struct memdisk {
    uint8_t *data;
    uint64_t size; /* what the model is told */
    uint64_t base; /* data holds [base, base + cap) */
    size_t cap;
    unsigned reads, writes, flushes;
    int read_error, write_error, flush_error; /* returned when set */
};

static uint8_t disk_data[DISK_BYTES];
static struct memdisk md;

static uint8_t *md_at(struct memdisk *m, uint64_t off, size_t len)
{
    /* The model never asks past the disk's end; the tests keep to the window. */
    assert_true(off + len <= m->size);
    assert_true(off >= m->base && off + len <= m->base + m->cap);
    assert_int_equal(off % IDE_SECTOR_SIZE, 0);
    assert_int_equal(len % IDE_SECTOR_SIZE, 0);
    assert_true(len > 0 && len <= IDE_BUF_SIZE);
    return m->data + (off - m->base);
}

static int md_read(void *opaque, uint64_t off, void *buf, size_t len)
{
    struct memdisk *m = opaque;

    m->reads++;
    if (m->read_error)
        return -m->read_error;
    memcpy(buf, md_at(m, off, len), len);
    return 0;
}

static int md_write(void *opaque, uint64_t off, const void *buf, size_t len)
{
    struct memdisk *m = opaque;

    m->writes++;
    if (m->write_error)
        return -m->write_error;
    memcpy(md_at(m, off, len), buf, len);
    return 0;
}

static int md_flush(void *opaque)
{
    struct memdisk *m = opaque;

    m->flushes++;
    return m->flush_error ? -m->flush_error : 0;
}

static const struct ide_backend_ops md_ops = {md_read, md_write, md_flush};

static uint8_t pattern(uint64_t off)
{
    return (uint8_t)((off >> 9) * 13 + off * 7 + (off >> 17));
}

/* ---- the host ------------------------------------------------------------------ */

static bool irq_level[IDE_CHANNELS];
static unsigned irq_raises[IDE_CHANNELS];

static void irq(void *opaque, unsigned channel, bool level)
{
    assert_ptr_equal(opaque, &ide);
    assert_true(channel < IDE_CHANNELS);
    assert_true(level != irq_level[channel]); /* changes only */
    irq_level[channel] = level;
    if (level)
        irq_raises[channel]++;
}

static void *map(void *opaque, uint64_t gpa, size_t len, bool to_memory)
{
    (void)to_memory;
    assert_ptr_equal(opaque, &ide);
    map_calls++;
    if (gpa > RAM_SIZE || len > RAM_SIZE - gpa)
        return NULL;
    return ram + gpa;
}

static void outb(unsigned c, unsigned reg, uint8_t v)
{
    ide_io_write(&ide, c, IDE_IO_COMMAND, reg, 1, v);
}

static uint8_t inb(unsigned c, unsigned reg)
{
    return (uint8_t)ide_io_read(&ide, c, IDE_IO_COMMAND, reg, 1);
}

static uint16_t inw(unsigned c)
{
    return (uint16_t)ide_io_read(&ide, c, IDE_IO_COMMAND, IDE_REG_DATA, 2);
}

static void outw(unsigned c, uint16_t v)
{
    ide_io_write(&ide, c, IDE_IO_COMMAND, IDE_REG_DATA, 2, v);
}

static void ctl(unsigned c, uint8_t v)
{
    ide_io_write(&ide, c, IDE_IO_CONTROL, 0, 1, v);
}

static uint8_t altstatus(unsigned c)
{
    return (uint8_t)ide_io_read(&ide, c, IDE_IO_CONTROL, 0, 1);
}

static void bm_outb(unsigned c, unsigned reg, uint8_t v)
{
    ide_bm_write(&ide, c * IDE_BM_CHANNEL_PORTS + reg, 1, v);
}

static uint8_t bm_inb(unsigned c, unsigned reg)
{
    return (uint8_t)ide_bm_read(&ide, c * IDE_BM_CHANNEL_PORTS + reg, 1);
}

static void bm_outl(unsigned c, unsigned reg, uint32_t v)
{
    ide_bm_write(&ide, c * IDE_BM_CHANNEL_PORTS + reg, 4, v);
}

/* Read @n bytes of data, in words or dwords. */
static void pio_in(unsigned c, uint8_t *dst, size_t n, bool dwords)
{
    for (size_t i = 0; i < n; i += dwords ? 4 : 2) {
        uint32_t v = dwords ? (uint32_t)ide_io_read(&ide, c, IDE_IO_COMMAND, 0, 4) : inw(c);

        dst[i] = (uint8_t)v;
        dst[i + 1] = (uint8_t)(v >> 8);
        if (dwords) {
            dst[i + 2] = (uint8_t)(v >> 16);
            dst[i + 3] = (uint8_t)(v >> 24);
        }
    }
}

static void pio_out(unsigned c, const uint8_t *src, size_t n)
{
    for (size_t i = 0; i < n; i += 2)
        outw(c, (uint16_t)(src[i] | src[i + 1] << 8));
}

static void lba28_cmd(unsigned c, unsigned unit, uint8_t cmd, uint32_t lba, uint8_t count)
{
    outb(c, IDE_REG_DEVICE, (uint8_t)(0xA0 | IDE_DEVICE_LBA | unit << 4 | ((lba >> 24) & 0x0F)));
    outb(c, IDE_REG_NSECT, count);
    outb(c, IDE_REG_LBAL, (uint8_t)lba);
    outb(c, IDE_REG_LBAM, (uint8_t)(lba >> 8));
    outb(c, IDE_REG_LBAH, (uint8_t)(lba >> 16));
    outb(c, IDE_REG_COMMAND, cmd);
}

/* libata's order: the HOB bytes first, then the low ones. */
static void lba48_cmd(unsigned c, unsigned unit, uint8_t cmd, uint64_t lba, uint32_t count)
{
    outb(c, IDE_REG_DEVICE, (uint8_t)(IDE_DEVICE_LBA | unit << 4));
    outb(c, IDE_REG_NSECT, (uint8_t)(count >> 8));
    outb(c, IDE_REG_LBAL, (uint8_t)(lba >> 24));
    outb(c, IDE_REG_LBAM, (uint8_t)(lba >> 32));
    outb(c, IDE_REG_LBAH, (uint8_t)(lba >> 40));
    outb(c, IDE_REG_NSECT, (uint8_t)count);
    outb(c, IDE_REG_LBAL, (uint8_t)lba);
    outb(c, IDE_REG_LBAM, (uint8_t)(lba >> 8));
    outb(c, IDE_REG_LBAH, (uint8_t)(lba >> 16));
    outb(c, IDE_REG_COMMAND, cmd);
}

/* A non-data command with @feature and @nsect. */
static uint8_t simple_cmd(unsigned c, uint8_t cmd, uint8_t feature, uint8_t nsect)
{
    outb(c, IDE_REG_FEATURE, feature);
    outb(c, IDE_REG_NSECT, nsect);
    outb(c, IDE_REG_COMMAND, cmd);
    return inb(c, IDE_REG_STATUS);
}

static void put_prd(unsigned i, uint32_t addr, uint32_t count, bool eot)
{
    uint8_t *e = ram + PRD_TABLE + 8 * i;

    e[0] = (uint8_t)addr;
    e[1] = (uint8_t)(addr >> 8);
    e[2] = (uint8_t)(addr >> 16);
    e[3] = (uint8_t)(addr >> 24);
    e[4] = (uint8_t)count;
    e[5] = (uint8_t)(count >> 8);
    e[6] = 0;
    e[7] = eot ? 0x80 : 0;
}

/* ata_bmdma_setup(): the table, the direction, the start bit clear. */
static void bm_setup(unsigned c, uint32_t table, bool to_memory)
{
    bm_outl(c, IDE_BM_PRD, table);
    bm_outb(c, IDE_BM_CMD, to_memory ? IDE_BM_CMD_TO_MEM : 0);
    bm_outb(c, IDE_BM_STATUS, IDE_BM_ST_ERROR | IDE_BM_ST_INTR);
}

static void bm_start(unsigned c)
{
    bm_outb(c, IDE_BM_CMD, (uint8_t)(bm_inb(c, IDE_BM_CMD) | IDE_BM_CMD_START));
}

static void bm_stop(unsigned c)
{
    bm_outb(c, IDE_BM_CMD, (uint8_t)(bm_inb(c, IDE_BM_CMD) & ~IDE_BM_CMD_START));
}

static void attach_disk(unsigned c, unsigned unit, struct memdisk *m)
{
    struct ide_drive_config cfg = {
        .kind = IDE_DISK,
        .backend = {&md_ops, m, m->size},
        .model = "TEST DISK",
        .serial = "SN12345",
        .firmware = "FW1",
    };

    assert_int_equal(ide_attach(&ide, c, unit, &cfg), 0);
}

static int setup(void **state)
{
    (void)state;
    memset(irq_level, 0, sizeof(irq_level));
    memset(irq_raises, 0, sizeof(irq_raises));
    memset(ram, 0, sizeof(ram));
    map_calls = 0;
    for (uint32_t i = 0; i < DISK_BYTES; i++)
        disk_data[i] = pattern(i);
    memset(&md, 0, sizeof(md));
    md.data = disk_data;
    md.size = md.cap = DISK_BYTES;
    ide_init(&ide, irq, map, &ide);
    attach_disk(0, 0, &md);
    return 0;
}

static void identify_words(unsigned c, unsigned unit, uint16_t *id)
{
    uint8_t raw[512];

    outb(c, IDE_REG_DEVICE, (uint8_t)(unit << 4));
    outb(c, IDE_REG_COMMAND, IDE_CMD_IDENTIFY);
    assert_int_equal(inb(c, IDE_REG_STATUS), STATUS_DRQ);
    pio_in(c, raw, sizeof(raw), false);
    assert_int_equal(inb(c, IDE_REG_STATUS), STATUS_READY);
    for (unsigned i = 0; i < 256; i++)
        id[i] = (uint16_t)(raw[2 * i] | raw[2 * i + 1] << 8);
}

static void assert_ata_string(const uint16_t *w, const char *s, unsigned words)
{
    char got[41];

    assert_true(words * 2 < sizeof(got));
    for (unsigned i = 0; i < words; i++) {
        got[2 * i] = (char)(w[i] >> 8);
        got[2 * i + 1] = (char)w[i];
    }
    got[2 * words] = '\0';
    assert_memory_equal(got, s, strlen(s));
    for (size_t i = strlen(s); i < 2 * words; i++)
        assert_int_equal(got[i], ' ');
}

static void assert_checksum(const uint16_t *id)
{
    uint8_t sum = 0;

    for (unsigned i = 0; i < 256; i++)
        sum = (uint8_t)(sum + (id[i] & 0xFF) + (id[i] >> 8));
    assert_int_equal(id[255] & 0xFF, 0xA5);
    assert_int_equal(sum, 0);
}

/* ---- IDENTIFY ------------------------------------------------------------------- */

static void test_identify(void **state)
{
    uint16_t id[256];

    (void)state;
    identify_words(0, 0, id);
    assert_int_equal(irq_raises[0], 1); /* the DRQ block */
    assert_false(irq_level[0]);         /* the status read cleared it */
    assert_int_equal(id[0], 0x0040);
    assert_ata_string(id + 10, "SN12345", 10);
    assert_ata_string(id + 23, "FW1", 4);
    assert_ata_string(id + 27, "TEST DISK", 20);
    assert_int_equal(id[47], 0x8000 | IDE_MAX_MULTIPLE);
    assert_int_equal(id[49] & 0x0300, 0x0300); /* LBA and DMA */
    assert_int_equal(id[53] & 0x0006, 0x0006);
    assert_int_equal(id[60] | (uint32_t)id[61] << 16, DISK_SECTORS);
    assert_int_equal(id[63] & 0x07, 0x07);
    assert_int_equal(id[64], 0x03);
    assert_true(id[80] & (1 << 6));            /* ATA/ATAPI-6 */
    assert_int_equal(id[83] & 0xC400, 0x4400); /* valid, LBA48 */
    assert_true(id[83] & (1 << 12));
    assert_true(id[86] & (1 << 10));
    assert_int_equal(id[88] & 0xFF, 0x3F);
    assert_int_equal(id[88] >> 8, 0); /* no mode selected yet */
    assert_int_equal(id[100] | (uint64_t)id[101] << 16 | (uint64_t)id[102] << 32 |
                         (uint64_t)id[103] << 48,
                     DISK_SECTORS);
    assert_true(id[85] & (1 << 5));            /* write cache on */
    assert_int_equal(id[93] & 0xDF61, 0x4001); /* not "device 0 answers for 1" */
    assert_int_equal(id[1], DISK_SECTORS / (16 * 63));
    assert_int_equal(id[3], 16);
    assert_int_equal(id[6], 63);
    assert_checksum(id);

    /* The transfer mode chosen shows in words 63 and 88. */
    assert_int_equal(simple_cmd(0, IDE_CMD_SET_FEATURES, IDE_FEATURE_XFER_MODE, IDE_XFER_UDMA | 2),
                     STATUS_READY);
    identify_words(0, 0, id);
    assert_int_equal(id[88] >> 8, 1 << 2);
    assert_int_equal(id[63] >> 8, 0);
    assert_checksum(id);
    simple_cmd(0, IDE_CMD_SET_FEATURES, IDE_FEATURE_XFER_MODE, IDE_XFER_MWDMA | 2);
    identify_words(0, 0, id);
    assert_int_equal(id[63] >> 8, 1 << 2);
    assert_int_equal(id[88] >> 8, 0);
}

static void test_identify_large_disk(void **state)
{
    uint16_t id[256];
    uint64_t sectors = (1ull << 32) + 17; /* 2 TiB: past LBA28 */

    (void)state;
    md.size = sectors * IDE_SECTOR_SIZE;
    attach_disk(0, 0, &md);
    identify_words(0, 0, id);
    assert_int_equal(id[60] | (uint32_t)id[61] << 16, 0x0FFFFFFF);
    assert_int_equal(id[100] | (uint64_t)id[101] << 16 | (uint64_t)id[102] << 32 |
                         (uint64_t)id[103] << 48,
                     sectors);
    assert_int_equal(id[1], 16383);
    assert_checksum(id);
}

/* ---- PIO ------------------------------------------------------------------------------- */

static void test_pio_write_read(void **state)
{
    uint8_t out[3 * 512], in[3 * 512];

    (void)state;
    for (unsigned i = 0; i < sizeof(out); i++)
        out[i] = (uint8_t)(i * 3 + 1);
    lba28_cmd(0, 0, IDE_CMD_WRITE_SECTORS, 10, 3);
    /* PIO out: DRQ at once, no interrupt for the first block. */
    assert_int_equal(altstatus(0), STATUS_DRQ);
    assert_int_equal(irq_raises[0], 0);
    for (unsigned s = 0; s < 3; s++) {
        pio_out(0, out + 512 * s, 512);
        assert_int_equal(irq_raises[0], s + 1);
        assert_true(irq_level[0]);
        assert_int_equal(inb(0, IDE_REG_STATUS), s < 2 ? STATUS_DRQ : STATUS_READY);
        assert_false(irq_level[0]);
    }
    assert_memory_equal(disk_data + 10 * 512, out, sizeof(out));
    assert_int_equal(md.writes, 1); /* one store for the command */
    assert_int_equal(md.flushes, 0);

    /* Back, in dwords (libata's data_xfer32). */
    lba28_cmd(0, 0, IDE_CMD_READ_SECTORS, 10, 3);
    for (unsigned s = 0; s < 3; s++) {
        assert_true(irq_level[0]);
        assert_int_equal(inb(0, IDE_REG_STATUS), STATUS_DRQ);
        pio_in(0, in + 512 * s, 512, true);
    }
    assert_false(irq_level[0]); /* PIO in: nothing after the last block */
    assert_int_equal(inb(0, IDE_REG_STATUS), STATUS_READY);
    assert_memory_equal(in, out, sizeof(out));
    /* Nothing more to read. */
    assert_int_equal(inw(0), 0xFFFF);
    assert_int_equal(inb(0, IDE_REG_STATUS), STATUS_READY);
}

static void test_pio_count_zero_is_256(void **state)
{
    static uint8_t in[256 * 512];

    (void)state;
    lba28_cmd(0, 0, IDE_CMD_READ_SECTORS_NR, 100, 0);
    for (unsigned s = 0; s < 256; s++) {
        assert_int_equal(inb(0, IDE_REG_STATUS), STATUS_DRQ);
        pio_in(0, in + 512 * s, 512, s & 1);
    }
    assert_int_equal(inb(0, IDE_REG_STATUS), STATUS_READY);
    assert_memory_equal(in, disk_data + 100 * 512, sizeof(in));
    /* Loaded 128 sectors at a time, not 256 backend calls. */
    assert_int_equal(md.reads, 2);
}

/* Transfers longer than the model's buffer: several loads and stores. */
static void test_pio_long_transfers(void **state)
{
    static uint8_t out[300 * 512], in[300 * 512];

    (void)state;
    for (unsigned i = 0; i < sizeof(out); i++)
        out[i] = (uint8_t)(i * 11 + (i >> 9));
    lba48_cmd(0, 0, IDE_CMD_WRITE_SECTORS_EXT, 500, 300);
    for (unsigned s = 0; s < 300; s++) {
        assert_int_equal(inb(0, IDE_REG_STATUS), STATUS_DRQ);
        pio_out(0, out + 512 * s, 512);
    }
    assert_int_equal(inb(0, IDE_REG_STATUS), STATUS_READY);
    assert_int_equal(md.writes, 3); /* 128 + 128 + 44 sectors */
    assert_memory_equal(disk_data + 500 * 512, out, sizeof(out));
    /* WRITE MULTIPLE of 16-sector blocks across the stores, then back. */
    simple_cmd(0, IDE_CMD_SET_MULTIPLE, 0, 16);
    lba28_cmd(0, 0, IDE_CMD_WRITE_MULTIPLE, 2000, 0);
    for (unsigned b = 0; b < 16; b++) {
        assert_int_equal(inb(0, IDE_REG_STATUS), STATUS_DRQ);
        pio_out(0, out + 16 * 512 * b, 16 * 512);
    }
    assert_int_equal(inb(0, IDE_REG_STATUS), STATUS_READY);
    lba28_cmd(0, 0, IDE_CMD_READ_MULTIPLE, 2000, 0);
    for (unsigned b = 0; b < 16; b++) {
        assert_int_equal(inb(0, IDE_REG_STATUS), STATUS_DRQ);
        pio_in(0, in + 16 * 512 * b, 16 * 512, true);
    }
    assert_int_equal(inb(0, IDE_REG_STATUS), STATUS_READY);
    assert_memory_equal(in, out, 256 * 512);
}

/* A backend error after the first buffer load: the sectors before it were
 * delivered, the error names the first sector of the failed load. */
static void test_read_error_midway(void **state)
{
    uint64_t sectors = 1ull << 33, lba = sectors - 300, bad = lba + 128;
    uint8_t in[512];

    (void)state;
    md.size = sectors * IDE_SECTOR_SIZE;
    md.base = md.size - DISK_BYTES;
    attach_disk(0, 0, &md);
    lba48_cmd(0, 0, IDE_CMD_READ_SECTORS_EXT, lba, 200);
    for (unsigned s = 0; s < 128; s++) {
        assert_int_equal(inb(0, IDE_REG_STATUS), STATUS_DRQ);
        pio_in(0, in, sizeof(in), false);
        assert_memory_equal(in, disk_data + (lba + s) * 512 - md.base, 512);
        if (s == 126)
            md.read_error = 5;
    }
    assert_true(irq_level[0]);
    assert_int_equal(inb(0, IDE_REG_STATUS), STATUS_FAILED);
    assert_int_equal(inb(0, IDE_REG_ERROR), IDE_ERROR_UNC);
    assert_int_equal(inb(0, IDE_REG_LBAL), (uint8_t)bad);
    assert_int_equal(inb(0, IDE_REG_LBAM), (uint8_t)(bad >> 8));
    assert_int_equal(inb(0, IDE_REG_LBAH), (uint8_t)(bad >> 16));
    ctl(0, IDE_CTL_HOB);
    assert_int_equal(inb(0, IDE_REG_LBAL), (uint8_t)(bad >> 24));
    assert_int_equal(inb(0, IDE_REG_LBAM), (uint8_t)(bad >> 32));
    assert_int_equal(inb(0, IDE_REG_LBAH), (uint8_t)(bad >> 40));
    ctl(0, 0);
    assert_int_equal(inw(0), 0xFFFF);
}

static void test_lba48(void **state)
{
    /* A 1 TiB disk whose last 4 MiB the backend holds. */
    uint64_t sectors = 1ull << 31, lba = sectors - 20;
    uint8_t out[2 * 512], in[2 * 512];

    (void)state;
    md.size = sectors * IDE_SECTOR_SIZE;
    md.base = md.size - DISK_BYTES;
    attach_disk(0, 0, &md);
    for (unsigned i = 0; i < sizeof(out); i++)
        out[i] = (uint8_t)(0xC3 ^ i);
    lba48_cmd(0, 0, IDE_CMD_WRITE_SECTORS_EXT, lba, 2);
    assert_int_equal(inb(0, IDE_REG_STATUS), STATUS_DRQ);
    pio_out(0, out, sizeof(out));
    assert_int_equal(inb(0, IDE_REG_STATUS), STATUS_READY);
    assert_memory_equal(disk_data + (lba * 512 - md.base), out, sizeof(out));
    lba48_cmd(0, 0, IDE_CMD_READ_SECTORS_EXT, lba, 2);
    pio_in(0, in, sizeof(in), false);
    assert_memory_equal(in, out, sizeof(out));

    /* HOB reads back the previous writes; any register write clears HOB. */
    outb(0, IDE_REG_LBAH, 0x12);
    outb(0, IDE_REG_LBAH, 0x34);
    ctl(0, IDE_CTL_HOB);
    assert_int_equal(inb(0, IDE_REG_LBAH), 0x12);
    assert_int_equal(inb(0, IDE_REG_NSECT), 0); /* count high of the READ */
    ctl(0, 0);
    assert_int_equal(inb(0, IDE_REG_LBAH), 0x34);
    ctl(0, IDE_CTL_HOB);
    outb(0, IDE_REG_FEATURE, 0);
    assert_int_equal(inb(0, IDE_REG_LBAH), 0x34);

    /* Count 0 is 65536 sectors: past the end here. */
    md.reads = 0;
    lba48_cmd(0, 0, IDE_CMD_READ_SECTORS_EXT, sectors - 65535, 0);
    assert_int_equal(inb(0, IDE_REG_STATUS), STATUS_FAILED);
    assert_int_equal(inb(0, IDE_REG_ERROR), IDE_ERROR_IDNF);
    assert_int_equal(md.reads, 0);
    lba48_cmd(0, 0, IDE_CMD_READ_VERIFY_EXT, sectors - 65536, 0);
    assert_int_equal(inb(0, IDE_REG_STATUS), STATUS_READY);
    /* LBA28 commands see only the first 2^28 sectors. */
    lba28_cmd(0, 0, IDE_CMD_READ_VERIFY, 0x0FFFFFFF, 1);
    assert_int_equal(inb(0, IDE_REG_STATUS), STATUS_READY);
}

static void test_chs(void **state)
{
    uint8_t in[512];

    (void)state;
    /* Default geometry 16 heads, 63 sectors: C0/H1/S1 is LBA 63. */
    outb(0, IDE_REG_DEVICE, 0xA1);
    outb(0, IDE_REG_NSECT, 1);
    outb(0, IDE_REG_LBAL, 1);
    outb(0, IDE_REG_LBAM, 0);
    outb(0, IDE_REG_LBAH, 0);
    outb(0, IDE_REG_COMMAND, IDE_CMD_READ_SECTORS);
    assert_int_equal(inb(0, IDE_REG_STATUS), STATUS_DRQ);
    pio_in(0, in, sizeof(in), false);
    assert_memory_equal(in, disk_data + 63 * 512, sizeof(in));
    /* Sector 0 does not exist. */
    outb(0, IDE_REG_LBAL, 0);
    outb(0, IDE_REG_COMMAND, IDE_CMD_READ_SECTORS);
    assert_int_equal(inb(0, IDE_REG_STATUS), STATUS_FAILED);
    assert_int_equal(inb(0, IDE_REG_ERROR), IDE_ERROR_IDNF);
    /* INITIALIZE DEVICE PARAMETERS: 4 heads (device 3), 32 sectors. */
    outb(0, IDE_REG_DEVICE, 0xA3);
    assert_int_equal(simple_cmd(0, IDE_CMD_INIT_PARAMS, 0, 32), STATUS_READY);
    outb(0, IDE_REG_DEVICE, 0xA2); /* C1/H2/S5: (1 * 4 + 2) * 32 + 4 */
    outb(0, IDE_REG_NSECT, 1);
    outb(0, IDE_REG_LBAL, 5);
    outb(0, IDE_REG_LBAM, 1);
    outb(0, IDE_REG_COMMAND, IDE_CMD_READ_SECTORS);
    pio_in(0, in, sizeof(in), false);
    assert_memory_equal(in, disk_data + 196 * 512, sizeof(in));
    /* Head 4 is off the new geometry. */
    outb(0, IDE_REG_DEVICE, 0xA4);
    outb(0, IDE_REG_COMMAND, IDE_CMD_READ_SECTORS);
    assert_int_equal(inb(0, IDE_REG_ERROR), IDE_ERROR_IDNF);
    /* A translation of 0 sectors per track is taken, and fails CHS. */
    assert_int_equal(simple_cmd(0, IDE_CMD_INIT_PARAMS, 0, 0), STATUS_READY);
    outb(0, IDE_REG_LBAL, 1);
    outb(0, IDE_REG_DEVICE, 0xA0);
    outb(0, IDE_REG_COMMAND, IDE_CMD_READ_SECTORS);
    assert_int_equal(inb(0, IDE_REG_ERROR), IDE_ERROR_IDNF);
}

static void test_multiple(void **state)
{
    static uint8_t in[10 * 512], out[6 * 512];
    uint16_t id[256];

    (void)state;
    lba28_cmd(0, 0, IDE_CMD_READ_MULTIPLE, 0, 4);
    assert_int_equal(inb(0, IDE_REG_STATUS), STATUS_FAILED);
    assert_int_equal(inb(0, IDE_REG_ERROR), IDE_ERROR_ABRT);
    assert_int_equal(simple_cmd(0, IDE_CMD_SET_MULTIPLE, 0, 3), STATUS_FAILED);
    assert_int_equal(simple_cmd(0, IDE_CMD_SET_MULTIPLE, 0, 32), STATUS_FAILED);
    assert_int_equal(simple_cmd(0, IDE_CMD_SET_MULTIPLE, 0, 4), STATUS_READY);
    identify_words(0, 0, id);
    assert_int_equal(id[59], 0x0104);

    irq_raises[0] = 0;
    lba28_cmd(0, 0, IDE_CMD_READ_MULTIPLE, 20, 10);
    for (unsigned b = 0; b < 3; b++) {
        unsigned n = b < 2 ? 4 : 2;

        assert_int_equal(irq_raises[0], b + 1);
        assert_int_equal(inb(0, IDE_REG_STATUS), STATUS_DRQ);
        pio_in(0, in + 4 * 512 * b, n * 512, true);
    }
    assert_int_equal(inb(0, IDE_REG_STATUS), STATUS_READY);
    assert_int_equal(irq_raises[0], 3);
    assert_memory_equal(in, disk_data + 20 * 512, sizeof(in));

    for (unsigned i = 0; i < sizeof(out); i++)
        out[i] = (uint8_t)~i;
    irq_raises[0] = 0;
    lba48_cmd(0, 0, IDE_CMD_WRITE_MULTIPLE_EXT, 40, 6);
    assert_int_equal(inb(0, IDE_REG_STATUS), STATUS_DRQ);
    pio_out(0, out, 4 * 512);
    assert_int_equal(irq_raises[0], 1);
    assert_int_equal(inb(0, IDE_REG_STATUS), STATUS_DRQ);
    pio_out(0, out + 4 * 512, 2 * 512);
    assert_int_equal(irq_raises[0], 2);
    assert_int_equal(inb(0, IDE_REG_STATUS), STATUS_READY);
    assert_memory_equal(disk_data + 40 * 512, out, sizeof(out));

    /* 0 turns it off again. */
    assert_int_equal(simple_cmd(0, IDE_CMD_SET_MULTIPLE, 0, 0), STATUS_READY);
    lba28_cmd(0, 0, IDE_CMD_WRITE_MULTIPLE, 0, 1);
    assert_int_equal(inb(0, IDE_REG_STATUS), STATUS_FAILED);
}

/* ---- DMA ---------------------------------------------------------------------------- */

static void test_dma_read_prd_table(void **state)
{
    (void)state;
    /* 8 sectors into three pieces, the second across a page boundary. */
    put_prd(0, 0x10000, 1024, false);
    put_prd(1, 0x20F00, 1536, false);
    put_prd(2, 0x30000, 1536, true);
    bm_setup(0, PRD_TABLE, true);
    lba28_cmd(0, 0, IDE_CMD_READ_DMA, 50, 8);
    /* Nothing moves until the bus master starts. */
    assert_int_equal(altstatus(0), STATUS_DRQ);
    assert_int_equal(ram[0x10000], 0);
    assert_int_equal(md.reads, 0);
    bm_start(0);
    assert_int_equal(bm_inb(0, IDE_BM_STATUS), IDE_BM_ST_INTR);
    assert_true(irq_level[0]);
    bm_stop(0);
    assert_int_equal(inb(0, IDE_REG_STATUS), STATUS_READY);
    assert_memory_equal(ram + 0x10000, disk_data + 50 * 512, 1024);
    assert_memory_equal(ram + 0x20F00, disk_data + 50 * 512 + 1024, 1536);
    assert_memory_equal(ram + 0x30000, disk_data + 50 * 512 + 2560, 1536);
    assert_int_equal(ram[0x10000 + 1024], 0);
    assert_int_equal(ram[0x30000 + 1536], 0);
    bm_outb(0, IDE_BM_STATUS, IDE_BM_ST_INTR);
    assert_int_equal(bm_inb(0, IDE_BM_STATUS), 0);

    /* The start bit first, then the command (LBA48 this time); a table
     * longer than the transfer leaves the engine active. */
    memset(ram + 0x40000, 0, 0x20000);
    put_prd(0, 0x40000, 0, true); /* 0: 64 KiB */
    bm_setup(0, PRD_TABLE, true);
    bm_start(0);
    assert_int_equal(bm_inb(0, IDE_BM_STATUS), IDE_BM_ST_ACTIVE);
    lba48_cmd(0, 0, IDE_CMD_READ_DMA_EXT, 300, 16);
    assert_int_equal(bm_inb(0, IDE_BM_STATUS), IDE_BM_ST_ACTIVE | IDE_BM_ST_INTR);
    assert_memory_equal(ram + 0x40000, disk_data + 300 * 512, 16 * 512);
    assert_int_equal(ram[0x40000 + 16 * 512], 0);
    bm_stop(0);
    assert_int_equal(bm_inb(0, IDE_BM_STATUS), IDE_BM_ST_INTR);
    assert_int_equal(inb(0, IDE_REG_STATUS), STATUS_READY);
}

static void test_dma_large(void **state)
{
    uint32_t sectors = 1024; /* 512 KiB in 8 entries of 64 KiB: several buffer loads */

    (void)state;
    for (unsigned i = 0; i < 8; i++)
        put_prd(i, 0x10000 + 0x10000 * i, 0, i == 7);
    bm_setup(0, PRD_TABLE, true);
    lba48_cmd(0, 0, IDE_CMD_READ_DMA_EXT, 1000, sectors);
    bm_start(0);
    assert_int_equal(bm_inb(0, IDE_BM_STATUS), IDE_BM_ST_INTR);
    assert_memory_equal(ram + 0x10000, disk_data + 1000 * 512, sectors * 512);
    assert_int_equal(md.reads, sectors / 128);
    bm_stop(0);
    assert_int_equal(inb(0, IDE_REG_STATUS), STATUS_READY);
}

static void test_dma_write(void **state)
{
    (void)state;
    for (unsigned i = 0; i < 2048; i++)
        ram[0x50000 + i] = (uint8_t)(i ^ 0x5A);
    put_prd(0, 0x50000, 512, false);
    put_prd(1, 0x50200, 1536, true);
    bm_setup(0, PRD_TABLE, false);
    lba28_cmd(0, 0, IDE_CMD_WRITE_DMA, 7, 4);
    assert_int_equal(md.writes, 0);
    bm_start(0);
    assert_int_equal(bm_inb(0, IDE_BM_STATUS), IDE_BM_ST_INTR);
    bm_stop(0);
    assert_int_equal(inb(0, IDE_REG_STATUS), STATUS_READY);
    assert_memory_equal(disk_data + 7 * 512, ram + 0x50000, 2048);
    /* WRITE DMA EXT, a 64 KiB entry beyond the transfer. */
    put_prd(0, 0x50000, 0, true);
    bm_setup(0, PRD_TABLE, false);
    lba48_cmd(0, 0, IDE_CMD_WRITE_DMA_EXT, 3000, 2);
    bm_start(0);
    assert_int_equal(bm_inb(0, IDE_BM_STATUS), IDE_BM_ST_ACTIVE | IDE_BM_ST_INTR);
    bm_stop(0);
    assert_memory_equal(disk_data + 3000 * 512, ram + 0x50000, 1024);
}

/* The transfer failed on the bus: error and interrupt, inactive, the
 * command aborted. */
static void assert_dma_fault(void)
{
    assert_int_equal(bm_inb(0, IDE_BM_STATUS), IDE_BM_ST_ERROR | IDE_BM_ST_INTR);
    assert_true(irq_level[0]);
    assert_int_equal(inb(0, IDE_REG_STATUS), STATUS_FAILED);
    assert_int_equal(inb(0, IDE_REG_ERROR), IDE_ERROR_ABRT);
    bm_stop(0);
    bm_outb(0, IDE_BM_STATUS, IDE_BM_ST_ERROR | IDE_BM_ST_INTR);
}

static void test_dma_prd_outside_ram(void **state)
{
    (void)state;
    put_prd(0, 0x10000, 512, false);
    put_prd(1, RAM_SIZE + 0x1000, 512, true);
    bm_setup(0, PRD_TABLE, true);
    lba28_cmd(0, 0, IDE_CMD_READ_DMA, 0, 2);
    bm_start(0);
    assert_dma_fault();
    /* The entry before the bad one was done, as on the bus. */
    assert_memory_equal(ram + 0x10000, disk_data, 512);

    /* An entry that straddles the end of RAM fails whole: RAM's last bytes
     * are not written. */
    memset(ram + RAM_SIZE - 512, 0xEE, 512);
    put_prd(0, RAM_SIZE - 512, 1024, true);
    bm_setup(0, PRD_TABLE, true);
    lba28_cmd(0, 0, IDE_CMD_READ_DMA, 0, 2);
    bm_start(0);
    assert_dma_fault();
    for (unsigned i = 0; i < 512; i++)
        assert_int_equal(ram[RAM_SIZE - 512 + i], 0xEE);

    /* Writes from outside RAM: nothing reaches the disk. */
    put_prd(0, 0xFFFFF000u, 1024, true);
    bm_setup(0, PRD_TABLE, false);
    lba28_cmd(0, 0, IDE_CMD_WRITE_DMA, 0, 2);
    bm_start(0);
    assert_dma_fault();
    assert_int_equal(md.writes, 0);
    assert_int_equal(disk_data[0], pattern(0));
}

static void test_dma_table_outside_ram(void **state)
{
    (void)state;
    bm_setup(0, 0xF0000000u, true);
    lba28_cmd(0, 0, IDE_CMD_READ_DMA, 0, 1);
    bm_start(0);
    assert_dma_fault();
    /* A table whose next entry is past RAM's end. */
    put_prd(0, 0x10000, 512, false);
    bm_setup(0, RAM_SIZE - 8, true);
    memcpy(ram + RAM_SIZE - 8, ram + PRD_TABLE, 8);
    lba28_cmd(0, 0, IDE_CMD_READ_DMA, 0, 2);
    bm_start(0);
    assert_dma_fault();
}

static void test_dma_table_never_ends(void **state)
{
    (void)state;
    /* 2-byte entries with no end-of-table bit, all through RAM: the walk
     * stops at IDE_PRD_MAX_ENTRIES entries, well before 64 sectors. */
    for (uint32_t i = 0; i < RAM_SIZE / 8 - PRD_TABLE / 8; i++)
        put_prd(i, 0x100, 2, false);
    bm_setup(0, PRD_TABLE, true);
    map_calls = 0;
    lba28_cmd(0, 0, IDE_CMD_READ_DMA, 0, 64);
    bm_start(0);
    assert_dma_fault();
    assert_true(map_calls <= 2 * IDE_PRD_MAX_ENTRIES + 2);
}

static void test_dma_table_too_short(void **state)
{
    (void)state;
    put_prd(0, 0x10000, 512, false);
    put_prd(1, 0x10200, 512, true);
    bm_setup(0, PRD_TABLE, true);
    lba28_cmd(0, 0, IDE_CMD_READ_DMA, 0, 8);
    bm_start(0);
    assert_dma_fault();
    assert_int_equal(ram[0x10400], 0);
    /* Writes too: what the table had room for is not stored. */
    bm_setup(0, PRD_TABLE, false);
    lba28_cmd(0, 0, IDE_CMD_WRITE_DMA, 0, 8);
    bm_start(0);
    assert_dma_fault();
    assert_int_equal(md.writes, 0);
}

static void test_dma_wrong_direction(void **state)
{
    (void)state;
    put_prd(0, 0x10000, 512, true);
    bm_setup(0, PRD_TABLE, false); /* memory to device, for a read */
    lba28_cmd(0, 0, IDE_CMD_READ_DMA, 0, 1);
    bm_start(0);
    assert_dma_fault();
    assert_int_equal(md.reads, 0);
    assert_int_equal(ram[0x10000], 0);
    /* The direction bit does not change while the engine is active. */
    put_prd(0, 0x10000, 0, true);
    bm_setup(0, PRD_TABLE, true);
    bm_start(0);
    bm_outb(0, IDE_BM_CMD, IDE_BM_CMD_START);
    assert_int_equal(bm_inb(0, IDE_BM_CMD), IDE_BM_CMD_START | IDE_BM_CMD_TO_MEM);
    bm_stop(0);
}

static void test_out_of_range(void **state)
{
    (void)state;
    /* Past the end, straddling the end, and LBA48 counts: IDNF, no I/O. */
    lba28_cmd(0, 0, IDE_CMD_READ_SECTORS, DISK_SECTORS, 1);
    assert_int_equal(inb(0, IDE_REG_STATUS), STATUS_FAILED);
    assert_int_equal(inb(0, IDE_REG_ERROR), IDE_ERROR_IDNF);
    lba28_cmd(0, 0, IDE_CMD_WRITE_SECTORS, DISK_SECTORS - 1, 2);
    assert_int_equal(inb(0, IDE_REG_STATUS), STATUS_FAILED);
    assert_int_equal(inw(0), 0xFFFF); /* no data phase */
    outw(0, 0x1234);
    lba28_cmd(0, 0, IDE_CMD_READ_VERIFY, DISK_SECTORS - 255, 0);
    assert_int_equal(inb(0, IDE_REG_ERROR), IDE_ERROR_IDNF);
    lba48_cmd(0, 0, IDE_CMD_READ_DMA_EXT, 0, 0);
    assert_int_equal(inb(0, IDE_REG_ERROR), IDE_ERROR_IDNF);
    lba48_cmd(0, 0, IDE_CMD_WRITE_MULTIPLE_EXT, 0xFFFFFFFFFFFFull, 65535);
    assert_int_equal(inb(0, IDE_REG_STATUS), STATUS_FAILED);
    /* A DMA command refused leaves nothing for the bus master. */
    lba48_cmd(0, 0, IDE_CMD_WRITE_DMA_EXT, DISK_SECTORS, 1);
    put_prd(0, 0x10000, 512, true);
    bm_setup(0, PRD_TABLE, false);
    bm_start(0);
    /* (The line is still up from the IDNF: no new edge, no interrupt bit.) */
    assert_int_equal(bm_inb(0, IDE_BM_STATUS), IDE_BM_ST_ACTIVE);
    bm_stop(0);
    assert_int_equal(md.reads + md.writes, 0);
    /* The last sector itself is fine. */
    lba28_cmd(0, 0, IDE_CMD_READ_SECTORS, DISK_SECTORS - 1, 1);
    assert_int_equal(inb(0, IDE_REG_STATUS), STATUS_DRQ);
}

static void test_backend_errors(void **state)
{
    uint8_t buf[512] = {0};

    (void)state;
    md.read_error = 5;
    lba28_cmd(0, 0, IDE_CMD_READ_SECTORS, 300, 2);
    assert_int_equal(inb(0, IDE_REG_STATUS), STATUS_FAILED);
    assert_int_equal(inb(0, IDE_REG_ERROR), IDE_ERROR_UNC);
    assert_int_equal(inb(0, IDE_REG_LBAL), 300 & 0xFF);
    assert_int_equal(inb(0, IDE_REG_LBAM), 300 >> 8);
    /* DMA: the device reports it, the bus is fine. */
    put_prd(0, 0x10000, 1024, true);
    bm_setup(0, PRD_TABLE, true);
    lba28_cmd(0, 0, IDE_CMD_READ_DMA, 0, 2);
    bm_start(0);
    assert_int_equal(bm_inb(0, IDE_BM_STATUS) & IDE_BM_ST_ERROR, 0);
    assert_true(bm_inb(0, IDE_BM_STATUS) & IDE_BM_ST_INTR);
    bm_stop(0);
    assert_int_equal(inb(0, IDE_REG_ERROR), IDE_ERROR_UNC);
    md.read_error = 0;

    md.write_error = 28;
    lba28_cmd(0, 0, IDE_CMD_WRITE_SECTORS, 9, 1);
    pio_out(0, buf, sizeof(buf));
    assert_int_equal(inb(0, IDE_REG_STATUS), STATUS_FAILED);
    assert_int_equal(inb(0, IDE_REG_ERROR), IDE_ERROR_ABRT);
    assert_int_equal(inb(0, IDE_REG_LBAL), 9);
    /* By DMA: the table was used up, the engine stops; no bus error. */
    put_prd(0, 0x10000, 1024, true);
    bm_setup(0, PRD_TABLE, false);
    lba28_cmd(0, 0, IDE_CMD_WRITE_DMA, 0, 2);
    bm_start(0);
    assert_int_equal(bm_inb(0, IDE_BM_STATUS), IDE_BM_ST_INTR);
    bm_stop(0);
    assert_int_equal(inb(0, IDE_REG_STATUS), STATUS_FAILED);
    assert_int_equal(inb(0, IDE_REG_ERROR), IDE_ERROR_ABRT);
    md.write_error = 0;
    /* Turning the write cache off flushes; if that fails, it stays on. */
    md.flush_error = 5;
    assert_int_equal(simple_cmd(0, IDE_CMD_SET_FEATURES, IDE_FEATURE_WCACHE_OFF, 0), STATUS_FAILED);
    md.flush_error = 0;
    lba28_cmd(0, 0, IDE_CMD_WRITE_SECTORS, 9, 1);
    md.flushes = 0;
    pio_out(0, buf, sizeof(buf));
    assert_int_equal(md.flushes, 0);
}

static void test_flush_and_write_cache(void **state)
{
    uint8_t buf[512] = {0};
    uint16_t id[256];

    (void)state;
    assert_int_equal(simple_cmd(0, IDE_CMD_FLUSH_CACHE, 0, 0), STATUS_READY);
    assert_int_equal(simple_cmd(0, IDE_CMD_FLUSH_CACHE_EXT, 0, 0), STATUS_READY);
    assert_int_equal(md.flushes, 2);
    md.flush_error = 5;
    assert_int_equal(simple_cmd(0, IDE_CMD_FLUSH_CACHE, 0, 0), STATUS_FAILED);
    assert_int_equal(inb(0, IDE_REG_ERROR), IDE_ERROR_ABRT);
    md.flush_error = 0;

    /* Write cache off: flushed on the way, and after every write. */
    md.flushes = 0;
    assert_int_equal(simple_cmd(0, IDE_CMD_SET_FEATURES, IDE_FEATURE_WCACHE_OFF, 0), STATUS_READY);
    assert_int_equal(md.flushes, 1);
    identify_words(0, 0, id);
    assert_false(id[85] & (1 << 5));
    lba28_cmd(0, 0, IDE_CMD_WRITE_SECTORS, 1, 1);
    pio_out(0, buf, sizeof(buf));
    assert_int_equal(inb(0, IDE_REG_STATUS), STATUS_READY);
    assert_int_equal(md.flushes, 2);
    md.flush_error = 5;
    lba28_cmd(0, 0, IDE_CMD_WRITE_SECTORS, 1, 1);
    pio_out(0, buf, sizeof(buf));
    assert_int_equal(inb(0, IDE_REG_STATUS), STATUS_FAILED);
    md.flush_error = 0;
    assert_int_equal(simple_cmd(0, IDE_CMD_SET_FEATURES, IDE_FEATURE_WCACHE_ON, 0), STATUS_READY);
    identify_words(0, 0, id);
    assert_true(id[85] & (1 << 5));
    lba28_cmd(0, 0, IDE_CMD_WRITE_SECTORS, 1, 1);
    pio_out(0, buf, sizeof(buf));
    assert_int_equal(md.flushes, 3);
}

static void test_set_features_and_misc(void **state)
{
    static const uint8_t good[] = {0x00, 0x01, 0x08, 0x0C, 0x20, 0x22, 0x40, 0x45};
    static const uint8_t bad[] = {0x02, 0x0D, 0x10, 0x23, 0x46, 0x80, 0xFF};
    uint16_t id[256];

    (void)state;
    for (unsigned i = 0; i < sizeof(good); i++)
        assert_int_equal(simple_cmd(0, IDE_CMD_SET_FEATURES, IDE_FEATURE_XFER_MODE, good[i]),
                         STATUS_READY);
    for (unsigned i = 0; i < sizeof(bad); i++) {
        assert_int_equal(simple_cmd(0, IDE_CMD_SET_FEATURES, IDE_FEATURE_XFER_MODE, bad[i]),
                         STATUS_FAILED);
        assert_int_equal(inb(0, IDE_REG_ERROR), IDE_ERROR_ABRT);
    }
    assert_int_equal(simple_cmd(0, IDE_CMD_SET_FEATURES, 0x77, 0), STATUS_FAILED);
    assert_int_equal(simple_cmd(0, IDE_CMD_SET_FEATURES, IDE_FEATURE_LOOKAHEAD_OFF, 0),
                     STATUS_READY);
    identify_words(0, 0, id);
    assert_false(id[85] & (1 << 6));
    assert_int_equal(simple_cmd(0, IDE_CMD_SET_FEATURES, IDE_FEATURE_REVERT_OFF, 0), STATUS_READY);

    /* Power management: no-ops; CHECK POWER MODE says active. */
    assert_int_equal(simple_cmd(0, IDE_CMD_CHECK_POWER_MODE, 0, 0), STATUS_READY);
    assert_int_equal(inb(0, IDE_REG_NSECT), 0xFF);
    assert_int_equal(simple_cmd(0, IDE_CMD_IDLE_IMMEDIATE, 0, 0), STATUS_READY);
    assert_int_equal(simple_cmd(0, IDE_CMD_STANDBY_IMMEDIATE, 0, 0), STATUS_READY);
    assert_int_equal(simple_cmd(0, IDE_CMD_IDLE, 0, 0), STATUS_READY);
    assert_int_equal(simple_cmd(0, IDE_CMD_STANDBY, 0, 0), STATUS_READY);

    /* Unknown commands, NOP and the packet commands abort. */
    static const uint8_t unknown[] = {IDE_CMD_NOP,
                                      IDE_CMD_PACKET,
                                      IDE_CMD_IDENTIFY_PACKET,
                                      IDE_CMD_DEVICE_RESET,
                                      0x10,
                                      0x70,
                                      0xF8,
                                      0xB0,
                                      0xFF};
    for (unsigned i = 0; i < sizeof(unknown); i++) {
        irq_raises[0] = 0;
        assert_int_equal(simple_cmd(0, unknown[i], 0, 0), STATUS_FAILED);
        assert_int_equal(inb(0, IDE_REG_ERROR), IDE_ERROR_ABRT);
        assert_int_equal(irq_raises[0], 1);
    }
    /* A packet command to a disk leaves no ATAPI signature. */
    assert_int_equal(inb(0, IDE_REG_LBAH), 0);
}

static void test_diagnostic(void **state)
{
    (void)state;
    lba28_cmd(0, 0, IDE_CMD_READ_SECTORS, 0x345678, 1);
    outb(0, IDE_REG_COMMAND, IDE_CMD_DIAGNOSTIC);
    assert_true(irq_level[0]);
    assert_int_equal(inb(0, IDE_REG_STATUS), STATUS_READY);
    assert_int_equal(inb(0, IDE_REG_ERROR), 0x01);
    assert_int_equal(inb(0, IDE_REG_NSECT), 1);
    assert_int_equal(inb(0, IDE_REG_LBAL), 1);
    assert_int_equal(inb(0, IDE_REG_LBAM), 0);
    assert_int_equal(inb(0, IDE_REG_LBAH), 0);
    assert_int_equal(inb(0, IDE_REG_DEVICE), 0);
    assert_int_equal(inw(0), 0xFFFF); /* the read was abandoned */
}

/* ---- devices, resets, interrupts -------------------------------------------------------- */

static void test_absent_devices(void **state)
{
    (void)state;
    /* libata's ata_devchk on the absent slave of channel 0. */
    outb(0, IDE_REG_DEVICE, 0xB0);
    outb(0, IDE_REG_NSECT, 0x55);
    outb(0, IDE_REG_LBAL, 0xAA);
    assert_int_equal(inb(0, IDE_REG_NSECT), 0);
    assert_int_equal(inb(0, IDE_REG_LBAL), 0);
    assert_int_equal(inb(0, IDE_REG_STATUS), 0);
    assert_int_equal(altstatus(0), 0);
    for (unsigned r = 1; r < IDE_CMD_PORTS; r++)
        assert_int_equal(inb(0, r), 0);
    /* Commands to it are ignored: no interrupt, the master untouched. */
    outb(0, IDE_REG_COMMAND, IDE_CMD_IDENTIFY);
    assert_int_equal(irq_raises[0], 0);
    assert_int_equal(inw(0), 0xFFFF);
    /* The master latched the writes. */
    outb(0, IDE_REG_DEVICE, 0xA0);
    assert_int_equal(inb(0, IDE_REG_NSECT), 0x55);
    assert_int_equal(inb(0, IDE_REG_LBAL), 0xAA);
    assert_int_equal(inb(0, IDE_REG_STATUS), STATUS_READY);

    /* An empty channel reads 0 on both devices, takes no commands. */
    for (unsigned u = 0; u < 2; u++) {
        outb(1, IDE_REG_DEVICE, (uint8_t)(0xA0 | u << 4));
        outb(1, IDE_REG_COMMAND, IDE_CMD_IDENTIFY);
        assert_int_equal(inb(1, IDE_REG_STATUS), 0);
        assert_int_equal(inb(1, IDE_REG_DEVICE), 0);
    }
    assert_int_equal(irq_raises[1], 0);
    ctl(1, IDE_CTL_SRST);
    ctl(1, 0);
    assert_int_equal(inb(1, IDE_REG_STATUS), 0);

    /* An interrupt pending on the master is not the slave's line. */
    outb(0, IDE_REG_COMMAND, IDE_CMD_CHECK_POWER_MODE);
    assert_true(irq_level[0]);
    outb(0, IDE_REG_DEVICE, 0xB0);
    assert_false(irq_level[0]);
    outb(0, IDE_REG_DEVICE, 0xA0);
    assert_true(irq_level[0]);

    /* Detach. */
    struct ide_drive_config none = {.kind = IDE_NONE};
    assert_int_equal(ide_attach(&ide, 0, 0, &none), 0);
    assert_false(irq_level[0]);
    assert_int_equal(inb(0, IDE_REG_STATUS), 0);
}

static void test_attach_errors(void **state)
{
    struct ide_drive_config cfg = {.kind = IDE_DISK};

    (void)state;
    assert_int_equal(ide_attach(&ide, 0, 1, &cfg), -22);
    cfg.backend = (struct ide_backend){&md_ops, &md, (IDE_MAX_SECTORS + 1) * IDE_SECTOR_SIZE};
    assert_int_equal(ide_attach(&ide, 0, 1, &cfg), -22);
    cfg.backend.size = 4096;
    assert_int_equal(ide_attach(&ide, 2, 0, &cfg), -22);
    assert_int_equal(ide_attach(&ide, 0, 2, &cfg), -22);
    assert_int_equal(ide_attach(&ide, 0, 0, NULL), -22);
    cfg.kind = (enum ide_kind)7;
    assert_int_equal(ide_attach(&ide, 0, 1, &cfg), -22);
    assert_int_equal(ide_cdrom_change(&ide, 0, 0, NULL), -22);
}

static void test_soft_reset(void **state)
{
    struct ide_drive_config cd = {.kind = IDE_CDROM};
    uint8_t buf[512];

    (void)state;
    assert_int_equal(ide_attach(&ide, 0, 1, &cd), 0);
    /* A read half done, an interrupt pending. */
    lba28_cmd(0, 0, IDE_CMD_READ_SECTORS, 0, 2);
    pio_in(0, buf, 512, false);
    assert_true(irq_level[0]);
    ctl(0, IDE_CTL_SRST);
    assert_false(irq_level[0]);
    assert_int_equal(altstatus(0), IDE_STATUS_BSY);
    assert_int_equal(inb(0, IDE_REG_STATUS), IDE_STATUS_BSY);
    outb(0, IDE_REG_COMMAND, IDE_CMD_IDENTIFY); /* busy devices take nothing */
    ctl(0, 0);
    assert_false(irq_level[0]);
    assert_int_equal(irq_raises[0], 1); /* the second block's came with the line up */
    /* Device 0 selected, ATA signature. */
    assert_int_equal(inb(0, IDE_REG_DEVICE), 0);
    assert_int_equal(inb(0, IDE_REG_STATUS), STATUS_READY);
    assert_int_equal(inb(0, IDE_REG_ERROR), 0x01);
    assert_int_equal(inb(0, IDE_REG_NSECT), 1);
    assert_int_equal(inb(0, IDE_REG_LBAL), 1);
    assert_int_equal(inb(0, IDE_REG_LBAM), 0x00);
    assert_int_equal(inb(0, IDE_REG_LBAH), 0x00);
    assert_int_equal(inw(0), 0xFFFF);
    /* Device 1: ATAPI signature, DRDY clear. */
    outb(0, IDE_REG_DEVICE, 0x10);
    assert_int_equal(inb(0, IDE_REG_DEVICE), 0x10); /* SeaBIOS reads it back */
    assert_int_equal(inb(0, IDE_REG_STATUS), 0);
    assert_int_equal(inb(0, IDE_REG_ERROR), 0x01);
    assert_int_equal(inb(0, IDE_REG_NSECT), 1);
    assert_int_equal(inb(0, IDE_REG_LBAL), 1);
    assert_int_equal(inb(0, IDE_REG_LBAM), IDE_ATAPI_SIG_MID);
    assert_int_equal(inb(0, IDE_REG_LBAH), IDE_ATAPI_SIG_HIGH);
    /* Settings survive it. */
    outb(0, IDE_REG_DEVICE, 0x00);
    simple_cmd(0, IDE_CMD_SET_MULTIPLE, 0, 8);
    ctl(0, IDE_CTL_SRST);
    ctl(0, 0);
    lba28_cmd(0, 0, IDE_CMD_READ_MULTIPLE, 0, 8);
    assert_int_equal(inb(0, IDE_REG_STATUS), STATUS_DRQ);
    /* Hardware reset: settings back to their defaults. */
    ide_reset(&ide);
    assert_int_equal(inb(0, IDE_REG_STATUS), STATUS_READY);
    lba28_cmd(0, 0, IDE_CMD_READ_MULTIPLE, 0, 8);
    assert_int_equal(inb(0, IDE_REG_STATUS), STATUS_FAILED);
}

static void test_nien_and_bm_interrupt(void **state)
{
    (void)state;
    ctl(0, IDE_CTL_NIEN);
    simple_cmd(0, IDE_CMD_IDLE_IMMEDIATE, 0, 0);
    assert_false(irq_level[0]);
    /* Pending inside the device: clearing nIEN lets it out. */
    outb(0, IDE_REG_COMMAND, IDE_CMD_IDLE_IMMEDIATE);
    assert_false(irq_level[0]);
    assert_int_equal(bm_inb(0, IDE_BM_STATUS), 0);
    ctl(0, 0);
    assert_true(irq_level[0]);
    /* The bus master latched the rising edge, without any DMA. */
    assert_int_equal(bm_inb(0, IDE_BM_STATUS), IDE_BM_ST_INTR);
    /* The alternate status does not acknowledge, the status does. */
    assert_int_equal(altstatus(0), STATUS_READY);
    assert_true(irq_level[0]);
    assert_int_equal(inb(0, IDE_REG_STATUS), STATUS_READY);
    assert_false(irq_level[0]);
    /* Writing a command negates a pending interrupt too. */
    outb(0, IDE_REG_COMMAND, IDE_CMD_IDLE_IMMEDIATE);
    assert_true(irq_level[0]);
    lba28_cmd(0, 0, IDE_CMD_WRITE_SECTORS, 0, 1);
    assert_false(irq_level[0]);
    /* W1C leaves the DMA-capable bits to the writer. */
    bm_outb(0, IDE_BM_STATUS, IDE_BM_ST_DMA_CAP0 | IDE_BM_ST_DMA_CAP1);
    assert_int_equal(bm_inb(0, IDE_BM_STATUS),
                     IDE_BM_ST_DMA_CAP0 | IDE_BM_ST_DMA_CAP1 | IDE_BM_ST_INTR);
    bm_outb(0, IDE_BM_STATUS, IDE_BM_ST_INTR | IDE_BM_ST_DMA_CAP0);
    assert_int_equal(bm_inb(0, IDE_BM_STATUS), IDE_BM_ST_DMA_CAP0);
}

static void test_bm_registers(void **state)
{
    (void)state;
    bm_outl(1, IDE_BM_PRD, 0x12345677);
    assert_int_equal(ide_bm_read(&ide, 8 + IDE_BM_PRD, 4), 0x12345674);
    assert_int_equal(ide_bm_read(&ide, 8 + IDE_BM_PRD + 2, 2), 0x1234);
    ide_bm_write(&ide, 8 + IDE_BM_PRD + 1, 1, 0xAB);
    assert_int_equal(ide_bm_read(&ide, 8 + IDE_BM_PRD, 4), 0x1234AB74);
    assert_int_equal(ide_bm_read(&ide, IDE_BM_PRD, 4), 0);
    assert_int_equal(bm_inb(1, 1), 0);
    assert_int_equal(bm_inb(1, 3), 0);
    assert_int_equal(ide_bm_read(&ide, 15, 4), 0xFFFFFF12);
    assert_int_equal(ide_bm_read(&ide, 0, 3), 0xFFFFFF);
    ide_bm_write(&ide, 0, 3, 0xFFFFFF);
    assert_int_equal(bm_inb(0, IDE_BM_CMD), 0);
    /* A dword write of command and status: the status byte goes first,
     * so the start it carries keeps its interrupt bit. */
    put_prd(0, 0x10000, 512, true);
    bm_outl(0, IDE_BM_PRD, PRD_TABLE);
    lba28_cmd(0, 0, IDE_CMD_READ_DMA, 0, 1);
    ide_bm_write(&ide, 0, 4, (uint32_t)IDE_BM_ST_INTR << 16 | IDE_BM_CMD_TO_MEM | IDE_BM_CMD_START);
    assert_int_equal(bm_inb(0, IDE_BM_STATUS), IDE_BM_ST_INTR);
    assert_memory_equal(ram + 0x10000, disk_data, 512);
    /* Bad sizes. */
    assert_int_equal(ide_io_read(&ide, 0, IDE_IO_COMMAND, 0, 1), 0xFF);
    assert_int_equal(ide_io_read(&ide, 0, IDE_IO_COMMAND, 7, 3), 0xFFFFFF);
    assert_int_equal(ide_io_read(&ide, 2, IDE_IO_COMMAND, 7, 1), 0xFF);
    assert_int_equal(ide_io_read(&ide, 0, IDE_IO_CONTROL, 1, 1), 0xFF);
    assert_int_equal(ide_io_read(&ide, 0, (enum ide_io_range)5, 1, 1), 0xFF);
    /* Byte registers in one access: device and status; past the range, 0xFF. */
    outb(0, IDE_REG_DEVICE, 0xE0);
    assert_int_equal(ide_io_read(&ide, 0, IDE_IO_COMMAND, 6, 2), STATUS_READY << 8 | 0xE0);
    assert_int_equal(ide_io_read(&ide, 0, IDE_IO_COMMAND, 7, 2), 0xFF00 | STATUS_READY);
}

/* ---- random traffic ----------------------------------------------------------------------- */

static uint64_t rng_state;

static uint32_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)rng_state;
}

static int cd_read(void *opaque, uint64_t off, void *buf, size_t len)
{
    (void)opaque;
    assert_true(off + len <= DISK_BYTES);
    memcpy(buf, disk_data + off, len);
    return 0;
}

static const struct ide_backend_ops cd_ops = {cd_read, NULL, NULL};

static void test_random_traffic(void **state)
{
    static const uint8_t cmds[] = {0x20, 0x24, 0x25, 0x29, 0x30, 0x34, 0x35, 0x39, 0x40,
                                   0x42, 0x90, 0x91, 0xA0, 0xA1, 0xC4, 0xC5, 0xC6, 0xC8,
                                   0xCA, 0xE5, 0xE7, 0xEA, 0xEC, 0xEF, 0x08, 0x00};
    static const unsigned sizes[] = {1, 2, 4, 3, 8};
    struct ide_drive_config cd = {.kind = IDE_CDROM, .backend = {&cd_ops, NULL, DISK_BYTES}};

    (void)state;
    assert_int_equal(ide_attach(&ide, 1, 0, &cd), 0);
    attach_disk(1, 1, &md);
    rng_state = 0x9E3779B97F4A7C15ull;
    /* Tables of random entries in RAM, some pointing outside it. */
    for (unsigned i = 0; i < 64; i++)
        put_prd(i, (rnd() & 1) ? rnd() & (RAM_SIZE - 1) : rnd(), rnd(), (rnd() & 7) == 0);
    for (unsigned n = 0; n < 300000; n++) {
        uint32_t r = rnd(), v = rnd();
        unsigned c = r & 1, size = sizes[(r >> 1) % 5];

        switch ((r >> 4) % 12) {
        case 0: /* a command, with plausible registers sometimes */
            if (v & 1)
                outb(c, IDE_REG_NSECT, (uint8_t)(v >> 8) & 0x0F);
            if (v & 2)
                outb(c, IDE_REG_LBAH, 0);
            if (v & 4)
                outb(c, IDE_REG_DEVICE, (uint8_t)(0xE0 | (v & 0x10)));
            outb(c, IDE_REG_COMMAND, cmds[(v >> 16) % sizeof(cmds)]);
            break;
        case 1:
        case 2:
            ide_io_write(&ide, c, IDE_IO_COMMAND, (v >> 8) % 9, size, v);
            break;
        case 3:
        case 4:
        case 5:
            ide_io_read(&ide, c, IDE_IO_COMMAND, (v >> 8) % 9, size);
            break;
        case 6: /* data bursts */
            for (unsigned i = 0; i < (v & 0x3FF); i++) {
                if (v & 0x400)
                    ide_io_read(&ide, c, IDE_IO_COMMAND, 0, 4);
                else
                    ide_io_write(&ide, c, IDE_IO_COMMAND, 0, 2, rnd());
            }
            break;
        case 7:
            /* Resets now and then, nIEN and HOB freely. */
            ide_io_write(&ide, c, IDE_IO_CONTROL, (v >> 8) & 1, size,
                         v & ((v & 0xF000) ? ~(uint32_t)IDE_CTL_SRST : ~0u));
            break;
        case 8:
            ide_io_read(&ide, c, IDE_IO_CONTROL, (v >> 8) & 1, size);
            break;
        case 9:
            ide_bm_write(&ide, (v >> 8) % 18, size, (v & 1) ? PRD_TABLE + 8 * ((v >> 16) % 64) : v);
            break;
        case 10:
            ide_bm_read(&ide, (v >> 8) % 18, size);
            break;
        default:
            if ((v & 0xFFF) == 0)
                ide_reset(&ide);
            else if ((v & 0xFF) == 1)
                ide_cdrom_change(&ide, 1, 0, (v & 0x100) ? &cd.backend : NULL);
            break;
        }
        /* The line is the selected device's INTRQ, as irq() was told. */
        for (unsigned ch = 0; ch < IDE_CHANNELS; ch++) {
            const struct ide_channel *p = &ide.ch[ch];
            const struct ide_device *d = &p->dev[p->selected];

            assert_int_equal(irq_level[ch],
                             d->kind != IDE_NONE && d->intrq && !(p->devctl & IDE_CTL_NIEN));
            assert_true(d->pos <= d->len && d->len <= IDE_BUF_SIZE);
            assert_false(d->status & IDE_STATUS_BSY);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_identify, setup),
        cmocka_unit_test_setup(test_identify_large_disk, setup),
        cmocka_unit_test_setup(test_pio_write_read, setup),
        cmocka_unit_test_setup(test_pio_count_zero_is_256, setup),
        cmocka_unit_test_setup(test_pio_long_transfers, setup),
        cmocka_unit_test_setup(test_read_error_midway, setup),
        cmocka_unit_test_setup(test_lba48, setup),
        cmocka_unit_test_setup(test_chs, setup),
        cmocka_unit_test_setup(test_multiple, setup),
        cmocka_unit_test_setup(test_dma_read_prd_table, setup),
        cmocka_unit_test_setup(test_dma_large, setup),
        cmocka_unit_test_setup(test_dma_write, setup),
        cmocka_unit_test_setup(test_dma_prd_outside_ram, setup),
        cmocka_unit_test_setup(test_dma_table_outside_ram, setup),
        cmocka_unit_test_setup(test_dma_table_never_ends, setup),
        cmocka_unit_test_setup(test_dma_table_too_short, setup),
        cmocka_unit_test_setup(test_dma_wrong_direction, setup),
        cmocka_unit_test_setup(test_out_of_range, setup),
        cmocka_unit_test_setup(test_backend_errors, setup),
        cmocka_unit_test_setup(test_flush_and_write_cache, setup),
        cmocka_unit_test_setup(test_set_features_and_misc, setup),
        cmocka_unit_test_setup(test_diagnostic, setup),
        cmocka_unit_test_setup(test_absent_devices, setup),
        cmocka_unit_test_setup(test_attach_errors, setup),
        cmocka_unit_test_setup(test_soft_reset, setup),
        cmocka_unit_test_setup(test_nien_and_bm_interrupt, setup),
        cmocka_unit_test_setup(test_bm_registers, setup),
        cmocka_unit_test_setup(test_random_traffic, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
