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
    "  create NAME --generation 1 [OPTIONS] create a generation 1 VM: BIOS, IDE, legacy NIC\n"
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
    "  disk create PATH --size SIZE         create a virtual hard disk (raw, .vhd, .vhdx)\n"
    "  disk info PATH                       describe a disk image and its parents\n"
    "  disk convert IN OUT                  copy a disk into a new image of another format\n"
    "  disk compact PATH                    give back the space of unused blocks\n"
    "  disk expand PATH --size SIZE         make a disk larger\n"
    "  disk attach NAME PATH                give a VM a disk (also while it runs)\n"
    "  disk detach NAME PATH|--lun N        take a disk from a VM (also while it runs)\n"
    "  disk list NAME                       list a VM's disks: LUN MODE FORMAT SIZE PATH\n"
    "  switch create NAME --type TYPE       create a virtual switch: internal, private, external\n"
    "  switch list                          list the virtual switches and their VMs\n"
    "  switch delete NAME                   delete a virtual switch that no VM uses\n"
    "  nic add NAME SWITCH[,OPTIONS]        give a VM that is off a network adapter\n"
    "  nic remove NAME INDEX                take a network adapter from a VM that is off\n"
    "  nic list NAME                        list a VM's network adapters: NIC SWITCH MAC VLAN\n"
    "  ide set NAME C:D=PATH[,OPTIONS]      give a VM that is off an IDE disk or DVD\n"
    "  ide remove NAME C:D                  take an IDE device from a VM that is off\n"
    "  ide list NAME                        list a VM's IDE devices: SLOT MEDIA FORMAT SIZE PATH\n"
    "  help [COMMAND]                       this help, or a command's\n"
    "\n"
    "hvctl COMMAND --help describes a command and its options.\n"
    "\n"
    "Environment:\n"
    "  HVCORE_STATE_DIR  vms/NAME/vm.conf, switches/NAME.conf, host.conf "
    "(default " STATE_DIR_DEFAULT ")\n"
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
        "                         [--cmdline TEXT] [--disk PATH[,readonly]]...\n"
        "                         [--nic SWITCH[,vlan=N][,mac=MAC]]...\n"
        "       hvctl create NAME --generation 1 [--firmware PATH] [--memory SIZE] [--cpus N]\n"
        "                         [--ide C:D=PATH[,readonly|,dvd]]... [--disk PATH[,readonly]]...\n"
        "                         [--nic SWITCH[,vlan=N][,mac=MAC][,legacy]]...\n"
        "\n"
        "Create the VM NAME, off, and save its configuration in\n"
        "$HVCORE_STATE_DIR/vms/NAME/vm.conf.  NAME is 1 to 63 letters, digits, '.', '_' and\n"
        "'-', starting with a letter or a digit; it must not be taken.\n"
        "\n"
        "A generation 2 VM (the default) boots its Linux kernel directly.  A generation 1 VM,\n"
        "as on Hyper-V, is an emulated PC (440BX chipset, PIIX4 IDE) whose BIOS boots it\n"
        "from its IDE disks or DVD: for guests without Hyper-V drivers.\n"
        "\n"
        "Options:\n"
        "  --generation N  1 or 2 (default 2); a VM keeps its generation\n"
        "  --kernel PATH   the Linux kernel (bzImage) to boot: a readable file (required for\n"
        "                  generation 2; generation 1 takes no --kernel, --initrd or --cmdline)\n"
        "  --initrd PATH   its initial ramdisk: a readable file (default: none)\n"
        "  --memory SIZE   memory, with an optional suffix K, M, G or T (powers of 1024): a\n"
        "                  multiple of 1M, at least 64M, at most the parent's RAM (default 512M)\n"
        "  --cpus N        virtual CPUs, 1 to 64 (default 1); more than the parent has is\n"
        "                  allowed, with a warning\n"
        "  --cmdline TEXT  the kernel's command line (default \"" VM_CMDLINE_DEFAULT "\")\n"
        "  --firmware PATH generation 1: the BIOS image, a readable file (default\n"
        "                  " VM_FIRMWARE_DEFAULT ", which must be there)\n"
        "  --ide C:D=PATH[,readonly|,dvd]\n"
        "                  generation 1: an IDE device on channel C, device D (0:0, 0:1, 1:0 or\n"
        "                  1:1, each once): a disk image (raw, VHD or VHDX; ,readonly: the guest\n"
        "                  cannot write to it) or, with ,dvd or a PATH ending in .iso, a DVD\n"
        "                  drive with the ISO image PATH in it.  The image must open (and not\n"
        "                  be in use by a running VM).  IDE has no hot plug: hvctl ide set and\n"
        "                  remove change them while the VM is off\n"
        "  --disk PATH[,readonly]\n"
        "                  a disk image (raw, VHD or VHDX) for the VM's SCSI controller; give it\n"
        "                  once per disk, up to 64: they get LUNs 0, 1, 2... in this order.\n"
        "                  ,readonly: the guest cannot write to it.  The image must open (and\n"
        "                  not be in use by a running VM)\n"
        "  --nic SWITCH[,vlan=N][,mac=MAC][,legacy]\n"
        "                  a network adapter on the virtual switch SWITCH (hvctl switch list);\n"
        "                  once per NIC, up to 8: they get indexes 0, 1, 2... in this order.\n"
        "                  vlan=N: the NIC is in VLAN N (1 to 4094) only.  mac=MAC: its\n"
        "                  address, 00:15:5d:00:00:10 (unicast, not used on this host);\n"
        "                  without it, the next free one of the host's pool.  legacy: an\n"
        "                  emulated NIC (DEC 21140) instead of a synthetic one: generation 1\n"
        "                  only\n"
        "\n"
        "Relative paths are made absolute (and disk paths canonical).  Examples:\n"
        "  hvctl create web --memory 1G --cpus 2 --kernel /boot/vmlinuz --initrd "
        "/boot/initrd.img\n"
        "               --disk /vms/web.vhdx --disk /vms/data.vhd,readonly --nic lan\n"
        "  hvctl create old --generation 1 --memory 512M --ide 0:0=/vms/old.img\n"
        "               --ide 1:0=/isos/install.iso --nic lan,legacy\n",
    [CMD_SET] =
        "Usage: hvctl set NAME [--memory SIZE] [--cpus N] [--kernel PATH] [--initrd PATH]\n"
        "                      [--no-initrd] [--cmdline TEXT] [--firmware PATH]\n"
        "\n"
        "Change the configuration of the VM NAME, which must be off.  The options are those\n"
        "of create (hvctl create --help), with the same checks; what is not given stays.\n"
        "The generation stays too: --kernel, --initrd, --no-initrd and --cmdline are for\n"
        "generation 2 VMs, --firmware for generation 1 (IDE devices: hvctl ide set).\n"
        "\n"
        "Options:\n"
        "  --memory SIZE   memory (multiple of 1M, at least 64M, at most the parent's RAM)\n"
        "  --cpus N        virtual CPUs, 1 to 64\n"
        "  --kernel PATH   the kernel to boot\n"
        "  --initrd PATH   its initial ramdisk\n"
        "  --no-initrd     boot without an initial ramdisk\n"
        "  --cmdline TEXT  the kernel's command line (\"\" for none)\n"
        "  --firmware PATH the BIOS image a generation 1 VM boots\n",
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
    [CMD_DISK] =
        "Usage: hvctl disk COMMAND [OPTIONS] OPERANDS\n"
        "\n"
        "Virtual hard disks: make and change disk images, and give them to VMs.  Three formats:\n"
        "raw (the disk's bytes), VHD (.vhd, up to 2040G) and VHDX (.vhdx, up to 64T); an image\n"
        "is recognized by its content, a new one's format comes from its name's extension.\n"
        "\n"
        "Commands:\n"
        "  create PATH --size SIZE [--fixed] [--block-size SIZE]   a new, empty image\n"
        "  create PATH --parent PARENT         a differencing image on PARENT\n"
        "  info PATH                           format, type, sizes, parents\n"
        "  convert IN OUT [--fixed|--dynamic]  copy IN (flattened) into a new image OUT\n"
        "  compact PATH                        give back the space of blocks that hold zeros\n"
        "  expand PATH --size SIZE             make the disk larger\n"
        "  attach NAME PATH [--readonly] [--lun N]  give the VM NAME a disk\n"
        "  detach NAME PATH|--lun N            take a disk from the VM NAME\n"
        "  list NAME                           the VM NAME's disks\n"
        "\n"
        "hvctl disk COMMAND --help describes one.  An image that a running VM uses is locked:\n"
        "it cannot be compacted, expanded, or given to another VM meanwhile.\n",
    [CMD_DISK_CREATE] =
        "Usage: hvctl disk create PATH --size SIZE [--fixed|--dynamic] [--block-size SIZE]\n"
        "       hvctl disk create PATH --parent PARENT [--block-size SIZE]\n"
        "\n"
        "Create the disk image PATH, which must not exist.  Its format comes from the name:\n"
        ".vhd is VHD, .vhdx is VHDX, anything else raw.  A new disk reads as zeros.\n"
        "\n"
        "Options:\n"
        "  --size SIZE        the disk's size, with an optional suffix K, M, G or T (powers of\n"
        "                     1024): a multiple of 1M (required without --parent)\n"
        "  --dynamic          the file grows as the disk is written (the default; raw images\n"
        "                     are always fixed)\n"
        "  --fixed            the file has the disk's whole size at once\n"
        "  --parent PARENT    a differencing image: it reads as PARENT, and keeps only what\n"
        "                     is written to it; its size is PARENT's\n"
        "  --block-size SIZE  the allocation unit of a dynamic or differencing image (default:\n"
        "                     VHD 2M, VHDX 32M)\n"
        "\n"
        "Example:\n"
        "  hvctl disk create /vms/web.vhdx --size 20G\n",
    [CMD_DISK_INFO] =
        "Usage: hvctl disk info PATH\n"
        "\n"
        "Describe the disk image PATH: its format, type (fixed, dynamic or differencing),\n"
        "virtual size (what the guest sees), file size and the space it takes, block size,\n"
        "sector sizes, and for a differencing image each image of its parent chain.\n",
    [CMD_DISK_CONVERT] =
        "Usage: hvctl disk convert IN OUT [--fixed|--dynamic] [--block-size SIZE]\n"
        "\n"
        "Copy the disk IN, with its parents flattened into it, into the new image OUT (which\n"
        "must not exist), in the format OUT's name says (.vhd, .vhdx, else raw).  Blocks that\n"
        "hold only zeros stay unallocated in a dynamic OUT.  On a terminal a progress bar\n"
        "shows on stderr.  On failure OUT is removed.\n"
        "\n"
        "Options:\n"
        "  --dynamic          OUT grows as it is written (the default)\n"
        "  --fixed            OUT has its whole size at once\n"
        "  --block-size SIZE  OUT's allocation unit (default: VHD 2M, VHDX 32M)\n",
    [CMD_DISK_COMPACT] =
        "Usage: hvctl disk compact PATH\n"
        "\n"
        "Give back the space of the blocks of the dynamic or differencing image PATH that\n"
        "hold only zeros (in a differencing image, where its parent reads as zeros too), so\n"
        "that the file shrinks.  Refused while a running VM uses it.  In the guest, trim the\n"
        "file systems first (fstrim) so that unused blocks are zeros.  On a terminal a\n"
        "progress bar shows on stderr.\n",
    [CMD_DISK_EXPAND] =
        "Usage: hvctl disk expand PATH --size SIZE\n"
        "\n"
        "Make the disk PATH SIZE large (a multiple of 1M, more than now); the new space reads\n"
        "as zeros.  Refused while a running VM uses it.  The guest's partitions and file\n"
        "systems stay as they were: grow them inside the guest.\n"
        "\n"
        "Options:\n"
        "  --size SIZE  the new size, with an optional suffix K, M, G or T (required)\n",
    [CMD_DISK_ATTACH] =
        "Usage: hvctl disk attach NAME PATH [--readonly] [--lun N]\n"
        "\n"
        "Give the VM NAME the disk image PATH, on its SCSI controller.  While the VM runs,\n"
        "the disk is added at once (the guest sees a new disk) and kept in its configuration;\n"
        "while it is off, only the configuration changes.  The image must open and must not\n"
        "be in use by a running VM; a VM has each image once, and at most 64 disks.  A\n"
        "generation 1 VM's IDE devices have no hot plug: hvctl ide set, while it is off.\n"
        "\n"
        "Options:\n"
        "  --readonly  the guest cannot write to the disk\n"
        "  --lun N     its LUN, 0 to 63, which must be free (default: the lowest free one)\n",
    [CMD_DISK_DETACH] =
        "Usage: hvctl disk detach NAME PATH\n"
        "       hvctl disk detach NAME --lun N\n"
        "\n"
        "Take the disk PATH (or the one at LUN N) from the VM NAME.  While the VM runs, the\n"
        "disk is removed at once (unmount it in the guest first) and from its\n"
        "configuration; while it is off, only the configuration changes.  The image file\n"
        "stays.  IDE devices are not detached: hvctl ide remove, while the VM is off.\n"
        "\n"
        "Options:\n"
        "  --lun N  the disk at LUN N instead of PATH\n",
    [CMD_DISK_LIST] =
        "Usage: hvctl disk list NAME\n"
        "\n"
        "List the VM NAME's disks, by LUN: LUN MODE FORMAT SIZE PATH.  MODE is rw or ro.\n"
        "FORMAT and SIZE come from the image: '-' when it cannot be opened (while the VM\n"
        "runs, its writable disks are locked), with a warning unless that is the reason.\n",
    [CMD_SWITCH] =
        "Usage: hvctl switch COMMAND [OPTIONS] [NAME]\n"
        "\n"
        "Virtual switches: the networks of the VMs, each a Linux bridge in the parent whose\n"
        "ports are the VMs' network adapters (hvctl create --nic, hvctl nic add).\n"
        "\n"
        "Commands:\n"
        "  create NAME --type internal [--address A.B.C.D/N] [--mtu N]  the VMs and the parent\n"
        "  create NAME --type private [--mtu N]                         the VMs only\n"
        "  create NAME --type external --nic DEV [--mtu N]              bridged to the NIC DEV\n"
        "  list                                 the switches, their bridges and their VMs\n"
        "  delete NAME                          a switch no VM has a NIC on\n"
        "\n"
        "hvctl switch COMMAND --help describes one.  A switch's configuration is in\n"
        "$HVCORE_STATE_DIR/switches/NAME.conf; its bridge is made again when a VM on it\n"
        "starts after the parent rebooted.\n",
    [CMD_SWITCH_CREATE] =
        "Usage: hvctl switch create NAME --type internal|private|external [--address A.B.C.D/N]\n"
        "                                [--nic DEV] [--mtu N]\n"
        "\n"
        "Create the virtual switch NAME (the rules of VM names; not taken) and its bridge,\n"
        "hvsw-NAME (a longer NAME is shortened and given 4 hex digits), which filters VLANs.\n"
        "\n"
        "Options:\n"
        "  --type TYPE       internal: the VMs and the parent, which has the bridge as its\n"
        "                    interface on the switch; private: the VMs only, the parent has\n"
        "                    no address and no VLAN on it; external: the VMs, the parent and\n"
        "                    the physical network of --nic (required)\n"
        "  --address A.B.C.D/N  internal only: the parent's IPv4 address on the switch\n"
        "  --nic DEV         external only (and required there): the physical network adapter\n"
        "                    that becomes the bridge's port.  Its IP addresses stay on it, where\n"
        "                    they stop working: give the parent's address to the bridge\n"
        "  --mtu N           the largest frame payload, 68 to 9000 (default 1500); an external\n"
        "                    switch's NIC gets it too\n"
        "\n"
        "Example:\n"
        "  hvctl switch create lan --type internal --address 10.0.0.1/24 --mtu 9000\n",
    [CMD_SWITCH_LIST] =
        "Usage: hvctl switch list\n"
        "\n"
        "List the virtual switches, by name: NAME TYPE MTU BRIDGE STATE ADDRESS/NIC VMS.  STATE\n"
        "is the bridge's: up, down, or missing (after a reboot, until a VM on the switch\n"
        "starts).  ADDRESS/NIC is an internal switch's address or an external one's NIC; VMS\n"
        "the VMs with a NIC on it.\n",
    [CMD_SWITCH_DELETE] =
        "Usage: hvctl switch delete NAME\n"
        "\n"
        "Delete the virtual switch NAME: its bridge (an external switch's NIC is released, and\n"
        "keeps the switch's MTU) and its configuration.  Refused while a VM has a NIC on it:\n"
        "hvctl nic remove those NICs, or delete those VMs, first.\n",
    [CMD_NIC] =
        "Usage: hvctl nic COMMAND NAME [OPERAND]\n"
        "\n"
        "A VM's network adapters (NICs), each a port of a virtual switch (hvctl switch).\n"
        "\n"
        "Commands:\n"
        "  add NAME SWITCH[,vlan=N][,mac=MAC][,legacy]  give the VM NAME a NIC (it must be off)\n"
        "  remove NAME INDEX                            take its NIC INDEX (it must be off)\n"
        "  list NAME                                    its NICs: NIC SWITCH MAC VLAN TYPE\n",
    [CMD_NIC_ADD] =
        "Usage: hvctl nic add NAME SWITCH[,vlan=N][,mac=MAC][,legacy]\n"
        "\n"
        "Give the VM NAME, which must be off, a network adapter on the virtual switch SWITCH,\n"
        "at its lowest free index (a VM has at most 8).  The options are those of\n"
        "hvctl create --nic: vlan=N (1 to 4094), mac=MAC (unicast, not used on this host;\n"
        "default: the next free address of the host's pool), legacy (an emulated NIC, for\n"
        "generation 1 VMs only).\n",
    [CMD_NIC_REMOVE] =
        "Usage: hvctl nic remove NAME INDEX\n"
        "\n"
        "Take the network adapter INDEX (hvctl nic list NAME) from the VM NAME, which must be\n"
        "off.  Its MAC address is free again.\n",
    [CMD_NIC_LIST] =
        "Usage: hvctl nic list NAME\n"
        "\n"
        "List the VM NAME's network adapters, by index: NIC SWITCH MAC VLAN TYPE.  VLAN is '-'\n"
        "for the switch's default VLAN; TYPE is synthetic, or legacy (an emulated NIC, which\n"
        "only generation 1 VMs have).\n",
    [CMD_IDE] =
        "Usage: hvctl ide COMMAND NAME [OPERAND]\n"
        "\n"
        "A generation 1 VM's IDE devices: two channels of two devices, C:D (0:0, 0:1, 1:0 and\n"
        "1:1), each a hard disk image or a DVD drive with an ISO image in it.  IDE has no hot\n"
        "plug: they change only while the VM is off.\n"
        "\n"
        "Commands:\n"
        "  set NAME C:D=PATH[,readonly|,dvd]  put a device at slot C:D (it must be off)\n"
        "  remove NAME C:D                    take the device at C:D away (it must be off)\n"
        "  list NAME                          its devices: SLOT MEDIA FORMAT SIZE PATH\n",
    [CMD_IDE_SET] =
        "Usage: hvctl ide set NAME C:D=PATH[,readonly|,dvd]\n"
        "\n"
        "Put the image PATH at the IDE slot C:D of the generation 1 VM NAME, which must be\n"
        "off, in place of what is there (to change a DVD's disc, for one).  As with hvctl\n"
        "create --ide: PATH is a disk image (raw, VHD or VHDX; ,readonly: the guest cannot\n"
        "write to it) or, with ,dvd or a name ending in .iso, an ISO image in a DVD drive.\n"
        "The image must open and must not be in use by a running VM; a VM has each image\n"
        "once.\n"
        "\n"
        "Example:\n"
        "  hvctl ide set old 1:0=/isos/debian-12.iso\n",
    [CMD_IDE_REMOVE] =
        "Usage: hvctl ide remove NAME C:D\n"
        "\n"
        "Take the IDE device at slot C:D (hvctl ide list NAME) from the generation 1 VM NAME,\n"
        "which must be off.  The image file stays.\n",
    [CMD_IDE_LIST] =
        "Usage: hvctl ide list NAME\n"
        "\n"
        "List the VM NAME's IDE devices, by slot: SLOT MEDIA FORMAT SIZE PATH.  MEDIA is rw,\n"
        "ro or dvd.  FORMAT and SIZE come from the image: '-' when it cannot be opened (while\n"
        "the VM runs, its writable disks are locked), with a warning unless that is the\n"
        "reason.\n",
};

