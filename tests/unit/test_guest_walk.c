/* SPDX-License-Identifier: GPL-2.0-only */
/* Unit tests of the guest page-table walker (arch/x86_64/guest_walk.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <arch/guest_walk.h>

#define MEM_SIZE (1u << 20) /* 1 MiB of fake guest-physical memory */
#define P        1ULL
#define W        2ULL
#define PS       (1ULL << 7)

static uint8_t mem[MEM_SIZE];
static int reads_refused_above; /* a "hypervisor hole" for the callback */

static int rd(void *ctx, uint64_t pa, void *buf, size_t len)
{
    (void)ctx;
    if (pa >= MEM_SIZE || len > MEM_SIZE - pa)
        return -1;
    if (reads_refused_above && pa >= (uint64_t)reads_refused_above)
        return -1;
    memcpy(buf, mem + pa, len);
    return 0;
}

static void put64(uint64_t pa, uint64_t v)
{
    memcpy(mem + pa, &v, 8);
}

static void put32(uint64_t pa, uint32_t v)
{
    memcpy(mem + pa, &v, 4);
}

static int setup(void **state)
{
    (void)state;
    memset(mem, 0, sizeof(mem));
    reads_refused_above = 0;
    return 0;
}

static const struct guest_paging long4 = {
    .cr0 = 0x80000011, .cr3 = 0x1000, .cr4 = 0x20, .efer = 0x500};

/* PML4 0x1000 -> PDPT 0x2000 -> PD 0x3000 -> PT 0x4000 for la 0xffffffff81234000. */
static void build_long4(void)
{
    uint64_t la = 0xffffffff81234000ULL;

    put64(0x1000 + ((la >> 39) & 511) * 8, 0x2000 | P | W);
    put64(0x2000 + ((la >> 30) & 511) * 8, 0x3000 | P | W);
    put64(0x3000 + ((la >> 21) & 511) * 8, 0x4000 | P | W);
    put64(0x4000 + ((la >> 12) & 511) * 8, 0x9000 | P | W);
}

static void test_paging_off(void **state)
{
    struct guest_paging real = {.cr0 = 0x10};
    uint64_t pa;

    (void)state;
    assert_int_equal(guest_linear_to_phys(&real, 0x1234567890ULL, &pa, rd, NULL), 0);
    assert_int_equal(pa, 0x34567890); /* 32-bit linear addresses outside long mode */
}

static void test_long_mode_4k(void **state)
{
    uint64_t pa;

    (void)state;
    build_long4();
    assert_int_equal(guest_linear_to_phys(&long4, 0xffffffff81234abcULL, &pa, rd, NULL), 0);
    assert_int_equal(pa, 0x9abc);
}

static void test_long_mode_not_present(void **state)
{
    uint64_t pa;

    (void)state;
    build_long4();
    assert_int_equal(guest_linear_to_phys(&long4, 0xffffffff81235000ULL, &pa, rd, NULL), -1);
    assert_int_equal(guest_linear_to_phys(&long4, 0x1000, &pa, rd, NULL), -1);
}

static void test_long_mode_2m_and_1g(void **state)
{
    uint64_t pa;

    (void)state;
    put64(0x1000, 0x2000 | P);
    put64(0x2000 + 0 * 8, 0x3000 | P);             /* [0, 1G) through a PD */
    put64(0x3000 + 1 * 8, 0x40000000ULL | P | PS); /* 2M page at 0x200000 -> 1 GiB */
    put64(0x2000 + 2 * 8, 0x80000000ULL | P | PS); /* 1G page at 2 GiB -> 2 GiB */
    assert_int_equal(guest_linear_to_phys(&long4, 0x2abcde, &pa, rd, NULL), 0);
    assert_int_equal(pa, 0x400abcde);
    assert_int_equal(guest_linear_to_phys(&long4, 0x80123456ULL, &pa, rd, NULL), 0);
    assert_int_equal(pa, 0x80123456ULL);
}

static void test_five_level(void **state)
{
    struct guest_paging la57 = long4;
    uint64_t la = 0x00ff000000001000ULL, pa;

    (void)state;
    la57.cr4 |= 1ULL << 12;
    put64(0x1000 + ((la >> 48) & 511) * 8, 0x2000 | P);
    put64(0x2000 + ((la >> 39) & 511) * 8, 0x3000 | P);
    put64(0x3000 + ((la >> 30) & 511) * 8, 0x4000 | P);
    put64(0x4000 + ((la >> 21) & 511) * 8, 0x5000 | P);
    put64(0x5000 + ((la >> 12) & 511) * 8, 0x7000 | P);
    assert_int_equal(guest_linear_to_phys(&la57, la + 0x10, &pa, rd, NULL), 0);
    assert_int_equal(pa, 0x7010);
}

