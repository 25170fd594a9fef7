// SPDX-License-Identifier: GPL-2.0-only
/*
 * The 8254 interval timer (pc/i8254.h).
 *
 * A counter is not stepped clock by clock: its count and OUT are functions
 * of the clocks elapsed in its current cycle ("d" below), computed when
 * asked.  Every call first catches up to its time (catch_up()): it loads
 * the counts of modes 2 and 3 that became due and tells irq0() whether
 * OUT 0 rose since the previous call.  So the model has no loops over
 * time and costs the same whether the guest is read a microsecond or an
 * hour later.
 *
 * The three counters count the edges of one clock, which ticks at
 * I8254_CLOCK_HZ from the owner's time 0: where a write falls between two
 * edges does not change when a count expires, and deadlines are the
 * nanoseconds of edges.  Tick arithmetic splits nanoseconds into whole
 * seconds and the rest, so that ns * 1193182 never overflows 64 bits,
 * whatever the clock says.
 */
#include <string.h>

#include <pc/i8254.h>

#define NS_PER_S 1000000000ull

/* Clock edges up to @ns: floor(ns * I8254_CLOCK_HZ / 1e9), exactly. */
static uint64_t ns_to_ticks(uint64_t ns)
{
    return ns / NS_PER_S * I8254_CLOCK_HZ + ns % NS_PER_S * I8254_CLOCK_HZ / NS_PER_S;
}

/* The time of clock edge @ticks (the first ns at which ns_to_ticks()
 * reaches it), or false if that is past the end of a 64-bit clock. */
static bool ticks_to_ns(uint64_t ticks, uint64_t *ns)
{
    uint64_t rest = ticks % I8254_CLOCK_HZ, whole;
    uint64_t part = (rest * NS_PER_S + I8254_CLOCK_HZ - 1) / I8254_CLOCK_HZ;

    return !__builtin_mul_overflow(ticks / I8254_CLOCK_HZ, NS_PER_S, &whole) &&
           !__builtin_add_overflow(whole, part, ns);
}

/* ---- counts and their formats --------------------------------------------- */

/* The counting element wraps at 2^16, or at 10^4 in BCD. */
static uint32_t modulus(const struct i8254_counter *c)
{
    return c->bcd ? 10000 : 65536;
}

/* Nibbles above 9 count with their binary value: defined, if not useful. */
static uint32_t from_bcd(uint16_t v)
{
    return (v >> 12) * 1000u + (v >> 8 & 0xF) * 100u + (v >> 4 & 0xF) * 10u + (v & 0xF);
}

static uint16_t to_bcd(uint32_t v)
{
    return (uint16_t)((v / 1000 % 10) << 12 | (v / 100 % 10) << 8 | (v / 10 % 10) << 4 | v % 10);
}

/* Clocks per cycle for the count register's value. */
static uint32_t initial_count(const struct i8254_counter *c)
{
    uint32_t n = c->bcd ? from_bcd(c->count_reg) : c->count_reg;

    if (n == 0)
        n = modulus(c);
    /* Illegal on the chip; 2 keeps the period formulas below meaningful. */
    if (n == 1 && (c->mode == 2 || c->mode == 3))
        n = 2;
    return n;
}

static uint32_t mode3_high_clocks(uint32_t n)
{
    return (n + 1) / 2;
}

/* ---- the counting element's clock ------------------------------------------- */

static uint64_t counter_ticks(const struct i8254_counter *c, uint64_t now_ns)
{
    if (!c->running)
        return c->ticks_base;
    return c->ticks_base + (ns_to_ticks(now_ns) - ns_to_ticks(c->run_since_ns));
}

/* Clocks into the current cycle at counter tick @t. */
static uint64_t elapsed(const struct i8254_counter *c, uint64_t t)
{
    return c->phase0 + (t - c->cycle_start);
}

/* Modes 1 and 5 count on whatever GATE does after its trigger. */
static bool gate_enables_counting(const struct i8254_counter *c)
{
    return c->mode == 1 || c->mode == 5 || c->gate;
}

