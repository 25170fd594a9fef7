// SPDX-License-Identifier: GPL-2.0-only
/*
 * The IDE channels and their devices (pc/ide.h): the taskfile registers,
 * the ATA command set, the PIO and DMA data phases, ATAPI's transport of
 * pc/atapi.h's commands, resets and INTRQ.
 *
 * Data move through a device's buffer of IDE_BUF_SIZE bytes.  A read loads
 * it with up to 128 disk (32 CD) sectors at a time and the host takes them
 * in DRQ blocks (one sector, a READ MULTIPLE block, or an ATAPI block of at
 * most the byte count limit); a write fills it block by block and stores it
 * when full or at the end.  So the backend sees few large requests whatever
 * the DRQ block size, and the guest never makes the model hold more than
 * one buffer.  DMA uses the same buffer, between the backend and the PRD
 * table.
 *
 * Every device keeps its own copy of the taskfile: the host's register
 * writes reach both devices, a device's outputs (a signature, an ATAPI
 * byte count) only its own copy, and reads come from the selected one.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <pc/ide.h>

#include "ide_internal.h"

#define ATA_LOAD_SECTORS   (IDE_BUF_SIZE / IDE_SECTOR_SIZE)
#define ATAPI_LOAD_SECTORS (IDE_BUF_SIZE / ATAPI_SECTOR_SIZE)
#define LBA28_MAX          0x0FFFFFFFu
#define DEFAULT_HEADS      16
#define DEFAULT_SPT        63
#define MAX_CYLINDERS      16383 /* what IDENTIFY's default geometry reports at most */
#define CYCLE_TIME_NS      120   /* PIO 4 / MWDMA 2 */

static uint64_t all_ones(unsigned size)
{
    return size >= 8 ? UINT64_MAX : (1ull << 8 * size) - 1;
}

static uint8_t ready_status(const struct ide_device *d)
{
    /* DSC is SERV for a packet device: no service request here. */
    return d->kind == IDE_CDROM ? IDE_STATUS_DRDY : IDE_STATUS_DRDY | IDE_STATUS_DSC;
}

/* ---- interrupts --------------------------------------------------------------- */

static void update_irq(struct ide *ide, unsigned c)
{
    struct ide_channel *ch = &ide->ch[c];
    const struct ide_device *d = &ch->dev[ch->selected];
    bool level = d->kind != IDE_NONE && d->intrq && !(ch->devctl & IDE_CTL_NIEN);

    if (level == ch->irq_level)
        return;
    ch->irq_level = level;
    /* The bus master latches the line's rising edges, DMA or not. */
    if (level)
        ch->bm_status |= IDE_BM_ST_INTR;
    if (ide->irq)
        ide->irq(ide->opaque, c, level);
}

static void raise_irq(struct ide *ide, unsigned c, struct ide_device *d)
{
    d->intrq = true;
    update_irq(ide, c);
}

/* ---- states --------------------------------------------------------------------- */

static void end_phase(struct ide_device *d)
{
    d->phase = IDE_PHASE_IDLE;
    d->pos = d->len = d->block_end = 0;
    d->left = 0;
}

/* The signature a reset leaves: which command set the device speaks. */
static void set_signature(struct ide_device *d)
{
    d->nsect = 1;
    d->lbal = 1;
    d->lbam = d->kind == IDE_CDROM ? IDE_ATAPI_SIG_MID : 0;
    d->lbah = d->kind == IDE_CDROM ? IDE_ATAPI_SIG_HIGH : 0;
    d->hob_nsect = d->hob_lbal = d->hob_lbam = d->hob_lbah = 0;
}

/* After SRST, EXECUTE DEVICE DIAGNOSTIC or DEVICE RESET. */
static void device_reset(struct ide_device *d)
{
    end_phase(d);
    set_signature(d);
    d->error = 0x01; /* diagnostics passed */
    /* ATA-6: a packet device clears DRDY after a reset. */
    d->status = d->kind == IDE_DISK ? IDE_STATUS_DRDY | IDE_STATUS_DSC : 0;
    d->intrq = false;
}

static void default_geometry(struct ide_device *d)
{
    uint64_t cyl = d->sectors / (DEFAULT_HEADS * DEFAULT_SPT);

    d->heads = DEFAULT_HEADS;
    d->spt = DEFAULT_SPT;
    d->cylinders = (uint16_t)(cyl > MAX_CYLINDERS ? MAX_CYLINDERS : cyl);
}

static void power_on(struct ide_device *d)
{
    d->multiple = 0;
    d->xfer_mode = IDE_XFER_PIO_DEFAULT;
    d->write_cache = true;
    d->lookahead = true;
    default_geometry(d);
    d->feature = d->hob_feature = 0;
    device_reset(d);
    d->device = 0;
    if (d->kind == IDE_CDROM) {
        d->cd.locked = false;
        atapi_set_sense(&d->cd, ATAPI_SENSE_NONE, 0, 0);
    }
}

/* ---- completion ------------------------------------------------------------------ */

/* The command ended well: DRDY, and INTRQ. */
static void finish(struct ide *ide, unsigned c, struct ide_device *d)
{
    end_phase(d);
    d->status = ready_status(d);
    if (d->cmd == IDE_CMD_PACKET)
        d->nsect = IDE_IREASON_COD | IDE_IREASON_IO;
    raise_irq(ide, c, d);
}

/* The command ended with @error. */
static void fail(struct ide *ide, unsigned c, struct ide_device *d, uint8_t error)
{
    end_phase(d);
    d->status = ready_status(d) | IDE_STATUS_ERR;
    d->error = error;
    if (d->cmd == IDE_CMD_PACKET)
        d->nsect = IDE_IREASON_COD | IDE_IREASON_IO;
    raise_irq(ide, c, d);
}

static void abort_cmd(struct ide *ide, unsigned c, struct ide_device *d)
{
    fail(ide, c, d, IDE_ERROR_ABRT);
}

/* A packet command ends in CHECK CONDITION: the sense key, set in cd.sense
 * already, goes to the error register's high nibble. */
