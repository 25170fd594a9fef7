/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of tools/vmwp/seabios_cfg.c: what a generation 1 child's
 * SeaBIOS reads from fw_cfg, read back through the fw_cfg model's ports
 * (and its DMA interface) the way SeaBIOS 1.16.2 reads it: the legacy
 * items, the file directory, every file's exact bytes; then SeaBIOS's
 * steps replayed on them: the table loader placing the RSDP (made by
 * child_acpi_build()) in the F segment and the RSDP scan finding it, the
 * e820 walk, the bootorder lines and its glob matching of drive paths.
 * And the refusals, which leave the fw_cfg untouched.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <pc/fw_cfg.h>

#include "../../tools/vmwp/acpi_tables.h"
#include "../../tools/vmwp/seabios_cfg.h"

#define MIB       (1024ULL * 1024)
#define LOW_RAM   (3072 * MIB) /* the top of low RAM */
#define HIGH_RAM  (1024 * MIB) /* above 4 GiB */
#define ACPI_BASE (LOW_RAM - 0x10000)
#define NCPUS     4

/* A little guest RAM for DMA descriptors and targets. */
#define RAM_BASE 0x10000ULL
#define RAM_SIZE 0x10000ULL
static uint8_t guest_ram[RAM_SIZE];

static void *map_ram(void *opaque, uint64_t gpa, size_t len, bool to_memory)
{
    (void)opaque;
    (void)to_memory;
    if (gpa < RAM_BASE || gpa - RAM_BASE > RAM_SIZE || len > RAM_SIZE - (gpa - RAM_BASE))
        return NULL;
    return guest_ram + (gpa - RAM_BASE);
}

/* The world of one test: the tables, the parameters, the result. */
static struct fw_cfg fw;
static struct seabios_cfg sc;
static uint8_t tables[ACPI_CHILD_TABLES_SIZE];
static uint64_t rsdp_gpa;
static struct fw_cfg_e820_entry e820[4];
static char boot0[SEABIOS_CFG_PATH_MAX], boot1[SEABIOS_CFG_PATH_MAX];
static const char *boot[2] = {boot0, boot1};
static struct seabios_cfg_params params;

static uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t rd32(const uint8_t *p)
{
    return rd16(p) | (uint32_t)rd16(p + 2) << 16;
}

