/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of drivers/netvsp, the host side of Linux's hv_netvsc.
 *
 * The VMBus channel API is faked (every vmbus_* function netvsp calls): the
 * fake records each packet the host sends exactly as the guest would find
 * it in its inbound ring (descriptor, transfer-page header, payload,
 * padding), and holds a queue of raw packets from the guest, descriptor
 * included, so that GPA-direct packets are laid out as Linux 6.1's
 * vmbus_sendpacket_mpb_desc() writes them.  Guest RAM is a calloc'd buffer
 * at GPA 0; vmbus_channel_guest_ptr() answers only inside it, and the
 * guest's GPADLs are a small table of ranges of it.
 *
 * The guest is played by helpers written from Linux 6.1's netvsc.c
 * (netvsc_connect_vsp, netvsc_init_buf, netvsc_send_pkt, netvsc_receive)
 * and rndis_filter.c (rndis_filter_device_add and the requests it sends),
 * independently of the code under test: the wire structures are spelled
 * out again here, and what the host sends is checked the way Linux checks
 * it before the bytes are compared.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <netvsp/netvsp.h>
#include <vmbus/channel.h>

/* ---- Linux's wire format, spelled out -------------------------------------------------- */

enum {
    NVSP_INIT = 1,
    NVSP_INIT_COMPLETE = 2,
    NVSP_NDIS_VER = 100,
    NVSP_RECV_BUF = 101,
    NVSP_RECV_BUF_COMP = 102,
    NVSP_REVOKE_RECV = 103,
    NVSP_SEND_BUF = 104,
    NVSP_SEND_BUF_COMP = 105,
    NVSP_REVOKE_SEND = 106,
    NVSP_RNDIS_PKT = 107,
    NVSP_RNDIS_PKT_COMP = 108,
    NVSP_NDIS_CONFIG = 125,
    NVSP_SWITCH_DATA_PATH = 129,
    NVSP_SUBCHANNEL = 133,
};

enum { STAT_SUCCESS = 1, STAT_FAIL = 2, STAT_INVALID_RNDIS = 5 };

struct nvsp_message {
    uint32_t type;
    union {
        struct {
            uint32_t min, max;
        } init;
        struct {
            uint32_t version, max_mdl, status;
        } init_complete;
        struct {
            uint32_t major, minor;
        } ndis_ver;
        struct {
            uint32_t mtu, reserved;
            uint64_t caps;
        } __attribute__((packed)) config;
        struct {
            uint32_t gpadl;
            uint16_t id;
        } __attribute__((packed)) buf;
        struct {
            uint32_t status, num_sections;
            uint32_t offset, sub_alloc_size, num_sub_allocs, end_offset;
        } recv_comp;
        struct {
            uint32_t status, section_size;
        } send_comp;
        struct {
            uint16_t id;
        } revoke;
        struct {
            uint32_t channel_type, index, size;
        } rndis;
        struct {
            uint32_t status;
        } rndis_comp;
        struct {
            uint32_t op, num;
        } subch;
        struct {
            uint32_t status, num;
        } subch_comp;
        uint8_t raw[36];
    };
} __attribute__((packed));

_Static_assert(sizeof(struct nvsp_message) == 40, "Linux struct nvsp_message");

#define RNDIS_PACKET      1u
#define RNDIS_INIT        2u
#define RNDIS_HALT        3u
#define RNDIS_QUERY       4u
#define RNDIS_SET         5u
#define RNDIS_RESET       6u
#define RNDIS_INDICATE    7u
#define RNDIS_KEEPALIVE   8u
#define RNDIS_INIT_C      0x80000002u
#define RNDIS_QUERY_C     0x80000004u
#define RNDIS_SET_C       0x80000005u
#define RNDIS_RESET_C     0x80000006u
#define RNDIS_KEEPALIVE_C 0x80000008u

#define ST_SUCCESS          0u
#define ST_MEDIA_CONNECT    0x4001000bu
#define ST_MEDIA_DISCONNECT 0x4001000cu
#define ST_FAILURE          0xc0000001u
#define ST_NOT_SUPPORTED    0xc00000bbu
#define ST_MULTICAST_FULL   0xc0010009u
#define ST_INVALID_LENGTH   0xc0010014u
#define ST_INVALID_DATA     0xc0010015u

#define OID_SUPPORTED_LIST   0x00010101u
#define OID_MAX_FRAME_SIZE   0x00010106u
#define OID_LINK_SPEED       0x00010107u
#define OID_PACKET_FILTER    0x0001010eu
#define OID_MAX_TOTAL_SIZE   0x00010111u
#define OID_MEDIA_CONNECT    0x00010114u
#define OID_CONFIG_PARAMETER 0x0001021bu
#define OID_RSS_CAPS         0x00010203u
#define OID_RSS_PARAMS       0x00010204u
#define OID_XMIT_OK          0x00020101u
#define OID_RCV_OK           0x00020102u
#define OID_FRIENDLY_NAME    0x00020216u
#define OID_PERM_ADDRESS     0x01010101u
#define OID_CURR_ADDRESS     0x01010102u
#define OID_MCAST_LIST       0x01010103u
#define OID_MCAST_MAX        0x01010104u
#define OID_OFFLOAD_PARAMS   0xfc01020cu
#define OID_OFFLOAD_HWCAPS   0xfc01020du

#define F_DIRECTED  0x01u
#define F_MULTICAST 0x02u
#define F_ALLMULTI  0x04u
#define F_BROADCAST 0x08u
#define F_PROMISC   0x20u

struct rndis_packet {
    uint32_t data_offset, data_len, oob_offset, oob_len, oob_count;
    uint32_t ppi_offset, ppi_len, vc_handle, reserved;
};

#define RNDIS_PKT_HDR 44u /* header and struct rndis_packet */

/* ---- the fake VMBus ---------------------------------------------------------------------- */

#define GUEST_MEM (64u << 20)
#define PAGE      4096u
#define MAX_SENT  4096u
#define SENT_MAX  128u
#define MAX_IN    256u

struct sent {
    uint32_t len;
    uint8_t b[SENT_MAX]; /* as the guest finds it in its ring, without trailer */
};

struct vmbus_channel {
    struct vmbus_offer offer;
    const struct vmbus_device_ops *ops;
    void *dev;
    bool open, rescinded;
    struct sent *sent;
    unsigned nsent;
    uint8_t *in[MAX_IN];
    uint32_t in_len[MAX_IN];
    unsigned in_head, in_tail;
    int send_rc; /* forced status of every send */
    int xfer_rc; /* forced status of transfer-page sends */
};

struct gpadl {
    uint32_t id;
    uint64_t gpa;
    size_t len;
    bool other_channel; /* made for another channel of the connection */
};

static struct vmbus_channel fake;
static int noffers;
static uint8_t *guest;
static struct gpadl gpadls[8];
static struct vmbus_server *const SRV = (struct vmbus_server *)0x5678;

struct vmbus_channel *vmbus_server_offer(struct vmbus_server *srv, const struct vmbus_offer *offer,
                                         const struct vmbus_device_ops *ops, void *dev)
{
    assert_ptr_equal(srv, SRV);
    fake.offer = *offer;
    fake.open = false;
    fake.rescinded = false;
    fake.ops = ops;
    fake.dev = dev;
    noffers++;
    return &fake;
}

void vmbus_server_rescind(struct vmbus_channel *ch)
{
    if (ch->open) {
        ch->open = false;
        ch->ops->close(ch, ch->dev);
    }
    ch->rescinded = true;
}

void *vmbus_channel_guest_ptr(const struct vmbus_channel *ch, uint64_t gpa, uint64_t len)
{
    (void)ch;
    if (len > GUEST_MEM || gpa > GUEST_MEM - len)
        return NULL;
    return guest + gpa;
}

void *vmbus_channel_gpadl_view(struct vmbus_channel *ch, uint32_t gpadl_id, size_t *len)
{
    assert_non_null(ch);
    for (unsigned i = 0; i < 8; i++) {
        if (gpadls[i].id && gpadls[i].id == gpadl_id && !gpadls[i].other_channel) {
            if (len)
                *len = gpadls[i].len;
            return guest + gpadls[i].gpa;
        }
    }
    return NULL;
}

/* The real server closes a channel whose ring broke, close callback
 * included, before the send returns. */
static int forced(struct vmbus_channel *ch, int rc)
{
    if (rc == VMBUS_RING_CORRUPT && ch->open) {
        ch->open = false;
        ch->ops->close(ch, ch->dev);
    }
    return rc;
}

static int record(struct vmbus_channel *ch, uint16_t type, uint16_t flags, uint64_t tid,
                  const void *hdr, size_t hdr_len, const struct vmbus_ring_iov *iov,
                  unsigned iov_count)
{
    struct vmbus_packet_desc d;
    struct sent *s;
    size_t payload = 0, pos;

    assert_false(ch->rescinded);
    if (!ch->open)
        return VMBUS_RING_EINVAL;
    if (ch->send_rc != VMBUS_RING_OK)
        return forced(ch, ch->send_rc);
    assert_int_equal(hdr_len % 8, 0);
    for (unsigned i = 0; i < iov_count; i++)
        payload += iov[i].len;
    assert_true(ch->nsent < MAX_SENT);
    s = &ch->sent[ch->nsent++];
    memset(s, 0, sizeof(*s));
    s->len = (uint32_t)((16 + hdr_len + payload + 7) & ~(size_t)7);
    assert_true(s->len <= SENT_MAX);
    d.type = type;
    d.offset8 = (uint16_t)((16 + hdr_len) / 8);
    d.len8 = (uint16_t)(s->len / 8);
    d.flags = flags;
    d.trans_id = tid;
    memcpy(s->b, &d, sizeof(d));
    if (hdr_len)
        memcpy(s->b + 16, hdr, hdr_len);
    pos = 16 + hdr_len;
    for (unsigned i = 0; i < iov_count; i++) {
        memcpy(s->b + pos, iov[i].base, iov[i].len);
        pos += iov[i].len;
    }
    return VMBUS_RING_OK;
}

int vmbus_channel_send(struct vmbus_channel *ch, uint16_t type, uint16_t flags, uint64_t trans_id,
                       const void *data, size_t len)
{
    struct vmbus_ring_iov iov = {data, len};

    return record(ch, type, flags, trans_id, NULL, 0, &iov, 1);
}

int vmbus_channel_sendv_hdr(struct vmbus_channel *ch, uint16_t type, uint16_t flags,
                            uint64_t trans_id, const void *hdr, size_t hdr_len,
                            const struct vmbus_ring_iov *iov, unsigned int iov_count)
{
    if (ch->open && ch->send_rc == VMBUS_RING_OK && ch->xfer_rc != VMBUS_RING_OK)
        return forced(ch, ch->xfer_rc);
    return record(ch, type, flags, trans_id, hdr, hdr_len, iov, iov_count);
}

int vmbus_channel_recv(struct vmbus_channel *ch, void *buf, size_t size, uint32_t *len)
{
    unsigned i;

    if (!ch->open)
        return VMBUS_RING_EINVAL;
    if (ch->in_head == ch->in_tail)
        return VMBUS_RING_EMPTY;
    i = ch->in_head % MAX_IN;
    *len = ch->in_len[i];
    if (*len > size)
        return VMBUS_RING_TOO_BIG;
    memcpy(buf, ch->in[i], *len);
    free(ch->in[i]);
    ch->in_head++;
    return VMBUS_RING_OK;
}

int vmbus_channel_skip(struct vmbus_channel *ch)
{
    if (ch->in_head == ch->in_tail)
        return VMBUS_RING_EMPTY;
    free(ch->in[ch->in_head % MAX_IN]);
    ch->in_head++;
    return VMBUS_RING_OK;
}

/* ---- the fake host's network ----------------------------------------------------------------- */

#define MAX_FRAMES 64

static struct {
    uint8_t *frame[MAX_FRAMES];
    size_t len[MAX_FRAMES];
    unsigned n;
    unsigned resumes;
    bool loopback; /* deliver every frame straight back to the guest */
} net;

static struct netvsp *nic;

static void host_transmit(void *opaque, const uint8_t *frame, size_t len)
{
    assert_ptr_equal(opaque, &net);
    assert_true(net.n < MAX_FRAMES);
    net.frame[net.n] = malloc(len);
    assert_non_null(net.frame[net.n]);
    memcpy(net.frame[net.n], frame, len);
    net.len[net.n] = len;
    net.n++;
    if (net.loopback)
        assert_int_equal(netvsp_receive_frame(nic, frame, len), NETVSP_RX_DELIVERED);
}

static void host_rx_resume(void *opaque)
{
    assert_ptr_equal(opaque, &net);
    net.resumes++;
}

static void net_clear(void)
{
    for (unsigned i = 0; i < net.n; i++)
        free(net.frame[i]);
    net.n = 0;
}

/* ---- fixture ----------------------------------------------------------------------------- */

static const struct vmbus_guid instance = {{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}};
static const uint8_t MAC[6] = {0x00, 0x15, 0x5d, 0x01, 0x02, 0x03};
static const struct netvsp_host host = {&net, host_transmit, host_rx_resume};

#define RECV_GPADL 0x1001u
#define SEND_GPADL 0x1002u
#define RECV_GPA   0x100000ull
#define RECV_LEN   (2u << 20)
#define SEND_GPA   0x400000ull
#define SEND_LEN   (1u << 20)
#define REQ_GPA    0x600000ull /* RNDIS requests: one page each */
#define DATA_GPA   0x700000ull /* GPA-direct frames */
#define FAR_GPA    0x900000ull /* pages not next to the ones above */

static uint64_t next_tid;
static uint32_t next_req_id;

/* What the guest learned from the host's replies (Linux's netvsc_device). */
static struct {
    uint32_t recv_buf_size, recv_section_size, recv_section_cnt;
    uint32_t send_section_size, send_section_cnt;
} lg;

static void add_gpadl(uint32_t id, uint64_t gpa, size_t len)
{
    for (unsigned i = 0; i < 8; i++) {
        if (!gpadls[i].id) {
            gpadls[i].id = id;
            gpadls[i].gpa = gpa;
            gpadls[i].len = len;
            return;
        }
    }
    fail();
}

static struct netvsp *make_nic(uint32_t mtu, bool allow_mac_change)
{
    struct netvsp_config cfg;

    memset(&cfg, 0, sizeof(cfg));
    cfg.instance = instance;
    memcpy(cfg.mac, MAC, 6);
    cfg.mtu = mtu;
    cfg.link_up = true;
    cfg.allow_mac_change = allow_mac_change;
    return netvsp_create(SRV, &host, &cfg);
}

static int setup(void **state)
{
    (void)state;
    memset(&fake, 0, sizeof(fake));
    fake.sent = calloc(MAX_SENT, sizeof(*fake.sent));
    assert_non_null(fake.sent);
    guest = calloc(1, GUEST_MEM);
    assert_non_null(guest);
    memset(gpadls, 0, sizeof(gpadls));
    add_gpadl(RECV_GPADL, RECV_GPA, RECV_LEN);
    add_gpadl(SEND_GPADL, SEND_GPA, SEND_LEN);
    memset(&net, 0, sizeof(net));
    memset(&lg, 0, sizeof(lg));
    noffers = 0;
    next_tid = 0x1000;
    next_req_id = 1;
    nic = make_nic(0, false);
    assert_non_null(nic);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    netvsp_destroy(nic);
    nic = NULL;
    while (fake.in_head != fake.in_tail)
        free(fake.in[fake.in_head++ % MAX_IN]);
    free(fake.sent);
    free(guest);
    net_clear();
    return 0;
}

/* ---- the guest: sending ------------------------------------------------------------------ */

/* Queue a raw packet (descriptor included) and signal the host. */
static void guest_raw(const void *pkt, uint32_t len)
{
    unsigned i = fake.in_tail % MAX_IN;

    assert_true(fake.in_tail - fake.in_head < MAX_IN);
    fake.in[i] = malloc(len);
    assert_non_null(fake.in[i]);
    memcpy(fake.in[i], pkt, len);
    fake.in_len[i] = len;
    fake.in_tail++;
    fake.ops->notify(&fake, fake.dev);
}

