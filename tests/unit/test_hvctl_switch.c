/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of a virtual switch's configuration (tools/hvctl/switch_config.c):
 * the --type, --mtu and --address values, interface names, the bridge's name
 * derived from the switch's (and that it always fits), the NAME.conf file
 * (parse with every rejection and its line, format, the round trip through
 * a real file).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../tools/hvctl/switch_config.h"

static char err[512];
static struct switch_config cfg;

static void expect_address(const char *text, const char *addr, unsigned prefix)
{
    uint32_t a;
    unsigned p;

    if (switch_address_parse("--address", text, &a, &p, err, sizeof(err)) != 0)
        fail_msg("refused %s: %s", text, err);
    assert_int_equal(a, inet_addr(addr));
    assert_int_equal(p, prefix);
}

static void expect_bad_address(const char *text, const char *why)
{
    uint32_t a;
    unsigned p;

    if (switch_address_parse("--address", text, &a, &p, err, sizeof(err)) == 0)
        fail_msg("accepted %s", text);
    if (strstr(err, why) == NULL)
        fail_msg("message \"%s\" lacks \"%s\"", err, why);
    assert_non_null(strstr(err, "--address"));
}

static void test_address(void **state)
{
    char text[24];

    (void)state;
    expect_address("10.0.0.1/24", "10.0.0.1", 24);
    expect_address("192.168.100.254/24", "192.168.100.254", 24);
    expect_address("172.16.0.5/30", "172.16.0.5", 30);
    /* /31 and /32 have no subnet or broadcast address to avoid. */
    expect_address("10.0.0.0/31", "10.0.0.0", 31);
    expect_address("10.0.0.255/32", "10.0.0.255", 32);
    expect_address("1.2.3.4/1", "1.2.3.4", 1);
    expect_bad_address("10.0.0.1", "has no prefix length");
    expect_bad_address("10.0.0/24", "is not an IPv4 address");
    expect_bad_address("10.0.0.1.5/24", "is not an IPv4 address");
    expect_bad_address("10.0.0.256/24", "is not an IPv4 address");
    expect_bad_address("10.0.0.01/24", "is not an IPv4 address"); /* octal or decimal? */
    expect_bad_address("10.0.0.-1/24", "is not an IPv4 address");
    expect_bad_address("10..0.1/24", "is not an IPv4 address");
    expect_bad_address("a.b.c.d/24", "is not an IPv4 address");
    expect_bad_address("10.0.0.1/33", "prefix length is not a number from 1 to 32");
    expect_bad_address("10.0.0.1/0", "prefix length");
    expect_bad_address("10.0.0.1/", "prefix length");
    expect_bad_address("10.0.0.1/24x", "prefix length");
    expect_bad_address("10.0.0.0/24", "the subnet's own address");
    expect_bad_address("10.0.0.255/24", "broadcast");
    expect_bad_address("127.0.0.1/8", "loopback");
    expect_bad_address("0.1.2.3/8", "0.0.0.0/8");
    expect_bad_address("224.0.0.1/4", "multicast");
    expect_bad_address("255.255.255.255/32", "reserved");
    switch_address_format(inet_addr("10.0.0.1"), 24, text, sizeof(text));
    assert_string_equal(text, "10.0.0.1/24");
}

static void test_type_and_mtu(void **state)
{
    enum switch_type t;
    unsigned mtu;

    (void)state;
    assert_int_equal(switch_type_parse("internal", &t, err, sizeof(err)), 0);
    assert_int_equal(t, SWITCH_INTERNAL);
    assert_int_equal(switch_type_parse("private", &t, err, sizeof(err)), 0);
    assert_int_equal(t, SWITCH_PRIVATE);
    assert_int_equal(switch_type_parse("external", &t, err, sizeof(err)), 0);
    assert_int_equal(t, SWITCH_EXTERNAL);
    assert_int_equal(switch_type_parse("Internal", &t, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "--type Internal is not a switch type: internal"));
    assert_int_equal(switch_type_parse("", &t, err, sizeof(err)), -1);
    assert_string_equal(switch_type_name(SWITCH_PRIVATE), "private");

    assert_int_equal(switch_mtu_parse("1500", &mtu, err, sizeof(err)), 0);
    assert_int_equal(mtu, 1500);
    assert_int_equal(switch_mtu_parse("68", &mtu, err, sizeof(err)), 0);
    assert_int_equal(switch_mtu_parse("9000", &mtu, err, sizeof(err)), 0);
    assert_int_equal(mtu, 9000);
    assert_int_equal(switch_mtu_parse("9001", &mtu, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "--mtu 9001 is not a whole number from 68 to 9000"));
    assert_int_equal(switch_mtu_parse("67", &mtu, err, sizeof(err)), -1);
    assert_int_equal(switch_mtu_parse("01500", &mtu, err, sizeof(err)), -1);
    assert_int_equal(switch_mtu_parse("1500k", &mtu, err, sizeof(err)), -1);
    assert_int_equal(switch_mtu_parse("", &mtu, err, sizeof(err)), -1);
    assert_int_equal(switch_mtu_parse("99999999999999999999", &mtu, err, sizeof(err)), -1);
}