static int print_help(enum hvctl_command topic)
{
    if (topic == CMD_NONE || topic >= CMD_COUNT || command_help[topic] == NULL)
        fputs(overview, stdout);
    else
        fputs(command_help[topic], stdout);
    return HVCTL_EXIT_OK;
}

typedef int (*command_fn)(const struct hvctl_paths *, const struct hvctl_args *);

static const command_fn command_fns[CMD_COUNT] = {
    [CMD_CREATE] = cmd_create,
    [CMD_SET] = cmd_set,
    [CMD_SHOW] = cmd_show,
    [CMD_DELETE] = cmd_delete,
    [CMD_START] = cmd_start,
    [CMD_STOP] = cmd_stop,
    [CMD_PAUSE] = cmd_pause,
    [CMD_RESUME] = cmd_resume,
    [CMD_STATUS] = cmd_status,
    [CMD_LIST] = cmd_list,
    [CMD_CONSOLE] = cmd_console,
    [CMD_KVP] = cmd_kvp,
    [CMD_DISK_CREATE] = cmd_disk_create,
    [CMD_DISK_INFO] = cmd_disk_info,
    [CMD_DISK_CONVERT] = cmd_disk_convert,
    [CMD_DISK_COMPACT] = cmd_disk_compact,
    [CMD_DISK_EXPAND] = cmd_disk_expand,
    [CMD_DISK_ATTACH] = cmd_disk_attach,
    [CMD_DISK_DETACH] = cmd_disk_detach,
    [CMD_DISK_LIST] = cmd_disk_list,
    [CMD_SWITCH_CREATE] = cmd_switch_create,
    [CMD_SWITCH_LIST] = cmd_switch_list,
    [CMD_SWITCH_DELETE] = cmd_switch_delete,
    [CMD_NIC_ADD] = cmd_nic_add,
    [CMD_NIC_REMOVE] = cmd_nic_remove,
    [CMD_NIC_LIST] = cmd_nic_list,
    [CMD_IDE_SET] = cmd_ide_set,
    [CMD_IDE_REMOVE] = cmd_ide_remove,
    [CMD_IDE_LIST] = cmd_ide_list,
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
    if (command_fns[args.command] == NULL) /* "hvctl disk" alone does not parse */
        return print_help(args.command);
    return command_fns[args.command](&paths, &args);
}
