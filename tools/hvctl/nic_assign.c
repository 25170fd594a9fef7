// SPDX-License-Identifier: GPL-2.0-only
/* A NIC's switch and MAC on this host (see nic_assign.h). */
#include <stdio.h>
#include <string.h>

#include "nic_assign.h"
#include "vm_nics.h"

int nic_assign(struct vm_config *c, const char *spec, struct net_inventory *inv,
               const struct mac_pool *pool, bool *from_pool, char *err, size_t err_size)
{
    struct nic_option opt;
    struct net_use use = {.owner = NET_OWNER_VM};
    char why[HVCTL_ERR_MAX], mac_text[MAC_TEXT_MAX];
    const struct net_use *owner;
    int index;

    if (vm_nic_option_parse(spec, &opt, err, err_size) != 0)
        return -1;
    /* As on Hyper-V: the emulated (legacy) NIC is a device of the generation 1 PC only. */
    if (opt.legacy && c->generation != 1) {
        snprintf(err, err_size,
                 "--nic %s: legacy (an emulated NIC) is for generation 1 VMs: %s is a "
                 "generation %u VM, whose NICs are synthetic",
                 spec, c->name, c->generation);
        return -1;
    }
    if (opt.legacy && vm_config_legacy_nics(c) >= VM_LEGACY_NICS_MAX) {
        snprintf(err, err_size, "--nic %s: %s has %u legacy NICs already, the most a VM can have",
                 spec, c->name, VM_LEGACY_NICS_MAX);
        return -1;
    }
    if (net_inventory_switch(inv, opt.switch_name) == NULL) {
        snprintf(err, err_size,
                 "--nic %s: there is no switch %s (hvctl switch list shows them, hvctl switch "
                 "create makes one)",
                 spec, opt.switch_name);
        return -1;
    }
    if (c->nic_count >= VM_NICS_MAX) {
        snprintf(err, err_size, "--nic %s: %s has %d NICs already, the most a VM can have", spec,
                 c->name, VM_NICS_MAX);
        return -1;
    }
    if (opt.has_mac) {
        owner = net_inventory_find_mac(inv, opt.mac);
        if (owner != NULL) {
            net_use_describe(owner, why, sizeof(why));
            mac_format(opt.mac, mac_text);
            snprintf(err, err_size, "--nic %s: MAC %s is in use by %s", spec, mac_text, why);
            return -1;
        }
    } else if (net_inventory_alloc_mac(inv, pool, opt.mac) != 0) {
        char pool_text[MAC_POOL_TEXT_MAX];

        mac_pool_format(pool, pool_text);
        snprintf(err, err_size,
                 "--nic %s: every MAC of the host's pool %s is in use (give one with mac=, or a "
                 "larger pool in host.conf)",
                 spec, pool_text);
        return -1;
    }
    *from_pool = !opt.has_mac;
    index = vm_nic_add(c, &opt, opt.mac, why, sizeof(why));
    if (index < 0) {
        snprintf(err, err_size, "--nic %s: %s", spec, why);
        return -1;
    }
    use.mac = mac_to_u64(opt.mac);
    use.nic_index = (unsigned)index;
    strcpy(use.name, c->name);
    strcpy(use.switch_name, opt.switch_name);
    if (net_inventory_add(inv, &use) != 0) {
        snprintf(err, err_size, "out of memory");
        return -1;
    }
    return index;
}
