// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvtest's VMBus client (vmbus_client.h).  Interrupts stay off: the SINT2
 * message slot and the inbound ring are polled, and the SINT is in polling
 * mode so that the hypervisor raises nothing.  The memory the host reads
 * and writes (message and event-flag pages, the hypercall input page, the
 * rings) is .bss, identity-mapped: a pointer is its guest-physical address.
 */
#include "vmbus_client.h"

#define HVCALL_POST_MESSAGE 0x005C
#define HVCALL_SIGNAL_EVENT 0x005D
#define HC_FAST             (1ULL << 16)
#define VMBUS_MESSAGE_TYPE  1
#define SINT_VECTOR         0xF3 /* Linux's HYPERVISOR_CALLBACK_VECTOR; never raised */

/* The TLFS's hv_message in a SIMP slot. */
struct hv_message {
    uint32_t type;
    uint8_t payload_size;
    uint8_t flags;
    uint16_t reserved;
    uint64_t origin;
    uint8_t payload[VMBUS_PAYLOAD_MAX];
};

_Static_assert(sizeof(struct hv_message) == HV_MESSAGE_SIZE, "TLFS HV_MESSAGE");

struct post_message_input {
    uint32_t connection_id;
    uint32_t reserved;
    uint32_t message_type;
    uint32_t payload_size;
    uint8_t payload[VMBUS_PAYLOAD_MAX];
};

static uint8_t simp[4096] __attribute__((aligned(4096)));
static uint8_t siefp[4096] __attribute__((aligned(4096)));
/* HvPostMessage input: 8-byte aligned, within one page, in RAM. */
static struct post_message_input post_input __attribute__((aligned(4096)));
static const void *hypercall_page;

uint64_t vmbus_now(void)
{
    return rdmsr(HV_MSR_TIME_REF_COUNT);
}

/* Through the page, as a guest makes them: RAX is the status. */
static uint64_t hv_call(uint64_t control, uint64_t input)
{
    register uint64_t r8 __asm__("r8") = 0;
    uint64_t status;

    __asm__ volatile("call *%[page]"
                     : "=a"(status), "+c"(control), "+d"(input), "+r"(r8)
                     : [page] "r"(hypercall_page)
                     : "cc", "memory");
    return status;
}

const char *vmbus_synic_init(void)
{
    hypercall_page = hyperv_enable_hypercalls();
    if (!hypercall_page)
        return "the hypercall page did not enable";
    if (wrmsr_safe(HV_MSR_SIMP, (uint64_t)(uintptr_t)simp | 1) != NO_FAULT)
        return "SIMP enable faulted";
    if (wrmsr_safe(HV_MSR_SIEFP, (uint64_t)(uintptr_t)siefp | 1) != NO_FAULT)
        return "SIEFP enable faulted";
    if (wrmsr_safe(HV_MSR_SINT0 + VMBUS_SINT, HV_SINT_POLLING | SINT_VECTOR) != NO_FAULT)
        return "SINT2 write faulted";
    if (wrmsr_safe(HV_MSR_SCONTROL, 1) != NO_FAULT)
        return "SCONTROL enable faulted";
    return NULL;
}

volatile uint64_t *vmbus_event_flags(void)
{
    return (volatile uint64_t *)(siefp + VMBUS_SINT * HV_MESSAGE_SIZE);
}

uint64_t vmbus_post(uint32_t conn, const void *msg, uint32_t size)
{
    const uint8_t *src = msg;

    /* Whole input rewritten: bytes past the payload are zero, not what an
     * earlier message left. */
    for (size_t i = 0; i < sizeof(post_input.payload); i++)
        post_input.payload[i] = i < size ? src[i] : 0;
    post_input.connection_id = conn;
    post_input.reserved = 0;
    post_input.message_type = VMBUS_MESSAGE_TYPE;
    post_input.payload_size = size;
    return hv_call(HVCALL_POST_MESSAGE, (uint64_t)(uintptr_t)&post_input);
}

uint64_t vmbus_signal(uint32_t conn, uint16_t flag)
{
    /* The fast form, as Linux's vmbus_set_event(): the input in RDX. */
    return hv_call(HVCALL_SIGNAL_EVENT | HC_FAST, conn | (uint64_t)flag << 32);
}

