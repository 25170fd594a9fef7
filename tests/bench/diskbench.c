// SPDX-License-Identifier: GPL-2.0-only
/*
 * diskbench MODE FILE [SECONDS]: disk throughput with O_DIRECT, the same
 * program in the parent (on an image file) and in a child (on the SCSI
 * disk backed by it), so that the two numbers compare.
 *
 *   seqread   1 MiB reads from the start, wrapping at the end
 *   seqwrite  1 MiB writes from the start, wrapping; fdatasync at the end
 *   randread  4 KiB reads at random 4 KiB-aligned offsets
 *
 * Runs for SECONDS (default 5) and prints one line:
 *   diskbench: MODE BYTES_PER_S IOPS
 * Built static (tests/bench/storage-throughput), so it runs in a child's
 * busybox initramfs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <linux/fs.h>

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t size_of(int fd)
{
    struct stat st;
    uint64_t bytes = 0;

    if (fstat(fd, &st) != 0)
        return 0;
    if (S_ISBLK(st.st_mode))
        return ioctl(fd, BLKGETSIZE64, &bytes) == 0 ? bytes : 0;
    return (uint64_t)st.st_size;
}

/* xorshift64*: a cheap generator whose quality is beside the point. */
static uint64_t next_random(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717ull;
}

int main(int argc, char **argv)
{
    const char *mode, *path;
    double seconds = 5, start, elapsed;
    uint64_t size, done = 0, ops = 0, pos = 0, seed = 88172645463325252ull;
    size_t unit;
    int fd, writing, random_io;
    void *buf;

    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: diskbench seqread|seqwrite|randread FILE [SECONDS]\n");
        return 2;
    }
    mode = argv[1];
    path = argv[2];
    if (argc == 4 && (seconds = atof(argv[3])) <= 0) {
        fprintf(stderr, "diskbench: SECONDS must be positive\n");
        return 2;
    }
    writing = !strcmp(mode, "seqwrite");
    random_io = !strcmp(mode, "randread");
    if (!writing && !random_io && strcmp(mode, "seqread")) {
        fprintf(stderr, "diskbench: unknown mode %s\n", mode);
        return 2;
    }
    unit = random_io ? 4096 : 1 << 20;
    fd = open(path, (writing ? O_RDWR : O_RDONLY) | O_DIRECT);
    if (fd < 0) {
        fprintf(stderr, "diskbench: %s: %s\n", path, strerror(errno));
        return 1;
    }
    size = size_of(fd) / unit * unit;
    if (size < unit) {
        fprintf(stderr, "diskbench: %s is smaller than %zu bytes\n", path, unit);
        return 1;
    }
    if (posix_memalign(&buf, 4096, unit) != 0)
        return 1;
    memset(buf, 0x5a, unit);
    start = now_s();
    do {
        uint64_t off;
        ssize_t n;

        if (random_io) {
            off = next_random(&seed) % (size / unit) * unit;
        } else {
            off = pos;
            pos = pos + unit >= size ? 0 : pos + unit;
        }
        n = writing ? pwrite(fd, buf, unit, (off_t)off) : pread(fd, buf, unit, (off_t)off);
        if (n != (ssize_t)unit) {
            fprintf(stderr, "diskbench: %s at %llu: %s\n", writing ? "write" : "read",
                    (unsigned long long)off, n < 0 ? strerror(errno) : "short");
            return 1;
        }
        done += unit;
        ops++;
    } while ((ops & 15) || now_s() - start < seconds);
    if (writing && fdatasync(fd) != 0) {
        fprintf(stderr, "diskbench: fdatasync: %s\n", strerror(errno));
        return 1;
    }
    elapsed = now_s() - start;
    printf("diskbench: %s %.0f %.0f\n", mode, (double)done / elapsed, (double)ops / elapsed);
    return 0;
}
