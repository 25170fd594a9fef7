/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of tools/lib/netlink_msg.c: every rtnetlink request a switch
 * needs, checked byte by byte against the ABI (linux/netlink.h,
 * rtnetlink.h, if_link.h, if_bridge.h, if_addr.h).  The expected bytes are
 * written out here by hand from the ABI, numbers and all, not built with
 * the same constants, so that a wrong attribute type or a missing padding
 * shows.  Little-endian, as the parent is x86-64.  Also the parsers of the
 * kernel's replies: errors with and without its message, links, IPv4
 * addresses, and malformed replies.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <netlink.h>

static struct nl_req req;

/* The request must be exactly @want (@len bytes). */
static void expect_bytes(const uint8_t *want, size_t len)
{
    const uint8_t *got = (const uint8_t *)req.buf;

    assert_false(req.overflow);
    assert_int_equal(req.depth, 0);
    if (req.len != len)
        fail_msg("length %zu, expected %zu", req.len, len);
    for (size_t i = 0; i < len; i++) {
        if (got[i] != want[i])
            fail_msg("byte %zu is 0x%02x, expected 0x%02x", i, got[i], want[i]);
    }
}

/* struct nlmsghdr: length, type, flags; sequence and port 0. */
#define HDR(len, type, flags)                                                                      \
    (len), 0, 0, 0, (type), 0, (flags)&0xff, (flags) >> 8, 0, 0, 0, 0, 0, 0, 0, 0

/* struct ifinfomsg: family, pad, type (u16), index (s32), flags, change (u32). */
#define IFINFO(family, index, flags, change)                                                       \
    (family), 0, 0, 0, (index), 0, 0, 0, (flags), 0, 0, 0, (change), 0, 0, 0

#define REQUEST 0x01
#define ACK     0x04
#define EXCL    0x200
#define CREATE  0x400
#define DUMP    0x300

static void test_bridge_new(void **state)
{
    /* clang-format off: one attribute a line, as the ABI lays them out */
    static const uint8_t mac[6] = {0x00, 0x15, 0x5d, 0xaa, 0x00, 0x01};
    static const uint8_t want[] = {
        HDR(88, 16, REQUEST | ACK | EXCL | CREATE), /* RTM_NEWLINK */
        IFINFO(0, 0, 0, 0),
        13,
        0,
        3,
        0,
        'h',
        'v',
        's',
        'w',
        '-',
        'l',
        'a',
        'n',
        0,
        0,
        0,
        0, /* IFLA_IFNAME */
        10,
        0,
        1,
        0,
        0x00,
        0x15,
        0x5d,
        0xaa,
        0x00,
        0x01,
        0,
        0, /* IFLA_ADDRESS */
        28,
        0,
        18,
        0, /* IFLA_LINKINFO */
        11,
        0,
        1,
        0,
        'b',
        'r',
        'i',
        'd',
        'g',
        'e',
        0,
        0, /* IFLA_INFO_KIND */
        12,
        0,
        2,
        0, /* IFLA_INFO_DATA */
        5,
        0,
        7,
        0,
        1,
        0,
        0,
        0, /* IFLA_BR_VLAN_FILTERING, u8 1 */
    };
    static const uint8_t want_plain[] = {
        HDR(64, 16, REQUEST | ACK | EXCL | CREATE),
        IFINFO(0, 0, 0, 0),
        13,
        0,
        3,
        0,
        'h',
        'v',
        's',
        'w',
        '-',
        'd',
        'm',
        'z',
        0,
        0,
        0,
        0,
        16,
        0,
        18,
        0,
        11,
        0,
        1,
        0,
        'b',
        'r',
        'i',
        'd',
        'g',
        'e',
        0,
        0,
    };
    /* clang-format on */

    (void)state;
    nl_build_bridge_new(&req, "hvsw-lan", mac, true);
    expect_bytes(want, sizeof(want));
    /* Without a MAC (the kernel's choice) and without VLAN filtering: no such attributes. */
    nl_build_bridge_new(&req, "hvsw-dmz", NULL, false);
    expect_bytes(want_plain, sizeof(want_plain));
}

