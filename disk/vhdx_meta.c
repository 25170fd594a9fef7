// SPDX-License-Identifier: GPL-2.0-only
/*
 * VHDX headers, region table and metadata: reading them from a file that
 * may be hostile (every offset and length is checked before it is used)
 * and encoding them for create, resize and header updates.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/random.h>
#include <unistd.h>

#include "crc32c.h"
#include "vhdx_format.h"
#include "winpath.h"

const struct vhdx_guid vhdx_guid_bat =
    VHDX_GUID_INIT(0x2DC27766, 0xF623, 0x4200, 0x9D, 0x64, 0x11, 0x5E, 0x9B, 0xFD, 0x4A, 0x08);
const struct vhdx_guid vhdx_guid_metadata =
    VHDX_GUID_INIT(0x8B7CA206, 0x4790, 0x4B9A, 0xB8, 0xFE, 0x57, 0x5F, 0x05, 0x0F, 0x88, 0x6E);
const struct vhdx_guid vhdx_guid_file_params =
    VHDX_GUID_INIT(0xCAA16737, 0xFA36, 0x4D43, 0xB3, 0xB6, 0x33, 0xF0, 0xAA, 0x44, 0xE7, 0x6B);
const struct vhdx_guid vhdx_guid_vsize =
    VHDX_GUID_INIT(0x2FA54224, 0xCD1B, 0x4876, 0xB2, 0x11, 0x5D, 0xBE, 0xD8, 0x3B, 0xF4, 0xB8);
const struct vhdx_guid vhdx_guid_page83 =
    VHDX_GUID_INIT(0xBECA12AB, 0xB2E6, 0x4523, 0x93, 0xEF, 0xC3, 0x09, 0xE0, 0x00, 0xC7, 0x46);
const struct vhdx_guid vhdx_guid_lss =
    VHDX_GUID_INIT(0x8141BF1D, 0xA96F, 0x4709, 0xBA, 0x47, 0xF2, 0x33, 0xA8, 0xFA, 0xAB, 0x5F);
const struct vhdx_guid vhdx_guid_pss =
    VHDX_GUID_INIT(0xCDA348C7, 0x445D, 0x4471, 0x9C, 0xC9, 0xE9, 0x88, 0x52, 0x51, 0xC5, 0x56);
const struct vhdx_guid vhdx_guid_parent_locator =
    VHDX_GUID_INIT(0xA8D35F2D, 0xB30B, 0x454D, 0xAB, 0xF7, 0xD3, 0xD8, 0x48, 0x34, 0xAB, 0x0C);
const struct vhdx_guid vhdx_guid_locator_type =
    VHDX_GUID_INIT(0xB04AEFB7, 0xD19E, 0x4A81, 0xB7, 0x89, 0x25, 0xB8, 0xE9, 0x44, 0x59, 0x13);

void vhdx_random_guid(struct vhdx_guid *g)
{
    size_t got = 0;

    while (got < sizeof(g->b)) {
        ssize_t n = getrandom(g->b + got, sizeof(g->b) - got, 0);
        if (n > 0)
            got += (size_t)n;
        else if (n < 0 && errno != EINTR)
            abort(); /* no entropy source at all: nothing sensible to do */
    }
    /* RFC 4122 version 4, variant 1 (Data3's high nibble is byte 7's). */
    g->b[7] = (uint8_t)((g->b[7] & 0x0f) | 0x40);
    g->b[8] = (uint8_t)((g->b[8] & 0x3f) | 0x80);
}

