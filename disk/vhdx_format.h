/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VHDX 1.0 (MS-VHDX): the on-disk layout, and the state the driver keeps
 * for an open image, shared by vhdx.c (open, I/O), vhdx_create.c (create,
 * expand), vhdx_meta.c (headers, region table, metadata) and vhdx_log.c
 * (the log).
 *
 * All on-disk integers are little-endian; GUIDs are kept as their 16
 * on-disk bytes (the mixed-endian Windows layout), never converted.
 */
#ifndef DISK_VHDX_FORMAT_H
#define DISK_VHDX_FORMAT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "disk_internal.h"

#define VHDX_KiB 1024ull
#define VHDX_MiB (1024ull * 1024)
#define VHDX_TiB (1024ull * 1024 * 1024 * 1024)

/* Fixed places in the first MiB. */
#define VHDX_HEADER1_OFFSET    (64 * VHDX_KiB)
#define VHDX_HEADER2_OFFSET    (128 * VHDX_KiB)
#define VHDX_HEADER_SIZE       4096u
#define VHDX_REGION1_OFFSET    (192 * VHDX_KiB)
#define VHDX_REGION2_OFFSET    (256 * VHDX_KiB)
#define VHDX_REGION_SIZE       (64u * 1024)
#define VHDX_REGION_MAX_ENTRY  2047u
#define VHDX_METADATA_TBL_SIZE (64u * 1024)
#define VHDX_METADATA_MAX_ITEM (1024u * 1024)

#define VHDX_MAX_SIZE      (64 * VHDX_TiB)
#define VHDX_MIN_BLOCK     (1u << 20)
#define VHDX_MAX_BLOCK     (256u << 20)
#define VHDX_DEFAULT_BLOCK (32u << 20)
#define VHDX_LOG_SECTOR    4096u
/* The largest log we replay (it is read whole into memory): Hyper-V and
 * QEMU make 1 MiB logs.  A clean image with a bigger log opens (the log is
 * read only when LogGuid is set). */
#define VHDX_LOG_MAX_LENGTH (8u << 20)

/* Where our images put things (as QEMU does; Hyper-V's differ, we read any). */
#define VHDX_LAYOUT_LOG_OFFSET  (1 * VHDX_MiB)
#define VHDX_LAYOUT_LOG_LENGTH  (1 * VHDX_MiB)
#define VHDX_LAYOUT_META_OFFSET (2 * VHDX_MiB)
#define VHDX_LAYOUT_META_LENGTH (1 * VHDX_MiB)
#define VHDX_LAYOUT_BAT_OFFSET  (3 * VHDX_MiB)

/* BAT entry: state in bits 0..2, file offset in MiB in bits 20..63. */
enum {
    VHDX_PAYLOAD_NOT_PRESENT = 0,
    VHDX_PAYLOAD_UNDEFINED = 1,
    VHDX_PAYLOAD_ZERO = 2,
    VHDX_PAYLOAD_UNMAPPED = 3,
    VHDX_PAYLOAD_FULLY_PRESENT = 6,
    VHDX_PAYLOAD_PARTIALLY_PRESENT = 7,
    VHDX_SB_NOT_PRESENT = 0,
    VHDX_SB_PRESENT = 6,
};
#define VHDX_BAT_STATE(e)       ((unsigned)((e)&7))
#define VHDX_BAT_OFFSET(e)      (((e) >> 20) << 20)
#define VHDX_BAT_ENTRY(off, st) ((((uint64_t)(off) >> 20) << 20) | (uint64_t)(st))

/* Metadata item flags. */
#define VHDX_META_IS_USER         0x1u
#define VHDX_META_IS_VIRTUAL_DISK 0x2u
#define VHDX_META_IS_REQUIRED     0x4u

/* File Parameters flags. */
#define VHDX_PARAM_LEAVE_ALLOCATED 0x1u
#define VHDX_PARAM_HAS_PARENT      0x2u

struct vhdx_guid {
    uint8_t b[16];
};

#define VHDX_GUID_INIT(a, b, c, d0, d1, d2, d3, d4, d5, d6, d7)                                    \
    {                                                                                              \
        {                                                                                          \
            (a) & 0xff, ((a) >> 8) & 0xff, ((a) >> 16) & 0xff, ((a) >> 24) & 0xff, (b)&0xff,       \
                ((b) >> 8) & 0xff, (c)&0xff, ((c) >> 8) & 0xff, d0, d1, d2, d3, d4, d5, d6, d7     \
        }                                                                                          \
    }

extern const struct vhdx_guid vhdx_guid_bat, vhdx_guid_metadata, vhdx_guid_file_params,
    vhdx_guid_vsize, vhdx_guid_page83, vhdx_guid_lss, vhdx_guid_pss, vhdx_guid_parent_locator,
    vhdx_guid_locator_type;

static inline bool vhdx_guid_eq(const struct vhdx_guid *a, const struct vhdx_guid *b)
{
    return memcmp(a->b, b->b, 16) == 0;
}

static inline bool vhdx_guid_is_zero(const struct vhdx_guid *g)
{
    static const struct vhdx_guid zero;
    return vhdx_guid_eq(g, &zero);
}

static inline uint16_t vhdx_le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}
static inline uint32_t vhdx_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t vhdx_le64(const uint8_t *p)
{
    return (uint64_t)vhdx_le32(p) | (uint64_t)vhdx_le32(p + 4) << 32;
}
static inline void vhdx_put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8);
}
static inline void vhdx_put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}
static inline void vhdx_put64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* The header fields we use (the reserved rest is written as zeros). */
struct vhdx_header {
    uint64_t seq;
    struct vhdx_guid file_write_guid, data_write_guid, log_guid;
    uint16_t log_version, version;
    uint32_t log_length;
    uint64_t log_offset;
};

