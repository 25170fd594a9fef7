/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The virtual local APIC of child partitions (see hv/include/hv/vlapic.h):
 * register semantics after the Intel SDM vol. 3A (APIC chapter), timer
 * arithmetic in timer-clock cycles, IPI destination resolution.
 */
#include <hv/muldiv.h>
#include <hv/vlapic.h>

#define BASE_BSP     (1ull << 8)
#define BASE_EXTD    (1ull << 10)
#define BASE_EN      (1ull << 11)
#define BASE_RSVD    0xFFF00000000002FFull /* bits 0-7, 9, 52-63 */
#define BASE_DEFAULT 0xFEE00000ull

#define VERSION         0x00050014u
#define SVR_ENABLE      (1u << 8)
#define SVR_MASK        0x1FFu
#define LVT_MASKED      (1u << 16)
#define LVT_DM_MASK     (7u << 8)
#define LVT_DM_EXTINT   (7u << 8)
#define TIMER_MODE(lvt) (((lvt) >> 17) & 3u)
#define TM_PERIODIC     1u
#define TM_DEADLINE     2u

#define ICR_LO_MASK     0x000CCFFFu /* vector, mode, dest mode, level, trigger, shorthand */
#define ICR_LOGICAL     (1u << 11)
#define ICR_ASSERT      (1u << 14)
#define ICR_LEVEL       (1u << 15)
#define SH_NONE         0u
#define SH_SELF         1u
#define SH_ALL          2u
#define SH_ALL_BUT_SELF 3u

enum { LVT_TIMER, LVT_THERMAL, LVT_PERF, LVT_LINT0, LVT_LINT1, LVT_ERROR };

/* Writable bits of each LVT entry; delivery status (12) and remote IRR (14)
 * stay 0: nothing here is ever in flight. */
static const uint32_t lvt_writable[VLAPIC_NLVT] = {0x700FF, 0x107FF, 0x107FF,
                                                   0x1A7FF, 0x1A7FF, 0x100FF};

/* ---- bitmaps and priorities ---- */

static void bm_set(uint32_t *bm, unsigned v, bool on)
{
    if (on)
        bm[v >> 5] |= 1u << (v & 31);
    else
        bm[v >> 5] &= ~(1u << (v & 31));
}

static int bm_highest(const uint32_t *bm)
{
    for (int i = 7; i >= 0; i--)
        if (bm[i])
            return i * 32 + 31 - __builtin_clz(bm[i]);
    return -1;
}

static uint32_t ppr(const struct vlapic *vl)
{
    int isrv = bm_highest(vl->isr);
    uint32_t cls = isrv < 0 ? 0 : (uint32_t)isrv & 0xF0;

    return (vl->tpr & 0xF0) >= cls ? vl->tpr : cls;
}

enum vlapic_mode vlapic_mode(const struct vlapic *vl)
{
    if (!(vl->apic_base & BASE_EN))
        return VLAPIC_DISABLED;
    return (vl->apic_base & BASE_EXTD) ? VLAPIC_X2APIC : VLAPIC_XAPIC;
}

static bool sw_enabled(const struct vlapic *vl)
{
    return vlapic_mode(vl) != VLAPIC_DISABLED && (vl->svr & SVR_ENABLE);
}

static void set_irr(struct vlapic *vl, unsigned vector, bool level)
{
    bm_set(vl->irr, vector, true);
    bm_set(vl->tmr, vector, level);
}

/* An error is latched for the next ESR write and, if the LVT error entry
 * allows, interrupts.  An illegal error vector is only logged, so an error
 * never causes another error interrupt. */
static void error_raise(struct vlapic *vl, uint32_t bit)
{
    uint32_t lvt = vl->lvt[LVT_ERROR];

    vl->esr_pending |= bit;
    if (lvt & LVT_MASKED)
        return;
    if ((lvt & 0xFF) < 16)
        vl->esr_pending |= VLAPIC_ESR_RECV_ILLEGAL;
    else
        set_irr(vl, lvt & 0xFF, false);
}