static void test_link_changes(void **state)
{
    /* clang-format off: one attribute a line, as the ABI lays them out */
    static const uint8_t up[] = {
        HDR(32, 16, REQUEST | ACK), /* RTM_NEWLINK */
        IFINFO(0, 9, 1, 1),         /* IFF_UP in flags and change */
    };
    static const uint8_t down[] = {
        HDR(32, 16, REQUEST | ACK), IFINFO(0, 9, 0, 1), /* IFF_UP in change only */
    };
    static const uint8_t mtu[] = {
        HDR(40, 16, REQUEST | ACK),
        IFINFO(0, 4, 0, 0),
        8,
        0,
        4,
        0,
        0x28,
        0x23,
        0,
        0, /* IFLA_MTU 9000 */
    };
    static const uint8_t master[] = {
        HDR(40, 16, REQUEST | ACK), IFINFO(0, 4, 0, 0), 8, 0, 10, 0, 3, 0, 0, 0, /* IFLA_MASTER 3 */
    };
    static const uint8_t release[] = {
        HDR(40, 16, REQUEST | ACK), IFINFO(0, 4, 0, 0), 8, 0, 10, 0, 0, 0, 0, 0, /* IFLA_MASTER 0 */
    };
    static const uint8_t del[] = {
        HDR(32, 17, REQUEST | ACK), /* RTM_DELLINK */
        IFINFO(0, 5, 0, 0),
    };
    static const uint8_t get[] = {
        HDR(44, 18, REQUEST | ACK),                                             /* RTM_GETLINK */
        IFINFO(0, 0, 0, 0),         9, 0, 3, 0, 'e', 't', 'h', '0', 0, 0, 0, 0, /* IFLA_IFNAME */
    };
    static const uint8_t filtering[] = {
        HDR(60, 16, REQUEST | ACK),
        IFINFO(0, 6, 0, 0),
        28,
        0,
        18,
        0, /* IFLA_LINKINFO */
        11,
        0,
        1,
        0,
        'b',
        'r',
        'i',
        'd',
        'g',
        'e',
        0,
        0, /* IFLA_INFO_KIND */
        12,
        0,
        2,
        0, /* IFLA_INFO_DATA */
        5,
        0,
        7,
        0,
        0,
        0,
        0,
        0, /* IFLA_BR_VLAN_FILTERING 0 */
    };
    /* clang-format on */

    (void)state;
    nl_build_link_up(&req, 9, true);
    expect_bytes(up, sizeof(up));
    nl_build_link_up(&req, 9, false);
    expect_bytes(down, sizeof(down));
    nl_build_link_mtu(&req, 4, 9000);
    expect_bytes(mtu, sizeof(mtu));
    nl_build_link_master(&req, 4, 3);
    expect_bytes(master, sizeof(master));
    nl_build_link_master(&req, 4, 0);
    expect_bytes(release, sizeof(release));
    nl_build_link_del(&req, 5);
    expect_bytes(del, sizeof(del));
    nl_build_link_get(&req, "eth0");
    expect_bytes(get, sizeof(get));
    nl_build_bridge_vlan_filtering(&req, 6, false);
    expect_bytes(filtering, sizeof(filtering));
}