static void check_condition(struct ide *ide, unsigned c, struct ide_device *d)
{
    fail(ide, c, d, (uint8_t)(d->cd.sense.key << 4));
}

static void set_lba_regs(struct ide_device *d, uint64_t lba)
{
    if (!d->lba48 && !(d->device & IDE_DEVICE_LBA))
        return; /* CHS: the failing address is not worth the translation */
    d->lbal = (uint8_t)lba;
    d->lbam = (uint8_t)(lba >> 8);
    d->lbah = (uint8_t)(lba >> 16);
    if (d->lba48) {
        d->hob_lbal = (uint8_t)(lba >> 24);
        d->hob_lbam = (uint8_t)(lba >> 32);
        d->hob_lbah = (uint8_t)(lba >> 40);
    } else {
        d->device = (uint8_t)((d->device & 0xF0) | ((lba >> 24) & 0x0F));
    }
}

/* The backend failed (or a CD's disc went away) at sector d->lba. */
static void data_error(struct ide *ide, unsigned c, struct ide_device *d, bool write)
{
    if (d->kind == IDE_CDROM) {
        if (!atapi_ready(&d->cd))
            atapi_set_sense(&d->cd, ATAPI_SENSE_NOT_READY, ATAPI_ASC_MEDIUM_NOT_PRESENT, 1);
        else
            atapi_set_sense(&d->cd, ATAPI_SENSE_MEDIUM_ERROR, ATAPI_ASC_READ_ERROR, 0);
        check_condition(ide, c, d);
        return;
    }
    set_lba_regs(d, d->lba);
    fail(ide, c, d, write ? IDE_ERROR_ABRT : IDE_ERROR_UNC);
}

/* The bus master could not move the data: the transfer stops there. */
static void dma_fault(struct ide *ide, unsigned c, struct ide_device *d)
{
    struct ide_channel *ch = &ide->ch[c];

    ch->bm_status = (uint8_t)((ch->bm_status & ~IDE_BM_ST_ACTIVE) | IDE_BM_ST_ERROR);
    if (d->kind == IDE_CDROM) {
        atapi_set_sense(&d->cd, ATAPI_SENSE_ABORTED_COMMAND, 0, 0);
        check_condition(ide, c, d);
        return;
    }
    abort_cmd(ide, c, d);
}

/* ---- the buffer and the backend ---------------------------------------------------- */

/* Load the next sectors of the transfer into buf. */
static int load(struct ide_device *d)
{
    uint64_t n = d->left < d->refill ? d->left : d->refill;
    int ret;

    if (!d->be.ops || (d->kind == IDE_CDROM && !atapi_ready(&d->cd)))
        return -ENOMEDIUM;
    ret = d->be.ops->read(d->be.opaque, d->lba * d->ssize, d->buf, (size_t)(n * d->ssize));
    if (ret < 0)
        return ret;
    d->lba += n;
    d->left -= n;
    d->len = (uint32_t)(n * d->ssize);
    d->pos = 0;
    return 0;
}

/* Store buf's d->len bytes at d->lba. */
static int store(struct ide_device *d)
{
    uint32_t n = d->len / d->ssize;
    int ret;

    if (!d->be.ops)
        return -ENOMEDIUM;
    ret = d->be.ops->write(d->be.opaque, d->lba * d->ssize, d->buf, d->len);
    if (ret < 0)
        return ret;
    d->lba += n;
    d->left -= n;
    return 0;
}

static int flush(struct ide_device *d)
{
    if (!d->be.ops)
        return -ENOMEDIUM;
    return d->be.ops->flush ? d->be.ops->flush(d->be.opaque) : 0;
}

/* Size the buffer for the next part of a write. */
static void next_store_len(struct ide_device *d)
{
    uint64_t n = d->left < d->refill ? d->left : d->refill;

    d->len = (uint32_t)(n * d->ssize);
    d->pos = 0;
}

/* A write command's data are all stored: make them durable if the guest
 * turned the write cache off, and complete. */
static void write_done(struct ide *ide, unsigned c, struct ide_device *d)
{
    if (!d->write_cache && flush(d) < 0) {
        abort_cmd(ide, c, d);
        return;
    }
    finish(ide, c, d);
}

/* ---- PIO --------------------------------------------------------------------------- */

/* Offer the host the DRQ block at d->pos. */
static void drq_block(struct ide *ide, unsigned c, struct ide_device *d, bool irq)
{
    uint32_t n = d->len - d->pos;

    if (n > d->block)
        n = d->block;
    d->block_end = d->pos + n;
    d->status = ready_status(d) | IDE_STATUS_DRQ;
    if (d->cmd == IDE_CMD_PACKET && d->src != IDE_SRC_CDB) {
        d->lbam = (uint8_t)n;
        d->lbah = (uint8_t)(n >> 8);
        d->nsect = d->phase == IDE_PHASE_PIO_IN ? IDE_IREASON_IO : 0;
    }
    if (irq)
        raise_irq(ide, c, d);
}

/* The host has read a DRQ block. */
static void pio_in_next(struct ide *ide, unsigned c, struct ide_device *d)
{
    if (d->pos >= d->len && d->src != IDE_SRC_BUFFER && d->left && load(d) < 0) {
        data_error(ide, c, d, false);
        return;
    }
    if (d->pos < d->len) {
        drq_block(ide, c, d, true);
        return;
    }
    /* All read.  PIO data-in ends without an interrupt; a packet command
     * interrupts to report its status. */
    if (d->cmd == IDE_CMD_PACKET) {
        finish(ide, c, d);
        return;
    }
    end_phase(d);
    d->status = ready_status(d);
}

static void packet_exec(struct ide *ide, unsigned c, struct ide_device *d);

/* The host has written a DRQ block. */
static void pio_out_next(struct ide *ide, unsigned c, struct ide_device *d)
{
    if (d->src == IDE_SRC_CDB) {
        packet_exec(ide, c, d);
        return;
    }
    if (d->pos >= d->len) {
        if (store(d) < 0) {
            data_error(ide, c, d, true);
            return;
        }
        if (!d->left) {
            write_done(ide, c, d);
            return;
        }
        next_store_len(d);
    }
    drq_block(ide, c, d, true);
}

