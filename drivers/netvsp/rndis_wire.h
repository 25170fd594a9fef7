/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * RNDIS as it travels inside NVSP SEND_RNDIS_PKT messages (Linux
 * include/linux/rndis.h for the numbers, drivers/net/hyperv/hyperv_net.h
 * for the structs).  A message is an 8-byte header (type, length of the
 * whole message) and a body; every offset in a body counts from the start
 * of the body (the byte after the header), not of the message.
 *
 * Packed, and only ever memcpy'd: messages sit at any byte offset in a
 * send-buffer section or in the guest's pages.
 */
#ifndef NETVSP_RNDIS_WIRE_H
#define NETVSP_RNDIS_WIRE_H

#include <stdint.h>

#define RNDIS_MSG_PACKET      0x00000001u
#define RNDIS_MSG_INIT        0x00000002u
#define RNDIS_MSG_HALT        0x00000003u
#define RNDIS_MSG_QUERY       0x00000004u
#define RNDIS_MSG_SET         0x00000005u
#define RNDIS_MSG_RESET       0x00000006u
#define RNDIS_MSG_INDICATE    0x00000007u
#define RNDIS_MSG_KEEPALIVE   0x00000008u
#define RNDIS_MSG_COMPLETION  0x80000000u
#define RNDIS_MSG_INIT_C      (RNDIS_MSG_INIT | RNDIS_MSG_COMPLETION)
#define RNDIS_MSG_QUERY_C     (RNDIS_MSG_QUERY | RNDIS_MSG_COMPLETION)
#define RNDIS_MSG_SET_C       (RNDIS_MSG_SET | RNDIS_MSG_COMPLETION)
#define RNDIS_MSG_RESET_C     (RNDIS_MSG_RESET | RNDIS_MSG_COMPLETION)
#define RNDIS_MSG_KEEPALIVE_C (RNDIS_MSG_KEEPALIVE | RNDIS_MSG_COMPLETION)

#define RNDIS_STATUS_SUCCESS          0x00000000u
#define RNDIS_STATUS_MEDIA_CONNECT    0x4001000bu
#define RNDIS_STATUS_MEDIA_DISCONNECT 0x4001000cu
#define RNDIS_STATUS_FAILURE          0xc0000001u
#define RNDIS_STATUS_NOT_SUPPORTED    0xc00000bbu
#define RNDIS_STATUS_MULTICAST_FULL   0xc0010009u
#define RNDIS_STATUS_INVALID_LENGTH   0xc0010014u
#define RNDIS_STATUS_INVALID_DATA     0xc0010015u

#define RNDIS_MAJOR_VERSION     1u
#define RNDIS_MINOR_VERSION     0u
#define RNDIS_DF_CONNECTIONLESS 0x00000001u
#define RNDIS_MEDIUM_802_3      0u

/* OIDs netvsp answers (general, 802.3, statistics, NDIS 6 offload). */
#define OID_GEN_SUPPORTED_LIST                0x00010101u
#define OID_GEN_HARDWARE_STATUS               0x00010102u
#define OID_GEN_MEDIA_SUPPORTED               0x00010103u
#define OID_GEN_MEDIA_IN_USE                  0x00010104u
#define OID_GEN_MAXIMUM_LOOKAHEAD             0x00010105u
#define OID_GEN_MAXIMUM_FRAME_SIZE            0x00010106u
#define OID_GEN_LINK_SPEED                    0x00010107u
#define OID_GEN_CURRENT_PACKET_FILTER         0x0001010eu
#define OID_GEN_CURRENT_LOOKAHEAD             0x0001010fu
#define OID_GEN_MAXIMUM_TOTAL_SIZE            0x00010111u
#define OID_GEN_MEDIA_CONNECT_STATUS          0x00010114u
#define OID_GEN_MAXIMUM_SEND_PACKETS          0x00010115u
#define OID_GEN_PHYSICAL_MEDIUM               0x00010202u
#define OID_GEN_RNDIS_CONFIG_PARAMETER        0x0001021bu
#define OID_GEN_RECEIVE_SCALE_CAPABILITIES    0x00010203u
#define OID_GEN_RECEIVE_SCALE_PARAMETERS      0x00010204u
#define OID_GEN_XMIT_OK                       0x00020101u
#define OID_GEN_RCV_OK                        0x00020102u
#define OID_GEN_XMIT_ERROR                    0x00020103u
#define OID_GEN_RCV_ERROR                     0x00020104u
#define OID_GEN_RCV_NO_BUFFER                 0x00020105u
#define OID_GEN_FRIENDLY_NAME                 0x00020216u
#define OID_802_3_PERMANENT_ADDRESS           0x01010101u
#define OID_802_3_CURRENT_ADDRESS             0x01010102u
#define OID_802_3_MULTICAST_LIST              0x01010103u
#define OID_802_3_MAXIMUM_LIST_SIZE           0x01010104u
#define OID_TCP_OFFLOAD_PARAMETERS            0xfc01020cu
#define OID_TCP_OFFLOAD_HARDWARE_CAPABILITIES 0xfc01020du

