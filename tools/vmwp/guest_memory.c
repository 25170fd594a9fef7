// SPDX-License-Identifier: GPL-2.0-only
/*
 * The child's RAM: its layout in guest-physical space and its host mapping
 * (see guest_memory.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include <hv/vid_ioctl.h>

#include "guest_memory.h"

int guest_memory_layout(struct guest_memory *gm, uint64_t size, char *err, size_t errlen)
{
    memset(gm, 0, sizeof(*gm));
    if (size % GUEST_MEMORY_UNIT || size < GUEST_MEMORY_MIN || size > GUEST_MEMORY_MAX) {
        snprintf(err, errlen,
                 "memory %llu bytes: must be a multiple of 1 MiB from %llu MiB to %llu MiB",
                 (unsigned long long)size, (unsigned long long)(GUEST_MEMORY_MIN >> 20),
                 (unsigned long long)(GUEST_MEMORY_MAX >> 20));
        return -1;
    }
    gm->size = size;
    gm->low_size = size < GUEST_LOW_RAM_MAX ? size : GUEST_LOW_RAM_MAX;
    gm->high_size = size - gm->low_size;
    return 0;
}

/* Append the chunks of one bank; false when @out is full. */
static bool add_bank(uint64_t gpa, uint64_t size, uint64_t host_offset, struct guest_map_chunk *out,
                     size_t max, size_t *n)
{
    while (size) {
        uint64_t len = size < GUEST_MAP_CHUNK_MAX ? size : GUEST_MAP_CHUNK_MAX;

        if (*n == max)
            return false;
        out[*n] = (struct guest_map_chunk){.gpa = gpa, .size = len, .host_offset = host_offset};
        (*n)++;
        gpa += len;
        host_offset += len;
        size -= len;
    }
    return true;
}

size_t guest_memory_chunks(const struct guest_memory *gm, struct guest_map_chunk *out, size_t max)
{
    size_t n = 0;

    if (!add_bank(0, gm->low_size, 0, out, max, &n) ||
        !add_bank(GUEST_HIGH_RAM_BASE, gm->high_size, gm->low_size, out, max, &n))
        return 0;
    return n;
}

bool guest_memory_is_ram(const struct guest_memory *gm, uint64_t gpa)
{
    uint64_t offset;

    return guest_memory_offset(gm, gpa, 0, &offset) == 0;
}

int guest_memory_offset(const struct guest_memory *gm, uint64_t gpa, uint64_t len, uint64_t *offset)
{
    if (gpa < gm->low_size) {
        if (len > gm->low_size - gpa)
            return -1;
        *offset = gpa;
        return 0;
    }
    if (gpa >= GUEST_HIGH_RAM_BASE && gpa - GUEST_HIGH_RAM_BASE < gm->high_size) {
        uint64_t in_bank = gpa - GUEST_HIGH_RAM_BASE;

        if (len > gm->high_size - in_bank)
            return -1;
        *offset = gm->low_size + in_bank;
        return 0;
    }
    return -1;
}

void *guest_memory_ptr(const struct guest_memory *gm, uint64_t gpa, uint64_t len)
{
    uint64_t offset;

    if (!gm->host || guest_memory_offset(gm, gpa, len, &offset))
        return NULL;
    return gm->host + offset;
}

int guest_memory_create(struct guest_memory *gm, int partition_fd, char *err, size_t errlen)
{
    struct guest_map_chunk chunks[GUEST_MAP_CHUNKS_MAX];
    size_t n = guest_memory_chunks(gm, chunks, GUEST_MAP_CHUNKS_MAX);
    void *host;

    if (!n) {
        snprintf(err, errlen, "guest memory: no layout");
        return -1;
    }
    host = mmap(NULL, gm->size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE,
                -1, 0);
    if (host == MAP_FAILED) {
        snprintf(err, errlen, "guest memory: mmap of %llu MiB: %s",
                 (unsigned long long)(gm->size >> 20), strerror(errno));
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        struct vid_memory_region r = {
            .user_addr = (uint64_t)(uintptr_t)host + chunks[i].host_offset,
            .size = chunks[i].size,
            .guest_pa = chunks[i].gpa,
            .flags = VID_MEM_READ | VID_MEM_WRITE | VID_MEM_EXEC,
        };

        if (ioctl(partition_fd, VID_MAP_MEMORY, &r) != 0) {
            snprintf(err, errlen, "VID_MAP_MEMORY guest 0x%llx, %llu MiB: %s",
                     (unsigned long long)chunks[i].gpa, (unsigned long long)(chunks[i].size >> 20),
                     strerror(errno));
            /* The chunks already mapped go with the partition's fd, which
             * the caller closes on this error. */
            munmap(host, gm->size);
            return -1;
        }
    }
    gm->host = host;
    return 0;
}

void guest_memory_destroy(struct guest_memory *gm)
{
    if (gm->host)
        munmap(gm->host, gm->size);
    gm->host = NULL;
}