static void test_pae(void **state)
{
    struct guest_paging pae = {.cr0 = 0x80000011, .cr3 = 0x1020, .cr4 = 0x20};
    uint64_t pa;

    (void)state;
    put64(0x1020 + 3 * 8, 0x2000 | P);             /* PDPT entry 3: [3G, 4G) */
    put64(0x2000 + 2 * 8, 0x3000 | P);             /* PD entry 2 */
    put64(0x3000 + 5 * 8, 0x8000 | P);             /* PT entry 5 */
    put64(0x2000 + 3 * 8, 0x00600000ULL | P | PS); /* a 2M page */
    assert_int_equal(guest_linear_to_phys(&pae, 0xC0405123ULL, &pa, rd, NULL), 0);
    assert_int_equal(pa, 0x8123);
    assert_int_equal(guest_linear_to_phys(&pae, 0xC0612345ULL, &pa, rd, NULL), 0);
    assert_int_equal(pa, 0x00612345);
}

static void test_32bit_4k_and_pse(void **state)
{
    struct guest_paging p32 = {.cr0 = 0x80000011, .cr3 = 0x1000, .cr4 = 0};
    uint64_t pa;

    (void)state;
    put32(0x1000 + 0x300 * 4, 0x2000 | P); /* la 0xC0000000 */
    put32(0x2000 + 4 * 4, 0x9000 | P);
    put32(0x1000 + 0x301 * 4, 0x00800000 | P | PS);
    assert_int_equal(guest_linear_to_phys(&p32, 0xC0004567ULL, &pa, rd, NULL), 0);
    assert_int_equal(pa, 0x9567);
    /* Without CR4.PSE the PS bit means nothing: the entry names a page table
     * at 8 MiB, outside the fake memory, so the walk fails. */
    assert_int_equal(guest_linear_to_phys(&p32, 0xC0400000ULL, &pa, rd, NULL), -1);
    p32.cr4 = 0x10;
    assert_int_equal(guest_linear_to_phys(&p32, 0xC0412345ULL, &pa, rd, NULL), 0);
    assert_int_equal(pa, 0x00812345);
}

static void test_refused_table_read(void **state)
{
    uint64_t pa;

    (void)state;
    build_long4();
    reads_refused_above = 0x3000; /* the PD and PT are "hypervisor memory" */
    assert_int_equal(guest_linear_to_phys(&long4, 0xffffffff81234abcULL, &pa, rd, NULL), -1);
}

static void test_read_linear_across_pages(void **state)
{
    uint8_t out[8];

    (void)state;
    put64(0x1000, 0x2000 | P);
    put64(0x2000, 0x3000 | P);
    put64(0x3000, 0x4000 | P);
    put64(0x4000 + 0x10 * 8, 0x20000 | P); /* la 0x10000 -> 0x20000 */
    put64(0x4000 + 0x11 * 8, 0x50000 | P); /* la 0x11000 -> 0x50000, not contiguous */
    memcpy(mem + 0x20ffc, "\x0f\x01\xd9\x90", 4);
    memcpy(mem + 0x50000, "ABCD", 4);
    assert_int_equal(guest_read_linear(&long4, 0x10ffc, out, 8, rd, NULL), 0);
    assert_memory_equal(out,
                        "\x0f\x01\xd9\x90"
                        "ABCD",
                        8);
    assert_int_equal(guest_read_linear(&long4, 0x11ffc, out, 8, rd, NULL), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_paging_off, setup),
        cmocka_unit_test_setup(test_long_mode_4k, setup),
        cmocka_unit_test_setup(test_long_mode_not_present, setup),
        cmocka_unit_test_setup(test_long_mode_2m_and_1g, setup),
        cmocka_unit_test_setup(test_five_level, setup),
        cmocka_unit_test_setup(test_pae, setup),
        cmocka_unit_test_setup(test_32bit_4k_and_pse, setup),
        cmocka_unit_test_setup(test_refused_table_read, setup),
        cmocka_unit_test_setup(test_read_linear_across_pages, setup),
    };
    return cmocka_run_group_tests_name("guest_walk", tests, NULL, NULL);
}
