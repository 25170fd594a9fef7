/* SPDX-License-Identifier: GPL-2.0-only */
/* Unit tests of what the parent sees: CPUID policy and ICR interception. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <hv/apic_icr.h>
#include <hv/cpuid_policy.h>

static void test_signature_leaf(void **state)
{
    uint32_t r[4] = {0x40000010, 1, 2, 3};
    char sig[13] = {0};

    (void)state;
    cpuid_policy_parent(0x40000000, 0, r);
    assert_int_equal(r[0], HV_CPUID_MAX_LEAF);
    memcpy(sig, &r[1], 4);
    memcpy(sig + 4, &r[2], 4);
    memcpy(sig + 8, &r[3], 4);
    assert_string_equal(sig, "hvcorehvcore");
}

static void test_role_leaf_says_parent(void **state)
{
    uint32_t r[4] = {9, 9, 9, 9};

    (void)state;
    cpuid_policy_parent(0x40000001, 0, r);
    assert_int_equal(r[1], HV_CPUID_ROLE_PARENT);
    assert_int_equal(r[2], 0);
}

static void test_reserved_hypervisor_leaves_are_zero(void **state)
{
    uint32_t r[4] = {0x31237648, 0x7263694d, 0x666f736f, 0x76482074}; /* an outer "Microsoft Hv" */

    (void)state;
    cpuid_policy_parent(0x40000003, 0, r);
    assert_int_equal(r[0] | r[1] | r[2] | r[3], 0);
}

static void test_virtualization_hidden(void **state)
{
    uint32_t l1[4] = {0, 0, 0xFFFFFFFF & ~(1u << 31), 0};
    uint32_t ext[4] = {0, 0, 0xFFFFFFFF, 0xFFFFFFFF};
    uint32_t svm[4] = {1, 16, 0, 0x10010001};

    (void)state;
    cpuid_policy_parent(1, 0, l1);
    assert_true(l1[2] & (1u << 31)); /* hypervisor present */
    assert_false(l1[2] & (1u << 5)); /* no VMX */
    assert_true(l1[2] & (1u << 0));  /* the rest untouched */
    cpuid_policy_parent(0x80000001, 0, ext);
    assert_false(ext[2] & (1u << 2)); /* no SVM */
    assert_int_equal(ext[2] | (1u << 2), 0xFFFFFFFF);
    assert_int_equal(ext[3], 0xFFFFFFFF);
    cpuid_policy_parent(0x8000000A, 0, svm);
    assert_int_equal(svm[0] | svm[1] | svm[2] | svm[3], 0);
}

static void test_other_leaves_untouched(void **state)
{
    uint32_t r[4] = {1, 2, 3, 4};

    (void)state;
    cpuid_policy_parent(7, 0, r);
    assert_int_equal(r[0], 1);
    assert_int_equal(r[3], 4);
}

static void test_icr_fixed_and_nmi_forwarded(void **state)
{
    struct icr_decoded d;

    (void)state;
    d = icr_decode(0x000000fd, 3); /* fixed, vector 0xfd, physical */
    assert_int_equal(d.action, ICR_FORWARD);
    d = icr_decode(0x000c00fb, 0); /* all but self */
    assert_int_equal(d.action, ICR_FORWARD);
    d = icr_decode(0x00000400, 1); /* NMI */
    assert_int_equal(d.action, ICR_FORWARD);
}

static void test_icr_init_startup(void **state)
{
    struct icr_decoded d;

    (void)state;
    d = icr_decode(0x0000c500, 2); /* INIT, level assert (Linux) */
    assert_int_equal(d.action, ICR_INIT);
    assert_int_equal(d.dest, ICR_DEST_ONE);
    assert_int_equal(d.dest_id, 2);
    d = icr_decode(0x00008500, 2); /* INIT de-assert */
    assert_int_equal(d.action, ICR_IGNORE);
    d = icr_decode(0x0000069f, 2); /* STARTUP at 0x9f000 */
    assert_int_equal(d.action, ICR_STARTUP);
    assert_int_equal(d.vector, 0x9f);
    d = icr_decode(0x000c4500, 0); /* INIT to all but self */
    assert_int_equal(d.action, ICR_INIT);
    assert_int_equal(d.dest, ICR_DEST_ALL_BUT_SELF);
}

static void test_icr_refused(void **state)
{
    (void)state;
    assert_int_equal(icr_decode(0x00000200, 1).action, ICR_DROP);          /* SMI */
    assert_int_equal(icr_decode(0x00000d00 | 0x4000, 1).action, ICR_DROP); /* logical INIT */
    assert_int_equal(icr_decode(0x00000e10, 1).action, ICR_DROP);          /* logical STARTUP */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_signature_leaf),
        cmocka_unit_test(test_role_leaf_says_parent),
        cmocka_unit_test(test_reserved_hypervisor_leaves_are_zero),
        cmocka_unit_test(test_virtualization_hidden),
        cmocka_unit_test(test_other_leaves_untouched),
        cmocka_unit_test(test_icr_fixed_and_nmi_forwarded),
        cmocka_unit_test(test_icr_init_startup),
        cmocka_unit_test(test_icr_refused),
    };
    return cmocka_run_group_tests_name("parent_policy", tests, NULL, NULL);
}
