// SPDX-License-Identifier: GPL-2.0-only
/*
 * A SCSI direct-access target over a struct disk (scsi_disk.h).
 *
 * The guest's CDB and data-out buffer are hostile: every field is read
 * once from a copy, lengths are compared with what the guest's buffer
 * really holds, and LBA ranges are checked without overflow (a range is
 * valid when lba <= blocks && count <= blocks - lba).  What the target
 * claims to be follows Hyper-V's virtual disk: vendor "Msft", product
 * "Virtual Disk", SPC-3, write cache enabled (SYNCHRONIZE CACHE flushes
 * the image), thin provisioned with UNMAP where the image can give space
 * back.
 */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <disk/disk.h>

#include "scsi_disk.h"

/* Operation codes */
#define OP_TEST_UNIT_READY   0x00
#define OP_REQUEST_SENSE     0x03
#define OP_READ6             0x08
#define OP_WRITE6            0x0a
#define OP_INQUIRY           0x12
#define OP_MODE_SENSE6       0x1a
#define OP_START_STOP_UNIT   0x1b
#define OP_PREVENT_ALLOW     0x1e
#define OP_READ_CAPACITY10   0x25
#define OP_READ10            0x28
#define OP_WRITE10           0x2a
#define OP_VERIFY10          0x2f
#define OP_SYNC_CACHE10      0x35
#define OP_UNMAP             0x42
#define OP_MODE_SENSE10      0x5a
#define OP_READ16            0x88
#define OP_WRITE16           0x8a
#define OP_VERIFY16          0x8f
#define OP_SYNC_CACHE16      0x91
#define OP_SERVICE_ACTION_IN 0x9e
#define OP_READ12            0xa8
#define OP_WRITE12           0xaa
#define OP_VERIFY12          0xaf

#define SAI_READ_CAPACITY16 0x10

/* Mode pages */
#define MODE_PAGE_CACHING 0x08
#define MODE_PAGE_CONTROL 0x0a
#define MODE_PAGE_ALL     0x3f

/* The largest inline answer: REPORT LUNS for 255 LUNs fits, as does any
 * INQUIRY page or MODE SENSE of all pages. */
#define RESP_MAX 2048u
/* The largest UNMAP parameter list read: header and every descriptor. */
#define UNMAP_PARAM_MAX (8u + 16u * SCSI_UNMAP_MAX_DESCRIPTORS)

static const char vendor[8] = {'M', 's', 'f', 't', ' ', ' ', ' ', ' '};
static const char product[16] = {'V', 'i', 'r', 't', 'u', 'a', 'l', ' ',
                                 'D', 'i', 's', 'k', ' ', ' ', ' ', ' '};
static const char revision[4] = {'1', '.', '0', ' '};

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t be64(const uint8_t *p)
{
    return (uint64_t)be32(p) << 32 | be32(p + 4);
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)(v >> 16));
    put16(p + 2, (uint16_t)v);
}

static void put64(uint8_t *p, uint64_t v)
{
    put32(p, (uint32_t)(v >> 32));
    put32(p + 4, (uint32_t)v);
}

/* Copy between @buf and the iovecs: into them if @to_iov, else out of them.
 * At most @len and @buf_len bytes; the bytes copied. */
static size_t copy_iov(const struct iovec *iov, int iovcnt, size_t buf_len, uint8_t *buf,
                       size_t len, bool to_iov)
{
    size_t done = 0;

    if (len > buf_len)
        len = buf_len;
    for (int i = 0; i < iovcnt && done < len; i++) {
        size_t n = iov[i].iov_len < len - done ? iov[i].iov_len : len - done;

        if (to_iov)
            memcpy(iov[i].iov_base, buf + done, n);
        else
            memcpy(buf + done, iov[i].iov_base, n);
        done += n;
    }
    return done;
}

size_t scsi_copy_to_iov(const struct iovec *iov, int iovcnt, size_t buf_len, const void *src,
                        size_t len)
{
    /* Only read through: the cast drops const for the shared loop. */
    return copy_iov(iov, iovcnt, buf_len, (uint8_t *)(uintptr_t)src, len, true);
}

