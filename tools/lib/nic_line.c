// SPDX-License-Identifier: GPL-2.0-only
/* A vm.conf nic= line, taken apart (see nic_line.h). */
#include <string.h>

#include "hex_digit.h"
#include "nic_line.h"

static bool is_alnum(char c)
{
    /* Not isalnum(): the locale must not widen the alphabet. */
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Digits only, no leading zero, at most @max: true with it in *@out. */
static bool parse_number(const char *s, size_t len, unsigned max, unsigned *out)
{
    unsigned long v = 0;

    if (len == 0 || (len > 1 && s[0] == '0'))
        return false;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (unsigned long)(s[i] - '0');
        if (v > max)
            return false;
    }
    *out = (unsigned)v;
    return true;
}

bool nic_line_name_valid(const char *s, size_t len)
{
    if (len == 0 || len > NIC_LINE_NAME_MAX || !is_alnum(s[0]))
        return false;
    for (size_t i = 0; i < len; i++) {
        if (!is_alnum(s[i]) && s[i] != '.' && s[i] != '_' && s[i] != '-')
            return false;
    }
    return true;
}

bool nic_line_ifname_valid(const char *s, size_t len)
{
    if (len == 0 || len > NIC_LINE_IFNAME_MAX || (len == 1 && s[0] == '.') ||
        (len == 2 && s[0] == '.' && s[1] == '.'))
        return false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c <= 0x20 || c == 0x7f || c == '/' || c == ':')
            return false;
    }
    return true;
}

bool nic_line_mac_parse(const char *s, size_t len, char sep, uint8_t mac[NIC_LINE_MAC_LEN])
{
    if (len != 3 * NIC_LINE_MAC_LEN - 1)
        return false;
    for (int i = 0; i < NIC_LINE_MAC_LEN; i++) {
        int hi = hex_digit(s[3 * i]), lo = hex_digit(s[3 * i + 1]);

        if (hi < 0 || lo < 0 || (i < NIC_LINE_MAC_LEN - 1 && s[3 * i + 2] != sep))
            return false;
        mac[i] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}

static enum nic_line_error fail(struct nic_line *out, enum nic_line_error e, const char *bad,
                                size_t bad_len)
{
    out->bad = bad;
    out->bad_len = bad_len;
    return e;
}

/* One OPTION, @len bytes at @o. */
static enum nic_line_error parse_option(const char *o, size_t len, struct nic_line *out,
                                        bool *seen_vlan)
{
    if (len > 5 && memcmp(o, "vlan=", 5) == 0) {
        if (*seen_vlan)
            return NIC_LINE_VLAN_TWICE;
        *seen_vlan = true;
        if (!parse_number(o + 5, len - 5, NIC_LINE_VLAN_MAX, &out->vlan) || out->vlan == 0)
            return fail(out, NIC_LINE_VLAN, o + 5, len - 5);
        return NIC_LINE_OK;
    }
    if (len == 6 && memcmp(o, "legacy", 6) == 0) {
        if (out->legacy)
            return NIC_LINE_LEGACY_TWICE;
        out->legacy = true;
        return NIC_LINE_OK;
    }
    return fail(out, NIC_LINE_OPTION, o, len);
}

enum nic_line_error nic_line_parse(const char *text, size_t len, struct nic_line *out)
{
    static const uint8_t zero[NIC_LINE_MAC_LEN];
    const char *field[4], *end = text + len, *p = text;
    size_t field_len[4];
    bool seen_vlan = false;

    memset(out, 0, sizeof(*out));
    for (int i = 0; i < 4; i++) {
        const char *comma = memchr(p, ',', (size_t)(end - p));

        if (comma == NULL && i < 3)
            return fail(out, NIC_LINE_FIELDS, text, len);
        field[i] = p;
        field_len[i] = (size_t)((comma ? comma : end) - p);
        /* Past the MAC's comma when options follow: "MAC," alone is an empty option. */
        p = comma ? comma + 1 : NULL;
    }
    if (!parse_number(field[0], field_len[0], NIC_LINE_INDEX_MAX, &out->index))
        return fail(out, NIC_LINE_INDEX, field[0], field_len[0]);
    out->switch_name = field[1];
    out->switch_len = field_len[1];
    out->bridge = field[2];
    out->bridge_len = field_len[2];
    if (!nic_line_name_valid(field[1], field_len[1]))
        return fail(out, NIC_LINE_SWITCH, field[1], field_len[1]);
    if (!nic_line_ifname_valid(field[2], field_len[2]))
        return fail(out, NIC_LINE_BRIDGE, field[2], field_len[2]);
    if (!nic_line_mac_parse(field[3], field_len[3], ':', out->mac))
        return fail(out, NIC_LINE_MAC, field[3], field_len[3]);
    if ((out->mac[0] & 1) || memcmp(out->mac, zero, NIC_LINE_MAC_LEN) == 0)
        return fail(out, NIC_LINE_MAC_UNUSABLE, field[3], field_len[3]);
    while (p != NULL) {
        const char *comma = memchr(p, ',', (size_t)(end - p));
        enum nic_line_error e =
            parse_option(p, (size_t)((comma ? comma : end) - p), out, &seen_vlan);

        if (e != NIC_LINE_OK)
            return e;
        p = comma ? comma + 1 : NULL;
    }
    return NIC_LINE_OK;
}
