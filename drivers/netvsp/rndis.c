// SPDX-License-Identifier: GPL-2.0-only
/*
 * The RNDIS messages inside one SEND_RNDIS_PKT: one or more, back to back
 * (Linux batches data messages in a send-buffer section, each padded to
 * the alignment INIT_C gave, the padding counted in its msg_len).
 *
 * Each message is copied out of guest memory once, its length taken from
 * the first copy of its header, and only the copy is parsed.  Data
 * messages go to the host as frames; control requests (INIT, QUERY, SET,
 * RESET, KEEPALIVE) are answered through the outbox; HALT has no answer.
 *
 * The packet's NVSP status: SUCCESS when every message was taken (a frame
 * dropped for a down link counts as taken, as on a real wire),
 * INVALID_RNDIS_PKT when one was malformed, FAIL when a response could
 * not be queued or data came before INIT.  A message whose header does
 * not fit what is left ends the walk (nothing after it can be found); one
 * that is only wrong inside is refused and the walk goes on.
 */
#include <string.h>

#include "netvsp_internal.h"
#include "rndis_packet.h"

void rndis_reset(struct netvsp *nic)
{
    nic->rndis_ready = false;
    nic->filter.bits = 0;
    nic->filter.nmcast = 0;
    memcpy(nic->filter.mac, nic->perm_mac, 6);
}

/* Queue the response @body (@body_len bytes) of type @type. */
static uint32_t respond(struct netvsp *nic, uint32_t type, const void *body, uint32_t body_len)
{
    uint8_t buf[NETVSP_CONTROL_MSG_MAX];
    struct rndis_header h = {type, RNDIS_HEADER_SIZE + body_len};

    memcpy(buf, &h, sizeof(h));
    memcpy(buf + sizeof(h), body, body_len);
    return outbox_control(nic, buf, h.msg_len) ? NVSP_STAT_SUCCESS : NVSP_STAT_FAIL;
}

static uint32_t handle_data(struct netvsp *nic, const uint8_t *msg, uint32_t len)
{
    struct rndis_tx_frame f;
    const uint8_t *frame;
    uint32_t flen;

    if (!nic->rndis_ready) {
        nic->stats.tx_dropped++;
        return NVSP_STAT_FAIL;
    }
    if (!rndis_packet_parse(msg, len, &f) || f.len < NETVSP_ETH_HLEN ||
        f.len + (f.vlan ? NETVSP_VLAN_HLEN : 0) > nic->max_frame) {
        nic->stats.bad_packets++;
        nic->stats.tx_dropped++;
        return NVSP_STAT_INVALID_RNDIS_PKT;
    }
    if (!nic->link_up) {
        nic->stats.tx_dropped++;
        return NVSP_STAT_SUCCESS;
    }
    frame = msg + f.offset;
    flen = f.len;
    if (f.vlan) {
        /* Linux hands VLAN tags to the NIC as per-packet info: the wire
         * frame has the 802.1Q tag after the source address. */
        uint8_t *out = nic->frame;

        memcpy(out, frame, 12);
        out[12] = 0x81;
        out[13] = 0x00;
        out[14] = (uint8_t)(f.tci >> 8);
        out[15] = (uint8_t)f.tci;
        memcpy(out + 16, frame + 12, flen - 12);
        frame = out;
        flen += NETVSP_VLAN_HLEN;
    }
    nic->stats.tx_frames++;
    nic->stats.tx_bytes += flen;
    nic->host.transmit(nic->host.opaque, frame, flen);
    return NVSP_STAT_SUCCESS;
}

