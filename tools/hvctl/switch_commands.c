// SPDX-License-Identifier: GPL-2.0-only
/*
 * switch create, list, delete: the virtual switches (switch_config.h) and
 * their bridges (switch_net.h).  Create and delete hold the network lock
 * (lock.h) from their checks to the configuration file's change.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <netlink.h>

#include "commands.h"
#include "fsutil.h"
#include "msg.h"
#include "net_state.h"
#include "switch_config.h"
#include "switch_net.h"

#define ADDRESSES_SHOWN 4

static int check_switch_name(const char *name)
{
    char why[128];

    if (vm_name_valid(name, why, sizeof(why)))
        return 0;
    hvctl_error("invalid switch name '%s': %s", name, why);
    return -1;
}

/* The options of switch create into @c (its name is set).  0, or -1 after saying why. */
static int switch_options(const struct hvctl_args *args, struct switch_config *c)
{
    char err[HVCTL_ERR_MAX], why[128];

    c->mtu = SWITCH_MTU_DEFAULT;
    if (switch_type_parse(args->type, &c->type, err, sizeof(err)) != 0 ||
        ((args->given & OPT_MTU) && switch_mtu_parse(args->mtu, &c->mtu, err, sizeof(err)) != 0)) {
        hvctl_error("%s", err);
        return -1;
    }
    if ((args->given & OPT_ADDRESS) && c->type != SWITCH_INTERNAL) {
        hvctl_error("--address is the parent's address on an internal switch: a%s %s switch has "
                    "none%s",
                    c->type == SWITCH_EXTERNAL ? "n" : "", switch_type_name(c->type),
                    c->type == SWITCH_EXTERNAL ? " (configure its bridge like any interface)"
                                               : " (the parent takes no part in it)");
        return -1;
    }
    if (c->type == SWITCH_EXTERNAL && !(args->given & OPT_NIC)) {
        hvctl_error("an external switch needs --nic DEV: the physical network adapter it bridges "
                    "the VMs to");
        return -1;
    }
    if (c->type != SWITCH_EXTERNAL && (args->given & OPT_NIC)) {
        hvctl_error("--nic DEV is for an external switch: a%s %s switch has no physical network "
                    "adapter",
                    c->type == SWITCH_INTERNAL ? "n" : "", switch_type_name(c->type));
        return -1;
    }
    if ((args->given & OPT_ADDRESS) && switch_address_parse("--address", args->address, &c->address,
                                                            &c->prefix, err, sizeof(err)) != 0) {
        hvctl_error("%s", err);
        return -1;
    }
    c->has_address = (args->given & OPT_ADDRESS) != 0;
    if (args->given & OPT_NIC) {
        if (!ifname_valid(args->nic, why, sizeof(why))) {
            hvctl_error("--nic %s %s", args->nic, why);
            return -1;
        }
        strcpy(c->nic, args->nic);
    }
    return 0;
}

/*
 * What must not be so on this host for the switch @c to be made, under the
 * network lock: a switch of that name, another switch with the same bridge
 * or the same NIC, an interface with the bridge's name.
 */
static int check_host(const struct hvctl_paths *paths, const struct net_state *st,
                      struct nl_sock *nl, const struct switch_config *c, const char *bridge)
{
    char path[VM_PATH_MAX], other[IFNAME_MAX + 1], err[HVCTL_ERR_MAX];
    struct nl_link link;
    int rc;

    path_switch_config(paths, c->name, path);
    if (net_inventory_switch(&st->inv, c->name) != NULL || access(path, F_OK) == 0) {
        hvctl_error("a switch named '%s' already exists", c->name);
        return -1;
    }
    for (size_t i = 0; i < st->inv.switch_count; i++) {
        const struct switch_config *s = &st->inv.switches[i];

        switch_bridge_name(s->name, other);
        if (strcmp(other, bridge) == 0) {
            hvctl_error("cannot create switch %s: its bridge would be %s, which is switch %s's "
                        "(bridge names have at most %d characters): choose another name",
                        c->name, bridge, s->name, IFNAME_MAX);
            return -1;
        }
        if (c->type == SWITCH_EXTERNAL && s->type == SWITCH_EXTERNAL &&
            strcmp(s->nic, c->nic) == 0) {
            hvctl_error("cannot create switch %s: %s is the NIC of switch %s already", c->name,
                        c->nic, s->name);
            return -1;
        }
    }
    rc = nl_link_get(nl, bridge, &link, err, sizeof(err));
    if (rc == 0) {
        hvctl_error("cannot create switch %s: there is a network interface %s already, which "
                    "hvctl did not make (ip link delete %s, if it is a leftover)",
                    c->name, bridge, bridge);
        return -1;
    }
    if (rc != -ENODEV) {
        hvctl_error("cannot create switch %s: %s", c->name, err);
        return -1;
    }
    return 0;
}

