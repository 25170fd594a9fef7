/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of the VHDX driver (disk/vhdx*.c) through the public disk API:
 * create/write/read/reopen, differencing, 4 KiB sectors, expand, qemu-img
 * interoperability both ways, log replay of hand-made logs, crash
 * consistency under SIGKILL, and hostile images.  Work happens in a mkdtemp
 * directory under /tmp, removed afterwards.  The qemu tests are skipped
 * when qemu-img is missing.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <disk/disk.h>

#include "../../disk/crc32c.h"

#define MiB (1024ull * 1024)
#define GiB (1024ull * MiB)

static char dir[64];
static char err[DISK_ERR_MAX];

static const char *tmp(const char *name)
{
    static char bufs[8][256];
    static int next;
    char *b = bufs[next++ % 8];
    snprintf(b, 256, "%s/%s", dir, name);
    return b;
}

static int setup(void **state)
{
    (void)state;
    strcpy(dir, "/tmp/test_vhdx.XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static bool have_qemu(void)
{
    return access("/usr/bin/qemu-img", X_OK) == 0;
}

static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int run(const char *fmt, ...)
{
    char cmd[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof(cmd), fmt, ap);
    va_end(ap);
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void qemu_check_clean(const char *path)
{
    if (!have_qemu())
        return;
    int r = run("qemu-img check -q -f vhdx '%s' >%s/check.log 2>&1", path, dir);
    if (r != 0)
        run("cat %s/check.log >&2", dir);
    assert_int_equal(r, 0);
}

static void create(const char *path, enum disk_type type, uint64_t size, uint32_t bs, uint32_t lss,
                   const char *parent)
{
    struct disk_create_params p = {.format = DISK_FORMAT_VHDX,
                                   .type = type,
                                   .size = size,
                                   .parent = parent,
                                   .block_size = bs,
                                   .logical_sector_size = lss};
    int r = disk_create(path, &p, err, sizeof(err));
    if (r)
        fprintf(stderr, "%s\n", err);
    assert_int_equal(r, 0);
}

static struct disk *open_disk(const char *path, unsigned flags)
{
    struct disk *d = NULL;
    int r = disk_open(path, flags, &d, err, sizeof(err));
    if (r)
        fprintf(stderr, "%s\n", err);
    assert_int_equal(r, 0);
    return d;
}

static void fill(uint8_t *b, size_t len, uint32_t seed)
{
    for (size_t i = 0; i < len; i++)
        b[i] = (uint8_t)((seed * 2654435761u + i * 7 + (i >> 9)) >> 3);
}

static int dwrite(struct disk *d, uint64_t off, const void *buf, size_t len)
{
    struct iovec io = {(void *)buf, len};
    return disk_writev(d, off, &io, 1);
}

static int dread(struct disk *d, uint64_t off, void *buf, size_t len)
{
    struct iovec io = {buf, len};
    return disk_readv(d, off, &io, 1);
}

/* A write to the image and the same one to a raw mirror. */
static void write_both(struct disk *d, int raw, uint64_t off, size_t len, uint32_t seed)
{
    uint8_t *b = malloc(len);
    fill(b, len, seed);
    assert_int_equal(dwrite(d, off, b, len), 0);
    if (raw >= 0)
        assert_int_equal(pwrite(raw, b, len, (off_t)off), (ssize_t)len);
    free(b);
}

/* The image reads exactly as the raw mirror, chunk by chunk at @offs. */
static void expect_like_raw(struct disk *d, int raw, const uint64_t *offs, size_t n, size_t len)
{
    uint8_t *a = malloc(len), *b = malloc(len);
    for (size_t i = 0; i < n; i++) {
        memset(b, 0, len);
        assert_int_equal(dread(d, offs[i], a, len), 0);
        ssize_t got = pread(raw, b, len, (off_t)offs[i]);
        assert_true(got >= 0);
        assert_memory_equal(a, b, len);
    }
    free(a);
    free(b);
}

static int make_raw(const char *path, uint64_t size)
{
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, (off_t)size), 0);
    return fd;
}

static void qemu_compare(const char *vhdx, const char *raw)
{
    if (!have_qemu())
        return;
    assert_int_equal(run("qemu-img compare -q -f vhdx -F raw '%s' '%s'", vhdx, raw), 0);
}

/* ---- create, write, read back ------------------------------------------------ */

static void rw_roundtrip(enum disk_type type, uint64_t size, uint32_t bs, uint32_t lss,
                         const uint64_t *offs, const size_t *lens, size_t n)
{
    const char *img = tmp("rw.vhdx"), *raw = tmp("rw.raw");
    unlink(img);
    create(img, type, size, bs, lss, NULL);
    int rfd = make_raw(raw, size);
    struct disk *d = open_disk(img, 0);
    struct disk_info info;
    disk_get_info(d, &info);
    assert_int_equal(info.format, DISK_FORMAT_VHDX);
    assert_int_equal(info.type, type);
    assert_int_equal(info.virtual_size, size);
    assert_int_equal(info.logical_sector_size, lss ? lss : 512);
    assert_int_equal(info.block_size, type == DISK_TYPE_FIXED ? 0 : (bs ? bs : 32 * MiB));
    for (size_t i = 0; i < n; i++)
        write_both(d, rfd, offs[i], lens[i], (uint32_t)i + 1);
    size_t maxlen = 0;
    for (size_t i = 0; i < n; i++)
        maxlen = lens[i] > maxlen ? lens[i] : maxlen;
    /* Read back a window around each write (catches spill-over). */
    uint64_t w[64];
    for (size_t i = 0; i < n; i++)
        w[i] = offs[i] >= 4096 ? offs[i] - 4096 : 0,
        w[i] = w[i] + maxlen > size ? size - maxlen : w[i];
    expect_like_raw(d, rfd, w, n, maxlen);
    assert_int_equal(disk_flush(d), 0);
    assert_int_equal(disk_close(d), 0);
    d = open_disk(img, DISK_OPEN_READ_ONLY);
    expect_like_raw(d, rfd, w, n, maxlen);
    uint8_t z[4096], zz[4096] = {0};
    assert_int_equal(dread(d, size - 4096, z, 4096), 0);
    uint8_t rr[4096] = {0};
    assert_int_equal(pread(rfd, rr, 4096, (off_t)(size - 4096)), 4096);
    assert_memory_equal(z, rr, 4096);
    (void)zz;
    assert_int_equal(disk_close(d), 0);
    close(rfd);
    if (lss == 4096)
        return; /* QEMU 7.2 opens only 512-byte logical sectors ("Operation not supported") */
    qemu_check_clean(img);
    qemu_compare(img, raw);
}

static void test_dynamic_rw(void **state)
{
    (void)state;
    /* 1 MiB blocks: writes straddling block boundaries, unaligned to blocks. */
    const uint64_t offs[] = {0, MiB - 512, 3 * MiB + 4096, 7 * MiB - 64 * 1024, 40 * MiB};
    const size_t lens[] = {512, 1024, 3 * MiB, 128 * 1024, 64 * 1024};
    rw_roundtrip(DISK_TYPE_DYNAMIC, 64 * MiB, MiB, 0, offs, lens, 5);
}

static void test_dynamic_default_block(void **state)
{
    (void)state;
    const uint64_t offs[] = {32 * MiB - 4096, 100 * MiB};
    const size_t lens[] = {8192, 4096};
    rw_roundtrip(DISK_TYPE_DYNAMIC, 128 * MiB, 0, 0, offs, lens, 2);
}

static void test_fixed_rw(void **state)
{
    (void)state;
    const uint64_t offs[] = {0, 2 * MiB - 512, 17 * MiB};
    const size_t lens[] = {4096, 2048, MiB};
    rw_roundtrip(DISK_TYPE_FIXED, 24 * MiB, 2 * MiB, 0, offs, lens, 3);
}

/* A fixed VHDX keeps its blocks: no discard is offered (the guest sees no UNMAP). */
static void test_fixed_no_discard(void **state)
{
    (void)state;
    const struct disk_create_params p = {
        .format = DISK_FORMAT_VHDX, .type = DISK_TYPE_FIXED, .size = 8 * MiB};
    struct disk *d;

    assert_int_equal(disk_create(tmp("nodiscard.vhdx"), &p, err, sizeof(err)), 0);
    assert_int_equal(disk_open(tmp("nodiscard.vhdx"), 0, &d, err, sizeof(err)), 0);
    assert_false(disk_can_discard(d));
    assert_int_equal(disk_discard(d, 0, MiB), -EOPNOTSUPP);
    assert_int_equal(disk_close(d), 0);
}

static void test_chunk_boundary(void **state)
{
    (void)state;
    /* 512-byte sectors: a chunk is 4 GiB, after it the BAT has a bitmap slot. */
    const uint64_t offs[] = {4 * GiB - 3 * MiB / 2, 4 * GiB + 5 * MiB, 6 * GiB - 8192};
    const size_t lens[] = {3 * MiB, 4096, 8192};
    rw_roundtrip(DISK_TYPE_DYNAMIC, 6 * GiB, MiB, 0, offs, lens, 3);
}

static void test_4k_sectors(void **state)
{
    (void)state;
    const uint64_t offs[] = {0, 2 * MiB - 4096, 9 * MiB + 512};
    const size_t lens[] = {4096, 8192, 1536};
    rw_roundtrip(DISK_TYPE_DYNAMIC, 16 * MiB, MiB, 4096, offs, lens, 3);
}

static void test_unwritten_reads_zero_and_status(void **state)
{
    (void)state;
    const char *img = tmp("st.vhdx");
    create(img, DISK_TYPE_DYNAMIC, 16 * MiB, MiB, 0, NULL);
    struct disk *d = open_disk(img, 0);
    uint8_t b[8192];
    memset(b, 0xee, sizeof(b));
    assert_int_equal(dread(d, 5 * MiB, b, sizeof(b)), 0);
    for (size_t i = 0; i < sizeof(b); i++)
        assert_int_equal(b[i], 0);
    write_both(d, -1, 2 * MiB + 512, 512, 9);
    uint64_t run;
    assert_int_equal(disk_block_status(d, 0, 16 * MiB, &run), 0);
    assert_int_equal(run, 2 * MiB);
    assert_int_equal(disk_block_status(d, 2 * MiB, 16 * MiB - 2 * MiB, &run), 1);
    assert_int_equal(run, MiB);
    assert_int_equal(disk_block_status(d, 3 * MiB, 13 * MiB, &run), 0);
    assert_int_equal(run, 13 * MiB);
    /* Discard of the whole block: reads as zeros after. */
    assert_true(disk_can_discard(d));
    assert_int_equal(disk_discard(d, 2 * MiB, MiB), 0);
    assert_int_equal(dread(d, 2 * MiB, b, 4096), 0);
    for (size_t i = 0; i < 4096; i++)
        assert_int_equal(b[i], 0);
    assert_int_equal(disk_close(d), 0);
    qemu_check_clean(img);
}

static void test_expand(void **state)
{
    (void)state;
    const char *img = tmp("grow.vhdx"), *raw = tmp("grow.raw");
    /* 1 MiB blocks, 512 B sectors: 8 MiB BAT holds 1 MiB of entries; 200 GiB needs more. */
    create(img, DISK_TYPE_DYNAMIC, 64 * MiB, MiB, 0, NULL);
    int rfd = make_raw(raw, 200 * GiB);
    struct disk *d = open_disk(img, 0);
    write_both(d, rfd, 10 * MiB - 512, 4096, 3);
    assert_int_equal(disk_close(d), 0);
    assert_int_equal(disk_expand(img, 128 * MiB, err, sizeof(err)), 0); /* BAT stays */
    assert_int_equal(disk_expand(img, 200 * GiB, err, sizeof(err)), 0); /* BAT moves */
    d = open_disk(img, 0);
    assert_int_equal(disk_size(d), 200 * GiB);
    write_both(d, rfd, 150 * GiB - 512, 4096, 4);
    write_both(d, rfd, 100 * MiB, 4096, 5);
    const uint64_t offs[] = {10 * MiB - 4096, 150 * GiB - 4096, 100 * MiB, 199 * GiB};
    expect_like_raw(d, rfd, offs, 4, 16384);
    assert_int_equal(disk_close(d), 0);
    close(rfd);
    qemu_check_clean(img);
    /* Not qemu-img compare: QEMU 7.2 has no block status for VHDX and would
     * read all 200 GiB.  Its idea of the size will do. */
    if (have_qemu())
        assert_int_equal(run("qemu-img info -f vhdx '%s' | grep -q '(214748364800 bytes)'", img),
                         0);
}

/* ---- differencing ------------------------------------------------------------ */

static void test_differencing(void **state)
{
    (void)state;
    const char *base = tmp("base.vhdx"), *child = tmp("child.vhdx");
    create(base, DISK_TYPE_DYNAMIC, 16 * MiB, MiB, 0, NULL);
    struct disk *d = open_disk(base, 0);
    uint8_t *a = malloc(4 * MiB), *b = malloc(4 * MiB), *c = malloc(4 * MiB);
    fill(a, 4 * MiB, 77);
    assert_int_equal(dwrite(d, 0, a, 4 * MiB), 0);
    assert_int_equal(disk_close(d), 0);

    char absbase[4096];
    assert_non_null(realpath(base, absbase));
    create(child, DISK_TYPE_DIFFERENCING, 0, MiB, 0, absbase);
    d = open_disk(child, 0);
    struct disk_info info;
    disk_get_info(d, &info);
    assert_int_equal(info.type, DISK_TYPE_DIFFERENCING);
    assert_int_equal(info.virtual_size, 16 * MiB);
    assert_non_null(disk_parent(d));
    /* Falls through to the parent. */
    assert_int_equal(dread(d, 0, b, 4 * MiB), 0);
    assert_memory_equal(a, b, 4 * MiB);
    /* A write inside a block keeps the parent's data around it. */
    fill(c, 8192, 5);
    assert_int_equal(dwrite(d, MiB + 4096, c, 8192), 0);
    memcpy(a + MiB + 4096, c, 8192);
    assert_int_equal(dread(d, 0, b, 4 * MiB), 0);
    assert_memory_equal(a, b, 4 * MiB);
    uint64_t run;
    assert_int_equal(disk_block_status(d, 0, 16 * MiB, &run), 0);
    assert_int_equal(run, MiB);
    assert_int_equal(disk_close(d), 0);

    /* Reopen: same data, the base untouched. */
    d = open_disk(child, DISK_OPEN_READ_ONLY);
    assert_int_equal(dread(d, 0, b, 4 * MiB), 0);
    assert_memory_equal(a, b, 4 * MiB);
    assert_int_equal(disk_close(d), 0);
    d = open_disk(base, DISK_OPEN_READ_ONLY);
    assert_int_equal(dread(d, MiB + 4096, b, 8192), 0);
    assert_memory_not_equal(b, c, 8192);
    assert_int_equal(disk_close(d), 0);

    /* Found by its relative path after the pair moves. */
    char cmd[512];
    snprintf(cmd, sizeof(cmd), "mkdir -p %s/moved && mv %s %s %s/moved/", dir, base, child, dir);
    assert_int_equal(system(cmd), 0);
    d = open_disk(tmp("moved/child.vhdx"), DISK_OPEN_READ_ONLY);
    assert_int_equal(dread(d, 0, b, 4 * MiB), 0);
    assert_memory_equal(a, b, 4 * MiB);
    assert_int_equal(disk_close(d), 0);

    /* The parent changes: the child refuses. */
    d = open_disk(tmp("moved/base.vhdx"), 0);
    assert_int_equal(dwrite(d, 0, c, 512), 0);
    assert_int_equal(disk_close(d), 0);
    struct disk *x = NULL;
    assert_true(disk_open(tmp("moved/child.vhdx"), 0, &x, err, sizeof(err)) < 0);
    assert_non_null(strstr(err, "changed"));
    free(a);
    free(b);
    free(c);
}

/* ---- qemu-img made images ---------------------------------------------------- */

static void qemu_made(const char *opts, uint64_t size)
{
    if (!have_qemu()) {
        skip();
        return;
    }
    const char *img = tmp("q.vhdx"), *raw = tmp("q.raw");
    unlink(img);
    assert_int_equal(
        run("qemu-img create -q -f vhdx %s '%s' %llu", opts, img, (unsigned long long)size), 0);
    int rfd = make_raw(raw, size);
    static const struct {
        uint64_t off, len;
        int pat;
    } w[] = {{0, 65536, 0x11}, {MiB - 512, 4096, 0x22}, {5 * MiB + 512, 3 * MiB, 0x33}};
    bool qemu_io = access("/usr/bin/qemu-io", X_OK) == 0;
    for (size_t i = 0; i < 3; i++) {
        uint8_t *b = malloc(w[i].len);
        memset(b, w[i].pat, w[i].len);
        assert_int_equal(pwrite(rfd, b, w[i].len, (off_t)w[i].off), (ssize_t)w[i].len);
        free(b);
        if (qemu_io)
            assert_int_equal(run("qemu-io -f vhdx -c 'write -P %d %llu %llu' '%s' >/dev/null",
                                 w[i].pat, (unsigned long long)w[i].off,
                                 (unsigned long long)w[i].len, img),
                             0);
    }
    if (!qemu_io) {
        unlink(img);
        assert_int_equal(run("qemu-img convert -q -f raw -O vhdx %s '%s' '%s'", opts, raw, img), 0);
    }
    struct disk *d = open_disk(img, DISK_OPEN_READ_ONLY);
    assert_int_equal(disk_size(d), size);
    const uint64_t offs[] = {0, MiB - 8192, 5 * MiB, 7 * MiB, 9 * MiB};
    expect_like_raw(d, rfd, offs, 5, 2 * MiB);
    assert_int_equal(disk_close(d), 0);
    /* Our writes into their image: qemu still likes it. */
    d = open_disk(img, 0);
    write_both(d, rfd, 12 * MiB - 1024, 8192, 42);
    assert_int_equal(disk_close(d), 0);
    close(rfd);
    qemu_check_clean(img);
    qemu_compare(img, raw);
}

static void test_qemu_dynamic(void **state)
{
    (void)state;
    qemu_made("", 64 * MiB);
}
static void test_qemu_fixed(void **state)
{
    (void)state;
    qemu_made("-o subformat=fixed", 32 * MiB);
}
static void test_qemu_1m_blocks(void **state)
{
    (void)state;
    qemu_made("-o block_size=1M", 48 * MiB);
}

/* ---- hand-made structures (independent of the driver's encoders) -------------- */

static void put32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4); /* little-endian host (x86-64) */
}
static void put64(uint8_t *p, uint64_t v)
{
    memcpy(p, &v, 8);
}
static uint64_t get64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}
static uint32_t get32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static void pread_at(const char *path, void *buf, size_t len, uint64_t off)
{
    int fd = open(path, O_RDONLY);
    assert_true(fd >= 0);
    assert_int_equal(pread(fd, buf, len, (off_t)off), (ssize_t)len);
    close(fd);
}
static void pwrite_at(const char *path, const void *buf, size_t len, uint64_t off)
{
    int fd = open(path, O_RDWR);
    assert_true(fd >= 0);
    assert_int_equal(pwrite(fd, buf, len, (off_t)off), (ssize_t)len);
    close(fd);
}

