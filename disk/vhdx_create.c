// SPDX-License-Identifier: GPL-2.0-only
/*
 * Making VHDX images and growing them.
 *
 * Layout of a new image (the same as QEMU's, which Hyper-V opens):
 *   0        file type identifier ("vhdxfile", creator)
 *   64 KiB   header 1, 128 KiB header 2
 *   192 KiB  region table 1, 256 KiB region table 2
 *   1 MiB    log (1 MiB)
 *   2 MiB    metadata (1 MiB): the table, then the items from 64 KiB on
 *   3 MiB    BAT (rounded up to 1 MiB)
 *   ...      blocks (a fixed image's all here, in order)
 *
 * Expand writes the new BAT entries where nothing points yet (after the
 * old entries, or a whole new BAT at the end of the file), flushes, then
 * changes the virtual size and, if the BAT moved, both region tables in one
 * log entry: a crash leaves the old disk or the new one.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vhdx_format.h"
#include "winpath.h"

struct meta_item {
    const struct vhdx_guid *id;
    uint32_t flags;
    const uint8_t *data;
    uint32_t len;
};

/* Metadata table entry @i of @table. */
static void put_meta_entry(uint8_t *table, unsigned i, const struct vhdx_guid *id, uint32_t at,
                           uint32_t len, uint32_t flags)
{
    uint8_t *e = table + 32 + 32 * i;
    memcpy(e, id->b, 16);
    vhdx_put32(e + 16, at);
    vhdx_put32(e + 20, len);
    vhdx_put32(e + 24, flags);
}

/* The parent locator item into @p of @cap bytes (less than 64 KiB, so
 * every string's length fits its 16-bit field): its length, or -EILSEQ
 * (a string not UTF-8), -ENAMETOOLONG. */
static int build_locator(uint8_t *p, size_t cap, const char *const keys[], const char *const vals[],
                         unsigned n)
{
    size_t at = 20 + 12 * n;
    if (at > cap)
        return -ENAMETOOLONG;
    memcpy(p, vhdx_guid_locator_type.b, 16);
    vhdx_put16(p + 16, 0);
    vhdx_put16(p + 18, (uint16_t)n);
    for (unsigned i = 0; i < n; i++) {
        uint8_t *e = p + 20 + 12 * i;
        int kl = winpath_utf8_to_utf16(keys[i], p + at, cap - at, false);
        if (kl < 0)
            return kl;
        vhdx_put32(e, (uint32_t)at);
        vhdx_put16(e + 8, (uint16_t)kl);
        at += (size_t)kl;
        int vl = winpath_utf8_to_utf16(vals[i], p + at, cap - at, false);
        if (vl < 0)
            return vl;
        vhdx_put32(e + 4, (uint32_t)at);
        vhdx_put16(e + 10, (uint16_t)vl);
        at += (size_t)vl;
    }
    return (int)at;
}

static int write_bat_entries(int fd, const uint64_t *bat, uint64_t first, uint64_t n, uint64_t at)
{
    uint8_t buf[64 * 1024];

    for (uint64_t done = 0; done < n;) {
        uint64_t k = n - done < sizeof(buf) / 8 ? n - done : sizeof(buf) / 8;
        for (uint64_t i = 0; i < k; i++)
            vhdx_put64(buf + 8 * i, bat[first + done + i]);
        int r = disk_pwrite_full(fd, buf, k * 8, at + (first + done) * 8);
        if (r < 0)
            return r;
        done += k;
    }
    return 0;
}

/* Reserve [off, off + len) as zeros, preallocated when the file system can. */
static int prealloc(int fd, uint64_t off, uint64_t len)
{
    if (len && fallocate(fd, 0, (off_t)off, (off_t)len) == 0)
        return 0;
    if (len && errno != EOPNOTSUPP)
        return -errno;
    struct stat st;
    if (fstat(fd, &st) < 0)
        return -errno;
    if ((uint64_t)st.st_size < off + len && ftruncate(fd, (off_t)(off + len)) < 0)
        return -errno;
    return 0;
}