static uint64_t rd64(const uint8_t *p)
{
    return rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int setup(void **state)
{
    struct child_acpi_config acpi = {
        .ncpus = NCPUS,
        .base_gpa = ACPI_BASE,
        .pm_base_port = ACPI_CHILD_PM_BASE_DEFAULT,
        .reset_port = 0xCF9,
        .flags = ACPI_CHILD_F_PIC | ACPI_CHILD_F_RTC | ACPI_CHILD_F_I8042 | ACPI_CHILD_F_PCI |
                 ACPI_CHILD_F_COM2 | ACPI_CHILD_F_PC_LEGACY,
        .pci_hole_start = (uint32_t)LOW_RAM,
    };
    size_t used;
    char err[128];

    (void)state;
    assert_int_equal(
        child_acpi_build(&acpi, tables, sizeof(tables), &used, &rsdp_gpa, err, sizeof(err)), 0);
    /* The reserved range first, to check that RAM goes first. */
    e820[0] = (struct fw_cfg_e820_entry){ACPI_BASE, 0x10000, FW_CFG_E820_ACPI};
    e820[1] = (struct fw_cfg_e820_entry){0, ACPI_BASE, FW_CFG_E820_RAM};
    e820[2] = (struct fw_cfg_e820_entry){1ULL << 32, HIGH_RAM, FW_CFG_E820_RAM};
    e820[3] = (struct fw_cfg_e820_entry){0xFEFFC000, 0x4000, FW_CFG_E820_NVS};
    assert_true(seabios_cfg_ata_path(boot0, sizeof(boot0), 7, 1, 1, 0) > 0);
    assert_true(seabios_cfg_ata_path(boot1, sizeof(boot1), 7, 1, 0, 0) > 0);
    params = (struct seabios_cfg_params){
        .cpus = NCPUS,
        .max_cpus = 8,
        .ram_size = LOW_RAM - 0x10000 + HIGH_RAM,
        .e820 = e820,
        .e820_count = 4,
        .rsdp = tables + (rsdp_gpa - ACPI_BASE),
        .boot_order = boot,
        .boot_count = 2,
        .boot_fail_wait_ms = SEABIOS_BOOT_FAIL_WAIT_FOREVER,
        .sercon_port = SEABIOS_SERCON_COM1,
    };
    fw_cfg_init(&fw, map_ram, NULL);
    memset(&sc, 0xA5, sizeof(sc));
    return 0;
}

static void build_ok(void)
{
    char err[128] = "x";

    assert_int_equal(seabios_cfg_build(&sc, &fw, &params, err, sizeof(err)), 0);
    assert_string_equal(err, "");
}

/* ---- reading as SeaBIOS does --------------------------------------------------------------- */

static void select_key(uint16_t key)
{
    fw_cfg_io_write(&fw, FW_CFG_PORT_SELECTOR, 2, key);
}

static void read_bytes(void *buf, size_t len)
{
    uint8_t *b = buf;

    for (size_t i = 0; i < len; i++)
        b[i] = (uint8_t)fw_cfg_io_read(&fw, FW_CFG_PORT_DATA, 1);
}

static void read_item(uint16_t key, void *buf, size_t len)
{
    select_key(key);
    read_bytes(buf, len);
}

struct file {
    char name[57];
    uint32_t size;
    uint16_t select;
};

/* The directory as qemu_cfg_init() reads it. */
static size_t read_dir(struct file *files, size_t max)
{
    uint8_t count[4], e[64];
    uint32_t n;

    read_item(FW_CFG_FILE_DIR, count, 4);
    n = be32(count);
    assert_true(n <= max);
    for (uint32_t i = 0; i < n; i++) {
        read_bytes(e, sizeof(e));
        files[i].size = be32(e);
        files[i].select = (uint16_t)(e[4] << 8 | e[5]);
        assert_int_equal(e[6] | e[7], 0);
        memcpy(files[i].name, e + 8, 56);
        files[i].name[56] = '\0';
    }
    return n;
}

/* A file's bytes (malloc'ed), or NULL if there is no such file. */
static uint8_t *load_file(const char *name, uint32_t *size)
{
    struct file files[FW_CFG_MAX_FILES];
    size_t n = read_dir(files, FW_CFG_MAX_FILES);

    for (size_t i = 0; i < n; i++) {
        if (strcmp(files[i].name, name))
            continue;
        uint8_t *buf = malloc(files[i].size + 1);

        assert_non_null(buf);
        read_item(files[i].select, buf, files[i].size);
        /* Past the end it reads zeros. */
        read_bytes(buf + files[i].size, 1);
        assert_int_equal(buf[files[i].size], 0);
        *size = files[i].size;
        return buf;
    }
    return NULL;
}

/* romfile_loadint(): 1, 2, 4 or 8 bytes, little-endian; @def otherwise. */
static uint64_t load_int(const char *name, uint64_t def)
{
    uint32_t size;
    uint8_t *b = load_file(name, &size);
    uint64_t v = 0;

    if (!b)
        return def;
    if (size == 0 || size > 8 || (size & (size - 1))) {
        free(b);
        return def;
    }
    for (uint32_t i = 0; i < size; i++)
        v |= (uint64_t)b[i] << (8 * i);
    free(b);
    return v;
}

/* ---- the items ----------------------------------------------------------------------------- */

static void test_legacy_items(void **state)
{
    uint8_t b[16];

    (void)state;
    build_ok();
    read_item(FW_CFG_NB_CPUS, b, 3);
    assert_int_equal(rd16(b), NCPUS);
    assert_int_equal(b[2], 0); /* 2 bytes */
    read_item(FW_CFG_MAX_CPUS, b, 3);
    assert_int_equal(rd16(b), 8);
    assert_int_equal(b[2], 0);
    read_item(FW_CFG_RAM_SIZE, b, 9);
    assert_int_equal(rd64(b), params.ram_size);
    assert_int_equal(b[8], 0);
    read_item(FW_CFG_NOGRAPHIC, b, 2);
    assert_int_equal(rd16(b), 1);
    read_item(FW_CFG_BOOT_MENU, b, 2);
    assert_int_equal(rd16(b), 0);
    /* SeaBIOS reads one byte of it; QEMU stores a le32. */
    read_item(FW_CFG_IRQ0_OVERRIDE, b, 5);
    assert_int_equal(rd32(b), 1);
    assert_int_equal(b[4], 0);
    /* What the model owns is untouched: the signature, the DMA bit. */
    read_item(FW_CFG_SIGNATURE, b, 4);
    assert_memory_equal(b, "QEMU", 4);
    read_item(FW_CFG_ID, b, 4);
    assert_int_equal(rd32(b), 3);
    /* No legacy ACPI tables or e820 reservations: SeaBIOS reads 0 counts. */
    read_item(FW_CFG_ACPI_TABLES, b, 2);
    assert_int_equal(rd16(b), 0);
    read_item(FW_CFG_NUMA, b, 8);
    assert_int_equal(rd64(b), 0);
    /* max_cpus 0 is the present count. */
    setup(NULL);
    params.max_cpus = 0;
    build_ok();
    read_item(FW_CFG_MAX_CPUS, b, 2);
    assert_int_equal(rd16(b), NCPUS);
}

static void test_directory(void **state)
{
    static const struct {
        const char *name;
        uint32_t size;
    } want[] = {
        /* strcmp order, as the model keeps them */
        {"bootorder", 0}, /* computed below */
        {"etc/acpi/rsdp", 36},  {"etc/boot-fail-wait", 4}, {"etc/e820", 4 * 20},
        {"etc/sercon-port", 2}, {"etc/table-loader", 128},
    };
    struct file files[FW_CFG_MAX_FILES];
    size_t n;

    (void)state;
    build_ok();
    n = read_dir(files, FW_CFG_MAX_FILES);
    assert_int_equal(n, sizeof(want) / sizeof(want[0]));
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(files[i].name, want[i].name);
        if (want[i].size)
            assert_int_equal(files[i].size, want[i].size);
        assert_int_equal(files[i].select, FW_CFG_FILE_FIRST + i);
    }
    assert_int_equal(files[0].size, strlen(boot0) + 1 + strlen(boot1) + 1);
}

