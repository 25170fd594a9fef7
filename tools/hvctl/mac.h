/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Ethernet (MAC) addresses of virtual NICs and switches, and the host's
 * pool they are taken from.  As Hyper-V does, a host gives out addresses
 * of one range, by default 00:15:5d:HH:00:00-00:15:5d:HH:ff:ff: Microsoft's
 * OUI, HH a byte chosen at random for this host (so that two hosts' VMs on
 * one network are unlikely to clash), and the last two bytes free.  Pure:
 * host_config.h keeps the pool, net_inventory.h knows which are taken.
 */
#ifndef HVCTL_MAC_H
#define HVCTL_MAC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MAC_LEN      6
#define MAC_TEXT_MAX 18 /* "00:15:5d:00:00:10" and the NUL */
/* Microsoft's OUI, which Hyper-V's pools use: guests and tools know it as a virtual NIC's. */
#define MAC_POOL_OUI_DEFAULT 0x00155dULL

/*
 * Six bytes of two hex digits each, separated by ':' or all by '-'
 * (Windows writes 00-15-5D-00-00-10), in either case.  0, or -1.
 */
int mac_parse(const char *text, uint8_t mac[MAC_LEN]);

/* "00:15:5d:00:00:10", lower case. */
void mac_format(const uint8_t mac[MAC_LEN], char buf[MAC_TEXT_MAX]);

/* A NIC's address must be one station's: not a group address, not all zeros. */
bool mac_is_multicast(const uint8_t mac[MAC_LEN]);
bool mac_is_zero(const uint8_t mac[MAC_LEN]);

/*
 * Whether @mac can be a NIC's or a switch's: true, or false with the reason
 * in @why ("is a multicast address (the first byte is odd)").
 */
bool mac_usable(const uint8_t mac[MAC_LEN], char *why, size_t why_size);

/* The address as a 48-bit number (first byte most significant), and back. */
uint64_t mac_to_u64(const uint8_t mac[MAC_LEN]);
void mac_from_u64(uint64_t value, uint8_t mac[MAC_LEN]);

/* A pool: every address from @first to @last, both included. */
struct mac_pool {
    uint64_t first, last;
};

#define MAC_POOL_TEXT_MAX (2 * MAC_TEXT_MAX)

/*
 * "FIRST-LAST": two addresses (mac_parse), FIRST <= LAST, both with the same
 * first byte (so that no group address lies between them) and usable.  0,
 * or -1 with the reason in @err.
 */
int mac_pool_parse(const char *text, struct mac_pool *pool, char *err, size_t err_size);
void mac_pool_format(const struct mac_pool *pool, char buf[MAC_POOL_TEXT_MAX]);

/* The default pool of a host whose byte is @host_byte. */
void mac_pool_default(uint8_t host_byte, struct mac_pool *pool);

/*
 * The lowest address of @pool that is not among the @n_used of @used (in
 * any order).  0 with it in @mac, or -1 when all are taken.
 */
int mac_pool_alloc(const struct mac_pool *pool, const uint64_t *used, size_t n_used,
                   uint8_t mac[MAC_LEN]);

#endif
