/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvctl's command line: "hvctl COMMAND [OPTIONS] [NAME]", or for the
 * groups of commands "hvctl GROUP SUBCOMMAND [OPTIONS] OPERANDS...": disk
 * (a VM NAME and/or image paths), switch (a switch's name), nic (a VM
 * NAME, then a NIC) and ide (a VM NAME, then a device C:D[=PATH]).  Options may come before or
 * after the operands, as
 * "--opt VALUE" or "--opt=VALUE"; "--" ends them.
 * This only checks the shape of the command line (which options a command
 * takes, that values and NAME are there); whether the values make sense is
 * the command's business, because that is a different kind of error (exit
 * status 1, not 2).
 */
#ifndef HVCTL_ARGS_H
#define HVCTL_ARGS_H

#include <stdbool.h>
#include <stddef.h>

enum hvctl_command {
    CMD_NONE,
    CMD_HELP,    /* hvctl --help, hvctl help [COMMAND] */
    CMD_VERSION, /* hvctl --version */
    CMD_CREATE,
    CMD_SET,
    CMD_SHOW,
    CMD_DELETE,
    CMD_START,
    CMD_STOP,
    CMD_PAUSE,
    CMD_RESUME,
    CMD_STATUS,
    CMD_LIST,
    CMD_CONSOLE,
    CMD_KVP,
    CMD_DISK, /* "hvctl disk" alone: only its help; the rest are its subcommands */
    CMD_DISK_CREATE,
    CMD_DISK_INFO,
    CMD_DISK_CONVERT,
    CMD_DISK_COMPACT,
    CMD_DISK_EXPAND,
    CMD_DISK_ATTACH,
    CMD_DISK_DETACH,
    CMD_DISK_LIST,
    CMD_SWITCH, /* "hvctl switch" alone: only its help */
    CMD_SWITCH_CREATE,
    CMD_SWITCH_LIST,
    CMD_SWITCH_DELETE,
    CMD_NIC, /* "hvctl nic" alone: only its help */
    CMD_NIC_ADD,
    CMD_NIC_REMOVE,
    CMD_NIC_LIST,
    CMD_IDE, /* "hvctl ide" alone: only its help */
    CMD_IDE_SET,
    CMD_IDE_REMOVE,
    CMD_IDE_LIST,
    CMD_COUNT
};

/* One bit per option, in hvctl_args.given. */
enum hvctl_option {
    OPT_MEMORY = 1u << 0,
    OPT_CPUS = 1u << 1,
    OPT_KERNEL = 1u << 2,
    OPT_INITRD = 1u << 3,
    OPT_NO_INITRD = 1u << 4,
    OPT_CMDLINE = 1u << 5,
    OPT_JSON = 1u << 6,
    OPT_TURN_OFF = 1u << 7,
    OPT_LOG = 1u << 8,
    OPT_TIMEOUT = 1u << 9,
    OPT_FORCE = 1u << 10,
    OPT_SET = 1u << 11,
    OPT_DISK = 1u << 12, /* create --disk PATH[,readonly], may be repeated */
    OPT_SIZE = 1u << 13,
    OPT_FIXED = 1u << 14,
    OPT_DYNAMIC = 1u << 15,
    OPT_PARENT = 1u << 16,
    OPT_BLOCK_SIZE = 1u << 17,
    OPT_READONLY = 1u << 18,
    OPT_LUN = 1u << 19,
    OPT_NIC = 1u << 20, /* create --nic SWITCH[,...], may be repeated; switch create --nic DEV */
    OPT_TYPE = 1u << 21,
    OPT_ADDRESS = 1u << 22,
    OPT_MTU = 1u << 23,
    OPT_GENERATION = 1u << 24, /* create --generation 1|2 */
    OPT_IDE = 1u << 25,        /* create --ide C:D=PATH[,...], may be repeated */
    OPT_FIRMWARE = 1u << 26,   /* create, set --firmware PATH (generation 1) */
};

#define HVCTL_DISK_OPTIONS_MAX 64 /* --disk given at most this often (a VM's disks) */
#define HVCTL_NIC_OPTIONS_MAX  8  /* create --nic given at most this often (a VM's NICs) */
#define HVCTL_IDE_OPTIONS_MAX  4  /* create --ide given at most this often (a VM's IDE slots) */
#define HVCTL_OPERANDS_MAX     2

struct hvctl_args {
    enum hvctl_command command;
    bool help;                     /* COMMAND --help: print its help and do nothing else */
    enum hvctl_command help_topic; /* "hvctl help COMMAND"; CMD_NONE for the overview */
    const char *name;              /* the VM's name, as given (not validated here); NULL for
                                    * the disk commands on images (create, info, ...) */
    /* The operands in order, the VM's NAME included (disk attach NAME PATH: NAME, PATH). */
    const char *operands[HVCTL_OPERANDS_MAX];
    unsigned operand_count;
    unsigned given; /* OPT_* of the options given */
    /* The values of the options that take one; NULL when not given. */
    const char *memory;
    const char *cpus;
    const char *kernel;
    const char *initrd;
    const char *cmdline;
    const char *timeout;                       /* stop --timeout SECONDS */
    const char *set;                           /* kvp --set KEY=VALUE */
    const char *size;                          /* disk create, expand --size SIZE */
    const char *parent;                        /* disk create --parent PATH */
    const char *block_size;                    /* disk create, convert --block-size SIZE */
    const char *lun;                           /* disk attach, detach --lun N */
    const char *disks[HVCTL_DISK_OPTIONS_MAX]; /* create --disk, in order */
    unsigned disk_count;
    const char *nics[HVCTL_NIC_OPTIONS_MAX]; /* create --nic, in order */
    unsigned nic_count;
    const char *nic;                         /* switch create --nic DEV */
    const char *type;                        /* switch create --type TYPE */
    const char *address;                     /* switch create --address A.B.C.D/N */
    const char *mtu;                         /* switch create --mtu N */
    const char *generation;                  /* create --generation 1|2 */
    const char *firmware;                    /* create, set --firmware PATH */
    const char *ides[HVCTL_IDE_OPTIONS_MAX]; /* create --ide, in order */
    unsigned ide_count;
};

/*
 * Parses @argc/@argv (argv[0] is the program).  0, or -1 for a usage error
 * with the reason in @err.  The strings in @args point into @argv.
 */
int hvctl_args_parse(int argc, char *const argv[], struct hvctl_args *args, char *err,
                     size_t err_size);

/* "create", "stop", "disk attach", "switch create"...; NULL for CMD_NONE, CMD_HELP and
 * CMD_VERSION. */
const char *hvctl_command_name(enum hvctl_command command);

/* The options @command accepts (OPT_* bits). */
unsigned hvctl_command_options(enum hvctl_command command);

#endif