bool vlapic_accept(struct vlapic *vl, uint8_t vector, bool level)
{
    if (!sw_enabled(vl))
        return false;
    if (vector < 16) {
        error_raise(vl, VLAPIC_ESR_RECV_ILLEGAL);
        return false;
    }
    set_irr(vl, vector, level);
    return true;
}

int vlapic_pending(const struct vlapic *vl)
{
    int v = bm_highest(vl->irr);

    if (v < 0 || ((uint32_t)v & 0xF0) <= (ppr(vl) & 0xF0))
        return -1;
    return v;
}

int vlapic_ack(struct vlapic *vl)
{
    int v = vlapic_pending(vl);

    if (v >= 0) {
        bm_set(vl->irr, v, false);
        bm_set(vl->isr, v, true);
    }
    return v;
}

void vlapic_ack_vector(struct vlapic *vl, uint8_t vector)
{
    bm_set(vl->irr, vector, false);
    bm_set(vl->isr, vector, true);
}

static void eoi(struct vlapic *vl)
{
    int v = bm_highest(vl->isr);

    if (v < 0)
        return;
    bm_set(vl->isr, v, false);
    /* A level-triggered vector (TMR set) would send its EOI to the I/O APIC
     * here so the line can fire again; no virtual I/O APIC exists yet. */
}

/* ---- timer ---- */

/* a * b / c, rounded down or up, with a 128-bit product; UINT64_MAX if the
 * quotient does not fit.  The division is done by hand: no libgcc. */
static uint64_t sat_add(uint64_t a, uint64_t b)
{
    return a + b < a ? UINT64_MAX : a + b;
}

static uint64_t to_cycles(const struct vlapic *vl, uint64_t tsc)
{
    return muldiv64(tsc, vl->timer_hz, vl->tsc_hz, false);
}

/* Divide configuration bits 3,1,0: 000 = 2, 001 = 4, ... 110 = 128, 111 = 1. */
static uint64_t timer_div(const struct vlapic *vl)
{
    uint32_t n = ((vl->dcr >> 1) & 4) | (vl->dcr & 3);

    return n == 7 ? 1 : 2u << n;
}

static void timer_start(struct vlapic *vl, uint64_t now_cyc, uint64_t count)
{
    uint64_t len = count * timer_div(vl);

    if (TIMER_MODE(vl->lvt[LVT_TIMER]) == TM_PERIODIC && len < vl->min_period)
        len = vl->min_period;
    vl->t_armed = count != 0;
    vl->t_base = now_cyc;
    vl->t_count = count;
    vl->t_deadline = sat_add(now_cyc, len);
}

static void timer_stop(struct vlapic *vl)
{
    vl->t_armed = false;
    vl->t_count = 0;
    vl->tmict = 0;
    vl->tsc_deadline = 0;
}

static void timer_fire(struct vlapic *vl)
{
    uint32_t lvt = vl->lvt[LVT_TIMER];

    if (lvt & LVT_MASKED)
        return;
    if ((lvt & 0xFF) < 16)
        error_raise(vl, VLAPIC_ESR_RECV_ILLEGAL);
    else
        set_irr(vl, lvt & 0xFF, false);
}

/* Brings the timer up to @now.  Called before every register access, so
 * the timer expires under the LVT settings that were in force then. */