static void test_bridge_vlans(void **state)
{
    /* bridge vlan add dev tap0 vid 20 pvid untagged (master: no IFLA_BRIDGE_FLAGS). */
    /* clang-format off: one attribute a line, as the ABI lays them out */
    static const uint8_t access[] = {
        HDR(44, 19, REQUEST | ACK), /* RTM_SETLINK */
        IFINFO(7, 7, 0, 0),         /* AF_BRIDGE, ifindex 7 */
        12,
        0,
        26,
        0, /* IFLA_AF_SPEC */
        8,
        0,
        2,
        0,
        6,
        0,
        20,
        0, /* IFLA_BRIDGE_VLAN_INFO {PVID | UNTAGGED, 20} */
    };
    /* bridge vlan del dev hvsw-dmz vid 1 self. */
    static const uint8_t self_del[] = {
        HDR(52, 17, REQUEST | ACK), /* RTM_DELLINK */
        IFINFO(7, 5, 0, 0),
        20,
        0,
        26,
        0,
        6,
        0,
        0,
        0,
        2,
        0,
        0,
        0, /* IFLA_BRIDGE_FLAGS BRIDGE_FLAGS_SELF, padded */
        8,
        0,
        2,
        0,
        0,
        0,
        1,
        0, /* IFLA_BRIDGE_VLAN_INFO {0, 1} */
    };
    /* bridge vlan add dev eth0 vid 2-4094: a RANGE_BEGIN and a RANGE_END entry. */
    static const uint8_t trunk[] = {
        HDR(52, 19, REQUEST | ACK),
        IFINFO(7, 3, 0, 0),
        20,
        0,
        26,
        0,
        8,
        0,
        2,
        0,
        8,
        0,
        2,
        0, /* {RANGE_BEGIN, 2} */
        8,
        0,
        2,
        0,
        16,
        0,
        0xfe,
        0x0f, /* {RANGE_END, 4094} */
    };
    /* clang-format on */

    (void)state;
    nl_build_bridge_vlan(&req, true, 7, 20, 20, NL_VLAN_PVID | NL_VLAN_UNTAGGED, false);
    expect_bytes(access, sizeof(access));
    nl_build_bridge_vlan(&req, false, 5, 1, 1, 0, true);
    expect_bytes(self_del, sizeof(self_del));
    nl_build_bridge_vlan(&req, true, 3, 2, 4094, 0, false);
    expect_bytes(trunk, sizeof(trunk));
}

static void test_addresses(void **state)
{
    /* clang-format off: one attribute a line, as the ABI lays them out */
    static const uint8_t add24[] = {
        HDR(48, 20, REQUEST | ACK | EXCL | CREATE), /* RTM_NEWADDR */
        2,
        24,
        0,
        0,
        4,
        0,
        0,
        0, /* ifaddrmsg: AF_INET /24, index 4 */
        8,
        0,
        2,
        0,
        10,
        0,
        0,
        1, /* IFA_LOCAL */
        8,
        0,
        1,
        0,
        10,
        0,
        0,
        1, /* IFA_ADDRESS */
        8,
        0,
        4,
        0,
        10,
        0,
        0,
        255, /* IFA_BROADCAST */
    };
    static const uint8_t add32[] = {
        HDR(40, 20, REQUEST | ACK | EXCL | CREATE),
        2,
        32,
        0,
        0,
        4,
        0,
        0,
        0,
        8,
        0,
        2,
        0,
        192,
        168,
        1,
        7, /* IFA_LOCAL */
        8,
        0,
        1,
        0,
        192,
        168,
        1,
        7, /* IFA_ADDRESS, and no IFA_BROADCAST */
    };
    static const uint8_t add30[] = {
        HDR(48, 20, REQUEST | ACK | EXCL | CREATE),
        2,
        30,
        0,
        0,
        4,
        0,
        0,
        0,
        8,
        0,
        2,
        0,
        172,
        16,
        0,
        5,
        8,
        0,
        1,
        0,
        172,
        16,
        0,
        5,
        8,
        0,
        4,
        0,
        172,
        16,
        0,
        7, /* 172.16.0.4/30's broadcast */
    };
    static const uint8_t dump[] = {
        HDR(24, 22, REQUEST | DUMP), /* RTM_GETADDR */
        2,
        0,
        0,
        0,
        0,
        0,
        0,
        0, /* AF_INET */
    };
    static const uint8_t a10[4] = {10, 0, 0, 1};
    static const uint8_t a192[4] = {192, 168, 1, 7};
    static const uint8_t a172[4] = {172, 16, 0, 5};
    /* clang-format on */
    uint32_t addr;

    (void)state;
    memcpy(&addr, a10, 4);
    nl_build_addr4_add(&req, 4, addr, 24);
    expect_bytes(add24, sizeof(add24));
    /* A /32 has no broadcast address. */
    memcpy(&addr, a192, 4);
    nl_build_addr4_add(&req, 4, addr, 32);
    expect_bytes(add32, sizeof(add32));
    memcpy(&addr, a172, 4);
    nl_build_addr4_add(&req, 4, addr, 30);
    expect_bytes(add30, sizeof(add30));
    nl_build_addr4_dump(&req);
    expect_bytes(dump, sizeof(dump));
}

