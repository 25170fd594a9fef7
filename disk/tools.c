// SPDX-License-Identifier: GPL-2.0-only
/*
 * The operations behind "hvctl disk": create, convert, compact, expand.
 * They work on whole images through the public API and the drivers'
 * create/resize, and never leave a half-made file behind.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "disk_internal.h"
#include "vhd.h"

#define MIB             (1ull << 20)
#define COPY_CHUNK      (2u << 20) /* what convert and compact move at a time */
#define VHDX_BLOCK_SIZE (32u << 20)

static const struct disk_driver *driver_for(enum disk_format f)
{
    switch (f) {
    case DISK_FORMAT_RAW:
        return &disk_driver_raw;
    case DISK_FORMAT_VHD:
        return &disk_driver_vhd;
    case DISK_FORMAT_VHDX:
        return &disk_driver_vhdx;
    case DISK_FORMAT_NONE:
        break;
    }
    return NULL;
}

/*
 * Complete @p for @path into @q: format from the name, type from the parent,
 * the parent's absolute path and size, default block and sector sizes.
 * @parent_abs holds the parent's path.
 */
static int resolve_params(const char *path, const struct disk_create_params *p,
                          struct disk_create_params *q, char *parent_abs, char *err, size_t errlen)
{
    *q = *p;
    if (q->format == DISK_FORMAT_NONE)
        q->format = disk_format_from_path(path);
    if (!driver_for(q->format)) {
        disk_seterr(err, errlen, "%s: unknown format", path);
        return -EINVAL;
    }
    /* disk_open goes by the name: an image named otherwise would not open as made. */
    if (q->format != disk_format_from_path(path)) {
        disk_seterr(err, errlen, "%s: a %s image must be named %s", path,
                    disk_format_name(q->format),
                    q->format == DISK_FORMAT_VHD    ? ".vhd"
                    : q->format == DISK_FORMAT_VHDX ? ".vhdx"
                                                    : "other than .vhd or .vhdx");
        return -EINVAL;
    }
    if (q->type == DISK_TYPE_NONE)
        q->type = q->parent                      ? DISK_TYPE_DIFFERENCING
                  : q->format == DISK_FORMAT_RAW ? DISK_TYPE_FIXED
                                                 : DISK_TYPE_DYNAMIC;
    if (q->format == DISK_FORMAT_RAW && q->type != DISK_TYPE_FIXED) {
        disk_seterr(err, errlen, "%s: a raw image is always fixed, not %s", path,
                    disk_type_name(q->type));
        return -EINVAL;
    }
    if ((q->type == DISK_TYPE_DIFFERENCING) != (q->parent != NULL)) {
        disk_seterr(err, errlen, "%s: %s", path,
                    q->parent ? "only a differencing image has a parent"
                              : "a differencing image needs a parent");
        return -EINVAL;
    }
    if (q->parent) {
        struct disk *parent;
        int r;

        if (!realpath(q->parent, parent_abs)) {
            r = -errno;
            disk_seterr(err, errlen, "%s: parent %s: %s", path, q->parent, strerror(-r));
            return r;
        }
        r = disk_open(parent_abs, DISK_OPEN_READ_ONLY, &parent, err, errlen);
        if (r < 0)
            return r;
        if (q->size == 0)
            q->size = parent->size;
        disk_close(parent);
        q->parent = parent_abs;
    }
    if (q->block_size == 0 && q->type != DISK_TYPE_FIXED)
        q->block_size = q->format == DISK_FORMAT_VHDX ? VHDX_BLOCK_SIZE : VHD_DEFAULT_BLOCK;
    if (q->logical_sector_size == 0)
        q->logical_sector_size = DISK_SECTOR_SIZE;
    if (q->logical_sector_size != 512 && q->logical_sector_size != 4096) {
        disk_seterr(err, errlen, "%s: logical sector size %u is not 512 or 4096", path,
                    q->logical_sector_size);
        return -EINVAL;
    }
    if (q->size == 0 || q->size % DISK_SECTOR_SIZE) {
        disk_seterr(err, errlen, "%s: size %llu is not a positive multiple of 512 bytes", path,
                    (unsigned long long)q->size);
        return -EINVAL;
    }
    return 0;
}

