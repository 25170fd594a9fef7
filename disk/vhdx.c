// SPDX-License-Identifier: GPL-2.0-only
/*
 * VHDX 1.0 images (MS-VHDX): open and I/O.  Create and expand live in
 * vhdx_create.c, the metadata parsing in vhdx_meta.c, the log in vhdx_log.c.
 *
 * Crash safety.  A block is allocated at the end of the file: the file is
 * extended, the guest's data (and, for differencing, the parent's data for
 * the rest of the block) written, fdatasync'd, and only then is the single
 * 8-byte BAT entry written in place.  A BAT entry never spans a sector,
 * and an 8-byte pwrite inside one page cannot be torn by a killed process,
 * so the BAT is always either the old or the new entry, and a new entry
 * only ever points at data that is already durable.  A crash leaves at
 * worst an unreferenced block at the end of the file.  This is why BAT
 * updates do not go through the log: the log would add two header writes
 * and three flushes per allocation, and a log left active (LogGuid set) by
 * a killed process makes QEMU refuse the image read-only (qemu-img check)
 * until it is replayed, while this scheme keeps the file clean for any
 * reader at every instant.  Changes that touch several sectors at once
 * (expand: region tables, the virtual size, a relocated BAT) do go through
 * the log, and any log found on open is replayed.
 *
 * Header updates: on the first write after open, FileWriteGuid and
 * DataWriteGuid are renewed (so a differencing child notices its parent
 * changed) by writing the non-current header with sequence + 1 and fsync,
 * then the other; one valid header survives any crash.
 *
 * Threads: I/O to blocks already present reads the BAT entry with an
 * atomic load and goes straight to the file; allocation, the header update
 * and partially-present conversion take v->lock.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vhdx_format.h"

static bool vhdx_probe(const uint8_t *head, size_t head_len, const uint8_t *tail, size_t tail_len,
                       uint64_t file_size)
{
    (void)tail, (void)tail_len, (void)file_size;
    return head_len >= 8 && memcmp(head, "vhdxfile", 8) == 0;
}

static uint64_t bat_get(const struct vhdx *v, uint64_t idx)
{
    return __atomic_load_n(&v->bat[idx], __ATOMIC_ACQUIRE);
}

/* ---- file I/O ----------------------------------------------------------- */

/* Read or write [skip, skip + n) of @iov at file offset @off, vectored. */
static int file_io(int fd, bool write, uint64_t off, const struct iovec *iov, int iovcnt,
                   uint64_t skip, uint64_t n)
{
    struct iovec one, *part = iovcnt == 1 ? &one : malloc(sizeof(*part) * (size_t)iovcnt);
    if (!part)
        return -ENOMEM;
    int cnt = disk_iov_slice(iov, iovcnt, skip, n, part);
    int r = write ? disk_pwritev_full(fd, part, cnt, off) : disk_preadv_full(fd, part, cnt, off);
    if (part != &one)
        free(part);
    return r;
}

