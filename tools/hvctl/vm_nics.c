// SPDX-License-Identifier: GPL-2.0-only
/* A VM's NICs in its configuration (see vm_nics.h). */
#include <stdio.h>
#include <string.h>

#include "conf_file.h"
#include "vm_nics.h"

/* One option of --nic @text: @opt_text of @len bytes. */
static int parse_option(const char *text, const char *opt_text, size_t len, struct nic_option *opt,
                        unsigned *seen, char *err, size_t err_size)
{
    char value[MAC_TEXT_MAX + 1], why[128];
    enum { SEEN_VLAN = 1, SEEN_MAC = 2, SEEN_LEGACY = 4 } which;
    const char *name;

    if (len >= 5 && memcmp(opt_text, "vlan=", 5) == 0) {
        which = SEEN_VLAN;
        name = "vlan";
    } else if (len >= 4 && memcmp(opt_text, "mac=", 4) == 0) {
        which = SEEN_MAC;
        name = "mac";
    } else if (len == 6 && memcmp(opt_text, "legacy", 6) == 0) {
        which = SEEN_LEGACY;
        name = "legacy";
    } else {
        snprintf(err, err_size,
                 "--nic %s: unknown NIC option '%.*s' (vlan=N, mac=XX:XX:XX:XX:XX:XX or legacy)",
                 text, (int)len, opt_text);
        return -1;
    }
    if (*seen & which) {
        snprintf(err, err_size, "--nic %s: %s given twice", text, name);
        return -1;
    }
    *seen |= which;
    if (which == SEEN_VLAN &&
        conf_parse_uint(opt_text + 5, len - 5, VM_NIC_VLAN_MAX, &opt->vlan) != 0) {
        snprintf(err, err_size,
                 "--nic %s: VLAN '%.*s' is not a whole number from 1 to %d (the access VLAN of "
                 "the NIC's switch port)",
                 text, (int)(len - 5), opt_text + 5, VM_NIC_VLAN_MAX);
        return -1;
    }
    if (which == SEEN_VLAN && opt->vlan == 0) {
        snprintf(err, err_size, "--nic %s: VLAN 0 is not a VLAN (1 to %d)", text, VM_NIC_VLAN_MAX);
        return -1;
    }
    if (which == SEEN_MAC) {
        size_t mac_len = len - 4;

        if (mac_len < sizeof(value)) {
            memcpy(value, opt_text + 4, mac_len);
            value[mac_len] = '\0';
        }
        if (mac_len >= sizeof(value) || mac_parse(value, opt->mac) != 0) {
            snprintf(err, err_size,
                     "--nic %s: '%.*s' is not a MAC address (six pairs of hex digits, "
                     "00:15:5d:00:00:10 or 00-15-5D-00-00-10)",
                     text, (int)(len - 4), opt_text + 4);
            return -1;
        }
        if (!mac_usable(opt->mac, why, sizeof(why))) {
            snprintf(err, err_size, "--nic %s: MAC %s %s", text, value, why);
            return -1;
        }
        opt->has_mac = true;
    }
    if (which == SEEN_LEGACY)
        opt->legacy = true;
    return 0;
}

int vm_nic_option_parse(const char *text, struct nic_option *opt, char *err, size_t err_size)
{
    const char *comma = strchr(text, ',');
    size_t name_len = comma ? (size_t)(comma - text) : strlen(text);
    unsigned seen = 0;
    char why[128];

    memset(opt, 0, sizeof(*opt));
    if (name_len == 0) {
        snprintf(err, err_size, "--nic %s: no switch name (SWITCH[,vlan=N][,mac=MAC][,legacy])",
                 text);
        return -1;
    }
    if (name_len > VM_NAME_MAX) {
        snprintf(err, err_size, "--nic %.80s...: the switch name is longer than %d characters",
                 text, VM_NAME_MAX);
        return -1;
    }
    memcpy(opt->switch_name, text, name_len);
    opt->switch_name[name_len] = '\0';
    if (!vm_name_valid(opt->switch_name, why, sizeof(why))) {
        snprintf(err, err_size, "--nic %s: invalid switch name '%s': %s", text, opt->switch_name,
                 why);
        return -1;
    }
    while (comma != NULL) {
        const char *start = comma + 1;

        comma = strchr(start, ',');
        if (parse_option(text, start, comma ? (size_t)(comma - start) : strlen(start), opt, &seen,
                         err, err_size) != 0)
            return -1;
    }
    return 0;
}

int vm_nic_index_parse(const char *text, unsigned *index, char *err, size_t err_size)
{
    if (conf_parse_uint(text, strlen(text), VM_NIC_INDEX_MAX, index) != 0) {
        snprintf(err, err_size, "NIC index '%.40s' is not a whole number from 0 to %d", text,
                 VM_NIC_INDEX_MAX);
        return -1;
    }
    return 0;
}

int vm_nic_find(const struct vm_config *c, unsigned index)
{
    for (unsigned i = 0; i < c->nic_count; i++) {
        if (c->nics[i].index == index)
            return (int)i;
    }
    return -1;
}

int vm_nic_find_mac(const struct vm_config *c, const uint8_t mac[MAC_LEN])
{
    for (unsigned i = 0; i < c->nic_count; i++) {
        if (memcmp(c->nics[i].mac, mac, MAC_LEN) == 0)
            return (int)i;
    }
    return -1;
}

int vm_nic_free_index(const struct vm_config *c)
{
    for (unsigned index = 0; index <= VM_NIC_INDEX_MAX; index++) {
        if (vm_nic_find(c, index) < 0)
            return (int)index;
    }
    return -1;
}

int vm_nic_add(struct vm_config *c, const struct nic_option *opt, const uint8_t mac[MAC_LEN],
               char *err, size_t err_size)
{
    int index = vm_nic_free_index(c), taken = vm_nic_find_mac(c, mac);
    struct vm_nic *n;
    unsigned at;

    if (index < 0 || c->nic_count >= VM_NICS_MAX) {
        snprintf(err, err_size, "%s has %d NICs already, the most a VM can have", c->name,
                 VM_NICS_MAX);
        return -1;
    }
    if (taken >= 0) {
        char text[MAC_TEXT_MAX];

        mac_format(mac, text);
        snprintf(err, err_size, "%s's NIC %u has the MAC %s already", c->name, c->nics[taken].index,
                 text);
        return -1;
    }
    for (at = 0; at < c->nic_count && c->nics[at].index < (unsigned)index; at++) {
    }
    memmove(&c->nics[at + 1], &c->nics[at], (c->nic_count - at) * sizeof(c->nics[0]));
    n = &c->nics[at];
    memset(n, 0, sizeof(*n));
    n->index = (unsigned)index;
    strcpy(n->switch_name, opt->switch_name);
    switch_bridge_name(opt->switch_name, n->bridge);
    memcpy(n->mac, mac, MAC_LEN);
    n->vlan = opt->vlan;
    n->legacy = opt->legacy;
    c->nic_count++;
    return index;
}

void vm_nic_remove(struct vm_config *c, unsigned at)
{
    if (at >= c->nic_count)
        return;
    memmove(&c->nics[at], &c->nics[at + 1], (c->nic_count - at - 1) * sizeof(c->nics[0]));
    c->nic_count--;
}