/*
 * The IPv4 addresses of an external switch's NIC, as text into @list: how
 * many.  They stay on the NIC, where a bridge's port no longer answers:
 * once the switch is there, the user is told to move them to the bridge.
 */
static int nic_addresses(struct nl_sock *nl, const struct switch_config *c, char *list, size_t size)
{
    struct nl_addr4 addrs[ADDRESSES_SHOWN];
    char err[HVCTL_ERR_MAX], one[24];
    int n = nl_addr4_list(nl, c->nic, addrs, ADDRESSES_SHOWN, err, sizeof(err));

    list[0] = '\0';
    for (int i = 0; i < n && i < ADDRESSES_SHOWN; i++) {
        switch_address_format(addrs[i].addr, addrs[i].prefix, one, sizeof(one));
        snprintf(list + strlen(list), size - strlen(list), "%s%s", i ? ", " : "", one);
    }
    if (n > ADDRESSES_SHOWN)
        snprintf(list + strlen(list), size - strlen(list), "...");
    return n < 0 ? 0 : n;
}

/* Writes @c's configuration (and a new host.conf); on failure says why. */
static int save_switch(const struct hvctl_paths *paths, struct net_state *st,
                       const struct switch_config *c)
{
    char dir[VM_PATH_MAX], err[HVCTL_ERR_MAX];

    path_switches_dir(paths, dir);
    if (net_state_save_host(paths, st) != 0)
        return -1;
    if (make_dirs(dir, 0755) != 0 || fsync_dir(paths->state_dir) != 0) {
        hvctl_error("cannot create switch %s: %s: %s", c->name, dir, strerror(errno));
        net_state_forget_host(paths, st);
        return -1;
    }
    if (switch_config_write(dir, c, err, sizeof(err)) != 0) {
        hvctl_error("cannot create switch %s: %s", c->name, err);
        net_state_forget_host(paths, st);
        return -1;
    }
    return 0;
}

static int create_locked(const struct hvctl_paths *paths, struct net_state *st,
                         struct switch_config *c)
{
    char bridge[IFNAME_MAX + 1], err[HVCTL_ERR_MAX], addresses[ADDRESSES_SHOWN * 20 + 4];
    struct switch_bridge_undo undo;
    struct nl_sock nl;
    bool vlan_filtering;
    int status = HVCTL_EXIT_ERROR, n_addresses = 0;

    switch_bridge_name(c->name, bridge);
    if (nl_open(&nl, err, sizeof(err)) < 0) {
        hvctl_error("cannot create switch %s: %s", c->name, err);
        return HVCTL_EXIT_ERROR;
    }
    if (check_host(paths, st, &nl, c, bridge) != 0)
        goto out;
    if (c->type != SWITCH_EXTERNAL) {
        /* The bridge's own address comes from the pool too: the parent's vNIC under Hyper-V. */
        if (net_inventory_alloc_mac(&st->inv, &st->host.mac_pool, c->mac) != 0) {
            hvctl_error("cannot create switch %s: every MAC of the host's pool is in use", c->name);
            goto out;
        }
        c->has_mac = true;
        st->host_used = true;
    }
    if (c->type == SWITCH_EXTERNAL)
        n_addresses = nic_addresses(&nl, c, addresses, sizeof(addresses));
    if (switch_bridge_build(&nl, c, &vlan_filtering, &undo, err, sizeof(err)) < 0) {
        hvctl_error("cannot create switch %s: %s", c->name, err);
        goto out;
    }
    if (save_switch(paths, st, c) != 0) {
        /* The NIC of an external switch gets its MTU and state back too. */
        switch_bridge_undo(&nl, c, &undo);
        goto out;
    }
    if (!vlan_filtering)
        hvctl_warning("this kernel cannot filter VLANs on a bridge (no "
                      "CONFIG_BRIDGE_VLAN_FILTERING): switch %s does not keep VLANs apart, a NIC "
                      "with a VLAN cannot start on it%s",
                      c->name,
                      c->type == SWITCH_PRIVATE ? ", and the parent's bridge is not cut off" : "");
    if (n_addresses > 0)
        hvctl_warning("%s keeps its IPv4 address%s %s, but as a port of %s it no longer takes "
                      "part in IP: the parent's address on that network belongs on %s now (ip "
                      "addr add ... dev %s, and the routes)",
                      c->nic, n_addresses > 1 ? "es" : "", addresses, bridge, bridge, bridge);
    status = HVCTL_EXIT_OK;
out:
    nl_close(&nl);
    return status;
}

