// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvtest=netvsc: a netvsc that is also a hostile guest, against the
 * worker's netvsp (drivers/netvsp).  It connects to VMBus
 * (vmbus_client.c), opens the synthetic NIC's channel and brings it up as
 * Linux's hv_netvsc does: NVSP version, NDIS version and configuration,
 * receive and send buffers, RNDIS INIT, the queries Linux cannot do
 * without, the packet filter, frames out (and, given ip= and peer=, ARP
 * requests the parent must answer).  Around that it sends what a broken
 * or malicious guest would: NVSP messages short, unknown, out of order or
 * with bogus versions; buffers on GPADLs that do not exist, are not
 * complete, are too small or belong to another channel; send-buffer
 * sections out of range; page ranges outside its RAM or lying about their
 * size; RNDIS messages whose lengths and offsets point outside the packet,
 * per-packet infos out of bounds, frames empty or too long; completions
 * for receive slots it does not hold; buffers revoked and torn down under
 * the NIC; more requests than netvsp can queue answers for or than its
 * inbound ring holds; frames it never completes; channel closes, one by a
 * ring it breaks.  Each answer is checked against what netvsp is written
 * to give (a completion and its status, an RNDIS response and its status,
 * or nothing), and after each batch a KEEPALIVE must still be answered.
 *
 * Requests go one at a time: send, signal, poll the inbound ring.  netvsp
 * answers in order, and the RNDIS responses to a SEND_RNDIS_PKT (in
 * receive-buffer slots, announced by transfer-page packets) come before
 * its completion; so "no answer" shows as the next request's answer
 * coming first.  Frames from the parent (once the packet filter is set)
 * may come in between at any time: they are read, completed and looked
 * at for the ARP replies, and are otherwise not part of the sequence.
 *
 * A wrong value is reported (one line per failed check) and the test goes
 * on; an answer out of step (none, or a different one) stops it, since
 * nothing after it could be matched up.
 */
#include "vmbus_client.h"

/* ---- NVSP (Linux drivers/net/hyperv/hyperv_net.h) ------------------------------------ */

#define NVSP_INIT               1
#define NVSP_INIT_COMPLETE      2
#define NVSP_NDIS_VERSION       100
#define NVSP_SEND_RECV_BUF      101
#define NVSP_RECV_BUF_COMPLETE  102
#define NVSP_REVOKE_RECV_BUF    103
#define NVSP_SEND_SEND_BUF      104
#define NVSP_SEND_BUF_COMPLETE  105
#define NVSP_REVOKE_SEND_BUF    106
#define NVSP_RNDIS_PKT          107
#define NVSP_RNDIS_PKT_COMPLETE 108
#define NVSP_NDIS_CONFIG        125
#define NVSP_SWITCH_DATA_PATH   129
#define NVSP_SUBCHANNEL         133

#define NVSP_SUCCESS       1
#define NVSP_FAIL          2
#define NVSP_INVALID_RNDIS 5

#define NVSP_V1  0x00000002u
#define NVSP_V61 0x00060001u

#define NVSP_MSG_SIZE            40 /* Linux's struct nvsp_message: what it sends and expects */
#define NVSP_CHANNEL_DATA        0
#define NVSP_CHANNEL_CONTROL     1
#define NVSP_NO_SECTION          0xFFFFFFFFu
#define NVSP_SUBCHANNEL_ALLOCATE 1
#define RECV_BUF_ID              0xCAFE /* Linux's NETVSC_RECEIVE_BUFFER_ID */
#define SEND_BUF_ID              0      /* NETVSC_SEND_BUFFER_ID */
#define SECTION_SIZE             6144   /* the section size netvsp announces (Hyper-V's) */

/* ---- RNDIS (Linux include/linux/rndis.h) --------------------------------------------- */

#define RNDIS_PACKET    1u
#define RNDIS_INIT      2u
#define RNDIS_HALT      3u
#define RNDIS_QUERY     4u
#define RNDIS_SET       5u
#define RNDIS_RESET     6u
#define RNDIS_INDICATE  7u
#define RNDIS_KEEPALIVE 8u
#define RNDIS_DONE      0x80000000u /* a response: the request's type | RNDIS_DONE */

#define RNDIS_OK             0u
#define RNDIS_FAILURE        0xC0000001u
#define RNDIS_NOT_SUPPORTED  0xC00000BBu
#define RNDIS_INVALID_LENGTH 0xC0010014u
#define RNDIS_INVALID_DATA   0xC0010015u

#define OID_GEN_MAXIMUM_FRAME_SIZE     0x00010106u
#define OID_GEN_CURRENT_PACKET_FILTER  0x0001010Eu
#define OID_GEN_MEDIA_CONNECT_STATUS   0x00010114u
#define OID_GEN_RNDIS_CONFIG_PARAMETER 0x0001021Bu
#define OID_802_3_PERMANENT_ADDRESS    0x01010101u
#define OID_802_3_MULTICAST_LIST       0x01010103u
#define OID_TCP_OFFLOAD_PARAMETERS     0xFC01020Cu
#define OID_TCP_OFFLOAD_HW_CAPS        0xFC01020Du
#define OID_NONE                       0x00FF00FFu /* no OID has this number */

#define FILTER_DIRECTED  0x1u
#define FILTER_BROADCAST 0x8u
#define FILTER           (FILTER_DIRECTED | FILTER_BROADCAST)

#define NDIS_OFFLOAD_REV_6_30  3 /* NVSP 5 and later */
#define NDIS_OFFLOAD_SIZE_6_30 156

/* Per-packet info types (Linux enum ndis_per_pkt_info_type). */
#define PPI_CHECKSUM 0
#define PPI_VLAN     6
#define PPI_HASH     8

/* Message layout: an 8-byte header (type, msg_len), then the body; every
 * offset inside a body counts from the body's start. */
#define RNDIS_HDR 8
/* A data message's body: data, OOB and per-packet-info areas (offset and
 * length each, OOB a count too), a VC handle, a reserved word; the frame
 * follows in Linux's layout.  The fields' offsets in the message: */
#define PKT_FIXED       36
#define PKT_HEAD        (RNDIS_HDR + PKT_FIXED)
#define PKT_DATA_OFFSET 8
#define PKT_DATA_LEN    12
#define PKT_OOB_OFFSET  16
#define PKT_OOB_LEN     20
#define PKT_OOB_COUNT   24
#define PKT_PPI_OFFSET  28
#define PKT_PPI_LEN     32
/* A QUERY or SET: request id, OID, info_len, info_offset, VC handle. */
#define OID_FIXED 20
/* A QUERY_C: request id, status, info_len, info_offset, then the info. */
#define QUERY_C_HEAD (RNDIS_HDR + 16)

#define ETH_HLEN   14
#define ETH_P_ARP  0x0806
#define ETH_P_TEST 0x88B5 /* IEEE 802 local experimental: nobody answers it */

/* ---- what we share with the host ----------------------------------------------------- */

/* Lopsided on purpose: the outbound ring takes more requests (and the
 * 9000-byte packet) than the inbound ring has room for their answers. */
#define OUT_PAGES   12
#define IN_PAGES    4
#define RECV_PAGES  16
#define RECV_BYTES  (RECV_PAGES * 4096)
#define SEND_PAGES  3 /* two 6144-byte sections */
#define SEND_BYTES  (SEND_PAGES * 4096)
#define GPA_PAGES   8
#define PART_PAGES  40 /* a GPADL_HEADER and a GPADL_BODY */
#define RING_GPADL  0xE7E70
#define RECV_GPADL  0xE7E71
#define SEND_GPADL  0xE7E72
#define SMALL_GPADL 0xE7E73 /* one page: too small for either buffer */
#define OTHER_GPADL 0xE7E74 /* made for another channel */
#define PART_GPADL  0xE7E75 /* its GPADL_BODY held back */
#define TIMEOUT_S   VMBUS_TIMEOUT_S
#define TIMEOUT     (TIMEOUT_S * REF_1S)
#define ARP_TRIES   10
/* netvsp's NETVSP_CONTROL_QUEUE_MAX and RX_SLOTS_CONTROL_RESERVE: the
 * control messages that wait for a receive slot, and the slots frames may
 * not take. */
#define CONTROL_QUEUE   16
#define CONTROL_RESERVE 4

static uint8_t ring_pages[OUT_PAGES + IN_PAGES][4096] __attribute__((aligned(4096)));
static uint8_t recv_buf[RECV_BYTES] __attribute__((aligned(4096)));
static uint8_t send_buf[SEND_BYTES] __attribute__((aligned(4096)));
static uint8_t small_page[4096] __attribute__((aligned(4096)));
/* Page ranges come from here, in the order of gpa_order: each next page of
 * a range is not the next page in memory, so netvsp must follow the list. */
static uint8_t gpa_pages[GPA_PAGES][4096] __attribute__((aligned(4096)));
static const uint8_t gpa_order[GPA_PAGES] = {1, 3, 5, 7, 0, 2, 4, 6};

static uint64_t pkt[2048];             /* a packet being built: the largest is 9000 bytes in-band */
static uint64_t in_pkt[1024];          /* the packet read from the inbound ring */
static uint64_t comp_pkt[4];           /* the completion of a receive slot */
static uint64_t area[160];             /* page ranges being built: headers and PFNs */
static uint8_t rmsg[24576];            /* RNDIS messages being built */
static uint32_t nv[NVSP_MSG_SIZE / 4]; /* an NVSP message being built */
static uint8_t info[256];              /* the last QUERY_C's information buffer */

/* f8615163-df3e-46c5-913f-f2d2f965ed0e, the first three fields little-endian. */
static const uint8_t net_class[16] = {0x63, 0x51, 0x61, 0xf8, 0x3e, 0xdf, 0xc5, 0x46,
                                      0x91, 0x3f, 0xf2, 0xd2, 0xf9, 0x65, 0xed, 0x0e};

static struct {
    struct vmbus_chan ch;
    uint32_t other_relid; /* another channel's (0: none offered) */
    uint64_t next_tid;
    uint64_t ram_top;
    uint32_t req;              /* the last RNDIS request id */
    uint32_t slot_size, slots; /* the receive buffer's, from RECV_BUF_COMPLETE */
    uint32_t section_size, sections;
    uint32_t mtu;
    uint8_t mac[6];
    bool want_mac; /* mac= given: the permanent address must be it */
    uint8_t given_mac[6];
    bool arp; /* ip= and peer= given */
    uint8_t ip[4], peer[4];
    bool arp_seen[256]; /* an ARP reply to ip's first three bytes and this one */
    unsigned arp_replies;
    unsigned frames_sent, frames_received;
    /* Control slots are kept instead of completed: their ids and offsets. */
    bool hold;
    unsigned held;
    uint64_t held_tid[16];
    uint32_t held_off[16];
    /* Frame slots likewise. */
    bool hold_frames;
    unsigned held_frames;
    uint64_t held_frame_tid[64];
} st;

/* What came back, other than frames (rx_frame takes those). */
static struct {
    uint16_t type; /* VMBUS_PKT_COMP, or VMBUS_PKT_XFER_PAGES for a control message */
    uint64_t tid;
    uint32_t len;    /* completion: payload bytes; control message: its slot's byte count */
    uint32_t offset; /* control message: its slot's byte offset */
    uint8_t data[512];
} ev;

