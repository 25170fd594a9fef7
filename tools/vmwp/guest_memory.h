/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The child's RAM: one host mapping (anonymous, MAP_SHARED) that the
 * partition sees in two banks, as on a PC:
 *
 *   guest-physical                   host offset in the mapping
 *   [0, low)          low bank       [0, low)            low = min(memory, 3 GiB)
 *   [3 GiB, 4 GiB)    the MMIO hole: never mapped (I/O APIC 0xFEC00000,
 *                     local APIC 0xFEE00000)
 *   [4 GiB, 4 GiB + high)  high bank [low, memory)       high = memory - low
 *
 * Each bank is given to /dev/vid in chunks of at most 64 GiB (the module's
 * limit per VID_MAP_MEMORY).  The layout functions are pure (unit-tested);
 * guest_memory_create() does the mmap and the ioctls.
 */
#ifndef VMWP_GUEST_MEMORY_H
#define VMWP_GUEST_MEMORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GUEST_LOW_RAM_MAX   0xC0000000ULL  /* 3 GiB: the low bank ends at the MMIO hole */
#define GUEST_HIGH_RAM_BASE 0x100000000ULL /* 4 GiB */
#define GUEST_MAP_CHUNK_MAX (64ULL << 30)  /* largest VID_MAP_MEMORY region */
#define GUEST_MEMORY_UNIT   (1ULL << 20)   /* memory is a whole number of MiB */
#define GUEST_MEMORY_MIN    (64ULL << 20)
/* The hypervisor maps no guest page at or above 1 TiB (HV_CHILD_GPA_LIMIT):
 * the high bank must end there. */
#define GUEST_GPA_LIMIT  (1ULL << 40)
#define GUEST_MEMORY_MAX (GUEST_GPA_LIMIT - GUEST_HIGH_RAM_BASE + GUEST_LOW_RAM_MAX)
/* One chunk for the low bank, and the high bank (< 1 TiB) in 64 GiB chunks. */
#define GUEST_MAP_CHUNKS_MAX (1 + (GUEST_GPA_LIMIT - GUEST_HIGH_RAM_BASE) / GUEST_MAP_CHUNK_MAX + 1)

struct guest_memory {
    uint8_t *host;      /* the mapping; NULL until guest_memory_create() */
    uint64_t size;      /* bytes of RAM in all */
    uint64_t low_size;  /* the low bank: guest [0, low_size) */
    uint64_t high_size; /* the high bank: guest [4 GiB, 4 GiB + high_size) */
};

/* One VID_MAP_MEMORY call: guest [gpa, gpa + size) is host [offset, offset + size). */
struct guest_map_chunk {
    uint64_t gpa;
    uint64_t size;
    uint64_t host_offset;
};

/*
 * Lay out @size bytes of RAM (a multiple of 1 MiB, GUEST_MEMORY_MIN ..
 * GUEST_MEMORY_MAX) in @gm, with no host mapping yet.  Returns 0, or -1
 * with a message in @err.
 */
int guest_memory_layout(struct guest_memory *gm, uint64_t size, char *err, size_t errlen);

/* The chunks to map, lowest address first, in @out (room for @max).  Returns
 * how many; 0 if @max is too small. */
size_t guest_memory_chunks(const struct guest_memory *gm, struct guest_map_chunk *out, size_t max);

/* Whether guest-physical @gpa is RAM. */
bool guest_memory_is_ram(const struct guest_memory *gm, uint64_t gpa);

/*
 * Offset in the host mapping of guest [gpa, gpa + len), which must lie in
 * one bank (len may be 0: the byte at gpa must then still be RAM).
 * Returns 0 with *offset set, or -1 (not RAM, crosses a bank's end, wraps).
 */
int guest_memory_offset(const struct guest_memory *gm, uint64_t gpa, uint64_t len,
                        uint64_t *offset);

/* The host's view of guest [gpa, gpa + len), or NULL (as guest_memory_offset,
 * or no mapping yet). */
void *guest_memory_ptr(const struct guest_memory *gm, uint64_t gpa, uint64_t len);

/*
 * Map the RAM on the host (anonymous MAP_SHARED, zero-filled, no swap
 * reservation: the module pins what it maps) and into the partition
 * behind @partition_fd with VID_MAP_MEMORY, readable, writable and
 * executable.  Returns 0, or -1 with a message in @err and nothing mapped.
 */
int guest_memory_create(struct guest_memory *gm, int partition_fd, char *err, size_t errlen);

/* Unmap the host mapping (the partition's mappings go with its fd). */
void guest_memory_destroy(struct guest_memory *gm);

#endif
