/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of the VMBus server (vmbus/server.c, gpadl.c, channel.c): a
 * scripted guest that speaks the channel protocol as Linux 6.1's hv_vmbus
 * does (connection ids, message sizes, the GPADL split into a header with 26
 * PFNs and bodies of 28, ring buffers written and read the way
 * drivers/hv/ring_buffer.c does), against a fake host whose guest RAM is a
 * malloc'd array of pages.  Besides the happy paths, every message type is
 * sent short, with bad relids and bad GPADLs, rings are corrupted, and after
 * each abuse a normal sequence must still work.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <vmbus/channel.h>
#include <vmbus/protocol.h>

#include "../../vmbus/server_internal.h"
#include <vmbus/ring_buffer.h>
#include <vmbus/server.h>

#define PAGE         4096u
#define RAM_BASE_PFN 0x1000u /* guest RAM: PFNs [0x1000, 0x1000 + RAM_PAGES) */
#define RAM_PAGES    1024u

#define ST_SUCCESS      0
#define ST_INVALID_PARM 5
#define ST_INVALID_CONN 18
#define ST_NO_BUFFERS   19

/* ---- the fake host ---- */

struct posted {
    uint32_t vp, sint, len;
    uint8_t data[VMBUS_MESSAGE_MAX];
};

struct signal {
    uint32_t vp, sint, flag;
};

struct mapping {
    void *view;
    size_t count;
};

static struct {
    uint8_t *ram;
    struct posted msgs[2048];
    unsigned int nmsgs, next; /* delivered, and the first the test has not looked at */
    bool busy;                /* post_message says VMBUS_HOST_BUSY */
    unsigned int busy_at;     /* ... also once this many were delivered (0: off) */
    int fail;                 /* post_message returns this (< 0) when non-zero */
    unsigned int post_calls;
    struct signal sigs[1024];
    unsigned int nsigs;
    struct mapping maps[1024];
    unsigned int nmaps; /* live mappings */
    unsigned int map_calls, unmap_calls;
} H;

static struct vmbus_server *srv;

static int host_post(void *opaque, uint32_t vp, uint32_t sint, const void *msg, size_t len)
{
    struct posted *p;

    assert_ptr_equal(opaque, &H);
    assert_true(len >= 8 && len <= VMBUS_MESSAGE_MAX);
    H.post_calls++;
    if (H.busy || (H.busy_at && H.nmsgs >= H.busy_at))
        return VMBUS_HOST_BUSY;
    if (H.fail)
        return H.fail;
    assert_true(H.nmsgs < sizeof(H.msgs) / sizeof(H.msgs[0]));
    p = &H.msgs[H.nmsgs++];
    p->vp = vp;
    p->sint = sint;
    p->len = (uint32_t)len;
    memcpy(p->data, msg, len);
    return VMBUS_HOST_OK;
}

static void host_signal(void *opaque, uint32_t vp, uint32_t sint, uint32_t flag)
{
    assert_ptr_equal(opaque, &H);
    assert_true(H.nsigs < sizeof(H.sigs) / sizeof(H.sigs[0]));
    H.sigs[H.nsigs++] = (struct signal){vp, sint, flag};
}

/* Like vmwp's guest RAM mapping, but only for runs of consecutive PFNs. */
static void *host_map(void *opaque, const uint64_t *pfns, size_t count)
{
    assert_ptr_equal(opaque, &H);
    H.map_calls++;
    if (count == 0 || count > RAM_PAGES)
        return NULL;
    for (size_t i = 0; i < count; i++) {
        if (pfns[i] < RAM_BASE_PFN || pfns[i] >= RAM_BASE_PFN + RAM_PAGES)
            return NULL;
        if (pfns[i] != pfns[0] + i)
            return NULL;
    }
    assert_true(H.nmaps < sizeof(H.maps) / sizeof(H.maps[0]));
    H.maps[H.nmaps++] = (struct mapping){H.ram + (pfns[0] - RAM_BASE_PFN) * PAGE, count};
    return H.ram + (pfns[0] - RAM_BASE_PFN) * PAGE;
}

static void host_unmap(void *opaque, void *view, size_t count)
{
    assert_ptr_equal(opaque, &H);
    H.unmap_calls++;
    for (unsigned int i = 0; i < H.nmaps; i++) {
        if (H.maps[i].view == view && H.maps[i].count == count) {
            H.maps[i] = H.maps[--H.nmaps];
            return;
        }
    }
    fail_msg("unmap of a view that is not mapped");
}

static const struct vmbus_host host_ops = {
    .opaque = &H,
    .post_message = host_post,
    .signal_event = host_signal,
    .map_pages = host_map,
    .unmap_pages = host_unmap,
};

static int setup(void **state)
{
    (void)state;
    memset(&H, 0, sizeof(H));
    H.ram = aligned_alloc(PAGE, (size_t)RAM_PAGES * PAGE);
    assert_non_null(H.ram);
    memset(H.ram, 0, (size_t)RAM_PAGES * PAGE);
    srv = vmbus_server_create(&host_ops);
    assert_non_null(srv);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    vmbus_server_destroy(srv);
    srv = NULL;
    /* Every mapping was given back. */
    assert_int_equal(H.nmaps, 0);
    free(H.ram);
    return 0;
}

static uint8_t *gpa(uint64_t pfn)
{
    assert_true(pfn >= RAM_BASE_PFN && pfn < RAM_BASE_PFN + RAM_PAGES);
    return H.ram + (pfn - RAM_BASE_PFN) * PAGE;
}

/* ---- messages ---- */

static uint16_t post(uint32_t conn, const void *msg, size_t len)
{
    return vmbus_server_post_message(srv, conn, msg, len);
}

static unsigned int pending_msgs(void)
{
    return H.nmsgs - H.next;
}

static uint32_t msg_type(const struct posted *p)
{
    uint32_t t;
    memcpy(&t, p->data, 4);
    return t;
}

/* The next message the guest received: of type @type, at least @size bytes
 * (what Linux's vmbus_on_msg_dpc requires), copied into @out. */
static const struct posted *expect_msg(uint32_t type, void *out, size_t size)
{
    const struct posted *p;

    assert_true(H.next < H.nmsgs);
    p = &H.msgs[H.next++];
    assert_int_equal(msg_type(p), type);
    assert_true(p->len >= size);
    if (out)
        memcpy(out, p->data, size);
    return p;
}

static void expect_none(void)
{
    assert_int_equal(pending_msgs(), 0);
}

static uint32_t rd32(const struct posted *p, size_t off)
{
    uint32_t v;
    memcpy(&v, p->data + off, 4);
    return v;
}

static size_t initiate_msg(uint8_t *m, uint32_t version, uint32_t vcpu, uint8_t sint, uint8_t vtl)
{
    struct vmbus_msg_initiate_contact ic;

    memset(&ic, 0, sizeof(ic));
    ic.header.msgtype = VMBUS_MSG_INITIATE_CONTACT;
    ic.version_requested = version;
    ic.target_vcpu = vcpu;
    if (version >= VMBUS_VERSION_V5_0)
        ic.interrupt_page = sint | (uint64_t)vtl << 8;
    else
        ic.interrupt_page = 0x123456000ull; /* Linux's int_page GPA */
    ic.monitor_page1 = 0x200000;
    ic.monitor_page2 = 0x201000;
    memcpy(m, &ic, sizeof(ic));
    return sizeof(ic);
}

/* INITIATE_CONTACT as Linux posts it: id 4 for >= 5.0, else id 1. */
static struct vmbus_msg_version_response contact(uint32_t version, uint32_t vcpu)
{
    struct vmbus_msg_version_response r;
    uint8_t m[64];
    size_t n = initiate_msg(m, version, vcpu, VMBUS_MESSAGE_SINT, 0);
    uint32_t conn = version >= VMBUS_VERSION_V5_0 ? 4 : 1;

    assert_int_equal(post(conn, m, n), ST_SUCCESS);
    expect_msg(VMBUS_MSG_VERSION_RESPONSE, &r, sizeof(r));
    return r;
}

static void connect_ok(uint32_t version)
{
    struct vmbus_msg_version_response r = contact(version, 0);

    assert_int_equal(r.version_supported, 1);
    assert_int_equal(vmbus_server_version(srv), version);
}

static void send_simple(uint32_t type)
{
    struct vmbus_msg_header h = {type, 0};
    assert_int_equal(post(1, &h, sizeof(h)), ST_SUCCESS);
}

static void send_relid_msg(uint32_t type, uint32_t relid)
{
    struct vmbus_msg_relid m = {{type, 0}, relid};
    assert_int_equal(post(1, &m, sizeof(m)), ST_SUCCESS);
}

/* REQUESTOFFERS; the offers' relids are returned in order. */
static unsigned int request_offers(uint32_t *relids, unsigned int max)
{
    unsigned int n = 0;

    send_simple(VMBUS_MSG_REQUESTOFFERS);
    while (pending_msgs() && msg_type(&H.msgs[H.next]) == VMBUS_MSG_OFFERCHANNEL) {
        const struct posted *p = expect_msg(VMBUS_MSG_OFFERCHANNEL, NULL, 196);
        assert_true(n < max);
        relids[n++] = rd32(p, 184);
    }
    expect_msg(VMBUS_MSG_ALLOFFERS_DELIVERED, NULL, 8);
    expect_none();
    return n;
}

/* ---- devices ---- */

struct fdev {
    int opens, closes, notifies, teardowns;
    int open_rc;
    uint32_t teardown_id;
    struct vmbus_channel *ch;
    /* Optional actions inside callbacks. */
    bool rescind_in_close;
    bool rescind_in_open;
    bool send_in_open;
    int send_in_open_rc;
    /* What the notify callback received: payloads of complete packets. */
    bool recv_on_notify;
    unsigned int npkts;
    uint8_t pkt[16][512];
    uint32_t pkt_len[16];
    int last_recv_rc;
};

static int fdev_open(struct vmbus_channel *ch, void *dev)
{
    struct fdev *d = dev;

    assert_ptr_equal(ch, d->ch);
    d->opens++;
    if (d->send_in_open)
        d->send_in_open_rc = vmbus_channel_send(ch, VMBUS_PKT_DATA_INBAND, 0, 7, "hi", 2);
    if (d->rescind_in_open)
        vmbus_server_rescind(ch);
    return d->open_rc;
}

static void fdev_close(struct vmbus_channel *ch, void *dev)
{
    struct fdev *d = dev;

    assert_ptr_equal(ch, d->ch);
    assert_false(vmbus_channel_is_open(ch));
    d->closes++;
    if (d->rescind_in_close)
        vmbus_server_rescind(ch);
}

static void fdev_notify(struct vmbus_channel *ch, void *dev)
{
    struct fdev *d = dev;

    assert_ptr_equal(ch, d->ch);
    d->notifies++;
    while (d->recv_on_notify && d->npkts < 16) {
        uint32_t len;

        d->last_recv_rc = vmbus_channel_recv(ch, d->pkt[d->npkts], sizeof(d->pkt[0]), &len);
        if (d->last_recv_rc != VMBUS_RING_OK)
            break;
        d->pkt_len[d->npkts++] = len;
    }
}

static void fdev_gpadl_teardown(struct vmbus_channel *ch, void *dev, uint32_t gpadl_id)
{
    struct fdev *d = dev;

    assert_ptr_equal(ch, d->ch);
    /* Still mapped while the device is told. */
    assert_non_null(vmbus_server_gpadl_view(srv, gpadl_id, NULL));
    d->teardowns++;
    d->teardown_id = gpadl_id;
}

static const struct vmbus_device_ops fops = {
    .open = fdev_open,
    .close = fdev_close,
    .notify = fdev_notify,
    .gpadl_teardown = fdev_gpadl_teardown,
};

static struct vmbus_offer make_offer(uint8_t tag)
{
    struct vmbus_offer o;

    memset(&o, 0, sizeof(o));
    for (int i = 0; i < 16; i++) {
        o.type.b[i] = (uint8_t)(0xa0 + tag + i);
        o.instance.b[i] = (uint8_t)(0x10 * tag + i);
    }
    for (int i = 0; i < 120; i++)
        o.user_def[i] = (uint8_t)(tag ^ i);
    o.mmio_megabytes = tag;
    o.sub_channel_index = 0;
    o.flags = 0;
    return o;
}

static struct vmbus_channel *offer(struct fdev *d, uint8_t tag)
{
    struct vmbus_offer o = make_offer(tag);

    d->ch = vmbus_server_offer(srv, &o, &fops, d);
    assert_non_null(d->ch);
    return d->ch;
}

/* ---- GPADLs, as Linux's create_gpadl_header() sends them ---- */

static void gpadl_send_ranges(uint32_t relid, uint32_t id, uint16_t rangecount,
                              const uint64_t *data, uint32_t entries)
{
    uint8_t m[VMBUS_MESSAGE_MAX];
    struct vmbus_msg_gpadl_header h = {
        {VMBUS_MSG_GPADL_HEADER, 0}, relid, id, (uint16_t)(entries * 8), rangecount};
    uint32_t first = entries < 27 ? entries : 27; /* a range header and 26 PFNs */
    uint32_t done;

    memcpy(m, &h, sizeof(h));
    memcpy(m + sizeof(h), data, first * 8);
    assert_int_equal(post(1, m, sizeof(h) + first * 8), ST_SUCCESS);
    for (done = first; done < entries;) {
        struct vmbus_msg_gpadl_body b = {{VMBUS_MSG_GPADL_BODY, 0}, 0, id};
        uint32_t n = entries - done < 28 ? entries - done : 28;

        memcpy(m, &b, sizeof(b));
        memcpy(m + sizeof(b), data + done, n * 8);
        assert_int_equal(post(1, m, sizeof(b) + n * 8), ST_SUCCESS);
        done += n;
    }
}

/* A GPADL_HEADER with one range announcing @announced entries of range
 * data and carrying the first @sent: the rest should follow in bodies. */
static void gpadl_header_partial(uint32_t relid, uint32_t id, uint32_t announced,
                                 const uint64_t *data, uint32_t sent)
{
    uint8_t m[VMBUS_MESSAGE_MAX];
    struct vmbus_msg_gpadl_header h = {
        {VMBUS_MSG_GPADL_HEADER, 0}, relid, id, (uint16_t)(announced * 8), 1};

    memcpy(m, &h, sizeof(h));
    memcpy(m + sizeof(h), data, sent * 8);
    assert_int_equal(post(1, m, sizeof(h) + sent * 8), ST_SUCCESS);
}

static uint64_t range_hdr(uint32_t byte_count, uint32_t byte_offset)
{
    return (uint64_t)byte_offset << 32 | byte_count;
}

/* One page-aligned range of @pages consecutive pages from @pfn. */
static void gpadl_send(uint32_t relid, uint32_t id, uint64_t pfn, uint32_t pages)
{
    uint64_t *data = calloc(pages + 1, 8);

    data[0] = range_hdr(pages * PAGE, 0);
    for (uint32_t i = 0; i < pages; i++)
        data[1 + i] = pfn + i;
    gpadl_send_ranges(relid, id, 1, data, pages + 1);
    free(data);
}

static uint32_t expect_created(uint32_t relid, uint32_t id)
{
    struct vmbus_msg_gpadl_created c;

    expect_msg(VMBUS_MSG_GPADL_CREATED, &c, sizeof(c));
    assert_int_equal(c.child_relid, relid);
    assert_int_equal(c.gpadl, id);
    return c.creation_status;
}

