// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of drivers/pc/atapi.c, the CD/DVD-ROM command set, through the
 * IDE controller (ide.c, ide_bmdma.c) as a guest drives it, with the drive
 * on the secondary channel: IDENTIFY PACKET DEVICE and the signature of an
 * aborted IDENTIFY DEVICE; the PACKET protocol (interrupt reason, byte
 * count, interrupts); READ(10) and READ(12) by PIO under various byte count
 * limits (odd, below a sector, 0) and by DMA (either order of command and
 * start bit, hostile tables); sense data after every kind of error; a disc
 * inserted, removed, ejected and locked, with UNIT ATTENTION and media
 * events; INQUIRY and its VPD pages, READ CAPACITY, MODE SENSE(10), READ
 * TOC, GET CONFIGURATION, GET EVENT STATUS NOTIFICATION; DEVICE RESET; and
 * the command set called directly.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <pc/atapi.h>
#include <pc/ide.h>

#define CH           1 /* the secondary channel */
#define RAM_SIZE     (1u << 20)
#define DISC_SECTORS 200u
#define DISC_BYTES   (DISC_SECTORS * ATAPI_SECTOR_SIZE)
#define PRD_TABLE    0x1000u
#define ST_READY     IDE_STATUS_DRDY
#define ST_DRQ       (IDE_STATUS_DRDY | IDE_STATUS_DRQ)
#define ST_CHECK     (IDE_STATUS_DRDY | IDE_STATUS_ERR)
#define IREASON_DONE (IDE_IREASON_COD | IDE_IREASON_IO)

static struct ide ide;
static uint8_t ram[RAM_SIZE];
static uint8_t disc[DISC_BYTES];
static unsigned disc_reads;
static int disc_error;
static uint64_t disc_size; /* what the drive is told */

static bool irq_level[IDE_CHANNELS];
static unsigned irq_raises[IDE_CHANNELS];

static uint8_t pattern(uint64_t off)
{
    return (uint8_t)((off >> 11) * 29 + off * 5 + 1);
}

static int disc_read(void *opaque, uint64_t off, void *buf, size_t len)
{
    assert_ptr_equal(opaque, disc);
    assert_int_equal(off % ATAPI_SECTOR_SIZE, 0);
    assert_int_equal(len % ATAPI_SECTOR_SIZE, 0);
    assert_true(len > 0 && len <= IDE_BUF_SIZE);
    assert_true(off + len <= disc_size);
    disc_reads++;
    if (disc_error)
        return -disc_error;
    /* A disc larger than the array (the DVD tests) reads zeros past it. */
    memset(buf, 0, len);
    if (off < DISC_BYTES)
        memcpy(buf, disc + off, off + len <= DISC_BYTES ? len : DISC_BYTES - off);
    return 0;
}

static const struct ide_backend_ops disc_ops = {disc_read, NULL, NULL};

static void irq(void *opaque, unsigned channel, bool level)
{
    assert_ptr_equal(opaque, &ide);
    assert_true(level != irq_level[channel]);
    irq_level[channel] = level;
    if (level)
        irq_raises[channel]++;
}

static void *map(void *opaque, uint64_t gpa, size_t len, bool to_memory)
{
    (void)opaque;
    (void)to_memory;
    if (gpa > RAM_SIZE || len > RAM_SIZE - gpa)
        return NULL;
    return ram + gpa;
}

static void outb(unsigned reg, uint8_t v)
{
    ide_io_write(&ide, CH, IDE_IO_COMMAND, reg, 1, v);
}

static uint8_t inb(unsigned reg)
{
    return (uint8_t)ide_io_read(&ide, CH, IDE_IO_COMMAND, reg, 1);
}

static uint16_t inw(void)
{
    return (uint16_t)ide_io_read(&ide, CH, IDE_IO_COMMAND, IDE_REG_DATA, 2);
}

static void bm_outb(unsigned reg, uint8_t v)
{
    ide_bm_write(&ide, CH * IDE_BM_CHANNEL_PORTS + reg, 1, v);
}

static uint8_t bm_inb(unsigned reg)
{
    return (uint8_t)ide_bm_read(&ide, CH * IDE_BM_CHANNEL_PORTS + reg, 1);
}

static struct ide_backend disc_backend(void)
{
    return (struct ide_backend){&disc_ops, disc, disc_size};
}

static void attach_cd(bool medium)
{
    struct ide_drive_config cfg = {.kind = IDE_CDROM};

    if (medium)
        cfg.backend = disc_backend();
    assert_int_equal(ide_attach(&ide, CH, 0, &cfg), 0);
}

static int setup(void **state)
{
    (void)state;
    memset(irq_level, 0, sizeof(irq_level));
    memset(irq_raises, 0, sizeof(irq_raises));
    memset(ram, 0, sizeof(ram));
    for (uint32_t i = 0; i < DISC_BYTES; i++)
        disc[i] = pattern(i);
    disc_reads = 0;
    disc_error = 0;
    disc_size = DISC_BYTES;
    ide_init(&ide, irq, map, &ide);
    attach_cd(true);
    return 0;
}

/* PACKET and the CDB: DRQ at once with CoD, no interrupt. */
static void send_packet(const uint8_t *cdb, uint16_t limit, bool dma)
{
    unsigned raises = irq_raises[CH];

    outb(IDE_REG_DEVICE, 0);
    outb(IDE_REG_FEATURE, dma ? IDE_PACKET_DMA : 0);
    outb(IDE_REG_LBAM, (uint8_t)limit);
    outb(IDE_REG_LBAH, (uint8_t)(limit >> 8));
    outb(IDE_REG_COMMAND, IDE_CMD_PACKET);
    assert_int_equal(ide_io_read(&ide, CH, IDE_IO_CONTROL, 0, 1), ST_DRQ);
    assert_int_equal(inb(IDE_REG_NSECT), IDE_IREASON_COD);
    assert_int_equal(irq_raises[CH], raises);
    for (unsigned i = 0; i < ATAPI_CDB_SIZE; i += 2)
        ide_io_write(&ide, CH, IDE_IO_COMMAND, IDE_REG_DATA, 2, cdb[i] | cdb[i + 1] << 8);
}