void vhdx_guid_format(const struct vhdx_guid *g, char out[39])
{
    const uint8_t *b = g->b;

    snprintf(out, 39, "{%08X-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X}", vhdx_le32(b),
             vhdx_le16(b + 4), vhdx_le16(b + 6), b[8], b[9], b[10], b[11], b[12], b[13], b[14],
             b[15]);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool vhdx_guid_parse(const char *s, struct vhdx_guid *g)
{
    /* Digits in text order; the first three groups are little-endian on disk. */
    static const int dash_at[] = {9, 14, 19, 24};
    uint8_t t[16];
    int n = 0;

    if (strlen(s) != 38 || s[0] != '{' || s[37] != '}')
        return false;
    for (int i = 1; i < 37;) {
        bool dash = false;
        for (size_t k = 0; k < 4; k++)
            dash |= i == dash_at[k];
        if (dash) {
            if (s[i] != '-')
                return false;
            i++;
            continue;
        }
        int hi = hexval(s[i]), lo = hexval(s[i + 1]);
        if (hi < 0 || lo < 0 || n >= 16)
            return false;
        t[n++] = (uint8_t)(hi << 4 | lo);
        i += 2;
    }
    if (n != 16)
        return false;
    uint8_t o[16] = {t[3], t[2], t[1], t[0], t[5], t[4], t[7], t[6]};
    memcpy(o + 8, t + 8, 8);
    memcpy(g->b, o, 16);
    return true;
}

void vhdx_geometry(struct vhdx *v)
{
    v->chunk_ratio = ((uint64_t)1 << 23) * v->lss / v->block_size;
    v->data_blocks = (v->vsize + v->block_size - 1) / v->block_size;
    v->bitmap_blocks = (v->data_blocks + v->chunk_ratio - 1) / v->chunk_ratio;
    if (v->param_flags & VHDX_PARAM_HAS_PARENT)
        v->bat_entries = v->bitmap_blocks * (v->chunk_ratio + 1);
    else
        v->bat_entries =
            v->data_blocks ? v->data_blocks + (v->data_blocks - 1) / v->chunk_ratio : 0;
}

/* ---- headers ------------------------------------------------------------ */

void vhdx_header_encode(const struct vhdx_header *h, uint8_t out[VHDX_HEADER_SIZE])
{
    memset(out, 0, VHDX_HEADER_SIZE);
    memcpy(out, "head", 4);
    vhdx_put64(out + 8, h->seq);
    memcpy(out + 16, h->file_write_guid.b, 16);
    memcpy(out + 32, h->data_write_guid.b, 16);
    memcpy(out + 48, h->log_guid.b, 16);
    vhdx_put16(out + 64, h->log_version);
    vhdx_put16(out + 66, h->version);
    vhdx_put32(out + 68, h->log_length);
    vhdx_put64(out + 72, h->log_offset);
    vhdx_put32(out + 4, crc32c(out, VHDX_HEADER_SIZE));
}

/* Whether the 4 KiB at @buf is a header with a good checksum. */
static bool header_decode(uint8_t *buf, struct vhdx_header *h)
{
    uint32_t sum = vhdx_le32(buf + 4);

    if (memcmp(buf, "head", 4) != 0)
        return false;
    vhdx_put32(buf + 4, 0);
    if (crc32c(buf, VHDX_HEADER_SIZE) != sum)
        return false;
    h->seq = vhdx_le64(buf + 8);
    memcpy(h->file_write_guid.b, buf + 16, 16);
    memcpy(h->data_write_guid.b, buf + 32, 16);
    memcpy(h->log_guid.b, buf + 48, 16);
    h->log_version = vhdx_le16(buf + 64);
    h->version = vhdx_le16(buf + 66);
    h->log_length = vhdx_le32(buf + 68);
    h->log_offset = vhdx_le64(buf + 72);
    return true;
}

int vhdx_read_headers(struct disk *d, struct vhdx *v, uint64_t file_size, char *err, size_t errlen)
{
    static const uint64_t where[2] = {VHDX_HEADER1_OFFSET, VHDX_HEADER2_OFFSET};
    uint8_t buf[VHDX_HEADER_SIZE];
    struct vhdx_header h[2];
    bool ok[2];

    for (int i = 0; i < 2; i++) {
        int r = disk_pread_full(d->fd, buf, sizeof(buf), where[i]);
        if (r < 0 && r != -EIO) {
            disk_seterr(err, errlen, "%s: cannot read the VHDX header: %s", d->path, strerror(-r));
            return r;
        }
        ok[i] = r == 0 && header_decode(buf, &h[i]);
    }
    if (!ok[0] && !ok[1]) {
        disk_seterr(err, errlen, "%s: both VHDX headers are damaged (bad signature or checksum)",
                    d->path);
        return -EINVAL;
    }
    /* The valid header with the higher sequence number is the current one. */
    v->cur_hdr = !ok[0] || (ok[1] && h[1].seq > h[0].seq) ? 1 : 0;
    v->hdr = h[v->cur_hdr];

    const struct vhdx_header *c = &v->hdr;
    if (c->version != 1) {
        disk_seterr(err, errlen, "%s: VHDX version %u is not supported", d->path, c->version);
        return -ENOTSUP;
    }
    if (c->log_version != 0) {
        disk_seterr(err, errlen, "%s: VHDX log version %u is not supported", d->path,
                    c->log_version);
        return -ENOTSUP;
    }
    if (c->log_offset % VHDX_MiB || c->log_length % VHDX_MiB ||
        (c->log_length && (c->log_offset < VHDX_MiB || c->log_offset > file_size ||
                           c->log_length > file_size - c->log_offset))) {
        disk_seterr(err, errlen, "%s: the VHDX log region is out of place", d->path);
        return -EINVAL;
    }
    if (c->log_length == 0 && !vhdx_guid_is_zero(&c->log_guid)) {
        disk_seterr(err, errlen, "%s: the VHDX header has a log to replay but no log", d->path);
        return -EINVAL;
    }
    return 0;
}

int vhdx_update_headers(struct disk *d, struct vhdx *v)
{
    static const uint64_t where[2] = {VHDX_HEADER1_OFFSET, VHDX_HEADER2_OFFSET};
    uint8_t buf[VHDX_HEADER_SIZE];

    for (int i = 0; i < 2; i++) {
        int slot = !v->cur_hdr;
        v->hdr.seq++;
        vhdx_header_encode(&v->hdr, buf);
        int r = disk_pwrite_full(d->fd, buf, sizeof(buf), where[slot]);
        if (r == 0 && fdatasync(d->fd) < 0)
            r = -errno;
        if (r < 0)
            return r;
        v->cur_hdr = slot;
    }
    return 0;
}

/* ---- region table ------------------------------------------------------- */

void vhdx_region_encode(const struct vhdx_region_entry *e, uint32_t n,
                        uint8_t out[VHDX_REGION_SIZE])
{
    memset(out, 0, VHDX_REGION_SIZE);
    memcpy(out, "regi", 4);
    vhdx_put32(out + 8, n);
    for (uint32_t i = 0; i < n; i++) {
        uint8_t *p = out + 16 + 32 * i;
        memcpy(p, e[i].guid.b, 16);
        vhdx_put64(p + 16, e[i].offset);
        vhdx_put32(p + 24, e[i].length);
        vhdx_put32(p + 28, e[i].flags);
    }
    vhdx_put32(out + 4, crc32c(out, VHDX_REGION_SIZE));
}

static bool region_table_valid(uint8_t *buf)
{
    uint32_t sum = vhdx_le32(buf + 4);

    if (memcmp(buf, "regi", 4) != 0 || vhdx_le32(buf + 8) > VHDX_REGION_MAX_ENTRY)
        return false;
    vhdx_put32(buf + 4, 0);
    bool good = crc32c(buf, VHDX_REGION_SIZE) == sum;
    vhdx_put32(buf + 4, sum);
    return good;
}

static bool ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return a < b + blen && b < a + alen;
}

