// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VHDX log (MS-VHDX 2.3): a circular buffer of entries, each a header
 * ("loge"), descriptors ("desc": one 4 KiB sector to write, "zero": a range
 * to zero) and data sectors ("data"), checksummed with CRC-32C over the
 * whole entry.  An entry belongs to the log of the header's LogGuid; the
 * active sequence is the run of entries with consecutive sequence numbers
 * whose last (the head) has the highest sequence number of all runs and
 * whose Tail field points at the run's first entry.  Replaying it writes
 * every descriptor in order; writing the same entries again is harmless, so
 * a crash during replay is repaired by the next open.
 *
 * We write the log only for changes that must be atomic and touch more
 * than one sector (resize: region tables and the virtual size), one entry
 * per change at the start of the log; see vhdx.c for why BAT updates do not
 * need it.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crc32c.h"
#include "vhdx_format.h"

#define ENTRY_HDR   64u
#define DESC_SIZE   32u
#define MAX_ADDRESS (1ull << 48) /* nothing legitimate lies beyond 256 TiB */

struct slot {
    bool valid;
    uint32_t len, tail;
    uint64_t seq, flushed, last;
};

struct log {
    const uint8_t *buf; /* the whole log region */
    uint32_t length;
    const struct vhdx_guid *guid;
    /* room[i]: how many sectors from slot i on hold no other entry header of
     * this log (circularly; all of them if there is none). */
    const uint32_t *room;
};

/* Sector @k of the entry starting at @off, in the circular buffer. */
static const uint8_t *entry_sector(const struct log *l, uint32_t off, uint64_t k)
{
    return l->buf + (off + k * VHDX_LOG_SECTOR) % l->length;
}

/* The entry of @len bytes at @off, unrolled from the circular buffer into @out. */
static void linearize(const struct log *l, uint32_t off, uint32_t len, uint8_t *out)
{
    uint32_t first = l->length - off < len ? l->length - off : len;
    memcpy(out, l->buf + off, first);
    memcpy(out + first, l->buf, len - first);
}

static uint64_t desc_sectors(uint64_t count)
{
    return (ENTRY_HDR + DESC_SIZE * count + VHDX_LOG_SECTOR - 1) / VHDX_LOG_SECTOR;
}

static bool is_header(const struct log *l, const uint8_t *h)
{
    return memcmp(h, "loge", 4) == 0 && memcmp(h + 32, l->guid->b, 16) == 0;
}

/* Whether the entry starting at @off is valid for this log: header fields,
 * signatures and sequence numbers of every descriptor and data sector, then
 * the checksum over the whole entry.  An entry may not span another entry
 * header of this log (no writer puts one inside its own entry), so the
 * entries whose descriptors and checksum get read never overlap and a
 * crafted log costs one pass over it, not one per sector. */
static bool entry_check(const struct log *l, uint32_t off, struct slot *s)
{
    const uint8_t *h = l->buf + off;

    if (!is_header(l, h))
        return false;
    s->len = vhdx_le32(h + 8);
    s->tail = vhdx_le32(h + 12);
    s->seq = vhdx_le64(h + 16);
    uint64_t count = vhdx_le32(h + 24);
    s->flushed = vhdx_le64(h + 48);
    s->last = vhdx_le64(h + 56);
    if (s->len == 0 || s->len % VHDX_LOG_SECTOR || s->len > l->length ||
        s->tail % VHDX_LOG_SECTOR || s->tail >= l->length || s->seq == 0)
        return false;
    uint64_t sectors = s->len / VHDX_LOG_SECTOR, ds = desc_sectors(count);
    if (sectors > l->room[off / VHDX_LOG_SECTOR] || ds > sectors)
        return false;
    uint64_t data = 0;
    for (uint64_t i = 0; i < count; i++) {
        uint64_t at = ENTRY_HDR + DESC_SIZE * i; /* a descriptor never straddles a sector */
        const uint8_t *dsc = entry_sector(l, off, at / VHDX_LOG_SECTOR) + at % VHDX_LOG_SECTOR;
        if (vhdx_le64(dsc + 24) != s->seq)
            return false;
        if (memcmp(dsc, "desc", 4) == 0) {
            if (ds + data >= sectors)
                return false;
            const uint8_t *sec = entry_sector(l, off, ds + data);
            if (memcmp(sec, "data", 4) != 0 || vhdx_le32(sec + 4) != (uint32_t)(s->seq >> 32) ||
                vhdx_le32(sec + 4092) != (uint32_t)s->seq)
                return false;
            data++;
        } else if (memcmp(dsc, "zero", 4) != 0) {
            return false;
        }
    }
    /* The checksum, with its own field taken as zero, in place. */
    static const uint8_t zero[4];
    uint32_t first = l->length - off < s->len ? l->length - off : s->len;
    uint32_t crc = crc32c_update(0, h, 4);
    crc = crc32c_update(crc, zero, 4);
    crc = crc32c_update(crc, h + 8, first - 8);
    crc = crc32c_update(crc, l->buf, s->len - first);
    return crc == vhdx_le32(h + 4);
}

