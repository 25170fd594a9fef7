/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Virtual hard disks: the images a child's disks live in, and the tools
 * that make and change them (hvctl disk).  Three formats:
 *
 *   raw    the disk's bytes, nothing else (.img, .raw, anything unknown)
 *   VHD    Virtual Hard Disk 1.0 (.vhd): fixed, dynamic, differencing;
 *          512-byte sectors, at most 2040 GiB
 *   VHDX   VHDX 1.0 (.vhdx): fixed, dynamic, differencing; 512- or
 *          4096-byte logical sectors, at most 64 TiB; metadata changes go
 *          through the log, and a log left by a crash is replayed on open
 *
 * The file's name decides its format (disk_format_from_path), and the
 * content must then agree: a .vhd must hold VHD's "conectix" footer (or its
 * copy at offset 0), a .vhdx VHDX's "vhdxfile" signature, else the open
 * fails ("x.vhd: named .vhd but holds no VHD footer"); any other name
 * (.img, .raw, none) opens raw whatever the file holds.  Never the content
 * alone: a raw disk's bytes are the guest's, and a guest that wrote a VHD
 * or VHDX signature into its disk would otherwise have it reopened as that
 * format, with a block table and parent paths of its choosing (other host
 * files read, or written).  Parents, whose paths an image stores, are
 * opened by the same rule.  A differencing image opens its parent chain
 * read-only.  Only regular files are images: block devices and other
 * special files are refused.
 *
 * Images are locked while open (flock): writable opens exclusively, read-only
 * opens (and every parent) shared.  So a disk that one running child uses
 * cannot be attached to another, nor compacted under it.
 *
 * Threads: disk_readv/writev/flush/discard/block_status may run on several
 * threads at once on one struct disk (the worker's I/O threads do); the
 * rest needs no I/O in flight.  Errors are negative errno values; functions
 * that can fail for a reason a user must read also fill @err.
 *
 * Crash safety: data the guest wrote reaches the file before the metadata
 * that points at it, so a killed process leaves at worst unused space, and
 * after disk_flush() returns every write before it is on stable storage
 * (fsync of the image file).
 */
#ifndef DISK_DISK_H
#define DISK_DISK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#define DISK_SECTOR_SIZE 512u /* the unit of every offset and length in the I/O calls */
#define DISK_PATH_MAX    4096u
#define DISK_ERR_MAX     512u /* enough for any message this library writes */

enum disk_format {
    DISK_FORMAT_NONE = 0, /* in create parameters: from the file name */
    DISK_FORMAT_RAW,
    DISK_FORMAT_VHD,
    DISK_FORMAT_VHDX,
};

enum disk_type {
    DISK_TYPE_NONE = 0, /* in create parameters: dynamic, or differencing with a parent */
    DISK_TYPE_FIXED,    /* every block allocated up front (raw is always fixed) */
    DISK_TYPE_DYNAMIC,  /* blocks allocated on first write */
    DISK_TYPE_DIFFERENCING,
};

#define DISK_OPEN_READ_ONLY 0x1u

struct disk;

/*
 * Open the image at @path (the format its name says, see above) and its parents.  0 and
 * *@out, or a negative errno with a message in @err naming the file and
 * the problem ("/vms/a.vhdx: bad header checksum", "... is in use").
 */
int disk_open(const char *path, unsigned flags, struct disk **out, char *err, size_t errlen);

/* Write back what is pending (metadata, the log), fsync, unlock and free.
 * 0, or a negative errno if something could not be written. */
int disk_close(struct disk *d);

struct disk_info {
    enum disk_format format;
    enum disk_type type;
    uint64_t virtual_size;         /* bytes the guest sees */
    uint64_t file_size;            /* bytes the file has (st_size) */
    uint64_t allocated_size;       /* bytes the host stores (st_blocks * 512) */
    uint32_t block_size;           /* the allocation unit (dynamic, differencing); 0 otherwise */
    uint32_t logical_sector_size;  /* 512, or 4096 for some VHDX */
    uint32_t physical_sector_size; /* what the disk reports as its physical sector */
    bool read_only;
    char path[DISK_PATH_MAX];   /* as opened */
    char parent[DISK_PATH_MAX]; /* the parent's path as resolved, "" if none */
};

void disk_get_info(const struct disk *d, struct disk_info *info);
/* The parent of a differencing image, NULL for the others. */
const struct disk *disk_parent(const struct disk *d);
uint64_t disk_size(const struct disk *d);
bool disk_read_only(const struct disk *d);
/* Whether disk_discard() can give space back: raw files, dynamic and differencing
 * VHDX (VHD has no discard; a fixed image keeps every block). */
bool disk_can_discard(const struct disk *d);

/*
 * Read or write the iovecs at byte @offset.  @offset and the iovecs' total
 * length are multiples of DISK_SECTOR_SIZE and lie inside the disk (the
 * caller checks the guest's request first; here a bad one is -EINVAL).
 * 0, or a negative errno (-EIO, -ENOSPC, -EROFS for a read-only disk).
 * A region never written reads as zeros (or as the parent's data).
 */
int disk_readv(struct disk *d, uint64_t offset, const struct iovec *iov, int iovcnt);
int disk_writev(struct disk *d, uint64_t offset, const struct iovec *iov, int iovcnt);
/* Everything written before the call is on stable storage when it returns 0. */
int disk_flush(struct disk *d);
/* The guest no longer needs [offset, offset + len): it may read back as
 * zeros or as before.  -EOPNOTSUPP where the format cannot. */
int disk_discard(struct disk *d, uint64_t offset, uint64_t len);
/*
 * Whether [offset, ...) is stored in this image itself (1) or not (0: it
 * reads as zeros, or from the parent), and in *@run how many bytes from
 * @offset (at most @len, at least one sector) share that answer.  Negative
 * errno on error.  Raw images and fixed VHDs are stored everywhere (1 for
 * any range); VHDX, fixed included, answers from its block table, where a
 * block may be not present (0).
 */
int disk_block_status(struct disk *d, uint64_t offset, uint64_t len, uint64_t *run);

/* ---- tools (hvctl disk) ---------------------------------------------------------------- */

struct disk_create_params {
    enum disk_format format;      /* NONE: from @path's extension (.vhd, .vhdx, else raw);
                                   * otherwise it must match it (disk_open goes by name) */
    enum disk_type type;          /* NONE: DIFFERENCING with a parent, else DYNAMIC (raw: FIXED) */
    uint64_t size;                /* bytes, a multiple of 1 MiB; 0 with a parent: the parent's */
    const char *parent;           /* the parent image (differencing only), else NULL */
    uint32_t block_size;          /* 0: the format's default (VHD 2 MiB, VHDX 32 MiB) */
    uint32_t logical_sector_size; /* 0 or 512; VHDX also 4096 */
};

/* Progress of a long operation: @done of @total bytes. */
typedef void (*disk_progress_fn)(void *opaque, uint64_t done, uint64_t total);

enum disk_format disk_format_from_path(const char *path);
const char *disk_format_name(enum disk_format f); /* "raw", "VHD", "VHDX" */
const char *disk_type_name(enum disk_type t);     /* "fixed", "dynamic", "differencing" */

/*
 * Create a new image (never overwrites: an existing @path is -EEXIST).
 * The parent of a differencing image is stored by absolute and relative
 * path.  0, or a negative errno with @err; nothing is left behind on error.
 */
int disk_create(const char *path, const struct disk_create_params *p, char *err, size_t errlen);

/*
 * Copy the disk @src (its whole chain, flattened) into a new image @dst
 * made as @p says (@p->size and @p->parent are ignored: the size is the
 * source's).  Regions that read as zeros stay unallocated in dynamic
 * output.  @progress may be NULL.  On error @dst is removed.
 */
int disk_convert(const char *src, const char *dst, const struct disk_create_params *p,
                 disk_progress_fn progress, void *opaque, char *err, size_t errlen);

/*
 * Give back the space of blocks that hold only zeros in a dynamic or
 * differencing image (for differencing only where the parent reads as
 * zeros too), so the file shrinks.  The image must not be in use.
 */
int disk_compact(const char *path, disk_progress_fn progress, void *opaque, char *err,
                 size_t errlen);

/* Grow the disk to @new_size bytes (a multiple of 1 MiB, larger than now);
 * the new space reads as zeros.  The image must not be in use. */
int disk_expand(const char *path, uint64_t new_size, char *err, size_t errlen);

#endif
