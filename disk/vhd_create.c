// SPDX-License-Identifier: GPL-2.0-only
/*
 * Making a new VHD: fixed (the disk's bytes, preallocated, then the
 * footer), dynamic (footer copy, dynamic header, an empty BAT, footer) and
 * differencing (a dynamic disk that also names its parent: the parent's
 * unique id and time stamp, its name, and W2ku/W2ru locators holding its
 * absolute path and its path relative to the child, as Windows writes
 * them: UTF-16LE with backslashes).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vhd.h"
#include "winpath.h"

#define SECTOR DISK_SECTOR_SIZE

/*
 * Who wrote the image.  "win " (Hyper-V's own tag) rather than a name of
 * ours: readers judge by it whether the footer's current size is the
 * disk's size (Hyper-V's images) or whether to derive it from the CHS
 * geometry (Virtual PC's), and QEMU knows only a few tags.  Ours, like
 * Hyper-V's, are sized by the current size, which need not be a whole
 * number of cylinders; with "win " every reader agrees on it.
 */
static const char creator_app[4] = {'w', 'i', 'n', ' '};
static const char creator_os[4] = {'W', 'i', '2', 'k'};
#define CREATOR_VERSION 0x00010000u

static uint64_t round_up_sector(uint64_t v)
{
    return (v + SECTOR - 1) / SECTOR * SECTOR;
}

static int new_footer(struct vhd_footer *f, uint64_t size, uint32_t disk_type)
{
    memset(f, 0, sizeof(*f));
    f->features = VHD_FEATURES_RESERVED;
    f->version = VHD_VERSION;
    f->data_offset = disk_type == VHD_TYPE_FIXED ? VHD_NO_OFFSET : VHD_FOOTER_SIZE;
    f->timestamp = vhd_timestamp_now();
    memcpy(f->creator_app, creator_app, 4);
    f->creator_version = CREATOR_VERSION;
    memcpy(f->creator_os, creator_os, 4);
    f->original_size = size;
    f->current_size = size;
    vhd_geometry(size, &f->cylinders, &f->heads, &f->sectors_per_track);
    f->disk_type = disk_type;
    return vhd_new_unique_id(f->unique_id);
}

static int create_fixed(int fd, const char *path, uint64_t size, char *err, size_t errlen)
{
    struct vhd_footer f;
    uint8_t raw[VHD_FOOTER_SIZE];
    int r;

    /* Preallocated where the file system can (a fixed disk promises its space), sparse
     * elsewhere; either way it reads as zeros. */
    r = posix_fallocate(fd, 0, (off_t)size);
    if (r == EOPNOTSUPP || r == EINVAL)
        r = ftruncate(fd, (off_t)size) < 0 ? errno : 0;
    if (r != 0) {
        disk_seterr(err, errlen, "%s: cannot allocate %llu bytes: %s", path,
                    (unsigned long long)size, strerror(r));
        return -r;
    }
    r = new_footer(&f, size, VHD_TYPE_FIXED);
    if (r == 0) {
        vhd_footer_encode(&f, raw);
        r = disk_pwrite_full(fd, raw, sizeof(raw), size);
    }
    if (r < 0)
        disk_seterr(err, errlen, "%s: cannot write the footer: %s", path, strerror(-r));
    return r;
}

/* What a differencing child takes from its parent. */
struct parent_ref {
    uint64_t size;
    uint16_t cylinders;
    uint8_t heads, sectors;
    uint8_t unique_id[16];
    uint32_t timestamp;
    char name_utf16[VHD_PARENT_NAME_BYTES];
    uint8_t abs_utf16[2 * DISK_PATH_MAX];
    int abs_len;
    uint8_t rel_utf16[2 * DISK_PATH_MAX];
    int rel_len;
};