static uint16_t data_read(struct ide *ide, unsigned c)
{
    struct ide_channel *ch = &ide->ch[c];
    struct ide_device *d = &ch->dev[ch->selected];
    uint16_t v;

    if (d->phase != IDE_PHASE_PIO_IN || (ch->devctl & IDE_CTL_SRST))
        return 0xFFFF;
    v = (uint16_t)(d->buf[d->pos] | d->buf[d->pos + 1] << 8);
    d->pos += 2;
    if (d->pos >= d->block_end) {
        /* An odd ATAPI block's last word carries one pad byte. */
        d->pos = d->block_end;
        pio_in_next(ide, c, d);
    }
    return v;
}

static void data_write(struct ide *ide, unsigned c, uint16_t v)
{
    struct ide_channel *ch = &ide->ch[c];
    struct ide_device *d = &ch->dev[ch->selected];

    if (d->phase != IDE_PHASE_PIO_OUT || (ch->devctl & IDE_CTL_SRST))
        return;
    d->buf[d->pos] = (uint8_t)v;
    d->buf[d->pos + 1] = (uint8_t)(v >> 8);
    d->pos += 2;
    if (d->pos >= d->block_end) {
        d->pos = d->block_end;
        pio_out_next(ide, c, d);
    }
}

/* ---- DMA ----------------------------------------------------------------------------- */

static struct ide_device *dma_device(struct ide_channel *ch)
{
    for (unsigned i = 0; i < IDE_UNITS; i++) {
        /* The selected device first: the other should not be waiting. */
        struct ide_device *d = &ch->dev[ch->selected ^ i];

        if (d->phase == IDE_PHASE_DMA_IN || d->phase == IDE_PHASE_DMA_OUT)
            return d;
    }
    return NULL;
}

void ide_dma_service(struct ide *ide, unsigned c)
{
    struct ide_channel *ch = &ide->ch[c];
    struct ide_device *d;
    struct ide_prd prd;
    bool to_memory, ok = true;

    if (!(ch->bm_status & IDE_BM_ST_ACTIVE) || !(d = dma_device(ch)))
        return;
    to_memory = d->phase == IDE_PHASE_DMA_IN;
    if (!(ch->bm_cmd & IDE_BM_CMD_TO_MEM) != !to_memory) {
        dma_fault(ide, c, d);
        return;
    }
    ide_prd_begin(&prd, ch->bm_prd);
    if (to_memory) {
        while (ok) {
            if (d->pos >= d->len) {
                if (d->src == IDE_SRC_BUFFER || !d->left)
                    break;
                ok = load(d) == 0;
                if (!ok)
                    break;
            }
            if (!ide_prd_move(ide, &prd, d->buf + d->pos, d->len - d->pos, true)) {
                dma_fault(ide, c, d);
                return;
            }
            d->pos = d->len;
        }
    } else {
        while (ok && d->left) {
            next_store_len(d);
            if (!ide_prd_move(ide, &prd, d->buf, d->len, false)) {
                dma_fault(ide, c, d);
                return;
            }
            ok = store(d) == 0;
        }
    }
    /* A table longer than the transfer keeps the engine active (so does
     * one left unused by a backend error). */
    if (ide_prd_exhausted(&prd))
        ch->bm_status &= (uint8_t)~IDE_BM_ST_ACTIVE;
    if (!ok)
        data_error(ide, c, d, !to_memory);
    else if (to_memory)
        finish(ide, c, d);
    else
        write_done(ide, c, d);
}

/* The device asks for DMA: it runs now if the bus master is started. */
static void dma_request(struct ide *ide, unsigned c, struct ide_device *d, bool to_memory)
{
    d->phase = to_memory ? IDE_PHASE_DMA_IN : IDE_PHASE_DMA_OUT;
    d->status = ready_status(d) | IDE_STATUS_DRQ;
    if (d->cmd == IDE_CMD_PACKET)
        d->nsect = IDE_IREASON_IO;
    ide_dma_service(ide, c);
}

/* ---- IDENTIFY ---------------------------------------------------------------------- */

/* An ATA string: two characters a word, the first in the high byte. */
static void put_string(uint16_t *w, const char *s, unsigned words)
{
    for (unsigned i = 0; i < words; i++)
        w[i] = (uint16_t)((uint8_t)s[2 * i] << 8 | (uint8_t)s[2 * i + 1]);
}

/* Words common to both IDENTIFYs. */
static void identify_common(const struct ide_channel *ch, unsigned unit, const struct ide_device *d,
                            uint16_t *id)
{
    bool other = ch->dev[unit ^ 1].kind != IDE_NONE;
    unsigned mode = d->xfer_mode & 0x07;

    put_string(id + 10, d->serial, 10);
    put_string(id + 23, d->firmware, 4);
    put_string(id + 27, d->model, 20);
    id[49] = 0x0B00; /* IORDY, LBA, DMA */
    id[50] = 0x4000;
    id[51] = 0x0200; /* obsolete PIO timing: mode 2 */
    id[63] = 0x0007; /* multiword DMA 0-2 */
    if ((d->xfer_mode & 0xF8) == IDE_XFER_MWDMA)
        id[63] |= (uint16_t)(0x0100 << mode);
    id[64] = 0x0003; /* PIO 3 and 4 */
    id[65] = id[66] = id[67] = id[68] = CYCLE_TIME_NS;
    id[80] = 0x007E; /* ATA/ATAPI-1 to -6 */
    id[84] = 0x4000;
    id[87] = 0x4000;
    id[88] = 0x003F; /* Ultra DMA 0-5 */
    if ((d->xfer_mode & 0xF8) == IDE_XFER_UDMA)
        id[88] |= (uint16_t)(0x0100 << mode);
    /* Hardware reset results: an 80-conductor cable, device numbers by
     * jumper, diagnostics passed, and for device 0 whether device 1 spoke
     * up.  Never "device 0 answers for device 1" (bit 6): SeaBIOS would not
     * look for a device 1. */
    if (unit == 0)
        id[93] = (uint16_t)(0x6000 | 0x000B | (other ? 0x0030 : 0));
    else
        id[93] = 0x6000 | 0x0B00;
}

