/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the host's VMs and switches hold of the network, read from every
 * vms/NAME/vm.conf and switches/NAME.conf of the state directory: the
 * switches, every MAC address in use and whose it is, and which VMs have
 * NICs on which switch.  Whoever acts on it holds the network lock
 * (lock.h), so that it stays true until the change is written.
 */
#ifndef HVCTL_NET_INVENTORY_H
#define HVCTL_NET_INVENTORY_H

#include <stddef.h>
#include <stdint.h>

#include "mac.h"
#include "msg.h"
#include "paths.h"
#include "switch_config.h"

enum net_owner { NET_OWNER_VM, NET_OWNER_SWITCH };

/* One MAC address in use. */
struct net_use {
    uint64_t mac;
    enum net_owner owner;
    char name[VM_NAME_MAX + 1];        /* the VM's or the switch's */
    unsigned nic_index;                /* a VM's NIC */
    char switch_name[VM_NAME_MAX + 1]; /* the switch a VM's NIC is on */
};

struct net_inventory {
    struct net_use *uses;
    size_t use_count, use_capacity;
    struct switch_config *switches; /* sorted by name */
    size_t switch_count, switch_capacity;
    unsigned unreadable;                /* configurations that could not be read, left out */
    char unreadable_err[HVCTL_ERR_MAX]; /* the first one's "PATH: reason" */
};

/*
 * Reads every configuration into @inv (emptied first).  One that cannot be
 * read is left out and counted in @inv->unreadable: the caller says so.
 * 0, or -1 with the reason in @err (a directory that cannot be read, no
 * memory).  A missing directory is none of either.
 */
int net_inventory_load(const struct hvctl_paths *paths, struct net_inventory *inv, char *err,
                       size_t err_size);

void net_inventory_free(struct net_inventory *inv);

/* Adds one use (also a MAC this command is about to give out).  0, or -1 out of memory. */
int net_inventory_add(struct net_inventory *inv, const struct net_use *use);

/* Who has @mac, or NULL. */
const struct net_use *net_inventory_find_mac(const struct net_inventory *inv,
                                             const uint8_t mac[MAC_LEN]);

/* "VM web (its NIC 0)" or "switch lan (its bridge)". */
void net_use_describe(const struct net_use *use, char *buf, size_t buf_size);

/* The switch @name, or NULL. */
const struct switch_config *net_inventory_switch(const struct net_inventory *inv, const char *name);

/*
 * The VMs with a NIC on the switch @name: how many, and their names, each
 * once, sorted, separated by ", " into @buf ("" for none; "..." ends a list
 * that does not fit).
 */
unsigned net_inventory_switch_users(const struct net_inventory *inv, const char *name, char *buf,
                                    size_t buf_size);

/* The lowest address of @pool that nobody in @inv has.  0, or -1 when all are taken. */
int net_inventory_alloc_mac(const struct net_inventory *inv, const struct mac_pool *pool,
                            uint8_t mac[MAC_LEN]);

#endif
