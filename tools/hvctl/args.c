// SPDX-License-Identifier: GPL-2.0-only
/* hvctl's command-line parser (see args.h). */
#include <stdio.h>
#include <string.h>

#include "args.h"

/* What each command takes. */
struct command_spec {
    const char *name;
    unsigned options;  /* OPT_* accepted */
    unsigned required; /* OPT_* that must be given */
    /* The operands, in order: "NAME" (the VM's, also put in hvctl_args.name) or what the
     * help calls them; the first @min_operands are required. */
    const char *operands[HVCTL_OPERANDS_MAX];
    unsigned min_operands;
};

#define CONFIG_OPTIONS                                                                             \
    (OPT_MEMORY | OPT_CPUS | OPT_KERNEL | OPT_INITRD | OPT_CMDLINE | OPT_FIRMWARE)
/* The options that boot a kernel directly: generation 2's. */
#define KERNEL_OPTIONS (OPT_KERNEL | OPT_INITRD | OPT_NO_INITRD | OPT_CMDLINE)
#define ONE_NAME       {"NAME"}, 1

static const struct command_spec commands[CMD_COUNT] = {
    /* --kernel is required for generation 2 only: check_create() says so. */
    [CMD_CREATE] = {"create", CONFIG_OPTIONS | OPT_DISK | OPT_NIC | OPT_GENERATION | OPT_IDE, 0,
                    ONE_NAME},
    [CMD_SET] = {"set", CONFIG_OPTIONS | OPT_NO_INITRD, 0, ONE_NAME},
    [CMD_SHOW] = {"show", 0, 0, ONE_NAME},
    [CMD_DELETE] = {"delete", 0, 0, ONE_NAME},
    [CMD_START] = {"start", 0, 0, ONE_NAME},
    [CMD_STOP] = {"stop", OPT_TURN_OFF | OPT_TIMEOUT | OPT_FORCE, 0, ONE_NAME},
    [CMD_PAUSE] = {"pause", 0, 0, ONE_NAME},
    [CMD_RESUME] = {"resume", 0, 0, ONE_NAME},
    [CMD_STATUS] = {"status", 0, 0, ONE_NAME},
    [CMD_LIST] = {"list", OPT_JSON, 0, {NULL}, 0},
    [CMD_CONSOLE] = {"console", OPT_LOG, 0, ONE_NAME},
    [CMD_KVP] = {"kvp", OPT_SET, 0, ONE_NAME},
    [CMD_DISK] = {"disk", 0, 0, {NULL}, 0},
    [CMD_DISK_CREATE] = {"disk create",
                         OPT_SIZE | OPT_FIXED | OPT_DYNAMIC | OPT_PARENT | OPT_BLOCK_SIZE,
                         0,
                         {"PATH"},
                         1},
    [CMD_DISK_INFO] = {"disk info", 0, 0, {"PATH"}, 1},
    [CMD_DISK_CONVERT] = {"disk convert",
                          OPT_FIXED | OPT_DYNAMIC | OPT_BLOCK_SIZE,
                          0,
                          {"the input image IN", "the output image OUT"},
                          2},
    [CMD_DISK_COMPACT] = {"disk compact", 0, 0, {"PATH"}, 1},
    [CMD_DISK_EXPAND] = {"disk expand", OPT_SIZE, OPT_SIZE, {"PATH"}, 1},
    [CMD_DISK_ATTACH] = {"disk attach", OPT_READONLY | OPT_LUN, 0, {"NAME", "PATH"}, 2},
    [CMD_DISK_DETACH] = {"disk detach", OPT_LUN, 0, {"NAME", "PATH"}, 1},
    [CMD_DISK_LIST] = {"disk list", 0, 0, ONE_NAME},
    [CMD_SWITCH] = {"switch", 0, 0, {NULL}, 0},
    [CMD_SWITCH_CREATE] = {"switch create",
                           OPT_TYPE | OPT_ADDRESS | OPT_MTU | OPT_NIC,
                           OPT_TYPE,
                           {"the switch's NAME"},
                           1},
    [CMD_SWITCH_LIST] = {"switch list", 0, 0, {NULL}, 0},
    [CMD_SWITCH_DELETE] = {"switch delete", 0, 0, {"the switch's NAME"}, 1},
    [CMD_NIC] = {"nic", 0, 0, {NULL}, 0},
    [CMD_NIC_ADD] = {"nic add", 0, 0, {"NAME", "the NIC's SWITCH[,OPTIONS]"}, 2},
    [CMD_NIC_REMOVE] = {"nic remove", 0, 0, {"NAME", "the NIC's INDEX"}, 2},
    [CMD_NIC_LIST] = {"nic list", 0, 0, ONE_NAME},
    [CMD_IDE] = {"ide", 0, 0, {NULL}, 0},
    [CMD_IDE_SET] = {"ide set", 0, 0, {"NAME", "the device C:D=PATH[,OPTION]"}, 2},
    [CMD_IDE_REMOVE] = {"ide remove", 0, 0, {"NAME", "the device's slot C:D"}, 2},
    [CMD_IDE_LIST] = {"ide list", 0, 0, ONE_NAME},
};

