/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of drivers/ic, the host side of the integration services.
 *
 * The VMBus channel API is faked here (every vmbus_* function the library
 * calls): a fake channel records what the host sends and holds a queue of
 * packets from the guest.  The guest is played by helpers written from
 * Linux 6.1's hv_utils, independently of the code under test:
 * vmbus_prep_negotiate_resp (channel_mgmt.c), shutdown/timesync/heartbeat
 * callbacks (hv_util.c), hv_kvp.c with hv_kvp_daemon's answers.  Like Linux
 * they answer with the request buffer edited in place, padded to 8 bytes,
 * flagged TRANSACTION | RESPONSE, with the request's transaction id.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <ic/ic.h>
#include <vmbus/channel.h>

/* Linux's numbers, spelled out independently of ic_internal.h. */
#define ICMSG_HDR         28
#define T_NEGOTIATE       0
#define T_HEARTBEAT       1
#define T_KVP             2
#define T_SHUTDOWN        3
#define T_TIMESYNC        4
#define F_TRANSACTION     1
#define F_REQUEST         2
#define F_RESPONSE        4
#define HV_S_OK           0x00000000u
#define HV_E_FAIL         0x80004005u
#define HV_S_CONT         0x80070103u
#define KVP_OP_SET        1
#define KVP_OP_ENUMERATE  3
#define KVP_POOL_EXTERNAL 0
#define KVP_POOL_GUEST    1
#define KVP_POOL_AUTO     2
#define REG_SZ            1
#define V(maj, min)       ((maj) << 16 | (min))

/* ------------------------------------------------------------------ */
/* The fake VMBus.                                                     */

struct pkt {
    uint16_t type, flags;
    uint64_t tid;
    uint8_t *data; /* payload only */
    uint32_t len;
    int rc; /* for queued guest packets: VMBUS_RING_CORRUPT to simulate one */
};

struct vmbus_channel {
    struct vmbus_offer offer;
    const struct vmbus_device_ops *ops;
    void *dev;
    bool open, rescinded;
    struct pkt sent[512];
    unsigned int nsent;
    struct pkt in[64];
    unsigned int in_head, in_tail;
    int send_rc; /* forced result of the next sends, VMBUS_RING_OK normally */
};

static struct vmbus_channel fake[8];
static unsigned int nfake;
static int offer_fail_at = -1;
static struct vmbus_server *const SRV = (struct vmbus_server *)0x1234;

struct vmbus_channel *vmbus_server_offer(struct vmbus_server *srv, const struct vmbus_offer *offer,
                                         const struct vmbus_device_ops *ops, void *dev)
{
    struct vmbus_channel *ch;

    assert_ptr_equal(srv, SRV);
    if ((int)nfake == offer_fail_at || nfake == 8)
        return NULL;
    ch = &fake[nfake++];
    memset(ch, 0, sizeof(*ch));
    ch->offer = *offer;
    ch->ops = ops;
    ch->dev = dev;
    return ch;
}

void vmbus_server_rescind(struct vmbus_channel *ch)
{
    if (ch->open) {
        ch->open = false;
        ch->ops->close(ch, ch->dev);
    }
    ch->rescinded = true;
}

int vmbus_channel_send(struct vmbus_channel *ch, uint16_t type, uint16_t flags, uint64_t trans_id,
                       const void *data, size_t len)
{
    struct pkt *p;

    assert_false(ch->rescinded);
    if (!ch->open)
        return VMBUS_RING_CORRUPT;
    if (ch->send_rc != VMBUS_RING_OK)
        return ch->send_rc;
    assert_true(ch->nsent < 512);
    p = &ch->sent[ch->nsent++];
    p->type = type;
    p->flags = flags;
    p->tid = trans_id;
    p->len = (uint32_t)len;
    p->data = malloc(len);
    assert_non_null(p->data);
    memcpy(p->data, data, len);
    return VMBUS_RING_OK;
}

int vmbus_channel_recv(struct vmbus_channel *ch, void *buf, size_t size, uint32_t *len)
{
    struct pkt *p;
    uint32_t total;
    struct vmbus_packet_desc d;

    if (!ch->open)
        return VMBUS_RING_CORRUPT;
    if (ch->in_head == ch->in_tail)
        return VMBUS_RING_EMPTY;
    p = &ch->in[ch->in_head % 64];
    if (p->rc == VMBUS_RING_CORRUPT) {
        ch->in_head++;
        ch->open = false;
        ch->ops->close(ch, ch->dev);
        return VMBUS_RING_CORRUPT;
    }
    total = 16 + ((p->len + 7) & ~7u);
    *len = total;
    if (total > size)
        return VMBUS_RING_TOO_BIG;
    memset(buf, 0, total);
    d.type = p->type;
    d.offset8 = 2;
    d.len8 = (uint16_t)(total / 8);
    d.flags = p->flags;
    d.trans_id = p->tid;
    memcpy(buf, &d, sizeof(d));
    memcpy((uint8_t *)buf + 16, p->data, p->len);
    free(p->data);
    ch->in_head++;
    return VMBUS_RING_OK;
}

int vmbus_channel_skip(struct vmbus_channel *ch)
{
    if (ch->in_head == ch->in_tail)
        return VMBUS_RING_EMPTY;
    free(ch->in[ch->in_head % 64].data);
    ch->in_head++;
    return VMBUS_RING_OK;
}

/* ------------------------------------------------------------------ */
/* The fake host clocks.                                               */

static uint64_t now_ms, wall_100ns, ref_100ns;

static uint64_t f_wall(void *o)
{
    (void)o;
    return wall_100ns;
}

static uint64_t f_ref(void *o)
{
    (void)o;
    return ref_100ns;
}

static uint64_t f_mono(void *o)
{
    (void)o;
    return now_ms;
}

static const struct ic_host host = {NULL, f_wall, f_ref, f_mono};

/* ------------------------------------------------------------------ */
/* Test plumbing.                                                      */

static struct ic_services *ics;

/* What the test sees of the guest's handling. */
static struct {
    uint32_t shutdown_flags;
    int shutdown_action; /* 0 none, 1 power off, 2 restart */
    uint64_t ts_parent, ts_ref;
    uint8_t ts_flags;
    bool ts_v4;
    unsigned int ts_count;
} seen;

/* KVP packets already answered (or left unanswered on purpose). */
static unsigned int kvp_done;

enum { SD, TS, HB, KVP };

static struct vmbus_channel *CH(int svc)
{
    /* Find by the first byte of the interface GUID (little-endian data1). */
    static const uint8_t first[] = {[SD] = 0x31, [TS] = 0x30, [HB] = 0x39, [KVP] = 0xe7};

    for (unsigned int i = 0; i < nfake; i++) {
        if (fake[i].offer.type.b[0] == first[svc])
            return &fake[i];
    }
    fail_msg("no channel for service %d", svc);
    return NULL;
}

static void free_channel_packets(struct vmbus_channel *ch)
{
    for (unsigned int i = 0; i < ch->nsent; i++)
        free(ch->sent[i].data);
    ch->nsent = 0;
    while (ch->in_head != ch->in_tail)
        free(ch->in[ch->in_head++ % 64].data);
}

static int setup(void **state)
{
    (void)state;
    nfake = 0;
    offer_fail_at = -1;
    kvp_done = 0;
    memset(&seen, 0, sizeof(seen));
    now_ms = 1000000;
    wall_100ns = 133000000000000000ull;
    ref_100ns = 5000000;
    ics = ic_services_create(SRV, &host);
    assert_non_null(ics);
    assert_int_equal(nfake, 4);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ic_services_destroy(ics);
    ics = NULL;
    for (unsigned int i = 0; i < nfake; i++)
        free_channel_packets(&fake[i]);
    return 0;
}

static void guest_open(struct vmbus_channel *ch)
{
    assert_false(ch->open);
    ch->open = true;
    assert_int_equal(ch->ops->open(ch, ch->dev), 0);
}

static void guest_close(struct vmbus_channel *ch)
{
    ch->open = false;
    ch->ops->close(ch, ch->dev);
}

static void notify(struct vmbus_channel *ch)
{
    ch->ops->notify(ch, ch->dev);
}

/* Queue a packet from the guest (not yet signalled). */
static void push(struct vmbus_channel *ch, uint16_t type, uint64_t tid, const void *data,
                 uint32_t len)
{
    struct pkt *p = &ch->in[ch->in_tail++ % 64];

    assert_true(ch->in_tail - ch->in_head <= 64);
    memset(p, 0, sizeof(*p));
    p->type = type;
    p->tid = tid;
    p->len = len;
    p->data = malloc(len ? len : 1);
    assert_non_null(p->data);
    memcpy(p->data, data, len);
}

static struct pkt *last(struct vmbus_channel *ch)
{
    assert_true(ch->nsent > 0);
    return &ch->sent[ch->nsent - 1];
}

static uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64(const uint8_t *p)
{
    return rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static void wr16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void wr32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void wr64(uint8_t *p, uint64_t v)
{
    wr32(p, (uint32_t)v);
    wr32(p + 4, (uint32_t)(v >> 32));
}

/* icmsg_hdr fields, at their Linux offsets after the 8-byte pipe header. */
#define H_FRAME  8
#define H_TYPE   12
#define H_MSGVER 14
#define H_SIZE   18
#define H_STATUS 20
#define H_TID    24
#define H_FLAGS  25

/* ------------------------------------------------------------------ */
/* The Linux guest.                                                     */

/* Linux 6.1's lists (hv_util.c, hv_kvp.c, uapi UTIL_FW_VERSION...). */
static const int lx_fw[] = {V(3, 0), V(1, 0)};
static const int lx_sd[] = {V(3, 2), V(3, 1), V(3, 0), V(1, 0)};
static const int lx_ts[] = {V(4, 0), V(3, 0), V(1, 0)};
static const int lx_hb[] = {V(3, 0), V(1, 0)};
static const int lx_kvp[] = {V(4, 0), V(3, 0), V(1, 0)};

struct lx_guest {
    const int *fw, *srv;
    int nfw, nsrv;
    int srv_version; /* negotiated */
};

static struct lx_guest lx[4];

static void lx_reset(void)
{
    lx[SD] = (struct lx_guest){lx_fw, lx_sd, 2, 4, 0};
    lx[TS] = (struct lx_guest){lx_fw, lx_ts, 2, 3, 0};
    lx[HB] = (struct lx_guest){lx_fw, lx_hb, 2, 2, 0};
    lx[KVP] = (struct lx_guest){lx_fw, lx_kvp, 2, 3, 0};
}

/* vmbus_prep_negotiate_resp, as in Linux 6.1 channel_mgmt.c. */
static bool lx_negotiate(uint8_t *buf, uint32_t buflen, struct lx_guest *g)
{
    uint8_t *neg = buf + ICMSG_HDR;
    int fcnt, mcnt, fmaj = 0, fmin = 0, mmaj = 0, mmin = 0;
    bool found = false;

    if (buflen < ICMSG_HDR + 4)
        return false;
    wr16(buf + H_SIZE, 0x10);
    fcnt = rd16(neg);
    mcnt = rd16(neg + 2);
    fmaj = fcnt;
    mmaj = mcnt;
    if (fcnt > 100 || mcnt > 100 || (uint32_t)(ICMSG_HDR + 8 + (fcnt + mcnt) * 4) > buflen)
        goto out;
    for (int i = 0; i < g->nfw && !found; i++) {
        for (int j = 0; j < fcnt; j++) {
            uint8_t *v = neg + 8 + 4 * j;
            if (rd16(v) == g->fw[i] >> 16 && rd16(v + 2) == (g->fw[i] & 0xffff)) {
                fmaj = rd16(v);
                fmin = rd16(v + 2);
                found = true;
                break;
            }
        }
    }
    if (!found)
        goto out;
    found = false;
    for (int i = 0; i < g->nsrv && !found; i++) {
        for (int j = fcnt; j < fcnt + mcnt; j++) {
            uint8_t *v = neg + 8 + 4 * j;
            if (rd16(v) == g->srv[i] >> 16 && rd16(v + 2) == (g->srv[i] & 0xffff)) {
                mmaj = rd16(v);
                mmin = rd16(v + 2);
                found = true;
                break;
            }
        }
    }
out:
    wr16(neg, found ? 1 : 0);
    wr16(neg + 2, found ? 1 : 0);
    wr16(neg + 8, (uint16_t)fmaj);
    wr16(neg + 10, (uint16_t)fmin);
    wr16(neg + 12, (uint16_t)mmaj);
    wr16(neg + 14, (uint16_t)mmin);
    if (found)
        g->srv_version = mmaj << 16 | mmin;
    return found;
}

/* The KVP daemon's pools: index -> key/value. */
struct kv {
    const char *key, *value;
};
static const struct kv *daemon_pool[3];
static unsigned int daemon_n[3];
static struct kv daemon_set[16];
static unsigned int daemon_nset;
static char daemon_set_buf[16][2][1024];

/* The test's own UTF-8 (ASCII in practice) -> UTF-16LE, Linux's layout:
 * units, NUL, size in bytes with the NUL. */
static uint32_t put_utf16(uint8_t *dst, size_t cap, const char *s)
{
    size_t n = 0;

    while (*s) {
        uint32_t cp = (unsigned char)*s++;
        if (cp >= 0xf0) {
            cp = (cp & 7) << 18 | (s[0] & 0x3fu) << 12 | (s[1] & 0x3fu) << 6 | (s[2] & 0x3fu);
            s += 3;
        } else if (cp >= 0xe0) {
            cp = (cp & 15) << 12 | (s[0] & 0x3fu) << 6 | (s[1] & 0x3fu);
            s += 2;
        } else if (cp >= 0xc0) {
            cp = (cp & 31) << 6 | (s[0] & 0x3fu);
            s += 1;
        }
        if (cp >= 0x10000) {
            assert_true(2 * n + 4 <= cap);
            wr16(dst + 2 * n++, (uint16_t)(0xd800 + ((cp - 0x10000) >> 10)));
            wr16(dst + 2 * n++, (uint16_t)(0xdc00 + ((cp - 0x10000) & 0x3ff)));
        } else {
            assert_true(2 * n + 2 <= cap);
            wr16(dst + 2 * n++, (uint16_t)cp);
        }
    }
    assert_true(2 * n + 2 <= cap);
    wr16(dst + 2 * n, 0);
    return (uint32_t)(2 * n + 2);
}

/* ASCII-only UTF-16LE -> char, for checking what the host sent. */
static void get_ascii(const uint8_t *src, uint32_t bytes, char *out)
{
    uint32_t i;

    for (i = 0; i + 1 < bytes && rd16(src + i); i += 2)
        out[i / 2] = (char)rd16(src + i);
    out[i / 2] = 0;
}

/* hv_kvp_msg offsets after the IC header. */
#define K_OP     0
#define K_POOL   1
#define K_INDEX  4
#define K_E_TYPE 8
#define K_E_KSZ  12
#define K_E_VSZ  16
#define K_E_KEY  20
#define K_E_VAL  532
#define K_S_TYPE 4
#define K_S_KSZ  8
#define K_S_VSZ  12
#define K_S_KEY  16
#define K_S_VAL  528

/* hv_kvp.c + hv_kvp_daemon.c: the answer to one KVP request. */
static void lx_kvp_daemon(uint8_t *buf)
{
    uint8_t *m = buf + ICMSG_HDR;
    uint32_t status = HV_S_OK;

    if (m[K_OP] == KVP_OP_ENUMERATE) {
        unsigned int pool = m[K_POOL], idx = rd32(m + K_INDEX);

        if (pool > 2 || idx >= daemon_n[pool]) {
            status = HV_S_CONT;
        } else {
            wr32(m + K_E_KSZ, put_utf16(m + K_E_KEY, 512, daemon_pool[pool][idx].key));
            wr32(m + K_E_VSZ, put_utf16(m + K_E_VAL, 2048, daemon_pool[pool][idx].value));
            wr32(m + K_E_TYPE, REG_SZ);
        }
    } else if (m[K_OP] == KVP_OP_SET) {
        assert_true(daemon_nset < 16);
        get_ascii(m + K_S_KEY, rd32(m + K_S_KSZ), daemon_set_buf[daemon_nset][0]);
        get_ascii(m + K_S_VAL, rd32(m + K_S_VSZ), daemon_set_buf[daemon_nset][1]);
        daemon_set[daemon_nset].key = daemon_set_buf[daemon_nset][0];
        daemon_set[daemon_nset].value = daemon_set_buf[daemon_nset][1];
        daemon_nset++;
    }
    wr32(buf + H_STATUS, status);
}

/* The guest's answer to sent packet @i of service @svc: Linux's callback
 * edits the buffer and sends recvlen bytes back.  Queued, not signalled. */
static void lx_queue_answer(int svc, unsigned int i)
{
    struct vmbus_channel *ch = CH(svc);
    struct pkt *p = &ch->sent[i];
    uint32_t recvlen = (p->len + 7) & ~7u; /* len8 * 8 - offset8 * 8 */
    uint8_t *buf = calloc(1, recvlen);
    uint16_t type;

    assert_non_null(buf);
    assert_int_equal(p->type, VMBUS_PKT_DATA_INBAND);
    memcpy(buf, p->data, p->len);
    assert_true(recvlen >= ICMSG_HDR);
    type = rd16(buf + H_TYPE);
    if (type == T_NEGOTIATE) {
        lx_negotiate(buf, recvlen, &lx[svc]);
    } else if (svc == SD && type == T_SHUTDOWN) {
        uint32_t flags = rd32(buf + ICMSG_HDR + 8);
        seen.shutdown_flags = flags;
        if (flags <= 1) {
            wr32(buf + H_STATUS, HV_S_OK);
            seen.shutdown_action = 1;
        } else if (flags <= 3) {
            wr32(buf + H_STATUS, HV_S_OK);
            seen.shutdown_action = 2;
        } else {
            wr32(buf + H_STATUS, HV_E_FAIL); /* no hibernation here */
        }
    } else if (svc == TS && type == T_TIMESYNC) {
        const uint8_t *d = buf + ICMSG_HDR;
        seen.ts_v4 = lx[TS].srv_version > V(3, 0);
        seen.ts_parent = rd64(d);
        seen.ts_ref = seen.ts_v4 ? rd64(d + 8) : 0;
        seen.ts_flags = seen.ts_v4 ? d[16] : d[24];
        seen.ts_count++;
    } else if (svc == HB && type == T_HEARTBEAT) {
        wr64(buf + ICMSG_HDR, rd64(buf + ICMSG_HDR) + 1);
    } else if (svc == KVP && type == T_KVP) {
        lx_kvp_daemon(buf);
    } else {
        wr32(buf + H_STATUS, HV_E_FAIL);
    }
    buf[H_FLAGS] = F_TRANSACTION | F_RESPONSE;
    push(ch, VMBUS_PKT_DATA_INBAND, p->tid, buf, recvlen);
    free(buf);
}

/* Answer the last packet sent and signal the host. */
static void lx_answer_last(int svc)
{
    lx_queue_answer(svc, CH(svc)->nsent - 1);
    notify(CH(svc));
}

/* Open the channel and answer its negotiation as Linux would. */
static void lx_open(int svc)
{
    guest_open(CH(svc));
    lx_answer_last(svc);
}

static void tick_to(uint64_t t)
{
    now_ms = t;
    ic_services_tick(ics);
}

/* ------------------------------------------------------------------ */
/* Offers and negotiation.                                             */

static void test_offers(void **state)
{
    /* Linux GUID_INIT(0x0e0b6031, 0x5213, 0x4934, 0x81, 0x8b, 0x38, 0xd9, ...). */
    static const uint8_t sd[16] = {0x31, 0x60, 0x0b, 0x0e, 0x13, 0x52, 0x34, 0x49,
                                   0x81, 0x8b, 0x38, 0xd9, 0x0c, 0xed, 0x39, 0xdb};
    static const uint8_t ts[16] = {0x30, 0xe6, 0x27, 0x95, 0xae, 0xd0, 0x7b, 0x49,
                                   0xad, 0xce, 0xe8, 0x0a, 0xb0, 0x17, 0x5c, 0xaf};
    static const uint8_t hb[16] = {0x39, 0x4f, 0x16, 0x57, 0x15, 0x91, 0x78, 0x4e,
                                   0xab, 0x55, 0x38, 0x2f, 0x3b, 0xd5, 0x42, 0x2d};
    static const uint8_t kvp[16] = {0xe7, 0xf4, 0xa0, 0xa9, 0x45, 0x5a, 0x96, 0x4d,
                                    0xb8, 0x27, 0x8a, 0x84, 0x1e, 0x8c, 0x03, 0xe6};

    (void)state;
    assert_memory_equal(CH(SD)->offer.type.b, sd, 16);
    assert_memory_equal(CH(TS)->offer.type.b, ts, 16);
    assert_memory_equal(CH(HB)->offer.type.b, hb, 16);
    assert_memory_equal(CH(KVP)->offer.type.b, kvp, 16);
    for (unsigned int i = 0; i < 4; i++) {
        /* Message-mode pipes, and instances that differ from each other. */
        assert_int_equal(fake[i].offer.flags, 0x11);
        assert_int_equal(rd32(fake[i].offer.user_def), 4);
        assert_int_equal(fake[i].offer.sub_channel_index, 0);
        for (unsigned int j = 0; j < i; j++)
            assert_memory_not_equal(fake[i].offer.instance.b, fake[j].offer.instance.b, 16);
    }
    for (int s = 0; s < IC_SERVICE_COUNT; s++) {
        assert_int_equal(ic_service_state(ics, (enum ic_service_id)s), IC_SERVICE_CLOSED);
        assert_int_equal(ic_service_version(ics, (enum ic_service_id)s), 0);
    }
    assert_int_equal(CH(SD)->nsent, 0);
}

static void test_create_offer_failure(void **state)
{
    (void)state;
    /* The fixture's instance stays; a second one whose third offer fails
     * takes back the two it made. */
    offer_fail_at = (int)nfake + 2;
    assert_null(ic_services_create(SRV, &host));
    assert_true(fake[nfake - 1].rescinded);
    assert_true(fake[nfake - 2].rescinded);
    offer_fail_at = -1;
    assert_null(ic_services_create(NULL, &host));
    assert_null(ic_services_create(SRV, NULL));
}

static void test_negotiate_request_format(void **state)
{
    struct pkt *p;
    const uint8_t *d;

    (void)state;
    guest_open(CH(SD));
    assert_int_equal(ic_service_state(ics, IC_SHUTDOWN), IC_SERVICE_NEGOTIATING);
    assert_int_equal(CH(SD)->nsent, 1);
    p = last(CH(SD));
    d = p->data;
    assert_int_equal(p->type, VMBUS_PKT_DATA_INBAND);
    assert_int_equal(p->flags, 0);
    assert_int_not_equal(p->tid, 0);
    /* Pipe header, icmsg_hdr, icmsg_negotiate with 2 + 4 versions. */
    assert_int_equal(p->len, ICMSG_HDR + 8 + 6 * 4);
    assert_int_equal(rd32(d), 1);
    assert_int_equal(rd32(d + 4), p->len - 8);
    assert_int_equal(rd16(d + H_TYPE), T_NEGOTIATE);
    assert_int_equal(rd16(d + H_SIZE), 8 + 6 * 4);
    assert_int_equal(rd32(d + H_STATUS), 0);
    assert_int_equal(d[H_FLAGS], F_TRANSACTION | F_REQUEST);
    assert_int_equal(rd16(d + ICMSG_HDR), 2);
    assert_int_equal(rd16(d + ICMSG_HDR + 2), 4);
    {
        static const uint16_t want[] = {3, 0, 1, 0, 3, 2, 3, 1, 3, 0, 1, 0};
        for (unsigned int i = 0; i < 12; i++)
            assert_int_equal(rd16(d + ICMSG_HDR + 8 + 2 * i), want[i]);
    }
    /* The other services offer their own lists. */
    guest_open(CH(TS));
    d = last(CH(TS))->data;
    assert_int_equal(rd16(d + ICMSG_HDR + 2), 3);
    assert_int_equal(rd16(d + ICMSG_HDR + 8 + 8), 4);
    guest_open(CH(HB));
    assert_int_equal(rd16(last(CH(HB))->data + ICMSG_HDR + 2), 2);
    guest_open(CH(KVP));
    d = last(CH(KVP))->data;
    assert_int_equal(rd16(d + ICMSG_HDR + 2), 3);
    assert_int_equal(rd16(d + ICMSG_HDR + 8 + 8), 4);
}

static void test_negotiate_linux_all_services(void **state)
{
    (void)state;
    lx_reset();
    for (int s = SD; s <= KVP; s++)
        lx_open(s);
    assert_int_equal(ic_service_state(ics, IC_SHUTDOWN), IC_SERVICE_READY);
    assert_int_equal(ic_service_version(ics, IC_SHUTDOWN), V(3, 2));
    assert_int_equal(ic_service_version(ics, IC_TIMESYNC), V(4, 0));
    assert_int_equal(ic_service_version(ics, IC_HEARTBEAT), V(3, 0));
    assert_int_equal(ic_service_version(ics, IC_KVP), V(4, 0));
    assert_true(ic_shutdown_ready(ics));
    /* The next message on a ready channel names the agreed versions. */
    tick_to(now_ms + 1000);
    {
        const uint8_t *d = last(CH(HB))->data;
        assert_int_equal(rd16(d + H_TYPE), T_HEARTBEAT);
        assert_int_equal(rd16(d + H_FRAME), 3);
        assert_int_equal(rd16(d + H_MSGVER), 3);
    }
}

/* Each message version a guest may pick, with framework 1.0 and 3.0. */
static void test_negotiate_each_version(void **state)
{
    static const struct {
        int svc;
        enum ic_service_id id;
        int ver;
    } cases[] = {
        {SD, IC_SHUTDOWN, V(3, 2)}, {SD, IC_SHUTDOWN, V(3, 1)},  {SD, IC_SHUTDOWN, V(3, 0)},
        {SD, IC_SHUTDOWN, V(1, 0)}, {TS, IC_TIMESYNC, V(4, 0)},  {TS, IC_TIMESYNC, V(3, 0)},
        {TS, IC_TIMESYNC, V(1, 0)}, {HB, IC_HEARTBEAT, V(3, 0)}, {HB, IC_HEARTBEAT, V(1, 0)},
        {KVP, IC_KVP, V(4, 0)},     {KVP, IC_KVP, V(3, 0)},      {KVP, IC_KVP, V(1, 0)},
    };
    static const int fw3[] = {V(3, 0)}, fw1[] = {V(1, 0)};

    (void)state;
    for (unsigned int fw = 0; fw < 2; fw++) {
        for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
            int svc = cases[i].svc;
            int ver = cases[i].ver;

            lx_reset();
            lx[svc].fw = fw ? fw1 : fw3;
            lx[svc].nfw = 1;
            lx[svc].srv = &cases[i].ver;
            lx[svc].nsrv = 1;
            lx_open(svc);
            assert_int_equal(ic_service_state(ics, cases[i].id), IC_SERVICE_READY);
            assert_int_equal(ic_service_version(ics, cases[i].id), ver);
            guest_close(CH(svc));
        }
    }
}

