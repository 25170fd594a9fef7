/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * NVSP, the message layer of Hyper-V's synthetic NIC, as Linux's hv_netvsc
 * (drivers/net/hyperv/hyperv_net.h) puts it on the wire.  Every packet on
 * the channel starts with one NVSP message: a u32 type, then the type's
 * fields.  Linux always sends (and sizes its completion checks against)
 * its whole union struct nvsp_message, NVSP_MSG_SIZE bytes; the host sends
 * its messages at that size too.
 *
 * The structs are packed and only ever memcpy'd to or from packets: a
 * payload has no alignment guarantee, and a guest may send fewer bytes
 * than a struct (the handlers check the length first).
 */
#ifndef NETVSP_NVSP_WIRE_H
#define NETVSP_NVSP_WIRE_H

#include <stdint.h>

/* Protocol versions, the ones Linux 6.1 offers (newest first, one at a
 * time, min == max). */
#define NVSP_VERSION_1  0x00000002u
#define NVSP_VERSION_2  0x00030002u
#define NVSP_VERSION_4  0x00040000u
#define NVSP_VERSION_5  0x00050000u
#define NVSP_VERSION_6  0x00060000u
#define NVSP_VERSION_61 0x00060001u

/* Message types. */
#define NVSP_MSG_INIT                 1
#define NVSP_MSG_INIT_COMPLETE        2
#define NVSP_MSG1_SEND_NDIS_VERSION   100
#define NVSP_MSG1_SEND_RECV_BUF       101
#define NVSP_MSG1_SEND_RECV_BUF_COMP  102
#define NVSP_MSG1_REVOKE_RECV_BUF     103
#define NVSP_MSG1_SEND_SEND_BUF       104
#define NVSP_MSG1_SEND_SEND_BUF_COMP  105
#define NVSP_MSG1_REVOKE_SEND_BUF     106
#define NVSP_MSG1_SEND_RNDIS_PKT      107
#define NVSP_MSG1_SEND_RNDIS_PKT_COMP 108
#define NVSP_MSG2_SEND_NDIS_CONFIG    125
#define NVSP_MSG4_SWITCH_DATA_PATH    129
#define NVSP_MSG5_SUBCHANNEL          133
#define NVSP_MSG5_SEND_INDIRECTION    134

/* Status values in completions. */
#define NVSP_STAT_SUCCESS            1
#define NVSP_STAT_FAIL               2
#define NVSP_STAT_INVALID_RNDIS_PKT  5
#define NVSP_STAT_PROTOCOL_UNSUPPORT 7

/* SEND_RNDIS_PKT channel types (RNDIS's two "channels", here one ring). */
#define NVSP_CHANNEL_DATA    0
#define NVSP_CHANNEL_CONTROL 1

/* SEND_RNDIS_PKT section index meaning "no send-buffer section": the RNDIS
 * message travels in the GPA-direct page ranges alone. */
#define NVSP_NO_SECTION 0xffffffffu

/* SUBCHANNEL operation */
#define NVSP_SUBCHANNEL_ALLOCATE 1

/* Linux's sizeof(struct nvsp_message): a u32 type and a 36-byte union. */
#define NVSP_MSG_SIZE 40u

struct nvsp_init {
    uint32_t type;
    uint32_t min_version;
    uint32_t max_version;
} __attribute__((packed));

struct nvsp_init_complete {
    uint32_t type;
    uint32_t negotiated_version;
    uint32_t max_mdl_chain_len;
    uint32_t status;
} __attribute__((packed));

struct nvsp_ndis_version {
    uint32_t type;
    uint32_t major;
    uint32_t minor;
} __attribute__((packed));

struct nvsp_ndis_config {
    uint32_t type;
    uint32_t mtu; /* the guest's MTU plus the 14-byte Ethernet header */
    uint32_t reserved;
    uint64_t capabilities;
} __attribute__((packed));

/* SEND_RECV_BUF and SEND_SEND_BUF: a GPADL the guest made for this
 * channel and the id it gives the buffer. */
struct nvsp_buffer {
    uint32_t type;
    uint32_t gpadl;
    uint16_t id;
} __attribute__((packed));

struct nvsp_recv_section {
    uint32_t offset;
    uint32_t sub_alloc_size;
    uint32_t num_sub_allocs;
    uint32_t end_offset;
} __attribute__((packed));

struct nvsp_recv_buf_complete {
    uint32_t type;
    uint32_t status;
    uint32_t num_sections;
    struct nvsp_recv_section section;
} __attribute__((packed));

struct nvsp_send_buf_complete {
    uint32_t type;
    uint32_t status;
    uint32_t section_size;
} __attribute__((packed));

/* REVOKE_RECV_BUF and REVOKE_SEND_BUF */
struct nvsp_revoke {
    uint32_t type;
    uint16_t id;
} __attribute__((packed));

struct nvsp_rndis_pkt {
    uint32_t type;
    uint32_t channel_type;
    uint32_t section_index;
    uint32_t section_size; /* bytes used in the section */
} __attribute__((packed));

struct nvsp_rndis_pkt_complete {
    uint32_t type;
    uint32_t status;
} __attribute__((packed));

struct nvsp_subchannel_request {
    uint32_t type;
    uint32_t op;
    uint32_t num_subchannels;
} __attribute__((packed));

struct nvsp_subchannel_complete {
    uint32_t type;
    uint32_t status;
    uint32_t num_subchannels;
} __attribute__((packed));

/* The part of a VMBus transfer-page packet between the 16-byte descriptor
 * and the payload (Linux struct vmtransfer_page_packet_header), with the
 * one range netvsp uses per packet: bytes [byte_offset, byte_offset +
 * byte_count) of the page set (the receive buffer) hold one RNDIS
 * message. */
struct vmbus_xfer_page_header {
    uint16_t xfer_pageset_id;
    uint8_t sender_owns_set;
    uint8_t reserved;
    uint32_t range_count;
    uint32_t byte_count;
    uint32_t byte_offset;
} __attribute__((packed));

_Static_assert(sizeof(struct nvsp_init_complete) == 16, "nvsp_message_init_complete");
_Static_assert(sizeof(struct nvsp_ndis_config) == 20, "nvsp_2_send_ndis_config");
_Static_assert(sizeof(struct nvsp_buffer) == 10, "nvsp_1_message_send_receive_buffer");
_Static_assert(sizeof(struct nvsp_recv_buf_complete) == 28, "send_receive_buffer_complete");
_Static_assert(sizeof(struct nvsp_rndis_pkt) == 16, "nvsp_1_message_send_rndis_packet");
_Static_assert(sizeof(struct vmbus_xfer_page_header) == 16, "one-range transfer page header");

#endif /* NETVSP_NVSP_WIRE_H */
