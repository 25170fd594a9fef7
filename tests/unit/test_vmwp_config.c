/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of tools/vmwp/config.c, the VM config file: a full file and a
 * minimal one, comments and blank lines, the command line kept verbatim,
 * every bound of every key, and every kind of malformed line, each rejected
 * with a message that names the line and the problem; the repeated disk=
 * and nic= keys (the nic= lines exactly as hvctl writes them, see
 * test_hvctl_config.c).  Generation 1 files: firmware=, the ide= lines and
 * every rule that ties a key to the generation, whatever the order of the
 * lines.  Also the loader (file errors, size limit) on real temporary files.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../tools/vmwp/config.h"

#define GOOD "name=vm1\nmemory=134217728\ncpus=2\nkernel=/boot/vmlinuz\n"
/* A generation 1 VM as hvctl writes it (test_hvctl_config.c checks that it does). */
#define GEN1                                                                                       \
    "name=old\ngeneration=1\nmemory=536870912\ncpus=1\n"                                           \
    "firmware=/usr/share/seabios/bios-256k.bin\n"

static struct vmwp_config cfg;
static char err[512];

static int parse(const char *text)
{
    memset(err, 0, sizeof(err));
    return vmwp_config_parse(text, strlen(text), &cfg, err, sizeof(err));
}

/* @text must be rejected with a message containing @needle. */
static void rejected(const char *text, const char *needle)
{
    if (parse(text) == 0)
        fail_msg("accepted: \"%s\"", text);
    if (!strstr(err, needle))
        fail_msg("for \"%s\": message \"%s\" lacks \"%s\"", text, err, needle);
}

static void test_full(void **state)
{
    (void)state;
    assert_int_equal(parse("# made by hvctl\n"
                           "\n"
                           "name=web-1.prod_a\n"
                           "memory=1073741824\n"
                           "   \t\n"
                           "cpus=4\n"
                           "  # indented comment\n"
                           "kernel=/var/lib/hv/vmlinuz\n"
                           "initrd=/var/lib/hv/initrd.img\n"
                           "cmdline=console=ttyS0 root=/dev/vda1  quiet a==b #notcomment\n"),
                     0);
    assert_string_equal(cfg.name, "web-1.prod_a");
    assert_int_equal(cfg.memory, 1073741824);
    assert_int_equal(cfg.cpus, 4);
    assert_string_equal(cfg.kernel, "/var/lib/hv/vmlinuz");
    assert_string_equal(cfg.initrd, "/var/lib/hv/initrd.img");
    assert_string_equal(cfg.cmdline, "console=ttyS0 root=/dev/vda1  quiet a==b #notcomment");
}

static void test_minimal_and_optional(void **state)
{
    (void)state;
    assert_int_equal(parse(GOOD), 0);
    assert_string_equal(cfg.initrd, "");
    assert_string_equal(cfg.cmdline, "");
    /* No final newline; empty optional values mean "none". */
    assert_int_equal(parse("name=a\nmemory=67108864\ncpus=1\nkernel=/k\ninitrd=\ncmdline="), 0);
    assert_string_equal(cfg.initrd, "");
    assert_string_equal(cfg.cmdline, "");
    assert_string_equal(cfg.kernel, "/k");
    /* The command line keeps leading and trailing spaces. */
    assert_int_equal(parse(GOOD "cmdline= quiet \n"), 0);
    assert_string_equal(cfg.cmdline, " quiet ");
}