static void test_overflow_is_refused(void **state)
{
    struct nl_sock nl = {.fd = -1};
    char kmsg[64];

    (void)state;
    nl_build_link_get(&req, "eth0");
    req.overflow = true;
    assert_int_equal(nl_transact(&nl, &req, NULL, NULL, kmsg, sizeof(kmsg)), -EMSGSIZE);
    /* A new request starts afresh. */
    nl_build_link_master(&req, 1, 2);
    assert_false(req.overflow);
}

static void test_parse_error(void **state)
{
    /* A capped error with the kernel's message: error -95, the request's header, a TLV. */
    /* clang-format off: one attribute a line, as the ABI lays them out */
    static const uint8_t capped[] = {
        HDR(60, 2, 0x300), /* NLMSG_ERROR, NLM_F_CAPPED | NLM_F_ACK_TLVS */
        0xa1,
        0xff,
        0xff,
        0xff,               /* error -95 (EOPNOTSUPP) */
        HDR(88, 16, 0x605), /* the request's header only */
        24,
        0,
        1,
        0, /* NLMSGERR_ATTR_MSG */
        'U',
        'n',
        'k',
        'n',
        'o',
        'w',
        'n',
        ' ',
        'd',
        'e',
        'v',
        'i',
        'c',
        'e',
        ' ',
        't',
        'y',
        'p',
        'e',
        0,
    };
    /* Not capped: the whole request (header and an ifinfomsg) comes back before the TLVs. */
    static const uint8_t whole[] = {
        HDR(60, 2, 0x200), /* NLM_F_ACK_TLVS */
        0xed,
        0xff,
        0xff,
        0xff, /* error -19 (ENODEV) */
        HDR(32, 16, 5),
        IFINFO(0, 9, 1, 1),
        8,
        0,
        1,
        0,
        'n',
        'o',
        '!',
        0, /* NLMSGERR_ATTR_MSG */
    };
    static const uint8_t ack[] = {
        HDR(36, 2, 0x100), /* an ACK: error 0 */
        0,
        0,
        0,
        0,
        HDR(32, 16, 5),
    };
    static const uint8_t plain[] = {
        HDR(36, 2, 0), /* error -2, no message */
        0xfe,          0xff, 0xff, 0xff, HDR(32, 16, 5),
    };
    /* clang-format on */
    char kmsg[64];

    (void)state;
    assert_int_equal(nl_parse_error(capped, sizeof(capped), kmsg, sizeof(kmsg)), -95);
    assert_string_equal(kmsg, "Unknown device type");
    assert_int_equal(nl_parse_error(whole, sizeof(whole), kmsg, sizeof(kmsg)), -19);
    assert_string_equal(kmsg, "no!");
    assert_int_equal(nl_parse_error(ack, sizeof(ack), kmsg, sizeof(kmsg)), 0);
    assert_string_equal(kmsg, "");
    assert_int_equal(nl_parse_error(plain, sizeof(plain), kmsg, sizeof(kmsg)), -2);
    assert_string_equal(kmsg, "");
    /* A message cut short, or not an error at all. */
    assert_int_equal(nl_parse_error(capped, 20, kmsg, sizeof(kmsg)), -EBADMSG);
    assert_int_equal(nl_parse_error(whole + 16, sizeof(whole) - 16, kmsg, sizeof(kmsg)), -EBADMSG);
    /* A short buffer for the message truncates it. */
    assert_int_equal(nl_parse_error(capped, sizeof(capped), kmsg, 8), -95);
    assert_string_equal(kmsg, "Unknown");
}