static void identify_disk(const struct ide_channel *ch, unsigned unit, const struct ide_device *d,
                          uint16_t *id)
{
    uint64_t lba28 = d->sectors < LBA28_MAX ? d->sectors : LBA28_MAX;
    uint64_t cap = (uint64_t)d->cylinders * d->heads * d->spt;
    uint64_t cyl = d->sectors / (DEFAULT_HEADS * DEFAULT_SPT);

    id[0] = 0x0040; /* fixed disk */
    id[1] = (uint16_t)(cyl > MAX_CYLINDERS ? MAX_CYLINDERS : cyl);
    id[3] = DEFAULT_HEADS;
    id[6] = DEFAULT_SPT;
    id[47] = 0x8000 | IDE_MAX_MULTIPLE;
    id[52] = 0x0200;
    id[53] = 0x0007; /* words 54-58, 64-70 and 88 valid */
    id[54] = d->cylinders;
    id[55] = d->heads;
    id[56] = d->spt;
    if (cap > UINT32_MAX)
        cap = UINT32_MAX;
    id[57] = (uint16_t)cap;
    id[58] = (uint16_t)(cap >> 16);
    id[59] = (uint16_t)(0x0100 | d->multiple);
    id[60] = (uint16_t)lba28;
    id[61] = (uint16_t)(lba28 >> 16);
    /* NOP, read look-ahead, write cache, power management; FLUSH CACHE
     * (EXT) and LBA48. */
    id[82] = 0x4000 | 0x0040 | 0x0020 | 0x0008;
    id[83] = 0x4000 | 0x2000 | 0x1000 | 0x0400;
    id[85] =
        (uint16_t)(0x4000 | 0x0008 | (d->lookahead ? 0x0040 : 0) | (d->write_cache ? 0x0020 : 0));
    id[86] = 0x2000 | 0x1000 | 0x0400;
    for (unsigned i = 0; i < 4; i++)
        id[100 + i] = (uint16_t)(d->sectors >> 16 * i);
    id[106] = 0x4000; /* 512-byte logical and physical sectors */
    identify_common(ch, unit, d, id);
}

static void identify_packet(const struct ide_channel *ch, unsigned unit, const struct ide_device *d,
                            uint16_t *id)
{
    /* ATAPI, CD-ROM, removable, DRQ within 50 us of PACKET, 12-byte CDBs. */
    id[0] = 0x8000 | 0x0500 | 0x0080 | 0x0040;
    id[53] = 0x0006;
    id[71] = 30; /* ns from PACKET to bus release, and to service */
    id[72] = 30;
    /* NOP, DEVICE RESET, PACKET, power management. */
    id[82] = 0x4000 | 0x0200 | 0x0010 | 0x0008;
    id[83] = 0x4000;
    id[85] = id[82];
    identify_common(ch, unit, d, id);
}

/* IDENTIFY (PACKET) DEVICE: one 512-byte PIO block. */
static void identify(struct ide *ide, unsigned c, struct ide_device *d)
{
    struct ide_channel *ch = &ide->ch[c];
    unsigned unit = (unsigned)(d - ch->dev);
    uint16_t id[256];
    uint8_t sum = 0;

    memset(id, 0, sizeof(id));
    if (d->kind == IDE_DISK)
        identify_disk(ch, unit, d, id);
    else
        identify_packet(ch, unit, d, id);
    /* Integrity word: signature A5h, and a checksum making the bytes sum to 0. */
    id[255] = 0x00A5;
    for (unsigned i = 0; i < 255; i++)
        sum = (uint8_t)(sum + (id[i] & 0xFF) + (id[i] >> 8));
    sum = (uint8_t)(sum + 0xA5);
    id[255] |= (uint16_t)((uint8_t)-sum << 8);
    for (unsigned i = 0; i < 256; i++) {
        d->buf[2 * i] = (uint8_t)id[i];
        d->buf[2 * i + 1] = (uint8_t)(id[i] >> 8);
    }
    d->src = IDE_SRC_BUFFER;
    d->phase = IDE_PHASE_PIO_IN;
    d->pos = 0;
    d->len = d->block = 512;
    d->left = 0;
    drq_block(ide, c, d, true);
}

/* ---- ATA reads and writes ----------------------------------------------------------- */

enum rw_mode {
    RW_SECTORS,
    RW_MULTIPLE,
    RW_DMA,
    RW_VERIFY,
};

/* The command's first sector, or false for a CHS address off the geometry. */
static bool command_lba(const struct ide_device *d, bool lba48, uint64_t *lba)
{
    unsigned cyl, head, sector;

    if (lba48) {
        *lba = (uint64_t)d->hob_lbah << 40 | (uint64_t)d->hob_lbam << 32 |
               (uint64_t)d->hob_lbal << 24 | (uint64_t)d->lbah << 16 | (uint64_t)d->lbam << 8 |
               d->lbal;
        return true;
    }
    if (d->device & IDE_DEVICE_LBA) {
        *lba = (uint64_t)(d->device & 0x0F) << 24 | (uint64_t)d->lbah << 16 |
               (uint64_t)d->lbam << 8 | d->lbal;
        return true;
    }
    cyl = (unsigned)d->lbah << 8 | d->lbam;
    head = d->device & 0x0F;
    sector = d->lbal;
    if (!sector || sector > d->spt || head >= d->heads || cyl >= d->cylinders)
        return false;
    *lba = ((uint64_t)cyl * d->heads + head) * d->spt + sector - 1;
    return true;
}

static uint32_t command_count(const struct ide_device *d, bool lba48)
{
    uint32_t n = lba48 ? (uint32_t)d->hob_nsect << 8 | d->nsect : d->nsect;

    if (n)
        return n;
    return lba48 ? 65536 : 256;
}