/* Header copy @i (0, 1); whether its checksum is good. */
static bool header_get(const char *path, int i, uint8_t h[4096])
{
    pread_at(path, h, 4096, (i + 1) * 65536ull);
    uint32_t sum = get32(h + 4);
    put32(h + 4, 0);
    bool ok = memcmp(h, "head", 4) == 0 && crc32c(h, 4096) == sum;
    put32(h + 4, sum);
    return ok;
}
static void header_put(const char *path, int i, uint8_t h[4096])
{
    put32(h + 4, 0);
    put32(h + 4, crc32c(h, 4096));
    pwrite_at(path, h, 4096, (i + 1) * 65536ull);
}
/* Both headers set to the current one with LogGuid @g and a higher sequence. */
static void set_log_guid(const char *path, const uint8_t g[16])
{
    uint8_t a[4096], b[4096];
    assert_true(header_get(path, 0, a));
    assert_true(header_get(path, 1, b));
    uint8_t *cur = get64(a + 8) > get64(b + 8) ? a : b;
    uint64_t seq = get64(cur + 8);
    memcpy(cur + 48, g, 16);
    put64(cur + 8, seq + 1);
    header_put(path, 0, cur);
    put64(cur + 8, seq + 2);
    header_put(path, 1, cur);
}
static void current_log_guid(const char *path, uint8_t g[16])
{
    uint8_t a[4096], b[4096];
    bool oa = header_get(path, 0, a), ob = header_get(path, 1, b);
    assert_true(oa || ob);
    uint8_t *cur = !oa ? b : !ob ? a : get64(a + 8) > get64(b + 8) ? a : b;
    memcpy(g, cur + 48, 16);
}

