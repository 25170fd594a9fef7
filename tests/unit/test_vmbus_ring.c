/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of vmbus/ring_buffer.c, the host side of a VMBus ring: packet
 * round trips of many sizes across the wrap, the exact "full" boundary (one
 * byte stays free), hostile indexes and descriptors, both signalling rules
 * and the trailer.  The guest side is played by small helpers written from
 * Linux's layout, independent of the code under test, so that a symmetric bug
 * in send and peek cannot pass.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <vmbus/ring_buffer.h>

#define PKT_INBAND 6 /* Linux VM_PKT_DATA_INBAND */
#define PKT_COMP   11

struct tring {
    struct vmbus_ring_header *hdr;
    uint8_t *data;
    uint32_t size;
    struct vmbus_ring ring;
};

static void tring_init(struct tring *t, uint32_t size)
{
    uint8_t *mem = aligned_alloc(4096, VMBUS_RING_HDR_SIZE + size);

    assert_non_null(mem);
    /* Non-zero garbage, so that missing padding or stray writes show. */
    memset(mem, 0xa5, VMBUS_RING_HDR_SIZE + size);
    t->hdr = (struct vmbus_ring_header *)mem;
    memset(t->hdr, 0, sizeof(*t->hdr));
    t->data = mem + VMBUS_RING_HDR_SIZE;
    t->size = size;
    assert_int_equal(vmbus_ring_init(&t->ring, t->hdr, t->data, size), VMBUS_RING_OK);
}

static void tring_free(struct tring *t)
{
    free(t->hdr);
}

static void tring_set(struct tring *t, uint32_t w, uint32_t r)
{
    t->hdr->write_index = w;
    t->hdr->read_index = r;
}

/* Guest-side byte access, wrapping: the reference the library is checked against. */
static void gput(struct tring *t, uint32_t off, const void *src, uint32_t len)
{
    for (uint32_t i = 0; i < len; i++)
        t->data[(off + i) % t->size] = ((const uint8_t *)src)[i];
}

static void gget(struct tring *t, uint32_t off, void *dst, uint32_t len)
{
    for (uint32_t i = 0; i < len; i++)
        ((uint8_t *)dst)[i] = t->data[(off + i) % t->size];
}

static uint8_t pattern(uint32_t seed, uint32_t i)
{
    return (uint8_t)(seed * 31 + i * 7 + 1);
}

/* The guest writes a raw descriptor at write_index, then payload_len pattern
 * bytes, and publishes write_index + advance.  Returns the old write_index. */
static uint32_t guest_raw(struct tring *t, uint16_t offset8, uint16_t len8, uint32_t payload_len,
                          uint32_t seed, uint32_t advance)
{
    struct vmbus_packet_desc d = {PKT_INBAND, offset8, len8, 0, 0x1000 + seed};
    uint32_t w = t->hdr->write_index;

    gput(t, w, &d, sizeof(d));
    for (uint32_t i = 0; i < payload_len; i++) {
        uint8_t b = pattern(seed, i);
        gput(t, w + 16 + i, &b, 1);
    }
    t->hdr->write_index = (w + advance) % t->size;
    return w;
}

/* A well-formed guest packet as Linux writes it: payload padded to 8, trailer. */
static uint32_t guest_send(struct tring *t, uint32_t payload_len, uint32_t seed)
{
    uint32_t len = (16 + payload_len + 7) & ~7u;
    uint32_t w = t->hdr->write_index;
    uint64_t trailer = (uint64_t)w << 32;

    guest_raw(t, 2, (uint16_t)(len / 8), payload_len, seed, len + 8);
    gput(t, w + len, &trailer, 8);
    return w;
}

static uint32_t free_bytes(struct tring *t)
{
    uint32_t w = t->hdr->write_index, r = t->hdr->read_index;
    return t->size - (w >= r ? w - r : t->size - r + w);
}

