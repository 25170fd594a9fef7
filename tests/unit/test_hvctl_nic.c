/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of a VM's NICs on the host: MAC addresses and the host's pool
 * (tools/hvctl/mac.c), host.conf (host_config.c), the --nic option and the
 * NICs of a configuration (vm_nics.c), what the host's VMs and switches
 * hold, read from a real state directory (net_inventory.c), and the choice
 * of a NIC's switch and MAC (nic_assign.c): allocation from the pool past
 * every address in use, refusal of a MAC another VM or switch has, naming
 * it.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../tools/hvctl/host_config.h"
#include "../../tools/hvctl/mac.h"
#include "../../tools/hvctl/net_inventory.h"
#include "../../tools/hvctl/nic_assign.h"
#include "../../tools/hvctl/paths.h"
#include "../../tools/hvctl/vm_nics.h"

static char err[HVCTL_ERR_MAX];

static uint64_t mac_of(const char *text)
{
    uint8_t mac[MAC_LEN];

    if (mac_parse(text, mac) != 0)
        fail_msg("not a MAC: %s", text);
    return mac_to_u64(mac);
}

static void test_mac_text(void **state)
{
    uint8_t mac[MAC_LEN];
    char text[MAC_TEXT_MAX], why[128];

    (void)state;
    assert_int_equal(mac_parse("00:15:5D:0a:Bc:10", mac), 0);
    mac_format(mac, text);
    assert_string_equal(text, "00:15:5d:0a:bc:10");
    assert_int_equal(mac_parse("00-15-5D-00-00-10", mac), 0); /* as Windows writes them */
    mac_format(mac, text);
    assert_string_equal(text, "00:15:5d:00:00:10");
    assert_int_equal(mac_parse("00:15-5d:00:00:10", mac), -1); /* mixed separators */
    assert_int_equal(mac_parse("00:15:5d:00:00", mac), -1);
    assert_int_equal(mac_parse("00:15:5d:00:00:100", mac), -1);
    assert_int_equal(mac_parse("00:15:5d:00:00:1g", mac), -1);
    assert_int_equal(mac_parse("0:15:5d:00:00:10:", mac), -1);
    assert_int_equal(mac_parse("00155d000010", mac), -1);
    assert_int_equal(mac_parse("00.15.5d.00.00.10", mac), -1);
    assert_int_equal(mac_parse("", mac), -1);
    assert_int_equal(mac_to_u64((const uint8_t *)"\x00\x15\x5d\x01\x02\x03"), 0x00155d010203ULL);
    mac_from_u64(0x00155d0000ffULL + 1, mac);
    mac_format(mac, text);
    assert_string_equal(text, "00:15:5d:00:01:00");

    assert_true(mac_usable((const uint8_t *)"\x00\x15\x5d\x00\x00\x01", why, sizeof(why)));
    assert_true(mac_usable((const uint8_t *)"\x02\x00\x00\x00\x00\x01", why, sizeof(why)));
    assert_false(mac_usable((const uint8_t *)"\x01\x00\x5e\x00\x00\x01", why, sizeof(why)));
    assert_non_null(strstr(why, "multicast"));
    assert_false(mac_usable((const uint8_t *)"\xff\xff\xff\xff\xff\xff", why, sizeof(why)));
    assert_false(mac_usable((const uint8_t *)"\x00\x00\x00\x00\x00\x00", why, sizeof(why)));
    assert_non_null(strstr(why, "all zeros"));
}

static void expect_bad_pool(const char *text, const char *why)
{
    struct mac_pool pool;

    if (mac_pool_parse(text, &pool, err, sizeof(err)) == 0)
        fail_msg("accepted %s", text);
    if (strstr(err, why) == NULL)
        fail_msg("message \"%s\" lacks \"%s\"", err, why);
}

