/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of hvctl's command-line parser (tools/hvctl/args.c), including
 * create's options against its --generation and the ide commands.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../../tools/hvctl/args.h"

static struct hvctl_args args;
static char err[256];

/* Parses the NULL-terminated list of words after "hvctl". */
#define PARSE(...)                                                                                 \
    ({                                                                                             \
        char *argv_[] = {"hvctl", __VA_ARGS__, NULL};                                              \
        memset(err, 'X', sizeof(err));                                                             \
        hvctl_args_parse((int)(sizeof(argv_) / sizeof(argv_[0])) - 1, argv_, &args, err,           \
                         sizeof(err));                                                             \
    })

#define EXPECT_OK(...)                                                                             \
    do {                                                                                           \
        if (PARSE(__VA_ARGS__) != 0)                                                               \
            fail_msg("refused: %s", err);                                                          \
    } while (0)

/* A usage error whose one-line message contains @what. */
#define EXPECT_USAGE_ERROR(what, ...)                                                              \
    do {                                                                                           \
        if (PARSE(__VA_ARGS__) == 0)                                                               \
            fail_msg("accepted: %s", #__VA_ARGS__);                                                \
        assert_non_null(memchr(err, '\0', sizeof(err)));                                           \
        assert_null(strchr(err, '\n'));                                                            \
        if (strstr(err, what) == NULL)                                                             \
            fail_msg("message \"%s\" lacks \"%s\"", err, what);                                    \
    } while (0)

static void test_no_command(void **state)
{
    char *argv[] = {"hvctl", NULL};

    (void)state;
    assert_int_equal(hvctl_args_parse(1, argv, &args, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "no command given (hvctl --help lists the commands)"));
}

static void test_help_and_version(void **state)
{
    (void)state;
    EXPECT_OK("--help");
    assert_int_equal(args.command, CMD_HELP);
    assert_int_equal(args.help_topic, CMD_NONE);
    EXPECT_OK("-h");
    assert_int_equal(args.command, CMD_HELP);
    EXPECT_OK("help");
    assert_int_equal(args.command, CMD_HELP);
    EXPECT_OK("help", "console");
    assert_int_equal(args.help_topic, CMD_CONSOLE);
    EXPECT_OK("--help", "stop");
    assert_int_equal(args.help_topic, CMD_STOP);
    EXPECT_USAGE_ERROR("no help on 'frob': not a command", "help", "frob");
    EXPECT_USAGE_ERROR("at most one command name", "help", "start", "stop");
    EXPECT_OK("--version");
    assert_int_equal(args.command, CMD_VERSION);
    EXPECT_USAGE_ERROR("--version takes no arguments", "--version", "x");
}

static void test_command_help_wins(void **state)
{
    (void)state;
    EXPECT_OK("create", "--help");
    assert_int_equal(args.command, CMD_CREATE);
    assert_true(args.help);
    /* Even on an otherwise wrong line: the user asked how to write it. */
    EXPECT_OK("create", "--bogus", "-h");
    assert_true(args.help);
    assert_int_equal(args.command, CMD_CREATE);
    EXPECT_OK("list", "--help");
    assert_true(args.help);
    /* After "--" it is an operand: "-h" as a (bad) VM name. */
    EXPECT_OK("show", "--", "-h");
    assert_false(args.help);
    assert_string_equal(args.name, "-h");
}

static void test_unknown_command(void **state)
{
    (void)state;
    EXPECT_USAGE_ERROR("unknown command 'frob' (hvctl --help lists the commands)", "frob");
    EXPECT_USAGE_ERROR("unknown command 'Create'", "Create", "web");
    EXPECT_USAGE_ERROR("unknown option -x", "-x");
    EXPECT_USAGE_ERROR("unknown option --json", "--json", "list");
}

static void test_create(void **state)
{
    (void)state;
    EXPECT_OK("create", "web", "--memory", "1G", "--cpus", "2", "--kernel", "/k", "--initrd", "/i",
              "--cmdline", "console=ttyS0 quiet");
    assert_int_equal(args.command, CMD_CREATE);
    assert_false(args.help);
    assert_string_equal(args.name, "web");
    assert_string_equal(args.memory, "1G");
    assert_string_equal(args.cpus, "2");
    assert_string_equal(args.kernel, "/k");
    assert_string_equal(args.initrd, "/i");
    assert_string_equal(args.cmdline, "console=ttyS0 quiet");
    assert_int_equal(args.given, OPT_MEMORY | OPT_CPUS | OPT_KERNEL | OPT_INITRD | OPT_CMDLINE);

    /* --opt=value, options before the name, '=' inside the value. */
    EXPECT_OK("create", "--kernel=/k", "--cmdline=root=/dev/vda", "web");
    assert_string_equal(args.name, "web");
    assert_string_equal(args.kernel, "/k");
    assert_string_equal(args.cmdline, "root=/dev/vda");
    assert_null(args.memory);
    assert_null(args.cpus);
    assert_null(args.initrd);
    assert_int_equal(args.given, OPT_KERNEL | OPT_CMDLINE);

    /* A value is the next word whatever it looks like; an empty one is a value. */
    EXPECT_OK("create", "web", "--kernel", "/k", "--cmdline", "-v");
    assert_string_equal(args.cmdline, "-v");
    EXPECT_OK("create", "web", "--kernel", "/k", "--cmdline", "");
    assert_string_equal(args.cmdline, "");
    EXPECT_OK("create", "web", "--kernel=", "--memory=");
    assert_string_equal(args.kernel, "");
    assert_string_equal(args.memory, "");
}

static void test_create_errors(void **state)
{
    (void)state;
    EXPECT_USAGE_ERROR("create: --kernel PATH is required", "create", "web");
    EXPECT_USAGE_ERROR("create: missing the VM name", "create", "--kernel", "/k");
    EXPECT_USAGE_ERROR("create: --memory needs a value", "create", "web", "--kernel", "/k",
                       "--memory");
    EXPECT_USAGE_ERROR("create: --cpus given twice", "create", "web", "--kernel", "/k", "--cpus",
                       "1", "--cpus=2");
    EXPECT_USAGE_ERROR("create: unexpected argument 'db'", "create", "web", "db", "--kernel", "/k");
    EXPECT_USAGE_ERROR("create: unknown option --colour (hvctl create --help lists the options)",
                       "create", "web", "--kernel", "/k", "--colour", "red");
    EXPECT_USAGE_ERROR("create: unknown option --colour", "create", "web", "--colour=red");
    EXPECT_USAGE_ERROR("create: unknown option -m", "create", "web", "-m", "1G");
    /* Options of other commands are unknown here. */
    EXPECT_USAGE_ERROR("create: unknown option --no-initrd", "create", "web", "--kernel", "/k",
                       "--no-initrd");
    EXPECT_USAGE_ERROR("create: unknown option --json", "create", "web", "--json");
    EXPECT_USAGE_ERROR("create: unknown option --mem", "create", "web", "--mem", "1G");
}

static void test_set(void **state)
{
    (void)state;
    EXPECT_OK("set", "web", "--no-initrd", "--cpus=3");
    assert_int_equal(args.command, CMD_SET);
    assert_int_equal(args.given, OPT_NO_INITRD | OPT_CPUS);
    assert_string_equal(args.cpus, "3");
    EXPECT_OK("set", "--kernel", "k", "web");
    assert_int_equal(args.given, OPT_KERNEL);
    EXPECT_USAGE_ERROR("set: nothing to change (give --memory, --cpus, --kernel, --initrd, "
                       "--no-initrd, --cmdline or --firmware)",
                       "set", "web");
    EXPECT_OK("set", "old", "--firmware", "/bios.bin");
    assert_int_equal(args.given, OPT_FIRMWARE);
    assert_string_equal(args.firmware, "/bios.bin");
    /* A VM keeps its generation, and its IDE devices are hvctl ide's. */
    EXPECT_USAGE_ERROR("set: unknown option --generation", "set", "web", "--generation", "1");
    EXPECT_USAGE_ERROR("set: unknown option --ide", "set", "old", "--ide", "0:0=/a");
    EXPECT_USAGE_ERROR("set: --initrd and --no-initrd contradict each other", "set", "web",
                       "--initrd", "/i", "--no-initrd");
    EXPECT_USAGE_ERROR("set: --no-initrd takes no value", "set", "web", "--no-initrd=yes");
    EXPECT_USAGE_ERROR("set: missing the VM name", "set", "--cpus", "2");
}

static void test_commands_on_one_vm(void **state)
{
    static const char *const names[] = {"show",   "delete", "start",   "pause",
                                        "resume", "status", "console", "kvp"};

    (void)state;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        char *argv_ok[] = {"hvctl", (char *)names[i], "web", NULL};
        char *argv_none[] = {"hvctl", (char *)names[i], NULL};
        char *argv_two[] = {"hvctl", (char *)names[i], "web", "db", NULL};
        char *argv_opt[] = {"hvctl", (char *)names[i], "web", "--turn-offf", NULL};

        assert_int_equal(hvctl_args_parse(3, argv_ok, &args, err, sizeof(err)), 0);
        assert_string_equal(hvctl_command_name(args.command), names[i]);
        assert_string_equal(args.name, "web");
        assert_int_equal(args.given, 0);
        assert_int_equal(hvctl_args_parse(2, argv_none, &args, err, sizeof(err)), -1);
        assert_non_null(strstr(err, "missing the VM name"));
        assert_int_equal(hvctl_args_parse(4, argv_two, &args, err, sizeof(err)), -1);
        assert_non_null(strstr(err, "unexpected argument 'db'"));
        assert_int_equal(hvctl_args_parse(4, argv_opt, &args, err, sizeof(err)), -1);
        assert_non_null(strstr(err, "unknown option --turn-offf"));
    }
}

