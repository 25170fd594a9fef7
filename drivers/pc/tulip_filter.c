// SPDX-License-Identifier: GPL-2.0-only
/*
 * The 21140's receive address filter (pc/tulip.h), loaded by setup frames.
 *
 * A setup frame is 192 bytes: 16 entries of 12 bytes, or a hash table and
 * one entry.  Each 16-bit word of an address sits in the low half of a
 * little-endian longword (the high half is ignored: Linux writes every
 * word twice so that big-endian hosts work too), so entry n's address is
 * bytes 12n+0, +1, +4, +5, +8, +9.  A hash setup frame's table is the low
 * halves of longwords 0-31 (bit h in longword h / 16, bit h % 16); its
 * one perfect address is entry 13, where Linux's build_setup_frame_hash()
 * puts it (setup_frame[13 * 6], in 16-bit words).
 */
#include <string.h>

#include "tulip_internal.h"

#define ENTRY_SIZE 12u
#define HASH_MASK  (TULIP_HASH_BITS - 1u)

uint32_t tulip_crc32_le(const uint8_t *data, size_t len)
{
    uint32_t crc = 0xFFFFFFFFu;

    for (size_t i = 0; i < len; i++) {
        crc ^= data[i];
        for (unsigned bit = 0; bit < 8; bit++)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return crc;
}

void tulip_filter_reset(struct tulip_filter *f)
{
    memset(f, 0, sizeof(*f));
    f->mode = TULIP_FILTER_NONE;
}

static void entry(const uint8_t *frame, unsigned n, uint8_t out[6])
{
    const uint8_t *e = frame + n * ENTRY_SIZE;

    for (unsigned w = 0; w < 3; w++) {
        out[2 * w] = e[4 * w];
        out[2 * w + 1] = e[4 * w + 1];
    }
}

void tulip_filter_setup(struct tulip_filter *f, enum tulip_filter_mode mode,
                        const uint8_t frame[TULIP_SETUP_SIZE])
{
    tulip_filter_reset(f);
    f->mode = mode;
    if (mode == TULIP_FILTER_PERFECT || mode == TULIP_FILTER_INVERSE) {
        for (unsigned n = 0; n < TULIP_PERFECT_ADDRS; n++)
            entry(frame, n, f->addr[n]);
        return;
    }
    /* Hash and hash-only: 512 bits in 32 low halves of longwords. */
    for (unsigned lw = 0; lw < TULIP_HASH_BITS / 16; lw++) {
        f->hash[2 * lw] = frame[4 * lw];
        f->hash[2 * lw + 1] = frame[4 * lw + 1];
    }
    if (mode == TULIP_FILTER_HASH)
        entry(frame, TULIP_HASH_PERFECT, f->addr[0]);
}

static bool hash_hit(const struct tulip_filter *f, const uint8_t dst[6])
{
    unsigned h = tulip_crc32_le(dst, 6) & HASH_MASK;

    return (f->hash[h / 8] >> (h % 8)) & 1u;
}

static bool in_table(const struct tulip_filter *f, const uint8_t dst[6])
{
    for (unsigned n = 0; n < TULIP_PERFECT_ADDRS; n++)
        if (!memcmp(f->addr[n], dst, 6))
            return true;
    return false;
}

bool tulip_filter_match(const struct tulip_filter *f, const uint8_t dst[6])
{
    switch (f->mode) {
    case TULIP_FILTER_PERFECT:
        return in_table(f, dst);
    case TULIP_FILTER_INVERSE:
        return !in_table(f, dst);
    case TULIP_FILTER_HASH:
        if (dst[0] & 1u)
            return hash_hit(f, dst);
        return !memcmp(f->addr[0], dst, 6);
    case TULIP_FILTER_HASH_ONLY:
        return hash_hit(f, dst);
    default:
        return false;
    }
}

uint32_t tulip_filter_csr6_bits(const struct tulip_filter *f)
{
    switch (f->mode) {
    case TULIP_FILTER_HASH:
        return TULIP_CSR6_HP;
    case TULIP_FILTER_HASH_ONLY:
        return TULIP_CSR6_HP | TULIP_CSR6_HO;
    case TULIP_FILTER_INVERSE:
        return TULIP_CSR6_IF;
    default:
        return 0;
    }
}