/* The file now reaches at least @end. */
static void note_file_end(struct vhdx *v, uint64_t end)
{
    uint64_t cur = __atomic_load_n(&v->file_size, __ATOMIC_ACQUIRE);
    while (cur < end && !__atomic_compare_exchange_n(&v->file_size, &cur, end, true,
                                                     __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
        ;
}

/* A read of data the BAT places in the file: -EIO past its end (the file
 * was cut short; our own blocks always lie inside it). */
static int read_stored(struct disk *d, struct vhdx *v, uint64_t off, const struct iovec *iov,
                       int iovcnt, uint64_t skip, uint64_t n)
{
    if (off + n > __atomic_load_n(&v->file_size, __ATOMIC_ACQUIRE))
        return -EIO;
    return file_io(d->fd, false, off, iov, iovcnt, skip, n);
}

/* ---- reads -------------------------------------------------------------- */

/* Read the bits of the sector bitmap for logical sectors [first, first + n)
 * of chunk @chunk into a new array (one byte per sector). */
static int read_bitmap(struct disk *d, struct vhdx *v, uint64_t chunk, uint64_t first, uint64_t n,
                       uint8_t **out)
{
    uint64_t e = bat_get(v, vhdx_bitmap_index(v, chunk));
    if (VHDX_BAT_STATE(e) != VHDX_SB_PRESENT)
        return -EIO; /* a partially present block without its bitmap */
    uint64_t b0 = first / 8, b1 = (first + n - 1) / 8;
    uint8_t *raw = malloc(b1 - b0 + 1), *bits = malloc(n);
    int r = raw && bits ? 0 : -ENOMEM;
    if (r == 0)
        r = disk_pread_full(d->fd, raw, b1 - b0 + 1, VHDX_BAT_OFFSET(e) + b0);
    if (r == 0)
        for (uint64_t i = 0; i < n; i++) {
            uint64_t s = first + i;
            bits[i] = (raw[s / 8 - b0] >> (s % 8)) & 1;
        }
    free(raw);
    if (r < 0) {
        free(bits);
        return r;
    }
    *out = bits;
    return 0;
}

/* Logical sector (within its chunk) of byte @in of block @blk. */
static uint64_t chunk_sector(const struct vhdx *v, uint64_t blk, uint64_t in)
{
    return ((blk % v->chunk_ratio) * v->block_size + in) / v->lss;
}

static int read_partial(struct disk *d, struct vhdx *v, uint64_t blk, uint64_t in, uint64_t n,
                        uint64_t block_off, const struct iovec *iov, int iovcnt, uint64_t skip)
{
    uint64_t s0 = chunk_sector(v, blk, in), s1 = chunk_sector(v, blk, in + n - 1);
    uint8_t *bits;
    int r = read_bitmap(d, v, blk / v->chunk_ratio, s0, s1 - s0 + 1, &bits);
    if (r < 0)
        return r;
    /* Runs of sectors that are here or in the parent. */
    for (uint64_t p = 0; p < n && r == 0;) {
        uint8_t here = bits[chunk_sector(v, blk, in + p) - s0];
        uint64_t q = p;
        while (q < n && bits[chunk_sector(v, blk, in + q) - s0] == here)
            q = (in + q) / v->lss * v->lss + v->lss - in; /* next sector boundary */
        if (q > n)
            q = n;
        if (here) {
            r = read_stored(d, v, block_off + in + p, iov, iovcnt, skip + p, q - p);
        } else {
            r = disk_read_below(d, (uint64_t)blk * v->block_size + in + p, q - p, iov, iovcnt,
                                skip + p);
        }
        p = q;
    }
    free(bits);
    return r;
}

/* The guest's buffers of a read or write. */
struct vec {
    const struct iovec *iov;
    int iovcnt;
};

static int read_block(struct disk *d, struct vhdx *v, uint64_t blk, uint64_t in, uint64_t n,
                      uint64_t skip, void *arg)
{
    const struct iovec *iov = ((const struct vec *)arg)->iov;
    int iovcnt = ((const struct vec *)arg)->iovcnt;
    uint64_t e = bat_get(v, vhdx_payload_index(v, blk));

    switch (VHDX_BAT_STATE(e)) {
    case VHDX_PAYLOAD_FULLY_PRESENT:
        return read_stored(d, v, VHDX_BAT_OFFSET(e) + in, iov, iovcnt, skip, n);
    case VHDX_PAYLOAD_PARTIALLY_PRESENT:
        return read_partial(d, v, blk, in, n, VHDX_BAT_OFFSET(e), iov, iovcnt, skip);
    case VHDX_PAYLOAD_NOT_PRESENT:
    case VHDX_PAYLOAD_UNDEFINED:
        if (d->parent)
            return disk_read_below(d, blk * v->block_size + in, n, iov, iovcnt, skip);
        /* fall through */
    default: /* ZERO, UNMAPPED */
        disk_iov_zero(iov, iovcnt, skip, n);
        return 0;
    }
}

/* Called for [in, in + n) of block @blk, which is [done, done + n) of the request. */
typedef int (*block_fn)(struct disk *d, struct vhdx *v, uint64_t blk, uint64_t in, uint64_t n,
                        uint64_t done, void *arg);

/* Split [offset, offset + len) at block boundaries (the one place that
 * does).  @fn returning nonzero stops the walk: a negative errno is
 * returned, a positive value means done early (0). */
static int for_blocks(struct disk *d, uint64_t offset, uint64_t len, block_fn fn, void *arg)
{
    struct vhdx *v = d->priv;

    for (uint64_t done = 0; done < len;) {
        uint64_t pos = offset + done, blk = pos / v->block_size, in = pos % v->block_size;
        uint64_t n = v->block_size - in < len - done ? v->block_size - in : len - done;
        int r = fn(d, v, blk, in, n, done, arg);
        if (r)
            return r < 0 ? r : 0;
        done += n;
    }
    return 0;
}

static int vhdx_readv(struct disk *d, uint64_t offset, const struct iovec *iov, int iovcnt)
{
    struct vec io = {iov, iovcnt};
    return for_blocks(d, offset, disk_iov_length(iov, iovcnt), read_block, &io);
}

/* ---- writes ------------------------------------------------------------- */

/* Before the first change of the guest's data: new FileWriteGuid and
 * DataWriteGuid (children of this image must notice). */
int vhdx_renew_write_guids(struct disk *d, struct vhdx *v)
{
    if (__atomic_load_n(&v->write_guids_done, __ATOMIC_ACQUIRE))
        return 0;
    pthread_mutex_lock(&v->lock);
    int r = 0;
    if (!v->write_guids_done) {
        vhdx_random_guid(&v->hdr.file_write_guid);
        vhdx_random_guid(&v->hdr.data_write_guid);
        r = vhdx_update_headers(d, v);
        if (r == 0)
            __atomic_store_n(&v->write_guids_done, true, __ATOMIC_RELEASE);
    }
    pthread_mutex_unlock(&v->lock);
    return r;
}

static int set_bat(struct disk *d, struct vhdx *v, uint64_t idx, uint64_t e)
{
    uint8_t b[8];
    vhdx_put64(b, e);
    int r = disk_pwrite_full(d->fd, b, 8, v->bat_offset + idx * 8);
    if (r == 0)
        __atomic_store_n(&v->bat[idx], e, __ATOMIC_RELEASE);
    return r;
}

/* Under v->lock: extend the file to at least @end bytes (new space reads as zeros). */
static int extend_to(struct disk *d, struct vhdx *v, uint64_t end)
{
    struct stat st;
    if (fstat(d->fd, &st) < 0)
        return -errno;
    if ((uint64_t)st.st_size < end && ftruncate(d->fd, (off_t)end) < 0)
        return -errno;
    note_file_end(v, end);
    return 0;
}

/* A partially present block becomes fully present: the sectors that are
 * still the parent's are copied in, except those the caller is about to
 * write ([in, in + n)). */
static int fill_partial(struct disk *d, struct vhdx *v, uint64_t blk, uint64_t block_off,
                        uint64_t in, uint64_t n)
{
    uint64_t len = v->block_size, s0 = chunk_sector(v, blk, 0);
    uint8_t *bits, *buf = malloc(v->lss);
    int r = buf ? read_bitmap(d, v, blk / v->chunk_ratio, s0, len / v->lss, &bits) : -ENOMEM;
    if (r < 0) {
        free(buf);
        return r;
    }
    for (uint64_t s = 0; s < len / v->lss && r == 0; s++) {
        uint64_t at = s * v->lss;
        if (bits[s] || (at >= in && at + v->lss <= in + n))
            continue;
        struct iovec io = {buf, v->lss};
        r = disk_read_below(d, blk * v->block_size + at, v->lss, &io, 1, 0);
        if (r == 0)
            r = disk_pwrite_full(d->fd, buf, v->lss, block_off + at);
    }
    free(bits);
    free(buf);
    return r;
}

/* Under v->lock: give block @blk a place in the file holding its current
 * contents merged with the caller's [in, in + n), durable, then the BAT. */
static int allocate_block(struct disk *d, struct vhdx *v, uint64_t blk, uint64_t in, uint64_t n,
                          const struct iovec *iov, int iovcnt, uint64_t skip, uint64_t e)
{
    uint64_t idx = vhdx_payload_index(v, blk), off;
    unsigned state = VHDX_BAT_STATE(e);
    int r;

    if (state == VHDX_PAYLOAD_PARTIALLY_PRESENT) {
        off = VHDX_BAT_OFFSET(e);
        r = fill_partial(d, v, blk, off, in, n);
        if (r == 0)
            r = file_io(d->fd, true, off + in, iov, iovcnt, skip, n);
    } else {
        off = v->alloc_end;
        r = extend_to(d, v, off + v->block_size);
        if (r < 0)
            return r;
        v->alloc_end += v->block_size;
        bool from_parent =
            d->parent && (state == VHDX_PAYLOAD_NOT_PRESENT || state == VHDX_PAYLOAD_UNDEFINED);
        if (from_parent && (in || n < v->block_size)) {
            /* The parent's data around the write comes along; beyond the
             * disk's end the block stays zero. */
            uint64_t start = blk * v->block_size;
            uint64_t len = d->size - start < v->block_size ? d->size - start : v->block_size;
            uint8_t *buf = malloc(len);
            if (!buf)
                return -ENOMEM;
            struct iovec io = {buf, len};
            r = disk_read_below(d, start, len, &io, 1, 0);
            if (r == 0)
                disk_iov_to_buf(iov, iovcnt, skip, buf + in, n);
            if (r == 0)
                r = disk_pwrite_full(d->fd, buf, len, off);
            free(buf);
        } else {
            r = file_io(d->fd, true, off + in, iov, iovcnt, skip, n);
        }
    }
    /* The data is durable before the BAT entry that makes it visible. */
    if (r == 0 && fdatasync(d->fd) < 0)
        r = -errno;
    if (r == 0)
        r = set_bat(d, v, idx, VHDX_BAT_ENTRY(off, VHDX_PAYLOAD_FULLY_PRESENT));
    return r;
}

static int write_block(struct disk *d, struct vhdx *v, uint64_t blk, uint64_t in, uint64_t n,
                       uint64_t skip, void *arg)
{
    const struct iovec *iov = ((const struct vec *)arg)->iov;
    int iovcnt = ((const struct vec *)arg)->iovcnt;
    uint64_t idx = vhdx_payload_index(v, blk), e = bat_get(v, idx);
    int r = 0;

    if (VHDX_BAT_STATE(e) != VHDX_PAYLOAD_FULLY_PRESENT) {
        pthread_mutex_lock(&v->lock);
        e = bat_get(v, idx); /* another thread may have allocated it meanwhile */
        if (VHDX_BAT_STATE(e) != VHDX_PAYLOAD_FULLY_PRESENT)
            r = allocate_block(d, v, blk, in, n, iov, iovcnt, skip, e);
        else
            r = 1;
        pthread_mutex_unlock(&v->lock);
        if (r <= 0)
            return r;
    }
    r = file_io(d->fd, true, VHDX_BAT_OFFSET(e) + in, iov, iovcnt, skip, n);
    if (r == 0)
        note_file_end(v, VHDX_BAT_OFFSET(e) + in + n);
    return r;
}

static int vhdx_writev(struct disk *d, uint64_t offset, const struct iovec *iov, int iovcnt)
{
    int r = vhdx_renew_write_guids(d, d->priv);
    if (r < 0)
        return r;
    struct vec io = {iov, iovcnt};
    return for_blocks(d, offset, disk_iov_length(iov, iovcnt), write_block, &io);
}

static int vhdx_flush(struct disk *d)
{
    return fsync(d->fd) < 0 ? -errno : 0;
}

/* Discard: the present blocks' bytes are punched out of the file (they
 * read back as zeros, the BAT is untouched, so no metadata changes and no
 * crash window); blocks not present already read as zeros or the parent. */
static int discard_block(struct disk *d, struct vhdx *v, uint64_t blk, uint64_t in, uint64_t n,
                         uint64_t done, void *arg)
{
    (void)done, (void)arg;
    uint64_t e = bat_get(v, vhdx_payload_index(v, blk));
    if (VHDX_BAT_STATE(e) != VHDX_PAYLOAD_FULLY_PRESENT)
        return 0;
    if (fallocate(d->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                  (off_t)(VHDX_BAT_OFFSET(e) + in), (off_t)n) < 0)
        return errno == EOPNOTSUPP ? 0 : -errno;
    return 0;
}

static int vhdx_discard(struct disk *d, uint64_t offset, uint64_t len)
{
    if (d->type == DISK_TYPE_FIXED)
        return -EOPNOTSUPP;
    int r = vhdx_renew_write_guids(d, d->priv);
    if (r < 0)
        return r;
    return for_blocks(d, offset, len, discard_block, NULL);
}

struct status {
    int answer; /* -1 until the first block */
    uint64_t run;
};

/* Stored here: present blocks, and with a parent also ZERO and UNMAPPED
 * ones, which read as zeros instead of the parent's data (compact must
 * keep them).  Without a parent those read as zeros and are not stored. */
static int status_block(struct disk *d, struct vhdx *v, uint64_t blk, uint64_t in, uint64_t n,
                        uint64_t done, void *arg)
{
    struct status *s = arg;
    (void)in;
    unsigned st = VHDX_BAT_STATE(bat_get(v, vhdx_payload_index(v, blk)));
    int here = st == VHDX_PAYLOAD_FULLY_PRESENT || st == VHDX_PAYLOAD_PARTIALLY_PRESENT ||
               (d->parent && (st == VHDX_PAYLOAD_ZERO || st == VHDX_PAYLOAD_UNMAPPED));
    if (s->answer >= 0 && here != s->answer)
        return 1;
    s->answer = here;
    s->run = done + n;
    return 0;
}

static int vhdx_block_status(struct disk *d, uint64_t offset, uint64_t len, uint64_t *run)
{
    struct status s = {.answer = -1};
    for_blocks(d, offset, len, status_block, &s);
    *run = s.run;
    return s.answer;
}

/* ---- open / close --------------------------------------------------------- */

static void vhdx_free(struct vhdx *v)
{
    if (!v)
        return;
    vhdx_locator_free(&v->loc);
    free(v->bat);
    pthread_mutex_destroy(&v->lock);
    free(v);
}

/* Whether [off, off + len) may hold a block: past the first MiB, not in the
 * log nor in any region. */
static bool block_place_ok(const struct vhdx *v, uint64_t off, uint64_t len)
{
    if (off < VHDX_MiB || off > UINT64_MAX - len)
        return false;
    if (v->hdr.log_length && off < v->hdr.log_offset + v->hdr.log_length &&
        v->hdr.log_offset < off + len)
        return false;
    for (uint32_t i = 0; i < v->nregions; i++)
        if (off < v->regions[i].offset + v->regions[i].length && v->regions[i].offset < off + len)
            return false;
    return true;
}

static int load_bat(struct disk *d, struct vhdx *v, uint64_t file_size, char *err, size_t errlen)
{
    vhdx_geometry(v);
    if (v->bat_entries * 8 > v->bat_length) {
        disk_seterr(err, errlen, "%s: the VHDX BAT region is too small for the disk", d->path);
        return -EINVAL;
    }
    v->bat = malloc(v->bat_entries ? v->bat_entries * 8 : 1);
    if (!v->bat)
        return -ENOMEM;
    int r = disk_pread_full(d->fd, v->bat, v->bat_entries * 8, v->bat_offset);
    if (r < 0) {
        disk_seterr(err, errlen, "%s: cannot read the VHDX BAT", d->path);
        return r;
    }
    bool diff = v->param_flags & VHDX_PARAM_HAS_PARENT;
    v->file_size = file_size;
    v->alloc_end = vhdx_align_up(file_size, VHDX_MiB);
    for (uint64_t i = 0; i < v->bat_entries; i++) {
        uint64_t e = vhdx_le64((uint8_t *)&v->bat[i]);
        v->bat[i] = e;
        unsigned st = VHDX_BAT_STATE(e);
        bool bitmap = (i + 1) % (v->chunk_ratio + 1) == 0;
        uint64_t len = bitmap ? VHDX_MiB : v->block_size;
        bool ok = bitmap ? st == VHDX_SB_NOT_PRESENT || (st == VHDX_SB_PRESENT && diff)
                         : st <= VHDX_PAYLOAD_UNMAPPED || st == VHDX_PAYLOAD_FULLY_PRESENT ||
                               (st == VHDX_PAYLOAD_PARTIALLY_PRESENT && diff);
        bool present = bitmap ? st == VHDX_SB_PRESENT : st >= VHDX_PAYLOAD_FULLY_PRESENT;
        if (ok && present)
            ok = block_place_ok(v, VHDX_BAT_OFFSET(e), len);
        if (!ok) {
            disk_seterr(err, errlen, "%s: bad VHDX BAT entry %llu (%#llx)", d->path,
                        (unsigned long long)i, (unsigned long long)e);
            return -EINVAL;
        }
        /* New blocks go after everything the BAT points at, even past EOF. */
        if (present && VHDX_BAT_OFFSET(e) + len > v->alloc_end)
            v->alloc_end = VHDX_BAT_OFFSET(e) + len;
    }
    return 0;
}

/* Open the parent (relative_path against our directory, then absolute_win32_path)
 * and check it is the image we were made from (DataWriteGuid = parent_linkage). */
static int open_parent(struct disk *d, struct vhdx *v, char *err, size_t errlen)
{
    char *rel = NULL, *abs = NULL;
    int r = -ENOMEM;

    if (v->loc.relative_path) {
        char *dir = strdup(d->path);
        if (!dir)
            goto out;
        const char *dn = dirname(dir);
        size_t len = strlen(dn) + strlen(v->loc.relative_path) + 2;
        rel = malloc(len);
        if (rel) {
            snprintf(rel, len, "%s/%s", dn, v->loc.relative_path);
            for (char *p = rel; *p; p++)
                if (*p == '\\')
                    *p = '/';
        }
        free(dir);
        if (!rel)
            goto out;
    }
    if (v->loc.absolute_win32_path) {
        abs = strdup(v->loc.absolute_win32_path);
        if (!abs)
            goto out;
        for (char *p = abs; *p; p++)
            if (*p == '\\')
                *p = '/';
    }
    if (!rel && !abs) {
        disk_seterr(err, errlen, "%s: the VHDX parent locator has no usable path", d->path);
        r = -ENOENT;
        goto out;
    }
    const char *const cand[2] = {rel, abs};
    r = disk_open_parent(d, cand, 2, err, errlen);
    if (r < 0)
        goto out;
    struct vhdx_guid want;
    const struct vhdx *pv = d->parent->drv == &disk_driver_vhdx ? d->parent->priv : NULL;
    if (!pv) {
        disk_seterr(err, errlen, "%s: the parent %s is not a VHDX image", d->path, d->parent->path);
        r = -EINVAL;
    } else if (!vhdx_guid_parse(v->loc.parent_linkage, &want)) {
        disk_seterr(err, errlen, "%s: bad parent_linkage \"%s\"", d->path, v->loc.parent_linkage);
        r = -EINVAL;
    } else if (!vhdx_guid_eq(&want, &pv->hdr.data_write_guid)) {
        disk_seterr(err, errlen, "%s: the parent %s has changed since this image was made", d->path,
                    d->parent->path);
        r = -EINVAL;
    } else if (pv->lss != v->lss) {
        disk_seterr(err, errlen, "%s: the parent %s has another logical sector size", d->path,
                    d->parent->path);
        r = -EINVAL;
    }
out:
    free(rel);
    free(abs);
    return r;
}

static int vhdx_open(struct disk *d, char *err, size_t errlen)
{
    struct vhdx *v = calloc(1, sizeof(*v));
    struct stat st;
    int r;

    if (!v)
        return -ENOMEM;
    pthread_mutex_init(&v->lock, NULL);
    if (fstat(d->fd, &st) < 0) {
        r = -errno;
        disk_seterr(err, errlen, "%s: %s", d->path, strerror(-r));
        goto fail;
    }
    uint64_t size = (uint64_t)st.st_size;
    r = vhdx_read_headers(d, v, size, err, errlen);
    if (r == 0)
        r = vhdx_log_replay(d, v, size, err, errlen);
    if (r == 0 && fstat(d->fd, &st) < 0)
        r = -errno;
    size = (uint64_t)st.st_size;
    if (r == 0)
        r = vhdx_read_regions(d, v, size, err, errlen);
    if (r == 0)
        r = vhdx_read_metadata(d, v, err, errlen);
    if (r == 0)
        r = load_bat(d, v, size, err, errlen);
    if (r < 0)
        goto fail;
    d->priv = v;
    d->format = DISK_FORMAT_VHDX;
    d->size = v->vsize;
    d->logical_sector_size = v->lss;
    d->physical_sector_size = v->pss;
    if (v->param_flags & VHDX_PARAM_HAS_PARENT) {
        d->type = DISK_TYPE_DIFFERENCING;
        r = open_parent(d, v, err, errlen);
        if (r < 0) {
            d->priv = NULL;
            goto fail;
        }
    } else {
        d->type = v->param_flags & VHDX_PARAM_LEAVE_ALLOCATED ? DISK_TYPE_FIXED : DISK_TYPE_DYNAMIC;
    }
    d->block_size = d->type == DISK_TYPE_FIXED ? 0 : v->block_size;
    return 0;
fail:
    vhdx_free(v);
    return r;
}

static int vhdx_close(struct disk *d)
{
    int r = 0;
    if (!d->read_only && fsync(d->fd) < 0)
        r = -errno;
    vhdx_free(d->priv);
    d->priv = NULL;
    return r;
}

const struct disk_driver disk_driver_vhdx = {
    .format = DISK_FORMAT_VHDX,
    .probe = vhdx_probe,
    .open = vhdx_open,
    .close = vhdx_close,
    .readv = vhdx_readv,
    .writev = vhdx_writev,
    .flush = vhdx_flush,
    .discard = vhdx_discard,
    .block_status = vhdx_block_status,
    .create = vhdx_create,
    .resize = vhdx_resize,
};
