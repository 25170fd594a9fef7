/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the parts of the 21140 model (pc/tulip.h) tell each other: the
 * serial ROM (tulip_srom.c), the MII PHY (tulip_mii.c) and the address
 * filter (tulip_filter.c) are each a small state machine or table that
 * tulip.c drives from the CSRs and the descriptor lists.
 */
#ifndef PC_TULIP_INTERNAL_H
#define PC_TULIP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <pc/tulip.h>

/* ---- tulip_srom.c ------------------------------------------------------------ */

/* The ROM's contents for @mac (see pc/tulip.h), and its serial logic idle. */
void tulip_srom_init(struct tulip_srom *s, const uint8_t mac[6]);

/* Deselected: the serial logic back to idle, DO floating. */
void tulip_srom_reset(struct tulip_srom *s);

/* The levels CSR9 drives on the ROM's chip select, clock and data in. */
void tulip_srom_pins(struct tulip_srom *s, bool cs, bool sk, bool di);

/* The level on DO (a floating output reads 1). */
bool tulip_srom_dout(const struct tulip_srom *s);

/* ---- tulip_mii.c ------------------------------------------------------------- */

/* The PHY's registers at their defaults, the management interface idle. */
void tulip_mii_reset(struct tulip_mii *m);

/* The levels CSR9 drives: MDC, and MDIO when @drive (CSR9's MII read mode
 * clear), else the 21140 leaves MDIO to the PHY. */
void tulip_mii_pins(struct tulip_mii *m, bool mdc, bool mdo, bool drive);

/* The level on MDIO as the 21140 sees it when it does not drive it. */
bool tulip_mii_mdi(const struct tulip_mii *m);

/* A register of the PHY, as a management read returns it. */
uint16_t tulip_mii_read_reg(const struct tulip_mii *m, unsigned reg);

/* ---- tulip_filter.c ---------------------------------------------------------- */

/* Nothing passes until the first setup frame. */
void tulip_filter_reset(struct tulip_filter *f);

/* Load a 192-byte setup frame of @mode (perfect, hash, inverse, hash only). */
void tulip_filter_setup(struct tulip_filter *f, enum tulip_filter_mode mode,
                        const uint8_t frame[TULIP_SETUP_SIZE]);

/* Whether the table lets a frame for @dst through. */
bool tulip_filter_match(const struct tulip_filter *f, const uint8_t dst[6]);

/* CSR6's read-only HP, HO and IF bits for the loaded filter. */
uint32_t tulip_filter_csr6_bits(const struct tulip_filter *f);

/* The reflected CRC-32 (polynomial 0xedb88320) of @len bytes, starting from
 * all ones, not inverted at the end: Linux's ether_crc_le(), whose low 9
 * bits index the hash table.  The FCS is its complement. */
uint32_t tulip_crc32_le(const uint8_t *data, size_t len);

#endif