int vhdx_read_regions(struct disk *d, struct vhdx *v, uint64_t file_size, char *err, size_t errlen)
{
    uint8_t *buf = malloc(VHDX_REGION_SIZE);
    int r = -EINVAL;
    bool have_bat = false, have_meta = false;

    if (!buf)
        return -ENOMEM;
    /* The two copies are identical when the file is sound; either will do. */
    bool found = false;
    for (int i = 0; i < 2 && !found; i++) {
        uint64_t at = i ? VHDX_REGION2_OFFSET : VHDX_REGION1_OFFSET;
        found = disk_pread_full(d->fd, buf, VHDX_REGION_SIZE, at) == 0 && region_table_valid(buf);
    }
    if (!found) {
        disk_seterr(err, errlen, "%s: both VHDX region tables are damaged", d->path);
        goto out;
    }
    v->nregions = vhdx_le32(buf + 8);
    for (uint32_t i = 0; i < v->nregions; i++) {
        const uint8_t *p = buf + 16 + 32 * i;
        struct vhdx_region_entry *e = &v->regions[i];
        memcpy(e->guid.b, p, 16);
        e->offset = vhdx_le64(p + 16);
        e->length = vhdx_le32(p + 24);
        e->flags = vhdx_le32(p + 28);
        if (e->offset % VHDX_MiB || e->length % VHDX_MiB || e->length == 0 ||
            e->offset < VHDX_MiB || e->offset > file_size || e->length > file_size - e->offset) {
            disk_seterr(err, errlen,
                        "%s: VHDX region %u (%#llx, %u bytes) is misaligned or outside the file",
                        d->path, i, (unsigned long long)e->offset, e->length);
            goto out;
        }
        if (v->hdr.log_length &&
            ranges_overlap(e->offset, e->length, v->hdr.log_offset, v->hdr.log_length)) {
            disk_seterr(err, errlen, "%s: VHDX region %u overlaps the log", d->path, i);
            goto out;
        }
        for (uint32_t k = 0; k < i; k++) {
            if (ranges_overlap(e->offset, e->length, v->regions[k].offset, v->regions[k].length) ||
                vhdx_guid_eq(&e->guid, &v->regions[k].guid)) {
                disk_seterr(err, errlen, "%s: VHDX regions %u and %u overlap or repeat", d->path, k,
                            i);
                goto out;
            }
        }
        if (vhdx_guid_eq(&e->guid, &vhdx_guid_bat)) {
            have_bat = true;
            v->bat_offset = e->offset;
            v->bat_length = e->length;
        } else if (vhdx_guid_eq(&e->guid, &vhdx_guid_metadata)) {
            have_meta = true;
            v->meta_offset = e->offset;
            v->meta_length = e->length;
        } else if (e->flags & 1) {
            char g[39];
            vhdx_guid_format(&e->guid, g);
            disk_seterr(err, errlen, "%s: VHDX region %s is required but unknown", d->path, g);
            r = -ENOTSUP;
            goto out;
        }
    }
    if (!have_bat || !have_meta) {
        disk_seterr(err, errlen, "%s: the VHDX region table lacks the %s region", d->path,
                    have_bat ? "metadata" : "BAT");
        goto out;
    }
    r = 0;
out:
    free(buf);
    return r;
}

