/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A VM's configuration, $STATE/vms/NAME/vm.conf: the contract between hvctl,
 * which writes it, and the worker (vmwp), which reads it at start.
 *
 * Lines "key=value", no spaces around '='; lines whose first non-blank
 * character is '#' and blank lines are ignored.  Keys:
 *   name      1-63 characters of [A-Za-z0-9._-], the first alphanumeric
 *   generation  1 or 2 (optional, default 2; hvctl writes it for 1 only, so
 *             that a generation 2 VM's file is what it was before generation
 *             1 existed).  Generation 2 boots kernel directly; generation 1
 *             is an emulated PC (440BX, PIIX4 IDE) whose firmware boots
 *             from its disks, as on Hyper-V.  It is chosen at create and
 *             never changes (Hyper-V cannot change it either)
 *   memory    bytes, a multiple of 1 MiB, at least 64 MiB
 *   cpus      1 to 64
 *   kernel    absolute path: required with generation 2, refused with 1
 *   initrd    absolute path (optional; generation 2 only)
 *   cmdline   the rest of the line, spaces and '=' included (optional;
 *             generation 2 only)
 *   firmware  absolute path of the BIOS image (SeaBIOS): required with
 *             generation 1, refused with 2
 *   ide       C:D,MEDIA,PATH, once per IDE device (optional, generation 1
 *             only, at most 4): C the channel and D the device, each 0 or
 *             1, each slot once; MEDIA rw or ro (a hard disk: raw, VHD or
 *             VHDX) or dvd (a CD/DVD-ROM whose disc is PATH, an ISO image);
 *             PATH absolute, the rest of the line, and no other ide= or
 *             disk= line's.  hvctl writes them sorted by slot (0:0, 0:1,
 *             1:0, 1:1), PATH canonical; IDE has no hot plug, so they
 *             change only while the VM is off
 *   disk      LUN,MODE,PATH, once per disk (optional, at most 64): LUN 0 to
 *             63 in decimal, each LUN once; MODE rw or ro; PATH absolute,
 *             the rest of the line (so it may hold commas), each path once.
 *             hvctl writes them sorted by LUN, and stores PATH canonical
 *             (realpath) as the user gave it; the worker opens each disk at
 *             start and serves it on its SCSI controller at that LUN
 *   nic       INDEX,SWITCH,BRIDGE,MAC[,OPTION]..., once per network adapter
 *             (optional, at most 8): INDEX 0 to 7 in decimal, each once;
 *             SWITCH the virtual switch's name (switch_config.h); BRIDGE
 *             its Linux bridge, which the worker plugs the NIC's TAP device
 *             into (hvctl checks it is SWITCH's, switch_bridge_name());
 *             MAC xx:xx:xx:xx:xx:xx, unicast, not zero, each once.  OPTIONs,
 *             each at most once, in any order: vlan=N (1 to 4094: the NIC
 *             is an access port of VLAN N; without it, of the switch's
 *             default VLAN) and legacy (an emulated DEC 21140 NIC rather
 *             than a synthetic one: generation 1 only).  A later
 *             option is a new word here and in the worker's parser.
 *             hvctl writes them sorted by INDEX, vlan before legacy
 * Unknown keys, repeated keys (but disk, ide and nic) and missing required keys are
 * errors; so are control characters in any value (a newline would end the
 * line), paths that end with a space (the worker refuses them), and what
 * the generation does not take.  Keys may come in any order.
 * tools/vmwp/config.h is the worker's side of this contract; both read nic=
 * with tools/lib/nic_line.c.
 */
#ifndef HVCTL_VM_CONFIG_H
#define HVCTL_VM_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mac.h"
#include "names.h"
#include "switch_config.h"

#define VM_CONFIG_FILE  "vm.conf"
#define VM_MEMORY_MIN   (64ULL << 20)
#define VM_MEMORY_ALIGN (1ULL << 20)
#define VM_CPUS_MIN     1
#define VM_CPUS_MAX     64
#define VM_PATH_MAX     4096 /* PATH_MAX, with the NUL */
/* Linux on x86 takes at most 2047 bytes of command line (COMMAND_LINE_SIZE 2048). */
#define VM_CMDLINE_MAX        2048 /* with the NUL */
#define VM_CMDLINE_DEFAULT    "console=ttyS0"
#define VM_DISKS_MAX          64 /* disk= lines */
#define VM_DISK_LUN_MAX       63
#define VM_NICS_MAX           8 /* nic= lines */
#define VM_LEGACY_NICS_MAX    4 /* of them legacy (generation 1), as on Hyper-V */
#define VM_NIC_INDEX_MAX      7
#define VM_NIC_VLAN_MAX       4094
#define VM_IDE_MAX            4 /* ide= lines: two channels of two devices */
#define VM_IDE_CHANNELS       2
#define VM_IDE_DEVICES        2
#define VM_GENERATION_DEFAULT 2
/* Where Debian's seabios package puts the BIOS that QEMU uses too. */
#define VM_FIRMWARE_DEFAULT "/usr/share/seabios/bios-256k.bin"
/* More than any valid file (64 disks and 4 IDE devices with the longest
 * paths make about 290 KiB): a guard against reading something else. */
#define VM_CONFIG_FILE_MAX (512 * 1024)

/* One disk= line. */
struct vm_disk {
    unsigned lun; /* 0 to VM_DISK_LUN_MAX */
    bool read_only;
    char path[VM_PATH_MAX]; /* absolute */
};

/* One nic= line. */
struct vm_nic {
    unsigned index; /* 0 to VM_NIC_INDEX_MAX */
    char switch_name[VM_NAME_MAX + 1];
    char bridge[IFNAME_MAX + 1]; /* switch_bridge_name(switch_name) */
    uint8_t mac[MAC_LEN];
    unsigned vlan; /* 1 to VM_NIC_VLAN_MAX; 0 for none: the switch's default VLAN */
    bool legacy;   /* an emulated NIC (DEC 21140): generation 1 only */
};

/* What an IDE device is. */
enum vm_ide_media {
    VM_IDE_RW,  /* a hard disk */
    VM_IDE_RO,  /* a hard disk the guest cannot write */
    VM_IDE_DVD, /* a CD/DVD-ROM drive with an ISO image as its disc */
};

/* One ide= line. */
struct vm_ide {
    unsigned channel; /* 0 (primary) or 1 (secondary) */
    unsigned device;  /* 0 (master) or 1 (slave) */
    enum vm_ide_media media;
    char path[VM_PATH_MAX]; /* absolute */
};

struct vm_config {
    char name[VM_NAME_MAX + 1];
    unsigned generation; /* 1 or 2: there is no default here, 0 is invalid */
    uint64_t memory;     /* bytes */
    unsigned cpus;
    char kernel[VM_PATH_MAX];      /* generation 2; "" with 1 */
    char initrd[VM_PATH_MAX];      /* "" when there is none (always with generation 1) */
    char cmdline[VM_CMDLINE_MAX];  /* may be ""; always "" with generation 1 */
    char firmware[VM_PATH_MAX];    /* generation 1; "" with 2 */
    struct vm_ide ide[VM_IDE_MAX]; /* sorted by slot when hvctl made them */
    unsigned ide_count;
    struct vm_disk disks[VM_DISKS_MAX]; /* sorted by LUN when hvctl made them */
    unsigned disk_count;
    struct vm_nic nics[VM_NICS_MAX]; /* sorted by index when hvctl made them */
    unsigned nic_count;
};

/* "rw", "ro" or "dvd", as in ide= lines. */
const char *vm_ide_media_name(enum vm_ide_media media);

/*
 * Checks every field against the rules above.  0, or -1 with the reason in
 * @err, which starts with the key at fault ("memory 100M is not ...",
 * "kernel is for generation 2 VMs ...") so that a caller can put "--" in
 * front when an option set it.
 */
int vm_config_validate(const struct vm_config *c, char *err, size_t err_size);

/* How many of @c's NICs are legacy (emulated DEC 21140s). */
unsigned vm_config_legacy_nics(const struct vm_config *c);

/*
 * Parses the @len bytes of @text (need not be NUL-terminated) into @c, then
 * validates it.  0, or -1 with "line N: reason" or the reason in @err.
 */
int vm_config_parse(const char *text, size_t len, struct vm_config *c, char *err, size_t err_size);

/*
 * Writes the text of @c into @buf (NUL-terminated).  Returns its length, or
 * -1 if @c is not valid (reason in @err) or @buf is too small.
 */
long vm_config_format(const struct vm_config *c, char *buf, size_t buf_size, char *err,
                      size_t err_size);

/* Reads and parses the file @path.  0, or -1 with "PATH: reason" in @err. */
int vm_config_read(const char *path, struct vm_config *c, char *err, size_t err_size);

/*
 * Validates @c and writes it to @dir/vm.conf atomically (fsutil.h).  0, or
 * -1 with the reason in @err; on failure the old file, if any, is intact.
 */
int vm_config_write(const char *dir, const struct vm_config *c, char *err, size_t err_size);

#endif