static uint32_t gpadl_create(uint32_t relid, uint32_t id, uint64_t pfn, uint32_t pages)
{
    gpadl_send(relid, id, pfn, pages);
    return expect_created(relid, id);
}

static void gpadl_teardown_send(uint32_t relid, uint32_t id)
{
    struct vmbus_msg_gpadl_teardown t = {{VMBUS_MSG_GPADL_TEARDOWN, 0}, relid, id};
    assert_int_equal(post(1, &t, sizeof(t)), ST_SUCCESS);
}

static void gpadl_teardown_ok(uint32_t relid, uint32_t id)
{
    struct vmbus_msg_gpadl_torndown td;

    gpadl_teardown_send(relid, id);
    expect_msg(VMBUS_MSG_GPADL_TORNDOWN, &td, sizeof(td));
    assert_int_equal(td.gpadl, id);
    assert_null(vmbus_server_gpadl_view(srv, id, NULL));
}

/* ---- rings, the guest's side (Linux drivers/hv/ring_buffer.c) ---- */

struct gring {
    struct vmbus_ring_header *hdr;
    uint8_t *data;
    uint32_t size;
};

static struct gring gring_at(uint64_t pfn, uint32_t pages)
{
    struct gring r = {(struct vmbus_ring_header *)gpa(pfn), gpa(pfn) + PAGE, (pages - 1) * PAGE};
    return r;
}

/* hv_ringbuffer_init(): indices 0, flow control on. */
static void gring_init(struct gring *r)
{
    memset(r->hdr, 0, PAGE);
    r->hdr->feature_bits = 1;
}

static void gput(struct gring *r, uint32_t off, const void *src, uint32_t len)
{
    for (uint32_t i = 0; i < len; i++)
        r->data[(off + i) % r->size] = ((const uint8_t *)src)[i];
}

static void gget(struct gring *r, uint32_t off, void *dst, uint32_t len)
{
    for (uint32_t i = 0; i < len; i++)
        ((uint8_t *)dst)[i] = r->data[(off + i) % r->size];
}

static uint32_t gfree(struct gring *r)
{
    uint32_t w = r->hdr->write_index, rd = r->hdr->read_index;
    return w >= rd ? r->size - (w - rd) : rd - w;
}

/* hv_ringbuffer_write() + hv_signal_on_write(): false if full. */
static bool guest_write(struct gring *r, uint64_t tid, const void *payload, uint32_t len,
                        bool *signal)
{
    static const uint8_t zeros[8];
    uint32_t plen = (16 + len + 7) & ~7u, w = r->hdr->write_index;
    struct vmbus_packet_desc d = {VMBUS_PKT_DATA_INBAND, 2, (uint16_t)(plen / 8), 0, tid};
    uint64_t trailer = (uint64_t)w << 32;

    if (gfree(r) <= plen + 8)
        return false;
    gput(r, w, &d, 16);
    gput(r, w + 16, payload, len);
    gput(r, w + 16 + len, zeros, plen - 16 - len);
    gput(r, w + plen, &trailer, 8);
    r->hdr->write_index = (w + plen + 8) % r->size;
    *signal = !r->hdr->interrupt_mask && r->hdr->read_index == w;
    return true;
}

/* hv_pkt_iter_first/__hv_pkt_iter_next/hv_pkt_iter_close for one packet:
 * false if empty; *signal as hv_pkt_iter_close() decides. */
static bool guest_read(struct gring *r, struct vmbus_packet_desc *d, uint8_t *payload,
                       uint32_t *len, bool *signal)
{
    uint32_t w = r->hdr->write_index, rd = r->hdr->read_index, plen, pending, now;

    *signal = false;
    if (w == rd)
        return false;
    gget(r, rd, d, 16);
    plen = d->len8 * 8u;
    *len = plen - d->offset8 * 8u;
    gget(r, rd + d->offset8 * 8u, payload, *len);
    r->hdr->read_index = (rd + plen + 8) % r->size;
    if (!(r->hdr->feature_bits & 1))
        return true;
    pending = r->hdr->pending_send_sz;
    if (!pending)
        return true;
    now = gfree(r);
    if (now - (plen + 8) > pending)
        return true;
    if (now <= pending)
        return true;
    *signal = true;
    return true;
}

/* ---- an open channel ---- */

struct chan {
    struct fdev dev;
    uint32_t relid, gpadl;
    uint64_t pfn;
    uint32_t send_pages, recv_pages; /* the guest's outbound and inbound ring */
    struct gring out, in;
};

static struct vmbus_msg_open_channel open_msg(uint32_t relid, uint32_t gpadl, uint32_t off,
                                              uint32_t vp)
{
    struct vmbus_msg_open_channel o;

    memset(&o, 0, sizeof(o));
    o.header.msgtype = VMBUS_MSG_OPENCHANNEL;
    o.child_relid = relid;
    o.openid = relid; /* Linux: openid = child_relid */
    o.ringbuffer_gpadlhandle = gpadl;
    o.target_vp = vp;
    o.downstream_ringbuffer_pageoffset = off;
    for (int i = 0; i < 120; i++)
        o.userdata[i] = (uint8_t)(0x55 + i);
    return o;
}

static uint32_t open_send(uint32_t relid, uint32_t gpadl, uint32_t off, uint32_t vp)
{
    struct vmbus_msg_open_channel o = open_msg(relid, gpadl, off, vp);
    struct vmbus_msg_open_result r;

    assert_int_equal(post(1, &o, sizeof(o)), ST_SUCCESS);
    expect_msg(VMBUS_MSG_OPENCHANNEL_RESULT, &r, sizeof(r));
    assert_int_equal(r.child_relid, relid);
    assert_int_equal(r.openid, relid);
    return r.status;
}

/* GPADL for both rings, then OPENCHANNEL, as Linux's vmbus_open(). */
static void chan_open(struct chan *c, uint32_t gpadl, uint64_t pfn, uint32_t send_pages,
                      uint32_t recv_pages, uint32_t vp)
{
    c->gpadl = gpadl;
    c->pfn = pfn;
    c->send_pages = send_pages;
    c->recv_pages = recv_pages;
    c->out = gring_at(pfn, send_pages);
    c->in = gring_at(pfn + send_pages, recv_pages);
    gring_init(&c->out);
    gring_init(&c->in);
    assert_int_equal(gpadl_create(c->relid, gpadl, pfn, send_pages + recv_pages), 0);
    assert_int_equal(open_send(c->relid, gpadl, send_pages, vp), 0);
    assert_true(vmbus_channel_is_open(c->dev.ch));
}

/* Connected (5.3), @n channels offered and received, none open. */
static void bring_up(struct chan *c, unsigned int n)
{
    uint32_t relids[VMBUS_MAX_CHANNELS];

    for (unsigned int i = 0; i < n; i++) {
        memset(&c[i], 0, sizeof(c[i]));
        offer(&c[i].dev, (uint8_t)(i + 1));
    }
    connect_ok(VMBUS_VERSION_V5_3);
    assert_int_equal(request_offers(relids, VMBUS_MAX_CHANNELS), n);
    for (unsigned int i = 0; i < n; i++) {
        c[i].relid = relids[i];
        assert_int_equal(vmbus_channel_relid(c[i].dev.ch), relids[i]);
    }
}

/* Connected, one channel open: rings of 4 + 4 pages at the start of RAM. */
static void bring_up_open(struct chan *c)
{
    bring_up(c, 1);
    chan_open(c, 0xe1e10, RAM_BASE_PFN, 4, 4, 0);
}

/* The guest sends a packet and signals the channel's connection, as Linux
 * does when the ring went from empty to non-empty. */
static void guest_send_signal(struct chan *c, uint64_t tid, const void *p, uint32_t len)
{
    bool sig;

    assert_true(guest_write(&c->out, tid, p, len, &sig));
    if (sig)
        assert_int_equal(
            vmbus_server_signal_event(srv, VMBUS_CHANNEL_CONNECTION_BASE + c->relid, 0),
            ST_SUCCESS);
}

/* After a misstep: the server still brings a fresh channel up end to end. */
static void check_still_usable(void)
{
    uint32_t relids[VMBUS_MAX_CHANNELS];
    struct vmbus_packet_desc d;
    struct chan c;
    uint8_t buf[64];
    uint32_t len;
    unsigned int n;
    bool sig, seen = false;

    memset(&c, 0, sizeof(c));
    offer(&c.dev, 0x77);
    c.relid = vmbus_channel_relid(c.dev.ch);
    /* Reconnect from scratch, as a rebooted guest would, ignoring what the
     * old one was sent. */
    H.busy = false;
    H.busy_at = 0;
    H.fail = 0;
    H.next = H.nmsgs;
    connect_ok(VMBUS_VERSION_V5_2);
    n = request_offers(relids, VMBUS_MAX_CHANNELS);
    for (unsigned int i = 0; i < n; i++)
        seen |= relids[i] == c.relid;
    assert_true(seen);
    chan_open(&c, 0x5000, RAM_BASE_PFN + 512, 2, 2, 0);
    c.dev.recv_on_notify = true;
    guest_send_signal(&c, 42, "ping", 4);
    assert_int_equal(c.dev.npkts, 1);
    assert_memory_equal(c.dev.pkt[0] + 16, "ping", 4);
    assert_int_equal(vmbus_channel_send(c.dev.ch, VMBUS_PKT_COMP, 0, 42, "pong", 4), VMBUS_RING_OK);
    assert_true(guest_read(&c.in, &d, buf, &len, &sig));
    assert_memory_equal(buf, "pong", 4);
    vmbus_server_rescind(c.dev.ch);
}

/* ==== version negotiation ==== */

static const uint32_t all_versions[] = {
    VMBUS_VERSION_V5_3,     VMBUS_VERSION_V5_2,  VMBUS_VERSION_V5_1,   VMBUS_VERSION_V5_0,
    VMBUS_VERSION_WIN10_41, VMBUS_VERSION_WIN10, VMBUS_VERSION_WIN8_1, VMBUS_VERSION_WIN8,
};
#define NVERSIONS (sizeof(all_versions) / sizeof(all_versions[0]))

static void test_create_checks_host(void **state)
{
    struct vmbus_host h = host_ops;
    (void)state;

    assert_null(vmbus_server_create(NULL));
    h.post_message = NULL;
    assert_null(vmbus_server_create(&h));
    h = host_ops;
    h.map_pages = NULL;
    assert_null(vmbus_server_create(&h));
    h = host_ops;
    h.unmap_pages = NULL;
    assert_null(vmbus_server_create(&h));
    h = host_ops;
    h.signal_event = NULL;
    assert_null(vmbus_server_create(&h));
    assert_int_equal(vmbus_server_version(srv), 0);
    /* NULL server: harmless. */
    vmbus_server_destroy(NULL);
    vmbus_server_retry(NULL);
    vmbus_server_reset(NULL);
    assert_int_equal(vmbus_server_version(NULL), 0);
}

/* Each version on the id Linux uses: accepted, response to the right VP. */
static void test_versions_accepted(void **state)
{
    (void)state;
    for (size_t i = 0; i < NVERSIONS; i++) {
        uint32_t v = all_versions[i];
        struct vmbus_msg_version_response r;
        const struct posted *p;
        uint8_t m[64];
        size_t n = initiate_msg(m, v, 3, VMBUS_MESSAGE_SINT, 0);

        assert_int_equal(post(v >= VMBUS_VERSION_V5_0 ? 4 : 1, m, n), ST_SUCCESS);
        p = expect_msg(VMBUS_MSG_VERSION_RESPONSE, &r, sizeof(r));
        assert_int_equal(p->len, 16);
        assert_int_equal(r.version_supported, 1);
        assert_int_equal(r.connection_state, 0);
        /* >= 5.0: the id for later messages; below: the version (Linux
         * ignores it there). */
        assert_int_equal(r.msg_conn_id, v >= VMBUS_VERSION_V5_0 ? 1 : v);
        /* Windows 8 (2.4) guests get their messages on VP 0. */
        assert_int_equal(p->vp, v >= VMBUS_VERSION_WIN8_1 ? 3 : 0);
        assert_int_equal(p->sint, VMBUS_MESSAGE_SINT);
        assert_int_equal(vmbus_server_version(srv), v);
        expect_none();
    }
}

/* >= 5.0 only on id 4, older versions only on id 1. */
static void test_versions_wrong_connection_id(void **state)
{
    (void)state;
    for (size_t i = 0; i < NVERSIONS; i++) {
        uint32_t v = all_versions[i];
        struct vmbus_msg_version_response r;
        uint8_t m[64];
        size_t n = initiate_msg(m, v, 0, VMBUS_MESSAGE_SINT, 0);

        assert_int_equal(post(v >= VMBUS_VERSION_V5_0 ? 1 : 4, m, n), ST_SUCCESS);
        expect_msg(VMBUS_MSG_VERSION_RESPONSE, &r, sizeof(r));
        assert_int_equal(r.version_supported, 0);
        assert_int_equal(r.msg_conn_id, 0);
        assert_int_equal(vmbus_server_version(srv), 0);
    }
    connect_ok(VMBUS_VERSION_V5_3);
}

/* Versions outside the table, then Linux's step down to one that works. */
static void test_versions_unsupported(void **state)
{
    static const uint32_t bad[] = {
        0x0000000d, /* WS2008 */
        0x00010001, /* Win7 */
        0x00040002, 0x00050004, 0x00060000, 0x00020003, 0, 0xffffffffu,
    };
    (void)state;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        for (uint32_t conn = 1; conn <= 4; conn += 3) {
            struct vmbus_msg_version_response r;
            uint8_t m[64];
            size_t n = initiate_msg(m, bad[i], 0, VMBUS_MESSAGE_SINT, 0);

            assert_int_equal(post(conn, m, n), ST_SUCCESS);
            expect_msg(VMBUS_MSG_VERSION_RESPONSE, &r, sizeof(r));
            assert_int_equal(r.version_supported, 0);
            assert_int_equal(vmbus_server_version(srv), 0);
        }
    }
    /* A newer guest asks for 6.0 first, then 5.3 (Linux's table order). */
    assert_int_equal(contact(0x00060000, 0).version_supported, 0);
    assert_int_equal(contact(VMBUS_VERSION_V5_3, 0).version_supported, 1);
    /* A guest capped at 4.0 (max_version) goes 4.0 on id 1. */
    assert_int_equal(contact(VMBUS_VERSION_WIN10, 0).version_supported, 1);
    assert_int_equal(vmbus_server_version(srv), VMBUS_VERSION_WIN10);
}