/* Make the file and let the driver fill it; on any error the file is gone. */
static int create_resolved(const char *path, const struct disk_create_params *q, char *err,
                           size_t errlen)
{
    const struct disk_driver *drv = driver_for(q->format);
    int fd, r;

    fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0) {
        r = -errno;
        if (r == -EEXIST)
            disk_seterr(err, errlen, "%s already exists", path);
        else
            disk_seterr(err, errlen, "%s: %s", path, strerror(-r));
        return r;
    }
    r = drv->create(fd, path, q, err, errlen);
    if (r == 0 && fsync(fd) < 0) {
        r = -errno;
        disk_seterr(err, errlen, "%s: %s", path, strerror(-r));
    }
    close(fd);
    if (r < 0)
        unlink(path);
    return r;
}

int disk_create(const char *path, const struct disk_create_params *p, char *err, size_t errlen)
{
    struct disk_create_params q;
    char *parent_abs = malloc(PATH_MAX);
    int r;

    if (!parent_abs) {
        disk_seterr(err, errlen, "%s: out of memory", path);
        return -ENOMEM;
    }
    if (p->parent == NULL && (p->size == 0 || p->size % MIB)) {
        disk_seterr(err, errlen, "%s: size %llu is not a positive multiple of 1 MiB", path,
                    (unsigned long long)p->size);
        r = -EINVAL;
    } else if (p->parent && p->size % MIB) {
        disk_seterr(err, errlen, "%s: size %llu is not a multiple of 1 MiB", path,
                    (unsigned long long)p->size);
        r = -EINVAL;
    } else {
        r = resolve_params(path, p, &q, parent_abs, err, errlen);
        if (r == 0)
            r = create_resolved(path, &q, err, errlen);
    }
    free(parent_abs);
    return r;
}

static void report(disk_progress_fn progress, void *opaque, uint64_t done, uint64_t total)
{
    if (progress)
        progress(opaque, done, total);
}

static int read_chunk(struct disk *d, uint64_t offset, void *buf, size_t len)
{
    struct iovec iov = {.iov_base = buf, .iov_len = len};

    return disk_readv(d, offset, &iov, 1);
}

static int write_chunk(struct disk *d, uint64_t offset, void *buf, size_t len)
{
    struct iovec iov = {.iov_base = buf, .iov_len = len};

    return disk_writev(d, offset, &iov, 1);
}

int disk_convert(const char *src, const char *dst, const struct disk_create_params *p,
                 disk_progress_fn progress, void *opaque, char *err, size_t errlen)
{
    struct disk_create_params q = *p;
    struct disk *in = NULL, *out = NULL;
    uint8_t *buf = NULL;
    char parent_abs[1] = "";
    int r;

    if (p->type == DISK_TYPE_DIFFERENCING) {
        disk_seterr(err, errlen, "%s: a converted image is whole: it cannot be differencing", dst);
        return -EINVAL;
    }
    r = disk_open(src, DISK_OPEN_READ_ONLY, &in, err, errlen);
    if (r < 0)
        return r;
    q.size = in->size;
    q.parent = NULL;
    r = resolve_params(dst, &q, &q, parent_abs, err, errlen);
    if (r == 0)
        r = create_resolved(dst, &q, err, errlen);
    if (r < 0) {
        disk_close(in);
        return r;
    }
    r = disk_open(dst, 0, &out, err, errlen);
    buf = malloc(COPY_CHUNK);
    if (r == 0 && !buf) {
        disk_seterr(err, errlen, "%s: out of memory", dst);
        r = -ENOMEM;
    }
    /* A new image reads as zeros everywhere, so zero chunks need not be written: dynamic
     * output keeps them unallocated, raw output keeps them sparse. */
    for (uint64_t at = 0; r == 0 && at < in->size; at += COPY_CHUNK) {
        size_t n = in->size - at < COPY_CHUNK ? (size_t)(in->size - at) : COPY_CHUNK;

        r = read_chunk(in, at, buf, n);
        if (r < 0) {
            disk_seterr(err, errlen, "%s: read error at %llu: %s", src, (unsigned long long)at,
                        strerror(-r));
            break;
        }
        if (!disk_buf_is_zero(buf, n)) {
            r = write_chunk(out, at, buf, n);
            if (r < 0)
                disk_seterr(err, errlen, "%s: write error at %llu: %s", dst, (unsigned long long)at,
                            strerror(-r));
        }
        report(progress, opaque, at + n, in->size);
    }
    free(buf);
    if (out) {
        int c = disk_close(out); /* fsyncs */

        if (r == 0 && c < 0) {
            r = c;
            disk_seterr(err, errlen, "%s: %s", dst, strerror(-r));
        }
    }
    disk_close(in);
    if (r < 0)
        unlink(dst);
    return r;
}