static void guest_packet(uint16_t type, uint16_t flags, uint64_t tid, const void *payload,
                         uint32_t plen)
{
    uint8_t buf[512];
    struct vmbus_packet_desc d;
    uint32_t total = 16 + ((plen + 7) & ~7u);

    assert_true(total <= sizeof(buf));
    memset(buf, 0, sizeof(buf));
    d.type = type;
    d.offset8 = 2;
    d.len8 = (uint16_t)(total / 8);
    d.flags = flags;
    d.trans_id = tid;
    memcpy(buf, &d, sizeof(d));
    if (plen)
        memcpy(buf + 16, payload, plen);
    guest_raw(buf, total);
}

/* vmbus_sendpacket(..., VM_PKT_DATA_INBAND, flags): @plen bytes of @p. */
static uint64_t guest_inband(const void *p, uint32_t plen, bool completion)
{
    uint64_t tid = next_tid++;

    guest_packet(VMBUS_PKT_DATA_INBAND, completion ? VMBUS_PKT_FLAG_COMPLETION : 0, tid, p, plen);
    return tid;
}

static uint64_t guest_nvsp(const struct nvsp_message *m, bool completion)
{
    return guest_inband(m, sizeof(*m), completion);
}

/* A GPA-direct packet under construction (vmbus_sendpacket_mpb_desc). */
struct gpa_pkt {
    uint8_t b[4096];
    uint32_t off;
    uint32_t nranges;
};

static void gpa_begin(struct gpa_pkt *g)
{
    memset(g, 0, sizeof(*g));
    g->off = 24;
}

/* A range with explicit header fields and pfns. */
static void gpa_range_raw(struct gpa_pkt *g, uint32_t count, uint32_t boff, const uint64_t *pfns,
                          uint32_t npfns)
{
    assert_true(g->off + 8 + 8 * npfns <= sizeof(g->b));
    memcpy(g->b + g->off, &count, 4);
    memcpy(g->b + g->off + 4, &boff, 4);
    g->off += 8;
    for (uint32_t i = 0; i < npfns; i++, g->off += 8)
        memcpy(g->b + g->off, &pfns[i], 8);
    g->nranges++;
}

/* [gpa, gpa + len) of physically contiguous pages, as Linux describes it. */
static void gpa_range(struct gpa_pkt *g, uint64_t gpa, uint32_t len)
{
    uint64_t pfns[64];
    uint32_t boff = (uint32_t)(gpa % PAGE);
    uint32_t n = (boff + len + PAGE - 1) / PAGE;

    assert_true(n <= 64);
    for (uint32_t i = 0; i < n; i++)
        pfns[i] = gpa / PAGE + i;
    gpa_range_raw(g, len, boff, pfns, n);
}

/* Finish with the NVSP message and send; @nranges_override: the range
 * count field (0: the real one). */
static uint64_t gpa_send(struct gpa_pkt *g, const struct nvsp_message *m, uint32_t nranges_override)
{
    struct vmbus_packet_desc d;
    uint32_t nr = nranges_override ? nranges_override : g->nranges;
    uint32_t total = (g->off + (uint32_t)sizeof(*m) + 7) & ~7u;
    uint64_t tid = next_tid++;

    assert_true(total <= sizeof(g->b));
    memcpy(g->b + 20, &nr, 4);
    memcpy(g->b + g->off, m, sizeof(*m));
    d.type = VMBUS_PKT_DATA_GPA_DIRECT;
    d.offset8 = (uint16_t)(g->off / 8);
    d.len8 = (uint16_t)(total / 8);
    d.flags = VMBUS_PKT_FLAG_COMPLETION;
    d.trans_id = tid;
    memcpy(g->b, &d, sizeof(d));
    guest_raw(g->b, total);
    return tid;
}

static struct nvsp_message rndis_pkt_msg(uint32_t channel, uint32_t index, uint32_t size)
{
    struct nvsp_message m;

    memset(&m, 0, sizeof(m));
    m.type = NVSP_RNDIS_PKT;
    m.rndis.channel_type = channel;
    m.rndis.index = index;
    m.rndis.size = size;
    return m;
}

/* ---- the guest: what the host sent -------------------------------------------------------- */

static struct vmbus_packet_desc desc_of(unsigned i)
{
    struct vmbus_packet_desc d;

    assert_true(i < fake.nsent);
    memcpy(&d, fake.sent[i].b, sizeof(d));
    return d;
}

/* The completion of @tid among the packets sent from @from on, checked as
 * Linux's netvsc_send_completion() would, then by size. */
static struct nvsp_message completion_of(unsigned from, uint64_t tid)
{
    struct nvsp_message m;

    memset(&m, 0, sizeof(m));

    for (unsigned i = from; i < fake.nsent; i++) {
        struct vmbus_packet_desc d = desc_of(i);

        if (d.type != VMBUS_PKT_COMP || d.trans_id != tid)
            continue;
        assert_int_equal(d.offset8, 2);
        assert_int_equal(d.flags, 0);
        /* Every completion carries Linux's whole nvsp_message. */
        assert_int_equal(d.len8 * 8 - 16, sizeof(m));
        memcpy(&m, fake.sent[i].b + 16, sizeof(m));
        for (unsigned j = i + 1; j < fake.nsent; j++) {
            struct vmbus_packet_desc e = desc_of(j);

            assert_false(e.type == VMBUS_PKT_COMP && e.trans_id == tid); /* only one */
        }
        return m;
    }
    fail_msg("no completion for tid %llx", (unsigned long long)tid);
    return m;
}

/* The host completed @tid without a payload (Linux: "VMBUS completion
 * without data payload"). */
static void assert_empty_completion(unsigned from, uint64_t tid)
{
    for (unsigned i = from; i < fake.nsent; i++) {
        struct vmbus_packet_desc d = desc_of(i);

        if (d.type == VMBUS_PKT_COMP && d.trans_id == tid) {
            assert_int_equal(d.len8, 2);
            return;
        }
    }
    fail_msg("no empty completion for tid %llx", (unsigned long long)tid);
}

static void assert_no_completion(unsigned from, uint64_t tid)
{
    for (unsigned i = from; i < fake.nsent; i++) {
        struct vmbus_packet_desc d = desc_of(i);

        assert_false(d.type == VMBUS_PKT_COMP && d.trans_id == tid);
    }
}

/* One RNDIS message the host put in the receive buffer, as the guest
 * reads it. */
struct rx_msg {
    uint64_t tid;
    uint32_t channel_type;
    uint32_t offset, len;
    uint8_t data[16384];
};

/* Take transfer-page packet @i apart as Linux's netvsc_receive() and
 * rndis_filter_receive() do, failing the test where Linux would drop it;
 * copy out its RNDIS message. */
static void linux_receive(unsigned i, struct rx_msg *m)
{
    const uint8_t *b = fake.sent[i].b;
    struct vmbus_packet_desc d = desc_of(i);
    uint32_t off = d.offset8 * 8u, msglen, range_cnt, count, boff, rndis_len;
    uint16_t pageset;
    struct nvsp_message n;

    assert_int_equal(d.type, VMBUS_PKT_DATA_XFER_PAGES);
    assert_int_equal(d.flags, VMBUS_PKT_FLAG_COMPLETION);
    assert_true(d.len8 * 8u >= off);
    msglen = d.len8 * 8u - off;
    assert_true(msglen >= 4);
    memset(&n, 0, sizeof(n));
    memcpy(&n, b + off, msglen < sizeof(n) ? msglen : sizeof(n));
    assert_int_equal(n.type, NVSP_RNDIS_PKT);
    /* sizeof(struct vmtransfer_page_packet_header), one range: 32. */
    assert_true(off >= 32);
    memcpy(&pageset, b + 16, 2);
    assert_int_equal(pageset, 0xcafe);
    memcpy(&range_cnt, b + 20, 4);
    assert_true(24 + 8 * (uint64_t)range_cnt <= off);
    assert_int_equal(range_cnt, 1);
    memcpy(&count, b + 24, 4);
    memcpy(&boff, b + 28, 4);
    assert_true(boff <= lg.recv_buf_size && count <= lg.recv_buf_size - boff);
    assert_true(count <= lg.recv_section_size);
    assert_true(count >= 8);
    memcpy(&rndis_len, guest + RECV_GPA + boff + 4, 4);
    assert_true(rndis_len >= 8 && rndis_len <= count);
    m->tid = d.trans_id;
    m->channel_type = n.rndis.channel_type;
    assert_int_equal(n.rndis.index, 0xffffffffu);
    m->offset = boff;
    m->len = count;
    memcpy(m->data, guest + RECV_GPA + boff, count);
}

/* The guest's completion of a transfer-page packet (send_recv_completions). */
static void guest_complete_rx(uint64_t tid, uint32_t status)
{
    struct {
        uint32_t type, status;
    } c = {NVSP_RNDIS_PKT_COMP, status};

    guest_packet(VMBUS_PKT_COMP, 0, tid, &c, sizeof(c));
}

/* Index of the first transfer-page packet from @from on; -1 if none. */
static int find_xfer(unsigned from)
{
    for (unsigned i = from; i < fake.nsent; i++)
        if (desc_of(i).type == VMBUS_PKT_DATA_XFER_PAGES)
            return (int)i;
    return -1;
}

static unsigned count_xfers(unsigned from)
{
    unsigned n = 0;

    for (unsigned i = from; i < fake.nsent; i++)
        n += desc_of(i).type == VMBUS_PKT_DATA_XFER_PAGES;
    return n;
}

static uint32_t rd32(const uint8_t *p)
{
    uint32_t v;

    memcpy(&v, p, 4);
    return v;
}

/* Send @m asking for a completion; the completion. */
static struct nvsp_message nvsp_call(const struct nvsp_message *m)
{
    unsigned from = fake.nsent;
    uint64_t tid = guest_nvsp(m, true);

    return completion_of(from, tid);
}

/* ---- the guest: NVSP bring-up (netvsc_connect_vsp, netvsc_init_buf) ------------------------ */

static void guest_open(void)
{
    fake.open = true;
    assert_int_equal(fake.ops->open(&fake, fake.dev), 0);
}

static void guest_close(void)
{
    fake.open = false;
    fake.ops->close(&fake, fake.dev);
}

static struct nvsp_message nvsp_init_msg(uint32_t min, uint32_t max)
{
    struct nvsp_message m;

    memset(&m, 0, sizeof(m));
    m.type = NVSP_INIT;
    m.init.min = min;
    m.init.max = max;
    return m;
}

/* negotiate_nvsp_ver() for @ver: the INIT_COMPLETE. */
static struct nvsp_message guest_init(uint32_t ver)
{
    struct nvsp_message m = nvsp_init_msg(ver, ver);
    unsigned from = fake.nsent;

    return completion_of(from, guest_nvsp(&m, true));
}

static struct nvsp_message buffer_msg(uint32_t type, uint32_t gpadl, uint16_t id)
{
    struct nvsp_message m;

    memset(&m, 0, sizeof(m));
    m.type = type;
    m.buf.gpadl = gpadl;
    m.buf.id = id;
    return m;
}

static struct nvsp_message guest_recv_buf(uint32_t gpadl)
{
    struct nvsp_message m = buffer_msg(NVSP_RECV_BUF, gpadl, 0xcafe);
    unsigned from = fake.nsent;

    return completion_of(from, guest_nvsp(&m, true));
}

static struct nvsp_message guest_send_buf(uint32_t gpadl)
{
    struct nvsp_message m = buffer_msg(NVSP_SEND_BUF, gpadl, 0);
    unsigned from = fake.nsent;

    return completion_of(from, guest_nvsp(&m, true));
}

/* netvsc_connect_vsp() and netvsc_init_buf() of Linux 6.1, with the checks
 * Linux makes of each reply. */
static void nvsp_bringup(void)
{
    struct nvsp_message m, c;
    unsigned from;

    guest_open();
    c = guest_init(0x60001);
    assert_int_equal(c.type, NVSP_INIT_COMPLETE);
    assert_int_equal(c.init_complete.status, STAT_SUCCESS);
    assert_int_equal(c.init_complete.version, 0x60001);

    /* NDIS_CONFIG and NDIS version: no completion asked, none sent. */
    from = fake.nsent;
    memset(&m, 0, sizeof(m));
    m.type = NVSP_NDIS_CONFIG;
    m.config.mtu = 1500 + 14;
    m.config.caps = 1u << 3 | 1u << 2 | 1u << 5 | 1u << 7; /* 802.1q, sriov, teaming, rsc */
    guest_nvsp(&m, false);
    memset(&m, 0, sizeof(m));
    m.type = NVSP_NDIS_VER;
    m.ndis_ver.major = 6;
    m.ndis_ver.minor = 30;
    guest_nvsp(&m, false);
    assert_int_equal(fake.nsent, from);

    c = guest_recv_buf(RECV_GPADL);
    assert_int_equal(c.type, NVSP_RECV_BUF_COMP);
    assert_int_equal(c.recv_comp.status, STAT_SUCCESS);
    assert_int_equal(c.recv_comp.num_sections, 1);
    assert_int_equal(c.recv_comp.offset, 0);
    assert_true(c.recv_comp.sub_alloc_size >= 68); /* NETVSC_MTU_MIN */
    assert_true((uint64_t)c.recv_comp.sub_alloc_size * c.recv_comp.num_sub_allocs <= RECV_LEN);
    assert_int_equal(c.recv_comp.end_offset,
                     c.recv_comp.sub_alloc_size * c.recv_comp.num_sub_allocs);
    lg.recv_buf_size = RECV_LEN;
    lg.recv_section_size = c.recv_comp.sub_alloc_size;
    lg.recv_section_cnt = c.recv_comp.num_sub_allocs;

    c = guest_send_buf(SEND_GPADL);
    assert_int_equal(c.type, NVSP_SEND_BUF_COMP);
    assert_int_equal(c.send_comp.status, STAT_SUCCESS);
    assert_true(c.send_comp.section_size >= 68);
    lg.send_section_size = c.send_comp.section_size;
    lg.send_section_cnt = SEND_LEN / c.send_comp.section_size;
}

/* ---- the guest: RNDIS requests (rndis_filter_send_request) --------------------------------- */

struct rndis_reply {
    uint32_t nvsp_status;
    bool answered;
    struct rx_msg msg;
};

/*
 * Send the RNDIS request @req (@len bytes) as Linux does: in a GPA-direct
 * packet on the control channel, from guest memory at @gpa; if it crosses
 * a page, Linux 6.1 splits it into two page buffers, the second here on an
 * unrelated page (@gpa2) so the host cannot rely on the pages being
 * adjacent.  Collect the NVSP completion and the response, and complete
 * the response's transfer-page packet when @complete.
 */
static void rndis_request_at(const void *req, uint32_t len, uint64_t gpa, uint64_t gpa2,
                             bool complete, struct rndis_reply *r)
{
    struct nvsp_message m = rndis_pkt_msg(1, 0xffffffffu, 0);
    uint32_t first = len;
    struct gpa_pkt g;
    unsigned from = fake.nsent;
    uint64_t tid;
    int x;

    gpa_begin(&g);
    if (gpa % PAGE + len > PAGE) {
        first = PAGE - (uint32_t)(gpa % PAGE);
        memcpy(guest + gpa, req, first);
        memcpy(guest + gpa2, (const uint8_t *)req + first, len - first);
        gpa_range(&g, gpa, first);
        gpa_range(&g, gpa2, len - first);
    } else {
        memcpy(guest + gpa, req, len);
        gpa_range(&g, gpa, len);
    }
    tid = gpa_send(&g, &m, 0);
    m = completion_of(from, tid);
    assert_int_equal(m.type, NVSP_RNDIS_PKT_COMP);
    r->nvsp_status = m.rndis_comp.status;
    x = find_xfer(from);
    r->answered = x >= 0;
    if (x < 0)
        return;
    linux_receive((unsigned)x, &r->msg);
    assert_int_equal(r->msg.channel_type, 1);
    assert_true(find_xfer((unsigned)x + 1) < 0);
    if (complete)
        guest_complete_rx(r->msg.tid, STAT_SUCCESS);
}

