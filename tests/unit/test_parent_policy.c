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

/* ---- a child's CPUID ---------------------------------------------------------------------- */

static const struct cpuid_child_ctx child3 = {.vp_index = 2, .nvps = 3, .xcr0_allowed = 3};

static void test_child_role_and_signature(void **state)
{
    uint32_t r[4] = {0};
    char sig[13] = {0};

    (void)state;
    cpuid_policy_child(0x40000000, 0, &child3, r);
    memcpy(sig, &r[1], 4);
    memcpy(sig + 4, &r[2], 4);
    memcpy(sig + 8, &r[3], 4);
    assert_string_equal(sig, "Microsoft Hv");
    assert_int_equal(r[0], 0x40000005);
    cpuid_policy_child(0x40000001, 0, &child3, r);
    assert_memory_equal(&r[0], "Hv#1", 4);
    /* What Linux 6.1 needs to detect Hyper-V (HYPERCALL and VP_INDEX MSRs),
     * and what it uses: reference counter and TSC page, SynIC, stimers,
     * frequency MSRs; never CpuManagement (EBX bit 12: the root). */
    cpuid_policy_child(0x40000003, 0, &child3, r);
    assert_int_equal(r[0], 0xA6E);
    assert_int_equal(r[1], 0x30);
    assert_int_equal(r[1] & (1u << 12), 0);
    assert_int_equal(r[3], (1u << 8) | (1u << 19));
    cpuid_policy_child(0x40000004, 0, &child3, r);
    assert_int_equal(r[0] & (1u << 9), 1u << 9); /* no auto-EOI needed */
    assert_int_equal(r[0] & 0xF, 0);             /* no TLB-flush or APIC hypercalls */
    cpuid_policy_child(0x40000005, 0, &child3, r);
    assert_int_equal(r[0], 3);
    memset(r, 0xAB, sizeof(r));
    cpuid_policy_child(0x40000042, 0, &child3, r);
    assert_int_equal(r[0] | r[1] | r[2] | r[3], 0);
    memset(r, 0xAB, sizeof(r));
    cpuid_policy_child(0x40000006, 0, &child3, r);
    assert_int_equal(r[0] | r[1] | r[2] | r[3], 0);
}

static void test_child_leaf1(void **state)
{
    /* A host that has everything: every bit set. */
    uint32_t r[4] = {0x00A00F11, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF};
    struct cpuid_child_ctx ctx = child3;

    (void)state;
    cpuid_policy_child(1, 0, &ctx, r);
    assert_int_equal(r[1] >> 24, 2);          /* initial APIC id = VP index */
    assert_int_equal((r[1] >> 16) & 0xFF, 3); /* logical processors */
    assert_true(r[2] & (1u << 31));           /* hypervisor present */
    assert_true(r[2] & (1u << 21));           /* x2APIC */
    assert_true(r[2] & (1u << 24));           /* TSC deadline */
    assert_false(r[2] & (1u << 5));           /* no VMX */
    assert_false(r[2] & (1u << 3));           /* no MONITOR */
    assert_false(r[2] & (1u << 27));          /* OSXSAVE follows the guest's CR4 */
    assert_false(r[2] & (1u << 28));          /* no AVX when XCR0 may not have it */
    assert_false(r[3] & ((1u << 7) | (1u << 12) | (1u << 14))); /* no MCE, MTRR, MCA */
    assert_true(r[3] & (1u << 28));                             /* HTT with more than one VP */
    memset(r, 0xFF, sizeof(r));
    ctx.osxsave = true;
    ctx.xcr0_allowed = 7;
    cpuid_policy_child(1, 0, &ctx, r);
    assert_true(r[2] & (1u << 27));
    assert_true(r[2] & (1u << 28));
}

static void test_child_hidden_features(void **state)
{
    uint32_t r[4];

    (void)state;
    memset(r, 0xFF, sizeof(r));
    cpuid_policy_child(0x80000001, 0, &child3, r);
    assert_false(r[2] & (1u << 2));  /* SVM */
    assert_false(r[3] & (1u << 27)); /* RDTSCP */
    memset(r, 0xFF, sizeof(r));
    cpuid_policy_child(0x8000000A, 0, &child3, r);
    assert_int_equal(r[0] | r[1] | r[2] | r[3], 0);
    memset(r, 0xFF, sizeof(r));
    cpuid_policy_child(0xA, 0, &child3, r); /* no PMU */
    assert_int_equal(r[0] | r[1] | r[2] | r[3], 0);
    memset(r, 0xFF, sizeof(r));
    cpuid_policy_child(7, 0, &child3, r);
    assert_int_equal(r[3], 0);      /* speculation-control MSRs */
    assert_false(r[2] & (1u << 3)); /* PKU */
}

static void test_child_topology_and_xsave(void **state)
{
    uint32_t r[4];

    (void)state;
    memset(r, 0xFF, sizeof(r));
    cpuid_policy_child(0xB, 1, &child3, r);
    assert_int_equal(r[0], 2); /* 2 bits cover 3 VPs */
    assert_int_equal(r[1], 3);
    assert_int_equal(r[3], 2); /* x2APIC id */
    memset(r, 0xFF, sizeof(r));
    cpuid_policy_child(0xD, 0, &child3, r);
    assert_int_equal(r[0], 3);   /* x87 | SSE */
    assert_int_equal(r[2], 576); /* legacy area + header */
    assert_int_equal(r[3], 0);
    memset(r, 0xFF, sizeof(r));
    cpuid_policy_child(0xD, 1, &child3, r);
    assert_int_equal(r[0], 1); /* XSAVEOPT only: no XSAVES without IA32_XSS */
    memset(r, 0xFF, sizeof(r));
    cpuid_policy_child(0xD, 2, &child3, r); /* no AVX state */
    assert_int_equal(r[0] | r[1] | r[2] | r[3], 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_signature_leaf),
        cmocka_unit_test(test_child_role_and_signature),
        cmocka_unit_test(test_child_leaf1),
        cmocka_unit_test(test_child_hidden_features),
        cmocka_unit_test(test_child_topology_and_xsave),
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