/* The count register goes into the counting element, which starts a cycle. */
static void load(struct i8254_counter *c, uint64_t now_ns)
{
    c->initial = initial_count(c);
    c->phase = I8254_RUNNING;
    c->null_count = false;
    c->ticks_base = 0;
    c->cycle_start = 0;
    c->phase0 = 0;
    c->run_since_ns = now_ns;
    c->running = gate_enables_counting(c);
    c->reload_pending = false;
}

static void suspend(struct i8254_counter *c, uint64_t now_ns)
{
    c->ticks_base = counter_ticks(c, now_ns);
    c->running = false;
}

static void resume(struct i8254_counter *c, uint64_t now_ns)
{
    c->run_since_ns = now_ns;
    c->running = true;
}

/* A count written in mode 2 or 3 while counting: due at the end of this
 * period (mode 3: half-period), where OUT changes anyway. */
static void schedule_reload(struct i8254_counter *c, uint64_t now_ns)
{
    uint64_t t = counter_ticks(c, now_ns), d = elapsed(c, t), n = c->initial;
    uint64_t p = d % n, boundary;

    if (c->mode == 3 && p < mode3_high_clocks(c->initial)) {
        boundary = d - p + mode3_high_clocks(c->initial);
        c->reload_low_half = true;
    } else {
        boundary = d - p + n;
        c->reload_low_half = false;
    }
    c->reload_pending = true;
    c->reload_tick = t + (boundary - d);
}

static void apply_reload(struct i8254_counter *c)
{
    c->initial = initial_count(c);
    c->cycle_start = c->reload_tick;
    c->phase0 = c->reload_low_half ? mode3_high_clocks(c->initial) : 0;
    c->reload_pending = false;
    c->null_count = false;
}

/* ---- OUT and the count as functions of d ------------------------------------- */

static bool out_running(const struct i8254_counter *c, uint64_t d)
{
    uint64_t n = c->initial;

    switch (c->mode) {
    case 0:
    case 1:
        return d >= n;
    case 2:
        return d % n != n - 1;
    case 3:
        return d % n < mode3_high_clocks(c->initial);
    default: /* 4, 5 */
        return d != n;
    }
}

static bool out_at(const struct i8254_counter *c, uint64_t now_ns)
{
    switch (c->phase) {
    case I8254_IDLE:
        return c->mode != 0;
    case I8254_ARMED:
        return true;
    default:
        if ((c->mode == 2 || c->mode == 3) && !c->gate)
            return true;
        return out_running(c, elapsed(c, counter_ticks(c, now_ns)));
    }
}

/* The counting element at d, binary, 0 .. modulus - 1. */
static uint32_t count_running(const struct i8254_counter *c, uint64_t d)
{
    uint64_t n = c->initial, m = modulus(c), p;

    switch (c->mode) {
    case 2:
        return (uint32_t)((n - d % n) % m);
    case 3:
        /* Counts down by two each half-period from n (n - 1 if odd). */
        p = d % n;
        if (p >= mode3_high_clocks(c->initial))
            p -= mode3_high_clocks(c->initial);
        return (uint32_t)((n - (n & 1) - 2 * p) % m);
    default:
        /* One-shots keep counting down past zero, wrapping. */
        return (uint32_t)((n % m + m - d % m) % m);
    }
}

/* What a read of the counting element returns now, in the guest's format. */
static uint16_t current_count(const struct i8254_counter *c, uint64_t now_ns)
{
    uint32_t v;

    if (c->phase != I8254_RUNNING)
        return c->idle_count;
    v = count_running(c, elapsed(c, counter_ticks(c, now_ns)));
    return c->bcd ? to_bcd(v) : (uint16_t)v;
}

/* Whether OUT rises in (da, db] clocks of the current cycle. */
static bool rises_between(const struct i8254_counter *c, uint64_t da, uint64_t db)
{
    uint64_t n = c->initial;

    if (db <= da)
        return false;
    switch (c->mode) {
    case 0:
    case 1:
        return da < n && n <= db;
    case 2:
    case 3:
        return da / n != db / n;
    default:
        return da < n + 1 && n + 1 <= db;
    }
}