static void test_bounds(void **state)
{
    char text[8192];

    (void)state;
    /* memory: 64 MiB up to 1 TiB - 1 GiB, whole MiB. */
    assert_int_equal(parse("name=a\ncpus=1\nkernel=/k\nmemory=67108864\n"), 0);
    assert_int_equal(parse("name=a\ncpus=1\nkernel=/k\nmemory=1098437885952\n"), 0);
    assert_int_equal(cfg.memory, 1098437885952ull);
    rejected("name=a\ncpus=1\nkernel=/k\nmemory=66060288\n", "line 4: memory: 63 MiB");
    rejected("name=a\ncpus=1\nkernel=/k\nmemory=1098438934528\n", "outside");
    rejected("name=a\ncpus=1\nkernel=/k\nmemory=67108865\n", "not a multiple of 1 MiB");
    rejected("name=a\ncpus=1\nkernel=/k\nmemory=99999999999999999999999\n", "not a number");
    /* cpus 1..64. */
    assert_int_equal(parse("name=a\nmemory=67108864\nkernel=/k\ncpus=64\n"), 0);
    assert_int_equal(cfg.cpus, 64);
    rejected("name=a\nmemory=67108864\nkernel=/k\ncpus=65\n", "line 4: cpus");
    rejected("name=a\nmemory=67108864\nkernel=/k\ncpus=0\n", "cpus");
    /* name: 63 characters at most. */
    snprintf(text, sizeof(text), "memory=67108864\ncpus=1\nkernel=/k\nname=%.*s\n", 63,
             "a123456789012345678901234567890123456789012345678901234567890123456789");
    assert_int_equal(parse(text), 0);
    assert_int_equal(strlen(cfg.name), 63);
    snprintf(text, sizeof(text), "memory=67108864\ncpus=1\nkernel=/k\nname=%.*s\n", 64,
             "a123456789012345678901234567890123456789012345678901234567890123456789");
    rejected(text, "line 4: name: must be 1 to 63");
    assert_int_equal(parse("memory=67108864\ncpus=1\nkernel=/k\nname=7\n"), 0);
    /* cmdline: 4095 bytes at most. */
    int n = snprintf(text, sizeof(text), GOOD "cmdline=");
    memset(text + n, 'x', VMWP_CMDLINE_MAX);
    text[n + VMWP_CMDLINE_MAX] = '\0';
    assert_int_equal(parse(text), 0);
    assert_int_equal(strlen(cfg.cmdline), VMWP_CMDLINE_MAX);
    strcat(text, "x");
    rejected(text, "line 5: cmdline: 4096 bytes");
    /* A path of PATH_MAX - 1 bytes is accepted, one more is not. */
    n = snprintf(text, sizeof(text), "name=a\nmemory=67108864\ncpus=1\nkernel=/");
    memset(text + n, 'p', VMWP_PATH_MAX - 2);
    text[n + VMWP_PATH_MAX - 2] = '\0';
    assert_int_equal(parse(text), 0);
    strcat(text, "p");
    rejected(text, "kernel: path longer");
}

static void test_malformed_lines(void **state)
{
    (void)state;
    rejected(GOOD "cpus\n", "line 5: no '='");
    rejected(GOOD "=1\n", "line 5: no key before '='");
    rejected("name =vm1\n", "line 1: whitespace around the key");
    rejected(" name=vm1\n", "line 1: whitespace around the key");
    rejected("name= vm1\n", "line 1: name: whitespace after '='");
    rejected("memory= 67108864\n", "memory: whitespace after '='");
    rejected(GOOD "disks=/x\n", "line 5: unknown key 'disks'");
    rejected(GOOD "Name=x\n", "unknown key 'Name'");
    rejected(GOOD "cpus=2\n", "line 5: cpus: repeated (first on line 3)");
    rejected(GOOD "cmdline=a\ncmdline=b\n", "line 6: cmdline: repeated");
    rejected("name=vm1\r\n", "line 1: name: control character 0x0d");
    rejected(GOOD "cmdline=a\x1b[31m\n", "cmdline: control character 0x1b");
    rejected("name=\n", "name: must be 1 to 63");
    rejected("name=-vm\n", "name: must start with a letter or digit");
    rejected("name=vm/1\n", "name: character 0x2f");
    rejected("name=vm 1\n", "name: character 0x20");
    rejected("memory=64M\n", "memory: '64M' is not a number");
    rejected("memory=+67108864\n", "not a number");
    rejected("memory=-1\n", "not a number");
    rejected("memory=0x4000000\n", "not a number");
    rejected("memory=\n", "not a number");
    rejected("memory=67108864 \n", "not a number");
    rejected("cpus=two\n", "cpus: 'two'");
    rejected("cpus=2 \n", "cpus");
    rejected("kernel=vmlinuz\n", "kernel: 'vmlinuz' is not an absolute path");
    rejected("kernel=\n", "kernel: '' is not an absolute path");
    rejected("kernel=/boot/vmlinuz \n", "kernel: whitespace at the end");
    rejected("initrd=initrd.img\n", "initrd: 'initrd.img' is not an absolute path");
    /* Missing required keys, each named. */
    rejected("", "missing 'name='");
    rejected("# only a comment\n", "missing 'name='");
    rejected("name=a\n", "missing 'memory='");
    rejected("name=a\nmemory=67108864\n", "missing 'cpus='");
    rejected("name=a\nmemory=67108864\ncpus=1\n", "missing 'kernel='");
}

