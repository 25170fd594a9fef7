/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of hv/acpi.c: RSDP (v1 and v2), XSDT/RSDT and MADT blobs built
 * in a fake physical memory with correct checksums, then broken one field at
 * a time.  The fake map hands out exact-size heap copies, so any read past
 * what the parser asked for is caught by ASan.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <hv/acpi.h>

/* ---- fake physical memory ---------------------------------------------------------- */

#define MEM_BASE 0xe0000ULL /* readable [MEM_BASE, MEM_BASE + MEM_SIZE) */
#define MEM_SIZE 0x10000ULL
#define HOLE     0xe8000ULL /* and not the page at HOLE */

#define RSDP_PA  0xe0000ULL
#define XSDT_PA  0xe0100ULL
#define RSDT_PA  0xe0200ULL
#define FACP_PA  0xe0400ULL
#define MADT_PA  0xe1000ULL
#define MADT2_PA 0xe4000ULL
#define END_PA   (MEM_BASE + MEM_SIZE)

static uint8_t phys[MEM_SIZE];
static void *copies[256];
static size_t ncopies;

static const void *fake_map(void *ctx, uint64_t pa, size_t len)
{
    void *copy;

    (void)ctx;
    if (pa < MEM_BASE || pa > END_PA || len > END_PA - pa)
        return NULL;
    if (pa < HOLE + 0x1000 && pa + len > HOLE)
        return NULL;
    assert_true(ncopies < sizeof(copies) / sizeof(copies[0]));
    copy = malloc(len ? len : 1);
    assert_non_null(copy);
    memcpy(copy, phys + (pa - MEM_BASE), len);
    copies[ncopies++] = copy;
    return copy;
}

static const struct acpi_mem mem = {fake_map, NULL};

static uint8_t *at(uint64_t pa)
{
    assert_true(pa >= MEM_BASE && pa < END_PA);
    return phys + (pa - MEM_BASE);
}

static void put32(uint64_t pa, uint32_t v)
{
    memcpy(at(pa), &v, 4);
}

static void put64(uint64_t pa, uint64_t v)
{
    memcpy(at(pa), &v, 8);
}

static uint8_t checksum_of(const uint8_t *p, size_t len)
{
    uint8_t s = 0;

    while (len--)
        s += *p++;
    return (uint8_t)-s;
}

/* ---- builders ---------------------------------------------------------------------- */

/* An RSDP at @pa: 20 bytes for revision 0, 36 for 2 and later. */
static void put_rsdp_at(uint64_t pa, uint8_t rev, uint32_t rsdt, uint64_t xsdt)
{
    uint8_t *r = at(pa);

    memset(r, 0, rev >= 2 ? 36 : 20);
    memcpy(r, "RSD PTR ", 8);
    memcpy(r + 9, "HVTEST", 6);
    r[15] = rev;
    put32(pa + 16, rsdt);
    r[8] = checksum_of(r, 20);
    if (rev >= 2) {
        put32(pa + 20, 36);
        put64(pa + 24, xsdt);
        r[32] = checksum_of(r, 36);
    }
}

static void put_rsdp(uint8_t rev, uint32_t rsdt, uint64_t xsdt)
{
    put_rsdp_at(RSDP_PA, rev, rsdt, xsdt);
}

static void fix_checksum(uint64_t pa)
{
    uint8_t *t = at(pa);
    uint32_t len;

    memcpy(&len, t + 4, 4);
    t[9] = 0;
    t[9] = checksum_of(t, len);
}

/* A table with @body after the header; checksum set. */
static void put_table(uint64_t pa, const char *sig, uint8_t rev, const void *body, uint32_t blen)
{
    uint8_t *t = at(pa);

    memset(t, 0, 36);
    memcpy(t, sig, 4);
    put32(pa + 4, 36 + blen);
    t[8] = rev;
    memcpy(t + 10, "HVTEST", 6);
    memcpy(t + 36, body, blen);
    fix_checksum(pa);
}

static void put_xsdt(const uint64_t *entries, size_t n)
{
    put_table(XSDT_PA, "XSDT", 1, entries, (uint32_t)(8 * n));
}