static void test_init_checks(void **state)
{
    static uint64_t hdr[VMBUS_RING_HDR_SIZE / 8];
    static uint8_t data[8192];
    struct vmbus_ring ring;
    (void)state;

    assert_int_equal(vmbus_ring_init(&ring, hdr, data, 4096), VMBUS_RING_OK);
    assert_int_equal(vmbus_ring_init(&ring, hdr, data, 8192), VMBUS_RING_OK);
    assert_int_equal(vmbus_ring_init(&ring, hdr, data, 0), VMBUS_RING_EINVAL);
    assert_int_equal(vmbus_ring_init(&ring, hdr, data, 4095), VMBUS_RING_EINVAL);
    assert_int_equal(vmbus_ring_init(&ring, hdr, data, 4096 + 8), VMBUS_RING_EINVAL);
    assert_int_equal(vmbus_ring_init(&ring, hdr, data, VMBUS_RING_DATA_MAX), VMBUS_RING_OK);
    assert_int_equal(vmbus_ring_init(&ring, hdr, data, VMBUS_RING_DATA_MAX + 4096),
                     VMBUS_RING_EINVAL);
    assert_int_equal(vmbus_ring_init(&ring, NULL, data, 4096), VMBUS_RING_EINVAL);
    assert_int_equal(vmbus_ring_init(&ring, hdr, NULL, 4096), VMBUS_RING_EINVAL);
    assert_int_equal(vmbus_ring_init(&ring, (uint8_t *)hdr + 4, data, 4096), VMBUS_RING_EINVAL);
    assert_int_equal(vmbus_ring_init(NULL, hdr, data, 4096), VMBUS_RING_EINVAL);
}

/* Host -> guest: the bytes the library writes, parsed the way Linux does. */
static void check_guest_sees(struct tring *t, uint32_t at, uint32_t payload_len, uint32_t seed,
                             uint64_t trans_id)
{
    struct vmbus_packet_desc d;
    uint32_t len = (16 + payload_len + 7) & ~7u;
    uint64_t trailer;
    uint8_t b;

    gget(t, at, &d, sizeof(d));
    assert_int_equal(d.type, PKT_COMP);
    assert_int_equal(d.offset8, 2);
    assert_int_equal(d.len8, len / 8);
    assert_int_equal(d.flags, 1);
    assert_true(d.trans_id == trans_id);
    for (uint32_t i = 0; i < payload_len; i++) {
        gget(t, at + 16 + i, &b, 1);
        assert_int_equal(b, pattern(seed, i));
    }
    for (uint32_t i = 16 + payload_len; i < len; i++) {
        gget(t, at + i, &b, 1);
        assert_int_equal(b, 0);
    }
    gget(t, at + len, &trailer, 8);
    /* Linux hv_get_ring_bufferindices(): the old write_index, upper half. */
    assert_true(trailer == (uint64_t)at << 32);
    assert_int_equal(t->hdr->write_index, (at + len + 8) % t->size);
}

static void test_send_many_sizes_wrap(void **state)
{
    struct tring t;
    uint8_t payload[3000];
    bool sig;
    unsigned wraps = 0;
    (void)state;

    tring_init(&t, 8192);
    for (uint32_t n = 0; n < 3000; n += 37) {
        uint32_t w = t.hdr->write_index;
        /* Two pieces, split at an odd place, to exercise the gather list. */
        struct vmbus_ring_iov iov[3] = {{payload, n / 3}, {NULL, 0}, {payload + n / 3, n - n / 3}};

        for (uint32_t i = 0; i < n; i++)
            payload[i] = pattern(n, i);
        assert_int_equal(vmbus_ring_send(&t.ring, PKT_COMP, 1, 0xabc00000ull + n, iov, 3, &sig),
                         VMBUS_RING_OK);
        check_guest_sees(&t, w, n, n, 0xabc00000ull + n);
        if (t.hdr->write_index < w)
            wraps++;
        /* The guest consumes it. */
        t.hdr->read_index = t.hdr->write_index;
    }
    assert_true(wraps >= 3);
    tring_free(&t);
}

static void test_send_wrap_in_trailer_and_desc(void **state)
{
    struct tring t;
    uint8_t payload[40];
    struct vmbus_ring_iov iov = {payload, sizeof(payload)};
    bool sig;
    (void)state;

    for (uint32_t i = 0; i < sizeof(payload); i++)
        payload[i] = pattern(9, i);
    tring_init(&t, 4096);
    /* Wrap inside the descriptor, the payload and exactly before the trailer. */
    const uint32_t starts[] = {4096 - 8, 4096 - 24, 4096 - 56, 4096 - 64, 4096 - 16};
    for (unsigned k = 0; k < sizeof(starts) / sizeof(starts[0]); k++) {
        tring_set(&t, starts[k], starts[k]);
        assert_int_equal(vmbus_ring_send(&t.ring, PKT_COMP, 1, 77, &iov, 1, &sig), VMBUS_RING_OK);
        check_guest_sees(&t, starts[k], sizeof(payload), 9, 77);
    }
    tring_free(&t);
}

/* A type-specific part before the payload (a transfer-page packet's page
 * set and ranges): offset8 points past it, len8 covers it, and it lands
 * between the descriptor and the payload, also across the wrap. */