/* Region table @i, checksum refreshed after @edit. */
static void region_edit(const char *path, void (*edit)(uint8_t *t))
{
    uint8_t *t = malloc(65536);
    for (int i = 0; i < 2; i++) {
        pread_at(path, t, 65536, (3 + i) * 65536ull);
        edit(t);
        put32(t + 4, 0);
        put32(t + 4, crc32c(t, 65536));
        pwrite_at(path, t, 65536, (3 + i) * 65536ull);
    }
    free(t);
}

/* One log entry: data descriptors for 4 KiB sectors, zero descriptors. */
struct ldesc {
    bool zero;
    uint64_t off, len;
    const uint8_t *data;
};
static size_t log_entry(uint8_t *out, uint64_t seq, uint32_t tail, const uint8_t guid[16],
                        const struct ldesc *ds, size_t n, uint64_t flushed, uint64_t last)
{
    size_t dsec = (64 + 32 * n + 4095) / 4096, ndata = 0;
    for (size_t i = 0; i < n; i++)
        ndata += !ds[i].zero;
    size_t len = (dsec + ndata) * 4096, k = 0;
    memset(out, 0, len);
    memcpy(out, "loge", 4);
    put32(out + 8, (uint32_t)len);
    put32(out + 12, tail);
    put64(out + 16, seq);
    put32(out + 24, (uint32_t)n);
    memcpy(out + 32, guid, 16);
    put64(out + 48, flushed);
    put64(out + 56, last);
    for (size_t i = 0; i < n; i++) {
        uint8_t *d = out + 64 + 32 * i;
        put64(d + 16, ds[i].off);
        put64(d + 24, seq);
        if (ds[i].zero) {
            memcpy(d, "zero", 4);
            put64(d + 8, ds[i].len);
            continue;
        }
        memcpy(d, "desc", 4);
        memcpy(d + 4, ds[i].data + 4092, 4);
        memcpy(d + 8, ds[i].data, 8);
        uint8_t *s = out + (dsec + k++) * 4096;
        memcpy(s, "data", 4);
        put32(s + 4, (uint32_t)(seq >> 32));
        memcpy(s + 8, ds[i].data + 8, 4084);
        put32(s + 4092, (uint32_t)seq);
    }
    put32(out + 4, crc32c(out, len));
    return len;
}