/* A PIO packet command, all its data read into @dst (@max bytes at most):
 * returns the bytes read, their block sizes in @blocks (if not NULL), and
 * leaves the final status in *@status. */
static size_t packet_in(const uint8_t *cdb, uint16_t limit, uint8_t *dst, size_t max,
                        uint32_t *blocks, uint8_t *status)
{
    size_t total = 0;
    unsigned nblocks = 0;
    uint8_t st;

    send_packet(cdb, limit, false);
    for (;;) {
        uint32_t n;

        assert_true(irq_level[CH]); /* every DRQ block, and the end, interrupt */
        st = inb(IDE_REG_STATUS);
        assert_false(irq_level[CH]);
        if (!(st & IDE_STATUS_DRQ))
            break;
        assert_int_equal(st, ST_DRQ);
        assert_int_equal(inb(IDE_REG_NSECT), IDE_IREASON_IO);
        n = inb(IDE_REG_LBAM) | (uint32_t)inb(IDE_REG_LBAH) << 8;
        assert_true(n > 0 && n <= (limit ? limit : 0xFFFE));
        assert_true(total + n <= max);
        for (uint32_t i = 0; i < n; i += 2) {
            uint16_t w = inw();

            dst[total + i] = (uint8_t)w;
            if (i + 1 < n)
                dst[total + i + 1] = (uint8_t)(w >> 8);
        }
        if (blocks)
            blocks[nblocks] = n;
        nblocks++;
        total += n;
    }
    assert_int_equal(inb(IDE_REG_NSECT), IREASON_DONE);
    *status = st;
    return total;
}

/* A command expected to succeed: its data. */
static size_t run(const uint8_t *cdb, uint8_t *dst, size_t max)
{
    uint8_t st;
    size_t n = packet_in(cdb, 0xFC00, dst, max, NULL, &st);

    assert_int_equal(st, ST_READY);
    return n;
}

static struct atapi_sense request_sense(void)
{
    const uint8_t cdb[12] = {ATAPI_REQUEST_SENSE, 0, 0, 0, 18};
    uint8_t buf[18];
    struct atapi_sense s;

    assert_int_equal(run(cdb, buf, sizeof(buf)), 18);
    assert_int_equal(buf[0], 0x70);
    assert_int_equal(buf[7], 10);
    s.key = buf[2];
    s.asc = buf[12];
    s.ascq = buf[13];
    return s;
}

/* A command expected to fail with @key/@asc/@ascq, then REQUEST SENSE. */
static void expect_sense(const uint8_t *cdb, uint8_t key, uint8_t asc, uint8_t ascq)
{
    uint8_t buf[64], st;
    struct atapi_sense s;

    assert_int_equal(packet_in(cdb, 0xFC00, buf, sizeof(buf), NULL, &st), 0);
    assert_int_equal(st, ST_CHECK);
    assert_int_equal(inb(IDE_REG_ERROR), key << 4);
    s = request_sense();
    assert_int_equal(s.key, key);
    assert_int_equal(s.asc, asc);
    assert_int_equal(s.ascq, ascq);
    /* Read once, then gone. */
    s = request_sense();
    assert_int_equal(s.key, ATAPI_SENSE_NONE);
}

static void expect_good(const uint8_t *cdb)
{
    uint8_t buf[64];

    run(cdb, buf, sizeof(buf));
}

static void read10(uint8_t *cdb, uint32_t lba, uint16_t count)
{
    memset(cdb, 0, 12);
    cdb[0] = ATAPI_READ_10;
    cdb[2] = (uint8_t)(lba >> 24);
    cdb[3] = (uint8_t)(lba >> 16);
    cdb[4] = (uint8_t)(lba >> 8);
    cdb[5] = (uint8_t)lba;
    cdb[7] = (uint8_t)(count >> 8);
    cdb[8] = (uint8_t)count;
}

static void put_prd(unsigned i, uint32_t addr, uint32_t count, bool eot)
{
    uint8_t *e = ram + PRD_TABLE + 8 * i;

    memcpy(e, &addr, 4);
    e[4] = (uint8_t)count;
    e[5] = (uint8_t)(count >> 8);
    e[6] = 0;
    e[7] = eot ? 0x80 : 0;
}

static void bm_setup(void)
{
    ide_bm_write(&ide, CH * IDE_BM_CHANNEL_PORTS + IDE_BM_PRD, 4, PRD_TABLE);
    bm_outb(IDE_BM_CMD, IDE_BM_CMD_TO_MEM);
    bm_outb(IDE_BM_STATUS, IDE_BM_ST_ERROR | IDE_BM_ST_INTR);
}

static const uint8_t tur[12] = {ATAPI_TEST_UNIT_READY};

/* ---- IDENTIFY ----------------------------------------------------------------------- */