/*
 * Copy what @d stores itself into @out, leaving out zeros: in a dynamic image
 * every zero region, in a differencing one only where the parent reads as
 * zeros too (elsewhere the zeros hide the parent's data).
 */
static int copy_stored(struct disk *d, struct disk *out, disk_progress_fn progress, void *opaque,
                       char *err, size_t errlen)
{
    uint8_t *buf = malloc(COPY_CHUNK), *below = malloc(COPY_CHUNK);
    uint32_t unit = d->block_size ? d->block_size : COPY_CHUNK;
    int r = 0;

    if (unit > COPY_CHUNK)
        unit = COPY_CHUNK;
    if (!buf || !below) {
        disk_seterr(err, errlen, "%s: out of memory", d->path);
        r = -ENOMEM;
    }
    for (uint64_t at = 0; r == 0 && at < d->size;) {
        uint64_t run, n = d->size - at < unit ? d->size - at : unit;
        int stored = disk_block_status(d, at, n, &run);

        if (stored < 0) {
            r = stored;
            disk_seterr(err, errlen, "%s: bad block at %llu", d->path, (unsigned long long)at);
            break;
        }
        if (stored) {
            r = read_chunk(d, at, buf, run);
            bool keep = r == 0 && !disk_buf_is_zero(buf, run);

            if (r == 0 && !keep && d->parent) {
                /* The parent may be smaller than the child: past its end, zeros. */
                struct iovec iov = {.iov_base = below, .iov_len = run};

                r = disk_read_below(d, at, run, &iov, 1, 0);
                keep = r == 0 && !disk_buf_is_zero(below, run);
            }
            if (r == 0 && keep)
                r = write_chunk(out, at, buf, run);
            if (r < 0)
                disk_seterr(err, errlen, "%s: copy error at %llu: %s", d->path,
                            (unsigned long long)at, strerror(-r));
        }
        at += run;
        report(progress, opaque, at, d->size);
    }
    free(buf);
    free(below);
    return r;
}