static void test_send_type_header(void **state)
{
    struct tring t;
    uint8_t type_hdr[24], payload[13], b;
    struct vmbus_ring_iov iov = {payload, sizeof(payload)};
    struct vmbus_packet_desc d;
    bool sig;
    (void)state;

    for (uint32_t i = 0; i < sizeof(type_hdr); i++)
        type_hdr[i] = (uint8_t)(0xA0 + i);
    for (uint32_t i = 0; i < sizeof(payload); i++)
        payload[i] = pattern(5, i);
    tring_init(&t, 4096);
    const uint32_t starts[] = {0, 4096 - 16, 4096 - 24};
    for (unsigned k = 0; k < sizeof(starts) / sizeof(starts[0]); k++) {
        uint32_t at = starts[k];

        tring_set(&t, at, at);
        assert_int_equal(
            vmbus_ring_send_hdr(&t.ring, 7, 1, 99, type_hdr, sizeof(type_hdr), &iov, 1, &sig),
            VMBUS_RING_OK);
        gget(&t, at, &d, sizeof(d));
        assert_int_equal(d.type, 7);
        assert_int_equal(d.offset8, (16 + 24) / 8);
        assert_int_equal(d.len8, (16 + 24 + 13 + 7) / 8);
        assert_true(d.trans_id == 99);
        for (uint32_t i = 0; i < sizeof(type_hdr); i++) {
            gget(&t, (at + 16 + i) % 4096, &b, 1);
            assert_int_equal(b, 0xA0 + i);
        }
        for (uint32_t i = 0; i < sizeof(payload); i++) {
            gget(&t, (at + 40 + i) % 4096, &b, 1);
            assert_int_equal(b, pattern(5, i));
        }
        assert_int_equal(t.hdr->write_index, (at + d.len8 * 8 + 8) % 4096);
    }
    /* Not a multiple of 8, or a length without bytes: refused, nothing written. */
    tring_set(&t, 0, 0);
    assert_int_equal(vmbus_ring_send_hdr(&t.ring, 7, 1, 99, type_hdr, 20, &iov, 1, &sig),
                     VMBUS_RING_EINVAL);
    assert_int_equal(vmbus_ring_send_hdr(&t.ring, 7, 1, 99, NULL, 8, &iov, 1, &sig),
                     VMBUS_RING_EINVAL);
    assert_int_equal(t.hdr->write_index, 0);
    tring_free(&t);
}

/* Guest -> host, many sizes, across the wrap, via the independent writer. */
static void test_receive_many_sizes_wrap(void **state)
{
    struct tring t;
    uint8_t buf[4096];
    uint32_t len;
    bool sig;
    unsigned wraps = 0;
    (void)state;

    tring_init(&t, 8192);
    for (uint32_t n = 0; n < 3000; n += 29) {
        uint32_t at = guest_send(&t, n, n);
        uint32_t plen = (16 + n + 7) & ~7u;
        struct vmbus_packet_desc d;

        assert_int_equal(vmbus_ring_peek(&t.ring, buf, sizeof(buf), &len), VMBUS_RING_OK);
        assert_int_equal(len, plen);
        memcpy(&d, buf, sizeof(d));
        assert_int_equal(d.len8, plen / 8);
        assert_true(d.trans_id == 0x1000 + n);
        for (uint32_t i = 0; i < n; i++)
            assert_int_equal(buf[16 + i], pattern(n, i));
        /* Peek does not consume. */
        assert_int_equal(t.hdr->read_index, at);
        assert_int_equal(vmbus_ring_consume(&t.ring, &sig), VMBUS_RING_OK);
        assert_int_equal(t.hdr->read_index, (at + plen + 8) % t.size);
        if (t.hdr->read_index < at)
            wraps++;
        assert_int_equal(vmbus_ring_peek(&t.ring, buf, sizeof(buf), &len), VMBUS_RING_EMPTY);
    }
    assert_true(wraps >= 3);
    tring_free(&t);
}