static void test_nul_byte(void **state)
{
    static const char text[] = "name=a\nmemory=67108864\ncpus=1\nkernel=/k\0x\n";

    (void)state;
    assert_int_equal(vmwp_config_parse(text, sizeof(text) - 1, &cfg, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "line 4: NUL byte"));
}

static void test_error_buffer(void **state)
{
    char small[8];

    (void)state;
    /* A tiny message buffer is still terminated. */
    memset(small, 'z', sizeof(small));
    assert_int_equal(vmwp_config_parse("bogus\n", 6, &cfg, small, sizeof(small)), -1);
    assert_int_equal(small[sizeof(small) - 1], '\0');
}

static void test_load(void **state)
{
    char path[] = "/tmp/vmwp-config-XXXXXX";
    int fd = mkstemp(path);
    char *big;

    (void)state;
    assert_true(fd >= 0);
    assert_int_equal(write(fd, GOOD, strlen(GOOD)), (ssize_t)strlen(GOOD));
    assert_int_equal(vmwp_config_load(path, &cfg, err, sizeof(err)), 0);
    assert_string_equal(cfg.name, "vm1");
    /* Errors name the file. */
    assert_int_equal(write(fd, "oops\n", 5), 5);
    assert_int_equal(vmwp_config_load(path, &cfg, err, sizeof(err)), -1);
    assert_non_null(strstr(err, path));
    assert_non_null(strstr(err, "line 5: no '='"));
    /* Longer than the limit: refused without parsing. */
    big = malloc(VMWP_CONFIG_FILE_MAX);
    assert_non_null(big);
    memset(big, '#', VMWP_CONFIG_FILE_MAX);
    assert_int_equal(ftruncate(fd, 0), 0);
    assert_int_equal(pwrite(fd, big, VMWP_CONFIG_FILE_MAX, 0), VMWP_CONFIG_FILE_MAX);
    assert_int_equal(vmwp_config_load(path, &cfg, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "missing 'name='")); /* exactly the limit: parsed */
    assert_int_equal(pwrite(fd, "\n", 1, VMWP_CONFIG_FILE_MAX), 1);
    assert_int_equal(vmwp_config_load(path, &cfg, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "longer than 524288 bytes"));
    free(big);
    close(fd);
    unlink(path);
    assert_int_equal(vmwp_config_load(path, &cfg, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "No such file"));
}

static void test_disks(void **state)
{
    (void)state;
    assert_int_equal(parse(GOOD), 0);
    assert_int_equal(cfg.disk_count, 0);
    assert_int_equal(parse(GOOD "disk=0,rw,/vms/web.vhdx\n"
                                "disk=5,ro,/vms/a,b c.vhd\n"
                                "disk=63,rw,/dev/sdb\n"),
                     0);
    assert_int_equal(cfg.disk_count, 3);
    assert_int_equal(cfg.disks[0].lun, 0);
    assert_false(cfg.disks[0].read_only);
    assert_string_equal(cfg.disks[0].path, "/vms/web.vhdx");
    assert_int_equal(cfg.disks[1].lun, 5);
    assert_true(cfg.disks[1].read_only);
    /* The path is the rest of the line: commas and spaces are in it. */
    assert_string_equal(cfg.disks[1].path, "/vms/a,b c.vhd");
    assert_int_equal(cfg.disks[2].lun, 63);
    assert_string_equal(cfg.disks[2].path, "/dev/sdb");
}