int vhdx_create(int fd, const char *path, const struct disk_create_params *p, char *err,
                size_t errlen)
{
    uint32_t lss = p->logical_sector_size ? p->logical_sector_size : 512;
    uint32_t bs = p->block_size ? p->block_size : VHDX_DEFAULT_BLOCK;
    uint64_t size = p->size;
    enum disk_type type = p->type != DISK_TYPE_NONE ? p->type
                          : p->parent               ? DISK_TYPE_DIFFERENCING
                                                    : DISK_TYPE_DYNAMIC;
    struct vhdx_guid linkage;
    uint8_t *buf = NULL;
    struct vhdx *v = NULL;
    char rel[8192];
    int r = -EINVAL;

    if (type == DISK_TYPE_DIFFERENCING) {
        struct disk *pd;
        if (!p->parent) {
            disk_seterr(err, errlen, "%s: a differencing image needs a parent", path);
            return -EINVAL;
        }
        r = disk_open(p->parent, DISK_OPEN_READ_ONLY, &pd, err, errlen);
        if (r < 0)
            return r;
        if (pd->drv != &disk_driver_vhdx) {
            disk_seterr(err, errlen, "%s: the parent of a VHDX must be a VHDX image", p->parent);
            disk_close(pd);
            return -EINVAL;
        }
        const struct vhdx *pv = pd->priv;
        linkage = pv->hdr.data_write_guid;
        if (!size)
            size = pd->size;
        if (p->logical_sector_size && p->logical_sector_size != pv->lss) {
            disk_seterr(err, errlen, "%s: the parent has %u-byte logical sectors", path, pv->lss);
            disk_close(pd);
            return -EINVAL;
        }
        lss = pv->lss;
        disk_close(pd);
        r = -EINVAL;
    }
    if (bs < VHDX_MIN_BLOCK || bs > VHDX_MAX_BLOCK || (bs & (bs - 1))) {
        disk_seterr(err, errlen, "%s: VHDX block size must be a power of two, 1 to 256 MiB", path);
        return -EINVAL;
    }
    if (lss != 512 && lss != 4096) {
        disk_seterr(err, errlen, "%s: VHDX logical sectors are 512 or 4096 bytes", path);
        return -EINVAL;
    }
    if (!size || size > VHDX_MAX_SIZE || size % lss) {
        disk_seterr(err, errlen, "%s: bad VHDX size %llu (at most 64 TiB)", path,
                    (unsigned long long)size);
        return -EINVAL;
    }

    v = calloc(1, sizeof(*v));
    buf = calloc(1, 128 * 1024);
    if (!v || !buf) {
        r = -ENOMEM;
        goto out;
    }
    v->block_size = bs;
    v->lss = lss;
    v->vsize = size;
    v->param_flags = type == DISK_TYPE_FIXED          ? VHDX_PARAM_LEAVE_ALLOCATED
                     : type == DISK_TYPE_DIFFERENCING ? VHDX_PARAM_HAS_PARENT
                                                      : 0;
    vhdx_geometry(v);
    uint64_t bat_off = VHDX_LAYOUT_BAT_OFFSET;
    uint64_t bat_len = vhdx_align_up(v->bat_entries * 8, VHDX_MiB);
    if (bat_len > UINT32_MAX) {
        r = -EFBIG;
        goto out;
    }
    uint64_t data_start = bat_off + bat_len;
    uint64_t end = data_start + (type == DISK_TYPE_FIXED ? v->data_blocks * bs : 0);

    /* File type identifier. */
    memcpy(buf, "vhdxfile", 8);
    winpath_utf8_to_utf16("hvcore disk library", buf + 8, 512, false);
    if ((r = disk_pwrite_full(fd, buf, 4096, 0)) < 0)
        goto io;

    /* Region tables. */
    struct vhdx_region_entry regs[2] = {
        {.guid = vhdx_guid_bat, .offset = bat_off, .length = (uint32_t)bat_len, .flags = 1},
        {.guid = vhdx_guid_metadata,
         .offset = VHDX_LAYOUT_META_OFFSET,
         .length = VHDX_LAYOUT_META_LENGTH,
         .flags = 1},
    };
    vhdx_region_encode(regs, 2, buf);
    if ((r = disk_pwrite_full(fd, buf, VHDX_REGION_SIZE, VHDX_REGION1_OFFSET)) < 0 ||
        (r = disk_pwrite_full(fd, buf, VHDX_REGION_SIZE, VHDX_REGION2_OFFSET)) < 0)
        goto io;

    /* Metadata: the table, then the items packed from 64 KiB on (the
     * parent locator last, made in place; the whole is 128 KiB). */
    memset(buf, 0, 128 * 1024);
    uint8_t fp[8], vs[8], lssb[4], pssb[4];
    struct vhdx_guid page83;
    vhdx_random_guid(&page83);
    vhdx_put32(fp, bs);
    vhdx_put32(fp + 4, v->param_flags);
    vhdx_put64(vs, size);
    vhdx_put32(lssb, lss);
    vhdx_put32(pssb, 4096);
    const struct meta_item items[5] = {
        {&vhdx_guid_file_params, VHDX_META_IS_REQUIRED, fp, 8},
        {&vhdx_guid_vsize, VHDX_META_IS_VIRTUAL_DISK | VHDX_META_IS_REQUIRED, vs, 8},
        {&vhdx_guid_page83, VHDX_META_IS_VIRTUAL_DISK | VHDX_META_IS_REQUIRED, page83.b, 16},
        {&vhdx_guid_lss, VHDX_META_IS_VIRTUAL_DISK | VHDX_META_IS_REQUIRED, lssb, 4},
        {&vhdx_guid_pss, VHDX_META_IS_VIRTUAL_DISK | VHDX_META_IS_REQUIRED, pssb, 4},
    };
    uint32_t at = VHDX_METADATA_TBL_SIZE;
    for (unsigned i = 0; i < 5; i++) {
        put_meta_entry(buf, i, items[i].id, at, items[i].len, items[i].flags);
        memcpy(buf + at, items[i].data, items[i].len);
        at += items[i].len;
    }
    unsigned nitems = 5;
    if (type == DISK_TYPE_DIFFERENCING) {
        char link[39];
        vhdx_guid_format(&linkage, link);
        /* Without a relative path (it cannot be made) the absolute one serves. */
        r = winpath_parent_relative(path, p->parent, rel, sizeof(rel));
        if (r == -ENAMETOOLONG) {
            disk_seterr(err, errlen, "%s: the parent's path is too long", path);
            goto out;
        }
        const char *keys[3] = {"parent_linkage", "absolute_win32_path", "relative_path"};
        const char *vals[3] = {link, p->parent, rel};
        r = build_locator(buf + at, 128 * 1024 - at, keys, vals, r == 0 ? 3 : 2);
        if (r < 0) {
            disk_seterr(err, errlen,
                        r == -EILSEQ ? "%s: the parent's path is not valid UTF-8"
                                     : "%s: the parent's path is too long",
                        path);
            goto out;
        }
        put_meta_entry(buf, 5, &vhdx_guid_parent_locator, at, (uint32_t)r, VHDX_META_IS_REQUIRED);
        nitems = 6;
    }
    memcpy(buf, "metadata", 8);
    vhdx_put16(buf + 10, (uint16_t)nitems);
    if ((r = disk_pwrite_full(fd, buf, 128 * 1024, VHDX_LAYOUT_META_OFFSET)) < 0)
        goto io;

    /* BAT: a fixed image's blocks all present in order; the others empty. */
    if ((r = prealloc(fd, bat_off, bat_len)) < 0)
        goto io;
    if (type == DISK_TYPE_FIXED) {
        v->bat = calloc(v->bat_entries ? v->bat_entries : 1, 8);
        if (!v->bat) {
            r = -ENOMEM;
            goto out;
        }
        for (uint64_t b = 0; b < v->data_blocks; b++)
            v->bat[vhdx_payload_index(v, b)] =
                VHDX_BAT_ENTRY(data_start + b * bs, VHDX_PAYLOAD_FULLY_PRESENT);
        if ((r = write_bat_entries(fd, v->bat, 0, v->bat_entries, bat_off)) < 0 ||
            (r = prealloc(fd, data_start, end - data_start)) < 0)
            goto io;
    }

    /* Headers last: until they are there the file is no VHDX. */
    struct vhdx_header h = {
        .version = 1, .log_length = VHDX_LAYOUT_LOG_LENGTH, .log_offset = VHDX_LAYOUT_LOG_OFFSET};
    vhdx_random_guid(&h.file_write_guid);
    vhdx_random_guid(&h.data_write_guid);
    if ((r = prealloc(fd, VHDX_LAYOUT_LOG_OFFSET, VHDX_LAYOUT_LOG_LENGTH)) < 0)
        goto io;
    for (int i = 0; i < 2; i++) {
        h.seq = (uint64_t)i + 1;
        vhdx_header_encode(&h, buf);
        r = disk_pwrite_full(fd, buf, VHDX_HEADER_SIZE,
                             i ? VHDX_HEADER2_OFFSET : VHDX_HEADER1_OFFSET);
        if (r < 0)
            goto io;
    }
    if (fsync(fd) < 0) {
        r = -errno;
        goto io;
    }
    r = 0;
    goto out;
io:
    disk_seterr(err, errlen, "%s: cannot write the VHDX image: %s", path, strerror(-r));
out:
    free(buf);
    if (v)
        free(v->bat);
    free(v);
    return r;
}