size_t scsi_copy_from_iov(const struct iovec *iov, int iovcnt, size_t buf_len, void *dst,
                          size_t len)
{
    return copy_iov(iov, iovcnt, buf_len, dst, len, false);
}

void scsi_set_sense(struct scsi_result *res, uint8_t key, uint16_t asc_ascq)
{
    res->status = SCSI_STATUS_CHECK_CONDITION;
    res->transferred = 0;
    memset(res->sense, 0, sizeof(res->sense));
    res->sense[0] = 0x70; /* current error, fixed format */
    res->sense[2] = key;
    res->sense[7] = SCSI_SENSE_LEN - 8;
    res->sense[12] = (uint8_t)(asc_ascq >> 8);
    res->sense[13] = (uint8_t)asc_ascq;
}

static void good(struct scsi_result *res, uint32_t transferred)
{
    memset(res, 0, sizeof(*res));
    res->status = SCSI_STATUS_GOOD;
    res->transferred = transferred;
}

/* Data-in answer: at most the allocation length and the guest's buffer. */
static void data_in(struct scsi_result *res, const struct iovec *iov, int iovcnt, size_t buf_len,
                    const uint8_t *data, size_t len, size_t alloc_len)
{
    if (len > alloc_len)
        len = alloc_len;
    good(res, (uint32_t)scsi_copy_to_iov(iov, iovcnt, buf_len, data, len));
}

static unsigned ilog2_u32(uint32_t v)
{
    unsigned n = 0;

    while (v > 1) {
        v >>= 1;
        n++;
    }
    return n;
}

int scsi_disk_init(struct scsi_disk *sd, struct disk *d, const uint8_t id[16], unsigned lun,
                   uint32_t max_transfer)
{
    static const char hex[] = "0123456789abcdef";
    struct disk_info info;
    uint32_t phys;
    uint64_t h;

    memset(sd, 0, sizeof(*sd));
    disk_get_info(d, &info);
    if (info.logical_sector_size != 512 && info.logical_sector_size != 4096)
        return -EINVAL;
    sd->disk = d;
    sd->block_size = info.logical_sector_size;
    phys = info.physical_sector_size;
    /* The physical sector is a power-of-two multiple of the logical one,
     * or it says nothing. */
    if (phys > sd->block_size && phys % sd->block_size == 0 &&
        ((phys / sd->block_size) & (phys / sd->block_size - 1)) == 0)
        sd->phys_exp = ilog2_u32(phys / sd->block_size);
    sd->blocks = disk_size(d) / sd->block_size;
    sd->read_only = disk_read_only(d);
    sd->can_discard = !sd->read_only && disk_can_discard(d);
    sd->unmap_gran = 1u << sd->phys_exp;
    /* Discarding less than the image's allocation unit gives nothing back;
     * telling the guest lets it align its discards. */
    if (info.block_size > sd->block_size && info.block_size % sd->block_size == 0)
        sd->unmap_gran = info.block_size / sd->block_size;
    sd->max_transfer = max_transfer;

    /* Serial: the controller's instance with the LUN folded into its last
     * byte, in hex (32 characters). */
    for (unsigned i = 0; i < 16; i++) {
        uint8_t b = id[i];

        if (i == 15)
            b ^= (uint8_t)lun;
        sd->serial[2 * i] = hex[b >> 4];
        sd->serial[2 * i + 1] = hex[b & 15];
    }
    sd->serial[32] = '\0';

    /* NAA 6 (IEEE Registered Extended) under Microsoft's OUI 00-22-48 (as
     * Hyper-V's disks), the rest from a hash of the instance and LUN. */
    h = 0xcbf29ce484222325ull;
    for (unsigned i = 0; i < 16; i++)
        h = (h ^ id[i]) * 0x100000001b3ull;
    h = (h ^ lun) * 0x100000001b3ull;
    sd->naa[0] = 0x60;
    sd->naa[1] = 0x02;
    sd->naa[2] = 0x24;
    sd->naa[3] = 0x80;
    put32(sd->naa + 4, (uint32_t)(h >> 32));
    for (unsigned i = 0; i < 8; i++)
        sd->naa[8 + i] = id[i] ^ id[8 + i];
    sd->naa[15] ^= (uint8_t)lun;
    return 0;
}

/* ---- INQUIRY ------------------------------------------------------------------------ */