/* ---- metadata ----------------------------------------------------------- */

void vhdx_locator_free(struct vhdx_locator *l)
{
    free(l->parent_linkage);
    free(l->parent_linkage2);
    free(l->relative_path);
    free(l->volume_path);
    free(l->absolute_win32_path);
    memset(l, 0, sizeof(*l));
}

static int parse_locator(struct disk *d, struct vhdx *v, const uint8_t *p, uint32_t len, char *err,
                         size_t errlen)
{
    struct vhdx_guid type;

    if (len < 20)
        goto bad;
    memcpy(type.b, p, 16);
    if (!vhdx_guid_eq(&type, &vhdx_guid_locator_type)) {
        disk_seterr(err, errlen, "%s: unknown VHDX parent locator type", d->path);
        return -ENOTSUP;
    }
    uint32_t count = vhdx_le16(p + 18);
    if (20 + 12ull * count > len)
        goto bad;
    for (uint32_t i = 0; i < count; i++) {
        const uint8_t *e = p + 20 + 12 * i;
        uint32_t ko = vhdx_le32(e), vo = vhdx_le32(e + 4);
        uint32_t kl = vhdx_le16(e + 8), vl = vhdx_le16(e + 10);
        if (kl == 0 || vl == 0 || ko > len || kl > len - ko || vo > len || vl > len - vo)
            goto bad;
        char *key = winpath_utf16_to_utf8_dup(p + ko, kl, false);
        char *val = winpath_utf16_to_utf8_dup(p + vo, vl, false);
        if (!key || !val) {
            free(key);
            free(val);
            goto bad;
        }
        char **slot = NULL;
        if (!strcmp(key, "parent_linkage"))
            slot = &v->loc.parent_linkage;
        else if (!strcmp(key, "parent_linkage2"))
            slot = &v->loc.parent_linkage2;
        else if (!strcmp(key, "relative_path"))
            slot = &v->loc.relative_path;
        else if (!strcmp(key, "volume_path"))
            slot = &v->loc.volume_path;
        else if (!strcmp(key, "absolute_win32_path"))
            slot = &v->loc.absolute_win32_path;
        free(key);
        if (slot && *slot) { /* a key twice: which one is meant? */
            free(val);
            goto bad;
        }
        if (slot)
            *slot = val;
        else
            free(val);
    }
    if (!v->loc.parent_linkage) {
        disk_seterr(err, errlen, "%s: the VHDX parent locator has no parent_linkage", d->path);
        return -EINVAL;
    }
    return 0;
bad:
    disk_seterr(err, errlen, "%s: the VHDX parent locator is malformed", d->path);
    return -EINVAL;
}