static void test_negotiate_no_common_version(void **state)
{
    static const int only5[] = {V(5, 0)}, fw2[] = {V(2, 0)};

    (void)state;
    lx_reset();
    lx[SD].srv = only5;
    lx[SD].nsrv = 1;
    lx_open(SD);
    assert_int_equal(ic_service_state(ics, IC_SHUTDOWN), IC_SERVICE_FAILED);
    assert_false(ic_shutdown_ready(ics));
    assert_int_equal(ic_shutdown_request(ics, false), -1);
    lx_reset();
    lx[HB].fw = fw2;
    lx[HB].nfw = 1;
    lx_open(HB);
    assert_int_equal(ic_service_state(ics, IC_HEARTBEAT), IC_SERVICE_FAILED);
    /* A failed service sends nothing more. */
    tick_to(now_ms + 20000);
    assert_int_equal(CH(HB)->nsent, 1);
    assert_int_equal(ic_heartbeat_state(ics), IC_HEARTBEAT_NO_CONTACT);
}

/* A negotiation answer for our transaction, edited by @edit. */
static void negotiate_with(int svc, void (*edit)(uint8_t *buf, uint32_t *len))
{
    struct vmbus_channel *ch = CH(svc);
    struct pkt *p;
    uint8_t buf[256];
    uint32_t len;

    lx_reset();
    guest_open(ch);
    p = last(ch);
    len = (p->len + 7) & ~7u;
    memset(buf, 0, sizeof(buf));
    memcpy(buf, p->data, p->len);
    lx_negotiate(buf, len, &lx[svc]);
    buf[H_FLAGS] = F_TRANSACTION | F_RESPONSE;
    edit(buf, &len);
    push(ch, VMBUS_PKT_DATA_INBAND, p->tid, buf, len);
    notify(ch);
}