static void timer_update(struct vlapic *vl, uint64_t now)
{
    uint32_t mode = TIMER_MODE(vl->lvt[LVT_TIMER]);
    uint64_t c, period, base;

    if (mode == TM_DEADLINE) {
        if (vl->tsc_deadline && now >= vl->tsc_deadline) {
            vl->tsc_deadline = 0; /* the MSR reads 0 once it has fired */
            timer_fire(vl);
        }
        return;
    }
    if (!vl->t_armed)
        return;
    c = to_cycles(vl, now);
    if (c < vl->t_deadline)
        return;
    timer_fire(vl);
    if (mode != TM_PERIODIC) {
        vl->t_armed = false;
        vl->t_count = 0;
        return;
    }
    /* Re-arm from the old deadline, not from now: no drift.  Periods missed
     * while nobody called (a long gap) are skipped: one interrupt, not many. */
    period = (uint64_t)vl->tmict * timer_div(vl);
    if (period < vl->min_period)
        period = vl->min_period;
    base = vl->t_deadline;
    if (c - base >= period)
        base += (c - base) / period * period;
    vl->t_base = base;
    vl->t_count = vl->tmict;
    vl->t_deadline = sat_add(base, period);
}

static uint32_t timer_current(const struct vlapic *vl, uint64_t now)
{
    uint64_t c = to_cycles(vl, now), done;

    if (!vl->t_armed || TIMER_MODE(vl->lvt[LVT_TIMER]) == TM_DEADLINE)
        return 0;
    done = c > vl->t_base ? (c - vl->t_base) / timer_div(vl) : 0;
    return done >= vl->t_count ? 0 : (uint32_t)(vl->t_count - done);
}

void vlapic_tick(struct vlapic *vl, uint64_t now)
{
    if (vlapic_mode(vl) != VLAPIC_DISABLED)
        timer_update(vl, now);
}

uint64_t vlapic_next_deadline(const struct vlapic *vl)
{
    uint32_t lvt = vl->lvt[LVT_TIMER];

    if (vlapic_mode(vl) == VLAPIC_DISABLED || (lvt & LVT_MASKED))
        return VLAPIC_NO_DEADLINE;
    if (TIMER_MODE(lvt) == TM_DEADLINE)
        return vl->tsc_deadline ? vl->tsc_deadline : VLAPIC_NO_DEADLINE;
    if (!vl->t_armed)
        return VLAPIC_NO_DEADLINE;
    /* The first TSC value whose cycle count reaches the deadline. */
    return muldiv64(vl->t_deadline, vl->tsc_hz, vl->timer_hz, true);
}

/* ---- IPIs ---- */

static bool dest_match(bool x2, bool logical, uint32_t dest, const struct vlapic_target *t)
{
    uint32_t ldr8;

    if (x2) {
        if (dest == 0xFFFFFFFFu)
            return true;
        if (!logical)
            return dest == t->id;
        return (dest >> 16) == (t->ldr >> 16) && (dest & t->ldr & 0xFFFF);
    }
    dest &= 0xFF;
    if (dest == 0xFF)
        return true;
    if (!logical)
        return dest == t->id;
    ldr8 = t->ldr >> 24;
    if ((t->dfr >> 28) == 0xF) /* flat: 8-bit mask */
        return ldr8 & dest;
    if ((t->dfr >> 28) == 0x0) /* cluster: 4-bit cluster, 4-bit mask */
        return (ldr8 >> 4) == (dest >> 4) && (ldr8 & dest & 0xF);
    return false; /* a model the SDM does not define */
}

/* Sends what ICR @lo with destination @dest (8-bit xAPIC or 32-bit x2APIC)
 * describes.  Lowest priority goes to the lowest-numbered matching VP: a
 * deterministic choice the SDM allows (arbitration is model-specific). */
