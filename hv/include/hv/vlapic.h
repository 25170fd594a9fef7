/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The virtual local APIC of a child partition's VP: the xAPIC register page,
 * the x2APIC MSRs (0x800 + offset / 16) over the same state, IA32_APIC_BASE,
 * the timer (one-shot, periodic, TSC-deadline), IRR/ISR/TMR and priorities,
 * and IPIs resolved to VP indexes.  Pure logic: the caller decodes the
 * guest's access, passes the time, injects what vlapic_ack() returns and
 * carries IPIs to their targets.  Children are hostile: every value is
 * checked, and no input makes these functions loop or fault.
 *
 * Time ("now") is the guest's TSC in ticks, the clock IA32_TSC_DEADLINE is
 * compared with; the APIC timer counts at timer_hz, converted exactly
 * (128-bit intermediate) so periodic timers do not drift.
 *
 * Version register 0x50014: version 0x14, 6 LVT entries (max LVT 5: no CMCI),
 * bit 24 clear: no EOI-broadcast suppression, so SVR bit 12 is reserved.
 *
 * Not thread-safe: the caller serialises calls on one vlapic.  The bus
 * callbacks run inside vlapic_msr_write()/vlapic_mmio_write() and may call
 * vlapic_accept() on any vlapic, the sender included.
 */
#ifndef HV_VLAPIC_H
#define HV_VLAPIC_H

#include <stdbool.h>
#include <stdint.h>

#define VLAPIC_GP          (-1) /* the access faults: the caller injects #GP(0) */
#define VLAPIC_NO_DEADLINE UINT64_MAX
/* The shortest periodic timer period, so that a child cannot make the host
 * take a timer interrupt every few nanoseconds. */
#define VLAPIC_MIN_PERIOD_US 100

#define VLAPIC_MSR_APIC_BASE    0x1Bu
#define VLAPIC_MSR_TSC_DEADLINE 0x6E0u
#define VLAPIC_MSR_X2APIC_BASE  0x800u /* .. 0x8FF */

/* Register offsets in the xAPIC page. */
#define VLAPIC_REG_ID          0x020u
#define VLAPIC_REG_VERSION     0x030u
#define VLAPIC_REG_TPR         0x080u
#define VLAPIC_REG_APR         0x090u
#define VLAPIC_REG_PPR         0x0A0u
#define VLAPIC_REG_EOI         0x0B0u
#define VLAPIC_REG_LDR         0x0D0u
#define VLAPIC_REG_DFR         0x0E0u
#define VLAPIC_REG_SVR         0x0F0u
#define VLAPIC_REG_ISR         0x100u /* 8 registers, 16 bytes apart */
#define VLAPIC_REG_TMR         0x180u
#define VLAPIC_REG_IRR         0x200u
#define VLAPIC_REG_ESR         0x280u
#define VLAPIC_REG_ICR         0x300u
#define VLAPIC_REG_ICR_HIGH    0x310u
#define VLAPIC_REG_LVT_TIMER   0x320u
#define VLAPIC_REG_LVT_THERMAL 0x330u
#define VLAPIC_REG_LVT_PERF    0x340u
#define VLAPIC_REG_LVT_LINT0   0x350u
#define VLAPIC_REG_LVT_LINT1   0x360u
#define VLAPIC_REG_LVT_ERROR   0x370u
#define VLAPIC_REG_TIMER_INIT  0x380u
#define VLAPIC_REG_TIMER_CUR   0x390u
#define VLAPIC_REG_TIMER_DIV   0x3E0u
#define VLAPIC_REG_SELF_IPI    0x3F0u /* x2APIC only */

/* ESR bits this model sets. */
#define VLAPIC_ESR_SEND_ILLEGAL (1u << 5)
#define VLAPIC_ESR_RECV_ILLEGAL (1u << 6)
#define VLAPIC_ESR_ILLEGAL_REG  (1u << 7) /* xAPIC: reserved register accessed */

enum vlapic_mode {
    VLAPIC_DISABLED, /* IA32_APIC_BASE.EN clear */
    VLAPIC_XAPIC,
    VLAPIC_X2APIC,
};

/* What the deliver callback is asked to do (ICR delivery-mode values). */
enum vlapic_dm {
    VLAPIC_DM_FIXED = 0,   /* vlapic_accept(target, vector, false) */
    VLAPIC_DM_NMI = 4,     /* inject an NMI; vector 0 */
    VLAPIC_DM_INIT = 5,    /* reset the target VP (and vlapic_reset_init()); vector 0 */
    VLAPIC_DM_STARTUP = 6, /* start the target at vector << 12 if it waits for SIPI */
    VLAPIC_DM_LINT0 = 8,   /* not from an APIC: the LINT0 wire's level (vector 0 or 1) */
};

