// SPDX-License-Identifier: GPL-2.0-only
/*
 * VHD's on-disk structures: the footer and the dynamic header as bytes
 * (big-endian, with the spec's one's-complement checksum), the CHS
 * geometry, timestamps, unique ids and the UTF-16 of parent paths.
 */
#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "vhd.h"

/* Offsets in the footer. */
#define F_COOKIE      0
#define F_FEATURES    8
#define F_VERSION     12
#define F_DATA_OFFSET 16
#define F_TIMESTAMP   24
#define F_CREATOR_APP 28
#define F_CREATOR_VER 32
#define F_CREATOR_OS  36
#define F_ORIG_SIZE   40
#define F_CUR_SIZE    48
#define F_CYLINDERS   56
#define F_HEADS       58
#define F_SECTORS     59
#define F_DISK_TYPE   60
#define F_CHECKSUM    64
#define F_UNIQUE_ID   68
#define F_SAVED_STATE 84

/* Offsets in the dynamic header. */
#define H_COOKIE       0
#define H_DATA_OFFSET  8
#define H_TABLE_OFFSET 16
#define H_VERSION      24
#define H_MAX_ENTRIES  28
#define H_BLOCK_SIZE   32
#define H_CHECKSUM     36
#define H_PARENT_ID    40
#define H_PARENT_TIME  56
#define H_PARENT_NAME  64
#define H_LOCATORS     576
#define H_LOCATOR_SIZE 24

static const char footer_cookie[8] = "conectix";
static const char header_cookie[8] = "cxsparse";

/* The sum of every byte but the 4 of the checksum field, complemented. */
static uint32_t checksum(const uint8_t *buf, size_t len, size_t checksum_at)
{
    uint32_t sum = 0;

    for (size_t i = 0; i < len; i++) {
        if (i < checksum_at || i >= checksum_at + 4)
            sum += buf[i];
    }
    return ~sum;
}

void vhd_footer_encode(const struct vhd_footer *f, uint8_t out[VHD_FOOTER_SIZE])
{
    memset(out, 0, VHD_FOOTER_SIZE);
    memcpy(out + F_COOKIE, footer_cookie, 8);
    vhd_put32(out + F_FEATURES, f->features);
    vhd_put32(out + F_VERSION, f->version);
    vhd_put64(out + F_DATA_OFFSET, f->data_offset);
    vhd_put32(out + F_TIMESTAMP, f->timestamp);
    memcpy(out + F_CREATOR_APP, f->creator_app, 4);
    vhd_put32(out + F_CREATOR_VER, f->creator_version);
    memcpy(out + F_CREATOR_OS, f->creator_os, 4);
    vhd_put64(out + F_ORIG_SIZE, f->original_size);
    vhd_put64(out + F_CUR_SIZE, f->current_size);
    vhd_put16(out + F_CYLINDERS, f->cylinders);
    out[F_HEADS] = f->heads;
    out[F_SECTORS] = f->sectors_per_track;
    vhd_put32(out + F_DISK_TYPE, f->disk_type);
    memcpy(out + F_UNIQUE_ID, f->unique_id, 16);
    out[F_SAVED_STATE] = f->saved_state;
    vhd_put32(out + F_CHECKSUM, checksum(out, VHD_FOOTER_SIZE, F_CHECKSUM));
}

int vhd_footer_decode(const uint8_t in[VHD_FOOTER_SIZE], struct vhd_footer *f)
{
    if (memcmp(in + F_COOKIE, footer_cookie, 8) != 0)
        return -EINVAL;
    if (vhd_get32(in + F_CHECKSUM) != checksum(in, VHD_FOOTER_SIZE, F_CHECKSUM))
        return -EBADMSG;
    f->features = vhd_get32(in + F_FEATURES);
    f->version = vhd_get32(in + F_VERSION);
    f->data_offset = vhd_get64(in + F_DATA_OFFSET);
    f->timestamp = vhd_get32(in + F_TIMESTAMP);
    memcpy(f->creator_app, in + F_CREATOR_APP, 4);
    f->creator_version = vhd_get32(in + F_CREATOR_VER);
    memcpy(f->creator_os, in + F_CREATOR_OS, 4);
    f->original_size = vhd_get64(in + F_ORIG_SIZE);
    f->current_size = vhd_get64(in + F_CUR_SIZE);
    f->cylinders = vhd_get16(in + F_CYLINDERS);
    f->heads = in[F_HEADS];
    f->sectors_per_track = in[F_SECTORS];
    f->disk_type = vhd_get32(in + F_DISK_TYPE);
    memcpy(f->unique_id, in + F_UNIQUE_ID, 16);
    f->saved_state = in[F_SAVED_STATE];
    return 0;
}