static int read_parent(const char *child, const char *parent_path, struct parent_ref *ref,
                       char *err, size_t errlen)
{
    char *child_abs = NULL, *parent_abs = NULL, *dir, *text = NULL;
    struct disk *parent;
    struct stat st;
    int r;

    r = disk_open(parent_path, DISK_OPEN_READ_ONLY, &parent, err, errlen);
    if (r < 0)
        return r;
    if (parent->format != DISK_FORMAT_VHD) {
        disk_seterr(err, errlen, "%s: the parent of a VHD must be a VHD", parent_path);
        disk_close(parent);
        return -EINVAL;
    }
    const struct vhd *pv = parent->priv;

    ref->size = parent->size;
    ref->cylinders = pv->footer.cylinders;
    ref->heads = pv->footer.heads;
    ref->sectors = pv->footer.sectors_per_track;
    memcpy(ref->unique_id, pv->footer.unique_id, 16);
    ref->timestamp = 0;
    if (fstat(parent->fd, &st) == 0 && (uint64_t)st.st_mtime > VHD_EPOCH_OFFSET)
        ref->timestamp = (uint32_t)((uint64_t)st.st_mtime - VHD_EPOCH_OFFSET);
    disk_close(parent);

    child_abs = realpath(child, NULL);
    parent_abs = realpath(parent_path, NULL);
    text = malloc(DISK_PATH_MAX);
    if (!child_abs || !parent_abs || !text) {
        disk_seterr(err, errlen, "%s: cannot resolve the paths of the image and its parent", child);
        r = -ENOENT;
        goto out;
    }
    dir = dirname(child_abs);
    r = winpath_relative(dir, parent_abs, text, DISK_PATH_MAX);
    if (r == 0)
        ref->rel_len = winpath_utf8_to_utf16(text, ref->rel_utf16, sizeof(ref->rel_utf16), false);
    for (char *p = parent_abs; *p; p++) {
        if (*p == '/')
            *p = '\\';
    }
    ref->abs_len = winpath_utf8_to_utf16(parent_abs, ref->abs_utf16, sizeof(ref->abs_utf16), false);
    /* The header's name field holds the file name (it has room for 256 units). */
    memset(ref->name_utf16, 0, sizeof(ref->name_utf16));
    const char *base = strrchr(parent_abs, '\\') + 1;

    if (r < 0 || ref->rel_len < 0 || ref->abs_len < 0 ||
        winpath_utf8_to_utf16(base, (uint8_t *)ref->name_utf16, sizeof(ref->name_utf16), true) <
            0) {
        disk_seterr(err, errlen, "%s: the parent's path is too long or not UTF-8", child);
        r = -ENAMETOOLONG;
        goto out;
    }
    r = 0;
out:
    free(child_abs);
    free(parent_abs);
    free(text);
    return r;
}