bool vmbus_recv(struct vmbus_msg *m, uint64_t timeout)
{
    volatile struct hv_message *slot =
        (volatile struct hv_message *)(simp + VMBUS_SINT * HV_MESSAGE_SIZE);
    uint64_t deadline = vmbus_now() + timeout;

    for (unsigned spin = 0;; spin++) {
        if (__atomic_load_n(&slot->type, __ATOMIC_ACQUIRE))
            break;
        /* The clock is an exit: read it now and then only. */
        if ((spin & 255) == 255 && vmbus_now() > deadline)
            return false;
        __asm__ volatile("pause");
    }
    m->size = slot->payload_size;
    if (m->size > VMBUS_PAYLOAD_MAX)
        m->size = VMBUS_PAYLOAD_MAX; /* the checks see the clipped size */
    for (unsigned i = 0; i < VMBUS_PAYLOAD_MAX; i++)
        m->bytes[i] = i < m->size ? slot->payload[i] : 0;
    /* TLFS: free the slot, then ask for the next message only if the host
     * said it has one; the fence orders the type store before the flags
     * load, against the host's setting of the flag on a full slot. */
    __atomic_store_n(&slot->type, 0, __ATOMIC_RELEASE);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (slot->flags & HV_MSG_PENDING)
        wrmsr(HV_MSR_EOM, 0);
    return true;
}

uint64_t vmbus_post_gpadl_header(uint32_t conn, uint32_t relid, uint32_t gpadl,
                                 const uint64_t *pfns, unsigned n, unsigned first, uint32_t offset,
                                 uint32_t count)
{
    static uint64_t msg[VMBUS_PAYLOAD_MAX / 8];
    struct vmbus_gpadl_header *h = (struct vmbus_gpadl_header *)msg;
    uint8_t *after = (uint8_t *)msg + sizeof(*h);

    *h = (struct vmbus_gpadl_header){
        {VMBUS_MSG_GPADL_HEADER, 0}, relid, gpadl, (uint16_t)(8 + 8 * n), 1};
    copy_bytes(after, &count, 4);
    copy_bytes(after + 4, &offset, 4);
    copy_bytes(after + 8, pfns, 8 * first);
    return vmbus_post(conn, msg, (uint32_t)(sizeof(*h) + 8 + 8 * first));
}

uint64_t vmbus_post_gpadl_body(uint32_t conn, uint32_t gpadl, uint32_t msgnumber,
                               const uint64_t *pfns, unsigned m)
{
    static uint64_t msg[VMBUS_PAYLOAD_MAX / 8];
    struct vmbus_gpadl_body *b = (struct vmbus_gpadl_body *)msg;

    *b = (struct vmbus_gpadl_body){{VMBUS_MSG_GPADL_BODY, 0}, msgnumber, gpadl};
    copy_bytes((uint8_t *)msg + sizeof(*b), pfns, 8 * m);
    return vmbus_post(conn, msg, (uint32_t)(sizeof(*b) + 8 * m));
}

uint64_t vmbus_post_gpadl(uint32_t conn, uint32_t relid, uint32_t gpadl, const uint64_t *pfns,
                          unsigned n, uint32_t offset, uint32_t count)
{
    unsigned first = n < VMBUS_GPADL_HEADER_PFNS ? n : VMBUS_GPADL_HEADER_PFNS;
    uint64_t st = vmbus_post_gpadl_header(conn, relid, gpadl, pfns, n, first, offset, count);

    for (unsigned done = first, k = 1; !st && done < n; k++) {
        unsigned m = n - done < VMBUS_GPADL_BODY_PFNS ? n - done : VMBUS_GPADL_BODY_PFNS;

        st = vmbus_post_gpadl_body(conn, gpadl, k, pfns + done, m);
        done += m;
    }
    return st;
}

/* ---- rings --------------------------------------------------------------------------- */