int vhdx_read_metadata(struct disk *d, struct vhdx *v, char *err, size_t errlen)
{
    enum { FP = 1, VS = 2, P83 = 4, LSS = 8, PSS = 16, LOC = 32 };
    uint8_t *tbl = malloc(VHDX_METADATA_TBL_SIZE), *item = NULL;
    unsigned seen = 0;
    int r = -EINVAL;

    if (!tbl)
        return -ENOMEM;
    if (v->meta_length < VHDX_METADATA_TBL_SIZE) {
        disk_seterr(err, errlen, "%s: the VHDX metadata region is too small", d->path);
        goto out;
    }
    r = disk_pread_full(d->fd, tbl, VHDX_METADATA_TBL_SIZE, v->meta_offset);
    if (r < 0) {
        disk_seterr(err, errlen, "%s: cannot read the VHDX metadata table", d->path);
        goto out;
    }
    r = -EINVAL;
    uint32_t n = vhdx_le16(tbl + 10);
    if (memcmp(tbl, "metadata", 8) != 0 || n > VHDX_REGION_MAX_ENTRY) {
        disk_seterr(err, errlen, "%s: bad VHDX metadata table", d->path);
        goto out;
    }
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *e = tbl + 32 + 32 * i;
        struct vhdx_guid id;
        memcpy(id.b, e, 16);
        uint32_t off = vhdx_le32(e + 16), len = vhdx_le32(e + 20), flags = vhdx_le32(e + 24);
        char g[39];
        vhdx_guid_format(&id, g);
        if (len > VHDX_METADATA_MAX_ITEM ||
            (len && (off < VHDX_METADATA_TBL_SIZE || off > v->meta_length ||
                     len > v->meta_length - off))) {
            disk_seterr(err, errlen, "%s: VHDX metadata item %s lies outside its region", d->path,
                        g);
            goto out;
        }
        for (uint32_t k = 0; k < i; k++) {
            const uint8_t *o = tbl + 32 + 32 * k;
            uint32_t ooff = vhdx_le32(o + 16), olen = vhdx_le32(o + 20);
            /* Items are told apart by ID and user flag; the same pair twice is ambiguous. */
            if ((memcmp(o, e, 16) == 0 && ((vhdx_le32(o + 24) ^ flags) & VHDX_META_IS_USER) == 0) ||
                (len && olen && ranges_overlap(off, len, ooff, olen))) {
                disk_seterr(err, errlen, "%s: VHDX metadata items overlap or repeat", d->path);
                goto out;
            }
        }
        unsigned bit = 0;
        uint32_t want = 0;
        if (!(flags & VHDX_META_IS_USER)) {
            if (vhdx_guid_eq(&id, &vhdx_guid_file_params))
                bit = FP, want = 8;
            else if (vhdx_guid_eq(&id, &vhdx_guid_vsize))
                bit = VS, want = 8;
            else if (vhdx_guid_eq(&id, &vhdx_guid_page83))
                bit = P83, want = 16;
            else if (vhdx_guid_eq(&id, &vhdx_guid_lss))
                bit = LSS, want = 4;
            else if (vhdx_guid_eq(&id, &vhdx_guid_pss))
                bit = PSS, want = 4;
            else if (vhdx_guid_eq(&id, &vhdx_guid_parent_locator))
                bit = LOC;
        }
        if (!bit) {
            if (flags & VHDX_META_IS_REQUIRED) {
                disk_seterr(err, errlen, "%s: VHDX metadata item %s is required but unknown",
                            d->path, g);
                r = -ENOTSUP;
                goto out;
            }
            continue;
        }
        if ((want && len != want) || (bit == LOC && (len < 20 || len > 64 * 1024))) {
            disk_seterr(err, errlen, "%s: VHDX metadata item %s has a bad length (%u)", d->path, g,
                        len);
            goto out;
        }
        item = malloc(len);
        if (!item) {
            r = -ENOMEM;
            goto out;
        }
        r = disk_pread_full(d->fd, item, len, v->meta_offset + off);
        if (r < 0) {
            disk_seterr(err, errlen, "%s: cannot read VHDX metadata item %s", d->path, g);
            goto out;
        }
        r = -EINVAL;
        seen |= bit;
        switch (bit) {
        case FP:
            v->block_size = vhdx_le32(item);
            v->param_flags = vhdx_le32(item + 4);
            break;
        case VS:
            v->vsize = vhdx_le64(item);
            v->vsize_item_offset = v->meta_offset + off;
            break;
        case P83:
            memcpy(v->page83.b, item, 16);
            break;
        case LSS:
            v->lss = vhdx_le32(item);
            break;
        case PSS:
            v->pss = vhdx_le32(item);
            break;
        case LOC:
            r = parse_locator(d, v, item, len, err, errlen);
            if (r < 0)
                goto out;
            r = -EINVAL;
            break;
        }
        free(item);
        item = NULL;
    }
    if ((seen & (FP | VS | P83 | LSS | PSS)) != (FP | VS | P83 | LSS | PSS)) {
        disk_seterr(err, errlen, "%s: VHDX metadata lacks a required item", d->path);
        goto out;
    }
    if (v->block_size < VHDX_MIN_BLOCK || v->block_size > VHDX_MAX_BLOCK ||
        (v->block_size & (v->block_size - 1))) {
        disk_seterr(err, errlen, "%s: bad VHDX block size %u", d->path, v->block_size);
        goto out;
    }
    if ((v->lss != 512 && v->lss != 4096) || (v->pss != 512 && v->pss != 4096)) {
        disk_seterr(err, errlen, "%s: bad VHDX sector sizes (%u, %u)", d->path, v->lss, v->pss);
        goto out;
    }
    if (v->vsize == 0 || v->vsize > VHDX_MAX_SIZE || v->vsize % v->lss) {
        disk_seterr(err, errlen, "%s: bad VHDX virtual size %llu", d->path,
                    (unsigned long long)v->vsize);
        goto out;
    }
    if ((v->param_flags & VHDX_PARAM_HAS_PARENT) && !(seen & LOC)) {
        disk_seterr(err, errlen, "%s: differencing VHDX without a parent locator", d->path);
        goto out;
    }
    r = 0;
out:
    free(item);
    free(tbl);
    return r;
}