static void test_small_files(void **state)
{
    uint32_t size;
    uint8_t *b;

    (void)state;
    build_ok();
    b = load_file("etc/sercon-port", &size);
    assert_int_equal(size, 2);
    assert_int_equal(rd16(b), 0x3F8);
    free(b);
    assert_int_equal(load_int("etc/sercon-port", 0), 0x3F8);
    assert_int_equal(load_int("etc/boot-fail-wait", 60000), 0xFFFFFFFF);
    b = load_file("etc/acpi/rsdp", &size);
    assert_int_equal(size, 36);
    assert_memory_equal(b, tables + (rsdp_gpa - ACPI_BASE), 36);
    free(b);
    /* A finite wait, no serial console, no boot order. */
    setup(NULL);
    params.boot_fail_wait_ms = 5000;
    params.sercon_port = 0;
    params.boot_count = 0;
    build_ok();
    assert_int_equal(load_int("etc/boot-fail-wait", 60000), 5000);
    assert_null(load_file("etc/sercon-port", &size));
    assert_null(load_file("bootorder", &size));
    {
        uint8_t nogfx[2];

        /* NOGRAPHIC 0 too, or SeaBIOS would pick COM1 itself. */
        read_item(FW_CFG_NOGRAPHIC, nogfx, 2);
        assert_int_equal(rd16(nogfx), 0);
    }
    /* The menu on. */
    setup(NULL);
    params.boot_menu = true;
    build_ok();
    {
        uint8_t menu[2];

        read_item(FW_CFG_BOOT_MENU, menu, 2);
        assert_int_equal(rd16(menu), 1);
    }
}

/* DMA, as SeaBIOS uses it when the ID says so: select + read in one
 * descriptor. */
static void test_dma_read(void **state)
{
    const uint64_t desc = RAM_BASE, target = RAM_BASE + 0x100;
    int key;
    uint8_t *d = guest_ram;

    (void)state;
    build_ok();
    key = fw_cfg_file_key(&fw, SEABIOS_CFG_RSDP_FILE);
    assert_true(key >= 0);
    memset(guest_ram, 0xEE, sizeof(guest_ram));
    /* be32 control, be32 length, be64 address */
    d[0] = (uint8_t)(key >> 8);
    d[1] = (uint8_t)key;
    d[2] = 0;
    d[3] = FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ;
    d[4] = d[5] = d[6] = 0;
    d[7] = 36;
    for (int i = 0; i < 8; i++)
        d[8 + i] = (uint8_t)(target >> (56 - 8 * i));
    fw_cfg_io_write(&fw, FW_CFG_PORT_DMA_LOW, 4, __builtin_bswap32((uint32_t)desc));
    assert_int_equal(be32(d), 0);
    assert_memory_equal(guest_ram + 0x100, tables + (rsdp_gpa - ACPI_BASE), 36);
}