static void test_identify_packet(void **state)
{
    uint8_t raw[512], sum = 0;
    uint16_t id[256];
    const char *model = "HVCORE VIRTUAL DVD-ROM";

    (void)state;
    outb(IDE_REG_DEVICE, 0);
    outb(IDE_REG_COMMAND, IDE_CMD_IDENTIFY_PACKET);
    assert_true(irq_level[CH]);
    assert_int_equal(inb(IDE_REG_STATUS), ST_DRQ);
    for (unsigned i = 0; i < 256; i++) {
        id[i] = inw();
        raw[2 * i] = (uint8_t)id[i];
        raw[2 * i + 1] = (uint8_t)(id[i] >> 8);
    }
    assert_int_equal(inb(IDE_REG_STATUS), ST_READY);
    assert_false(irq_level[CH]);
    assert_int_equal(id[0], 0x85C0); /* ATAPI, CD-ROM, removable, 50 us DRQ, 12 bytes */
    for (unsigned i = 0; i < 20; i++) {
        char hi = i * 2 < strlen(model) ? model[i * 2] : ' ';
        char lo = i * 2 + 1 < strlen(model) ? model[i * 2 + 1] : ' ';

        assert_int_equal(id[27 + i], (uint16_t)(hi << 8 | lo));
    }
    assert_int_equal(id[10], 'H' << 8 | 'V');
    assert_int_equal(id[49] & 0x0300, 0x0300);
    assert_true(id[82] & (1 << 4)); /* PACKET */
    assert_true(id[82] & (1 << 9)); /* DEVICE RESET */
    assert_int_equal(id[53] & 0x06, 0x06);
    assert_int_equal(id[63] & 0x07, 0x07);
    for (unsigned i = 0; i < 512; i++)
        sum = (uint8_t)(sum + raw[i]);
    assert_int_equal(sum, 0);
    assert_int_equal(raw[510], 0xA5);
}

static void test_identify_device_aborts_with_signature(void **state)
{
    (void)state;
    static const uint8_t cmds[] = {IDE_CMD_IDENTIFY, IDE_CMD_READ_SECTORS};

    for (unsigned i = 0; i < sizeof(cmds); i++) {
        outb(IDE_REG_NSECT, 0x55);
        outb(IDE_REG_LBAM, 0);
        outb(IDE_REG_LBAH, 0);
        outb(IDE_REG_COMMAND, cmds[i]);
        assert_int_equal(inb(IDE_REG_STATUS), ST_CHECK);
        assert_int_equal(inb(IDE_REG_ERROR), IDE_ERROR_ABRT);
        assert_int_equal(inb(IDE_REG_NSECT), 1);
        assert_int_equal(inb(IDE_REG_LBAL), 1);
        assert_int_equal(inb(IDE_REG_LBAM), IDE_ATAPI_SIG_MID);
        assert_int_equal(inb(IDE_REG_LBAH), IDE_ATAPI_SIG_HIGH);
    }
    /* ATA data commands abort, SET FEATURES works. */
    outb(IDE_REG_COMMAND, IDE_CMD_READ_DMA);
    assert_int_equal(inb(IDE_REG_STATUS), ST_CHECK);
    outb(IDE_REG_COMMAND, IDE_CMD_FLUSH_CACHE);
    assert_int_equal(inb(IDE_REG_STATUS), ST_CHECK);
    outb(IDE_REG_FEATURE, IDE_FEATURE_XFER_MODE);
    outb(IDE_REG_NSECT, IDE_XFER_UDMA | 2);
    outb(IDE_REG_COMMAND, IDE_CMD_SET_FEATURES);
    assert_int_equal(inb(IDE_REG_STATUS), ST_READY);
    outb(IDE_REG_FEATURE, IDE_FEATURE_WCACHE_OFF);
    outb(IDE_REG_COMMAND, IDE_CMD_SET_FEATURES);
    assert_int_equal(inb(IDE_REG_STATUS), ST_CHECK);
}

/* ---- the PACKET protocol ---------------------------------------------------------------- */

static void test_inquiry(void **state)
{
    uint8_t cdb[12] = {ATAPI_INQUIRY, 0, 0, 0, 36}, buf[64];
    uint32_t blocks[4];
    uint8_t st;

    (void)state;
    assert_int_equal(packet_in(cdb, 0xFFFE, buf, sizeof(buf), blocks, &st), 36);
    assert_int_equal(st, ST_READY);
    assert_int_equal(blocks[0], 36);
    assert_int_equal(buf[0], 0x05);
    assert_int_equal(buf[1], 0x80);
    assert_int_equal(buf[4], 31);
    assert_memory_equal(buf + 8, "HVCORE  ", 8);
    assert_memory_equal(buf + 16, "Virtual DVD-ROM ", 16);
    /* Allocation length cuts; a limit of 6 splits into blocks of 6. */
    cdb[4] = 20;
    assert_int_equal(packet_in(cdb, 6, buf, sizeof(buf), blocks, &st), 20);
    assert_int_equal(blocks[0], 6);
    assert_int_equal(blocks[3], 2);
    /* An odd length: the last word carries a pad byte. */
    cdb[4] = 5;
    assert_int_equal(packet_in(cdb, 0xFFFE, buf, sizeof(buf), blocks, &st), 5);
    assert_int_equal(blocks[0], 5);
    assert_int_equal(st, ST_READY);
    /* VPD: the page list and the serial number. */
    cdb[1] = 0x01;
    cdb[4] = 64;
    assert_int_equal(run(cdb, buf, sizeof(buf)), 6);
    assert_int_equal(buf[3], 2);
    assert_int_equal(buf[5], 0x80);
    cdb[2] = 0x80;
    assert_int_equal(run(cdb, buf, sizeof(buf)), 4 + strlen("HVIDE10"));
    assert_memory_equal(buf + 4, "HVIDE10", 7);
    cdb[2] = 0x83;
    expect_sense(cdb, ATAPI_SENSE_ILLEGAL_REQUEST, ATAPI_ASC_INVALID_FIELD, 0);
    cdb[1] = 0;
    cdb[2] = 0x80; /* a page without EVPD */
    expect_sense(cdb, ATAPI_SENSE_ILLEGAL_REQUEST, ATAPI_ASC_INVALID_FIELD, 0);
}

