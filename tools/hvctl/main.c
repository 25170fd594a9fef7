// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvctl: the partition manager of the hvcore parent partition.  It keeps the
 * child partitions' (VMs') configurations under the state directory and
 * starts, asks and turns off their worker processes (vmwp).  This file
 * dispatches the commands and holds the help; README.md is the manual.
 */
#include <stdio.h>

#include <hv/hv.h>

#include "args.h"
#include "commands.h"
#include "msg.h"
#include "paths.h"

static const char overview[] =
    "Usage: hvctl COMMAND [OPTIONS] [NAME]\n"
    "\n"
    "Manage the child partitions (VMs) of the " HV_NAME " hypervisor from its parent partition.\n"
    "\n"
    "Commands:\n"
    "  create NAME --kernel PATH [OPTIONS]  create a VM (it is off)\n"
    "  set NAME OPTIONS                     change the configuration of a VM that is off\n"
    "  show NAME                            print a VM's configuration and state\n"
    "  delete NAME                          delete a VM that is off\n"
    "  start NAME                           start a VM\n"
    "  stop NAME                            shut a VM down through its guest, and wait\n"
    "  stop --turn-off NAME                 power a VM off at once\n"
    "  pause NAME                           freeze a running VM\n"
    "  resume NAME                          continue a paused VM\n"
    "  status NAME                          print a VM's state: off, running or paused\n"
    "  list [--json]                        list the VMs: NAME STATE CPUS MEMORY UPTIME HEARTBEAT\n"
    "  console NAME [--log]                 attach to a VM's serial console (detach: Ctrl-])\n"
    "  kvp NAME [--set KEY=VALUE]           print the guest's key-value pairs, or give it one\n"
    "  help [COMMAND]                       this help, or a command's\n"
    "\n"
    "hvctl COMMAND --help describes a command and its options.\n"
    "\n"
    "Environment:\n"
    "  HVCORE_STATE_DIR  the configurations, in vms/NAME/vm.conf (default " STATE_DIR_DEFAULT ")\n"
    "  HVCORE_RUN_DIR    the running VMs' pid files, sockets and logs, in NAME/ "
    "(default " RUN_DIR_DEFAULT ")\n"
    "  HVCORE_VMWP       the worker program (default: vmwp next to hvctl, else in PATH)\n"
    "\n"
    "Exit status: 0 done; 1 an error, said on stderr, and nothing changed; 2 a malformed\n"
    "command line.\n";