static void test_stop_list_console(void **state)
{
    (void)state;
    EXPECT_OK("stop", "--turn-off", "web");
    assert_int_equal(args.command, CMD_STOP);
    assert_int_equal(args.given, OPT_TURN_OFF);
    assert_string_equal(args.name, "web");
    /* Plain "stop" is the graceful stop, with its own options. */
    EXPECT_OK("stop", "web");
    assert_int_equal(args.given, 0);
    assert_null(args.timeout);
    EXPECT_OK("stop", "web", "--timeout", "5", "--force");
    assert_int_equal(args.given, OPT_TIMEOUT | OPT_FORCE);
    assert_string_equal(args.timeout, "5");
    EXPECT_OK("stop", "--timeout=0", "web"); /* a bad number is the command's error (1) */
    assert_string_equal(args.timeout, "0");
    EXPECT_USAGE_ERROR("stop: --turn-off takes no value", "stop", "--turn-off=1", "web");
    EXPECT_USAGE_ERROR("stop: --force takes no value", "stop", "--force=yes", "web");
    EXPECT_USAGE_ERROR("stop: --timeout needs a value", "stop", "web", "--timeout");
    EXPECT_USAGE_ERROR("stop: --timeout given twice", "stop", "web", "--timeout", "1", "--timeout",
                       "2");
    EXPECT_USAGE_ERROR("stop: --turn-off does not wait for the guest: --timeout goes without it",
                       "stop", "--turn-off", "--timeout", "5", "web");
    EXPECT_USAGE_ERROR("stop: --turn-off does not wait for the guest: --force goes without it",
                       "stop", "web", "--force", "--turn-off");
    EXPECT_USAGE_ERROR("stop: unknown option --set", "stop", "web", "--set", "a=b");
    EXPECT_USAGE_ERROR("stop: missing the VM name", "stop", "--force");
    EXPECT_OK("list");
    assert_int_equal(args.command, CMD_LIST);
    assert_null(args.name);
    EXPECT_OK("list", "--json");
    assert_int_equal(args.given, OPT_JSON);
    EXPECT_USAGE_ERROR("list: unexpected argument 'web'", "list", "web");
    EXPECT_USAGE_ERROR("list: --json given twice", "list", "--json", "--json");
    EXPECT_OK("console", "web", "--log");
    assert_int_equal(args.given, OPT_LOG);
    EXPECT_USAGE_ERROR("console: unknown option --json", "console", "web", "--json");
}

