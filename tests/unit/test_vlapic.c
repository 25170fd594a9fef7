/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of hv/vlapic.c, the child partitions' virtual local APIC:
 * register semantics in xAPIC and x2APIC mode, IA32_APIC_BASE, software
 * disable, priorities, IRR/ISR/EOI, ESR, the three timer modes against exact
 * arithmetic, IPI destinations through a fake bus of eight VPs, and hostile
 * register values.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <hv/vlapic.h>

#define NVP      8
#define TSC_HZ   1000000000ull /* 1 tick = 1 ns */
#define TIMER_HZ 100000000ull  /* 1 timer cycle = 10 ticks */

static const uint32_t ids[NVP] = {1, 2, 3, 4, 5, 6, 0x25, 0x40};

static struct vlapic vls[NVP];
static bool present[NVP];
static struct vlapic_bus bus;

struct sent {
    unsigned vp;
    enum vlapic_dm mode;
    uint8_t vector;
};
static struct sent sent[64];
static unsigned nsent;

static bool fake_lookup(void *ctx, unsigned vp, struct vlapic_target *out)
{
    assert_ptr_equal(ctx, &bus);
    assert_true(vp < NVP);
    if (!present[vp])
        return false;
    vlapic_target_info(&vls[vp], out);
    return true;
}

static void fake_deliver(void *ctx, unsigned vp, enum vlapic_dm mode, uint8_t vector)
{
    assert_ptr_equal(ctx, &bus);
    assert_true(vp < NVP);
    assert_true(nsent < 64);
    sent[nsent++] = (struct sent){vp, mode, vector};
    if (mode == VLAPIC_DM_FIXED)
        vlapic_accept(&vls[vp], vector, false);
}

static int setup(void **state)
{
    (void)state;
    bus = (struct vlapic_bus){NVP, fake_lookup, fake_deliver, &bus};
    for (unsigned i = 0; i < NVP; i++) {
        struct vlapic_config cfg = {i, ids[i], i == 0, TSC_HZ, TIMER_HZ, &bus};

        assert_int_equal(vlapic_init(&vls[i], &cfg), 0);
        present[i] = true;
    }
    nsent = 0;
    return 0;
}

static uint32_t rd(unsigned vp, uint32_t off)
{
    return vlapic_mmio_read(&vls[vp], off, 0);
}

static void wr(unsigned vp, uint32_t off, uint32_t val)
{
    vlapic_mmio_write(&vls[vp], off, val, 0);
}

static uint64_t rdmsr(unsigned vp, uint32_t msr)
{
    uint64_t v = 0xDEAD;

    assert_int_equal(vlapic_msr_read(&vls[vp], msr, 0, &v), 0);
    return v;
}

static void wrmsr(unsigned vp, uint32_t msr, uint64_t val)
{
    assert_int_equal(vlapic_msr_write(&vls[vp], msr, val, 0), 0);
}

static int wrmsr_rc(unsigned vp, uint32_t msr, uint64_t val)
{
    return vlapic_msr_write(&vls[vp], msr, val, 0);
}

static int rdmsr_rc(unsigned vp, uint32_t msr)
{
    uint64_t v;

    return vlapic_msr_read(&vls[vp], msr, 0, &v);
}

#define X2(off) (VLAPIC_MSR_X2APIC_BASE + (off) / 16)

static void to_x2apic(unsigned vp)
{
    wrmsr(vp, VLAPIC_MSR_APIC_BASE, 0xFEE00000ull | 3 << 10);
    assert_int_equal(vlapic_mode(&vls[vp]), VLAPIC_X2APIC);
}

static void enable_all(void)
{
    for (unsigned i = 0; i < NVP; i++)
        wr(i, VLAPIC_REG_SVR, 0x1FF);
}

static bool irr_bit(unsigned vp, unsigned v)
{
    return rd(vp, VLAPIC_REG_IRR + (v / 32) * 16) & (1u << (v % 32));
}

static bool isr_bit(unsigned vp, unsigned v)
{
    return rd(vp, VLAPIC_REG_ISR + (v / 32) * 16) & (1u << (v % 32));
}

static uint32_t esr(unsigned vp)
{
    wr(vp, VLAPIC_REG_ESR, 0);
    return rd(vp, VLAPIC_REG_ESR);
}

/* ---- registers ---- */

static void test_bad_config(void **state)
{
    struct vlapic vl;
    struct vlapic_config cfg = {0, 0, true, TSC_HZ, TIMER_HZ, NULL};

    (void)state;
    assert_int_equal(vlapic_init(NULL, &cfg), -1);
    assert_int_equal(vlapic_init(&vl, NULL), -1);
    cfg.tsc_hz = 0;
    assert_int_equal(vlapic_init(&vl, &cfg), -1);
    cfg.tsc_hz = TSC_HZ;
    cfg.timer_hz = 0;
    assert_int_equal(vlapic_init(&vl, &cfg), -1);
}

static void test_power_up_state(void **state)
{
    (void)state;
    assert_int_equal(vlapic_mode(&vls[0]), VLAPIC_XAPIC);
    assert_int_equal(rdmsr(0, VLAPIC_MSR_APIC_BASE), 0xFEE00900ull); /* EN | BSP */
    assert_int_equal(rdmsr(1, VLAPIC_MSR_APIC_BASE), 0xFEE00800ull);
    assert_int_equal(rd(6, VLAPIC_REG_ID), 0x25000000u);
    assert_int_equal(rd(0, VLAPIC_REG_VERSION), 0x50014u);
    assert_int_equal(rd(0, VLAPIC_REG_SVR), 0xFF);
    assert_int_equal(rd(0, VLAPIC_REG_DFR), 0xFFFFFFFFu);
    /* Every LVT masked, but the boot processor's LINT0: virtual wire mode
     * (ExtINT), so that the 8259s reach the BIOS; an AP's is masked. */
    for (uint32_t off = VLAPIC_REG_LVT_TIMER; off <= VLAPIC_REG_LVT_ERROR; off += 16)
        assert_int_equal(rd(0, off), off == VLAPIC_REG_LVT_LINT0 ? 0x700u : 1u << 16);
    assert_int_equal(rd(1, VLAPIC_REG_LVT_LINT0), 1u << 16);
    assert_true(vlapic_accepts_extint(&vls[0]));
    assert_false(vlapic_accepts_extint(&vls[1]));
    assert_int_equal(rd(0, VLAPIC_REG_TPR), 0);
    assert_int_equal(rd(0, VLAPIC_REG_LDR), 0);
    assert_int_equal(vlapic_pending(&vls[0]), -1);
    assert_int_equal(vlapic_next_deadline(&vls[0]), VLAPIC_NO_DEADLINE);
}

/* ExtINT from LINT0 reaches the core with the APIC hardware-disabled, or
 * through LVT0 in ExtINT mode and unmasked; INIT masks it again. */
static void test_extint_acceptance(void **state)
{
    (void)state;
    wr(0, VLAPIC_REG_SVR, 0x1FF);
    wr(0, VLAPIC_REG_LVT_LINT0, 0x10700); /* ExtINT, masked: Linux with an I/O APIC */
    assert_false(vlapic_accepts_extint(&vls[0]));
    wr(0, VLAPIC_REG_LVT_LINT0, 0x00400); /* NMI */
    assert_false(vlapic_accepts_extint(&vls[0]));
    wr(0, VLAPIC_REG_LVT_LINT0, 0x08700); /* ExtINT, level: SeaBIOS's and Linux's PIC mode */
    assert_true(vlapic_accepts_extint(&vls[0]));
    vlapic_reset_init(&vls[0]);
    assert_false(vlapic_accepts_extint(&vls[0]));
    /* Hardware-disabled: the wire goes straight to the processor. */
    assert_false(vlapic_accepts_extint(&vls[1]));
    assert_int_equal(wrmsr_rc(1, VLAPIC_MSR_APIC_BASE, 0xFEE00000ull), 0);
    assert_true(vlapic_accepts_extint(&vls[1]));
}