/* A dynamic image with block 0 written; its file offset. */
static uint64_t image_with_block0(const char *img)
{
    unlink(img);
    create(img, DISK_TYPE_DYNAMIC, 16 * MiB, MiB, 0, NULL);
    struct disk *d = open_disk(img, 0);
    write_both(d, -1, 0, 65536, 1);
    assert_int_equal(disk_close(d), 0);
    uint8_t e[8];
    pread_at(img, e, 8, 3 * MiB); /* our layout: the BAT at 3 MiB */
    assert_int_equal(get64(e) & 7, 6);
    return get64(e) >> 20 << 20;
}

static void test_log_replay(void **state)
{
    (void)state;
    const char *img = tmp("log.vhdx");
    uint64_t blk = image_with_block0(img);
    struct stat st;
    assert_int_equal(stat(img, &st), 0);
    uint8_t sec[4096], sec2[4096], guid[16], entry[3 * 4096];
    memset(sec, 0x5a, sizeof(sec));
    memcpy(sec, "LEADING!", 8);
    memcpy(sec + 4092, "TAIL", 4);
    for (int i = 0; i < 16; i++)
        guid[i] = (uint8_t)(0x40 + i);
    /* Entry 1 (seq 7): sector 1 of block 0 becomes 0x5a; also a BAT change:
     * block 3 becomes ZERO (it reads zeros anyway). */
    uint8_t bat[4096];
    pread_at(img, bat, 4096, 3 * MiB);
    put64(bat + 3 * 8, 2);
    struct ldesc d1[] = {{false, blk + 4096, 0, sec}, {false, 3 * MiB, 0, bat}};
    size_t l1 = log_entry(entry, 7, 0, guid, d1, 2, (uint64_t)st.st_size, (uint64_t)st.st_size);
    pwrite_at(img, entry, l1, MiB);
    /* Entry 2 (seq 8), same sequence (tail 0): zeroes sector 3. */
    struct ldesc d2[] = {{true, blk + 3 * 4096, 4096, NULL}};
    size_t l2 = log_entry(entry, 8, 0, guid, d2, 1, (uint64_t)st.st_size, (uint64_t)st.st_size);
    pwrite_at(img, entry, l2, MiB + l1);
    set_log_guid(img, guid);

    /* Read-only: refused, with the reason. */
    struct disk *d = NULL;
    assert_true(disk_open(img, DISK_OPEN_READ_ONLY, &d, err, sizeof(err)) < 0);
    assert_non_null(strstr(err, "log"));

    d = open_disk(img, 0);
    assert_int_equal(dread(d, 4096, sec2, 4096), 0);
    assert_memory_equal(sec, sec2, 4096);
    assert_int_equal(dread(d, 3 * 4096, sec2, 4096), 0);
    for (int i = 0; i < 4096; i++)
        assert_int_equal(sec2[i], 0);
    uint8_t orig[4096];
    fill(orig, 4096, 1); /* block 0's first sector unchanged */
    assert_int_equal(dread(d, 0, sec2, 4096), 0);
    assert_memory_equal(orig, sec2, 4096);
    assert_int_equal(disk_close(d), 0);
    uint8_t g[16], zero[16] = {0};
    current_log_guid(img, g);
    assert_memory_equal(g, zero, 16);
    pread_at(img, bat, 8, 3 * MiB + 24);
    assert_int_equal(get64(bat), 2);
    qemu_check_clean(img);
}