static void put_rsdt(const uint32_t *entries, size_t n)
{
    put_table(RSDT_PA, "RSDT", 1, entries, (uint32_t)(4 * n));
}

/* MADT bodies, built entry by entry. */
struct madt {
    uint8_t b[8192];
    uint32_t len;
};

static void madt_start(struct madt *m, uint32_t lapic, uint32_t flags)
{
    memcpy(m->b, &lapic, 4);
    memcpy(m->b + 4, &flags, 4);
    m->len = 8;
}

static void madt_raw(struct madt *m, const uint8_t *e, uint32_t len)
{
    assert_true(m->len + len <= sizeof(m->b));
    memcpy(m->b + m->len, e, len);
    m->len += len;
}

static void madt_lapic(struct madt *m, uint8_t uid, uint8_t id, uint32_t flags)
{
    uint8_t e[8] = {0, 8, uid, id};

    memcpy(e + 4, &flags, 4);
    madt_raw(m, e, 8);
}

static void madt_x2apic(struct madt *m, uint32_t id, uint32_t flags, uint32_t uid)
{
    uint8_t e[16] = {9, 16};

    memcpy(e + 4, &id, 4);
    memcpy(e + 8, &flags, 4);
    memcpy(e + 12, &uid, 4);
    madt_raw(m, e, 16);
}

static void madt_override(struct madt *m, uint64_t addr)
{
    uint8_t e[12] = {5, 12};

    memcpy(e + 4, &addr, 8);
    madt_raw(m, e, 12);
}

/* An I/O APIC entry: a type the parser steps over. */
static void madt_ioapic(struct madt *m)
{
    static const uint8_t e[12] = {1, 12, 2, 0, 0x00, 0x00, 0xc0, 0xfe};

    madt_raw(m, e, 12);
}

static void put_madt(uint64_t pa, uint8_t rev, const struct madt *m)
{
    put_table(pa, "APIC", rev, m->b, m->len);
}

/* A v2 machine: RSDP -> XSDT -> {FACP, MADT}, and an RSDT listing the same. */
static void standard_tables(const struct madt *m)
{
    static const uint64_t x[] = {FACP_PA, MADT_PA};
    static const uint32_t r[] = {FACP_PA, MADT_PA};
    static const uint8_t facp[80];

    put_table(FACP_PA, "FACP", 6, facp, sizeof(facp));
    put_madt(MADT_PA, 5, m);
    put_xsdt(x, 2);
    put_rsdt(r, 2);
    put_rsdp(2, RSDT_PA, XSDT_PA);
}

static void simple_madt(struct madt *m)
{
    madt_start(m, 0xfee00000, 1);
    madt_lapic(m, 1, 0, 1);
    madt_lapic(m, 2, 2, 1);
}

static int setup(void **state)
{
    (void)state;
    memset(phys, 0x5a, sizeof(phys));
    ncopies = 0;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    for (size_t i = 0; i < ncopies; i++)
        free(copies[i]);
    ncopies = 0;
    return 0;
}

static char err[128];

static void expect_error(int rc, int want, const char *text)
{
    assert_int_equal(rc, want);
    if (!strstr(err, text))
        fail_msg("error \"%s\" does not contain \"%s\"", err, text);
    assert_int_equal(strncmp(err, "acpi: ", 6), 0);
}

static int find(const char *sig, uint64_t *pa)
{
    memset(err, 'x', sizeof(err));
    *pa = 0;
    return acpi_find_table(&mem, RSDP_PA, sig, pa, err, sizeof(err));
}

static struct acpi_madt_info info;

static int parse(void)
{
    memset(&info, 0xa5, sizeof(info));
    memset(err, 'x', sizeof(err));
    return acpi_parse_madt(&mem, RSDP_PA, &info, err, sizeof(err));
}

static void expect_cpu(size_t i, uint32_t id, uint32_t uid, bool enabled, bool x2apic)
{
    assert_true(i < info.ncpus);
    assert_int_equal(info.cpus[i].apic_id, id);
    assert_int_equal(info.cpus[i].acpi_uid, uid);
    assert_int_equal(info.cpus[i].enabled, enabled);
    assert_int_equal(info.cpus[i].x2apic_entry, x2apic);
}