static void rndis_request(const void *req, uint32_t len, struct rndis_reply *r)
{
    rndis_request_at(req, len, REQ_GPA + 0x100, 0, true, r);
}

static uint32_t put_rndis_hdr(uint8_t *b, uint32_t type, uint32_t len)
{
    memcpy(b, &type, 4);
    memcpy(b + 4, &len, 4);
    return len;
}

/* A QUERY or SET as rndis_filter_query_device / _set_* build it. */
static uint32_t oid_request(uint8_t *b, uint32_t type, uint32_t oid, const void *info,
                            uint32_t info_len)
{
    uint32_t req[5] = {next_req_id++, oid, info_len, 20, 0};

    memcpy(b + 8, req, sizeof(req));
    if (info_len)
        memcpy(b + 28, info, info_len);
    return put_rndis_hdr(b, type, 28 + info_len);
}

struct query_result {
    uint32_t status;
    uint32_t info_len;
    uint8_t info[4096];
    bool linux_ok; /* what rndis_filter_query_device() returns 0 for */
};

static void query_check(const struct rndis_reply *r, uint32_t req_id, uint32_t result_max,
                        struct query_result *q)
{
    const uint8_t *p = r->msg.data;
    uint32_t msg_len = rd32(p + 4), info_len, info_off;

    assert_true(r->answered);
    assert_int_equal(rd32(p), RNDIS_QUERY_C);
    assert_int_equal(rd32(p + 8), req_id);
    assert_true(msg_len - 8 >= 16);
    q->status = rd32(p + 12);
    info_len = rd32(p + 16);
    info_off = rd32(p + 20);
    /* rndis_filter_query_device()'s checks; it never looks at the status. */
    q->linux_ok = !(info_len > result_max || info_off < 16 || msg_len - 8 < info_off ||
                    msg_len - 8 - info_off < info_len);
    q->info_len = 0;
    if (q->linux_ok) {
        q->info_len = info_len;
        memcpy(q->info, p + 8 + info_off, info_len);
    }
}

static struct query_result guest_query_in(uint32_t oid, const void *in, uint32_t in_len,
                                          uint32_t result_max)
{
    uint8_t b[512];
    struct rndis_reply r;
    struct query_result q;
    uint32_t id = next_req_id;
    uint32_t len = oid_request(b, RNDIS_QUERY, oid, in, in_len);

    rndis_request(b, len, &r);
    assert_int_equal(r.nvsp_status, STAT_SUCCESS);
    query_check(&r, id, result_max, &q);
    return q;
}

static struct query_result guest_query(uint32_t oid, uint32_t result_max)
{
    return guest_query_in(oid, NULL, 0, result_max);
}

/* A SET: its status (SET_C checked). */
static uint32_t guest_set(uint32_t oid, const void *info, uint32_t info_len)
{
    uint8_t b[512];
    struct rndis_reply r;
    uint32_t id = next_req_id;
    uint32_t len = oid_request(b, RNDIS_SET, oid, info, info_len);

    rndis_request(b, len, &r);
    assert_int_equal(r.nvsp_status, STAT_SUCCESS);
    assert_true(r.answered);
    assert_int_equal(rd32(r.msg.data), RNDIS_SET_C);
    assert_int_equal(rd32(r.msg.data + 4), 16);
    assert_int_equal(rd32(r.msg.data + 8), id);
    return rd32(r.msg.data + 12);
}

static uint32_t set_filter(uint32_t filter)
{
    return guest_set(OID_PACKET_FILTER, &filter, 4);
}

/* rndis_filter_init_device(). */
static void rndis_init(void)
{
    uint8_t b[64];
    uint32_t req[4] = {next_req_id++, 1, 0, 0x4000};
    struct rndis_reply r;
    const uint8_t *p;

    memcpy(b + 8, req, sizeof(req));
    put_rndis_hdr(b, RNDIS_INIT, 24);
    rndis_request(b, 24, &r);
    assert_int_equal(r.nvsp_status, STAT_SUCCESS);
    assert_true(r.answered);
    p = r.msg.data;
    assert_int_equal(rd32(p), RNDIS_INIT_C);
    assert_int_equal(rd32(p + 4), 52);
    assert_int_equal(rd32(p + 8), req[0]);
    assert_int_equal(rd32(p + 12), ST_SUCCESS);
    assert_int_equal(rd32(p + 16), 1);   /* major */
    assert_int_equal(rd32(p + 20), 0);   /* minor */
    assert_int_equal(rd32(p + 24), 1);   /* connectionless */
    assert_int_equal(rd32(p + 28), 0);   /* 802.3 */
    assert_int_equal(rd32(p + 32), 8);   /* max packets per message */
    assert_true(rd32(p + 36) >= 0x4000); /* max transfer size */
    assert_int_equal(rd32(p + 40), 3);   /* 8-byte alignment */
    assert_int_equal(rd32(p + 44), 0);
    assert_int_equal(rd32(p + 48), 0);
}

/* rndis_filter_device_add() up to rndis_filter_open(), with Linux's checks
 * of each answer. */
static void rndis_bringup(void)
{
    struct query_result q;
    uint8_t caps_req[156];
    uint8_t offloads[28];

    rndis_init();

    q = guest_query(OID_MAX_FRAME_SIZE, 4);
    assert_true(q.linux_ok);
    assert_int_equal(q.info_len, 4);
    assert_int_equal(rd32(q.info), 1500);

    q = guest_query(OID_PERM_ADDRESS, 6);
    assert_true(q.linux_ok);
    assert_int_equal(q.info_len, 6);
    assert_memory_equal(q.info, MAC, 6);

    /* Optional: refused, and Linux sees the refusal. */
    q = guest_query(OID_FRIENDLY_NAME, 512);
    assert_int_equal(q.status, ST_NOT_SUPPORTED);
    assert_false(q.linux_ok);

    /* rndis_query_hwcaps(): the query carries the header it hopes for. */
    memset(caps_req, 0, sizeof(caps_req));
    caps_req[0] = 0xa7;
    caps_req[1] = 3;
    caps_req[2] = 156;
    q = guest_query_in(OID_OFFLOAD_HWCAPS, caps_req, 156, 156);
    assert_true(q.linux_ok);
    assert_int_equal(q.info[0], 0xa7);
    assert_true(q.info[1] >= 1);
    assert_true(q.info[2] + 256u * q.info[3] <= q.info_len);
    assert_true(q.info[2] + 256u * q.info[3] >= 112);
    for (uint32_t i = 4; i < q.info_len; i++)
        assert_int_equal(q.info[i], 0); /* no offload at all */

    /* rndis_netdev_set_hwcaps(): IPv4 checksum off, the rest unchanged. */
    memset(offloads, 0, sizeof(offloads));
    offloads[0] = 0x80;
    offloads[1] = 3;
    offloads[2] = 28;
    offloads[4] = 1;
    assert_int_equal(guest_set(OID_OFFLOAD_PARAMS, offloads, 28), ST_SUCCESS);

    q = guest_query(OID_MEDIA_CONNECT, 4);
    assert_true(q.linux_ok);
    assert_int_equal(rd32(q.info), 0); /* connected */

    q = guest_query(OID_LINK_SPEED, 4);
    assert_true(q.linux_ok);
    assert_int_equal(rd32(q.info), 100000000u); /* 10 Gbit/s in 100 bit/s */

    /* vRSS: refused, so Linux stays on one channel. */
    q = guest_query(OID_RSS_CAPS, 16);
    assert_false(q.linux_ok);

    /* rndis_filter_open_device() */
    assert_int_equal(set_filter(F_BROADCAST | F_ALLMULTI | F_DIRECTED), ST_SUCCESS);
}

static void bringup(void)
{
    nvsp_bringup();
    rndis_bringup();
}

/* ---- the guest: data (netvsc_xmit) ------------------------------------------------------------
 */

struct ppi {
    uint32_t type; /* bit 31: internal */
    uint32_t value;
};

/* The RNDIS data message Linux builds for @frame: header, packet, the
 * per-packet infos, the frame.  Its length. */
static uint32_t data_msg(uint8_t *b, const uint8_t *frame, uint32_t len, const struct ppi *ppis,
                         unsigned nppi)
{
    struct rndis_packet p;
    uint32_t ppi_len = 16 * nppi, pos = RNDIS_PKT_HDR;

    memset(&p, 0, sizeof(p));
    p.data_offset = 36 + ppi_len;
    p.data_len = len;
    if (nppi) {
        p.ppi_offset = 36;
        p.ppi_len = ppi_len;
    }
    memcpy(b + 8, &p, sizeof(p));
    for (unsigned i = 0; i < nppi; i++, pos += 16) {
        uint32_t h[3] = {16, ppis[i].type, 12};

        memcpy(b + pos, h, 12);
        memcpy(b + pos + 12, &ppis[i].value, 4);
    }
    memcpy(b + pos, frame, len);
    return put_rndis_hdr(b, RNDIS_PACKET, pos + len);
}

static void make_frame(uint8_t *f, uint32_t len, const uint8_t *dst, uint8_t seed)
{
    memcpy(f, dst, 6);
    memcpy(f + 6, MAC, 6);
    f[12] = 0x08;
    f[13] = 0x00;
    for (uint32_t i = 14; i < len; i++)
        f[i] = (uint8_t)(seed + i * 7);
}

static const uint8_t PEER[6] = {0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee};

/* Send @msg (@len bytes) in send-buffer section @section, as
 * netvsc_copy_to_send_buf() and netvsc_send_pkt() do; the status. */
static uint32_t send_in_section(uint32_t section, const uint8_t *msg, uint32_t len)
{
    struct nvsp_message m = rndis_pkt_msg(0, section, len);
    unsigned from = fake.nsent;

    memcpy(guest + SEND_GPA + (uint64_t)section * lg.send_section_size, msg, len);
    m = completion_of(from, guest_nvsp(&m, true));
    assert_int_equal(m.type, NVSP_RNDIS_PKT_COMP);
    return m.rndis_comp.status;
}

static void assert_sent_frame(unsigned i, const uint8_t *frame, size_t len)
{
    assert_true(i < net.n);
    assert_int_equal(net.len[i], len);
    assert_memory_equal(net.frame[i], frame, len);
}

/* The status of a GPA-direct packet already built in @g. */
static uint32_t gpa_status(struct gpa_pkt *g, uint32_t channel, uint32_t section, uint32_t size,
                           uint32_t nranges_override)
{
    struct nvsp_message m = rndis_pkt_msg(channel, section, size);
    unsigned from = fake.nsent;

    m = completion_of(from, gpa_send(g, &m, nranges_override));
    assert_int_equal(m.type, NVSP_RNDIS_PKT_COMP);
    return m.rndis_comp.status;
}

/* ---- the guest: receiving ---------------------------------------------------------------------
 */

/* Deliver @frame; the guest takes the transfer-page packet apart and
 * checks it carries exactly @frame.  Its transaction id. */
static uint64_t deliver(const uint8_t *frame, uint32_t len)
{
    static struct rx_msg m;
    struct rndis_packet p;
    unsigned from = fake.nsent;

    assert_int_equal(netvsp_receive_frame(nic, frame, len), NETVSP_RX_DELIVERED);
    assert_int_equal(fake.nsent, from + 1);
    linux_receive(from, &m);
    assert_int_equal(m.channel_type, 0);
    assert_int_equal(rd32(m.data), RNDIS_PACKET);
    assert_int_equal(rd32(m.data + 4), RNDIS_PKT_HDR + len);
    memcpy(&p, m.data + 8, sizeof(p));
    /* rndis_filter_receive_data()'s checks */
    assert_true(p.data_offset < m.len - 8);
    assert_true(m.len - 8 - p.data_offset >= p.data_len);
    assert_int_equal(p.data_len, len);
    assert_int_equal(p.ppi_offset, 0);
    assert_int_equal(p.ppi_len, 0);
    assert_memory_equal(m.data + 8 + p.data_offset, frame, len);
    return m.tid;
}

/* ---- tests: the offer and the handshake -------------------------------------------------- */

static void test_offer(void **state)
{
    static const uint8_t net_class[16] = {0x63, 0x51, 0x61, 0xf8, 0x3e, 0xdf, 0xc5, 0x46,
                                          0x91, 0x3f, 0xf2, 0xd2, 0xf9, 0x65, 0xed, 0x0e};

    (void)state;
    assert_int_equal(noffers, 1);
    assert_memory_equal(fake.offer.type.b, net_class, 16);
    assert_memory_equal(fake.offer.instance.b, instance.b, 16);
    assert_int_equal(fake.offer.sub_channel_index, 0);
}

static void test_bad_configs(void **state)
{
    struct netvsp_config cfg;
    struct netvsp_host no_tx = {&net, NULL, NULL};

    (void)state;
    memset(&cfg, 0, sizeof(cfg));
    memcpy(cfg.mac, MAC, 6);
    cfg.mtu = 67;
    assert_null(netvsp_create(SRV, &host, &cfg));
    cfg.mtu = 9001;
    assert_null(netvsp_create(SRV, &host, &cfg));
    cfg.mtu = 1500;
    cfg.mac[0] = 0x01; /* multicast */
    assert_null(netvsp_create(SRV, &host, &cfg));
    cfg.mac[0] = 0x00;
    assert_null(netvsp_create(SRV, &no_tx, &cfg));
    assert_null(netvsp_create(NULL, &host, &cfg));
    assert_int_equal(noffers, 1); /* only the fixture's */
}

static void test_full_bringup(void **state)
{
    (void)state;
    bringup();
}

/* Linux tries 6.1, 6, 5, 4, 2, 1 in turn: each is accepted on a fresh
 * channel; versions it never sends are refused, and the guest may go on. */
static void test_nvsp_versions(void **state)
{
    static const uint32_t linux_versions[] = {0x60001, 0x60000, 0x50000, 0x40000, 0x30002, 0x2};
    struct nvsp_message c, m;

    (void)state;
    for (unsigned i = 0; i < 6; i++) {
        guest_open();
        c = guest_init(linux_versions[i]);
        assert_int_equal(c.init_complete.status, STAT_SUCCESS);
        assert_int_equal(c.init_complete.version, linux_versions[i]);
        guest_close();
    }
    guest_open();
    assert_int_equal(guest_init(0x70000).init_complete.status, STAT_FAIL);
    assert_int_equal(guest_init(0x10000).init_complete.status, STAT_FAIL);
    assert_int_equal(guest_init(0x30000).init_complete.status, STAT_FAIL);
    /* A range: the newest inside it. */
    m = nvsp_init_msg(0x2, 0x50001);
    c = nvsp_call(&m);
    assert_int_equal(c.init_complete.status, STAT_SUCCESS);
    assert_int_equal(c.init_complete.version, 0x50000);
    /* Once agreed, a second INIT is refused. */
    assert_int_equal(guest_init(0x60001).init_complete.status, STAT_FAIL);
}

/* The NDIS_OFFLOAD revision and size follow the NVSP version as Linux's
 * query expects: 6.0 layout for NVSP 2, 6.1 for 4, 6.30 for 5 and up. */
static void test_offload_caps_per_version(void **state)
{
    static const struct {
        uint32_t nvsp;
        uint8_t rev;
        uint32_t size;
    } cases[] = {{0x30002, 1, 112}, {0x40000, 2, 144}, {0x60001, 3, 156}};

    (void)state;
    for (unsigned i = 0; i < 3; i++) {
        struct query_result q;

        guest_open();
        assert_int_equal(guest_init(cases[i].nvsp).init_complete.status, STAT_SUCCESS);
        lg.recv_buf_size = RECV_LEN;
        assert_int_equal(guest_recv_buf(RECV_GPADL).recv_comp.status, STAT_SUCCESS);
        lg.recv_section_size = 1792;
        rndis_init();
        q = guest_query(OID_OFFLOAD_HWCAPS, 156);
        assert_true(q.linux_ok);
        assert_int_equal(q.info_len, cases[i].size);
        assert_int_equal(q.info[1], cases[i].rev);
        assert_int_equal(q.info[2] + 256u * q.info[3], cases[i].size);
        guest_close();
    }
}