/* Several packets queued, then drained in order; host send -> host receive. */
static void test_round_trip_queue(void **state)
{
    struct tring t;
    uint8_t payload[600], buf[1024];
    uint32_t len, sizes[8], count = 0, round;
    struct vmbus_packet_desc d;
    bool sig;
    (void)state;

    tring_init(&t, 4096);
    for (round = 0; round < 40; round++) {
        count = 0;
        for (uint32_t k = 0; k < 8; k++) {
            uint32_t n = (round * 13 + k * 71) % 600;
            struct vmbus_ring_iov iov = {payload, n};

            for (uint32_t i = 0; i < n; i++)
                payload[i] = pattern(round + k, i);
            if (vmbus_ring_send(&t.ring, PKT_COMP, 0, k, &iov, 1, &sig) != VMBUS_RING_OK)
                break;
            sizes[count++] = n;
        }
        assert_true(count >= 4);
        for (uint32_t k = 0; k < count; k++) {
            assert_int_equal(vmbus_ring_peek(&t.ring, buf, sizeof(buf), &len), VMBUS_RING_OK);
            assert_int_equal(len, (16 + sizes[k] + 7) & ~7u);
            memcpy(&d, buf, sizeof(d));
            assert_int_equal(d.trans_id, k);
            for (uint32_t i = 0; i < sizes[k]; i++)
                assert_int_equal(buf[16 + i], pattern(round + k, i));
            assert_int_equal(vmbus_ring_consume(&t.ring, &sig), VMBUS_RING_OK);
        }
        assert_int_equal(vmbus_ring_peek(&t.ring, buf, sizeof(buf), &len), VMBUS_RING_EMPTY);
    }
    tring_free(&t);
}

/* Payload length giving a packet of exactly `total` bytes with trailer. */
static struct vmbus_ring_iov iov_for_total(uint8_t *payload, uint32_t total)
{
    struct vmbus_ring_iov iov = {payload, total - 16 - 8};
    return iov;
}

static void test_fill_exact_boundary(void **state)
{
    static uint8_t payload[8192];
    struct tring t;
    struct vmbus_ring_iov iov;
    bool sig;
    const uint32_t starts[] = {0, 2048, 4096 - 8};
    (void)state;

    tring_init(&t, 4096);
    for (unsigned k = 0; k < 3; k++) {
        uint32_t s = starts[k];

        /* Empty ring: 4096 free, a 4096-byte packet would make w == r: it can
         * never fit, so waiting for room makes no sense. */
        tring_set(&t, s, s);
        t.hdr->pending_send_sz = 0;
        iov = iov_for_total(payload, 4096);
        assert_int_equal(vmbus_ring_send(&t.ring, PKT_COMP, 0, 1, &iov, 1, &sig),
                         VMBUS_RING_EINVAL);
        assert_int_equal(t.hdr->write_index, s);
        assert_int_equal(t.hdr->pending_send_sz, 0);
        /* 8 bytes less fits and leaves exactly 8 (>= 1) bytes free. */
        iov = iov_for_total(payload, 4088);
        assert_int_equal(vmbus_ring_send(&t.ring, PKT_COMP, 0, 1, &iov, 1, &sig), VMBUS_RING_OK);
        assert_int_equal(t.hdr->write_index, (s + 4088) % 4096);
        assert_int_equal(free_bytes(&t), 8);
        /* Now nothing fits, not even an empty packet (24 bytes): the host
         * asks to be told when it does. */
        iov.len = 0;
        assert_int_equal(vmbus_ring_send(&t.ring, PKT_COMP, 0, 1, &iov, 1, &sig), VMBUS_RING_FULL);
        assert_int_equal(t.hdr->write_index, (s + 4088) % 4096);
        assert_int_equal(t.hdr->pending_send_sz, 24);
    }

    /* Filling with small packets: the last that fits leaves one slot of 8. */
    tring_set(&t, 512, 512);
    iov.len = 40; /* total 64 */
    for (int i = 0; i < 63; i++)
        assert_int_equal(vmbus_ring_send(&t.ring, PKT_COMP, 0, 1, &iov, 1, &sig), VMBUS_RING_OK);
    assert_int_equal(free_bytes(&t), 64);
    assert_int_equal(vmbus_ring_send(&t.ring, PKT_COMP, 0, 1, &iov, 1, &sig), VMBUS_RING_FULL);
    iov.len = 32; /* total 56 < 64 free */
    assert_int_equal(vmbus_ring_send(&t.ring, PKT_COMP, 0, 1, &iov, 1, &sig), VMBUS_RING_OK);
    assert_int_equal(free_bytes(&t), 8);
    assert_int_equal(t.hdr->write_index, 512 - 8);

    /* A FULL send writes nothing at all. */
    {
        uint8_t before[4096];
        memcpy(before, t.data, 4096);
        iov.len = 0;
        assert_int_equal(vmbus_ring_send(&t.ring, PKT_COMP, 0, 1, &iov, 1, &sig), VMBUS_RING_FULL);
        assert_memory_equal(before, t.data, 4096);
    }

    /* Packets a descriptor cannot describe are refused up front. */
    iov.len = VMBUS_RING_PKT_MAX;
    assert_int_equal(vmbus_ring_send(&t.ring, PKT_COMP, 0, 1, &iov, 1, &sig), VMBUS_RING_EINVAL);
    tring_free(&t);
}