/* ---- the table loader ---------------------------------------------------------------------- */

/* SeaBIOS's F segment zone: somewhere in 0xF0000-0xFFFFF. */
#define FSEG_BASE 0xF0000U
#define FSEG_SIZE 0x10000U
static uint8_t fseg[FSEG_SIZE];
static uint32_t fseg_used = 0x1234; /* SeaBIOS's own data comes first */

/* romfile_loader_execute(), for what the file holds. */
static void run_loader(void)
{
    uint32_t size, fsize;
    uint8_t *loader = load_file("etc/table-loader", &size);
    unsigned allocated = 0;

    assert_non_null(loader);
    assert_int_equal(size % 128, 0);
    for (uint32_t off = 0; off < size; off += 128) {
        const uint8_t *e = loader + off;
        uint32_t align;
        char name[56];
        uint8_t *data;

        switch (rd32(e)) {
        case 1: /* ALLOCATE */
            memcpy(name, e + 4, 56);
            assert_int_equal(name[55], 0);
            align = rd32(e + 60);
            assert_int_equal(align & (align - 1), 0);
            if (align < 16)
                align = 16;
            assert_int_equal(e[64], 2); /* FSEG */
            data = load_file(name, &fsize);
            assert_non_null(data);
            assert_true(fsize > 0);
            fseg_used = (fseg_used + align - 1) & ~(align - 1);
            assert_true(fsize <= FSEG_SIZE - fseg_used);
            memcpy(fseg + fseg_used, data, fsize);
            fseg_used += fsize;
            free(data);
            allocated++;
            /* The rest of the entry is padding. */
            for (unsigned i = 65; i < 128; i++)
                assert_int_equal(e[i], 0);
            break;
        default:
            fail_msg("unexpected loader command %u", rd32(e));
        }
    }
    assert_int_equal(allocated, 1);
    free(loader);
}

static uint8_t sum8(const uint8_t *p, size_t n)
{
    uint8_t s = 0;

    while (n--)
        s = (uint8_t)(s + *p++);
    return s;
}

/* find_acpi_rsdp(): 16-byte steps through the zone; an RSDP is the
 * signature, the 20-byte checksum and, from revision 2, the whole one. */
static uint32_t find_rsdp(void)
{
    for (uint32_t pos = 0; pos + 36 <= FSEG_SIZE; pos += 16) {
        const uint8_t *r = fseg + pos;

        if (memcmp(r, "RSD PTR ", 8) || sum8(r, 20))
            continue;
        if (r[15] > 1 && (rd32(r + 20) > FSEG_SIZE - pos || sum8(r, rd32(r + 20))))
            continue;
        return FSEG_BASE + pos;
    }
    return 0;
}

static void test_table_loader(void **state)
{
    uint32_t size, at;
    uint8_t *loader;
    const uint8_t *r;

    (void)state;
    build_ok();
    /* The exact command. */
    loader = load_file("etc/table-loader", &size);
    assert_int_equal(size, 128);
    assert_int_equal(rd32(loader), 1);
    assert_string_equal((const char *)loader + 4, "etc/acpi/rsdp");
    for (unsigned i = 4 + sizeof("etc/acpi/rsdp"); i < 60; i++)
        assert_int_equal(loader[i], 0);
    assert_int_equal(rd32(loader + 60), 16);
    assert_int_equal(loader[64], 2);
    free(loader);

    memset(fseg, 0, sizeof(fseg));
    run_loader();
    at = find_rsdp();
    assert_int_not_equal(at, 0);
    assert_int_equal(at % 16, 0);
    r = fseg + (at - FSEG_BASE);
    /* No pointer to patch, no checksum to fix: it points at the tables
     * in the reserved range, as built. */
    assert_memory_equal(r, tables + (rsdp_gpa - ACPI_BASE), 36);
    assert_int_equal(rd32(r + 16) - ACPI_BASE < sizeof(tables), 1); /* RSDT */
    assert_true(rd64(r + 24) >= ACPI_BASE && rd64(r + 24) < ACPI_BASE + sizeof(tables));
    assert_memory_equal(tables + (rd64(r + 24) - ACPI_BASE), "XSDT", 4);
}

/* ---- etc/e820 ------------------------------------------------------------------------------- */