static void test_kvp(void **state)
{
    (void)state;
    EXPECT_OK("kvp", "web");
    assert_int_equal(args.command, CMD_KVP);
    assert_int_equal(args.given, 0);
    assert_string_equal(args.name, "web");
    EXPECT_OK("kvp", "--set", "Key=a value", "web");
    assert_int_equal(args.given, OPT_SET);
    assert_string_equal(args.set, "Key=a value");
    EXPECT_OK("kvp", "web", "--set=k=v=w");
    assert_string_equal(args.set, "k=v=w");
    EXPECT_OK("kvp", "web", "--set", "--not-an-option=x"); /* a value, whatever it looks like */
    assert_string_equal(args.set, "--not-an-option=x");
    EXPECT_USAGE_ERROR("kvp: missing the VM name", "kvp");
    EXPECT_USAGE_ERROR("kvp: --set needs a value", "kvp", "web", "--set");
    EXPECT_USAGE_ERROR("kvp: --set given twice", "kvp", "web", "--set", "a=b", "--set", "c=d");
    EXPECT_USAGE_ERROR("kvp: unexpected argument 'a=b'", "kvp", "web", "a=b");
    EXPECT_USAGE_ERROR("kvp: unknown option --json", "kvp", "web", "--json");
    EXPECT_USAGE_ERROR("kvp: unknown option --force", "kvp", "web", "--force");
}