/* OID_GEN_CURRENT_PACKET_FILTER bits */
#define NDIS_PACKET_TYPE_DIRECTED      0x00000001u
#define NDIS_PACKET_TYPE_MULTICAST     0x00000002u
#define NDIS_PACKET_TYPE_ALL_MULTICAST 0x00000004u
#define NDIS_PACKET_TYPE_BROADCAST     0x00000008u
#define NDIS_PACKET_TYPE_PROMISCUOUS   0x00000020u

/* OID_GEN_MEDIA_CONNECT_STATUS values */
#define NDIS_MEDIA_STATE_CONNECTED    0u
#define NDIS_MEDIA_STATE_DISCONNECTED 1u

struct rndis_header {
    uint32_t type;
    uint32_t msg_len; /* the whole message, header included */
} __attribute__((packed));

#define RNDIS_HEADER_SIZE ((uint32_t)sizeof(struct rndis_header))

struct rndis_init_request {
    uint32_t req_id;
    uint32_t major;
    uint32_t minor;
    uint32_t max_xfer_size;
} __attribute__((packed));

struct rndis_init_complete {
    uint32_t req_id;
    uint32_t status;
    uint32_t major;
    uint32_t minor;
    uint32_t device_flags;
    uint32_t medium;
    uint32_t max_packets_per_msg;
    uint32_t max_xfer_size;
    uint32_t packet_alignment_factor; /* log2 of the alignment */
    uint32_t af_list_offset;
    uint32_t af_list_size;
} __attribute__((packed));

/* QUERY and SET requests have the same layout; the information buffer
 * is [info_offset, info_offset + info_len) of the body. */
struct rndis_oid_request {
    uint32_t req_id;
    uint32_t oid;
    uint32_t info_len;
    uint32_t info_offset;
    uint32_t dev_vc_handle;
} __attribute__((packed));

struct rndis_query_complete {
    uint32_t req_id;
    uint32_t status;
    uint32_t info_len;
    uint32_t info_offset;
} __attribute__((packed));

/* SET_C and KEEPALIVE_C */
struct rndis_status_complete {
    uint32_t req_id;
    uint32_t status;
} __attribute__((packed));

struct rndis_keepalive_request {
    uint32_t req_id;
} __attribute__((packed));

struct rndis_reset_complete {
    uint32_t status;
    uint32_t addressing_reset; /* 1: the guest must set filter and lists again */
} __attribute__((packed));

struct rndis_indicate_status {
    uint32_t status;
    uint32_t status_buf_len;
    uint32_t status_buf_offset;
} __attribute__((packed));

/* The body of RNDIS_MSG_PACKET: the frame is [data_offset, data_offset +
 * data_len) of the body; per-packet info (a chain of struct rndis_ppi) is
 * [ppi_offset, ppi_offset + ppi_len). */