/* ---- RSDP -------------------------------------------------------------------------- */

static void test_rsdp_v2_uses_xsdt(void **state)
{
    static const uint32_t r[] = {MADT2_PA};
    struct madt m;
    uint64_t pa;

    (void)state;
    simple_madt(&m);
    standard_tables(&m);
    put_madt(MADT2_PA, 5, &m);
    put_rsdt(r, 1); /* the RSDT leads elsewhere: it must not be the one read */
    assert_int_equal(find("APIC", &pa), 0);
    assert_int_equal(pa, MADT_PA);
    assert_string_equal(err, "");
    assert_int_equal(find("FACP", &pa), 0);
    assert_int_equal(pa, FACP_PA);
    /* Without an XSDT address, the RSDT. */
    put_rsdp(2, RSDT_PA, 0);
    assert_int_equal(find("APIC", &pa), 0);
    assert_int_equal(pa, MADT2_PA);
}

static void test_rsdp_v1_uses_rsdt(void **state)
{
    static const uint32_t r[] = {0, FACP_PA, MADT2_PA};
    struct madt m;
    uint64_t pa;

    (void)state;
    simple_madt(&m);
    standard_tables(&m);
    put_madt(MADT2_PA, 5, &m);
    put_rsdt(r, 3);
    /* A v1 RSDP is 20 bytes: what follows (a valid-looking v2 tail) is not its. */
    put_rsdp(0, RSDT_PA, XSDT_PA);
    put32(RSDP_PA + 20, 36);
    put64(RSDP_PA + 24, XSDT_PA);
    assert_int_equal(find("APIC", &pa), 0);
    assert_int_equal(pa, MADT2_PA);
    assert_int_equal(parse(), 0);
    assert_int_equal(info.ncpus, 2);
    /* Revision 1 was never defined: read as 1.0 too. */
    at(RSDP_PA)[15] = 1;
    at(RSDP_PA)[8]--;
    assert_int_equal(find("APIC", &pa), 0);
    assert_int_equal(pa, MADT2_PA);
    /* Only the first 20 bytes need be readable. */
    put_rsdp_at(END_PA - 20, 0, RSDT_PA, 0);
    assert_int_equal(acpi_find_table(&mem, END_PA - 20, "APIC", &pa, err, sizeof(err)), 0);
    assert_int_equal(pa, MADT2_PA);
}

static void test_rsdp_bad(void **state)
{
    struct madt m;
    uint64_t pa;

    (void)state;
    simple_madt(&m);
    standard_tables(&m);
    at(RSDP_PA)[3] = 'X';
    expect_error(find("APIC", &pa), ACPI_EINVAL, "RSDP at 0xe0000: bad signature");
    assert_int_equal(pa, 0);

    put_rsdp(2, RSDT_PA, XSDT_PA);
    at(RSDP_PA)[8]++; /* v1 checksum */
    expect_error(find("APIC", &pa), ACPI_EINVAL, "RSDP at 0xe0000: bad checksum");

    put_rsdp(2, RSDT_PA, XSDT_PA);
    at(RSDP_PA)[32]++; /* extended checksum only */
    expect_error(find("APIC", &pa), ACPI_EINVAL, "bad extended checksum");
    put_rsdp(2, RSDT_PA, XSDT_PA);
    at(RSDP_PA)[30] = 1; /* a byte only the extended checksum covers */
    expect_error(find("APIC", &pa), ACPI_EINVAL, "bad extended checksum");

    /* Length fields that lie (the v1 checksum unaffected by them). */
    put_rsdp(2, RSDT_PA, XSDT_PA);
    put32(RSDP_PA + 20, 20);
    expect_error(find("APIC", &pa), ACPI_EINVAL, "bad length");
    put32(RSDP_PA + 20, 0x100000);
    expect_error(find("APIC", &pa), ACPI_EINVAL, "bad length");
    /* A length running past readable memory. */
    put_rsdp_at(END_PA - 36, 2, RSDT_PA, XSDT_PA);
    put32(END_PA - 36 + 20, 40);
    expect_error(acpi_find_table(&mem, END_PA - 36, "APIC", &pa, err, sizeof(err)), ACPI_EINVAL,
                 "RSDP at 0xeffdc: unreadable");
    /* Revision 2 in the last 20 readable bytes. */
    put_rsdp_at(END_PA - 20, 0, RSDT_PA, 0);
    at(END_PA - 20)[15] = 2;
    at(END_PA - 20)[8] -= 2;
    expect_error(acpi_find_table(&mem, END_PA - 20, "APIC", &pa, err, sizeof(err)), ACPI_EINVAL,
                 "RSDP at 0xeffec: unreadable");

    /* Nowhere, or no root table. */
    expect_error(acpi_find_table(&mem, 0x1000, "APIC", &pa, err, sizeof(err)), ACPI_EINVAL,
                 "RSDP at 0x1000: unreadable");
    expect_error(acpi_find_table(&mem, 0, "APIC", &pa, err, sizeof(err)), ACPI_EINVAL,
                 "unreadable");
    expect_error(acpi_find_table(&mem, UINT64_MAX - 8, "APIC", &pa, err, sizeof(err)), ACPI_EINVAL,
                 "RSDP at 0xfffffffffffffff7: unreadable");
    put_rsdp(2, 0, 0);
    expect_error(find("APIC", &pa), ACPI_EINVAL, "no RSDT or XSDT address");
    put_rsdp(0, 0, 0);
    expect_error(find("APIC", &pa), ACPI_EINVAL, "no RSDT or XSDT address");
}