static void test_out_of_order(void **state)
{
    struct nvsp_message m;
    unsigned from;
    uint64_t tid;

    (void)state;
    guest_open();
    /* Before INIT: buffers and RNDIS refused. */
    assert_int_equal(guest_recv_buf(RECV_GPADL).recv_comp.status, STAT_FAIL);
    assert_int_equal(guest_send_buf(SEND_GPADL).send_comp.status, STAT_FAIL);
    m = rndis_pkt_msg(0, 0, 64);
    from = fake.nsent;
    tid = guest_nvsp(&m, true);
    assert_int_equal(completion_of(from, tid).rndis_comp.status, STAT_FAIL);
    assert_int_equal(guest_init(0x60001).init_complete.status, STAT_SUCCESS);
    /* RNDIS before a receive buffer: the response would have nowhere to go. */
    {
        uint8_t b[64];
        uint32_t req[4] = {7, 1, 0, 0x4000};
        struct rndis_reply r;

        memcpy(b + 8, req, sizeof(req));
        put_rndis_hdr(b, RNDIS_INIT, 24);
        rndis_request(b, 24, &r);
        assert_int_equal(r.nvsp_status, STAT_FAIL);
        assert_false(r.answered);
    }
    assert_int_equal(guest_recv_buf(RECV_GPADL).recv_comp.status, STAT_SUCCESS);
    lg.recv_buf_size = RECV_LEN;
    lg.recv_section_size = 1792;
    /* A second receive / send buffer is refused. */
    assert_int_equal(guest_recv_buf(RECV_GPADL).recv_comp.status, STAT_FAIL);
    assert_int_equal(guest_send_buf(SEND_GPADL).send_comp.status, STAT_SUCCESS);
    assert_int_equal(guest_send_buf(SEND_GPADL).send_comp.status, STAT_FAIL);
    /* Data before RNDIS INIT: failed, and nothing reaches the host. */
    {
        uint8_t f[60], b[256];
        uint32_t len;

        make_frame(f, sizeof(f), PEER, 1);
        len = data_msg(b, f, sizeof(f), NULL, 0);
        lg.send_section_size = 6144;
        assert_int_equal(send_in_section(0, b, len), STAT_FAIL);
        assert_int_equal(net.n, 0);
    }
    /* Frames for the guest before RNDIS is up are dropped. */
    {
        uint8_t f[60];

        make_frame(f, sizeof(f), MAC, 2);
        assert_int_equal(netvsp_receive_frame(nic, f, sizeof(f)), NETVSP_RX_NOT_READY);
    }
}

static void test_subchannel_and_others(void **state)
{
    struct nvsp_message m, c;
    unsigned from;
    uint64_t tid;

    (void)state;
    bringup();
    memset(&m, 0, sizeof(m));
    m.type = NVSP_SUBCHANNEL;
    m.subch.op = 1;
    m.subch.num = 7;
    c = nvsp_call(&m);
    assert_int_equal(c.type, NVSP_SUBCHANNEL);
    assert_int_equal(c.subch_comp.status, STAT_SUCCESS);
    assert_int_equal(c.subch_comp.num, 0);
    m.subch.op = 2;
    c = nvsp_call(&m);
    assert_int_equal(c.subch_comp.status, STAT_FAIL);
    assert_int_equal(c.subch_comp.num, 0);

    /* SWITCH_DATA_PATH: the empty completion Linux waits for. */
    memset(&m, 0, sizeof(m));
    m.type = NVSP_SWITCH_DATA_PATH;
    from = fake.nsent;
    tid = guest_nvsp(&m, true);
    assert_empty_completion(from, tid);

    /* RSS parameters are refused (Linux ignores that). */
    {
        uint8_t rss[64];

        memset(rss, 0, sizeof(rss));
        assert_int_equal(guest_set(OID_RSS_PARAMS, rss, sizeof(rss)), ST_NOT_SUPPORTED);
    }
}

/* ---- tests: RNDIS control ----------------------------------------------------------------- */

static void test_queries(void **state)
{
    struct query_result q;
    uint32_t n;
    bool has_perm = false;

    (void)state;
    bringup();
    q = guest_query(OID_SUPPORTED_LIST, 4096);
    assert_true(q.linux_ok);
    assert_int_equal(q.info_len % 4, 0);
    n = q.info_len / 4;
    assert_true(n >= 20);
    for (uint32_t i = 0; i < n; i++)
        has_perm |= rd32(q.info + 4 * i) == OID_PERM_ADDRESS;
    assert_true(has_perm);

    q = guest_query(OID_CURR_ADDRESS, 6);
    assert_memory_equal(q.info, MAC, 6);
    q = guest_query(OID_MAX_TOTAL_SIZE, 4);
    assert_int_equal(rd32(q.info), 1514);
    q = guest_query(OID_PACKET_FILTER, 4);
    assert_int_equal(rd32(q.info), F_BROADCAST | F_ALLMULTI | F_DIRECTED);
    q = guest_query(OID_MCAST_MAX, 4);
    assert_int_equal(rd32(q.info), 32);
    q = guest_query(OID_MCAST_LIST, 4096);
    assert_true(q.linux_ok);
    assert_int_equal(q.info_len, 0);

    /* Unknown OIDs: NOT_SUPPORTED, and no buffer Linux would take. */
    q = guest_query(0x12345678, 4096);
    assert_int_equal(q.status, ST_NOT_SUPPORTED);
    assert_false(q.linux_ok);
    assert_int_equal(guest_set(0x12345678, "x", 1), ST_NOT_SUPPORTED);

    /* Statistics count frames both ways. */
    {
        uint8_t f[60], b[256];
        uint32_t len;

        make_frame(f, sizeof(f), PEER, 3);
        len = data_msg(b, f, sizeof(f), NULL, 0);
        assert_int_equal(send_in_section(1, b, len), STAT_SUCCESS);
        q = guest_query(OID_XMIT_OK, 8);
        assert_int_equal(q.info_len, 8);
        assert_int_equal(rd32(q.info), 1);
        make_frame(f, sizeof(f), MAC, 4);
        guest_complete_rx(deliver(f, sizeof(f)), STAT_SUCCESS);
        q = guest_query(OID_RCV_OK, 8);
        assert_int_equal(rd32(q.info), 1);
    }
}

static void test_keepalive_reset_halt(void **state)
{
    uint8_t b[64];
    struct rndis_reply r;
    uint32_t id = 0x77;

    (void)state;
    bringup();
    memcpy(b + 8, &id, 4);
    put_rndis_hdr(b, RNDIS_KEEPALIVE, 12);
    rndis_request(b, 12, &r);
    assert_int_equal(r.nvsp_status, STAT_SUCCESS);
    assert_int_equal(rd32(r.msg.data), RNDIS_KEEPALIVE_C);
    assert_int_equal(rd32(r.msg.data + 4), 16);
    assert_int_equal(rd32(r.msg.data + 8), id);
    assert_int_equal(rd32(r.msg.data + 12), ST_SUCCESS);

    memset(b, 0, sizeof(b));
    put_rndis_hdr(b, RNDIS_RESET, 12);
    rndis_request(b, 12, &r);
    assert_int_equal(rd32(r.msg.data), RNDIS_RESET_C);
    assert_int_equal(rd32(r.msg.data + 4), 16);
    assert_int_equal(rd32(r.msg.data + 8), ST_SUCCESS);
    assert_int_equal(rd32(r.msg.data + 12), 0); /* filter kept */
    assert_int_equal(rd32(guest_query(OID_PACKET_FILTER, 4).info),
                     F_BROADCAST | F_ALLMULTI | F_DIRECTED);

    /* HALT (rndis_filter_halt_device): completed, unanswered; afterwards
     * no frames, and queries fail until the next INIT. */
    memcpy(b + 8, &id, 4);
    put_rndis_hdr(b, RNDIS_HALT, 12);
    rndis_request(b, 12, &r);
    assert_int_equal(r.nvsp_status, STAT_SUCCESS);
    assert_false(r.answered);
    {
        uint8_t f[60];
        struct query_result q;

        make_frame(f, sizeof(f), MAC, 5);
        assert_int_equal(netvsp_receive_frame(nic, f, sizeof(f)), NETVSP_RX_NOT_READY);
        q = guest_query(OID_MAX_FRAME_SIZE, 4);
        assert_int_equal(q.status, ST_FAILURE);
        assert_false(q.linux_ok);
        rndis_init();
        /* A new INIT starts with the filter cleared. */
        assert_int_equal(netvsp_receive_frame(nic, f, sizeof(f)), NETVSP_RX_FILTERED);
        assert_int_equal(set_filter(F_DIRECTED), ST_SUCCESS);
        guest_complete_rx(deliver(f, sizeof(f)), STAT_SUCCESS);
    }
}

static void test_multicast_list(void **state)
{
    uint8_t list[33 * 6], f[60];
    struct query_result q;

    (void)state;
    bringup();
    for (unsigned i = 0; i < 33; i++) {
        static const uint8_t base[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x00};

        memcpy(list + 6 * i, base, 6);
        list[6 * i + 5] = (uint8_t)i;
    }
    assert_int_equal(guest_set(OID_MCAST_LIST, list, 33 * 6), ST_MULTICAST_FULL);
    assert_int_equal(guest_set(OID_MCAST_LIST, list, 13), ST_INVALID_LENGTH);
    list[6] = 0x02; /* a unicast address in the list */
    assert_int_equal(guest_set(OID_MCAST_LIST, list, 12), ST_INVALID_DATA);
    list[6] = 0x01;
    assert_int_equal(guest_set(OID_MCAST_LIST, list, 12), ST_SUCCESS);
    q = guest_query(OID_MCAST_LIST, 4096);
    assert_int_equal(q.info_len, 12);
    assert_memory_equal(q.info, list, 12);

    /* MULTICAST alone: only listed groups. */
    assert_int_equal(set_filter(F_MULTICAST), ST_SUCCESS);
    make_frame(f, sizeof(f), list + 6, 1);
    guest_complete_rx(deliver(f, sizeof(f)), STAT_SUCCESS);
    make_frame(f, sizeof(f), list + 12, 1); /* group 2: not listed */
    assert_int_equal(netvsp_receive_frame(nic, f, sizeof(f)), NETVSP_RX_FILTERED);
}

static void test_packet_filter(void **state)
{
    static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    static const uint8_t group[6] = {0x33, 0x33, 0x00, 0x00, 0x00, 0x01};
    uint8_t f[60];

    (void)state;
    bringup();
    /* Linux's filter after open: directed, all-multicast, broadcast. */
    make_frame(f, sizeof(f), MAC, 1);
    guest_complete_rx(deliver(f, sizeof(f)), STAT_SUCCESS);
    make_frame(f, sizeof(f), bcast, 2);
    guest_complete_rx(deliver(f, sizeof(f)), STAT_SUCCESS);
    make_frame(f, sizeof(f), group, 3);
    guest_complete_rx(deliver(f, sizeof(f)), STAT_SUCCESS);
    make_frame(f, sizeof(f), PEER, 4); /* someone else's */
    assert_int_equal(netvsp_receive_frame(nic, f, sizeof(f)), NETVSP_RX_FILTERED);

    assert_int_equal(set_filter(F_DIRECTED), ST_SUCCESS);
    make_frame(f, sizeof(f), bcast, 5);
    assert_int_equal(netvsp_receive_frame(nic, f, sizeof(f)), NETVSP_RX_FILTERED);
    make_frame(f, sizeof(f), group, 6);
    assert_int_equal(netvsp_receive_frame(nic, f, sizeof(f)), NETVSP_RX_FILTERED);

    assert_int_equal(set_filter(F_PROMISC), ST_SUCCESS);
    make_frame(f, sizeof(f), PEER, 7);
    guest_complete_rx(deliver(f, sizeof(f)), STAT_SUCCESS);

    /* Interface down (rndis_filter_close_device): filter 0, nothing. */
    assert_int_equal(set_filter(0), ST_SUCCESS);
    make_frame(f, sizeof(f), MAC, 8);
    assert_int_equal(netvsp_receive_frame(nic, f, sizeof(f)), NETVSP_RX_FILTERED);
    {
        struct netvsp_stats st;

        netvsp_get_stats(nic, &st);
        assert_int_equal(st.rx_frames, 4);
        assert_int_equal(st.rx_dropped, 4);
    }
}

/* rndis_filter_set_device_mac(): "NetworkAddress" = 12 hex digits. */
static uint32_t set_mac_param(const char *name, const char *value, uint32_t type)
{
    uint8_t info[256];
    uint32_t nlen = (uint32_t)strlen(name), vlen = (uint32_t)strlen(value);
    uint32_t cpi[5] = {20, 2 * nlen, type, 20 + 2 * nlen, 2 * vlen};

    memset(info, 0, sizeof(info));
    memcpy(info, cpi, sizeof(cpi));
    for (uint32_t i = 0; i < nlen; i++)
        info[20 + 2 * i] = (uint8_t)name[i];
    for (uint32_t i = 0; i < vlen; i++)
        info[20 + 2 * nlen + 2 * i] = (uint8_t)value[i];
    return guest_set(OID_CONFIG_PARAMETER, info, 20 + 2 * nlen + 2 * vlen);
}

static void test_mac_change_refused(void **state)
{
    (void)state;
    bringup();
    assert_int_equal(set_mac_param("NetworkAddress", "02aabbccddee", 2), ST_NOT_SUPPORTED);
    assert_memory_equal(guest_query(OID_CURR_ADDRESS, 6).info, MAC, 6);
    /* Other parameters are taken and ignored. */
    assert_int_equal(set_mac_param("*JumboPacket", "1514", 2), ST_SUCCESS);
}

static void test_mac_change_allowed(void **state)
{
    static const uint8_t new_mac[6] = {0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee};
    uint8_t f[60];

    (void)state;
    netvsp_destroy(nic);
    nic = make_nic(0, true);
    assert_non_null(nic);
    bringup();
    assert_int_equal(set_mac_param("networkaddress", "02AaBbCcDdEe", 2), ST_SUCCESS);
    assert_memory_equal(guest_query(OID_CURR_ADDRESS, 6).info, new_mac, 6);
    assert_memory_equal(guest_query(OID_PERM_ADDRESS, 6).info, MAC, 6);
    /* Directed frames now follow the new address. */
    make_frame(f, sizeof(f), new_mac, 1);
    guest_complete_rx(deliver(f, sizeof(f)), STAT_SUCCESS);
    make_frame(f, sizeof(f), MAC, 2);
    assert_int_equal(netvsp_receive_frame(nic, f, sizeof(f)), NETVSP_RX_FILTERED);
    /* Malformed values change nothing. */
    assert_int_equal(set_mac_param("NetworkAddress", "03aabbccddee", 2), ST_INVALID_DATA);
    assert_int_equal(set_mac_param("NetworkAddress", "000000000000", 2), ST_INVALID_DATA);
    assert_int_equal(set_mac_param("NetworkAddress", "02aabbccddzz", 2), ST_INVALID_DATA);
    assert_int_equal(set_mac_param("NetworkAddress", "02aabbccdd", 2), ST_INVALID_DATA);
    assert_int_equal(set_mac_param("NetworkAddress", "02aabbccddee", 0), ST_INVALID_DATA);
    assert_memory_equal(guest_query(OID_CURR_ADDRESS, 6).info, new_mac, 6);
}