struct rndis_packet {
    uint32_t data_offset;
    uint32_t data_len;
    uint32_t oob_offset;
    uint32_t oob_len;
    uint32_t oob_count;
    uint32_t ppi_offset;
    uint32_t ppi_len;
    uint32_t vc_handle;
    uint32_t reserved;
} __attribute__((packed));

/* One per-packet info: @size bytes from its start (this header
 * included), its value at @value_offset from its start.  Bit 31 of
 * @type_internal says the type is one of Hyper-V's internal ones. */
struct rndis_ppi {
    uint32_t size;
    uint32_t type_internal;
    uint32_t value_offset;
} __attribute__((packed));

#define RNDIS_PPI_INTERNAL     0x80000000u
#define RNDIS_PPI_TCPIP_CHKSUM 0u
#define RNDIS_PPI_LSO          2u
#define RNDIS_PPI_IEEE_8021Q   6u
#define RNDIS_PPI_HASH_VALUE   8u

/* OID_GEN_RNDIS_CONFIG_PARAMETER's information buffer: offsets count from
 * the start of this struct; names and string values are UTF-16LE. */
struct rndis_config_parameter {
    uint32_t name_offset;
    uint32_t name_len;
    uint32_t type;
    uint32_t value_offset;
    uint32_t value_len;
} __attribute__((packed));

#define RNDIS_CONFIG_PARAM_STRING 2u

/* NDIS object header at the start of NDIS 6 structures. */
struct ndis_object_header {
    uint8_t type;
    uint8_t revision;
    uint16_t size;
} __attribute__((packed));

#define NDIS_OBJECT_TYPE_DEFAULT 0x80
#define NDIS_OBJECT_TYPE_OFFLOAD 0xa7

/* struct ndis_offload (OID_TCP_OFFLOAD_HARDWARE_CAPABILITIES) sizes per
 * revision: NDIS 6.0 up to its flags, 6.1 adds IPsec v2, 6.30 RSC and
 * encapsulation.  Linux asks for revision 1, 2 or 3 by NVSP version and
 * refuses an answer smaller than the 6.0 size. */
#define NDIS_OFFLOAD_SIZE_6_0  112u
#define NDIS_OFFLOAD_SIZE_6_1  144u
#define NDIS_OFFLOAD_SIZE_6_30 156u

/* struct ndis_offload_params (OID_TCP_OFFLOAD_PARAMETERS): the object
 * header, then one byte per offload from IPv4 checksum on; Linux sends 22
 * bytes on NVSP <= 4 and 28 after. */
#define NDIS_OFFLOAD_PARAMS_MIN_SIZE 22u
#define NDIS_OFFLOAD_PARAM_IPV4_CSUM 4u /* ..8: IPv4, TCP4, UDP4, TCP6, UDP6 */
#define NDIS_OFFLOAD_PARAM_LSOV1     9u
#define NDIS_OFFLOAD_PARAM_LSOV2_IP4 11u
#define NDIS_OFFLOAD_PARAM_LSOV2_IP6 12u
/* Checksum settings: 0 no change, 1 off, 2 TX only, 3 RX only, 4 both;
 * LSO: 0 no change, 1 off, 2 on. */
#define NDIS_OFFLOAD_CSUM_MAX        4u
#define NDIS_OFFLOAD_CSUM_TX_ENABLED 2u
#define NDIS_OFFLOAD_CSUM_TX_RX      4u
#define NDIS_OFFLOAD_LSO_ENABLED     2u

_Static_assert(sizeof(struct rndis_init_complete) == 44, "rndis_initialize_complete");
_Static_assert(sizeof(struct rndis_oid_request) == 20, "rndis_query_request");
_Static_assert(sizeof(struct rndis_query_complete) == 16, "rndis_query_complete");
_Static_assert(sizeof(struct rndis_packet) == 36, "rndis_packet");
_Static_assert(sizeof(struct rndis_ppi) == 12, "rndis_per_packet_info");
_Static_assert(sizeof(struct rndis_config_parameter) == 20, "rndis_config_parameter_info");

#endif /* NETVSP_RNDIS_WIRE_H */