static void test_sense_after_errors(void **state)
{
    uint8_t cdb[12] = {0};

    (void)state;
    expect_good(tur);
    cdb[0] = 0xFF;
    expect_sense(cdb, ATAPI_SENSE_ILLEGAL_REQUEST, ATAPI_ASC_INVALID_OPCODE, 0);
    cdb[0] = ATAPI_WRITE_10;
    expect_sense(cdb, ATAPI_SENSE_DATA_PROTECT, ATAPI_ASC_WRITE_PROTECTED, 0);
    read10(cdb, DISC_SECTORS - 1, 2);
    expect_sense(cdb, ATAPI_SENSE_ILLEGAL_REQUEST, ATAPI_ASC_LBA_OUT_OF_RANGE, 0);
    read10(cdb, 0xFFFFFFFF, 0xFFFF);
    expect_sense(cdb, ATAPI_SENSE_ILLEGAL_REQUEST, ATAPI_ASC_LBA_OUT_OF_RANGE, 0);
    /* READ(12) with a huge count: refused before any read. */
    memset(cdb, 0, 12);
    cdb[0] = ATAPI_READ_12;
    cdb[6] = cdb[7] = cdb[8] = cdb[9] = 0xFF;
    expect_sense(cdb, ATAPI_SENSE_ILLEGAL_REQUEST, ATAPI_ASC_LBA_OUT_OF_RANGE, 0);
    assert_int_equal(disc_reads, 0);
    /* A good command clears the sense. */
    cdb[0] = 0xFF;
    send_packet(cdb, 0, false);
    expect_good(tur);
    assert_int_equal(request_sense().key, ATAPI_SENSE_NONE);
    /* Read errors of the backend. */
    disc_error = 5;
    read10(cdb, 0, 1);
    expect_sense(cdb, ATAPI_SENSE_MEDIUM_ERROR, ATAPI_ASC_READ_ERROR, 0);
    /* Without a disc. */
    disc_error = 0;
    attach_cd(false);
    expect_sense(tur, ATAPI_SENSE_NOT_READY, ATAPI_ASC_MEDIUM_NOT_PRESENT, 1);
    expect_sense(cdb, ATAPI_SENSE_NOT_READY, ATAPI_ASC_MEDIUM_NOT_PRESENT, 1);
    cdb[0] = ATAPI_READ_CAPACITY;
    expect_sense(cdb, ATAPI_SENSE_NOT_READY, ATAPI_ASC_MEDIUM_NOT_PRESENT, 1);
}

static void test_read_capacity(void **state)
{
    const uint8_t cdb[12] = {ATAPI_READ_CAPACITY};
    uint8_t buf[8];

    (void)state;
    assert_int_equal(run(cdb, buf, sizeof(buf)), 8);
    assert_int_equal(buf[0] << 24 | buf[1] << 16 | buf[2] << 8 | buf[3], DISC_SECTORS - 1);
    assert_int_equal(buf[4] << 24 | buf[5] << 16 | buf[6] << 8 | buf[7], 2048);
}

static void test_read10_pio(void **state)
{
    static uint8_t buf[40 * 2048];
    static const struct {
        uint16_t limit;
        uint32_t first_block; /* the first DRQ block's size */
        unsigned blocks;
    } cases[] = {
        {0xFC00, 31 * 2048, 2}, /* libata: 63 KiB */
        {2048, 2048, 40},       /* SeaBIOS: one sector per block */
        {0, 31 * 2048, 2},      /* 0: as large as can be */
        {2049, 2048, 40},       /* odd: rounded down */
        {1000, 1000, 120},      /* below a sector: 1000, 1000, 48 per sector */
        {4096 + 1024, 4096, 20},
    };
    uint8_t cdb[12], st;

    (void)state;
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint32_t blocks[128];
        size_t n;

        memset(buf, 0, sizeof(buf));
        read10(cdb, 17, 40);
        disc_reads = 0;
        n = packet_in(cdb, cases[i].limit, buf, sizeof(buf), blocks, &st);
        assert_int_equal(st, ST_READY);
        assert_int_equal(n, 40 * 2048);
        assert_memory_equal(buf, disc + 17 * 2048, n);
        assert_int_equal(blocks[0], cases[i].first_block);
        if (cases[i].limit == 1000) {
            assert_int_equal(blocks[1], 1000);
            assert_int_equal(blocks[2], 48);
            assert_int_equal(disc_reads, 40);
        }
        (void)cases[i].blocks;
    }
    /* READ(12), and a count of 0: no data, good status. */
    memset(cdb, 0, sizeof(cdb));
    cdb[0] = ATAPI_READ_12;
    cdb[5] = DISC_SECTORS - 3;
    cdb[9] = 3;
    assert_int_equal(run(cdb, buf, sizeof(buf)), 3 * 2048);
    assert_memory_equal(buf, disc + (DISC_SECTORS - 3) * 2048, 3 * 2048);
    read10(cdb, 5, 0);
    assert_int_equal(run(cdb, buf, sizeof(buf)), 0);
}

