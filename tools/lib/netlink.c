// SPDX-License-Identifier: GPL-2.0-only
/*
 * The rtnetlink socket and the operations on links, bridges, addresses and
 * TAP devices (see netlink.h); netlink_msg.c builds the messages.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/if_tun.h>
#include <linux/netlink.h>

#include "netlink.h"

#define RECV_MAX  32768
#define KMSG_MAX  200
#define VLAN_NONE 0

int nl_open(struct nl_sock *nl, char *err, size_t err_size)
{
    struct sockaddr_nl local = {.nl_family = AF_NETLINK};
    int one = 1;

    nl->seq = 0;
    nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (nl->fd < 0) {
        int rc = -errno;

        snprintf(err, err_size, "cannot open a netlink socket: %s", strerror(-rc));
        return rc;
    }
    if (bind(nl->fd, (struct sockaddr *)&local, sizeof(local)) != 0) {
        int rc = -errno;

        snprintf(err, err_size, "cannot bind a netlink socket: %s", strerror(-rc));
        close(nl->fd);
        nl->fd = -1;
        return rc;
    }
    /* The kernel's reason in words ("Unknown device type"), and no copy of our request in
     * its error replies.  Older kernels have neither: the numbers are still there. */
    setsockopt(nl->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
    setsockopt(nl->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
    return 0;
}

void nl_close(struct nl_sock *nl)
{
    if (nl->fd >= 0)
        close(nl->fd);
    nl->fd = -1;
}

/* Receives until the answer to @req: see nl_transact(). */
static int receive(struct nl_sock *nl, const struct nlmsghdr *req, uint32_t *buf,
                   int (*on_reply)(const void *msg, size_t len, void *ctx), void *ctx, char *kmsg,
                   size_t kmsg_size)
{
    int result = 0;

    for (;;) {
        struct sockaddr_nl from;
        socklen_t from_len = sizeof(from);
        ssize_t n = recvfrom(nl->fd, buf, RECV_MAX, MSG_TRUNC, (struct sockaddr *)&from, &from_len);
        size_t left;

        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        if ((size_t)n > RECV_MAX)
            return -EMSGSIZE;
        /* Only the kernel speaks on this socket; anything else is not an answer. */
        if (from.nl_pid != 0)
            continue;
        left = (size_t)n;
        for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, left);
             h = NLMSG_NEXT(h, left)) {
            if (h->nlmsg_seq != req->nlmsg_seq)
                continue; /* a late answer to an earlier request */
            if (h->nlmsg_type == NLMSG_ERROR) {
                int rc = nl_parse_error(h, h->nlmsg_len, kmsg, kmsg_size);

                return rc != 0 ? rc : result;
            }
            if (h->nlmsg_type == NLMSG_DONE) {
                /* A dump's end; it may carry the dump's error as an int. */
                int rc = 0;

                if (h->nlmsg_len >= NLMSG_LENGTH(sizeof(int)))
                    memcpy(&rc, NLMSG_DATA(h), sizeof(int));
                return rc < 0 ? rc : result;
            }
            if (on_reply != NULL && result == 0)
                result = on_reply(h, h->nlmsg_len, ctx);
        }
    }
}

