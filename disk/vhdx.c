// SPDX-License-Identifier: GPL-2.0-only
/*
 * VHDX: placeholder until the format is implemented (probes nothing, so a
 * VHDX file is not recognised yet; creating one fails).
 */
#include <errno.h>

#include "disk_internal.h"

static bool vhdx_probe(const uint8_t *head, size_t head_len, const uint8_t *tail, size_t tail_len,
                       uint64_t file_size)
{
    (void)head, (void)head_len, (void)tail, (void)tail_len, (void)file_size;
    return false;
}

static int vhdx_create(int fd, const char *path, const struct disk_create_params *p, char *err,
                       size_t errlen)
{
    (void)fd, (void)p;
    disk_seterr(err, errlen, "%s: VHDX is not supported yet", path);
    return -ENOTSUP;
}

const struct disk_driver disk_driver_vhdx = {
    .format = DISK_FORMAT_VHDX,
    .probe = vhdx_probe,
    .create = vhdx_create,
};
