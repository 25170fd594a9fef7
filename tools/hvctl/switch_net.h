/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A switch's Linux bridge in the parent (switch_config.h has what it is):
 * build it, take it away, and make sure it is there before a VM that uses
 * the switch starts.  The bridges are not persistent: after the parent
 * boots there are none, and the first start of a VM on a switch makes its
 * bridge again from the switch's configuration.
 *
 * Every switch's bridge filters VLANs (IFLA_BR_VLAN_FILTERING), so that a
 * NIC given a VLAN (an access port) sees only that VLAN.  A kernel without
 * CONFIG_BRIDGE_VLAN_FILTERING gets a bridge without, and the caller is
 * told: then VLANs are not kept apart, a NIC with a VLAN cannot be plugged
 * in, and a private switch's bridge cannot leave its default VLAN.
 */
#ifndef HVCTL_SWITCH_NET_H
#define HVCTL_SWITCH_NET_H

#include <stdbool.h>
#include <stddef.h>

#include <netlink.h>

#include "paths.h"
#include "switch_config.h"

/* What switch_bridge_build() did, for switch_bridge_undo(). */
struct switch_bridge_undo {
    bool bridge;       /* the bridge was made */
    bool nic_mtu;      /* the NIC's MTU was changed from @nic_old_mtu */
    bool nic_up;       /* the NIC was down and was brought up */
    bool nic_enslaved; /* the NIC became the bridge's port */
    unsigned nic_old_mtu;
};

/*
 * Makes the bridge of @c, which must not exist, and brings it up:
 *   every type   the switch's MTU, VLAN filtering
 *   internal     the parent's address, if @c has one
 *   private      IPv6 off (no link-local address either), and the bridge
 *                device out of the default VLAN 1 (bridge vlan del vid 1
 *                self): the parent neither sends nor receives on it
 *   external     the bridge takes the NIC's MAC; the NIC gets the MTU,
 *                becomes the bridge's port, carries VLANs 2-4094 tagged
 *                (and 1 untagged, its native VLAN) and is brought up.  Its
 *                IPv4 addresses stay on it (the caller warns)
 * On failure, what was done is undone (the NIC gets its MTU and its state
 * back) and *@u is cleared; on success *@u records what was done, for a
 * caller whose next step fails.  *@vlan_filtering says whether the kernel
 * filters VLANs.  0, or -errno with the reason in @err.
 */
int switch_bridge_build(struct nl_sock *nl, const struct switch_config *c, bool *vlan_filtering,
                        struct switch_bridge_undo *u, char *err, size_t err_size);

/* Undoes, best effort, what @u says switch_bridge_build() did for @c. */
void switch_bridge_undo(struct nl_sock *nl, const struct switch_config *c,
                        const struct switch_bridge_undo *u);

/*
 * Deletes the bridge of @c, if there is one, releasing an external
 * switch's NIC first (its MTU stays what the switch set).  An interface of
 * that name that is not a bridge is not touched: -EEXIST.  0, or -errno
 * with the reason in @err.
 */
int switch_bridge_remove(struct nl_sock *nl, const struct switch_config *c, char *err,
                         size_t err_size);

/*
 * Makes sure the bridge of the switch @name is there and up, building it
 * from $STATE/switches/NAME.conf when it is missing.  Takes the network
 * lock (lock.h) meanwhile.  This is what the start of a VM calls for each
 * switch its NICs are on.  0, or -1 with the reason in @err.
 */
int switch_ensure(const struct hvctl_paths *paths, const char *name, char *err, size_t err_size);

#endif