static void test_double_dash(void **state)
{
    (void)state;
    EXPECT_OK("delete", "--", "--weird");
    assert_string_equal(args.name, "--weird");
    EXPECT_OK("create", "--kernel", "/k", "--", "-x");
    assert_string_equal(args.name, "-x");
    EXPECT_USAGE_ERROR("create: unexpected argument '--memory'", "create", "--kernel", "/k", "--",
                       "web", "--memory");
    /* A lone "-" is an operand, not an option. */
    EXPECT_OK("show", "-");
    assert_string_equal(args.name, "-");
}

static void test_command_table(void **state)
{
    (void)state;
    assert_null(hvctl_command_name(CMD_NONE));
    assert_null(hvctl_command_name(CMD_HELP));
    assert_null(hvctl_command_name(CMD_COUNT));
    assert_string_equal(hvctl_command_name(CMD_CREATE), "create");
    assert_int_equal(hvctl_command_options(CMD_LIST), OPT_JSON);
    assert_int_equal(hvctl_command_options(CMD_START), 0);
    assert_int_equal(hvctl_command_options(CMD_STOP), OPT_TURN_OFF | OPT_TIMEOUT | OPT_FORCE);
    assert_int_equal(hvctl_command_options(CMD_KVP), OPT_SET);
    assert_string_equal(hvctl_command_name(CMD_KVP), "kvp");
    assert_int_equal(hvctl_command_options(CMD_SET), OPT_MEMORY | OPT_CPUS | OPT_KERNEL |
                                                         OPT_INITRD | OPT_NO_INITRD | OPT_CMDLINE |
                                                         OPT_FIRMWARE);
    for (int c = CMD_CREATE; c < CMD_COUNT; c++)
        assert_non_null(hvctl_command_name((enum hvctl_command)c));
}

static void test_create_disks(void **state)
{
    (void)state;
    EXPECT_OK("create", "web", "--kernel", "/k", "--disk", "/a.vhdx", "--disk=/b.vhd,readonly");
    assert_int_equal(args.disk_count, 2);
    assert_string_equal(args.disks[0], "/a.vhdx");
    assert_string_equal(args.disks[1], "/b.vhd,readonly");
    assert_true(args.given & OPT_DISK);
    EXPECT_USAGE_ERROR("create: --disk needs a value", "create", "web", "--kernel", "/k", "--disk");
    EXPECT_USAGE_ERROR("set: unknown option --disk", "set", "web", "--disk", "/a");
    {
        char *argv[5 + 2 * 65 + 1];
        int argc = 0;

        argv[argc++] = "hvctl";
        argv[argc++] = "create";
        argv[argc++] = "web";
        argv[argc++] = "--kernel";
        argv[argc++] = "/k";
        for (int i = 0; i < 65; i++) {
            argv[argc++] = "--disk";
            argv[argc++] = "/a";
        }
        argv[argc] = NULL;
        assert_int_equal(hvctl_args_parse(argc - 2, argv, &args, err, sizeof(err)), 0);
        assert_int_equal(args.disk_count, 64);
        assert_int_equal(hvctl_args_parse(argc, argv, &args, err, sizeof(err)), -1);
        assert_non_null(strstr(err, "create: --disk given more than 64 times"));
    }
}