/* >= 5.0: msg_sint picks the SINT; from 5.1 a VTL other than 0 is refused. */
static void test_msg_sint_vtl_vcpu(void **state)
{
    struct vmbus_msg_version_response r;
    struct fdev d;
    const struct posted *p;
    uint8_t m[64];
    size_t n;
    (void)state;

    memset(&d, 0, sizeof(d));
    offer(&d, 1);
    n = initiate_msg(m, VMBUS_VERSION_V5_0, 7, 5, 1); /* byte 1 is padding in 5.0 */
    assert_int_equal(post(4, m, n), ST_SUCCESS);
    p = expect_msg(VMBUS_MSG_VERSION_RESPONSE, &r, sizeof(r));
    assert_int_equal(r.version_supported, 1);
    assert_int_equal(p->vp, 7);
    assert_int_equal(p->sint, 5);
    send_simple(VMBUS_MSG_REQUESTOFFERS);
    p = expect_msg(VMBUS_MSG_OFFERCHANNEL, NULL, 196);
    assert_int_equal(p->vp, 7);
    assert_int_equal(p->sint, 5);
    expect_msg(VMBUS_MSG_ALLOFFERS_DELIVERED, NULL, 8);

    /* Not a SINT: refused, on SINT 2. */
    n = initiate_msg(m, VMBUS_VERSION_V5_2, 1, 16, 0);
    assert_int_equal(post(4, m, n), ST_SUCCESS);
    p = expect_msg(VMBUS_MSG_VERSION_RESPONSE, &r, sizeof(r));
    assert_int_equal(r.version_supported, 0);
    assert_int_equal(p->sint, VMBUS_MESSAGE_SINT);
    /* VTL 1 from 5.1: refused. */
    n = initiate_msg(m, VMBUS_VERSION_V5_1, 1, 2, 1);
    assert_int_equal(post(4, m, n), ST_SUCCESS);
    expect_msg(VMBUS_MSG_VERSION_RESPONSE, &r, sizeof(r));
    assert_int_equal(r.version_supported, 0);
    /* < 5.0: the field is an interrupt page GPA, the SINT is 2. */
    n = initiate_msg(m, VMBUS_VERSION_WIN10_41, 2, 0, 0);
    assert_int_equal(post(1, m, n), ST_SUCCESS);
    p = expect_msg(VMBUS_MSG_VERSION_RESPONSE, &r, sizeof(r));
    assert_int_equal(r.version_supported, 1);
    assert_int_equal(p->sint, VMBUS_MESSAGE_SINT);
    assert_int_equal(p->vp, 2);
}

static void test_invalid_connection_ids(void **state)
{
    static const uint32_t ids[] = {0, 2, 3, 5, 0x100, 0x101, 0x140, 0xffffffffu};
    uint8_t m[64];
    size_t n = initiate_msg(m, VMBUS_VERSION_V5_3, 0, VMBUS_MESSAGE_SINT, 0);
    struct vmbus_msg_header ro = {VMBUS_MSG_REQUESTOFFERS, 0};
    struct fdev d;
    (void)state;

    memset(&d, 0, sizeof(d));
    offer(&d, 1);
    for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
        assert_int_equal(post(ids[i], m, n), ST_INVALID_CONN);
    assert_int_equal(vmbus_server_version(srv), 0);
    expect_none();
    connect_ok(VMBUS_VERSION_V5_3);
    for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
        assert_int_equal(post(ids[i], &ro, sizeof(ro)), ST_INVALID_CONN);
    /* Id 4 starts connections only: other messages there are ignored. */
    assert_int_equal(post(4, &ro, sizeof(ro)), ST_SUCCESS);
    expect_none();
    assert_int_equal(post(1, &ro, sizeof(ro)), ST_SUCCESS);
    expect_msg(VMBUS_MSG_OFFERCHANNEL, NULL, 196);
    expect_msg(VMBUS_MSG_ALLOFFERS_DELIVERED, NULL, 8);
}

/* Before INITIATE_CONTACT nothing is answered nor done. */
static void test_messages_before_contact_ignored(void **state)
{
    struct fdev d;
    struct vmbus_msg_open_channel o = open_msg(1, 1, 2, 0);
    struct vmbus_msg_modifychannel mc = {{VMBUS_MSG_MODIFYCHANNEL, 0}, 1, 0};
    (void)state;

    memset(&d, 0, sizeof(d));
    offer(&d, 1);
    send_simple(VMBUS_MSG_REQUESTOFFERS);
    gpadl_send(1, 1, RAM_BASE_PFN, 4);
    assert_int_equal(post(1, &o, sizeof(o)), ST_SUCCESS);
    send_relid_msg(VMBUS_MSG_CLOSECHANNEL, 1);
    gpadl_teardown_send(1, 1);
    send_relid_msg(VMBUS_MSG_RELID_RELEASED, 1);
    assert_int_equal(post(1, &mc, sizeof(mc)), ST_SUCCESS);
    send_simple(VMBUS_MSG_UNLOAD);
    expect_none();
    assert_int_equal(H.map_calls, 0);
    assert_int_equal(d.opens, 0);
    check_still_usable();
}

/* INITIATE_CONTACT shorter than Linux's 40 bytes, and bad payloads. */
static void test_short_initiate_contact(void **state)
{
    uint8_t m[VMBUS_MESSAGE_MAX + 16];
    size_t n;
    (void)state;

    memset(m, 0, sizeof(m));
    n = initiate_msg(m, VMBUS_VERSION_V5_3, 0, VMBUS_MESSAGE_SINT, 0);
    assert_int_equal(n, 40);
    for (size_t len = 0; len < n; len++)
        assert_int_equal(post(4, m, len), ST_SUCCESS);
    assert_int_equal(post(4, NULL, 40), ST_SUCCESS);
    /* More than an HvPostMessage can carry. */
    assert_int_equal(post(4, m, VMBUS_MESSAGE_MAX + 1), ST_SUCCESS);
    expect_none();
    assert_int_equal(vmbus_server_version(srv), 0);
    /* Longer than needed, up to the maximum, is fine. */
    assert_int_equal(post(4, m, VMBUS_MESSAGE_MAX), ST_SUCCESS);
    expect_msg(VMBUS_MSG_VERSION_RESPONSE, NULL, 16);
    assert_int_equal(vmbus_server_version(srv), VMBUS_VERSION_V5_3);
}

/* ==== offers ==== */

/* The offer's bytes where Linux's struct vmbus_channel_offer_channel has them. */
static void test_request_offers_layout(void **state)
{
    struct fdev d[3];
    (void)state;

    for (int i = 0; i < 3; i++) {
        memset(&d[i], 0, sizeof(d[i]));
        offer(&d[i], (uint8_t)(i + 1));
    }
    connect_ok(VMBUS_VERSION_V5_3);
    send_simple(VMBUS_MSG_REQUESTOFFERS);
    for (uint32_t i = 0; i < 3; i++) {
        struct vmbus_offer o = make_offer((uint8_t)(i + 1));
        const struct posted *p = expect_msg(VMBUS_MSG_OFFERCHANNEL, NULL, 196);
        uint16_t u16;
        uint8_t zero[16] = {0};

        assert_int_equal(p->len, 196);
        assert_memory_equal(p->data + 8, o.type.b, 16);      /* if_type */
        assert_memory_equal(p->data + 24, o.instance.b, 16); /* if_instance */
        assert_memory_equal(p->data + 40, zero, 16);         /* reserved1/2 */
        memcpy(&u16, p->data + 56, 2);                       /* chn_flags */
        assert_int_equal(u16, 0);
        memcpy(&u16, p->data + 58, 2); /* mmio_megabytes */
        assert_int_equal(u16, i + 1);
        assert_memory_equal(p->data + 60, o.user_def, 120);
        memcpy(&u16, p->data + 180, 2); /* sub_channel_index */
        assert_int_equal(u16, 0);
        assert_int_equal(rd32(p, 184), i + 1); /* child_relid */
        assert_int_equal(p->data[188], 0xff);  /* monitorid: none */
        assert_int_equal(p->data[189], 0);     /* monitor_allocated */
        memcpy(&u16, p->data + 190, 2);        /* is_dedicated_interrupt */
        assert_int_equal(u16, 1);
        assert_int_equal(rd32(p, 192), VMBUS_CHANNEL_CONNECTION_BASE + i + 1);
        assert_int_equal(vmbus_channel_relid(d[i].ch), i + 1);
        assert_false(vmbus_channel_is_open(d[i].ch));
    }
    assert_int_equal(expect_msg(VMBUS_MSG_ALLOFFERS_DELIVERED, NULL, 8)->len, 8);
    /* Asked once per connection. */
    send_simple(VMBUS_MSG_REQUESTOFFERS);
    expect_none();
}

static void test_offer_hot_add(void **state)
{
    struct fdev a, b, c;
    uint32_t relids[8];
    const struct posted *p;
    (void)state;

    memset(&a, 0, sizeof(a));
    memset(&b, 0, sizeof(b));
    memset(&c, 0, sizeof(c));
    offer(&a, 1); /* before the guest is there */
    expect_none();
    connect_ok(VMBUS_VERSION_V5_3);
    offer(&b, 2); /* connected, list not asked for yet */
    expect_none();
    assert_int_equal(request_offers(relids, 8), 2);
    offer(&c, 3); /* afterwards: at once */
    p = expect_msg(VMBUS_MSG_OFFERCHANNEL, NULL, 196);
    assert_int_equal(rd32(p, 184), 3);
    expect_none();
    /* No offer arguments, no channel. */
    assert_null(vmbus_server_offer(srv, NULL, &fops, &a));
    assert_null(vmbus_server_offer(NULL, &(struct vmbus_offer){0}, &fops, &a));
    assert_null(vmbus_server_offer(srv, &(struct vmbus_offer){0}, NULL, &a));
}

static void test_offer_relid_exhaustion(void **state)
{
    static struct fdev d[VMBUS_MAX_CHANNELS + 1];
    struct vmbus_offer o = make_offer(9);
    (void)state;

    memset(d, 0, sizeof(d));
    for (unsigned int i = 0; i < VMBUS_MAX_CHANNELS; i++) {
        offer(&d[i], (uint8_t)i);
        assert_int_equal(vmbus_channel_relid(d[i].ch), i + 1);
    }
    assert_null(vmbus_server_offer(srv, &o, &fops, &d[VMBUS_MAX_CHANNELS]));
    /* Never seen by a guest: the relid is free at once. */
    vmbus_server_rescind(d[9].ch);
    offer(&d[VMBUS_MAX_CHANNELS], 99);
    assert_int_equal(vmbus_channel_relid(d[VMBUS_MAX_CHANNELS].ch), 10);
    connect_ok(VMBUS_VERSION_WIN10);
    {
        uint32_t relids[VMBUS_MAX_CHANNELS];
        assert_int_equal(request_offers(relids, VMBUS_MAX_CHANNELS), VMBUS_MAX_CHANNELS);
    }
}

/* ==== GPADLs ==== */

static void test_gpadl_single_message(void **state)
{
    struct chan c;
    size_t len = 0;
    uint8_t *view;
    (void)state;

    bring_up(&c, 1);
    gpadl_send(c.relid, 0xe1e10, RAM_BASE_PFN + 8, 4);
    assert_int_equal(H.nmsgs - H.next, 1);
    assert_int_equal(expect_created(c.relid, 0xe1e10), 0);
    view = vmbus_server_gpadl_view(srv, 0xe1e10, &len);
    assert_ptr_equal(view, gpa(RAM_BASE_PFN + 8));
    assert_int_equal(len, 4 * PAGE);
    assert_int_equal(H.nmaps, 1);
    assert_non_null(vmbus_server_gpadl_view(srv, 0xe1e10, NULL));
    assert_null(vmbus_server_gpadl_view(srv, 0xe1e11, &len));
    assert_null(vmbus_server_gpadl_view(NULL, 0xe1e10, &len));
}

/* A device sees only the GPADLs made for its own channel. */
static void test_gpadl_view_per_channel(void **state)
{
    struct chan c[2];
    size_t len = 0;
    (void)state;

    bring_up(c, 2);
    gpadl_send(c[0].relid, 0x100, RAM_BASE_PFN + 8, 2);
    assert_int_equal(expect_created(c[0].relid, 0x100), 0);
    gpadl_send(c[1].relid, 0x200, RAM_BASE_PFN + 16, 3);
    assert_int_equal(expect_created(c[1].relid, 0x200), 0);
    assert_ptr_equal(vmbus_channel_gpadl_view(c[0].dev.ch, 0x100, &len), gpa(RAM_BASE_PFN + 8));
    assert_int_equal(len, 2 * PAGE);
    assert_ptr_equal(vmbus_channel_gpadl_view(c[1].dev.ch, 0x200, &len), gpa(RAM_BASE_PFN + 16));
    assert_int_equal(len, 3 * PAGE);
    assert_null(vmbus_channel_gpadl_view(c[0].dev.ch, 0x200, &len));
    assert_null(vmbus_channel_gpadl_view(c[1].dev.ch, 0x100, &len));
    assert_null(vmbus_channel_gpadl_view(c[0].dev.ch, 0x300, &len));
    assert_null(vmbus_channel_gpadl_view(NULL, 0x100, &len));
}

/* 100 pages: the header carries 26 PFNs, bodies 28, 28 and 18. */
static void test_gpadl_split_bodies(void **state)
{
    struct chan c;
    uint64_t data[101];
    uint8_t m[VMBUS_MESSAGE_MAX];
    struct vmbus_msg_gpadl_header h = {{VMBUS_MSG_GPADL_HEADER, 0}, 0, 7, 101 * 8, 1};
    struct vmbus_msg_gpadl_body b = {{VMBUS_MSG_GPADL_BODY, 0}, 0, 7};
    uint32_t done = 27;
    size_t len;
    (void)state;

    bring_up(&c, 1);
    h.child_relid = c.relid;
    data[0] = range_hdr(100 * PAGE, 0);
    for (uint32_t i = 0; i < 100; i++)
        data[1 + i] = RAM_BASE_PFN + 100 + i;
    memcpy(m, &h, sizeof(h));
    memcpy(m + sizeof(h), data, 27 * 8);
    /* Exactly as long as Linux makes it: 20 + 8 + 26 * 8 = 236 bytes. */
    assert_int_equal(post(1, m, 236), ST_SUCCESS);
    for (int k = 0; k < 3; k++) {
        uint32_t n = k < 2 ? 28 : 18;

        expect_none();
        assert_null(vmbus_server_gpadl_view(srv, 7, &len));
        memcpy(m, &b, sizeof(b));
        memcpy(m + sizeof(b), data + done, n * 8);
        assert_int_equal(post(1, m, sizeof(b) + n * 8), ST_SUCCESS);
        done += n;
    }
    assert_int_equal(expect_created(c.relid, 7), 0);
    assert_ptr_equal(vmbus_server_gpadl_view(srv, 7, &len), gpa(RAM_BASE_PFN + 100));
    assert_int_equal(len, 100 * PAGE);
    /* And the generic helper agrees (bodies numbered 0, as Linux leaves them). */
    assert_int_equal(gpadl_create(c.relid, 8, RAM_BASE_PFN + 300, 300), 0);
}

/* Clients that always post the maximum message size (UEFI): only the
 * announced range data is taken. */