static void send_ipi(struct vlapic *vl, uint32_t lo, uint32_t dest)
{
    const struct vlapic_bus *bus = vl->bus;
    uint32_t dm = (lo >> 8) & 7, sh = (lo >> 18) & 3;
    uint8_t vector = (uint8_t)lo;
    bool x2 = vlapic_mode(vl) == VLAPIC_X2APIC;
    enum vlapic_dm out;
    struct vlapic_target t;

    switch (dm) {
    case 0: /* fixed */
    case 1: /* lowest priority */
        if (vector < 16) {
            error_raise(vl, VLAPIC_ESR_SEND_ILLEGAL);
            return;
        }
        out = VLAPIC_DM_FIXED;
        break;
    case 4:
        out = VLAPIC_DM_NMI;
        vector = 0;
        break;
    case 5:
        if ((lo & ICR_LEVEL) && !(lo & ICR_ASSERT))
            return; /* INIT level de-assert: no effect since the Pentium 4 */
        out = VLAPIC_DM_INIT;
        vector = 0;
        break;
    case 6:
        out = VLAPIC_DM_STARTUP;
        break;
    default: /* SMI (no SMM in children), reserved, ExtINT (no 8259 here) */
        return;
    }
    if (!bus || !bus->deliver)
        return;
    if (sh == SH_SELF) {
        /* The SDM allows only fixed with the self shorthand. */
        if (dm == 0)
            bus->deliver(bus->ctx, vl->vp_index, out, vector);
        return;
    }
    for (unsigned i = 0; i < bus->nvps; i++) {
        if (sh == SH_ALL_BUT_SELF && i == vl->vp_index)
            continue;
        if (!bus->lookup || !bus->lookup(bus->ctx, i, &t) || t.mode == VLAPIC_DISABLED)
            continue;
        if (sh == SH_NONE && !dest_match(x2, lo & ICR_LOGICAL, dest, &t))
            continue;
        bus->deliver(bus->ctx, i, out, vector);
        if (dm == 1)
            return;
    }
}

/* ---- registers ---- */

static void lvt_write(struct vlapic *vl, unsigned idx, uint32_t val)
{
    uint32_t old = vl->lvt[idx];

    val &= lvt_writable[idx];
    if (!(vl->svr & SVR_ENABLE))
        val |= LVT_MASKED; /* software-disabled: masks cannot be cleared */
    /* Entering or leaving TSC-deadline mode disarms the timer (SDM). */
    if (idx == LVT_TIMER && (TIMER_MODE(old) == TM_DEADLINE) != (TIMER_MODE(val) == TM_DEADLINE))
        timer_stop(vl);
    vl->lvt[idx] = val;
}

static void regs_reset(struct vlapic *vl)
{
    __builtin_memset(vl->isr, 0, sizeof(vl->isr));
    __builtin_memset(vl->tmr, 0, sizeof(vl->tmr));
    __builtin_memset(vl->irr, 0, sizeof(vl->irr));
    for (unsigned i = 0; i < VLAPIC_NLVT; i++)
        vl->lvt[i] = LVT_MASKED;
    vl->tpr = vl->esr = vl->esr_pending = vl->icr_lo = vl->icr_hi = vl->dcr = 0;
    vl->ldr = 0;
    if (vlapic_mode(vl) == VLAPIC_X2APIC)
        vl->ldr = (vl->apic_id >> 4) << 16 | 1u << (vl->apic_id & 15);
    vl->dfr = 0xFFFFFFFFu;
    vl->svr = 0xFF;
    timer_stop(vl);
}

void vlapic_reset_init(struct vlapic *vl)
{
    regs_reset(vl);
}

int vlapic_init(struct vlapic *vl, const struct vlapic_config *cfg)
{
    if (!vl || !cfg || !cfg->tsc_hz || !cfg->timer_hz)
        return -1;
    __builtin_memset(vl, 0, sizeof(*vl));
    vl->bus = cfg->bus;
    vl->vp_index = cfg->vp_index;
    vl->apic_id = cfg->apic_id;
    vl->tsc_hz = cfg->tsc_hz;
    vl->timer_hz = cfg->timer_hz;
    vl->min_period = cfg->timer_hz / (1000000 / VLAPIC_MIN_PERIOD_US);
    if (!vl->min_period)
        vl->min_period = 1;
    vl->apic_base = BASE_DEFAULT | BASE_EN | (cfg->bsp ? BASE_BSP : 0);
    vl->id = (cfg->apic_id & 0xFF) << 24;
    regs_reset(vl);
    /* At power-on the boot processor's LINT0 is in virtual wire mode, as
     * firmware leaves it on a PC and as SeaBIOS expects (it never sets it):
     * the 8259s' interrupts reach the BIOS.  INIT resets it like the rest. */
    if (cfg->bsp)
        vl->lvt[LVT_LINT0] = LVT_DM_EXTINT;
    return 0;
}

