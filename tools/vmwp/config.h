/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The VM config file hvctl writes for vmwp: one `key=value` per line, no
 * spaces around '=', whole-line '#' comments and blank lines.
 *
 *   name=web1                  required; 1-63 of [A-Za-z0-9._-], first alphanumeric
 *   memory=1073741824          required; bytes, a multiple of 1 MiB, >= 64 MiB
 *   cpus=2                     required; 1..64
 *   kernel=/var/lib/vm/bzImage required; an absolute path
 *   initrd=/var/lib/vm/initrd  optional; an absolute path (empty: none)
 *   cmdline=console=ttyS0 quiet  optional; the rest of the line, verbatim
 *   disk=0,rw,/vms/web.vhdx    optional, once per disk, at most 64: LUN,MODE,PATH;
 *                              LUN 0..63 in decimal (no leading zeros), each once;
 *                              MODE rw or ro; PATH absolute, the rest of the line
 *                              (it may hold commas), each path once.  The disks
 *                              of the SCSI controller, opened at start
 *   nic=0,lan,hvsw-lan,00:15:5d:a7:00:01,vlan=20
 *                              optional, once per network adapter, at most 8:
 *                              INDEX,SWITCH,BRIDGE,MAC[,OPTION]...; INDEX 0..7
 *                              (no leading zeros), each once; SWITCH the virtual
 *                              switch's name (the rules of name=); BRIDGE the
 *                              Linux bridge (an interface name, 1-15 characters
 *                              without '/', ':' or blanks) that the NIC's TAP
 *                              device becomes a port of; MAC six ':'-separated
 *                              hex pairs, unicast, not zero, each once.  OPTIONs,
 *                              each at most once: vlan=N (1..4094, the port's
 *                              only VLAN) and legacy (an emulated NIC asked for;
 *                              not yet used)
 *
 * Anything else is an error: unknown or repeated keys (disk, nic excepted), a line
 * without '=', whitespace around '=' or at the end of a value (cmdline
 * excepted), control characters, numbers with signs or units, a relative
 * path, a NUL byte.  nic= is read by tools/lib/nic_line.c, as hvctl reads
 * it.  tools/hvctl/vm_config.h is hvctl's side of this
 * contract.
 */
#ifndef VMWP_CONFIG_H
#define VMWP_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VMWP_NAME_MAX      63
#define VMWP_PATH_MAX      4096 /* with the NUL, as PATH_MAX */
#define VMWP_CMDLINE_MAX   4095 /* without the NUL; the kernel's own limit is checked at boot */
#define VMWP_CPUS_MAX      64   /* HV_MAX_CHILD_VPS */
#define VMWP_DISKS_MAX     64
#define VMWP_DISK_LUN_MAX  63
#define VMWP_NICS_MAX      8
#define VMWP_NIC_INDEX_MAX 7
#define VMWP_IFNAME_MAX    15 /* IFNAMSIZ - 1 */
#define VMWP_VLAN_MAX      4094
/* Room for 64 disks with the longest paths (about 270 KiB) and the rest. */
#define VMWP_CONFIG_FILE_MAX (512 * 1024)

/* One disk= line. */
struct vmwp_disk {
    unsigned lun; /* 0..VMWP_DISK_LUN_MAX, unique */
    bool read_only;
    char path[VMWP_PATH_MAX]; /* absolute, unique */
};

/* One nic= line. */
struct vmwp_nic {
    unsigned index; /* 0..VMWP_NIC_INDEX_MAX, unique */
    char switch_name[VMWP_NAME_MAX + 1];
    char bridge[VMWP_IFNAME_MAX + 1]; /* the bridge the TAP device joins */
    uint8_t mac[6];                   /* the guest's address: unicast, not zero, unique */
    unsigned vlan;                    /* 1..VMWP_VLAN_MAX; 0: the switch's default VLAN */
    bool legacy;                      /* an emulated NIC was asked for (not yet used) */
};

struct vmwp_config {
    char name[VMWP_NAME_MAX + 1];
    uint64_t memory; /* bytes */
    uint32_t cpus;
    char kernel[VMWP_PATH_MAX];
    char initrd[VMWP_PATH_MAX];             /* "" for none */
    char cmdline[VMWP_CMDLINE_MAX + 1];     /* "" for none */
    struct vmwp_disk disks[VMWP_DISKS_MAX]; /* in the file's order */
    unsigned disk_count;
    struct vmwp_nic nics[VMWP_NICS_MAX]; /* in the file's order */
    unsigned nic_count;
};

/*
 * Parse @len bytes of config text into @out.  Returns 0, or -1 with a
 * one-line message naming the line and the problem in @err (e.g.
 * "line 3: memory: 100 is not a multiple of 1 MiB").
 */
int vmwp_config_parse(const char *text, size_t len, struct vmwp_config *out, char *err,
                      size_t errlen);

/* Read @path (at most VMWP_CONFIG_FILE_MAX bytes) and parse it; the message
 * in @err names the file. */
int vmwp_config_load(const char *path, struct vmwp_config *out, char *err, size_t errlen);

#endif