static uint32_t handle_init(struct netvsp *nic, const uint8_t *body, uint32_t body_len)
{
    struct rndis_init_request rq;
    struct rndis_init_complete c;

    memset(&rq, 0, sizeof(rq));
    memcpy(&rq, body, body_len < sizeof(rq) ? body_len : sizeof(rq));
    memset(&c, 0, sizeof(c));
    c.req_id = rq.req_id;
    if (body_len < sizeof(rq)) {
        c.status = RNDIS_STATUS_INVALID_LENGTH;
        respond(nic, RNDIS_MSG_INIT_C, &c, sizeof(c));
        return NVSP_STAT_INVALID_RNDIS_PKT;
    }
    c.status = RNDIS_STATUS_SUCCESS;
    c.major = RNDIS_MAJOR_VERSION;
    c.minor = RNDIS_MINOR_VERSION;
    c.device_flags = RNDIS_DF_CONNECTIONLESS;
    c.medium = RNDIS_MEDIUM_802_3;
    c.max_packets_per_msg = NETVSP_MAX_PKTS_PER_MSG;
    c.max_xfer_size = NETVSP_RNDIS_MSG_MAX;
    c.packet_alignment_factor = NETVSP_PKT_ALIGN_FACTOR;
    /* Initialized only if the guest will hear of it (no receive buffer:
     * it will not); a second INIT starts over, filter and lists as after
     * HALT. */
    if (respond(nic, RNDIS_MSG_INIT_C, &c, sizeof(c)) != NVSP_STAT_SUCCESS ||
        nic->state != NVSP_READY)
        return NVSP_STAT_FAIL;
    rndis_reset(nic);
    nic->rndis_ready = true;
    return NVSP_STAT_SUCCESS;
}

/* The most a QUERY_C carries: a control message less its headers. */
#define QUERY_INFO_MAX                                                                             \
    (NETVSP_CONTROL_MSG_MAX - RNDIS_HEADER_SIZE - sizeof(struct rndis_query_complete))

/* The information buffer of a QUERY or SET: inside the body, after the
 * request's fixed part.  False if it is not. */
static bool info_buffer(const struct rndis_oid_request *rq, uint32_t body_len)
{
    if (rq->info_len == 0)
        return true;
    return rq->info_offset >= sizeof(*rq) && rq->info_offset <= body_len &&
           rq->info_len <= body_len - rq->info_offset;
}

static uint32_t handle_query(struct netvsp *nic, const uint8_t *body, uint32_t body_len)
{
    struct {
        struct rndis_query_complete c;
        uint8_t info[QUERY_INFO_MAX];
    } __attribute__((packed)) r;
    struct rndis_oid_request rq;
    uint32_t out_len = 0, nvsp = NVSP_STAT_SUCCESS;

    memset(&r, 0, sizeof(r));
    memcpy(&rq, body, sizeof(rq));
    r.c.req_id = rq.req_id;
    if (!info_buffer(&rq, body_len)) {
        r.c.status = RNDIS_STATUS_INVALID_DATA;
        nvsp = NVSP_STAT_INVALID_RNDIS_PKT;
    } else if (!nic->rndis_ready) {
        r.c.status = RNDIS_STATUS_FAILURE;
    } else {
        r.c.status = rndis_oid_query(nic, rq.oid, body + (rq.info_len ? rq.info_offset : 0),
                                     rq.info_len, r.info, sizeof(r.info), &out_len);
    }
    /* Linux reads the answer without looking at the status: a failure must
     * carry no buffer (offset 0 makes Linux's own checks fail it). */
    if (r.c.status == RNDIS_STATUS_SUCCESS) {
        r.c.info_len = out_len;
        r.c.info_offset = sizeof(r.c);
    } else {
        out_len = 0;
    }
    if (respond(nic, RNDIS_MSG_QUERY_C, &r, sizeof(r.c) + out_len) != NVSP_STAT_SUCCESS)
        return NVSP_STAT_FAIL;
    return nvsp;
}

static uint32_t handle_set(struct netvsp *nic, const uint8_t *body, uint32_t body_len)
{
    struct rndis_status_complete c;
    struct rndis_oid_request rq;
    uint32_t nvsp = NVSP_STAT_SUCCESS;

    memcpy(&rq, body, sizeof(rq));
    c.req_id = rq.req_id;
    if (!info_buffer(&rq, body_len)) {
        c.status = RNDIS_STATUS_INVALID_DATA;
        nvsp = NVSP_STAT_INVALID_RNDIS_PKT;
    } else if (!nic->rndis_ready) {
        c.status = RNDIS_STATUS_FAILURE;
    } else {
        c.status =
            rndis_oid_set(nic, rq.oid, body + (rq.info_len ? rq.info_offset : 0), rq.info_len);
    }
    if (respond(nic, RNDIS_MSG_SET_C, &c, sizeof(c)) != NVSP_STAT_SUCCESS)
        return NVSP_STAT_FAIL;
    return nvsp;
}

