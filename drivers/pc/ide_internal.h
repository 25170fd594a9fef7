/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Between the IDE devices (ide.c) and the bus master (ide_bmdma.c): the
 * bus master asks the devices to run a pending DMA when its start bit is
 * set, and the devices move their data through the bus master's PRD table.
 */
#ifndef PC_IDE_INTERNAL_H
#define PC_IDE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <pc/ide.h>

/* Where a DMA transfer is in the PRD table. */
struct ide_prd {
    uint64_t next;    /* guest address of the next entry */
    unsigned entries; /* entries fetched */
    uint64_t addr;    /* guest address of the current entry's next byte */
    uint32_t left;    /* bytes left in the current entry */
    bool eot;         /* the current entry is the table's last */
};

void ide_prd_begin(struct ide_prd *prd, uint32_t table);

/* Move @len bytes between @buf and guest memory at the table's next bytes
 * (to_memory: from @buf into memory).  False, with an unknown part moved,
 * when the table ends first, grows past IDE_PRD_MAX_ENTRIES entries, or an
 * entry or the memory it names is not guest RAM. */
bool ide_prd_move(struct ide *ide, struct ide_prd *prd, uint8_t *buf, size_t len, bool to_memory);

/* The transfer used the table exactly, to the end of its last entry: the
 * bus master goes inactive. */
bool ide_prd_exhausted(const struct ide_prd *prd);

/* The bus master of @channel is active: a device waiting for DMA runs its
 * transfer now (ide.c). */
void ide_dma_service(struct ide *ide, unsigned channel);

#endif