static void test_offload_params(void **state)
{
    uint8_t p[28];

    (void)state;
    bringup();
    memset(p, 0, sizeof(p));
    p[0] = 0x80;
    p[1] = 2;
    p[2] = 22;
    /* NVSP 4's 22 bytes are fine too. */
    assert_int_equal(guest_set(OID_OFFLOAD_PARAMS, p, 22), ST_SUCCESS);
    /* Transmit checksum or LSO offload was not offered: refused. */
    p[5] = 4; /* TCP4 checksum TX and RX */
    assert_int_equal(guest_set(OID_OFFLOAD_PARAMS, p, 22), ST_NOT_SUPPORTED);
    p[5] = 2;
    assert_int_equal(guest_set(OID_OFFLOAD_PARAMS, p, 22), ST_NOT_SUPPORTED);
    p[5] = 3; /* RX only: harmless */
    assert_int_equal(guest_set(OID_OFFLOAD_PARAMS, p, 22), ST_SUCCESS);
    p[11] = 2; /* LSOv2 IPv4 */
    assert_int_equal(guest_set(OID_OFFLOAD_PARAMS, p, 22), ST_NOT_SUPPORTED);
    p[11] = 9;
    assert_int_equal(guest_set(OID_OFFLOAD_PARAMS, p, 22), ST_INVALID_DATA);
    p[11] = 0;
    p[6] = 5; /* no such checksum setting */
    assert_int_equal(guest_set(OID_OFFLOAD_PARAMS, p, 22), ST_INVALID_DATA);
    p[6] = 0;
    p[0] = 0xa7; /* wrong object type */
    assert_int_equal(guest_set(OID_OFFLOAD_PARAMS, p, 22), ST_INVALID_DATA);
    p[0] = 0x80;
    p[2] = 40; /* header claims more than sent */
    assert_int_equal(guest_set(OID_OFFLOAD_PARAMS, p, 22), ST_INVALID_DATA);
    p[2] = 22;
    assert_int_equal(guest_set(OID_OFFLOAD_PARAMS, p, 21), ST_INVALID_LENGTH);
}

/* ---- tests: transmit (guest to host) -------------------------------------------------------- */

static void test_tx_send_buffer(void **state)
{
    uint8_t f[1514], b[2048];
    uint32_t len;
    struct netvsp_stats st;

    (void)state;
    bringup();
    make_frame(f, 1514, PEER, 9);
    len = data_msg(b, f, 1514, NULL, 0);
    assert_int_equal(send_in_section(0, b, len), STAT_SUCCESS);
    /* The last section of the buffer. */
    make_frame(f, 60, PEER, 10);
    len = data_msg(b, f, 60, NULL, 0);
    assert_int_equal(send_in_section(lg.send_section_cnt - 1, b, len), STAT_SUCCESS);
    assert_int_equal(net.n, 2);
    make_frame(f, 1514, PEER, 9);
    assert_sent_frame(0, f, 1514);
    make_frame(f, 60, PEER, 10);
    assert_sent_frame(1, f, 60);
    netvsp_get_stats(nic, &st);
    assert_int_equal(st.tx_frames, 2);
    assert_int_equal(st.tx_bytes, 1574);
    assert_int_equal(st.bad_packets, 0);
}

/* netvsc_send() batching: several messages in one section, each padded to
 * the 8-byte alignment INIT_C gave, the padding in its msg_len. */
static void test_tx_batched(void **state)
{
    uint8_t frames[3][200], b[1024];
    static const uint32_t lens[3] = {60, 123, 77};
    uint32_t pos = 0;

    (void)state;
    bringup();
    memset(b, 0xee, sizeof(b));
    for (unsigned i = 0; i < 3; i++) {
        uint32_t len, padded;

        make_frame(frames[i], lens[i], PEER, (uint8_t)(20 + i));
        len = data_msg(b + pos, frames[i], lens[i], NULL, 0);
        padded = (len + 7) & ~7u;
        if (i < 2)
            put_rndis_hdr(b + pos, RNDIS_PACKET, padded);
        pos += i < 2 ? padded : len;
    }
    assert_int_equal(send_in_section(3, b, pos), STAT_SUCCESS);
    assert_int_equal(net.n, 3);
    for (unsigned i = 0; i < 3; i++)
        assert_sent_frame(i, frames[i], lens[i]);
}

/* A big frame in page ranges: the RNDIS header and infos in one range, the
 * frame in others on pages that are not adjacent (init_page_array). */
static void test_tx_gpa_direct(void **state)
{
    uint8_t f[1514], b[2048];
    struct ppi hash = {8, 0x12345678}; /* NBL_HASH_VALUE: ignored */
    uint32_t len, hdr;
    struct gpa_pkt g;

    (void)state;
    bringup();
    make_frame(f, 1514, PEER, 33);
    len = data_msg(b, f, 1514, &hash, 1);
    hdr = len - 1514;
    memcpy(guest + REQ_GPA + 0x200, b, hdr);
    memcpy(guest + DATA_GPA + 0x800, f, 1000);
    memcpy(guest + FAR_GPA, f + 1000, 514);
    gpa_begin(&g);
    gpa_range(&g, REQ_GPA + 0x200, hdr);
    gpa_range(&g, DATA_GPA + 0x800, 1000);
    gpa_range(&g, FAR_GPA, 514);
    assert_int_equal(gpa_status(&g, 0, 0xffffffffu, 0, 0), STAT_SUCCESS);
    assert_int_equal(net.n, 1);
    assert_sent_frame(0, f, 1514);
}

/* The RNDIS header itself split between two unrelated pages, inside its
 * 8-byte message header, and again inside the packet body. */
static void test_tx_header_across_pages(void **state)
{
    static const uint32_t splits[] = {3, 8, 20, 43, 44, 100};
    uint8_t f[300], b[512];
    uint32_t len;

    (void)state;
    bringup();
    make_frame(f, 300, PEER, 44);
    len = data_msg(b, f, 300, NULL, 0);
    for (unsigned i = 0; i < 6; i++) {
        struct gpa_pkt g;
        uint64_t a = DATA_GPA + PAGE - splits[i];

        memcpy(guest + a, b, splits[i]);
        memcpy(guest + FAR_GPA + PAGE, b + splits[i], len - splits[i]);
        gpa_begin(&g);
        gpa_range(&g, a, splits[i]);
        gpa_range(&g, FAR_GPA + PAGE, len - splits[i]);
        assert_int_equal(gpa_status(&g, 0, 0xffffffffu, 0, 0), STAT_SUCCESS);
        assert_int_equal(net.n, i + 1);
        assert_sent_frame(i, f, 300);
    }
    /* One range over two adjacent pages works the same. */
    {
        struct gpa_pkt g;
        uint64_t a = DATA_GPA + 3 * PAGE - 5;

        memcpy(guest + a, b, len);
        gpa_begin(&g);
        gpa_range(&g, a, len);
        assert_int_equal(gpa_status(&g, 0, 0xffffffffu, 0, 0), STAT_SUCCESS);
        assert_sent_frame(6, f, 300);
    }
}

/* cp_partial: the section holds a batched frame and the next message's
 * header; that message's frame follows in a page range. */
static void test_tx_section_then_pages(void **state)
{
    uint8_t f1[100], f2[1400], b[2048];
    uint32_t len1, len2, hdr2, pos;
    struct gpa_pkt g;

    (void)state;
    bringup();
    make_frame(f1, 100, PEER, 50);
    make_frame(f2, 1400, PEER, 51);
    len1 = (data_msg(b, f1, 100, NULL, 0) + 7) & ~7u;
    put_rndis_hdr(b, RNDIS_PACKET, len1);
    len2 = data_msg(b + len1, f2, 1400, NULL, 0);
    hdr2 = len2 - 1400;
    pos = len1 + hdr2;
    memcpy(guest + SEND_GPA + 5 * lg.send_section_size, b, pos);
    memcpy(guest + DATA_GPA + 0x100, f2, 1400);
    gpa_begin(&g);
    gpa_range(&g, DATA_GPA + 0x100, 1400);
    assert_int_equal(gpa_status(&g, 0, 5, pos, 0), STAT_SUCCESS);
    assert_int_equal(net.n, 2);
    assert_sent_frame(0, f1, 100);
    assert_sent_frame(1, f2, 1400);
}

/* Linux passes VLAN tags as IEEE 802.1Q per-packet info: the host gets the
 * tagged frame. */
static void test_tx_vlan(void **state)
{
    uint8_t f[200], b[512], want[204];
    struct ppi ppis[2] = {{0, 0},
                          {6, 5u | 1u << 3 | 100u << 4}}; /* csum info; pri 5, CFI, id 100 */
    uint32_t len;

    (void)state;
    bringup();
    make_frame(f, 200, PEER, 60);
    len = data_msg(b, f, 200, ppis, 2);
    assert_int_equal(send_in_section(2, b, len), STAT_SUCCESS);
    memcpy(want, f, 12);
    want[12] = 0x81;
    want[13] = 0x00;
    want[14] = 0xb0; /* 101 1 0000 */
    want[15] = 100;
    memcpy(want + 16, f + 12, 188);
    assert_sent_frame(0, want, 204);
}

/* ---- tests: receive (host to guest) ------------------------------------------------------- */

/* The exact transfer-page packet and RNDIS message the guest sees. */
static void test_rx_exact_bytes(void **state)
{
    uint8_t f[60], want_hdr[16], want_nvsp[40];
    const uint8_t *b;
    struct vmbus_packet_desc d;
    uint32_t v;

    (void)state;
    bringup();
    make_frame(f, 60, MAC, 70);
    assert_int_equal(netvsp_receive_frame(nic, f, 60), NETVSP_RX_DELIVERED);
    d = desc_of(fake.nsent - 1);
    b = fake.sent[fake.nsent - 1].b;
    assert_int_equal(d.type, VMBUS_PKT_DATA_XFER_PAGES);
    assert_int_equal(d.offset8, 4);
    assert_int_equal(d.len8, 9); /* 16 + 16 + 40 */
    assert_int_equal(d.flags, VMBUS_PKT_FLAG_COMPLETION);
    memset(want_hdr, 0, sizeof(want_hdr));
    want_hdr[0] = 0xfe; /* page set 0xcafe */
    want_hdr[1] = 0xca;
    want_hdr[4] = 1; /* one range */
    v = RNDIS_PKT_HDR + 60;
    memcpy(want_hdr + 8, &v, 4); /* byte count; offset 0: the first slot */
    assert_memory_equal(b + 16, want_hdr, 16);
    memset(want_nvsp, 0, sizeof(want_nvsp));
    want_nvsp[0] = NVSP_RNDIS_PKT;
    memset(want_nvsp + 8, 0xff, 4); /* channel 0 (data), no section */
    assert_memory_equal(b + 32, want_nvsp, 40);
    /* The RNDIS message at the slot. */
    b = guest + RECV_GPA;
    assert_int_equal(rd32(b), RNDIS_PACKET);
    assert_int_equal(rd32(b + 4), 104);
    assert_int_equal(rd32(b + 8), 36); /* data offset */
    assert_int_equal(rd32(b + 12), 60);
    for (unsigned i = 16; i < 44; i += 4)
        assert_int_equal(rd32(b + i), 0);
    assert_memory_equal(b + 44, f, 60);
}

static void test_rx_frames(void **state)
{
    uint8_t f[1518];

    (void)state;
    bringup();
    for (uint32_t len = 14; len <= 1518; len += 101) {
        make_frame(f, len, MAC, (uint8_t)len);
        guest_complete_rx(deliver(f, len), STAT_SUCCESS);
    }
    make_frame(f, 1518, MAC, 1); /* MTU + header + one VLAN tag */
    guest_complete_rx(deliver(f, 1518), STAT_SUCCESS);
    assert_int_equal(netvsp_receive_frame(nic, f, 1519), NETVSP_RX_BAD_LENGTH);
    assert_int_equal(netvsp_receive_frame(nic, f, 13), NETVSP_RX_BAD_LENGTH);
    assert_int_equal(netvsp_receive_frame(nic, NULL, 60), NETVSP_RX_BAD_LENGTH);
}

/* A guest that does not complete: frames fill the slots but the control
 * reserve, then are dropped; each completion frees exactly one slot. */
static void test_rx_slot_accounting(void **state)
{
    uint8_t f[60];
    uint64_t *tids;
    uint32_t *offs;
    unsigned n = 0, from;
    struct query_result q;
    struct rx_msg *m = malloc(sizeof(*m));

    (void)state;
    assert_non_null(m);
    bringup();
    tids = calloc(lg.recv_section_cnt, sizeof(*tids));
    offs = calloc(lg.recv_section_cnt, sizeof(*offs));
    assert_non_null(tids);
    assert_non_null(offs);
    make_frame(f, 60, MAC, 80);
    from = fake.nsent;
    while (netvsp_receive_frame(nic, f, 60) == NETVSP_RX_DELIVERED) {
        linux_receive(fake.nsent - 1, m);
        tids[n] = m->tid;
        offs[n] = m->offset;
        n++;
        assert_true(n <= lg.recv_section_cnt);
    }
    /* Every slot but the four kept for control messages. */
    assert_int_equal(n, lg.recv_section_cnt - 4);
    assert_int_equal(count_xfers(from), n);
    assert_int_equal(netvsp_receive_frame(nic, f, 60), NETVSP_RX_NO_SLOT);
    /* Each slot used once: all distinct offsets. */
    {
        uint8_t *seen = calloc(lg.recv_section_cnt, 1);

        assert_non_null(seen);
        for (unsigned i = 0; i < n; i++) {
            assert_int_equal(offs[i] % lg.recv_section_size, 0);
            assert_false(seen[offs[i] / lg.recv_section_size]);
            seen[offs[i] / lg.recv_section_size] = 1;
        }
        free(seen);
    }
    /* Control still works from the reserve. */
    q = guest_query(OID_MAX_FRAME_SIZE, 4);
    assert_int_equal(rd32(q.info), 1500);

    /* One completion: the host is told, and exactly one more frame goes,
     * into the slot just freed. */
    assert_int_equal(netvsp_receive_frame(nic, f, 60), NETVSP_RX_NO_SLOT);
    net.resumes = 0;
    guest_complete_rx(tids[17], STAT_SUCCESS);
    assert_int_equal(net.resumes, 1);
    from = fake.nsent;
    assert_int_equal(netvsp_receive_frame(nic, f, 60), NETVSP_RX_DELIVERED);
    linux_receive(from, m);
    assert_int_equal(m->offset, offs[17]);
    assert_int_not_equal(m->tid, tids[17]);
    assert_int_equal(netvsp_receive_frame(nic, f, 60), NETVSP_RX_NO_SLOT);
    /* The same id again, and ids never sent: refused, nothing freed. */
    guest_complete_rx(tids[17], STAT_SUCCESS);
    guest_complete_rx(0, STAT_SUCCESS);
    guest_complete_rx(0xdeadbeefull, STAT_SUCCESS);
    guest_complete_rx(tids[18] + (1ull << 24), STAT_SUCCESS); /* right slot, wrong use */
    guest_complete_rx(tids[18] | 0xffffffull, STAT_SUCCESS);  /* slot out of range */
    assert_int_equal(netvsp_receive_frame(nic, f, 60), NETVSP_RX_NO_SLOT);
    /* A failed status still frees the slot. */
    guest_complete_rx(tids[18], STAT_FAIL);
    assert_int_equal(netvsp_receive_frame(nic, f, 60), NETVSP_RX_DELIVERED);
    free(tids);
    free(offs);
    free(m);
}

static void test_rx_ring_full(void **state)
{
    uint8_t f[60];
    struct netvsp_stats st;

    (void)state;
    bringup();
    make_frame(f, 60, MAC, 90);
    fake.xfer_rc = VMBUS_RING_FULL;
    net.resumes = 0;
    for (unsigned i = 0; i < 3 * lg.recv_section_cnt; i++)
        assert_int_equal(netvsp_receive_frame(nic, f, 60), NETVSP_RX_RING_FULL);
    fake.xfer_rc = VMBUS_RING_OK;
    /* The guest read its ring and signalled. */
    fake.ops->notify(&fake, fake.dev);
    assert_int_equal(net.resumes, 1);
    /* No slot leaked. */
    guest_complete_rx(deliver(f, 60), STAT_SUCCESS);
    netvsp_get_stats(nic, &st);
    assert_int_equal(st.rx_dropped, 3 * lg.recv_section_cnt);
    assert_int_equal(st.rx_frames, 1);
}

