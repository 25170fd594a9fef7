// SPDX-License-Identifier: GPL-2.0-only
/* MAC addresses and the host's pool (see mac.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nic_line.h>

#include "mac.h"

int mac_parse(const char *text, uint8_t mac[MAC_LEN])
{
    size_t len = strlen(text);

    if (len != MAC_TEXT_MAX - 1 || (text[2] != ':' && text[2] != '-'))
        return -1;
    return nic_line_mac_parse(text, len, text[2], mac) ? 0 : -1;
}

void mac_format(const uint8_t mac[MAC_LEN], char buf[MAC_TEXT_MAX])
{
    snprintf(buf, MAC_TEXT_MAX, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3],
             mac[4], mac[5]);
}

bool mac_is_multicast(const uint8_t mac[MAC_LEN])
{
    return (mac[0] & 1) != 0;
}

bool mac_is_zero(const uint8_t mac[MAC_LEN])
{
    static const uint8_t zero[MAC_LEN];

    return memcmp(mac, zero, MAC_LEN) == 0;
}

bool mac_usable(const uint8_t mac[MAC_LEN], char *why, size_t why_size)
{
    if (mac_is_multicast(mac)) {
        snprintf(why, why_size,
                 "is a multicast address (the first byte is odd): a NIC needs a unicast one");
        return false;
    }
    if (mac_is_zero(mac)) {
        snprintf(why, why_size, "is all zeros, which no NIC may have");
        return false;
    }
    return true;
}

uint64_t mac_to_u64(const uint8_t mac[MAC_LEN])
{
    uint64_t v = 0;

    for (int i = 0; i < MAC_LEN; i++)
        v = v << 8 | mac[i];
    return v;
}

void mac_from_u64(uint64_t value, uint8_t mac[MAC_LEN])
{
    for (int i = MAC_LEN - 1; i >= 0; i--) {
        mac[i] = (uint8_t)value;
        value >>= 8;
    }
}

int mac_pool_parse(const char *text, struct mac_pool *pool, char *err, size_t err_size)
{
    const char *dash = strchr(text, '-');
    char first[MAC_TEXT_MAX], why[96];
    uint8_t a[MAC_LEN], b[MAC_LEN];

    /* Addresses written with '-' would make the range ambiguous: only ':' ones here. */
    if (dash == NULL || dash - text != MAC_TEXT_MAX - 1 || strchr(dash + 1, '-') != NULL) {
        snprintf(err, err_size,
                 "MAC pool '%.60s' is not FIRST-LAST (two addresses like 00:15:5d:a7:00:00)", text);
        return -1;
    }
    memcpy(first, text, MAC_TEXT_MAX - 1);
    first[MAC_TEXT_MAX - 1] = '\0';
    if (mac_parse(first, a) != 0 || mac_parse(dash + 1, b) != 0) {
        snprintf(err, err_size,
                 "MAC pool '%.60s': '%s' is not a MAC address like 00:15:5d:a7:00:00", text,
                 mac_parse(first, a) != 0 ? first : dash + 1);
        return -1;
    }
    if (!mac_usable(a, why, sizeof(why))) {
        snprintf(err, err_size, "MAC pool %s: %s %s", text, first, why);
        return -1;
    }
    if (!mac_usable(b, why, sizeof(why))) {
        snprintf(err, err_size, "MAC pool %s: %s %s", text, dash + 1, why);
        return -1;
    }
    if (mac_to_u64(a) > mac_to_u64(b)) {
        snprintf(err, err_size, "MAC pool %s: the first address is above the last", text);
        return -1;
    }
    if (a[0] != b[0]) {
        snprintf(err, err_size,
                 "MAC pool %s: both ends must have the same first byte (else multicast addresses "
                 "lie between them)",
                 text);
        return -1;
    }
    pool->first = mac_to_u64(a);
    pool->last = mac_to_u64(b);
    return 0;
}

void mac_pool_format(const struct mac_pool *pool, char buf[MAC_POOL_TEXT_MAX])
{
    uint8_t a[MAC_LEN], b[MAC_LEN];
    char first[MAC_TEXT_MAX], last[MAC_TEXT_MAX];

    mac_from_u64(pool->first, a);
    mac_from_u64(pool->last, b);
    mac_format(a, first);
    mac_format(b, last);
    snprintf(buf, MAC_POOL_TEXT_MAX, "%s-%s", first, last);
}

void mac_pool_default(uint8_t host_byte, struct mac_pool *pool)
{
    pool->first = MAC_POOL_OUI_DEFAULT << 24 | (uint64_t)host_byte << 16;
    pool->last = pool->first | 0xffff;
}

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

int mac_pool_alloc(const struct mac_pool *pool, const uint64_t *used, size_t n_used,
                   uint8_t mac[MAC_LEN])
{
    uint64_t *sorted = malloc((n_used ? n_used : 1) * sizeof(*sorted));
    uint64_t candidate = pool->first;

    if (sorted == NULL)
        return -1;
    memcpy(sorted, used, n_used * sizeof(*sorted));
    qsort(sorted, n_used, sizeof(*sorted), compare_u64);
    /* Walk up through the taken ones: the first gap is the lowest free address. */
    for (size_t i = 0; i < n_used && candidate <= pool->last; i++) {
        if (sorted[i] == candidate)
            candidate++;
        else if (sorted[i] > candidate)
            break;
    }
    free(sorted);
    if (candidate > pool->last || pool->first > pool->last)
        return -1;
    mac_from_u64(candidate, mac);
    return 0;
}