/* ---- root tables ------------------------------------------------------------------- */

static void test_root_table_bad(void **state)
{
    struct madt m;
    uint64_t pa;

    (void)state;
    simple_madt(&m);
    standard_tables(&m);
    at(XSDT_PA + 40)[0]++;
    expect_error(find("APIC", &pa), ACPI_EINVAL, "XSDT at 0xe0100: bad checksum");

    standard_tables(&m);
    memcpy(at(XSDT_PA), "RSDT", 4);
    fix_checksum(XSDT_PA);
    expect_error(find("APIC", &pa), ACPI_EINVAL, "XSDT at 0xe0100: bad signature");

    standard_tables(&m);
    put32(XSDT_PA + 4, 35);
    fix_checksum(XSDT_PA);
    expect_error(find("APIC", &pa), ACPI_EINVAL, "XSDT at 0xe0100: length out of range");
    put32(XSDT_PA + 4, 0);
    expect_error(find("APIC", &pa), ACPI_EINVAL, "length out of range");
    put32(XSDT_PA + 4, ACPI_MAX_TABLE_LEN + 1);
    expect_error(find("APIC", &pa), ACPI_EINVAL, "length out of range");
    /* Longer than readable memory (below the bound), and across the hole. */
    put32(XSDT_PA + 4, (uint32_t)(END_PA - XSDT_PA + 8));
    expect_error(find("APIC", &pa), ACPI_EINVAL, "length runs into unreadable memory");
    put32(XSDT_PA + 4, (uint32_t)(HOLE - XSDT_PA + 8));
    expect_error(find("APIC", &pa), ACPI_EINVAL, "length runs into unreadable memory");

    /* The RSDT's turn. */
    standard_tables(&m);
    put_rsdp(0, RSDT_PA, 0);
    at(RSDT_PA + 36)[0]++;
    expect_error(find("APIC", &pa), ACPI_EINVAL, "RSDT at 0xe0200: bad checksum");
    put_rsdp(0, HOLE + 0x10, 0);
    expect_error(find("APIC", &pa), ACPI_EINVAL, "RSDT at 0xe8010: unreadable");
}

/* Entries leading to nothing readable, to other tables, or trailing half an
 * entry are stepped over. */
