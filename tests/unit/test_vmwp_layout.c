/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of the child's memory layout and boot setup:
 * tools/vmwp/guest_memory.c (the two RAM banks around the 3-4 GiB hole,
 * VID_MAP_MEMORY chunks of at most 64 GiB, guest-physical to host
 * translation and its edges) and tools/vmwp/boot.c (the e820 map, where the
 * kernel, initrd, command line, zero page, GDT, page tables and ACPI tables
 * go and what they contain, VP0's entry registers, and every refusal) on a
 * synthetic bzImage in a heap buffer standing for guest RAM.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <hv/abi.h>

#include "../../tools/vmwp/acpi_tables.h"
#include "../../tools/vmwp/boot.h"
#include "../../tools/vmwp/guest_memory.h"

#define MiB (1ull << 20)
#define GiB (1ull << 30)

static char err[512];

/* ---- guest memory --------------------------------------------------------------- */

static void test_layout_small(void **state)
{
    struct guest_memory gm;
    struct guest_map_chunk c[GUEST_MAP_CHUNKS_MAX];

    (void)state;
    assert_int_equal(guest_memory_layout(&gm, 64 * MiB, err, sizeof(err)), 0);
    assert_null(gm.host);
    assert_int_equal(gm.low_size, 64 * MiB);
    assert_int_equal(gm.high_size, 0);
    assert_int_equal(guest_memory_chunks(&gm, c, GUEST_MAP_CHUNKS_MAX), 1);
    assert_int_equal(c[0].gpa, 0);
    assert_int_equal(c[0].size, 64 * MiB);
    assert_int_equal(c[0].host_offset, 0);
    /* Exactly 3 GiB: still one bank. */
    assert_int_equal(guest_memory_layout(&gm, 3 * GiB, err, sizeof(err)), 0);
    assert_int_equal(gm.high_size, 0);
    assert_int_equal(guest_memory_chunks(&gm, c, GUEST_MAP_CHUNKS_MAX), 1);
}

static void test_layout_large(void **state)
{
    struct guest_memory gm;
    struct guest_map_chunk c[GUEST_MAP_CHUNKS_MAX];
    uint64_t total = 0;
    size_t n;

    (void)state;
    /* 200 GiB: 3 below the hole, 197 from 4 GiB in 64 GiB chunks. */
    assert_int_equal(guest_memory_layout(&gm, 200 * GiB, err, sizeof(err)), 0);
    assert_int_equal(gm.low_size, 3 * GiB);
    assert_int_equal(gm.high_size, 197 * GiB);
    n = guest_memory_chunks(&gm, c, GUEST_MAP_CHUNKS_MAX);
    assert_int_equal(n, 5);
    assert_int_equal(c[0].gpa, 0);
    assert_int_equal(c[0].size, 3 * GiB);
    assert_int_equal(c[1].gpa, 4 * GiB);
    assert_int_equal(c[1].size, 64 * GiB);
    assert_int_equal(c[1].host_offset, 3 * GiB);
    assert_int_equal(c[2].gpa, 68 * GiB);
    assert_int_equal(c[2].host_offset, 67 * GiB);
    assert_int_equal(c[4].gpa, 196 * GiB);
    assert_int_equal(c[4].size, 5 * GiB);
    for (size_t i = 0; i < n; i++) {
        assert_true(c[i].size <= GUEST_MAP_CHUNK_MAX);
        total += c[i].size;
    }
    assert_int_equal(total, 200 * GiB);
    /* Too small an array: 0, nothing half-done. */
    assert_int_equal(guest_memory_chunks(&gm, c, 4), 0);
    /* The largest VM ends exactly at the 1 TiB limit and fits the array. */
    assert_int_equal(guest_memory_layout(&gm, GUEST_MEMORY_MAX, err, sizeof(err)), 0);
    n = guest_memory_chunks(&gm, c, GUEST_MAP_CHUNKS_MAX);
    assert_true(n > 0 && n <= GUEST_MAP_CHUNKS_MAX);
    assert_int_equal(c[n - 1].gpa + c[n - 1].size, 1ull << 40);
}

static void test_layout_refused(void **state)
{
    struct guest_memory gm;

    (void)state;
    assert_int_equal(guest_memory_layout(&gm, 63 * MiB, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "multiple of 1 MiB from 64 MiB"));
    assert_int_equal(guest_memory_layout(&gm, 64 * MiB + 4096, err, sizeof(err)), -1);
    assert_int_equal(guest_memory_layout(&gm, GUEST_MEMORY_MAX + MiB, err, sizeof(err)), -1);
    assert_int_equal(guest_memory_layout(&gm, 0, err, sizeof(err)), -1);
}

static void test_translation(void **state)
{
    struct guest_memory gm;
    uint64_t off;

    (void)state;
    assert_int_equal(guest_memory_layout(&gm, 5 * GiB, err, sizeof(err)), 0);
    assert_int_equal(guest_memory_offset(&gm, 0, 4096, &off), 0);
    assert_int_equal(off, 0);
    assert_int_equal(guest_memory_offset(&gm, 3 * GiB - 4096, 4096, &off), 0);
    assert_int_equal(off, 3 * GiB - 4096);
    /* Not across the end of the low bank, nor into the hole. */
    assert_int_equal(guest_memory_offset(&gm, 3 * GiB - 4096, 4097, &off), -1);
    assert_int_equal(guest_memory_offset(&gm, 3 * GiB, 1, &off), -1);
    assert_false(guest_memory_is_ram(&gm, ACPI_CHILD_IOAPIC_ADDR));
    assert_false(guest_memory_is_ram(&gm, ACPI_CHILD_LAPIC_ADDR));
    assert_false(guest_memory_is_ram(&gm, 4 * GiB - 1));
    /* The high bank follows the low one in the host mapping. */
    assert_int_equal(guest_memory_offset(&gm, 4 * GiB, 0, &off), 0);
    assert_int_equal(off, 3 * GiB);
    assert_int_equal(guest_memory_offset(&gm, 6 * GiB - 1, 1, &off), 0);
    assert_int_equal(off, 5 * GiB - 1);
    assert_int_equal(guest_memory_offset(&gm, 6 * GiB - 1, 2, &off), -1);
    assert_false(guest_memory_is_ram(&gm, 6 * GiB));
    /* Hostile lengths and addresses do not wrap into RAM. */
    assert_int_equal(guest_memory_offset(&gm, 4096, ~0ull, &off), -1);
    assert_int_equal(guest_memory_offset(&gm, ~0ull, 1, &off), -1);
    assert_int_equal(guest_memory_offset(&gm, 4 * GiB + 1, ~0ull - 4 * GiB, &off), -1);
    /* No mapping yet: no pointer. */
    assert_null(guest_memory_ptr(&gm, 0, 1));
}

/* ---- boot --------------------------------------------------------------------- */

#define IMG_KOFF  0x1000 /* setup_sects 7 */
#define IMG_KSIZE 0x2000
#define IMG_SIZE  (IMG_KOFF + IMG_KSIZE)
#define RAM_SIZE  (64 * MiB)

static uint8_t img[IMG_SIZE];
static struct guest_memory gm;

static void wr16(uint8_t *p, size_t off, uint16_t v)
{
    memcpy(p + off, &v, 2);
}

static void wr32(uint8_t *p, size_t off, uint32_t v)
{
    memcpy(p + off, &v, 4);
}

static void wr64(uint8_t *p, size_t off, uint64_t v)
{
    memcpy(p + off, &v, 8);
}

static uint32_t rd32(const uint8_t *p, size_t off)
{
    uint32_t v;

    memcpy(&v, p + off, 4);
    return v;
}

static uint64_t rd64(const uint8_t *p, size_t off)
{
    uint64_t v;

    memcpy(&v, p + off, 8);
    return v;
}

/* A bzImage of protocol 2.15 with @init_size and @initrd_max. */
static void build_img(uint32_t init_size, uint32_t initrd_max, uint32_t cmdline_size)
{
    for (size_t i = 0; i < IMG_SIZE; i++)
        img[i] = (uint8_t)(i * 13 + 5);
    img[0x1f1] = 7;
    wr32(img, 0x1f4, IMG_KSIZE / 16);
    wr16(img, 0x1fe, 0xaa55);
    img[0x200] = 0xeb;
    img[0x201] = 0x6a;
    memcpy(img + 0x202, "HdrS", 4);
    wr16(img, 0x206, 0x020f);
    img[0x211] = 0x01;
    wr32(img, 0x22c, initrd_max);
    wr32(img, 0x230, 0x200000);
    img[0x234] = 1;
    wr16(img, 0x236, 0x7f);
    wr32(img, 0x238, cmdline_size);
    wr64(img, 0x250, 0);
    wr64(img, 0x258, 0x1000000);
    wr32(img, 0x260, init_size);
}

static int boot_setup_fn(void **state)
{
    (void)state;
    assert_int_equal(guest_memory_layout(&gm, RAM_SIZE, err, sizeof(err)), 0);
    gm.host = calloc(1, RAM_SIZE);
    assert_non_null(gm.host);
    build_img(16 * MiB, 0x7fffffff, 2047);
    return 0;
}

static int boot_teardown_fn(void **state)
{
    (void)state;
    free(gm.host);
    gm.host = NULL;
    return 0;
}

static int setup_boot(uint64_t initrd_size, const char *cmdline, struct boot_plan *plan)
{
    struct boot_inputs in = {
        .kernel = img,
        .kernel_size = IMG_SIZE,
        .initrd_size = initrd_size,
        .cmdline = cmdline,
        .cpus = 2,
    };

    memset(err, 0, sizeof(err));
    return boot_setup(&gm, &in, plan, err, sizeof(err));
}

static void test_e820(void **state)
{
    struct e820_entry e[BOOT_E820_MAX];
    struct guest_memory big;
    size_t n;

    (void)state;
    n = boot_build_e820(&gm, BOOT_ACPI_GPA, ACPI_CHILD_TABLES_SIZE, e);
    assert_int_equal(n, 6);
    const struct e820_entry want[] = {
        {0, 0x1000, E820_RESERVED},
        {0x1000, 0x9F000, E820_RAM},
        {0xA0000, 0x40000, E820_RESERVED},
        {0xE0000, ACPI_CHILD_TABLES_SIZE, E820_ACPI},
        {0xE0000 + ACPI_CHILD_TABLES_SIZE, 0x20000 - ACPI_CHILD_TABLES_SIZE, E820_RESERVED},
        {0x100000, RAM_SIZE - 0x100000, E820_RAM},
    };
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(e[i].addr, want[i].addr);
        assert_int_equal(e[i].size, want[i].size);
        assert_int_equal(e[i].type, want[i].type);
    }
    /* With a high bank, it comes last; the hole is in no entry. */
    assert_int_equal(guest_memory_layout(&big, 6 * GiB, err, sizeof(err)), 0);
    n = boot_build_e820(&big, BOOT_ACPI_GPA, ACPI_CHILD_TABLES_SIZE, e);
    assert_int_equal(n, 7);
    assert_int_equal(e[5].addr + e[5].size, 3 * GiB);
    assert_int_equal(e[6].addr, 4 * GiB);
    assert_int_equal(e[6].size, 3 * GiB);
    assert_int_equal(e[6].type, E820_RAM);
}