static void test_read10_dma(void **state)
{
    uint8_t cdb[12];

    (void)state;
    /* libata's order: the command, the CDB, then the start bit. */
    put_prd(0, 0x10000, 2048, false);
    put_prd(1, 0x20800, 4096, true); /* across a page */
    bm_setup();
    read10(cdb, 3, 3);
    send_packet(cdb, 0xFC00, true);
    assert_int_equal(ide_io_read(&ide, CH, IDE_IO_CONTROL, 0, 1), ST_DRQ);
    assert_int_equal(disc_reads, 0);
    bm_outb(IDE_BM_CMD, IDE_BM_CMD_TO_MEM | IDE_BM_CMD_START);
    assert_int_equal(bm_inb(IDE_BM_STATUS), IDE_BM_ST_INTR);
    assert_true(irq_level[CH]);
    bm_outb(IDE_BM_CMD, IDE_BM_CMD_TO_MEM);
    assert_int_equal(inb(IDE_REG_STATUS), ST_READY);
    assert_int_equal(inb(IDE_REG_NSECT), IREASON_DONE);
    assert_memory_equal(ram + 0x10000, disc + 3 * 2048, 2048);
    assert_memory_equal(ram + 0x20800, disc + 4 * 2048, 4096);

    /* The start bit first; 40 sectors, two buffer loads. */
    put_prd(0, 0x30000, 0, false);
    put_prd(1, 0x40000, 8 * 2048, true);
    bm_setup();
    bm_outb(IDE_BM_CMD, IDE_BM_CMD_TO_MEM | IDE_BM_CMD_START);
    read10(cdb, 100, 40);
    disc_reads = 0;
    send_packet(cdb, 0, true);
    assert_int_equal(bm_inb(IDE_BM_STATUS), IDE_BM_ST_INTR);
    assert_int_equal(disc_reads, 2);
    assert_memory_equal(ram + 0x30000, disc + 100 * 2048, 32 * 2048);
    assert_memory_equal(ram + 0x40000, disc + 132 * 2048, 8 * 2048);
    bm_outb(IDE_BM_CMD, IDE_BM_CMD_TO_MEM);
    assert_int_equal(inb(IDE_REG_STATUS), ST_READY);

    /* A reply by DMA (libata's REQUEST SENSE with ATA_FLAG_PIO_DMA): the
     * table is larger, the engine stays active. */
    const uint8_t inq[12] = {ATAPI_INQUIRY, 0, 0, 0, 96};
    put_prd(0, 0x50000, 4096, true);
    bm_setup();
    send_packet(inq, 96, true);
    bm_outb(IDE_BM_CMD, IDE_BM_CMD_TO_MEM | IDE_BM_CMD_START);
    assert_int_equal(bm_inb(IDE_BM_STATUS), IDE_BM_ST_ACTIVE | IDE_BM_ST_INTR);
    assert_memory_equal(ram + 0x50008, "HVCORE  ", 8);
    assert_int_equal(ram[0x50000 + 36], 0);
    bm_outb(IDE_BM_CMD, IDE_BM_CMD_TO_MEM);
    assert_int_equal(inb(IDE_REG_STATUS), ST_READY);

    /* A DMA packet without data completes at once. */
    send_packet(tur, 0, true);
    assert_true(irq_level[CH]);
    assert_int_equal(inb(IDE_REG_STATUS), ST_READY);
}

static void assert_dma_aborted(void)
{
    assert_int_equal(bm_inb(IDE_BM_STATUS), IDE_BM_ST_ERROR | IDE_BM_ST_INTR);
    assert_true(irq_level[CH]);
    assert_int_equal(inb(IDE_REG_STATUS), ST_CHECK);
    assert_int_equal(inb(IDE_REG_ERROR), ATAPI_SENSE_ABORTED_COMMAND << 4);
    assert_int_equal(inb(IDE_REG_NSECT), IREASON_DONE);
    bm_outb(IDE_BM_CMD, 0);
    assert_int_equal(request_sense().key, ATAPI_SENSE_ABORTED_COMMAND);
}

static void test_dma_hostile(void **state)
{
    uint8_t cdb[12];

    (void)state;
    read10(cdb, 0, 2);
    /* An entry outside RAM. */
    put_prd(0, 0x10000, 2048, false);
    put_prd(1, 0xC0000000u, 2048, true);
    bm_setup();
    send_packet(cdb, 0, true);
    bm_outb(IDE_BM_CMD, IDE_BM_CMD_TO_MEM | IDE_BM_CMD_START);
    assert_dma_aborted();
    /* An entry running off RAM's end. */
    memset(ram + RAM_SIZE - 1024, 0x77, 1024);
    put_prd(0, RAM_SIZE - 1024, 4096, true);
    bm_setup();
    send_packet(cdb, 0, true);
    bm_outb(IDE_BM_CMD, IDE_BM_CMD_TO_MEM | IDE_BM_CMD_START);
    assert_dma_aborted();
    for (unsigned i = 0; i < 1024; i++)
        assert_int_equal(ram[RAM_SIZE - 1024 + i], 0x77);
    /* A table shorter than the transfer. */
    put_prd(0, 0x10000, 2048, true);
    bm_setup();
    send_packet(cdb, 0, true);
    bm_outb(IDE_BM_CMD, IDE_BM_CMD_TO_MEM | IDE_BM_CMD_START);
    assert_dma_aborted();
    /* The table itself outside RAM. */
    bm_setup();
    ide_bm_write(&ide, CH * IDE_BM_CHANNEL_PORTS + IDE_BM_PRD, 4, 0xFFFFFFF0u);
    send_packet(cdb, 0, true);
    bm_outb(IDE_BM_CMD, IDE_BM_CMD_TO_MEM | IDE_BM_CMD_START);
    assert_dma_aborted();
    /* The wrong direction. */
    put_prd(0, 0x10000, 0, true);
    bm_setup();
    bm_outb(IDE_BM_CMD, 0);
    send_packet(cdb, 0, true);
    bm_outb(IDE_BM_CMD, IDE_BM_CMD_START);
    assert_dma_aborted();
}

/* ---- the disc ------------------------------------------------------------------------- */

static void gesn(uint8_t *event, uint8_t *media_status)
{
    const uint8_t cdb[12] = {ATAPI_GET_EVENT_STATUS, 0x01, 0, 0, 0x10, 0, 0, 0, 8};
    uint8_t buf[8];

    assert_int_equal(run(cdb, buf, sizeof(buf)), 8);
    assert_int_equal(buf[0] << 8 | buf[1], 6);
    assert_int_equal(buf[2], 4);
    assert_int_equal(buf[3], 0x10);
    *event = buf[4];
    *media_status = buf[5];
}