static void test_root_entries_skipped(void **state)
{
    static const uint64_t x[] = {0,       HOLE,        UINT64_MAX - 4, END_PA - 8,
                                 FACP_PA, 0x123456789, MADT_PA};
    static const uint32_t r[] = {HOLE + 0x800, MADT_PA, 0};
    struct madt m;
    uint64_t pa;

    (void)state;
    simple_madt(&m);
    standard_tables(&m);
    put_xsdt(x, sizeof(x) / sizeof(x[0]));
    assert_int_equal(find("APIC", &pa), 0);
    assert_int_equal(pa, MADT_PA);
    /* A trailing partial entry (length 36 + 8n + 4) is not read as one. */
    put_xsdt(x, 4);
    put64(XSDT_PA + 36 + 32, MADT_PA);
    put32(XSDT_PA + 4, 36 + 32 + 4);
    fix_checksum(XSDT_PA);
    expect_error(find("APIC", &pa), ACPI_ENOTFOUND, "XSDT at 0xe0100: no table APIC");
    put_rsdt(r, 3);
    put_rsdp(0, RSDT_PA, 0);
    assert_int_equal(find("APIC", &pa), 0);
    assert_int_equal(pa, MADT_PA);
    expect_error(find("HPET", &pa), ACPI_ENOTFOUND, "RSDT at 0xe0200: no table HPET");
}

/* ---- the table sought ---------------------------------------------------------------- */

static void test_table_bad(void **state)
{
    static const uint64_t two[] = {MADT_PA, MADT2_PA};
    struct madt m;
    uint64_t pa;

    (void)state;
    simple_madt(&m);
    standard_tables(&m);
    at(MADT_PA + 50)[0]++;
    expect_error(find("APIC", &pa), ACPI_EINVAL, "APIC at 0xe1000: bad checksum");
    expect_error(parse(), ACPI_EINVAL, "APIC at 0xe1000: bad checksum");
    assert_int_equal(info.ncpus, 0);

    standard_tables(&m);
    put32(MADT_PA + 4, 20); /* smaller than a header */
    fix_checksum(MADT_PA);
    expect_error(find("APIC", &pa), ACPI_EINVAL, "APIC at 0xe1000: length out of range");
    put32(MADT_PA + 4, (uint32_t)(HOLE - MADT_PA + 1));
    expect_error(find("APIC", &pa), ACPI_EINVAL, "length runs into unreadable memory");

    /* A corrupt copy first, a good one after it: the good one. */
    put_madt(MADT2_PA, 5, &m);
    put_xsdt(two, 2);
    assert_int_equal(find("APIC", &pa), 0);
    assert_int_equal(pa, MADT2_PA);
    /* Two corrupt copies: the first one is reported. */
    at(MADT2_PA + 40)[0]++;
    expect_error(find("APIC", &pa), ACPI_EINVAL,
                 "APIC at 0xe1000: length runs into unreadable memory");

    /* A MADT too short for its own fixed fields. */
    put_table(MADT_PA, "APIC", 5, m.b, 4);
    put_xsdt(two, 1);
    expect_error(parse(), ACPI_EINVAL, "APIC at 0xe1000: too short");
}

/* ---- MADT contents ------------------------------------------------------------------- */

static void test_madt_lapic_and_x2apic(void **state)
{
    struct madt m;

    (void)state;
    madt_start(&m, 0xfee00000, 1);
    madt_lapic(&m, 0, 0, 1);
    madt_ioapic(&m);
    madt_lapic(&m, 1, 2, 1);
    madt_x2apic(&m, 0x100, 1, 0x1000);
    madt_x2apic(&m, 0x2345678, 1, 7);
    madt_lapic(&m, 9, 254, 1);
    standard_tables(&m);
    assert_int_equal(parse(), 0);
    assert_string_equal(err, "");
    assert_int_equal(info.lapic_base, 0xfee00000);
    assert_int_equal(info.madt_flags, 1);
    assert_int_equal(info.ncpus, 5);
    expect_cpu(0, 0, 0, true, false);
    expect_cpu(1, 2, 1, true, false);
    expect_cpu(2, 0x100, 0x1000, true, true);
    expect_cpu(3, 0x2345678, 7, true, true);
    expect_cpu(4, 254, 9, true, false);
    assert_false(info.truncated);
    assert_false(info.malformed);
}

