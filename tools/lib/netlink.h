/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The parent's network configuration through rtnetlink (AF_NETLINK,
 * NETLINK_ROUTE), our own code, no libnl: what a virtual switch needs.
 * Bridges (create, delete, VLAN filtering, the VLANs of a port or of the
 * bridge itself), links (up, down, MTU, a bridge's port or not, look up),
 * IPv4 addresses (add, list) and TAP devices for the worker's NICs.
 *
 * Two halves.  netlink_msg.c builds each request into a struct nl_req and
 * parses replies: pure, so that a unit test can check the bytes against
 * the rtnetlink ABI.  netlink.c owns the socket and the operations: each
 * returns 0 (or what it promises) or -errno, and fills @err with one line
 * that names what failed ("cannot set the MTU of eth0 to 9000: Invalid
 * argument"), with the kernel's own explanation when it gives one.  The
 * operations name links by their interface name.  They need CAP_NET_ADMIN,
 * but for the look-ups.
 */
#ifndef TOOLS_LIB_NETLINK_H
#define TOOLS_LIB_NETLINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NL_IFNAME_MAX 15 /* an interface name's characters: IFNAMSIZ - 1 */
#define NL_REQ_MAX    512
#define NL_VLAN_MIN   1
#define NL_VLAN_MAX   4094

/* A bridge VLAN's flags, as struct bridge_vlan_info has them (linux/if_bridge.h). */
#define NL_VLAN_PVID     (1u << 1) /* untagged frames that come in go to this VLAN */
#define NL_VLAN_UNTAGGED (1u << 2) /* frames of this VLAN go out untagged */

/* One request, header and attributes, in host byte order as the kernel wants it. */
struct nl_req {
    uint32_t buf[NL_REQ_MAX / 4]; /* aligned for struct nlmsghdr */
    size_t len;
    bool overflow; /* an attribute did not fit: the request must not be sent */
    size_t nests[4];
    unsigned depth;
};

/*
 * The requests.  Each starts a new message in @r with sequence number 0
 * (the socket numbers them) and NLM_F_REQUEST | NLM_F_ACK, plus the flags
 * said.  @ifindex is the link's index.
 */

/* RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL: a bridge @name; @mac its fixed address, or NULL
 * for the kernel's choice; @vlan_filtering in IFLA_LINKINFO / IFLA_INFO_DATA. */
void nl_build_bridge_new(struct nl_req *r, const char *name, const uint8_t mac[6],
                         bool vlan_filtering);
/* RTM_DELLINK. */
void nl_build_link_del(struct nl_req *r, int ifindex);
/* RTM_GETLINK by name (IFLA_IFNAME). */
void nl_build_link_get(struct nl_req *r, const char *name);
/* RTM_NEWLINK on an existing link: IFF_UP set or cleared. */
void nl_build_link_up(struct nl_req *r, int ifindex, bool up);
/* RTM_NEWLINK: IFLA_MTU. */
void nl_build_link_mtu(struct nl_req *r, int ifindex, unsigned mtu);
/* RTM_NEWLINK: IFLA_MASTER, the bridge's index; 0 releases the link from its bridge. */
void nl_build_link_master(struct nl_req *r, int ifindex, int master_ifindex);
/* RTM_NEWLINK: IFLA_LINKINFO { IFLA_INFO_KIND "bridge", IFLA_INFO_DATA { IFLA_BR_VLAN_FILTERING }
 * }. */
void nl_build_bridge_vlan_filtering(struct nl_req *r, int ifindex, bool on);
/*
 * AF_BRIDGE RTM_SETLINK (@add) or RTM_DELLINK: VLANs @first to @last (one
 * IFLA_BRIDGE_VLAN_INFO, or a RANGE_BEGIN / RANGE_END pair) with @flags
 * (NL_VLAN_*), in IFLA_AF_SPEC.  Of a bridge's port; with @self, of the
 * bridge device itself (IFLA_BRIDGE_FLAGS BRIDGE_FLAGS_SELF): the bridge's
 * own membership, through which the parent talks on the bridge.
 */
void nl_build_bridge_vlan(struct nl_req *r, bool add, int ifindex, unsigned first, unsigned last,
                          unsigned flags, bool self);
/* RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL: IPv4 @addr (network byte order) / @prefix, with
 * IFA_LOCAL, IFA_ADDRESS and, for a prefix up to 30, the subnet's IFA_BROADCAST. */
void nl_build_addr4_add(struct nl_req *r, int ifindex, uint32_t addr, unsigned prefix);
/* RTM_GETADDR, NLM_F_DUMP (no NLM_F_ACK: a dump ends with NLMSG_DONE): every IPv4 address. */
void nl_build_addr4_dump(struct nl_req *r);

/* What RTM_NEWLINK says about a link. */
struct nl_link {
    int ifindex;
    char name[NL_IFNAME_MAX + 1];
    unsigned flags; /* IFF_* */
    unsigned mtu;
    int master;    /* its bridge's index, 0 if none */
    char kind[16]; /* IFLA_INFO_KIND: "bridge", "tun", "veth"...; "" for a physical NIC */
    bool has_mac;
    uint8_t mac[6];
};

/* One IPv4 address of RTM_NEWADDR. */
struct nl_addr4 {
    int ifindex;
    uint32_t addr; /* network byte order */
    unsigned prefix;
};

/*
 * Parsers of one reply message (@len bytes at @msg, a struct nlmsghdr).
 * nl_parse_error: for NLMSG_ERROR, its error (0 for an ACK, or -errno) and
 * the kernel's message (NLMSGERR_ATTR_MSG) into @kmsg, "" if none; -EBADMSG
 * if malformed.  nl_parse_link (RTM_NEWLINK) and nl_parse_addr4
 * (RTM_NEWADDR of AF_INET): 0, or -EBADMSG (also for another type or
 * family).
 */
int nl_parse_error(const void *msg, size_t len, char *kmsg, size_t kmsg_size);
int nl_parse_link(const void *msg, size_t len, struct nl_link *link);
int nl_parse_addr4(const void *msg, size_t len, struct nl_addr4 *addr);

/* An open rtnetlink socket. */
struct nl_sock {
    int fd;
    uint32_t seq;
};

int nl_open(struct nl_sock *nl, char *err, size_t err_size);
void nl_close(struct nl_sock *nl);

/*
 * Sends @r and waits for its answer: each reply message but the final
 * NLMSG_ERROR / NLMSG_DONE goes to @on_reply (may be NULL), whose non-zero
 * return is kept as the result.  0, or -errno (the kernel's, with its
 * message in @kmsg when it gave one).
 */
int nl_transact(struct nl_sock *nl, struct nl_req *r,
                int (*on_reply)(const void *msg, size_t len, void *ctx), void *ctx, char *kmsg,
                size_t kmsg_size);

/* The link @name: 0, or -ENODEV when there is none. */
int nl_link_get(struct nl_sock *nl, const char *name, struct nl_link *link, char *err,
                size_t err_size);
/* A bridge @name (see nl_build_bridge_new); -EOPNOTSUPP with @vlan_filtering on a kernel
 * without CONFIG_BRIDGE_VLAN_FILTERING, and then no bridge was made. */
int nl_bridge_create(struct nl_sock *nl, const char *name, const uint8_t mac[6],
                     bool vlan_filtering, char *err, size_t err_size);
int nl_link_delete(struct nl_sock *nl, const char *name, char *err, size_t err_size);
int nl_link_set_up(struct nl_sock *nl, const char *name, bool up, char *err, size_t err_size);
int nl_link_set_mtu(struct nl_sock *nl, const char *name, unsigned mtu, char *err, size_t err_size);
/* Makes @name a port of the bridge @bridge, or, when @bridge is NULL, no bridge's port. */
int nl_link_set_master(struct nl_sock *nl, const char *name, const char *bridge, char *err,
                       size_t err_size);
int nl_bridge_set_vlan_filtering(struct nl_sock *nl, const char *bridge, bool on, char *err,
                                 size_t err_size);
/* VLANs @first..@last of the port @name (of the bridge @name itself with @self). */
int nl_bridge_vlan_add(struct nl_sock *nl, const char *name, unsigned first, unsigned last,
                       unsigned flags, bool self, char *err, size_t err_size);
int nl_bridge_vlan_del(struct nl_sock *nl, const char *name, unsigned first, unsigned last,
                       bool self, char *err, size_t err_size);
/* IPv4 @addr (network byte order) / @prefix on @name; -EEXIST if it has it already. */
int nl_addr4_add(struct nl_sock *nl, const char *name, uint32_t addr, unsigned prefix, char *err,
                 size_t err_size);
/* The IPv4 addresses of @name, at most @max into @out: how many it has (may be more than
 * @max), or -errno. */
int nl_addr4_list(struct nl_sock *nl, const char *name, struct nl_addr4 *out, unsigned max,
                  char *err, size_t err_size);

/*
 * Opens a TAP device (/dev/net/tun, TUNSETIFF with IFF_TAP | IFF_NO_PI and
 * @extra_flags, e.g. IFF_VNET_HDR): named @name, or a template such as
 * "hvtap%d", or the kernel's choice when NULL.  Its name goes into @ifname
 * (NL_IFNAME_MAX + 1 bytes).  Returns the descriptor, or -errno.  The
 * device lives as long as the descriptor: when the process ends it goes,
 * and leaves its bridge by itself.
 */
int nl_tap_open(const char *name, unsigned extra_flags, char *ifname, char *err, size_t err_size);

/*
 * Plugs the link @port (a TAP a worker opened) into the bridge @bridge as
 * a NIC's switch port: the bridge's MTU, a port of it, in VLAN @vlan
 * (1-4094: PVID and untagged, an access port, and out of the default
 * VLAN 1; 0: the default VLAN, as a port joins), then up.  The MTU goes
 * into *@mtu (if not NULL): the guest's NIC gets it too.  On failure the
 * port is released again.  0, or -errno.
 */
int nl_port_attach(struct nl_sock *nl, const char *port, const char *bridge, unsigned vlan,
                   unsigned *mtu, char *err, size_t err_size);

#endif