static void test_boot_places_everything(void **state)
{
    static const char cmdline[] = "console=ttyS0 earlyprintk=serial";
    uint64_t initrd_size = 5 * MiB + 123;
    struct boot_plan plan;
    const uint8_t *ram;
    const uint8_t *zp;

    (void)state;
    ram = gm.host;
    assert_int_equal(setup_boot(initrd_size, cmdline, &plan), 0);
    /* The kernel at its preferred 16 MiB, the file's kernel bytes copied. */
    assert_int_equal(plan.kernel_gpa, 16 * MiB);
    assert_memory_equal(ram + 16 * MiB, img + IMG_KOFF, IMG_KSIZE);
    /* The initrd page-aligned at the top of RAM. */
    assert_int_equal(plan.initrd_gpa, (RAM_SIZE - initrd_size) & ~0xFFFull);
    assert_true(plan.initrd_gpa + initrd_size <= RAM_SIZE);
    /* The command line with its NUL. */
    assert_memory_equal(ram + BOOT_CMDLINE_GPA, cmdline, sizeof(cmdline));
    /* The zero page says where everything is. */
    zp = ram + BOOT_ZERO_PAGE_GPA;
    assert_int_equal(zp[0x210], 0xFF);                   /* type_of_loader */
    assert_int_equal(rd32(zp, 0x228), BOOT_CMDLINE_GPA); /* cmd_line_ptr */
    assert_int_equal(rd32(zp, 0x218), plan.initrd_gpa);  /* ramdisk_image */
    assert_int_equal(rd32(zp, 0x21c), initrd_size);      /* ramdisk_size */
    assert_int_equal(rd64(zp, 0x070), plan.rsdp_gpa);    /* acpi_rsdp_addr */
    assert_int_equal(zp[0x1e8], plan.e820_count);        /* e820_entries */
    assert_memory_equal(zp + 0x2d0, plan.e820, plan.e820_count * sizeof(struct e820_entry));
    /* ACPI: the RSDP at the start of the table area. */
    assert_int_equal(plan.rsdp_gpa, BOOT_ACPI_GPA);
    assert_memory_equal(ram + plan.rsdp_gpa, "RSD PTR ", 8);
    assert_true(plan.acpi_used > 0 && plan.acpi_used <= ACPI_CHILD_TABLES_SIZE);
    /* The boot GDT and the page tables. */
    assert_int_equal(rd64(ram, BOOT_GDT_GPA + LINUX_BOOT_CS), LINUX_BOOT_GDT_CODE);
    assert_int_equal(rd64(ram, BOOT_GDT_GPA + LINUX_BOOT_DS), LINUX_BOOT_GDT_DATA);
    assert_int_equal(plan.entry.cr3, BOOT_PAGE_TABLES_GPA);
    assert_int_equal(rd64(ram, BOOT_PAGE_TABLES_GPA) & ~0xFFFull, BOOT_PAGE_TABLES_GPA + 0x1000);
    /* The last 2 MiB page below 4 GiB is identity-mapped too. */
    assert_int_equal(rd64(ram, BOOT_PAGE_TABLES_GPA + 0x5000 + 511 * 8) & ~0xFFFull,
                     4 * GiB - 2 * MiB);
    /* Entry state. */
    assert_int_equal(plan.entry.rip, 16 * MiB + 0x200);
    assert_int_equal(plan.entry.rsi, BOOT_ZERO_PAGE_GPA);
    assert_int_equal(plan.entry.gdt_base, BOOT_GDT_GPA);
    /* Nothing placed overlaps anything else. */
    assert_true(plan.initrd_gpa >= plan.kernel_gpa + 16 * MiB);
}