bool vlapic_accepts_extint(const struct vlapic *vl)
{
    uint32_t lvt = vl->lvt[LVT_LINT0];

    return vlapic_mode(vl) == VLAPIC_DISABLED ||
           (!(lvt & LVT_MASKED) && (lvt & LVT_DM_MASK) == LVT_DM_EXTINT);
}

void vlapic_target_info(const struct vlapic *vl, struct vlapic_target *out)
{
    out->mode = vlapic_mode(vl);
    out->id = out->mode == VLAPIC_X2APIC ? vl->apic_id : vl->id >> 24;
    out->ldr = vl->ldr;
    out->dfr = vl->dfr;
}

static uint32_t *bitmap_reg(struct vlapic *vl, uint32_t off)
{
    uint32_t i = (off - VLAPIC_REG_ISR) >> 4;
    uint32_t *maps[3] = {vl->isr, vl->tmr, vl->irr};

    return &maps[i / 8][i % 8];
}

/* @off is 16-byte aligned; @x2 selects the x2APIC rules. */
static int reg_read(struct vlapic *vl, uint32_t off, bool x2, uint64_t now, uint64_t *out)
{
    uint32_t v = 0;

    timer_update(vl, now);
    switch (off) {
    case VLAPIC_REG_ID:
        v = x2 ? vl->apic_id : vl->id;
        break;
    case VLAPIC_REG_VERSION:
        v = VERSION;
        break;
    case VLAPIC_REG_TPR:
        v = vl->tpr;
        break;
    case VLAPIC_REG_APR: /* no arbitration is modelled: reads 0 */
    case VLAPIC_REG_EOI: /* write-only */
        if (x2)
            return VLAPIC_GP;
        break;
    case VLAPIC_REG_PPR:
        v = ppr(vl);
        break;
    case VLAPIC_REG_LDR:
        v = vl->ldr;
        break;
    case VLAPIC_REG_DFR:
    case VLAPIC_REG_ICR_HIGH:
        if (x2)
            return VLAPIC_GP;
        v = off == VLAPIC_REG_DFR ? vl->dfr : vl->icr_hi;
        break;
    case VLAPIC_REG_SVR:
        v = vl->svr;
        break;
    case VLAPIC_REG_ISR ... VLAPIC_REG_IRR + 0x70:
        v = *bitmap_reg(vl, off);
        break;
    case VLAPIC_REG_ESR:
        v = vl->esr;
        break;
    case VLAPIC_REG_ICR: /* delivery status (bit 12) always idle */
        *out = x2 ? (uint64_t)vl->icr_hi << 32 | vl->icr_lo : vl->icr_lo;
        return 0;
    case VLAPIC_REG_LVT_TIMER ... VLAPIC_REG_LVT_ERROR:
        v = vl->lvt[(off - VLAPIC_REG_LVT_TIMER) >> 4];
        break;
    case VLAPIC_REG_TIMER_INIT:
        v = vl->tmict;
        break;
    case VLAPIC_REG_TIMER_CUR:
        v = timer_current(vl, now);
        break;
    case VLAPIC_REG_TIMER_DIV:
        v = vl->dcr;
        break;
    default: /* reserved; SELF IPI is write-only */
        if (x2)
            return VLAPIC_GP;
        error_raise(vl, VLAPIC_ESR_ILLEGAL_REG);
        break;
    }
    *out = v;
    return 0;
}