static void edit_version_not_offered(uint8_t *b, uint32_t *len)
{
    (void)len;
    wr16(b + ICMSG_HDR + 12, 9); /* message 9.0 */
}

static void edit_fw_not_offered(uint8_t *b, uint32_t *len)
{
    (void)len;
    wr16(b + ICMSG_HDR + 8, 2); /* framework 2.0 */
}

static void edit_counts_2(uint8_t *b, uint32_t *len)
{
    (void)len;
    wr16(b + ICMSG_HDR, 2);
}

static void edit_status_fail(uint8_t *b, uint32_t *len)
{
    (void)len;
    wr32(b + H_STATUS, HV_E_FAIL);
}

static void edit_truncated(uint8_t *b, uint32_t *len)
{
    (void)b;
    *len = ICMSG_HDR + 8 + 4; /* one version only */
}

static void test_negotiate_bad_answers(void **state)
{
    void (*const edits[])(uint8_t *, uint32_t *) = {
        edit_version_not_offered, edit_fw_not_offered, edit_counts_2,
        edit_status_fail,         edit_truncated,
    };

    (void)state;
    for (unsigned int i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
        negotiate_with(TS, edits[i]);
        assert_int_equal(ic_service_state(ics, IC_TIMESYNC), IC_SERVICE_FAILED);
        assert_int_equal(ic_service_version(ics, IC_TIMESYNC), 0);
        /* No SYNC went out. */
        assert_int_equal(rd16(last(CH(TS))->data + H_TYPE), T_NEGOTIATE);
        guest_close(CH(TS));
    }
}

static void edit_wrong_flags(uint8_t *b, uint32_t *len)
{
    (void)len;
    b[H_FLAGS] = F_TRANSACTION | F_REQUEST;
}

static void edit_short(uint8_t *b, uint32_t *len)
{
    (void)b;
    *len = ICMSG_HDR - 4;
}

static void test_negotiate_not_an_answer(void **state)
{
    struct pkt *p;
    uint8_t buf[64];

    (void)state;
    /* Not flagged RESPONSE, or shorter than the headers: not an answer. */
    negotiate_with(SD, edit_wrong_flags);
    assert_int_equal(ic_service_state(ics, IC_SHUTDOWN), IC_SERVICE_NEGOTIATING);
    guest_close(CH(SD));
    negotiate_with(SD, edit_short);
    assert_int_equal(ic_service_state(ics, IC_SHUTDOWN), IC_SERVICE_NEGOTIATING);
    /* A valid answer with another transaction id, or as a completion. */
    p = last(CH(SD));
    memcpy(buf, p->data, p->len);
    lx_negotiate(buf, sizeof(buf), &lx[SD]);
    buf[H_FLAGS] = F_TRANSACTION | F_RESPONSE;
    push(CH(SD), VMBUS_PKT_DATA_INBAND, p->tid + 1, buf, 64);
    push(CH(SD), VMBUS_PKT_COMP, p->tid, buf, 64);
    notify(CH(SD));
    assert_int_equal(ic_service_state(ics, IC_SHUTDOWN), IC_SERVICE_NEGOTIATING);
    /* Then the real one still works. */
    push(CH(SD), VMBUS_PKT_DATA_INBAND, p->tid, buf, 64);
    notify(CH(SD));
    assert_int_equal(ic_service_state(ics, IC_SHUTDOWN), IC_SERVICE_READY);
}

static void test_reopen_renegotiates(void **state)
{
    static const int only5[] = {V(5, 0)};

    (void)state;
    lx_reset();
    lx[KVP].srv = only5;
    lx[KVP].nsrv = 1;
    lx_open(KVP);
    assert_int_equal(ic_service_state(ics, IC_KVP), IC_SERVICE_FAILED);
    guest_close(CH(KVP));
    assert_int_equal(ic_service_state(ics, IC_KVP), IC_SERVICE_CLOSED);
    lx_reset();
    lx_open(KVP);
    assert_int_equal(ic_service_state(ics, IC_KVP), IC_SERVICE_READY);
}

static void test_negotiate_ring_full_retried(void **state)
{
    (void)state;
    CH(SD)->send_rc = VMBUS_RING_FULL;
    guest_open(CH(SD));
    assert_int_equal(CH(SD)->nsent, 0);
    tick_to(now_ms + 1000);
    assert_int_equal(CH(SD)->nsent, 0);
    CH(SD)->send_rc = VMBUS_RING_OK;
    tick_to(now_ms + 1000);
    assert_int_equal(CH(SD)->nsent, 1);
    lx_reset();
    lx_answer_last(SD);
    assert_true(ic_shutdown_ready(ics));
}

/* ------------------------------------------------------------------ */
/* Shutdown.                                                            */

static void test_shutdown_power_off(void **state)
{
    const uint8_t *d;
    uint32_t status = 1;

    (void)state;
    lx_reset();
    lx_open(SD);
    assert_int_equal(ic_shutdown_result(ics, NULL), IC_SHUTDOWN_NONE);
    assert_int_equal(ic_shutdown_request(ics, false), 0);
    assert_int_equal(ic_shutdown_result(ics, NULL), IC_SHUTDOWN_PENDING);
    d = last(CH(SD))->data;
    assert_int_equal(last(CH(SD))->len, ICMSG_HDR + 2060);
    assert_int_equal(rd16(d + H_TYPE), T_SHUTDOWN);
    assert_int_equal(rd16(d + H_SIZE), 2060);
    assert_int_equal(d[H_FLAGS], F_TRANSACTION | F_REQUEST);
    assert_int_equal(rd16(d + H_MSGVER), 3);
    assert_int_equal(rd16(d + H_MSGVER + 2), 2);
    assert_int_equal(rd32(d + ICMSG_HDR), 0x80000000u); /* planned */
    assert_int_equal(rd32(d + ICMSG_HDR + 8), 0);
    lx_answer_last(SD);
    assert_int_equal(seen.shutdown_action, 1);
    assert_int_equal(ic_shutdown_result(ics, &status), IC_SHUTDOWN_ACCEPTED);
    assert_int_equal(status, 0);
}

static void test_shutdown_reboot(void **state)
{
    (void)state;
    lx_reset();
    lx_open(SD);
    assert_int_equal(ic_shutdown_request(ics, true), 0);
    assert_int_equal(rd32(last(CH(SD))->data + ICMSG_HDR + 8), 2);
    lx_answer_last(SD);
    assert_int_equal(seen.shutdown_flags, 2);
    assert_int_equal(seen.shutdown_action, 2);
    assert_int_equal(ic_shutdown_result(ics, NULL), IC_SHUTDOWN_ACCEPTED);
}

static void test_shutdown_not_ready(void **state)
{
    (void)state;
    assert_false(ic_shutdown_ready(ics));
    assert_int_equal(ic_shutdown_request(ics, false), -1);
    guest_open(CH(SD)); /* negotiating */
    assert_false(ic_shutdown_ready(ics));
    assert_int_equal(ic_shutdown_request(ics, true), -1);
    assert_int_equal(CH(SD)->nsent, 1); /* the negotiation only */
    lx_reset();
    lx_answer_last(SD);
    assert_true(ic_shutdown_ready(ics));
    /* A full ring sends nothing and says so. */
    CH(SD)->send_rc = VMBUS_RING_FULL;
    assert_int_equal(ic_shutdown_request(ics, false), -1);
    assert_int_equal(ic_shutdown_result(ics, NULL), IC_SHUTDOWN_NONE);
    CH(SD)->send_rc = VMBUS_RING_OK;
    /* Closed again (the guest unloaded hv_utils). */
    guest_close(CH(SD));
    assert_int_equal(ic_shutdown_request(ics, false), -1);
}