static void test_boot_without_initrd(void **state)
{
    struct boot_plan plan;

    (void)state;
    assert_int_equal(setup_boot(0, "", &plan), 0);
    assert_int_equal(plan.initrd_gpa, 0);
    assert_int_equal(rd32(gm.host + BOOT_ZERO_PAGE_GPA, 0x218), 0);
    assert_int_equal(gm.host[BOOT_CMDLINE_GPA], 0);
}

static void test_initrd_below_its_limit(void **state)
{
    struct boot_plan plan;

    (void)state;
    /* The kernel takes initrds only below 48 MiB. */
    build_img(16 * MiB, 48 * MiB - 1, 2047);
    assert_int_equal(setup_boot(MiB, "", &plan), 0);
    assert_int_equal(plan.initrd_gpa, 47 * MiB);
    /* An initrd in the way of the preferred address moves the kernel. */
    build_img(16 * MiB, 24 * MiB - 1, 2047);
    assert_int_equal(setup_boot(2 * MiB, "", &plan), 0);
    assert_int_equal(plan.initrd_gpa, 22 * MiB);
    assert_true(plan.kernel_gpa >= 24 * MiB);
    assert_int_equal(plan.kernel_gpa % (2 * MiB), 0);
    assert_true(plan.kernel_gpa + 16 * MiB <= RAM_SIZE);
}