/* Fill @room (see struct log) for the @nslots sectors of @l. */
static void compute_room(const struct log *l, uint32_t nslots, uint32_t *room)
{
    uint64_t next = UINT64_MAX; /* the nearest header slot after k, counted twice around */

    for (uint64_t k = 2ull * nslots; k-- > 0;) {
        uint32_t i = (uint32_t)(k % nslots);
        room[i] = next == UINT64_MAX || next - k > nslots ? nslots : (uint32_t)(next - k);
        if (is_header(l, l->buf + (uint64_t)i * VHDX_LOG_SECTOR))
            next = k;
    }
}

/* Where the descriptors of a valid entry (linear in @e) write, checked
 * before anything is written: 4 KiB aligned, from the first region table
 * (192 KiB) on, so never the file identifier or the headers; not into the
 * log itself; below 256 TiB, at most 256 MiB zeroed by one descriptor.
 * Anything else is accepted: the region tables, metadata and BAT a log is
 * for, but also payload blocks or space past them (the region a log moves
 * a BAT to is only known once the region table it writes is applied). */
static bool entry_targets_ok(const struct vhdx *v, const uint8_t *e)
{
    uint64_t count = vhdx_le32(e + 24);

    for (uint64_t i = 0; i < count; i++) {
        const uint8_t *dsc = e + ENTRY_HDR + DESC_SIZE * i;
        bool zero = memcmp(dsc, "zero", 4) == 0;
        uint64_t off = vhdx_le64(dsc + 16);
        uint64_t len = zero ? vhdx_le64(dsc + 8) : VHDX_LOG_SECTOR;
        if (off % VHDX_LOG_SECTOR || len % VHDX_LOG_SECTOR || len > VHDX_MAX_BLOCK ||
            off < VHDX_REGION1_OFFSET || off > MAX_ADDRESS || len > MAX_ADDRESS - off)
            return false;
        if (off < v->hdr.log_offset + v->hdr.log_length && v->hdr.log_offset < off + len)
            return false;
    }
    return true;
}

static int write_zeros(int fd, uint64_t off, uint64_t len)
{
    static const uint8_t zeros[64 * 1024];

    while (len) {
        size_t n = len < sizeof(zeros) ? (size_t)len : sizeof(zeros);
        int r = disk_pwrite_full(fd, zeros, n, off);
        if (r < 0)
            return r;
        off += n, len -= n;
    }
    return 0;
}

static int entry_apply(int fd, const uint8_t *e)
{
    uint64_t count = vhdx_le32(e + 24), ds = desc_sectors(count), data = 0;
    uint8_t sec[VHDX_LOG_SECTOR];

    for (uint64_t i = 0; i < count; i++) {
        const uint8_t *dsc = e + ENTRY_HDR + DESC_SIZE * i;
        uint64_t off = vhdx_le64(dsc + 16);
        int r;
        if (memcmp(dsc, "zero", 4) == 0) {
            r = write_zeros(fd, off, vhdx_le64(dsc + 8));
        } else {
            const uint8_t *src = e + (ds + data++) * VHDX_LOG_SECTOR;
            memcpy(sec, dsc + 8, 8);        /* LeadingBytes */
            memcpy(sec + 8, src + 8, 4084); /* the data sector's payload */
            memcpy(sec + 4092, dsc + 4, 4); /* TrailingBytes */
            r = disk_pwrite_full(fd, sec, sizeof(sec), off);
        }
        if (r < 0)
            return r;
    }
    return 0;
}

/* Find the active sequence: its first entry's offset in *@tail_slot and
 * its head in *@head_slot.  false if the log holds none. */
