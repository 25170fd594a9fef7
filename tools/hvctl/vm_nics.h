/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A VM's network adapters in its configuration (vm_config.h's nic= lines):
 * the --nic option of create and nic add, the choice of indexes, adding
 * and removing.  Pure: whether the switch exists and which MACs are free
 * is net_inventory.h's business.
 */
#ifndef HVCTL_VM_NICS_H
#define HVCTL_VM_NICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vm_config.h"

/* --nic SWITCH[,vlan=N][,mac=XX:XX:XX:XX:XX:XX][,legacy], taken apart. */
struct nic_option {
    char switch_name[VM_NAME_MAX + 1];
    unsigned vlan; /* 0: none */
    bool has_mac;
    uint8_t mac[MAC_LEN];
    bool legacy;
};

/*
 * Parses @text: a switch name (the rules of VM names), then options after
 * commas, each at most once: vlan=N (1 to 4094), mac=MAC (mac_parse(), a
 * unicast address, not zero) and legacy.  0, or -1 with "--nic TEXT: reason"
 * in @err.
 */
int vm_nic_option_parse(const char *text, struct nic_option *opt, char *err, size_t err_size);

/* nic remove's INDEX: a whole number from 0 to 7.  0, or -1 with the reason in @err. */
int vm_nic_index_parse(const char *text, unsigned *index, char *err, size_t err_size);

/* The position in @c->nics of the NIC @index, or -1. */
int vm_nic_find(const struct vm_config *c, unsigned index);

/* The position in @c->nics of the NIC whose MAC is @mac, or -1. */
int vm_nic_find_mac(const struct vm_config *c, const uint8_t mac[MAC_LEN]);

/* The lowest index no NIC of @c has, or -1 if all 8 are taken. */
int vm_nic_free_index(const struct vm_config *c);

/*
 * Adds to @c the NIC @opt with the address @mac at the lowest free index,
 * keeping the NICs sorted by index; the bridge is the switch's.  Refused:
 * a ninth NIC, a MAC @c has already.  The index, or -1 with the reason in
 * @err (@c unchanged).
 */
int vm_nic_add(struct vm_config *c, const struct nic_option *opt, const uint8_t mac[MAC_LEN],
               char *err, size_t err_size);

/* Removes the NIC at position @at of @c->nics. */
void vm_nic_remove(struct vm_config *c, unsigned at);

#endif
