// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VHD driver: opening (every field checked against the file, since an
 * image may come from anywhere), reads and writes of fixed, dynamic and
 * differencing disks, and block status.
 *
 * Threads: I/O to blocks already allocated runs without locks (the BAT is
 * read with atomic loads, a block's sector bitmap with atomic byte loads).
 * Allocating a block takes alloc_lock, because it moves the end of the
 * file; setting bits in a block's sector bitmap takes that block's bitmap
 * lock, because the bitmap's sectors are written back whole.  Bits are set
 * once, and in memory only after the bitmap that holds them is written:
 * after a region's first write, writes there take no lock, and a writer
 * that sees its bits set knows a flush will cover them.
 *
 * Crash safety: a new block is written (after the footer has moved to the
 * new end of the file), synced, and only then does its BAT entry point at
 * it, so a killed process leaves at worst an unused block.  Likewise data
 * written to sectors of an allocated block whose bits are still clear is
 * synced before the bitmap that claims it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vhd.h"
#include "winpath.h"

#define SECTOR DISK_SECTOR_SIZE

static uint64_t round_up_sector(uint64_t v)
{
    return (v + SECTOR - 1) / SECTOR * SECTOR;
}

static bool vhd_probe(const uint8_t *head, size_t head_len, const uint8_t *tail, size_t tail_len,
                      uint64_t file_size)
{
    (void)file_size;
    /* The footer at the end, or (a dynamic disk whose end is damaged) its copy at 0:
     * either way the file is a VHD, and open says what is wrong with it. */
    return (tail_len == VHD_FOOTER_SIZE && memcmp(tail, "conectix", 8) == 0) ||
           (head_len >= 8 && memcmp(head, "conectix", 8) == 0);
}

/*
 * The disk size.  Hyper-V uses the footer's current size; Virtual PC and
 * QEMU (creator "vpc " and "qemu") use the CHS geometry, unless it is the
 * largest one, which cannot describe the disk.  QEMU 7.2 reads every other
 * creator by geometry too, but its own images have both agree.
 */
static uint64_t footer_disk_size(const struct vhd_footer *f)
{
    uint64_t chs = (uint64_t)f->cylinders * f->heads * f->sectors_per_track;

    if ((memcmp(f->creator_app, "vpc ", 4) == 0 || memcmp(f->creator_app, "qemu", 4) == 0) &&
        chs != 65535ull * 16 * 255)
        return chs * SECTOR;
    return f->current_size / SECTOR * SECTOR;
}

/* A block that lies wholly inside the data area, clear of the metadata. */
static bool block_ok(const struct vhd *v, uint32_t entry)
{
    uint64_t start = (uint64_t)entry * SECTOR;
    uint64_t end = start + v->bitmap_size + v->header.block_size;
    uint64_t limit = atomic_load_explicit(&v->next_free, memory_order_relaxed);
    uint64_t h = v->header_offset, t = v->header.table_offset;

    return start >= VHD_FOOTER_SIZE && end <= limit && !(start < h + VHD_HEADER_SIZE && end > h) &&
           !(start < t + v->bat_bytes && end > t);
}

static bool bit_get(const uint8_t *bitmap, uint32_t sector)
{
    /* The spec's bitmaps are big-endian: sector 0 is the top bit of byte 0. */
    return (__atomic_load_n(&bitmap[sector / 8], __ATOMIC_RELAXED) >> (7 - sector % 8)) & 1;
}

/* How many sectors from @first (at most @count) share @first's bit. */
static uint32_t bit_run(const uint8_t *bitmap, uint32_t first, uint32_t count, bool *set)
{
    uint32_t n = 1;

    *set = bit_get(bitmap, first);
    while (n < count && bit_get(bitmap, first + n) == *set)
        n++;
    return n;
}

/*
 * A block's sector bitmap, read from the file the first time.  In a dynamic
 * disk every block normally has all its bits set (QEMU, Hyper-V and this
 * library write them so): those share v->full_bitmap rather than each
 * keeping a copy, so only a differencing block, or another writer's
 * dynamic block with clear bits, costs its bitmap's bytes.
 */
static int block_bitmap(struct disk *d, uint32_t index, uint32_t entry, uint8_t **out)
{
    struct vhd *v = d->priv;
    uint8_t *bm = atomic_load_explicit(&v->bitmaps[index], memory_order_acquire);
    int r = 0;

    if (bm) {
        *out = bm;
        return 0;
    }
    pthread_mutex_t *lock = &v->bitmap_locks[index % 16];

    pthread_mutex_lock(lock);
    bm = atomic_load_explicit(&v->bitmaps[index], memory_order_acquire);
    if (!bm) {
        bm = malloc(v->bitmap_size);
        if (!bm) {
            r = -ENOMEM;
        } else {
            r = disk_pread_full(d->fd, bm, v->bitmap_size, (uint64_t)entry * SECTOR);
            if (r < 0) {
                free(bm);
                bm = NULL;
            } else {
                if (d->type == DISK_TYPE_DYNAMIC &&
                    memcmp(bm, v->full_bitmap, v->bitmap_size) == 0) {
                    free(bm);
                    bm = v->full_bitmap;
                }
                atomic_store_explicit(&v->bitmaps[index], bm, memory_order_release);
            }
        }
    }
    pthread_mutex_unlock(lock);
    *out = bm;
    return r;
}

/* Scratch room for an iovec slice: on the stack for the usual short vectors. */
struct slice_room {
    struct iovec small[16];
    struct iovec *v;
};

static int slice_room_init(struct slice_room *s, int iovcnt)
{
    s->v = s->small;
    if (iovcnt > 16) {
        s->v = malloc(sizeof(*s->v) * (size_t)iovcnt);
        if (!s->v)
            return -ENOMEM;
    }
    return 0;
}

static void slice_room_free(struct slice_room *s)
{
    if (s->v != s->small)
        free(s->v);
}

/* [skip, skip + len) of the request from or to the file at @file_offset. */
static int file_io(struct disk *d, bool write, uint64_t file_offset, const struct iovec *iov,
                   int iovcnt, uint64_t skip, uint64_t len, struct slice_room *room)
{
    int n = disk_iov_slice(iov, iovcnt, skip, len, room->v);

    return write ? disk_pwritev_full(d->fd, room->v, n, file_offset)
                 : disk_preadv_full(d->fd, room->v, n, file_offset);
}

/* Part of one block: from this file, the parent, or zeros. */
static int read_in_block(struct disk *d, uint64_t offset, uint64_t len, const struct iovec *iov,
                         int iovcnt, uint64_t skip, struct slice_room *room)
{
    struct vhd *v = d->priv;
    uint32_t bs = v->header.block_size;
    uint32_t index = (uint32_t)(offset / bs);
    uint32_t within = (uint32_t)(offset % bs);
    uint32_t entry = atomic_load_explicit(&v->bat[index], memory_order_acquire);
    uint64_t data = (uint64_t)entry * SECTOR + v->bitmap_size;
    uint8_t *bm;
    int r;

    if (entry == VHD_BAT_UNUSED) {
        if (d->type == DISK_TYPE_DIFFERENCING)
            return disk_read_below(d, offset, len, iov, iovcnt, skip);
        disk_iov_zero(iov, iovcnt, skip, len);
        return 0;
    }
    if (!block_ok(v, entry))
        return -EIO;
    /* Sectors whose bit is clear are not stored here: the parent's, or zeros in a
     * dynamic disk (which the spec also gives a bitmap; QEMU and this library set
     * every bit of a block they allocate). */
    r = block_bitmap(d, index, entry, &bm);
    if (r < 0)
        return r;
    uint32_t sector = within / SECTOR, left = (uint32_t)(len / SECTOR);

    while (left > 0) {
        bool here;
        uint32_t n = bit_run(bm, sector, left, &here);
        uint64_t bytes = (uint64_t)n * SECTOR;

        if (here)
            r = file_io(d, false, data + (uint64_t)sector * SECTOR, iov, iovcnt, skip, bytes, room);
        else
            r = disk_read_below(d, offset, bytes, iov, iovcnt, skip);
        if (r < 0)
            return r;
        sector += n;
        left -= n;
        offset += bytes;
        skip += bytes;
    }
    return 0;
}

/*
 * Split [offset, offset + len) at block boundaries and call @fn for each
 * piece in order, @done bytes in.  Stops at the first nonzero return (an
 * error, or 1: the caller has what it needs) and returns it.
 */
typedef int block_fn(struct disk *d, uint64_t offset, uint64_t len, uint64_t done, void *ctx);

static int for_each_block(struct disk *d, uint64_t offset, uint64_t len, block_fn *fn, void *ctx)
{
    struct vhd *v = d->priv;
    uint64_t done = 0;
    int r = 0;

    while (r == 0 && done < len) {
        uint64_t in_block = v->header.block_size - (offset + done) % v->header.block_size;
        uint64_t n = len - done < in_block ? len - done : in_block;

        r = fn(d, offset + done, n, done, ctx);
        done += n;
    }
    return r;
}

/* A guest request, for the per-block read and write functions. */
struct request {
    const struct iovec *iov;
    int iovcnt;
    struct slice_room room;
};

static int read_piece(struct disk *d, uint64_t offset, uint64_t len, uint64_t done, void *ctx)
{
    struct request *q = ctx;

    return read_in_block(d, offset, len, q->iov, q->iovcnt, done, &q->room);
}

static int write_in_block(struct disk *d, uint64_t offset, uint64_t len, const struct iovec *iov,
                          int iovcnt, uint64_t skip, struct slice_room *room);

static int write_piece(struct disk *d, uint64_t offset, uint64_t len, uint64_t done, void *ctx)
{
    struct request *q = ctx;

    return write_in_block(d, offset, len, q->iov, q->iovcnt, done, &q->room);
}

static int request_run(struct disk *d, uint64_t offset, const struct iovec *iov, int iovcnt,
                       block_fn *fn)
{
    struct request q = {.iov = iov, .iovcnt = iovcnt};
    int r = slice_room_init(&q.room, iovcnt);

    if (r == 0)
        r = for_each_block(d, offset, disk_iov_length(iov, iovcnt), fn, &q);
    slice_room_free(&q.room);
    return r;
}

static int dynamic_readv(struct disk *d, uint64_t offset, const struct iovec *iov, int iovcnt)
{
    return request_run(d, offset, iov, iovcnt, read_piece);
}

/*
 * Set the bits of sectors [first, first + count) of an allocated block,
 * whose data the caller has just written.  The data is synced first, so
 * the bitmap never claims sectors whose data is not on disk; then, under
 * the block's lock, the bitmap's changed sectors are written from a copy,
 * and only once they are do the bits appear in memory: a writer that finds
 * its bits set (and skips all this) knows the bitmap is in the file, so a
 * flush after its write covers it.
 */
static int mark_sectors(struct disk *d, uint32_t index, uint32_t entry, uint32_t first,
                        uint32_t count)
{
    struct vhd *v = d->priv;
    uint8_t *bm, *copy = NULL;
    bool set;
    int r = block_bitmap(d, index, entry, &bm);

    if (r < 0)
        return r;
    if (bit_run(bm, first, count, &set) == count && set)
        return 0; /* the usual case once a region has been written */
    if (fdatasync(d->fd) < 0)
        return -errno;

    pthread_mutex_t *lock = &v->bitmap_locks[index % 16];
    uint32_t from = first / 8 / SECTOR * SECTOR;
    uint32_t to = (uint32_t)round_up_sector((first + count - 1) / 8 + 1);

    pthread_mutex_lock(lock);
    if (bit_run(bm, first, count, &set) == count && set)
        goto out; /* another writer's bitmap write covered these sectors meanwhile */
    copy = malloc(to - from);
    if (!copy) {
        r = -ENOMEM;
        goto out;
    }
    for (uint32_t i = from; i < to; i++)
        copy[i - from] = __atomic_load_n(&bm[i], __ATOMIC_RELAXED);
    for (uint32_t s = first; s < first + count; s++)
        copy[s / 8 - from] |= (uint8_t)(0x80u >> (s % 8));
    r = disk_pwrite_full(d->fd, copy, to - from, (uint64_t)entry * SECTOR + from);
    if (r < 0)
        goto out;
    for (uint32_t i = from; i < to; i++)
        __atomic_store_n(&bm[i], copy[i - from], __ATOMIC_RELEASE);
out:
    pthread_mutex_unlock(lock);
    free(copy);
    return r;
}

/*
 * Write into block @index, which was not allocated when looked at.  Under
 * alloc_lock: 1 if another thread allocated it meanwhile (write as usual),
 * else the block goes at the end of the file with this write in it.
 */
static int allocate_block(struct disk *d, uint32_t index, uint32_t within, uint64_t len,
                          const struct iovec *iov, int iovcnt, uint64_t skip,
                          struct slice_room *room)
{
    struct vhd *v = d->priv;
    uint32_t bs = v->header.block_size;
    uint8_t *bitmap = NULL, bat_entry[4];
    int r;

    pthread_mutex_lock(&v->alloc_lock);
    if (atomic_load_explicit(&v->bat[index], memory_order_acquire) != VHD_BAT_UNUSED) {
        pthread_mutex_unlock(&v->alloc_lock);
        return 1;
    }
    uint64_t start = v->next_free;
    uint64_t end = start + v->bitmap_size + bs;

    if (start / SECTOR >= VHD_BAT_UNUSED) {
        r = -ENOSPC; /* a BAT entry cannot point that far */
        goto out;
    }
    bitmap = calloc(1, v->bitmap_size);
    if (!bitmap) {
        r = -ENOMEM;
        goto out;
    }
    /* The footer first: the file stays a valid VHD whatever happens next, and the
     * new block, but for its bitmap, is a hole that reads as zeros. */
    r = disk_pwrite_full(d->fd, v->footer_raw, VHD_FOOTER_SIZE, end);
    if (r < 0)
        goto out;
    atomic_store_explicit(&v->next_free, end, memory_order_relaxed);

    r = file_io(d, true, start + v->bitmap_size + within, iov, iovcnt, skip, len, room);
    if (r < 0)
        goto out;
    if (d->type == DISK_TYPE_DIFFERENCING) {
        /* Only the sectors written are this image's; the rest still reads from below. */
        for (uint32_t s = within / SECTOR; s < (within + len) / SECTOR; s++)
            bitmap[s / 8] |= (uint8_t)(0x80u >> (s % 8));
    } else {
        memset(bitmap, 0xff, v->bitmap_size);
    }
    r = disk_pwrite_full(d->fd, bitmap, v->bitmap_size, start);
    if (r < 0)
        goto out;
    if (fdatasync(d->fd) < 0) {
        r = -errno;
        goto out;
    }
    vhd_put32(bat_entry, (uint32_t)(start / SECTOR));
    r = disk_pwrite_full(d->fd, bat_entry, 4, v->header.table_offset + 4ull * index);
    if (r < 0)
        goto out;
    if (d->type == DISK_TYPE_DYNAMIC) {
        atomic_store_explicit(&v->bitmaps[index], v->full_bitmap, memory_order_release);
    } else {
        atomic_store_explicit(&v->bitmaps[index], bitmap, memory_order_release);
        bitmap = NULL;
    }
    atomic_store_explicit(&v->bat[index], (uint32_t)(start / SECTOR), memory_order_release);
out:
    pthread_mutex_unlock(&v->alloc_lock);
    free(bitmap);
    return r;
}

static int write_in_block(struct disk *d, uint64_t offset, uint64_t len, const struct iovec *iov,
                          int iovcnt, uint64_t skip, struct slice_room *room)
{
    struct vhd *v = d->priv;
    uint32_t bs = v->header.block_size;
    uint32_t index = (uint32_t)(offset / bs);
    uint32_t within = (uint32_t)(offset % bs);
    uint32_t entry = atomic_load_explicit(&v->bat[index], memory_order_acquire);
    int r;

    if (entry == VHD_BAT_UNUSED) {
        r = allocate_block(d, index, within, len, iov, iovcnt, skip, room);
        if (r <= 0)
            return r;
        entry = atomic_load_explicit(&v->bat[index], memory_order_acquire);
    }
    if (!block_ok(v, entry))
        return -EIO;
    r = file_io(d, true, (uint64_t)entry * SECTOR + v->bitmap_size + within, iov, iovcnt, skip, len,
                room);
    if (r == 0)
        r = mark_sectors(d, index, entry, within / SECTOR, (uint32_t)(len / SECTOR));
    return r;
}

static int dynamic_writev(struct disk *d, uint64_t offset, const struct iovec *iov, int iovcnt)
{
    return request_run(d, offset, iov, iovcnt, write_piece);
}

static int vhd_readv(struct disk *d, uint64_t offset, const struct iovec *iov, int iovcnt)
{
    /* A fixed disk is a raw image with a footer after it. */
    return d->type == DISK_TYPE_FIXED ? disk_driver_raw.readv(d, offset, iov, iovcnt)
                                      : dynamic_readv(d, offset, iov, iovcnt);
}

static int vhd_writev(struct disk *d, uint64_t offset, const struct iovec *iov, int iovcnt)
{
    return d->type == DISK_TYPE_FIXED ? disk_driver_raw.writev(d, offset, iov, iovcnt)
                                      : dynamic_writev(d, offset, iov, iovcnt);
}

static int vhd_flush(struct disk *d)
{
    return fsync(d->fd) < 0 ? -errno : 0;
}

/* Status of one block-bounded piece: 1 stored here, 0 not; *@run bytes alike. */
static int status_in_block(struct disk *d, uint64_t offset, uint64_t len, uint64_t *run)
{
    struct vhd *v = d->priv;
    uint32_t bs = v->header.block_size;
    uint32_t index = (uint32_t)(offset / bs);
    uint32_t entry = atomic_load_explicit(&v->bat[index], memory_order_acquire);
    uint8_t *bm;
    bool set;
    int r;

    *run = len;
    if (entry == VHD_BAT_UNUSED)
        return 0;
    if (!block_ok(v, entry))
        return -EIO;
    r = block_bitmap(d, index, entry, &bm);
    if (r < 0)
        return r;
    *run = (uint64_t)bit_run(bm, (uint32_t)(offset % bs / SECTOR), (uint32_t)(len / SECTOR), &set) *
           SECTOR;
    return set;
}

struct status_walk {
    int status; /* of the pieces so far, -1 before the first */
    uint64_t run;
};

static int status_piece(struct disk *d, uint64_t offset, uint64_t len, uint64_t done, void *ctx)
{
    struct status_walk *w = ctx;
    uint64_t got;
    int s = status_in_block(d, offset, len, &got);

    (void)done;
    if (s < 0)
        return s;
    if (w->status >= 0 && s != w->status)
        return 1;
    w->status = s;
    w->run += got;
    return got < len ? 1 : 0;
}

static int vhd_block_status(struct disk *d, uint64_t offset, uint64_t len, uint64_t *run)
{
    struct status_walk w = {.status = -1};
    int r;

    if (d->type == DISK_TYPE_FIXED) {
        *run = len;
        return 1;
    }
    r = for_each_block(d, offset, len, status_piece, &w);
    if (r < 0)
        return r;
    *run = w.run;
    return w.status;
}

int vhd_write_footer(struct disk *d, char *err, size_t errlen)
{
    struct vhd *v = d->priv;
    int r;

    vhd_footer_encode(&v->footer, v->footer_raw);
    r = disk_pwrite_full(d->fd, v->footer_raw, VHD_FOOTER_SIZE, v->next_free);
    if (r == 0 && d->type != DISK_TYPE_FIXED)
        r = disk_pwrite_full(d->fd, v->footer_raw, VHD_FOOTER_SIZE, 0);
    if (r < 0)
        disk_seterr(err, errlen, "%s: cannot write the footer: %s", d->path, strerror(-r));
    return r;
}

int vhd_keep_identity(struct disk *to, const struct disk *from, char *err, size_t errlen)
{
    struct vhd *v = to->priv;
    const struct vhd *old = from->priv;

    memcpy(v->footer.unique_id, old->footer.unique_id, sizeof(v->footer.unique_id));
    return vhd_write_footer(to, err, errlen);
}

static void free_vhd(struct vhd *v)
{
    if (!v)
        return;
    if (v->bitmaps) {
        for (uint32_t i = 0; i < v->entries; i++) {
            uint8_t *bm = atomic_load(&v->bitmaps[i]);

            if (bm != v->full_bitmap)
                free(bm);
        }
        free(v->bitmaps);
    }
    free(v->full_bitmap);
    free(v->bat);
    pthread_mutex_destroy(&v->alloc_lock);
    for (int i = 0; i < 16; i++)
        pthread_mutex_destroy(&v->bitmap_locks[i]);
    free(v);
}

static int vhd_close(struct disk *d)
{
    free_vhd(d->priv);
    d->priv = NULL;
    return 0;
}

/* Turn a stored Windows path into a Linux one: backslashes become slashes. */
static void to_slashes(char *p)
{
    for (; *p; p++) {
        if (*p == '\\')
            *p = '/';
    }
}

/* @name relative to the directory of @child into @out; absolute names stay. */
static void beside(const char *child, const char *name, char *out, size_t cap)
{
    const char *slash = strrchr(child, '/');

    if (name[0] == '/' || !slash)
        snprintf(out, cap, "%s", name);
    else
        snprintf(out, cap, "%.*s/%s", (int)(slash - child), child, name);
}

/*
 * Open the parent: the W2ru (relative to this image's directory) and W2ku
 * (absolute) locators, then the parent name of the header, in that order,
 * and check that it is the very image this one was made from.
 */
static int open_vhd_parent(struct disk *d, uint64_t file_size, char *err, size_t errlen)
{
    struct vhd *v = d->priv;
    enum { RELATIVE, ABSOLUTE, NAME, COUNT };
    char *paths[COUNT] = {NULL};
    char *text = malloc(DISK_PATH_MAX);
    uint8_t *raw = malloc(2 * DISK_PATH_MAX);
    int r = -ENOMEM;

    for (int i = 0; i < COUNT; i++)
        paths[i] = calloc(1, DISK_PATH_MAX);
    if (!text || !raw || !paths[RELATIVE] || !paths[ABSOLUTE] || !paths[NAME]) {
        disk_seterr(err, errlen, "%s: out of memory", d->path);
        goto out;
    }
    for (int i = 0; i < VHD_LOCATORS; i++) {
        const struct vhd_locator *l = &v->header.locators[i];
        int which = l->platform == VHD_PLATFORM_W2RU   ? RELATIVE
                    : l->platform == VHD_PLATFORM_W2KU ? ABSOLUTE
                                                       : -1;

        if (which < 0 || paths[which][0] || l->data_length == 0 ||
            l->data_length > 2 * DISK_PATH_MAX || l->data_offset > file_size ||
            l->data_length > file_size - l->data_offset)
            continue; /* another platform's, or not a path this library could use */
        if (disk_pread_full(d->fd, raw, l->data_length, l->data_offset) < 0 ||
            winpath_utf16_to_utf8(raw, l->data_length, false, text, DISK_PATH_MAX) < 0)
            continue;
        to_slashes(text);
        if (which == RELATIVE)
            beside(d->path, strncmp(text, "./", 2) == 0 ? text + 2 : text, paths[RELATIVE],
                   DISK_PATH_MAX);
        else
            snprintf(paths[ABSOLUTE], DISK_PATH_MAX, "%s", text);
    }
    if (winpath_utf16_to_utf8(v->header.parent_name, VHD_PARENT_NAME_BYTES, true, text,
                              DISK_PATH_MAX) > 0) {
        to_slashes(text);
        beside(d->path, text, paths[NAME], DISK_PATH_MAX);
    }
    r = disk_open_parent(d, (const char *const *)paths, COUNT, err, errlen);
    if (r < 0)
        goto out;
    if (d->parent->drv != &disk_driver_vhd) {
        disk_seterr(err, errlen, "%s: parent %s is not a VHD", d->path, d->parent->path);
        r = -EINVAL;
        goto out;
    }
    const struct vhd *pv = d->parent->priv;

    if (memcmp(pv->footer.unique_id, v->header.parent_unique_id, 16) != 0) {
        disk_seterr(err, errlen, "%s: parent %s is not the image it was made from (unique id)",
                    d->path, d->parent->path);
        r = -EINVAL;
        goto out;
    }
    r = 0;
out:
    for (int i = 0; i < COUNT; i++)
        free(paths[i]);
    free(text);
    free(raw);
    return r;
}

int vhd_load_bat(struct disk *d, uint32_t entries)
{
    struct vhd *v = d->priv;
    uint32_t old = v->entries;
    uint32_t in_file =
        entries < v->header.max_table_entries ? entries : v->header.max_table_entries;
    _Atomic uint32_t *bat;
    uint8_t *_Atomic *bitmaps;
    uint8_t *raw = NULL;
    int r = 0;

    if (entries <= old)
        return 0;
    bat = realloc(v->bat, sizeof(*bat) * entries);
    if (!bat)
        return -ENOMEM;
    v->bat = bat;
    bitmaps = realloc(v->bitmaps, sizeof(*bitmaps) * entries);
    if (!bitmaps)
        return -ENOMEM;
    v->bitmaps = bitmaps;
    if (in_file > old) {
        raw = malloc(4ull * (in_file - old));
        if (!raw)
            return -ENOMEM;
        r = disk_pread_full(d->fd, raw, 4ull * (in_file - old),
                            v->header.table_offset + 4ull * old);
    }
    for (uint32_t i = old; r == 0 && i < entries; i++) {
        atomic_init(&v->bat[i], i < in_file ? vhd_get32(raw + 4ull * (i - old)) : VHD_BAT_UNUSED);
        atomic_init(&v->bitmaps[i], NULL);
    }
    free(raw);
    if (r == 0)
        v->entries = entries;
    return r;
}

/* The dynamic header and the BAT, checked against the file. */
static int open_dynamic(struct disk *d, uint64_t file_size, char *err, size_t errlen)
{
    struct vhd *v = d->priv;
    uint8_t raw[VHD_HEADER_SIZE], copy[VHD_FOOTER_SIZE];
    struct vhd_footer copy_footer;
    uint64_t footer_at = file_size - VHD_FOOTER_SIZE;
    int r;

    v->header_offset = v->footer.data_offset;
    if (v->header_offset < VHD_FOOTER_SIZE || v->header_offset > footer_at ||
        footer_at - v->header_offset < VHD_HEADER_SIZE) {
        disk_seterr(err, errlen, "%s: dynamic header offset %llu is outside the file", d->path,
                    (unsigned long long)v->header_offset);
        return -EINVAL;
    }
    r = disk_pread_full(d->fd, copy, sizeof(copy), 0);
    if (r == 0)
        r = vhd_footer_decode(copy, &copy_footer);
    if (r < 0) {
        disk_seterr(err, errlen, "%s: bad copy of the footer at the start of the file", d->path);
        return -EINVAL;
    }
    r = disk_pread_full(d->fd, raw, sizeof(raw), v->header_offset);
    if (r == 0)
        r = vhd_header_decode(raw, &v->header);
    if (r < 0) {
        disk_seterr(err, errlen, "%s: %s", d->path,
                    r == -EBADMSG ? "bad dynamic header checksum" : "no dynamic header");
        return r == -EBADMSG ? -EINVAL : r;
    }
    struct vhd_header *h = &v->header;

    if (h->version >> 16 != 1) {
        disk_seterr(err, errlen, "%s: dynamic header version %#x not supported", d->path,
                    h->version);
        return -EINVAL;
    }
    if (h->block_size < VHD_MIN_BLOCK || h->block_size > VHD_MAX_BLOCK ||
        (h->block_size & (h->block_size - 1))) {
        disk_seterr(err, errlen, "%s: bad block size %u", d->path, h->block_size);
        return -EINVAL;
    }
    v->bitmap_size = vhd_bitmap_size(h->block_size);
    uint64_t needed = (d->size + h->block_size - 1) / h->block_size;

    if (h->max_table_entries < needed) {
        disk_seterr(err, errlen, "%s: the block table (%u entries) does not cover the disk",
                    d->path, h->max_table_entries);
        return -EINVAL;
    }
    v->bat_bytes = round_up_sector(4ull * h->max_table_entries);
    if (h->table_offset < VHD_FOOTER_SIZE || h->table_offset > footer_at ||
        footer_at - h->table_offset < v->bat_bytes ||
        (h->table_offset < v->header_offset + VHD_HEADER_SIZE &&
         h->table_offset + v->bat_bytes > v->header_offset)) {
        disk_seterr(err, errlen, "%s: block table at %llu (%u entries) is outside the file",
                    d->path, (unsigned long long)h->table_offset, h->max_table_entries);
        return -EINVAL;
    }
    v->full_bitmap = malloc(v->bitmap_size);
    if (!v->full_bitmap) {
        disk_seterr(err, errlen, "%s: out of memory", d->path);
        return -ENOMEM;
    }
    memset(v->full_bitmap, 0xff, v->bitmap_size);
    r = vhd_load_bat(d, (uint32_t)needed);
    if (r < 0) {
        disk_seterr(err, errlen, "%s: cannot read the block table: %s", d->path, strerror(-r));
        return r;
    }
    /* New blocks go where the footer is now; a BAT entry pointing past it reads as -EIO. */
    v->next_free = round_up_sector(footer_at);
    d->block_size = h->block_size;
    if (d->type == DISK_TYPE_DIFFERENCING)
        return open_vhd_parent(d, file_size, err, errlen);
    return 0;
}

static int vhd_open(struct disk *d, char *err, size_t errlen)
{
    uint8_t raw[VHD_FOOTER_SIZE];
    struct stat st;
    struct vhd *v;
    int r;

    if (fstat(d->fd, &st) < 0) {
        r = -errno;
        disk_seterr(err, errlen, "%s: %s", d->path, strerror(-r));
        return r;
    }
    uint64_t file_size = (uint64_t)st.st_size;

    if (file_size < VHD_FOOTER_SIZE) {
        disk_seterr(err, errlen, "%s: too small for a VHD", d->path);
        return -EINVAL;
    }
    v = calloc(1, sizeof(*v));
    if (!v) {
        disk_seterr(err, errlen, "%s: out of memory", d->path);
        return -ENOMEM;
    }
    pthread_mutex_init(&v->alloc_lock, NULL);
    for (int i = 0; i < 16; i++)
        pthread_mutex_init(&v->bitmap_locks[i], NULL);
    d->priv = v;

    r = disk_pread_full(d->fd, raw, sizeof(raw), file_size - VHD_FOOTER_SIZE);
    if (r == 0)
        r = vhd_footer_decode(raw, &v->footer);
    if (r < 0) {
        disk_seterr(err, errlen, "%s: %s", d->path,
                    r == -EBADMSG ? "bad footer checksum"
                                  : "no VHD footer at the end of the file (truncated?)");
        r = -EINVAL;
        goto fail;
    }
    memcpy(v->footer_raw, raw, sizeof(raw));
    if (v->footer.version >> 16 != 1) {
        disk_seterr(err, errlen, "%s: VHD version %#x not supported", d->path, v->footer.version);
        r = -EINVAL;
        goto fail;
    }
    d->size = footer_disk_size(&v->footer);
    if (d->size == 0 || d->size > VHD_MAX_SIZE) {
        disk_seterr(err, errlen, "%s: disk size %llu is not between 512 bytes and 2040 GiB",
                    d->path, (unsigned long long)d->size);
        r = -EINVAL;
        goto fail;
    }
    switch (v->footer.disk_type) {
    case VHD_TYPE_FIXED:
        d->type = DISK_TYPE_FIXED;
        if (file_size - VHD_FOOTER_SIZE < d->size) {
            disk_seterr(err, errlen, "%s: the file is shorter than its %llu-byte disk (truncated)",
                        d->path, (unsigned long long)d->size);
            r = -EINVAL;
            goto fail;
        }
        v->next_free = file_size - VHD_FOOTER_SIZE;
        break;
    case VHD_TYPE_DYNAMIC:
    case VHD_TYPE_DIFFERENCING:
        d->type =
            v->footer.disk_type == VHD_TYPE_DYNAMIC ? DISK_TYPE_DYNAMIC : DISK_TYPE_DIFFERENCING;
        r = open_dynamic(d, file_size, err, errlen);
        if (r < 0)
            goto fail;
        break;
    default:
        disk_seterr(err, errlen, "%s: unknown VHD disk type %u", d->path, v->footer.disk_type);
        r = -EINVAL;
        goto fail;
    }
    return 0;

fail:
    free_vhd(v);
    d->priv = NULL;
    return r;
}

const struct disk_driver disk_driver_vhd = {
    .format = DISK_FORMAT_VHD,
    .probe = vhd_probe,
    .open = vhd_open,
    .close = vhd_close,
    .readv = vhd_readv,
    .writev = vhd_writev,
    .flush = vhd_flush,
    .discard = NULL,
    .block_status = vhd_block_status,
    .create = vhd_create,
    .resize = vhd_resize,
};
