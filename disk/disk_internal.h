/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Inside the disk library: what a format (raw.c, vhd.c, vhdx.c) implements
 * and what disk.c does for all of them (the format from the name, checked
 * against the content; locking; the parent chain; the checks on every I/O
 * call).
 */
#ifndef DISK_INTERNAL_H
#define DISK_INTERNAL_H

#include <disk/disk.h>

struct disk_driver;

struct disk {
    const struct disk_driver *drv;
    int fd;
    bool read_only;
    enum disk_format format;
    enum disk_type type;
    uint64_t size;                 /* virtual bytes */
    uint32_t block_size;           /* 0 for fixed */
    uint32_t logical_sector_size;  /* 512 or 4096 */
    uint32_t physical_sector_size; /* 512 or 4096 */
    char path[DISK_PATH_MAX];
    struct disk *parent; /* differencing: opened read-only by the driver's open */
    void *priv;          /* the driver's state */
};

/* How many bytes at the start and the end of a file the probe sees. */
#define DISK_PROBE_HEAD 4096u
#define DISK_PROBE_TAIL 512u

struct disk_driver {
    enum disk_format format;
    /* Whether a file named for this format (.vhd, .vhdx) holds it: @head is
     * its first min(DISK_PROBE_HEAD, size) bytes, @tail its last min(512,
     * size).  NULL for raw, which takes any content (see disk.h). */
    bool (*probe)(const uint8_t *head, size_t head_len, const uint8_t *tail, size_t tail_len,
                  uint64_t file_size);
    /* d->fd, d->path and d->read_only are set: read the metadata, check it
     * all (the file is hostile too), replay a log, open the parent with
     * disk_open_parent(), fill format/type/size/sector sizes and priv.
     * 0, or a negative errno and @err. */
    int (*open)(struct disk *d, char *err, size_t errlen);
    /* Write back and free priv (the fd and the parent are disk.c's); NULL: nothing to do. */
    int (*close)(struct disk *d);
    /* Checked by disk.c: aligned to 512, inside the disk, not read-only for writes. */
    int (*readv)(struct disk *d, uint64_t offset, const struct iovec *iov, int iovcnt);
    int (*writev)(struct disk *d, uint64_t offset, const struct iovec *iov, int iovcnt);
    int (*flush)(struct disk *d);
    int (*discard)(struct disk *d, uint64_t offset, uint64_t len); /* NULL: -EOPNOTSUPP */
    int (*block_status)(struct disk *d, uint64_t offset, uint64_t len, uint64_t *run);
    /* Write a new image into the empty file @fd (@path for relative parent
     * paths); the parameters are complete (format, type, size, sector and
     * block sizes resolved; p->parent absolute).  0, or a negative errno
     * and @err. */
    int (*create)(int fd, const char *path, const struct disk_create_params *p, char *err,
                  size_t errlen);
    /* Grow an open, writable disk to @new_size (NULL: not possible). */
    int (*resize)(struct disk *d, uint64_t new_size, char *err, size_t errlen);
};

extern const struct disk_driver disk_driver_raw;
extern const struct disk_driver disk_driver_vhd;
extern const struct disk_driver disk_driver_vhdx;

/*
 * For a driver's open: open the parent of @child read-only.  @candidates
 * are the paths the image stores (absolute, relative to the child's
 * directory...), tried in order; NULL entries are skipped.  Sets
 * child->parent.  0, or a negative errno and @err.
 */
int disk_open_parent(struct disk *child, const char *const *candidates, size_t count, char *err,
                     size_t errlen);

/* For a driver's readv: read [offset, offset + len) of the parent into the
 * part of @iov starting @skip bytes in, or zeros without a parent. */
int disk_read_below(struct disk *d, uint64_t offset, uint64_t len, const struct iovec *iov,
                    int iovcnt, uint64_t skip);

/* pread/pwrite that finish the whole length or fail (-EIO at end of file). */
int disk_pread_full(int fd, void *buf, size_t len, uint64_t offset);
int disk_pwrite_full(int fd, const void *buf, size_t len, uint64_t offset);

/* printf into @err (which may be NULL). */
void disk_seterr(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- iovec helpers (io.c) -------------------------------------------------------------- */

/* The total length of @iov, or UINT64_MAX if it overflows. */
uint64_t disk_iov_length(const struct iovec *iov, int iovcnt);
/* Fill [skip, skip + len) of @iov with zeros. */
void disk_iov_zero(const struct iovec *iov, int iovcnt, uint64_t skip, uint64_t len);
/* Describe [skip, skip + len) of @iov in @out (room for @iovcnt entries); the count. */
int disk_iov_slice(const struct iovec *iov, int iovcnt, uint64_t skip, uint64_t len,
                   struct iovec *out);
/* Copy between a flat buffer and [skip, skip + len) of @iov. */
void disk_iov_to_buf(const struct iovec *iov, int iovcnt, uint64_t skip, void *buf, size_t len);
void disk_iov_from_buf(const struct iovec *iov, int iovcnt, uint64_t skip, const void *buf,
                       size_t len);
/* Whether [skip, skip + len) of @iov holds only zero bytes. */
bool disk_iov_is_zero(const struct iovec *iov, int iovcnt, uint64_t skip, uint64_t len);
/* preadv/pwritev of the whole vector at @offset, looping over short transfers and EINTR;
 * preadv_full reads zeros past the end of the file (-EIO only for pwritev_full's 0). */
int disk_preadv_full(int fd, const struct iovec *iov, int iovcnt, uint64_t offset);
int disk_pwritev_full(int fd, const struct iovec *iov, int iovcnt, uint64_t offset);
/* Whether @buf holds only zero bytes. */
bool disk_buf_is_zero(const void *buf, size_t len);

#endif