static bool find_active(const struct slot *s, uint32_t nslots, const struct log *l,
                        uint32_t *tail_slot, uint32_t *head_slot)
{
    uint32_t *head = malloc(sizeof(*head) * nslots), *path = malloc(sizeof(*path) * nslots);
    bool found = false;
    uint64_t best = 0;

    if (!head || !path)
        goto out;
    for (uint32_t i = 0; i < nslots; i++)
        head[i] = UINT32_MAX;
    /* head[i]: the last entry of the run of consecutive sequence numbers
     * starting at i; each slot's is computed once (sequence numbers grow
     * along a run, so a run cannot loop). */
    for (uint32_t i = 0; i < nslots; i++) {
        if (!s[i].valid || head[i] != UINT32_MAX)
            continue;
        uint32_t n = 0, cur = i, h;
        path[n++] = cur;
        for (;;) {
            uint32_t nx = (uint32_t)(((uint64_t)cur * VHDX_LOG_SECTOR + s[cur].len) % l->length /
                                     VHDX_LOG_SECTOR);
            if (!s[nx].valid || s[cur].seq == UINT64_MAX || s[nx].seq != s[cur].seq + 1 ||
                n >= nslots) {
                h = cur;
                break;
            }
            if (head[nx] != UINT32_MAX) {
                h = head[nx];
                break;
            }
            path[n++] = cur = nx;
        }
        while (n)
            head[path[--n]] = h;
    }
    for (uint32_t i = 0; i < nslots; i++) {
        if (!s[i].valid || s[head[i]].tail != (uint64_t)i * VHDX_LOG_SECTOR)
            continue;
        if (!found || s[head[i]].seq > best) {
            found = true;
            best = s[head[i]].seq;
            *tail_slot = i;
            *head_slot = head[i];
        }
    }
out:
    free(head);
    free(path);
    return found;
}

int vhdx_log_replay(struct disk *d, struct vhdx *v, uint64_t file_size, char *err, size_t errlen)
{
    uint8_t *buf = NULL, *scratch = NULL;
    uint32_t *room = NULL;
    struct slot *s = NULL;
    int r = 0;

    if (vhdx_guid_is_zero(&v->hdr.log_guid))
        return 0;
    uint32_t length = v->hdr.log_length;
    if (length > VHDX_LOG_MAX_LENGTH) {
        disk_seterr(err, errlen,
                    "%s: the VHDX log must be replayed but is %u MiB (we replay logs of at most "
                    "%u MiB)",
                    d->path, length >> 20, VHDX_LOG_MAX_LENGTH >> 20);
        return -ENOTSUP;
    }
    uint32_t nslots = length / VHDX_LOG_SECTOR;
    buf = malloc(length);
    room = malloc(sizeof(*room) * nslots);
    s = calloc(nslots, sizeof(*s));
    if (!buf || !room || !s) {
        r = -ENOMEM;
        goto out;
    }
    r = disk_pread_full(d->fd, buf, length, v->hdr.log_offset);
    if (r < 0) {
        disk_seterr(err, errlen, "%s: cannot read the VHDX log", d->path);
        goto out;
    }
    struct log l = {.buf = buf, .length = length, .guid = &v->hdr.log_guid, .room = room};
    compute_room(&l, nslots, room);
    /* No entry header lies inside a valid entry: go on after it. */
    for (uint32_t i = 0; i < nslots; i += s[i].valid ? s[i].len / VHDX_LOG_SECTOR : 1)
        s[i].valid = entry_check(&l, i * VHDX_LOG_SECTOR, &s[i]);

    uint32_t tail = 0, head = 0; /* set by find_active() when it finds a sequence */
    if (!find_active(s, nslots, &l, &tail, &head)) {
        /* LogGuid set but no valid sequence: the log is empty (nothing was
         * committed), as the spec and QEMU treat it. */
        if (!d->read_only) {
            memset(&v->hdr.log_guid, 0, sizeof(v->hdr.log_guid));
            r = vhdx_update_headers(d, v);
            if (r < 0)
                disk_seterr(err, errlen, "%s: cannot update the VHDX header: %s", d->path,
                            strerror(-r));
        }
        goto out;
    }
    if (d->read_only) {
        disk_seterr(err, errlen,
                    "%s: the VHDX log must be replayed (the image was not closed cleanly); "
                    "open it writable once",
                    d->path);
        r = -EROFS;
        goto out;
    }
    if (s[head].flushed > file_size) {
        disk_seterr(err, errlen, "%s: the VHDX file is shorter than its log says (truncated?)",
                    d->path);
        r = -EINVAL;
        goto out;
    }
    scratch = malloc(length);
    if (!scratch) {
        r = -ENOMEM;
        goto out;
    }
    /* Check every entry's targets, then write: nothing half-applied on refusal. */
    for (int pass = 0; pass < 2; pass++) {
        uint32_t cur = tail;
        for (;;) {
            linearize(&l, cur * VHDX_LOG_SECTOR, s[cur].len, scratch);
            if (pass == 0 && !entry_targets_ok(v, scratch)) {
                disk_seterr(
                    err, errlen,
                    "%s: a VHDX log entry writes into the headers or the log, or out of bounds",
                    d->path);
                r = -EINVAL;
                goto out;
            }
            if (pass == 1 && (r = entry_apply(d->fd, scratch)) < 0) {
                disk_seterr(err, errlen, "%s: cannot replay the VHDX log: %s", d->path,
                            strerror(-r));
                goto out;
            }
            if (cur == head)
                break;
            cur = (uint32_t)(((uint64_t)cur * VHDX_LOG_SECTOR + s[cur].len) % length /
                             VHDX_LOG_SECTOR);
        }
    }
    struct stat st;
    if (fstat(d->fd, &st) < 0) {
        r = -errno;
        goto out;
    }
    if ((uint64_t)st.st_size < s[head].last && s[head].last <= MAX_ADDRESS &&
        ftruncate(d->fd, (off_t)s[head].last) < 0) {
        r = -errno;
        goto out;
    }
    if (fsync(d->fd) < 0) {
        r = -errno;
        goto out;
    }
    memset(&v->hdr.log_guid, 0, sizeof(v->hdr.log_guid));
    r = vhdx_update_headers(d, v);
    if (r < 0)
        disk_seterr(err, errlen, "%s: cannot update the VHDX header: %s", d->path, strerror(-r));
out:
    free(buf);
    free(scratch);
    free(room);
    free(s);
    return r;
}