/* The groups of commands, "hvctl GROUP SUBCOMMAND", and what each takes after it. */
static const struct {
    enum hvctl_command group;
    const char *subcommands;
} groups[] = {
    {CMD_DISK, "create, info, convert, compact, expand, attach, detach or list"},
    {CMD_SWITCH, "create, list or delete"},
    {CMD_NIC, "add, remove or list"},
    {CMD_IDE, "set, remove or list"},
};

#define N_GROUPS (sizeof(groups) / sizeof(groups[0]))

/* The subcommands of @group, for a message; NULL if it is not a group. */
static const char *group_subcommands(enum hvctl_command group)
{
    for (size_t g = 0; g < N_GROUPS; g++) {
        if (groups[g].group == group)
            return groups[g].subcommands;
    }
    return NULL;
}

struct option_spec {
    const char *name; /* without the leading "--" */
    enum hvctl_option bit;
    size_t value_offset; /* where its value goes in struct hvctl_args; 0 = a flag */
};

#define VALUE_AT(field) offsetof(struct hvctl_args, field)

static const struct option_spec options[] = {
    {"disk", OPT_DISK, VALUE_AT(disks)},
    {"size", OPT_SIZE, VALUE_AT(size)},
    {"fixed", OPT_FIXED, 0},
    {"dynamic", OPT_DYNAMIC, 0},
    {"parent", OPT_PARENT, VALUE_AT(parent)},
    {"block-size", OPT_BLOCK_SIZE, VALUE_AT(block_size)},
    {"readonly", OPT_READONLY, 0},
    {"lun", OPT_LUN, VALUE_AT(lun)},
    {"memory", OPT_MEMORY, VALUE_AT(memory)},
    {"cpus", OPT_CPUS, VALUE_AT(cpus)},
    {"kernel", OPT_KERNEL, VALUE_AT(kernel)},
    {"initrd", OPT_INITRD, VALUE_AT(initrd)},
    {"no-initrd", OPT_NO_INITRD, 0},
    {"cmdline", OPT_CMDLINE, VALUE_AT(cmdline)},
    {"json", OPT_JSON, 0},
    {"turn-off", OPT_TURN_OFF, 0},
    {"log", OPT_LOG, 0},
    {"timeout", OPT_TIMEOUT, VALUE_AT(timeout)},
    {"force", OPT_FORCE, 0},
    {"set", OPT_SET, VALUE_AT(set)},
    {"nic", OPT_NIC, VALUE_AT(nic)},
    {"type", OPT_TYPE, VALUE_AT(type)},
    {"address", OPT_ADDRESS, VALUE_AT(address)},
    {"mtu", OPT_MTU, VALUE_AT(mtu)},
    {"generation", OPT_GENERATION, VALUE_AT(generation)},
    {"ide", OPT_IDE, VALUE_AT(ides)},
    {"firmware", OPT_FIRMWARE, VALUE_AT(firmware)},
};

#define N_OPTIONS (sizeof(options) / sizeof(options[0]))

const char *hvctl_command_name(enum hvctl_command command)
{
    return command < CMD_COUNT ? commands[command].name : NULL;
}

unsigned hvctl_command_options(enum hvctl_command command)
{
    return command < CMD_COUNT ? commands[command].options : 0;
}

static enum hvctl_command find_command(const char *name)
{
    for (int c = 0; c < CMD_COUNT; c++) {
        if (commands[c].name != NULL && strcmp(commands[c].name, name) == 0)
            return (enum hvctl_command)c;
    }
    return CMD_NONE;
}

/* A command typed as one word: never a subcommand ("disk create" in one argument). */
static enum hvctl_command find_top_command(const char *name)
{
    return strchr(name, ' ') != NULL ? CMD_NONE : find_command(name);
}

/* "GROUP SUB": the command "GROUP SUB", or CMD_NONE. */
static enum hvctl_command find_sub_command(enum hvctl_command group, const char *sub)
{
    char name[40];