struct vhdx_region_entry {
    struct vhdx_guid guid;
    uint64_t offset;
    uint32_t length;
    uint32_t flags; /* bit 0: required */
};

/* Parent locator: the values of the keys we know, as UTF-8 (NULL if absent). */
struct vhdx_locator {
    char *parent_linkage, *parent_linkage2, *relative_path, *volume_path, *absolute_win32_path;
};

/* An open image. */
struct vhdx {
    struct vhdx_header hdr;
    int cur_hdr; /* 0: the one at 64 KiB, 1: at 128 KiB */

    /* Region table, as read (rewritten with a new BAT place on resize). */
    struct vhdx_region_entry regions[VHDX_REGION_MAX_ENTRY];
    uint32_t nregions;
    uint64_t bat_offset, meta_offset;
    uint32_t bat_length, meta_length;

    /* Metadata. */
    uint32_t block_size, lss, pss, param_flags;
    uint64_t vsize;
    uint64_t vsize_item_offset; /* file offset of the Virtual Disk Size item */
    struct vhdx_guid page83;
    struct vhdx_locator loc;

    /* BAT geometry and the table itself (entries read/written with atomics:
     * I/O to present blocks runs without the lock). */
    uint64_t chunk_ratio, data_blocks, bitmap_blocks, bat_entries;
    uint64_t *bat;

    pthread_mutex_t lock;  /* allocation, header updates */
    uint64_t alloc_end;    /* where the next block goes (1 MiB aligned) */
    uint64_t file_size;    /* how far the file reaches (atomic): stored data past it is -EIO */
    bool write_guids_done; /* FileWriteGuid/DataWriteGuid renewed since open */
};

static inline uint64_t vhdx_align_up(uint64_t v, uint64_t a)
{
    return (v + a - 1) / a * a;
}

/* BAT index of payload block @blk, and of the sector bitmap of chunk @chunk. */
static inline uint64_t vhdx_payload_index(const struct vhdx *v, uint64_t blk)
{
    return blk + blk / v->chunk_ratio;
}
static inline uint64_t vhdx_bitmap_index(const struct vhdx *v, uint64_t chunk)
{
    return chunk * (v->chunk_ratio + 1) + v->chunk_ratio;
}

/* Geometry from block size, logical sector size, virtual size and parentage:
 * fills chunk_ratio, data_blocks, bitmap_blocks, bat_entries. */
void vhdx_geometry(struct vhdx *v);

/* ---- vhdx_meta.c: headers, region table, metadata ---------------------- */

void vhdx_random_guid(struct vhdx_guid *g);
/* "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}" (39 bytes with the NUL). */
void vhdx_guid_format(const struct vhdx_guid *g, char out[39]);
bool vhdx_guid_parse(const char *s, struct vhdx_guid *g);

void vhdx_header_encode(const struct vhdx_header *h, uint8_t out[VHDX_HEADER_SIZE]);
void vhdx_region_encode(const struct vhdx_region_entry *e, uint32_t n,
                        uint8_t out[VHDX_REGION_SIZE]);

/* Read and check the headers, the region table and the metadata of d->fd
 * into @v (not the BAT).  0, or a negative errno and @err. */
int vhdx_read_headers(struct disk *d, struct vhdx *v, uint64_t file_size, char *err, size_t errlen);
int vhdx_read_regions(struct disk *d, struct vhdx *v, uint64_t file_size, char *err, size_t errlen);
int vhdx_read_metadata(struct disk *d, struct vhdx *v, char *err, size_t errlen);
void vhdx_locator_free(struct vhdx_locator *l);

/* Write the header not current with seq + 1 from @v->hdr, fsync, make it
 * current; twice, so both copies hold the new state.  A crash between
 * leaves one valid header with either state. */
int vhdx_update_headers(struct disk *d, struct vhdx *v);

/* ---- vhdx_log.c: the log ------------------------------------------------ */

/* If v->hdr.log_guid is set, find the active log sequence and (writable)
 * replay it and clear LogGuid.  Read-only with something to replay: -EROFS. */
int vhdx_log_replay(struct disk *d, struct vhdx *v, uint64_t file_size, char *err, size_t errlen);

/* One 4 KiB sector of metadata to change atomically. */
struct vhdx_log_sector {
    uint64_t offset; /* 4 KiB aligned */
    const uint8_t *data;
};
/* Write @n sectors as one log entry and apply them: set LogGuid, write the
 * entry, fsync, write the sectors in place, fsync, clear LogGuid.  A crash
 * anywhere leaves either the old or (after replay) the new state.
 * @new_file_size: the size the file must have after (LastFileOffset). */
int vhdx_log_write(struct disk *d, struct vhdx *v, const struct vhdx_log_sector *s, size_t n,
                   uint64_t new_file_size);

/* ---- vhdx.c, vhdx_create.c ------------------------------------------- */

/* Before the first change of the guest's data after open: new
 * FileWriteGuid and DataWriteGuid in the header (once). */
int vhdx_renew_write_guids(struct disk *d, struct vhdx *v);
int vhdx_create(int fd, const char *path, const struct disk_create_params *p, char *err,
                size_t errlen);
int vhdx_resize(struct disk *d, uint64_t new_size, char *err, size_t errlen);

#endif
