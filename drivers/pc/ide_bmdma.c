// SPDX-License-Identifier: GPL-2.0-only
/*
 * The PIIX4 IDE function's bus master (SFF-8038i): its registers behind
 * BAR4 and the walk of a PRD table (pc/ide.h).
 *
 * The walk trusts nothing in guest memory: every entry and every piece of
 * memory an entry names goes through map(), which answers for the whole
 * piece, so a piece that runs off the end of RAM fails as a whole and no
 * byte outside RAM is read or written.  The table is read one entry at a
 * time, as the transfer needs it, and no further than IDE_PRD_MAX_ENTRIES
 * entries, so a table without an end-of-table bit costs a bounded walk.
 */
#include <string.h>

#include <pc/ide.h>

#include "ide_internal.h"

void ide_prd_begin(struct ide_prd *prd, uint32_t table)
{
    memset(prd, 0, sizeof(*prd));
    prd->next = table;
}

/* Fetch the next entry; false if there is none to fetch. */
static bool next_entry(struct ide *ide, struct ide_prd *prd)
{
    const uint8_t *e;
    uint32_t count;

    if (prd->eot || prd->entries >= IDE_PRD_MAX_ENTRIES || !ide->map)
        return false;
    e = ide->map(ide->opaque, prd->next, 8, false);
    if (!e)
        return false;
    /* Bit 0 of the address and of the count do not exist: transfers are
     * of words. */
    prd->addr =
        ((uint32_t)e[0] | (uint32_t)e[1] << 8 | (uint32_t)e[2] << 16 | (uint32_t)e[3] << 24) & ~1u;
    count = ((uint32_t)e[4] | (uint32_t)e[5] << 8) & ~1u;
    prd->left = count ? count : 65536;
    prd->eot = e[7] & 0x80;
    prd->next += 8;
    prd->entries++;
    return true;
}

bool ide_prd_move(struct ide *ide, struct ide_prd *prd, uint8_t *buf, size_t len, bool to_memory)
{
    while (len) {
        size_t n;
        uint8_t *mem;

        if (!prd->left && !next_entry(ide, prd))
            return false;
        n = len < prd->left ? len : prd->left;
        mem = ide->map(ide->opaque, prd->addr, n, to_memory);
        if (!mem)
            return false;
        if (to_memory)
            memcpy(mem, buf, n);
        else
            memcpy(buf, mem, n);
        prd->addr += n;
        prd->left -= (uint32_t)n;
        buf += n;
        len -= n;
    }
    return true;
}

bool ide_prd_exhausted(const struct ide_prd *prd)
{
    return prd->eot && !prd->left;
}

/* ---- registers ------------------------------------------------------------- */

static uint8_t reg_read(struct ide_channel *ch, unsigned reg)
{
    switch (reg) {
    case IDE_BM_CMD:
        return ch->bm_cmd;
    case IDE_BM_STATUS:
        return ch->bm_status;
    case IDE_BM_PRD:
    case IDE_BM_PRD + 1:
    case IDE_BM_PRD + 2:
    case IDE_BM_PRD + 3:
        return (uint8_t)(ch->bm_prd >> 8 * (reg - IDE_BM_PRD));
    default:
        return 0;
    }
}

static void command_write(struct ide *ide, unsigned c, uint8_t v)
{
    struct ide_channel *ch = &ide->ch[c];
    bool was_started = ch->bm_cmd & IDE_BM_CMD_START;
    uint8_t dir = ch->bm_cmd & IDE_BM_CMD_TO_MEM;

    /* SFF-8038i: the direction must not change while the engine runs. */
    if (!(ch->bm_status & IDE_BM_ST_ACTIVE))
        dir = v & IDE_BM_CMD_TO_MEM;
    ch->bm_cmd = (uint8_t)(dir | (v & IDE_BM_CMD_START));
    if (was_started && !(v & IDE_BM_CMD_START)) {
        /* Stopping abandons whatever is left of the table; a device still
         * waiting keeps waiting, for a new start or a reset. */
        ch->bm_status &= (uint8_t)~IDE_BM_ST_ACTIVE;
    } else if (!was_started && (v & IDE_BM_CMD_START)) {
        ch->bm_status |= IDE_BM_ST_ACTIVE;
        ide_dma_service(ide, c);
    }
}

static void reg_write(struct ide *ide, unsigned c, unsigned reg, uint8_t v)
{
    struct ide_channel *ch = &ide->ch[c];
    unsigned shift;

    switch (reg) {
    case IDE_BM_CMD:
        command_write(ide, c, v);
        break;
    case IDE_BM_STATUS:
        /* Error and interrupt are write-1-to-clear, the DMA-capable bits
         * the BIOS's to keep, active and simplex read-only. */
        ch->bm_status &= (uint8_t) ~(v & (IDE_BM_ST_ERROR | IDE_BM_ST_INTR));
        ch->bm_status = (uint8_t)((ch->bm_status & ~(IDE_BM_ST_DMA_CAP0 | IDE_BM_ST_DMA_CAP1)) |
                                  (v & (IDE_BM_ST_DMA_CAP0 | IDE_BM_ST_DMA_CAP1)));
        break;
    case IDE_BM_PRD:
    case IDE_BM_PRD + 1:
    case IDE_BM_PRD + 2:
    case IDE_BM_PRD + 3:
        shift = 8 * (reg - IDE_BM_PRD);
        ch->bm_prd = (ch->bm_prd & ~(0xFFu << shift)) | (uint32_t)v << shift;
        ch->bm_prd &= ~3u; /* the table is dword aligned */
        break;
    default:
        break;
    }
}

uint64_t ide_bm_read(struct ide *ide, uint64_t offset, unsigned size)
{
    uint64_t v = 0;

    if (size != 1 && size != 2 && size != 4)
        return size >= 8 ? UINT64_MAX : (1ull << 8 * size) - 1;
    for (unsigned i = 0; i < size; i++) {
        uint64_t o = offset + i;
        uint8_t b = 0xFF;

        if (o < IDE_BM_PORTS)
            b = reg_read(&ide->ch[o / IDE_BM_CHANNEL_PORTS], o % IDE_BM_CHANNEL_PORTS);
        v |= (uint64_t)b << 8 * i;
    }
    return v;
}

void ide_bm_write(struct ide *ide, uint64_t offset, unsigned size, uint64_t value)
{
    if (size != 1 && size != 2 && size != 4)
        return;
    /* Command bytes last: a start they give sees the status and table
     * address of the same access, and the transfer's interrupt bit is not
     * cleared by the status byte written with it. */
    for (unsigned pass = 0; pass < 2; pass++) {
        for (unsigned i = 0; i < size; i++) {
            uint64_t o = offset + i;
            unsigned reg;

            if (o >= IDE_BM_PORTS)
                break;
            reg = o % IDE_BM_CHANNEL_PORTS;
            if ((reg == IDE_BM_CMD) != (pass == 1))
                continue;
            reg_write(ide, (unsigned)(o / IDE_BM_CHANNEL_PORTS), reg, (uint8_t)(value >> 8 * i));
        }
    }
}
