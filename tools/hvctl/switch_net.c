// SPDX-License-Identifier: GPL-2.0-only
/* A switch's bridge: build, remove, ensure (see switch_net.h). */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fsutil.h"
#include "lock.h"
#include "msg.h"
#include "switch_net.h"

/* An external switch's uplink carries every VLAN but the native one tagged. */
#define TRUNK_FIRST 2
#define TRUNK_LAST  NL_VLAN_MAX

void switch_bridge_undo(struct nl_sock *nl, const struct switch_config *c,
                        const struct switch_bridge_undo *u)
{
    char bridge[IFNAME_MAX + 1], ignored[HVCTL_ERR_MAX];

    switch_bridge_name(c->name, bridge);

    /* Best effort: the first failure is what the user needs to hear about. */
    if (u->nic_enslaved)
        nl_link_set_master(nl, c->nic, NULL, ignored, sizeof(ignored));
    if (u->nic_mtu)
        nl_link_set_mtu(nl, c->nic, u->nic_old_mtu, ignored, sizeof(ignored));
    if (u->nic_up)
        nl_link_set_up(nl, c->nic, false, ignored, sizeof(ignored));
    if (u->bridge)
        nl_link_delete(nl, bridge, ignored, sizeof(ignored));
}

/* /proc/sys/net/ipv6/conf/@bridge/disable_ipv6 = 1; a kernel without IPv6 has nothing to do. */
static int disable_ipv6(const char *bridge, char *err, size_t err_size)
{
    char path[96];
    int fd, rc = 0;

    snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", bridge);
    fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT)
        return 0;
    if (fd < 0 || write_all(fd, "1\n", 2) != 0)
        rc = -errno;
    if (fd >= 0)
        close(fd);
    if (rc != 0)
        snprintf(err, err_size, "cannot turn IPv6 off on %s (%s): %s", bridge, path, strerror(-rc));
    return rc;
}

/* The checks of an external switch's NIC before anything changes; @nic gets what it is. */
static int check_nic(struct nl_sock *nl, const struct switch_config *c, struct nl_link *nic,
                     char *err, size_t err_size)
{
    int rc = nl_link_get(nl, c->nic, nic, err, err_size);

    if (rc == -ENODEV) {
        snprintf(err, err_size, "no network interface %s (ip link lists them)", c->nic);
        return rc;
    }
    if (rc < 0)
        return rc;
    if (nic->flags & IFF_LOOPBACK) {
        snprintf(err, err_size, "%s is the loopback interface, not a network adapter", c->nic);
        return -EINVAL;
    }
    if (strcmp(nic->kind, "bridge") == 0) {
        snprintf(err, err_size, "%s is a bridge itself, not a network adapter", c->nic);
        return -EINVAL;
    }
    if (nic->master != 0) {
        snprintf(err, err_size, "%s is already a port of another bridge or bond (ip link show %s)",
                 c->nic, c->nic);
        return -EBUSY;
    }
    if (!nic->has_mac) {
        snprintf(err, err_size, "%s has no Ethernet address: it cannot be a bridge's port", c->nic);
        return -EINVAL;
    }
    return 0;
}

/* The NIC of an external switch into its bridge. */
static int plug_nic(struct nl_sock *nl, const struct switch_config *c, const char *bridge,
                    const struct nl_link *nic, bool vlan_filtering, struct switch_bridge_undo *u,
                    char *err, size_t err_size)
{
    int rc;

    if (nic->mtu != c->mtu) {
        rc = nl_link_set_mtu(nl, c->nic, c->mtu, err, err_size);
        if (rc < 0)
            return rc;
        u->nic_mtu = true;
        u->nic_old_mtu = nic->mtu;
    }
    rc = nl_link_set_master(nl, c->nic, bridge, err, err_size);
    if (rc < 0)
        return rc;
    u->nic_enslaved = true;
    /* The physical network's VLANs reach the VMs' access ports through the uplink. */
    if (vlan_filtering) {
        rc = nl_bridge_vlan_add(nl, c->nic, TRUNK_FIRST, TRUNK_LAST, 0, false, err, err_size);
        if (rc < 0)
            return rc;
    }
    if (!(nic->flags & IFF_UP)) {
        rc = nl_link_set_up(nl, c->nic, true, err, err_size);
        if (rc < 0)
            return rc;
        u->nic_up = true;
    }
    return 0;
}

int switch_bridge_build(struct nl_sock *nl, const struct switch_config *c, bool *vlan_filtering,
                        struct switch_bridge_undo *u, char *err, size_t err_size)
{
    char bridge[IFNAME_MAX + 1];
    struct nl_link nic;
    const uint8_t *mac = c->has_mac ? c->mac : NULL;
    int rc;