int cmd_switch_create(const struct hvctl_paths *paths, const struct hvctl_args *args)
{
    struct switch_config c;
    struct net_state st;
    int status;

    memset(&c, 0, sizeof(c));
    if (check_switch_name(args->operands[0]) != 0)
        return HVCTL_EXIT_ERROR;
    strcpy(c.name, args->operands[0]);
    if (switch_options(args, &c) != 0)
        return HVCTL_EXIT_ERROR;
    if (make_dirs(paths->state_dir, 0755) != 0) {
        hvctl_error("cannot create %s: %s", paths->state_dir, strerror(errno));
        return HVCTL_EXIT_ERROR;
    }
    if (net_state_open(paths, true, &st) != 0)
        return HVCTL_EXIT_ERROR;
    status = create_locked(paths, &st, &c);
    net_state_close(&st);
    return status;
}

int cmd_switch_delete(const struct hvctl_paths *paths, const struct hvctl_args *args)
{
    const char *name = args->operands[0];
    char path[VM_PATH_MAX], dir[VM_PATH_MAX], err[HVCTL_ERR_MAX], users[HVCTL_ERR_MAX / 2];
    const struct switch_config *c;
    struct net_state st;
    struct nl_sock nl;
    unsigned n_users;
    int status = HVCTL_EXIT_ERROR;

    if (check_switch_name(name) != 0 || net_state_open(paths, false, &st) != 0)
        return HVCTL_EXIT_ERROR;
    path_switch_config(paths, name, path);
    path_switches_dir(paths, dir);
    c = net_inventory_switch(&st.inv, name);
    n_users = net_inventory_switch_users(&st.inv, name, users, sizeof(users));
    if (c == NULL && access(path, F_OK) == 0) {
        /* There, but left out of the inventory: net_state_open() said why. */
        hvctl_error("cannot delete switch %s: its configuration %s cannot be read", name, path);
    } else if (c == NULL) {
        hvctl_error("no switch named '%s' (hvctl switch list shows them)", name);
    } else if (n_users > 0) {
        hvctl_error("cannot delete switch %s: %s %s %s NICs on it (hvctl nic remove, or delete "
                    "%s)",
                    name, n_users > 1 ? "VMs" : "VM", users, n_users > 1 ? "have" : "has",
                    n_users > 1 ? "them" : "it");
    } else if (nl_open(&nl, err, sizeof(err)) < 0) {
        hvctl_error("cannot delete switch %s: %s", name, err);
    } else {
        if (switch_bridge_remove(&nl, c, err, sizeof(err)) < 0)
            hvctl_error("cannot delete switch %s: %s", name, err);
        else if (unlink(path) != 0)
            hvctl_error("cannot delete switch %s: removing %s: %s", name, path, strerror(errno));
        else
            status = HVCTL_EXIT_OK;
        nl_close(&nl);
        if (status == HVCTL_EXIT_OK)
            fsync_dir(dir);
    }
    net_state_close(&st);
    return status;
}

#define LIST_COLUMNS 7

/* One row of the switch list, as text. */
struct switch_row {
    char cell[LIST_COLUMNS][HVCTL_ERR_MAX / 2];
};