static size_t std_inquiry(uint8_t *r, uint8_t peripheral)
{
    memset(r, 0, 36);
    r[0] = peripheral;
    r[2] = 0x05; /* SPC-3: Linux then uses REPORT LUNS and READ CAPACITY 16 */
    r[3] = 0x02; /* response data format 2 */
    r[4] = 36 - 5;
    r[7] = 0x02; /* CMDQUE: tagged queueing */
    memcpy(r + 8, vendor, sizeof(vendor));
    memcpy(r + 16, product, sizeof(product));
    memcpy(r + 32, revision, sizeof(revision));
    return 36;
}

static const uint8_t vpd_pages[] = {0x00, 0x80, 0x83, 0xb0, 0xb1, 0xb2};

/* The VPD page @page into @r; 0 if there is no such page. */
static size_t vpd_page(const struct scsi_disk *sd, uint8_t page, uint8_t *r)
{
    size_t n;

    memset(r, 0, 64);
    r[0] = 0x00; /* direct access */
    r[1] = page;
    switch (page) {
    case 0x00:
        memcpy(r + 4, vpd_pages, sizeof(vpd_pages));
        n = 4 + sizeof(vpd_pages);
        break;
    case 0x80:
        memcpy(r + 4, sd->serial, 32);
        n = 4 + 32;
        break;
    case 0x83:
        /* NAA, binary, associated with the logical unit. */
        r[4] = 0x01; /* code set binary */
        r[5] = 0x03; /* LU association, designator type NAA */
        r[7] = 16;
        memcpy(r + 8, sd->naa, 16);
        /* T10 vendor id: vendor and serial, ASCII. */
        r[24] = 0x02;
        r[25] = 0x01;
        r[27] = 8 + 32;
        memcpy(r + 28, vendor, 8);
        memcpy(r + 36, sd->serial, 32);
        n = 68;
        break;
    case 0xb0: {
        uint32_t max_blocks = sd->max_transfer / sd->block_size;

        put16(r + 6, (uint16_t)(1u << sd->phys_exp)); /* optimal granularity */
        put32(r + 8, max_blocks);                     /* maximum transfer length */
        put32(r + 12, max_blocks);                    /* optimal transfer length */
        if (sd->can_discard) {
            put32(r + 20, SCSI_UNMAP_MAX_BLOCKS);
            put32(r + 24, SCSI_UNMAP_MAX_DESCRIPTORS);
            put32(r + 28, sd->unmap_gran);
        }
        n = 4 + 0x3c;
        break;
    }
    case 0xb1:
        put16(r + 4, 1); /* non-rotating medium */
        n = 4 + 0x3c;
        break;
    case 0xb2:
        if (sd->can_discard) {
            r[5] = 0x80; /* LBPU: UNMAP */
            r[6] = 0x02; /* thin provisioned */
        }
        n = 4 + 4;
        break;
    default:
        return 0;
    }
    put16(r + 2, (uint16_t)(n - 4));
    return n;
}

static void inquiry(const struct scsi_disk *sd, const uint8_t *cdb, const struct iovec *iov,
                    int iovcnt, size_t buf_len, struct scsi_result *res)
{
    uint8_t r[96];
    size_t alloc = be16(cdb + 3), n;

    if (cdb[1] & 0x01) {
        n = vpd_page(sd, cdb[2], r);
        if (!n) {
            scsi_set_sense(res, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD_IN_CDB);
            return;
        }
    } else {
        if (cdb[2] != 0) {
            scsi_set_sense(res, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD_IN_CDB);
            return;
        }
        n = std_inquiry(r, 0x00);
    }
    data_in(res, iov, iovcnt, buf_len, r, n, alloc);
}

bool scsi_absent_lun_inquiry(const uint8_t *cdb, size_t cdb_len, const struct iovec *iov,
                             int iovcnt, size_t buf_len, struct scsi_result *res)
{
    uint8_t r[36];

    if (cdb_len < 6 || cdb[0] != OP_INQUIRY)
        return false;
    /* Not there: no VPD pages either. */
    if ((cdb[1] & 0x01) || cdb[2] != 0) {
        scsi_set_sense(res, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD_IN_CDB);
        return true;
    }
    std_inquiry(r, 0x7f); /* qualifier 011b, type 0x1f */
    data_in(res, iov, iovcnt, buf_len, r, sizeof(r), be16(cdb + 3));
    return true;
}

