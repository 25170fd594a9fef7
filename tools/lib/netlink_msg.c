// SPDX-License-Identifier: GPL-2.0-only
/*
 * rtnetlink requests and replies as bytes (see netlink.h): nothing here
 * touches a socket.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/if_addr.h>
#include <linux/if_bridge.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "netlink.h"

_Static_assert(NL_VLAN_PVID == BRIDGE_VLAN_INFO_PVID, "bridge_vlan_info flags");
_Static_assert(NL_VLAN_UNTAGGED == BRIDGE_VLAN_INFO_UNTAGGED, "bridge_vlan_info flags");
_Static_assert(sizeof(struct nlmsghdr) == 16 && sizeof(struct ifinfomsg) == 16 &&
                   sizeof(struct ifaddrmsg) == 8 && sizeof(struct bridge_vlan_info) == 4,
               "rtnetlink ABI");

static struct nlmsghdr *header(struct nl_req *r)
{
    return (struct nlmsghdr *)r->buf;
}

/* Appends @len bytes (zeros when @data is NULL), then padding to 4 bytes. */
static void *put(struct nl_req *r, const void *data, size_t len)
{
    size_t padded = NLMSG_ALIGN(len);
    char *at = (char *)r->buf + r->len;

    if (r->overflow || padded > sizeof(r->buf) - r->len) {
        r->overflow = true;
        return NULL;
    }
    memset(at, 0, padded);
    if (data != NULL)
        memcpy(at, data, len);
    r->len += padded;
    header(r)->nlmsg_len = (uint32_t)r->len;
    return at;
}

static void start(struct nl_req *r, uint16_t type, uint16_t flags)
{
    struct nlmsghdr h = {.nlmsg_type = type, .nlmsg_flags = NLM_F_REQUEST | flags};

    memset(r, 0, sizeof(*r));
    put(r, &h, sizeof(h));
}

static void put_ifinfo(struct nl_req *r, uint8_t family, int ifindex, unsigned flags,
                       unsigned change)
{
    struct ifinfomsg ifi = {
        .ifi_family = family, .ifi_index = ifindex, .ifi_flags = flags, .ifi_change = change};

    put(r, &ifi, sizeof(ifi));
}

static void attr(struct nl_req *r, uint16_t type, const void *data, size_t len)
{
    struct nlattr a = {.nla_len = (uint16_t)(NLA_HDRLEN + len), .nla_type = type};

    if (put(r, &a, sizeof(a)) != NULL)
        put(r, data, len);
}

static void attr_u8(struct nl_req *r, uint16_t type, uint8_t v)
{
    attr(r, type, &v, sizeof(v));
}

static void attr_u16(struct nl_req *r, uint16_t type, uint16_t v)
{
    attr(r, type, &v, sizeof(v));
}

static void attr_u32(struct nl_req *r, uint16_t type, uint32_t v)
{
    attr(r, type, &v, sizeof(v));
}

/* A string attribute holds its NUL, as the kernel's NLA_STRING policies expect. */
static void attr_str(struct nl_req *r, uint16_t type, const char *s)
{
    attr(r, type, s, strnlen(s, NL_IFNAME_MAX * 4) + 1);
}

/* A nested attribute: its length is known at nest_end().  No NLA_F_NESTED, as iproute2
 * sends these (the kernel parses IFLA_LINKINFO and IFLA_AF_SPEC either way). */
static void nest_begin(struct nl_req *r, uint16_t type)
{
    size_t at = r->len;

    attr(r, type, NULL, 0);
    if (r->depth < sizeof(r->nests) / sizeof(r->nests[0]))
        r->nests[r->depth] = at;
    else
        r->overflow = true;
    r->depth++;
}

static void nest_end(struct nl_req *r)
{
    struct nlattr *a;

    if (r->depth == 0 || r->overflow)
        return;
    r->depth--;
    a = (struct nlattr *)((char *)r->buf + r->nests[r->depth]);
    a->nla_len = (uint16_t)(r->len - r->nests[r->depth]);
}

