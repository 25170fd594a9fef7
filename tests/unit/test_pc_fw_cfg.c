// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of drivers/pc/fw_cfg.c, QEMU's firmware configuration
 * interface: the signature and ID through the data port and the DMA
 * signature; the file directory parsed back as SeaBIOS's qemu_cfg_init()
 * and qemu_early_e820() parse it, through the data port and by DMA; files
 * kept in name order with QEMU's keys; data port offsets, reads past the
 * end and absent keys; the legacy keys SeaBIOS reads; DMA read, skip and
 * select (SeaBIOS's qemu_cfg_read_file() with and without a skip), the
 * 64-bit address and its high half; DMA writes to writable files (the
 * table loader's WRITE_POINTER) and every refusal; hostile DMA (the
 * descriptor or the target outside RAM, straddling its end or a hole,
 * in ROM, wrapping addresses, unknown control bits) leaving everything
 * untouched but the control word; no DMA interface; reset; the add API's
 * checks; etc/e820; and random port and DMA traffic against a fake RAM
 * with guard bytes.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <pc/fw_cfg.h>

/* Fake guest memory: RAM at [0, 64 KiB) and [4 GiB, 4 GiB + 64 KiB), and
 * 4 KiB of ROM at 0xE0000 (readable, not writable), each surrounded by
 * guard bytes that must never change. */
#define LOW_SIZE  0x10000u
#define HIGH_BASE 0x100000000ull
#define HIGH_SIZE 0x10000u
#define ROM_BASE  0xE0000u
#define ROM_SIZE  0x1000u
#define GUARD     256u
#define GUARD_VAL 0xA5

#define DESC 0x1000u /* where the tests put their FWCfgDmaAccess */
#define BUF  0x2000u /* and the data */

static uint8_t backing[GUARD + LOW_SIZE + GUARD + HIGH_SIZE + GUARD + ROM_SIZE + GUARD];
#define LOW  (backing + GUARD)
#define HIGH (LOW + LOW_SIZE + GUARD)
#define ROM  (HIGH + HIGH_SIZE + GUARD)

static struct fw_cfg fw;
static unsigned map_calls;

struct region {
    uint64_t base;
    uint32_t size;
    uint8_t *host;
    bool writable;
};

static const struct region regions[] = {
    {0, LOW_SIZE, LOW, true},
    {HIGH_BASE, HIGH_SIZE, HIGH, true},
    {ROM_BASE, ROM_SIZE, ROM, false},
};

static void *map(void *opaque, uint64_t gpa, size_t len, bool to_memory)
{
    assert_ptr_equal(opaque, &fw);
    /* The model checks ranges before it asks. */
    assert_true(len > 0);
    assert_true(gpa <= UINT64_MAX - (len - 1));
    map_calls++;
    for (size_t i = 0; i < sizeof(regions) / sizeof(regions[0]); i++) {
        const struct region *r = &regions[i];

        if (gpa >= r->base && gpa - r->base <= r->size && len <= r->size - (gpa - r->base))
            return to_memory && !r->writable ? NULL : r->host + (gpa - r->base);
    }
    return NULL;
}

/* The host view of guest @gpa, for the tests' own use. */
static uint8_t *gpa_ptr(uint64_t gpa)
{
    for (size_t i = 0; i < sizeof(regions) / sizeof(regions[0]); i++)
        if (gpa >= regions[i].base && gpa - regions[i].base < regions[i].size)
            return regions[i].host + (gpa - regions[i].base);
    fail_msg("gpa %llx is not fake memory", (unsigned long long)gpa);
    return NULL;
}

static void check_guards(void)
{
    const uint8_t *g[] = {backing, LOW + LOW_SIZE, HIGH + HIGH_SIZE, ROM + ROM_SIZE};

    for (size_t i = 0; i < 4; i++)
        for (size_t j = 0; j < GUARD; j++)
            assert_int_equal(g[i][j], GUARD_VAL);
}

static int setup(void **state)
{
    (void)state;
    memset(backing, GUARD_VAL, sizeof(backing));
    memset(LOW, 0, LOW_SIZE);
    memset(HIGH, 0, HIGH_SIZE);
    memset(ROM, 0x5A, ROM_SIZE);
    map_calls = 0;
    fw_cfg_init(&fw, map, &fw);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    check_guards();
    return 0;
}

/* ---- the guest's side ---------------------------------------------------------- */

static void select_key(uint16_t key)
{
    fw_cfg_io_write(&fw, FW_CFG_PORT_SELECTOR, 2, key);
}

static uint8_t inb_data(void)
{
    return (uint8_t)fw_cfg_io_read(&fw, FW_CFG_PORT_DATA, 1);
}

static void insb_data(void *buf, size_t len)
{
    uint8_t *p = buf;

    while (len--)
        *p++ = inb_data();
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static void write_desc(uint64_t desc, uint32_t control, uint32_t length, uint64_t address)
{
    uint8_t *d = gpa_ptr(desc);

    put_be32(d, control);
    put_be32(d + 4, length);
    put_be32(d + 8, (uint32_t)(address >> 32));
    put_be32(d + 12, (uint32_t)address);
}

/* SeaBIOS: outl(cpu_to_be32(addr), 0x518), the low half only. */
static void kick32(uint32_t desc)
{
    fw_cfg_io_write(&fw, FW_CFG_PORT_DMA_LOW, 4, __builtin_bswap32(desc));
}

/* Linux: iowrite32be() of the high half, then of the low half. */
static void kick64(uint64_t desc)
{
    fw_cfg_io_write(&fw, FW_CFG_PORT_DMA_HIGH, 4, __builtin_bswap32((uint32_t)(desc >> 32)));
    fw_cfg_io_write(&fw, FW_CFG_PORT_DMA_LOW, 4, __builtin_bswap32((uint32_t)desc));
}

/* One operation with the descriptor at @desc; the control word after it. */
static uint32_t dma_at(uint64_t desc, uint32_t control, uint32_t length, uint64_t address)
{
    write_desc(desc, control, length, address);
    if (desc >> 32)
        kick64(desc);
    else
        kick32((uint32_t)desc);
    return be32(gpa_ptr(desc));
}

static uint32_t dma(uint32_t control, uint32_t length, uint64_t address)
{
    return dma_at(DESC, control, length, address);
}

/* SeaBIOS's qemu_cfg_read_entry(), qemu_cfg_read(), qemu_cfg_skip(). */
static uint32_t read_entry(uint64_t buf, uint16_t key, uint32_t len)
{
    return dma((uint32_t)key << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ, len, buf);
}

static uint32_t cfg_read(uint64_t buf, uint32_t len)
{
    return dma(FW_CFG_DMA_CTL_READ, len, buf);
}

static uint32_t cfg_skip(uint32_t len)
{
    return dma(FW_CFG_DMA_CTL_SKIP, len, 0);
}

/* ---- what the tests put there -------------------------------------------------- */

static uint8_t blob[3000];
static const char bootorder[] = "/pci@i0cf8/ide@1,1/drive@0/disk@0\n";
static uint8_t e820[3 * FW_CFG_E820_ENTRY_SIZE];
static const struct fw_cfg_e820_entry e820_in[3] = {
    {0, 0xC0000000ull, FW_CFG_E820_RAM},
    {0xFEFFC000ull, 0x4000, FW_CFG_E820_RESERVED},
    {0x100000000ull, 0x40000000ull, FW_CFG_E820_RAM},
};

/* Files added out of order; sorted: bootorder, etc/e820, etc/table-loader,
 * genroms/blob.bin. */
static void add_files(void)
{
    for (size_t i = 0; i < sizeof(blob); i++)
        blob[i] = (uint8_t)(i * 7 + 3);
    assert_int_equal(fw_cfg_e820_build(e820_in, 3, e820, sizeof(e820)), 0);
    assert_int_equal(fw_cfg_add_file(&fw, "genroms/blob.bin", blob, sizeof(blob)), 0);
    assert_int_equal(fw_cfg_add_file(&fw, "etc/e820", e820, sizeof(e820)), 0);
    assert_int_equal(fw_cfg_add_file(&fw, "bootorder", bootorder, strlen(bootorder)), 0);
    assert_int_equal(fw_cfg_add_file(&fw, "etc/table-loader", blob, 128), 0);
}

/* ---- tests ---------------------------------------------------------------------- */

static void test_signature_and_id(void **state)
{
    char sig[5] = {0};
    uint8_t id[6];

    (void)state;
    /* Key 0 is selected from the start: SeaBIOS selects it anyway. */
    assert_int_equal(inb_data(), 'Q');
    select_key(FW_CFG_SIGNATURE);
    insb_data(sig, 4);
    assert_string_equal(sig, "QEMU");
    assert_int_equal(inb_data(), 0); /* past the end */
    /* A byte read of 0x510 is a data read too, as in QEMU. */
    select_key(FW_CFG_SIGNATURE);
    assert_int_equal(fw_cfg_io_read(&fw, FW_CFG_PORT_SELECTOR, 1), 'Q');
    assert_int_equal(inb_data(), 'E');

    select_key(FW_CFG_ID);
    insb_data(id, sizeof(id));
    assert_int_equal(id[0], FW_CFG_ID_TRADITIONAL | FW_CFG_ID_DMA);
    assert_int_equal(id[1] | id[2] | id[3] | id[4] | id[5], 0);

    /* The same by DMA, as SeaBIOS reads the ID. */
    assert_int_equal(read_entry(BUF, FW_CFG_ID, 4), 0);
    assert_memory_equal(gpa_ptr(BUF), "\x03\0\0\0", 4);
    /* Bit 14 of the selector is ignored: 0x4000 is the signature. */
    select_key(FW_CFG_WRITE_CHANNEL | FW_CFG_SIGNATURE);
    assert_int_equal(inb_data(), 'Q');
}

static void test_port_widths(void **state)
{
    (void)state;
    /* The DMA address register reads "QEMU CFG" in address order. */
    assert_int_equal(fw_cfg_io_read(&fw, FW_CFG_PORT_DMA_HIGH, 1), 'Q');
    assert_int_equal(fw_cfg_io_read(&fw, FW_CFG_PORT_DMA_HIGH, 4), 0x554D4551); /* "QEMU" */
    assert_int_equal(fw_cfg_io_read(&fw, FW_CFG_PORT_DMA_LOW, 4), 0x47464320);  /* " CFG" */
    assert_int_equal(fw_cfg_io_read(&fw, FW_CFG_PORT_DMA_HIGH, 8), 0x47464320554D4551ull);
    assert_int_equal(fw_cfg_io_read(&fw, 11, 1), 'G');
    /* The gap, beyond the range, wider reads of the data port, bad sizes. */
    assert_int_equal(fw_cfg_io_read(&fw, 2, 1), 0xFF);
    assert_int_equal(fw_cfg_io_read(&fw, 3, 2), 0x51FF); /* 0x513 then 0x514 */
    assert_int_equal(fw_cfg_io_read(&fw, 12, 1), 0xFF);
    assert_int_equal(fw_cfg_io_read(&fw, 10, 4), 0xFFFF4746);
    assert_int_equal(fw_cfg_io_read(&fw, FW_CFG_PORT_SELECTOR, 2), 0xFFFF);
    assert_int_equal(fw_cfg_io_read(&fw, FW_CFG_PORT_DATA, 4), 0x51FFFFFF); /* 0x511-0x514 */
    assert_int_equal(fw_cfg_io_read(&fw, 0, 0), UINT64_MAX);
    assert_int_equal(fw_cfg_io_read(&fw, 4, 9), UINT64_MAX);
    /* None of those moved the data offset. */
    assert_int_equal(inb_data(), 'Q');

    /* Writes that are not a selector or DMA address write do nothing. */
    select_key(FW_CFG_ID);
    fw_cfg_io_write(&fw, FW_CFG_PORT_SELECTOR, 1, 0); /* a data write */
    fw_cfg_io_write(&fw, FW_CFG_PORT_DATA, 1, 0);     /* ignored since QEMU 2.4 */
    fw_cfg_io_write(&fw, FW_CFG_PORT_DATA, 2, 0);     /* not the selector */
    fw_cfg_io_write(&fw, FW_CFG_PORT_SELECTOR, 4, 0); /* nor this */
    fw_cfg_io_write(&fw, FW_CFG_PORT_DMA_LOW, 2, 0);  /* no DMA either */
    fw_cfg_io_write(&fw, FW_CFG_PORT_DMA_LOW, 8, 0);
    fw_cfg_io_write(&fw, 6, 4, 0);
    assert_int_equal(map_calls, 0);
    assert_int_equal(inb_data(), FW_CFG_ID_TRADITIONAL | FW_CFG_ID_DMA);
}

/* SeaBIOS's qemu_cfg_init() and qemu_early_e820(), through the data port
 * (its path when the ID has no DMA bit). */
static void test_directory_through_port(void **state)
{
    static const char *const names[] = {"bootorder", "etc/e820", "etc/table-loader",
                                        "genroms/blob.bin"};
    static const uint32_t sizes[] = {sizeof(bootorder) - 1, sizeof(e820), 128, sizeof(blob)};
    uint8_t count[4], entry[FW_CFG_DIR_ENTRY_SIZE];
    uint16_t e820_key = 0;
    uint32_t e820_size = 0;

    (void)state;
    add_files();
    select_key(FW_CFG_FILE_DIR);
    insb_data(count, 4);
    assert_int_equal(be32(count), 4);
    for (unsigned i = 0; i < 4; i++) {
        insb_data(entry, sizeof(entry));
        assert_int_equal(be32(entry), sizes[i]);
        assert_int_equal(be16(entry + 4), FW_CFG_FILE_FIRST + i);
        assert_int_equal(be16(entry + 6), 0);
        assert_string_equal((const char *)entry + 8, names[i]);
        for (size_t j = 8 + strlen(names[i]); j < sizeof(entry); j++)
            assert_int_equal(entry[j], 0);
        assert_int_equal(fw_cfg_file_key(&fw, names[i]), FW_CFG_FILE_FIRST + i);
        if (memcmp(entry + 8, "etc/e820", 9) == 0) {
            e820_key = be16(entry + 4);
            e820_size = be32(entry);
        }
    }
    assert_int_equal(inb_data(), 0); /* the directory ends there */

    /* Walk etc/e820 entry by entry, as qemu_early_e820() does. */
    assert_int_equal(e820_size, 3 * FW_CFG_E820_ENTRY_SIZE);
    select_key(e820_key);
    for (unsigned i = 0; i < e820_size / FW_CFG_E820_ENTRY_SIZE; i++) {
        uint8_t e[FW_CFG_E820_ENTRY_SIZE];
        uint64_t base = 0, len = 0;
        uint32_t type = 0;

        insb_data(e, sizeof(e));
        for (int b = 7; b >= 0; b--) {
            base = base << 8 | e[b];
            len = len << 8 | e[8 + b];
        }
        for (int b = 3; b >= 0; b--)
            type = type << 8 | e[16 + b];
        assert_int_equal(base, e820_in[i].base);
        assert_int_equal(len, e820_in[i].length);
        assert_int_equal(type, e820_in[i].type);
    }

    /* Files read back whole. */
    for (unsigned i = 0; i < 4; i++) {
        uint8_t got[sizeof(blob)];
        const void *want[] = {bootorder, e820, blob, blob};

        select_key((uint16_t)(FW_CFG_FILE_FIRST + i));
        insb_data(got, sizes[i]);
        assert_memory_equal(got, want[i], sizes[i]);
        assert_int_equal(inb_data(), 0);
    }
}

/* The same by DMA: one read of the count with select, then each entry
 * continuing from the offset. */
static void test_directory_by_dma(void **state)
{
    uint8_t *p = gpa_ptr(BUF);

    (void)state;
    add_files();
    assert_int_equal(read_entry(BUF, FW_CFG_FILE_DIR, 4), 0);
    assert_int_equal(be32(p), 4);
    for (unsigned i = 0; i < 4; i++) {
        assert_int_equal(cfg_read(BUF + 4 + i * 64, 64), 0);
        assert_int_equal(be16(p + 4 + i * 64 + 4), FW_CFG_FILE_FIRST + i);
    }
    assert_string_equal((const char *)p + 4 + 8, "bootorder");
    assert_string_equal((const char *)p + 4 + 64 + 8, "etc/e820");
    assert_string_equal((const char *)p + 4 + 128 + 8, "etc/table-loader");
    assert_string_equal((const char *)p + 4 + 192 + 8, "genroms/blob.bin");
    assert_int_equal(be32(p + 4 + 192), sizeof(blob));
    assert_memory_equal(p + 4, fw.dir + 4, 4 * 64);
    /* A later file shifts the keys of the files after it. */
    assert_int_equal(fw_cfg_add_file(&fw, "etc/boot-fail-wait", "\x0a\0\0\0", 4), 0);
    assert_int_equal(fw_cfg_file_key(&fw, "bootorder"), 0x20);
    assert_int_equal(fw_cfg_file_key(&fw, "etc/boot-fail-wait"), 0x21);
    assert_int_equal(fw_cfg_file_key(&fw, "etc/e820"), 0x22);
    assert_int_equal(fw_cfg_file_key(&fw, "genroms/blob.bin"), 0x24);
    assert_int_equal(read_entry(BUF, FW_CFG_FILE_DIR, 4 + 5 * 64), 0);
    assert_int_equal(be32(p), 5);
    assert_string_equal((const char *)p + 4 + 64 + 8, "etc/boot-fail-wait");
    assert_int_equal(be32(p + 4 + 64), 4);
}

static void test_file_offsets(void **state)
{
    int key;

    (void)state;
    add_files();
    key = fw_cfg_file_key(&fw, "bootorder");
    select_key((uint16_t)key);
    for (size_t i = 0; i < 5; i++)
        assert_int_equal(inb_data(), (uint8_t)bootorder[i]);
    /* Selecting again starts over; so does selecting it by DMA. */
    select_key((uint16_t)key);
    assert_int_equal(inb_data(), '/');
    assert_int_equal(inb_data(), 'p');
    assert_int_equal(dma((uint32_t)key << 16 | FW_CFG_DMA_CTL_SELECT, 0, 0), 0);
    assert_int_equal(inb_data(), '/');
    /* Port and DMA reads share the offset. */
    assert_int_equal(cfg_read(BUF, 3), 0);
    assert_memory_equal(gpa_ptr(BUF), "pci", 3);
    assert_int_equal(inb_data(), '@');
    /* Past the end: zeros, however long one reads. */
    select_key((uint16_t)key);
    for (size_t i = 0; i < strlen(bootorder); i++)
        (void)inb_data();
    for (int i = 0; i < 100; i++)
        assert_int_equal(inb_data(), 0);
    assert_int_equal(fw.offset, strlen(bootorder));
    /* A zero-length file reads 0 at once. */
    assert_int_equal(fw_cfg_add_file(&fw, "etc/empty", NULL, 0), 0);
    select_key((uint16_t)fw_cfg_file_key(&fw, "etc/empty"));
    assert_int_equal(inb_data(), 0);
}

static void test_absent_keys(void **state)
{
    static const uint16_t absent[] = {FW_CFG_RAM_SIZE, FW_CFG_NB_CPUS, 0x001F, 0x0024, 0x3FFF,
                                      0x8000,          0x801F,         0x8020, 0xFFFF};

    (void)state;
    add_files(); /* 0x0020-0x0023 exist now */
    for (size_t i = 0; i < sizeof(absent) / sizeof(absent[0]); i++) {
        select_key(absent[i]);
        for (int j = 0; j < 8; j++)
            assert_int_equal(inb_data(), 0);
        /* DMA: zero-filled, no error; skip fine; write refused. */
        memset(gpa_ptr(BUF), 0xEE, 16);
        assert_int_equal(read_entry(BUF, absent[i], 16), 0);
        for (int j = 0; j < 16; j++)
            assert_int_equal(gpa_ptr(BUF)[j], 0);
        assert_int_equal(cfg_skip(10), 0);
        assert_int_equal(dma(FW_CFG_DMA_CTL_WRITE, 4, BUF), FW_CFG_DMA_CTL_ERROR);
    }
    /* SeaBIOS reads NUMA's node count whether or not there is one. */
    memset(gpa_ptr(BUF), 0xEE, 8);
    assert_int_equal(read_entry(BUF, FW_CFG_NUMA, 8), 0);
    assert_memory_equal(gpa_ptr(BUF), "\0\0\0\0\0\0\0\0", 8);
}

static void test_legacy_keys(void **state)
{
    static const uint8_t irq0 = 1;
    uint8_t *p = gpa_ptr(BUF);

    (void)state;
    assert_int_equal(fw_cfg_add_u16(&fw, FW_CFG_NB_CPUS, 4), 0);
    assert_int_equal(fw_cfg_add_u16(&fw, FW_CFG_MAX_CPUS, 8), 0);
    assert_int_equal(fw_cfg_add_u16(&fw, FW_CFG_NOGRAPHIC, 1), 0);
    assert_int_equal(fw_cfg_add_u32(&fw, 0x0010, 0xDEADBEEF), 0);
    assert_int_equal(fw_cfg_add_u64(&fw, FW_CFG_RAM_SIZE, 0x123456789Aull), 0);
    assert_int_equal(fw_cfg_add_bytes(&fw, FW_CFG_IRQ0_OVERRIDE, &irq0, 1), 0);
    assert_int_equal(fw_cfg_add_bytes(&fw, FW_CFG_E820_TABLE, "\0\0\0\0", 4), 0);

    /* qemu_get_present_cpus_count() and romfile_loadint("etc/max-cpus"). */
    assert_int_equal(read_entry(BUF, FW_CFG_NB_CPUS, 2), 0);
    assert_memory_equal(p, "\x04\x00", 2);
    memset(p, 0xEE, 8);
    assert_int_equal(read_entry(BUF, FW_CFG_MAX_CPUS, 8), 0); /* copy() of 8, size 2 */
    assert_memory_equal(p, "\x08\0\0\0\0\0\0\0", 8);
    assert_int_equal(read_entry(BUF, FW_CFG_IRQ0_OVERRIDE, 1), 0);
    assert_int_equal(p[0], 1);
    select_key(0x0010);
    assert_int_equal(inb_data(), 0xEF);
    assert_int_equal(inb_data(), 0xBE);
    select_key(FW_CFG_RAM_SIZE);
    assert_int_equal(inb_data(), 0x9A);
    select_key(FW_CFG_E820_TABLE);
    assert_int_equal(inb_data(), 0);

    /* Replacing an item; the model's own keys and others are refused. */
    assert_int_equal(fw_cfg_add_u16(&fw, FW_CFG_NB_CPUS, 2), 0);
    assert_int_equal(read_entry(BUF, FW_CFG_NB_CPUS, 2), 0);
    assert_memory_equal(p, "\x02\x00", 2);
    assert_int_equal(fw_cfg_add_u16(&fw, FW_CFG_SIGNATURE, 0), -EINVAL);
    assert_int_equal(fw_cfg_add_u16(&fw, FW_CFG_ID, 0), -EINVAL);
    assert_int_equal(fw_cfg_add_u16(&fw, FW_CFG_FILE_DIR, 0), -EINVAL);
    assert_int_equal(fw_cfg_add_u16(&fw, FW_CFG_FILE_FIRST, 0), -EINVAL);
    assert_int_equal(fw_cfg_add_u16(&fw, FW_CFG_WRITE_CHANNEL | FW_CFG_NB_CPUS, 0), -EINVAL);
    assert_int_equal(fw_cfg_add_u16(&fw, 0x8020, 0), -EINVAL);
    assert_int_equal(fw_cfg_add_u16(&fw, 0xFFFF, 0), -EINVAL);
    assert_int_equal(fw_cfg_add_bytes(&fw, 0x0010, NULL, 1), -EINVAL);
    assert_int_equal(fw_cfg_add_bytes(&fw, 0x0010, &irq0, (size_t)UINT32_MAX + 1), -EINVAL);
    assert_int_equal(fw_cfg_add_bytes(&fw, 0x0011, NULL, 0), 0);
    /* The signature is intact. */
    select_key(FW_CFG_SIGNATURE);
    assert_int_equal(inb_data(), 'Q');
}

/* qemu_cfg_read_file(): one SELECT|READ without a skip, else a port
 * select, a DMA skip and a DMA read. */
static void test_dma_read_skip_select(void **state)
{
    int key;
    uint8_t *p = gpa_ptr(BUF);

    (void)state;
    add_files();
    key = fw_cfg_file_key(&fw, "genroms/blob.bin");
    assert_int_equal(read_entry(BUF, (uint16_t)key, sizeof(blob)), 0);
    assert_memory_equal(p, blob, sizeof(blob));
    assert_int_equal(fw.offset, sizeof(blob));

    memset(p, 0, sizeof(blob));
    select_key((uint16_t)key);
    assert_int_equal(cfg_skip(1000), 0);
    assert_int_equal(cfg_read(BUF, 500), 0);
    assert_memory_equal(p, blob + 1000, 500);
    assert_int_equal(cfg_read(BUF + 500, 500), 0); /* continues */
    assert_memory_equal(p + 500, blob + 1500, 500);
    assert_int_equal(cfg_skip(1), 0);
    assert_int_equal(inb_data(), blob[2001]);

    /* A read past the end: the rest of the item, then zeros. */
    memset(p, 0xEE, 2000);
    assert_int_equal(cfg_read(BUF, 2000), 0);
    assert_memory_equal(p, blob + 2002, sizeof(blob) - 2002);
    for (size_t i = sizeof(blob) - 2002; i < 2000; i++)
        assert_int_equal(p[i], 0);
    assert_int_equal(fw.offset, sizeof(blob));
    /* A skip past the end stops there. */
    select_key((uint16_t)key);
    assert_int_equal(cfg_skip(UINT32_MAX), 0);
    assert_int_equal(fw.offset, sizeof(blob));
    assert_int_equal(inb_data(), 0);

    /* Select with a skip in one operation. */
    assert_int_equal(dma((uint32_t)key << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_SKIP, 7, 0),
                     0);
    assert_int_equal(inb_data(), blob[7]);
    /* No operation bit: select only, the length ignored. */
    assert_int_equal(dma((uint32_t)key << 16 | FW_CFG_DMA_CTL_SELECT, 100, 0), 0);
    assert_int_equal(fw.selector, key);
    assert_int_equal(fw.offset, 0);
    /* Read wins over write and skip, as in QEMU. */
    assert_int_equal(dma(FW_CFG_DMA_CTL_READ | FW_CFG_DMA_CTL_WRITE | FW_CFG_DMA_CTL_SKIP, 4, BUF),
                     0);
    assert_memory_equal(p, blob, 4);
    /* A zero-length read touches nothing, not even through map(). */
    map_calls = 0;
    assert_int_equal(dma(FW_CFG_DMA_CTL_READ, 0, 0xFFFFFFFFFFFFull), 0);
    assert_int_equal(map_calls, 1); /* the descriptor */
    /* The error bit in the request is the device's: ignored. */
    assert_int_equal(dma(FW_CFG_DMA_CTL_ERROR | FW_CFG_DMA_CTL_READ, 4, BUF), 0);
    assert_memory_equal(p, blob + 4, 4);
    /* The same descriptor, used a thousand times. */
    select_key((uint16_t)key);
    for (unsigned i = 0; i < 1000; i++)
        assert_int_equal(cfg_read(BUF + i, 1), 0);
    assert_memory_equal(p, blob, 1000);
    /* A read over the descriptor itself: control still says done. */
    select_key((uint16_t)key);
    assert_int_equal(dma_at(BUF, FW_CFG_DMA_CTL_READ, 64, BUF), 0);
    assert_memory_equal(p + 4, blob + 4, 60);
    /* ROM is a fine source for a write but not a target for a read:
     * see test_dma_errors. */
}

static void test_dma_64bit_address(void **state)
{
    uint8_t *hp = gpa_ptr(HIGH_BASE + 0x800);

    (void)state;
    /* Descriptor and buffer above 4 GiB, by two 32-bit writes. */
    assert_int_equal(dma_at(HIGH_BASE + 0x100, FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ, 4,
                            HIGH_BASE + 0x800),
                     0);
    assert_memory_equal(hp, "QEMU", 4);
    /* The high half went back to 0: a low write alone is a low address. */
    assert_int_equal(fw.dma_high, 0);
    assert_int_equal(dma(FW_CFG_DMA_CTL_SELECT | 1u << 16 | FW_CFG_DMA_CTL_READ, 4, BUF), 0);
    assert_memory_equal(gpa_ptr(BUF), "\x03\0\0\0", 4);
    /* One 64-bit write. */
    memset(hp, 0, 4);
    write_desc(HIGH_BASE + 0x200, FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ, 4,
               HIGH_BASE + 0x800);
    fw_cfg_io_write(&fw, FW_CFG_PORT_DMA_HIGH, 8, __builtin_bswap64(HIGH_BASE + 0x200));
    assert_int_equal(be32(gpa_ptr(HIGH_BASE + 0x200)), 0);
    assert_memory_equal(hp, "QEMU", 4);
    /* A descriptor below 4 GiB with a target above. */
    memset(hp, 0, 4);
    assert_int_equal(read_entry(HIGH_BASE + 0x800, FW_CFG_SIGNATURE, 4), 0);
    assert_memory_equal(hp, "QEMU", 4);
    /* The high half alone starts nothing; reset clears it. */
    fw_cfg_io_write(&fw, FW_CFG_PORT_DMA_HIGH, 4, __builtin_bswap32(1));
    assert_int_equal(fw.dma_high, 1);
    fw_cfg_reset(&fw);
    assert_int_equal(fw.dma_high, 0);
}

/* The table loader's WRITE_POINTER: qemu_cfg_write_file_simple(). */
static void test_dma_write(void **state)
{
    uint8_t vmgenid_addr[8] = {0}, before[8];
    int key, ro;
    uint8_t *p = gpa_ptr(BUF);

    (void)state;
    add_files();
    assert_int_equal(fw_cfg_add_file_writable(&fw, "etc/vmgenid_addr", vmgenid_addr, 8), 0);
    key = fw_cfg_file_key(&fw, "etc/vmgenid_addr");
    ro = fw_cfg_file_key(&fw, "etc/e820");

    /* Offset 0: one SELECT|WRITE. */
    memcpy(p, "\x00\xf0\xff\x7f\0\0\0\0", 8);
    assert_int_equal(
        dma((uint32_t)key << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_WRITE, 8, BUF), 0);
    assert_memory_equal(vmgenid_addr, "\x00\xf0\xff\x7f\0\0\0\0", 8);
    assert_int_equal(fw.offset, 8);
    /* At an offset: port select, skip, write. */
    select_key((uint16_t)key);
    assert_int_equal(cfg_skip(4), 0);
    memcpy(p, "\x11\x22\x33\x44", 4);
    assert_int_equal(dma(FW_CFG_DMA_CTL_WRITE, 4, BUF), 0);
    assert_memory_equal(vmgenid_addr, "\x00\xf0\xff\x7f\x11\x22\x33\x44", 8);
    /* The guest reads back what it wrote. */
    assert_int_equal(read_entry(BUF + 16, (uint16_t)key, 8), 0);
    assert_memory_equal(p + 16, vmgenid_addr, 8);
    /* A write of nothing succeeds, even at the end. */
    assert_int_equal(dma(FW_CFG_DMA_CTL_WRITE, 0, 0), 0);
    /* From ROM: a write reads guest memory only. */
    select_key((uint16_t)key);
    assert_int_equal(dma(FW_CFG_DMA_CTL_WRITE, 8, ROM_BASE), 0);
    assert_memory_equal(vmgenid_addr, "\x5a\x5a\x5a\x5a\x5a\x5a\x5a\x5a", 8);

    /* Refused, leaving the item and the offset as they were: past the
     * end, straddling it, a source outside RAM, a read-only file. */
    memcpy(before, vmgenid_addr, 8);
    select_key((uint16_t)key);
    assert_int_equal(cfg_skip(6), 0);
    assert_int_equal(dma(FW_CFG_DMA_CTL_WRITE, 4, BUF), FW_CFG_DMA_CTL_ERROR);
    assert_int_equal(fw.offset, 6);
    assert_int_equal(dma(FW_CFG_DMA_CTL_WRITE, 2, LOW_SIZE - 1), FW_CFG_DMA_CTL_ERROR);
    assert_int_equal(dma(FW_CFG_DMA_CTL_WRITE, 2, 0xFFFFFFFFFFFFFFFFull), FW_CFG_DMA_CTL_ERROR);
    assert_int_equal(fw.offset, 6);
    assert_int_equal(
        dma((uint32_t)key << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_WRITE, 9, BUF),
        FW_CFG_DMA_CTL_ERROR);
    assert_int_equal(fw.offset, 6); /* not even the select happened */
    assert_memory_equal(vmgenid_addr, before, 8);
    assert_int_equal(dma((uint32_t)ro << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_WRITE, 4, BUF),
                     FW_CFG_DMA_CTL_ERROR);
    {
        uint8_t fresh[sizeof(e820)];

        assert_int_equal(fw_cfg_e820_build(e820_in, 3, fresh, sizeof(fresh)), 0);
        assert_memory_equal(e820, fresh, sizeof(e820));
    }
    assert_int_equal(
        dma((uint32_t)FW_CFG_SIGNATURE << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_WRITE, 1,
            BUF),
        FW_CFG_DMA_CTL_ERROR);
    select_key(FW_CFG_SIGNATURE);
    assert_int_equal(inb_data(), 'Q');
}

static void test_dma_errors(void **state)
{
    static uint8_t snapshot[sizeof(backing)];
    int key;

    (void)state;
    add_files();
    key = fw_cfg_file_key(&fw, "genroms/blob.bin");
    select_key((uint16_t)key);
    assert_int_equal(cfg_skip(10), 0);
    memcpy(snapshot, backing, sizeof(backing));

    /* The descriptor outside RAM, or at the top of the address space:
     * nothing to write the error into, nothing written. */
    kick32(0x80000000u);
    kick64(0xFFFFFFFFFFFFFFF0ull);
    kick64(0xFFFFFFFFFFFFFFF8ull); /* it would wrap */
    kick64(0xFFFFFFFFFFFFFFFEull); /* so would its control word */
    kick32(ROM_BASE);              /* in ROM: cannot be written back */
    assert_memory_equal(backing, snapshot, sizeof(backing));
    assert_int_equal(fw.selector, key);
    assert_int_equal(fw.offset, 10);

    /* Straddling the end of RAM: the control word is RAM, gets the error. */
    put_be32(gpa_ptr(LOW_SIZE - 8), FW_CFG_DMA_CTL_READ); /* only 8 bytes fit */
    put_be32(gpa_ptr(LOW_SIZE - 4), 4);
    memcpy(snapshot, backing, sizeof(backing));
    kick32(LOW_SIZE - 8);
    assert_int_equal(be32(gpa_ptr(LOW_SIZE - 8)), FW_CFG_DMA_CTL_ERROR);
    assert_memory_equal(gpa_ptr(LOW_SIZE - 4), snapshot + (gpa_ptr(LOW_SIZE - 4) - backing), 4);
    assert_int_equal(fw.offset, 10);

    /* Bad targets: outside RAM, straddling its end, across the hole
     * between the two RAM ranges, in ROM, wrapping the address space.
     * Guest memory untouched but for the control word; selection and
     * offset unchanged even with a select in the request. */
    static const struct {
        uint32_t length;
        uint64_t address;
    } bad[] = {
        {16, 0x80000000u},
        {16, LOW_SIZE - 8},
        {UINT32_MAX, BUF},
        {16, HIGH_BASE - 8},
        {16, HIGH_BASE + HIGH_SIZE - 1},
        {16, ROM_BASE},
        {16, 0xFFFFFFFFFFFFFFF8ull},
        {UINT32_MAX, 0xFFFFFFFF00000002ull},
        {1, 0xFFFFFFFFFFFFFFFFull}, /* the very last byte: no wrap, not RAM */
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        for (int sel = 0; sel < 2; sel++) {
            uint32_t control = FW_CFG_DMA_CTL_READ;

            if (sel)
                control |= FW_CFG_DMA_CTL_SELECT | (uint32_t)FW_CFG_ID << 16;
            write_desc(DESC, control, bad[i].length, bad[i].address);
            memcpy(snapshot, backing, sizeof(backing));
            kick32(DESC);
            assert_int_equal(be32(gpa_ptr(DESC)), FW_CFG_DMA_CTL_ERROR);
            put_be32(gpa_ptr(DESC), control);
            assert_memory_equal(backing, snapshot, sizeof(backing));
            assert_int_equal(fw.selector, key);
            assert_int_equal(fw.offset, 10);
        }
    }

    /* Unknown control bits: refused before anything, select included. */
    static const uint32_t unknown[] = {0x20, 0x40, 0x80, 0x100, 0x8000, 0xFFE0};
    for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
        uint32_t control = unknown[i] | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ;

        write_desc(DESC, control, 4, BUF);
        memcpy(snapshot, backing, sizeof(backing));
        kick32(DESC);
        assert_int_equal(be32(gpa_ptr(DESC)), FW_CFG_DMA_CTL_ERROR);
        put_be32(gpa_ptr(DESC), control);
        assert_memory_equal(backing, snapshot, sizeof(backing));
        assert_int_equal(fw.selector, key);
        assert_int_equal(fw.offset, 10);
    }
    /* After all that the device still works. */
    assert_int_equal(cfg_read(BUF, 4), 0);
    assert_memory_equal(gpa_ptr(BUF), blob + 10, 4);
}

static void test_no_dma_interface(void **state)
{
    uint8_t id[4];

    (void)state;
    fw_cfg_init(&fw, NULL, &fw);
    add_files();
    select_key(FW_CFG_ID);
    insb_data(id, 4);
    assert_memory_equal(id, "\x01\0\0\0", 4);
    assert_int_equal(fw_cfg_io_read(&fw, FW_CFG_PORT_DMA_HIGH, 4), 0xFFFFFFFF);
    assert_int_equal(fw_cfg_io_read(&fw, FW_CFG_PORT_DMA_HIGH, 8), UINT64_MAX);
    /* A kick does nothing (map() is NULL: calling it would crash). */
    write_desc(DESC, FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ, 4, BUF);
    kick64(DESC);
    fw_cfg_io_write(&fw, FW_CFG_PORT_DMA_HIGH, 8, __builtin_bswap64(DESC));
    assert_int_equal(be32(gpa_ptr(DESC)), FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ);
    assert_int_equal(fw.dma_high, 0);
    /* The traditional interface works as before. */
    select_key((uint16_t)fw_cfg_file_key(&fw, "bootorder"));
    assert_int_equal(inb_data(), '/');
}

static void test_reset(void **state)
{
    (void)state;
    add_files();
    select_key((uint16_t)fw_cfg_file_key(&fw, "bootorder"));
    (void)inb_data();
    fw_cfg_io_write(&fw, FW_CFG_PORT_DMA_HIGH, 4, __builtin_bswap32(1));
    fw_cfg_reset(&fw);
    assert_int_equal(fw.selector, FW_CFG_SIGNATURE);
    assert_int_equal(fw.offset, 0);
    assert_int_equal(fw.dma_high, 0);
    assert_int_equal(inb_data(), 'Q');
    /* The items stay. */
    assert_int_equal(fw_cfg_file_key(&fw, "bootorder"), FW_CFG_FILE_FIRST);
    /* A struct copied elsewhere works the same: no pointer into itself. */
    static struct fw_cfg copy;
    copy = fw;
    memset(&fw, 0xCC, sizeof(fw));
    fw_cfg_io_write(&copy, FW_CFG_PORT_SELECTOR, 2, FW_CFG_FILE_DIR);
    assert_int_equal(fw_cfg_io_read(&copy, FW_CFG_PORT_DATA, 1), 0);
    assert_int_equal(fw_cfg_io_read(&copy, FW_CFG_PORT_DATA, 1), 0);
    assert_int_equal(fw_cfg_io_read(&copy, FW_CFG_PORT_DATA, 1), 0);
    assert_int_equal(fw_cfg_io_read(&copy, FW_CFG_PORT_DATA, 1), 4);
    fw_cfg_io_write(&copy, FW_CFG_PORT_SELECTOR, 2, FW_CFG_ID);
    assert_int_equal(fw_cfg_io_read(&copy, FW_CFG_PORT_DATA, 1), 3);
    fw_cfg_init(&fw, map, &fw);
}

static void test_add_file_checks(void **state)
{
    char name[FW_CFG_MAX_FILE_PATH + 1];
    static uint8_t data[1];

    (void)state;
    assert_int_equal(fw_cfg_add_file(&fw, "", data, 1), -EINVAL);
    assert_int_equal(fw_cfg_add_file(&fw, NULL, data, 1), -EINVAL);
    memset(name, 'a', sizeof(name));
    name[FW_CFG_MAX_FILE_PATH] = 0;
    assert_int_equal(fw_cfg_add_file(&fw, name, data, 1), -EINVAL); /* 56 chars */
    name[FW_CFG_MAX_FILE_PATH - 1] = 0;
    assert_int_equal(fw_cfg_add_file(&fw, name, data, 1), 0); /* 55 chars */
    assert_int_equal(fw_cfg_add_file(&fw, name, data, 1), -EEXIST);
    assert_int_equal(fw_cfg_add_file_writable(&fw, name, data, 1), -EEXIST);
    assert_int_equal(fw_cfg_add_file(&fw, "x", NULL, 1), -EINVAL);
    assert_int_equal(fw_cfg_add_file(&fw, "x", data, (size_t)UINT32_MAX + 1), -EINVAL);
    assert_int_equal(fw_cfg_file_key(&fw, "x"), -ENOENT);
    assert_int_equal(fw_cfg_file_key(&fw, ""), -ENOENT);
    /* The 55-character name, NUL-terminated in the directory. */
    assert_int_equal(read_entry(BUF, FW_CFG_FILE_DIR, 4 + 64), 0);
    assert_memory_equal(gpa_ptr(BUF) + 4 + 8, name, 56);

    /* Fill every slot, in descending order: each insert shifts them all. */
    for (unsigned i = 1; i < FW_CFG_MAX_FILES; i++) {
        char n[16];

        snprintf(n, sizeof(n), "f%03u", FW_CFG_MAX_FILES - i);
        assert_int_equal(fw_cfg_add_file(&fw, n, data, 1), 0);
    }
    assert_int_equal(fw_cfg_add_file(&fw, "zzz", data, 1), -ENOSPC);
    assert_int_equal(fw.nfiles, FW_CFG_MAX_FILES);
    assert_int_equal(fw_cfg_file_key(&fw, name), FW_CFG_FILE_FIRST);
    assert_int_equal(fw_cfg_file_key(&fw, "f001"), FW_CFG_FILE_FIRST + 1);
    assert_int_equal(fw_cfg_file_key(&fw, "f063"), FW_CFG_FILE_FIRST + 63);
    /* The whole directory by DMA, checked sorted. */
    assert_int_equal(read_entry(BUF, FW_CFG_FILE_DIR, 4 + 64 * FW_CFG_MAX_FILES), 0);
    assert_int_equal(be32(gpa_ptr(BUF)), FW_CFG_MAX_FILES);
    for (unsigned i = 1; i < FW_CFG_MAX_FILES; i++) {
        const uint8_t *a = gpa_ptr(BUF) + 4 + (i - 1) * 64, *b = a + 64;

        assert_true(strcmp((const char *)a + 8, (const char *)b + 8) < 0);
        assert_int_equal(be16(b + 4), FW_CFG_FILE_FIRST + i);
    }
    /* The last file slot is a key; one past it is absent. */
    select_key(FW_CFG_FILE_FIRST + FW_CFG_MAX_FILES);
    assert_int_equal(inb_data(), 0);
}

static void test_e820_build(void **state)
{
    uint8_t out[2 * FW_CFG_E820_ENTRY_SIZE + 1];
    static const struct fw_cfg_e820_entry two[] = {
        {0x0102030405060708ull, 0x1112131415161718ull, 0x21222324},
        {0, 0x9FC00, FW_CFG_E820_RAM},
    };
    static const uint8_t want[] = {
        0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01, 0x18, 0x17, 0x16, 0x15, 0x14, 0x13,
        0x12, 0x11, 0x24, 0x23, 0x22, 0x21, 0,    0,    0,    0,    0,    0,    0,    0,
        0x00, 0xFC, 0x09, 0,    0,    0,    0,    0,    1,    0,    0,    0,
    };
    struct fw_cfg_e820_entry e;

    (void)state;
    memset(out, 0xEE, sizeof(out));
    assert_int_equal(fw_cfg_e820_build(two, 2, out, sizeof(out)), 0);
    assert_memory_equal(out, want, sizeof(want));
    assert_int_equal(out[sizeof(want)], 0xEE);
    assert_int_equal(fw_cfg_e820_build(two, 2, out, 2 * FW_CFG_E820_ENTRY_SIZE - 1), -ENOSPC);
    assert_int_equal(fw_cfg_e820_build(two, 0, NULL, 0), 0);
    e = (struct fw_cfg_e820_entry){0x1000, 0, FW_CFG_E820_RAM};
    assert_int_equal(fw_cfg_e820_build(&e, 1, out, sizeof(out)), -EINVAL);
    e = (struct fw_cfg_e820_entry){0x1000, 0x1000, 0};
    assert_int_equal(fw_cfg_e820_build(&e, 1, out, sizeof(out)), -EINVAL);
    e = (struct fw_cfg_e820_entry){UINT64_MAX, 2, FW_CFG_E820_RESERVED};
    assert_int_equal(fw_cfg_e820_build(&e, 1, out, sizeof(out)), -EINVAL);
    e = (struct fw_cfg_e820_entry){UINT64_MAX, 1, FW_CFG_E820_RESERVED}; /* the last byte */
    assert_int_equal(fw_cfg_e820_build(&e, 1, out, sizeof(out)), 0);
    /* A count whose byte size would overflow. */
    assert_int_equal(fw_cfg_e820_build(two, SIZE_MAX / 4, out, sizeof(out)), -ENOSPC);
}

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* Addresses near interesting places: RAM, its edges, the hole, ROM,
 * the top of the address space. */
static uint64_t rnd_addr(void)
{
    static const uint64_t bases[] = {0,         LOW_SIZE, HIGH_BASE, HIGH_BASE + HIGH_SIZE,
                                     ROM_BASE,  DESC,     BUF,       0xFFFFFFFFFFFFFFFFull,
                                     0x80000000};

    return bases[rnd() % (sizeof(bases) / sizeof(bases[0]))] + (rnd() % 64) - 32;
}

static uint32_t rnd_len(void)
{
    switch (rnd() % 4) {
    case 0:
        return (uint32_t)(rnd() % 8);
    case 1:
        return (uint32_t)(rnd() % 4096);
    case 2:
        return UINT32_MAX - (uint32_t)(rnd() % 8);
    default:
        return (uint32_t)rnd();
    }
}

static void test_random_traffic(void **state)
{
    static uint8_t wbuf[64], blob_copy[sizeof(blob)], e820_copy[sizeof(e820)];
    unsigned done[2] = {0}, failed = 0; /* operations without and with data */
    int wkey;

    (void)state;
    add_files();
    assert_int_equal(fw_cfg_add_file_writable(&fw, "etc/w", wbuf, sizeof(wbuf)), 0);
    assert_int_equal(fw_cfg_add_u16(&fw, FW_CFG_NB_CPUS, 2), 0);
    wkey = fw_cfg_file_key(&fw, "etc/w");
    memcpy(blob_copy, blob, sizeof(blob));
    memcpy(e820_copy, e820, sizeof(e820));

    for (unsigned i = 0; i < 200000; i++) {
        uint64_t r = rnd();

        switch (r % 8) {
        case 0: { /* any port access */
            uint64_t off = rnd() % 16;
            unsigned size = (unsigned)(rnd() % 10);

            if (rnd() & 1)
                (void)fw_cfg_io_read(&fw, off, size);
            else
                fw_cfg_io_write(&fw, off, size, rnd());
            break;
        }
        case 1:
            select_key((uint16_t)(rnd() % 8 ? rnd() % 0x30 : rnd()));
            break;
        case 2:
            (void)inb_data();
            break;
        case 3: /* a random descriptor anywhere */
            if (rnd() & 1)
                kick32((uint32_t)rnd_addr());
            else
                kick64(rnd_addr());
            break;
        default: { /* a plausible descriptor with random contents */
            uint32_t control = (uint32_t)rnd() & (rnd() % 4 ? 0x1Fu : 0xFFFFu);
            uint64_t desc = rnd() % 8 ? DESC + (rnd() % 16) * 16 : rnd_addr();

            if (rnd() % 2)
                control |= FW_CFG_DMA_CTL_SELECT |
                           (uint32_t)(rnd() % 3 ? (uint64_t)wkey : rnd() % 0x30) << 16;
            else
                control |= (uint32_t)rnd() & 0xFFFF0000u;
            if (desc <= UINT64_MAX - 15 && map(&fw, desc, 16, true)) {
                uint32_t len = rnd_len();

                if (dma_at(desc, control, len, rnd_addr()) == 0)
                    done[len != 0]++;
                else
                    failed++;
            } else
                kick64(desc);
            break;
        }
        }
        /* The offset never passes the end of what is selected. */
        if (fw.selector == wkey)
            assert_true(fw.offset <= sizeof(wbuf));
    }
    /* The traffic did reach the interesting cases. */
    assert_true(done[0] > 1000 && done[1] > 1000 && failed > 1000);
    check_guards();
    assert_memory_equal(blob, blob_copy, sizeof(blob));
    assert_memory_equal(e820, e820_copy, sizeof(e820));
    /* The device still answers as before. */
    memset(gpa_ptr(BUF), 0, 16);
    assert_int_equal(read_entry(BUF, FW_CFG_SIGNATURE, 4), 0);
    assert_memory_equal(gpa_ptr(BUF), "QEMU", 4);
    select_key((uint16_t)fw_cfg_file_key(&fw, "bootorder"));
    assert_int_equal(inb_data(), '/');
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_signature_and_id, setup, teardown),
        cmocka_unit_test_setup_teardown(test_port_widths, setup, teardown),
        cmocka_unit_test_setup_teardown(test_directory_through_port, setup, teardown),
        cmocka_unit_test_setup_teardown(test_directory_by_dma, setup, teardown),
        cmocka_unit_test_setup_teardown(test_file_offsets, setup, teardown),
        cmocka_unit_test_setup_teardown(test_absent_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_legacy_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dma_read_skip_select, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dma_64bit_address, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dma_write, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dma_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_dma_interface, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reset, setup, teardown),
        cmocka_unit_test_setup_teardown(test_add_file_checks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_e820_build, setup, teardown),
        cmocka_unit_test_setup_teardown(test_random_traffic, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
