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

/* Byte by byte: the compiler is not to call a memcpy we do not have. */
static void copy(void *dst, const void *src, size_t n)
{
    volatile uint8_t *d = dst;
    const uint8_t *s = src;

    for (size_t i = 0; i < n; i++)
        d[i] = s[i];
}

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

uint64_t vmbus_post_gpadl(uint32_t conn, uint32_t relid, uint32_t gpadl, const uint64_t *pfns,
                          unsigned n, uint32_t offset, uint32_t count)
{
    static uint64_t msg[VMBUS_PAYLOAD_MAX / 8];
    struct vmbus_gpadl_header *h = (struct vmbus_gpadl_header *)msg;
    struct vmbus_gpadl_body *b = (struct vmbus_gpadl_body *)msg;
    uint8_t *after = (uint8_t *)msg + sizeof(*h);
    unsigned first = n < VMBUS_GPADL_HEADER_PFNS ? n : VMBUS_GPADL_HEADER_PFNS;
    uint64_t st;

    *h = (struct vmbus_gpadl_header){
        {VMBUS_MSG_GPADL_HEADER, 0}, relid, gpadl, (uint16_t)(8 + 8 * n), 1};
    copy(after, &count, 4);
    copy(after + 4, &offset, 4);
    copy(after + 8, pfns, 8 * first);
    st = vmbus_post(conn, msg, (uint32_t)(sizeof(*h) + 8 + 8 * first));
    for (unsigned done = first, k = 1; !st && done < n; k++) {
        unsigned m = n - done < VMBUS_GPADL_BODY_PFNS ? n - done : VMBUS_GPADL_BODY_PFNS;

        *b = (struct vmbus_gpadl_body){{VMBUS_MSG_GPADL_BODY, 0}, k, gpadl};
        copy((uint8_t *)msg + sizeof(*b), pfns + done, 8 * m);
        st = vmbus_post(conn, msg, (uint32_t)(sizeof(*b) + 8 * m));
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
