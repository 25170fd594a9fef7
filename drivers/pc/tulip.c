// SPDX-License-Identifier: GPL-2.0-only
/*
 * The 21140A's PCI function, CSRs, interrupts, timers and its two DMA
 * processes (pc/tulip.h).
 *
 * Both processes run synchronously inside the call that wakes them (a CSR
 * write, a received frame, a timer), so the guest only ever sees them
 * stopped, suspended, or (receive) waiting for a frame; CSR5's state
 * fields say which.  Every descriptor and buffer moves through the
 * owner's dma_read/dma_write: nothing here holds a pointer into guest
 * memory, and every guest-supplied size is checked against the buffer it
 * lands in before anything is copied.
 */
#include <string.h>

#include <pc/tulip.h>

#include "tulip_internal.h"

#define CSR0_KEPT  0x01FEFFFEu /* bus mode bits other than SWR (and DAS, must be 0) */
#define CSR6_KEPT  0xC3EEFEEAu /* the writable operation mode bits (pc/tulip.h) */
#define CSR15_KEPT 0x00000037u
#define CSR5_W1C                                                                                   \
    (TULIP_CSR5_TI | TULIP_CSR5_TPS | TULIP_CSR5_TU | TULIP_CSR5_TJT | TULIP_CSR5_UNF |            \
     TULIP_CSR5_RI | TULIP_CSR5_RU | TULIP_CSR5_RPS | TULIP_CSR5_RWT | TULIP_CSR5_GTE |            \
     TULIP_CSR5_FBE | TULIP_CSR5_ERI)
#define CSR5_NORMAL (TULIP_CSR5_TI | TULIP_CSR5_TU | TULIP_CSR5_RI | TULIP_CSR5_ERI)
#define CSR5_ABNORMAL                                                                              \
    (TULIP_CSR5_TPS | TULIP_CSR5_TJT | TULIP_CSR5_UNF | TULIP_CSR5_RU | TULIP_CSR5_RPS |           \
     TULIP_CSR5_RWT | TULIP_CSR5_GTE | TULIP_CSR5_FBE)

#define ETH_HEADER     14u
#define ETH_MAX_LENGTH 1500u /* a larger length/type field is a type */

/* CSR0 TAP: how often a suspended transmitter looks at its list, in ns. */
static const uint32_t tap_interval_ns[8] = {0,     200000, 800000, 1600000,
                                            12800, 25600,  51200,  102400};

static uint32_t get_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

/* ---- interrupts and process states --------------------------------------------- */

static uint32_t csr5_value(const struct tulip *t)
{
    uint32_t enabled = t->csr5 & t->csr7;
    uint32_t v = t->csr5;

    if (enabled & CSR5_NORMAL)
        v |= TULIP_CSR5_NIS;
    if (enabled & CSR5_ABNORMAL)
        v |= TULIP_CSR5_AIS;
    return v;
}

static void update_irq(struct tulip *t)
{
    uint32_t v = csr5_value(t) & t->csr7;
    bool level = v & (TULIP_CSR5_NIS | TULIP_CSR5_AIS);

    if (level == t->irq_level)
        return;
    t->irq_level = level;
    if (t->ops.set_irq)
        t->ops.set_irq(t->ops.opaque, level);
}

static unsigned rx_state(const struct tulip *t)
{
    return (t->csr5 & TULIP_CSR5_RS_MASK) >> TULIP_CSR5_RS_SHIFT;
}

static unsigned tx_state(const struct tulip *t)
{
    return (t->csr5 & TULIP_CSR5_TS_MASK) >> TULIP_CSR5_TS_SHIFT;
}

static void set_rx_state(struct tulip *t, unsigned state)
{
    t->csr5 = (t->csr5 & ~TULIP_CSR5_RS_MASK) | state << TULIP_CSR5_RS_SHIFT;
}