int nl_transact(struct nl_sock *nl, struct nl_req *r,
                int (*on_reply)(const void *msg, size_t len, void *ctx), void *ctx, char *kmsg,
                size_t kmsg_size)
{
    struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
    struct nlmsghdr *req = (struct nlmsghdr *)r->buf;
    uint32_t *buf;
    int rc;

    if (kmsg_size > 0)
        kmsg[0] = '\0';
    if (r->overflow || r->depth != 0)
        return -EMSGSIZE;
    req->nlmsg_seq = ++nl->seq;
    while (sendto(nl->fd, r->buf, r->len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0) {
        if (errno != EINTR)
            return -errno;
    }
    /* On the heap, not static: a worker's threads may each have a socket. */
    buf = malloc(RECV_MAX);
    if (buf == NULL)
        return -ENOMEM;
    rc = receive(nl, req, buf, on_reply, ctx, kmsg, kmsg_size);
    free(buf);
    return rc;
}

/* "WHAT: strerror (kernel: MESSAGE)" into @err; returns @rc. */
static int failed(int rc, const char *kmsg, char *err, size_t err_size, const char *what)
{
    if (kmsg != NULL && kmsg[0] != '\0')
        snprintf(err, err_size, "%s: %s (kernel: %s)", what, strerror(-rc), kmsg);
    else
        snprintf(err, err_size, "%s: %s", what, strerror(-rc));
    return rc;
}

static int on_link(const void *msg, size_t len, void *ctx)
{
    return nl_parse_link(msg, len, ctx) == 0 ? 1 : 0;
}

int nl_link_get(struct nl_sock *nl, const char *name, struct nl_link *link, char *err,
                size_t err_size)
{
    char kmsg[KMSG_MAX], what[64];
    struct nl_req r;
    int rc;

    memset(link, 0, sizeof(*link));
    if (name[0] == '\0' || strlen(name) > NL_IFNAME_MAX) {
        snprintf(err, err_size, "no network interface '%.40s'", name);
        return -ENODEV;
    }
    nl_build_link_get(&r, name);
    rc = nl_transact(nl, &r, on_link, link, kmsg, sizeof(kmsg));
    if (rc == 1)
        return 0;
    if (rc == 0)
        rc = -EBADMSG; /* an ACK, but no link */
    if (rc == -ENODEV) {
        snprintf(err, err_size, "no network interface %s", name);
        return rc;
    }
    snprintf(what, sizeof(what), "cannot look up %s", name);
    return failed(rc, kmsg, err, err_size, what);
}

/* The index of @name, or -errno with the reason in @err. */
static int ifindex_of(struct nl_sock *nl, const char *name, char *err, size_t err_size)
{
    struct nl_link link;
    int rc = nl_link_get(nl, name, &link, err, err_size);

    return rc < 0 ? rc : link.ifindex;
}

/* Sends @r, which expects only an ACK; on failure "@what: reason" into @err. */
static int simple(struct nl_sock *nl, struct nl_req *r, char *err, size_t err_size,
                  const char *what)
{
    char kmsg[KMSG_MAX];
    int rc = nl_transact(nl, r, NULL, NULL, kmsg, sizeof(kmsg));

    return rc == 0 ? 0 : failed(rc, kmsg, err, err_size, what);
}

int nl_bridge_create(struct nl_sock *nl, const char *name, const uint8_t mac[6],
                     bool vlan_filtering, char *err, size_t err_size)
{
    char what[64];
    struct nl_req r;

    snprintf(what, sizeof(what), "cannot create the bridge %s", name);
    nl_build_bridge_new(&r, name, mac, vlan_filtering);
    return simple(nl, &r, err, err_size, what);
}

int nl_link_delete(struct nl_sock *nl, const char *name, char *err, size_t err_size)
{
    int ifindex = ifindex_of(nl, name, err, err_size);
    char what[64];
    struct nl_req r;

    if (ifindex < 0)
        return ifindex;
    snprintf(what, sizeof(what), "cannot delete %s", name);
    nl_build_link_del(&r, ifindex);
    return simple(nl, &r, err, err_size, what);
}

int nl_link_set_up(struct nl_sock *nl, const char *name, bool up, char *err, size_t err_size)
{
    int ifindex = ifindex_of(nl, name, err, err_size);
    char what[64];
    struct nl_req r;

    if (ifindex < 0)
        return ifindex;
    snprintf(what, sizeof(what), "cannot set %s %s", name, up ? "up" : "down");
    nl_build_link_up(&r, ifindex, up);
    return simple(nl, &r, err, err_size, what);
}

int nl_link_set_mtu(struct nl_sock *nl, const char *name, unsigned mtu, char *err, size_t err_size)
{
    int ifindex = ifindex_of(nl, name, err, err_size);
    char what[80];
    struct nl_req r;

    if (ifindex < 0)
        return ifindex;
    snprintf(what, sizeof(what), "cannot set the MTU of %s to %u", name, mtu);
    nl_build_link_mtu(&r, ifindex, mtu);
    return simple(nl, &r, err, err_size, what);
}

int nl_link_set_master(struct nl_sock *nl, const char *name, const char *bridge, char *err,
                       size_t err_size)
{
    int ifindex = ifindex_of(nl, name, err, err_size);
    int master = 0;
    char what[80];
    struct nl_req r;

    if (ifindex < 0)
        return ifindex;
    if (bridge != NULL) {
        master = ifindex_of(nl, bridge, err, err_size);
        if (master < 0)
            return master;
        snprintf(what, sizeof(what), "cannot make %s a port of %s", name, bridge);
    } else {
        snprintf(what, sizeof(what), "cannot release %s from its bridge", name);
    }
    nl_build_link_master(&r, ifindex, master);
    return simple(nl, &r, err, err_size, what);
}

int nl_bridge_set_vlan_filtering(struct nl_sock *nl, const char *bridge, bool on, char *err,
                                 size_t err_size)
{
    int ifindex = ifindex_of(nl, bridge, err, err_size);
    char what[80];
    struct nl_req r;

    if (ifindex < 0)
        return ifindex;
    snprintf(what, sizeof(what), "cannot turn VLAN filtering %s on %s", on ? "on" : "off", bridge);
    nl_build_bridge_vlan_filtering(&r, ifindex, on);
    return simple(nl, &r, err, err_size, what);
}

static void vlan_text(unsigned first, unsigned last, char *buf, size_t size)
{
    if (first == last)
        snprintf(buf, size, "VLAN %u", first);
    else
        snprintf(buf, size, "VLANs %u-%u", first, last);
}

static int bridge_vlan(struct nl_sock *nl, bool add, const char *name, unsigned first,
                       unsigned last, unsigned flags, bool self, char *err, size_t err_size)
{
    int ifindex;
    char what[96], vlans[32];
    struct nl_req r;

    vlan_text(first, last, vlans, sizeof(vlans));
    if (first < NL_VLAN_MIN || last > NL_VLAN_MAX || first > last) {
        snprintf(err, err_size, "%s is not within %d-%d", vlans, NL_VLAN_MIN, NL_VLAN_MAX);
        return -EINVAL;
    }
    ifindex = ifindex_of(nl, name, err, err_size);
    if (ifindex < 0)
        return ifindex;
    snprintf(what, sizeof(what), "cannot %s %s %s %s%s", add ? "add" : "remove", vlans,
             add ? "to" : "from", name, self ? " itself" : "");
    nl_build_bridge_vlan(&r, add, ifindex, first, last, flags, self);
    return simple(nl, &r, err, err_size, what);
}

int nl_bridge_vlan_add(struct nl_sock *nl, const char *name, unsigned first, unsigned last,
                       unsigned flags, bool self, char *err, size_t err_size)
{
    return bridge_vlan(nl, true, name, first, last, flags, self, err, err_size);
}

int nl_bridge_vlan_del(struct nl_sock *nl, const char *name, unsigned first, unsigned last,
                       bool self, char *err, size_t err_size)
{
    return bridge_vlan(nl, false, name, first, last, 0, self, err, err_size);
}

int nl_addr4_add(struct nl_sock *nl, const char *name, uint32_t addr, unsigned prefix, char *err,
                 size_t err_size)
{
    int ifindex = ifindex_of(nl, name, err, err_size);
    const uint8_t *b = (const uint8_t *)&addr;
    char what[96];
    struct nl_req r;

    if (ifindex < 0)
        return ifindex;
    if (prefix > 32) {
        snprintf(err, err_size, "/%u is not an IPv4 prefix length", prefix);
        return -EINVAL;
    }
    snprintf(what, sizeof(what), "cannot give %s the address %u.%u.%u.%u/%u", name, b[0], b[1],
             b[2], b[3], prefix);
    nl_build_addr4_add(&r, ifindex, addr, prefix);
    return simple(nl, &r, err, err_size, what);
}

struct addr_list {
    int ifindex;
    struct nl_addr4 *out;
    unsigned max, count;
};

static int on_addr(const void *msg, size_t len, void *ctx)
{
    struct addr_list *list = ctx;
    struct nl_addr4 a;

    if (nl_parse_addr4(msg, len, &a) != 0 || a.ifindex != list->ifindex)
        return 0;
    if (list->count < list->max)
        list->out[list->count] = a;
    list->count++;
    return 0;
}

int nl_addr4_list(struct nl_sock *nl, const char *name, struct nl_addr4 *out, unsigned max,
                  char *err, size_t err_size)
{
    struct addr_list list = {.out = out, .max = max};
    char kmsg[KMSG_MAX], what[64];
    struct nl_req r;
    int rc;

    list.ifindex = ifindex_of(nl, name, err, err_size);
    if (list.ifindex < 0)
        return list.ifindex;
    nl_build_addr4_dump(&r);
    rc = nl_transact(nl, &r, on_addr, &list, kmsg, sizeof(kmsg));
    if (rc < 0) {
        snprintf(what, sizeof(what), "cannot list the addresses of %s", name);
        return failed(rc, kmsg, err, err_size, what);
    }
    return (int)list.count;
}

int nl_tap_open(const char *name, unsigned extra_flags, char *ifname, char *err, size_t err_size)
{
    struct ifreq ifr;
    int fd, rc;

    memset(&ifr, 0, sizeof(ifr));
    if (name != NULL && strlen(name) > NL_IFNAME_MAX) {
        snprintf(err, err_size,
                 "cannot open a TAP device: the name %.40s is longer than %d "
                 "characters",
                 name, NL_IFNAME_MAX);
        return -EINVAL;
    }
    if (name != NULL)
        strcpy(ifr.ifr_name, name);
    ifr.ifr_flags = (short)(IFF_TAP | IFF_NO_PI | extra_flags);
    fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        rc = -errno;
        snprintf(err, err_size, "cannot open /dev/net/tun: %s", strerror(-rc));
        return rc;
    }
    if (ioctl(fd, TUNSETIFF, &ifr) != 0) {
        rc = -errno;
        snprintf(err, err_size, "cannot create the TAP device %s: %s",
                 name != NULL ? name : "tap%d", strerror(-rc));
        close(fd);
        return rc;
    }
    memcpy(ifname, ifr.ifr_name, NL_IFNAME_MAX);
    ifname[NL_IFNAME_MAX] = '\0';
    return fd;
}