static void test_disk_rejections(void **state)
{
    char *text;
    size_t len = 0;

    (void)state;
    rejected(GOOD "disk=64,rw,/a\n", "line 5: disk: LUN '64' is not a number from 0 to 63");
    rejected(GOOD "disk=-1,rw,/a\n", "disk: LUN '-1'");
    rejected(GOOD "disk=01,rw,/a\n", "disk: LUN '01'");
    rejected(GOOD "disk=,rw,/a\n", "disk: LUN ''");
    rejected(GOOD "disk=1,rw\n", "disk: '1,rw' is not LUN,MODE,PATH");
    rejected(GOOD "disk=/a\n", "is not LUN,MODE,PATH");
    rejected(GOOD "disk=1,RW,/a\n", "disk: mode 'RW' is neither rw nor ro");
    rejected(GOOD "disk=1,readonly,/a\n", "disk: mode 'readonly'");
    rejected(GOOD "disk=1,rw,a.vhd\n", "disk: 'a.vhd' is not an absolute path");
    rejected(GOOD "disk=1,rw,\n", "disk: '' is not an absolute path");
    rejected(GOOD "disk=1,rw,/a \n", "disk: whitespace at the end");
    rejected(GOOD "disk=1,rw,/a\x01"
                  "b\n",
             "line 5: disk: control character 0x01");
    rejected(GOOD "disk= 1,rw,/a\n", "disk: whitespace after '='");
    rejected(GOOD "disk=1,rw,/a\ndisk=1,ro,/b\n", "line 6: disk: LUN 1 given twice");
    rejected(GOOD "disk=1,rw,/a\ndisk=2,ro,/a\n", "line 6: disk: /a given twice (LUNs 1 and 2)");
    /* 64 disks are fine, a 65th is not. */
    text = malloc(strlen(GOOD) + 65 * 32);
    assert_non_null(text);
    len = (size_t)sprintf(text, "%s", GOOD);
    for (int i = 0; i < 64; i++)
        len += (size_t)sprintf(text + len, "disk=%d,rw,/vms/%d.vhdx\n", i, i);
    assert_int_equal(vmwp_config_parse(text, len, &cfg, err, sizeof(err)), 0);
    assert_int_equal(cfg.disk_count, 64);
    assert_string_equal(cfg.disks[63].path, "/vms/63.vhdx");
    len += (size_t)sprintf(text + len, "disk=0,rw,/vms/extra.vhdx\n");
    assert_int_equal(vmwp_config_parse(text, len, &cfg, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "line 69: disk: more than 64 disks"));
    free(text);
}

/* The lines hvctl writes for two NICs (test_hvctl_config.c checks it writes exactly these). */
#define TWO_NICS                                                                                   \
    "nic=0,lan,hvsw-lan,00:15:5d:00:00:01\n"                                                       \
    "nic=1,dmz,hvsw-dmz,00:15:5d:00:00:10,vlan=20,legacy\n"