void vmbus_ring_init(struct vmbus_ring *r, void *base, unsigned pages, bool mask)
{
    volatile uint8_t *p = base;

    /* The header page whole: a reopened ring starts empty, whatever the
     * last use left. */
    for (unsigned i = 0; i < 4096; i++)
        p[i] = 0;
    r->hdr = base;
    r->data = (uint8_t *)base + 4096;
    r->size = (pages - 1) * 4096;
    r->hdr->interrupt_mask = mask;
    r->hdr->feature_bits = VMBUS_RING_FEAT_PENDING;
}

static uint32_t ring_used(const struct vmbus_ring *r, uint32_t w, uint32_t rd)
{
    return w >= rd ? w - rd : r->size - rd + w;
}

static void copy_in(struct vmbus_ring *r, uint32_t at, const void *src, uint32_t len)
{
    const uint8_t *s = src;

    for (uint32_t i = 0; i < len; i++)
        r->data[(at + i) % r->size] = s[i];
}

static void copy_out(const struct vmbus_ring *r, uint32_t at, void *dst, uint32_t len)
{
    uint8_t *d = dst;

    for (uint32_t i = 0; i < len; i++)
        d[i] = r->data[(at + i) % r->size];
}

int vmbus_ring_write(struct vmbus_ring *r, const void *pkt, uint32_t len)
{
    uint32_t w = r->hdr->write_index;
    uint32_t rd = __atomic_load_n(&r->hdr->read_index, __ATOMIC_ACQUIRE);
    uint64_t trailer = (uint64_t)w << 32;

    /* One byte stays free: write_index == read_index means empty. */
    if (r->size - ring_used(r, w, rd) <= len + 8)
        return -1;
    copy_in(r, w, pkt, len);
    copy_in(r, (w + len) % r->size, &trailer, 8);
    /* Release: the packet is in place before the host can see it. */
    __atomic_store_n(&r->hdr->write_index, (w + len + 8) % r->size, __ATOMIC_RELEASE);
    return 0;
}

int vmbus_ring_read(struct vmbus_ring *r, void *buf, uint32_t size, uint32_t *len)
{
    uint32_t w = __atomic_load_n(&r->hdr->write_index, __ATOMIC_ACQUIRE);
    uint32_t rd = r->hdr->read_index;
    uint32_t avail;
    struct vmbus_desc d;

    if (w == rd)
        return 0;
    avail = ring_used(r, w, rd);
    copy_out(r, rd, &d, sizeof(d));
    *len = (uint32_t)d.len8 * 8;
    /* The host's word is checked as the host checks ours. */
    if (w >= r->size || rd >= r->size || (w & 7) || avail < sizeof(d) + 8 || d.offset8 < 2 ||
        d.len8 < d.offset8 || *len > avail - 8 || *len > size)
        return -1;
    copy_out(r, rd, buf, *len);
    /* Release: our copy is done before the host may reuse the space. */
    __atomic_store_n(&r->hdr->read_index, (rd + *len + 8) % r->size, __ATOMIC_RELEASE);
    return 1;
}

bool vmbus_ring_read_signal(const struct vmbus_ring *r)
{
    uint32_t pending, w, rd;

    /* Our read_index store before the pending_send_sz load: the host sets
     * pending_send_sz, then looks at read_index again before it waits. */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    pending = __atomic_load_n(&r->hdr->pending_send_sz, __ATOMIC_ACQUIRE);
    if (!pending)
        return false;
    w = __atomic_load_n(&r->hdr->write_index, __ATOMIC_ACQUIRE);
    rd = r->hdr->read_index;
    return r->size - ring_used(r, w, rd) > pending;
}

/* ---- the connection and a channel ---------------------------------------------------- */

#define TIMEOUT                      (VMBUS_TIMEOUT_S * REF_1S)
#define STATUS_INVALID_CONNECTION_ID 0x12

uint32_t vmbus_msg_conn;

static char err_buf[256];

static const char *err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* What went wrong, for the caller to report. */
static const char *err(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fmt_vsnprintf(err_buf, sizeof(err_buf), fmt, ap);
    va_end(ap);
    return err_buf;
}

static const char *posted(uint64_t status)
{
    return status ? err("expected HvPostMessage status 0x0 got 0x%lx", status) : NULL;
}