/*
 * A full ring asks the guest for a signal: pending_send_sz = the packet with
 * trailer, so that Linux's reader (hv_pkt_iter_close) signals exactly when
 * the free space first exceeds it, i.e. when the packet fits.  A successful
 * send withdraws the request.
 */
static void test_full_sets_pending_send_sz(void **state)
{
    static uint8_t payload[4096];
    struct tring t;
    struct vmbus_ring_iov iov = {payload, 100}; /* 16 + 100 -> 120, total 128 */
    bool sig;
    (void)state;

    tring_init(&t, 4096);
    tring_set(&t, 1024, 1024 + 64); /* 64 bytes free */
    assert_int_equal(vmbus_ring_send(&t.ring, PKT_COMP, 0, 1, &iov, 1, &sig), VMBUS_RING_FULL);
    assert_false(sig);
    assert_int_equal(t.hdr->pending_send_sz, 128);
    assert_int_equal(t.hdr->write_index, 1024);
    /* Exactly 128 free is still "not enough" on both sides. */
    t.hdr->read_index = 1024 + 128;
    assert_int_equal(vmbus_ring_send(&t.ring, PKT_COMP, 0, 1, &iov, 1, &sig), VMBUS_RING_FULL);
    assert_int_equal(t.hdr->pending_send_sz, 128);
    /* 136 free: fits, written, request withdrawn. */
    t.hdr->read_index = 1024 + 136;
    assert_int_equal(vmbus_ring_send(&t.ring, PKT_COMP, 0, 1, &iov, 1, &sig), VMBUS_RING_OK);
    assert_int_equal(t.hdr->write_index, 1024 + 128);
    assert_int_equal(t.hdr->pending_send_sz, 0);
    /* A smaller packet that fits leaves an unrelated zero alone. */
    tring_set(&t, 0, 0);
    assert_int_equal(vmbus_ring_send(&t.ring, PKT_COMP, 0, 1, &iov, 1, &sig), VMBUS_RING_OK);
    assert_int_equal(t.hdr->pending_send_sz, 0);
    tring_free(&t);
}

static void test_corrupt_indexes(void **state)
{
    struct tring t;
    uint8_t buf[256], before[4096];
    struct vmbus_ring_iov iov = {buf, 8};
    uint32_t len;
    bool sig;
    const uint32_t bad[] = {4096, 4104, 0xfffffff8u, 0xffffffffu, 4, 1, 4095};
    (void)state;

    memset(buf, 0, sizeof(buf));
    tring_init(&t, 4096);
    memcpy(before, t.data, 4096);
    for (unsigned k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
        tring_set(&t, bad[k], 0);
        assert_int_equal(vmbus_ring_peek(&t.ring, buf, sizeof(buf), &len), VMBUS_RING_CORRUPT);
        assert_int_equal(vmbus_ring_send(&t.ring, PKT_COMP, 0, 1, &iov, 1, &sig),
                         VMBUS_RING_CORRUPT);
        tring_set(&t, 0, bad[k]);
        assert_int_equal(vmbus_ring_peek(&t.ring, buf, sizeof(buf), &len), VMBUS_RING_CORRUPT);
        assert_int_equal(vmbus_ring_send(&t.ring, PKT_COMP, 0, 1, &iov, 1, &sig),
                         VMBUS_RING_CORRUPT);
        /* Nothing was written and the host's index was left alone. */
        assert_int_equal(t.hdr->write_index, 0);
        assert_memory_equal(before, t.data, 4096);
    }

    /* Consume re-reads write_index for the pending_send_sz rule: validated too. */
    tring_set(&t, 0, 0);
    guest_send(&t, 8, 1);
    assert_int_equal(vmbus_ring_peek(&t.ring, buf, sizeof(buf), &len), VMBUS_RING_OK);
    t.hdr->feature_bits = VMBUS_RING_FEAT_PENDING_SEND_SZ;
    t.hdr->pending_send_sz = 100;
    t.hdr->write_index = 5000;
    assert_int_equal(vmbus_ring_consume(&t.ring, &sig), VMBUS_RING_CORRUPT);
    assert_false(sig);

    /* A valid but impossible write_index: behind the data just consumed, so
     * less would be free than was just freed. */
    tring_set(&t, 0, 0);
    guest_send(&t, 8, 1);
    assert_int_equal(vmbus_ring_peek(&t.ring, buf, sizeof(buf), &len), VMBUS_RING_OK);
    t.hdr->write_index = 16;
    assert_int_equal(vmbus_ring_consume(&t.ring, &sig), VMBUS_RING_CORRUPT);
    assert_false(sig);
    tring_free(&t);
}