static void test_gpadl_padded_messages(void **state)
{
    struct chan c;
    uint8_t m[VMBUS_MESSAGE_MAX];
    struct vmbus_msg_gpadl_header h = {{VMBUS_MSG_GPADL_HEADER, 0}, 0, 3, 5 * 8, 1};
    uint64_t data[5] = {range_hdr(4 * PAGE, 0), RAM_BASE_PFN, RAM_BASE_PFN + 1, RAM_BASE_PFN + 2,
                        RAM_BASE_PFN + 3};
    size_t len;
    (void)state;

    bring_up(&c, 1);
    h.child_relid = c.relid;
    memset(m, 0xee, sizeof(m)); /* garbage after the data, not PFNs */
    memcpy(m, &h, sizeof(h));
    memcpy(m + sizeof(h), data, sizeof(data));
    assert_int_equal(post(1, m, sizeof(m)), ST_SUCCESS);
    assert_int_equal(expect_created(c.relid, 3), 0);
    assert_non_null(vmbus_server_gpadl_view(srv, 3, &len));
    assert_int_equal(len, 4 * PAGE);

    /* 30 pages: 26 in the header, 4 in a padded body. */
    {
        uint64_t d30[31];
        struct vmbus_msg_gpadl_body b = {{VMBUS_MSG_GPADL_BODY, 0}, 1, 4};

        h.gpadl = 4;
        h.range_buflen = 31 * 8;
        d30[0] = range_hdr(30 * PAGE, 0);
        for (int i = 0; i < 30; i++)
            d30[1 + i] = RAM_BASE_PFN + 40 + i;
        memcpy(m, &h, sizeof(h));
        memcpy(m + sizeof(h), d30, 27 * 8);
        assert_int_equal(post(1, m, sizeof(m)), ST_SUCCESS); /* 27 entries fit: 20 + 216 */
        expect_none();
        memset(m, 0xee, sizeof(m));
        memcpy(m, &b, sizeof(b));
        memcpy(m + sizeof(b), d30 + 27, 4 * 8);
        assert_int_equal(post(1, m, sizeof(m)), ST_SUCCESS);
        assert_int_equal(expect_created(c.relid, 4), 0);
        assert_ptr_equal(vmbus_server_gpadl_view(srv, 4, &len), gpa(RAM_BASE_PFN + 40));
        assert_int_equal(len, 30 * PAGE);
    }
}

static void test_gpadl_ranges(void **state)
{
    struct chan c;
    size_t len;
    (void)state;

    bring_up(&c, 1);
    /* Two page-aligned ranges, 2 + 3 pages: one view of 5 pages. */
    {
        uint64_t d[7] = {range_hdr(2 * PAGE, 0), RAM_BASE_PFN + 10, RAM_BASE_PFN + 11,
                         range_hdr(3 * PAGE, 0), RAM_BASE_PFN + 12, RAM_BASE_PFN + 13,
                         RAM_BASE_PFN + 14};
        gpadl_send_ranges(c.relid, 1, 2, d, 7);
        assert_int_equal(expect_created(c.relid, 1), 0);
        assert_ptr_equal(vmbus_server_gpadl_view(srv, 1, &len), gpa(RAM_BASE_PFN + 10));
        assert_int_equal(len, 5 * PAGE);
    }
    /* One range inside pages: 5000 bytes from offset 100 span 2 pages. */
    {
        uint64_t d[3] = {range_hdr(5000, 100), RAM_BASE_PFN + 20, RAM_BASE_PFN + 21};
        gpadl_send_ranges(c.relid, 2, 1, d, 3);
        assert_int_equal(expect_created(c.relid, 2), 0);
        assert_ptr_equal(vmbus_server_gpadl_view(srv, 2, &len), gpa(RAM_BASE_PFN + 20) + 100);
        assert_int_equal(len, 5000);
        /* ... but a PFN too many for that span is inconsistent. */
        uint64_t e[4] = {range_hdr(5000, 100), RAM_BASE_PFN + 20, RAM_BASE_PFN + 21,
                         RAM_BASE_PFN + 22};
        gpadl_send_ranges(c.relid, 3, 1, e, 4);
        assert_int_not_equal(expect_created(c.relid, 3), 0);
    }
    /* Several ranges with one not whole pages: no single view fits. */
    {
        uint64_t d[5] = {range_hdr(PAGE, 0), RAM_BASE_PFN + 30, range_hdr(100, 8),
                         RAM_BASE_PFN + 31, 0};
        gpadl_send_ranges(c.relid, 4, 2, d, 4);
        assert_int_not_equal(expect_created(c.relid, 4), 0);
        d[2] = range_hdr(PAGE + 8, 0);
        d[4] = RAM_BASE_PFN + 32;
        gpadl_send_ranges(c.relid, 4, 2, d, 5);
        assert_int_not_equal(expect_created(c.relid, 4), 0);
    }
    /* Ranges of pages that are not adjacent: the fake host cannot map them
     * as one view (map_pages NULL), so the GPADL fails. */
    {
        uint64_t d[4] = {range_hdr(PAGE, 0), RAM_BASE_PFN + 40, range_hdr(PAGE, 0),
                         RAM_BASE_PFN + 50};
        gpadl_send_ranges(c.relid, 5, 2, d, 4);
        assert_int_not_equal(expect_created(c.relid, 5), 0);
    }
    assert_int_equal(H.nmaps, 2);
}

/* PFNs that are not guest RAM: creation fails, nothing stays mapped, and
 * the id can be used again. */
static void test_gpadl_bad_pfns(void **state)
{
    static const uint64_t starts[] = {0,
                                      1,
                                      RAM_BASE_PFN - 1,
                                      RAM_BASE_PFN + RAM_PAGES - 2,
                                      RAM_BASE_PFN + RAM_PAGES,
                                      0xffffffffffffffffull - 2};
    struct chan c;
    (void)state;

    bring_up(&c, 1);
    for (size_t i = 0; i < sizeof(starts) / sizeof(starts[0]); i++) {
        assert_int_not_equal(gpadl_create(c.relid, 0x100, starts[i], 3), 0);
        assert_null(vmbus_server_gpadl_view(srv, 0x100, NULL));
        assert_int_equal(H.nmaps, 0);
    }
    /* Within RAM but not consecutive, over a body. */
    {
        uint64_t d[41];
        d[0] = range_hdr(40 * PAGE, 0);
        for (int i = 0; i < 40; i++)
            d[1 + i] = RAM_BASE_PFN + (i == 33 ? 200 : i);
        gpadl_send_ranges(c.relid, 0x100, 1, d, 41);
        assert_int_not_equal(expect_created(c.relid, 0x100), 0);
    }
    assert_int_equal(gpadl_create(c.relid, 0x100, RAM_BASE_PFN, 3), 0);
    check_still_usable();
}

/* Range data that does not add up: each refused with a non-zero status. */
static void test_gpadl_bad_headers(void **state)
{
    struct chan c[2];
    uint8_t m[VMBUS_MESSAGE_MAX];
    uint32_t maps;
    (void)state;

    bring_up(c, 2);
    maps = H.nmaps;

    struct {
        uint16_t rangecount, range_buflen;
        uint64_t data[6];
        uint32_t entries; /* sent */
    } cases[] = {
        /* No range at all. */
        {0, 16, {range_hdr(PAGE, 0), RAM_BASE_PFN}, 2},
        /* range_buflen not a multiple of 8. */
        {1, 20, {range_hdr(PAGE, 0), RAM_BASE_PFN, 0}, 3},
        /* Too short to hold a range header and a PFN. */
        {1, 8, {range_hdr(PAGE, 0)}, 1},
        {2, 24, {range_hdr(PAGE, 0), RAM_BASE_PFN, range_hdr(PAGE, 0)}, 3},
        /* Empty range, offset outside the first page. */
        {1, 16, {range_hdr(0, 0), RAM_BASE_PFN}, 2},
        {1, 16, {range_hdr(PAGE, PAGE), RAM_BASE_PFN}, 2},
        {1, 24, {range_hdr(100, 0xffffffffu), RAM_BASE_PFN, RAM_BASE_PFN + 1}, 3},
        /* byte_count for 3 pages, 4 PFNs; for 5 pages, 4 PFNs. */
        {1,
         40,
         {range_hdr(3 * PAGE, 0), RAM_BASE_PFN, RAM_BASE_PFN + 1, RAM_BASE_PFN + 2,
          RAM_BASE_PFN + 3},
         5},
        {1,
         40,
         {range_hdr(5 * PAGE, 0), RAM_BASE_PFN, RAM_BASE_PFN + 1, RAM_BASE_PFN + 2,
          RAM_BASE_PFN + 3},
         5},
        /* Sizes whose page count overflows 32 bits. */
        {1, 16, {range_hdr(0xffffffffu, 4095), RAM_BASE_PFN}, 2},
        /* Two ranges announced, one sent. */
        {2, 32, {range_hdr(PAGE, 0), RAM_BASE_PFN, RAM_BASE_PFN + 1, RAM_BASE_PFN + 2}, 4},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct vmbus_msg_gpadl_header h = {{VMBUS_MSG_GPADL_HEADER, 0},
                                           c[0].relid,
                                           0x40 + i,
                                           cases[i].range_buflen,
                                           cases[i].rangecount};

        memcpy(m, &h, sizeof(h));
        memcpy(m + sizeof(h), cases[i].data, cases[i].entries * 8);
        assert_int_equal(post(1, m, sizeof(h) + cases[i].entries * 8), ST_SUCCESS);
        assert_int_not_equal(expect_created(c[0].relid, 0x40 + i), 0);
        expect_none();
        assert_null(vmbus_server_gpadl_view(srv, 0x40 + i, NULL));
        assert_int_equal(H.nmaps, maps);
    }
    /* Channels the guest does not have. */
    assert_int_not_equal(gpadl_create(0, 0x60, RAM_BASE_PFN, 1), 0);
    assert_int_not_equal(gpadl_create(VMBUS_MAX_CHANNELS + 1, 0x60, RAM_BASE_PFN, 1), 0);
    assert_int_not_equal(gpadl_create(0xffffffffu, 0x60, RAM_BASE_PFN, 1), 0);
    assert_int_not_equal(gpadl_create(17, 0x60, RAM_BASE_PFN, 1), 0);
    /* A duplicate id fails, even from another channel; the first stays. */
    assert_int_equal(gpadl_create(c[0].relid, 0x61, RAM_BASE_PFN + 5, 1), 0);
    assert_int_not_equal(gpadl_create(c[0].relid, 0x61, RAM_BASE_PFN + 6, 1), 0);
    assert_int_not_equal(gpadl_create(c[1].relid, 0x61, RAM_BASE_PFN + 6, 1), 0);
    assert_ptr_equal(vmbus_server_gpadl_view(srv, 0x61, NULL), gpa(RAM_BASE_PFN + 5));
    /* Also while the first is still arriving. */
    gpadl_header_partial(c[0].relid, 0x62, 41, (uint64_t[]){range_hdr(40 * PAGE, 0), 0}, 2);
    expect_none();
    assert_int_not_equal(gpadl_create(c[0].relid, 0x62, RAM_BASE_PFN, 1), 0);
    check_still_usable();
}

/* range_buflen is 16 bits: the biggest GPADL has 8190 pages in 1 header and
 * 293 bodies.  The fake host maps at most RAM_PAGES, so that one fails
 * (with a status, after all its bodies) while 1023 pages work. */
static void test_gpadl_largest(void **state)
{
    struct chan c;
    uint64_t *d = calloc(8191, 8);
    size_t len;
    unsigned int posts;
    (void)state;

    bring_up(&c, 1);
    d[0] = range_hdr(8190 * PAGE, 0);
    for (uint32_t i = 0; i < 8190; i++)
        d[1 + i] = RAM_BASE_PFN + i % RAM_PAGES;
    posts = H.post_calls;
    gpadl_send_ranges(c.relid, 1, 1, d, 8191);
    assert_int_not_equal(expect_created(c.relid, 1), 0);
    assert_int_equal(H.post_calls - posts, 1);
    d[0] = range_hdr(1023 * PAGE, 0);
    for (uint32_t i = 0; i < 1023; i++)
        d[1 + i] = RAM_BASE_PFN + 1 + i;
    gpadl_send_ranges(c.relid, 1, 1, d, 1024);
    assert_int_equal(expect_created(c.relid, 1), 0);
    assert_ptr_equal(vmbus_server_gpadl_view(srv, 1, &len), gpa(RAM_BASE_PFN + 1));
    assert_int_equal(len, 1023 * PAGE);
    /* 65535 is not a whole number of entries. */
    {
        struct vmbus_msg_gpadl_header h = {{VMBUS_MSG_GPADL_HEADER, 0}, c.relid, 2, 65535, 1};
        assert_int_equal(post(1, &h, sizeof(h)), ST_SUCCESS);
        assert_int_not_equal(expect_created(c.relid, 2), 0);
        h.range_buflen = 0;
        assert_int_equal(post(1, &h, sizeof(h)), ST_SUCCESS);
        assert_int_not_equal(expect_created(c.relid, 2), 0);
    }
    free(d);
}

/* Bodies nobody asked for. */
static void test_gpadl_body_stray(void **state)
{
    struct chan c;
    uint8_t m[VMBUS_MESSAGE_MAX];
    struct vmbus_msg_gpadl_body b = {{VMBUS_MSG_GPADL_BODY, 0}, 0, 0x999};
    uint64_t pfns[28];
    (void)state;

    bring_up(&c, 1);
    for (int i = 0; i < 28; i++)
        pfns[i] = RAM_BASE_PFN + i;
    memcpy(m, &b, sizeof(b));
    memcpy(m + sizeof(b), pfns, sizeof(pfns));
    /* Unknown id. */
    assert_int_equal(post(1, m, sizeof(m)), ST_SUCCESS);
    expect_none();
    /* A complete GPADL takes no more. */
    assert_int_equal(gpadl_create(c.relid, 0x999, RAM_BASE_PFN + 64, 2), 0);
    assert_int_equal(post(1, m, sizeof(m)), ST_SUCCESS);
    expect_none();
    assert_ptr_equal(vmbus_server_gpadl_view(srv, 0x999, NULL), gpa(RAM_BASE_PFN + 64));
    /* Short, or with no PFN: nothing happens to one in progress. */
    gpadl_header_partial(c.relid, 0x998, 3, (uint64_t[]){range_hdr(2 * PAGE, 0), RAM_BASE_PFN + 70},
                         2);
    expect_none();
    b.gpadl = 0x998;
    memcpy(m, &b, sizeof(b));
    for (size_t len = 0; len <= sizeof(b); len++)
        assert_int_equal(post(1, m, len), ST_SUCCESS);
    expect_none();
    /* The missing PFN is all the next body needs (the rest is ignored). */
    pfns[0] = RAM_BASE_PFN + 71;
    memcpy(m + sizeof(b), pfns, sizeof(pfns));
    assert_int_equal(post(1, m, sizeof(m)), ST_SUCCESS);
    assert_int_equal(expect_created(c.relid, 0x998), 0);
    assert_ptr_equal(vmbus_server_gpadl_view(srv, 0x998, NULL), gpa(RAM_BASE_PFN + 70));
}

static void test_gpadl_teardown(void **state)
{
    struct chan c;
    unsigned int unmaps;
    (void)state;

    bring_up(&c, 1);
    assert_int_equal(gpadl_create(c.relid, 0x10, RAM_BASE_PFN, 8), 0);
    unmaps = H.unmap_calls;
    /* Wrong relid, unknown id, short message: ignored. */
    gpadl_teardown_send(c.relid + 1, 0x10);
    gpadl_teardown_send(c.relid, 0x11);
    {
        struct vmbus_msg_gpadl_teardown t = {{VMBUS_MSG_GPADL_TEARDOWN, 0}, c.relid, 0x10};
        for (size_t len = 8; len < sizeof(t); len++)
            assert_int_equal(post(1, &t, len), ST_SUCCESS);
    }
    expect_none();
    assert_int_equal(H.unmap_calls, unmaps);
    assert_non_null(vmbus_server_gpadl_view(srv, 0x10, NULL));
    /* The real one. */
    gpadl_teardown_ok(c.relid, 0x10);
    assert_int_equal(H.unmap_calls, unmaps + 1);
    assert_int_equal(H.nmaps, 0);
    /* Gone: a second teardown is ignored; the id can be made again. */
    gpadl_teardown_send(c.relid, 0x10);
    expect_none();
    assert_int_equal(gpadl_create(c.relid, 0x10, RAM_BASE_PFN + 8, 2), 0);
    /* One still arriving cannot be torn down. */
    gpadl_header_partial(c.relid, 0x12, 41, (uint64_t[]){range_hdr(40 * PAGE, 0), 0}, 2);
    gpadl_teardown_send(c.relid, 0x12);
    expect_none();
}