static void test_madt_flags(void **state)
{
    struct madt m;

    (void)state;
    madt_start(&m, 0xfee00000, 0);
    madt_lapic(&m, 0, 0, 1);
    madt_lapic(&m, 1, 1, 0);      /* disabled: not there */
    madt_lapic(&m, 2, 2, 2);      /* online-capable */
    madt_lapic(&m, 3, 3, 3);      /* both */
    madt_x2apic(&m, 0x300, 0, 4); /* disabled */
    madt_x2apic(&m, 0x301, 2, 5); /* online-capable */
    madt_lapic(&m, 6, 6, 0xfffc); /* reserved bits only */
    madt_lapic(&m, 7, 0xff, 1);   /* the broadcast id */
    madt_x2apic(&m, UINT32_MAX, 1, 8);
    standard_tables(&m);
    assert_int_equal(parse(), 0);
    assert_int_equal(info.madt_flags, 0);
    assert_int_equal(info.ncpus, 4);
    expect_cpu(0, 0, 0, true, false);
    expect_cpu(1, 2, 2, false, false);
    expect_cpu(2, 3, 3, true, false);
    expect_cpu(3, 0x301, 5, false, true);
    /* Before MADT revision 5 bit 1 was reserved: it means nothing. */
    put_madt(MADT_PA, 4, &m);
    assert_int_equal(parse(), 0);
    assert_int_equal(info.ncpus, 2);
    expect_cpu(0, 0, 0, true, false);
    expect_cpu(1, 3, 3, true, false);
}

static void test_madt_duplicates(void **state)
{
    struct madt m;

    (void)state;
    madt_start(&m, 0xfee00000, 1);
    madt_lapic(&m, 0, 0, 2); /* online-capable first, then enabled: the first wins */
    madt_lapic(&m, 1, 1, 1);
    madt_lapic(&m, 2, 1, 1);
    madt_x2apic(&m, 1, 1, 3);
    madt_x2apic(&m, 0, 1, 4);
    madt_lapic(&m, 5, 5, 0); /* disabled, then listed enabled: counts */
    madt_x2apic(&m, 5, 1, 6);
    standard_tables(&m);
    assert_int_equal(parse(), 0);
    assert_int_equal(info.ncpus, 3);
    expect_cpu(0, 0, 0, false, false);
    expect_cpu(1, 1, 1, true, false);
    expect_cpu(2, 5, 6, true, true);
}

static void test_madt_address_override(void **state)
{
    struct madt m;

    (void)state;
    madt_start(&m, 0xfee00000, 1);
    madt_lapic(&m, 0, 0, 1);
    madt_override(&m, 0x123456789000ULL);
    madt_lapic(&m, 1, 1, 1);
    standard_tables(&m);
    assert_int_equal(parse(), 0);
    assert_int_equal(info.lapic_base, 0x123456789000ULL);
    assert_int_equal(info.ncpus, 2);
    /* Too short to hold the address: malformed, the MADT's address stays. */
    madt_start(&m, 0xfee00000, 1);
    madt_lapic(&m, 0, 0, 1);
    madt_raw(&m, (const uint8_t[]){5, 8, 0, 0, 1, 2, 3, 4}, 8);
    madt_lapic(&m, 1, 1, 1);
    standard_tables(&m);
    assert_int_equal(parse(), 0);
    assert_int_equal(info.lapic_base, 0xfee00000);
    assert_int_equal(info.ncpus, 1);
    assert_true(info.malformed);
}