static void test_e820(void **state)
{
    uint32_t size;
    uint8_t *b;
    static const struct fw_cfg_e820_entry want[] = {
        {0, ACPI_BASE, 1},
        {1ULL << 32, HIGH_RAM, 1},
        {ACPI_BASE, 0x10000, 2},
        {0xFEFFC000, 0x4000, 2},
    };
    uint64_t ram_below = 0, ram_above = 0;

    (void)state;
    build_ok();
    b = load_file("etc/e820", &size);
    assert_int_equal(size, sizeof(want) / sizeof(want[0]) * 20);
    for (size_t i = 0; i < size / 20; i++) {
        const uint8_t *e = b + 20 * i;

        assert_int_equal(rd64(e), want[i].base);
        assert_int_equal(rd64(e + 8), want[i].length);
        assert_int_equal(rd32(e + 16), want[i].type);
        /* qemu_early_e820(): RamSize and RamSizeOver4G from RAM entries. */
        if (rd32(e + 16) == 1 && rd64(e) < (1ULL << 32) && rd64(e) + rd64(e + 8) > ram_below)
            ram_below = rd64(e) + rd64(e + 8);
        if (rd32(e + 16) == 1 && rd64(e) >= (1ULL << 32))
            ram_above = rd64(e) + rd64(e + 8) - (1ULL << 32);
    }
    assert_int_equal(ram_below, ACPI_BASE);
    assert_int_equal(ram_above, HIGH_RAM);
    free(b);
}

/* ---- bootorder ----------------------------------------------------------------------------- */

/* SeaBIOS's glob_prefix(): '*' takes any run of characters that are not
 * '/' nor the glob's next character; the glob must end where the string
 * ends or at a '/'. */
static bool glob_match(const char *glob, const char *str)
{
    for (;;) {
        if (!*glob && (!*str || *str == '/'))
            return true;
        if (*glob == '*') {
            if (!*str || *str == '/' || *str == glob[1])
                glob++;
            else
                str++;
            continue;
        }
        if (*glob != *str)
            return false;
        glob++;
        str++;
    }
}

/* loadBootOrder() and find_prio(): lines, trailing spaces trimmed; the
 * priority of the first line the glob matches (1-based), or -1. */
static int find_prio(const char *file, const char *glob)
{
    char copy[SEABIOS_CFG_BOOTORDER_MAX], *line = copy, *nl;
    int prio = 1;

    snprintf(copy, sizeof(copy), "%s", file);
    for (;; prio++) {
        nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        if (glob_match(glob, line))
            return prio;
        if (!nl)
            return -1;
        line = nl + 1;
    }
}

static void test_bootorder(void **state)
{
    uint32_t size;
    char *b;
    const char want[] = "/pci@i0cf8/ide@7,1/drive@1/disk@0\n/pci@i0cf8/ide@7,1/drive@0/disk@0";

    (void)state;
    build_ok();
    b = (char *)load_file("bootorder", &size);
    assert_int_equal(size, sizeof(want)); /* the NUL included, as QEMU */
    assert_memory_equal(b, want, sizeof(want));
    /* SeaBIOS's globs (build_ata_path: "*" for the controller's name). */
    assert_int_equal(find_prio(b, "/pci@i0cf8/*@7,1/drive@1/disk@0"), 1);
    assert_int_equal(find_prio(b, "/pci@i0cf8/*@7,1/drive@0/disk@0"), 2);
    assert_int_equal(find_prio(b, "/pci@i0cf8/*@7,1/drive@0/disk@1"), -1);
    assert_int_equal(find_prio(b, "HALT"), -1);
    free(b);

    /* Strict: HALT last. */
    setup(NULL);
    params.boot_count = 1;
    params.boot_strict = true;
    build_ok();
    b = (char *)load_file("bootorder", &size);
    assert_int_equal(size, strlen(boot0) + 1 + 5);
    assert_string_equal(b, "/pci@i0cf8/ide@7,1/drive@1/disk@0\nHALT");
    assert_int_equal(find_prio(b, "HALT"), 2);
    free(b);
}