static int create_dynamic(int fd, const char *path, const struct disk_create_params *p, char *err,
                          size_t errlen)
{
    bool differencing = p->type == DISK_TYPE_DIFFERENCING;
    struct parent_ref *ref = NULL;
    struct vhd_footer f;
    struct vhd_header h;
    uint8_t footer_raw[VHD_FOOTER_SIZE], header_raw[VHD_HEADER_SIZE];
    uint8_t *bat = NULL;
    uint64_t size = p->size, at;
    int r;

    if (differencing) {
        ref = calloc(1, sizeof(*ref));
        if (!ref) {
            disk_seterr(err, errlen, "%s: out of memory", path);
            return -ENOMEM;
        }
        r = read_parent(path, p->parent, ref, err, errlen);
        if (r < 0)
            goto out;
        if (size != ref->size) {
            disk_seterr(err, errlen, "%s: a differencing VHD has its parent's size (%llu bytes)",
                        path, (unsigned long long)ref->size);
            r = -EINVAL;
            goto out;
        }
    }
    r = new_footer(&f, size, differencing ? VHD_TYPE_DIFFERENCING : VHD_TYPE_DYNAMIC);
    if (r < 0) {
        disk_seterr(err, errlen, "%s: no random unique id: %s", path, strerror(-r));
        goto out;
    }
    memset(&h, 0, sizeof(h));
    h.version = VHD_VERSION;
    h.block_size = p->block_size;
    h.max_table_entries = (uint32_t)((size + p->block_size - 1) / p->block_size);
    at = VHD_FOOTER_SIZE + VHD_HEADER_SIZE;
    if (differencing) {
        /* Same geometry as the parent: they are one disk to a guest. */
        f.cylinders = ref->cylinders;
        f.heads = ref->heads;
        f.sectors_per_track = ref->sectors;
        memcpy(h.parent_unique_id, ref->unique_id, 16);
        h.parent_timestamp = ref->timestamp;
        memcpy(h.parent_name, ref->name_utf16, sizeof(h.parent_name));
        const uint8_t *data[2] = {ref->rel_utf16, ref->abs_utf16};
        const int len[2] = {ref->rel_len, ref->abs_len};
        const uint32_t platform[2] = {VHD_PLATFORM_W2RU, VHD_PLATFORM_W2KU};

        for (int i = 0; i < 2; i++) {
            uint64_t space = round_up_sector((uint64_t)len[i]);

            h.locators[i].platform = platform[i];
            /* In bytes, as Windows writes it (the spec says sectors; readers use the
             * length). */
            h.locators[i].data_space = (uint32_t)space;
            h.locators[i].data_length = (uint32_t)len[i];
            h.locators[i].data_offset = at;
            r = disk_pwrite_full(fd, data[i], (size_t)len[i], at);
            if (r < 0)
                goto io_error;
            at += space;
        }
    }
    h.table_offset = at;
    uint64_t bat_bytes = round_up_sector(4ull * h.max_table_entries);

    bat = malloc(bat_bytes);
    if (!bat) {
        r = -ENOMEM;
        goto io_error;
    }
    memset(bat, 0xff, bat_bytes);
    r = disk_pwrite_full(fd, bat, bat_bytes, h.table_offset);
    if (r < 0)
        goto io_error;
    vhd_header_encode(&h, header_raw);
    r = disk_pwrite_full(fd, header_raw, sizeof(header_raw), VHD_FOOTER_SIZE);
    if (r < 0)
        goto io_error;
    vhd_footer_encode(&f, footer_raw);
    r = disk_pwrite_full(fd, footer_raw, sizeof(footer_raw), 0);
    if (r == 0)
        r = disk_pwrite_full(fd, footer_raw, sizeof(footer_raw), h.table_offset + bat_bytes);
    if (r < 0)
        goto io_error;
    goto out;

io_error:
    disk_seterr(err, errlen, "%s: cannot write: %s", path, strerror(-r));
out:
    free(bat);
    free(ref);
    return r;
}

int vhd_create(int fd, const char *path, const struct disk_create_params *p, char *err,
               size_t errlen)
{
    if (p->size == 0 || p->size % SECTOR || p->size > VHD_MAX_SIZE) {
        disk_seterr(err, errlen, "%s: a VHD holds 512 bytes to 2040 GiB, not %llu bytes", path,
                    (unsigned long long)p->size);
        return -EINVAL;
    }
    if (p->logical_sector_size != 0 && p->logical_sector_size != SECTOR) {
        disk_seterr(err, errlen, "%s: VHD has 512-byte sectors only", path);
        return -EINVAL;
    }
    switch (p->type) {
    case DISK_TYPE_FIXED:
        return create_fixed(fd, path, p->size, err, errlen);
    case DISK_TYPE_DYNAMIC:
    case DISK_TYPE_DIFFERENCING:
        if (p->block_size < VHD_MIN_BLOCK || p->block_size > VHD_MAX_BLOCK ||
            (p->block_size & (p->block_size - 1))) {
            disk_seterr(err, errlen, "%s: block size %u is not a power of two from %u to %u", path,
                        p->block_size, VHD_MIN_BLOCK, VHD_MAX_BLOCK);
            return -EINVAL;
        }
        if (p->type == DISK_TYPE_DIFFERENCING && !p->parent) {
            disk_seterr(err, errlen, "%s: a differencing VHD needs a parent", path);
            return -EINVAL;
        }
        return create_dynamic(fd, path, p, err, errlen);
    case DISK_TYPE_NONE:
        break;
    }
    disk_seterr(err, errlen, "%s: no VHD type given", path);
    return -EINVAL;
}