static void test_nics(void **state)
{
    static const uint8_t mac0[6] = {0x00, 0x15, 0x5d, 0x00, 0x00, 0x01};
    char text[1024];
    size_t len;

    (void)state;
    assert_int_equal(parse(GOOD), 0);
    assert_int_equal(cfg.nic_count, 0);
    /* legacy: an emulated NIC, which only generation 1 has. */
    assert_int_equal(parse(GEN1 TWO_NICS), 0);
    assert_int_equal(cfg.nic_count, 2);
    assert_int_equal(cfg.nics[0].index, 0);
    assert_string_equal(cfg.nics[0].switch_name, "lan");
    assert_string_equal(cfg.nics[0].bridge, "hvsw-lan");
    assert_memory_equal(cfg.nics[0].mac, mac0, 6);
    assert_int_equal(cfg.nics[0].vlan, 0);
    assert_false(cfg.nics[0].legacy);
    assert_int_equal(cfg.nics[1].index, 1);
    assert_string_equal(cfg.nics[1].bridge, "hvsw-dmz");
    assert_int_equal(cfg.nics[1].mac[5], 0x10);
    assert_int_equal(cfg.nics[1].vlan, 20);
    assert_true(cfg.nics[1].legacy);
    /* Options in either order; the file's order of NICs is kept; a 15-character bridge. */
    assert_int_equal(parse(GEN1 "nic=7,production-a,hvsw-produc662a,02:AA:bb:00:00:01,legacy,"
                                "vlan=4094\nnic=2,lan,hvsw-lan,00:15:5d:00:00:02,vlan=1\n"),
                     0);
    assert_int_equal(cfg.nics[0].index, 7);
    assert_string_equal(cfg.nics[0].bridge, "hvsw-produc662a");
    assert_int_equal(cfg.nics[0].mac[1], 0xaa);
    assert_int_equal(cfg.nics[0].vlan, 4094);
    assert_int_equal(cfg.nics[1].vlan, 1);
    /* Eight, the most. */
    len = (size_t)snprintf(text, sizeof(text), "%s", GOOD);
    for (int i = 0; i < 8; i++)
        len += (size_t)snprintf(text + len, sizeof(text) - len,
                                "nic=%d,lan,hvsw-lan,00:15:5d:00:00:%02x\n", i, i);
    assert_int_equal(vmwp_config_parse(text, len, &cfg, err, sizeof(err)), 0);
    assert_int_equal(cfg.nic_count, 8);
    snprintf(text + len, sizeof(text) - len, "nic=0,lan,hvsw-lan,00:15:5d:00:01:00\n");
    rejected(text, "line 13: nic: more than 8 NICs");
}

static void test_nic_rejections(void **state)
{
    (void)state;
    rejected(GOOD "nic=8,lan,hvsw-lan,00:15:5d:00:00:01\n",
             "line 5: nic: index '8' is not a number from 0 to 7");
    rejected(GOOD "nic=00,lan,hvsw-lan,00:15:5d:00:00:01\n", "nic: index '00'");
    rejected(GOOD "nic=0,lan,hvsw-lan\n", "nic: '0,lan,hvsw-lan' is not INDEX,SWITCH,BRIDGE,MAC");
    rejected(GOOD "nic=0,-lan,hvsw-lan,00:15:5d:00:00:01\n", "nic 0: switch '-lan' is not a name");
    rejected(GOOD "nic=0,lan,,00:15:5d:00:00:01\n", "nic 0: bridge '' is not an interface name");
    rejected(GOOD "nic=0,lan,hvsw-0123456789a,00:15:5d:00:00:01\n", "bridge 'hvsw-0123456789a'");
    rejected(GOOD "nic=0,lan,a:b,00:15:5d:00:00:01\n", "bridge 'a:b'");
    rejected(GOOD "nic=0,lan,..,00:15:5d:00:00:01\n", "bridge '..'");
    rejected(GOOD "nic=0,lan,a b,00:15:5d:00:00:01\n", "bridge 'a b'");
    rejected(GOOD "nic=0,lan,hvsw-lan,00-15-5d-00-00-01\n",
             "nic 0: '00-15-5d-00-00-01' is not a unicast MAC address");
    rejected(GOOD "nic=0,lan,hvsw-lan,01:00:5e:00:00:01\n", "not a unicast MAC");
    rejected(GOOD "nic=0,lan,hvsw-lan,00:00:00:00:00:00\n", "not a unicast MAC");
    rejected(GOOD "nic=0,lan,hvsw-lan,00:15:5d:00:00:1\n", "not a unicast MAC");
    rejected(GOOD "nic=0,lan,hvsw-lan,00:15:5d:00:00:01,vlan=0\n",
             "nic 0: vlan '0' is not a number from 1 to 4094");
    rejected(GOOD "nic=0,lan,hvsw-lan,00:15:5d:00:00:01,vlan=4095\n", "vlan '4095'");
    rejected(GOOD "nic=0,lan,hvsw-lan,00:15:5d:00:00:01,vlan=\n", "unknown option 'vlan='");
    rejected(GOOD "nic=0,lan,hvsw-lan,00:15:5d:00:00:01,vlan=2,vlan=3\n", "vlan given twice");
    rejected(GOOD "nic=0,lan,hvsw-lan,00:15:5d:00:00:01,legacy,legacy\n", "legacy given twice");
    rejected(GOOD "nic=0,lan,hvsw-lan,00:15:5d:00:00:01,fast\n",
             "line 5: nic 0: unknown option 'fast' (vlan=N or legacy)");
    rejected(GOOD "nic=0,lan,hvsw-lan,00:15:5d:00:00:01,\n", "unknown option ''");
    rejected(GOOD "nic=0,lan,hvsw-lan,00:15:5d:00:00:01\nnic=0,lan,hvsw-lan,00:15:5d:00:00:02\n",
             "line 6: nic: index 0 given twice");
    rejected(GOOD "nic=0,lan,hvsw-lan,00:15:5d:00:00:01\nnic=1,dmz,hvsw-dmz,00:15:5d:00:00:01\n",
             "line 6: nic: MAC 00:15:5d:00:00:01 given twice (NICs 0 and 1)");
    rejected(GOOD "nic= 0,lan,hvsw-lan,00:15:5d:00:00:01\n", "nic: whitespace after '='");
}