static void set_tx_state(struct tulip *t, unsigned state)
{
    t->csr5 = (t->csr5 & ~TULIP_CSR5_TS_MASK) | state << TULIP_CSR5_TS_SHIFT;
    if (state != TULIP_TS_SUSPENDED)
        t->tap_next = TULIP_NO_DEADLINE;
}

/* ---- DMA -------------------------------------------------------------------------- */

static bool bus_master(const struct tulip *t)
{
    return pci_function_command(&t->fn) & PCI_CMD_MASTER;
}

static bool dma_read(const struct tulip *t, uint32_t gpa, void *buf, size_t len)
{
    if (!len)
        return true;
    return t->ops.dma_read && t->ops.dma_read(t->ops.opaque, gpa, buf, len);
}

static bool dma_write(struct tulip *t, uint32_t gpa, const void *buf, size_t len)
{
    if (!len)
        return true;
    return t->ops.dma_write && t->ops.dma_write(t->ops.opaque, gpa, buf, len);
}

static bool read_desc(const struct tulip *t, uint32_t gpa, uint32_t d[4])
{
    uint8_t raw[TULIP_DESC_SIZE];

    if (!dma_read(t, gpa, raw, sizeof(raw)))
        return false;
    for (unsigned i = 0; i < 4; i++)
        d[i] = get_le32(raw + 4 * i);
    return true;
}

/* Closing a descriptor writes its status word alone (OWN clear). */
static bool write_status(struct tulip *t, uint32_t gpa, uint32_t status)
{
    uint8_t raw[4];

    put_le32(raw, status);
    return dma_write(t, gpa, raw, sizeof(raw));
}

/* The descriptor after the one at @gpa whose control word is @des1. */
static uint32_t next_desc(const struct tulip *t, uint32_t gpa, uint32_t des1, uint32_t des3,
                          uint32_t base)
{
    uint32_t skip = (t->csr0 >> TULIP_CSR0_DSL_SHIFT) & TULIP_CSR0_DSL_MASK;

    if (des1 & TULIP_DES1_ER)
        return base;
    if (des1 & TULIP_DES1_CH)
        return des3 & ~3u;
    return gpa + TULIP_DESC_SIZE + 4u * skip;
}

/* An access outside guest RAM: the chip gets a master abort, reports a
 * fatal bus error and the process that made it stops. */
static void bus_error(struct tulip *t, bool transmit)
{
    t->csr5 = (t->csr5 & ~TULIP_CSR5_EB_MASK) | TULIP_CSR5_FBE | TULIP_CSR5_EB_MABT;
    pci_function_set_status(&t->fn, PCI_STS_RCV_MASTER_ABORT);
    if (transmit) {
        set_tx_state(t, TULIP_TS_STOPPED);
        t->tx_len = 0;
    } else {
        set_rx_state(t, TULIP_RS_STOPPED);
    }
}

/* ---- receive ---------------------------------------------------------------------- */

static void count_missed(struct tulip *t)
{
    if ((t->missed & TULIP_CSR8_MFC_MASK) == TULIP_CSR8_MFC_MASK)
        t->missed |= TULIP_CSR8_MFO;
    else
        t->missed++;
}

static void rx_unavailable(struct tulip *t)
{
    if (rx_state(t) != TULIP_RS_SUSPENDED) {
        set_rx_state(t, TULIP_RS_SUSPENDED);
        t->csr5 |= TULIP_CSR5_RU;
    }
}

/* Look at the current descriptor (receive start, poll demand). */
static void rx_check(struct tulip *t)
{
    uint32_t d[4];

    if (rx_state(t) == TULIP_RS_STOPPED || !bus_master(t))
        return;
    if (!read_desc(t, t->rx_desc, d))
        bus_error(t, false);
    else if (d[0] & TULIP_DES0_OWN)
        set_rx_state(t, TULIP_RS_WAIT);
    else
        rx_unavailable(t);
}