/* The help of each command: usage, what it does, its options. */
static const char *const command_help[CMD_COUNT] = {
    [CMD_CREATE] =
        "Usage: hvctl create NAME --kernel PATH [--initrd PATH] [--memory SIZE] [--cpus N]\n"
        "                         [--cmdline TEXT]\n"
        "\n"
        "Create the VM NAME, off, and save its configuration in\n"
        "$HVCORE_STATE_DIR/vms/NAME/vm.conf.  NAME is 1 to 63 letters, digits, '.', '_' and\n"
        "'-', starting with a letter or a digit; it must not be taken.\n"
        "\n"
        "Options:\n"
        "  --kernel PATH   the Linux kernel (bzImage) to boot: a readable file (required)\n"
        "  --initrd PATH   its initial ramdisk: a readable file (default: none)\n"
        "  --memory SIZE   memory, with an optional suffix K, M, G or T (powers of 1024): a\n"
        "                  multiple of 1M, at least 64M, at most the parent's RAM (default 512M)\n"
        "  --cpus N        virtual CPUs, 1 to 64 (default 1); more than the parent has is\n"
        "                  allowed, with a warning\n"
        "  --cmdline TEXT  the kernel's command line (default \"" VM_CMDLINE_DEFAULT "\")\n"
        "\n"
        "Relative paths are made absolute.  Example:\n"
        "  hvctl create web --memory 1G --cpus 2 --kernel /boot/vmlinuz --initrd "
        "/boot/initrd.img\n",
    [CMD_SET] =
        "Usage: hvctl set NAME [--memory SIZE] [--cpus N] [--kernel PATH] [--initrd PATH]\n"
        "                      [--no-initrd] [--cmdline TEXT]\n"
        "\n"
        "Change the configuration of the VM NAME, which must be off.  The options are those\n"
        "of create (hvctl create --help), with the same checks; what is not given stays.\n"
        "\n"
        "Options:\n"
        "  --memory SIZE   memory (multiple of 1M, at least 64M, at most the parent's RAM)\n"
        "  --cpus N        virtual CPUs, 1 to 64\n"
        "  --kernel PATH   the kernel to boot\n"
        "  --initrd PATH   its initial ramdisk\n"
        "  --no-initrd     boot without an initial ramdisk\n"
        "  --cmdline TEXT  the kernel's command line (\"\" for none)\n",
    [CMD_SHOW] = "Usage: hvctl show NAME\n"
                 "\n"
                 "Print the VM NAME's configuration and its state.\n",
    [CMD_DELETE] = "Usage: hvctl delete NAME\n"
                   "\n"
                   "Delete the VM NAME: its configuration and its logs.  It must be off\n"
                   "(hvctl stop NAME).  Kernel and initrd files are not touched.\n",
    [CMD_START] =
        "Usage: hvctl start NAME\n"
        "\n"
        "Start the VM NAME: run its worker (vmwp) and wait, up to 30 s, until it is up.  If it\n"
        "does not come up, the end of the worker's log says why (the whole log is in\n"
        "$HVCORE_RUN_DIR/NAME/vmwp.log).  Starting a VM that runs is an error.\n",
    [CMD_STOP] =
        "Usage: hvctl stop NAME [--timeout SECONDS] [--force]\n"
        "       hvctl stop --turn-off NAME\n"
        "\n"
        "Shut the VM NAME down: ask its guest to power off, through the guest's shutdown\n"
        "service (Linux's hv_utils), and wait until it is off.  Nothing is printed while\n"
        "waiting, but a count on a terminal.  If the guest has no shutdown service (not\n"
        "loaded, or still booting), if the VM is paused, or if it is not off in time, hvctl\n"
        "says so and exits 1: hvctl stop --turn-off NAME then powers it off at once.\n"
        "\n"
        "Options:\n"
        "  --timeout SECONDS  how long the guest has to shut down, 1 to 86400 (default 60)\n"
        "  --force            when the guest cannot be asked or is not off in time, turn the\n"
        "                     VM off instead (with a warning), as --turn-off does\n"
        "  --turn-off         power the VM off at once, like pulling the plug: the guest gets\n"
        "                     no chance to shut down.  Its worker is killed if it has not\n"
        "                     exited 10 s later.  Takes no other option.\n",
    [CMD_PAUSE] = "Usage: hvctl pause NAME\n"
                  "\n"
                  "Freeze the running VM NAME: its CPUs stop; its memory stays.\n",
    [CMD_RESUME] = "Usage: hvctl resume NAME\n"
                   "\n"
                   "Let the paused VM NAME run again.\n",
    [CMD_STATUS] = "Usage: hvctl status NAME\n"
                   "\n"
                   "Print the VM NAME's state, one word: off, running, paused or crashed.\n",
    [CMD_LIST] =
        "Usage: hvctl list [--json]\n"
        "\n"
        "List the VMs, by name: NAME STATE CPUS MEMORY UPTIME HEARTBEAT.  UPTIME is like 35s,\n"
        "4m05s, 1h02m or 3d04h; '-' when off.  HEARTBEAT is the guest's heartbeat service:\n"
        "OK, lost (it answered, then stopped: the guest may hang) or no contact (it never\n"
        "answered: no hv_utils, or still booting); '-' when off.  A VM whose configuration\n"
        "cannot be read is left out with a warning, and the exit status is 1.\n"
        "\n"
        "Options:\n"
        "  --json  a JSON array instead, one object per VM:\n"
        "          {\"name\", \"state\", \"cpus\", \"memory_bytes\", \"uptime_s\", \"heartbeat\"}\n"
        "          (heartbeat \"ok\", \"lost\" or \"none\"; uptime_s and heartbeat are null\n"
        "          when the VM is off)\n",
    [CMD_CONSOLE] =
        "Usage: hvctl console NAME [--log]\n"
        "\n"
        "Attach this terminal to the running VM NAME's serial console (its COM1).  Every key\n"
        "goes to the guest, Ctrl-C included; Ctrl-] (Ctrl and the ']' key) detaches, and the\n"
        "VM goes on running.  When stdin is not a terminal, its bytes are sent as they are,\n"
        "and the end of stdin ends the session once the guest is quiet.\n"
        "\n"
        "Options:\n"
        "  --log  print what the guest wrote to its console since it last started, from\n"
        "         $HVCORE_RUN_DIR/NAME/console.log (also once it is off)\n",
    [CMD_KVP] =
        "Usage: hvctl kvp NAME [--set KEY=VALUE]\n"
        "\n"
        "Print the key-value pairs the running VM NAME's guest publishes through its data\n"
        "exchange service (Linux's hv_kvp_daemon): one per line, POOL KEY VALUE, where POOL\n"
        "is auto (the guest's own: OSName, FullyQualifiedDomainName, NetworkAddressIPv4...)\n"
        "or guest, KEY is one word and VALUE the rest of the line.  Control characters are\n"
        "shown escaped (\\t, \\n, \\xHH, and \\x20 for a space in POOL or KEY), a backslash\n"
        "as \\\\.\n"
        "\n"
        "Options:\n"
        "  --set KEY=VALUE  give the guest a host-to-guest pair instead (its pool 0, external;\n"
        "                   setting a KEY again replaces it).  KEY is 1 to 255 characters, VALUE\n"
        "                   up to 1023, in UTF-8 (at most 511 and 2047 bytes); the first '='\n"
        "                   ends KEY.  The guest gets it once its data exchange service runs.\n",
};