static void test_ifnames(void **state)
{
    char why[128];

    (void)state;
    assert_true(ifname_valid("eth0", why, sizeof(why)));
    assert_true(ifname_valid("enp3s0f1", why, sizeof(why)));
    assert_true(ifname_valid("a23456789012345", why, sizeof(why)));
    assert_false(ifname_valid("a234567890123456", why, sizeof(why)));
    assert_non_null(strstr(why, "longer than 15"));
    assert_false(ifname_valid("", why, sizeof(why)));
    assert_false(ifname_valid(".", why, sizeof(why)));
    assert_false(ifname_valid("..", why, sizeof(why)));
    assert_false(ifname_valid("eth0:1", why, sizeof(why)));
    assert_false(ifname_valid("a/b", why, sizeof(why)));
    assert_false(ifname_valid("a b", why, sizeof(why)));
}

static void test_bridge_names(void **state)
{
    char a[IFNAME_MAX + 1], b[IFNAME_MAX + 1], name[VM_NAME_MAX + 1], why[128];

    (void)state;
    switch_bridge_name("lan", a);
    assert_string_equal(a, "hvsw-lan");
    switch_bridge_name("0123456789", a); /* 10 characters: "hvsw-" and it fit exactly */
    assert_string_equal(a, "hvsw-0123456789");
    /* Longer: the first 6 characters and 4 hex digits of the whole name's hash. */
    switch_bridge_name("production-a", a);
    switch_bridge_name("production-b", b);
    assert_int_equal(strlen(a), IFNAME_MAX);
    /* Pinned: an existing switch's bridge, in vm.conf files too, must keep its name. */
    assert_string_equal(a, "hvsw-produc662a");
    assert_string_not_equal(a, b);
    /* The same name always gives the same bridge (hvctl and later starts agree). */
    switch_bridge_name("production-a", b);
    assert_string_equal(a, b);
    /* Every valid name, up to 63 characters, gives a valid interface name. */
    memset(name, 'x', VM_NAME_MAX);
    name[VM_NAME_MAX] = '\0';
    for (size_t len = 1; len <= VM_NAME_MAX; len++) {
        name[len - 1] = (char)('a' + len % 26);
        name[len] = '\0';
        switch_bridge_name(name, a);
        assert_true(ifname_valid(a, why, sizeof(why)));
        assert_memory_equal(a, SWITCH_BRIDGE_PREFIX, 5);
        name[len] = 'x';
    }
}

static int parse(const char *text)
{
    size_t len = strlen(text);
    char *copy = malloc(len ? len : 1); /* no NUL: ASan sees a read past the end */
    int rc;

    assert_non_null(copy);
    memcpy(copy, text, len);
    memset(err, 'X', sizeof(err));
    rc = switch_config_parse(copy, len, &cfg, err, sizeof(err));
    free(copy);
    if (rc != 0) {
        assert_non_null(memchr(err, '\0', sizeof(err)));
        assert_null(strchr(err, '\n'));
    }
    return rc;
}

static void expect_error(const char *text, const char *what)
{
    if (parse(text) == 0)
        fail_msg("accepted:\n%s", text);
    if (strstr(err, what) == NULL)
        fail_msg("message \"%s\" lacks \"%s\"", err, what);
}