static void test_xapic_register_semantics(void **state)
{
    (void)state;
    wr(0, VLAPIC_REG_SVR, 0xFFFFFFFF);
    assert_int_equal(rd(0, VLAPIC_REG_SVR), 0x1FF);
    wr(0, VLAPIC_REG_TPR, 0xFFFFFF57);
    assert_int_equal(rd(0, VLAPIC_REG_TPR), 0x57);
    wr(0, VLAPIC_REG_LDR, 0xFFFFFFFF);
    assert_int_equal(rd(0, VLAPIC_REG_LDR), 0xFF000000u);
    wr(0, VLAPIC_REG_DFR, 0);
    assert_int_equal(rd(0, VLAPIC_REG_DFR), 0x0FFFFFFFu);
    wr(0, VLAPIC_REG_ID, 0xFFFFFFFF); /* writable in xAPIC mode */
    assert_int_equal(rd(0, VLAPIC_REG_ID), 0xFF000000u);
    wr(0, VLAPIC_REG_ICR_HIGH, 0xFFFFFFFF);
    assert_int_equal(rd(0, VLAPIC_REG_ICR_HIGH), 0xFF000000u);
    wr(0, VLAPIC_REG_TIMER_DIV, 0xFFFFFFFF);
    assert_int_equal(rd(0, VLAPIC_REG_TIMER_DIV), 0xB);
    wr(0, VLAPIC_REG_LVT_TIMER, 0xFFFFFFFF);
    assert_int_equal(rd(0, VLAPIC_REG_LVT_TIMER), 0x700FF);
    wr(0, VLAPIC_REG_LVT_THERMAL, 0xFFFFFFFF);
    assert_int_equal(rd(0, VLAPIC_REG_LVT_THERMAL), 0x107FF);
    wr(0, VLAPIC_REG_LVT_PERF, 0xFFFFFFFF);
    assert_int_equal(rd(0, VLAPIC_REG_LVT_PERF), 0x107FF);
    wr(0, VLAPIC_REG_LVT_LINT0, 0xFFFFFFFF);
    assert_int_equal(rd(0, VLAPIC_REG_LVT_LINT0), 0x1A7FF);
    wr(0, VLAPIC_REG_LVT_LINT1, 0xFFFFFFFF);
    assert_int_equal(rd(0, VLAPIC_REG_LVT_LINT1), 0x1A7FF);
    wr(0, VLAPIC_REG_LVT_ERROR, 0x100FF);
    assert_int_equal(rd(0, VLAPIC_REG_LVT_ERROR), 0x100FF);

    /* Read-only registers ignore writes, without an error. */
    esr(0);
    wr(0, VLAPIC_REG_VERSION, 0);
    wr(0, VLAPIC_REG_PPR, 0xFF);
    wr(0, VLAPIC_REG_IRR, 0xFFFFFFFF);
    wr(0, VLAPIC_REG_ISR + 0x70, 0xFFFFFFFF);
    wr(0, VLAPIC_REG_TIMER_CUR, 1234);
    wr(0, VLAPIC_REG_APR, 0xFF);
    assert_int_equal(rd(0, VLAPIC_REG_VERSION), 0x50014u);
    assert_int_equal(rd(0, VLAPIC_REG_PPR), 0x57);
    assert_int_equal(rd(0, VLAPIC_REG_IRR), 0);
    assert_int_equal(rd(0, VLAPIC_REG_ISR + 0x70), 0);
    assert_int_equal(rd(0, VLAPIC_REG_TIMER_CUR), 0);
    assert_int_equal(rd(0, VLAPIC_REG_APR), 0);
    assert_int_equal(rd(0, VLAPIC_REG_EOI), 0);
    assert_int_equal(esr(0), 0);

    /* Reserved registers: read 0, writes ignored, ESR "illegal register". */
    const uint32_t reserved[] = {0x000, 0x010, 0x040, 0x0C0, 0x2F0, 0x3A0, 0x3F0, 0xFF0};

    for (unsigned i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
        wr(0, reserved[i], 0xFFFFFFFF);
        assert_int_equal(rd(0, reserved[i]), 0);
        assert_int_equal(esr(0), VLAPIC_ESR_ILLEGAL_REG);
        assert_int_equal(esr(0), 0);
    }
    /* Bytes 4-15 of a slot and offsets past the page: inert. */
    wr(0, VLAPIC_REG_TPR + 4, 0x10);
    assert_int_equal(rd(0, VLAPIC_REG_TPR + 4), 0);
    assert_int_equal(rd(0, VLAPIC_REG_TPR), 0x57);
    wr(0, 0x1000, 1);
    assert_int_equal(rd(0, 0xFFFFFFF0u), 0);
    /* ICR: delivery status (bit 12) always idle, reserved bits dropped. */
    wr(0, VLAPIC_REG_ICR_HIGH, 0x7F000000); /* nobody */
    wr(0, VLAPIC_REG_ICR, 0xFFFFFFFF);
    assert_int_equal(rd(0, VLAPIC_REG_ICR), 0x000CCFFFu);
    /* x2APIC MSRs fault in xAPIC mode. */
    assert_int_equal(rdmsr_rc(0, X2(VLAPIC_REG_TPR)), VLAPIC_GP);
    assert_int_equal(wrmsr_rc(0, X2(VLAPIC_REG_TPR), 0), VLAPIC_GP);
}

static void test_x2apic_register_semantics(void **state)
{
    (void)state;
    to_x2apic(6);
    assert_int_equal(rdmsr(6, X2(VLAPIC_REG_ID)), 0x25);
    assert_int_equal(rdmsr(6, X2(VLAPIC_REG_LDR)), 0x20020u); /* cluster 2, bit 5 */
    assert_int_equal(rdmsr(6, X2(VLAPIC_REG_VERSION)), 0x50014u);
    wrmsr(6, X2(VLAPIC_REG_SVR), 0x1FF);
    wrmsr(6, X2(VLAPIC_REG_TPR), 0x30);
    assert_int_equal(rdmsr(6, X2(VLAPIC_REG_TPR)), 0x30);
    assert_int_equal(rdmsr(6, X2(VLAPIC_REG_PPR)), 0x30);
    wrmsr(6, X2(VLAPIC_REG_TIMER_DIV), 0xFFFFFFFF);
    assert_int_equal(rdmsr(6, X2(VLAPIC_REG_TIMER_DIV)), 0xB);

    /* Read-only and absent registers fault. */
    const uint32_t ro[] = {VLAPIC_REG_ID,         VLAPIC_REG_VERSION,  VLAPIC_REG_PPR,
                           VLAPIC_REG_LDR,        VLAPIC_REG_ISR,      VLAPIC_REG_TMR + 0x30,
                           VLAPIC_REG_IRR + 0x70, VLAPIC_REG_TIMER_CUR};
    for (unsigned i = 0; i < sizeof(ro) / sizeof(ro[0]); i++) {
        uint64_t before = rdmsr(6, X2(ro[i]));

        assert_int_equal(wrmsr_rc(6, X2(ro[i]), 0), VLAPIC_GP);
        assert_int_equal(rdmsr(6, X2(ro[i])), before);
    }
    const uint32_t absent[] = {
        VLAPIC_REG_APR, VLAPIC_REG_DFR, VLAPIC_REG_ICR_HIGH, 0x000, 0x0C0, 0x2F0, 0x3A0, 0xFF0};
    for (unsigned i = 0; i < sizeof(absent) / sizeof(absent[0]); i++) {
        assert_int_equal(rdmsr_rc(6, X2(absent[i])), VLAPIC_GP);
        assert_int_equal(wrmsr_rc(6, X2(absent[i]), 0), VLAPIC_GP);
    }
    /* Write-only registers fault on read. */
    assert_int_equal(rdmsr_rc(6, X2(VLAPIC_REG_EOI)), VLAPIC_GP);
    assert_int_equal(rdmsr_rc(6, X2(VLAPIC_REG_SELF_IPI)), VLAPIC_GP);
    /* Non-zero EOI and ESR writes, bits 63:32, reserved SELF IPI and ICR bits. */
    assert_int_equal(wrmsr_rc(6, X2(VLAPIC_REG_EOI), 1), VLAPIC_GP);
    assert_int_equal(wrmsr_rc(6, X2(VLAPIC_REG_EOI), 0), 0);
    assert_int_equal(wrmsr_rc(6, X2(VLAPIC_REG_ESR), 1), VLAPIC_GP);
    assert_int_equal(wrmsr_rc(6, X2(VLAPIC_REG_ESR), 0), 0);
    assert_int_equal(wrmsr_rc(6, X2(VLAPIC_REG_TPR), 1ull << 32), VLAPIC_GP);
    assert_int_equal(rdmsr(6, X2(VLAPIC_REG_TPR)), 0x30);
    assert_int_equal(wrmsr_rc(6, X2(VLAPIC_REG_SELF_IPI), 0x100), VLAPIC_GP);
    assert_int_equal(wrmsr_rc(6, X2(VLAPIC_REG_ICR), 1u << 12 | 0x40), VLAPIC_GP);
    assert_int_equal(wrmsr_rc(6, X2(VLAPIC_REG_ICR), 1u << 13 | 0x40), VLAPIC_GP);
    assert_int_equal(nsent, 0);
    /* MSRs outside the x2APIC range fault. */
    assert_int_equal(rdmsr_rc(6, 0x900), VLAPIC_GP);
    assert_int_equal(wrmsr_rc(6, 0x7FF, 0), VLAPIC_GP);
    /* The xAPIC page is inert in x2APIC mode. */
    assert_int_equal(vlapic_mmio_read(&vls[6], VLAPIC_REG_TPR, 0), 0);
    vlapic_mmio_write(&vls[6], VLAPIC_REG_TPR, 0x80, 0);
    assert_int_equal(rdmsr(6, X2(VLAPIC_REG_TPR)), 0x30);
    /* ICR is one 64-bit register, destination in bits 63:32. */
    wrmsr(6, X2(VLAPIC_REG_ICR), 0x99ull << 32 | 0x40); /* nobody */
    assert_int_equal(rdmsr(6, X2(VLAPIC_REG_ICR)), 0x99ull << 32 | 0x40);
}