void scsi_report_luns(const uint8_t *cdb, size_t cdb_len, const bool *present, unsigned nluns,
                      const struct iovec *iov, int iovcnt, size_t buf_len, struct scsi_result *res)
{
    uint8_t r[RESP_MAX];
    size_t n = 8;
    uint32_t alloc;

    if (cdb_len < 12) {
        scsi_set_sense(res, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD_IN_CDB);
        return;
    }
    alloc = be32(cdb + 6);
    /* SPC: an allocation length under 16 is an error; select report 0-2
     * all mean the LUNs we have (no well-known LUNs). */
    if (alloc < 16 || cdb[2] > 2) {
        scsi_set_sense(res, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD_IN_CDB);
        return;
    }
    memset(r, 0, sizeof(r));
    for (unsigned lun = 0; present && lun < nluns && lun < 256 && n + 8 <= sizeof(r); lun++) {
        if (!present[lun])
            continue;
        r[n + 1] = (uint8_t)lun; /* peripheral device addressing, bus 0 */
        n += 8;
    }
    put32(r, (uint32_t)(n - 8));
    data_in(res, iov, iovcnt, buf_len, r, n, alloc);
}

/* ---- MODE SENSE ---------------------------------------------------------------------- */

static size_t mode_page(uint8_t page, bool changeable, uint8_t *p)
{
    switch (page) {
    case MODE_PAGE_CACHING:
        memset(p, 0, 20);
        p[0] = MODE_PAGE_CACHING;
        p[1] = 0x12;
        /* WCE: the guest must flush, and we honour SYNCHRONIZE CACHE. */
        if (!changeable)
            p[2] = 0x04;
        return 20;
    case MODE_PAGE_CONTROL:
        memset(p, 0, 12);
        p[0] = MODE_PAGE_CONTROL;
        p[1] = 0x0a;
        /* Queue algorithm modifier 1: unrestricted reordering. */
        if (!changeable)
            p[3] = 0x10;
        return 12;
    default:
        return 0;
    }
}

static void mode_sense(const struct scsi_disk *sd, const uint8_t *cdb, bool ten,
                       const struct iovec *iov, int iovcnt, size_t buf_len, struct scsi_result *res)
{
    uint8_t r[128];
    uint8_t pc = cdb[2] >> 6, page = cdb[2] & 0x3f, sub = cdb[3];
    size_t hdr = ten ? 8 : 4, n = hdr, alloc = ten ? be16(cdb + 7) : cdb[4];

    if (pc == 3) {
        scsi_set_sense(res, SENSE_ILLEGAL_REQUEST, ASC_SAVING_PARAMS_UNSUPPORTED);
        return;
    }
    if (sub != 0 && !(page == MODE_PAGE_ALL && sub == 0xff)) {
        scsi_set_sense(res, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD_IN_CDB);
        return;
    }
    memset(r, 0, sizeof(r));
    if (page == MODE_PAGE_ALL) {
        n += mode_page(MODE_PAGE_CACHING, pc == 1, r + n);
        n += mode_page(MODE_PAGE_CONTROL, pc == 1, r + n);
    } else {
        size_t m = mode_page(page, pc == 1, r + n);

        if (!m) {
            scsi_set_sense(res, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD_IN_CDB);
            return;
        }
        n += m;
    }
    /* No block descriptors (allowed whatever DBD says). */
    if (ten) {
        put16(r, (uint16_t)(n - 2));
        r[3] = sd->read_only ? 0x80 : 0x00;
    } else {
        r[0] = (uint8_t)(n - 1);
        r[2] = sd->read_only ? 0x80 : 0x00;
    }
    data_in(res, iov, iovcnt, buf_len, r, n, alloc);
}

/* ---- READ CAPACITY --------------------------------------------------------------------- */