static void test_log_bad_crc_uses_previous(void **state)
{
    (void)state;
    const char *img = tmp("log2.vhdx");
    uint64_t blk = image_with_block0(img);
    struct stat st;
    assert_int_equal(stat(img, &st), 0);
    uint8_t x[4096], y[4096], got[4096], guid[16], entry[2 * 4096];
    memset(x, 0x58, sizeof(x));
    memset(y, 0x59, sizeof(y));
    for (int i = 0; i < 16; i++)
        guid[i] = (uint8_t)(0x90 + i);
    struct ldesc dx[] = {{false, blk, 0, x}}, dy[] = {{false, blk, 0, y}};
    size_t l = log_entry(entry, 100, 0, guid, dx, 1, (uint64_t)st.st_size, 0);
    pwrite_at(img, entry, l, MiB);
    /* A newer sequence at 64 KiB whose checksum is wrong: not valid. */
    l = log_entry(entry, 101, 65536, guid, dy, 1, (uint64_t)st.st_size, 0);
    entry[4096 + 100] ^= 1;
    pwrite_at(img, entry, l, MiB + 65536);
    set_log_guid(img, guid);
    struct disk *d = open_disk(img, 0);
    assert_int_equal(dread(d, 0, got, 4096), 0);
    assert_memory_equal(got, x, 4096);
    assert_int_equal(disk_close(d), 0);
    qemu_check_clean(img);
}

/* ---- crash consistency ------------------------------------------------------------ */

#define CR_SIZE   (24 * MiB)
#define CR_WRITE  (64 * 1024)
#define CR_FLUSH  4
#define CR_SECTOR 512

static uint64_t cr_rng(uint64_t *s)
{
    *s ^= *s << 13, *s ^= *s >> 7, *s ^= *s << 17;
    return *s;
}
static uint64_t cr_offset(uint32_t iter, uint32_t i)
{
    uint64_t s = ((uint64_t)iter << 32 | i) * 0x9E3779B97F4A7C15ull + 1;
    cr_rng(&s);
    /* Biased to straddle a block boundary. */
    uint64_t blk = cr_rng(&s) % (CR_SIZE / MiB - 1) + 1;
    int64_t delta = (int64_t)(cr_rng(&s) % (2 * CR_WRITE / CR_SECTOR)) * CR_SECTOR - CR_WRITE;
    return blk * MiB + (uint64_t)delta;
}
static void cr_pattern(uint8_t *b, uint32_t iter, uint32_t i)
{
    for (uint32_t s = 0; s < CR_WRITE / CR_SECTOR; s++) {
        uint8_t *p = b + s * CR_SECTOR;
        memset(p, (int)((iter * 131 + i * 7 + s) | 1), CR_SECTOR);
        put32(p, iter + 1);
        put32(p + 4, i + 1);
        put32(p + 8, s);
    }
}

static void crash_child(const char *img, uint32_t iter, int wfd)
{
    struct disk *d;
    uint8_t *b = malloc(CR_WRITE);
    if (disk_open(img, 0, &d, err, sizeof(err)) < 0)
        _exit(2);
    for (uint32_t i = 0;; i++) {
        cr_pattern(b, iter, i);
        if (dwrite(d, cr_offset(iter, i), b, CR_WRITE) < 0)
            _exit(3);
        if (i % CR_FLUSH == CR_FLUSH - 1) {
            if (disk_flush(d) < 0)
                _exit(4);
            uint32_t done = i + 1; /* writes [0, done) are durable */
            if (write(wfd, &done, 4) != 4)
                _exit(5);
        }
    }
}

