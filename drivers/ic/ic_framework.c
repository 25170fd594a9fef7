// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the four IC channels share: framing, the version negotiation the host
 * starts on every open, and reading the guest's answers.
 *
 * Negotiation (Linux vmbus_prep_negotiate_resp): the host offers its
 * framework versions then its message versions; the guest keeps the first of
 * its own lists it finds among them and writes them back as one framework
 * and one message version (counts 1 and 1), or sets both counts to 0.  An
 * answer that is ours (our transaction id, type NEGOTIATE, flagged RESPONSE)
 * but does not name versions we offered leaves the service FAILED until the
 * guest opens the channel again; anything else is not an answer and is
 * dropped.  The host never re-sends a negotiation: Linux's KVP driver reads
 * nothing until its daemon registers, which may be minutes or never.
 */
#include <string.h>

#include "ic_internal.h"

const struct ic_version ic_framework_versions[] = {{3, 0}, {1, 0}};
const unsigned int ic_framework_nversions = 2;

uint64_t ic_now(const struct ic_services *ics)
{
    return ics->host.monotonic_ms(ics->host.opaque);
}

void ic_chan_init(struct ic_chan *c, struct ic_services *ics, const struct ic_service_ops *ops)
{
    memset(c, 0, sizeof(*c));
    c->ics = ics;
    c->ops = ops;
    c->state = IC_SERVICE_CLOSED;
    c->next_tid = 1;
}

bool ic_chan_ready(const struct ic_chan *c)
{
    return c->state == IC_SERVICE_READY;
}

static int send_msg(struct ic_chan *c, uint16_t type, struct ic_version fw, struct ic_version msg,
                    const void *body, size_t len, uint64_t *tid)
{
    struct ic_pipe_hdr pipe = {.flags = IC_PIPE_DATA,
                               .msgsize = (uint32_t)(sizeof(struct ic_msg_hdr) + len)};
    struct ic_msg_hdr hdr = {
        .icverframe = fw,
        .icmsgtype = type,
        .icvermsg = msg,
        .icmsgsize = (uint16_t)len,
        .status = IC_S_OK,
        .icflags = IC_FLAG_TRANSACTION | IC_FLAG_REQUEST,
    };
    uint64_t id;

    if (c->state == IC_SERVICE_CLOSED || !c->ch || len > IC_TX_MAX - IC_HDR_BYTES)
        return -1;
    memcpy(c->tx, &pipe, sizeof(pipe));
    memcpy(c->tx + sizeof(pipe), &hdr, sizeof(hdr));
    memcpy(c->tx + IC_HDR_BYTES, body, len);
    id = c->next_tid;
    /* No completion requested: Linux answers every request with an in-band
     * packet of its own that carries the same transaction id. */
    if (vmbus_channel_send(c->ch, VMBUS_PKT_DATA_INBAND, 0, id, c->tx, IC_HDR_BYTES + len) !=
        VMBUS_RING_OK)
        return -1;
    c->next_tid++;
    *tid = id;
    return 0;
}

int ic_chan_request(struct ic_chan *c, uint16_t type, const void *body, size_t len, uint64_t *tid)
{
    if (c->state != IC_SERVICE_READY)
        return -1;
    return send_msg(c, type, c->fw, c->msg, body, len, tid);
}

static void send_negotiate(struct ic_chan *c)
{
    struct {
        struct ic_negotiate n;
        struct ic_version v[IC_NEGOTIATE_MAX_OFFER];
    } __attribute__((packed)) body;
    const struct ic_service_ops *ops = c->ops;
    unsigned int i, nv = ic_framework_nversions + ops->nversions;
    size_t len = sizeof(body.n) + nv * sizeof(struct ic_version);
    struct ic_version zero = {0, 0};

    if (nv > IC_NEGOTIATE_MAX_OFFER)
        return;
    memset(&body, 0, sizeof(body));
    body.n.icframe_vercnt = (uint16_t)ic_framework_nversions;
    body.n.icmsg_vercnt = (uint16_t)ops->nversions;
    for (i = 0; i < ic_framework_nversions; i++)
        body.v[i] = ic_framework_versions[i];
    for (i = 0; i < ops->nversions; i++)
        body.v[ic_framework_nversions + i] = ops->versions[i];
    /* The header's versions mean nothing before negotiation (Hyper-V and
     * openvmm send zeros; Linux does not read them). */
    c->negotiate_sent =
        send_msg(c, IC_MSG_NEGOTIATE, zero, zero, &body, len, &c->negotiate_tid) == 0;
}

static bool version_in(struct ic_version v, const struct ic_version *list, unsigned int n)
{
    for (unsigned int i = 0; i < n; i++) {
        if (list[i].major == v.major && list[i].minor == v.minor)
            return true;
    }
    return false;
}