static void ata_rw(struct ide *ide, unsigned c, struct ide_device *d, bool write, bool lba48,
                   enum rw_mode mode)
{
    uint32_t count = command_count(d, lba48);
    uint64_t lba;

    if (mode == RW_MULTIPLE && !d->multiple) {
        abort_cmd(ide, c, d);
        return;
    }
    if (!command_lba(d, lba48, &lba) || lba + count > d->sectors) {
        fail(ide, c, d, IDE_ERROR_IDNF);
        return;
    }
    if (mode == RW_VERIFY) {
        finish(ide, c, d);
        return;
    }
    d->lba48 = lba48;
    d->src = IDE_SRC_DISK;
    d->ssize = IDE_SECTOR_SIZE;
    d->lba = lba;
    d->left = count;
    d->block = (mode == RW_MULTIPLE ? d->multiple : 1) * IDE_SECTOR_SIZE;
    d->refill = ATA_LOAD_SECTORS;
    if (mode == RW_DMA) {
        dma_request(ide, c, d, !write);
        return;
    }
    if (write) {
        /* PIO data-out: the first block is asked for without an interrupt. */
        d->phase = IDE_PHASE_PIO_OUT;
        next_store_len(d);
        drq_block(ide, c, d, false);
        return;
    }
    d->phase = IDE_PHASE_PIO_IN;
    if (load(d) < 0) {
        data_error(ide, c, d, false);
        return;
    }
    drq_block(ide, c, d, true);
}

/* ---- other ATA commands -------------------------------------------------------------- */

static bool valid_xfer_mode(uint8_t v)
{
    unsigned mode = v & 0x07;

    switch (v & 0xF8) {
    case 0x00:
        return v <= 0x01; /* PIO default (with IORDY, or without) */
    case IDE_XFER_PIO:
        return mode <= 4;
    case IDE_XFER_MWDMA:
        return mode <= 2;
    case IDE_XFER_UDMA:
        return mode <= 5;
    default:
        return false;
    }
}

static void set_features(struct ide *ide, unsigned c, struct ide_device *d)
{
    bool disk = d->kind == IDE_DISK;

    switch (d->feature) {
    case IDE_FEATURE_XFER_MODE:
        if (!valid_xfer_mode(d->nsect)) {
            abort_cmd(ide, c, d);
            return;
        }
        d->xfer_mode = d->nsect;
        break;
    case IDE_FEATURE_WCACHE_ON:
    case IDE_FEATURE_WCACHE_OFF:
        if (!disk) {
            abort_cmd(ide, c, d);
            return;
        }
        /* Turning the cache off makes what it held durable first. */
        if (d->feature == IDE_FEATURE_WCACHE_OFF && flush(d) < 0) {
            abort_cmd(ide, c, d);
            return;
        }
        d->write_cache = d->feature == IDE_FEATURE_WCACHE_ON;
        break;
    case IDE_FEATURE_LOOKAHEAD_ON:
    case IDE_FEATURE_LOOKAHEAD_OFF:
        if (!disk) {
            abort_cmd(ide, c, d);
            return;
        }
        d->lookahead = d->feature == IDE_FEATURE_LOOKAHEAD_ON;
        break;
    case IDE_FEATURE_REVERT_ON:
    case IDE_FEATURE_REVERT_OFF:
        /* Accepted; settings survive a software reset either way. */
        break;
    default:
        abort_cmd(ide, c, d);
        return;
    }
    finish(ide, c, d);
}

static void set_multiple(struct ide *ide, unsigned c, struct ide_device *d)
{
    unsigned n = d->nsect;

    if (n > IDE_MAX_MULTIPLE || (n & (n - 1))) {
        abort_cmd(ide, c, d);
        return;
    }
    d->multiple = (uint8_t)n; /* 0 turns READ/WRITE MULTIPLE off */
    finish(ide, c, d);
}

/* INITIALIZE DEVICE PARAMETERS: the CHS translation.  One the device cannot
 * use (no sectors per track) is taken, and CHS commands then fail with IDNF,
 * as ATA-6 says. */
static void init_params(struct ide *ide, unsigned c, struct ide_device *d)
{
    uint64_t cyl = 0;

    d->heads = (uint8_t)((d->device & 0x0F) + 1);
    d->spt = d->nsect;
    if (d->spt)
        cyl = d->sectors / ((uint64_t)d->heads * d->spt);
    d->cylinders = (uint16_t)(cyl > UINT16_MAX ? UINT16_MAX : cyl);
    finish(ide, c, d);
}

static void flush_cache(struct ide *ide, unsigned c, struct ide_device *d)
{
    if (flush(d) < 0) {
        abort_cmd(ide, c, d);
        return;
    }
    finish(ide, c, d);
}

/* EXECUTE DEVICE DIAGNOSTIC: both devices run it, device 0 reports. */
static void diagnostic(struct ide *ide, unsigned c)
{
    struct ide_channel *ch = &ide->ch[c];
    struct ide_device *reporter = &ch->dev[ch->selected];

    for (unsigned u = 0; u < IDE_UNITS; u++) {
        if (ch->dev[u].kind != IDE_NONE) {
            device_reset(&ch->dev[u]);
            ch->dev[u].cmd = IDE_CMD_DIAGNOSTIC;
        }
    }
    if (ch->dev[0].kind != IDE_NONE) {
        for (unsigned u = 0; u < IDE_UNITS; u++)
            ch->dev[u].device = 0;
        ch->selected = 0;
        reporter = &ch->dev[0];
    }
    raise_irq(ide, c, reporter);
}