    if (strlen(sub) > 16 || strchr(sub, ' ') != NULL)
        return CMD_NONE;
    snprintf(name, sizeof(name), "%s %s", commands[group].name, sub);
    return find_command(name);
}

static bool is_help(const char *arg)
{
    return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0;
}

/* "hvctl --help", "hvctl help", "hvctl help COMMAND", "hvctl --version". */
static int parse_global(int argc, char *const argv[], struct hvctl_args *args, char *err,
                        size_t err_size)
{
    const char *first = argv[1];

    if (strcmp(first, "--version") == 0) {
        if (argc > 2) {
            snprintf(err, err_size, "--version takes no arguments");
            return -1;
        }
        args->command = CMD_VERSION;
        return 0;
    }
    args->command = CMD_HELP;
    if (argc == 4 && group_subcommands(find_top_command(argv[2])) != NULL) {
        enum hvctl_command group = find_top_command(argv[2]);

        args->help_topic = find_sub_command(group, argv[3]);
        if (args->help_topic == CMD_NONE) {
            snprintf(err, err_size, "no help on '%s %s': not a %s command (%s)", argv[2], argv[3],
                     argv[2], group_subcommands(group));
            return -1;
        }
        return 0;
    }
    if (argc > 3) {
        snprintf(err, err_size, "%s takes at most one command name", first);
        return -1;
    }
    if (argc == 3) {
        args->help_topic = find_top_command(argv[2]);
        if (args->help_topic == CMD_NONE) {
            snprintf(err, err_size, "no help on '%s': not a command (hvctl --help lists them)",
                     argv[2]);
            return -1;
        }
    }
    return 0;
}

/* One "--name[=value]" option at argv[*i]; advances *i past a separate value. */
static int parse_option(const struct command_spec *cmd, int argc, char *const argv[], int *i,
                        struct hvctl_args *args, char *err, size_t err_size)
{
    const char *arg = argv[*i];
    const char *eq = strchr(arg, '=');
    size_t name_len = eq ? (size_t)(eq - arg) : strlen(arg);
    const struct option_spec *opt = NULL;
    bool repeats;

    if (strncmp(arg, "--", 2) == 0) {
        for (size_t o = 0; o < N_OPTIONS; o++) {
            if (strlen(options[o].name) == name_len - 2 &&
                memcmp(options[o].name, arg + 2, name_len - 2) == 0)
                opt = &options[o];
        }
    }
    if (opt == NULL || !(cmd->options & opt->bit)) {
        snprintf(err, err_size, "%s: unknown option %.*s (hvctl %s --help lists the options)",
                 cmd->name, (int)name_len, arg, cmd->name);
        return -1;
    }
    /* create's --disk, --nic and --ide come once per disk, per NIC, per IDE device. */
    repeats = opt->bit == OPT_DISK || opt->bit == OPT_IDE ||
              (opt->bit == OPT_NIC && args->command == CMD_CREATE);
    if ((args->given & opt->bit) && !repeats) {
        snprintf(err, err_size, "%s: --%s given twice", cmd->name, opt->name);
        return -1;
    }
    args->given |= opt->bit;
    if (opt->value_offset == 0) {
        if (eq != NULL) {
            snprintf(err, err_size, "%s: --%s takes no value", cmd->name, opt->name);
            return -1;
        }
        return 0;
    }
    if (eq == NULL) {
        /* The next argument is the value, whatever it looks like ("--cmdline -v" is fine). */
        if (*i + 1 >= argc) {
            snprintf(err, err_size, "%s: --%s needs a value", cmd->name, opt->name);
            return -1;
        }
        eq = argv[++*i] - 1;
    }
    if (opt->bit == OPT_DISK) {
        /* One value per --disk, in order. */
        if (args->disk_count == HVCTL_DISK_OPTIONS_MAX) {
            snprintf(err, err_size,
                     "%s: --disk given more than %d times (a VM has at most %d disks)", cmd->name,
                     HVCTL_DISK_OPTIONS_MAX, HVCTL_DISK_OPTIONS_MAX);
            return -1;
        }
        args->disks[args->disk_count++] = eq + 1;
        return 0;
    }
    if (opt->bit == OPT_IDE) {
        if (args->ide_count == HVCTL_IDE_OPTIONS_MAX) {
            snprintf(err, err_size,
                     "%s: --ide given more than %d times (a VM has at most %d IDE devices: 0:0, "
                     "0:1, 1:0 and 1:1)",
                     cmd->name, HVCTL_IDE_OPTIONS_MAX, HVCTL_IDE_OPTIONS_MAX);
            return -1;
        }
        args->ides[args->ide_count++] = eq + 1;
        return 0;
    }
    if (opt->bit == OPT_NIC && args->command == CMD_CREATE) {
        if (args->nic_count == HVCTL_NIC_OPTIONS_MAX) {
            snprintf(err, err_size,
                     "%s: --nic given more than %d times (a VM has at most %d network adapters)",
                     cmd->name, HVCTL_NIC_OPTIONS_MAX, HVCTL_NIC_OPTIONS_MAX);
            return -1;
        }
        args->nics[args->nic_count++] = eq + 1;
        return 0;
    }
    *(const char **)((char *)args + opt->value_offset) = eq + 1;
    return 0;
}

