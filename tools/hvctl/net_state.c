// SPDX-License-Identifier: GPL-2.0-only
/* The network lock and what is read under it (see net_state.h). */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lock.h"
#include "msg.h"
#include "net_state.h"

int net_state_open(const struct hvctl_paths *paths, bool need_pool, struct net_state *st)
{
    char err[HVCTL_ERR_MAX], path[VM_PATH_MAX];
    struct stat sb;

    memset(st, 0, sizeof(*st));
    st->lock_fd = -1;
    /* No state directory yet: no switch, no VM; a create that needs one says so later. */
    if (stat(paths->state_dir, &sb) == 0) {
        st->lock_fd = net_lock(paths);
        if (st->lock_fd < 0) {
            hvctl_error("cannot take the network lock on %s: %s", paths->state_dir,
                        strerror(errno));
            return -1;
        }
    }
    if (net_inventory_load(paths, &st->inv, err, sizeof(err)) != 0) {
        hvctl_error("%s", err);
        net_unlock(st->lock_fd);
        return -1;
    }
    if (st->inv.unreadable > 0)
        hvctl_warning("left out when checking MAC addresses and switches: %s%s",
                      st->inv.unreadable_err,
                      st->inv.unreadable > 1 ? " (and more: hvctl list shows them)" : "");
    if (!need_pool)
        return 0;
    path_host_config(paths, path);
    if (host_config_load(path, &st->host, &st->host_new, err, sizeof(err)) != 0) {
        hvctl_error("%s", err);
        net_state_close(st);
        return -1;
    }
    return 0;
}

int net_state_save_host(const struct hvctl_paths *paths, struct net_state *st)
{
    char err[HVCTL_ERR_MAX];

    if (!st->host_new || !st->host_used)
        return 0;
    if (host_config_write(paths->state_dir, &st->host, err, sizeof(err)) != 0) {
        hvctl_error("cannot save the host's MAC pool: %s", err);
        return -1;
    }
    st->host_written = true;
    return 0;
}

void net_state_forget_host(const struct hvctl_paths *paths, struct net_state *st)
{
    char path[VM_PATH_MAX];

    if (!st->host_written)
        return;
    path_host_config(paths, path);
    unlink(path);
    st->host_written = false;
}

void net_state_close(struct net_state *st)
{
    net_inventory_free(&st->inv);
    net_unlock(st->lock_fd);
    st->lock_fd = -1;
}