static bool accepted(const struct tulip *t, const uint8_t *dst, uint32_t *status)
{
    if (tulip_filter_match(&t->filter, dst))
        return true;
    if (t->csr6 & TULIP_CSR6_PR)
        return true;
    if ((t->csr6 & TULIP_CSR6_PM) && (dst[0] & 1u))
        return true;
    if (t->csr6 & TULIP_CSR6_RA) {
        *status |= TULIP_RDES0_FF;
        return true;
    }
    return false;
}

/*
 * Write @total bytes of @buf into the receive list from the current
 * descriptor (which the caller found owned, in @d).  Each descriptor is
 * closed once the next one is known to be owned, so that a frame that runs
 * out of descriptors (or of this call's budget of fetches) can be ended on
 * the last one it got (LS, ES, DE).
 */
static bool rx_store(struct tulip *t, uint32_t d[4], const uint8_t *buf, size_t total,
                     uint32_t flags)
{
    uint32_t gpa = t->rx_desc;
    uint32_t fl = (uint32_t)total << TULIP_RDES0_FL_SHIFT & TULIP_RDES0_FL_MASK;
    uint32_t first = TULIP_RDES0_FS;
    size_t done = 0;

    for (;;) {
        bool chained = d[1] & TULIP_DES1_CH;
        size_t size[2] = {d[1] & TULIP_DES1_SIZE_MASK,
                          chained ? 0 : (d[1] >> TULIP_DES1_SIZE2_SH) & TULIP_DES1_SIZE_MASK};
        uint32_t next = next_desc(t, gpa, d[1], d[3], t->csr3);
        uint32_t nd[4];
        bool budget;

        for (unsigned b = 0; b < 2; b++) {
            size_t n = total - done < size[b] ? total - done : size[b];

            if (!dma_write(t, d[2 + b], buf + done, n)) {
                bus_error(t, false);
                return false;
            }
            done += n;
        }
        if (done == total) {
            if (!write_status(t, gpa, first | TULIP_RDES0_LS | fl | flags)) {
                bus_error(t, false);
                return false;
            }
            t->rx_desc = next;
            t->csr5 |= TULIP_CSR5_RI;
            return true;
        }
        budget = t->walk_left > 0;
        if (budget) {
            t->walk_left--;
            if (!read_desc(t, next, nd)) {
                bus_error(t, false);
                return false;
            }
        }
        if (!budget || !(nd[0] & TULIP_DES0_OWN)) {
            /* Truncated: the frame ends in this descriptor. */
            uint32_t st = first | TULIP_RDES0_LS | TULIP_DES0_ES | TULIP_RDES0_DE | fl | flags;

            if (!write_status(t, gpa, st)) {
                bus_error(t, false);
                return false;
            }
            t->rx_desc = next;
            t->csr5 |= TULIP_CSR5_RI;
            if (budget)
                rx_unavailable(t);
            return false;
        }
        if (!write_status(t, gpa, first)) {
            bus_error(t, false);
            return false;
        }
        first = 0;
        gpa = next;
        t->rx_desc = next;
        memcpy(d, nd, sizeof(nd));
    }
}

/* A frame from the wire or the loopback path, without FCS. */
static bool rx_frame(struct tulip *t, const uint8_t *frame, size_t len, uint32_t flags)
{
    uint8_t buf[TULIP_MAX_FRAME + TULIP_FCS_SIZE];
    size_t padded = len < TULIP_MIN_FRAME ? TULIP_MIN_FRAME : len;
    uint32_t d[4];
    bool ok;

    if (rx_state(t) == TULIP_RS_STOPPED || !frame || len < ETH_HEADER || len > TULIP_MAX_FRAME)
        return false;
    if (!accepted(t, frame, &flags))
        return false;
    if (!bus_master(t) || !t->walk_left) {
        count_missed(t);
        return false;
    }
    t->walk_left--;
    if (!read_desc(t, t->rx_desc, d)) {
        bus_error(t, false);
        update_irq(t);
        return false;
    }
    if (!(d[0] & TULIP_DES0_OWN)) {
        rx_unavailable(t);
        count_missed(t);
        update_irq(t);
        return false;
    }
    set_rx_state(t, TULIP_RS_WAIT);

    /* As on the wire: padded to the minimum, then the FCS. */
    memcpy(buf, frame, len);
    memset(buf + len, 0, padded - len);
    put_le32(buf + padded, ~tulip_crc32_le(buf, padded));
    if (frame[0] & 1u)
        flags |= TULIP_RDES0_MF;
    if ((unsigned)(frame[12] << 8 | frame[13]) > ETH_MAX_LENGTH)
        flags |= TULIP_RDES0_FT;

    ok = rx_store(t, d, buf, padded + TULIP_FCS_SIZE, flags);
    update_irq(t);
    return ok;
}