static void negotiate_answer(struct ic_chan *c, const struct ic_msg_hdr *hdr, const uint8_t *body,
                             size_t len, uint64_t now)
{
    struct ic_negotiate n;
    struct ic_version v[2];

    c->state = IC_SERVICE_FAILED;
    if (hdr->status != IC_S_OK || len < sizeof(n) + sizeof(v))
        return;
    memcpy(&n, body, sizeof(n));
    memcpy(v, body + sizeof(n), sizeof(v));
    if (n.icframe_vercnt != 1 || n.icmsg_vercnt != 1)
        return;
    if (!version_in(v[0], ic_framework_versions, ic_framework_nversions) ||
        !version_in(v[1], c->ops->versions, c->ops->nversions))
        return;
    c->fw = v[0];
    c->msg = v[1];
    c->state = IC_SERVICE_READY;
    if (c->ops->ready)
        c->ops->ready(c, now);
}

/* One packet of @len bytes in c->rx: descriptor, payload, padding. */
static void handle_packet(struct ic_chan *c, uint32_t len, uint64_t now)
{
    const uint8_t *pkt = (const uint8_t *)c->rx;
    struct vmbus_packet_desc desc;
    struct ic_msg_hdr hdr;
    struct ic_response r;
    size_t off;

    if (len < sizeof(desc) || len > sizeof(c->rx))
        return;
    memcpy(&desc, pkt, sizeof(desc));
    off = (size_t)desc.offset8 * 8;
    /* Linux answers with VM_PKT_DATA_INBAND; completions and the rest are
     * not answers. */
    if (desc.type != VMBUS_PKT_DATA_INBAND || off < sizeof(desc) || off > len ||
        len - off < IC_HDR_BYTES)
        return;
    /* The pipe header is our own echoed back: the packet length decides. */
    memcpy(&hdr, pkt + off + sizeof(struct ic_pipe_hdr), sizeof(hdr));
    if (!(hdr.icflags & IC_FLAG_RESPONSE))
        return;
    r.tid = desc.trans_id;
    r.type = hdr.icmsgtype;
    r.status = hdr.status;
    r.body = pkt + off + IC_HDR_BYTES;
    r.body_len = len - off - IC_HDR_BYTES;

    if (r.type == IC_MSG_NEGOTIATE) {
        if (c->state == IC_SERVICE_NEGOTIATING && c->negotiate_sent && r.tid == c->negotiate_tid)
            negotiate_answer(c, &hdr, r.body, r.body_len, now);
        return;
    }
    if (c->state == IC_SERVICE_READY)
        c->ops->response(c, &r, now);
}

static void poll_channel(struct ic_chan *c, uint64_t now)
{
    for (unsigned int n = 0; n < IC_POLL_MAX && c->state != IC_SERVICE_CLOSED; n++) {
        uint32_t len = 0;
        int rc = vmbus_channel_recv(c->ch, c->rx, sizeof(c->rx), &len);

        if (rc == VMBUS_RING_TOO_BIG) {
            /* Far larger than any answer: hostile, drop it. */
            if (vmbus_channel_skip(c->ch) != VMBUS_RING_OK)
                return;
            continue;
        }
        if (rc != VMBUS_RING_OK)
            return; /* empty, or corrupt (the channel closed: close has run) */
        handle_packet(c, len, now);
    }
}

void ic_chan_run(struct ic_chan *c, uint64_t now, bool tick)
{
    if (c->state == IC_SERVICE_CLOSED)
        return;
    poll_channel(c, now);
    if (c->state == IC_SERVICE_NEGOTIATING && !c->negotiate_sent)
        send_negotiate(c); /* the ring was full at open */
    if (c->state == IC_SERVICE_READY)
        c->ops->pump(c, now, tick);
}

static int dev_open(struct vmbus_channel *ch, void *dev)
{
    struct ic_chan *c = dev;

    c->ch = ch;
    c->state = IC_SERVICE_NEGOTIATING;
    c->negotiate_sent = false;
    c->ops->reset(c);
    send_negotiate(c);
    return 0;
}

static void dev_close(struct vmbus_channel *ch, void *dev)
{
    struct ic_chan *c = dev;

    (void)ch;
    c->state = IC_SERVICE_CLOSED;
    c->negotiate_sent = false;
    c->ops->reset(c);
}

static void dev_notify(struct vmbus_channel *ch, void *dev)
{
    struct ic_chan *c = dev;

    (void)ch;
    ic_chan_run(c, ic_now(c->ics), false);
}

const struct vmbus_device_ops ic_device_ops = {
    .open = dev_open,
    .close = dev_close,
    .notify = dev_notify,
};