static void test_apic_base_transitions(void **state)
{
    const uint64_t base = 0xFEE00000ull, en = 1 << 11, extd = 1 << 10;

    (void)state;
    /* Reserved bits and EN=0/EXTD=1 fault. */
    assert_int_equal(wrmsr_rc(1, VLAPIC_MSR_APIC_BASE, base | en | 1), VLAPIC_GP);
    assert_int_equal(wrmsr_rc(1, VLAPIC_MSR_APIC_BASE, base | en | 1 << 9), VLAPIC_GP);
    assert_int_equal(wrmsr_rc(1, VLAPIC_MSR_APIC_BASE, 1ull << 60 | en), VLAPIC_GP);
    assert_int_equal(wrmsr_rc(1, VLAPIC_MSR_APIC_BASE, base | extd), VLAPIC_GP);
    /* BSP is read-only. */
    wrmsr(1, VLAPIC_MSR_APIC_BASE, base | en | 1 << 8);
    assert_int_equal(rdmsr(1, VLAPIC_MSR_APIC_BASE), base | en);
    /* x2APIC -> xAPIC faults; x2APIC -> disabled -> xAPIC resets. */
    wr(1, VLAPIC_REG_SVR, 0x1FF);
    wr(1, VLAPIC_REG_TPR, 0x20);
    to_x2apic(1);
    assert_int_equal(rdmsr(1, X2(VLAPIC_REG_TPR)), 0x20); /* same state */
    assert_int_equal(wrmsr_rc(1, VLAPIC_MSR_APIC_BASE, base | en), VLAPIC_GP);
    assert_int_equal(vlapic_mode(&vls[1]), VLAPIC_X2APIC);
    wrmsr(1, VLAPIC_MSR_APIC_BASE, base);
    assert_int_equal(vlapic_mode(&vls[1]), VLAPIC_DISABLED);
    assert_false(vlapic_accept(&vls[1], 0x40, false));
    assert_int_equal(rdmsr_rc(1, X2(VLAPIC_REG_TPR)), VLAPIC_GP);
    /* disabled -> x2APIC faults. */
    assert_int_equal(wrmsr_rc(1, VLAPIC_MSR_APIC_BASE, base | en | extd), VLAPIC_GP);
    wrmsr(1, VLAPIC_MSR_APIC_BASE, base | en);
    assert_int_equal(rd(1, VLAPIC_REG_TPR), 0);
    assert_int_equal(rd(1, VLAPIC_REG_SVR), 0xFF);
    assert_int_equal(rd(1, VLAPIC_REG_ID), 2u << 24);
    /* The xAPIC ID changed by the guest comes back on a disable. */
    wr(1, VLAPIC_REG_ID, 0x77000000);
    wrmsr(1, VLAPIC_MSR_APIC_BASE, base);
    wrmsr(1, VLAPIC_MSR_APIC_BASE, base | en);
    assert_int_equal(rd(1, VLAPIC_REG_ID), 2u << 24);
}

static void test_software_disable(void **state)
{
    (void)state;
    wr(0, VLAPIC_REG_SVR, 0x1FF);
    wr(0, VLAPIC_REG_LVT_TIMER, 0x40);
    wr(0, VLAPIC_REG_LVT_LINT0, 0x700);
    assert_int_equal(rd(0, VLAPIC_REG_LVT_TIMER), 0x40);
    assert_true(vlapic_accept(&vls[0], 0x50, false));
    /* Disabling forces every LVT mask and refuses fixed interrupts... */
    wr(0, VLAPIC_REG_SVR, 0xFF);
    for (uint32_t off = VLAPIC_REG_LVT_TIMER; off <= VLAPIC_REG_LVT_ERROR; off += 16)
        assert_true(rd(0, off) & 1u << 16);
    assert_int_equal(rd(0, VLAPIC_REG_LVT_TIMER), 0x10040);
    assert_false(vlapic_accept(&vls[0], 0x60, false));
    assert_false(irr_bit(0, 0x60));
    /* ...while what was already pending is held and can still be taken. */
    assert_int_equal(vlapic_pending(&vls[0]), 0x50);
    /* Masks cannot be cleared while disabled. */
    wr(0, VLAPIC_REG_LVT_TIMER, 0x41);
    assert_int_equal(rd(0, VLAPIC_REG_LVT_TIMER), 0x10041);
    /* Re-enabling keeps the masks until software clears them. */
    wr(0, VLAPIC_REG_SVR, 0x1FF);
    assert_int_equal(rd(0, VLAPIC_REG_LVT_TIMER), 0x10041);
    wr(0, VLAPIC_REG_LVT_TIMER, 0x41);
    assert_int_equal(rd(0, VLAPIC_REG_LVT_TIMER), 0x41);
    assert_true(vlapic_accept(&vls[0], 0x60, false));
}

/* ---- priorities, IRR, ISR, EOI ---- */

static void test_tpr_ppr_masking(void **state)
{
    (void)state;
    enable_all();
    wr(0, VLAPIC_REG_TPR, 0x45);
    assert_int_equal(rd(0, VLAPIC_REG_PPR), 0x45);
    vlapic_accept(&vls[0], 0x4F, false); /* same class as TPR: blocked */
    assert_int_equal(vlapic_pending(&vls[0]), -1);
    assert_int_equal(vlapic_ack(&vls[0]), -1);
    assert_true(irr_bit(0, 0x4F));
    vlapic_accept(&vls[0], 0x50, false);
    assert_int_equal(vlapic_pending(&vls[0]), 0x50);
    assert_int_equal(vlapic_ack(&vls[0]), 0x50);
    /* ISR class above TPR: PPR is the ISR class, low bits 0. */
    assert_int_equal(rd(0, VLAPIC_REG_PPR), 0x50);
    wr(0, VLAPIC_REG_TPR, 0x62);
    assert_int_equal(rd(0, VLAPIC_REG_PPR), 0x62);
    wr(0, VLAPIC_REG_TPR, 0x52); /* same class: TPR wins, low bits included */
    assert_int_equal(rd(0, VLAPIC_REG_PPR), 0x52);
    wr(0, VLAPIC_REG_TPR, 0);
    assert_int_equal(rd(0, VLAPIC_REG_PPR), 0x50);
    vlapic_accept(&vls[0], 0x5F, false); /* same class as in service */
    assert_int_equal(vlapic_pending(&vls[0]), -1);
    wr(0, VLAPIC_REG_EOI, 0);
    assert_int_equal(rd(0, VLAPIC_REG_PPR), 0);
    assert_int_equal(vlapic_pending(&vls[0]), 0x5F);
    /* TPR 0xF0 blocks everything; 0xEF lets class 15 through. */
    wr(0, VLAPIC_REG_TPR, 0xF0);
    vlapic_accept(&vls[0], 0xFF, false);
    assert_int_equal(vlapic_pending(&vls[0]), -1);
    wr(0, VLAPIC_REG_TPR, 0xEF);
    assert_int_equal(vlapic_pending(&vls[0]), 0xFF);
}

/* The CPU took the vector offered before the guest ran, though a higher
 * one arrived meanwhile: that vector goes to ISR, the new one stays. */
static void test_ack_of_the_vector_taken(void **state)
{
    (void)state;
    enable_all();
    vlapic_accept(&vls[0], 0x40, false);
    assert_int_equal(vlapic_pending(&vls[0]), 0x40);
    vlapic_accept(&vls[0], 0x90, false);
    vlapic_ack_vector(&vls[0], 0x40);
    assert_true(isr_bit(0, 0x40));
    assert_false(irr_bit(0, 0x40));
    assert_false(isr_bit(0, 0x90));
    assert_true(irr_bit(0, 0x90));
    assert_int_equal(vlapic_pending(&vls[0]), 0x90); /* above 0x40 in service */
    wr(0, VLAPIC_REG_EOI, 0);
    assert_false(isr_bit(0, 0x40));
}