/* "up", "down", "missing" (made again when a VM on it starts), "not a bridge" or "?". */
static void bridge_state(struct nl_sock *nl, const char *bridge, char *buf, size_t size)
{
    struct nl_link link;
    char err[HVCTL_ERR_MAX];
    int rc;

    if (nl->fd < 0) {
        snprintf(buf, size, "?");
        return;
    }
    rc = nl_link_get(nl, bridge, &link, err, sizeof(err));
    if (rc == -ENODEV)
        snprintf(buf, size, "missing");
    else if (rc < 0)
        snprintf(buf, size, "?");
    else if (strcmp(link.kind, "bridge") != 0)
        snprintf(buf, size, "not a bridge");
    else
        snprintf(buf, size, "%s", (link.flags & IFF_UP) ? "up" : "down");
}

static void fill_row(const struct net_inventory *inv, struct nl_sock *nl,
                     const struct switch_config *c, struct switch_row *row)
{
    char bridge[IFNAME_MAX + 1];

    switch_bridge_name(c->name, bridge);
    snprintf(row->cell[0], sizeof(row->cell[0]), "%s", c->name);
    snprintf(row->cell[1], sizeof(row->cell[1]), "%s", switch_type_name(c->type));
    snprintf(row->cell[2], sizeof(row->cell[2]), "%u", c->mtu);
    snprintf(row->cell[3], sizeof(row->cell[3]), "%s", bridge);
    bridge_state(nl, bridge, row->cell[4], sizeof(row->cell[4]));
    if (c->type == SWITCH_EXTERNAL)
        snprintf(row->cell[5], sizeof(row->cell[5]), "%s", c->nic);
    else if (c->has_address)
        switch_address_format(c->address, c->prefix, row->cell[5], sizeof(row->cell[5]));
    else
        snprintf(row->cell[5], sizeof(row->cell[5]), "-");
    if (net_inventory_switch_users(inv, c->name, row->cell[6], sizeof(row->cell[6])) == 0)
        snprintf(row->cell[6], sizeof(row->cell[6]), "-");
}

int cmd_switch_list(const struct hvctl_paths *paths, const struct hvctl_args *args)
{
    static const char *const header[LIST_COLUMNS] = {"NAME",  "TYPE",        "MTU", "BRIDGE",
                                                     "STATE", "ADDRESS/NIC", "VMS"};
    struct switch_row *rows;
    struct net_inventory inv;
    struct nl_sock nl;
    size_t width[LIST_COLUMNS];
    char err[HVCTL_ERR_MAX];
    int status = HVCTL_EXIT_OK;

    (void)args;
    if (net_inventory_load(paths, &inv, err, sizeof(err)) != 0) {
        hvctl_error("%s", err);
        return HVCTL_EXIT_ERROR;
    }
    if (inv.unreadable > 0) {
        hvctl_warning("left out of the list: %s%s", inv.unreadable_err,
                      inv.unreadable > 1 ? " (and more)" : "");
        status = HVCTL_EXIT_ERROR;
    }
    rows = calloc(inv.switch_count ? inv.switch_count : 1, sizeof(*rows));
    if (rows == NULL) {
        hvctl_error("out of memory");
        net_inventory_free(&inv);
        return HVCTL_EXIT_ERROR;
    }
    /* Without netlink the list is still the configuration's, with STATE "?". */
    if (nl_open(&nl, err, sizeof(err)) < 0)
        nl.fd = -1;
    for (int col = 0; col < LIST_COLUMNS; col++)
        width[col] = strlen(header[col]);
    for (size_t i = 0; i < inv.switch_count; i++) {
        fill_row(&inv, &nl, &inv.switches[i], &rows[i]);
        for (int col = 0; col < LIST_COLUMNS; col++) {
            if (strlen(rows[i].cell[col]) > width[col])
                width[col] = strlen(rows[i].cell[col]);
        }
    }
    nl_close(&nl);
    for (size_t i = 0; i <= inv.switch_count; i++) {
        for (int col = 0; col < LIST_COLUMNS; col++) {
            const char *text = i == 0 ? header[col] : rows[i - 1].cell[col];

            if (col == LIST_COLUMNS - 1)
                printf("%s\n", text);
            else
                printf("%-*s  ", (int)width[col], text);
        }
    }
    if (fflush(stdout) != 0) {
        hvctl_error("writing the list: %s", strerror(errno));
        status = HVCTL_EXIT_ERROR;
    }
    free(rows);
    net_inventory_free(&inv);
    return status;
}