const char *vmbus_msg_name(uint32_t type)
{
    switch (type) {
    case VMBUS_MSG_OFFERCHANNEL:
        return "OFFERCHANNEL";
    case VMBUS_MSG_ALLOFFERS_DONE:
        return "ALLOFFERS_DELIVERED";
    case VMBUS_MSG_OPEN_RESULT:
        return "OPENCHANNEL_RESULT";
    case VMBUS_MSG_GPADL_CREATED:
        return "GPADL_CREATED";
    case VMBUS_MSG_GPADL_TORNDOWN:
        return "GPADL_TORNDOWN";
    case VMBUS_MSG_VERSION_RESP:
        return "VERSION_RESPONSE";
    case VMBUS_MSG_UNLOAD_RESP:
        return "UNLOAD_RESPONSE";
    default:
        return "?";
    }
}

const char *vmbus_wait_msg(uint32_t type, uint32_t size, struct vmbus_msg *m)
{
    if (!vmbus_recv(m, TIMEOUT))
        return err("expected message %u (%s) got none in %u s", type, vmbus_msg_name(type),
                   VMBUS_TIMEOUT_S);
    if (m->hdr.type != type)
        return err("expected message %u (%s) got %u (%s)", type, vmbus_msg_name(type), m->hdr.type,
                   vmbus_msg_name(m->hdr.type));
    if (m->size < size)
        return err("expected a %s of at least %u bytes got %u", vmbus_msg_name(type), size,
                   m->size);
    return NULL;
}

const char *vmbus_initiate(uint32_t conn, uint32_t version, uint64_t sint, uint64_t *status,
                           struct vmbus_msg *m)
{
    struct vmbus_initiate_contact ic = {{VMBUS_MSG_INITIATE, 0}, version, 0, sint, 0, 0};

    *status = vmbus_post(conn, &ic, sizeof(ic));
    if (*status)
        return NULL;
    return vmbus_wait_msg(VMBUS_MSG_VERSION_RESP, sizeof(struct vmbus_version_response), m);
}

const char *vmbus_connect(uint32_t *version)
{
    /* Linux's list: newest first, down to Windows 8's 2.4. */
    static const uint32_t versions[] = {0x50003, 0x50002, 0x50001, 0x50000,
                                        0x40001, 0x40000, 0x30000, 0x20004};
    static struct vmbus_msg m;
    const struct vmbus_version_response *r = (const void *)m.bytes;

    for (unsigned i = 0; i < sizeof(versions) / sizeof(versions[0]); i++) {
        uint32_t conn = versions[i] >= VMBUS_V5_0 ? VMBUS_CONN_INITIATE : VMBUS_CONN_LEGACY;
        uint64_t status;
        const char *e = vmbus_initiate(conn, versions[i], VMBUS_SINT, &status, &m);

        if (e)
            return e;
        /* A host that does not serve connection 4 has no 5.x: next one down. */
        if (status == STATUS_INVALID_CONNECTION_ID && conn == VMBUS_CONN_INITIATE)
            continue;
        if (status)
            return posted(status);
        if (!r->supported)
            continue;
        if (r->connection_state)
            return err("expected connection_state 0x0 got 0x%x", r->connection_state);
        vmbus_msg_conn = versions[i] >= VMBUS_V5_0 ? r->msg_conn_id : VMBUS_CONN_LEGACY;
        if (!vmbus_msg_conn)
            return err("expected msg_conn_id non-zero got 0x0");
        *version = versions[i];
        return NULL;
    }
    return err("expected a version the host supports got none from 5.3 down to 2.4");
}

