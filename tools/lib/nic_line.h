/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The value of a vm.conf nic= line, INDEX,SWITCH,BRIDGE,MAC[,OPTION]...,
 * taken apart in one place for hvctl (tools/hvctl/vm_config.c), which
 * writes and checks it, and the worker (tools/vmwp/config.c), which obeys
 * it: both read the same grammar and differ only in their messages.
 * Pure functions, no allocation.
 *
 *   INDEX   0 to NIC_LINE_INDEX_MAX in decimal, no leading zero
 *   SWITCH  a name of [A-Za-z0-9._-], the first alphanumeric, 1 to
 *           NIC_LINE_NAME_MAX bytes (the rules of VM names)
 *   BRIDGE  an interface name: 1 to NIC_LINE_IFNAME_MAX bytes, no '/', ':',
 *           blank or control byte, not "." or ".."
 *   MAC     six pairs of hex digits separated by ':', unicast, not zero
 *   OPTION  each at most once: vlan=N (1 to NIC_LINE_VLAN_MAX, no leading
 *           zero) or legacy
 */
#ifndef TOOLS_LIB_NIC_LINE_H
#define TOOLS_LIB_NIC_LINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NIC_LINE_INDEX_MAX  7
#define NIC_LINE_NAME_MAX   63
#define NIC_LINE_IFNAME_MAX 15 /* IFNAMSIZ - 1 */
#define NIC_LINE_VLAN_MAX   4094
#define NIC_LINE_MAC_LEN    6

/* What is wrong with a line, in the order the checks are made. */
enum nic_line_error {
    NIC_LINE_OK,
    NIC_LINE_FIELDS,       /* fewer than four fields: @bad is the whole value */
    NIC_LINE_INDEX,        /* @bad is INDEX */
    NIC_LINE_SWITCH,       /* @bad is SWITCH */
    NIC_LINE_BRIDGE,       /* @bad is BRIDGE */
    NIC_LINE_MAC,          /* @bad is MAC: not six ':'-separated hex pairs */
    NIC_LINE_MAC_UNUSABLE, /* @bad is MAC: a group address, or zero */
    NIC_LINE_VLAN,         /* @bad is N of vlan=N */
    NIC_LINE_VLAN_TWICE,
    NIC_LINE_LEGACY_TWICE,
    NIC_LINE_OPTION, /* @bad is an unknown OPTION (maybe empty) */
};

struct nic_line {
    unsigned index;                   /* set from NIC_LINE_SWITCH on */
    const char *switch_name, *bridge; /* into the text, not NUL-terminated */
    size_t switch_len, bridge_len;
    uint8_t mac[NIC_LINE_MAC_LEN];
    unsigned vlan; /* 0: none given */
    bool legacy;
    const char *bad; /* on an error: the part at fault, @bad_len bytes */
    size_t bad_len;
};

/* Whether the @len bytes at @s are a SWITCH name, an interface name. */
bool nic_line_name_valid(const char *s, size_t len);
bool nic_line_ifname_valid(const char *s, size_t len);

/* Six pairs of hex digits (either case) separated by @sep, exactly @len ==
 * 17 bytes, into @mac: true, or false (@mac unspecified). */
bool nic_line_mac_parse(const char *s, size_t len, char sep, uint8_t mac[NIC_LINE_MAC_LEN]);

/* Takes apart the @len bytes at @text into @out (zeroed first). */
enum nic_line_error nic_line_parse(const char *text, size_t len, struct nic_line *out);

#endif /* TOOLS_LIB_NIC_LINE_H */