static void test_pool(void **state)
{
    struct mac_pool pool;
    char text[MAC_POOL_TEXT_MAX];

    (void)state;
    assert_int_equal(mac_pool_parse("00:15:5d:a7:00:00-00:15:5d:a7:ff:ff", &pool, err, sizeof(err)),
                     0);
    assert_true(pool.first == 0x00155da70000ULL && pool.last == 0x00155da7ffffULL);
    mac_pool_format(&pool, text);
    assert_string_equal(text, "00:15:5d:a7:00:00-00:15:5d:a7:ff:ff");
    assert_int_equal(mac_pool_parse("02:00:00:00:00:05-02:00:00:00:00:05", &pool, err, sizeof(err)),
                     0); /* one address */
    mac_pool_default(0xa7, &pool);
    mac_pool_format(&pool, text);
    assert_string_equal(text, "00:15:5d:a7:00:00-00:15:5d:a7:ff:ff");

    expect_bad_pool("00:15:5d:a7:00:00/16", "is not FIRST-LAST");
    expect_bad_pool("00-15-5d-a7-00-00-00-15-5d-a7-ff-ff", "is not FIRST-LAST");
    expect_bad_pool("00:15:5d:a7:00:0g-00:15:5d:a7:ff:ff", "'00:15:5d:a7:00:0g' is not a MAC");
    expect_bad_pool("00:15:5d:a7:ff:ff-00:15:5d:a7:00:00", "the first address is above the last");
    expect_bad_pool("00:15:5d:a7:00:00-02:15:5d:a7:ff:ff", "the same first byte");
    expect_bad_pool("01:15:5d:a7:00:00-01:15:5d:a7:ff:ff", "multicast");
    expect_bad_pool("00:00:00:00:00:00-00:00:00:00:00:ff", "all zeros");
}

static void test_pool_alloc(void **state)
{
    struct mac_pool pool = {0x00155d000000ULL, 0x00155d000002ULL};
    uint64_t used[4] = {0};
    uint8_t mac[MAC_LEN];

    (void)state;
    assert_int_equal(mac_pool_alloc(&pool, used, 0, mac), 0);
    assert_true(mac_to_u64(mac) == pool.first);
    /* The lowest free one, whatever the order of the used ones and what lies outside. */
    used[0] = pool.first + 1;
    used[1] = 0x00155e000000ULL;
    used[2] = pool.first;
    used[3] = 5;
    assert_int_equal(mac_pool_alloc(&pool, used, 4, mac), 0);
    assert_true(mac_to_u64(mac) == pool.first + 2);
    used[0] = pool.first + 2;
    used[1] = pool.first + 1;
    assert_int_equal(mac_pool_alloc(&pool, used, 4, mac), -1); /* all three taken */
    /* A gap below a used one. */
    used[0] = pool.first + 2;
    assert_int_equal(mac_pool_alloc(&pool, used, 1, mac), 0);
    assert_true(mac_to_u64(mac) == pool.first);
    /* Duplicates in the list count once. */
    used[0] = used[1] = used[2] = pool.first;
    assert_int_equal(mac_pool_alloc(&pool, used, 3, mac), 0);
    assert_true(mac_to_u64(mac) == pool.first + 1);
}

static void test_host_config(void **state)
{
    char dir[] = "/tmp/test_hvctl_nic.XXXXXX", path[96], text[HOST_CONFIG_MAX];
    struct host_config c, back;
    bool is_new;
    FILE *f;

    (void)state;
    assert_int_equal(host_config_parse("# x\nmac_pool=00:15:5d:01:00:00-00:15:5d:01:00:ff\n", 48,
                                       &c, err, sizeof(err)),
                     0);
    assert_true(c.mac_pool.last == 0x00155d0100ffULL);
    assert_int_equal(host_config_parse("colour=red\n", 11, &c, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "line 1: unknown key 'colour'"));
    assert_int_equal(host_config_parse("# nothing\n", 10, &c, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "no mac_pool= line"));
    assert_int_equal(host_config_parse("mac_pool=00:15:5d:01:00:00\n", 27, &c, err, sizeof(err)),
                     -1);
    assert_non_null(strstr(err, "line 1: MAC pool"));

    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/" HOST_CONFIG_FILE, dir);
    /* None yet: a new host's pool, Microsoft's OUI and the last two bytes free; no file. */
    assert_int_equal(host_config_load(path, &c, &is_new, err, sizeof(err)), 0);
    assert_true(is_new);
    assert_true((c.mac_pool.first >> 24) == 0x00155d);
    assert_true((c.mac_pool.first & 0xffff) == 0 && c.mac_pool.last == (c.mac_pool.first | 0xffff));
    assert_int_equal(access(path, F_OK), -1);
    assert_int_equal(host_config_write(dir, &c, err, sizeof(err)), 0);
    assert_int_equal(host_config_load(path, &back, &is_new, err, sizeof(err)), 0);
    assert_false(is_new);
    assert_memory_equal(&c, &back, sizeof(c));
    assert_true(host_config_format(&c, text, sizeof(text)) > 0);
    assert_non_null(strstr(text, "\nmac_pool=00:15:5d:"));
    /* A damaged one is an error, not a new pool. */
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("mac_pool=nonsense\n", f);
    fclose(f);
    assert_int_equal(host_config_load(path, &back, &is_new, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "host.conf: line 1: MAC pool 'nonsense'"));
    unlink(path);
    rmdir(dir);
}