static void test_shutdown_refused_and_stray(void **state)
{
    struct pkt *p;
    uint8_t buf[ICMSG_HDR + 2064];
    uint32_t status;

    (void)state;
    lx_reset();
    lx_open(SD);
    assert_int_equal(ic_shutdown_request(ics, false), 0);
    p = last(CH(SD));
    memset(buf, 0, sizeof(buf));
    memcpy(buf, p->data, p->len);
    buf[H_FLAGS] = F_TRANSACTION | F_RESPONSE;
    wr32(buf + H_STATUS, HV_E_FAIL);
    /* Wrong transaction id, wrong type, too short: all dropped. */
    push(CH(SD), VMBUS_PKT_DATA_INBAND, p->tid + 7, buf, sizeof(buf));
    wr16(buf + H_TYPE, T_HEARTBEAT);
    push(CH(SD), VMBUS_PKT_DATA_INBAND, p->tid, buf, sizeof(buf));
    wr16(buf + H_TYPE, T_SHUTDOWN);
    push(CH(SD), VMBUS_PKT_DATA_INBAND, p->tid, buf, ICMSG_HDR + 12);
    notify(CH(SD));
    assert_int_equal(ic_shutdown_result(ics, NULL), IC_SHUTDOWN_PENDING);
    push(CH(SD), VMBUS_PKT_DATA_INBAND, p->tid, buf, sizeof(buf));
    notify(CH(SD));
    assert_int_equal(ic_shutdown_result(ics, &status), IC_SHUTDOWN_REFUSED);
    assert_int_equal(status, HV_E_FAIL);
    /* Duplicates of the answer change nothing. */
    wr32(buf + H_STATUS, HV_S_OK);
    push(CH(SD), VMBUS_PKT_DATA_INBAND, p->tid, buf, sizeof(buf));
    notify(CH(SD));
    assert_int_equal(ic_shutdown_result(ics, NULL), IC_SHUTDOWN_REFUSED);
}

/* ------------------------------------------------------------------ */
/* Timesync.                                                            */

static void test_timesync_v4_sync_then_samples(void **state)
{
    const uint8_t *d;

    (void)state;
    lx_reset();
    wall_100ns = 133500000000000000ull;
    ref_100ns = 777777;
    lx_open(TS);
    /* SYNC right after the negotiation. */
    assert_int_equal(CH(TS)->nsent, 2);
    d = last(CH(TS))->data;
    assert_int_equal(rd16(d + H_TYPE), T_TIMESYNC);
    assert_int_equal(rd16(d + H_SIZE), 22);
    assert_int_equal(last(CH(TS))->len, ICMSG_HDR + 22);
    lx_answer_last(TS);
    assert_true(seen.ts_v4);
    assert_int_equal(seen.ts_flags, 1);
    assert_int_equal(seen.ts_parent, 133500000000000000ull);
    assert_int_equal(seen.ts_ref, 777777);
    /* No sample before 5 s. */
    wall_100ns += 40000000;
    ref_100ns += 40000000;
    tick_to(now_ms + 4000);
    assert_int_equal(CH(TS)->nsent, 2);
    wall_100ns += 10000000;
    ref_100ns += 10000000;
    tick_to(now_ms + 1000);
    assert_int_equal(CH(TS)->nsent, 3);
    lx_answer_last(TS);
    assert_int_equal(seen.ts_flags, 2);
    assert_int_equal(seen.ts_parent, 133500000050000000ull);
    assert_int_equal(seen.ts_ref, 777777 + 50000000);
    tick_to(now_ms + 5000);
    assert_int_equal(CH(TS)->nsent, 4);
    lx_answer_last(TS);
    assert_int_equal(seen.ts_count, 3);
}

static void test_timesync_v3(void **state)
{
    static const int v3[] = {V(3, 0), V(1, 0)};
    const uint8_t *d;

    (void)state;
    lx_reset();
    lx[TS].srv = v3;
    lx[TS].nsrv = 2;
    wall_100ns = 132000000000000123ull;
    lx_open(TS);
    assert_int_equal(ic_service_version(ics, IC_TIMESYNC), V(3, 0));
    d = last(CH(TS))->data;
    assert_int_equal(last(CH(TS))->len, ICMSG_HDR + 25);
    assert_int_equal(rd64(d + ICMSG_HDR + 8), 0);  /* childtime */
    assert_int_equal(rd64(d + ICMSG_HDR + 16), 0); /* roundtriptime */
    lx_answer_last(TS);
    assert_false(seen.ts_v4);
    assert_int_equal(seen.ts_flags, 1);
    assert_int_equal(seen.ts_parent, 132000000000000123ull);
    tick_to(now_ms + 5000);
    lx_answer_last(TS);
    assert_int_equal(seen.ts_flags, 2);
}

static void test_timesync_one_in_flight(void **state)
{
    (void)state;
    lx_reset();
    lx_open(TS);
    assert_int_equal(CH(TS)->nsent, 2); /* SYNC, unanswered */
    tick_to(now_ms + 5000);
    tick_to(now_ms + 5000);
    assert_int_equal(CH(TS)->nsent, 2);
    /* Forgotten after 30 s: the next sample goes. */
    tick_to(now_ms + 20000);
    assert_int_equal(CH(TS)->nsent, 3);
    assert_int_equal(last(CH(TS))->data[ICMSG_HDR + 16], 2);
}

/* ------------------------------------------------------------------ */
/* Heartbeat.                                                           */

static void test_heartbeat_states(void **state)
{
    const uint8_t *d;

    (void)state;
    lx_reset();
    assert_int_equal(ic_heartbeat_state(ics), IC_HEARTBEAT_NO_CONTACT);
    lx_open(HB);
    /* The first heartbeat goes with the negotiation's answer. */
    assert_int_equal(CH(HB)->nsent, 2);
    d = last(CH(HB))->data;
    assert_int_equal(rd16(d + H_TYPE), T_HEARTBEAT);
    assert_int_equal(last(CH(HB))->len, ICMSG_HDR + 40);
    assert_int_equal(ic_heartbeat_state(ics), IC_HEARTBEAT_NO_CONTACT);
    lx_answer_last(HB);
    assert_int_equal(ic_heartbeat_state(ics), IC_HEARTBEAT_OK);
    /* A tick a second, answered. */
    for (int i = 0; i < 5; i++) {
        tick_to(now_ms + 1000);
        lx_answer_last(HB);
        assert_int_equal(ic_heartbeat_state(ics), IC_HEARTBEAT_OK);
    }
    /* The guest stops answering: OK for 10 s, then LOST. */
    for (int i = 0; i < 9; i++) {
        tick_to(now_ms + 1000);
        assert_int_equal(ic_heartbeat_state(ics), IC_HEARTBEAT_OK);
    }
    now_ms += 1000;
    assert_int_equal(ic_heartbeat_state(ics), IC_HEARTBEAT_LOST); /* without a tick too */
    ic_services_tick(ics);
    assert_int_equal(ic_heartbeat_state(ics), IC_HEARTBEAT_LOST);
    /* One request in flight, replaced once it is 10 s old. */
    {
        unsigned int n = CH(HB)->nsent;
        tick_to(now_ms + 1000);
        assert_int_equal(CH(HB)->nsent, n + 1);
    }
    lx_answer_last(HB);
    assert_int_equal(ic_heartbeat_state(ics), IC_HEARTBEAT_OK);
}

static void test_heartbeat_bad_answers(void **state)
{
    struct pkt *p;
    uint8_t buf[ICMSG_HDR + 40];

    (void)state;
    lx_reset();
    lx_open(HB);
    p = last(CH(HB));
    memcpy(buf, p->data, sizeof(buf));
    buf[H_FLAGS] = F_TRANSACTION | F_RESPONSE;
    /* Unchanged sequence number, +2, error status, truncated, other tid. */
    push(CH(HB), VMBUS_PKT_DATA_INBAND, p->tid, buf, sizeof(buf));
    wr64(buf + ICMSG_HDR, rd64(p->data + ICMSG_HDR) + 2);
    push(CH(HB), VMBUS_PKT_DATA_INBAND, p->tid, buf, sizeof(buf));
    wr64(buf + ICMSG_HDR, rd64(p->data + ICMSG_HDR) + 1);
    wr32(buf + H_STATUS, HV_E_FAIL);
    push(CH(HB), VMBUS_PKT_DATA_INBAND, p->tid, buf, sizeof(buf));
    wr32(buf + H_STATUS, 0);
    push(CH(HB), VMBUS_PKT_DATA_INBAND, p->tid, buf, ICMSG_HDR + 8);
    push(CH(HB), VMBUS_PKT_DATA_INBAND, p->tid + 1, buf, sizeof(buf));
    notify(CH(HB));
    assert_int_equal(ic_heartbeat_state(ics), IC_HEARTBEAT_NO_CONTACT);
    push(CH(HB), VMBUS_PKT_DATA_INBAND, p->tid, buf, sizeof(buf));
    notify(CH(HB));
    assert_int_equal(ic_heartbeat_state(ics), IC_HEARTBEAT_OK);
}

