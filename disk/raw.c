// SPDX-License-Identifier: GPL-2.0-only
/*
 * Raw images: the file is the disk, byte for byte.  Always "fixed"; a file
 * whose length is not a whole number of sectors shows the whole sectors
 * only.  Space comes back with hole punching where the file system can.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "disk_internal.h"

static int raw_open(struct disk *d, char *err, size_t errlen)
{
    struct stat st;

    if (fstat(d->fd, &st) < 0) {
        int r = -errno;

        disk_seterr(err, errlen, "%s: cannot stat", d->path);
        return r;
    }
    d->type = DISK_TYPE_FIXED;
    d->size = (uint64_t)st.st_size / DISK_SECTOR_SIZE * DISK_SECTOR_SIZE;
    d->block_size = 0;
    return 0;
}

static int raw_readv(struct disk *d, uint64_t offset, const struct iovec *iov, int iovcnt)
{
    return disk_preadv_full(d->fd, iov, iovcnt, offset);
}

static int raw_writev(struct disk *d, uint64_t offset, const struct iovec *iov, int iovcnt)
{
    return disk_pwritev_full(d->fd, iov, iovcnt, offset);
}

static int raw_flush(struct disk *d)
{
    return fdatasync(d->fd) < 0 ? -errno : 0;
}

static int raw_discard(struct disk *d, uint64_t offset, uint64_t len)
{
    if (fallocate(d->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)offset, (off_t)len) <
        0) {
        if (errno == EOPNOTSUPP || errno == ENOSYS)
            return -EOPNOTSUPP;
        return -errno;
    }
    return 0;
}

static int raw_create(int fd, const char *path, const struct disk_create_params *p, char *err,
                      size_t errlen)
{
    /* Sparse: the file system hands out blocks as the guest writes. */
    if (ftruncate(fd, (off_t)p->size) < 0) {
        int r = -errno;

        disk_seterr(err, errlen, "%s: cannot size the file", path);
        return r;
    }
    return 0;
}

static int raw_resize(struct disk *d, uint64_t new_size, char *err, size_t errlen)
{
    if (ftruncate(d->fd, (off_t)new_size) < 0) {
        int r = -errno;

        disk_seterr(err, errlen, "%s: cannot grow the file", d->path);
        return r;
    }
    d->size = new_size;
    return 0;
}

const struct disk_driver disk_driver_raw = {
    .format = DISK_FORMAT_RAW,
    .probe = NULL, /* whatever the file holds: raw is chosen by name */
    .open = raw_open,
    .close = NULL, /* nothing of its own to write back or free */
    .readv = raw_readv,
    .writev = raw_writev,
    .flush = raw_flush,
    .discard = raw_discard,
    .block_status = NULL, /* allocated everywhere */
    .create = raw_create,
    .resize = raw_resize,
};