/* The number of GPADLs is bounded: beyond it creation fails until one goes. */
static void test_gpadl_limit(void **state)
{
    struct chan c;
    unsigned int ok = 0;
    uint32_t id;
    (void)state;

    bring_up(&c, 1);
    for (id = 1; id <= 1000; id++) {
        if (gpadl_create(c.relid, id, RAM_BASE_PFN + id % 100, 1) != 0)
            break;
        ok++;
    }
    assert_true(ok >= 256 && ok < 1000);
    assert_int_not_equal(gpadl_create(c.relid, 5000, RAM_BASE_PFN, 1), 0);
    gpadl_teardown_ok(c.relid, 1);
    assert_int_equal(gpadl_create(c.relid, 5000, RAM_BASE_PFN, 1), 0);
}

/* ==== open and close ==== */

static void test_open_accept(void **state)
{
    struct chan c;
    const uint8_t *ud;
    (void)state;

    bring_up_open(&c);
    assert_int_equal(c.dev.opens, 1);
    assert_int_equal(c.dev.closes, 0);
    ud = vmbus_channel_open_userdata(c.dev.ch);
    for (int i = 0; i < 120; i++)
        assert_int_equal(ud[i], (uint8_t)(0x55 + i));
    assert_int_equal(vmbus_channel_relid(c.dev.ch), c.relid);
    /* Opening an open channel again: ignored. */
    {
        struct vmbus_msg_open_channel o = open_msg(c.relid, c.gpadl, 4, 0);
        assert_int_equal(post(1, &o, sizeof(o)), ST_SUCCESS);
        expect_none();
        assert_int_equal(c.dev.opens, 1);
    }
    assert_false(vmbus_channel_is_open(NULL));
    assert_int_equal(vmbus_channel_relid(NULL), 0);
    assert_null(vmbus_channel_open_userdata(NULL));
}

/* The state dump a worker logs on SIGUSR1: one line per open channel with
 * both rings as guest memory holds them. */
static char dump_text[8][256];
static unsigned dump_lines;

static void dump_line(void *ctx, const char *text)
{
    (void)ctx;
    if (dump_lines < 8)
        snprintf(dump_text[dump_lines], sizeof(dump_text[0]), "%s", text);
    dump_lines++;
}

static void test_dump_open_channels(void **state)
{
    struct chan c;
    char want[160];
    (void)state;

    bring_up_open(&c);
    c.out.hdr->write_index = 64;
    c.out.hdr->read_index = 24;
    c.in.hdr->interrupt_mask = 1;
    c.in.hdr->pending_send_sz = 200;
    dump_lines = 0;
    vmbus_server_dump(srv, dump_line, NULL);
    assert_int_equal(dump_lines, 2);
    assert_non_null(strstr(dump_text[0], "version 0x50003"));
    snprintf(want, sizeof(want),
             "relid %u vp 0 guest->host [w=64 r=24 mask=0 pending=0 size=12288]", c.relid);
    assert_non_null(strstr(dump_text[1], want));
    assert_non_null(strstr(dump_text[1], "host->guest [w=0 r=0 mask=1 pending=200 size=12288]"));
    /* Closed channels are left out; no server, no lines. */
    send_relid_msg(VMBUS_MSG_CLOSECHANNEL, c.relid);
    dump_lines = 0;
    vmbus_server_dump(srv, dump_line, NULL);
    assert_int_equal(dump_lines, 1);
    dump_lines = 0;
    vmbus_server_dump(NULL, dump_line, NULL);
    assert_int_equal(dump_lines, 0);
}

static void test_open_refused_by_device(void **state)
{
    struct chan c;
    (void)state;

    bring_up(&c, 1);
    gring_init(&(struct gring){(struct vmbus_ring_header *)gpa(RAM_BASE_PFN), NULL, 0});
    assert_int_equal(gpadl_create(c.relid, 1, RAM_BASE_PFN, 8), 0);
    c.dev.open_rc = -1;
    assert_int_not_equal(open_send(c.relid, 1, 4, 0), 0);
    assert_int_equal(c.dev.opens, 1);
    assert_int_equal(c.dev.closes, 0);
    assert_false(vmbus_channel_is_open(c.dev.ch));
    assert_int_equal(vmbus_server_signal_event(srv, VMBUS_CHANNEL_CONNECTION_BASE + c.relid, 0),
                     ST_INVALID_CONN);
    /* Linux tears the GPADL down after a failed open; a retry then works. */
    gpadl_teardown_ok(c.relid, 1);
    c.dev.open_rc = 0;
    chan_open(&c, 2, RAM_BASE_PFN, 4, 4, 0);
    assert_int_equal(c.dev.opens, 2);
}

/* Every bad OPENCHANNEL gets a non-zero status and leaves the channel
 * closed; the good one after them works. */
static void test_open_bad_params(void **state)
{
    struct chan c[2];
    struct {
        uint32_t gpadl, off;
    } bad[] = {
        {1, 0},    {1, 1}, {1, 7}, {1, 8}, {1, 9}, {1, 0xffffffffu}, /* ring offsets, 8 pages */
        {0x77, 4},                                                   /* unknown GPADL */
        {2, 4},                                                      /* still arriving */
        {3, 2},                                                      /* 3 pages: 2 + 1 */
        {4, 2},                                                      /* not whole pages */
        {5, 2},                                                      /* made for relid 2 */
    };
    (void)state;

    bring_up(c, 2);
    assert_int_equal(gpadl_create(c[0].relid, 1, RAM_BASE_PFN, 8), 0);
    gpadl_header_partial(c[0].relid, 2, 41, (uint64_t[]){range_hdr(40 * PAGE, 0), 0}, 2);
    assert_int_equal(gpadl_create(c[0].relid, 3, RAM_BASE_PFN + 8, 3), 0);
    gpadl_send_ranges(c[0].relid, 4, 1,
                      (uint64_t[]){range_hdr(4 * PAGE - 8, 0), RAM_BASE_PFN + 16, RAM_BASE_PFN + 17,
                                   RAM_BASE_PFN + 18, RAM_BASE_PFN + 19},
                      5);
    assert_int_equal(expect_created(c[0].relid, 4), 0);
    assert_int_equal(gpadl_create(c[1].relid, 5, RAM_BASE_PFN + 24, 4), 0);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_not_equal(open_send(c[0].relid, bad[i].gpadl, bad[i].off, 0), 0);
        assert_false(vmbus_channel_is_open(c[0].dev.ch));
    }
    assert_int_equal(c[0].dev.opens, 0);
    /* 3 pages split 2 + 1 leaves the inbound ring without data; 2 + 2 of 4
     * is the smallest that works. */
    gring_init(&(struct gring){(struct vmbus_ring_header *)gpa(RAM_BASE_PFN + 24), NULL, 0});
    gring_init(&(struct gring){(struct vmbus_ring_header *)gpa(RAM_BASE_PFN + 26), NULL, 0});
    assert_int_equal(open_send(c[1].relid, 5, 2, 0), 0);
    assert_int_equal(open_send(c[0].relid, 1, 7 - 1, 0), 0);
    assert_true(vmbus_channel_is_open(c[0].dev.ch));
    assert_true(vmbus_channel_is_open(c[1].dev.ch));
}

static void test_close_channel(void **state)
{
    struct chan c;
    uint8_t buf[64];
    uint32_t len;
    (void)state;

    bring_up_open(&c);
    send_relid_msg(VMBUS_MSG_CLOSECHANNEL, c.relid);
    expect_none(); /* no reply to CLOSECHANNEL */
    assert_int_equal(c.dev.closes, 1);
    assert_false(vmbus_channel_is_open(c.dev.ch));
    assert_int_equal(vmbus_server_signal_event(srv, VMBUS_CHANNEL_CONNECTION_BASE + c.relid, 0),
                     ST_INVALID_CONN);
    assert_int_equal(vmbus_channel_recv(c.dev.ch, buf, sizeof(buf), &len), VMBUS_RING_EINVAL);
    assert_int_equal(vmbus_channel_send(c.dev.ch, VMBUS_PKT_COMP, 0, 1, buf, 8), VMBUS_RING_EINVAL);
    assert_int_equal(vmbus_channel_skip(c.dev.ch), VMBUS_RING_EINVAL);
    /* Again: nothing more happens. */
    send_relid_msg(VMBUS_MSG_CLOSECHANNEL, c.relid);
    assert_int_equal(c.dev.closes, 1);
    /* The ring GPADL outlives the close until the guest tears it down. */
    assert_non_null(vmbus_server_gpadl_view(srv, c.gpadl, NULL));
    gpadl_teardown_ok(c.relid, c.gpadl);
    assert_int_equal(c.dev.closes, 1);
    /* And the channel opens again. */
    chan_open(&c, 0x42, RAM_BASE_PFN + 64, 2, 6, 0);
    assert_int_equal(c.dev.opens, 2);
}

/* ==== packets ==== */

static void test_guest_to_host_packets(void **state)
{
    struct chan c;
    struct vmbus_packet_desc d;
    char text[3][40] = {"first", "the second packet", "3"};
    (void)state;

    bring_up_open(&c);
    c.dev.recv_on_notify = true;
    for (int i = 0; i < 3; i++)
        guest_send_signal(&c, 100 + i, text[i], (uint32_t)strlen(text[i]));
    assert_int_equal(c.dev.notifies, 3);
    assert_int_equal(c.dev.npkts, 3);
    for (int i = 0; i < 3; i++) {
        uint32_t n = (uint32_t)strlen(text[i]);

        memcpy(&d, c.dev.pkt[i], sizeof(d));
        assert_int_equal(d.type, VMBUS_PKT_DATA_INBAND);
        assert_int_equal(d.offset8, 2);
        assert_int_equal(d.len8, (16 + n + 7) / 8);
        assert_true(d.trans_id == 100u + i);
        assert_int_equal(c.dev.pkt_len[i], d.len8 * 8);
        assert_memory_equal(c.dev.pkt[i] + 16, text[i], n);
    }
    assert_int_equal(c.dev.last_recv_rc, VMBUS_RING_EMPTY);
    /* Consumed: the guest's ring is empty again. */
    assert_int_equal(c.out.hdr->read_index, c.out.hdr->write_index);
    /* Several packets before a signal: one notify drains them all. */
    c.dev.npkts = 0;
    {
        bool sig;
        assert_true(guest_write(&c.out, 1, "a", 1, &sig));
        assert_true(sig);
        assert_true(guest_write(&c.out, 2, "b", 1, &sig));
        assert_false(sig); /* not empty: Linux does not signal */
        assert_int_equal(vmbus_server_signal_event(srv, VMBUS_CHANNEL_CONNECTION_BASE + c.relid, 0),
                         0);
        assert_int_equal(c.dev.npkts, 2);
    }
    /* No host signal: the guest never waited for room. */
    assert_int_equal(H.nsigs, 0);
}

static void test_host_to_guest_packets(void **state)
{
    struct chan c;
    struct vmbus_packet_desc d;
    uint8_t buf[256];
    uint32_t len;
    bool sig;
    struct vmbus_ring_iov iov[2] = {{"gather", 6}, {"ed", 2}};
    (void)state;

    bring_up(&c, 1);
    chan_open(&c, 9, RAM_BASE_PFN, 3, 5, 3); /* interrupts to VP 3 */
    assert_int_equal(vmbus_channel_send(c.dev.ch, VMBUS_PKT_COMP, 0, 11, "one", 3), 0);
    /* Empty -> non-empty: event flag <relid> in SINT 2 of VP 3. */
    assert_int_equal(H.nsigs, 1);
    assert_int_equal(H.sigs[0].vp, 3);
    assert_int_equal(H.sigs[0].sint, VMBUS_MESSAGE_SINT);
    assert_int_equal(H.sigs[0].flag, c.relid);
    /* The guest has not read: no second signal. */
    assert_int_equal(vmbus_channel_sendv(c.dev.ch, VMBUS_PKT_DATA_INBAND, 1, 12, iov, 2), 0);
    assert_int_equal(H.nsigs, 1);
    assert_true(guest_read(&c.in, &d, buf, &len, &sig));
    assert_int_equal(d.type, VMBUS_PKT_COMP);
    assert_true(d.trans_id == 11);
    assert_int_equal(len, 8); /* padded */
    assert_memory_equal(buf, "one", 3);
    assert_true(guest_read(&c.in, &d, buf, &len, &sig));
    assert_int_equal(d.flags, 1);
    assert_memory_equal(buf, "gathered", 8);
    assert_false(guest_read(&c.in, &d, buf, &len, &sig));
    /* Empty again: signal again. */
    assert_int_equal(vmbus_channel_send(c.dev.ch, VMBUS_PKT_COMP, 0, 13, NULL, 0), 0);
    assert_int_equal(H.nsigs, 2);
    assert_true(guest_read(&c.in, &d, buf, &len, &sig));
    /* The guest polls (interrupt_mask): no signal. */
    c.in.hdr->interrupt_mask = 1;
    assert_int_equal(vmbus_channel_send(c.dev.ch, VMBUS_PKT_COMP, 0, 14, "x", 1), 0);
    assert_int_equal(H.nsigs, 2);
    assert_true(guest_read(&c.in, &d, buf, &len, &sig));
    c.in.hdr->interrupt_mask = 0;
    /* Bad arguments from the device. */
    assert_int_equal(vmbus_channel_sendv(c.dev.ch, VMBUS_PKT_COMP, 0, 1, NULL, 1),
                     VMBUS_RING_EINVAL);
    assert_int_equal(vmbus_channel_send(NULL, VMBUS_PKT_COMP, 0, 1, "x", 1), VMBUS_RING_EINVAL);
    assert_int_equal(vmbus_channel_recv(NULL, buf, sizeof(buf), &len), VMBUS_RING_EINVAL);
    assert_int_equal(vmbus_channel_recv(c.dev.ch, buf, sizeof(buf), NULL), VMBUS_RING_EINVAL);
    assert_int_equal(vmbus_channel_skip(NULL), VMBUS_RING_EINVAL);
}

/* OPENCHANNEL target_vp 0xffffffff: the guest wants no interrupts. */
static void test_no_interrupt_target(void **state)
{
    struct chan c;
    struct vmbus_msg_modifychannel mc;
    struct vmbus_msg_modifychannel_response r;
    (void)state;

    bring_up(&c, 1);
    chan_open(&c, 9, RAM_BASE_PFN, 2, 2, VMBUS_VP_NO_INTERRUPT);
    assert_int_equal(vmbus_channel_send(c.dev.ch, VMBUS_PKT_COMP, 0, 1, "x", 1), 0);
    assert_int_equal(H.nsigs, 0);
    /* And MODIFYCHANNEL cannot turn them on. */
    mc = (struct vmbus_msg_modifychannel){{VMBUS_MSG_MODIFYCHANNEL, 0}, c.relid, 1};
    assert_int_equal(post(1, &mc, sizeof(mc)), ST_SUCCESS);
    expect_msg(VMBUS_MSG_MODIFYCHANNEL_RESPONSE, &r, sizeof(r));
    assert_int_not_equal(r.status, 0);
}