static void test_heartbeat_close_is_no_contact(void **state)
{
    (void)state;
    lx_reset();
    lx_open(HB);
    lx_answer_last(HB);
    assert_int_equal(ic_heartbeat_state(ics), IC_HEARTBEAT_OK);
    guest_close(CH(HB));
    assert_int_equal(ic_heartbeat_state(ics), IC_HEARTBEAT_NO_CONTACT);
    tick_to(now_ms + 60000);
    assert_int_equal(ic_heartbeat_state(ics), IC_HEARTBEAT_NO_CONTACT);
}

/* ------------------------------------------------------------------ */
/* KVP.                                                                 */

static const struct kv auto_pool[] = {
    {"FullyQualifiedDomainName", "child1.example.org"},
    {"IntegrationServicesVersion", "3.1"},
    {"NetworkAddressIPv4", "10.0.0.5"},
    {"NetworkAddressIPv6", "fe80::1"},
    {"OSBuildNumber", "6.1.0-21-amd64"},
    {"OSName", "Debian GNU/Linux"},
    {"OSMajorVersion", "12"},
    {"OSMinorVersion", ""},
    {"OSVersion", "6.1.0-21-amd64"},
    {"ProcessorArchitecture", "x86_64"},
};
static const struct kv guest_pool[] = {{"role", "web"}, {"owner", "ops"}};

static void daemon_reset(void)
{
    daemon_pool[KVP_POOL_AUTO] = auto_pool;
    daemon_n[KVP_POOL_AUTO] = 10;
    daemon_pool[KVP_POOL_GUEST] = guest_pool;
    daemon_n[KVP_POOL_GUEST] = 2;
    daemon_pool[KVP_POOL_EXTERNAL] = NULL;
    daemon_n[KVP_POOL_EXTERNAL] = 0;
    daemon_nset = 0;
}

/* Answer KVP requests as they come, until the host stops sending. */

static unsigned int lx_kvp_run(void)
{
    unsigned int answered = 0;

    while (CH(KVP)->nsent > kvp_done) {
        kvp_done = CH(KVP)->nsent;
        lx_answer_last(KVP);
        answered++;
        assert_true(answered < 1000);
    }
    return answered;
}

static const char *kvp_lookup(const char *pool, const char *key)
{
    for (size_t i = 0; i < ic_kvp_count(ics); i++) {
        const char *p, *k, *v;
        assert_int_equal(ic_kvp_get(ics, i, &p, &k, &v), 0);
        if (strcmp(p, pool) == 0 && strcmp(k, key) == 0)
            return v;
    }
    return NULL;
}

static void test_kvp_enumerate(void **state)
{
    const uint8_t *d;
    const char *p, *k, *v;

    (void)state;
    lx_reset();
    daemon_reset();
    lx_open(KVP);
    /* The first request: ENUMERATE pool auto index 0, a whole hv_kvp_msg. */
    d = last(CH(KVP))->data;
    assert_int_equal(last(CH(KVP))->len, ICMSG_HDR + 2580);
    assert_int_equal(rd16(d + H_TYPE), T_KVP);
    assert_int_equal(d[ICMSG_HDR + K_OP], KVP_OP_ENUMERATE);
    assert_int_equal(d[ICMSG_HDR + K_POOL], KVP_POOL_AUTO);
    assert_int_equal(rd32(d + ICMSG_HDR + K_INDEX), 0);
    /* 11 answers for auto (10 + end), 3 for guest. */
    assert_int_equal(lx_kvp_run(), 14);
    assert_int_equal(ic_kvp_count(ics), 12);
    assert_string_equal(kvp_lookup("auto", "FullyQualifiedDomainName"), "child1.example.org");
    assert_string_equal(kvp_lookup("auto", "OSMinorVersion"), "");
    assert_string_equal(kvp_lookup("guest", "owner"), "ops");
    assert_int_equal(ic_kvp_get(ics, 0, &p, &k, &v), 0);
    assert_string_equal(p, "auto");
    assert_string_equal(k, "FullyQualifiedDomainName");
    assert_int_equal(ic_kvp_get(ics, 11, &p, &k, &v), 0);
    assert_string_equal(p, "guest");
    assert_int_equal(ic_kvp_get(ics, 12, &p, &k, &v), -1);
    /* Quiet until the next round, 10 s later. */
    tick_to(now_ms + 9000);
    assert_int_equal(lx_kvp_run(), 0);
    tick_to(now_ms + 1000);
    assert_int_equal(lx_kvp_run(), 14);
}

static void test_kvp_refresh_replaces(void **state)
{
    static struct kv auto2[] = {{"FullyQualifiedDomainName", "renamed"}};

    (void)state;
    lx_reset();
    daemon_reset();
    lx_open(KVP);
    lx_kvp_run();
    assert_int_equal(ic_kvp_count(ics), 12);
    daemon_pool[KVP_POOL_AUTO] = auto2;
    daemon_n[KVP_POOL_AUTO] = 1;
    daemon_n[KVP_POOL_GUEST] = 0;
    tick_to(now_ms + 10000);
    lx_kvp_run();
    assert_int_equal(ic_kvp_count(ics), 1);
    assert_string_equal(kvp_lookup("auto", "FullyQualifiedDomainName"), "renamed");
    /* The guest goes away: so do its pairs. */
    guest_close(CH(KVP));
    assert_int_equal(ic_kvp_count(ics), 0);
}

static void test_kvp_unicode(void **state)
{
    static const struct kv uni[] = {
        {"FullyQualifiedDomainName", "h\xc3\xb4te-\xe2\x82\xac-\xf0\x9f\x98\x80"},
        {"\xe5\x90\x8d\xe5\x89\x8d", "ok"},
    };

    (void)state;
    lx_reset();
    daemon_reset();
    daemon_pool[KVP_POOL_AUTO] = uni;
    daemon_n[KVP_POOL_AUTO] = 2;
    lx_open(KVP);
    lx_kvp_run();
    assert_string_equal(kvp_lookup("auto", "FullyQualifiedDomainName"),
                        "h\xc3\xb4te-\xe2\x82\xac-\xf0\x9f\x98\x80");
    assert_string_equal(kvp_lookup("auto", "\xe5\x90\x8d\xe5\x89\x8d"), "ok");
}

static void test_kvp_set(void **state)
{
    const uint8_t *d;
    char key[64], value[64];

    (void)state;
    lx_reset();
    daemon_reset();
    /* Queued before the guest is there. */
    assert_int_equal(ic_kvp_set(ics, "VirtualMachineName", "child1"), 0);
    assert_int_equal(ic_kvp_set(ics, "HostName", "old"), 0);
    assert_int_equal(ic_kvp_set(ics, "HostName", "parent"), 0); /* replaces */
    tick_to(now_ms + 1000);
    lx_open(KVP);
    /* Sets go first, before the enumeration. */
    d = CH(KVP)->sent[1].data;
    assert_int_equal(d[ICMSG_HDR + K_OP], KVP_OP_SET);
    assert_int_equal(d[ICMSG_HDR + K_POOL], KVP_POOL_EXTERNAL);
    assert_int_equal(rd32(d + ICMSG_HDR + K_S_TYPE), REG_SZ);
    assert_int_equal(rd32(d + ICMSG_HDR + K_S_KSZ), 2 * (18 + 1));
    assert_int_equal(rd32(d + ICMSG_HDR + K_S_VSZ), 2 * (6 + 1));
    get_ascii(d + ICMSG_HDR + K_S_KEY, 512, key);
    get_ascii(d + ICMSG_HDR + K_S_VAL, 2048, value);
    assert_string_equal(key, "VirtualMachineName");
    assert_string_equal(value, "child1");
    assert_int_equal(rd16(d + ICMSG_HDR + K_S_KEY + 36), 0); /* NUL-terminated */
    lx_kvp_run();
    assert_int_equal(daemon_nset, 2);
    assert_string_equal(daemon_set[1].key, "HostName");
    assert_string_equal(daemon_set[1].value, "parent");
    assert_int_equal(ic_kvp_count(ics), 12);
    /* A set while ready goes with the next pump; delivered once. */
    assert_int_equal(ic_kvp_set(ics, "HostName", "parent2"), 0);
    tick_to(now_ms + 1000);
    lx_kvp_run();
    assert_int_equal(daemon_nset, 3);
    assert_string_equal(daemon_set[2].value, "parent2");
    tick_to(now_ms + 1000);
    assert_int_equal(lx_kvp_run(), 0);
    /* The guest reboots: its new instance gets them again. */
    guest_close(CH(KVP));
    daemon_nset = 0;
    lx_open(KVP);
    lx_kvp_run();
    assert_int_equal(daemon_nset, 2);
}

