// SPDX-License-Identifier: GPL-2.0-only
/*
 * The OIDs netvsp answers (QUERY) and accepts (SET).
 *
 * Linux 6.1's rndis_filter_device_add() asks, in order: MAXIMUM_FRAME_SIZE
 * (optional; a smaller value lowers its MTU), 802_3_PERMANENT_ADDRESS
 * (required), FRIENDLY_NAME (optional), TCP_OFFLOAD_HARDWARE_CAPABILITIES
 * (required, an NDIS_OFFLOAD it checks), then sets TCP_OFFLOAD_PARAMETERS
 * (must succeed), asks MEDIA_CONNECT_STATUS, LINK_SPEED and
 * RECEIVE_SCALE_CAPABILITIES (refused here: one queue), and later sets
 * CURRENT_PACKET_FILTER, and RNDIS_CONFIG_PARAMETER "NetworkAddress" when
 * its address is changed.  Every other OID is refused with NOT_SUPPORTED.
 *
 * No offload is offered: the capabilities are all zero, and parameters
 * that would turn on checksum or segmentation offload on transmit are
 * refused, since the host would then get frames with checksums to fill in.
 */
#include <string.h>

#include "netvsp_internal.h"

static const uint32_t supported[] = {
    OID_GEN_SUPPORTED_LIST,
    OID_GEN_HARDWARE_STATUS,
    OID_GEN_MEDIA_SUPPORTED,
    OID_GEN_MEDIA_IN_USE,
    OID_GEN_MAXIMUM_LOOKAHEAD,
    OID_GEN_MAXIMUM_FRAME_SIZE,
    OID_GEN_LINK_SPEED,
    OID_GEN_CURRENT_PACKET_FILTER,
    OID_GEN_CURRENT_LOOKAHEAD,
    OID_GEN_MAXIMUM_TOTAL_SIZE,
    OID_GEN_MEDIA_CONNECT_STATUS,
    OID_GEN_MAXIMUM_SEND_PACKETS,
    OID_GEN_PHYSICAL_MEDIUM,
    OID_GEN_RNDIS_CONFIG_PARAMETER,
    OID_GEN_XMIT_OK,
    OID_GEN_RCV_OK,
    OID_GEN_XMIT_ERROR,
    OID_GEN_RCV_ERROR,
    OID_GEN_RCV_NO_BUFFER,
    OID_802_3_PERMANENT_ADDRESS,
    OID_802_3_CURRENT_ADDRESS,
    OID_802_3_MULTICAST_LIST,
    OID_802_3_MAXIMUM_LIST_SIZE,
    OID_TCP_OFFLOAD_PARAMETERS,
    OID_TCP_OFFLOAD_HARDWARE_CAPABILITIES,
};

static bool put(uint8_t *out, uint32_t out_max, uint32_t *out_len, const void *v, uint32_t n)
{
    if (n > out_max)
        return false;
    memcpy(out, v, n);
    *out_len = n;
    return true;
}

static bool put32(uint8_t *out, uint32_t out_max, uint32_t *out_len, uint32_t v)
{
    return put(out, out_max, out_len, &v, sizeof(v));
}

static bool put64(uint8_t *out, uint32_t out_max, uint32_t *out_len, uint64_t v)
{
    return put(out, out_max, out_len, &v, sizeof(v));
}

/* The NDIS_OFFLOAD Linux asks for: the revision and size that go with the
 * NVSP version (as its query does), every capability zero. */
static bool put_offload_caps(const struct netvsp *nic, uint8_t *out, uint32_t out_max,
                             uint32_t *out_len)
{
    struct ndis_object_header h = {NDIS_OBJECT_TYPE_OFFLOAD, 1, NDIS_OFFLOAD_SIZE_6_0};

    if (nic->nvsp_version >= NVSP_VERSION_5) {
        h.revision = 3;
        h.size = NDIS_OFFLOAD_SIZE_6_30;
    } else if (nic->nvsp_version >= NVSP_VERSION_4) {
        h.revision = 2;
        h.size = NDIS_OFFLOAD_SIZE_6_1;
    }
    if (h.size > out_max)
        return false;
    memset(out, 0, h.size);
    memcpy(out, &h, sizeof(h));
    *out_len = h.size;
    return true;
}