bool tulip_receive(struct tulip *t, const uint8_t *frame, size_t len)
{
    t->walk_left = TULIP_WALK_MAX;
    return rx_frame(t, frame, len, 0);
}

bool tulip_rx_ready(const struct tulip *t)
{
    uint32_t d[4];

    if (rx_state(t) == TULIP_RS_STOPPED || !bus_master(t))
        return false;
    return read_desc(t, t->rx_desc, d) && (d[0] & TULIP_DES0_OWN);
}

/* ---- transmit --------------------------------------------------------------------- */

enum tx_result {
    TX_DONE,      /* close the descriptor with the status */
    TX_JABBER,    /* close it, then stop: the frame is too long */
    TX_BUS_ERROR, /* leave it: the process stops */
};

/* The buffers of the descriptor @d, in ring mode buffer 2 as well. */
static void tx_sizes(const uint32_t d[4], size_t size[2])
{
    size[0] = d[1] & TULIP_DES1_SIZE_MASK;
    size[1] = (d[1] & TULIP_DES1_CH) ? 0 : (d[1] >> TULIP_DES1_SIZE2_SH) & TULIP_DES1_SIZE_MASK;
}

static enum tx_result tx_setup(struct tulip *t, const uint32_t d[4], uint32_t *status)
{
    static const enum tulip_filter_mode modes[4] = {TULIP_FILTER_PERFECT, TULIP_FILTER_HASH,
                                                    TULIP_FILTER_INVERSE, TULIP_FILTER_HASH_ONLY};
    uint8_t frame[TULIP_SETUP_SIZE];
    unsigned type = !!(d[1] & TULIP_TDES1_FT1) << 1 | !!(d[1] & TULIP_TDES1_FT0);
    size_t size[2];

    tx_sizes(d, size);
    if (size[0] + size[1] != TULIP_SETUP_SIZE) {
        *status = TULIP_DES0_ES;
        return TX_DONE;
    }
    if (!dma_read(t, d[2], frame, size[0]) || !dma_read(t, d[3], frame + size[0], size[1]))
        return TX_BUS_ERROR;
    tulip_filter_setup(&t->filter, modes[type], frame);
    *status = TULIP_TDES0_SETUP;
    return TX_DONE;
}

/* The gathered frame goes to the wire, or back to the receiver. */
static void tx_send(struct tulip *t)
{
    size_t len = t->tx_len;
    uint32_t loop = t->csr6 & TULIP_CSR6_OM_MASK;

    if (t->tx_flags & TULIP_TDES1_AC) /* the guest's own FCS */
        len = len >= TULIP_FCS_SIZE ? len - TULIP_FCS_SIZE : 0;
    if (!(t->tx_flags & TULIP_TDES1_DPD) && len < TULIP_MIN_FRAME) {
        memset(t->tx_frame + len, 0, TULIP_MIN_FRAME - len);
        len = TULIP_MIN_FRAME;
    }
    if (len < ETH_HEADER)
        return; /* a runt nobody would receive */
    if (loop)
        (void)rx_frame(t, t->tx_frame, len, (loop >> 10) << 12); /* DT: the loopback mode */
    else if (t->ops.transmit)
        t->ops.transmit(t->ops.opaque, t->tx_frame, len);
}