/* What hvctl writes for a generation 1 VM with devices (test_hvctl_config.c checks it). */
#define GEN1_DEVICES                                                                               \
    "ide=0:0,rw,/vms/old.img\n"                                                                    \
    "ide=1:0,dvd,/isos/install.iso\n"                                                              \
    "disk=0,ro,/vms/data.vhdx\n"                                                                   \
    "nic=0,lan,hvsw-lan,00:15:5d:00:00:01,legacy\n"

static void test_generation(void **state)
{
    (void)state;
    assert_int_equal(parse("# hvcore VM configuration, written by hvctl: change it with \"hvctl "
                           "set old\".\n" GEN1 GEN1_DEVICES),
                     0);
    assert_int_equal(cfg.generation, 1);
    assert_int_equal(cfg.ide_count, 2);
    assert_int_equal(cfg.disk_count, 1);
    assert_int_equal(cfg.nic_count, 1);

    /* Without generation=, and with generation=2: today's VMs, booted from their kernel. */
    assert_int_equal(parse(GOOD), 0);
    assert_int_equal(cfg.generation, 2);
    assert_string_equal(cfg.firmware, "");
    assert_int_equal(cfg.ide_count, 0);
    assert_int_equal(parse(GOOD "generation=2\n"), 0);
    assert_int_equal(cfg.generation, 2);
    assert_string_equal(cfg.kernel, "/boot/vmlinuz");

    /* A generation 1 VM: firmware, IDE devices of each media, SCSI disks too, a legacy NIC. */
    assert_int_equal(parse(GEN1 "ide=0:0,rw,/vms/old.img\n"
                                "ide=1:0,dvd,/isos/install, 2024.iso\n"
                                "ide=0:1,ro,/vms/tools.vhdx\n"
                                "ide=1:1,rw,/vms/data.vhd\n"
                                "disk=0,rw,/vms/scsi.vhdx\n"
                                "nic=0,lan,hvsw-lan,00:15:5d:00:00:01,legacy\n"),
                     0);
    assert_int_equal(cfg.generation, 1);
    assert_string_equal(cfg.firmware, "/usr/share/seabios/bios-256k.bin");
    assert_string_equal(cfg.kernel, "");
    assert_string_equal(cfg.initrd, "");
    assert_string_equal(cfg.cmdline, "");
    assert_int_equal(cfg.ide_count, 4);
    /* In the file's order. */
    assert_int_equal(cfg.ide[0].channel, 0);
    assert_int_equal(cfg.ide[0].device, 0);
    assert_int_equal(cfg.ide[0].media, VMWP_IDE_RW);
    assert_string_equal(cfg.ide[0].path, "/vms/old.img");
    assert_int_equal(cfg.ide[1].channel, 1);
    assert_int_equal(cfg.ide[1].device, 0);
    assert_int_equal(cfg.ide[1].media, VMWP_IDE_DVD);
    /* PATH is the rest of the line. */
    assert_string_equal(cfg.ide[1].path, "/isos/install, 2024.iso");
    assert_int_equal(cfg.ide[2].device, 1);
    assert_int_equal(cfg.ide[2].media, VMWP_IDE_RO);
    assert_int_equal(cfg.ide[3].channel, 1);
    assert_int_equal(cfg.ide[3].device, 1);
    assert_int_equal(cfg.disk_count, 1);
    assert_true(cfg.nics[0].legacy);

    /* No IDE device at all (a SCSI disk or a network boot): still a generation 1 VM. */
    assert_int_equal(parse(GEN1), 0);
    assert_int_equal(cfg.ide_count, 0);
    /* The generation's rules hold whatever the order of the lines. */
    assert_int_equal(parse("ide=0:0,rw,/a\nfirmware=/bios.bin\nname=x\nmemory=67108864\ncpus=1\n"
                           "generation=1\n"),
                     0);
    assert_int_equal(cfg.generation, 1);
    assert_int_equal(cfg.ide_count, 1);
}