static void expect_option(const char *text, const char *sw, unsigned vlan, const char *mac,
                          bool legacy)
{
    struct nic_option opt;
    char got[MAC_TEXT_MAX];

    if (vm_nic_option_parse(text, &opt, err, sizeof(err)) != 0)
        fail_msg("refused %s: %s", text, err);
    assert_string_equal(opt.switch_name, sw);
    assert_int_equal(opt.vlan, vlan);
    assert_int_equal(opt.has_mac, mac != NULL);
    if (mac != NULL) {
        mac_format(opt.mac, got);
        assert_string_equal(got, mac);
    }
    assert_int_equal(opt.legacy, legacy);
}

static void expect_bad_option(const char *text, const char *why)
{
    struct nic_option opt;

    if (vm_nic_option_parse(text, &opt, err, sizeof(err)) == 0)
        fail_msg("accepted %s", text);
    if (strstr(err, why) == NULL)
        fail_msg("message \"%s\" lacks \"%s\"", err, why);
    if (strncmp(err, "--nic ", 6) != 0)
        fail_msg("message \"%s\" does not start with --nic", err);
}

static void test_nic_option(void **state)
{
    (void)state;
    expect_option("lan", "lan", 0, NULL, false);
    expect_option("dmz,vlan=20,mac=00:15:5d:00:00:10", "dmz", 20, "00:15:5d:00:00:10", false);
    expect_option("a.b_c-9,legacy,vlan=4094", "a.b_c-9", 4094, NULL, true);
    expect_option("lan,mac=00-15-5D-00-00-1A,vlan=1", "lan", 1, "00:15:5d:00:00:1a", false);

    expect_bad_option("", "no switch name");
    expect_bad_option(",vlan=2", "no switch name");
    expect_bad_option("-lan", "invalid switch name '-lan'");
    expect_bad_option("l@n", "invalid switch name 'l@n'");
    expect_bad_option("lan,vlan=0", "VLAN 0 is not a VLAN (1 to 4094)");
    expect_bad_option("lan,vlan=-1", "VLAN '-1' is not a whole number from 1 to 4094");
    expect_bad_option("lan,vlan=4095", "VLAN '4095'");
    expect_bad_option("lan,vlan=020", "VLAN '020'");
    expect_bad_option("lan,vlan=", "VLAN ''");
    expect_bad_option("lan,vlan=x", "VLAN 'x'");
    expect_bad_option("lan,vlan=2,vlan=3", "vlan given twice");
    expect_bad_option("lan,mac=01:00:5e:00:00:01", "is a multicast address");
    expect_bad_option("lan,mac=00:00:00:00:00:00", "all zeros");
    expect_bad_option("lan,mac=00:15:5d:00:00", "'00:15:5d:00:00' is not a MAC address");
    expect_bad_option("lan,mac=", "'' is not a MAC address");
    expect_bad_option("lan,mac=00:15:5d:00:00:01,mac=00:15:5d:00:00:02", "mac given twice");
    expect_bad_option("lan,legacy,legacy", "legacy given twice");
    expect_bad_option("lan,colour=red", "unknown NIC option 'colour=red' (vlan=N");
    expect_bad_option("lan,", "unknown NIC option ''");
    expect_bad_option("lan,Legacy", "unknown NIC option 'Legacy'");
}

