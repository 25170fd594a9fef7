/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A virtual switch's configuration, $STATE/switches/NAME.conf, and the
 * rules of its parts.  A switch is a Linux bridge in the parent; the VMs'
 * NICs are its ports (the worker's TAP devices), as Hyper-V's virtual
 * switch has them.  Three types:
 *   internal  the VMs and the parent: the bridge is the parent's interface
 *             on the switch, with an optional IPv4 address
 *   private   the VMs only: the bridge has no address, no IPv6, and is no
 *             member of any VLAN, so the parent takes no part
 *   external  the VMs, the parent and a physical network: the bridge has
 *             the physical NIC as a port (its uplink)
 *
 * The file, written by hvctl (key=value lines, conf_file.h):
 *   name=lan                 required, a name as a VM's (names.h)
 *   type=internal            required: internal, private or external
 *   mtu=1500                 required: 68 to 9000, the frames' payload
 *   mac=00:15:5d:a7:00:00    internal and private (required): the bridge's
 *                            address, from the host's pool (mac.h)
 *   address=10.0.0.1/24      internal (optional): the parent's IPv4 address
 *   nic=eth0                 external (required): the physical NIC
 * Each key at most once; unknown keys are errors.
 *
 * The bridge's name is derived from the switch's (switch_bridge_name):
 * "hvsw-" and the name when that fits in an interface name (15
 * characters), else "hvsw-", the name's first 6 characters and 4 hex
 * digits of a hash of the whole name.  Two switches whose names give the
 * same bridge are refused (switch create says so).
 */
#ifndef HVCTL_SWITCH_CONFIG_H
#define HVCTL_SWITCH_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mac.h"
#include "names.h"

#define SWITCH_CONFIG_SUFFIX ".conf"
#define SWITCH_CONFIG_MAX    4096
#define SWITCH_MTU_DEFAULT   1500
#define SWITCH_MTU_MIN       68 /* Linux's least for Ethernet (ETH_MIN_MTU) */
#define SWITCH_MTU_MAX       9000
#define SWITCH_BRIDGE_PREFIX "hvsw-"
#define IFNAME_MAX           15 /* IFNAMSIZ - 1 */

enum switch_type { SWITCH_INTERNAL, SWITCH_PRIVATE, SWITCH_EXTERNAL };

struct switch_config {
    char name[VM_NAME_MAX + 1];
    enum switch_type type;
    unsigned mtu;
    bool has_mac;
    uint8_t mac[MAC_LEN];
    bool has_address;
    uint32_t address; /* network byte order */
    unsigned prefix;
    char nic[IFNAME_MAX + 1]; /* "" but for external */
};

/* "internal", "private", "external". */
const char *switch_type_name(enum switch_type type);

/* --type: 0, or -1 with the reason in @err. */
int switch_type_parse(const char *text, enum switch_type *type, char *err, size_t err_size);

/* --mtu: a whole number from 68 to 9000.  0, or -1 with the reason in @err. */
int switch_mtu_parse(const char *text, unsigned *mtu, char *err, size_t err_size);

/*
 * --address A.B.C.D/N: the parent's address on an internal switch.  N is 1
 * to 32; the address is none of 0.0.0.0/8, 127.0.0.0/8, multicast,
 * 240.0.0.0/4, and, for N up to 30, neither the subnet's own address nor
 * its broadcast address.  0, or -1 with the reason in @err, which starts
 * with @label ("--address") and the text.
 */
int switch_address_parse(const char *label, const char *text, uint32_t *addr, unsigned *prefix,
                         char *err, size_t err_size);

/* "10.0.0.1/24" into @buf (at least 19 bytes). */
void switch_address_format(uint32_t addr, unsigned prefix, char *buf, size_t buf_size);

/*
 * A network interface name as Linux takes it: 1 to 15 characters, none of
 * them '/', ':', a space or a control character, not "." or "..".  True,
 * or false with the reason in @why.
 */
bool ifname_valid(const char *name, char *why, size_t why_size);

/* The bridge of the switch @name (valid): IFNAME_MAX + 1 bytes into @out. */
void switch_bridge_name(const char *name, char *out);

/* Checks @c against the rules above.  0, or -1 with the reason in @err. */
int switch_config_validate(const struct switch_config *c, char *err, size_t err_size);

/* The @len bytes at @text into @c, validated.  0, or -1 with "line N: reason" in @err. */
int switch_config_parse(const char *text, size_t len, struct switch_config *c, char *err,
                        size_t err_size);

/* The text of @c into @buf: its length, or -1 (invalid, reason in @err; or too small). */
long switch_config_format(const struct switch_config *c, char *buf, size_t buf_size, char *err,
                          size_t err_size);

/* Reads the file @path.  0, or -1 with "PATH: reason" in @err (errno kept for a missing file). */
int switch_config_read(const char *path, struct switch_config *c, char *err, size_t err_size);

/* Writes @c as @dir/NAME.conf, atomically (fsutil.h).  0, or -1 with the reason in @err. */
int switch_config_write(const char *dir, const struct switch_config *c, char *err, size_t err_size);

#endif