const char *vmbus_find_offer(const uint8_t type[16], struct vmbus_chan *ch, uint32_t *other)
{
    static struct vmbus_msg m;
    const struct vmbus_offer *o = (const void *)m.bytes;
    struct vmbus_hdr ro = {VMBUS_MSG_REQUESTOFFERS, 0};
    const char *e = posted(vmbus_post(vmbus_msg_conn, &ro, sizeof(ro)));

    if (e)
        return e;
    ch->offered = false;
    if (other)
        *other = 0;
    for (;;) {
        if (!vmbus_recv(&m, TIMEOUT))
            return err("expected OFFERCHANNEL or ALLOFFERS_DELIVERED got none in %u s",
                       VMBUS_TIMEOUT_S);
        if (m.hdr.type == VMBUS_MSG_ALLOFFERS_DONE)
            return NULL;
        if (m.hdr.type != VMBUS_MSG_OFFERCHANNEL)
            return err("expected OFFERCHANNEL or ALLOFFERS_DELIVERED got message %u", m.hdr.type);
        if (m.size < sizeof(*o))
            return err("expected an OFFERCHANNEL of %lu bytes got %u", sizeof(*o), m.size);
        if (o->sub_channel_index)
            continue;
        if (same_bytes(o->if_type, type, 16)) {
            if (ch->offered)
                continue;
            ch->offered = true;
            ch->relid = o->child_relid;
            ch->conn_id = o->connection_id;
            ch->monitor_allocated = o->monitor_allocated;
            ch->dedicated_interrupt = o->is_dedicated_interrupt;
        } else if (other && !*other) {
            *other = o->child_relid;
        }
    }
}

const char *vmbus_gpadl(uint32_t relid, uint32_t gpadl, const uint64_t *pfns, unsigned n,
                        uint32_t offset, uint32_t count, uint32_t *status)
{
    static struct vmbus_msg m;
    const struct vmbus_gpadl_created *c = (const void *)m.bytes;
    const char *e = posted(vmbus_post_gpadl(vmbus_msg_conn, relid, gpadl, pfns, n, offset, count));

    if (!e)
        e = vmbus_wait_msg(VMBUS_MSG_GPADL_CREATED, sizeof(*c), &m);
    if (e)
        return e;
    if (c->child_relid != relid || c->gpadl != gpadl)
        return err("expected GPADL_CREATED for GPADL 0x%x of relid %u got one for 0x%x of %u",
                   gpadl, relid, c->gpadl, c->child_relid);
    *status = c->status;
    return NULL;
}

const char *vmbus_gpadl_teardown(uint32_t relid, uint32_t gpadl)
{
    static struct vmbus_msg m;
    struct vmbus_gpadl_teardown t = {{VMBUS_MSG_GPADL_TEARDOWN, 0}, relid, gpadl};
    const struct vmbus_gpadl_torndown *td = (const void *)m.bytes;
    const char *e = posted(vmbus_post(vmbus_msg_conn, &t, sizeof(t)));

    if (!e)
        e = vmbus_wait_msg(VMBUS_MSG_GPADL_TORNDOWN, sizeof(*td), &m);
    if (e)
        return e;
    if (td->gpadl != gpadl)
        return err("expected GPADL_TORNDOWN for 0x%x got it for 0x%x", gpadl, td->gpadl);
    return NULL;
}

void vmbus_chan_rings(struct vmbus_chan *ch, void *base, unsigned out, unsigned in)
{
    ch->ring_base = base;
    ch->out_pages = out;
    ch->in_pages = in;
}

uint64_t vmbus_post_open(struct vmbus_chan *ch, uint32_t relid, uint32_t openid, uint32_t gpadl,
                         uint32_t downstream, uint32_t size)
{
    static struct vmbus_open_channel o;

    fill_bytes(&o, 0, sizeof(o));
    o.hdr.type = VMBUS_MSG_OPENCHANNEL;
    o.child_relid = relid;
    o.openid = openid;
    o.gpadl = gpadl;
    o.target_vp = 0;
    o.downstream_page_offset = downstream;
    /* A channel opens on empty rings, whatever it was before. */
    vmbus_ring_init(&ch->out, ch->ring_base, ch->out_pages, false);
    vmbus_ring_init(&ch->in, ch->ring_base + ch->out_pages * 4096, ch->in_pages, false);
    return vmbus_post(vmbus_msg_conn, &o, size);
}

const char *vmbus_open(struct vmbus_chan *ch, uint32_t openid, uint32_t gpadl, uint32_t downstream,
                       uint32_t *status)
{
    static struct vmbus_msg m;
    const struct vmbus_open_result *r = (const void *)m.bytes;
    const char *e = posted(vmbus_post_open(ch, ch->relid, openid, gpadl, downstream,
                                           sizeof(struct vmbus_open_channel)));

    if (!e)
        e = vmbus_wait_msg(VMBUS_MSG_OPEN_RESULT, sizeof(*r), &m);
    if (e)
        return e;
    if (r->child_relid != ch->relid || r->openid != openid)
        return err("expected OPENCHANNEL_RESULT for relid %u open id %u got relid %u open id %u",
                   ch->relid, openid, r->child_relid, r->openid);
    *status = r->status;
    return NULL;
}