static void test_nic_add_remove(void **state)
{
    static struct vm_config c;
    struct nic_option opt;
    uint8_t mac[MAC_LEN] = {0x00, 0x15, 0x5d, 0x00, 0x00, 0x01};
    unsigned index;

    (void)state;
    memset(&c, 0, sizeof(c));
    strcpy(c.name, "web");
    c.generation = 1; /* legacy NICs are generation 1's */
    assert_int_equal(vm_nic_option_parse("production-a,vlan=7,legacy", &opt, err, sizeof(err)), 0);
    for (int i = 0; i < VM_NICS_MAX; i++) {
        mac[5] = (uint8_t)(i + 1);
        assert_int_equal(vm_nic_add(&c, &opt, mac, err, sizeof(err)), i);
    }
    assert_memory_equal(c.nics[3].bridge, "hvsw-produc", 11);
    assert_int_equal(c.nics[3].vlan, 7);
    assert_true(c.nics[3].legacy);
    mac[5] = 99;
    assert_int_equal(vm_nic_add(&c, &opt, mac, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "web has 8 NICs already"));
    /* Removing one frees its index, which the next NIC takes; the list stays sorted. */
    vm_nic_remove(&c, (unsigned)vm_nic_find(&c, 2));
    assert_int_equal(vm_nic_find(&c, 2), -1);
    assert_int_equal(vm_nic_free_index(&c), 2);
    mac[5] = 1; /* NIC 0's */
    assert_int_equal(vm_nic_add(&c, &opt, mac, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "web's NIC 0 has the MAC 00:15:5d:00:00:01 already"));
    mac[5] = 42;
    assert_int_equal(vm_nic_add(&c, &opt, mac, err, sizeof(err)), 2);
    for (unsigned i = 0; i < c.nic_count; i++)
        assert_int_equal(c.nics[i].index, i);
    assert_int_equal(vm_nic_find_mac(&c, mac), 2);
    /* What vm_nic_add makes is what vm.conf allows. */
    c.memory = 64ULL << 20;
    c.cpus = 1;
    strcpy(c.firmware, "/bios.bin");
    /* ...as long as at most four are legacy, a PIRQ each. */
    assert_int_equal(vm_config_validate(&c, err, sizeof(err)), -1);
    assert_string_equal(err, "nic: 8 legacy NICs; a generation 1 VM has at most 4");
    for (unsigned i = VM_LEGACY_NICS_MAX; i < c.nic_count; i++)
        c.nics[i].legacy = false;
    if (vm_config_validate(&c, err, sizeof(err)) != 0)
        fail_msg("%s", err);
    /* But not for a generation 2 VM: its NICs are synthetic. */
    c.generation = 2;
    c.firmware[0] = '\0';
    strcpy(c.kernel, "/k");
    assert_int_equal(vm_config_validate(&c, err, sizeof(err)), -1);
    assert_string_equal(err, "nic 0: legacy (an emulated NIC) is for generation 1 VMs (a "
                             "generation 2 VM's NICs are synthetic)");

    assert_int_equal(vm_nic_index_parse("0", &index, err, sizeof(err)), 0);
    assert_int_equal(vm_nic_index_parse("7", &index, err, sizeof(err)), 0);
    assert_int_equal(index, 7);
    assert_int_equal(vm_nic_index_parse("8", &index, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "NIC index '8' is not a whole number from 0 to 7"));
    assert_int_equal(vm_nic_index_parse("01", &index, err, sizeof(err)), -1);
    assert_int_equal(vm_nic_index_parse("", &index, err, sizeof(err)), -1);
}

/* A state directory with switches lan (internal) and up (external), and VMs web and db. */
static char state_dir[64];
static struct hvctl_paths paths;

static void write_vm(const char *name, const char *nics)
{
    char dir[256], path[300];
    FILE *f;

    snprintf(dir, sizeof(dir), "%s/vms/%s", state_dir, name);
    assert_int_equal(mkdir(dir, 0755), 0);
    snprintf(path, sizeof(path), "%s/vm.conf", dir);
    f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "name=%s\nmemory=67108864\ncpus=1\nkernel=/k\n%s", name, nics);
    fclose(f);
}

static void write_switch(const char *name, const char *text)
{
    char path[VM_PATH_MAX];
    FILE *f;

    snprintf(path, sizeof(path), "%s/switches/%s.conf", state_dir, name);
    f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "%s", text);
    fclose(f);
}

static int make_state(void **state)
{
    char dir[VM_PATH_MAX];

    (void)state;
    strcpy(state_dir, "/tmp/test_hvctl_nic_state.XXXXXX");
    assert_non_null(mkdtemp(state_dir));
    snprintf(dir, sizeof(dir), "%s/vms", state_dir);
    mkdir(dir, 0755);
    snprintf(dir, sizeof(dir), "%s/switches", state_dir);
    mkdir(dir, 0755);
    write_switch("lan", "name=lan\ntype=internal\nmtu=1500\nmac=00:15:5d:07:00:00\n");
    write_switch("up", "name=up\ntype=external\nmtu=9000\nnic=eth0\n");
    write_vm("web", "nic=0,lan,hvsw-lan,00:15:5d:07:00:01\nnic=1,up,hvsw-up,00:15:5d:07:00:03,"
                    "vlan=5\n");
    write_vm("db", "nic=0,lan,hvsw-lan,00:15:5d:00:00:10\n");
    write_vm("quiet", "");
    setenv(STATE_DIR_ENV, state_dir, 1);
    setenv(RUN_DIR_ENV, "/run/nothing", 1);
    assert_int_equal(paths_from_env(&paths, err, sizeof(err)), 0);
    return 0;
}

