/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The handoff device tree: the loader's builder (boot/handoff_build.c) and the
 * hypervisor's parser (hv/handoff.c) compiled together, round trip and damage.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <libfdt.h>

#include <hv/handoff.h>

#define BUF_SIZE 16384

static uint8_t blob[BUF_SIZE];
static char err[160];

static const struct handoff_module two_modules[] = {
    {HANDOFF_KIND_KERNEL, "vmlinuz", 0x7000000, 0x800000, "console=ttyS0 quiet"},
    {HANDOFF_KIND_INITRD, "initrd.img", 0x7800000, 0x123456, NULL},
};

static struct handoff_params sample_params(void)
{
    struct handoff_params p = {
        .loader = "hvloader test",
        .hv_options = "console=com1 debug-exit=0xf4",
        .hv_base = 0x40000000,
        .hv_size = 64 << 20,
        .hv_image_size = 0x80000,
        .trampoline = 0x8f000,
        .acpi_rsdp = 0x7fbfe014,
        .modules = two_modules,
        .nmodules = 2,
    };
    return p;
}

/* A fake UEFI map: 3 descriptors of 48 bytes, contents arbitrary. */
static uint8_t fake_map[3 * 48];

static void build_full(void)
{
    struct handoff_params p = sample_params();

    for (size_t i = 0; i < sizeof(fake_map); i++)
        fake_map[i] = (uint8_t)(i * 7);
    assert_int_equal(handoff_build(blob, sizeof(blob), &p), 0);
    assert_int_equal(handoff_set_memory_map(blob, fake_map, sizeof(fake_map), 48, 1), 0);
}

static void test_round_trip(void **state)
{
    struct handoff_info info;

    (void)state;
    build_full();
    assert_int_equal(handoff_parse(blob, sizeof(blob), &info, err, sizeof(err)), 0);
    assert_string_equal(info.loader, "hvloader test");
    assert_string_equal(info.hv_options, "console=com1 debug-exit=0xf4");
    assert_int_equal(info.hv_base, 0x40000000);
    assert_int_equal(info.hv_size, 64 << 20);
    assert_int_equal(info.hv_image_size, 0x80000);
    assert_int_equal(info.trampoline, 0x8f000);
    assert_int_equal(info.acpi_rsdp, 0x7fbfe014);
    assert_int_equal(info.efi_desc_size, 48);
    assert_int_equal(info.efi_desc_version, 1);
    assert_int_equal(info.efi_map_size, sizeof(fake_map));
    assert_memory_equal(info.efi_map, fake_map, sizeof(fake_map));
    assert_int_equal(info.nmodules, 2);
    assert_string_equal(info.modules[0].kind, HANDOFF_KIND_KERNEL);
    assert_string_equal(info.modules[0].name, "vmlinuz");
    assert_int_equal(info.modules[0].base, 0x7000000);
    assert_int_equal(info.modules[0].size, 0x800000);
    assert_string_equal(info.modules[0].cmdline, "console=ttyS0 quiet");
    assert_string_equal(info.modules[1].kind, HANDOFF_KIND_INITRD);
    assert_int_equal(info.modules[1].size, 0x123456);
    assert_null(info.modules[1].cmdline);
}

static void test_no_rsdp_no_modules(void **state)
{
    struct handoff_params p = sample_params();
    struct handoff_info info;

    (void)state;
    p.acpi_rsdp = 0;
    p.nmodules = 0;
    assert_int_equal(handoff_build(blob, sizeof(blob), &p), 0);
    assert_int_equal(handoff_set_memory_map(blob, fake_map, 48, 48, 1), 0);
    assert_int_equal(handoff_parse(blob, sizeof(blob), &info, err, sizeof(err)), 0);
    assert_int_equal(info.acpi_rsdp, 0);
    assert_int_equal(info.nmodules, 0);
}

static void test_memory_map_missing_is_an_error(void **state)
{
    struct handoff_params p = sample_params();
    struct handoff_info info;

    (void)state;
    assert_int_equal(handoff_build(blob, sizeof(blob), &p), 0);
    assert_int_equal(handoff_parse(blob, sizeof(blob), &info, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "efi,descriptor-size"));
}

static void test_memory_map_too_big_for_buffer(void **state)
{
    static uint8_t small[1024];
    static uint8_t big_map[2048];
    struct handoff_params p = sample_params();

    (void)state;
    assert_int_equal(handoff_build(small, sizeof(small), &p), 0);
    assert_int_equal(handoff_set_memory_map(small, big_map, sizeof(big_map), 48, 1),
                     -FDT_ERR_NOSPACE);
}

static void test_too_many_modules_refused_by_builder(void **state)
{
    struct handoff_module many[HANDOFF_MAX_MODULES + 1];
    struct handoff_params p = sample_params();

    (void)state;
    for (size_t i = 0; i < HANDOFF_MAX_MODULES + 1; i++)
        many[i] = two_modules[0];
    p.modules = many;
    p.nmodules = HANDOFF_MAX_MODULES + 1;
    assert_int_equal(handoff_build(blob, sizeof(blob), &p), -FDT_ERR_BADVALUE);
}

static void test_module_names_count_past_nine(void **state)
{
    struct handoff_module mods[HANDOFF_MAX_MODULES];
    struct handoff_params p = sample_params();
    struct handoff_info info;

    (void)state;
    for (size_t i = 0; i < HANDOFF_MAX_MODULES; i++) {
        mods[i] = two_modules[1];
        mods[i].base = 0x1000 * (i + 1);
    }
    p.modules = mods;
    p.nmodules = HANDOFF_MAX_MODULES;
    assert_int_equal(handoff_build(blob, sizeof(blob), &p), 0);
    assert_int_equal(handoff_set_memory_map(blob, fake_map, 48, 48, 1), 0);
    assert_true(fdt_path_offset(blob, "/modules/module@7") >= 0);
    assert_int_equal(handoff_parse(blob, sizeof(blob), &info, err, sizeof(err)), 0);
    assert_int_equal(info.nmodules, HANDOFF_MAX_MODULES);
    assert_int_equal(info.modules[7].base, 0x8000);
}