int vhdx_log_write(struct disk *d, struct vhdx *v, const struct vhdx_log_sector *sec, size_t n,
                   uint64_t new_file_size)
{
    uint64_t ds = desc_sectors(n), len = (ds + n) * VHDX_LOG_SECTOR;
    struct stat st;
    int r;

    if (len > v->hdr.log_length)
        return -ENOSPC;
    if (fstat(d->fd, &st) < 0)
        return -errno;
    uint8_t *e = calloc(1, len);
    if (!e)
        return -ENOMEM;

    struct vhdx_guid guid;
    vhdx_random_guid(&guid);
    const uint64_t seq = 1; /* a fresh LogGuid per entry: no older entry can be taken for ours */
    memcpy(e, "loge", 4);
    vhdx_put32(e + 8, (uint32_t)len);
    vhdx_put32(e + 12, 0); /* tail: this entry, at the start of the log */
    vhdx_put64(e + 16, seq);
    vhdx_put32(e + 24, (uint32_t)n);
    memcpy(e + 32, guid.b, 16);
    vhdx_put64(e + 48, (uint64_t)st.st_size);
    vhdx_put64(e + 56, new_file_size > (uint64_t)st.st_size ? new_file_size : (uint64_t)st.st_size);
    for (size_t i = 0; i < n; i++) {
        uint8_t *dsc = e + ENTRY_HDR + DESC_SIZE * i, *ds_sec = e + (ds + i) * VHDX_LOG_SECTOR;
        memcpy(dsc, "desc", 4);
        memcpy(dsc + 4, sec[i].data + 4092, 4);
        memcpy(dsc + 8, sec[i].data, 8);
        vhdx_put64(dsc + 16, sec[i].offset);
        vhdx_put64(dsc + 24, seq);
        memcpy(ds_sec, "data", 4);
        vhdx_put32(ds_sec + 4, (uint32_t)(seq >> 32));
        memcpy(ds_sec + 8, sec[i].data + 8, 4084);
        vhdx_put32(ds_sec + 4092, (uint32_t)seq);
    }
    vhdx_put32(e + 4, crc32c(e, len));

    /* The entry is durable before the header points at it; the header
     * (LogGuid) is durable before the first in-place write. */
    r = disk_pwrite_full(d->fd, e, len, v->hdr.log_offset);
    if (r == 0 && fdatasync(d->fd) < 0)
        r = -errno;
    free(e);
    if (r < 0)
        return r;
    v->hdr.log_guid = guid;
    r = vhdx_update_headers(d, v);
    if (r < 0)
        return r;
    if (new_file_size > (uint64_t)st.st_size && ftruncate(d->fd, (off_t)new_file_size) < 0)
        return -errno;
    for (size_t i = 0; i < n; i++) {
        r = disk_pwrite_full(d->fd, sec[i].data, VHDX_LOG_SECTOR, sec[i].offset);
        if (r < 0)
            return r;
    }
    if (fsync(d->fd) < 0)
        return -errno;
    memset(&v->hdr.log_guid, 0, sizeof(v->hdr.log_guid));
    return vhdx_update_headers(d, v);
}