/* The first d > @d at which OUT rises, or false. */
static bool next_rise(const struct i8254_counter *c, uint64_t d, uint64_t *rise)
{
    uint64_t n = c->initial;

    switch (c->mode) {
    case 0:
    case 1:
        *rise = n;
        return d < n;
    case 2:
    case 3:
        *rise = (d / n + 1) * n;
        return true;
    default:
        *rise = n + 1;
        return d < n + 1;
    }
}

static uint8_t status_byte(const struct i8254_counter *c, uint64_t now_ns)
{
    return (uint8_t)((out_at(c, now_ns) ? I8254_STATUS_OUT : 0) |
                     (c->null_count ? I8254_STATUS_NULL_COUNT : 0) | c->control);
}

/* ---- IRQ 0 ------------------------------------------------------------------- */

static void set_irq0(struct i8254 *pit, bool level)
{
    pit->irq0_level = level;
    if (pit->irq0)
        pit->irq0(pit->opaque, level);
}

/* Tell irq0() OUT 0's level at @now_ns; @rose: it rose since the last call
 * (coalesced into one pulse). */
static void report_irq0(struct i8254 *pit, bool rose, uint64_t now_ns)
{
    bool level = out_at(&pit->counter[0], now_ns);

    if (rose) {
        if (pit->irq0_level)
            set_irq0(pit, false);
        set_irq0(pit, true);
    }
    if (level != pit->irq0_level)
        set_irq0(pit, level);
}

/* Bring one counter from @from_ns to @to_ns; whether OUT rose meanwhile. */
static bool catch_up_counter(struct i8254_counter *c, uint64_t from_ns, uint64_t to_ns)
{
    uint64_t from, to;
    bool rose = false;

    if (c->phase != I8254_RUNNING || !c->running)
        return false;
    from = counter_ticks(c, from_ns);
    to = counter_ticks(c, to_ns);
    if (c->reload_pending && c->reload_tick <= to) {
        rose = rises_between(c, elapsed(c, from), elapsed(c, c->reload_tick));
        apply_reload(c);
        from = c->reload_tick;
    }
    return rises_between(c, elapsed(c, from), elapsed(c, to)) || rose;
}

/* Every entry point with a time starts here; returns the time to use. */
static uint64_t catch_up(struct i8254 *pit, uint64_t now_ns)
{
    bool rose = false;

    if (now_ns < pit->last_ns)
        now_ns = pit->last_ns;
    for (unsigned i = 0; i < I8254_COUNTERS; i++) {
        bool r = catch_up_counter(&pit->counter[i], pit->last_ns, now_ns);

        if (i == 0)
            rose = r;
    }
    pit->last_ns = now_ns;
    report_irq0(pit, rose, now_ns);
    return now_ns;
}

/* ---- the guest's accesses --------------------------------------------------- */

static void latch_count(struct i8254_counter *c, uint64_t now_ns)
{
    /* A second latch before the first is read is ignored. */
    if (c->latched_bytes)
        return;
    c->latched_count = current_count(c, now_ns);
    c->latched_bytes = c->access == I8254_ACCESS_WORD ? 2 : 1;
}

static void read_back(struct i8254 *pit, uint8_t cmd, uint64_t now_ns)
{
    for (unsigned i = 0; i < I8254_COUNTERS; i++) {
        struct i8254_counter *c = &pit->counter[i];

        if (!(cmd & I8254_RB_COUNTER(i)))
            continue;
        if (!(cmd & I8254_RB_NO_COUNT))
            latch_count(c, now_ns);
        if (!(cmd & I8254_RB_NO_STATUS) && !c->status_latched) {
            c->status = status_byte(c, now_ns);
            c->status_latched = true;
        }
    }
}