static void test_extra_module_node_rejected_by_parser(void **state)
{
    struct handoff_info info;
    int mods;

    (void)state;
    build_full();
    mods = fdt_path_offset(blob, "/modules");
    for (int i = 0; i < HANDOFF_MAX_MODULES; i++) {
        char name[32];
        int node;

        snprintf(name, sizeof(name), "module@%d", 10 + i);
        node = fdt_add_subnode(blob, mods, name);
        assert_true(node >= 0);
        assert_int_equal(fdt_setprop_string(blob, node, "hv,kind", "parent-initrd"), 0);
        assert_int_equal(fdt_setprop_string(blob, node, "hv,name", "x"), 0);
        assert_int_equal(fdt_setprop_u64(blob, node, "reg", 0), 0);
        mods = fdt_path_offset(blob, "/modules");
    }
    assert_int_equal(handoff_parse(blob, sizeof(blob), &info, err, sizeof(err)), -1);
}

static void test_bad_magic(void **state)
{
    struct handoff_info info;

    (void)state;
    build_full();
    blob[0] ^= 0xff;
    assert_int_equal(handoff_parse(blob, sizeof(blob), &info, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "bad header"));
}

static void test_totalsize_beyond_buffer(void **state)
{
    struct handoff_info info;

    (void)state;
    build_full();
    assert_int_equal(handoff_parse(blob, 512, &info, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "larger than its buffer"));
}

static void test_wrong_compatible(void **state)
{
    struct handoff_info info;

    (void)state;
    build_full();
    assert_int_equal(fdt_setprop_string(blob, 0, "compatible", "someone-else"), 0);
    assert_int_equal(handoff_parse(blob, sizeof(blob), &info, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "compatible"));
}

static void test_unterminated_string(void **state)
{
    struct handoff_info info;
    int chosen;

    (void)state;
    build_full();
    chosen = fdt_path_offset(blob, "/chosen");
    assert_int_equal(fdt_setprop(blob, chosen, "hv,options", "abc", 3), 0);
    assert_int_equal(handoff_parse(blob, sizeof(blob), &info, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "hv,options"));
}

static void test_short_u64(void **state)
{
    struct handoff_info info;
    int chosen;

    (void)state;
    build_full();
    chosen = fdt_path_offset(blob, "/chosen");
    assert_int_equal(fdt_setprop_u32(blob, chosen, "hv,trampoline", 0x8f), 0);
    assert_int_equal(handoff_parse(blob, sizeof(blob), &info, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "wrong length"));
}

static void test_wrapping_range(void **state)
{
    struct handoff_info info;
    fdt64_t cells[2] = {cpu_to_fdt64(UINT64_MAX - 10), cpu_to_fdt64(100)};
    int chosen;

    (void)state;
    build_full();
    chosen = fdt_path_offset(blob, "/chosen");
    assert_int_equal(fdt_setprop(blob, chosen, "hv,memory", cells, sizeof(cells)), 0);
    assert_int_equal(handoff_parse(blob, sizeof(blob), &info, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "wraps"));
}

static void test_map_not_multiple_of_descriptor(void **state)
{
    struct handoff_info info;

    (void)state;
    build_full();
    assert_int_equal(handoff_set_memory_map(blob, fake_map, 100, 48, 1), 0);
    assert_int_equal(handoff_parse(blob, sizeof(blob), &info, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "multiple"));
}

static void test_image_larger_than_memory(void **state)
{
    struct handoff_params p = sample_params();
    struct handoff_info info;

    (void)state;
    p.hv_image_size = p.hv_size + 1;
    assert_int_equal(handoff_build(blob, sizeof(blob), &p), 0);
    assert_int_equal(handoff_set_memory_map(blob, fake_map, 48, 48, 1), 0);
    assert_int_equal(handoff_parse(blob, sizeof(blob), &info, err, sizeof(err)), -1);
}

static void test_truncated_structure_block(void **state)
{
    struct handoff_info info;

    (void)state;
    build_full();
    /* Claim a structure block that runs past the end of the blob. */
    fdt_set_size_dt_struct(blob, fdt_totalsize(blob));
    assert_int_equal(handoff_parse(blob, sizeof(blob), &info, err, sizeof(err)), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_no_rsdp_no_modules),
        cmocka_unit_test(test_memory_map_missing_is_an_error),
        cmocka_unit_test(test_memory_map_too_big_for_buffer),
        cmocka_unit_test(test_too_many_modules_refused_by_builder),
        cmocka_unit_test(test_module_names_count_past_nine),
        cmocka_unit_test(test_extra_module_node_rejected_by_parser),
        cmocka_unit_test(test_bad_magic),
        cmocka_unit_test(test_totalsize_beyond_buffer),
        cmocka_unit_test(test_wrong_compatible),
        cmocka_unit_test(test_unterminated_string),
        cmocka_unit_test(test_short_u64),
        cmocka_unit_test(test_wrapping_range),
        cmocka_unit_test(test_map_not_multiple_of_descriptor),
        cmocka_unit_test(test_image_larger_than_memory),
        cmocka_unit_test(test_truncated_structure_block),
    };
    return cmocka_run_group_tests_name("handoff", tests, NULL, NULL);
}