void nl_build_bridge_new(struct nl_req *r, const char *name, const uint8_t mac[6],
                         bool vlan_filtering)
{
    start(r, RTM_NEWLINK, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
    put_ifinfo(r, AF_UNSPEC, 0, 0, 0);
    attr_str(r, IFLA_IFNAME, name);
    /* A given address is NET_ADDR_SET: the bridge keeps it whichever ports come and go. */
    if (mac != NULL)
        attr(r, IFLA_ADDRESS, mac, 6);
    nest_begin(r, IFLA_LINKINFO);
    attr_str(r, IFLA_INFO_KIND, "bridge");
    if (vlan_filtering) {
        nest_begin(r, IFLA_INFO_DATA);
        attr_u8(r, IFLA_BR_VLAN_FILTERING, 1);
        nest_end(r);
    }
    nest_end(r);
}

void nl_build_link_del(struct nl_req *r, int ifindex)
{
    start(r, RTM_DELLINK, NLM_F_ACK);
    put_ifinfo(r, AF_UNSPEC, ifindex, 0, 0);
}

void nl_build_link_get(struct nl_req *r, const char *name)
{
    start(r, RTM_GETLINK, NLM_F_ACK);
    put_ifinfo(r, AF_UNSPEC, 0, 0, 0);
    attr_str(r, IFLA_IFNAME, name);
}

void nl_build_link_up(struct nl_req *r, int ifindex, bool up)
{
    start(r, RTM_NEWLINK, NLM_F_ACK);
    put_ifinfo(r, AF_UNSPEC, ifindex, up ? IFF_UP : 0, IFF_UP);
}

void nl_build_link_mtu(struct nl_req *r, int ifindex, unsigned mtu)
{
    start(r, RTM_NEWLINK, NLM_F_ACK);
    put_ifinfo(r, AF_UNSPEC, ifindex, 0, 0);
    attr_u32(r, IFLA_MTU, mtu);
}

void nl_build_link_master(struct nl_req *r, int ifindex, int master_ifindex)
{
    start(r, RTM_NEWLINK, NLM_F_ACK);
    put_ifinfo(r, AF_UNSPEC, ifindex, 0, 0);
    attr_u32(r, IFLA_MASTER, (uint32_t)master_ifindex);
}

void nl_build_bridge_vlan_filtering(struct nl_req *r, int ifindex, bool on)
{
    start(r, RTM_NEWLINK, NLM_F_ACK);
    put_ifinfo(r, AF_UNSPEC, ifindex, 0, 0);
    nest_begin(r, IFLA_LINKINFO);
    attr_str(r, IFLA_INFO_KIND, "bridge");
    nest_begin(r, IFLA_INFO_DATA);
    attr_u8(r, IFLA_BR_VLAN_FILTERING, on ? 1 : 0);
    nest_end(r);
    nest_end(r);
}

static void vlan_info(struct nl_req *r, unsigned flags, unsigned vid)
{
    struct bridge_vlan_info info = {.flags = (uint16_t)flags, .vid = (uint16_t)vid};

    attr(r, IFLA_BRIDGE_VLAN_INFO, &info, sizeof(info));
}

void nl_build_bridge_vlan(struct nl_req *r, bool add, int ifindex, unsigned first, unsigned last,
                          unsigned flags, bool self)
{
    start(r, add ? RTM_SETLINK : RTM_DELLINK, NLM_F_ACK);
    put_ifinfo(r, AF_BRIDGE, ifindex, 0, 0);
    nest_begin(r, IFLA_AF_SPEC);
    /* Without IFLA_BRIDGE_FLAGS the request goes to the port's bridge (MASTER). */
    if (self)
        attr_u16(r, IFLA_BRIDGE_FLAGS, BRIDGE_FLAGS_SELF);
    if (first == last) {
        vlan_info(r, flags, first);
    } else {
        vlan_info(r, flags | BRIDGE_VLAN_INFO_RANGE_BEGIN, first);
        vlan_info(r, flags | BRIDGE_VLAN_INFO_RANGE_END, last);
    }
    nest_end(r);
}

void nl_build_addr4_add(struct nl_req *r, int ifindex, uint32_t addr, unsigned prefix)
{
    struct ifaddrmsg ifa = {.ifa_family = AF_INET,
                            .ifa_prefixlen = (uint8_t)prefix,
                            .ifa_scope = RT_SCOPE_UNIVERSE,
                            .ifa_index = (uint32_t)ifindex};

    start(r, RTM_NEWADDR, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
    put(r, &ifa, sizeof(ifa));
    attr(r, IFA_LOCAL, &addr, 4);
    attr(r, IFA_ADDRESS, &addr, 4);
    /* What "ip addr add A/N brd +" adds; /31 and /32 have no broadcast address. */
    if (prefix <= 30) {
        uint32_t host_mask = prefix == 0 ? 0xffffffffu : (1u << (32 - prefix)) - 1;
        uint32_t brd = addr | htonl(host_mask);

        attr(r, IFA_BROADCAST, &brd, 4);
    }
}

void nl_build_addr4_dump(struct nl_req *r)
{
    struct ifaddrmsg ifa = {.ifa_family = AF_INET};

    start(r, RTM_GETADDR, NLM_F_DUMP);
    put(r, &ifa, sizeof(ifa));
}

/* The message at @msg if it is whole: its header, else NULL. */
static const struct nlmsghdr *whole(const void *msg, size_t len, size_t body)
{
    const struct nlmsghdr *h = msg;

    if (len < NLMSG_HDRLEN || h->nlmsg_len < NLMSG_HDRLEN || h->nlmsg_len > len ||
        h->nlmsg_len < NLMSG_LENGTH(body))
        return NULL;
    return h;
}

/* Calls @fn on each attribute of the @len bytes at @at; stops at a malformed one. */
static int each_attr(const char *at, size_t len,
                     void (*fn)(const struct nlattr *a, const char *data, size_t size, void *ctx),
                     void *ctx)
{
    while (len >= NLA_HDRLEN) {
        const struct nlattr *a = (const struct nlattr *)at;
        size_t step;

        if (a->nla_len < NLA_HDRLEN || a->nla_len > len)
            return -EBADMSG;
        fn(a, at + NLA_HDRLEN, a->nla_len - NLA_HDRLEN, ctx);
        step = NLA_ALIGN(a->nla_len);
        if (step >= len)
            break;
        at += step;
        len -= step;
    }
    return 0;
}

static void copy_string(char *out, size_t out_size, const char *data, size_t size)
{
    size_t n = strnlen(data, size);

    if (n >= out_size)
        n = out_size - 1;
    memcpy(out, data, n);
    out[n] = '\0';
}

struct text_out {
    char *buf;
    size_t size;
};

static void error_attr(const struct nlattr *a, const char *data, size_t size, void *ctx)
{
    struct text_out *kmsg = ctx;

    if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG && size > 0)
        copy_string(kmsg->buf, kmsg->size, data, size);
}

int nl_parse_error(const void *msg, size_t len, char *kmsg, size_t kmsg_size)
{
    const struct nlmsghdr *h = whole(msg, len, sizeof(struct nlmsgerr));
    const struct nlmsgerr *e;
    size_t skip;

    if (kmsg_size > 0)
        kmsg[0] = '\0';
    if (h == NULL || h->nlmsg_type != NLMSG_ERROR)
        return -EBADMSG;
    e = NLMSG_DATA(h);
    if (e->error > 0 || e->error < -4095)
        return -EBADMSG;
    /* The TLVs follow the request that failed: its header only when capped (or an ACK). */
    skip = sizeof(*e);
    if (!(h->nlmsg_flags & NLM_F_CAPPED) && e->error != 0)
        skip += NLMSG_ALIGN(e->msg.nlmsg_len) - sizeof(e->msg);
    if ((h->nlmsg_flags & NLM_F_ACK_TLVS) && kmsg_size > 0 && NLMSG_LENGTH(skip) <= h->nlmsg_len) {
        struct text_out out = {kmsg, kmsg_size};

        each_attr((const char *)NLMSG_DATA(h) + skip, h->nlmsg_len - NLMSG_LENGTH(skip), error_attr,
                  &out);
    }
    return e->error;
}

static void linkinfo_attr(const struct nlattr *a, const char *data, size_t size, void *ctx)
{
    struct nl_link *link = ctx;

    if ((a->nla_type & NLA_TYPE_MASK) == IFLA_INFO_KIND)
        copy_string(link->kind, sizeof(link->kind), data, size);
}

static void link_attr(const struct nlattr *a, const char *data, size_t size, void *ctx)
{
    struct nl_link *link = ctx;

    switch (a->nla_type & NLA_TYPE_MASK) {
    case IFLA_IFNAME:
        copy_string(link->name, sizeof(link->name), data, size);
        break;
    case IFLA_MTU:
        if (size >= 4)
            memcpy(&link->mtu, data, 4);
        break;
    case IFLA_MASTER:
        if (size >= 4)
            memcpy(&link->master, data, 4);
        break;
    case IFLA_ADDRESS:
        if (size == 6) {
            memcpy(link->mac, data, 6);
            link->has_mac = true;
        }
        break;
    case IFLA_LINKINFO:
        each_attr(data, size, linkinfo_attr, link);
        break;
    }
}

int nl_parse_link(const void *msg, size_t len, struct nl_link *link)
{
    const struct nlmsghdr *h = whole(msg, len, sizeof(struct ifinfomsg));
    const struct ifinfomsg *ifi;

    memset(link, 0, sizeof(*link));
    if (h == NULL || h->nlmsg_type != RTM_NEWLINK)
        return -EBADMSG;
    ifi = NLMSG_DATA(h);
    link->ifindex = ifi->ifi_index;
    link->flags = ifi->ifi_flags;
    return each_attr((const char *)ifi + NLMSG_ALIGN(sizeof(*ifi)),
                     h->nlmsg_len - NLMSG_LENGTH(sizeof(*ifi)), link_attr, link);
}

struct addr_seen {
    struct nl_addr4 *out;
    bool local, address;
};

static void addr_attr(const struct nlattr *a, const char *data, size_t size, void *ctx)
{
    struct addr_seen *seen = ctx;
    unsigned type = a->nla_type & NLA_TYPE_MASK;

    if (size != 4)
        return;
    /* IFA_LOCAL is the interface's own address; IFA_ADDRESS the peer's on a point-to-point
     * link, and the same as IFA_LOCAL elsewhere. */
    if (type == IFA_LOCAL) {
        memcpy(&seen->out->addr, data, 4);
        seen->local = true;
    } else if (type == IFA_ADDRESS && !seen->local) {
        memcpy(&seen->out->addr, data, 4);
        seen->address = true;
    }
}

int nl_parse_addr4(const void *msg, size_t len, struct nl_addr4 *addr)
{
    const struct nlmsghdr *h = whole(msg, len, sizeof(struct ifaddrmsg));
    const struct ifaddrmsg *ifa;
    struct addr_seen seen = {.out = addr};

    memset(addr, 0, sizeof(*addr));
    if (h == NULL || h->nlmsg_type != RTM_NEWADDR)
        return -EBADMSG;
    ifa = NLMSG_DATA(h);
    if (ifa->ifa_family != AF_INET)
        return -EBADMSG;
    addr->ifindex = (int)ifa->ifa_index;
    addr->prefix = ifa->ifa_prefixlen;
    if (each_attr((const char *)ifa + NLMSG_ALIGN(sizeof(*ifa)),
                  h->nlmsg_len - NLMSG_LENGTH(sizeof(*ifa)), addr_attr, &seen) != 0 ||
        !(seen.local || seen.address))
        return -EBADMSG;
    return 0;
}