static void test_paths(void **state)
{
    char buf[64];

    (void)state;
    assert_int_equal(seabios_cfg_ata_path(buf, sizeof(buf), 7, 1, 0, 1), 33);
    assert_string_equal(buf, "/pci@i0cf8/ide@7,1/drive@0/disk@1");
    assert_int_equal(seabios_cfg_ata_path(buf, sizeof(buf), 0x1f, 0, 1, 1), 32);
    assert_string_equal(buf, "/pci@i0cf8/ide@1f/drive@1/disk@1");
    assert_int_equal(seabios_cfg_pci_path(buf, sizeof(buf), "ethernet", 0xa, 0), 21);
    assert_string_equal(buf, "/pci@i0cf8/ethernet@a");
    assert_int_equal(seabios_cfg_pci_path(buf, sizeof(buf), "ethernet", 3, 2), 23);
    assert_string_equal(buf, "/pci@i0cf8/ethernet@3,2");
    /* Exact fit, one short, bad numbers. */
    assert_int_equal(seabios_cfg_ata_path(buf, 34, 7, 1, 0, 1), 33);
    assert_int_equal(seabios_cfg_ata_path(buf, 33, 7, 1, 0, 1), -1);
    assert_int_equal(seabios_cfg_ata_path(buf, 15, 7, 1, 0, 1), -1);
    assert_int_equal(seabios_cfg_ata_path(buf, sizeof(buf), 7, 1, 2, 0), -1);
    assert_int_equal(seabios_cfg_ata_path(buf, sizeof(buf), 7, 1, 0, 2), -1);
    assert_int_equal(seabios_cfg_ata_path(buf, sizeof(buf), 32, 1, 0, 0), -1);
    assert_int_equal(seabios_cfg_pci_path(buf, sizeof(buf), "x", 1, 8), -1);
    assert_int_equal(seabios_cfg_pci_path(buf, 0, "x", 1, 0), -1);
    assert_int_equal(seabios_cfg_pci_path(NULL, 8, "x", 1, 0), -1);
}

/* The items refer to the caller's struct: nothing is copied. */
static void test_references(void **state)
{
    int key;

    (void)state;
    build_ok();
    key = fw_cfg_file_key(&fw, SEABIOS_CFG_RSDP_FILE);
    assert_true(key >= 0);
    assert_ptr_equal(fw.files[key - FW_CFG_FILE_FIRST].item.data, sc.rsdp);
    key = fw_cfg_file_key(&fw, "etc/e820");
    assert_ptr_equal(fw.files[key - FW_CFG_FILE_FIRST].item.data, sc.e820);
    /* Nothing is writable by the guest. */
    for (unsigned i = 0; i < fw.nfiles; i++)
        assert_null(fw.files[i].item.wdata);
}

/* ---- refusals ------------------------------------------------------------------------------- */

/* Refused with @rc, the fw_cfg as it was. */
static void expect_reject(int rc)
{
    struct fw_cfg before;
    char err[160] = "";

    memcpy(&before, &fw, sizeof(fw));
    assert_int_equal(seabios_cfg_build(&sc, &fw, &params, err, sizeof(err)), rc);
    assert_true(strncmp(err, "seabios: ", 9) == 0);
    assert_memory_equal(&before, &fw, sizeof(fw));
}

