// SPDX-License-Identifier: GPL-2.0-only
/*
 * The public disk API: opening an image (the format its name says, checked
 * against its content; lock; the driver's open; the parent chain), the checks every I/O call gets
 * before it reaches a driver, and the small helpers the drivers share.  No locks here: the hot path
 * is a few comparisons and one indirect call.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "disk_internal.h"

/* Deeper parent chains than this are refused (a loop, or a mistake). */
#define DISK_CHAIN_MAX 16

/*
 * The images being opened on this thread, child first: a parent that is
 * already in the list makes the chain loop.  Opening is recursive
 * (disk_open -> driver open -> disk_open_parent), so the list is the stack.
 */
struct open_frame {
    dev_t dev;
    ino_t ino;
};
static _Thread_local struct open_frame open_chain[DISK_CHAIN_MAX + 1];
static _Thread_local unsigned open_depth;

void disk_seterr(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    if (!err || errlen == 0)
        return;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/*
 * The driver for the image @path: its name decides (see disk.h).  A raw
 * name opens raw whatever the file holds; a .vhd or .vhdx name must hold
 * that format's signature.  NULL with @err set otherwise.
 */
static const struct disk_driver *name_driver(const char *path, int fd, uint64_t file_size, int *rp,
                                             char *err, size_t errlen)
{
    uint8_t head[DISK_PROBE_HEAD], tail[DISK_PROBE_TAIL];
    size_t head_len = file_size < sizeof(head) ? (size_t)file_size : sizeof(head);
    size_t tail_len = file_size < sizeof(tail) ? (size_t)file_size : sizeof(tail);
    const struct disk_driver *drv;
    int r;

    switch (disk_format_from_path(path)) {
    case DISK_FORMAT_VHD:
        drv = &disk_driver_vhd;
        break;
    case DISK_FORMAT_VHDX:
        drv = &disk_driver_vhdx;
        break;
    default:
        return &disk_driver_raw;
    }
    r = disk_pread_full(fd, head, head_len, 0);
    if (r == 0)
        r = disk_pread_full(fd, tail, tail_len, file_size - tail_len);
    if (r < 0) {
        disk_seterr(err, errlen, "%s: cannot read the image: %s", path, strerror(-r));
        *rp = r;
        return NULL;
    }
    if (!drv->probe(head, head_len, tail, tail_len, file_size)) {
        disk_seterr(err, errlen, "%s: named .%s but holds no %s", path,
                    drv == &disk_driver_vhd ? "vhd" : "vhdx",
                    drv == &disk_driver_vhd ? "VHD footer" : "VHDX signature");
        *rp = -EINVAL;
        return NULL;
    }
    return drv;
}

/* Lock @fd for @d: exclusively when writable, shared otherwise. */
static int lock_image(struct disk *d, char *err, size_t errlen)
{
    int op = (d->read_only ? LOCK_SH : LOCK_EX) | LOCK_NB;

    while (flock(d->fd, op) < 0) {
        if (errno == EINTR)
            continue;
        if (errno == EWOULDBLOCK) {
            disk_seterr(err, errlen, "%s is in use", d->path);
            return -EBUSY;
        }
        int r = -errno;

        disk_seterr(err, errlen, "%s: cannot lock: %s", d->path, strerror(-r));
        return r;
    }
    return 0;
}

static void free_disk(struct disk *d)
{
    if (d->parent)
        disk_close(d->parent);
    if (d->fd >= 0)
        close(d->fd); /* drops the flock too */
    free(d);
}

static int open_image(const char *path, bool read_only, struct disk **out, char *err, size_t errlen)
{
    struct disk *d;
    struct stat st;
    int r;

    if (strlen(path) >= DISK_PATH_MAX) {
        disk_seterr(err, errlen, "%s: path too long", path);
        return -ENAMETOOLONG;
    }
    d = calloc(1, sizeof(*d));
    if (!d) {
        disk_seterr(err, errlen, "%s: out of memory", path);
        return -ENOMEM;
    }
    strcpy(d->path, path);
    d->read_only = read_only;
    d->fd = open(path, (read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC);
    if (d->fd < 0) {
        r = -errno;
        disk_seterr(err, errlen, "%s: %s", path, strerror(-r));
        free(d);
        return r;
    }
    if (fstat(d->fd, &st) < 0) {
        r = -errno;
        disk_seterr(err, errlen, "%s: %s", path, strerror(-r));
        goto fail;
    }
    /* The drivers size images by st_size, which is 0 for a block device. */
    if (S_ISBLK(st.st_mode)) {
        disk_seterr(err, errlen, "%s is a block device: only image files are supported", path);
        r = -EINVAL;
        goto fail;
    }
    if (!S_ISREG(st.st_mode)) {
        disk_seterr(err, errlen, "%s is not a regular file: only image files are supported", path);
        r = -EINVAL;
        goto fail;
    }
    for (unsigned i = 0; i < open_depth; i++) {
        if (open_chain[i].dev == st.st_dev && open_chain[i].ino == st.st_ino) {
            disk_seterr(err, errlen, "%s: the parent chain loops back to this image", path);
            r = -ELOOP;
            goto fail;
        }
    }
    if (open_depth > DISK_CHAIN_MAX) {
        disk_seterr(err, errlen, "%s: the parent chain is deeper than %d images", path,
                    DISK_CHAIN_MAX);
        r = -ELOOP;
        goto fail;
    }
    r = lock_image(d, err, errlen);
    if (r < 0)
        goto fail;
    d->drv = name_driver(path, d->fd, (uint64_t)st.st_size, &r, err, errlen);
    if (!d->drv)
        goto fail;
    d->format = d->drv->format;
    d->logical_sector_size = DISK_SECTOR_SIZE;
    d->physical_sector_size = DISK_SECTOR_SIZE;

    open_chain[open_depth].dev = st.st_dev;
    open_chain[open_depth].ino = st.st_ino;
    open_depth++;
    r = d->drv->open(d, err, errlen);
    open_depth--;
    if (r < 0)
        goto fail;
    *out = d;
    return 0;

fail:
    free_disk(d);
    return r;
}

int disk_open(const char *path, unsigned flags, struct disk **out, char *err, size_t errlen)
{
    *out = NULL;
    return open_image(path, (flags & DISK_OPEN_READ_ONLY) != 0, out, err, errlen);
}

int disk_close(struct disk *d)
{
    int r = 0;

    if (!d)
        return 0;
    if (d->drv && d->drv->close)
        r = d->drv->close(d);
    if (r == 0 && !d->read_only && fsync(d->fd) < 0)
        r = -errno;
    free_disk(d);
    return r;
}

int disk_open_parent(struct disk *child, const char *const *candidates, size_t count, char *err,
                     size_t errlen)
{
    const char *first = NULL;

    for (size_t i = 0; i < count; i++) {
        struct stat st;

        if (!candidates[i] || !candidates[i][0])
            continue;
        if (!first)
            first = candidates[i];
        if (stat(candidates[i], &st) < 0)
            continue; /* not there: the next way the image names its parent */
        return open_image(candidates[i], true, &child->parent, err, errlen);
    }
    disk_seterr(err, errlen, "%s: parent image %s not found", child->path,
                first ? first : "(no path stored)");
    return -ENOENT;
}

int disk_read_below(struct disk *d, uint64_t offset, uint64_t len, const struct iovec *iov,
                    int iovcnt, uint64_t skip)
{
    struct disk *parent = d->parent;
    uint64_t inside = 0;
    int r = 0;

    if (parent && offset < parent->size) {
        struct iovec small[16], *slice = small;
        int n;

        inside = parent->size - offset < len ? parent->size - offset : len;
        if (iovcnt > 16) {
            slice = malloc(sizeof(*slice) * (size_t)iovcnt);
            if (!slice)
                return -ENOMEM;
        }
        n = disk_iov_slice(iov, iovcnt, skip, inside, slice);
        r = parent->drv->readv(parent, offset, slice, n);
        if (slice != small)
            free(slice);
    }
    /* No parent, or a parent smaller than its child: the rest was never written. */
    if (r == 0 && inside < len)
        disk_iov_zero(iov, iovcnt, skip + inside, len - inside);
    return r;
}

void disk_get_info(const struct disk *d, struct disk_info *info)
{
    struct stat st;

    memset(info, 0, sizeof(*info));
    info->format = d->format;
    info->type = d->type;
    info->virtual_size = d->size;
    if (fstat(d->fd, &st) == 0) {
        info->file_size = (uint64_t)st.st_size;
        info->allocated_size = (uint64_t)st.st_blocks * 512;
    }
    info->block_size = d->block_size;
    info->logical_sector_size = d->logical_sector_size;
    info->physical_sector_size = d->physical_sector_size;
    info->read_only = d->read_only;
    snprintf(info->path, sizeof(info->path), "%s", d->path);
    if (d->parent)
        snprintf(info->parent, sizeof(info->parent), "%s", d->parent->path);
}

const struct disk *disk_parent(const struct disk *d)
{
    return d->parent;
}

uint64_t disk_size(const struct disk *d)
{
    return d->size;
}

bool disk_read_only(const struct disk *d)
{
    return d->read_only;
}

bool disk_can_discard(const struct disk *d)
{
    /* A fixed VHD or VHDX keeps every block by definition: only raw files
     * (hole punching) and dynamic or differencing images give space back. */
    return d->drv->discard != NULL && !d->read_only &&
           (d->format == DISK_FORMAT_RAW || d->type != DISK_TYPE_FIXED);
}

/* Aligned to a sector and inside the disk, without overflowing. */
static bool range_ok(const struct disk *d, uint64_t offset, uint64_t len)
{
    return offset % DISK_SECTOR_SIZE == 0 && len % DISK_SECTOR_SIZE == 0 && offset <= d->size &&
           len <= d->size - offset;
}

static int check_vector(const struct disk *d, uint64_t offset, const struct iovec *iov, int iovcnt)
{
    if (iovcnt < 0 || (iovcnt > 0 && !iov))
        return -EINVAL;
    return range_ok(d, offset, disk_iov_length(iov, iovcnt)) ? 0 : -EINVAL;
}

int disk_readv(struct disk *d, uint64_t offset, const struct iovec *iov, int iovcnt)
{
    int r = check_vector(d, offset, iov, iovcnt);

    if (r < 0 || iovcnt == 0)
        return r;
    return d->drv->readv(d, offset, iov, iovcnt);
}

int disk_writev(struct disk *d, uint64_t offset, const struct iovec *iov, int iovcnt)
{
    int r;

    if (d->read_only)
        return -EROFS;
    r = check_vector(d, offset, iov, iovcnt);
    if (r < 0 || iovcnt == 0)
        return r;
    return d->drv->writev(d, offset, iov, iovcnt);
}

int disk_flush(struct disk *d)
{
    if (d->read_only)
        return 0;
    return d->drv->flush(d);
}

int disk_discard(struct disk *d, uint64_t offset, uint64_t len)
{
    if (d->read_only)
        return -EROFS;
    if (!range_ok(d, offset, len))
        return -EINVAL;
    if (!disk_can_discard(d))
        return -EOPNOTSUPP;
    if (len == 0)
        return 0;
    return d->drv->discard(d, offset, len);
}

int disk_block_status(struct disk *d, uint64_t offset, uint64_t len, uint64_t *run)
{
    if (!range_ok(d, offset, len) || len == 0)
        return -EINVAL;
    if (!d->drv->block_status) {
        *run = len;
        return 1;
    }
    return d->drv->block_status(d, offset, len, run);
}

enum disk_format disk_format_from_path(const char *path)
{
    const char *dot = strrchr(path, '.');
    const char *slash = strrchr(path, '/');

    if (!dot || (slash && dot < slash))
        return DISK_FORMAT_RAW;
    if (strcasecmp(dot, ".vhd") == 0)
        return DISK_FORMAT_VHD;
    if (strcasecmp(dot, ".vhdx") == 0)
        return DISK_FORMAT_VHDX;
    return DISK_FORMAT_RAW;
}

const char *disk_format_name(enum disk_format f)
{
    switch (f) {
    case DISK_FORMAT_RAW:
        return "raw";
    case DISK_FORMAT_VHD:
        return "VHD";
    case DISK_FORMAT_VHDX:
        return "VHDX";
    case DISK_FORMAT_NONE:
        break;
    }
    return "none";
}

const char *disk_type_name(enum disk_type t)
{
    switch (t) {
    case DISK_TYPE_FIXED:
        return "fixed";
    case DISK_TYPE_DYNAMIC:
        return "dynamic";
    case DISK_TYPE_DIFFERENCING:
        return "differencing";
    case DISK_TYPE_NONE:
        break;
    }
    return "none";
}