/* One message: @msg (a host copy, @len bytes, header included). */
static uint32_t handle_message(struct netvsp *nic, uint32_t type, const uint8_t *msg, uint32_t len)
{
    const uint8_t *body = msg + RNDIS_HEADER_SIZE;
    uint32_t body_len = len - RNDIS_HEADER_SIZE;

    if (type == RNDIS_MSG_PACKET)
        return handle_data(nic, msg, len);
    /* Every request but RESET starts with its request id: without one
     * there is no way to answer. */
    if (type != RNDIS_MSG_RESET && body_len < sizeof(uint32_t))
        goto malformed;

    switch (type) {
    case RNDIS_MSG_INIT:
        return handle_init(nic, body, body_len);
    case RNDIS_MSG_HALT:
        rndis_reset(nic);
        return NVSP_STAT_SUCCESS;
    case RNDIS_MSG_QUERY:
    case RNDIS_MSG_SET:
        if (body_len < sizeof(struct rndis_oid_request)) {
            struct rndis_status_complete c;

            /* Answered, so that the guest does not wait for ever. */
            memcpy(&c.req_id, body, sizeof(c.req_id));
            c.status = RNDIS_STATUS_INVALID_LENGTH;
            if (type == RNDIS_MSG_QUERY) {
                struct rndis_query_complete q = {c.req_id, c.status, 0, 0};

                respond(nic, RNDIS_MSG_QUERY_C, &q, sizeof(q));
            } else {
                respond(nic, RNDIS_MSG_SET_C, &c, sizeof(c));
            }
            goto malformed;
        }
        return type == RNDIS_MSG_QUERY ? handle_query(nic, body, body_len)
                                       : handle_set(nic, body, body_len);
    case RNDIS_MSG_RESET: {
        /* Nothing is in progress inside netvsp; filter and lists stay. */
        struct rndis_reset_complete c = {RNDIS_STATUS_SUCCESS, 0};

        return respond(nic, RNDIS_MSG_RESET_C, &c, sizeof(c));
    }
    case RNDIS_MSG_KEEPALIVE: {
        struct rndis_status_complete c;

        memcpy(&c.req_id, body, sizeof(c.req_id));
        c.status = RNDIS_STATUS_SUCCESS;
        return respond(nic, RNDIS_MSG_KEEPALIVE_C, &c, sizeof(c));
    }
    default:
        /* Indications and completions go host to guest only. */
        break;
    }
malformed:
    nic->stats.bad_packets++;
    return NVSP_STAT_INVALID_RNDIS_PKT;
}

uint32_t rndis_handle(struct netvsp *nic, const struct tx_source *src)
{
    uint32_t off = 0, status = NVSP_STAT_SUCCESS;

    while (off < src->len && nic->state == NVSP_READY) {
        struct rndis_header h;
        uint32_t st;

        if (!tx_source_copy(src, off, &h, sizeof(h)) || h.msg_len < RNDIS_HEADER_SIZE ||
            h.msg_len > src->len - off || h.msg_len > NETVSP_RNDIS_MSG_MAX) {
            nic->stats.bad_packets++;
            return NVSP_STAT_INVALID_RNDIS_PKT;
        }
        tx_source_copy(src, off, nic->msg, h.msg_len);
        /* The guest may have changed the header since the first copy:
         * the copy says what was checked. */
        memcpy(nic->msg, &h, sizeof(h));
        st = handle_message(nic, h.type, nic->msg, h.msg_len);
        /* The first failure is the one the guest hears of. */
        if (status == NVSP_STAT_SUCCESS)
            status = st;
        off += h.msg_len;
    }
    return status;
}