static void read_capacity10(const struct scsi_disk *sd, const struct iovec *iov, int iovcnt,
                            size_t buf_len, struct scsi_result *res)
{
    uint8_t r[8];
    uint64_t last = sd->blocks ? sd->blocks - 1 : 0;

    /* 0xFFFFFFFF: too big, ask READ CAPACITY 16. */
    put32(r, last > 0xfffffffeull ? 0xffffffffu : (uint32_t)last);
    put32(r + 4, sd->block_size);
    data_in(res, iov, iovcnt, buf_len, r, sizeof(r), sizeof(r));
}

static void read_capacity16(const struct scsi_disk *sd, const uint8_t *cdb, const struct iovec *iov,
                            int iovcnt, size_t buf_len, struct scsi_result *res)
{
    uint8_t r[32];

    memset(r, 0, sizeof(r));
    put64(r, sd->blocks ? sd->blocks - 1 : 0);
    put32(r + 8, sd->block_size);
    r[13] = (uint8_t)sd->phys_exp;
    if (sd->can_discard)
        r[14] = 0x80; /* LBPME; LBPRZ 0: a discarded block may read as before */
    data_in(res, iov, iovcnt, buf_len, r, sizeof(r), be32(cdb + 10));
}

/* ---- READ / WRITE ---------------------------------------------------------------------- */

/* Check [lba, lba + count) and the guest's buffer; fill @op on success. */
static void rw(const struct scsi_disk *sd, bool write, uint64_t lba, uint32_t count, bool fua,
               size_t buf_len, struct scsi_op *op, struct scsi_result *res)
{
    uint64_t bytes;

    if (lba > sd->blocks || count > sd->blocks - lba) {
        scsi_set_sense(res, SENSE_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE);
        return;
    }
    if (count == 0) {
        good(res, 0);
        return;
    }
    bytes = (uint64_t)count * sd->block_size; /* < 2^44: no overflow */
    /* The guest's buffer is exactly the transfer (storvsc sends it so); a
     * mismatch is a confused or hostile guest.  storvsp's GPA parser
     * already caps buffers at the maximum, so the second test is defence
     * in depth for other callers (tested directly in test_storvsp.c). */
    if (bytes != buf_len || bytes > sd->max_transfer) {
        scsi_set_sense(res, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD_IN_CDB);
        return;
    }
    if (write && sd->read_only) {
        scsi_set_sense(res, SENSE_DATA_PROTECT, ASC_WRITE_PROTECTED);
        return;
    }
    op->kind = write ? SCSI_OP_WRITE : SCSI_OP_READ;
    op->offset = lba * sd->block_size;
    op->len = bytes;
    op->fua = write && fua;
}

/* VERIFY: no data compared (BYTCHK is not honoured: the medium cannot
 * miscompare with itself), but the range is checked as READ checks it. */
static void verify(const struct scsi_disk *sd, uint64_t lba, uint32_t count,
                   struct scsi_result *res)
{
    if (lba > sd->blocks || count > sd->blocks - lba) {
        scsi_set_sense(res, SENSE_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE);
        return;
    }
    good(res, 0);
}

/* ---- UNMAP ---------------------------------------------------------------------------- */