static void write_control(struct i8254 *pit, uint8_t cw, uint64_t now_ns)
{
    unsigned select = cw >> I8254_CW_SELECT_SHIFT;
    unsigned access = (cw >> I8254_CW_ACCESS_SHIFT) & 3;
    struct i8254_counter *c;

    if (select == I8254_CW_READ_BACK) {
        read_back(pit, cw, now_ns);
        return;
    }
    c = &pit->counter[select];
    if (access == I8254_ACCESS_LATCH) {
        latch_count(c, now_ns);
        return;
    }
    /* A new mode stops the counter; its count is undefined on the chip,
     * here it keeps what it had. */
    c->idle_count = current_count(c, now_ns);
    c->control = cw & 0x3F;
    c->mode = (cw >> I8254_CW_MODE_SHIFT) & 7;
    if (c->mode >= 6)
        c->mode -= 4;
    c->access = (uint8_t)access;
    c->bcd = cw & I8254_CW_BCD;
    c->write_msb_next = false;
    c->read_msb_next = false;
    c->status_latched = false;
    c->latched_bytes = 0;
    c->phase = I8254_IDLE;
    c->running = false;
    c->reload_pending = false;
    c->null_count = true;
}

/* A complete count is in the count register. */
static void count_written(struct i8254_counter *c, uint64_t now_ns)
{
    c->null_count = true;
    switch (c->mode) {
    case 0:
    case 4:
        load(c, now_ns);
        break;
    case 1:
    case 5:
        /* Counting waits for GATE; a new count waits for the next trigger. */
        if (c->phase == I8254_IDLE)
            c->phase = I8254_ARMED;
        break;
    default: /* 2, 3 */
        if (c->phase != I8254_RUNNING)
            load(c, now_ns);
        else if (c->running)
            schedule_reload(c, now_ns);
        /* else GATE is low: its rising edge loads the new count. */
        break;
    }
}

static void write_count(struct i8254_counter *c, uint8_t byte, uint64_t now_ns)
{
    switch (c->access) {
    case I8254_ACCESS_LSB:
        c->count_reg = byte;
        break;
    case I8254_ACCESS_MSB:
        c->count_reg = (uint16_t)(byte << 8);
        break;
    default:
        if (!c->write_msb_next) {
            c->count_reg = (uint16_t)((c->count_reg & 0xFF00) | byte);
            c->write_msb_next = true;
            if (c->mode == 0) {
                /* Mode 0: the first byte stops counting and drops OUT. */
                c->idle_count = current_count(c, now_ns);
                c->phase = I8254_IDLE;
                c->running = false;
            }
            return;
        }
        c->count_reg = (uint16_t)((c->count_reg & 0x00FF) | byte << 8);
        c->write_msb_next = false;
        break;
    }
    count_written(c, now_ns);
}

static uint8_t read_counter(struct i8254_counter *c, uint64_t now_ns)
{
    uint16_t v;
    bool msb;

    if (c->status_latched) {
        c->status_latched = false;
        return c->status;
    }
    if (c->latched_bytes) {
        v = c->latched_count;
        msb = c->access == I8254_ACCESS_MSB ||
              (c->access == I8254_ACCESS_WORD && c->latched_bytes == 1);
        c->latched_bytes--;
    } else {
        v = current_count(c, now_ns);
        msb = c->access == I8254_ACCESS_MSB || (c->access == I8254_ACCESS_WORD && c->read_msb_next);
        if (c->access == I8254_ACCESS_WORD)
            c->read_msb_next = !c->read_msb_next;
    }
    return (uint8_t)(msb ? v >> 8 : v);
}

static void write_byte(struct i8254 *pit, unsigned offset, uint8_t value, uint64_t now_ns)
{
    if (offset == I8254_PORT_CONTROL)
        write_control(pit, value, now_ns);
    else
        write_count(&pit->counter[offset], value, now_ns);
}

static uint8_t read_byte(struct i8254 *pit, unsigned offset, uint64_t now_ns)
{
    if (offset == I8254_PORT_CONTROL)
        return 0xFF; /* write-only */
    return read_counter(&pit->counter[offset], now_ns);
}

/* ---- API ---------------------------------------------------------------------- */

void i8254_init(struct i8254 *pit, i8254_irq_fn irq0, void *opaque, uint64_t now_ns)
{
    memset(pit, 0, sizeof(*pit));
    pit->irq0 = irq0;
    pit->opaque = opaque;
    pit->last_ns = now_ns;
    for (unsigned i = 0; i < I8254_COUNTERS; i++) {
        struct i8254_counter *c = &pit->counter[i];

        /* As after control word 0x30: LSB then MSB, mode 0, no count. */
        c->control = I8254_ACCESS_WORD << I8254_CW_ACCESS_SHIFT;
        c->access = I8254_ACCESS_WORD;
        c->phase = I8254_IDLE;
        c->null_count = true;
        c->initial = 65536;
        c->gate = i != 2;
    }
    set_irq0(pit, false);
}