static enum tx_result tx_data(struct tulip *t, const uint32_t d[4], uint32_t *status)
{
    size_t size[2], limit;

    if (d[1] & TULIP_TDES1_FS) {
        t->tx_len = 0;
        t->tx_flags = d[1] & (TULIP_TDES1_AC | TULIP_TDES1_DPD);
    }
    limit = TULIP_MAX_FRAME + ((t->tx_flags & TULIP_TDES1_AC) ? TULIP_FCS_SIZE : 0);
    tx_sizes(d, size);
    for (unsigned b = 0; b < 2; b++) {
        if (size[b] > limit - t->tx_len) {
            /* The jabber timer would cut it off. */
            *status = TULIP_DES0_ES | TULIP_TDES0_TO;
            t->tx_len = 0;
            return TX_JABBER;
        }
        if (!dma_read(t, d[2 + b], t->tx_frame + t->tx_len, size[b]))
            return TX_BUS_ERROR;
        t->tx_len += size[b];
    }
    *status = 0;
    if (d[1] & TULIP_TDES1_LS) {
        tx_send(t);
        t->tx_len = 0;
    }
    return TX_DONE;
}

/* A suspended transmitter with CSR0's TAP set looks at its list again. */
static void tap_rearm(struct tulip *t)
{
    uint32_t interval = tap_interval_ns[(t->csr0 >> TULIP_CSR0_TAP_SHIFT) & TULIP_CSR0_TAP_MASK];

    if (tx_state(t) != TULIP_TS_SUSPENDED)
        return;
    t->tap_next = interval ? t->now + interval : TULIP_NO_DEADLINE;
}

/*
 * Run the transmit list from the current descriptor until one is not ours.
 * @automatic: a TAP poll, which finds nothing new without raising TU again.
 */
static void tx_poll(struct tulip *t, bool automatic)
{
    if (tx_state(t) == TULIP_TS_STOPPED || !bus_master(t))
        return;
    /* Frames looped back to the receiver share this poll's budget. */
    t->walk_left = TULIP_WALK_MAX;
    for (unsigned n = 0; t->walk_left > 0; n++) {
        uint32_t d[4], status = 0, gpa = t->tx_desc, next;
        enum tx_result r;

        t->walk_left--;
        if (!read_desc(t, gpa, d)) {
            bus_error(t, true);
            return;
        }
        if (!(d[0] & TULIP_DES0_OWN)) {
            if (!automatic || n > 0 || tx_state(t) != TULIP_TS_SUSPENDED)
                t->csr5 |= TULIP_CSR5_TU;
            set_tx_state(t, TULIP_TS_SUSPENDED);
            tap_rearm(t);
            return;
        }
        set_tx_state(t, TULIP_TS_RUNNING);
        next = next_desc(t, gpa, d[1], d[3], t->csr4);
        r = (d[1] & TULIP_TDES1_SET) ? tx_setup(t, d, &status) : tx_data(t, d, &status);
        if (r == TX_BUS_ERROR || !write_status(t, gpa, status)) {
            bus_error(t, true);
            return;
        }
        t->tx_desc = next;
        if ((d[1] & TULIP_TDES1_IC) && (d[1] & (TULIP_TDES1_LS | TULIP_TDES1_SET)))
            t->csr5 |= TULIP_CSR5_TI;
        if (r == TX_JABBER) {
            t->csr5 |= TULIP_CSR5_TJT | TULIP_CSR5_TPS;
            set_tx_state(t, TULIP_TS_STOPPED);
            return;
        }
    }
    /* Walked far enough for one poll: still running, the next poll goes on. */
}

/* ---- timers ----------------------------------------------------------------------- */

static void gpt_write(struct tulip *t, uint32_t v)
{
    uint32_t count = v & TULIP_CSR11_VALUE_MASK;
    bool fast = (t->csr6 & TULIP_CSR6_PS) && !(t->csr6 & TULIP_CSR6_TTM);

    t->gpt_value = v & (TULIP_CSR11_VALUE_MASK | TULIP_CSR11_CON);
    t->gpt_running = count != 0;
    t->gpt_unit = fast ? TULIP_GPT_UNIT_100_NS : TULIP_GPT_UNIT_10_NS;
    t->gpt_period = (uint64_t)count * t->gpt_unit;
    t->gpt_expiry = t->now + t->gpt_period;
}