static void unmap(const struct scsi_disk *sd, const uint8_t *cdb, const struct iovec *iov,
                  int iovcnt, size_t buf_len, struct scsi_op *op, struct scsi_result *res)
{
    uint8_t *p;
    size_t plen = be16(cdb + 7), dlen, nd;

    if (!sd->can_discard) {
        scsi_set_sense(res, SENSE_ILLEGAL_REQUEST, ASC_INVALID_OPCODE);
        return;
    }
    if (cdb[1] & 0x01) { /* ANCHOR: no anchored state */
        scsi_set_sense(res, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD_IN_CDB);
        return;
    }
    if (plen == 0) {
        good(res, 0);
        return;
    }
    if (plen < 8 || plen > buf_len) {
        scsi_set_sense(res, SENSE_ILLEGAL_REQUEST, ASC_PARAMETER_LIST_LENGTH);
        return;
    }
    if (plen > UNMAP_PARAM_MAX)
        plen = UNMAP_PARAM_MAX;
    p = malloc(plen);
    if (!p) {
        scsi_set_sense(res, SENSE_HARDWARE_ERROR, ASC_INTERNAL_TARGET_FAILURE);
        return;
    }
    /* One copy out of guest memory: the checks and the ranges use it. */
    scsi_copy_from_iov(iov, iovcnt, buf_len, p, plen);
    dlen = be16(p + 2);
    if (dlen % 16 != 0 || dlen > plen - 8) {
        free(p);
        scsi_set_sense(res, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD_IN_PARAM);
        return;
    }
    nd = dlen / 16;
    if (nd == 0) {
        free(p);
        good(res, 0);
        return;
    }
    op->ranges = calloc(nd, sizeof(*op->ranges));
    if (!op->ranges) {
        free(p);
        scsi_set_sense(res, SENSE_HARDWARE_ERROR, ASC_INTERNAL_TARGET_FAILURE);
        return;
    }
    for (size_t i = 0; i < nd; i++) {
        const uint8_t *d = p + 8 + 16 * i;
        uint64_t lba = be64(d);
        uint32_t count = be32(d + 8);

        if (lba > sd->blocks || count > sd->blocks - lba) {
            scsi_op_free(op);
            free(p);
            scsi_set_sense(res, SENSE_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE);
            return;
        }
        if (count > SCSI_UNMAP_MAX_BLOCKS) {
            scsi_op_free(op);
            free(p);
            scsi_set_sense(res, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD_IN_PARAM);
            return;
        }
        op->ranges[op->nranges].offset = lba * sd->block_size;
        op->ranges[op->nranges].len = (uint64_t)count * sd->block_size;
        if (count)
            op->nranges++;
    }
    free(p);
    if (op->nranges == 0) {
        scsi_op_free(op);
        good(res, 0);
        return;
    }
    op->kind = SCSI_OP_UNMAP;
}

/* ---- dispatch -------------------------------------------------------------------------- */

/* The CDB length each operation code's group implies. */
static size_t cdb_group_len(uint8_t opcode)
{
    switch (opcode >> 5) {
    case 0:
        return 6;
    case 1:
    case 2:
        return 10;
    case 4:
        return 16;
    case 5:
        return 12;
    default:
        return 16;
    }
}

/* A CDB shorter than its opcode's group: the fields are not all there.
 * Checked by each supported opcode (an unsupported one is an invalid
 * opcode whatever its length). */
static bool cdb_short(const uint8_t *c, size_t cdb_len, struct scsi_result *res)
{
    if (cdb_len >= cdb_group_len(c[0]))
        return false;
    scsi_set_sense(res, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD_IN_CDB);
    return true;
}

void scsi_disk_command(const struct scsi_disk *sd, const uint8_t *cdb, size_t cdb_len,
                       const struct iovec *iov, int iovcnt, size_t buf_len, struct scsi_op *op,
                       struct scsi_result *res)
{
    uint8_t c[16];
    uint8_t sense[SCSI_SENSE_LEN];

    /* The caller (storvsp's packet layer) refuses any other length. */
    assert(cdb_len >= 1 && cdb_len <= sizeof(c));
    memset(op, 0, sizeof(*op));
    memset(res, 0, sizeof(*res));
    memset(c, 0, sizeof(c));
    memcpy(c, cdb, cdb_len);

