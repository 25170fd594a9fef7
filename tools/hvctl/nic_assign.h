/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Giving a VM a NIC on the host: its switch must exist, and its MAC is the
 * one given, if nobody on the host has it, or the lowest free one of the
 * host's pool.  Pure but for what the caller read (net_inventory.h, under
 * the network lock, and host_config.h's pool).
 */
#ifndef HVCTL_NIC_ASSIGN_H
#define HVCTL_NIC_ASSIGN_H

#include <stdbool.h>
#include <stddef.h>

#include "mac.h"
#include "net_inventory.h"
#include "vm_config.h"

/*
 * Adds the NIC of the --nic value @spec (vm_nics.h) to @c at its lowest
 * free index, and its MAC to @inv, so that the next NIC of the same
 * command gets another.  legacy needs @c->generation 1.  *@from_pool is set when the MAC came from
 * @pool. The index, or -1 with the reason in @err: "--nic SPEC: reason", naming the VM or switch
 * that has a MAC already.
 */
int nic_assign(struct vm_config *c, const char *spec, struct net_inventory *inv,
               const struct mac_pool *pool, bool *from_pool, char *err, size_t err_size);

#endif
