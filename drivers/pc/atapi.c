// SPDX-License-Identifier: GPL-2.0-only
/*
 * The ATAPI CD/DVD-ROM command set (pc/atapi.h).
 *
 * Every reply is built whole in the caller's buffer, then cut to the CDB's
 * allocation length: a host that asks for less (Linux asks for a header
 * first, then for the length it announced) gets the prefix of the same
 * bytes.  Fields are big-endian, as in every SCSI structure.
 */
#include <string.h>

#include <pc/atapi.h>

#define MSF_LEAD_IN  150  /* LBA 0 is MSF 00:02:00 */
#define CD_SPEED_KBS 4224 /* 24x, what the capabilities page reports */

static void put_be16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put_be32(uint8_t *p, uint32_t v)
{
    put_be16(p, v >> 16);
    put_be16(p + 2, v);
}

static uint32_t be16(const uint8_t *p)
{
    return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t be32(const uint8_t *p)
{
    return be16(p) << 16 | be16(p + 2);
}

/* @dst of @n chars, space padded, from @src (NULL: @def). */
static void set_string(char *dst, size_t n, const char *src, const char *def)
{
    size_t len;

    if (!src)
        src = def;
    len = strnlen(src, n);
    memset(dst, ' ', n);
    memcpy(dst, src, len);
    dst[n] = '\0';
}

void atapi_init(struct atapi *cd, const char *vendor, const char *product, const char *revision,
                const char *serial)
{
    memset(cd, 0, sizeof(*cd));
    set_string(cd->vendor, sizeof(cd->vendor) - 1, vendor, "HVCORE");
    set_string(cd->product, sizeof(cd->product) - 1, product, "Virtual DVD-ROM");
    set_string(cd->revision, sizeof(cd->revision) - 1, revision, "1.0");
    set_string(cd->serial, sizeof(cd->serial) - 1, serial, "HVCD0000");
}

void atapi_insert(struct atapi *cd, uint64_t sectors)
{
    cd->medium = true;
    cd->sectors = sectors;
    cd->tray_open = false;
    /* A disc change: the host must hear of it before reading the new one. */
    cd->unit_attention = true;
    cd->media_event = ATAPI_EVENT_NEW_MEDIA;
}

void atapi_remove(struct atapi *cd)
{
    if (cd->medium)
        cd->media_event = ATAPI_EVENT_REMOVAL;
    cd->medium = false;
    cd->sectors = 0;
    cd->unit_attention = false;
}

bool atapi_ready(const struct atapi *cd)
{
    return cd->medium && !cd->tray_open;
}

void atapi_set_sense(struct atapi *cd, uint8_t key, uint8_t asc, uint8_t ascq)
{
    cd->sense.key = key;
    cd->sense.asc = asc;
    cd->sense.ascq = ascq;
}

static void check(struct atapi *cd, struct atapi_result *res, uint8_t key, uint8_t asc,
                  uint8_t ascq)
{
    atapi_set_sense(cd, key, asc, ascq);
    res->status = ATAPI_CHECK_CONDITION;
    res->len = 0;
    res->count = 0;
}

static void invalid_field(struct atapi *cd, struct atapi_result *res)
{
    check(cd, res, ATAPI_SENSE_ILLEGAL_REQUEST, ATAPI_ASC_INVALID_FIELD, 0);
}

/* False (and NOT READY) when there is no disc to read. */
static bool need_medium(struct atapi *cd, struct atapi_result *res)
{
    if (atapi_ready(cd))
        return true;
    check(cd, res, ATAPI_SENSE_NOT_READY, ATAPI_ASC_MEDIUM_NOT_PRESENT, cd->tray_open ? 2 : 1);
    return false;
}

static void reply(struct atapi_result *res, uint32_t len, uint32_t alloc)
{
    res->len = len < alloc ? len : alloc;
}

/* ---- commands --------------------------------------------------------------- */

static void request_sense(struct atapi *cd, const uint8_t *cdb, uint8_t *buf,
                          struct atapi_result *res)
{
    /* A pending disc change is the sense to report when nothing failed. */
    if (cd->sense.key == ATAPI_SENSE_NONE && cd->unit_attention) {
        atapi_set_sense(cd, ATAPI_SENSE_UNIT_ATTENTION, ATAPI_ASC_MEDIUM_CHANGED, 0);
        cd->unit_attention = false;
    }
    memset(buf, 0, 18);
    buf[0] = 0x70; /* current error, fixed format */
    buf[2] = cd->sense.key;
    buf[7] = 10; /* additional sense length */
    buf[12] = cd->sense.asc;
    buf[13] = cd->sense.ascq;
    reply(res, 18, cdb[4]);
    atapi_set_sense(cd, ATAPI_SENSE_NONE, 0, 0);
}

static void inquiry(struct atapi *cd, const uint8_t *cdb, uint8_t *buf, struct atapi_result *res)
{
    uint32_t alloc = be16(cdb + 3);
    size_t n;

    if (cdb[1] & 0x01) {
        /* Vital product data: the page list and the unit serial number. */
        memset(buf, 0, 4);
        buf[0] = 0x05;
        buf[1] = cdb[2];
        switch (cdb[2]) {
        case 0x00:
            buf[3] = 2;
            buf[4] = 0x00;
            buf[5] = 0x80;
            reply(res, 6, alloc);
            return;
        case 0x80:
            n = strlen(cd->serial);
            while (n && cd->serial[n - 1] == ' ')
                n--;
            buf[3] = (uint8_t)n;
            memcpy(buf + 4, cd->serial, n);
            reply(res, (uint32_t)(4 + n), alloc);
            return;
        default:
            invalid_field(cd, res);
            return;
        }
    }
    if (cdb[2]) {
        invalid_field(cd, res);
        return;
    }
    memset(buf, 0, 36);
    buf[0] = 0x05; /* CD/DVD device */
    buf[1] = 0x80; /* removable */
    buf[2] = 0x05; /* SPC-3, what libata makes of an ATAPI drive's 0 anyway */
    buf[3] = 0x32; /* ATAPI version 3, response data format 2 */
    buf[4] = 36 - 5;
    memcpy(buf + 8, cd->vendor, 8);
    memcpy(buf + 16, cd->product, 16);
    memcpy(buf + 32, cd->revision, 4);
    reply(res, 36, alloc);
}

static void start_stop(struct atapi *cd, const uint8_t *cdb, struct atapi_result *res)
{
    bool loej = cdb[4] & 0x02, start = cdb[4] & 0x01;

    /* A power condition makes LoEj and Start meaningless (MMC); spinning
     * up or down has nothing to do here. */
    if ((cdb[4] & 0xF0) || !loej)
        return;
    if (!start) {
        if (cd->locked) {
            check(cd, res, ATAPI_SENSE_ILLEGAL_REQUEST, ATAPI_ASC_REMOVAL_PREVENTED, 2);
            return;
        }
        if (!cd->tray_open && cd->medium)
            cd->media_event = ATAPI_EVENT_REMOVAL;
        cd->tray_open = true;
    } else if (cd->tray_open) {
        cd->tray_open = false;
        if (cd->medium) {
            cd->unit_attention = true;
            cd->media_event = ATAPI_EVENT_NEW_MEDIA;
        }
    }
}

static void read_capacity(struct atapi *cd, uint8_t *buf, struct atapi_result *res)
{
    uint64_t last;

    if (!need_medium(cd, res))
        return;
    last = cd->sectors ? cd->sectors - 1 : 0;
    put_be32(buf, last > UINT32_MAX ? UINT32_MAX : (uint32_t)last);
    put_be32(buf + 4, ATAPI_SECTOR_SIZE);
    res->len = 8;
}

static void read_sectors(struct atapi *cd, uint64_t lba, uint32_t count, struct atapi_result *res)
{
    if (!need_medium(cd, res))
        return;
    if (lba + count > cd->sectors) {
        check(cd, res, ATAPI_SENSE_ILLEGAL_REQUEST, ATAPI_ASC_LBA_OUT_OF_RANGE, 0);
        return;
    }
    res->lba = lba;
    res->count = count;
}

/* A TOC address: an LBA, or MSF counted from the lead-in. */
static void put_address(uint8_t *p, uint64_t lba, bool msf)
{
    uint64_t f;

    if (!msf) {
        put_be32(p, lba > UINT32_MAX ? UINT32_MAX : (uint32_t)lba);
        return;
    }
    f = lba + MSF_LEAD_IN;
    p[0] = 0;
    p[1] = (uint8_t)(f / (60 * 75)); /* past 255 minutes (a DVD) MSF means nothing */
    p[2] = (uint8_t)(f / 75 % 60);
    p[3] = (uint8_t)(f % 75);
}

static void read_toc(struct atapi *cd, const uint8_t *cdb, uint8_t *buf, struct atapi_result *res)
{
    bool msf = cdb[1] & 0x02;
    unsigned format = cdb[2] & 0x0F, track = cdb[6];
    uint32_t len = 4;

    if (!need_medium(cd, res))
        return;
    /* SFF-8020 drives took the format in the control byte's top bits. */
    if (!format)
        format = cdb[9] >> 6;
    memset(buf, 0, 20);
    switch (format) {
    case 0: /* the TOC: one data track, then the lead-out */
        if (track > 1 && track != 0xAA) {
            invalid_field(cd, res);
            return;
        }
        buf[2] = 1; /* first track */
        buf[3] = 1; /* last track */
        if (track <= 1) {
            buf[len + 1] = 0x14; /* ADR 1, data track */
            buf[len + 2] = 1;
            put_address(buf + len + 4, 0, msf);
            len += 8;
        }
        buf[len + 1] = 0x14;
        buf[len + 2] = 0xAA;
        put_address(buf + len + 4, cd->sectors, msf);
        len += 8;
        break;
    case 1: /* sessions: one, starting with track 1 */
        buf[2] = 1;
        buf[3] = 1;
        buf[5] = 0x14;
        buf[6] = 1;
        put_address(buf + 8, 0, msf);
        len = 12;
        break;
    default:
        invalid_field(cd, res);
        return;
    }
    put_be16(buf, len - 2);
    reply(res, len, be16(cdb + 7));
}

static uint16_t current_profile(const struct atapi *cd)
{
    if (!atapi_ready(cd))
        return ATAPI_PROFILE_NONE;
    return cd->sectors > ATAPI_CD_MAX_SECTORS ? ATAPI_PROFILE_DVDROM : ATAPI_PROFILE_CDROM;
}

/* A feature descriptor header at @p: version 0, persistent if @persistent. */
static uint32_t feature(uint8_t *p, uint16_t code, bool persistent, bool current, uint8_t len)
{
    put_be16(p, code);
    p[2] = (uint8_t)((persistent ? 0x02 : 0) | (current ? 0x01 : 0));
    p[3] = len;
    return 4;
}

static void get_configuration(struct atapi *cd, const uint8_t *cdb, uint8_t *buf,
                              struct atapi_result *res)
{
    unsigned rt = cdb[1] & 0x03;
    uint16_t start = (uint16_t)be16(cdb + 2), profile = current_profile(cd);
    static const uint16_t codes[] = {0x0000, 0x0001, 0x0003, 0x0010};
    uint32_t len = 8;
    uint8_t *p;

    if (rt == 3) {
        invalid_field(cd, res);
        return;
    }
    memset(buf, 0, 64);
    for (unsigned i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
        uint16_t code = codes[i];
        bool current = code != 0x0010 || profile != ATAPI_PROFILE_NONE;

        if (rt == 2 ? code != start : code < start || (rt == 1 && !current))
            continue;
        p = buf + len;
        switch (code) {
        case 0x0000: /* profile list, the highest first */
            len += feature(p, code, true, true, 8);
            put_be16(p + 4, ATAPI_PROFILE_DVDROM);
            p[6] = profile == ATAPI_PROFILE_DVDROM;
            put_be16(p + 8, ATAPI_PROFILE_CDROM);
            p[10] = profile == ATAPI_PROFILE_CDROM;
            len += 8;
            break;
        case 0x0001: /* core: the physical interface is ATAPI */
            len += feature(p, code, true, true, 4);
            put_be32(p + 4, 2);
            len += 4;
            break;
        case 0x0003: /* removable medium: a tray that ejects and locks */
            len += feature(p, code, true, true, 4);
            p[4] = 0x20 | 0x08 | 0x01 | (cd->locked ? 0x04 : 0);
            len += 4;
            break;
        default: /* random readable: 2048-byte blocks */
            len += feature(p, code, false, current, 8);
            put_be32(p + 4, ATAPI_SECTOR_SIZE);
            put_be16(p + 8, profile == ATAPI_PROFILE_DVDROM ? 16 : 1);
            len += 8;
            break;
        }
    }
    put_be32(buf, len - 4);
    put_be16(buf + 6, profile);
    reply(res, len, be16(cdb + 7));
}

static void get_event_status(struct atapi *cd, const uint8_t *cdb, uint8_t *buf,
                             struct atapi_result *res)
{
    /* Only polled operation: there is no asynchronous notification. */
    if (!(cdb[1] & 0x01)) {
        invalid_field(cd, res);
        return;
    }
    memset(buf, 0, 8);
    buf[3] = 0x10; /* supported classes: media */
    if (!(cdb[4] & 0x10)) {
        put_be16(buf, 2);
        buf[2] = 0x80; /* no event available */
        reply(res, 4, be16(cdb + 7));
        return;
    }
    put_be16(buf, 6);
    buf[2] = 4; /* media class */
    buf[4] = cd->media_event;
    buf[5] = (uint8_t)((cd->tray_open ? 0x01 : 0) | (atapi_ready(cd) ? 0x02 : 0));
    cd->media_event = ATAPI_EVENT_NONE;
    reply(res, 8, be16(cdb + 7));
}

/* Mode page @page at @p for page control @pc (1: the changeable mask,
 * nothing here); its length. */
static uint32_t mode_page(const struct atapi *cd, uint8_t *p, unsigned page, unsigned pc)
{
    if (page == 0x01) { /* read error recovery: the defaults */
        memset(p, 0, 12);
        p[0] = 0x01;
        p[1] = 10;
        return 12;
    }
    /* 0x2A: CD/DVD capabilities and mechanical status. */
    memset(p, 0, 22);
    p[0] = 0x2A;
    p[1] = 20;
    if (pc == 1)
        return 22;
    p[2] = 0x0B;                                         /* reads CD-R, CD-RW, DVD-ROM */
    p[4] = 0x40;                                         /* multi-session */
    p[6] = 0x20 | 0x08 | 0x01 | (cd->locked ? 0x02 : 0); /* tray, eject, lock */
    put_be16(p + 8, CD_SPEED_KBS);
    put_be16(p + 12, 512); /* buffer, KiB */
    put_be16(p + 14, CD_SPEED_KBS);
    return 22;
}

static void mode_sense(struct atapi *cd, const uint8_t *cdb, uint8_t *buf, struct atapi_result *res)
{
    unsigned pc = cdb[2] >> 6, page = cdb[2] & 0x3F;
    uint32_t len = 8;

    if (pc == 3) {
        check(cd, res, ATAPI_SENSE_ILLEGAL_REQUEST, ATAPI_ASC_SAVING_UNSUPPORTED, 0);
        return;
    }
    if (cdb[3] || (page != 0x01 && page != 0x2A && page != 0x3F)) {
        invalid_field(cd, res);
        return;
    }
    memset(buf, 0, 8); /* no block descriptors */
    if (page == 0x01 || page == 0x3F)
        len += mode_page(cd, buf + len, 0x01, pc);
    if (page == 0x2A || page == 0x3F)
        len += mode_page(cd, buf + len, 0x2A, pc);
    put_be16(buf, len - 2);
    reply(res, len, be16(cdb + 7));
}

void atapi_command(struct atapi *cd, const uint8_t cdb[ATAPI_CDB_SIZE], uint8_t *buf, size_t size,
                   struct atapi_result *res)
{
    uint8_t op = cdb[0];

    memset(res, 0, sizeof(*res));
    res->status = ATAPI_GOOD;
    if (size < ATAPI_REPLY_MIN) {
        check(cd, res, ATAPI_SENSE_ABORTED_COMMAND, 0, 0);
        return;
    }
    if (op != ATAPI_REQUEST_SENSE)
        atapi_set_sense(cd, ATAPI_SENSE_NONE, 0, 0);
    /* A disc change fails the first command that could be about the disc. */
    if (cd->unit_attention && op != ATAPI_INQUIRY && op != ATAPI_REQUEST_SENSE &&
        op != ATAPI_GET_CONFIGURATION && op != ATAPI_GET_EVENT_STATUS) {
        cd->unit_attention = false;
        check(cd, res, ATAPI_SENSE_UNIT_ATTENTION, ATAPI_ASC_MEDIUM_CHANGED, 0);
        return;
    }
    switch (op) {
    case ATAPI_TEST_UNIT_READY:
        need_medium(cd, res);
        break;
    case ATAPI_REQUEST_SENSE:
        request_sense(cd, cdb, buf, res);
        break;
    case ATAPI_INQUIRY:
        inquiry(cd, cdb, buf, res);
        break;
    case ATAPI_START_STOP_UNIT:
        start_stop(cd, cdb, res);
        break;
    case ATAPI_PREVENT_ALLOW:
        cd->locked = cdb[4] & 0x01;
        break;
    case ATAPI_READ_CAPACITY:
        read_capacity(cd, buf, res);
        break;
    case ATAPI_READ_10:
        read_sectors(cd, be32(cdb + 2), be16(cdb + 7), res);
        break;
    case ATAPI_READ_12:
        read_sectors(cd, be32(cdb + 2), be32(cdb + 6), res);
        break;
    case ATAPI_READ_TOC:
        read_toc(cd, cdb, buf, res);
        break;
    case ATAPI_GET_CONFIGURATION:
        get_configuration(cd, cdb, buf, res);
        break;
    case ATAPI_GET_EVENT_STATUS:
        get_event_status(cd, cdb, buf, res);
        break;
    case ATAPI_MODE_SENSE_10:
        mode_sense(cd, cdb, buf, res);
        break;
    case ATAPI_WRITE_10:
    case ATAPI_WRITE_12:
        check(cd, res, ATAPI_SENSE_DATA_PROTECT, ATAPI_ASC_WRITE_PROTECTED, 0);
        break;
    default:
        check(cd, res, ATAPI_SENSE_ILLEGAL_REQUEST, ATAPI_ASC_INVALID_OPCODE, 0);
        break;
    }
}
