/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * RNDIS data messages (RNDIS_MSG_PACKET): the ones the guest sends, checked
 * and taken apart, and the ones netvsp writes for the guest.
 */
#ifndef NETVSP_RNDIS_PACKET_H
#define NETVSP_RNDIS_PACKET_H

#include <stdbool.h>
#include <stdint.h>

#include "rndis_wire.h"

/* Header and packet body before the frame in the messages netvsp writes. */
#define RNDIS_PACKET_HEADROOM (RNDIS_HEADER_SIZE + (uint32_t)sizeof(struct rndis_packet))

struct rndis_tx_frame {
    uint32_t offset; /* of the frame from the start of the message */
    uint32_t len;
    bool vlan; /* an IEEE 802.1Q per-packet info came with it */
    uint16_t tci;
};

/*
 * Check the guest's data message @msg (@msg_len bytes, header included; a
 * host copy) and find its frame: the body's offsets and lengths inside the
 * message and past the body's fixed part, the out-of-band area likewise,
 * every per-packet info well formed (size covering its header and inside
 * the area, value inside it, a VLAN value big enough).  Infos netvsp does
 * not use are skipped.  False if anything is off.
 */
bool rndis_packet_parse(const uint8_t *msg, uint32_t msg_len, struct rndis_tx_frame *out);

/* Write at @dst the data message carrying the @len-byte @frame, without
 * per-packet info; its length, RNDIS_PACKET_HEADROOM + @len. */
uint32_t rndis_packet_build(uint8_t *dst, const void *frame, uint32_t len);

#endif /* NETVSP_RNDIS_PACKET_H */