uint32_t rndis_oid_query(struct netvsp *nic, uint32_t oid, const uint8_t *in, uint32_t in_len,
                         uint8_t *out, uint32_t out_max, uint32_t *out_len)
{
    const struct netvsp_stats *st = &nic->stats;
    uint64_t speed = nic->link_speed_bps / 100; /* NDIS counts in 100 bit/s */
    bool ok;

    /* No OID here reads the query's input buffer (Linux sends object
     * headers in some; they only say what it hopes for). */
    (void)in;
    (void)in_len;
    *out_len = 0;
    switch (oid) {
    case OID_GEN_SUPPORTED_LIST:
        ok = put(out, out_max, out_len, supported, sizeof(supported));
        break;
    case OID_GEN_HARDWARE_STATUS: /* NdisHardwareStatusReady */
    case OID_GEN_MEDIA_SUPPORTED:
    case OID_GEN_MEDIA_IN_USE:
        ok = put32(out, out_max, out_len, RNDIS_MEDIUM_802_3);
        break;
    case OID_GEN_PHYSICAL_MEDIUM: /* NdisPhysicalMediumUnspecified */
        ok = put32(out, out_max, out_len, 0);
        break;
    case OID_GEN_MAXIMUM_LOOKAHEAD:
    case OID_GEN_CURRENT_LOOKAHEAD:
    case OID_GEN_MAXIMUM_FRAME_SIZE:
        ok = put32(out, out_max, out_len, nic->mtu);
        break;
    case OID_GEN_MAXIMUM_TOTAL_SIZE:
        ok = put32(out, out_max, out_len, nic->mtu + NETVSP_ETH_HLEN);
        break;
    case OID_GEN_LINK_SPEED:
        ok = put32(out, out_max, out_len, speed > UINT32_MAX ? UINT32_MAX : (uint32_t)speed);
        break;
    case OID_GEN_CURRENT_PACKET_FILTER:
        ok = put32(out, out_max, out_len, nic->filter.bits);
        break;
    case OID_GEN_MEDIA_CONNECT_STATUS:
        ok = put32(out, out_max, out_len,
                   nic->link_up ? NDIS_MEDIA_STATE_CONNECTED : NDIS_MEDIA_STATE_DISCONNECTED);
        break;
    case OID_GEN_MAXIMUM_SEND_PACKETS:
        ok = put32(out, out_max, out_len, NETVSP_MAX_PKTS_PER_MSG);
        break;
    case OID_GEN_XMIT_OK:
        ok = put64(out, out_max, out_len, st->tx_frames);
        break;
    case OID_GEN_RCV_OK:
        ok = put64(out, out_max, out_len, st->rx_frames);
        break;
    case OID_GEN_XMIT_ERROR:
        ok = put64(out, out_max, out_len, st->tx_dropped);
        break;
    case OID_GEN_RCV_ERROR:
        ok = put64(out, out_max, out_len, 0);
        break;
    case OID_GEN_RCV_NO_BUFFER:
        ok = put64(out, out_max, out_len, st->rx_dropped);
        break;
    case OID_802_3_PERMANENT_ADDRESS:
        ok = put(out, out_max, out_len, nic->perm_mac, 6);
        break;
    case OID_802_3_CURRENT_ADDRESS:
        ok = put(out, out_max, out_len, nic->filter.mac, 6);
        break;
    case OID_802_3_MAXIMUM_LIST_SIZE:
        ok = put32(out, out_max, out_len, PACKET_FILTER_MCAST_MAX);
        break;
    case OID_802_3_MULTICAST_LIST:
        ok = nic->filter.nmcast == 0 ||
             put(out, out_max, out_len, nic->filter.mcast, 6 * nic->filter.nmcast);
        break;
    case OID_TCP_OFFLOAD_HARDWARE_CAPABILITIES:
        ok = put_offload_caps(nic, out, out_max, out_len);
        break;
    default:
        /* RECEIVE_SCALE_CAPABILITIES and FRIENDLY_NAME among them: Linux
         * goes on without. */
        return RNDIS_STATUS_NOT_SUPPORTED;
    }
    return ok ? RNDIS_STATUS_SUCCESS : RNDIS_STATUS_FAILURE;
}

static uint32_t set_multicast_list(struct netvsp *nic, const uint8_t *in, uint32_t in_len)
{
    uint32_t n = in_len / 6;

    if (in_len % 6)
        return RNDIS_STATUS_INVALID_LENGTH;
    if (n > PACKET_FILTER_MCAST_MAX)
        return RNDIS_STATUS_MULTICAST_FULL;
    for (uint32_t i = 0; i < n; i++)
        if (!(in[6 * i] & 1))
            return RNDIS_STATUS_INVALID_DATA; /* not a group address */
    memcpy(nic->filter.mcast, in, in_len);
    nic->filter.nmcast = n;
    return RNDIS_STATUS_SUCCESS;
}

static uint8_t upper(uint8_t c)
{
    return c >= 'a' && c <= 'z' ? (uint8_t)(c - 'a' + 'A') : c;
}

/* The UTF-16LE string @s (@bytes bytes) is the ASCII @name, any case. */
static bool utf16_is(const uint8_t *s, uint32_t bytes, const char *name)
{
    size_t n = strlen(name);

    if (bytes != 2 * n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[2 * i + 1] != 0 || upper(s[2 * i]) != upper((uint8_t)name[i]))
            return false;
    return true;
}

static int hex_digit(uint8_t lo, uint8_t hi)
{
    if (hi != 0)
        return -1;
    if (lo >= '0' && lo <= '9')
        return lo - '0';
    if (lo >= 'a' && lo <= 'f')
        return lo - 'a' + 10;
    if (lo >= 'A' && lo <= 'F')
        return lo - 'A' + 10;
    return -1;
}