static int reg_write(struct vlapic *vl, uint32_t off, bool x2, uint64_t val, uint64_t now)
{
    uint32_t v = (uint32_t)val, cur;

    /* x2APIC registers other than ICR are 32 bits: bits 63:32 must be 0. */
    if (x2 && off != VLAPIC_REG_ICR && (val >> 32))
        return VLAPIC_GP;
    timer_update(vl, now);
    switch (off) {
    case VLAPIC_REG_ID:
        if (x2)
            return VLAPIC_GP;
        vl->id = v & 0xFF000000u;
        break;
    case VLAPIC_REG_TPR:
        vl->tpr = v & 0xFF;
        break;
    case VLAPIC_REG_EOI:
        if (x2 && v)
            return VLAPIC_GP;
        eoi(vl);
        break;
    case VLAPIC_REG_LDR:
        if (x2)
            return VLAPIC_GP; /* derived from the x2APIC id */
        vl->ldr = v & 0xFF000000u;
        break;
    case VLAPIC_REG_DFR:
        if (x2)
            return VLAPIC_GP;
        vl->dfr = v | 0x0FFFFFFFu;
        break;
    case VLAPIC_REG_SVR:
        vl->svr = v & SVR_MASK;
        if (!(vl->svr & SVR_ENABLE))
            for (unsigned i = 0; i < VLAPIC_NLVT; i++)
                vl->lvt[i] |= LVT_MASKED;
        break;
    case VLAPIC_REG_ESR: /* a write latches the errors seen since the last one */
        if (x2 && v)
            return VLAPIC_GP;
        vl->esr = vl->esr_pending;
        vl->esr_pending = 0;
        break;
    case VLAPIC_REG_ICR:
        if (x2) {
            if (v & ~ICR_LO_MASK)
                return VLAPIC_GP;
            vl->icr_hi = (uint32_t)(val >> 32);
        }
        vl->icr_lo = v & ICR_LO_MASK;
        send_ipi(vl, vl->icr_lo, x2 ? vl->icr_hi : vl->icr_hi >> 24);
        break;
    case VLAPIC_REG_ICR_HIGH:
        if (x2)
            return VLAPIC_GP;
        vl->icr_hi = v & 0xFF000000u;
        break;
    case VLAPIC_REG_LVT_TIMER ... VLAPIC_REG_LVT_ERROR:
        lvt_write(vl, (off - VLAPIC_REG_LVT_TIMER) >> 4, v);
        break;
    case VLAPIC_REG_TIMER_INIT:
        if (TIMER_MODE(vl->lvt[LVT_TIMER]) == TM_DEADLINE)
            break; /* ignored in TSC-deadline mode */
        vl->tmict = v;
        timer_start(vl, to_cycles(vl, now), v);
        break;
    case VLAPIC_REG_TIMER_DIV:
        /* A running count goes on from where it is at the new rate. */
        cur = timer_current(vl, now);
        vl->dcr = v & 0xB;
        if (cur)
            timer_start(vl, to_cycles(vl, now), cur);
        break;
    case VLAPIC_REG_SELF_IPI:
        if (!x2)
            goto reserved;
        if (v & ~0xFFu)
            return VLAPIC_GP;
        send_ipi(vl, v | SH_SELF << 18, 0);
        break;
    case VLAPIC_REG_VERSION:
    case VLAPIC_REG_APR:
    case VLAPIC_REG_PPR:
    case VLAPIC_REG_ISR ... VLAPIC_REG_IRR + 0x70:
    case VLAPIC_REG_TIMER_CUR:
        if (x2)
            return VLAPIC_GP; /* read-only (APR does not exist) */
        break;
    default:
    reserved:
        if (x2)
            return VLAPIC_GP;
        error_raise(vl, VLAPIC_ESR_ILLEGAL_REG);
        break;
    }
    return 0;
}