static void test_isr_nesting_and_eoi_order(void **state)
{
    (void)state;
    enable_all();
    vlapic_accept(&vls[0], 0x30, false);
    assert_int_equal(vlapic_ack(&vls[0]), 0x30);
    vlapic_accept(&vls[0], 0x80, false);
    assert_int_equal(vlapic_ack(&vls[0]), 0x80); /* preempts 0x30 */
    vlapic_accept(&vls[0], 0x60, false);
    assert_int_equal(vlapic_pending(&vls[0]), -1); /* below 0x80 in service */
    vlapic_accept(&vls[0], 0x90, false);
    assert_int_equal(vlapic_ack(&vls[0]), 0x90);
    assert_true(isr_bit(0, 0x30) && isr_bit(0, 0x80) && isr_bit(0, 0x90));
    /* EOI retires the highest in service first. */
    wr(0, VLAPIC_REG_EOI, 0);
    assert_false(isr_bit(0, 0x90));
    assert_true(isr_bit(0, 0x80));
    assert_int_equal(vlapic_pending(&vls[0]), -1);
    wr(0, VLAPIC_REG_EOI, 0);
    assert_false(isr_bit(0, 0x80));
    assert_int_equal(vlapic_ack(&vls[0]), 0x60); /* above 0x30 in service */
    wr(0, VLAPIC_REG_EOI, 0);
    assert_true(isr_bit(0, 0x30));
    assert_false(isr_bit(0, 0x60));
    wr(0, VLAPIC_REG_EOI, 0);
    assert_false(isr_bit(0, 0x30));
    wr(0, VLAPIC_REG_EOI, 0); /* nothing in service: harmless */
    assert_int_equal(rd(0, VLAPIC_REG_PPR), 0);
    assert_int_equal(vlapic_pending(&vls[0]), -1);
}

static void test_all_vectors_bitmaps(void **state)
{
    (void)state;
    enable_all();
    for (unsigned v = 16; v < 256; v++) {
        assert_true(vlapic_accept(&vls[0], v, v & 1));
        assert_true(irr_bit(0, v));
        assert_int_equal(!!(rd(0, VLAPIC_REG_TMR + (v / 32) * 16) & 1u << (v % 32)), v & 1);
    }
    for (unsigned i = 0; i < 8; i++)
        assert_int_equal(rd(0, VLAPIC_REG_IRR + i * 16), i ? 0xFFFFFFFFu : 0xFFFF0000u);
    /* Taken highest first, one per class as the ISR blocks the rest of it;
     * an EOI after each lets the next through. */
    for (int v = 255; v >= 16; v--) {
        assert_int_equal(vlapic_ack(&vls[0]), v);
        assert_false(irr_bit(0, v));
        assert_true(isr_bit(0, v));
        assert_int_equal(rd(0, VLAPIC_REG_PPR), v & 0xF0);
        wr(0, VLAPIC_REG_EOI, 0);
        assert_false(isr_bit(0, v));
    }
    assert_int_equal(vlapic_ack(&vls[0]), -1);
    /* The same through the x2APIC MSRs. */
    to_x2apic(0);
    vlapic_accept(&vls[0], 0xE7, false);
    assert_int_equal(rdmsr(0, X2(VLAPIC_REG_IRR + 0x70)), 1u << 7);
    vlapic_ack(&vls[0]);
    assert_int_equal(rdmsr(0, X2(VLAPIC_REG_ISR + 0x70)), 1u << 7);
    assert_int_equal(rdmsr(0, X2(VLAPIC_REG_IRR + 0x70)), 0);
}

static void test_illegal_vectors_and_esr(void **state)
{
    (void)state;
    enable_all();
    for (unsigned v = 0; v < 16; v++) {
        assert_false(vlapic_accept(&vls[0], v, false));
        assert_false(irr_bit(0, v));
    }
    /* Errors show only after an ESR write latches them. */
    assert_int_equal(rd(0, VLAPIC_REG_ESR), 0);
    wr(0, VLAPIC_REG_ESR, 0);
    assert_int_equal(rd(0, VLAPIC_REG_ESR), VLAPIC_ESR_RECV_ILLEGAL);
    assert_int_equal(esr(0), 0);
    /* Sending vector < 16 logs "send illegal" at the sender, sends nothing. */
    wr(0, VLAPIC_REG_ICR_HIGH, 2u << 24);
    wr(0, VLAPIC_REG_ICR, 0x05);
    assert_int_equal(nsent, 0);
    assert_int_equal(esr(0), VLAPIC_ESR_SEND_ILLEGAL);
    assert_int_equal(esr(1), 0);
    /* The LVT error entry turns an error into an interrupt. */
    wr(0, VLAPIC_REG_LVT_ERROR, 0xEE);
    vlapic_accept(&vls[0], 3, false);
    assert_int_equal(vlapic_pending(&vls[0]), 0xEE);
    assert_int_equal(esr(0), VLAPIC_ESR_RECV_ILLEGAL);
    /* An illegal error vector only logs, no loop. */
    wr(0, VLAPIC_REG_LVT_ERROR, 0x02);
    wr(0, VLAPIC_REG_ICR, 0x05); /* send error; the error vector 2 is received illegally */
    assert_int_equal(esr(0), VLAPIC_ESR_SEND_ILLEGAL | VLAPIC_ESR_RECV_ILLEGAL);
    assert_false(irr_bit(0, 2));
    /* A timer with an illegal vector logs instead of firing. */
    wr(0, VLAPIC_REG_LVT_ERROR, 1u << 16);
    wr(0, VLAPIC_REG_LVT_TIMER, 0x07);
    wr(0, VLAPIC_REG_TIMER_INIT, 1);
    vlapic_tick(&vls[0], 1000);
    assert_false(irr_bit(0, 7));
    assert_int_equal(esr(0), VLAPIC_ESR_RECV_ILLEGAL);
}

/* ---- timer ---- */

static const uint32_t div_codes[8] = {0xB, 0x0, 0x1, 0x2, 0x3, 0x8, 0x9, 0xA};
static const uint64_t div_values[8] = {1, 2, 4, 8, 16, 32, 64, 128};

static void test_oneshot_each_divide(void **state)
{
    struct vlapic *vl = &vls[0];

    (void)state;
    enable_all();
    for (unsigned i = 0; i < 8; i++) {
        const uint64_t start = 1000 + i * 10000000ull, count = 1000;
        const uint64_t len = count * div_values[i] * 10; /* in TSC ticks */

        vlapic_mmio_write(vl, VLAPIC_REG_TIMER_DIV, div_codes[i], start);
        vlapic_mmio_write(vl, VLAPIC_REG_LVT_TIMER, 0x40, start);
        vlapic_mmio_write(vl, VLAPIC_REG_TIMER_INIT, count, start);
        assert_int_equal(vlapic_mmio_read(vl, VLAPIC_REG_TIMER_INIT, start), count);
        assert_int_equal(vlapic_next_deadline(vl), start + len);
        assert_int_equal(vlapic_mmio_read(vl, VLAPIC_REG_TIMER_CUR, start), count);
        assert_int_equal(vlapic_mmio_read(vl, VLAPIC_REG_TIMER_CUR, start + len / 4), 750);
        assert_int_equal(vlapic_mmio_read(vl, VLAPIC_REG_TIMER_CUR, start + len / 2), 500);
        /* One timer cycle before the end the count is still 1 only at div 1. */
        assert_int_equal(vlapic_mmio_read(vl, VLAPIC_REG_TIMER_CUR, start + len - 1), 1);
        vlapic_tick(vl, start + len - 1);
        assert_false(irr_bit(0, 0x40));
        vlapic_tick(vl, start + len);
        assert_true(irr_bit(0, 0x40));
        assert_int_equal(vlapic_mmio_read(vl, VLAPIC_REG_TIMER_CUR, start + len), 0);
        assert_int_equal(vlapic_next_deadline(vl), VLAPIC_NO_DEADLINE);
        /* Once: taking it and waiting longer brings nothing new. */
        assert_int_equal(vlapic_ack(vl), 0x40);
        wr(0, VLAPIC_REG_EOI, 0);
        vlapic_tick(vl, start + 10 * len);
        assert_false(irr_bit(0, 0x40));
        assert_int_equal(vlapic_mmio_read(vl, VLAPIC_REG_TIMER_INIT, start), count);
    }
}