static void test_disk_commands(void **state)
{
    (void)state;
    EXPECT_OK("disk", "create", "/vms/a.vhdx", "--size", "20G");
    assert_int_equal(args.command, CMD_DISK_CREATE);
    assert_null(args.name);
    assert_int_equal(args.operand_count, 1);
    assert_string_equal(args.operands[0], "/vms/a.vhdx");
    assert_string_equal(args.size, "20G");
    EXPECT_OK("disk", "create", "--fixed", "--block-size=1M", "a.vhd", "--size", "1G");
    assert_true(args.given & OPT_FIXED);
    assert_string_equal(args.block_size, "1M");
    EXPECT_OK("disk", "create", "child.vhdx", "--parent", "base.vhdx");
    assert_string_equal(args.parent, "base.vhdx");
    EXPECT_OK("disk", "info", "a.vhdx");
    assert_int_equal(args.command, CMD_DISK_INFO);
    EXPECT_OK("disk", "convert", "in.vhd", "out.vhdx", "--dynamic");
    assert_int_equal(args.command, CMD_DISK_CONVERT);
    assert_string_equal(args.operands[1], "out.vhdx");
    EXPECT_OK("disk", "compact", "a.vhdx");
    EXPECT_OK("disk", "expand", "a.vhdx", "--size", "40G");
    EXPECT_OK("disk", "attach", "web", "/vms/x.vhdx", "--readonly", "--lun", "3");
    assert_int_equal(args.command, CMD_DISK_ATTACH);
    assert_string_equal(args.name, "web");
    assert_string_equal(args.operands[1], "/vms/x.vhdx");
    assert_string_equal(args.lun, "3");
    assert_true(args.given & OPT_READONLY);
    EXPECT_OK("disk", "detach", "web", "/vms/x.vhdx");
    assert_int_equal(args.command, CMD_DISK_DETACH);
    EXPECT_OK("disk", "detach", "web", "--lun", "0");
    assert_int_equal(args.operand_count, 1);
    EXPECT_OK("disk", "list", "web");
    assert_int_equal(args.command, CMD_DISK_LIST);
    assert_string_equal(args.name, "web");
    assert_string_equal(hvctl_command_name(CMD_DISK_ATTACH), "disk attach");

    /* Help. */
    EXPECT_OK("disk", "--help");
    assert_int_equal(args.command, CMD_DISK);
    assert_true(args.help);
    EXPECT_OK("disk", "attach", "-h");
    assert_int_equal(args.command, CMD_DISK_ATTACH);
    assert_true(args.help);
    EXPECT_OK("help", "disk");
    assert_int_equal(args.help_topic, CMD_DISK);
    EXPECT_OK("help", "disk", "convert");
    assert_int_equal(args.help_topic, CMD_DISK_CONVERT);
    EXPECT_USAGE_ERROR("no help on 'disk frob'", "help", "disk", "frob");

    /* Usage errors. */
    EXPECT_USAGE_ERROR("disk: missing the disk command (create, info", "disk");
    EXPECT_USAGE_ERROR("disk: missing the disk command", "disk", "--size", "1G");
    EXPECT_USAGE_ERROR("unknown disk command 'frob'", "disk", "frob");
    EXPECT_USAGE_ERROR("unknown command 'disk create'", "disk create", "a");
    EXPECT_USAGE_ERROR("disk create: missing PATH", "disk", "create", "--size", "1G");
    EXPECT_USAGE_ERROR("disk create: --size SIZE is required (or --parent PATH)", "disk", "create",
                       "a.vhdx");
    EXPECT_USAGE_ERROR("disk create: --fixed and --dynamic contradict", "disk", "create", "a",
                       "--size", "1G", "--fixed", "--dynamic");
    EXPECT_USAGE_ERROR("disk create: --parent makes a differencing image: --fixed goes without it",
                       "disk", "create", "a", "--parent", "b", "--fixed");
    EXPECT_USAGE_ERROR("disk create: unknown option --readonly", "disk", "create", "a", "--size",
                       "1G", "--readonly");
    EXPECT_USAGE_ERROR("disk create: unexpected argument 'b'", "disk", "create", "a", "b", "--size",
                       "1G");
    EXPECT_USAGE_ERROR("disk convert: missing the output image OUT", "disk", "convert", "in");
    EXPECT_USAGE_ERROR("disk expand: --size SIZE is required", "disk", "expand", "a.vhdx");
    EXPECT_USAGE_ERROR("disk attach: missing the VM name", "disk", "attach");
    EXPECT_USAGE_ERROR("disk attach: missing PATH", "disk", "attach", "web");
    EXPECT_USAGE_ERROR("disk attach: --lun needs a value", "disk", "attach", "web", "a", "--lun");
    EXPECT_USAGE_ERROR("disk detach: give the disk's PATH or --lun N", "disk", "detach", "web");
    EXPECT_USAGE_ERROR("disk detach: give the disk's PATH or --lun N, not both", "disk", "detach",
                       "web", "a", "--lun", "1");
    EXPECT_USAGE_ERROR("disk detach: unknown option --readonly", "disk", "detach", "web", "a",
                       "--readonly");
    EXPECT_USAGE_ERROR("disk list: unexpected argument 'x'", "disk", "list", "web", "x");
    EXPECT_USAGE_ERROR("disk list: missing the VM name", "disk", "list");
}