static void test_boot_refused(void **state)
{
    struct boot_plan plan;
    char longline[4000];

    (void)state;
    /* Too big an initrd, and a kernel that no longer fits beside one. */
    assert_int_equal(setup_boot(RAM_SIZE, "", &plan), -1);
    assert_non_null(strstr(err, "initrd:"));
    assert_int_equal(setup_boot(50 * MiB, "", &plan), -1);
    assert_non_null(strstr(err, "do not fit in the VM's memory next to the initrd"));
    /* 40 MiB still leaves room below it (at 2 MiB, the lowest aligned fit). */
    assert_int_equal(setup_boot(40 * MiB, "", &plan), 0);
    assert_int_equal(plan.kernel_gpa, 2 * MiB);
    /* A command line longer than the kernel's cmdline_size. */
    memset(longline, 'a', sizeof(longline) - 1);
    longline[sizeof(longline) - 1] = '\0';
    assert_int_equal(setup_boot(0, longline, &plan), -1);
    assert_non_null(strstr(err, "cmdline: 3999 bytes, the kernel takes at most 2047"));
    /* A damaged kernel. */
    img[0x202] = 'X';
    assert_int_equal(setup_boot(0, "", &plan), -1);
    assert_non_null(strstr(err, "kernel: bzImage"));
    /* A kernel whose init_size does not fit at all. */
    build_img(80 * MiB, 0x7fffffff, 2047);
    assert_int_equal(setup_boot(0, "", &plan), -1);
    assert_non_null(strstr(err, "kernel: its 80 MiB"));
}