static void test_oneshot_stop_and_divide_change(void **state)
{
    struct vlapic *vl = &vls[0];

    (void)state;
    enable_all();
    vlapic_mmio_write(vl, VLAPIC_REG_TIMER_DIV, 0xB, 0); /* 1 */
    vlapic_mmio_write(vl, VLAPIC_REG_LVT_TIMER, 0x40, 0);
    vlapic_mmio_write(vl, VLAPIC_REG_TIMER_INIT, 1000, 0);
    /* Writing 0 stops it. */
    vlapic_mmio_write(vl, VLAPIC_REG_TIMER_INIT, 0, 5000);
    assert_int_equal(vlapic_next_deadline(vl), VLAPIC_NO_DEADLINE);
    vlapic_tick(vl, 100000);
    assert_false(irr_bit(0, 0x40));
    /* Changing the divider half-way: the rest goes at the new rate. */
    vlapic_mmio_write(vl, VLAPIC_REG_TIMER_INIT, 1000, 100000);
    vlapic_mmio_write(vl, VLAPIC_REG_TIMER_DIV, 0x0, 105000); /* 500 left, now /2 */
    assert_int_equal(vlapic_mmio_read(vl, VLAPIC_REG_TIMER_CUR, 105000), 500);
    assert_int_equal(vlapic_next_deadline(vl), 105000 + 500 * 2 * 10);
    assert_int_equal(vlapic_mmio_read(vl, VLAPIC_REG_TIMER_CUR, 110000), 250);
    /* A new initial count restarts it. */
    vlapic_mmio_write(vl, VLAPIC_REG_TIMER_INIT, 10, 110000);
    assert_int_equal(vlapic_next_deadline(vl), 110000 + 10 * 2 * 10);
}

/* The exact TSC at which the @k-th period from @start_cyc ends. */
static uint64_t ref_deadline(uint64_t start_cyc, uint64_t k, uint64_t period_cyc, uint64_t tsc_hz,
                             uint64_t timer_hz)
{
    unsigned __int128 n = (unsigned __int128)(start_cyc + k * period_cyc) * tsc_hz;

    return (uint64_t)((n + timer_hz - 1) / timer_hz);
}

static void test_periodic_no_drift(void **state)
{
    /* A ratio that is not an integer: 2.9 GHz TSC, 199.999 MHz timer. */
    const uint64_t tsc_hz = 2900000007ull, timer_hz = 199999999ull;
    struct vlapic_config cfg = {0, 0, true, tsc_hz, timer_hz, NULL};
    struct vlapic vl;
    uint64_t start = 123456789, start_cyc, d;

    (void)state;
    assert_int_equal(vlapic_init(&vl, &cfg), 0);
    vlapic_mmio_write(&vl, VLAPIC_REG_SVR, 0x1FF, start);
    vlapic_mmio_write(&vl, VLAPIC_REG_TIMER_DIV, 0x1, start); /* 4 */
    vlapic_mmio_write(&vl, VLAPIC_REG_LVT_TIMER, 1u << 17 | 0x40, start);
    vlapic_mmio_write(&vl, VLAPIC_REG_TIMER_INIT, 33333, start);
    start_cyc = (uint64_t)((unsigned __int128)start * timer_hz / tsc_hz);
    for (uint64_t k = 1; k <= 1000; k++) {
        d = vlapic_next_deadline(&vl);
        assert_int_equal(d, ref_deadline(start_cyc, k, 33333 * 4, tsc_hz, timer_hz));
        vlapic_tick(&vl, d - 1);
        assert_int_equal(vlapic_pending(&vl), -1);
        vlapic_tick(&vl, d);
        assert_int_equal(vlapic_ack(&vl), 0x40);
        vlapic_mmio_write(&vl, VLAPIC_REG_EOI, 0, d);
        /* The count reloads. */
        assert_int_equal(vlapic_mmio_read(&vl, VLAPIC_REG_TIMER_CUR, d), 33333);
    }
    /* Late ticks do not shift the phase either. */
    d = vlapic_next_deadline(&vl);
    vlapic_tick(&vl, d + 5000);
    assert_int_equal(vlapic_ack(&vl), 0x40);
    assert_int_equal(vlapic_next_deadline(&vl),
                     ref_deadline(start_cyc, 1002, 33333 * 4, tsc_hz, timer_hz));
}

static void test_periodic_catch_up(void **state)
{
    struct vlapic *vl = &vls[0];
    const uint64_t period = 100000 * 10; /* count 100000 at div 1, in ticks */
    uint64_t late;

    (void)state;
    enable_all();
    vlapic_mmio_write(vl, VLAPIC_REG_TIMER_DIV, 0xB, 0);
    vlapic_mmio_write(vl, VLAPIC_REG_LVT_TIMER, 1u << 17 | 0x41, 0);
    vlapic_mmio_write(vl, VLAPIC_REG_TIMER_INIT, 100000, 0);
    assert_int_equal(vlapic_next_deadline(vl), period);
    /* A million periods pass unseen: one interrupt, next deadline in phase. */
    late = 1000000 * period + period / 3;
    vlapic_tick(vl, late);
    assert_int_equal(vlapic_ack(vl), 0x41);
    wr(0, VLAPIC_REG_EOI, 0);
    assert_int_equal(vlapic_pending(vl), -1);
    assert_int_equal(vlapic_next_deadline(vl), 1000001 * period);
    assert_int_equal(vlapic_mmio_read(vl, VLAPIC_REG_TIMER_CUR, late), 100000 - 100000 / 3);
    /* Time near the end of the 64-bit range: no hang, no overflow. */
    vlapic_tick(vl, UINT64_MAX - 5);
    assert_int_equal(vlapic_ack(vl), 0x41);
    assert_true(vlapic_next_deadline(vl) > UINT64_MAX - 5 - period);
}

static void test_periodic_minimum_period(void **state)
{
    struct vlapic *vl = &vls[0];
    const uint64_t min_ticks = VLAPIC_MIN_PERIOD_US * 1000;

    (void)state;
    enable_all();
    vlapic_mmio_write(vl, VLAPIC_REG_TIMER_DIV, 0xB, 0);
    vlapic_mmio_write(vl, VLAPIC_REG_LVT_TIMER, 1u << 17 | 0x41, 0);
    vlapic_mmio_write(vl, VLAPIC_REG_TIMER_INIT, 1, 0);
    assert_int_equal(vlapic_next_deadline(vl), min_ticks);
    vlapic_tick(vl, min_ticks);
    assert_int_equal(vlapic_next_deadline(vl), 2 * min_ticks);
    /* One-shot is not clamped: it fires once. */
    vlapic_mmio_write(vl, VLAPIC_REG_LVT_TIMER, 0x41, 0);
    vlapic_mmio_write(vl, VLAPIC_REG_TIMER_INIT, 1, 0);
    assert_int_equal(vlapic_next_deadline(vl), 10);
}

static void test_periodic_to_oneshot(void **state)
{
    struct vlapic *vl = &vls[0];

    (void)state;
    enable_all();
    vlapic_mmio_write(vl, VLAPIC_REG_TIMER_DIV, 0xB, 0);
    vlapic_mmio_write(vl, VLAPIC_REG_LVT_TIMER, 1u << 17 | 0x41, 0);
    vlapic_mmio_write(vl, VLAPIC_REG_TIMER_INIT, 100000, 0);
    /* Switching to one-shot keeps the running count, then stops. */
    vlapic_mmio_write(vl, VLAPIC_REG_LVT_TIMER, 0x41, 500000);
    assert_int_equal(vlapic_next_deadline(vl), 1000000);
    vlapic_tick(vl, 1000000);
    assert_int_equal(vlapic_ack(vl), 0x41);
    assert_int_equal(vlapic_next_deadline(vl), VLAPIC_NO_DEADLINE);
}

