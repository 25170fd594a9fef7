/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The VM config file hvctl writes for vmwp: one `key=value` per line, no
 * spaces around '=', whole-line '#' comments and blank lines.
 *
 *   name=web1                  required; 1-63 of [A-Za-z0-9._-], first alphanumeric
 *   generation=1               optional; 1 or 2 (default 2).  Generation 2: the
 *                              worker loads kernel= (and initrd=) and enters it
 *                              directly.  Generation 1: an emulated 440BX/PIIX4
 *                              PC whose firmware= (SeaBIOS) boots from its IDE
 *                              devices, as Hyper-V's generation 1 VMs
 *   memory=1073741824          required; bytes, a multiple of 1 MiB, >= 64 MiB
 *   cpus=2                     required; 1..64
 *   kernel=/var/lib/vm/bzImage required with generation 2, refused with 1; an
 *                              absolute path
 *   initrd=/var/lib/vm/initrd  optional, generation 2 only; an absolute path
 *                              (empty: none)
 *   cmdline=console=ttyS0 quiet  optional, generation 2 only; the rest of the
 *                              line, verbatim
 *   firmware=/usr/share/seabios/bios-256k.bin
 *                              required with generation 1, refused with 2; an
 *                              absolute path: the BIOS image mapped just below 4 GiB
 *   ide=0:0,rw,/vms/old.img    optional, generation 1 only, once per IDE device,
 *                              at most 4: C:D,MEDIA,PATH; C the channel (0
 *                              primary, 1 secondary) and D the device on it (0
 *                              master, 1 slave), each slot once; MEDIA rw or ro
 *                              (an ATA hard disk: an image in any format disk=
 *                              takes) or dvd (an ATAPI CD/DVD-ROM reading PATH,
 *                              an ISO image, as its disc); PATH absolute, the
 *                              rest of the line, each path once among the ide=
 *                              and disk= lines.  IDE has no hot plug: these
 *                              change only while the VM is off
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
 *                              only VLAN) and legacy (an emulated DEC 21140
 *                              NIC instead of a synthetic one: generation 1
 *                              only, as on Hyper-V)
 *
 * The keys may come in any order: the rules that tie one key to another
 * (the generation's) are checked once the whole file is read, and name the
 * line of the key that breaks them.
 *
 * Anything else is an error: unknown or repeated keys (disk, ide, nic excepted), a line
 * without '=', whitespace around '=' or at the end of a value (cmdline
 * excepted), control characters, numbers with signs or units, a relative
 * path, a NUL byte; with generation 1 a kernel=, initrd= or cmdline= line
 * (even empty) or no firmware= line, with generation 2 a firmware= or ide=
 * line or a legacy NIC.  nic= is read by tools/lib/nic_line.c, as hvctl
 * reads it.  tools/hvctl/vm_config.h is hvctl's side of this contract.
 * The parser takes generation 1 files whole; main.c refuses more legacy
 * NICs than the PC has slots for.
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
#define VMWP_IDE_MAX       4 /* two channels of two devices */
#define VMWP_IDE_CHANNELS  2
#define VMWP_IDE_DEVICES   2 /* per channel: master and slave */
/* Room for 64 disks and 4 IDE devices with the longest paths (about 290 KiB) and the rest. */
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
    bool legacy;                      /* an emulated NIC (generation 1 only) */
};

/* What an ide= line's device is. */
enum vmwp_ide_media {
    VMWP_IDE_RW,  /* an ATA hard disk the guest writes */
    VMWP_IDE_RO,  /* an ATA hard disk, read-only */
    VMWP_IDE_DVD, /* an ATAPI CD/DVD-ROM with PATH as its disc (read-only) */
};

/* One ide= line. */
struct vmwp_ide {
    unsigned channel; /* 0..VMWP_IDE_CHANNELS - 1: primary, secondary */
    unsigned device;  /* 0..VMWP_IDE_DEVICES - 1: master, slave; the slot is unique */
    enum vmwp_ide_media media;
    char path[VMWP_PATH_MAX]; /* absolute; unique among ide= and disk= */
};

struct vmwp_config {
    char name[VMWP_NAME_MAX + 1];
    unsigned generation; /* 1 or 2 */
    uint64_t memory;     /* bytes */
    uint32_t cpus;
    char kernel[VMWP_PATH_MAX];         /* generation 2; "" with 1 */
    char initrd[VMWP_PATH_MAX];         /* "" for none (always with generation 1) */
    char cmdline[VMWP_CMDLINE_MAX + 1]; /* "" for none (always with generation 1) */
    char firmware[VMWP_PATH_MAX];       /* generation 1; "" with 2 */
    struct vmwp_ide ide[VMWP_IDE_MAX];  /* in the file's order; none with generation 2 */
    unsigned ide_count;
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
