// SPDX-License-Identifier: GPL-2.0-only
/*
 * Growing a VHD in place.  Fixed: the footer moves to the new end and the
 * old one becomes zeros of the disk.  Dynamic and differencing: the BAT
 * gets entries for the new blocks, where it is if there is room before the
 * first block, else rewritten at the end of the file (the header points at
 * it only once it is there); the footer's size changes last, so a crash
 * leaves the old disk with at worst some unused space.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vhd.h"

#define SECTOR DISK_SECTOR_SIZE

static uint64_t round_up_sector(uint64_t v)
{
    return (v + SECTOR - 1) / SECTOR * SECTOR;
}

/* The new size in the footer: ours now, so read by its current size. */
static void footer_set_size(struct vhd_footer *f, uint64_t new_size)
{
    f->current_size = new_size;
    vhd_geometry(new_size, &f->cylinders, &f->heads, &f->sectors_per_track);
    memcpy(f->creator_app, "win ", 4); /* as vhd_create.c: sized by the current size */
}

static int sync_fd(int fd)
{
    return fdatasync(fd) < 0 ? -errno : 0;
}

static int resize_fixed(struct disk *d, uint64_t new_size, char *err, size_t errlen)
{
    struct vhd *v = d->priv;
    uint64_t old_at = v->next_free;
    uint8_t zeros[VHD_FOOTER_SIZE] = {0};
    int r;

    footer_set_size(&v->footer, new_size);
    v->next_free = new_size;
    r = vhd_write_footer(d, err, errlen); /* the file grows; the gap is a hole */
    if (r < 0)
        return r;
    r = sync_fd(d->fd);
    if (r == 0 && old_at < new_size) {
        size_t n = new_size - old_at < sizeof(zeros) ? (size_t)(new_size - old_at) : sizeof(zeros);

        r = disk_pwrite_full(d->fd, zeros, n, old_at);
    }
    if (r == 0 && ftruncate(d->fd, (off_t)(new_size + VHD_FOOTER_SIZE)) < 0)
        r = -errno;
    if (r < 0) {
        disk_seterr(err, errlen, "%s: cannot grow: %s", d->path, strerror(-r));
        return r;
    }
    d->size = new_size;
    return 0;
}

/* The lowest file offset above the BAT that holds something: a block, a locator's data,
 * the header, or the footer at the end. */
static uint64_t after_bat_limit(const struct vhd *v)
{
    uint64_t limit = v->next_free, t = v->header.table_offset;

    for (uint32_t i = 0; i < v->entries; i++) {
        uint32_t e = atomic_load(&v->bat[i]);

        if (e != VHD_BAT_UNUSED && (uint64_t)e * SECTOR > t && (uint64_t)e * SECTOR < limit)
            limit = (uint64_t)e * SECTOR;
    }
    for (int i = 0; i < VHD_LOCATORS; i++) {
        uint64_t o = v->header.locators[i].data_offset;

        if (v->header.locators[i].platform != 0 && o > t && o < limit)
            limit = o;
    }
    if (v->header_offset > t && v->header_offset < limit)
        limit = v->header_offset;
    return limit;
}

static int grow_bat(struct disk *d, uint32_t entries, char *err, size_t errlen)
{
    struct vhd *v = d->priv;
    uint64_t bytes = round_up_sector(4ull * entries);
    uint8_t *raw = malloc(bytes), header_raw[VHD_HEADER_SIZE];
    struct vhd_header h = v->header;
    int r;

    /* v->entries == entries: vhd_resize loaded the table, the new entries unused. */
    if (!raw) {
        disk_seterr(err, errlen, "%s: out of memory for the block table", d->path);
        return -ENOMEM;
    }
    memset(raw, 0xff, bytes);
    for (uint32_t i = 0; i < entries; i++)
        vhd_put32(raw + 4ull * i, atomic_load(&v->bat[i]));

    if (h.table_offset + bytes <= after_bat_limit(v)) {
        r = disk_pwrite_full(d->fd, raw, bytes, h.table_offset);
    } else {
        /* No room: the whole table goes to the end, then the footer after it. */
        h.table_offset = v->next_free;
        v->next_free = h.table_offset + bytes;
        r = disk_pwrite_full(d->fd, v->footer_raw, VHD_FOOTER_SIZE, v->next_free);
        if (r == 0)
            r = disk_pwrite_full(d->fd, raw, bytes, h.table_offset);
    }
    free(raw);
    if (r == 0)
        r = sync_fd(d->fd);
    if (r < 0) {
        disk_seterr(err, errlen, "%s: cannot write the block table: %s", d->path, strerror(-r));
        return r;
    }
    /* Only now does the header point at the larger table. */
    h.max_table_entries = entries;
    vhd_header_encode(&h, header_raw);
    r = disk_pwrite_full(d->fd, header_raw, sizeof(header_raw), v->header_offset);
    if (r == 0)
        r = sync_fd(d->fd);
    if (r < 0) {
        disk_seterr(err, errlen, "%s: cannot write the dynamic header: %s", d->path, strerror(-r));
        return r;
    }
    v->header = h;
    v->bat_bytes = bytes;
    return 0;
}

int vhd_resize(struct disk *d, uint64_t new_size, char *err, size_t errlen)
{
    struct vhd *v = d->priv;
    int r;

    if (new_size > VHD_MAX_SIZE || new_size % SECTOR) {
        disk_seterr(err, errlen, "%s: a VHD holds at most 2040 GiB", d->path);
        return -EINVAL;
    }
    if (d->type == DISK_TYPE_FIXED)
        return resize_fixed(d, new_size, err, errlen);

    uint64_t needed = (new_size + v->header.block_size - 1) / v->header.block_size;

    /* The entries the larger disk uses: those the table already has, then unused ones. */
    r = vhd_load_bat(d, (uint32_t)needed);
    if (r < 0) {
        disk_seterr(err, errlen, "%s: cannot read the block table: %s", d->path, strerror(-r));
        return r;
    }
    if (needed > v->header.max_table_entries) {
        r = grow_bat(d, (uint32_t)needed, err, errlen);
        if (r < 0)
            return r;
    }
    footer_set_size(&v->footer, new_size);
    r = vhd_write_footer(d, err, errlen);
    if (r == 0 && fsync(d->fd) < 0) {
        r = -errno;
        disk_seterr(err, errlen, "%s: %s", d->path, strerror(-r));
    }
    if (r == 0)
        d->size = new_size;
    return r;
}