static void ata_command(struct ide *ide, unsigned c, struct ide_device *d, uint8_t cmd)
{
    switch (cmd) {
    case IDE_CMD_READ_SECTORS:
    case IDE_CMD_READ_SECTORS_NR:
        ata_rw(ide, c, d, false, false, RW_SECTORS);
        break;
    case IDE_CMD_READ_SECTORS_EXT:
        ata_rw(ide, c, d, false, true, RW_SECTORS);
        break;
    case IDE_CMD_READ_MULTIPLE:
        ata_rw(ide, c, d, false, false, RW_MULTIPLE);
        break;
    case IDE_CMD_READ_MULTIPLE_EXT:
        ata_rw(ide, c, d, false, true, RW_MULTIPLE);
        break;
    case IDE_CMD_READ_DMA:
    case IDE_CMD_READ_DMA_NR:
        ata_rw(ide, c, d, false, false, RW_DMA);
        break;
    case IDE_CMD_READ_DMA_EXT:
        ata_rw(ide, c, d, false, true, RW_DMA);
        break;
    case IDE_CMD_WRITE_SECTORS:
    case IDE_CMD_WRITE_SECTORS_NR:
        ata_rw(ide, c, d, true, false, RW_SECTORS);
        break;
    case IDE_CMD_WRITE_SECTORS_EXT:
        ata_rw(ide, c, d, true, true, RW_SECTORS);
        break;
    case IDE_CMD_WRITE_MULTIPLE:
        ata_rw(ide, c, d, true, false, RW_MULTIPLE);
        break;
    case IDE_CMD_WRITE_MULTIPLE_EXT:
        ata_rw(ide, c, d, true, true, RW_MULTIPLE);
        break;
    case IDE_CMD_WRITE_DMA:
    case IDE_CMD_WRITE_DMA_NR:
        ata_rw(ide, c, d, true, false, RW_DMA);
        break;
    case IDE_CMD_WRITE_DMA_EXT:
        ata_rw(ide, c, d, true, true, RW_DMA);
        break;
    case IDE_CMD_READ_VERIFY:
    case IDE_CMD_READ_VERIFY_NR:
        ata_rw(ide, c, d, false, false, RW_VERIFY);
        break;
    case IDE_CMD_READ_VERIFY_EXT:
        ata_rw(ide, c, d, false, true, RW_VERIFY);
        break;
    case IDE_CMD_FLUSH_CACHE:
    case IDE_CMD_FLUSH_CACHE_EXT:
        flush_cache(ide, c, d);
        break;
    case IDE_CMD_IDENTIFY:
        identify(ide, c, d);
        break;
    case IDE_CMD_SET_MULTIPLE:
        set_multiple(ide, c, d);
        break;
    case IDE_CMD_INIT_PARAMS:
        init_params(ide, c, d);
        break;
    default:
        abort_cmd(ide, c, d);
        break;
    }
}

/* ---- ATAPI ---------------------------------------------------------------------------- */

static void packet(struct ide *ide, unsigned c, struct ide_device *d)
{
    uint32_t limit = (uint32_t)d->lbah << 8 | d->lbam;

    /* A limit of 0 is the host not caring (0xFFFF is not even); an odd one
     * gets the even value below it, words being the unit of transfer. */
    if (!limit || limit == 0xFFFF)
        limit = 0xFFFE;
    limit &= ~1u;
    d->limit = (uint16_t)(limit ? limit : 2);
    d->packet_dma = d->feature & IDE_PACKET_DMA;
    d->src = IDE_SRC_CDB;
    d->phase = IDE_PHASE_PIO_OUT;
    d->pos = 0;
    d->len = d->block = ATAPI_CDB_SIZE;
    d->left = 0;
    d->nsect = IDE_IREASON_COD;
    /* The CDB is asked for without an interrupt (IDENTIFY PACKET word 0). */
    drq_block(ide, c, d, false);
}

static void packet_exec(struct ide *ide, unsigned c, struct ide_device *d)
{
    uint8_t cdb[ATAPI_CDB_SIZE];
    struct atapi_result res;

    memcpy(cdb, d->buf, sizeof(cdb)); /* the reply may go where the CDB is */
    atapi_command(&d->cd, cdb, d->buf, IDE_BUF_SIZE, &res);
    if (res.status != ATAPI_GOOD) {
        check_condition(ide, c, d);
        return;
    }
    d->pos = d->len = 0;
    d->left = 0;
    if (res.len) {
        d->src = IDE_SRC_BUFFER;
        d->len = res.len;
    } else if (res.count) {
        d->src = IDE_SRC_CD;
        d->ssize = ATAPI_SECTOR_SIZE;
        d->lba = res.lba;
        d->left = res.count;
        /* PIO: as many whole sectors as a block may hold, or one sector
         * in several blocks if the limit is below a sector. */
        d->refill = d->limit / ATAPI_SECTOR_SIZE;
        if (d->packet_dma || d->refill > ATAPI_LOAD_SECTORS)
            d->refill = ATAPI_LOAD_SECTORS;
        if (!d->refill)
            d->refill = 1;
    } else {
        finish(ide, c, d);
        return;
    }
    if (d->packet_dma) {
        dma_request(ide, c, d, true);
        return;
    }
    d->phase = IDE_PHASE_PIO_IN;
    d->block = d->limit;
    if (d->src == IDE_SRC_CD && load(d) < 0) {
        data_error(ide, c, d, false);
        return;
    }
    drq_block(ide, c, d, true);
}

static void atapi_ata_command(struct ide *ide, unsigned c, struct ide_device *d, uint8_t cmd)
{
    switch (cmd) {
    case IDE_CMD_PACKET:
        packet(ide, c, d);
        break;
    case IDE_CMD_IDENTIFY_PACKET:
        identify(ide, c, d);
        break;
    case IDE_CMD_DEVICE_RESET:
        /* Only this device, and without an interrupt. */
        device_reset(d);
        break;
    case IDE_CMD_IDENTIFY:
    case IDE_CMD_READ_SECTORS:
    case IDE_CMD_READ_SECTORS_NR:
        /* ATA-6: a packet device aborts these with its signature, which
         * tells a host probing with IDENTIFY DEVICE what it found. */
        set_signature(d);
        abort_cmd(ide, c, d);
        break;
    default:
        abort_cmd(ide, c, d);
        break;
    }
}

/* ---- registers -------------------------------------------------------------------------- */