static void test_medium_changes(void **state)
{
    const uint8_t eject[12] = {ATAPI_START_STOP_UNIT, 0, 0, 0, 0x02};
    const uint8_t load[12] = {ATAPI_START_STOP_UNIT, 0, 0, 0, 0x03};
    const uint8_t prevent[12] = {ATAPI_PREVENT_ALLOW, 0, 0, 0, 1};
    const uint8_t allow[12] = {ATAPI_PREVENT_ALLOW};
    const uint8_t inq[12] = {ATAPI_INQUIRY, 0, 0, 0, 36};
    struct ide_backend be = disc_backend();
    uint8_t ev, ms;

    (void)state;
    /* In the drive since power-on: nothing to report. */
    gesn(&ev, &ms);
    assert_int_equal(ev, ATAPI_EVENT_NONE);
    assert_int_equal(ms, 0x02);
    expect_good(tur);

    /* The owner removes the disc, then inserts one. */
    assert_int_equal(ide_cdrom_change(&ide, CH, 0, NULL), 0);
    gesn(&ev, &ms);
    assert_int_equal(ev, ATAPI_EVENT_REMOVAL);
    assert_int_equal(ms, 0);
    expect_sense(tur, ATAPI_SENSE_NOT_READY, ATAPI_ASC_MEDIUM_NOT_PRESENT, 1);
    assert_int_equal(ide_cdrom_change(&ide, CH, 0, &be), 0);
    gesn(&ev, &ms);
    assert_int_equal(ev, ATAPI_EVENT_NEW_MEDIA);
    assert_int_equal(ms, 0x02);
    gesn(&ev, &ms);
    assert_int_equal(ev, ATAPI_EVENT_NONE);
    /* INQUIRY does not consume the unit attention; TUR reports it once. */
    expect_good(inq);
    expect_sense(tur, ATAPI_SENSE_UNIT_ATTENTION, ATAPI_ASC_MEDIUM_CHANGED, 0);
    expect_good(tur);
    /* REQUEST SENSE reports a pending unit attention itself. */
    assert_int_equal(ide_cdrom_change(&ide, CH, 0, &be), 0);
    assert_int_equal(request_sense().key, ATAPI_SENSE_UNIT_ATTENTION);
    expect_good(tur);

    /* The guest ejects: the tray opens. */
    expect_good(eject);
    assert_true(ide_cdrom_tray_open(&ide, CH, 0));
    gesn(&ev, &ms);
    assert_int_equal(ev, ATAPI_EVENT_REMOVAL);
    assert_int_equal(ms, 0x01);
    expect_sense(tur, ATAPI_SENSE_NOT_READY, ATAPI_ASC_MEDIUM_NOT_PRESENT, 2);
    expect_good(load);
    assert_false(ide_cdrom_tray_open(&ide, CH, 0));
    expect_sense(tur, ATAPI_SENSE_UNIT_ATTENTION, ATAPI_ASC_MEDIUM_CHANGED, 0);
    expect_good(tur);
    /* Locked, it does not eject. */
    expect_good(prevent);
    expect_sense(eject, ATAPI_SENSE_ILLEGAL_REQUEST, ATAPI_ASC_REMOVAL_PREVENTED, 2);
    assert_false(ide_cdrom_tray_open(&ide, CH, 0));
    expect_good(allow);
    expect_good(eject);
    assert_true(ide_cdrom_tray_open(&ide, CH, 0));
    /* An owner's insert closes the tray. */
    assert_int_equal(ide_cdrom_change(&ide, CH, 0, &be), 0);
    assert_false(ide_cdrom_tray_open(&ide, CH, 0));

    /* A change during a transfer ends it. */
    uint8_t cdb[12];
    request_sense();
    read10(cdb, 0, 4);
    send_packet(cdb, 2048, false);
    assert_int_equal(inb(IDE_REG_STATUS), ST_DRQ);
    assert_int_equal(ide_cdrom_change(&ide, CH, 0, NULL), 0);
    assert_true(irq_level[CH]);
    assert_int_equal(inb(IDE_REG_STATUS), ST_CHECK);
    assert_int_equal(inb(IDE_REG_ERROR), ATAPI_SENSE_UNIT_ATTENTION << 4);
    assert_int_equal(inw(), 0xFFFF);
    assert_int_equal(ide_cdrom_change(&ide, 0, 0, NULL), -22); /* no CD there */
}

static void test_mode_sense(void **state)
{
    uint8_t cdb[12] = {ATAPI_MODE_SENSE_10, 0, 0x2A, 0, 0, 0, 0, 0, 128}, buf[128];

    (void)state;
    assert_int_equal(run(cdb, buf, sizeof(buf)), 30);
    assert_int_equal(buf[0] << 8 | buf[1], 28);
    assert_int_equal(buf[6] << 8 | buf[7], 0); /* no block descriptors */
    assert_int_equal(buf[8], 0x2A);
    assert_int_equal(buf[9], 20);
    assert_true(buf[10] & 0x08);                  /* DVD-ROM read */
    assert_int_equal(buf[14] & 0xE9, 0x29);       /* tray, eject, lock */
    assert_true((buf[16] << 8 | buf[17]) >= 176); /* Linux's speed / 176 */
    /* All pages; the header alone when the allocation is 8. */
    cdb[2] = 0x3F;
    assert_int_equal(run(cdb, buf, sizeof(buf)), 42);
    assert_int_equal(buf[8], 0x01);
    assert_int_equal(buf[20], 0x2A);
    cdb[8] = 8;
    assert_int_equal(run(cdb, buf, sizeof(buf)), 8);
    assert_int_equal(buf[0] << 8 | buf[1], 40);
    /* Changeable values: none. */
    cdb[2] = 0x40 | 0x2A;
    cdb[8] = 128;
    run(cdb, buf, sizeof(buf));
    for (unsigned i = 10; i < 30; i++)
        assert_int_equal(buf[i], 0);
    cdb[2] = 0xC0 | 0x2A;
    expect_sense(cdb, ATAPI_SENSE_ILLEGAL_REQUEST, ATAPI_ASC_SAVING_UNSUPPORTED, 0);
    cdb[2] = 0x0E;
    expect_sense(cdb, ATAPI_SENSE_ILLEGAL_REQUEST, ATAPI_ASC_INVALID_FIELD, 0);
    cdb[2] = 0x2A;
    cdb[3] = 1;
    expect_sense(cdb, ATAPI_SENSE_ILLEGAL_REQUEST, ATAPI_ASC_INVALID_FIELD, 0);
    /* Works without a disc. */
    attach_cd(false);
    cdb[3] = 0;
    run(cdb, buf, sizeof(buf));
}