static int remove_state(void **state)
{
    char cmd[128];

    (void)state;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", state_dir);
    return system(cmd);
}

static void test_inventory(void **state)
{
    struct net_inventory inv;
    const struct net_use *u;
    char users[128], who[128];
    struct mac_pool pool = {0x00155d070000ULL, 0x00155d07ffffULL};
    uint8_t mac[MAC_LEN];

    (void)state;
    assert_int_equal(net_inventory_load(&paths, &inv, err, sizeof(err)), 0);
    assert_int_equal(inv.unreadable, 0);
    assert_int_equal(inv.switch_count, 2);
    assert_string_equal(inv.switches[0].name, "lan"); /* sorted */
    assert_string_equal(inv.switches[1].name, "up");
    assert_non_null(net_inventory_switch(&inv, "up"));
    assert_null(net_inventory_switch(&inv, "dmz"));
    /* Whose is each MAC. */
    assert_int_equal(mac_parse("00:15:5d:07:00:03", mac), 0);
    u = net_inventory_find_mac(&inv, mac);
    assert_non_null(u);
    net_use_describe(u, who, sizeof(who));
    assert_string_equal(who, "VM web (its NIC 1)");
    assert_int_equal(mac_parse("00:15:5d:07:00:00", mac), 0);
    net_use_describe(net_inventory_find_mac(&inv, mac), who, sizeof(who));
    assert_string_equal(who, "switch lan (its bridge)");
    assert_int_equal(mac_parse("00:15:5d:07:00:02", mac), 0);
    assert_null(net_inventory_find_mac(&inv, mac));
    /* Who is on each switch: each VM once, sorted. */
    assert_int_equal(net_inventory_switch_users(&inv, "lan", users, sizeof(users)), 2);
    assert_string_equal(users, "db, web");
    assert_int_equal(net_inventory_switch_users(&inv, "up", users, sizeof(users)), 1);
    assert_string_equal(users, "web");
    assert_int_equal(net_inventory_switch_users(&inv, "dmz", users, sizeof(users)), 0);
    assert_string_equal(users, "");
    assert_int_equal(net_inventory_switch_users(&inv, "lan", users, 6), 2);
    assert_string_equal(users, "db...");
    /* The pool's lowest free address: past the switch's :00 and web's :01. */
    assert_int_equal(net_inventory_alloc_mac(&inv, &pool, mac), 0);
    assert_true(mac_to_u64(mac) == mac_of("00:15:5d:07:00:02"));
    net_inventory_free(&inv);

    /* A damaged configuration is left out and counted, with its reason. */
    write_switch("bad", "name=bad\ntype=bus\n");
    write_switch("other", "name=lan\ntype=internal\nmtu=1500\nmac=00:15:5d:07:00:09\n");
    assert_int_equal(net_inventory_load(&paths, &inv, err, sizeof(err)), 0);
    assert_int_equal(inv.unreadable, 2);
    assert_int_equal(inv.switch_count, 2);
    assert_non_null(strstr(inv.unreadable_err, ".conf: "));
    net_inventory_free(&inv);
}

static void test_empty_state(void **state)
{
    struct net_inventory inv;

    (void)state;
    setenv(STATE_DIR_ENV, "/nonexistent/hvctl-state", 1);
    assert_int_equal(paths_from_env(&paths, err, sizeof(err)), 0);
    assert_int_equal(net_inventory_load(&paths, &inv, err, sizeof(err)), 0);
    assert_int_equal(inv.switch_count + inv.use_count + inv.unreadable, 0);
    net_inventory_free(&inv);
}