static void command(struct ide *ide, unsigned c, uint8_t cmd)
{
    struct ide_channel *ch = &ide->ch[c];
    struct ide_device *d = &ch->dev[ch->selected];

    if (d->kind == IDE_NONE || (ch->devctl & IDE_CTL_SRST))
        return;
    /* A new command abandons a data phase left unfinished. */
    end_phase(d);
    d->cmd = cmd;
    d->error = 0;
    d->intrq = false; /* writing the command register negates INTRQ */
    update_irq(ide, c);
    switch (cmd) {
    case IDE_CMD_DIAGNOSTIC:
        diagnostic(ide, c);
        return;
    case IDE_CMD_SET_FEATURES:
        set_features(ide, c, d);
        return;
    case IDE_CMD_CHECK_POWER_MODE:
        d->nsect = 0xFF; /* active or idle */
        finish(ide, c, d);
        return;
    case IDE_CMD_IDLE:
    case IDE_CMD_IDLE_IMMEDIATE:
    case IDE_CMD_STANDBY:
    case IDE_CMD_STANDBY_IMMEDIATE:
    case IDE_CMD_SLEEP:
        /* A virtual disk has nothing to spin down. */
        finish(ide, c, d);
        return;
    default:
        break;
    }
    if (d->kind == IDE_CDROM)
        atapi_ata_command(ide, c, d, cmd);
    else
        ata_command(ide, c, d, cmd);
}

/* A host write to a taskfile register: both devices latch it. */
static void taskfile_write(struct ide *ide, unsigned c, unsigned reg, uint8_t v)
{
    struct ide_channel *ch = &ide->ch[c];

    for (unsigned u = 0; u < IDE_UNITS; u++) {
        struct ide_device *d = &ch->dev[u];

        switch (reg) {
        case IDE_REG_FEATURE:
            d->hob_feature = d->feature;
            d->feature = v;
            break;
        case IDE_REG_NSECT:
            d->hob_nsect = d->nsect;
            d->nsect = v;
            break;
        case IDE_REG_LBAL:
            d->hob_lbal = d->lbal;
            d->lbal = v;
            break;
        case IDE_REG_LBAM:
            d->hob_lbam = d->lbam;
            d->lbam = v;
            break;
        case IDE_REG_LBAH:
            d->hob_lbah = d->lbah;
            d->lbah = v;
            break;
        default: /* IDE_REG_DEVICE */
            d->device = v;
            break;
        }
    }
    if (reg == IDE_REG_DEVICE) {
        ch->selected = (v & IDE_DEVICE_DEV) ? 1 : 0;
        update_irq(ide, c);
    }
}

static uint8_t reg_read(struct ide *ide, unsigned c, unsigned reg)
{
    struct ide_channel *ch = &ide->ch[c];
    struct ide_device *d = &ch->dev[ch->selected];
    bool hob = ch->devctl & IDE_CTL_HOB;

    if (d->kind == IDE_NONE)
        return 0;
    if (ch->devctl & IDE_CTL_SRST)
        return reg == IDE_REG_STATUS ? IDE_STATUS_BSY : 0;
    switch (reg) {
    case IDE_REG_ERROR:
        return d->error;
    case IDE_REG_NSECT:
        return hob ? d->hob_nsect : d->nsect;
    case IDE_REG_LBAL:
        return hob ? d->hob_lbal : d->lbal;
    case IDE_REG_LBAM:
        return hob ? d->hob_lbam : d->lbam;
    case IDE_REG_LBAH:
        return hob ? d->hob_lbah : d->lbah;
    case IDE_REG_DEVICE:
        return d->device;
    default: /* IDE_REG_STATUS */
        d->intrq = false;
        update_irq(ide, c);
        return d->status;
    }
}

static void reg_write(struct ide *ide, unsigned c, unsigned reg, uint8_t v)
{
    struct ide_channel *ch = &ide->ch[c];

    /* Devices in reset are busy: they take nothing. */
    if (ch->devctl & IDE_CTL_SRST)
        return;
    /* ATA-6: a write to any command block register clears HOB. */
    ch->devctl &= (uint8_t)~IDE_CTL_HOB;
    if (reg == IDE_REG_COMMAND)
        command(ide, c, v);
    else
        taskfile_write(ide, c, reg, v);
}

static uint8_t alt_status(struct ide *ide, unsigned c)
{
    struct ide_channel *ch = &ide->ch[c];
    const struct ide_device *d = &ch->dev[ch->selected];

    if (d->kind == IDE_NONE)
        return 0;
    if (ch->devctl & IDE_CTL_SRST)
        return IDE_STATUS_BSY;
    return d->status;
}

static void control_write(struct ide *ide, unsigned c, uint8_t v)
{
    struct ide_channel *ch = &ide->ch[c];
    bool was_reset = ch->devctl & IDE_CTL_SRST;

    ch->devctl = v;
    if (!was_reset && (v & IDE_CTL_SRST)) {
        for (unsigned u = 0; u < IDE_UNITS; u++) {
            end_phase(&ch->dev[u]);
            ch->dev[u].intrq = false;
        }
    } else if (was_reset && !(v & IDE_CTL_SRST)) {
        /* The reset completes at once: signatures, device 0 selected. */
        for (unsigned u = 0; u < IDE_UNITS; u++) {
            if (ch->dev[u].kind != IDE_NONE)
                device_reset(&ch->dev[u]);
            ch->dev[u].device = 0;
        }
        ch->selected = 0;
    }
    update_irq(ide, c);
}

uint64_t ide_io_read(struct ide *ide, unsigned channel, enum ide_io_range range, uint64_t offset,
                     unsigned size)
{
    uint64_t v = 0;

    if (channel >= IDE_CHANNELS || (size != 1 && size != 2 && size != 4))
        return all_ones(size);
    if (range == IDE_IO_COMMAND && offset == IDE_REG_DATA) {
        if (size == 1)
            return all_ones(size);
        v = data_read(ide, channel);
        if (size == 4)
            v |= (uint64_t)data_read(ide, channel) << 16;
        return v;
    }
    if (range != IDE_IO_COMMAND && range != IDE_IO_CONTROL)
        return all_ones(size);
    for (unsigned i = 0; i < size; i++) {
        uint64_t o = offset + i;
        uint8_t b = 0xFF;

        if (range == IDE_IO_COMMAND && o < IDE_CMD_PORTS)
            b = reg_read(ide, channel, (unsigned)o);
        else if (range == IDE_IO_CONTROL && o < IDE_CTL_PORTS)
            b = alt_status(ide, channel);
        v |= (uint64_t)b << 8 * i;
    }
    return v;
}