/* The guest's outbound ring fills up; it waits with pending_send_sz; the
 * device's read that makes room signals it. */
static void test_guest_waits_for_room(void **state)
{
    struct chan c;
    uint8_t payload[1000], buf[2048];
    uint32_t len, npkt = 0;
    bool sig;
    (void)state;

    memset(payload, 0x3c, sizeof(payload));
    bring_up_open(&c); /* 3 data pages each way */
    while (guest_write(&c.out, npkt, payload, sizeof(payload), &sig))
        npkt++;
    assert_true(npkt >= 10);
    /* Linux's writer found it full: it asks for a packet's worth. */
    c.out.hdr->pending_send_sz = 1024 + 8;
    assert_int_equal(vmbus_channel_recv(c.dev.ch, buf, sizeof(buf), &len), 0);
    assert_int_equal(len, 1016);
    assert_int_equal(H.nsigs, 1);
    assert_int_equal(H.sigs[0].flag, c.relid);
    /* Already enough free before the next read: no second signal. */
    assert_int_equal(vmbus_channel_recv(c.dev.ch, buf, sizeof(buf), &len), 0);
    assert_int_equal(H.nsigs, 1);
    /* A guest without the feature bit polls: never signalled. */
    c.out.hdr->feature_bits = 0;
    while (guest_write(&c.out, npkt, payload, sizeof(payload), &sig))
        npkt++;
    assert_int_equal(vmbus_channel_recv(c.dev.ch, buf, sizeof(buf), &len), 0);
    assert_int_equal(H.nsigs, 1);
}

/* The device fills the guest's inbound ring: FULL asks the guest (through
 * pending_send_sz) to signal once there is room; its signal reaches the
 * device's notify, and the send then succeeds. */
static void test_send_full_then_room(void **state)
{
    struct chan c;
    struct vmbus_packet_desc d;
    uint8_t payload[1000], buf[1024];
    uint32_t len, sent = 0;
    bool sig;
    int rc;
    (void)state;

    memset(payload, 0x5a, sizeof(payload));
    bring_up_open(&c);
    while ((rc = vmbus_channel_send(c.dev.ch, VMBUS_PKT_DATA_INBAND, 0, sent, payload,
                                    sizeof(payload))) == VMBUS_RING_OK)
        sent++;
    assert_int_equal(rc, VMBUS_RING_FULL);
    /* 16 + 1000 bytes, padded to 1016, and the trailer. */
    assert_int_equal(c.in.hdr->pending_send_sz, 1024);
    /* The guest reads: Linux's hv_pkt_iter_close decides to signal. */
    assert_true(guest_read(&c.in, &d, buf, &len, &sig));
    assert_true(sig);
    assert_int_equal(c.dev.notifies, 0);
    assert_int_equal(vmbus_server_signal_event(srv, VMBUS_CHANNEL_CONNECTION_BASE + c.relid, 0), 0);
    assert_int_equal(c.dev.notifies, 1);
    assert_int_equal(
        vmbus_channel_send(c.dev.ch, VMBUS_PKT_DATA_INBAND, 0, sent, payload, sizeof(payload)),
        VMBUS_RING_OK);
    assert_int_equal(c.in.hdr->pending_send_sz, 0);
    /* Too big for the ring ever: an error, not FULL. */
    {
        static uint8_t big[3 * PAGE];
        assert_int_equal(
            vmbus_channel_send(c.dev.ch, VMBUS_PKT_DATA_INBAND, 0, 1, big, sizeof(big)),
            VMBUS_RING_EINVAL);
    }
}

static void test_recv_too_big_and_skip(void **state)
{
    struct chan c;
    uint8_t big[300], buf[64];
    uint32_t len = 0;
    bool sig;
    (void)state;

    memset(big, 1, sizeof(big));
    bring_up_open(&c);
    assert_true(guest_write(&c.out, 1, big, sizeof(big), &sig));
    assert_true(guest_write(&c.out, 2, "small", 5, &sig));
    assert_int_equal(vmbus_channel_recv(c.dev.ch, buf, sizeof(buf), &len), VMBUS_RING_TOO_BIG);
    assert_int_equal(len, 16 + 304);
    /* Still there. */
    assert_int_equal(vmbus_channel_recv(c.dev.ch, buf, sizeof(buf), &len), VMBUS_RING_TOO_BIG);
    assert_int_equal(vmbus_channel_skip(c.dev.ch), VMBUS_RING_OK);
    assert_int_equal(vmbus_channel_recv(c.dev.ch, buf, sizeof(buf), &len), VMBUS_RING_OK);
    assert_memory_equal(buf + 16, "small", 5);
    assert_int_equal(vmbus_channel_skip(c.dev.ch), VMBUS_RING_EMPTY);
    assert_int_equal(vmbus_channel_recv(c.dev.ch, buf, sizeof(buf), &len), VMBUS_RING_EMPTY);
}

/* ==== MODIFYCHANNEL ==== */

static void test_modify_channel(void **state)
{
    struct chan c[2];
    struct vmbus_msg_modifychannel mc;
    struct vmbus_msg_modifychannel_response r;
    (void)state;

    bring_up(c, 2);
    chan_open(&c[0], 1, RAM_BASE_PFN, 2, 2, 0);
    mc = (struct vmbus_msg_modifychannel){{VMBUS_MSG_MODIFYCHANNEL, 0}, c[0].relid, 5};
    assert_int_equal(post(1, &mc, sizeof(mc)), ST_SUCCESS);
    assert_int_equal(expect_msg(VMBUS_MSG_MODIFYCHANNEL_RESPONSE, &r, sizeof(r))->len, 16);
    assert_int_equal(r.child_relid, c[0].relid);
    assert_int_equal(r.status, 0);
    assert_int_equal(vmbus_channel_send(c[0].dev.ch, VMBUS_PKT_COMP, 0, 1, "x", 1), 0);
    assert_int_equal(H.sigs[H.nsigs - 1].vp, 5);
    /* Closed channel, or no interrupts: refused, with a reply. */
    mc.child_relid = c[1].relid;
    assert_int_equal(post(1, &mc, sizeof(mc)), ST_SUCCESS);
    expect_msg(VMBUS_MSG_MODIFYCHANNEL_RESPONSE, &r, sizeof(r));
    assert_int_not_equal(r.status, 0);
    mc.child_relid = c[0].relid;
    mc.target_vp = VMBUS_VP_NO_INTERRUPT;
    assert_int_equal(post(1, &mc, sizeof(mc)), ST_SUCCESS);
    expect_msg(VMBUS_MSG_MODIFYCHANNEL_RESPONSE, &r, sizeof(r));
    assert_int_not_equal(r.status, 0);
    /* Relids the guest does not have, short messages: ignored. */
    mc.target_vp = 1;
    mc.child_relid = 0;
    assert_int_equal(post(1, &mc, sizeof(mc)), ST_SUCCESS);
    mc.child_relid = 33;
    assert_int_equal(post(1, &mc, sizeof(mc)), ST_SUCCESS);
    mc.child_relid = c[0].relid;
    assert_int_equal(post(1, &mc, sizeof(mc) - 1), ST_SUCCESS);
    expect_none();

    /* 5.2: applied, no reply (Linux expects none). */
    connect_ok(VMBUS_VERSION_V5_2);
    assert_int_equal(request_offers((uint32_t[2]){0}, 2), 2);
    chan_open(&c[0], 2, RAM_BASE_PFN + 8, 2, 2, 0);
    mc.target_vp = 6;
    assert_int_equal(post(1, &mc, sizeof(mc)), ST_SUCCESS);
    expect_none();
    assert_int_equal(vmbus_channel_send(c[0].dev.ch, VMBUS_PKT_COMP, 0, 1, "x", 1), 0);
    assert_int_equal(H.sigs[H.nsigs - 1].vp, 6);

    /* 4.0 has no MODIFYCHANNEL: ignored. */
    connect_ok(VMBUS_VERSION_WIN10);
    assert_int_equal(request_offers((uint32_t[2]){0}, 2), 2);
    chan_open(&c[0], 3, RAM_BASE_PFN + 16, 2, 2, 0);
    mc.target_vp = 7;
    assert_int_equal(post(1, &mc, sizeof(mc)), ST_SUCCESS);
    expect_none();
    assert_int_equal(vmbus_channel_send(c[0].dev.ch, VMBUS_PKT_COMP, 0, 1, "x", 1), 0);
    assert_int_equal(H.sigs[H.nsigs - 1].vp, 0);
}

/* ==== rescind ==== */

static void test_rescind_closed_channel(void **state)
{
    struct chan c[2];
    struct fdev n;
    struct vmbus_msg_relid r;
    const struct posted *p;
    (void)state;

    bring_up(c, 2);
    vmbus_server_rescind(c[0].dev.ch);
    p = expect_msg(VMBUS_MSG_RESCIND_CHANNELOFFER, &r, sizeof(r));
    assert_int_equal(p->len, 12);
    assert_int_equal(r.child_relid, c[0].relid);
    assert_int_equal(c[0].dev.closes, 0);
    /* The relid waits for the guest: a new offer gets another one. */
    memset(&n, 0, sizeof(n));
    offer(&n, 9);
    p = expect_msg(VMBUS_MSG_OFFERCHANNEL, NULL, 196);
    assert_int_equal(rd32(p, 184), 3);
    vmbus_server_rescind(n.ch);
    expect_msg(VMBUS_MSG_RESCIND_CHANNELOFFER, NULL, 12);
    /* Messages for a rescinded relid: open ignored, GPADL allowed (Linux
     * may race), close ignored. */
    {
        struct vmbus_msg_open_channel o = open_msg(c[0].relid, 1, 2, 0);
        assert_int_equal(post(1, &o, sizeof(o)), ST_SUCCESS);
        expect_none();
    }
    assert_int_equal(gpadl_create(c[0].relid, 1, RAM_BASE_PFN, 4), 0);
    send_relid_msg(VMBUS_MSG_CLOSECHANNEL, c[0].relid);
    expect_none();
    /* Released: the relid and the GPADLs made for it are free. */
    send_relid_msg(VMBUS_MSG_RELID_RELEASED, c[0].relid);
    expect_none();
    assert_null(vmbus_server_gpadl_view(srv, 1, NULL));
    assert_int_equal(H.nmaps, 0);
    memset(&n, 0, sizeof(n));
    offer(&n, 10);
    p = expect_msg(VMBUS_MSG_OFFERCHANNEL, NULL, 196);
    assert_int_equal(rd32(p, 184), c[0].relid);
    /* A second release of the same relid (now the new channel, not yet
     * released by the guest) does not free it. */
    send_relid_msg(VMBUS_MSG_RELID_RELEASED, 3);
    assert_int_equal(vmbus_channel_relid(n.ch), c[0].relid);
}

/* Rescinding an open channel closes it; Linux then sends CLOSECHANNEL,
 * skips the GPADL teardown, and releases the relid. */
static void test_rescind_open_channel(void **state)
{
    struct chan c;
    (void)state;

    bring_up_open(&c);
    assert_int_equal(gpadl_create(c.relid, 0x300, RAM_BASE_PFN + 100, 2), 0);
    vmbus_server_rescind(c.dev.ch);
    assert_int_equal(c.dev.closes, 1);
    expect_msg(VMBUS_MSG_RESCIND_CHANNELOFFER, NULL, 12);
    assert_int_equal(vmbus_server_signal_event(srv, VMBUS_CHANNEL_CONNECTION_BASE + c.relid, 0),
                     ST_INVALID_CONN);
    send_relid_msg(VMBUS_MSG_CLOSECHANNEL, c.relid);
    assert_int_equal(c.dev.closes, 1);
    expect_none();
    assert_int_equal(H.nmaps, 2);
    send_relid_msg(VMBUS_MSG_RELID_RELEASED, c.relid);
    assert_int_equal(H.nmaps, 0);
    check_still_usable();
}

/* Never offered to a guest: gone at once, no message. */
static void test_rescind_unsent(void **state)
{
    struct fdev a, b;
    (void)state;

    memset(&a, 0, sizeof(a));
    memset(&b, 0, sizeof(b));
    offer(&a, 1);
    vmbus_server_rescind(a.ch); /* no guest */
    connect_ok(VMBUS_VERSION_V5_3);
    offer(&b, 2);
    vmbus_server_rescind(b.ch); /* guest, but before REQUESTOFFERS */
    expect_none();
    send_simple(VMBUS_MSG_REQUESTOFFERS);
    expect_msg(VMBUS_MSG_ALLOFFERS_DELIVERED, NULL, 8);
    expect_none();
    vmbus_server_rescind(NULL);
}

/* Devices that rescind from their callbacks. */
static void test_rescind_from_callbacks(void **state)
{
    struct chan c[2];
    (void)state;

    bring_up(c, 2);
    /* From close, on the guest's CLOSECHANNEL: the rescind goes out. */
    chan_open(&c[0], 1, RAM_BASE_PFN, 2, 2, 0);
    c[0].dev.rescind_in_close = true;
    send_relid_msg(VMBUS_MSG_CLOSECHANNEL, c[0].relid);
    assert_int_equal(c[0].dev.closes, 1);
    expect_msg(VMBUS_MSG_RESCIND_CHANNELOFFER, NULL, 12);
    send_relid_msg(VMBUS_MSG_RELID_RELEASED, c[0].relid);
    assert_null(vmbus_server_gpadl_view(srv, 1, NULL));

    /* From open: no OPENCHANNEL_RESULT, the rescind instead. */
    c[1].dev.rescind_in_open = true;
    gring_init(&(struct gring){(struct vmbus_ring_header *)gpa(RAM_BASE_PFN + 8), NULL, 0});
    gring_init(&(struct gring){(struct vmbus_ring_header *)gpa(RAM_BASE_PFN + 10), NULL, 0});
    assert_int_equal(gpadl_create(c[1].relid, 2, RAM_BASE_PFN + 8, 4), 0);
    {
        struct vmbus_msg_open_channel o = open_msg(c[1].relid, 2, 2, 0);
        assert_int_equal(post(1, &o, sizeof(o)), ST_SUCCESS);
    }
    assert_int_equal(c[1].dev.opens, 1);
    assert_int_equal(c[1].dev.closes, 0);
    expect_msg(VMBUS_MSG_RESCIND_CHANNELOFFER, NULL, 12);
    expect_none();
    send_relid_msg(VMBUS_MSG_RELID_RELEASED, c[1].relid);
    assert_int_equal(H.nmaps, 0);

    /* From close during an UNLOAD: freed at once, nothing sent. */
    {
        struct chan d;

        memset(&d, 0, sizeof(d));
        offer(&d.dev, 5);
        expect_msg(VMBUS_MSG_OFFERCHANNEL, NULL, 196);
        connect_ok(VMBUS_VERSION_V5_3);
        assert_int_equal(request_offers((uint32_t[4]){0}, 4), 1);
        d.relid = vmbus_channel_relid(d.dev.ch);
        chan_open(&d, 3, RAM_BASE_PFN + 16, 2, 2, 0);
        d.dev.rescind_in_close = true;
        send_simple(VMBUS_MSG_UNLOAD);
        assert_int_equal(d.dev.closes, 1);
        expect_msg(VMBUS_MSG_UNLOAD_RESPONSE, NULL, 8);
        expect_none();
        connect_ok(VMBUS_VERSION_V5_3);
        assert_int_equal(request_offers((uint32_t[4]){0}, 4), 0);
    }
}