static void test_read_toc(void **state)
{
    uint8_t cdb[12] = {ATAPI_READ_TOC, 0, 0, 0, 0, 0, 0, 0, 100}, buf[100];
    uint32_t lead_out = DISC_SECTORS + 150;

    (void)state;
    assert_int_equal(run(cdb, buf, sizeof(buf)), 20);
    assert_int_equal(buf[0] << 8 | buf[1], 18);
    assert_int_equal(buf[2], 1);
    assert_int_equal(buf[3], 1);
    assert_int_equal(buf[5], 0x14);
    assert_int_equal(buf[6], 1);
    assert_int_equal(buf[8] | buf[9] | buf[10] | buf[11], 0);
    assert_int_equal(buf[14], 0xAA);
    assert_int_equal(buf[16] << 24 | buf[17] << 16 | buf[18] << 8 | buf[19], DISC_SECTORS);
    /* MSF: track 1 at 00:02:00. */
    cdb[1] = 0x02;
    run(cdb, buf, sizeof(buf));
    assert_int_equal(buf[9], 0);
    assert_int_equal(buf[10], 2);
    assert_int_equal(buf[11], 0);
    assert_int_equal(buf[17], lead_out / 4500);
    assert_int_equal(buf[18], lead_out / 75 % 60);
    assert_int_equal(buf[19], lead_out % 75);
    /* From the lead-out: one descriptor; track 2 does not exist. */
    cdb[1] = 0;
    cdb[6] = 0xAA;
    assert_int_equal(run(cdb, buf, sizeof(buf)), 12);
    assert_int_equal(buf[6], 0xAA);
    cdb[6] = 2;
    expect_sense(cdb, ATAPI_SENSE_ILLEGAL_REQUEST, ATAPI_ASC_INVALID_FIELD, 0);
    /* Sessions, in byte 2 or in the old byte 9 (Linux's sr_cd_check). */
    cdb[6] = 0;
    cdb[2] = 1;
    assert_int_equal(run(cdb, buf, sizeof(buf)), 12);
    assert_int_equal(buf[0] << 8 | buf[1], 10);
    assert_int_equal(buf[6], 1);
    cdb[2] = 0;
    cdb[8] = 12;
    cdb[9] = 0x40;
    assert_int_equal(run(cdb, buf, sizeof(buf)), 12);
    assert_int_equal(buf[0] << 8 | buf[1], 10);
    cdb[9] = 0;
    cdb[2] = 5;
    expect_sense(cdb, ATAPI_SENSE_ILLEGAL_REQUEST, ATAPI_ASC_INVALID_FIELD, 0);
    /* The header only. */
    cdb[2] = 0;
    cdb[8] = 4;
    assert_int_equal(run(cdb, buf, sizeof(buf)), 4);
    assert_int_equal(buf[0] << 8 | buf[1], 18);
}

static uint16_t config_profile(const uint8_t *cdb, uint8_t *buf, size_t *len)
{
    *len = run(cdb, buf, 128);
    assert_int_equal((uint32_t)(buf[0] << 24 | buf[1] << 16 | buf[2] << 8 | buf[3]), *len - 4);
    return (uint16_t)(buf[6] << 8 | buf[7]);
}

static void test_get_configuration(void **state)
{
    uint8_t cdb[12] = {ATAPI_GET_CONFIGURATION, 0, 0, 0, 0, 0, 0, 0, 128}, buf[128];
    size_t len;

    (void)state;
    assert_int_equal(config_profile(cdb, buf, &len), ATAPI_PROFILE_CDROM);
    assert_int_equal(len, 8 + 12 + 8 + 8 + 12);
    assert_int_equal(buf[8] << 8 | buf[9], 0x0000);
    assert_int_equal(buf[12] << 8 | buf[13], ATAPI_PROFILE_DVDROM);
    assert_int_equal(buf[14], 0);
    assert_int_equal(buf[16] << 8 | buf[17], ATAPI_PROFILE_CDROM);
    assert_int_equal(buf[18], 1);
    /* One feature: Removable Medium. */
    cdb[1] = 2;
    cdb[3] = 0x03;
    assert_int_equal(config_profile(cdb, buf, &len), ATAPI_PROFILE_CDROM);
    assert_int_equal(len, 16);
    assert_int_equal(buf[9], 0x03);
    /* From 0x0002 on, current ones only, no disc: Removable Medium alone. */
    attach_cd(false);
    cdb[1] = 1;
    cdb[3] = 0x02;
    assert_int_equal(config_profile(cdb, buf, &len), ATAPI_PROFILE_NONE);
    assert_int_equal(len, 16);
    cdb[1] = 3;
    expect_sense(cdb, ATAPI_SENSE_ILLEGAL_REQUEST, ATAPI_ASC_INVALID_FIELD, 0);
    /* A DVD-sized disc. */
    disc_size = (uint64_t)(ATAPI_CD_MAX_SECTORS + 1) * ATAPI_SECTOR_SIZE;
    attach_cd(true);
    cdb[1] = 0;
    cdb[3] = 0;
    assert_int_equal(config_profile(cdb, buf, &len), ATAPI_PROFILE_DVDROM);
    assert_int_equal(buf[14], 1);
    assert_int_equal(buf[18], 0);
    /* And reading past the first MiB of it works. */
    uint8_t rd[12], data[2048];
    read10(rd, ATAPI_CD_MAX_SECTORS, 1);
    assert_int_equal(run(rd, data, sizeof(data)), 2048);
}

static void test_get_event_status(void **state)
{
    uint8_t cdb[12] = {ATAPI_GET_EVENT_STATUS, 0, 0, 0, 0x10, 0, 0, 0, 8}, buf[8];

    (void)state;
    expect_sense(cdb, ATAPI_SENSE_ILLEGAL_REQUEST, ATAPI_ASC_INVALID_FIELD, 0);
    /* No supported class asked for: "no event available". */
    cdb[1] = 1;
    cdb[4] = 0x02;
    assert_int_equal(run(cdb, buf, sizeof(buf)), 4);
    assert_int_equal(buf[1], 2);
    assert_int_equal(buf[2], 0x80);
    assert_int_equal(buf[3], 0x10);
}