int nl_port_attach(struct nl_sock *nl, const char *port, const char *bridge, unsigned vlan,
                   unsigned *mtu, char *err, size_t err_size)
{
    struct nl_link br;
    char ignored[8];
    int rc;

    if (vlan != VLAN_NONE && (vlan < NL_VLAN_MIN || vlan > NL_VLAN_MAX)) {
        snprintf(err, err_size, "VLAN %u is not within %d-%d", vlan, NL_VLAN_MIN, NL_VLAN_MAX);
        return -EINVAL;
    }
    rc = nl_link_get(nl, bridge, &br, err, err_size);
    if (rc < 0)
        return rc;
    if (strcmp(br.kind, "bridge") != 0) {
        snprintf(err, err_size, "%s is not a bridge", bridge);
        return -EINVAL;
    }
    /* The port first takes the bridge's MTU: a smaller one would lower the bridge's. */
    rc = nl_link_set_mtu(nl, port, br.mtu, err, err_size);
    if (rc == 0)
        rc = nl_link_set_master(nl, port, bridge, err, err_size);
    if (rc < 0)
        return rc;
    /* A new port is an untagged member of the default VLAN 1; an access port of another
     * VLAN must leave it, or the NIC would see both. */
    if (vlan > 1) {
        rc = nl_bridge_vlan_add(nl, port, vlan, vlan, NL_VLAN_PVID | NL_VLAN_UNTAGGED, false, err,
                                err_size);
        if (rc == 0)
            rc = nl_bridge_vlan_del(nl, port, 1, 1, false, err, err_size);
    }
    if (rc == 0)
        rc = nl_link_set_up(nl, port, true, err, err_size);
    if (rc < 0)
        nl_link_set_master(nl, port, NULL, ignored, sizeof(ignored));
    else if (mtu != NULL)
        *mtu = br.mtu;
    return rc;
}