static void test_generation_rejections(void **state)
{
    (void)state;
    rejected(GOOD "generation=3\n", "line 5: generation: '3' is neither 1 nor 2");
    rejected(GOOD "generation=0\n", "generation: '0' is neither 1 nor 2");
    rejected(GOOD "generation=02\n", "generation: '02' is neither 1 nor 2");
    rejected(GOOD "generation=\n", "generation: '' is neither 1 nor 2");
    rejected(GOOD "generation=2 \n", "generation: '2 ' is neither");
    rejected(GOOD "generation=2\ngeneration=2\n", "line 6: generation: repeated (first on line 5)");
    /* Generation 1: no kernel, initrd or command line, even empty; a firmware. */
    rejected(GEN1 "kernel=/boot/vmlinuz\n",
             "line 6: kernel: only for generation 2 (generation 1 boots its firmware)");
    rejected("kernel=/k\n" GEN1, "line 1: kernel: only for generation 2");
    rejected(GEN1 "initrd=\n", "line 6: initrd: only for generation 2");
    rejected(GEN1 "cmdline=\n", "line 6: cmdline: only for generation 2");
    rejected("name=old\ngeneration=1\nmemory=536870912\ncpus=1\n",
             "missing 'firmware=' (generation 1 boots it)");
    rejected("name=old\ngeneration=1\nmemory=536870912\ncpus=1\nfirmware=\n",
             "line 5: firmware: '' is not an absolute path");
    rejected("name=old\ngeneration=1\nmemory=536870912\ncpus=1\nfirmware=bios.bin\n",
             "firmware: 'bios.bin' is not an absolute path");
    rejected(GEN1 "firmware=/other.bin\n", "line 6: firmware: repeated (first on line 5)");
    /* Generation 2 (said or not): a kernel, no firmware, no IDE, no legacy NIC. */
    rejected("name=a\nmemory=67108864\ncpus=1\ngeneration=2\nfirmware=/bios.bin\n",
             "missing 'kernel='");
    rejected(GOOD "firmware=/bios.bin\n",
             "line 5: firmware: only for generation 1 (there is no generation=1)");
    rejected(GOOD "generation=2\nide=0:0,rw,/a\n", "line 6: ide: only for generation 1");
    rejected(GOOD "disk=0,rw,/d\nide=1:1,dvd,/a.iso\nide=0:0,rw,/b\n",
             "line 6: ide: only for generation 1");
    rejected(GOOD "nic=0,lan,hvsw-lan,00:15:5d:00:00:01\n"
                  "nic=3,dmz,hvsw-dmz,00:15:5d:00:00:02,vlan=2,legacy\n",
             "line 6: nic 3: legacy (an emulated NIC) is only for generation 1");
}

