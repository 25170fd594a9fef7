/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The first steps of a command that gives out MAC addresses or changes the
 * switches: take the network lock (lock.h), read what the host's VMs and
 * switches hold (net_inventory.h) and the host's MAC pool (host_config.h).
 * Each prints the error itself, as vm_lookup.h's do.
 */
#ifndef HVCTL_NET_STATE_H
#define HVCTL_NET_STATE_H

#include <stdbool.h>

#include "host_config.h"
#include "net_inventory.h"
#include "paths.h"

struct net_state {
    int lock_fd; /* -1 when there was no state directory to lock: no switch, nothing to read */
    struct net_inventory inv;
    struct host_config host;
    bool host_new;     /* host.conf did not exist: @host is a new one, written when used */
    bool host_used;    /* a MAC came from the pool: host.conf must be there */
    bool host_written; /* net_state_save_host() wrote a new host.conf */
};

/*
 * Locks and reads, host.conf too when @need_pool; warns about
 * configurations that cannot be read (left out).  0, or -1 after saying
 * why (and nothing held).
 */
int net_state_open(const struct hvctl_paths *paths, bool need_pool, struct net_state *st);

/* Writes a new host.conf if a MAC came from its pool.  0, or -1 after saying why. */
int net_state_save_host(const struct hvctl_paths *paths, struct net_state *st);

/* Takes back a host.conf that net_state_save_host() wrote, when what used it failed. */
void net_state_forget_host(const struct hvctl_paths *paths, struct net_state *st);

/* Frees and unlocks. */
void net_state_close(struct net_state *st);

#endif