static uint32_t gpt_read(const struct tulip *t)
{
    uint64_t left;

    if (!t->gpt_running)
        return t->gpt_value & TULIP_CSR11_CON;
    left = t->gpt_expiry > t->now ? t->gpt_expiry - t->now : 0;
    return (t->gpt_value & TULIP_CSR11_CON) | (uint32_t)((left + t->gpt_unit - 1) / t->gpt_unit);
}

void tulip_advance(struct tulip *t, uint64_t now_ns)
{
    if (now_ns > t->now)
        t->now = now_ns;
    if (t->gpt_running && t->now >= t->gpt_expiry) {
        t->csr5 |= TULIP_CSR5_GTE;
        if (t->gpt_value & TULIP_CSR11_CON)
            t->gpt_expiry += ((t->now - t->gpt_expiry) / t->gpt_period + 1) * t->gpt_period;
        else
            t->gpt_running = false;
    }
    if (t->tap_next != TULIP_NO_DEADLINE && t->now >= t->tap_next) {
        t->tap_next = TULIP_NO_DEADLINE;
        if (tx_state(t) == TULIP_TS_SUSPENDED)
            tx_poll(t, true);
    }
    update_irq(t);
}

uint64_t tulip_deadline(const struct tulip *t)
{
    uint64_t d = t->tap_next;

    if (t->gpt_running && t->gpt_expiry < d)
        d = t->gpt_expiry;
    return d;
}

/* ---- CSRs ------------------------------------------------------------------------- */

/* SWR, or (@power_on) a platform reset, which also clears the port select. */
static void chip_reset(struct tulip *t, bool power_on)
{
    uint32_t keep = power_on ? 0 : t->csr6 & TULIP_CSR6_PS;

    t->csr0 = 0;
    t->csr3 = 0;
    t->csr4 = 0;
    t->csr5 = 0; /* both processes stopped */
    t->csr6 = keep;
    t->csr7 = 0;
    t->csr9 = 0;
    t->csr15 = 0;
    t->missed = 0;
    t->gp_dir = 0;
    t->gp_out = 0;
    t->rx_desc = 0;
    t->tx_desc = 0;
    t->tx_len = 0;
    t->tx_flags = 0;
    t->gpt_running = false;
    t->gpt_value = 0;
    t->gpt_unit = TULIP_GPT_UNIT_10_NS;
    t->gpt_period = 0;
    t->gpt_expiry = 0;
    t->tap_next = TULIP_NO_DEADLINE;
    tulip_filter_reset(&t->filter);
    tulip_srom_reset(&t->srom);
    if (power_on)
        tulip_mii_reset(&t->mii);
    update_irq(t);
}

static void csr6_write(struct tulip *t, uint32_t v)
{
    uint32_t old = t->csr6;

    t->csr6 = v & CSR6_KEPT;
    if ((old ^ t->csr6) & TULIP_CSR6_SR) {
        if (t->csr6 & TULIP_CSR6_SR) {
            set_rx_state(t, TULIP_RS_WAIT);
            rx_check(t);
        } else {
            set_rx_state(t, TULIP_RS_STOPPED);
        }
    }
    if ((old ^ t->csr6) & TULIP_CSR6_ST) {
        if (t->csr6 & TULIP_CSR6_ST) {
            set_tx_state(t, TULIP_TS_RUNNING);
            tx_poll(t, false);
        } else {
            set_tx_state(t, TULIP_TS_STOPPED);
        }
    }
}