int vhdx_resize(struct disk *d, uint64_t new_size, char *err, size_t errlen)
{
    struct vhdx *v = d->priv;
    struct vhdx *nv = NULL;
    uint8_t *rt = NULL;
    int r;

    if (new_size <= v->vsize || new_size > VHDX_MAX_SIZE || new_size % v->lss) {
        disk_seterr(err, errlen, "%s: cannot grow a VHDX to %llu bytes", d->path,
                    (unsigned long long)new_size);
        return -EINVAL;
    }
    r = vhdx_renew_write_guids(d, v);
    if (r < 0)
        goto io;
    nv = calloc(1, sizeof(*nv));
    if (!nv)
        return -ENOMEM;
    nv->block_size = v->block_size;
    nv->lss = v->lss;
    nv->vsize = new_size;
    nv->param_flags = v->param_flags;
    vhdx_geometry(nv);
    uint64_t *bat = realloc(v->bat, nv->bat_entries * 8);
    if (!bat) {
        r = -ENOMEM;
        goto out;
    }
    v->bat = bat;
    memset(bat + v->bat_entries, 0, (nv->bat_entries - v->bat_entries) * 8);

    bool move = nv->bat_entries * 8 > v->bat_length;
    uint64_t bat_off = v->bat_offset, bat_len = v->bat_length;
    uint64_t end = v->alloc_end;
    if (move) {
        bat_off = end;
        bat_len = vhdx_align_up(nv->bat_entries * 8, VHDX_MiB);
        if (bat_len > UINT32_MAX) {
            r = -EFBIG;
            goto out;
        }
        end += bat_len;
    }
    if (d->type == DISK_TYPE_FIXED) {
        if ((r = prealloc(d->fd, end, (nv->data_blocks - v->data_blocks) * v->block_size)) < 0)
            goto io;
        for (uint64_t b = v->data_blocks; b < nv->data_blocks; b++, end += v->block_size)
            bat[vhdx_payload_index(v, b)] = VHDX_BAT_ENTRY(end, VHDX_PAYLOAD_FULLY_PRESENT);
    }
    /* New entries where nothing reads them yet, durable before the switch. */
    if (move) {
        if ((r = prealloc(d->fd, bat_off, bat_len)) < 0 ||
            (r = write_bat_entries(d->fd, bat, 0, nv->bat_entries, bat_off)) < 0)
            goto io;
    } else if ((r = write_bat_entries(d->fd, bat, v->bat_entries, nv->bat_entries - v->bat_entries,
                                      bat_off)) < 0) {
        goto io;
    }
    if (fdatasync(d->fd) < 0) {
        r = -errno;
        goto io;
    }

    /* One log entry: the sector(s) holding the virtual size, and the region tables. */
    rt = malloc(2 * VHDX_LOG_SECTOR + VHDX_REGION_SIZE);
    if (!rt) {
        r = -ENOMEM;
        goto out;
    }
    struct vhdx_log_sector secs[2 + 2 * (VHDX_REGION_SIZE / VHDX_LOG_SECTOR)];
    size_t n = 0;
    uint64_t vs_sec = v->vsize_item_offset / VHDX_LOG_SECTOR * VHDX_LOG_SECTOR;
    uint64_t vs_len = (v->vsize_item_offset + 8 - vs_sec + VHDX_LOG_SECTOR - 1) / VHDX_LOG_SECTOR *
                      VHDX_LOG_SECTOR;
    if ((r = disk_pread_full(d->fd, rt, vs_len, vs_sec)) < 0)
        goto io;
    vhdx_put64(rt + (v->vsize_item_offset - vs_sec), new_size);
    for (uint64_t i = 0; i < vs_len / VHDX_LOG_SECTOR; i++)
        secs[n++] =
            (struct vhdx_log_sector){vs_sec + i * VHDX_LOG_SECTOR, rt + i * VHDX_LOG_SECTOR};
    struct vhdx_region_entry *bat_reg = NULL;
    for (uint32_t i = 0; i < v->nregions; i++)
        if (vhdx_guid_eq(&v->regions[i].guid, &vhdx_guid_bat))
            bat_reg = &v->regions[i];
    struct vhdx_region_entry saved = *bat_reg;
    if (move) {
        uint8_t *table = rt + 2 * VHDX_LOG_SECTOR;
        bat_reg->offset = bat_off;
        bat_reg->length = (uint32_t)bat_len;
        vhdx_region_encode(v->regions, v->nregions, table);
        for (int copy = 0; copy < 2; copy++)
            for (uint32_t i = 0; i < VHDX_REGION_SIZE / VHDX_LOG_SECTOR; i++)
                secs[n++] = (struct vhdx_log_sector){
                    (copy ? VHDX_REGION2_OFFSET : VHDX_REGION1_OFFSET) + i * VHDX_LOG_SECTOR,
                    table + i * VHDX_LOG_SECTOR};
    }
    r = vhdx_log_write(d, v, secs, n, end);
    if (r < 0) {
        *bat_reg = saved;
        goto io;
    }
    v->bat_offset = bat_off;
    v->bat_length = (uint32_t)bat_len;
    v->alloc_end = end;
    if (end > v->file_size)
        v->file_size = end;
    v->vsize = new_size;
    vhdx_geometry(v);
    d->size = new_size;
    goto out;
io:
    disk_seterr(err, errlen, "%s: cannot grow the VHDX: %s", d->path, strerror(-r));
out:
    free(rt);
    free(nv);
    return r;
}