static void test_ide_rejections(void **state)
{
    (void)state;
    rejected(GEN1 "ide=2:0,rw,/a\n",
             "line 6: ide: slot '2:0' is not C:D (channel 0 or 1, device 0 or 1)");
    rejected(GEN1 "ide=0:2,rw,/a\n", "ide: slot '0:2'");
    rejected(GEN1 "ide=00:0,rw,/a\n", "ide: slot '00:0'");
    rejected(GEN1 "ide=0-0,rw,/a\n", "ide: slot '0-0'");
    rejected(GEN1 "ide=0,rw,/a\n", "ide: slot '0'");
    rejected(GEN1 "ide=,rw,/a\n", "ide: slot ''");
    rejected(GEN1 "ide=0:0,rw\n", "line 6: ide: '0:0,rw' is not C:D,MEDIA,PATH");
    rejected(GEN1 "ide=/vms/a.img\n", "is not C:D,MEDIA,PATH");
    rejected(GEN1 "ide=0:0,cdrom,/a.iso\n", "line 6: ide: media 'cdrom' is not rw, ro or dvd");
    rejected(GEN1 "ide=0:0,DVD,/a.iso\n", "ide: media 'DVD'");
    rejected(GEN1 "ide=0:0,,/a\n", "ide: media ''");
    rejected(GEN1 "ide=0:0,rw,a.img\n", "line 6: ide: 'a.img' is not an absolute path");
    rejected(GEN1 "ide=0:0,dvd,\n", "ide: '' is not an absolute path");
    rejected(GEN1 "ide=0:0,rw,/a \n", "ide: whitespace at the end");
    rejected(GEN1 "ide=0:0,rw,/a\x01\n", "line 6: ide: control character 0x01");
    rejected(GEN1 "ide= 0:0,rw,/a\n", "ide: whitespace after '='");
    rejected(GEN1 "ide=0:1,rw,/a\nide=0:1,ro,/b\n", "line 7: ide: 0:1 given twice");
    rejected(GEN1 "ide=0:0,rw,/a\nide=0:1,ro,/a\n", "line 7: ide: /a is IDE 0:0's already");
    /* One image, one device, across IDE and SCSI, in either order. */
    rejected(GEN1 "disk=4,rw,/a\nide=0:0,ro,/a\n", "line 7: ide: /a is disk LUN 4's already");
    rejected(GEN1 "ide=1:0,dvd,/a\ndisk=4,ro,/a\n", "line 7: disk: /a is IDE 1:0's already");
    /* Four slots: a fifth line is refused before its slot is looked at. */
    rejected(GEN1 "ide=0:0,rw,/a\nide=0:1,rw,/b\nide=1:0,rw,/c\nide=1:1,rw,/d\nide=0:0,rw,/e\n",
             "line 10: ide: more than 4 IDE devices");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full),
        cmocka_unit_test(test_minimal_and_optional),
        cmocka_unit_test(test_bounds),
        cmocka_unit_test(test_malformed_lines),
        cmocka_unit_test(test_nul_byte),
        cmocka_unit_test(test_error_buffer),
        cmocka_unit_test(test_load),
        cmocka_unit_test(test_disks),
        cmocka_unit_test(test_disk_rejections),
        cmocka_unit_test(test_nics),
        cmocka_unit_test(test_nic_rejections),
        cmocka_unit_test(test_generation),
        cmocka_unit_test(test_generation_rejections),
        cmocka_unit_test(test_ide_rejections),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
