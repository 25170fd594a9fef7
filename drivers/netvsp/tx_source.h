/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The bytes one SEND_RNDIS_PKT carries: the used part of a send-buffer
 * section, then the bytes of the packet's GPA-direct page ranges, in that
 * order.  Linux puts small packets (and batches of them) in a section, big
 * ones in page ranges, and sometimes a batch in a section whose last RNDIS
 * message continues in the page ranges; so the RNDIS layer reads one
 * logical byte string that may cross from the section into the pages and
 * from page to page anywhere, an RNDIS header included.
 *
 * The pieces point into guest memory, which the guest may change at any
 * time: readers copy bytes out (tx_source_copy) and parse only the copy.
 */
#ifndef NETVSP_TX_SOURCE_H
#define NETVSP_TX_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vmbus/gpa_direct.h>

struct vmbus_channel;

/* Page ranges per packet: Linux sends at most MAX_PAGE_BUFFER_COUNT (32). */
#define TX_SOURCE_RANGES_MAX 64u
/* Pieces: the section, and per range one per page it touches.  With at
 * most TX_SOURCE_GPA_MAX bytes in all ranges that is below
 * 1 + 2 * ranges + bytes / page. */
#define TX_SOURCE_GPA_MAX 16384u
#define TX_SOURCE_PIECES_MAX                                                                       \
    (1u + 2u * TX_SOURCE_RANGES_MAX + TX_SOURCE_GPA_MAX / VMBUS_GPA_PAGE_SIZE)

struct tx_piece {
    const uint8_t *p;
    uint32_t len;
};

struct tx_source {
    struct tx_piece piece[TX_SOURCE_PIECES_MAX];
    unsigned count;
    uint32_t len; /* bytes in all pieces */
};

void tx_source_init(struct tx_source *s);

/* Append [p, p + len), a host view of guest memory.  False if @s is full. */
bool tx_source_add(struct tx_source *s, const uint8_t *p, uint32_t len);

/*
 * Append the page ranges of the GPA-direct packet @pkt, whose payload
 * starts at byte @data_off (offset8 * 8; the ranges lie in [24,
 * @data_off)).  Every pfn listed must be guest RAM of @ch, each range's
 * offset inside its first page, its pfns exactly those it spans, at most
 * TX_SOURCE_RANGES_MAX ranges and TX_SOURCE_GPA_MAX bytes in all.  False
 * (and @s unchanged) otherwise.
 */
bool tx_source_add_gpa(struct tx_source *s, const struct vmbus_channel *ch, const uint8_t *pkt,
                       size_t data_off);

/* Copy bytes [off, off + len) to @dst.  False if they are not all there. */
bool tx_source_copy(const struct tx_source *s, uint32_t off, void *dst, uint32_t len);

#endif /* NETVSP_TX_SOURCE_H */