void ide_io_write(struct ide *ide, unsigned channel, enum ide_io_range range, uint64_t offset,
                  unsigned size, uint64_t value)
{
    if (channel >= IDE_CHANNELS || (size != 1 && size != 2 && size != 4))
        return;
    if (range == IDE_IO_COMMAND && offset == IDE_REG_DATA) {
        if (size == 1)
            return;
        data_write(ide, channel, (uint16_t)value);
        if (size == 4)
            data_write(ide, channel, (uint16_t)(value >> 16));
        return;
    }
    for (unsigned i = 0; i < size; i++) {
        uint64_t o = offset + i;
        uint8_t b = (uint8_t)(value >> 8 * i);

        if (range == IDE_IO_COMMAND && o < IDE_CMD_PORTS)
            reg_write(ide, channel, (unsigned)o, b);
        else if (range == IDE_IO_CONTROL && o < IDE_CTL_PORTS)
            control_write(ide, channel, b);
    }
}

/* ---- the owner's side ----------------------------------------------------------------- */

void ide_init(struct ide *ide, ide_irq_fn irq, ide_map_fn map, void *opaque)
{
    memset(ide, 0, sizeof(*ide));
    ide->irq = irq;
    ide->map = map;
    ide->opaque = opaque;
}

static void copy_id_string(char *dst, size_t n, const char *src)
{
    size_t len = strnlen(src, n);

    memset(dst, ' ', n);
    memcpy(dst, src, len);
    dst[n] = '\0';
}

int ide_attach(struct ide *ide, unsigned channel, unsigned unit, const struct ide_drive_config *cfg)
{
    struct ide_device *d;
    char serial[21];
    const char *model;

    if (channel >= IDE_CHANNELS || unit >= IDE_UNITS || !cfg)
        return -EINVAL;
    d = &ide->ch[channel].dev[unit];
    switch (cfg->kind) {
    case IDE_NONE:
        memset(d, 0, sizeof(*d));
        update_irq(ide, channel);
        return 0;
    case IDE_DISK:
        if (!cfg->backend.ops || !cfg->backend.ops->read || !cfg->backend.ops->write ||
            cfg->backend.size / IDE_SECTOR_SIZE > IDE_MAX_SECTORS)
            return -EINVAL;
        model = cfg->model ? cfg->model : "HVCORE VIRTUAL HARDDISK";
        break;
    case IDE_CDROM:
        if (cfg->backend.ops && !cfg->backend.ops->read)
            return -EINVAL;
        model = cfg->model ? cfg->model : "HVCORE VIRTUAL DVD-ROM";
        break;
    default:
        return -EINVAL;
    }
    memset(d, 0, sizeof(*d));
    d->kind = cfg->kind;
    snprintf(serial, sizeof(serial), "HVIDE%u%u", channel, unit);
    copy_id_string(d->model, sizeof(d->model) - 1, model);
    copy_id_string(d->serial, sizeof(d->serial) - 1, cfg->serial ? cfg->serial : serial);
    copy_id_string(d->firmware, sizeof(d->firmware) - 1, cfg->firmware ? cfg->firmware : "1.0");
    if (cfg->kind == IDE_DISK) {
        d->be = cfg->backend;
        d->sectors = cfg->backend.size / IDE_SECTOR_SIZE;
    } else {
        /* INQUIRY's product has 16 chars: the default model would not fit. */
        atapi_init(&d->cd, NULL, cfg->model, cfg->firmware, d->serial);
        if (cfg->backend.ops) {
            d->be = cfg->backend;
            atapi_insert(&d->cd, cfg->backend.size / ATAPI_SECTOR_SIZE);
            /* In the drive since power-on: no change to report. */
            d->cd.unit_attention = false;
            d->cd.media_event = ATAPI_EVENT_NONE;
        }
    }
    power_on(d);
    update_irq(ide, channel);
    return 0;
}

int ide_cdrom_change(struct ide *ide, unsigned channel, unsigned unit, const struct ide_backend *be)
{
    struct ide_device *d;

    if (channel >= IDE_CHANNELS || unit >= IDE_UNITS)
        return -EINVAL;
    d = &ide->ch[channel].dev[unit];
    if (d->kind != IDE_CDROM || (be && be->ops && !be->ops->read))
        return -EINVAL;
    /* A command reading the old disc must not go on with the new one. */
    if (d->phase != IDE_PHASE_IDLE) {
        atapi_set_sense(&d->cd, ATAPI_SENSE_UNIT_ATTENTION, ATAPI_ASC_MEDIUM_CHANGED, 0);
        check_condition(ide, channel, d);
    }
    if (be && be->ops) {
        d->be = *be;
        atapi_insert(&d->cd, be->size / ATAPI_SECTOR_SIZE);
    } else {
        memset(&d->be, 0, sizeof(d->be));
        atapi_remove(&d->cd);
    }
    return 0;
}

bool ide_cdrom_tray_open(const struct ide *ide, unsigned channel, unsigned unit)
{
    if (channel >= IDE_CHANNELS || unit >= IDE_UNITS)
        return false;
    return ide->ch[channel].dev[unit].kind == IDE_CDROM && ide->ch[channel].dev[unit].cd.tray_open;
}

void ide_reset(struct ide *ide)
{
    for (unsigned c = 0; c < IDE_CHANNELS; c++) {
        struct ide_channel *ch = &ide->ch[c];

        for (unsigned u = 0; u < IDE_UNITS; u++) {
            if (ch->dev[u].kind != IDE_NONE)
                power_on(&ch->dev[u]);
        }
        ch->selected = 0;
        ch->devctl = 0;
        ch->bm_cmd = 0;
        ch->bm_status = 0;
        ch->bm_prd = 0;
        update_irq(ide, c);
    }
}