uint32_t vlapic_mmio_read(struct vlapic *vl, uint32_t offset, uint64_t now)
{
    uint64_t v = 0;

    if (vlapic_mode(vl) != VLAPIC_XAPIC || (offset & 0xF) || offset > 0xFF0)
        return 0;
    reg_read(vl, offset, false, now, &v);
    return (uint32_t)v;
}

void vlapic_mmio_write(struct vlapic *vl, uint32_t offset, uint32_t val, uint64_t now)
{
    if (vlapic_mode(vl) != VLAPIC_XAPIC || (offset & 0xF) || offset > 0xFF0)
        return;
    reg_write(vl, offset, false, val, now);
}

/* IA32_APIC_BASE: the SDM's state machine (disabled -> xAPIC -> x2APIC ->
 * disabled); the other transitions and the EN=0/EXTD=1 state fault.  Going
 * to disabled resets the APIC, so it comes back in its power-up state. */
static int base_write(struct vlapic *vl, uint64_t val)
{
    enum vlapic_mode from = vlapic_mode(vl), to;

    if ((val & BASE_RSVD) || (val & (BASE_EN | BASE_EXTD)) == BASE_EXTD)
        return VLAPIC_GP;
    to = !(val & BASE_EN) ? VLAPIC_DISABLED : (val & BASE_EXTD) ? VLAPIC_X2APIC : VLAPIC_XAPIC;
    if ((from == VLAPIC_DISABLED && to == VLAPIC_X2APIC) ||
        (from == VLAPIC_X2APIC && to == VLAPIC_XAPIC))
        return VLAPIC_GP;
    vl->apic_base = (val & ~BASE_BSP) | (vl->apic_base & BASE_BSP); /* BSP is read-only */
    if (to == VLAPIC_DISABLED && from != VLAPIC_DISABLED) {
        vl->id = (vl->apic_id & 0xFF) << 24;
        regs_reset(vl);
    }
    if (to == VLAPIC_X2APIC && from == VLAPIC_XAPIC)
        vl->ldr = (vl->apic_id >> 4) << 16 | 1u << (vl->apic_id & 15);
    return 0;
}

int vlapic_msr_read(struct vlapic *vl, uint32_t msr, uint64_t now, uint64_t *val)
{
    *val = 0;
    if (msr == VLAPIC_MSR_APIC_BASE) {
        *val = vl->apic_base;
        return 0;
    }
    if (msr == VLAPIC_MSR_TSC_DEADLINE) {
        vlapic_tick(vl, now);
        if (TIMER_MODE(vl->lvt[LVT_TIMER]) == TM_DEADLINE)
            *val = vl->tsc_deadline;
        return 0;
    }
    if (msr - VLAPIC_MSR_X2APIC_BASE > 0xFF || vlapic_mode(vl) != VLAPIC_X2APIC)
        return VLAPIC_GP;
    return reg_read(vl, (msr - VLAPIC_MSR_X2APIC_BASE) << 4, true, now, val);
}

int vlapic_msr_write(struct vlapic *vl, uint32_t msr, uint64_t val, uint64_t now)
{
    if (msr == VLAPIC_MSR_APIC_BASE) {
        vlapic_tick(vl, now);
        return base_write(vl, val);
    }
    if (msr == VLAPIC_MSR_TSC_DEADLINE) {
        if (vlapic_mode(vl) == VLAPIC_DISABLED)
            return 0;
        vlapic_tick(vl, now);
        /* Ignored outside TSC-deadline mode; a past deadline fires now. */
        if (TIMER_MODE(vl->lvt[LVT_TIMER]) == TM_DEADLINE) {
            vl->tsc_deadline = val;
            vlapic_tick(vl, now);
        }
        return 0;
    }
    if (msr - VLAPIC_MSR_X2APIC_BASE > 0xFF || vlapic_mode(vl) != VLAPIC_X2APIC)
        return VLAPIC_GP;
    return reg_write(vl, (msr - VLAPIC_MSR_X2APIC_BASE) << 4, true, val, now);
}
