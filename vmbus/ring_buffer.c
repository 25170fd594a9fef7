/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The host side of a VMBus ring buffer; see vmbus/ring_buffer.h.
 *
 * Ordering, as in Linux drivers/hv/ring_buffer.c: a reader loads the other
 * side's write_index with acquire (the data it covers is visible) and
 * publishes read_index with release (its copies are done before the writer
 * may reuse the space); a writer publishes write_index with release after the
 * data.  The signalling decisions come after a full barrier, so that the
 * index just published and the other side's flags are ordered against the
 * other side's own publish-then-check sequence (otherwise both sides could
 * miss each other and sleep).
 */
#include <string.h>

#include <vmbus/ring_buffer.h>

static uint32_t load_acquire(volatile uint32_t *p)
{
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static uint32_t load_once(volatile uint32_t *p)
{
    return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static void store_release(volatile uint32_t *p, uint32_t v)
{
    __atomic_store_n(p, v, __ATOMIC_RELEASE);
}

static bool index_ok(const struct vmbus_ring *ring, uint32_t idx)
{
    return idx < ring->data_size && (idx & 7) == 0;
}

/* Bytes written and not yet read. */
static uint32_t bytes_to_read(const struct vmbus_ring *ring, uint32_t w, uint32_t r)
{
    return w >= r ? w - r : ring->data_size - r + w;
}

/* Free bytes, counting the one that must stay free (Linux
 * hv_get_bytes_to_write()): a packet fits only if this is strictly larger. */
static uint32_t bytes_to_write(const struct vmbus_ring *ring, uint32_t w, uint32_t r)
{
    return ring->data_size - bytes_to_read(ring, w, r);
}

static uint32_t advance(const struct vmbus_ring *ring, uint32_t idx, uint32_t n)
{
    /* idx < data_size and n <= data_size, both <= VMBUS_RING_DATA_MAX: no
     * 32-bit overflow. */
    idx += n;
    return idx >= ring->data_size ? idx - ring->data_size : idx;
}

/* Copy len bytes (len <= data_size) starting at data[off], wrapping. */
static void copy_from_ring(const struct vmbus_ring *ring, uint32_t off, void *dst, uint32_t len)
{
    uint32_t first = ring->data_size - off;

    if (first > len)
        first = len;
    memcpy(dst, ring->data + off, first);
    memcpy((uint8_t *)dst + first, ring->data, len - first);
}

/* Copy len bytes to data[off], wrapping; returns the offset after them. */
static uint32_t copy_to_ring(const struct vmbus_ring *ring, uint32_t off, const void *src,
                             uint32_t len)
{
    uint32_t first = ring->data_size - off;

    if (first > len)
        first = len;
    memcpy(ring->data + off, src, first);
    memcpy(ring->data, (const uint8_t *)src + first, len - first);
    return advance(ring, off, len);
}

int vmbus_ring_init(struct vmbus_ring *ring, void *hdr, void *data, uint32_t data_size)
{
    if (!ring || !hdr || !data)
        return VMBUS_RING_EINVAL;
    /* The index fields are accessed atomically: they must be naturally aligned. */
    if ((uintptr_t)hdr & 7)
        return VMBUS_RING_EINVAL;
    if (data_size == 0 || data_size % VMBUS_RING_PAGE || data_size > VMBUS_RING_DATA_MAX)
        return VMBUS_RING_EINVAL;
    memset(ring, 0, sizeof(*ring));
    ring->hdr = hdr;
    ring->data = data;
    ring->data_size = data_size;
    return VMBUS_RING_OK;
}

/* The next packet's validated descriptor, its read index and its length
 * (descriptor, payload and padding, without trailer). */
static int next_packet(struct vmbus_ring *ring, struct vmbus_packet_desc *desc, uint32_t *read,
                       uint32_t *pkt_len)
{
    uint32_t w, r, avail, len, off;

    ring->peeked = false;
    /* Acquire: the packet bytes below write_index are visible after this. */
    w = load_acquire(&ring->hdr->write_index);
    r = load_once(&ring->hdr->read_index);
    if (!index_ok(ring, w) || !index_ok(ring, r))
        return VMBUS_RING_CORRUPT;

    avail = bytes_to_read(ring, w, r);
    if (avail == 0)
        return VMBUS_RING_EMPTY;
    /* The writer publishes whole packets: anything written holds at least a
     * descriptor and a trailer. */
    if (avail < sizeof(*desc) + VMBUS_RING_TRAILER)
        return VMBUS_RING_CORRUPT;

    /* Read the descriptor once; the checks and the copy length use this copy. */
    copy_from_ring(ring, r, desc, sizeof(*desc));
    off = (uint32_t)desc->offset8 * 8;
    len = (uint32_t)desc->len8 * 8;
    if (off < sizeof(*desc) || len < off || len > avail - VMBUS_RING_TRAILER)
        return VMBUS_RING_CORRUPT;
    *read = r;
    *pkt_len = len;
    return VMBUS_RING_OK;
}

/* What vmbus_ring_consume() advances past. */
static void mark_peeked(struct vmbus_ring *ring, uint32_t r, uint32_t len)
{
    ring->peeked = true;
    ring->peek_read = r;
    ring->peek_bytes = len + VMBUS_RING_TRAILER;
    ring->peek_next = advance(ring, r, ring->peek_bytes);
}

int vmbus_ring_peek(struct vmbus_ring *ring, void *buf, size_t buf_size, uint32_t *pkt_len)
{
    struct vmbus_packet_desc desc;
    uint32_t r, len;
    int rc;

    if (!ring || !pkt_len || (!buf && buf_size))
        return VMBUS_RING_EINVAL;
    rc = next_packet(ring, &desc, &r, &len);
    if (rc != VMBUS_RING_OK)
        return rc;
    *pkt_len = len;
    if (len > buf_size)
        return VMBUS_RING_TOO_BIG;

    copy_from_ring(ring, r, buf, len);
    /* The guest may have rewritten the descriptor since it was checked: give
     * the caller the validated one. */
    memcpy(buf, &desc, sizeof(desc));
    mark_peeked(ring, r, len);
    return VMBUS_RING_OK;
}

int vmbus_ring_skip(struct vmbus_ring *ring, bool *signal)
{
    struct vmbus_packet_desc desc;
    uint32_t r, len;
    int rc;

    if (!ring || !signal)
        return VMBUS_RING_EINVAL;
    rc = next_packet(ring, &desc, &r, &len);
    if (rc != VMBUS_RING_OK)
        return rc;
    mark_peeked(ring, r, len);
    return vmbus_ring_consume(ring, signal);
}

int vmbus_ring_consume(struct vmbus_ring *ring, bool *signal)
{
    volatile struct vmbus_ring_header *hdr;
    uint32_t pending, w, free_now;

    if (!ring || !signal || !ring->peeked)
        return VMBUS_RING_EINVAL;
    hdr = ring->hdr;
    *signal = false;
    ring->peeked = false;

    /* Release: the copy out of the ring is complete before the guest may
     * overwrite that space. */
    store_release(&hdr->read_index, ring->peek_next);

    /* A writer that does not know pending_send_sz polls when full. */
    if (!(load_once(&hdr->feature_bits) & VMBUS_RING_FEAT_PENDING_SEND_SZ))
        return VMBUS_RING_OK;

    /* Order the read_index store before the pending_send_sz load: the guest
     * sets pending_send_sz, then re-checks read_index before sleeping. */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    /* Acquire: pending_send_sz is read before write_index, as Linux's virt_rmb(). */
    pending = load_acquire(&hdr->pending_send_sz);
    if (pending == 0)
        return VMBUS_RING_OK;

    w = load_acquire(&hdr->write_index);
    if (!index_ok(ring, w))
        return VMBUS_RING_CORRUPT;
    free_now = bytes_to_write(ring, w, ring->peek_next);
    /* The guest moved write_index so that less is free than we just freed:
     * it broke the protocol; don't signal. */
    if (free_now < ring->peek_bytes)
        return VMBUS_RING_CORRUPT;

    /* Signal only on the transition from "not enough" to "enough" free space
     * (exactly pending_send_sz counts as not enough: one byte stays free); a
     * read that leaves enough space after enough was already there gives
     * no second signal. */
    if (free_now - ring->peek_bytes > pending)
        return VMBUS_RING_OK;
    if (free_now <= pending)
        return VMBUS_RING_OK;
    *signal = true;
    return VMBUS_RING_OK;
}

int vmbus_ring_send_hdr(struct vmbus_ring *ring, uint16_t type, uint16_t flags, uint64_t trans_id,
                        const void *type_hdr, size_t type_hdr_len, const struct vmbus_ring_iov *iov,
                        unsigned int iov_count, bool *signal)
{
    static const uint8_t zeros[8];
    volatile struct vmbus_ring_header *hdr;
    struct vmbus_packet_desc desc;
    uint64_t payload = 0, trailer;
    uint32_t len, total, w, r, pos;
    unsigned int i;

    if (!ring || !signal || (!iov && iov_count))
        return VMBUS_RING_EINVAL;
    /* offset8 counts 8-byte units and is 16 bits wide. */
    if (type_hdr_len % 8 || (!type_hdr && type_hdr_len) || type_hdr_len > VMBUS_RING_PKT_MAX)
        return VMBUS_RING_EINVAL;
    hdr = ring->hdr;
    *signal = false;

    for (i = 0; i < iov_count; i++) {
        if (!iov[i].base && iov[i].len)
            return VMBUS_RING_EINVAL;
        payload += iov[i].len;
        if (payload > VMBUS_RING_PKT_MAX)
            return VMBUS_RING_EINVAL;
    }
    len = (uint32_t)((sizeof(desc) + type_hdr_len + payload + 7) & ~(uint64_t)7);
    if (len > VMBUS_RING_PKT_MAX)
        return VMBUS_RING_EINVAL;
    total = len + VMBUS_RING_TRAILER;
    /* One byte always stays free: such a packet never fits, and waiting for
     * room would wait forever. */
    if (total >= ring->data_size)
        return VMBUS_RING_EINVAL;

    /* Acquire: the guest's reads of the space it frees are done. */
    r = load_acquire(&hdr->read_index);
    w = load_once(&hdr->write_index);
    if (!index_ok(ring, w) || !index_ok(ring, r))
        return VMBUS_RING_CORRUPT;
    /* Strictly larger: writing exactly the free space would make
     * write_index == read_index, which means empty. */
    if (bytes_to_write(ring, w, r) <= total) {
        /* Ask the guest for a signal once the packet fits: its reader
         * (Linux hv_pkt_iter_close()) signals when the free space grows from
         * <= pending_send_sz to > pending_send_sz, and the packet fits
         * exactly when free > total.  Without this the guest never signals
         * a full ring and the device would wait forever. */
        store_release(&hdr->pending_send_sz, total);
        /* Order that store before re-reading read_index: the guest publishes
         * read_index, then reads pending_send_sz, so either it sees our
         * request or we see the room it made. */
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        r = load_acquire(&hdr->read_index);
        if (!index_ok(ring, r))
            return VMBUS_RING_CORRUPT;
        if (bytes_to_write(ring, w, r) <= total)
            return VMBUS_RING_FULL;
    }
    /* Room now: withdraw an earlier request so the guest stops signalling. */
    if (load_once(&hdr->pending_send_sz))
        __atomic_store_n(&hdr->pending_send_sz, 0, __ATOMIC_RELAXED);

    desc.type = type;
    desc.offset8 = (uint16_t)((sizeof(desc) + type_hdr_len) / 8);
    desc.len8 = (uint16_t)(len / 8);
    desc.flags = flags;
    desc.trans_id = trans_id;

    pos = copy_to_ring(ring, w, &desc, sizeof(desc));
    if (type_hdr_len)
        pos = copy_to_ring(ring, pos, type_hdr, (uint32_t)type_hdr_len);
    for (i = 0; i < iov_count; i++)
        if (iov[i].len)
            pos = copy_to_ring(ring, pos, iov[i].base, (uint32_t)iov[i].len);
    pos = copy_to_ring(ring, pos, zeros,
                       len - sizeof(desc) - (uint32_t)type_hdr_len - (uint32_t)payload);
    /* Linux's trailer: the write_index before this packet, upper 32 bits. */
    trailer = (uint64_t)w << 32;
    pos = copy_to_ring(ring, pos, &trailer, sizeof(trailer));

    /* Release: the packet is in place before the guest can see it. */
    store_release(&hdr->write_index, pos);

    /* Order the write_index store before the loads below: the guest clears
     * interrupt_mask, then re-checks write_index before sleeping. */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    /* Acquire: interrupt_mask is read before read_index, as Linux's virt_rmb(). */
    if (load_acquire(&hdr->interrupt_mask))
        return VMBUS_RING_OK;
    /* Only the empty -> non-empty transition needs a signal: otherwise the
     * guest is still reading and will find this packet itself. */
    if (load_acquire(&hdr->read_index) == w)
        *signal = true;
    return VMBUS_RING_OK;
}

int vmbus_ring_send(struct vmbus_ring *ring, uint16_t type, uint16_t flags, uint64_t trans_id,
                    const struct vmbus_ring_iov *iov, unsigned int iov_count, bool *signal)
{
    return vmbus_ring_send_hdr(ring, type, flags, trans_id, NULL, 0, iov, iov_count, signal);
}