static void test_tsc_deadline(void **state)
{
    struct vlapic *vl = &vls[0];
    uint64_t v;

    (void)state;
    enable_all();
    /* Ignored outside TSC-deadline mode. */
    assert_int_equal(vlapic_msr_write(vl, VLAPIC_MSR_TSC_DEADLINE, 5000, 0), 0);
    assert_int_equal(vlapic_msr_read(vl, VLAPIC_MSR_TSC_DEADLINE, 0, &v), 0);
    assert_int_equal(v, 0);
    assert_int_equal(vlapic_next_deadline(vl), VLAPIC_NO_DEADLINE);

    vlapic_mmio_write(vl, VLAPIC_REG_LVT_TIMER, 2u << 17 | 0x42, 0);
    vlapic_msr_write(vl, VLAPIC_MSR_TSC_DEADLINE, 5000, 0);
    vlapic_msr_read(vl, VLAPIC_MSR_TSC_DEADLINE, 100, &v);
    assert_int_equal(v, 5000);
    assert_int_equal(vlapic_next_deadline(vl), 5000);
    /* The counter registers do nothing in this mode. */
    vlapic_mmio_write(vl, VLAPIC_REG_TIMER_INIT, 7, 100);
    assert_int_equal(vlapic_mmio_read(vl, VLAPIC_REG_TIMER_INIT, 100), 0);
    assert_int_equal(vlapic_mmio_read(vl, VLAPIC_REG_TIMER_CUR, 100), 0);
    vlapic_tick(vl, 4999);
    assert_false(irr_bit(0, 0x42));
    vlapic_tick(vl, 5000);
    assert_true(irr_bit(0, 0x42));
    vlapic_msr_read(vl, VLAPIC_MSR_TSC_DEADLINE, 5000, &v);
    assert_int_equal(v, 0); /* disarmed by firing */
    assert_int_equal(vlapic_next_deadline(vl), VLAPIC_NO_DEADLINE);
    vlapic_ack(vl);
    wr(0, VLAPIC_REG_EOI, 0);
    /* Re-arm; disarm with 0. */
    vlapic_msr_write(vl, VLAPIC_MSR_TSC_DEADLINE, 9000, 6000);
    assert_int_equal(vlapic_next_deadline(vl), 9000);
    vlapic_msr_write(vl, VLAPIC_MSR_TSC_DEADLINE, 0, 7000);
    assert_int_equal(vlapic_next_deadline(vl), VLAPIC_NO_DEADLINE);
    vlapic_tick(vl, 100000);
    assert_false(irr_bit(0, 0x42));
    /* A deadline already past fires at once. */
    vlapic_msr_write(vl, VLAPIC_MSR_TSC_DEADLINE, 50, 100000);
    assert_true(irr_bit(0, 0x42));
    vlapic_ack(vl);
    wr(0, VLAPIC_REG_EOI, 0);
    /* Leaving the mode disarms... */
    vlapic_msr_write(vl, VLAPIC_MSR_TSC_DEADLINE, 200000, 100000);
    vlapic_mmio_write(vl, VLAPIC_REG_LVT_TIMER, 0x42, 100000);
    vlapic_mmio_write(vl, VLAPIC_REG_LVT_TIMER, 2u << 17 | 0x42, 100000);
    vlapic_msr_read(vl, VLAPIC_MSR_TSC_DEADLINE, 100000, &v);
    assert_int_equal(v, 0);
    vlapic_tick(vl, 300000);
    assert_false(irr_bit(0, 0x42));
    /* ...and so does entering it from a running count. */
    vlapic_mmio_write(vl, VLAPIC_REG_LVT_TIMER, 0x42, 300000);
    vlapic_mmio_write(vl, VLAPIC_REG_TIMER_INIT, 10, 300000);
    vlapic_mmio_write(vl, VLAPIC_REG_LVT_TIMER, 2u << 17 | 0x42, 300000);
    assert_int_equal(vlapic_mmio_read(vl, VLAPIC_REG_TIMER_INIT, 300000), 0);
    vlapic_mmio_write(vl, VLAPIC_REG_LVT_TIMER, 0x42, 300000);
    assert_int_equal(vlapic_next_deadline(vl), VLAPIC_NO_DEADLINE);
    vlapic_tick(vl, 400000);
    assert_false(irr_bit(0, 0x42));
}

static void test_masked_timer_runs(void **state)
{
    struct vlapic *vl = &vls[0];
    uint64_t v;

    (void)state;
    enable_all();
    /* Masked one-shot: counts down, expires, no interrupt, not even later
     * when unmasked. */
    vlapic_mmio_write(vl, VLAPIC_REG_TIMER_DIV, 0xB, 0);
    vlapic_mmio_write(vl, VLAPIC_REG_LVT_TIMER, 1u << 16 | 0x43, 0);
    vlapic_mmio_write(vl, VLAPIC_REG_TIMER_INIT, 1000, 0);
    assert_int_equal(vlapic_next_deadline(vl), VLAPIC_NO_DEADLINE); /* no host timer needed */
    assert_int_equal(vlapic_mmio_read(vl, VLAPIC_REG_TIMER_CUR, 5000), 500);
    assert_int_equal(vlapic_mmio_read(vl, VLAPIC_REG_TIMER_CUR, 20000), 0);
    vlapic_mmio_write(vl, VLAPIC_REG_LVT_TIMER, 0x43, 30000);
    assert_false(irr_bit(0, 0x43));
    /* Masked periodic: keeps its phase; unmasked, it fires on time. */
    vlapic_mmio_write(vl, VLAPIC_REG_LVT_TIMER, 1u << 16 | 1u << 17 | 0x43, 30000);
    vlapic_mmio_write(vl, VLAPIC_REG_TIMER_INIT, 100000, 30000); /* 1 ms */
    vlapic_tick(vl, 3530000);
    assert_false(irr_bit(0, 0x43));
    assert_int_equal(vlapic_mmio_read(vl, VLAPIC_REG_TIMER_CUR, 3530000), 50000);
    vlapic_mmio_write(vl, VLAPIC_REG_LVT_TIMER, 1u << 17 | 0x43, 3530000);
    assert_false(irr_bit(0, 0x43));
    assert_int_equal(vlapic_next_deadline(vl), 4030000);
    vlapic_tick(vl, 4029999);
    assert_false(irr_bit(0, 0x43));
    vlapic_tick(vl, 4030000);
    assert_true(irr_bit(0, 0x43));
    /* Masked TSC-deadline: disarms itself, no interrupt. */
    vlapic_ack(vl);
    wr(0, VLAPIC_REG_EOI, 0);
    vlapic_mmio_write(vl, VLAPIC_REG_LVT_TIMER, 1u << 16 | 2u << 17 | 0x43, 4030000);
    vlapic_msr_write(vl, VLAPIC_MSR_TSC_DEADLINE, 5000000, 4030000);
    assert_int_equal(vlapic_next_deadline(vl), VLAPIC_NO_DEADLINE);
    vlapic_msr_read(vl, VLAPIC_MSR_TSC_DEADLINE, 4999999, &v);
    assert_int_equal(v, 5000000);
    vlapic_msr_read(vl, VLAPIC_MSR_TSC_DEADLINE, 5000000, &v);
    assert_int_equal(v, 0);
    assert_false(irr_bit(0, 0x43));
}

/* ---- INIT ---- */

static void test_init_reset(void **state)
{
    (void)state;
    enable_all();
    wr(0, VLAPIC_REG_ID, 0x09000000);
    wr(0, VLAPIC_REG_TPR, 0x20);
    wr(0, VLAPIC_REG_LDR, 0x01000000);
    wr(0, VLAPIC_REG_DFR, 0);
    wr(0, VLAPIC_REG_LVT_TIMER, 0x40);
    wr(0, VLAPIC_REG_TIMER_INIT, 100);
    wr(0, VLAPIC_REG_ICR_HIGH, 0x7F000000);
    vlapic_accept(&vls[0], 0x50, true);
    vlapic_accept(&vls[0], 0x60, false);
    vlapic_ack(&vls[0]);
    vlapic_accept(&vls[0], 3, false);
    vlapic_reset_init(&vls[0]);
    assert_int_equal(rd(0, VLAPIC_REG_ID), 0x09000000); /* kept */
    assert_int_equal(rdmsr(0, VLAPIC_MSR_APIC_BASE), 0xFEE00900ull);
    for (unsigned i = 0; i < 8; i++) {
        assert_int_equal(rd(0, VLAPIC_REG_IRR + 16 * i), 0);
        assert_int_equal(rd(0, VLAPIC_REG_ISR + 16 * i), 0);
        assert_int_equal(rd(0, VLAPIC_REG_TMR + 16 * i), 0);
    }
    for (uint32_t off = VLAPIC_REG_LVT_TIMER; off <= VLAPIC_REG_LVT_ERROR; off += 16)
        assert_int_equal(rd(0, off), 1u << 16);
    assert_int_equal(rd(0, VLAPIC_REG_SVR), 0xFF);
    assert_int_equal(rd(0, VLAPIC_REG_TPR), 0);
    assert_int_equal(rd(0, VLAPIC_REG_LDR), 0);
    assert_int_equal(rd(0, VLAPIC_REG_DFR), 0xFFFFFFFFu);
    assert_int_equal(rd(0, VLAPIC_REG_ICR_HIGH), 0);
    assert_int_equal(rd(0, VLAPIC_REG_TIMER_INIT), 0);
    assert_int_equal(esr(0), 0);
    assert_int_equal(vlapic_next_deadline(&vls[0]), VLAPIC_NO_DEADLINE);
    assert_false(vlapic_accept(&vls[0], 0x40, false)); /* software-disabled */
    /* In x2APIC mode it stays there, LDR still derived. */
    to_x2apic(6);
    vlapic_reset_init(&vls[6]);
    assert_int_equal(vlapic_mode(&vls[6]), VLAPIC_X2APIC);
    assert_int_equal(rdmsr(6, X2(VLAPIC_REG_LDR)), 0x20020u);
}