static void test_nic_assign(void **state)
{
    static struct vm_config c;
    struct net_inventory inv;
    struct mac_pool pool = {0x00155d070000ULL, 0x00155d070004ULL};
    char text[MAC_TEXT_MAX];
    bool from_pool;

    (void)state;
    assert_int_equal(net_inventory_load(&paths, &inv, err, sizeof(err)), 0);
    memset(&c, 0, sizeof(c));
    strcpy(c.name, "new");
    c.generation = 2;
    /* Two NICs of one command get two addresses: :02, then :04 (:03 is web's). */
    assert_int_equal(nic_assign(&c, "lan", &inv, &pool, &from_pool, err, sizeof(err)), 0);
    assert_true(from_pool);
    mac_format(c.nics[0].mac, text);
    assert_string_equal(text, "00:15:5d:07:00:02");
    assert_string_equal(c.nics[0].bridge, "hvsw-lan");
    assert_int_equal(nic_assign(&c, "up,vlan=20", &inv, &pool, &from_pool, err, sizeof(err)), 1);
    mac_format(c.nics[1].mac, text);
    assert_string_equal(text, "00:15:5d:07:00:04");
    assert_int_equal(c.nics[1].vlan, 20);
    /* The pool is used up. */
    assert_int_equal(nic_assign(&c, "lan", &inv, &pool, &from_pool, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "--nic lan: every MAC of the host's pool "
                                "00:15:5d:07:00:00-00:15:5d:07:00:04 is in use"));
    /* A given MAC: refused when someone on the host has it, naming who. */
    assert_int_equal(
        nic_assign(&c, "lan,mac=00:15:5d:00:00:10", &inv, &pool, &from_pool, err, sizeof(err)), -1);
    assert_string_equal(err, "--nic lan,mac=00:15:5d:00:00:10: MAC 00:15:5d:00:00:10 is in use "
                             "by VM db (its NIC 0)");
    assert_int_equal(
        nic_assign(&c, "lan,mac=00:15:5d:07:00:00", &inv, &pool, &from_pool, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "is in use by switch lan (its bridge)"));
    /* ...and by this VM's own earlier NIC. */
    assert_int_equal(
        nic_assign(&c, "up,mac=00:15:5d:07:00:02", &inv, &pool, &from_pool, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "is in use by VM new (its NIC 0)"));
    /* legacy is an emulated NIC: a generation 1 VM's only, refused before anything else. */
    assert_int_equal(nic_assign(&c, "nope,mac=02:00:00:00:00:01,legacy", &inv, &pool, &from_pool,
                                err, sizeof(err)),
                     -1);
    assert_string_equal(err, "--nic nope,mac=02:00:00:00:00:01,legacy: legacy (an emulated NIC) "
                             "is for generation 1 VMs: new is a generation 2 VM, whose NICs are "
                             "synthetic");
    assert_int_equal(c.nic_count, 2);
    c.generation = 1;
    assert_int_equal(nic_assign(&c, "lan,mac=02:00:00:00:00:01,legacy", &inv, &pool, &from_pool,
                                err, sizeof(err)),
                     2);
    assert_false(from_pool);
    assert_true(c.nics[2].legacy);
    /* At most four legacy NICs, as on Hyper-V (a PIRQ each). */
    for (int i = 3; i < 6; i++) {
        char spec[64];

        snprintf(spec, sizeof(spec), "lan,legacy,mac=02:00:00:00:00:%02x", i);
        assert_int_equal(nic_assign(&c, spec, &inv, &pool, &from_pool, err, sizeof(err)), i);
    }
    assert_int_equal(nic_assign(&c, "lan,legacy,mac=02:00:00:00:00:10", &inv, &pool, &from_pool,
                                err, sizeof(err)),
                     -1);
    assert_string_equal(err, "--nic lan,legacy,mac=02:00:00:00:00:10: new has 4 legacy NICs "
                             "already, the most a VM can have");
    assert_int_equal(
        nic_assign(&c, "lan,mac=02:00:00:00:00:10", &inv, &pool, &from_pool, err, sizeof(err)), 6);
    c.nic_count = 3;
    /* A switch that does not exist, a malformed option. */
    assert_int_equal(nic_assign(&c, "dmz", &inv, &pool, &from_pool, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "--nic dmz: there is no switch dmz (hvctl switch list"));
    assert_int_equal(nic_assign(&c, "lan,vlan=0", &inv, &pool, &from_pool, err, sizeof(err)), -1);
    assert_int_equal(c.nic_count, 3);
    net_inventory_free(&inv);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mac_text),
        cmocka_unit_test(test_pool),
        cmocka_unit_test(test_pool_alloc),
        cmocka_unit_test(test_host_config),
        cmocka_unit_test(test_nic_option),
        cmocka_unit_test(test_nic_add_remove),
        cmocka_unit_test_setup_teardown(test_inventory, make_state, remove_state),
        cmocka_unit_test_setup_teardown(test_nic_assign, make_state, remove_state),
        cmocka_unit_test(test_empty_state),
    };
    return cmocka_run_group_tests_name("hvctl_nic", tests, NULL, NULL);
}