uint64_t i8254_io_read(struct i8254 *pit, uint64_t offset, unsigned size, uint64_t now_ns)
{
    uint64_t v = 0;

    if (size < 1 || size > 8)
        return UINT64_MAX;
    now_ns = catch_up(pit, now_ns);
    for (unsigned i = 0; i < size; i++) {
        uint64_t byte = 0xFF;

        if (offset < I8254_PORTS && i < I8254_PORTS - offset)
            byte = read_byte(pit, (unsigned)(offset + i), now_ns);
        v |= byte << (8 * i);
    }
    return v;
}

void i8254_io_write(struct i8254 *pit, uint64_t offset, unsigned size, uint64_t value,
                    uint64_t now_ns)
{
    if (size < 1 || size > 8)
        return;
    now_ns = catch_up(pit, now_ns);
    for (unsigned i = 0; i < size; i++) {
        if (offset >= I8254_PORTS || i >= I8254_PORTS - offset)
            break;
        write_byte(pit, (unsigned)(offset + i), (uint8_t)(value >> (8 * i)), now_ns);
        report_irq0(pit, false, now_ns);
    }
}

void i8254_advance(struct i8254 *pit, uint64_t now_ns)
{
    catch_up(pit, now_ns);
}

uint64_t i8254_irq0_deadline(const struct i8254 *pit)
{
    struct i8254_counter c = pit->counter[0];
    uint64_t t, d, rise, tick, ns;

    if (c.phase != I8254_RUNNING || !c.running)
        return I8254_NO_DEADLINE;
    t = counter_ticks(&c, pit->last_ns);
    d = elapsed(&c, t);
    if (!next_rise(&c, d, &rise))
        return I8254_NO_DEADLINE;
    tick = t + (rise - d);
    /* Mode 3 reloading at a half-period: the new count's first rise. */
    if (c.reload_pending && c.reload_tick < tick) {
        apply_reload(&c);
        d = elapsed(&c, c.reload_tick);
        if (!next_rise(&c, d, &rise))
            return I8254_NO_DEADLINE;
        tick = c.reload_tick + (rise - d);
    }
    /* The counter's tick @tick is the clock's edge
     * ns_to_ticks(run_since_ns) + (tick - ticks_base). */
    if (!ticks_to_ns(ns_to_ticks(c.run_since_ns) + (tick - c.ticks_base), &ns))
        return I8254_NO_DEADLINE;
    return ns;
}

void i8254_set_gate(struct i8254 *pit, unsigned counter, bool level, uint64_t now_ns)
{
    struct i8254_counter *c;

    if (counter >= I8254_COUNTERS)
        return;
    now_ns = catch_up(pit, now_ns);
    c = &pit->counter[counter];
    if (c->gate == level)
        return;
    c->gate = level;
    switch (c->mode) {
    case 0:
    case 4:
        if (c->phase != I8254_RUNNING)
            break;
        if (level)
            resume(c, now_ns);
        else
            suspend(c, now_ns);
        break;
    case 1:
    case 5:
        if (level && c->phase != I8254_IDLE)
            load(c, now_ns); /* the trigger */
        break;
    default: /* 2, 3 */
        if (c->phase != I8254_RUNNING)
            break;
        if (level)
            load(c, now_ns); /* restarts the period with the count register */
        else
            suspend(c, now_ns);
        break;
    }
    report_irq0(pit, false, now_ns);
}

bool i8254_gate(const struct i8254 *pit, unsigned counter)
{
    return counter < I8254_COUNTERS && pit->counter[counter].gate;
}

bool i8254_out(struct i8254 *pit, unsigned counter, uint64_t now_ns)
{
    if (counter >= I8254_COUNTERS)
        return false;
    now_ns = catch_up(pit, now_ns);
    return out_at(&pit->counter[counter], now_ns);
}