/* How a VP's APIC answers to destinations (filled by vlapic_target_info()). */
struct vlapic_target {
    enum vlapic_mode mode;
    uint32_t id; /* xAPIC: the 8-bit ID register field; x2APIC: the 32-bit id */
    uint32_t ldr;
    uint32_t dfr;
};

/* The partition's VPs as the ICR logic sees them. */
struct vlapic_bus {
    unsigned nvps;
    /* false: VP @vp does not exist (yet); it is skipped */
    bool (*lookup)(void *ctx, unsigned vp, struct vlapic_target *out);
    void (*deliver)(void *ctx, unsigned vp, enum vlapic_dm mode, uint8_t vector);
    void *ctx;
};

struct vlapic_config {
    unsigned vp_index;
    uint32_t apic_id; /* x2APIC id; the xAPIC ID is its low 8 bits */
    bool bsp;
    uint64_t tsc_hz;              /* guest TSC frequency, > 0 */
    uint64_t timer_hz;            /* APIC timer input clock (before the divider), > 0 */
    const struct vlapic_bus *bus; /* may be NULL: IPIs are dropped */
};

#define VLAPIC_NLVT 6

/* Private: use the functions below. */
struct vlapic {
    const struct vlapic_bus *bus;
    unsigned vp_index;
    uint32_t apic_id;
    uint64_t tsc_hz, timer_hz, min_period; /* min_period in timer cycles */
    uint64_t apic_base;
    uint32_t id, tpr, ldr, dfr, svr, esr, esr_pending, icr_lo, icr_hi;
    uint32_t lvt[VLAPIC_NLVT], tmict, dcr;
    uint32_t isr[8], tmr[8], irr[8];
    /* One-shot/periodic: the count was t_count at timer cycle t_base and
     * expires at cycle t_deadline. */
    bool t_armed;
    uint64_t t_base, t_count, t_deadline;
    uint64_t tsc_deadline; /* 0: disarmed */
};

/* Power-up state (xAPIC mode, base 0xFEE00000).  0, or -1 for a bad config. */
int vlapic_init(struct vlapic *vl, const struct vlapic_config *cfg);
/* The INIT reset: IRR/ISR/TMR, ICR, LDR, TPR, ESR, timer cleared, LVTs
 * masked, SVR 0xFF, DFR all ones; ID and IA32_APIC_BASE kept. */
void vlapic_reset_init(struct vlapic *vl);
enum vlapic_mode vlapic_mode(const struct vlapic *vl);
void vlapic_target_info(const struct vlapic *vl, struct vlapic_target *out);

/* A 32-bit access to the xAPIC page at @offset (0..0xFFF).  Reserved
 * registers and bytes read 0 and ignore writes; outside xAPIC mode the page
 * is inert. */
uint32_t vlapic_mmio_read(struct vlapic *vl, uint32_t offset, uint64_t now);
void vlapic_mmio_write(struct vlapic *vl, uint32_t offset, uint32_t val, uint64_t now);
/* IA32_APIC_BASE, IA32_TSC_DEADLINE and the x2APIC MSRs: 0 or VLAPIC_GP. */
int vlapic_msr_read(struct vlapic *vl, uint32_t msr, uint64_t now, uint64_t *val);
int vlapic_msr_write(struct vlapic *vl, uint32_t msr, uint64_t val, uint64_t now);

/* A fixed interrupt arrives (IPI, I/O APIC, SynIC).  Dropped when the APIC
 * is disabled (hardware or software) or the vector is < 16 (ESR).  NMI,
 * INIT and STARTUP never come here. */
bool vlapic_accept(struct vlapic *vl, uint8_t vector, bool level);
/* Whether an ExtINT on LINT0 (the 8259s' INTR) reaches the processor: with
 * the APIC hardware-disabled the wire goes straight to the core; else LVT0
 * must say ExtINT and not be masked (the SDM's virtual wire mode). */
bool vlapic_accepts_extint(const struct vlapic *vl);
/* The vector to inject next (-1: none); vlapic_ack() moves it to ISR. */
int vlapic_pending(const struct vlapic *vl);
int vlapic_ack(struct vlapic *vl);
/* The CPU took @vector, which vlapic_pending() offered before the guest
 * ran (it may have changed since): IRR to ISR for that vector. */
void vlapic_ack_vector(struct vlapic *vl, uint8_t vector);

/* Fire the timer if due.  Call it when the host timer armed for
 * vlapic_next_deadline() expires, and before entering the guest. */
void vlapic_tick(struct vlapic *vl, uint64_t now);
/* Absolute guest TSC of the next timer interrupt, or VLAPIC_NO_DEADLINE (also
 * while the timer is masked: it is brought up to date on the next access).
 * Ask again after every write. */
uint64_t vlapic_next_deadline(const struct vlapic *vl);

#endif