void vhd_header_encode(const struct vhd_header *h, uint8_t out[VHD_HEADER_SIZE])
{
    memset(out, 0, VHD_HEADER_SIZE);
    memcpy(out + H_COOKIE, header_cookie, 8);
    vhd_put64(out + H_DATA_OFFSET, VHD_NO_OFFSET);
    vhd_put64(out + H_TABLE_OFFSET, h->table_offset);
    vhd_put32(out + H_VERSION, h->version);
    vhd_put32(out + H_MAX_ENTRIES, h->max_table_entries);
    vhd_put32(out + H_BLOCK_SIZE, h->block_size);
    memcpy(out + H_PARENT_ID, h->parent_unique_id, 16);
    vhd_put32(out + H_PARENT_TIME, h->parent_timestamp);
    memcpy(out + H_PARENT_NAME, h->parent_name, VHD_PARENT_NAME_BYTES);
    for (int i = 0; i < VHD_LOCATORS; i++) {
        uint8_t *l = out + H_LOCATORS + i * H_LOCATOR_SIZE;

        vhd_put32(l, h->locators[i].platform);
        vhd_put32(l + 4, h->locators[i].data_space);
        vhd_put32(l + 8, h->locators[i].data_length);
        vhd_put64(l + 16, h->locators[i].data_offset);
    }
    vhd_put32(out + H_CHECKSUM, checksum(out, VHD_HEADER_SIZE, H_CHECKSUM));
}

int vhd_header_decode(const uint8_t in[VHD_HEADER_SIZE], struct vhd_header *h)
{
    if (memcmp(in + H_COOKIE, header_cookie, 8) != 0)
        return -EINVAL;
    if (vhd_get32(in + H_CHECKSUM) != checksum(in, VHD_HEADER_SIZE, H_CHECKSUM))
        return -EBADMSG;
    h->table_offset = vhd_get64(in + H_TABLE_OFFSET);
    h->version = vhd_get32(in + H_VERSION);
    h->max_table_entries = vhd_get32(in + H_MAX_ENTRIES);
    h->block_size = vhd_get32(in + H_BLOCK_SIZE);
    memcpy(h->parent_unique_id, in + H_PARENT_ID, 16);
    h->parent_timestamp = vhd_get32(in + H_PARENT_TIME);
    memcpy(h->parent_name, in + H_PARENT_NAME, VHD_PARENT_NAME_BYTES);
    for (int i = 0; i < VHD_LOCATORS; i++) {
        const uint8_t *l = in + H_LOCATORS + i * H_LOCATOR_SIZE;

        h->locators[i].platform = vhd_get32(l);
        h->locators[i].data_space = vhd_get32(l + 4);
        h->locators[i].data_length = vhd_get32(l + 8);
        h->locators[i].data_offset = vhd_get64(l + 16);
    }
    return 0;
}

/*
 * The spec's algorithm (appendix "CHS Calculation"), which Hyper-V and QEMU
 * follow too: the fewest sectors per track that keep the cylinders under
 * 1024 per head, 255 sectors per track above the ATA limit.
 */
void vhd_geometry(uint64_t size, uint16_t *cylinders, uint8_t *heads, uint8_t *sectors)
{
    uint64_t total = size / DISK_SECTOR_SIZE;
    uint64_t spt, hds, cyl_times_heads;

    if (total > 65535ull * 16 * 255)
        total = 65535ull * 16 * 255;
    if (total >= 65535ull * 16 * 63) {
        spt = 255;
        hds = 16;
        cyl_times_heads = total / spt;
    } else {
        spt = 17;
        cyl_times_heads = total / spt;
        hds = (cyl_times_heads + 1023) / 1024;
        if (hds < 4)
            hds = 4;
        if (cyl_times_heads >= hds * 1024 || hds > 16) {
            spt = 31;
            hds = 16;
            cyl_times_heads = total / spt;
        }
        if (cyl_times_heads >= hds * 1024) {
            spt = 63;
            hds = 16;
            cyl_times_heads = total / spt;
        }
    }
    *cylinders = (uint16_t)(cyl_times_heads / hds);
    *heads = (uint8_t)hds;
    *sectors = (uint8_t)spt;
}

uint32_t vhd_timestamp_now(void)
{
    time_t now = time(NULL);

    return now > (time_t)VHD_EPOCH_OFFSET ? (uint32_t)((uint64_t)now - VHD_EPOCH_OFFSET) : 0;
}

int vhd_new_unique_id(uint8_t id[16])
{
    size_t got = 0;

    while (got < 16) {
        ssize_t n = getrandom(id + got, 16 - got, 0);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        got += (size_t)n;
    }
    id[6] = (uint8_t)((id[6] & 0x0f) | 0x40); /* version 4: random */
    id[8] = (uint8_t)((id[8] & 0x3f) | 0x80);
    return 0;
}

uint32_t vhd_bitmap_size(uint32_t block_size)
{
    uint32_t bytes = block_size / DISK_SECTOR_SIZE / 8;

    return (bytes + DISK_SECTOR_SIZE - 1) / DISK_SECTOR_SIZE * DISK_SECTOR_SIZE;
}
