// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest's receive filter (packet_filter.h), NDIS's rules: promiscuous
 * takes everything; otherwise broadcast frames need BROADCAST, other group
 * addresses ALL_MULTICAST, or MULTICAST and the address in the list, and
 * individual addresses DIRECTED and the NIC's own address.
 */
#include <string.h>

#include "packet_filter.h"
#include "rndis_wire.h"

static const uint8_t broadcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

bool packet_filter_accepts(const struct packet_filter *f, const uint8_t dst[6])
{
    if (f->bits & NDIS_PACKET_TYPE_PROMISCUOUS)
        return true;
    if (memcmp(dst, broadcast, 6) == 0)
        return (f->bits & NDIS_PACKET_TYPE_BROADCAST) != 0;
    if (dst[0] & 1) {
        if (f->bits & NDIS_PACKET_TYPE_ALL_MULTICAST)
            return true;
        if (!(f->bits & NDIS_PACKET_TYPE_MULTICAST))
            return false;
        for (unsigned i = 0; i < f->nmcast; i++)
            if (memcmp(dst, f->mcast[i], 6) == 0)
                return true;
        return false;
    }
    return (f->bits & NDIS_PACKET_TYPE_DIRECTED) && memcmp(dst, f->mac, 6) == 0;
}