/* ---- small things -------------------------------------------------------------------- */

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    for (unsigned i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t min32(uint32_t a, uint32_t b)
{
    return a < b ? a : b;
}

/* ---- checks and their lines ---------------------------------------------------------- */

static unsigned checks, failures;
static char what[160];

static void check(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The next check, and what it is called in a failure line. */
static void check(const char *fmt, ...)
{
    va_list ap;

    checks++;
    va_start(ap, fmt);
    fmt_vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
}

static void vreport(const char *fmt, va_list ap)
{
    static char line[512];
    int n =
        fmt_snprintf(line, sizeof(line), "hvtest: netvsc: check %u (%s) failed: ", checks, what);

    if (n < 0 || (size_t)n >= sizeof(line))
        n = 0;
    fmt_vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
    failures++;
    uart_puts(line);
    uart_puts("\n");
}

static void bad(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A wrong value: said, counted, and the test goes on. */
static void bad(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vreport(fmt, ap);
    va_end(ap);
}

_Noreturn static void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* An answer out of step: nothing after it could be matched up. */
_Noreturn static void fatal(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vreport(fmt, ap);
    va_end(ap);
    finish("netvsc FAIL: %u checks failed, stopped at check %u", failures, checks);
}

/* A shared step (vmbus_client.c) went wrong, which leaves the test out of
 * step: @err says how. */
static void need(const char *err)
{
    if (err)
        fatal("%s", err);
}

/* Whether @got is @want (else said). */
static bool expect(const char *field, uint64_t want, uint64_t got)
{
    if (got == want)
        return true;
    bad("expected %s 0x%lx got 0x%lx", field, want, got);
    return false;
}

/* ---- VMBus messages ------------------------------------------------------------------ */

/* @status is HvPostMessage's. */
static void posted(uint64_t status)
{
    if (status)
        fatal("expected HvPostMessage status 0x0 got 0x%lx", status);
}

static void find_offer(void)
{
    check("REQUESTOFFERS: an offer of class f8615163-df3e-46c5-913f-f2d2f965ed0e (network)");
    need(vmbus_find_offer(net_class, &st.ch, &st.other_relid));
    if (!st.ch.offered)
        fatal("expected a network adapter offer got none (is the child given a --nic?)");
    if (!st.ch.relid || !st.ch.conn_id)
        fatal("expected a relid and a connection id got 0x%x and 0x%x", st.ch.relid, st.ch.conn_id);
    /* We signal with HvSignalEvent on the connection id only. */
    expect("monitor_allocated", 0, st.ch.monitor_allocated);
}

/* A GPADL of the @n pages @pfns for @relid: its GPADL_CREATED status. */
static uint32_t gpadl(uint32_t relid, uint32_t id, const uint64_t *pfns, unsigned n)
{
    uint32_t status;

    need(vmbus_gpadl(relid, id, pfns, n, 0, n * 4096, &status));
    return status;
}

/* A GPADL of the @pages pages at @base, which the host must take. */
static void make_gpadl(uint32_t relid, uint32_t id, const void *base, unsigned pages)
{
    static uint64_t pfns[OUT_PAGES + IN_PAGES];

    for (unsigned i = 0; i < pages; i++)
        pfns[i] = pfn(base) + i;
    expect("GPADL_CREATED status", 0, gpadl(relid, id, pfns, pages));
}

/* Page @i of the partial GPADL: pages of ours, which it only names. */
static uint64_t part_pfn(unsigned i)
{
    if (i < OUT_PAGES + IN_PAGES)
        return pfn(ring_pages[i]);
    i -= OUT_PAGES + IN_PAGES;
    if (i < RECV_PAGES)
        return pfn(recv_buf) + i;
    return pfn(gpa_pages[i - RECV_PAGES]);
}

/* GPADL_HEADER of a 40-page GPADL with its first 26 PFNs; the rest (a
 * GPADL_BODY) comes later, if @body. */
static void partial_gpadl(bool body)
{
    static uint64_t pfns[PART_PAGES];
    static struct vmbus_msg m;
    const struct vmbus_gpadl_created *c = (const void *)m.bytes;
    unsigned first = VMBUS_GPADL_HEADER_PFNS;

    for (unsigned i = 0; i < PART_PAGES; i++)
        pfns[i] = part_pfn(i);
    if (!body) {
        posted(vmbus_post_gpadl_header(vmbus_msg_conn, st.ch.relid, PART_GPADL, pfns, PART_PAGES,
                                       first, 0, PART_PAGES * 4096));
        return;
    }
    posted(vmbus_post_gpadl_body(vmbus_msg_conn, PART_GPADL, 1, pfns + first, PART_PAGES - first));
    need(vmbus_wait_msg(VMBUS_MSG_GPADL_CREATED, sizeof(*c), &m));
    if (c->gpadl != PART_GPADL)
        fatal("expected GPADL_CREATED for 0x%x got it for 0x%x", PART_GPADL, c->gpadl);
    expect("GPADL_CREATED status of the completed GPADL", 0, c->status);
}

/* OPENCHANNEL (@openid) on the ring GPADL, the rings empty. */
static void open_channel(uint32_t openid)
{
    uint32_t status;

    need(vmbus_open(&st.ch, openid, RING_GPADL, OUT_PAGES, &status));
    if (status)
        fatal("expected OPENCHANNEL_RESULT status 0 got 0x%x", status);
}

/* ---- packets ------------------------------------------------------------------------- */

static void signal_host(void)
{
    need(vmbus_chan_signal(&st.ch));
}

static void ring_send(const void *p, uint32_t len)
{
    need(vmbus_chan_send(&st.ch, p, len, true));
}

static uint64_t send_inband(uint16_t type, uint16_t flags, const void *payload, uint32_t len)
{
    uint64_t tid = ++st.next_tid;

    ring_send(pkt, vmbus_build_inband(pkt, type, flags, tid, payload, len));
    return tid;
}

/* A GPA-direct packet: @rangecount (true or not), the first @words u64s of
 * area (range headers and PFNs), then @len bytes of payload. */
static uint64_t send_gpa(uint32_t rangecount, unsigned words, const void *payload, uint32_t len)
{
    uint64_t tid = ++st.next_tid;

    ring_send(pkt, vmbus_build_gpa(pkt, tid, rangecount, area, words, payload, len));
    return tid;
}

/* ---- the inbound ring ---------------------------------------------------------------- */

/* The guest's completion of receive slot @tid (Linux's: SEND_RNDIS_PKT_COMPLETE,
 * success), of NVSP type @type and @len bytes. */
static void complete_slot_as(uint64_t tid, uint32_t type, uint32_t len)
{
    uint32_t c[2] = {type, NVSP_SUCCESS};

    ring_send(comp_pkt, vmbus_build_inband(comp_pkt, VMBUS_PKT_COMP, 0, tid, c, len));
}

static void complete_slot(uint64_t tid)
{
    complete_slot_as(tid, NVSP_RNDIS_PKT_COMPLETE, 8);
}

/* A frame for us (@msg, an RNDIS data message of @len bytes in a slot). */
static void rx_frame(const uint8_t *msg, uint32_t len)
{
    uint32_t doff = le32(msg + PKT_DATA_OFFSET), dlen = le32(msg + PKT_DATA_LEN);
    const uint8_t *f;

    if (len < PKT_HEAD || le32(msg) != RNDIS_PACKET || le32(msg + 4) != len || doff < PKT_FIXED ||
        doff > len - RNDIS_HDR || dlen > len - RNDIS_HDR - doff || dlen < ETH_HLEN)
        fatal("expected an RNDIS data message in a data slot got type 0x%x, msg_len %u, data "
              "at %u (%u bytes) in a slot of %u bytes",
              le32(msg), le32(msg + 4), doff, dlen, len);
    st.frames_received++;
    f = msg + RNDIS_HDR + doff;
    /* An ARP reply from peer= to ip= (any last byte), for our address. */
    if (st.arp && dlen >= 42 && same_bytes(f, st.mac, 6) && f[12] == 0x08 && f[13] == 0x06 &&
        f[20] == 0 && f[21] == 2 && same_bytes(f + 28, st.peer, 4) &&
        same_bytes(f + 32, st.mac, 6) && same_bytes(f + 38, st.ip, 3)) {
        st.arp_seen[f[41]] = true;
        st.arp_replies++;
    }
}

/*
 * A transfer-page packet (@d, @len bytes in in_pkt): one RNDIS message in
 * a receive-buffer slot.  A frame is handed to rx_frame and its slot
 * completed (false); a control message goes to ev (true), its slot
 * completed unless st.hold.
 */
static bool take_xfer(const struct vmbus_desc *d, uint32_t len)
{
    const uint8_t *p = (const uint8_t *)in_pkt, *x = p + 16, *m;
    uint32_t off = d->offset8 * 8u, count, at, chan;

    if (off < 32 || len - off < 16)
        fatal("expected a transfer-page packet with a page-set header and an NVSP message got "
              "offset8 %u, len8 %u",
              d->offset8, d->len8);
    m = p + off;
    count = le32(x + 8);
    at = le32(x + 12);
    chan = le32(m + 4);
    if (le16(x) != RECV_BUF_ID || le32(x + 4) != 1 || le32(m) != NVSP_RNDIS_PKT || chan > 1 ||
        le32(m + 8) != NVSP_NO_SECTION || !(d->flags & VMBUS_PKT_FLAG_COMPLETION))
        fatal("expected a transfer-page packet of page set 0x%x, 1 range, SEND_RNDIS_PKT, no "
              "section, completion asked got page set 0x%x, %u ranges, NVSP type %u channel %u "
              "section 0x%x, flags 0x%x",
              RECV_BUF_ID, le16(x), le32(x + 4), le32(m), chan, le32(m + 8), d->flags);
    if (!st.slot_size || at % st.slot_size || at / st.slot_size >= st.slots ||
        count > st.slot_size || count < RNDIS_HDR)
        fatal("expected a slot of the receive buffer (%u of %u bytes) got %u bytes at offset %u",
              st.slots, st.slot_size, count, at);
    if (chan == NVSP_CHANNEL_DATA) {
        rx_frame(recv_buf + at, count);
        if (!st.hold_frames) {
            complete_slot(d->trans_id);
        } else {
            if (st.held_frames == sizeof(st.held_frame_tid) / sizeof(st.held_frame_tid[0]))
                fatal("expected at most %u frames held got more", st.held_frames);
            st.held_frame_tid[st.held_frames++] = d->trans_id;
        }
        return false;
    }
    ev.type = VMBUS_PKT_XFER_PAGES;
    ev.tid = d->trans_id;
    ev.len = count;
    ev.offset = at;
    copy_bytes(ev.data, recv_buf + at, min32(count, sizeof(ev.data)));
    if (!st.hold) {
        complete_slot(d->trans_id);
    } else {
        if (st.held == sizeof(st.held_tid) / sizeof(st.held_tid[0]))
            fatal("expected at most %u control messages held got more", st.held);
        st.held_tid[st.held] = d->trans_id;
        st.held_off[st.held++] = at;
    }
    return true;
}

/* The next completion or control message into ev: true; false if the ring
 * has none now (frames are taken on the way). */
static bool try_event(void)
{
    for (;;) {
        struct vmbus_desc d;
        uint32_t len, off;
        bool got;

        need(vmbus_chan_read(&st.ch, in_pkt, sizeof(in_pkt), &len, &got));
        if (!got)
            return false;
        copy_bytes(&d, in_pkt, sizeof(d));
        off = d.offset8 * 8u;
        if (d.type == VMBUS_PKT_COMP) {
            ev.type = VMBUS_PKT_COMP;
            ev.tid = d.trans_id;
            ev.len = len - off;
            ev.offset = 0;
            fill_bytes(ev.data, 0, sizeof(ev.data));
            copy_bytes(ev.data, (uint8_t *)in_pkt + off, min32(ev.len, sizeof(ev.data)));
            return true;
        }
        if (d.type != VMBUS_PKT_XFER_PAGES)
            fatal("expected a completion or a transfer-page packet got a packet of type %u",
                  d.type);
        if (take_xfer(&d, len))
            return true;
    }
}

/* The next completion or control message, waiting for it. */
static void next_event(const char *waiting_for, uint64_t n)
{
    uint64_t deadline = vmbus_now() + TIMEOUT;

    for (unsigned spin = 0; !try_event(); spin++) {
        if ((spin & 255) == 255 && vmbus_now() > deadline)
            fatal("expected %s %lu got nothing in %u s", waiting_for, n, TIMEOUT_S);
        __asm__ volatile("pause");
    }
}

/* Frames only, for @ticks of the reference clock. */
static void take_frames(uint64_t ticks)
{
    uint64_t deadline = vmbus_now() + ticks;

    for (unsigned spin = 0; (spin & 255) != 255 || vmbus_now() < deadline; spin++) {
        if (try_event())
            fatal("expected nothing but frames got a %s (transaction %lu)",
                  ev.type == VMBUS_PKT_COMP ? "completion" : "control message", ev.tid);
        __asm__ volatile("pause");
    }
}

/* The next packet is the completion of @tid with NVSP message @type: its
 * status, or ~0 if it was not that (said). */
static uint32_t completion(uint64_t tid, uint32_t type)
{
    next_event("the completion of transaction", tid);
    if (ev.type != VMBUS_PKT_COMP)
        fatal("expected the completion of transaction %lu got an RNDIS message of type 0x%x "
              "(%u bytes)",
              tid, le32(ev.data), ev.len);
    if (ev.tid != tid)
        fatal("expected the completion of transaction %lu got one for %lu", tid, ev.tid);
    if (!expect("completion payload bytes", NVSP_MSG_SIZE, ev.len) ||
        !expect("completion NVSP type", type, le32(ev.data)))
        return ~0u;
    /* INIT_COMPLETE has the version and max_mdl_chain_len first. */
    return le32(ev.data + (type == NVSP_INIT_COMPLETE ? 12 : 4));
}

static void expect_completion(uint64_t tid, uint32_t type, uint32_t status)
{
    uint32_t got = completion(tid, type);

    if (got != ~0u)
        expect("NVSP status", status, got);
}

/* The completion of @tid is empty: the request's type has no reply of its
 * own. */
static void expect_empty(uint64_t tid)
{
    next_event("the completion of transaction", tid);
    if (ev.type != VMBUS_PKT_COMP)
        fatal("expected the completion of transaction %lu got an RNDIS message of type 0x%x", tid,
              le32(ev.data));
    if (ev.tid != tid)
        fatal("expected the completion of transaction %lu got one for %lu", tid, ev.tid);
    expect("completion payload bytes (an empty completion)", 0, ev.len);
}

/* The next packet is an RNDIS control message of @type for request @req
 * (RESET_C carries none): it, in ev.data. */
static const uint8_t *expect_rndis(uint32_t type, uint32_t req)
{
    next_event("an RNDIS response for request", req);
    if (ev.type != VMBUS_PKT_XFER_PAGES)
        fatal("expected RNDIS message 0x%x for request %u got the completion of transaction "
              "%lu (NVSP type %u status %u)",
              type, req, ev.tid, le32(ev.data), le32(ev.data + 4));
    if (le32(ev.data) != type)
        fatal("expected RNDIS message 0x%x got 0x%x", type, le32(ev.data));
    expect("RNDIS msg_len (the slot's byte count)", ev.len, le32(ev.data + 4));
    if (type != (RNDIS_RESET | RNDIS_DONE) && le32(ev.data + 8) != req)
        fatal("expected the response to request %u got one to %u", req, le32(ev.data + 8));
    return ev.data;
}

/* A response that carries a status after its request id (SET_C,
 * KEEPALIVE_C): that status must be @status and the message 16 bytes. */
static void expect_status_msg(uint32_t type, uint32_t req, uint32_t status)
{
    const uint8_t *p = expect_rndis(type, req);

    expect("msg_len", 16, ev.len);
    expect("RNDIS status", status, le32(p + 12));
}

/* ---- NVSP and RNDIS requests --------------------------------------------------------- */

/* An NVSP message of @type, words @a, @b, @c after it, the rest zero. */
static void nvsp(uint32_t type, uint32_t a, uint32_t b, uint32_t c)
{
    fill_bytes(nv, 0, sizeof(nv));
    nv[0] = type;
    nv[1] = a;
    nv[2] = b;
    nv[3] = c;
}

/* The first @len bytes of it, in-band, completion asked: the tid. */
static uint64_t send_nv(uint32_t len)
{
    return send_inband(VMBUS_PKT_INBAND, VMBUS_PKT_FLAG_COMPLETION, nv, len);
}

static uint8_t *section(uint32_t i)
{
    return send_buf + i * st.section_size;
}

/* SEND_RNDIS_PKT naming section @sec, @size bytes of it used. */
static uint64_t send_section(uint32_t chan, uint32_t sec, uint32_t size)
{
    nvsp(NVSP_RNDIS_PKT, chan, sec, size);
    return send_nv(NVSP_MSG_SIZE);
}

/* The RNDIS messages in rmsg (@len bytes) through section 0. */
static uint64_t via_section(uint32_t chan, uint32_t len)
{
    copy_bytes(section(0), rmsg, len);
    return send_section(chan, 0, len);
}

/* @len bytes from @src into the pages of gpa_order, from byte @off of the
 * first; area gets the one range: the words it takes. */
static unsigned scatter(const uint8_t *src, uint32_t len, uint32_t off)
{
    uint32_t n = (off + len + 4095) / 4096;

    if (off >= 4096 || n > GPA_PAGES)
        fatal("expected a range of at most %u pages got %u bytes at offset %u", GPA_PAGES, len,
              off);
    area[0] = len | (uint64_t)off << 32;
    for (uint32_t i = 0; i < n; i++)
        area[1 + i] = pfn(gpa_pages[gpa_order[i]]);
    for (uint32_t i = 0; i < len; i++)
        gpa_pages[gpa_order[(off + i) / 4096]][(off + i) % 4096] = src[i];
    return 1 + n;
}

/* The RNDIS messages in rmsg (@len bytes) in page ranges alone, from byte
 * @off of the first page. */
static uint64_t via_pages(uint32_t chan, uint32_t len, uint32_t off)
{
    unsigned words = scatter(rmsg, len, off);

    nvsp(NVSP_RNDIS_PKT, chan, NVSP_NO_SECTION, 0);
    return send_gpa(1, words, nv, NVSP_MSG_SIZE);
}

/* An RNDIS header at @p. */
static void rndis_hdr(uint8_t *p, uint32_t type, uint32_t len)
{
    put32(p, type);
    put32(p + 4, len);
}

/* KEEPALIVE @req at @p, @len bytes (12, or more with padding). */
static uint32_t r_keepalive(uint8_t *p, uint32_t req, uint32_t len)
{
    fill_bytes(p, 0, len);
    rndis_hdr(p, RNDIS_KEEPALIVE, len);
    put32(p + 8, req);
    return len;
}

/* A QUERY or SET (@type) of @oid with @n bytes of information, as Linux
 * lays it out: right after the fixed part. */
static uint32_t r_oid(uint8_t *p, uint32_t type, uint32_t req, uint32_t oid, const void *in,
                      uint32_t n)
{
    uint32_t len = RNDIS_HDR + OID_FIXED + n;

    fill_bytes(p, 0, len);
    rndis_hdr(p, type, len);
    put32(p + 8, req);
    put32(p + 12, oid);
    put32(p + 16, n);
    put32(p + 20, OID_FIXED);
    copy_bytes(p + RNDIS_HDR + OID_FIXED, in, n);
    return len;
}

/* An Ethernet frame of @len bytes at @f that nobody answers: broadcast,
 * from us, of the local experimental type. */
static void test_frame(uint8_t *f, uint32_t len)
{
    for (uint32_t i = 0; i < len; i++)
        f[i] = (uint8_t)(i * 7 + 3);
    if (len < ETH_HLEN)
        return;
    fill_bytes(f, 0xFF, 6);
    copy_bytes(f + 6, st.mac, 6);
    f[12] = ETH_P_TEST >> 8;
    f[13] = ETH_P_TEST & 0xFF;
}

/* An ARP request for peer= from ip= with @last as its last byte. */
static uint32_t arp_frame(uint8_t *f, uint8_t last)
{
    static const uint8_t head[8] = {0, 1, 0x08, 0x00, 6, 4, 0, 1}; /* Ethernet, IPv4, request */

    fill_bytes(f, 0, 60);
    fill_bytes(f, 0xFF, 6);
    copy_bytes(f + 6, st.mac, 6);
    f[12] = ETH_P_ARP >> 8;
    f[13] = ETH_P_ARP & 0xFF;
    copy_bytes(f + 14, head, 8);
    copy_bytes(f + 22, st.mac, 6);
    copy_bytes(f + 28, st.ip, 3);
    f[31] = last;
    copy_bytes(f + 38, st.peer, 4);
    return 60;
}

/* A data message at @p in Linux's layout (fixed part, @ppi_len bytes of
 * per-packet info from @ppi, then the frame): a test frame of @flen bytes,
 * or the ARP request for @arp_last if @arp.  Its length. */
static uint32_t r_packet(uint8_t *p, uint32_t flen, const void *ppi, uint32_t ppi_len, bool arp,
                         uint8_t arp_last)
{
    uint32_t len;

    if (arp)
        flen = 60;
    len = PKT_HEAD + ppi_len + flen;
    fill_bytes(p, 0, PKT_HEAD);
    rndis_hdr(p, RNDIS_PACKET, len);
    put32(p + PKT_DATA_OFFSET, PKT_FIXED + ppi_len);
    put32(p + PKT_DATA_LEN, flen);
    if (ppi_len) {
        put32(p + PKT_PPI_OFFSET, PKT_FIXED);
        put32(p + PKT_PPI_LEN, ppi_len);
        copy_bytes(p + PKT_HEAD, ppi, ppi_len);
    }
    if (arp)
        arp_frame(p + PKT_HEAD + ppi_len, arp_last);
    else
        test_frame(p + PKT_HEAD + ppi_len, flen);
    return len;
}

/* A per-packet info at @p: @size bytes, of @type, its value (@value) at
 * byte @value_offset. */
static uint32_t ppi(uint8_t *p, uint32_t size, uint32_t type, uint32_t value_offset, uint32_t value)
{
    fill_bytes(p, 0, size);
    put32(p, size);
    put32(p + 4, type);
    put32(p + 8, value_offset);
    if (size >= 4 && value_offset <= size - 4)
        put32(p + value_offset, value);
    return size;
}

/* The RNDIS data message in rmsg (@len bytes) through section 0 (page
 * ranges if it does not fit): the completion must say @status.  A frame
 * netvsp takes goes to the switch and is counted. */
static void send_data(uint32_t len, uint32_t status)
{
    uint64_t tid = len <= st.section_size ? via_section(NVSP_CHANNEL_DATA, len)
                                          : via_pages(NVSP_CHANNEL_DATA, len, 0);
    uint32_t got = completion(tid, NVSP_RNDIS_PKT_COMPLETE);

    if (got != ~0u)
        expect("NVSP status", status, got);
    if (got == NVSP_SUCCESS)
        st.frames_sent++;
}

/* KEEPALIVE through section 0, or page ranges (@pages): answered. */
static void keepalive(bool pages)
{
    uint32_t req = ++st.req, n = r_keepalive(rmsg, req, 12);
    uint64_t tid =
        pages ? via_pages(NVSP_CHANNEL_CONTROL, n, 0) : via_section(NVSP_CHANNEL_CONTROL, n);

    expect_status_msg(RNDIS_KEEPALIVE | RNDIS_DONE, req, RNDIS_OK);
    expect_completion(tid, NVSP_RNDIS_PKT_COMPLETE, NVSP_SUCCESS);
}

static void alive(const char *after)
{
    check("KEEPALIVE after %s: answered", after);
    keepalive(false);
}

/* A KEEPALIVE through section 0 that netvsp cannot answer: only its
 * completion comes, with @status. */
static void keepalive_unanswered(uint32_t status)
{
    uint32_t n = r_keepalive(rmsg, ++st.req, 12);

    expect_completion(via_section(NVSP_CHANNEL_CONTROL, n), NVSP_RNDIS_PKT_COMPLETE, status);
}

/* The QUERY_C for @req (next): its status; a success's information in
 * info (its length returned in *n), a failure's checked to carry none. */
static uint32_t query_reply(uint32_t req, uint32_t *n)
{
    const uint8_t *p = expect_rndis(RNDIS_QUERY | RNDIS_DONE, req);
    uint32_t status = le32(p + 12), ilen = le32(p + 16), ioff = le32(p + 20);

    *n = 0;
    if (status != RNDIS_OK) {
        /* Linux reads the buffer whatever the status: a failure has none. */
        expect("info_len of a failed QUERY_C", 0, ilen);
        expect("info_offset of a failed QUERY_C", 0, ioff);
        expect("msg_len of a failed QUERY_C", QUERY_C_HEAD, ev.len);
        return status;
    }
    expect("QUERY_C info_offset", 16, ioff);
    if (ev.len < QUERY_C_HEAD || ilen != ev.len - QUERY_C_HEAD || ilen > sizeof(info))
        bad("expected info_len msg_len - %u got %u in a QUERY_C of %u bytes", QUERY_C_HEAD, ilen,
            ev.len);
    else
        *n = ilen;
    copy_bytes(info, p + QUERY_C_HEAD, *n);
    return status;
}

/* QUERY @oid (no input) through section 0: the QUERY_C's status. */
static uint32_t query(uint32_t oid, uint32_t *n)
{
    uint32_t req = ++st.req, status;
    uint64_t tid = via_section(NVSP_CHANNEL_CONTROL, r_oid(rmsg, RNDIS_QUERY, req, oid, NULL, 0));

    status = query_reply(req, n);
    expect_completion(tid, NVSP_RNDIS_PKT_COMPLETE, NVSP_SUCCESS);
    return status;
}

/* SET @oid to the @n bytes at @v through section 0: the SET_C must say
 * @status (and the completion success). */
static void set_oid(uint32_t oid, const void *v, uint32_t n, uint32_t status)
{
    uint32_t req = ++st.req;
    uint64_t tid = via_section(NVSP_CHANNEL_CONTROL, r_oid(rmsg, RNDIS_SET, req, oid, v, n));

    expect_status_msg(RNDIS_SET | RNDIS_DONE, req, status);
    expect_completion(tid, NVSP_RNDIS_PKT_COMPLETE, NVSP_SUCCESS);
}

/* The packet filter reads back as @want. */
static void expect_filter(uint32_t want)
{
    uint32_t n;

    if (expect("QUERY_C status", RNDIS_OK, query(OID_GEN_CURRENT_PACKET_FILTER, &n)) &&
        expect("info_len", 4, n))
        expect("packet filter", want, le32(info));
}

/* A request netvsp drops without a word: the next one is answered first.
 * Before the receive buffer the proof is an NVSP request. */
static void expect_dropped_nvsp(void)
{
    nvsp(NVSP_SWITCH_DATA_PATH, 0, 0, 0);
    expect_empty(send_nv(NVSP_MSG_SIZE));
}

/* ---- NVSP ------------------------------------------------------------------------------ */

/* INIT for [@min, @max]: INIT_COMPLETE with @status and @version. */
static void init_nvsp(uint32_t min, uint32_t max, uint32_t status, uint32_t version)
{
    uint32_t got;

    nvsp(NVSP_INIT, min, max, 0);
    got = completion(send_nv(NVSP_MSG_SIZE), NVSP_INIT_COMPLETE);
    if (got != ~0u && expect("NVSP status", status, got))
        expect("negotiated version", version, le32(ev.data + 4));
}

static void nvsp_checks(void)
{
    uint32_t c[2] = {NVSP_RNDIS_PKT_COMPLETE, NVSP_SUCCESS};

    check("an NVSP message of 0 bytes: an empty completion");
    expect_empty(send_inband(VMBUS_PKT_INBAND, VMBUS_PKT_FLAG_COMPLETION, NULL, 0));
    check("SEND_RECV_BUF before INIT");
    nvsp(NVSP_SEND_RECV_BUF, RECV_GPADL, RECV_BUF_ID, 0);
    expect_completion(send_nv(NVSP_MSG_SIZE), NVSP_RECV_BUF_COMPLETE, NVSP_FAIL);
    check("SEND_SEND_BUF before INIT");
    nvsp(NVSP_SEND_SEND_BUF, SEND_GPADL, SEND_BUF_ID, 0);
    expect_completion(send_nv(NVSP_MSG_SIZE), NVSP_SEND_BUF_COMPLETE, NVSP_FAIL);
    check("SEND_RNDIS_PKT before INIT");
    expect_completion(send_section(NVSP_CHANNEL_CONTROL, 0, 12), NVSP_RNDIS_PKT_COMPLETE,
                      NVSP_FAIL);
    check("SUBCHANNEL before INIT");
    nvsp(NVSP_SUBCHANNEL, NVSP_SUBCHANNEL_ALLOCATE, 1, 0);
    expect_completion(send_nv(NVSP_MSG_SIZE), NVSP_SUBCHANNEL, NVSP_FAIL);

    /* Refused versions leave the channel waiting for a good one. */
    check("INIT of 8 bytes (no max_version)");
    nvsp(NVSP_INIT, NVSP_V61, NVSP_V61, 0);
    expect_completion(send_nv(8), NVSP_INIT_COMPLETE, NVSP_FAIL);
    check("INIT for version 7.0 (unknown)");
    init_nvsp(0x00070000, 0x00070000, NVSP_FAIL, 0);
    check("INIT for version 3.0 (between NVSP 2 and 4)");
    init_nvsp(0x00030000, 0x00030000, NVSP_FAIL, 0);
    check("INIT with min_version 6.1 above max_version 1");
    init_nvsp(NVSP_V61, NVSP_V1, NVSP_FAIL, 0);
    check("INIT for version 0");
    init_nvsp(0, 0, NVSP_FAIL, 0);
    check("INIT for version 0xFFFFFFFF");
    init_nvsp(0xFFFFFFFF, 0xFFFFFFFF, NVSP_FAIL, 0);

    check("NVSP type 0x55 (unknown): an empty completion");
    nvsp(0x55, 0, 0, 0);
    expect_empty(send_nv(NVSP_MSG_SIZE));
    check("NVSP type 0xFFFFFFFF: an empty completion");
    nvsp(0xFFFFFFFF, 0, 0, 0);
    expect_empty(send_nv(NVSP_MSG_SIZE));
    check("NVSP type RECV_BUF_COMPLETE (the host's): an empty completion");
    nvsp(NVSP_RECV_BUF_COMPLETE, NVSP_SUCCESS, 1, 0);
    expect_empty(send_nv(NVSP_MSG_SIZE));
    check("NVSP type 0x55 without the completion flag: no answer");
    nvsp(0x55, 0, 0, 0);
    send_inband(VMBUS_PKT_INBAND, 0, nv, NVSP_MSG_SIZE);
    expect_dropped_nvsp();
    check("packet type 7 (transfer pages) with an INIT: dropped");
    nvsp(NVSP_INIT, NVSP_V61, NVSP_V61, 0);
    send_inband(VMBUS_PKT_XFER_PAGES, VMBUS_PKT_FLAG_COMPLETION, nv, NVSP_MSG_SIZE);
    expect_dropped_nvsp();
    check("packet type 0x1234 with an INIT: dropped");
    send_inband(0x1234, VMBUS_PKT_FLAG_COMPLETION, nv, NVSP_MSG_SIZE);
    expect_dropped_nvsp();
    check("a completion from the guest for a slot it never got: dropped");
    ring_send(comp_pkt, vmbus_build_inband(comp_pkt, VMBUS_PKT_COMP, 0, 0x1000001, c, 8));
    expect_dropped_nvsp();

    /* Linux 6.1 offers one version at a time, newest first. */
    check("INIT for version 6.1");
    init_nvsp(NVSP_V61, NVSP_V61, NVSP_SUCCESS, NVSP_V61);
    check("INIT again on the open channel");
    init_nvsp(NVSP_V61, NVSP_V61, NVSP_FAIL, 0);
    check("INIT for version 1 after 6.1 was agreed");
    init_nvsp(NVSP_V1, NVSP_V1, NVSP_FAIL, 0);

    /* Informative: taken, long or short, with an empty completion. */
    check("SEND_NDIS_VERSION 6.30");
    nvsp(NVSP_NDIS_VERSION, 6, 30, 0);
    expect_empty(send_nv(NVSP_MSG_SIZE));
    check("SEND_NDIS_VERSION of 8 bytes");
    expect_empty(send_nv(8));
    check("SEND_NDIS_CONFIG, MTU 1514");
    nvsp(NVSP_NDIS_CONFIG, 1500 + ETH_HLEN, 0, 0);
    expect_empty(send_nv(NVSP_MSG_SIZE));
    check("SEND_NDIS_CONFIG of 8 bytes");
    expect_empty(send_nv(8));
    check("SUBCHANNEL allocate: success with no subchannels");
    nvsp(NVSP_SUBCHANNEL, NVSP_SUBCHANNEL_ALLOCATE, 4, 0);
    expect_completion(send_nv(NVSP_MSG_SIZE), NVSP_SUBCHANNEL, NVSP_SUCCESS);
    expect("subchannels", 0, le32(ev.data + 8));
    check("SUBCHANNEL operation 7 (none)");
    nvsp(NVSP_SUBCHANNEL, 7, 4, 0);
    expect_completion(send_nv(NVSP_MSG_SIZE), NVSP_SUBCHANNEL, NVSP_FAIL);
    check("SUBCHANNEL of 8 bytes");
    nvsp(NVSP_SUBCHANNEL, NVSP_SUBCHANNEL_ALLOCATE, 4, 0);
    expect_completion(send_nv(8), NVSP_SUBCHANNEL, NVSP_FAIL);
    check("SWITCH_DATA_PATH: an empty completion");
    expect_dropped_nvsp();
}

/* ---- buffers --------------------------------------------------------------------------- */

/* SEND_RECV_BUF of @gpadl: the completion's status, the layout checked on
 * success and taken. */
static void recv_buf_msg(uint32_t id, uint32_t len, uint32_t status)
{
    uint32_t size, count, got;

    nvsp(NVSP_SEND_RECV_BUF, id, RECV_BUF_ID, 0);
    got = completion(send_nv(len), NVSP_RECV_BUF_COMPLETE);
    if (got == ~0u || !expect("NVSP status", status, got) || status != NVSP_SUCCESS)
        return;
    size = le32(ev.data + 16);
    count = le32(ev.data + 20);
    expect("num_sections", 1, le32(ev.data + 8));
    expect("section offset", 0, le32(ev.data + 12));
    /* One slot holds the largest frame with its RNDIS header, in 64-byte
     * steps; as many as fit, at least the 8 netvsp needs. */
    if (size % 64 || size < PKT_HEAD + 1500 + ETH_HLEN || size > RECV_BYTES / 8)
        fatal("expected sub_alloc_size a multiple of 64 from %u to %u got %u",
              PKT_HEAD + 1500 + ETH_HLEN, RECV_BYTES / 8, size);
    expect("num_sub_allocs", RECV_BYTES / size, count);
    expect("end_offset", (uint64_t)size * count, le32(ev.data + 24));
    st.slot_size = size;
    st.slots = min32(count, RECV_BYTES / size);
}

static void send_buf_msg(uint32_t id, uint32_t len, uint32_t status)
{
    uint32_t got;

    nvsp(NVSP_SEND_SEND_BUF, id, SEND_BUF_ID, 0);
    got = completion(send_nv(len), NVSP_SEND_BUF_COMPLETE);
    if (got == ~0u || !expect("NVSP status", status, got) || status != NVSP_SUCCESS)
        return;
    expect("section_size", SECTION_SIZE, le32(ev.data + 8));
    st.section_size = le32(ev.data + 8);
    if (st.section_size < 4096 || st.section_size > SEND_BYTES)
        fatal("expected a section size from 4096 to %u got %u", SEND_BYTES, st.section_size);
    st.sections = SEND_BYTES / st.section_size;
}

static void buffer_checks(void)
{
    static uint64_t one;

    one = pfn(small_page);
    check("GPADLs: the receive buffer, the send buffer, one page, one for relid %u",
          st.other_relid);
    make_gpadl(st.ch.relid, RECV_GPADL, recv_buf, RECV_PAGES);
    make_gpadl(st.ch.relid, SEND_GPADL, send_buf, SEND_PAGES);
    expect("GPADL_CREATED status", 0, gpadl(st.ch.relid, SMALL_GPADL, &one, 1));
    if (st.other_relid)
        expect("GPADL_CREATED status", 0, gpadl(st.other_relid, OTHER_GPADL, &one, 1));
    partial_gpadl(false);

    check("SEND_RECV_BUF of 8 bytes (no id)");
    recv_buf_msg(RECV_GPADL, 8, NVSP_FAIL);
    check("SEND_RECV_BUF of GPADL 0xDEAD (none)");
    recv_buf_msg(0xDEAD, NVSP_MSG_SIZE, NVSP_FAIL);
    check("SEND_RECV_BUF of a GPADL still waiting for its GPADL_BODY");
    recv_buf_msg(PART_GPADL, NVSP_MSG_SIZE, NVSP_FAIL);
    if (st.other_relid) {
        check("SEND_RECV_BUF of a GPADL made for relid %u (another channel)", st.other_relid);
        recv_buf_msg(OTHER_GPADL, NVSP_MSG_SIZE, NVSP_FAIL);
    }
    check("SEND_RECV_BUF of one page (fewer than 8 slots)");
    recv_buf_msg(SMALL_GPADL, NVSP_MSG_SIZE, NVSP_FAIL);
    check("SEND_RECV_BUF of %u pages", RECV_PAGES);
    recv_buf_msg(RECV_GPADL, NVSP_MSG_SIZE, NVSP_SUCCESS);
    if (!st.slot_size)
        fatal("expected a receive buffer got none");
    check("SEND_RECV_BUF again");
    recv_buf_msg(RECV_GPADL, NVSP_MSG_SIZE, NVSP_FAIL);

    check("SEND_SEND_BUF of 8 bytes (no id)");
    send_buf_msg(SEND_GPADL, 8, NVSP_FAIL);
    check("SEND_SEND_BUF of GPADL 0xDEAD (none)");
    send_buf_msg(0xDEAD, NVSP_MSG_SIZE, NVSP_FAIL);
    check("SEND_SEND_BUF of a GPADL still waiting for its GPADL_BODY");
    send_buf_msg(PART_GPADL, NVSP_MSG_SIZE, NVSP_FAIL);
    if (st.other_relid) {
        check("SEND_SEND_BUF of a GPADL made for relid %u (another channel)", st.other_relid);
        send_buf_msg(OTHER_GPADL, NVSP_MSG_SIZE, NVSP_FAIL);
    }
    check("SEND_SEND_BUF of one page (less than a section)");
    send_buf_msg(SMALL_GPADL, NVSP_MSG_SIZE, NVSP_FAIL);
    check("SEND_SEND_BUF of %u pages", SEND_PAGES);
    send_buf_msg(SEND_GPADL, NVSP_MSG_SIZE, NVSP_SUCCESS);
    if (!st.section_size)
        fatal("expected a send buffer got none");
    check("SEND_SEND_BUF again");
    send_buf_msg(SEND_GPADL, NVSP_MSG_SIZE, NVSP_FAIL);

    /* Complete now, still not this channel's buffer, then gone. */
    check("the held-back GPADL_BODY, then GPADL_TEARDOWN of it");
    partial_gpadl(true);
    need(vmbus_gpadl_teardown(st.ch.relid, PART_GPADL));
}

/* ---- RNDIS, well-formed ---------------------------------------------------------------- */

/* How frame_by sends its frame. */
enum frame_path {
    BY_SECTION,      /* section 0 */
    BY_PAGES_SPLIT,  /* page ranges, the RNDIS header across a page boundary (4 + 4 bytes) */
    BY_SECTION_SPLIT /* the header's first 4 bytes in section 1, the rest in page ranges */
};

/* One frame through @path: the ARP request for @last if ip= and peer= were
 * given, else a test frame.  Whether netvsp took it. */
static bool frame_by(enum frame_path path, uint8_t last)
{
    uint32_t n = r_packet(rmsg, 60, NULL, 0, st.arp, last), got;
    uint64_t tid;

    if (path == BY_SECTION) {
        tid = via_section(NVSP_CHANNEL_DATA, n);
    } else if (path == BY_PAGES_SPLIT) {
        tid = via_pages(NVSP_CHANNEL_DATA, n, 4092);
    } else {
        unsigned words;

        copy_bytes(section(1), rmsg, 4);
        words = scatter(rmsg + 4, n - 4, 0);
        nvsp(NVSP_RNDIS_PKT, NVSP_CHANNEL_DATA, 1, 4);
        tid = send_gpa(1, words, nv, NVSP_MSG_SIZE);
    }
    got = completion(tid, NVSP_RNDIS_PKT_COMPLETE);
    if (got != ~0u)
        expect("NVSP status", NVSP_SUCCESS, got);
    if (got != NVSP_SUCCESS)
        return false;
    st.frames_sent++;
    return true;
}

/* frame_by, and with ARP on, again until the parent answers: the bytes
 * went through netvsp to the switch intact. */
static void frame_round_trip(enum frame_path path, uint8_t last)
{
    for (unsigned try = 0; try < ARP_TRIES; try++) {
        if (!frame_by(path, last) || !st.arp)
            return;
        take_frames(3 * REF_1S);
        if (st.arp_seen[last])
            return;
    }
    bad("expected an ARP reply from %u.%u.%u.%u to %u.%u.%u.%u got none to %u requests", st.peer[0],
        st.peer[1], st.peer[2], st.peer[3], st.ip[0], st.ip[1], st.ip[2], last, ARP_TRIES);
}

/* What frame_round_trip shows, for a check's name. */
static const char *arp_note(void)
{
    return st.arp ? ": the parent answers its ARP request" : "";
}

/* RESET of @len bytes (8: no reserved word): RESET_C, success. */
static void reset(uint32_t len)
{
    const uint8_t *p;
    uint64_t tid;

    fill_bytes(rmsg, 0, len);
    rndis_hdr(rmsg, RNDIS_RESET, len);
    tid = via_section(NVSP_CHANNEL_CONTROL, len);
    p = expect_rndis(RNDIS_RESET | RNDIS_DONE, 0);
    expect("RESET_C msg_len", 16, ev.len);
    expect("RESET_C status", RNDIS_OK, le32(p + 8));
    expect("RESET_C addressing_reset", 0, le32(p + 12));
    expect_completion(tid, NVSP_RNDIS_PKT_COMPLETE, NVSP_SUCCESS);
}

/* INIT (@req) and its INIT_C, with netvsp's values. */
static void rndis_init(void)
{
    uint32_t req = ++st.req;
    uint64_t tid;
    const uint8_t *p;

    fill_bytes(rmsg, 0, 24);
    rndis_hdr(rmsg, RNDIS_INIT, 24);
    put32(rmsg + 8, req);
    put32(rmsg + 12, 1);      /* major */
    put32(rmsg + 16, 0);      /* minor */
    put32(rmsg + 20, 0x4000); /* max transfer size */
    tid = via_section(NVSP_CHANNEL_CONTROL, 24);
    p = expect_rndis(RNDIS_INIT | RNDIS_DONE, req);
    expect("INIT_C msg_len", 52, ev.len);
    expect("INIT_C status", RNDIS_OK, le32(p + 12));
    expect("INIT_C major", 1, le32(p + 16));
    expect("INIT_C minor", 0, le32(p + 20));
    expect("INIT_C device flags (connectionless)", 1, le32(p + 24));
    expect("INIT_C medium (802.3)", 0, le32(p + 28));
    expect("INIT_C max packets per message", 8, le32(p + 32));
    expect("INIT_C max transfer size", 16384, le32(p + 36));
    expect("INIT_C packet alignment factor", 3, le32(p + 40));
    expect_completion(tid, NVSP_RNDIS_PKT_COMPLETE, NVSP_SUCCESS);
}

static void rndis_good_checks(void)
{
    uint32_t n, req, filter = FILTER;
    uint64_t tid;

    check("RNDIS data before RNDIS INIT");
    n = r_packet(rmsg, 60, NULL, 0, false, 0);
    send_data(n, NVSP_FAIL);
    check("QUERY before RNDIS INIT: FAILURE");
    expect("QUERY_C status", RNDIS_FAILURE, query(OID_802_3_PERMANENT_ADDRESS, &n));
    check("RNDIS INIT of 16 bytes (no version)");
    req = ++st.req;
    fill_bytes(rmsg, 0, 16);
    rndis_hdr(rmsg, RNDIS_INIT, 16);
    put32(rmsg + 8, req);
    tid = via_section(NVSP_CHANNEL_CONTROL, 16);
    expect("INIT_C status", RNDIS_INVALID_LENGTH,
           le32(expect_rndis(RNDIS_INIT | RNDIS_DONE, req) + 12));
    expect_completion(tid, NVSP_RNDIS_PKT_COMPLETE, NVSP_INVALID_RNDIS);

    check("RNDIS INIT");
    rndis_init();

    check("QUERY 802_3_PERMANENT_ADDRESS");
    if (expect("QUERY_C status", RNDIS_OK, query(OID_802_3_PERMANENT_ADDRESS, &n)) &&
        expect("info_len", 6, n)) {
        copy_bytes(st.mac, info, 6);
        if (st.want_mac && !same_bytes(st.mac, st.given_mac, 6))
            bad("expected address %02x:%02x:%02x:%02x:%02x:%02x (mac=) got "
                "%02x:%02x:%02x:%02x:%02x:%02x",
                st.given_mac[0], st.given_mac[1], st.given_mac[2], st.given_mac[3], st.given_mac[4],
                st.given_mac[5], st.mac[0], st.mac[1], st.mac[2], st.mac[3], st.mac[4], st.mac[5]);
        expect("the address's group bit", 0, st.mac[0] & 1);
    }
    check("QUERY GEN_MAXIMUM_FRAME_SIZE (the MTU)");
    st.mtu = 1500;
    if (expect("QUERY_C status", RNDIS_OK, query(OID_GEN_MAXIMUM_FRAME_SIZE, &n)) &&
        expect("info_len", 4, n)) {
        st.mtu = le32(info);
        if (st.mtu < 68 || st.mtu > 9000)
            fatal("expected an MTU from 68 to 9000 got %u", st.mtu);
    }
    check("QUERY TCP_OFFLOAD_HARDWARE_CAPABILITIES: revision 3, nothing offered");
    if (expect("QUERY_C status", RNDIS_OK, query(OID_TCP_OFFLOAD_HW_CAPS, &n)) &&
        expect("info_len", NDIS_OFFLOAD_SIZE_6_30, n)) {
        expect("object type", 0xA7, info[0]);
        expect("revision", NDIS_OFFLOAD_REV_6_30, info[1]);
        expect("size", NDIS_OFFLOAD_SIZE_6_30, le16(info + 2));
        for (uint32_t i = 4; i < n; i++)
            if (info[i]) {
                bad("expected no offload got byte %u = 0x%02x", i, info[i]);
                break;
            }
    }
    check("QUERY GEN_MEDIA_CONNECT_STATUS: connected");
    if (expect("QUERY_C status", RNDIS_OK, query(OID_GEN_MEDIA_CONNECT_STATUS, &n)) &&
        expect("info_len", 4, n))
        expect("media state", 0, le32(info));
    check("QUERY of OID 0x%x (none)", OID_NONE);
    expect("QUERY_C status", RNDIS_NOT_SUPPORTED, query(OID_NONE, &n));
    check("SET GEN_CURRENT_PACKET_FILTER to directed and broadcast");
    set_oid(OID_GEN_CURRENT_PACKET_FILTER, &filter, 4, RNDIS_OK);
    check("QUERY GEN_CURRENT_PACKET_FILTER");
    expect_filter(FILTER);
    check("SET of OID 0x%x (none)", OID_NONE);
    set_oid(OID_NONE, &filter, 4, RNDIS_NOT_SUPPORTED);
    check("KEEPALIVE");
    keepalive(false);
    check("KEEPALIVE through page ranges");
    keepalive(true);
    check("RESET");
    reset(12);

    check("a frame of 60 bytes through a section");
    send_data(r_packet(rmsg, 60, NULL, 0, false, 0), NVSP_SUCCESS);
    check("a frame of %u bytes (MTU and header) through page ranges", st.mtu + ETH_HLEN);
    n = r_packet(rmsg, st.mtu + ETH_HLEN, NULL, 0, false, 0);
    expect_completion(via_pages(NVSP_CHANNEL_DATA, n, 0), NVSP_RNDIS_PKT_COMPLETE, NVSP_SUCCESS);
    st.frames_sent++;
    check("a frame through section 0%s", arp_note());
    frame_round_trip(BY_SECTION, st.ip[3]);
}

/* ---- hostile: SEND_RNDIS_PKT and its sections ------------------------------------------ */

static void section_checks(void)
{
    uint32_t n = r_keepalive(rmsg, ++st.req, 12), req;

    /* A KEEPALIVE waits in section 0: only the NVSP message is wrong, and
     * an answer to it would mean netvsp read the section anyway. */
    copy_bytes(section(0), rmsg, n);
    check("SEND_RNDIS_PKT of 8 bytes (no section index)");
    nvsp(NVSP_RNDIS_PKT, NVSP_CHANNEL_CONTROL, 0, n);
    expect_completion(send_nv(8), NVSP_RNDIS_PKT_COMPLETE, NVSP_FAIL);
    check("SEND_RNDIS_PKT on channel type 2");
    expect_completion(send_section(2, 0, n), NVSP_RNDIS_PKT_COMPLETE, NVSP_INVALID_RNDIS);
    check("SEND_RNDIS_PKT on channel type 0xFFFFFFFF");
    expect_completion(send_section(0xFFFFFFFF, 0, n), NVSP_RNDIS_PKT_COMPLETE, NVSP_INVALID_RNDIS);
    check("section %u (one past the last)", st.sections);
    expect_completion(send_section(NVSP_CHANNEL_CONTROL, st.sections, n), NVSP_RNDIS_PKT_COMPLETE,
                      NVSP_INVALID_RNDIS);
    check("section 0x7FFFFFFF");
    expect_completion(send_section(NVSP_CHANNEL_CONTROL, 0x7FFFFFFF, n), NVSP_RNDIS_PKT_COMPLETE,
                      NVSP_INVALID_RNDIS);
    check("section 0xFFFFFFFE");
    expect_completion(send_section(NVSP_CHANNEL_CONTROL, 0xFFFFFFFE, n), NVSP_RNDIS_PKT_COMPLETE,
                      NVSP_INVALID_RNDIS);
    check("section 0 with section_size %u (more than a section)", st.section_size + 1);
    expect_completion(send_section(NVSP_CHANNEL_CONTROL, 0, st.section_size + 1),
                      NVSP_RNDIS_PKT_COMPLETE, NVSP_INVALID_RNDIS);
    check("section 0 with section_size 0xFFFFFFFF");
    expect_completion(send_section(NVSP_CHANNEL_CONTROL, 0, 0xFFFFFFFF), NVSP_RNDIS_PKT_COMPLETE,
                      NVSP_INVALID_RNDIS);
    check("section 0 with section_size 0 and no page ranges (no bytes at all)");
    expect_completion(send_section(NVSP_CHANNEL_CONTROL, 0, 0), NVSP_RNDIS_PKT_COMPLETE,
                      NVSP_INVALID_RNDIS);
    check("no section and no page ranges");
    expect_completion(send_section(NVSP_CHANNEL_CONTROL, NVSP_NO_SECTION, n),
                      NVSP_RNDIS_PKT_COMPLETE, NVSP_INVALID_RNDIS);
    check("section 0 with section_size 4 (less than an RNDIS header)");
    expect_completion(send_section(NVSP_CHANNEL_CONTROL, 0, 4), NVSP_RNDIS_PKT_COMPLETE,
                      NVSP_INVALID_RNDIS);

    check("a KEEPALIVE in section %u (the last)", st.sections - 1);
    req = ++st.req;
    copy_bytes(section(st.sections - 1), rmsg, r_keepalive(rmsg, req, 12));
    {
        uint64_t tid = send_section(NVSP_CHANNEL_CONTROL, st.sections - 1, 12);

        expect_status_msg(RNDIS_KEEPALIVE | RNDIS_DONE, req, RNDIS_OK);
        expect_completion(tid, NVSP_RNDIS_PKT_COMPLETE, NVSP_SUCCESS);
    }
    /* The next KEEPALIVE's answer must come right after this one's. */
    check("SEND_RNDIS_PKT without the completion flag: the KEEPALIVE_C, no completion");
    req = ++st.req;
    copy_bytes(section(0), rmsg, r_keepalive(rmsg, req, 12));
    nvsp(NVSP_RNDIS_PKT, NVSP_CHANNEL_CONTROL, 0, 12);
    send_inband(VMBUS_PKT_INBAND, 0, nv, NVSP_MSG_SIZE);
    expect_status_msg(RNDIS_KEEPALIVE | RNDIS_DONE, req, RNDIS_OK);
    alive("the bad sections");
}

/* ---- hostile: page ranges -------------------------------------------------------------- */

/* SEND_RNDIS_PKT with the first @words u64s of area as its page list
 * (@rangecount ranges, it says): refused as a bad packet. */
static void gpa_refused(uint32_t rangecount, unsigned words)
{
    nvsp(NVSP_RNDIS_PKT, NVSP_CHANNEL_CONTROL, NVSP_NO_SECTION, 0);
    expect_completion(send_gpa(rangecount, words, nv, NVSP_MSG_SIZE), NVSP_RNDIS_PKT_COMPLETE,
                      NVSP_INVALID_RNDIS);
}

/* A KEEPALIVE in one page, whose PFN is @bad. */
static void bad_pfn(const char *where, uint64_t bad_page)
{
    check("a KEEPALIVE in PFN 0x%lx (%s)", bad_page, where);
    scatter(rmsg, r_keepalive(rmsg, ++st.req, 12), 0);
    area[1] = bad_page;
    gpa_refused(1, 2);
}

static void gpa_checks(void)
{
    uint32_t n, ss = st.section_size;
    uint64_t tid;

    bad_pfn("the MMIO hole just below 4 GiB", 0xFFFFF);
    bad_pfn("the local APIC", 0xFEE00);
    bad_pfn("the first page above RAM", (st.ram_top + 4095) >> 12);
    bad_pfn("1 TiB", 1ULL << 28);
    bad_pfn("the highest 52-bit PFN", (1ULL << 52) - 1);
    bad_pfn("PFN * 4096 wraps 64 bits", 1ULL << 52);
    bad_pfn("all ones", ~0ULL);

    n = r_keepalive(rmsg, ++st.req, 12);
    check("a KEEPALIVE across 2 pages, the second in the MMIO hole");
    scatter(rmsg, n, 4090);
    area[2] = 0xFFFFF;
    gpa_refused(1, 3);
    scatter(rmsg, n, 0);
    check("range count 0");
    gpa_refused(0, 2);
    check("range count 2 with one range");
    gpa_refused(2, 2);
    check("range count 65");
    gpa_refused(65, 2);
    check("range count 0xFFFFFFFF");
    gpa_refused(0xFFFFFFFF, 2);
    check("a range at offset 4096 (past its first page)");
    area[0] = n | 4096ULL << 32;
    gpa_refused(1, 2);
    check("a range of 8192 bytes with one PFN");
    area[0] = 8192;
    gpa_refused(1, 2);
    check("a range of 0xFFFFFFFF bytes with one PFN");
    area[0] = 0xFFFFFFFF;
    gpa_refused(1, 2);
    check("a range header with no PFN after it");
    area[0] = n;
    gpa_refused(1, 1);
    check("5 ranges of 4096 bytes (20 KiB; netvsp takes 16)");
    for (unsigned i = 0; i < 5; i++) {
        area[2 * i] = 4096;
        area[2 * i + 1] = pfn(gpa_pages[i]);
    }
    gpa_refused(5, 10);
    check("a GPA-direct packet with no room for its range count");
    nvsp(NVSP_RNDIS_PKT, NVSP_CHANNEL_CONTROL, NVSP_NO_SECTION, 0);
    expect_completion(
        send_inband(VMBUS_PKT_GPA_DIRECT, VMBUS_PKT_FLAG_COMPLETION, nv, NVSP_MSG_SIZE),
        NVSP_RNDIS_PKT_COMPLETE, NVSP_INVALID_RNDIS);
    alive("the bad page ranges");

    /* Legal, if unusual: each must work. */
    check("a KEEPALIVE whose RNDIS header crosses a page boundary (2 + 6 bytes)");
    {
        uint32_t req = ++st.req;

        tid = via_pages(NVSP_CHANNEL_CONTROL, r_keepalive(rmsg, req, 12), 4094);
        expect_status_msg(RNDIS_KEEPALIVE | RNDIS_DONE, req, RNDIS_OK);
        expect_completion(tid, NVSP_RNDIS_PKT_COMPLETE, NVSP_SUCCESS);
    }
    check("a frame whose RNDIS header crosses a page boundary (4 + 4 bytes)%s", arp_note());
    frame_round_trip(BY_PAGES_SPLIT, (uint8_t)(st.ip[3] + 1));
    check("a frame whose RNDIS header starts in section 1 and ends in page ranges%s", arp_note());
    frame_round_trip(BY_SECTION_SPLIT, (uint8_t)(st.ip[3] + 2));
    check("a frame of %u bytes from byte 4000 of a page", st.mtu + ETH_HLEN);
    n = r_packet(rmsg, st.mtu + ETH_HLEN, NULL, 0, false, 0);
    expect_completion(via_pages(NVSP_CHANNEL_DATA, n, 4000), NVSP_RNDIS_PKT_COMPLETE, NVSP_SUCCESS);
    st.frames_sent++;

    /* Refused for its length alone: the bytes are all there. */
    check("an RNDIS message of 16392 bytes (over netvsp's 16 KiB) in section 1 and page ranges");
    {
        uint32_t len = 16392;
        unsigned words;

        fill_bytes(rmsg, 0, len);
        r_packet(rmsg, 60, NULL, 0, false, 0);
        rndis_hdr(rmsg, RNDIS_PACKET, len);
        copy_bytes(section(1), rmsg, ss);
        words = scatter(rmsg + ss, len - ss, 0);
        nvsp(NVSP_RNDIS_PKT, NVSP_CHANNEL_DATA, 1, ss);
        expect_completion(send_gpa(1, words, nv, NVSP_MSG_SIZE), NVSP_RNDIS_PKT_COMPLETE,
                          NVSP_INVALID_RNDIS);
    }
    alive("the page-range messages");
}

/* ---- hostile: RNDIS headers ------------------------------------------------------------ */

/* The @n bytes at rmsg through section 0: only a completion with @status. */
static void completion_only(uint32_t n, uint32_t status)
{
    expect_completion(via_section(NVSP_CHANNEL_CONTROL, n), NVSP_RNDIS_PKT_COMPLETE, status);
}

/* A KEEPALIVE whose msg_len is @len, 12 bytes in the section. */
static void keepalive_len(uint32_t len)
{
    r_keepalive(rmsg, ++st.req, 12);
    put32(rmsg + 4, len);
    completion_only(12, NVSP_INVALID_RNDIS);
}

static void header_checks(void)
{
    uint32_t r1, r2, r3, n, len;
    uint64_t tid;

    check("a KEEPALIVE with msg_len 0");
    keepalive_len(0);
    check("a KEEPALIVE with msg_len 4");
    keepalive_len(4);
    check("a KEEPALIVE with msg_len 64 in a section of 12 bytes");
    keepalive_len(64);
    check("a KEEPALIVE with msg_len 0xFFFFFFFF");
    keepalive_len(0xFFFFFFFF);

    check("a KEEPALIVE, a header with msg_len 4, a KEEPALIVE: the first answered, no more");
    r1 = ++st.req;
    r_keepalive(rmsg, r1, 16);
    r_keepalive(rmsg + 16, ++st.req, 16);
    put32(rmsg + 20, 4);
    r_keepalive(rmsg + 32, ++st.req, 16);
    tid = via_section(NVSP_CHANNEL_CONTROL, 48);
    expect_status_msg(RNDIS_KEEPALIVE | RNDIS_DONE, r1, RNDIS_OK);
    expect_completion(tid, NVSP_RNDIS_PKT_COMPLETE, NVSP_INVALID_RNDIS);

    check("a KEEPALIVE, a QUERY whose information lies past it, a KEEPALIVE: each answered");
    r1 = ++st.req;
    r2 = ++st.req;
    r3 = ++st.req;
    r_keepalive(rmsg, r1, 16);
    n = r_oid(rmsg + 16, RNDIS_QUERY, r2, OID_GEN_CURRENT_PACKET_FILTER, (uint32_t[1]){0}, 4);
    put32(rmsg + 16 + 20, 0x40); /* info_offset: the body has 24 bytes */
    r_keepalive(rmsg + 16 + n, r3, 16);
    tid = via_section(NVSP_CHANNEL_CONTROL, 32 + n);
    expect_status_msg(RNDIS_KEEPALIVE | RNDIS_DONE, r1, RNDIS_OK);
    expect("QUERY_C status", RNDIS_INVALID_DATA, query_reply(r2, &len));
    expect_status_msg(RNDIS_KEEPALIVE | RNDIS_DONE, r3, RNDIS_OK);
    expect_completion(tid, NVSP_RNDIS_PKT_COMPLETE, NVSP_INVALID_RNDIS);

    check("three KEEPALIVEs of 16 bytes in one packet (a batch)");
    r1 = st.req + 1;
    for (unsigned i = 0; i < 3; i++)
        r_keepalive(rmsg + 16 * i, ++st.req, 16);
    tid = via_section(NVSP_CHANNEL_CONTROL, 48);
    for (unsigned i = 0; i < 3; i++)
        expect_status_msg(RNDIS_KEEPALIVE | RNDIS_DONE, r1 + i, RNDIS_OK);
    expect_completion(tid, NVSP_RNDIS_PKT_COMPLETE, NVSP_SUCCESS);

    check("RNDIS message type 0x42 (none)");
    r_keepalive(rmsg, ++st.req, 12);
    put32(rmsg, 0x42);
    completion_only(12, NVSP_INVALID_RNDIS);
    check("INDICATE_STATUS from the guest");
    fill_bytes(rmsg, 0, 20);
    rndis_hdr(rmsg, RNDIS_INDICATE, 20);
    completion_only(20, NVSP_INVALID_RNDIS);
    check("KEEPALIVE_C from the guest");
    r_keepalive(rmsg, ++st.req, 16);
    put32(rmsg, RNDIS_KEEPALIVE | RNDIS_DONE);
    completion_only(16, NVSP_INVALID_RNDIS);
    check("a KEEPALIVE of 8 bytes (no request id)");
    rndis_hdr(rmsg, RNDIS_KEEPALIVE, 8);
    completion_only(8, NVSP_INVALID_RNDIS);
    check("a QUERY of 8 bytes (no request id)");
    rndis_hdr(rmsg, RNDIS_QUERY, 8);
    completion_only(8, NVSP_INVALID_RNDIS);
    check("a RESET of 8 bytes (a RESET has no request id)");
    reset(8);
    alive("the bad RNDIS headers");
}

/* ---- hostile: QUERY and SET ------------------------------------------------------------ */

/* The QUERY in rmsg (@n bytes, request @req): QUERY_C @status, completion
 * @nvsp_status. */
static void query_msg(uint32_t n, uint32_t req, uint32_t status, uint32_t nvsp_status)
{
    uint64_t tid = via_section(NVSP_CHANNEL_CONTROL, n);
    uint32_t len;

    expect("QUERY_C status", status, query_reply(req, &len));
    expect_completion(tid, NVSP_RNDIS_PKT_COMPLETE, nvsp_status);
}

static void set_msg(uint32_t n, uint32_t req, uint32_t status, uint32_t nvsp_status)
{
    uint64_t tid = via_section(NVSP_CHANNEL_CONTROL, n);

    expect_status_msg(RNDIS_SET | RNDIS_DONE, req, status);
    expect_completion(tid, NVSP_RNDIS_PKT_COMPLETE, nvsp_status);
}

/* A QUERY of the packet filter with 4 bytes of input, whose info_offset
 * and info_len are then @off and @len: INVALID_DATA, a bad packet. */
static void query_info(uint32_t off, uint32_t len)
{
    uint32_t req = ++st.req,
             n = r_oid(rmsg, RNDIS_QUERY, req, OID_GEN_CURRENT_PACKET_FILTER, (uint32_t[1]){0}, 4);

    put32(rmsg + 16, len);
    put32(rmsg + 20, off);
    query_msg(n, req, RNDIS_INVALID_DATA, NVSP_INVALID_RNDIS);
}

static void oid_checks(void)
{
    static const uint8_t mcast7[7] = {0x01, 0x00, 0x5E, 0x00, 0x00, 0x01, 0xFF};
    static const uint8_t unicast[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
    /* "NetworkAddress" would be at 0x1000: past the 20 bytes given. */
    static const uint32_t param[5] = {0x1000, 28, 2, 20, 0};
    uint8_t offload[28];
    uint32_t req, n, filter = FILTER;

    check("a QUERY of 16 bytes (request id and OID only): INVALID_LENGTH");
    req = ++st.req;
    r_oid(rmsg, RNDIS_QUERY, req, OID_GEN_CURRENT_PACKET_FILTER, NULL, 0);
    rndis_hdr(rmsg, RNDIS_QUERY, 16);
    query_msg(16, req, RNDIS_INVALID_LENGTH, NVSP_INVALID_RNDIS);
    check("a SET of 16 bytes: INVALID_LENGTH");
    req = ++st.req;
    r_oid(rmsg, RNDIS_SET, req, OID_GEN_CURRENT_PACKET_FILTER, &filter, 4);
    rndis_hdr(rmsg, RNDIS_SET, 16);
    set_msg(16, req, RNDIS_INVALID_LENGTH, NVSP_INVALID_RNDIS);

    check("a QUERY whose information starts at its end (info_offset 24, info_len 4)");
    query_info(24, 4);
    check("a QUERY whose information is at 0x1000");
    query_info(0x1000, 4);
    check("a QUERY with info_len 0xFFFFFFFF");
    query_info(OID_FIXED, 0xFFFFFFFF);
    check("a QUERY with info_offset 0xFFFFFFF0, info_len 0x20 (the sum wraps)");
    query_info(0xFFFFFFF0, 0x20);
    check("a QUERY whose information is inside its fixed part (info_offset 8)");
    query_info(8, 4);

    check("a SET of the packet filter whose value lies past it: INVALID_DATA, filter unchanged");
    req = ++st.req;
    n = r_oid(rmsg, RNDIS_SET, req, OID_GEN_CURRENT_PACKET_FILTER, (uint32_t[1]){0}, 4);
    put32(rmsg + 20, 0x100);
    set_msg(n, req, RNDIS_INVALID_DATA, NVSP_INVALID_RNDIS);
    expect_filter(FILTER);
    check("a SET of the packet filter with 2 bytes: INVALID_LENGTH, filter unchanged");
    set_oid(OID_GEN_CURRENT_PACKET_FILTER, (uint32_t[1]){0}, 2, RNDIS_INVALID_LENGTH);
    expect_filter(FILTER);
    check("a SET of a multicast list of 7 bytes: INVALID_LENGTH");
    set_oid(OID_802_3_MULTICAST_LIST, mcast7, 7, RNDIS_INVALID_LENGTH);
    check("a SET of a multicast list with an individual address: INVALID_DATA");
    set_oid(OID_802_3_MULTICAST_LIST, unicast, 6, RNDIS_INVALID_DATA);
    check("a SET of RNDIS_CONFIG_PARAMETER with 4 bytes: INVALID_LENGTH");
    set_oid(OID_GEN_RNDIS_CONFIG_PARAMETER, param, 4, RNDIS_INVALID_LENGTH);
    check("a SET of RNDIS_CONFIG_PARAMETER whose name lies past it: INVALID_DATA");
    set_oid(OID_GEN_RNDIS_CONFIG_PARAMETER, param, sizeof(param), RNDIS_INVALID_DATA);

    /* NDIS_OFFLOAD_PARAMETERS (Linux's 28 bytes): object header, then one
     * byte per offload, IPv4 checksum at 4. */
    fill_bytes(offload, 1, sizeof(offload)); /* every offload off */
    offload[0] = 0x80;                       /* NDIS_OBJECT_TYPE_DEFAULT */
    offload[1] = 2;
    offload[2] = sizeof(offload);
    offload[3] = 0;
    check("a SET of TCP_OFFLOAD_PARAMETERS turning every offload off");
    set_oid(OID_TCP_OFFLOAD_PARAMETERS, offload, sizeof(offload), RNDIS_OK);
    check("a SET of TCP_OFFLOAD_PARAMETERS asking for TCP/IPv4 transmit checksums");
    offload[5] = 2;
    set_oid(OID_TCP_OFFLOAD_PARAMETERS, offload, sizeof(offload), RNDIS_NOT_SUPPORTED);
    check("a SET of TCP_OFFLOAD_PARAMETERS with a checksum setting of 9");
    offload[5] = 9;
    set_oid(OID_TCP_OFFLOAD_PARAMETERS, offload, sizeof(offload), RNDIS_INVALID_DATA);
    check("a SET of TCP_OFFLOAD_PARAMETERS whose size says 200");
    offload[5] = 1;
    offload[2] = 200;
    set_oid(OID_TCP_OFFLOAD_PARAMETERS, offload, sizeof(offload), RNDIS_INVALID_DATA);
    alive("the bad QUERYs and SETs");
}

/* ---- hostile: data messages ------------------------------------------------------------ */

/* A 60-byte test frame in rmsg, then field @at set to @v: refused. */
static void packet_field(uint32_t at, uint32_t v)
{
    uint32_t n = r_packet(rmsg, 60, NULL, 0, false, 0);

    put32(rmsg + at, v);
    send_data(n, NVSP_INVALID_RNDIS);
}

/* A 60-byte test frame with the per-packet infos @p (@len bytes): @status. */
static void packet_ppi(const uint8_t *p, uint32_t len, uint32_t status)
{
    send_data(r_packet(rmsg, 60, p, len, false, 0), status);
}

static void data_checks(void)
{
    uint8_t p[48];
    uint32_t max = st.mtu + ETH_HLEN + 4, n, got; /* netvsp's largest: header, a tag, MTU */
    uint64_t tid;

    check("a frame of 0 bytes");
    send_data(r_packet(rmsg, 0, NULL, 0, false, 0), NVSP_INVALID_RNDIS);
    check("a frame of 13 bytes (less than a header)");
    send_data(r_packet(rmsg, 13, NULL, 0, false, 0), NVSP_INVALID_RNDIS);
    check("a frame of 14 bytes (a header alone)");
    send_data(r_packet(rmsg, 14, NULL, 0, false, 0), NVSP_SUCCESS);
    check("a frame of %u bytes (header, MTU and room for a tag)", max);
    send_data(r_packet(rmsg, max, NULL, 0, false, 0), NVSP_SUCCESS);
    check("a frame of %u bytes (one more)", max + 1);
    send_data(r_packet(rmsg, max + 1, NULL, 0, false, 0), NVSP_INVALID_RNDIS);
    check("a frame of %u bytes and a VLAN info (%u bytes tagged)", max - 4, max);
    ppi(p, 16, PPI_VLAN, 12, 5 << 4); /* VLAN 5, priority 0 */
    send_data(r_packet(rmsg, max - 4, p, 16, false, 0), NVSP_SUCCESS);
    check("a frame of %u bytes and a VLAN info (one more)", max - 3);
    send_data(r_packet(rmsg, max - 3, p, 16, false, 0), NVSP_INVALID_RNDIS);

    check("a data message of 43 bytes (shorter than its fixed part)");
    r_packet(rmsg, 60, NULL, 0, false, 0);
    rndis_hdr(rmsg, RNDIS_PACKET, 43);
    send_data(43, NVSP_INVALID_RNDIS);
    check("data_offset past the message");
    packet_field(PKT_DATA_OFFSET, PKT_FIXED + 61);
    check("data_offset 8 (inside the fixed part)");
    packet_field(PKT_DATA_OFFSET, 8);
    check("data_len one past the message's end");
    packet_field(PKT_DATA_LEN, 61);
    check("data_len 0xFFFFFFF0");
    packet_field(PKT_DATA_LEN, 0xFFFFFFF0);
    check("data_offset 0xFFFFFFF0, data_len 0x20 (the sum wraps)");
    n = r_packet(rmsg, 60, NULL, 0, false, 0);
    put32(rmsg + PKT_DATA_OFFSET, 0xFFFFFFF0);
    put32(rmsg + PKT_DATA_LEN, 0x20);
    send_data(n, NVSP_INVALID_RNDIS);
    check("an out-of-band area past the message (oob_count 1)");
    n = r_packet(rmsg, 60, NULL, 0, false, 0);
    put32(rmsg + PKT_OOB_OFFSET, 0x1000);
    put32(rmsg + PKT_OOB_COUNT, 1);
    send_data(n, NVSP_INVALID_RNDIS);
    check("an out-of-band area inside the fixed part");
    n = r_packet(rmsg, 60, NULL, 0, false, 0);
    put32(rmsg + PKT_OOB_LEN, 4);
    send_data(n, NVSP_INVALID_RNDIS);
    check("a per-packet-info area past the message");
    n = r_packet(rmsg, 60, NULL, 0, false, 0);
    put32(rmsg + PKT_PPI_OFFSET, PKT_FIXED + 61);
    put32(rmsg + PKT_PPI_LEN, 16);
    send_data(n, NVSP_INVALID_RNDIS);
    check("ppi_len 0xFFFFFFFF");
    n = r_packet(rmsg, 60, NULL, 0, false, 0);
    put32(rmsg + PKT_PPI_OFFSET, PKT_FIXED);
    put32(rmsg + PKT_PPI_LEN, 0xFFFFFFFF);
    send_data(n, NVSP_INVALID_RNDIS);

    check("a per-packet info of size 0");
    ppi(p, 16, PPI_VLAN, 12, 0);
    put32(p, 0);
    packet_ppi(p, 16, NVSP_INVALID_RNDIS);
    check("a per-packet info of size 8 (less than its header)");
    put32(p, 8);
    packet_ppi(p, 16, NVSP_INVALID_RNDIS);
    check("a per-packet info of size 32 in an area of 16");
    put32(p, 32);
    packet_ppi(p, 16, NVSP_INVALID_RNDIS);
    check("a per-packet info whose value_offset (20) is past its size (16)");
    ppi(p, 16, PPI_CHECKSUM, 20, 0);
    packet_ppi(p, 16, NVSP_INVALID_RNDIS);
    check("a per-packet info whose value_offset (4) is inside its header");
    ppi(p, 16, PPI_CHECKSUM, 4, 0);
    packet_ppi(p, 16, NVSP_INVALID_RNDIS);
    check("a VLAN info of 12 bytes (no value)");
    ppi(p, 12, PPI_VLAN, 12, 0);
    packet_ppi(p, 12, NVSP_INVALID_RNDIS);
    check("checksum, hash and VLAN infos, as Linux sends them");
    ppi(p, 16, PPI_CHECKSUM, 12, 0);
    ppi(p + 16, 16, PPI_HASH, 12, 0x12345678);
    ppi(p + 32, 16, PPI_VLAN, 12, 7 << 4);
    packet_ppi(p, 48, NVSP_SUCCESS);

    /* Linux pads each message of a batch to 8 bytes (INIT_C's alignment):
     * 60-byte frames make 104-byte messages. */
    check("three frames in one section (a batch)");
    n = 0;
    for (unsigned i = 0; i < 3; i++)
        n += r_packet(rmsg + n, 60, NULL, 0, false, 0);
    got = completion(via_section(NVSP_CHANNEL_DATA, n), NVSP_RNDIS_PKT_COMPLETE);
    if (got != ~0u && expect("NVSP status", NVSP_SUCCESS, got))
        st.frames_sent += 3;
    /* A malformed message is refused and the walk goes on: the frame
     * before it is on the wire. */
    check("a frame, then one of 0 bytes, in one section: the first sent, the packet refused");
    n = r_packet(rmsg, 60, NULL, 0, false, 0);
    n += r_packet(rmsg + n, 0, NULL, 0, false, 0);
    tid = via_section(NVSP_CHANNEL_DATA, n);
    expect_completion(tid, NVSP_RNDIS_PKT_COMPLETE, NVSP_INVALID_RNDIS);
    st.frames_sent++;
    alive("the bad data messages");
}

/* ---- hostile: the guest's completions of receive slots ----------------------------------- */

/* @count KEEPALIVEs in one packet, their slots held: offsets in st.held_off. */
static void hold_keepalives(unsigned count)
{
    uint32_t first = st.req + 1;
    uint64_t tid;

    for (unsigned i = 0; i < count; i++)
        r_keepalive(rmsg + 16 * i, ++st.req, 16);
    st.hold = true;
    tid = via_section(NVSP_CHANNEL_CONTROL, 16 * count);
    for (unsigned i = 0; i < count; i++)
        expect_status_msg(RNDIS_KEEPALIVE | RNDIS_DONE, first + i, RNDIS_OK);
    st.hold = false;
    expect_completion(tid, NVSP_RNDIS_PKT_COMPLETE, NVSP_SUCCESS);
}

static void release_held(void)
{
    for (unsigned i = 0; i < st.held; i++)
        complete_slot(st.held_tid[i]);
    st.held = 0;
}

/* Every held slot is its own, and none is at @busy (a slot we hold). */
static void expect_own_slots(uint32_t busy)
{
    for (unsigned i = 0; i < st.held; i++) {
        if (st.held_off[i] == busy)
            bad("expected slot 0x%x to stay ours got a response written into it", busy);
        for (unsigned j = 0; j < i; j++)
            if (st.held_off[j] == st.held_off[i])
                bad("expected each response in a slot of its own got two at offset 0x%x",
                    st.held_off[i]);
    }
}

static void slot_checks(void)
{
    uint64_t tid;
    uint32_t off;

    check("completions of transactions 0, 2^64 - 1 and one never given");
    complete_slot(0);
    complete_slot(~0ULL);
    complete_slot(0x7FFF000001ULL);
    keepalive(false);
    check("a completion with no NVSP message in it");
    complete_slot_as(0x1000001, 0, 0);
    keepalive(false);

    /* A slot we hold (tid, off) must stay ours until we complete it, and
     * free once however often we do. */
    check("a completion of a held slot with NVSP type 0x55: the slot stays held");
    st.hold = true;
    keepalive(false);
    st.hold = false;
    tid = st.held_tid[0];
    off = st.held_off[0];
    st.held = 0;
    complete_slot_as(tid, 0x55, 8);
    hold_keepalives(6);
    expect_own_slots(off);
    release_held();
    check("a held slot completed twice: freed once");
    complete_slot(tid);
    complete_slot(tid);
    hold_keepalives(8);
    expect_own_slots(~0u);
    release_held();
    alive("the bad completions");
}

/* ---- hostile: packet sizes ------------------------------------------------------------- */

static void size_checks(void)
{
    static uint8_t big[9000];
    uint32_t req;
    uint64_t tid;

    /* The KEEPALIVE its NVSP message names would be answered if netvsp
     * read the packet at all. */
    check("an in-band packet of 9000 bytes (more than netvsp reads): dropped");
    copy_bytes(section(0), rmsg, r_keepalive(rmsg, ++st.req, 12));
    nvsp(NVSP_RNDIS_PKT, NVSP_CHANNEL_CONTROL, 0, 12);
    copy_bytes(big, nv, NVSP_MSG_SIZE);
    send_inband(VMBUS_PKT_INBAND, VMBUS_PKT_FLAG_COMPLETION, big, sizeof(big));
    keepalive(false);
    check("an in-band packet of 8000 bytes: its NVSP message taken, the rest ignored");
    req = ++st.req;
    copy_bytes(section(0), rmsg, r_keepalive(rmsg, req, 12));
    tid = send_inband(VMBUS_PKT_INBAND, VMBUS_PKT_FLAG_COMPLETION, big, 8000);
    expect_status_msg(RNDIS_KEEPALIVE | RNDIS_DONE, req, RNDIS_OK);
    expect_completion(tid, NVSP_RNDIS_PKT_COMPLETE, NVSP_SUCCESS);
}

/* ---- hostile: more than netvsp queues -------------------------------------------------- */

static void queue_checks(void)
{
    uint32_t first, count = st.section_size / 16, want = st.slots + CONTROL_QUEUE;
    uint32_t answered = 0, status = ~0u, zero = 0, filter = FILTER;
    uint64_t tid;

    /* No frame may take a slot meanwhile: the count is exact. */
    check("%u KEEPALIVEs in one packet: as many answered as there are slots and queue (%u)", count,
          want);
    set_oid(OID_GEN_CURRENT_PACKET_FILTER, &zero, 4, RNDIS_OK);
    first = st.req + 1;
    for (uint32_t i = 0; i < count; i++)
        r_keepalive(rmsg + 16 * i, ++st.req, 16);
    tid = via_section(NVSP_CHANNEL_CONTROL, 16 * count);
    /* The slots' worth comes first, then the completion (the rest found no
     * room in the queue), then the queue as we free slots. */
    for (;;) {
        uint64_t deadline = vmbus_now() + (status == ~0u ? TIMEOUT : 2 * REF_1S);
        bool got = false;

        for (unsigned spin = 0; !(got = try_event()); spin++)
            if ((spin & 255) == 255 && vmbus_now() > deadline)
                break;
        if (!got) {
            if (status == ~0u)
                fatal("expected the completion of transaction %lu got nothing in %u s", tid,
                      TIMEOUT_S);
            break;
        }
        if (ev.type == VMBUS_PKT_COMP) {
            if (ev.tid != tid || status != ~0u)
                fatal("expected one completion of transaction %lu got one for %lu", tid, ev.tid);
            status = le32(ev.data + 4);
            continue;
        }
        if (le32(ev.data) != (RNDIS_KEEPALIVE | RNDIS_DONE) ||
            le32(ev.data + 8) != first + answered)
            fatal("expected KEEPALIVE_C for request %u got RNDIS message 0x%x for %u",
                  first + answered, le32(ev.data), le32(ev.data + 8));
        answered++;
    }
    expect("KEEPALIVE_Cs", want, answered);
    expect("NVSP status (responses that found no room)", NVSP_FAIL, status);
    set_oid(OID_GEN_CURRENT_PACKET_FILTER, &filter, 4, RNDIS_OK);
    alive("more KEEPALIVEs than netvsp can queue");
}

/*
 * @n SUBCHANNEL requests (a 40-byte completion each, no slot), written as
 * fast as the outbound ring takes them: more completions than the inbound
 * ring holds.  netvsp then stops reading until we make room, and says so
 * (pending_send_sz): each completes once, in order.
 */
static void flood_checks(void)
{
    const uint32_t n = 1500;
    uint64_t first = st.next_tid + 1, deadline = vmbus_now() + TIMEOUT;
    uint32_t sent = 0, got = 0, len;
    unsigned waits = st.ch.host_waits;
    bool said = false;

    check("%u SUBCHANNEL requests in a row: more completions than the inbound ring holds", n);
    nvsp(NVSP_SUBCHANNEL, NVSP_SUBCHANNEL_ALLOCATE, 1, 0);
    while (got < n) {
        bool progress = false;

        for (; sent < n; sent++, progress = true) {
            len = vmbus_build_inband(pkt, VMBUS_PKT_INBAND, VMBUS_PKT_FLAG_COMPLETION, first + sent,
                                     nv, NVSP_MSG_SIZE);
            if (vmbus_ring_write(&st.ch.out, pkt, len))
                break;
        }
        if (progress)
            signal_host();
        while (got < n && try_event()) {
            if (ev.type != VMBUS_PKT_COMP || ev.tid != first + got)
                fatal("expected the completion of transaction %lu got a %s for %lu", first + got,
                      ev.type == VMBUS_PKT_COMP ? "completion" : "control message", ev.tid);
            if (!said && (ev.len != NVSP_MSG_SIZE || le32(ev.data) != NVSP_SUBCHANNEL ||
                          le32(ev.data + 4) != NVSP_SUCCESS)) {
                bad("expected SUBCHANNEL success got %u bytes, type %u, status %u (transaction "
                    "%lu)",
                    ev.len, le32(ev.data), le32(ev.data + 4), ev.tid);
                said = true;
            }
            got++;
            progress = true;
        }
        if (progress)
            deadline = vmbus_now() + TIMEOUT;
        else if (vmbus_now() > deadline)
            fatal("expected %u completions got %u in %u s (%u requests sent; inbound ring "
                  "pending_send_sz 0x%x)",
                  n, got, TIMEOUT_S, sent, st.ch.in.hdr->pending_send_sz);
    }
    st.next_tid = first + n - 1;
    if (st.ch.host_waits == waits)
        bad("expected the host to wait for room (pending_send_sz) got no wait");
    alive("the flood");
}

/* Frames the guest does not complete take every slot but the control
 * reserve; the rest wait in the worker, and come once slots are free. */
static void held_frame_checks(void)
{
    const unsigned n = 40;
    uint8_t last = (uint8_t)(st.ip[3] + 4);
    unsigned replies = st.arp_replies, want = st.slots - CONTROL_RESERVE;
    uint64_t deadline;

    if (!st.arp)
        return;
    check("%u ARP requests, the replies not completed: %u delivered, KEEPALIVE still answered", n,
          want);
    st.hold_frames = true;
    for (unsigned i = 0; i < n; i++)
        if (!frame_by(BY_SECTION, last))
            break;
    deadline = vmbus_now() + TIMEOUT;
    while (st.held_frames < want && vmbus_now() < deadline)
        take_frames(REF_1S / 10);
    /* A second for anything beyond the slots to show up. */
    take_frames(REF_1S);
    expect("frames delivered while the guest holds them all", want, st.held_frames);
    keepalive(false);

    check("the held frames completed: the other ARP replies come");
    st.hold_frames = false;
    for (unsigned i = 0; i < st.held_frames; i++)
        complete_slot(st.held_frame_tid[i]);
    st.held_frames = 0;
    deadline = vmbus_now() + TIMEOUT;
    while (st.arp_replies - replies < n && vmbus_now() < deadline)
        take_frames(REF_1S / 10);
    expect("ARP replies", n, st.arp_replies - replies);
    alive("the held frames");
}

/* ---- hostile: buffers taken away ------------------------------------------------------- */

static void revoke(uint32_t type, uint32_t id)
{
    nvsp(type, id, 0, 0);
    expect_empty(send_nv(NVSP_MSG_SIZE));
}

static void revoke_checks(void)
{
    check("REVOKE_SEND_BUF with id %u (not the buffer's)", SEND_BUF_ID + 1);
    revoke(NVSP_REVOKE_SEND_BUF, SEND_BUF_ID + 1);
    keepalive(false);
    check("REVOKE_RECV_BUF with id 0x%x (not the buffer's)", RECV_BUF_ID + 1);
    revoke(NVSP_REVOKE_RECV_BUF, RECV_BUF_ID + 1);
    keepalive(false);

    check("REVOKE_SEND_BUF: sections refused, page ranges still taken");
    revoke(NVSP_REVOKE_SEND_BUF, SEND_BUF_ID);
    keepalive_unanswered(NVSP_INVALID_RNDIS);
    keepalive(true);
    check("SEND_SEND_BUF after the revoke");
    send_buf_msg(SEND_GPADL, NVSP_MSG_SIZE, NVSP_SUCCESS);
    keepalive(false);
    check("GPADL_TEARDOWN of the send buffer's GPADL: sections refused");
    need(vmbus_gpadl_teardown(st.ch.relid, SEND_GPADL));
    keepalive_unanswered(NVSP_INVALID_RNDIS);
    keepalive(true);
    check("the send buffer's GPADL and SEND_SEND_BUF again");
    make_gpadl(st.ch.relid, SEND_GPADL, send_buf, SEND_PAGES);
    send_buf_msg(SEND_GPADL, NVSP_MSG_SIZE, NVSP_SUCCESS);
    keepalive(false);

    check("REVOKE_RECV_BUF: responses cannot be sent, frames still go out");
    revoke(NVSP_REVOKE_RECV_BUF, RECV_BUF_ID);
    keepalive_unanswered(NVSP_FAIL);
    send_data(r_packet(rmsg, 60, NULL, 0, false, 0), NVSP_SUCCESS);
    /* Not initialized unless the guest hears of it; nothing is reset. */
    check("RNDIS INIT without a receive buffer: refused, no answer");
    fill_bytes(rmsg, 0, 24);
    rndis_hdr(rmsg, RNDIS_INIT, 24);
    put32(rmsg + 8, ++st.req);
    put32(rmsg + 12, 1);
    completion_only(24, NVSP_FAIL);
    check("SEND_RECV_BUF after the revoke");
    recv_buf_msg(RECV_GPADL, NVSP_MSG_SIZE, NVSP_SUCCESS);
    keepalive(false);
    check("GPADL_TEARDOWN of the receive buffer's GPADL: responses cannot be sent");
    need(vmbus_gpadl_teardown(st.ch.relid, RECV_GPADL));
    keepalive_unanswered(NVSP_FAIL);
    check("the receive buffer's GPADL and SEND_RECV_BUF again: the filter kept");
    make_gpadl(st.ch.relid, RECV_GPADL, recv_buf, RECV_PAGES);
    recv_buf_msg(RECV_GPADL, NVSP_MSG_SIZE, NVSP_SUCCESS);
    keepalive(false);
    expect_filter(FILTER);
}

/* ---- HALT, and back --------------------------------------------------------------------- */

static void halt_checks(void)
{
    uint32_t n, filter = FILTER;

    check("HALT: no answer");
    r_keepalive(rmsg, ++st.req, 12);
    rndis_hdr(rmsg, RNDIS_HALT, 12);
    completion_only(12, NVSP_SUCCESS);
    check("a frame after HALT: refused");
    send_data(r_packet(rmsg, 60, NULL, 0, false, 0), NVSP_FAIL);
    check("a QUERY after HALT: FAILURE");
    expect("QUERY_C status", RNDIS_FAILURE, query(OID_GEN_CURRENT_PACKET_FILTER, &n));
    check("a SET after HALT: FAILURE");
    set_oid(OID_GEN_CURRENT_PACKET_FILTER, &filter, 4, RNDIS_FAILURE);
    check("RNDIS INIT after HALT");
    rndis_init();
    check("the packet filter after INIT: none");
    expect_filter(0);
    check("SET GEN_CURRENT_PACKET_FILTER again");
    set_oid(OID_GEN_CURRENT_PACKET_FILTER, &filter, 4, RNDIS_OK);
    check("a frame after all of it%s", arp_note());
    frame_round_trip(BY_SECTION, (uint8_t)(st.ip[3] + 3));
}

/* After an open: NVSP INIT (any version, the newest taken), the buffers
 * on the same GPADLs, RNDIS INIT, the filter, and a frame out. */
static void bring_up_again(const char *how, uint8_t arp_last)
{
    uint32_t filter = FILTER;

    check("SEND_RNDIS_PKT on the channel reopened after %s, before INIT", how);
    keepalive_unanswered(NVSP_FAIL);
    check("INIT for versions 1 to 0xFFFFFFFF: the newest, 6.1");
    init_nvsp(1, 0xFFFFFFFF, NVSP_SUCCESS, NVSP_V61);
    check("the receive and send buffers again, on the same GPADLs");
    recv_buf_msg(RECV_GPADL, NVSP_MSG_SIZE, NVSP_SUCCESS);
    send_buf_msg(SEND_GPADL, NVSP_MSG_SIZE, NVSP_SUCCESS);
    check("RNDIS INIT and the packet filter");
    rndis_init();
    set_oid(OID_GEN_CURRENT_PACKET_FILTER, &filter, 4, RNDIS_OK);
    check("a frame on the reopened channel%s", arp_note());
    frame_round_trip(BY_SECTION, arp_last);
}

/* Closed with a slot held, and closed by a ring the guest broke: netvsp
 * starts over from NVSP INIT each time, and the old slot's id means
 * nothing. */
static void reopen_checks(void)
{
    uint64_t old, deadline, status;

    check("CLOSECHANNEL with a slot held, OPENCHANNEL again");
    st.hold = true;
    keepalive(false);
    st.hold = false;
    old = st.held_tid[0];
    st.held = 0;
    need(vmbus_close(&st.ch));
    open_channel(2);
    bring_up_again("CLOSECHANNEL", (uint8_t)(st.ip[3] + 5));
    check("the slot held before the close completed now: dropped");
    complete_slot(old);
    hold_keepalives(8);
    expect_own_slots(~0u);
    release_held();

    /* The server closes the channel under netvsp, inside its read. */
    check("write_index past the end of the outbound ring: the channel closes");
    st.ch.out.hdr->write_index = st.ch.out.size + 8;
    signal_host();
    deadline = vmbus_now() + TIMEOUT;
    while ((status = vmbus_signal(st.ch.conn_id, 0)) == 0 && vmbus_now() < deadline)
        ;
    expect("HvSignalEvent status on the broken channel (INVALID_CONNECTION_ID)", 0x12, status);
    check("CLOSECHANNEL, OPENCHANNEL after the broken ring");
    need(vmbus_close(&st.ch));
    open_channel(3);
    bring_up_again("a broken ring", (uint8_t)(st.ip[3] + 6));
}

/* The worker's receive thread waits for a slot (every frame slot held)
 * when the channel closes: it must drop the frame and go on. */
static void close_checks(void)
{
    if (st.arp) {
        check("ARP requests until every frame slot is held");
        st.hold_frames = true;
        for (unsigned i = 0; i < 40 && st.held_frames < st.slots - CONTROL_RESERVE; i++) {
            frame_by(BY_SECTION, (uint8_t)(st.ip[3] + 7));
            take_frames(REF_1S / 5);
        }
        take_frames(REF_1S);
        expect("frames delivered while the guest holds them all", st.slots - CONTROL_RESERVE,
               st.held_frames);
    }
    check("CLOSECHANNEL: the channel takes no more signals");
    need(vmbus_close(&st.ch));
    expect("HvSignalEvent status (INVALID_CONNECTION_ID)", 0x12, vmbus_signal(st.ch.conn_id, 0));
    check("UNLOAD");
    need(vmbus_unload());
}

/* ---- the command line ------------------------------------------------------------------ */

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* "xx:xx:xx:xx:xx:xx"; 0 or -1. */
static int parse_mac(const char *s, size_t n, uint8_t *out)
{
    if (n != 17)
        return -1;
    for (unsigned i = 0; i < 6; i++) {
        int h = hex_digit(s[3 * i]), l = hex_digit(s[3 * i + 1]);

        if (h < 0 || l < 0 || (i < 5 && s[3 * i + 2] != ':'))
            return -1;
        out[i] = (uint8_t)(h << 4 | l);
    }
    return 0;
}

/* "a.b.c.d"; 0 or -1. */
static int parse_ipv4(const char *s, size_t n, uint8_t *out)
{
    size_t at = 0;

    for (unsigned i = 0; i < 4; i++) {
        size_t end = at;
        uint64_t v;

        while (end < n && s[end] != '.')
            end++;
        if ((i < 3) != (end < n) || parse_dec(s + at, end - at, &v) || v > 255)
            return -1;
        out[i] = (uint8_t)v;
        at = end + 1;
    }
    return 0;
}

/* ---- the test ------------------------------------------------------------------------ */

_Noreturn void test_netvsc(uint64_t ram_top, const struct netvsc_args *a)
{
    const char *err;
    uint32_t version;

    if (!ram_top)
        finish("netvsc FAIL: no RAM in the e820 table");
    st.ram_top = ram_top;
    vmbus_chan_rings(&st.ch, ring_pages, OUT_PAGES, IN_PAGES);
    if (a->mac) {
        if (parse_mac(a->mac, a->mac_len, st.given_mac))
            finish("netvsc FAIL: mac=xx:xx:xx:xx:xx:xx needed");
        st.want_mac = true;
    }
    if (a->ip || a->peer) {
        if (!a->ip || !a->peer || parse_ipv4(a->ip, a->ip_len, st.ip) ||
            parse_ipv4(a->peer, a->peer_len, st.peer))
            finish("netvsc FAIL: ip=A.B.C.D and peer=A.B.C.D needed together");
        st.arp = true;
    }
    st.section_size = SECTION_SIZE; /* until SEND_BUF_COMPLETE says */
    st.sections = SEND_BYTES / SECTION_SIZE;

    check("CPUID 0x40000000 says Microsoft Hv");
    if (!hyperv_present())
        fatal("expected 'Microsoft Hv' got another signature (not a child of this hypervisor)");
    check("hypercall page and SynIC (SIMP, SIEFP, SINT2 polled, SCONTROL)");
    err = vmbus_synic_init();
    if (err)
        fatal("expected them enabled got: %s", err);

    check("INITIATE_CONTACT, the newest VMBus version the host takes");
    need(vmbus_connect(&version));
    find_offer();
    check("the ring GPADL (%u pages)", OUT_PAGES + IN_PAGES);
    make_gpadl(st.ch.relid, RING_GPADL, ring_pages, OUT_PAGES + IN_PAGES);
    check("OPENCHANNEL");
    open_channel(1);

    nvsp_checks();
    buffer_checks();
    rndis_good_checks();
    section_checks();
    gpa_checks();
    header_checks();
    oid_checks();
    data_checks();
    slot_checks();
    size_checks();
    queue_checks();
    flood_checks();
    held_frame_checks();
    revoke_checks();
    halt_checks();
    reopen_checks();
    close_checks();
    if (failures)
        finish("netvsc FAIL: %u of %u checks failed", failures, checks);
    finish("netvsc PASS: %u checks, %u frames sent", checks, st.frames_sent);
}
