// SPDX-License-Identifier: GPL-2.0-only
/*
 * The MII management interface of the 21140 (pc/tulip.h) and the one PHY
 * on it: IEEE 802.3 clause 22 frames, bit-banged by the driver through
 * CSR9's MDC and MDIO bits, decoded here one rising MDC edge at a time.
 *
 * A frame is 32 preamble ones, start 01, opcode (10 read, 01 write), PHY
 * address and register address (5 bits each), a turnaround and 16 data
 * bits.  On a read the PHY lets the first turnaround bit float, drives the
 * second low and then the data, each bit changing after a rising edge, and
 * floats again after the last one; the line has a pull-up, so whatever
 * nobody drives reads 1 (a read of an absent PHY returns 0xffff, which is
 * how Linux's tulip_find_mii() tells where a PHY is).  Linux samples MDIO
 * before each of its 19 read clocks (media.c, tulip_mdio_read()): float,
 * the low turnaround bit, 16 data bits, float; it keeps bits 16-1.
 *
 * The PHY: link always up at 100 Mbit/s full duplex through a partner
 * that advertises every 10/100 mode; negotiation always complete.
 */
#include "tulip_internal.h"

enum mii_state {
    MII_IDLE,  /* counting preamble ones */
    MII_START, /* the 0 of the start bits seen, waiting for the 1 */
    MII_HDR,   /* opcode, PHY address, register address */
    MII_READ,  /* the PHY drives the turnaround and data */
    MII_WRITE, /* taking the turnaround and data */
};

#define MII_PREAMBLE   32u
#define MII_HDR_BITS   12u /* opcode 2, PHY 5, register 5 */
#define MII_READ_EDGES 18u /* the low turnaround bit, 16 data bits, release */
#define MII_WRITE_BITS 18u /* turnaround 2, data 16 */
#define MII_OP_WRITE   1u
#define MII_OP_READ    2u

#define MII_BMCR   0
#define MII_BMSR   1
#define MII_PHYID1 2
#define MII_PHYID2 3
#define MII_ANAR   4
#define MII_ANLPAR 5
#define MII_ANER   6

#define BMCR_RESET     0x8000u
#define BMCR_ANRESTART 0x0200u
#define BMCR_WRITABLE                                                                              \
    0x7D80u /* loopback, speed, AN enable, power down, isolate, duplex, coll. test */
#define BMCR_DEFAULT   0x1000u /* autonegotiation enabled */
#define BMSR_VALUE     0x782Du /* 100/10 FD/HD, AN complete, AN able, link up, extended regs */
#define ANAR_DEFAULT   0x01E1u /* 100/10 FD/HD, IEEE 802.3 */
#define ANAR_READ_ONLY 0x4000u /* acknowledge */
#define ANLPAR_VALUE   0x45E1u /* acknowledge, 100/10 FD/HD, IEEE 802.3 */
#define ANER_VALUE     0x0001u /* the partner negotiates */

void tulip_mii_reset(struct tulip_mii *m)
{
    m->bmcr = BMCR_DEFAULT;
    m->anar = ANAR_DEFAULT;
    m->state = MII_IDLE;
    m->bits = 0;
    m->ones = 0;
    m->shift = 0;
    m->rdata = 0;
    m->mdio_phy = false;
    m->mdio_out = true;
    m->mdc = false;
}

uint16_t tulip_mii_read_reg(const struct tulip_mii *m, unsigned reg)
{
    switch (reg) {
    case MII_BMCR:
        return m->bmcr;
    case MII_BMSR:
        return BMSR_VALUE;
    case MII_PHYID1:
        return TULIP_PHY_ID1;
    case MII_PHYID2:
        return TULIP_PHY_ID2;
    case MII_ANAR:
        return m->anar;
    case MII_ANLPAR:
        return ANLPAR_VALUE;
    case MII_ANER:
        return ANER_VALUE;
    default:
        return 0;
    }
}

static void write_reg(struct tulip_mii *m, unsigned reg, uint16_t value)
{
    switch (reg) {
    case MII_BMCR:
        if (value & BMCR_RESET) {
            m->bmcr = BMCR_DEFAULT;
            m->anar = ANAR_DEFAULT;
        } else {
            /* A restart of negotiation completes at once and self-clears. */
            m->bmcr = value & BMCR_WRITABLE;
        }
        break;
    case MII_ANAR:
        m->anar = value & (uint16_t)~ANAR_READ_ONLY;
        break;
    default:
        break; /* read-only or not implemented */
    }
}

static void idle(struct tulip_mii *m)
{
    m->state = MII_IDLE;
    m->ones = 0;
    m->mdio_phy = false;
}

/* One rising MDC edge with @bit on MDIO. */
static void clock_in(struct tulip_mii *m, bool bit)
{
    switch (m->state) {
    case MII_IDLE:
        if (bit) {
            if (m->ones < MII_PREAMBLE)
                m->ones++;
        } else if (m->ones >= MII_PREAMBLE) {
            m->state = MII_START;
        } else {
            m->ones = 0;
        }
        break;
    case MII_START:
        if (!bit) {
            idle(m);
            break;
        }
        m->state = MII_HDR;
        m->bits = 0;
        m->shift = 0;
        break;
    case MII_HDR: {
        unsigned op, phy, reg;

        m->shift = m->shift << 1 | bit;
        if (++m->bits < MII_HDR_BITS)
            break;
        op = (m->shift >> 10) & 3u;
        phy = (m->shift >> 5) & 0x1Fu;
        reg = m->shift & 0x1Fu;
        if (op == MII_OP_READ && phy == TULIP_PHY_ADDR) {
            /* The first turnaround bit floats: nothing to drive yet. */
            m->rdata = tulip_mii_read_reg(m, reg);
            m->state = MII_READ;
            m->bits = 0;
        } else if (op == MII_OP_WRITE && phy == TULIP_PHY_ADDR) {
            m->state = MII_WRITE;
            m->bits = 0;
            m->shift = reg; /* the data are shifted in above it */
        } else {
            idle(m); /* another PHY's, or not a clause 22 frame */
        }
        break;
    }
    case MII_READ:
        m->bits++;
        if (m->bits == 1) {
            m->mdio_phy = true;
            m->mdio_out = false; /* the second turnaround bit */
        } else if (m->bits <= 1 + 16) {
            m->mdio_out = (m->rdata >> (16 + 1 - m->bits)) & 1u;
        } else {
            idle(m); /* released after the last data bit */
        }
        break;
    case MII_WRITE:
        m->shift = m->shift << 1 | bit;
        if (++m->bits < MII_WRITE_BITS)
            break;
        /* shift: register (5 bits), turnaround (2, ignored), data (16). */
        write_reg(m, (m->shift >> MII_WRITE_BITS) & 0x1Fu, (uint16_t)m->shift);
        idle(m);
        break;
    default:
        idle(m);
        break;
    }
}

void tulip_mii_pins(struct tulip_mii *m, bool mdc, bool mdo, bool drive)
{
    bool rising = mdc && !m->mdc;
    bool line;

    m->mdc = mdc;
    if (!rising)
        return;
    /* What the PHY samples: the 21140's level, or else its own, or else
     * the pull-up. */
    line = drive ? mdo : tulip_mii_mdi(m);
    clock_in(m, line);
}

bool tulip_mii_mdi(const struct tulip_mii *m)
{
    return m->mdio_phy ? m->mdio_out : true;
}