static void test_link_state(void **state)
{
    uint8_t f[60], b[256];
    unsigned from;
    struct rx_msg *m = malloc(sizeof(*m));
    uint32_t len;
    struct query_result q;

    (void)state;
    assert_non_null(m);
    bringup();
    from = fake.nsent;
    netvsp_set_link(nic, false);
    assert_int_equal(fake.nsent, from + 1);
    linux_receive(from, m);
    assert_int_equal(m->channel_type, 1);
    assert_int_equal(rd32(m->data), RNDIS_INDICATE);
    assert_int_equal(rd32(m->data + 4), 20);
    assert_int_equal(rd32(m->data + 8), ST_MEDIA_DISCONNECT);
    assert_int_equal(rd32(m->data + 12), 0);
    assert_int_equal(rd32(m->data + 16), 0);
    guest_complete_rx(m->tid, STAT_SUCCESS);
    q = guest_query(OID_MEDIA_CONNECT, 4);
    assert_int_equal(rd32(q.info), 1);

    /* Down: nothing either way (the guest's frame is taken and dropped). */
    make_frame(f, 60, MAC, 1);
    assert_int_equal(netvsp_receive_frame(nic, f, 60), NETVSP_RX_LINK_DOWN);
    len = data_msg(b, f, 60, NULL, 0);
    assert_int_equal(send_in_section(0, b, len), STAT_SUCCESS);
    assert_int_equal(net.n, 0);
    /* Setting the same state again says nothing. */
    from = fake.nsent;
    netvsp_set_link(nic, false);
    assert_int_equal(fake.nsent, from);

    netvsp_set_link(nic, true);
    assert_int_equal(fake.nsent, from + 1);
    linux_receive(from, m);
    assert_int_equal(rd32(m->data + 8), ST_MEDIA_CONNECT);
    guest_complete_rx(m->tid, STAT_SUCCESS);
    guest_complete_rx(deliver(f, 60), STAT_SUCCESS);
    free(m);
}

/* A link change with no room to tell the guest is told once there is. */
static void test_link_indication_waits(void **state)
{
    unsigned from;
    struct rx_msg *m = malloc(sizeof(*m));

    (void)state;
    assert_non_null(m);
    bringup();
    fake.xfer_rc = VMBUS_RING_FULL;
    from = fake.nsent;
    netvsp_set_link(nic, false);
    netvsp_set_link(nic, true);
    netvsp_set_link(nic, false);
    assert_int_equal(fake.nsent, from);
    fake.xfer_rc = VMBUS_RING_OK;
    fake.ops->notify(&fake, fake.dev);
    assert_int_equal(count_xfers(from), 1);
    linux_receive((unsigned)find_xfer(from), m);
    assert_int_equal(rd32(m->data + 8), ST_MEDIA_DISCONNECT); /* the state now */
    free(m);
    /* Before RNDIS INIT nothing is indicated: the guest asks. */
    guest_close();
    guest_open();
    from = fake.nsent;
    netvsp_set_link(nic, true);
    assert_int_equal(fake.nsent, from);
}

static void test_jumbo(void **state)
{
    uint8_t *f = malloc(9018), *b = malloc(9200);
    struct query_result q;
    uint32_t len, pos = 0;
    struct gpa_pkt g;

    (void)state;
    assert_non_null(f);
    assert_non_null(b);
    netvsp_destroy(nic);
    nic = make_nic(9000, false);
    assert_non_null(nic);
    nvsp_bringup();
    assert_true(lg.recv_section_size >= RNDIS_PKT_HDR + 9018);
    rndis_init();
    q = guest_query(OID_MAX_FRAME_SIZE, 4);
    assert_int_equal(rd32(q.info), 9000);
    assert_int_equal(set_filter(F_DIRECTED), ST_SUCCESS);
    make_frame(f, 9014, MAC, 3);
    guest_complete_rx(deliver(f, 9014), STAT_SUCCESS);
    make_frame(f, 9018, MAC, 4);
    guest_complete_rx(deliver(f, 9018), STAT_SUCCESS);
    assert_int_equal(netvsp_receive_frame(nic, f, 9019), NETVSP_RX_BAD_LENGTH);

    /* A jumbo frame from the guest over three pages. */
    make_frame(f, 9014, PEER, 5);
    len = data_msg(b, f, 9014, NULL, 0);
    memcpy(guest + DATA_GPA + 0x10, b, len);
    gpa_begin(&g);
    gpa_range(&g, DATA_GPA + 0x10, len);
    assert_int_equal(gpa_status(&g, 0, 0xffffffffu, 0, 0), STAT_SUCCESS);
    assert_sent_frame(0, f, 9014);
    (void)pos;
    free(f);
    free(b);
}

/* Completions wait while the guest's inbound ring is full, and reading
 * stops until they are out. */
static void test_completion_backlog(void **state)
{
    uint8_t f[60], b[256];
    struct nvsp_message m;
    uint32_t len;
    unsigned from;
    uint64_t tid1, tid2;

    (void)state;
    bringup();
    make_frame(f, 60, PEER, 1);
    len = data_msg(b, f, 60, NULL, 0);
    memcpy(guest + SEND_GPA, b, len);
    memcpy(guest + SEND_GPA + lg.send_section_size, b, len);
    fake.send_rc = VMBUS_RING_FULL;
    from = fake.nsent;
    m = rndis_pkt_msg(0, 0, len);
    tid1 = guest_nvsp(&m, true);
    m = rndis_pkt_msg(0, 1, len);
    tid2 = guest_nvsp(&m, true);
    assert_int_equal(net.n, 1);                       /* the first went through */
    assert_int_equal(fake.in_tail - fake.in_head, 1); /* the second waits */
    assert_int_equal(fake.nsent, from);
    fake.send_rc = VMBUS_RING_OK;
    fake.ops->notify(&fake, fake.dev);
    assert_int_equal(net.n, 2);
    assert_int_equal(fake.nsent, from + 2);
    assert_int_equal(desc_of(from).trans_id, tid1); /* in order */
    assert_int_equal(completion_of(from, tid1).rndis_comp.status, STAT_SUCCESS);
    assert_int_equal(completion_of(from, tid2).rndis_comp.status, STAT_SUCCESS);
}

/* Control responses wait for a slot; the queue is bounded, and a request
 * beyond it fails instead of growing it. */
static void test_control_queue(void **state)
{
    static const uint32_t small_slots = 8 * 1792;
    uint8_t b[64];
    unsigned from;
    struct rndis_reply r;
    uint64_t held[8];
    unsigned nheld = 0;

    (void)state;
    gpadls[0].len = small_slots; /* the smallest buffer taken: 8 slots */
    bringup();                   /* its responses all completed */
    assert_int_equal(lg.recv_section_cnt, 8);
    for (unsigned i = 0; i < 8; i++) {
        uint32_t id = 100 + i;

        memcpy(b + 8, &id, 4);
        put_rndis_hdr(b, RNDIS_KEEPALIVE, 12);
        rndis_request_at(b, 12, REQ_GPA, 0, false, &r);
        assert_true(r.answered);
        held[nheld++] = r.msg.tid;
    }
    /* All 8 slots held: 16 more responses queue, the 17th request fails. */
    from = fake.nsent;
    for (unsigned i = 0; i < 17; i++) {
        uint32_t id = 200 + i;

        memcpy(b + 8, &id, 4);
        put_rndis_hdr(b, RNDIS_KEEPALIVE, 12);
        rndis_request_at(b, 12, REQ_GPA, 0, false, &r);
        assert_false(r.answered);
        assert_int_equal(r.nvsp_status, i < 16 ? STAT_SUCCESS : STAT_FAIL);
    }
    /* Each freed slot sends the next queued response, in order. */
    for (unsigned i = 0; i < 3; i++) {
        struct rx_msg *m = malloc(sizeof(*m));
        int x;

        assert_non_null(m);
        from = fake.nsent;
        guest_complete_rx(held[i], STAT_SUCCESS);
        x = find_xfer(from);
        assert_true(x >= 0);
        linux_receive((unsigned)x, m);
        assert_int_equal(rd32(m->data), RNDIS_KEEPALIVE_C);
        assert_int_equal(rd32(m->data + 8), 200 + i);
        free(m);
    }
}

/* A host that answers a transmitted frame from inside transmit. */
static void test_loopback_host(void **state)
{
    uint8_t f[60], b[256];
    uint32_t len;
    unsigned from;
    struct rx_msg *m = malloc(sizeof(*m));

    (void)state;
    assert_non_null(m);
    bringup();
    net.loopback = true;
    make_frame(f, 60, MAC, 7);
    len = data_msg(b, f, 60, NULL, 0);
    from = fake.nsent;
    assert_int_equal(send_in_section(0, b, len), STAT_SUCCESS);
    assert_int_equal(count_xfers(from), 1);
    linux_receive((unsigned)find_xfer(from), m);
    assert_memory_equal(m->data + 44, f, 60);
    free(m);
}

static void test_close_and_reopen(void **state)
{
    uint8_t f[60];
    uint64_t tid;

    (void)state;
    bringup();
    make_frame(f, 60, MAC, 1);
    tid = deliver(f, 60);
    guest_close();
    assert_int_equal(netvsp_receive_frame(nic, f, 60), NETVSP_RX_NOT_READY);
    bringup();
    /* The old packet's id means nothing on the new channel. */
    guest_complete_rx(tid, STAT_SUCCESS);
    {
        struct netvsp_stats st;

        netvsp_get_stats(nic, &st);
        assert_int_equal(st.bad_packets, 1);
    }
    guest_complete_rx(deliver(f, 60), STAT_SUCCESS);
}

/* The channel breaks in the middle of a send: close runs inside it, and
 * netvsp stops touching what close took away. */
static void test_ring_breaks_during_send(void **state)
{
    uint8_t f[60], b[64];
    uint32_t req[4] = {1, 1, 0, 0x4000};
    struct nvsp_message m = rndis_pkt_msg(1, 0xffffffffu, 0);
    struct gpa_pkt g;

    (void)state;
    bringup();
    make_frame(f, 60, MAC, 1);
    fake.xfer_rc = VMBUS_RING_CORRUPT;
    assert_int_equal(netvsp_receive_frame(nic, f, 60), NETVSP_RX_NOT_READY);
    assert_false(fake.open);

    fake.xfer_rc = VMBUS_RING_OK;
    bringup();
    /* Breaking while a control response goes out. */
    fake.xfer_rc = VMBUS_RING_CORRUPT;
    memcpy(b + 8, req, sizeof(req));
    put_rndis_hdr(b, RNDIS_INIT, 24);
    memcpy(guest + REQ_GPA, b, 24);
    gpa_begin(&g);
    gpa_range(&g, REQ_GPA, 24);
    gpa_send(&g, &m, 0);
    assert_false(fake.open);
    fake.xfer_rc = VMBUS_RING_OK;
    /* And while a completion goes out. */
    bringup();
    fake.send_rc = VMBUS_RING_CORRUPT;
    guest_nvsp(&m, true);
    assert_false(fake.open);
    fake.send_rc = VMBUS_RING_OK;
    bringup();
}

static void test_revoke_and_teardown(void **state)
{
    struct nvsp_message m;
    uint8_t f[60], b[256];
    uint64_t tid;
    uint32_t len;
    unsigned from;

    (void)state;
    bringup();
    make_frame(f, 60, MAC, 1);
    tid = deliver(f, 60);
    /* Wrong id: ignored. */
    memset(&m, 0, sizeof(m));
    m.type = NVSP_REVOKE_RECV;
    m.revoke.id = 0xbeef;
    from = fake.nsent;
    guest_nvsp(&m, false);
    assert_int_equal(fake.nsent, from);
    guest_complete_rx(deliver(f, 60), STAT_SUCCESS);
    /* netvsc_revoke_recv_buf(): gone; control has nowhere to answer. */
    m.revoke.id = 0xcafe;
    guest_nvsp(&m, false);
    assert_int_equal(netvsp_receive_frame(nic, f, 60), NETVSP_RX_NOT_READY);
    guest_complete_rx(tid, STAT_SUCCESS); /* late: ignored */
    {
        uint8_t q[64];
        struct rndis_reply r;

        rndis_request(q, oid_request(q, RNDIS_QUERY, OID_MAX_FRAME_SIZE, NULL, 0), &r);
        assert_int_equal(r.nvsp_status, STAT_FAIL);
        assert_false(r.answered);
    }
    /* Revoke of the send buffer, then its sections are out of bounds. */
    memset(&m, 0, sizeof(m));
    m.type = NVSP_REVOKE_SEND;
    m.revoke.id = 0;
    guest_nvsp(&m, false);
    make_frame(f, 60, PEER, 2);
    len = data_msg(b, f, 60, NULL, 0);
    assert_int_equal(send_in_section(0, b, len), STAT_INVALID_RNDIS);
    assert_int_equal(net.n, 0);

    /* A teardown of the buffers' GPADLs while open (VMBus < 4.0). */
    guest_close();
    bringup();
    fake.ops->gpadl_teardown(&fake, fake.dev, 0x9999); /* not ours */
    make_frame(f, 60, MAC, 3);
    guest_complete_rx(deliver(f, 60), STAT_SUCCESS);
    fake.ops->gpadl_teardown(&fake, fake.dev, RECV_GPADL);
    fake.ops->gpadl_teardown(&fake, fake.dev, SEND_GPADL);
    assert_int_equal(netvsp_receive_frame(nic, f, 60), NETVSP_RX_NOT_READY);
    make_frame(f, 60, PEER, 4);
    len = data_msg(b, f, 60, NULL, 0);
    assert_int_equal(send_in_section(0, b, len), STAT_INVALID_RNDIS);
    assert_int_equal(net.n, 0);
}

/* The guest named GPADLs made for another channel and tore them down
 * there: netvsp's gpadl_teardown never ran, but it must not use the views
 * the server unmapped.  Gone or shrunk: the buffer is dropped; made again
 * elsewhere with the same id: the new pages are used. */
static void test_gpadl_changed_behind_our_back(void **state)
{
    uint8_t f[60], b[256];
    uint32_t len;
    uint8_t *snapshot = malloc(RECV_LEN);

    (void)state;
    assert_non_null(snapshot);
    bringup();
    make_frame(f, 60, MAC, 1);
    guest_complete_rx(deliver(f, 60), STAT_SUCCESS);

    /* Moved: the receive GPADL now maps other pages. */
    gpadls[0].gpa = 0x2000000;
    assert_int_equal(netvsp_receive_frame(nic, f, 60), NETVSP_RX_DELIVERED);
    assert_int_equal(rd32(guest + 0x2000000 + 4), RNDIS_PKT_HDR + 60);
    assert_memory_equal(guest + 0x2000000 + 44, f, 60);
    gpadls[0].gpa = RECV_GPA;

    /* Shrunk below what the slots cover: dropped, nothing written. */
    memcpy(snapshot, guest + RECV_GPA, RECV_LEN);
    gpadls[0].len = 4096;
    assert_int_equal(netvsp_receive_frame(nic, f, 60), NETVSP_RX_NOT_READY);
    gpadls[0].len = RECV_LEN;
    assert_int_equal(netvsp_receive_frame(nic, f, 60), NETVSP_RX_NOT_READY);
    assert_memory_equal(snapshot, guest + RECV_GPA, RECV_LEN);

    /* The send buffer's GPADL gone: its sections are refused. */
    gpadls[1].id = 0;
    make_frame(f, 60, PEER, 2);
    len = data_msg(b, f, 60, NULL, 0);
    assert_int_equal(send_in_section(0, b, len), STAT_INVALID_RNDIS);
    assert_int_equal(net.n, 0);
    gpadls[1].id = SEND_GPADL;

    /* A fresh open uses them again. */
    guest_close();
    bringup();
    make_frame(f, 60, MAC, 3);
    guest_complete_rx(deliver(f, 60), STAT_SUCCESS);

    /* The send buffer's GPADL shrunk to one section: the buffer is
     * dropped, not only its sections past the new end (section 0 would
     * be inside; the last one would read past the GPADL). */
    make_frame(f, 60, PEER, 4);
    len = data_msg(b, f, 60, NULL, 0);
    assert_int_equal(send_in_section(0, b, len), STAT_SUCCESS);
    assert_int_equal(net.n, 1);
    gpadls[1].len = 6144;
    assert_int_equal(send_in_section(169, b, len), STAT_INVALID_RNDIS);
    assert_int_equal(send_in_section(0, b, len), STAT_INVALID_RNDIS);
    gpadls[1].len = SEND_LEN;
    assert_int_equal(send_in_section(0, b, len), STAT_INVALID_RNDIS);
    assert_int_equal(net.n, 1);
    /* And the receive GPADL vanishing shows at the guest's next signal
     * too: the link indication has nowhere to go and is not sent. */
    gpadls[0].id = 0;
    {
        unsigned from = fake.nsent;

        netvsp_set_link(nic, false);
        assert_int_equal(fake.nsent, from);
    }
    free(snapshot);
}

