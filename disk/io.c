// SPDX-License-Identifier: GPL-2.0-only
/*
 * File I/O that finishes what it starts, and the iovec arithmetic the
 * formats need to split a guest request at block boundaries: pread and
 * pwrite may return short (signals, the end of the file), and a guest's
 * vector may be cut anywhere inside one of its entries.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "disk_internal.h"

/* How many iovecs one preadv/pwritev gets: well under IOV_MAX. */
#define IOV_WINDOW 64

int disk_pread_full(int fd, void *buf, size_t len, uint64_t offset)
{
    uint8_t *p = buf;

    while (len > 0) {
        ssize_t n = pread(fd, p, len, (off_t)offset);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        if (n == 0)
            return -EIO; /* the file ends before the data it should hold */
        p += n;
        len -= (size_t)n;
        offset += (uint64_t)n;
    }
    return 0;
}

uint64_t disk_iov_length(const struct iovec *iov, int iovcnt)
{
    uint64_t total = 0;

    for (int i = 0; i < iovcnt; i++) {
        if (iov[i].iov_len > UINT64_MAX - total)
            return UINT64_MAX;
        total += iov[i].iov_len;
    }
    return total;
}

/* Walk [skip, skip + len) of @iov piece by piece. */
struct iov_cursor {
    const struct iovec *iov;
    int iovcnt;
    int index;
    size_t within;
};

static void cursor_init(struct iov_cursor *c, const struct iovec *iov, int iovcnt, uint64_t skip)
{
    c->iov = iov;
    c->iovcnt = iovcnt;
    c->index = 0;
    while (c->index < iovcnt && skip >= iov[c->index].iov_len) {
        skip -= iov[c->index].iov_len;
        c->index++;
    }
    c->within = (size_t)skip;
}

/* The next piece of at most @max bytes; its length (0 at the end). */
static size_t cursor_next(struct iov_cursor *c, uint64_t max, uint8_t **base)
{
    while (c->index < c->iovcnt && c->within == c->iov[c->index].iov_len) {
        c->index++;
        c->within = 0;
    }
    if (c->index >= c->iovcnt || max == 0)
        return 0;
    size_t n = c->iov[c->index].iov_len - c->within;

    if (n > max)
        n = (size_t)max;
    *base = (uint8_t *)c->iov[c->index].iov_base + c->within;
    c->within += n;
    return n;
}

void disk_iov_zero(const struct iovec *iov, int iovcnt, uint64_t skip, uint64_t len)
{
    struct iov_cursor c;
    uint8_t *base;
    size_t n;

    cursor_init(&c, iov, iovcnt, skip);
    while ((n = cursor_next(&c, len, &base)) > 0) {
        memset(base, 0, n);
        len -= n;
    }
}

int disk_iov_slice(const struct iovec *iov, int iovcnt, uint64_t skip, uint64_t len,
                   struct iovec *out)
{
    struct iov_cursor c;
    uint8_t *base;
    size_t n;
    int count = 0;

    cursor_init(&c, iov, iovcnt, skip);
    while ((n = cursor_next(&c, len, &base)) > 0) {
        out[count].iov_base = base;
        out[count].iov_len = n;
        count++;
        len -= n;
    }
    return count;
}

void disk_iov_to_buf(const struct iovec *iov, int iovcnt, uint64_t skip, void *buf, size_t len)
{
    struct iov_cursor c;
    uint8_t *base, *p = buf;
    size_t n;

    cursor_init(&c, iov, iovcnt, skip);
    while ((n = cursor_next(&c, len, &base)) > 0) {
        memcpy(p, base, n);
        p += n;
        len -= n;
    }
}

void disk_iov_from_buf(const struct iovec *iov, int iovcnt, uint64_t skip, const void *buf,
                       size_t len)
{
    struct iov_cursor c;
    uint8_t *base;
    const uint8_t *p = buf;
    size_t n;

    cursor_init(&c, iov, iovcnt, skip);
    while ((n = cursor_next(&c, len, &base)) > 0) {
        memcpy(base, p, n);
        p += n;
        len -= n;
    }
}

bool disk_buf_is_zero(const void *buf, size_t len)
{
    const uint8_t *p = buf;

    /* Compare the buffer with itself shifted by one after checking the first byte. */
    return len == 0 || (p[0] == 0 && memcmp(p, p + 1, len - 1) == 0);
}

bool disk_iov_is_zero(const struct iovec *iov, int iovcnt, uint64_t skip, uint64_t len)
{
    struct iov_cursor c;
    uint8_t *base;
    size_t n;

    cursor_init(&c, iov, iovcnt, skip);
    while ((n = cursor_next(&c, len, &base)) > 0) {
        if (!disk_buf_is_zero(base, n))
            return false;
        len -= n;
    }
    return true;
}

/* Fill @win with up to IOV_WINDOW pieces of what is left; the bytes they hold. */
static uint64_t window(struct iov_cursor *c, struct iovec *win, int *count)
{
    struct iov_cursor peek = *c;
    uint64_t bytes = 0;
    uint8_t *base;
    size_t n;

    *count = 0;
    while (*count < IOV_WINDOW && (n = cursor_next(&peek, SIZE_MAX, &base)) > 0) {
        win[*count].iov_base = base;
        win[*count].iov_len = n;
        (*count)++;
        bytes += n;
    }
    return bytes;
}

/* Move @c on by @n bytes. */
static void advance(struct iov_cursor *c, uint64_t n)
{
    uint8_t *base;
    size_t got;

    while (n > 0 && (got = cursor_next(c, n, &base)) > 0)
        n -= got;
}

int disk_preadv_full(int fd, const struct iovec *iov, int iovcnt, uint64_t offset)
{
    struct iov_cursor c;
    struct iovec win[IOV_WINDOW];
    int count;

    cursor_init(&c, iov, iovcnt, 0);
    while (window(&c, win, &count) > 0) {
        ssize_t n = preadv(fd, win, count, (off_t)offset);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        if (n == 0) {
            /* Past the end of a sparse file: what was never written is zero. */
            uint8_t *base;
            size_t got;

            while ((got = cursor_next(&c, SIZE_MAX, &base)) > 0)
                memset(base, 0, got);
            return 0;
        }
        advance(&c, (uint64_t)n);
        offset += (uint64_t)n;
    }
    return 0;
}

int disk_pwrite_full(int fd, const void *buf, size_t len, uint64_t offset)
{
    const struct iovec one = {.iov_base = (void *)buf, .iov_len = len};

    return disk_pwritev_full(fd, &one, 1, offset);
}

int disk_pwritev_full(int fd, const struct iovec *iov, int iovcnt, uint64_t offset)
{
    struct iov_cursor c;
    struct iovec win[IOV_WINDOW];
    int count;

    cursor_init(&c, iov, iovcnt, 0);
    while (window(&c, win, &count) > 0) {
        ssize_t n = pwritev(fd, win, count, (off_t)offset);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        if (n == 0)
            return -EIO;
        advance(&c, (uint64_t)n);
        offset += (uint64_t)n;
    }
    return 0;
}
