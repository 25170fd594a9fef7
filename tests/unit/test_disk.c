/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of the disk library (disk/): raw and VHD images through the
 * public API (data written reads back, at odd offsets and across blocks,
 * after reopening, through parent chains, from several threads), every
 * check on an I/O call, locking, hostile files, the disk tools, and
 * interoperability with qemu-img/qemu-io 7.2 where they are installed.
 * Every file lives in a mkdtemp() directory that the group teardown removes.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <malloc.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <cmocka.h>

#include <disk/disk.h>

#include "../../disk/vhd.h"
#include "../../disk/winpath.h"

#ifdef __SANITIZE_ADDRESS__
size_t __sanitizer_get_current_allocated_bytes(void); /* <sanitizer/allocator_interface.h> */
#endif

#define MIB (1ull << 20)

static char tmpdir[256];
static char err[DISK_ERR_MAX];

/* ---- helpers ------------------------------------------------------------------------------ */

static const char *tp(const char *name)
{
    static char paths[8][512];
    static int next;
    char *p = paths[next++ % 8];

    snprintf(p, 512, "%s/%s", tmpdir, name);
    return p;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static int group_setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_disk.XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    return nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* The byte a test writes at disk offset @at with @seed: never zero. */
static uint8_t pattern(uint64_t at, unsigned seed)
{
    return (uint8_t)(((at / 512) * 131 + at % 512 + seed * 29) % 255 + 1);
}

static void fill(uint8_t *buf, uint64_t at, size_t len, unsigned seed)
{
    for (size_t i = 0; i < len; i++)
        buf[i] = pattern(at + i, seed);
}

static int write_pattern(struct disk *d, uint64_t at, size_t len, unsigned seed)
{
    uint8_t *buf = malloc(len);
    struct iovec iov = {buf, len};
    int r;

    fill(buf, at, len, seed);
    r = disk_writev(d, at, &iov, 1);
    free(buf);
    return r;
}

static int write_zeros(struct disk *d, uint64_t at, size_t len)
{
    uint8_t *buf = calloc(1, len);
    struct iovec iov = {buf, len};
    int r = disk_writev(d, at, &iov, 1);

    free(buf);
    return r;
}

/* Read [at, at + len) and compare it with @seed's pattern (seed < 0: zeros). */
static void expect(struct disk *d, uint64_t at, size_t len, int seed)
{
    uint8_t *buf = malloc(len);
    struct iovec iov = {buf, len};

    assert_int_equal(disk_readv(d, at, &iov, 1), 0);
    for (size_t i = 0; i < len; i++) {
        uint8_t want = seed < 0 ? 0 : pattern(at + i, (unsigned)seed);

        if (buf[i] != want)
            fail_msg("byte %llu: %#x, want %#x", (unsigned long long)(at + i), buf[i], want);
    }
    free(buf);
}

static struct disk *open_ok(const char *path, unsigned flags)
{
    struct disk *d = NULL;
    int r = disk_open(path, flags, &d, err, sizeof(err));

    if (r != 0)
        fail_msg("disk_open %s: %d %s", path, r, err);
    return d;
}

static void create_ok(const char *path, enum disk_format f, enum disk_type t, uint64_t size,
                      const char *parent)
{
    struct disk_create_params p = {.format = f, .type = t, .size = size, .parent = parent};
    int r = disk_create(path, &p, err, sizeof(err));

    if (r != 0)
        fail_msg("disk_create %s: %d %s", path, r, err);
}

static uint64_t file_size(const char *path)
{
    struct stat st;

    assert_int_equal(stat(path, &st), 0);
    return (uint64_t)st.st_size;
}

static bool have(const char *tool)
{
    char cmd[128];

    snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", tool);
    return system(cmd) == 0;
}

static int shell(const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(cmd, sizeof(cmd), fmt, ap);
    va_end(ap);
    int r = system(cmd);

    return WIFEXITED(r) ? WEXITSTATUS(r) : -1;
}

/* Bytes the heap holds now (ASan's allocator when the tests run under it). */
static size_t heap_in_use(void)
{
#ifdef __SANITIZE_ADDRESS__
    return __sanitizer_get_current_allocated_bytes();
#else
    return mallinfo2().uordblks;
#endif
}

/*
 * The library's writes and syncs, seen from here: these definitions take
 * the place of libc's for the library linked into this program.  With
 * io_log.on each call is recorded; a write at io_log.fail_at fails (-EIO).
 */
enum io_kind { IO_WRITE, IO_SYNC };
static struct {
    bool on;
    int64_t fail_at; /* -1: none */
    int count;
    struct {
        enum io_kind kind;
        uint64_t offset;
    } ev[64];
} io_log = {.fail_at = -1};

static void io_record(enum io_kind kind, uint64_t offset)
{
    if (io_log.on && io_log.count < 64) {
        io_log.ev[io_log.count].kind = kind;
        io_log.ev[io_log.count].offset = offset;
        io_log.count++;
    }
}

ssize_t pwritev(int fd, const struct iovec *iov, int iovcnt, off_t offset)
{
    if (io_log.fail_at >= 0 && offset == io_log.fail_at) {
        errno = EIO;
        return -1;
    }
    io_record(IO_WRITE, (uint64_t)offset);
    return syscall(SYS_pwritev, fd, iov, iovcnt, (long)offset, (long)((uint64_t)offset >> 32));
}

int fdatasync(int fd)
{
    io_record(IO_SYNC, 0);
    return (int)syscall(SYS_fdatasync, fd);
}

/* The index of the first event of @kind at @offset (any offset for syncs), or -1. */
static int io_find(enum io_kind kind, uint64_t offset)
{
    for (int i = 0; i < io_log.count; i++) {
        if (io_log.ev[i].kind == kind && (kind == IO_SYNC || io_log.ev[i].offset == offset))
            return i;
    }
    return -1;
}

/* ---- raw ----------------------------------------------------------------------------------- */

static void test_raw_read_write(void **state)
{
    const char *path = tp("raw.img");
    struct disk_info info;
    struct disk *d;
    uint8_t a[100], b[412], c[1024];
    struct iovec iov[3] = {{a, sizeof(a)}, {b, sizeof(b)}, {c, sizeof(c)}};

    (void)state;
    create_ok(path, DISK_FORMAT_NONE, DISK_TYPE_NONE, 4 * MIB, NULL);
    assert_int_equal(file_size(path), 4 * MIB);
    d = open_ok(path, 0);
    disk_get_info(d, &info);
    assert_int_equal(info.format, DISK_FORMAT_RAW);
    assert_int_equal(info.type, DISK_TYPE_FIXED);
    assert_int_equal(info.virtual_size, 4 * MIB);
    assert_int_equal(disk_size(d), 4 * MIB);
    assert_string_equal(info.path, path);
    assert_null(disk_parent(d));
    assert_int_equal(write_pattern(d, 0, 512, 1), 0);
    assert_int_equal(write_pattern(d, 512 * 7, 512 * 3, 2), 0);
    assert_int_equal(write_pattern(d, 4 * MIB - 512, 512, 3), 0);
    /* A vector cut inside its entries. */
    fill(a, MIB, sizeof(a), 4);
    fill(b, MIB + sizeof(a), sizeof(b), 4);
    fill(c, MIB + 512, sizeof(c), 4);
    assert_int_equal(disk_writev(d, MIB, iov, 3), 0);
    assert_int_equal(disk_flush(d), 0);
    expect(d, 0, 512, 1);
    expect(d, 512, 512 * 6, -1);
    expect(d, 512 * 7, 512 * 3, 2);
    expect(d, 4 * MIB - 512, 512, 3);
    expect(d, MIB, 1536, 4);
    memset(a, 0, sizeof(a));
    memset(c, 0, sizeof(c));
    assert_int_equal(disk_readv(d, MIB, iov, 3), 0);
    assert_int_equal(a[99], pattern(MIB + 99, 4));
    assert_int_equal(c[1023], pattern(MIB + 1535, 4));
    uint64_t run = 0;

    assert_int_equal(disk_block_status(d, 0, 4 * MIB, &run), 1);
    assert_int_equal(run, 4 * MIB);
    assert_int_equal(disk_close(d), 0);

    d = open_ok(path, DISK_OPEN_READ_ONLY);
    expect(d, 512 * 7, 512 * 3, 2);
    expect(d, MIB, 1536, 4);
    assert_int_equal(disk_close(d), 0);
}

static void test_raw_discard(void **state)
{
    const char *path = tp("discard.img");
    struct disk *d;

    (void)state;
    create_ok(path, DISK_FORMAT_RAW, DISK_TYPE_FIXED, 4 * MIB, NULL);
    d = open_ok(path, 0);
    assert_true(disk_can_discard(d));
    assert_int_equal(write_pattern(d, 0, 4 * MIB, 5), 0);
    int r = disk_discard(d, MIB, MIB);

    if (r == -EOPNOTSUPP) {
        disk_close(d);
        skip();
    }
    assert_int_equal(r, 0);
    expect(d, MIB, MIB, -1);
    expect(d, 0, MIB, 5);
    expect(d, 2 * MIB, 2 * MIB, 5);
    assert_int_equal(disk_close(d), 0);
}

static void test_io_checks(void **state)
{
    const char *path = tp("checks.img");
    uint8_t buf[1024] = {0};
    struct iovec iov = {buf, 512}, odd = {buf, 100};
    uint64_t run;
    struct disk *d;

    (void)state;
    create_ok(path, DISK_FORMAT_RAW, DISK_TYPE_NONE, MIB, NULL);
    d = open_ok(path, 0);
    assert_int_equal(disk_readv(d, 1, &iov, 1), -EINVAL);
    assert_int_equal(disk_writev(d, 100, &iov, 1), -EINVAL);
    assert_int_equal(disk_readv(d, 0, &odd, 1), -EINVAL);
    assert_int_equal(disk_readv(d, MIB, &iov, 1), -EINVAL);
    assert_int_equal(disk_writev(d, MIB - 512, &iov, 1), 0);
    assert_int_equal(disk_readv(d, MIB - 512, &iov, 1), 0);
    iov.iov_len = 1024;
    assert_int_equal(disk_readv(d, MIB - 512, &iov, 1), -EINVAL);
    /* Offsets near the top of the range must not wrap around. */
    assert_int_equal(disk_readv(d, UINT64_MAX - 511, &iov, 1), -EINVAL);
    assert_int_equal(disk_writev(d, UINT64_MAX & ~511ull, &iov, 1), -EINVAL);
    struct iovec huge[2] = {{buf, SIZE_MAX - 511}, {buf, 1024}};

    assert_int_equal(disk_readv(d, 0, huge, 2), -EINVAL);
    assert_int_equal(disk_readv(d, 0, &iov, -1), -EINVAL);
    assert_int_equal(disk_discard(d, 0, 100), -EINVAL);
    assert_int_equal(disk_discard(d, MIB, 512), -EINVAL);
    assert_int_equal(disk_discard(d, 512, UINT64_MAX - 511), -EINVAL);
    assert_int_equal(disk_block_status(d, 0, 0, &run), -EINVAL);
    assert_int_equal(disk_block_status(d, MIB - 512, 1024, &run), -EINVAL);
    assert_int_equal(disk_close(d), 0);
}

static void test_read_only(void **state)
{
    const char *path = tp("ro.img");
    uint8_t buf[512];
    struct iovec iov = {buf, sizeof(buf)};
    struct disk *d;

    (void)state;
    create_ok(path, DISK_FORMAT_RAW, DISK_TYPE_NONE, MIB, NULL);
    d = open_ok(path, 0);
    assert_int_equal(write_pattern(d, 512, 512, 6), 0);
    assert_int_equal(disk_close(d), 0);
    d = open_ok(path, DISK_OPEN_READ_ONLY);
    assert_true(disk_read_only(d));
    assert_false(disk_can_discard(d));
    assert_int_equal(disk_writev(d, 0, &iov, 1), -EROFS);
    assert_int_equal(disk_discard(d, 0, 512), -EROFS);
    expect(d, 512, 512, 6);
    assert_int_equal(disk_close(d), 0);
}

static void test_locks(void **state)
{
    const char *path = tp("lock.img");
    struct disk *a, *b = NULL;

    (void)state;
    create_ok(path, DISK_FORMAT_RAW, DISK_TYPE_NONE, MIB, NULL);
    a = open_ok(path, 0);
    assert_int_equal(disk_open(path, 0, &b, err, sizeof(err)), -EBUSY);
    assert_null(b);
    assert_non_null(strstr(err, "is in use"));
    assert_non_null(strstr(err, path));
    assert_int_equal(disk_open(path, DISK_OPEN_READ_ONLY, &b, err, sizeof(err)), -EBUSY);
    assert_int_equal(disk_close(a), 0);

    a = open_ok(path, DISK_OPEN_READ_ONLY);
    b = open_ok(path, DISK_OPEN_READ_ONLY);
    struct disk *c = NULL;

    assert_int_equal(disk_open(path, 0, &c, err, sizeof(err)), -EBUSY);
    assert_non_null(strstr(err, "is in use"));
    assert_int_equal(disk_close(a), 0);
    assert_int_equal(disk_close(b), 0);
    c = open_ok(path, 0);
    assert_int_equal(disk_close(c), 0);

    /* An image a compaction would rewrite is locked by its user. */
    a = open_ok(path, 0);
    assert_int_equal(disk_compact(path, NULL, NULL, err, sizeof(err)), -EBUSY);
    assert_int_equal(disk_expand(path, 2 * MIB, err, sizeof(err)), -EBUSY);
    assert_int_equal(disk_close(a), 0);
}

static void test_open_errors(void **state)
{
    struct disk *d = NULL;

    (void)state;
    assert_int_equal(disk_open(tp("missing.img"), 0, &d, err, sizeof(err)), -ENOENT);
    assert_null(d);
    assert_non_null(strstr(err, "missing.img"));
    assert_int_equal(disk_open(tmpdir, 0, &d, err, sizeof(err)), -EISDIR);
}

/* ---- VHD ----------------------------------------------------------------------------------- */

static void test_vhd_fixed(void **state)
{
    const char *path = tp("fixed.vhd");
    struct disk_info info;
    uint8_t tail[512];
    struct disk *d;

    (void)state;
    create_ok(path, DISK_FORMAT_NONE, DISK_TYPE_FIXED, 8 * MIB, NULL);
    assert_int_equal(file_size(path), 8 * MIB + 512);
    int fd = open(path, O_RDONLY);

    assert_int_equal(pread(fd, tail, 512, 8 * MIB), 512);
    close(fd);
    assert_memory_equal(tail, "conectix", 8);
    assert_memory_equal(tail + 28, "win ", 4);
    assert_memory_equal(tail + 36, "Wi2k", 4);

    d = open_ok(path, 0);
    disk_get_info(d, &info);
    assert_int_equal(info.format, DISK_FORMAT_VHD);
    assert_int_equal(info.type, DISK_TYPE_FIXED);
    assert_int_equal(info.virtual_size, 8 * MIB);
    assert_int_equal(info.block_size, 0);
    assert_int_equal(write_pattern(d, 0, 4096, 1), 0);
    assert_int_equal(write_pattern(d, 8 * MIB - 1024, 1024, 2), 0);
    expect(d, 0, 4096, 1);
    expect(d, 8 * MIB - 1024, 1024, 2);
    expect(d, 4096, MIB, -1);
    assert_int_equal(disk_close(d), 0);
    d = open_ok(path, DISK_OPEN_READ_ONLY);
    expect(d, 8 * MIB - 1024, 1024, 2);
    assert_int_equal(disk_close(d), 0);
    /* The footer is intact after a write to the last sector. */
    fd = open(path, O_RDONLY);
    assert_int_equal(pread(fd, tail, 512, 8 * MIB), 512);
    close(fd);
    assert_memory_equal(tail, "conectix", 8);
}

static void test_vhd_dynamic(void **state)
{
    const char *path = tp("dynamic.vhd");
    struct disk_info info;
    uint64_t run;
    struct disk *d;

    (void)state;
    create_ok(path, DISK_FORMAT_VHD, DISK_TYPE_NONE, 64 * MIB, NULL);
    assert_true(file_size(path) < 8192);
    d = open_ok(path, 0);
    disk_get_info(d, &info);
    assert_int_equal(info.type, DISK_TYPE_DYNAMIC);
    assert_int_equal(info.virtual_size, 64 * MIB);
    assert_int_equal(info.block_size, 2 * MIB);
    assert_false(disk_can_discard(d));
    assert_int_equal(disk_discard(d, 0, 512), -EOPNOTSUPP);
    expect(d, 0, 4 * MIB, -1);
    /* Across the boundary of blocks 0 and 1, and inside block 20. */
    assert_int_equal(write_pattern(d, 2 * MIB - 1024, 4096, 1), 0);
    assert_int_equal(write_pattern(d, 40 * MIB + 512, 512, 2), 0);
    assert_int_equal(write_pattern(d, 64 * MIB - 512, 512, 3), 0);
    expect(d, 2 * MIB - 1024, 4096, 1);
    expect(d, 0, 2 * MIB - 1024, -1);
    expect(d, 2 * MIB + 3072, MIB, -1);
    expect(d, 40 * MIB, 512, -1);
    expect(d, 40 * MIB + 512, 512, 2);
    expect(d, 64 * MIB - 512, 512, 3);
    assert_int_equal(disk_block_status(d, 0, 64 * MIB, &run), 1);
    assert_int_equal(run, 4 * MIB);
    assert_int_equal(disk_block_status(d, 4 * MIB, 60 * MIB, &run), 0);
    assert_int_equal(run, 36 * MIB);
    assert_int_equal(disk_flush(d), 0);
    assert_int_equal(disk_close(d), 0);
    /* Four blocks and their bitmaps, not the whole disk. */
    assert_true(file_size(path) < 4 * (2 * MIB + 512) + 8192);

    d = open_ok(path, 0);
    expect(d, 2 * MIB - 1024, 4096, 1);
    expect(d, 40 * MIB + 512, 512, 2);
    expect(d, 64 * MIB - 512, 512, 3);
    expect(d, 10 * MIB, MIB, -1);
    assert_int_equal(write_pattern(d, 2 * MIB, 512, 4), 0); /* an allocated block */
    assert_int_equal(disk_close(d), 0);
    d = open_ok(path, 0);
    expect(d, 2 * MIB, 512, 4);
    expect(d, 2 * MIB - 1024, 1024, 1);
    assert_int_equal(disk_close(d), 0);
}

/* Another writer's dynamic block whose bitmap marks only some sectors as written. */
static void test_vhd_dynamic_bitmap(void **state)
{
    const char *path = tp("bitmap.vhd");
    uint8_t bitmap[512] = {0}, raw[4];
    uint64_t run;
    struct disk *d;
    int fd;

    (void)state;
    create_ok(path, DISK_FORMAT_VHD, DISK_TYPE_DYNAMIC, 4 * MIB, NULL);
    d = open_ok(path, 0);
    assert_int_equal(write_pattern(d, 0, 2 * MIB, 1), 0);
    assert_int_equal(disk_close(d), 0);
    /* Clear every bit but sectors 0 and 9 (big-endian bit order: 0x80 is sector 0). */
    fd = open(path, O_RDWR);
    assert_int_equal(pread(fd, raw, 4, 1536), 4);
    bitmap[0] = 0x80;
    bitmap[1] = 0x40;
    assert_int_equal(pwrite(fd, bitmap, 512, (off_t)vhd_get32(raw) * 512), 512);
    close(fd);
    d = open_ok(path, 0);
    expect(d, 0, 512, 1);
    expect(d, 512, 8 * 512, -1);
    expect(d, 9 * 512, 512, 1);
    expect(d, 10 * 512, 2 * MIB - 10 * 512, -1);
    assert_int_equal(disk_block_status(d, 512, MIB, &run), 0);
    assert_int_equal(run, 8 * 512);
    /* A write sets its sectors' bits, on disk too. */
    assert_int_equal(write_pattern(d, 4 * 512, 512, 2), 0);
    assert_int_equal(disk_close(d), 0);
    d = open_ok(path, DISK_OPEN_READ_ONLY);
    expect(d, 0, 512, 1);
    expect(d, 512, 3 * 512, -1);
    expect(d, 4 * 512, 512, 2);
    expect(d, 5 * 512, 4 * 512, -1);
    assert_int_equal(disk_close(d), 0);
}

static void test_vhd_differencing(void **state)
{
    const char *base = tp("base.vhd"), *child = tp("child.vhd");
    struct disk_info info;
    uint64_t run;
    struct disk *d;

    (void)state;
    create_ok(base, DISK_FORMAT_VHD, DISK_TYPE_DYNAMIC, 16 * MIB, NULL);
    d = open_ok(base, 0);
    assert_int_equal(write_pattern(d, 0, 4 * MIB, 1), 0);
    assert_int_equal(disk_close(d), 0);
    create_ok(child, DISK_FORMAT_NONE, DISK_TYPE_NONE, 0, base);

    d = open_ok(child, 0);
    disk_get_info(d, &info);
    assert_int_equal(info.type, DISK_TYPE_DIFFERENCING);
    assert_int_equal(info.virtual_size, 16 * MIB);
    assert_non_null(disk_parent(d));
    assert_non_null(strstr(info.parent, "base.vhd"));
    expect(d, 0, 4 * MIB, 1);
    /* One sector in the middle of the parent's data; a run across a block boundary. */
    assert_int_equal(write_pattern(d, 1024, 512, 2), 0);
    assert_int_equal(write_pattern(d, 2 * MIB - 512, 1024, 3), 0);
    assert_int_equal(write_pattern(d, 8 * MIB, 512, 4), 0);
    expect(d, 0, 1024, 1);
    expect(d, 1024, 512, 2);
    expect(d, 1536, 2 * MIB - 2048, 1);
    expect(d, 2 * MIB - 512, 1024, 3);
    expect(d, 2 * MIB + 512, 2 * MIB - 512, 1);
    expect(d, 8 * MIB, 512, 4);
    expect(d, 8 * MIB + 512, MIB, -1);
    assert_int_equal(disk_block_status(d, 0, 16 * MIB, &run), 0);
    assert_int_equal(run, 1024);
    assert_int_equal(disk_block_status(d, 1024, 16 * MIB - 1024, &run), 1);
    assert_int_equal(run, 512);
    assert_int_equal(disk_block_status(d, 2 * MIB - 512, 4096, &run), 1);
    assert_int_equal(run, 1024);
    /* The parent is open read-only and shared: another reader may open it, no writer. */
    struct disk *p = open_ok(base, DISK_OPEN_READ_ONLY), *w = NULL;

    expect(p, 1024, 512, 1);
    assert_int_equal(disk_open(base, 0, &w, err, sizeof(err)), -EBUSY);
    assert_int_equal(disk_close(p), 0);
    assert_int_equal(disk_close(d), 0);

    d = open_ok(child, DISK_OPEN_READ_ONLY);
    expect(d, 0, 1024, 1);
    expect(d, 1024, 512, 2);
    expect(d, 1536, 2 * MIB - 2048, 1);
    expect(d, 2 * MIB - 512, 1024, 3);
    expect(d, 8 * MIB, 512, 4);
    assert_int_equal(disk_close(d), 0);
}

static void test_vhd_chain(void **state)
{
    char dir[512], moved[512], path[600];
    struct disk *d;

    (void)state;
    snprintf(dir, sizeof(dir), "%s/chain", tmpdir);
    snprintf(moved, sizeof(moved), "%s/chain-moved", tmpdir);
    assert_int_equal(mkdir(dir, 0755), 0);
    snprintf(path, sizeof(path), "%s/a.vhd", dir);
    create_ok(path, DISK_FORMAT_VHD, DISK_TYPE_DYNAMIC, 8 * MIB, NULL);
    d = open_ok(path, 0);
    assert_int_equal(write_pattern(d, 0, 3 * 512, 1), 0);
    assert_int_equal(disk_close(d), 0);
    const char *names[] = {"a.vhd", "b.vhd", "c.vhd"};

    for (int i = 1; i < 3; i++) {
        char parent[600];

        snprintf(parent, sizeof(parent), "%s/%s", dir, names[i - 1]);
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        create_ok(path, DISK_FORMAT_VHD, DISK_TYPE_NONE, 0, parent);
        d = open_ok(path, 0);
        assert_int_equal(write_pattern(d, 512 * (uint64_t)i, 512, (unsigned)(i + 1)), 0);
        assert_int_equal(disk_close(d), 0);
    }
    d = open_ok(path, 0);
    expect(d, 0, 512, 1);
    expect(d, 512, 512, 2);
    expect(d, 1024, 512, 3);
    expect(d, 1536, 512, -1);
    assert_non_null(disk_parent(disk_parent(d)));
    assert_null(disk_parent(disk_parent(disk_parent(d))));
    assert_int_equal(disk_close(d), 0);

    /* Moved as a whole: the absolute paths are stale, the relative ones still hold. */
    assert_int_equal(rename(dir, moved), 0);
    snprintf(path, sizeof(path), "%s/c.vhd", moved);
    d = open_ok(path, DISK_OPEN_READ_ONLY);
    expect(d, 0, 512, 1);
    expect(d, 1024, 512, 3);
    assert_int_equal(disk_close(d), 0);

    /* A parent that is gone is named in the error. */
    snprintf(path, sizeof(path), "%s/a.vhd", moved);
    assert_int_equal(unlink(path), 0);
    snprintf(path, sizeof(path), "%s/c.vhd", moved);
    d = NULL;
    assert_int_equal(disk_open(path, 0, &d, err, sizeof(err)), -ENOENT);
    assert_null(d);
    assert_non_null(strstr(err, "a.vhd"));
}

static void test_vhd_chain_too_deep(void **state)
{
    char path[64], parent[64];
    struct disk *d = NULL;

    (void)state;
    create_ok(tp("deep0.vhd"), DISK_FORMAT_VHD, DISK_TYPE_DYNAMIC, MIB, NULL);
    for (int i = 1; i <= 17; i++) {
        snprintf(parent, sizeof(parent), "deep%d.vhd", i - 1);
        snprintf(path, sizeof(path), "deep%d.vhd", i);
        create_ok(tp(path), DISK_FORMAT_VHD, DISK_TYPE_NONE, 0, tp(parent));
    }
    d = open_ok(tp("deep16.vhd"), 0); /* 16 parents */
    assert_int_equal(disk_close(d), 0);
    d = NULL;
    assert_int_equal(disk_open(tp("deep17.vhd"), 0, &d, err, sizeof(err)), -ELOOP);
    assert_null(d);
    assert_non_null(strstr(err, "deeper"));
}

/* Copy @from to @to byte for byte. */
static void copy_file(const char *from, const char *to)
{
    assert_int_equal(shell("cp '%s' '%s'", from, to), 0);
}

static void patch(const char *path, uint64_t at, const void *bytes, size_t len)
{
    int fd = open(path, O_WRONLY);

    assert_true(fd >= 0);
    assert_int_equal(pwrite(fd, bytes, len, (off_t)at), (ssize_t)len);
    close(fd);
}

/* Rewrite the dynamic header at 512 after @edit, with a correct checksum. */
static void patch_header(const char *path, void (*edit)(struct vhd_header *h))
{
    uint8_t raw[VHD_HEADER_SIZE];
    struct vhd_header h;
    int fd = open(path, O_RDWR);

    assert_int_equal(pread(fd, raw, sizeof(raw), 512), (ssize_t)sizeof(raw));
    assert_int_equal(vhd_header_decode(raw, &h), 0);
    edit(&h);
    vhd_header_encode(&h, raw);
    assert_int_equal(pwrite(fd, raw, sizeof(raw), 512), (ssize_t)sizeof(raw));
    close(fd);
}

static void table_past_end(struct vhd_header *h)
{
    h->table_offset = 1ull << 40;
}

static void block_size_odd(struct vhd_header *h)
{
    h->block_size = 3 * MIB;
}

static void block_size_huge(struct vhd_header *h)
{
    h->block_size = 1u << 31;
}

static void table_too_small(struct vhd_header *h)
{
    h->max_table_entries = 1;
}

static void table_enormous(struct vhd_header *h)
{
    h->max_table_entries = 0x7fffffff;
}

static void expect_open_error(const char *path, const char *words)
{
    struct disk *d = NULL;
    int r = disk_open(path, 0, &d, err, sizeof(err));

    if (r >= 0)
        fail_msg("%s opened", path);
    assert_null(d);
    if (words && !strstr(err, words))
        fail_msg("error \"%s\" lacks \"%s\"", err, words);
}

static void test_vhd_corrupt(void **state)
{
    const char *good = tp("good.vhd"), *bad = tp("bad.vhd");
    uint8_t byte = 0x5a, entry[4];
    struct disk *d;
    uint64_t size;

    (void)state;
    create_ok(good, DISK_FORMAT_VHD, DISK_TYPE_DYNAMIC, 8 * MIB, NULL);
    d = open_ok(good, 0);
    assert_int_equal(write_pattern(d, 0, 512, 1), 0);
    assert_int_equal(write_pattern(d, 2 * MIB, 512, 2), 0);
    assert_int_equal(disk_close(d), 0);
    size = file_size(good);

    copy_file(good, bad);
    patch(bad, size - 512 + 100, &byte, 1);
    expect_open_error(bad, "footer checksum");
    unlink(bad);

    copy_file(good, bad);
    patch(bad, 512 + 700, &byte, 1);
    expect_open_error(bad, "header checksum");
    unlink(bad);

    copy_file(good, bad);
    patch(bad, 100, &byte, 1); /* the footer's copy at the start */
    expect_open_error(bad, "copy of the footer");
    unlink(bad);

    copy_file(good, bad);
    patch_header(bad, table_past_end);
    expect_open_error(bad, "block table");
    unlink(bad);

    copy_file(good, bad);
    patch_header(bad, block_size_odd);
    expect_open_error(bad, "block size");
    unlink(bad);

    copy_file(good, bad);
    patch_header(bad, block_size_huge);
    expect_open_error(bad, "block size");
    unlink(bad);

    copy_file(good, bad);
    patch_header(bad, table_too_small);
    expect_open_error(bad, "block table");
    unlink(bad);

    copy_file(good, bad);
    patch_header(bad, table_enormous);
    expect_open_error(bad, "block table");
    unlink(bad);

    copy_file(good, bad);
    assert_int_equal(truncate(bad, (off_t)(size / 2)), 0);
    expect_open_error(bad, NULL);
    unlink(bad);
    copy_file(good, bad);
    assert_int_equal(truncate(bad, 300), 0);
    expect_open_error(bad, NULL);
    unlink(bad);

    /* A BAT entry beyond the end of the file: that block is -EIO, the rest reads. */
    copy_file(good, bad);
    vhd_put32(entry, 0x00ffffff);
    patch(bad, 1536 + 4, entry, 4);
    d = open_ok(bad, 0);
    uint8_t buf[512];
    struct iovec iov = {buf, sizeof(buf)};

    assert_int_equal(disk_readv(d, 2 * MIB, &iov, 1), -EIO);
    assert_int_equal(disk_writev(d, 2 * MIB, &iov, 1), -EIO);
    expect(d, 0, 512, 1);
    /* ...and one pointing into the metadata (the BAT itself). */
    assert_int_equal(disk_close(d), 0);
    vhd_put32(entry, 3);
    patch(bad, 1536 + 4, entry, 4);
    d = open_ok(bad, 0);
    assert_int_equal(disk_writev(d, 2 * MIB, &iov, 1), -EIO);
    assert_int_equal(disk_close(d), 0);
    unlink(bad);

    /* A fixed VHD whose file is shorter than its disk. */
    create_ok(tp("short.vhd"), DISK_FORMAT_VHD, DISK_TYPE_FIXED, 2 * MIB, NULL);
    uint8_t tail[512];
    int fd = open(tp("short.vhd"), O_RDWR);

    assert_int_equal(pread(fd, tail, 512, 2 * MIB), 512);
    assert_int_equal(pwrite(fd, tail, 512, MIB), 512);
    assert_int_equal(ftruncate(fd, MIB + 512), 0);
    close(fd);
    expect_open_error(tp("short.vhd"), "truncated");
}

struct thread_arg {
    struct disk *d;
    unsigned id;
    _Atomic int *errors;
};

#define THREADS     4
#define CHUNK       4096u
#define SPAN        (12 * MIB)
#define CHUNK_COUNT (SPAN / CHUNK)

/* Thread @id owns the chunks i with i % THREADS == id: neighbours share every block. */
static void *thread_io(void *opaque)
{
    struct thread_arg *a = opaque;
    uint8_t buf[CHUNK], want[CHUNK];
    struct iovec iov = {buf, CHUNK};

    for (unsigned round = 0; round < 2; round++) {
        for (uint64_t i = a->id; i < CHUNK_COUNT; i += THREADS) {
            fill(buf, i * CHUNK, CHUNK, a->id + 10 * round);
            if (disk_writev(a->d, i * CHUNK, &iov, 1) != 0)
                (*a->errors)++;
            if (disk_readv(a->d, i * CHUNK, &iov, 1) != 0)
                (*a->errors)++;
            fill(want, i * CHUNK, CHUNK, a->id + 10 * round);
            if (memcmp(buf, want, CHUNK) != 0)
                (*a->errors)++;
        }
    }
    return NULL;
}

static void threads_on(struct disk *d)
{
    pthread_t t[THREADS];
    struct thread_arg args[THREADS];
    _Atomic int errors = 0;

    for (unsigned i = 0; i < THREADS; i++) {
        args[i] = (struct thread_arg){d, i, &errors};
        assert_int_equal(pthread_create(&t[i], NULL, thread_io, &args[i]), 0);
    }
    for (unsigned i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    assert_int_equal(errors, 0);
    for (uint64_t i = 0; i < CHUNK_COUNT; i++)
        expect(d, i * CHUNK, CHUNK, (int)(i % THREADS + 10));
}

static void test_vhd_threads(void **state)
{
    struct disk *d;

    (void)state;
    create_ok(tp("mt.vhd"), DISK_FORMAT_VHD, DISK_TYPE_DYNAMIC, 32 * MIB, NULL);
    d = open_ok(tp("mt.vhd"), 0);
    threads_on(d);
    expect(d, SPAN, MIB, -1);
    assert_int_equal(disk_close(d), 0);
    d = open_ok(tp("mt.vhd"), DISK_OPEN_READ_ONLY);
    for (uint64_t i = 0; i < CHUNK_COUNT; i += 7)
        expect(d, i * CHUNK, CHUNK, (int)(i % THREADS + 10));
    assert_int_equal(disk_close(d), 0);

    /* A differencing child: the threads race on the same blocks' sector bitmaps. */
    create_ok(tp("mt-base.vhd"), DISK_FORMAT_VHD, DISK_TYPE_DYNAMIC, 32 * MIB, NULL);
    d = open_ok(tp("mt-base.vhd"), 0);
    assert_int_equal(write_pattern(d, 0, 16 * MIB, 99), 0);
    assert_int_equal(disk_close(d), 0);
    create_ok(tp("mt-child.vhd"), DISK_FORMAT_VHD, DISK_TYPE_NONE, 0, tp("mt-base.vhd"));
    d = open_ok(tp("mt-child.vhd"), 0);
    threads_on(d);
    expect(d, SPAN, 4 * MIB, 99);
    assert_int_equal(disk_close(d), 0);
    d = open_ok(tp("mt-child.vhd"), DISK_OPEN_READ_ONLY);
    for (uint64_t i = 0; i < CHUNK_COUNT; i++)
        expect(d, i * CHUNK, CHUNK, (int)(i % THREADS + 10));
    assert_int_equal(disk_close(d), 0);
}

/* ---- qemu-img interoperability --------------------------------------------------------------- */

/* The same writes into an image of ours and a raw reference. */
static void same_writes(struct disk *d, struct disk *ref)
{
    static const uint64_t at[] = {0, 512 * 9, 2 * MIB - 1024, 5 * MIB + 4096, 15 * MIB - 512};
    static const size_t len[] = {4096, 512, 2048, 65536, 512};

    for (unsigned i = 0; i < 5; i++) {
        assert_int_equal(write_pattern(d, at[i], len[i], i + 1), 0);
        assert_int_equal(write_pattern(ref, at[i], len[i], i + 1), 0);
    }
}

static void test_qemu_reads_ours(void **state)
{
    static const enum disk_type types[] = {DISK_TYPE_DYNAMIC, DISK_TYPE_FIXED};

    (void)state;
    if (!have("qemu-img"))
        skip();
    for (unsigned i = 0; i < 2; i++) {
        const char *vhd = tp(i ? "q-ours-fixed.vhd" : "q-ours-dyn.vhd");
        const char *ref = tp(i ? "q-ours-fixed.raw" : "q-ours-dyn.raw");
        struct disk *d, *r;

        create_ok(vhd, DISK_FORMAT_VHD, types[i], 16 * MIB, NULL);
        create_ok(ref, DISK_FORMAT_RAW, DISK_TYPE_FIXED, 16 * MIB, NULL);
        d = open_ok(vhd, 0);
        r = open_ok(ref, 0);
        same_writes(d, r);
        assert_int_equal(disk_close(d), 0);
        assert_int_equal(disk_close(r), 0);
        /* qemu sizes a VHD by its geometry unless the creator is one it knows to use the
         * current size, as ours ("win ") is: no option needed. */
        assert_int_equal(shell("qemu-img compare -q --image-opts "
                               "driver=raw,file.filename='%s' "
                               "driver=vpc,file.filename='%s'",
                               ref, vhd),
                         0);
        /* ...and the comparison can fail: a differing byte is seen. */
        d = open_ok(vhd, 0);
        assert_int_equal(write_pattern(d, 8 * MIB, 512, 9), 0);
        assert_int_equal(disk_close(d), 0);
        assert_int_equal(shell("qemu-img compare -q --image-opts "
                               "driver=raw,file.filename='%s' "
                               "driver=vpc,file.filename='%s'",
                               ref, vhd),
                         1);
    }
}

/* What `qemu-img info` says the virtual size of @path (as vpc) is. */
static uint64_t qemu_virtual_size(const char *path)
{
    char cmd[1024], line[256];
    uint64_t size = 0;
    FILE *f;

    snprintf(cmd, sizeof(cmd), "qemu-img info -f vpc --output=json '%s'", path);
    f = popen(cmd, "r");
    assert_non_null(f);
    while (fgets(line, sizeof(line), f)) {
        char *p = strstr(line, "\"virtual-size\":");

        if (p)
            size = strtoull(p + 15, NULL, 10);
    }
    pclose(f);
    return size;
}

static void test_we_read_qemus(void **state)
{
    static const char *const subformats[] = {"dynamic", "fixed"};
    static const char *const sizes[] = {"100M", "10M", "3G"};

    (void)state;
    if (!have("qemu-img"))
        skip();
    for (unsigned i = 0; i < 2; i++) {
        for (unsigned s = 0; s < 3; s++) {
            char name[64];
            const char *path;
            struct disk *d;

            if (i == 1 && s == 2)
                continue; /* no 3 GiB fixed file */
            snprintf(name, sizeof(name), "qemu-%s-%s.vhd", subformats[i], sizes[s]);
            path = tp(name);
            assert_int_equal(shell("qemu-img create -q -f vpc -o subformat=%s '%s' %s",
                                   subformats[i], path, sizes[s]),
                             0);
            uint64_t want = qemu_virtual_size(path);

            assert_true(want > 0);
            d = open_ok(path, 0);
            assert_int_equal(disk_size(d), want);
            assert_int_equal(disk_close(d), 0);
        }
    }

    /* Data qemu wrote reads back the same through this library. */
    const char *path = tp("qemu-dynamic-100M.vhd");
    struct disk *d;

    if (have("qemu-io")) {
        assert_int_equal(shell("qemu-io -f vpc -c 'write -P 0xab 1M 64k' -c 'write -P 0xcd 4094k "
                               "4k' '%s' >/dev/null",
                               path),
                         0);
        d = open_ok(path, DISK_OPEN_READ_ONLY);
        uint8_t *buf = malloc(8 * MIB);
        struct iovec iov = {buf, 8 * MIB};

        assert_int_equal(disk_readv(d, 0, &iov, 1), 0);
        for (uint64_t b = 0; b < 8 * MIB; b++) {
            uint8_t want = b >= MIB && b < MIB + 65536           ? 0xab
                           : b >= 4094 * 1024 && b < 4098 * 1024 ? 0xcd
                                                                 : 0;

            if (buf[b] != want)
                fail_msg("byte %llu: %#x, want %#x", (unsigned long long)b, buf[b], want);
        }
        free(buf);
        assert_int_equal(disk_close(d), 0);
    }

    /* A raw file of ours converted to VHD by qemu-img. */
    const char *ref = tp("for-qemu.raw"), *conv = tp("by-qemu.vhd");

    create_ok(ref, DISK_FORMAT_RAW, DISK_TYPE_FIXED, 16 * MIB, NULL);
    d = open_ok(ref, 0);
    assert_int_equal(write_pattern(d, 0, 16 * MIB, 7), 0);
    assert_int_equal(write_zeros(d, 4 * MIB, 4 * MIB), 0);
    assert_int_equal(disk_close(d), 0);
    assert_int_equal(
        shell("qemu-img convert -f raw -O vpc -o subformat=dynamic '%s' '%s'", ref, conv), 0);
    d = open_ok(conv, 0);
    assert_true(disk_size(d) >= 16 * MIB);
    expect(d, 0, 4 * MIB, 7);
    expect(d, 4 * MIB, 4 * MIB, -1);
    expect(d, 8 * MIB, 8 * MIB, 7);
    /* We write into qemu's image, and qemu reads it. */
    assert_int_equal(write_pattern(d, 5 * MIB, 8192, 8), 0);
    assert_int_equal(disk_close(d), 0);
    d = open_ok(ref, 0);
    assert_int_equal(write_pattern(d, 5 * MIB, 8192, 8), 0);
    assert_int_equal(disk_close(d), 0);
    assert_int_equal(shell("qemu-img compare -q -f raw -F vpc '%s' '%s'", ref, conv), 0);
}

/* ---- tools --------------------------------------------------------------------------------- */

struct progress {
    uint64_t calls, done, total;
};

static void on_progress(void *opaque, uint64_t done, uint64_t total)
{
    struct progress *p = opaque;

    assert_true(done <= total);
    assert_true(done >= p->done);
    p->calls++;
    p->done = done;
    p->total = total;
}

static void test_convert(void **state)
{
    const char *raw = tp("conv.raw"), *vhd = tp("conv.vhd"), *back = tp("conv-back.img");
    struct disk_create_params p = {0};
    struct progress prog = {0};
    uint64_t run;
    struct disk *d;

    (void)state;
    create_ok(raw, DISK_FORMAT_RAW, DISK_TYPE_FIXED, 32 * MIB, NULL);
    d = open_ok(raw, 0);
    assert_int_equal(write_pattern(d, MIB, 512, 1), 0);
    assert_int_equal(write_pattern(d, 20 * MIB, 3 * MIB, 2), 0);
    assert_int_equal(disk_close(d), 0);

    assert_int_equal(disk_convert(raw, vhd, &p, on_progress, &prog, err, sizeof(err)), 0);
    assert_true(prog.calls > 0);
    assert_int_equal(prog.done, 32 * MIB);
    assert_int_equal(prog.total, 32 * MIB);
    d = open_ok(vhd, 0);
    assert_int_equal(d ? disk_size(d) : 0, 32 * MIB);
    struct disk_info info;

    disk_get_info(d, &info);
    assert_int_equal(info.format, DISK_FORMAT_VHD);
    assert_int_equal(info.type, DISK_TYPE_DYNAMIC);
    expect(d, 0, MIB, -1);
    expect(d, MIB, 512, 1);
    expect(d, 20 * MIB, 3 * MIB, 2);
    expect(d, 23 * MIB, 9 * MIB, -1);
    /* Zero regions stayed unallocated: blocks 0, 10 and 11 only. */
    assert_int_equal(disk_block_status(d, 2 * MIB, 18 * MIB, &run), 0);
    assert_int_equal(run, 18 * MIB);
    assert_int_equal(disk_block_status(d, 24 * MIB, 8 * MIB, &run), 0);
    assert_true(info.file_size < 3 * (2 * MIB + 512) + 8192);
    assert_int_equal(disk_close(d), 0);

    /* Back to raw, and an existing destination is refused and left alone. */
    p.format = DISK_FORMAT_RAW;
    assert_int_equal(disk_convert(vhd, back, &p, NULL, NULL, err, sizeof(err)), 0);
    d = open_ok(back, 0);
    expect(d, MIB, 512, 1);
    expect(d, 20 * MIB, 3 * MIB, 2);
    expect(d, 0, MIB, -1);
    assert_int_equal(disk_close(d), 0);
    assert_int_equal(disk_convert(vhd, back, &p, NULL, NULL, err, sizeof(err)), -EEXIST);
    assert_int_equal(file_size(back), 32 * MIB);
    p.type = DISK_TYPE_DIFFERENCING;
    assert_int_equal(disk_convert(vhd, tp("conv-diff.vhd"), &p, NULL, NULL, err, sizeof(err)),
                     -EINVAL);
    assert_int_equal(access(tp("conv-diff.vhd"), F_OK), -1);
    p.type = DISK_TYPE_FIXED;
    p.format = DISK_FORMAT_VHD;
    assert_int_equal(
        disk_convert(tp("nope.raw"), tp("conv-x.vhd"), &p, NULL, NULL, err, sizeof(err)), -ENOENT);
    assert_int_equal(access(tp("conv-x.vhd"), F_OK), -1);
}

static void test_compact_dynamic(void **state)
{
    const char *path = tp("compact.vhd");
    struct progress prog = {0};
    uint64_t before, run;
    struct disk *d;

    (void)state;
    create_ok(path, DISK_FORMAT_VHD, DISK_TYPE_DYNAMIC, 32 * MIB, NULL);
    d = open_ok(path, 0);
    for (unsigned b = 0; b < 8; b++)
        assert_int_equal(write_pattern(d, b * 2 * MIB, 2 * MIB, b + 1), 0);
    for (unsigned b = 0; b < 8; b++) {
        if (b != 3 && b != 6)
            assert_int_equal(write_zeros(d, b * 2 * MIB, 2 * MIB), 0);
    }
    assert_int_equal(disk_close(d), 0);
    before = file_size(path);
    assert_true(before > 8 * 2 * MIB);

    assert_int_equal(disk_compact(path, on_progress, &prog, err, sizeof(err)), 0);
    assert_int_equal(prog.done, 32 * MIB);
    assert_true(file_size(path) < 2 * (2 * MIB + 512) + 8192);
    d = open_ok(path, 0);
    expect(d, 0, 6 * MIB, -1);
    expect(d, 6 * MIB, 2 * MIB, 4);
    expect(d, 8 * MIB, 4 * MIB, -1);
    expect(d, 12 * MIB, 2 * MIB, 7);
    expect(d, 14 * MIB, 18 * MIB, -1);
    assert_int_equal(disk_block_status(d, 0, 32 * MIB, &run), 0);
    assert_int_equal(run, 6 * MIB);
    assert_int_equal(disk_close(d), 0);
    /* Nothing left beside it. */
    assert_int_equal(shell("ls '%s' | grep -q compact-", tmpdir), 1);

    /* Raw and fixed images have nothing to give back. */
    create_ok(tp("compact.img"), DISK_FORMAT_RAW, DISK_TYPE_FIXED, MIB, NULL);
    assert_int_equal(disk_compact(tp("compact.img"), NULL, NULL, err, sizeof(err)), -EOPNOTSUPP);
    assert_non_null(strstr(err, "raw"));
}

static void test_compact_differencing(void **state)
{
    const char *base = tp("cbase.vhd"), *child = tp("cchild.vhd"), *grand = tp("cgrand.vhd");
    struct disk *d;
    uint64_t run;

    (void)state;
    create_ok(base, DISK_FORMAT_VHD, DISK_TYPE_DYNAMIC, 16 * MIB, NULL);
    d = open_ok(base, 0);
    assert_int_equal(write_pattern(d, 0, 2 * MIB, 1), 0); /* block 0 */
    assert_int_equal(disk_close(d), 0);
    create_ok(child, DISK_FORMAT_VHD, DISK_TYPE_NONE, 0, base);
    d = open_ok(child, 0);
    assert_int_equal(write_zeros(d, 0, MIB), 0);           /* hides the parent: kept */
    assert_int_equal(write_zeros(d, 4 * MIB, 2 * MIB), 0); /* over zeros: dropped */
    assert_int_equal(write_pattern(d, 8 * MIB, 4096, 2), 0);
    assert_int_equal(disk_close(d), 0);
    /* A child of the image being compacted must still accept it afterwards. */
    create_ok(grand, DISK_FORMAT_VHD, DISK_TYPE_NONE, 0, child);
    uint64_t before = file_size(child);

    assert_int_equal(disk_compact(child, NULL, NULL, err, sizeof(err)), 0);
    assert_true(file_size(child) < before);
    d = open_ok(child, 0);
    expect(d, 0, MIB, -1);
    expect(d, MIB, MIB, 1);
    expect(d, 4 * MIB, 2 * MIB, -1);
    expect(d, 8 * MIB, 4096, 2);
    assert_int_equal(disk_block_status(d, 4 * MIB, 2 * MIB, &run), 0);
    assert_int_equal(run, 2 * MIB);
    assert_int_equal(disk_block_status(d, 0, 2 * MIB, &run), 1);
    assert_int_equal(run, MIB);
    assert_int_equal(disk_close(d), 0);
    d = open_ok(grand, 0);
    expect(d, 0, MIB, -1);
    expect(d, MIB, MIB, 1);
    expect(d, 8 * MIB, 4096, 2);
    assert_int_equal(disk_close(d), 0);
}

static void test_expand(void **state)
{
    const char *fixed = tp("grow-fixed.vhd"), *dyn = tp("grow-dyn.vhd"), *raw = tp("grow.img");
    struct disk *d;

    (void)state;
    create_ok(fixed, DISK_FORMAT_VHD, DISK_TYPE_FIXED, 8 * MIB, NULL);
    d = open_ok(fixed, 0);
    assert_int_equal(write_pattern(d, 8 * MIB - 4096, 4096, 1), 0);
    assert_int_equal(disk_close(d), 0);
    assert_int_equal(disk_expand(fixed, 16 * MIB, err, sizeof(err)), 0);
    assert_int_equal(file_size(fixed), 16 * MIB + 512);
    d = open_ok(fixed, 0);
    assert_int_equal(disk_size(d), 16 * MIB);
    expect(d, 8 * MIB - 4096, 4096, 1);
    expect(d, 8 * MIB, 8 * MIB, -1); /* the old footer is gone */
    assert_int_equal(write_pattern(d, 16 * MIB - 512, 512, 2), 0);
    assert_int_equal(disk_close(d), 0);
    d = open_ok(fixed, 0);
    expect(d, 16 * MIB - 512, 512, 2);
    assert_int_equal(disk_close(d), 0);

    create_ok(dyn, DISK_FORMAT_VHD, DISK_TYPE_DYNAMIC, 4 * MIB, NULL);
    d = open_ok(dyn, 0);
    assert_int_equal(write_pattern(d, 0, 4 * MIB, 3), 0);
    assert_int_equal(disk_close(d), 0);
    /* Within the BAT's padding, then past it (the BAT moves to the end of the file). */
    assert_int_equal(disk_expand(dyn, 64 * MIB, err, sizeof(err)), 0);
    d = open_ok(dyn, 0);
    assert_int_equal(disk_size(d), 64 * MIB);
    expect(d, 0, 4 * MIB, 3);
    expect(d, 4 * MIB, 60 * MIB, -1);
    assert_int_equal(write_pattern(d, 60 * MIB, 4096, 4), 0);
    assert_int_equal(disk_close(d), 0);
    assert_int_equal(disk_expand(dyn, 1024 * MIB, err, sizeof(err)), 0);
    d = open_ok(dyn, 0);
    assert_int_equal(disk_size(d), 1024 * MIB);
    expect(d, 0, 4 * MIB, 3);
    expect(d, 60 * MIB, 4096, 4);
    expect(d, 64 * MIB, 4 * MIB, -1);
    expect(d, 1024 * MIB - 4 * MIB, 4 * MIB, -1);
    assert_int_equal(write_pattern(d, 1000 * MIB, 8192, 5), 0);
    assert_int_equal(disk_close(d), 0);
    d = open_ok(dyn, DISK_OPEN_READ_ONLY);
    expect(d, 0, 4 * MIB, 3);
    expect(d, 60 * MIB, 4096, 4);
    expect(d, 1000 * MIB, 8192, 5);
    assert_int_equal(disk_close(d), 0);
    if (have("qemu-img")) {
        /* qemu agrees on the grown image's contents. */
        const char *ref = tp("grow-ref.raw");

        create_ok(ref, DISK_FORMAT_RAW, DISK_TYPE_FIXED, 1024 * MIB, NULL);
        d = open_ok(ref, 0);
        assert_int_equal(write_pattern(d, 0, 4 * MIB, 3), 0);
        assert_int_equal(write_pattern(d, 60 * MIB, 4096, 4), 0);
        assert_int_equal(write_pattern(d, 1000 * MIB, 8192, 5), 0);
        assert_int_equal(disk_close(d), 0);
        assert_int_equal(shell("qemu-img compare -q --image-opts "
                               "driver=raw,file.filename='%s' "
                               "driver=vpc,file.filename='%s'",
                               ref, dyn),
                         0);
    }

    create_ok(raw, DISK_FORMAT_RAW, DISK_TYPE_FIXED, MIB, NULL);
    assert_int_equal(disk_expand(raw, 2 * MIB, err, sizeof(err)), 0);
    assert_int_equal(file_size(raw), 2 * MIB);

    assert_int_equal(disk_expand(dyn, 512 * MIB, err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "not larger"));
    assert_int_equal(disk_expand(dyn, 2048 * MIB + 512, err, sizeof(err)), -EINVAL);
    assert_int_equal(disk_expand(dyn, 2041ull * 1024 * MIB, err, sizeof(err)), -EINVAL);
}

static void test_create_errors(void **state)
{
    struct disk_create_params p = {.size = MIB};
    const char *path = tp("exists.vhd");

    (void)state;
    create_ok(path, DISK_FORMAT_NONE, DISK_TYPE_NONE, MIB, NULL);
    uint64_t size = file_size(path);

    assert_int_equal(disk_create(path, &p, err, sizeof(err)), -EEXIST);
    assert_non_null(strstr(err, "already exists"));
    assert_int_equal(file_size(path), size);

    static const struct {
        const char *name;
        struct disk_create_params p;
        const char *words;
    } bad[] = {
        {"zero.vhd", {.size = 0}, "1 MiB"},
        {"odd.vhd", {.size = MIB + 512}, "1 MiB"},
        {"rawdyn.img", {.size = MIB, .type = DISK_TYPE_DYNAMIC}, "always fixed"},
        {"diff.vhd", {.size = MIB, .type = DISK_TYPE_DIFFERENCING}, "needs a parent"},
        {"orphan.vhd", {.size = 0, .parent = "/nonexistent/p.vhd"}, "p.vhd"},
        {"blk.vhd", {.size = MIB, .block_size = 3 * MIB}, "block size"},
        {"sect.vhd", {.size = MIB, .logical_sector_size = 4096}, "512-byte"},
        {"huge.vhd", {.size = 2041ull << 30, .type = DISK_TYPE_FIXED}, "2040 GiB"},
        {"rawparent.img", {.size = 0, .parent = NULL, .format = DISK_FORMAT_RAW}, "1 MiB"},
    };
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        err[0] = '\0';
        int r = disk_create(tp(bad[i].name), &bad[i].p, err, sizeof(err));

        if (r >= 0)
            fail_msg("%s: created", bad[i].name);
        if (!strstr(err, bad[i].words))
            fail_msg("%s: \"%s\" lacks \"%s\"", bad[i].name, err, bad[i].words);
        assert_int_equal(access(tp(bad[i].name), F_OK), -1); /* nothing left behind */
    }
    /* A parent given to a non-differencing type, and a raw parent for a VHD child. */
    p = (struct disk_create_params){.type = DISK_TYPE_DYNAMIC, .parent = path};
    assert_int_equal(disk_create(tp("mixed.vhd"), &p, err, sizeof(err)), -EINVAL);
    create_ok(tp("rawp.img"), DISK_FORMAT_RAW, DISK_TYPE_FIXED, MIB, NULL);
    p = (struct disk_create_params){.parent = tp("rawp.img")};
    assert_int_equal(disk_create(tp("rawchild.vhd"), &p, err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "must be a VHD"));
    assert_int_equal(access(tp("rawchild.vhd"), F_OK), -1);
}

static void test_names(void **state)
{
    (void)state;
    assert_int_equal(disk_format_from_path("/a/b.vhd"), DISK_FORMAT_VHD);
    assert_int_equal(disk_format_from_path("B.VHD"), DISK_FORMAT_VHD);
    assert_int_equal(disk_format_from_path("b.vhdx"), DISK_FORMAT_VHDX);
    assert_int_equal(disk_format_from_path("b.img"), DISK_FORMAT_RAW);
    assert_int_equal(disk_format_from_path("dir.vhd/b"), DISK_FORMAT_RAW);
    assert_int_equal(disk_format_from_path("b"), DISK_FORMAT_RAW);
    assert_string_equal(disk_format_name(DISK_FORMAT_RAW), "raw");
    assert_string_equal(disk_format_name(DISK_FORMAT_VHD), "VHD");
    assert_string_equal(disk_format_name(DISK_FORMAT_VHDX), "VHDX");
    assert_string_equal(disk_type_name(DISK_TYPE_FIXED), "fixed");
    assert_string_equal(disk_type_name(DISK_TYPE_DYNAMIC), "dynamic");
    assert_string_equal(disk_type_name(DISK_TYPE_DIFFERENCING), "differencing");
}

static void test_vhd_geometry(void **state)
{
    uint16_t c;
    uint8_t h, s;

    (void)state;
    /* What qemu-img writes for 10M (qemu rounds the size up to the geometry). */
    vhd_geometry(10514432, &c, &h, &s);
    assert_int_equal(c, 302);
    assert_int_equal(h, 4);
    assert_int_equal(s, 17);
    vhd_geometry(127ull << 30, &c, &h, &s);
    assert_int_equal(h, 16);
    assert_int_equal(s, 255);
    vhd_geometry(3000ull << 30, &c, &h, &s);
    assert_int_equal(c, 65535);
    assert_int_equal(h, 16);
    assert_int_equal(s, 255);
}

/* ---- the fixes: format by name, hostile tables, bitmap ordering -------------------------- */

/* Rename tp(@from) to tp(@to). */
static void move(const char *from, const char *to)
{
    char a[512];

    snprintf(a, sizeof(a), "%s", tp(from));
    assert_int_equal(rename(a, tp(to)), 0);
}

/* A guest's raw disk holding a VHD footer or VHDX signature stays raw; a .vhd or .vhdx that
 * holds no such thing is refused. */
static void test_open_by_name(void **state)
{
    uint8_t footer[512], sector[512] = {0};
    struct iovec iov = {sector, 512};
    struct disk_info info;
    struct disk *d = NULL;
    int fd;

    (void)state;
    /* The guest writes "vhdxfile" at 0 and a real VHD footer at the end of its raw disk. */
    create_ok(tp("donor.vhd"), DISK_FORMAT_VHD, DISK_TYPE_DYNAMIC, 4 * MIB, NULL);
    fd = open(tp("donor.vhd"), O_RDONLY);
    assert_int_equal(pread(fd, footer, 512, (off_t)file_size(tp("donor.vhd")) - 512), 512);
    close(fd);
    create_ok(tp("guest.img"), DISK_FORMAT_RAW, DISK_TYPE_FIXED, 4 * MIB, NULL);
    d = open_ok(tp("guest.img"), 0);
    iov.iov_base = footer;
    assert_int_equal(disk_writev(d, 4 * MIB - 512, &iov, 1), 0);
    assert_int_equal(disk_close(d), 0);
    d = open_ok(tp("guest.img"), 0);
    disk_get_info(d, &info);
    assert_int_equal(info.format, DISK_FORMAT_RAW);
    assert_int_equal(disk_size(d), 4 * MIB);
    memcpy(sector, "vhdxfile", 8);
    iov.iov_base = sector;
    assert_int_equal(disk_writev(d, 0, &iov, 1), 0);
    assert_int_equal(disk_close(d), 0);
    d = open_ok(tp("guest.img"), DISK_OPEN_READ_ONLY);
    disk_get_info(d, &info);
    assert_int_equal(info.format, DISK_FORMAT_RAW);
    assert_int_equal(disk_size(d), 4 * MIB);
    memset(sector, 0, sizeof(sector));
    assert_int_equal(disk_readv(d, 0, &iov, 1), 0);
    assert_memory_equal(sector, "vhdxfile", 8);
    assert_int_equal(disk_close(d), 0);
    /* A real VHD given a raw name is raw too: its bytes, footer included. */
    move("donor.vhd", "donor.img");
    d = open_ok(tp("donor.img"), DISK_OPEN_READ_ONLY);
    disk_get_info(d, &info);
    assert_int_equal(info.format, DISK_FORMAT_RAW);
    assert_int_equal(disk_size(d), file_size(tp("donor.img")));
    assert_int_equal(disk_close(d), 0);

    /* Named .vhd or .vhdx, the content must agree. */
    create_ok(tp("plain.img"), DISK_FORMAT_RAW, DISK_TYPE_FIXED, MIB, NULL);
    move("plain.img", "plain.vhd");
    d = NULL;
    assert_int_equal(disk_open(tp("plain.vhd"), 0, &d, err, sizeof(err)), -EINVAL);
    assert_null(d);
    assert_non_null(strstr(err, "plain.vhd: named .vhd but holds no VHD footer"));
    move("plain.vhd", "plain.vhdx");
    assert_int_equal(disk_open(tp("plain.vhdx"), 0, &d, err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "named .vhdx but holds no VHDX"));
    /* And an image cannot be made under a name that would not open as it. */
    struct disk_create_params p = {.format = DISK_FORMAT_VHD, .size = MIB};

    assert_int_equal(disk_create(tp("named-wrong.img"), &p, err, sizeof(err)), -EINVAL);
    assert_int_equal(access(tp("named-wrong.img"), F_OK), -1);
}

/* Only regular files: a block device's st_size is 0, so the drivers cannot size it. */
static void test_open_special_files(void **state)
{
    struct disk *d = NULL;

    (void)state;
    assert_int_equal(disk_open("/dev/zero", DISK_OPEN_READ_ONLY, &d, err, sizeof(err)), -EINVAL);
    assert_null(d);
    assert_non_null(strstr(err, "only image files are supported"));
    /* A block device node (a loop device's: opening it read-only touches nothing). */
    if (mknod(tp("blockdev"), S_IFBLK | 0600, makedev(7, 0)) == 0) {
        int r = disk_open(tp("blockdev"), DISK_OPEN_READ_ONLY, &d, err, sizeof(err));

        if (r != -EACCES && r != -EPERM && r != -ENXIO) { /* nodev mounts, containers */
            if (r == 0)
                disk_close(d);
            assert_int_equal(r, -EINVAL);
            assert_non_null(strstr(err, "is a block device: only image files are supported"));
        }
    }
}

/* A crafted table of 4M entries for a 2-block disk: only the 2 are read and kept. */
static void test_vhd_oversized_table(void **state)
{
    const char *path = tp("bigtable.vhd");
    uint8_t raw[VHD_HEADER_SIZE], footer[512];
    struct vhd_header h;
    struct disk *d;
    int fd;

    (void)state;
    create_ok(path, DISK_FORMAT_VHD, DISK_TYPE_DYNAMIC, 4 * MIB, NULL);
    fd = open(path, O_RDWR);
    assert_int_equal(pread(fd, footer, 512, 0), 512);
    assert_int_equal(pread(fd, raw, sizeof(raw), 512), (ssize_t)sizeof(raw));
    assert_int_equal(vhd_header_decode(raw, &h), 0);
    h.max_table_entries = 1u << 22; /* 16 MiB of table: make the file hold it */
    vhd_header_encode(&h, raw);
    assert_int_equal(pwrite(fd, raw, sizeof(raw), 512), (ssize_t)sizeof(raw));
    uint64_t end = h.table_offset + 4ull * h.max_table_entries;

    /* The entries past the disk's two read as zeros, not "unused": they are never used. */
    assert_int_equal(ftruncate(fd, (off_t)end), 0);
    assert_int_equal(pwrite(fd, footer, 512, (off_t)end), 512);
    close(fd);

    size_t before = heap_in_use();

    d = open_ok(path, 0);
    /* Before: 16 MiB of BAT and 32 MiB of bitmap pointers. */
    assert_true(heap_in_use() - before < 2 * MIB);
    assert_int_equal(write_pattern(d, 2 * MIB + 4096, 8192, 5), 0);
    expect(d, 2 * MIB + 4096, 8192, 5);
    expect(d, 0, MIB, -1);
    assert_int_equal(disk_close(d), 0);
    d = open_ok(path, DISK_OPEN_READ_ONLY);
    expect(d, 2 * MIB + 4096, 8192, 5);
    assert_int_equal(disk_close(d), 0);
}

/* Make a child of a 4 MiB parent (pattern 1) with block 0 allocated (sector 0, pattern 2);
 * *@bitmap_at is block 0's bitmap in the file, *@data_at its data. */
static struct disk *child_with_block(const char *base, const char *child, uint64_t *bitmap_at,
                                     uint64_t *data_at)
{
    struct disk *d;

    create_ok(base, DISK_FORMAT_VHD, DISK_TYPE_DYNAMIC, 4 * MIB, NULL);
    d = open_ok(base, 0);
    assert_int_equal(write_pattern(d, 0, 4 * MIB, 1), 0);
    assert_int_equal(disk_close(d), 0);
    create_ok(child, DISK_FORMAT_VHD, DISK_TYPE_NONE, 0, base);
    d = open_ok(child, 0);
    assert_int_equal(write_pattern(d, 0, 512, 2), 0);
    struct vhd *v = d->priv;

    *bitmap_at = (uint64_t)atomic_load(&v->bat[0]) * 512;
    *data_at = *bitmap_at + v->bitmap_size;
    return d;
}

/* A bitmap write that fails leaves no bits behind in memory: reads still go to the parent,
 * and the next write of those sectors writes the bitmap (it is not skipped as done). */
static void test_vhd_bitmap_after_failed_write(void **state)
{
    uint64_t bitmap_at, data_at;
    struct disk *d = child_with_block(tp("fb-base.vhd"), tp("fb-child.vhd"), &bitmap_at, &data_at);

    (void)state;
    io_log.fail_at = (int64_t)bitmap_at;
    assert_int_equal(write_pattern(d, 8 * 512, 512, 3), -EIO);
    io_log.fail_at = -1;
    expect(d, 8 * 512, 512, 1); /* not claimed by the bitmap: the parent's */
    assert_int_equal(write_pattern(d, 8 * 512, 512, 3), 0);
    assert_int_equal(disk_close(d), 0);
    d = open_ok(tp("fb-child.vhd"), DISK_OPEN_READ_ONLY);
    expect(d, 0, 512, 2);
    expect(d, 512, 7 * 512, 1);
    expect(d, 8 * 512, 512, 3);
    assert_int_equal(disk_close(d), 0);
}

/* New sectors in an allocated differencing block: data, then a sync, then the bitmap that
 * claims it; sectors already claimed: the data only, no sync. */
static void test_vhd_data_before_bitmap(void **state)
{
    uint64_t bitmap_at, data_at;
    struct disk *d =
        child_with_block(tp("ord-base.vhd"), tp("ord-child.vhd"), &bitmap_at, &data_at);

    (void)state;
    io_log.count = 0;
    io_log.on = true;
    assert_int_equal(write_pattern(d, 16 * 512, 1024, 4), 0);
    io_log.on = false;
    int data = io_find(IO_WRITE, data_at + 16 * 512), sync = io_find(IO_SYNC, 0),
        bitmap = io_find(IO_WRITE, bitmap_at);

    assert_true(data >= 0 && bitmap >= 0);
    assert_true(sync > data && sync < bitmap);

    io_log.count = 0;
    io_log.on = true;
    assert_int_equal(write_pattern(d, 16 * 512, 512, 5), 0);
    io_log.on = false;
    assert_int_equal(io_log.count, 1); /* the data, nothing else */
    assert_int_equal(io_find(IO_WRITE, data_at + 16 * 512), 0);
    assert_int_equal(disk_close(d), 0);
    d = open_ok(tp("ord-child.vhd"), DISK_OPEN_READ_ONLY);
    expect(d, 16 * 512, 512, 5);
    expect(d, 17 * 512, 512, 4);
    expect(d, 18 * 512, 512, 1);
    assert_int_equal(disk_close(d), 0);
}

/* Compacting a child larger than its parent: past the parent's end there is nothing below. */
static void test_compact_child_larger_than_parent(void **state)
{
    const char *base = tp("small-base.vhd"), *child = tp("large-child.vhd");
    struct disk *d;
    uint64_t run;

    (void)state;
    create_ok(base, DISK_FORMAT_VHD, DISK_TYPE_DYNAMIC, 2 * MIB, NULL);
    d = open_ok(base, 0);
    assert_int_equal(write_pattern(d, 0, 2 * MIB, 1), 0);
    assert_int_equal(disk_close(d), 0);
    create_ok(child, DISK_FORMAT_VHD, DISK_TYPE_NONE, 0, base);
    assert_int_equal(disk_expand(child, 8 * MIB, err, sizeof(err)), 0); /* past its parent */
    d = open_ok(child, 0);
    assert_int_equal(write_zeros(d, 4 * MIB, 2 * MIB), 0); /* over nothing: dropped */
    assert_int_equal(write_pattern(d, 6 * MIB, 4096, 2), 0);
    assert_int_equal(disk_close(d), 0);
    if (disk_compact(child, NULL, NULL, err, sizeof(err)) != 0)
        fail_msg("disk_compact: %s", err);
    d = open_ok(child, DISK_OPEN_READ_ONLY);
    assert_int_equal(disk_size(d), 8 * MIB);
    expect(d, 0, 2 * MIB, 1);
    expect(d, 2 * MIB, 4 * MIB, -1);
    expect(d, 6 * MIB, 4096, 2);
    assert_int_equal(disk_block_status(d, 4 * MIB, 2 * MIB, &run), 0);
    assert_int_equal(run, 2 * MIB);
    assert_int_equal(disk_close(d), 0);
}

static void test_winpath(void **state)
{
    char out[64];
    uint8_t u16[64];
    char *dup;

    (void)state;
    assert_int_equal(winpath_relative("/a/b", "/a/b/x.vhd", out, sizeof(out)), 0);
    assert_string_equal(out, ".\\x.vhd");
    assert_int_equal(winpath_relative("/a/b", "/a/bc/x.vhd", out, sizeof(out)), 0);
    assert_string_equal(out, "..\\bc\\x.vhd");
    assert_int_equal(winpath_relative("/a/b/c", "/a/d/x.vhd", out, sizeof(out)), 0);
    assert_string_equal(out, "..\\..\\d\\x.vhd");
    assert_int_equal(winpath_relative("/", "/x.vhd", out, sizeof(out)), 0);
    assert_string_equal(out, ".\\x.vhd");
    assert_int_equal(winpath_relative("/a", "/a/b/x.vhd", out, 6), -ENAMETOOLONG);

    /* "é€😀" both ways, in both byte orders. */
    const char *text = "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80";
    const uint8_t le[] = {0xe9, 0x00, 0xac, 0x20, 0x3d, 0xd8, 0x00, 0xde};

    assert_int_equal(winpath_utf8_to_utf16(text, u16, sizeof(u16), false), 8);
    assert_memory_equal(u16, le, 8);
    assert_int_equal(winpath_utf16_to_utf8(u16, 8, false, out, sizeof(out)), 9);
    assert_string_equal(out, text);
    assert_int_equal(winpath_utf8_to_utf16(text, u16, sizeof(u16), true), 8);
    assert_int_equal(u16[0], 0x00);
    assert_int_equal(u16[1], 0xe9);
    assert_int_equal(winpath_utf16_to_utf8(u16, sizeof(u16), true, out, sizeof(out)) >= 0, 1);
    assert_int_equal(winpath_utf8_to_utf16(text, u16, 6, false), -ENAMETOOLONG);
    assert_int_equal(winpath_utf16_to_utf8(le, 8, false, out, 9), -ENAMETOOLONG);
    /* Malformed UTF-8: overlong, a surrogate, past U+10FFFF, cut short, a stray byte. */
    assert_int_equal(winpath_utf8_to_utf16("\xc0\xaf", u16, sizeof(u16), false), -EILSEQ);
    assert_int_equal(winpath_utf8_to_utf16("\xe0\x80\xaf", u16, sizeof(u16), false), -EILSEQ);
    assert_int_equal(winpath_utf8_to_utf16("\xed\xa0\x80", u16, sizeof(u16), false), -EILSEQ);
    assert_int_equal(winpath_utf8_to_utf16("\xf4\x90\x80\x80", u16, sizeof(u16), false), -EILSEQ);
    assert_int_equal(winpath_utf8_to_utf16("a\xe2\x82", u16, sizeof(u16), false), -EILSEQ);
    assert_int_equal(winpath_utf8_to_utf16("\x80", u16, sizeof(u16), false), -EILSEQ);
    /* Unpaired surrogates. */
    const uint8_t lone_hi[] = {0x3d, 0xd8, 0x41, 0x00}, lone_lo[] = {0x00, 0xde};

    assert_int_equal(winpath_utf16_to_utf8(lone_hi, 4, false, out, sizeof(out)), -EILSEQ);
    assert_int_equal(winpath_utf16_to_utf8(lone_hi, 2, false, out, sizeof(out)), -EILSEQ);
    assert_int_equal(winpath_utf16_to_utf8(lone_lo, 2, false, out, sizeof(out)), -EILSEQ);
    /* The counted form: all of it, no NUL units, even length. */
    dup = winpath_utf16_to_utf8_dup(le, 8, false);
    assert_non_null(dup);
    assert_string_equal(dup, text);
    free(dup);
    const uint8_t with_nul[] = {'a', 0, 0, 0, 'b', 0};

    assert_null(winpath_utf16_to_utf8_dup(with_nul, 6, false));
    assert_null(winpath_utf16_to_utf8_dup(le, 7, false));
    assert_null(winpath_utf16_to_utf8_dup(lone_lo, 2, false));
    assert_int_equal(winpath_utf16_to_utf8(with_nul, 6, false, out, sizeof(out)), 1);
    assert_string_equal(out, "a");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_raw_read_write),
        cmocka_unit_test(test_raw_discard),
        cmocka_unit_test(test_io_checks),
        cmocka_unit_test(test_read_only),
        cmocka_unit_test(test_locks),
        cmocka_unit_test(test_open_errors),
        cmocka_unit_test(test_vhd_fixed),
        cmocka_unit_test(test_vhd_dynamic),
        cmocka_unit_test(test_vhd_dynamic_bitmap),
        cmocka_unit_test(test_vhd_differencing),
        cmocka_unit_test(test_vhd_chain),
        cmocka_unit_test(test_vhd_chain_too_deep),
        cmocka_unit_test(test_vhd_corrupt),
        cmocka_unit_test(test_vhd_threads),
        cmocka_unit_test(test_qemu_reads_ours),
        cmocka_unit_test(test_we_read_qemus),
        cmocka_unit_test(test_convert),
        cmocka_unit_test(test_compact_dynamic),
        cmocka_unit_test(test_compact_differencing),
        cmocka_unit_test(test_expand),
        cmocka_unit_test(test_create_errors),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_vhd_geometry),
        cmocka_unit_test(test_open_by_name),
        cmocka_unit_test(test_open_special_files),
        cmocka_unit_test(test_vhd_oversized_table),
        cmocka_unit_test(test_vhd_bitmap_after_failed_write),
        cmocka_unit_test(test_vhd_data_before_bitmap),
        cmocka_unit_test(test_compact_child_larger_than_parent),
        cmocka_unit_test(test_winpath),
    };

    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