static void test_parse(void **state)
{
    (void)state;
    assert_int_equal(parse("# comment\n\nname=lan\ntype=internal\nmtu=9000\n"
                           "mac=00:15:5d:a7:00:00\naddress=10.0.0.1/24\n"),
                     0);
    assert_string_equal(cfg.name, "lan");
    assert_int_equal(cfg.type, SWITCH_INTERNAL);
    assert_int_equal(cfg.mtu, 9000);
    assert_true(cfg.has_mac);
    assert_int_equal(cfg.mac[3], 0xa7);
    assert_true(cfg.has_address);
    assert_int_equal(cfg.address, inet_addr("10.0.0.1"));
    assert_int_equal(cfg.prefix, 24);
    assert_int_equal(parse("name=dmz\ntype=private\nmtu=1500\nmac=00:15:5d:a7:00:01"), 0);
    assert_false(cfg.has_address);
    assert_int_equal(parse("type=external\nnic=eth0\nname=up\nmtu=1500\n"), 0);
    assert_string_equal(cfg.nic, "eth0");
    assert_false(cfg.has_mac);

    expect_error("name=lan\ntype=internal\nmtu=1500\n", "needs the mac of its bridge");
    expect_error("name=lan\ntype=internal\n", "no mtu= line");
    expect_error("type=internal\nmtu=1500\nmac=00:15:5d:00:00:01\n", "no name= line");
    expect_error("name=lan\ntype=bus\nmtu=1500\n", "line 2: type 'bus' is not internal");
    expect_error("name=lan\ntype=internal\nmtu=1500\nmtu=1500\n",
                 "line 4: mtu given a second time (first on line 3)");
    expect_error("name=lan\ncolour=red\n", "line 2: unknown key 'colour'");
    expect_error("name= lan\n", "line 1: spaces around");
    expect_error("name =lan\n", "line 1: spaces around");
    expect_error("name=l@n\n", "line 1: name 'l@n' is not a valid switch name");
    expect_error("name=lan\nmac=00:15:5d:00:00\n", "line 2: mac '00:15:5d:00:00' is not a MAC");
    expect_error("name=lan\nmtu=9001\n", "line 2: mtu '9001' is not a number from 68 to 9000");
    expect_error("name=lan\ntype=internal\nmtu=1500\nmac=01:00:5e:00:00:01\n", "multicast");
    expect_error("name=lan\ntype=internal\nmtu=1500\nmac=00:00:00:00:00:00\n", "all zeros");
    expect_error("name=lan\naddress=10.0.0.0/24\n", "line 2: address 10.0.0.0/24 is the subnet");
    expect_error("name=lan\ntype=private\nmtu=1500\nmac=00:15:5d:00:00:01\naddress=10.0.0.1/24\n",
                 "only an internal switch has an address");
    expect_error("name=up\ntype=external\nmtu=1500\n", "an external switch needs its nic");
    expect_error("name=up\ntype=external\nmtu=1500\nnic=eth0\nmac=00:15:5d:00:00:01\n",
                 "an external switch has no mac");
    expect_error("name=up\ntype=external\nmtu=1500\nnic=a:b\n", "nic 'a:b'");
    expect_error("name=lan\ntype=internal\nmtu=1500\nmac=00:15:5d:00:00:01\nnic=eth0\n",
                 "only an external switch has a nic");
    expect_error("name=lan\x01\n", "line 1: contains a control character");
    expect_error("name=lan\nnoequals\n", "line 2: expected key=value");
    {
        static const char nul[] = "name=lan\n\0type=internal\n";

        assert_int_equal(switch_config_parse(nul, sizeof(nul) - 1, &cfg, err, sizeof(err)), -1);
        assert_non_null(strstr(err, "line 2: contains a NUL byte"));
    }
}

static void test_format_and_round_trip(void **state)
{
    char dir[] = "/tmp/test_hvctl_switch.XXXXXX", path[128], text[SWITCH_CONFIG_MAX];
    struct switch_config c, back;

    (void)state;
    memset(&c, 0, sizeof(c));
    strcpy(c.name, "lan");
    c.type = SWITCH_INTERNAL;
    c.mtu = 9000;
    c.has_mac = true;
    memcpy(c.mac, "\x00\x15\x5d\xa7\x00\x00", 6);
    c.has_address = true;
    c.address = inet_addr("10.0.0.1");
    c.prefix = 24;
    assert_true(switch_config_format(&c, text, sizeof(text), err, sizeof(err)) > 0);
    assert_non_null(strstr(text, "\nname=lan\ntype=internal\nmtu=9000\nmac=00:15:5d:a7:00:00\n"
                                 "address=10.0.0.1/24\n"));
    assert_null(strstr(text, "nic="));
    /* A buffer too small, an invalid configuration: refused. */
    assert_int_equal(switch_config_format(&c, text, 20, err, sizeof(err)), -1);
    c.mtu = 10;
    assert_int_equal(switch_config_format(&c, text, sizeof(text), err, sizeof(err)), -1);
    assert_non_null(strstr(err, "mtu 10 is out of range"));
    c.mtu = 9000;

    assert_non_null(mkdtemp(dir));
    assert_int_equal(switch_config_write(dir, &c, err, sizeof(err)), 0);
    snprintf(path, sizeof(path), "%s/lan.conf", dir);
    assert_int_equal(switch_config_read(path, &back, err, sizeof(err)), 0);
    assert_memory_equal(&c, &back, sizeof(c));
    unlink(path);
    /* A missing file keeps errno for the caller ("no such switch"). */
    assert_int_equal(switch_config_read(path, &back, err, sizeof(err)), -1);
    assert_int_equal(errno, ENOENT);
    assert_non_null(strstr(err, "lan.conf: No such file"));

    memset(&c, 0, sizeof(c));
    strcpy(c.name, "uplink");
    c.type = SWITCH_EXTERNAL;
    c.mtu = 1500;
    strcpy(c.nic, "eth0");
    assert_int_equal(switch_config_write(dir, &c, err, sizeof(err)), 0);
    snprintf(path, sizeof(path), "%s/uplink.conf", dir);
    assert_int_equal(switch_config_read(path, &back, err, sizeof(err)), 0);
    assert_memory_equal(&c, &back, sizeof(c));
    unlink(path);
    assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_address), cmocka_unit_test(test_type_and_mtu),
        cmocka_unit_test(test_ifnames), cmocka_unit_test(test_bridge_names),
        cmocka_unit_test(test_parse),   cmocka_unit_test(test_format_and_round_trip),
    };
    return cmocka_run_group_tests_name("hvctl_switch", tests, NULL, NULL);
}