/* The disk commands' combinations of options and operands. */
static int check_disk_command(const struct hvctl_args *args, char *err, size_t err_size)
{
    const char *name = commands[args->command].name;

    if ((args->given & OPT_FIXED) && (args->given & OPT_DYNAMIC)) {
        snprintf(err, err_size, "%s: --fixed and --dynamic contradict each other", name);
        return -1;
    }
    if (args->command == CMD_DISK_CREATE) {
        if ((args->given & OPT_PARENT) && (args->given & (OPT_FIXED | OPT_DYNAMIC))) {
            snprintf(err, err_size, "%s: --parent makes a differencing image: %s goes without it",
                     name, (args->given & OPT_FIXED) ? "--fixed" : "--dynamic");
            return -1;
        }
        if (!(args->given & (OPT_SIZE | OPT_PARENT))) {
            snprintf(err, err_size, "%s: --size SIZE is required (or --parent PATH)", name);
            return -1;
        }
    }
    if (args->command == CMD_DISK_DETACH) {
        bool by_path = args->operand_count > 1, by_lun = (args->given & OPT_LUN) != 0;

        if (by_path == by_lun) {
            snprintf(err, err_size, "%s: give the disk's PATH or --lun N%s", name,
                     by_path ? ", not both" : "");
            return -1;
        }
    }
    return 0;
}

/* What the missing required option @bits is, for a message. */
static const char *required_text(unsigned bits)
{
    if (bits & OPT_TYPE)
        return "--type internal|private|external";
    return "--size SIZE";
}

/* The first option of @bits that @args has, as "--name", for a message. */
static const char *first_option(const struct hvctl_args *args, unsigned bits)
{
    for (size_t o = 0; o < N_OPTIONS; o++) {
        if ((options[o].bit & bits & args->given) != 0)
            return options[o].name;
    }
    return "?";
}

/*
 * create's options against its --generation: generation 2 (the default)
 * boots a kernel, so it needs --kernel and has no use for a firmware or
 * IDE devices; generation 1 boots its firmware from its disks, so a
 * kernel's options are a mistake.  All of it shows on the command line, so
 * it is a usage error.  A --generation that is neither 1 nor 2 is create's
 * to refuse (its value does not make sense: exit status 1): nothing is
 * checked here then.
 */
static int check_create(const struct hvctl_args *args, char *err, size_t err_size)
{
    bool gen1, gen2;

    gen1 = (args->given & OPT_GENERATION) && strcmp(args->generation, "1") == 0;
    gen2 = !(args->given & OPT_GENERATION) || strcmp(args->generation, "2") == 0;
    if (gen2 && (args->given & (OPT_IDE | OPT_FIRMWARE))) {
        snprintf(err, err_size,
                 "create: --%s is for generation 1 VMs (add --generation 1; a generation 2 VM "
                 "boots --kernel directly)",
                 first_option(args, OPT_IDE | OPT_FIRMWARE));
        return -1;
    }
    if (gen2 && !(args->given & OPT_KERNEL)) {
        snprintf(err, err_size,
                 "create: --kernel PATH is required (or --generation 1, for a VM "
                 "that boots its firmware from its disks)");
        return -1;
    }
    if (gen1 && (args->given & KERNEL_OPTIONS)) {
        snprintf(err, err_size,
                 "create: --%s is for generation 2 VMs (a generation 1 VM boots its firmware "
                 "from its disks, --ide or --disk)",
                 first_option(args, KERNEL_OPTIONS));
        return -1;
    }
    return 0;
}

static bool is_disk_command(enum hvctl_command command)
{
    return command >= CMD_DISK && command <= CMD_DISK_LIST;
}

static void list_settable(char *buf, size_t size)
{
    snprintf(buf, size,
             "--memory, --cpus, --kernel, --initrd, --no-initrd, --cmdline or --firmware");
}