int disk_compact(const char *path, disk_progress_fn progress, void *opaque, char *err,
                 size_t errlen)
{
    struct disk *d, *out = NULL;
    struct disk_create_params q = {0};
    char *tmp = NULL, *parent_abs = NULL;
    struct stat st;
    int fd, r;

    /* Writable, so locked exclusively: nobody else has the image open. */
    r = disk_open(path, 0, &d, err, errlen);
    if (r < 0)
        return r;
    if (d->type != DISK_TYPE_DYNAMIC && d->type != DISK_TYPE_DIFFERENCING) {
        disk_seterr(err, errlen, "%s: a %s %s image has nothing to compact", path,
                    disk_format_name(d->format), disk_type_name(d->type));
        disk_close(d);
        return -EOPNOTSUPP;
    }
    const char *ext = d->format == DISK_FORMAT_VHDX ? ".vhdx" : ".vhd";

    tmp = malloc(strlen(path) + 32);
    parent_abs = malloc(PATH_MAX);
    if (!tmp || !parent_abs) {
        disk_seterr(err, errlen, "%s: out of memory", path);
        r = -ENOMEM;
        goto out;
    }
    /* Beside the image, so the rename is atomic and relative parent paths still hold;
     * named like it, since disk_open goes by the name. */
    sprintf(tmp, "%s.compact-XXXXXX%s", path, ext);
    fd = mkostemps(tmp, (int)strlen(ext), O_CLOEXEC);
    if (fd < 0) {
        r = -errno;
        disk_seterr(err, errlen, "%s: cannot make a temporary file: %s", path, strerror(-r));
        free(tmp);
        tmp = NULL;
        goto out;
    }
    if (fstat(d->fd, &st) == 0)
        fchmod(fd, st.st_mode & 07777);
    q.format = d->format;
    q.type = d->type;
    q.size = d->size;
    /* A new differencing VHD has its parent's size: one expanded since grows after. */
    if (d->format == DISK_FORMAT_VHD && d->parent && d->parent->size < d->size)
        q.size = d->parent->size;
    q.block_size = d->block_size;
    q.logical_sector_size = d->logical_sector_size;
    if (d->parent) {
        if (!realpath(d->parent->path, parent_abs)) {
            r = -errno;
            disk_seterr(err, errlen, "%s: parent %s: %s", path, d->parent->path, strerror(-r));
            close(fd);
            goto out;
        }
        q.parent = parent_abs;
    }
    r = d->drv->create(fd, tmp, &q, err, errlen);
    if (r == 0 && fsync(fd) < 0)
        r = -errno;
    close(fd);
    if (r == 0)
        r = disk_open(tmp, 0, &out, err, errlen);
    if (r == 0 && out->size < d->size) {
        if (out->drv->resize) {
            r = out->drv->resize(out, d->size, err, errlen);
        } else {
            disk_seterr(err, errlen, "%s: cannot grow the copy", path);
            r = -EOPNOTSUPP;
        }
    }
    if (r == 0 && d->format == DISK_FORMAT_VHD)
        r = vhd_keep_identity(out, d, err, errlen);
    if (r == 0)
        r = copy_stored(d, out, progress, opaque, err, errlen);
    if (out) {
        int c = disk_close(out);

        if (r == 0)
            r = c;
        out = NULL;
    }
    if (r == 0 && rename(tmp, path) < 0) {
        r = -errno;
        disk_seterr(err, errlen, "%s: cannot replace the image: %s", path, strerror(-r));
    }
out:
    if (r < 0 && tmp)
        unlink(tmp);
    free(tmp);
    free(parent_abs);
    disk_close(d);
    return r;
}

int disk_expand(const char *path, uint64_t new_size, char *err, size_t errlen)
{
    struct disk *d;
    int r;

    if (new_size == 0 || new_size % MIB) {
        disk_seterr(err, errlen, "%s: new size %llu is not a positive multiple of 1 MiB", path,
                    (unsigned long long)new_size);
        return -EINVAL;
    }
    r = disk_open(path, 0, &d, err, errlen);
    if (r < 0)
        return r;
    if (new_size <= d->size) {
        disk_seterr(err, errlen, "%s: new size %llu is not larger than the disk (%llu bytes)", path,
                    (unsigned long long)new_size, (unsigned long long)d->size);
        r = -EINVAL;
    } else if (!d->drv->resize) {
        disk_seterr(err, errlen, "%s: cannot expand a %s %s image", path,
                    disk_format_name(d->format), disk_type_name(d->type));
        r = -EOPNOTSUPP;
    } else {
        r = d->drv->resize(d, new_size, err, errlen);
    }
    int c = disk_close(d);

    return r < 0 ? r : c;
}