static void test_crash_consistency(void **state)
{
    (void)state;
    const char *img = tmp("crash.vhdx");
    create(img, DISK_TYPE_DYNAMIC, CR_SIZE, MiB, 0, NULL);
    uint8_t *model = calloc(1, CR_SIZE), *now = malloc(CR_SIZE), *pat = malloc(CR_WRITE);
    srand((unsigned)time(NULL));
    int total_flushed = 0;
    for (uint32_t iter = 0; iter < 20; iter++) {
        int p[2];
        assert_int_equal(pipe(p), 0);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            close(p[0]);
            crash_child(img, iter, p[1]);
        }
        close(p[1]);
        usleep((useconds_t)(20000 + rand() % 150000));
        kill(pid, SIGKILL);
        int wst;
        assert_int_equal(waitpid(pid, &wst, 0), pid);
        assert_true(WIFSIGNALED(wst));
        uint32_t done = 0, v;
        while (read(p[0], &v, 4) == 4)
            done = v;
        close(p[0]);
        total_flushed += (int)done;

        qemu_check_clean(img);
        struct disk *d = open_disk(img, 0);
        assert_int_equal(dread(d, 0, now, CR_SIZE), 0);
        assert_int_equal(disk_close(d), 0);
        /* The model with every flushed write; later ones (at most CR_FLUSH) may show. */
        for (uint32_t i = 0; i < done; i++) {
            cr_pattern(pat, iter, i);
            memcpy(model + cr_offset(iter, i), pat, CR_WRITE);
        }
        for (uint64_t s = 0; s < CR_SIZE; s += CR_SECTOR) {
            if (memcmp(now + s, model + s, CR_SECTOR) == 0)
                continue;
            bool ok = false;
            for (uint32_t i = done; i < done + CR_FLUSH && !ok; i++) {
                uint64_t o = cr_offset(iter, i);
                if (s < o || s >= o + CR_WRITE)
                    continue;
                cr_pattern(pat, iter, i);
                ok = memcmp(now + s, pat + (s - o), CR_SECTOR) == 0;
            }
            if (!ok)
                fail_msg("iteration %u: sector %llu is neither old nor new", iter,
                         (unsigned long long)s);
        }
        memcpy(model, now, CR_SIZE);
    }
    assert_true(total_flushed > 0); /* the children did get work done */
    free(model);
    free(now);
    free(pat);
}

/* ---- hostile images ---------------------------------------------------------------- */

static const char *fresh(void)
{
    const char *img = tmp("bad.vhdx");
    unlink(img);
    create(img, DISK_TYPE_DYNAMIC, 16 * MiB, MiB, 0, NULL);
    return img;
}

static void expect_refused(const char *img)
{
    struct disk *d = NULL;
    err[0] = 0;
    int r = disk_open(img, 0, &d, err, sizeof(err));
    if (r == 0)
        disk_close(d);
    assert_true(r < 0);
    assert_true(err[0] != 0);
}

static void test_bad_headers(void **state)
{
    (void)state;
    const char *img = fresh();
    uint8_t junk[4] = {1, 2, 3, 4};
    pwrite_at(img, junk, 4, 65536 + 200); /* header 1: checksum now wrong */
    struct disk *d = open_disk(img, 0);   /* header 2 serves */
    assert_int_equal(disk_close(d), 0);
    img = fresh();
    pwrite_at(img, junk, 4, 65536 + 200);
    pwrite_at(img, junk, 4, 131072 + 200);
    expect_refused(img);
}

static void edit_bat_outside(uint8_t *t)
{
    for (int i = 0; i < 2; i++)
        if (get32(t + 16 + 32 * i) == 0x2DC27766)
            put64(t + 16 + 32 * i + 16, 1ull << 40);
}
static void edit_overlap(uint8_t *t)
{
    /* the metadata region where the BAT is */
    uint64_t bat = 0;
    for (int i = 0; i < 2; i++)
        if (get32(t + 16 + 32 * i) == 0x2DC27766)
            bat = get64(t + 16 + 32 * i + 16);
    for (int i = 0; i < 2; i++)
        if (get32(t + 16 + 32 * i) != 0x2DC27766)
            put64(t + 16 + 32 * i + 16, bat);
}
static void edit_unknown_required(uint8_t *t)
{
    put32(t + 8, 3);
    memset(t + 16 + 64, 0xab, 16);
    put64(t + 16 + 64 + 16, 8 * MiB);
    put32(t + 16 + 64 + 24, MiB);
    put32(t + 16 + 64 + 28, 1);
}

static void test_bad_regions(void **state)
{
    (void)state;
    const char *img = fresh();
    region_edit(img, edit_bat_outside);
    expect_refused(img);
    img = fresh();
    region_edit(img, edit_overlap);
    expect_refused(img);
    img = fresh();
    assert_int_equal(truncate(img, 16 * MiB), 0);
    region_edit(img, edit_unknown_required);
    expect_refused(img);
}

static void test_bat_beyond_eof(void **state)
{
    (void)state;
    const char *img = fresh();
    uint8_t e[8];
    put64(e, (1ull << 30) << 10 | 6); /* 1 TiB, FULLY_PRESENT */
    pwrite_at(img, e, 8, 3 * MiB + 8);
    struct disk *d = open_disk(img, DISK_OPEN_READ_ONLY);
    uint8_t b[4096];
    assert_int_equal(dread(d, MiB, b, sizeof(b)), -EIO);
    assert_int_equal(dread(d, 0, b, sizeof(b)), 0);
    assert_int_equal(disk_close(d), 0);
    /* One pointing into the headers is refused outright. */
    put64(e, 0ull << 20 | 6);
    pwrite_at(img, e, 8, 3 * MiB + 8);
    expect_refused(img);
}