/* ---- tests: a hostile guest ------------------------------------------------------------------ */

static void test_short_and_unknown_nvsp(void **state)
{
    struct nvsp_message m;
    unsigned from;
    uint64_t tid;
    struct netvsp_stats st;

    (void)state;
    guest_open();
    /* No payload at all, not even a type (VMBus pads payloads to 8 bytes,
     * so anything shorter than a struct is 0, 8, 16, ... bytes): an empty
     * completion, nothing else. */
    from = fake.nsent;
    tid = next_tid++;
    guest_packet(VMBUS_PKT_DATA_INBAND, VMBUS_PKT_FLAG_COMPLETION, tid, NULL, 0);
    assert_empty_completion(from, tid);
    /* INIT cut short: its completion with a failure. */
    m = nvsp_init_msg(0x60001, 0x60001);
    from = fake.nsent;
    tid = guest_inband(&m, 8, true);
    m = completion_of(from, tid);
    assert_int_equal(m.type, NVSP_INIT_COMPLETE);
    assert_int_equal(m.init_complete.status, STAT_FAIL);
    assert_int_equal(guest_init(0x60001).init_complete.status, STAT_SUCCESS);
    /* Short buffer messages. */
    m = buffer_msg(NVSP_RECV_BUF, RECV_GPADL, 0xcafe);
    from = fake.nsent;
    tid = guest_inband(&m, 8, true);
    assert_int_equal(completion_of(from, tid).recv_comp.status, STAT_FAIL);
    m = buffer_msg(NVSP_SEND_BUF, SEND_GPADL, 0);
    from = fake.nsent;
    tid = guest_inband(&m, 8, true);
    assert_int_equal(completion_of(from, tid).send_comp.status, STAT_FAIL);
    /* Short RNDIS_PKT. */
    m = rndis_pkt_msg(0, 0, 100);
    from = fake.nsent;
    tid = guest_inband(&m, 8, true);
    assert_int_equal(completion_of(from, tid).rndis_comp.status, STAT_FAIL);
    /* Unknown types: an empty completion when asked, else nothing. */
    memset(&m, 0, sizeof(m));
    m.type = 9999;
    from = fake.nsent;
    tid = guest_nvsp(&m, true);
    assert_empty_completion(from, tid);
    from = fake.nsent;
    assert_no_completion(from, guest_nvsp(&m, false));
    m.type = NVSP_RECV_BUF_COMP; /* host-to-guest types from the guest */
    guest_nvsp(&m, false);
    m.type = NVSP_INIT_COMPLETE;
    guest_nvsp(&m, false);
    assert_int_equal(fake.nsent, from);
    /* Short NDIS_CONFIG and version: ignored. */
    memset(&m, 0, sizeof(m));
    m.type = NVSP_NDIS_CONFIG;
    guest_inband(&m, 16, false);
    m.type = NVSP_NDIS_VER;
    guest_inband(&m, 8, false);
    /* A transfer-page packet from the guest, and other VMBus types. */
    memset(&m, 0, sizeof(m));
    m.type = NVSP_RNDIS_PKT;
    guest_packet(VMBUS_PKT_DATA_XFER_PAGES, VMBUS_PKT_FLAG_COMPLETION, 55, &m, sizeof(m));
    guest_packet(3, VMBUS_PKT_FLAG_COMPLETION, 56, &m, sizeof(m));
    assert_int_equal(fake.nsent, from);
    /* Still works. */
    assert_int_equal(guest_recv_buf(RECV_GPADL).recv_comp.status, STAT_SUCCESS);
    netvsp_get_stats(nic, &st);
    assert_int_equal(st.bad_packets, 13);
}

/* A packet far bigger than any netvsc sends is dropped unread. */
static void test_oversized_packet(void **state)
{
    uint8_t *big = calloc(1, 16384);
    struct vmbus_packet_desc d = {VMBUS_PKT_DATA_INBAND, 2, 16384 / 8, VMBUS_PKT_FLAG_COMPLETION,
                                  77};
    unsigned from;

    (void)state;
    assert_non_null(big);
    bringup();
    memcpy(big, &d, sizeof(d));
    big[16] = NVSP_INIT;
    from = fake.nsent;
    guest_raw(big, 16384);
    assert_int_equal(fake.nsent, from);
    assert_int_equal(fake.in_tail, fake.in_head);
    free(big);
    assert_int_equal(rd32(guest_query(OID_MAX_FRAME_SIZE, 4).info), 1500);
}

static void test_bad_buffers(void **state)
{
    struct nvsp_message c;

    (void)state;
    guest_open();
    assert_int_equal(guest_init(0x60001).init_complete.status, STAT_SUCCESS);
    /* No such GPADL. */
    c = guest_recv_buf(0x4242);
    assert_int_equal(c.recv_comp.status, STAT_FAIL);
    assert_int_equal(c.recv_comp.num_sections, 0);
    assert_int_equal(guest_send_buf(0x4242).send_comp.status, STAT_FAIL);
    /* A good GPADL, but made for another channel of the connection. */
    add_gpadl(0x2004, 0x2000000, 64u << 10);
    gpadls[2].other_channel = true;
    assert_int_equal(gpadls[2].id, 0x2004);
    assert_int_equal(guest_recv_buf(0x2004).recv_comp.status, STAT_FAIL);
    assert_int_equal(guest_send_buf(0x2004).send_comp.status, STAT_FAIL);
    /* Too small: fewer than 8 slots; a send buffer under one section. */
    add_gpadl(0x2001, 0x2000000, 8 * 1792 - 1);
    add_gpadl(0x2002, 0x2000000, 6143);
    assert_int_equal(guest_recv_buf(0x2001).recv_comp.status, STAT_FAIL);
    assert_int_equal(guest_send_buf(0x2002).send_comp.status, STAT_FAIL);
    /* Absurdly large: used up to the cap, the rest left alone. */
    add_gpadl(0x2003, 0x400000, 60u << 20);
    c = guest_recv_buf(0x2003);
    assert_int_equal(c.recv_comp.status, STAT_SUCCESS);
    assert_int_equal(c.recv_comp.num_sub_allocs, 32768);
    assert_int_equal(c.recv_comp.end_offset, 32768 * c.recv_comp.sub_alloc_size);
    assert_true(c.recv_comp.end_offset <= (60u << 20));
}

static void test_bad_sections(void **state)
{
    uint8_t f[60], b[256];
    uint32_t len;
    struct nvsp_message m;
    unsigned from;
    struct netvsp_stats st;

    (void)state;
    bringup();
    make_frame(f, 60, PEER, 1);
    len = data_msg(b, f, 60, NULL, 0);
    memcpy(guest + SEND_GPA, b, len);
    static const struct {
        uint32_t channel, index, size;
    } bad[] = {
        {0, 170, 100},        /* one past the last section (1 MiB / 6144 = 170) */
        {0, 0x7fffffff, 100}, /* far out */
        {0, 0xfffffffe, 100}, /* index * size would wrap 32 bits */
        {0, 0, 6145},         /* more than a section */
        {0, 0, 0xffffffff},   /* likewise */
        {0, 0xffffffff, 0},   /* no section and no pages: nothing at all */
        {2, 0, 104},          /* no such channel type */
    };
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        m = rndis_pkt_msg(bad[i].channel, bad[i].index, bad[i].size);
        from = fake.nsent;
        assert_int_equal(completion_of(from, guest_nvsp(&m, true)).rndis_comp.status,
                         STAT_INVALID_RNDIS);
    }
    /* The section is the last one's size exactly: fine. */
    memcpy(guest + SEND_GPA + 169ull * 6144, b, len);
    m = rndis_pkt_msg(0, 169, len);
    from = fake.nsent;
    assert_int_equal(completion_of(from, guest_nvsp(&m, true)).rndis_comp.status, STAT_SUCCESS);
    assert_int_equal(net.n, 1);
    netvsp_get_stats(nic, &st);
    assert_int_equal(st.bad_packets, 7);
}

static void test_bad_gpa_ranges(void **state)
{
    uint8_t f[60], b[256];
    uint32_t len;
    struct gpa_pkt g;
    uint64_t pfns[8];

    (void)state;
    bringup();
    make_frame(f, 60, PEER, 1);
    len = data_msg(b, f, 60, NULL, 0);
    memcpy(guest + DATA_GPA, b, len);

    /* A page that is not guest RAM. */
    pfns[0] = GUEST_MEM / PAGE;
    gpa_begin(&g);
    gpa_range_raw(&g, len, 0, pfns, 1);
    assert_int_equal(gpa_status(&g, 0, 0xffffffffu, 0, 0), STAT_INVALID_RNDIS);
    /* A pfn whose address wraps to page 0, RAM holding a good message. */
    memcpy(guest, b, len);
    pfns[0] = 1ull << 52;
    gpa_begin(&g);
    gpa_range_raw(&g, len, 0, pfns, 1);
    assert_int_equal(gpa_status(&g, 0, 0xffffffffu, 0, 0), STAT_INVALID_RNDIS);
    /* A bad pfn even where no byte of it is used. */
    pfns[0] = DATA_GPA / PAGE;
    pfns[1] = GUEST_MEM / PAGE + 5;
    gpa_begin(&g);
    gpa_range_raw(&g, len, PAGE - len, pfns, 1);
    gpa_range_raw(&g, 0, 16, pfns + 1, 1);
    memcpy(guest + DATA_GPA + PAGE - len, b, len);
    assert_int_equal(gpa_status(&g, 0, 0xffffffffu, 0, 0), STAT_INVALID_RNDIS);
    /* Offset outside the first page (and pfns for what it would span):
     * taken, it would read past the first page, where a good message
     * waits. */
    pfns[0] = DATA_GPA / PAGE;
    pfns[1] = DATA_GPA / PAGE + 1;
    memcpy(guest + DATA_GPA + 5000, b, len);
    gpa_begin(&g);
    gpa_range_raw(&g, len, 5000, pfns, 2);
    assert_int_equal(gpa_status(&g, 0, 0xffffffffu, 0, 0), STAT_INVALID_RNDIS);
    gpa_begin(&g);
    gpa_range_raw(&g, len, PAGE, pfns, 2);
    assert_int_equal(gpa_status(&g, 0, 0xffffffffu, 0, 0), STAT_INVALID_RNDIS);
    /* Fewer pfns in the packet than the range spans. */
    gpa_begin(&g);
    gpa_range_raw(&g, 2 * PAGE, 0, pfns, 1);
    assert_int_equal(gpa_status(&g, 0, 0xffffffffu, 0, 0), STAT_INVALID_RNDIS);
    /* More ranges claimed than present; none; too many.  With section 0
     * of size 0 the NVSP message after the ranges reads as a range of 107
     * bytes of RAM page 0 (which holds a good message): still refused. */
    gpa_begin(&g);
    gpa_range_raw(&g, len, 0, pfns, 1);
    assert_int_equal(gpa_status(&g, 0, 0xffffffffu, 0, 2), STAT_INVALID_RNDIS);
    gpa_begin(&g);
    gpa_range_raw(&g, len, 0, pfns, 1);
    assert_int_equal(gpa_status(&g, 0, 0, 0, 2), STAT_INVALID_RNDIS);
    assert_int_equal(net.n, 0);
    assert_int_equal(gpa_status(&g, 0, 0xffffffffu, 0, 0xffffffff), STAT_INVALID_RNDIS);
    gpa_begin(&g);
    g.off = 24;
    {
        struct nvsp_message m = rndis_pkt_msg(0, 0xffffffffu, 0);
        struct vmbus_packet_desc d = {VMBUS_PKT_DATA_GPA_DIRECT, 3, 8, VMBUS_PKT_FLAG_COMPLETION,
                                      0x5151};
        unsigned from = fake.nsent;
        uint32_t zero = 0;

        memcpy(g.b, &d, sizeof(d));
        memcpy(g.b + 20, &zero, 4);
        memcpy(g.b + 24, &m, sizeof(m));
        guest_raw(g.b, 64);
        assert_int_equal(completion_of(from, 0x5151).rndis_comp.status, STAT_INVALID_RNDIS);
    }
    /* 65 ranges: more than netvsp takes. */
    gpa_begin(&g);
    for (unsigned i = 0; i < 65; i++)
        gpa_range_raw(&g, 1, 0, pfns, 1);
    assert_int_equal(gpa_status(&g, 0, 0xffffffffu, 0, 0), STAT_INVALID_RNDIS);
    /* More than 16 KiB in all. */
    gpa_begin(&g);
    gpa_range(&g, DATA_GPA, 16385);
    assert_int_equal(gpa_status(&g, 0, 0xffffffffu, 0, 0), STAT_INVALID_RNDIS);
    /* Byte counts far beyond the pfns given. */
    gpa_begin(&g);
    gpa_range_raw(&g, 0xfffff000u, 0, pfns, 1);
    gpa_range_raw(&g, 0x2000, 0, pfns, 2);
    assert_int_equal(gpa_status(&g, 0, 0xffffffffu, 0, 0), STAT_INVALID_RNDIS);
    /* None of it reached the host. */
    assert_int_equal(net.n, 0);
}

/* Build a data message with one field overwritten (@field: byte offset
 * into the message, @value), send it in section 0: the status. */
static uint32_t send_mangled(uint32_t field, uint32_t value, const struct ppi *ppis, unsigned nppi)
{
    uint8_t f[100], b[512];
    uint32_t len;

    make_frame(f, 100, PEER, 1);
    len = data_msg(b, f, 100, ppis, nppi);
    if (field)
        memcpy(b + field, &value, 4);
    return send_in_section(0, b, len);
}

