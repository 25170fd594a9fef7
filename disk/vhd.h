/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VHD inside the disk library: the on-disk structures of the "Virtual Hard
 * Disk Image Format Specification" (all big-endian), decoded into host
 * structs by vhd_format.c, and the state of an open VHD shared by the
 * driver (vhd.c), creation (vhd_create.c) and growth (vhd_resize.c).
 *
 * A fixed VHD is the disk's bytes followed by a 512-byte footer.  A dynamic
 * or differencing VHD is: a copy of the footer at 0, the dynamic header
 * (1024 bytes), the block allocation table (BAT: one big-endian sector
 * number per block, 0xFFFFFFFF if the block is not stored), the parent
 * locators' data (differencing), the blocks (each a sector bitmap padded
 * to 512 bytes and then the block's data), and the footer at the end.
 */
#ifndef DISK_VHD_H
#define DISK_VHD_H

#include <pthread.h>
#include <stdatomic.h>

#include "disk_internal.h"

#define VHD_FOOTER_SIZE       512u
#define VHD_HEADER_SIZE       1024u
#define VHD_BAT_UNUSED        0xFFFFFFFFu
#define VHD_NO_OFFSET         UINT64_MAX
#define VHD_VERSION           0x00010000u
#define VHD_FEATURES_RESERVED 0x2u /* "always set to 1" */
#define VHD_MAX_SIZE          (2040ull << 30)
#define VHD_DEFAULT_BLOCK     (2u << 20)
#define VHD_MIN_BLOCK         (DISK_SECTOR_SIZE * 8) /* a bitmap byte's worth of sectors */
#define VHD_MAX_BLOCK         (256u << 20)
#define VHD_LOCATORS          8
#define VHD_PARENT_NAME_BYTES 512u
/* Seconds from the Unix epoch to the VHD epoch, 2000-01-01 00:00:00 UTC. */
#define VHD_EPOCH_OFFSET 946684800ull

/* The disk types the footer names. */
#define VHD_TYPE_FIXED        2u
#define VHD_TYPE_DYNAMIC      3u
#define VHD_TYPE_DIFFERENCING 4u

/* Parent locator platform codes: Windows absolute and relative UTF-16LE paths. */
#define VHD_PLATFORM_W2KU 0x57326B75u /* "W2ku" */
#define VHD_PLATFORM_W2RU 0x57327275u /* "W2ru" */

struct vhd_footer {
    uint32_t features;
    uint32_t version;
    uint64_t data_offset; /* the dynamic header, VHD_NO_OFFSET for fixed */
    uint32_t timestamp;   /* seconds since the VHD epoch */
    char creator_app[4];
    uint32_t creator_version;
    char creator_os[4];
    uint64_t original_size;
    uint64_t current_size;
    uint16_t cylinders;
    uint8_t heads;
    uint8_t sectors_per_track;
    uint32_t disk_type;
    uint8_t unique_id[16];
    uint8_t saved_state;
};

struct vhd_locator {
    uint32_t platform;
    uint32_t data_space;
    uint32_t data_length; /* bytes */
    uint64_t data_offset;
};

struct vhd_header {
    uint64_t table_offset;
    uint32_t version;
    uint32_t max_table_entries;
    uint32_t block_size;
    uint8_t parent_unique_id[16];
    uint32_t parent_timestamp;
    uint8_t parent_name[VHD_PARENT_NAME_BYTES]; /* UTF-16BE, as stored */
    struct vhd_locator locators[VHD_LOCATORS];
};

/* vhd_format.c: encode and decode (the decoders check cookie and checksum). */
void vhd_footer_encode(const struct vhd_footer *f, uint8_t out[VHD_FOOTER_SIZE]);
int vhd_footer_decode(const uint8_t in[VHD_FOOTER_SIZE], struct vhd_footer *f);
void vhd_header_encode(const struct vhd_header *h, uint8_t out[VHD_HEADER_SIZE]);
int vhd_header_decode(const uint8_t in[VHD_HEADER_SIZE], struct vhd_header *h);
/* The spec's CHS geometry for @size bytes (capped at 65535/16/255). */
void vhd_geometry(uint64_t size, uint16_t *cylinders, uint8_t *heads, uint8_t *sectors);
/* Now in the VHD epoch. */
uint32_t vhd_timestamp_now(void);
/* A fresh random (version 4) unique id. */
int vhd_new_unique_id(uint8_t id[16]);
/* The bytes of a block's sector bitmap, padded to whole sectors. */
uint32_t vhd_bitmap_size(uint32_t block_size);

/*
 * The state of an open VHD (every type has one; a fixed disk uses only the
 * footer, footer_raw, next_free and the locks).
 */
struct vhd {
    struct vhd_footer footer;
    uint8_t footer_raw[VHD_FOOTER_SIZE]; /* as written at the end (and at 0) */
    uint64_t header_offset;
    struct vhd_header header;
    uint32_t bitmap_size;
    uint64_t bat_bytes; /* the BAT's space in the file: max_table_entries * 4, padded */
    /* The BAT entries the disk uses, ceil(size / block_size): a table may have more
     * (header.max_table_entries), which are never read (nor allocated for). */
    uint32_t entries;
    /* Host-order BAT of @entries; entries are read without a lock and published with
     * release stores once the block they point at is on disk. */
    _Atomic uint32_t *bat;
    /* Each allocated block's sector bitmap (@entries), loaded on first use. */
    uint8_t *_Atomic *bitmaps;
    /* All bits set: shared by the dynamic blocks whose bitmap is full (not freed
     * through bitmaps[]). */
    uint8_t *full_bitmap;
    /* Where the next block goes: the footer's place at the end of the file. */
    _Atomic uint64_t next_free;
    pthread_mutex_t alloc_lock;       /* block allocation and the end of the file */
    pthread_mutex_t bitmap_locks[16]; /* a differencing block's bitmap, by block number */
};

/* vhd.c: make the in-memory BAT cover @entries (more than v->entries): those
 * the file's table has are read, the rest are unused.  0 or a negative errno. */
int vhd_load_bat(struct disk *d, uint32_t entries);

/* vhd.c: write the footer (both copies for dynamic disks) from d's state. */
int vhd_write_footer(struct disk *d, char *err, size_t errlen);

/* For a rewrite of @from into @to (compact): give @to @from's unique id, so that
 * differencing images made from @from still accept it as their parent. */
int vhd_keep_identity(struct disk *to, const struct disk *from, char *err, size_t errlen);

/* vhd_create.c and vhd_resize.c, for the driver table. */
int vhd_create(int fd, const char *path, const struct disk_create_params *p, char *err,
               size_t errlen);
int vhd_resize(struct disk *d, uint64_t new_size, char *err, size_t errlen);

/* Big-endian fields. */
static inline uint16_t vhd_get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t vhd_get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline uint64_t vhd_get64(const uint8_t *p)
{
    return (uint64_t)vhd_get32(p) << 32 | vhd_get32(p + 4);
}

static inline void vhd_put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static inline void vhd_put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static inline void vhd_put64(uint8_t *p, uint64_t v)
{
    vhd_put32(p, (uint32_t)(v >> 32));
    vhd_put32(p + 4, (uint32_t)v);
}

#endif