static void test_bad_metadata(void **state)
{
    (void)state;
    /* Our layout: the metadata table at 2 MiB, File Parameters first, at 64 KiB. */
    const uint64_t meta = 2 * MiB, fp = meta + 65536;
    static const uint32_t bad_bs[] = {0, 3 * MiB, 512 * MiB, 512 * 1024};
    for (size_t i = 0; i < 4; i++) {
        const char *img = fresh();
        uint8_t b[4];
        put32(b, bad_bs[i]);
        pwrite_at(img, b, 4, fp);
        expect_refused(img);
    }
    const char *img = fresh();
    uint8_t b[8];
    put32(b, 2 * MiB); /* item length */
    pwrite_at(img, b, 4, meta + 32 + 20);
    expect_refused(img);
    img = fresh();
    put32(b, 0xFFFFFFF0u); /* item offset */
    pwrite_at(img, b, 4, meta + 32 + 16);
    expect_refused(img);
    img = fresh();
    put64(b, 65 * 1024 * GiB); /* virtual size, the second item */
    pwrite_at(img, b, 8, fp + 8);
    expect_refused(img);
    img = fresh();
    put32(b, 1000); /* logical sector size */
    pwrite_at(img, b, 4, fp + 32);
    expect_refused(img);
    img = fresh();
    b[0] = 0xAB; /* unknown required item: change the first ID */
    pwrite_at(img, b, 1, meta + 32);
    expect_refused(img);
}

static void test_bad_log(void **state)
{
    (void)state;
    const char *img = tmp("badlog.vhdx");
    uint64_t blk = image_with_block0(img);
    uint8_t x[4096], guid[16], entry[2 * 4096];
    memset(x, 0x77, sizeof(x));
    memset(guid, 0x31, sizeof(guid));
    struct ldesc dx[] = {{false, blk, 0, x}};
    size_t l = log_entry(entry, 3, 0, guid, dx, 1, 0, 0);
    /* Claims to be longer than the log region (checksum made to match). */
    put32(entry + 8, 2 * MiB);
    put32(entry + 4, 0);
    put32(entry + 4, crc32c(entry, l));
    pwrite_at(img, entry, l, MiB);
    set_log_guid(img, guid);
    struct disk *d = NULL;
    int r = disk_open(img, 0, &d, err, sizeof(err));
    if (r == 0) {
        uint8_t got[4096];
        assert_int_equal(dread(d, 0, got, 4096), 0);
        assert_memory_not_equal(got, x, 4096); /* not replayed */
        assert_int_equal(disk_close(d), 0);
    }
    /* A valid entry that writes into the header area: refused. */
    img = tmp("badlog2.vhdx");
    image_with_block0(img);
    struct ldesc dh[] = {{false, 64 * 1024, 0, x}};
    l = log_entry(entry, 3, 0, guid, dh, 1, 0, 0);
    pwrite_at(img, entry, l, MiB);
    set_log_guid(img, guid);
    expect_refused(img);
}

/* Header fields of the current header set in both copies (with higher
 * sequence numbers): the log's place and length. */