static void test_bad_rndis_packets(void **state)
{
    struct ppi vlan = {6, 1u << 4};
    struct netvsp_stats st;

    (void)state;
    bringup();
    assert_int_equal(send_mangled(0, 0, NULL, 0), STAT_SUCCESS);
    /* msg_len: under a header, past the section's bytes, absurd. */
    assert_int_equal(send_mangled(4, 7, NULL, 0), STAT_INVALID_RNDIS);
    assert_int_equal(send_mangled(4, 145, NULL, 0), STAT_INVALID_RNDIS);
    assert_int_equal(send_mangled(4, 0xffffffff, NULL, 0), STAT_INVALID_RNDIS);
    /* A body too small for struct rndis_packet. */
    assert_int_equal(send_mangled(4, 40, NULL, 0), STAT_INVALID_RNDIS);
    /* data_offset: inside the fixed part, past the end, wrapping. */
    assert_int_equal(send_mangled(8, 35, NULL, 0), STAT_INVALID_RNDIS);
    assert_int_equal(send_mangled(8, 137, NULL, 0), STAT_INVALID_RNDIS);
    assert_int_equal(send_mangled(8, 0xfffffff0, NULL, 0), STAT_INVALID_RNDIS);
    /* data_len past the end; 0xffffffff; a frame under a header. */
    assert_int_equal(send_mangled(12, 101, NULL, 0), STAT_INVALID_RNDIS);
    assert_int_equal(send_mangled(12, 0xffffffff, NULL, 0), STAT_INVALID_RNDIS);
    assert_int_equal(send_mangled(12, 13, NULL, 0), STAT_INVALID_RNDIS);
    /* OOB area out of bounds. */
    assert_int_equal(send_mangled(20, 1, NULL, 0), STAT_INVALID_RNDIS);
    /* PPI area: offset in the fixed part, past the end, length past it. */
    assert_int_equal(send_mangled(28, 4, &vlan, 1), STAT_INVALID_RNDIS);
    assert_int_equal(send_mangled(28, 200, &vlan, 1), STAT_INVALID_RNDIS);
    assert_int_equal(send_mangled(32, 0xfffffff0, &vlan, 1), STAT_INVALID_RNDIS);
    /* One PPI: size 0 (a loop that never advances), under its header,
     * past the area; value offset inside the header or past the size; a
     * VLAN value cut short; a trailing partial header. */
    assert_int_equal(send_mangled(44, 0, &vlan, 1), STAT_INVALID_RNDIS);
    assert_int_equal(send_mangled(44, 11, &vlan, 1), STAT_INVALID_RNDIS);
    assert_int_equal(send_mangled(44, 17, &vlan, 1), STAT_INVALID_RNDIS);
    assert_int_equal(send_mangled(52, 11, &vlan, 1), STAT_INVALID_RNDIS);
    assert_int_equal(send_mangled(52, 17, &vlan, 1), STAT_INVALID_RNDIS);
    assert_int_equal(send_mangled(52, 13, &vlan, 1), STAT_INVALID_RNDIS);
    assert_int_equal(send_mangled(32, 20, &vlan, 1), STAT_INVALID_RNDIS); /* 16 + 4 stray */
    /* None of it reached the host; the good one did. */
    assert_int_equal(net.n, 1);
    netvsp_get_stats(nic, &st);
    assert_int_equal(st.bad_packets, 22);
    assert_int_equal(st.tx_frames, 1);
}

/* A batch with a bad message: the others still go out; a header that does
 * not fit ends the walk; trailing bytes under a header are refused. */
static void test_bad_batch(void **state)
{
    uint8_t f[60], b[1024];
    uint32_t len, pos;

    (void)state;
    bringup();
    make_frame(f, 60, PEER, 1);
    len = data_msg(b, f, 60, NULL, 0); /* 104 */
    memcpy(b + 104, b, 104);
    memcpy(b + 208, b, 104);
    memcpy(b + 104 + 12, &(uint32_t){1000}, 4); /* the middle one's data_len */
    assert_int_equal(send_in_section(0, b, 312), STAT_INVALID_RNDIS);
    assert_int_equal(net.n, 2);
    /* Trailing bytes after the last message. */
    pos = 104 + 5;
    memcpy(b, b + 208, 104);
    assert_int_equal(send_in_section(0, b, pos), STAT_INVALID_RNDIS);
    assert_int_equal(net.n, 3);
    (void)len;
}

static void test_bad_control(void **state)
{
    uint8_t b[256];
    struct rndis_reply r;
    uint32_t id;

    (void)state;
    bringup();
    /* QUERY with its info buffer out of the message: INVALID_DATA. */
    id = next_req_id;
    oid_request(b, RNDIS_QUERY, OID_MAX_FRAME_SIZE, NULL, 0);
    memcpy(b + 16, &(uint32_t){4}, 4);   /* info_len */
    memcpy(b + 20, &(uint32_t){200}, 4); /* info_offset */
    rndis_request(b, 28, &r);
    assert_int_equal(r.nvsp_status, STAT_INVALID_RNDIS);
    assert_int_equal(rd32(r.msg.data), RNDIS_QUERY_C);
    assert_int_equal(rd32(r.msg.data + 8), id);
    assert_int_equal(rd32(r.msg.data + 12), ST_INVALID_DATA);
    assert_int_equal(rd32(r.msg.data + 20), 0);
    /* Offset inside the request's fixed part, and a wrapping length. */
    id = next_req_id;
    oid_request(b, RNDIS_SET, OID_PACKET_FILTER, "\x01\0\0\0", 4);
    memcpy(b + 20, &(uint32_t){4}, 4);
    rndis_request(b, 32, &r);
    assert_int_equal(rd32(r.msg.data), RNDIS_SET_C);
    assert_int_equal(rd32(r.msg.data + 12), ST_INVALID_DATA);
    oid_request(b, RNDIS_SET, OID_PACKET_FILTER, "\x01\0\0\0", 4);
    memcpy(b + 16, &(uint32_t){0xfffffffc}, 4);
    rndis_request(b, 32, &r);
    assert_int_equal(rd32(r.msg.data + 12), ST_INVALID_DATA);
    assert_int_equal(rd32(guest_query(OID_PACKET_FILTER, 4).info),
                     F_BROADCAST | F_ALLMULTI | F_DIRECTED);
    /* A short filter value. */
    assert_int_equal(guest_set(OID_PACKET_FILTER, "\x01\0", 2), ST_INVALID_LENGTH);
    /* QUERY and SET bodies shorter than a request: answered INVALID_LENGTH. */
    id = 4242;
    memcpy(b + 8, &id, 4);
    put_rndis_hdr(b, RNDIS_QUERY, 20);
    rndis_request(b, 20, &r);
    assert_int_equal(r.nvsp_status, STAT_INVALID_RNDIS);
    assert_int_equal(rd32(r.msg.data), RNDIS_QUERY_C);
    assert_int_equal(rd32(r.msg.data + 8), 4242);
    assert_int_equal(rd32(r.msg.data + 12), ST_INVALID_LENGTH);
    put_rndis_hdr(b, RNDIS_SET, 12);
    rndis_request(b, 12, &r);
    assert_int_equal(rd32(r.msg.data), RNDIS_SET_C);
    assert_int_equal(rd32(r.msg.data + 12), ST_INVALID_LENGTH);
    /* INIT cut short. */
    put_rndis_hdr(b, RNDIS_INIT, 16);
    rndis_request(b, 16, &r);
    assert_int_equal(rd32(r.msg.data), RNDIS_INIT_C);
    assert_int_equal(rd32(r.msg.data + 12), ST_INVALID_LENGTH);
    /* No request id at all; unknown types; types that go host to guest. */
    put_rndis_hdr(b, RNDIS_KEEPALIVE, 8);
    rndis_request(b, 8, &r);
    assert_int_equal(r.nvsp_status, STAT_INVALID_RNDIS);
    assert_false(r.answered);
    put_rndis_hdr(b, 0x99, 12);
    rndis_request(b, 12, &r);
    assert_int_equal(r.nvsp_status, STAT_INVALID_RNDIS);
    assert_false(r.answered);
    put_rndis_hdr(b, RNDIS_INDICATE, 20);
    rndis_request(b, 20, &r);
    assert_false(r.answered);
    put_rndis_hdr(b, RNDIS_QUERY_C, 24);
    rndis_request(b, 24, &r);
    assert_false(r.answered);
    /* Config parameters with offsets out of their buffer. */
    {
        uint32_t cpi[5] = {20, 28, 2, 48, 24};
        uint8_t info[72];

        memset(info, 0, sizeof(info));
        cpi[0] = 60; /* name past the end */
        memcpy(info, cpi, 20);
        assert_int_equal(guest_set(OID_CONFIG_PARAMETER, info, 72), ST_INVALID_DATA);
        cpi[0] = 20;
        cpi[4] = 0xfffffff0; /* value length wraps */
        memcpy(info, cpi, 20);
        assert_int_equal(guest_set(OID_CONFIG_PARAMETER, info, 72), ST_INVALID_DATA);
        cpi[4] = 24;
        cpi[3] = 4; /* value inside the header */
        memcpy(info, cpi, 20);
        assert_int_equal(guest_set(OID_CONFIG_PARAMETER, info, 72), ST_INVALID_DATA);
        assert_int_equal(guest_set(OID_CONFIG_PARAMETER, info, 19), ST_INVALID_LENGTH);
    }
    /* All that, and the NIC still works. */
    assert_int_equal(rd32(guest_query(OID_MAX_FRAME_SIZE, 4).info), 1500);
}

/* Lengths and offsets that are each checked once, at one place. */
static void test_hostile_lengths(void **state)
{
    struct ppi vlan = {6, 7u << 4};
    uint8_t f[1600], b[2048];
    uint8_t *big = calloc(1, 16392);
    unsigned from;
    uint32_t len;
    struct gpa_pkt g;

    (void)state;
    assert_non_null(big);
    bringup();

    /* A VLAN info adds 4 bytes: the tagged frame must still fit. */
    make_frame(f, 1514, PEER, 7);
    len = data_msg(b, f, 1514, &vlan, 1);
    assert_int_equal(send_in_section(0, b, len), STAT_SUCCESS);
    assert_int_equal(net.n, 1);
    assert_int_equal(net.len[0], 1518);
    make_frame(f, 1515, PEER, 8);
    len = data_msg(b, f, 1515, &vlan, 1);
    assert_int_equal(send_in_section(0, b, len), STAT_INVALID_RNDIS);
    make_frame(f, 1518, PEER, 9);
    len = data_msg(b, f, 1518, &vlan, 1);
    assert_int_equal(send_in_section(0, b, len), STAT_INVALID_RNDIS);
    assert_int_equal(net.n, 1);

    /* One RNDIS message of max_xfer_size (16384) over a section and
     * pages: taken; 8 bytes more (a section and pages may hold 22 KiB):
     * refused. */
    make_frame(f, 60, PEER, 10);
    for (uint32_t total = 16384; total <= 16392; total += 8) {
        data_msg(big, f, 60, NULL, 0);
        put_rndis_hdr(big, RNDIS_PACKET, total);
        memcpy(guest + SEND_GPA + 3 * 6144, big, 6144);
        memcpy(guest + DATA_GPA, big + 6144, total - 6144);
        gpa_begin(&g);
        gpa_range(&g, DATA_GPA, total - 6144);
        assert_int_equal(gpa_status(&g, 0, 3, 6144, 0),
                         total == 16384 ? STAT_SUCCESS : STAT_INVALID_RNDIS);
    }
    assert_int_equal(net.n, 2);

    /* A GPA-direct packet whose payload starts inside the range area
     * (offset8 2): not taken apart as ranges.  Read as ranges, its NVSP
     * message would be one range of 100 bytes of page 0, a good message. */
    make_frame(f, 56, PEER, 11);
    assert_int_equal(data_msg(guest, f, 56, NULL, 0), 100);
    {
        struct nvsp_message m = rndis_pkt_msg(1, 100, 0);
        struct vmbus_packet_desc d = {VMBUS_PKT_DATA_GPA_DIRECT, 2, 7, VMBUS_PKT_FLAG_COMPLETION,
                                      0x6161};

        memset(b, 0, 56);
        memcpy(b, &d, sizeof(d));
        memcpy(b + 16, &m, sizeof(m));
        from = fake.nsent;
        guest_raw(b, 56);
        assert_int_equal(completion_of(from, 0x6161).rndis_comp.status, STAT_INVALID_RNDIS);
    }
    assert_int_equal(net.n, 2);

    /* Descriptors whose payload offset is inside the descriptor, or past
     * the packet: dropped unanswered.  (Read from byte 8, the first has
     * the type NVSP_INIT, its transaction id.) */
    for (unsigned i = 0; i < 2; i++) {
        struct nvsp_message m = nvsp_init_msg(0x60001, 0x60001);
        struct vmbus_packet_desc d = {VMBUS_PKT_DATA_INBAND, i ? 200 : 1, 7,
                                      VMBUS_PKT_FLAG_COMPLETION, NVSP_INIT};

        memcpy(b, &d, sizeof(d));
        memcpy(b + 16, &m, sizeof(m));
        from = fake.nsent;
        guest_raw(b, 56);
        assert_int_equal(fake.nsent, from);
    }
    free(big);
    /* The NIC still works. */
    assert_int_equal(rd32(guest_query(OID_MAX_FRAME_SIZE, 4).info), 1500);
}

/* A control request whose header crosses a page boundary, at every split. */
static void test_control_across_pages(void **state)
{
    uint8_t b[64];
    struct rndis_reply r;

    (void)state;
    bringup();
    for (uint32_t split = 1; split < 28; split++) {
        uint32_t id = next_req_id;
        uint32_t len = oid_request(b, RNDIS_QUERY, OID_PERM_ADDRESS, NULL, 0);

        rndis_request_at(b, len, REQ_GPA + PAGE - split, FAR_GPA + 2 * PAGE, true, &r);
        assert_int_equal(r.nvsp_status, STAT_SUCCESS);
        assert_int_equal(rd32(r.msg.data), RNDIS_QUERY_C);
        assert_int_equal(rd32(r.msg.data + 8), id);
        assert_int_equal(rd32(r.msg.data + 12), ST_SUCCESS);
        assert_memory_equal(r.msg.data + 24, MAC, 6);
    }
}

/* Completions for a frame that are empty or of the wrong type free
 * nothing; the right one frees it once. */
static void test_completion_garbage(void **state)
{
    uint8_t f[60];
    uint64_t tid;
    struct {
        uint32_t type, status;
    } wrong = {NVSP_INIT_COMPLETE, 1};
    struct netvsp_stats st;

    (void)state;
    bringup();
    make_frame(f, 60, MAC, 1);
    tid = deliver(f, 60);
    guest_packet(VMBUS_PKT_COMP, 0, tid, &wrong, 8);
    guest_packet(VMBUS_PKT_COMP, 0, tid, NULL, 0);
    netvsp_get_stats(nic, &st);
    assert_int_equal(st.bad_packets, 2);
    guest_complete_rx(tid, STAT_SUCCESS);
    netvsp_get_stats(nic, &st);
    assert_int_equal(st.bad_packets, 2);
    guest_complete_rx(tid, STAT_SUCCESS);
    netvsp_get_stats(nic, &st);
    assert_int_equal(st.bad_packets, 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_offer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_configs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_full_bringup, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nvsp_versions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_offload_caps_per_version, setup, teardown),
        cmocka_unit_test_setup_teardown(test_out_of_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_subchannel_and_others, setup, teardown),
        cmocka_unit_test_setup_teardown(test_queries, setup, teardown),
        cmocka_unit_test_setup_teardown(test_keepalive_reset_halt, setup, teardown),
        cmocka_unit_test_setup_teardown(test_multicast_list, setup, teardown),
        cmocka_unit_test_setup_teardown(test_packet_filter, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mac_change_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mac_change_allowed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_offload_params, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tx_send_buffer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tx_batched, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tx_gpa_direct, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tx_header_across_pages, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tx_section_then_pages, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tx_vlan, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rx_exact_bytes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rx_frames, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rx_slot_accounting, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rx_ring_full, setup, teardown),
        cmocka_unit_test_setup_teardown(test_link_state, setup, teardown),
        cmocka_unit_test_setup_teardown(test_link_indication_waits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_jumbo, setup, teardown),
        cmocka_unit_test_setup_teardown(test_completion_backlog, setup, teardown),
        cmocka_unit_test_setup_teardown(test_control_queue, setup, teardown),
        cmocka_unit_test_setup_teardown(test_loopback_host, setup, teardown),
        cmocka_unit_test_setup_teardown(test_close_and_reopen, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ring_breaks_during_send, setup, teardown),
        cmocka_unit_test_setup_teardown(test_revoke_and_teardown, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gpadl_changed_behind_our_back, setup, teardown),
        cmocka_unit_test_setup_teardown(test_short_and_unknown_nvsp, setup, teardown),
        cmocka_unit_test_setup_teardown(test_oversized_packet, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_buffers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_sections, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_gpa_ranges, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_rndis_packets, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_batch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_control, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hostile_lengths, setup, teardown),
        cmocka_unit_test_setup_teardown(test_control_across_pages, setup, teardown),
        cmocka_unit_test_setup_teardown(test_completion_garbage, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