static void test_vp0_registers(void **state)
{
    struct boot_plan plan;
    struct vid_register regs[BOOT_VP0_REGS];
    union hv_register_value v;
    unsigned n;
    bool seen[BOOT_VP0_REGS] = {false};

    (void)state;
    assert_int_equal(setup_boot(0, "", &plan), 0);
    n = boot_vp0_registers(&plan.entry, regs);
    assert_int_equal(n, BOOT_VP0_REGS);
    for (unsigned i = 0; i < n; i++) {
        assert_int_equal(regs[i].reserved, 0);
        memcpy(&v, regs[i].value, sizeof(v));
        switch (regs[i].name) {
        case HV_X64_REGISTER_RIP:
            assert_int_equal(v.reg64, 16 * MiB + 0x200);
            assert_int_equal(i, n - 1); /* last */
            break;
        case HV_X64_REGISTER_RSI:
            assert_int_equal(v.reg64, BOOT_ZERO_PAGE_GPA);
            break;
        case HV_X64_REGISTER_RFLAGS:
            assert_int_equal(v.reg64, 2);
            break;
        case HV_X64_REGISTER_CR0:
            assert_int_equal(v.reg64, 0x80000031);
            break;
        case HV_X64_REGISTER_CR3:
            assert_int_equal(v.reg64, BOOT_PAGE_TABLES_GPA);
            break;
        case HV_X64_REGISTER_CR4:
            assert_int_equal(v.reg64, 0x20);
            break;
        case HV_X64_REGISTER_EFER:
            assert_int_equal(v.reg64, 0x500);
            assert_int_equal(i, 0); /* long mode before paging */
            break;
        case HV_X64_REGISTER_CS:
            assert_int_equal(v.segment.selector, 0x10);
            /* Type 0xB, S, P in bits 0-7; L and G in bits 8-11 (the VMCB's
             * packing, not VT-x's, which would be 0xA09B). */
            assert_int_equal(v.segment.attributes, 0x0A9B);
            assert_int_equal(v.segment.limit, 0xFFFFFFFF);
            assert_int_equal(v.segment.base, 0);
            break;
        case HV_X64_REGISTER_DS:
        case HV_X64_REGISTER_ES:
        case HV_X64_REGISTER_SS:
        case HV_X64_REGISTER_FS:
        case HV_X64_REGISTER_GS:
            assert_int_equal(v.segment.selector, 0x18);
            assert_int_equal(v.segment.attributes, 0x0C93); /* data RW accessed; D, G */
            assert_int_equal(v.segment.limit, 0xFFFFFFFF);
            break;
        case HV_X64_REGISTER_TR:
            assert_int_equal(v.segment.attributes, 0x008B);
            break;
        case HV_X64_REGISTER_LDTR:
            assert_int_equal(v.segment.attributes, 0x0082);
            break;
        case HV_X64_REGISTER_GDTR:
            assert_int_equal(v.table.base, BOOT_GDT_GPA);
            assert_int_equal(v.table.limit, LINUX_BOOT_GDT_SIZE - 1);
            break;
        case HV_X64_REGISTER_IDTR:
            assert_int_equal(v.table.base, 0);
            assert_int_equal(v.table.limit, 0);
            break;
        case HV_X64_REGISTER_RSP:
        case HV_X64_REGISTER_RBP:
        case HV_X64_REGISTER_RDI:
            assert_int_equal(v.reg64, 0);
            break;
        default:
            fail_msg("unexpected register 0x%x", regs[i].name);
        }
        assert_false(seen[i]);
        seen[i] = true;
        for (unsigned j = 0; j < i; j++)
            assert_int_not_equal(regs[j].name, regs[i].name);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout_small),
        cmocka_unit_test(test_layout_large),
        cmocka_unit_test(test_layout_refused),
        cmocka_unit_test(test_translation),
        cmocka_unit_test_setup_teardown(test_e820, boot_setup_fn, boot_teardown_fn),
        cmocka_unit_test_setup_teardown(test_boot_places_everything, boot_setup_fn,
                                        boot_teardown_fn),
        cmocka_unit_test_setup_teardown(test_boot_without_initrd, boot_setup_fn, boot_teardown_fn),
        cmocka_unit_test_setup_teardown(test_initrd_below_its_limit, boot_setup_fn,
                                        boot_teardown_fn),
        cmocka_unit_test_setup_teardown(test_boot_refused, boot_setup_fn, boot_teardown_fn),
        cmocka_unit_test_setup_teardown(test_vp0_registers, boot_setup_fn, boot_teardown_fn),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