    /* The one list of supported opcodes: each case checks its length. */
    switch (c[0]) {
    case OP_TEST_UNIT_READY:
    case OP_START_STOP_UNIT:
    case OP_PREVENT_ALLOW:
        if (!cdb_short(c, cdb_len, res))
            good(res, 0);
        return;
    case OP_VERIFY10:
        if (!cdb_short(c, cdb_len, res))
            verify(sd, be32(c + 2), be16(c + 7), res);
        return;
    case OP_VERIFY12:
        if (!cdb_short(c, cdb_len, res))
            verify(sd, be32(c + 2), be32(c + 6), res);
        return;
    case OP_VERIFY16:
        if (!cdb_short(c, cdb_len, res))
            verify(sd, be64(c + 2), be32(c + 10), res);
        return;
    case OP_REQUEST_SENSE:
        if (cdb_short(c, cdb_len, res))
            return;
        /* Sense is autosense here: nothing is pending. */
        memset(sense, 0, sizeof(sense));
        sense[0] = 0x70;
        sense[2] = SENSE_NO_SENSE;
        sense[7] = SCSI_SENSE_LEN - 8;
        data_in(res, iov, iovcnt, buf_len, sense, sizeof(sense), c[4]);
        return;
    case OP_INQUIRY:
        if (!cdb_short(c, cdb_len, res))
            inquiry(sd, c, iov, iovcnt, buf_len, res);
        return;
    case OP_MODE_SENSE6:
    case OP_MODE_SENSE10:
        if (!cdb_short(c, cdb_len, res))
            mode_sense(sd, c, c[0] == OP_MODE_SENSE10, iov, iovcnt, buf_len, res);
        return;
    case OP_READ_CAPACITY10:
        if (!cdb_short(c, cdb_len, res))
            read_capacity10(sd, iov, iovcnt, buf_len, res);
        return;
    case OP_SERVICE_ACTION_IN:
        if (cdb_short(c, cdb_len, res))
            return;
        if ((c[1] & 0x1f) != SAI_READ_CAPACITY16) {
            scsi_set_sense(res, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD_IN_CDB);
            return;
        }
        read_capacity16(sd, c, iov, iovcnt, buf_len, res);
        return;
    case OP_READ6:
    case OP_WRITE6: {
        uint32_t count = c[4] ? c[4] : 256; /* SBC: 0 means 256 here */

        if (!cdb_short(c, cdb_len, res))
            rw(sd, c[0] == OP_WRITE6, (uint64_t)(c[1] & 0x1f) << 16 | be16(c + 2), count, false,
               buf_len, op, res);
        return;
    }
    case OP_READ10:
    case OP_WRITE10:
        if (!cdb_short(c, cdb_len, res))
            rw(sd, c[0] == OP_WRITE10, be32(c + 2), be16(c + 7), c[1] & 0x08, buf_len, op, res);
        return;
    case OP_READ12:
    case OP_WRITE12:
        if (!cdb_short(c, cdb_len, res))
            rw(sd, c[0] == OP_WRITE12, be32(c + 2), be32(c + 6), c[1] & 0x08, buf_len, op, res);
        return;
    case OP_READ16:
    case OP_WRITE16:
        if (!cdb_short(c, cdb_len, res))
            rw(sd, c[0] == OP_WRITE16, be64(c + 2), be32(c + 10), c[1] & 0x08, buf_len, op, res);
        return;
    case OP_SYNC_CACHE10:
    case OP_SYNC_CACHE16:
        if (cdb_short(c, cdb_len, res))
            return;
        if (sd->read_only) {
            good(res, 0);
            return;
        }
        op->kind = SCSI_OP_FLUSH;
        return;
    case OP_UNMAP:
        if (!cdb_short(c, cdb_len, res))
            unmap(sd, c, iov, iovcnt, buf_len, op, res);
        return;
    default:
        scsi_set_sense(res, SENSE_ILLEGAL_REQUEST, ASC_INVALID_OPCODE);
        return;
    }
}

void scsi_disk_finish(const struct scsi_op *op, int rc, struct scsi_result *res)
{
    if (rc == 0) {
        good(res, op->kind == SCSI_OP_READ || op->kind == SCSI_OP_WRITE ? (uint32_t)op->len : 0);
        return;
    }
    switch (op->kind) {
    case SCSI_OP_READ:
        scsi_set_sense(res, SENSE_MEDIUM_ERROR, ASC_UNRECOVERED_READ_ERROR);
        break;
    case SCSI_OP_UNMAP:
        /* Discard is advisory: an image that cannot give space back has
         * still done what the guest may rely on. */
        if (rc == -EOPNOTSUPP) {
            good(res, 0);
            break;
        }
        scsi_set_sense(res, SENSE_MEDIUM_ERROR, ASC_WRITE_ERROR);
        break;
    default:
        if (rc == -EROFS)
            scsi_set_sense(res, SENSE_DATA_PROTECT, ASC_WRITE_PROTECTED);
        else if (rc == -ENOSPC)
            scsi_set_sense(res, SENSE_DATA_PROTECT, ASC_SPACE_ALLOC_FAILED_WP);
        else
            scsi_set_sense(res, SENSE_MEDIUM_ERROR, ASC_WRITE_ERROR);
        break;
    }
}

void scsi_op_free(struct scsi_op *op)
{
    free(op->ranges);
    op->ranges = NULL;
    op->nranges = 0;
}