static void test_switch_and_nic_commands(void **state)
{
    (void)state;
    EXPECT_OK("switch", "create", "lan", "--type", "internal", "--address", "10.0.0.1/24",
              "--mtu=9000");
    assert_int_equal(args.command, CMD_SWITCH_CREATE);
    assert_string_equal(args.operands[0], "lan");
    assert_null(args.name); /* not a VM's */
    assert_string_equal(args.type, "internal");
    assert_string_equal(args.address, "10.0.0.1/24");
    assert_string_equal(args.mtu, "9000");
    EXPECT_OK("switch", "create", "uplink", "--type=external", "--nic", "eth0");
    assert_string_equal(args.nic, "eth0");
    assert_int_equal(args.nic_count, 0);
    EXPECT_OK("switch", "list");
    assert_int_equal(args.command, CMD_SWITCH_LIST);
    EXPECT_OK("switch", "delete", "dmz");
    assert_int_equal(args.command, CMD_SWITCH_DELETE);
    assert_string_equal(args.operands[0], "dmz");
    EXPECT_OK("nic", "add", "web", "lan,vlan=20");
    assert_int_equal(args.command, CMD_NIC_ADD);
    assert_string_equal(args.name, "web");
    assert_string_equal(args.operands[1], "lan,vlan=20");
    EXPECT_OK("nic", "remove", "web", "1");
    assert_int_equal(args.command, CMD_NIC_REMOVE);
    EXPECT_OK("nic", "list", "web");
    assert_int_equal(args.command, CMD_NIC_LIST);
    assert_string_equal(hvctl_command_name(CMD_SWITCH_CREATE), "switch create");

    /* create --nic, repeated, in order; at most 8. */
    EXPECT_OK("create", "web", "--kernel", "/k", "--nic", "lan", "--nic=dmz,vlan=20,legacy");
    assert_int_equal(args.nic_count, 2);
    assert_string_equal(args.nics[0], "lan");
    assert_string_equal(args.nics[1], "dmz,vlan=20,legacy");
    assert_true(args.given & OPT_NIC);
    EXPECT_USAGE_ERROR(
        "create: --nic given more than 8 times (a VM has at most 8 network adapters)", "create",
        "web", "--kernel", "/k", "--nic", "a", "--nic", "a", "--nic", "a", "--nic", "a", "--nic",
        "a", "--nic", "a", "--nic", "a", "--nic", "a", "--nic", "a");
    EXPECT_USAGE_ERROR("set: unknown option --nic", "set", "web", "--nic", "lan");

    /* Help. */
    EXPECT_OK("switch", "--help");
    assert_int_equal(args.command, CMD_SWITCH);
    assert_true(args.help);
    EXPECT_OK("help", "nic", "add");
    assert_int_equal(args.help_topic, CMD_NIC_ADD);
    EXPECT_OK("help", "switch");
    assert_int_equal(args.help_topic, CMD_SWITCH);
    EXPECT_USAGE_ERROR("no help on 'switch frob': not a switch command (create, list or delete)",
                       "help", "switch", "frob");

    /* Usage errors. */
    EXPECT_USAGE_ERROR("switch: missing the switch command (create, list or delete; hvctl switch "
                       "--help)",
                       "switch");
    EXPECT_USAGE_ERROR("nic: missing the nic command (add, remove or list", "nic");
    EXPECT_USAGE_ERROR("unknown switch command 'add' (create, list or delete", "switch", "add");
    EXPECT_USAGE_ERROR("unknown nic command 'create'", "nic", "create", "web");
    EXPECT_USAGE_ERROR("unknown command 'switch create'", "switch create", "lan");
    EXPECT_USAGE_ERROR("switch create: --type internal|private|external is required", "switch",
                       "create", "lan");
    EXPECT_USAGE_ERROR("switch create: missing the switch's NAME", "switch", "create", "--type",
                       "private");
    EXPECT_USAGE_ERROR("switch create: --nic given twice", "switch", "create", "up", "--type",
                       "external", "--nic", "eth0", "--nic", "eth1");
    EXPECT_USAGE_ERROR("switch create: unknown option --kernel", "switch", "create", "lan",
                       "--type", "private", "--kernel", "/k");
    EXPECT_USAGE_ERROR("switch list: unexpected argument 'lan'", "switch", "list", "lan");
    EXPECT_USAGE_ERROR("switch delete: missing the switch's NAME", "switch", "delete");
    EXPECT_USAGE_ERROR("nic add: missing the NIC's SWITCH[,OPTIONS]", "nic", "add", "web");
    EXPECT_USAGE_ERROR("nic add: missing the VM name", "nic", "add");
    EXPECT_USAGE_ERROR("nic remove: missing the NIC's INDEX", "nic", "remove", "web");
    EXPECT_USAGE_ERROR("nic list: unexpected argument '0'", "nic", "list", "web", "0");
    EXPECT_USAGE_ERROR("nic add: unknown option --vlan", "nic", "add", "web", "lan", "--vlan", "2");
}