static void set_log_region(const char *path, uint64_t off, uint32_t len)
{
    uint8_t a[4096], b[4096];
    assert_true(header_get(path, 0, a));
    assert_true(header_get(path, 1, b));
    uint8_t *cur = get64(a + 8) > get64(b + 8) ? a : b;
    uint64_t seq = get64(cur + 8);
    put32(cur + 68, len);
    put64(cur + 72, off);
    put64(cur + 8, seq + 1);
    header_put(path, 0, cur);
    put64(cur + 8, seq + 2);
    header_put(path, 1, cur);
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A log full of entry headers each claiming the whole log: checked in one
 * pass (not a checksum of the whole log per 4 KiB slot), so the open is
 * quick; logs past the replay limit are refused only when they must be
 * replayed. */
static void test_log_crafted_headers_fast(void **state)
{
    (void)state;
    const uint32_t log_len = 8 * MiB;
    const char *img = tmp("manyloge.vhdx");
    image_with_block0(img);
    struct stat st;
    assert_int_equal(stat(img, &st), 0);
    uint64_t log_off = ((uint64_t)st.st_size + MiB - 1) / MiB * MiB;
    assert_int_equal(truncate(img, (off_t)(log_off + 16 * MiB)), 0);
    uint8_t guid[16], *log = calloc(1, log_len);
    memset(guid, 0x6c, sizeof(guid));
    for (uint32_t i = 0; i < log_len / 4096; i++) {
        uint8_t *h = log + (size_t)i * 4096;
        memcpy(h, "loge", 4);
        put32(h + 4, 0x12345678); /* wrong, but only the checksum */
        put32(h + 8, log_len);
        put32(h + 12, 0);
        put64(h + 16, i + 1);
        put32(h + 24, 0);
        memcpy(h + 32, guid, 16);
    }
    pwrite_at(img, log, log_len, log_off);
    free(log);
    set_log_region(img, log_off, log_len);
    set_log_guid(img, guid);
    double t0 = now_seconds();
    struct disk *d = open_disk(img, 0); /* no valid entry: the log is empty */
    double took = now_seconds() - t0;
    assert_int_equal(disk_close(d), 0);
    assert_true(took < 0.5);
    uint8_t g[16], zero[16] = {0};
    current_log_guid(img, g);
    assert_memory_equal(g, zero, 16);

    /* 16 MiB: opens clean; with LogGuid set it is refused, saying why. */
    set_log_region(img, log_off, 16 * MiB);
    d = open_disk(img, DISK_OPEN_READ_ONLY);
    assert_int_equal(disk_close(d), 0);
    set_log_guid(img, guid);
    d = NULL;
    assert_true(disk_open(img, 0, &d, err, sizeof(err)) < 0);
    assert_non_null(strstr(err, "log"));
    assert_non_null(strstr(err, "MiB"));
}

/* Compacting a differencing image keeps the blocks that read as zeros over
 * a parent with data: discarded ones, and ZERO ones (BAT state 2). */
static void test_compact_differencing_keeps_zeros(void **state)
{
    (void)state;
    const char *base = tmp("cbase.vhdx"), *child = tmp("cchild.vhdx");
    create(base, DISK_TYPE_DYNAMIC, 8 * MiB, MiB, 0, NULL);
    struct disk *d = open_disk(base, 0);
    uint8_t *a = malloc(4 * MiB), *b = malloc(4 * MiB), *c = malloc(MiB);
    fill(a, 4 * MiB, 21);
    assert_int_equal(dwrite(d, 0, a, 4 * MiB), 0);
    assert_int_equal(disk_close(d), 0);
    char absbase[4096];
    assert_non_null(realpath(base, absbase));
    create(child, DISK_TYPE_DIFFERENCING, 0, MiB, 0, absbase);
    d = open_disk(child, 0);
    fill(c, MiB, 22);
    assert_int_equal(dwrite(d, 0, c, MiB), 0); /* block 0: the child's data */
    memcpy(a, c, MiB);
    memset(c, 0, MiB);
    assert_int_equal(dwrite(d, MiB, c, MiB), 0); /* block 1: written, then discarded */
    assert_int_equal(disk_discard(d, MiB, MiB), 0);
    assert_int_equal(disk_close(d), 0);
    memset(a + MiB, 0, MiB);
    /* Block 2 ZERO by hand (as Hyper-V may leave it); block 3 the parent's. */
    uint8_t e[8];
    put64(e, 2);
    pwrite_at(child, e, 8, 3 * MiB + 2 * 8);
    memset(a + 2 * MiB, 0, MiB);

    d = open_disk(child, DISK_OPEN_READ_ONLY);
    assert_int_equal(dread(d, 0, b, 4 * MiB), 0);
    assert_memory_equal(a, b, 4 * MiB);
    uint64_t run;
    assert_int_equal(disk_block_status(d, 2 * MiB, 2 * MiB, &run), 1);
    assert_int_equal(run, MiB);
    assert_int_equal(disk_close(d), 0);

    assert_int_equal(disk_compact(child, NULL, NULL, err, sizeof(err)), 0);
    d = open_disk(child, DISK_OPEN_READ_ONLY);
    assert_int_equal(dread(d, 0, b, 4 * MiB), 0);
    assert_memory_equal(a, b, 4 * MiB);
    assert_int_equal(disk_close(d), 0);
    free(a);
    free(b);
    free(c);
}

/* The parent in a sibling directory whose name the child's extends
 * (disks/ and disks2/): the relative path climbs out ("..\disks\..."). */
static void test_relative_parent_sibling_prefix(void **state)
{
    (void)state;
    char cmd[512], absbase[4096];
    snprintf(cmd, sizeof(cmd), "mkdir -p %s/x/disks %s/x/disks2", dir, dir);
    assert_int_equal(system(cmd), 0);
    const char *base = tmp("x/disks/base.vhdx"), *child = tmp("x/disks2/child.vhdx");
    create(base, DISK_TYPE_DYNAMIC, 8 * MiB, MiB, 0, NULL);
    struct disk *d = open_disk(base, 0);
    uint8_t a[4096], b[4096];
    fill(a, sizeof(a), 31);
    assert_int_equal(dwrite(d, 0, a, sizeof(a)), 0);
    assert_int_equal(disk_close(d), 0);
    assert_non_null(realpath(base, absbase));
    create(child, DISK_TYPE_DIFFERENCING, 0, MiB, 0, absbase);
    /* Both directories move together: only the relative path finds the parent. */
    snprintf(cmd, sizeof(cmd), "mv %s/x %s/y", dir, dir);
    assert_int_equal(system(cmd), 0);
    d = open_disk(tmp("y/disks2/child.vhdx"), DISK_OPEN_READ_ONLY);
    assert_int_equal(dread(d, 0, b, sizeof(b)), 0);
    assert_memory_equal(a, b, sizeof(b));
    assert_int_equal(disk_close(d), 0);
}

/* Random damage in the first MiBs: errors, never a crash (ASan watches). */
static void test_fuzz(void **state)
{
    (void)state;
    const char *img = tmp("fuzz.vhdx"), *tpl = tmp("fuzz_tpl.vhdx");
    unlink(tpl);
    create(tpl, DISK_TYPE_DYNAMIC, 16 * MiB, MiB, 0, NULL);
    struct disk *d = open_disk(tpl, 0);
    write_both(d, -1, 0, 4096, 3);
    assert_int_equal(disk_close(d), 0);
    uint64_t s = 12345;
    int opened = 0;
    for (int i = 0; i < 300; i++) {
        char cmd[512];
        snprintf(cmd, sizeof(cmd), "cp %s %s", tpl, img);
        assert_int_equal(system(cmd), 0);
        int fd = open(img, O_RDWR);
        for (int k = 0; k < 4; k++) {
            /* Aim at the structures: headers, region tables, metadata, BAT. */
            static const uint64_t base[] = {65536,   131072,          196608,
                                            2 * MiB, 2 * MiB + 65536, 3 * MiB};
            uint64_t off = base[cr_rng(&s) % 6] + cr_rng(&s) % 128;
            uint8_t v = (uint8_t)cr_rng(&s);
            assert_int_equal(pwrite(fd, &v, 1, (off_t)off), 1);
        }
        close(fd);
        if (disk_open(img, 0, &d, err, sizeof(err)) == 0) {
            uint8_t b[8192];
            dread(d, 0, b, sizeof(b));
            dwrite(d, 5 * MiB - 4096, b, sizeof(b));
            disk_close(d);
            opened++;
        }
    }
    assert_true(opened > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dynamic_rw),
        cmocka_unit_test(test_dynamic_default_block),
        cmocka_unit_test(test_fixed_rw),
        cmocka_unit_test(test_fixed_no_discard),
        cmocka_unit_test(test_chunk_boundary),
        cmocka_unit_test(test_4k_sectors),
        cmocka_unit_test(test_unwritten_reads_zero_and_status),
        cmocka_unit_test(test_expand),
        cmocka_unit_test(test_differencing),
        cmocka_unit_test(test_qemu_dynamic),
        cmocka_unit_test(test_qemu_fixed),
        cmocka_unit_test(test_qemu_1m_blocks),
        cmocka_unit_test(test_log_replay),
        cmocka_unit_test(test_log_bad_crc_uses_previous),
        cmocka_unit_test(test_crash_consistency),
        cmocka_unit_test(test_bad_headers),
        cmocka_unit_test(test_bad_regions),
        cmocka_unit_test(test_bat_beyond_eof),
        cmocka_unit_test(test_bad_metadata),
        cmocka_unit_test(test_bad_log),
        cmocka_unit_test(test_log_crafted_headers_fast),
        cmocka_unit_test(test_compact_differencing_keeps_zeros),
        cmocka_unit_test(test_relative_parent_sibling_prefix),
        cmocka_unit_test(test_fuzz),
    };
    return cmocka_run_group_tests_name("disk_vhdx", tests, setup, teardown);
}