/* ---- IPIs ---- */

static void expect_sent(const unsigned *vps, unsigned n, enum vlapic_dm mode, uint8_t vector)
{
    assert_int_equal(nsent, n);
    for (unsigned i = 0; i < n; i++) {
        assert_int_equal(sent[i].vp, vps[i]);
        assert_int_equal(sent[i].mode, mode);
        assert_int_equal(sent[i].vector, vector);
    }
    nsent = 0;
}

static void ipi(unsigned from, uint32_t dest8, uint32_t lo)
{
    wr(from, VLAPIC_REG_ICR_HIGH, dest8 << 24);
    wr(from, VLAPIC_REG_ICR, lo);
}

static void test_icr_physical(void **state)
{
    (void)state;
    enable_all();
    ipi(0, 3, 0x40); /* APIC id 3 is VP 2 */
    expect_sent((unsigned[]){2}, 1, VLAPIC_DM_FIXED, 0x40);
    assert_true(irr_bit(2, 0x40));
    ipi(0, 0x25, 0x41);
    expect_sent((unsigned[]){6}, 1, VLAPIC_DM_FIXED, 0x41);
    ipi(0, 0xFF, 0x42); /* broadcast */
    expect_sent((unsigned[]){0, 1, 2, 3, 4, 5, 6, 7}, 8, VLAPIC_DM_FIXED, 0x42);
    /* A VP whose xAPIC ID was changed answers to the new one. */
    wr(2, VLAPIC_REG_ID, 0x30000000);
    ipi(0, 0x30, 0x43);
    expect_sent((unsigned[]){2}, 1, VLAPIC_DM_FIXED, 0x43);
    /* Absent and hardware-disabled VPs are skipped. */
    present[3] = false;
    wrmsr(4, VLAPIC_MSR_APIC_BASE, 0xFEE00000ull);
    ipi(0, 0xFF, 0x44);
    expect_sent((unsigned[]){0, 1, 2, 5, 6, 7}, 6, VLAPIC_DM_FIXED, 0x44);
    /* x2APIC physical: 32-bit destination. */
    for (unsigned i = 0; i < NVP; i++)
        if (i != 4)
            to_x2apic(i);
    wrmsr(0, X2(VLAPIC_REG_ICR), 0x40ull << 32 | 0x45);
    expect_sent((unsigned[]){7}, 1, VLAPIC_DM_FIXED, 0x45);
    wrmsr(0, X2(VLAPIC_REG_ICR), 0x140ull << 32 | 0x45); /* not 0x40 truncated */
    expect_sent(NULL, 0, VLAPIC_DM_FIXED, 0);
    wrmsr(0, X2(VLAPIC_REG_ICR), 0xFFFFFFFFull << 32 | 0x46);
    expect_sent((unsigned[]){0, 1, 2, 5, 6, 7}, 6, VLAPIC_DM_FIXED, 0x46);
}

static void test_icr_logical_flat(void **state)
{
    (void)state;
    enable_all();
    for (unsigned i = 0; i < NVP; i++)
        wr(i, VLAPIC_REG_LDR, (1u << i) << 24);
    ipi(0, 0x05, 1u << 11 | 0x50); /* bits 0 and 2 */
    expect_sent((unsigned[]){0, 2}, 2, VLAPIC_DM_FIXED, 0x50);
    ipi(0, 0x80, 1u << 11 | 0x50);
    expect_sent((unsigned[]){7}, 1, VLAPIC_DM_FIXED, 0x50);
    ipi(0, 0xFF, 1u << 11 | 0x51);
    expect_sent((unsigned[]){0, 1, 2, 3, 4, 5, 6, 7}, 8, VLAPIC_DM_FIXED, 0x51);
    /* Physical mode with the same value does not use the LDR. */
    ipi(0, 0x05, 0x52);
    expect_sent((unsigned[]){4}, 1, VLAPIC_DM_FIXED, 0x52);
}

static void test_icr_logical_cluster(void **state)
{
    (void)state;
    enable_all();
    for (unsigned i = 0; i < NVP; i++) {
        wr(i, VLAPIC_REG_DFR, 0x0FFFFFFF); /* cluster model */
        /* clusters 1 and 2, four members each */
        wr(i, VLAPIC_REG_LDR, ((1 + i / 4) << 4 | 1u << (i % 4)) << 24);
    }
    ipi(0, 0x13, 1u << 11 | 0x60); /* cluster 1, members 0 and 1 */
    expect_sent((unsigned[]){0, 1}, 2, VLAPIC_DM_FIXED, 0x60);
    ipi(0, 0x2C, 1u << 11 | 0x61); /* cluster 2, members 2 and 3 */
    expect_sent((unsigned[]){6, 7}, 2, VLAPIC_DM_FIXED, 0x61);
    ipi(0, 0x30 | 0xF, 1u << 11 | 0x62); /* cluster 3: nobody */
    expect_sent(NULL, 0, VLAPIC_DM_FIXED, 0);
    ipi(0, 0xFF, 1u << 11 | 0x63);
    expect_sent((unsigned[]){0, 1, 2, 3, 4, 5, 6, 7}, 8, VLAPIC_DM_FIXED, 0x63);
    /* A flat-model reader of the same bits would match differently. */
    wr(5, VLAPIC_REG_DFR, 0xFFFFFFFF);
    ipi(0, 0x13, 1u << 11 | 0x64); /* VP 5 LDR 0x22: flat 0x22 & 0x13 != 0 */
    expect_sent((unsigned[]){0, 1, 5}, 3, VLAPIC_DM_FIXED, 0x64);
}

static void test_icr_x2apic_logical(void **state)
{
    (void)state;
    enable_all();
    for (unsigned i = 0; i < NVP; i++)
        to_x2apic(i);
    /* ids 1..6 are cluster 0 bits 1..6; 0x25 cluster 2 bit 5; 0x40 cluster 4 bit 0 */
    wrmsr(0, X2(VLAPIC_REG_ICR), 0x0000000Cull << 32 | 1u << 11 | 0x70);
    expect_sent((unsigned[]){1, 2}, 2, VLAPIC_DM_FIXED, 0x70);
    wrmsr(0, X2(VLAPIC_REG_ICR), 0x00020020ull << 32 | 1u << 11 | 0x71);
    expect_sent((unsigned[]){6}, 1, VLAPIC_DM_FIXED, 0x71);
    wrmsr(0, X2(VLAPIC_REG_ICR), 0x00040001ull << 32 | 1u << 11 | 0x72);
    expect_sent((unsigned[]){7}, 1, VLAPIC_DM_FIXED, 0x72);
    wrmsr(0, X2(VLAPIC_REG_ICR), 0x00010020ull << 32 | 1u << 11 | 0x73); /* wrong cluster */
    expect_sent(NULL, 0, VLAPIC_DM_FIXED, 0);
    wrmsr(0, X2(VLAPIC_REG_ICR), 0xFFFFFFFFull << 32 | 1u << 11 | 0x74);
    expect_sent((unsigned[]){0, 1, 2, 3, 4, 5, 6, 7}, 8, VLAPIC_DM_FIXED, 0x74);
}

static void test_icr_shorthands(void **state)
{
    (void)state;
    enable_all();
    ipi(3, 0x01, 1u << 18 | 0x80); /* self: destination ignored */
    expect_sent((unsigned[]){3}, 1, VLAPIC_DM_FIXED, 0x80);
    assert_true(irr_bit(3, 0x80));
    ipi(3, 0x01, 2u << 18 | 0x81);
    expect_sent((unsigned[]){0, 1, 2, 3, 4, 5, 6, 7}, 8, VLAPIC_DM_FIXED, 0x81);
    ipi(3, 0x01, 3u << 18 | 0x82);
    expect_sent((unsigned[]){0, 1, 2, 4, 5, 6, 7}, 7, VLAPIC_DM_FIXED, 0x82);
    ipi(3, 0x01, 3u << 18 | 4u << 8);
    expect_sent((unsigned[]){0, 1, 2, 4, 5, 6, 7}, 7, VLAPIC_DM_NMI, 0);
    /* Self with anything but fixed is invalid: dropped. */
    ipi(3, 0x01, 1u << 18 | 4u << 8);
    ipi(3, 0x01, 1u << 18 | 5u << 8);
    ipi(3, 0x01, 1u << 18 | 1u << 8 | 0x80);
    expect_sent(NULL, 0, VLAPIC_DM_FIXED, 0);
    /* x2APIC SELF IPI register. */
    to_x2apic(3);
    wrmsr(3, X2(VLAPIC_REG_SELF_IPI), 0x93);
    expect_sent((unsigned[]){3}, 1, VLAPIC_DM_FIXED, 0x93);
    assert_true(vlapic_pending(&vls[3]) == 0x93);
    wrmsr(3, X2(VLAPIC_REG_SELF_IPI), 0x03);
    expect_sent(NULL, 0, VLAPIC_DM_FIXED, 0);
    wrmsr(3, X2(VLAPIC_REG_ESR), 0);
    assert_int_equal(rdmsr(3, X2(VLAPIC_REG_ESR)), VLAPIC_ESR_SEND_ILLEGAL);
}