static void test_device_reset(void **state)
{
    uint8_t cdb[12];

    (void)state;
    read10(cdb, 0, 4);
    send_packet(cdb, 2048, false);
    assert_int_equal(inb(IDE_REG_STATUS), ST_DRQ);
    irq_raises[CH] = 0;
    outb(IDE_REG_COMMAND, IDE_CMD_DEVICE_RESET);
    assert_int_equal(irq_raises[CH], 0);
    assert_int_equal(inb(IDE_REG_STATUS), 0);
    assert_int_equal(inb(IDE_REG_LBAM), IDE_ATAPI_SIG_MID);
    assert_int_equal(inb(IDE_REG_LBAH), IDE_ATAPI_SIG_HIGH);
    assert_int_equal(inw(), 0xFFFF);
    /* Then as new. */
    expect_good(tur);
    /* Soft reset of the channel, as libata's probe: ATAPI signature, DRDY
     * clear, and commands work after it. */
    ide_io_write(&ide, CH, IDE_IO_CONTROL, 0, 1, IDE_CTL_SRST);
    ide_io_write(&ide, CH, IDE_IO_CONTROL, 0, 1, 0);
    assert_int_equal(inb(IDE_REG_STATUS), 0);
    assert_int_equal(inb(IDE_REG_LBAM), IDE_ATAPI_SIG_MID);
    assert_int_equal(inb(IDE_REG_LBAH), IDE_ATAPI_SIG_HIGH);
    expect_good(tur);
    /* EXECUTE DEVICE DIAGNOSTIC. */
    outb(IDE_REG_COMMAND, IDE_CMD_DIAGNOSTIC);
    assert_true(irq_level[CH]);
    assert_int_equal(inb(IDE_REG_STATUS), 0);
    assert_int_equal(inb(IDE_REG_ERROR), 1);
    assert_int_equal(inb(IDE_REG_LBAH), IDE_ATAPI_SIG_HIGH);
}

/* ---- the command set alone -------------------------------------------------------------- */

static void test_atapi_direct(void **state)
{
    struct atapi cd;
    struct atapi_result res;
    uint8_t buf[ATAPI_REPLY_MIN], cdb[12] = {ATAPI_INQUIRY, 0, 0, 0, 255};

    (void)state;
    atapi_init(&cd, "VENDOR-TOO-LONG", "P", NULL, NULL);
    assert_string_equal(cd.vendor, "VENDOR-T");
    assert_string_equal(cd.product, "P               ");
    assert_false(atapi_ready(&cd));
    atapi_command(&cd, cdb, buf, sizeof(buf), &res);
    assert_int_equal(res.status, ATAPI_GOOD);
    assert_int_equal(res.len, 36);
    /* A buffer too small for a reply. */
    atapi_command(&cd, cdb, buf, 64, &res);
    assert_int_equal(res.status, ATAPI_CHECK_CONDITION);
    assert_int_equal(cd.sense.key, ATAPI_SENSE_ABORTED_COMMAND);
    /* A READ says what to read. */
    atapi_insert(&cd, 1000);
    cd.unit_attention = false;
    read10(cdb, 998, 2);
    atapi_command(&cd, cdb, buf, sizeof(buf), &res);
    assert_int_equal(res.status, ATAPI_GOOD);
    assert_int_equal(res.len, 0);
    assert_int_equal(res.lba, 998);
    assert_int_equal(res.count, 2);
    /* A disc of 0 sectors: capacity 0, nothing readable. */
    atapi_insert(&cd, 0);
    cd.unit_attention = false;
    memset(cdb, 0, sizeof(cdb));
    cdb[0] = ATAPI_READ_CAPACITY;
    atapi_command(&cd, cdb, buf, sizeof(buf), &res);
    assert_int_equal(res.len, 8);
    assert_int_equal(buf[3], 0);
    read10(cdb, 0, 1);
    atapi_command(&cd, cdb, buf, sizeof(buf), &res);
    assert_int_equal(res.status, ATAPI_CHECK_CONDITION);
    atapi_remove(&cd);
    assert_int_equal(cd.media_event, ATAPI_EVENT_REMOVAL);
    /* START STOP UNIT with a power condition, or without LoEj: nothing. */
    memset(cdb, 0, sizeof(cdb));
    cdb[0] = ATAPI_START_STOP_UNIT;
    cdb[4] = 0x12;
    atapi_command(&cd, cdb, buf, sizeof(buf), &res);
    assert_int_equal(res.status, ATAPI_GOOD);
    assert_false(cd.tray_open);
    cdb[4] = 0x00;
    atapi_command(&cd, cdb, buf, sizeof(buf), &res);
    assert_false(cd.tray_open);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_identify_packet, setup),
        cmocka_unit_test_setup(test_identify_device_aborts_with_signature, setup),
        cmocka_unit_test_setup(test_inquiry, setup),
        cmocka_unit_test_setup(test_sense_after_errors, setup),
        cmocka_unit_test_setup(test_read_capacity, setup),
        cmocka_unit_test_setup(test_read10_pio, setup),
        cmocka_unit_test_setup(test_read10_dma, setup),
        cmocka_unit_test_setup(test_dma_hostile, setup),
        cmocka_unit_test_setup(test_medium_changes, setup),
        cmocka_unit_test_setup(test_mode_sense, setup),
        cmocka_unit_test_setup(test_read_toc, setup),
        cmocka_unit_test_setup(test_get_configuration, setup),
        cmocka_unit_test_setup(test_get_event_status, setup),
        cmocka_unit_test_setup(test_device_reset, setup),
        cmocka_unit_test_setup(test_atapi_direct, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