/* ==== unload, reset, reconnect ==== */

static void test_unload(void **state)
{
    struct chan c[2];
    uint32_t relids[4];
    const struct posted *p;
    (void)state;

    bring_up(c, 2);
    chan_open(&c[0], 1, RAM_BASE_PFN, 2, 2, 4);
    assert_int_equal(gpadl_create(c[1].relid, 2, RAM_BASE_PFN + 10, 3), 0);
    assert_int_equal(H.nmaps, 2);
    send_simple(VMBUS_MSG_UNLOAD);
    p = expect_msg(VMBUS_MSG_UNLOAD_RESPONSE, NULL, 8);
    assert_int_equal(p->len, 8);
    assert_int_equal(c[0].dev.closes, 1);
    assert_int_equal(c[1].dev.closes, 0);
    assert_int_equal(H.nmaps, 0);
    assert_int_equal(vmbus_server_version(srv), 0);
    assert_false(vmbus_channel_is_open(c[0].dev.ch));
    /* Disconnected: only INITIATE_CONTACT is heard. */
    send_simple(VMBUS_MSG_REQUESTOFFERS);
    send_simple(VMBUS_MSG_UNLOAD);
    expect_none();
    /* The next guest sees the same offers, under the same relids. */
    connect_ok(VMBUS_VERSION_WIN8_1);
    assert_int_equal(request_offers(relids, 4), 2);
    assert_int_equal(relids[0], c[0].relid);
    assert_int_equal(relids[1], c[1].relid);
    chan_open(&c[0], 1, RAM_BASE_PFN, 2, 2, 4);
    assert_int_equal(c[0].dev.opens, 2);
}

static void test_reset(void **state)
{
    struct chan c;
    uint32_t relids[4];
    (void)state;

    bring_up_open(&c);
    vmbus_server_reset(srv);
    expect_none();
    assert_int_equal(c.dev.closes, 1);
    assert_int_equal(H.nmaps, 0);
    assert_int_equal(vmbus_server_version(srv), 0);
    connect_ok(VMBUS_VERSION_V5_1);
    assert_int_equal(request_offers(relids, 4), 1);
    /* Reset with nothing going on is harmless. */
    vmbus_server_reset(srv);
    vmbus_server_reset(srv);
    check_still_usable();
}

/* A guest that kexecs without UNLOAD: the new INITIATE_CONTACT starts over. */
static void test_initiate_contact_again_resets(void **state)
{
    struct chan c;
    uint32_t relids[4];
    (void)state;

    bring_up_open(&c);
    assert_int_equal(gpadl_create(c.relid, 0x99, RAM_BASE_PFN + 200, 2), 0);
    connect_ok(VMBUS_VERSION_V5_3);
    assert_int_equal(c.dev.closes, 1);
    assert_int_equal(H.nmaps, 0);
    assert_null(vmbus_server_gpadl_view(srv, 0x99, NULL));
    assert_int_equal(request_offers(relids, 4), 1);
    chan_open(&c, 0xe1e10, RAM_BASE_PFN, 4, 4, 0);
    /* Even a refused version drops the old connection. */
    assert_int_equal(contact(0x00070000, 0).version_supported, 0);
    assert_int_equal(c.dev.closes, 2);
    assert_int_equal(H.nmaps, 0);
}

/* ==== the message queue ==== */

static void test_busy_queue_and_retry(void **state)
{
    struct fdev d[3];
    uint32_t relids[3];
    (void)state;

    for (int i = 0; i < 3; i++) {
        memset(&d[i], 0, sizeof(d[i]));
        offer(&d[i], (uint8_t)i);
    }
    connect_ok(VMBUS_VERSION_V5_3);
    H.busy = true;
    send_simple(VMBUS_MSG_REQUESTOFFERS);
    expect_none();
    vmbus_server_retry(srv);
    expect_none();
    /* The slot frees, but only for two messages. */
    H.busy = false;
    H.busy_at = H.nmsgs + 2;
    vmbus_server_retry(srv);
    assert_int_equal(pending_msgs(), 2);
    /* A hot-added offer queues behind the rest. */
    {
        struct fdev e;
        memset(&e, 0, sizeof(e));
        offer(&e, 7);
        H.busy_at = 0;
        vmbus_server_retry(srv);
        for (int i = 0; i < 3; i++)
            relids[i] = rd32(expect_msg(VMBUS_MSG_OFFERCHANNEL, NULL, 196), 184);
        expect_msg(VMBUS_MSG_ALLOFFERS_DELIVERED, NULL, 8);
        assert_int_equal(rd32(expect_msg(VMBUS_MSG_OFFERCHANNEL, NULL, 196), 184), 4);
        expect_none();
    }
    assert_int_equal(relids[0], 1);
    assert_int_equal(relids[1], 2);
    assert_int_equal(relids[2], 3);
    /* Nothing queued: retry does nothing. */
    vmbus_server_retry(srv);
    expect_none();
}

/* The guest keeps posting while it reads nothing: HV_STATUS_INSUFFICIENT_BUFFERS
 * once replies would not fit, and nothing is lost. */
static void test_queue_full(void **state)
{
    struct chan c[8];
    unsigned int taken = 0;
    uint16_t st;
    (void)state;

    bring_up(c, 8);
    H.busy = true;
    /* Each bad GPADL_HEADER wants one GPADL_CREATED. */
    for (;;) {
        struct vmbus_msg_gpadl_header h = {{VMBUS_MSG_GPADL_HEADER, 0}, 99, taken, 16, 1};
        st = post(1, &h, sizeof(h));
        if (st != ST_SUCCESS)
            break;
        taken++;
        assert_true(taken < 10000);
    }
    assert_int_equal(st, ST_NO_BUFFERS);
    assert_int_equal(taken, 256);
    /* Messages without a reply still go through. */
    send_relid_msg(VMBUS_MSG_CLOSECHANNEL, c[0].relid);
    /* The server's own messages still find room. */
    vmbus_server_rescind(c[7].dev.ch);
    /* The guest reads: all 256 replies, then the rescind, in order. */
    H.busy = false;
    vmbus_server_retry(srv);
    for (unsigned int i = 0; i < taken; i++) {
        struct vmbus_msg_gpadl_created cr;
        expect_msg(VMBUS_MSG_GPADL_CREATED, &cr, sizeof(cr));
        assert_int_equal(cr.gpadl, i);
    }
    expect_msg(VMBUS_MSG_RESCIND_CHANNELOFFER, NULL, 12);
    expect_none();

    /* REQUESTOFFERS needs a message per offer plus one (7 offers now: the
     * rescinded channel went with the old connection): refused unless all
     * fit, accepted once the guest read. */
    connect_ok(VMBUS_VERSION_V5_3);
    H.busy = true;
    for (unsigned int i = 0; i < 256 - 7; i++) {
        struct vmbus_msg_gpadl_header h = {{VMBUS_MSG_GPADL_HEADER, 0}, 99, i, 16, 1};
        assert_int_equal(post(1, &h, sizeof(h)), ST_SUCCESS);
    }
    {
        struct vmbus_msg_header ro = {VMBUS_MSG_REQUESTOFFERS, 0};

        assert_int_equal(post(1, &ro, sizeof(ro)), ST_NO_BUFFERS);
        H.busy = false;
        vmbus_server_retry(srv);
        assert_int_equal(pending_msgs(), 256 - 7);
        H.next = H.nmsgs;
        assert_int_equal(post(1, &ro, sizeof(ro)), ST_SUCCESS);
        assert_int_equal(pending_msgs(), 8);
        H.next = H.nmsgs;
    }
    /* INITIATE_CONTACT always goes through: it drops the old connection's
     * queue, and only its answer is left. */
    H.busy = true;
    for (unsigned int i = 0; i < 300; i++) {
        struct vmbus_msg_gpadl_header h = {{VMBUS_MSG_GPADL_HEADER, 0}, 99, i, 16, 1};
        st = post(1, &h, sizeof(h));
    }
    assert_int_equal(st, ST_NO_BUFFERS);
    {
        uint8_t m[64];
        size_t n = initiate_msg(m, VMBUS_VERSION_V5_3, 0, VMBUS_MESSAGE_SINT, 0);
        assert_int_equal(post(4, m, n), ST_SUCCESS);
    }
    H.busy = false;
    vmbus_server_retry(srv);
    expect_msg(VMBUS_MSG_VERSION_RESPONSE, NULL, 16);
    expect_none();
}

/* A message the host cannot deliver at all is dropped, not retried forever. */
static void test_post_failure_dropped(void **state)
{
    struct fdev d;
    (void)state;

    memset(&d, 0, sizeof(d));
    offer(&d, 1);
    connect_ok(VMBUS_VERSION_V5_3);
    H.fail = -22;
    send_simple(VMBUS_MSG_REQUESTOFFERS);
    expect_none();
    H.fail = 0;
    vmbus_server_retry(srv);
    expect_none();
    assert_int_equal(gpadl_create(1, 5, RAM_BASE_PFN, 1), 0);
}

/* ==== malformed input ==== */

/* Post every truncation of @msg (lengths 0 .. @min - 1): all ignored. */
static void post_truncations(uint32_t conn, const void *msg, size_t min)
{
    for (size_t len = 0; len < min; len++)
        assert_int_equal(post(conn, msg, len), ST_SUCCESS);
    expect_none();
}

/* Every guest message cut short of its struct is ignored; the same message
 * at full length then does what it should. */
static void test_short_messages_every_type(void **state)
{
    struct chan c[2];
    uint8_t m[VMBUS_MESSAGE_MAX];
    (void)state;

    bring_up(c, 2);
    chan_open(&c[0], 1, RAM_BASE_PFN, 2, 2, 0);
    gring_init(&(struct gring){(struct vmbus_ring_header *)gpa(RAM_BASE_PFN + 8), NULL, 0});
    gring_init(&(struct gring){(struct vmbus_ring_header *)gpa(RAM_BASE_PFN + 10), NULL, 0});
    assert_int_equal(gpadl_create(c[1].relid, 3, RAM_BASE_PFN + 8, 4), 0);
    assert_int_equal(gpadl_create(c[0].relid, 4, RAM_BASE_PFN + 20, 1), 0);
    gpadl_header_partial(c[0].relid, 2, 3, (uint64_t[]){range_hdr(2 * PAGE, 0), RAM_BASE_PFN + 30},
                         2);
    expect_none();

    /* MODIFYCHANNEL: 16 bytes. */
    {
        struct vmbus_msg_modifychannel mc = {{VMBUS_MSG_MODIFYCHANNEL, 0}, c[0].relid, 3};
        post_truncations(1, &mc, sizeof(mc));
        assert_int_equal(post(1, &mc, sizeof(mc)), ST_SUCCESS);
        expect_msg(VMBUS_MSG_MODIFYCHANNEL_RESPONSE, NULL, 16);
    }
    /* GPADL_BODY: 16 bytes, then the missing PFN. */
    {
        struct vmbus_msg_gpadl_body b = {{VMBUS_MSG_GPADL_BODY, 0}, 0, 2};
        uint64_t pfn = RAM_BASE_PFN + 31;

        memcpy(m, &b, sizeof(b));
        memcpy(m + sizeof(b), &pfn, 8);
        post_truncations(1, m, sizeof(b));
        assert_int_equal(post(1, m, sizeof(b) + 8), ST_SUCCESS);
        assert_int_equal(expect_created(c[0].relid, 2), 0);
    }
    /* GPADL_HEADER: 20 bytes (its range data may all come in bodies). */
    {
        struct vmbus_msg_gpadl_header h = {{VMBUS_MSG_GPADL_HEADER, 0}, c[0].relid, 5, 16, 1};
        uint64_t d[2] = {range_hdr(PAGE, 0), RAM_BASE_PFN + 40};

        memcpy(m, &h, sizeof(h));
        memcpy(m + sizeof(h), d, sizeof(d));
        post_truncations(1, m, sizeof(h));
        assert_int_equal(post(1, m, sizeof(h) + sizeof(d)), ST_SUCCESS);
        assert_int_equal(expect_created(c[0].relid, 5), 0);
    }
    /* GPADL_TEARDOWN: 16 bytes. */
    {
        struct vmbus_msg_gpadl_teardown t = {{VMBUS_MSG_GPADL_TEARDOWN, 0}, c[0].relid, 4};
        post_truncations(1, &t, sizeof(t));
        assert_non_null(vmbus_server_gpadl_view(srv, 4, NULL));
        gpadl_teardown_ok(c[0].relid, 4);
    }
    /* OPENCHANNEL: 148 bytes. */
    {
        struct vmbus_msg_open_channel o = open_msg(c[1].relid, 3, 2, 0);
        post_truncations(1, &o, sizeof(o));
        assert_int_equal(c[1].dev.opens, 0);
        assert_int_equal(open_send(c[1].relid, 3, 2, 0), 0);
        assert_true(vmbus_channel_is_open(c[1].dev.ch));
    }
    /* CLOSECHANNEL: 12 bytes. */
    {
        struct vmbus_msg_relid cl = {{VMBUS_MSG_CLOSECHANNEL, 0}, c[1].relid};
        post_truncations(1, &cl, sizeof(cl));
        assert_true(vmbus_channel_is_open(c[1].dev.ch));
        send_relid_msg(VMBUS_MSG_CLOSECHANNEL, c[1].relid);
        assert_int_equal(c[1].dev.closes, 1);
    }
    /* RELID_RELEASED: 12 bytes; afterwards the relid is not the guest's. */
    {
        struct vmbus_msg_relid rr = {{VMBUS_MSG_RELID_RELEASED, 0}, c[1].relid};
        struct vmbus_msg_open_channel o = open_msg(c[1].relid, 1, 2, 0);

        post_truncations(1, &rr, sizeof(rr));
        assert_int_equal(gpadl_create(c[1].relid, 6, RAM_BASE_PFN + 50, 1), 0);
        send_relid_msg(VMBUS_MSG_RELID_RELEASED, c[1].relid);
        assert_null(vmbus_server_gpadl_view(srv, 6, NULL));
        assert_int_equal(post(1, &o, sizeof(o)), ST_SUCCESS);
        expect_none();
    }
    /* INITIATE_CONTACT: 40 bytes, on id 4. */
    {
        size_t n = initiate_msg(m, VMBUS_VERSION_V5_3, 0, VMBUS_MESSAGE_SINT, 0);
        post_truncations(4, m, n);
        assert_true(vmbus_channel_is_open(c[0].dev.ch));
        assert_int_equal(post(4, m, n), ST_SUCCESS);
        expect_msg(VMBUS_MSG_VERSION_RESPONSE, NULL, 16);
        assert_false(vmbus_channel_is_open(c[0].dev.ch));
    }
    check_still_usable();
}