static void test_icr_lowest_priority(void **state)
{
    (void)state;
    enable_all();
    for (unsigned i = 0; i < NVP; i++)
        wr(i, VLAPIC_REG_LDR, (1u << i) << 24);
    ipi(0, 0x6C, 1u << 11 | 1u << 8 | 0x90); /* VPs 2, 3, 5, 6 */
    expect_sent((unsigned[]){2}, 1, VLAPIC_DM_FIXED, 0x90);
    ipi(0, 0xFF, 1u << 8 | 0x91); /* physical broadcast */
    expect_sent((unsigned[]){0}, 1, VLAPIC_DM_FIXED, 0x91);
    ipi(0, 0, 3u << 18 | 1u << 8 | 0x92);
    expect_sent((unsigned[]){1}, 1, VLAPIC_DM_FIXED, 0x92);
    ipi(0, 0x00, 1u << 11 | 1u << 8 | 0x93); /* empty mask */
    expect_sent(NULL, 0, VLAPIC_DM_FIXED, 0);
    ipi(0, 0x6C, 1u << 11 | 1u << 8 | 0x0F); /* illegal vector */
    expect_sent(NULL, 0, VLAPIC_DM_FIXED, 0);
    assert_int_equal(esr(0), VLAPIC_ESR_SEND_ILLEGAL);
}

static void test_icr_nmi_init_startup(void **state)
{
    (void)state;
    /* Delivered whatever the targets' software enable. */
    ipi(0, 2, 4u << 8 | 0x77);
    expect_sent((unsigned[]){1}, 1, VLAPIC_DM_NMI, 0);
    ipi(0, 2, 5u << 8 | 1u << 14 | 0x77); /* INIT assert, edge */
    expect_sent((unsigned[]){1}, 1, VLAPIC_DM_INIT, 0);
    ipi(0, 2, 5u << 8 | 1u << 15 | 1u << 14); /* INIT level assert */
    expect_sent((unsigned[]){1}, 1, VLAPIC_DM_INIT, 0);
    ipi(0, 0, 3u << 18 | 1u << 15 | 5u << 8); /* INIT level de-assert: nothing */
    expect_sent(NULL, 0, VLAPIC_DM_INIT, 0);
    ipi(0, 0, 3u << 18 | 6u << 8 | 0x9A); /* STARTUP to all but self */
    expect_sent((unsigned[]){1, 2, 3, 4, 5, 6, 7}, 7, VLAPIC_DM_STARTUP, 0x9A);
    ipi(0, 0x25, 6u << 8 | 0x08); /* low vectors are legal for STARTUP */
    expect_sent((unsigned[]){6}, 1, VLAPIC_DM_STARTUP, 0x08);
    assert_int_equal(esr(0), 0);
    for (unsigned i = 0; i < NVP; i++)
        assert_int_equal(vlapic_pending(&vls[i]), -1); /* nothing reached an IRR */
}

static void test_icr_smi_extint_reserved_dropped(void **state)
{
    (void)state;
    enable_all();
    ipi(0, 2, 2u << 8 | 0x40); /* SMI */
    ipi(0, 0xFF, 2u << 8);
    ipi(0, 2, 7u << 8 | 0x40); /* ExtINT */
    ipi(0, 2, 3u << 8 | 0x40); /* reserved */
    ipi(0, 0, 2u << 18 | 7u << 8 | 0x40);
    expect_sent(NULL, 0, VLAPIC_DM_FIXED, 0);
    assert_int_equal(vlapic_pending(&vls[1]), -1);
    assert_int_equal(esr(0), 0);
}

static void test_icr_matches_nobody(void **state)
{
    (void)state;
    enable_all();
    ipi(0, 0x99, 0x40);
    ipi(0, 0x00, 0x40);            /* no VP has APIC id 0 */
    ipi(0, 0x01, 1u << 11 | 0x40); /* all LDRs are 0 */
    expect_sent(NULL, 0, VLAPIC_DM_FIXED, 0);
    /* A partition without a bus drops everything. */
    struct vlapic vl;
    struct vlapic_config cfg = {0, 0, true, TSC_HZ, TIMER_HZ, NULL};

    assert_int_equal(vlapic_init(&vl, &cfg), 0);
    vlapic_mmio_write(&vl, VLAPIC_REG_SVR, 0x1FF, 0);
    vlapic_mmio_write(&vl, VLAPIC_REG_ICR, 2u << 18 | 0x40, 0);
    assert_int_equal(vlapic_pending(&vl), -1);
}

static void test_icr_hostile(void **state)
{
    uint64_t x = 0x9E3779B97F4A7C15ull;

    (void)state;
    enable_all();
    /* Every bit set: ExtINT, nothing sent. */
    ipi(0, 0xFF, 0xFFFFFFFF);
    expect_sent(NULL, 0, VLAPIC_DM_FIXED, 0);
    to_x2apic(0);
    assert_int_equal(wrmsr_rc(0, X2(VLAPIC_REG_ICR), UINT64_MAX), VLAPIC_GP);
    expect_sent(NULL, 0, VLAPIC_DM_FIXED, 0);
    /* Random values into every register, random times: no crash, no hang,
     * sane results (run under ASan/UBSan). */
    for (unsigned n = 0; n < 200000; n++) {
        unsigned vp = n % NVP;
        uint64_t now, v;

        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        now = x >> (x & 63);
        switch (x >> 61) {
        case 0:
            vlapic_mmio_write(&vls[vp], (x >> 8) & 0xFF0, (uint32_t)(x >> 20), now);
            break;
        case 1:
            vlapic_mmio_read(&vls[vp], (uint32_t)(x >> 8) & 0xFFF, now);
            break;
        case 2:
            vlapic_msr_write(&vls[vp], 0x800 + ((x >> 8) & 0x3F), x >> 14 << (x & 1) * 30, now);
            break;
        case 3:
            vlapic_msr_read(&vls[vp], 0x800 + ((x >> 8) & 0xFF), now, &v);
            break;
        case 4:
            vlapic_msr_write(&vls[vp], (x & 16) ? VLAPIC_MSR_TSC_DEADLINE : VLAPIC_MSR_APIC_BASE,
                             (x & 32) ? x : 0xFEE00000ull | (x & 0xC00), now);
            break;
        case 5:
            vlapic_accept(&vls[vp], (uint8_t)(x >> 8), x & 1);
            break;
        case 6:
            assert_true(vlapic_ack(&vls[vp]) >= -1 && vlapic_ack(&vls[vp]) < 256);
            break;
        default:
            vlapic_tick(&vls[vp], now);
            v = vlapic_next_deadline(&vls[vp]);
            (void)v;
            break;
        }
        nsent = 0;
        int p = vlapic_pending(&vls[vp]);

        assert_true(p == -1 || (p >= 16 && p < 256));
    }
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_bad_config),
        T(test_power_up_state),
        T(test_extint_acceptance),
        T(test_xapic_register_semantics),
        T(test_x2apic_register_semantics),
        T(test_apic_base_transitions),
        T(test_software_disable),
        T(test_tpr_ppr_masking),
        T(test_ack_of_the_vector_taken),
        T(test_isr_nesting_and_eoi_order),
        T(test_all_vectors_bitmaps),
        T(test_illegal_vectors_and_esr),
        T(test_oneshot_each_divide),
        T(test_oneshot_stop_and_divide_change),
        T(test_periodic_no_drift),
        T(test_periodic_catch_up),
        T(test_periodic_minimum_period),
        T(test_periodic_to_oneshot),
        T(test_tsc_deadline),
        T(test_masked_timer_runs),
        T(test_init_reset),
        T(test_icr_physical),
        T(test_icr_logical_flat),
        T(test_icr_logical_cluster),
        T(test_icr_x2apic_logical),
        T(test_icr_shorthands),
        T(test_icr_lowest_priority),
        T(test_icr_nmi_init_startup),
        T(test_icr_smi_extint_reserved_dropped),
        T(test_icr_matches_nobody),
        T(test_icr_hostile),
    };

    return cmocka_run_group_tests_name("vlapic", tests, NULL, NULL);
}