int hvctl_args_parse(int argc, char *const argv[], struct hvctl_args *args, char *err,
                     size_t err_size)
{
    const struct command_spec *cmd;
    const char *subcommands;
    enum hvctl_command group;
    bool operands_only = false;
    int first_arg = 2;

    memset(args, 0, sizeof(*args));
    if (argc < 2) {
        snprintf(err, err_size, "no command given (hvctl --help lists the commands)");
        return -1;
    }
    if (is_help(argv[1]) || strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--version") == 0)
        return parse_global(argc, argv, args, err, err_size);
    if (argv[1][0] == '-') {
        snprintf(err, err_size, "unknown option %s (hvctl --help lists the commands)", argv[1]);
        return -1;
    }
    args->command = find_top_command(argv[1]);
    if (args->command == CMD_NONE) {
        snprintf(err, err_size, "unknown command '%s' (hvctl --help lists the commands)", argv[1]);
        return -1;
    }
    group = args->command;
    subcommands = group_subcommands(group);
    if (subcommands != NULL && argc > 2 && argv[2][0] != '-') {
        args->command = find_sub_command(group, argv[2]);
        if (args->command == CMD_NONE) {
            snprintf(err, err_size, "unknown %s command '%s' (%s; hvctl %s --help describes them)",
                     argv[1], argv[2], subcommands, argv[1]);
            return -1;
        }
        first_arg = 3;
    }
    cmd = &commands[args->command];

    /* --help anywhere (before "--") wins over everything else on the line. */
    for (int i = first_arg; i < argc && strcmp(argv[i], "--") != 0; i++) {
        if (is_help(argv[i])) {
            args->help = true;
            return 0;
        }
    }
    if (args->command == group && subcommands != NULL) {
        snprintf(err, err_size, "%s: missing the %s command (%s; hvctl %s --help)", argv[1],
                 argv[1], subcommands, argv[1]);
        return -1;
    }

    for (int i = first_arg; i < argc; i++) {
        const char *arg = argv[i];

        if (!operands_only && strcmp(arg, "--") == 0) {
            operands_only = true;
        } else if (!operands_only && arg[0] == '-' && arg[1] != '\0') {
            if (parse_option(cmd, argc, argv, &i, args, err, err_size) != 0)
                return -1;
        } else if (args->operand_count < HVCTL_OPERANDS_MAX &&
                   cmd->operands[args->operand_count] != NULL) {
            args->operands[args->operand_count++] = arg;
        } else {
            snprintf(err, err_size, "%s: unexpected argument '%s'", cmd->name, arg);
            return -1;
        }
    }

    if (args->operand_count < cmd->min_operands) {
        const char *missing = cmd->operands[args->operand_count];

        if (strcmp(missing, "NAME") == 0)
            snprintf(err, err_size, "%s: missing the VM name (hvctl %s --help)", cmd->name,
                     cmd->name);
        else
            snprintf(err, err_size, "%s: missing %s (hvctl %s --help)", cmd->name, missing,
                     cmd->name);
        return -1;
    }
    if (args->operand_count > 0 && strcmp(cmd->operands[0], "NAME") == 0)
        args->name = args->operands[0];
    if (args->command == CMD_CREATE && check_create(args, err, err_size) != 0)
        return -1;
    if ((args->given & cmd->required) != cmd->required) {
        /* disk expand needs --size, switch create --type. */
        snprintf(err, err_size, "%s: %s is required", cmd->name,
                 required_text(cmd->required & ~args->given));
        return -1;
    }
    if (is_disk_command(args->command) && check_disk_command(args, err, err_size) != 0)
        return -1;
    if (args->command == CMD_SET) {
        char settable[128];

        list_settable(settable, sizeof(settable));
        if (args->given == 0) {
            snprintf(err, err_size, "set: nothing to change (give %s)", settable);
            return -1;
        }
        if ((args->given & OPT_INITRD) && (args->given & OPT_NO_INITRD)) {
            snprintf(err, err_size, "set: --initrd and --no-initrd contradict each other");
            return -1;
        }
    }
    /* --timeout and --force are about waiting for the guest, which --turn-off does not do. */
    if (args->command == CMD_STOP && (args->given & OPT_TURN_OFF) &&
        (args->given & (OPT_TIMEOUT | OPT_FORCE))) {
        snprintf(err, err_size, "stop: --turn-off does not wait for the guest: %s goes without it",
                 (args->given & OPT_TIMEOUT) ? "--timeout" : "--force");
        return -1;
    }
    return 0;
}
