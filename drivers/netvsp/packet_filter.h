/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest's receive filter: which frames it wants, by destination
 * address (OID_GEN_CURRENT_PACKET_FILTER and OID_802_3_MULTICAST_LIST).
 * Linux sets DIRECTED | ALL_MULTICAST | BROADCAST when the interface comes
 * up, PROMISCUOUS with IFF_PROMISC, and 0 when it goes down.
 */
#ifndef NETVSP_PACKET_FILTER_H
#define NETVSP_PACKET_FILTER_H

#include <stdbool.h>
#include <stdint.h>

#define PACKET_FILTER_MCAST_MAX 32u

struct packet_filter {
    uint32_t bits; /* NDIS_PACKET_TYPE_*; 0 receives nothing */
    uint8_t mac[6];
    uint8_t mcast[PACKET_FILTER_MCAST_MAX][6];
    unsigned nmcast;
};

/* Whether the guest wants a frame with destination address @dst. */
bool packet_filter_accepts(const struct packet_filter *f, const uint8_t dst[6]);

#endif /* NETVSP_PACKET_FILTER_H */