static void test_reject(void **state)
{
    static char long_path[SEABIOS_CFG_PATH_MAX + 1];
    static char bootorder_paths[SEABIOS_CFG_MAX_BOOT][SEABIOS_CFG_PATH_MAX];
    static const char *many[SEABIOS_CFG_MAX_BOOT + 1];
    uint8_t bad_rsdp[36];
    const char *bad_path[] = {"", "/pci@i0cf8/ide@7\n", "/pci@i0cf8/ide@7 ", "\x01"};
    struct fw_cfg_e820_entry bad_e820[] = {{0, 0, 1}, {~0ULL - 5, 16, 1}, {0, 16, 0}};

    (void)state;
    params.cpus = 0;
    expect_reject(-EINVAL);
    setup(NULL), params.cpus = 65536;
    expect_reject(-EINVAL);
    setup(NULL), params.max_cpus = NCPUS - 1;
    expect_reject(-EINVAL);
    setup(NULL), params.max_cpus = 65536;
    expect_reject(-EINVAL);
    setup(NULL), params.e820_count = 0;
    expect_reject(-EINVAL);
    setup(NULL), params.e820 = NULL;
    expect_reject(-EINVAL);
    setup(NULL), params.e820_count = SEABIOS_CFG_MAX_E820 + 1;
    expect_reject(-EINVAL);
    for (size_t i = 0; i < sizeof(bad_e820) / sizeof(bad_e820[0]); i++) {
        setup(NULL), params.e820 = &bad_e820[i], params.e820_count = 1;
        expect_reject(-EINVAL);
    }
    setup(NULL), params.e820 = e820, params.e820_count = 1; /* only the ACPI range */
    expect_reject(-EINVAL);
    /* The RSDP: missing, bad signature, either checksum, revision 0. */
    setup(NULL), params.rsdp = NULL;
    expect_reject(-EINVAL);
    for (int which = 0; which < 4; which++) {
        setup(NULL);
        memcpy(bad_rsdp, params.rsdp, 36);
        if (which == 0)
            bad_rsdp[0] = 'r';
        else if (which == 1)
            bad_rsdp[10] ^= 1; /* in both sums: the first is wrong */
        else if (which == 2)
            bad_rsdp[33] ^= 1; /* only in the extended one */
        else
            bad_rsdp[15] = 0, bad_rsdp[8] = (uint8_t)(bad_rsdp[8] + 2);
        params.rsdp = bad_rsdp;
        expect_reject(-EINVAL);
    }
    /* Boot devices. */
    for (size_t i = 0; i < sizeof(bad_path) / sizeof(bad_path[0]); i++) {
        setup(NULL), boot[1] = bad_path[i];
        expect_reject(-EINVAL);
        boot[1] = boot1;
    }
    memset(long_path, 'a', SEABIOS_CFG_PATH_MAX);
    setup(NULL), boot[0] = long_path;
    expect_reject(-EINVAL);
    boot[0] = boot0;
    setup(NULL), params.boot_count = SEABIOS_CFG_MAX_BOOT + 1, params.boot_order = many;
    expect_reject(-EINVAL);
    setup(NULL), params.boot_order = NULL;
    expect_reject(-EINVAL);
    setup(NULL), params.boot_count = 0, params.boot_strict = true;
    expect_reject(-EINVAL);
    /* 16 paths of 255 bytes: over the file's 1024 bytes. */
    for (size_t i = 0; i < SEABIOS_CFG_MAX_BOOT; i++) {
        memset(bootorder_paths[i], 'b', SEABIOS_CFG_PATH_MAX - 1);
        many[i] = bootorder_paths[i];
    }
    setup(NULL), params.boot_count = SEABIOS_CFG_MAX_BOOT, params.boot_order = many;
    expect_reject(-EINVAL);
    /* A name already there; no room left. */
    setup(NULL);
    assert_int_equal(fw_cfg_add_file(&fw, "etc/e820", "x", 1), 0);
    expect_reject(-EEXIST);
    setup(NULL);
    for (unsigned i = 0; fw.nfiles < FW_CFG_MAX_FILES - SEABIOS_CFG_FILES + 1; i++) {
        char name[16];

        snprintf(name, sizeof(name), "opt/f%u", i);
        assert_int_equal(fw_cfg_add_file(&fw, name, "x", 1), 0);
    }
    expect_reject(-ENOSPC);
    /* Exactly enough room is fine. */
    setup(NULL);
    for (unsigned i = 0; fw.nfiles < FW_CFG_MAX_FILES - SEABIOS_CFG_FILES; i++) {
        char name[16];

        snprintf(name, sizeof(name), "opt/f%u", i);
        assert_int_equal(fw_cfg_add_file(&fw, name, "x", 1), 0);
    }
    build_ok();
    /* Missing arguments; the message buffer may be absent. */
    setup(NULL);
    assert_int_equal(seabios_cfg_build(NULL, &fw, &params, NULL, 0), -EINVAL);
    assert_int_equal(seabios_cfg_build(&sc, NULL, &params, NULL, 0), -EINVAL);
    assert_int_equal(seabios_cfg_build(&sc, &fw, NULL, NULL, 0), -EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_legacy_items, setup),
        cmocka_unit_test_setup(test_directory, setup),
        cmocka_unit_test_setup(test_small_files, setup),
        cmocka_unit_test_setup(test_dma_read, setup),
        cmocka_unit_test_setup(test_table_loader, setup),
        cmocka_unit_test_setup(test_e820, setup),
        cmocka_unit_test_setup(test_bootorder, setup),
        cmocka_unit_test_setup(test_paths, setup),
        cmocka_unit_test_setup(test_references, setup),
        cmocka_unit_test_setup(test_reject, setup),
    };

    return cmocka_run_group_tests_name("seabios_cfg", tests, NULL, NULL);
}