/* "NetworkAddress": twelve hex digits in UTF-16LE (Linux's "%pm"). */
static uint32_t set_network_address(struct netvsp *nic, const struct rndis_config_parameter *p,
                                    const uint8_t *value)
{
    uint8_t mac[6];

    if (p->type != RNDIS_CONFIG_PARAM_STRING || p->value_len != 24)
        return RNDIS_STATUS_INVALID_DATA;
    for (unsigned i = 0; i < 6; i++) {
        int h = hex_digit(value[4 * i], value[4 * i + 1]);
        int l = hex_digit(value[4 * i + 2], value[4 * i + 3]);

        if (h < 0 || l < 0)
            return RNDIS_STATUS_INVALID_DATA;
        mac[i] = (uint8_t)(h << 4 | l);
    }
    if ((mac[0] & 1) || !(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]))
        return RNDIS_STATUS_INVALID_DATA; /* must be one station's address */
    if (!nic->allow_mac_change)
        return RNDIS_STATUS_NOT_SUPPORTED;
    memcpy(nic->filter.mac, mac, 6);
    return RNDIS_STATUS_SUCCESS;
}

static uint32_t set_config_parameter(struct netvsp *nic, const uint8_t *in, uint32_t in_len)
{
    struct rndis_config_parameter p;

    if (in_len < sizeof(p))
        return RNDIS_STATUS_INVALID_LENGTH;
    memcpy(&p, in, sizeof(p));
    if (p.name_offset < sizeof(p) || p.name_offset > in_len ||
        p.name_len > in_len - p.name_offset || p.value_offset < sizeof(p) ||
        p.value_offset > in_len || p.value_len > in_len - p.value_offset)
        return RNDIS_STATUS_INVALID_DATA;
    if (utf16_is(in + p.name_offset, p.name_len, "NetworkAddress"))
        return set_network_address(nic, &p, in + p.value_offset);
    /* Windows guests pass their registry settings this way: taken and
     * ignored. */
    return RNDIS_STATUS_SUCCESS;
}

static uint32_t set_offload_parameters(const uint8_t *in, uint32_t in_len)
{
    static const unsigned lso[] = {NDIS_OFFLOAD_PARAM_LSOV1, NDIS_OFFLOAD_PARAM_LSOV2_IP4,
                                   NDIS_OFFLOAD_PARAM_LSOV2_IP6};
    struct ndis_object_header h;

    if (in_len < NDIS_OFFLOAD_PARAMS_MIN_SIZE)
        return RNDIS_STATUS_INVALID_LENGTH;
    memcpy(&h, in, sizeof(h));
    if (h.type != NDIS_OBJECT_TYPE_DEFAULT || h.size < NDIS_OFFLOAD_PARAMS_MIN_SIZE ||
        h.size > in_len)
        return RNDIS_STATUS_INVALID_DATA;
    /* IPv4, TCP4, UDP4, TCP6, UDP6 checksums. */
    for (unsigned i = 0; i < 5; i++) {
        uint8_t v = in[NDIS_OFFLOAD_PARAM_IPV4_CSUM + i];

        if (v > NDIS_OFFLOAD_CSUM_MAX)
            return RNDIS_STATUS_INVALID_DATA;
        if (v == NDIS_OFFLOAD_CSUM_TX_ENABLED || v == NDIS_OFFLOAD_CSUM_TX_RX)
            return RNDIS_STATUS_NOT_SUPPORTED;
    }
    for (unsigned i = 0; i < sizeof(lso) / sizeof(lso[0]); i++) {
        if (in[lso[i]] > NDIS_OFFLOAD_LSO_ENABLED)
            return RNDIS_STATUS_INVALID_DATA;
        if (in[lso[i]] == NDIS_OFFLOAD_LSO_ENABLED)
            return RNDIS_STATUS_NOT_SUPPORTED;
    }
    /* The rest (IPsec, RSC, encapsulation) asks for nothing netvsp does
     * on transmit: taken. */
    return RNDIS_STATUS_SUCCESS;
}

uint32_t rndis_oid_set(struct netvsp *nic, uint32_t oid, const uint8_t *in, uint32_t in_len)
{
    uint32_t v;

    switch (oid) {
    case OID_GEN_CURRENT_PACKET_FILTER:
        if (in_len < sizeof(v))
            return RNDIS_STATUS_INVALID_LENGTH;
        memcpy(&v, in, sizeof(v));
        /* Bits netvsp has no use for (source routing, functional
         * addresses, ...) mean nothing on Ethernet: kept, ignored. */
        nic->filter.bits = v;
        return RNDIS_STATUS_SUCCESS;
    case OID_GEN_CURRENT_LOOKAHEAD:
        /* Whole frames are always delivered. */
        return in_len < sizeof(v) ? RNDIS_STATUS_INVALID_LENGTH : RNDIS_STATUS_SUCCESS;
    case OID_802_3_MULTICAST_LIST:
        return set_multicast_list(nic, in, in_len);
    case OID_GEN_RNDIS_CONFIG_PARAMETER:
        return set_config_parameter(nic, in, in_len);
    case OID_TCP_OFFLOAD_PARAMETERS:
        return set_offload_parameters(in, in_len);
    default:
        /* RECEIVE_SCALE_PARAMETERS among them. */
        return RNDIS_STATUS_NOT_SUPPORTED;
    }
}