static void test_kvp_set_bad_input(void **state)
{
    char big[2100];

    (void)state;
    assert_int_equal(ic_kvp_set(ics, NULL, "v"), -1);
    assert_int_equal(ic_kvp_set(ics, "k", NULL), -1);
    assert_int_equal(ic_kvp_set(ics, "", "v"), -1);
    assert_int_equal(ic_kvp_set(ics, "k", ""), 0);
    /* Invalid UTF-8: stray continuation, overlong, encoded surrogate, past
     * U+10FFFF, truncated sequence. */
    assert_int_equal(ic_kvp_set(ics, "a\x80", "v"), -1);
    assert_int_equal(ic_kvp_set(ics, "\xc0\xaf", "v"), -1);
    assert_int_equal(ic_kvp_set(ics, "\xe0\x80\xaf", "v"), -1);
    assert_int_equal(ic_kvp_set(ics, "k", "\xf0\x80\x80\xaf"), -1);
    assert_int_equal(ic_kvp_set(ics, "k", "\xed\xa0\x80"), -1);
    assert_int_equal(ic_kvp_set(ics, "k", "\xf4\x90\x80\x80"), -1);
    assert_int_equal(ic_kvp_set(ics, "k", "\xe2\x82"), -1);
    /* Lengths: 511 UTF-8 bytes of key fit, 512 do not; 255 UTF-16 units
     * plus NUL fit, 256 do not. */
    memset(big, 'k', sizeof(big));
    big[255] = 0;
    assert_int_equal(ic_kvp_set(ics, big, "v"), 0);
    big[255] = 'k';
    big[256] = 0;
    assert_int_equal(ic_kvp_set(ics, big, "v"), -1);
    memset(big, 'v', sizeof(big));
    big[1023] = 0;
    assert_int_equal(ic_kvp_set(ics, "k", big), 0);
    big[1023] = 'v';
    big[1024] = 0;
    assert_int_equal(ic_kvp_set(ics, "k", big), -1);
    /* 170 three-byte characters: 510 UTF-8 bytes but 342 UTF-16 bytes. */
    for (int i = 0; i < 170; i++)
        memcpy(big + 3 * i, "\xe2\x82\xac", 3);
    big[510] = 0;
    assert_int_equal(ic_kvp_set(ics, big, "v"), 0);
    /* 171: 344 UTF-16 bytes would travel, but Linux's 511-byte UTF-8 buffer
     * would cut the key. */
    memcpy(big + 510, "\xe2\x82\xac", 4);
    assert_int_equal(ic_kvp_set(ics, big, "v"), -1);
    /* 700 of them in a value: 1400 UTF-16 bytes fit, 2100 UTF-8 do not. */
    {
        char *v = malloc(3 * 700 + 1);
        assert_non_null(v);
        for (int i = 0; i < 700; i++)
            memcpy(v + 3 * i, "\xe2\x82\xac", 3);
        v[2100] = 0;
        assert_int_equal(ic_kvp_set(ics, "k", v), -1);
        free(v);
    }
}

static void test_kvp_set_limit(void **state)
{
    char key[16];

    (void)state;
    for (unsigned int i = 0; i < IC_KVP_SET_MAX; i++) {
        snprintf(key, sizeof(key), "k%u", i);
        assert_int_equal(ic_kvp_set(ics, key, "v"), 0);
    }
    assert_int_equal(ic_kvp_set(ics, "one-more", "v"), -1);
    assert_int_equal(ic_kvp_set(ics, "k3", "updated"), 0);
}

static void test_kvp_timeout(void **state)
{
    unsigned int n;

    (void)state;
    lx_reset();
    daemon_reset();
    /* The daemon does not run: Linux reads nothing, not even the
     * negotiation.  Nothing hangs, nothing piles up. */
    guest_open(CH(KVP));
    for (int i = 0; i < 120; i++)
        tick_to(now_ms + 1000);
    assert_int_equal(CH(KVP)->nsent, 1);
    assert_int_equal(ic_service_state(ics, IC_KVP), IC_SERVICE_NEGOTIATING);
    assert_int_equal(ic_kvp_set(ics, "k", "v"), 0);
    assert_int_equal(ic_kvp_count(ics), 0);
    /* The daemon starts: negotiation answered, the SET goes, no answer. */
    lx_answer_last(KVP);
    assert_int_equal(ic_service_state(ics, IC_KVP), IC_SERVICE_READY);
    n = CH(KVP)->nsent;
    assert_int_equal(n, 2);
    tick_to(now_ms + 4000);
    assert_int_equal(CH(KVP)->nsent, n);
    tick_to(now_ms + 1000); /* timed out: stalled */
    for (int i = 0; i < 29; i++)
        tick_to(now_ms + 1000);
    assert_int_equal(CH(KVP)->nsent, n);
    tick_to(now_ms + 1000); /* 30 s later: the SET again */
    assert_int_equal(CH(KVP)->nsent, n + 1);
    assert_int_equal(CH(KVP)->sent[n].data[ICMSG_HDR + K_OP], KVP_OP_SET);
    /* Enumerations time out too: pairs seen before stay. */
    lx_kvp_run();
    assert_int_equal(daemon_nset, 1);
    assert_int_equal(ic_kvp_count(ics), 12);
    tick_to(now_ms + 10000);
    n = CH(KVP)->nsent;
    lx_answer_last(KVP); /* index 0, then silence */
    tick_to(now_ms + 5000);
    tick_to(now_ms + 5000);
    assert_int_equal(CH(KVP)->nsent, n + 1);
    assert_int_equal(ic_kvp_count(ics), 12);
}

static void test_kvp_late_answer_ends_stall(void **state)
{
    unsigned int n;

    (void)state;
    lx_reset();
    daemon_reset();
    lx_open(KVP); /* ENUMERATE auto 0 sent, not answered */
    n = CH(KVP)->nsent;
    tick_to(now_ms + 6000);
    assert_int_equal(CH(KVP)->nsent, n);
    /* The late answer: not used, but the guest is alive again, and what
     * waits goes at once instead of after the 30 s stall. */
    lx_answer_last(KVP);
    assert_int_equal(ic_kvp_count(ics), 0);
    assert_int_equal(ic_kvp_set(ics, "k", "v"), 0);
    tick_to(now_ms + 1000);
    assert_int_equal(CH(KVP)->nsent, n + 1);
    assert_int_equal(last(CH(KVP))->data[ICMSG_HDR + K_OP], KVP_OP_SET);
}

/* An enumerate answer to the last request, edited. */
static void kvp_answer_edited(void (*edit)(uint8_t *m, uint32_t *len))
{
    struct pkt *p = last(CH(KVP));
    uint32_t len = (p->len + 7) & ~7u;
    uint8_t *buf = calloc(1, len);

    assert_non_null(buf);
    memcpy(buf, p->data, p->len);
    lx_kvp_daemon(buf);
    buf[H_FLAGS] = F_TRANSACTION | F_RESPONSE;
    edit(buf, &len);
    push(CH(KVP), VMBUS_PKT_DATA_INBAND, p->tid, buf, len);
    free(buf);
    notify(CH(KVP));
}

static void bad_lone_surrogate(uint8_t *b, uint32_t *len)
{
    (void)len;
    wr16(b + ICMSG_HDR + K_E_VAL + 2, 0xd800);
}

static void bad_low_surrogate(uint8_t *b, uint32_t *len)
{
    (void)len;
    wr16(b + ICMSG_HDR + K_E_KEY, 0xdc00);
}

static void bad_odd_size(uint8_t *b, uint32_t *len)
{
    (void)len;
    wr32(b + ICMSG_HDR + K_E_KSZ, rd32(b + ICMSG_HDR + K_E_KSZ) - 1);
}

static void bad_key_size(uint8_t *b, uint32_t *len)
{
    (void)len;
    wr32(b + ICMSG_HDR + K_E_KSZ, 514);
}

static void bad_value_size(uint8_t *b, uint32_t *len)
{
    (void)len;
    wr32(b + ICMSG_HDR + K_E_VSZ, 0xfffffffe);
}

static void bad_type(uint8_t *b, uint32_t *len)
{
    (void)len;
    wr32(b + ICMSG_HDR + K_E_TYPE, 3); /* REG_BINARY */
}

static void bad_empty_key(uint8_t *b, uint32_t *len)
{
    (void)len;
    wr16(b + ICMSG_HDR + K_E_KEY, 0);
}

static void ok_no_nul(uint8_t *b, uint32_t *len)
{
    (void)len;
    /* Key "Fu" without its NUL: the size ends the string. */
    wr32(b + ICMSG_HDR + K_E_KSZ, 4);
}

static void ok_dword(uint8_t *b, uint32_t *len)
{
    (void)len;
    wr32(b + ICMSG_HDR + K_E_TYPE, 4);
    wr32(b + ICMSG_HDR + K_E_VSZ, 4);
    wr32(b + ICMSG_HDR + K_E_VAL, 4000000000u);
}