/* Host-to-guest types sent by the guest, reserved and unknown types. */
static void test_unknown_types(void **state)
{
    static const uint32_t types[] = {0,  1,  2,  4,  6,   10,          12,         15, 17,
                                     18, 19, 20, 21, 23,  24,          25,         26, 27,
                                     28, 29, 30, 31, 100, 0x80000000u, 0xffffffffu};
    struct chan c;
    uint8_t m[VMBUS_MESSAGE_MAX];
    (void)state;

    bring_up_open(&c);
    for (size_t t = 0; t < sizeof(types) / sizeof(types[0]); t++) {
        for (size_t i = 0; i < sizeof(m); i++)
            m[i] = (uint8_t)(i * 13 + t);
        memcpy(m, &types[t], 4);
        assert_int_equal(post(1, m, sizeof(m)), ST_SUCCESS);
        assert_int_equal(post(1, m, 8), ST_SUCCESS);
        assert_int_equal(post(4, m, sizeof(m)), ST_SUCCESS);
    }
    expect_none();
    assert_true(vmbus_channel_is_open(c.dev.ch));
    assert_int_equal(vmbus_server_version(srv), VMBUS_VERSION_V5_3);
    check_still_usable();
}

/* Relids outside 1..64, not offered, or released: no action, no reply
 * (a GPADL for them is refused with a status). */
static void test_bad_relids(void **state)
{
    struct chan c[2];
    uint32_t bad[] = {0, VMBUS_MAX_CHANNELS + 1, 0x100, 0xffffffffu, 3, 0};
    (void)state;

    bring_up(c, 2);
    /* The guest gave relid 2 back (it had no driver for it). */
    send_relid_msg(VMBUS_MSG_RELID_RELEASED, c[1].relid);
    bad[5] = c[1].relid;
    assert_int_equal(gpadl_create(c[0].relid, 1, RAM_BASE_PFN, 4), 0);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct vmbus_msg_open_channel o = open_msg(bad[i], 1, 2, 0);
        struct vmbus_msg_modifychannel mc = {{VMBUS_MSG_MODIFYCHANNEL, 0}, bad[i], 1};

        assert_int_equal(post(1, &o, sizeof(o)), ST_SUCCESS);
        send_relid_msg(VMBUS_MSG_CLOSECHANNEL, bad[i]);
        send_relid_msg(VMBUS_MSG_RELID_RELEASED, bad[i]);
        assert_int_equal(post(1, &mc, sizeof(mc)), ST_SUCCESS);
        gpadl_teardown_send(bad[i], 1);
        expect_none();
        assert_int_not_equal(gpadl_create(bad[i], 2, RAM_BASE_PFN + 4, 1), 0);
        assert_int_equal(vmbus_server_signal_event(srv, VMBUS_CHANNEL_CONNECTION_BASE + bad[i], 0),
                         ST_INVALID_CONN);
    }
    assert_int_equal(c[0].dev.opens + c[1].dev.opens, 0);
    assert_non_null(vmbus_server_gpadl_view(srv, 1, NULL));
    /* The released channel comes back with the next connection. */
    connect_ok(VMBUS_VERSION_V5_3);
    assert_int_equal(request_offers((uint32_t[4]){0}, 4), 2);
}

static void test_signal_event_checks(void **state)
{
    struct chan c;
    static const uint32_t ids[] = {0,
                                   1,
                                   4,
                                   VMBUS_CHANNEL_CONNECTION_BASE,
                                   VMBUS_CHANNEL_CONNECTION_BASE + VMBUS_MAX_CHANNELS + 1,
                                   0xffffffffu};
    (void)state;

    bring_up_open(&c);
    for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
        assert_int_equal(vmbus_server_signal_event(srv, ids[i], 0), ST_INVALID_CONN);
    /* Open, but not this one. */
    assert_int_equal(vmbus_server_signal_event(srv, VMBUS_CHANNEL_CONNECTION_BASE + c.relid + 1, 0),
                     ST_INVALID_CONN);
    assert_int_equal(c.dev.notifies, 0);
    assert_int_equal(vmbus_server_signal_event(srv, VMBUS_CHANNEL_CONNECTION_BASE + c.relid, 2048),
                     ST_INVALID_PARM);
    assert_int_equal(vmbus_server_signal_event(srv, VMBUS_CHANNEL_CONNECTION_BASE + c.relid, 2047),
                     ST_SUCCESS);
    assert_int_equal(vmbus_server_signal_event(srv, VMBUS_CHANNEL_CONNECTION_BASE + c.relid, 0),
                     ST_SUCCESS);
    assert_int_equal(c.dev.notifies, 2);
    assert_int_equal(vmbus_server_signal_event(NULL, VMBUS_CHANNEL_CONNECTION_BASE + 1, 0),
                     ST_INVALID_CONN);
}

/* ==== rings the guest broke ==== */

static void expect_corrupt_closed(struct chan *c)
{
    uint8_t buf[64];
    uint32_t len;

    assert_int_equal(c->dev.closes, 1);
    assert_false(vmbus_channel_is_open(c->dev.ch));
    assert_int_equal(vmbus_channel_recv(c->dev.ch, buf, sizeof(buf), &len), VMBUS_RING_CORRUPT);
    assert_int_equal(vmbus_channel_skip(c->dev.ch), VMBUS_RING_CORRUPT);
    assert_int_equal(vmbus_channel_send(c->dev.ch, VMBUS_PKT_COMP, 0, 1, "x", 1),
                     VMBUS_RING_CORRUPT);
    assert_int_equal(vmbus_server_signal_event(srv, VMBUS_CHANNEL_CONNECTION_BASE + c->relid, 0),
                     ST_INVALID_CONN);
    /* The guest's CLOSECHANNEL after that changes nothing. */
    send_relid_msg(VMBUS_MSG_CLOSECHANNEL, c->relid);
    assert_int_equal(c->dev.closes, 1);
    expect_none();
}

/* Indexes or descriptors in the guest's outbound ring that point outside
 * it: the device's recv says CORRUPT and the channel is closed. */
static void test_corrupt_outbound_ring(void **state)
{
    static const struct {
        uint32_t w, r;
        uint16_t len8;
    } cases[] = {
        {3 * PAGE, 0, 0},       /* write_index == ring size */
        {0xfffffff8u, 0, 0},    /* far outside */
        {12, 0, 0},             /* not 8-aligned */
        {64, 3 * PAGE + 64, 0}, /* read_index outside */
        {64, 0, 0xffff},        /* len8 beyond the data written */
        {64, 0, 1},             /* len8 < offset8 */
    };
    (void)state;

    /* Outside the loop: the last case's channel lives on into
     * check_still_usable(). */
    static struct chan c;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint8_t buf[64];
        uint32_t len;
        bool sig;

        if (i) {
            /* A fresh server per case. */
            teardown(NULL);
            setup(NULL);
        }
        bring_up_open(&c);
        c.dev.recv_on_notify = true;
        assert_true(guest_write(&c.out, 1, "payload", 7, &sig));
        if (cases[i].len8) {
            struct vmbus_packet_desc d;
            gget(&c.out, 0, &d, sizeof(d));
            d.len8 = cases[i].len8;
            gput(&c.out, 0, &d, sizeof(d));
        } else {
            c.out.hdr->write_index = cases[i].w;
            c.out.hdr->read_index = cases[i].r;
        }
        assert_int_equal(vmbus_server_signal_event(srv, VMBUS_CHANNEL_CONNECTION_BASE + c.relid, 0),
                         0);
        assert_int_equal(c.dev.last_recv_rc, VMBUS_RING_CORRUPT);
        assert_int_equal(c.dev.npkts, 0);
        expect_corrupt_closed(&c);
        /* Opening again (fixed rings) clears it. */
        gpadl_teardown_ok(c.relid, c.gpadl);
        chan_open(&c, 0x123, RAM_BASE_PFN + 16, 2, 2, 0);
        assert_true(guest_write(&c.out, 1, "ok", 2, &sig));
        assert_int_equal(vmbus_channel_recv(c.dev.ch, buf, sizeof(buf), &len), VMBUS_RING_OK);
        (void)len;
    }
    check_still_usable();
}

/* A broken inbound ring (the host writes there) closes the channel too. */
static void test_corrupt_inbound_ring(void **state)
{
    struct chan c;
    (void)state;

    bring_up_open(&c);
    c.in.hdr->read_index = 5;
    assert_int_equal(vmbus_channel_send(c.dev.ch, VMBUS_PKT_COMP, 0, 1, "x", 1),
                     VMBUS_RING_CORRUPT);
    expect_corrupt_closed(&c);
    assert_int_equal(H.nsigs, 0);
    check_still_usable();
}

/* The device sends from its open callback into a ring the guest broke: the
 * open fails and the device's open is undone. */
static void test_corrupt_during_open(void **state)
{
    struct chan c;
    (void)state;

    bring_up(&c, 1);
    c.dev.send_in_open = true;
    c.in = gring_at(RAM_BASE_PFN + 2, 2);
    gring_init(&c.in);
    c.in.hdr->write_index = 0xffff0000u;
    assert_int_equal(gpadl_create(c.relid, 1, RAM_BASE_PFN, 4), 0);
    assert_int_not_equal(open_send(c.relid, 1, 2, 0), 0);
    assert_int_equal(c.dev.send_in_open_rc, VMBUS_RING_CORRUPT);
    assert_int_equal(c.dev.opens, 1);
    assert_int_equal(c.dev.closes, 1);
    assert_false(vmbus_channel_is_open(c.dev.ch));
    /* Fixed: the next open works, and the packet sent in open arrives. */
    gring_init(&c.in);
    assert_int_equal(open_send(c.relid, 1, 2, 0), 0);
    assert_int_equal(c.dev.send_in_open_rc, VMBUS_RING_OK);
    assert_true(vmbus_channel_is_open(c.dev.ch));
}

/* ==== GPADL teardown while a channel uses it ==== */

static void test_teardown_ring_gpadl_while_open(void **state)
{
    struct chan c;
    (void)state;

    bring_up_open(&c);
    gpadl_teardown_ok(c.relid, c.gpadl); /* close first, then TORNDOWN */
    assert_int_equal(c.dev.closes, 1);
    assert_false(vmbus_channel_is_open(c.dev.ch));
    assert_int_equal(H.nmaps, 0);
    chan_open(&c, 0xe1e11, RAM_BASE_PFN, 4, 4, 0);
}

static void test_teardown_other_gpadl_while_open(void **state)
{
    struct chan c;
    (void)state;

    bring_up_open(&c);
    assert_int_equal(gpadl_create(c.relid, 0x700, RAM_BASE_PFN + 300, 16), 0);
    gpadl_teardown_ok(c.relid, 0x700);
    assert_int_equal(c.dev.teardowns, 1);
    assert_int_equal(c.dev.teardown_id, 0x700);
    assert_true(vmbus_channel_is_open(c.dev.ch));
    /* Closed channel: the device is not told. */
    assert_int_equal(gpadl_create(c.relid, 0x701, RAM_BASE_PFN + 300, 16), 0);
    send_relid_msg(VMBUS_MSG_CLOSECHANNEL, c.relid);
    gpadl_teardown_ok(c.relid, 0x701);
    assert_int_equal(c.dev.teardowns, 1);
    /* A device without the callback is fine too. */
    {
        static const struct vmbus_device_ops plain = {.open = fdev_open, .close = fdev_close};
        struct fdev d;
        struct vmbus_offer o = make_offer(8);
        uint32_t relid;

        memset(&d, 0, sizeof(d));
        d.ch = vmbus_server_offer(srv, &o, &plain, &d);
        relid = rd32(expect_msg(VMBUS_MSG_OFFERCHANNEL, NULL, 196), 184);
        gring_init(&(struct gring){(struct vmbus_ring_header *)gpa(RAM_BASE_PFN + 400), NULL, 0});
        gring_init(&(struct gring){(struct vmbus_ring_header *)gpa(RAM_BASE_PFN + 402), NULL, 0});
        assert_int_equal(gpadl_create(relid, 0x800, RAM_BASE_PFN + 400, 4), 0);
        assert_int_equal(open_send(relid, 0x800, 2, 0), 0);
        assert_int_equal(gpadl_create(relid, 0x801, RAM_BASE_PFN + 410, 1), 0);
        gpadl_teardown_ok(relid, 0x801);
        /* No notify callback: signals are taken and ignored. */
        assert_int_equal(vmbus_server_signal_event(srv, VMBUS_CHANNEL_CONNECTION_BASE + relid, 0),
                         0);
    }
}

/* Destroying the server closes open channels and unmaps every GPADL
 * (teardown() checks the mappings). */
static void test_destroy_with_open_channels(void **state)
{
    struct chan c[3];
    (void)state;

    bring_up(c, 3);
    chan_open(&c[0], 1, RAM_BASE_PFN, 2, 2, 0);
    chan_open(&c[2], 3, RAM_BASE_PFN + 8, 2, 2, 0);
    assert_int_equal(gpadl_create(c[1].relid, 2, RAM_BASE_PFN + 20, 5), 0);
    gpadl_header_partial(c[1].relid, 4, 41, (uint64_t[]){range_hdr(40 * PAGE, 0), 0}, 2);
    vmbus_server_rescind(c[1].dev.ch);
    vmbus_server_destroy(srv);
    srv = NULL;
    assert_int_equal(c[0].dev.closes, 1);
    assert_int_equal(c[1].dev.closes, 0);
    assert_int_equal(c[2].dev.closes, 1);
    assert_int_equal(H.nmaps, 0);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_create_checks_host),
        T(test_versions_accepted),
        T(test_versions_wrong_connection_id),
        T(test_versions_unsupported),
        T(test_msg_sint_vtl_vcpu),
        T(test_invalid_connection_ids),
        T(test_messages_before_contact_ignored),
        T(test_short_initiate_contact),
        T(test_request_offers_layout),
        T(test_offer_hot_add),
        T(test_offer_relid_exhaustion),
        T(test_gpadl_single_message),
        T(test_gpadl_view_per_channel),
        T(test_gpadl_split_bodies),
        T(test_gpadl_padded_messages),
        T(test_gpadl_ranges),
        T(test_gpadl_bad_pfns),
        T(test_gpadl_bad_headers),
        T(test_gpadl_largest),
        T(test_gpadl_body_stray),
        T(test_gpadl_teardown),
        T(test_gpadl_limit),
        T(test_open_accept),
        T(test_open_refused_by_device),
        T(test_open_bad_params),
        T(test_close_channel),
        T(test_guest_to_host_packets),
        T(test_host_to_guest_packets),
        T(test_no_interrupt_target),
        T(test_guest_waits_for_room),
        T(test_send_full_then_room),
        T(test_recv_too_big_and_skip),
        T(test_modify_channel),
        T(test_rescind_closed_channel),
        T(test_rescind_open_channel),
        T(test_rescind_unsent),
        T(test_rescind_from_callbacks),
        T(test_unload),
        T(test_reset),
        T(test_initiate_contact_again_resets),
        T(test_busy_queue_and_retry),
        T(test_queue_full),
        T(test_post_failure_dropped),
        T(test_short_messages_every_type),
        T(test_unknown_types),
        T(test_bad_relids),
        T(test_signal_event_checks),
        T(test_corrupt_outbound_ring),
        T(test_corrupt_inbound_ring),
        T(test_corrupt_during_open),
        T(test_teardown_ring_gpadl_while_open),
        T(test_teardown_other_gpadl_while_open),
        T(test_destroy_with_open_channels),
        T(test_dump_open_channels),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