static void test_create_generation_1(void **state)
{
    (void)state;
    /* The command line: no --kernel needed. */
    EXPECT_OK("create", "old", "--generation", "1", "--memory", "512M", "--ide", "0:0=/vms/old.img",
              "--ide", "1:0=/isos/install.iso", "--nic", "lan,legacy");
    assert_int_equal(args.command, CMD_CREATE);
    assert_string_equal(args.name, "old");
    assert_string_equal(args.generation, "1");
    assert_int_equal(args.ide_count, 2);
    assert_string_equal(args.ides[0], "0:0=/vms/old.img");
    assert_string_equal(args.ides[1], "1:0=/isos/install.iso");
    assert_string_equal(args.nics[0], "lan,legacy");
    assert_null(args.firmware);
    assert_int_equal(args.given, OPT_GENERATION | OPT_MEMORY | OPT_IDE | OPT_NIC);
    EXPECT_OK("create", "old", "--generation=1", "--firmware=/bios.bin", "--disk", "/a.vhdx",
              "--ide=0:1=/b.img,readonly");
    assert_string_equal(args.firmware, "/bios.bin");
    assert_string_equal(args.ides[0], "0:1=/b.img,readonly");
    assert_int_equal(args.disk_count, 1);
    /* Nothing but the generation: a VM that boots from the network or a later ide set. */
    EXPECT_OK("create", "old", "--generation", "1");
    assert_int_equal(args.ide_count, 0);
    /* Generation 2, said or not, boots --kernel. */
    EXPECT_OK("create", "web", "--generation", "2", "--kernel", "/k");
    assert_string_equal(args.generation, "2");
    EXPECT_USAGE_ERROR("create: --kernel PATH is required (or --generation 1, for a VM that boots "
                       "its firmware from its disks)",
                       "create", "web", "--generation", "2");
    /* A bad value is create's to refuse (exit status 1), whatever comes with it. */
    EXPECT_OK("create", "x", "--generation", "3");
    EXPECT_OK("create", "x", "--generation", "", "--kernel", "/k", "--ide", "0:0=/a");

    /* A generation 1 VM boots its firmware: the kernel's options are refused. */
    EXPECT_USAGE_ERROR("create: --kernel is for generation 2 VMs (a generation 1 VM boots its "
                       "firmware from its disks, --ide or --disk)",
                       "create", "old", "--generation", "1", "--kernel", "/k");
    EXPECT_USAGE_ERROR("create: --initrd is for generation 2 VMs", "create", "old", "--initrd",
                       "/i", "--generation", "1");
    EXPECT_USAGE_ERROR("create: --cmdline is for generation 2 VMs", "create", "old", "--generation",
                       "1", "--cmdline", "");
    /* And generation 2 has no firmware and no IDE controller. */
    EXPECT_USAGE_ERROR("create: --ide is for generation 1 VMs (add --generation 1; a generation 2 "
                       "VM boots --kernel directly)",
                       "create", "web", "--kernel", "/k", "--ide", "0:0=/a");
    EXPECT_USAGE_ERROR("create: --ide is for generation 1 VMs", "create", "old", "--ide", "0:0=/a");
    EXPECT_USAGE_ERROR("create: --firmware is for generation 1 VMs", "create", "web",
                       "--generation", "2", "--kernel", "/k", "--firmware", "/bios.bin");
    /* Shape errors. */
    EXPECT_USAGE_ERROR("create: --generation given twice", "create", "old", "--generation", "1",
                       "--generation", "1");
    EXPECT_USAGE_ERROR("create: --generation needs a value", "create", "old", "--generation");
    EXPECT_USAGE_ERROR("create: --firmware given twice", "create", "old", "--generation", "1",
                       "--firmware", "/a", "--firmware", "/b");
    EXPECT_USAGE_ERROR("create: --ide needs a value", "create", "old", "--generation", "1",
                       "--ide");
    EXPECT_USAGE_ERROR("create: --ide given more than 4 times (a VM has at most 4 IDE devices: "
                       "0:0, 0:1, 1:0 and 1:1)",
                       "create", "old", "--generation", "1", "--ide", "0:0=/a", "--ide", "0:1=/b",
                       "--ide", "1:0=/c", "--ide", "1:1=/d", "--ide", "0:0=/e");
}