static void test_kvp_bad_items_skipped(void **state)
{
    void (*const edits[])(uint8_t *, uint32_t *) = {
        bad_lone_surrogate, bad_low_surrogate, bad_odd_size, bad_key_size, bad_value_size,
        bad_type,           bad_empty_key,     ok_no_nul,    ok_dword,
    };
    static struct kv same[9];
    const char *p, *k, *v;

    (void)state;
    for (unsigned int i = 0; i < 9; i++)
        same[i] = auto_pool[0];
    lx_reset();
    daemon_reset();
    daemon_pool[KVP_POOL_AUTO] = same;
    daemon_n[KVP_POOL_AUTO] = 9;
    daemon_n[KVP_POOL_GUEST] = 0;
    lx_open(KVP);
    for (unsigned int i = 0; i < 9; i++) {
        const uint8_t *d = last(CH(KVP))->data;
        assert_int_equal(rd32(d + ICMSG_HDR + K_INDEX), i); /* goes on */
        kvp_answer_edited(edits[i]);
    }
    lx_kvp_run();
    assert_int_equal(ic_kvp_count(ics), 2);
    assert_int_equal(ic_kvp_get(ics, 0, &p, &k, &v), 0);
    assert_string_equal(k, "Fu");
    assert_string_equal(v, "child1.example.org");
    assert_int_equal(ic_kvp_get(ics, 1, &p, &k, &v), 0);
    assert_string_equal(v, "4000000000");
}

static void echo_wrong_index(uint8_t *b, uint32_t *len)
{
    (void)len;
    wr32(b + ICMSG_HDR + K_INDEX, 5);
}

static void echo_wrong_pool(uint8_t *b, uint32_t *len)
{
    (void)len;
    b[ICMSG_HDR + K_POOL] = KVP_POOL_GUEST;
}

static void echo_wrong_op(uint8_t *b, uint32_t *len)
{
    (void)len;
    b[ICMSG_HDR + K_OP] = KVP_OP_SET;
}

static void echo_short(uint8_t *b, uint32_t *len)
{
    (void)b;
    *len = ICMSG_HDR + 2048;
}

static void test_kvp_bad_echo_ignored(void **state)
{
    void (*const edits[])(uint8_t *, uint32_t *) = {echo_wrong_index, echo_wrong_pool,
                                                    echo_wrong_op, echo_short};

    (void)state;
    lx_reset();
    daemon_reset();
    lx_open(KVP);
    for (unsigned int i = 0; i < 4; i++)
        kvp_answer_edited(edits[i]);
    /* Still waiting for index 0. */
    assert_int_equal(CH(KVP)->nsent, 2);
    lx_kvp_run();
    assert_int_equal(ic_kvp_count(ics), 12);
}

static void test_kvp_endless_guest(void **state)
{
    static struct kv many[300];
    static char keys[300][8];

    (void)state;
    for (unsigned int i = 0; i < 300; i++) {
        snprintf(keys[i], sizeof(keys[i]), "k%u", i);
        many[i].key = keys[i];
        many[i].value = "v";
    }
    lx_reset();
    daemon_reset();
    daemon_pool[KVP_POOL_AUTO] = many;
    daemon_n[KVP_POOL_AUTO] = 300;
    daemon_pool[KVP_POOL_GUEST] = many;
    daemon_n[KVP_POOL_GUEST] = 300;
    lx_open(KVP);
    /* At most IC_KVP_POOL_MAX pairs per pool, then the next pool. */
    assert_int_equal(lx_kvp_run(), 2 * IC_KVP_POOL_MAX);
    assert_int_equal(ic_kvp_count(ics), 2 * IC_KVP_POOL_MAX);
}

/* ------------------------------------------------------------------ */
/* Hostile packets on a ready channel.                                 */

static void test_malformed_packets(void **state)
{
    uint8_t buf[ICMSG_HDR + 40], big[9000];
    struct pkt *p;

    (void)state;
    lx_reset();
    lx_open(HB);
    p = last(CH(HB));
    memcpy(buf, p->data, sizeof(buf));
    buf[H_FLAGS] = F_TRANSACTION | F_RESPONSE;
    wr64(buf + ICMSG_HDR, rd64(buf + ICMSG_HDR) + 1);
    /* Empty, shorter than the headers, a completion, a request, unknown
     * message type, a negotiation answer on a ready channel, oversized. */
    push(CH(HB), VMBUS_PKT_DATA_INBAND, p->tid, buf, 0);
    push(CH(HB), VMBUS_PKT_DATA_INBAND, p->tid, buf, ICMSG_HDR - 1);
    push(CH(HB), VMBUS_PKT_COMP, p->tid, buf, sizeof(buf));
    buf[H_FLAGS] = F_TRANSACTION | F_REQUEST;
    push(CH(HB), VMBUS_PKT_DATA_INBAND, p->tid, buf, sizeof(buf));
    buf[H_FLAGS] = F_TRANSACTION | F_RESPONSE;
    wr16(buf + H_TYPE, 0x7fff);
    push(CH(HB), VMBUS_PKT_DATA_INBAND, p->tid, buf, sizeof(buf));
    wr16(buf + H_TYPE, T_NEGOTIATE);
    push(CH(HB), VMBUS_PKT_DATA_INBAND, p->tid, buf, sizeof(buf));
    wr16(buf + H_TYPE, T_HEARTBEAT);
    memset(big, 0xff, sizeof(big));
    memcpy(big, buf, sizeof(buf));
    push(CH(HB), VMBUS_PKT_DATA_INBAND, p->tid, big, sizeof(big));
    notify(CH(HB));
    assert_int_equal(ic_service_state(ics, IC_HEARTBEAT), IC_SERVICE_READY);
    assert_int_equal(ic_heartbeat_state(ics), IC_HEARTBEAT_NO_CONTACT);
    assert_int_equal(CH(HB)->in_head, CH(HB)->in_tail); /* all consumed */
    /* The valid answer still counts. */
    push(CH(HB), VMBUS_PKT_DATA_INBAND, p->tid, buf, sizeof(buf));
    notify(CH(HB));
    assert_int_equal(ic_heartbeat_state(ics), IC_HEARTBEAT_OK);
}

static void test_flood_bounded(void **state)
{
    uint8_t buf[ICMSG_HDR];

    (void)state;
    lx_reset();
    lx_open(SD);
    memset(buf, 0, sizeof(buf));
    for (int i = 0; i < 64; i++)
        push(CH(SD), VMBUS_PKT_DATA_INBAND, 99, buf, sizeof(buf));
    /* Dropped, all of them, and the service is unharmed. */
    notify(CH(SD));
    assert_int_equal(CH(SD)->in_head, CH(SD)->in_tail);
    assert_true(ic_shutdown_ready(ics));
}

static void test_corrupt_ring_closes(void **state)
{
    (void)state;
    lx_reset();
    lx_open(HB);
    lx_answer_last(HB);
    assert_int_equal(ic_heartbeat_state(ics), IC_HEARTBEAT_OK);
    CH(HB)->in[CH(HB)->in_tail++ % 64] = (struct pkt){.rc = VMBUS_RING_CORRUPT, .data = NULL};
    notify(CH(HB));
    assert_int_equal(ic_service_state(ics, IC_HEARTBEAT), IC_SERVICE_CLOSED);
    assert_int_equal(ic_heartbeat_state(ics), IC_HEARTBEAT_NO_CONTACT);
    tick_to(now_ms + 1000); /* nothing sent on the closed channel */
}

static void test_destroy_while_open(void **state)
{
    (void)state;
    lx_reset();
    daemon_reset();
    for (int s = SD; s <= KVP; s++)
        lx_open(s);
    lx_kvp_run();
    assert_int_equal(ic_kvp_set(ics, "k", "v"), 0);
    ic_services_destroy(ics);
    ics = NULL;
    for (unsigned int i = 0; i < 4; i++) {
        assert_true(fake[i].rescinded);
        assert_false(fake[i].open);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_offers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_create_offer_failure, setup, teardown),
        cmocka_unit_test_setup_teardown(test_negotiate_request_format, setup, teardown),
        cmocka_unit_test_setup_teardown(test_negotiate_linux_all_services, setup, teardown),
        cmocka_unit_test_setup_teardown(test_negotiate_each_version, setup, teardown),
        cmocka_unit_test_setup_teardown(test_negotiate_no_common_version, setup, teardown),
        cmocka_unit_test_setup_teardown(test_negotiate_bad_answers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_negotiate_not_an_answer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reopen_renegotiates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_negotiate_ring_full_retried, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shutdown_power_off, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shutdown_reboot, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shutdown_not_ready, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shutdown_refused_and_stray, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timesync_v4_sync_then_samples, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timesync_v3, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timesync_one_in_flight, setup, teardown),
        cmocka_unit_test_setup_teardown(test_heartbeat_states, setup, teardown),
        cmocka_unit_test_setup_teardown(test_heartbeat_bad_answers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_heartbeat_close_is_no_contact, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kvp_enumerate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kvp_refresh_replaces, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kvp_unicode, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kvp_set, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kvp_set_bad_input, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kvp_set_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kvp_timeout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kvp_late_answer_ends_stall, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kvp_bad_items_skipped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kvp_bad_echo_ignored, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kvp_endless_guest, setup, teardown),
        cmocka_unit_test_setup_teardown(test_malformed_packets, setup, teardown),
        cmocka_unit_test_setup_teardown(test_flood_bounded, setup, teardown),
        cmocka_unit_test_setup_teardown(test_corrupt_ring_closes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_destroy_while_open, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
