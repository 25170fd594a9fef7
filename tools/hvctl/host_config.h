/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The host's own settings, $STATE/host.conf (key=value lines, conf_file.h):
 *   mac_pool=00:15:5d:a7:00:00-00:15:5d:a7:ff:ff
 *       the addresses hvctl gives NICs and internal or private switches
 *       that were not given one (mac.h).  hvctl writes the file the first
 *       time it needs an address, with a pool of Microsoft's OUI, a fourth
 *       byte drawn at random for this host and the last two free: edit it
 *       to choose another (say, when two hosts drew the same byte).
 * Unknown keys are errors.
 */
#ifndef HVCTL_HOST_CONFIG_H
#define HVCTL_HOST_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "mac.h"

#define HOST_CONFIG_FILE "host.conf"
#define HOST_CONFIG_MAX  4096

struct host_config {
    struct mac_pool mac_pool;
};

/* The @len bytes at @text into @c.  0, or -1 with "line N: reason" in @err. */
int host_config_parse(const char *text, size_t len, struct host_config *c, char *err,
                      size_t err_size);

/* The text of @c into @buf: its length, or -1 if it does not fit. */
long host_config_format(const struct host_config *c, char *buf, size_t buf_size);

/*
 * Reads the file @path into @c.  When there is none, @c is a new host's
 * (a random fourth byte) and *@is_new is true: the caller writes it with
 * host_config_write() once it has used it, so that a command that fails
 * leaves no file.  0, or -1 with "PATH: reason" in @err.
 */
int host_config_load(const char *path, struct host_config *c, bool *is_new, char *err,
                     size_t err_size);

/* Writes @c as @dir/host.conf, atomically.  0, or -1 with the reason in @err. */
int host_config_write(const char *dir, const struct host_config *c, char *err, size_t err_size);

#endif