static void test_ide_commands(void **state)
{
    (void)state;
    EXPECT_OK("ide", "set", "old", "1:0=/isos/debian.iso");
    assert_int_equal(args.command, CMD_IDE_SET);
    assert_string_equal(args.name, "old");
    assert_string_equal(args.operands[1], "1:0=/isos/debian.iso");
    EXPECT_OK("ide", "remove", "old", "1:0");
    assert_int_equal(args.command, CMD_IDE_REMOVE);
    assert_string_equal(args.operands[1], "1:0");
    EXPECT_OK("ide", "list", "old");
    assert_int_equal(args.command, CMD_IDE_LIST);
    assert_string_equal(hvctl_command_name(CMD_IDE_SET), "ide set");
    EXPECT_OK("help", "ide", "set");
    assert_int_equal(args.help_topic, CMD_IDE_SET);
    EXPECT_OK("ide", "--help");
    assert_int_equal(args.command, CMD_IDE);
    assert_true(args.help);
    EXPECT_USAGE_ERROR("ide: missing the ide command (set, remove or list", "ide");
    EXPECT_USAGE_ERROR("unknown ide command 'attach' (set, remove or list", "ide", "attach", "old");
    EXPECT_USAGE_ERROR("ide set: missing the device C:D=PATH[,OPTION]", "ide", "set", "old");
    EXPECT_USAGE_ERROR("ide set: missing the VM name", "ide", "set");
    EXPECT_USAGE_ERROR("ide remove: missing the device's slot C:D", "ide", "remove", "old");
    EXPECT_USAGE_ERROR("ide list: unexpected argument '0:0'", "ide", "list", "old", "0:0");
    EXPECT_USAGE_ERROR("ide set: unknown option --readonly", "ide", "set", "old", "0:0=/a",
                       "--readonly");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_disks),
        cmocka_unit_test(test_disk_commands),
        cmocka_unit_test(test_no_command),
        cmocka_unit_test(test_help_and_version),
        cmocka_unit_test(test_command_help_wins),
        cmocka_unit_test(test_unknown_command),
        cmocka_unit_test(test_create),
        cmocka_unit_test(test_create_errors),
        cmocka_unit_test(test_set),
        cmocka_unit_test(test_commands_on_one_vm),
        cmocka_unit_test(test_stop_list_console),
        cmocka_unit_test(test_kvp),
        cmocka_unit_test(test_double_dash),
        cmocka_unit_test(test_command_table),
        cmocka_unit_test(test_switch_and_nic_commands),
        cmocka_unit_test(test_create_generation_1),
        cmocka_unit_test(test_ide_commands),
    };
    return cmocka_run_group_tests_name("hvctl_args", tests, NULL, NULL);
}