const char *vmbus_close(const struct vmbus_chan *ch)
{
    struct vmbus_relid_msg c = {{VMBUS_MSG_CLOSECHANNEL, 0}, ch->relid};

    return posted(vmbus_post(vmbus_msg_conn, &c, sizeof(c)));
}

const char *vmbus_unload(void)
{
    static struct vmbus_msg m;
    struct vmbus_hdr unload = {VMBUS_MSG_UNLOAD, 0};
    const char *e = posted(vmbus_post(vmbus_msg_conn, &unload, sizeof(unload)));

    return e ? e : vmbus_wait_msg(VMBUS_MSG_UNLOAD_RESP, sizeof(struct vmbus_hdr), &m);
}

/* ---- packets on a channel ------------------------------------------------------------ */

uint32_t vmbus_build_inband(void *dst, uint16_t type, uint16_t flags, uint64_t tid,
                            const void *payload, uint32_t len)
{
    struct vmbus_desc *d = dst;
    uint32_t total = (sizeof(*d) + len + 7) & ~7u;

    fill_bytes(dst, 0, total);
    *d = (struct vmbus_desc){type, 2, (uint16_t)(total / 8), flags, tid};
    copy_bytes((uint8_t *)dst + sizeof(*d), payload, len);
    return total;
}

uint32_t vmbus_build_gpa(void *dst, uint64_t tid, uint32_t rangecount, const uint64_t *ranges,
                         unsigned words, const void *payload, uint32_t len)
{
    struct vmbus_desc *d = dst;
    uint32_t off = 24 + 8 * words, total = (off + len + 7) & ~7u;
    uint32_t head[2] = {0, rangecount}; /* reserved, rangecount */

    fill_bytes(dst, 0, total);
    *d = (struct vmbus_desc){VMBUS_PKT_GPA_DIRECT, (uint16_t)(off / 8), (uint16_t)(total / 8),
                             VMBUS_PKT_FLAG_COMPLETION, tid};
    copy_bytes((uint8_t *)dst + 16, head, 8);
    copy_bytes((uint8_t *)dst + 24, ranges, 8 * words);
    copy_bytes((uint8_t *)dst + off, payload, len);
    return total;
}

unsigned vmbus_range(uint64_t *out, const void *p, uint32_t len)
{
    uint32_t off = (uint32_t)(gpa(p) & 4095), n = (off + len + 4095) / 4096;

    out[0] = len | (uint64_t)off << 32;
    for (uint32_t i = 0; i < n; i++)
        out[1 + i] = pfn(p) + i;
    return 1 + n;
}

const char *vmbus_chan_signal(const struct vmbus_chan *ch)
{
    uint64_t status = vmbus_signal(ch->conn_id, 0);

    return status ? err("expected HvSignalEvent status 0x0 got 0x%lx", status) : NULL;
}

const char *vmbus_chan_send(struct vmbus_chan *ch, const void *pkt, uint32_t len, bool signal)
{
    if (vmbus_ring_write(&ch->out, pkt, len))
        return err("expected room in the outbound ring got none (the host does not read it)");
    return signal ? vmbus_chan_signal(ch) : NULL;
}

const char *vmbus_chan_read(struct vmbus_chan *ch, void *buf, uint32_t size, uint32_t *len,
                            bool *got)
{
    int rc;

    *len = 0;
    rc = vmbus_ring_read(&ch->in, buf, size, len);
    *got = rc > 0;
    if (rc < 0)
        return err("expected a well-formed packet in the inbound ring got one of %u bytes (write "
                   "index 0x%x, read index 0x%x)",
                   *len, ch->in.hdr->write_index, ch->in.hdr->read_index);
    if (rc > 0 && vmbus_ring_read_signal(&ch->in)) {
        ch->host_waits++;
        return vmbus_chan_signal(ch);
    }
    return NULL;
}