static void csr9_write(struct tulip *t, uint32_t v)
{
    bool rom = v & TULIP_CSR9_SR;

    t->csr9 = v;
    tulip_srom_pins(&t->srom, rom && (v & TULIP_CSR9_SROM_CS), rom && (v & TULIP_CSR9_SROM_SK),
                    v & TULIP_CSR9_SROM_DI);
    tulip_mii_pins(&t->mii, v & TULIP_CSR9_MDC, v & TULIP_CSR9_MDO, !(v & TULIP_CSR9_MII_RD));
}

static uint32_t csr9_read(const struct tulip *t)
{
    uint32_t v = t->csr9 & ~(TULIP_CSR9_SROM_DO | TULIP_CSR9_MDI);
    bool mdi;

    if ((t->csr9 & TULIP_CSR9_SR) && tulip_srom_dout(&t->srom))
        v |= TULIP_CSR9_SROM_DO;
    /* While the 21140 drives MDIO it reads back its own level. */
    if (t->csr9 & TULIP_CSR9_MII_RD)
        mdi = tulip_mii_mdi(&t->mii);
    else
        mdi = t->csr9 & TULIP_CSR9_MDO;
    if (mdi)
        v |= TULIP_CSR9_MDI;
    return v;
}

static void csr_write(struct tulip *t, unsigned csr, uint32_t v)
{
    switch (csr) {
    case 0:
        if (v & TULIP_CSR0_SWR) {
            chip_reset(t, false);
            return;
        }
        t->csr0 = v & CSR0_KEPT;
        tap_rearm(t);
        break;
    case 1:
        tx_poll(t, false);
        break;
    case 2:
        rx_check(t);
        break;
    case 3:
        t->csr3 = v & ~3u;
        if (rx_state(t) == TULIP_RS_STOPPED)
            t->rx_desc = t->csr3;
        break;
    case 4:
        t->csr4 = v & ~3u;
        if (tx_state(t) == TULIP_TS_STOPPED)
            t->tx_desc = t->csr4;
        break;
    case 5:
        t->csr5 &= ~(v & CSR5_W1C);
        break;
    case 6:
        csr6_write(t, v);
        break;
    case 7:
        t->csr7 = v & TULIP_CSR7_MASK;
        break;
    case 9:
        csr9_write(t, v);
        break;
    case 11:
        gpt_write(t, v);
        break;
    case 12:
        if (v & TULIP_CSR12_DIR)
            t->gp_dir = (uint8_t)v;
        else
            t->gp_out = (uint8_t)v;
        break;
    case 15:
        t->csr15 = v & CSR15_KEPT;
        break;
    default:
        break; /* CSR8 is read-only; CSR10, 13, 14 are not there */
    }
    update_irq(t);
}

static uint32_t csr_read(struct tulip *t, unsigned csr)
{
    uint32_t v;

    switch (csr) {
    case 0:
        return t->csr0;
    case 3:
        return t->csr3;
    case 4:
        return t->csr4;
    case 5:
        return csr5_value(t);
    case 6:
        return t->csr6 | tulip_filter_csr6_bits(&t->filter);
    case 7:
        return t->csr7;
    case 8:
        v = t->missed;
        t->missed = 0;
        return v;
    case 9:
        return csr9_read(t);
    case 11:
        return gpt_read(t);
    case 12:
        return (uint32_t)(t->gp_out & t->gp_dir); /* inputs read 0 */
    case 15:
        return t->csr15;
    default:
        return 0;
    }
}

/* The dword at @dword (4-aligned) of the BAR. */
static uint32_t read_dword(struct tulip *t, unsigned dword)
{
    if (dword >= TULIP_CSR_SIZE || dword % 8)
        return 0;
    return csr_read(t, dword / 8);
}

uint32_t tulip_io_read(struct tulip *t, unsigned offset, unsigned size)
{
    uint64_t both;
    unsigned lane = offset & 3u;

    if ((size != 1 && size != 2 && size != 4) || offset >= TULIP_CSR_SIZE)
        return 0xFFFFFFFFu;
    both = read_dword(t, offset & ~3u);
    if (lane + size > 4)
        both |= (uint64_t)read_dword(t, (offset & ~3u) + 4) << 32;
    both >>= 8 * lane;
    return size == 4 ? (uint32_t)both : (uint32_t)both & ((1u << (8 * size)) - 1);
}