static void test_parse_link(void **state)
{
    /* clang-format off: one attribute a line, as the ABI lays them out */
    static const uint8_t msg[] = {
        HDR(84, 16, 0),
        IFINFO(0, 3, 0x43, 0), /* UP | BROADCAST | RUNNING */
        7,
        0,
        3,
        0,
        'b',
        'r',
        '0',
        0, /* IFLA_IFNAME */
        8,
        0,
        4,
        0,
        0xdc,
        0x05,
        0,
        0, /* IFLA_MTU 1500 */
        8,
        0,
        10,
        0,
        2,
        0,
        0,
        0, /* IFLA_MASTER 2 */
        10,
        0,
        1,
        0,
        0x00,
        0x15,
        0x5d,
        0x01,
        0x02,
        0x03,
        0,
        0, /* IFLA_ADDRESS */
        16,
        0,
        18,
        0,
        11,
        0,
        1,
        0,
        'b',
        'r',
        'i',
        'd',
        'g',
        'e',
        0,
        0, /* IFLA_LINKINFO */
    };
    static const uint8_t eth[] = {
        HDR(44, 16, 0), IFINFO(0, 2, 0x03, 0), 9, 0, 3, 0, 'e', 't', 'h', '0', 0, 0, 0, 0,
    };
    /* clang-format on */
    uint8_t broken[sizeof(msg)];
    struct nl_link link;

    (void)state;
    assert_int_equal(nl_parse_link(msg, sizeof(msg), &link), 0);
    assert_int_equal(link.ifindex, 3);
    assert_string_equal(link.name, "br0");
    assert_int_equal(link.mtu, 1500);
    assert_int_equal(link.master, 2);
    assert_int_equal(link.flags, 0x43);
    assert_string_equal(link.kind, "bridge");
    assert_true(link.has_mac);
    assert_int_equal(link.mac[5], 0x03);
    /* A physical NIC has no IFLA_LINKINFO: no kind. */
    assert_int_equal(nl_parse_link(eth, sizeof(eth), &link), 0);
    assert_string_equal(link.kind, "");
    assert_false(link.has_mac);
    assert_int_equal(link.master, 0);
    /* An attribute longer than the message. */
    memcpy(broken, msg, sizeof(msg));
    broken[32] = 200;
    assert_int_equal(nl_parse_link(broken, sizeof(broken), &link), -EBADMSG);
    /* Not RTM_NEWLINK. */
    broken[32] = 7;
    broken[4] = 20;
    assert_int_equal(nl_parse_link(broken, sizeof(broken), &link), -EBADMSG);
}

static void test_parse_addr4(void **state)
{
    /* clang-format off: one attribute a line, as the ABI lays them out */
    static const uint8_t msg[] = {HDR(40, 20, 0),
                                  2,
                                  24,
                                  0x80,
                                  0,
                                  4,
                                  0,
                                  0,
                                  0,
                                  8,
                                  0,
                                  1,
                                  0,
                                  10,
                                  0,
                                  0,
                                  1,
                                  8,
                                  0,
                                  2,
                                  0,
                                  10,
                                  0,
                                  0,
                                  1};
    /* A point-to-point link: IFA_ADDRESS is the peer's, IFA_LOCAL ours, in either order. */
    static const uint8_t ptp[] = {
        HDR(40, 20, 0), 2, 32, 0, 0, 5, 0, 0, 0, 8, 0, 2, 0, 10, 9, 9, 1, 8, 0, 1, 0, 10, 9, 9, 2};
    static const uint8_t v6[] = {HDR(24, 20, 0), 10, 64, 0, 0, 4, 0, 0, 0};
    static const uint8_t none[] = {HDR(24, 20, 0), 2, 24, 0, 0, 4, 0, 0, 0};
    static const uint8_t want[4] = {10, 0, 0, 1}, want_ptp[4] = {10, 9, 9, 1};
    /* clang-format on */
    struct nl_addr4 a;

    (void)state;
    assert_int_equal(nl_parse_addr4(msg, sizeof(msg), &a), 0);
    assert_int_equal(a.ifindex, 4);
    assert_int_equal(a.prefix, 24);
    assert_memory_equal(&a.addr, want, 4);
    assert_int_equal(nl_parse_addr4(ptp, sizeof(ptp), &a), 0);
    assert_memory_equal(&a.addr, want_ptp, 4);
    assert_int_equal(nl_parse_addr4(v6, sizeof(v6), &a), -EBADMSG);
    assert_int_equal(nl_parse_addr4(none, sizeof(none), &a), -EBADMSG);
    assert_int_equal(nl_parse_addr4(msg, sizeof(msg) - 1, &a), -EBADMSG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bridge_new),          cmocka_unit_test(test_link_changes),
        cmocka_unit_test(test_bridge_vlans),        cmocka_unit_test(test_addresses),
        cmocka_unit_test(test_overflow_is_refused), cmocka_unit_test(test_parse_error),
        cmocka_unit_test(test_parse_link),          cmocka_unit_test(test_parse_addr4),
    };
    return cmocka_run_group_tests_name("netlink", tests, NULL, NULL);
}