    memset(u, 0, sizeof(*u));
    switch_bridge_name(c->name, bridge);
    if (c->type == SWITCH_EXTERNAL) {
        rc = check_nic(nl, c, &nic, err, err_size);
        if (rc < 0)
            return rc;
        /* Hyper-V's external switch shows the physical NIC's address; a fixed address also
         * keeps the bridge's from changing as the VMs' ports come and go. */
        mac = nic.mac;
    }
    *vlan_filtering = true;
    rc = nl_bridge_create(nl, bridge, mac, true, err, err_size);
    if (rc == -EOPNOTSUPP) {
        *vlan_filtering = false;
        rc = nl_bridge_create(nl, bridge, mac, false, err, err_size);
    }
    if (rc < 0)
        return rc;
    u->bridge = true;
    /* Set after creation, the MTU is the user's: the kernel keeps it as ports join. */
    rc = nl_link_set_mtu(nl, bridge, c->mtu, err, err_size);
    if (rc == 0 && c->type == SWITCH_PRIVATE) {
        rc = disable_ipv6(bridge, err, err_size);
        if (rc == 0 && *vlan_filtering)
            rc = nl_bridge_vlan_del(nl, bridge, 1, 1, true, err, err_size);
    }
    if (rc == 0 && c->type == SWITCH_INTERNAL && c->has_address)
        rc = nl_addr4_add(nl, bridge, c->address, c->prefix, err, err_size);
    if (rc == 0 && c->type == SWITCH_EXTERNAL)
        rc = plug_nic(nl, c, bridge, &nic, *vlan_filtering, u, err, err_size);
    if (rc == 0)
        rc = nl_link_set_up(nl, bridge, true, err, err_size);
    if (rc < 0) {
        switch_bridge_undo(nl, c, u);
        memset(u, 0, sizeof(*u));
    }
    return rc;
}

int switch_bridge_remove(struct nl_sock *nl, const struct switch_config *c, char *err,
                         size_t err_size)
{
    char bridge[IFNAME_MAX + 1];
    struct nl_link link, nic;
    int rc;

    switch_bridge_name(c->name, bridge);
    rc = nl_link_get(nl, bridge, &link, err, err_size);
    if (rc == -ENODEV)
        return 0;
    if (rc < 0)
        return rc;
    if (strcmp(link.kind, "bridge") != 0) {
        snprintf(err, err_size,
                 "%s is not a bridge (it is %s): hvctl did not make it, and leaves it", bridge,
                 link.kind[0] ? link.kind : "a network adapter");
        return -EEXIST;
    }
    if (c->type == SWITCH_EXTERNAL && nl_link_get(nl, c->nic, &nic, err, err_size) == 0 &&
        nic.master == link.ifindex) {
        rc = nl_link_set_master(nl, c->nic, NULL, err, err_size);
        if (rc < 0)
            return rc;
    }
    return nl_link_delete(nl, bridge, err, err_size);
}

static int not_a_bridge(const char *bridge, char *err, size_t err_size)
{
    snprintf(err, err_size, "%s is there, but it is not a bridge: hvctl did not make it", bridge);
    return -EEXIST;
}

/* Under the network lock: the bridge of @c there and up. */
static int ensure_locked(const struct switch_config *c, char *err, size_t err_size)
{
    char bridge[IFNAME_MAX + 1], why[HVCTL_ERR_MAX];
    struct nl_sock nl;
    struct nl_link link;
    struct switch_bridge_undo undo;
    bool vlan_filtering;
    int rc;

    switch_bridge_name(c->name, bridge);
    if (nl_open(&nl, why, sizeof(why)) < 0) {
        snprintf(err, err_size, "switch %s: %s", c->name, why);
        return -1;
    }
    rc = nl_link_get(&nl, bridge, &link, why, sizeof(why));
    if (rc == -ENODEV)
        rc = switch_bridge_build(&nl, c, &vlan_filtering, &undo, why, sizeof(why));
    else if (rc == 0 && strcmp(link.kind, "bridge") != 0)
        rc = not_a_bridge(bridge, why, sizeof(why));
    else if (rc == 0 && !(link.flags & IFF_UP))
        rc = nl_link_set_up(&nl, bridge, true, why, sizeof(why));
    nl_close(&nl);
    if (rc < 0) {
        snprintf(err, err_size, "switch %s: %s", c->name, why);
        return -1;
    }
    return 0;
}

int switch_ensure(const struct hvctl_paths *paths, const char *name, char *err, size_t err_size)
{
    char path[VM_PATH_MAX], why[HVCTL_ERR_MAX];
    struct switch_config c;
    int lock_fd = net_lock(paths), rc = -1;

    if (lock_fd < 0) {
        snprintf(err, err_size, "cannot take the network lock on %s: %s", paths->state_dir,
                 strerror(errno));
        return -1;
    }
    path_switch_config(paths, name, path);
    if (switch_config_read(path, &c, why, sizeof(why)) != 0) {
        if (errno == ENOENT)
            snprintf(err, err_size, "there is no switch %s (hvctl switch list shows them)", name);
        else
            snprintf(err, err_size, "%s", why);
    } else if (strcmp(c.name, name) != 0) {
        snprintf(err, err_size, "%s: name=%s, but the file is %s's", path, c.name, name);
    } else {
        rc = ensure_locked(&c, err, err_size);
    }
    net_unlock(lock_fd);
    return rc;
}