void tulip_io_write(struct tulip *t, unsigned offset, unsigned size, uint32_t value)
{
    if (size != 4 || offset >= TULIP_CSR_SIZE || offset % 8)
        return;
    csr_write(t, offset / 8, value);
}

/* ---- the PCI function ----------------------------------------------------------- */

static void bar_changed(struct pci_function *fn, unsigned bar, const struct pci_bar_window *old,
                        const struct pci_bar_window *now)
{
    struct tulip *t = fn->opaque;

    (void)old;
    if (t->ops.bar_changed)
        t->ops.bar_changed(t->ops.opaque, bar, now);
}

static const struct pci_function_ops tulip_function_ops = {
    .bar_changed = bar_changed,
};

static void init_function(struct tulip *t)
{
    static const struct pci_id id = {
        .vendor = TULIP_VENDOR_ID,
        .device = TULIP_DEVICE_ID,
        .revision = TULIP_REVISION,
        .class_code = TULIP_CLASS,
        .header_type = 0,
    };
    struct pci_function *fn = &t->fn;

    pci_function_init(fn, &id, &tulip_function_ops, t);
    pci_function_set_wmask(fn, PCI_CFG_COMMAND, 2,
                           PCI_CMD_IO | PCI_CMD_MEMORY | PCI_CMD_MASTER | 0x0010 /* MWI */ |
                               PCI_CMD_PARITY | PCI_CMD_SERR);
    pci_function_set_reg(fn, PCI_CFG_STATUS, 2, PCI_STS_DEVSEL_MEDIUM | PCI_STS_FAST_B2B);
    pci_function_set_wmask(fn, PCI_CFG_CACHE_LINE_SIZE, 1, 0xFF);
    pci_function_set_wmask(fn, PCI_CFG_LATENCY_TIMER, 1, 0xFF);
    pci_function_set_reg(fn, PCI_CFG_SUBSYSTEM, 2, TULIP_SUBSYSTEM_VENDOR);
    pci_function_set_reg(fn, PCI_CFG_SUBSYSTEM + 2, 2, TULIP_SUBSYSTEM_ID);
    pci_function_set_reg(fn, PCI_CFG_INTERRUPT_PIN, 1, 1);
    (void)pci_function_set_bar(fn, TULIP_IO_BAR, PCI_BAR_IO, TULIP_CSR_SIZE, false);
    (void)pci_function_set_bar(fn, TULIP_MMIO_BAR, PCI_BAR_MEM32, TULIP_CSR_SIZE, false);
    pci_function_set_wmask(fn, TULIP_CFDD, 4, 0xFFFFFFFFu);
    pci_function_commit(fn);
}

int tulip_init(struct tulip *t, struct pci_bus *bus, unsigned device, const uint8_t mac[6],
               const struct tulip_ops *ops)
{
    memset(t, 0, sizeof(*t));
    if (ops)
        t->ops = *ops;
    memcpy(t->mac, mac, sizeof(t->mac));
    init_function(t);
    tulip_srom_init(&t->srom, mac);
    chip_reset(t, true);

    if (device >= PCI_DEVICES || pci_bus_function(bus, device, TULIP_FUNCTION))
        return -1;
    (void)pci_bus_attach(bus, device, TULIP_FUNCTION, &t->fn);
    return 0;
}

void tulip_reset(struct tulip *t)
{
    pci_function_reset(&t->fn);
    chip_reset(t, true);
}

struct pci_bar_window tulip_io_bar(const struct tulip *t)
{
    return pci_function_bar_window(&t->fn, TULIP_IO_BAR);
}

struct pci_bar_window tulip_mmio_bar(const struct tulip *t)
{
    return pci_function_bar_window(&t->fn, TULIP_MMIO_BAR);
}