static int print_help(enum hvctl_command topic)
{
    if (topic == CMD_NONE || command_help[topic] == NULL)
        fputs(overview, stdout);
    else
        fputs(command_help[topic], stdout);
    return HVCTL_EXIT_OK;
}

typedef int (*command_fn)(const struct hvctl_paths *, const struct hvctl_args *);

static const command_fn command_fns[CMD_COUNT] = {
    [CMD_CREATE] = cmd_create, [CMD_SET] = cmd_set,         [CMD_SHOW] = cmd_show,
    [CMD_DELETE] = cmd_delete, [CMD_START] = cmd_start,     [CMD_STOP] = cmd_stop,
    [CMD_PAUSE] = cmd_pause,   [CMD_RESUME] = cmd_resume,   [CMD_STATUS] = cmd_status,
    [CMD_LIST] = cmd_list,     [CMD_CONSOLE] = cmd_console, [CMD_KVP] = cmd_kvp,
};

int main(int argc, char **argv)
{
    struct hvctl_args args;
    struct hvctl_paths paths;
    char err[HVCTL_ERR_MAX];

    if (hvctl_args_parse(argc, argv, &args, err, sizeof(err)) != 0) {
        hvctl_error("%s", err);
        return HVCTL_EXIT_USAGE;
    }
    if (args.command == CMD_VERSION) {
        printf("hvctl (" HV_NAME ") " HV_VERSION "\n");
        return HVCTL_EXIT_OK;
    }
    if (args.command == CMD_HELP)
        return print_help(args.help_topic);
    if (args.help)
        return print_help(args.command);
    if (paths_from_env(&paths, err, sizeof(err)) != 0) {
        hvctl_error("%s", err);
        return HVCTL_EXIT_ERROR;
    }
    return command_fns[args.command](&paths, &args);
}