static void test_corrupt_descriptors(void **state)
{
    struct tring t;
    uint8_t buf[256];
    uint32_t len;
    bool sig;
    (void)state;

    tring_init(&t, 4096);

#define EXPECT_PEEK(rc)                                                                            \
    do {                                                                                           \
        assert_int_equal(vmbus_ring_peek(&t.ring, buf, sizeof(buf), &len), (rc));                  \
        assert_int_equal(t.hdr->read_index, 4000);                                                 \
    } while (0)

    /* Start near the end so that the descriptor checks also run across the wrap. */
    static const struct {
        uint16_t offset8, len8;
        uint32_t payload, written; /* bytes of payload, bytes the guest wrote */
        int rc;
        uint32_t len; /* the packet length peek reports when it succeeds */
    } cases[] = {
        /* offset8 too small: the payload would overlap the descriptor. */
        {1, 4, 16, 40, VMBUS_RING_CORRUPT, 0},
        {0, 4, 16, 40, VMBUS_RING_CORRUPT, 0},
        /* len8 < offset8. */
        {3, 2, 16, 40, VMBUS_RING_CORRUPT, 0},
        /* len8 == offset8 == 2 (no payload) is fine. */
        {2, 2, 0, 24, VMBUS_RING_OK, 16},
        /* A bigger offset8 within len8 is fine (extended headers). */
        {4, 4, 16, 40, VMBUS_RING_OK, 32},
        /* Packet + trailer exactly the bytes written: fine; 8 more (len8
         * covering everything written, no room for the trailer): corrupt. */
        {2, 5, 24, 48, VMBUS_RING_OK, 40},
        {2, 6, 24, 48, VMBUS_RING_CORRUPT, 0},
        /* Huge len8 (way beyond the ring). */
        {2, 0xffff, 0, 48, VMBUS_RING_CORRUPT, 0},
        /* Fewer bytes than a descriptor and a trailer. */
        {2, 2, 0, 16, VMBUS_RING_CORRUPT, 0},
        {2, 2, 0, 8, VMBUS_RING_CORRUPT, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        tring_set(&t, 4000, 4000);
        guest_raw(&t, cases[i].offset8, cases[i].len8, cases[i].payload, 1, cases[i].written);
        EXPECT_PEEK(cases[i].rc);
        if (cases[i].rc == VMBUS_RING_OK)
            assert_int_equal(len, cases[i].len);
    }

    /* Valid but larger than the caller's buffer: its own code, length told. */
    tring_set(&t, 4000, 4000);
    guest_raw(&t, 2, 40, 304, 1, 328);
    EXPECT_PEEK(VMBUS_RING_TOO_BIG);
    assert_int_equal(len, 320);
    assert_int_equal(vmbus_ring_consume(&t.ring, &sig), VMBUS_RING_EINVAL);
    assert_int_equal(vmbus_ring_peek(&t.ring, NULL, 0, &len), VMBUS_RING_TOO_BIG);
    assert_int_equal(len, 320);
    /* Skipped without a buffer: read_index moves past packet and trailer,
     * and then the ring is empty. */
    assert_int_equal(vmbus_ring_skip(&t.ring, &sig), VMBUS_RING_OK);
    assert_int_equal(t.hdr->read_index, (4000 + 328) % t.size);
    assert_int_equal(vmbus_ring_peek(&t.ring, buf, sizeof(buf), &len), VMBUS_RING_EMPTY);
    assert_int_equal(vmbus_ring_skip(&t.ring, &sig), VMBUS_RING_EMPTY);
    /* A corrupt descriptor is not skipped. */
    tring_set(&t, 4000, 4000);
    guest_raw(&t, 2, 0xffff, 0, 1, 48);
    assert_int_equal(vmbus_ring_skip(&t.ring, &sig), VMBUS_RING_CORRUPT);
    assert_int_equal(t.hdr->read_index, 4000);
    /* Exactly the buffer's size is fine. */
    tring_set(&t, 4000, 4000);
    guest_raw(&t, 2, 32, 240, 1, 264);
    EXPECT_PEEK(VMBUS_RING_OK);
    assert_int_equal(len, 256);

    /* A failed peek leaves nothing to consume, even after an earlier success. */
    tring_set(&t, 4000, 4000);
    guest_raw(&t, 1, 4, 16, 1, 40);
    EXPECT_PEEK(VMBUS_RING_CORRUPT);
    assert_int_equal(vmbus_ring_consume(&t.ring, &sig), VMBUS_RING_EINVAL);
    assert_int_equal(t.hdr->read_index, 4000);
#undef EXPECT_PEEK
    tring_free(&t);
}

/* The consumed length is the peeked one, not a re-read of the guest's len8. */
static void test_consume_uses_validated_length(void **state)
{
    struct tring t;
    uint8_t buf[256];
    uint32_t len;
    bool sig;
    struct vmbus_packet_desc d;
    (void)state;

    tring_init(&t, 4096);
    guest_send(&t, 8, 3);
    guest_send(&t, 8, 4);
    assert_int_equal(vmbus_ring_peek(&t.ring, buf, sizeof(buf), &len), VMBUS_RING_OK);
    /* The guest rewrites len8 after the host looked at it. */
    gget(&t, 0, &d, sizeof(d));
    d.len8 = 0x7fff;
    gput(&t, 0, &d, sizeof(d));
    assert_int_equal(vmbus_ring_consume(&t.ring, &sig), VMBUS_RING_OK);
    assert_int_equal(t.hdr->read_index, 32);
    memcpy(&d, buf, sizeof(d));
    assert_int_equal(d.len8, 3);
    tring_free(&t);
}

static void test_signal_on_send(void **state)
{
    struct tring t;
    uint8_t payload[8] = {0};
    struct vmbus_ring_iov iov = {payload, sizeof(payload)};
    bool sig;
    (void)state;

    tring_init(&t, 4096);
    /* Empty, unmasked: the guest may be asleep, signal. */
    tring_set(&t, 1024, 1024);
    sig = false;
    assert_int_equal(vmbus_ring_send(&t.ring, PKT_COMP, 0, 1, &iov, 1, &sig), VMBUS_RING_OK);
    assert_true(sig);
    /* Non-empty before the write: the guest is still reading, no signal. */
    sig = true;
    assert_int_equal(vmbus_ring_send(&t.ring, PKT_COMP, 0, 1, &iov, 1, &sig), VMBUS_RING_OK);
    assert_false(sig);
    /* The guest caught up with the first packet only: still non-empty. */
    t.hdr->read_index = 1024 + 32;
    assert_int_equal(vmbus_ring_send(&t.ring, PKT_COMP, 0, 1, &iov, 1, &sig), VMBUS_RING_OK);
    assert_false(sig);
    /* The guest drained everything: empty again, signal. */
    t.hdr->read_index = t.hdr->write_index;
    assert_int_equal(vmbus_ring_send(&t.ring, PKT_COMP, 0, 1, &iov, 1, &sig), VMBUS_RING_OK);
    assert_true(sig);
    /* Masked (the guest polls): never, even when empty. */
    t.hdr->interrupt_mask = 1;
    t.hdr->read_index = t.hdr->write_index;
    assert_int_equal(vmbus_ring_send(&t.ring, PKT_COMP, 0, 1, &iov, 1, &sig), VMBUS_RING_OK);
    assert_false(sig);
    assert_int_equal(vmbus_ring_send(&t.ring, PKT_COMP, 0, 1, &iov, 1, &sig), VMBUS_RING_OK);
    assert_false(sig);
    /* Empty at the wrap point, unmasked. */
    t.hdr->interrupt_mask = 0;
    tring_set(&t, 4096 - 16, 4096 - 16);
    assert_int_equal(vmbus_ring_send(&t.ring, PKT_COMP, 0, 1, &iov, 1, &sig), VMBUS_RING_OK);
    assert_true(sig);
    /* FULL and CORRUPT never ask for a signal. */
    tring_set(&t, 8, 16);
    sig = true;
    assert_int_equal(vmbus_ring_send(&t.ring, PKT_COMP, 0, 1, &iov, 1, &sig), VMBUS_RING_FULL);
    assert_false(sig);
    tring_free(&t);
}

/*
 * Ring of 8192: the guest queues A (4096 bytes with trailer) and B (4088),
 * leaving 8 free.  Consuming A makes 4104 free.  Signal iff the free space
 * went from <= pending_send_sz to > pending_send_sz.
 */
static bool consume_a(uint32_t features, uint32_t pending, int *rc)
{
    struct tring t;
    uint8_t *buf = malloc(8192);
    uint32_t len;
    bool sig = true; /* must be cleared */

    tring_init(&t, 8192);
    tring_set(&t, 6000, 6000);
    guest_send(&t, 4096 - 24, 1);
    guest_send(&t, 4088 - 24, 2);
    assert_int_equal(free_bytes(&t), 8);
    t.hdr->feature_bits = features;
    t.hdr->pending_send_sz = pending;
    assert_int_equal(vmbus_ring_peek(&t.ring, buf, 8192, &len), VMBUS_RING_OK);
    assert_int_equal(len, 4088);
    *rc = vmbus_ring_consume(&t.ring, &sig);
    assert_int_equal(free_bytes(&t), 4104);
    tring_free(&t);
    free(buf);
    return sig;
}

static void test_signal_on_consume(void **state)
{
    const uint32_t F = VMBUS_RING_FEAT_PENDING_SEND_SZ;
    int rc;
    (void)state;

    /* Crossing: 8 <= pending < 4104. */
    assert_true(consume_a(F, 8, &rc));
    assert_int_equal(rc, VMBUS_RING_OK);
    assert_true(consume_a(F, 100, &rc));
    assert_true(consume_a(F, 4103, &rc));
    /* Not crossing: still not enough after (4104 free is "not > 4104"). */
    assert_false(consume_a(F, 4104, &rc));
    assert_int_equal(rc, VMBUS_RING_OK);
    assert_false(consume_a(F, 5000, &rc));
    /* Not crossing: enough was already free before (8 > 7). */
    assert_false(consume_a(F, 7, &rc));
    assert_false(consume_a(F, 1, &rc));
    /* The guest is not waiting. */
    assert_false(consume_a(F, 0, &rc));
    /* Feature bit off: pending_send_sz means nothing, the writer polls. */
    assert_false(consume_a(0, 100, &rc));
    assert_false(consume_a(0xfffffffe, 100, &rc));
    assert_int_equal(rc, VMBUS_RING_OK);
}

/* Consuming the last packet of a ring the guest then considers empty. */
static void test_signal_on_consume_second_read(void **state)
{
    struct tring t;
    uint8_t buf[256];
    uint32_t len;
    bool sig;
    (void)state;

    tring_init(&t, 4096);
    t.hdr->feature_bits = VMBUS_RING_FEAT_PENDING_SEND_SZ;
    /* Three 64-byte packets in a ring made nearly full by the guest's accounting. */
    tring_set(&t, 0, 0);
    guest_send(&t, 40, 1);
    guest_send(&t, 40, 2);
    guest_send(&t, 40, 3);
    t.hdr->pending_send_sz = 4096 - 192 + 64; /* crossed by the second read only */
    assert_int_equal(vmbus_ring_peek(&t.ring, buf, sizeof(buf), &len), VMBUS_RING_OK);
    assert_int_equal(vmbus_ring_consume(&t.ring, &sig), VMBUS_RING_OK);
    assert_false(sig); /* 3968 free: not > 3968 */
    assert_int_equal(vmbus_ring_peek(&t.ring, buf, sizeof(buf), &len), VMBUS_RING_OK);
    assert_int_equal(vmbus_ring_consume(&t.ring, &sig), VMBUS_RING_OK);
    assert_true(sig); /* 3968 -> 4032 */
    assert_int_equal(vmbus_ring_peek(&t.ring, buf, sizeof(buf), &len), VMBUS_RING_OK);
    assert_int_equal(vmbus_ring_consume(&t.ring, &sig), VMBUS_RING_OK);
    assert_false(sig); /* already enough: no second signal */
    tring_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_checks),
        cmocka_unit_test(test_send_many_sizes_wrap),
        cmocka_unit_test(test_send_wrap_in_trailer_and_desc),
        cmocka_unit_test(test_send_type_header),
        cmocka_unit_test(test_receive_many_sizes_wrap),
        cmocka_unit_test(test_round_trip_queue),
        cmocka_unit_test(test_fill_exact_boundary),
        cmocka_unit_test(test_full_sets_pending_send_sz),
        cmocka_unit_test(test_corrupt_indexes),
        cmocka_unit_test(test_corrupt_descriptors),
        cmocka_unit_test(test_consume_uses_validated_length),
        cmocka_unit_test(test_signal_on_send),
        cmocka_unit_test(test_signal_on_consume),
        cmocka_unit_test(test_signal_on_consume_second_read),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