/* Each bad entry stops the walk; what came before it is kept. */
static void test_madt_malformed(void **state)
{
    static const struct {
        uint8_t bytes[8];
        uint32_t len;
        bool last; /* claims to run past the end, so nothing may follow */
    } bad[] = {
        {{0, 0}, 2, false},                   /* length 0 */
        {{7, 1}, 2, false},                   /* length 1 */
        {{0, 6, 1, 1, 1, 0}, 6, false},       /* a local APIC entry too short */
        {{9, 8, 0, 0, 1, 0, 0, 0}, 8, false}, /* an x2APIC entry too short */
        {{0, 8, 1, 1, 1}, 5, true},           /* past the end of the table */
        {{9, 16, 0, 0, 5, 0, 0, 0}, 8, true}, /* past the end, x2APIC */
        {{0x7f, 200}, 2, true},               /* an unknown type, past the end */
        {{0}, 1, true},                       /* one byte left: no room for type and length */
    };

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct madt m;

        madt_start(&m, 0xfee00000, 1);
        madt_lapic(&m, 0, 4, 1);
        madt_ioapic(&m);
        madt_raw(&m, bad[i].bytes, bad[i].len);
        if (!bad[i].last)
            madt_lapic(&m, 1, 5, 1); /* never reached */
        standard_tables(&m);
        assert_int_equal(parse(), 0);
        assert_true(info.malformed);
        assert_int_equal(info.ncpus, 1);
        expect_cpu(0, 4, 0, true, false);
        teardown(NULL);
    }
    /* Entries of unknown types with sane lengths are not malformed. */
    {
        struct madt m;

        madt_start(&m, 0xfee00000, 1);
        madt_raw(&m, (const uint8_t[]){0x80, 3, 0}, 3);
        madt_raw(&m, (const uint8_t[]){0x11, 2}, 2);
        madt_lapic(&m, 0, 4, 1);
        standard_tables(&m);
        assert_int_equal(parse(), 0);
        assert_false(info.malformed);
        assert_int_equal(info.ncpus, 1);
    }
}

static void test_madt_truncated(void **state)
{
    struct madt m;

    (void)state;
    madt_start(&m, 0xfee00000, 1);
    for (uint32_t i = 0; i < ACPI_MAX_CPUS; i++)
        madt_x2apic(&m, 1000 + i, 1, i);
    madt_x2apic(&m, 1000, 1, 9999); /* a duplicate does not count as one too many */
    standard_tables(&m);
    assert_int_equal(parse(), 0);
    assert_int_equal(info.ncpus, ACPI_MAX_CPUS);
    assert_false(info.truncated);
    madt_x2apic(&m, 5000, 1, 5000);
    madt_lapic(&m, 1, 7, 1);
    put_madt(MADT_PA, 5, &m);
    assert_int_equal(parse(), 0);
    assert_int_equal(info.ncpus, ACPI_MAX_CPUS);
    assert_true(info.truncated);
    assert_false(info.malformed);
    expect_cpu(ACPI_MAX_CPUS - 1, 1000 + ACPI_MAX_CPUS - 1, ACPI_MAX_CPUS - 1, true, true);
}

/* ---- error buffers ------------------------------------------------------------------- */

static void test_error_buffer(void **state)
{
    struct madt m;
    char small[12];
    uint64_t pa;

    (void)state;
    simple_madt(&m);
    standard_tables(&m);
    at(RSDP_PA)[0] = 'r';
    memset(small, 'x', sizeof(small));
    assert_int_equal(acpi_find_table(&mem, RSDP_PA, "APIC", &pa, small, sizeof(small)),
                     ACPI_EINVAL);
    assert_string_equal(small, "acpi: RSDP ");
    memset(small, 'x', sizeof(small));
    assert_int_equal(acpi_find_table(&mem, RSDP_PA, "APIC", &pa, small, 1), ACPI_EINVAL);
    assert_int_equal(small[0], '\0');
    assert_int_equal(small[1], 'x');
    assert_int_equal(acpi_find_table(&mem, RSDP_PA, "APIC", &pa, NULL, 0), ACPI_EINVAL);
    assert_int_equal(acpi_parse_madt(&mem, RSDP_PA, &info, NULL, 0), ACPI_EINVAL);
    /* Success clears an old message. */
    at(RSDP_PA)[0] = 'R';
    strcpy(err, "old");
    assert_int_equal(acpi_parse_madt(&mem, RSDP_PA, &info, err, sizeof(err)), 0);
    assert_string_equal(err, "");
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_rsdp_v2_uses_xsdt),     T(test_rsdp_v1_uses_rsdt),    T(test_rsdp_bad),
        T(test_root_table_bad),        T(test_root_entries_skipped), T(test_table_bad),
        T(test_madt_lapic_and_x2apic), T(test_madt_flags),           T(test_madt_duplicates),
        T(test_madt_address_override), T(test_madt_malformed),       T(test_madt_truncated),
        T(test_error_buffer),
    };

    return cmocka_run_group_tests_name("acpi", tests, NULL, NULL);
}
