// SPDX-License-Identifier: GPL-2.0-only
/*
 * RNDIS data messages (rndis_packet.h).
 *
 * The guest's message is already a host copy, so each field is read once
 * and every area is checked against the body before it is looked into;
 * sums are done as "offset <= len && size <= len - offset" so nothing can
 * wrap.  Linux puts the per-packet infos right after the body's fixed part
 * and the frame after them; areas starting inside the fixed part are
 * refused as malformed.
 */
#include <string.h>

#include "rndis_packet.h"

/* [off, off + len) inside a body of @body bytes and past its fixed part. */
static bool area_ok(uint32_t off, uint32_t len, uint32_t body)
{
    return off >= sizeof(struct rndis_packet) && off <= body && len <= body - off;
}

/* The 802.1Q info's value: priority in bits 0-2, CFI bit 3, VLAN id in
 * bits 4-15 (Linux struct ndis_pkt_8021q_info); as a tag control field:
 * priority 15-13, CFI 12, id 11-0. */
static uint16_t vlan_tci(uint32_t v)
{
    return (uint16_t)((v & 7u) << 13 | ((v >> 3) & 1u) << 12 | ((v >> 4) & 0xfffu));
}

static bool parse_ppis(const uint8_t *p, uint32_t len, struct rndis_tx_frame *out)
{
    while (len > 0) {
        struct rndis_ppi ppi;

        if (len < sizeof(ppi))
            return false;
        memcpy(&ppi, p, sizeof(ppi));
        if (ppi.size < sizeof(ppi) || ppi.size > len)
            return false;
        if (ppi.value_offset < sizeof(ppi) || ppi.value_offset > ppi.size)
            return false;
        if (ppi.type_internal == RNDIS_PPI_IEEE_8021Q && !out->vlan) {
            uint32_t v;

            if (ppi.size - ppi.value_offset < sizeof(v))
                return false;
            memcpy(&v, p + ppi.value_offset, sizeof(v));
            out->vlan = true;
            out->tci = vlan_tci(v);
        }
        /* Checksum and LSO infos ask for offloads netvsp did not offer;
         * hash values and Hyper-V's internal ones say nothing about the
         * frame.  All are skipped. */
        p += ppi.size;
        len -= ppi.size;
    }
    return true;
}

bool rndis_packet_parse(const uint8_t *msg, uint32_t msg_len, struct rndis_tx_frame *out)
{
    const uint8_t *body = msg + RNDIS_HEADER_SIZE;
    struct rndis_packet pkt;
    uint32_t body_len;

    memset(out, 0, sizeof(*out));
    if (msg_len < RNDIS_PACKET_HEADROOM)
        return false;
    body_len = msg_len - RNDIS_HEADER_SIZE;
    memcpy(&pkt, body, sizeof(pkt));

    if (!area_ok(pkt.data_offset, pkt.data_len, body_len))
        return false;
    if ((pkt.oob_len || pkt.oob_count) && !area_ok(pkt.oob_offset, pkt.oob_len, body_len))
        return false;
    if (pkt.ppi_len) {
        if (!area_ok(pkt.ppi_offset, pkt.ppi_len, body_len))
            return false;
        if (!parse_ppis(body + pkt.ppi_offset, pkt.ppi_len, out))
            return false;
    }
    out->offset = RNDIS_HEADER_SIZE + pkt.data_offset;
    out->len = pkt.data_len;
    return true;
}

uint32_t rndis_packet_build(uint8_t *dst, const void *frame, uint32_t len)
{
    struct rndis_header h;
    struct rndis_packet pkt;

    h.type = RNDIS_MSG_PACKET;
    h.msg_len = RNDIS_PACKET_HEADROOM + len;
    memset(&pkt, 0, sizeof(pkt));
    pkt.data_offset = sizeof(pkt);
    pkt.data_len = len;
    memcpy(dst, &h, sizeof(h));
    memcpy(dst + sizeof(h), &pkt, sizeof(pkt));
    memcpy(dst + RNDIS_PACKET_HEADROOM, frame, len);
    return h.msg_len;
}
